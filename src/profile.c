/* profile.c: see profile.h. The format, in nestbox(1); what a key means is
 * the caller's business (options.c):
 *
 *   # comment                      ; comment
 *   [run]                          (optional: the only section there is)
 *   hostname = box                 an option with a value
 *   bind-try = ${HOME}/.config     ${VAR} is the environment's, or empty
 *   new-session = true             a flag: true/yes/on/1, or false/no/off/0
 *   env = A=1                      a repeatable option, once per line
 *   profile = base                 another profile, applied at this point
 *
 * inih is fed through our own reader: Debian's libinih cuts a line at 199
 * characters and parses the rest as a new line, silently, and its handler
 * gets no line numbers. Our reader counts lines, so that every error names
 * FILE:LINE, and refuses an over-long line instead. */
#include "profile.h"

#include <dirent.h>

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util.h"

#ifndef NB_DATADIR
#define NB_DATADIR "/usr/local/share"
#endif

#define MAX_DEPTH 8
#define MAX_PROFILE_SIZE ((size_t)1 << 20)

struct ctx {
	struct nb_spec *spec;
	nb_profile_key_fn *apply_key;
	const char *path;
	const char *text;  /* the whole file, read as a regular file */
	size_t len, pos;
	unsigned line;
	int depth;
	bool failed;
	struct nb_err *err;
};

static int apply_at(struct nb_spec *spec, const char *name, nb_profile_key_fn *apply_key, int depth,
		    struct nb_err *err);

/* Prefixes err's message with the profile's FILE:LINE. */
static int at_line(struct ctx *c)
{
	char loc[512], *msg = c->err->msg;
	size_t l, size = sizeof c->err->msg;

	snprintf(loc, sizeof loc, "%s:%u: ", c->path, c->line);
	l = strlen(loc);
	if (l < size) {
		memmove(msg + l, msg, size - l);
		memcpy(msg, loc, l);
		msg[size - 1] = '\0';
	}
	c->failed = true;
	return 0;
}

/* inih's line reader, over the file read whole. */
static char *reader(char *str, int num, void *stream)
{
	struct ctx *c = stream;
	const char *line = c->text + c->pos, *nl;
	size_t n;

	if (c->failed || c->pos >= c->len)
		return NULL;
	c->line++;
	nl = memchr(line, '\n', c->len - c->pos);
	n = nl ? (size_t)(nl - line) + 1 : c->len - c->pos;
	/* A NUL byte would end the value early, silently. */
	if (memchr(line, '\0', n)) {
		nb_fail_hint(c->err, 0, "a profile is text", "a NUL byte in the line");
		at_line(c);
		return NULL;
	}
	if (n > (size_t)num - 1) {
		nb_fail_hint(c->err, 0, "split it: a repeatable option can be given on several lines",
			     "the line is longer than %d characters", num - 2);
		at_line(c);
		return NULL;
	}
	memcpy(str, line, n);
	str[n] = '\0';
	c->pos += n;
	return str;
}

/* ${NAME} from the environment; unset is empty, "$$" is "$". */
static char *expand(const char *v, struct nb_err *err)
{
	size_t cap = strlen(v) + 1, n = 0;
	char *out = nb_xmalloc(cap);

	for (const char *p = v; *p;) {
		const char *add = p;
		size_t len = 1;

		if (p[0] == '$' && p[1] == '$') {
			p += 2;
		} else if (p[0] == '$' && p[1] == '{') {
			const char *end = strchr(p + 2, '}');
			char name[128];

			if (!end || end == p + 2 || (size_t)(end - p - 2) >= sizeof name || (p[2] >= '0' && p[2] <= '9') ||
			    strspn(p + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") !=
				    (size_t)(end - p - 2)) {
				free(out);
				nb_fail(err, 0, "a bad variable reference in '%s'", v);
				nb_hint(err, "write ${NAME} with letters, digits and _, or $$ for a '$'");
				return NULL;
			}
			memcpy(name, p + 2, (size_t)(end - p - 2));
			name[end - p - 2] = '\0';
			add = getenv(name);
			if (!add)
				add = "";
			len = strlen(add);
			p = end + 1;
		} else {
			p++;
		}
		if (n + len + 1 > cap) {
			cap = (n + len + 1) * 2;
			out = nb_xrealloc(out, cap);
		}
		memcpy(out + n, add, len);
		n += len;
	}
	out[n] = '\0';
	return out;
}


/* A '/' or a ".ini" ending makes a path ("dev.ini" in the current
 * directory); anything else is a name to search for. */
static bool is_path(const char *name)
{
	size_t n = strlen(name);

	return strchr(name, '/') || (n > 4 && strcmp(name + n - 4, ".ini") == 0);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct ctx *c = user;
	_cleanup_free_ char *v = NULL;

	if (c->failed)
		return 0;
	if (section[0] && strcmp(section, "run") != 0) {
		nb_fail(c->err, 0, "unknown section [%s]", section);
		nb_hint(c->err, "a profile holds options of 'nestbox run', with no section or under [run]");
		return at_line(c);
	}
	v = expand(value, c->err);
	if (!v)
		return at_line(c);
	if (strcmp(name, "profile") == 0) {
		/* A relative path is relative to this profile's directory. */
		const char *slash = strrchr(c->path, '/');
		_cleanup_free_ char *rel = is_path(v) && v[0] != '/' && slash
						   ? nb_xasprintf("%.*s/%s", (int)(slash - c->path), c->path, v)
						   : NULL;

		_cleanup_free_ char *source = nb_xasprintf("%s:%u", c->path, c->line);

		nb_spec_add_origin(c->spec, "profile", v, source);
		if (apply_at(c->spec, rel ? rel : v, c->apply_key, c->depth + 1, c->err) < 0)
			return at_line(c);
		return 1;
	}
	{
		_cleanup_free_ char *source = nb_xasprintf("%s:%u", c->path, c->line);
		if (c->apply_key(c->spec, name, v, source, c->err) < 0)
			return at_line(c);
	}
	return 1;
}

char *nb_profile_path(void)
{
	const char *env = getenv("NB_PROFILE_PATH"), *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	_cleanup_free_ char *user = NULL, *shipped = NULL;

	if (env)
		return nb_xstrdup(env);
	if (xdg && *xdg == '/')
		user = nb_xasprintf("%s/nestbox/profiles:", xdg);
	else if (home && *home == '/')
		user = nb_xasprintf("%s/.config/nestbox/profiles:", home);
	/* The shipped ones: installed (under any prefix) or in the build tree. */
	shipped = nb_own_file("share/nestbox/profiles", "conf/profiles", NB_DATADIR "/nestbox/profiles");
	return nb_xasprintf("%s/etc/nestbox/profiles:%s", user ? user : "", shipped);
}

/* NAME.ini along the search path, or NULL with err filled. */
static char *find(const char *name, struct nb_err *err)
{
	_cleanup_free_ char *path = nb_profile_path();
	const char *ext = ".ini";
	char *save = NULL;

	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		nb_fail(err, 0, "--profile needs a name or a path");
		return NULL;
	}
	{
		_cleanup_free_ char *copy = nb_xstrdup(path);
		for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
			char *f = nb_xasprintf("%s/%s%s", dir, name, ext);
			if (access(f, F_OK) == 0)
				return f;
			free(f);
		}
	}
	nb_fail(err, 0, "no profile '%s' (looked for %s%s in %s)", name, name, ext, path);
	nb_hint(err, "give a path (with a '/', or ending in .ini), or put %s%s in one of those directories", name, ext);
	return NULL;
}

static int apply_at(struct nb_spec *spec, const char *name, nb_profile_key_fn *apply_key, int depth,
		    struct nb_err *err)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	struct ctx c = { .spec = spec, .apply_key = apply_key, .depth = depth, .err = err };
	int rc;

	if (depth >= MAX_DEPTH)
		return nb_fail_hint(err, 0, "is there a loop of 'profile =' lines?",
				    "profile '%s': profiles include each other more than %d deep", name, MAX_DEPTH);
	path = is_path(name) ? nb_xstrdup(name) : find(name, err);
	if (!path)
		return -1;
	c.path = path;
	/* A regular file, and not a huge one: /dev/zero would never end, a
	 * FIFO block, a directory read as empty. */
	if (nb_read_file_regular(path, MAX_PROFILE_SIZE, &text, &c.len, err) < 0)
		return nb_hint(err, "--profile takes a profile's name or the path of an INI file");
	c.text = text;
	rc = ini_parse_stream(reader, &c, handler, &c);
	if (c.failed)
		return -1;
	if (rc > 0)
		return nb_fail_hint(err, 0, "profiles are INI files; see PROFILES in nestbox(1)",
				    "%s:%d: not a 'key = value' line, a [section] or a comment", path, rc);
	if (rc < 0)
		return nb_fail(err, ENOMEM, "cannot parse the profile %s", path);
	return 0;
}

int nb_profile_apply(struct nb_spec *spec, const char *name, nb_profile_key_fn *apply_key, struct nb_err *err)
{
	return apply_at(spec, name, apply_key, 0, err);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The NAME.ini files of one directory, sorted; *n of them. */
static char **dir_profiles(const char *dir, size_t *n)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;

	*n = 0;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len <= 4 || strcmp(e->d_name + len - 4, ".ini") != 0 || e->d_name[0] == '.')
			continue;
		v = nb_xrealloc(v, (*n + 1) * sizeof *v);
		v[(*n)++] = nb_xstrndup(e->d_name, len - 4);
	}
	if (*n)
		qsort(v, *n, sizeof *v, by_name);
	return v;
}

void nb_profile_list(FILE *out)
{
	_cleanup_free_ char *path = nb_profile_path();
	char **seen = NULL;
	size_t n = 0;
	char *save = NULL;

	for (char *dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		size_t k;
		char **names = dir_profiles(dir, &k);

		for (size_t i = 0; i < k; i++) {
			bool dup = false;

			for (size_t j = 0; j < n && !dup; j++)
				dup = strcmp(seen[j], names[i]) == 0;
			if (dup) {
				free(names[i]);
				continue;
			}
			fprintf(out, "%s\t%s/%s.ini\n", names[i], dir, names[i]);
			seen = nb_xrealloc(seen, (n + 1) * sizeof *seen);
			seen[n++] = names[i];
		}
		free(names);
	}
	for (size_t i = 0; i < n; i++)
		free(seen[i]);
	free(seen);
}
