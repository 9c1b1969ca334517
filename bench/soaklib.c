/* soaklib: runs many sandboxes from one long-lived process through the
 * library entry point (nb_launch), the way an embedding program would, and
 * reports what the process holds before and after: its open descriptors,
 * its heap in use, its signal mask. bench/soak drives it.
 *
 *   soaklib N EXPECT ARGS... [:: EXPECT ARGS...]...
 *
 * Runs N sandboxes, taking the variants in turn; each variant is the
 * arguments of `nestbox run` and the exit code it must give (a payload
 * killed by SIGKILL gives 137, a missing command 127). Prints one line
 * "runs=N wrong=W fds=BEFORE,AFTER heap=BEFORE,AFTER mask=same|changed"
 * and exits 1 if anything differs. */
#include <dirent.h>
#include <malloc.h>
#include <mcheck.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/launch.h"
#include "../src/options.h"
#include "../src/spec.h"

struct variant {
	int expect;
	int argc;
	char **argv;
};

/* With SOAK_LIST set, names each descriptor on stderr. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d)) {
			char p[300], target[256] = "";
			n++;
			snprintf(p, sizeof p, "/proc/self/fd/%s", e->d_name);
			if (getenv("SOAK_LIST") && readlink(p, target, sizeof target - 1) >= 0)
				fprintf(stderr, "soaklib: fd %s -> %s\n", e->d_name, target);
		}
	closedir(d);
	return n;
}

/* The signals a sigset_t holds; only those are meaningful to compare. */
static unsigned long long mask_bits(const sigset_t *s)
{
	unsigned long long bits = 0;

	for (int sig = 1; sig < 64; sig++)
		if (sigismember(s, sig) == 1)
			bits |= 1ULL << sig;
	return bits;
}

static int run_one(const struct variant *v, char *why, size_t len)
{
	struct nb_spec spec;
	struct nb_err err = { 0 };
	char *argv[64];
	int rc;

	/* getopt permutes argv: give it a fresh copy each time. */
	int argc = v->argc < 62 ? v->argc : 62;

	argv[0] = "run";
	for (int i = 0; i < argc; i++)
		argv[i + 1] = v->argv[i];
	argv[argc + 1] = NULL;
	nb_spec_init(&spec);
	rc = nb_options_parse(argc + 1, argv, &spec, &err);
	if (rc == 0)
		rc = nb_spec_finish(&spec, &err);
	if (rc == 0)
		rc = nb_launch(&spec, &err);
	nb_spec_release(&spec);
	if (rc < 0) {
		nb_err_format(&err, why, len);
		rc = err.status ? err.status : NB_EXIT_FAIL;
	} else {
		snprintf(why, len, "exit code %d", rc);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct variant vs[16];
	size_t nv = 0;
	sigset_t before, after;
	long runs, wrong = 0;
	int fd0, fd1;
	size_t heap0, heap1;
	char why[2048];

	if (argc < 4 || (runs = strtol(argv[1], NULL, 10)) < 1) {
		fprintf(stderr, "usage: soaklib N EXPECT ARGS... [:: EXPECT ARGS...]...\n");
		return 2;
	}
	for (int i = 2; i < argc && nv < 16; nv++) {
		int j = i + 1;

		while (j < argc && strcmp(argv[j], "::") != 0)
			j++;
		vs[nv] = (struct variant){ atoi(argv[i]), j - i - 1, argv + i + 1 };
		i = j + 1;
	}
	/* One round first: one-time allocations (stdio,
	 * the slirp4netns probe) are not leaks. bench/soak also turns glibc's
	 * tcache off, whose cached chunks count as in use. */
	sigprocmask(SIG_SETMASK, NULL, &before);
	for (size_t k = 0; k < nv; k++)
		(void)run_one(&vs[k], why, sizeof why);
	fd0 = count_fds();
	if (getenv("MALLOC_TRACE"))
		mtrace(); /* then: mtrace build/soaklib $MALLOC_TRACE */
	heap0 = mallinfo2().uordblks;
	for (long i = 0; i < runs; i++) {
		const struct variant *v = &vs[(size_t)i % nv];
		int rc = run_one(v, why, sizeof why);

		if (rc != v->expect) {
			if (wrong++ < 5)
				fprintf(stderr, "soaklib: run %ld (variant %zu): expected %d, got %d: %s\n", i,
					(size_t)i % nv, v->expect, rc, why);
		}
	}
	fd1 = count_fds();
	heap1 = mallinfo2().uordblks;
	if (getenv("MALLOC_TRACE"))
		muntrace();
	sigprocmask(SIG_SETMASK, NULL, &after);
	printf("runs=%ld wrong=%ld fds=%d,%d heap=%zu,%zu mask=%s\n", runs, wrong, fd0, fd1, heap0, heap1,
	       mask_bits(&before) != mask_bits(&after) ? "changed" : "same");
	return wrong || fd0 != fd1 || heap0 != heap1 || mask_bits(&before) != mask_bits(&after);
}
