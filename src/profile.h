/* profile.h: INI profiles (`--profile NAME|FILE`). Owns finding a profile
 * by name, reading it with inih, 'profile =' includes and ${VAR}
 * expansion. What each key means is not its business: a callback applies
 * it (options.c, where a key is the long name of a `nestbox run` option,
 * so a profile can say exactly what the command line can). */
#ifndef NB_PROFILE_H
#define NB_PROFILE_H

#include <stdio.h>

#include "spec.h"

/* The directories searched for NAME.ini, in order, ':'-separated:
 * $NB_PROFILE_PATH if set, else ~/.config/nestbox/profiles (or under
 * $XDG_CONFIG_HOME), /etc/nestbox/profiles and the installed ones. */
char *nb_profile_path(void);

/* Applies the profile NAME (searched for) or FILE (any name with a '/')
 * to spec. Errors name the file and line. */
/* Applies one "key = value" line (value already expanded); source is
 * "FILE:LINE". -1 with err. */
/* Prints the profiles found by name along the search path, one a line:
 * NAME, a tab, and the file (the first of a name wins, as for --profile). */
void nb_profile_list(FILE *out);

typedef int nb_profile_key_fn(struct nb_spec *spec, const char *key, const char *value, const char *source,
			      struct nb_err *err);

int nb_profile_apply(struct nb_spec *spec, const char *name, nb_profile_key_fn *apply_key, struct nb_err *err);

#endif
