/* spec.c: struct nb_spec's life, the identity, namespace and process
 * setters, and the final validation (spec-view.c and spec-res.c hold the
 * other setters).
 * Option names in messages are the long names users typed. */
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "spec-internal.h"
#include "util.h"

void nb_spec_init(struct nb_spec *spec)
{
	memset(spec, 0, sizeof *spec);
	spec->map_mode = NB_MAP_AUTO;
	spec->new_session = true;
	spec->die_with_parent = true;
	spec->secbits = -1;
	spec->info_fd = -1;
	spec->json_status_fd = -1;
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
	for (size_t i = 0; i < spec->n_io_max; i++)
		free(spec->io_max[i]);
	free(spec->io_max);
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
	if (spec->cgroup_mode == NB_CG_OFF && nb_spec_has_limits(spec))
		return nb_fail(err, 0, "--cgroup=off cannot enforce the limits asked for"),
		       nb_hint(err, "drop --cgroup=off, or the limits");
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
	if (spec->disable_userns && spec->as_pid1)
		return nb_fail_hint(err, 0, "drop --as-pid-1", "--disable-userns needs nestbox's init");
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

