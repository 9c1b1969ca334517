/* tty.c: see tty.h. */
#include "tty.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

/* Big enough that a fast payload costs few system calls per MiB; the pty
 * itself hands over at most a few KiB per read. */
#define RELAY_BUF ((size_t)64 * 1024)

int nb_tty_prepare(struct nb_tty *t, struct nb_err *err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, t->sock) < 0)
		return nb_fail(err, errno, "--tty: cannot create the socket for the terminal");
	t->have_term = tcgetattr(STDIN_FILENO, &t->term) == 0;
	t->have_ws = ioctl(STDIN_FILENO, TIOCGWINSZ, &t->ws) == 0 || ioctl(STDOUT_FILENO, TIOCGWINSZ, &t->ws) == 0;
	t->buf = nb_xmalloc(2 * RELAY_BUF);
	return 0;
}

/* The master, which the sandbox sends with "m". */
static int recv_master(int sock)
{
	char m;
	int fd;

	return nb_recv_fd(sock, &m, 1, &fd) == 1 ? fd : (nb_closep(&fd), -1);
}

int nb_tty_hand_master(struct nb_tty *t, const char *path, struct nb_err *err)
{
	_cleanup_close_ int master = recv_master(t->sock[0]), sock = -1;
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	if (master < 0)
		return nb_fail(err, EPROTO, "the sandbox sent no terminal");
	if (strlen(path) >= sizeof a.sun_path)
		return nb_fail(err, ENAMETOOLONG, "--console-socket %s", path);
	memcpy(a.sun_path, path, strlen(path) + 1);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&a, sizeof a) < 0 || nb_send_fd(sock, master, "/dev/ptmx", strlen("/dev/ptmx")) < 0)
		return nb_fail(err, errno, "--console-socket %s: cannot pass the terminal", path);
	return 0;
}

int nb_tty_open(int sock, const struct nb_tty *t, uint32_t uid, uint32_t gid, struct nb_err *err)
{
	/* /dev/ptmx is the sandbox's own devpts here: the pair, its number
	 * and its ioctls belong to the sandbox, not to the host. */
	_cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	int unlock = 0, slave;

	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return nb_fail(err, errno, "--tty: cannot open a pseudo-terminal in the sandbox's /dev/pts");
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return nb_fail_hint(err, errno, "--tty needs Linux 4.13 or later; --tty=never runs without one",
				    "--tty: cannot open the pseudo-terminal's other end");
	/* The caller's settings (erase, signals, output processing), so the
	 * payload's terminal behaves as the one it is shown on. */
	if (t->have_term)
		tcsetattr(slave, TCSANOW, &t->term);
	if (t->have_ws)
		ioctl(slave, TIOCSWINSZ, &t->ws);
	/* The payload owns its terminal, as login makes it. */
	if (fchown(slave, uid, gid) < 0 || nb_send_fd(sock, master, "m", 1) < 0) {
		nb_fail(err, errno, "--tty: cannot hand the terminal over");
		close(slave);
		return -1;
	}
	return slave;
}

int nb_tty_attach(int slave)
{
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return -1;
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return -1;
	if (slave > 2)
		close(slave);
	return 0;
}

int nb_tty_detach(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0 || setsid() < 0)
		return -1;
	for (int fd = 0; fd < 3; fd++)
		if (dup2(null, fd) < 0)
			return -1;
	close(null);
	return 0;
}

/* The master has arrived: relay from now on, the caller's terminal raw so
 * that every key (^C, ^Z, ^D) goes to the sandbox's terminal, which acts
 * on it for the job in its foreground. */
static void start(struct nb_tty *t)
{
	t->master = recv_master(t->sock[0]);
	nb_closep(&t->sock[0]);
	if (t->master < 0)
		return; /* the child failed first, and says why on its pipe */
	fcntl(t->master, F_SETFL, O_NONBLOCK);
	if (t->have_term) {
		struct termios raw = t->term;

		cfmakeraw(&raw);
		t->raw = tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) == 0;
	}
}

void nb_tty_poll_fds(const struct nb_tty *t, struct pollfd *pfd)
{
	pfd[0] = (struct pollfd){ t->sock[0], POLLIN, 0 };
	pfd[1] = (struct pollfd){ t->master >= 0 && !t->in_eof && t->len == 0 ? STDIN_FILENO : -1, POLLIN, 0 };
	pfd[2] = (struct pollfd){ t->master, (short)(POLLIN | (t->len ? POLLOUT : 0)), 0 };
}

/* Input that is not a terminal has no ^D of its own: at its end the pty
 * gets its EOF character, twice when a line is left unfinished. */
static void input_ended(struct nb_tty *t)
{
	struct termios pt;

	t->in_eof = true;
	if (t->have_term || tcgetattr(t->master, &pt) < 0)
		return;
	t->buf[0] = t->buf[1] = (char)pt.c_cc[VEOF];
	t->off = 0;
	t->len = t->line_start ? 1 : 2;
}

static void from_stdin(struct nb_tty *t)
{
	ssize_t n = read(STDIN_FILENO, t->buf, RELAY_BUF);

	if (n > 0) {
		t->off = 0;
		t->len = (size_t)n;
		t->line_start = t->buf[n - 1] == '\n';
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		input_ended(t);
	}
}

static void to_master(struct nb_tty *t)
{
	ssize_t n = write(t->master, t->buf + t->off, t->len);

	if (n > 0) {
		t->off += (size_t)n;
		t->len -= (size_t)n;
	} else if (n < 0 && errno != EINTR && errno != EAGAIN) {
		t->len = 0;
		t->in_eof = true;
	}
}

/* Returns false once the master has nothing more to give: every slave is
 * closed (EIO), or for now (EAGAIN). */
static bool from_master(struct nb_tty *t)
{
	char *out = t->buf + RELAY_BUF;
	ssize_t n = read(t->master, out, RELAY_BUF);

	if (n > 0) {
		/* A reader of our output that went away loses the rest. */
		(void)nb_write_all(STDOUT_FILENO, out, (size_t)n);
		return true;
	}
	return n < 0 && errno == EINTR;
}

void nb_tty_ready(struct nb_tty *t, const struct pollfd *pfd)
{
	if (pfd[0].revents)
		start(t);
	if (pfd[1].revents)
		from_stdin(t);
	if (t->master < 0)
		return;
	/* EIO: every slave is closed, what they wrote read. Nothing more
	 * comes, and polling would only spin. */
	if ((pfd[2].revents & (POLLIN | POLLHUP | POLLERR)) && !from_master(t) && errno != EAGAIN)
		nb_closep(&t->master);
	if (t->master >= 0 && t->len)
		to_master(t);
}

void nb_tty_winch(struct nb_tty *t)
{
	struct winsize ws;

	if (t->master >= 0 && (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0))
		ioctl(t->master, TIOCSWINSZ, &ws);
}

void nb_tty_drain(struct nb_tty *t)
{
	if (t->master < 0)
		return;
	/* The sandbox has ended, so every slave is closed: reads give what
	 * is left, then EIO. EAGAIN means one is still open somewhere (a
	 * process of --share=pid's): wait a little for it, not forever. */
	for (;;) {
		if (from_master(t))
			continue;
		if (errno == EAGAIN && poll(&(struct pollfd){ t->master, POLLIN, 0 }, 1, 100) == 1)
			continue;
		break;
	}
}

void nb_tty_release(struct nb_tty *t)
{
	if (t->raw)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &t->term);
	t->raw = false;
	nb_closep(&t->master);
	nb_closep(&t->sock[0]);
	nb_closep(&t->sock[1]);
	free(t->buf);
	t->buf = NULL;
}
