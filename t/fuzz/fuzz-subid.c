/* fuzz-subid: /etc/subuid text, and the auto map built from the ranges it
 * gives user "u" (uid 4242). Input: the caller's inside id and own host
 * id (4 bytes each, little-endian), then the file. Checked: the ranges
 * come out sorted and disjoint, and the map is one the kernel takes and
 * newuidmap allows: sorted, no inside or outside id twice, every outside
 * id the caller's own or in a range, the caller's id at its inside id,
 * at most NB_MAX_MAP_LINES lines. */
#include "fuzz.h"

#include <stdio.h>

#include "idmap.h"
#include "subid.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a < b + bn && b < a + an;
}

static void check_map(const struct nb_idmap *m, uint32_t in_id, uint32_t own, const struct nb_subrange *r, size_t nr)
{
	int own_seen = 0;

	if (m->n > NB_MAX_MAP_LINES)
		abort();
	for (size_t i = 0; i < m->n; i++) {
		const struct nb_idrange *l = &m->lines[i];
		int covered = l->outside == own && l->count == 1;

		if (l->count == 0 || (uint64_t)l->inside + l->count > UINT32_MAX ||
		    (i > 0 && m->lines[i - 1].inside >= l->inside))
			abort();
		for (size_t k = 0; k < nr && !covered; k++)
			covered = l->outside >= r[k].start && (uint64_t)l->outside + l->count <= (uint64_t)r[k].start + r[k].count;
		if (!covered)
			abort();
		for (size_t j = 0; j < i; j++)
			if (overlap(l->inside, l->count, m->lines[j].inside, m->lines[j].count) ||
			    overlap(l->outside, l->count, m->lines[j].outside, m->lines[j].count))
				abort();
		own_seen |= l->inside == in_id && l->outside == own;
	}
	if (!own_seen)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ struct nb_subrange *r = NULL;
	struct nb_idmap m = { 0 };
	uint32_t in_id, own;
	bool merged = false;
	FILE *f;
	size_t n;

	if (size < 8)
		return 0;
	in_id = le32(data), own = le32(data + 4);
	/* (uid_t)-1 is never an id. */
	if (in_id == UINT32_MAX || own == UINT32_MAX)
		return 0;
	f = fmemopen((void *)(data + 8), size - 8 ? size - 8 : 1, "r");
	if (!f)
		return 0;
	n = nb_subid_parse(f, "u", 4242, &r);
	fclose(f);
	n = nb_subid_tidy(r, n, &merged);
	for (size_t i = 0; i < n; i++)
		if (r[i].count == 0 || (i > 0 && (uint64_t)r[i - 1].start + r[i - 1].count > r[i].start))
			abort();
	nb_idmap_auto(&m, in_id, own, r, n);
	check_map(&m, in_id, own, r, n);
	free(m.lines);
	return 0;
}
