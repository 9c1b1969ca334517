/* caps.c: see caps.h. */
#include "caps.h"

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capnames.h"
#include "util.h"

/* Docker's default allow list for a root payload. */
static const int docker_caps[] = {
	CAP_CHOWN,	  CAP_DAC_OVERRIDE, CAP_FOWNER,	     CAP_FSETID,	   CAP_KILL,
	CAP_SETGID,	  CAP_SETUID,	    CAP_SETPCAP,     CAP_NET_BIND_SERVICE, CAP_NET_RAW,
	CAP_SYS_CHROOT, CAP_MKNOD,	    CAP_AUDIT_WRITE, CAP_SETFCAP,
};

int nb_caps_resolve(const struct nb_privileges *s, uint32_t uid, struct nb_capset *c, struct nb_err *err)
{
	bool root = uid == 0;
	uint64_t base = 0;

	memset(c, 0, sizeof *c);
	if (root)
		for (size_t k = 0; k < ARRAY_SIZE(docker_caps); k++)
			base |= 1ULL << docker_caps[k];
	c->amb = s->ambient;
	c->bnd = ((s->cap_drop_all ? 0 : base) & ~s->cap_drop) | s->cap_add | c->amb;
	if (s->caps_set && s->bnd_set) {
		/* OCI's five sets, each exact. */
		c->e = s->caps_e;
		c->p = s->caps_p;
		c->i = s->caps_i;
		c->bnd = s->bnd;
	} else if (s->caps_set) {
		/* --caps is exact; the bounding set follows it, so that a root
		 * payload regains at exec exactly what it names. */
		c->e = s->caps_e;
		c->p = s->caps_p;
		c->i = s->caps_i;
		c->bnd = c->p | c->amb;
	} else if (root) {
		c->e = c->p = c->bnd;
	} else {
		c->e = c->p = c->amb;
	}
	if (s->inh_set)
		c->i = s->inh;
	/* An ambient capability must be permitted and inheritable too. */
	c->p |= c->amb;
	c->i |= c->amb;
	if ((c->e & ~c->p) != 0)
		return nb_fail(err, 0, "--caps: an effective capability must also be permitted");
	c->secbits = s->secbits >= 0 ? (unsigned)s->secbits : (root ? 0 : NB_SECBITS_LOCKED);
	if (c->amb && (c->secbits & SECBIT_NO_CAP_AMBIENT_RAISE))
		return nb_fail(err, 0, "--ambient cannot work with --secbits including NO_CAP_AMBIENT_RAISE");
	c->nnp = !s->allow_new_privs;
	return 0;
}

/* libcap's cap_to_text, for the common shapes: the most frequent flag
 * combination is the base ("=ep", or nothing), the rest are listed. */
static void print_text(FILE *out, uint64_t e, uint64_t i, uint64_t p)
{
	unsigned count[8] = { 0 }, base = 0, last = nb_cap_last();
	bool first = true;

	for (unsigned c = 0; c <= last; c++)
		count[(e >> c & 1) | (i >> c & 1) << 1 | (p >> c & 1) << 2]++;
	for (unsigned f = 1; f < 8; f++)
		if (count[f] > count[base])
			base = f;
	if (base) {
		fprintf(out, "=%s%s%s", base & 1 ? "e" : "", base & 2 ? "i" : "", base & 4 ? "p" : "");
		first = false;
	}
	for (unsigned f = 0; f < 8; f++) {
		bool any = false;

		if (f == base || count[f] == 0)
			continue;
		fputs(first ? "" : " ", out);
		first = false;
		for (unsigned c = 0; c <= last; c++) {
			unsigned fc = (unsigned)((e >> c & 1) | (i >> c & 1) << 1 | (p >> c & 1) << 2);
			if (fc == f) {
				fprintf(out, "%scap_%s", any ? "," : "", nb_cap_name(c));
				any = true;
			}
		}
		if (base == 0) {
			fprintf(out, "=%s%s%s", f & 1 ? "e" : "", f & 2 ? "i" : "", f & 4 ? "p" : "");
		} else {
			unsigned add = f & ~base, rm = base & ~f;
			if (add)
				fprintf(out, "+%s%s%s", add & 1 ? "e" : "", add & 2 ? "i" : "", add & 4 ? "p" : "");
			if (rm)
				fprintf(out, "-%s%s%s", rm & 1 ? "e" : "", rm & 2 ? "i" : "", rm & 4 ? "p" : "");
		}
	}
	if (first)
		fputc('=', out);
}

static void print_list(FILE *out, uint64_t m)
{
	bool any = false;

	for (unsigned c = 0; c <= nb_cap_last(); c++)
		if (m >> c & 1) {
			fprintf(out, "%scap_%s", any ? "," : "", nb_cap_name(c));
			any = true;
		}
}

void nb_caps_print(const struct nb_capset *c, uint32_t uid, FILE *out)
{
	/* After exec of a plain file: root (without SECBIT_NOROOT) regains the
	 * bounding and inheritable sets; anyone keeps only the ambient set. */
	bool legacy_root = uid == 0 && !(c->secbits & SECBIT_NOROOT);
	uint64_t p = legacy_root ? (c->bnd | c->i | c->amb) : c->amb;
	static const char *const names[] = { "secure-noroot", "secure-no-suid-fixup", "secure-keep-caps",
					     "secure-no-ambient-raise" };
	static const unsigned bits[] = { SECBIT_NOROOT, SECBIT_NO_SETUID_FIXUP, SECBIT_KEEP_CAPS,
					 SECBIT_NO_CAP_AMBIENT_RAISE };
	unsigned sb = c->secbits & ~SECBIT_KEEP_CAPS; /* exec clears keep-caps */

	fputs("Current: ", out);
	print_text(out, p, c->i, p);
	fputs("\nBounding set =", out);
	print_list(out, c->bnd);
	fputs("\nAmbient set =", out);
	print_list(out, c->amb);
	{
		/* capsh also writes the bits in binary, as Verilog does. */
		char bin[33];
		int n = 0;

		for (int b = 31; b >= 0; b--)
			if (sb >> b & 1 || (n == 0 && b == 0) || n > 0)
				bin[n++] = (char)('0' + (sb >> b & 1));
		bin[n] = '\0';
		fprintf(out, "\nSecurebits: 0%o/0x%x/%d'b%s (no-new-privs=%d)\n", sb, sb, n, bin, c->nnp ? 1 : 0);
	}
	for (size_t k = 0; k < ARRAY_SIZE(bits); k++)
		fprintf(out, " %s: %s (%s)\n", names[k], sb & bits[k] ? "yes" : "no",
			sb & (bits[k] << 1) ? "locked" : "unlocked");
}

/* The sets go in with one capset(2) each, and the bounding set shrinks
 * with one prctl per capability dropped: what libcap-ng's capng_apply()
 * does, without its reads of /proc/<tid>/status (three per call), which
 * cost more than the changes themselves. libcap-ng keeps the names. */
static int set_caps(uint64_t e, uint64_t p, uint64_t i)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2] = {
		{ .effective = (uint32_t)e, .permitted = (uint32_t)p, .inheritable = (uint32_t)i },
		{ .effective = (uint32_t)(e >> 32), .permitted = (uint32_t)(p >> 32), .inheritable = (uint32_t)(i >> 32) },
	};
	return (int)syscall(SYS_capset, &h, d);
}

/* Each drop is a new set of credentials (about 1.3 us): none for what is
 * gone already. */
static int drop_bounding(uint64_t keep, uint64_t gone, struct nb_err *err)
{
	for (unsigned k = 0; k <= nb_cap_last(); k++)
		if (!((keep | gone) >> k & 1) && prctl(PR_CAPBSET_DROP, k, 0, 0, 0) < 0 && errno != EINVAL)
			return nb_fail(err, errno, "cannot drop cap_%s from the bounding set", nb_cap_name(k));
	return 0;
}

int nb_caps_cut_bounding(const struct nb_capset *c, uint64_t *gone, struct nb_err *err)
{
	/* The inheritable set too: the payload raises it before its own cut. */
	uint64_t keep = c->bnd | c->i;

	TRY(drop_bounding(keep, 0, err));
	*gone = nb_cap_all() & ~keep;
	return 0;
}

/* Emptying the permitted set alone would do for a process that never
 * execs; the bounding set and the locked securebits make sure that no
 * mistake elsewhere can give anything back. */
int nb_caps_drop_all(uint64_t gone, struct nb_err *err)
{
	TRY(drop_bounding(0, gone, err));
	if (prctl(PR_SET_SECUREBITS, NB_SECBITS_LOCKED, 0, 0, 0) < 0)
		return nb_fail(err, errno, "cannot lock init's securebits");
	if (set_caps(0, 0, 0) < 0)
		return nb_fail(err, errno, "cannot drop init's capabilities");
	return 0;
}

bool nb_setgroups_allowed(void)
{
	return nb_setgroups_allowed_in(0);
}

bool nb_setgroups_allowed_in(pid_t pid)
{
	char sg[16] = "", path[48];
	struct nb_err ignore;

	if (pid > 0)
		snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
	else
		snprintf(path, sizeof path, "/proc/self/setgroups");
	(void)nb_read_small(path, sg, sizeof sg, &ignore);
	return strncmp(sg, "allow", 5) == 0;
}

int nb_caps_apply_identity(const struct nb_capset *c, uint64_t gone, uint32_t uid, uint32_t gid,
			   const uint32_t *groups, size_t n_groups, bool setgroups_ok, struct nb_err *err)
{
	/* 1. The identity, keeping every capability across the uid change.
	 * Not capng_change_id(): it throws CAP_SETPCAP away, and the bounding
	 * set and securebits below still need it. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return nb_fail(err, errno, "cannot keep capabilities across the uid change");
	/* The supplementary groups asked for (OCI's additionalGids), or none. */
	if (n_groups && !setgroups_ok)
		return nb_fail_hint(err, EPERM, "the map written with newgidmap forbids setgroups only when one gid is mapped: map more",
				    "cannot set the supplementary groups: this id map denies setgroups");
	if (setgroups_ok && setgroups(n_groups, (const gid_t *)groups) < 0)
		return nb_fail(err, errno, "cannot set the supplementary groups");
	if (setresgid(gid, gid, gid) < 0) {
		nb_fail(err, errno, "cannot become gid %u inside", gid);
		return nb_hint(err, "is gid %u in the gid map? see --verbose", gid);
	}
	if (setresuid(uid, uid, uid) < 0) {
		nb_fail(err, errno, "cannot become uid %u inside", uid);
		return nb_hint(err, "is uid %u in the uid map? see --verbose", uid);
	}
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return nb_fail(err, errno, "cannot reset keep-caps");
	/* A non-root uid change cleared the effective set: raise it again. */
	{
		struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
		struct __user_cap_data_struct d[2];
		uint64_t prm;

		if (syscall(SYS_capget, &h, d) < 0)
			return nb_fail(err, errno, "cannot read the capability sets");
		prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
		/* Inheritable too: the final sets may raise it only within the
		 * old inheritable set and the bounding set, which is cut next. */
		if (set_caps(prm, prm, prm & ~gone) < 0)
			return nb_fail(err, errno, "cannot raise capabilities after the uid change");
	}

	/* 2. The bounding set, while CAP_SETPCAP is still effective. */
	TRY(drop_bounding(c->bnd, gone, err));

	/* 3. Securebits, which need CAP_SETPCAP too. */
	if (prctl(PR_SET_SECUREBITS, c->secbits, 0, 0, 0) < 0)
		return nb_fail(err, errno, "cannot set securebits 0x%x", c->secbits);
	return 0;
}

int nb_caps_apply_final(const struct nb_capset *c, struct nb_err *err)
{
	/* 4. The final sets, then ambient (which needs them). */
	if (set_caps(c->e, c->p, c->i) < 0)
		return nb_fail(err, errno, "cannot set the capability sets");
	for (unsigned k = 0; k <= nb_cap_last(); k++)
		if ((c->amb >> k & 1) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, k, 0, 0) < 0)
			return nb_fail(err, errno, "cannot raise cap_%s in the ambient set", nb_cap_name(k));

	/* 5. Setuid files and file capabilities give nothing from here on. */
	if (c->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nb_fail(err, errno, "cannot set no_new_privs");
	return 0;
}
