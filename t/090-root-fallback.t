#!/bin/sh
# A user without subordinate ranges gets the single map and one line that
# says why and what is lost; real root needs none. Needs root to run as
# that user.
. "$(dirname "$0")/lib/tap.sh"
require_root
id nbnosub >/dev/null 2>&1 || skip_all "make check provisions the user nbnosub"

out=$(as_user nbnosub "$NESTBOX" run -- sh -c 'id -u; cat /proc/self/setgroups' 2>"$T_TMP/err")
rc=$?
err=$(cat "$T_TMP/err")
is "$rc" 0 "a user without a range can still run"
is "$out" "$(id -u nbnosub)
deny" "with the single map"
like "$err" "^nestbox: warning: using a single-id map because no subordinate uid range for nbnosub in /etc/subuid: only uid $(id -u nbnosub) and gid $(id -g nbnosub) exist inside, setgroups is denied" "the warning says why and what is lost"
is "$(echo "$err" | wc -l)" 1 "in one line"

out=$(as_user nbnosub "$NESTBOX" run --map=single -- true 2>&1)
is "$out" "" "--map=single asks for it: no warning"
out=$(as_user nbnosub "$NESTBOX" run --uid-map "0:100000:10" -- true 2>&1)
like "$out" "^nestbox: --uid-map 0:100000:10: host uids 100000-100009 are not yours" "a custom map beyond the user's ids is refused"


# Real root needs no range (issue 16, item 1): it may write any map, and
# without a line of its own in /etc/subuid the sandbox sees the host's ids
# one to one, with no warning. Its capabilities still end at the user
# namespace.
if grep -Eq '^(root|0):' /etc/subuid /etc/subgid 2>/dev/null; then
	skip "root has a subordinate range here, which is used instead" 4
else
	out=$("$NESTBOX" run --root -- sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups' 2>"$T_TMP/err")
	is "$?:$(echo $out)" "0:0 0 4294967295 0 0 4294967295 allow" "root without a range: the host's ids, 1:1, setgroups allowed"
	is "$(cat "$T_TMP/err")" "" "and no warning about a range root does not need"
	out=$("$NESTBOX" run --root -- sh -c 'grep CapEff /proc/self/status; mount -t tmpfs none /mnt 2>&1 >/dev/null || echo refused')
	like "$out" "refused" "root inside still cannot mount: the default seccomp policy and the user namespace hold"
	"$NESTBOX" run --root --ro-bind /etc/shadow -- sh -c 'echo x >>/etc/shadow' 2>/dev/null
	isnt "$?" 0 "a read-only bind of a root-owned file stays read-only"
fi
done_testing
