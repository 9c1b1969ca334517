/* fuzz.h: what the libFuzzer drivers in t/fuzz share (see README.md). */
#ifndef NB_FUZZ_H
#define NB_FUZZ_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (NULs inside stay). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = nb_xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static char fuzz_dir[200], fuzz_path[256];

static inline void fuzz_file_cleanup(void)
{
	unlink(fuzz_path);
	rmdir(fuzz_dir);
}

/* The input written to a file of this process's own, for the parsers that
 * read files (profiles, policies); returns its path. Removed at exit. */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *ext)
{
	char *path = fuzz_path, *dir = fuzz_dir;
	int fd;

	if (!path[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(dir, sizeof fuzz_dir, "%s/nestbox-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof fuzz_path, "%s/input%s", dir, ext);
		atexit(fuzz_file_cleanup);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || nb_write_all(fd, data, size) < 0)
		abort();
	close(fd);
	return path;
}

/* Splits the input at NUL bytes into at most max arguments after argv0;
 * the strings point into buf (a copy with a NUL at the end). */
static inline int fuzz_argv(char *buf, size_t size, const char *argv0, char **argv, int max)
{
	int argc = 0;

	argv[argc++] = (char *)argv0;
	for (size_t i = 0; i <= size && argc < max + 1;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	return argc;
}

#endif
