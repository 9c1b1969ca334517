/* view.c: nb_mounts_setup(), the sandbox's view, from the primitives of
 * mounts.c. The view is built in a fresh tmpfs, like
 * bubblewrap's, but every mount goes through file descriptors (open_tree,
 * fsopen/fsmount, move_mount, mount_setattr) and every destination is
 * resolved with openat2(RESOLVE_IN_ROOT): a symlink inside the new root,
 * even a planted one, cannot lead a mount out of it.
 *
 *   1. make every host mount a slave, so nothing here reaches the host;
 *   2. mount a staging tmpfs on the host's /tmp (in this namespace), with
 *      a copy of that /tmp back on top; the new root is built in it, from
 *      the host's paths;
 *   3. build the view in the order doc/design.md lists ("The view");
 *   4. pivot into the new root and detach the old one, with the host
 *      and the staging tmpfs, so that nothing of them stays reachable.
 * One pivot_root, not bwrap's two: each visits every thread on the
 * machine (chroot_fs_refs), which on a busy one takes long. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "mounts-int.h"
#include "report.h"
#include "util.h"

/* --- identity files ----------------------------------------------------- */

/* The line for id in passwd or group text (field 3 is the numeric id). */
static const char *id_line(const char *content, uint32_t id)
{
	char needle[24];
	const char *p = content;

	snprintf(needle, sizeof needle, "%u:", id);
	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *f = p;
		for (int i = 0; i < 2 && f; i++) {
			f = strchr(f, ':');
			f = f ? f + 1 : NULL;
		}
		if (f && strncmp(f, needle, strlen(needle)) == 0)
			return p;
	}
	return NULL;
}

/* Field 6 of a passwd line, the home, if it is an absolute path. */
static char *line_home(const char *line)
{
	const char *f = line;
	size_t n;

	for (int i = 0; i < 5 && f; i++) {
		f = strpbrk(f, ":\n");
		f = f && *f == ':' ? f + 1 : NULL;
	}
	if (!f || *f != '/')
		return NULL;
	n = strcspn(f, ":\n");
	return nb_xstrndup(f, n);
}

/* Binds a file of the given content, made in the staging tmpfs, on destfd
 * (read-only). The file under it is never written. */
static int bind_generated_on(struct view *v, int destfd, const char *dest, const char *content, size_t len,
			     const char *opt)
{
	_cleanup_free_ char *staged = nb_xasprintf("generated%u", v->n_staged++);
	_cleanup_close_ int out = openat(v->stage, staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (out < 0 || nb_write_all(out, content, len) < 0)
		return nb_fail(v->err, errno, "%s: cannot write the sandbox's %s", opt, dest);
	nb_closep(&out);
	out = openat(v->stage, staged, O_PATH | O_CLOEXEC);
	if (out < 0)
		return nb_fail(v->err, errno, "%s: cannot open the sandbox's %s", opt, dest);
	return mnt_bind_at(v, out, destfd, dest, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, opt);
}

/* The same over DEST, made if missing; only ever over a regular file. */
static int bind_generated(struct view *v, const char *dest, const char *content, size_t len, const char *opt)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	TRY(mnt_open_dest(v, dest, true, true, opt, &fd));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return nb_fail(v->err, 0, "%s: %s in the sandbox is %s, not a regular file to replace", opt, dest,
			       nb_file_type(st.st_mode));
	return bind_generated_on(v, fd, dest, content, len, opt);
}

/* The identity files are read from the view, which a --rootfs controls.
 * Each must be the regular file it claims to be, reached without any
 * symbolic link (a link to /dev/tty would read the user's keystrokes, one
 * to /proc/self/environ the caller's environment), and of sane size. */
#define ID_FILE_MAX ((size_t)8 << 20)

/* "/etc/NAME in --rootfs DIR" or "the host's /etc/NAME", for messages. */
static char *etc_name(const struct view *v, const char *name)
{
	return v->spec->rootfs ? nb_xasprintf("/etc/%s in --rootfs %s", name, v->spec->rootfs)
			       : nb_xasprintf("the host's /etc/%s", name);
}

/* Opens /etc/NAME of the view for reading: the fd, -2 if it does not
 * exist (nothing to extend), or -1 with err. */
static int open_etc_file(struct view *v, const char *name, const char *what)
{
	_cleanup_close_ int etc = mnt_openat2(v->root, "/etc", O_PATH | O_DIRECTORY, IN_ROOT);
	int fd;

	if (etc < 0)
		return errno == ENOENT ? -2 : nb_fail(v->err, errno, "cannot open %s", what);
	/* O_NONBLOCK: a FIFO is opened without waiting, then refused. */
	fd = mnt_openat2(etc, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY,
			RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd >= 0 || errno == ENOENT)
		return fd >= 0 ? fd : -2;
	if (errno == ELOOP)
		nb_fail(v->err, 0, "cannot add your user to %s: it is a symbolic link", what);
	else
		nb_fail(v->err, errno, "cannot add your user to %s", what);
	return nb_hint(v->err, "nestbox reads and replaces only a regular file there: copy the link's target over it");
}

/* When the identity inside has no entry in the view's /etc/passwd (or
 * group), bind a copy with one added over the file itself. For passwd,
 * the home of an entry there is the payload's. */
static int add_identity(struct view *v, const char *name, uint32_t id, const char *entry)
{
	const char *line;
	_cleanup_free_ char *what = etc_name(v, name);
	_cleanup_free_ char *content = NULL, *out = NULL;
	_cleanup_close_ int fd = open_etc_file(v, name, what);
	size_t n, elen = strlen(entry), len;

	if (fd == -2)
		return 0;
	if (fd < 0)
		return -1;
	if (nb_read_fd_regular(fd, what, ID_FILE_MAX, &content, &n, v->err) < 0)
		return nb_hint(v->err, "nestbox adds your user to it, and reads and replaces only a regular file of at most %zu MiB there",
			       ID_FILE_MAX >> 20);
	if ((line = id_line(content, id))) {
		if (strcmp(name, "passwd") == 0) {
			char *home = line_home(line);
			if (home)
				free(v->home), v->home = home;
		}
		return 0;
	}
	/* Sized from the data: the file, a newline if it lacks one, the entry. */
	out = nb_xmalloc(n + 1 + elen + 1);
	memcpy(out, content, n);
	len = n;
	if (n > 0 && content[n - 1] != '\n')
		out[len++] = '\n';
	memcpy(out + len, entry, elen + 1);
	len += elen;
	return bind_generated_on(v, fd, what, out, len, "the identity files");
}

static int identity_files(struct view *v, const char *name)
{
	const struct nb_view_env *s = v->env;
	_cleanup_free_ char *pw = NULL, *gr = NULL;

	pw = nb_xasprintf("%s:x:%u:%u:nestbox:%s:/bin/sh\n", name, s->uid, s->gid, v->home);
	gr = nb_xasprintf("%s:x:%u:\n", name, s->gid);
	TRY(add_identity(v, "passwd", s->uid, pw));
	return add_identity(v, "group", s->gid, gr);
}

/* --- the two views ------------------------------------------------------ */

/* The host's system directories, read-only; a symlink (merged /usr) is
 * recreated as the same symlink. */
static int host_system(struct view *v)
{
	static const char *const dirs[] = { "usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "opt" };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		_cleanup_free_ char *p = mnt_join("/", dirs[i]);
		char target[4096];
		ssize_t n = readlinkat(v->host, dirs[i], target, sizeof target - 1);

		if (n >= 0) {
			target[n] = '\0';
			if (symlinkat(target, v->root, dirs[i]) < 0)
				return nb_fail(v->err, errno, "cannot create the symlink %s", p);
			continue;
		}
		if (errno == ENOENT)
			continue;
		TRY(mnt_bind_host(v, p, p, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, true,
			      "the default view"));
	}
	return 0;
}

/* A writable directory at DEST: made in the view's own tmpfs and bound on
 * itself, so that it stays writable once the root turns read-only (step
 * 8). A mount, as a tmpfs of its own was, but without a filesystem to
 * make and to tear down at the end. Where DEST exists already (a host
 * directory, through a read-only bind), a tmpfs hides it as before. */
static int scratch_dir(struct view *v, const char *dest, mode_t mode, bool users, const char *opt)
{
	_cleanup_close_ int parent = -1, fd = -1;
	_cleanup_free_ char *d = nb_xstrdup(dest);
	size_t n = strlen(d);
	const char *name;
	char path[40];

	while (n > 1 && d[n - 1] == '/') /* a $HOME of "/home/me/" */
		d[--n] = '\0';
	if (strcmp(d, "/") == 0)
		return 0;
	TRY(mnt_open_parent(v, d, opt, &parent, &name));
	if (mkdirat(parent, name, mode) < 0) {
		char m[8], uid[16], gid[16];
		const char *o[] = { "mode", m, users ? "uid" : NULL, uid, "gid", gid, NULL };

		if (errno != EEXIST)
			return nb_fail(v->err, errno, "%s: cannot create %s in the sandbox", opt, dest);
		snprintf(m, sizeof m, "%04o", (unsigned)mode);
		snprintf(uid, sizeof uid, "%u", v->env->uid);
		snprintf(gid, sizeof gid, "%u", v->env->gid);
		return mnt_mount_fs(v, "tmpfs", o, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, dest, opt);
	}
	if (users && fchownat(parent, name, v->env->uid, v->env->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return nb_fail(v->err, errno, "%s: cannot give %s to the sandbox's user", opt, dest);
	fd = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return nb_fail(v->err, errno, "%s: cannot open %s in the sandbox", opt, dest);
	mnt_fd_path(v, fd, path);
	if (mount(path, path, NULL, MS_BIND, NULL) < 0)
		return nb_fail(v->err, errno, "%s: cannot mount on %s", opt, dest);
	return 0;
}

static int default_view(struct view *v)
{
	const char *home = v->env->home;
	const char *opt = "the default view";

	TRY(host_system(v));
	TRY(scratch_dir(v, "/tmp", 01777, false, opt));
	TRY(scratch_dir(v, "/var/tmp", 01777, false, opt));
	TRY(scratch_dir(v, "/run", 0755, false, opt));
	TRY(scratch_dir(v, "/home", 0755, false, opt));
	/* $HOME exists, empty and writable: nothing of the real one shows. */
	if (home && home[0] == '/' && strcmp(home, "/") != 0 && strstr(home, "/..") == NULL)
		TRY(scratch_dir(v, home, 0700, true, opt));
	TRY(mnt_proc(v, "/proc", opt));
	TRY(mnt_dev(v, "/dev", opt));
	return mnt_sys(v);
}

/* A tmpfs of the payload's own, 0700. */
static int private_tmpfs(struct view *v, int destfd, const char *dest, const char *opt)
{
	char uid[16], gid[16];
	const char *o[] = { "mode", "0700", "uid", uid, "gid", gid, NULL };

	snprintf(uid, sizeof uid, "%u", v->env->uid);
	snprintf(gid, sizeof gid, "%u", v->env->gid);
	return mnt_mount_at(v, "tmpfs", o, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, destfd, dest, opt);
}

/* $XDG_RUNTIME_DIR, private to the payload and empty but for the sockets
 * passed in later; and --app-id's home over $HOME. In a --rootfs the
 * runtime dir is made only where the rootfs has it: nestbox never adds
 * directories to a rootfs on its own. */
static int desktop_dirs(struct view *v)
{
	const char *rt = v->spec->runtime_dir;

	if (rt) {
		_cleanup_close_ int fd = -1;
		struct nb_err quiet;
		struct view probe = *v;

		probe.err = &quiet;
		if (mnt_open_dest(&probe, rt, false, !v->spec->rootfs, "$XDG_RUNTIME_DIR", &fd) == 0)
			TRY(private_tmpfs(v, fd, rt, "$XDG_RUNTIME_DIR"));
		else
			nb_verbose("no $XDG_RUNTIME_DIR (%s) inside: %s", rt, quiet.msg);
	}
	if (v->spec->app_home)
		TRY(mnt_bind_host(v, v->spec->app_home, v->home, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, false, "--app-id"));
	for (size_t i = 0; i < 2; i++)
		if (v->env->bus_src[i] && v->env->bus_dest[i])
			TRY(mnt_bind_host(v, v->env->bus_src[i], v->env->bus_dest[i],
					  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, false, i ? "--dbus-system" : "--dbus"));
	return 0;
}

static int rootfs_view(struct view *v)
{
	const char *opt = "--rootfs";

	TRY(mnt_tmpfs(v, "/tmp", "1777", NULL, opt));
	TRY(mnt_proc(v, "/proc", opt));
	TRY(mnt_dev(v, "/dev", opt));
	TRY(mnt_sys(v));
	/* With the host's network the host's resolver applies. */
	if (v->env->shared & NB_NS_NET) {
		_cleanup_close_ int fd = -1;
		if (mnt_open_src(v, "/etc/resolv.conf", O_PATH, &fd) == 0)
			TRY(mnt_bind_fd(v, fd, "/etc/resolv.conf",
				    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, opt));
	}
	return 0;
}

/* A tmpfs on /tmp for the staging (and, beneath it, its fence). */
static int mount_stage(struct view *v, int at)
{
	static const char *const mode[] = { "mode", "0700", NULL };

	return mnt_mount_at(v, "tmpfs", mode, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, at, "/tmp", "the staging tmpfs");
}

/* Step 2 where the host's /tmp cannot be copied (it, or a mount under it
 * that the user namespace locked, is unbindable): bwrap's way, a second
 * pivot_root into the staging tmpfs, with the host at /oldroot. */
static int enter_staging_root(struct view *v, int at)
{
	TRY(mount_stage(v, at));
	if (chdir("/tmp") < 0 || mkdir("oldroot", 0700) < 0 || mkdir("newroot", 0755) < 0)
		return nb_fail(v->err, errno, "cannot prepare the staging tmpfs");
	if (syscall(SYS_pivot_root, ".", "oldroot") < 0 || chdir("/") < 0)
		return nb_fail(v->err, errno, "cannot pivot into the staging tmpfs");
	v->host_at = "/oldroot";
	v->stage = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	v->host = open("/oldroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (v->stage < 0 || v->host < 0)
		return nb_fail(v->err, errno, "cannot open the host's root");
	return 0;
}

/* Step 2, on the host's /tmp here: an unbindable tmpfs, which a bind of
 * the host's / skips with all above it; the staging tmpfs on it; and a
 * copy of the host's /tmp back on top, so that the host's paths stay
 * the sources. */
static int enter_staging(struct view *v)
{
	_cleanup_close_ int at = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC), tmp = -1, fence = -1;
	struct mount_attr unbindable = { .propagation = MS_UNBINDABLE };

	if (at < 0)
		return nb_fail_hint(v->err, errno, "nestbox needs a /tmp directory on the host",
				    "cannot open /tmp to build the view in");
	tmp = open_tree(at, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tmp < 0)
		return enter_staging_root(v, at);
	TRY(mount_stage(v, at));
	fence = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fence < 0 || mount_setattr(fence, "", AT_EMPTY_PATH, &unbindable, sizeof unbindable) < 0)
		return nb_fail(v->err, errno, "cannot prepare the staging tmpfs");
	TRY(mount_stage(v, fence));
	v->stage = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (v->stage < 0 || mkdirat(v->stage, "newroot", 0755) < 0)
		return nb_fail(v->err, errno, "cannot prepare the staging tmpfs");
	if (move_mount(tmp, "", AT_FDCWD, "/tmp", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return nb_fail(v->err, errno, "cannot put the host's /tmp back over the staging tmpfs");
	v->host = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (v->host < 0)
		return nb_fail(v->err, errno, "cannot open the host's root");
	return 0;
}

static int make_root(struct view *v)
{
	_cleanup_close_ int at = openat(v->stage, "newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (at < 0)
		return nb_fail(v->err, errno, "cannot open the new root's place");
	if (v->spec->rootfs) {
		_cleanup_close_ int src = -1, tree = -1;
		/* An OCI root (empty_root) is made read-only after its mounts,
		 * whose mount points may need making, as runc does. */
		struct mount_attr a = { .attr_set = MOUNT_ATTR_NODEV |
						    (v->spec->read_only && !v->spec->empty_root ? MOUNT_ATTR_RDONLY : 0) };

		/* Not nosuid: --allow-new-privs exists for setuid tools in a
		 * rootfs. nodev: a host-made device node must not open. */
		if (mnt_open_src(v, v->spec->rootfs, O_PATH | O_DIRECTORY, &src) < 0)
			return nb_fail_hint(v->err, errno, "give a directory holding a root filesystem; 'nestbox import' unpacks one",
					    "--rootfs %s", v->spec->rootfs);
		tree = open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
		if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
			return nb_fail(v->err, errno, "--rootfs %s: cannot mount it", v->spec->rootfs);
		TRY(mnt_attach(v, tree, at, "--rootfs", v->spec->rootfs));
	} else {
		TRY(mnt_mount_at(v, "tmpfs", (const char *const[]){ "mode", "0755", NULL },
			     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, at, "/", "the default view"));
	}
	v->root = openat(v->stage, "newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (v->root < 0)
		return nb_fail(v->err, errno, "cannot open the new root");
	if (!v->spec->rootfs)
		mnt_note_own(v, v->root);
	return 0;
}

/* What the view holds before the user's mounts: the default view or a
 * --rootfs's, with the identity files, the resolver and the desktop's
 * directories; bwrap's empty root holds nothing. */
static int standard_view(struct view *v)
{
	const struct nb_view_env *env = v->env;

	if (v->spec->empty_root)
		return 0;
	TRY(v->spec->rootfs ? rootfs_view(v) : default_view(v));
	TRY(identity_files(v, env->user_name ? env->user_name : "user"));
	/* slirp's resolver (or --dns), never by touching the host's file. */
	if (env->resolv_conf)
		TRY(bind_generated(v, "/etc/resolv.conf", env->resolv_conf, strlen(env->resolv_conf), "--net=slirp"));
	return desktop_dirs(v);
}

/* Step 4: pivot_root(".", ".") stacks the old root (the host's mounts,
 * the staging tmpfs among them) on top of the new one; detaching it
 * takes them all. */
static int leave_staging(struct view *v)
{
	if (fchdir(v->root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		return nb_fail(v->err, errno, "cannot pivot into the new root");
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return nb_fail(v->err, errno, "cannot detach the old root");
	return 0;
}

int nb_mounts_setup(const struct nb_view_env *env, char **home, struct nb_err *err)
{
	const struct nb_view *spec = env->view;
	struct view v = { .env = env, .spec = spec, .host = -1, .host_at = "", .root = -1, .stage = -1, .err = err };
	mode_t old_umask;
	int rc = -1;

	/* A field cannot hold its separator, nor a line a newline. */
	v.home = nb_xstrdup(env->home && env->home[0] == '/' && !strpbrk(env->home, ":\n") ? env->home : "/");
	for (size_t i = 0; i < spec->n_mounts; i++)
		v.chmods = v.chmods || spec->mounts[i].kind == NB_MNT_CHMOD;

	/* Modes are the ones asked for (bwrap sets umask 0 too); the
	 * payload gets the caller's umask back. */
	old_umask = umask(0);
	/* Step 1. Slave, not private: host mounts appearing later (a USB
	 * stick) still show up below binds, but nothing goes back. A mount
	 * namespace made with its user namespace has its copies of shared
	 * mounts made slaves by the kernel (CL_SHARED_TO_SLAVE), since it is
	 * less privileged than the one it was copied from. */
	if (!env->own_userns && mount("none", "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
		nb_fail(err, errno, "cannot make the host's mounts slaves");
		goto out;
	}
	if (enter_staging(&v) < 0 || make_root(&v) < 0)
		goto out;
	if (standard_view(&v) < 0)
		goto out;
	if (spec->bind_cwd && mnt_bind_host(&v, spec->cwd, spec->cwd, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, false,
				       "--bind-cwd") < 0)
		goto out;
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (mnt_apply(&v, &spec->mounts[i]) < 0)
			goto out;
	/* The default view's own tmpfs root is read-only: only the paths
	 * made writable on purpose are. bwrap's stays writable. */
	if ((!spec->rootfs && !spec->empty_root) || (spec->rootfs && spec->empty_root && spec->read_only)) {
		struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
		if (mount_setattr(v.root, "", AT_EMPTY_PATH, &a, sizeof a) < 0) {
			nb_fail(err, errno, "cannot make the new root read-only");
			goto out;
		}
	}
	if (leave_staging(&v) < 0)
		goto out;
	/* Start where the caller was, if that exists here; else at $HOME. */
	if ((!spec->cwd || chdir(spec->cwd) < 0) && chdir(v.home) < 0 && chdir("/") < 0) {
		nb_fail(err, errno, "cannot enter the new root");
		goto out;
	}
	*home = nb_steal(&v.home);
	rc = 0;
out:
	umask(old_umask);
	free(v.home);
	nb_closep(&v.host);
	nb_closep(&v.root);
	nb_closep(&v.stage);
	return rc;
}
