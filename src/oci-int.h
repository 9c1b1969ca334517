/* oci-int.h: what oci-config.c and oci-process.c share: reading JSON
 * members, and failing with the JSON path first. */
#ifndef NB_OCI_INT_H
#define NB_OCI_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"

/* Fails with the JSON path first: "linux.resources.memory.limit: ...". */
#define BAD(err, path, ...) (nb_fail(err, 0, __VA_ARGS__), nb_oci_prefix(err, path))

/* A string member, or NULL. */
const char *nb_oci_str(json_t *o, const char *key);
/* An optional string member: NULL if absent, an error if not a string. */
int nb_oci_opt_str(json_t *o, const char *key, const char *path, const char **out, struct nb_err *err);
/* An optional id or count. */
int nb_oci_opt_u32(json_t *o, const char *key, const char *path, uint32_t *out, bool *set, struct nb_err *err);
/* An LSM label: warned about and ignored where the LSM is absent, refused
 * where it is there (nestbox cannot apply it). */
int nb_oci_lsm(json_t *p, const char *key, const char *lsm_path, const char *what, struct nb_err *err);

#endif
