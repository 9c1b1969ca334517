/* net.h: networking inside the sandbox's own net namespace.
 * Owns bringing up loopback; never touches a host interface. */
#ifndef NB_NET_H
#define NB_NET_H

#include "err.h"

int nb_net_loopback_up(struct nb_err *err);

#endif
