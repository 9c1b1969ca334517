/* cgroup.h: the sandbox's leaf in the caller's delegated cgroup v2
 * subtree, with its limits and stats. Owns finding and checking the
 * delegation, the leaf's life (made before the child, killed and removed
 * after), and removing stale leaves of dead runs. A limit it cannot
 * enforce is an error (or, with --cgroup=try, a warning), never dropped. */
#ifndef NB_CGROUP_H
#define NB_CGROUP_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "spec.h"

struct nb_cgroup {
	bool active;      /* a leaf exists */
	char *own;        /* the caller's cgroup directory */
	char *leaf;       /* <own>/nestbox-<pid> */
	int leaf_fd;      /* O_PATH, for clone3(CLONE_INTO_CGROUP) */
	bool tidy;        /* own holds nestbox's own leaves: stale ones go */
};

/* What the leaf counted, read at the end (status.c writes it as JSON). */
struct nb_cgroup_stats {
	bool have;        /* false without a leaf */
	unsigned long long memory_peak, cpu_user_usec, cpu_system_usec, oom_kills, pids_peak;
	/* cpu.stat's bandwidth figures: periods with a quota, and those in
	 * which the quota ran out. 0 without --cpus. */
	unsigned long long cpu_periods, cpu_throttled;
};

#define NB_CGROUP_INIT { .leaf_fd = -1 }

/* Before the child exists: check the delegation, make the leaf and write
 * the limits. Does nothing without limits unless --cgroup=require/try. */
int nb_cgroup_prepare(const struct nb_limits *l, struct nb_cgroup *cg, struct nb_err *err);
/* nb_cgroup_prepare's checks alone, for --dry-run: *where (malloc'd) is
 * the cgroup the leaf would be made in, or NULL when no leaf is wanted. */
int nb_cgroup_check(const struct nb_limits *l, char **where, struct nb_err *err);
/* Removes the empty leaves of earlier runs whose supervisor was killed.
 * Called while the sandbox starts, off the way to the payload. */
void nb_cgroup_tidy(const struct nb_cgroup *cg);
/* The fallback when clone3 could not start the child in the leaf. */
int nb_cgroup_enter(const struct nb_cgroup *cg, pid_t pid, struct nb_err *err);
/* The leaf's cgroup.kill, opened for writing (-1 if it cannot be). */
int nb_cgroup_kill_fd(const struct nb_cgroup *cg);
/* After the payload: kill what is left (cgroup.kill), explain an OOM kill,
 * read the stats when want_stats, remove the leaf. */
void nb_cgroup_finish(const struct nb_limits *l, struct nb_cgroup *cg, int exit_code, bool want_stats,
		      struct nb_cgroup_stats *st);
void nb_cgroup_release(struct nb_cgroup *cg);

#endif
