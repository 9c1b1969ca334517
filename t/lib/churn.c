/* churn DIR SECONDS: renames DIR/a to DIR/b and back, again and again, for
 * SECONDS at most. Every rename on the machine takes the kernel's rename
 * lock, and an openat2(RESOLVE_IN_ROOT) that walks ".." meanwhile fails
 * with EAGAIN, which asks the caller to try again. For t/110. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char a[4096], b[4096];
	time_t end;
	int fd;

	if (argc != 3)
		return 2;
	snprintf(a, sizeof a, "%s/a", argv[1]);
	snprintf(b, sizeof b, "%s/b", argv[1]);
	fd = open(a, O_WRONLY | O_CREAT, 0600);
	if (fd < 0)
		return 1;
	close(fd);
	end = time(NULL) + atoi(argv[2]);
	while (time(NULL) < end)
		if (rename(a, b) < 0 || rename(b, a) < 0)
			return 1;
	return 0;
}
