/* oci-process.c: a config's "process" object (and exec's --process file)
 * into struct nb_spec: args, env, cwd, user, capabilities, rlimits,
 * terminal, the LSM labels, and the scheduling fields (oomScoreAdj,
 * ioPriority, scheduler, execCPUAffinity), which the payload's process
 * sets just before exec (sched.c). */
#include "oci.h"
#include "oci-int.h"

#include <errno.h>
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "capnames.h"
#include "report.h"
#include "util.h"

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
		const char *type = nb_oci_str(v, "type");
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
	TRY(nb_oci_opt_u32(u, "uid", "process.user.uid", &s->id.uid, &s->id.uid_set, err));
	TRY(nb_oci_opt_u32(u, "gid", "process.user.gid", &s->id.gid, &s->id.gid_set, err));
	if (!s->id.uid_set || !s->id.gid_set)
		return BAD(err, "process.user", "uid and gid are required");
	TRY(nb_oci_opt_u32(u, "umask", "process.user.umask", &id, &set, err));
	if (set && id > 0777)
		return BAD(err, "process.user.umask", "not a mode");
	s->proc.umask = set ? (int)id : -1;
	if (nb_oci_str(u, "username"))
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
int nb_oci_lsm(json_t *p, const char *key, const char *lsm_path, const char *what, struct nb_err *err)
{
	const char *v = nb_oci_str(p, key);
	char path[64];

	if (!v || !*v)
		return 0;
	snprintf(path, sizeof path, "process.%s", key);
	if (access(lsm_path, F_OK) == 0)
		return BAD(err, path, "nestbox cannot apply %s labels", what);
	nb_warn("%s: %s is not enabled on this host: ignored", path, what);
	return 0;
}

/* --- scheduling: oomScoreAdj, ioPriority, scheduler, execCPUAffinity --- */

static int named(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; name && i < n; i++)
		if (names[i] && strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

static int io_priority(struct nb_sched *d, json_t *o, struct nb_err *err)
{
	static const char *const classes[] = { NULL, "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE" };
	int class = named(nb_oci_str(o, "class"), classes, ARRAY_SIZE(classes));
	json_t *level = json_object_get(o, "priority");

	if (!o)
		return 0;
	if (class < 0)
		return BAD(err, "process.ioPriority.class", "not IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE");
	if (level && (!json_is_integer(level) || json_integer_value(level) < 0 || json_integer_value(level) > 7))
		return BAD(err, "process.ioPriority.priority", "not a level from 0 to 7");
	d->ioprio = class << 13 | (int)json_integer_value(level);
	return 0;
}

static int u64_at(json_t *o, const char *key, const char *path, uint64_t *out, struct nb_err *err)
{
	json_t *v = json_object_get(o, key);

	if (v && (!json_is_integer(v) || json_integer_value(v) < 0))
		return BAD(err, path, "not a number of nanoseconds");
	*out = v ? (uint64_t)json_integer_value(v) : 0;
	return 0;
}

static int scheduler(struct nb_sched *d, json_t *o, struct nb_err *err)
{
	/* Indexed by the kernel's SCHED_* numbers; 4 is SCHED_ISO, unused. */
	static const char *const policies[] = { "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO",
						"SCHED_IDLE", "SCHED_DEADLINE" };
	static const char *const flags[] = { "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
					     "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
					     "SCHED_FLAG_UTIL_CLAMP_MAX" };
	int policy = named(nb_oci_str(o, "policy"), policies, ARRAY_SIZE(policies));
	json_t *nice = json_object_get(o, "nice"), *prio = json_object_get(o, "priority"), *f = json_object_get(o, "flags"), *v;
	size_t i;

	if (!o)
		return 0;
	if (policy < 0 || policy == 4)
		return BAD(err, "process.scheduler.policy", "not a scheduling policy of Linux");
	if (nice && (!json_is_integer(nice) || json_integer_value(nice) < -20 || json_integer_value(nice) > 19))
		return BAD(err, "process.scheduler.nice", "not a nice value from -20 to 19");
	if (prio && (!json_is_integer(prio) || json_integer_value(prio) < 0 || json_integer_value(prio) > 99))
		return BAD(err, "process.scheduler.priority", "not a priority from 0 to 99");
	if (f && !json_is_array(f))
		return BAD(err, "process.scheduler.flags", "not an array");
	d->flags = 0;
	json_array_foreach(f, i, v) {
		int bit = named(json_string_value(v), flags, ARRAY_SIZE(flags));
		if (bit < 0)
			return BAD(err, "process.scheduler.flags", "'%s' is not a SCHED_FLAG_ of Linux", json_string_value(v) ?: "?");
		d->flags |= 1ULL << bit;
	}
	TRY(u64_at(o, "runtime", "process.scheduler.runtime", &d->runtime, err));
	TRY(u64_at(o, "deadline", "process.scheduler.deadline", &d->deadline, err));
	TRY(u64_at(o, "period", "process.scheduler.period", &d->period, err));
	d->policy_set = true;
	d->policy = (uint32_t)policy;
	d->nice = (int32_t)json_integer_value(nice);
	d->priority = (uint32_t)json_integer_value(prio);
	return 0;
}

/* The final affinity is the one the command keeps: nestbox's leaf has no
 * cpuset of its own to change it after the initial one. */
static int affinity(struct nb_sched *d, json_t *o, struct nb_err *err)
{
	const char *initial, *final;

	if (!o)
		return 0;
	TRY(nb_oci_opt_str(o, "initial", "process.execCPUAffinity.initial", &initial, err));
	TRY(nb_oci_opt_str(o, "final", "process.execCPUAffinity.final", &final, err));
	if (initial && !nb_sched_cpus_valid(initial))
		return BAD(err, "process.execCPUAffinity.initial", "'%s' is not a list of CPUs such as 0-3,6", initial);
	if (final && !nb_sched_cpus_valid(final))
		return BAD(err, "process.execCPUAffinity.final", "'%s' is not a list of CPUs such as 0-3,6", final);
	if (final || initial)
		d->cpus = nb_xstrdup(final ? final : initial);
	return 0;
}

static int scheduling(struct nb_sched *d, json_t *p, struct nb_err *err)
{
	json_t *oom = json_object_get(p, "oomScoreAdj");

	/* exec's --process replaces the config's. */
	free(d->cpus);
	*d = (struct nb_sched){ .ioprio = -1 };
	if (oom && (!json_is_integer(oom) || json_integer_value(oom) < -1000 || json_integer_value(oom) > 1000))
		return BAD(err, "process.oomScoreAdj", "not a number from -1000 to 1000");
	d->oom_set = oom != NULL;
	d->oom_score_adj = (int)json_integer_value(oom);
	TRY(io_priority(d, json_object_get(p, "ioPriority"), err));
	TRY(scheduler(d, json_object_get(p, "scheduler"), err));
	return affinity(d, json_object_get(p, "execCPUAffinity"), err);
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
	TRY(nb_oci_opt_str(p, "cwd", "process.cwd", &cwd, err));
	if (!cwd || cwd[0] != '/')
		return BAD(err, "process.cwd", "missing, or not an absolute path");
	TRY(nb_set_chdir(s, cwd, err));
	TRY(user(s, json_object_get(p, "user"), err));
	TRY(capabilities(s, json_object_get(p, "capabilities"), err));
	if (json_is_false(json_object_get(p, "noNewPrivileges")) || !json_object_get(p, "noNewPrivileges"))
		s->priv.allow_new_privs = true;
	TRY(rlimits(s, json_object_get(p, "rlimits"), err));
	c->terminal = json_is_true(json_object_get(p, "terminal"));
	TRY(scheduling(&s->proc.sched, p, err));
	TRY(nb_oci_lsm(p, "apparmorProfile", "/sys/kernel/security/apparmor", "AppArmor", err));
	TRY(nb_oci_lsm(p, "selinuxLabel", "/sys/fs/selinux/enforce", "SELinux", err));
	return 0;
}

