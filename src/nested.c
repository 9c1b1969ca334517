/* nested.c: see nested.h. */
#include "nested.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int nb_nested_limit(struct nb_err *err)
{
	if (nb_write_file("/proc/sys/user/max_user_namespaces", "1", err) < 0)
		return nb_hint(err, "--disable-userns needs to lower the limit in the sandbox's user namespace");
	return 0;
}

int nb_nested_enter(int to_init, int from_init, struct nb_err *err)
{
	char c;

	if (unshare(CLONE_NEWUSER) < 0)
		return nb_fail(err, errno, "--disable-userns: cannot enter the nested user namespace");
	if (nb_write_all(to_init, "u", 1) < 0 || nb_read_all(from_init, &c, 1) != 1 || c != 'm')
		return nb_fail(err, EPROTO, "--disable-userns: init did not map the nested user namespace");
	return 0;
}

int nb_nested_map(pid_t payload, int from_payload, int to_payload, struct nb_err *err)
{
	static const char *const maps[] = { "gid_map", "uid_map" };
	char c;

	/* EOF: the payload failed before, and sent its own error. */
	if (nb_read_all(from_payload, &c, 1) != 1 || c != 'u')
		return 1;
	for (size_t k = 0; k < ARRAY_SIZE(maps); k++) {
		/* Up to 340 lines of up to 33 characters each. */
		char self[64], child[64], in[16384], out[16384] = "";
		char *save = NULL;
		size_t len = 0;

		snprintf(self, sizeof self, "/proc/self/%s", maps[k]);
		snprintf(child, sizeof child, "/proc/%d/%s", (int)payload, maps[k]);
		TRY(nb_read_small(self, in, sizeof in, err));
		for (char *line = strtok_r(in, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			unsigned long first, lower, count;

			if (sscanf(line, "%lu %lu %lu", &first, &lower, &count) == 3 && len < sizeof out)
				len += (size_t)snprintf(out + len, sizeof out - len, "%lu %lu %lu\n", first, first, count);
		}
		TRY(nb_write_file(child, out, err));
	}
	if (nb_write_all(to_payload, "m", 1) < 0)
		return nb_fail(err, errno, "--disable-userns: cannot release the payload");
	return 0;
}
