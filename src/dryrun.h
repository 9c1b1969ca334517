/* dryrun.h: `nestbox run --dry-run`, the resolved sandbox without the
 * sandbox: every setting with where its value came from (a default, a
 * profile's FILE:LINE, the command line), the filesystem view in the
 * order it would be made, the id maps, and the rest of what nb_launch()
 * checks before it makes anything, which it checks too. Makes nothing. */
#ifndef NB_DRYRUN_H
#define NB_DRYRUN_H

#include <stdio.h>

#include "spec.h"

/* Writes to out; 0 when the sandbox would start, else -1 with err. */
int nb_dry_run(const struct nb_spec *spec, FILE *out, struct nb_err *err);

#endif
