/* oci-spec.c: what nestbox oci says about itself without a container:
 * features, the JSON podman 5 and containerd read to learn what the
 * runtime supports, and spec, the default config.json runc spec writes. */
#include "oci.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capnames.h"
#include "util.h"

int nb_oci_features(void)
{
	static const char *const features =
		"{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"" OCI_VERSION "\","
		"\"hooks\":[\"prestart\",\"createRuntime\",\"createContainer\",\"startContainer\",\"poststart\",\"poststop\"],"
		"\"mountOptions\":[\"ro\",\"rw\",\"bind\",\"rbind\",\"nosuid\",\"nodev\",\"noexec\",\"private\",\"rprivate\","
		"\"slave\",\"rslave\",\"relatime\",\"noatime\",\"strictatime\"],"
		"\"linux\":{\"namespaces\":[\"cgroup\",\"ipc\",\"mount\",\"network\",\"pid\",\"user\",\"uts\"],"
		"\"capabilities\":[],"
		"\"cgroup\":{\"v1\":false,\"v2\":true,\"systemd\":false,\"systemdUser\":false},"
		"\"seccomp\":{\"enabled\":true,\"actions\":[\"SCMP_ACT_ALLOW\",\"SCMP_ACT_ERRNO\",\"SCMP_ACT_KILL\","
		"\"SCMP_ACT_KILL_PROCESS\",\"SCMP_ACT_KILL_THREAD\",\"SCMP_ACT_LOG\",\"SCMP_ACT_TRACE\",\"SCMP_ACT_TRAP\"],"
		"\"operators\":[\"SCMP_CMP_EQ\",\"SCMP_CMP_GE\",\"SCMP_CMP_GT\",\"SCMP_CMP_LE\",\"SCMP_CMP_LT\","
		"\"SCMP_CMP_MASKED_EQ\",\"SCMP_CMP_NE\"]},"
		"\"apparmor\":{\"enabled\":false},\"selinux\":{\"enabled\":false}},"
		"\"annotations\":{\"org.opencontainers.runc.checkpoint.enabled\":\"false\"}}";
	json_t *o = json_loads(features, 0, NULL);
	json_t *caps = json_object_get(json_object_get(o, "linux"), "capabilities");
	char *out;

	for (unsigned c = 0; c <= nb_cap_last(); c++) {
		char name[64];
		snprintf(name, sizeof name, "CAP_%s", nb_cap_name(c));
		for (char *p = name; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		json_array_append_new(caps, json_string(name));
	}
	out = json_dumps(o, JSON_INDENT(2));
	printf("%s\n", out);
	free(out);
	json_decref(o);
	return 0;
}

int nb_oci_spec_write(const char *bundle, bool rootless, struct nb_err *err)
{
	json_t *o = json_loads(
		"{\"ociVersion\":\"" OCI_VERSION "\","
		"\"process\":{\"terminal\":false,\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"
		"\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"TERM=xterm\"],\"cwd\":\"/\","
		"\"capabilities\":{\"bounding\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
		"\"effective\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
		"\"permitted\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]},"
		"\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],\"noNewPrivileges\":true},"
		"\"root\":{\"path\":\"rootfs\",\"readonly\":true},\"hostname\":\"nestbox\","
		"\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
		"{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
		"{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\",\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\"]},"
		"{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},"
		"{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\",\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
		"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
		"{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}],"
		"\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"cgroup\"}],"
		"\"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/proc/keys\",\"/proc/latency_stats\",\"/proc/timer_list\","
		"\"/proc/timer_stats\",\"/proc/sched_debug\",\"/sys/firmware\",\"/proc/scsi\"],"
		"\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\",\"/proc/sysrq-trigger\"]}}",
		0, NULL);
	_cleanup_free_ char *dir = nb_xstrdup(bundle);
	char *data;
	int rc;

	if (rootless || getuid() != 0) {
		json_t *l = json_object_get(o, "linux");
		json_array_append_new(json_object_get(l, "namespaces"), json_pack("{s:s}", "type", "user"));
		json_object_set_new(l, "uidMappings", json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID", (json_int_t)getuid(), "size", 1));
		json_object_set_new(l, "gidMappings", json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID", (json_int_t)getgid(), "size", 1));
	}
	data = json_dumps(o, JSON_INDENT(2));
	json_decref(o);
	{
		_cleanup_free_ char *path = nb_xasprintf("%s/config.json", dir);
		if (access(path, F_OK) == 0) {
			free(data);
			return nb_fail_hint(err, EEXIST, "remove it first", "%s", path);
		}
	}
	rc = nb_write_atomic(dir, "config.json", data, strlen(data), err);
	free(data);
	return rc;
}
