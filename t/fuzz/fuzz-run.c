/* fuzz-run: the `nestbox run` command line, and every option's setter.
 * Input: a first byte whose low bit picks the mode, then
 *   0: arguments separated by NUL bytes, parsed as `nestbox run ARGS`,
 *      and, when that works, everything nb_launch() checks before it
 *      makes a process (the spec, the id maps, the capability sets, the
 *      seccomp filter);
 *   1: a byte naming an option of the table, then its value, given to
 *      that option's setter on a fresh spec. */
#include "fuzz.h"
#include "fuzz-report.h"

#include "caps.h"
#include "idmap.h"
#include "options.h"
#include "seccomp.h"
#include "spec.h"

static void prepare(struct nb_spec *spec)
{
	struct nb_idplan plan = NB_IDPLAN_INIT;
	struct nb_seccomp *filter = NULL;
	struct nb_capset caps;
	struct nb_err err;

	memset(&err, 0, sizeof err);
	if (nb_spec_finish(spec, &err) < 0)
		return fuzz_refused(&err);
	if (nb_idmap_plan(&spec->id, &plan, &err) == 0 &&
	    nb_caps_resolve(&spec->priv, spec->id.uid, &caps, &err) == 0 &&
	    nb_seccomp_prepare(&(struct nb_seccomp_opts){ .policy = spec->priv.seccomp,
							  .log = spec->priv.seccomp_log,
							  .allow_userns = spec->priv.allow_userns },
			       &filter, &err) == 0)
		nb_seccomp_free(filter);
	else
		fuzz_refused(&err);
	nb_idplan_release(&plan);
}

static void command_line(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *buf = fuzz_str(data, size);
	char *argv[66];
	struct nb_spec spec;
	struct nb_err err;
	int argc = fuzz_argv(buf, size, "run", argv, 64);

	memset(&err, 0, sizeof err);
	nb_spec_init(&spec);
	if (nb_options_parse(argc, argv, &spec, &err) < 0)
		fuzz_refused(&err);
	else if (!spec.print_help)
		prepare(&spec);
	spec.proc.argv = NULL; /* points into argv */
	nb_spec_release(&spec);
}

static void one_setter(const uint8_t *data, size_t size)
{
	static size_t n;
	_cleanup_free_ char *arg = NULL;
	const struct nb_option *o;
	struct nb_spec spec;
	struct nb_err err;

	if (!n)
		while (nb_options[n].name)
			n++;
	if (size < 1)
		return;
	o = &nb_options[data[0] % n];
	/* --profile reads files by name: fuzz-profile covers profiles. */
	if (strcmp(o->name, "profile") == 0)
		return;
	arg = fuzz_str(data + 1, size - 1);
	memset(&err, 0, sizeof err);
	nb_spec_init(&spec);
	if (o->set(&spec, o->metavar ? arg : NULL, &err) < 0)
		fuzz_refused(&err);
	nb_spec_release(&spec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fuzz_quiet();
	if (data[0] & 1)
		one_setter(data + 1, size - 1);
	else
		command_line(data + 1, size - 1);
	return 0;
}
