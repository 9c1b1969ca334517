/* mounts.c: see mounts.h. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

static int do_mount(const char *src, const char *dst, const char *type, unsigned long flags,
		    const char *data, struct nb_err *err)
{
	if (mount(src, dst, type, flags, data) < 0)
		return nb_fail(err, errno, "cannot mount %s on %s", type ? type : src, dst);
	return 0;
}

/* The device nodes a program expects; all are harmless character devices.
 * They are bind mounts of the host's nodes, since mknod is not allowed in
 * a user namespace. */
static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };

static int setup_dev(struct nb_err *err)
{
	int tree[ARRAY_SIZE(devices)];
	static const char *const links[][2] = {
		{ "/proc/self/fd", "/dev/fd" },	      { "/proc/self/fd/0", "/dev/stdin" },
		{ "/proc/self/fd/1", "/dev/stdout" }, { "/proc/self/fd/2", "/dev/stderr" },
		{ "pts/ptmx", "/dev/ptmx" },
	};
	int rc = 0;
	size_t n = 0;

	/* Clone the host nodes before the new /dev hides them. */
	for (; n < ARRAY_SIZE(devices); n++) {
		char path[32];
		snprintf(path, sizeof path, "/dev/%s", devices[n]);
		tree[n] = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (tree[n] < 0) {
			rc = nb_fail(err, errno, "cannot clone %s", path);
			goto out;
		}
	}
	if (do_mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755", err) < 0) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char path[32];
		int fd;

		snprintf(path, sizeof path, "/dev/%s", devices[i]);
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
		if (fd < 0) {
			rc = nb_fail(err, errno, "cannot create %s", path);
			goto out;
		}
		close(fd);
		if (move_mount(tree[i], "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
			rc = nb_fail(err, errno, "cannot bind the host's %s", path);
			goto out;
		}
	}
	/* A private devpts: the host's terminals stay out of reach. */
	if (mkdir("/dev/pts", 0755) < 0 || mkdir("/dev/shm", 01777) < 0) {
		rc = nb_fail(err, errno, "cannot create directories in /dev");
		goto out;
	}
	if (do_mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=620", err) < 0 ||
	    do_mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", err) < 0) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlink(links[i][0], links[i][1]) < 0) {
			rc = nb_fail(err, errno, "cannot create %s", links[i][1]);
			goto out;
		}
out:
	for (size_t i = 0; i < n; i++)
		close(tree[i]);
	return rc;
}

int nb_mounts_setup(const struct nb_spec *spec, struct nb_err *err)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };

	/* Slave, not private: host mounts still appear (a USB stick), but
	 * nothing done here reaches the host. */
	TRY(do_mount("none", "/", NULL, MS_REC | MS_SLAVE, NULL, err));
	/* Read-only first, recursively; what is mounted after stays writable. */
	if (mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &ro, sizeof ro) < 0)
		return nb_fail(err, errno, "cannot make the host view read-only"),
		       nb_hint(err, "nestbox needs Linux 5.12 or newer (mount_setattr)");
	/* A fresh /proc needs the new PID namespace: the host's cannot be
	 * mounted from a user namespace, so --share=pid keeps the host's. */
	if (!(spec->shared & NB_NS_PID))
		TRY(do_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err));
	TRY(do_mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", err));
	TRY(setup_dev(err));
	return 0;
}
