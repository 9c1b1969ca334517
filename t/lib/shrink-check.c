/* shrink-check: src/gen/seccomp-shrink.c against random programs (see
 * t/lib/seccomp-unit.sh). Each is a tree of tests on a few argument
 * words, some masked, with few constants, so that paths repeat tests and
 * share tails, and large enough for jumps beyond a test's reach. Every
 * shrunk program must give the original's verdict on every input tried.
 *   shrink-check ROUNDS  prints "ok SHRUNK-OF-ROUNDS FAR" or the first
 *   program and input that disagree. */
#include <linux/filter.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/gen/seccomp-shrink.h"
#include "../../src/util.h"

static uint64_t rng = 42;
static const uint32_t consts[] = { 0, 1, 2, 0x80, 0xffffffff, 7, 0xff, 0x81 };

static uint32_t rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng >> 33) % n;
}

struct prog {
	struct sock_filter v[BPF_MAXINSNS];
	unsigned n;
};

static void put(struct prog *p, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	p->v[p->n++] = (struct sock_filter){ code, jt, jf, k };
}

/* A subtree of depth d, written at the end of p; 0, or -1 when full. */
static int gen(struct prog *p, int d)
{
	static const uint16_t ops[] = { BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JSET };
	struct prog yes = { .n = 0 };
	unsigned at;

	if (p->n + 8 > BPF_MAXINSNS / 2)
		return -1;
	if (d == 0 || rnd(8) == 0) {
		put(p, BPF_RET | BPF_K, 0, 0, rnd(3) ? 0x7fff0000 : 0x50000 + rnd(3));
		return 0;
	}
	if (rnd(3))
		put(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, 16 + 4 * rnd(3));
	if (rnd(4) == 0)
		put(p, BPF_ALU | BPF_AND | BPF_K, 0, 0, rnd(2) ? 0x80 : 0xff);
	at = p->n;
	put(p, BPF_JMP | ops[rnd(4)] | BPF_K, 0, 0, consts[rnd(8)]);
	if (gen(&yes, d - 1) < 0)
		return -1;
	if (yes.n > 255) {
		p->v[at].jt = 1;
		put(p, BPF_JMP | BPF_JA, 0, 0, yes.n);
	} else {
		p->v[at].jf = (uint8_t)yes.n;
	}
	if (p->n + yes.n > BPF_MAXINSNS / 2)
		return -1;
	memcpy(&p->v[p->n], yes.v, yes.n * sizeof *yes.v);
	p->n += yes.n;
	return gen(p, d - 1);
}

static uint32_t run(const struct sock_filter *f, unsigned len, const uint32_t w[16])
{
	uint32_t a = 0;

	for (unsigned pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS: a = w[(i->k / 4) & 15]; break;
		case BPF_ALU | BPF_AND | BPF_K: a &= i->k; break;
		case BPF_JMP | BPF_JA: pc += i->k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += a >= i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += a > i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += (a & i->k) ? i->jt : i->jf; break;
		case BPF_RET | BPF_K: return i->k;
		default: return 0xdead;
		}
	}
	return 0xdead; /* off the end */
}

int main(int argc, char **argv)
{
	unsigned rounds = argc > 1 ? (unsigned)atoi(argv[1]) : 100, shrunk = 0, far = 0;
	static struct prog p;

	for (unsigned r = 0; r < rounds; r++) {
		struct sock_fprog f;

		p.n = 0;
		/* The first load: a test before any would read an unset word. */
		put(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, 16);
		if (gen(&p, 4 + (int)rnd(8)) < 0) {
			r--; /* too long: another */
			continue;
		}
		f.len = (unsigned short)p.n;
		f.filter = nb_xmalloc(p.n * sizeof *p.v);
		memcpy(f.filter, p.v, p.n * sizeof *p.v);
		sc_shrink(&f);
		shrunk += f.len < p.n;
		for (unsigned i = 0; i < f.len; i++)
			far += f.filter[i].code == (BPF_JMP | BPF_JA);
		for (unsigned t = 0; t < 20000; t++) {
			uint32_t w[16] = { 0 };

			for (int j = 4; j < 7; j++)
				w[j] = consts[rnd(8)] + (rnd(4) == 0 ? rnd(3) - 1 : 0);
			if (run(p.v, p.n, w) != run(f.filter, f.len, w)) {
				printf("round %u (%u instructions, shrunk to %u): words %x %x %x: %x, shrunk %x\n", r, p.n,
				       f.len, w[4], w[5], w[6], run(p.v, p.n, w), run(f.filter, f.len, w));
				return 1;
			}
		}
		free(f.filter);
	}
	printf("ok %u-of-%u %u\n", shrunk, rounds, far);
	return 0;
}
