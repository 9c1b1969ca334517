/* doctor.h: `nestbox doctor [--json]`, which tells a user whether nestbox
 * can work on this machine and what to fix if not. Owns the host checks
 * and the trial sandboxes it runs as child processes; it only reads the
 * * system and never changes a setting. Its report goes to standard output,
 * as a command's result; errors go through report.h. */
#ifndef NB_DOCTOR_H
#define NB_DOCTOR_H

#include "err.h"

/* argv[0] is "doctor". Returns 0 when a default `nestbox run -- true`
 * works for this user, 1 when it does not, or -1 with err filled on bad
 * usage. */
int nb_doctor(int argc, char **argv, struct nb_err *err);

#endif
