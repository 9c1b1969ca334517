/* bwrap.c: nestbox bwrap, bubblewrap's command line (0.11) as one more
 * front end. It fills struct nb_spec with bwrap's defaults and meanings,
 * and the one launcher runs it:
 *   - no default view: an empty, writable tmpfs root, and only the mounts
 *     asked for, in order;
 *   - the host's namespaces but user and mount, unless --unshare-*;
 *   - a single-id map, no seccomp filter, no Landlock;
 *   - capabilities only as --cap-add asks (all of a real root caller's);
 *   - inherited descriptors kept, the caller's session and terminal.
 * nestbox run's long options (--net=slirp, -p, --memory...) still work.
 * Options are handled in order, as bwrap does; --perms and --size apply
 * to the option after them. */
#include "bwrap.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capnames.h"
#include "options.h"
#include "report.h"
#include "util.h"

/* bwrap's own limits: 9000 arguments in all, and a tmpfs of at most
 * SIZE_MAX >> 1 bytes. Data read from a descriptor is capped here. */
#define MAX_ARGS 9000
#define MAX_DATA ((size_t)64 << 20)

struct bw {
	struct nb_spec *spec;
	int perms;           /* --perms for the next option, or -1 */
	char *size;          /* --size for the next --tmpfs, or NULL */
	char **ovl;          /* --overlay-src, for the next overlay */
	size_t n_ovl;
	uint64_t caps;       /* bwrap's requested_caps */
	bool caps_used;
	int seccomp;         /* 1 after --seccomp, 2 after --add-seccomp-fd */
	size_t n_args;
	const char *prog;    /* for --help: how it was called */
	bool done;           /* --help or --version was printed */
	unsigned seen;       /* which of once[] were given */
};

/* Options of which only the last counts: bwrap warns when repeated. */
static const char *const once[] = { "--chdir", "--uid", "--gid", "--hostname", "--info-fd", "--json-status-fd",
				    "--sync-fd", "--block-fd", "--userns-block-fd", "--exec-label", "--file-label" };

struct bw_opt;
typedef int bw_fn(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err);

struct bw_opt {
	const char *name;
	unsigned n;          /* arguments taken */
	bw_fn *fn;
	int kind;            /* the handler's own: a mount kind, a namespace bit */
	bool flag;           /* the handler's own: -try, read-only */
	const char *args;    /* for --help */
	const char *help;
};

/* --- reading descriptors ------------------------------------------------ */

static int parse_fd(const char *opt, const char *s, int *fd, struct nb_err *err)
{
	uint32_t v;

	(void)opt;
	/* bwrap's words, which its callers match. */
	if (nb_parse_u32(s, INT32_MAX, &v) < 0)
		return nb_fail(err, 0, "Invalid fd: %s", s);
	if (fcntl((int)v, F_GETFD) < 0)
		return nb_fail_hint(err, errno, "open it in the calling process and pass its number", "%s %s", opt, s);
	*fd = (int)v;
	return 0;
}

/* All of FD, as bwrap reads --args, --file and --seccomp data: a pipe, a
 * memfd or a file, up to MAX_DATA. NUL-terminated for --args. */
static int read_fd(const char *opt, int fd, char **out, size_t *len, struct nb_err *err)
{
	size_t cap = 65536, n = 0;
	char *buf = nb_xmalloc(cap + 1);
	ssize_t r;

	for (;;) {
		if (n == cap) {
			if (cap >= MAX_DATA) {
				free(buf);
				return nb_fail(err, EFBIG, "%s %d: more than %zu MiB", opt, fd, MAX_DATA >> 20);
			}
			cap *= 2;
			buf = nb_xrealloc(buf, cap + 1);
		}
		r = read(fd, buf + n, cap - n);
		if (r == 0)
			break;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			return nb_fail(err, e, "%s %d: cannot read it", opt, fd);
		}
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* --- the options -------------------------------------------------------- */

static int parse_args(struct bw *b, int argc, char **argv, bool in_file, int *used, struct nb_err *err);

static int h_help(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err);

static int h_version(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	(void)o, (void)a, (void)err;
	printf("bubblewrap 0.11.1 (nestbox %s)\n", NB_VERSION);
	b->done = true;
	return 0;
}

/* --args FD: more options, NUL-separated, read in place. */
static int h_args(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_free_ char **v = NULL;
	size_t len = 0, n = 0;
	int fd = -1, used = 0;

	TRY(parse_fd(o->name, a[0], &fd, err));
	TRY(read_fd(o->name, fd, &data, &len, err));
	close(fd);
	for (size_t i = 0; i < len; i += strlen(data + i) + 1)
		n++;
	if (b->n_args + n > MAX_ARGS)
		return nb_fail(err, E2BIG, "exceeded the maximum number of arguments, %d", MAX_ARGS);
	b->n_args += n;
	v = nb_xmalloc((n + 1) * sizeof *v);
	n = 0;
	for (size_t i = 0; i < len; i += strlen(data + i) + 1)
		v[n++] = data + i;
	v[n] = NULL;
	TRY(parse_args(b, (int)n, v, true, &used, err));
	if ((size_t)used < n)
		return nb_fail_hint(err, 0, "the command goes on the command line, after the options",
				    "--args %d: '%s' is not an option", fd, v[used]);
	/* The spec keeps pointers into the options it copied, never into
	 * data, so data can go. */
	return 0;
}

static int h_setter(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	const struct nb_option *opt = nb_option_find(o->name + 2);

	return opt->set(b->spec, o->n ? a[0] : NULL, err);
}

/* Messages in bwrap's words, which its callers match: "bwrap: ...". */
static struct nb_report_style style = { .prog = "bwrap", .bare_warnings = true };

static int h_level_prefix(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	(void)b, (void)o, (void)a, (void)err;
	style.levels = true;
	return 0;
}

static int h_unshare(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	unsigned ns = (unsigned)o->kind;

	(void)a, (void)err;
	/* The -try forms: a kernel without cgroup namespaces goes without. */
	if (o->flag && access("/proc/self/ns/cgroup", F_OK) < 0)
		ns &= ~(unsigned)NB_NS_CGROUP;
	b->spec->ns.shared &= ~ns;
	return 0;
}

static int h_share_net(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	(void)o, (void)a, (void)err;
	b->spec->ns.shared |= NB_NS_NET;
	return 0;
}

/* User namespaces: nestbox always makes one (bwrap does too, unprivileged). */
static int h_nop(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	(void)b, (void)o, (void)a, (void)err;
	return 0;
}

/* --userns FD, --pidns FD, --userns2 FD: join these (the child does, see
 * child.c). */
static int h_join(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	int fd = -1;

	TRY(parse_fd(o->name, a[0], &fd, err));
	*(o->kind == 1 ? &b->spec->ns.pidns_fd : o->kind == 2 ? &b->spec->ns.userns2_fd : &b->spec->ns.userns_fd) = fd;
	return 0;
}

static int h_assert_userns(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	(void)o, (void)a, (void)err;
	b->spec->priv.assert_userns_disabled = true;
	return 0;
}

static int h_id(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	uint32_t v;

	if (nb_parse_u32(a[0], UINT32_MAX - 1, &v) < 0)
		return nb_fail(err, 0, "invalid %s: %s", o->name + 2, a[0]);
	return (o->kind ? nb_set_gid : nb_set_uid)(b->spec, a[0], err);
}

static int h_clearenv(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	(void)o, (void)a;
	b->spec->proc.clearenv_all = true;
	return nb_set_clearenv(b->spec, NULL, err);
}

static int h_setenv(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	_cleanup_free_ char *kv = NULL;

	(void)o;
	if (!*a[0] || strchr(a[0], '='))
		return nb_fail(err, EINVAL, "--setenv: '%s' is not a variable name", a[0]);
	kv = nb_xasprintf("%s=%s", a[0], a[1]);
	return nb_set_env(b->spec, kv, err);
}

static int h_fd_field(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	int fd = -1;
	int *field = o->kind == 0 ? &b->spec->proc.sync_fd : o->kind == 1 ? &b->spec->proc.block_fd
										  : &b->spec->proc.userns_block_fd;

	TRY(parse_fd(o->name, a[0], &fd, err));
	*field = fd;
	return 0;
}

/* The next option that makes a file, directory or tmpfs takes --perms. */
static unsigned take_perms(struct bw *b, unsigned dflt)
{
	unsigned m = b->perms >= 0 ? (unsigned)b->perms : dflt;

	b->perms = -1;
	return m;
}

static int h_mount(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	struct nb_mount *m;
	bool two = o->n == 2;

	TRY(nb_spec_mount(b->spec, (enum nb_mnt_kind)o->kind, o->name, two ? a[0] : NULL, a[two], &m, err));
	m->try_ = o->flag;
	switch (m->kind) {
	case NB_MNT_DIR:
		m->mode = take_perms(b, 0755);
		break;
	case NB_MNT_TMPFS:
		m->mode = take_perms(b, 0755);
		m->size = nb_steal(&b->size);
		break;
	default:
		break;
	}
	return 0;
}

static int h_bind_fd(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	struct nb_mount *m;
	int fd = -1;

	char link[64], path[4096];
	ssize_t n;

	TRY(parse_fd(o->name, a[0], &fd, err));
	/* A descriptor of the caller's mount namespace cannot be bound in
	 * the sandbox's: its path is, checked there to be the same file. */
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof path - 1);
	if (n <= 0 || path[0] != '/')
		return nb_fail(err, n < 0 ? errno : 0, "%s %d: cannot find its path", o->name, fd);
	path[n] = '\0';
	TRY(nb_spec_mount(b->spec, NB_MNT_BIND_FD, o->name, path, a[1], &m, err));
	m->fd = fd;
	m->ro = o->flag;
	return 0;
}

/* --file, --bind-data, --ro-bind-data: the data is read now, as bwrap
 * does, so the descriptor may be a pipe the caller closes after. */
static int h_data(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	struct nb_mount *m;
	char *data = NULL;
	size_t len = 0;
	int fd = -1;

	TRY(parse_fd(o->name, a[0], &fd, err));
	TRY(read_fd(o->name, fd, &data, &len, err));
	close(fd);
	if (nb_spec_mount(b->spec, (enum nb_mnt_kind)o->kind, o->name, NULL, a[1], &m, err) < 0) {
		free(data);
		return -1;
	}
	m->data = data;
	m->data_len = len;
	m->ro = o->flag;
	m->mode = take_perms(b, o->kind == NB_MNT_FILE_DATA ? 0666 : 0600);
	return 0;
}

static int h_chmod(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	struct nb_mount *m;
	unsigned mode;

	TRY(nb_parse_mode(o->name, a[0], &mode, err));
	TRY(nb_spec_mount(b->spec, NB_MNT_CHMOD, o->name, NULL, a[1], &m, err));
	m->mode = mode;
	return 0;
}

static int h_overlay_src(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	(void)o, (void)err;
	nb_strv_push(&b->ovl, &b->n_ovl, nb_abs_src(a[0]));
	return 0;
}

/* --overlay RWSRC WORKDIR DEST, --tmp-overlay DEST, --ro-overlay DEST.
 * bwrap stacks the sources with the last one on top, which is the
 * kernel's lowerdir order reversed. */
static int h_overlay(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	struct nb_mount *m;

	if (b->n_ovl < (o->flag ? 2u : 1u))
		return nb_fail(err, 0, "%s requires at least %s --overlay-src", o->name, o->flag ? "two" : "one");
	TRY(nb_spec_mount(b->spec, NB_MNT_OVERLAY, o->name, NULL, a[o->n - 1], &m, err));
	for (size_t i = b->n_ovl; i-- > 0;)
		nb_strv_push(&m->lowers, &m->n_lowers, nb_steal(&b->ovl[i]));
	nb_strv_free(b->ovl);
	b->ovl = NULL;
	b->n_ovl = 0;
	m->ro = o->flag;
	if (o->n == 3) {
		m->upper = nb_abs_src(a[0]);
		m->work = nb_abs_src(a[1]);
	}
	return 0;
}

static int h_label(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	(void)b, (void)a, (void)err;
	if (access("/sys/fs/selinux/enforce", F_OK) == 0)
		return nb_fail_hint(err, ENOTSUP, "run without it", "%s: nestbox does not set SELinux labels", o->name);
	nb_warn("%s ignored: SELinux is not enabled", o->name);
	return 0;
}

/* --seccomp FD, --add-seccomp-fd FD: a compiled BPF program, as
 * libseccomp's seccomp_export_bpf() writes one. */
static int h_seccomp(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	struct nb_privileges *p = &b->spec->priv;
	char *data = NULL;
	size_t len = 0;
	uint32_t fd = 0;

	if (b->seccomp && (b->seccomp != o->kind || o->kind == 1))
		return nb_fail(err, 0, b->seccomp == o->kind ? "%s given twice" : "%s cannot be combined with %s", o->name,
			       o->kind == 1 ? "--add-seccomp-fd" : "--seccomp");
	b->seccomp = o->kind;
	/* bwrap's words, which its callers match; the descriptor is read and
	 * closed now, so the same one twice is an error. */
	if (nb_parse_u32(a[0], INT32_MAX, &fd) < 0)
		return nb_fail(err, 0, "Invalid fd: %s", a[0]);
	if (read_fd(o->name, (int)fd, &data, &len, err) < 0)
		return nb_fail(err, err->errnum, "Can't read seccomp data");
	close((int)fd);
	if (len % sizeof(struct sock_filter) || len / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		free(data);
		return nb_fail(err, 0, "Invalid seccomp data, must be multiple of 8");
	}
	/* An empty program filters nothing. */
	if (len == 0) {
		free(data);
		return 0;
	}
	p->bpf = nb_xrealloc(p->bpf, (p->n_bpf + 1) * sizeof *p->bpf);
	p->bpf[p->n_bpf++] = (struct nb_bpf){ .insns = data, .len = (unsigned short)(len / sizeof(struct sock_filter)) };
	return 0;
}

/* bwrap's requested caps: --cap-add and --cap-drop in order, ALL allowed. */
static int h_cap(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	uint64_t mask = 0;
	bool all = false;

	TRY(nb_cap_parse_list(o->name, a[0], &mask, &all, err));
	b->caps_used = true;
	if (o->kind)
		b->caps = all ? 0 : b->caps & ~mask;
	else
		b->caps |= mask;
	return 0;
}

static int h_perms(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	unsigned mode;

	if (b->perms >= 0)
		return nb_fail(err, 0, "--perms given twice for the same action");
	TRY(nb_parse_mode(o->name, a[0], &mode, err));
	b->perms = (int)mode;
	return 0;
}

static int h_size(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	uint64_t v;

	if (b->size)
		return nb_fail(err, 0, "--size given twice for the same action");
	if (!isdigit((unsigned char)a[0][0]) || nb_parse_u64(a[0], strlen(a[0]), &v) < 0 || v == 0)
		return nb_fail(err, 0, "--size takes a non-zero number of bytes");
	if (v > SIZE_MAX >> 1)
		return nb_fail(err, 0, "--size (for tmpfs) is limited to %zu", SIZE_MAX >> 1);
	TRY(nb_check_tmpfs_size(o->name, a[0], err));
	b->size = nb_xstrdup(a[0]);
	return 0;
}

#define MNT(name, n, kind, try_, args, help) { name, n, h_mount, kind, try_, args, help }
static const struct bw_opt opts[] = {
	{ "--help", 0, h_help, 0, false, NULL, "print this help" },
	{ "--version", 0, h_version, 0, false, NULL, "print the version" },
	{ "--args", 1, h_args, 0, false, "FD", "read more options from FD, NUL-separated" },
	{ "--argv0", 1, h_setter, 0, false, "VALUE", "argv[0] given to the command" },
	{ "--level-prefix", 0, h_level_prefix, 0, false, NULL, "start each message with its syslog level, e.g. <3>" },
	{ "--unshare-all", 0, h_unshare, NB_NS_PID | NB_NS_NET | NB_NS_IPC | NB_NS_UTS | NB_NS_CGROUP, true, NULL,
	  "every namespace new (cgroup where the kernel has it)" },
	{ "--share-net", 0, h_share_net, 0, false, NULL, "keep the host's network (after --unshare-all)" },
	{ "--unshare-user", 0, h_nop, 0, false, NULL, "a new user namespace (always: nestbox is unprivileged)" },
	{ "--unshare-user-try", 0, h_nop, 0, false, NULL, "the same" },
	{ "--unshare-ipc", 0, h_unshare, NB_NS_IPC, false, NULL, "a new IPC namespace" },
	{ "--unshare-pid", 0, h_unshare, NB_NS_PID, false, NULL, "a new PID namespace, with nestbox's init" },
	{ "--unshare-net", 0, h_unshare, NB_NS_NET, false, NULL, "a new network namespace (only lo; --net=slirp for more)" },
	{ "--unshare-uts", 0, h_unshare, NB_NS_UTS, false, NULL, "a new UTS namespace" },
	{ "--unshare-cgroup", 0, h_unshare, NB_NS_CGROUP, false, NULL, "a new cgroup namespace" },
	{ "--unshare-cgroup-try", 0, h_unshare, NB_NS_CGROUP, true, NULL, "the same, where the kernel has them" },
	{ "--userns", 1, h_join, 0, false, "FD", "join this user namespace instead of making one" },
	{ "--userns2", 1, h_join, 2, false, "FD", "switch to this user namespace once the view is built (with --userns)" },
	{ "--pidns", 1, h_join, 1, false, "FD", "the command joins this PID namespace (with --userns)" },
	{ "--disable-userns", 0, h_setter, 0, false, NULL, "make nested user namespaces impossible" },
	{ "--assert-userns-disabled", 0, h_assert_userns, 0, false, NULL, "fail unless nested user namespaces are impossible" },
	{ "--uid", 1, h_id, 0, false, "UID", "uid inside (mapped to yours)" },
	{ "--gid", 1, h_id, 1, false, "GID", "gid inside (mapped to yours)" },
	{ "--hostname", 1, h_setter, 0, false, "NAME", "host name inside (needs --unshare-uts)" },
	{ "--chdir", 1, h_setter, 0, false, "DIR", "start the command in DIR" },
	{ "--clearenv", 0, h_clearenv, 0, false, NULL, "unset every environment variable but PWD" },
	{ "--setenv", 2, h_setenv, 0, false, "VAR VALUE", "set an environment variable" },
	{ "--unsetenv", 1, h_setter, 0, false, "VAR", "unset an environment variable" },
	MNT("--lock-file", 1, NB_MNT_LOCK, false, "DEST", "hold a lock on DEST while the sandbox runs"),
	{ "--sync-fd", 1, h_fd_field, 0, false, "FD", "keep FD open while the sandbox runs" },
	MNT("--bind", 2, NB_MNT_BIND, false, "SRC DEST", "bind the host path SRC on DEST"),
	MNT("--bind-try", 2, NB_MNT_BIND, true, "SRC DEST", "the same, skipped if SRC is missing"),
	MNT("--dev-bind", 2, NB_MNT_DEV_BIND, false, "SRC DEST", "bind SRC on DEST, devices usable"),
	MNT("--dev-bind-try", 2, NB_MNT_DEV_BIND, true, "SRC DEST", "the same, skipped if SRC is missing"),
	MNT("--ro-bind", 2, NB_MNT_RO_BIND, false, "SRC DEST", "bind SRC on DEST read-only"),
	MNT("--ro-bind-try", 2, NB_MNT_RO_BIND, true, "SRC DEST", "the same, skipped if SRC is missing"),
	{ "--bind-fd", 2, h_bind_fd, 0, false, "FD DEST", "bind the open directory or path FD on DEST" },
	{ "--ro-bind-fd", 2, h_bind_fd, 0, true, "FD DEST", "the same, read-only" },
	MNT("--remount-ro", 1, NB_MNT_REMOUNT_RO, false, "DEST", "make DEST read-only"),
	{ "--overlay-src", 1, h_overlay_src, 0, false, "SRC", "a lower directory of the next overlay" },
	{ "--overlay", 3, h_overlay, 0, false, "RWSRC WORKDIR DEST", "overlayfs on DEST, writes to RWSRC" },
	{ "--tmp-overlay", 1, h_overlay, 0, false, "DEST", "overlayfs on DEST, writes to a tmpfs" },
	{ "--ro-overlay", 1, h_overlay, 0, true, "DEST", "overlayfs on DEST, read-only" },
	{ "--exec-label", 1, h_label, 0, false, "LABEL", "SELinux: ignored with a warning where it is off" },
	{ "--file-label", 1, h_label, 0, false, "LABEL", "SELinux: ignored with a warning where it is off" },
	MNT("--proc", 1, NB_MNT_PROC, false, "DEST", "a new proc on DEST"),
	MNT("--dev", 1, NB_MNT_DEV, false, "DEST", "a minimal /dev on DEST"),
	MNT("--tmpfs", 1, NB_MNT_TMPFS, false, "DEST", "a new tmpfs on DEST (--perms, --size)"),
	MNT("--mqueue", 1, NB_MNT_MQUEUE, false, "DEST", "a new mqueue on DEST"),
	MNT("--dir", 1, NB_MNT_DIR, false, "DEST", "make a directory (--perms)"),
	{ "--file", 2, h_data, NB_MNT_FILE_DATA, false, "FD DEST", "copy FD's data to a new file DEST (--perms)" },
	{ "--bind-data", 2, h_data, NB_MNT_BIND_DATA, false, "FD DEST", "FD's data in a file bound on DEST (--perms)" },
	{ "--ro-bind-data", 2, h_data, NB_MNT_BIND_DATA, true, "FD DEST", "the same, read-only" },
	MNT("--symlink", 2, NB_MNT_SYMLINK, false, "SRC DEST", "make a symlink DEST pointing to SRC"),
	{ "--seccomp", 1, h_seccomp, 1, false, "FD", "load the compiled seccomp program in FD" },
	{ "--add-seccomp-fd", 1, h_seccomp, 2, false, "FD", "the same, repeatable" },
	{ "--block-fd", 1, h_fd_field, 1, false, "FD", "wait for data on FD before running the command" },
	{ "--userns-block-fd", 1, h_fd_field, 2, false, "FD", "wait for data on FD once the id maps are written" },
	{ "--info-fd", 1, h_setter, 0, false, "FD", "write JSON about the sandbox to FD" },
	{ "--json-status-fd", 1, h_setter, 0, false, "FD", "write JSON status lines to FD" },
	{ "--new-session", 0, h_setter, 0, false, NULL, "a new terminal session" },
	{ "--die-with-parent", 0, h_setter, 0, false, NULL, "the sandbox dies with its caller" },
	{ "--as-pid-1", 0, h_setter, 0, false, NULL, "the command is pid 1 (needs --unshare-pid)" },
	{ "--cap-add", 1, h_cap, 0, false, "CAP", "keep CAP (or ALL) in the sandbox" },
	{ "--cap-drop", 1, h_cap, 1, false, "CAP", "drop CAP (or ALL)" },
	{ "--perms", 1, h_perms, 0, false, "OCTAL", "the mode of the next --dir, --tmpfs, --file or data" },
	{ "--size", 1, h_size, 0, false, "BYTES", "the size of the next --tmpfs" },
	{ "--chmod", 2, h_chmod, 0, false, "OCTAL PATH", "change PATH's mode (in the sandbox's own tmpfs)" },
};

static int h_help(struct bw *b, const struct bw_opt *o, char **a, struct nb_err *err)
{
	(void)o, (void)a, (void)err;
	printf("usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n\n", b->prog);
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		char left[64];

		snprintf(left, sizeof left, "%s%s%s", opts[i].name, opts[i].args ? " " : "", opts[i].args ? opts[i].args : "");
		printf("    %-28s %s\n", left, opts[i].help);
	}
	printf("\nnestbox run's long options work too (--net=slirp, -p, --memory...): 'nestbox run --help'.\n");
	b->done = true;
	return 0;
}

/* A long option of nestbox run: --name=VALUE or --name VALUE. */
static int nestbox_option(struct bw *b, int argc, char **argv, int *taken, struct nb_err *err)
{
	const char *arg = argv[0], *eq = strchr(arg, '=');
	_cleanup_free_ char *name = eq ? nb_xstrndup(arg + 2, (size_t)(eq - arg - 2)) : nb_xstrdup(arg + 2);
	const struct nb_option *o = arg[1] == '-' ? nb_option_find(name) : NULL;
	const char *value = eq ? eq + 1 : NULL;

	if (arg[1] == 'p' && arg[2] == '\0')
		o = nb_option_find("publish");
	if (!o || strcmp(o->name, "profile") == 0)
		return nb_fail_hint(err, 0, "'nestbox bwrap --help' lists bwrap's options, and nestbox run's long ones work too",
				    "Unknown option %s", arg);
	*taken = 1;
	if (o->metavar && !value) {
		if (argc < 2)
			return nb_fail(err, 0, "%s takes an argument", arg);
		value = argv[1];
		*taken = 2;
	}
	if (!o->metavar && value)
		return nb_fail(err, 0, "%s takes no argument", o->name);
	TRY(o->set(b->spec, value, err));
	/* --net=slirp or none asks for a network namespace, which bwrap
	 * shares unless told. */
	if (strcmp(o->name, "net") == 0) {
		if (b->spec->net.mode == NB_NET_HOST)
			b->spec->ns.shared |= NB_NS_NET;
		else
			b->spec->ns.shared &= ~(unsigned)NB_NS_NET;
	}
	return 0;
}

static void warn_repeated(struct bw *b, const char *name)
{
	for (unsigned k = 0; k < ARRAY_SIZE(once); k++) {
		if (strcmp(name, once[k]) != 0)
			continue;
		if (b->seen & (1u << k))
			nb_warn("Only the last %s option will take effect", name);
		b->seen |= 1u << k;
	}
}

/* What must follow --perms, --size and --overlay-src. */
static int check_modifiers(struct bw *b, const char *name, struct nb_err *err)
{
	bool perms = strcmp(name, "--perms") == 0, size = strcmp(name, "--size") == 0;

	if (!perms && !size && b->perms >= 0)
		return nb_fail(err, 0, "--perms must be followed by an option that creates a file");
	if (!perms && !size && b->size)
		return nb_fail(err, 0, "--size must be followed by --tmpfs");
	if (strcmp(name, "--overlay-src") != 0 && b->n_ovl && strstr(name, "overlay") == NULL)
		return nb_fail(err, 0, "--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay");
	return 0;
}

static const struct bw_opt *find_opt(const char *arg)
{
	for (size_t k = 0; k < ARRAY_SIZE(opts); k++)
		if (strcmp(arg, opts[k].name) == 0)
			return &opts[k];
	return NULL;
}

static int parse_args(struct bw *b, int argc, char **argv, bool in_file, int *used, struct nb_err *err)
{
	int i = 0;

	while (i < argc && !b->done) {
		const char *arg = argv[i];
		const struct bw_opt *o = NULL;
		int taken = 0;

		if (strcmp(arg, "--") == 0 && !in_file) {
			i++;
			break;
		}
		if (arg[0] != '-')
			break;
		o = find_opt(arg);
		if (!o) {
			if (nestbox_option(b, argc - i, argv + i, &taken, err) < 0)
				return -1;
		} else if (in_file && o->fn == h_args) {
			return nb_fail(err, 0, "--args not supported in arguments file");
		} else {
			warn_repeated(b, o->name);
			if (argc - i - 1 < (int)o->n)
				return nb_fail(err, 0, "%s takes %s", o->name,
					       o->n == 1 ? "an argument" : o->n == 2 ? "two arguments" : "three arguments");
			if (o->fn(b, o, argv + i + 1, err) < 0)
				return -1;
			taken = 1 + (int)o->n;
		}
		TRY(check_modifiers(b, arg, err));
		i += taken;
	}
	*used = i;
	return 0;
}

/* bwrap's defaults, before any option. */
static void defaults(struct nb_spec *s)
{
	s->view.empty_root = true;
	s->ns.shared = NB_NS_PID | NB_NS_NET | NB_NS_IPC | NB_NS_UTS | NB_NS_CGROUP;
	s->id.map_mode = NB_MAP_SINGLE;
	s->id.no_name = true; /* no /etc/passwd entry is written */
	s->priv.seccomp = nb_xstrdup("unconfined");
	s->priv.landlock = 0;
	s->proc.new_session = false;
	s->proc.tty = NB_TTY_NEVER;
	s->proc.keep_fds = true;
	s->life.die_with_parent = false;
	s->net.host_by_default = true;
	s->bwrap_words = true;
	s->report.payload_pid = true;
}

/* The payload holds exactly the requested caps: bounding, permitted,
 * effective, inheritable and ambient, as bwrap's drop_all_caps() and
 * set_ambient_capabilities() leave them. A real root caller starts from
 * all of its own. */
static void apply_caps(struct bw *b)
{
	struct nb_privileges *p = &b->spec->priv;
	uint64_t c = b->caps & nb_cap_all();

	p->cap_drop_all = true;
	p->cap_add = c;
	p->caps_set = true;
	p->caps_e = p->caps_p = p->caps_i = c;
	p->inh_set = true;
	p->inh = c;
	p->ambient = c;
}

int nb_bwrap_parse(int argc, char **argv, const char *prog, struct nb_spec *spec, bool *done, struct nb_err *err)
{
	struct bw b = { .spec = spec, .perms = -1, .n_args = (size_t)argc, .prog = prog };
	int used = 0, rc;

	defaults(spec);
	if (strcmp(prog, "nestbox bwrap") == 0) {
		style.prog = "nestbox";
		style.bare_warnings = false;
	}
	nb_report_set_handler(nb_report_stderr, &style);
	if (getuid() == 0)
		b.caps = nb_cap_all();
	rc = parse_args(&b, argc - 1, argv + 1, false, &used, err);
	if (rc == 0 && !b.done && b.n_ovl)
		rc = nb_fail(err, 0, "--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay");
	if (rc == 0 && !b.done && (b.perms >= 0 || b.size))
		rc = nb_fail(err, 0, "%s must be followed by an option that uses it", b.size ? "--size" : "--perms");
	free(b.size);
	nb_strv_free(b.ovl);
	if (rc < 0)
		return -1;
	*done = b.done;
	if (b.done)
		return 0;
	spec->proc.argv = argv + 1 + used;
	if (!spec->proc.argv[0])
		return nb_fail_hint(err, 0, "nestbox bwrap [OPTIONS...] [--] COMMAND [ARGS...]", "no command specified");
	apply_caps(&b);
	/* A new UTS namespace keeps the host's name, as in bwrap. */
	if (!(spec->ns.shared & NB_NS_UTS) && !spec->ns.hostname) {
		char host[256] = "";

		if (gethostname(host, sizeof host - 1) == 0 && *host)
			spec->ns.hostname = nb_xstrdup(host);
	}
	return 0;
}
