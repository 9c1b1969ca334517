/* nss.h: what the name service databases say, without loading their modules
 * into nestbox. A static nestbox cannot load NSS modules safely (each brings
 * a libc of its own, of whatever version the system has now), so the local
 * files are read directly and a name only another source knows (LDAP, sssd,
 * FreeIPA) is asked of getent(1) or getsubids(1). Read-only. */
#ifndef NB_NSS_H
#define NB_NSS_H

#include <stdbool.h>
#include <sys/types.h>

/* The user name of uid (malloc'd), or NULL when no database has one. */
char *nb_nss_user_name(uid_t uid);

/* Whether /etc/nsswitch.conf names a source other than "files" for db
 * ("passwd", "subid"). */
bool nb_nss_other_source(const char *db);

/* What argv (an absolute path first) printed on its stdout, NUL-terminated
 * and malloc'd, if it exited 0 within ten seconds and said less than
 * nb_capture's 4 KiB; else NULL. */
char *nb_nss_ask(char *const argv[]);

#endif
