/* import.c: see import.h. */
#include "import.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launch.h"
#include "report.h"
#include "spec.h"
#include "util.h"

#ifndef NB_LIBEXECDIR
#define NB_LIBEXECDIR "/usr/local/libexec/nestbox"
#endif

/* Installed, relocated installs included, or beside a build tree's binary. */
static char *find_unpacker(void)
{
	return nb_own_file("libexec/nestbox/nestbox-unpack", "helpers/nestbox-unpack", NB_LIBEXECDIR "/nestbox-unpack");
}

/* What the unpacker reported on its descriptor 3 (helpers/nestbox-unpack). */
struct report {
	size_t skipped, refused;
	char first_skipped[256], first_refused[256], error[512];
	unsigned long long bytes;
};

static void read_report(int fd, struct report *r)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	struct nb_err ignore;

	memset(r, 0, sizeof *r);
	lseek(fd, 0, SEEK_SET);
	if (nb_read_fd_regular(fd, "the unpacker's report", (size_t)1 << 20, &text, &len, &ignore) < 0)
		return;
	for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(line, "skipped ", 8) == 0 && r->skipped++ == 0)
			snprintf(r->first_skipped, sizeof r->first_skipped, "%s", line + 8);
		else if (strncmp(line, "refused ", 8) == 0 && r->refused++ == 0)
			snprintf(r->first_refused, sizeof r->first_refused, "%s", line + 8);
		else if (strncmp(line, "unpacked ", 9) == 0)
			r->bytes = strtoull(line + 9, NULL, 10);
		else if (strncmp(line, "error ", 6) == 0 && !r->error[0])
			snprintf(r->error, sizeof r->error, "%s", line + 6);
	}
}

/* Runs argv as root inside the full map, with tree at /nestbox/dest and
 * the other binds given ("SRC:DEST" pairs), passing report_fd (-1: none). */
static int run_in(const char *tree, const char *const *binds, char **argv, int report_fd, struct nb_err *err)
{
	_cleanup_free_ char *arg = nb_xasprintf("%s:/nestbox/dest", tree);
	struct nb_spec spec;
	int rc = -1;

	nb_spec_init(&spec);
	spec.id.need_full_map = true;
	nb_set_root(&spec, NULL, err);
	if (nb_set_bind(&spec, arg, err) < 0)
		goto out;
	for (; binds && *binds; binds++)
		if (nb_set_ro_bind(&spec, *binds, err) < 0)
			goto out;
	if (report_fd >= 0) {
		char n[16];
		snprintf(n, sizeof n, "%d", report_fd);
		if (nb_set_pass_fd(&spec, n, err) < 0)
			goto out;
	}
	spec.proc.argv = argv;
	if (nb_spec_finish(&spec, err) == 0)
		rc = nb_launch(&spec, err);
out:
	spec.proc.argv = NULL;
	nb_spec_release(&spec);
	return rc;
}

/* Empties and removes the temporary tree, whose files belong to
 * subordinate ids: only root inside a sandbox can remove them. */
static void remove_tree(const char *tree)
{
	char *rm[] = { "/bin/sh", "-c", "rm -rf /nestbox/dest/* /nestbox/dest/.[!.]* /nestbox/dest/..?*", NULL };
	struct nb_err ignore;

	if (rmdir(tree) == 0)
		return;
	(void)run_in(tree, NULL, rm, -1, &ignore);
	rmdir(tree);
}

/* "12.3 MiB", for what was unpacked when it stopped. */
static void human(unsigned long long b, char *buf, size_t len)
{
	if (b >= (1ULL << 20))
		snprintf(buf, len, "%.1f MiB", (double)b / (1 << 20));
	else
		snprintf(buf, len, "%llu KiB", b >> 10);
}

/* DIR must be new or an empty directory: the tree is renamed onto it. */
static int check_dir(const char *dir, mode_t *mode, struct nb_err *err)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;
	struct stat st;
	mode_t mask = umask(0);

	umask(mask);
	*mode = 0777 & ~mask;
	if (lstat(dir, &st) < 0)
		return errno == ENOENT ? 0 : nb_fail(err, errno, "import: %s", dir);
	if (!S_ISDIR(st.st_mode))
		return nb_fail(err, ENOTDIR, "import: %s", dir);
	*mode = st.st_mode & 07777;
	d = opendir(dir);
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			return nb_fail_hint(err, 0, "import into a new or empty directory",
					    "import: %s is not empty", dir);
	return 0;
}

static int unpack(const char *image, const char *dir, const char *tree, const char *unpacker, struct nb_err *err)
{
	_cleanup_free_ char *b_unpack = nb_xasprintf("%s:/nestbox/unpack", unpacker);
	_cleanup_free_ char *b_image = nb_xasprintf("%s:/nestbox/image", image);
	const char *binds[] = { b_unpack, strcmp(image, "-") != 0 ? b_image : NULL, NULL };
	char *cmd[] = { "/bin/sh", "/nestbox/unpack", strcmp(image, "-") != 0 ? "/nestbox/image" : "-", "/nestbox/dest", NULL };
	_cleanup_close_ int mem = memfd_create("nestbox-import", 0);
	struct report r;
	char size[32];
	int rc;

	/* The unpacker reports on its descriptor 3. */
	if (mem < 0 || dup2(mem, 3) < 0)
		return nb_fail(err, errno, "import: cannot make the unpacker's report");
	rc = run_in(tree, binds, cmd, 3, err);
	read_report(3, &r);
	close(3);
	if (r.skipped)
		nb_warn("import: skipped %zu device node%s (%s%s): creating device nodes needs real root", r.skipped,
			r.skipped > 1 ? "s" : "", r.first_skipped, r.skipped > 1 ? ", ..." : "");
	if (r.refused)
		nb_warn("import: refused %zu member%s with '..' (%s%s)", r.refused, r.refused > 1 ? "s" : "",
			r.first_refused, r.refused > 1 ? ", ..." : "");
	if (rc == 0)
		return 0;
	human(r.bytes, size, sizeof size);
	if (rc > 0 && r.error[0] && r.bytes == 0)
		return nb_fail_hint(err, 0, "nothing was left behind; check that the image is a tarball",
				    "import: unpacking %s into %s failed: %s", image, dir, r.error);
	if (rc > 0 && r.error[0])
		return nb_fail_hint(err, 0, "nothing was left behind; free some space or check the image",
				    "import: unpacking %s into %s stopped after %s: %s", image, dir, size, r.error);
	if (rc > 0)
		return nb_fail(err, 0, "import: unpacking %s into %s failed after %s", image, dir, size);
	return -1;
}

/* A run killed by SIGKILL leaves its temporary sibling, whose files only
 * a sandbox can remove: the next import into the same DIR removes those
 * whose pid is gone. */
static void remove_stale(const char *dir)
{
	_cleanup_free_ char *copy = nb_xstrdup(dir);
	char *slash = strrchr(copy, '/');
	const char *parent = slash ? (slash == copy ? "/" : copy) : ".";
	const char *base = slash ? slash + 1 : copy;
	_cleanup_free_ char *prefix = nb_xasprintf("%s.nestbox-import-", base);
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;

	if (slash)
		*slash = '\0';
	d = opendir(parent);
	while (d && (e = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		char *end;
		long pid;

		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		pid = strtol(e->d_name + strlen(prefix), &end, 10);
		if (*end != '-' || !nb_pid_gone(pid))
			continue;
		path = nb_xasprintf("%s/%s", parent, e->d_name);
		nb_verbose("import: removing %s, left by a run that was killed", path);
		remove_tree(path);
	}
}

int nb_import(int argc, char **argv, struct nb_err *err)
{
	_cleanup_free_ char *unpacker = NULL, *tree = NULL;
	const char *image, *dir;
	struct stat st;
	mode_t mode;
	int rc;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("Usage: nestbox import IMAGE.tar[.gz|.xz|.zst] DIR\n"
		       "       nestbox import - DIR          (the tarball on standard input)\n\n"
		       "Unpack a root filesystem tarball into DIR, a new or empty directory, keeping\n"
		       "owners, modes, setuid bits and hard links as your subordinate ids, for\n"
		       "'nestbox run --rootfs DIR'.\n");
		return 0;
	}
	if (argc != 3)
		return nb_fail_hint(err, 0, "nestbox import IMAGE.tar[.gz|.xz|.zst] DIR, or - for standard input",
				    "import takes an image and a directory");
	image = argv[1];
	dir = argv[2];
	if (strcmp(image, "-") != 0 && (stat(image, &st) < 0 || !S_ISREG(st.st_mode)))
		return nb_fail_hint(err, errno ? errno : EINVAL, "give a tarball, e.g. from 'docker export' or 'debootstrap --make-tarball'",
				    "import: %s", image);
	TRY(check_dir(dir, &mode, err));
	remove_stale(dir);
	unpacker = find_unpacker();
	if (access(unpacker, R_OK) < 0)
		return nb_fail_hint(err, errno, "reinstall nestbox ('make install')",
				    "import: cannot find the unpacker %s", unpacker);
	/* A sibling, renamed onto DIR at the end: a run that is killed never
	 * leaves a tree that looks complete under DIR's name. */
	tree = nb_xasprintf("%s.nestbox-import-%d-XXXXXX", dir, (int)getpid());
	if (!mkdtemp(tree) || chmod(tree, mode) < 0)
		return nb_fail(err, errno, "import: cannot create %s", tree);
	rc = unpack(image, dir, tree, unpacker, err);
	if (rc == 0 && rename(tree, dir) < 0)
		rc = nb_fail(err, errno, "import: cannot rename %s to %s", tree, dir);
	if (rc != 0)
		remove_tree(tree);
	return rc;
}
