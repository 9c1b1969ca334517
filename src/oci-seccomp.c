/* oci-seccomp.c: an OCI config's linux.seccomp (defaultAction,
 * architectures, syscalls with their args and errnoRet, flags) compiled
 * with libseccomp into one BPF program, which the payload loads last, as
 * bwrap's --seccomp programs. System call names this architecture lacks
 * are skipped, as runc skips them; anything else not understood is an
 * error naming its JSON path. */
#include "oci.h"

#include <ctype.h>
#include <errno.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

#define BAD(err, path, ...) (nb_fail(err, 0, __VA_ARGS__), nb_oci_prefix(err, path))

static void ctx_release(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}

static int action(json_t *j, const char *key, json_t *errno_ret, const char *path, uint32_t *out, struct nb_err *err)
{
	const char *a = json_string_value(json_object_get(j, key));
	uint32_t e = json_is_integer(errno_ret) ? (uint32_t)json_integer_value(errno_ret) : EPERM;

	if (!a)
		return BAD(err, path, "no %s", key);
	if (strcmp(a, "SCMP_ACT_ALLOW") == 0)
		*out = SCMP_ACT_ALLOW;
	else if (strcmp(a, "SCMP_ACT_ERRNO") == 0)
		*out = SCMP_ACT_ERRNO(e);
	else if (strcmp(a, "SCMP_ACT_KILL") == 0 || strcmp(a, "SCMP_ACT_KILL_THREAD") == 0)
		*out = SCMP_ACT_KILL_THREAD;
	else if (strcmp(a, "SCMP_ACT_KILL_PROCESS") == 0)
		*out = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(a, "SCMP_ACT_TRAP") == 0)
		*out = SCMP_ACT_TRAP;
	else if (strcmp(a, "SCMP_ACT_TRACE") == 0)
		*out = SCMP_ACT_TRACE(e);
	else if (strcmp(a, "SCMP_ACT_LOG") == 0)
		*out = SCMP_ACT_LOG;
	else
		return BAD(err, path, "action '%s' is not supported (SCMP_ACT_NOTIFY needs a listener nestbox does not run)", a);
	return 0;
}

static int arches(scmp_filter_ctx ctx, json_t *a, struct nb_err *err)
{
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v) {
		const char *n = json_string_value(v);
		char name[32], p[64];
		uint32_t arch;
		int r;

		snprintf(p, sizeof p, "linux.seccomp.architectures[%zu]", i);
		if (!n || strncmp(n, "SCMP_ARCH_", 10) != 0 || strlen(n + 10) >= sizeof name)
			return BAD(err, p, "not an SCMP_ARCH_ name");
		for (size_t k = 0; n[10 + k]; k++)
			name[k] = (char)tolower((unsigned char)n[10 + k]), name[k + 1] = '\0';
		arch = seccomp_arch_resolve_name(name);
		if (!arch)
			return BAD(err, p, "'%s' is not an architecture libseccomp knows", n);
		r = seccomp_arch_add(ctx, arch);
		if (r < 0 && r != -EEXIST)
			return BAD(err, p, "cannot add %s: %s", n, strerror(-r));
	}
	return 0;
}

static const char *const ops[] = { [SCMP_CMP_NE] = "SCMP_CMP_NE", [SCMP_CMP_LT] = "SCMP_CMP_LT",
				   [SCMP_CMP_LE] = "SCMP_CMP_LE", [SCMP_CMP_EQ] = "SCMP_CMP_EQ",
				   [SCMP_CMP_GE] = "SCMP_CMP_GE", [SCMP_CMP_GT] = "SCMP_CMP_GT",
				   [SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ" };

static int conditions(json_t *args, const char *path, struct scmp_arg_cmp *c, unsigned *n, bool *same_arg,
		      struct nb_err *err)
{
	unsigned seen = 0;
	size_t i;
	json_t *v;

	*n = 0;
	*same_arg = false;
	if (json_array_size(args) > 6)
		return BAD(err, path, "more than 6 conditions");
	json_array_foreach(args, i, v) {
		json_t *idx = json_object_get(v, "index");
		const char *op = json_string_value(json_object_get(v, "op"));
		unsigned k = SCMP_CMP_NE;

		while (k <= SCMP_CMP_MASKED_EQ && (!op || strcmp(op, ops[k]) != 0))
			k++;
		if (!json_is_integer(idx) || json_integer_value(idx) < 0 || json_integer_value(idx) > 5 ||
		    k > SCMP_CMP_MASKED_EQ)
			return BAD(err, path, "args[%zu]: an index from 0 to 5 and an SCMP_CMP_ op are needed", i);
		*same_arg |= (seen >> json_integer_value(idx)) & 1;
		seen |= 1u << json_integer_value(idx);
		c[(*n)++] = (struct scmp_arg_cmp){ .arg = (unsigned)json_integer_value(idx), .op = (enum scmp_compare)k,
						   .datum_a = (scmp_datum_t)json_integer_value(json_object_get(v, "value")),
						   .datum_b = (scmp_datum_t)json_integer_value(json_object_get(v, "valueTwo")) };
	}
	return 0;
}

/* One rule for every name; conditions on the same argument each get a
 * rule of their own (libseccomp takes one per argument in a rule). */
static int syscall_rule(scmp_filter_ctx ctx, uint32_t dflt, json_t *r, size_t i, struct nb_err *err)
{
	json_t *names = json_object_get(r, "names"), *v;
	struct scmp_arg_cmp c[6];
	unsigned n;
	bool same;
	uint32_t act = 0;
	char p[64];
	size_t k;

	snprintf(p, sizeof p, "linux.seccomp.syscalls[%zu]", i);
	TRY(action(r, "action", json_object_get(r, "errnoRet"), p, &act, err));
	TRY(conditions(json_object_get(r, "args"), p, c, &n, &same, err));
	if (!json_is_array(names))
		return BAD(err, p, "no names");
	if (act == dflt)
		return 0;
	json_array_foreach(names, k, v) {
		int nr = json_is_string(v) ? seccomp_syscall_resolve_name(json_string_value(v)) : __NR_SCMP_ERROR;
		int rc = 0;

		if (nr == __NR_SCMP_ERROR)
			continue;
		if (!same) {
			rc = seccomp_rule_add_array(ctx, act, nr, n, c);
		} else {
			for (unsigned a = 0; a < n && rc == 0; a++)
				rc = seccomp_rule_add_array(ctx, act, nr, 1, &c[a]);
		}
		if (rc < 0)
			return BAD(err, p, "cannot add the rule for %s: %s", json_string_value(v), strerror(-rc));
	}
	return 0;
}

/* The compiled program, read back from a memfd. */
static int export(scmp_filter_ctx ctx, struct nb_spec *s, struct nb_err *err)
{
	_cleanup_close_ int fd = memfd_create("oci-seccomp", MFD_CLOEXEC);
	_cleanup_free_ char *data = NULL;
	off_t len;
	int rc;

	if (fd < 0)
		return nb_fail(err, errno, "linux.seccomp: cannot make a memfd");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return nb_fail(err, -rc, "linux.seccomp: cannot compile the filter");
	len = lseek(fd, 0, SEEK_CUR);
	if (len <= 0 || len % (off_t)sizeof(struct sock_filter) || len / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
		return nb_fail(err, 0, "linux.seccomp: the compiled filter has %lld bytes, more than the kernel takes",
			       (long long)len);
	data = nb_xmalloc((size_t)len);
	if (pread(fd, data, (size_t)len, 0) != len)
		return nb_fail(err, errno, "linux.seccomp: cannot read the compiled filter");
	s->priv.bpf = nb_xrealloc(s->priv.bpf, (s->priv.n_bpf + 1) * sizeof *s->priv.bpf);
	s->priv.bpf[s->priv.n_bpf++] = (struct nb_bpf){ .insns = nb_steal(&data),
							.len = (unsigned short)(len / (off_t)sizeof(struct sock_filter)) };
	return 0;
}

int nb_oci_seccomp(struct nb_spec *s, json_t *j, struct nb_err *err)
{
	_cleanup_(ctx_release) scmp_filter_ctx ctx = NULL;
	json_t *calls = json_object_get(j, "syscalls"), *v;
	uint32_t dflt = 0;
	size_t i;

	if (!json_is_object(j))
		return BAD(err, "linux.seccomp", "not an object");
	if (json_object_get(j, "listenerPath"))
		return BAD(err, "linux.seccomp.listenerPath", "a seccomp notify listener is not supported");
	TRY(action(j, "defaultAction", json_object_get(j, "defaultErrnoRet"), "linux.seccomp.defaultAction", &dflt, err));
	ctx = seccomp_init(dflt);
	if (!ctx)
		return nb_fail(err, ENOMEM, "linux.seccomp: cannot start a filter");
	/* no_new_privs is the payload's own business (noNewPrivileges). */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	TRY(arches(ctx, json_object_get(j, "architectures"), err));
	if (calls && !json_is_array(calls))
		return BAD(err, "linux.seccomp.syscalls", "not an array");
	json_array_foreach(calls, i, v)
		TRY(syscall_rule(ctx, dflt, v, i, err));
	return export(ctx, s, err);
}
