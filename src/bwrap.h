/* bwrap.h: nestbox bwrap, bubblewrap's command line as a front end that
 * fills struct nb_spec (bwrap.c says how its defaults differ from run's). */
#ifndef NB_BWRAP_H
#define NB_BWRAP_H

#include <stdbool.h>

#include "err.h"
#include "spec.h"

/* Parses argv (after argv[0]) into spec, which nb_spec_init() made; prog
 * names the command in --help. *done: --help or --version printed. */
int nb_bwrap_parse(int argc, char **argv, const char *prog, struct nb_spec *spec, bool *done, struct nb_err *err);

#endif
