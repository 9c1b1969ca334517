#!/bin/sh
# A user without subordinate ranges gets the single map and one line that
# says why and what is lost. Needs root to run as that user.
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

done_testing
