/* subid.h: the caller's subordinate uid/gid ranges.
 * Reads /etc/subuid and /etc/subgid, or asks getsubids(1) when
 * nsswitch.conf names another source (sss for FreeIPA). Read-only. */
#ifndef NB_SUBID_H
#define NB_SUBID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct nb_subrange {
	uint32_t start, count;
};

enum nb_subid_kind { NB_SUBUID, NB_SUBGID };

/* Fills *out (malloc'd, may be NULL when none) with the ranges owned by
 * user `name` or numeric `uid`, sorted, overlapping and repeated ones
 * merged (*merged then says so); returns how many. Never fails: a missing
 * or unreadable file means no ranges. `source` names where they came from. */
size_t nb_subid_ranges(enum nb_subid_kind kind, const char *name, uid_t uid,
		       struct nb_subrange **out, const char **source, bool *merged);

/* The parts, for t/fuzz: the ranges of `name` or `uid` in a subuid-format
 * stream, in file order (malloc'd into *out); and sorting and merging
 * them in place, returning how many remain. */
size_t nb_subid_parse(FILE *f, const char *name, uid_t uid, struct nb_subrange **out);
size_t nb_subid_tidy(struct nb_subrange *r, size_t n, bool *merged);

#endif
