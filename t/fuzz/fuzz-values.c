/* fuzz-values: the value parsers users type most: --publish, sizes
 * (--memory, --tmpfs size=), --cpus and --io-max. Input: a byte that picks
 * the parser, then the value. A size accepted starts with a digit, and
 * the bytes it means read back as the same size. */
#include "fuzz.h"
#include "fuzz-report.h"

#include <ctype.h>

#include "spec.h"

typedef int setter(struct nb_spec *s, const char *arg, struct nb_err *err);

static setter *const setters[] = {
	nb_set_publish, nb_set_memory, nb_set_memory_high, nb_set_memory_swap,
	nb_set_cpus, nb_set_io_max, nb_set_tmpfs,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *arg = NULL;
	struct nb_spec spec;
	struct nb_err err;
	uint64_t v;
	unsigned pick;

	if (size < 1)
		return 0;
	fuzz_quiet();
	pick = data[0] % (ARRAY_SIZE(setters) + 1);
	arg = fuzz_str(data + 1, size - 1);
	if (pick == ARRAY_SIZE(setters)) {
		char back[32];
		uint64_t w;

		if (nb_parse_size(arg, &v) < 0)
			return 0;
		snprintf(back, sizeof back, "%llu", (unsigned long long)v);
		if (!isdigit((unsigned char)arg[0]) || nb_parse_size(back, &w) < 0 || w != v)
			abort();
		return 0;
	}
	memset(&err, 0, sizeof err);
	nb_spec_init(&spec);
	if (setters[pick](&spec, arg, &err) < 0)
		fuzz_refused(&err);
	nb_spec_release(&spec);
	return 0;
}
