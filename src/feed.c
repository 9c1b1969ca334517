/* feed.c: see feed.h. */
#include "feed.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

void nb_human_size(unsigned long long b, char *buf, size_t len)
{
	if (b >= (1ULL << 30))
		snprintf(buf, len, "%.1f GiB", (double)b / (1 << 30));
	else if (b >= (1ULL << 20))
		snprintf(buf, len, "%.1f MiB", (double)b / (1 << 20));
	else
		snprintf(buf, len, "%llu KiB", b >> 10);
}

static void show_progress(const char *label, unsigned long long done, unsigned long long total, double secs)
{
	char d[32], t[32], r[32];

	nb_human_size(done, d, sizeof d);
	nb_human_size(secs > 0 ? (unsigned long long)((double)done / secs) : 0, r, sizeof r);
	if (total) {
		nb_human_size(total, t, sizeof t);
		nb_progress("%s: %s of %s (%llu%%), %s/s", label, d, t, done * 100 / total, r);
	} else {
		nb_progress("%s: %s, %s/s", label, d, r);
	}
}

/* The feeder's loop: a plain read/write copy (the pipe's reader is a
 * decompressor, far slower than this). Returns 0, or an errno. */
static int copy(int in_fd, int out_fd, unsigned long long total, bool show, const char *label,
		unsigned long long *done)
{
	static char buf[1 << 16];
	double start = nb_seconds(), next = start + 0.25;

	for (;;) {
		ssize_t n = read(in_fd, buf, sizeof buf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return 0;
		/* EPIPE: the unpacker stopped; it says why. */
		if (nb_write_all(out_fd, buf, (size_t)n) < 0)
			return errno == EPIPE ? 0 : errno;
		*done += (unsigned long long)n;
		if (show && nb_seconds() >= next) {
			show_progress(label, *done, total, nb_seconds() - start);
			next += 0.25;
		}
	}
}

int nb_feed_start(struct nb_feed *f, int in_fd, int out_fd, unsigned long long total, bool show,
		  const char *label, struct nb_err *err)
{
	int st[2];
	pid_t parent = getpid();

	if (pipe2(st, O_CLOEXEC) < 0)
		return nb_fail(err, errno, "cannot create the feeder's pipe");
	f->pid = fork();
	if (f->pid < 0) {
		close(st[0]);
		close(st[1]);
		return nb_fail(err, errno, "cannot start the feeder");
	}
	if (f->pid == 0) {
		unsigned long long done = 0;
		int e;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		signal(SIGPIPE, SIG_IGN);
		close(st[0]);
		e = copy(in_fd, out_fd, total, show, label, &done);
		if (show)
			nb_progress("%s", "");
		dprintf(st[1], "%llu %d", done, e);
		_exit(e ? 1 : 0);
	}
	close(st[1]);
	f->status_r = st[0];
	return 0;
}

int nb_feed_finish(struct nb_feed *f, struct nb_err *err)
{
	char line[64] = "";
	int e = 0, status;

	(void)nb_read_all(f->status_r, line, sizeof line - 1);
	close(f->status_r);
	f->status_r = -1;
	while (waitpid(f->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (sscanf(line, "%llu %d", &f->bytes, &e) != 2)
		e = EPROTO;
	if (e)
		return nb_fail(err, e, "cannot read the image");
	return 0;
}
