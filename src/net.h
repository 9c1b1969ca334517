/* net.h: networking inside the sandbox's own net namespace.
 * Owns bringing up loopback and its port sysctl; never touches a host
 * interface or a host setting. */
#ifndef NB_NET_H
#define NB_NET_H

#include "err.h"

int nb_net_loopback_up(struct nb_err *err);
/* Lets any user of the sandbox bind ports below 1024 in its own network
 * namespace, as rootless podman does, so that `-p 8080:80` reaches a
 * server that is not root inside. */
int nb_net_low_ports(struct nb_err *err);

#endif
