/* oci.h: nestbox oci, the OCI runtime command line (runc's and crun's), a
 * front end that fills struct nb_spec from a bundle's config.json
 * (oci-config.c, oci-seccomp.c) and keeps each container's state under
 * --root (oci.c). */
#ifndef NB_OCI_H
#define NB_OCI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "spec.h"

/* The runtime-spec version nestbox speaks. */
#define OCI_VERSION "1.2.0"

/* What a config gives beyond the spec. */
struct nb_oci_config {
	char *bundle;        /* absolute */
	json_t *json;        /* the whole config */
	json_t *annotations; /* borrowed from json, or NULL */
	json_t *hooks;       /* likewise */
	char **argv;         /* process.args, the spec's argv */
	size_t n_argv;
	bool terminal;       /* process.terminal */
	bool sysfs;          /* a sysfs at /sys was mounted */
};

/* Reads BUNDLE/config.json into spec (nb_spec_init'ed) and c. Errors name
 * the JSON path of what cannot be honoured. */
int nb_oci_config_load(const char *bundle, struct nb_spec *spec, struct nb_oci_config *c, struct nb_err *err);
void nb_oci_config_release(struct nb_oci_config *c);
/* A config's "process" object (also exec's --process file) into spec. */
int nb_oci_process(struct nb_spec *spec, struct nb_oci_config *c, json_t *process, struct nb_err *err);
/* exec: a process in a running container (oci-exec.c). */
struct nb_oci_exec {
	const char *bundle, *process_file, *pid_file, *console_socket, *cwd;
	char **args;        /* or NULL with process_file */
	char **env;         /* --env K=V */
	size_t n_env;
	bool tty, detach;
	bool user_set, gid_set; /* --user UID[:GID]: replaces the process's user */
	uint32_t uid, gid;
	pid_t pid;          /* the container's init */
	unsigned long long start;
};
int nb_oci_exec(const struct nb_oci_exec *x, struct nb_err *err);
/* linux.seccomp, compiled with libseccomp into spec->priv.bpf. */
int nb_oci_seccomp(struct nb_spec *spec, json_t *policy, struct nb_err *err);
/* hooks: checked when the config is read; run with the state JSON on
 * stdin. createContainer and startContainer run in the namespaces of the
 * container's init, pid (started at start); the others here. */
int nb_oci_hooks_check(json_t *hooks, struct nb_err *err);
int nb_oci_hooks_run(json_t *hooks, const char *kind, const char *state, pid_t pid, unsigned long long start,
		     struct nb_err *err);
/* Puts "PATH: " before err's message; returns -1. */
int nb_oci_prefix(struct nb_err *err, const char *path);

/* features: what this runtime supports, as JSON on stdout. */
int nb_oci_features(void);
/* spec: BUNDLE/config.json, a default one; a user's (or rootless's) maps
 * the caller's ids to root inside. Never overwrites one. */
int nb_oci_spec_write(const char *bundle, bool rootless, struct nb_err *err);

/* nestbox oci [GLOBAL] COMMAND ...; argv[0] is "oci" or the program. */
int nb_oci_main(int argc, char **argv, struct nb_err *err);

#endif
