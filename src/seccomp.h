/* seccomp.h: the system call filter. Owns parsing a policy (doc/seccomp.md)
 * and turning it into BPF in the supervisor, where every mistake is still an
 * early error; in the child it only hands the finished programs to the
 * kernel, so it must never allocate, print or touch libseccomp there. */
#ifndef NB_SECCOMP_H
#define NB_SECCOMP_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"

/* A compiled program, as bwrap's --seccomp FD takes one. */
struct nb_bpf {
	void *insns; /* struct sock_filter[len] */
	unsigned short len;
};

struct nb_seccomp_opts {
	const char *policy; /* NULL or "default": built in; "unconfined": none; else a path */
	bool log;           /* --seccomp-log: every denial becomes SCMP_ACT_LOG */
	bool allow_userns;  /* --allow-userns: namespace creation and setns allowed */
	const struct nb_bpf *bpf; /* compiled programs added after the policy's (bwrap's --seccomp FD) */
	size_t n_bpf;
};

/* The compiled filters; opaque. */
struct nb_seccomp;

/* conf/seccomp/default.policy, embedded by src/seccomp.mk. */
extern const char nb_seccomp_default_policy[];

/* Parses the policy and compiles it to BPF, without loading anything.
 * Called in the supervisor before any process exists, so that a bad policy
 * is reported as "PATH:LINE: what is wrong" (status 125). On success *out
 * is set (also for "unconfined", which loads nothing). */
int nb_seccomp_prepare(const struct nb_seccomp_opts *o, struct nb_seccomp **out,
		       struct nb_err *err);

/* Installs the filters in the calling process. The last step before execve
 * and after no_new_privs, which the caller sets. Makes only seccomp(2)
 * calls, so it is safe in a child made by a raw clone3. f may be NULL. */
int nb_seccomp_load(const struct nb_seccomp *f, struct nb_err *err);

/* nestbox's init, once locked down, loads a filter of its own: the few
 * calls its reaping loop makes are allowed, anything else kills it (and so
 * the sandbox). Stricter than any policy; makes only seccomp(2) calls. */
int nb_seccomp_load_init(struct nb_err *err);

void nb_seccomp_free(struct nb_seccomp *f);

/* The finished programs as bytes and back, for nestbox exec, which loads
 * exactly what the sandbox's payload got: a count, then each program's
 * length and instructions. f may be NULL (no filter). */
void nb_seccomp_save(const struct nb_seccomp *f, char **data, size_t *len);
/* Reads what nb_seccomp_save wrote at data; *used: the bytes it took. */
int nb_seccomp_restore(const char *data, size_t len, struct nb_seccomp **out, size_t *used, struct nb_err *err);


/* The built-in policy, compiled at build time (src/gen/seccomp-bpf.c) for
 * each combination of log and allow_userns, so that the default costs no
 * libseccomp work at run time. Index: log * 2 + allow_userns. */
#define NB_SECCOMP_MAX_FILTERS 16
struct sock_filter;
struct nb_seccomp_builtin {
	size_t n;
	unsigned short len[NB_SECCOMP_MAX_FILTERS];
	const struct sock_filter *filter[NB_SECCOMP_MAX_FILTERS];
};
/* f's programs, oldest first (for the build-time tool); returns how many. */
struct sock_fprog;
size_t nb_seccomp_programs(const struct nb_seccomp *f, const struct sock_fprog **progs);
static inline void nb_seccomp_freep(struct nb_seccomp **f)
{
	nb_seccomp_free(*f);
}

#endif
