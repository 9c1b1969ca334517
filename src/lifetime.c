/* lifetime.c: see lifetime.h. */
#include "lifetime.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define WATCHDOG_STACK ((size_t)64 * 1024)

int nb_die_with_caller(pid_t caller, struct nb_err *err)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return nb_fail(err, errno, "cannot set nestbox's parent-death signal");
	/* The caller died before the line above: the signal will not come. */
	if (getppid() != caller)
		return nb_fail_hint(err, 0, "--no-die-with-parent lets the sandbox outlive its caller",
				    "the caller exited before the sandbox started");
	return 0;
}

struct watch_args {
	int life_r, target, kill_fd;
};

/* The watchdog borrows the supervisor's memory (CLONE_VM) but touches
 * only its own stack and makes system calls. It blocks every signal and
 * leaves the terminal's session, so that only its pipe ends it. */
static int watch(void *p)
{
	const struct watch_args *a = p;
	sigset_t all;
	char c;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	setsid();
	nb_close_all_but((const int[]){ a->life_r, a->target, a->kill_fd }, 3);
	while (read(a->life_r, &c, 1) < 0 && errno == EINTR)
		;
	if (a->kill_fd >= 0)
		(void)!write(a->kill_fd, "1", 1);
	if (a->target >= 0)
		syscall(SYS_pidfd_send_signal, a->target, SIGKILL, NULL, 0);
	_exit(0);
}

int nb_watchdog_start(struct nb_watchdog *w, int target_pidfd, int kill_fd, struct nb_err *err)
{
	struct watch_args *a;
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return nb_fail(err, errno, "cannot create the watchdog's pipe");
	w->life_w = p[1];
	w->stack = mmap(NULL, WATCHDOG_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (w->stack == MAP_FAILED || mprotect(w->stack, 4096, PROT_NONE) < 0) {
		w->stack = NULL;
		close(p[0]);
		return nb_fail(err, errno, "cannot allocate the watchdog's stack");
	}
	/* The arguments sit at the bottom of its own mapping, above the guard
	 * page, far below where its stack grows: they outlive our frame. */
	a = (struct watch_args *)(void *)((char *)w->stack + 4096);
	*a = (struct watch_args){ p[0], target_pidfd, kill_fd };
	/* Not CLONE_VFORK: it runs until the end. Exit signal 0: no SIGCHLD
	 * for the supervisor's signal fd; reaped with __WALL. */
	w->pid = NB_SANITIZED ? nb_clone_copy(watch, a, 0) : clone(watch, (char *)w->stack + WATCHDOG_STACK, CLONE_VM, a);
	close(p[0]);
	if (w->pid < 0)
		return nb_fail(err, errno, "cannot start the watchdog");
	return 0;
}

void nb_watchdog_stop(struct nb_watchdog *w)
{
	nb_closep(&w->life_w);
	if (w->pid > 0)
		while (waitpid(w->pid, NULL, __WALL) < 0 && errno == EINTR)
			;
	w->pid = -1;
	if (w->stack)
		munmap(w->stack, WATCHDOG_STACK);
	w->stack = NULL;
}
