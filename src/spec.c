/* spec.c: struct nb_spec's life, the identity, namespace and process
 * setters, and the final validation (spec-view.c and spec-res.c hold the
 * other setters).
 * Option names in messages are the long names users typed. */
#include "spec.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "spec-internal.h"
#include "util.h"

void nb_spec_init(struct nb_spec *spec)
{
	memset(spec, 0, sizeof *spec);
	spec->id.map_mode = NB_MAP_AUTO;
	spec->proc.new_session = true;
	spec->priv.landlock = -1;
	spec->life.die_with_parent = true;
	spec->priv.secbits = -1;
	spec->report.info_fd = -1;
	spec->report.json_status_fd = -1;
	spec->proc.block_fd = spec->proc.userns_block_fd = spec->proc.sync_fd = -1;
	spec->ns.userns_fd = spec->ns.pidns_fd = spec->ns.userns2_fd = -1;
	spec->life.start_fd = -1;
	spec->proc.umask = -1;
	spec->proc.sched.ioprio = -1;
	spec->proc.personality = -1;
}

void nb_spec_release(struct nb_spec *spec)
{
	for (size_t i = 0; i < spec->n_origins; i++) {
		free(spec->origins[i].option);
		free(spec->origins[i].value);
		free(spec->origins[i].source);
	}
	free(spec->origins);
	for (size_t i = 0; i < spec->proc.n_env; i++)
		free(spec->proc.env[i].arg);
	free(spec->proc.env);
	free(spec->id.uid_map);
	free(spec->id.groups);
	free(spec->proc.rlimits);
	free(spec->proc.console_socket);
	free(spec->proc.sched.cpus);
	free(spec->id.gid_map);
	free(spec->proc.pass_fds);
	for (size_t i = 0; i < spec->priv.n_bpf; i++)
		free(spec->priv.bpf[i].insns);
	free(spec->priv.bpf);
	free(spec->ns.hostname);
	for (size_t i = 0; i < NB_JOIN_N; i++)
		free(spec->ns.join[i]);
	nb_strv_free(spec->ns.sysctl);
	free(spec->life.pid_file);
	free(spec->name);
	free(spec->proc.argv0);
	free(spec->proc.chdir);
	for (size_t i = 0; i < spec->view.n_mounts; i++) {
		free(spec->view.mounts[i].src);
		nb_strv_free(spec->view.mounts[i].lowers);
		free(spec->view.mounts[i].dest);
		free(spec->view.mounts[i].size);
		free(spec->view.mounts[i].upper);
		free(spec->view.mounts[i].work);
		free(spec->view.mounts[i].data);
	}
	free(spec->view.runtime_dir);
	free(spec->view.app_home);
	free(spec->desktop.app_id);
	nb_strv_free(spec->desktop.dbus_rules);
	nb_strv_free(spec->desktop.dbus_system_rules);
	free(spec->desktop.dbus_dest);
	free(spec->desktop.dbus_system_dest);
	free(spec->view.mounts);
	free(spec->view.rootfs);
	free(spec->view.cwd);
	free(spec->priv.seccomp);
	free(spec->net.cidr);
	for (size_t i = 0; i < spec->limits.n_io_max; i++)
		free(spec->limits.io_max[i]);
	free(spec->limits.io_max);
	nb_strv_free(spec->limits.files);
	free(spec->limits.path);
	for (size_t i = 0; i < spec->net.n_dns; i++)
		free(spec->net.dns[i]);
	free(spec->net.dns);
	for (size_t i = 0; i < spec->net.n_publish; i++)
		free(spec->net.publish[i].text);
	free(spec->net.publish);
	memset(spec, 0, sizeof *spec);
}

int nb_set_map(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (strcmp(arg, "auto") == 0)
		s->id.map_mode = NB_MAP_AUTO;
	else if (strcmp(arg, "single") == 0)
		s->id.map_mode = NB_MAP_SINGLE;
	else
		return nb_fail_hint(err, 0, "use --map=auto or --map=single",
				    "--map: unknown mode '%s'", arg);
	return 0;
}

FLAG_SETTER(nb_set_no_keeper, id.no_keeper, true)

int nb_set_keeper_idle(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (nb_parse_u32(arg, 86400, &s->id.keeper_idle) < 0 || s->id.keeper_idle == 0)
		return nb_fail_hint(err, 0, "seconds, from 1 to 86400 (a day), e.g. --keeper-idle=600",
				    "--keeper-idle: '%s' is not a number of seconds", arg);
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
	return add_range("--uid-map", arg, &s->id.uid_map, &s->id.n_uid_map, err);
}

int nb_set_gid_map(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return add_range("--gid-map", arg, &s->id.gid_map, &s->id.n_gid_map, err);
}

int nb_set_uid(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (nb_parse_u32(arg, UINT32_MAX - 1, &s->id.uid) < 0)
		return nb_fail(err, 0, "--uid: '%s' is not a numeric uid", arg);
	s->id.uid_set = true;
	return 0;
}

int nb_set_gid(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (nb_parse_u32(arg, UINT32_MAX - 1, &s->id.gid) < 0)
		return nb_fail(err, 0, "--gid: '%s' is not a numeric gid", arg);
	s->id.gid_set = true;
	return 0;
}

int nb_set_root(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	(void)arg;
	(void)err;
	s->id.uid = s->id.gid = 0;
	s->id.uid_set = s->id.gid_set = true;
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
			return nb_fail_hint(err, 0, "choose from net, ipc, uts, pid, cgroup; the user and mount namespaces are always new",
					    "--share: unknown namespace '%s'", t);
		s->ns.shared |= ns_names[i].bit;
	}
	return 0;
}

int nb_set_hostname(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	/* The kernel limit is HOST_NAME_MAX (64). */
	if (!*arg || strlen(arg) > 64)
		return nb_fail(err, 0, "--hostname: '%s' must be 1 to 64 characters", arg);
	free(s->ns.hostname);
	s->ns.hostname = nb_xstrdup(arg);
	return 0;
}

int nb_set_x11(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	(void)arg, (void)err;
	s->desktop.display = s->desktop.display == NB_DISPLAY_WAYLAND ? NB_DISPLAY_BOTH : NB_DISPLAY_X11;
	return 0;
}

int nb_set_wayland(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	(void)arg, (void)err;
	s->desktop.display = s->desktop.display == NB_DISPLAY_X11 ? NB_DISPLAY_BOTH : NB_DISPLAY_WAYLAND;
	return 0;
}

int nb_set_display(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	static const char *const modes[] = { "none", "auto", "x11", "wayland", "both" };

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (strcmp(arg, modes[i]) == 0) {
			s->desktop.display = (enum nb_display)i;
			return 0;
		}
	return nb_fail_hint(err, 0, "use --display=auto, x11, wayland, both or none", "--display: unknown mode '%s'", arg);
}

FLAG_SETTER(nb_set_sound, desktop.sound, true)
FLAG_SETTER(nb_set_gpu, desktop.gpu, true)
FLAG_SETTER(nb_set_reset_home, desktop.reset_home, true)

/* Reverse-DNS names, as Flatpak's: they become a directory's name. */
int nb_set_app_id(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	size_t n = strlen(arg);

	if (n == 0 || n > 255 || !isalnum((unsigned char)arg[0]) || strstr(arg, "..") ||
	    strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n)
		return nb_fail_hint(err, 0, "a name such as org.example.App: letters, digits, '_', '.' and '-'",
				    "--app-id: '%s' is not a valid application id", arg);
	free(s->desktop.app_id);
	s->desktop.app_id = nb_xstrdup(arg);
	return 0;
}

int nb_set_landlock(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (strcmp(arg, "on") == 0 || strcmp(arg, "auto") == 0)
		s->priv.landlock = strcmp(arg, "on") == 0 ? 1 : -1;
	else if (strcmp(arg, "off") == 0)
		s->priv.landlock = 0;
	else
		return nb_fail_hint(err, 0, "use --landlock=auto (the default), on or off", "--landlock: unknown mode '%s'", arg);
	return 0;
}

/* PORT[,PORT...], each 1-65535, added to the list. */
static int tcp_ports(const char *opt, const char *arg, uint16_t *list, uint32_t *n, struct nb_err *err)
{
	_cleanup_free_ char *copy = nb_xstrdup(arg);
	char *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		uint32_t port;

		if (nb_parse_u32(t, 65535, &port) < 0 || port == 0)
			return nb_fail_hint(err, 0, "ports from 1 to 65535, e.g. 80,443", "%s: '%s' is not a port", opt, t);
		if (*n >= NB_TCP_PORTS_MAX)
			return nb_fail(err, 0, "%s: more than %d ports", opt, NB_TCP_PORTS_MAX);
		list[(*n)++] = (uint16_t)port;
	}
	return 0;
}

int nb_set_tcp_bind(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	s->priv.tcp.bind_set = true;
	if (strcmp(arg, "published") == 0) {
		s->priv.tcp.bind_auto = s->priv.tcp.n_bind == 0;
		return 0;
	}
	s->priv.tcp.bind_auto = false;
	return tcp_ports("--tcp-bind", arg, s->priv.tcp.bind, &s->priv.tcp.n_bind, err);
}

int nb_set_tcp_connect(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	s->priv.tcp.connect_set = true;
	return tcp_ports("--tcp-connect", arg, s->priv.tcp.connect, &s->priv.tcp.n_connect, err);
}

static int dbus_mode(const char *opt, const char *arg, bool full_ok, enum nb_dbus_mode *out, struct nb_err *err)
{
	if (strcmp(arg, "none") == 0)
		*out = NB_DBUS_NONE;
	else if (strcmp(arg, "filtered") == 0)
		*out = NB_DBUS_FILTERED;
	else if (full_ok && strcmp(arg, "full") == 0)
		*out = NB_DBUS_FULL;
	else
		return nb_fail_hint(err, 0, full_ok ? "use none, filtered or full" : "use none or filtered", "%s: unknown mode '%s'", opt, arg);
	return 0;
}

int nb_set_dbus(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return dbus_mode("--dbus", arg, true, &s->desktop.dbus, err);
}

int nb_set_dbus_system(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return dbus_mode("--dbus-system", arg, false, &s->desktop.dbus_system, err);
}

/* A bus name, or a prefix with ".*", as xdg-dbus-proxy takes them; the
 * rule's text after '=' for --dbus-call and --dbus-broadcast. */
static int dbus_rule(struct nb_spec *s, bool system, const char *kind, const char *arg, bool with_rule, struct nb_err *err)
{
	const char *eq = strchr(arg, '=');
	size_t name = with_rule ? (eq ? (size_t)(eq - arg) : 0) : strlen(arg);

	if (name == 0 || name > 255 || strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-*:") < name ||
	    (!with_rule && eq) || strpbrk(arg, " \n"))
		return nb_fail_hint(err, 0, with_rule ? "NAME=RULE, e.g. org.example.App=org.example.App.Method@/path"
						      : "a bus name such as org.freedesktop.Notifications, or a prefix such as org.example.*",
				    "--dbus-%s%s: '%s' is not a bus name%s", system ? "system-" : "", kind, arg, with_rule ? " and rule" : "");
	if (system)
		nb_strv_push(&s->desktop.dbus_system_rules, &s->desktop.n_dbus_system_rules, nb_xasprintf("--%s=%s", kind, arg));
	else
		nb_strv_push(&s->desktop.dbus_rules, &s->desktop.n_dbus_rules, nb_xasprintf("--%s=%s", kind, arg));
	return 0;
}

int nb_set_dbus_talk(struct nb_spec *s, const char *arg, struct nb_err *err) { return dbus_rule(s, false, "talk", arg, false, err); }
int nb_set_dbus_own(struct nb_spec *s, const char *arg, struct nb_err *err) { return dbus_rule(s, false, "own", arg, false, err); }
int nb_set_dbus_see(struct nb_spec *s, const char *arg, struct nb_err *err) { return dbus_rule(s, false, "see", arg, false, err); }
int nb_set_dbus_call(struct nb_spec *s, const char *arg, struct nb_err *err) { return dbus_rule(s, false, "call", arg, true, err); }
int nb_set_dbus_broadcast(struct nb_spec *s, const char *arg, struct nb_err *err) { return dbus_rule(s, false, "broadcast", arg, true, err); }
int nb_set_dbus_system_talk(struct nb_spec *s, const char *arg, struct nb_err *err) { return dbus_rule(s, true, "talk", arg, false, err); }

/* Names go into file names and the host name: letters, digits and
 * '_.-', starting with a letter or digit, as podman's. */
int nb_set_name(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	size_t n = strlen(arg);

	if (n == 0 || n > 64 || !isalnum((unsigned char)arg[0]) ||
	    strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n)
		return nb_fail_hint(err, 0, "1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit",
				    "--name: '%s' is not a valid name", arg);
	free(s->name);
	s->name = nb_xstrdup(arg);
	return 0;
}

int nb_set_chdir(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (*arg != '/')
		return nb_fail(err, 0, "--chdir: '%s' is not an absolute path", arg);
	free(s->proc.chdir);
	s->proc.chdir = nb_xstrdup(arg);
	return 0;
}

static void add_env(struct nb_spec *s, enum nb_env_op op, const char *arg)
{
	s->proc.env = nb_xrealloc(s->proc.env, (s->proc.n_env + 1) * sizeof *s->proc.env);
	s->proc.env[s->proc.n_env++] = (struct nb_envop){ op, nb_xstrdup(arg) };
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
	s->proc.clearenv = true;
	return 0;
}

int nb_set_argv0(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	(void)err;
	free(s->proc.argv0);
	s->proc.argv0 = nb_xstrdup(arg);
	return 0;
}

FLAG_SETTER(nb_set_new_session, proc.new_session, true)
FLAG_SETTER(nb_set_no_new_session, proc.new_session, false)
FLAG_SETTER(nb_set_die_with_parent, life.die_with_parent, true)
FLAG_SETTER(nb_set_no_die_with_parent, life.die_with_parent, false)
FLAG_SETTER(nb_set_as_pid1, life.as_pid1, true)
FLAG_SETTER(nb_set_verbose, report.verbose, true)
FLAG_SETTER(nb_set_quiet, report.quiet, true)
FLAG_SETTER(nb_set_dry_run, dry_run, true)

void nb_spec_add_origin(struct nb_spec *spec, const char *option, const char *value, const char *source)
{
	spec->origins = nb_xrealloc(spec->origins, (spec->n_origins + 1) * sizeof *spec->origins);
	spec->origins[spec->n_origins++] = (struct nb_origin){ nb_xstrdup(option), value ? nb_xstrdup(value) : NULL,
							       nb_xstrdup(source) };
}
FLAG_SETTER(nb_set_help, print_help, true)

int nb_set_pass_fd(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	uint32_t fd;

	if (nb_parse_u32(arg, INT32_MAX, &fd) < 0)
		return nb_fail(err, 0, "--pass-fd: '%s' is not a file descriptor number", arg);
	if (fd <= 2)
		return nb_fail(err, 0, "--pass-fd: %u is always passed", fd);
	if (fcntl((int)fd, F_GETFD) < 0)
		return nb_fail_hint(err, errno, "open it in the calling shell, e.g. '3<file'",
				    "--pass-fd: %u", fd);
	s->proc.pass_fds = nb_xrealloc(s->proc.pass_fds, (s->proc.n_pass_fds + 1) * sizeof *s->proc.pass_fds);
	s->proc.pass_fds[s->proc.n_pass_fds++] = (int)fd;
	return 0;
}

int nb_spec_finish(struct nb_spec *spec, struct nb_err *err)
{
	if (!spec->proc.argv || !spec->proc.argv[0])
		return nb_fail_hint(err, 0, "nestbox run [OPTIONS] [--] COMMAND [ARGS...]",
				    "no command given");
	if (!spec->id.uid_set)
		spec->id.uid = (uint32_t)getuid();
	if (!spec->id.gid_set)
		spec->id.gid = (uint32_t)getgid();
	if (spec->ns.hostname && (spec->ns.shared & NB_NS_UTS))
		return nb_fail_hint(err, 0, "drop 'uts' from --share",
				    "--hostname needs a private UTS namespace");
	if (spec->life.as_pid1 && (spec->ns.shared & NB_NS_PID))
		return nb_fail_hint(err, 0, "drop 'pid' from --share",
				    "--as-pid-1 needs a private PID namespace");
	for (size_t i = 0; i < spec->view.n_mounts; i++) {
		const struct nb_mount *m = &spec->view.mounts[i];
		if (m->kind == NB_MNT_OVERLAY && !m->upper != !m->work)
			return nb_fail_hint(err, 0, "give both, or neither for a tmpfs upper",
					    "--overlay ...:%s: --overlay-upper and --overlay-work go together", m->dest);
	}
	if (spec->limits.mode == NB_CG_OFF && nb_spec_has_limits(&spec->limits))
		return nb_fail_hint(err, 0, "drop --cgroup=off, or the limits",
				    "--cgroup=off cannot enforce the limits asked for");
	/* --share=net and --net=host are the same thing. */
	if (spec->ns.shared & NB_NS_NET) {
		if (NB_NET_USER(spec->net.mode))
			return nb_fail_hint(err, 0, "drop 'net' from --share",
					    "--net=%s needs a private net namespace", spec->net.mode == NB_NET_PASTA ? "pasta" : "slirp");
		spec->net.mode = NB_NET_HOST;
	}
	if (spec->net.mode == NB_NET_HOST)
		spec->ns.shared |= NB_NS_NET;
	if (!NB_NET_USER(spec->net.mode)) {
		const char *o = spec->net.n_publish ? "--publish" : spec->net.mtu ? "--mtu" : spec->net.cidr ? "--cidr" :
				spec->net.ipv6 ? "--enable-ipv6" : spec->net.n_dns ? "--dns" : spec->net.disable_dns ? "--disable-dns" :
				spec->net.allow_host_loopback ? "--allow-host-loopback" :
				spec->net.lost != NB_NET_LOST_WARN ? "--net-lost" : NULL;
		if (o)
			return nb_fail_hint(err, 0, "add --net=slirp or --net=pasta", "%s needs --net=slirp or --net=pasta", o);
	}
	/* libslirp delivers a forwarded datagram from 10.0.2.2, the host's
	 * loopback alias, and --disable-host-loopback drops the reply to it. */
	for (size_t i = 0; i < spec->net.n_publish; i++) {
		/* Debian 12's pasta binds a published UDP port, but the replies
		 * of the sandbox never reach the sender: refused, not broken. */
		if (spec->net.publish[i].udp && spec->net.mode == NB_NET_PASTA)
			return nb_fail_hint(err, 0, "publish TCP, or use --net=slirp --allow-host-loopback for UDP",
					    "--publish %s: --net=pasta cannot publish UDP here (replies are not delivered)",
					    spec->net.publish[i].text);
		if (spec->net.publish[i].udp && !spec->net.allow_host_loopback && spec->net.mode == NB_NET_SLIRP)
			return nb_fail_hint(err, 0, "it delivers the datagrams from 10.0.2.2 and drops the replies unless the host's loopback is reachable; add --allow-host-loopback, or publish TCP",
					    "--publish %s: slirp4netns can forward UDP only with --allow-host-loopback", spec->net.publish[i].text);
	}
	/* A joined namespace's owner already made its maps and its init. */
	if (spec->ns.userns_fd >= 0 && (spec->id.map_mode != NB_MAP_SINGLE || spec->id.n_uid_map || spec->id.n_gid_map ||
					spec->priv.disable_userns || (spec->life.as_pid1 && !(spec->ns.shared & NB_NS_PID))))
		return nb_fail_hint(err, 0, "join it without them", "--userns cannot be combined with a map of nestbox's, --disable-userns or --as-pid-1");
	for (size_t i = 0; i < NB_JOIN_N; i++)
		if (spec->ns.join[i] && !spec->ns.share_user)
			return nb_fail(err, 0, "a namespace to join (%s) needs the caller's user namespace", spec->ns.join[i]);
	if (spec->life.detach && (spec->life.die_with_parent || (spec->proc.use_tty && !spec->proc.console_socket) ||
				  NB_NET_USER(spec->net.mode)))
		return nb_fail(err, 0, "a sandbox left to run on its own cannot die with nestbox, relay a terminal or run slirp4netns or pasta");
	if (spec->ns.userns2_fd >= 0 && spec->ns.userns_fd < 0)
		return nb_fail_hint(err, 0, "give the user namespace it lies in with --userns", "--userns2 needs --userns");
	if (spec->ns.pidns_fd >= 0 && ((spec->ns.userns_fd < 0 && !spec->ns.share_user) || !(spec->ns.shared & NB_NS_PID)))
		return nb_fail_hint(err, 0, "give the user namespace that owns it with --userns, and drop --unshare-pid",
				    "--pidns needs --userns, and no PID namespace of the sandbox's own");
	if (spec->priv.allow_userns && spec->priv.disable_userns)
		return nb_fail(err, 0, "--allow-userns and --disable-userns contradict each other");
	if (spec->priv.disable_userns && spec->life.as_pid1)
		return nb_fail_hint(err, 0, "drop --as-pid-1", "--disable-userns needs nestbox's init");
	/* A terminal is never forced on a pipe: auto needs both ends to be
	 * terminals. It is the payload's session, so it needs a new one. */
	if (spec->proc.tty == NB_TTY_ALWAYS && !spec->proc.new_session)
		return nb_fail_hint(err, 0, "drop --no-new-session: the sandbox's terminal belongs to a session of its own",
				    "--tty=always and --no-new-session contradict each other");
	spec->proc.use_tty = spec->proc.tty == NB_TTY_ALWAYS ||
			     (spec->proc.tty == NB_TTY_AUTO && spec->proc.new_session && isatty(0) && isatty(1));
	/* What is published must be bindable inside. */
	for (size_t i = 0; spec->priv.tcp.bind_set && i < spec->net.n_publish; i++)
		if (!spec->net.publish[i].udp && spec->priv.tcp.n_bind < NB_TCP_PORTS_MAX)
			spec->priv.tcp.bind[spec->priv.tcp.n_bind++] = spec->net.publish[i].guest_port;
	if (spec->view.read_only && !spec->view.rootfs)
		return nb_fail_hint(err, 0, "the default view is read-only already; use --remount-ro for other paths",
				    "--read-only needs --rootfs");
	free(spec->view.cwd);
	spec->view.cwd = getcwd(NULL, 0);
	if (spec->view.bind_cwd && !spec->view.cwd)
		return nb_fail(err, errno, "--bind-cwd: cannot get the current directory");
	if (spec->id.map_mode == NB_MAP_SINGLE && (spec->id.n_uid_map || spec->id.n_gid_map))
		return nb_fail_hint(err, 0, "a custom map is written by newuidmap/newgidmap; drop --map=single",
				    "--map=single cannot be combined with --uid-map or --gid-map");
	return 0;
}

