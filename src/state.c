/* state.c: see state.h. */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* Records are small; a bigger file is not one of ours. */
#define RECORD_MAX ((size_t)1 << 20)

/* A record: one line of compact JSON (no raw newline in it), then what
 * exec needs, as the bytes nb_state_exec_pack() made. */
static size_t json_part(const char *text, size_t len)
{
	const char *nl = memchr(text, '\n', len);

	return nl ? (size_t)(nl - text) : len;
}

const char *const nb_state_ns_names[NB_STATE_NS] = {
	[NB_STATE_USER] = "user", [NB_STATE_MNT] = "mnt", [NB_STATE_PID] = "pid",       [NB_STATE_NET] = "net",
	[NB_STATE_IPC] = "ipc",   [NB_STATE_UTS] = "uts", [NB_STATE_CGROUP] = "cgroup",
};

void nb_state_open_ns(pid_t child, unsigned fresh, int *fds)
{
	for (size_t k = 0; k < NB_STATE_NS; k++) {
		char theirs[64], ours[64];
		struct stat a, b;

		snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)child, nb_state_ns_names[k]);
		snprintf(ours, sizeof ours, "/proc/self/ns/%s", nb_state_ns_names[k]);
		fds[k] = -1;
		/* A stat of each costs about as much as the open (nsfs). */
		if (!(fresh & (1u << k)) && stat(theirs, &a) == 0 && stat(ours, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			continue;
		fds[k] = open(theirs, O_RDONLY | O_CLOEXEC);
	}
}

/* The start time of pid (0 if none) and its state letter. */
static unsigned long long proc_stat(pid_t pid, char *state)
{
	char buf[1024];
	const char *p = nb_proc_stat(pid, buf, sizeof buf);
	unsigned long long start = 0;

	if (!p || sscanf(p, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu", state,
			 &start) != 2)
		return 0;
	return start;
}

unsigned long long nb_proc_start(pid_t pid)
{
	char state;

	return proc_stat(pid, &state);
}

bool nb_proc_same(pid_t pid, unsigned long long start)
{
	char state = 0;

	/* A zombie has ended: its reaper may take its time (runc, too, calls
	 * a zombie's container stopped). */
	return start && proc_stat(pid, &state) == start && state != 'Z' && state != 'X';
}

int nb_pidfd_same(pid_t pid, unsigned long long start)
{
	int fd;

	if (pid <= 0 || !start)
		return -1;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	/* Checked after the pidfd exists: it then names that process for
	 * good, even if the pid is reused later. */
	if (fd >= 0 && !nb_proc_same(pid, start)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int private_dir(const char *path, struct nb_err *err)
{
	struct stat st;

	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return nb_fail(err, errno, "cannot create %s", path);
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077))
		return nb_fail_hint(err, EPERM, "remove it, or set XDG_RUNTIME_DIR to a directory of yours (see 'nestbox doctor')",
				    "%s is not a private directory of yours", path);
	return 0;
}

/* Our uid as the parent user namespace sees it: nestbox run under
 * 'unshare -r' is uid 0 here, and must not take /tmp/nestbox-0, which is
 * real root's. */
static unsigned host_uid(void)
{
	char map[4096], *save = NULL;
	unsigned uid = (unsigned)getuid();
	struct nb_err ignore;

	if (nb_read_small("/proc/self/uid_map", map, sizeof map, &ignore) < 0)
		return uid;
	for (char *l = strtok_r(map, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unsigned long in, out, count;

		if (sscanf(l, "%lu %lu %lu", &in, &out, &count) == 3 && uid >= in && uid - in < count)
			return (unsigned)(out + (uid - in));
	}
	return uid;
}

int nb_state_base(char **base, struct nb_err *err)
{
	static char *checked; /* one run asks for it several times */
	const char *rt = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (checked) {
		*base = nb_xstrdup(checked);
		return 0;
	}
	/* A runtime directory that is not there (a session without
	 * pam_systemd, su) is as good as none; one that is there but not
	 * private is an error below. */
	if (rt && (*rt != '/' || stat(rt, &st) < 0 || !S_ISDIR(st.st_mode)))
		rt = NULL;
	*base = rt ? nb_xasprintf("%s/nestbox", rt) : nb_xasprintf("/tmp/nestbox-%u", host_uid());
	if (private_dir(*base, err) < 0) {
		free(*base);
		*base = NULL;
		return -1;
	}
	checked = nb_xstrdup(*base);
	return 0;
}

int nb_state_dir(char **dir, struct nb_err *err)
{
	_cleanup_free_ char *base = NULL;

	TRY(nb_state_base(&base, err));
	*dir = nb_xasprintf("%s/sandboxes", base);
	if (private_dir(*dir, err) < 0) {
		free(*dir);
		*dir = NULL;
		return -1;
	}
	return 0;
}

/* A name link's target: the id, the supervisor's pid and start time, so
 * that a name left by a killed run is known to be free. */
static bool name_alive(int dir, const char *link, char *id_out)
{
	char target[128];
	unsigned long long start;
	ssize_t n = readlinkat(dir, link, target, sizeof target - 1);
	char id[NB_STATE_ID_LEN + 1];
	int pid;

	if (n <= 0)
		return false;
	target[n] = '\0';
	if (sscanf(target, "%12[0-9a-f].%d.%llu", id, &pid, &start) != 3)
		return false;
	if (id_out)
		memcpy(id_out, id, sizeof id);
	return nb_proc_same(pid, start);
}

static int hold_name(struct nb_state *s, struct nb_err *err)
{
	_cleanup_close_ int dir = open(s->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *link = nb_xasprintf("name.%s", s->name);
	_cleanup_free_ char *target = nb_xasprintf("%s.%d.%llu", s->id, (int)getpid(), nb_proc_start(getpid()));

	for (int tries = 0; tries < 3; tries++) {
		char other[NB_STATE_ID_LEN + 1] = "";

		if (symlinkat(target, dir, link) == 0) {
			s->name_held = true;
			return 0;
		}
		if (errno != EEXIST)
			return nb_fail(err, errno, "--name %s: cannot record the name in %s", s->name, s->dir);
		if (name_alive(dir, link, other)) {
			nb_fail(err, 0, "--name %s: a sandbox of that name runs already (id %s)", s->name, other);
			return nb_hint(err, "pick another name, or end that one: nestbox stop %s", s->name);
		}
		/* Its run is gone: the name is free. */
		unlinkat(dir, link, 0);
	}
	return nb_fail(err, EEXIST, "--name %s: the name keeps being taken", s->name);
}

int nb_state_reserve(struct nb_state *s, const char *name, struct nb_err *err)
{
	unsigned char r[NB_STATE_ID_LEN / 2];

	TRY(nb_state_dir(&s->dir, err));
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		return nb_fail(err, errno, "cannot make a sandbox id");
	for (size_t i = 0; i < sizeof r; i++)
		snprintf(s->id + 2 * i, 3, "%02x", r[i]);
	if (!name)
		return 0;
	s->name = nb_xstrdup(name);
	return hold_name(s, err);
}

static json_t *strv_json(char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *record_json(const struct nb_state_info *i)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_string(i->id));
	json_object_set_new(o, "name", i->name ? json_string(i->name) : json_null());
	json_object_set_new(o, "supervisor-pid", json_integer(i->supervisor));
	json_object_set_new(o, "supervisor-start", json_integer((json_int_t)i->supervisor_start));
	json_object_set_new(o, "init-pid", json_integer(i->init));
	json_object_set_new(o, "init-start", json_integer((json_int_t)i->init_start));
	json_object_set_new(o, "created", json_integer(i->created));
	json_object_set_new(o, "command", strv_json(i->command));
	json_object_set_new(o, "net", json_string(i->net ? i->net : "none"));
	json_object_set_new(o, "ports", strv_json(i->ports));
	json_object_set_new(o, "cgroup", i->cgroup ? json_string(i->cgroup) : json_null());
	json_object_set_new(o, "uid", json_integer(i->uid));
	json_object_set_new(o, "gid", json_integer(i->gid));
	json_object_set_new(o, "env-ops", strv_json(i->env_ops));
	json_object_set_new(o, "start-dir", i->start_dir ? json_string(i->start_dir) : json_null());
	json_object_set_new(o, "own-env", json_boolean(i->own_env));
	json_object_set_new(o, "die-with-parent", json_boolean(i->dies_with_supervisor));
	json_object_set_new(o, "landlock", json_integer(i->landlock));
	{
		json_t *ns = json_object();
		for (size_t k = 0; k < NB_STATE_NS; k++)
			json_object_set_new(ns, nb_state_ns_names[k], json_integer(i->ns_fds[k]));
		json_object_set_new(o, "ns-fds", ns);
	}
	return o;
}

int nb_state_publish(struct nb_state *s, const struct nb_state_info *info, const void *exec_data, size_t exec_len,
		     struct nb_err *err)
{
	json_t *o = record_json(info);
	_cleanup_free_ char *text = json_dumps(o, JSON_COMPACT), *rec = nb_xasprintf("%s.json", s->id);
	_cleanup_free_ char *buf = NULL;
	size_t tlen;

	json_decref(o);
	if (!text)
		return nb_fail(err, ENOMEM, "cannot write the sandbox's record");
	/* What exec needs travels in the record itself: one file, written at
	 * once, so that no half of a sandbox's state can be left alone. Raw:
	 * as a JSON string of hex, it cost a 15 KiB dump of every start. */
	tlen = strlen(text);
	buf = nb_xmalloc(tlen + 1 + exec_len);
	memcpy(buf, text, tlen);
	buf[tlen] = '\n';
	memcpy(buf + tlen + 1, exec_data, exec_len);
	s->published = true;
	return nb_write_atomic(s->dir, rec, buf, tlen + 1 + exec_len, err);
}

static void remove_record(const char *dir, const char *id)
{
	_cleanup_free_ char *rec = nb_xasprintf("%s/%s.json", dir, id);

	unlink(rec);
}

void nb_state_release(struct nb_state *s)
{
	if (s->published)
		remove_record(s->dir, s->id);
	if (s->name_held) {
		_cleanup_close_ int dir = open(s->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		_cleanup_free_ char *link = nb_xasprintf("name.%s", s->name);
		char id[NB_STATE_ID_LEN + 1] = "";

		/* Only our own: a later run may hold the name by now. */
		name_alive(dir, link, id);
		if (strcmp(id, s->id) == 0)
			unlinkat(dir, link, 0);
	}
	free(s->dir);
	free(s->name);
	*s = (struct nb_state)NB_STATE_INIT;
}

static char **json_strv(const json_t *a)
{
	size_t n = 0, i;
	char **v = NULL;
	json_t *e;

	nb_strv_push(&v, &n, NULL);
	n = 0;
	json_array_foreach(a, i, e)
		if (json_is_string(e))
			nb_strv_push(&v, &n, nb_xstrdup(json_string_value(e)));
	return v;
}

static char *json_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? nb_xstrdup(s) : NULL;
}

static int parse_record(const char *text, size_t len, struct nb_state_info *i)
{
	json_t *o = json_loadb(text, json_part(text, len), 0, NULL);
	const char *id;

	if (!json_is_object(o)) {
		json_decref(o);
		return -1;
	}
	id = json_string_value(json_object_get(o, "id"));
	memset(i, 0, sizeof *i);
	if (id && strlen(id) == NB_STATE_ID_LEN)
		memcpy(i->id, id, NB_STATE_ID_LEN + 1);
	i->name = json_str(o, "name");
	i->supervisor = (pid_t)json_integer_value(json_object_get(o, "supervisor-pid"));
	i->supervisor_start = (unsigned long long)json_integer_value(json_object_get(o, "supervisor-start"));
	i->init = (pid_t)json_integer_value(json_object_get(o, "init-pid"));
	i->init_start = (unsigned long long)json_integer_value(json_object_get(o, "init-start"));
	i->created = json_integer_value(json_object_get(o, "created"));
	i->command = json_strv(json_object_get(o, "command"));
	i->net = json_str(o, "net");
	i->ports = json_strv(json_object_get(o, "ports"));
	i->cgroup = json_str(o, "cgroup");
	i->uid = (uint32_t)json_integer_value(json_object_get(o, "uid"));
	i->gid = (uint32_t)json_integer_value(json_object_get(o, "gid"));
	i->env_ops = json_strv(json_object_get(o, "env-ops"));
	i->start_dir = json_str(o, "start-dir");
	i->own_env = json_is_true(json_object_get(o, "own-env"));
	i->dies_with_supervisor = json_is_true(json_object_get(o, "die-with-parent"));
	i->landlock = (int)json_integer_value(json_object_get(o, "landlock"));
	for (size_t k = 0; k < NB_STATE_NS; k++) {
		json_t *v = json_object_get(json_object_get(o, "ns-fds"), nb_state_ns_names[k]);
		i->ns_fds[k] = json_is_integer(v) ? (int)json_integer_value(v) : -1;
	}
	json_decref(o);
	return i->id[0] ? 0 : -1;
}

void nb_state_info_free(struct nb_state_info *i)
{
	free(i->name);
	nb_strv_free(i->command);
	free(i->net);
	nb_strv_free(i->ports);
	free(i->cgroup);
	nb_strv_free(i->env_ops);
	free(i->start_dir);
	memset(i, 0, sizeof *i);
}

void nb_state_list_free(struct nb_state_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		nb_state_info_free(&v[i]);
	free(v);
}

/* A sandbox runs while its supervisor does. Without --die-with-parent its
 * init may outlive a killed nestbox, and the sandbox runs on; with it, the
 * kernel is killing what is left, so it is gone already. */
static bool running(const struct nb_state_info *i)
{
	if (nb_proc_same(i->supervisor, i->supervisor_start))
		return true;
	return !i->dies_with_supervisor && nb_proc_same(i->init, i->init_start);
}

static int read_record(const char *dir, const char *file, struct nb_state_info *out)
{
	_cleanup_free_ char *path = nb_xasprintf("%s/%s", dir, file);
	_cleanup_free_ char *text = NULL;
	struct nb_err ignore;
	size_t len;

	if (nb_read_file_regular(path, RECORD_MAX, &text, &len, &ignore) < 0)
		return -1;
	return parse_record(text, len, out);
}

/* Names whose run died before it wrote a record, and records half
 * written by a run killed before its rename (".ID.json.PID.tmp"). */
static void remove_stale_names(const char *dir_path)
{
	_cleanup_closedir_ DIR *d = opendir(dir_path);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		const char *tmp = strstr(e->d_name, ".tmp");
		const char *dot = NULL;

		if (strncmp(e->d_name, "name.", 5) == 0 && !name_alive(dirfd(d), e->d_name, NULL))
			unlinkat(dirfd(d), e->d_name, 0);
		if (e->d_name[0] != '.' || !tmp || tmp[4] != '\0')
			continue;
		for (const char *c = e->d_name; c < tmp; c++)
			if (*c == '.')
				dot = c;
		if (dot && strtol(dot + 1, NULL, 10) > 0 && nb_pid_gone(strtol(dot + 1, NULL, 10)))
			unlinkat(dirfd(d), e->d_name, 0);
	}
}

int nb_state_list(bool want_gone, struct nb_state_info **out, size_t *n, struct nb_err *err)
{
	_cleanup_free_ char *dir = NULL;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	TRY(nb_state_dir(&dir, err));
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		struct nb_state_info i;

		if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".json") != 0 ||
		    read_record(dir, e->d_name, &i) < 0)
			continue;
		if (!running(&i)) {
			remove_record(dir, i.id);
			i.gone = true;
			if (!want_gone) {
				nb_state_info_free(&i);
				continue;
			}
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			*out = nb_xrealloc(*out, cap * sizeof **out);
		}
		(*out)[(*n)++] = i;
	}
	remove_stale_names(dir);
	return 0;
}

int nb_state_find(const char *what, struct nb_state_info *out, struct nb_err *err)
{
	struct nb_state_info *v;
	size_t n, hit = 0, hits = 0;

	TRY(nb_state_list(false, &v, &n, err));
	for (size_t i = 0; i < n; i++)
		if (v[i].name && strcmp(v[i].name, what) == 0) {
			hit = i, hits = 1;
			break;
		} else if (strncmp(v[i].id, what, strlen(what)) == 0 && *what) {
			hit = i, hits++;
		}
	if (hits == 1) {
		*out = v[hit];
		memset(&v[hit], 0, sizeof v[hit]);
	}
	nb_state_list_free(v, n);
	if (hits == 1)
		return 0;
	if (hits > 1)
		return nb_fail_hint(err, 0, "give more of the id, or the name ('nestbox ps' lists them)",
				    "'%s' is the start of more than one sandbox's id", what);
	return nb_fail_hint(err, 0, "'nestbox ps' lists your sandboxes", "no sandbox of yours is named '%s' or has that id", what);
}

int nb_state_exec_data(const struct nb_state_info *i, char **data, size_t *len, struct nb_err *err)
{
	_cleanup_free_ char *dir = NULL, *path = NULL, *text = NULL;
	size_t tlen, at;

	TRY(nb_state_dir(&dir, err));
	path = nb_xasprintf("%s/%s.json", dir, i->id);
	TRY(nb_read_file_regular(path, RECORD_MAX, &text, &tlen, err));
	at = json_part(text, tlen);
	if (at + 1 >= tlen)
		return nb_fail_hint(err, 0, "was it started by another version of nestbox? 'nestbox stop' ends it",
				    "the sandbox's record %s has no exec data", path);
	*len = tlen - at - 1;
	*data = nb_xmalloc(*len + 1);
	memcpy(*data, text + at + 1, *len);
	return 0;
}

static const char exec_magic[8] = "NBEXEC2";

void nb_state_exec_pack(const struct nb_capset *caps, const struct nb_tcp_rules *tcp, const struct nb_seccomp *f,
			char **data, size_t *len)
{
	_cleanup_free_ char *progs = NULL;
	size_t plen, at = 0;

	nb_seccomp_save(f, &progs, &plen);
	*len = sizeof exec_magic + sizeof *caps + sizeof *tcp + plen;
	*data = nb_xmalloc(*len);
	memcpy(*data + at, exec_magic, sizeof exec_magic);
	at += sizeof exec_magic;
	memcpy(*data + at, caps, sizeof *caps);
	at += sizeof *caps;
	memcpy(*data + at, tcp, sizeof *tcp);
	at += sizeof *tcp;
	memcpy(*data + at, progs, plen);
}

int nb_state_exec_unpack(const char *data, size_t len, struct nb_capset *caps, struct nb_tcp_rules *tcp,
			 struct nb_seccomp **f, struct nb_err *err)
{
	size_t head = sizeof exec_magic + sizeof *caps + sizeof *tcp, used;

	/* Written by this very version: another one's layout may differ. */
	if (len < head || memcmp(data, exec_magic, sizeof exec_magic) != 0)
		return nb_fail_hint(err, EINVAL, "was it started by another version of nestbox?",
				    "the sandbox's exec file is not one this nestbox can read");
	memcpy(caps, data + sizeof exec_magic, sizeof *caps);
	memcpy(tcp, data + sizeof exec_magic + sizeof *caps, sizeof *tcp);
	if (tcp->n_bind > NB_TCP_PORTS_MAX || tcp->n_connect > NB_TCP_PORTS_MAX)
		return nb_fail(err, EINVAL, "the sandbox's exec file is damaged");
	TRY(nb_seccomp_restore(data + head, len - head, f, &used, err));
	if (head + used != len) {
		nb_seccomp_free(*f);
		*f = NULL;
		return nb_fail(err, EINVAL, "the sandbox's exec file is damaged");
	}
	return 0;
}
