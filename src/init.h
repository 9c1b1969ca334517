/* init.h: the sandbox's init, a process of nestbox itself: pid 1 of the
 * sandbox's PID namespace, or with --share=pid a subreaper in the host's.
 * Owns starting the payload, locking itself down before the payload's
 * first instruction, passing signals on, reaping every orphan and exiting
 * with the payload's status. It never runs payload code. */
#ifndef NB_INIT_H
#define NB_INIT_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "mounts.h"
#include "payload.h"

struct nb_init {
	struct nb_payload payload; /* what the payload's process runs; init fills .chan */
	int err_w;      /* the error pipe, for init's own failures */
	int devnull;    /* /dev/null, opened before the view hid the host's */
	int children;   /* a subreaper's /proc/self/task/TID/children, opened likewise */
	bool pid1;      /* false with --share=pid: a subreaper, not pid 1 */
	bool nested;    /* --disable-userns: the payload enters a namespace init maps */
	pid_t parent;   /* the supervisor, when it is visible (subreaper) */
	int announce_w, announce_go; /* or -1: "payload made" to the supervisor, then wait for a byte */
	int start_fd;   /* or -1: then wait for a byte there too (OCI start) */
	int exit_w;     /* or -1: a socket for the payload's exit code, once nothing else runs */
	int proc;       /* init's: its own /proc, or -1 */
	int keep[NB_MAX_LOCKS + 1]; /* held open while the sandbox runs: --lock-file, --sync-fd */
	size_t n_keep;
};

/* The signals the supervisor and init pass on to the payload (SIGINT,
 * SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH), plus SIGCHLD. */
void nb_signals_forwarded(sigset_t *mask);

/* The numbered sequence of init.c; never returns. The forwarded signals
 * and SIGCHLD must be blocked already. */
_Noreturn void nb_init_main(struct nb_init *in);

/* Blocks every signal, passes each but SIGCHLD on to child, and exits as
 * child did: for the processes that stand between nestbox and one it
 * started (oci exec's joiner, the one before a late pid 1). */
_Noreturn void nb_relay(pid_t child);

/* Converts a wait status to a shell-style exit code: N, or 128+signal. */
int nb_exit_code(int wstatus);

#endif
