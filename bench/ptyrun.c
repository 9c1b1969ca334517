/* ptyrun CMD...: runs CMD with a new pseudo-terminal on 0-2, as a terminal
 * emulator would, and reads (and drops) everything it writes. For the
 * --tty relay row of make bench. Exits with CMD's status. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	int master, st;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: ptyrun CMD...\n");
		return 2;
	}
	pid = forkpty(&master, NULL, NULL, NULL);
	if (pid < 0) {
		perror("forkpty");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	for (;;) {
		ssize_t n = read(master, buf, sizeof buf);
		if (n > 0)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		break; /* EIO: every slave is closed */
	}
	if (waitpid(pid, &st, 0) < 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
