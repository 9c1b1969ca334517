/* seccomp-shrink.c: see seccomp-shrink.h.
 *
 * The merged program is a tree: every verdict and every chain of argument
 * tests is written once per path that reaches it. Here it is walked path
 * by path into a graph of nodes, each made once for its instruction and
 * its successors (so identical tails are shared), with what the path
 * knows about the accumulator deciding what it can. The graph is then
 * laid out again, forward jumps only, with a long jump where a test's
 * 8-bit offset cannot reach. sc_merge() checks the result against the
 * stack it came from, as it does its own. */
#include "seccomp-shrink.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

#define NONE (-1)
#define MAX_FACTS 64
#define MAX_STEPS (1u << 20)

struct node {
	uint16_t code;
	uint32_t k;
	int succ[2]; /* the next, or where a test goes when true and false */
};

struct graph {
	struct node *v;
	size_t n, cap;
	int *table; /* open addressing over v, NONE where empty */
	size_t tsize;
	unsigned steps;
	bool bad;
};

/* What the accumulator holds: unknown, data word k masked, or c. */
enum akind { A_UNKNOWN, A_WORD, A_CONST };
struct acc {
	enum akind kind;
	uint32_t k, mask, c;
};

/* The outcome of a test this path took on data word k masked. */
struct fact {
	uint32_t k, mask, value;
	uint16_t op;
	bool yes;
};
struct facts {
	struct fact v[MAX_FACTS];
	size_t n;
};

/* --- nodes, each made once ------------------------------------------------ */

static size_t hash(uint16_t code, uint32_t k, int s0, int s1)
{
	uint64_t h = ((uint64_t)code << 48) ^ ((uint64_t)k << 16) ^ ((uint64_t)(uint32_t)s0 * 0x9e3779b97f4a7c15ULL) ^
		     ((uint64_t)(uint32_t)s1 * 0xc2b2ae3d27d4eb4fULL);

	return (size_t)(h ^ (h >> 29));
}

static void grow(struct graph *g)
{
	free(g->table);
	g->tsize = g->tsize ? 2 * g->tsize : 1024;
	g->table = nb_xmalloc(g->tsize * sizeof *g->table);
	for (size_t i = 0; i < g->tsize; i++)
		g->table[i] = NONE;
	for (size_t i = 0; i < g->n; i++) {
		const struct node *x = &g->v[i];
		size_t h = hash(x->code, x->k, x->succ[0], x->succ[1]) & (g->tsize - 1);

		while (g->table[h] != NONE)
			h = (h + 1) & (g->tsize - 1);
		g->table[h] = (int)i;
	}
}

static int mk(struct graph *g, uint16_t code, uint32_t k, int s0, int s1)
{
	size_t h;

	if (2 * (g->n + 1) > g->tsize)
		grow(g);
	h = hash(code, k, s0, s1) & (g->tsize - 1);
	for (; g->table[h] != NONE; h = (h + 1) & (g->tsize - 1)) {
		const struct node *x = &g->v[g->table[h]];

		if (x->code == code && x->k == k && x->succ[0] == s0 && x->succ[1] == s1)
			return g->table[h];
	}
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 256;
		g->v = nb_xrealloc(g->v, g->cap * sizeof *g->v);
	}
	g->v[g->n] = (struct node){ code, k, { s0, s1 } };
	g->table[h] = (int)g->n;
	return (int)g->n++;
}

static bool is_test(uint16_t code)
{
	return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA;
}

/* Whether the node overwrites the accumulator before reading it. */
static bool acc_dead_at(const struct graph *g, int id)
{
	uint16_t code;

	if (id == NONE)
		return false;
	code = g->v[id].code;
	return code == (BPF_LD | BPF_W | BPF_ABS) || code == (BPF_RET | BPF_K);
}

static int test_node(struct graph *g, uint16_t code, uint32_t k, int yes, int no)
{
	if (yes == NONE || no == NONE)
		return NONE;
	return yes == no ? yes : mk(g, code, k, yes, no);
}

/* A load or an AND before next: none where nothing reads its result;
 * an AND and a test of zero, or of its single bit, make one bit test. */
static int stmt_node(struct graph *g, uint16_t code, uint32_t k, int next)
{
	const struct node *t;

	if (next == NONE)
		return NONE;
	if (acc_dead_at(g, next))
		return next;
	t = &g->v[next];
	if (code == (BPF_ALU | BPF_AND | BPF_K) && t->code == (BPF_JMP | BPF_JEQ | BPF_K) && acc_dead_at(g, t->succ[0]) &&
	    acc_dead_at(g, t->succ[1])) {
		int yes = t->succ[0], no = t->succ[1];

		if (t->k == 0)
			return test_node(g, BPF_JMP | BPF_JSET | BPF_K, k, no, yes);
		if (t->k == k && k && !(k & (k - 1)))
			return test_node(g, BPF_JMP | BPF_JSET | BPF_K, k, yes, no);
	}
	return mk(g, code, k, next, NONE);
}

/* --- what a path knows ---------------------------------------------------- */

static int outcome(uint16_t op, uint32_t a, uint32_t k)
{
	switch (op) {
	case BPF_JEQ: return a == k;
	case BPF_JGT: return a > k;
	case BPF_JGE: return a >= k;
	case BPF_JSET: return (a & k) != 0;
	default: return -1;
	}
}

/* The test's outcome if the path decides it, else -1. */
static int decide(const struct acc *a, const struct facts *fs, const struct sock_filter *f)
{
	if (a->kind == A_CONST)
		return outcome(BPF_OP(f->code), a->c, f->k);
	if (a->kind != A_WORD)
		return -1;
	for (size_t i = fs->n; i-- > 0;) {
		const struct fact *x = &fs->v[i];

		if (x->k != a->k)
			continue;
		if (x->mask == a->mask && x->op == BPF_OP(f->code) && x->value == f->k)
			return x->yes;
		/* The word's bits under x's mask are known, ours among them. */
		if (x->op == BPF_JEQ && x->yes && !(a->mask & ~x->mask))
			return outcome(BPF_OP(f->code), x->value & a->mask, f->k);
	}
	return -1;
}

static struct facts *note(struct facts *fs, const struct acc *a, const struct sock_filter *f, bool yes)
{
	if (a->kind == A_WORD && fs->n < MAX_FACTS)
		fs->v[fs->n++] = (struct fact){ a->k, a->mask, f->k, BPF_OP(f->code), yes };
	return fs;
}

/* The accumulator after f, an ALU instruction with a constant. */
static struct acc alu(struct acc a, const struct sock_filter *f)
{
	uint32_t k = f->k;

	if (a.kind == A_WORD && BPF_OP(f->code) == BPF_AND)
		return (struct acc){ A_WORD, a.k, a.mask & k, 0 };
	if (a.kind != A_CONST)
		return (struct acc){ A_UNKNOWN, 0, 0, 0 };
	switch (BPF_OP(f->code)) {
	case BPF_ADD: a.c += k; break;
	case BPF_SUB: a.c -= k; break;
	case BPF_MUL: a.c *= k; break;
	case BPF_DIV: a.c = k ? a.c / k : 0; break;
	case BPF_MOD: a.c = k ? a.c % k : 0; break;
	case BPF_AND: a.c &= k; break;
	case BPF_OR: a.c |= k; break;
	case BPF_XOR: a.c ^= k; break;
	case BPF_LSH: a.c = k < 32 ? a.c << k : 0; break;
	case BPF_RSH: a.c = k < 32 ? a.c >> k : 0; break;
	case BPF_NEG: a.c = -a.c; break;
	default: return (struct acc){ A_UNKNOWN, 0, 0, 0 };
	}
	return a;
}

static bool same_acc(const struct acc *x, const struct acc *y)
{
	return x->kind == y->kind && x->kind != A_UNKNOWN && x->k == y->k && x->mask == y->mask && x->c == y->c;
}

/* --- the walk --------------------------------------------------------------- */

/* Program p from pc on, the accumulator a, the facts fs: its node. */
static int walk(struct graph *g, const struct sock_fprog *p, unsigned pc, struct acc a, struct facts *fs)
{
	for (; pc < p->len && !g->bad; g->steps++) {
		const struct sock_filter *f = &p->filter[pc];
		struct acc b = a;
		size_t n0 = fs->n;
		int d, yes, no;

		if (g->steps > MAX_STEPS)
			break;
		switch (BPF_CLASS(f->code)) {
		case BPF_RET:
			if (BPF_RVAL(f->code) != BPF_K)
				break;
			return mk(g, f->code, f->k, NONE, NONE);
		case BPF_LD:
			if (f->code != (BPF_LD | BPF_W | BPF_ABS))
				break;
			b = (struct acc){ A_WORD, f->k, UINT32_MAX, 0 };
			if (same_acc(&a, &b)) {
				pc++;
				continue;
			}
			return stmt_node(g, f->code, f->k, walk(g, p, pc + 1, b, fs));
		case BPF_ALU:
			if (BPF_SRC(f->code) != BPF_K)
				break;
			b = alu(a, f);
			if (same_acc(&a, &b)) {
				pc++;
				continue;
			}
			return stmt_node(g, f->code, f->k, walk(g, p, pc + 1, b, fs));
		case BPF_JMP:
			if (BPF_OP(f->code) == BPF_JA) {
				pc += 1 + f->k;
				continue;
			}
			if (BPF_SRC(f->code) != BPF_K)
				break;
			d = decide(&a, fs, f);
			if (d >= 0) {
				pc += 1 + (d ? f->jt : f->jf);
				continue;
			}
			yes = walk(g, p, pc + 1 + f->jt, a, note(fs, &a, f, true));
			fs->n = n0;
			no = walk(g, p, pc + 1 + f->jf, a, note(fs, &a, f, false));
			fs->n = n0;
			return test_node(g, f->code, f->k, yes, no);
		default:
			break;
		}
		break; /* something this does not handle */
	}
	g->bad = true;
	return NONE;
}

/* --- the layout ------------------------------------------------------------- */

struct layout {
	int *order;   /* nodes, each before its successors */
	int *index;   /* node -> place in order */
	size_t *pos;  /* place in order -> first instruction */
	uint8_t *far; /* place -> 1: long jump for true, 2: for false, 4: jump on */
	size_t n;
};

static void postorder(const struct graph *g, int id, bool *seen, struct layout *l)
{
	if (id == NONE || seen[id])
		return;
	seen[id] = true;
	postorder(g, g->v[id].succ[1], seen, l);
	postorder(g, g->v[id].succ[0], seen, l);
	l->order[l->n++] = id;
}

static size_t size_of(uint8_t far)
{
	return 1u + !!(far & 1) + !!(far & 2) + !!(far & 4);
}

/* Places every node; where a test cannot reach, a long jump goes behind
 * it, which moves what follows: until nothing changes. 0, or -1 if too
 * long for the kernel. */
static int place(const struct graph *g, struct layout *l)
{
	bool changed = true;

	for (size_t i = 0; i < l->n; i++) {
		const struct node *x = &g->v[l->order[i]];
		bool straight = !is_test(x->code) && BPF_CLASS(x->code) != BPF_RET;

		l->far[i] = straight && (i + 1 == l->n || l->order[i + 1] != x->succ[0]) ? 4 : 0;
	}
	while (changed) {
		changed = false;
		l->pos[0] = 0;
		for (size_t i = 1; i <= l->n; i++)
			l->pos[i] = l->pos[i - 1] + size_of(l->far[i - 1]);
		if (l->pos[l->n] > BPF_MAXINSNS)
			return -1;
		for (size_t i = 0; i < l->n; i++) {
			const struct node *x = &g->v[l->order[i]];

			for (int s = 0; s < 2 && is_test(x->code); s++)
				if (!(l->far[i] & (1 << s)) && l->pos[l->index[x->succ[s]]] - l->pos[i] - 1 > 255) {
					l->far[i] |= (uint8_t)(1 << s);
					changed = true;
				}
		}
	}
	return 0;
}

static struct sock_filter jump_to(size_t from, size_t to)
{
	return (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)(to - from - 1));
}

static void emit(const struct graph *g, const struct layout *l, struct sock_filter *out)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct node *x = &g->v[l->order[i]];
		size_t at = l->pos[i], q = at + 1;
		uint8_t jt = 0, jf = 0;

		if (!is_test(x->code)) {
			out[at] = (struct sock_filter)BPF_STMT(x->code, x->k);
			if (l->far[i] & 4)
				out[q] = jump_to(q, l->pos[l->index[x->succ[0]]]);
			continue;
		}
		for (int s = 0; s < 2; s++) {
			size_t to = l->pos[l->index[x->succ[s]]];
			uint8_t off = (uint8_t)(to - at - 1);

			if (l->far[i] & (1 << s)) {
				off = (uint8_t)(q - at - 1);
				out[q] = jump_to(q, to);
				q++;
			}
			*(s ? &jf : &jt) = off;
		}
		out[at] = (struct sock_filter)BPF_JUMP(x->code, x->k, jt, jf);
	}
}

void sc_shrink(struct sock_fprog *p)
{
	struct graph g = { 0 };
	struct facts fs = { .n = 0 };
	struct layout l = { 0 };
	bool *seen;
	int root = walk(&g, p, 0, (struct acc){ A_UNKNOWN, 0, 0, 0 }, &fs);

	if (!g.bad && root != NONE) {
		seen = nb_xmalloc(g.n * sizeof *seen);
		memset(seen, 0, g.n * sizeof *seen);
		l.order = nb_xmalloc(g.n * sizeof *l.order);
		l.index = nb_xmalloc(g.n * sizeof *l.index);
		l.pos = nb_xmalloc((g.n + 1) * sizeof *l.pos);
		l.far = nb_xmalloc(g.n);
		postorder(&g, root, seen, &l);
		for (size_t i = 0; i < l.n / 2; i++) {
			int t = l.order[i];
			l.order[i] = l.order[l.n - 1 - i];
			l.order[l.n - 1 - i] = t;
		}
		for (size_t i = 0; i < l.n; i++)
			l.index[l.order[i]] = (int)i;
		if (place(&g, &l) == 0 && l.pos[l.n] < p->len) {
			struct sock_filter *out = nb_xmalloc(l.pos[l.n] * sizeof *out);

			emit(&g, &l, out);
			free(p->filter);
			p->filter = out;
			p->len = (unsigned short)l.pos[l.n];
		}
		free(seen);
	}
	free(l.order), free(l.index), free(l.pos), free(l.far);
	free(g.v), free(g.table);
}
