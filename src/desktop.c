/* desktop.c: see desktop.h. */
#include "desktop.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

#define FAMILY_LOCAL 256
#define FAMILY_WILD 65535
#define XAUTH_MAX ((size_t)1 << 20)

/* --- X11 ------------------------------------------------------------------ */

struct reader {
	const unsigned char *p;
	size_t left;
};

static bool take_u16(struct reader *r, unsigned *v)
{
	if (r->left < 2)
		return false;
	*v = (unsigned)r->p[0] << 8 | r->p[1];
	r->p += 2, r->left -= 2;
	return true;
}

/* A counted string: its start and length, not copied. */
static bool take_field(struct reader *r, const unsigned char **s, unsigned *len)
{
	if (!take_u16(r, len) || r->left < *len)
		return false;
	*s = r->p;
	r->p += *len, r->left -= *len;
	return true;
}

static bool field_is(const unsigned char *s, unsigned len, const char *want)
{
	return strlen(want) == len && memcmp(s, want, len) == 0;
}

int nb_xauth_filter(const char *data, size_t len, const char *display, const char *host, char **out, size_t *out_len)
{
	struct reader r = { (const unsigned char *)data, len };
	char *o = nb_xmalloc(len + 1);
	size_t at = 0;

	while (r.left > 0) {
		const unsigned char *start = r.p, *addr, *num, *name, *cookie;
		unsigned family, alen, nlen, namelen, clen;

		if (!take_u16(&r, &family) || !take_field(&r, &addr, &alen) || !take_field(&r, &num, &nlen) ||
		    !take_field(&r, &name, &namelen) || !take_field(&r, &cookie, &clen)) {
			free(o);
			return -1;
		}
		if (!field_is(num, nlen, display) ||
		    !(family == FAMILY_WILD || (family == FAMILY_LOCAL && field_is(addr, alen, host))))
			continue;
		/* The same entry, for any host: the sandbox has a name of its own. */
		memcpy(o + at, start, (size_t)(r.p - start));
		o[at] = (char)(FAMILY_WILD >> 8);
		o[at + 1] = (char)(FAMILY_WILD & 0xff);
		at += (size_t)(r.p - start);
	}
	*out = o;
	*out_len = at;
	return 0;
}

/* ":N", ":N.S", "unix:N": the display's number; NULL for a TCP display,
 * which a sandbox without the host's network cannot reach. */
static char *display_number(const char *display)
{
	const char *colon = display ? strrchr(display, ':') : NULL;
	size_t n;

	if (!colon || (colon != display && strncmp(display, "unix:", 5) != 0))
		return NULL;
	n = strspn(colon + 1, "0123456789");
	return n ? nb_xstrndup(colon + 1, n) : NULL;
}

static bool is_socket(const char *path)
{
	struct stat st;

	return path && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

static void add_bind(struct nb_spec *s, enum nb_mnt_kind kind, const char *src, const char *dest, bool try_,
		     const char *opt)
{
	struct nb_mount *m = nb_spec_add_mount(s, kind, opt);

	m->src = nb_xstrdup(src);
	m->dest = nb_xstrdup(dest);
	m->try_ = try_;
}

static int x11_cookie(struct nb_spec *s, const char *num, struct nb_err *err)
{
	const char *xa = getenv("XAUTHORITY"), *home = getenv("HOME");
	_cleanup_free_ char *path = xa && *xa ? nb_xstrdup(xa) : home ? nb_xasprintf("%s/.Xauthority", home) : NULL;
	_cleanup_free_ char *data = NULL, *mine = NULL;
	char host[256] = "";
	size_t len, mlen;
	struct nb_mount *m;

	if (!path || access(path, F_OK) < 0) {
		nb_verbose("--x11: no cookie file (%s): the display must need none", path ? path : "XAUTHORITY and HOME unset");
		return 0;
	}
	TRY(nb_read_file_regular(path, XAUTH_MAX, &data, &len, err));
	gethostname(host, sizeof host - 1);
	if (nb_xauth_filter(data, len, num, host, &mine, &mlen) < 0)
		return nb_fail_hint(err, EINVAL, "xauth -f FILE list shows what it holds", "--x11: %s is not an Xauthority file", path);
	if (mlen == 0) {
		nb_verbose("--x11: %s holds no cookie for display :%s", path, num);
		return 0;
	}
	/* In the runtime dir when there is one, else in the sandbox's /tmp. */
	m = nb_spec_add_mount(s, NB_MNT_DATA, "--x11");
	m->dest = s->view.runtime_dir ? nb_xasprintf("%s/.Xauthority", s->view.runtime_dir) : nb_xstrdup("/tmp/.Xauthority");
	m->data = nb_steal(&mine);
	m->data_len = mlen;
	{
		_cleanup_free_ char *e = nb_xasprintf("XAUTHORITY=%s", m->dest);
		return nb_set_env(s, e, err);
	}
}

static int x11(struct nb_spec *s, bool required, struct nb_err *err)
{
	const char *display = getenv("DISPLAY");
	_cleanup_free_ char *num = display_number(display);
	_cleanup_free_ char *sock = num ? nb_xasprintf("/tmp/.X11-unix/X%s", num) : NULL;

	if (!num || !is_socket(sock)) {
		if (!required)
			return 0;
		if (!num)
			return nb_fail_hint(err, 0, "a local display is ':N'; a TCP display needs --share=net",
					    "--x11: DISPLAY is %s", display ? display : "not set");
		return nb_fail(err, ENOENT, "--x11: no X server's socket %s for DISPLAY=%s", sock, display);
	}
	add_bind(s, NB_MNT_RO_BIND, sock, sock, false, "--x11");
	return x11_cookie(s, num, err);
}

/* The Wayland socket: $WAYLAND_DISPLAY (a name in the runtime dir, or a
 * path), else wayland-0. */
static char *wayland_socket(const struct nb_spec *s)
{
	const char *name = getenv("WAYLAND_DISPLAY");

	if (!name || !*name)
		name = "wayland-0";
	if (name[0] == '/')
		return nb_xstrdup(name);
	return s->view.runtime_dir ? nb_xasprintf("%s/%s", s->view.runtime_dir, name) : NULL;
}

static int wayland(struct nb_spec *s, bool required, struct nb_err *err)
{
	_cleanup_free_ char *sock = wayland_socket(s);
	const char *name = getenv("WAYLAND_DISPLAY");

	if (!is_socket(sock)) {
		if (!required)
			return 0;
		return nb_fail_hint(err, ENOENT, "is a Wayland compositor running? WAYLAND_DISPLAY and XDG_RUNTIME_DIR name its socket",
				    "--wayland: no socket %s", sock ? sock : "(XDG_RUNTIME_DIR is not set)");
	}
	add_bind(s, NB_MNT_RO_BIND, sock, sock, false, "--wayland");
	return name && *name ? 0 : nb_set_env(s, "WAYLAND_DISPLAY=wayland-0", err);
}

static int display(struct nb_spec *s, struct nb_err *err)
{
	_cleanup_free_ char *wsock = wayland_socket(s);

	switch (s->desktop.display) {
	case NB_DISPLAY_NONE:
		return 0;
	case NB_DISPLAY_AUTO:
		/* Wayland if it is there; X11 too when it is, for the apps
		 * that want it (Xwayland serves it then). */
		if (is_socket(wsock))
			TRY(wayland(s, false, err));
		return x11(s, !is_socket(wsock) && getenv("DISPLAY"), err);
	case NB_DISPLAY_X11:
		return x11(s, true, err);
	case NB_DISPLAY_WAYLAND:
		return wayland(s, true, err);
	case NB_DISPLAY_BOTH:
		TRY(wayland(s, true, err));
		return x11(s, true, err);
	}
	return 0;
}

/* --- sound, GPU ------------------------------------------------------------ */

static void sound(struct nb_spec *s)
{
	static const char *const socks[] = { "pulse/native", "pipewire-0" };

	if (!s->desktop.sound || !s->view.runtime_dir)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(socks); i++) {
		_cleanup_free_ char *p = nb_xasprintf("%s/%s", s->view.runtime_dir, socks[i]);
		if (is_socket(p))
			add_bind(s, NB_MNT_RO_BIND, p, p, true, "--sound");
	}
}

static void gpu(struct nb_spec *s)
{
	glob_t g;

	if (!s->desktop.gpu)
		return;
	add_bind(s, NB_MNT_DEV_BIND, "/dev/dri", "/dev/dri", true, "--gpu");
	if (glob("/dev/nvidia*", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			add_bind(s, NB_MNT_DEV_BIND, g.gl_pathv[i], g.gl_pathv[i], true, "--gpu");
		globfree(&g);
	}
}

/* --- the app's home ---------------------------------------------------------- */

/* Removes what is under dir, never following a link out of it. */
static int empty_dir(int dir, const char *what, struct nb_err *err)
{
	_cleanup_closedir_ DIR *d = fdopendir(dup(dir));
	struct dirent *e;

	if (!d)
		return nb_fail(err, errno, "--reset-home: cannot read %s", what);
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dir, e->d_name, 0) == 0)
			continue;
		if (errno == EISDIR || errno == EPERM) {
			_cleanup_close_ int sub = openat(dir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0 || empty_dir(sub, what, err) < 0)
				return sub < 0 ? nb_fail(err, errno, "--reset-home: cannot empty %s", what) : -1;
			if (unlinkat(dir, e->d_name, AT_REMOVEDIR) == 0)
				continue;
		}
		return nb_fail(err, errno, "--reset-home: cannot remove %s in %s", e->d_name, what);
	}
	return 0;
}

/* mkdir -p, each new directory 0700. */
static int make_dirs(const char *path, struct nb_err *err)
{
	_cleanup_free_ char *p = nb_xstrdup(path);

	for (char *c = p + 1; ; c++) {
		if (*c != '/' && *c != '\0')
			continue;
		{
			char was = *c;
			*c = '\0';
			if (mkdir(p, 0700) < 0 && errno != EEXIST)
				return nb_fail(err, errno, "--app-id: cannot create %s", p);
			*c = was;
		}
		if (*c == '\0')
			return 0;
	}
}

static int app_home(struct nb_spec *s, struct nb_err *err)
{
	const char *home = getenv("HOME");
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (!s->desktop.app_id)
		return s->desktop.reset_home ? nb_fail(err, 0, "--reset-home needs --app-id") : 0;
	if (!home || home[0] != '/')
		return nb_fail(err, 0, "--app-id: HOME is not set to an absolute path");
	dir = nb_xasprintf("%s/.local/share/nestbox/apps/%s/home", home, s->desktop.app_id);
	TRY(make_dirs(dir, err));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return nb_fail(err, errno, "--app-id: cannot open %s", dir);
	if (st.st_uid != getuid() || (st.st_mode & 077))
		return nb_fail_hint(err, EPERM, "chmod 700 it, or pick another id", "--app-id: %s is not a private directory of yours", dir);
	if (s->desktop.reset_home)
		TRY(empty_dir(fd, dir, err));
	s->view.app_home = nb_steal(&dir);
	return 0;
}

/* Where the buses are inside, and the variables that say so. The
 * sockets themselves are bound by the view once the proxy runs. */
static int dbus(struct nb_spec *s, struct nb_err *err)
{
	struct nb_desktop *d = &s->desktop;

	if (d->n_dbus_rules && d->dbus != NB_DBUS_FILTERED)
		return nb_fail_hint(err, 0, "add --dbus=filtered", "the --dbus-talk/-own/-see/-call/-broadcast rules need --dbus=filtered");
	if (d->n_dbus_system_rules && d->dbus_system != NB_DBUS_FILTERED)
		return nb_fail_hint(err, 0, "add --dbus-system=filtered", "--dbus-system-talk needs --dbus-system=filtered");
	if (d->dbus != NB_DBUS_NONE) {
		_cleanup_free_ char *e = NULL;

		d->dbus_dest = s->view.runtime_dir ? nb_xasprintf("%s/bus", s->view.runtime_dir) : nb_xstrdup("/run/nestbox-dbus/bus");
		e = nb_xasprintf("DBUS_SESSION_BUS_ADDRESS=unix:path=%s", d->dbus_dest);
		TRY(nb_set_env(s, e, err));
	}
	if (d->dbus_system == NB_DBUS_FILTERED) {
		d->dbus_system_dest = nb_xstrdup("/run/dbus/system_bus_socket");
		TRY(nb_set_env(s, "DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket", err));
	}
	return 0;
}

int nb_desktop_resolve(struct nb_spec *spec, struct nb_err *err)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	/* $XDG_RUNTIME_DIR exists inside, the payload's, holding only what is
	 * passed in. */
	if (rt && rt[0] == '/' && !strstr(rt, "/..") && stat(rt, &st) == 0 && S_ISDIR(st.st_mode)) {
		free(spec->view.runtime_dir);
		spec->view.runtime_dir = nb_xstrdup(rt);
	}
	TRY(display(spec, err));
	TRY(dbus(spec, err));
	sound(spec);
	gpu(spec);
	return app_home(spec, err);
}
