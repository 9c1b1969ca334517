/* seccomp-raw.c: filters written as plain BPF by nestbox itself, where
 * libseccomp would write far more: the fallback filters of a policy, and
 * the filter of nestbox's init. Every jump target is checked as it is set. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "seccomp-int.h"
#include "util.h"

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
#define LD_ABS (BPF_LD | BPF_W | BPF_ABS)
#define RET_K (BPF_RET | BPF_K)

struct raw {
	struct sock_filter ins[RAW_MAX];
	unsigned n;
	bool overflow;  /* too big to write here: libseccomp does it */
	bool astray;    /* a jump the writer computed lands elsewhere: a bug */
	/* Each patched jump, and the instruction its false branch must land
	 * on; checked once the program is whole (raw_check). */
	struct {
		unsigned at;
		uint16_t lands_on;
	} want[RAW_MAX];
	unsigned nwant;
};

static void emit(struct raw *r, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (r->n == RAW_MAX) {
		r->overflow = true;
		return;
	}
	r->ins[r->n++] = (struct sock_filter){ code, jt, jf, k };
}

/* Points the false branch of the jump at `at` to `target`, which must land
 * on an instruction with code lands_on once the program is written. */
static void jf_to(struct raw *r, unsigned at, unsigned target, uint16_t lands_on)
{
	if (r->overflow)
		return;
	if (target <= at || target - at - 1 > 255) {
		r->overflow = true;
		return;
	}
	r->ins[at].jf = (uint8_t)(target - at - 1);
	r->want[r->nwant].at = at;
	r->want[r->nwant++].lands_on = lands_on;
}

/* Every jump lands inside the program, which ends with a return, and each
 * patched jump lands where the writer meant it to. */
static bool raw_check(const struct raw *r)
{
	if (r->astray || r->n == 0 || BPF_CLASS(r->ins[r->n - 1].code) != BPF_RET)
		return false;
	for (unsigned i = 0; i < r->n; i++) {
		const struct sock_filter *x = &r->ins[i];

		if (BPF_CLASS(x->code) == BPF_JMP && (i + 1u + x->jt >= r->n || i + 1u + x->jf >= r->n))
			return false;
	}
	for (unsigned k = 0; k < r->nwant; k++) {
		unsigned at = r->want[k].at;

		if (r->ins[at + 1u + r->ins[at].jf].code != r->want[k].lands_on)
			return false;
	}
	return true;
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
	unsigned low = 0, high = 0;

	emit(r, LD_ABS, 0, 0, off);
	if (masked)
		emit(r, BPF_ALU | BPF_AND | BPF_K, 0, 0, (uint32_t)mask);
	low = r->n;
	emit(r, BPF_JMP | BPF_JEQ | BPF_K, 0, rest, (uint32_t)(val & mask));
	if (bits == 64) {
		emit(r, LD_ABS, 0, 0, off + 4);
		if (masked)
			emit(r, BPF_ALU | BPF_AND | BPF_K, 0, 0, (uint32_t)(mask >> 32));
		high = r->n;
		emit(r, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (uint32_t)((val & mask) >> 32));
	}
	emit(r, RET_K, 0, 0, e->action);
	/* Both mismatches skip exactly to what follows the return. */
	if (!r->overflow && (low + 1u + r->ins[low].jf != r->n || (high && high + 1u + r->ins[high].jf != r->n)))
		r->astray = true;
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
	emit(r, RET_K, 0, 0, g->u);
	emit(r, LD_ABS, 0, 0, (uint32_t)offsetof(struct seccomp_data, nr));
	/* Another call: on to the number, loaded again. */
	jf_to(r, call_at, r->n - 1, LD_ABS);
}

/* x86 socketcall(sub, ...): the call's fallback, whatever follows. */
static void emit_socketcall(struct raw *r, uint32_t sub, uint32_t u)
{
	unsigned call_at = r->n;

	emit(r, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, X86_SOCKETCALL); /* jf patched below */
	emit(r, LD_ABS, 0, 0, (uint32_t)offsetof(struct seccomp_data, args));
	emit(r, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, sub);  /* jf patched below */
	emit(r, RET_K, 0, 0, u);
	emit(r, LD_ABS, 0, 0, (uint32_t)offsetof(struct seccomp_data, nr));
	jf_to(r, call_at, r->n - 1, LD_ABS);
	jf_to(r, call_at + 2, r->n - 1, LD_ABS);
}

/* The groups the filter stands for, each planned once; 1 if one of them
 * cannot be written here. */
static int raw_groups(const struct policy *p, uint32_t u, bool all, struct raw_group *groups, size_t *ng,
		      struct nb_err *err)
{
	*ng = 0;
	for (size_t at = 0, n; at < p->nrules; at += n) {
		struct plan pl;

		n = sc_group_len(p, at);
		TRY(sc_plan_group(p, &p->rules[at], n, &pl, err));
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

/* One architecture's block: skip it unless the call is of arch; the calls
 * with exceptions; allow the rest (the base filter judges them). */
static void emit_arch(struct raw *r, const struct policy *p, uint32_t arch, const struct raw_group *groups, size_t ng)
{
	unsigned arch_at = r->n;

	emit(r, LD_ABS, 0, 0, (uint32_t)offsetof(struct seccomp_data, arch));
	emit(r, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, arch); /* jf patched below */
	emit(r, LD_ABS, 0, 0, (uint32_t)offsetof(struct seccomp_data, nr));
	for (size_t g = 0; g < ng; g++) {
		const struct rule *rules = &p->rules[groups[g].at];
		int mux;
		long nr = raw_nr(arch, rules[0].name, &mux);

		if (nr < 0) /* not on this ABI */
			continue;
		emit_call(r, (uint32_t)nr, rules, &groups[g], arch_bits(arch));
		if (mux >= 0)
			emit_socketcall(r, x86_socketcall[mux].sub, groups[g].u);
	}
	emit(r, RET_K, 0, 0, SCMP_ACT_ALLOW);
	/* Another architecture: on to the next block, or the final return. */
	jf_to(r, arch_at + 1, r->n, arch == p->arch[p->narch - 1] ? RET_K : LD_ABS);
}

int sc_build_raw_fallback(struct nb_seccomp *f, const struct policy *p, uint32_t u, bool all, struct nb_err *err)
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
	memset(r, 0, sizeof *r);
	for (size_t a = 0; a < p->narch; a++)
		emit_arch(r, p, p->arch[a], groups, ng);
	emit(r, RET_K, 0, 0, SCMP_ACT_ALLOW); /* other architectures: the base filter decides */
	if (r->overflow)
		return 1;
	if (!raw_check(r))
		return nb_fail_hint(err, 0, "this is a bug in nestbox; --seccomp=unconfined runs without a filter",
				    "nestbox wrote a seccomp filter whose jumps go astray");
	f->prog[f->n].len = (unsigned short)r->n;
	f->prog[f->n].filter = nb_xmalloc(r->n * sizeof *r->ins);
	memcpy(f->prog[f->n].filter, r->ins, r->n * sizeof *r->ins);
	f->ctx[f->n] = NULL;
	if (all)
		snprintf(f->what[f->n], sizeof f->what[0], "fallback of every call, written by nestbox");
	else
		snprintf(f->what[f->n], sizeof f->what[0], "fallback, default %s, written by nestbox", sc_act_name(u, b, sizeof b));
	f->n++;
	return 0;
}

/* --- nestbox's init --------------------------------------------------- */

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
// cppcheck-suppress preprocessorErrorDirective
#error "init's seccomp filter needs this architecture's AUDIT_ARCH_ value"
#endif

const struct sock_fprog *sc_init_program(void)
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
		/* At the end: its /proc, read once (is anything else left?),
		 * and the status sent to the supervisor. */
		ALLOW_NR(__NR_getdents64), ALLOW_NR(__NR_sendto),
#if NB_SANITIZED
		/* AddressSanitizer asks before each noreturn call. */
		ALLOW_NR(__NR_sigaltstack),
#endif
		/* prctl(PR_SET_DUMPABLE, 0) alone: init loads this filter while
		 * the payload sets itself up, then makes itself non-dumpable. */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_prctl, 0, 7),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PR_SET_DUMPABLE, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1]) + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* Anything else, x32 numbers included, is not init's doing. */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	};
#undef ALLOW_NR
	static const struct sock_fprog fprog = { ARRAY_SIZE(prog), (struct sock_filter *)prog };

	return &fprog;
}
