/* subid.c: see subid.h. */
#include "subid.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#ifdef HAVE_LIBSUBID
#include <shadow/subid.h>
#endif

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

size_t nb_subid_parse_file(const char *path, const char *name, uid_t uid,
			   struct nb_subrange **out)
{
	FILE *f = fopen(path, "re");
	char line[512], uidstr[16];
	size_t n = 0;

	*out = NULL;
	if (!f)
		return 0;
	snprintf(uidstr, sizeof uidstr, "%u", (unsigned)uid);
	while (fgets(line, sizeof line, f)) {
		char *owner = line, *s, *c, *end;
		unsigned long start, count;

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
		if (end == s || *end)
			continue;
		count = strtoul(c, &end, 10);
		if (end == c || (*end && *end != '\n'))
			continue;
		push(out, &n, start, count);
	}
	fclose(f);
	return n;
}

size_t nb_subid_ranges(enum nb_subid_kind kind, const char *name, uid_t uid,
		       struct nb_subrange **out, const char **source)
{
	const char *file = kind == NB_SUBUID ? "/etc/subuid" : "/etc/subgid";
	size_t n;

	*out = NULL;
#ifdef HAVE_LIBSUBID
	if (name) {
		struct subid_range *r = NULL;
		int k;

		static bool init_done;

		/* libsubid logs to stderr by default; nestbox reports for itself.
		 * Once: it keeps (and on a second call, leaks) the name. */
		if (!init_done)
			init_done = subid_init("nestbox", NULL);
		k = kind == NB_SUBUID ? subid_get_uid_ranges(name, &r) : subid_get_gid_ranges(name, &r);
		n = 0;
		for (int i = 0; i < k; i++)
			push(out, &n, r[i].start, r[i].count);
		free(r);
		if (n > 0) {
			*source = "libsubid";
			return n;
		}
	}
#endif
	/* The file also matches lines keyed by numeric uid. */
	n = nb_subid_parse_file(file, name, uid, out);
	*source = file;
	return n;
}
