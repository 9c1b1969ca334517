/* oci-config.c: an OCI bundle's config.json (runtime-spec 1.0 to 1.2) into
 * struct nb_spec, the spec every front end fills. Each field nestbox reads
 * is honoured or refused with its JSON path ("linux.resources.memory.limit:
 * ..."); the few that runc itself only warns about are warned about. The
 * seccomp policy, linux.seccomp, is oci-seccomp.c's. */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

#include "capnames.h"
#include "report.h"
#include "util.h"

#define CONFIG_MAX ((size_t)16 << 20)

/* Fails with the JSON path first. */
#define BAD(err, path, ...) (nb_fail(err, 0, __VA_ARGS__), nb_oci_prefix(err, path))

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

static const char *str_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An optional string member: NULL if absent, an error if not a string. */
static int opt_str(json_t *o, const char *key, const char *path, const char **out, struct nb_err *err)
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

static int opt_u32(json_t *o, const char *key, const char *path, uint32_t *out, bool *set, struct nb_err *err)
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

/* --- process ----------------------------------------------------------- */

static int caps_list(json_t *a, const char *path, uint64_t *mask, struct nb_err *err)
{
	size_t i;
	json_t *v;

	*mask = 0;
	if (a && !json_is_array(a))
		return BAD(err, path, "not an array of capability names");
	json_array_foreach(a, i, v) {
		char p[96];

		snprintf(p, sizeof p, "%s[%zu]", path, i);
		if (!json_is_string(v))
			return BAD(err, p, "not a capability name");
		if (nb_cap_parse_list(p, json_string_value(v), mask, NULL, err) < 0)
			return -1;
	}
	return 0;
}

static int capabilities(struct nb_spec *s, json_t *c, struct nb_err *err)
{
	struct nb_privileges *p = &s->priv;
	uint64_t amb;

	if (!c)
		c = json_object(); /* none at all */
	else
		json_incref(c);
	if (caps_list(json_object_get(c, "bounding"), "process.capabilities.bounding", &p->bnd, err) < 0 ||
	    caps_list(json_object_get(c, "effective"), "process.capabilities.effective", &p->caps_e, err) < 0 ||
	    caps_list(json_object_get(c, "permitted"), "process.capabilities.permitted", &p->caps_p, err) < 0 ||
	    caps_list(json_object_get(c, "inheritable"), "process.capabilities.inheritable", &p->caps_i, err) < 0 ||
	    caps_list(json_object_get(c, "ambient"), "process.capabilities.ambient", &amb, err) < 0) {
		json_decref(c);
		return -1;
	}
	json_decref(c);
	p->caps_set = p->bnd_set = true;
	p->ambient = amb;
	/* runc sets no securebits: a setuid program keeps its meaning. */
	p->secbits = 0;
	if ((p->caps_e & ~p->caps_p) != 0)
		return BAD(err, "process.capabilities.effective", "an effective capability must also be permitted");
	return 0;
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },	      { "RLIMIT_CORE", RLIMIT_CORE },	  { "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },	      { "RLIMIT_FSIZE", RLIMIT_FSIZE },	  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },   { "RLIMIT_NPROC", RLIMIT_NPROC },	  { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME }, { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

static int rlimits(struct nb_spec *s, json_t *a, struct nb_err *err)
{
	size_t i;
	json_t *v;

	if (!a)
		return 0;
	if (!json_is_array(a))
		return BAD(err, "process.rlimits", "not an array");
	json_array_foreach(a, i, v) {
		char p[64];
		const char *type = str_at(v, "type");
		json_t *soft = json_object_get(v, "soft"), *hard = json_object_get(v, "hard");
		size_t k = 0;

		snprintf(p, sizeof p, "process.rlimits[%zu]", i);
		while (k < ARRAY_SIZE(rlimit_names) && (!type || strcmp(type, rlimit_names[k].name) != 0))
			k++;
		if (k == ARRAY_SIZE(rlimit_names))
			return BAD(err, p, "type '%s' is not a resource limit of Linux", type ? type : "(none)");
		if (!json_is_integer(soft) || !json_is_integer(hard))
			return BAD(err, p, "soft and hard must be numbers");
		s->proc.rlimits = nb_xrealloc(s->proc.rlimits, (s->proc.n_rlimits + 1) * sizeof *s->proc.rlimits);
		s->proc.rlimits[s->proc.n_rlimits++] = (struct nb_rlimit){ rlimit_names[k].resource,
									   (uint64_t)json_integer_value(soft),
									   (uint64_t)json_integer_value(hard) };
	}
	return 0;
}

static int user(struct nb_spec *s, json_t *u, struct nb_err *err)
{
	json_t *gids = json_object_get(u, "additionalGids"), *v;
	uint32_t id;
	bool set;
	size_t i;

	if (!json_is_object(u))
		return BAD(err, "process.user", "missing, or not an object");
	TRY(opt_u32(u, "uid", "process.user.uid", &s->id.uid, &s->id.uid_set, err));
	TRY(opt_u32(u, "gid", "process.user.gid", &s->id.gid, &s->id.gid_set, err));
	if (!s->id.uid_set || !s->id.gid_set)
		return BAD(err, "process.user", "uid and gid are required");
	TRY(opt_u32(u, "umask", "process.user.umask", &id, &set, err));
	if (set && id > 0777)
		return BAD(err, "process.user.umask", "not a mode");
	s->proc.umask = set ? (int)id : -1;
	if (str_at(u, "username"))
		return BAD(err, "process.user.username", "only numeric ids are taken on Linux");
	if (gids && !json_is_array(gids))
		return BAD(err, "process.user.additionalGids", "not an array");
	json_array_foreach(gids, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX - 1)
			return BAD(err, "process.user.additionalGids", "not a list of gids");
		s->id.groups = nb_xrealloc(s->id.groups, (s->id.n_groups + 1) * sizeof *s->id.groups);
		s->id.groups[s->id.n_groups++] = (uint32_t)json_integer_value(v);
	}
	return 0;
}

/* The LSM labels: warned about and ignored where the LSM is not there,
 * as runc does; refused where it is, since nestbox cannot apply them. */
static int lsm(json_t *p, const char *key, const char *lsm_path, const char *what, struct nb_err *err)
{
	const char *v = str_at(p, key);
	char path[64];

	if (!v || !*v)
		return 0;
	snprintf(path, sizeof path, "process.%s", key);
	if (access(lsm_path, F_OK) == 0)
		return BAD(err, path, "nestbox cannot apply %s labels", what);
	nb_warn("%s: %s is not enabled on this host: ignored", path, what);
	return 0;
}

int nb_oci_process(struct nb_spec *s, struct nb_oci_config *c, json_t *p, struct nb_err *err)
{
	json_t *args = json_object_get(p, "args"), *env = json_object_get(p, "env"), *v;
	const char *cwd;
	size_t i;

	if (!json_is_object(p))
		return BAD(err, "process", "missing, or not an object");
	if (!json_is_array(args) || json_array_size(args) == 0)
		return BAD(err, "process.args", "missing or empty: the command to run");
	json_array_foreach(args, i, v) {
		if (!json_is_string(v))
			return BAD(err, "process.args", "not a list of strings");
		nb_strv_push(&c->argv, &c->n_argv, nb_xstrdup(json_string_value(v)));
	}
	s->proc.argv = c->argv;
	/* The environment is exactly the config's. */
	s->proc.clearenv = s->proc.clearenv_all = true;
	if (env && !json_is_array(env))
		return BAD(err, "process.env", "not an array");
	json_array_foreach(env, i, v) {
		if (!json_is_string(v) || !strchr(json_string_value(v), '='))
			return BAD(err, "process.env", "not a list of NAME=VALUE strings");
		TRY(nb_set_env(s, json_string_value(v), err));
	}
	TRY(opt_str(p, "cwd", "process.cwd", &cwd, err));
	if (!cwd || cwd[0] != '/')
		return BAD(err, "process.cwd", "missing, or not an absolute path");
	TRY(nb_set_chdir(s, cwd, err));
	TRY(user(s, json_object_get(p, "user"), err));
	TRY(capabilities(s, json_object_get(p, "capabilities"), err));
	if (json_is_false(json_object_get(p, "noNewPrivileges")) || !json_object_get(p, "noNewPrivileges"))
		s->priv.allow_new_privs = true;
	TRY(rlimits(s, json_object_get(p, "rlimits"), err));
	c->terminal = json_is_true(json_object_get(p, "terminal"));
	if (json_object_get(p, "oomScoreAdj"))
		return BAD(err, "process.oomScoreAdj", "not supported yet");
	if (json_object_get(p, "ioPriority") || json_object_get(p, "scheduler") || json_object_get(p, "execCPUAffinity"))
		return BAD(err, "process", "ioPriority, scheduler and execCPUAffinity are not supported yet");
	TRY(lsm(p, "apparmorProfile", "/sys/kernel/security/apparmor", "AppArmor", err));
	TRY(lsm(p, "selinuxLabel", "/sys/fs/selinux/enforce", "SELinux", err));
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
	TRY(opt_str(r, "path", "root.path", &path, err));
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
	const char *dest = str_at(j, "destination"), *type = str_at(j, "type"), *src = str_at(j, "source");
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
} ns_types[] = {
	{ "pid", NB_NS_PID }, { "network", NB_NS_NET }, { "ipc", NB_NS_IPC }, { "uts", NB_NS_UTS },
	{ "cgroup", NB_NS_CGROUP }, { "user", 0 }, { "mount", 0 },
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
		const char *type = str_at(v, "type"), *path = str_at(v, "path");
		char p[64];
		size_t k = 0;

		snprintf(p, sizeof p, "linux.namespaces[%zu]", i);
		while (k < ARRAY_SIZE(ns_types) && (!type || strcmp(type, ns_types[k].name) != 0))
			k++;
		if (k == ARRAY_SIZE(ns_types))
			return BAD(err, p, "type '%s' is not a namespace type", type ? type : "(none)");
		if (path && *path && strcmp(type, "network") != 0)
			return BAD(err, p, "joining an existing %s namespace is not supported yet", type);
		if (path && *path)
			s->ns.netns_path = nb_xstrdup(path);
		user |= strcmp(type, "user") == 0;
		mount |= strcmp(type, "mount") == 0;
		s->ns.shared &= ~ns_types[k].bit;
	}
	if (!mount)
		return BAD(err, "linux.namespaces", "nestbox needs a mount namespace");
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
		if (opt_u32(v, "containerID", p, &in, &a1, err) < 0 || opt_u32(v, "hostID", p, &out, &a2, err) < 0 ||
		    opt_u32(v, "size", p, &n, &a3, err) < 0)
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

static int cpu(struct nb_limits *l, json_t *c, struct nb_err *err)
{
	static const char *const no[] = { "cpus", "mems", "realtimeRuntime", "realtimePeriod", "idle", "burst", NULL };
	uint64_t shares = 0, quota = 0, period = 0;

	TRY(refuse_set(c, no, "linux.resources.cpu", err));
	TRY(limit_u64(c, "shares", "linux.resources.cpu.shares", &shares, err));
	TRY(limit_u64(c, "quota", "linux.resources.cpu.quota", &quota, err));
	TRY(limit_u64(c, "period", "linux.resources.cpu.period", &period, err));
	/* crun's conversion of v1 shares (2..262144) to v2 weight (1..10000). */
	if (shares)
		l->cpu_weight = (uint32_t)(1 + ((shares < 2 ? 2 : shares > 262144 ? 262144 : shares) - 2) * 9999 / 262142);
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
	static const char *const no[] = { "blockIO", "hugepageLimits", "network", "rdma", "unified", NULL };
	static const char *const no_mem[] = { "reservation", "kernel", "kernelTCP", "swappiness", "disableOOMKiller",
					       "checkBeforeUpdate", NULL };
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
	TRY(limit_u64(p, "limit", "linux.resources.pids.limit", &pids, err));
	if (pids > UINT32_MAX)
		return BAD(err, "linux.resources.pids.limit", "too large");
	l->pids_max = (uint32_t)pids;
	TRY(cpu(l, json_object_get(r, "cpu"), err));
	/* Device rules are for privileged runtimes; rootless ones ignore
	 * them too (the devices in the view are the only ones). Limits
	 * that cannot be enforced rootless without a delegated subtree are
	 * a warning, as with runc and crun. */
	l->mode = getuid() == 0 ? NB_CG_AUTO : NB_CG_TRY;
	return 0;
}

static int devices(struct nb_spec *s, json_t *a, struct nb_err *err)
{
	size_t i;
	json_t *v;

	if (a && !json_is_array(a))
		return BAD(err, "linux.devices", "not an array");
	json_array_foreach(a, i, v) {
		const char *path = str_at(v, "path");
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

static int linux_(struct nb_spec *s, struct nb_oci_config *c, json_t *l, struct nb_err *err)
{
	static const char *const no[] = { "intelRdt", "personality", "timeOffsets", "memoryPolicy", NULL };
	const char *prop = str_at(l, "rootfsPropagation");

	if (!json_is_object(l))
		return BAD(err, "linux", "missing, or not an object");
	TRY(refuse_set(l, no, "linux", err));
	TRY(sysctl(s, json_object_get(l, "sysctl"), err));
	TRY(maps(s, l, err));
	TRY(resources(s, json_object_get(l, "resources"), err));
	TRY(devices(s, json_object_get(l, "devices"), err));
	TRY(paths(s, json_object_get(l, "maskedPaths"), "linux.maskedPaths", NB_MNT_MASK, err));
	TRY(paths(s, json_object_get(l, "readonlyPaths"), "linux.readonlyPaths", NB_MNT_REMOUNT_RO, err));
	if (prop && strstr(prop, "shared"))
		return BAD(err, "linux.rootfsPropagation", "a shared root would reach the host");
	TRY(lsm(l, "mountLabel", "/sys/fs/selinux/enforce", "SELinux", err));
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
	v = str_at(j, "ociVersion");
	if (!v || strncmp(v, "1.", 2) != 0)
		return BAD(err, "ociVersion", "'%s' is not a runtime-spec 1.x version", v ? v : "(none)");
	if (json_object_get(j, "hooks") && json_object_size(json_object_get(j, "hooks")))
		return BAD(err, "hooks", "not supported yet");
	v = str_at(j, "domainname");
	if (v && *v)
		return BAD(err, "domainname", "not supported yet");
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
	host = str_at(j, "hostname");
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
