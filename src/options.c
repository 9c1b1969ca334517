/* options.c: the option table and its getopt_long front end. */
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>

#include "profile.h"
#include "util.h"

#define ID "Identity and id mapping"
#define NS "Namespaces"
#define PROC "Process"
#define FS "Filesystem view (applied in order; SRC defaults DEST)"
#define CG "Resource limits (a leaf of your delegated cgroup v2 subtree)"
#define NET "Networking"
#define PRIV "Privileges (capability names: CAP_X, x or ALL)"
#define GEN "General"
#define DESK "Desktop"

/* Profiles are applied in a first pass (nb_options_parse), before any
 * other option, so the command line adds to them and overrides them. */
static int profile_seen(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	(void)s, (void)arg, (void)err;
	return 0;
}

const struct nb_option nb_options[] = {
	{ "name", 0, "NAME", nb_set_name, false, GEN,
	  "name the sandbox, for ps, exec and stop (unique among yours); also its host name" },
	{ "profile", 0, "NAME|FILE", profile_seen, true, GEN,
	  "apply an INI profile first; its keys are these long option names (PROFILES in nestbox(1))" },
	{ "map", 0, "MODE", nb_set_map, false, ID,
	  "auto (default): map the whole subordinate range with newuidmap/newgidmap; single: map only your own uid and gid" },
	{ "no-keeper", 0, NULL, nb_set_no_keeper, false, ID,
	  "run newuidmap/newgidmap for this sandbox, without the keeper that holds your full map" },
	{ "keeper-idle", 0, "SECONDS", nb_set_keeper_idle, false, ID,
	  "a keeper started now exits once unused this long (default 180)" },
	{ "uid-map", 0, "IN:OUT:COUNT", nb_set_uid_map, true, ID,
	  "custom uid map line, checked against your ranges" },
	{ "gid-map", 0, "IN:OUT:COUNT", nb_set_gid_map, true, ID,
	  "custom gid map line, checked against your ranges" },
	{ "uid", 0, "UID", nb_set_uid, false, ID, "uid inside the sandbox (default: your own)" },
	{ "gid", 0, "GID", nb_set_gid, false, ID, "gid inside the sandbox (default: your own)" },
	{ "root", 0, NULL, nb_set_root, false, ID, "be root inside: the same as --uid 0 --gid 0" },
	{ "share", 0, "NS,...", nb_set_share, true, NS,
	  "keep these host namespaces: net, ipc, uts, pid, cgroup (default: all private)" },
	{ "hostname", 0, "NAME", nb_set_hostname, false, NS, "host name inside (needs a private UTS namespace)" },
	{ "rootfs", 0, "DIR", nb_set_rootfs, false, FS,
	  "use DIR as the root instead of the read-only view of the host" },
	{ "read-only", 0, NULL, nb_set_read_only, false, FS, "mount the --rootfs read-only" },
	{ "bind-cwd", 0, NULL, nb_set_bind_cwd, false, FS,
	  "bind the current directory read-write at the same path and start there" },
	{ "bind", 0, "SRC[:DEST]", nb_set_bind, true, FS, "bind a host path read-write (nosuid, nodev)" },
	{ "bind-try", 0, "SRC[:DEST]", nb_set_bind_try, true, FS, "like --bind, but skip a missing SRC" },
	{ "ro-bind", 0, "SRC[:DEST]", nb_set_ro_bind, true, FS, "bind a host path read-only" },
	{ "ro-bind-try", 0, "SRC[:DEST]", nb_set_ro_bind_try, true, FS, "like --ro-bind, but skip a missing SRC" },
	{ "dev-bind", 0, "SRC[:DEST]", nb_set_dev_bind, true, FS,
	  "bind a host path read-write, keeping devices usable" },
	{ "dev-bind-try", 0, "SRC[:DEST]", nb_set_dev_bind_try, true, FS, "like --dev-bind, but skip a missing SRC" },
	{ "tmpfs", 0, "DEST[:OPTS]", nb_set_tmpfs, true, FS, "mount a tmpfs; OPTS: size=N[kmg%],mode=OCTAL" },
	{ "proc", 0, "DEST", nb_set_proc, true, FS, "mount a fresh proc" },
	{ "dev", 0, "DEST", nb_set_dev, true, FS, "mount a minimal /dev" },
	{ "dir", 0, "DEST[:MODE]", nb_set_dir, true, FS, "create a directory" },
	{ "symlink", 0, "TARGET:LINK", nb_set_symlink, true, FS, "create a symbolic link" },
	{ "file", 0, "SRC:DEST", nb_set_file, true, FS, "copy a host file's content to DEST" },
	{ "remount-ro", 0, "DEST", nb_set_remount_ro, true, FS, "make DEST and what is under it read-only" },
	{ "mask", 0, "PATH", nb_set_mask, true, FS, "hide PATH under an empty read-only file or directory" },
	{ "overlay", 0, "LOWER[:LOWER...]:DEST", nb_set_overlay, true, FS,
	  "overlayfs of host dirs at DEST; writes go to a tmpfs unless --overlay-upper follows" },
	{ "overlay-upper", 0, "DIR", nb_set_overlay_upper, true, FS, "upper (writable) dir of the preceding --overlay" },
	{ "overlay-work", 0, "DIR", nb_set_overlay_work, true, FS,
	  "work dir of the preceding --overlay, on the same filesystem as the upper" },
	{ "memory", 0, "SIZE", nb_set_memory, false, CG, "memory.max: the OOM killer acts above it (e.g. 512M)" },
	{ "memory-high", 0, "SIZE", nb_set_memory_high, false, CG, "memory.high: reclaim and throttle above it" },
	{ "memory-swap", 0, "SIZE", nb_set_memory_swap, false, CG, "memory.swap.max: swap on top of memory (0: none)" },
	{ "pids", 0, "N", nb_set_pids, false, CG, "pids.max: processes and threads at most" },
	{ "cpus", 0, "N", nb_set_cpus, false, CG, "cpu.max: this many CPUs' worth of time (e.g. 0.5)" },
	{ "cpu-weight", 0, "N", nb_set_cpu_weight, false, CG, "cpu.weight, 1 to 10000 (default 100)" },
	{ "io-max", 0, "DEV:KEY=N,...", nb_set_io_max, true, CG, "io.max: rbps, wbps, riops, wiops for a block device" },
	{ "cgroup", 0, "MODE", nb_set_cgroup, false, CG,
	  "auto (a leaf when limits are asked), require, try (without one if it must) or off" },
	{ "stats", 0, NULL, nb_set_stats, false, CG, "print memory peak, CPU time, OOM kills and pids peak as JSON at exit" },
	{ "net", 0, "MODE", nb_set_net, false, NET,
	  "none (default: only lo), slirp (slirp4netns user-mode networking), pasta (the same through pasta) or host" },
	{ "publish", 'p', "[IP:]PORT:PORT[/udp]", nb_set_publish, true, NET,
	  "publish a sandbox port on the host (default address 127.0.0.1; host port 0 picks one)" },
	{ "mtu", 0, "N", nb_set_mtu, false, NET, "the slirp MTU (default 65520)" },
	{ "cidr", 0, "NET/LEN", nb_set_cidr, false, NET, "the slirp network (default 10.0.2.0/24)" },
	{ "enable-ipv6", 0, NULL, nb_set_enable_ipv6, false, NET, "IPv6 through slirp" },
	{ "dns", 0, "IP", nb_set_dns, true, NET, "name server for the sandbox's resolv.conf (default: slirp's)" },
	{ "disable-dns", 0, NULL, nb_set_disable_dns, false, NET, "no DNS forwarding by slirp" },
	{ "allow-host-loopback", 0, NULL, nb_set_allow_host_loopback, false, NET,
	  "let the sandbox reach the host's 127.0.0.1 through 10.0.2.2" },
	{ "net-lost", 0, "MODE", nb_set_net_lost, false, NET,
	  "if slirp4netns dies while the sandbox runs: warn (default), ignore, or kill the sandbox" },
	{ "chdir", 0, "DIR", nb_set_chdir, false, PROC, "start the command in DIR" },
	{ "env", 0, "NAME=VALUE", nb_set_env, true, PROC, "set an environment variable" },
	{ "unsetenv", 0, "NAME", nb_set_unsetenv, true, PROC, "remove an environment variable" },
	{ "clearenv", 0, NULL, nb_set_clearenv, false, PROC,
	  "start from an empty environment; PATH and TERM are kept unless unset too" },
	{ "argv0", 0, "NAME", nb_set_argv0, false, PROC, "argv[0] given to the command" },
	{ "display", 0, "MODE", nb_set_display, false, DESK,
	  "pass the display: auto (Wayland if its socket is there, else X11), x11, wayland, both, none" },
	{ "x11", 0, NULL, nb_set_x11, false, DESK, "pass $DISPLAY's X11 socket, with a cookie for it alone" },
	{ "wayland", 0, NULL, nb_set_wayland, false, DESK, "pass $WAYLAND_DISPLAY's socket (default wayland-0)" },
	{ "sound", 0, NULL, nb_set_sound, false, DESK, "pass the PulseAudio and PipeWire sockets" },
	{ "gpu", 0, NULL, nb_set_gpu, false, DESK, "pass /dev/dri and the NVIDIA devices" },
	{ "dbus", 0, "MODE", nb_set_dbus, false, DESK,
	  "the session bus: none (default), filtered (through xdg-dbus-proxy, with the rules below), full" },
	{ "dbus-talk", 0, "NAME", nb_set_dbus_talk, true, DESK, "--dbus=filtered: may call NAME" },
	{ "dbus-own", 0, "NAME", nb_set_dbus_own, true, DESK, "--dbus=filtered: may own NAME" },
	{ "dbus-see", 0, "NAME", nb_set_dbus_see, true, DESK, "--dbus=filtered: may see NAME" },
	{ "dbus-call", 0, "NAME=RULE", nb_set_dbus_call, true, DESK, "--dbus=filtered: may make these calls on NAME" },
	{ "dbus-broadcast", 0, "NAME=RULE", nb_set_dbus_broadcast, true, DESK,
	  "--dbus=filtered: may receive these broadcasts from NAME" },
	{ "dbus-system", 0, "MODE", nb_set_dbus_system, false, DESK, "the system bus: none (default), filtered" },
	{ "dbus-system-talk", 0, "NAME", nb_set_dbus_system_talk, true, DESK, "--dbus-system=filtered: may call NAME" },
	{ "app-id", 0, "ID", nb_set_app_id, false, DESK,
	  "a persistent home of the app's own, ~/.local/share/nestbox/apps/ID/home" },
	{ "reset-home", 0, NULL, nb_set_reset_home, false, DESK, "empty --app-id's home first" },
	{ "tty", 't', "WHEN", nb_set_tty, false, PROC,
	  "a terminal of the sandbox's own: auto (default: when stdin and stdout are terminals), always (-t), or never" },
	{ "new-session", 0, NULL, nb_set_new_session, false, PROC,
	  "run the command in a new session, away from the terminal (default; stops TIOCSTI injection)" },
	{ "no-new-session", 0, NULL, nb_set_no_new_session, false, PROC,
	  "keep the caller's session and terminal" },
	{ "die-with-parent", 0, NULL, nb_set_die_with_parent, false, PROC,
	  "kill the sandbox when nestbox dies (default)" },
	{ "no-die-with-parent", 0, NULL, nb_set_no_die_with_parent, false, PROC,
	  "let the sandbox outlive a killed nestbox" },
	{ "as-pid-1", 0, NULL, nb_set_as_pid1, false, PROC,
	  "run the command itself as pid 1, without nestbox's init" },
	{ "pass-fd", 0, "FD", nb_set_pass_fd, true, PROC,
	  "keep this open file descriptor in the command; all others are closed" },
	{ "landlock", 0, "MODE", nb_set_landlock, false, PRIV,
	  "Landlock confines file access to the view: auto (default, where the kernel has it), on, off" },
	{ "tcp-bind", 0, "PORT,...", nb_set_tcp_bind, true, PRIV,
	  "TCP bind only to these ports (and the published ones), through Landlock (Linux 6.7); published: those alone" },
	{ "tcp-connect", 0, "PORT,...", nb_set_tcp_connect, true, PRIV,
	  "TCP connect only to these ports, through Landlock (Linux 6.7)" },
	{ "cap-add", 0, "CAP,...", nb_set_cap_add, true, PRIV,
	  "add to the bounding set (and, for root, the effective and permitted sets)" },
	{ "cap-drop", 0, "CAP,...", nb_set_cap_drop, true, PRIV, "drop from every set; ALL drops all but --cap-add" },
	{ "caps", 0, "TEXT", nb_set_caps, false, PRIV,
	  "set e/p/i exactly, in capsh syntax (e.g. cap_net_raw+ep)" },
	{ "inh", 0, "CAP,...", nb_set_inh, false, PRIV, "the inheritable set" },
	{ "ambient", 0, "CAP,...", nb_set_ambient, true, PRIV,
	  "raise these in the ambient set, so a non-root command keeps them" },
	{ "secbits", 0, "N|locked", nb_set_secbits, false, PRIV,
	  "securebits (default: locked for a non-root command, 0 for root)" },
	{ "allow-new-privs", 0, NULL, nb_set_allow_new_privs, false, PRIV,
	  "do not set no_new_privs, so setuid files in a --rootfs work" },
	{ "print-caps", 0, NULL, nb_set_print_caps, false, PRIV,
	  "print the command's capability sets, as capsh --print would, before it runs" },
	{ "seccomp", 0, "default|unconfined|FILE", nb_set_seccomp, false, PRIV,
	  "the system call filter: the built-in allow list (default), none, or a policy file (doc/seccomp.md)" },
	{ "seccomp-log", 0, NULL, nb_set_seccomp_log, false, PRIV,
	  "log what the filter would deny instead of denying it, to profile an app" },
	{ "allow-userns", 0, NULL, nb_set_allow_userns, false, PRIV,
	  "allow nested namespaces (to run nestbox or podman inside)" },
	{ "disable-userns", 0, NULL, nb_set_disable_userns, false, PRIV,
	  "make nested user namespaces impossible, not only filtered" },
	{ "info-fd", 0, "FD", nb_set_info_fd, false, GEN,
	  "write JSON about the sandbox (child pid, namespaces, published ports) to FD once it runs" },
	{ "json-status-fd", 0, "FD", nb_set_json_status_fd, false, GEN,
	  "write JSON lines to FD: the --info-fd object once it runs, then the exit code (and --stats)" },
	{ "verbose", 'v', NULL, nb_set_verbose, false, GEN, "say what nestbox sets up" },
	{ "quiet", 'q', NULL, nb_set_quiet, false, GEN, "no warnings (errors and notes still show)" },
	{ "dry-run", 0, NULL, nb_set_dry_run, false, GEN,
	  "print every setting and where it came from, the mounts in order and the id maps; start nothing" },
	{ "help", 'h', NULL, nb_set_help, false, GEN, "print this help" },
	{ NULL, 0, NULL, NULL, false, NULL, NULL },
};

const struct nb_option *nb_option_find(const char *name)
{
	for (const struct nb_option *o = nb_options; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/* Short names that are flags of their own while the long form takes a
 * value: -t is --tty=always. */
static const struct {
	int c;
	const char *value;
	int (*set)(struct nb_spec *s, const char *arg, struct nb_err *err);
} short_flags[] = { { 't', "always", nb_set_tty_always } };

static int short_flag(int c)
{
	for (size_t i = 0; i < ARRAY_SIZE(short_flags); i++)
		if (short_flags[i].c == c)
			return (int)i;
	return -1;
}

static const struct nb_option *find_short(int c)
{
	for (const struct nb_option *o = nb_options; o->name; o++)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

/* The option whose name is closest to name, for "did you mean", or NULL. */
static const char *closest_option(const char *name)
{
	const char *names[ARRAY_SIZE(nb_options)];
	size_t n = 0;

	for (const struct nb_option *o = nb_options; o->name; o++)
		if (strcmp(o->name, "help") != 0)
			names[n++] = o->name;
	names[n] = NULL;
	return nb_suggest(name, names);
}

/* Fails for an option not known by exactly this name: getopt_long would
 * take any unique prefix, which a later option can make ambiguous. */
static int unknown_long(const char *arg, struct nb_err *err)
{
	_cleanup_free_ char *name = nb_xstrndup(arg + 2, strcspn(arg + 2, "="));
	const char *mean = closest_option(name);

	nb_fail(err, 0, "unknown option '--%s'", name);
	if (mean)
		return nb_hint(err, "did you mean '--%s'? see 'nestbox help run'", mean);
	return nb_hint(err, "see 'nestbox help run'");
}

static bool exact_long(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, "--", 2) == 0 && strncmp(arg + 2, name, n) == 0 && (arg[2 + n] == '\0' || arg[2 + n] == '=');
}

static int flag_value(const char *v)
{
	static const char *const yes[] = { "true", "yes", "on", "1" }, *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* A profile's "key = value": the option of that long name, a flag taking
 * true or false. */
static int apply_key(struct nb_spec *spec, const char *key, const char *value, const char *source,
		     struct nb_err *err)
{
	const struct nb_option *o = nb_option_find(key);
	int on;

	if (!o || strcmp(key, "help") == 0) {
		const char *mean = closest_option(key);

		nb_fail(err, 0, "unknown option '%s'", key);
		if (mean)
			return nb_hint(err, "did you mean '%s'?", mean);
		return nb_hint(err, "keys are the long names of the options in 'nestbox help run', without the dashes");
	}
	nb_spec_add_origin(spec, key, value, source);
	if (o->metavar)
		return o->set(spec, value, err);
	on = flag_value(value);
	if (on < 0)
		return nb_fail(err, 0, "%s takes true or false, not '%s'", key, value);
	/* false undoes an earlier true where a no- option exists
	 * (new-session, die-with-parent); elsewhere it sets nothing. */
	if (!on) {
		char no[64];

		snprintf(no, sizeof no, "no-%s", key);
		o = nb_option_find(no);
		if (!o)
			return 0;
	}
	return o->set(spec, NULL, err);
}

int nb_options_parse(int argc, char **argv, struct nb_spec *spec, struct nb_err *err)
{
	struct option longs[ARRAY_SIZE(nb_options)];
	/* '+': stop at the first non-option, so the payload keeps its own
	 * options; ':': report a missing value instead of printing. */
	char shorts[2 * ARRAY_SIZE(nb_options) + 3] = "+:";
	size_t n = 0, ns = 2;
	int c, idx;

	for (const struct nb_option *o = nb_options; o->name; o++, n++) {
		longs[n] = (struct option){ o->name, o->metavar ? required_argument : no_argument, NULL,
					    0 };
		if (o->short_name) {
			shorts[ns++] = (char)o->short_name;
			if (o->metavar && short_flag(o->short_name) < 0)
				shorts[ns++] = ':';
		}
	}
	longs[n] = (struct option){ 0 };
	shorts[ns] = '\0';

	opterr = 0;
	/* First pass: the profiles, in order. Errors in other options wait
	 * for the second pass. optind 0 makes glibc start afresh. */
	optind = 0;
	for (int at = 1; (c = getopt_long(argc, argv, shorts, longs, &idx)) != -1; at = optind)
		if (c == 0 && nb_options[idx].set == profile_seen && exact_long(argv[at], "profile")) {
			nb_spec_add_origin(spec, "profile", optarg, "command line");
			if (nb_profile_apply(spec, optarg, apply_key, err) < 0)
				return -1;
		}
	optind = 0;
	for (int at = 1; (c = getopt_long(argc, argv, shorts, longs, &idx)) != -1; at = optind) {
		const struct nb_option *o;
		const char *bad = argv[optind - 1];

		if (c == '?' || c == ':') {
			if (c == ':')
				return nb_fail_hint(err, 0, "see 'nestbox help run'", "option '%s' needs a value", bad);
			if (optopt)
				return nb_fail_hint(err, 0, "see 'nestbox help run'", "unknown option '-%c'", optopt);
			return strncmp(bad, "--", 2) == 0 ? unknown_long(bad, err)
							    : nb_fail_hint(err, 0, "see 'nestbox help run'", "unknown option '%s'", bad);
		}
		if (c == 0 && !exact_long(argv[at], nb_options[idx].name))
			return unknown_long(argv[at], err);
		o = c == 0 ? &nb_options[idx] : find_short(c);
		if (!o)
			return nb_fail(err, 0, "unknown option '-%c'", c);
		if (c != 0 && short_flag(c) >= 0) {
			nb_spec_add_origin(spec, o->name, short_flags[short_flag(c)].value, "command line");
			if (short_flags[short_flag(c)].set(spec, NULL, err) < 0)
				return -1;
			continue;
		}
		if (o->set != profile_seen)
			nb_spec_add_origin(spec, o->name, o->metavar ? optarg : NULL, "command line");
		if (o->set(spec, optarg, err) < 0)
			return -1;
		if (spec->print_help)
			return 0;
	}
	spec->proc.argv = argv + optind;
	return 0;
}

/* One option: the left column, then its text wrapped to 79 columns. */
static void help_option(FILE *out, const struct nb_option *o)
{
	char left[64], text[512];
	const char *t = text;
	int col;

	snprintf(left, sizeof left, "%s%c%s--%s%s%s", o->short_name ? "-" : "  ", o->short_name ? o->short_name : ' ',
		 o->short_name ? ", " : "  ", o->name, o->metavar ? " " : "", o->metavar ? o->metavar : "");
	/* The table says which options add up; the text need not. */
	snprintf(text, sizeof text, "%s%s", o->help, o->repeat ? " (repeatable)" : "");
	col = fprintf(out, "  %s", left);
	while (*t) {
		size_t room = 79 - 30, n = strlen(t);

		if (col > 29) {
			fputc('\n', out);
			col = 0;
		}
		fprintf(out, "%*s", 30 - col, "");
		if (n > room) {
			n = room;
			while (n > 0 && t[n] != ' ')
				n--;
			if (n == 0)
				n = room;
		}
		fprintf(out, "%.*s\n", (int)n, t);
		t += n;
		t += strspn(t, " ");
		col = 0;
	}
}

void nb_options_help(FILE *out)
{
	const char *groups[16];
	size_t ng = 0;

	fputs("Usage: nestbox run [OPTIONS] [--] COMMAND [ARGS...]\n\n"
	      "Run COMMAND in a new user namespace (your subordinate ids mapped), with\n"
	      "private PID, mount, IPC, UTS, net and cgroup namespaces.\n",
	      out);
	/* Each group once, in the order it first appears in the table. */
	for (const struct nb_option *o = nb_options; o->name; o++) {
		size_t g = 0;

		while (g < ng && strcmp(groups[g], o->group) != 0)
			g++;
		if (g == ng && ng < ARRAY_SIZE(groups))
			groups[ng++] = o->group;
	}
	for (size_t g = 0; g < ng; g++) {
		fprintf(out, "\n%s:\n", groups[g]);
		for (const struct nb_option *o = nb_options; o->name; o++)
			if (strcmp(o->group, groups[g]) == 0)
				help_option(out, o);
	}
	fputs("\nExit status: the command's own, or 128+N if it died of signal N;\n"
	      "125 if nestbox failed, 126 if the command cannot run, 127 if it was not\n"
	      "found.\n",
	      out);
}
