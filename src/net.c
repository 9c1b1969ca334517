/* net.c: see net.h. */
#include "net.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "util.h"

int nb_net_loopback_up(struct nb_err *err)
{
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;

	if (fd < 0)
		return nb_fail(err, errno, "cannot open a socket to bring up lo");
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return nb_fail(err, errno, "cannot read the flags of lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return nb_fail(err, errno, "cannot bring up lo");
	return 0;
}

int nb_net_low_ports(struct nb_err *err)
{
	/* Per network namespace: the host's setting is untouched. */
	if (nb_write_file("/proc/sys/net/ipv4/ip_unprivileged_port_start", "0", err) < 0)
		return nb_hint(err, "the kernel needs Linux 4.11 or later for unprivileged low ports");
	return 0;
}
