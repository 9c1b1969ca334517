/* oci.h: nestbox oci, the OCI runtime command line (runc's and crun's), a
 * front end that fills struct nb_spec from a bundle's config.json
 * (oci-config.c, oci-seccomp.c) and keeps each container's state under
 * --root (oci.c). */
#ifndef NB_OCI_H
#define NB_OCI_H

#include <jansson.h>
#include <stdbool.h>

#include "err.h"
#include "spec.h"

/* What a config gives beyond the spec. */
struct nb_oci_config {
	char *bundle;        /* absolute */
	json_t *json;        /* the whole config */
	json_t *annotations; /* borrowed from json, or NULL */
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
	pid_t pid;          /* the container's init */
	unsigned long long start;
};
int nb_oci_exec(const struct nb_oci_exec *x, struct nb_err *err);
/* linux.seccomp, compiled with libseccomp into spec->priv.bpf. */
int nb_oci_seccomp(struct nb_spec *spec, json_t *policy, struct nb_err *err);
/* Puts "PATH: " before err's message; returns -1. */
int nb_oci_prefix(struct nb_err *err, const char *path);

/* nestbox oci [GLOBAL] COMMAND ...; argv[0] is "oci" or the program. */
int nb_oci_main(int argc, char **argv, struct nb_err *err);

#endif
