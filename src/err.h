/* err.h: the error value every nestbox function fills on failure.
 * Owns formatting of "what failed: why (hint: ...)"; never prints or exits:
 * only main() does, so callers can always clean up first. */
#ifndef NB_ERR_H
#define NB_ERR_H

/* Exit codes, as documented in nestbox(1). */
enum {
	NB_EXIT_FAIL = 125,    /* nestbox itself failed */
	NB_EXIT_NOEXEC = 126,  /* the command exists but cannot run */
	NB_EXIT_NOTFOUND = 127 /* the command was not found */
};

/* Plain data so that the child can send it whole over a pipe (< PIPE_BUF). */
struct nb_err {
	int errnum;      /* errno of the cause, or 0 */
	int status;      /* exit code to use: NB_EXIT_* */
	char msg[1536];  /* what failed, with context */
	char hint[768];  /* what the user can do, or empty */
};

/* Fills err and returns -1, so that callers can write `return nb_fail(...)`. */
int nb_fail(struct nb_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* nb_fail with a fixed hint: `return nb_fail_hint(err, e, "do X", "Y failed")`. */
int nb_fail_hint(struct nb_err *err, int errnum, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Adds or replaces the hint; returns -1 like nb_fail. */
int nb_hint(struct nb_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Formats the whole one-line message, without the "nestbox: " prefix. */
void nb_err_format(const struct nb_err *err, char *buf, unsigned long len);

#define TRY(expr)                                                              \
	do {                                                                   \
		if ((expr) < 0)                                                \
			return -1;                                             \
	} while (0)

#endif
