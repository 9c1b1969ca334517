/* status.c: see status.h. */
#include "status.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static const char *const ns_names[NB_STATUS_NS][2] = {
	{ "mnt", "mnt-namespace" }, { "pid", "pid-namespace" },	      { "net", "net-namespace" },
	{ "ipc", "ipc-namespace" }, { "uts", "uts-namespace" },	      { "cgroup", "cgroup-namespace" },
	{ "user", "user-namespace" },
};

void nb_status_collect(struct nb_status *st, pid_t child)
{
	st->child = child;
	/* A key appears only for a namespace the sandbox made, as bwrap does. */
	for (size_t i = 0; i < NB_STATUS_NS; i++) {
		char path[64];
		struct stat self, ns;

		st->ns[i] = 0;
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)child, ns_names[i][0]);
		if (stat(path, &ns) < 0)
			continue;
		snprintf(path, sizeof path, "/proc/self/ns/%s", ns_names[i][0]);
		if (stat(path, &self) == 0 && self.st_ino == ns.st_ino)
			continue;
		st->ns[i] = (unsigned long)ns.st_ino;
	}
}

void nb_status_info(const struct nb_status *st, const struct nb_network *net, const uint16_t *ports, int fd,
		    bool close_it)
{
	char buf[4096];
	size_t len = 0;

	len += (size_t)snprintf(buf + len, sizeof buf - len, "{\n    \"child-pid\": %d", (int)st->child);
	for (size_t i = 0; i < NB_STATUS_NS; i++)
		if (st->ns[i])
			len += (size_t)snprintf(buf + len, sizeof buf - len, ",\n    \"%s\": %lu", ns_names[i][1], st->ns[i]);
	if (net->n_publish) {
		len += (size_t)snprintf(buf + len, sizeof buf - len, ",\n    \"ports\": [");
		for (size_t i = 0; i < net->n_publish && len < sizeof buf - 160; i++)
			len += (size_t)snprintf(buf + len, sizeof buf - len,
						"%s{\"proto\": \"%s\", \"host-addr\": \"%s\", \"host-port\": %u, \"sandbox-port\": %u}",
						i ? ", " : "", net->publish[i].udp ? "udp" : "tcp",
						net->publish[i].host_addr, ports[i], net->publish[i].guest_port);
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

void nb_status_exit_json(int exit_code, const struct nb_cgroup_stats *st, bool note_missing, char *buf,
			 size_t len)
{
	if (st->have)
		snprintf(buf, len,
			 "{\"exit-code\": %d, \"memory-peak\": %llu, \"cpu-user-usec\": %llu, \"cpu-system-usec\": %llu, "
			 "\"cpu-periods\": %llu, \"cpu-throttled\": %llu, \"oom-kills\": %llu, \"pids-peak\": %llu}",
			 exit_code, st->memory_peak, st->cpu_user_usec, st->cpu_system_usec, st->cpu_periods,
			 st->cpu_throttled, st->oom_kills, st->pids_peak);
	else if (note_missing)
		snprintf(buf, len, "{\"exit-code\": %d, \"note\": \"no cgroup leaf: no stats\"}", exit_code);
	else
		snprintf(buf, len, "{\"exit-code\": %d}", exit_code);
}

void nb_status_exit(int fd, const char *json)
{
	(void)nb_write_all(fd, json, strlen(json));
	(void)nb_write_all(fd, "\n", 1);
	close(fd);
}
