/* idmap.c: see idmap.h. */
#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "nss.h"
#include "subid.h"
#include "report.h"
#include "util.h"

extern char **environ;

static void map_push(struct nb_idmap *m, uint32_t in, uint32_t out, uint32_t count)
{
	m->lines = nb_xrealloc(m->lines, (m->n + 1) * sizeof *m->lines);
	m->lines[m->n++] = (struct nb_idrange){ in, out, count };
}

static int by_inside(const void *a, const void *b)
{
	const struct nb_idrange *x = a, *y = b;
	return x->inside < y->inside ? -1 : x->inside > y->inside;
}

/* With the usual 65536-id range, inside ids 0..65535 all exist (as with
 * podman's keep-id). */
void nb_idmap_auto(struct nb_idmap *m, uint32_t in_id, uint32_t own, const struct nb_subrange *r, size_t nr)
{
	uint64_t next = 0;

	map_push(m, in_id, own, 1);
	for (size_t i = 0; i < nr; i++) {
		uint64_t host = r[i].start, left = r[i].count;

		while (left > 0 && m->n < NB_MAX_MAP_LINES) {
			uint64_t chunk = left;

			if (next == in_id)
				next++;
			if (next < in_id && next + chunk > in_id)
				chunk = in_id - next;
			/* A range that holds the caller's own id would map it twice. */
			if (host <= own && own < host + chunk) {
				if (host == own) {
					host++, left--;
					continue;
				}
				chunk = own - host;
			}
			if (next + chunk >= UINT32_MAX)
				goto full;
			map_push(m, (uint32_t)next, (uint32_t)host, (uint32_t)chunk);
			next += chunk, host += chunk, left -= chunk;
		}
	}
full:
	/* The helpers take the lines in any order, but --verbose and the
	 * checks read them sorted, even when the id space ran out. */
	qsort(m->lines, m->n, sizeof *m->lines, by_inside);
}

static bool ranges_overlap(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
	return (uint64_t)a < (uint64_t)b + bn && (uint64_t)b < (uint64_t)a + an;
}

/* A custom map may use the caller's own id and the subordinate ranges,
 * nothing else; newuidmap would refuse too, but with a vaguer message. */
static int check_custom(const char *opt, const char *kind, const struct nb_idmap *m,
			uint32_t own, const struct nb_subrange *r, size_t nr, uint32_t in_id,
			struct nb_err *err)
{
	bool in_mapped = false;

	for (size_t i = 0; i < m->n; i++) {
		const struct nb_idrange *l = &m->lines[i];
		bool covered = l->outside == own && l->count == 1;

		for (size_t k = 0; k < nr && !covered; k++)
			covered = l->outside >= r[k].start &&
				  (uint64_t)l->outside + l->count <= (uint64_t)r[k].start + r[k].count;
		if (!covered) {
			nb_fail(err, 0, "%s %u:%u:%u: host %ss %u-%u are not yours", opt, l->inside, l->outside, l->count, kind, l->outside, l->outside + l->count - 1);
			return nb_hint(err, "use your own %s (%u) with count 1, or ids from your subordinate ranges (/etc/sub%s)", kind, own, kind);
		}
		for (size_t j = 0; j < i; j++) {
			const struct nb_idrange *o = &m->lines[j];
			if (ranges_overlap(l->inside, l->count, o->inside, o->count) ||
			    ranges_overlap(l->outside, l->count, o->outside, o->count))
				return nb_fail(err, 0, "%s %u:%u:%u overlaps %u:%u:%u", opt, l->inside,
					       l->outside, l->count, o->inside, o->outside, o->count);
		}
		in_mapped |= in_id >= l->inside && (uint64_t)in_id < (uint64_t)l->inside + l->count;
	}
	if (!in_mapped) {
		nb_fail(err, 0, "%s does not map the inside %s %u", opt, kind, in_id);
		return nb_hint(err, "add a line that maps it, or choose another with --%s", kind);
	}
	return 0;
}

static void copy_custom(struct nb_idmap *m, const struct nb_idrange *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		map_push(m, v[i].inside, v[i].outside, v[i].count);
}

/* Root of the host's own user namespace may write any map itself, and
 * needs no /etc/subuid line: without one, the sandbox sees the host's ids
 * one to one, as bubblewrap and rootful podman run by root do. Its
 * capabilities still end at the user namespace; a range of root's own in
 * /etc/subuid is used instead when there is one. */
static bool real_root(const struct nb_idplan *plan)
{
	char map[128] = "";
	unsigned in, out, count;
	int end = 0;
	struct nb_err ignore;

	if (plan->host_uid != 0 || plan->host_gid != 0 || geteuid() != 0)
		return false;
	/* The initial user namespace's map is the whole id space, once. */
	if (nb_read_small("/proc/self/uid_map", map, sizeof map, &ignore) < 0 ||
	    sscanf(map, "%u %u %u %n", &in, &out, &count, &end) != 3)
		return false;
	return in == 0 && out == 0 && count == UINT32_MAX && map[end] == '\0';
}

static void plan_host_ids(struct nb_idplan *plan)
{
	plan->helper = false;
	plan->host_ids = true;
	plan->uid.n = plan->gid.n = 0;
	map_push(&plan->uid, 0, 0, UINT32_MAX);
	map_push(&plan->gid, 0, 0, UINT32_MAX);
}

/* Root of the user namespace nestbox runs in (real root, or root of
 * rootless podman's) writes custom maps itself: the kernel checks that
 * every host id is mapped in that namespace, and so does this. */
static bool ns_root(void)
{
	return getuid() == 0 && geteuid() == 0;
}

static int check_in_ns(const char *opt, const char *file, const struct nb_idmap *m, struct nb_err *err)
{
	char buf[4096], *save = NULL;
	struct nb_err ignore;
	uint64_t covered;

	if (nb_read_small(file, buf, sizeof buf, &ignore) < 0)
		return 0;
	for (size_t i = 0; i < m->n; i++) {
		uint64_t a = m->lines[i].outside, b = a + m->lines[i].count;
		char copy[sizeof buf];

		/* Every id of [a, b) must lie in one of the namespace's ranges. */
		memcpy(copy, buf, sizeof buf);
		covered = 0;
		save = NULL;
		for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			unsigned long long in, out, n;

			if (sscanf(l, "%llu %llu %llu", &in, &out, &n) != 3)
				continue;
			if (a >= in && b <= in + n)
				covered = b - a;
		}
		if (covered != b - a)
			return nb_fail_hint(err, 0, "map only ids that exist where nestbox runs (see /proc/self/uid_map)",
					    "%s %u:%u:%u: host ids %llu-%llu are not in this user namespace", opt,
					    m->lines[i].inside, m->lines[i].outside, m->lines[i].count,
					    (unsigned long long)a, (unsigned long long)b - 1);
	}
	return 0;
}

static void plan_single(struct nb_idplan *plan)
{
	plan->helper = false;
	plan->uid.n = plan->gid.n = 0;
	map_push(&plan->uid, plan->in_uid, plan->host_uid, 1);
	map_push(&plan->gid, plan->in_gid, plan->host_gid, 1);
}

/* A custom map of just the caller's own uid and gid, each to the ids the
 * sandbox runs as: the single map, which the caller may write itself. A
 * rootless OCI config (runc spec --rootless, Slurm's) gives one; the two
 * setuid helpers would write the same, setgroups denied included. */
static bool own_only(const struct nb_identity *id, const struct nb_idplan *plan)
{
	return id->n_uid_map == 1 && id->n_gid_map == 1 && id->uid_map[0].count == 1 && id->gid_map[0].count == 1 &&
	       id->uid_map[0].outside == plan->host_uid && id->gid_map[0].outside == plan->host_gid &&
	       id->uid_map[0].inside == plan->in_uid && id->gid_map[0].inside == plan->in_gid;
}

int nb_idmap_plan(const struct nb_identity *id, struct nb_idplan *plan, struct nb_err *err)
{
	_cleanup_free_ struct nb_subrange *ru = NULL, *rg = NULL;
	const char *su = NULL, *sg = NULL, *name;
	size_t nu, ng;
	bool mu, mg;

	plan->host_uid = (uint32_t)getuid();
	plan->host_gid = (uint32_t)getgid();
	plan->in_uid = id->uid;
	plan->in_gid = id->gid;
	plan->custom = id->n_uid_map || id->n_gid_map;
	plan->need_full = id->need_full_map;

	/* NSS may ask nscd, sssd or LDAP: only where the name is used. */
	plan->user_name = id->no_name && id->map_mode == NB_MAP_SINGLE ? NULL : nb_nss_user_name(plan->host_uid);
	name = plan->user_name;
	if (id->map_mode == NB_MAP_SINGLE || own_only(id, plan)) {
		plan->custom = false;
		plan_single(plan);
		return 0;
	}
	nu = nb_subid_ranges(NB_SUBUID, name, plan->host_uid, &ru, &su, &mu);
	ng = nb_subid_ranges(NB_SUBGID, name, plan->host_uid, &rg, &sg, &mg);
	if (mu || mg)
		nb_warn("%s lists overlapping or repeated ranges for %s; nestbox merged them (hint: an admin can remove the repeated lines)",
			mu ? su : sg, name ? name : "you");

	if (plan->custom && ns_root() && id->n_uid_map && id->n_gid_map) {
		copy_custom(&plan->uid, id->uid_map, id->n_uid_map);
		copy_custom(&plan->gid, id->gid_map, id->n_gid_map);
		TRY(check_in_ns("--uid-map", "/proc/self/uid_map", &plan->uid, err));
		TRY(check_in_ns("--gid-map", "/proc/self/gid_map", &plan->gid, err));
		plan->direct = true;
		return 0;
	}
	if (plan->custom) {
		if (id->n_uid_map)
			copy_custom(&plan->uid, id->uid_map, id->n_uid_map);
		else
			nb_idmap_auto(&plan->uid, plan->in_uid, plan->host_uid, ru, nu);
		if (id->n_gid_map)
			copy_custom(&plan->gid, id->gid_map, id->n_gid_map);
		else
			nb_idmap_auto(&plan->gid, plan->in_gid, plan->host_gid, rg, ng);
		TRY(check_custom("--uid-map", "uid", &plan->uid, plan->host_uid, ru, nu, plan->in_uid, err));
		TRY(check_custom("--gid-map", "gid", &plan->gid, plan->host_gid, rg, ng, plan->in_gid, err));
	} else if ((nu == 0 || ng == 0) && real_root(plan)) {
		plan_host_ids(plan);
		return 0;
	} else if (nu == 0 || ng == 0) {
		plan->fallback_why = nb_xasprintf("no subordinate %s range for %s in %s",
						  nu == 0 ? "uid" : "gid", name ? name : "you",
						  nu == 0 ? su : sg);
		plan_single(plan);
		return 0;
	} else {
		nb_idmap_auto(&plan->uid, plan->in_uid, plan->host_uid, ru, nu);
		nb_idmap_auto(&plan->gid, plan->in_gid, plan->host_gid, rg, ng);
		nb_idmap_auto(&plan->keeper_uid, 0, plan->host_uid, ru, nu);
		nb_idmap_auto(&plan->keeper_gid, 0, plan->host_gid, rg, ng);
	}

	plan->newuidmap = nb_find_in_path("newuidmap");
	plan->newgidmap = nb_find_in_path("newgidmap");
	if (!plan->newuidmap || !plan->newgidmap) {
		const char *missing = plan->newuidmap ? "newgidmap" : "newuidmap";
		if (plan->custom)
			return nb_fail_hint(err, 0, "install the 'uidmap' package; 'nestbox doctor' checks this machine",
					    "--uid-map/--gid-map need %s, which is not in PATH", missing);
		plan->fallback_why = nb_xasprintf("%s is not installed (package 'uidmap')", missing);
		plan_single(plan);
		return 0;
	}
	plan->helper = true;
	return 0;
}

void nb_idplan_release(struct nb_idplan *plan)
{
	free(plan->uid.lines);
	free(plan->gid.lines);
	free(plan->keeper_uid.lines);
	free(plan->keeper_gid.lines);
	free(plan->newuidmap);
	free(plan->newgidmap);
	free(plan->fallback_why);
	free(plan->user_name);
	memset(plan, 0, sizeof *plan);
}

#define AA_SYSCTL "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"

static bool sysctl_is(const char *path, const char *value)
{
	struct nb_err ignore;
	char buf[32];

	if (nb_read_small(path, buf, sizeof buf, &ignore) < 0)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return strcmp(buf, value) == 0;
}

/* The helpers are setuid programs nestbox waits on: a few seconds each is
 * ample (they take milliseconds), and nestbox(1) says how long. */
#define HELPER_TIMEOUT_MS 5000

/* A running newuidmap or newgidmap: its stderr, which says what it
 * disliked, and a pidfd that tells when it ends. */
struct helper {
	const char *path;
	pid_t pid;
	int err_r, pidfd;
	int status;       /* once reaped */
	char out[1024];
	size_t got;
};

/* Starts `helper PID in out count ...`, without a shell. */
static int helper_start(struct helper *h, pid_t pid, const struct nb_idmap *m, struct nb_err *err)
{
	char **argv = nb_xmalloc((3 * m->n + 3) * sizeof *argv);
	posix_spawn_file_actions_t fa;
	int pfd[2], rc;
	size_t k = 0;

	h->pid = -1;
	h->err_r = h->pidfd = -1;
	argv[k++] = nb_xstrdup(h->path);
	argv[k++] = nb_xasprintf("%d", (int)pid);
	for (size_t i = 0; i < m->n; i++) {
		argv[k++] = nb_xasprintf("%u", m->lines[i].inside);
		argv[k++] = nb_xasprintf("%u", m->lines[i].outside);
		argv[k++] = nb_xasprintf("%u", m->lines[i].count);
	}
	argv[k] = NULL;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		rc = nb_fail(err, errno, "cannot create a pipe for %s", h->path);
		goto out;
	}
	/* A setuid helper gets nothing of the caller's: /dev/null in, its
	 * stderr to us, every other descriptor closed. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	rc = posix_spawn(&h->pid, h->path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		h->pid = -1;
		rc = nb_fail(err, rc, "cannot run %s", h->path);
		goto out;
	}
	h->err_r = pfd[0];
	h->pidfd = (int)syscall(SYS_pidfd_open, h->pid, 0);
	if (h->pidfd < 0)
		rc = nb_fail(err, errno, "cannot watch %s", h->path);
out:
	for (size_t i = 0; i < k; i++)
		free(argv[i]);
	free(argv);
	return rc;
}

/* Kills and reaps a helper still running; on every way out. */
static void helper_stop(struct helper *h)
{
	if (h->pid > 0) {
		kill(h->pid, SIGKILL);
		while (waitpid(h->pid, &h->status, 0) < 0 && errno == EINTR)
			;
	}
	h->pid = -1;
	nb_closep(&h->err_r);
	nb_closep(&h->pidfd);
}

/* Reads what the helper wrote; EOF closes the pipe. */
static void helper_read(struct helper *h)
{
	ssize_t r = read(h->err_r, h->out + h->got, sizeof h->out - 1 - h->got);

	if (r > 0)
		h->got += (size_t)r;
	else if (r == 0 || errno != EINTR || h->got == sizeof h->out - 1)
		nb_closep(&h->err_r);
}

/* Waits for the helpers at once, at most HELPER_TIMEOUT_MS, and no longer
 * than the user lets it: SIGINT, SIGTERM, SIGHUP and SIGQUIT (blocked since
 * nb_launch began) end the wait. On a timeout or a signal every helper is
 * killed and reaped, and err says why. */
static int helpers_wait(struct helper *h, size_t n, struct nb_err *err)
{
	sigset_t stop;
	_cleanup_close_ int sfd = -1;
	struct timespec t0, t;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT), sigaddset(&stop, SIGTERM), sigaddset(&stop, SIGHUP), sigaddset(&stop, SIGQUIT);
	sfd = signalfd(-1, &stop, SFD_CLOEXEC);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pfd[2 * 2 + 1];
		size_t np = 0, live = 0, at_err[2], at_pid[2];
		long left;
		int r;

		if (n > 2)
			return nb_fail(err, EINVAL, "%s: at most two helpers", __func__);
		for (size_t i = 0; i < n; i++) {
			at_err[i] = at_pid[i] = SIZE_MAX;
			if (h[i].err_r >= 0) {
				at_err[i] = np;
				pfd[np++] = (struct pollfd){ h[i].err_r, POLLIN, 0 };
			}
			if (h[i].pid > 0) {
				at_pid[i] = np;
				pfd[np++] = (struct pollfd){ h[i].pidfd, POLLIN, 0 };
				live++;
			}
		}
		if (!live && np == 0)
			return 0;
		pfd[np++] = (struct pollfd){ sfd, POLLIN, 0 };
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = HELPER_TIMEOUT_MS - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		r = left > 0 ? poll(pfd, np, (int)left) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || (sfd >= 0 && pfd[np - 1].revents)) {
			struct signalfd_siginfo si = { 0 };
			const char *slow = h[0].pid > 0 ? h[0].path : h[1].path;

			if (r > 0 && read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
				nb_fail(err, 0, "interrupted by SIG%s while %s ran", sigabbrev_np((int)si.ssi_signo), slow);
			else
				nb_fail_hint(err, 0, "it may be waiting on a slow name service (nsswitch.conf); --map=single needs no helper",
					     "%s did not finish within %d s", slow, HELPER_TIMEOUT_MS / 1000);
			if (si.ssi_signo)
				err->status = 128 + (int)si.ssi_signo;
			for (size_t i = 0; i < n; i++)
				helper_stop(&h[i]);
			return -1;
		}
		for (size_t i = 0; i < n; i++) {
			if (at_err[i] != SIZE_MAX && pfd[at_err[i]].revents)
				helper_read(&h[i]);
			if (at_pid[i] != SIZE_MAX && pfd[at_pid[i]].revents &&
			    waitpid(h[i].pid, &h[i].status, WNOHANG) == h[i].pid) {
				h[i].pid = -1;
				nb_closep(&h[i].pidfd);
			}
		}
	}
}

/* How the helper ended: 0, or err holding its own stderr or its signal. */
static int helper_result(struct helper *h, struct nb_err *err)
{
	char *out = h->out;
	size_t got = h->got;

	out[got] = '\0';
	while (got > 0 && (out[got - 1] == '\n' || out[got - 1] == ' '))
		out[--got] = '\0';
	for (char *p = out; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (WIFSIGNALED(h->status))
		return nb_fail(err, 0, "%s was killed by signal SIG%s%s%s", h->path, sigabbrev_np(WTERMSIG(h->status)),
			       out[0] ? ": " : "", out);
	if (!WIFEXITED(h->status) || WEXITSTATUS(h->status) != 0)
		return nb_fail(err, 0, "%s failed: %s", h->path, out[0] ? out : "no message");
	return 0;
}

/* The map as --verbose shows it: "in out count,in out count,...". */
static char *format_map(const struct nb_idmap *m)
{
	size_t len = 0, cap = m->n * 36 + 1;
	char *s = nb_xmalloc(cap);

	s[0] = '\0';
	for (size_t i = 0; i < m->n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s%u %u %u", i ? "," : "", m->lines[i].inside,
					m->lines[i].outside, m->lines[i].count);
	return s;
}

/* The order is the kernel's: setgroups must say "deny" before an
 * unprivileged writer may write gid_map, and gid before uid keeps the
 * sequence the same as the helpers'. */
static int write_single(const struct nb_idplan *plan, const char *pid, struct nb_err *err)
{
	char path[64], line[64];

	snprintf(path, sizeof path, "/proc/%s/setgroups", pid);
	TRY(nb_write_file(path, "deny", err));
	snprintf(path, sizeof path, "/proc/%s/gid_map", pid);
	snprintf(line, sizeof line, "%u %u 1\n", plan->in_gid, plan->host_gid);
	if (nb_write_file(path, line, err) < 0)
		return nb_userns_diagnose(err->errnum, "cannot write the gid map", err);
	snprintf(path, sizeof path, "/proc/%s/uid_map", pid);
	snprintf(line, sizeof line, "%u %u 1\n", plan->in_uid, plan->host_uid);
	if (nb_write_file(path, line, err) < 0)
		return nb_userns_diagnose(err->errnum, "cannot write the uid map", err);
	return 0;
}

bool nb_idmap_single(const struct nb_idplan *plan)
{
	return !plan->helper && !plan->host_ids && !plan->direct;
}

int nb_idmap_write_self(const struct nb_idplan *plan, struct nb_err *err)
{
	return write_single(plan, "self", err);
}

int nb_idmap_write(pid_t pid, const struct nb_idmap *uid, const struct nb_idmap *gid, struct nb_err *err)
{
	const struct nb_idmap *maps[] = { gid, uid };
	static const char *const files[] = { "gid_map", "uid_map" };

	for (size_t k = 0; k < 2; k++) {
		char path[64], text[NB_MAX_MAP_LINES * 33 + 1] = "";
		size_t len = 0;

		for (size_t i = 0; i < maps[k]->n && i < NB_MAX_MAP_LINES; i++)
			len += (size_t)snprintf(text + len, sizeof text - len, "%u %u %u\n", maps[k]->lines[i].inside,
						maps[k]->lines[i].outside, maps[k]->lines[i].count);
		snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, files[k]);
		if (nb_write_file(path, text, err) < 0)
			return nb_userns_diagnose(err->errnum, "cannot write the id maps", err);
	}
	return 0;
}

bool nb_idmap_translate(const struct nb_idmap *want, const struct nb_idmap *outer, struct nb_idmap *out)
{
	for (size_t i = 0; i < want->n; i++) {
		uint64_t in = want->lines[i].inside, host = want->lines[i].outside, left = want->lines[i].count;

		while (left) {
			const struct nb_idrange *k = NULL;
			uint64_t n;

			for (size_t j = 0; j < outer->n && !k; j++)
				if (host >= outer->lines[j].outside && host - outer->lines[j].outside < outer->lines[j].count)
					k = &outer->lines[j];
			if (!k)
				return false;
			n = k->outside + (uint64_t)k->count - host;
			n = n < left ? n : left;
			map_push(out, (uint32_t)in, (uint32_t)(k->inside + (host - k->outside)), (uint32_t)n);
			in += n, host += n, left -= n;
		}
	}
	return out->n <= NB_MAX_MAP_LINES;
}

static void fall_back(struct nb_idplan *plan, const char *why)
{
	free(plan->fallback_why);
	plan->fallback_why = nb_xstrdup(why);
	free(plan->uid.lines);
	free(plan->gid.lines);
	plan->uid = plan->gid = (struct nb_idmap){ 0 };
	plan_single(plan);
}

void nb_idmap_verbose(const struct nb_idplan *plan, const char *how)
{
	_cleanup_free_ char *u = format_map(&plan->uid), *g = format_map(&plan->gid);
	const char *own = plan->host_ids ? "the host's ids, written as root" : "single";

	nb_verbose("uid map (%s): %s", how ? how : plan->helper ? "newuidmap" : own, u);
	nb_verbose("gid map (%s): %s", how ? how : plan->helper ? "newgidmap" : own, g);
}

/* Root's 1:1 map: setgroups stays allowed, as for any privileged writer. */
static int write_host_ids(pid_t pid, struct nb_err *err)
{
	static const char *const files[] = { "gid_map", "uid_map" };
	char path[64];

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, files[i]);
		if (nb_write_file(path, "0 0 4294967295\n", err) < 0)
			return nb_userns_diagnose(err->errnum, "cannot write the id maps", err);
	}
	return 0;
}

/* Both helpers at once: each writes its own map file of the waiting
 * process, and neither depends on the other (the kernel orders nothing
 * between uid_map and gid_map for a privileged writer; setgroups is
 * newgidmap's own business). *written: whether one map was written, which
 * then cannot change. -2: the wait itself failed (a timeout, the user's
 * signal), which no fallback may hide. */
static int run_helpers(const struct nb_idplan *plan, const struct nb_idmap *uid, const struct nb_idmap *gid, pid_t pid,
		       bool *written, struct nb_err *err)
{
	struct helper h[2] = { { .path = plan->newgidmap }, { .path = plan->newuidmap } };
	struct nb_err uerr = { 0 };
	int grc = helper_start(&h[0], pid, gid, err);
	int urc = helper_start(&h[1], pid, uid, &uerr);

	*written = false;
	if (helpers_wait(h, 2, grc < 0 ? &uerr : err) < 0) {
		if (grc < 0)
			*err = uerr;
		return -2;
	}
	grc = grc < 0 ? -1 : helper_result(&h[0], err);
	urc = urc < 0 ? -1 : helper_result(&h[1], &uerr);
	helper_stop(&h[0]);
	helper_stop(&h[1]);
	if (grc == 0 && urc == 0)
		return 0;
	*written = grc == 0 || urc == 0;
	if (grc == 0)
		*err = uerr;
	return -1;
}

int nb_idmap_helpers(const struct nb_idplan *plan, const struct nb_idmap *uid, const struct nb_idmap *gid, pid_t pid,
		     struct nb_err *err)
{
	bool written;

	return run_helpers(plan, uid, gid, pid, &written, err);
}

int nb_idmap_apply(struct nb_idplan *plan, pid_t pid, struct nb_err *err)
{
	if (plan->need_full && plan->fallback_why)
		return nb_fail_hint(err, 0, "ask an admin for a range, e.g. 'usermod --add-subuids 100000-165535 --add-subgids 100000-165535 USER'; 'nestbox doctor' checks this machine",
				    "this needs your whole subordinate id range, but %s", plan->fallback_why);
	if (plan->helper) {
		bool written = false;
		int rc;

		/* The keeper's helpers failed already: the same ranges would
		 * fail the same way, so their message stands for ours. */
		if (plan->keeper_failed) {
			*err = plan->keeper_err;
			rc = plan->keeper_failed;
		} else {
			rc = run_helpers(plan, &plan->uid, &plan->gid, pid, &written, err);
		}
		if (rc == -2)
			return -1;
		if (rc < 0) {
			char why[sizeof err->msg];

			if (written)
				return nb_hint(err, "check /etc/subuid and /etc/subgid for your user, or use --map=single");
			if (plan->custom)
				return nb_hint(err, "check the --uid-map/--gid-map lines against /etc/subuid and /etc/subgid");
			/* Under Ubuntu's AppArmor rule a single map fails the same
			 * way: explain the cause instead of a second failure. */
			memcpy(why, err->msg, sizeof why);
			if (sysctl_is(AA_SYSCTL, "1"))
				return nb_userns_diagnose(EPERM, why, err);
			if (plan->need_full)
				return nb_fail(err, 0, "this needs your whole subordinate id range, but %s", why);
			fall_back(plan, why);
		}
	}
	if (plan->fallback_why) {
		struct nb_err w;

		nb_fail_hint(&w, 0, "ask an admin for a range, e.g. 'usermod --add-subuids 100000-165535 --add-subgids 100000-165535 USER', or pass --map=single to silence this; 'nestbox doctor' checks this machine",
			     "using a single-id map because %s: only uid %u and gid %u exist inside, setgroups is denied, and tools that change user (apt, su, tar keeping owners) will fail",
			     plan->fallback_why, plan->in_uid, plan->in_gid);
		nb_warn_err(NULL, &w);
	}
	if (nb_report_verbose())
		nb_idmap_verbose(plan, NULL);
	if (plan->host_ids)
		return write_host_ids(pid, err);
	if (plan->direct)
		return nb_idmap_write(pid, &plan->uid, &plan->gid, err);
	if (!plan->helper && !plan->self_written) {
		char num[16];

		snprintf(num, sizeof num, "%d", (int)pid);
		return write_single(plan, num, err);
	}
	return 0;
}

int nb_userns_diagnose(int errnum, const char *what, struct nb_err *err)
{
	if (sysctl_is("/proc/sys/user/max_user_namespaces", "0"))
		return nb_fail_hint(err, errnum, "an admin can run 'sysctl -w user.max_user_namespaces=15000'; inside a sandbox that forbids nesting, run nestbox outside it; 'nestbox doctor' checks this machine",
				    "%s: user namespaces are disabled (sysctl user.max_user_namespaces=0)", what);
	if (sysctl_is("/proc/sys/kernel/unprivileged_userns_clone", "0"))
		return nb_fail_hint(err, errnum, "an admin can run 'sysctl -w kernel.unprivileged_userns_clone=1'; 'nestbox doctor' checks this machine",
				    "%s: unprivileged user namespaces are disabled (sysctl kernel.unprivileged_userns_clone=0)", what);
	if (sysctl_is(AA_SYSCTL, "1"))
		return nb_fail_hint(err, errnum, "an admin can install contrib/apparmor/nestbox (a profile with 'userns,') into /etc/apparmor.d and reload it, or set that sysctl to 0; 'nestbox doctor' checks this machine",
				    "%s: AppArmor restricts unprivileged user namespaces (sysctl kernel.apparmor_restrict_unprivileged_userns=1)", what);
	if (errnum == ENOSPC)
		return nb_fail_hint(err, errnum, "see /proc/sys/user/max_user_namespaces",
				    "%s: the limit of user namespaces is reached", what);
	if (errnum == EPERM) {
		char st[4096] = "";
		struct nb_err ignore;

		(void)nb_read_small("/proc/self/status", st, sizeof st, &ignore);
		if (strstr(st, "\nSeccomp:\t2"))
			return nb_fail_hint(err, errnum, "inside nestbox, start the outer sandbox with --allow-userns; inside a container, allow unshare and clone with namespace flags",
					    "%s: a seccomp filter forbids new namespaces here", what);
		return nb_fail_hint(err, errnum, "user namespaces may be forbidden here, e.g. by an outer container, or nestbox runs in a chroot",
				    "%s", what);
	}
	return nb_fail(err, errnum, "%s", what);
}
