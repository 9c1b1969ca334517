/* seccomp-driver: runs a command under a nestbox seccomp policy without the
 * rest of nestbox, so that src/seccomp.c can be tested alone (see
 * t/lib/seccomp-unit.sh).
 *   seccomp-driver [--policy P] [--log] [--allow-userns] [--dump] [--check]
 *                  [--no-nnp] -- CMD...
 * --check stops after nb_seccomp_prepare (for valgrind); --dump writes the
 * compiled filters to stdout instead of running CMD; --no-nnp leaves
 * no_new_privs unset, to see load() refuse. */
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "../../src/seccomp.h"

static int fail(const struct nb_err *err)
{
	char buf[2400];

	nb_err_format(err, buf, sizeof buf);
	fprintf(stderr, "seccomp-driver: %s\n", buf);
	return err->status ? err->status : 1;
}

int main(int argc, char **argv)
{
	struct nb_seccomp_opts o = { 0 };
	struct nb_seccomp *f = NULL;
	struct nb_err err = { 0 };
	int i = 1, check = 0, dump = 0, nnp = 1;

	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc)
			o.policy = argv[++i];
		else if (strcmp(argv[i], "--log") == 0)
			o.log = true;
		else if (strcmp(argv[i], "--allow-userns") == 0)
			o.allow_userns = true;
		else if (strcmp(argv[i], "--check") == 0)
			check = 1;
		else if (strcmp(argv[i], "--dump") == 0)
			dump = 1;
		else if (strcmp(argv[i], "--no-nnp") == 0)
			nnp = 0;
		else {
			fprintf(stderr, "usage: seccomp-driver [--policy P] [--log] [--allow-userns] [--dump] [--check] [--no-nnp] -- CMD...\n");
			return 2;
		}
	}
	/* A dump needs libseccomp's contexts, which the precompiled built-in
	 * policy does not keep. */
	o.keep_ctx = dump;
	if (nb_seccomp_prepare(&o, &f, &err) < 0)
		return fail(&err);
	if (check || dump) {
		int rc = dump ? nb_seccomp_dump(f, 1, &err) : 0;
		nb_seccomp_free(f);
		return rc < 0 ? fail(&err) : 0;
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "seccomp-driver: no command\n");
		return 2;
	}
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("seccomp-driver: no_new_privs");
		return 125;
	}
	if (nb_seccomp_load(f, &err) < 0)
		return fail(&err);
	execvp(argv[i + 1], argv + i + 1);
	perror(argv[i + 1]);
	return 127;
}
