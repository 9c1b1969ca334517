/* oci.c: nestbox oci, the OCI runtime command line that podman's conmon,
 * containerd's shim and Slurm drive (runc's, crun's): create, start,
 * state, kill, delete, run, list, ps, features, spec. A bundle becomes a
 * struct nb_spec (oci-config.c) and runs through the one launcher, which
 * for create leaves the sandbox waiting on a FIFO that start writes to.
 * Each container's state is one JSON file under --root, written
 * atomically; its process is found again by pid and start time, never
 * by a recycled pid. */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "launch.h"
#include "report.h"
#include "state.h"
#include "util.h"

/* The global flags, and the log conmon and containerd read. */
struct oci {
	char *root;
	bool default_root;
	FILE *log;
	bool json_log;
};

static struct oci g;

/* Every message also goes to --log, as a JSON line if asked: conmon and
 * containerd read {"level":"error","msg":"..."} from it. */
static void log_handler(enum nb_level level, const char *text, void *data)
{
	static const char *const names[] = { [NB_LEVEL_ERROR] = "error", [NB_LEVEL_WARNING] = "warning",
					     [NB_LEVEL_NOTE] = "info", [NB_LEVEL_VERBOSE] = "debug",
					     [NB_LEVEL_OUTPUT] = "info", [NB_LEVEL_PROGRESS] = "info" };
	nb_report_stderr(level, text, data);
	if (!g.log || level == NB_LEVEL_PROGRESS)
		return;
	if (g.json_log) {
		/* RFC 3339, as logrus writes it: containerd's shim parses it. */
		char when[32];
		time_t now = time(NULL);
		json_t *o;

		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
		o = json_pack("{s:s, s:s, s:s}", "level", names[level], "msg", text, "time", when);
		char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;

		if (line)
			fprintf(g.log, "%s\n", line);
		free(line);
		json_decref(o);
	} else {
		fprintf(g.log, "%s: %s\n", names[level], text);
	}
	fflush(g.log);
}

/* --- the state directory ------------------------------------------------- */

/* $XDG_RUNTIME_DIR where it is a directory of ours; else root's /run or,
 * for a user, /tmp/nestbox-oci-UID (checked to be private when made). */
static char *default_root(void)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (rt && rt[0] == '/' && stat(rt, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid())
		return nb_xasprintf("%s/nestbox-oci", rt);
	if (getuid() == 0)
		return nb_xstrdup("/run/nestbox-oci");
	return nb_xasprintf("/tmp/nestbox-oci-%u", (unsigned)getuid());
}

/* The state directory, made if missing; one in a shared place could have
 * been made by another user first. */
/* Another user's state directory, or one others may write to, would let
 * them plant a record that names a process for us to signal: the default
 * must be private, a --root (podman's, Slurm's) at least the caller's. */
static int check_root(struct nb_err *err)
{
	struct stat st;

	if (lstat(g.root, &st) < 0)
		return errno == ENOENT ? 0 : nb_fail(err, errno, "the state directory %s", g.root);
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (g.default_root ? 077 : 022)))
		return nb_fail_hint(err, EPERM, "remove it, or give --root a directory of yours",
				    "the state directory %s is not a %sdirectory of yours", g.root,
				    g.default_root ? "private " : "");
	return 0;
}

static int root_dir(struct nb_err *err)
{
	/* Its parents too, as runc makes them: containerd's shim names
	 * /run/containerd/runc/NAMESPACE before anything made it. */
	for (char *p = strchr(g.root + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(g.root, 0711) < 0 && errno != EEXIST) {
			*p = '/';
			return nb_fail(err, errno, "cannot create the state directory %s", g.root);
		}
		*p = '/';
	}
	if (mkdir(g.root, 0700) < 0 && errno != EEXIST)
		return nb_fail(err, errno, "cannot create the state directory %s", g.root);
	return check_root(err);
}

/* runc's rule for an id: letters, digits and _ + - . only. */
static int check_id(const char *id, struct nb_err *err)
{
	if (!id || !*id || strlen(id) > 1024 || strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-.") != strlen(id) ||
	    strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return nb_fail(err, 0, "'%s' is not a container id (letters, digits, _ + - . only)", id ? id : "");
	return 0;
}

struct record {
	char *id, *dir, *bundle, *leaf, *created;
	pid_t pid;
	unsigned long long start;
	json_t *annotations;
	json_t *hooks;    /* the config's, for start and delete; or NULL */
};

static void record_release(struct record *r)
{
	free(r->id);
	free(r->dir);
	free(r->bundle);
	free(r->leaf);
	free(r->created);
	json_decref(r->annotations);
	json_decref(r->hooks);
	memset(r, 0, sizeof *r);
}

static int load(const char *id, struct record *r, struct nb_err *err)
{
	_cleanup_free_ char *data = NULL, *path = NULL;
	json_t *o;
	size_t len;

	memset(r, 0, sizeof *r);
	TRY(check_id(id, err));
	TRY(check_root(err));
	r->id = nb_xstrdup(id);
	r->dir = nb_xasprintf("%s/%s", g.root, id);
	path = nb_xasprintf("%s/state.json", r->dir);
	if (nb_read_file_regular(path, 1 << 20, &data, &len, err) < 0)
		return errno == ENOENT ? nb_fail(err, ENOENT, "container %s does not exist", id) : -1;
	o = json_loadb(data, len, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return nb_fail(err, 0, "%s: not a state record of nestbox oci", path);
	}
	r->pid = (pid_t)json_integer_value(json_object_get(o, "pid"));
	r->start = (unsigned long long)json_integer_value(json_object_get(o, "start"));
	r->bundle = nb_xstrdup(json_string_value(json_object_get(o, "bundle")) ?: "");
	r->created = nb_xstrdup(json_string_value(json_object_get(o, "created")) ?: "");
	if (json_string_value(json_object_get(o, "leaf")))
		r->leaf = nb_xstrdup(json_string_value(json_object_get(o, "leaf")));
	if (json_is_object(json_object_get(o, "annotations")))
		r->annotations = json_incref(json_object_get(o, "annotations"));
	if (json_is_object(json_object_get(o, "hooks")))
		r->hooks = json_incref(json_object_get(o, "hooks"));
	json_decref(o);
	return 0;
}

static int save(const struct record *r, struct nb_err *err)
{
	json_t *o = json_pack("{s:s, s:I, s:I, s:s, s:s, s:O?}", "id", r->id, "pid", (json_int_t)r->pid, "start",
			      (json_int_t)r->start, "bundle", r->bundle, "created", r->created, "annotations", r->annotations);
	char *data;
	int rc;

	if (r->leaf)
		json_object_set_new(o, "leaf", json_string(r->leaf));
	if (r->hooks)
		json_object_set(o, "hooks", r->hooks);
	data = json_dumps(o, JSON_COMPACT);
	rc = nb_write_atomic(r->dir, "state.json", data, strlen(data), err);
	free(data);
	json_decref(o);
	return rc;
}

static bool alive(const struct record *r)
{
	return r->pid > 0 && nb_proc_same(r->pid, r->start);
}

static const char *status_of(const struct record *r)
{
	_cleanup_free_ char *fifo = nb_xasprintf("%s/start", r->dir);

	if (!alive(r))
		return "stopped";
	return access(fifo, F_OK) == 0 ? "created" : "running";
}

static void remove_dir(const struct record *r)
{
	const char *files[] = { "state.json", "start" };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *p = nb_xasprintf("%s/%s", r->dir, files[i]);
		unlink(p);
	}
	rmdir(r->dir);
}

/* --- the commands ------------------------------------------------------------ */

/* runc's own flag parsing is lenient about order: flags before the id. */
struct flags {
	const char *bundle, *pid_file, *console_socket, *process, *format, *cwd, *user;
	char **env;
	size_t n_env;
	unsigned preserve_fds;
	bool force, all, detach, rootless, tty;
	int n_args;
	char **args;
};

static int parse_flags(int argc, char **argv, struct flags *f, struct nb_err *err)
{
	static const char *const with_value[] = { "bundle", "b", "pid-file", "console-socket", "preserve-fds", "process",
						  "p", "format", "f", "cwd", "env", "e", "user", "u", NULL };
	int i = 1;

	memset(f, 0, sizeof *f);
	f->bundle = ".";
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i] + (argv[i][1] == '-' ? 2 : 1), *eq = strchr(a, '='), *v = NULL;
		_cleanup_free_ char *name = eq ? nb_xstrndup(a, (size_t)(eq - a)) : nb_xstrdup(a);
		bool takes = false;

		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		for (size_t k = 0; with_value[k]; k++)
			takes |= strcmp(name, with_value[k]) == 0;
		if (takes) {
			v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
			if (!v)
				return nb_fail(err, 0, "%s: --%s needs a value", argv[0], name);
		}
		if (!strcmp(name, "bundle") || !strcmp(name, "b"))
			f->bundle = v;
		else if (!strcmp(name, "pid-file"))
			f->pid_file = v;
		else if (!strcmp(name, "console-socket"))
			f->console_socket = v;
		else if (!strcmp(name, "process") || !strcmp(name, "p"))
			f->process = v;
		else if (!strcmp(name, "format") || !strcmp(name, "f"))
			f->format = v;
		else if (!strcmp(name, "preserve-fds")) {
			uint32_t n;
			if (nb_parse_u32(v, 1024, &n) < 0)
				return nb_fail(err, 0, "%s: --preserve-fds: '%s' is not a count", argv[0], v);
			f->preserve_fds = n;
		} else if (!strcmp(name, "force"))
			f->force = true;
		else if (!strcmp(name, "all") || !strcmp(name, "a"))
			f->all = true;
		else if (!strcmp(name, "detach") || !strcmp(name, "d"))
			f->detach = true;
		else if (!strcmp(name, "rootless"))
			f->rootless = true;
		else if (!strcmp(name, "tty") || !strcmp(name, "t"))
			f->tty = true;
		else if (!strcmp(name, "cwd"))
			f->cwd = v;
		else if (!strcmp(name, "user") || !strcmp(name, "u"))
			f->user = v;
		else if (!strcmp(name, "env") || !strcmp(name, "e"))
			nb_strv_push(&f->env, &f->n_env, nb_xstrdup(v));
		else if (!strcmp(name, "no-pivot") || !strcmp(name, "no-new-keyring") || !strcmp(name, "no-subreaper"))
			; /* nestbox always pivots; no keyrings; a subreaper only where needed */
		else if (!takes)
			return nb_fail(err, 0, "%s: unknown flag '%s'", argv[0], argv[i]);
	}
	f->args = argv + i;
	f->n_args = argc - i;
	return 0;
}

static int need_id(const struct flags *f, const char *cmd, struct nb_err *err)
{
	if (f->n_args < 1)
		return nb_fail_hint(err, 0, "nestbox oci --help lists the commands and their arguments",
				    "%s: a container id is needed", cmd);
	return check_id(f->args[0], err);
}

/* The OCI state of r, as state prints it and hooks read it. */
static char *state_json(const struct record *r, const char *status, int flags)
{
	/* "o" takes the reference: a new object, or one more of the record's. */
	json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:o}", "ociVersion", OCI_VERSION, "id", r->id, "status",
			      status, "pid", (json_int_t)(strcmp(status, "stopped") ? r->pid : 0), "bundle", r->bundle,
			      "created", r->created ? r->created : "",
			      "annotations", r->annotations ? json_incref(r->annotations) : json_object());
	char *out = json_dumps(o, flags);

	json_decref(o);
	return out;
}

/* Runs r's hooks of one kind, with the state as it is at that point. */
static int hooks(const struct record *r, const char *kind, const char *status, struct nb_err *err)
{
	_cleanup_free_ char *st = NULL;

	if (!json_array_size(json_object_get(r->hooks, kind)))
		return 0;
	st = state_json(r, status, JSON_COMPACT);
	return nb_oci_hooks_run(r->hooks, kind, st, r->pid, r->start, err);
}

/* poststart and poststop: a failure is a warning, the container's life
 * goes on (runtime-spec). */
static void hooks_warn(const struct record *r, const char *kind, const char *status)
{
	struct nb_err e = { 0 };

	if (hooks(r, kind, status, &e) < 0)
		nb_warn_err(NULL, &e);
}

static int signal_record(const struct record *r, int sig, bool all, struct nb_err *err)
{
	_cleanup_close_ int pidfd = nb_pidfd_same(r->pid, r->start);

	if (pidfd < 0)
		return nb_fail(err, 0, "container %s is not running", r->id);
	/* --all: every process of the leaf, else init passes it on (with a
	 * PID namespace, init's death takes the rest). */
	if (all && sig == SIGKILL && r->leaf) {
		_cleanup_free_ char *k = nb_xasprintf("%s/cgroup.kill", r->leaf);
		struct nb_err ignore;

		if (nb_write_file(k, "1", &ignore) == 0)
			return 0;
	}
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
		return nb_fail(err, errno, "cannot signal container %s", r->id);
	return 0;
}

/* Waits up to ms for the container's process to end. */
static bool wait_gone(const struct record *r, int ms)
{
	_cleanup_close_ int pidfd = nb_pidfd_same(r->pid, r->start);

	return pidfd < 0 || poll(&(struct pollfd){ pidfd, POLLIN, 0 }, 1, ms) == 1;
}

/* prestart (deprecated, runc still runs it here), createRuntime, then
 * createContainer: the container made, not yet started. */
static int create_hooks(const struct record *r, struct nb_err *err)
{
	TRY(hooks(r, "prestart", "creating", err));
	TRY(hooks(r, "createRuntime", "creating", err));
	return hooks(r, "createContainer", "creating", err);
}

/* create, and run's first half: the sandbox made and waiting for start. */
static int create(const struct flags *f, const char *id, bool detach, struct record *r, struct nb_err *err)
{
	_cleanup_free_ char *fifo = NULL;
	struct nb_oci_config c;
	struct nb_detached out = { 0 };
	struct nb_spec s;
	int rc = -1;

	memset(r, 0, sizeof *r);
	r->id = nb_xstrdup(id);
	r->dir = nb_xasprintf("%s/%s", g.root, id);
	TRY(root_dir(err));
	if (mkdir(r->dir, 0700) < 0)
		return nb_fail(err, errno, errno == EEXIST ? "container %s exists already" : "cannot create %s", errno == EEXIST ? id : r->dir);
	fifo = nb_xasprintf("%s/start", r->dir);
	nb_spec_init(&s);
	if (mkfifo(fifo, 0600) < 0 || (s.life.start_fd = open(fifo, O_RDWR | O_CLOEXEC)) < 0) {
		nb_fail(err, errno, "cannot create %s", fifo);
		goto out;
	}
	if (nb_oci_config_load(f->bundle, &s, &c, err) < 0)
		goto out_config;
	/* A terminal of the sandbox's own, its master handed to the
	 * caller's --console-socket (conmon's). */
	if (c.terminal) {
		if (!f->console_socket) {
			nb_fail_hint(err, 0, "give --console-socket, as conmon does", "process.terminal: no --console-socket to pass the terminal to");
			goto out_config;
		}
		s.proc.tty = NB_TTY_ALWAYS;
		s.proc.console_socket = nb_abs_src(f->console_socket);
	}
	for (unsigned k = 0; k < f->preserve_fds; k++) {
		char n[16];
		snprintf(n, sizeof n, "%u", 3 + k);
		if (nb_set_pass_fd(&s, n, err) < 0)
			goto out_config;
	}
	/* Inherited by the container's processes (sched.h). */
	if (s.proc.sched.oom_set && nb_sched_oom(s.proc.sched.oom_score_adj, err) < 0) {
		nb_oci_prefix(err, "process.oomScoreAdj");
		goto out_config;
	}
	s.life.detach = detach;
	s.life.detached = &out;
	s.life.pid_file = f->pid_file ? nb_abs_src(f->pid_file) : NULL;
	if (nb_spec_finish(&s, err) < 0 || nb_launch(&s, err) < 0)
		goto out_config;
	r->pid = out.pid;
	r->start = nb_proc_start(out.pid);
	r->leaf = out.leaf;
	r->bundle = nb_xstrdup(c.bundle);
	{
		char when[64];
		time_t now = time(NULL);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
		r->created = nb_xstrdup(when);
	}
	r->annotations = json_incref(c.annotations);
	r->hooks = json_incref(c.hooks);
	/* Saved first, so that a hook may ask for the state. */
	rc = save(r, err);
	if (rc == 0)
		rc = create_hooks(r, err);
out_config:
	nb_oci_config_release(&c);
out:
	if (s.life.start_fd >= 0)
		close(s.life.start_fd);
	s.life.start_fd = -1;
	nb_spec_release(&s);
	if (rc < 0) {
		if (r->pid > 0)
			kill(r->pid, SIGKILL);
		if (r->leaf) {
			wait_gone(r, 10000);
			rmdir(r->leaf);
		}
		remove_dir(r);
	}
	return rc;
}

static int cmd_create(const struct flags *f, struct nb_err *err)
{
	struct record r = { 0 };
	int rc;

	TRY(need_id(f, "create", err));
	rc = create(f, f->args[0], true, &r, err);
	record_release(&r);
	return rc;
}

static int start(const struct record *r, struct nb_err *err)
{
	_cleanup_free_ char *fifo = nb_xasprintf("%s/start", r->dir);
	_cleanup_close_ int fd = -1;

	if (!alive(r))
		return nb_fail(err, 0, "container %s is not running (status: stopped)", r->id);
	fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return nb_fail(err, errno == ENOENT ? 0 : errno, "container %s cannot be started: it is %s", r->id,
			       errno == ENOENT ? "running already" : "not waiting");
	/* A startContainer hook that fails stops the container. */
	if (hooks(r, "startContainer", "created", err) < 0) {
		signal_record(r, SIGKILL, true, &(struct nb_err){ 0 });
		return -1;
	}
	if (write(fd, "1", 1) != 1)
		return nb_fail(err, errno, "cannot start container %s", r->id);
	unlink(fifo);
	hooks_warn(r, "poststart", "running");
	return 0;
}

static int cmd_start(const struct flags *f, struct nb_err *err)
{
	struct record r = { 0 };
	int rc;

	TRY(need_id(f, "start", err));
	rc = load(f->args[0], &r, err) < 0 ? -1 : start(&r, err);
	record_release(&r);
	return rc;
}

static int cmd_state(const struct flags *f, struct nb_err *err)
{
	struct record r = { 0 };
	char *out;

	TRY(need_id(f, "state", err));
	if (load(f->args[0], &r, err) < 0) {
		record_release(&r);
		return -1;
	}
	out = state_json(&r, status_of(&r), JSON_INDENT(2));
	printf("%s\n", out);
	free(out);
	record_release(&r);
	return 0;
}

static int cmd_kill(const struct flags *f, struct nb_err *err)
{
	struct record r = { 0 };
	int sig = SIGTERM, rc;

	TRY(need_id(f, "kill", err));
	if (f->n_args > 1)
		TRY(nb_parse_signal(f->args[1], &sig, err));
	rc = load(f->args[0], &r, err) < 0 ? -1 : signal_record(&r, sig, f->all, err);
	record_release(&r);
	return rc;
}

static int delete(const struct record *r, bool force, struct nb_err *err)
{
	if (alive(r)) {
		if (!force && strcmp(status_of(r), "running") == 0)
			return nb_fail_hint(err, 0, "stop it first, or use delete --force", "container %s is running", r->id);
		signal_record(r, SIGKILL, true, err);
		if (!wait_gone(r, 10000))
			return nb_fail(err, 0, "container %s did not end after SIGKILL", r->id);
	}
	if (r->leaf)
		rmdir(r->leaf);
	remove_dir(r);
	hooks_warn(r, "poststop", "stopped");
	return 0;
}

static int cmd_delete(const struct flags *f, struct nb_err *err)
{
	struct record r = { 0 };
	int rc;

	TRY(need_id(f, "delete", err));
	if (load(f->args[0], &r, err) < 0) {
		record_release(&r);
		/* runc --force: a container that is gone already is no error. */
		return f->force && err->errnum == ENOENT ? 0 : -1;
	}
	rc = delete(&r, f->force, err);
	record_release(&r);
	return rc;
}

/* run: create, start, then wait as the sandbox's parent, passing signals
 * on; the state is removed at the end, and the exit status is the
 * container's. --detach returns after start. */
static int cmd_run(const struct flags *f, struct nb_err *err)
{
	struct record r = { 0 };
	sigset_t mask, old;
	int sfd, status = 0, rc;

	TRY(need_id(f, "run", err));
	sigemptyset(&mask);
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP && s != SIGCHLD && s != SIGSEGV && s != SIGBUS && s != SIGFPE && s != SIGILL)
			sigaddset(&mask, s);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);
	rc = create(f, f->args[0], true, &r, err);
	if (rc == 0)
		rc = start(&r, err);
	if (rc < 0 || f->detach) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (rc < 0 && r.pid > 0 && r.dir)
			delete(&r, true, &(struct nb_err){ 0 });
		record_release(&r);
		return rc;
	}
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	for (;;) {
		struct signalfd_siginfo si;

		if (waitpid(r.pid, &status, WNOHANG) == r.pid)
			break;
		if (sfd < 0 || read(sfd, &si, sizeof si) != sizeof si)
			continue;
		if (si.ssi_signo != SIGCHLD)
			kill(r.pid, (int)si.ssi_signo);
	}
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	delete(&r, true, &(struct nb_err){ 0 });
	record_release(&r);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static int cmd_list(const struct flags *f, struct nb_err *err)
{
	_cleanup_closedir_ DIR *d = opendir(g.root);
	json_t *all = json_array();
	struct dirent *e;
	bool json = f->format && strcmp(f->format, "json") == 0;

	if (check_root(err) < 0) {
		json_decref(all);
		return -1;
	}
	if (!json)
		printf("%-20s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
	while (d && (e = readdir(d))) {
		struct record r = { 0 };
		struct nb_err ignore;

		if (e->d_name[0] == '.' || load(e->d_name, &r, &ignore) < 0) {
			record_release(&r);
			continue;
		}
		if (json)
			json_array_append_new(all, json_pack("{s:s, s:I, s:s, s:s, s:s}", "id", r.id, "pid",
							     (json_int_t)(alive(&r) ? r.pid : 0), "status", status_of(&r),
							     "bundle", r.bundle, "created", r.created));
		else
			printf("%-20s %-8d %-10s %-40s %s\n", r.id, alive(&r) ? (int)r.pid : 0, status_of(&r), r.bundle,
			       r.created);
		record_release(&r);
	}
	if (json) {
		char *out = json_dumps(all, JSON_COMPACT);
		printf("%s\n", out);
		free(out);
	}
	json_decref(all);
	return 0;
}

/* The container's processes: its leaf's, else init and its descendants. */
static void descendants(pid_t pid, json_t *out, int depth)
{
	char path[64], buf[4096];
	struct nb_err ignore;
	char *save = NULL;

	json_array_append_new(out, json_integer(pid));
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
	if (depth > 64 || nb_read_small(path, buf, sizeof buf, &ignore) < 0)
		return;
	for (char *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
		descendants((pid_t)atoi(t), out, depth + 1);
}

static int cmd_ps(const struct flags *f, struct nb_err *err)
{
	struct record r = { 0 };
	json_t *pids = json_array();
	size_t i;

	TRY(need_id(f, "ps", err));
	if (load(f->args[0], &r, err) < 0) {
		record_release(&r);
		json_decref(pids);
		return -1;
	}
	if (alive(&r))
		descendants(r.pid, pids, 0);
	if (f->format && strcmp(f->format, "json") == 0) {
		char *out = json_dumps(pids, JSON_COMPACT);
		printf("%s\n", out);
		free(out);
	} else {
		printf("PID\n");
		for (i = 0; i < json_array_size(pids); i++)
			printf("%lld\n", (long long)json_integer_value(json_array_get(pids, i)));
	}
	json_decref(pids);
	record_release(&r);
	return 0;
}

static int cmd_features(const struct flags *f, struct nb_err *err)
{
	(void)f, (void)err;
	return nb_oci_features();
}

static int cmd_spec(const struct flags *f, struct nb_err *err)
{
	return nb_oci_spec_write(f->bundle, f->rootless, err);
}

static int cmd_exec(const struct flags *f, struct nb_err *err)
{
	struct nb_oci_exec x = { 0 };
	struct record r = { 0 };
	int rc;

	TRY(need_id(f, "exec", err));
	if (!f->process && f->n_args < 2)
		return nb_fail_hint(err, 0, "give --process FILE, or the command after the id", "exec: no process given");
	/* runc's --user UID[:GID], numeric as in a config. */
	if (f->user) {
		char *colon = strchr(f->user, ':');
		_cleanup_free_ char *u = colon ? nb_xstrndup(f->user, (size_t)(colon - f->user)) : nb_xstrdup(f->user);

		if (nb_parse_u32(u, UINT32_MAX - 1, &x.uid) < 0 || (colon && nb_parse_u32(colon + 1, UINT32_MAX - 1, &x.gid) < 0))
			return nb_fail(err, 0, "exec: --user '%s' is not UID[:GID] in numbers", f->user);
		x.user_set = true;
		x.gid_set = colon != NULL;
	}
	rc = load(f->args[0], &r, err);
	if (rc == 0 && strcmp(status_of(&r), "running") != 0)
		rc = nb_fail(err, 0, "exec: container %s is not running (status: %s)", r.id, status_of(&r));
	if (rc == 0) {
		x.bundle = r.bundle;
		x.process_file = f->process;
		x.pid_file = f->pid_file;
		x.console_socket = f->console_socket;
		x.cwd = f->cwd;
		x.args = f->process ? NULL : f->args + 1;
		x.env = f->env;
		x.n_env = f->n_env;
		x.tty = f->tty;
		x.detach = f->detach;
		x.pid = r.pid;
		x.start = r.start;
		rc = nb_oci_exec(&x, err);
	}
	record_release(&r);
	return rc;
}

static const struct {
	const char *name;
	int (*run)(const struct flags *f, struct nb_err *err);
	const char *help;
} commands[] = {
	{ "create", cmd_create, "create --bundle DIR [--pid-file F] [--preserve-fds N] ID: make it, waiting" },
	{ "start", cmd_start, "start ID: run its process" },
	{ "state", cmd_state, "state ID: its state, as JSON" },
	{ "kill", cmd_kill, "kill [--all] ID [SIGNAL]: signal it (TERM by default)" },
	{ "delete", cmd_delete, "delete [--force] ID: remove it (--force: kill it first)" },
	{ "run", cmd_run, "run --bundle DIR [--detach] [--pid-file F] ID: create, start and wait" },
	{ "list", cmd_list, "list [--format json]: the containers under --root" },
	{ "ps", cmd_ps, "ps [--format json] ID: its processes" },
	{ "exec", cmd_exec, "exec [--process FILE | ID CMD...] [--detach] [--pid-file F] [--console-socket S] [--tty] [--cwd D] [--env K=V] [--user UID[:GID]]: run a process in it" },
	{ "features", cmd_features, "features: what this runtime supports, as JSON" },
	{ "spec", cmd_spec, "spec [--rootless] [--bundle DIR]: write a default config.json" },
};

static void help(void)
{
	printf("Usage: nestbox oci [--root DIR] [--log FILE] [--log-format text|json] COMMAND [ARGS]\n\n"
	       "The OCI runtime command line (runc's), for podman, containerd and Slurm.\n"
	       "Also when nestbox is called as nestbox-oci. Commands:\n\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		printf("  %s\n", commands[i].help);
	printf("\nState: --root, by default $XDG_RUNTIME_DIR/nestbox-oci (/run/nestbox-oci for root).\n");
}

static int global_flag(const char *name, const char *value, struct nb_err *err)
{
	if (strcmp(name, "root") == 0) {
		free(g.root);
		g.root = nb_xstrdup(value);
	} else if (strcmp(name, "log") == 0) {
		g.log = value ? fopen(value, "ae") : NULL;
		if (!g.log)
			return nb_fail(err, errno, "--log %s", value);
	} else if (strcmp(name, "log-format") == 0) {
		if (!value || (strcmp(value, "json") != 0 && strcmp(value, "text") != 0))
			return nb_fail(err, 0, "--log-format: '%s' is neither text nor json", value);
		g.json_log = strcmp(value, "json") == 0;
	} else if (strcmp(name, "systemd-cgroup") == 0) {
		return nb_fail_hint(err, ENOTSUP, "drop --systemd-cgroup (podman: cgroup_manager = \"cgroupfs\")",
				    "--systemd-cgroup is not supported: nestbox makes its leaf in your delegated subtree");
	} else if (strcmp(name, "debug") != 0 && strcmp(name, "rootless") != 0) {
		return nb_fail(err, 0, "unknown global flag --%s", name);
	}
	return 0;
}

int nb_oci_main(int argc, char **argv, struct nb_err *err)
{
	_cleanup_free_ char *root = NULL;
	struct flags f;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i] + strspn(argv[i], "-"), *eq = strchr(a, '=');
		_cleanup_free_ char *name = eq ? nb_xstrndup(a, (size_t)(eq - a)) : nb_xstrdup(a);
		bool takes = !strcmp(name, "root") || !strcmp(name, "log") || !strcmp(name, "log-format");
		const char *v = eq ? eq + 1 : takes && i + 1 < argc ? argv[++i] : NULL;

		if (!strcmp(name, "help") || !strcmp(name, "h")) {
			help();
			return 0;
		}
		if (!strcmp(name, "version") || !strcmp(name, "v")) {
			printf("nestbox oci version %s\nspec: %s\n", NB_VERSION, OCI_VERSION);
			return 0;
		}
		if (takes && !v)
			return nb_fail(err, 0, "--%s needs a value", name);
		TRY(global_flag(name, v, err));
	}
	g.default_root = !g.root;
	root = g.root ? g.root : default_root();
	g.root = root;
	nb_report_set_handler(log_handler, NULL);
	if (i >= argc) {
		help();
		return nb_fail(err, 0, "no command given");
	}
	for (size_t k = 0; k < ARRAY_SIZE(commands); k++) {
		if (strcmp(argv[i], commands[k].name) != 0)
			continue;
		int rc;

		TRY(parse_flags(argc - i, argv + i, &f, err));
		rc = commands[k].run(&f, err);
		nb_strv_free(f.env);
		return rc;
	}
	return nb_fail_hint(err, 0, "nestbox oci --help lists them", "unknown command '%s'", argv[i]);
}
