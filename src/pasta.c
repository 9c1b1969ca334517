/* pasta.c: see pasta.h. */
#include "pasta.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

#define READY_TIMEOUT_MS 10000

int nb_pasta_prepare(const struct nb_network *net, struct nb_slirp *s, struct nb_err *err)
{
	s->path = nb_find_in_path("pasta");
	if (!s->path)
		return nb_fail_hint(err, 0, "install the 'passt' package, or use --net=slirp",
				    "--net=pasta needs pasta, which is not in PATH");
	return nb_slirp_check_ports(net, s, err);
}

/* pasta's command line, in storage of its own. */
struct pasta_argv {
	char *v[40];
	char addr[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN], dns[INET_ADDRSTRLEN], len[8], mtu[16], pid[16];
	char tcp[4096], udp[4096];
};

static void ip4(uint32_t a, char *buf)
{
	struct in_addr in = { htonl(a) };

	inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/* -t/-u: "ADDR/HOSTPORT:SANDBOXPORT,..." of the ports published, or none
 * (UDP is refused before: see nb_spec_finish). */
static void ports(const struct nb_network *net, const struct nb_slirp *s, bool udp, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < net->n_publish; i++) {
		const struct nb_publish *p = &net->publish[i];

		if (p->udp == udp)
			n += (size_t)snprintf(buf + n, len - n, "%s%s/%u:%u", n ? "," : "", p->host_addr, s->ports[i],
					      p->guest_port);
	}
	if (!n)
		snprintf(buf, len, "none");
}

/* The slirp network's addresses, so that a sandbox sees the same network
 * whichever helper runs it; the host's loopback closed unless asked, and
 * nothing forwarded from the sandbox to the host's ports (-T/-U none). */
static void build_argv(const struct nb_network *net, const struct nb_slirp *s, pid_t child, struct pasta_argv *a)
{
	uint32_t base = nb_slirp_net_base(net), plen = 24;
	int k = 0;

	if (net->cidr)
		sscanf(strchr(net->cidr, '/') + 1, "%u", &plen);
	ip4(base + 100, a->addr);
	ip4(base + 2, a->gw);
	ip4(base + 3, a->dns);
	snprintf(a->len, sizeof a->len, "%u", plen);
	snprintf(a->pid, sizeof a->pid, "%d", (int)child);
	ports(net, s, false, a->tcp, sizeof a->tcp);
	ports(net, s, true, a->udp, sizeof a->udp);
	a->v[k++] = s->path;
	a->v[k++] = "--foreground";
	a->v[k++] = "--quiet";
	a->v[k++] = "--config-net";
	a->v[k++] = "--ns-ifname", a->v[k++] = "tap0";
	a->v[k++] = "--address", a->v[k++] = a->addr;
	a->v[k++] = "--netmask", a->v[k++] = a->len;
	a->v[k++] = "--gateway", a->v[k++] = a->gw;
	if (net->mtu) {
		snprintf(a->mtu, sizeof a->mtu, "%u", net->mtu);
		a->v[k++] = "--mtu", a->v[k++] = a->mtu;
	}
	if (net->disable_dns)
		a->v[k++] = "--dns", a->v[k++] = "none";
	else
		a->v[k++] = "--dns-forward", a->v[k++] = a->dns;
	if (!net->ipv6)
		a->v[k++] = "--ipv4-only";
	if (!net->allow_host_loopback)
		a->v[k++] = "--no-map-gw";
	a->v[k++] = "--tcp-ports", a->v[k++] = a->tcp;
	a->v[k++] = "--udp-ports", a->v[k++] = a->udp;
	a->v[k++] = "--tcp-ns", a->v[k++] = "none";
	a->v[k++] = "--udp-ns", a->v[k++] = "none";
	/* Written once it is up: its ready signal, through a pipe. */
	a->v[k++] = "--pid", a->v[k++] = "/proc/self/fd/3";
	a->v[k++] = a->pid;
	a->v[k] = NULL;
}

struct pasta_req {
	const char *path;
	char **argv;
	int ready_w, log, null;
	pid_t parent;
	int err; /* errno, if it could not exec */
};

/* In the child, on our memory: pasta parses the payload's packets, so it
 * gets nothing of the caller's (descriptors, terminal, signal mask), and it
 * dies with the supervisor even if that is SIGKILLed. */
static int pasta_child(void *arg)
{
	struct pasta_req *r = arg;
	sigset_t none;

	sigemptyset(&none);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != r->parent || setsid() < 0 ||
	    sigprocmask(SIG_SETMASK, &none, NULL) < 0 || dup2(r->null, 0) < 0 || dup2(r->null, 1) < 0 ||
	    dup2(r->log, 2) < 0 || dup2(r->ready_w, 3) < 0 || syscall(SYS_close_range, 4U, ~0U, 0U) < 0) {
		r->err = errno;
		return 127;
	}
	execve(r->path, r->argv, environ);
	r->err = errno;
	return 127;
}

int nb_pasta_start(const struct nb_network *net, struct nb_slirp *s, pid_t child, struct nb_err *err)
{
	_cleanup_close_ int ready_w = -1, null = -1;
	struct pasta_argv argv;
	struct pasta_req r = { .path = s->path, .argv = argv.v, .parent = getpid() };
	int p[2];

	s->log = memfd_create("pasta-log", MFD_CLOEXEC);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (s->log < 0 || null < 0 || pipe2(p, O_CLOEXEC) < 0)
		return nb_fail(err, errno, "cannot prepare pasta");
	s->ready_r = p[0], ready_w = p[1];
	/* Each above 3, so that no dup2 overwrites one before its turn. */
	r.ready_w = fcntl(ready_w, F_DUPFD_CLOEXEC, 4);
	r.null = fcntl(null, F_DUPFD_CLOEXEC, 4);
	r.log = fcntl(s->log, F_DUPFD_CLOEXEC, 4);
	build_argv(net, s, child, &argv);
	s->pid = r.ready_w < 0 || r.null < 0 || r.log < 0 ? -1 : nb_clone_vfork(pasta_child, &r, (size_t)64 * 1024, SIGCHLD);
	nb_closep(&r.ready_w);
	nb_closep(&r.null);
	nb_closep(&r.log);
	if (s->pid > 0 && r.err) {
		while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
			;
		s->pid = -1;
		errno = r.err;
	}
	if (s->pid < 0)
		return nb_fail(err, errno, "cannot run %s", s->path);
	s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
	s->started = s->pid;
	s->wait_exit = net->n_publish > 0;
	return 0;
}

int nb_pasta_ready(const struct nb_network *net, struct nb_slirp *s, struct nb_err *err)
{
	struct pollfd pfd = { s->ready_r, POLLIN, 0 };
	char pid[16], log[1024];
	ssize_t n = 0;
	int r;

	do
		r = poll(&pfd, 1, READY_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r > 0)
		n = read(s->ready_r, pid, sizeof pid - 1);
	if (n > 0) {
		for (size_t i = 0; i < net->n_publish; i++)
			nb_verbose("published %s %s:%u -> sandbox port %u", net->publish[i].udp ? "udp" : "tcp",
				   net->publish[i].host_addr, s->ports[i], net->publish[i].guest_port);
		return 0;
	}
	nb_slirp_read_log(s, log, sizeof log);
	if (r == 0)
		return nb_fail(err, ETIMEDOUT, "pasta did not bring the network up within %d s%s%s", READY_TIMEOUT_MS / 1000,
			       log[0] ? ": " : "", log);
	return nb_fail(err, 0, "pasta failed: %s", log[0] ? log : "it exited without a message");
}
