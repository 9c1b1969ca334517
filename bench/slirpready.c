/* slirpready PID: starts slirp4netns on PID's namespaces the way nestbox
 * does (MTU 65520, sandbox, seccomp, no host loopback) and prints the
 * milliseconds until its ready-fd fires; then ends it. The bare reference
 * for nestbox's --net=slirp start-up. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* dup2() to the same number keeps close-on-exec: clear it then. */
static void give(int from, int to)
{
	if (from == to)
		fcntl(to, F_SETFD, 0);
	else
		dup2(from, to);
}

int main(int argc, char **argv)
{
	int ready[2], ex[2];
	struct timespec t0, t1;
	char c;
	pid_t p;

	/* Close-on-exec, so that slirp4netns holds only its dup2'd ends: its
	 * own copy of the exit pipe's write end would keep it alive. */
	if (argc != 2 || pipe2(ready, O_CLOEXEC) < 0 || pipe2(ex, O_CLOEXEC) < 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	p = fork();
	if (p == 0) {
		int fd = open("/dev/null", O_RDWR);
		dup2(fd, 1);
		dup2(fd, 2);
		give(ex[0], 3);
		give(ready[1], 4);
		execlp("slirp4netns", "slirp4netns", "--configure", "--mtu=65520", "--disable-host-loopback",
		       "--enable-sandbox", "--enable-seccomp", "--exit-fd=3", "--ready-fd=4", argv[1], "tap0",
		       (char *)NULL);
		_exit(127);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.3f\n", (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	fflush(stdout);
	close(ex[1]);
	waitpid(p, NULL, 0);
	return 0;
}
