/* util.c: see util.h. */
#include "util.h"

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

static void oom(void)
{
	static const char msg[] = "nestbox: out of memory\n";
	ssize_t r = write(2, msg, sizeof msg - 1);
	(void)r;
	_exit(NB_EXIT_FAIL);
}

void *nb_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *nb_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *nb_xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom();
	return p;
}

void *nb_xmemdup(const void *p, size_t n)
{
	void *r = nb_xmalloc(n ? n : 1);

	memcpy(r, p, n);
	return r;
}

char *nb_xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		oom();
	return p;
}

char *nb_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom();
	return p;
}

int nb_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

ssize_t nb_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, p + got, len - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

void nb_strv_push(char ***v, size_t *n, char *s)
{
	*v = nb_xrealloc(*v, (*n + 2) * sizeof **v);
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

void nb_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

const char *nb_file_type(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFLNK:
		return "a symbolic link";
	case S_IFIFO:
		return "a FIFO";
	case S_IFSOCK:
		return "a socket";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	default:
		return "not a regular file";
	}
}

int nb_read_fd_regular(int fd, const char *what, size_t cap, char **out, size_t *len, struct nb_err *err)
{
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) < 0)
		return nb_fail(err, errno, "cannot read %s", what);
	if (!S_ISREG(st.st_mode))
		return nb_fail(err, 0, "%s is %s, not a regular file", what, nb_file_type(st.st_mode));
	if ((unsigned long long)st.st_size > cap)
		return nb_fail(err, 0, "%s is larger than %zu bytes", what, cap);
	/* One byte more than its size tells a file that grows meanwhile. */
	buf = nb_xmalloc((size_t)st.st_size + 2);
	n = nb_read_all(fd, buf, (size_t)st.st_size + 1);
	if (n < 0)
		return nb_fail(err, errno, "cannot read %s", what);
	if (n > st.st_size)
		return nb_fail(err, EAGAIN, "%s grew while nestbox read it", what);
	buf[n] = '\0';
	*len = (size_t)n;
	*out = nb_steal(&buf);
	return 0;
}

int nb_read_file_regular(const char *path, size_t cap, char **out, size_t *len, struct nb_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return nb_fail(err, errno, "cannot open %s", path);
	return nb_read_fd_regular(fd, path, cap, out, len, err);
}

int nb_read_small(const char *path, char *buf, size_t len, struct nb_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return nb_fail(err, errno, "cannot open %s", path);
	n = nb_read_all(fd, buf, len - 1);
	if (n < 0)
		return nb_fail(err, errno, "cannot read %s", path);
	buf[n] = '\0';
	return 0;
}

int nb_write_at(int dfd, const char *dir, const char *name, const char *data, struct nb_err *err)
{
	_cleanup_close_ int fd = openat(dfd, name, O_WRONLY | O_CLOEXEC);
	const char *sep = dir ? "/" : "";
	size_t n = strlen(data);

	if (!dir)
		dir = "";
	if (fd < 0)
		return nb_fail(err, errno, "cannot open %s%s%s", dir, sep, name);
	/* /proc map files take one write(); a short write means a refusal. */
	if (write(fd, data, n) != (ssize_t)n)
		return nb_fail(err, errno, "cannot write %s%s%s", dir, sep, name);
	return 0;
}

int nb_write_file(const char *path, const char *data, struct nb_err *err)
{
	return nb_write_at(AT_FDCWD, NULL, path, data, err);
}

int nb_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int nb_parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int nb_parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "kmgt";
	size_t digits = strspn(s, "0123456789");
	const char *u = s + digits, *at;
	unsigned shift = 0;
	uint64_t v;

	if (nb_parse_u64(s, digits, &v) < 0)
		return -1;
	if (*u && (at = strchr(units, u[0] | 0x20)) && u[0] != '\0') {
		shift = 10 * (unsigned)(at - units + 1);
		u++;
	}
	/* What may follow the unit: nothing, B, or iB (with a unit). */
	if (!(*u == '\0' || strcasecmp(u, "b") == 0 || (shift && strcasecmp(u, "ib") == 0)))
		return -1;
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

char **nb_path_candidates(const char *path, const char *name)
{
	_cleanup_free_ char *copy = NULL;
	char **v = nb_xmalloc(2 * sizeof *v);
	size_t n = 0;

	if (strchr(name, '/')) {
		v[0] = nb_xstrdup(name);
		v[1] = NULL;
		return v;
	}
	copy = nb_xstrdup(path && *path ? path : NB_DEFAULT_PATH);
	/* strsep, not strtok: an empty entry means "." and must stay. */
	for (char *rest = copy, *dir; (dir = strsep(&rest, ":"));) {
		v = nb_xrealloc(v, (n + 2) * sizeof *v);
		v[n++] = nb_xasprintf("%s/%s", *dir ? dir : ".", name);
	}
	v[n] = NULL;
	return v;
}

char *nb_find_in_path(const char *name)
{
	char **cand = nb_path_candidates(getenv("PATH"), name);
	char *found = NULL;

	for (size_t i = 0; cand[i]; i++) {
		if (!found && access(cand[i], X_OK) == 0)
			found = cand[i];
		else
			free(cand[i]);
	}
	free(cand);
	return found;
}

void nb_close_all_but(const int *keep, size_t n)
{
	unsigned from = 0;

	/* Ascending, so that each gap is one close_range(). */
	for (;;) {
		long next = -1;

		for (size_t i = 0; i < n; i++)
			if (keep[i] >= (int)from && (next < 0 || keep[i] < next))
				next = keep[i];
		if (next < 0)
			break;
		if ((unsigned)next > from)
			close_range(from, (unsigned)next - 1, 0);
		from = (unsigned)next + 1;
	}
	close_range(from, ~0U, 0);
}

bool nb_pid_gone(long pid)
{
	return pid > 0 && pid <= INT_MAX && pid != getpid() && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

int nb_send_fds(int sock, const int *fds, size_t n, const void *data, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int) * NB_MAX_FDS)] = { 0 };
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	if (n == 0 || n > NB_MAX_FDS)
		return errno = EINVAL, -1;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

int nb_send_fd(int sock, int fd, const void *data, size_t len)
{
	return nb_send_fds(sock, &fd, 1, data, len);
}

ssize_t nb_recv_fds(int sock, void *buf, size_t len, int *fds, size_t n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * NB_MAX_FDS)] = { 0 };
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = CMSG_SPACE(sizeof(int) * (n < NB_MAX_FDS ? n : NB_MAX_FDS)) };
	struct cmsghdr *c;
	size_t got;
	ssize_t r;

	for (size_t i = 0; i < n; i++)
		fds[i] = -1;
	do
		r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	c = r < 0 ? NULL : CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(0))
		return r;
	got = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	memcpy(fds, CMSG_DATA(c), sizeof(int) * (got < n ? got : n));
	return r;
}

ssize_t nb_recv_fd(int sock, void *buf, size_t len, int *fd)
{
	return nb_recv_fds(sock, buf, len, fd, 1);
}

pid_t nb_clone_copy(int (*fn)(void *), void *arg, int exit_signal)
{
	pid_t pid = (pid_t)syscall(SYS_clone, (unsigned long)exit_signal, NULL, NULL, NULL, NULL);

	if (pid == 0)
		_exit(fn(arg));
	return pid;
}

pid_t nb_clone_vfork(int (*fn)(void *), void *arg, size_t stack_size, int exit_signal)
{
	void *stack;
	pid_t pid = -1;
	int e;

	/* vfork() keeps the caller's stack, which AddressSanitizer knows; it
	 * sends SIGCHLD whatever exit_signal asks, but only in that build. */
	if (NB_SANITIZED) {
		pid = vfork(); // NOLINT(clang-analyzer-security.insecureAPI.vfork): the sanitized build only
		if (pid == 0)
			_exit(fn(arg));
		return pid;
	}
	stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

	if (stack == MAP_FAILED)
		return -1;
	/* The guard page: an overflow faults instead of writing into ours. */
	if (mprotect(stack, 4096, PROT_NONE) == 0)
		pid = clone(fn, (char *)stack + stack_size, CLONE_VM | CLONE_VFORK | exit_signal, arg);
	e = errno;
	munmap(stack, stack_size);
	errno = e;
	return pid;
}

/* Optimal string alignment distance, capped: past cap the exact value
 * does not matter. */
static size_t edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[3][64], *pp = d[0], *p = d[1], *c = d[2];

	if (la >= 63 || lb >= 63)
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		c[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = p[j] + 1;

			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (p[j - 1] + cost < v)
				v = p[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
		}
		size_t *t = pp;
		pp = p, p = c, c = t;
	}
	return p[lb];
}

const char *nb_suggest(const char *word, const char *const *names)
{
	size_t len = strlen(word), cap = len > 6 ? 2 : 1, best = cap + 1, prefixed = 0;
	const char *pick = NULL, *prefix = NULL;

	if (len == 0)
		return NULL;
	for (; *names; names++) {
		size_t dist = edit_distance(word, *names, cap);

		if (strncmp(*names, word, len) == 0 && prefixed++ == 0)
			prefix = *names;
		if (dist < best)
			best = dist, pick = *names;
	}
	/* An abbreviation says more than a typo that happens to be close. */
	if (prefixed == 1)
		return prefix;
	return pick;
}

char *nb_own_file(const char *rel_installed, const char *rel_build, const char *fallback)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			const char *rel[] = { rel_installed, rel_build };

			*slash = '\0';
			for (size_t i = 0; i < ARRAY_SIZE(rel); i++) {
				_cleanup_free_ char *p = nb_xasprintf("%s/%s%s", self, i == 0 ? "../" : "", rel[i]);
				char *real = realpath(p, NULL);

				if (real)
					return real;
			}
		}
	}
	return nb_xstrdup(fallback);
}

double nb_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* dir/name, written whole under a temporary name and renamed: a reader
 * sees the old file or the new one, never half of one. */
int nb_write_atomic(const char *dir, const char *name, const void *data, size_t len, struct nb_err *err)
{
	/* The writer's pid in the name: a run killed before the rename leaves
	 * a file the next reader knows to be stale. */
	_cleanup_free_ char *tmp = nb_xasprintf("%s/.%s.%d.tmp", dir, name, (int)getpid());
	_cleanup_free_ char *path = nb_xasprintf("%s/%s", dir, name);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return nb_fail(err, errno, "cannot write %s", tmp);
	if (nb_write_all(fd, data, len) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		nb_fail(err, errno, "cannot write %s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int nb_write_pid_file(const char *path, int pid, struct nb_err *err)
{
	_cleanup_free_ char *dir = nb_xstrdup(path);
	char *slash = strrchr(dir, '/'), v[32];

	snprintf(v, sizeof v, "%d", pid);
	if (slash)
		*slash = '\0';
	return nb_write_atomic(slash ? (*dir ? dir : "/") : ".", slash ? slash + 1 : dir, v, strlen(v), err);
}

bool nb_cpu_avoid(pid_t pid, int cpu, cpu_set_t *old)
{
	cpu_set_t s;

	if (cpu < 0 || sched_getaffinity(pid, sizeof s, &s) < 0)
		return false;
	*old = s;
	CPU_CLR(cpu, &s);
	return CPU_COUNT(&s) > 0 && sched_setaffinity(pid, sizeof s, &s) == 0;
}

bool nb_cpu_spare(void)
{
	char buf[128];
	struct nb_err ignore;
	cpu_set_t s;
	unsigned running;

	/* "0.52 0.58 0.59 3/180 4242": the fourth field counts the runnable
	 * tasks of the whole machine at this moment: ourselves, often the
	 * process that started us (about to wait), and often the end of the
	 * sandbox before (its network namespace is torn down by a kernel
	 * worker). So one more than the CPUs still leaves one free; with 8
	 * starts at a time on 2 CPUs, 98% of the counts were above 5. */
	if (sched_getaffinity(0, sizeof s, &s) < 0)
		return true;
	if (CPU_COUNT(&s) < 2)
		return false;
	if (nb_read_small("/proc/loadavg", buf, sizeof buf, &ignore) < 0 || sscanf(buf, "%*s %*s %*s %u/", &running) != 1)
		return true;
	return running <= (unsigned)CPU_COUNT(&s) + 1;
}

int nb_cpu_now(void)
{
	unsigned cpu;

	return syscall(SYS_getcpu, &cpu, NULL, NULL) == 0 ? (int)cpu : -1;
}

void nb_cpu_restore(bool *moved, pid_t pid, const cpu_set_t *old)
{
	if (*moved)
		(void)sched_setaffinity(pid, sizeof *old, old);
	*moved = false;
}

const char *nb_proc_stat(pid_t pid, char *buf, size_t len)
{
	char path[32];
	struct nb_err ignore;
	const char *p;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (pid <= 0 || nb_read_small(path, buf, len, &ignore) < 0)
		return NULL;
	/* comm may hold spaces and parentheses: count from the last ')'. */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p + 2 : NULL;
}

int nb_cpu_of(pid_t pid)
{
	char buf[1024];
	const char *p = nb_proc_stat(pid, buf, sizeof buf);
	int field = 3, cpu = -1;

	/* Field 39, "processor", counting from the state (3). */
	for (; p && *p && field < 39; p++)
		field += *p == ' ';
	return p && field == 39 && sscanf(p, "%d", &cpu) == 1 ? cpu : -1;
}
