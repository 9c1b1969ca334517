/* state.h: what a user's running sandboxes are, for ps, exec, stop and
 * kill. Owns the per-user directory ($XDG_RUNTIME_DIR/nestbox, else
 * /tmp/nestbox-UID: 0700 and the user's own, shared with slirp4netns's
 * sockets), one record per sandbox written atomically and removed at its
 * end, names unique per user, and the removal of records whose sandbox is
 * gone (after a SIGKILL). Processes are named by pid and start time, so a
 * reused pid is never taken for the sandbox's. */
#ifndef NB_STATE_H
#define NB_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "caps.h"
#include "err.h"
#include "seccomp.h"

#define NB_STATE_ID_LEN 12

/* The namespaces exec joins, in the order it must join them; NB_STATE_NS
 * counts them. */
enum nb_state_ns { NB_STATE_USER, NB_STATE_MNT, NB_STATE_PID, NB_STATE_NET, NB_STATE_IPC, NB_STATE_UTS,
		   NB_STATE_CGROUP, NB_STATE_NS };
extern const char *const nb_state_ns_names[NB_STATE_NS];

/* A running sandbox's own handle on its record. */
struct nb_state {
	char *dir;                       /* <base>/sandboxes */
	char id[NB_STATE_ID_LEN + 1];
	char *name;                      /* --name, or NULL */
	bool name_held, published;
};
#define NB_STATE_INIT { 0 }

/* What a record says. */
struct nb_state_info {
	char id[NB_STATE_ID_LEN + 1];
	char *name;                      /* or NULL */
	pid_t supervisor, init;          /* init: the sandbox's pid 1 (or the payload) */
	unsigned long long supervisor_start, init_start; /* /proc/PID/stat's starttime */
	long long created;               /* seconds since the epoch */
	char **command;                  /* NULL-terminated */
	char *net;                       /* none, host, slirp */
	char **ports;                    /* "127.0.0.1:8080->80/tcp", NULL-terminated */
	char *cgroup;                    /* the leaf's directory, or NULL */
	uint32_t uid, gid;               /* the payload's, inside */
	char **env_ops;                  /* "env=K=V", "unsetenv=K", "clearenv=": run's, in order */
	char *start_dir;                 /* where run started the payload (or the caller's cwd) */
	bool own_env;                    /* PATH (and root's HOME) are the sandbox's own */
	bool dies_with_supervisor;       /* --die-with-parent: gone once its nestbox is */
	int landlock;                    /* the payload's Landlock mode, for exec */
	/* The supervisor's descriptors of the sandbox's namespaces (-1: it
	 * shares ours), which exec opens through /proc/SUPERVISOR/fd: init
	 * is not dumpable, so its own /proc/PID/ns are closed to us. */
	int ns_fds[NB_STATE_NS];
	bool gone;                       /* nothing of it runs any more (ps --all) */
};

/* <base>/sandboxes, made if missing, checked to be a 0700 directory of
 * the caller's. base is also where slirp4netns's sockets go. */
int nb_state_base(char **base, struct nb_err *err);
int nb_state_dir(char **dir, struct nb_err *err);

/* Before any process exists: a new id, and the name, which must not be
 * taken by a sandbox that still runs. */
int nb_state_reserve(struct nb_state *s, const char *name, struct nb_err *err);
/* Once the sandbox runs: the record, holding what nb_exec reads (the
 * payload's capability sets and seccomp programs, opaque here). */
int nb_state_publish(struct nb_state *s, const struct nb_state_info *info, const void *exec_data, size_t exec_len,
		     struct nb_err *err);
/* Removes what nb_state_reserve and nb_state_publish made. */
void nb_state_release(struct nb_state *s);

/* Every record of the caller's; those whose sandbox is gone are removed,
 * and listed (with gone set) only if want_gone. */
int nb_state_list(bool want_gone, struct nb_state_info **out, size_t *n, struct nb_err *err);
/* The running sandbox named, or whose id starts with, what. 125 with one
 * line when there is none, or more than one. */
int nb_state_find(const char *what, struct nb_state_info *out, struct nb_err *err);
/* The exec data of a record: the bytes after its line of JSON. */
int nb_state_exec_data(const struct nb_state_info *i, char **data, size_t *len, struct nb_err *err);
void nb_state_info_free(struct nb_state_info *i);
void nb_state_list_free(struct nb_state_info *v, size_t n);

/* Opens /proc/PID/ns/... of a sandbox's first process, while they can still
 * be read, for exec; -1 for each namespace it shares with us. Bit k of
 * fresh (enum nb_state_ns) says the sandbox made namespace k itself: then
 * it cannot be ours, and is not compared. */
void nb_state_open_ns(pid_t child, unsigned fresh, int *fds);

/* The exec file's contents: the payload's capability sets, TCP rules and
 * seccomp programs, so that nestbox exec gives a command exactly those. */
void nb_state_exec_pack(const struct nb_capset *caps, const struct nb_tcp_rules *tcp, const struct nb_seccomp *f,
			char **data, size_t *len);
int nb_state_exec_unpack(const char *data, size_t len, struct nb_capset *caps, struct nb_tcp_rules *tcp,
			 struct nb_seccomp **f, struct nb_err *err);

/* /proc/PID/stat's starttime, or 0 if the process is gone. */
unsigned long long nb_proc_start(pid_t pid);
/* Whether pid is still the process that started at start, and has not
 * ended: a zombie has, whenever its reaper comes round. */
bool nb_proc_same(pid_t pid, unsigned long long start);
/* A pidfd for pid if it is still that process (nb_proc_same), else -1: a
 * pid the kernel has given to another process since is never signalled or
 * joined, and a zombie's namespaces are never looked for. */
int nb_pidfd_same(pid_t pid, unsigned long long start);

#endif
