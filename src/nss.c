/* nss.c: see nss.h. */
#include "nss.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define ASK_CAP ((size_t)64 * 1024)
#define ASK_TIMEOUT_MS 10000
#define PASSWD_CAP ((size_t)64 << 20)

bool nb_nss_other_source(const char *db)
{
	_cleanup_fclose_ FILE *f = fopen("/etc/nsswitch.conf", "re");
	size_t n = strlen(db);
	char line[512];

	while (f && fgets(line, sizeof line, f)) {
		char *v = line + strspn(line, " \t"), *save = NULL;

		if (strncmp(v, db, n) != 0 || v[n] != ':')
			continue;
		v[strcspn(v, "#")] = '\0';
		for (char *s = strtok_r(v + n + 1, " \t\n", &save); s; s = strtok_r(NULL, " \t\n", &save))
			if (s[0] != '[' && strcmp(s, "files") != 0)
				return true;
		return false;
	}
	return false;
}

/* Reads rd until EOF, the cap or the deadline; false on the last two. */
static bool read_until(int rd, char *buf, size_t *len, double deadline)
{
	for (;;) {
		int left = (int)((deadline - nb_seconds()) * 1000);
		ssize_t r;

		if (left <= 0 || *len >= ASK_CAP - 1)
			return false;
		if (poll(&(struct pollfd){ rd, POLLIN, 0 }, 1, left) < 0 && errno != EINTR)
			return false;
		r = read(rd, buf + *len, ASK_CAP - 1 - *len);
		if (r == 0)
			return true;
		if (r > 0)
			*len += (size_t)r;
		else if (errno != EINTR && errno != EAGAIN)
			return false;
	}
}

char *nb_nss_ask(char *const argv[])
{
	extern char **environ;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	_cleanup_close_ int rd = -1, wr = -1;
	_cleanup_free_ char *buf = NULL;
	sigset_t none;
	size_t len = 0;
	int p[2], rc, status = -1;
	bool whole;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return NULL;
	rd = p[0], wr = p[1];
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, wr, 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	rc = posix_spawn(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	nb_closep(&wr);
	if (rc != 0)
		return NULL;
	buf = nb_xmalloc(ASK_CAP);
	whole = read_until(rd, buf, &len, nb_seconds() + ASK_TIMEOUT_MS / 1000.0);
	if (!whole)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!whole || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return NULL;
	buf[len] = '\0';
	return nb_steal(&buf);
}

/* /etc/passwd parsed with fgetpwent(), which is a parser, not NSS; from
 * memory, since on a file it seeks once per line. */
static char *from_file(uid_t uid)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	struct passwd *pw;
	struct nb_err ignore;
	size_t len;

	if (nb_read_file_regular("/etc/passwd", PASSWD_CAP, &text, &len, &ignore) < 0 || len == 0 ||
	    !(f = fmemopen(text, len, "r")))
		return NULL;
	while ((pw = fgetpwent(f)))
		if (pw->pw_uid == uid)
			return nb_xstrdup(pw->pw_name);
	return NULL;
}

char *nb_nss_user_name(uid_t uid)
{
	char num[16], *name = from_file(uid);
	_cleanup_free_ char *out = NULL;

	if (name || !nb_nss_other_source("passwd"))
		return name;
	snprintf(num, sizeof num, "%u", (unsigned)uid);
	out = nb_nss_ask((char *const[]){ "/usr/bin/getent", "passwd", num, NULL });
	/* name:password:uid:...; a name cannot hold ':' or a newline. */
	if (!out || !strchr(out, ':') || strcspn(out, ":") == 0)
		return NULL;
	return nb_xstrndup(out, strcspn(out, ":"));
}
