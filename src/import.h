/* import.h: `nestbox import IMAGE|- DIR`, unpacking a root filesystem
 * tarball as a rootless user with owners kept as mapped ids. It builds a
 * spec and runs helpers/nestbox-unpack through the ordinary launcher;
 * it never unpacks in the caller's own namespace. */
#ifndef NB_IMPORT_H
#define NB_IMPORT_H

#include "err.h"

/* argv[0] is "import". Returns the exit status, or -1 with err filled. */
int nb_import(int argc, char **argv, struct nb_err *err);

#endif
