/* util.h: cleanup attributes, small file helpers and number parsing.
 * Owns nothing that knows about sandboxes; every helper reports through
 * struct nb_err and never prints. */
#ifndef NB_UTIL_H
#define NB_UTIL_H

#include <dirent.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "err.h"

#define _cleanup_(f) __attribute__((cleanup(f)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Resets *fd, so a second call (a cleanup after an early close) is a no-op
 * instead of closing whatever reused the number. */
static inline void nb_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}
static inline void nb_freep(void *p)
{
	free(*(void **)p);
}
static inline void nb_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
	*f = NULL;
}
static inline void nb_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
	*d = NULL;
}
void nb_strv_free(char **v);
static inline void nb_strv_freep(char ***v)
{
	nb_strv_free(*v);
	*v = NULL;
}

#define _cleanup_close_ _cleanup_(nb_closep)
#define _cleanup_strv_ _cleanup_(nb_strv_freep)
#define _cleanup_free_ _cleanup_(nb_freep)
#define _cleanup_fclose_ _cleanup_(nb_fclosep)
#define _cleanup_closedir_ _cleanup_(nb_closedirp)

/* Moves ownership out of a cleanup-scoped variable. */
static inline int nb_steal_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}
static inline void *nb_steal_ptr(void *pp)
{
	void **p = pp, *r = *p;
	*p = NULL;
	return r;
}
/* Typed: assigning the result to a pointer of another type is an error. */
#define nb_steal(pp) ((__typeof__(*(pp)))nb_steal_ptr(pp))

/* Allocation failure is not recoverable in a small CLI: abort loudly. */
void *nb_xmalloc(size_t n);
void *nb_xrealloc(void *p, size_t n);
char *nb_xstrdup(const char *s);
char *nb_xstrndup(const char *s, size_t n);
void *nb_xmemdup(const void *p, size_t n);
char *nb_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A NULL-terminated array of malloc'd strings: push takes ownership of s. */
void nb_strv_push(char ***v, size_t *n, char *s);

/* Reads the whole of fd, which must be a regular file of at most cap
 * bytes, into *out (malloc'd, NUL-terminated; *len without the NUL).
 * `what` names it in messages. Never blocks on a FIFO or reads a device:
 * those are refused by their type first. */
int nb_read_fd_regular(int fd, const char *what, size_t cap, char **out, size_t *len, struct nb_err *err);
/* The same for a path the user gave: opened without blocking (a FIFO's
 * open would wait for a writer) and without taking a terminal. */
int nb_read_file_regular(const char *path, size_t cap, char **out, size_t *len, struct nb_err *err);
/* "a FIFO", "a directory", ...: what a file type is, for messages. */
const char *nb_file_type(unsigned mode);

/* Reads at most len-1 bytes of a small file (e.g. /proc) and NUL-terminates. */
int nb_read_small(const char *path, char *buf, size_t len, struct nb_err *err);
/* Seconds on the monotonic clock, for durations. */
double nb_seconds(void);
/* Writes the whole string to an existing file, such as /proc/PID/uid_map. */
int nb_write_file(const char *path, const char *data, struct nb_err *err);
/* The same for name under the directory dfd; dir, when not NULL, is that
 * directory's path, for messages. */
int nb_write_at(int dfd, const char *dir, const char *name, const char *data, struct nb_err *err);
/* dir/name, written whole under a temporary name and renamed (0600). */
int nb_write_atomic(const char *dir, const char *name, const void *data, size_t len, struct nb_err *err);
/* A pid file (runc's --pid-file), written the same way. */
int nb_write_pid_file(const char *path, int pid, struct nb_err *err);
/* write() until done, retrying on EINTR; returns -1 with errno set. */
int nb_write_all(int fd, const void *buf, size_t len);
/* read() until len bytes or EOF, retrying on EINTR; returns bytes read. */
ssize_t nb_read_all(int fd, void *buf, size_t len);

/* Strict decimal parse of the whole string into [0, max]: digits only, no
 * sign, no space, no overflow. */
int nb_parse_u32(const char *s, uint32_t max, uint32_t *out);
int nb_parse_u64(const char *s, size_t len, uint64_t *out);
/* A size in bytes: digits, then an optional unit K, M, G or T (powers of
 * 1024, any case, with an optional B or iB: 4G, 4GB and 4GiB agree). */
int nb_parse_size(const char *s, uint64_t *out);

/* The search path when PATH is unset or empty, for nestbox's helpers and
 * for the payload alike (Docker's default). */
#define NB_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The files a shell would try for NAME under PATH (NULL or "" for the
 * default), in order, as a NULL-terminated malloc'd array: NAME alone if it
 * has a '/'. An empty PATH entry is the current directory. */
char **nb_path_candidates(const char *path, const char *name);
/* Searches the caller's PATH for an executable; NULL if absent. */
char *nb_find_in_path(const char *name);

/* Sends fd with len bytes of data over a unix socket (the data names it:
 * runc's console socket takes the file's name). */
int nb_send_fd(int sock, int fd, const void *data, size_t len);
/* Receives one message of at most len bytes with at most one descriptor
 * (*fd, close-on-exec, or -1). Returns the message's length, or -1. */
ssize_t nb_recv_fd(int sock, void *buf, size_t len, int *fd);
/* The same with up to NB_MAX_FDS descriptors in one message; the
 * receiver's unfilled slots are -1. */
#define NB_MAX_FDS 4
int nb_send_fds(int sock, const int *fds, size_t n, const void *data, size_t len);
ssize_t nb_recv_fds(int sock, void *buf, size_t len, int *fds, size_t n);

/* Closes every descriptor but the n in keep (-1 entries are ignored). */
void nb_close_all_but(const int *keep, size_t n);

/* Runs fn(arg) in a child that borrows our memory, on a stack of its own
 * with a guard page, until it execs or exits (CLONE_VM|CLONE_VFORK, as
 * posix_spawn does); we are suspended meanwhile, so nothing touches the
 * memory twice at once. exit_signal 0 sends no SIGCHLD: reap with __WALL.
 * Returns the child's pid, or -1 with errno. */
pid_t nb_clone_vfork(int (*fn)(void *), void *arg, size_t stack_size, int exit_signal);

/* make check-asan's build. AddressSanitizer keeps per-thread state that a
 * CLONE_VM child on a stack of its own would share and confuse, so there
 * such children are copies (nb_clone_copy) or vfork()ed: slower, same
 * result. */
#if defined(__SANITIZE_ADDRESS__)
#define NB_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NB_SANITIZED 1
#endif
#endif
#ifndef NB_SANITIZED
#define NB_SANITIZED 0
#endif
/* fn(arg) in a fork-like child that exits with its result; exit_signal
 * as for nb_clone_vfork. */
pid_t nb_clone_copy(int (*fn)(void *), void *arg, int exit_signal);

/* Whether the run that named something after pid is gone (not us, and no
 * such process): its leftovers may be removed. */
bool nb_pid_gone(long pid);

/* nestbox's own files, found from where the binary is, so that an
 * install under any PREFIX (or DESTDIR, moved) and the build tree work:
 * BIN/../REL_INSTALLED (an install), else BIN/REL_BUILD (the build
 * tree), else FALLBACK (the compiled-in path); malloc'd. */
char *nb_own_file(const char *rel_installed, const char *rel_build, const char *fallback);

/* For "did you mean": the one candidate that word is the start of, else
 * the candidate closest to word when it is close enough to be a typo (an
 * edit distance of 1, or 2 for words over 6 letters, a swap of two
 * letters counting as one); else NULL. names ends with NULL. */
const char *nb_suggest(const char *word, const char *const *names);

/* Moves pid (0: us) off cpu where another CPU is allowed, keeping its old
 * mask in *old; false if it stays. A new or woken process often runs on
 * its parent's or waker's CPU (some kernels pack tasks onto as few CPUs
 * as they can): two that could run side by side then queue on one. */
bool nb_cpu_avoid(pid_t pid, int cpu, cpu_set_t *old);
/* Whether another CPU is likely free for work beside ours: our mask has
 * two CPUs or more, and the machine has at most one runnable task more
 * (/proc/loadavg). A guess at one moment, to choose between doing work
 * beside us or in turn, never what to do; true if the count is unknown. */
bool nb_cpu_spare(void);
/* Gives pid (0: us) back the mask nb_cpu_avoid kept, if *moved; clears
 * *moved. */
void nb_cpu_restore(bool *moved, pid_t pid, const cpu_set_t *old);
/* /proc/PID/stat read into buf, from its third field (the state) on,
 * past the name; NULL if it cannot be read. */
const char *nb_proc_stat(pid_t pid, char *buf, size_t len);
/* The CPU pid last ran on (/proc/PID/stat), or -1. */
int nb_cpu_of(pid_t pid);
/* The CPU we run on, or -1, asked of the kernel. Not sched_getcpu(): glibc
 * reads it from the thread's rseq area, which the kernel stops updating in
 * a process made with CLONE_VM (the keeper's side) and in its copies (the
 * child), where it then names the supervisor's CPU of that moment. */
int nb_cpu_now(void);

#endif
