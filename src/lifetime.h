/* lifetime.h: the sandbox dies with nestbox, and nestbox with its caller
 * (--die-with-parent, bubblewrap's meaning). Owns the supervisor's own
 * parent-death signal and the watchdog: a small process outside the
 * sandbox that kills it when the supervisor goes, for the modes where no
 * init of nestbox's own guards it (--as-pid-1, where the payload could
 * reset its parent-death signal, and a cgroup leaf under --share=pid).
 * Never touches a process it did not start. */
#ifndef NB_LIFETIME_H
#define NB_LIFETIME_H

#include <sys/types.h>

#include "err.h"

/* For front ends: the caller's death kills nestbox (SIGKILL), and with it
 * the sandbox. caller is getppid() as main() first saw it. */
int nb_die_with_caller(pid_t caller, struct nb_err *err);

struct nb_watchdog {
	pid_t pid;     /* -1: none */
	int life_w;    /* held by the supervisor only: EOF tells the watchdog */
	void *stack;
};

#define NB_WATCHDOG_INIT { .pid = -1, .life_w = -1, .stack = NULL }

/* Starts the watchdog: when the supervisor's end closes (it exited, or
 * died), it SIGKILLs target_pidfd and writes "1" to kill_fd (a leaf's
 * cgroup.kill); either may be -1. Must run after the child exists and
 * before anything else is spawned that must not inherit life_w. */
int nb_watchdog_start(struct nb_watchdog *w, int target_pidfd, int kill_fd, struct nb_err *err);
/* Closes the supervisor's end and reaps the watchdog. */
void nb_watchdog_stop(struct nb_watchdog *w);

#endif
