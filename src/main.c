/* main.c: subcommand dispatch. The only place that prints an error and
 * chooses the process's exit code. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bwrap.h"
#include "control.h"
#include "desktop.h"
#include "doctor.h"
#include "dryrun.h"
#include "exec.h"
#include "import.h"
#include "launch.h"
#include "lifetime.h"
#include "oci.h"
#include "options.h"
#include "profile.h"
#include "report.h"
#include "spec.h"
#include "util.h"

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
	      "  bwrap [OPTIONS] [--] CMD...       the same, with bubblewrap's command line\n"
	      "  oci COMMAND [ARGS]                the OCI runtime, for podman, containerd, Slurm\n"
	      "  ps [--json] [--all]               list your running sandboxes\n"
	      "  exec [-t] NAME|ID -- CMD...       run CMD in a running sandbox\n"
	      "  stop [--time S] NAME|ID...        end sandboxes: SIGTERM, then SIGKILL\n"
	      "  kill [--signal SIG] NAME|ID       send a signal to a sandbox\n"
	      "  doctor [--json]                   check this machine for nestbox\n"
	      "  keeper status|stop                the process that holds your id map\n"
	      "  import IMAGE|- DIR                unpack a rootfs tarball, keeping owners\n"
	      "  profiles                          list the profiles --profile finds\n"
	      "  help [COMMAND]                    print help, or a command's options\n"
	      "  version                           print the version\n\n"
	      "See nestbox(1), and 'nestbox help COMMAND'.\n",
	      out);
}

/* nestbox's own failures exit 125; bwrap's 1, which its callers expect. */
static int fail_status = NB_EXIT_FAIL;

static int report(const struct nb_err *err)
{
	int st = nb_report_error(err);

	return st == NB_EXIT_FAIL ? fail_status : st;
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

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The process that started nestbox, as main() first saw it. */
static pid_t caller;

/* The part every front end shares, once it has filled the spec. */
static int run_spec(struct nb_spec *spec)
{
	struct nb_err err = { 0 };
	int rc;

	nb_report_set_quiet(spec->report.quiet);
	rc = nb_spec_finish(spec, &err);
	if (rc == 0)
		rc = nb_desktop_resolve(spec, &err);
	if (rc == 0 && spec->dry_run) {
		rc = nb_dry_run(spec, stdout, &err);
		nb_spec_release(spec);
		return rc < 0 ? report(&err) : 0;
	}
	/* bubblewrap's meaning: the sandbox dies when its caller does. */
	if (rc == 0 && spec->life.die_with_parent)
		rc = nb_die_with_caller(caller, &err);
	if (rc == 0)
		rc = nb_launch(spec, &err);
	nb_spec_release(spec);
	return rc < 0 ? report(&err) : rc;
}

static int cmd_run(int argc, char **argv)
{
	struct nb_spec spec;
	struct nb_err err = { 0 };

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
	return run_spec(&spec);
}

/* nestbox bwrap, or nestbox as a link named bwrap (prog: its argv[0]). */
static int bwrap_main(int argc, char **argv, const char *prog)
{
	struct nb_spec spec;
	struct nb_err err = { 0 };
	bool done = false;

	fail_status = 1;
	nb_spec_init(&spec);
	if (nb_bwrap_parse(argc, argv, prog, &spec, &done, &err) < 0 || done) {
		nb_spec_release(&spec);
		return done ? 0 : report(&err);
	}
	return run_spec(&spec);
}

static int cmd_bwrap(int argc, char **argv)
{
	return bwrap_main(argc, argv, "nestbox bwrap");
}

/* nestbox oci, or nestbox as a link named nestbox-oci. Its own failures
 * exit 1, as runc's, which conmon and containerd expect. */
static int cmd_oci(int argc, char **argv)
{
	struct nb_err err = { 0 };
	int rc;

	fail_status = 1;
	rc = nb_oci_main(argc, argv, &err);
	return rc < 0 ? report(&err) : rc;
}

static int cmd_import(int argc, char **argv)
{
	struct nb_err err = { 0 };
	int rc = nb_import(argc, argv, &err);

	return rc < 0 ? report(&err) : rc;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("nestbox %s\n", NB_VERSION);
	return 0;
}

static int cmd_profiles(int argc, char **argv)
{
	struct nb_err err = { 0 };

	if (argc > 1 && strcmp(argv[1], "--help") != 0) {
		nb_fail_hint(&err, 0, "nestbox profiles", "profiles takes no arguments");
		return report(&err);
	}
	if (argc > 1) {
		puts("Usage: nestbox profiles\n\n"
		     "List the profiles --profile NAME finds, in search order: each name, a tab,\n"
		     "and its file. NB_PROFILE_PATH replaces the search path.");
		return 0;
	}
	nb_profile_list(stdout);
	return 0;
}

/* The commands whose module takes (argc, argv, err). */
#define MODULE_COMMAND(fn, impl)                                                                   \
	static int fn(int argc, char **argv)                                                         \
	{                                                                                            \
		struct nb_err err = { 0 };                                                           \
		int rc = impl(argc, argv, &err);                                                     \
                                                                                                     \
		return rc < 0 ? report(&err) : rc;                                                   \
	}
MODULE_COMMAND(cmd_ps, nb_cmd_ps)
MODULE_COMMAND(cmd_exec, nb_cmd_exec)
MODULE_COMMAND(cmd_stop, nb_cmd_stop)
MODULE_COMMAND(cmd_kill, nb_cmd_kill)
MODULE_COMMAND(cmd_doctor, nb_doctor)
MODULE_COMMAND(cmd_keeper, nb_cmd_keeper)

static int cmd_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the command's name */
} commands[] = {
	{ "run", cmd_run },
	{ "bwrap", cmd_bwrap },
	{ "oci", cmd_oci },
	{ "ps", cmd_ps },
	{ "exec", cmd_exec },
	{ "stop", cmd_stop },
	{ "kill", cmd_kill },
	{ "doctor", cmd_doctor },
	{ "keeper", cmd_keeper },
	{ "import", cmd_import },
	{ "profiles", cmd_profiles },
	{ "help", cmd_help },
	{ "version", cmd_version },
};

static int cmd_help(int argc, char **argv)
{
	struct nb_err err = { 0 };
	char *help[] = { argc > 1 ? argv[1] : NULL, "--help", NULL };

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "version") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "run") == 0) {
		nb_options_help(stdout);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(2, help);
	nb_fail_hint(&err, 0, "see 'nestbox --help' for the commands", "no command '%s'", argv[1]);
	return report(&err);
}

/* "unknown command", with the closest command when there is one. */
static int unknown_command(const char *cmd)
{
	const char *names[ARRAY_SIZE(commands) + 1];
	struct nb_err err = { 0 };
	const char *mean;

	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		names[i] = commands[i].name;
	names[ARRAY_SIZE(commands)] = NULL;
	mean = nb_suggest(cmd, names);
	nb_fail(&err, 0, "unknown command '%s'", cmd);
	if (mean)
		nb_hint(&err, "did you mean '%s'? 'nestbox --help' lists the commands", mean);
	else
		nb_hint(&err, "'nestbox --help' lists the commands; to run a program: nestbox run -- %s", cmd);
	return report(&err);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	struct nb_err err = { 0 };

	caller = getppid();
	ensure_std_fds();
	nb_report_set_handler(nb_report_stderr, NULL);
	/* A link named bwrap speaks bubblewrap's command line; so does a
	 * sandbox that runs it again as /proc/self/exe with options, as
	 * bwrap's callers do: no nestbox command starts with "--". */
	if (argv[0] && (strcmp(base_name(argv[0]), "bwrap") == 0 ||
			(strcmp(argv[0], "/proc/self/exe") == 0 && cmd && strncmp(cmd, "--", 2) == 0 &&
			 strcmp(cmd, "--help") != 0 && strcmp(cmd, "--version") != 0)))
		return bwrap_main(argc, argv, argv[0]);
	if (argv[0] && strcmp(base_name(argv[0]), "nestbox-oci") == 0)
		return cmd_oci(argc, argv);
	if (!cmd) {
		nb_fail_hint(&err, 0, "nestbox run [OPTIONS] [--] COMMAND [ARGS...]; see 'nestbox --help'", "no command given");
		return report(&err);
	}
	if (strcmp(cmd, "--version") == 0)
		return cmd_version(0, NULL);
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
		return cmd_help(argc - 1, argv + 1);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	return unknown_command(cmd);
}
