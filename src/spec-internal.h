/* spec-internal.h: helpers shared by the files that hold the setters
 * (spec.c, spec-view.c, spec-res.c). Not for the launcher. */
#ifndef NB_SPEC_INTERNAL_H
#define NB_SPEC_INTERNAL_H

#include "spec.h"

#define FLAG_SETTER(fn, field, value)                                          \
	int fn(struct nb_spec *s, const char *arg, struct nb_err *err)         \
	{                                                                      \
		(void)arg;                                                     \
		(void)err;                                                     \
		s->field = value;                                              \
		return 0;                                                      \
	}

#endif
