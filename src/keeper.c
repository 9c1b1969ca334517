/* keeper.c: see keeper.h.
 *
 * Files in the state directory:
 *   keeper        "PID STARTTIME": the keeper; its mtime is the last use
 *   keeper.lock   held shared by every sandbox that uses it, for its life;
 *                 the keeper takes it exclusively to decide to exit
 *   keeper.start  held exclusively by whoever starts a keeper
 *
 * The keeper execs itself after unshare(): its memory then belongs to its
 * own user namespace, so that its owner (the caller, outside) may join it
 * through a pidfd although the keeper is not dumpable, and nobody inside
 * a sandbox can. */
#include "keeper.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "report.h"
#include "state.h"
#include "util.h"

#define RECORD "keeper"
#define LOCK "keeper.lock"
#define START_LOCK "keeper.start"
/* The keeper's start: a fork, an exec and the helpers, which time out
 * after 5 s on their own. */
#define START_TIMEOUT_MS 10000

/* Whether /proc/PID/FILE, as we see it, is exactly m. */
static bool map_is(pid_t pid, const char *file, const struct nb_idmap *m)
{
	char path[64], buf[8192], *save = NULL;
	struct nb_err ignore;
	size_t i = 0;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	if (nb_read_small(path, buf, sizeof buf, &ignore) < 0)
		return false;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save), i++) {
		unsigned long in, out, count;

		if (i >= m->n || sscanf(l, "%lu %lu %lu", &in, &out, &count) != 3 || in != m->lines[i].inside ||
		    out != m->lines[i].outside || count != m->lines[i].count)
			return false;
	}
	return i == m->n;
}

static bool read_record(int base, pid_t *pid, unsigned long long *start)
{
	_cleanup_close_ int fd = openat(base, RECORD, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	_cleanup_free_ char *text = NULL;
	struct nb_err ignore;
	size_t len;
	int p;

	if (fd < 0 || nb_read_fd_regular(fd, "the keeper's record", 64, &text, &len, &ignore) < 0)
		return false;
	if (sscanf(text, "%d %llu", &p, start) != 2 || p <= 0)
		return false;
	*pid = p;
	return true;
}

static void lock_wait(int fd, int how)
{
	while (flock(fd, how) < 0 && errno == EINTR)
		;
}

/* The keeper named by the record, if it runs and holds the map this plan
 * needs. One that holds another (the ranges changed) is told to go. */
static int find(struct nb_keeper *k, const struct nb_idplan *plan)
{
	unsigned long long start;
	pid_t pid;
	int fd;

	if (!read_record(k->base, &pid, &start) || (fd = nb_pidfd_same(pid, start)) < 0)
		return -1;
	if (!map_is(pid, "uid_map", &plan->keeper_uid) || !map_is(pid, "gid_map", &plan->keeper_gid)) {
		nb_verbose("the keeper (pid %d) holds another map; it is replaced", (int)pid);
		syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0);
		close(fd);
		return -1;
	}
	k->pidfd = fd;
	k->pid = pid;
	return 0;
}

static int read_timed(int fd, void *buf, size_t len, struct nb_err *err)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int r;

	while ((r = poll(&p, 1, START_TIMEOUT_MS)) < 0 && errno == EINTR)
		;
	if (r == 0)
		return nb_fail(err, ETIMEDOUT, "the keeper did not start within %d s", START_TIMEOUT_MS / 1000);
	if (nb_read_all(fd, buf, len) != (ssize_t)len)
		return nb_fail(err, errno, "the keeper failed to start");
	return 0;
}

/* The keeper-to-be: a user namespace of its own, then, once the parent
 * wrote its maps, itself again as 'nestbox keeper serve', with nothing of
 * the caller's but the ready pipe on 3. */
static _Noreturn void keeper_child(int rep, int go, const char *base, unsigned idle)
{
	char idle_s[16], c;
	pid_t me;
	int null;

	if (unshare(CLONE_NEWUSER) < 0)
		_exit(1);
	me = getpid();
	if (nb_write_all(rep, &me, sizeof me) < 0 || read(go, &c, 1) != 1)
		_exit(1);
	/* /dev/null may itself land on 3 (K1 closed the pipe's read end):
	 * it goes on 0-2 before the ready pipe takes 3. */
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 || dup2(rep, 3) < 0)
		_exit(1);
	syscall(SYS_close_range, 4U, ~0U, 0U);
	snprintf(idle_s, sizeof idle_s, "%u", idle);
	execve("/proc/self/exe", (char *[]){ "nestbox-keeper", "keeper", "serve", (char *)base, idle_s, NULL },
	       (char *[]){ NULL });
	_exit(1);
}

/* Starts a keeper and records it; the caller holds the start lock. */
static int start(struct nb_keeper *k, struct nb_idplan *plan, const char *base, unsigned idle, struct nb_err *err)
{
	_cleanup_close_ int rep_r = -1, go_w = -1;
	char rec[64], ready;
	int rep[2], go[2], status, len;
	pid_t mid, pid = -1;

	if (pipe2(rep, O_CLOEXEC) < 0)
		return nb_fail(err, errno, "cannot create the keeper's pipes");
	if (pipe2(go, O_CLOEXEC) < 0) {
		close(rep[0]), close(rep[1]);
		return nb_fail(err, errno, "cannot create the keeper's pipes");
	}
	rep_r = rep[0], go_w = go[1];
	mid = fork();
	if (mid == 0) {
		close(rep[0]), close(go[1]);
		/* A session of its own, and reparented away from us. */
		if (setsid() < 0)
			_exit(1);
		mid = fork();
		if (mid == 0)
			keeper_child(rep[1], go[0], base, idle);
		_exit(mid < 0);
	}
	close(rep[1]), close(go[0]);
	if (mid < 0)
		return nb_fail(err, errno, "cannot start the keeper");
	while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
		;
	TRY(read_timed(rep_r, &pid, sizeof pid, err));
	plan->keeper_failed = nb_idmap_helpers(plan, &plan->keeper_uid, &plan->keeper_gid, pid, err);
	if (plan->keeper_failed < 0) {
		plan->keeper_err = *err;
		kill(pid, SIGKILL);
		return -1;
	}
	if (nb_write_all(go_w, "1", 1) < 0 || read_timed(rep_r, &ready, 1, err) < 0) {
		kill(pid, SIGKILL);
		return nb_fail(err, errno, "the keeper failed to start");
	}
	k->pidfd = nb_pidfd_same(pid, nb_proc_start(pid));
	if (k->pidfd < 0)
		return nb_fail(err, ESRCH, "the keeper ended as it started");
	k->pid = pid;
	len = snprintf(rec, sizeof rec, "%d %llu\n", (int)pid, nb_proc_start(pid));
	if (nb_write_atomic(base, RECORD, rec, (size_t)len, err) < 0) {
		syscall(SYS_pidfd_send_signal, k->pidfd, SIGKILL, NULL, 0);
		nb_closep(&k->pidfd);
		return -1;
	}
	k->started = true;
	nb_verbose("started the keeper (pid %d), which holds your subordinate ids' namespace", (int)pid);
	return 0;
}

static void not_used(struct nb_keeper *k, const char *why, const struct nb_err *err)
{
	char text[sizeof(struct nb_err)] = "";

	if (err)
		nb_err_format(err, text, sizeof text);
	nb_verbose("no keeper: %s%s%s; newuidmap and newgidmap run for this sandbox", why, err ? ": " : "", text);
	if (k->started && k->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, k->pidfd, SIGKILL, NULL, 0);
	k->started = false;
	nb_closep(&k->pidfd);
}

void nb_keeper_use(struct nb_idplan *plan, unsigned idle, struct nb_keeper *k)
{
	_cleanup_free_ char *base = NULL;
	_cleanup_close_ int start_lock = -1;
	struct nb_err err = { 0 };

	if (!plan->helper || plan->custom || !plan->keeper_uid.n || !plan->keeper_gid.n)
		return;
	if (nb_state_base(&base, &err) < 0)
		return not_used(k, "no state directory", &err);
	k->base = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	k->lock = k->base < 0 ? -1 : openat(k->base, LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (k->lock < 0)
		return not_used(k, "cannot open its lock", NULL);
	lock_wait(k->lock, LOCK_SH);
	if (find(k, plan) < 0) {
		start_lock = openat(k->base, START_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (start_lock < 0)
			return not_used(k, "cannot open its start lock", NULL);
		lock_wait(start_lock, LOCK_EX);
		if (find(k, plan) < 0 && start(k, plan, base, idle, &err) < 0)
			return not_used(k, "it could not start", &err);
	}
	if (!nb_idmap_translate(&plan->uid, &plan->keeper_uid, &k->uid) ||
	    !nb_idmap_translate(&plan->gid, &plan->keeper_gid, &k->gid))
		return not_used(k, "an id of this sandbox is not in its map", NULL);
	utimensat(k->base, RECORD, NULL, AT_SYMLINK_NOFOLLOW);
	nb_verbose("the sandbox's user namespace is made in the keeper's (pid %d)", (int)k->pid);
	if (nb_report_verbose())
		nb_idmap_verbose(plan, "in the keeper's namespace");
}

/* Removes the record if it still names pid. */
static void unrecord(int base, pid_t pid)
{
	unsigned long long start;
	pid_t p;

	if (read_record(base, &p, &start) && p == pid)
		unlinkat(base, RECORD, 0);
}

void nb_keeper_release(struct nb_keeper *k)
{
	if (k->pidfd >= 0 && k->started && !k->keep) {
		/* Nobody else came to use it meanwhile: it goes with us. */
		if (flock(k->lock, LOCK_EX | LOCK_NB) == 0) {
			syscall(SYS_pidfd_send_signal, k->pidfd, SIGKILL, NULL, 0);
			unrecord(k->base, k->pid);
		}
	} else if (k->pidfd >= 0) {
		utimensat(k->base, RECORD, NULL, AT_SYMLINK_NOFOLLOW);
	}
	nb_closep(&k->pidfd);
	nb_closep(&k->lock);
	nb_closep(&k->base);
	free(k->uid.lines);
	free(k->gid.lines);
	k->uid = k->gid = (struct nb_idmap){ 0 };
}

/* The keeper's decision, every idle seconds: 0 to exit, else how long to
 * sleep. It exits when no sandbox holds the lock and none used it for
 * idle seconds, or when its record names another (it was replaced). */
static unsigned idle_check(const char *base, unsigned idle)
{
	_cleanup_close_ int dir = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC), lock = -1;
	unsigned long long start;
	struct stat st;
	time_t now;
	pid_t pid;

	if (dir < 0 || (lock = openat(dir, LOCK, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return 0;
	if (flock(lock, LOCK_EX | LOCK_NB) < 0)
		return idle;
	if (!read_record(dir, &pid, &start) || pid != getpid() || fstatat(dir, RECORD, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	now = time(NULL);
	if (now >= st.st_mtime && now - st.st_mtime < (time_t)idle)
		return idle - (unsigned)(now - st.st_mtime);
	unlinkat(dir, RECORD, 0);
	return 0;
}

/* The keeper itself: not dumpable, no capabilities (its owner outside
 * needs none of its own to join), no descriptors, no terminal; then it
 * only sleeps and checks whether it is still wanted. */
static int serve(const char *base, unsigned idle, struct nb_err *err)
{
	sigset_t none;
	struct stat st;

	if (fstat(3, &st) < 0 || !S_ISFIFO(st.st_mode))
		return nb_fail(err, 0, "keeper serve is nestbox's own: it is started by 'nestbox run'");
	prctl(PR_SET_NAME, "nestbox-keeper");
	if (prctl(PR_SET_DUMPABLE, 0) < 0 || chdir("/") < 0 || nb_caps_drop_all(0, err) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nb_fail(err, errno, "the keeper cannot confine itself");
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGHUP, SIG_IGN), signal(SIGINT, SIG_IGN), signal(SIGPIPE, SIG_IGN), signal(SIGQUIT, SIG_IGN);
	if (nb_write_all(3, "k", 1) < 0)
		return nb_fail(err, errno, "the keeper cannot say it is ready");
	close(3);
	for (unsigned wait = idle; wait; wait = idle_check(base, idle)) {
		struct timespec ts = { .tv_sec = wait };

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	return 0;
}

/* For status and stop: the state directory, and a pidfd of the keeper it
 * records (-1 when none runs); -1 with err without a state directory. */
static int recorded(char **base, int *dir, pid_t *pid, int *fd, struct nb_err *err)
{
	unsigned long long start;

	*fd = -1;
	TRY(nb_state_base(base, err));
	*dir = open(*base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dir >= 0 && read_record(*dir, pid, &start))
		*fd = nb_pidfd_same(*pid, start);
	return 0;
}

static int status(struct nb_err *err)
{
	_cleanup_free_ char *base = NULL;
	_cleanup_close_ int dir = -1, fd = -1;
	struct stat st;
	pid_t pid;

	TRY(recorded(&base, &dir, &pid, &fd, err));
	if (fd < 0) {
		printf("no keeper runs (the next sandbox starts one)\n");
		return 0;
	}
	if (fstatat(dir, RECORD, &st, AT_SYMLINK_NOFOLLOW) < 0)
		st.st_mtime = time(NULL);
	printf("keeper: pid %d, last used %llds ago, record %s/%s\n", (int)pid, (long long)(time(NULL) - st.st_mtime),
	       base, RECORD);
	return 0;
}

static int stop(struct nb_err *err)
{
	_cleanup_free_ char *base = NULL;
	_cleanup_close_ int dir = -1, fd = -1;
	pid_t pid;

	TRY(recorded(&base, &dir, &pid, &fd, err));
	if (fd < 0) {
		printf("no keeper runs\n");
		return 0;
	}
	/* Sandboxes that use it keep their namespaces: they hold them. */
	if (syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0) < 0)
		return nb_fail(err, errno, "cannot stop the keeper (pid %d)", (int)pid);
	if (poll(&(struct pollfd){ fd, POLLIN, 0 }, 1, 5000) != 1)
		return nb_fail(err, ETIMEDOUT, "the keeper (pid %d) did not stop within 5 s", (int)pid);
	unrecord(dir, pid);
	printf("stopped the keeper (pid %d)\n", (int)pid);
	return 0;
}

int nb_cmd_keeper(int argc, char **argv, struct nb_err *err)
{
	const char *what = argc > 1 ? argv[1] : NULL;
	uint32_t idle;

	if (what && strcmp(what, "serve") == 0 && argc == 4 && nb_parse_u32(argv[3], 86400 * 365, &idle) == 0)
		return serve(argv[2], idle, err);
	if (what && (strcmp(what, "--help") == 0 || strcmp(what, "-h") == 0)) {
		puts("Usage: nestbox keeper status|stop\n\n"
		     "The keeper holds a user namespace with your whole subordinate id map, so\n"
		     "that sandboxes start without running newuidmap and newgidmap. The first\n"
		     "sandbox starts it; it exits once unused for --keeper-idle seconds.\n"
		     "  status  whether it runs, its pid, and when it was last used\n"
		     "  stop    stop it now; running sandboxes keep their namespaces");
		return 0;
	}
	if (what && argc == 2 && strcmp(what, "status") == 0)
		return status(err);
	if (what && argc == 2 && strcmp(what, "stop") == 0)
		return stop(err);
	return nb_fail_hint(err, 0, "nestbox keeper status|stop", what ? "keeper: unknown subcommand '%s'" : "keeper: no subcommand%s",
			    what ? what : "");
}
