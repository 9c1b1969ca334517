/* doctor.c: see doctor.h. Each check reads one part of the system and
 * reports a line "ok|warn|FAIL  CHECK: detail (fix: ...)"; a check that
 * cannot look says why, as a warning. The trials at the end run real
 * sandboxes, because only a run proves that the parts fit together. */
#include "doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/landlock.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "capture.h"
#include "cgroup.h"
#include "report.h"
#include "spec.h"
#include "nss.h"
#include "subid.h"
#include "util.h"

enum status { ST_OK, ST_WARN, ST_FAIL };

struct doctor {
	json_t *json;      /* --json: the array being filled; NULL for text */
	bool default_ok;   /* the default trial ran: doctor's exit status */
	bool has_subids;   /* a subuid or subgid range: newuidmap is needed */
	uid_t uid;
	char *user;        /* the caller's name, or NULL */
};

/* A trial sandbox must not hang doctor; 20 s is far above a normal start
 * (milliseconds) and leaves room for a loaded machine. */
#define TRIAL_TIMEOUT_MS 20000
#define VERSION_TIMEOUT_MS 5000

/* json_string() refuses bytes that are not UTF-8 (a path can hold any);
 * those are written as \xNN instead, as nb_quote_controls does. */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s);
	char buf[8192];
	size_t n = 0;

	if (j)
		return j;
	for (const unsigned char *p = (const unsigned char *)s; *p && n + 5 < sizeof buf; p++) {
		if (*p < 0x80)
			buf[n++] = (char)*p;
		else
			n += (size_t)snprintf(buf + n, sizeof buf - n, "\\x%02x", *p);
	}
	buf[n] = '\0';
	return json_string(buf);
}

static void add_json(struct doctor *d, enum status st, const char *check, const char *detail, const char *fix)
{
	static const char *const names[] = { "ok", "warn", "fail" };
	json_t *o = json_object();

	json_object_set_new(o, "check", json_string(check));
	json_object_set_new(o, "status", json_string(names[st]));
	json_object_set_new(o, "detail", jstr(detail));
	json_object_set_new(o, "fix", fix ? jstr(fix) : json_null());
	json_array_append_new(d->json, o);
}

/* One result. Details and fixes quote text that came from the system
 * (paths, a helper's message), so that each result stays one line. */
__attribute__((format(printf, 5, 6)))
static void say(struct doctor *d, enum status st, const char *check, const char *fix, const char *fmt, ...)
{
	static const char *const names[] = { "ok", "warn", "FAIL" };
	char raw[2048], detail[4096], fixq[2048] = "";
	_cleanup_free_ char *line = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	nb_quote_controls(raw, detail, sizeof detail);
	if (fix)
		nb_quote_controls(fix, fixq, sizeof fixq);
	if (d->json) {
		add_json(d, st, check, detail, fix ? fixq : NULL);
		return;
	}
	line = nb_xasprintf("%-6s%s: %s%s%s%s\n", names[st], check, detail, fix ? " (fix: " : "",
			    fixq, fix ? ")" : "");
	fputs(line, stdout);
}

/* A small file's contents without the trailing newline; -1 with errno. */
static int read_trim(const char *path, char *buf, size_t len)
{
	struct nb_err e;
	size_t n;

	if (nb_read_small(path, buf, len, &e) < 0) {
		errno = e.errnum;
		return -1;
	}
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/* 1. The kernel: close_range() (5.9) with CLOSE_RANGE_CLOEXEC (5.11) is
 * how nestbox keeps descriptors out of the sandbox. */
static void check_kernel(struct doctor *d)
{
	static const char *const ns[] = { "user", "pid", "mnt", "ipc", "uts", "net", "cgroup" };
	char missing[128] = "";
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		say(d, ST_WARN, "kernel", "check that the kernel is Linux 5.11 or newer", "cannot tell the kernel's version");
	else if (major < 5 || (major == 5 && minor < 11))
		say(d, ST_FAIL, "kernel", "boot Linux 5.11 or newer",
		    "Linux %s is too old: nestbox needs 5.11 (close_range with CLOSE_RANGE_CLOEXEC)", u.release);
	else
		say(d, ST_OK, "kernel", NULL, "Linux %s (5.11 or newer)", u.release);
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		char path[64];
		struct stat st;

		snprintf(path, sizeof path, "/proc/self/ns/%s", ns[i]);
		if (lstat(path, &st) < 0)
			snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%s",
				 missing[0] ? " " : "", ns[i]);
	}
	if (missing[0])
		say(d, ST_FAIL, "namespaces", "boot a kernel built with CONFIG_USER_NS, CONFIG_PID_NS, CONFIG_NET_NS, CONFIG_IPC_NS, CONFIG_UTS_NS and CONFIG_CGROUPS",
		    "this kernel lacks the namespaces: %s (no /proc/self/ns entry)", missing);
	else
		say(d, ST_OK, "namespaces", NULL, "user, pid, mnt, ipc, uts, net and cgroup are all there");
}

/* 2. The sysctls that forbid user namespaces (nb_userns_diagnose names
 * the same ones when a run fails). */
static void check_userns_sysctls(struct doctor *d)
{
	char v[64];
	uint32_t n;

	if (read_trim("/proc/sys/user/max_user_namespaces", v, sizeof v) < 0)
		say(d, ST_WARN, "max_user_namespaces", "check that this kernel has user namespaces",
		    "cannot read /proc/sys/user/max_user_namespaces: %s", strerror(errno));
	else if (nb_parse_u32(v, UINT32_MAX, &n) == 0 && n == 0)
		say(d, ST_FAIL, "max_user_namespaces", "as root: sysctl -w user.max_user_namespaces=15000",
		    "user namespaces are disabled (user.max_user_namespaces = 0)");
	else
		say(d, ST_OK, "max_user_namespaces", NULL, "user.max_user_namespaces = %s", v);

	if (read_trim("/proc/sys/kernel/unprivileged_userns_clone", v, sizeof v) < 0) {
		if (errno == ENOENT)
			say(d, ST_OK, "unprivileged_userns_clone", NULL, "not in this kernel (only Debian's older kernels have this switch)");
		else
			say(d, ST_WARN, "unprivileged_userns_clone", "check it as root: sysctl kernel.unprivileged_userns_clone",
			    "cannot read /proc/sys/kernel/unprivileged_userns_clone: %s", strerror(errno));
	} else if (strcmp(v, "0") == 0 && d->uid != 0) {
		say(d, ST_FAIL, "unprivileged_userns_clone", "as root: sysctl -w kernel.unprivileged_userns_clone=1",
		    "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)");
	} else {
		say(d, ST_OK, "unprivileged_userns_clone", NULL, "kernel.unprivileged_userns_clone = %s", v);
	}
}

/* Whether an AppArmor profile named nestbox is loaded: 1 yes, 0 no, -1
 * with errno when the list cannot be read. The list can be long: it is
 * read line by line, up to a cap. */
static int apparmor_has_profile(void)
{
	_cleanup_fclose_ FILE *f = fopen("/sys/kernel/security/apparmor/profiles", "re");
	char line[1024];
	size_t seen = 0;

	if (!f)
		return -1;
	while (seen < (16u << 20) && fgets(line, sizeof line, f)) {
		seen += strlen(line);
		if (strncmp(line, "nestbox", 7) == 0)
			return 1;
	}
	return ferror(f) ? -1 : 0;
}

/* Ubuntu 23.10+ lets only programs with an AppArmor profile that says
 * "userns," have capabilities in a new user namespace. */
static void check_apparmor(struct doctor *d)
{
	static const char *const fix = "as root: install -m 0644 contrib/apparmor/nestbox /etc/apparmor.d/nestbox && apparmor_parser -r /etc/apparmor.d/nestbox; or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0";
	char en[16] = "", v[16];
	const char *state;
	int have;

	state = read_trim("/sys/module/apparmor/parameters/enabled", en, sizeof en) == 0 && en[0] == 'Y'
			? "AppArmor is enabled"
			: "AppArmor is not enabled";
	if (read_trim("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", v, sizeof v) < 0) {
		if (errno == ENOENT)
			say(d, ST_OK, "apparmor", NULL, "%s; it does not restrict user namespaces here (no kernel.apparmor_restrict_unprivileged_userns)", state);
		else
			say(d, ST_WARN, "apparmor", "check it as root: sysctl kernel.apparmor_restrict_unprivileged_userns",
			    "%s; cannot read kernel.apparmor_restrict_unprivileged_userns: %s", state, strerror(errno));
		return;
	}
	if (strcmp(v, "1") != 0 || d->uid == 0) {
		say(d, ST_OK, "apparmor", NULL, "%s; kernel.apparmor_restrict_unprivileged_userns = %s", state, v);
		return;
	}
	have = apparmor_has_profile();
	if (have > 0)
		say(d, ST_OK, "apparmor", NULL, "kernel.apparmor_restrict_unprivileged_userns = 1, and a profile 'nestbox' is loaded");
	else if (have == 0)
		say(d, ST_FAIL, "apparmor", fix,
		    "kernel.apparmor_restrict_unprivileged_userns = 1 and no AppArmor profile 'nestbox' is loaded: the sandbox gets no capabilities in its user namespace");
	else
		say(d, ST_WARN, "apparmor", fix,
		    "kernel.apparmor_restrict_unprivileged_userns = 1; whether a profile 'nestbox' is loaded cannot be told (/sys/kernel/security/apparmor/profiles: %s)",
		    strerror(errno));
}

/* 3. One kind of subordinate range, as nestbox itself reads it. */
static void check_subid(struct doctor *d, enum nb_subid_kind kind)
{
	const char *check = kind == NB_SUBUID ? "subuid" : "subgid", *source = "";
	_cleanup_free_ struct nb_subrange *r = NULL;
	char who[64], list[256] = "", fix[256];
	bool merged = false;
	uint64_t total = 0;
	size_t n = nb_subid_ranges(kind, d->user, d->uid, &r, &source, &merged);

	if (d->user)
		snprintf(who, sizeof who, "%s", d->user);
	else
		snprintf(who, sizeof who, "uid %u", (unsigned)d->uid);
	snprintf(fix, sizeof fix, "as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s",
		 d->user ? d->user : "USER");
	if (n == 0) {
		if (d->uid == 0)
			say(d, ST_OK, check, NULL, "no range for root in %s: its sandboxes see the host's ids 1:1", source);
		else
			say(d, ST_WARN, check, fix, "no subordinate %s range for %s in %s: nestbox falls back to a single-id map",
			    kind == NB_SUBUID ? "uid" : "gid", who, source);
		return;
	}
	d->has_subids = true;
	for (size_t i = 0; i < n; i++) {
		size_t at = strlen(list);

		total += r[i].count;
		if (i < 4)
			snprintf(list + at, sizeof list - at, "%s%u-%llu", i ? ", " : "", r[i].start,
				 (unsigned long long)r[i].start + r[i].count - 1);
		else if (i == 4)
			snprintf(list + at, sizeof list - at, " and %zu more", n - 4);
	}
	if (merged)
		say(d, ST_WARN, check, source[0] == '/' ? "remove the repeated or overlapping lines (as root)" : "fix the ranges in your subid source",
		    "%s has overlapping or repeated ranges in %s: nestbox merges them into %s (%llu ids)", who, source, list,
		    (unsigned long long)total);
	else if (total < 65536)
		say(d, ST_WARN, check, fix, "%s has %s in %s: %llu ids, fewer than 65536, so inside ids from %llu up (nobody is 65534) do not exist",
		    who, list, source, (unsigned long long)total, (unsigned long long)total);
	else
		say(d, ST_OK, check, NULL, "%s has %s in %s: %llu ids", who, list, source, (unsigned long long)total);
}

/* 4. newuidmap/newgidmap, found as nestbox finds them (PATH): they write
 * the full map only with privilege, which a nosuid mount takes away. */
static void check_helper(struct doctor *d, const char *name)
{
	_cleanup_free_ char *path = nb_find_in_path(name);
	enum status bad = d->has_subids ? ST_FAIL : ST_WARN;
	bool setuid_root, fcaps;
	struct statvfs vfs;
	struct stat st;

	if (!path) {
		say(d, bad, name, "as root: apt-get install uidmap", "%s is not in PATH: %s", name,
		    d->has_subids ? "your ranges cannot be mapped, and nestbox falls back to a single-id map" : "only the single-id map is possible");
		return;
	}
	if (stat(path, &st) < 0) {
		say(d, ST_WARN, name, "check the file, or reinstall uidmap", "cannot stat %s: %s", path, strerror(errno));
		return;
	}
	setuid_root = (st.st_mode & S_ISUID) && st.st_uid == 0;
	fcaps = getxattr(path, "security.capability", NULL, 0) >= 0;
	if (!setuid_root && !fcaps) {
		say(d, bad, name, "as root: apt-get install --reinstall uidmap, or make it owned by root and setuid (chmod u+s)",
		    "%s is neither setuid root nor has file capabilities (mode %04o, owner uid %u): it cannot write the map",
		    path, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
		return;
	}
	if (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_NOSUID)) {
		say(d, bad, name, "install uidmap on a filesystem mounted without nosuid, and put it first in PATH",
		    "%s is on a filesystem mounted nosuid: its %s ignored", path, setuid_root ? "setuid bit is" : "file capabilities are");
		return;
	}
	say(d, ST_OK, name, NULL, "%s, %s", path, setuid_root ? "setuid root" : "with file capabilities");
}

/* The first line a program writes on fd (1 or 2), as nb_capture_run()
 * keeps its output. */
static int run_capture(char *const argv[], int fd, int timeout_ms, struct nb_capture *c)
{
	TRY(nb_capture_run(argv, fd, timeout_ms, c));
	c->out[strcspn(c->out, "\n")] = '\0';
	return 0;
}

/* nestbox's one-line error, split into what failed and its hint. */
static void split_hint(char *line, const char **fix)
{
	char *h = strstr(line, " (hint: ");
	size_t n = strlen(line);

	*fix = NULL;
	if (h && n > 0 && line[n - 1] == ')') {
		line[n - 1] = '\0';
		*h = '\0';
		*fix = h + 8;
	}
}

/* 5. A real sandbox, started as the user would start it. */
static bool trial(struct doctor *d, const char *check, const char *shown, char *const argv[])
{
	struct nb_capture c;
	const char *fix = NULL, *msg;

	if (run_capture(argv, 2, TRIAL_TIMEOUT_MS, &c) < 0) {
		say(d, ST_WARN, check, "check that /proc is mounted", "cannot start nestbox again (/proc/self/exe): %s", strerror(errno));
		return false;
	}
	if (c.timed_out) {
		say(d, ST_FAIL, check, "run it by hand with --verbose to see where it stops",
		    "'%s' did not finish in %d s, and was killed", shown, TRIAL_TIMEOUT_MS / 1000);
		return false;
	}
	if (WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0) {
		say(d, ST_OK, check, NULL, "'%s' works (%.2f s)", shown, c.seconds);
		return true;
	}
	msg = strncmp(c.out, "nestbox: ", 9) == 0 ? c.out + 9 : c.out;
	split_hint(c.out, &fix);
	if (WIFSIGNALED(c.status))
		say(d, ST_FAIL, check, "run it by hand with --verbose", "'%s' was killed by signal %d%s%s", shown,
		    WTERMSIG(c.status), msg[0] ? ": " : "", msg);
	else
		say(d, ST_FAIL, check, fix ? fix : "run it by hand with --verbose; the checks above say what is missing",
		    "'%s' failed (exit %d): %s", shown, WEXITSTATUS(c.status), msg[0] ? msg : "no message");
	return false;
}

/* The default decides doctor's status: without the keeper, so that it
 * runs newuidmap and newgidmap as a first sandbox does, and leaves no
 * keeper behind; --map=single is the fallback
 * without ranges or helpers; --overlay needs unprivileged overlayfs
 * (Linux 5.11 for user namespaces). -q: warnings are reported above. */
static void check_trials(struct doctor *d)
{
	char *run_default[] = { "/proc/self/exe", "run", "-q", "--no-keeper", "--", "true", NULL };
	char *run_single[] = { "/proc/self/exe", "run", "-q", "--map=single", "--", "true", NULL };
	char *run_overlay[] = { "/proc/self/exe", "run", "-q", "--overlay", "/usr:/mnt", "--", "true", NULL };

	d->default_ok = trial(d, "run", "nestbox run --no-keeper -- true", run_default);
	trial(d, "run-map-single", "nestbox run --map=single -- true", run_single);
	trial(d, "run-overlay", "nestbox run --overlay /usr:/mnt -- true", run_overlay);
}

/* 6. --net=slirp: slirp4netns, and the TAP device it opens. */
static void check_slirp(struct doctor *d)
{
	_cleanup_free_ char *path = nb_find_in_path("slirp4netns");
	struct nb_capture c;

	if (!path) {
		say(d, ST_WARN, "slirp4netns", "as root: apt-get install slirp4netns",
		    "slirp4netns is not in PATH: --net=slirp is unavailable (--net=none and --net=host work)");
		return;
	}
	{
		char *argv[] = { path, "--version", NULL };

		if (run_capture(argv, 1, VERSION_TIMEOUT_MS, &c) < 0)
			say(d, ST_WARN, "slirp4netns", "as root: apt-get install --reinstall slirp4netns", "cannot run %s: %s", path, strerror(errno));
		else if (c.timed_out || !WIFEXITED(c.status) || WEXITSTATUS(c.status) != 0 || !c.out[0])
			say(d, ST_WARN, "slirp4netns", "as root: apt-get install --reinstall slirp4netns",
			    "%s --version failed%s", path, c.timed_out ? " (it hung, and was killed)" : "");
		else
			say(d, ST_OK, "slirp4netns", NULL, "%s: %s", path, c.out);
	}
}

static void check_tun(struct doctor *d)
{
	struct stat st;
	int fd;

	if (stat("/dev/net/tun", &st) < 0) {
		say(d, ST_FAIL, "tun", errno == ENOENT ? "as root: modprobe tun" : "check /dev/net/tun as root",
		    "cannot stat /dev/net/tun: %s: --net=slirp cannot work", strerror(errno));
		return;
	}
	if (!S_ISCHR(st.st_mode)) {
		say(d, ST_FAIL, "tun", "as root: rm /dev/net/tun && mknod -m 0666 /dev/net/tun c 10 200",
		    "/dev/net/tun is %s, not a character device: --net=slirp cannot work", nb_file_type(st.st_mode));
		return;
	}
	/* Opening it creates nothing: a TAP device needs TUNSETIFF. */
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		say(d, ST_FAIL, "tun", errno == EACCES ? "as root: chmod 0666 /dev/net/tun (the mode distributions ship)" : "check /dev/net/tun as root",
		    "cannot open /dev/net/tun (mode %04o, owner uid %u): %s: --net=slirp cannot work",
		    (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, strerror(errno));
		return;
	}
	close(fd);
	say(d, ST_OK, "tun", NULL, "/dev/net/tun opens (mode %04o)", (unsigned)(st.st_mode & 07777));
}

#define CGROUP_FIX "boot with systemd.unified_cgroup_hierarchy=1, or run under 'systemd-run --user --scope -p Delegate=yes'"

/* The caller's cgroup v2 directory under mnt (malloc'd), or NULL. */
static char *own_cgroup(const char *mnt)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];

	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			return nb_xasprintf("%s%s", mnt, strcmp(line + 3, "/") == 0 ? "" : line + 3);
		}
	return NULL;
}

/* Where limits would go on a pure cgroup v2 host, as a run with
 * --memory, --pids and --cpus would decide it (nb_cgroup_check). */
static void check_delegation_unified(struct doctor *d, const char *dir, const char *ctl)
{
	struct nb_limits l = { .mode = NB_CG_REQUIRE, .mem_max = 1ull << 30, .pids_max = 100, .cpu_quota = 100000 };
	_cleanup_free_ char *where = NULL;
	struct nb_err err = { 0 }, why;
	char msg[sizeof err.msg + 64];

	if (nb_cgroup_check(&l, &where, &err) < 0) {
		/* The hint goes in the fix, not in the detail. */
		why = err;
		why.hint[0] = '\0';
		nb_err_format(&why, msg, sizeof msg);
		say(d, ST_WARN, "cgroup-delegation", err.hint[0] ? err.hint : CGROUP_FIX, "%s; controllers in %s: %s",
		    msg, dir, ctl);
		return;
	}
	if (!strstr(ctl, "io"))
		say(d, ST_WARN, "cgroup-delegation", "an admin can install contrib/systemd/delegate.conf",
		    "limits go in a leaf of %s, but its controllers (%s) lack io: --io-max cannot be enforced", where, ctl);
	else
		say(d, ST_OK, "cgroup-delegation", NULL, "limits go in a leaf of %s; controllers: %s", where, ctl);
}

/* 7. cgroups: limits need the caller's own cgroup v2 subtree, delegated,
 * with the controllers in it. */
static void check_cgroups(struct doctor *d)
{
	_cleanup_free_ char *dir = NULL, *ctlp = NULL, *procs = NULL, *sub = NULL;
	const char *mnt = NULL, *mode;
	char ctl[512] = "", root_ctl[512] = "";
	struct statfs sf;
	struct stat st;

	if (statfs("/sys/fs/cgroup", &sf) < 0)
		mode = "missing";
	else if (sf.f_type == CGROUP2_SUPER_MAGIC)
		mnt = "/sys/fs/cgroup", mode = "unified";
	else if (sf.f_type == TMPFS_MAGIC && statfs("/sys/fs/cgroup/unified", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
		mnt = "/sys/fs/cgroup/unified", mode = "hybrid";
	else
		mode = "legacy";
	if (!mnt) {
		say(d, ST_WARN, "cgroups", CGROUP_FIX, "%s: limits (--memory, --cpus, --pids, --io-max) cannot be enforced: there is no cgroup v2 hierarchy",
		    strcmp(mode, "legacy") == 0 ? "legacy (cgroup v1 only)" : "nothing is mounted on /sys/fs/cgroup");
		say(d, ST_WARN, "cgroup-delegation", CGROUP_FIX, "no cgroup v2 hierarchy, so nothing to delegate");
		return;
	}
	if (strcmp(mode, "hybrid") == 0) {
		if (read_trim("/sys/fs/cgroup/unified/cgroup.controllers", root_ctl, sizeof root_ctl) < 0 || !root_ctl[0])
			snprintf(root_ctl, sizeof root_ctl, "none");
		say(d, ST_WARN, "cgroups", CGROUP_FIX,
		    "hybrid (v1 controllers in /sys/fs/cgroup, cgroup v2 at %s with: %s): limits (--memory, --cpus, --pids, --io-max) cannot be enforced: cgroup v2 is not the only hierarchy (hybrid), so no cgroup v2 subtree can be delegated",
		    mnt, root_ctl);
	} else {
		say(d, ST_OK, "cgroups", NULL, "unified (cgroup v2 only, at %s)", mnt);
	}
	dir = own_cgroup(mnt);
	if (!dir) {
		say(d, ST_WARN, "cgroup-delegation", CGROUP_FIX, "/proc/self/cgroup has no cgroup v2 line (0::)");
		return;
	}
	ctlp = nb_xasprintf("%s/cgroup.controllers", dir);
	if (read_trim(ctlp, ctl, sizeof ctl) < 0 || !ctl[0])
		snprintf(ctl, sizeof ctl, "none");
	if (strcmp(mode, "unified") == 0) {
		check_delegation_unified(d, dir, ctl);
		return;
	}
	/* What a pure v2 host would need (cgroup.c's delegated()). */
	procs = nb_xasprintf("%s/cgroup.procs", dir);
	sub = nb_xasprintf("%s/cgroup.subtree_control", dir);
	if (stat(dir, &st) < 0)
		say(d, ST_WARN, "cgroup-delegation", CGROUP_FIX, "cannot stat your cgroup %s: %s", dir, strerror(errno));
	else
		say(d, ST_WARN, "cgroup-delegation", CGROUP_FIX, "your cgroup %s is %s (owner uid %u); its controllers: %s; nestbox uses none of them on a hybrid host",
		    dir, st.st_uid == d->uid && access(procs, W_OK) == 0 && access(sub, W_OK) == 0 ? "delegated to you" : "not delegated to you",
		    (unsigned)st.st_uid, ctl);
}

/* 8. seccomp, which every sandbox uses; Landlock, which none does yet. */
static void check_seccomp(struct doctor *d)
{
	char status[8192], acts[256];
	const char *field;
	int mode;

	if (read_trim("/proc/self/status", status, sizeof status) < 0) {
		say(d, ST_WARN, "seccomp", "check that /proc is mounted", "cannot read /proc/self/status: %s", strerror(errno));
		return;
	}
	field = strstr(status, "\nSeccomp:");
	mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
	if (!field || mode < 0) {
		say(d, ST_FAIL, "seccomp", "boot a kernel built with CONFIG_SECCOMP_FILTER",
		    "this kernel has no seccomp (%s): nestbox cannot install its filter",
		    !field ? "no Seccomp: in /proc/self/status" : strerror(errno));
		return;
	}
	if (read_trim("/proc/sys/kernel/seccomp/actions_avail", acts, sizeof acts) < 0) {
		say(d, ST_WARN, "seccomp", "check that /proc/sys is mounted",
		    "filters work, but /proc/sys/kernel/seccomp/actions_avail cannot be read: %s", strerror(errno));
		return;
	}
	if (!strstr(acts, "kill_process"))
		say(d, ST_FAIL, "seccomp", "boot Linux 5.11 or newer", "the kernel lacks the kill_process action that nestbox's filter uses (it has: %s)", acts);
	else if (!strstr(acts, " log") && strncmp(acts, "log", 3) != 0)
		say(d, ST_WARN, "seccomp", "boot Linux 4.14 or newer", "filters work, but the log action is missing: --seccomp-log is unavailable (actions: %s)", acts);
	else
		say(d, ST_OK, "seccomp", NULL, "filters work%s; actions: %s",
		    mode == 2 ? " (doctor itself runs under one, which sandboxes inherit)" : "", acts);
}

static void check_landlock(struct doctor *d)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	if (abi >= 0)
		say(d, ST_OK, "landlock", NULL, "ABI %ld: sandboxes are confined to their view by Landlock too", abi);
	else
		say(d, ST_WARN, "landlock", "a kernel with it needs lsm=...,landlock at boot; without it the view rests on the mount namespace alone",
		    "not available: %s", errno == EOPNOTSUPP ? "built in but not enabled at boot" : strerror(errno));
}

/* 9. Where nestbox keeps its state and sockets (state.c's nb_state_base). */
static void check_runtime_dir(struct doctor *d)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char fix[128];
	struct stat st;

	snprintf(fix, sizeof fix, "log in through a PAM session with pam_systemd, or export XDG_RUNTIME_DIR=/run/user/%u, a 0700 directory of yours",
		 (unsigned)d->uid);
	if (!rt || rt[0] != '/') {
		say(d, ST_WARN, "runtime-dir", fix, "XDG_RUNTIME_DIR is %s: state and sockets go to /tmp/nestbox-%u",
		    rt && rt[0] ? "not an absolute path" : "not set", (unsigned)d->uid);
		return;
	}
	if (stat(rt, &st) < 0) {
		say(d, ST_WARN, "runtime-dir", fix, "XDG_RUNTIME_DIR=%s: %s: state and sockets go to /tmp/nestbox-%u", rt,
		    strerror(errno), (unsigned)d->uid);
		return;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != d->uid || (st.st_mode & 0777) != 0700) {
		snprintf(fix, sizeof fix, "make it a directory of yours with mode 0700, or unset XDG_RUNTIME_DIR");
		say(d, ST_FAIL, "runtime-dir", fix, "XDG_RUNTIME_DIR=%s is %s, owner uid %u, mode %04o: nestbox needs a 0700 directory of yours",
		    rt, nb_file_type(st.st_mode), (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		return;
	}
	say(d, ST_OK, "runtime-dir", NULL, "%s is yours, mode 0700", rt);
}

static const char usage[] =
	"Usage: nestbox doctor [--json]\n\n"
	"Check whether nestbox can work here, and what to fix if not: the kernel,\n"
	"the sysctls and AppArmor, your subordinate ids, newuidmap/newgidmap,\n"
	"slirp4netns and /dev/net/tun, cgroups, seccomp, XDG_RUNTIME_DIR, and\n"
	"trial sandboxes. One line per check: ok, warn or FAIL, then what to do.\n\n"
	"  --json  one JSON array, an object per check: check, status, detail, fix\n\n"
	"Exit status: 0 when 'nestbox run -- true' works for you, else 1.\n";

static int parse_args(int argc, char **argv, bool *json, bool *help, struct nb_err *err)
{
	static const char *const names[] = { "--json", "--help", NULL };

	for (int i = 1; i < argc; i++) {
		const char *mean;

		if (strcmp(argv[i], "--json") == 0) {
			*json = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			*help = true;
		} else if (argv[i][0] != '-') {
			nb_fail_hint(err, 0, "nestbox doctor [--json]", "doctor takes no arguments (got '%s')", argv[i]);
			return -1;
		} else {
			mean = nb_suggest(argv[i], names);
			nb_fail(err, 0, "doctor: unknown option '%s'", argv[i]);
			if (mean)
				nb_hint(err, "did you mean '%s'?", mean);
			else
				nb_hint(err, "nestbox doctor [--json]");
			return -1;
		}
	}
	return 0;
}

int nb_doctor(int argc, char **argv, struct nb_err *err)
{
	struct doctor d = { .uid = getuid() };
	bool json = false, help = false;

	if (parse_args(argc, argv, &json, &help, err) < 0)
		return -1;
	if (help) {
		fputs(usage, stdout);
		return 0;
	}
	d.user = nb_nss_user_name(d.uid);
	if (json)
		d.json = json_array();
	check_kernel(&d);
	check_userns_sysctls(&d);
	check_apparmor(&d);
	check_subid(&d, NB_SUBUID);
	check_subid(&d, NB_SUBGID);
	check_helper(&d, "newuidmap");
	check_helper(&d, "newgidmap");
	check_slirp(&d);
	check_tun(&d);
	check_cgroups(&d);
	check_seccomp(&d);
	check_landlock(&d);
	check_runtime_dir(&d);
	/* Last: a failing trial is explained by the checks above it. */
	check_trials(&d);
	if (d.json) {
		_cleanup_free_ char *text = json_dumps(d.json, JSON_INDENT(2));
		_cleanup_free_ char *line = nb_xasprintf("%s\n", text ? text : "[]");

		fputs(line, stdout);
		json_decref(d.json);
	}
	free(d.user);
	return d.default_ok ? 0 : 1;
}
