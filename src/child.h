/* child.h: the sandbox's first process, inside the new namespaces. Owns
 * the steps between the clone and the payload: the maps (its own single
 * map it writes, any other it waits for), build
 * the sandbox (host name, lo or the network namespace made beside it,
 * the view), then become the payload itself
 * (--as-pid-1) or its init. Never returns to the supervisor's code:
 * failures go back over the error pipe. */
#ifndef NB_CHILD_H
#define NB_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

#include "caps.h"
#include "idmap.h"
#include "seccomp.h"
#include "spec.h"
#include "tty.h"

/* What the child gets from the supervisor, and nothing more. */
struct nb_child {
	const struct nb_spec *spec;
	const struct nb_capset *caps;     /* resolved before the clone */
	const struct nb_seccomp *filter;  /* compiled before the clone */
	const char *user_name;            /* the caller's name, for /etc/passwd */
	const char *resolv_conf;          /* --net=slirp's, or NULL */
	const char *bus_src[2];           /* the session and system bus sockets to bind, or NULL */
	pid_t parent;                     /* the supervisor */
	int sync_r;     /* a byte once the maps are written (none when
			 * plan->self_written); a second once the supervisor
			 * has opened our namespaces and the network is up;
			 * EOF if the supervisor died */
	const struct nb_idplan *plan;     /* self_written: the single map to write ourselves */
	int err_w;      /* a struct nb_err on failure; close-on-exec */
	const struct nb_tty *tty;         /* --tty: its socket and the caller's settings */
	int close_fds[12]; /* the supervisor's own descriptors (-1: none) */
	int announce_w; /* or -1: init says "payload made", then waits on sync_r */
	int exit_w;     /* or -1: init's word of the payload's exit */
	bool late_cgroupns; /* moved into the leaf after clone: unshare then */
	bool late_leaf;     /* moved into the leaf after clone: one more
			     * byte on sync_r says when */
	bool net_beside; /* the network namespace is made beside the view
			  * (net.h), to join before /sys */
	bool ipc_beside; /* the IPC namespace with it */
};

_Noreturn void nb_child_main(const struct nb_child *c);

#endif
