/* spec.h: struct nb_spec, the one plain description of a sandbox, in
 * parts. The command line and profiles fill it only through the setters
 * below; the launcher only reads it, and hands each module its part.
 * Nothing here touches the system, except nb_spec_finish() looking up the
 * caller's identity and working directory. */
#ifndef NB_SPEC_H
#define NB_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "sched.h"
#include "seccomp.h"

/* Namespaces that --share can keep from the host. User and mount
 * namespaces are always new: they are what makes nestbox work unprivileged. */
enum nb_ns {
	NB_NS_PID = 1u << 0,
	NB_NS_NET = 1u << 1,
	NB_NS_IPC = 1u << 2,
	NB_NS_UTS = 1u << 3,
	NB_NS_CGROUP = 1u << 4,
};

enum nb_map_mode { NB_MAP_AUTO, NB_MAP_SINGLE };

enum nb_cgroup_mode { NB_CG_AUTO, NB_CG_OFF, NB_CG_TRY, NB_CG_REQUIRE };

enum nb_net_mode { NB_NET_NONE, NB_NET_SLIRP, NB_NET_HOST, NB_NET_PASTA };
/* slirp4netns or pasta: a user-mode network of the sandbox's own. */
#define NB_NET_USER(mode) ((mode) == NB_NET_SLIRP || (mode) == NB_NET_PASTA)

/* What happens when slirp4netns dies while the sandbox runs. */
enum nb_net_lost { NB_NET_LOST_WARN, NB_NET_LOST_IGNORE, NB_NET_LOST_KILL };

/* -p [HOST_IP:]HOST_PORT:SANDBOX_PORT[/tcp|/udp] */
struct nb_publish {
	char host_addr[64];  /* numeric, default 127.0.0.1 */
	uint16_t host_port;  /* 0: pick a free one */
	uint16_t guest_port;
	bool udp;
	char *text;          /* as given, for messages */
};

/* One line of uid_map/gid_map: inside id, host id, count. */
struct nb_idrange {
	uint32_t inside, outside, count;
};

/* The kernel accepts at most 340 lines per map. */
#define NB_MAX_MAP_LINES 340

enum nb_env_op { NB_ENV_SET, NB_ENV_UNSET };
struct nb_envop {
	enum nb_env_op op;
	char *arg; /* "K=V" for SET, "K" for UNSET */
};

/* One step of the filesystem view, applied in command-line order. */
enum nb_mnt_kind {
	NB_MNT_BIND,      /* --bind SRC[:DEST] */
	NB_MNT_RO_BIND,   /* --ro-bind */
	NB_MNT_DEV_BIND,  /* --dev-bind */
	NB_MNT_TMPFS,     /* --tmpfs DEST[:size=N,mode=M] */
	NB_MNT_PROC,      /* --proc DEST */
	NB_MNT_DEV,       /* --dev DEST */
	NB_MNT_DIR,       /* --dir DEST[:MODE] */
	NB_MNT_SYMLINK,   /* --symlink TARGET:LINK */
	NB_MNT_FILE,      /* --file SRC:DEST */
	NB_MNT_REMOUNT_RO, /* --remount-ro DEST */
	NB_MNT_MASK,      /* --mask PATH */
	NB_MNT_OVERLAY,   /* --overlay LOWER[:LOWER...]:DEST */
	NB_MNT_DATA,      /* a file nestbox generated (the X11 cookie), the payload's, 0600 */
	/* bubblewrap's (nestbox bwrap): */
	NB_MNT_BIND_FD,   /* --bind-fd/--ro-bind-fd FD DEST: the source is an open fd */
	NB_MNT_FILE_DATA, /* --file FD DEST: data read from FD, a new file of `mode` */
	NB_MNT_BIND_DATA, /* --bind-data/--ro-bind-data FD DEST: that data, bound over DEST */
	NB_MNT_MQUEUE,    /* --mqueue DEST */
	NB_MNT_CHMOD,     /* --chmod MODE PATH: only in the sandbox's own tmpfs */
	NB_MNT_LOCK,      /* --lock-file DEST: held by the sandbox's init while it runs */
	NB_MNT_SYSFS,     /* an OCI config's sysfs at /sys: the standard read-only /sys */
};

struct nb_mount {
	enum nb_mnt_kind kind;
	bool try_;         /* the -try variants: a missing source is skipped */
	const char *opt;   /* the option's name, for messages */
	char *src;         /* host path, or symlink target */
	char **lowers;     /* overlay: the lower host directories, in order */
	size_t n_lowers;
	char *dest;        /* path inside the sandbox */
	char *size;        /* tmpfs size, or NULL */
	unsigned mode;     /* tmpfs/dir mode; 0 for the default */
	char *upper, *work; /* overlay: NULL for a tmpfs upper */
	char *data;        /* NB_MNT_DATA's content */
	size_t data_len;
	int fd;            /* NB_MNT_BIND_FD's source; -1 otherwise */
	bool ro;           /* the read-only variants of the bwrap kinds, --ro-overlay */
};

/* The parts of a sandbox; each module is handed only the one it owns. */

/* Who the payload is inside, and how host ids map (idmap.c, caps.c). */
struct nb_identity {
	enum nb_map_mode map_mode;
	uint32_t uid, gid;
	bool uid_set, gid_set;
	uint32_t *groups;    /* supplementary groups (OCI's additionalGids); none by default */
	size_t n_groups;
	bool need_full_map; /* nestbox import: falling back to one id is an error */
	bool no_name;       /* the caller's user name is not needed (no identity files, one id) */
	bool no_keeper;     /* --no-keeper: newuidmap/newgidmap for this sandbox itself */
	uint32_t keeper_idle; /* --keeper-idle: seconds a keeper started now waits unused */
	struct nb_idrange *uid_map, *gid_map; /* custom --uid-map/--gid-map */
	size_t n_uid_map, n_gid_map;
};

/* Namespaces (launch.c, child.c). */
enum nb_join { NB_JOIN_NET, NB_JOIN_IPC, NB_JOIN_UTS, NB_JOIN_CGROUP, NB_JOIN_N };
struct nb_namespaces {
	unsigned shared; /* NB_NS_* bits kept from the host */
	char *hostname;  /* NULL: the sandbox's own default */
	int userns_fd;   /* nestbox bwrap's --userns: join this user namespace, or -1 */
	int pidns_fd;    /* --pidns: the payload joins this PID namespace, or -1 */
	int userns2_fd;  /* --userns2: init and the payload switch to it once the view is built, or -1 */
	bool share_user; /* no new user namespace: the caller's, where it holds CAP_SYS_ADMIN
			  * (an OCI config without one, under rootless podman) */
	/* OCI: namespaces to join by path (podman's pods share their net,
	 * ipc and uts), each or NULL; only with share_user. */
	char *join[NB_JOIN_N];
	char **sysctl;    /* "key=value" of the sandbox's own namespaces (OCI linux.sysctl) */
	size_t n_sysctl;
};

/* The filesystem view (mounts.c). */
struct nb_view {
	char *rootfs;     /* NULL: the default view of the host */
	bool empty_root;  /* nestbox bwrap: a writable empty tmpfs, only the mounts asked for */
	bool read_only;   /* --read-only: the rootfs is mounted read-only */
	bool bind_cwd;
	struct nb_mount *mounts;
	size_t n_mounts;
	char *cwd;        /* the caller's cwd, for --bind-cwd and the start dir */
	char *runtime_dir; /* $XDG_RUNTIME_DIR: a private tmpfs of the payload's inside */
	char *app_home;   /* --app-id: the host directory bound as $HOME */
};

/* Desktop integration (desktop.c turns these into mounts and variables). */
enum nb_display { NB_DISPLAY_NONE, NB_DISPLAY_AUTO, NB_DISPLAY_X11, NB_DISPLAY_WAYLAND, NB_DISPLAY_BOTH };
enum nb_dbus_mode { NB_DBUS_NONE, NB_DBUS_FILTERED, NB_DBUS_FULL };
struct nb_desktop {
	enum nb_dbus_mode dbus, dbus_system;
	char **dbus_rules;        /* xdg-dbus-proxy's --talk=NAME and the rest, in order */
	size_t n_dbus_rules;
	char **dbus_system_rules;
	size_t n_dbus_system_rules;
	char *dbus_dest, *dbus_system_dest; /* where the buses are inside */
	enum nb_display display;
	bool sound, gpu;
	char *app_id;      /* --app-id: a persistent home of the app's own */
	bool reset_home;
};

/* Networking (net.c, slirp.c). */
struct nb_network {
	enum nb_net_mode mode;
	uint32_t mtu;              /* slirp; 0 for the default 65520 */
	char *cidr;                /* slirp; NULL for 10.0.2.0/24 */
	bool ipv6;
	bool disable_dns;
	bool allow_host_loopback;
	char **dns;                /* --dns servers, written to the sandbox's resolv.conf */
	size_t n_dns;
	struct nb_publish *publish;
	size_t n_publish;
	enum nb_net_lost lost;
	bool host_by_default; /* nestbox bwrap: the host's network unless asked otherwise, no warning */
};

/* Resource limits (cgroup.c); 0 means unset. */
struct nb_limits {
	enum nb_cgroup_mode mode;
	uint64_t mem_max, mem_high, mem_swap;
	bool mem_swap_set;
	uint32_t pids_max;
	uint32_t cpu_quota;  /* microseconds per 100000 */
	uint32_t cpu_weight;
	char **io_max;       /* "MAJ:MIN rbps=N wbps=N ..." lines for io.max */
	size_t n_io_max;
	char **files;        /* OCI's other limits, "FILE=VALUE" for the leaf (cpuset.cpus=0-1) */
	size_t n_files;
	char *path;          /* OCI's cgroupsPath: the leaf there, absolute in the hierarchy or
			      * under the caller's cgroup; NULL: nestbox-PID in the caller's */
	bool stats;
};

/* Privileges (caps.c, seccomp), applied to the payload just before exec. */
/* TCP ports the payload may bind or connect to, through Landlock (ABI 4):
 * none unless asked for. bind_auto (--tcp-bind=published) asks for the
 * published ports alone, and only where the kernel can. Plain data, copied
 * into exec's record. */
#define NB_TCP_PORTS_MAX 64
struct nb_tcp_rules {
	bool bind_set, connect_set, bind_auto;
	uint16_t bind[NB_TCP_PORTS_MAX], connect[NB_TCP_PORTS_MAX];
	uint32_t n_bind, n_connect;
};

struct nb_privileges {
	uint64_t cap_add, cap_drop;
	bool cap_drop_all;
	bool caps_set;
	uint64_t caps_e, caps_p, caps_i;
	bool bnd_set;        /* OCI: the bounding set, exact */
	uint64_t bnd;
	bool inh_set;
	uint64_t inh;
	uint64_t ambient;
	int secbits; /* -1: locked for a non-root payload, none for root */
	bool allow_new_privs;
	bool print_caps;
	char *seccomp;      /* NULL/"default", "unconfined", or a policy file */
	bool seccomp_log;
	bool allow_userns;  /* nested user namespaces allowed */
	bool disable_userns; /* nested user namespaces impossible, not only filtered */
	int landlock;       /* -1 where the kernel has it (default), 0 off, 1 required */
	struct nb_tcp_rules tcp; /* --tcp-bind, --tcp-connect */
	struct nb_bpf *bpf;  /* nestbox bwrap's --seccomp/--add-seccomp-fd programs */
	size_t n_bpf;
	bool assert_userns_disabled;
};

/* The payload process (payload.c). */
struct nb_rlimit {
	int resource;     /* RLIMIT_* */
	uint64_t soft, hard;
};
/* --tty: a pseudo-terminal of the sandbox's own. */
enum nb_tty_mode { NB_TTY_AUTO, NB_TTY_ALWAYS, NB_TTY_NEVER };

struct nb_process {
	char **argv; /* NULL-terminated, borrowed from main's argv */
	char *argv0;
	char *chdir;
	bool clearenv;
	struct nb_envop *env;
	size_t n_env;
	bool new_session;
	enum nb_tty_mode tty;
	bool use_tty;     /* nb_spec_finish's decision for --tty */
	int *pass_fds;
	size_t n_pass_fds;
	bool keep_fds;    /* nestbox bwrap: every inherited descriptor stays open */
	bool clearenv_all; /* nestbox bwrap's --clearenv: PATH and TERM go too */
	int block_fd;     /* -1, or the payload waits for a byte on it before exec */
	int userns_block_fd; /* -1, or the child waits for a byte once the maps are written */
	int sync_fd;      /* -1, or kept open by the sandbox's init while it runs */
	int umask;        /* -1, or the payload's umask (OCI process.user.umask) */
	char *console_socket; /* OCI: the pty's master goes there, no relay (with detach) */
	struct nb_rlimit *rlimits; /* OCI process.rlimits, set just before exec */
	size_t n_rlimits;
	struct nb_sched sched;     /* OCI's oomScoreAdj, ioPriority, scheduler, execCPUAffinity */
	int personality;           /* -1, or personality(2)'s execution domain (OCI linux.personality) */
};

/* How the sandbox's life is tied to nestbox's (lifetime.c, child.c). */
struct nb_lifetime {
	bool die_with_parent;
	bool as_pid1;
	/* OCI create: nestbox returns once the sandbox is ready, leaving it
	 * to wait until a byte arrives on start_fd; pid_file gets its pid. */
	bool detach;
	int start_fd;     /* read end, opened O_RDWR so that it blocks; or -1 */
	char *pid_file;
	struct nb_detached *detached; /* out: what the front end must remember */
};

struct nb_detached {
	int pid;          /* the sandbox's first process */
	char *leaf;       /* its cgroup leaf, or NULL (malloc'd) */
};

/* What nestbox tells its caller (status.c, report.c). */
struct nb_report {
	int info_fd;               /* -1, or where to write the JSON info */
	int json_status_fd;        /* -1, or where to write JSON lines: info, then exit */
	bool verbose;
	bool quiet;                /* warnings the user has acknowledged: not shown */
	bool payload_pid;          /* child-pid names the command, which the caller can inspect
				    * (bwrap's callers read /proc/PID/ns), not nestbox's init */
};

struct nb_spec {
	struct nb_identity id;
	struct nb_namespaces ns;
	struct nb_view view;
	struct nb_network net;
	struct nb_limits limits;
	struct nb_privileges priv;
	struct nb_process proc;
	struct nb_lifetime life;
	struct nb_report report;
	char *name;                /* --name, for ps, exec and stop; or NULL */
	struct nb_desktop desktop;
	/* The front end's, not the sandbox's: */
	bool bwrap_words;          /* nestbox bwrap: messages bwrap's callers match, no notes on nestbox's extras */
	bool print_help;
	bool dry_run;              /* --dry-run: say what would be made, make nothing */
	struct nb_origin *origins; /* each option given, in the order applied */
	size_t n_origins;
};

/* Where a setting came from, for --dry-run: "command line" or FILE:LINE. */
struct nb_origin {
	char *option;  /* the long name */
	char *value;   /* NULL for a flag */
	char *source;
};

void nb_spec_add_origin(struct nb_spec *spec, const char *option, const char *value, const char *source);

void nb_spec_init(struct nb_spec *spec);
void nb_spec_release(struct nb_spec *spec);

/* Setters: arg is the option's value (NULL for flags). Each validates its
 * own syntax; nb_spec_finish() checks the combination. */
int nb_set_map(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_no_keeper(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_keeper_idle(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_uid_map(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_gid_map(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_uid(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_gid(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_root(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_share(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_hostname(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_name(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_x11(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_wayland(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_display(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_sound(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_gpu(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_app_id(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_reset_home(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_landlock(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_tcp_bind(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_tcp_connect(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_dbus(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_dbus_system(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_dbus_talk(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_dbus_own(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_dbus_see(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_dbus_call(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_dbus_broadcast(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_dbus_system_talk(struct nb_spec *s, const char *arg, struct nb_err *err);
/* A mount of the given kind at the end of the view, for front ends. */
struct nb_mount *nb_spec_add_mount(struct nb_spec *s, enum nb_mnt_kind kind, const char *opt);
/* The same with DEST checked (absolute, no "..") and SRC made absolute
 * (a symlink's target is kept as given); src may be NULL. */
int nb_spec_mount(struct nb_spec *s, enum nb_mnt_kind kind, const char *opt, const char *src, const char *dest,
		  struct nb_mount **out, struct nb_err *err);
/* A relative host path is taken from the caller's working directory. */
char *nb_abs_src(const char *src);
/* An octal mode up to 07777; a tmpfs size as --tmpfs takes it. */
int nb_parse_mode(const char *opt, const char *s, unsigned *mode, struct nb_err *err);
int nb_check_tmpfs_size(const char *opt, const char *s, struct nb_err *err);
int nb_set_chdir(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_env(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_unsetenv(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_clearenv(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_argv0(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_new_session(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_no_new_session(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_die_with_parent(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_no_die_with_parent(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_as_pid1(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_pass_fd(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_rootfs(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_read_only(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_bind_cwd(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_bind(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_bind_try(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_ro_bind(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_ro_bind_try(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_dev_bind(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_dev_bind_try(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_tmpfs(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_proc(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_dev(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_dir(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_symlink(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_file(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_remount_ro(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_mask(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_overlay(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_overlay_upper(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_overlay_work(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_cap_add(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_cap_drop(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_caps(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_inh(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_ambient(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_secbits(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_allow_new_privs(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_print_caps(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_seccomp(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_seccomp_log(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_allow_userns(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_disable_userns(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_net(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_mtu(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_cidr(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_enable_ipv6(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_dns(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_disable_dns(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_allow_host_loopback(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_net_lost(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_tty(struct nb_spec *s, const char *arg, struct nb_err *err);
/* --tty's WHEN, for run and exec alike. */
int nb_parse_tty_mode(const char *arg, enum nb_tty_mode *out, struct nb_err *err);
int nb_set_tty_always(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_publish(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_json_status_fd(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_info_fd(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_cgroup(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_memory(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_memory_high(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_memory_swap(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_pids(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_cpus(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_cpu_weight(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_io_max(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_stats(struct nb_spec *s, const char *arg, struct nb_err *err);
bool nb_spec_has_limits(const struct nb_limits *l);
int nb_set_verbose(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_quiet(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_dry_run(struct nb_spec *s, const char *arg, struct nb_err *err);
int nb_set_help(struct nb_spec *s, const char *arg, struct nb_err *err);

/* Fills defaults (the caller's ids) and rejects contradictory options. */
int nb_spec_finish(struct nb_spec *spec, struct nb_err *err);

#endif
