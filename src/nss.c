/* nss.c: see nss.h. */
#include "nss.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "capture.h"
#include "util.h"

#define ASK_TIMEOUT_MS 10000
#define PASSWD_CAP ((size_t)64 << 20)
#define NSSWITCH_CAP ((size_t)1 << 20)

/* nsswitch.conf, read once: one start asks it of passwd, subuid and
 * subgid. NULL if it cannot be read. */
static const char *nsswitch(void)
{
	static char *text;
	static bool done;
	struct nb_err ignore;
	size_t len;

	if (!done) {
		done = true;
		if (nb_read_file_regular("/etc/nsswitch.conf", NSSWITCH_CAP, &text, &len, &ignore) < 0)
			text = NULL;
	}
	return text;
}

bool nb_nss_other_source(const char *db)
{
	size_t n = strlen(db);

	for (const char *p = nsswitch(); p && *p; p += strcspn(p, "\n"), p += *p == '\n') {
		char line[512], *v, *save = NULL;

		snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
		v = line + strspn(line, " \t");
		if (strncmp(v, db, n) != 0 || v[n] != ':')
			continue;
		v[strcspn(v, "#")] = '\0';
		for (char *s = strtok_r(v + n + 1, " \t", &save); s; s = strtok_r(NULL, " \t", &save))
			if (s[0] != '[' && strcmp(s, "files") != 0)
				return true;
		return false;
	}
	return false;
}

char *nb_nss_ask(char *const argv[])
{
	struct nb_capture c;

	/* A partial answer (cut short, or killed) is no answer. */
	if (nb_capture_run(argv, 1, ASK_TIMEOUT_MS, &c) < 0 || c.timed_out || c.truncated || !WIFEXITED(c.status) ||
	    WEXITSTATUS(c.status) != 0)
		return NULL;
	return nb_xstrdup(c.out);
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
