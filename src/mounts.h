/* mounts.h: the sandbox's filesystem view, built inside its own mount
 * namespace. Never changes a mount the host can see: propagation to the
 * host is cut first. (Until the filesystem-view work lands this is the
 * temporary view: the host read-only, with fresh /proc, /tmp and /dev.) */
#ifndef NB_MOUNTS_H
#define NB_MOUNTS_H

#include "spec.h"

int nb_mounts_setup(const struct nb_spec *spec, struct nb_err *err);

#endif
