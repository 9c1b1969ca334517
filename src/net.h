/* net.h: networking inside the sandbox's own net namespace.
 * Owns bringing up loopback and its port sysctl, and making that
 * namespace beside the child's view (nb_netns_*); never touches a host
 * interface or a host setting. */
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
 * without one, and a short-lived copy of the supervisor (the "net
 * helper") joins the child's user namespace, makes the network namespace
 * there with lo up, and sends it to the child over a socket of their
 * own, while the child builds its view. The child joins it before
 * anything that needs it (a fresh sysfs, the sysctls, init) and says so
 * to the supervisor, which looks at the child's namespaces only then.
 * The helper is outside the sandbox's PID namespace, so the payload stays
 * pid 2, and it is reaped before any payload code runs. */
struct nb_netns {
	pid_t pid;    /* the helper, until reaped */
	int sock;     /* the helper's end, until it is started */
	pid_t child;  /* whose user namespace the helper joins */
	int pidfd;    /* the child's, or -1 (then /proc/PID/ns/user) */
};
#define NB_NETNS_INIT { .pid = -1, .sock = -1, .child = -1, .pidfd = -1 }

/* Starts the helper for the child; sock (the helper's end) is handed to
 * it and closed here, so that the child sees EOF if the helper dies. */
int nb_netns_start(struct nb_netns *n, pid_t child, int pidfd, int sock, struct nb_err *err);
/* Without a helper: true. Else waits for the child's word on sync (the
 * supervisor's end of the child's sync socket) that it has joined, and
 * reaps the helper; false when the child died first (its error then
 * comes over the error pipe). */
bool nb_netns_wait(struct nb_netns *n, int sync);
/* Kills and reaps a helper still there; closes its socket. */
void nb_netns_release(struct nb_netns *n);

/* The child's ends: the helper's message comes over sock; "joined" goes
 * to the supervisor over reply. */
struct nb_netns_end {
	int sock;  /* or -1: nothing to join, or joined already */
	int reply;
};
/* The child's side: joins the namespace that comes over e->sock, once,
 * or fills err with why none came. */
int nb_netns_join(struct nb_netns_end *e, struct nb_err *err);

#endif
