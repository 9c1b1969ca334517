/* mounts.h: the sandbox's filesystem view, built inside its own mount
 * namespace: the default read-only view of the host or a --rootfs, then the
 * user's mounts in order. Never changes a mount the host can see:
 * propagation to the host is cut first. */
#ifndef NB_MOUNTS_H
#define NB_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "net.h"
#include "spec.h"

/* The view, and what it needs from the rest of the sandbox. */
struct nb_view_env {
	const struct nb_view *view;
	unsigned shared;          /* NB_NS_* kept from the host: /proc, /sys */
	bool allow_userns;        /* /proc and /sys unmasked, for nested sandboxes */
	bool own_userns;          /* the mount namespace came with a new user
				   * namespace, in one clone */
	uint32_t uid, gid;        /* the payload's, for /etc/passwd and $HOME */
	const char *user_name;    /* the caller's name, for /etc/passwd */
	const char *home;         /* the home an added passwd entry names, made
				   * empty and writable in the default view */
	const char *resolv_conf;  /* bound over /etc/resolv.conf, or NULL */
	const char *bus_src[2];   /* session and system bus sockets (the proxy's), or NULL */
	const char *bus_dest[2];  /* where they go inside */
	bool bwrap_words;         /* messages as bwrap's, which its callers match */
	int *locks;               /* out: --lock-file's descriptors, for init to hold */
	size_t *n_locks;          /* at most NB_MAX_LOCKS */
	struct nb_netns_end *net; /* the network namespace to join before a
				   * fresh sysfs, which shows the mounter's
				   * (nb_netns_join); or NULL */
};

#define NB_MAX_LOCKS 16

/* Builds the view and pivots into it; the cwd is then inside the new root.
 * *home (malloc'd): the payload's home there, from the view's passwd
 * entry for its uid when it has one, else env->home. */
int nb_mounts_setup(const struct nb_view_env *env, char **home, struct nb_err *err);

#endif
