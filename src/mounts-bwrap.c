/* mounts-bwrap.c: the mount kinds bubblewrap's command line adds (nestbox
 * bwrap): files of data read from a descriptor, binds of an open
 * descriptor, --chmod and --lock-file. Built on mounts.c's primitives;
 * none of them changes a host file the user did not name. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mounts-int.h"
#include "util.h"

/* A file of m->data made in the staging tmpfs, mode m->mode, opened O_PATH. */
static int stage_data(struct view *v, const struct nb_mount *m, int *out)
{
	_cleanup_free_ char *staged = nb_xasprintf("file%u", v->n_staged++);
	_cleanup_close_ int fd = openat(v->stage, staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0 || nb_write_all(fd, m->data, m->data_len) < 0 || fchmod(fd, m->mode) < 0)
		return nb_fail(v->err, errno, "%s: cannot stage %s", m->opt, m->dest);
	*out = openat(v->stage, staged, O_PATH | O_CLOEXEC);
	return *out < 0 ? nb_fail(v->err, errno, "%s: cannot stage %s", m->opt, m->dest) : 0;
}

/* --file FD DEST makes DEST with the data; --bind-data binds a staged copy
 * over it, as --file does where DEST exists: what is under it (a host
 * file through a bind) is never truncated. */
int mnt_data(struct view *v, const struct nb_mount *m)
{
	_cleanup_close_ int dir = -1, out = -1, staged = -1;
	const unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (m->ro ? MOUNT_ATTR_RDONLY : 0);
	const char *name;

	if (m->kind == NB_MNT_FILE_DATA) {
		TRY(mnt_open_parent(v, m->dest, m->opt, &dir, &name));
		out = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (out >= 0) {
			if (nb_write_all(out, m->data, m->data_len) < 0 || fchmod(out, m->mode) < 0)
				return nb_fail(v->err, errno, "%s: cannot write %s", m->opt, m->dest);
			mnt_note_made(v, out);
			return 0;
		}
		if (errno != EEXIST)
			return nb_fail(v->err, errno, "%s: cannot create %s in the sandbox", m->opt, m->dest);
	}
	TRY(stage_data(v, m, &staged));
	return mnt_bind_fd(v, staged, m->dest, attrs, m->opt);
}

/* --bind-fd: the fd's mount is the caller's namespace's, so its path is
 * bound, once it is known to lead to the same file. */
int mnt_bind_open_fd(struct view *v, const struct nb_mount *m)
{
	_cleanup_close_ int src = -1;
	struct stat a, b;

	if (mnt_open_src(v, m->src, O_PATH, &src) < 0 || fstat(src, &a) < 0 || fstat(m->fd, &b) < 0)
		return nb_fail(v->err, errno, "%s %d (%s)", m->opt, m->fd, m->src);
	if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return nb_fail(v->err, 0, "%s %d: %s is no longer the file the descriptor holds", m->opt, m->fd, m->src);
	return mnt_bind_fd(v, src, m->dest, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (m->ro ? MOUNT_ATTR_RDONLY : 0),
			   m->opt);
}

/* --chmod: bwrap changes any path's mode; nestbox only a path in a tmpfs
 * the sandbox made, or one this run made with --dir or --file (through a
 * bind too: the user asked for both), never another host file. */
int mnt_chmod(struct view *v, const struct nb_mount *m)
{
	_cleanup_close_ int fd = -1;
	char link[40];
	struct stat st;
	bool own = false;

	TRY(mnt_open_dest(v, m->dest, false, false, m->opt, &fd));
	if (fstat(fd, &st) < 0)
		return nb_fail(v->err, errno, "%s %s", m->opt, m->dest);
	for (unsigned i = 0; i < v->n_own; i++)
		own = own || st.st_dev == v->own[i];
	for (unsigned i = 0; i < v->n_made; i++)
		own = own || (st.st_dev == v->made[i].dev && st.st_ino == v->made[i].ino);
	if (!own)
		return nb_fail_hint(v->err, 0, "nestbox never changes the mode of a file it did not make: copy it in with --file, or --chmod a path made by this run",
				    "%s %o %s: neither in a tmpfs of the sandbox's own nor made by --dir or --file", m->opt, m->mode, m->dest);
	mnt_fd_path(v, fd, link);
	if (chmod(link, m->mode) < 0)
		return nb_fail(v->err, errno, "%s %o %s", m->opt, m->mode, m->dest);
	return 0;
}

/* --lock-file: a read lock, held by init while the sandbox runs, as
 * Flatpak's runtimes need (an update takes the write lock). */
int mnt_lock(struct view *v, const struct nb_mount *m)
{
	struct flock l = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
	int fd;

	if (!v->env->locks || *v->env->n_locks >= NB_MAX_LOCKS)
		return nb_fail(v->err, 0, "%s %s: at most %d lock files", m->opt, m->dest, NB_MAX_LOCKS);
	fd = mnt_openat2(v->root, m->dest, O_RDONLY | O_NONBLOCK | O_NOCTTY, IN_ROOT);
	if (fd < 0)
		return nb_fail(v->err, errno, "%s %s", m->opt, m->dest);
	if (fcntl(fd, F_SETLK, &l) < 0) {
		int e = errno;
		close(fd);
		return nb_fail(v->err, e, "%s %s: cannot lock it", m->opt, m->dest);
	}
	v->env->locks[(*v->env->n_locks)++] = fd;
	return 0;
}
