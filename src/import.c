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

#include "feed.h"
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
	char skipped_names[256], refused_names[256], error[512];
	unsigned long long bytes, files;
};

/* "a, b, c" for the first three, then ", ...". */
static void add_name(char *list, size_t len, size_t count, const char *name)
{
	size_t n = strlen(list);

	if (count <= 3)
		snprintf(list + n, len - n, "%s%s", count > 1 ? ", " : "", name);
	else if (count == 4)
		snprintf(list + n, len - n, ", ...");
}

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
		if (strncmp(line, "skipped ", 8) == 0)
			add_name(r->skipped_names, sizeof r->skipped_names, ++r->skipped, line + 8);
		else if (strncmp(line, "refused ", 8) == 0)
			add_name(r->refused_names, sizeof r->refused_names, ++r->refused, line + 8);
		else if (strncmp(line, "unpacked ", 9) == 0)
			r->bytes = strtoull(line + 9, NULL, 10);
		else if (strncmp(line, "files ", 6) == 0)
			r->files = strtoull(line + 6, NULL, 10);
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
	spec.report.quiet = nb_report_quiet();
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

struct import {
	const char *image, *dir;
	bool quiet, skip_unsafe;
	char *tree;              /* the temporary sibling */
	struct report r;
};

/* The image on the unpacker's standard input, from a feeder that can tell
 * how far it got; its report on descriptor 3. */
static int run_unpacker(struct import *im, const char *unpacker, int image_fd, unsigned long long total,
			struct nb_err *err)
{
	_cleanup_free_ char *b_unpack = nb_xasprintf("%s:/nestbox/unpack", unpacker);
	const char *binds[] = { b_unpack, NULL };
	char *cmd[] = { "/bin/sh", "/nestbox/unpack", "-", "/nestbox/dest", NULL };
	_cleanup_close_ int mem = memfd_create("nestbox-import", 0), saved_in = dup(0);
	struct nb_feed feed = { .status_r = -1 };
	struct nb_err ferr = { 0 };
	int p[2], rc, frc;

	if (mem < 0 || saved_in < 0 || dup2(mem, 3) < 0 || pipe2(p, O_CLOEXEC) < 0)
		return nb_fail(err, errno, "import: cannot make the unpacker's pipes");
	if (nb_feed_start(&feed, image_fd, p[1], total, !im->quiet && isatty(2), "import", err) < 0) {
		close(p[0]), close(p[1]);
		return -1;
	}
	close(p[1]);
	dup2(p[0], 0);
	close(p[0]);
	rc = run_in(im->tree, binds, cmd, 3, err);
	dup2(saved_in, 0);
	frc = nb_feed_finish(&feed, &ferr);
	read_report(3, &im->r);
	close(3);
	if (rc == 0 && frc < 0) {
		*err = ferr;
		return -1;
	}
	return rc;
}

static int unpack(struct import *im, const char *unpacker, struct nb_err *err)
{
	const struct report *r = &im->r;
	_cleanup_close_ int fd = -1;
	unsigned long long total = 0;
	struct stat st;
	char size[32];
	int rc;

	/* Opened without blocking (a FIFO), then checked: a regular file,
	 * or standard input. */
	if (strcmp(im->image, "-") == 0)
		fd = fcntl(0, F_DUPFD_CLOEXEC, 10);
	else
		fd = open(im->image, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	/* Above 3, which becomes the unpacker's report. */
	if (fd >= 0 && fd < 10) {
		int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
		close(fd);
		fd = high;
	}
	if (fd < 0 || fstat(fd, &st) < 0)
		return nb_fail_hint(err, errno, "give a tarball, e.g. from 'docker export' or 'debootstrap --make-tarball'",
				    "import: %s", im->image);
	if (strcmp(im->image, "-") != 0 && !S_ISREG(st.st_mode))
		return nb_fail_hint(err, EINVAL, "give a tarball, e.g. from 'docker export' or 'debootstrap --make-tarball'",
				    "import: %s is not a regular file", im->image);
	if (S_ISREG(st.st_mode))
		total = (unsigned long long)st.st_size;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	rc = run_unpacker(im, unpacker, fd, total, err);
	if (r->skipped)
		nb_warn("import: skipped %zu device node%s (%s): creating device nodes needs real root", r->skipped,
			r->skipped > 1 ? "s" : "", r->skipped_names);
	if (rc == 0)
		return 0;
	nb_human_size(r->bytes, size, sizeof size);
	if (rc > 0 && r->error[0] && r->bytes == 0)
		return nb_fail_hint(err, 0, "nothing was left behind; check that the image is a tarball",
				    "import: unpacking %s into %s failed: %s", im->image, im->dir, r->error);
	if (rc > 0 && r->error[0])
		return nb_fail_hint(err, 0, "nothing was left behind; free some space or check the image",
				    "import: unpacking %s into %s stopped after %s: %s", im->image, im->dir, size, r->error);
	if (rc > 0)
		return nb_fail(err, 0, "import: unpacking %s into %s failed after %s", im->image, im->dir, size);
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

static void usage(void)
{
	printf("Usage: nestbox import [-q] [--skip-unsafe] IMAGE.tar[.gz|.xz|.zst] DIR\n"
	       "       nestbox import [-q] [--skip-unsafe] - DIR   (the tarball on standard input)\n\n"
	       "Unpack a root filesystem tarball into DIR, a new or empty directory, keeping\n"
	       "owners, modes, setuid bits and hard links as your subordinate ids, for\n"
	       "'nestbox run --rootfs DIR'. On a terminal it shows its progress.\n\n"
	       "  -q, --quiet      no progress, no summary, no warnings\n"
	       "  --skip-unsafe    accept an image with members that point out of DIR\n"
	       "                   ('..'): they are left out, and the import succeeds\n");
}

/* Returns 1 after --help, 0 with im filled, -1 with err. */
static int parse(int argc, char **argv, struct import *im, struct nb_err *err)
{
	const char *pos[2];
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage();
			return 1;
		}
		if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0)
			im->quiet = true;
		else if (strcmp(argv[i], "--skip-unsafe") == 0)
			im->skip_unsafe = true;
		else if (argv[i][0] == '-' && argv[i][1] && n == 0) {
			nb_fail_hint(err, 0, "see 'nestbox import --help'", "import: unknown option '%s'", argv[i]);
			return -1;
		}
		else if (n < 2)
			pos[n++] = argv[i];
		else
			n = 3;
	}
	if (n != 2) {
		nb_fail_hint(err, 0, "nestbox import [-q] [--skip-unsafe] IMAGE.tar[.gz|.xz|.zst] DIR, or - for standard input",
			     "import takes an image and a directory");
		return -1;
	}
	im->image = pos[0];
	im->dir = pos[1];
	return 0;
}

/* After a whole import: the summary on a terminal, and members with '..'
 * are an error unless --skip-unsafe (the rest of the image is in DIR). */
static int finish(const struct import *im, double secs, struct nb_err *err)
{
	const struct report *r = &im->r;
	char size[32];

	if (!im->quiet && isatty(2)) {
		nb_human_size(r->bytes, size, sizeof size);
		nb_note("import: %llu file%s, %s in %.1f s, into %s", r->files, r->files == 1 ? "" : "s", size, secs,
			im->dir);
	}
	if (!r->refused)
		return 0;
	if (im->skip_unsafe) {
		nb_warn("import: left out %zu member%s with '..' (%s)", r->refused, r->refused > 1 ? "s" : "",
			r->refused_names);
		return 0;
	}
	return nb_fail_hint(err, 0, "the image is unsafe; --skip-unsafe accepts it without them",
			    "import: refused %zu member%s with '..' (%s); %s holds the rest of the image", r->refused,
			    r->refused > 1 ? "s" : "", r->refused_names, im->dir);
}

int nb_import(int argc, char **argv, struct nb_err *err)
{
	_cleanup_free_ char *unpacker = NULL;
	struct import im = { 0 };
	double start = nb_seconds();
	mode_t mode;
	int rc;

	rc = parse(argc, argv, &im, err);
	if (rc != 0)
		return rc > 0 ? 0 : -1;
	nb_report_set_quiet(im.quiet);
	TRY(check_dir(im.dir, &mode, err));
	remove_stale(im.dir);
	unpacker = find_unpacker();
	if (access(unpacker, R_OK) < 0)
		return nb_fail_hint(err, errno, "reinstall nestbox ('make install')",
				    "import: cannot find the unpacker %s", unpacker);
	/* A sibling, renamed onto DIR at the end: a run that is killed never
	 * leaves a tree that looks complete under DIR's name. */
	im.tree = nb_xasprintf("%s.nestbox-import-%d-XXXXXX", im.dir, (int)getpid());
	if (!mkdtemp(im.tree) || chmod(im.tree, mode) < 0) {
		rc = nb_fail(err, errno, "import: cannot create %s", im.tree);
		free(im.tree);
		return rc;
	}
	rc = unpack(&im, unpacker, err);
	if (rc == 0 && rename(im.tree, im.dir) < 0)
		rc = nb_fail(err, errno, "import: cannot rename %s to %s", im.tree, im.dir);
	if (rc != 0)
		remove_tree(im.tree);
	free(im.tree);
	return rc != 0 ? rc : finish(&im, nb_seconds() - start, err);
}
