/* oci-config.c: an OCI bundle's config.json (runtime-spec 1.0 to 1.2) into
 * struct nb_spec, the spec every front end fills. Each field nestbox reads
 * is honoured or refused with its JSON path ("linux.resources.memory.limit:
 * ..."); the few that runc itself only warns about are warned about. The
 * seccomp policy, linux.seccomp, is oci-seccomp.c's. */
#include "oci.h"
#include "oci-int.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

#define CONFIG_MAX ((size_t)16 << 20)

/* Fails with the JSON path first. */

int nb_oci_prefix(struct nb_err *err, const char *path)
{
	char msg[sizeof err->msg];
	size_t n = strlen(path);

	/* "PATH: " then as much of the old message as fits. */
	if (n + 2 >= sizeof msg)
		return -1;
	memcpy(msg, path, n);
	memcpy(msg + n, ": ", 2);
	memcpy(msg + n + 2, err->msg, sizeof msg - n - 2);
	msg[sizeof msg - 1] = '\0';
	memcpy(err->msg, msg, sizeof msg);
	return -1;
}

const char *nb_oci_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An optional string member: NULL if absent, an error if not a string. */
int nb_oci_opt_str(json_t *o, const char *key, const char *path, const char **out, struct nb_err *err)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return BAD(err, path, "not a string");
	*out = json_string_value(v);
	return 0;
}

int nb_oci_opt_u32(json_t *o, const char *key, const char *path, uint32_t *out, bool *set, struct nb_err *err)
{
	json_t *v = json_object_get(o, key);

	*set = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX - 1)
		return BAD(err, path, "not an id or count (a number from 0 to 4294967294)");
	*out = (uint32_t)json_integer_value(v);
	*set = true;
	return 0;
}

/* --- root, mounts ---------------------------------------------------------- */

/* A path in the config relative to the bundle. */
static char *in_bundle(const char *bundle, const char *p)
{
	return p[0] == '/' ? nb_xstrdup(p) : nb_xasprintf("%s/%s", bundle, p);
}

static int root(struct nb_spec *s, const char *bundle, json_t *r, struct nb_err *err)
{
	const char *path;

	if (!json_is_object(r))
		return BAD(err, "root", "missing, or not an object");
	TRY(nb_oci_opt_str(r, "path", "root.path", &path, err));
	if (!path || !*path)
		return BAD(err, "root.path", "missing");
	s->view.rootfs = in_bundle(bundle, path);
	s->view.read_only = json_is_true(json_object_get(r, "readonly"));
	/* Only what the config mounts: no standard /tmp, /proc, /dev. */
	s->view.empty_root = true;
	return 0;
}

struct mnt_opts {
	bool ro, bind, nodev, noexec, nosuid;
	char size[32];
	unsigned mode;
};

/* Options that change nothing in nestbox's mounts (they are private and
 * new), or that describe what it does anyway. */
static bool harmless(const char *o)
{
	static const char *const ok[] = { "rw", "private", "rprivate", "slave", "rslave", "relatime", "norelatime",
					  "strictatime", "noatime", "nodiratime", "exec", "suid", "dev", "newinstance",
					  "ptmxmode=0666", "gid=5", "mode=620", "mode=0620", "async", "sync", "nosymfollow" };
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (strcmp(o, ok[i]) == 0)
			return true;
	return false;
}

static int mount_opts(json_t *a, const char *path, struct mnt_opts *o, struct nb_err *err)
{
	size_t i;
	json_t *v;

	memset(o, 0, sizeof *o);
	if (a && !json_is_array(a))
		return BAD(err, path, "not an array");
	json_array_foreach(a, i, v) {
		const char *x = json_string_value(v);
		char p[128];

		snprintf(p, sizeof p, "%s[%zu]", path, i);
		if (!x)
			return BAD(err, p, "not a string");
		if (strcmp(x, "ro") == 0 || strcmp(x, "rro") == 0)
			o->ro = true;
		else if (strcmp(x, "bind") == 0 || strcmp(x, "rbind") == 0)
			o->bind = true;
		else if (strcmp(x, "nodev") == 0)
			o->nodev = true;
		else if (strcmp(x, "noexec") == 0)
			o->noexec = true;
		else if (strcmp(x, "nosuid") == 0)
			o->nosuid = true;
		else if (strncmp(x, "size=", 5) == 0 && strlen(x + 5) < sizeof o->size)
			snprintf(o->size, sizeof o->size, "%s", x + 5);
		else if (strncmp(x, "mode=", 5) == 0 && strcmp(x, "mode=620") != 0 && strcmp(x, "mode=0620") != 0)
			TRY(nb_parse_mode(p, x + 5, &o->mode, err));
		else if (strcmp(x, "shared") == 0 || strcmp(x, "rshared") == 0)
			return BAD(err, p, "a shared mount would reach the host: nestbox's mounts are private");
		else if (!harmless(x))
			return BAD(err, p, "'%s' is not a mount option nestbox takes", x);
	}
	return 0;
}

/* What /dev, /dev/pts, /dev/shm, /sys and its cgroup are in nestbox's
 * view: its minimal /dev holds a devpts and a shm, its /sys a cgroup2. */
static int special(struct nb_spec *s, const char *type, const char *dest, const char *p, struct nb_oci_config *c,
		   struct nb_err *err)
{
	struct nb_mount *m;

	if (strcmp(dest, "/dev") == 0 && strcmp(type, "tmpfs") == 0)
		return nb_spec_mount(s, NB_MNT_DEV, "mounts", NULL, "/dev", &m, err) < 0 ? nb_oci_prefix(err, p) : 1;
	if (strcmp(type, "devpts") == 0 && strcmp(dest, "/dev/pts") == 0)
		return 1;
	if (strcmp(type, "sysfs") == 0) {
		if (strcmp(dest, "/sys") != 0)
			return BAD(err, p, "sysfs only at /sys");
		c->sysfs = true;
		return nb_spec_mount(s, NB_MNT_SYSFS, "mounts", NULL, "/sys", &m, err) < 0 ? nb_oci_prefix(err, p) : 1;
	}
	/* nestbox's /sys holds its cgroup2 already (or the host's, bound). */
	if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0) {
		if (strcmp(dest, "/sys/fs/cgroup") != 0 || !c->sysfs)
			return BAD(err, p, "a cgroup filesystem only at /sys/fs/cgroup, after a sysfs at /sys");
		return 1;
	}
	return 0;
}

static int one_mount(struct nb_spec *s, const char *bundle, struct nb_oci_config *c, json_t *j, size_t i,
		     struct nb_err *err)
{
	const char *dest = nb_oci_str(j, "destination"), *type = nb_oci_str(j, "type"), *src = nb_oci_str(j, "source");
	struct nb_mount *m;
	struct mnt_opts o;
	char p[64];
	int r;

	snprintf(p, sizeof p, "mounts[%zu]", i);
	if (!dest || dest[0] != '/')
		return BAD(err, p, "destination missing, or not an absolute path");
	{
		char po[80];

		snprintf(po, sizeof po, "%s.options", p);
		TRY(mount_opts(json_object_get(j, "options"), po, &o, err));
	}
	if (!type)
		type = o.bind ? "bind" : "";
	if (o.bind || strcmp(type, "bind") == 0) {
		_cleanup_free_ char *host = src ? in_bundle(bundle, src) : NULL;
		enum nb_mnt_kind k = o.ro ? NB_MNT_RO_BIND : o.nodev ? NB_MNT_BIND : NB_MNT_DEV_BIND;

		if (!host)
			return BAD(err, p, "a bind needs a source");
		if (nb_spec_mount(s, k, "mounts", host, dest, &m, err) < 0)
			return nb_oci_prefix(err, p);
		return 0;
	}
	r = special(s, type, dest, p, c, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (strcmp(type, "tmpfs") == 0) {
		if (nb_spec_mount(s, NB_MNT_TMPFS, "mounts", NULL, dest, &m, err) < 0)
			return nb_oci_prefix(err, p);
		m->mode = o.mode;
		m->size = o.size[0] ? nb_xstrdup(o.size) : NULL;
		if (m->size && nb_check_tmpfs_size(p, m->size, err) < 0)
			return -1;
		return 0;
	}
	if (strcmp(type, "proc") == 0 || strcmp(type, "mqueue") == 0) {
		if (nb_spec_mount(s, strcmp(type, "proc") == 0 ? NB_MNT_PROC : NB_MNT_MQUEUE, "mounts", NULL, dest, &m,
				  err) < 0)
			return nb_oci_prefix(err, p);
		return 0;
	}
	return BAD(err, p, "type '%s' is not a mount nestbox makes (bind, tmpfs, proc, sysfs, devpts, mqueue, cgroup)", type);
}

static int mounts(struct nb_spec *s, const char *bundle, struct nb_oci_config *c, json_t *a, struct nb_err *err)
{
	size_t i;
	json_t *v;

	if (a && !json_is_array(a))
		return BAD(err, "mounts", "not an array");
	json_array_foreach(a, i, v)
		TRY(one_mount(s, bundle, c, v, i, err));
	return 0;
}

/* maskedPaths and readonlyPaths: only where they exist. */
static int paths(struct nb_spec *s, json_t *a, const char *path, enum nb_mnt_kind kind, struct nb_err *err)
{
	size_t i;
	json_t *v;

	if (a && !json_is_array(a))
		return BAD(err, path, "not an array");
	json_array_foreach(a, i, v) {
		struct nb_mount *m;
		char p[64];

		snprintf(p, sizeof p, "%s[%zu]", path, i);
		if (!json_is_string(v) || nb_spec_mount(s, kind, path, NULL, json_string_value(v), &m, err) < 0)
			return json_is_string(v) ? nb_oci_prefix(err, p) : BAD(err, p, "not a path");
		m->try_ = true;
	}
	return 0;
}

/* --- linux ----------------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned bit; /* NB_NS_*, 0 for user and mount */
	int join;     /* the spec's NB_JOIN_*, or -1: not joined by path */
} ns_types[] = {
	{ "pid", NB_NS_PID, -1 },	  { "network", NB_NS_NET, NB_JOIN_NET }, { "ipc", NB_NS_IPC, NB_JOIN_IPC },
	{ "uts", NB_NS_UTS, NB_JOIN_UTS }, { "cgroup", NB_NS_CGROUP, NB_JOIN_CGROUP }, { "user", 0, -1 },
	{ "mount", 0, -1 },
};

static int namespaces(struct nb_spec *s, json_t *a, struct nb_err *err)
{
	bool user = false, mount = false;
	size_t i;
	json_t *v;

	s->ns.shared = NB_NS_PID | NB_NS_NET | NB_NS_IPC | NB_NS_UTS | NB_NS_CGROUP;
	if (!json_is_array(a))
		return BAD(err, "linux.namespaces", "missing, or not an array");
	json_array_foreach(a, i, v) {
		const char *type = nb_oci_str(v, "type"), *path = nb_oci_str(v, "path");
		char p[64];
		size_t k = 0;

		snprintf(p, sizeof p, "linux.namespaces[%zu]", i);
		while (k < ARRAY_SIZE(ns_types) && (!type || strcmp(type, ns_types[k].name) != 0))
			k++;
		if (k == ARRAY_SIZE(ns_types))
			return BAD(err, p, "type '%s' is not a namespace type", type ? type : "(none)");
		if (path && *path && strcmp(type, "mount") == 0)
			return BAD(err, p, "joining an existing mount namespace is not supported: nestbox builds the view in one of its own");
		/* A user or PID namespace to join: the child enters the first,
		 * makes the others there, and the payload joins the second. */
		if (path && *path && ns_types[k].join < 0) {
			int *fd = strcmp(type, "user") == 0 ? &s->ns.userns_fd : &s->ns.pidns_fd;

			if (*fd >= 0)
				close(*fd);
			*fd = open(path, O_RDONLY | O_CLOEXEC);
			if (*fd < 0)
				return BAD(err, p, "cannot open %s: %s", path, strerror(errno));
			user |= strcmp(type, "user") == 0;
			continue;
		}
		if (path && *path) {
			free(s->ns.join[ns_types[k].join]);
			s->ns.join[ns_types[k].join] = nb_xstrdup(path);
		}
		user |= strcmp(type, "user") == 0;
		mount |= strcmp(type, "mount") == 0;
		s->ns.shared &= ~ns_types[k].bit;
	}
	if (!mount)
		return BAD(err, "linux.namespaces", "nestbox needs a mount namespace");
	if (s->ns.pidns_fd >= 0 && user && s->ns.userns_fd < 0)
		return BAD(err, "linux.namespaces", "a PID namespace joined by path needs the user namespace that owns it joined too");
	/* Without a user namespace the caller's is kept, where it must be
	 * privileged: rootless podman runs its runtime as root of its own. */
	s->ns.share_user = !user;
	s->id.map_mode = NB_MAP_SINGLE;
	return 0;
}

static int one_map(json_t *a, const char *path, int (*set)(struct nb_spec *, const char *, struct nb_err *),
		   struct nb_spec *s, struct nb_err *err)
{
	size_t i;
	json_t *v;

	if (a && !json_is_array(a))
		return BAD(err, path, "not an array");
	json_array_foreach(a, i, v) {
		uint32_t in, out, n;
		bool a1, a2, a3;
		char p[64], line[64];

		snprintf(p, sizeof p, "%s[%zu]", path, i);
		if (nb_oci_opt_u32(v, "containerID", p, &in, &a1, err) < 0 || nb_oci_opt_u32(v, "hostID", p, &out, &a2, err) < 0 ||
		    nb_oci_opt_u32(v, "size", p, &n, &a3, err) < 0)
			return -1;
		if (!a1 || !a2 || !a3)
			return BAD(err, p, "containerID, hostID and size are required");
		snprintf(line, sizeof line, "%u:%u:%u", in, out, n);
		if (set(s, line, err) < 0)
			return nb_oci_prefix(err, p);
	}
	return 0;
}

static int maps(struct nb_spec *s, json_t *l, struct nb_err *err)
{
	TRY(one_map(json_object_get(l, "uidMappings"), "linux.uidMappings", nb_set_uid_map, s, err));
	TRY(one_map(json_object_get(l, "gidMappings"), "linux.gidMappings", nb_set_gid_map, s, err));
	if (s->ns.userns_fd >= 0) {
		if (s->id.n_uid_map || s->id.n_gid_map)
			return BAD(err, "linux.uidMappings", "a user namespace joined by path has its maps already");
		return 0;
	}
	if (s->ns.share_user && (s->id.n_uid_map || s->id.n_gid_map))
		return BAD(err, "linux.uidMappings", "id maps need a user namespace in linux.namespaces");
	if (!s->ns.share_user) {
		if (!s->id.n_uid_map || !s->id.n_gid_map)
			return BAD(err, "linux.uidMappings", "a user namespace needs uidMappings and gidMappings");
		s->id.map_mode = NB_MAP_AUTO;
	}
	return 0;
}

static int limit_u64(json_t *o, const char *key, const char *path, uint64_t *out, struct nb_err *err)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return BAD(err, path, "not a number");
	/* -1 and 0 are "no limit" in the runtime-spec. */
	if (json_integer_value(v) > 0)
		*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* Members nestbox does not enforce: present and not empty is an error. */
static int refuse_set(json_t *o, const char *const *keys, const char *base, struct nb_err *err)
{
	for (; *keys; keys++) {
		json_t *v = json_object_get(o, *keys);
		char p[96];

		if (!v || json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0) ||
		    (json_is_object(v) && json_object_size(v) == 0) || (json_is_string(v) && !*json_string_value(v)))
			continue;
		snprintf(p, sizeof p, "%s.%s", base, *keys);
		return BAD(err, p, "not supported: nestbox cannot enforce it");
	}
	return 0;
}

/* --- cgroup v2 files beyond the spec's named limits ------------------------- */

static void cg_file(struct nb_limits *l, const char *file, const char *value)
{
	nb_strv_push(&l->files, &l->n_files, nb_xasprintf("%s=%s", file, value));
}

/* A string member written to a file as it is: a CPU list, a node list. */
static int cg_string(struct nb_limits *l, json_t *o, const char *key, const char *path, const char *file, struct nb_err *err)
{
	const char *v;

	TRY(nb_oci_opt_str(o, key, path, &v, err));
	if (v && *v) {
		if (strspn(v, "0123456789,-") != strlen(v))
			return BAD(err, path, "'%s' is not a list such as 0-3,6", v);
		cg_file(l, file, v);
	}
	return 0;
}

static int cg_number(struct nb_limits *l, json_t *o, const char *key, const char *path, const char *file, struct nb_err *err)
{
	json_t *v = json_object_get(o, key);
	char n[32];

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return BAD(err, path, "not a number");
	snprintf(n, sizeof n, "%lld", (long long)json_integer_value(v));
	cg_file(l, file, n);
	return 0;
}

/* blockIO in v2's terms, as crun converts it: weight 10..1000 to io.weight
 * 1..10000, each throttle list to io.max lines. leafWeight is v1's only. */
static int block_io(struct nb_limits *l, json_t *b, struct nb_err *err)
{
	static const struct {
		const char *key, *io;
	} throttles[] = { { "throttleReadBpsDevice", "rbps" }, { "throttleWriteBpsDevice", "wbps" },
			  { "throttleReadIOPSDevice", "riops" }, { "throttleWriteIOPSDevice", "wiops" } };
	json_t *w = json_object_get(b, "weight"), *d;
	size_t i;
	char v[96];

	if (!b)
		return 0;
	if (json_object_get(b, "leafWeight"))
		return BAD(err, "linux.resources.blockIO.leafWeight", "cgroup v1's: nestbox uses v2");
	if (w && (!json_is_integer(w) || json_integer_value(w) < 10 || json_integer_value(w) > 1000))
		return BAD(err, "linux.resources.blockIO.weight", "not a weight from 10 to 1000");
	if (w) {
		snprintf(v, sizeof v, "default %lld", 1 + (json_integer_value(w) - 10) * 9999 / 990);
		cg_file(l, "io.weight", v);
	}
	json_array_foreach(json_object_get(b, "weightDevice"), i, d) {
		json_t *maj = json_object_get(d, "major"), *min = json_object_get(d, "minor"), *dw = json_object_get(d, "weight");

		if (json_object_get(d, "leafWeight"))
			return BAD(err, "linux.resources.blockIO.weightDevice", "leafWeight is cgroup v1's: nestbox uses v2");
		if (!json_is_integer(maj) || !json_is_integer(min) || !json_is_integer(dw) || json_integer_value(dw) < 10 ||
		    json_integer_value(dw) > 1000)
			return BAD(err, "linux.resources.blockIO.weightDevice", "major, minor and a weight from 10 to 1000");
		snprintf(v, sizeof v, "%lld:%lld %lld", json_integer_value(maj), json_integer_value(min),
			 1 + (json_integer_value(dw) - 10) * 9999 / 990);
		cg_file(l, "io.weight", v);
	}
	for (size_t k = 0; k < ARRAY_SIZE(throttles); k++)
		json_array_foreach(json_object_get(b, throttles[k].key), i, d) {
			json_t *maj = json_object_get(d, "major"), *min = json_object_get(d, "minor"), *rate = json_object_get(d, "rate");
			char p[96];

			snprintf(p, sizeof p, "linux.resources.blockIO.%s[%zu]", throttles[k].key, i);
			if (!json_is_integer(maj) || !json_is_integer(min) || !json_is_integer(rate) || json_integer_value(rate) < 0)
				return BAD(err, p, "major, minor and rate must be numbers");
			snprintf(v, sizeof v, "%lld:%lld %s=%lld", json_integer_value(maj), json_integer_value(min), throttles[k].io,
				 json_integer_value(rate));
			nb_strv_push(&l->io_max, &l->n_io_max, nb_xstrdup(v));
		}
	return 0;
}

/* hugepageLimits, rdma and unified: files of the leaf by their v2 names. */
static int v2_files(struct nb_limits *l, json_t *r, struct nb_err *err)
{
	json_t *h = json_object_get(r, "hugepageLimits"), *x;
	const char *key;
	size_t i;
	char v[128];

	json_array_foreach(h, i, x) {
		const char *size = nb_oci_str(x, "pageSize");
		json_t *limit = json_object_get(x, "limit");
		char f[64];

		if (!size || strspn(size, "0123456789KMGB") != strlen(size) || !json_is_integer(limit))
			return BAD(err, "linux.resources.hugepageLimits", "not a list of pageSize (2MB, 1GB) and limit");
		snprintf(f, sizeof f, "hugetlb.%s.max", size);
		snprintf(v, sizeof v, "%lld", json_integer_value(limit));
		cg_file(l, f, v);
	}
	json_object_foreach(json_object_get(r, "rdma"), key, x) {
		json_t *hh = json_object_get(x, "hcaHandles"), *ho = json_object_get(x, "hcaObjects");

		if (strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(key) || (!hh && !ho))
			return BAD(err, "linux.resources.rdma", "'%s' is not a device with hcaHandles or hcaObjects", key);
		size_t n = (size_t)snprintf(v, sizeof v, "%s", key);

		if (hh)
			n += (size_t)snprintf(v + n, sizeof v - n, " hca_handle=%lld", json_integer_value(hh));
		if (ho && n < sizeof v)
			snprintf(v + n, sizeof v - n, " hca_object=%lld", json_integer_value(ho));
		cg_file(l, "rdma.max", v);
	}
	json_object_foreach(json_object_get(r, "unified"), key, x) {
		char p[160];

		snprintf(p, sizeof p, "linux.resources.unified.%s", key);
		/* A file of the leaf itself, never one of another cgroup. */
		if (!strchr(key, '.') || strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_.") != strlen(key) ||
		    strncmp(key, "cgroup.", 7) == 0 || !json_is_string(x) || strchr(json_string_value(x), '\n'))
			return BAD(err, p, "not a controller's file with a one-line string value");
		cg_file(l, key, json_string_value(x));
	}
	return 0;
}

static int cpu(struct nb_limits *l, json_t *c, struct nb_err *err)
{
	static const char *const no[] = { "realtimeRuntime", "realtimePeriod", NULL };
	uint64_t shares = 0, quota = 0, period = 0;

	TRY(refuse_set(c, no, "linux.resources.cpu", err));
	TRY(limit_u64(c, "shares", "linux.resources.cpu.shares", &shares, err));
	TRY(limit_u64(c, "quota", "linux.resources.cpu.quota", &quota, err));
	TRY(limit_u64(c, "period", "linux.resources.cpu.period", &period, err));
	/* crun's conversion of v1 shares (2..262144) to v2 weight (1..10000).
	 * 1024 is the kernel's default, which every process has without a
	 * cgroup: containerd writes it into every config. */
	if (shares && shares != 1024)
		l->cpu_weight = (uint32_t)(1 + ((shares < 2 ? 2 : shares > 262144 ? 262144 : shares) - 2) * 9999 / 262142);
	TRY(cg_string(l, c, "cpus", "linux.resources.cpu.cpus", "cpuset.cpus", err));
	TRY(cg_string(l, c, "mems", "linux.resources.cpu.mems", "cpuset.mems", err));
	TRY(cg_number(l, c, "idle", "linux.resources.cpu.idle", "cpu.idle", err));
	TRY(cg_number(l, c, "burst", "linux.resources.cpu.burst", "cpu.max.burst", err));
	if (quota) {
		uint64_t q = quota * 100000 / (period ? period : 100000);

		if (q == 0 || q > UINT32_MAX)
			return BAD(err, "linux.resources.cpu.quota", "out of range for its period");
		l->cpu_quota = (uint32_t)q;
	}
	return 0;
}

static int resources(struct nb_spec *s, json_t *r, struct nb_err *err)
{
	static const char *const no[] = { "network", NULL };
	static const char *const no_mem[] = { "kernelTCP", "swappiness", "disableOOMKiller", NULL };
	struct nb_limits *l = &s->limits;
	json_t *m = json_object_get(r, "memory"), *p = json_object_get(r, "pids");
	uint64_t swap = 0, pids = 0;

	if (!r)
		return 0;
	TRY(refuse_set(r, no, "linux.resources", err));
	TRY(refuse_set(m, no_mem, "linux.resources.memory", err));
	TRY(limit_u64(m, "limit", "linux.resources.memory.limit", &l->mem_max, err));
	TRY(limit_u64(m, "swap", "linux.resources.memory.swap", &swap, err));
	/* The runtime-spec's swap is memory plus swap, as in cgroup v1. */
	if (swap) {
		if (!l->mem_max || swap < l->mem_max)
			return BAD(err, "linux.resources.memory.swap", "memory plus swap, so no less than memory.limit");
		l->mem_swap = swap - l->mem_max;
		l->mem_swap_set = true;
	}
	/* Kernel memory accounting is gone from v2; runc warns and goes on. */
	if (json_object_get(m, "kernel"))
		nb_warn("linux.resources.memory.kernel: ignored, as runc ignores it: cgroup v2 has no separate kernel memory limit");
	TRY(cg_number(l, m, "reservation", "linux.resources.memory.reservation", "memory.low", err));
	TRY(block_io(l, json_object_get(r, "blockIO"), err));
	TRY(v2_files(l, r, err));
	TRY(limit_u64(p, "limit", "linux.resources.pids.limit", &pids, err));
	if (pids > UINT32_MAX)
		return BAD(err, "linux.resources.pids.limit", "too large");
	l->pids_max = (uint32_t)pids;
	TRY(cpu(l, json_object_get(r, "cpu"), err));
	/* Device rules are for privileged runtimes; rootless ones ignore
	 * them too (the devices in the view are the only ones). */
	return 0;
}

static int devices(struct nb_spec *s, json_t *a, struct nb_err *err)
{
	size_t i;
	json_t *v;

	if (a && !json_is_array(a))
		return BAD(err, "linux.devices", "not an array");
	json_array_foreach(a, i, v) {
		const char *path = nb_oci_str(v, "path");
		struct nb_mount *m;
		char p[64];

		snprintf(p, sizeof p, "linux.devices[%zu]", i);
		/* Bound from the host, never made with mknod. */
		if (!path || nb_spec_mount(s, NB_MNT_DEV_BIND, "linux.devices", path, path, &m, err) < 0)
			return path ? nb_oci_prefix(err, p) : BAD(err, p, "path missing");
	}
	return 0;
}

/* runc's rule: a key is taken only if it belongs to a namespace the
 * container has of its own (IPC's, the network's, UTS's). */
static bool namespaced(const struct nb_spec *s, const char *key)
{
	static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
					   "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced" };

	for (size_t i = 0; i < ARRAY_SIZE(ipc); i++)
		if (strcmp(key, ipc[i]) == 0)
			return !(s->ns.shared & NB_NS_IPC);
	if (strncmp(key, "fs.mqueue.", 10) == 0)
		return !(s->ns.shared & NB_NS_IPC);
	if (strncmp(key, "net.", 4) == 0)
		return !(s->ns.shared & NB_NS_NET);
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		return !(s->ns.shared & NB_NS_UTS);
	return false;
}

static int sysctl(struct nb_spec *s, json_t *o, struct nb_err *err)
{
	const char *key;
	json_t *v;

	if (o && !json_is_object(o))
		return BAD(err, "linux.sysctl", "not an object");
	json_object_foreach(o, key, v) {
		char p[160];

		snprintf(p, sizeof p, "linux.sysctl.%s", key);
		if (!json_is_string(v) || strchr(key, '/') || strstr(key, ".."))
			return BAD(err, p, "not a key with a string value");
		if (!namespaced(s, key))
			return BAD(err, p, "not a key of a namespace the container has of its own");
		nb_strv_push(&s->ns.sysctl, &s->ns.n_sysctl, nb_xasprintf("%s=%s", key, json_string_value(v)));
	}
	return 0;
}

/* The execution domain: LINUX32 is what setarch i386 gives, so that
 * uname says i686. The spec names no flags. */
static int personality_(struct nb_spec *s, json_t *p, struct nb_err *err)
{
	const char *d = nb_oci_str(p, "domain");

	if (!p)
		return 0;
	if (json_array_size(json_object_get(p, "flags")))
		return BAD(err, "linux.personality.flags", "not supported: the runtime-spec names no flags");
	if (!d || (strcmp(d, "LINUX") != 0 && strcmp(d, "LINUX32") != 0))
		return BAD(err, "linux.personality.domain", "not LINUX or LINUX32");
	s->proc.personality = strcmp(d, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX;
	return 0;
}

/* cgroupsPath, as runc's cgroupfs manager takes it: absolute in the
 * hierarchy, else under the caller's own cgroup. systemd's
 * "slice:prefix:name" form needs --systemd-cgroup, which is refused. */
static int cgroups_path(struct nb_spec *s, json_t *l, struct nb_err *err)
{
	const char *p;

	TRY(nb_oci_opt_str(l, "cgroupsPath", "linux.cgroupsPath", &p, err));
	if (!p || !*p)
		return 0;
	if (strchr(p, ':'))
		return BAD(err, "linux.cgroupsPath", "'%s' is systemd's form, and nestbox has no systemd cgroup manager", p);
	if (strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.@/") != strlen(p) ||
	    strstr(p, "//") || strstr(p, "/../") || strncmp(p, "../", 3) == 0 || strcmp(p, "/") == 0 ||
	    (strlen(p) >= 3 && strcmp(p + strlen(p) - 3, "/..") == 0) || strcmp(p, "..") == 0)
		return BAD(err, "linux.cgroupsPath", "'%s' is not a cgroup's path", p);
	s->limits.path = nb_xstrndup(p, strlen(p) - (p[strlen(p) - 1] == '/'));
	return 0;
}

static int linux_(struct nb_spec *s, struct nb_oci_config *c, json_t *l, struct nb_err *err)
{
	static const char *const no[] = { "intelRdt", "timeOffsets", "memoryPolicy", NULL };
	const char *prop = nb_oci_str(l, "rootfsPropagation");

	if (!json_is_object(l))
		return BAD(err, "linux", "missing, or not an object");
	TRY(refuse_set(l, no, "linux", err));
	TRY(cgroups_path(s, l, err));
	TRY(personality_(s, json_object_get(l, "personality"), err));
	TRY(sysctl(s, json_object_get(l, "sysctl"), err));
	TRY(maps(s, l, err));
	TRY(resources(s, json_object_get(l, "resources"), err));
	/* Limits, or a cgroupsPath, that a rootless caller without a
	 * delegated subtree cannot have are a warning, as with runc and
	 * crun; none asked, none warned of. */
	s->limits.mode = getuid() == 0 || (!nb_spec_has_limits(&s->limits) && !s->limits.path) ? NB_CG_AUTO : NB_CG_TRY;
	TRY(devices(s, json_object_get(l, "devices"), err));
	TRY(paths(s, json_object_get(l, "maskedPaths"), "linux.maskedPaths", NB_MNT_MASK, err));
	TRY(paths(s, json_object_get(l, "readonlyPaths"), "linux.readonlyPaths", NB_MNT_REMOUNT_RO, err));
	if (prop && strstr(prop, "shared"))
		return BAD(err, "linux.rootfsPropagation", "a shared root would reach the host");
	TRY(nb_oci_lsm(l, "mountLabel", "/sys/fs/selinux/enforce", "SELinux", err));
	(void)c;
	if (json_object_get(l, "seccomp") && nb_oci_seccomp(s, json_object_get(l, "seccomp"), err) < 0)
		return -1;
	return 0;
}

static int load_json(const char *bundle, json_t **out, struct nb_err *err)
{
	_cleanup_close_ int dir = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC), fd = -1;
	_cleanup_free_ char *data = NULL;
	json_error_t je;
	size_t len;

	if (dir < 0)
		return nb_fail_hint(err, errno, "give the bundle's directory, holding config.json", "--bundle %s", bundle);
	fd = openat(dir, "config.json", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return nb_fail(err, errno, "%s/config.json", bundle);
	TRY(nb_read_fd_regular(fd, "config.json", CONFIG_MAX, &data, &len, err));
	*out = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!*out || !json_is_object(*out))
		return nb_fail(err, 0, "%s/config.json:%d:%d: %s", bundle, je.line, je.column,
			       *out ? "not a JSON object" : je.text);
	return 0;
}

int nb_oci_config_load(const char *bundle, struct nb_spec *s, struct nb_oci_config *c, struct nb_err *err)
{
	const char *v, *host;
	json_t *j;

	memset(c, 0, sizeof *c);
	c->bundle = nb_abs_src(bundle);
	TRY(load_json(c->bundle, &c->json, err));
	j = c->json;
	v = nb_oci_str(j, "ociVersion");
	if (!v || strncmp(v, "1.", 2) != 0)
		return BAD(err, "ociVersion", "'%s' is not a runtime-spec 1.x version", v ? v : "(none)");
	c->hooks = json_object_get(j, "hooks");
	TRY(nb_oci_hooks_check(c->hooks, err));
	/* A runtime's sandbox: no Landlock, no seccomp unless the config
	 * has it, no terminal unless a console socket takes it. */
	s->priv.landlock = 0;
	s->priv.seccomp = nb_xstrdup("unconfined");
	s->proc.tty = NB_TTY_NEVER;
	s->life.die_with_parent = false;
	TRY(nb_oci_process(s, c, json_object_get(j, "process"), err));
	TRY(root(s, c->bundle, json_object_get(j, "root"), err));
	TRY(namespaces(s, json_object_get(json_object_get(j, "linux"), "namespaces"), err));
	TRY(mounts(s, c->bundle, c, json_object_get(j, "mounts"), err));
	TRY(linux_(s, c, json_object_get(j, "linux"), err));
	/* The UTS namespace's sysctl, as linux.sysctl would set it. */
	v = nb_oci_str(j, "domainname");
	if (v && *v) {
		if (strlen(v) > 64 || strchr(v, '\n'))
			return BAD(err, "domainname", "'%s' is not 1 to 64 characters", v);
		if (s->ns.shared & NB_NS_UTS)
			return BAD(err, "domainname", "needs a uts namespace of the container's own");
		nb_strv_push(&s->ns.sysctl, &s->ns.n_sysctl, nb_xasprintf("kernel.domainname=%s", v));
	}
	host = nb_oci_str(j, "hostname");
	if (host && *host && nb_set_hostname(s, host, err) < 0)
		return nb_oci_prefix(err, "hostname");
	c->annotations = json_object_get(j, "annotations");
	if (c->annotations && !json_is_object(c->annotations))
		return BAD(err, "annotations", "not an object");
	return 0;
}

void nb_oci_config_release(struct nb_oci_config *c)
{
	nb_strv_free(c->argv);
	json_decref(c->json);
	free(c->bundle);
	memset(c, 0, sizeof *c);
}
