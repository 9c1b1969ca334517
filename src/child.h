/* child.h: everything that runs inside the new namespaces, in order:
 * wait for the maps, set up the view and identity, then become the
 * sandbox's init or exec the payload. Never returns to the supervisor's
 * code: failures go back over the error pipe. */
#ifndef NB_CHILD_H
#define NB_CHILD_H

#include "launch.h"

/* Signals the supervisor and init pass on to the payload. */
extern const int nb_forwarded_signals[];
extern const unsigned nb_n_forwarded_signals;

_Noreturn void nb_child_main(const struct nb_spec *spec, struct nb_sandbox *sb);

/* Sends err to the supervisor and exits with err->status. */
_Noreturn void nb_child_fail(int err_w, const struct nb_err *err);

#endif
