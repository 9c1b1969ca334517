/* feed.h: copying a file into a pipe from a process of its own, with a
 * progress line on the terminal. `nestbox import` feeds the image to the
 * unpacker this way, so that it can say how far it got. */
#ifndef NB_FEED_H
#define NB_FEED_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

struct nb_feed {
	pid_t pid;
	int status_r;              /* the feeder's final count, then EOF */
	unsigned long long bytes;  /* read from in, once nb_feed_finish ran */
};

/* Starts a process that copies in_fd to out_fd until EOF, then exits; it
 * dies with us. total: in_fd's size, or 0 when unknown. With show, it
 * prints "LABEL: 12.3 MiB of 200.0 MiB (6%), 45.6 MiB/s" four times a
 * second, and clears the line at the end. The caller closes its copies
 * of both descriptors afterwards. */
int nb_feed_start(struct nb_feed *f, int in_fd, int out_fd, unsigned long long total, bool show,
		  const char *label, struct nb_err *err);
/* Reaps it; f->bytes is what it read. -1 with err if it failed to read. */
int nb_feed_finish(struct nb_feed *f, struct nb_err *err);

/* "12.3 MiB", "4 KiB". */
void nb_human_size(unsigned long long b, char *buf, size_t len);

#endif
