/* bench/cgleaf DIR N [ns]: the kernel's own price of a cgroup leaf,
 * without nestbox. N pairs, interleaved: clone3 + exec of /bin/true +
 * wait, and the same with a leaf made in DIR (mkdir, an O_PATH open, the
 * child started in it by CLONE_INTO_CGROUP, rmdir). With "ns" the child
 * also gets a sandbox's seven namespaces, whose kernel memory the leaf's
 * controllers then account for. Prints the medians of both, in ms, and
 * the median of the paired differences:
 *   without  with  with-without
 * DIR must be a cgroup2 directory the caller may make children in. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static unsigned long long ns_flags;

static int run_true(int cgfd)
{
	struct clone_args a = { .flags = ns_flags, .exit_signal = SIGCHLD };
	long pid;
	int st;

	if (cgfd >= 0) {
		a.flags |= CLONE_INTO_CGROUP;
		a.cgroup = (uint64_t)cgfd;
	}
	pid = syscall(SYS_clone3, &a, sizeof a);
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	return pid < 0 || waitpid((pid_t)pid, &st, 0) < 0 || st != 0 ? -1 : 0;
}

static int cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

int main(int argc, char **argv)
{
	char leaf[4096];
	double *w, *wo, *d;
	int n;

	if (argc < 3 || argc > 4 || (n = atoi(argv[2])) < 1 || (argc == 4 && strcmp(argv[3], "ns") != 0)) {
		fprintf(stderr, "usage: cgleaf DIR N [ns]\n");
		return 2;
	}
	if (argc == 4)
		ns_flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS |
			   CLONE_NEWCGROUP;
	w = calloc((size_t)n, sizeof *w), wo = calloc((size_t)n, sizeof *wo), d = calloc((size_t)n, sizeof *d);
	if (!w || !wo || !d)
		return 1;
	for (int i = 0; i < n; i++) {
		double t0 = now_ms(), t1;
		int fd;

		if (run_true(-1) < 0)
			return perror("cgleaf: clone3"), 1;
		t1 = now_ms();
		wo[i] = t1 - t0;
		snprintf(leaf, sizeof leaf, "%s/cgleaf-%d-%d", argv[1], (int)getpid(), i);
		t0 = now_ms();
		if (mkdir(leaf, 0755) < 0 || (fd = open(leaf, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			return perror(leaf), 1;
		if (run_true(fd) < 0)
			return perror("cgleaf: clone3 into the leaf"), rmdir(leaf), 1;
		close(fd);
		if (rmdir(leaf) < 0)
			return perror(leaf), 1;
		w[i] = now_ms() - t0;
		d[i] = w[i] - wo[i];
	}
	qsort(w, (size_t)n, sizeof *w, cmp);
	qsort(wo, (size_t)n, sizeof *wo, cmp);
	qsort(d, (size_t)n, sizeof *d, cmp);
	printf("%.3f\t%.3f\t%.3f\n", wo[n / 2], w[n / 2], d[n / 2]);
	return 0;
}
