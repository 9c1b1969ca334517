/* dbus.c: see dbus.h. */
#include "dbus.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "state.h"
#include "util.h"

/* As long as the id-map helpers get: a proxy not ready by then is stuck. */
#define READY_TIMEOUT_MS 10000

extern char **environ;

char *nb_dbus_session_path(void)
{
	const char *a = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *p = a ? strstr(a, "unix:path=") : NULL;

	if (!p)
		return NULL;
	p += strlen("unix:path=");
	return nb_xstrndup(p, strcspn(p, ",;"));
}

static char *system_path(void)
{
	const char *a = getenv("DBUS_SYSTEM_BUS_ADDRESS");
	const char *p = a ? strstr(a, "unix:path=") : NULL;

	if (!p)
		return nb_xstrdup("/run/dbus/system_bus_socket");
	p += strlen("unix:path=");
	return nb_xstrndup(p, strcspn(p, ",;"));
}

/* One bus's part of the command line: ADDRESS PATH --filter RULES... */
static void add_bus(char ***argv, size_t *n, const char *bus_path, const char *proxy_path, char *const *rules)
{
	nb_strv_push(argv, n, nb_xasprintf("unix:path=%s", bus_path));
	nb_strv_push(argv, n, nb_xstrdup(proxy_path));
	nb_strv_push(argv, n, nb_xstrdup("--filter"));
	for (size_t i = 0; rules && rules[i]; i++)
		nb_strv_push(argv, n, nb_xstrdup(rules[i]));
}

static int spawn(char **argv, int sync_w, pid_t *pid, struct nb_err *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sync_w, 3);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	/* It reads the payload's messages: nothing of the caller's. */
	posix_spawn_file_actions_addclosefrom_np(&fa, 4);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID);
	/* The payload connects as a subordinate uid: the sockets are 0777,
	 * in a 0700 directory that keeps everyone else out. */
	{
		mode_t old = umask(0);
		rc = posix_spawn(pid, argv[0], &fa, &attr, argv, environ);
		umask(old);
	}
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		*pid = -1;
		return nb_fail(err, rc, "--dbus=filtered: cannot run %s", argv[0]);
	}
	return 0;
}

/* xdg-dbus-proxy writes a byte on its --fd once its sockets listen. */
static int wait_ready(struct nb_dbus *p, struct nb_err *err)
{
	struct pollfd pf = { p->sync, POLLIN, 0 };
	char b;

	if (poll(&pf, 1, READY_TIMEOUT_MS) == 1 && read(p->sync, &b, 1) == 1)
		return 0;
	return nb_fail_hint(err, 0, "is the bus there? DBUS_SESSION_BUS_ADDRESS names it; 'nestbox doctor' checks the rest",
			    "--dbus=filtered: xdg-dbus-proxy did not start");
}

int nb_dbus_start(const struct nb_desktop *d, struct nb_dbus *p, struct nb_err *err)
{
	_cleanup_free_ char *proxy = NULL, *base = NULL, *session = NULL, *system = NULL;
	char **argv = NULL;
	size_t n = 0;
	int pipefd[2], rc;

	if (d->dbus == NB_DBUS_FULL) {
		struct stat st;

		p->session = nb_dbus_session_path();
		p->session_is_host = true;
		if (!p->session || stat(p->session, &st) < 0 || !S_ISSOCK(st.st_mode))
			return nb_fail_hint(err, ENOENT, "run it in a desktop session, or use --dbus=none",
					    "--dbus=full: DBUS_SESSION_BUS_ADDRESS names no unix:path= socket that exists");
	}
	if (d->dbus != NB_DBUS_FILTERED && d->dbus_system != NB_DBUS_FILTERED)
		return 0;
	/* No bus to filter (outside a desktop session): nothing to pass, as
	 * --display=auto passes no display where there is none. */
	session = d->dbus == NB_DBUS_FILTERED ? nb_dbus_session_path() : NULL;
	if (d->dbus == NB_DBUS_FILTERED && !session)
		nb_verbose("--dbus=filtered: no session bus (DBUS_SESSION_BUS_ADDRESS names no unix:path= socket)");
	system = d->dbus_system == NB_DBUS_FILTERED ? system_path() : NULL;
	if (!session && !system)
		return 0;
	proxy = nb_find_in_path("xdg-dbus-proxy");
	if (!proxy)
		return nb_fail_hint(err, 0, "install the 'xdg-dbus-proxy' package", "--dbus=filtered needs xdg-dbus-proxy, which is not in PATH");
	TRY(nb_state_base(&base, err));
	p->dir = nb_xasprintf("%s/dbus-%d-XXXXXX", base, (int)getpid());
	if (!mkdtemp(p->dir)) {
		rc = nb_fail(err, errno, "--dbus=filtered: cannot create %s", p->dir);
		nb_freep(&p->dir);
		p->dir = NULL;
		return rc;
	}
	nb_strv_push(&argv, &n, nb_xstrdup(proxy));
	nb_strv_push(&argv, &n, nb_xstrdup("--fd=3"));
	if (session) {
		p->session = nb_xasprintf("%s/session", p->dir);
		add_bus(&argv, &n, session, p->session, d->dbus_rules);
	}
	if (system) {
		p->system = nb_xasprintf("%s/system", p->dir);
		add_bus(&argv, &n, system, p->system, d->dbus_system_rules);
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		nb_strv_free(argv);
		return nb_fail(err, errno, "--dbus=filtered: cannot create a pipe");
	}
	p->sync = pipefd[0];
	rc = spawn(argv, pipefd[1], &p->pid, err);
	close(pipefd[1]);
	nb_strv_free(argv);
	return rc < 0 ? -1 : wait_ready(p, err);
}

void nb_dbus_release(struct nb_dbus *p)
{
	/* Its --fd closed: it exits. If it does not within a few seconds,
	 * it is killed; either way it is reaped. */
	nb_closep(&p->sync);
	if (p->pid > 0) {
		int pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);

		if (pidfd < 0 || poll(&(struct pollfd){ pidfd, POLLIN, 0 }, 1, 3000) != 1)
			kill(p->pid, SIGKILL);
		if (pidfd >= 0)
			close(pidfd);
		while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
			;
		p->pid = -1;
	}
	if (p->session && !p->session_is_host)
		unlink(p->session);
	if (p->system)
		unlink(p->system);
	if (p->dir)
		rmdir(p->dir);
	free(p->session);
	free(p->system);
	free(p->dir);
	p->session = p->system = p->dir = NULL;
}
