/* grab-init: a hostile payload for t/200. From its first instruction it
 * tries to open /proc/1/mem for writing and to ptrace-attach to pid 1,
 * nestbox's init: either would let it rewrite init's code while init may
 * still hold the sandbox's privileges.
 *
 * No libc: _start makes raw system calls at once, so that no loader or
 * libc start-up runs before the first attempt and closes the gap the race
 * needs. It tries ATTEMPTS times, then writes one line: "won mem",
 * "won ptrace", or "lost M P" with the last errno of each attempt. */
#include <asm/unistd.h>
#include <fcntl.h>
#include <linux/ptrace.h>

#define ATTEMPTS 2000

static long sys3(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

static long sys4(long nr, long a, long b, long c, long d)
{
	long r;
	register long r10 __asm__("r10") = d;

	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
	return r;
}

static void say(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	sys3(__NR_write, 1, (long)s, n);
}

static void say_num(long v)
{
	char buf[24];
	int i = (int)sizeof buf - 1;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	say(buf + i);
}

static __attribute__((noreturn)) void quit(void)
{
	for (;;)
		sys3(__NR_exit_group, 0, 0, 0);
}

void _start(void);
__attribute__((used, noreturn)) static void start_c(void)
{
	long mem = 0, pt = 0;

	for (int i = 0; i < ATTEMPTS; i++) {
		mem = sys3(__NR_open, (long)"/proc/1/mem", O_RDWR | O_CLOEXEC, 0);
		if (mem >= 0) {
			say("won mem\n");
			quit();
		}
		pt = sys4(__NR_ptrace, PTRACE_ATTACH, 1, 0, 0);
		if (pt == 0) {
			/* Let init go again: wait for its stop, then detach. */
			sys4(__NR_wait4, 1, 0, 0x40000000 /* __WALL */, 0);
			sys4(__NR_ptrace, PTRACE_DETACH, 1, 0, 0);
			say("won ptrace\n");
			quit();
		}
	}
	say("lost ");
	say_num(-mem);
	say(" ");
	say_num(-pt);
	say("\n");
	quit();
}

/* The stack is 16-byte aligned at entry; the call keeps the ABI's view. */
__asm__(".globl _start\n_start:\n\tand $-16, %rsp\n\tcall start_c\n");
