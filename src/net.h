/* net.h: networking inside the sandbox's own net namespace.
 * Owns bringing up loopback and its port sysctl, and making that
 * namespace beside the child's view (nb_netns_*); never touches a host
 * interface or a host setting. */
#ifndef NB_NET_H
#define NB_NET_H

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
 * there with lo up, and sends it to the child over a socket, while the
 * child builds its view. The child joins it before anything that needs it
 * (a fresh sysfs, the sysctls, init) and says so; only then does the
 * supervisor look at the child's namespaces. The helper is outside the
 * sandbox's PID namespace, so the payload stays pid 2, and it is gone
 * before any payload code runs. */
struct nb_netns {
	pid_t pid;   /* the helper, until reaped */
	int sock;    /* the supervisor's end; the helper sends on it */
	pid_t child; /* whose user namespace the helper joins */
	int pidfd;   /* the child's, or -1 (then /proc/PID/ns/user) */
};
#define NB_NETNS_INIT { .pid = -1, .sock = -1, .child = -1, .pidfd = -1 }

/* Starts the helper for the child (sock: its socket's supervisor end,
 * taken over). */
int nb_netns_start(struct nb_netns *n, pid_t child, int pidfd, int sock, struct nb_err *err);
/* Waits until the child has joined the namespace, or has died (its error
 * then comes over the error pipe), and reaps the helper. */
void nb_netns_wait(struct nb_netns *n);
/* Kills and reaps a helper still there; closes the socket. */
void nb_netns_release(struct nb_netns *n);
/* The child's side: joins the namespace that comes over *sock, once
 * (then *sock is -1), or fills err with why none came. */
int nb_netns_join(int *sock, struct nb_err *err);

#endif
