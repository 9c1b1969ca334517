/* mounts.h: the sandbox's filesystem view, built inside its own mount
 * namespace: the default read-only view of the host or a --rootfs, then the
 * user's mounts in order. Never changes a mount the host can see:
 * propagation to the host is cut first. */
#ifndef NB_MOUNTS_H
#define NB_MOUNTS_H

#include "spec.h"

/* Builds the view and pivots into it; the cwd is then inside the new root.
 * user_name names an identity entry added when the inside ids have none. */
int nb_mounts_setup(const struct nb_spec *spec, const char *user_name, struct nb_err *err);

#endif
