/* capture.h: running another program and keeping what it prints, for
 * doctor's checks and for the name services nestbox asks (nss.c): with a
 * deadline, in a process group of its own that the deadline kills whole,
 * and always reaped. */
#ifndef NB_CAPTURE_H
#define NB_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

struct nb_capture {
	int status;        /* the wait status */
	bool timed_out;    /* the deadline came first, and killed it */
	bool truncated;    /* it wrote more than out holds */
	double seconds;    /* how long it ran */
	size_t got;
	char out[4096];    /* what it wrote on the descriptor, NUL-terminated */
};

/* Runs argv (argv[0] is the file) with stdin and the other output on
 * /dev/null and no signal blocked, keeping what it writes on fd (1 or 2).
 * -1 with errno when it could not start. */
int nb_capture_run(char *const argv[], int fd, int timeout_ms, struct nb_capture *c);

#endif
