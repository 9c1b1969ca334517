/* seccomp.c: see seccomp.h; the policy language is in doc/seccomp.md.
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
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define BUILTIN_NAME "(built-in default.policy)"
#define MAX_FILTERS NB_SECCOMP_MAX_FILTERS
#define MAX_ARCHES 8
#define MAX_WORDS 256
#define MAX_POLICY_SIZE (1024L * 1024)

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

/* Names a policy may use instead of numbers in conditions. */
static const struct {
	const char *name;
	uint64_t value;
} constants[] = {
	{ "CLONE_NEWNS", CLONE_NEWNS },	    { "CLONE_NEWCGROUP", CLONE_NEWCGROUP },
	{ "CLONE_NEWUTS", CLONE_NEWUTS },   { "CLONE_NEWIPC", CLONE_NEWIPC },
	{ "CLONE_NEWUSER", CLONE_NEWUSER }, { "CLONE_NEWPID", CLONE_NEWPID },
	{ "CLONE_NEWNET", CLONE_NEWNET },   { "CLONE_NEWTIME", CLONE_NEWTIME },
	{ "TIOCSTI", TIOCSTI },		    { "TIOCLINUX", TIOCLINUX },
	{ "PER_LINUX", PER_LINUX },	    { "PER_LINUX32", PER_LINUX32 },
	{ "UNAME26", UNAME26 },
	{ "AF_UNIX", AF_UNIX },		    { "AF_INET", AF_INET },
	{ "AF_INET6", AF_INET6 },	    { "AF_NETLINK", AF_NETLINK },
	{ "AF_PACKET", AF_PACKET },	    { "AF_KEY", PF_KEY },
	{ "AF_VSOCK", AF_VSOCK },	    { "AF_ALG", AF_ALG },
	{ "AF_BLUETOOTH", AF_BLUETOOTH },
};

/* Fills err with "SRC:LINE: message" and returns -1. */
static int __attribute__((format(printf, 4, 5)))
perr(struct nb_err *err, const char *src, unsigned line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	nb_fail(err, 0, "%s:%u: %s", src, line, msg);
	return nb_hint(err, "the policy language is described in doc/seccomp.md");
}

/* --- Actions ------------------------------------------------------------ */

static uint32_t act_class(uint32_t act)
{
	return act & SECCOMP_RET_ACTION_FULL;
}

/* Larger is stronger. Between classes this is the kernel's precedence for
 * stacked filters (kill > trap > errno > log > allow); between errnos, the
 * one the policy names first is stronger. */
static int64_t strength(const struct policy *p, uint32_t act)
{
	int64_t s = -(int64_t)(int32_t)act_class(act) * 8192;

	if (act_class(act) == SECCOMP_RET_ERRNO)
		s += 4096 - p->errno_rank[act & 0xfff];
	return s;
}

static const char *act_name(uint32_t act, char *buf, size_t len)
{
	switch (act_class(act)) {
	case SECCOMP_RET_ALLOW:
		return "allow";
	case SECCOMP_RET_LOG:
		return "log";
	case SECCOMP_RET_TRAP:
		return "trap";
	case SECCOMP_RET_ERRNO: {
		const char *e = strerrorname_np((int)(act & 0xfff));
		if (e)
			snprintf(buf, len, "errno %s", e);
		else
			snprintf(buf, len, "errno %u", act & 0xfff);
		return buf;
	}
	default:
		return "kill";
	}
}

static int parse_errno(const char *s, unsigned *out)
{
	uint32_t n;

	if (nb_parse_u32(s, 4095, &n) == 0) {
		*out = n;
		return 0;
	}
	for (int e = 1; e < 4096; e++) {
		const char *name = strerrorname_np(e);
		if (name && strcmp(name, s) == 0) {
			*out = (unsigned)e;
			return 0;
		}
	}
	return -1;
}

/* Parses ACTION at w[*i] and advances *i past it. */
static int parse_action(struct policy *p, char **w, size_t nw, size_t *i, uint32_t *act,
			const char *src, unsigned line, struct nb_err *err)
{
	const char *a = w[*i];
	unsigned e;

	(*i)++;
	if (strcmp(a, "allow") == 0)
		*act = SCMP_ACT_ALLOW;
	else if (strcmp(a, "log") == 0)
		*act = SCMP_ACT_LOG;
	else if (strcmp(a, "kill") == 0)
		*act = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(a, "trap") == 0)
		*act = SCMP_ACT_TRAP;
	else if (strcmp(a, "errno") == 0) {
		if (*i >= nw)
			return perr(err, src, line, "'errno' needs an errno, e.g. 'errno EPERM'");
		if (parse_errno(w[*i], &e) < 0)
			return perr(err, src, line, "unknown errno '%s' (a name such as EPERM, or 0-4095)",
				    w[*i]);
		(*i)++;
		if (!p->errno_rank[e])
			p->errno_rank[e] = ++p->nerrno;
		*act = SCMP_ACT_ERRNO(e);
	} else
		return perr(err, src, line,
			    "unknown action '%s' (expected allow, errno, kill, trap, log, default, arch or include)",
			    a);
	/* --seccomp-log: watch what the policy would deny, deny nothing. */
	if (p->o->log && *act != SCMP_ACT_ALLOW)
		*act = SCMP_ACT_LOG;
	return 0;
}

/* --- Conditions --------------------------------------------------------- */

/* VALUE: numbers (0x.., 0.., decimal) and names from `constants`, joined by '|'. */
static int parse_value(const char *s, uint64_t *out)
{
	_cleanup_free_ char *copy = nb_xstrdup(s);
	char *save = NULL;
	uint64_t v = 0;

	if (!*s || s[strlen(s) - 1] == '|' || *s == '|' || strstr(s, "||"))
		return -1;
	for (char *t = strtok_r(copy, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		size_t k = 0;
		char *end;

		for (; k < ARRAY_SIZE(constants); k++)
			if (strcmp(t, constants[k].name) == 0)
				break;
		if (k < ARRAY_SIZE(constants)) {
			v |= constants[k].value;
			continue;
		}
		if (*t < '0' || *t > '9')
			return -1;
		errno = 0;
		unsigned long long n = strtoull(t, &end, 0);
		if (errno || *end)
			return -1;
		v |= n;
	}
	*out = v;
	return 0;
}

/* Parses "argN OP VALUE" (or "argN masked-eq MASK VALUE", "argN & MASK") at
 * w[*i]. An "&" with several bits sets *anybits: the rule is later split
 * into one rule per bit, since a seccomp rule cannot test "any of". */
static int parse_cond(char **w, size_t nw, size_t *i, struct scmp_arg_cmp *c, uint64_t *anybits,
		      const char *src, unsigned line, struct nb_err *err)
{
	static const struct {
		const char *op;
		enum scmp_compare cmp;
	} ops[] = { { "==", SCMP_CMP_EQ }, { "!=", SCMP_CMP_NE }, { "<", SCMP_CMP_LT },
		    { "<=", SCMP_CMP_LE }, { ">", SCMP_CMP_GT },  { ">=", SCMP_CMP_GE },
		    { "masked-eq", SCMP_CMP_MASKED_EQ },	  { "&", SCMP_CMP_MASKED_EQ } };
	const char *arg = w[*i];
	size_t k = 0;

	if (strncmp(arg, "arg", 3) != 0 || arg[3] < '0' || arg[3] > '5' || arg[4])
		return perr(err, src, line, "expected arg0 ... arg5 after 'if' or 'and', not '%s'",
			    arg);
	if (*i + 2 >= nw)
		return perr(err, src, line, "incomplete condition after '%s'", arg);
	for (; k < ARRAY_SIZE(ops); k++)
		if (strcmp(w[*i + 1], ops[k].op) == 0)
			break;
	if (k == ARRAY_SIZE(ops))
		return perr(err, src, line,
			    "unknown comparison '%s' (expected ==, !=, <, <=, >, >=, masked-eq or &)",
			    w[*i + 1]);
	*c = (struct scmp_arg_cmp){ .arg = (unsigned)(arg[3] - '0'), .op = ops[k].cmp };
	*anybits = 0;
	if (strcmp(ops[k].op, "masked-eq") == 0) {
		if (*i + 3 >= nw)
			return perr(err, src, line, "'masked-eq' needs a mask and a value");
		if (parse_value(w[*i + 2], &c->datum_a) < 0 || parse_value(w[*i + 3], &c->datum_b) < 0)
			return perr(err, src, line, "bad number in '%s masked-eq %s %s'", arg,
				    w[*i + 2], w[*i + 3]);
		if (c->datum_b & ~c->datum_a)
			return perr(err, src, line, "value %s has bits outside mask %s: it can never match",
				    w[*i + 3], w[*i + 2]);
		*i += 4;
		return 0;
	}
	if (parse_value(w[*i + 2], &c->datum_a) < 0)
		return perr(err, src, line, "bad number '%s' (decimal, 0x hex, or a name such as CLONE_NEWUSER)",
			    w[*i + 2]);
	if (strcmp(ops[k].op, "&") == 0) {
		if (!c->datum_a)
			return perr(err, src, line, "'%s & 0' can never match", arg);
		*anybits = c->datum_a;
	}
	*i += 3;
	return 0;
}

/* --- Parsing ------------------------------------------------------------ */

static void add_rule(struct policy *p, const struct rule *r)
{
	if (p->nrules == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 256;
		p->rules = nb_xrealloc(p->rules, p->cap * sizeof *p->rules);
	}
	p->rules[p->nrules] = *r;
	p->rules[p->nrules].seq = (unsigned)p->nrules;
	p->nrules++;
}

static int parse_text(struct policy *p, const char *src, const char *text, bool builtin,
		      struct nb_err *err);

static int parse_arch(struct policy *p, char **w, size_t nw, const char *src, unsigned line,
		      struct nb_err *err)
{
	uint32_t native = seccomp_arch_native();
	bool have_native = false;

	if (p->narch)
		return perr(err, src, line, "a second 'arch' line (the first is at line %u)",
			    p->arch_line);
	if (nw < 2)
		return perr(err, src, line, "'arch' needs at least one architecture, e.g. 'arch native x86'");
	if (nw - 1 > MAX_ARCHES)
		return perr(err, src, line, "more than %d architectures", MAX_ARCHES);
	for (size_t i = 1; i < nw; i++) {
		uint32_t a = strcmp(w[i], "native") == 0 ? native : seccomp_arch_resolve_name(w[i]);
		if (!a)
			return perr(err, src, line, "unknown architecture '%s' (libseccomp names such as x86_64, x86, x32, aarch64, arm)",
				    w[i]);
		have_native |= a == native;
		p->arch[p->narch++] = a;
	}
	p->arch_line = line;
	if (!have_native)
		return perr(err, src, line, "'arch' must list the native architecture ('native')");
	return 0;
}

/* "[unless-userns|if-userns] ACTION NAME... [if COND [and COND]...]" */
static int parse_rule(struct policy *p, char **w, size_t nw, const char *src, unsigned line,
		      bool skip, struct nb_err *err)
{
	struct rule r = { .line = line, .src = src };
	uint64_t anybits = 0;
	size_t i = 0, first, last;
	unsigned anyk = 0;

	TRY(parse_action(p, w, nw, &i, &r.action, src, line, err));
	first = i;
	while (i < nw && strcmp(w[i], "if") != 0)
		i++;
	last = i;
	if (first == last)
		return perr(err, src, line, "no system call named after the action");
	if (i < nw) {
		do {
			uint64_t bits;
			i++;
			if (i >= nw)
				return perr(err, src, line, "a condition is missing after '%s'", w[i - 1]);
			if (r.ncmp == 6)
				return perr(err, src, line, "more than 6 conditions");
			TRY(parse_cond(w, nw, &i, &r.cmp[r.ncmp], &bits, src, line, err));
			for (unsigned k = 0; k < r.ncmp; k++)
				if (r.cmp[k].arg == r.cmp[r.ncmp].arg)
					return perr(err, src, line,
						    "arg%u is tested twice: libseccomp allows one test per argument and rule",
						    r.cmp[k].arg);
			if (bits && anybits)
				return perr(err, src, line, "only one '&' test per rule");
			if (bits) {
				anybits = bits;
				anyk = r.ncmp;
			}
			r.ncmp++;
		} while (i < nw && strcmp(w[i], "and") == 0);
		if (i < nw)
			return perr(err, src, line, "unexpected '%s' after a condition (join conditions with 'and')",
				    w[i]);
	}
	for (size_t n = first; n < last; n++) {
		if (strlen(w[n]) >= sizeof r.name)
			return perr(err, src, line, "unknown system call '%.40s...'", w[n]);
		snprintf(r.name, sizeof r.name, "%s", w[n]);
		r.nr = seccomp_syscall_resolve_name(w[n]);
		if (r.nr == __NR_SCMP_ERROR) {
			const struct scmp_version *v = seccomp_version();
			return perr(err, src, line,
				    "unknown system call '%s' (libseccomp %u.%u.%u knows no architecture that has it)",
				    w[n], v->major, v->minor, v->micro);
		}
		if (skip)
			continue;
		if (!anybits) {
			add_rule(p, &r);
			continue;
		}
		/* "argN & A|B" is true when any of the bits is set: one rule
		 * "argN masked-eq BIT BIT" per bit, which act as OR. */
		for (unsigned b = 0; b < 64; b++) {
			uint64_t bit = UINT64_C(1) << b;
			if (anybits & bit) {
				r.cmp[anyk].datum_a = r.cmp[anyk].datum_b = bit;
				add_rule(p, &r);
			}
		}
	}
	return 0;
}

static int parse_line(struct policy *p, char *buf, const char *src, unsigned line, bool builtin,
		      struct nb_err *err)
{
	char *w[MAX_WORDS], *save = NULL;
	size_t nw = 0;
	bool guarded = false, skip = false;

	*strchrnul(buf, '#') = '\0';
	for (char *t = strtok_r(buf, " \t\r\v\f", &save); t; t = strtok_r(NULL, " \t\r\v\f", &save)) {
		if (nw == MAX_WORDS)
			return perr(err, src, line, "more than %d words: split the line", MAX_WORDS);
		w[nw++] = t;
	}
	if (nw == 0)
		return 0;
	if (strcmp(w[0], "unless-userns") == 0 || strcmp(w[0], "if-userns") == 0) {
		guarded = true;
		skip = (w[0][0] == 'u') == p->o->allow_userns;
		if (nw == 1)
			return perr(err, src, line, "'%s' needs a rule after it", w[0]);
	}
	if (strcmp(w[guarded], "default") == 0 || strcmp(w[guarded], "arch") == 0 ||
	    strcmp(w[guarded], "include") == 0) {
		if (guarded)
			return perr(err, src, line, "'%s' cannot be used with '%s'", w[1], w[0]);
	} else
		return parse_rule(p, w + guarded, nw - guarded, src, line, skip, err);

	if (strcmp(w[0], "arch") == 0)
		return parse_arch(p, w, nw, src, line, err);
	if (strcmp(w[0], "include") == 0) {
		if (nw != 2 || strcmp(w[1], "default") != 0)
			return perr(err, src, line, "only 'include default' (the built-in policy) is supported");
		if (builtin || p->included)
			return perr(err, src, line, "the built-in policy is already included");
		p->included = true;
		return parse_text(p, BUILTIN_NAME, nb_seccomp_default_policy, true, err);
	}
	/* default ACTION */
	size_t i = 1;
	if (p->have_default)
		return perr(err, src, line, "a second 'default' line (the first is at %s:%u)", p->def_src,
			    p->def_line);
	if (nw < 2)
		return perr(err, src, line, "'default' needs an action, e.g. 'default errno ENOSYS'");
	TRY(parse_action(p, w, nw, &i, &p->def, src, line, err));
	if (i != nw)
		return perr(err, src, line, "unexpected '%s' after the default action", w[i]);
	p->have_default = true;
	p->def_line = line;
	p->def_src = src;
	return 0;
}

static int parse_text(struct policy *p, const char *src, const char *text, bool builtin,
		      struct nb_err *err)
{
	unsigned line = 0;

	for (const char *s = text; *s;) {
		const char *eol = strchrnul(s, '\n');
		size_t len = (size_t)(eol - s);
		_cleanup_free_ char *buf = nb_xmalloc(len + 1);

		line++;
		memcpy(buf, s, len);
		buf[len] = '\0';
		TRY(parse_line(p, buf, src, line, builtin, err));
		s = *eol ? eol + 1 : eol;
	}
	return 0;
}

/* Returns the file's text, or NULL with err filled. */
static char *read_policy(const char *path, struct nb_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0) {
		nb_fail(err, errno, "cannot read seccomp policy %s", path);
		nb_hint(err, "--seccomp takes 'default', 'unconfined' or the path of a policy file");
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > MAX_POLICY_SIZE) {
		nb_fail(err, 0, "seccomp policy %s is not a regular file under 1 MiB", path);
		return NULL;
	}
	buf = nb_xmalloc((size_t)st.st_size + 1);
	n = nb_read_all(fd, buf, (size_t)st.st_size);
	if (n < 0) {
		nb_fail(err, errno, "cannot read seccomp policy %s", path);
		return NULL;
	}
	if (memchr(buf, '\0', (size_t)n)) {
		nb_fail(err, 0, "seccomp policy %s is not a text file", path);
		return NULL;
	}
	buf[n] = '\0';
	return nb_steal_ptr(&buf);
}

/* --- Compiling ---------------------------------------------------------- */

/* True when a's class is weaker than b's: the kernel orders classes by the
 * signed value of the action, smallest strongest. */
static bool class_weaker(uint32_t a, uint32_t b)
{
	return (int32_t)act_class(a) > (int32_t)act_class(b);
}

/* Where one system call's rules go in the stack (see the top of the file):
 * conditions weaker than the call's fallback relax it, the others tighten it
 * and go to the layer of their action. */
struct plan {
	bool has_u, has_weak, fallback; /* fallback: a fallback filter holds u */
	uint32_t u;                     /* the strongest unconditional action */
	uint32_t weak;                  /* the one action of the relaxing conditions */
};

static uint32_t plan_fallback(const struct policy *p, const struct plan *pl)
{
	return pl->has_u ? pl->u : p->def;
}

static bool tightens(const struct policy *p, const struct plan *pl, const struct rule *r)
{
	uint32_t fb = plan_fallback(p, pl);
	return r->ncmp && r->action != fb && !class_weaker(r->action, fb);
}

static int plan_group(const struct policy *p, const struct rule *g, size_t n, struct plan *pl,
		      struct nb_err *err)
{
	char b1[32], b2[32], b3[32];
	uint32_t fb;

	*pl = (struct plan){ 0 };
	for (size_t i = 0; i < n; i++)
		if (!g[i].ncmp && (!pl->has_u || strength(p, g[i].action) > strength(p, pl->u))) {
			pl->has_u = true;
			pl->u = g[i].action;
		}
	fb = plan_fallback(p, pl);
	for (size_t i = 0; i < n; i++) {
		if (!g[i].ncmp || !class_weaker(g[i].action, fb))
			continue;
		if (pl->has_weak && g[i].action != pl->weak)
			return perr(err, g[i].src, g[i].line,
				    "%s: the exceptions to '%s' must all use one action (here %s and %s)",
				    g[i].name, act_name(fb, b1, sizeof b1), act_name(pl->weak, b2, sizeof b2),
				    act_name(g[i].action, b3, sizeof b3));
		pl->has_weak = true;
		pl->weak = g[i].action;
		if (fb == p->def)
			continue;
		/* The fallback filter answers u for every call the policy does
		 * not name; the base filter must then win with the default. */
		if ((int32_t)act_class(pl->u) < (int32_t)act_class(p->def))
			return perr(err, g[i].src, g[i].line,
				    "%s: an exception to '%s' needs a default action at least as strict (the default is %s)",
				    g[i].name, act_name(pl->u, b1, sizeof b1), act_name(p->def, b2, sizeof b2));
		pl->fallback = true;
	}
	return 0;
}

static int cmp_rule(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;

	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static size_t group_len(const struct policy *p, size_t i)
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
		return perr(err, r->src, r->line, "libseccomp rejects the rule for %s: %s", r->name,
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
			       act_name(def, b, sizeof b));
	f->ctx[f->n] = ctx;
	snprintf(f->what[f->n], sizeof f->what[0], "%s, default %s", what, act_name(def, b, sizeof b));
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

static void default_arches(struct policy *p)
{
	uint32_t native = seccomp_arch_native();

	p->arch[p->narch++] = native;
	/* The 32-bit ABI the kernel runs on this machine; x32 is left out. */
	if (native == SCMP_ARCH_X86_64)
		p->arch[p->narch++] = SCMP_ARCH_X86;
	else if (native == SCMP_ARCH_AARCH64)
		p->arch[p->narch++] = SCMP_ARCH_ARM;
	else if (native == SCMP_ARCH_S390X)
		p->arch[p->narch++] = SCMP_ARCH_S390;
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
		 kind == LAYER ? act_name(act, b, sizeof b) : "");
	TRY(new_filter(f, p, def, desc, err));
	ctx = f->ctx[f->n - 1];
	for (size_t at = 0, n; at < p->nrules; at += n) {
		const struct rule *g = &p->rules[at];

		n = group_len(p, at);
		TRY(plan_group(p, g, n, &pl, err));
		TRY(add_group(ctx, kind, def, g, n, &pl, err));
		for (size_t i = 0; kind == LAYER && i < n; i++)
			if (g[i].action == act && tightens(p, &pl, &g[i]))
				TRY(add_to(ctx, def, act, &g[i], true, err));
	}
	return 0;
}

/* --- Fallback filters in plain BPF ----------------------------------------
 *
 * A fallback filter made by libseccomp must name every allowed system call
 * (its default is the fallback action), which for the default policy
 * means a thousand instructions to load and to run on every system call.
 * When each exception is one "==" or "masked-eq" on one argument, as for
 * personality, the filter is written here instead: everything is allowed
 * but the calls with exceptions, which get their exception's action or the
 * fallback. A dozen instructions per architecture; the base filter still
 * judges every other call and kills unknown architectures. */

#define RAW_MAX 512

struct raw {
	struct sock_filter ins[RAW_MAX];
	unsigned n;
	bool overflow;
};

static void emit(struct raw *r, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (r->n == RAW_MAX) {
		r->overflow = true;
		return;
	}
	r->ins[r->n++] = (struct sock_filter){ code, jt, jf, k };
}

static int arch_bits(uint32_t arch)
{
	switch (arch) {
	case SCMP_ARCH_X86_64:
	case SCMP_ARCH_AARCH64:
		return 64;
	case SCMP_ARCH_X86:
	case SCMP_ARCH_ARM:
		return 32;
	default:
		return 0; /* not written by hand: libseccomp does it */
	}
}

static bool raw_rule_ok(const struct rule *r)
{
	return r->ncmp == 1 && (r->cmp[0].op == SCMP_CMP_EQ || r->cmp[0].op == SCMP_CMP_MASKED_EQ);
}

/* One exception: the argument (both halves on a 64-bit ABI) against the
 * value, then its action; a mismatch falls through to the next one. */
static void emit_exception(struct raw *r, const struct rule *e, int bits)
{
	const struct scmp_arg_cmp *c = &e->cmp[0];
	bool masked = c->op == SCMP_CMP_MASKED_EQ;
	uint64_t mask = masked ? c->datum_a : ~0ULL, val = masked ? c->datum_b : c->datum_a;
	uint32_t off = (uint32_t)offsetof(struct seccomp_data, args) + 8 * c->arg;
	uint8_t rest = (uint8_t)((bits == 64 ? (masked ? 3 : 2) : 0) + 1);

	emit(r, BPF_LD | BPF_W | BPF_ABS, 0, 0, off);
	if (masked)
		emit(r, BPF_ALU | BPF_AND | BPF_K, 0, 0, (uint32_t)mask);
	emit(r, BPF_JMP | BPF_JEQ | BPF_K, 0, rest, (uint32_t)(val & mask));
	if (bits == 64) {
		emit(r, BPF_LD | BPF_W | BPF_ABS, 0, 0, off + 4);
		if (masked)
			emit(r, BPF_ALU | BPF_AND | BPF_K, 0, 0, (uint32_t)(mask >> 32));
		emit(r, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (uint32_t)((val & mask) >> 32));
	}
	emit(r, BPF_RET | BPF_K, 0, 0, e->action);
}

/* x86's socketcall() multiplexes the socket calls, with their arguments in
 * memory, where seccomp cannot read them; libseccomp names those calls with
 * pseudo numbers. Linux 4.3 gave x86 direct calls too. A rule with
 * conditions applies to the direct call; the socketcall form gets the
 * call's fallback, whatever its arguments (as libseccomp does): failing
 * closed, since any x86_64 process reaches this ABI with int 0x80. */
static const struct {
	const char *name;
	uint32_t direct;   /* __NR_ in asm/unistd_32.h */
	uint32_t sub;      /* SYS_ in linux/net.h */
} x86_socketcall[] = {
	{ "socket", 359, 1 },
};
#define X86_SOCKETCALL 102

static int x86_multiplexed(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(x86_socketcall); i++)
		if (strcmp(x86_socketcall[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The number of a call with exceptions on arch, or -1 if it has none
 * there; -2 if it is multiplexed in a way not written here. */
static long raw_nr(uint32_t arch, const char *name, int *mux)
{
	int nr = seccomp_syscall_resolve_name_arch(arch, name);

	*mux = -1;
	if (nr >= 0)
		return nr;
	if (nr == __NR_SCMP_ERROR)
		return -1;
	*mux = arch == SCMP_ARCH_X86 ? x86_multiplexed(name) : -1;
	return *mux >= 0 ? (long)x86_socketcall[*mux].direct : -2;
}

/* Builds one fallback filter by hand for every call whose fallback action
 * is u, or for every call with a fallback at all (all), or returns 1 when
 * the policy needs more than this can write (libseccomp does it then). */
struct raw_group {
	size_t at, n;  /* the call's rules in p->rules */
	uint32_t u;    /* its fallback action */
	uint32_t weak; /* the action of its exceptions */
};

/* One call's block: jump past it unless A holds nr; the exceptions; then
 * the fallback; A holds the number again at the end. */
static void emit_call(struct raw *r, uint32_t nr, const struct rule *rules, const struct raw_group *g, int bits)
{
	unsigned call_at = r->n;

	emit(r, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, nr); /* jf patched below */
	for (size_t i = 0; i < g->n; i++)
		if (rules[i].ncmp && rules[i].action == g->weak)
			emit_exception(r, &rules[i], bits);
	emit(r, BPF_RET | BPF_K, 0, 0, g->u);
	emit(r, BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)offsetof(struct seccomp_data, nr));
	if (r->n - call_at - 2 > 255)
		r->overflow = true;
	else
		r->ins[call_at].jf = (uint8_t)(r->n - call_at - 2);
}

/* x86 socketcall(sub, ...): the call's fallback, whatever follows. */
static void emit_socketcall(struct raw *r, uint32_t sub, uint32_t u)
{
	unsigned call_at = r->n;

	emit(r, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, X86_SOCKETCALL); /* jf patched below */
	emit(r, BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)offsetof(struct seccomp_data, args));
	emit(r, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, sub);
	emit(r, BPF_RET | BPF_K, 0, 0, u);
	emit(r, BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)offsetof(struct seccomp_data, nr));
	r->ins[call_at].jf = (uint8_t)(r->n - call_at - 2);
}

/* The groups the filter stands for, each planned once; 1 if one of them
 * cannot be written here. */
static int raw_groups(const struct policy *p, uint32_t u, bool all, struct raw_group *groups, size_t *ng,
		      struct nb_err *err)
{
	*ng = 0;
	for (size_t at = 0, n; at < p->nrules; at += n) {
		struct plan pl;

		n = group_len(p, at);
		TRY(plan_group(p, &p->rules[at], n, &pl, err));
		if (!pl.fallback || (!all && pl.u != u))
			continue;
		for (size_t i = 0; i < n; i++)
			if (p->rules[at + i].ncmp && p->rules[at + i].action == pl.weak && !raw_rule_ok(&p->rules[at + i]))
				return 1;
		for (size_t a = 0; a < p->narch; a++) {
			int mux;
			if (raw_nr(p->arch[a], p->rules[at].name, &mux) == -2)
				return 1;
		}
		groups[(*ng)++] = (struct raw_group){ at, n, pl.u, pl.weak };
	}
	return 0;
}

static int build_raw_fallback(struct nb_seccomp *f, const struct policy *p, uint32_t u, bool all,
			      struct nb_err *err)
{
	_cleanup_free_ struct raw_group *groups = NULL;
	_cleanup_free_ struct raw *r = NULL;
	size_t ng = 0;
	char b[32];
	int rc;

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	return 1;
#endif
	for (size_t a = 0; a < p->narch; a++)
		if (!arch_bits(p->arch[a]))
			return 1;
	groups = nb_xmalloc((p->nrules + 1) * sizeof *groups);
	rc = raw_groups(p, u, all, groups, &ng, err);
	if (rc != 0)
		return rc;
	if (f->n == MAX_FILTERS)
		return nb_fail(err, 0, "the seccomp policy needs more than %d filters", MAX_FILTERS);
	r = nb_xmalloc(sizeof *r);
	r->n = 0;
	r->overflow = false;
	for (size_t a = 0; a < p->narch; a++) {
		unsigned arch_at = r->n;

		emit(r, BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)offsetof(struct seccomp_data, arch));
		emit(r, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, p->arch[a]); /* jf patched below */
		emit(r, BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)offsetof(struct seccomp_data, nr));
		for (size_t g = 0; g < ng; g++) {
			const struct rule *rules = &p->rules[groups[g].at];
			int mux;
			long nr = raw_nr(p->arch[a], rules[0].name, &mux);

			if (nr < 0) /* not on this ABI */
				continue;
			emit_call(r, (uint32_t)nr, rules, &groups[g], arch_bits(p->arch[a]));
			if (mux >= 0)
				emit_socketcall(r, x86_socketcall[mux].sub, groups[g].u);
		}
		emit(r, BPF_RET | BPF_K, 0, 0, SCMP_ACT_ALLOW);
		if (r->n - arch_at - 2 > 255)
			r->overflow = true;
		else
			r->ins[arch_at + 1].jf = (uint8_t)(r->n - arch_at - 2);
	}
	emit(r, BPF_RET | BPF_K, 0, 0, SCMP_ACT_ALLOW); /* other architectures: the base filter decides */
	if (r->overflow)
		return 1;
	f->prog[f->n].len = (unsigned short)r->n;
	f->prog[f->n].filter = nb_xmalloc(r->n * sizeof *r->ins);
	memcpy(f->prog[f->n].filter, r->ins, r->n * sizeof *r->ins);
	f->ctx[f->n] = NULL;
	if (all)
		snprintf(f->what[f->n], sizeof f->what[0], "fallback of every call, written by nestbox");
	else
		snprintf(f->what[f->n], sizeof f->what[0], "fallback, default %s, written by nestbox", act_name(u, b, sizeof b));
	f->n++;
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

static int compile(const struct policy *p, struct nb_seccomp *f, struct nb_err *err)
{
	uint32_t fallbacks[MAX_FILTERS], layers[MAX_FILTERS];
	size_t nfb = 0, nlayer = 0;
	struct plan pl;

	for (size_t at = 0, n; at < p->nrules; at += n) {
		const struct rule *g = &p->rules[at];

		n = group_len(p, at);
		TRY(plan_group(p, g, n, &pl, err));
		if (pl.fallback)
			TRY(add_unique(fallbacks, &nfb, pl.u, err));
		for (size_t i = 0; i < n; i++)
			if (tightens(p, &pl, &g[i]))
				TRY(add_unique(layers, &nlayer, g[i].action, err));
	}
	/* The strongest layer last: between errnos the newest filter wins. */
	for (size_t i = 1; i < nlayer; i++)
		for (size_t j = i; j > 0 && strength(p, layers[j - 1]) > strength(p, layers[j]); j--) {
			uint32_t t = layers[j];
			layers[j] = layers[j - 1];
			layers[j - 1] = t;
		}
	/* One plain-BPF filter for every fallback when it can be written so;
	 * else one per fallback action, by hand or by libseccomp. */
	{
		int rc = nfb > 1 ? build_raw_fallback(f, p, 0, true, err) : 1;

		if (rc < 0)
			return -1;
		for (size_t i = 0; rc > 0 && i < nfb; i++) {
			int one = build_raw_fallback(f, p, fallbacks[i], false, err);
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

/* --- The interface ------------------------------------------------------ */

/* Defined in the generated build/default-bpf.c; weak, so that the generator
 * itself links without it (and compiles the policy the slow way). */
extern const struct nb_seccomp_builtin nb_seccomp_builtins[4] __attribute__((weak));

int nb_seccomp_emit_c(const struct nb_seccomp *f, FILE *out, const char *prefix)
{
	for (size_t i = 0; i < f->n; i++) {
		fprintf(out, "static const struct sock_filter %s_%zu[] = {\n", prefix, i);
		for (unsigned k = 0; k < f->prog[i].len; k++) {
			const struct sock_filter *x = &f->prog[i].filter[k];
			fprintf(out, "\t{ 0x%x, %u, %u, 0x%x },\n", x->code, x->jt, x->jf, x->k);
		}
		fprintf(out, "};\n");
	}
	fprintf(out, "#define %s_INIT { .n = %zu, .len = {", prefix, f->n);
	for (size_t i = 0; i < f->n; i++)
		fprintf(out, " %u,", f->prog[i].len);
	fprintf(out, " }, .filter = {");
	for (size_t i = 0; i < f->n; i++)
		fprintf(out, " %s_%zu,", prefix, i);
	return fprintf(out, " } }\n") < 0 ? -1 : 0;
}

static void policy_freep(struct policy **p)
{
	if (*p)
		free((*p)->rules);
	free(*p);
}

int nb_seccomp_prepare(const struct nb_seccomp_opts *o, struct nb_seccomp **out,
		       struct nb_err *err)
{
	static const struct nb_seccomp_opts defaults = { .policy = NULL };
	_cleanup_(policy_freep) struct policy *p = NULL;
	_cleanup_(nb_seccomp_freep) struct nb_seccomp *f = NULL;
	_cleanup_free_ char *text = NULL;
	const char *src;

	*out = NULL;
	if (!o)
		o = &defaults;
	src = o->policy ? o->policy : "default";
	f = nb_xmalloc(sizeof *f);
	memset(f, 0, sizeof *f);
	if (strcmp(src, "unconfined") == 0) {
		*out = nb_steal_ptr(&f);
		return 0;
	}
	/* The built-in policy was compiled at build time; --verbose dumps need
	 * the libseccomp contexts, so they compile it anew. */
	if (strcmp(src, "default") == 0 && nb_seccomp_builtins && !o->keep_ctx) {
		const struct nb_seccomp_builtin *b = &nb_seccomp_builtins[(o->log ? 2 : 0) + (o->allow_userns ? 1 : 0)];

		f->builtin = true;
		f->n = b->n;
		for (size_t i = 0; i < b->n; i++) {
			f->prog[i].len = b->len[i];
			f->prog[i].filter = (struct sock_filter *)b->filter[i];
		}
		*out = nb_steal_ptr(&f);
		return 0;
	}
	p = nb_xmalloc(sizeof *p);
	memset(p, 0, sizeof *p);
	p->o = o;
	if (strcmp(src, "default") == 0)
		TRY(parse_text(p, BUILTIN_NAME, nb_seccomp_default_policy, true, err));
	else {
		text = read_policy(src, err);
		if (!text)
			return -1;
		TRY(parse_text(p, src, text, false, err));
	}
	if (!p->have_default) {
		nb_fail(err, 0, "%s: no 'default' line saying what happens to the other system calls",
			strcmp(src, "default") == 0 ? BUILTIN_NAME : src);
		return nb_hint(err, "add e.g. 'default errno ENOSYS', or 'include default'");
	}
	if (!p->narch)
		default_arches(p);
	if (p->nrules)
		qsort(p->rules, p->nrules, sizeof *p->rules, cmp_rule);
	TRY(compile(p, f, err));
	*out = nb_steal_ptr(&f);
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

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
// cppcheck-suppress preprocessorErrorDirective
#error "init's seccomp filter needs this architecture's AUDIT_ARCH_ value"
#endif

int nb_seccomp_load_init(struct nb_err *err)
{
#define ALLOW_NR(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
	static const struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* The forwarding and reaping loop (init.c), and the way out. */
		ALLOW_NR(__NR_read), ALLOW_NR(__NR_write), ALLOW_NR(__NR_close), ALLOW_NR(__NR_close_range),
		ALLOW_NR(__NR_wait4), ALLOW_NR(__NR_kill), ALLOW_NR(__NR_getppid), ALLOW_NR(__NR_pread64),
		ALLOW_NR(__NR_exit_group), ALLOW_NR(__NR_exit), ALLOW_NR(__NR_rt_sigreturn),
		ALLOW_NR(__NR_restart_syscall),
		/* Anything else, x32 numbers included, is not init's doing. */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	};
#undef ALLOW_NR
	static const struct sock_fprog fprog = { ARRAY_SIZE(prog), (struct sock_filter *)prog };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
		return nb_fail_hint(err, errno, "the kernel needs seccomp filters (CONFIG_SECCOMP_FILTER)",
				    "cannot load the seccomp filter of the sandbox's init");
	return 0;
}

int nb_seccomp_dump(const struct nb_seccomp *f, int fd, struct nb_err *err)
{
	if ((!f || f->n == 0) && dprintf(fd, "# seccomp: unconfined\n") < 0)
		return nb_fail(err, errno, "cannot write the seccomp filters");
	for (size_t i = 0; f && i < f->n; i++) {
		int rc;
		if (dprintf(fd, "# seccomp filter %zu of %zu (%s), %u instructions\n", i + 1, f->n,
			    f->what[i], f->prog[i].len) < 0)
			return nb_fail(err, errno, "cannot write the seccomp filters");
		if (!f->ctx[i]) {
			for (unsigned k = 0; k < f->prog[i].len; k++) {
				const struct sock_filter *x = &f->prog[i].filter[k];
				if (dprintf(fd, "  %3u: code 0x%02x jt %u jf %u k 0x%08x\n", k, x->code, x->jt, x->jf, x->k) < 0)
					return nb_fail(err, errno, "cannot write the seccomp filters");
			}
			continue;
		}
		rc = seccomp_export_pfc(f->ctx[i], fd);
		if (rc < 0)
			return nb_fail(err, -rc, "cannot write the seccomp filters");
	}
	return 0;
}

size_t nb_seccomp_count(const struct nb_seccomp *f)
{
	return f ? f->n : 0;
}

const struct sock_fprog *nb_seccomp_program(const struct nb_seccomp *f, size_t i)
{
	return &f->prog[i];
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
