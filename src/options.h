/* options.h: the one table of `nestbox run` options.
 * Each entry names a spec setter; the command line and profiles (whose keys
 * are the long names) go through it, and so does the help text, so an
 * option cannot exist in one front end and be missing in another. */
#ifndef NB_OPTIONS_H
#define NB_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "spec.h"

struct nb_option {
	const char *name;   /* long name, also the profile key */
	int short_name;     /* 0 if none */
	const char *metavar; /* NULL for a flag */
	int (*set)(struct nb_spec *s, const char *arg, struct nb_err *err);
	bool repeat;        /* repeatable (help says so); otherwise the last one wins */
	const char *group;  /* help section */
	const char *help;
};

extern const struct nb_option nb_options[];

const struct nb_option *nb_option_find(const char *name);
/* Parses `run` arguments (argv[0] is "run") into spec, stopping at the
 * first non-option or "--"; the rest is the payload's argv. */
int nb_options_parse(int argc, char **argv, struct nb_spec *spec, struct nb_err *err);
void nb_options_help(FILE *out);

#endif
