/* control.c: see control.h. */
#include "control.h"

#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "init.h"
#include "report.h"
#include "util.h"

/* --- arguments ------------------------------------------------------------ */

/* A subcommand's options, by exact name only: "--name VALUE",
 * "--name=VALUE" or "-c VALUE". */
struct opt {
	const char *name;
	char short_name;
	bool takes_value;
};

/* Returns the index in opts of argv[*i], with its value in *val, and
 * moves *i past it; -1 at the first operand or after "--"; -2 on error. */
static int next_opt(int argc, char **argv, int *i, const struct opt *opts, const char **val, struct nb_err *err)
{
	const char *a = argv[*i];
	const char *names[16];
	size_t n = 0;

	if (*i >= argc || a[0] != '-' || !a[1])
		return -1;
	if (strcmp(a, "--") == 0) {
		(*i)++;
		return -1;
	}
	for (int k = 0; opts[k].name; k++) {
		size_t l = strlen(opts[k].name);
		bool is_long = strncmp(a, "--", 2) == 0 && strncmp(a + 2, opts[k].name, l) == 0 &&
			       (a[2 + l] == '\0' || (a[2 + l] == '=' && opts[k].takes_value));
		bool is_short = opts[k].short_name && a[1] == opts[k].short_name && a[2] == '\0';

		names[n++] = opts[k].name;
		if (!is_long && !is_short)
			continue;
		(*i)++;
		*val = NULL;
		if (is_long && a[2 + l] == '=')
			*val = a + 3 + l;
		else if (opts[k].takes_value && *i < argc)
			*val = argv[(*i)++];
		else if (opts[k].takes_value) {
			nb_fail(err, 0, "%s: option '--%s' needs a value", argv[0], opts[k].name);
			return -2;
		}
		return k;
	}
	names[n] = NULL;
	{
		_cleanup_free_ char *word = nb_xstrndup(a + strspn(a, "-"), strcspn(a + strspn(a, "-"), "="));
		const char *mean = nb_suggest(word, names);

		nb_fail(err, 0, "%s: unknown option '%s'", argv[0], a);
		if (mean)
			nb_hint(err, "did you mean '--%s'? see 'nestbox help %s'", mean, argv[0]);
		else
			nb_hint(err, "see 'nestbox help %s'", argv[0]);
	}
	return -2;
}

int nb_parse_signal(const char *s, int *sig, struct nb_err *err)
{
	uint32_t n;
	const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;

	if (nb_parse_u32(s, 64, &n) == 0 && n > 0) {
		*sig = (int)n;
		return 0;
	}
	for (int k = 1; k < NSIG; k++) {
		const char *abbrev = sigabbrev_np(k);
		if (abbrev && strcasecmp(abbrev, name) == 0) {
			*sig = k;
			return 0;
		}
	}
	return nb_fail_hint(err, 0, "a name such as TERM, INT, HUP, KILL, or a number", "'%s' is not a signal", s);
}

/* --- finding a sandbox's processes again ---------------------------------- */

static int send_signal(int pidfd, int sig)
{
	return pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

struct handle {
	int supervisor, init; /* pidfds, or -1 when gone */
};

static void handle_open(const struct nb_state_info *i, struct handle *h)
{
	h->supervisor = nb_pidfd_same(i->supervisor, i->supervisor_start);
	h->init = nb_pidfd_same(i->init, i->init_start);
}

static void handle_close(struct handle *h)
{
	nb_closep(&h->supervisor);
	nb_closep(&h->init);
}

/* The whole sandbox at once: its leaf's cgroup.kill when it has one; its
 * pid 1, whose death ends its PID namespace; or, with --share=pid, its
 * supervisor, whose death makes init kill everything it inherited. The
 * supervisor itself is left to finish: it removes the leaf and the record,
 * and its caller sees 137. */
static void kill_all(const struct nb_state_info *i, const struct handle *h)
{
	if (i->cgroup) {
		_cleanup_free_ char *path = nb_xasprintf("%s/cgroup.kill", i->cgroup);
		struct nb_err ignore;
		(void)nb_write_file(path, "1", &ignore);
	}
	if (i->ns_fds[NB_STATE_PID] >= 0 || h->supervisor < 0)
		send_signal(h->init, SIGKILL);
	else
		send_signal(h->supervisor, SIGKILL);
}

/* A signal for the payload goes the way a signal to nestbox run would:
 * to the supervisor, which passes it to init, which passes it on. A
 * sandbox whose supervisor is gone (--no-die-with-parent) gets it on init. */
static int signal_payload(const struct handle *h, int sig)
{
	sigset_t fwd;

	nb_signals_forwarded(&fwd);
	if (!sigismember(&fwd, sig) || sig == SIGCHLD)
		return -1;
	return send_signal(h->supervisor >= 0 ? h->supervisor : h->init, sig);
}

/* Waits until both processes have ended, at most ms (-1: no limit).
 * Returns true if they have. */
static bool wait_gone(struct handle *h, int ms)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (h->supervisor >= 0 || h->init >= 0) {
		struct pollfd p[2] = { { h->supervisor, POLLIN, 0 }, { h->init, POLLIN, 0 } };
		struct timespec t;
		int left = -1;

		if (ms >= 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			left = ms - (int)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
			if (left <= 0)
				return false;
		}
		if (poll(p, 2, left) < 0 && errno != EINTR)
			return false;
		if (p[0].revents)
			nb_closep(&h->supervisor);
		if (p[1].revents)
			nb_closep(&h->init);
	}
	return true;
}

/* --- ps ------------------------------------------------------------------- */

static const char *age(long long created, char *buf, size_t len)
{
	long long s = (long long)time(NULL) - created;

	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(buf, len, "%llds", s);
	else if (s < 7200)
		snprintf(buf, len, "%lldm", s / 60);
	else if (s < 172800)
		snprintf(buf, len, "%lldh", s / 3600);
	else
		snprintf(buf, len, "%lldd", s / 86400);
	return buf;
}

/* A counter of the leaf's, or -1. */
static long long leaf_value(const struct nb_state_info *i, const char *file)
{
	_cleanup_free_ char *path = NULL;
	struct nb_err ignore;
	char buf[64];

	if (!i->cgroup)
		return -1;
	path = nb_xasprintf("%s/%s", i->cgroup, file);
	if (nb_read_small(path, buf, sizeof buf, &ignore) < 0)
		return -1;
	return strtoll(buf, NULL, 10);
}

static char *joined(char *const *v, const char *sep)
{
	size_t len = 1, at = 0, sl = strlen(sep);
	char *s;

	for (size_t k = 0; v && v[k]; k++)
		len += strlen(v[k]) + sl;
	s = nb_xmalloc(len);
	for (size_t k = 0; v && v[k]; k++) {
		size_t n = strlen(v[k]);

		if (k) {
			memcpy(s + at, sep, sl);
			at += sl;
		}
		memcpy(s + at, v[k], n);
		at += n;
	}
	s[at] = '\0';
	return s;
}

static const char *state_of(const struct nb_state_info *i)
{
	if (i->gone)
		return "gone";
	return nb_proc_same(i->supervisor, i->supervisor_start) ? "running" : "orphaned";
}

static void ps_json(const struct nb_state_info *v, size_t n)
{
	json_t *a = json_array();
	_cleanup_free_ char *text = NULL;

	for (size_t k = 0; k < n; k++) {
		const struct nb_state_info *i = &v[k];
		json_t *o = json_object(), *cmd = json_array(), *ports = json_array();
		long long mem = leaf_value(i, "memory.current"), pids = leaf_value(i, "pids.current");

		for (size_t c = 0; i->command && i->command[c]; c++)
			json_array_append_new(cmd, json_string(i->command[c]));
		for (size_t c = 0; i->ports && i->ports[c]; c++)
			json_array_append_new(ports, json_string(i->ports[c]));
		json_object_set_new(o, "id", json_string(i->id));
		json_object_set_new(o, "name", i->name ? json_string(i->name) : json_null());
		json_object_set_new(o, "pid", json_integer(i->init));
		json_object_set_new(o, "supervisor-pid", json_integer(i->supervisor));
		json_object_set_new(o, "state", json_string(state_of(i)));
		json_object_set_new(o, "created", json_integer(i->created));
		json_object_set_new(o, "age-seconds", json_integer((long long)time(NULL) - i->created));
		json_object_set_new(o, "command", cmd);
		json_object_set_new(o, "net", json_string(i->net ? i->net : "none"));
		json_object_set_new(o, "ports", ports);
		json_object_set_new(o, "cgroup", i->cgroup ? json_string(i->cgroup) : json_null());
		json_object_set_new(o, "memory-current", mem >= 0 ? json_integer(mem) : json_null());
		json_object_set_new(o, "pids-current", pids >= 0 ? json_integer(pids) : json_null());
		json_array_append_new(a, o);
	}
	text = json_dumps(a, JSON_INDENT(2));
	json_decref(a);
	printf("%s\n", text ? text : "[]");
}

struct ps_row {
	char *name, *net, *cmd;
	char age[32], mem[32], pids[32];
};

/* Columns as wide as their widest value, so that names and ports never
 * push the rest out of line. */
static void ps_table(const struct nb_state_info *v, size_t n)
{
	struct ps_row *r = nb_xmalloc((n ? n : 1) * sizeof *r);
	int wn = 4, wt = 3;

	for (size_t k = 0; k < n; k++) {
		const struct nb_state_info *i = &v[k];
		_cleanup_free_ char *ports = joined(i->ports, ",");
		long long m = leaf_value(i, "memory.current"), p = leaf_value(i, "pids.current");

		r[k].name = nb_xstrdup(i->name ? i->name : "-");
		r[k].net = nb_xasprintf("%s%s%s", i->net ? i->net : "none", *ports ? " " : "", ports);
		r[k].cmd = joined(i->command, " ");
		age(i->created, r[k].age, sizeof r[k].age);
		strcpy(r[k].mem, "-");
		strcpy(r[k].pids, "-");
		if (m >= 0)
			snprintf(r[k].mem, sizeof r[k].mem, "%.1fMiB", (double)m / 1048576.0);
		if (p >= 0)
			snprintf(r[k].pids, sizeof r[k].pids, "%lld", p);
		wn = (int)strlen(r[k].name) > wn ? (int)strlen(r[k].name) : wn;
		wt = (int)strlen(r[k].net) > wt ? (int)strlen(r[k].net) : wt;
	}
	printf("%-12s  %-*s  %-8s  %-5s  %-*s  %-9s  %-5s  %s\n", "ID", wn, "NAME", "PID", "AGE", wt, "NET", "MEMORY", "PIDS",
	       "COMMAND");
	for (size_t k = 0; k < n; k++) {
		_cleanup_free_ char *line = nb_xasprintf("%-12s  %-*s  %-8d  %-5s  %-*s  %-9s  %-5s  %s%s", v[k].id, wn, r[k].name,
							 (int)v[k].init, r[k].age, wt, r[k].net, r[k].mem, r[k].pids, r[k].cmd,
							 v[k].gone ? " (gone)" : "");
		_cleanup_free_ char *quoted = nb_xmalloc(strlen(line) * 4 + 1);

		nb_quote_controls(line, quoted, strlen(line) * 4 + 1);
		printf("%s\n", quoted);
		free(r[k].name);
		free(r[k].net);
		free(r[k].cmd);
	}
	free(r);
}

int nb_cmd_ps(int argc, char **argv, struct nb_err *err)
{
	static const struct opt opts[] = { { "json", 0, false }, { "all", 'a', false }, { "help", 'h', false }, { 0 } };
	bool json = false, all = false;
	struct nb_state_info *v;
	const char *val;
	size_t n;
	int i = 1, k;

	while ((k = next_opt(argc, argv, &i, opts, &val, err)) >= 0) {
		if (k == 2) {
			puts("Usage: nestbox ps [--json] [--all]\n\n"
			     "List your running sandboxes: id, name, pid (the sandbox's pid 1, as the\n"
			     "host sees it), age, network and published ports, memory and processes\n"
			     "(with a cgroup leaf) and the command. --json: an array, one object per\n"
			     "sandbox. --all: also those found gone since the last look (then forgotten).");
			return 0;
		}
		json |= k == 0, all |= k == 1;
	}
	if (k == -2)
		return -1;
	if (i < argc)
		return nb_fail_hint(err, 0, "nestbox ps [--json] [--all]", "ps: unexpected argument '%s'", argv[i]);
	TRY(nb_state_list(all, &v, &n, err));
	if (json)
		ps_json(v, n);
	else
		ps_table(v, n);
	nb_state_list_free(v, n);
	return 0;
}

/* --- stop and kill -------------------------------------------------------- */

static int stop_one(const char *what, int sig, int seconds, struct nb_err *err)
{
	struct nb_state_info i;
	struct handle h;
	bool gone;

	TRY(nb_state_find(what, &i, err));
	handle_open(&i, &h);
	if (signal_payload(&h, sig) < 0)
		send_signal(h.init, sig);
	gone = wait_gone(&h, seconds * 1000);
	if (!gone) {
		nb_note("%s did not end within %d s of SIG%s: killing it", what, seconds, sigabbrev_np(sig));
		kill_all(&i, &h);
		gone = wait_gone(&h, 10000);
	}
	if (!gone) {
		send_signal(h.supervisor, SIGKILL);
		send_signal(h.init, SIGKILL);
		gone = wait_gone(&h, 10000);
	}
	handle_close(&h);
	nb_state_info_free(&i);
	if (!gone)
		return nb_fail(err, ETIMEDOUT, "stop %s: it is still there after SIGKILL", what);
	printf("%s\n", what);
	return 0;
}

int nb_cmd_stop(int argc, char **argv, struct nb_err *err)
{
	static const struct opt opts[] = { { "signal", 's', true }, { "time", 't', true }, { "help", 'h', false }, { 0 } };
	int sig = SIGTERM, i = 1, k, failed = 0;
	uint32_t seconds = 10;
	const char *val;

	while ((k = next_opt(argc, argv, &i, opts, &val, err)) >= 0) {
		if (k == 0)
			TRY(nb_parse_signal(val, &sig, err));
		if (k == 1 && nb_parse_u32(val, 86400, &seconds) < 0)
			return nb_fail_hint(err, 0, "a number of seconds, e.g. --time 10", "stop: --time '%s' is not a number of seconds", val);
		if (k == 2) {
			puts("Usage: nestbox stop [--signal SIG] [--time S] NAME|ID...\n\n"
			     "Send SIG (default TERM) to each sandbox's command, as nestbox run passes\n"
			     "it on, and wait S seconds (default 10) for the sandbox to end; then kill\n"
			     "all of it (its cgroup leaf's cgroup.kill when it has one). Prints each\n"
			     "one stopped.");
			return 0;
		}
	}
	if (k == -2)
		return -1;
	if (i >= argc)
		return nb_fail_hint(err, 0, "nestbox stop [--signal SIG] [--time S] NAME|ID...", "stop: which sandbox?");
	/* Each in turn; the first failure is the one reported. */
	for (; i < argc; i++) {
		struct nb_err e = { 0 };
		if (stop_one(argv[i], sig, (int)seconds, &e) < 0 && !failed++)
			*err = e;
	}
	return failed ? -1 : 0;
}

int nb_cmd_kill(int argc, char **argv, struct nb_err *err)
{
	static const struct opt opts[] = { { "signal", 's', true }, { "help", 'h', false }, { 0 } };
	int sig = SIGKILL, i = 1, k;
	struct nb_state_info info;
	struct handle h;
	const char *val;
	int rc = 0;

	while ((k = next_opt(argc, argv, &i, opts, &val, err)) >= 0) {
		if (k == 0)
			TRY(nb_parse_signal(val, &sig, err));
		if (k == 1) {
			puts("Usage: nestbox kill [--signal SIG] NAME|ID\n\n"
			     "KILL (the default) ends the whole sandbox at once. INT, TERM, HUP, QUIT,\n"
			     "USR1, USR2 and WINCH go to its command, as nestbox run passes them on.");
			return 0;
		}
	}
	if (k == -2)
		return -1;
	if (i + 1 != argc)
		return nb_fail_hint(err, 0, "nestbox kill [--signal SIG] NAME|ID", "kill: name one sandbox");
	TRY(nb_state_find(argv[i], &info, err));
	handle_open(&info, &h);
	if (sig == SIGKILL)
		kill_all(&info, &h);
	else if (signal_payload(&h, sig) < 0)
		rc = nb_fail_hint(err, errno == ESRCH ? ESRCH : 0, "KILL ends the sandbox; INT, TERM, HUP, QUIT, USR1, USR2 and WINCH reach its command",
				  "kill %s: SIG%s cannot be passed on to the sandbox's command", argv[i], sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
	handle_close(&h);
	nb_state_info_free(&info);
	return rc;
}
