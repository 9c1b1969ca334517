/* mounts-int.h: what mounts.c (mount primitives and the user's mount
 * kinds) shares with view.c (the standard view and its order) and
 * mounts-bwrap.c (bubblewrap's extra kinds). Private to the three. */
#ifndef NB_MOUNTS_INT_H
#define NB_MOUNTS_INT_H

#include <linux/openat2.h>
#include <stdbool.h>
#include <sys/types.h>

#include "mounts.h"

struct view {
	const struct nb_view_env *env;
	const struct nb_view *spec; /* env->view */
	int host;          /* O_PATH: the host's root, "/" until the pivot
			    * (or /oldroot, host_at, in bwrap's way) */
	const char *host_at; /* where the host's root is: "" or "/oldroot" */
	int root;          /* O_PATH: the root being built, at stage's newroot */
	int stage;         /* O_PATH: the staging tmpfs, under a copy of the
			    * host's /tmp: what nestbox makes to bind
			    * (generated files, masks, an overlay's upper) */
	unsigned n_staged; /* files and dirs made in the staging tmpfs */
	char *home;        /* the payload's home (nb_mounts_setup) */
	bool chmods;       /* some --chmod: what follows is noted only then */
	dev_t own[32];     /* the tmpfs this view made, and (below) the files and */
	unsigned n_own;    /* directories it made: --chmod works only on those */
	struct { dev_t dev; ino_t ino; } made[64];
	unsigned n_made;
	unsigned parent_mode; /* of missing parents made for a destination */
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
/* A path to our own descriptor, through the host's proc (40 bytes). */
void mnt_fd_path(const struct view *v, int fd, char buf[static 40]);
/* DEST's parent, opened (created as needed), and DEST's last name. */
int mnt_open_parent(struct view *v, const char *dest, const char *opt, int *fd, const char **name);
/* bwrap's kinds (mounts-bwrap.c): --file and --bind-data, --bind-fd,
 * --chmod, --lock-file. */
int mnt_data(struct view *v, const struct nb_mount *m);
int mnt_bind_open_fd(struct view *v, const struct nb_mount *m);
int mnt_chmod(struct view *v, const struct nb_mount *m);
int mnt_lock(struct view *v, const struct nb_mount *m);
/* One of the user's mounts (--bind ... --overlay). */
int mnt_apply(struct view *v, const struct nb_mount *m);
/* Notes that the filesystem at fd is one this view made. */
void mnt_note_own(struct view *v, int fd);
/* Notes that this view made the file or directory at fd. */
void mnt_note_made(struct view *v, int fd);
/* "A/B", or "/B" when A is "/" (malloc'd). */
char *mnt_join(const char *a, const char *b);

#endif
