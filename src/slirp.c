/* slirp.c: see slirp.h. */
#include "slirp.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "pasta.h"
#include "report.h"
#include "state.h"
#include "util.h"

extern char **environ;

#define READY_TIMEOUT_MS 10000

/* The slirp network, and the addresses slirp4netns puts in it. */
uint32_t nb_slirp_net_base(const struct nb_network *net)
{
	struct in_addr a = { htonl(0x0a000200) }; /* 10.0.2.0 */
	uint32_t len = 24;

	if (net->cidr) {
		char buf[INET_ADDRSTRLEN];
		const char *slash = strchr(net->cidr, '/');
		size_t n = (size_t)(slash - net->cidr);

		memcpy(buf, net->cidr, n);
		buf[n] = '\0';
		inet_pton(AF_INET, buf, &a);
		len = (uint32_t)strtoul(slash + 1, NULL, 10);
	}
	return ntohl(a.s_addr) & (len ? ~0u << (32 - len) : 0);
}

char *nb_slirp_resolv_conf(const struct nb_network *net)
{
	char *conf = nb_xstrdup(""), addr[INET_ADDRSTRLEN];

	for (size_t i = 0; i < net->n_dns; i++) {
		char *next = nb_xasprintf("%snameserver %s\n", conf, net->dns[i]);
		free(conf);
		conf = next;
	}
	if (net->n_dns == 0 && !net->disable_dns) {
		struct in_addr a = { htonl(nb_slirp_net_base(net) + 3) };
		inet_ntop(AF_INET, &a, addr, sizeof addr);
		free(conf);
		conf = nb_xasprintf("nameserver %s\n", addr);
	}
	return conf;
}

static int check_port(const struct nb_publish *p, uint16_t *chosen, struct nb_err *err)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} u;
	socklen_t len;
	int v6 = strchr(p->host_addr, ':') != NULL;
	_cleanup_close_ int fd = socket(v6 ? AF_INET6 : AF_INET, (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);

	memset(&u, 0, sizeof u);
	if (v6) {
		u.in6.sin6_family = AF_INET6;
		u.in6.sin6_port = htons(p->host_port);
		inet_pton(AF_INET6, p->host_addr, &u.in6.sin6_addr);
		len = sizeof u.in6;
	} else {
		u.in.sin_family = AF_INET;
		u.in.sin_port = htons(p->host_port);
		inet_pton(AF_INET, p->host_addr, &u.in.sin_addr);
		len = sizeof u.in;
	}
	/* As slirp4netns's and pasta's own listeners do: a connection of an
	 * earlier run left in TIME_WAIT does not keep the port. A listener
	 * does. */
	if (fd >= 0 && !p->udp)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	if (fd < 0 || bind(fd, &u.sa, len) < 0) {
		nb_fail(err, errno, "--publish %s: cannot use %s port %u on the host", p->text, p->udp ? "udp" : "tcp",
			p->host_port);
		if (errno == EADDRINUSE)
			return nb_hint(err, "another program listens there; pick another port, or 0 for a free one");
		if (errno == EACCES)
			return nb_hint(err, "ports below %s need privilege on the host; use a higher one",
				       "net.ipv4.ip_unprivileged_port_start");
		return nb_hint(err, "is %s an address of this host?", p->host_addr);
	}
	len = sizeof u;
	getsockname(fd, &u.sa, &len);
	*chosen = ntohs(v6 ? u.in6.sin6_port : u.in.sin_port);
	return 0;
}

const char *nb_slirp_name(const struct nb_network *net)
{
	return net->mode == NB_NET_PASTA ? "pasta" : "slirp4netns";
}

int nb_slirp_check_ports(const struct nb_network *net, struct nb_slirp *s, struct nb_err *err)
{
	s->ports = nb_xmalloc((net->n_publish + 1) * sizeof *s->ports);
	for (size_t i = 0; i < net->n_publish; i++)
		TRY(check_port(&net->publish[i], &s->ports[i], err));
	return 0;
}

int nb_slirp_prepare(const struct nb_network *net, struct nb_slirp *s, struct nb_err *err)
{
	s->pasta = net->mode == NB_NET_PASTA;
	if (s->pasta)
		return nb_pasta_prepare(net, s, err);
	if (net->mode != NB_NET_SLIRP)
		return 0;
	s->path = nb_find_in_path("slirp4netns");
	if (!s->path)
		return nb_fail_hint(err, 0, "install the 'slirp4netns' package, or use --net=none or --net=host; 'nestbox doctor' checks this machine",
				    "--net=slirp needs slirp4netns, which is not in PATH");
	if (access("/dev/net/tun", R_OK | W_OK) < 0) {
		nb_fail(err, errno, "--net=slirp: slirp4netns cannot open /dev/net/tun");
		return nb_hint(err, "%s; 'nestbox doctor' checks this machine",
			       errno == ENOENT ? "load the tun module: 'modprobe tun'"
					       : "an admin can make it usable as distributions ship it: 'chmod 0666 /dev/net/tun'");
	}
	return nb_slirp_check_ports(net, s, err);
}

/* The API socket's directory: $XDG_RUNTIME_DIR/nestbox/<pid>, else
 * /tmp/nestbox-<uid>/<pid>; 0700 and ours, because whoever can connect to
 * the socket can open ports on the host. */
/* A run killed by SIGKILL leaves its socket directory: remove those whose
 * pid is gone, "slirp-PID-XXXXXX" and the older "PID" alike, as the
 * cgroup code removes stale leaves. */
static void remove_stale(const char *base)
{
	_cleanup_closedir_ DIR *d = opendir(base);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		const char *p = strncmp(e->d_name, "slirp-", 6) == 0 ? e->d_name + 6 : e->d_name;
		char *end;
		long pid = strtol(p, &end, 10);

		if (end == p || (*end && *end != '-') || !nb_pid_gone(pid))
			continue;
		{
			_cleanup_close_ int sub = openat(dirfd(d), e->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				unlinkat(sub, "slirp.sock", 0);
		}
		unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	}
}

static int make_sock_dir(struct nb_slirp *s, struct nb_err *err)
{
	_cleanup_free_ char *base = NULL;

	TRY(nb_state_base(&base, err));
	remove_stale(base);
	/* The pid, for remove_stale(), and a random part: a dead run's
	 * directory can never be taken for ours. */
	s->dir = nb_xasprintf("%s/slirp-%d-XXXXXX", base, (int)getpid());
	if (!mkdtemp(s->dir)) {
		nb_fail(err, errno, "cannot create the slirp4netns socket directory %s", s->dir);
		free(s->dir);
		s->dir = NULL;
		return -1;
	}
	s->sock = nb_xasprintf("%s/slirp.sock", s->dir);
	return 0;
}

struct spawn_req {
	const char *path;
	const posix_spawn_file_actions_t *fa;
	const posix_spawnattr_t *attr;
	char **argv;
	pid_t pid;
	int rc;
};

static int spawn_req_main(void *p)
{
	struct spawn_req *r = p;

	r->rc = posix_spawn(&r->pid, r->path, r->fa, r->attr, r->argv, environ);
	return 0;
}

/* Nothing waits on slirp4netns's exit, which takes tens of milliseconds
 * (closing its tap device waits for the network stack's RCU grace
 * periods). So it is started by a short-lived intermediate and is not
 * nestbox's child: nestbox returns as soon as the payload is done,
 * slirp4netns ends on its own when the exit fd closes, and an embedding
 * process is left no zombie. Published ports are closed through the API
 * first (nb_slirp_release()), so they are free on return all the same. */
static int spawn_detached(struct spawn_req *r)
{
	/* Exit signal 0: no SIGCHLD for the supervisor's signalfd. */
	pid_t mid = nb_clone_vfork(spawn_req_main, r, (size_t)64 * 1024, 0);

	if (mid < 0)
		return errno;
	while (waitpid(mid, NULL, __WALL) < 0 && errno == EINTR)
		;
	return r->rc;
}

/* slirp4netns's command line, in storage of its own. */
struct slirp_argv {
	char *v[16];
	char mtu[32], pid[16], cidr[64], api[4200];
};

static void build_argv(const struct nb_network *net, const struct nb_slirp *s, pid_t child, struct slirp_argv *a)
{
	int k = 0;

	snprintf(a->mtu, sizeof a->mtu, "--mtu=%u", net->mtu ? net->mtu : 65520);
	snprintf(a->pid, sizeof a->pid, "%d", (int)child);
	a->v[k++] = s->path;
	a->v[k++] = "--configure";
	a->v[k++] = a->mtu;
	a->v[k++] = "--exit-fd=3";
	a->v[k++] = "--ready-fd=4";
	if (!net->allow_host_loopback)
		a->v[k++] = "--disable-host-loopback";
	/* Always: an older slirp4netns refuses these, and nb_slirp_ready()
	 * says so, rather than running it unconfined. */
	a->v[k++] = "--enable-sandbox";
	a->v[k++] = "--enable-seccomp";
	if (net->ipv6)
		a->v[k++] = "--enable-ipv6";
	if (net->disable_dns)
		a->v[k++] = "--disable-dns";
	if (net->cidr) {
		snprintf(a->cidr, sizeof a->cidr, "--cidr=%s", net->cidr);
		a->v[k++] = a->cidr;
	}
	if (s->sock) {
		snprintf(a->api, sizeof a->api, "--api-socket=%s", s->sock);
		a->v[k++] = a->api;
	}
	a->v[k++] = a->pid;
	a->v[k++] = "tap0";
	a->v[k] = NULL;
}

/* Runs slirp4netns with its exit fd on 3, its ready fd on 4, its log on 2,
 * /dev/null on 0 and 1, and nothing else. */
static int spawn(const struct nb_network *net, struct nb_slirp *s, char **argv, int exit_r, int ready_w,
		 struct nb_err *err)
{
	_cleanup_close_ int hi_ex = -1, hi_rd = -1, hi_log = -1;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	/* ECHILD stays if the intermediate died before posix_spawn. */
	struct spawn_req r = { s->path, &fa, &attr, argv, -1, ECHILD };
	mode_t old_mask;
	sigset_t none;
	int rc;

	/* The dup2s below run in order: a source that is itself 3, 4 or 2
	 * would be overwritten before its turn, so each is copied above 4. */
	hi_ex = fcntl(exit_r, F_DUPFD_CLOEXEC, 5);
	hi_rd = fcntl(ready_w, F_DUPFD_CLOEXEC, 5);
	hi_log = fcntl(s->log, F_DUPFD_CLOEXEC, 5);
	if (hi_ex < 0 || hi_rd < 0 || hi_log < 0)
		return nb_fail(err, errno, "cannot prepare slirp4netns");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, hi_ex, 3);
	posix_spawn_file_actions_adddup2(&fa, hi_rd, 4);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, hi_log, 2);
	/* It parses the payload's packets: nothing of the caller's may reach
	 * it, no descriptor beyond these five, and not the terminal. */
	posix_spawn_file_actions_addclosefrom_np(&fa, 5);
	/* The supervisor blocks the signals it forwards; slirp must not. */
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID);
	/* With --enable-sandbox slirp4netns makes its socket as the sandbox's
	 * root, a subordinate uid: umask 0 lets the caller connect, and the
	 * 0700 directory keeps everyone else out. */
	old_mask = net->n_publish ? umask(0) : 0;
	rc = spawn_detached(&r);
	if (net->n_publish)
		umask(old_mask);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return nb_fail(err, rc, "cannot run %s", s->path);
	/* To hear of its death while the sandbox runs (--net-lost), and to
	 * wait for it if its ports cannot be closed at the end. */
	s->pidfd = (int)syscall(SYS_pidfd_open, r.pid, 0);
	s->started = r.pid;
	return 0;
}

int nb_slirp_start(const struct nb_network *net, struct nb_slirp *s, pid_t child, struct nb_err *err)
{
	_cleanup_close_ int exit_r = -1, ready_w = -1;
	struct slirp_argv argv;
	int p[2];

	if (net->mode == NB_NET_PASTA)
		return nb_pasta_start(net, s, child, err);
	if (net->mode != NB_NET_SLIRP)
		return 0;
	if (net->n_publish)
		TRY(make_sock_dir(s, err));
	s->log = memfd_create("slirp4netns-log", MFD_CLOEXEC);
	if (s->log < 0 || pipe2(p, O_CLOEXEC) < 0)
		return nb_fail(err, errno, "cannot prepare slirp4netns");
	exit_r = p[0], s->exit_w = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		return nb_fail(err, errno, "cannot prepare slirp4netns");
	s->ready_r = p[0], ready_w = p[1];
	build_argv(net, s, child, &argv);
	return spawn(net, s, argv.v, exit_r, ready_w, err);
}

void nb_slirp_read_log(const struct nb_slirp *s, char *buf, size_t len)
{
	ssize_t n = pread(s->log, buf, len - 1, 0);
	char *p;

	buf[n > 0 ? n : 0] = '\0';
	/* The last non-empty line says what went wrong. */
	while ((p = strrchr(buf, '\n')) && p[1] == '\0')
		*p = '\0';
	p = strrchr(buf, '\n');
	if (p)
		memmove(buf, p + 1, strlen(p + 1) + 1);
}

/* One request per connection: one write, shut down, read to EOF. Never
 * more than a second per step: the payload, as the sandbox's root, may
 * have stopped slirp4netns. */
static int api_call(const char *sock, const char *req, char *reply, size_t len, struct nb_err *err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { 1, 0 };
	ssize_t n;

	if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0))
		return nb_fail(err, errno, "cannot prepare a slirp4netns API call");
	if (strlen(sock) >= sizeof sun.sun_path)
		return nb_fail(err, ENAMETOOLONG, "the slirp4netns socket path %s", sock);
	memcpy(sun.sun_path, sock, strlen(sock) + 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0)
		return nb_fail(err, errno, "cannot reach the slirp4netns API at %s", sock);
	if (nb_write_all(fd, req, strlen(req)) < 0 || shutdown(fd, SHUT_WR) < 0)
		return nb_fail(err, errno, "cannot talk to slirp4netns");
	n = nb_read_all(fd, reply, len - 1);
	if (n < 0)
		return nb_fail(err, errno, "cannot read slirp4netns's answer");
	reply[n] = '\0';
	return 0;
}

/* The id in an answer {"return": {"id": N}}, or -1. */
static long long reply_id(const char *reply)
{
	json_t *root = json_loads(reply, 0, NULL);
	json_int_t id = -1;

	if (!root || json_unpack(root, "{s:{s:I}}", "return", "id", &id) < 0)
		id = -1;
	json_decref(root);
	return id;
}

static int publish(const struct nb_network *net, struct nb_slirp *s, struct nb_err *err)
{
	s->fwd_ids = nb_xmalloc(net->n_publish * sizeof *s->fwd_ids);
	for (size_t i = 0; i < net->n_publish; i++) {
		const struct nb_publish *p = &net->publish[i];
		char req[512], reply[1024], guest[INET_ADDRSTRLEN];
		struct in_addr g = { htonl(nb_slirp_net_base(net) + 100) };

		/* Always with "proto": slirp4netns 1.2.0 crashes without it. And
		 * name the guest: libslirp's own default is its DHCP address. */
		inet_ntop(AF_INET, &g, guest, sizeof guest);
		snprintf(req, sizeof req,
			 "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"%s\",\"host_addr\":\"%s\",\"host_port\":%u,\"guest_addr\":\"%s\",\"guest_port\":%u}}",
			 p->udp ? "udp" : "tcp", p->host_addr, s->ports[i], guest, p->guest_port);
		TRY(api_call(s->sock, req, reply, sizeof reply, err));
		s->fwd_ids[i] = reply_id(reply);
		if (s->fwd_ids[i] < 0)
			return nb_fail(err, 0, "--publish %s: slirp4netns refused: %s", p->text, reply);
		s->n_fwd = i + 1;
		nb_verbose("published %s %s:%u -> sandbox port %u", p->udp ? "udp" : "tcp", p->host_addr, s->ports[i],
			   p->guest_port);
	}
	return 0;
}

static void remove_sock(struct nb_slirp *s)
{
	if (s->sock)
		unlink(s->sock);
	if (s->dir)
		rmdir(s->dir);
	free(s->sock);
	free(s->dir);
	s->sock = s->dir = NULL;
}

int nb_slirp_ready(const struct nb_network *net, struct nb_slirp *s, struct nb_err *err)
{
	struct pollfd pfd = { s->ready_r, POLLIN, 0 };
	char c = 0, log[1024];
	int r;

	if (net->mode == NB_NET_PASTA)
		return nb_pasta_ready(net, s, err);
	if (net->mode != NB_NET_SLIRP)
		return 0;
	do
		r = poll(&pfd, 1, READY_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r > 0 && read(s->ready_r, &c, 1) == 1 && c == '1') {
		if (net->n_publish) {
			/* Kept without a name, to close the ports at the end. */
			s->api = open(s->sock, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			r = publish(net, s, err);
		}
		/* Ports are added: the name goes, so that a SIGKILL of nestbox
		 * later cannot leave it behind. */
		remove_sock(s);
		return r;
	}
	nb_slirp_read_log(s, log, sizeof log);
	if (r == 0)
		nb_fail(err, ETIMEDOUT, "slirp4netns did not bring the network up within %d s%s%s", READY_TIMEOUT_MS / 1000,
			log[0] ? ": " : "", log);
	else
		nb_fail(err, 0, "slirp4netns failed: %s", log[0] ? log : "it exited without a message");
	if (strstr(log, "/dev/net/tun"))
		nb_hint(err, "an admin can make /dev/net/tun usable: 'chmod 0666 /dev/net/tun'");
	else if (strstr(log, "enable-sandbox") || strstr(log, "enable-seccomp"))
		nb_hint(err, "nestbox confines slirp4netns with --enable-sandbox and --enable-seccomp, which need slirp4netns 0.4.0 or newer");
	return -1;
}

/* Closes the published ports through the API, by the socket's O_PATH
 * descriptor: slirp4netns answers once their sockets are closed. */
static bool unpublish(struct nb_slirp *s)
{
	char path[64], req[128], reply[256];
	struct nb_err err;

	if (s->api < 0)
		return false;
	snprintf(path, sizeof path, "/proc/self/fd/%d", s->api);
	for (size_t i = 0; i < s->n_fwd; i++) {
		snprintf(req, sizeof req, "{\"execute\":\"remove_hostfwd\",\"arguments\":{\"id\":%lld}}", s->fwd_ids[i]);
		if (api_call(path, req, reply, sizeof reply, &err) < 0 || !strstr(reply, "\"return\""))
			return false;
	}
	return true;
}

/* Waits up to a second for slirp4netns's end, then insists. */
static void await_end(int pidfd)
{
	struct pollfd pfd = { pidfd, POLLIN, 0 };

	if (pidfd < 0 || poll(&pfd, 1, 1000) > 0)
		return;
	syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	poll(&pfd, 1, 1000);
}

void nb_slirp_release(struct nb_slirp *s)
{
	/* Ports that could not be closed so are freed by slirp4netns's exit,
	 * which is then waited for. */
	bool wait = s->n_fwd && !unpublish(s);

	remove_sock(s);
	/* Closing the exit fd ends slirp4netns. */
	nb_closep(&s->exit_w);
	if (wait)
		await_end(s->pidfd);
	/* pasta has no exit fd: it ends when told, its ports with it. Closing
	 * its tap device takes tens of milliseconds (RCU grace periods), which
	 * only published ports, to be free on return, are worth waiting for:
	 * otherwise it ends on its own, and the process's end reaps it. */
	if (s->pasta && s->pid > 0) {
		kill(s->pid, SIGKILL);
		if (!s->wait_exit && waitpid(s->pid, NULL, WNOHANG) != s->pid)
			s->pid = -1;
	}
	if (s->pid > 0) {
		/* It usually is gone within a millisecond: poll finely. */
		for (int i = 0; i < 2000; i++) {
			if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
				s->pid = -1;
				break;
			}
			nanosleep(&(struct timespec){ 0, 500000 }, NULL);
		}
		if (s->pid > 0) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, NULL, 0);
		}
	}
	nb_closep(&s->api);
	nb_closep(&s->ready_r);
	nb_closep(&s->log);
	nb_closep(&s->pidfd);
	free(s->path);
	free(s->ports);
	free(s->fwd_ids);
	s->path = NULL;
	s->ports = NULL;
	s->fwd_ids = NULL;
	s->n_fwd = 0;
	s->pid = -1;
}
