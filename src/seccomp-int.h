/* seccomp-int.h: the parts of the seccomp module shared by its files, and
 * nothing else's business: seccomp-policy.c reads a policy, seccomp-plan.c
 * plans the stack of filters and has libseccomp write them,
 * seccomp-raw.c writes the fallback filters by hand, seccomp.c is the
 * interface (seccomp.h). */
#ifndef NB_SECCOMP_INT_H
#define NB_SECCOMP_INT_H

#include <linux/filter.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#include "seccomp.h"

#define BUILTIN_NAME "(built-in default.policy)"
#define MAX_FILTERS NB_SECCOMP_MAX_FILTERS
#define MAX_ARCHES 8

struct rule {
	uint32_t action;
	int nr;            /* libseccomp's number; negative if not native */
	unsigned seq;      /* order of appearance, to keep sorting stable */
	unsigned line;
	const char *src;   /* file name for messages */
	unsigned ncmp;
	struct scmp_arg_cmp cmp[6];
	char name[48];
};

struct policy {
	const struct nb_seccomp_opts *o;
	bool have_default, included;
	uint32_t def;
	unsigned def_line;
	const char *def_src;
	uint32_t arch[MAX_ARCHES];
	size_t narch;      /* 0 until an arch line is seen */
	unsigned arch_line;
	struct rule *rules;
	size_t nrules, cap;
	uint16_t errno_rank[4096]; /* 1 for the errno named first, ... */
	uint16_t nerrno;
};

struct nb_seccomp {
	size_t n;
	bool builtin;   /* prog points into nb_seccomp_builtins: nothing to free */
	struct sock_fprog prog[MAX_FILTERS];
	scmp_filter_ctx ctx[MAX_FILTERS];
	char what[MAX_FILTERS][80];
};

/* --- seccomp-policy.c ---------------------------------------------------- */

/* Fills err with "SRC:LINE: message" and returns -1. */
int sc_perr(struct nb_err *err, const char *src, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
uint32_t sc_act_class(uint32_t act);
/* Larger is stronger: the kernel's precedence, and between errnos the one
 * the policy names first. */
int64_t sc_strength(const struct policy *p, uint32_t act);
const char *sc_act_name(uint32_t act, char *buf, size_t len);
/* The policy o names, parsed, with its architectures and its rules sorted
 * by system call; *p must be zeroed. */
int sc_policy_load(struct policy *p, const struct nb_seccomp_opts *o, struct nb_err *err);
void sc_policy_freep(struct policy **p);

/* --- seccomp-plan.c ------------------------------------------------------ */

/* Where one system call's rules go in the stack (see seccomp.c): conditions
 * weaker than the call's fallback relax it, the others tighten it and go to
 * the layer of their action. */
struct plan {
	bool has_u, has_weak, fallback; /* fallback: a fallback filter holds u */
	uint32_t u;                     /* the strongest unconditional action */
	uint32_t weak;                  /* the one action of the relaxing conditions */
};

/* The number of rules from p->rules[i] on that name the same call. */
size_t sc_group_len(const struct policy *p, size_t i);
int sc_plan_group(const struct policy *p, const struct rule *g, size_t n, struct plan *pl, struct nb_err *err);
/* The whole stack, into f. */
int sc_compile(const struct policy *p, struct nb_seccomp *f, struct nb_err *err);

/* --- seccomp-raw.c ------------------------------------------------------- */

/* Writes by hand the fallback filter for action u, or for every fallback
 * at once (all); returns 1 when the policy needs more than it can write. */
int sc_build_raw_fallback(struct nb_seccomp *f, const struct policy *p, uint32_t u, bool all, struct nb_err *err);
/* nestbox's init's own filter (seccomp.h: nb_seccomp_load_init). */
const struct sock_fprog *sc_init_program(void);

#endif
