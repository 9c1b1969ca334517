/* seccomp-merge.c: see seccomp-merge.h.
 *
 * The kernel runs every program of the stack and keeps the strongest
 * verdict (the lowest action as a signed number; between equals, the
 * newest program's). Here that is done once, at build time:
 *   1. walk every program, following both ways of every test, to learn the
 *      architectures it compares with and the numbers it compares the
 *      system call number with: between two such boundaries every number
 *      gets the same verdict;
 *   2. for each architecture and each run of numbers, run the programs
 *      with the architecture and a number of the run known: where no
 *      program looks at the arguments the verdict is a constant, else the
 *      programs' tests of the arguments are written out, newest first,
 *      each verdict of one leading to the next program's tests, with the
 *      combined verdict at the end;
 *   3. a binary search on the number over the runs, per architecture;
 *   4. shrink it (seccomp-shrink.c: shared tails, tests the path decided);
 *   5. check the result against the stack by running both. */
#include "seccomp-merge.h"

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "seccomp-shrink.h"

#define OFF_NR 0
#define OFF_ARCH 4
#define MAX_VALUES 4096
#define MAX_OUT BPF_MAXINSNS

/* What the accumulator holds, as far as the walk knows. */
enum kind { K_NONE, K_NR, K_ARCH, K_CONST, K_DATA };

struct walk {
	const struct sock_fprog *progs;
	size_t n;
	uint32_t arch[16];
	size_t narch;
	uint32_t *bounds; /* numbers where a run of call numbers starts */
	size_t nbounds, capbounds;
	const char *why;
};

struct code {
	struct sock_filter *v;
	size_t n;
	bool bad;
};

/* --- the kernel's rules --------------------------------------------------- */

static int32_t action(uint32_t ret)
{
	return (int32_t)(ret & SECCOMP_RET_ACTION_FULL);
}

/* acc: the verdict of the newer programs; ret: this (older) one's. */
static uint32_t stronger(uint32_t acc, uint32_t ret)
{
	return action(ret) < action(acc) ? ret : acc;
}

/* A classic BPF program on seccomp_data, as the kernel runs it; *args is
 * set if it read more than the number and the architecture. */
static uint32_t run(const struct sock_fprog *p, const uint32_t data[16], bool *args)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

	for (unsigned pc = 0; pc < p->len; pc++) {
		const struct sock_filter *f = &p->filter[pc];
		uint32_t src = BPF_SRC(f->code) == BPF_X ? x : f->k;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			*args |= BPF_MODE(f->code) == BPF_ABS && f->k >= 8;
			a = BPF_MODE(f->code) == BPF_ABS ? data[(f->k / 4) & 15] :
			    BPF_MODE(f->code) == BPF_IMM ? f->k : mem[f->k % BPF_MEMWORDS];
			break;
		case BPF_LDX:
			x = BPF_MODE(f->code) == BPF_IMM ? f->k : mem[f->k % BPF_MEMWORDS];
			break;
		case BPF_ST:
			mem[f->k % BPF_MEMWORDS] = a;
			break;
		case BPF_STX:
			mem[f->k % BPF_MEMWORDS] = x;
			break;
		case BPF_ALU:
			switch (BPF_OP(f->code)) {
			case BPF_ADD: a += src; break;
			case BPF_SUB: a -= src; break;
			case BPF_MUL: a *= src; break;
			case BPF_DIV: a = src ? a / src : 0; break;
			case BPF_MOD: a = src ? a % src : 0; break;
			case BPF_AND: a &= src; break;
			case BPF_OR: a |= src; break;
			case BPF_XOR: a ^= src; break;
			case BPF_LSH: a = src < 32 ? a << src : 0; break;
			case BPF_RSH: a = src < 32 ? a >> src : 0; break;
			case BPF_NEG: a = -a; break;
			default: return SECCOMP_RET_KILL_PROCESS;
			}
			break;
		case BPF_JMP:
			switch (BPF_OP(f->code)) {
			case BPF_JA: pc += f->k; break;
			case BPF_JEQ: pc += a == src ? f->jt : f->jf; break;
			case BPF_JGT: pc += a > src ? f->jt : f->jf; break;
			case BPF_JGE: pc += a >= src ? f->jt : f->jf; break;
			case BPF_JSET: pc += (a & src) ? f->jt : f->jf; break;
			default: return SECCOMP_RET_KILL_PROCESS;
			}
			break;
		case BPF_RET:
			return BPF_RVAL(f->code) == BPF_A ? a : f->k;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			return SECCOMP_RET_KILL_PROCESS;
		}
	}
	return SECCOMP_RET_KILL_PROCESS;
}

static uint32_t run_stack(const struct sock_fprog *progs, size_t n, const uint32_t data[16], bool *args)
{
	uint32_t ret = run(&progs[n - 1], data, args);

	for (size_t i = n - 1; i-- > 0;)
		ret = stronger(ret, run(&progs[i], data, args));
	return ret;
}

/* Whether the merged program m and the stack agree on data. */
static bool same(const struct sock_fprog *progs, size_t n, const struct sock_fprog *m, const uint32_t data[16],
		 bool *args)
{
	return run(m, data, args) == run_stack(progs, n, data, args);
}

/* --- 1. what the programs compare with ----------------------------------- */

static void add_bound(struct walk *w, uint64_t v)
{
	if (v > UINT32_MAX)
		return;
	for (size_t i = 0; i < w->nbounds; i++)
		if (w->bounds[i] == v)
			return;
	if (w->nbounds == w->capbounds) {
		w->capbounds = w->capbounds ? 2 * w->capbounds : 64;
		w->bounds = nb_xrealloc(w->bounds, w->capbounds * sizeof *w->bounds);
	}
	w->bounds[w->nbounds++] = (uint32_t)v;
}

static void add_arch(struct walk *w, uint32_t a)
{
	for (size_t i = 0; i < w->narch; i++)
		if (w->arch[i] == a)
			return;
	if (w->narch == ARRAY_SIZE(w->arch))
		w->why = "too many architectures";
	else
		w->arch[w->narch++] = a;
}

/* Follows both ways of every test from pc with the accumulator of kind k;
 * seen[] marks (pc, kind) already followed. Only loads, constant ALU on
 * data words, tests against constants and constant returns are handled,
 * which is what libseccomp and seccomp-raw.c write. */
static void survey(struct walk *w, const struct sock_fprog *p, unsigned pc, enum kind k, uint8_t *seen)
{
	for (; pc < p->len && !w->why; pc++) {
		const struct sock_filter *f = &p->filter[pc];

		if (seen[pc] & (1u << k))
			return;
		seen[pc] |= (uint8_t)(1u << k);
		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (BPF_MODE(f->code) != BPF_ABS || BPF_SIZE(f->code) != BPF_W || f->k % 4 || f->k >= 64)
				return (void)(w->why = "a load other than a word of seccomp_data");
			k = f->k == OFF_NR ? K_NR : f->k == OFF_ARCH ? K_ARCH : K_DATA;
			break;
		case BPF_ALU:
			if (BPF_SRC(f->code) != BPF_K || k != K_DATA)
				return (void)(w->why = "arithmetic other than on an argument with a constant");
			break;
		case BPF_JMP:
			if (BPF_OP(f->code) == BPF_JA) {
				pc += f->k;
				break;
			}
			if (BPF_SRC(f->code) != BPF_K)
				return (void)(w->why = "a test against the X register");
			if (k == K_ARCH && BPF_OP(f->code) != BPF_JEQ)
				return (void)(w->why = "a test of the architecture other than equality");
			if (k == K_NR && BPF_OP(f->code) == BPF_JSET)
				return (void)(w->why = "a bit test of the system call number");
			if (k == K_NONE)
				return (void)(w->why = "a test before any load");
			if (k == K_ARCH)
				add_arch(w, f->k);
			if (k == K_NR) {
				add_bound(w, f->k);
				add_bound(w, (uint64_t)f->k + 1);
			}
			survey(w, p, pc + 1 + f->jt, k, seen);
			pc += f->jf;
			break;
		case BPF_RET:
			if (BPF_RVAL(f->code) != BPF_K)
				w->why = "a return of the accumulator";
			return;
		default:
			return (void)(w->why = "an instruction other than load, arithmetic, jump or return");
		}
	}
	if (pc >= p->len && !w->why)
		w->why = "a path that runs off the end";
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* --- 2. one architecture and one run of numbers --------------------------- */

static void push(struct code *c, struct sock_filter f)
{
	if (c->n >= MAX_OUT) {
		c->bad = true;
		return;
	}
	if (c->n % 64 == 0)
		c->v = nb_xrealloc(c->v, (c->n + 64) * sizeof *c->v);
	c->v[c->n++] = f;
}

static void append(struct code *c, struct code *tail)
{
	for (size_t i = 0; i < tail->n; i++)
		push(c, tail->v[i]);
	c->bad |= tail->bad;
	free(tail->v);
	*tail = (struct code){ 0 };
}

/* A test (code, k) that goes on with yes or no: yes first when it is short
 * enough for the test's 8-bit jump, else behind a long jump. Consumes both. */
static struct code branch(uint16_t code, uint32_t k, struct code *yes, struct code *no)
{
	struct code c = { 0 };

	if (yes->n <= 255) {
		push(&c, (struct sock_filter)BPF_JUMP(code, k, 0, (uint8_t)yes->n));
	} else {
		push(&c, (struct sock_filter)BPF_JUMP(code, k, 1, 0));
		push(&c, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)yes->n));
	}
	append(&c, yes);
	append(&c, no);
	return c;
}

static struct code ret(uint32_t v)
{
	struct code c = { 0 };

	push(&c, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, v));
	return c;
}

struct spec {
	const struct sock_fprog *progs;
	size_t n;
	uint32_t arch, nr;
};

static struct code program(const struct spec *s, size_t j, bool first, uint32_t acc);

/* Program j from pc on, the architecture and number known: tests of them
 * are decided here, loads and tests of arguments are written out. At a
 * return, the verdict so far goes on to the next older program. */
static struct code follow(const struct spec *s, size_t j, unsigned pc, bool first, uint32_t acc, enum kind k)
{
	const struct sock_fprog *p = &s->progs[j];
	struct code c = { 0 };

	for (; pc < p->len; pc++) {
		const struct sock_filter *f = &p->filter[pc];
		uint32_t a = k == K_NR ? s->nr : s->arch;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			k = f->k == OFF_NR ? K_NR : f->k == OFF_ARCH ? K_ARCH : K_DATA;
			if (k == K_DATA)
				push(&c, *f);
			break;
		case BPF_ALU:
			push(&c, *f);
			break;
		case BPF_JMP:
			if (BPF_OP(f->code) == BPF_JA) {
				pc += f->k;
			} else if (k != K_DATA) {
				bool yes = BPF_OP(f->code) == BPF_JEQ ? a == f->k : BPF_OP(f->code) == BPF_JGT ? a > f->k : a >= f->k;
				pc += yes ? f->jt : f->jf;
			} else {
				struct code y = follow(s, j, pc + 1 + f->jt, first, acc, k);
				struct code n = follow(s, j, pc + 1 + f->jf, first, acc, k);
				struct code b = branch(f->code, f->k, &y, &n);

				append(&c, &b);
				return c;
			}
			break;
		default: { /* BPF_RET | BPF_K, as survey() made sure */
			uint32_t v = first ? f->k : stronger(acc, f->k);
			struct code rest = j > 0 ? program(s, j - 1, false, v) : ret(v);

			append(&c, &rest);
			return c;
		}
		}
	}
	c.bad = true;
	return c;
}

static struct code program(const struct spec *s, size_t j, bool first, uint32_t acc)
{
	return follow(s, j, 0, first, acc, K_NONE);
}

/* Whether the code is a lone return, and of what. */
static bool constant(const struct code *c, uint32_t *v)
{
	if (c->n != 1 || BPF_CLASS(c->v[0].code) != BPF_RET)
		return false;
	*v = c->v[0].k;
	return true;
}

/* --- 3. the search on the number ------------------------------------------ */

struct run_of {
	uint32_t start;
	struct code c;
};

/* runs[lo..hi-1], each with its code: a binary search on the number. */
static struct code search(struct run_of *runs, size_t lo, size_t hi)
{
	size_t mid = lo + (hi - lo) / 2;
	struct code upper, lower;

	if (hi - lo == 1) {
		struct code c = runs[lo].c;
		runs[lo].c = (struct code){ 0 };
		return c;
	}
	upper = search(runs, mid, hi);
	lower = search(runs, lo, mid);
	return branch(BPF_JMP | BPF_JGE | BPF_K, runs[mid].start, &upper, &lower);
}

/* One architecture's part: load the number, then the search over the runs
 * (adjacent runs with the same constant verdict made one). */
static struct code arch_part(const struct walk *w, uint32_t arch)
{
	struct run_of *runs = nb_xmalloc(w->nbounds * sizeof *runs);
	struct code c = { 0 }, s;
	size_t n = 0;

	for (size_t i = 0; i < w->nbounds; i++) {
		struct spec sp = { w->progs, w->n, arch, w->bounds[i] };
		struct code one = program(&sp, w->n - 1, true, 0);
		uint32_t v, prev;

		if (n > 0 && constant(&one, &v) && constant(&runs[n - 1].c, &prev) && v == prev) {
			free(one.v);
			continue;
		}
		runs[n++] = (struct run_of){ w->bounds[i], one };
	}
	push(&c, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_NR));
	s = search(runs, 0, n);
	append(&c, &s);
	free(runs);
	return c;
}

/* The architectures in turn, then the rest under a value none names. */
static struct code dispatch(const struct walk *w, size_t i, uint32_t other)
{
	struct code yes, no;

	if (i == w->narch)
		return arch_part(w, other);
	yes = arch_part(w, w->arch[i]);
	no = dispatch(w, i + 1, other);
	return branch(BPF_JMP | BPF_JEQ | BPF_K, w->arch[i], &yes, &no);
}

/* --- 5. the check ----------------------------------------------------------- */

/* The values worth giving an argument word: every constant the programs
 * test or mask with, its neighbours and its complement, with 0 and ~0. */
static size_t arg_values(const struct sock_fprog *progs, size_t n, uint32_t *out, size_t cap)
{
	size_t k = 0;

	out[k++] = 0;
	out[k++] = UINT32_MAX;
	for (size_t j = 0; j < n; j++)
		for (unsigned pc = 0; pc < progs[j].len; pc++) {
			const struct sock_filter *f = &progs[j].filter[pc];
			bool test = BPF_CLASS(f->code) == BPF_JMP && BPF_OP(f->code) != BPF_JA;
			bool mask = BPF_CLASS(f->code) == BPF_ALU;

			if ((test || mask) && k + 4 <= cap) {
				out[k++] = f->k;
				out[k++] = f->k + 1;
				out[k++] = f->k - 1;
				out[k++] = ~f->k;
			}
		}
	return k;
}

/* A small generator for the sampled combinations: the same every build. */
static uint32_t next_random(uint64_t *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*state >> 33);
}

static bool check_call(const struct sock_fprog *progs, size_t n, const struct sock_fprog *m, uint32_t arch,
		       uint32_t nr, const uint32_t *vals, size_t nvals)
{
	uint32_t data[16] = { nr, arch };
	uint64_t rnd = ((uint64_t)arch << 32) | nr;
	bool args = false;

	if (!same(progs, n, m, data, &args))
		return false;
	if (!args)
		return true; /* neither looks further: one verdict for all */
	/* Each argument word alone through every value, then words mixed. */
	for (unsigned w = 2; w < 16; w++) {
		for (size_t i = 0; i < nvals; i++) {
			data[w] = vals[i];
			if (!same(progs, n, m, data, &args))
				return false;
		}
		data[w] = 0;
	}
	for (unsigned t = 0; t < 4096; t++) {
		for (unsigned w = 2; w < 16; w++)
			data[w] = vals[next_random(&rnd) % nvals];
		if (!same(progs, n, m, data, &args))
			return false;
	}
	return true;
}

static bool check(const struct walk *w, const struct sock_fprog *m)
{
	static uint32_t vals[MAX_VALUES];
	size_t nvals = arg_values(w->progs, w->n, vals, ARRAY_SIZE(vals));
	uint32_t arches[ARRAY_SIZE(w->arch) + 2];
	size_t na = 0;

	for (size_t i = 0; i < w->narch; i++)
		arches[na++] = w->arch[i];
	arches[na++] = 0;
	arches[na++] = UINT32_MAX;
	for (size_t a = 0; a < na; a++) {
		for (uint32_t nr = 0; nr < 1024; nr++)
			if (!check_call(w->progs, w->n, m, arches[a], nr, vals, nvals) ||
			    !check_call(w->progs, w->n, m, arches[a], nr | 0x40000000u, vals, nvals))
				return false;
		for (size_t b = 0; b < w->nbounds; b++)
			if (!check_call(w->progs, w->n, m, arches[a], w->bounds[b], vals, nvals) ||
			    !check_call(w->progs, w->n, m, arches[a], w->bounds[b] - 1, vals, nvals))
				return false;
	}
	return true;
}

int sc_merge(const struct sock_fprog *progs, size_t n, struct sock_fprog *out, const char **why)
{
	struct walk w = { .progs = progs, .n = n };
	struct code c;
	uint32_t other = 0;

	*why = NULL;
	if (n == 0)
		return *why = "no program", -1;
	add_bound(&w, 0);
	for (size_t j = 0; j < n && !w.why; j++) {
		uint8_t *seen = nb_xmalloc(progs[j].len);

		memset(seen, 0, progs[j].len);
		survey(&w, &progs[j], 0, K_NONE, seen);
		free(seen);
	}
	if (w.why) {
		free(w.bounds);
		return *why = w.why, -1;
	}
	qsort(w.bounds, w.nbounds, sizeof *w.bounds, cmp_u32);
	/* An architecture value that none of the programs names. */
	for (size_t i = 0; i < w.narch; i++)
		if (w.arch[i] == other) {
			other++;
			i = (size_t)-1;
		}
	c = dispatch(&w, 0, other);
	if (!c.bad) {
		struct code head = { 0 };

		push(&head, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_ARCH));
		append(&head, &c);
		c = head;
	}
	out->len = (unsigned short)c.n;
	out->filter = c.v;
	if (!c.bad)
		sc_shrink(out);
	if (c.bad)
		*why = "the merged program would be too long";
	else if (!check(&w, out))
		*why = "the merged program does not give the stack's verdicts";
	free(w.bounds);
	if (*why) {
		free(out->filter); /* c.v, or what sc_shrink() made of it */
		out->filter = NULL;
		return -1;
	}
	return 0;
}
