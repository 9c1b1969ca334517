/* payload.h: the last steps of the process that becomes the user's command.
 * Owns the privilege sequence from nestbox's code to the payload's: session,
 * nested user namespace, identity, capabilities, seccomp, exec. Everything
 * it needs is built beforehand (nb_payload_prepare); nb_payload_run then
 * makes only system calls, because it may borrow init's memory. */
#ifndef NB_PAYLOAD_H
#define NB_PAYLOAD_H

#include <stdbool.h>
#include <sys/types.h>

#include "caps.h"
#include "err.h"
#include "seccomp.h"
#include "spec.h"

/* The command, ready to exec: nothing is allocated after this exists. */
struct nb_exec {
	char **argv;     /* --argv0 already in argv[0] */
	char **envp;     /* the whole environment, PWD included */
	char **paths;    /* the files to try, in PATH order; NULL-terminated */
	char **sh_argv;  /* {"sh", <path>, argv[1]...}: a script without #! */
	const char *name; /* as the user typed it, for messages */
	const char *chdir; /* --chdir, or NULL */
};

/* Who the payload talks to while it starts, all descriptors (-1: none). */
struct nb_payload_chan {
	int err_w;      /* its struct nb_err on failure; close-on-exec */
	int ready_w;    /* "r" to init once privileged work is done; or -1
			 * with go_r: the payload makes the memory it shares
			 * with init non-dumpable itself */
	int go_r;       /* init's "g": init is locked down, exec now */
	int nest_w;     /* --disable-userns: "u" once the nested namespace exists */
	int nest_r;     /* ... and init's "m" once it is mapped */
	pid_t parent;   /* after the identity change, PR_SET_PDEATHSIG is armed again
			 * and this parent checked: -1 none, 0 arm only (not visible) */
};

struct nb_payload {
	const struct nb_process *proc;
	uint32_t uid, gid;          /* its identity inside */
	const uint32_t *groups;     /* its supplementary groups (none by default) */
	size_t n_groups;
	bool die_with_parent;
	const struct nb_capset *caps;
	uint64_t bnd_gone;  /* dropped from the bounding set already (caps.h) */
	const struct nb_seccomp *filter;
	const struct nb_exec *exec;
	bool setgroups_ok;  /* the map allows clearing supplementary groups */
	int tty;            /* --tty: the pty's slave, to lead; or -1 */
	int landlock;       /* 0 off, -1 where the kernel has it, 1 required */
	const struct nb_tcp_rules *tcp; /* --tcp-bind, --tcp-connect, or NULL */
	bool assert_userns_disabled; /* bwrap's check: no user namespace can be made */
	struct nb_payload_chan chan;
};

/* Builds argv, envp and the PATH candidates, in the sandbox, before the
 * payload's process exists. start_dir: where the payload will start;
 * home: HOME to set (NULL: the caller's stays); own_path: PATH becomes
 * the system default. --env overrides both. */
int nb_payload_prepare(const struct nb_process *proc, const char *start_dir, const char *home, bool own_path,
		       struct nb_exec *out, struct nb_err *err);
void nb_payload_release(struct nb_exec *e);

/* The numbered sequence, then execve; on any failure it sends its error to
 * chan.err_w and exits with the error's status. */
_Noreturn void nb_payload_run(const struct nb_payload *p);

/* Sends err over err_w (one write under PIPE_BUF) and exits with its status. */
_Noreturn void nb_payload_fail(int err_w, const struct nb_err *err);

#endif
