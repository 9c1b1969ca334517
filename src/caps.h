/* caps.h: the payload's privileges, capsh-style: capability sets
 * (libcap-ng), securebits and no_new_privs. Owns resolving the options to
 * exact sets before any process exists, and applying them in the one order
 * that works inside a user namespace. Never widens what the user asked. */
#ifndef NB_CAPS_H
#define NB_CAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "capnames.h"
#include "spec.h"


struct nb_capset {
	uint64_t e, p, i, bnd, amb; /* what is set just before exec */
	unsigned secbits;
	bool nnp;
};

/* The exact sets for a payload of uid `uid` inside. */
int nb_caps_resolve(const struct nb_privileges *p, uint32_t uid, struct nb_capset *out, struct nb_err *err);
/* Prints, in capsh --print's notation, the sets the payload will have
 * after exec (for a file without file capabilities). */
void nb_caps_print(const struct nb_capset *c, uint32_t uid, FILE *out);
/* Whether this user namespace's map allows setgroups: the kernel's file is
 * the truth (newgidmap denies it when only the caller's gid is mapped). */
bool nb_setgroups_allowed(void);
/* The same for pid's user namespace, read through the host's /proc: a
 * process that joins a PID namespace has no /proc/self in its /proc. */
bool nb_setgroups_allowed_in(pid_t pid);
/* In the payload, just before exec, in two steps. First: change id
 * (keeping caps), drop the bounding set while CAP_SETPCAP is held, and set
 * securebits. setgroups_ok: whether supplementary groups can be cleared. */
int nb_caps_apply_identity(const struct nb_capset *c, uint64_t gone, uint32_t uid, uint32_t gid,
			   const uint32_t *groups, size_t n_groups, bool setgroups_ok, struct nb_err *err);
/* Then: the final sets, ambient, and no_new_privs. */
int nb_caps_apply_final(const struct nb_capset *c, struct nb_err *err);
/* For nestbox's init, which never execs: an empty bounding set, locked
 * securebits and empty capability sets, so nothing can be regained. */
int nb_caps_drop_all(uint64_t gone, struct nb_err *err);

/* `gone` above: the bounding set's bits known to be dropped already, in
 * the same user namespace (entering another gives them all back), or 0.
 * The sandbox's first process cuts what neither init nor the payload
 * keeps, once for both, and sets *gone to what it dropped. */
int nb_caps_cut_bounding(const struct nb_capset *c, uint64_t *gone, struct nb_err *err);

#endif
