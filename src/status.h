/* status.h: what nestbox reports about a running sandbox to other
 * programs: --info-fd, in bubblewrap's JSON format plus the published
 * ports. Writes only to the fd the caller gave; never fails the run. */
#ifndef NB_STATUS_H
#define NB_STATUS_H

#include <stdint.h>
#include <sys/types.h>

#include "spec.h"

void nb_status_info(const struct nb_spec *spec, pid_t child, const uint16_t *ports, int fd);

#endif
