/* status.h: what nestbox reports about a running sandbox to other
 * programs: --info-fd and --json-status-fd, in bubblewrap's JSON formats
 * plus the published ports and cgroup stats. Writes only to the fds the
 * caller gave; never fails the run. */
#ifndef NB_STATUS_H
#define NB_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec.h"

#define NB_STATUS_NS 7

struct nb_status {
	pid_t child;
	unsigned long ns[NB_STATUS_NS]; /* inode of each namespace the sandbox made, or 0 */
};

/* Reads the child's namespaces: only while the child is still dumpable
 * (before it is released), since init later hides its /proc/PID/ns. */
void nb_status_collect(struct nb_status *st, pid_t child);
/* The sandbox's pid, namespaces and ports: pretty and closed (info-fd),
 * or on one line and kept open (json-status-fd). */
void nb_status_info(const struct nb_status *st, const struct nb_spec *spec, const uint16_t *ports, int fd,
		    bool close_it);
/* json-status-fd's last line: {"exit-code": N}, with the cgroup stats. */
void nb_status_exit(int fd, int exit_code, const char *stats);

#endif
