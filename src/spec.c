/* spec.c: the setters that fill struct nb_spec, and its final validation.
 * Option names in messages are the long names users typed. */
#include "spec.h"

#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "util.h"

void nb_spec_init(struct nb_spec *spec)
{
	memset(spec, 0, sizeof *spec);
	spec->map_mode = NB_MAP_AUTO;
	spec->new_session = true;
	spec->die_with_parent = true;
	spec->secbits = -1;
	spec->info_fd = -1;
}

void nb_spec_release(struct nb_spec *spec)
{
	for (size_t i = 0; i < spec->n_env; i++)
		free(spec->env[i].arg);
	free(spec->env);
	free(spec->uid_map);
	free(spec->gid_map);
	free(spec->pass_fds);
	free(spec->hostname);
	free(spec->argv0);
	free(spec->chdir);
	for (size_t i = 0; i < spec->n_mounts; i++) {
		free(spec->mounts[i].src);
		free(spec->mounts[i].dest);
		free(spec->mounts[i].size);
		free(spec->mounts[i].upper);
		free(spec->mounts[i].work);
	}
	free(spec->mounts);
	free(spec->rootfs);
	free(spec->cwd);
	free(spec->seccomp);
	free(spec->cidr);
	for (size_t i = 0; i < spec->n_dns; i++)
		free(spec->dns[i]);
	free(spec->dns);
	for (size_t i = 0; i < spec->n_publish; i++)
		free(spec->publish[i].text);
	free(spec->publish);
	memset(spec, 0, sizeof *spec);
}

int nb_set_map(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (strcmp(arg, "auto") == 0)
		s->map_mode = NB_MAP_AUTO;
	else if (strcmp(arg, "single") == 0)
		s->map_mode = NB_MAP_SINGLE;
	else
		return nb_fail(err, 0, "--map: unknown mode '%s'", arg),
		       nb_hint(err, "use --map=auto or --map=single");
	return 0;
}

/* IN:OUT:COUNT with each field a decimal id; the ranges must not wrap. */
static int add_range(const char *opt, const char *arg, struct nb_idrange **v, size_t *n,
		     struct nb_err *err)
{
	char buf[64], *f1, *f2;
	uint32_t in, out, count;

	if (strlen(arg) >= sizeof buf)
		goto bad;
	memcpy(buf, arg, strlen(arg) + 1);
	f1 = strchr(buf, ':');
	f2 = f1 ? strchr(f1 + 1, ':') : NULL;
	if (!f2)
		goto bad;
	*f1++ = '\0';
	*f2++ = '\0';
	if (nb_parse_u32(buf, UINT32_MAX - 1, &in) < 0 || nb_parse_u32(f1, UINT32_MAX - 1, &out) < 0 ||
	    nb_parse_u32(f2, UINT32_MAX - 1, &count) < 0)
		goto bad;
	if (count == 0 || (uint64_t)in + count > UINT32_MAX || (uint64_t)out + count > UINT32_MAX)
		return nb_fail(err, 0, "%s: range '%s' is empty or wraps past 4294967294", opt, arg);
	if (*n >= NB_MAX_MAP_LINES)
		return nb_fail(err, 0, "%s: at most %d ranges are allowed", opt, NB_MAX_MAP_LINES);
	*v = nb_xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = (struct nb_idrange){ in, out, count };
	return 0;
bad:
	nb_fail(err, 0, "%s: cannot parse '%s'", opt, arg);
	return nb_hint(err, "the form is INSIDE:HOST:COUNT, e.g. 0:100000:65536");
}

int nb_set_uid_map(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return add_range("--uid-map", arg, &s->uid_map, &s->n_uid_map, err);
}

int nb_set_gid_map(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return add_range("--gid-map", arg, &s->gid_map, &s->n_gid_map, err);
}

int nb_set_uid(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (nb_parse_u32(arg, UINT32_MAX - 1, &s->uid) < 0)
		return nb_fail(err, 0, "--uid: '%s' is not a numeric uid", arg);
	s->uid_set = true;
	return 0;
}

int nb_set_gid(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (nb_parse_u32(arg, UINT32_MAX - 1, &s->gid) < 0)
		return nb_fail(err, 0, "--gid: '%s' is not a numeric gid", arg);
	s->gid_set = true;
	return 0;
}

int nb_set_root(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	(void)arg;
	(void)err;
	s->uid = s->gid = 0;
	s->uid_set = s->gid_set = true;
	return 0;
}

static const struct {
	const char *name;
	unsigned bit;
} ns_names[] = {
	{ "pid", NB_NS_PID }, { "net", NB_NS_NET },	  { "ipc", NB_NS_IPC },
	{ "uts", NB_NS_UTS }, { "cgroup", NB_NS_CGROUP },
};

int nb_set_share(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	_cleanup_free_ char *copy = nb_xstrdup(arg);
	char *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(ns_names); i++)
			if (strcmp(t, ns_names[i].name) == 0)
				break;
		if (i == ARRAY_SIZE(ns_names))
			return nb_fail(err, 0, "--share: unknown namespace '%s'", t),
			       nb_hint(err, "choose from net, ipc, uts, pid, cgroup; the user and mount namespaces are always new");
		s->shared |= ns_names[i].bit;
	}
	return 0;
}

int nb_set_hostname(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	/* The kernel limit is HOST_NAME_MAX (64). */
	if (!*arg || strlen(arg) > 64)
		return nb_fail(err, 0, "--hostname: '%s' must be 1 to 64 characters", arg);
	free(s->hostname);
	s->hostname = nb_xstrdup(arg);
	return 0;
}

int nb_set_chdir(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (*arg != '/')
		return nb_fail(err, 0, "--chdir: '%s' is not an absolute path", arg);
	free(s->chdir);
	s->chdir = nb_xstrdup(arg);
	return 0;
}

static void add_env(struct nb_spec *s, enum nb_env_op op, const char *arg)
{
	s->env = nb_xrealloc(s->env, (s->n_env + 1) * sizeof *s->env);
	s->env[s->n_env++] = (struct nb_envop){ op, nb_xstrdup(arg) };
}

int nb_set_env(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return nb_fail(err, 0, "--env: '%s' is not of the form NAME=VALUE", arg);
	add_env(s, NB_ENV_SET, arg);
	return 0;
}

int nb_set_unsetenv(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (!*arg || strchr(arg, '='))
		return nb_fail(err, 0, "--unsetenv: '%s' is not a variable name", arg);
	add_env(s, NB_ENV_UNSET, arg);
	return 0;
}

int nb_set_clearenv(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	(void)arg;
	(void)err;
	s->clearenv = true;
	return 0;
}

int nb_set_argv0(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	(void)err;
	free(s->argv0);
	s->argv0 = nb_xstrdup(arg);
	return 0;
}

#define FLAG_SETTER(fn, field, value)                                          \
	int fn(struct nb_spec *s, const char *arg, struct nb_err *err)         \
	{                                                                      \
		(void)arg;                                                     \
		(void)err;                                                     \
		s->field = value;                                              \
		return 0;                                                      \
	}
FLAG_SETTER(nb_set_new_session, new_session, true)
FLAG_SETTER(nb_set_no_new_session, new_session, false)
FLAG_SETTER(nb_set_die_with_parent, die_with_parent, true)
FLAG_SETTER(nb_set_no_die_with_parent, die_with_parent, false)
FLAG_SETTER(nb_set_as_pid1, as_pid1, true)
FLAG_SETTER(nb_set_verbose, verbose, true)
FLAG_SETTER(nb_set_help, print_help, true)

int nb_set_pass_fd(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	uint32_t fd;

	if (nb_parse_u32(arg, INT32_MAX, &fd) < 0)
		return nb_fail(err, 0, "--pass-fd: '%s' is not a file descriptor number", arg);
	if (fd <= 2)
		return nb_fail(err, 0, "--pass-fd: %u is always passed", fd);
	if (fcntl((int)fd, F_GETFD) < 0)
		return nb_fail(err, errno, "--pass-fd: %u", fd),
		       nb_hint(err, "open it in the calling shell, e.g. '3<file'");
	s->pass_fds = nb_xrealloc(s->pass_fds, (s->n_pass_fds + 1) * sizeof *s->pass_fds);
	s->pass_fds[s->n_pass_fds++] = (int)fd;
	return 0;
}

int nb_spec_finish(struct nb_spec *spec, struct nb_err *err)
{
	if (!spec->argv || !spec->argv[0])
		return nb_fail(err, 0, "no command given"),
		       nb_hint(err, "nestbox run [OPTIONS] [--] COMMAND [ARGS...]");
	if (!spec->uid_set)
		spec->uid = (uint32_t)getuid();
	if (!spec->gid_set)
		spec->gid = (uint32_t)getgid();
	if (spec->hostname && (spec->shared & NB_NS_UTS))
		return nb_fail(err, 0, "--hostname needs a private UTS namespace"),
		       nb_hint(err, "drop 'uts' from --share");
	if (spec->as_pid1 && (spec->shared & NB_NS_PID))
		return nb_fail(err, 0, "--as-pid-1 needs a private PID namespace"),
		       nb_hint(err, "drop 'pid' from --share");
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct nb_mount *m = &spec->mounts[i];
		if (m->kind == NB_MNT_OVERLAY && !m->upper != !m->work)
			return nb_fail(err, 0, "--overlay ...:%s: --overlay-upper and --overlay-work go together", m->dest),
			       nb_hint(err, "give both, or neither for a tmpfs upper");
	}
	/* --share=net and --net=host are the same thing. */
	if (spec->shared & NB_NS_NET) {
		if (spec->net == NB_NET_SLIRP)
			return nb_fail(err, 0, "--net=slirp needs a private net namespace"),
			       nb_hint(err, "drop 'net' from --share");
		spec->net = NB_NET_HOST;
	}
	if (spec->net == NB_NET_HOST)
		spec->shared |= NB_NS_NET;
	if (spec->net != NB_NET_SLIRP) {
		const char *o = spec->n_publish ? "--publish" : spec->mtu ? "--mtu" : spec->cidr ? "--cidr" :
				spec->ipv6 ? "--enable-ipv6" : spec->n_dns ? "--dns" : spec->disable_dns ? "--disable-dns" :
				spec->allow_host_loopback ? "--allow-host-loopback" : NULL;
		if (o)
			return nb_fail(err, 0, "%s needs --net=slirp", o);
	}
	/* libslirp delivers a forwarded datagram from 10.0.2.2, the host's
	 * loopback alias, and --disable-host-loopback drops the reply to it. */
	for (size_t i = 0; i < spec->n_publish; i++)
		if (spec->publish[i].udp && !spec->allow_host_loopback)
			return nb_fail(err, 0, "--publish %s: slirp4netns can forward UDP only with --allow-host-loopback", spec->publish[i].text),
			       nb_hint(err, "it delivers the datagrams from 10.0.2.2 and drops the replies unless the host's loopback is reachable; add --allow-host-loopback, or publish TCP");
	if (spec->allow_userns && spec->disable_userns)
		return nb_fail(err, 0, "--allow-userns and --disable-userns contradict each other");
	if (spec->disable_userns && ((spec->shared & NB_NS_PID) || spec->as_pid1))
		return nb_fail(err, 0, "--disable-userns needs nestbox's init"),
		       nb_hint(err, "drop --as-pid-1 and 'pid' from --share");
	if (spec->read_only && !spec->rootfs)
		return nb_fail(err, 0, "--read-only needs --rootfs"),
		       nb_hint(err, "the default view is read-only already; use --remount-ro for other paths");
	free(spec->cwd);
	spec->cwd = getcwd(NULL, 0);
	if (spec->bind_cwd && !spec->cwd)
		return nb_fail(err, errno, "--bind-cwd: cannot get the current directory");
	if (spec->map_mode == NB_MAP_SINGLE && (spec->n_uid_map || spec->n_gid_map))
		return nb_fail(err, 0, "--map=single cannot be combined with --uid-map or --gid-map"),
		       nb_hint(err, "a custom map is written by newuidmap/newgidmap; drop --map=single");
	return 0;
}

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
			return nb_fail(err, 0, "%s: destination '%s' contains '..'", opt, in),
			       nb_hint(err, "give the path as it is inside the sandbox, without '..'");
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

/* A relative source is taken from the caller's working directory. */
static char *abs_src(const char *src)
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

static struct nb_mount *add_mount(struct nb_spec *s, enum nb_mnt_kind kind, const char *opt)
{
	struct nb_mount *m;

	s->mounts = nb_xrealloc(s->mounts, (s->n_mounts + 1) * sizeof *s->mounts);
	m = &s->mounts[s->n_mounts++];
	memset(m, 0, sizeof *m);
	m->kind = kind;
	m->opt = opt;
	return m;
}

/* SRC[:DEST], split at the last ':' so that only DEST must be colon-free. */
static int add_bind(struct nb_spec *s, const char *arg, enum nb_mnt_kind kind, bool try_,
		    const char *opt, struct nb_err *err)
{
	const char *colon = strrchr(arg, ':');
	_cleanup_free_ char *src = colon ? strndup(arg, (size_t)(colon - arg)) : nb_xstrdup(arg);
	char *dest = NULL;
	struct nb_mount *m;

	if (!src || !*src)
		return nb_fail(err, 0, "%s: '%s' has no source", opt, arg),
		       nb_hint(err, "the form is SRC[:DEST]");
	if (kind == NB_MNT_FILE && !colon)
		return nb_fail(err, 0, "%s: '%s' has no destination", opt, arg),
		       nb_hint(err, "the form is SRC:DEST");
	TRY(clean_dest(opt, colon ? colon + 1 : src, &dest, err));
	m = add_mount(s, kind, opt);
	m->try_ = try_;
	m->src = abs_src(src);
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

static int parse_mode(const char *opt, const char *s, unsigned *mode, struct nb_err *err)
{
	char *end;
	unsigned long v = strtoul(s, &end, 8);

	if (!*s || *end || v > 07777)
		return nb_fail(err, 0, "%s: mode '%s' is not an octal mode up to 7777", opt, s);
	*mode = (unsigned)v;
	return 0;
}

/* tmpfs sizes as the kernel takes them: a number with k, m, g or %. */
static int parse_size(const char *opt, const char *s, struct nb_err *err)
{
	const char *p = s;

	while (*p >= '0' && *p <= '9')
		p++;
	if (p == s || (*p && (p[1] || !strchr("kKmMgG%", *p))))
		return nb_fail(err, 0, "%s: size '%s' is not a number with an optional k, m, g or %% suffix", opt, s);
	return 0;
}

static int add_simple(struct nb_spec *s, const char *arg, enum nb_mnt_kind kind, const char *opt,
		      struct nb_err *err)
{
	char *dest = NULL;

	TRY(clean_dest(opt, arg, &dest, err));
	add_mount(s, kind, opt)->dest = dest;
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
	_cleanup_free_ char *d = colon ? strndup(arg, (size_t)(colon - arg)) : nb_xstrdup(arg);
	_cleanup_free_ char *opts = colon ? nb_xstrdup(colon + 1) : NULL;
	char *dest = NULL, *save = NULL;
	struct nb_mount *m;
	char *size = NULL;
	unsigned mode = 0;

	if (!d)
		return nb_fail(err, ENOMEM, "--tmpfs");
	for (char *o = opts ? strtok_r(opts, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
		if (strncmp(o, "size=", 5) == 0) {
			TRY(parse_size("--tmpfs", o + 5, err));
			free(size);
			size = nb_xstrdup(o + 5);
		} else if (strncmp(o, "mode=", 5) == 0) {
			if (parse_mode("--tmpfs", o + 5, &mode, err) < 0) {
				free(size);
				return -1;
			}
		} else {
			free(size);
			return nb_fail(err, 0, "--tmpfs: unknown option '%s'", o),
			       nb_hint(err, "the form is DEST[:size=N,mode=M]");
		}
	}
	if (clean_dest("--tmpfs", d, &dest, err) < 0) {
		free(size);
		return -1;
	}
	m = add_mount(s, NB_MNT_TMPFS, "--tmpfs");
	m->dest = dest;
	m->size = size;
	m->mode = mode;
	return 0;
}

int nb_set_dir(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	const char *colon = strchr(arg, ':');
	_cleanup_free_ char *d = colon ? strndup(arg, (size_t)(colon - arg)) : nb_xstrdup(arg);
	unsigned mode = 0755;
	char *dest = NULL;

	if (!d)
		return nb_fail(err, ENOMEM, "--dir");
	if (colon)
		TRY(parse_mode("--dir", colon + 1, &mode, err));
	TRY(clean_dest("--dir", d, &dest, err));
	add_mount(s, NB_MNT_DIR, "--dir")->dest = dest;
	s->mounts[s->n_mounts - 1].mode = mode;
	return 0;
}

int nb_set_symlink(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	const char *colon = strrchr(arg, ':');
	char *dest = NULL;
	struct nb_mount *m;

	if (!colon || colon == arg)
		return nb_fail(err, 0, "--symlink: cannot parse '%s'", arg),
		       nb_hint(err, "the form is TARGET:LINK");
	TRY(clean_dest("--symlink", colon + 1, &dest, err));
	m = add_mount(s, NB_MNT_SYMLINK, "--symlink");
	m->src = strndup(arg, (size_t)(colon - arg));
	m->dest = dest;
	return 0;
}

int nb_set_overlay(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	const char *colon = strrchr(arg, ':');
	_cleanup_free_ char *lowers = colon ? strndup(arg, (size_t)(colon - arg)) : NULL;
	char *dest = NULL, *save = NULL, *abs = NULL;

	if (!colon || !lowers || !*lowers)
		return nb_fail(err, 0, "--overlay: cannot parse '%s'", arg),
		       nb_hint(err, "the form is LOWER[:LOWER2...]:DEST");
	TRY(clean_dest("--overlay", colon + 1, &dest, err));
	/* Each lower is a host path; keep them ':'-joined, made absolute. */
	for (char *l = strtok_r(lowers, ":", &save); l; l = strtok_r(NULL, ":", &save)) {
		char *a = abs_src(l), *joined = a;

		if (abs) {
			joined = nb_xasprintf("%s:%s", abs, a);
			free(abs);
			free(a);
		}
		abs = joined;
	}
	if (!abs) {
		free(dest);
		return nb_fail(err, 0, "--overlay: '%s' names no lower directory", arg);
	}
	add_mount(s, NB_MNT_OVERLAY, "--overlay")->dest = dest;
	s->mounts[s->n_mounts - 1].src = abs;
	return 0;
}

static int set_overlay_dir(struct nb_spec *s, const char *arg, bool upper, struct nb_err *err)
{
	const char *opt = upper ? "--overlay-upper" : "--overlay-work";
	struct nb_mount *m = s->n_mounts ? &s->mounts[s->n_mounts - 1] : NULL;
	char **field;

	if (!m || m->kind != NB_MNT_OVERLAY)
		return nb_fail(err, 0, "%s must follow the --overlay it belongs to", opt);
	field = upper ? &m->upper : &m->work;
	if (*field)
		return nb_fail(err, 0, "%s given twice for --overlay ...:%s", opt, m->dest);
	*field = abs_src(arg);
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
	free(s->rootfs);
	s->rootfs = abs_src(arg);
	return 0;
}

FLAG_SETTER(nb_set_read_only, read_only, true)
FLAG_SETTER(nb_set_bind_cwd, bind_cwd, true)

/* --- privileges --------------------------------------------------------- */

int nb_set_cap_add(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return nb_caps_parse_list("--cap-add", arg, &s->cap_add, NULL, err);
}

int nb_set_cap_drop(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return nb_caps_parse_list("--cap-drop", arg, &s->cap_drop, &s->cap_drop_all, err);
}

int nb_set_caps(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	TRY(nb_caps_parse_text(arg, &s->caps_e, &s->caps_p, &s->caps_i, err));
	s->caps_set = true;
	return 0;
}

int nb_set_inh(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	s->inh = 0;
	TRY(nb_caps_parse_list("--inh", arg, &s->inh, NULL, err));
	s->inh_set = true;
	return 0;
}

int nb_set_ambient(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return nb_caps_parse_list("--ambient", arg, &s->ambient, NULL, err);
}

int nb_set_secbits(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	char *end;
	unsigned long v;

	if (strcmp(arg, "locked") == 0) {
		s->secbits = NB_SECBITS_LOCKED;
		return 0;
	}
	v = strtoul(arg, &end, 0);
	if (!*arg || *end || v > 0xff)
		return nb_fail(err, 0, "--secbits: '%s' is not 'locked' or a number up to 0xff", arg);
	s->secbits = (int)v;
	return 0;
}

FLAG_SETTER(nb_set_allow_new_privs, allow_new_privs, true)
FLAG_SETTER(nb_set_print_caps, print_caps, true)

int nb_set_seccomp(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (!*arg)
		return nb_fail(err, 0, "--seccomp: give default, unconfined or a policy file");
	free(s->seccomp);
	s->seccomp = strcmp(arg, "default") == 0 || strcmp(arg, "unconfined") == 0 ? nb_xstrdup(arg)
										    : abs_src(arg);
	return 0;
}

FLAG_SETTER(nb_set_seccomp_log, seccomp_log, true)
FLAG_SETTER(nb_set_allow_userns, allow_userns, true)
FLAG_SETTER(nb_set_disable_userns, disable_userns, true)

/* --- networking --------------------------------------------------------- */

int nb_set_net(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (strcmp(arg, "none") == 0)
		s->net = NB_NET_NONE;
	else if (strcmp(arg, "slirp") == 0)
		s->net = NB_NET_SLIRP;
	else if (strcmp(arg, "host") == 0)
		s->net = NB_NET_HOST;
	else
		return nb_fail(err, 0, "--net: unknown mode '%s'", arg),
		       nb_hint(err, "use --net=none (only lo), --net=slirp (user-mode networking) or --net=host");
	return 0;
}

int nb_set_mtu(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	/* slirp4netns accepts 1280 (IPv6's minimum) up to 65521. */
	if (nb_parse_u32(arg, 65521, &s->mtu) < 0 || s->mtu < 1280)
		return nb_fail(err, 0, "--mtu: '%s' is not a number from 1280 to 65521", arg);
	return 0;
}

int nb_set_cidr(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	char addr[INET_ADDRSTRLEN + 1];
	const char *slash = strchr(arg, '/');
	struct in_addr a;
	uint32_t len;

	if (!slash || (size_t)(slash - arg) >= sizeof addr)
		goto bad;
	memcpy(addr, arg, (size_t)(slash - arg));
	addr[slash - arg] = '\0';
	if (inet_pton(AF_INET, addr, &a) != 1 || nb_parse_u32(slash + 1, 30, &len) < 0 || len < 8)
		goto bad;
	free(s->cidr);
	s->cidr = nb_xstrdup(arg);
	return 0;
bad:
	return nb_fail(err, 0, "--cidr: '%s' is not an IPv4 network such as 10.0.2.0/24", arg);
}

int nb_set_dns(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	unsigned char buf[16];

	if (inet_pton(AF_INET, arg, buf) != 1 && inet_pton(AF_INET6, arg, buf) != 1)
		return nb_fail(err, 0, "--dns: '%s' is not an IP address", arg);
	s->dns = nb_xrealloc(s->dns, (s->n_dns + 1) * sizeof *s->dns);
	s->dns[s->n_dns++] = nb_xstrdup(arg);
	return 0;
}

FLAG_SETTER(nb_set_enable_ipv6, ipv6, true)
FLAG_SETTER(nb_set_disable_dns, disable_dns, true)
FLAG_SETTER(nb_set_allow_host_loopback, allow_host_loopback, true)

static int parse_port(const char *s, size_t len, uint32_t min, uint16_t *out)
{
	char buf[8];
	uint32_t v;

	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (nb_parse_u32(buf, 65535, &v) < 0 || v < min)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

int nb_set_publish(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	struct nb_publish p = { .host_addr = "127.0.0.1" };
	const char *rest = arg, *proto = strchr(arg, '/'), *end, *colon;
	unsigned char buf[16];

	end = proto ? proto : arg + strlen(arg);
	if (proto) {
		if (strcmp(proto, "/udp") == 0)
			p.udp = true;
		else if (strcmp(proto, "/tcp") != 0)
			goto bad;
	}
	/* An address first: a.b.c.d: or [v6]: */
	if (*rest == '[') {
		const char *close = strchr(rest, ']');
		if (!close || close[1] != ':' || (size_t)(close - rest - 1) >= sizeof p.host_addr)
			goto bad;
		memcpy(p.host_addr, rest + 1, (size_t)(close - rest - 1));
		p.host_addr[close - rest - 1] = '\0';
		if (inet_pton(AF_INET6, p.host_addr, buf) != 1)
			goto bad;
		rest = close + 2;
	} else {
		const char *c1 = memchr(rest, ':', (size_t)(end - rest));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
		if (c2) {
			if ((size_t)(c1 - rest) >= sizeof p.host_addr)
				goto bad;
			memcpy(p.host_addr, rest, (size_t)(c1 - rest));
			p.host_addr[c1 - rest] = '\0';
			if (inet_pton(AF_INET, p.host_addr, buf) != 1)
				goto bad;
			rest = c1 + 1;
		}
	}
	colon = memchr(rest, ':', (size_t)(end - rest));
	if (!colon || parse_port(rest, (size_t)(colon - rest), 0, &p.host_port) < 0 ||
	    parse_port(colon + 1, (size_t)(end - colon - 1), 1, &p.guest_port) < 0)
		goto bad;
	p.text = nb_xstrdup(arg);
	s->publish = nb_xrealloc(s->publish, (s->n_publish + 1) * sizeof *s->publish);
	s->publish[s->n_publish++] = p;
	return 0;
bad:
	nb_fail(err, 0, "--publish: cannot parse '%s'", arg);
	return nb_hint(err, "the form is [HOST_IP:]HOST_PORT:SANDBOX_PORT[/tcp|/udp], e.g. 127.0.0.1:8080:80; HOST_PORT 0 picks a free port");
}

int nb_set_info_fd(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	uint32_t fd;

	if (nb_parse_u32(arg, INT32_MAX, &fd) < 0 || fcntl((int)fd, F_GETFD) < 0)
		return nb_fail(err, errno ? errno : EINVAL, "--info-fd: '%s' is not an open file descriptor", arg);
	s->info_fd = (int)fd;
	return 0;
}
