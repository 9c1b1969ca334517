/* sched.h: how the payload's process is scheduled, for OCI's process
 * fields: its OOM score adjustment, I/O priority, scheduling policy and
 * CPU affinity. Set in the payload's process just before exec, so that
 * they are its own and not its helpers'; the OOM score excepted. */
#ifndef NB_SCHED_H
#define NB_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct nb_sched {
	bool oom_set;
	int oom_score_adj;  /* -1000 .. 1000 */
	int ioprio;         /* -1, or the ioprio_set(2) value: class << 13 | level */
	bool policy_set;
	uint32_t policy;    /* SCHED_* */
	int32_t nice;
	uint32_t priority;
	uint64_t flags, runtime, deadline, period; /* SCHED_FLAG_*; SCHED_DEADLINE's, in ns */
	char *cpus;         /* NULL, or a CPU list such as "0-3,6" */
};

/* Each field that is set but the OOM score, or an error that names it. */
int nb_sched_apply(const struct nb_sched *s, struct nb_err *err);
/* The OOM score adjustment of the calling process, which its children
 * inherit: a front end sets it before it makes the sandbox. */
int nb_sched_oom(int adj, struct nb_err *err);
/* Whether text is a CPU list ("0-3,6") that sched_setaffinity can take. */
bool nb_sched_cpus_valid(const char *text);

#endif
