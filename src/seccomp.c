/* seccomp.c: see seccomp.h; the policy language is in doc/seccomp.md, and
 * the module's files in seccomp-int.h.
 *
 * libseccomp lets an unconditional rule swallow every conditional rule of the
 * same system call, and it cannot give a system call its own fallback action.
 * So one policy becomes a short stack of filters, and the kernel combines
 * them: the strongest action of all filters wins, and between two errno
 * actions the newest filter's errno wins. The stack, oldest first:
 *   fallback filters: one per action U that a conditional exception relaxes
 *       ("errno EPERM personality" + "allow personality if arg0 == 0"); the
 *       filter's default is U, the exceptions have their own action, and
 *       every other named call is allowed;
 *   the base filter: the policy's default, each call's unconditional action,
 *       and the conditional rules that relax the default;
 *   layers: one per action, holding the conditional rules that tighten a
 *       call ("errno EPERM ioctl if ..."), the strongest layer newest. */
#include "seccomp.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp-int.h"
#include "util.h"

/* Defined in the generated build/default-bpf.c; weak, so that the generator
 * itself links without it (and compiles the policy the slow way). */
extern const struct nb_seccomp_builtin nb_seccomp_builtins[4] __attribute__((weak));

size_t nb_seccomp_programs(const struct nb_seccomp *f, const struct sock_fprog **progs)
{
	*progs = f->prog;
	return f->n;
}

/* Compiled programs given by the caller (bwrap's --seccomp FD) go on top,
 * newest; the kernel checked nothing yet, so only their size is checked
 * here, and seccomp(2) judges the rest when they load. */
static int add_bpf(struct nb_seccomp *f, const struct nb_seccomp_opts *o, struct nb_err *err)
{
	if (!o->n_bpf)
		return 0;
	if (f->n + o->n_bpf > MAX_FILTERS)
		return nb_fail(err, 0, "at most %d seccomp programs", MAX_FILTERS);
	if (f->builtin) {
		for (size_t i = 0; i < f->n; i++)
			f->prog[i].filter = nb_xmemdup(f->prog[i].filter, f->prog[i].len * sizeof *f->prog[i].filter);
		f->builtin = false;
	}
	for (size_t i = 0; i < o->n_bpf; i++) {
		f->prog[f->n].len = o->bpf[i].len;
		f->prog[f->n++].filter = nb_xmemdup(o->bpf[i].insns, o->bpf[i].len * sizeof(struct sock_filter));
	}
	return 0;
}

int nb_seccomp_prepare(const struct nb_seccomp_opts *o, struct nb_seccomp **out,
		       struct nb_err *err)
{
	static const struct nb_seccomp_opts defaults = { .policy = NULL };
	_cleanup_(sc_policy_freep) struct policy *p = NULL;
	_cleanup_(nb_seccomp_freep) struct nb_seccomp *f = NULL;
	const char *src;

	*out = NULL;
	if (!o)
		o = &defaults;
	src = o->policy ? o->policy : "default";
	f = nb_xmalloc(sizeof *f);
	memset(f, 0, sizeof *f);
	if (strcmp(src, "unconfined") == 0) {
		TRY(add_bpf(f, o, err));
		*out = nb_steal(&f);
		return 0;
	}
	/* The built-in policy was compiled at build time. */
	if (strcmp(src, "default") == 0 && nb_seccomp_builtins) {
		const struct nb_seccomp_builtin *b = &nb_seccomp_builtins[(o->log ? 2 : 0) + (o->allow_userns ? 1 : 0)];

		f->builtin = true;
		f->n = b->n;
		for (size_t i = 0; i < b->n; i++) {
			f->prog[i].len = b->len[i];
			f->prog[i].filter = (struct sock_filter *)b->filter[i];
		}
		TRY(add_bpf(f, o, err));
		*out = nb_steal(&f);
		return 0;
	}
	p = nb_xmalloc(sizeof *p);
	memset(p, 0, sizeof *p);
	TRY(sc_policy_load(p, o, err));
	TRY(sc_compile(p, f, err));
	TRY(add_bpf(f, o, err));
	*out = nb_steal(&f);
	return 0;
}

int nb_seccomp_load(const struct nb_seccomp *f, struct nb_err *err)
{
	if (!f)
		return 0;
	/* Oldest first: the order decides which errno wins (see the top). */
	for (size_t i = 0; i < f->n; i++) {
		int e;

		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &f->prog[i]) == 0)
			continue;
		/* A filter loaded before may deny seccomp(2) but allow prctl,
		 * as bwrap's callers' allow lists do. */
		if (errno != EACCES && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &f->prog[i]) == 0)
			continue;
		e = errno;
		nb_fail(err, e, "cannot load seccomp filter %zu of %zu", i + 1, f->n);
		if (e == EACCES)
			return nb_hint(err, "set no_new_privs first, or hold CAP_SYS_ADMIN");
		if (e == EINVAL)
			return nb_hint(err, "the kernel needs seccomp filters and Linux 4.14 or later; --seccomp=unconfined runs without a filter");
		if (e == ENOMEM)
			return nb_hint(err, "the filters already stacked on this process (a nested sandbox?) leave no room");
		return -1;
	}
	return 0;
}

int nb_seccomp_load_init(struct nb_err *err)
{
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, sc_init_program()) < 0)
		return nb_fail_hint(err, errno, "the kernel needs seccomp filters (CONFIG_SECCOMP_FILTER)",
				    "cannot load the seccomp filter of the sandbox's init");
	return 0;
}

void nb_seccomp_free(struct nb_seccomp *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n && !f->builtin; i++) {
		free(f->prog[i].filter);
		if (f->ctx[i])
			seccomp_release(f->ctx[i]);
	}
	free(f);
}

void nb_seccomp_save(const struct nb_seccomp *f, char **data, size_t *len)
{
	uint32_t n = f ? (uint32_t)f->n : 0;
	size_t at = sizeof n;

	*len = sizeof n;
	for (uint32_t i = 0; i < n; i++)
		*len += sizeof(uint32_t) + f->prog[i].len * sizeof(struct sock_filter);
	*data = nb_xmalloc(*len);
	memcpy(*data, &n, sizeof n);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t l = f->prog[i].len;

		memcpy(*data + at, &l, sizeof l);
		at += sizeof l;
		memcpy(*data + at, f->prog[i].filter, l * sizeof(struct sock_filter));
		at += l * sizeof(struct sock_filter);
	}
}

int nb_seccomp_restore(const char *data, size_t len, struct nb_seccomp **out, size_t *used, struct nb_err *err)
{
	struct nb_seccomp *f;
	uint32_t n;
	size_t at = sizeof n;

	*out = NULL;
	if (len < sizeof n || (memcpy(&n, data, sizeof n), n > MAX_FILTERS))
		return nb_fail(err, EINVAL, "the sandbox's seccomp programs are damaged");
	f = nb_xmalloc(sizeof *f);
	memset(f, 0, sizeof *f);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t l;

		if (len - at < sizeof l || (memcpy(&l, data + at, sizeof l), l == 0 || l > BPF_MAXINSNS) ||
		    len - at - sizeof l < l * sizeof(struct sock_filter)) {
			nb_seccomp_free(f);
			return nb_fail(err, EINVAL, "the sandbox's seccomp programs are damaged");
		}
		at += sizeof l;
		f->prog[i].len = (unsigned short)l;
		f->prog[i].filter = nb_xmalloc(l * sizeof(struct sock_filter));
		memcpy(f->prog[i].filter, data + at, l * sizeof(struct sock_filter));
		at += l * sizeof(struct sock_filter);
		f->n = i + 1;
	}
	*used = at;
	if (n == 0)
		nb_seccomp_free(f);
	else
		*out = f;
	return 0;
}
