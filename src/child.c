/* child.c: see child.h. The order is the one that works inside a user
 * namespace: every privileged step (host name, lo, mounts) comes before
 * the payload's identity change gives capabilities up (payload.c). */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "caps.h"
#include "init.h"
#include "landlock.h"
#include "mounts.h"
#include "nested.h"
#include "net.h"
#include "payload.h"
#include "util.h"

/* The host name inside, unless --hostname names one: the sandbox's name
 * (--name), else this; never the host's. */
#define DEFAULT_HOSTNAME "nestbox"

static _Noreturn void fail(const struct nb_child *c, const struct nb_err *err)
{
	nb_payload_fail(c->err_w, err);
}

/* setgroups is allowed unless the map forbids it: the kernel's file is
 * the truth (newgidmap denies it when only the caller's gid is mapped). */
/* The home an added passwd entry names: root's is /root, as in any
 * system; anyone else keeps the caller's (an empty one in the default
 * view). A --rootfs's own entry for the uid wins (nb_mounts_setup). */
static const char *wanted_home(const struct nb_spec *s)
{
	return s->id.uid == 0 ? "/root" : getenv("HOME");
}

/* bwrap's --userns: enter the given user namespace, whose owner (the
 * caller) holds every capability there, and make the sandbox's other
 * namespaces in it; --pidns: the payload, made later, joins that one. */
/* Between the supervisor and a pid 1 made after clone (--userns with
 * --unshare-pid): holds nothing of the sandbox's, passes signals on, and
 * ends as pid 1 did. Dies with the supervisor, and pid 1 with it. */
static _Noreturn void between(const struct nb_child *c, pid_t child)
{
	close(c->err_w);
	close(c->sync_r);
	if (c->announce_w >= 0)
		close(c->announce_w);
	prctl(PR_SET_DUMPABLE, 0);
	if (c->spec->life.die_with_parent && (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != c->parent))
		_exit(NB_EXIT_FAIL);
	nb_relay(child);
}

/* Into the PID namespace made or joined for our children: the child goes
 * on there (it can mount that namespace's proc); this process stays
 * between, as bwrap's monitor does. */
static int into_pidns(const struct nb_child *c, struct nb_err *err)
{
	pid_t pid = fork();

	if (pid < 0)
		return nb_fail(err, errno, "cannot start the sandbox's first process in its PID namespace");
	if (pid > 0)
		between(c, pid);
	return 0;
}

static int join_namespaces(const struct nb_child *c, struct nb_err *err)
{
	const struct nb_spec *s = c->spec;
	int f = CLONE_NEWNS;

	/* An OCI config's namespaces to join (podman's, made by it or by a
	 * pod's first container). */
	static const struct {
		int type;
		const char *name;
	} joins[NB_JOIN_N] = { [NB_JOIN_NET] = { CLONE_NEWNET, "network" }, [NB_JOIN_IPC] = { CLONE_NEWIPC, "ipc" },
			       [NB_JOIN_UTS] = { CLONE_NEWUTS, "uts" }, [NB_JOIN_CGROUP] = { CLONE_NEWCGROUP, "cgroup" } };

	for (size_t i = 0; i < NB_JOIN_N; i++) {
		_cleanup_close_ int fd = -1;

		if (!s->ns.join[i])
			continue;
		fd = open(s->ns.join[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, joins[i].type) < 0)
			return nb_fail(err, errno, "cannot join the %s namespace %s", joins[i].name, s->ns.join[i]);
	}
	/* A PID namespace to join without a user namespace to join (an OCI
	 * config run in rootless podman's). */
	if (s->ns.userns_fd < 0) {
		if (s->ns.pidns_fd < 0)
			return 0;
		if (setns(s->ns.pidns_fd, CLONE_NEWPID) < 0)
			return nb_fail(err, errno, "cannot join the PID namespace");
		close(s->ns.pidns_fd);
		return into_pidns(c, err);
	}
	if (setns(s->ns.userns_fd, CLONE_NEWUSER) < 0)
		return nb_fail(err, errno, "--userns: cannot join the user namespace");
	f |= !(s->ns.shared & NB_NS_NET) ? CLONE_NEWNET : 0;
	f |= !(s->ns.shared & NB_NS_IPC) ? CLONE_NEWIPC : 0;
	f |= !(s->ns.shared & NB_NS_UTS) ? CLONE_NEWUTS : 0;
	f |= !(s->ns.shared & NB_NS_CGROUP) ? CLONE_NEWCGROUP : 0;
	if (unshare(f) < 0)
		return nb_fail(err, errno, "--userns: cannot create the sandbox's namespaces in it");
	if (s->ns.pidns_fd >= 0 && setns(s->ns.pidns_fd, CLONE_NEWPID) < 0)
		return nb_fail(err, errno, "--pidns: cannot join the PID namespace");
	close(s->ns.userns_fd);
	if (s->ns.pidns_fd >= 0)
		close(s->ns.pidns_fd);
	/* A PID namespace of its own in the joined user namespace: made now,
	 * its pid 1 is our child, which goes on as the sandbox's first
	 * process; this one stays between, as bwrap's monitor does. */
	if (!(s->ns.shared & NB_NS_PID) && unshare(CLONE_NEWPID) < 0)
		return nb_fail(err, errno, "--userns: cannot create the PID namespace in it");
	if (!(s->ns.shared & NB_NS_PID) || s->ns.pidns_fd >= 0)
		return into_pidns(c, err);
	return 0;
}

/* What init's 0-2 become. The host's /dev/null, unless the view it runs in
 * (a nested sandbox's bind with nodev) forbids opening devices: then the
 * read end of an emptied pipe, which reads EOF and takes no writes. */
static int open_null(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC), p[2];

	if (fd >= 0 || errno != EACCES || pipe2(p, O_CLOEXEC) < 0)
		return fd;
	close(p[1]);
	return p[0];
}

/* OCI's linux.sysctl: namespaced keys only (oci-config.c checked them),
 * written through the host's /proc, which shows this process's own
 * namespaces, before the view makes /proc/sys read-only. */
static int sysctls(const struct nb_spec *s, struct nb_err *err)
{
	for (size_t i = 0; i < s->ns.n_sysctl; i++) {
		const char *eq = strchr(s->ns.sysctl[i], '=');
		_cleanup_free_ char *path = nb_xasprintf("/proc/sys/%.*s", (int)(eq - s->ns.sysctl[i]), s->ns.sysctl[i]);

		/* The UTS names' files belong to the host's root whatever the
		 * namespace; their system calls check the namespace's owner. */
		if (strcmp(path, "/proc/sys/kernel.hostname") == 0 || strcmp(path, "/proc/sys/kernel.domainname") == 0) {
			bool host = path[17] == 'h';
			if ((host ? sethostname : setdomainname)(eq + 1, strlen(eq + 1)) < 0)
				return nb_fail(err, errno, "cannot set the %s name to '%s'", host ? "host" : "domain", eq + 1);
			continue;
		}
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		if (nb_write_file(path, eq + 1, err) < 0)
			return nb_hint(err, "linux.sysctl: the key must belong to a namespace the sandbox has of its own");
	}
	return 0;
}

/* The host name and the network need capabilities in the namespaces, not
 * a map: a child that waits for another to write its maps does this
 * first, while it waits. */
static int name_and_network(const struct nb_spec *s, bool beside, struct nb_err *err)
{
	/* A joined UTS namespace keeps its name unless one is given. */
	if (!(s->ns.shared & NB_NS_UTS) && (!s->ns.join[NB_JOIN_UTS] || s->ns.hostname)) {
		const char *name = s->ns.hostname ? s->ns.hostname : s->name ? s->name : DEFAULT_HOSTNAME;
		if (sethostname(name, strlen(name)) < 0)
			return nb_fail(err, errno, "cannot set the host name to '%s'", name);
	}
	/* Made beside the view, the namespace comes with lo up. */
	if (!(s->ns.shared & NB_NS_NET) && !beside) {
		TRY(nb_net_loopback_up(err));
		TRY(nb_net_low_ports(err));
	}
	return 0;
}

static int build_sandbox(const struct nb_child *c, struct nb_init *in, bool named, struct nb_netns_end *net, char **home,
			 struct nb_err *err)
{
	const struct nb_spec *s = c->spec;

	if (!named)
		TRY(name_and_network(s, c->net_beside, err));
	/* Before the new /proc, whose /proc/sys is read-only. */
	if (s->priv.disable_userns)
		TRY(nb_nested_limit(err));
	/* net.* keys are the sandbox's namespace's. */
	if (s->ns.n_sysctl)
		TRY(nb_netns_join(net, err));
	TRY(sysctls(s, err));
	/* A joined PID namespace is ours to mount a proc of, from inside it. */
	return nb_mounts_setup(&(struct nb_view_env){ .view = &s->view,
						     .shared = s->ns.pidns_fd >= 0 ? s->ns.shared & ~NB_NS_PID : s->ns.shared,
						      .allow_userns = s->priv.allow_userns,
						      .own_userns = s->ns.userns_fd < 0 && !s->ns.share_user,
						      .uid = s->id.uid,
						      .gid = s->id.gid, .user_name = c->user_name,
						      .home = wanted_home(s), .resolv_conf = c->resolv_conf,
						      .bus_src = { c->bus_src[0], c->bus_src[1] },
						      .bus_dest = { s->desktop.dbus_dest, s->desktop.dbus_system_dest },
						      .bwrap_words = s->bwrap_words, .locks = in->keep, .n_locks = &in->n_keep,
						      .net = net },
			       home, err);
}

/* The command, ready to exec from where the view left us (or --chdir).
 * Root inside, and any user of a --rootfs, get the sandbox's own HOME and
 * a PATH with the sbin directories: the caller's name places that may not
 * exist there, and lack what root needs (useradd, dpkg's tools). */
static void prepare(const struct nb_child *c, const char *home, struct nb_exec *exec)
{
	const struct nb_spec *s = c->spec;
	struct nb_err err = { 0 };
	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	/* bwrap leaves the environment as it was given. */
	bool own = (s->id.uid == 0 || s->view.rootfs) && !s->view.empty_root;

	if (nb_payload_prepare(&s->proc, cwd, own ? home : NULL, own, exec, &err) < 0)
		fail(c, &err);
}

/* Step 3. The maps: our own single map we write ourselves, which saves
 * the supervisor a round trip; any other, another writes and says so,
 * while we name the sandbox and bring up its network. bwrap's
 * --userns-block-fd then waits for its caller. Returns whether the name
 * and network are done. */
static bool await_maps(const struct nb_child *c)
{
	const struct nb_spec *s = c->spec;
	bool named = !c->plan->self_written && s->proc.userns_block_fd < 0;
	struct nb_err err = { 0 };
	char go;

	if (named && name_and_network(s, c->net_beside, &err) < 0)
		fail(c, &err);
	if (c->plan->self_written ? nb_idmap_write_self(c->plan, &err) < 0 : read(c->sync_r, &go, 1) != 1) {
		if (c->plan->self_written)
			fail(c, &err);
		_exit(NB_EXIT_FAIL);
	}
	if (s->proc.userns_block_fd >= 0 && read(s->proc.userns_block_fd, &go, 1) < 0)
		fail(c, (nb_fail(&err, errno, "--userns-block-fd: cannot read"), &err));
	return named;
}

/* Steps 6a and 6b, once the view is built. */
static void after_view(const struct nb_child *c, struct nb_init *in)
{
	const struct nb_spec *s = c->spec;
	struct nb_err err = { 0 };

	/* 6a. bwrap's --userns2: on into that namespace (a change of
	 * credentials, so the parent-death signal again). */
	if (s->ns.userns2_fd >= 0) {
		if (setns(s->ns.userns2_fd, CLONE_NEWUSER) < 0)
			fail(c, (nb_fail(&err, errno, "--userns2: cannot switch to the user namespace"), &err));
		close(s->ns.userns2_fd);
		if (s->life.die_with_parent && prctl(PR_SET_PDEATHSIG, in->pid1 ? SIGKILL : SIGTERM) < 0)
			fail(c, (nb_fail(&err, errno, "cannot set the parent-death signal"), &err));
		if (getppid() != c->parent)
			_exit(NB_EXIT_FAIL);
	}
	/* 6b. --tty: a pty of the sandbox's own devpts; the master goes to
	 * the supervisor, the slave to the payload. */
	in->payload.tty = -1;
	if (c->tty) {
		in->payload.tty = nb_tty_open(c->tty->sock[1], c->tty, s->id.uid, s->id.gid, &err);
		if (in->payload.tty < 0)
			fail(c, &err);
		close(c->tty->sock[1]);
	}
}

/* Step 8. Everything the payload's process will need; exec lives as long
 * as the process (nb_child_main does not return). */
static void payload_setup(const struct nb_child *c, struct nb_init *in, const char *home, struct nb_exec *exec)
{
	const struct nb_spec *s = c->spec;

	prepare(c, home, exec);
	in->payload.proc = &s->proc;
	in->payload.uid = s->id.uid;
	in->payload.gid = s->id.gid;
	in->payload.groups = s->id.groups;
	in->payload.n_groups = s->id.n_groups;
	in->payload.die_with_parent = s->life.die_with_parent;
	if (s->proc.sync_fd >= 0 && in->n_keep < NB_MAX_LOCKS)
		in->keep[in->n_keep++] = s->proc.sync_fd;
	in->nested = s->priv.disable_userns;
	in->payload.caps = c->caps;
	in->payload.filter = c->filter;
	in->payload.landlock = nb_landlock_mode(&s->priv, c->caps);
	in->payload.tcp = &s->priv.tcp;
	in->payload.assert_userns_disabled = s->priv.assert_userns_disabled;
	in->payload.exec = exec;
	in->payload.chan = (struct nb_payload_chan){ .err_w = c->err_w, .ready_w = -1, .go_r = -1,
						     .nest_w = -1, .nest_r = -1, .parent = -1 };
}

static void net_begin(const struct nb_child *c, struct nb_netns_end *net)
{
	const struct nb_spec *s = c->spec;
	/* pid 1 of a PID namespace we made: the helper's pid is ours to pick. */
	bool own_pidns = !(s->ns.shared & NB_NS_PID) && s->ns.pidns_fd < 0;
	struct nb_err err = { 0 };

	if (nb_netns_begin(net, own_pidns, c->ipc_beside, &err) < 0)
		fail(c, &err);
}

_Noreturn void nb_child_main(const struct nb_child *c)
{
	const struct nb_spec *s = c->spec;
	bool pid1 = !(s->ns.shared & NB_NS_PID);
	struct nb_err err = { 0 };
	struct nb_init in = { .err_w = c->err_w, .pid1 = pid1, .parent = c->parent, .announce_w = -1, .announce_go = -1,
			      .start_fd = -1, .exit_w = -1 };
	struct nb_exec exec;
	char *home = NULL; /* the child's own memory, until exec */
	struct nb_netns_end net = NB_NETNS_END_INIT(c->sync_r);
	bool named;
	char go;

	/* 1. Nothing of the supervisor's but the two pipes. */
	for (size_t i = 0; i < ARRAY_SIZE(c->close_fds); i++)
		if (c->close_fds[i] > 2) /* --json-status-fd 1 is the payload's stdout too */
			close(c->close_fds[i]);
	/* 1b. bwrap's --userns: into it before anything else, since entering
	 * it clears the parent-death signal. */
	if (join_namespaces(c, &err) < 0)
		fail(c, &err);
	/* 2. Die with the supervisor. pid 1 simply dies, and the kernel ends
	 * its namespace; a subreaper (--share=pid) takes a signal it can act
	 * on, to kill what it inherited first. Had the supervisor died before
	 * this, the read in step 3 sees EOF: it holds the other end until the
	 * maps are written, so no window is left. */
	if (s->life.die_with_parent && prctl(PR_SET_PDEATHSIG, pid1 ? SIGKILL : SIGTERM) < 0)
		fail(c, (nb_fail(&err, errno, "cannot set the parent-death signal"), &err));
	/* 2b. The network namespace is made beside the view (net.h), from
	 * here on: with every capability in our user namespace, the helper
	 * needs no map. Inside the cgroup leaf, though: after step 4 where
	 * the supervisor moves us there. */
	if (c->net_beside && !c->late_leaf)
		net_begin(c, &net);
	/* 3. The maps. */
	named = await_maps(c);
	/* 4. Moved into the leaf by the supervisor (no clone3), once its
	 * byte has come: root the cgroup namespace there now. */
	if (c->late_leaf && read(c->sync_r, &go, 1) != 1)
		_exit(NB_EXIT_FAIL);
	if (c->late_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		fail(c, (nb_fail(&err, errno, "cannot create the cgroup namespace"), &err));
	if (c->net_beside && c->late_leaf)
		net_begin(c, &net);
	/* 5. What the map allows, and the host's /dev/null for init, before
	 * the view replaces /proc and /dev. */
	in.payload.setgroups_ok = nb_setgroups_allowed();
	in.devnull = open_null();
	if (in.devnull < 0)
		fail(c, (nb_fail(&err, errno, "cannot open /dev/null"), &err));
	in.children = -1;
	/* thread-self: in a joined PID namespace getpid() is not the
	 * host's /proc's number for us. */
	if (!pid1)
		in.children = open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
	/* 5b. The bounding set, cut once for init and the payload (caps.h),
	 * while the net helper makes the network namespace. --userns2's
	 * namespace, entered after the view, would give it all back. */
	if (s->ns.userns2_fd < 0 && nb_caps_cut_bounding(c->caps, &in.payload.bnd_gone, &err) < 0)
		fail(c, &err);
	/* 6. The sandbox itself (joining the network namespace made beside
	 * it, at the latest once it is built), then --userns2 and --tty. */
	if (build_sandbox(c, &in, named, &net, &home, &err) < 0 || nb_netns_join(&net, &err) < 0)
		fail(c, &err);
	/* 6'. The view is final: the supervisor's record may name the
	 * sandbox now, for exec to join (a supervisor gone: EPIPE, and the
	 * read in step 7 sees EOF). */
	(void)send(c->sync_r, "v", 1, MSG_NOSIGNAL);
	after_view(c, &in);
	/* 7. The supervisor's second byte: it has opened our namespaces (for
	 * exec and --info-fd, before init turns non-dumpable) and the network
	 * is up, while the view was built. EOF: it died. */
	if (read(c->sync_r, &go, 1) != 1)
		_exit(NB_EXIT_FAIL);
	/* init keeps it to wait for the supervisor's word after announcing. */
	if (c->announce_w < 0)
		close(c->sync_r);
	in.announce_w = c->announce_w;
	in.exit_w = c->exit_w;
	in.start_fd = s->life.start_fd;
	in.announce_go = c->announce_w >= 0 ? c->sync_r : -1;
	/* 8. Everything the payload's process will need. */
	payload_setup(c, &in, home, &exec);
	/* 9. --as-pid-1: this process is the payload. Its parent, the
	 * supervisor, is outside the namespace: arm the signal, no check. */
	if (s->life.as_pid1) {
		in.payload.chan.parent = 0;
		nb_payload_run(&in.payload);
	}
	/* Else its init; under a subreaper the payload checks its parent. */
	if (!pid1 && s->ns.pidns_fd < 0)
		in.payload.chan.parent = getpid();
	nb_init_main(&in);
}
