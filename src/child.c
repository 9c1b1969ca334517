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
#include <sched.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
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

/* setgroups is allowed unless the map forbids it: the kernel's file is
 * the truth (newgidmap denies it when only the caller's gid is mapped). */
static bool setgroups_allowed(void)
{
	char sg[16] = "";
	struct nb_err ignore;

	(void)nb_read_small("/proc/self/setgroups", sg, sizeof sg, &ignore);
	return strncmp(sg, "allow", 5) == 0;
}

static int setup(const struct nb_spec *spec, const struct nb_idplan *plan, struct nb_err *err)
{
	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return nb_fail(err, errno, "cannot set the host name to '%s'", spec->hostname);
	if (!(spec->shared & NB_NS_NET))
		TRY(nb_net_loopback_up(err));
	/* --disable-userns, like bubblewrap: this namespace may hold one more
	 * user namespace, which the payload takes (nested_userns_enter), so
	 * it can make none, whatever the filter says. Written before the new
	 * /proc, whose /proc/sys is read-only. */
	if (spec->disable_userns &&
	    nb_write_file("/proc/sys/user/max_user_namespaces", "1", err) < 0)
		return nb_hint(err, "--disable-userns needs to lower the limit in the sandbox's user namespace");
	return nb_mounts_setup(spec, plan->user_name, err);
}

/* The nested user namespace of --disable-userns. The payload enters it;
 * init, still privileged in the parent namespace, maps every id 1:1. */
static int nested_userns_enter(int to_init, int from_init, struct nb_err *err)
{
	char c;

	if (unshare(CLONE_NEWUSER) < 0)
		return nb_fail(err, errno, "--disable-userns: cannot enter the nested user namespace");
	if (nb_write_all(to_init, "u", 1) < 0 || read(from_init, &c, 1) != 1 || c != 'm')
		return nb_fail(err, EPROTO, "--disable-userns: init did not map the nested user namespace");
	return 0;
}

/* Copies our own map as an identity map: the inside ids stay the same. */
static int nested_userns_map(pid_t payload, int from_payload, int to_payload, struct nb_err *err)
{
	static const char *const maps[] = { "gid_map", "uid_map" };
	char c;

	if (read(from_payload, &c, 1) != 1 || c != 'u')
		return nb_fail(err, EPROTO, "--disable-userns: the payload did not unshare");
	for (size_t k = 0; k < ARRAY_SIZE(maps); k++) {
		char self[64], child[64], in[4096], out[4096];
		size_t len = 0;

		snprintf(self, sizeof self, "/proc/self/%s", maps[k]);
		snprintf(child, sizeof child, "/proc/%d/%s", (int)payload, maps[k]);
		TRY(nb_read_small(self, in, sizeof in, err));
		for (char *line = strtok(in, "\n"); line; line = strtok(NULL, "\n")) {
			unsigned long first, lower, count;
			if (sscanf(line, "%lu %lu %lu", &first, &lower, &count) == 3)
				len += (size_t)snprintf(out + len, sizeof out - len, "%lu %lu %lu\n", first, first, count);
		}
		TRY(nb_write_file(child, out, err));
	}
	return nb_write_all(to_payload, "m", 1) < 0 ? nb_fail(err, errno, "--disable-userns") : 0;
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

static _Noreturn void exec_payload(const struct nb_spec *spec, const struct nb_sandbox *sb, int err_w,
				   const int nested[2])
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
	if (nested && nested_userns_enter(nested[1], nested[0], &err) < 0)
		nb_child_fail(err_w, &err);
	/* Identity and capabilities last but for seccomp: every step above
	 * may need privilege, nothing below does. */
	if (nb_caps_apply_identity(&sb->caps, spec->uid, spec->gid, setgroups_allowed(), &err) < 0)
		nb_child_fail(err_w, &err);
	/* Without no_new_privs the kernel takes a filter only from a holder of
	 * CAP_SYS_ADMIN, which is still effective here and gone after. */
	if (!sb->caps.nnp && nb_seccomp_load(sb->filter, &err) < 0)
		nb_child_fail(err_w, &err);
	if (nb_caps_apply_final(&sb->caps, &err) < 0)
		nb_child_fail(err_w, &err);
	if (spec->chdir && chdir(spec->chdir) < 0) {
		nb_fail(&err, errno, "--chdir %s", spec->chdir);
		nb_child_fail(err_w, &err);
	}
	apply_env(spec);
	if (mark_fds(spec, &err) < 0)
		nb_child_fail(err_w, &err);
	if (spec->argv0)
		spec->argv[0] = spec->argv0;
	/* The filter is the very last step: after no_new_privs, just before
	 * exec, so nestbox's own set-up never runs under it. */
	if (sb->caps.nnp && nb_seccomp_load(sb->filter, &err) < 0)
		nb_child_fail(err_w, &err);
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

struct payload_args {
	const struct nb_spec *spec;
	const struct nb_sandbox *sb;
	int err_w;
	const int *nested;
};

static int payload_main(void *p)
{
	const struct payload_args *a = p;
	exec_payload(a->spec, a->sb, a->err_w, a->nested);
}

/* The payload borrows init's memory until it execs (nb_clone_vfork): no
 * page tables to copy and no copy-on-write faults, the costliest part of a
 * start. --disable-userns needs init to write the nested maps while the
 * payload waits, so there it forks. */
static pid_t spawn_payload(const struct payload_args *a)
{
	pid_t pid;

	if (a->nested) {
		pid = fork();
		if (pid == 0)
			exec_payload(a->spec, a->sb, a->err_w, a->nested);
		return pid;
	}
	/* init waits in clone() until the payload execs, so a signal for the
	 * payload is forwarded only after that; before exec the payload does
	 * no more than chdir, open its filter and look up the command. */
	return nb_clone_vfork(payload_main, (void *)a, (size_t)256 * 1024, SIGCHLD);
}

void nb_child_main(const struct nb_spec *spec, struct nb_sandbox *sb)
{
	struct nb_err err = { 0 };
	sigset_t mask;
	int sigfd, up[2] = { -1, -1 }, down[2] = { -1, -1 };
	pid_t payload;
	char go;

	close(sb->sync_w);
	close(sb->err_r);
	close(sb->sigfd);
	/* The supervisor writes --info-fd and --json-status-fd itself. */
	if (spec->info_fd >= 0)
		close(spec->info_fd);
	if (spec->json_status_fd >= 0)
		close(spec->json_status_fd);
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
	/* Moved into the leaf by the supervisor (no clone3): root the cgroup
	 * namespace there now. */
	if (sb->late_cgroupns && unshare(CLONE_NEWCGROUP) < 0) {
		nb_fail(&err, errno, "cannot create the cgroup namespace");
		nb_child_fail(sb->err_w, &err);
	}
	if (setup(spec, &sb->plan, &err) < 0)
		nb_child_fail(sb->err_w, &err);
	/* With --net=slirp the payload waits for the network; the view was
	 * built while slirp4netns started. */
	if (spec->net == NB_NET_SLIRP && read(sb->sync_r, &go, 1) != 1)
		_exit(NB_EXIT_FAIL);
	close(sb->sync_r);

	/* Without a PID namespace there is no pid 1 to play; with --as-pid-1
	 * the payload plays it itself. */
	if ((spec->shared & NB_NS_PID) || spec->as_pid1)
		exec_payload(spec, sb, sb->err_w, NULL);

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
	/* Two pipes for the nested user namespace: payload -> init, init -> payload. */
	if (spec->disable_userns && (pipe2(up, O_CLOEXEC) < 0 || pipe2(down, O_CLOEXEC) < 0)) {
		nb_fail(&err, errno, "cannot create the pipes for --disable-userns");
		nb_child_fail(sb->err_w, &err);
	}
	payload = spawn_payload(&(struct payload_args){ spec, sb, sb->err_w,
							 spec->disable_userns ? (int[2]){ down[0], up[1] } : NULL });
	if (payload < 0) {
		nb_fail(&err, errno, "cannot start the payload");
		nb_child_fail(sb->err_w, &err);
	}
	if (spec->disable_userns) {
		if (nested_userns_map(payload, up[0], down[1], &err) < 0) {
			kill(payload, SIGKILL);
			nb_child_fail(sb->err_w, &err);
		}
		for (int k = 0; k < 2; k++) {
			close(up[k]);
			close(down[k]);
		}
	}
	/* Only the payload holds the error pipe now: EOF means it exec'd. */
	close(sb->err_w);
	/* init keeps no descriptor but its signal fd: a pipe passed to the
	 * payload (--pass-fd, --info-fd) must see EOF when the payload ends. */
	if (sigfd > 3)
		close_range(3, (unsigned)sigfd - 1, 0);
	close_range((unsigned)sigfd + 1, ~0U, 0);
	/* init needs no privilege from here on; non-dumpable, so that the
	 * payload cannot open /proc/1/exe or /proc/1/mem for writing. */
	nb_caps_drop_all();
	prctl(PR_SET_DUMPABLE, 0);
	nb_init_run(payload, sigfd, !spec->new_session);
}
