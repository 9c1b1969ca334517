/* launch.h: the life of one sandbox, seen from the supervisor.
 * Owns the child process, the sync and error channels and every resource
 * the sandbox holds on the host; releases all of them on any failure. */
#ifndef NB_LAUNCH_H
#define NB_LAUNCH_H

#include <sched.h>
#include <signal.h>
#include <sys/types.h>

#include "caps.h"
#include "dbus.h"
#include "cgroup.h"
#include "idmap.h"
#include "keeper.h"
#include "lifetime.h"
#include "net.h"
#include "seccomp.h"
#include "slirp.h"
#include "spec.h"
#include "state.h"
#include "tty.h"

struct nb_sandbox {
	pid_t pid;     /* the child: the sandbox's pid 1, or the payload itself */
	pid_t parent;  /* the supervisor, for the child's parent-death check */
	int sync_r;    /* child end: one byte once the maps are written */
	int sync_w;    /* supervisor end */
	int err_r;     /* supervisor end: a struct nb_err, or EOF at exec */
	int err_w;     /* child end, close-on-exec */
	int ann_r, ann_w; /* init's "payload made" (--info-fd naming the payload), or -1 */
	int exit_r, exit_w; /* a socket: init's word of the payload's exit, once nothing
			     * else runs, and its wait for our EOF; or -1 */
	int sigfd;     /* supervisor: forwarded signals and SIGCHLD */
	sigset_t old_mask; /* restored at the end, for a caller that runs on */
	struct nb_idplan plan;
	struct nb_capset caps;  /* resolved before the child exists */
	struct nb_seccomp *filter; /* compiled before the child exists */
	struct nb_slirp slirp;  /* --net=slirp */
	struct nb_cgroup cg;    /* the leaf, with --memory and friends */
	bool late_cgroupns;     /* the child joins the leaf late: unshare then */
	bool late_leaf;         /* the child is moved into the leaf after its clone */
	int pidfd;              /* the child, for the watchdog */
	int kill_fd;            /* the leaf's cgroup.kill, for the watchdog */
	struct nb_watchdog watchdog;
	struct nb_tty tty;      /* --tty: the relay */
	struct nb_state state;  /* its record, for ps, exec and stop */
	int ns_fds[NB_STATE_NS]; /* its namespaces, held for exec */
	pid_t fwd_pid;          /* where signals go, if not to pid (nestbox exec) */
	struct nb_dbus dbus;    /* --dbus=filtered: xdg-dbus-proxy */
	struct nb_keeper keeper; /* the user namespace the sandbox's is made in */
	bool net_beside;        /* the child makes its network namespace (net.h) */
	bool ipc_beside;        /* and its IPC namespace with it */
	bool publish_on_view;   /* the record goes out at the child's "v" (supervise) */
	bool cpus_moved;        /* nb_cpu_avoid moved us off the child's CPU: */
	cpu_set_t cpus;         /* the mask to take back */
};

#define NB_SANDBOX_INIT                                                        \
	{ .pid = -1, .parent = -1, .sync_r = -1, .sync_w = -1, .err_r = -1, .err_w = -1, .ann_r = -1, .ann_w = -1, .exit_r = -1, .exit_w = -1, \
	  .sigfd = -1, .plan = NB_IDPLAN_INIT, .filter = NULL, .slirp = NB_SLIRP_INIT, .cg = NB_CGROUP_INIT,   \
	  .pidfd = -1, .kill_fd = -1, .watchdog = NB_WATCHDOG_INIT, .tty = NB_TTY_INIT, .state = NB_STATE_INIT, .ns_fds = { -1, -1, -1, -1, -1, -1, -1 }, .dbus = NB_DBUS_INIT, \
	  .keeper = NB_KEEPER_INIT }

/* Runs the sandbox to completion. Returns the exit status to report (the
 * payload's, or 128+signal), or -1 with err filled (err->status says
 * 125, 126 or 127). */
int nb_launch(const struct nb_spec *spec, struct nb_err *err);

/* The pieces nestbox exec shares with run: */
/* Blocks the forwarded signals (and, with a tty, the relay's) into sigfd. */
int nb_block_signals(const struct nb_spec *spec, struct nb_sandbox *sb, struct nb_err *err);
/* Relays the terminal and passes signals on until sb->pid ends; its status,
 * or -1 with the error the child sent over sb->err_r. */
int nb_supervise(const struct nb_spec *spec, struct nb_sandbox *sb, struct nb_err *err);
/* Releases everything sb holds, the caller's terminal first; kills a child
 * that is still there. */
void nb_sandbox_release(struct nb_sandbox *sb);

/* slirp4netns needs a root inside to confine itself: with a single-id
 * map the payload must be root (--root). Checked before the child exists,
 * and again after a fallback to the single map. */
int nb_check_net_map(const struct nb_spec *spec, const struct nb_idplan *plan, struct nb_err *err);

#endif
