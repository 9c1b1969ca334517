/* seccomp-shrink.h: a build-time tool's part (src/gen/seccomp-bpf.c).
 * Makes the merged seccomp program smaller without changing a verdict:
 * the kernel's JIT compile at every sandbox's start, and every checked
 * system call's walk, cost by the instruction. */
#ifndef NB_SECCOMP_SHRINK_H
#define NB_SECCOMP_SHRINK_H

#include <linux/filter.h>

/* Rewrites *p (malloc'd instructions, replaced when a shorter program was
 * found) for the same result on every input:
 *   - tests decided by what the path already knows (an argument word
 *     tested before, a constant) are followed, not written;
 *   - a load of the word the accumulator holds, an AND that changes
 *     nothing, and a load or AND whose result nothing reads are dropped;
 *   - an AND followed by a test of zero (or of its single bit) becomes a
 *     bit test;
 *   - identical tails, returns first, are written once.
 * It handles word loads of seccomp_data, ALU and jumps with constants and
 * constant returns (what seccomp-merge.c writes); with anything else, or
 * a program it could not make shorter, *p is left as it was. */
void sc_shrink(struct sock_fprog *p);

#endif
