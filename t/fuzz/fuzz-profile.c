/* fuzz-profile: an INI profile, applied as `nestbox run --profile FILE
 * -- true` applies it (inih, includes, ${VAR} expansion, every key's
 * setter), then checked as a run would be before it starts. */
#include "fuzz.h"
#include "fuzz-report.h"

#include "options.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[] = { "run", "--profile", (char *)fuzz_file(data, size, ".ini"), "--", "true", NULL };
	struct nb_spec spec;
	struct nb_err err;

	fuzz_quiet();
	memset(&err, 0, sizeof err);
	nb_spec_init(&spec);
	if (nb_options_parse(5, argv, &spec, &err) < 0 || nb_spec_finish(&spec, &err) < 0)
		fuzz_refused(&err);
	spec.proc.argv = NULL;
	nb_spec_release(&spec);
	return 0;
}
