/* mounts.c: see mounts.h and mounts-int.h. Mount primitives, every one
 * through file descriptors (open_tree, fsopen/fsmount, move_mount,
 * mount_setattr), with every destination resolved by openat2 in the new
 * root (RESOLVE_IN_ROOT): a symlink inside it, even a planted one, cannot
 * lead a mount out. And the user's mount kinds (--bind ... --overlay),
 * built from them; view.c builds the standard view. */
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
#include "net.h"
#include "util.h"

/* The kernel refuses a scoped walk of ".." that any rename or mount on
 * the machine raced (EAGAIN) and asks for another try: another sandbox
 * starting or ending is enough. Bounded, so that a storm cannot hang us. */
#define OPENAT2_TRIES 100

int mnt_openat2(int dirfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = { .flags = (unsigned long long)(flags | O_CLOEXEC), .resolve = resolve };
	int fd, tries = 0;

	do
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
	while (fd < 0 && errno == EAGAIN && resolve && ++tries < OPENAT2_TRIES);
	return fd;
}

/* --- resolving paths ---------------------------------------------------- */

/* A path to our own descriptor, through the host's proc: not the new
 * root's proc, which the payload could have planted things in. */
void mnt_fd_path(const struct view *v, int fd, char buf[static 40])
{
	snprintf(buf, 40, "%s/proc/self/fd/%d", v->host_at, fd);
}

/* A host path, resolved as the host sees it (absolute symlinks included). */
int mnt_open_src(struct view *v, const char *path, int flags, int *out)
{
	/* A magic link is followed only where the user named one under the
	 * host's /proc (/proc/self/ns/user, as Flatpak binds): a symlink
	 * planted elsewhere cannot lead to nestbox's own descriptors. */
	bool proc = strncmp(path, "/proc/", 6) == 0 && !strstr(path, "/..");

	/* (Magic links are refused under RESOLVE_IN_ROOT: a path relative to
	 * the host's root reaches its /proc, whose links are all relative.) */
	*out = proc ? mnt_openat2(v->host, path + 1, flags, 0) : mnt_openat2(v->host, path, flags, IN_ROOT);
	return *out < 0 ? -1 : 0;
}

/* Opens DEST in the new root, creating missing directories and, when
 * `file`, the last component as an empty file. Every lookup starts from
 * the new root with RESOLVE_IN_ROOT; a missing component is created through
 * the fd of its resolved parent, never through a path. Most destinations
 * exist, or lack only their last component, so the whole path is tried
 * first and the walk up happens only for what is missing. */
int mnt_open_dest(struct view *v, const char *dest, bool file, bool create, const char *opt,
		     int *out)
{
	_cleanup_free_ char *parent = NULL;
	_cleanup_close_ int dir = -1;
	size_t len = strlen(dest);
	const char *name;
	int r;

	*out = mnt_openat2(v->root, dest, O_PATH, IN_ROOT);
	if (*out >= 0)
		return 0;
	if (errno != ENOENT || !create)
		return nb_fail(v->err, errno, "%s: %s in the sandbox", opt, dest);
	while (len > 1 && dest[len - 1] == '/')
		len--;
	parent = nb_xstrndup(dest, len);
	{
		char *slash = strrchr(parent, '/');
		if (!slash)
			return nb_fail(v->err, EINVAL, "%s: %s is not an absolute path", opt, dest);
		*slash = '\0';
		name = slash + 1;
	}
	if (*parent)
		TRY(mnt_open_dest(v, parent, false, true, opt, &dir));
	if (file)
		r = openat(dir >= 0 ? dir : v->root, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0444);
	else
		r = mkdirat(dir >= 0 ? dir : v->root, name, v->parent_mode ? v->parent_mode : 0755);
	if (r < 0 && errno != EEXIST)
		return nb_fail(v->err, errno, "%s: cannot create %s in the sandbox", opt, dest);
	if (file && r >= 0)
		close(r);
	*out = mnt_openat2(v->root, dest, O_PATH, IN_ROOT);
	if (*out < 0)
		return nb_fail(v->err, errno, "%s: %s in the sandbox", opt, dest);
	return 0;
}

static bool is_dir_fd(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

/* --- making mounts ------------------------------------------------------ */

int mnt_attach(struct view *v, int mnt, int destfd, const char *opt, const char *dest)
{
	if (move_mount(mnt, "", destfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == 0)
		return 0;
	/* EINVAL alone says nothing; the usual cause is a kind mismatch. */
	if (errno == EINVAL && is_dir_fd(mnt) != is_dir_fd(destfd))
		return nb_fail_hint(v->err, errno, "give a destination of the same kind, or a new path",
				    "%s: cannot mount a %s on %s, which is a %s", opt, is_dir_fd(mnt) ? "directory" : "file",
				    dest, is_dir_fd(destfd) ? "directory" : "file");
	return nb_fail(v->err, errno, "%s: cannot mount on %s", opt, dest);
}

/* The kernel explains a refused mount in the fs context's log ("e ..."
 * lines); quote it, since errno alone (EINVAL) says nothing. */
static int fs_fail(struct view *v, int fs, int e, const char *what)
{
	char log[512] = "", line[256];
	size_t len = 0;
	ssize_t n;

	while ((n = read(fs, line, sizeof line - 1)) > 0 && len < sizeof log - 1) {
		line[n] = '\0';
		line[strcspn(line, "\n")] = '\0'; /* one line, as every message */
		len += (size_t)snprintf(log + len, sizeof log - len, "%s%s", len ? "; " : "",
					line[1] == ' ' ? line + 2 : line);
	}
	if (log[0])
		return nb_fail(v->err, e, "cannot mount %s (the kernel says: %s)", what, log);
	return nb_fail(v->err, e, "cannot mount %s", what);
}

/* Makes a detached mount of a new filesystem. opts: key/value pairs, a
 * NULL value for a flag, ending with a NULL key. */
static int fs_new(struct view *v, const char *type, const char *const *opts, unsigned attrs,
		  const char *what, int *mnt)
{
	_cleanup_close_ int fs = fsopen(type, FSOPEN_CLOEXEC);

	if (fs < 0)
		return nb_fail(v->err, errno, "cannot create a %s filesystem for %s", type, what);
	for (; opts && opts[0]; opts += 2) {
		int r = opts[1] ? fsconfig(fs, FSCONFIG_SET_STRING, opts[0], opts[1], 0)
				: fsconfig(fs, FSCONFIG_SET_FLAG, opts[0], NULL, 0);
		if (r < 0)
			return fs_fail(v, fs, errno, what);
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_fail(v, fs, errno, what);
	*mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (*mnt < 0)
		return fs_fail(v, fs, errno, what);
	return 0;
}

void mnt_note_own(struct view *v, int fd)
{
	struct stat st;

	if (!v->chmods || v->n_own >= ARRAY_SIZE(v->own) || fstat(fd, &st) < 0)
		return;
	/* The staging tmpfs comes once for each directory bound from it. */
	for (unsigned i = 0; i < v->n_own; i++)
		if (v->own[i] == st.st_dev)
			return;
	v->own[v->n_own++] = st.st_dev;
}

void mnt_note_made(struct view *v, int fd)
{
	struct stat st;

	if (v->chmods && v->n_made < ARRAY_SIZE(v->made) && fstat(fd, &st) == 0) {
		v->made[v->n_made].dev = st.st_dev;
		v->made[v->n_made++].ino = st.st_ino;
	}
}

/* A tmpfs just mounted at DEST is the sandbox's own. */
static int own_tmpfs(struct view *v, const char *type, const char *dest)
{
	_cleanup_close_ int fd = -1;

	if (!v->chmods || strcmp(type, "tmpfs") != 0 || v->root < 0)
		return 0;
	fd = mnt_openat2(v->root, dest, O_PATH, IN_ROOT);
	if (fd >= 0)
		mnt_note_own(v, fd);
	return 0;
}

/* Mounts a new filesystem on the resolved destfd with one mount(2) through
 * the fd's /proc magic link, as crun does, where fsopen, fsconfig,
 * fsmount and move_mount take five system calls or more. The options are
 * nestbox's own or checked by the setters; should the kernel refuse, the
 * new API runs again to quote its explanation. */
int mnt_mount_at(struct view *v, const char *type, const char *const *opts, unsigned attrs, int destfd,
		    const char *dest, const char *opt)
{
	char target[64], data[512] = "";
	unsigned long flags = (attrs & MOUNT_ATTR_RDONLY ? MS_RDONLY : 0) | (attrs & MOUNT_ATTR_NOSUID ? MS_NOSUID : 0) |
			      (attrs & MOUNT_ATTR_NODEV ? MS_NODEV : 0) | (attrs & MOUNT_ATTR_NOEXEC ? MS_NOEXEC : 0);
	size_t n = 0;
	_cleanup_close_ int mnt = -1;

	for (const char *const *o = opts; o && o[0] && n < sizeof data; o += 2)
		n += (size_t)snprintf(data + n, sizeof data - n, "%s%s%s%s", n ? "," : "", o[0], o[1] ? "=" : "",
				      o[1] ? o[1] : "");
	mnt_fd_path(v, destfd, target);
	if (n < sizeof data && mount(type, target, type, flags, data[0] ? data : NULL) == 0)
		return own_tmpfs(v, type, dest);
	TRY(fs_new(v, type, opts, attrs, dest, &mnt));
	TRY(mnt_attach(v, mnt, destfd, opt, dest));
	return own_tmpfs(v, type, dest);
}

int mnt_mount_fs(struct view *v, const char *type, const char *const *opts, unsigned attrs,
		    const char *dest, const char *opt)
{
	_cleanup_close_ int destfd = -1;

	TRY(mnt_open_dest(v, dest, false, true, opt, &destfd));
	return mnt_mount_at(v, type, opts, attrs, destfd, dest, opt);
}

/* A recursive bind of srcfd on the open destfd; attrs (nosuid, nodev,
 * rdonly) reach every submount. */
int mnt_bind_at(struct view *v, int srcfd, int destfd, const char *dest, unsigned attrs, const char *opt)
{
	_cleanup_close_ int tree = -1;
	struct mount_attr a = { .attr_set = attrs };

	tree = open_tree(srcfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return nb_fail(v->err, errno, "%s: cannot copy the mount for %s", opt, dest);
	if (attrs && mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
		return nb_fail(v->err, errno, "%s: cannot restrict the mount for %s", opt, dest);
	return mnt_attach(v, tree, destfd, opt, dest);
}

int mnt_bind_fd(struct view *v, int srcfd, const char *dest, unsigned attrs, const char *opt)
{
	_cleanup_close_ int destfd = -1;

	TRY(mnt_open_dest(v, dest, !is_dir_fd(srcfd), true, opt, &destfd));
	return mnt_bind_at(v, srcfd, destfd, dest, attrs, opt);
}

int mnt_bind_host(struct view *v, const char *src, const char *dest, unsigned attrs, bool try_,
		     const char *opt)
{
	_cleanup_close_ int srcfd = -1;

	if (mnt_open_src(v, src, O_PATH, &srcfd) < 0) {
		if (try_ && errno == ENOENT)
			return 0;
		if (v->env->bwrap_words && errno == ENOENT)
			return nb_fail_hint(v->err, errno, "check the path, or use the -try variant to skip a missing source",
					    "Can't find source path %s", src);
		nb_fail(v->err, errno, "%s %s", opt, src);
		return nb_hint(v->err, errno == ENOENT ? "check the path, or use the -try variant to skip a missing source"
						       : "check that you can read it");
	}
	return mnt_bind_fd(v, srcfd, dest, attrs, opt);
}

/* Stacks a read-only copy of DEST's mounts on DEST itself; mount_setattr
 * alone needs DEST to be a mount's root. */
static int remount_ro(struct view *v, const char *dest, bool must_exist, const char *opt)
{
	_cleanup_close_ int fd = -1;

	if (mnt_open_dest(v, dest, false, false, opt, &fd) < 0)
		return must_exist ? -1 : 0;
	return mnt_bind_at(v, fd, fd, dest, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, opt);
}

/* Hides PATH under an empty read-only directory or file. */
static int mask(struct view *v, const char *dest, bool must_exist, const char *opt)
{
	_cleanup_close_ int fd = -1, empty = -1;

	if (mnt_open_dest(v, dest, false, false, opt, &fd) < 0)
		return must_exist ? -1 : 0;
	/* One empty file and one empty directory in the staging tmpfs serve
	 * every mask: binds, with no filesystem of their own to make. */
	if (is_dir_fd(fd)) {
		if ((mkdirat(v->stage, "empty.d", 0555) < 0 && errno != EEXIST) ||
		    (empty = openat(v->stage, "empty.d", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			return nb_fail(v->err, errno, "%s: cannot create an empty directory", opt);
	} else if ((empty = openat(v->stage, "empty", O_CREAT | O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0444)) < 0) {
		return nb_fail(v->err, errno, "%s: cannot create an empty file", opt);
	}
	return mnt_bind_at(v, empty, fd, dest, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
		       opt);
}

/* --- the standard pieces ------------------------------------------------ */

int mnt_tmpfs(struct view *v, const char *dest, const char *mode, const char *size,
		      const char *opt)
{
	const char *opts[7] = { "mode", mode, NULL };
	size_t n = 2;

	if (size) {
		opts[n++] = "size";
		opts[n++] = size;
	}
	opts[n] = NULL;
	return mnt_mount_fs(v, "tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, dest, opt);
}

char * mnt_join(const char *a, const char *b)
{
	return nb_xasprintf("%s%s%s", a, strcmp(a, "/") == 0 ? "" : "/", b);
}

/* A fresh proc of the sandbox's PID namespace, with the paths that expose
 * or change the host made read-only or hidden, as Docker does. */
int mnt_proc(struct view *v, const char *dest, const char *opt)
{
	static const char *const ro[] = { "sys", "sysrq-trigger", "irq", "bus" };
	static const char *const hidden[] = { "kcore", "keys", "timer_list", "kmsg" };

	/* The host's proc cannot be mounted anew from a user namespace, so
	 * --share=pid gets a bind of it. */
	if (v->env->shared & NB_NS_PID)
		TRY(mnt_bind_host(v, "/proc", dest, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, false, opt));
	else if (mnt_mount_fs(v, "proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, dest, opt) < 0)
		return v->err->errnum == EPERM
			       ? nb_hint(v->err, "a new proc needs an unmasked one to exist: inside another sandbox, start that one with --allow-userns")
			       : -1;
	/* The kernel mounts a new proc only where an unmasked one is visible,
	 * so a sandbox meant to hold nested sandboxes leaves it unmasked. */
	if (v->env->allow_userns)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(ro); i++) {
		_cleanup_free_ char *p = mnt_join(dest, ro[i]);
		TRY(remount_ro(v, p, false, opt));
	}
	for (size_t i = 0; i < ARRAY_SIZE(hidden); i++) {
		_cleanup_free_ char *p = mnt_join(dest, hidden[i]);
		TRY(mask(v, p, false, opt));
	}
	return 0;
}

/* One of the host's devices on a new file NAME in DIR, the fresh /dev
 * tmpfs, which nothing but us can reach yet: so the file is made and
 * bound through DIR directly, without the resolution a user's bind
 * needs (about eight calls instead of fourteen). The host's node is
 * found as any host path is, in the host's root. */
static int bind_node(struct view *v, int dir, const char *name, const char *dest, const char *opt)
{
	_cleanup_free_ char *src = mnt_join("/dev", name), *path = mnt_join(dest, name);
	_cleanup_close_ int node = -1, at = -1;
	struct stat st;

	if (mnt_open_src(v, src, O_PATH, &node) < 0 || fstat(node, &st) < 0)
		return nb_fail_hint(v->err, errno, "check that the host has it and that you can read it",
				    "%s: cannot bind the host's %s", opt, src);
	if (!S_ISCHR(st.st_mode))
		return nb_fail(v->err, 0, "%s: the host's %s is not a character device", opt, src);
	at = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (at < 0)
		return nb_fail(v->err, errno, "%s: cannot create %s", opt, path);
	return mnt_bind_at(v, node, at, path, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, opt);
}

/* An empty directory of MODE, new in the staging tmpfs, bound on DEST: a
 * private, writable directory (nosuid, nodev, and attrs) without a
 * filesystem of its own to make and to tear down, as a tmpfs would be. */
static int staged_dir(struct view *v, const char *dest, mode_t mode, unsigned attrs, const char *opt)
{
	_cleanup_free_ char *name = nb_xasprintf("dir%u", v->n_staged++);
	_cleanup_close_ int dir = -1, destfd = -1;

	if (mkdirat(v->stage, name, mode) < 0 ||
	    (dir = openat(v->stage, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return nb_fail(v->err, errno, "%s: cannot make a directory for %s", opt, dest);
	mnt_note_own(v, dir);
	TRY(mnt_open_dest(v, dest, false, true, opt, &destfd));
	return mnt_bind_at(v, dir, destfd, dest, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | attrs, opt);
}

/* A minimal /dev: the harmless character devices (bound from the host,
 * since mknod is not allowed in a user namespace; nodev on /dev itself
 * does not reach them, each a mount of its own), a private devpts and
 * shm. No block devices, no host /dev/pts. */
int mnt_dev(struct view *v, const char *dest, const char *opt)
{
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" },   { "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" }, { "pts/ptmx", "ptmx" },   { "/proc/kcore", "core" },
	};
	static const char *const pts[] = { "newinstance", NULL, "ptmxmode", "0666", "mode", "0620", NULL };
	_cleanup_close_ int dir = -1;

	TRY(staged_dir(v, dest, 0755, MOUNT_ATTR_NOEXEC, opt));
	TRY(mnt_open_dest(v, dest, false, false, opt, &dir));
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++)
		TRY(bind_node(v, dir, nodes[i], dest, opt));
	{
		_cleanup_free_ char *p = mnt_join(dest, "pts"), *s = mnt_join(dest, "shm");
		TRY(mnt_mount_fs(v, "devpts", pts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, p, opt));
		TRY(staged_dir(v, s, 01777, 0, opt));
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][0], dir, links[i][1]) < 0)
			return nb_fail(v->err, errno, "%s: cannot create %s/%s", opt, dest, links[i][1]);
	return 0;
}

/* /sys read-only. With a network namespace of its own the sandbox gets a
 * fresh sysfs, which the kernel lets the namespace's owner mount and which
 * then shows that namespace's interfaces only, not the host's with their
 * MAC addresses; with the host's network, the host's. Either way the
 * firmware tables and the power meters (a side channel, CVE-2020-8694)
 * are hidden, and a private cgroup namespace shows its own cgroup2. */
int mnt_sys(struct view *v)
{
	static const char *const hidden[] = { "/sys/firmware", "/sys/devices/virtual/powercap" };
	const unsigned ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	const char *opt = "the /sys view";
	bool own = !(v->env->shared & NB_NS_NET);

	if (v->env->net)
		TRY(nb_netns_join(v->env->net, v->err));

	/* The kernel refuses a new sysfs where the one it sees is partly
	 * masked ("too revealing"), as inside Docker: bind that one then. */
	if (own && mnt_mount_fs(v, "sysfs", NULL, ro, "/sys", opt) < 0) {
		if (v->err->errnum != EPERM)
			return -1;
		own = false;
	}
	if (!own)
		TRY(mnt_bind_host(v, "/sys", "/sys", ro, false, opt));
	/* For the same rule, a sandbox meant to hold nested ones leaves its
	 * sysfs unmasked, as it does its proc. */
	for (size_t i = 0; i < ARRAY_SIZE(hidden) && !v->env->allow_userns; i++)
		TRY(mask(v, hidden[i], false, opt));
	if (!own)
		return 0;
	if (v->env->shared & NB_NS_CGROUP)
		return mnt_bind_host(v, "/sys/fs/cgroup", "/sys/fs/cgroup", ro, true, opt);
	return mnt_mount_fs(v, "cgroup2", NULL, ro, "/sys/fs/cgroup", opt);
}

/* Splits DEST into its parent (opened, created as needed) and its name. */
int mnt_open_parent(struct view *v, const char *dest, const char *opt, int *fd, const char **name)
{
	const char *slash = strrchr(dest, '/');
	_cleanup_free_ char *parent = nb_xstrndup(dest, (size_t)(slash - dest));

	*name = slash + 1;
	if (!**name)
		return nb_fail(v->err, EINVAL, "%s %s", opt, dest);
	return mnt_open_dest(v, *parent ? parent : "/", false, true, opt, fd);
}

/* --dir: a directory that exists is left as it is, mode and all, as in
 * bubblewrap: it may be a host directory seen through a bind. Only a
 * directory this run creates gets the mode asked for, exactly. */
static int make_dir(struct view *v, const struct nb_mount *m)
{
	_cleanup_close_ int dir = -1, fd = mnt_openat2(v->root, m->dest, O_PATH, IN_ROOT);
	const char *name;
	int rc;

	if (fd >= 0) {
		if (!is_dir_fd(fd))
			return nb_fail(v->err, ENOTDIR, "%s %s", m->opt, m->dest);
		return 0;
	}
	/* Missing parents get what the mode grants, at most 0755, as in
	 * bubblewrap: a private directory's parents are not open to all. */
	v->parent_mode = 0700 | (m->mode & 070 ? 050 : 0) | (m->mode & 07 ? 05 : 0);
	rc = mnt_open_parent(v, m->dest, m->opt, &dir, &name);
	v->parent_mode = 0;
	TRY(rc);
	if (mkdirat(dir, name, 0700) < 0)
		return nb_fail(v->err, errno, "%s %s", m->opt, m->dest);
	fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, m->mode) < 0)
		return nb_fail(v->err, errno, "%s %s: cannot set mode %o", m->opt, m->dest, m->mode);
	mnt_note_made(v, fd);
	return 0;
}

static int make_symlink(struct view *v, const struct nb_mount *m)
{
	_cleanup_close_ int dir = -1;
	const char *name;

	TRY(mnt_open_parent(v, m->dest, m->opt, &dir, &name));
	if (symlinkat(m->src, dir, name) == 0)
		return 0;
	/* The same link twice is no error, as in bubblewrap. */
	if (errno == EEXIST) {
		char target[4096];
		ssize_t n = readlinkat(dir, name, target, sizeof target - 1);

		if (n >= 0 && (target[n] = '\0', strcmp(target, m->src) == 0))
			return 0;
		/* bwrap's words, which its tests match. */
		if (n >= 0)
			return nb_fail_hint(v->err, EEXIST, "remove the other --symlink, or give another path",
					    "Can't make symlink at %s: existing destination is %s", m->dest, target);
		errno = EEXIST;
	}
	return nb_fail(v->err, errno, "%s %s:%s", m->opt, m->src, m->dest);
}

/* --file SRC:DEST copies a host file's content, so SRC must be a regular
 * file of sane size (a FIFO would block, a device never end). DEST is
 * made; if something is there already, a copy made in the staging tmpfs is
 * bound over it instead, so that what is under it (a host file through a
 * bind) is never truncated. */
#define FILE_COPY_MAX ((off_t)256 << 20)

static int copy_fd(struct view *v, const struct nb_mount *m, int in, int out, off_t size)
{
	char buf[65536];
	off_t done = 0;
	ssize_t n;

	while ((n = read(in, buf, sizeof buf)) > 0) {
		done += n;
		if (done > size)
			return nb_fail(v->err, 0, "%s %s: it grew while nestbox copied it", m->opt, m->src);
		if (nb_write_all(out, buf, (size_t)n) < 0)
			return nb_fail(v->err, errno, "%s: cannot write %s", m->opt, m->dest);
	}
	if (n < 0)
		return nb_fail(v->err, errno, "%s: cannot read %s", m->opt, m->src);
	return 0;
}

static int copy_file(struct view *v, const struct nb_mount *m)
{
	_cleanup_close_ int in = -1, dir = -1, out = -1, dest = -1;
	_cleanup_free_ char *staged = NULL;
	const char *name;
	struct stat st;

	if (mnt_open_src(v, m->src, O_RDONLY | O_NONBLOCK | O_NOCTTY, &in) < 0)
		return nb_fail(v->err, errno, "%s %s", m->opt, m->src);
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode))
		return nb_fail_hint(v->err, 0, "--file copies a regular file's content; bind anything else",
				    "%s %s: it is %s, not a regular file", m->opt, m->src, nb_file_type(st.st_mode));
	if (st.st_size > FILE_COPY_MAX)
		return nb_fail_hint(v->err, 0, "bind a file this large instead",
				    "%s %s: it is larger than %lld MiB", m->opt, m->src, (long long)(FILE_COPY_MAX >> 20));
	TRY(mnt_open_parent(v, m->dest, m->opt, &dir, &name));
	out = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (out >= 0)
		return copy_fd(v, m, in, out, st.st_size);
	if (errno != EEXIST)
		return nb_fail(v->err, errno, "%s: cannot create %s in the sandbox", m->opt, m->dest);
	staged = nb_xasprintf("file%u", v->n_staged++);
	out = openat(v->stage, staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0)
		return nb_fail(v->err, errno, "%s: cannot stage %s", m->opt, m->dest);
	TRY(copy_fd(v, m, in, out, st.st_size));
	nb_closep(&out);
	out = openat(v->stage, staged, O_PATH | O_CLOEXEC);
	if (out < 0 || mnt_open_dest(v, m->dest, false, false, m->opt, &dest) < 0)
		return out < 0 ? nb_fail(v->err, errno, "%s: cannot stage %s", m->opt, m->dest) : -1;
	return mnt_bind_at(v, out, dest, m->dest, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, m->opt);
}

/* A file nestbox generated, new in a tmpfs of the sandbox's, the payload's
 * and readable by it alone. */
static int write_data(struct view *v, const struct nb_mount *m)
{
	_cleanup_close_ int dir = -1, out = -1;
	const char *name;

	TRY(mnt_open_parent(v, m->dest, m->opt, &dir, &name));
	out = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0 || nb_write_all(out, m->data, m->data_len) < 0 || fchown(out, v->env->uid, v->env->gid) < 0)
		return nb_fail(v->err, errno, "%s: cannot write %s in the sandbox", m->opt, m->dest);
	return 0;
}

/* The real path of a host directory, as the kernel's overlay options want
 * a path: resolved in the host's root, then named as our root sees it.
 * NULL with v->err filled on failure. */
static char *host_dir_path(struct view *v, const char *path, const char *opt)
{
	_cleanup_close_ int fd = -1;
	char link[40], buf[4096];
	ssize_t n;

	if (mnt_open_src(v, path, O_PATH | O_DIRECTORY, &fd) < 0)
		return nb_fail(v->err, errno, "%s %s", opt, path), NULL;
	mnt_fd_path(v, fd, link);
	n = readlink(link, buf, sizeof buf - 1);
	if (n < 0)
		return nb_fail(v->err, errno, "%s %s: cannot name it", opt, path), NULL;
	buf[n] = '\0';
	return nb_xstrdup(buf);
}

/* PATH with a backslash before each of CHARS (malloc'd). */
static char *escape(const char *path, const char *chars)
{
	char *r = nb_xmalloc(2 * strlen(path) + 1), *w = r;

	for (const char *c = path; *c; c++) {
		if (strchr(chars, *c))
			*w++ = '\\';
		*w++ = *c;
	}
	*w = '\0';
	return r;
}

/* The overlay itself. Each lower goes in as its own "lowerdir+" (Linux
 * 6.8), taken as it is; older kernels take the legacy ':'-joined
 * lowerdir, with ':' and '\\' escaped. The kernel unescapes upperdir and
 * workdir always. */
static int overlay_fs(struct view *v, const struct nb_mount *m, char **lowers, const char *upper,
		      const char *work, int *mnt)
{
	const unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (m->ro ? MOUNT_ATTR_RDONLY : 0);
	_cleanup_free_ const char **opts = nb_xmalloc((2 * m->n_lowers + 8) * sizeof *opts);
	_cleanup_free_ char *joined = nb_xstrdup("");
	size_t n = 0, len = 0;
	struct nb_err first;

	_cleanup_free_ char *up = upper ? escape(upper, "\\") : NULL, *wk = work ? escape(work, "\\") : NULL;

	for (size_t i = 0; i < m->n_lowers; i++) {
		opts[n++] = "lowerdir+";
		opts[n++] = lowers[i];
	}
	if (upper) {
		opts[n++] = "upperdir", opts[n++] = up;
		opts[n++] = "workdir", opts[n++] = wk;
	}
	opts[n++] = "userxattr", opts[n++] = NULL;
	opts[n] = NULL;
	if (fs_new(v, "overlay", opts, attrs, m->dest, mnt) == 0)
		return 0;
	first = *v->err;
	for (size_t i = 0; i < m->n_lowers; i++) {
		_cleanup_free_ char *e = escape(lowers[i], ":\\");

		joined = nb_xrealloc(joined, len + strlen(e) + 2);
		len += (size_t)sprintf(joined + len, "%s%s", i ? ":" : "", e);
	}
	opts[0] = "lowerdir", opts[1] = joined;
	memmove(opts + 2, opts + 2 * m->n_lowers, (n + 1 - 2 * m->n_lowers) * sizeof *opts);
	if (fs_new(v, "overlay", opts, attrs, m->dest, mnt) == 0)
		return 0;
	*v->err = first;
	return -1;
}

/* A tmpfs in the staging tmpfs for the writes, gone at exit; named for
 * the overlay through our descriptor of the staging tmpfs, which no
 * path reaches. */
static int overlay_tmp_upper(struct view *v, const struct nb_mount *m, char **upper, char **work)
{
	static const char *const o[] = { "mode", "0755", NULL };
	_cleanup_free_ char *base = nb_xasprintf("overlay%u", v->n_staged++), *up = NULL, *wk = NULL;
	_cleanup_close_ int mnt = -1, at = -1;
	char stage[40];

	if (mkdirat(v->stage, base, 0755) < 0 || (at = openat(v->stage, base, O_PATH | O_CLOEXEC)) < 0)
		return nb_fail(v->err, errno, "%s: cannot make its tmpfs upper", m->opt);
	TRY(fs_new(v, "tmpfs", o, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, "an overlay's upper tmpfs", &mnt));
	TRY(mnt_attach(v, mnt, at, m->opt, base));
	up = nb_xasprintf("%s/upper", base);
	wk = nb_xasprintf("%s/work", base);
	if (mkdirat(v->stage, up, 0755) < 0 || mkdirat(v->stage, wk, 0755) < 0)
		return nb_fail(v->err, errno, "%s: cannot make its tmpfs upper", m->opt);
	mnt_fd_path(v, v->stage, stage);
	*upper = nb_xasprintf("%s/%s", stage, up);
	*work = nb_xasprintf("%s/%s", stage, wk);
	return 0;
}

static int make_overlay(struct view *v, const struct nb_mount *m)
{
	_cleanup_free_ char *upper = NULL, *work = NULL;
	_cleanup_strv_ char **lowers = nb_xmalloc((m->n_lowers + 1) * sizeof *lowers);
	_cleanup_close_ int mnt = -1, destfd = -1;
	struct utsname u;

	memset(lowers, 0, (m->n_lowers + 1) * sizeof *lowers);
	for (size_t i = 0; i < m->n_lowers; i++)
		if (!(lowers[i] = host_dir_path(v, m->lowers[i], m->opt)))
			return -1;
	if (m->upper) {
		upper = host_dir_path(v, m->upper, "--overlay-upper");
		work = upper ? host_dir_path(v, m->work, "--overlay-work") : NULL;
		if (!work)
			return -1;
	} else if (!m->ro) {
		TRY(overlay_tmp_upper(v, m, &upper, &work));
	}
	TRY(mnt_open_dest(v, m->dest, false, true, m->opt, &destfd));
	if (overlay_fs(v, m, lowers, upper, work, &mnt) < 0) {
		uname(&u);
		return nb_hint(v->err, "unprivileged overlayfs needs Linux 5.11 or newer (this is %s) and an upper directory on a filesystem with user xattrs (ext4, xfs, btrfs, tmpfs on 6.6+), with the work directory on the same filesystem",
			       u.release);
	}
	return mnt_attach(v, mnt, destfd, m->opt, m->dest);
}

static int apply(struct view *v, const struct nb_mount *m)
{
	const unsigned safe = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;

	switch (m->kind) {
	case NB_MNT_BIND:
		return mnt_bind_host(v, m->src, m->dest, safe, m->try_, m->opt);
	case NB_MNT_RO_BIND:
		return mnt_bind_host(v, m->src, m->dest, safe | MOUNT_ATTR_RDONLY, m->try_, m->opt);
	case NB_MNT_DEV_BIND:
		return mnt_bind_host(v, m->src, m->dest, 0, m->try_, m->opt);
	case NB_MNT_TMPFS: {
		char mode[16];
		snprintf(mode, sizeof mode, "%o", m->mode ? m->mode : 0755);
		return mnt_tmpfs(v, m->dest, mode, m->size, m->opt);
	}
	case NB_MNT_PROC:
		return mnt_proc(v, m->dest, m->opt);
	case NB_MNT_DEV:
		return mnt_dev(v, m->dest, m->opt);
	case NB_MNT_DIR:
		return make_dir(v, m);
	case NB_MNT_SYMLINK:
		return make_symlink(v, m);
	case NB_MNT_FILE:
		return copy_file(v, m);
	case NB_MNT_REMOUNT_RO:
		return remount_ro(v, m->dest, !m->try_, m->opt);
	case NB_MNT_MASK:
		return mask(v, m->dest, !m->try_, m->opt);
	case NB_MNT_OVERLAY:
		return make_overlay(v, m);
	case NB_MNT_DATA:
		return write_data(v, m);
	case NB_MNT_BIND_FD:
		return mnt_bind_open_fd(v, m);
	case NB_MNT_FILE_DATA:
	case NB_MNT_BIND_DATA:
		return mnt_data(v, m);
	case NB_MNT_MQUEUE:
		/* The IPC namespace's: it may come with the network's. */
		if (v->env->net)
			TRY(nb_netns_join(v->env->net, v->err));
		return mnt_mount_fs(v, "mqueue", NULL, safe | MOUNT_ATTR_NOEXEC, m->dest, m->opt);
	case NB_MNT_CHMOD:
		return mnt_chmod(v, m);
	case NB_MNT_LOCK:
		return mnt_lock(v, m);
	case NB_MNT_SYSFS:
		return mnt_sys(v);
	}
	return nb_fail(v->err, EINVAL, "unknown mount kind %d", (int)m->kind);
}

/* A mount on "/" itself (bwrap's --ro-bind / /) hides the root the view
 * holds open: from then on the view is built on top of it. */
int mnt_apply(struct view *v, const struct nb_mount *m)
{
	TRY(apply(v, m));
	if (strcmp(m->dest, "/") == 0) {
		nb_closep(&v->root);
		v->root = openat(v->stage, "newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (v->root < 0)
			return nb_fail(v->err, errno, "%s: cannot open the new root", m->opt);
	}
	return 0;
}
