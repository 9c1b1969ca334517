/* status.c: see status.h. */
#include "status.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

void nb_status_info(const struct nb_spec *spec, pid_t child, const uint16_t *ports, int fd)
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
	(void)nb_write_all(fd, buf, len < sizeof buf ? len : sizeof buf - 1);
	close(fd);
}
