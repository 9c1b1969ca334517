/* payload.c: see payload.h. */
#include "payload.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "landlock.h"
#include "nested.h"
#include "tty.h"
#include "util.h"

extern char **environ;

_Noreturn void nb_payload_fail(int err_w, const struct nb_err *err)
{
	/* One write under PIPE_BUF arrives whole or not at all. Nobody reads
	 * it once the runtime that made the sandbox is gone (nestbox oci
	 * start): then the message goes to the command's stderr. */
	signal(SIGPIPE, SIG_IGN);
	if (nb_write_all(err_w, err, sizeof *err) < 0) {
		char line[sizeof err->msg + sizeof err->hint + 160];

		nb_err_format(err, line, sizeof line);
		dprintf(2, "nestbox: %s\n", line);
	}
	_exit(err->status ? err->status : NB_EXIT_FAIL);
}

/* --- before the payload's process exists -------------------------------- */

struct strv {
	char **v;
	size_t n;
};

static void strv_init(struct strv *s)
{
	s->v = nb_xmalloc(sizeof *s->v);
	s->v[0] = NULL;
	s->n = 0;
}

static void strv_push(struct strv *s, char *item)
{
	s->v = nb_xrealloc(s->v, (s->n + 2) * sizeof *s->v);
	s->v[s->n++] = item;
	s->v[s->n] = NULL;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Removes NAME (the text up to '=' in `entry`, or all of it) from env. */
static void env_unset(struct strv *env, const char *entry)
{
	size_t len = strcspn(entry, "=");

	for (size_t i = 0; i < env->n;)
		if (strncmp(env->v[i], entry, len) == 0 && env->v[i][len] == '=') {
			free(env->v[i]);
			memmove(&env->v[i], &env->v[i + 1], (env->n - i) * sizeof *env->v);
			env->n--;
		} else {
			i++;
		}
}

static void env_set(struct strv *env, const char *entry)
{
	env_unset(env, entry);
	strv_push(env, nb_xstrdup(entry));
}

static const char *env_get(char *const *env, const char *name)
{
	size_t len = strlen(name);

	for (; *env; env++)
		if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
			return *env + len + 1;
	return NULL;
}

/* The caller's environment (PATH and TERM only, with --clearenv), PWD for
 * the start directory, the sandbox's own HOME and PATH where it has them,
 * then --env and --unsetenv in the order given. */
static char **build_env(const struct nb_process *s, const char *start_dir, const char *home, bool own_path)
{
	struct strv env;

	strv_init(&env);
	for (char **e = environ; e && *e; e++)
		if (!s->clearenv || (!s->clearenv_all && (strncmp(*e, "PATH=", 5) == 0 || strncmp(*e, "TERM=", 5) == 0)))
			env_set(&env, *e);
	if (start_dir) {
		_cleanup_free_ char *pwd = nb_xasprintf("PWD=%s", start_dir);
		env_set(&env, pwd);
	}
	if (home) {
		_cleanup_free_ char *h = nb_xasprintf("HOME=%s", home);
		env_set(&env, h);
	}
	if (own_path)
		env_set(&env, "PATH=" NB_DEFAULT_PATH);
	for (size_t i = 0; i < s->n_env; i++) {
		if (s->env[i].op == NB_ENV_UNSET)
			env_unset(&env, s->env[i].arg);
		else
			env_set(&env, s->env[i].arg);
	}
	return env.v;
}

int nb_payload_prepare(const struct nb_process *s, const char *start_dir, const char *home, bool own_path,
		       struct nb_exec *e, struct nb_err *err)
{
	struct strv argv;
	const char *name = s->argv[0];
	size_t n = 0;

	memset(e, 0, sizeof *e);
	if (!name)
		return nb_fail(err, EINVAL, "no command given");
	e->name = name;
	e->chdir = s->chdir;
	e->envp = build_env(s, s->chdir ? s->chdir : start_dir, home, own_path);
	strv_init(&argv);
	strv_push(&argv, nb_xstrdup(s->argv0 ? s->argv0 : name));
	for (n = 1; s->argv[n]; n++)
		strv_push(&argv, nb_xstrdup(s->argv[n]));
	e->argv = argv.v;
	/* For a script without #!: {"sh", PATH, ARGS...}, the arguments
	 * borrowed from argv, the path filled in at exec. */
	e->sh_argv = nb_xmalloc((n + 2) * sizeof *e->sh_argv);
	e->sh_argv[0] = "sh";
	e->sh_argv[1] = NULL;
	memcpy(e->sh_argv + 2, e->argv + 1, n * sizeof *e->sh_argv);
	/* The payload's own PATH, as a shell would use it. */
	e->paths = nb_path_candidates(env_get(e->envp, "PATH"), name);
	return 0;
}

void nb_payload_release(struct nb_exec *e)
{
	strv_free(e->argv);
	strv_free(e->envp);
	strv_free(e->paths);
	free(e->sh_argv); /* its strings are borrowed */
	memset(e, 0, sizeof *e);
}

/* --- in the payload's process: system calls only ------------------------ */

/* Everything but 0, 1, 2 and --pass-fd closes at exec. Close-on-exec rather
 * than close, so the error pipe stays usable until exec succeeds. */
static int mark_fds(const struct nb_process *s, struct nb_err *err)
{
	/* bwrap keeps what it inherited; nestbox's own are close-on-exec. */
	if (s->keep_fds)
		return 0;
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return nb_fail_hint(err, errno, "nestbox needs Linux 5.11 or newer (close_range)",
				    "cannot mark file descriptors close-on-exec");
	for (size_t i = 0; i < s->n_pass_fds; i++)
		if (fcntl(s->pass_fds[i], F_SETFD, 0) < 0)
			return nb_fail(err, errno, "--pass-fd %d", s->pass_fds[i]);
	return 0;
}

/* Tries each candidate the way a shell does, and tells "not found" (127)
 * from "found and not runnable" (126): execvp() reports EACCES for a
 * missing command when any PATH entry is unreadable. */
static int exec_candidates(const struct nb_exec *e)
{
	bool path_search = strchr(e->name, '/') == NULL;
	int found = ENOENT;

	for (char **p = e->paths; *p; p++) {
		struct stat st;

		if (path_search && (stat(*p, &st) < 0 || S_ISDIR(st.st_mode)))
			continue;
		execve(*p, e->argv, e->envp);
		/* No #! line: run it with the shell, as execvp() and shells do. */
		if (errno == ENOEXEC) {
			e->sh_argv[1] = *p;
			execve("/bin/sh", e->sh_argv, e->envp);
			errno = ENOEXEC;
		}
		/* Keep looking, as a shell does; remember why this one failed. */
		found = errno;
	}
	return found;
}

static _Noreturn void exec_failed(const struct nb_payload *p, int e)
{
	struct nb_err err = { 0 };
	const char *name = p->exec->name;

	nb_fail(&err, e, "cannot run '%s'", name);
	if (e == ENOENT) {
		err.status = NB_EXIT_NOTFOUND;
		/* An empty --rootfs: say so, not that PATH is wrong. */
		if (access("/usr", F_OK) < 0 && access("/bin", F_OK) < 0)
			nb_hint(&err, "the root has no /usr and no /bin: is --rootfs an empty directory? "
				      "'nestbox import IMAGE DIR' unpacks an image into one");
		else if (!strchr(name, '/'))
			nb_hint(&err, "it is not in PATH inside the sandbox; give the full path or check --env PATH");
	} else {
		err.status = NB_EXIT_NOEXEC;
	}
	nb_payload_fail(p->chan.err_w, &err);
}

/* Waits for init to lock itself down: no payload code may run before.
 * Where init needs no word from us, we make the memory we share with it
 * non-dumpable ourselves: after our last change of credentials, which
 * could have made it dumpable again, and before our first instruction. */
static int wait_for_init(const struct nb_payload_chan *c, struct nb_err *err)
{
	char b = 'r';

	if (c->go_r < 0)
		return 0;
	if (c->ready_w < 0 ? prctl(PR_SET_DUMPABLE, 0) < 0 : nb_write_all(c->ready_w, &b, 1) < 0)
		return nb_fail(err, errno, "cannot make the sandbox's init non-dumpable");
	if (nb_read_all(c->go_r, &b, 1) != 1 || b != 'g')
		return nb_fail(err, EPIPE, "the sandbox's init did not let the command start");
	return 0;
}

/* The order is the one that works inside a user namespace: every step that
 * needs a capability comes before the one that gives it up. */
_Noreturn void nb_payload_run(const struct nb_payload *p)
{
	const struct nb_process *s = p->proc;
	const struct nb_payload_chan *c = &p->chan;
	struct nb_err err = { 0 };
	sigset_t none;
	int e;

	/* 0. The signals nestbox blocked are the payload's again. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* 1. Session: a new one detaches the terminal, so the payload cannot
	 * push input into it with TIOCSTI (CVE-2017-5226). With --tty the
	 * session's terminal is the sandbox's own pty. */
	if (p->tty >= 0 && nb_tty_attach(p->tty) < 0)
		nb_payload_fail(c->err_w, (nb_fail(&err, errno, "--tty: cannot make the pseudo-terminal the command's"), &err));
	if (p->tty < 0 && s->new_session && setsid() < 0)
		nb_payload_fail(c->err_w, (nb_fail(&err, errno, "cannot start a new session"), &err));
	/* 2. --disable-userns: a namespace init maps and the payload cannot
	 * make another in. */
	if (c->nest_w >= 0 && nb_nested_enter(c->nest_w, c->nest_r, &err) < 0)
		nb_payload_fail(c->err_w, &err);
	/* 3. Identity, keeping capabilities; then the bounding set and
	 * securebits while CAP_SETPCAP is still held. */
	if (nb_caps_apply_identity(p->caps, c->nest_w >= 0 ? 0 : p->bnd_gone, p->uid, p->gid, p->groups, p->n_groups,
				   p->setgroups_ok, &err) < 0)
		nb_payload_fail(c->err_w, &err);
	/* A change of credentials clears the parent-death signal: arm it
	 * again, then make sure the parent did not go in between. */
	if (c->parent >= 0 && p->die_with_parent) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			nb_payload_fail(c->err_w, (nb_fail(&err, errno, "cannot set the parent-death signal"), &err));
		if (c->parent > 0 && getppid() != c->parent)
			_exit(NB_EXIT_FAIL);
	}
	/* 3b. Landlock: files only beneath this root, from now on. While
	 * CAP_SYS_ADMIN is held, so that no_new_privs need not come first. */
	if ((p->landlock || nb_landlock_tcp_wanted(p->tcp)) && nb_landlock_apply(p->landlock, p->tcp, &err) < 0)
		nb_payload_fail(c->err_w, &err);
	/* 4. Without no_new_privs the kernel takes a filter only from a holder
	 * of CAP_SYS_ADMIN, which is still effective here and gone after. */
	if (!p->caps->nnp && nb_seccomp_load(p->filter, &err) < 0)
		nb_payload_fail(c->err_w, &err);
	/* 5. The final capability sets, ambient, no_new_privs. */
	if (nb_caps_apply_final(p->caps, &err) < 0)
		nb_payload_fail(c->err_w, &err);
	/* 6. Where it starts, and which descriptors it keeps. */
	if (p->exec->chdir && chdir(p->exec->chdir) < 0)
		nb_payload_fail(c->err_w, (nb_fail(&err, errno, "--chdir %s", p->exec->chdir), &err));
	if (mark_fds(s, &err) < 0)
		nb_payload_fail(c->err_w, &err);
	/* 7. init is non-dumpable, without capabilities and off the terminal
	 * before the first instruction of the payload. */
	if (wait_for_init(c, &err) < 0)
		nb_payload_fail(c->err_w, &err);
	/* 7a. OCI's umask, resource limits and scheduling. */
	if (s->umask >= 0)
		umask((mode_t)s->umask);
	for (size_t i = 0; i < s->n_rlimits; i++) {
		struct rlimit r = { .rlim_cur = s->rlimits[i].soft, .rlim_max = s->rlimits[i].hard };

		if (setrlimit(s->rlimits[i].resource, &r) < 0)
			nb_payload_fail(c->err_w, (nb_fail(&err, errno, "cannot set resource limit %d to %llu/%llu", s->rlimits[i].resource,
							   (unsigned long long)r.rlim_cur, (unsigned long long)r.rlim_max), &err));
	}
	if (nb_sched_apply(&s->sched, &err) < 0)
		nb_payload_fail(c->err_w, &err);
	if (s->personality >= 0 && personality((unsigned long)s->personality) < 0)
		nb_payload_fail(c->err_w, (nb_fail(&err, errno, "cannot set the execution domain %#x", s->personality), &err));
	/* 7b. bwrap's --block-fd: the caller says when. */
	if (s->block_fd >= 0 && read(s->block_fd, &(char){ 0 }, 1) < 0)
		nb_payload_fail(c->err_w, (nb_fail(&err, errno, "--block-fd: cannot read"), &err));
	/* 8. The filter is the very last step: after no_new_privs, just before
	 * exec, so nestbox's own set-up never runs under it. */
	if (p->caps->nnp && nb_seccomp_load(p->filter, &err) < 0)
		nb_payload_fail(c->err_w, &err);
	/* 8b. bwrap's --assert-userns-disabled: whatever did it, the payload
	 * must not be able to make a user namespace. */
	if (p->assert_userns_disabled && unshare(CLONE_NEWUSER) == 0)
		nb_payload_fail(c->err_w, (nb_fail(&err, 0, "creation of new user namespaces was not disabled as requested"), &err));
	/* 9. The command. */
	e = exec_candidates(p->exec);
	exec_failed(p, e);
}
