/* err.c: filling and formatting struct nb_err. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 4, 0)))
static int vfail(struct nb_err *err, int errnum, const char *hint, const char *fmt, va_list ap)
{
	err->errnum = errnum;
	err->status = NB_EXIT_FAIL;
	snprintf(err->hint, sizeof err->hint, "%s", hint);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	return -1;
}

int nb_fail(struct nb_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(err, errnum, "", fmt, ap);
	va_end(ap);
	return -1;
}

int nb_fail_hint(struct nb_err *err, int errnum, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(err, errnum, hint, fmt, ap);
	va_end(ap);
	return -1;
}

int nb_hint(struct nb_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof err->hint, fmt, ap);
	va_end(ap);
	return -1;
}

void nb_err_format(const struct nb_err *err, char *buf, unsigned long len)
{
	int n = snprintf(buf, len, "%s", err->msg);

	if (err->errnum && n >= 0 && (unsigned long)n < len)
		n += snprintf(buf + n, len - (unsigned long)n, ": %s", strerror(err->errnum));
	if (err->hint[0] && n >= 0 && (unsigned long)n < len)
		snprintf(buf + n, len - (unsigned long)n, " (hint: %s)", err->hint);
}
