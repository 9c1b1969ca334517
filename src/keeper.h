/* keeper.h: the per-user keeper, which takes the setuid helpers out of a
 * sandbox's start. One long-lived process per user holds a user namespace
 * with the caller's whole subordinate map, written once by newuidmap and
 * newgidmap; each sandbox makes its own user namespace nested in it, and
 * writes its own full map there without a helper. Owns the keeper's record
 * in the state directory (pid and start time), the locks that let
 * sandboxes use it while it decides to exit, its start, its idle exit, and
 * 'nestbox keeper status|stop'. doc/security.md says why it gives a
 * sandbox nothing that a direct start does not. */
#ifndef NB_KEEPER_H
#define NB_KEEPER_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "idmap.h"

#define NB_KEEPER_IDLE_DEFAULT 180

struct nb_keeper {
	int pidfd;                /* the keeper, checked; -1: not used */
	int lock;                 /* shared while this sandbox lives */
	int base;                 /* the state directory */
	pid_t pid;
	bool started;             /* by this run */
	bool keep;                /* the payload ran: a keeper started here stays */
	struct nb_idmap uid, gid; /* the sandbox's maps, in the keeper's ids */
};
#define NB_KEEPER_INIT { .pidfd = -1, .lock = -1, .base = -1 }

/* Finds the caller's keeper, or starts one, for a plan that would run the
 * helpers. Sets k->pidfd when the sandbox can use it; otherwise the direct
 * path follows (--verbose says why). When the keeper's helpers failed, the
 * plan records it, and the direct path reports it without a second run. */
void nb_keeper_use(struct nb_idplan *plan, unsigned idle, struct nb_keeper *k);
/* The sandbox is done with it: marks the use, and stops a keeper this run
 * started if the payload never ran (bad input leaves nothing behind). */
void nb_keeper_release(struct nb_keeper *k);

/* nestbox keeper status|stop, and the keeper's own entry point. */
int nb_cmd_keeper(int argc, char **argv, struct nb_err *err);

#endif
