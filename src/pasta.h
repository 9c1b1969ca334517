/* pasta.h: the supervisor's side of --net=pasta. Owns the pasta process
 * (passt's, run as a program, never re-implemented): in the foreground,
 * our child, dying with us, configured with the slirp network's addresses
 * on the child's namespaces, with the host's loopback closed unless asked,
 * nothing forwarded from the sandbox to the host, and the published ports
 * bound by pasta on the host. It shares struct nb_slirp, and its checks of
 * the ports, with slirp.c, which calls these for --net=pasta. */
#ifndef NB_PASTA_H
#define NB_PASTA_H

#include <sys/types.h>

#include "slirp.h"

int nb_pasta_prepare(const struct nb_network *net, struct nb_slirp *s, struct nb_err *err);
int nb_pasta_start(const struct nb_network *net, struct nb_slirp *s, pid_t child, struct nb_err *err);
/* Waits for pasta's word that the network is up (its pid, on a pipe). */
int nb_pasta_ready(const struct nb_network *net, struct nb_slirp *s, struct nb_err *err);

#endif
