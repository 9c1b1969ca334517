/* init.c: see init.h. The sequence, with what init holds at each step:
 *
 *   1. signals through a descriptor; a subreaper also watches its children
 *                                        full capabilities in the sandbox
 *   2. start the payload's process, which waits before exec
 *   3. --disable-userns: map the payload's nested user namespace
 *   4. lock down: own session, /dev/null on 0-2, no capabilities,
 *      no_new_privs, a seccomp filter of init's own
 *                                        nothing
 *   5. wait until the payload is ready (and for an OCI start); then
 *      make init non-dumpable
 *   6. let the payload exec
 *   7. pass signals on, reap; once the payload has ended and nothing
 *      else runs, tell the supervisor its status; exit with it
 *
 * Steps 4 and 5 come before any payload code can run: a payload that
 * could ptrace init or write /proc/1/mem would get init's privileges
 * (t/200). Step 4 runs while the payload sets itself up: their
 * credentials are their own, and init makes only system calls that do
 * not fail on the way (the two share memory, errno included). Step 5
 * waits, because dumpability belongs to the memory they share. */
#include "init.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/statfs.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capnames.h"
#include "nested.h"
#include "util.h"

#define PAYLOAD_STACK ((size_t)256 * 1024)

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

void nb_signals_forwarded(sigset_t *mask)
{
	sigemptyset(mask);
	sigaddset(mask, SIGCHLD);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(mask, forwarded[i]);
}

int nb_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

/* Init's ends of the pipes to the payload. */
struct ends {
	int ready_r, go_w, nest_r, nest_w;
};

static int payload_entry(void *p)
{
	nb_payload_run(p);
}

static pid_t clone_payload(struct nb_payload *p)
{
	char *stack = mmap(NULL, PAYLOAD_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

	/* A guard page: an overflow faults instead of writing into init. */
	if (stack == MAP_FAILED || mprotect(stack, 4096, PROT_NONE) < 0)
		return -1;
	return clone(payload_entry, stack + PAYLOAD_STACK, CLONE_VM | SIGCHLD, p);
}

/* Step 2. The payload borrows init's memory (CLONE_VM), as a vfork child
 * would: no page tables to copy. Unlike vfork, init runs on meanwhile,
 * since it must lock itself down while the payload waits before exec;
 * the payload makes only system calls, on a stack of its own that init
 * never unmaps (the payload leaves it at exec). */
static pid_t spawn(struct nb_init *in, bool ready_word, struct ends *e, struct nb_err *err)
{
	struct nb_payload_chan *c = &in->payload.chan;
	int ready[2] = { -1, -1 }, go[2], up[2] = { -1, -1 }, down[2] = { -1, -1 };
	pid_t pid;

	if ((ready_word && pipe2(ready, O_CLOEXEC) < 0) || pipe2(go, O_CLOEXEC) < 0)
		return nb_fail(err, errno, "cannot create the pipes to the payload");
	if (in->nested && (pipe2(up, O_CLOEXEC) < 0 || pipe2(down, O_CLOEXEC) < 0))
		return nb_fail(err, errno, "cannot create the pipes for --disable-userns");
	c->ready_w = ready[1], c->go_r = go[0], c->nest_w = up[1], c->nest_r = down[0];
	*e = (struct ends){ ready[0], go[1], up[0], down[1] };
	pid = NB_SANITIZED ? nb_clone_copy(payload_entry, &in->payload, SIGCHLD) : clone_payload(&in->payload);
	if (pid < 0)
		return nb_fail(err, errno, "cannot start the payload");
	/* The payload has its own copies (no CLONE_FILES). */
	if (ready[1] >= 0)
		close(ready[1]);
	close(go[0]);
	if (up[1] >= 0) {
		close(up[1]);
		close(down[0]);
	}
	return pid;
}

/* The payload stopped before exec; it sent its own error: pass on its status. */
static _Noreturn void payload_failed(pid_t payload)
{
	int st = 0;

	while (waitpid(payload, &st, 0) < 0 && errno == EINTR)
		;
	_exit(nb_exit_code(st) ? nb_exit_code(st) : NB_EXIT_FAIL);
}

/* Step 4. From here on init could do no harm if the payload owned it. */
static int lock_down(const struct nb_init *in, struct nb_err *err)
{
	/* Off the caller's terminal: no controlling terminal, nothing of it
	 * on 0-2 (the payload was started before, and keeps its own). */
	if (setsid() < 0)
		return nb_fail(err, errno, "cannot give the sandbox's init a session of its own");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(in->devnull, fd) < 0)
			return nb_fail(err, errno, "cannot point init's descriptor %d to /dev/null", fd);
	TRY(nb_caps_drop_all(in->payload.bnd_gone, err));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nb_fail(err, errno, "cannot set no_new_privs in the sandbox's init");
	/* The filter lets init make itself non-dumpable, and nothing more. */
	return nb_seccomp_load_init(err);
}

/* A subreaper (--share=pid) has no PID namespace to end: it kills what it
 * inherited, round after round, until nothing is left. */
static void kill_descendants(int children)
{
	for (;;) {
		char buf[4096];
		ssize_t n = children >= 0 ? pread(children, buf, sizeof buf - 1, 0) : -1;

		if (n > 0) {
			buf[n] = '\0';
			for (char *p = buf, *end; *p; p = end) {
				long pid = strtol(p, &end, 10);
				if (end == p)
					break;
				if (pid > 0)
					kill((pid_t)pid, SIGKILL);
			}
		}
		if (waitpid(-1, NULL, 0) < 0 && errno == ECHILD)
			return;
	}
}

/* The sandbox's own /proc, opened before any payload code runs, so that
 * a mount over /proc cannot hide a process from it; -1 where /proc is not
 * a proc of this PID namespace (a bwrap caller may leave the host's, or
 * put it elsewhere). */
static int own_proc(void)
{
	char self[4];
	struct statfs st;
	int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ssize_t n = fd < 0 || fstatfs(fd, &st) < 0 || st.f_type != PROC_SUPER_MAGIC ?
			    -1 : readlinkat(fd, "self", self, sizeof self);

	if (n == 1 && self[0] == '1')
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Nothing else runs in the sandbox: no child, zombie or running (the
 * payload's orphans all come to pid 1), and no other pid in its /proc
 * (nestbox exec's processes have their parent outside). Read once: a
 * join under way may still slip past it, as a payload holding
 * CAP_SYS_ADMIN may hide exec's processes by remounting /proc with
 * hidepid; init's exit, just after, ends them. */
static bool alone(int proc)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		pid_t p = waitpid(-1, NULL, WNOHANG);
		if (p == 0 || (p < 0 && errno != ECHILD))
			return false;
		if (p < 0)
			break;
	}
	while ((n = getdents64(proc, buf, sizeof buf)) > 0)
		for (ssize_t at = 0; at < n; at += ((struct dirent64 *)(void *)(buf + at))->d_reclen) {
			const char *name = ((struct dirent64 *)(void *)(buf + at))->d_name;
			if (name[0] >= '1' && name[0] <= '9' && strcmp(name, "1") != 0)
				return false;
		}
	return n == 0;
}

/* The status to the supervisor, which returns with it; then wait until
 * it has closed its namespace descriptors (EOF, also if it died), so
 * that the namespaces' teardown falls to init's exit, not to its. */
static void tell_exit(int sock, int code)
{
	char c;

	if (send(sock, &(unsigned char){ (unsigned char)code }, 1, MSG_NOSIGNAL) == 1)
		while (read(sock, &c, 1) < 0 && errno == EINTR)
			;
}

static _Noreturn void finish(const struct nb_init *in, int children, int code)
{
	/* pid 1's exit makes the kernel kill the rest of its namespace. */
	if (!in->pid1)
		kill_descendants(children);
	_exit(code);
}

/* Step 7. One SIGCHLD may stand for many exits: reap until none is left. */
static _Noreturn void reap(const struct nb_init *in, pid_t payload, int sigfd, int children)
{
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t r = read(sigfd, &si, sizeof si);

		if (r != (ssize_t)sizeof si) {
			if (r < 0 && errno == EINTR)
				continue;
			/* Without its signal fd init cannot reap: stop the sandbox. */
			finish(in, children, NB_EXIT_FAIL);
		}
		if (si.ssi_signo != SIGCHLD) {
			/* A subreaper's parent-death signal: nestbox is gone. */
			if (!in->pid1 && getppid() != in->parent)
				finish(in, children, 128 + SIGKILL);
			kill(payload, (int)si.ssi_signo);
			continue;
		}
		for (;;) {
			int st;
			pid_t p = waitpid(-1, &st, WNOHANG);

			if (p <= 0)
				break;
			if (p != payload)
				continue;
			/* The supervisor may return now, leaving init's exit and
			 * the namespaces' teardown to the kernel. */
			if (in->exit_w >= 0 && alone(in->proc))
				tell_exit(in->exit_w, nb_exit_code(st));
			finish(in, children, nb_exit_code(st));
		}
	}
}

static _Noreturn void fail(const struct nb_init *in, pid_t payload, const struct nb_err *err)
{
	/* Gone before init writes: the two share memory. */
	if (payload > 0 && kill(payload, SIGKILL) == 0)
		while (waitpid(payload, NULL, 0) < 0 && errno == EINTR)
			;
	nb_payload_fail(in->err_w, err);
}

_Noreturn void nb_init_main(struct nb_init *in)
{
	struct nb_err err = { 0 };
	struct ends e = { -1, -1, -1, -1 };
	sigset_t mask;
	int sigfd, children = -1;
	pid_t payload = -1;
	char c;
	/* Only the supervisor's announcement and OCI's start come between
	 * init's lock-down and the payload's exec; without them the payload
	 * needs no word back (wait_for_init), and waits for one hand-over,
	 * not two. */
	bool ready_word = in->announce_w >= 0 || in->start_fd >= 0;

	prctl(PR_SET_NAME, "nestbox-init");
	/* 1. Signals through a descriptor (they were blocked before clone, so
	 * none is lost); a subreaper inherits the payload's orphans. */
	nb_signals_forwarded(&mask);
	sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sigfd < 0)
		fail(in, payload, (nb_fail(&err, errno, "cannot create the init's signal fd"), &err));
	in->proc = in->pid1 && in->exit_w >= 0 ? own_proc() : -1;
	if (in->proc < 0)
		nb_closep(&in->exit_w);
	if (!in->pid1) {
		children = in->children;
		if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 || children < 0)
			fail(in, payload, (nb_fail_hint(&err, errno, "--share=pid needs /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN)",
							"cannot watch the sandbox's processes"), &err));
	}
	/* 2. The payload's process, which waits before exec. The number of
	 * capabilities is read now, into the memory the two share. */
	(void)nb_cap_last();
	payload = spawn(in, ready_word, &e, &err);
	if (payload < 0)
		fail(in, -1, &err);
	/* Init's own, now that the payload has its copy of the dispositions
	 * (no CLONE_SIGHAND): "g" to a payload gone must not kill init. */
	signal(SIGPIPE, SIG_IGN);
	/* 3. Its nested user namespace, mapped while init still may. */
	if (e.nest_r >= 0) {
		int r = nb_nested_map(payload, e.nest_r, e.nest_w, &err);
		if (r > 0)
			payload_failed(payload);
		if (r < 0)
			fail(in, payload, &err);
	}
	/* 4. Locked down while the payload sets itself up. */
	if (lock_down(in, &err) < 0)
		fail(in, payload, &err);
	/* 5. EOF instead of "r": the payload failed and said why. */
	if (ready_word && nb_read_all(e.ready_r, &c, 1) != 1)
		payload_failed(payload);
	/* 5b. The supervisor names the payload to its caller (--info-fd)
	 * before any payload code runs; EOF: it died. */
	if (in->announce_w >= 0) {
		if (nb_write_all(in->announce_w, "a", 1) < 0 || nb_read_all(in->announce_go, &c, 1) != 1)
			fail(in, payload, (nb_fail(&err, EPIPE, "the supervisor went away"), &err));
		close(in->announce_w);
		close(in->announce_go);
	}
	/* 5c. OCI: created, not started; start writes the byte. EOF cannot
	 * come, init holding both ends. */
	if (in->start_fd >= 0) {
		if (nb_read_all(in->start_fd, &c, 1) != 1)
			fail(in, payload, (nb_fail(&err, errno, "cannot wait to be started"), &err));
		close(in->start_fd);
	}
	/* 5d. No ptrace and no /proc/1/mem from the first instruction of the
	 * payload: it shares init's memory, and so its dumpability, until
	 * its exec gives it memory of its own. Not before: OCI's
	 * createContainer and startContainer hooks join the namespaces
	 * through a pidfd of init, which takes ptrace's read access. */
	if ((ready_word || NB_SANITIZED) && prctl(PR_SET_DUMPABLE, 0) < 0)
		fail(in, payload, (nb_fail(&err, errno, "cannot make the sandbox's init non-dumpable"), &err));
	/* 6. Go. A payload that failed before has said why (EPIPE; SIGPIPE
	 * is ignored): reap() ends with its status. */
	if (nb_write_all(e.go_w, "g", 1) < 0 && errno != EPIPE)
		fail(in, payload, (nb_fail(&err, errno, "cannot release the payload"), &err));
	/* 7. Only the signal fd, a subreaper's children file, the exit
	 * socket and /proc, and the --lock-file and --sync-fd descriptors
	 * stay: a pipe passed to the payload must see EOF when the payload
	 * ends, and the supervisor's error pipe EOF once it has exec'd. */
	{
		int keep[7 + ARRAY_SIZE(in->keep)] = { 0, 1, 2, sigfd, children, in->exit_w, in->proc };

		memcpy(keep + 7, in->keep, in->n_keep * sizeof *keep);
		nb_close_all_but(keep, 7 + in->n_keep);
	}
	reap(in, payload, sigfd, children);
}

_Noreturn void nb_relay(pid_t child)
{
	sigset_t all;
	int st, sig;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		if (waitpid(child, &st, WNOHANG) == child)
			_exit(nb_exit_code(st));
		if (sigwait(&all, &sig) == 0 && sig != SIGCHLD)
			kill(child, sig);
	}
}
