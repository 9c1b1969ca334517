/* oci-hooks.c: a config's hooks (runtime-spec "POSIX-platform Hooks"):
 * checked when the bundle is read, then run at their points with the
 * container's state JSON on stdin, each within its timeout. Hooks of the
 * runtime namespace (prestart, createRuntime, poststart, poststop) run as
 * children of nestbox oci. createContainer and startContainer run inside
 * the container: a child joins its namespaces through a pidfd of the
 * container's init (all at once, and no pid to be reused; init stays
 * dumpable until start lets the command run, since a join takes
 * ptrace's read access), the first's program opened in the runtime's view,
 * the second's looked up in the container's, as the spec says. */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init.h"
#include "report.h"
#include "state.h"
#include "util.h"

static const char *const kinds[] = { "prestart", "createRuntime", "createContainer", "startContainer", "poststart",
				     "poststop", NULL };

static int bad(struct nb_err *err, const char *kind, size_t i, const char *what)
{
	char p[64];

	snprintf(p, sizeof p, "hooks.%s[%zu]", kind, i);
	nb_fail(err, 0, "%s", what);
	return nb_oci_prefix(err, p);
}

static bool strings(json_t *a, bool with_eq)
{
	size_t i;
	json_t *v;

	if (!a)
		return true;
	if (!json_is_array(a))
		return false;
	json_array_foreach(a, i, v)
		if (!json_is_string(v) || (with_eq && !strchr(json_string_value(v), '=')))
			return false;
	return true;
}

int nb_oci_hooks_check(json_t *hooks, struct nb_err *err)
{
	const char *kind;
	json_t *list;

	if (!hooks || json_is_null(hooks))
		return 0;
	if (!json_is_object(hooks))
		return nb_oci_prefix((nb_fail(err, 0, "not an object"), err), "hooks");
	json_object_foreach(hooks, kind, list) {
		bool known = false;
		size_t i;
		json_t *h;

		for (size_t k = 0; kinds[k]; k++)
			known |= strcmp(kind, kinds[k]) == 0;
		if (!known || !json_is_array(list)) {
			char p[96];
			snprintf(p, sizeof p, "hooks.%.64s", kind);
			return nb_oci_prefix((nb_fail(err, 0, known ? "not an array" : "not a kind of hook of runtime-spec 1.2"), err), p);
		}
		json_array_foreach(list, i, h) {
			const char *path = json_string_value(json_object_get(h, "path"));
			json_t *t = json_object_get(h, "timeout");

			if (!json_is_object(h) || !path || path[0] != '/')
				return bad(err, kind, i, "path: missing, or not an absolute path");
			if (!strings(json_object_get(h, "args"), false))
				return bad(err, kind, i, "args: not a list of strings");
			if (!strings(json_object_get(h, "env"), true))
				return bad(err, kind, i, "env: not a list of NAME=VALUE strings");
			if (t && (!json_is_integer(t) || json_integer_value(t) < 1 || json_integer_value(t) > 86400))
				return bad(err, kind, i, "timeout: not a number of seconds above zero");
		}
	}
	return 0;
}

/* One hook's program, argument and environment vectors, borrowed from h. */
struct hook {
	const char *path;
	const char **argv, **env;
	int timeout_ms;  /* -1: none */
	int exe;         /* createContainer: its program, opened in our view; else -1 */
	int state;       /* a memfd holding the state */
	int pidfd;       /* the container's init, or -1: run here */
};

static const char **vec(json_t *a, const char *first)
{
	size_t n = json_array_size(a), i, k = 0;
	const char **v = nb_xmalloc((n + 2) * sizeof *v);
	json_t *x;

	if (first && !n)
		v[k++] = first;
	json_array_foreach(a, i, x)
		v[k++] = json_string_value(x);
	v[k] = NULL;
	return v;
}

/* Joins the container's namespaces: its user namespace too, unless it is
 * ours already (rootless podman runs us in its own). */
static int join(int pidfd)
{
	int all = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWCGROUP;

	if (setns(pidfd, all) == 0)
		return 0;
	return errno == EINVAL ? setns(pidfd, all & ~CLONE_NEWUSER) : -1;
}

/* The hook's process: stdin the state, stdout onto stderr (ours is the
 * client's to read), inside the container if asked. */
_Noreturn static void child(const struct hook *h)
{
	pid_t pid;

	if (dup2(h->state, 0) < 0 || dup2(2, 1) < 0 || lseek(0, 0, SEEK_SET) < 0)
		_exit(126);
	if (h->pidfd >= 0) {
		if (join(h->pidfd) < 0) {
			dprintf(2, "nestbox: hook %s: cannot join the container's namespaces: %s\n", h->path, strerror(errno));
			_exit(126);
		}
		/* A new PID namespace takes the next child; it dies with us. */
		pid = fork();
		if (pid < 0)
			_exit(126);
		if (pid > 0)
			nb_relay(pid);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || chdir("/") < 0)
			_exit(126);
	}
	if (h->exe >= 0)
		syscall(SYS_execveat, h->exe, "", h->argv, h->env, AT_EMPTY_PATH);
	else
		execve(h->path, (char *const *)h->argv, (char *const *)h->env);
	dprintf(2, "nestbox: hook %s: cannot run it: %s\n", h->path, strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* Runs one hook to its end or its timeout. */
static int run(const struct hook *h, struct nb_err *err)
{
	_cleanup_close_ int pidfd = -1;
	int st = 0, rc;
	pid_t pid = fork();

	if (pid < 0)
		return nb_fail(err, errno, "cannot start hook %s", h->path);
	if (pid == 0)
		child(h);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	do
		rc = pidfd < 0 ? 1 : poll(&(struct pollfd){ pidfd, POLLIN, 0 }, 1, h->timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc == 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (rc == 0)
		return nb_fail_hint(err, ETIMEDOUT, "raise its timeout, or see why it hangs", "hook %s did not end within %d s",
				    h->path, h->timeout_ms / 1000);
	if (WIFSIGNALED(st))
		return nb_fail(err, 0, "hook %s was killed by signal %d", h->path, WTERMSIG(st));
	if (WEXITSTATUS(st))
		return nb_fail(err, 0, "hook %s exited with status %d", h->path, WEXITSTATUS(st));
	return 0;
}

int nb_oci_hooks_run(json_t *hooks, const char *kind, const char *state, pid_t pid, unsigned long long start,
		     struct nb_err *err)
{
	json_t *list = json_object_get(hooks, kind), *x;
	bool inside = strcmp(kind, "createContainer") == 0 || strcmp(kind, "startContainer") == 0;
	_cleanup_close_ int mem = -1, pidfd = -1;
	size_t i;

	if (!json_array_size(list))
		return 0;
	mem = memfd_create("nestbox-oci-state", MFD_CLOEXEC);
	if (mem < 0 || nb_write_all(mem, state, strlen(state)) < 0)
		return nb_fail(err, errno, "cannot hold the state for the %s hooks", kind);
	if (inside && (pidfd = nb_pidfd_same(pid, start)) < 0)
		return nb_fail(err, ESRCH, "cannot run the %s hooks: the container's init is gone", kind);
	json_array_foreach(list, i, x) {
		json_t *t = json_object_get(x, "timeout");
		_cleanup_free_ const char **argv = vec(json_object_get(x, "args"), json_string_value(json_object_get(x, "path")));
		_cleanup_free_ const char **env = vec(json_object_get(x, "env"), NULL);
		struct hook h = { .path = json_string_value(json_object_get(x, "path")), .argv = argv, .env = env,
				  .timeout_ms = t ? (int)json_integer_value(t) * 1000 : -1, .exe = -1, .state = mem,
				  .pidfd = inside ? pidfd : -1 };
		int rc;

		/* The one hook whose program is found in the runtime's view
		 * but runs in the container's; not close-on-exec, so that a
		 * script's interpreter can read it through /dev/fd. */
		if (strcmp(kind, "createContainer") == 0 && (h.exe = open(h.path, O_PATH)) < 0)
			rc = nb_fail(err, errno, "hook %s", h.path);
		else
			rc = run(&h, err);
		if (h.exe >= 0)
			close(h.exe);
		if (rc < 0) {
			char p[64];
			snprintf(p, sizeof p, "hooks.%s[%zu]", kind, i);
			return nb_oci_prefix(err, p);
		}
	}
	return 0;
}
