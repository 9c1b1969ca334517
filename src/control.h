/* control.h: the commands that look at and end running sandboxes: ps,
 * stop and kill. Owns finding a sandbox's processes again safely (a pidfd,
 * checked against the recorded start time), sending it signals the way
 * its supervisor passes them on, and the whole-sandbox kill. Works only on
 * the caller's own records (state.h). Each takes argv[0] = its name and
 * returns an exit status, or -1 with err filled. */
#ifndef NB_CONTROL_H
#define NB_CONTROL_H

#include "err.h"
#include "state.h"

int nb_cmd_ps(int argc, char **argv, struct nb_err *err);
int nb_cmd_stop(int argc, char **argv, struct nb_err *err);
int nb_cmd_kill(int argc, char **argv, struct nb_err *err);

/* "TERM", "SIGTERM" or "15". */
int nb_parse_signal(const char *s, int *sig, struct nb_err *err);

#endif
