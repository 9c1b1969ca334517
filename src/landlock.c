/* landlock.c: see landlock.h. */
#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Debian 12's headers stop at ABI 2. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

/* ABI 1's rights: every file operation there was. */
#define FS_ABI1 ((1ULL << 13) - 1)

int nb_landlock_mode(const struct nb_privileges *p, const struct nb_capset *caps)
{
	if (p->landlock == -1 && (p->allow_userns || (caps->bnd & (1ULL << CAP_SYS_ADMIN))))
		return 0;
	return p->landlock;
}

int nb_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return abi > 0 ? (int)abi : 0;
}

/* ABI 4's network part, which Debian 12's headers lack. */
struct ruleset_attr {
	uint64_t handled_access_fs, handled_access_net;
};
struct net_port_attr {
	uint64_t allowed_access, port;
};
#define RULE_NET_PORT 2
#define NET_BIND_TCP (1ULL << 0)
#define NET_CONNECT_TCP (1ULL << 1)

bool nb_landlock_tcp_wanted(const struct nb_tcp_rules *tcp)
{
	return tcp && (tcp->bind_set || tcp->connect_set);
}

static int add_ports(int ruleset, uint64_t access, const uint16_t *ports, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct net_port_attr a = { .allowed_access = access, .port = ports[i] };
		if (syscall(SYS_landlock_add_rule, ruleset, RULE_NET_PORT, &a, 0) < 0)
			return -1;
	}
	return 0;
}

/* The files beneath this root, all of them. */
static int add_root(int ruleset, uint64_t access)
{
	struct landlock_path_beneath_attr beneath = { .allowed_access = access, .parent_fd = open("/", O_PATH | O_CLOEXEC) };
	int rc = beneath.parent_fd < 0 ? -1 : (int)syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &beneath, 0);

	if (beneath.parent_fd >= 0)
		close(beneath.parent_fd);
	return rc;
}

static uint64_t fs_rights(int abi)
{
	uint64_t fs = FS_ABI1;

	/* Renames and links across directories (ABI 2) and truncation (ABI
	 * 3) are handled too, so that they are granted only inside. Device
	 * ioctls (ABI 5) are not: the caller's terminal may be on 0-2. */
	if (abi >= 2)
		fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	return fs;
}

/* Whether the rules were asked for port by port: --tcp-bind=published
 * alone is a default, kept only where Landlock is on and has ABI 4. */
static bool tcp_required(const struct nb_tcp_rules *tcp)
{
	return tcp && (tcp->connect_set || (tcp->bind_set && !tcp->bind_auto));
}

int nb_landlock_apply(int mode, const struct nb_tcp_rules *tcp, struct nb_err *err)
{
	bool net = nb_landlock_tcp_wanted(tcp);
	int abi = nb_landlock_abi(), ruleset, rc = 0;
	struct ruleset_attr attr = { 0 };

	if (net && !tcp_required(tcp) && (abi < 4 || mode == 0))
		net = false;
	if (net && abi < 4)
		return nb_fail_hint(err, ENOSYS, "drop --tcp-bind and --tcp-connect, or run on Linux 6.7 or newer with Landlock",
				    "--tcp-bind/--tcp-connect: Landlock's network rules need its ABI 4; this kernel has %d", abi);
	if (abi == 0)
		return mode == 1 ? nb_fail_hint(err, ENOSYS, "--landlock=auto uses it only where the kernel has it",
						 "--landlock=on: this kernel has no Landlock (5.13 or newer, with lsm=landlock)")
				 : 0;
	if (mode != 0)
		attr.handled_access_fs = fs_rights(abi);
	if (net)
		attr.handled_access_net = (tcp->bind_set ? NET_BIND_TCP : 0) | (tcp->connect_set ? NET_CONNECT_TCP : 0);
	if (!attr.handled_access_fs && !attr.handled_access_net)
		return 0;
	/* The ABI 1-3 kernels take the attribute without its network half. */
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, abi >= 4 ? sizeof attr : sizeof attr.handled_access_fs, 0);
	if (ruleset < 0)
		return nb_fail(err, errno, "cannot create the Landlock ruleset");
	if ((attr.handled_access_fs && add_root(ruleset, attr.handled_access_fs) < 0) ||
	    (net && tcp->bind_set && add_ports(ruleset, NET_BIND_TCP, tcp->bind, tcp->n_bind) < 0) ||
	    (net && tcp->connect_set && add_ports(ruleset, NET_CONNECT_TCP, tcp->connect, tcp->n_connect) < 0) ||
	    syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		rc = nb_fail_hint(err, errno, "--landlock=off runs without it", "cannot confine the sandbox with Landlock");
	close(ruleset);
	return rc;
}
