/* seccomp-plan.c: a policy as a stack of filters (see seccomp.c), and the
 * filters libseccomp writes. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "seccomp-int.h"
#include "util.h"

/* --- Compiling ---------------------------------------------------------- */

/* True when a's class is weaker than b's: the kernel orders classes by the
 * signed value of the action, smallest strongest. */
static bool class_weaker(uint32_t a, uint32_t b)
{
	return (int32_t)sc_act_class(a) > (int32_t)sc_act_class(b);
}

static uint32_t plan_fallback(const struct policy *p, const struct plan *pl)
{
	return pl->has_u ? pl->u : p->def;
}

static bool tightens(const struct policy *p, const struct plan *pl, const struct rule *r)
{
	uint32_t fb = plan_fallback(p, pl);
	return r->ncmp && r->action != fb && !class_weaker(r->action, fb);
}

int sc_plan_group(const struct policy *p, const struct rule *g, size_t n, struct plan *pl,
		      struct nb_err *err)
{
	char b1[32], b2[32], b3[32];
	uint32_t fb;

	*pl = (struct plan){ 0 };
	for (size_t i = 0; i < n; i++)
		if (!g[i].ncmp && (!pl->has_u || sc_strength(p, g[i].action) > sc_strength(p, pl->u))) {
			pl->has_u = true;
			pl->u = g[i].action;
		}
	fb = plan_fallback(p, pl);
	for (size_t i = 0; i < n; i++) {
		if (!g[i].ncmp || !class_weaker(g[i].action, fb))
			continue;
		if (pl->has_weak && g[i].action != pl->weak)
			return sc_perr(err, g[i].src, g[i].line,
				    "%s: the exceptions to '%s' must all use one action (here %s and %s)",
				    g[i].name, sc_act_name(fb, b1, sizeof b1), sc_act_name(pl->weak, b2, sizeof b2),
				    sc_act_name(g[i].action, b3, sizeof b3));
		pl->has_weak = true;
		pl->weak = g[i].action;
		if (fb == p->def)
			continue;
		/* The fallback filter answers u for every call the policy does
		 * not name; the base filter must then win with the default. */
		if ((int32_t)sc_act_class(pl->u) < (int32_t)sc_act_class(p->def))
			return sc_perr(err, g[i].src, g[i].line,
				    "%s: an exception to '%s' needs a default action at least as strict (the default is %s)",
				    g[i].name, sc_act_name(pl->u, b1, sizeof b1), sc_act_name(p->def, b2, sizeof b2));
		pl->fallback = true;
	}
	return 0;
}

size_t sc_group_len(const struct policy *p, size_t i)
{
	size_t n = 1;

	/* Sorted by number, the rules for one system call are adjacent. */
	while (i + n < p->nrules && p->rules[i + n].nr == p->rules[i].nr)
		n++;
	return n;
}

static int add_to(scmp_filter_ctx ctx, uint32_t def, uint32_t act, const struct rule *r,
		  bool conds, struct nb_err *err)
{
	int rc;

	/* libseccomp refuses a rule that repeats the filter's default. */
	if (act == def)
		return 0;
	rc = seccomp_rule_add_array(ctx, act, r->nr, conds ? r->ncmp : 0, r->cmp);
	if (rc < 0)
		return sc_perr(err, r->src, r->line, "libseccomp rejects the rule for %s: %s", r->name,
			    strerror(-rc));
	return 0;
}

static int new_filter(struct nb_seccomp *f, const struct policy *p, uint32_t def, const char *what,
		      struct nb_err *err)
{
	char b[32];
	scmp_filter_ctx ctx;

	if (f->n == MAX_FILTERS)
		return nb_fail(err, 0, "the seccomp policy needs more than %d filters", MAX_FILTERS);
	ctx = seccomp_init(def);
	if (!ctx)
		return nb_fail(err, EINVAL, "libseccomp cannot make a filter whose default is %s",
			       sc_act_name(def, b, sizeof b));
	f->ctx[f->n] = ctx;
	snprintf(f->what[f->n], sizeof f->what[0], "%s, default %s", what, sc_act_name(def, b, sizeof b));
	f->n++;
	/* Architectures not listed, x32 among them, fail closed. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
		return nb_fail(err, EINVAL, "libseccomp rejects the filter attributes");
	/* Every architecture before any rule: libseccomp does not copy rules
	 * into an architecture added later. */
	for (size_t i = 0; i < p->narch; i++) {
		int rc = p->arch[i] == seccomp_arch_native() ? 0 : seccomp_arch_add(ctx, p->arch[i]);
		if (rc < 0 && rc != -EEXIST)
			return nb_fail(err, -rc, "libseccomp cannot add architecture %u", p->arch[i]);
	}
	return 0;
}

enum kind { FALLBACK, BASE, LAYER };

/* Adds one system call's share of the rules to a filter of the stack. */
static int add_group(scmp_filter_ctx ctx, enum kind kind, uint32_t def, const struct rule *g,
		     size_t n, const struct plan *pl, struct nb_err *err)
{
	switch (kind) {
	case FALLBACK: /* def is the fallback action this filter stands for */
		if (!pl->fallback || pl->u != def)
			return add_to(ctx, def, SCMP_ACT_ALLOW, g, false, err);
		break;
	case BASE:
		if (pl->fallback)
			return add_to(ctx, def, SCMP_ACT_ALLOW, g, false, err);
		if (!pl->has_weak)
			return pl->has_u ? add_to(ctx, def, pl->u, g, false, err) : 0;
		break;
	case LAYER:
		return 0;
	}
	/* The conditions that relax the fallback. */
	for (size_t i = 0; i < n; i++)
		if (g[i].ncmp && g[i].action == pl->weak)
			TRY(add_to(ctx, def, pl->weak, &g[i], true, err));
	return 0;
}

/* Builds one filter: kind FALLBACK for action act, BASE, or the LAYER of act. */
static int build(struct nb_seccomp *f, const struct policy *p, enum kind kind, uint32_t act,
		 struct nb_err *err)
{
	static const char *const what[] = { "fallback", "base", "layer" };
	uint32_t def = kind == BASE ? p->def : kind == FALLBACK ? act : SCMP_ACT_ALLOW;
	char desc[48], b[32];
	scmp_filter_ctx ctx;
	struct plan pl;

	snprintf(desc, sizeof desc, "%s%s%s", what[kind], kind == LAYER ? " of " : "",
		 kind == LAYER ? sc_act_name(act, b, sizeof b) : "");
	TRY(new_filter(f, p, def, desc, err));
	ctx = f->ctx[f->n - 1];
	for (size_t at = 0, n; at < p->nrules; at += n) {
		const struct rule *g = &p->rules[at];

		n = sc_group_len(p, at);
		TRY(sc_plan_group(p, g, n, &pl, err));
		TRY(add_group(ctx, kind, def, g, n, &pl, err));
		for (size_t i = 0; kind == LAYER && i < n; i++)
			if (g[i].action == act && tightens(p, &pl, &g[i]))
				TRY(add_to(ctx, def, act, &g[i], true, err));
	}
	return 0;
}

static int add_unique(uint32_t *set, size_t *n, uint32_t v, struct nb_err *err)
{
	for (size_t i = 0; i < *n; i++)
		if (set[i] == v)
			return 0;
	if (*n == MAX_FILTERS)
		return nb_fail(err, 0, "the seccomp policy needs more than %d filters", MAX_FILTERS);
	set[(*n)++] = v;
	return 0;
}

static int export_bpf(scmp_filter_ctx ctx, struct sock_fprog *prog, struct nb_err *err)
{
	_cleanup_close_ int fd = memfd_create("nestbox-seccomp", MFD_CLOEXEC);
	off_t size;
	int rc;

	if (fd < 0)
		return nb_fail(err, errno, "cannot create a memfd for the seccomp filter");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return nb_fail(err, -rc, "libseccomp cannot generate the seccomp filter");
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter))
		return nb_fail(err, errno, "libseccomp generated an unreadable filter");
	if (size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
		return nb_fail(err, 0, "the seccomp policy compiles to %lld BPF instructions, more than the kernel's %d",
			       (long long)(size / (off_t)sizeof(struct sock_filter)), BPF_MAXINSNS);
	prog->filter = nb_xmalloc((size_t)size);
	prog->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
	if (pread(fd, prog->filter, (size_t)size, 0) != size)
		return nb_fail(err, errno, "cannot read back the seccomp filter");
	return 0;
}

int sc_compile(const struct policy *p, struct nb_seccomp *f, struct nb_err *err)
{
	uint32_t fallbacks[MAX_FILTERS], layers[MAX_FILTERS];
	size_t nfb = 0, nlayer = 0;
	struct plan pl;

	for (size_t at = 0, n; at < p->nrules; at += n) {
		const struct rule *g = &p->rules[at];

		n = sc_group_len(p, at);
		TRY(sc_plan_group(p, g, n, &pl, err));
		if (pl.fallback)
			TRY(add_unique(fallbacks, &nfb, pl.u, err));
		for (size_t i = 0; i < n; i++)
			if (tightens(p, &pl, &g[i]))
				TRY(add_unique(layers, &nlayer, g[i].action, err));
	}
	/* The strongest layer last: between errnos the newest filter wins. */
	for (size_t i = 1; i < nlayer; i++)
		for (size_t j = i; j > 0 && sc_strength(p, layers[j - 1]) > sc_strength(p, layers[j]); j--) {
			uint32_t t = layers[j];
			layers[j] = layers[j - 1];
			layers[j - 1] = t;
		}
	/* One plain-BPF filter for every fallback when it can be written so;
	 * else one per fallback action, by hand or by libseccomp. */
	{
		int rc = nfb > 1 ? sc_build_raw_fallback(f, p, 0, true, err) : 1;

		if (rc < 0)
			return -1;
		for (size_t i = 0; rc > 0 && i < nfb; i++) {
			int one = sc_build_raw_fallback(f, p, fallbacks[i], false, err);
			if (one < 0)
				return -1;
			if (one > 0)
				TRY(build(f, p, FALLBACK, fallbacks[i], err));
		}
	}
	TRY(build(f, p, BASE, 0, err));
	for (size_t i = 0; i < nlayer; i++)
		TRY(build(f, p, LAYER, layers[i], err));
	for (size_t i = 0; i < f->n; i++)
		if (f->ctx[i])
			TRY(export_bpf(f->ctx[i], &f->prog[i], err));
	return 0;
}

