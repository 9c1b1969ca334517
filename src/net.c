/* net.c: see net.h. */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "idmap.h"
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

static void netns_diagnose(int errnum, struct nb_err *err)
{
	const char *what = "cannot create the sandbox's network namespace";

	if (errnum == ENOSPC)
		nb_fail_hint(err, errnum, "see /proc/sys/user/max_net_namespaces, or share the host's with --net=host",
			     "%s: the limit of network namespaces is reached", what);
	else
		nb_userns_diagnose(errnum, what, err);
}

/* In the helper, a copy of the supervisor: into the child's user
 * namespace (its owner, our uid, has every capability there), then a
 * network namespace of that user namespace's own. Sends the namespace,
 * or the error; keeps nothing else of the supervisor's. */
static int netns_helper(void *arg)
{
	const struct nb_netns *n = arg;
	const int keep[] = { 0, 1, 2, n->sock, n->pidfd };
	struct nb_err err = { 0 };
	char path[40];
	_cleanup_close_ int user = -1, net = -1;

	nb_close_all_but(keep, ARRAY_SIZE(keep));
	if (n->pidfd < 0) {
		snprintf(path, sizeof path, "/proc/%d/ns/user", (int)n->child);
		user = open(path, O_RDONLY | O_CLOEXEC);
	}
	if ((n->pidfd >= 0 ? setns(n->pidfd, CLONE_NEWUSER) : user < 0 ? -1 : setns(user, CLONE_NEWUSER)) < 0)
		nb_fail(&err, errno, "cannot join the sandbox's user namespace to make its network namespace");
	else if (unshare(CLONE_NEWNET) < 0)
		netns_diagnose(errno, &err);
	else if (nb_net_loopback_up(&err) == 0 && nb_net_low_ports(&err) == 0) {
		net = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (net < 0)
			nb_fail(&err, errno, "cannot open the sandbox's network namespace");
	}
	/* A child gone already has said why; one that is not sees EOF. */
	if (net >= 0)
		return nb_send_fd(n->sock, net, "n", 1) == 0 ? 0 : 1;
	return send(n->sock, &err, sizeof err, MSG_NOSIGNAL) == (ssize_t)sizeof err ? 0 : 1;
}

int nb_netns_start(struct nb_netns *n, pid_t child, int pidfd, int sock, struct nb_err *err)
{
	n->child = child;
	n->pidfd = pidfd;
	n->sock = sock;
	/* A copy, not a CLONE_VM child: ours runs on meanwhile, and the two
	 * would share errno. No SIGCHLD: nb_netns_wait reaps it. */
	n->pid = nb_clone_copy(netns_helper, n, 0);
	nb_closep(&n->sock);
	if (n->pid < 0)
		return nb_fail(err, errno, "cannot start the process that makes the network namespace");
	return 0;
}

bool nb_netns_wait(struct nb_netns *n, int sync)
{
	char c = 0;
	bool joined;

	if (n->pid < 0)
		return true;
	joined = nb_read_all(sync, &c, 1) == 1 && c == 'j';
	nb_netns_release(n);
	return joined;
}

void nb_netns_release(struct nb_netns *n)
{
	nb_closep(&n->sock);
	if (n->pid > 0) {
		/* Done already, but for a child that died first. */
		kill(n->pid, SIGKILL);
		while (waitpid(n->pid, NULL, __WALL) < 0 && errno == EINTR)
			;
		n->pid = -1;
	}
}

int nb_netns_join(struct nb_netns_end *e, struct nb_err *err)
{
	struct nb_err got;
	_cleanup_close_ int net = -1;
	ssize_t len;

	if (e->sock < 0)
		return 0;
	len = nb_recv_fd(e->sock, &got, sizeof got, &net);
	nb_closep(&e->sock);
	if (len == (ssize_t)sizeof got && net < 0) {
		*err = got;
		return -1;
	}
	if (len != 1 || net < 0)
		return nb_fail_hint(err, len < 0 ? errno : 0, "something here may forbid it (a seccomp filter, a limit); --net=host shares the host's network and needs none",
				    "the process that makes the sandbox's network namespace ended without one");
	if (setns(net, CLONE_NEWNET) < 0)
		return nb_fail(err, errno, "cannot enter the sandbox's network namespace");
	/* The supervisor may look at our namespaces now. */
	if (send(e->reply, "j", 1, MSG_NOSIGNAL) != 1)
		return nb_fail(err, errno, "cannot tell the supervisor the network namespace is joined");
	return 0;
}
