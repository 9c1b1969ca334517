/* dbus.h: D-Bus through a filter (--dbus=filtered). Owns xdg-dbus-proxy,
 * run outside the sandbox with the rules given (--dbus-talk, -own, -see,
 * -call, -broadcast), its private socket directory, waiting for it to be
 * ready, and stopping it with the sandbox so that nothing is left. The
 * sandbox sees only the proxy's socket, bound where its bus is expected. */
#ifndef NB_DBUS_H
#define NB_DBUS_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "spec.h"

struct nb_dbus {
	pid_t pid;          /* the proxy, or -1 */
	int sync;           /* its --fd: closing it stops the proxy */
	char *dir;          /* the 0700 directory of its sockets */
	char *session, *system; /* the sockets to bind in, or NULL */
	bool session_is_host;   /* --dbus=full: the host's own bus, never removed */
};
#define NB_DBUS_INIT { .pid = -1, .sync = -1 }

/* Starts the proxy for what d asks and waits until its sockets exist;
 * for --dbus=full, names the host's bus socket instead. */
int nb_dbus_start(const struct nb_desktop *d, struct nb_dbus *p, struct nb_err *err);
/* Stops it, reaps it, removes its sockets. */
void nb_dbus_release(struct nb_dbus *p);

/* The session bus's socket path from DBUS_SESSION_BUS_ADDRESS
 * ("unix:path=..."), or NULL. */
char *nb_dbus_session_path(void);

#endif
