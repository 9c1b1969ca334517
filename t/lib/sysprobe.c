/* sysprobe: tries one operation and says how the kernel answered, for the
 * seccomp tests. `sysprobe NAME...` prints one line per NAME, "NAME: ok",
 * "NAME: errno=EPERM" or "NAME: killed=SIGSYS", and exits 0; an unknown
 * NAME exits 2. "syscall:NR[:ARG...]" makes system call NR with those
 * arguments (numbers as in C), in a child in case a filter kills it.
 * Raw syscall() throughout, so that no libc wrapper hides or
 * emulates the answer. Every probe is harmless when nothing filters it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KEYCTL_GET_KEYRING_ID 0
#define KEY_SPEC_SESSION_KEYRING (-3)

static long probe_keyctl(void)
{
	return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
}

static long probe_bpf(void)
{
	/* BPF_MAP_CREATE with no attributes: EINVAL or EPERM unfiltered. */
	return syscall(SYS_bpf, 0, NULL, 0);
}

static long probe_perf_event_open(void)
{
	return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
}

static long probe_open_by_handle_at(void)
{
	return syscall(SYS_open_by_handle_at, -1, NULL, O_RDONLY);
}

static long probe_mount(void)
{
	/* A missing target: ENOENT unfiltered, even for root. */
	return syscall(SYS_mount, "none", "/nonexistent/sysprobe", "tmpfs", 0UL, NULL);
}

static long probe_unshare_user(void)
{
	return syscall(SYS_unshare, CLONE_NEWUSER);
}

static long probe_unshare_net(void)
{
	return syscall(SYS_unshare, CLONE_NEWNET);
}

static long probe_setns(void)
{
	return syscall(SYS_setns, -1, 0);
}

/* A raw fork with namespace flags, as clone(2) does it. */
static long probe_clone_newuser(void)
{
	long pid = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), NULL, NULL, NULL, 0UL);

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return pid < 0 ? -1 : 0;
}

static long probe_clone3(void)
{
	/* A size of 0 is EINVAL unfiltered; the default policy says ENOSYS. */
	return syscall(SYS_clone3, NULL, 0);
}

static long tiocsti(unsigned long cmd)
{
	char c = ' ';
	/* stdin is rarely a terminal in tests: ENOTTY unfiltered. */
	return syscall(SYS_ioctl, 0, cmd, &c);
}

static long probe_tiocsti(void)
{
	return tiocsti(TIOCSTI);
}

static long probe_tiocsti_high(void)
{
	/* The kernel truncates the command to 32 bits (CVE-2019-10063). */
	return tiocsti(TIOCSTI | (1UL << 32));
}

static long probe_tioclinux(void)
{
	return tiocsti(TIOCLINUX);
}

static long probe_personality1(void)
{
	return syscall(SYS_personality, 0x1UL);
}

static long probe_personality_query(void)
{
	return syscall(SYS_personality, 0xffffffffUL) < 0 ? -1 : 0;
}

static long probe_bogus(void)
{
	/* No architecture has a system call 0x3ff. */
	return syscall(0x3ff);
}

static long probe_io_uring(void)
{
	return syscall(SYS_io_uring_setup, 0, NULL);
}

static long probe_userfaultfd(void)
{
	long fd = syscall(SYS_userfaultfd, 0);

	if (fd >= 0)
		close((int)fd);
	return fd < 0 ? -1 : 0;
}

static long probe_mkdir(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	long r;

	snprintf(path, sizeof path, "%s/sysprobe.%ld", tmp && *tmp ? tmp : "/tmp", (long)getpid());
	r = syscall(SYS_mkdir, path, 0700);
	if (r == 0)
		rmdir(path);
	return r;
}

static long probe_getpid(void)
{
	return syscall(SYS_getpid) > 0 ? 0 : -1;
}

/* An x32 call: x86_64's getpid with the x32 bit. ENOSYS on a kernel without
 * x32; a filter that does not list x32 kills the caller. */
static long probe_x32(void)
{
#if defined(__x86_64__)
	return syscall(0x40000000 | SYS_getpid);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* socket(FAMILY, SOCK_STREAM or SOCK_DGRAM, 0), closed at once. */
static long sock(unsigned long family, int type)
{
	long fd = syscall(SYS_socket, family, type, 0);

	if (fd >= 0)
		close((int)fd);
	return fd < 0 ? -1 : 0;
}

static long probe_socket_unix(void) { return sock(AF_UNIX, SOCK_STREAM); }
static long probe_socket_inet(void) { return sock(AF_INET, SOCK_STREAM); }
static long probe_socket_inet6(void) { return sock(AF_INET6, SOCK_STREAM); }
static long probe_socket_netlink(void) { return sock(AF_NETLINK, SOCK_DGRAM); }
static long probe_socket_packet(void) { return sock(AF_PACKET, SOCK_DGRAM); }
static long probe_socket_key(void) { return sock(PF_KEY, SOCK_RAW); }
static long probe_socket_alg(void) { return sock(AF_ALG, SOCK_SEQPACKET); }
static long probe_socket_vsock(void) { return sock(AF_VSOCK, SOCK_STREAM); }
/* The kernel reads the family as an int: bits above 31 must not help. */
static long probe_socket_vsock_hibits(void) { return sock(AF_VSOCK | (1UL << 32), SOCK_STREAM); }

/* The i386 entry, which any x86_64 process reaches with int 0x80. Its
 * socketcall() takes the arguments in memory, which seccomp cannot read;
 * the static binary's data sits below 4 GiB, where a 32-bit pointer
 * reaches. */
#if defined(__x86_64__)
static unsigned int sc_args[3];

static long int80(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "r8", "r9", "r10", "r11", "memory");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

static long sock32(unsigned family, bool via_socketcall)
{
	long fd;

	if (via_socketcall) {
		sc_args[0] = family, sc_args[1] = SOCK_STREAM, sc_args[2] = 0;
		fd = int80(102 /* socketcall */, 1 /* SYS_SOCKET */, (long)(uintptr_t)sc_args, 0);
	} else {
		fd = int80(359 /* socket */, family, SOCK_STREAM, 0);
	}
	if (fd >= 0)
		int80(6 /* close */, fd, 0, 0);
	return fd < 0 ? -1 : 0;
}
#else
static long sock32(unsigned family, bool via_socketcall)
{
	(void)family, (void)via_socketcall;
	errno = ENOSYS;
	return -1;
}
#endif

static long probe_socket32_unix(void) { return sock32(AF_UNIX, false); }
static long probe_socket32_vsock(void) { return sock32(AF_VSOCK, false); }
static long probe_socketcall32_unix(void) { return sock32(AF_UNIX, true); }
static long probe_socketcall32_vsock(void) { return sock32(AF_VSOCK, true); }

static unsigned long raw_args[7];

static long probe_raw(void)
{
	return syscall((long)raw_args[0], raw_args[1], raw_args[2], raw_args[3], raw_args[4],
		       raw_args[5], raw_args[6]);
}

/* "syscall:NR:A0:A1...": fills raw_args; -1 if malformed. */
static int parse_raw(const char *s)
{
	char *end;
	int n = 0;

	memset(raw_args, 0, sizeof raw_args);
	s += strlen("syscall:");
	do {
		if (n == 7)
			return -1;
		errno = 0;
		raw_args[n++] = strtoul(s, &end, 0);
		if (errno || end == s || (*end && *end != ':'))
			return -1;
		s = *end ? end + 1 : end;
	} while (*end);
	return 0;
}

static const struct {
	const char *name;
	long (*fn)(void);
	bool in_child; /* may be killed: run in a child and report its fate */
} probes[] = {
	{ "keyctl", probe_keyctl, false },
	{ "bpf", probe_bpf, false },
	{ "perf_event_open", probe_perf_event_open, false },
	{ "open_by_handle_at", probe_open_by_handle_at, false },
	{ "mount", probe_mount, false },
	{ "unshare-user", probe_unshare_user, true },
	{ "unshare-net", probe_unshare_net, true },
	{ "setns", probe_setns, false },
	{ "clone-newuser", probe_clone_newuser, false },
	{ "clone3", probe_clone3, false },
	{ "tiocsti", probe_tiocsti, false },
	{ "tiocsti-high", probe_tiocsti_high, false },
	{ "tioclinux", probe_tioclinux, false },
	{ "personality1", probe_personality1, true },
	{ "personality-query", probe_personality_query, false },
	{ "bogus", probe_bogus, false },
	{ "io_uring", probe_io_uring, false },
	{ "userfaultfd", probe_userfaultfd, false },
	{ "mkdir", probe_mkdir, false },
	{ "getpid", probe_getpid, false },
	{ "x32", probe_x32, true },
	{ "socket-unix", probe_socket_unix, false },
	{ "socket-inet", probe_socket_inet, false },
	{ "socket-inet6", probe_socket_inet6, false },
	{ "socket-netlink", probe_socket_netlink, false },
	{ "socket-packet", probe_socket_packet, false },
	{ "socket-key", probe_socket_key, false },
	{ "socket-alg", probe_socket_alg, false },
	{ "socket-vsock", probe_socket_vsock, false },
	{ "socket-vsock-hibits", probe_socket_vsock_hibits, false },
	{ "socket32-unix", probe_socket32_unix, true },
	{ "socket32-vsock", probe_socket32_vsock, true },
	{ "socketcall32-unix", probe_socketcall32_unix, true },
	{ "socketcall32-vsock", probe_socketcall32_vsock, true },
};

static void report(const char *name, long r, int e)
{
	const char *en = strerrorname_np(e);

	if (r >= 0)
		printf("%s: ok\n", name);
	else if (en)
		printf("%s: errno=%s\n", name, en);
	else
		printf("%s: errno=%d\n", name, e);
}

/* Runs fn in a child, which then cannot change this process (a new user
 * namespace, a personality) and whose death by signal can be reported. */
static void run_in_child(const char *name, long (*fn)(void))
{
	int fds[2], st;
	pid_t pid;
	int ans[2] = { 0, 0 };

	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		perror("sysprobe");
		exit(1);
	}
	if (pid == 0) {
		long r = fn();
		int out[2] = { r < 0 ? -1 : 0, errno };
		ssize_t w = write(fds[1], out, sizeof out);
		_exit(w == (ssize_t)sizeof out ? 0 : 1);
	}
	close(fds[1]);
	ssize_t got = read(fds[0], ans, sizeof ans);
	close(fds[0]);
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		printf("%s: killed=SIG%s\n", name, sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
	else if (got != (ssize_t)sizeof ans)
		printf("%s: lost\n", name);
	else
		report(name, ans[0], ans[1]);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: sysprobe NAME...\nnames:");
		for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++)
			fprintf(stderr, " %s", probes[k].name);
		fprintf(stderr, "\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		size_t k = 0;

		if (strncmp(argv[i], "syscall:", 8) == 0) {
			if (parse_raw(argv[i]) < 0) {
				fprintf(stderr, "sysprobe: expected syscall:NR[:ARG...], not '%s'\n", argv[i]);
				return 2;
			}
			run_in_child(argv[i], probe_raw);
			continue;
		}
		while (k < sizeof probes / sizeof probes[0] && strcmp(probes[k].name, argv[i]) != 0)
			k++;
		if (k == sizeof probes / sizeof probes[0]) {
			fprintf(stderr, "sysprobe: unknown probe '%s'\n", argv[i]);
			return 2;
		}
		if (probes[k].in_child) {
			run_in_child(argv[i], probes[k].fn);
		} else {
			errno = 0;
			long r = probes[k].fn();
			report(argv[i], r, errno);
		}
	}
	return 0;
}
