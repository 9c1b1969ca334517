/* subid.c: see subid.h. */
#include "subid.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "nss.h"
#include "util.h"

static void push(struct nb_subrange **v, size_t *n, unsigned long start, unsigned long count)
{
	/* Ids are 32-bit and (uid_t)-1 is never valid: clip what cannot exist. */
	if (count == 0 || start >= UINT32_MAX)
		return;
	if (count > UINT32_MAX - start)
		count = UINT32_MAX - start;
	*v = nb_xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = (struct nb_subrange){ (uint32_t)start, (uint32_t)count };
}

size_t nb_subid_parse(FILE *f, const char *name, uid_t uid, struct nb_subrange **out)
{
	char line[512], uidstr[16];
	bool whole = true; /* the last fgets ended its line */
	size_t n = 0;

	*out = NULL;
	snprintf(uidstr, sizeof uidstr, "%u", (unsigned)uid);
	while (fgets(line, sizeof line, f)) {
		char *owner = line, *s, *c, *end;
		unsigned long start, count;
		bool first = whole;

		/* The rest of a long line is not a line of its own. */
		whole = strchr(line, '\n') != NULL || feof(f);
		if (!first || !whole)
			continue;
		s = strchr(owner, ':');
		if (!s || line[0] == '#')
			continue;
		*s++ = '\0';
		if (strcmp(owner, uidstr) != 0 && (!name || strcmp(owner, name) != 0))
			continue;
		c = strchr(s, ':');
		if (!c)
			continue;
		*c++ = '\0';
		start = strtoul(s, &end, 10);
		if (end == s || *end || *s == '-' || *s == '+' || *s == ' ')
			continue;
		count = strtoul(c, &end, 10);
		if (end == c || (*end && *end != '\n') || *c == '-' || *c == '+' || *c == ' ')
			continue;
		push(out, &n, start, count);
	}
	return n;
}

/* The ranges of one subuid-format file. */
static size_t parse_file(const char *path, const char *name, uid_t uid, struct nb_subrange **out)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");

	*out = NULL;
	return f ? nb_subid_parse(f, name, uid, out) : 0;
}

/* getsubids prints "0: NAME START COUNT" for each range. */
static size_t from_getsubids(enum nb_subid_kind kind, const char *name, struct nb_subrange **out)
{
	char *uid_argv[] = { "/usr/bin/getsubids", (char *)name, NULL };
	char *gid_argv[] = { "/usr/bin/getsubids", "-g", (char *)name, NULL };
	_cleanup_free_ char *text = nb_nss_ask(kind == NB_SUBGID ? gid_argv : uid_argv);
	size_t n = 0;

	*out = NULL;
	for (char *line = text, *next; line && *line; line = next) {
		unsigned long start, count;
		char owner[256];

		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (sscanf(line, "%*u: %255s %lu %lu", owner, &start, &count) == 3 && strcmp(owner, name) == 0)
			push(out, &n, start, count);
	}
	return n;
}

static size_t lookup(enum nb_subid_kind kind, const char *name, uid_t uid,
		     struct nb_subrange **out, const char **source)
{
	const char *file = kind == NB_SUBUID ? "/etc/subuid" : "/etc/subgid";
	size_t n;

	*out = NULL;
	/* A source other than the files (sss for FreeIPA) is asked through
	 * getsubids(1), from the shadow tools that newuidmap comes with. */
	if (name && nb_nss_other_source("subid")) {
		n = from_getsubids(kind, name, out);
		if (n > 0) {
			*source = "getsubids";
			return n;
		}
	}
	/* The file also matches lines keyed by numeric uid. */
	n = parse_file(file, name, uid, out);
	*source = file;
	return n;
}

static int by_start(const void *a, const void *b)
{
	const struct nb_subrange *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sorted, and merged where ranges overlap or repeat (a line an admin
 * appended twice): the kernel refuses a map whose ranges overlap, so one
 * repeated line would make every run fail. Adjacent ranges stay apart;
 * they map fine. Returns how many remain; *merged if any overlapped. */
size_t nb_subid_tidy(struct nb_subrange *r, size_t n, bool *merged)
{
	size_t k = 0;

	if (n == 0)
		return 0;
	qsort(r, n, sizeof *r, by_start);
	for (size_t i = 1; i < n; i++) {
		uint64_t end = (uint64_t)r[k].start + r[k].count;

		if (r[i].start < end) {
			uint64_t e2 = (uint64_t)r[i].start + r[i].count;
			r[k].count = (uint32_t)((e2 > end ? e2 : end) - r[k].start);
			*merged = true;
		} else {
			r[++k] = r[i];
		}
	}
	return k + 1;
}

size_t nb_subid_ranges(enum nb_subid_kind kind, const char *name, uid_t uid,
		       struct nb_subrange **out, const char **source, bool *merged)
{
	size_t n = lookup(kind, name, uid, out, source);

	*merged = false;
	return nb_subid_tidy(*out, n, merged);
}
