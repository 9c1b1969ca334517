/* init.c: see init.h. */
#include "init.h"

#include <errno.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

int nb_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

void nb_init_run(pid_t payload, int sigfd, bool skip_tty)
{
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t r = read(sigfd, &si, sizeof si);

		if (r != (ssize_t)sizeof si) {
			if (r < 0 && errno == EINTR)
				continue;
			/* Without its signal fd init cannot reap: stop the sandbox. */
			_exit(125);
		}
		if (si.ssi_signo != SIGCHLD) {
			if (!(skip_tty && si.ssi_code == SI_KERNEL))
				kill(payload, (int)si.ssi_signo);
			continue;
		}
		/* One SIGCHLD may stand for many exits: reap until none is left. */
		for (;;) {
			int st;
			pid_t p = waitpid(-1, &st, WNOHANG);

			if (p <= 0)
				break;
			/* Leaving pid 1 makes the kernel kill what remains. */
			if (p == payload)
				_exit(nb_exit_code(st));
		}
	}
}
