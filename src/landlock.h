/* landlock.h: Landlock as a second wall around the view. Owns the ruleset
 * that lets the payload reach files only beneath the sandbox's root: a
 * descriptor, a magic link or a mount that leads outside it (a directory
 * passed in, a kernel bug, a missed bind option) gives nothing. Makes only
 * system calls: it runs in the payload, in init's memory. */
#ifndef NB_LANDLOCK_H
#define NB_LANDLOCK_H

#include <stdbool.h>

#include "caps.h"
#include "err.h"
#include "spec.h"

/* The kernel's Landlock ABI version, or 0 without Landlock. */
int nb_landlock_abi(void);

/* The mode for a payload: --landlock's, except that by default it is off
 * where the payload may mount (--allow-userns, CAP_SYS_ADMIN), which a
 * Landlock domain forbids. */
int nb_landlock_mode(const struct nb_privileges *p, const struct nb_capset *caps);

/* mode (for files): 0 off, -1 where the kernel has it, 1 required (an
 * error without it). tcp: the ports the payload may bind and connect to,
 * or NULL; asked-for rules need ABI 4, else it is an error. */
int nb_landlock_apply(int mode, const struct nb_tcp_rules *tcp, struct nb_err *err);
/* Whether tcp asks for anything. */
bool nb_landlock_tcp_wanted(const struct nb_tcp_rules *tcp);

#endif
