/* fdspy: stands in for a program nestbox runs (newuidmap, slirp4netns...)
 * to see which descriptors nestbox gave it. Called through a link of that
 * program's name in a directory first in PATH, it writes one line per open
 * descriptor, "N TARGET", to $FDSPY_DIR/NAME.fds, then execs
 * $FDSPY_REAL/NAME with the same arguments. For t/205. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dir = getenv("FDSPY_DIR"), *real = getenv("FDSPY_REAL");
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	char lines[8192] = "", path[PATH_MAX];
	size_t len = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	FILE *out;

	(void)argc;
	if (!dir || !real || !d)
		return 126;
	/* List first, so that nothing this program opens is in the list. */
	while ((e = readdir(d)) && len < sizeof lines - 300) {
		char link[300], target[256];
		ssize_t n;

		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
		n = readlink(link, target, sizeof target - 1);
		target[n > 0 ? n : 0] = '\0';
		len += (size_t)snprintf(lines + len, sizeof lines - len, "%s %s\n", e->d_name, target);
	}
	closedir(d);
	snprintf(path, sizeof path, "%s/%s.fds", dir, name);
	out = fopen(path, "w");
	if (!out)
		return 126;
	fputs(lines, out);
	fclose(out);
	snprintf(path, sizeof path, "%s/%s", real, name);
	execv(path, argv);
	return 127;
}
