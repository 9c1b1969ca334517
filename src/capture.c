/* capture.c: see capture.h. */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

/* Reads what is there without blocking; false at end of file. */
static bool drain(int fd, struct nb_capture *c)
{
	char buf[4096];

	/* A bounded number of reads, so that a chatty child cannot keep
	 * the caller from its deadline. */
	for (int i = 0; i < 64; i++) {
		ssize_t n = read(fd, buf, sizeof buf);
		size_t room = sizeof c->out - 1 - c->got;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN;
		if (n == 0)
			return false;
		c->truncated |= (size_t)n > room;
		if (room > 0) {
			size_t k = (size_t)n < room ? (size_t)n : room;

			memcpy(c->out + c->got, buf, k);
			c->got += k;
			c->out[c->got] = '\0';
		}
	}
	return true;
}

/* Until the child ends (its pidfd, or a 50 ms poll without one) or the
 * deadline, which kills it. It is always reaped. */
static void wait_capture(pid_t pid, int rd, int pidfd, double deadline, struct nb_capture *c)
{
	bool open_rd = true;

	for (;;) {
		struct pollfd pf[2] = { { open_rd ? rd : -1, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
		double left = deadline - nb_seconds();
		int ms = (int)(left * 1000) + 1;

		if (left <= 0) {
			/* The whole group: a script's own children too. */
			kill(-pid, SIGKILL);
			c->timed_out = true;
			while (waitpid(pid, &c->status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		if (pidfd < 0 && ms > 50)
			ms = 50;
		if (poll(pf, 2, ms) > 0 && pf[0].revents)
			open_rd = drain(rd, c);
		if (waitpid(pid, &c->status, WNOHANG) == pid)
			break;
	}
	/* What it wrote just before it ended. */
	if (open_rd)
		drain(rd, c);
}

int nb_capture_run(char *const argv[], int fd, int timeout_ms, struct nb_capture *c)
{
	extern char **environ;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	_cleanup_close_ int rd = -1, wr = -1, pidfd = -1;
	double start = nb_seconds();
	sigset_t none;
	int p[2], rc;
	pid_t pid;

	memset(c, 0, sizeof *c);
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	rd = p[0], wr = p[1];
	if (fcntl(rd, F_SETFL, O_NONBLOCK) < 0 || posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, fd == 1 ? 2 : 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, wr, fd);
	rc = posix_spawn(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	nb_closep(&wr);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	wait_capture(pid, rd, pidfd, start + timeout_ms / 1000.0, c);
	c->seconds = nb_seconds() - start;
	return 0;
}
