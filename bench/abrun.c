/* abrun: runs two commands alternately, A B A B ..., and reports each
 * one's median wall time, its spread (the middle half) and the ratio A/B.
 * Interleaving keeps a busy machine's noise out of the ratio.
 *
 *   abrun [-n RUNS] [-w WARMUP] [-l LABEL] [-d] [-g MS] :: A... :: B...
 *   abrun [-n RUNS] [-P PAR] --seq COUNT :: A... :: B...
 * (":: " separates the commands, which may contain "--" themselves.)
 *        each sample runs the command COUNT times, PAR at a time
 *
 * Prints one line: label, median A, median B (ms), IQR A, IQR B, ratio, and
 * the peak RSS (KiB) of A's and B's first processes; with -d, then the
 * median of the paired differences A - B (ms), which a small effect under
 * wide noise needs: each pair shares its moment's noise. -g pauses MS
 * before each run, so that what one run leaves to the kernel (a namespace's
 * teardown) is done before the next: a single start's wall time. Commands run with
 * stdin, stdout and stderr on /dev/null; a failing command stops it. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static pid_t start(char **argv)
{
	pid_t p = fork();

	if (p == 0) {
		int fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	return p;
}

/* One sample: COUNT runs, PAR at a time. Returns ms, or -1 on failure. */
static double sample(char **argv, int count, int par, long *rss, int gap_ms)
{
	double t0;

	if (gap_ms > 0)
		nanosleep(&(struct timespec){ gap_ms / 1000, (gap_ms % 1000) * 1000000L }, NULL);
	t0 = now_ms();
	int running = 0, started = 0, failed = 0;

	while (started < count || running > 0) {
		while (running < par && started < count) {
			if (start(argv) < 0)
				return -1;
			running++;
			started++;
		}
		{
			int st;
			struct rusage ru;
			pid_t p = wait4(-1, &st, 0, &ru);
			if (p < 0)
				return -1;
			running--;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
				fprintf(stderr, "abrun: %s exited with status 0x%x\n", argv[0], st);
				failed = 1;
			}
			if (ru.ru_maxrss > *rss)
				*rss = ru.ru_maxrss;
		}
	}
	return failed ? -1 : now_ms() - t0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double quant(double *v, int n, double q)
{
	double pos = q * (n - 1);
	int i = (int)pos;
	return i + 1 < n ? v[i] + (v[i + 1] - v[i]) * (pos - i) : v[i];
}

int main(int argc, char **argv)
{
	int runs = 40, warm = 3, count = 1, par = 1, i = 1, diff = 0, gap = 0;
	const char *label = "ab";
	char **a, **b;
	double *ta, *tb, *td;
	long rss_a = 0, rss_b = 0;

	for (; i < argc && strcmp(argv[i], "::") != 0; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-w") && i + 1 < argc)
			warm = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-l") && i + 1 < argc)
			label = argv[++i];
		else if (!strcmp(argv[i], "--seq") && i + 1 < argc)
			count = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-P") && i + 1 < argc)
			par = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-d"))
			diff = 1;
		else if (!strcmp(argv[i], "-g") && i + 1 < argc)
			gap = atoi(argv[++i]);
		else {
			fprintf(stderr, "abrun: bad argument %s\n", argv[i]);
			return 2;
		}
	}
	if (i >= argc)
		return 2;
	a = argv + i + 1;
	for (i = i + 1; i < argc && strcmp(argv[i], "::") != 0; i++)
		;
	if (i >= argc)
		return 2;
	argv[i] = NULL;
	b = argv + i + 1;
	ta = calloc((size_t)runs, sizeof *ta);
	tb = calloc((size_t)runs, sizeof *tb);
	td = calloc((size_t)runs, sizeof *td);
	for (int k = 0; k < warm; k++) {
		long r = 0;
		if (sample(a, count, par, &r, gap) < 0 || sample(b, count, par, &r, gap) < 0) {
			fprintf(stderr, "abrun: %s: a command failed\n", label);
			return 1;
		}
	}
	for (int k = 0; k < runs; k++) {
		/* Alternate which goes first, too. */
		if (k % 2) {
			tb[k] = sample(b, count, par, &rss_b, gap);
			ta[k] = sample(a, count, par, &rss_a, gap);
		} else {
			ta[k] = sample(a, count, par, &rss_a, gap);
			tb[k] = sample(b, count, par, &rss_b, gap);
		}
		if (ta[k] < 0 || tb[k] < 0) {
			fprintf(stderr, "abrun: %s: a command failed\n", label);
			return 1;
		}
		td[k] = ta[k] - tb[k];
	}
	qsort(td, (size_t)runs, sizeof *td, cmp);
	qsort(ta, (size_t)runs, sizeof *ta, cmp);
	qsort(tb, (size_t)runs, sizeof *tb, cmp);
	printf("%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.3f\t%ld\t%ld", label, quant(ta, runs, 0.5), quant(tb, runs, 0.5),
	       quant(ta, runs, 0.75) - quant(ta, runs, 0.25), quant(tb, runs, 0.75) - quant(tb, runs, 0.25),
	       quant(ta, runs, 0.5) / quant(tb, runs, 0.5), rss_a, rss_b);
	if (diff)
		printf("\t%.2f", quant(td, runs, 0.5));
	putchar('\n');
	return 0;
}
