/* mounts-int.h: what mounts.c (mount primitives and the user's mount
 * kinds) shares with view.c (the standard view and its order). Private to
 * the two. */
#ifndef NB_MOUNTS_INT_H
#define NB_MOUNTS_INT_H

#include <linux/openat2.h>
#include <stdbool.h>

#include "mounts.h"

struct view {
	const struct nb_view_env *env;
	const struct nb_view *spec; /* env->view */
	int host;          /* O_PATH: the host's root, at /oldroot */
	int root;          /* O_PATH: the root being built, at /newroot */
	unsigned n_staged; /* files and dirs made in the staging root */
	char *home;        /* the payload's home (nb_mounts_setup) */
	struct nb_err *err;
};

#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

/* openat2() with O_CLOEXEC. */
int mnt_openat2(int dirfd, const char *path, int flags, unsigned long long resolve);
/* A host path, resolved in the host's root (IN_ROOT). */
int mnt_open_src(struct view *v, const char *path, int flags, int *out);
/* DEST in the new root, creating missing directories (and the last
 * component as a file, with `file`) when `create`. */
int mnt_open_dest(struct view *v, const char *dest, bool file, bool create, const char *opt, int *out);
/* Mounts a detached mount on destfd. */
int mnt_attach(struct view *v, int mnt, int destfd, const char *opt, const char *dest);
/* A recursive bind of srcfd, of a host path or of an fd, with attrs
 * (MOUNT_ATTR_*) on every submount. */
int mnt_bind_at(struct view *v, int srcfd, int destfd, const char *dest, unsigned attrs, const char *opt);
int mnt_bind_fd(struct view *v, int srcfd, const char *dest, unsigned attrs, const char *opt);
int mnt_bind_host(struct view *v, const char *src, const char *dest, unsigned attrs, bool try_,
		  const char *opt);
/* A new filesystem of `type`, on destfd or on DEST (made if missing). */
int mnt_mount_at(struct view *v, const char *type, const char *const *opts, unsigned attrs, int destfd,
		 const char *dest, const char *opt);
int mnt_mount_fs(struct view *v, const char *type, const char *const *opts, unsigned attrs, const char *dest,
		 const char *opt);
/* The standard pieces: a tmpfs, /proc, /dev, /sys. */
int mnt_tmpfs(struct view *v, const char *dest, const char *mode, const char *size, const char *opt);
int mnt_proc(struct view *v, const char *dest, const char *opt);
int mnt_dev(struct view *v, const char *dest, const char *opt);
int mnt_sys(struct view *v);
/* One of the user's mounts (--bind ... --overlay). */
int mnt_apply(struct view *v, const struct nb_mount *m);
/* "A/B", or "/B" when A is "/" (malloc'd). */
char *mnt_join(const char *a, const char *b);

#endif
