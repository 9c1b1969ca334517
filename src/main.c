/* main.c: subcommand dispatch. The only place that prints an error and
 * chooses the process's exit code. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "import.h"
#include "launch.h"
#include "lifetime.h"
#include "options.h"
#include "report.h"
#include "spec.h"

#ifndef NB_VERSION
#define NB_VERSION "0.0.0"
#endif

static void usage(FILE *out)
{
	fputs("Usage: nestbox COMMAND [OPTIONS]\n\n"
	      "A rootless sandbox: user namespace first, then PID, mount, IPC, UTS, net\n"
	      "and cgroup namespaces, without setuid and without a daemon.\n\n"
	      "Commands:\n"
	      "  run [OPTIONS] [--] CMD [ARGS...]  run CMD in a new sandbox\n"
	      "  import IMAGE|- DIR                unpack a rootfs tarball, keeping owners\n"
	      "  help [run]                        print help, or the options of 'run'\n"
	      "  --version                         print the version\n\n"
	      "See nestbox(1) and 'nestbox help run'.\n",
	      out);
}

static int report(const struct nb_err *err)
{
	return nb_report_error(err);
}


/* A closed stdin/stdout/stderr would let a pipe take fd 0-2 and carry the
 * payload's output somewhere unexpected. */
static void ensure_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0) {
			int n = open("/dev/null", O_RDWR);
			if (n > 2)
				close(n);
		}
}

/* The process that started nestbox, as main() first saw it. */
static pid_t caller;

static int cmd_run(int argc, char **argv)
{
	struct nb_spec spec;
	struct nb_err err = { 0 };
	int rc;

	nb_spec_init(&spec);
	if (nb_options_parse(argc, argv, &spec, &err) < 0) {
		nb_spec_release(&spec);
		return report(&err);
	}
	if (spec.print_help) {
		nb_options_help(stdout);
		nb_spec_release(&spec);
		return 0;
	}
	rc = nb_spec_finish(&spec, &err);
	/* bubblewrap's meaning: the sandbox dies when its caller does. */
	if (rc == 0 && spec.life.die_with_parent)
		rc = nb_die_with_caller(caller, &err);
	if (rc == 0)
		rc = nb_launch(&spec, &err);
	nb_spec_release(&spec);
	return rc < 0 ? report(&err) : rc;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	struct nb_err err = { 0 };

	caller = getppid();
	ensure_std_fds();
	nb_report_set_handler(nb_report_stderr, NULL);
	if (!cmd)
		return report((nb_fail_hint(&err, 0, "nestbox run [OPTIONS] [--] COMMAND [ARGS...]; see 'nestbox --help'",
					    "no command given"),
			       &err));
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "import") == 0) {
		int rc = nb_import(argc - 1, argv + 1, &err);
		return rc < 0 ? report(&err) : rc;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("nestbox %s\n", NB_VERSION);
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		if (argc > 2 && strcmp(argv[2], "run") == 0)
			nb_options_help(stdout);
		else if (argc > 2)
			return report((nb_fail_hint(&err, 0, "try 'nestbox help run'", "no help for '%s'", argv[2]), &err));
		else
			usage(stdout);
		return 0;
	}
	nb_fail(&err, 0, "unknown command '%s'", cmd);
	return report((nb_hint(&err, "try 'nestbox run -- %s', or 'nestbox --help'", cmd), &err));
}
