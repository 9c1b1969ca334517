/* seccomp-driver: runs a command under a nestbox seccomp policy without the
 * rest of nestbox, so that src/seccomp.c can be tested alone (see
 * t/lib/seccomp-unit.sh).
 *   seccomp-driver [--policy P] [--log] [--allow-userns] [--dump] [--check]
 *                  [--no-nnp] -- CMD...
 *   seccomp-driver [--policy P] ... [--init] --sim ARCH NR [ARG...]
 * --check stops after nb_seccomp_prepare (for valgrind); --dump writes the
 * compiled filters to stdout instead of running CMD; --no-nnp leaves
 * no_new_privs unset, to see load() refuse. --sim runs the compiled stack
 * on one system call of architecture ARCH (x86_64, x86, ...) in a BPF
 * interpreter, combining the filters' answers as the kernel does, and
 * prints the action: a way to check an ABI the machine cannot enter.
 * With --init it runs the filter of nestbox's own init instead. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "../../src/seccomp-int.h"
#include "../../src/util.h"

/* Classic BPF as seccomp uses it; anything else is a test failure. */
static uint32_t run_bpf(const struct sock_fprog *p, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, m[BPF_MEMWORDS] = { 0 };

	for (unsigned pc = 0; pc < p->len; pc++) {
		const struct sock_filter *i = &p->filter[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k % 4 || i->k + 4 > sizeof *d)
				goto bad;
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_LD | BPF_IMM: a = i->k; break;
		case BPF_LDX | BPF_IMM: x = i->k; break;
		case BPF_LD | BPF_MEM: a = m[i->k % BPF_MEMWORDS]; break;
		case BPF_LDX | BPF_MEM: x = m[i->k % BPF_MEMWORDS]; break;
		case BPF_ST: m[i->k % BPF_MEMWORDS] = a; break;
		case BPF_STX: m[i->k % BPF_MEMWORDS] = x; break;
		case BPF_ALU | BPF_AND | BPF_K: a &= i->k; break;
		case BPF_ALU | BPF_OR | BPF_K: a |= i->k; break;
		case BPF_MISC | BPF_TAX: x = a; break;
		case BPF_MISC | BPF_TXA: a = x; break;
		case BPF_JMP | BPF_JA: pc += i->k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += a > i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += a >= i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += (a & i->k) ? i->jt : i->jf; break;
		case BPF_RET | BPF_K: return i->k;
		case BPF_RET | BPF_A: return a;
		default:
			goto bad;
		}
	}
bad:
	fprintf(stderr, "seccomp-driver: the filter has an instruction the simulator does not know, or runs off its end\n");
	exit(3);
}

static int simulate(const struct sock_fprog *progs, size_t n, int argc, char **argv)
{
	struct seccomp_data d = { 0 };
	uint32_t ret = SECCOMP_RET_ALLOW;

	if (argc < 2)
		return 2;
	d.arch = seccomp_arch_resolve_name(argv[0]);
	d.nr = (int)strtol(argv[1], NULL, 0);
	for (int k = 2; k < argc && k < 8; k++)
		d.args[k - 2] = strtoull(argv[k], NULL, 0);
	/* As the kernel: newest filter first, the strongest action wins, and
	 * of two equally strong ones the newer. */
	for (size_t i = n; i-- > 0;) {
		uint32_t cur = run_bpf(&progs[i], &d);
		if ((int32_t)(cur & SECCOMP_RET_ACTION_FULL) < (int32_t)(ret & SECCOMP_RET_ACTION_FULL))
			ret = cur;
	}
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW: puts("allow"); break;
	case SECCOMP_RET_LOG: puts("log"); break;
	case SECCOMP_RET_TRAP: puts("trap"); break;
	case SECCOMP_RET_ERRNO: {
		const char *e = strerrorname_np((int)(ret & SECCOMP_RET_DATA));
		printf("errno %s\n", e ? e : "?");
		break;
	}
	default: puts("kill"); break;
	}
	return 0;
}

static int fail(const struct nb_err *err)
{
	char buf[2400];

	nb_err_format(err, buf, sizeof buf);
	fprintf(stderr, "seccomp-driver: %s\n", buf);
	return err->status ? err->status : 1;
}

/* The filters in libseccomp's readable pseudo code (or, for those nestbox
 * wrote by hand, instruction by instruction). The policy is compiled anew,
 * the built-in one too, since only a fresh compile keeps libseccomp's
 * contexts. */
static int dump(const struct nb_seccomp_opts *o, struct nb_err *err)
{
	_cleanup_(sc_policy_freep) struct policy *p = NULL;
	_cleanup_(nb_seccomp_freep) struct nb_seccomp *f = NULL;

	if (o->policy && strcmp(o->policy, "unconfined") == 0) {
		puts("# seccomp: unconfined");
		return 0;
	}
	p = nb_xmalloc(sizeof *p);
	memset(p, 0, sizeof *p);
	f = nb_xmalloc(sizeof *f);
	memset(f, 0, sizeof *f);
	TRY(sc_policy_load(p, o, err));
	TRY(sc_compile(p, f, err));
	fflush(stdout);
	for (size_t i = 0; i < f->n; i++) {
		printf("# seccomp filter %zu of %zu (%s), %u instructions\n", i + 1, f->n, f->what[i], f->prog[i].len);
		fflush(stdout);
		if (f->ctx[i]) {
			int rc = seccomp_export_pfc(f->ctx[i], 1);
			if (rc < 0)
				return nb_fail(err, -rc, "cannot write the seccomp filters");
			continue;
		}
		for (unsigned k = 0; k < f->prog[i].len; k++) {
			const struct sock_filter *x = &f->prog[i].filter[k];
			printf("  %3u: code 0x%02x jt %u jf %u k 0x%08x\n", k, x->code, x->jt, x->jf, x->k);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct nb_seccomp_opts o = { 0 };
	struct nb_seccomp *f = NULL;
	struct nb_err err = { 0 };
	int i = 1, check = 0, dumping = 0, nnp = 1, sim = 0, init = 0;

	for (; i < argc && strcmp(argv[i], "--") != 0 && !sim; i++) {
		if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc)
			o.policy = argv[++i];
		else if (strcmp(argv[i], "--log") == 0)
			o.log = true;
		else if (strcmp(argv[i], "--allow-userns") == 0)
			o.allow_userns = true;
		else if (strcmp(argv[i], "--check") == 0)
			check = 1;
		else if (strcmp(argv[i], "--dump") == 0)
			dumping = 1;
		else if (strcmp(argv[i], "--no-nnp") == 0)
			nnp = 0;
		else if (strcmp(argv[i], "--init") == 0)
			init = 1;
		else if (strcmp(argv[i], "--sim") == 0)
			sim = i + 1;
		else {
			fprintf(stderr, "usage: seccomp-driver [--policy P] [--log] [--allow-userns] [--dump] [--check] [--no-nnp] [--init --sim ARCH NR ARG...] -- CMD...\n");
			return 2;
		}
	}
	if (dumping)
		return dump(&o, &err) < 0 ? fail(&err) : 0;
	if (nb_seccomp_prepare(&o, &f, &err) < 0)
		return fail(&err);
	if (sim) {
		int rc = init ? simulate(sc_init_program(), 1, argc - sim, argv + sim)
			      : simulate(f->prog, f->n, argc - sim, argv + sim);
		nb_seccomp_free(f);
		return rc;
	}
	if (check) {
		nb_seccomp_free(f);
		return 0;
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "seccomp-driver: no command\n");
		return 2;
	}
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("seccomp-driver: no_new_privs");
		return 125;
	}
	if (nb_seccomp_load(f, &err) < 0)
		return fail(&err);
	execvp(argv[i + 1], argv + i + 1);
	perror(argv[i + 1]);
	return 127;
}
