/* exec.h: `nestbox exec`, a command run in a sandbox that is running.
 * Owns joining it: the sandbox's cgroup leaf, then its user namespace and
 * every other one through a pidfd, its root; and giving the command
 * exactly the payload's identity, capability sets, no_new_privs and
 * seccomp programs (read from the sandbox's record), by the payload's own
 * sequence (payload.c). The command is nestbox exec's child, supervised as
 * nestbox run supervises its sandbox (a terminal of its own included). */
#ifndef NB_EXEC_H
#define NB_EXEC_H

#include "err.h"

/* argv[0] is "exec". Returns the command's exit status, or -1 with err. */
int nb_cmd_exec(int argc, char **argv, struct nb_err *err);

#endif
