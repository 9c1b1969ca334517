/* nested.h: --disable-userns, as bubblewrap does it. The sandbox's user
 * namespace may hold one more user namespace (max_user_namespaces = 1); the
 * payload takes it, and init, still privileged in the parent namespace,
 * maps it 1:1. The payload can then make no user namespace of its own,
 * whatever its seccomp filter allows. Never used without init. */
#ifndef NB_NESTED_H
#define NB_NESTED_H

#include <sys/types.h>

#include "err.h"

/* In the child, before the new /proc (whose /proc/sys is read-only). */
int nb_nested_limit(struct nb_err *err);
/* In the payload: unshare, tell init ("u"), wait for the maps ("m"). */
int nb_nested_enter(int to_init, int from_init, struct nb_err *err);
/* In init: wait for "u", copy init's own maps to the payload as identity
 * maps (inside ids stay the same), answer "m". Returns 1 when the payload
 * went away first (it reported its own error). */
int nb_nested_map(pid_t payload, int from_payload, int to_payload, struct nb_err *err);

#endif
