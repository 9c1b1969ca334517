/* status.h: what nestbox reports about a running sandbox to other
 * programs: --info-fd and --json-status-fd, in bubblewrap's JSON formats
 * plus the published ports and cgroup stats. Writes only to the fds the
 * caller gave; never fails the run. */
#ifndef NB_STATUS_H
#define NB_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
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
void nb_status_info(const struct nb_status *st, const struct nb_network *net, const uint16_t *ports, int fd,
		    bool close_it);
/* The exit object, one line: {"exit-code": N, ...the cgroup's stats}, or
 * with a note when there was no leaf to count (note_missing). */
void nb_status_exit_json(int exit_code, const struct nb_cgroup_stats *st, bool note_missing, char *buf,
			 size_t len);
/* json-status-fd's last line, and the fd closed. */
void nb_status_exit(int fd, const char *json);

#endif
