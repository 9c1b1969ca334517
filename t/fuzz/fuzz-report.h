/* fuzz-report.h: the report handler every driver installs. Messages must
 * reach it as one line with control characters quoted, and a refusal of
 * bad input must carry status 125. */
#ifndef NB_FUZZ_REPORT_H
#define NB_FUZZ_REPORT_H

#include "report.h"

static void fuzz_sink(enum nb_level level, const char *text, void *data)
{
	(void)data;
	if (level == NB_LEVEL_OUTPUT)
		return;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
}

static inline void fuzz_quiet(void)
{
	nb_report_set_handler(fuzz_sink, NULL);
}

static inline void fuzz_refused(const struct nb_err *err)
{
	if (nb_report_error(err) != 125)
		abort();
}

#endif
