/* spec-res.c: the setters of what the sandbox may use and reach:
 * capabilities and seccomp, networking, and cgroup limits. Syntax only. */
#include "spec.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "spec-internal.h"
#include "capnames.h"
#include "util.h"

/* --- privileges --------------------------------------------------------- */

int nb_set_cap_add(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return nb_cap_parse_list("--cap-add", arg, &s->priv.cap_add, NULL, err);
}

int nb_set_cap_drop(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return nb_cap_parse_list("--cap-drop", arg, &s->priv.cap_drop, &s->priv.cap_drop_all, err);
}

int nb_set_caps(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	TRY(nb_cap_parse_text(arg, &s->priv.caps_e, &s->priv.caps_p, &s->priv.caps_i, err));
	s->priv.caps_set = true;
	return 0;
}

int nb_set_inh(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	s->priv.inh = 0;
	TRY(nb_cap_parse_list("--inh", arg, &s->priv.inh, NULL, err));
	s->priv.inh_set = true;
	return 0;
}

int nb_set_ambient(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return nb_cap_parse_list("--ambient", arg, &s->priv.ambient, NULL, err);
}

int nb_set_secbits(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	char *end;
	unsigned long v;

	if (strcmp(arg, "locked") == 0) {
		s->priv.secbits = NB_SECBITS_LOCKED;
		return 0;
	}
	v = strtoul(arg, &end, 0);
	if (!*arg || *end || v > 0xff)
		return nb_fail(err, 0, "--secbits: '%s' is not 'locked' or a number up to 0xff", arg);
	s->priv.secbits = (int)v;
	return 0;
}

FLAG_SETTER(nb_set_allow_new_privs, priv.allow_new_privs, true)
FLAG_SETTER(nb_set_print_caps, priv.print_caps, true)

int nb_set_seccomp(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (!*arg)
		return nb_fail(err, 0, "--seccomp: give default, unconfined or a policy file");
	free(s->priv.seccomp);
	s->priv.seccomp = strcmp(arg, "default") == 0 || strcmp(arg, "unconfined") == 0 ? nb_xstrdup(arg)
										    : nb_abs_src(arg);
	return 0;
}

FLAG_SETTER(nb_set_seccomp_log, priv.seccomp_log, true)
FLAG_SETTER(nb_set_allow_userns, priv.allow_userns, true)
FLAG_SETTER(nb_set_disable_userns, priv.disable_userns, true)

/* --- networking --------------------------------------------------------- */

int nb_set_net(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (strcmp(arg, "none") == 0)
		s->net.mode = NB_NET_NONE;
	else if (strcmp(arg, "slirp") == 0)
		s->net.mode = NB_NET_SLIRP;
	else if (strcmp(arg, "host") == 0)
		s->net.mode = NB_NET_HOST;
	else if (strcmp(arg, "pasta") == 0)
		s->net.mode = NB_NET_PASTA;
	else
		return nb_fail_hint(err, 0, "use --net=none (only lo), --net=slirp or --net=pasta (user-mode networking) or --net=host",
				    "--net: unknown mode '%s'", arg);
	return 0;
}

int nb_set_mtu(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	/* slirp4netns accepts 1280 (IPv6's minimum) up to 65521. */
	if (nb_parse_u32(arg, 65521, &s->net.mtu) < 0 || s->net.mtu < 1280)
		return nb_fail(err, 0, "--mtu: '%s' is not a number from 1280 to 65521", arg);
	return 0;
}

int nb_set_cidr(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	char addr[INET_ADDRSTRLEN + 1];
	const char *slash = strchr(arg, '/');
	struct in_addr a;
	uint32_t len;

	if (!slash || (size_t)(slash - arg) >= sizeof addr)
		goto bad;
	memcpy(addr, arg, (size_t)(slash - arg));
	addr[slash - arg] = '\0';
	if (inet_pton(AF_INET, addr, &a) != 1 || nb_parse_u32(slash + 1, 30, &len) < 0 || len < 8)
		goto bad;
	free(s->net.cidr);
	s->net.cidr = nb_xstrdup(arg);
	return 0;
bad:
	return nb_fail(err, 0, "--cidr: '%s' is not an IPv4 network such as 10.0.2.0/24", arg);
}

int nb_set_dns(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	unsigned char buf[16];

	if (inet_pton(AF_INET, arg, buf) != 1 && inet_pton(AF_INET6, arg, buf) != 1)
		return nb_fail(err, 0, "--dns: '%s' is not an IP address", arg);
	s->net.dns = nb_xrealloc(s->net.dns, (s->net.n_dns + 1) * sizeof *s->net.dns);
	s->net.dns[s->net.n_dns++] = nb_xstrdup(arg);
	return 0;
}

int nb_set_net_lost(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	static const char *const modes[] = { "warn", "ignore", "kill" };

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (strcmp(arg, modes[i]) == 0) {
			s->net.lost = (enum nb_net_lost)i;
			return 0;
		}
	return nb_fail_hint(err, 0, "use --net-lost=warn, ignore or kill", "--net-lost: unknown mode '%s'", arg);
}

int nb_parse_tty_mode(const char *arg, enum nb_tty_mode *out, struct nb_err *err)
{
	static const char *const modes[] = { "auto", "always", "never" };

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (strcmp(arg, modes[i]) == 0) {
			*out = (enum nb_tty_mode)i;
			return 0;
		}
	return nb_fail_hint(err, 0, "use --tty=auto, always or never (-t is always)", "--tty: unknown mode '%s'", arg);
}

int nb_set_tty(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return nb_parse_tty_mode(arg, &s->proc.tty, err);
}

int nb_set_tty_always(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	(void)arg, (void)err;
	s->proc.tty = NB_TTY_ALWAYS;
	return 0;
}

FLAG_SETTER(nb_set_enable_ipv6, net.ipv6, true)
FLAG_SETTER(nb_set_disable_dns, net.disable_dns, true)
FLAG_SETTER(nb_set_allow_host_loopback, net.allow_host_loopback, true)

static int parse_port(const char *s, size_t len, uint32_t min, uint16_t *out)
{
	char buf[8];
	uint32_t v;

	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (nb_parse_u32(buf, 65535, &v) < 0 || v < min)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

int nb_set_publish(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	struct nb_publish p = { .host_addr = "127.0.0.1" };
	const char *rest = arg, *proto = strchr(arg, '/'), *end, *colon;
	unsigned char buf[16];

	end = proto ? proto : arg + strlen(arg);
	if (proto) {
		if (strcmp(proto, "/udp") == 0)
			p.udp = true;
		else if (strcmp(proto, "/tcp") != 0)
			goto bad;
	}
	/* An address first: a.b.c.d: or [v6]: */
	if (*rest == '[') {
		const char *close = strchr(rest, ']');
		if (!close || close[1] != ':' || (size_t)(close - rest - 1) >= sizeof p.host_addr)
			goto bad;
		memcpy(p.host_addr, rest + 1, (size_t)(close - rest - 1));
		p.host_addr[close - rest - 1] = '\0';
		if (inet_pton(AF_INET6, p.host_addr, buf) != 1)
			goto bad;
		rest = close + 2;
	} else {
		const char *c1 = memchr(rest, ':', (size_t)(end - rest));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
		if (c2) {
			if ((size_t)(c1 - rest) >= sizeof p.host_addr)
				goto bad;
			memcpy(p.host_addr, rest, (size_t)(c1 - rest));
			p.host_addr[c1 - rest] = '\0';
			if (inet_pton(AF_INET, p.host_addr, buf) != 1)
				goto bad;
			rest = c1 + 1;
		}
	}
	colon = memchr(rest, ':', (size_t)(end - rest));
	if (!colon || parse_port(rest, (size_t)(colon - rest), 0, &p.host_port) < 0 ||
	    parse_port(colon + 1, (size_t)(end - colon - 1), 1, &p.guest_port) < 0)
		goto bad;
	p.text = nb_xstrdup(arg);
	s->net.publish = nb_xrealloc(s->net.publish, (s->net.n_publish + 1) * sizeof *s->net.publish);
	s->net.publish[s->net.n_publish++] = p;
	return 0;
bad:
	nb_fail(err, 0, "--publish: cannot parse '%s'", arg);
	return nb_hint(err, "the form is [HOST_IP:]HOST_PORT:SANDBOX_PORT[/tcp|/udp], e.g. 127.0.0.1:8080:80; HOST_PORT 0 picks a free port");
}

static int status_fd(const char *opt, const char *arg, int *out, struct nb_err *err)
{
	uint32_t fd;

	errno = 0;
	if (nb_parse_u32(arg, INT32_MAX, &fd) < 0 || fd == 0 || fcntl((int)fd, F_GETFD) < 0)
		return nb_fail(err, errno ? errno : EINVAL, "%s: '%s' is not an open file descriptor to write to (1, 2, or one above)", opt, arg);
	/* The payload must not hold it: the reader waits for its EOF. Standard
	 * output and error (| jq) are the payload's too, and stay so. */
	if (fd > 2)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	*out = (int)fd;
	return 0;
}

int nb_set_info_fd(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return status_fd("--info-fd", arg, &s->report.info_fd, err);
}

int nb_set_json_status_fd(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return status_fd("--json-status-fd", arg, &s->report.json_status_fd, err);
}

/* --- resource limits ---------------------------------------------------- */

bool nb_spec_has_limits(const struct nb_limits *l)
{
	return l->mem_max || l->mem_high || l->mem_swap_set || l->pids_max || l->cpu_quota || l->cpu_weight || l->n_io_max ||
	       l->n_files;
}

int nb_set_cgroup(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	static const char *const modes[] = { "auto", "off", "try", "require" };

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (strcmp(arg, modes[i]) == 0) {
			s->limits.mode = (enum nb_cgroup_mode)i;
			return 0;
		}
	return nb_fail_hint(err, 0, "auto (a leaf when there are limits), require, try or off",
			    "--cgroup: unknown mode '%s'", arg);
}

/* Bytes with an optional K, M, G or T (powers of 1024). */
static int parse_size(const char *opt, const char *arg, bool zero_ok, uint64_t *out, struct nb_err *err)
{
	if (nb_parse_size(arg, out) == 0 && (zero_ok || *out > 0))
		return 0;
	nb_fail(err, 0, "%s: '%s' is not a size", opt, arg);
	return nb_hint(err, "a number of bytes%s with an optional K, M, G or T (KB and KiB alike), e.g. 512M",
		       zero_ok ? "" : " above 0");
}

int nb_set_memory(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return parse_size("--memory", arg, false, &s->limits.mem_max, err);
}

int nb_set_memory_high(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	return parse_size("--memory-high", arg, false, &s->limits.mem_high, err);
}

int nb_set_memory_swap(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	TRY(parse_size("--memory-swap", arg, true, &s->limits.mem_swap, err));
	s->limits.mem_swap_set = true;
	return 0;
}

int nb_set_pids(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (nb_parse_u32(arg, 4194304, &s->limits.pids_max) < 0 || s->limits.pids_max == 0)
		return nb_fail(err, 0, "--pids: '%s' is not a number of processes from 1 to 4194304", arg);
	return 0;
}

/* CPUs as plain decimals: 0.5, 2, 1.25. More than the machine has is
 * legal (cpu.max then does not bind, and --verbose says so): a profile
 * written for a big node must run on a small one. */
int nb_set_cpus(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	size_t whole = strspn(arg, "0123456789"), frac = 0;
	uint64_t units = 0, scale = 100000;

	if (whole > 0 && whole <= 5) {
		for (size_t i = 0; i < whole; i++)
			units = units * 10 + (uint64_t)(arg[i] - '0');
		units *= 100000;
		if (arg[whole] == '.')
			frac = strspn(arg + whole + 1, "0123456789");
		for (size_t i = 0; i < frac && i < 5; i++)
			units += (uint64_t)(arg[whole + 1 + i] - '0') * (scale /= 10);
	}
	if (whole == 0 || whole > 5 || arg[whole + (arg[whole] == '.' ? 1 + frac : 0)] ||
	    (arg[whole] == '.' && frac == 0) || units < 1000 || units > (uint64_t)10000 * 100000)
		return nb_fail_hint(err, 0, "a number of CPUs from 0.01 to 10000, e.g. 0.5 or 2",
				    "--cpus: '%s' is not a number of CPUs", arg);
	s->limits.cpu_quota = (uint32_t)units;
	return 0;
}

int nb_set_cpu_weight(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	if (nb_parse_u32(arg, 10000, &s->limits.cpu_weight) < 0 || s->limits.cpu_weight == 0)
		return nb_fail(err, 0, "--cpu-weight: '%s' is not a weight from 1 to 10000", arg);
	return 0;
}

static bool is_io_key(const char *k)
{
	return strcmp(k, "rbps") == 0 || strcmp(k, "wbps") == 0 || strcmp(k, "riops") == 0 ||
	       strcmp(k, "wiops") == 0;
}

/* DEV:KEY=VALUE,... where DEV is a block device path or MAJ:MIN. */
int nb_set_io_max(struct nb_spec *s, const char *arg, struct nb_err *err)
{
	const char *kv = NULL;
	char dev[32], line[256];
	size_t len;
	char *copy, *save = NULL;
	struct stat st;

	for (const char *p = strchr(arg, ':'); p; p = strchr(p + 1, ':'))
		if (strchr("rw", p[1])) {
			kv = p + 1;
			break;
		}
	if (!kv)
		goto bad;
	len = (size_t)(kv - 1 - arg);
	if (arg[0] == '/') {
		_cleanup_free_ char *path = nb_xstrndup(arg, len);
		if (stat(path, &st) < 0 || !S_ISBLK(st.st_mode))
			return nb_fail(err, errno ? errno : ENOTBLK, "--io-max: '%.*s' is not a block device", (int)len, arg);
		snprintf(dev, sizeof dev, "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	} else {
		/* MAJ:MIN, digits only: sscanf's %u would read -1 as 4294967295. */
		const char *colon = memchr(arg, ':', len);
		uint64_t ma, mi;

		if (!colon || nb_parse_u64(arg, (size_t)(colon - arg), &ma) < 0 ||
		    nb_parse_u64(colon + 1, len - (size_t)(colon - arg) - 1, &mi) < 0 || ma > 4095 || mi > 1048575)
			goto bad;
		snprintf(dev, sizeof dev, "%llu:%llu", (unsigned long long)ma, (unsigned long long)mi);
	}
	copy = nb_xstrdup(kv);
	len = (size_t)snprintf(line, sizeof line, "%s", dev);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '=');
		uint64_t v = 0;
		if (!eq || len > sizeof line - 48) {
			free(copy);
			goto bad;
		}
		*eq = '\0';
		if (!is_io_key(t) || parse_size("--io-max", eq + 1, false, &v, err) < 0) {
			free(copy);
			goto bad;
		}
		len += (size_t)snprintf(line + len, sizeof line - len, " %s=%llu", t, (unsigned long long)v);
	}
	free(copy);
	if (len == strlen(dev)) /* "8:0:" names no limit */
		goto bad;
	s->limits.io_max = nb_xrealloc(s->limits.io_max, (s->limits.n_io_max + 1) * sizeof *s->limits.io_max);
	s->limits.io_max[s->limits.n_io_max++] = nb_xstrdup(line);
	return 0;
bad:
	return nb_fail_hint(err, 0, "the form is DEV:rbps=N,wbps=N,riops=N,wiops=N with DEV a block device or MAJ:MIN, e.g. /dev/sda:wbps=10M",
			    "--io-max: cannot parse '%s'", arg);
}

FLAG_SETTER(nb_set_stats, limits.stats, true)
