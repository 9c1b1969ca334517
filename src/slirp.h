/* slirp.h: the supervisor's side of --net=slirp (and, through pasta.c, of
 * --net=pasta). Owns the slirp4netns process (run as a program, never
 * re-implemented), its ready and exit pipes, and its API socket, whose
 * name exists only while the published ports are added. Never leaves
 * slirp4netns, pasta or the socket behind. */
#ifndef NB_SLIRP_H
#define NB_SLIRP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec.h"

struct nb_slirp {
	pid_t pid;          /* pasta, our child, or -1 (slirp4netns is not ours) */
	int exit_w;         /* held by the supervisor: its death (even SIGKILL) ends slirp */
	int ready_r;        /* slirp writes "1" here when the network is up */
	int log;            /* a memfd holding slirp's stderr, for errors */
	int pidfd;          /* readable when slirp4netns has ended (--net-lost) */
	pid_t started;      /* slirp4netns's or pasta's pid as started, or -1 */
	char *dir, *sock;   /* the API socket, 0700 directory */
	int api;            /* O_PATH to the socket once its name is gone, to unpublish */
	long long *fwd_ids; /* slirp4netns's id of each published port */
	size_t n_fwd;       /* how many of them were published */
	char *path;         /* slirp4netns */
	uint16_t *ports;    /* the host port of each --publish, 0s resolved */
	bool pasta;         /* --net=pasta: pid is pasta, our child */
	bool wait_exit;     /* pasta's ports are published: they must be free on return */
};

#define NB_SLIRP_INIT { .pid = -1, .exit_w = -1, .ready_r = -1, .log = -1, .pidfd = -1, .started = -1, .api = -1 }

/* Before any process exists: find slirp4netns and check that it can run
 * here (/dev/net/tun), and that every host port to publish is free. */
int nb_slirp_prepare(const struct nb_network *net, struct nb_slirp *s, struct nb_err *err);
/* Starts slirp4netns on the child's namespaces; the child goes on with its
 * own set-up meanwhile. */
int nb_slirp_start(const struct nb_network *net, struct nb_slirp *s, pid_t child, struct nb_err *err);
/* Waits for the network, publishes the ports, removes the API socket's
 * name. */
int nb_slirp_ready(const struct nb_network *net, struct nb_slirp *s, struct nb_err *err);
/* Ends the helper. Published ports are free on return: slirp4netns is
 * asked to close them, and only if it cannot, its exit is waited for. */
void nb_slirp_release(struct nb_slirp *s);

/* Shared with pasta.c: the free host port of each --publish, the slirp
 * network's base address, and the last line of the helper's log. */
int nb_slirp_check_ports(const struct nb_network *net, struct nb_slirp *s, struct nb_err *err);
uint32_t nb_slirp_net_base(const struct nb_network *net);
void nb_slirp_read_log(const struct nb_slirp *s, char *buf, size_t len);
/* "slirp4netns" or "pasta", for messages. */
const char *nb_slirp_name(const struct nb_network *net);

/* The sandbox's resolv.conf for --net=slirp (malloc'd), from --dns, or the
 * slirp DNS address of the network unless --disable-dns. */
char *nb_slirp_resolv_conf(const struct nb_network *net);

#endif
