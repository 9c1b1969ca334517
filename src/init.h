/* init.h: the sandbox's pid 1, a process of nestbox itself.
 * Owns reaping every orphan, passing signals on to the payload and exiting
 * with the payload's status; it never runs payload code. */
#ifndef NB_INIT_H
#define NB_INIT_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* sigfd reads SIGCHLD and the forwarded signals (all blocked). When
 * `skip_tty` is set, signals the terminal sent (SI_KERNEL) are not passed
 * on, because the payload, in the same session, got them already. */
_Noreturn void nb_init_run(pid_t payload, int sigfd, bool skip_tty);

/* Converts a wait status to a shell-style exit code: N, or 128+signal. */
int nb_exit_code(int wstatus);

#endif
