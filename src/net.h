/* net.h: networking inside the sandbox's own net namespace.
 * Owns bringing up loopback and its port sysctl, and making that
 * namespace (with the IPC namespace) beside the child's view
 * (nb_netns_*); never touches a host interface or a host setting. */
#ifndef NB_NET_H
#define NB_NET_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

int nb_net_loopback_up(struct nb_err *err);
/* Lets any user of the sandbox bind ports below 1024 in its own network
 * namespace, as rootless podman does, so that `-p 8080:80` reaches a
 * server that is not root inside. */
int nb_net_low_ports(struct nb_err *err);

/* The kernel takes about half a millisecond to make a network namespace,
 * longer than all the other namespaces together. So the child is cloned
 * without one; first thing (it needs no map: it has every capability
 * in its user namespace), it starts a short-lived copy of itself (the
 * "net helper"), which makes the network namespace with lo up and sends
 * it back over a socket of their own while the child builds its view.
 * A fresh IPC namespace (35 us more, with its mqueue mount) comes with it
 * the same way, joined at the same point, before any mqueue mount.
 * The child joins it before anything that needs it (a fresh sysfs, the
 * sysctls, init), reaps the helper, and says so to the supervisor, which
 * looks at the child's namespaces only then. No payload code runs before
 * the helper is gone. In a PID namespace of the sandbox's own the helper
 * takes a pid of its own choosing (NB_NETNS_HELPER_PID), so the payload
 * stays pid 2. */
#define NB_NETNS_HELPER_PID 300 /* below any pid_max (PID_MAX_MIN is 301) */

/* The supervisor's side: waits for the child's word on sync (its end of
 * the child's sync socket) that it has joined, with the CPU it ran on
 * then (-1: unknown); false when the child died first (its error then
 * comes over the error pipe). */
bool nb_netns_joined(int sync, int *cpu);

/* The child's side. */
struct nb_netns_end {
	int sock;     /* the helper's message comes over it; or -1: nothing
		       * to join, or joined already */
	pid_t helper; /* until reaped, or -1 */
	int reply;    /* "joined" goes to the supervisor over it */
	bool ipc;     /* the helper makes the IPC namespace too */
};
#define NB_NETNS_END_INIT(reply_fd) { .sock = -1, .helper = -1, .reply = (reply_fd) }
/* Starts the helper (own_pidns: with NB_NETNS_HELPER_PID; ipc: the IPC
 * namespace too). Where no helper can start, makes the namespaces here
 * instead, and has joined. */
int nb_netns_begin(struct nb_netns_end *e, bool own_pidns, bool ipc, struct nb_err *err);
/* Joins the namespaces that come over e->sock, once, or fills err with
 * why none came; reaps the helper either way. */
int nb_netns_join(struct nb_netns_end *e, struct nb_err *err);

#endif
