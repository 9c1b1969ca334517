/* capnames.c: see capnames.h. */
#include "capnames.h"

#include <cap-ng.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"

unsigned nb_cap_last(void)
{
	static unsigned last;
	char buf[16];
	struct nb_err ignore;
	uint32_t v;

	if (last)
		return last;
	last = CAP_LAST_CAP;
	if (nb_read_small("/proc/sys/kernel/cap_last_cap", buf, sizeof buf, &ignore) == 0) {
		buf[strcspn(buf, "\n")] = '\0';
		if (nb_parse_u32(buf, 63, &v) == 0)
			last = v;
	}
	return last;
}

uint64_t nb_cap_all(void)
{
	unsigned l = nb_cap_last();
	return l >= 63 ? ~0ULL : (1ULL << (l + 1)) - 1;
}

const char *nb_cap_name(unsigned c)
{
	const char *n = capng_capability_to_name(c);
	return n ? n : "unknown";
}

static int parse_one(const char *opt, const char *name, int *cap, struct nb_err *err)
{
	const char *n = strncasecmp(name, "cap_", 4) == 0 ? name + 4 : name;
	char lower[64], list[2048];
	size_t len = 0;
	int c;

	if (strlen(n) < sizeof lower) {
		for (size_t k = 0; n[k]; k++)
			lower[k] = (char)((n[k] >= 'A' && n[k] <= 'Z') ? n[k] - 'A' + 'a' : n[k]);
		lower[strlen(n)] = '\0';
		c = capng_name_to_capability(lower);
		if (c >= 0 && (unsigned)c <= nb_cap_last()) {
			*cap = c;
			return 0;
		}
	}
	list[0] = '\0';
	for (unsigned k = 0; k <= nb_cap_last() && len < sizeof list - 32; k++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", k ? ", " : "", nb_cap_name(k));
	nb_fail(err, 0, "%s: unknown capability '%s'", opt, name);
	return nb_hint(err, "valid names (with or without cap_, any case) are ALL, %s", list);
}

int nb_cap_parse_list(const char *opt, const char *arg, uint64_t *mask, bool *all, struct nb_err *err)
{
	_cleanup_free_ char *copy = nb_xstrdup(arg);
	char *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int c = 0;
		if (strcasecmp(t, "all") == 0) {
			*mask |= nb_cap_all();
			if (all)
				*all = true;
			continue;
		}
		TRY(parse_one(opt, t, &c, err));
		*mask |= 1ULL << c;
	}
	return 0;
}

/* capsh/libcap text: clauses "names OP flags" separated by spaces, OP one
 * of = + -, flags from "eip"; "=" alone or "all=ep" name every capability. */
int nb_cap_parse_text(const char *arg, uint64_t *e, uint64_t *p, uint64_t *i, struct nb_err *err)
{
	_cleanup_free_ char *copy = nb_xstrdup(arg);
	uint64_t *sets[3] = { e, i, p };
	char *save = NULL;

	*e = *p = *i = 0;
	for (char *cl = strtok_r(copy, " ", &save); cl; cl = strtok_r(NULL, " ", &save)) {
		char *op = strpbrk(cl, "=+-");
		uint64_t names = 0;

		if (!op)
			return nb_fail_hint(err, 0, "capsh syntax, e.g. --caps='cap_net_bind_service,cap_chown+ep'",
					    "--caps: clause '%s' has no =, + or -", cl);
		if (op == cl) {
			names = nb_cap_all(); /* "=ep": every capability */
		} else {
			char o = *op;
			*op = '\0';
			TRY(nb_cap_parse_list("--caps", cl, &names, NULL, err));
			*op = o;
		}
		while (op) {
			const char *flags = op + 1;
			char *next = strpbrk(flags, "=+-");
			size_t len = next ? (size_t)(next - flags) : strlen(flags);

			if (strspn(flags, "eip") < len)
				return nb_fail(err, 0, "--caps: in '%s', flags must be from e, i and p", cl);
			for (int k = 0; k < 3; k++) {
				const char *hit = strchr(flags, "eip"[k]);
				bool has = hit && (size_t)(hit - flags) < len;
				if (*op == '=')
					*sets[k] = has ? (*sets[k] | names) : (*sets[k] & ~names);
				else if (has && *op == '+')
					*sets[k] |= names;
				else if (has)
					*sets[k] &= ~names;
			}
			op = next;
		}
	}
	return 0;
}

