/* fuzz-policy: a seccomp policy file (doc/seccomp.md), parsed and
 * compiled to BPF as `--seccomp FILE` is before a sandbox starts, with
 * and without --seccomp-log and --allow-userns. */
#include "fuzz.h"
#include "fuzz-report.h"

#include "seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nb_seccomp_opts o = { 0 };
	struct nb_seccomp *f = NULL;
	struct nb_err err;

	if (size < 1)
		return 0;
	fuzz_quiet();
	memset(&err, 0, sizeof err);
	o.log = data[0] & 1;
	o.allow_userns = data[0] & 2;
	o.policy = fuzz_file(data + 1, size - 1, ".policy");
	if (nb_seccomp_prepare(&o, &f, &err) < 0)
		fuzz_refused(&err);
	nb_seccomp_free(f);
	return 0;
}
