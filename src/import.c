/* import.c: see import.h. */
#include "import.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launch.h"
#include "spec.h"
#include "util.h"

#ifndef NB_LIBEXECDIR
#define NB_LIBEXECDIR "/usr/local/libexec/nestbox"
#endif

/* The unpacker sits in helpers/ beside a nestbox run from its build tree,
 * else in the installed libexec directory. */
static char *find_unpacker(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n > 0) {
		char *slash, *p;
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			p = nb_xasprintf("%s/helpers/nestbox-unpack", self);
			if (access(p, R_OK) == 0)
				return p;
			free(p);
		}
	}
	return nb_xstrdup(NB_LIBEXECDIR "/nestbox-unpack");
}

int nb_import(int argc, char **argv, struct nb_err *err)
{
	_cleanup_free_ char *unpacker = NULL, *arg = NULL;
	const char *image, *dir;
	char *cmd[5];
	struct nb_spec spec;
	struct stat st;
	int rc = -1;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("Usage: nestbox import IMAGE.tar[.gz|.xz|.zst] DIR\n"
		       "       nestbox import - DIR          (the tarball on standard input)\n\n"
		       "Unpack a root filesystem tarball into DIR, keeping owners, modes, setuid\n"
		       "bits and hard links as your subordinate ids, for 'nestbox run --rootfs DIR'.\n");
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
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return nb_fail(err, errno, "import: cannot create %s", dir);
	unpacker = find_unpacker();
	if (access(unpacker, R_OK) < 0)
		return nb_fail_hint(err, errno, "reinstall nestbox ('make install')",
				    "import: cannot find the unpacker %s", unpacker);

	nb_spec_init(&spec);
	spec.id.need_full_map = true;
	nb_set_root(&spec, NULL, err);
	arg = nb_xasprintf("%s:/nestbox/dest", dir);
	if (nb_set_bind(&spec, arg, err) < 0)
		goto out;
	free(arg);
	arg = nb_xasprintf("%s:/nestbox/unpack", unpacker);
	if (nb_set_ro_bind(&spec, arg, err) < 0)
		goto out;
	if (strcmp(image, "-") != 0) {
		free(arg);
		arg = nb_xasprintf("%s:/nestbox/image", image);
		if (nb_set_ro_bind(&spec, arg, err) < 0)
			goto out;
	}
	cmd[0] = "/bin/sh";
	cmd[1] = "/nestbox/unpack";
	cmd[2] = strcmp(image, "-") == 0 ? "-" : "/nestbox/image";
	cmd[3] = "/nestbox/dest";
	cmd[4] = NULL;
	spec.proc.argv = cmd;
	if (nb_spec_finish(&spec, err) < 0)
		goto out;
	rc = nb_launch(&spec, err);
	if (rc > 0) {
		rc = nb_fail(err, 0, "import: unpacking %s into %s failed", image, dir);
		nb_hint(err, "the messages above say why; the directory may hold a partial tree");
	}
out:
	spec.proc.argv = NULL;
	nb_spec_release(&spec);
	return rc;
}
