/* oci-exec.c: nestbox oci exec, a process started in a running container
 * as runc exec starts one: in the container's namespaces (its user
 * namespace only if it has one of its own) and root, with the process
 * JSON's identity, capabilities and no_new_privs, and the container's
 * seccomp filter. A joiner, a child of nestbox, enters the namespaces,
 * starts the process through nestbox's payload sequence, passes signals
 * on and ends as it did; --pid-file gets the joiner's pid, which conmon
 * waits for. */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "init.h"
#include "payload.h"
#include "seccomp.h"
#include "tty.h"
#include "util.h"

struct job {
	struct nb_spec spec;
	struct nb_capset caps;
	struct nb_seccomp *filter;
	struct nb_tty tty;
	int err_w;
};

/* The container's namespaces, read where they can be: init is not
 * dumpable, its command after exec is. */
static pid_t ns_source(pid_t init)
{
	char path[64], buf[32] = "";
	struct nb_err ignore;
	uint32_t child;

	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)init, (int)init);
	if (nb_read_small(path, buf, sizeof buf, &ignore) == 0) {
		buf[strcspn(buf, " \n")] = '\0';
		if (nb_parse_u32(buf, INT32_MAX, &child) == 0)
			return (pid_t)child;
	}
	return init;
}

static int enter(pid_t src, struct nb_err *err)
{
	static const char *const names[] = { "user", "mnt", "pid", "net", "ipc", "uts", "cgroup" };
	static const int types[] = { CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS,
				     CLONE_NEWCGROUP };
	int fds[ARRAY_SIZE(names)];
	int rc = 0;

	/* All opened first: once in the user namespace, /proc/SRC may be
	 * another's to read. A namespace that is already ours is kept. */
	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		char theirs[64], ours[64];
		struct stat a, b;

		snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)src, names[k]);
		snprintf(ours, sizeof ours, "/proc/self/ns/%s", names[k]);
		fds[k] = -1;
		if (stat(theirs, &a) == 0 && stat(ours, &b) == 0 && a.st_ino == b.st_ino)
			continue;
		fds[k] = open(theirs, O_RDONLY | O_CLOEXEC);
		if (fds[k] < 0 && rc == 0)
			rc = nb_fail(err, errno, "exec: cannot open the container's %s namespace", names[k]);
	}
	for (size_t k = 0; k < ARRAY_SIZE(names) && rc == 0; k++)
		if (fds[k] >= 0 && setns(fds[k], types[k]) < 0)
			rc = nb_fail(err, errno, "exec: cannot join the container's %s namespace", names[k]);
	for (size_t k = 0; k < ARRAY_SIZE(names); k++)
		nb_closep(&fds[k]);
	return rc;
}

static _Noreturn void joiner(struct job *j, pid_t src)
{
	const struct nb_spec *s = &j->spec;
	struct nb_payload p = { .proc = &s->proc, .uid = s->id.uid, .gid = s->id.gid, .groups = s->id.groups,
				.n_groups = s->id.n_groups, .caps = &j->caps, .filter = j->filter, .tty = -1, .landlock = 0 };
	struct nb_err err = { 0 };
	struct nb_exec ex;
	sigset_t all;
	pid_t pid;

	/* Signals wait in the mask until nb_relay() takes them. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	p.setgroups_ok = nb_setgroups_allowed_in(src);
	if (prctl(PR_SET_DUMPABLE, 0) < 0 || enter(src, &err) < 0)
		nb_payload_fail(j->err_w, err.msg[0] ? &err : (nb_fail(&err, errno, "exec: cannot prepare"), &err));
	if (s->proc.console_socket) {
		p.tty = nb_tty_open(j->tty.sock[1], &j->tty, s->id.uid, s->id.gid, &err);
		if (p.tty < 0)
			nb_payload_fail(j->err_w, &err);
	}
	if (nb_payload_prepare(&s->proc, s->proc.chdir, NULL, false, &ex, &err) < 0)
		nb_payload_fail(j->err_w, &err);
	p.exec = &ex;
	p.chan = (struct nb_payload_chan){ .err_w = j->err_w, .ready_w = -1, .go_r = -1, .nest_w = -1, .nest_r = -1,
					   .parent = -1 };
	pid = fork();
	if (pid == 0)
		nb_payload_run(&p);
	if (pid < 0)
		nb_payload_fail(j->err_w, (nb_fail(&err, errno, "exec: cannot start the process"), &err));
	close(j->err_w);
	if (p.tty >= 0)
		close(p.tty);
	nb_caps_drop_all(0, &err);
	nb_relay(pid);
}

/* The container's config, then the process: the file's, or ARGS with
 * the config's environment, --env and --cwd. */
static int load_job(const struct nb_oci_exec *x, struct job *j, struct nb_oci_config *c, struct nb_err *err)
{
	nb_spec_init(&j->spec);
	TRY(nb_oci_config_load(x->bundle, &j->spec, c, err));
	if (x->process_file) {
		_cleanup_free_ char *data = NULL;
		struct nb_oci_config pc = { 0 };
		json_t *p;
		size_t len;
		int rc;

		TRY(nb_read_file_regular(x->process_file, 1 << 20, &data, &len, err));
		p = json_loadb(data, len, 0, NULL);
		if (!json_is_object(p)) {
			json_decref(p);
			return nb_fail(err, 0, "exec: --process %s is not a JSON object", x->process_file);
		}
		/* The process's own fields replace the config's. */
		for (size_t k = 0; k < j->spec.proc.n_env; k++)
			free(j->spec.proc.env[k].arg);
		free(j->spec.proc.env);
		j->spec.proc.env = NULL;
		j->spec.proc.n_env = 0;
		free(j->spec.id.groups);
		j->spec.id.groups = NULL;
		j->spec.id.n_groups = 0;
		free(j->spec.proc.rlimits);
		j->spec.proc.rlimits = NULL;
		j->spec.proc.n_rlimits = 0;
		rc = nb_oci_process(&j->spec, &pc, p, err);
		json_decref(p);
		nb_strv_free(c->argv);
		c->argv = pc.argv;
		c->terminal = pc.terminal;
		TRY(rc);
	} else {
		j->spec.proc.argv = x->args;
		for (size_t k = 0; k < x->n_env; k++)
			TRY(nb_set_env(&j->spec, x->env[k], err));
		if (x->cwd)
			TRY(nb_set_chdir(&j->spec, x->cwd, err));
		c->terminal = x->tty;
	}
	/* --user: that uid and gid (the gid the config's, unless given), and
	 * no supplementary groups, as runc's exec gives. */
	if (x->user_set) {
		j->spec.id.uid = x->uid;
		if (x->gid_set)
			j->spec.id.gid = x->gid;
		free(j->spec.id.groups);
		j->spec.id.groups = NULL;
		j->spec.id.n_groups = 0;
	}
	if (c->terminal && !x->console_socket)
		return nb_fail_hint(err, 0, "give --console-socket, as conmon does", "exec: a terminal needs --console-socket");
	if (c->terminal)
		j->spec.proc.console_socket = nb_xstrdup(x->console_socket);
	TRY(nb_caps_resolve(&j->spec.priv, j->spec.id.uid, &j->caps, err));
	return nb_seccomp_prepare(&(struct nb_seccomp_opts){ .policy = "unconfined", .bpf = j->spec.priv.bpf,
							     .n_bpf = j->spec.priv.n_bpf },
				  &j->filter, err);
}

/* EOF on the error pipe: the process runs. */
static int started(int err_r, struct nb_err *err)
{
	struct nb_err child;

	if (nb_read_all(err_r, &child, sizeof child) == (ssize_t)sizeof child) {
		*err = child;
		return -1;
	}
	return 0;
}

int nb_oci_exec(const struct nb_oci_exec *x, struct nb_err *err)
{
	struct job j = { .tty = NB_TTY_INIT, .err_w = -1 };
	struct nb_oci_config c = { 0 };
	_cleanup_close_ int err_r = -1;
	pid_t src = ns_source(x->pid), pid = -1;
	int p[2], rc, st;

	rc = load_job(x, &j, &c, err);
	if (rc == 0 && j.spec.proc.sched.oom_set && nb_sched_oom(j.spec.proc.sched.oom_score_adj, err) < 0)
		rc = nb_oci_prefix(err, "process.oomScoreAdj");
	if (rc == 0 && j.spec.proc.console_socket)
		rc = nb_tty_prepare(&j.tty, err);
	if (rc == 0 && pipe2(p, O_CLOEXEC) < 0)
		rc = nb_fail(err, errno, "exec: cannot create its pipe");
	if (rc == 0) {
		err_r = p[0];
		j.err_w = p[1];
		fflush(NULL);
		pid = fork();
		if (pid == 0)
			joiner(&j, src);
		close(j.err_w);
		nb_closep(&j.tty.sock[1]);
		if (pid < 0)
			rc = nb_fail(err, errno, "exec: cannot start");
	}
	if (rc == 0 && j.spec.proc.console_socket)
		rc = nb_tty_hand_master(&j.tty, j.spec.proc.console_socket, err);
	if (rc == 0)
		rc = started(err_r, err);
	if (rc == 0 && x->pid_file)
		rc = nb_write_pid_file(x->pid_file, pid, err);
	if (rc == 0 && !x->detach) {
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		rc = nb_exit_code(st);
	} else if (rc < 0 && pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	nb_tty_release(&j.tty);
	nb_seccomp_free(j.filter);
	if (!x->process_file)
		j.spec.proc.argv = NULL;
	nb_spec_release(&j.spec);
	nb_oci_config_release(&c);
	return rc;
}
