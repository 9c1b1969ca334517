/* report.c: see report.h. */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static nb_report_handler *handler;
static void *handler_data;
static bool verbose, quiet;

void nb_report_set_handler(nb_report_handler *h, void *data)
{
	handler = h;
	handler_data = data;
}

void nb_report_set_verbose(bool on)
{
	verbose = on;
}

void nb_report_set_quiet(bool on)
{
	quiet = on;
}

bool nb_report_quiet(void)
{
	return quiet;
}

bool nb_report_verbose(void)
{
	return verbose;
}

void nb_quote_controls(const char *text, char *buf, size_t len)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p && n + 5 < len; p++) {
		if (*p >= 0x20 && *p != 0x7f)
			buf[n++] = (char)*p;
		else if (*p == '\n')
			n += (size_t)snprintf(buf + n, len - n, "\\n");
		else if (*p == '\t')
			n += (size_t)snprintf(buf + n, len - n, "\\t");
		else
			n += (size_t)snprintf(buf + n, len - n, "\\x%02x", *p);
	}
	buf[n < len ? n : len - 1] = '\0';
}

static void emit(enum nb_level level, const char *text)
{
	char line[4096];

	if (!handler || (level == NB_LEVEL_VERBOSE && !verbose) || (level == NB_LEVEL_WARNING && quiet))
		return;
	if (level == NB_LEVEL_OUTPUT) {
		handler(level, text, handler_data);
		return;
	}
	nb_quote_controls(text, line, sizeof line);
	handler(level, line, handler_data);
}

__attribute__((format(printf, 2, 0)))
static void emitv(enum nb_level level, const char *fmt, va_list ap)
{
	char text[4096];

	vsnprintf(text, sizeof text, fmt, ap);
	emit(level, text);
}

void nb_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emitv(NB_LEVEL_WARNING, fmt, ap);
	va_end(ap);
}

void nb_warn_err(const char *prefix, const struct nb_err *err)
{
	char line[sizeof err->msg + sizeof err->hint + 256];

	nb_err_format(err, line, sizeof line);
	if (prefix)
		nb_warn("%s: %s", prefix, line);
	else
		nb_warn("%s", line);
}

void nb_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emitv(NB_LEVEL_NOTE, fmt, ap);
	va_end(ap);
}

void nb_verbose(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	emitv(NB_LEVEL_VERBOSE, fmt, ap);
	va_end(ap);
}

void nb_output(const char *text)
{
	emit(NB_LEVEL_OUTPUT, text);
}

void nb_progress(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emitv(NB_LEVEL_PROGRESS, fmt, ap);
	va_end(ap);
}

int nb_report_error(const struct nb_err *err)
{
	char line[sizeof err->msg + sizeof err->hint + 256];

	nb_err_format(err, line, sizeof line);
	emit(NB_LEVEL_ERROR, line);
	return err->status ? err->status : NB_EXIT_FAIL;
}

void nb_report_stderr(enum nb_level level, const char *text, void *data)
{
	static const char prio[] = { [NB_LEVEL_ERROR] = '3', [NB_LEVEL_WARNING] = '4', [NB_LEVEL_NOTE] = '5',
				     [NB_LEVEL_VERBOSE] = '7', [NB_LEVEL_OUTPUT] = '6', [NB_LEVEL_PROGRESS] = '6' };
	const struct nb_report_style *st = data;
	const char *prog = st && st->prog ? st->prog : "nestbox";

	if (level == NB_LEVEL_OUTPUT) {
		fputs(text, stderr);
		return;
	}
	if (level == NB_LEVEL_PROGRESS) {
		/* Back to the line's start, the old line erased. */
		fprintf(stderr, "\r\033[K%s%s%s", *text ? prog : "", *text ? ": " : "", text);
		return;
	}
	if (st && st->levels)
		fprintf(stderr, "<%c>", prio[level]);
	fprintf(stderr, "%s: %s%s\n", prog, level == NB_LEVEL_WARNING && !(st && st->bare_warnings) ? "warning: " : "", text);
}
