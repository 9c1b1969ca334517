/* desktop.h: what a desktop application needs from the session, passed
 * in as narrowly as the environment names it. Owns turning --display,
 * --x11, --wayland, --sound, --gpu and --app-id into the view's mounts
 * and the payload's variables: the X11 socket of $DISPLAY with a cookie
 * for that display alone (rewritten to FamilyWild, so the sandbox's own
 * host name does not matter), the Wayland socket of $WAYLAND_DISPLAY, the
 * sound sockets, the GPU devices, a private $XDG_RUNTIME_DIR, and the
 * app's persistent home. Runs in the supervisor, before any process. */
#ifndef NB_DESKTOP_H
#define NB_DESKTOP_H

#include "err.h"
#include "spec.h"

/* After nb_spec_finish: adds the mounts and variables to spec. */
int nb_desktop_resolve(struct nb_spec *spec, struct nb_err *err);

/* The entries of an Xauthority file (data, len) for display number
 * `display`, rewritten to FamilyWild; *out is malloc'd, *out_len may be
 * 0 (no entry). Exported for the fuzz and unit tests. */
int nb_xauth_filter(const char *data, size_t len, const char *display, const char *host, char **out, size_t *out_len);

#endif
