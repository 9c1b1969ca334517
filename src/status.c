/* status.c: see status.h. */
#include "status.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

void nb_status_info(const struct nb_spec *spec, pid_t child, const uint16_t *ports, int fd, bool close_it)
{
	static const char *const ns[][2] = {
		{ "mnt", "mnt-namespace" }, { "pid", "pid-namespace" },	      { "net", "net-namespace" },
		{ "ipc", "ipc-namespace" }, { "uts", "uts-namespace" },	      { "cgroup", "cgroup-namespace" },
		{ "user", "user-namespace" },
	};
	char buf[4096];
	size_t len = 0;

	len += (size_t)snprintf(buf + len, sizeof buf - len, "{\n    \"child-pid\": %d", (int)child);
	/* A key appears only for a namespace the sandbox made, as bwrap does. */
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		char path[64];
		struct stat self, st;

		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)child, ns[i][0]);
		if (stat(path, &st) < 0)
			continue;
		snprintf(path, sizeof path, "/proc/self/ns/%s", ns[i][0]);
		if (stat(path, &self) == 0 && self.st_ino == st.st_ino)
			continue;
		len += (size_t)snprintf(buf + len, sizeof buf - len, ",\n    \"%s\": %lu", ns[i][1],
					(unsigned long)st.st_ino);
	}
	if (spec->n_publish) {
		len += (size_t)snprintf(buf + len, sizeof buf - len, ",\n    \"ports\": [");
		for (size_t i = 0; i < spec->n_publish && len < sizeof buf - 160; i++)
			len += (size_t)snprintf(buf + len, sizeof buf - len,
						"%s{\"proto\": \"%s\", \"host-addr\": \"%s\", \"host-port\": %u, \"sandbox-port\": %u}",
						i ? ", " : "", spec->publish[i].udp ? "udp" : "tcp",
						spec->publish[i].host_addr, ports[i], spec->publish[i].guest_port);
		len += (size_t)snprintf(buf + len, sizeof buf - len, "]");
	}
	len += (size_t)snprintf(buf + len, sizeof buf - len, "\n}\n");
	if (len >= sizeof buf)
		len = sizeof buf - 1;
	/* json-status-fd takes one object per line. */
	if (!close_it)
		for (size_t i = 0; i + 1 < len; i++)
			if (buf[i] == '\n')
				buf[i] = ' ';
	(void)nb_write_all(fd, buf, len);
	if (close_it)
		close(fd);
}

void nb_status_exit(int fd, int exit_code, const char *stats)
{
	char buf[640];
	int n;

	/* With a leaf the stats object holds the exit code already. */
	if (stats && stats[0])
		n = snprintf(buf, sizeof buf, "%s\n", stats);
	else
		n = snprintf(buf, sizeof buf, "{\"exit-code\": %d}\n", exit_code);
	(void)nb_write_all(fd, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
	close(fd);
}
