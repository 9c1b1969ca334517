/* seccomp-policy.c: reading a policy (doc/seccomp.md) into rules, with
 * every mistake reported as FILE:LINE before any process exists. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seccomp-int.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define MAX_WORDS 256
#define MAX_POLICY_SIZE ((size_t)1 << 20)

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
int sc_perr(struct nb_err *err, const char *src, unsigned line, const char *fmt, ...)
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

uint32_t sc_act_class(uint32_t act)
{
	return act & SECCOMP_RET_ACTION_FULL;
}

/* Larger is stronger. Between classes this is the kernel's precedence for
 * stacked filters (kill > trap > errno > log > allow); between errnos, the
 * one the policy names first is stronger. */
int64_t sc_strength(const struct policy *p, uint32_t act)
{
	int64_t s = -(int64_t)(int32_t)sc_act_class(act) * 8192;

	if (sc_act_class(act) == SECCOMP_RET_ERRNO)
		s += 4096 - p->errno_rank[act & 0xfff];
	return s;
}

const char * sc_act_name(uint32_t act, char *buf, size_t len)
{
	switch (sc_act_class(act)) {
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
			return sc_perr(err, src, line, "'errno' needs an errno, e.g. 'errno EPERM'");
		if (parse_errno(w[*i], &e) < 0)
			return sc_perr(err, src, line, "unknown errno '%s' (a name such as EPERM, or 0-4095)",
				    w[*i]);
		(*i)++;
		if (!p->errno_rank[e])
			p->errno_rank[e] = ++p->nerrno;
		*act = SCMP_ACT_ERRNO(e);
	} else
		return sc_perr(err, src, line,
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
		return sc_perr(err, src, line, "expected arg0 ... arg5 after 'if' or 'and', not '%s'",
			    arg);
	if (*i + 2 >= nw)
		return sc_perr(err, src, line, "incomplete condition after '%s'", arg);
	for (; k < ARRAY_SIZE(ops); k++)
		if (strcmp(w[*i + 1], ops[k].op) == 0)
			break;
	if (k == ARRAY_SIZE(ops))
		return sc_perr(err, src, line,
			    "unknown comparison '%s' (expected ==, !=, <, <=, >, >=, masked-eq or &)",
			    w[*i + 1]);
	*c = (struct scmp_arg_cmp){ .arg = (unsigned)(arg[3] - '0'), .op = ops[k].cmp };
	*anybits = 0;
	if (strcmp(ops[k].op, "masked-eq") == 0) {
		if (*i + 3 >= nw)
			return sc_perr(err, src, line, "'masked-eq' needs a mask and a value");
		if (parse_value(w[*i + 2], &c->datum_a) < 0 || parse_value(w[*i + 3], &c->datum_b) < 0)
			return sc_perr(err, src, line, "bad number in '%s masked-eq %s %s'", arg,
				    w[*i + 2], w[*i + 3]);
		if (c->datum_b & ~c->datum_a)
			return sc_perr(err, src, line, "value %s has bits outside mask %s: it can never match",
				    w[*i + 3], w[*i + 2]);
		*i += 4;
		return 0;
	}
	if (parse_value(w[*i + 2], &c->datum_a) < 0)
		return sc_perr(err, src, line, "bad number '%s' (decimal, 0x hex, or a name such as CLONE_NEWUSER)",
			    w[*i + 2]);
	if (strcmp(ops[k].op, "&") == 0) {
		if (!c->datum_a)
			return sc_perr(err, src, line, "'%s & 0' can never match", arg);
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
		return sc_perr(err, src, line, "a second 'arch' line (the first is at line %u)",
			    p->arch_line);
	if (nw < 2)
		return sc_perr(err, src, line, "'arch' needs at least one architecture, e.g. 'arch native x86'");
	if (nw - 1 > MAX_ARCHES)
		return sc_perr(err, src, line, "more than %d architectures", MAX_ARCHES);
	for (size_t i = 1; i < nw; i++) {
		uint32_t a = strcmp(w[i], "native") == 0 ? native : seccomp_arch_resolve_name(w[i]);
		if (!a)
			return sc_perr(err, src, line, "unknown architecture '%s' (libseccomp names such as x86_64, x86, x32, aarch64, arm)",
				    w[i]);
		have_native |= a == native;
		p->arch[p->narch++] = a;
	}
	p->arch_line = line;
	if (!have_native)
		return sc_perr(err, src, line, "'arch' must list the native architecture ('native')");
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
		return sc_perr(err, src, line, "no system call named after the action");
	if (i < nw) {
		do {
			uint64_t bits;
			i++;
			if (i >= nw)
				return sc_perr(err, src, line, "a condition is missing after '%s'", w[i - 1]);
			if (r.ncmp == 6)
				return sc_perr(err, src, line, "more than 6 conditions");
			TRY(parse_cond(w, nw, &i, &r.cmp[r.ncmp], &bits, src, line, err));
			for (unsigned k = 0; k < r.ncmp; k++)
				if (r.cmp[k].arg == r.cmp[r.ncmp].arg)
					return sc_perr(err, src, line,
						    "arg%u is tested twice: libseccomp allows one test per argument and rule",
						    r.cmp[k].arg);
			if (bits && anybits)
				return sc_perr(err, src, line, "only one '&' test per rule");
			if (bits) {
				anybits = bits;
				anyk = r.ncmp;
			}
			r.ncmp++;
		} while (i < nw && strcmp(w[i], "and") == 0);
		if (i < nw)
			return sc_perr(err, src, line, "unexpected '%s' after a condition (join conditions with 'and')",
				    w[i]);
	}
	for (size_t n = first; n < last; n++) {
		if (strlen(w[n]) >= sizeof r.name)
			return sc_perr(err, src, line, "unknown system call '%.40s...'", w[n]);
		snprintf(r.name, sizeof r.name, "%s", w[n]);
		r.nr = seccomp_syscall_resolve_name(w[n]);
		if (r.nr == __NR_SCMP_ERROR) {
			const struct scmp_version *v = seccomp_version();
			return sc_perr(err, src, line,
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
			return sc_perr(err, src, line, "more than %d words: split the line", MAX_WORDS);
		w[nw++] = t;
	}
	if (nw == 0)
		return 0;
	if (strcmp(w[0], "unless-userns") == 0 || strcmp(w[0], "if-userns") == 0) {
		guarded = true;
		skip = (w[0][0] == 'u') == p->o->allow_userns;
		if (nw == 1)
			return sc_perr(err, src, line, "'%s' needs a rule after it", w[0]);
	}
	if (strcmp(w[guarded], "default") == 0 || strcmp(w[guarded], "arch") == 0 ||
	    strcmp(w[guarded], "include") == 0) {
		if (guarded)
			return sc_perr(err, src, line, "'%s' cannot be used with '%s'", w[1], w[0]);
	} else
		return parse_rule(p, w + guarded, nw - guarded, src, line, skip, err);

	if (strcmp(w[0], "arch") == 0)
		return parse_arch(p, w, nw, src, line, err);
	if (strcmp(w[0], "include") == 0) {
		if (nw != 2 || strcmp(w[1], "default") != 0)
			return sc_perr(err, src, line, "only 'include default' (the built-in policy) is supported");
		if (builtin || p->included)
			return sc_perr(err, src, line, "the built-in policy is already included");
		p->included = true;
		return parse_text(p, BUILTIN_NAME, nb_seccomp_default_policy, true, err);
	}
	/* default ACTION */
	size_t i = 1;
	if (p->have_default)
		return sc_perr(err, src, line, "a second 'default' line (the first is at %s:%u)", p->def_src,
			    p->def_line);
	if (nw < 2)
		return sc_perr(err, src, line, "'default' needs an action, e.g. 'default errno ENOSYS'");
	TRY(parse_action(p, w, nw, &i, &p->def, src, line, err));
	if (i != nw)
		return sc_perr(err, src, line, "unexpected '%s' after the default action", w[i]);
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
	_cleanup_free_ char *buf = NULL;
	size_t n;

	/* Checked before anything could block on it (a FIFO), and capped. */
	if (nb_read_file_regular(path, MAX_POLICY_SIZE, &buf, &n, err) < 0) {
		nb_hint(err, "--seccomp takes 'default', 'unconfined' or the path of a policy file");
		return NULL;
	}
	if (memchr(buf, '\0', n)) {
		nb_fail(err, 0, "seccomp policy %s is not a text file", path);
		return NULL;
	}
	return nb_steal(&buf);
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

static int cmp_rule(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;

	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int sc_policy_load(struct policy *p, const struct nb_seccomp_opts *o, struct nb_err *err)
{
	const char *src = o->policy ? o->policy : "default";
	_cleanup_free_ char *text = NULL;

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
	return 0;
}

void sc_policy_freep(struct policy **p)
{
	if (*p)
		free((*p)->rules);
	free(*p);
}
