/* capnames.h: capability names and numbers, as capsh writes them (through
 * libcap-ng's table), and the running kernel's last capability. Parsing
 * only: it knows nothing of sandboxes, so the spec's setters and caps.c
 * both use it. */
#ifndef NB_CAPNAMES_H
#define NB_CAPNAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

/* SECBIT_NOROOT, NO_SETUID_FIXUP and their locks, and KEEP_CAPS_LOCKED:
 * what --secbits=locked means, and the default for a non-root payload. */
#define NB_SECBITS_LOCKED 0x2fu
/* The kernel's last capability (/proc/sys/kernel/cap_last_cap), read once. */
unsigned nb_cap_last(void);
/* Every capability the kernel has, as a mask. */
uint64_t nb_cap_all(void);
/* "net_raw" for CAP_NET_RAW; "unknown" for a number libcap-ng lacks. */
const char *nb_cap_name(unsigned c);
/* Parses "CAP_X,y,ALL" (case-insensitive, with or without cap_) into a
 * mask; *all is set when ALL is named. opt names the option in messages. */
int nb_cap_parse_list(const char *opt, const char *arg, uint64_t *mask, bool *all, struct nb_err *err);
/* Parses capsh's --caps text ("cap_a,cap_b+eip cap_c=i"). */
int nb_cap_parse_text(const char *arg, uint64_t *e, uint64_t *p, uint64_t *i, struct nb_err *err);

#endif
