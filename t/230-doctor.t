#!/bin/sh
# nestbox doctor: one line per check, "ok", "warn" or "FAIL", the check's
# name, what it found and, when something is wrong, what to do; --json says
# the same as one array. It exits 0 when a default sandbox works for the
# user, 1 when not, and 125 on bad usage.
. "$(dirname "$0")/lib/tap.sh"
require_user

# The lines go wherever nestbox sends output the user asked for: both
# streams are read, so the test does not depend on which.
run_doctor() {
	"$@" >"$T_TMP/doc" 2>&1 </dev/null
	RC=$?
	DOC=$(cat "$T_TMP/doc")
}
line_of() { printf '%s\n' "$DOC" | grep -E "^(ok|warn|FAIL) +$1: "; }

run_doctor "$NESTBOX" doctor
exit_is 0 "a default sandbox works here: exit 0"
bad=$(printf '%s\n' "$DOC" | grep -Evc '^(ok    |warn  |FAIL  )[a-z0-9_-]+: .')
is "$bad" 0 "every line is ok/warn/FAIL, a check name, a colon and a detail" "$DOC"
n_text=$(printf '%s\n' "$DOC" | wc -l)
[ "$n_text" -ge 15 ]
ok $? "all the checks report ($n_text lines)"
missing=
for c in kernel namespaces max_user_namespaces unprivileged_userns_clone apparmor subuid subgid \
	newuidmap newgidmap slirp4netns tun cgroups cgroup-delegation seccomp landlock runtime-dir \
	run run-map-single run-overlay; do
	[ -n "$(line_of "$c")" ] || missing="$missing $c"
done
is "$missing" "" "every check has its line" "$DOC"
like "$(line_of run)" "^ok +run: 'nestbox run --no-keeper -- true' works" "the default trial sandbox ran"
nofix=$(printf '%s\n' "$DOC" | grep -E '^(warn|FAIL)' | grep -vc '(fix: .*)$')
is "$nofix" 0 "each warning and failure ends with what to do"

# The subordinate ranges, as /etc/subuid gives them to this user.
ids=$(awk -F: -v u="$(id -un)" -v i="$(id -u)" '$1 == u || $1 == i { s += $3 } END { print s + 0 }' /etc/subuid)
if [ "$ids" -gt 0 ]; then
	like "$(line_of subuid)" "^(ok|warn) +subuid: $(id -un) has .*: $ids ids" "the subuid check counts the range ($ids ids)"
else
	like "$(line_of subuid)" "^warn +subuid: .*falls back to a single-id map \\(fix: as root: usermod --add-subuids" \
		"without a range: a warning, the fallback and the usermod fix"
fi

# This kind of host keeps its controllers in cgroup v1 (kernel-facts.md).
if [ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] && [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
	like "$(line_of cgroups)" "^warn +cgroups: hybrid .*limits \\(--memory, --cpus, --pids, --io-max\\) cannot be enforced.*\\(fix: boot with systemd.unified_cgroup_hierarchy=1" \
		"hybrid cgroups: a warning that limits cannot be enforced, and the fix"
elif [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
	like "$(line_of cgroups)" "^ok +cgroups: unified" "pure cgroup v2: ok"
else
	like "$(line_of cgroups)" "^warn +cgroups: legacy" "cgroup v1 only: a warning"
fi

# --json: the same checks and statuses, in the same order, as one array.
text=$(printf '%s\n' "$DOC" | sed -E 's/^(ok|warn|FAIL) +([^:]+): .*/\1 \2/' | tr 'A-Z' 'a-z')
run_doctor "$NESTBOX" doctor --json
exit_is 0 "--json: exit 0 too"
if command -v python3 >/dev/null; then
	json=$(printf '%s\n' "$DOC" | python3 -c '
import json, sys
for o in json.load(sys.stdin):
    assert set(o) == {"check", "status", "detail", "fix"}, o
    assert o["status"] in ("ok", "warn", "fail"), o
    assert (o["fix"] is None) == (o["status"] == "ok"), o
    print(o["status"], o["check"])')
	ok $? "--json parses: objects with check, status, detail and fix (null when ok)"
	is "$json" "$text" "--json has one object per text line, with the same status"
else
	skip "no python3 to parse JSON" 2
fi

# Bad usage: one error line and 125, nothing else.
run_nb doctor --jsn
is "$RC:$(printf '%s\n' "$ERR" | wc -l):$OUT" "125:1:" "an unknown option: exit 125, one line on stderr, nothing on stdout"
like "$ERR" "^nestbox: doctor: unknown option '--jsn' \\(hint: did you mean '--json'\\?\\)" "and it names the option and the closest one"
run_nb doctor extra
is "$RC" 125 "an argument: exit 125"
run_nb doctor --help
is "$RC:$ERR" "0:" "--help: exit 0, nothing on stderr"
like "$OUT" "^Usage: nestbox doctor \\[--json\\]" "and the usage"

# A broken host: a newuidmap without privilege first in PATH, and a
# slirp4netns that hangs. The hung one is killed with its children.
mark=$((7700000000 + $$))
mkdir "$T_TMP/fake"
printf '#!/bin/sh\nexit 1\n' >"$T_TMP/fake/newuidmap"
printf '#!/bin/sh\nsleep %s\n' "$mark" >"$T_TMP/fake/slirp4netns"
chmod 0755 "$T_TMP/fake/newuidmap" "$T_TMP/fake/slirp4netns"
run_doctor env PATH="$T_TMP/fake:$PATH" "$NESTBOX" doctor
like "$(line_of newuidmap)" "^(FAIL|warn) +newuidmap: $T_TMP/fake/newuidmap is neither setuid root nor has file capabilities" \
	"a newuidmap that is not setuid: named, and flagged"
like "$(line_of newuidmap)" "\\(fix: as root: apt-get install --reinstall uidmap" "with the fix"
like "$(line_of slirp4netns)" "^warn +slirp4netns: .*--version failed \\(it hung, and was killed\\)" "a hung slirp4netns is killed and reported"
is "$(ps -u "$(id -u)" -o args= | grep -c "^sleep $mark")" 0 "nothing it started is left running"
if have_subids; then
	is "$RC" 1 "with ranges, the broken helper breaks the default run: exit 1"
	like "$(line_of run)" "^FAIL +run: 'nestbox run --no-keeper -- true' failed \\(exit 125\\): .*newuidmap" "and the run line says why"
else
	skip "no subordinate range: the default run does not use newuidmap" 2
fi

# XDG_RUNTIME_DIR: where the sockets go.
mkdir -m 0755 "$T_TMP/rt"
run_doctor env XDG_RUNTIME_DIR="$T_TMP/rt" "$NESTBOX" doctor
like "$(line_of runtime-dir)" "^FAIL +runtime-dir: XDG_RUNTIME_DIR=$T_TMP/rt is a directory, owner uid $(id -u), mode 0755" \
	"an XDG_RUNTIME_DIR others can enter fails"
chmod 0700 "$T_TMP/rt"
run_doctor env XDG_RUNTIME_DIR="$T_TMP/rt" "$NESTBOX" doctor
like "$(line_of runtime-dir)" "^ok +runtime-dir: $T_TMP/rt is yours, mode 0700" "a 0700 one of yours is ok"
run_doctor env -u XDG_RUNTIME_DIR "$NESTBOX" doctor
like "$(line_of runtime-dir)" "^warn +runtime-dir: XDG_RUNTIME_DIR is not set: state and sockets go to /tmp/nestbox-$(id -u)" \
	"unset: a warning saying where things go instead"
done_testing
