/* net.c: see net.h. */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

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

#define LOW_PORTS "sys/net/ipv4/ip_unprivileged_port_start"

/* Per network namespace: the host's setting is untouched. proc is the
 * host's /proc: the file is the opener's network namespace's, whichever
 * /proc it is reached through. */
static int low_ports_at(int proc, struct nb_err *err)
{
	if (nb_write_at(proc, "/proc", LOW_PORTS, "0", err) < 0)
		return nb_hint(err, "the kernel needs Linux 4.11 or later for unprivileged low ports");
	return 0;
}

static int open_proc(int *proc, struct nb_err *err)
{
	*proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*proc < 0)
		return nb_fail_hint(err, errno, "nestbox needs the host's /proc (procfs)", "cannot open /proc");
	return 0;
}

int nb_net_low_ports(struct nb_err *err)
{
	_cleanup_close_ int proc = -1;

	TRY(open_proc(&proc, err));
	return low_ports_at(proc, err);
}

/* In a user namespace of our own already: no user namespace setting is
 * the cause, and nothing is read to say so (the helper may go by no
 * path). */
static void netns_diagnose(int errnum, bool ipc, struct nb_err *err)
{
	const char *what = ipc ? "cannot create the sandbox's network and IPC namespaces"
			       : "cannot create the sandbox's network namespace";

	if (errnum == ENOSPC)
		nb_fail_hint(err, errnum, "see /proc/sys/user/max_net_namespaces, or share the host's with --net=host",
			     "%s: the limit of network namespaces is reached", what);
	else
		nb_fail_hint(err, errnum, "something here may forbid it (a seccomp filter, a security module); --net=host shares the host's network and needs none",
			     "%s", what);
}

/* Makes the namespace where we are, with lo up and low ports free, and
 * the IPC namespace with it if ipc; proc is the host's /proc. */
static int netns_make(int proc, bool ipc, struct nb_err *err)
{
	if (unshare(CLONE_NEWNET | (ipc ? CLONE_NEWIPC : 0)) < 0) {
		netns_diagnose(errno, ipc, err);
		return -1;
	}
	TRY(nb_net_loopback_up(err));
	return low_ports_at(proc, err);
}

/* The helper, a copy of the child: already in the sandbox's user
 * namespace (with every capability there), it makes the network
 * namespace and sends it, or the error; it keeps nothing else of the
 * child's, and dies with it. It shares the child's mount namespace,
 * where the view is being built and pivoted into: so it goes by no
 * path, only through the host's /proc, opened before. */
static _Noreturn void netns_helper(int sock, int proc, pid_t parent, bool ipc)
{
	const int keep[] = { sock, proc };
	struct nb_err err = { 0 };
	int ns[2] = { -1, -1 }; /* net, ipc */

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	nb_close_all_but(keep, ARRAY_SIZE(keep));
	if (netns_make(proc, ipc, &err) == 0) {
		ns[0] = openat(proc, "thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		ns[1] = ipc ? openat(proc, "thread-self/ns/ipc", O_RDONLY | O_CLOEXEC) : -1;
		if (ns[0] < 0 || (ipc && ns[1] < 0))
			nb_fail(&err, errno, "cannot open the sandbox's new namespaces");
	}
	/* A child gone already has said why; one that is not sees EOF. */
	if (ns[0] >= 0 && (!ipc || ns[1] >= 0))
		_exit(nb_send_fds(sock, ns, ipc ? 2 : 1, "n", 1) == 0 ? 0 : 1);
	_exit(send(sock, &err, sizeof err, MSG_NOSIGNAL) == (ssize_t)sizeof err ? 0 : 1);
}


/* cpu: ours, or -1 for none that the supervisor should leave to us. */
static int joined(struct nb_netns_end *e, int cpu, struct nb_err *err)
{
	/* The supervisor may look at our namespaces now, on another CPU. */
	char msg[2] = { 'j', (char)(cpu >= 0 && cpu < 255 ? cpu : 255) };

	if (send(e->reply, msg, 2, MSG_NOSIGNAL) != 2)
		return nb_fail(err, errno, "cannot tell the supervisor the network namespace is joined");
	return 0;
}

int nb_netns_begin(struct nb_netns_end *e, bool own_pidns, bool ipc, struct nb_err *err)
{
	pid_t tid = NB_NETNS_HELPER_PID;
	/* No SIGCHLD: nb_netns_join reaps it. A copy, not CLONE_VM: we go
	 * on meanwhile, and the two would share errno. */
	struct clone_args args = { .exit_signal = 0 };
	_cleanup_close_ int proc = -1;
	pid_t self = getpid();
	int p[2];
	long pid = -1;

	TRY(open_proc(&proc, err));
	/* Every CPU busy: the helper would only take turns with us, and its
	 * start, its hand-over and its exit cost CPU time that a full machine
	 * lacks (0.3 to 0.4 ms a start with 8 at a time on 2 CPUs). */
	if (!nb_cpu_spare())
		return netns_make(proc, ipc, err) < 0 ? -1 : joined(e, -1, err);
	if (own_pidns)
		args.set_tid = (uint64_t)(uintptr_t)&tid, args.set_tid_size = 1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p) == 0) {
		pid = syscall(SYS_clone3, &args, sizeof args);
		if (pid == 0)
			netns_helper(p[1], proc, self, ipc);
		close(p[1]);
		if (pid < 0)
			close(p[0]);
	}
	/* No helper (an old kernel, a filter, a limit): as the clone did. */
	if (pid < 0)
		return netns_make(proc, ipc, err) < 0 ? -1 : joined(e, nb_cpu_now(), err);
	/* On another CPU than ours: queued behind us, the helper would run
	 * only once we wait for it. */
	(void)nb_cpu_avoid((pid_t)pid, nb_cpu_now(), &(cpu_set_t){ 0 });
	e->sock = p[0];
	e->helper = (pid_t)pid;
	e->ipc = ipc;
	return 0;
}

bool nb_netns_joined(int sync, int *cpu)
{
	unsigned char c[2] = { 0, 255 };

	if (nb_read_all(sync, c, 2) != 2 || c[0] != 'j')
		return false;
	*cpu = c[1] == 255 ? -1 : c[1];
	return true;
}

int nb_netns_join(struct nb_netns_end *e, struct nb_err *err)
{
	struct nb_err got;
	int ns[2];
	_cleanup_close_ int net = -1, ipc = -1;
	ssize_t len;

	if (e->sock < 0)
		return 0;
	len = nb_recv_fds(e->sock, &got, sizeof got, ns, 2);
	net = ns[0], ipc = ns[1];
	nb_closep(&e->sock);
	while (waitpid(e->helper, NULL, __WALL) < 0 && errno == EINTR)
		;
	e->helper = -1;
	if (len == (ssize_t)sizeof got && net < 0) {
		*err = got;
		return -1;
	}
	if (len != 1 || net < 0 || e->ipc != (ipc >= 0))
		return nb_fail_hint(err, len < 0 ? errno : 0, "something here may forbid it (a seccomp filter, a limit); --net=host shares the host's network and needs none",
				    "the process that makes the sandbox's network namespace ended without one");
	if (setns(net, CLONE_NEWNET) < 0)
		return nb_fail(err, errno, "cannot enter the sandbox's network namespace");
	if (ipc >= 0 && setns(ipc, CLONE_NEWIPC) < 0)
		return nb_fail(err, errno, "cannot enter the sandbox's IPC namespace");
	return joined(e, nb_cpu_now(), err);
}
