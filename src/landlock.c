/* landlock.c: see landlock.h. */
#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Debian 12's headers stop at ABI 2. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

/* ABI 1's rights: every file operation there was. */
#define FS_ABI1 ((1ULL << 13) - 1)

int nb_landlock_mode(const struct nb_privileges *p, const struct nb_capset *caps)
{
	if (p->landlock == -1 && (p->allow_userns || (caps->bnd & (1ULL << CAP_SYS_ADMIN))))
		return 0;
	return p->landlock;
}

int nb_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return abi > 0 ? (int)abi : 0;
}

int nb_landlock_apply(int mode, struct nb_err *err)
{
	int abi = nb_landlock_abi(), ruleset, root, rc = 0;
	struct landlock_ruleset_attr attr = { .handled_access_fs = FS_ABI1 };
	struct landlock_path_beneath_attr beneath;

	if (abi == 0)
		return mode == 1 ? nb_fail_hint(err, ENOSYS, "--landlock=auto uses it only where the kernel has it",
						 "--landlock=on: this kernel has no Landlock (5.13 or newer, with lsm=landlock)")
				 : 0;
	/* Renames and links across directories (ABI 2) and truncation (ABI
	 * 3) are handled too, so that they are granted only inside. Device
	 * ioctls (ABI 5) are not: the caller's terminal may be on 0-2. */
	if (abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
	if (ruleset < 0)
		return nb_fail(err, errno, "cannot create the Landlock ruleset");
	root = open("/", O_PATH | O_CLOEXEC);
	beneath = (struct landlock_path_beneath_attr){ .allowed_access = attr.handled_access_fs, .parent_fd = root };
	if (root < 0 || syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &beneath, 0) < 0 ||
	    syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		rc = nb_fail_hint(err, errno, "--landlock=off runs without it", "cannot confine the sandbox with Landlock");
	if (root >= 0)
		close(root);
	close(ruleset);
	return rc;
}
