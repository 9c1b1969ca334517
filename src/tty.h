/* tty.h: the sandbox's own terminal (--tty). Owns the pty pair, opened in
 * the sandbox's devpts so that TIOCSTI and TIOCLINUX reach nothing of the
 * caller's; the master's trip to the supervisor over SCM_RIGHTS; and the
 * relay between the caller's terminal, in raw mode and restored on every
 * way out, and the master. The payload leads the pty's session. */
#ifndef NB_TTY_H
#define NB_TTY_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "err.h"

struct nb_tty {
	int sock[2];          /* [0] the supervisor's, [1] the child's: the master */
	int master;           /* the supervisor's end of the relay, or -1 */
	bool have_term;       /* stdin is a terminal: term holds its settings */
	bool raw;             /* the caller's terminal is raw: restore it */
	bool have_ws;
	struct termios term;  /* the caller's, copied to the pty */
	struct winsize ws;
	char *buf;            /* stdin's bytes on their way to the master */
	size_t len, off;
	bool in_eof, line_start;
};
#define NB_TTY_INIT { .sock = { -1, -1 }, .master = -1, .line_start = true }

/* Supervisor, before the clone: the socket pair, and the caller's terminal
 * settings and window size for the pty. */
int nb_tty_prepare(struct nb_tty *t, struct nb_err *err);

/* Child, in the sandbox's mount namespace: a pty pair from its devpts, the
 * caller's settings on it, the slave given to uid:gid; sends the master on
 * sock. Returns the slave (close-on-exec), or -1. */
int nb_tty_open(int sock, const struct nb_tty *t, uint32_t uid, uint32_t gid, struct nb_err *err);

/* Supervisor, OCI create: the master, as it arrives from the child, passed
 * on over the unix socket at path (runc's --console-socket); no relay. */
int nb_tty_hand_master(struct nb_tty *t, const char *path, struct nb_err *err);
/* Payload: a new session whose controlling terminal is slave, on 0-2.
 * System calls only (it may run in init's memory). */
int nb_tty_attach(int slave);

/* A new session with /dev/null on 0-2: off the caller's terminal. */
int nb_tty_detach(void);

/* Supervisor: the descriptors to poll (3 entries: socket, stdin, master)
 * and what to do when they are ready. */
void nb_tty_poll_fds(const struct nb_tty *t, struct pollfd *pfd);
void nb_tty_ready(struct nb_tty *t, const struct pollfd *pfd);
/* SIGWINCH: the caller's new size, to the pty (whose foreground group the
 * kernel then signals). */
void nb_tty_winch(struct nb_tty *t);
/* Once the sandbox has ended: what the payload wrote and the relay has not
 * read yet. */
void nb_tty_drain(struct nb_tty *t);
/* The caller's terminal as it was; closes everything. */
void nb_tty_release(struct nb_tty *t);

#endif
