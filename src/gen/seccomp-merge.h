/* seccomp-merge.h: a build-time tool's part (src/gen/seccomp-bpf.c).
 * Turns a stack of seccomp programs into one program with the same verdict
 * for every system call the stack can see: each program the kernel loads
 * costs a JIT compile and a free, which is most of the filter's share of a
 * sandbox's start. */
#ifndef NB_SECCOMP_MERGE_H
#define NB_SECCOMP_MERGE_H

#include <linux/filter.h>
#include <stddef.h>

/* The stack progs[0..n-1], oldest first, as the kernel would run it, merged
 * into *out (malloc'd instructions): per architecture a binary search on
 * the system call number, and for a call whose verdict depends on its
 * arguments, each program's tests of them in turn. The result is checked
 * against the stack by evaluation (every architecture the programs name
 * and one they do not, every call number up to 1024 and every boundary
 * they test, the argument values they compare with). 0, or -1 with why
 * (a construct it does not handle, or a check that failed). */
int sc_merge(const struct sock_fprog *progs, size_t n, struct sock_fprog *out, const char **why);

#endif
