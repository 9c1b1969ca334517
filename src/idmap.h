/* idmap.h: deciding and writing the sandbox's uid_map and gid_map.
 * Owns the choice between the full subordinate map (newuidmap/newgidmap,
 * run as programs, never re-implemented) and the single-id fallback.
 * Plans are computed and validated before any process exists. */
#ifndef NB_IDMAP_H
#define NB_IDMAP_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"

struct nb_idmap {
	struct nb_idrange *lines;
	size_t n;
};

struct nb_idplan {
	bool helper;                 /* use newuidmap/newgidmap, else write ourselves */
	bool host_ids;               /* real root without a range: the host's ids, 1:1 */
	bool direct;                 /* root of the caller's namespace writes the custom maps itself */
	bool custom;                 /* from --uid-map/--gid-map: no fallback */
	bool need_full;              /* no fallback either: an error instead */
	struct nb_idmap uid, gid;    /* what will be written */
	uint32_t host_uid, host_gid; /* the caller */
	uint32_t in_uid, in_gid;     /* the payload's identity inside */
	char *newuidmap, *newgidmap; /* helper paths, when found */
	char *fallback_why;          /* set when auto fell back to single */
	char *user_name;             /* the caller's name, for the identity files */
	/* The full map with the caller at 0, as the keeper's namespace has
	 * it (keeper.c); empty where the keeper cannot serve this plan. */
	struct nb_idmap keeper_uid, keeper_gid;
	int keeper_failed;           /* its helpers failed (nb_idmap_helpers' -1 or -2), with keeper_err */
	bool self_written;           /* the child writes the single map itself (nb_idmap_write_self) */
	struct nb_err keeper_err;
};

#define NB_IDPLAN_INIT { 0 }

int nb_idmap_plan(const struct nb_identity *id, struct nb_idplan *plan, struct nb_err *err);
/* Writes the maps of process pid; may fall back to the single map (and
 * then warns once). Must run while the child waits, before it is released. */
int nb_idmap_apply(struct nb_idplan *plan, pid_t pid, struct nb_err *err);
void nb_idplan_release(struct nb_idplan *plan);
/* Whether the plan is the single map from the start (no helper, no
 * fallback to come), which the child may write for itself: a process may
 * map its own ids in the user namespace it has just made. */
bool nb_idmap_single(const struct nb_idplan *plan);
/* The child's own single map, in /proc/self. */
int nb_idmap_write_self(const struct nb_idplan *plan, struct nb_err *err);
/* --verbose: the maps, written as `how` says (NULL: as the plan says). */
void nb_idmap_verbose(const struct nb_idplan *plan, const char *how);
/* pid's gid_map, then uid_map, each whole in one write, by a writer that
 * may write them (root of this namespace, or of the keeper's). Allocates
 * nothing: it runs in a vfork'd process too. */
int nb_idmap_write(pid_t pid, const struct nb_idmap *uid, const struct nb_idmap *gid, struct nb_err *err);
/* want (inside -> host) through outer (outer's inside -> host), appended
 * to out as inside -> outer's inside. False if an id of want is not in
 * outer, or the result has too many lines. */
bool nb_idmap_translate(const struct nb_idmap *want, const struct nb_idmap *outer, struct nb_idmap *out);
/* newuidmap and newgidmap of plan, writing these maps of pid at once: -1
 * if one failed, -2 if the wait for them did (a timeout, a signal). */
int nb_idmap_helpers(const struct nb_idplan *plan, const struct nb_idmap *uid, const struct nb_idmap *gid, pid_t pid,
		     struct nb_err *err);

/* The auto map (for t/fuzz too): the caller's own id `own` at inside id
 * `in_id`, and the sorted, merged subordinate ranges filling inside ids
 * 0, 1, 2, ... around it; at most NB_MAX_MAP_LINES lines, sorted. */
struct nb_subrange;
void nb_idmap_auto(struct nb_idmap *m, uint32_t in_id, uint32_t own, const struct nb_subrange *r, size_t nr);

/* Explains why a user namespace could not be created or mapped, from the
 * errno and the sysctls that forbid it; fills err with cause and fix. */
int nb_userns_diagnose(int errnum, const char *what, struct nb_err *err);

#endif
