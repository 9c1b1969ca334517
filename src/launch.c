/* launch.c: see launch.h. The order of nb_launch() is the order in
 * doc/design.md; each stage is one function. */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "init.h"
#include "landlock.h"
#include "report.h"
#include "status.h"
#include "util.h"

void nb_sandbox_release(struct nb_sandbox *sb)
{
	/* First: the caller's terminal as it was, before any message. */
	nb_tty_release(&sb->tty);
	nb_state_release(&sb->state);
	nb_dbus_release(&sb->dbus);
	for (size_t k = 0; k < NB_STATE_NS; k++)
		nb_closep(&sb->ns_fds[k]);
	nb_slirp_release(&sb->slirp);
	/* Reached with a live child only on a failure: nothing must stay. */
	if (sb->pid > 0) {
		kill(sb->pid, SIGKILL);
		while (waitpid(sb->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	nb_watchdog_stop(&sb->watchdog);
	nb_keeper_release(&sb->keeper);
	nb_closep(&sb->pidfd);
	nb_closep(&sb->kill_fd);
	nb_closep(&sb->sync_r);
	nb_closep(&sb->sync_w);
	nb_closep(&sb->err_r);
	nb_closep(&sb->err_w);
	nb_closep(&sb->ann_r);
	nb_closep(&sb->ann_w);
	nb_closep(&sb->exit_r);
	nb_closep(&sb->exit_w);
	if (sb->sigfd >= 0) {
		/* A signal for the payload that came after it ended must not
		 * kill the caller once unblocked. */
		struct signalfd_siginfo si;
		while (poll(&(struct pollfd){ sb->sigfd, POLLIN, 0 }, 1, 0) == 1 &&
		       read(sb->sigfd, &si, sizeof si) == sizeof si)
			;
		sigprocmask(SIG_SETMASK, &sb->old_mask, NULL);
	}
	nb_closep(&sb->sigfd);
	nb_idplan_release(&sb->plan);
	nb_cgroup_release(&sb->cg);
	nb_seccomp_free(sb->filter);
	sb->filter = NULL;
}

/* Blocked from here on, these signals queue in sigfd until supervise()
 * passes them on; the child inherits the mask and so loses none either. */
int nb_block_signals(const struct nb_spec *spec, struct nb_sandbox *sb, struct nb_err *err)
{
	sigset_t mask;

	nb_signals_forwarded(&mask);
	/* The relay's own: a new window size, and a reader of our output
	 * that went away (EPIPE instead of death, with the terminal raw). */
	if (spec->proc.use_tty) {
		sigaddset(&mask, SIGWINCH);
		sigaddset(&mask, SIGPIPE);
	}
	if (sigprocmask(SIG_BLOCK, &mask, &sb->old_mask) < 0)
		return nb_fail(err, errno, "cannot block signals");
	sb->sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sb->sigfd < 0) {
		sigprocmask(SIG_SETMASK, &sb->old_mask, NULL);
		return nb_fail(err, errno, "cannot create a signal fd");
	}
	return 0;
}

/* Whether the sandbox has a namespace of this kind (NB_NS_*) of its own,
 * made for it: neither shared with the host nor joined (join: its
 * NB_JOIN_* slot). */
static bool own_ns(const struct nb_namespaces *n, unsigned kind, enum nb_join join)
{
	return !(n->shared & kind) && !n->join[join];
}

/* A network namespace of the sandbox's own, with nothing that needs it
 * before the child's view does: made beside the view (net.h). Not where
 * slirp4netns or pasta join it from the supervisor; nor for a caller's
 * --userns-block-fd, which waits for the --info-fd written once the child
 * has joined; nor in a user namespace made by another. */
static bool net_beside(const struct nb_spec *spec)
{
	return own_ns(&spec->ns, NB_NS_NET, NB_JOIN_NET) && !NB_NET_USER(spec->net.mode) && spec->ns.userns_fd < 0 &&
	       !spec->ns.share_user && spec->proc.userns_block_fd < 0;
}

static unsigned long clone_flags(const struct nb_spec *spec, const struct nb_sandbox *sb)
{
	/* CLONE_NEWUSER with the others in one call: the kernel creates the
	 * user namespace first, and it owns every other new namespace. */
	unsigned long f = CLONE_NEWUSER | CLONE_NEWNS;

	/* Joining a user namespace (bwrap's --userns): the child enters it
	 * first and makes the others there (nb_child_main). */
	if (spec->ns.userns_fd >= 0)
		return 0;
	/* The caller's own (OCI, under rootless podman), where it may make
	 * the others itself; a namespace to join is joined by the child. */
	if (spec->ns.share_user)
		f &= ~(unsigned long)CLONE_NEWUSER;
	if (!(spec->ns.shared & NB_NS_PID))
		f |= CLONE_NEWPID;
	if (own_ns(&spec->ns, NB_NS_NET, NB_JOIN_NET) && !sb->net_beside)
		f |= CLONE_NEWNET;
	if (own_ns(&spec->ns, NB_NS_IPC, NB_JOIN_IPC) && !sb->ipc_beside)
		f |= CLONE_NEWIPC;
	if (own_ns(&spec->ns, NB_NS_UTS, NB_JOIN_UTS))
		f |= CLONE_NEWUTS;
	if (own_ns(&spec->ns, NB_NS_CGROUP, NB_JOIN_CGROUP))
		f |= CLONE_NEWCGROUP;
	return f;
}

static _Noreturn void child_start(const struct nb_spec *spec, struct nb_sandbox *sb)
{
	const struct nb_child c = {
		.spec = spec, .caps = &sb->caps, .filter = sb->filter, .user_name = sb->plan.user_name,
		.resolv_conf = NB_NET_USER(spec->net.mode) ? nb_slirp_resolv_conf(&spec->net) : NULL,
		.parent = sb->parent, .sync_r = sb->sync_r, .plan = &sb->plan,
		.err_w = sb->err_w, .tty = spec->proc.use_tty ? &sb->tty : NULL,
		.bus_src = { sb->dbus.session, sb->dbus.system },
		.close_fds = { sb->sync_w, sb->err_r, sb->sigfd, spec->report.info_fd, spec->report.json_status_fd,
			       sb->tty.sock[0], sb->dbus.sync, sb->ann_r, sb->keeper.pidfd, sb->keeper.lock,
			       sb->keeper.base, sb->exit_r },
		.announce_w = sb->ann_w, .exit_w = sb->exit_w,
		.late_cgroupns = sb->late_cgroupns, .late_leaf = sb->late_leaf, .net_beside = sb->net_beside,
		.ipc_beside = sb->ipc_beside,
	};

	/* The pidfd is the supervisor's (clone3 put it in our table too). */
	if (sb->pidfd >= 0)
		close(sb->pidfd);
	nb_child_main(&c);
}

/* clone3 starts the child inside the leaf from its first instruction, and
 * its cgroup namespace is rooted there. Plain clone is the fallback for
 * kernels before 5.7: the supervisor then moves the child and the child
 * makes its cgroup namespace itself (*into_cgroup turns false). Both
 * return like fork(). From the keeper's side the child is the
 * supervisor's (CLONE_PARENT), and the supervisor opens its pidfd. */
static long clone_child(const struct nb_spec *spec, struct nb_sandbox *sb, bool via_keeper, bool *into_cgroup)
{
	struct clone_args args = { .flags = clone_flags(spec, sb), .exit_signal = via_keeper ? 0 : SIGCHLD };
	long pid;

	if (via_keeper) {
		args.flags |= CLONE_PARENT;
	} else {
		args.flags |= CLONE_PIDFD;
		args.pidfd = (uint64_t)(uintptr_t)&sb->pidfd;
	}
	if (*into_cgroup) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)sb->cg.leaf_fd;
	}
	pid = syscall(SYS_clone3, &args, sizeof args);
	if (pid < 0 && (errno == ENOSYS || errno == E2BIG || (*into_cgroup && errno == EINVAL))) {
		unsigned long f = args.flags & ~(unsigned long)(CLONE_INTO_CGROUP | CLONE_PIDFD);
		sb->late_leaf = *into_cgroup;
		if (*into_cgroup && (f & CLONE_NEWCGROUP)) {
			f &= ~(unsigned long)CLONE_NEWCGROUP;
			sb->late_cgroupns = true;
		}
		sb->pidfd = -1;
		pid = syscall(SYS_clone, f | (via_keeper ? 0 : SIGCHLD), NULL, NULL, NULL, NULL);
		*into_cgroup = false;
	}
	if (pid == 0)
		child_start(spec, sb);
	return pid;
}

/* One byte to the child. A child that is gone already has said why on the
 * error pipe, which supervise() reads: that is no failure here. */
static int release_byte(int fd)
{
	ssize_t r;

	do
		r = send(fd, "1", 1, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	return r == 1 || errno == EPIPE || errno == ECONNRESET ? 0 : -1;
}

/* The short-lived process that joins the keeper's user namespace: what
 * it needs, and what it says (in our memory, which it borrows). */
struct keeper_side {
	const struct nb_spec *spec;
	struct nb_sandbox *sb;
	long pid;          /* the child, or -1 */
	bool joined;       /* it got into the keeper's namespace */
	bool into_cgroup;
	struct nb_err err; /* msg empty on success */
};

/* In the keeper's namespace it may write any map of the caller's ids: it
 * makes the child there, as ours, and writes the child's maps. It borrows
 * our memory and stack (vfork), so it writes nothing of sb's but what
 * clone_child writes for us anyway. */
static int keeper_side(void *arg)
{
	struct keeper_side *a = arg;

	if (setns(a->sb->keeper.pidfd, CLONE_NEWUSER) < 0)
		return nb_fail(&a->err, errno, "cannot join the keeper's user namespace"), 0;
	a->joined = true;
	a->pid = clone_child(a->spec, a->sb, true, &a->into_cgroup);
	if (a->pid < 0)
		nb_userns_diagnose(errno, "cannot create the sandbox's namespaces", &a->err);
	else if (nb_idmap_write((pid_t)a->pid, &a->sb->keeper.uid, &a->sb->keeper.gid, &a->err) < 0)
		kill((pid_t)a->pid, SIGKILL);
	/* The child's first byte: mapped, it may build its view now. */
	else if (release_byte(a->sb->sync_w) < 0)
		nb_fail(&a->err, errno, "cannot release the sandbox's child");
	return 0;
}

/* The child's stack is this one, from the clone on: a thread's size. */
#define KEEPER_SIDE_STACK ((size_t)8 << 20)

/* 1: made through the keeper; 0: the keeper is gone, go direct; -1: err. */
static int spawn_via_keeper(const struct nb_spec *spec, struct nb_sandbox *sb, bool *into_cgroup, struct nb_err *err)
{
	struct keeper_side a = { .spec = spec, .sb = sb, .pid = -1, .into_cgroup = *into_cgroup };
	int status;
	/* SIGCHLD: the child inherits it with CLONE_PARENT, and we need it. */
	pid_t side = nb_clone_vfork(keeper_side, &a, KEEPER_SIDE_STACK, SIGCHLD);

	if (side < 0)
		return nb_fail(err, errno, "cannot start the process that joins the keeper's namespace");
	while (waitpid(side, &status, 0) < 0 && errno == EINTR)
		;
	if (a.pid > 0)
		sb->pid = (pid_t)a.pid; /* ours (CLONE_PARENT): reaped on every way out */
	if (!a.joined) {
		nb_verbose("the keeper is gone (%s); newuidmap and newgidmap run instead", a.err.msg);
		nb_closep(&sb->keeper.pidfd);
		return 0;
	}
	if (a.err.msg[0]) {
		*err = a.err;
		return -1;
	}
	*into_cgroup = a.into_cgroup;
	sb->pidfd = (int)syscall(SYS_pidfd_open, sb->pid, 0);
	return 1;
}

/* Where nothing needs init gone (a leaf to remove, a terminal to drain,
 * a subreaper's killing), init tells the payload's exit code once nothing
 * else runs in the sandbox, and nestbox returns without waiting for the
 * namespaces' teardown, as bwrap does. */
static bool early_exit_ok(const struct nb_spec *spec, const struct nb_sandbox *sb)
{
	return !(spec->ns.shared & NB_NS_PID) && !sb->cg.active && !spec->proc.use_tty && !spec->life.as_pid1 &&
	       !spec->life.detach;
}

static int child_spawn(const struct nb_spec *spec, struct nb_sandbox *sb, struct nb_err *err)
{
	bool into_cgroup = sb->cg.active;
	int p[2], via = 0;
	long pid;

	/* A socket, not a pipe: a byte sent after the child died (its view
	 * failed) must give EPIPE, not kill us with SIGPIPE (release_byte). */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
		return nb_fail(err, errno, "cannot create the sync socket");
	sb->sync_r = p[0], sb->sync_w = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		return nb_fail(err, errno, "cannot create the error pipe");
	sb->err_r = p[0], sb->err_w = p[1];
	/* --info-fd naming the payload, or a sandbox left on its own (OCI
	 * create): init says when the payload is ready. */
	if ((spec->report.payload_pid && !spec->life.as_pid1 &&
	     (spec->report.info_fd >= 0 || spec->report.json_status_fd >= 0)) ||
	    spec->life.detach) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return nb_fail(err, errno, "cannot create the announce pipe");
		sb->ann_r = p[0], sb->ann_w = p[1];
	}
	if (early_exit_ok(spec, sb)) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
			return nb_fail(err, errno, "cannot create the exit socket");
		sb->exit_r = p[0], sb->exit_w = p[1];
	}
	sb->net_beside = net_beside(spec);
	sb->ipc_beside = sb->net_beside && own_ns(&spec->ns, NB_NS_IPC, NB_JOIN_IPC);

	sb->parent = getpid();
	fflush(NULL);
	if (sb->keeper.pidfd >= 0)
		TRY(via = spawn_via_keeper(spec, sb, &into_cgroup, err));
	if (!via) {
		pid = clone_child(spec, sb, false, &into_cgroup);
		if (pid < 0)
			return nb_userns_diagnose(errno, "cannot create the sandbox's namespaces", err);
		sb->pid = (pid_t)pid;
		if (sb->pidfd < 0)
			sb->pidfd = (int)syscall(SYS_pidfd_open, sb->pid, 0);
	}
	nb_closep(&sb->sync_r);
	nb_closep(&sb->err_w);
	nb_closep(&sb->ann_w);
	nb_closep(&sb->exit_w);
	nb_closep(&sb->tty.sock[1]);
	/* Moved late: the child waits for this byte too (besides the maps'
	 * one, before or after it) before it roots its cgroup namespace or
	 * starts its net helper. */
	if (sb->cg.active && !into_cgroup) {
		TRY(nb_cgroup_enter(&sb->cg, sb->pid, err));
		if (sb->late_leaf && release_byte(sb->sync_w) < 0)
			return nb_fail(err, errno, "cannot release the sandbox's child");
	}
	return 0;
}

/* slirp4netns confines itself as the sandbox's root (--enable-sandbox
 * makes it seteuid(0) and setegid(0) inside), which a single-id map gives
 * only to a --root payload. Refused before any process exists, and again
 * after a fallback to the single map. */
int nb_check_net_map(const struct nb_spec *spec, const struct nb_idplan *plan, struct nb_err *err)
{
	if (spec->net.mode != NB_NET_SLIRP || plan->helper || plan->host_ids || (plan->in_uid == 0 && plan->in_gid == 0))
		return 0;
	return nb_fail_hint(err, 0, plan->fallback_why ? "add --root, or ask an admin for a subordinate range so that the full map can be used"
						       : "add --root, or use the full map (--map=auto)",
			    "--net=slirp with a single-id map needs --root: slirp4netns confines itself as the sandbox's root, and this map has no uid or gid 0%s%s",
			    plan->fallback_why ? ", the map being single because " : "", plan->fallback_why ? plan->fallback_why : "");
}

/* Where no init of nestbox's own outlives a dead supervisor, a watchdog
 * does: --as-pid-1 (the payload is pid 1, and could reset its parent-death
 * signal) and, with a leaf, --share=pid (which has no PID namespace). */
static int watchdog_start(const struct nb_spec *spec, struct nb_sandbox *sb, struct nb_err *err)
{
	if (!spec->life.die_with_parent)
		return 0;
	if (spec->life.as_pid1)
		return nb_watchdog_start(&sb->watchdog, sb->pidfd, -1, err);
	if ((spec->ns.shared & NB_NS_PID) && sb->cg.active) {
		sb->kill_fd = nb_cgroup_kill_fd(&sb->cg);
		return nb_watchdog_start(&sb->watchdog, -1, sb->kill_fd, err);
	}
	return 0;
}

/* One byte, once the maps are written, lets the child build its view (the
 * keeper's side writes it, and a child that maps itself needs none); a
 * second lets it start init, once its namespaces are open here (init
 * turns non-dumpable) and the network is up. */
static int child_release(struct nb_sandbox *sb, bool last, struct nb_err *err)
{
	if (release_byte(sb->sync_w) < 0)
		return nb_fail(err, errno, "cannot release the sandbox's child");
	if (last)
		nb_closep(&sb->sync_w);
	return 0;
}

/* slirp4netns ended while the sandbox ran (--net-lost): the sandbox goes
 * on without a network, said or not, or is stopped. Returns true to stop. */
static bool net_lost(const struct nb_spec *spec, struct nb_sandbox *sb)
{
	nb_closep(&sb->slirp.pidfd);
	if (spec->net.lost == NB_NET_LOST_WARN)
		nb_warn("%s exited while the sandbox ran: the sandbox has lost its network (hint: its own messages were not kept; --net-lost=kill stops the sandbox instead)",
			nb_slirp_name(&spec->net));
	if (spec->net.lost != NB_NET_LOST_KILL)
		return false;
	kill(sb->pid, SIGKILL);
	return true;
}

static int publish(const struct nb_spec *spec, struct nb_sandbox *sb, struct nb_err *err);

/* The child's "v": its view is final, and the record may name the sandbox
 * (exec joins the namespaces it names). EOF: the child failed, and says
 * why over the error pipe. */
static int view_final(const struct nb_spec *spec, struct nb_sandbox *sb, struct nb_err *err)
{
	char c = 0;
	ssize_t r = read(sb->sync_w, &c, 1);

	if (r < 0 && errno == EINTR)
		return 0;
	sb->publish_on_view = false;
	nb_closep(&sb->sync_w);
	/* The mask back first (we stay on this CPU meanwhile): whoever sees
	 * the record sees the caller's mask. */
	nb_cpu_restore(&sb->cpus_moved, 0, &sb->cpus);
	if (r == 1 && c == 'v')
		TRY(publish(spec, sb, err));
	return 0;
}

/* Waits for the child while passing signals on to it. The error pipe gives
 * the child's own failure message, or EOF once the payload has exec'd. */
int nb_supervise(const struct nb_spec *spec, struct nb_sandbox *sb, struct nb_err *err)
{
	struct nb_err child_err;
	size_t got = 0;
	int status = 0;
	bool stopped = false;

	while (sb->pid > 0) {
		struct pollfd pfd[8] = { { sb->sigfd, POLLIN, 0 }, { sb->err_r, POLLIN, 0 },
					 { sb->slirp.pidfd, POLLIN, 0 } };
		struct signalfd_siginfo si;

		nb_tty_poll_fds(&sb->tty, pfd + 3);
		pfd[6] = (struct pollfd){ sb->exit_r, POLLIN, 0 };
		pfd[7] = (struct pollfd){ sb->publish_on_view ? sb->sync_w : -1, POLLIN, 0 };
		/* Negative fds (a closed error pipe, no slirp, no tty) are skipped. */
		if (poll(pfd, 8, -1) < 0) {
			if (errno == EINTR)
				continue;
			return nb_fail(err, errno, "poll failed while supervising");
		}
		if (pfd[1].revents) {
			ssize_t r = read(sb->err_r, (char *)&child_err + got, sizeof child_err - got);
			if (r > 0)
				got += (size_t)r;
			else if (r == 0 || errno != EINTR)
				nb_closep(&sb->err_r);
		}
		if (pfd[2].revents)
			stopped |= net_lost(spec, sb);
		if (pfd[6].revents) {
			unsigned char code;
			/* EOF: init ends without a word, and SIGCHLD will say. */
			if (read(sb->exit_r, &code, 1) == 1) {
				status = code << 8;
				sb->pid = -1; /* it exits on our EOF; its zombie is our reaper's */
				/* Let go of the namespaces before init does, so
				 * that their teardown is its exit's, not ours. The
				 * EOF comes as we end (nb_sandbox_release): init's
				 * exit then no longer runs beside our last steps,
				 * on our CPU. */
				for (size_t k = 0; k < NB_STATE_NS; k++)
					nb_closep(&sb->ns_fds[k]);
				continue;
			}
			nb_closep(&sb->exit_r); /* EOF: SIGCHLD will say */
			continue;
		}
		/* Not for a payload that has ended already (above). */
		if (pfd[7].revents && view_final(spec, sb, err) < 0)
			return -1;
		nb_tty_ready(&sb->tty, pfd + 3);
		if (!(pfd[0].revents & POLLIN) || read(sb->sigfd, &si, sizeof si) != sizeof si)
			continue;
		if (si.ssi_signo == SIGCHLD) {
			if (waitpid(sb->pid, &status, WNOHANG) == sb->pid)
				sb->pid = -1;
			continue;
		}
		if (spec->proc.use_tty && (si.ssi_signo == SIGWINCH || si.ssi_signo == SIGPIPE)) {
			if (si.ssi_signo == SIGWINCH)
				nb_tty_winch(&sb->tty);
			continue;
		}
		/* Without a new session the terminal's signals reached the whole
		 * process group already; pass on only those sent to nestbox. */
		if (spec->proc.new_session || si.ssi_code != SI_KERNEL)
			kill(sb->fwd_pid > 0 ? sb->fwd_pid : sb->pid, (int)si.ssi_signo);
	}
	nb_tty_drain(&sb->tty);
	/* Every writer is gone now, so this read cannot block. */
	while (sb->err_r >= 0 && got < sizeof child_err) {
		ssize_t r = read(sb->err_r, (char *)&child_err + got, sizeof child_err - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == sizeof child_err) {
		*err = child_err;
		return -1;
	}
	if (stopped)
		return nb_fail_hint(err, 0, "--net-lost=warn lets it run on without a network",
				    "the sandbox was stopped: %s exited, and it lost its network (--net-lost=kill)",
				    nb_slirp_name(&spec->net));
	return nb_exit_code(status);
}

/* An id and a record for ps, exec and stop. Without a usable state
 * directory (another user made /tmp/nestbox-UID first) a sandbox still
 * runs, unseen, and says so; one that must be found by --name cannot. */
static int reserve(const struct nb_spec *spec, struct nb_sandbox *sb, struct nb_err *err)
{
	if (nb_state_reserve(&sb->state, spec->name, err) == 0)
		return 0;
	nb_state_release(&sb->state);
	if (spec->name)
		return -1;
	/* bwrap's callers (Flatpak) expect no word about what bwrap lacks. */
	if (!spec->bwrap_words)
		nb_warn_err("ps, exec and stop will not see this sandbox", err);
	*err = (struct nb_err){ 0 };
	return 0;
}

/* The record ps, exec and stop read, once the sandbox runs: who it is,
 * what it runs, and what exec needs to give a command the same rights. */
static int publish(const struct nb_spec *spec, struct nb_sandbox *sb, struct nb_err *err)
{
	static const char *const nets[] = { [NB_NET_NONE] = "none", [NB_NET_HOST] = "host", [NB_NET_SLIRP] = "slirp",
					    [NB_NET_PASTA] = "pasta" };
	struct nb_state_info i = {
		.name = spec->name, .supervisor = getpid(), .supervisor_start = nb_proc_start(getpid()),
		.init = sb->pid, .init_start = nb_proc_start(sb->pid), .created = (long long)time(NULL),
		.command = spec->proc.argv, .net = (char *)nets[spec->net.mode], .cgroup = sb->cg.active ? sb->cg.leaf : NULL,
		.uid = spec->id.uid, .gid = spec->id.gid,
		.start_dir = spec->proc.chdir ? spec->proc.chdir : spec->view.cwd,
		.own_env = spec->id.uid == 0 || spec->view.rootfs,
		.dies_with_supervisor = spec->life.die_with_parent,
		.landlock = nb_landlock_mode(&spec->priv, &sb->caps),
	};
	_cleanup_free_ char *data = NULL;
	char **ports = NULL, **env = NULL;
	size_t np = 0, ne = 0, len;
	int rc;

	memcpy(i.id, sb->state.id, sizeof i.id);
	memcpy(i.ns_fds, sb->ns_fds, sizeof i.ns_fds);
	for (size_t k = 0; k < spec->net.n_publish; k++) {
		const struct nb_publish *p = &spec->net.publish[k];
		nb_strv_push(&ports, &np, nb_xasprintf("%s:%u->%u/%s", p->host_addr[0] ? p->host_addr : "127.0.0.1",
						       (unsigned)sb->slirp.ports[k], (unsigned)p->guest_port, p->udp ? "udp" : "tcp"));
	}
	if (spec->proc.clearenv)
		nb_strv_push(&env, &ne, nb_xstrdup("clearenv="));
	for (size_t k = 0; k < spec->proc.n_env; k++)
		nb_strv_push(&env, &ne, nb_xasprintf("%s=%s", spec->proc.env[k].op == NB_ENV_SET ? "env" : "unsetenv",
						     spec->proc.env[k].arg));
	i.ports = ports, i.env_ops = env;
	nb_state_exec_pack(&sb->caps, &spec->priv.tcp, sb->filter, &data, &len);
	rc = nb_state_publish(&sb->state, &i, data, len, err);
	nb_strv_free(ports);
	nb_strv_free(env);
	return rc;
}

/* The capability sets as capsh --print would show them, on request. */
static void print_caps(const struct nb_capset *caps, uint32_t uid)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	nb_caps_print(caps, uid, f);
	fclose(f);
	nb_output(text);
	free(text);
}

static void announce(const struct nb_spec *spec, struct nb_sandbox *sb, const struct nb_status *status)
{
	if (spec->report.info_fd >= 0)
		nb_status_info(status, &spec->net, sb->slirp.ports, spec->report.info_fd, true);
	if (spec->report.json_status_fd >= 0)
		nb_status_info(status, &spec->net, sb->slirp.ports, spec->report.json_status_fd, false);
	/* With the payload named, it may go on now. */
	if (sb->ann_r >= 0) {
		(void)release_byte(sb->sync_w);
		if (!sb->publish_on_view)
			nb_closep(&sb->sync_w);
	}
}

/* init said the payload exists (EOF: it failed, and supervise says why):
 * its pid in ours is init's one child. */
static bool payload_made(struct nb_sandbox *sb, struct nb_status *status)
{
	char path[64], buf[32] = "";
	struct nb_err ignore;
	uint32_t pid;
	char c;

	if (nb_read_all(sb->ann_r, &c, 1) != 1)
		return false;
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)sb->pid, (int)sb->pid);
	if (nb_read_small(path, buf, sizeof buf, &ignore) < 0)
		return false;
	buf[strcspn(buf, " \n")] = '\0';
	if (nb_parse_u32(buf, INT32_MAX, &pid) == 0)
		nb_status_collect(status, (pid_t)pid);
	return true;
}

/* OCI create: the sandbox waits on its start descriptor, nestbox goes. Its
 * pid goes to the pid file; its leaf stays, for delete to remove. */
static int hand_over(const struct nb_spec *spec, struct nb_sandbox *sb, struct nb_err *err)
{
	if (spec->proc.console_socket)
		TRY(nb_tty_hand_master(&sb->tty, spec->proc.console_socket, err));
	if (spec->life.pid_file && nb_write_pid_file(spec->life.pid_file, sb->pid, err) < 0)
		return -1;
	if (spec->life.detached) {
		spec->life.detached->pid = sb->pid;
		spec->life.detached->leaf = sb->cg.active && sb->cg.leaf ? nb_xstrdup(sb->cg.leaf) : NULL;
	}
	sb->pid = -1;
	sb->cg.active = false;
	sb->keeper.keep = true;
	return 0;
}

/* --stats and --json-status-fd's last line, from the real status; as
 * bwrap, an exit code only for a command that ran. */
static void report_exit(const struct nb_spec *spec, int rc, const struct nb_cgroup_stats *st)
{
	char json[640];

	if (rc < 0)
		return;
	nb_status_exit_json(rc, st, spec->limits.stats, json, sizeof json);
	if (spec->limits.stats) {
		char line[sizeof json + 1];

		snprintf(line, sizeof line, "%s\n", json);
		nb_output(line);
	}
	if (spec->report.json_status_fd >= 0)
		nb_status_exit(spec->report.json_status_fd, json);
}

/* The namespaces the sandbox has made of its own by now, as bits of enum
 * nb_state_ns: neither shared nor joined. A cgroup namespace rooted in a leaf the
 * child is moved into after its clone may come after this. */
static unsigned fresh_ns(const struct nb_spec *spec, const struct nb_sandbox *sb)
{
	const struct nb_namespaces *n = &spec->ns;
	unsigned f = 1u << NB_STATE_MNT; /* a mount namespace is always made */

	f |= n->userns_fd < 0 && !n->share_user ? 1u << NB_STATE_USER : 0;
	f |= !(n->shared & NB_NS_PID) && n->pidns_fd < 0 ? 1u << NB_STATE_PID : 0;
	f |= own_ns(n, NB_NS_NET, NB_JOIN_NET) ? 1u << NB_STATE_NET : 0;
	f |= own_ns(n, NB_NS_IPC, NB_JOIN_IPC) ? 1u << NB_STATE_IPC : 0;
	f |= own_ns(n, NB_NS_UTS, NB_JOIN_UTS) ? 1u << NB_STATE_UTS : 0;
	f |= own_ns(n, NB_NS_CGROUP, NB_JOIN_CGROUP) && !sb->late_cgroupns ? 1u << NB_STATE_CGROUP : 0;
	return f;
}

int nb_launch(const struct nb_spec *spec, struct nb_err *err)
{
	_cleanup_(nb_sandbox_release) struct nb_sandbox sb = NB_SANDBOX_INIT;
	bool want_ns = spec->report.info_fd >= 0 || spec->report.json_status_fd >= 0;
	struct nb_cgroup_stats stats;
	struct nb_status status;
	int rc, cpu = -1;

	nb_report_set_verbose(spec->report.verbose);
	nb_report_set_quiet(spec->report.quiet);
	TRY(nb_idmap_plan(&spec->id, &sb.plan, err)); /* validate ids before any process exists */
	TRY(nb_caps_resolve(&spec->priv, spec->id.uid, &sb.caps, err)); /* and the exact capability sets */
	if (spec->priv.print_caps)
		print_caps(&sb.caps, spec->id.uid);
	TRY(nb_seccomp_prepare(&(struct nb_seccomp_opts){ .policy = spec->priv.seccomp,
							  .log = spec->priv.seccomp_log,
							  .allow_userns = spec->priv.allow_userns,
							  .bpf = spec->priv.bpf, .n_bpf = spec->priv.n_bpf },
			       &sb.filter, err));      /* a bad policy fails here, with file:line */
	TRY(nb_slirp_prepare(&spec->net, &sb.slirp, err)); /* slirp4netns, tun and free ports */
	TRY(nb_check_net_map(spec, &sb.plan, err));      /* once slirp4netns is known to be there */
	TRY(nb_cgroup_prepare(&spec->limits, &sb.cg, err)); /* leaf + limits, before the child exists */
	if (spec->net.mode == NB_NET_HOST && !spec->net.host_by_default)
		nb_warn("with the host's network the sandbox can reach the host's abstract unix sockets (X11, D-Bus, ...) (hint: --net=none or --net=slirp keep them out of reach)");
	TRY(nb_dbus_start(&spec->desktop, &sb.dbus, err)); /* xdg-dbus-proxy, ready */
	TRY(reserve(spec, &sb, err));                  /* an id, and the name if free */
	if (spec->proc.use_tty)
		TRY(nb_tty_prepare(&sb.tty, err));     /* the caller's terminal, as it is */
	TRY(nb_block_signals(spec, &sb, err));                  /* nothing is lost before supervise() */
	if (spec->ns.userns_fd < 0 && !spec->ns.share_user && !spec->id.no_keeper)
		nb_keeper_use(&sb.plan, spec->id.keeper_idle ? spec->id.keeper_idle : NB_KEEPER_IDLE_DEFAULT,
			      &sb.keeper);             /* the full map without helpers, where it can */
	/* Its own single map the child writes itself; with slirp4netns or
	 * pasta, which join the namespace, the supervisor writes it first. */
	sb.plan.self_written = spec->ns.userns_fd < 0 && !spec->ns.share_user && sb.keeper.pidfd < 0 &&
			       nb_idmap_single(&sb.plan) && !NB_NET_USER(spec->net.mode);
	TRY(child_spawn(spec, &sb, err));              /* NEWUSER first, the rest owned by it */
	TRY(watchdog_start(spec, &sb, err));           /* kills the sandbox if we die */
	if (spec->ns.userns_fd < 0 && !spec->ns.share_user && sb.keeper.pidfd < 0)
		TRY(nb_idmap_apply(&sb.plan, sb.pid, err)); /* child waits meanwhile */
	TRY(nb_check_net_map(spec, &sb.plan, err));      /* after a fallback to the single map */
	if (!sb.plan.self_written && sb.keeper.pidfd < 0)
		TRY(child_release(&sb, false, err));   /* mapped: the child builds its view meanwhile */
	if (NB_NET_USER(spec->net.mode))              /* slirp's 3 ms start, and ours, beside the view: */
		sb.cpus_moved = nb_cpu_avoid(0, nb_cpu_of(sb.pid), &sb.cpus);
	TRY(nb_slirp_start(&spec->net, &sb.slirp, sb.pid, err)); /* joins the child's namespaces */
	if (sb.net_beside && !nb_netns_joined(sb.sync_w, &cpu)) /* all of them final now, */
		goto supervise;                        /* or the child died: its error */
	if (!sb.cpus_moved)
		sb.cpus_moved = nb_cpu_avoid(0, cpu, &sb.cpus); /* our part beside the child's rest: */
	if (want_ns)
		nb_status_collect(&status, sb.pid);    /* while /proc/PID/ns is ours to read */
	nb_state_open_ns(sb.pid, fresh_ns(spec, &sb), sb.ns_fds); /* and for exec, likewise */
	if (NB_NET_USER(spec->net.mode))
		TRY(nb_slirp_ready(&spec->net, &sb.slirp, err)); /* network up, ports published */
	if (sb.cpus_moved && sb.slirp.started > 0)    /* it has our mask: the caller's now (alive: ready just now) */
		(void)sched_setaffinity(sb.slirp.started, sizeof sb.cpus, &sb.cpus);
	/* The caller hears of the sandbox before its payload runs, as
	 * bwrap's callers expect (they inspect /proc/PID/ns meanwhile). */
	if (sb.ann_r < 0)
		announce(spec, &sb, &status);
	sb.publish_on_view = sb.state.dir && !spec->life.detach; /* the record: at "v" */
	TRY(child_release(&sb, sb.ann_r < 0 && !sb.publish_on_view, err)); /* child: init, identity, exec */
	if (sb.ann_r >= 0 && payload_made(&sb, &status)) {
		announce(spec, &sb, &status);          /* then the payload may exec */
		if (spec->life.detach) {
			nb_cpu_restore(&sb.cpus_moved, 0, &sb.cpus);
			return hand_over(spec, &sb, err); /* OCI create: it waits for start */
		}
	}
	nb_cgroup_tidy(&sb.cg);                        /* killed runs' leaves, while the child works */
supervise:
	if (!sb.publish_on_view)
		nb_cpu_restore(&sb.cpus_moved, 0, &sb.cpus);
	rc = nb_supervise(spec, &sb, err);                /* forward signals, the record, the status */
	nb_cpu_restore(&sb.cpus_moved, 0, &sb.cpus);
	sb.keeper.keep = rc >= 0;                      /* the payload ran: a keeper started now stays */
	nb_cgroup_finish(&spec->limits, &sb.cg, rc, spec->limits.stats || spec->report.json_status_fd >= 0,
			 &stats);                      /* kill the rest, count */
	report_exit(spec, rc, &stats);
	return rc;
}
