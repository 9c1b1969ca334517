/* spec-view.c: the setters of the filesystem view options (--rootfs,
 * --bind and friends, --overlay): syntax only; mounts.c does the work. */
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "spec-internal.h"
#include "util.h"

/* --- the filesystem view ------------------------------------------------ */

/* Destinations are absolute and free of "..": they are resolved inside the
 * new root, and ".." is the classic way out of one. */
static int clean_dest(const char *opt, const char *in, char **out, struct nb_err *err)
{
	size_t n = strlen(in);
	char *o = nb_xmalloc(n + 2), *w = o;

	if (in[0] != '/') {
		free(o);
		return nb_fail(err, 0, "%s: destination '%s' is not an absolute path", opt, in);
	}
	for (const char *p = in; *p;) {
		const char *e;
		size_t len;

		while (*p == '/')
			p++;
		e = strchrnul(p, '/');
		len = (size_t)(e - p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			free(o);
			return nb_fail_hint(err, 0, "give the path as it is inside the sandbox, without '..'",
					    "%s: destination '%s' contains '..'", opt, in);
		}
		if (len > 0 && !(len == 1 && p[0] == '.')) {
			*w++ = '/';
			memcpy(w, p, len);
			w += len;
		}
		p = e;
	}
	if (w == o)
		*w++ = '/';
	*w = '\0';
	*out = o;
	return 0;
}

char *nb_abs_src(const char *src)
{
	char *cwd;
	char *r;

	if (src[0] == '/')
		return nb_xstrdup(src);
	cwd = getcwd(NULL, 0);
	r = nb_xasprintf("%s/%s", cwd ? cwd : "", src);
	free(cwd);
	return r;
}

struct nb_mount *nb_spec_add_mount(struct nb_spec *s, enum nb_mnt_kind kind, const char *opt)
{
	struct nb_mount *m;

	s->view.mounts = nb_xrealloc(s->view.mounts, (s->view.n_mounts + 1) * sizeof *s->view.mounts);
	m = &s->view.mounts[s->view.n_mounts++];
	memset(m, 0, sizeof *m);
	m->kind = kind;
	m->opt = opt;
	m->fd = -1;
	return m;
}

int nb_spec_mount(struct nb_spec *s, enum nb_mnt_kind kind, const char *opt, const char *src, const char *dest,
		  struct nb_mount **out, struct nb_err *err)
{
	char *d = NULL;

	TRY(clean_dest(opt, dest, &d, err));
	*out = nb_spec_add_mount(s, kind, opt);
	(*out)->dest = d;
	if (src)
		(*out)->src = kind == NB_MNT_SYMLINK ? nb_xstrdup(src) : nb_abs_src(src);
	return 0;
}

/* SRC[:DEST], split at the last ':' so that only DEST must be colon-free. */
static int add_bind(struct nb_spec *s, const char *arg, enum nb_mnt_kind kind, bool try_,
		    const char *opt, struct nb_err *err)
{
	const char *colon = strrchr(arg, ':');
	_cleanup_free_ char *src = colon ? nb_xstrndup(arg, (size_t)(colon - arg)) : nb_xstrdup(arg);
	char *dest = NULL;
	struct nb_mount *m;

	if (!*src)
		return nb_fail_hint(err, 0, "the form is SRC[:DEST]", "%s: '%s' has no source", opt, arg);
	if (kind == NB_MNT_FILE && !colon)
		return nb_fail_hint(err, 0, "the form is SRC:DEST",
				    "%s: '%s' has no destination", opt, arg);
	TRY(clean_dest(opt, colon ? colon + 1 : src, &dest, err));
	/* Over / it would be hidden by the view itself. */
	if (strcmp(dest, "/") == 0 && kind != NB_MNT_FILE) {
		free(dest);
		return nb_fail_hint(err, 0, "to use a directory as the whole root, give it as --rootfs DIR (with --read-only for a read-only one)",
				    "%s %s: a bind cannot replace the sandbox's root", opt, arg);
	}
	m = nb_spec_add_mount(s, kind, opt);
	m->try_ = try_;
	m->src = nb_abs_src(src);
	m->dest = dest;
	return 0;
}

#define BIND_SETTER(fn, kind, try_, opt)                                       \
	int fn(struct nb_spec *s, const char *arg, struct nb_err *err)         \
	{                                                                      \
		return add_bind(s, arg, kind, try_, opt, err);                 \
	}
BIND_SETTER(nb_set_bind, NB_MNT_BIND, false, "--bind")
BIND_SETTER(nb_set_bind_try, NB_MNT_BIND, true, "--bind-try")
BIND_SETTER(nb_set_ro_bind, NB_MNT_RO_BIND, false, "--ro-bind")
BIND_SETTER(nb_set_ro_bind_try, NB_MNT_RO_BIND, true, "--ro-bind-try")
BIND_SETTER(nb_set_dev_bind, NB_MNT_DEV_BIND, false, "--dev-bind")
BIND_SETTER(nb_set_dev_bind_try, NB_MNT_DEV_BIND, true, "--dev-bind-try")
BIND_SETTER(nb_set_file, NB_MNT_FILE, false, "--file")

int nb_parse_mode(const char *opt, const char *s, unsigned *mode, struct nb_err *err)
{
	char *end;
	unsigned long v = strtoul(s, &end, 8);

	if (!*s || *end || v > 07777)
		return nb_fail(err, 0, "%s: mode '%s' is not an octal mode up to 7777", opt, s);
	*mode = (unsigned)v;
	return 0;
}

/* tmpfs sizes as the kernel takes them: a number with k, m, g or %. Not
 * 0, which the kernel reads as no limit at all, and nothing that wraps
 * (bubblewrap refuses both). */
int nb_check_tmpfs_size(const char *opt, const char *s, struct nb_err *err)
{
	size_t digits = strspn(s, "0123456789");
	const char *u = s + digits;
	unsigned shift = 0;
	uint64_t v;

	if (nb_parse_u64(s, digits, &v) < 0 || (*u && (u[1] || !strchr("kKmMgG%", *u))))
		return nb_fail(err, 0, "%s: size '%s' is not a number with an optional k, m, g or %% suffix", opt, s);
	if (*u && *u != '%')
		shift = (*u | 0x20) == 'k' ? 10 : (*u | 0x20) == 'm' ? 20 : 30;
	if (v == 0)
		return nb_fail_hint(err, 0, "give a size above 0", "%s: size '%s' would make the tmpfs unlimited", opt, s);
	if (v > (UINT64_MAX >> shift) || (*u == '%' && v > 10000))
		return nb_fail(err, 0, "%s: size '%s' is too large", opt, s);
	return 0;
}

static int add_simple(struct nb_spec *s, const char *arg, enum nb_mnt_kind kind, const char *opt,
		      struct nb_err *err)
{
	char *dest = NULL;

	TRY(clean_dest(opt, arg, &dest, err));
	nb_spec_add_mount(s, kind, opt)->dest = dest;
	return 0;
}

int nb_set_proc(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return add_simple(s, arg, NB_MNT_PROC, "--proc", err);
}

int nb_set_dev(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return add_simple(s, arg, NB_MNT_DEV, "--dev", err);
}

int nb_set_remount_ro(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return add_simple(s, arg, NB_MNT_REMOUNT_RO, "--remount-ro", err);
}

int nb_set_mask(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return add_simple(s, arg, NB_MNT_MASK, "--mask", err);
}

int nb_set_tmpfs(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	const char *colon = strchr(arg, ':');
	_cleanup_free_ char *d = colon ? nb_xstrndup(arg, (size_t)(colon - arg)) : nb_xstrdup(arg);
	_cleanup_free_ char *opts = colon ? nb_xstrdup(colon + 1) : NULL;
	_cleanup_free_ char *size = NULL;
	char *dest = NULL, *save = NULL;
	struct nb_mount *m;
	unsigned mode = 0;

	for (char *o = opts ? strtok_r(opts, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
		if (strncmp(o, "size=", 5) == 0) {
			TRY(nb_check_tmpfs_size("--tmpfs", o + 5, err));
			free(size);
			size = nb_xstrdup(o + 5);
		} else if (strncmp(o, "mode=", 5) == 0) {
			TRY(nb_parse_mode("--tmpfs", o + 5, &mode, err));
		} else {
			return nb_fail_hint(err, 0, "the form is DEST[:size=N,mode=M]",
					    "--tmpfs: unknown option '%s'", o);
		}
	}
	TRY(clean_dest("--tmpfs", d, &dest, err));
	m = nb_spec_add_mount(s, NB_MNT_TMPFS, "--tmpfs");
	m->dest = dest;
	m->size = nb_steal(&size);
	m->mode = mode;
	return 0;
}

int nb_set_dir(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	const char *colon = strchr(arg, ':');
	_cleanup_free_ char *d = colon ? nb_xstrndup(arg, (size_t)(colon - arg)) : nb_xstrdup(arg);
	unsigned mode = 0755;
	char *dest = NULL;

	if (colon)
		TRY(nb_parse_mode("--dir", colon + 1, &mode, err));
	TRY(clean_dest("--dir", d, &dest, err));
	nb_spec_add_mount(s, NB_MNT_DIR, "--dir")->dest = dest;
	s->view.mounts[s->view.n_mounts - 1].mode = mode;
	return 0;
}

int nb_set_symlink(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	const char *colon = strrchr(arg, ':');
	char *dest = NULL;
	struct nb_mount *m;

	if (!colon || colon == arg)
		return nb_fail_hint(err, 0, "the form is TARGET:LINK",
				    "--symlink: cannot parse '%s'", arg);
	TRY(clean_dest("--symlink", colon + 1, &dest, err));
	m = nb_spec_add_mount(s, NB_MNT_SYMLINK, "--symlink");
	m->src = nb_xstrndup(arg, (size_t)(colon - arg));
	m->dest = dest;
	return 0;
}

int nb_set_overlay(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	const char *colon = strrchr(arg, ':');
	_cleanup_free_ char *lowers = colon ? nb_xstrndup(arg, (size_t)(colon - arg)) : NULL;
	char *dest = NULL, *save = NULL;
	struct nb_mount *m;

	if (!colon || !*lowers)
		return nb_fail_hint(err, 0, "the form is LOWER[:LOWER2...]:DEST", "--overlay: cannot parse '%s'", arg);
	TRY(clean_dest("--overlay", colon + 1, &dest, err));
	m = nb_spec_add_mount(s, NB_MNT_OVERLAY, "--overlay");
	m->dest = dest;
	/* Each lower is a host path, made absolute. */
	for (char *l = strtok_r(lowers, ":", &save); l; l = strtok_r(NULL, ":", &save))
		nb_strv_push(&m->lowers, &m->n_lowers, nb_abs_src(l));
	if (!m->n_lowers)
		return nb_fail(err, 0, "--overlay: '%s' names no lower directory", arg);
	return 0;
}

static int set_overlay_dir(struct nb_spec *s, const char *arg, bool upper, struct nb_err *err)
{
	const char *opt = upper ? "--overlay-upper" : "--overlay-work";
	struct nb_mount *m = s->view.n_mounts ? &s->view.mounts[s->view.n_mounts - 1] : NULL;
	char **field;

	if (!m || m->kind != NB_MNT_OVERLAY)
		return nb_fail(err, 0, "%s must follow the --overlay it belongs to", opt);
	field = upper ? &m->upper : &m->work;
	if (*field)
		return nb_fail(err, 0, "%s given twice for --overlay ...:%s", opt, m->dest);
	*field = nb_abs_src(arg);
	return 0;
}

int nb_set_overlay_upper(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return set_overlay_dir(s, arg, true, err);
}

int nb_set_overlay_work(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return set_overlay_dir(s, arg, false, err);
}

int nb_set_rootfs(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	(void)err;
	free(s->view.rootfs);
	s->view.rootfs = nb_abs_src(arg);
	return 0;
}

FLAG_SETTER(nb_set_read_only, view.read_only, true)
FLAG_SETTER(nb_set_bind_cwd, view.bind_cwd, true)

