/* cgroup.c: see cgroup.h. The steps are the kernel's rules for a
 * delegated subtree (Documentation/admin-guide/cgroup-v2.rst):
 *   1. the caller's own cgroup must be ours to write (delegated);
 *   2. the no-internal-process rule: it may hold no process once it
 *      enables controllers for children, so nestbox moves itself into a
 *      leaf beside the sandbox's first;
 *   3. enable the controllers the limits need, make <own>/nestbox-<pid>,
 *      write the limits there;
 *   4. start the child inside it (clone3 CLONE_INTO_CGROUP, in launch.c). */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

#define DELEGATE_HINT                                                                                  \
	"run nestbox in a delegated scope, e.g. 'systemd-run --user --scope -p Delegate=yes nestbox ...', " \
	"or ask an admin to install contrib/systemd/delegate.conf; or drop the limits (--cgroup=try runs without them); 'nestbox doctor' checks this machine"

static bool wants_leaf(const struct nb_limits *l)
{
	return l->mode == NB_CG_REQUIRE || l->mode == NB_CG_TRY || nb_spec_has_limits(l) || l->path;
}

/* The cgroup2 mount point, from mountinfo (also finds a hybrid host's
 * /sys/fs/cgroup/unified). */
static char *cgroup2_mount(void)
{
	_cleanup_fclose_ FILE *f = NULL;
	char line[4096], *found = NULL;
	struct statfs st;

	/* Pure cgroup v2, the usual case, needs no walk through mountinfo. */
	if (statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
		return nb_xstrdup("/sys/fs/cgroup");
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return NULL;
	while (!found && fgets(line, sizeof line, f)) {
		char *sep = strstr(line, " - cgroup2 ");
		char mnt[4096];

		if (sep && sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1)
			found = nb_xstrdup(mnt);
	}
	return found;
}

static int read_in(const char *dir, const char *file, char *buf, size_t len)
{
	_cleanup_free_ char *p = nb_xasprintf("%s/%s", dir, file);
	struct nb_err ignore;

	size_t n;

	if (nb_read_small(p, buf, len, &ignore) < 0)
		return -1;
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

static char *own_path(void)
{
	char buf[4096];
	const char *line = buf;

	/* One line on pure cgroup v2; a hybrid host lists its v1 ones too. */
	if (read_in("/proc/self", "cgroup", buf, sizeof buf) < 0)
		return NULL;
	while (line && strncmp(line, "0::", 3) != 0)
		if ((line = strchr(line, '\n')))
			line++;
	return line ? nb_xstrndup(line + 3, strcspn(line + 3, "\n")) : NULL;
}

static int write_in(const char *dir, const char *file, const char *value, struct nb_err *err)
{
	_cleanup_free_ char *p = nb_xasprintf("%s/%s", dir, file);
	return nb_write_file(p, value, err);
}

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}

/* Whether the leaf holds no process, as its cgroup.events says. */
static bool leaf_empty(const char *leaf)
{
	char ev[256];
	return read_in(leaf, "cgroup.events", ev, sizeof ev) == 0 && strstr(ev, "populated 0");
}

/* Leaves of runs whose supervisor died (SIGKILL) stay behind; remove the
 * empty ones whose pid is gone. */
static void remove_stale(const char *own)
{
	_cleanup_closedir_ DIR *d = opendir(own);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		long pid;
		char *end;

		if (strncmp(e->d_name, "nestbox-", 8) != 0)
			continue;
		pid = strtol(e->d_name + 8, &end, 10);
		if (*end || !nb_pid_gone(pid))
			continue;
		path = nb_xasprintf("%s/%s", own, e->d_name);
		if (leaf_empty(path))
			rmdir(path);
	}
}

static void fmt_size(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (v >= 1024 && v % 1024 == 0 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)v, units[u]);
}

static int write_limits(const struct nb_limits *l, int dfd, const char *leaf, struct nb_err *err)
{
	char v[64];

	if (l->mem_max) {
		snprintf(v, sizeof v, "%llu", (unsigned long long)l->mem_max);
		TRY(nb_write_at(dfd, leaf, "memory.max", v, err));
	}
	if (l->mem_high) {
		snprintf(v, sizeof v, "%llu", (unsigned long long)l->mem_high);
		TRY(nb_write_at(dfd, leaf, "memory.high", v, err));
	}
	if (l->mem_swap_set) {
		snprintf(v, sizeof v, "%llu", (unsigned long long)l->mem_swap);
		TRY(nb_write_at(dfd, leaf, "memory.swap.max", v, err));
	}
	if (l->pids_max) {
		snprintf(v, sizeof v, "%u", l->pids_max);
		TRY(nb_write_at(dfd, leaf, "pids.max", v, err));
	}
	if (l->cpu_quota) {
		snprintf(v, sizeof v, "%u 100000", l->cpu_quota);
		TRY(nb_write_at(dfd, leaf, "cpu.max", v, err));
	}
	if (l->cpu_weight) {
		snprintf(v, sizeof v, "%u", l->cpu_weight);
		TRY(nb_write_at(dfd, leaf, "cpu.weight", v, err));
	}
	for (size_t i = 0; i < l->n_io_max; i++)
		TRY(nb_write_at(dfd, leaf, "io.max", l->io_max[i], err));
	for (size_t i = 0; i < l->n_files; i++) {
		const char *eq = strchr(l->files[i], '=');
		_cleanup_free_ char *name = nb_xstrndup(l->files[i], (size_t)(eq - l->files[i]));

		TRY(nb_write_at(dfd, leaf, name, eq + 1, err));
	}
	return 0;
}

/* Which controllers the limits need, as "+memory +pids ...": those of
 * the named limits, and each file's prefix ("cpuset" of cpuset.cpus);
 * *missing is the first that avail lacks. */
static void needed(const struct nb_limits *l, char *buf, size_t len, const char **missing, const char *avail)
{
	static char miss[32];
	const char *fixed[] = { l->mem_max || l->mem_high || l->mem_swap_set ? "memory" : NULL,
				l->pids_max ? "pids" : NULL, l->cpu_quota || l->cpu_weight ? "cpu" : NULL,
				l->n_io_max ? "io" : NULL };
	size_t n = 0;

	buf[0] = '\0';
	*missing = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(fixed) + l->n_files; i++) {
		char name[32];
		const char *f = i < ARRAY_SIZE(fixed) ? fixed[i] : l->files[i - ARRAY_SIZE(fixed)];

		if (!f)
			continue;
		snprintf(name, sizeof name, "+%.*s", (int)strcspn(f, ".="), f);
		/* cgroup.* files are the core's, not a controller's. */
		if (strcmp(name, "+cgroup") == 0 || has_word(buf, name) || n + strlen(name) + 2 >= len)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", name);
		if (!has_word(avail, name + 1) && !*missing) {
			snprintf(miss, sizeof miss, "%s", name + 1);
			*missing = miss;
		}
	}
}

/* Ours to manage: owned by us, with cgroup.procs and cgroup.subtree_control
 * writable (what systemd's Delegate=yes or an admin's chown gives). */
static bool delegated(const char *dir)
{
	_cleanup_free_ char *p = nb_xasprintf("%s/cgroup.subtree_control", dir),
			    *q = nb_xasprintf("%s/cgroup.procs", dir);
	struct stat st;

	return stat(dir, &st) == 0 && st.st_uid == getuid() && access(p, W_OK) == 0 && access(q, W_OK) == 0;
}

/* Whether every "+name" of ctl is in dir's cgroup.subtree_control already:
 * a write there takes the hierarchy's lock, a read does not. */
static bool enabled(const char *dir, const char *ctl)
{
	char have[256] = "", want[256];

	if (read_in(dir, "cgroup.subtree_control", have, sizeof have) < 0)
		return false;
	snprintf(want, sizeof want, "%s", ctl);
	for (char *t = strtok(want, " "); t; t = strtok(NULL, " "))
		if (!has_word(have, t[0] == '+' ? t + 1 : t))
			return false;
	return true;
}

/* Reads dir's cgroup.procs once: the first process other than nestbox
 * itself (or 0), and whether nestbox is in there. */
static long scan_procs(const char *dir, bool *self)
{
	char procs[4096] = "";
	long other = 0;

	*self = false;
	read_in(dir, "cgroup.procs", procs, sizeof procs);
	for (char *t = strtok(procs, "\n"); t; t = strtok(NULL, "\n")) {
		if (atol(t) == (long)getpid())
			*self = true;
		else if (!other)
			other = atol(t);
	}
	return other;
}

/* Where the leaf goes, as climb() decided it. */
struct site {
	size_t mnt_len; /* the cgroup2 mount's path, above which nestbox never climbs */
	bool self;      /* nestbox itself is in cg->own, and steps out first */
	bool enable;    /* ctl is not all in cg->own's subtree_control yet */
	char ctl[256];  /* "+memory +pids ...": what the limits need */
	char *from;     /* after a climb: the caller's cgroup, which others share */
	long other;     /* and one of those others */
};

static int not_delegated(const char *dir, struct nb_err *err)
{
	struct stat st = { 0 };

	stat(dir, &st);
	nb_fail(err, 0, "cannot enforce cgroup limits: your cgroup %s is not delegated to you (owner uid %u; cgroup.procs and cgroup.subtree_control must be yours)",
		dir, (unsigned)st.st_uid);
	return nb_hint(err, DELEGATE_HINT);
}

static int shared(const char *dir, long other, struct nb_err *err)
{
	return nb_fail_hint(err, 0, "start nestbox in a scope of its own: 'systemd-run --user --scope -p Delegate=yes nestbox ...'",
			    "cannot use %s for limits: other processes (pid %ld) are in it, and a cgroup with processes cannot give controllers to a child cgroup", dir, other);
}

/* Step 1: the caller's own cgroup, in a cgroup v2 that has the
 * controllers. */
static int find_own(const struct nb_limits *l, size_t *mnt_len, char **own_out, struct nb_err *err)
{
	_cleanup_free_ char *mnt = cgroup2_mount(), *rel = own_path(), *own = NULL;
	char avail[512] = "", ctl[256], root[512] = "";
	const char *missing;

	if (!mnt)
		return nb_fail_hint(err, 0, "boot with systemd.unified_cgroup_hierarchy=1 to get cgroup v2; or drop the limits; 'nestbox doctor' checks this machine",
				    "cannot enforce cgroup limits: this host has no cgroup v2 hierarchy (cgroup v1 only)");
	if (!rel)
		return nb_fail(err, 0, "cannot enforce cgroup limits: /proc/self/cgroup has no cgroup v2 line");
	own = nb_xasprintf("%s%s", mnt, strcmp(rel, "/") == 0 ? "" : rel);
	*mnt_len = strlen(mnt);
	/* A hybrid host keeps the controllers in v1: cgroup2 has none of them. */
	if (strcmp(mnt, "/sys/fs/cgroup") != 0) {
		read_in(own, "cgroup.controllers", avail, sizeof avail);
		needed(l, ctl, sizeof ctl, &missing, avail);
		if (missing && read_in(mnt, "cgroup.controllers", root, sizeof root) == 0 && !has_word(root, missing))
			return nb_fail_hint(err, 0, "boot with systemd.unified_cgroup_hierarchy=1 (pure cgroup v2), or drop the limits; 'nestbox doctor' checks this machine",
					    "cannot enforce the %s limit: this host's cgroups are hybrid; cgroup v2 (at %s) has only '%s', and nestbox does not use v1", missing, mnt, root);
	}
	*own_out = nb_steal(&own);
	return 0;
}

/* Step 2, the no-internal-process rule. Other processes in our own cgroup
 * (the shell) keep it from enabling controllers; its parent can serve when
 * it is delegated to us too. Processes in the parent are the kernel's to
 * refuse (EBUSY, in make_leaf), so a run does not read its cgroup.procs;
 * thorough (--dry-run, doctor) looks, as it writes nothing. The
 * controllers are read only when they are not enabled already. */
static int climb(const struct nb_limits *l, struct nb_cgroup *cg, struct site *s, bool thorough, struct nb_err *err)
{
	char avail[512] = "";
	const char *missing;
	long other = scan_procs(cg->own, &s->self);

	if (other) {
		char *slash = strrchr(cg->own, '/');
		_cleanup_free_ char *parent = slash ? nb_xstrndup(cg->own, (size_t)(slash - cg->own)) : NULL;
		bool ignore;

		if (!parent || strlen(parent) <= s->mnt_len || !delegated(parent) || (thorough && scan_procs(parent, &ignore)))
			return delegated(cg->own) ? shared(cg->own, other, err) : not_delegated(cg->own, err);
		s->from = cg->own;
		s->other = other;
		s->self = false; /* nestbox stays below, in from */
		cg->own = nb_steal(&parent);
	} else if (!delegated(cg->own)) {
		return not_delegated(cg->own, err);
	}
	needed(l, s->ctl, sizeof s->ctl, &missing, "");
	s->enable = s->ctl[0] && !enabled(cg->own, s->ctl);
	if (!s->enable && !thorough)
		return 0;
	read_in(cg->own, "cgroup.controllers", avail, sizeof avail);
	needed(l, s->ctl, sizeof s->ctl, &missing, avail);
	if (missing)
		return nb_fail_hint(err, 0, "an admin can delegate it: install contrib/systemd/delegate.conf as /etc/systemd/system/user@.service.d/delegate.conf (Delegate=cpu cpuset io memory pids)",
				    "cannot enforce the %s limit: the %s controller is not delegated to %s (it has: %s)", missing, missing, cg->own, avail[0] ? avail : "none");
	return 0;
}

/* The leaf made: it is ours to remove from now on; the descriptor clone3
 * puts the sandbox in with, and the limits through it. */
static int fill_leaf(const struct nb_limits *l, struct nb_cgroup *cg, struct nb_err *err)
{
	cg->active = true;
	cg->leaf_fd = open(cg->leaf, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cg->leaf_fd < 0)
		return nb_fail(err, errno, "cannot open %s", cg->leaf);
	return write_limits(l, cg->leaf_fd, cg->leaf, err);
}

/* Step 3: nestbox steps out into a shared supervisor leaf (after a climb
 * it is in the child cgroup it came from, and self is false), enables the
 * controllers, makes the sandbox's leaf and writes the limits. */
static int make_leaf(const struct nb_limits *l, struct nb_cgroup *cg, const struct site *s, struct nb_err *err)
{
	char pid[24];

	if (s->self) {
		_cleanup_free_ char *sup = nb_xasprintf("%s/nestbox-supervisors", cg->own);

		snprintf(pid, sizeof pid, "%d", (int)getpid());
		if (mkdir(sup, 0755) < 0 && errno != EEXIST)
			return nb_fail(err, errno, "cannot create %s", sup);
		TRY(write_in(sup, "cgroup.procs", pid, err));
	}
	if (s->enable && write_in(cg->own, "cgroup.subtree_control", s->ctl, err) < 0) {
		if (err->errnum == EBUSY && s->from)
			return shared(s->from, s->other, err);
		return nb_hint(err, "enabling '%s' failed; is a process still in %s?", s->ctl, cg->own);
	}
	cg->leaf = nb_xasprintf("%s/nestbox-%d", cg->own, (int)getpid());
	cg->tidy = true;
	if (mkdir(cg->leaf, 0755) < 0)
		return nb_fail(err, errno, "cannot create the sandbox's cgroup %s", cg->leaf);
	return fill_leaf(l, cg, err);
}

/* OCI's cgroupsPath: the leaf where the config puts it, each missing
 * cgroup on the way made and every one above the leaf given the
 * controllers. Only root may write outside its own delegated subtree;
 * anyone else meets EACCES there. */
static int prepare_at(const struct nb_limits *l, struct nb_cgroup *cg, struct nb_err *err)
{
	_cleanup_free_ char *mnt = cgroup2_mount(), *rel = own_path(), *path = NULL;
	char ctl[256];
	const char *missing;
	size_t base;

	if (!mnt || !rel)
		return nb_fail_hint(err, 0, "boot with systemd.unified_cgroup_hierarchy=1 to get cgroup v2",
				    "cannot make the cgroup %s: this host has no cgroup v2 hierarchy", l->path);
	path = l->path[0] == '/' ? nb_xasprintf("%s%s", mnt, l->path)
				 : nb_xasprintf("%s%s/%s", mnt, strcmp(rel, "/") == 0 ? "" : rel, l->path);
	needed(l, ctl, sizeof ctl, &missing, "");
	base = strlen(mnt);
	/* Each cgroup from the hierarchy's root down to the leaf's parent. */
	for (size_t end = base; end < strlen(path); end += strcspn(path + end + 1, "/") + 1) {
		_cleanup_free_ char *dir = nb_xstrndup(path, end);

		if (end > base && mkdir(dir, 0755) < 0 && errno != EEXIST)
			return nb_fail(err, errno, "cannot make the cgroup %s", dir);
		if (ctl[0] && !enabled(dir, ctl) && write_in(dir, "cgroup.subtree_control", ctl, err) < 0)
			return -1;
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return nb_fail(err, errno, "cannot make the cgroup %s", path);
	cg->own = nb_xstrndup(path, (size_t)(strrchr(path, '/') - path));
	cg->leaf = nb_steal_ptr(&path);
	return fill_leaf(l, cg, err);
}

static int prepare(const struct nb_limits *l, struct nb_cgroup *cg, struct nb_err *err)
{
	struct site s = { 0 };
	int rc;

	if (l->path)
		return prepare_at(l, cg, err);
	if (find_own(l, &s.mnt_len, &cg->own, err) < 0 || !cg->own)
		return -1;
	rc = climb(l, cg, &s, false, err);
	if (rc == 0)
		rc = make_leaf(l, cg, &s, err);
	free(s.from);
	return rc;
}

/* "4294967296 bytes (4 GiB)": the number written, and what a human reads. */
static void say_bytes(const char *file, uint64_t v)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	uint64_t h = v;
	int u = -1;

	while (h >= 1024 && h % 1024 == 0 && u < 3) {
		h /= 1024;
		u++;
	}
	if (u < 0)
		nb_verbose("%s = %llu bytes", file, (unsigned long long)v);
	else
		nb_verbose("%s = %llu bytes (%llu %s)", file, (unsigned long long)v, (unsigned long long)h, units[u]);
}

/* --verbose: the limits as nestbox understood them, before any is written. */
static void describe(const struct nb_limits *l)
{
	if (l->mem_max)
		say_bytes("memory.max", l->mem_max);
	if (l->mem_high)
		say_bytes("memory.high", l->mem_high);
	if (l->mem_swap_set)
		say_bytes("memory.swap.max", l->mem_swap);
	if (l->pids_max)
		nb_verbose("pids.max = %u", l->pids_max);
	if (l->cpu_quota)
		nb_verbose("cpu.max = %u 100000 (%u.%02u CPUs%s)", l->cpu_quota, l->cpu_quota / 100000,
			   l->cpu_quota % 100000 / 1000,
			   (long)l->cpu_quota > sysconf(_SC_NPROCESSORS_ONLN) * 100000L ? ", more than this machine has: not binding" : "");
	if (l->cpu_weight)
		nb_verbose("cpu.weight = %u", l->cpu_weight);
	for (size_t i = 0; i < l->n_io_max; i++)
		nb_verbose("io.max = %s", l->io_max[i]);
	for (size_t i = 0; i < l->n_files; i++)
		nb_verbose("%.*s = %s", (int)strcspn(l->files[i], "="), l->files[i], strchr(l->files[i], '=') + 1);
}

int nb_cgroup_prepare(const struct nb_limits *l, struct nb_cgroup *cg, struct nb_err *err)
{
	if (nb_report_verbose())
		describe(l);
	if (l->mode == NB_CG_OFF || !wants_leaf(l))
		return 0;
	if (prepare(l, cg, err) == 0)
		return 0;
	if (l->mode != NB_CG_TRY)
		return -1;
	nb_warn_err(nb_spec_has_limits(l) ? "--cgroup=try: running without a cgroup leaf, so without the limits"
					  : "--cgroup=try: running without a cgroup leaf",
		    err);
	nb_cgroup_release(cg);
	return 0;
}

int nb_cgroup_check(const struct nb_limits *l, char **where, struct nb_err *err)
{
	struct nb_cgroup cg = NB_CGROUP_INIT;
	struct site s = { 0 };
	int rc = 0;

	*where = NULL;
	if (l->mode == NB_CG_OFF || !wants_leaf(l))
		return 0;
	if (find_own(l, &s.mnt_len, &cg.own, err) < 0 || !cg.own || climb(l, &cg, &s, true, err) < 0)
		rc = -1;
	else
		*where = nb_steal(&cg.own);
	free(s.from);
	free(cg.own);
	return rc;
}

void nb_cgroup_tidy(const struct nb_cgroup *cg)
{
	if (cg->active && cg->tidy)
		remove_stale(cg->own);
}

int nb_cgroup_enter(const struct nb_cgroup *cg, pid_t pid, struct nb_err *err)
{
	char v[24];

	snprintf(v, sizeof v, "%d", (int)pid);
	return write_in(cg->leaf, "cgroup.procs", v, err);
}

int nb_cgroup_kill_fd(const struct nb_cgroup *cg)
{
	_cleanup_free_ char *p = nb_xasprintf("%s/cgroup.kill", cg->leaf);
	return open(p, O_WRONLY | O_CLOEXEC);
}

static unsigned long long stat_value(const char *dir, const char *file, const char *key)
{
	char buf[2048];
	char *p;

	if (read_in(dir, file, buf, sizeof buf) < 0)
		return 0;
	if (!key)
		return strtoull(buf, NULL, 10);
	for (p = strstr(buf, key); p; p = strstr(p + 1, key))
		if ((p == buf || p[-1] == '\n') && p[strlen(key)] == ' ')
			return strtoull(p + strlen(key) + 1, NULL, 10);
	return 0;
}

/* Waits until the leaf holds no process (rmdir needs that): the kernel
 * signals each change of cgroup.events to poll() as POLLPRI. */
static void wait_empty(const char *leaf)
{
	_cleanup_free_ char *p = nb_xasprintf("%s/cgroup.events", leaf);
	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);

	for (int i = 0; fd >= 0 && i < 100; i++) {
		char ev[256];
		ssize_t n = pread(fd, ev, sizeof ev - 1, 0);

		if (n <= 0)
			return;
		ev[n] = '\0';
		if (strstr(ev, "populated 0"))
			return;
		if (poll(&(struct pollfd){ fd, POLLPRI, 0 }, 1, 20) < 0 && errno != EINTR)
			return;
	}
}

void nb_cgroup_finish(const struct nb_limits *l, struct nb_cgroup *cg, int exit_code, bool want_stats,
		      struct nb_cgroup_stats *st)
{
	struct nb_err ignore;
	char buf[64];

	memset(st, 0, sizeof *st);
	if (!cg->active)
		return;
	/* Usually init's exit ended the PID namespace and emptied the leaf,
	 * and no stats are wanted: then the leaf just goes. */
	if (!want_stats && exit_code != 128 + SIGKILL && rmdir(cg->leaf) == 0) {
		cg->active = false;
		return;
	}
	/* Kill whatever the payload left, then wait for the leaf to empty. */
	if (!leaf_empty(cg->leaf)) {
		if (write_in(cg->leaf, "cgroup.kill", "1", &ignore) < 0) {
			char procs[4096];
			if (read_in(cg->leaf, "cgroup.procs", procs, sizeof procs) == 0)
				for (char *t = strtok(procs, "\n"); t; t = strtok(NULL, "\n"))
					kill((pid_t)atoi(t), SIGKILL);
		}
		wait_empty(cg->leaf);
	}
	/* memory.events only after a SIGKILL, the other files only when the
	 * stats are asked for: each read is a cost on every run. */
	if (exit_code == 128 + SIGKILL || want_stats)
		st->oom_kills = stat_value(cg->leaf, "memory.events", "oom_kill");
	if (st->oom_kills && exit_code == 128 + SIGKILL) {
		fmt_size(l->mem_max, buf, sizeof buf);
		nb_note("the sandbox was killed by the OOM killer at memory.max=%s", l->mem_max ? buf : "max");
	}
	if (want_stats) {
		st->have = true;
		st->memory_peak = stat_value(cg->leaf, "memory.peak", NULL);
		st->cpu_user_usec = stat_value(cg->leaf, "cpu.stat", "user_usec");
		st->cpu_system_usec = stat_value(cg->leaf, "cpu.stat", "system_usec");
		st->cpu_periods = stat_value(cg->leaf, "cpu.stat", "nr_periods");
		st->cpu_throttled = stat_value(cg->leaf, "cpu.stat", "nr_throttled");
		st->pids_peak = stat_value(cg->leaf, "pids.peak", NULL);
	}
	if (rmdir(cg->leaf) == 0)
		cg->active = false;
}

void nb_cgroup_release(struct nb_cgroup *cg)
{
	struct nb_err ignore;

	/* On a failure: what the child left (without a PID namespace of its
	 * own, its children outlive it) is killed first, so that the leaf
	 * goes too. */
	if (cg->active && cg->leaf && rmdir(cg->leaf) < 0 && errno == EBUSY &&
	    write_in(cg->leaf, "cgroup.kill", "1", &ignore) == 0) {
		wait_empty(cg->leaf);
		rmdir(cg->leaf);
	}
	nb_closep(&cg->leaf_fd);
	free(cg->own);
	free(cg->leaf);
	cg->own = cg->leaf = NULL;
	cg->active = false;
}
