/* dryrun.c: see dryrun.h. */
#include "dryrun.h"

#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "cgroup.h"
#include "idmap.h"
#include "launch.h"
#include "options.h"
#include "seccomp.h"
#include "slirp.h"
#include "util.h"

/* What is in force when an option is not given; flags not named here are
 * off, options with a value have none. */
static const struct {
	const char *name, *value;
} defaults[] = {
	{ "map", "auto" },
	{ "uid", "your own" },
	{ "gid", "your own" },
	{ "share", "none: every namespace private" },
	{ "hostname", "the --name, else nestbox" },
	{ "rootfs", "the host's system, read-only" },
	{ "cgroup", "auto" },
	{ "net", "none" },
	{ "mtu", "65520" },
	{ "cidr", "10.0.2.0/24" },
	{ "net-lost", "warn" },
	{ "tty", "auto: when stdin and stdout are terminals" },
	{ "display", "none" },
	{ "dbus", "none" },
	{ "dbus-system", "none" },
	{ "landlock", "auto: where the kernel has it" },
	{ "new-session", "on" },
	{ "die-with-parent", "on" },
	{ "seccomp", "default" },
	{ "secbits", "locked (0 for root)" },
	{ "chdir", "where you are, else $HOME" },
};

static const char *default_of(const struct nb_option *o)
{
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
		if (strcmp(defaults[i].name, o->name) == 0)
			return defaults[i].value;
	return o->metavar ? "-" : "off";
}

static void setting(FILE *out, const char *name, const char *value, const char *source)
{
	fprintf(out, "  --%-20s %-34s %s\n", name, value, source);
}

/* Each option in the table's order: every value of a repeatable one, the
 * last of any other (saying what it overrode), or the default. */
static void print_settings(const struct nb_spec *spec, FILE *out)
{
	if (spec->bwrap_words) {
		fputs("Settings: bubblewrap's command line, with its defaults (nestbox-bwrap(1)): no default view,\n"
		      "the host's namespaces but user and mount unless --unshare-*, one id, no seccomp filter,\n"
		      "no capabilities unless --cap-add, inherited descriptors kept.\n", out);
		return;
	}
	fputs("Settings (the value in force, and where it comes from):\n", out);
	for (const struct nb_option *o = nb_options; o->name; o++) {
		const struct nb_origin *last = NULL;
		char *over = NULL;

		if (strcmp(o->name, "help") == 0 || strcmp(o->name, "dry-run") == 0)
			continue;
		for (size_t i = 0; i < spec->n_origins; i++) {
			const struct nb_origin *g = &spec->origins[i];

			if (strcmp(g->option, o->name) != 0)
				continue;
			if (o->repeat) {
				setting(out, o->name, g->value ? g->value : "on", g->source);
				last = g;
				continue;
			}
			if (last) {
				char *more = nb_xasprintf("%s%s%s", over ? over : "", over ? ", " : "", last->source);
				free(over);
				over = more;
			}
			last = g;
		}
		if (!last) {
			setting(out, o->name, default_of(o), "default");
		} else if (!o->repeat) {
			_cleanup_free_ char *src = over ? nb_xasprintf("%s (over %s)", last->source, over) : NULL;
			setting(out, o->name, last->value ? last->value : "on", src ? src : last->source);
		}
		free(over);
	}
}

static void print_view(const struct nb_spec *spec, FILE *out)
{
	const struct nb_view *v = &spec->view;
	const char *home = spec->id.uid == 0 ? "/root" : getenv("HOME");
	int n = 1;

	fputs("\nThe filesystem view, in the order it is made:\n", out);
	fprintf(out, "  %2d. a fresh tmpfs as the new root, on which the rest is built\n", n++);
	if (v->empty_root) {
		/* bwrap's: nothing but what the options make. */
	} else if (v->rootfs) {
		fprintf(out, "  %2d. %s as the root, %s\n", n++, v->rootfs, v->read_only ? "read-only" : "read-write, nodev");
		fprintf(out, "  %2d. tmpfs at /tmp; /proc, /dev and /sys as below\n", n++);
	} else {
		fprintf(out, "  %2d. the host's /usr, /bin, /sbin, /lib*, /etc and /opt, read-only\n", n++);
		fprintf(out, "  %2d. tmpfs at /tmp, /var/tmp, /run and /home\n", n++);
		if (home && home[0] == '/' && strcmp(home, "/") != 0)
			fprintf(out, "  %2d. tmpfs at %s, empty, the command's own\n", n++, home);
	}
	if (!v->empty_root) {
		fprintf(out, "  %2d. a fresh /proc%s, a minimal /dev, %s\n", n++,
			spec->priv.allow_userns ? " (unmasked: --allow-userns)" : ", masked",
			spec->ns.shared & NB_NS_NET ? "the host's /sys, read-only" : "a fresh /sys, read-only");
		fprintf(out, "  %2d. /etc/passwd and /etc/group: a copy with your entry, if they lack one\n", n++);
	}
	if (v->bind_cwd)
		fprintf(out, "  %2d. --bind-cwd %s, read-write\n", n++, v->cwd ? v->cwd : ".");
	for (size_t i = 0; i < v->n_mounts; i++) {
		const struct nb_mount *m = &v->mounts[i];

		fprintf(out, "  %2d. %s ", n++, m->opt);
		if (m->kind == NB_MNT_OVERLAY) {
			for (size_t k = 0; k < m->n_lowers; k++)
				fprintf(out, "%s%s", k ? ":" : "", m->lowers[k]);
			fprintf(out, " at %s, writes to %s\n", m->dest, m->upper ? m->upper : "a tmpfs");
		} else if (m->src) {
			fprintf(out, "%s at %s\n", m->src, m->dest);
		} else {
			fprintf(out, "%s%s%s\n", m->dest, m->size ? ", size " : "", m->size ? m->size : "");
		}
	}
	if (v->empty_root)
		fprintf(out, "  %2d. pivot_root into it (writable, as bwrap's)\n", n);
	else
		fprintf(out, "  %2d. the root made read-only%s; pivot_root into it\n", n, v->rootfs ? " (default view only)" : "");
}

static void print_map(const char *what, const struct nb_idmap *m, FILE *out)
{
	fprintf(out, "  %s:", what);
	for (size_t i = 0; i < m->n; i++)
		fprintf(out, "%s %u %u %u", i ? "," : "", m->lines[i].inside, m->lines[i].outside, m->lines[i].count);
	fputc('\n', out);
}

static void print_plan(const struct nb_idplan *plan, bool keeper, FILE *out)
{
	fprintf(out, "\nId maps (%s):\n",
		plan->helper && keeper && !plan->custom
			? "made in the keeper's user namespace; newuidmap and newgidmap run only to start a keeper"
		: plan->helper ? "written by newuidmap and newgidmap"
		: plan->host_ids ? "the host's ids, written by nestbox as root"
				 : "single, written by nestbox");
	print_map("uid", &plan->uid, out);
	print_map("gid", &plan->gid, out);
	if (plan->fallback_why)
		fprintf(out, "  (single because %s)\n", plan->fallback_why);
}

static void print_rest(const struct nb_spec *spec, const struct nb_capset *caps, const char *leaf,
		       const char *no_leaf, FILE *out)
{
	static const char *const nets[] = { [NB_NET_NONE] = "none: only lo", [NB_NET_SLIRP] = "slirp4netns",
					    [NB_NET_HOST] = "the host's", [NB_NET_PASTA] = "pasta" };

	fprintf(out, "\nCapabilities of the command (as capsh --print shows them):\n");
	nb_caps_print(caps, spec->id.uid, out);
	fprintf(out, "\nSeccomp: %s%s%s\n", spec->priv.seccomp ? spec->priv.seccomp : "default (built in)",
		spec->priv.seccomp_log ? ", logging instead of denying" : "",
		spec->priv.allow_userns ? ", nested namespaces allowed" : "");
	fprintf(out, "Network: %s", nets[spec->net.mode]);
	for (size_t i = 0; i < spec->net.n_publish; i++)
		fprintf(out, "%s%s", i ? ", " : ", publishing ", spec->net.publish[i].text);
	if (no_leaf)
		fprintf(out, "\nCgroup: no leaf, so none of the limits (--cgroup=try): %s\n", no_leaf);
	else
		fprintf(out, "\nCgroup: %s%s\n", leaf ? "a leaf in " : "no leaf", leaf ? leaf : "");
	fputs("Command:", out);
	for (char *const *a = spec->proc.argv; a && *a; a++)
		fprintf(out, " %s", *a);
	fputc('\n', out);
}

int nb_dry_run(const struct nb_spec *spec, FILE *out, struct nb_err *err)
{
	struct nb_idplan plan = NB_IDPLAN_INIT;
	struct nb_slirp slirp = NB_SLIRP_INIT;
	struct nb_seccomp *filter = NULL;
	_cleanup_free_ char *leaf = NULL, *no_leaf = NULL;
	struct nb_capset caps;
	int rc = -1;

	print_settings(spec, out);
	print_view(spec, out);
	/* What nb_launch() checks before it makes anything. */
	if (nb_idmap_plan(&spec->id, &plan, err) < 0)
		goto out;
	print_plan(&plan, !spec->id.no_keeper && spec->ns.userns_fd < 0 && !spec->ns.share_user, out);
	if (nb_caps_resolve(&spec->priv, spec->id.uid, &caps, err) < 0 ||
	    nb_seccomp_prepare(&(struct nb_seccomp_opts){ .policy = spec->priv.seccomp,
							  .log = spec->priv.seccomp_log,
							  .allow_userns = spec->priv.allow_userns,
							  .bpf = spec->priv.bpf, .n_bpf = spec->priv.n_bpf },
			       &filter, err) < 0 ||
	    nb_slirp_prepare(&spec->net, &slirp, err) < 0 || nb_check_net_map(spec, &plan, err) < 0)
		goto out;
	if (nb_cgroup_check(&spec->limits, &leaf, err) < 0) {
		char why[sizeof err->msg + sizeof err->hint + 16];

		if (spec->limits.mode != NB_CG_TRY)
			goto out;
		nb_err_format(err, why, sizeof why);
		no_leaf = nb_xstrdup(why);
	}
	print_rest(spec, &caps, leaf, no_leaf, out);
	fputs("\nThe sandbox would start; --dry-run made nothing.\n", out);
	rc = 0;
out:
	fflush(out);
	nb_seccomp_free(filter);
	nb_slirp_release(&slirp);
	nb_idplan_release(&plan);
	return rc;
}
