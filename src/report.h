/* report.h: the one way nestbox speaks to its user. Errors, warnings,
 * notes and --verbose lines all pass through one handler, which the front
 * end sets (nb_report_stderr); a program that embeds nb_launch() sets its
 * own or none. Every message is one line: control characters in it are
 * quoted. No other module writes to stderr. */
#ifndef NB_REPORT_H
#define NB_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

enum nb_level {
	NB_LEVEL_ERROR,   /* "what failed: why (hint: what to do)" */
	NB_LEVEL_WARNING, /* the run goes on, but not as the user may think */
	NB_LEVEL_NOTE,    /* a fact the user must hear, e.g. an OOM kill */
	NB_LEVEL_VERBOSE, /* only with --verbose */
	NB_LEVEL_OUTPUT,  /* output the user asked for (--print-caps, --stats), as is */
	NB_LEVEL_PROGRESS, /* a status line that the next one replaces; "" clears it */
};

typedef void nb_report_handler(enum nb_level level, const char *text, void *data);

/* NULL: nothing is reported. */
void nb_report_set_handler(nb_report_handler *h, void *data);
void nb_report_set_verbose(bool on);
/* Warnings are dropped (-q): the user has heard them. Errors and notes
 * (an OOM kill) still go out. */
void nb_report_set_quiet(bool on);
bool nb_report_quiet(void);
bool nb_report_verbose(void);
/* The command line's handler: "nestbox: [warning: ]TEXT" on stderr. */
/* data: NULL for nestbox's own style, or a struct nb_report_style. */
void nb_report_stderr(enum nb_level level, const char *text, void *data);
struct nb_report_style {
	const char *prog;   /* what each line starts with, "nestbox" by default */
	bool bare_warnings; /* no "warning: ", as bwrap writes them */
	bool levels;        /* each line led by its syslog level, "<3>" for an error (bwrap's --level-prefix) */
};

void nb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A warning made of an error value: "warning: [PREFIX: ]what: why (hint: ...)". */
void nb_warn_err(const char *prefix, const struct nb_err *err);
void nb_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nb_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nb_output(const char *text);
/* A progress line (only shown on a terminal by the stderr handler; the
 * caller decides whether to show progress at all). */
void nb_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports err; returns the exit status to use. */
int nb_report_error(const struct nb_err *err);

/* Copies text into buf with control characters quoted (\n, \t, \x1b...),
 * so that a message stays on one line whatever a path holds. */
void nb_quote_controls(const char *text, char *buf, size_t len);

#endif
