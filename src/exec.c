/* exec.c: see exec.h. */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "init.h"
#include "launch.h"
#include "payload.h"
#include "report.h"
#include "state.h"
#include "util.h"

struct exec_args {
	const char *target;
	char **cmd;
	char **env;       /* --env K=V, in order */
	size_t n_env;
	const char *chdir;
	enum nb_tty_mode tty;
};

static void usage(void)
{
	puts("Usage: nestbox exec [-t] [--tty WHEN] [--env NAME=VALUE]... [--chdir DIR] NAME|ID [--] CMD [ARGS...]\n\n"
	     "Run CMD in a running sandbox: in its namespaces and root, with its payload's\n"
	     "identity, capabilities, no_new_privs and seccomp filter, in its cgroup leaf.\n"
	     "The environment is yours with the sandbox's --env/--unsetenv/--clearenv and\n"
	     "then these --env applied; it starts in --chdir, else where the sandbox's\n"
	     "command started, else /. -t/--tty as for run. The exit status is CMD's, as\n"
	     "for run.");
}

static int parse(int argc, char **argv, struct exec_args *a, struct nb_err *err)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o = argv[i], *v = NULL;

		if (strcmp(o, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
			usage();
			return 1;
		}
		if (strcmp(o, "-t") == 0) {
			a->tty = NB_TTY_ALWAYS;
			continue;
		}
		if (strncmp(o, "--env=", 6) == 0 || strncmp(o, "--chdir=", 8) == 0 || strncmp(o, "--tty=", 6) == 0)
			v = strchr(o, '=') + 1;
		else if ((strcmp(o, "--env") == 0 || strcmp(o, "--chdir") == 0 || strcmp(o, "--tty") == 0) && i + 1 < argc)
			v = argv[++i];
		else
			return nb_fail_hint(err, 0, "see 'nestbox help exec'", "exec: unknown option '%s'", o);
		if (strncmp(o, "--env", 5) == 0) {
			if (!strchr(v, '=') || *v == '=')
				return nb_fail(err, 0, "exec: --env '%s' is not of the form NAME=VALUE", v);
			nb_strv_push(&a->env, &a->n_env, nb_xstrdup(v));
		} else if (strncmp(o, "--chdir", 7) == 0) {
			if (*v != '/')
				return nb_fail(err, 0, "exec: --chdir '%s' is not an absolute path", v);
			a->chdir = v;
		} else if (nb_parse_tty_mode(v, &a->tty, err) < 0) {
			return -1;
		}
	}
	if (i >= argc)
		return nb_fail_hint(err, 0, "nestbox exec NAME|ID -- CMD [ARGS...]", "exec: which sandbox?");
	a->target = argv[i++];
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc)
		return nb_fail_hint(err, 0, "nestbox exec NAME|ID -- CMD [ARGS...]", "exec: no command given");
	a->cmd = argv + i;
	return 0;
}

/* The command's process part: the sandbox's environment steps, then
 * exec's own --env, as run would have applied them. */
static int fill_spec(const struct exec_args *a, const struct nb_state_info *info, struct nb_spec *spec,
		     struct nb_err *err)
{
	spec->proc.argv = a->cmd;
	spec->proc.tty = a->tty;
	spec->id.uid = info->uid;
	spec->id.gid = info->gid;
	for (size_t k = 0; info->env_ops && info->env_ops[k]; k++) {
		const char *op = info->env_ops[k], *eq = strchr(op, '=');

		if (!eq)
			continue;
		if (strncmp(op, "clearenv=", 9) == 0)
			TRY(nb_set_clearenv(spec, NULL, err));
		else if (strncmp(op, "env=", 4) == 0)
			TRY(nb_set_env(spec, eq + 1, err));
		else if (strncmp(op, "unsetenv=", 9) == 0)
			TRY(nb_set_unsetenv(spec, eq + 1, err));
	}
	for (size_t k = 0; k < a->n_env; k++)
		TRY(nb_set_env(spec, a->env[k], err));
	spec->proc.use_tty = a->tty == NB_TTY_ALWAYS || (a->tty == NB_TTY_AUTO && isatty(0) && isatty(1));
	return 0;
}

/* Into the sandbox: its user namespace first (whose owner we are, so we
 * hold every capability there), then the others it owns. They are opened
 * through the supervisor's descriptors: init is not dumpable, so its
 * /proc/PID/ns is closed to us, as it is to the payload. */
static int join(const struct nb_state_info *info, struct nb_err *err)
{
	static const int types[NB_STATE_NS] = {
		[NB_STATE_USER] = CLONE_NEWUSER, [NB_STATE_MNT] = CLONE_NEWNS,   [NB_STATE_PID] = CLONE_NEWPID,
		[NB_STATE_NET] = CLONE_NEWNET,   [NB_STATE_IPC] = CLONE_NEWIPC,  [NB_STATE_UTS] = CLONE_NEWUTS,
		[NB_STATE_CGROUP] = CLONE_NEWCGROUP,
	};
	int fds[NB_STATE_NS];
	int rc = 0;

	for (size_t k = 0; k < NB_STATE_NS; k++) {
		char path[64];

		fds[k] = -1;
		if (info->ns_fds[k] < 0)
			continue;
		snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)info->supervisor, info->ns_fds[k]);
		fds[k] = open(path, O_RDONLY | O_CLOEXEC);
		/* Each must be the namespace it claims to be. */
		if (fds[k] >= 0 && ioctl(fds[k], NS_GET_NSTYPE) != types[k])
			nb_closep(&fds[k]);
		if (fds[k] < 0 && rc == 0)
			rc = nb_fail(err, errno ? errno : EINVAL, "exec: cannot open the sandbox's %s namespace", nb_state_ns_names[k]);
	}
	/* Opened from the supervisor we recorded, not from a process that
	 * got its pid since. */
	if (rc == 0 && !nb_proc_same(info->supervisor, info->supervisor_start))
		rc = nb_fail_hint(err, ESRCH, "exec needs the sandbox's nestbox run; --no-die-with-parent lets a sandbox outlive it",
				  "exec: the sandbox's supervisor is gone");
	if (rc == 0 && fds[0] < 0)
		rc = nb_fail(err, EPERM, "exec: the sandbox has no user namespace of its own to join");
	for (size_t k = 0; k < NB_STATE_NS && rc == 0; k++)
		if (fds[k] >= 0 && setns(fds[k], types[k]) < 0)
			rc = nb_fail_hint(err, errno, "see 'nestbox doctor'", "exec: cannot join the sandbox's %s namespace",
					  nb_state_ns_names[k]);
	for (size_t k = 0; k < NB_STATE_NS; k++)
		nb_closep(&fds[k]);
	return rc;
}

/* Where the command starts: --chdir, else where the sandbox's command
 * started if it is there, else /. */
static const char *start_dir(const struct exec_args *a, const struct nb_state_info *info)
{
	struct stat st;

	if (a->chdir)
		return a->chdir;
	if (info->start_dir && stat(info->start_dir, &st) == 0 && S_ISDIR(st.st_mode))
		return info->start_dir;
	return "/";
}

/* Into the sandbox's leaf first, while our cgroup namespace still sees
 * both cgroups (a move needs their common ancestor in it): a limit the
 * sandbox was given holds for exec'd commands too. */
static int join_leaf(int leaf_fd, struct nb_err *err)
{
	_cleanup_close_ int procs = -1;

	if (leaf_fd < 0)
		return 0;
	procs = openat(leaf_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	if (procs < 0 || nb_write_all(procs, "0", 1) < 0)
		return nb_fail_hint(err, errno, "see 'nestbox doctor'", "exec: cannot join the sandbox's cgroup leaf");
	return 0;
}

struct run_ctx {
	const struct exec_args *a;
	const struct nb_state_info *info;
	const struct nb_capset *caps;
	const struct nb_tcp_rules *tcp;
	const struct nb_seccomp *filter;
	int leaf_fd;
	int err_w, pid_w; /* the command's error, and its pid, to nestbox exec */
};

/* Waits for the command and ends as it did, so that nestbox exec, which
 * waits for the joiner, reports the command's own status. */
static _Noreturn void pass_on_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			_exit(NB_EXIT_FAIL);
	_exit(nb_exit_code(st));
}

/* The joiner: a child of nestbox exec that enters the sandbox, where it
 * holds every capability, so it is never dumpable; it starts the command
 * there, gives up every capability, and waits for it. nestbox exec itself
 * stays outside. */
static _Noreturn void joiner(const struct run_ctx *r, struct nb_spec *spec, struct nb_sandbox *sb)
{
	struct nb_payload p = { .proc = &spec->proc, .uid = r->info->uid, .gid = r->info->gid, .die_with_parent = true,
				.caps = r->caps, .filter = r->filter, .tty = -1, .landlock = r->info->landlock,
				.tcp = r->tcp };
	struct nb_err err = { 0 };
	struct nb_exec ex;
	pid_t pid;

	if (prctl(PR_SET_DUMPABLE, 0) < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		nb_payload_fail(r->err_w, (nb_fail(&err, errno, "exec: cannot prepare to join the sandbox"), &err));
	if (join_leaf(r->leaf_fd, &err) < 0 || join(r->info, &err) < 0)
		nb_payload_fail(r->err_w, &err);
	spec->proc.chdir = nb_xstrdup(start_dir(r->a, r->info));
	p.setgroups_ok = nb_setgroups_allowed();
	if (spec->proc.use_tty) {
		p.tty = nb_tty_open(sb->tty.sock[1], &sb->tty, r->info->uid, r->info->gid, &err);
		if (p.tty < 0)
			nb_payload_fail(r->err_w, &err);
	}
	if (nb_payload_prepare(&spec->proc, spec->proc.chdir, r->info->uid == 0 ? "/root" : NULL, r->info->own_env,
			       &ex, &err) < 0)
		nb_payload_fail(r->err_w, &err);
	p.exec = &ex;
	/* Its parent, the joiner, is outside its PID namespace: arm the
	 * parent-death signal again after the identity change, no check. */
	p.chan = (struct nb_payload_chan){ .err_w = r->err_w, .ready_w = -1, .go_r = -1, .nest_w = -1, .nest_r = -1,
					   .parent = 0 };
	pid = fork();
	if (pid == 0)
		nb_payload_run(&p);
	if (pid < 0)
		nb_payload_fail(r->err_w, (nb_fail(&err, errno, "exec: cannot start the command"), &err));
	if (p.tty >= 0)
		close(p.tty);
	close(r->err_w);
	/* Off the caller's terminal too, like init: a command that can see
	 * it (--share=pid) finds nothing of the caller's here. */
	if (nb_tty_detach() < 0 || nb_caps_drop_all(0, &err) < 0 || nb_write_all(r->pid_w, &pid, sizeof pid) < 0) {
		kill(pid, SIGKILL);
		_exit(NB_EXIT_FAIL);
	}
	close(r->pid_w);
	pass_on_status(pid);
}

static int start(struct run_ctx *r, struct nb_spec *spec, struct nb_sandbox *sb, struct nb_err *err)
{
	int errp[2], pidp[2];
	pid_t pid;

	if (pipe2(errp, O_CLOEXEC) < 0 || pipe2(pidp, O_CLOEXEC) < 0)
		return nb_fail(err, errno, "exec: cannot create its pipes");
	sb->err_r = errp[0];
	r->err_w = errp[1], r->pid_w = pidp[1];
	sb->pid = fork();
	if (sb->pid == 0)
		joiner(r, spec, sb);
	close(errp[1]);
	close(pidp[1]);
	nb_closep(&sb->tty.sock[1]);
	if (sb->pid < 0) {
		close(pidp[0]);
		return nb_fail(err, errno, "exec: cannot start");
	}
	/* Signals go to the command itself (the joiner only waits); EOF
	 * instead of its pid: the joiner failed, and nb_supervise() reads
	 * why from the error pipe. */
	if (nb_read_all(pidp[0], &pid, sizeof pid) == (ssize_t)sizeof pid)
		sb->fwd_pid = pid;
	close(pidp[0]);
	return 0;
}

int nb_cmd_exec(int argc, char **argv, struct nb_err *err)
{
	_cleanup_(nb_sandbox_release) struct nb_sandbox sb = NB_SANDBOX_INIT;
	struct exec_args a = { .tty = NB_TTY_AUTO };
	struct nb_state_info info;
	struct nb_spec spec;
	struct nb_capset caps;
	struct nb_tcp_rules tcp;
	struct nb_seccomp *filter = NULL;
	_cleanup_free_ char *data = NULL;
	_cleanup_close_ int leaf_fd = -1;
	size_t len;
	int rc;

	rc = parse(argc, argv, &a, err);
	if (rc != 0) {
		nb_strv_free(a.env);
		return rc < 0 ? -1 : 0;
	}
	nb_spec_init(&spec);
	rc = nb_state_find(a.target, &info, err);
	if (rc == 0) {
		rc = fill_spec(&a, &info, &spec, err);
		if (rc == 0)
			rc = nb_state_exec_data(&info, &data, &len, err);
		if (rc == 0)
			rc = nb_state_exec_unpack(data, len, &caps, &tcp, &filter, err);
		if (rc == 0 && info.cgroup) {
			leaf_fd = open(info.cgroup, O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (leaf_fd < 0)
				rc = nb_fail(err, errno, "exec: cannot open the sandbox's cgroup leaf %s", info.cgroup);
		}
		if (rc == 0 && spec.proc.use_tty)
			rc = nb_tty_prepare(&sb.tty, err);
		if (rc == 0)
			rc = nb_block_signals(&spec, &sb, err);
		if (rc == 0)
			rc = start(&(struct run_ctx){ &a, &info, &caps, &tcp, filter, leaf_fd, -1, -1 }, &spec, &sb, err);
		if (rc == 0)
			rc = nb_supervise(&spec, &sb, err);
		nb_state_info_free(&info);
	}
	nb_seccomp_free(filter);
	nb_spec_release(&spec);
	nb_strv_free(a.env);
	return rc;
}
