/* child.c: see child.h. The order of the steps below is the one that works
 * inside a user namespace: every privileged step (hostname, lo, mounts)
 * comes before the identity change that gives up capabilities. */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init.h"
#include "mounts.h"
#include "net.h"
#include "util.h"

const int nb_forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
const unsigned nb_n_forwarded_signals = ARRAY_SIZE(nb_forwarded_signals);

void nb_child_fail(int err_w, const struct nb_err *err)
{
	/* One write under PIPE_BUF arrives whole or not at all. */
	(void)nb_write_all(err_w, err, sizeof *err);
	_exit(err->status ? err->status : NB_EXIT_FAIL);
}

static int set_identity(const struct nb_spec *spec, struct nb_err *err)
{
	char sg[16] = "";
	struct nb_err ignore;

	/* Host supplementary groups would show up as nogroup; drop them where
	 * setgroups is allowed. The kernel's file is the truth: newgidmap
	 * denies it when only the caller's own gid is mapped. */
	(void)nb_read_small("/proc/self/setgroups", sg, sizeof sg, &ignore);
	if (strncmp(sg, "allow", 5) == 0 && setgroups(0, NULL) < 0)
		return nb_fail(err, errno, "cannot clear the supplementary groups");
	if (setresgid(spec->gid, spec->gid, spec->gid) < 0)
		return nb_fail(err, errno, "cannot become gid %u inside", spec->gid),
		       nb_hint(err, "is gid %u in the gid map? see --verbose", spec->gid);
	if (setresuid(spec->uid, spec->uid, spec->uid) < 0)
		return nb_fail(err, errno, "cannot become uid %u inside", spec->uid),
		       nb_hint(err, "is uid %u in the uid map? see --verbose", spec->uid);
	return 0;
}

static int setup(const struct nb_spec *spec, const struct nb_idplan *plan, struct nb_err *err)
{
	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return nb_fail(err, errno, "cannot set the host name to '%s'", spec->hostname);
	if (!(spec->shared & NB_NS_NET))
		TRY(nb_net_loopback_up(err));
	TRY(nb_mounts_setup(spec, plan->user_name, err));
	TRY(set_identity(spec, err));
	return 0;
}

static void apply_env(const struct nb_spec *spec)
{
	if (spec->clearenv) {
		const char *keep[] = { "PATH", "TERM" };
		char *saved[ARRAY_SIZE(keep)];

		for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
			const char *v = getenv(keep[i]);
			saved[i] = v ? nb_xstrdup(v) : NULL;
		}
		clearenv();
		for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
			if (saved[i])
				setenv(keep[i], saved[i], 1);
	}
	for (size_t i = 0; i < spec->n_env; i++) {
		char *arg = spec->env[i].arg;

		if (spec->env[i].op == NB_ENV_UNSET) {
			unsetenv(arg);
		} else {
			char *eq = strchr(arg, '=');
			*eq = '\0';
			setenv(arg, eq + 1, 1);
			*eq = '=';
		}
	}
}

/* Everything but 0, 1, 2 and --pass-fd closes at exec. Close-on-exec rather
 * than close, so the error pipe stays usable until exec succeeds. */
static int mark_fds(const struct nb_spec *spec, struct nb_err *err)
{
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return nb_fail(err, errno, "cannot mark file descriptors close-on-exec"),
		       nb_hint(err, "nestbox needs Linux 5.11 or newer (close_range)");
	for (size_t i = 0; i < spec->n_pass_fds; i++)
		if (fcntl(spec->pass_fds[i], F_SETFD, 0) < 0)
			return nb_fail(err, errno, "--pass-fd %d", spec->pass_fds[i]);
	return 0;
}

/* Looks the command up in the sandbox's PATH the way a shell does, but
 * tells "not found" (127) from "found and not runnable" (126): execvp()
 * reports EACCES for a missing command when any PATH entry is unreadable. */
static void exec_file(const char *path, char **argv)
{
	size_t n = 0;
	char **sh;

	execv(path, argv);
	if (errno != ENOEXEC)
		return;
	/* No #! line: run it with the shell, as execvp() and shells do. */
	while (argv[n])
		n++;
	sh = nb_xmalloc((n + 2) * sizeof *sh);
	sh[0] = "sh";
	sh[1] = (char *)path;
	for (size_t i = 1; i <= n; i++)
		sh[i + 1] = argv[i];
	execv("/bin/sh", sh);
	free(sh);
	errno = ENOEXEC;
}

static int exec_command(const char *file, char **argv)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = NULL;
	char *save = NULL;
	int found_errno = ENOENT;

	if (strchr(file, '/')) {
		exec_file(file, argv);
		return errno;
	}
	copy = nb_xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *cand = nb_xasprintf("%s/%s", *dir ? dir : ".", file);
		struct stat st;

		if (stat(cand, &st) < 0 || S_ISDIR(st.st_mode))
			continue;
		exec_file(cand, argv);
		/* Keep looking, as a shell does; remember why this one failed. */
		found_errno = errno;
	}
	return found_errno;
}

static _Noreturn void exec_payload(const struct nb_spec *spec, int err_w)
{
	struct nb_err err = { 0 };
	const char *file = spec->argv[0];
	sigset_t none;
	int e;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* A new session detaches the terminal, so the payload cannot push
	 * input into it with TIOCSTI (CVE-2017-5226). */
	if (spec->new_session && setsid() < 0) {
		nb_fail(&err, errno, "cannot start a new session");
		nb_child_fail(err_w, &err);
	}
	if (spec->chdir && chdir(spec->chdir) < 0) {
		nb_fail(&err, errno, "--chdir %s", spec->chdir);
		nb_child_fail(err_w, &err);
	}
	apply_env(spec);
	if (mark_fds(spec, &err) < 0)
		nb_child_fail(err_w, &err);
	if (spec->argv0)
		spec->argv[0] = spec->argv0;
	e = exec_command(file, spec->argv);
	nb_fail(&err, e, "cannot run '%s'", file);
	if (e == ENOENT) {
		err.status = NB_EXIT_NOTFOUND;
		if (!strchr(file, '/'))
			nb_hint(&err, "it is not in PATH inside the sandbox; give the full path or check --env PATH");
	} else {
		err.status = NB_EXIT_NOEXEC;
	}
	nb_child_fail(err_w, &err);
}

void nb_child_main(const struct nb_spec *spec, struct nb_sandbox *sb)
{
	struct nb_err err = { 0 };
	sigset_t mask;
	int sigfd;
	pid_t payload;
	char go;

	close(sb->sync_w);
	close(sb->err_r);
	close(sb->sigfd);
	if (spec->die_with_parent && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
		nb_fail(&err, errno, "cannot set the parent-death signal");
		nb_child_fail(sb->err_w, &err);
	}
	/* Had the supervisor died before PR_SET_PDEATHSIG, the signal would
	 * never come. getppid() shows it where the parent is visible (0 means
	 * it is outside our new PID namespace), and the read below sees EOF in
	 * every case, since the supervisor holds the other end until the maps
	 * are written: no race window is left. */
	if (spec->die_with_parent && getppid() != 0 && getppid() != sb->parent)
		_exit(NB_EXIT_FAIL);
	if (read(sb->sync_r, &go, 1) != 1)
		_exit(NB_EXIT_FAIL);
	close(sb->sync_r);

	if (setup(spec, &sb->plan, &err) < 0)
		nb_child_fail(sb->err_w, &err);

	/* Without a PID namespace there is no pid 1 to play; with --as-pid-1
	 * the payload plays it itself. */
	if ((spec->shared & NB_NS_PID) || spec->as_pid1)
		exec_payload(spec, sb->err_w);

	prctl(PR_SET_NAME, "nestbox-init");
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	for (unsigned i = 0; i < nb_n_forwarded_signals; i++)
		sigaddset(&mask, nb_forwarded_signals[i]);
	/* The signals were blocked before clone, so none is lost here. */
	sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sigfd < 0) {
		nb_fail(&err, errno, "cannot create the init's signal fd");
		nb_child_fail(sb->err_w, &err);
	}
	payload = fork();
	if (payload < 0) {
		nb_fail(&err, errno, "cannot fork the payload");
		nb_child_fail(sb->err_w, &err);
	}
	if (payload == 0)
		exec_payload(spec, sb->err_w);
	/* Only the payload holds the error pipe now: EOF means it exec'd. */
	close(sb->err_w);
	nb_init_run(payload, sigfd, !spec->new_session);
}
