#!/bin/sh
# Two users' sandboxes stay apart (issue 13): each has its own state
# directory, sees only its own in ps, and cannot exec into, stop or kill
# the other's, even by its exact id. Root: it runs the two test accounts.
. "$(dirname "$0")/lib/tap.sh"
require_root
id nbtest >/dev/null 2>&1 && id nbnosub >/dev/null 2>&1 || skip_all "make check provisions the users nbtest and nbnosub"
tag=t233-$$
as() { u=$1; shift; (cd / && runuser -u "$u" -- env -u XDG_RUNTIME_DIR "$NESTBOX" "$@"); }

(cd / && runuser -u nbtest -- env -u XDG_RUNTIME_DIR "$NESTBOX" run --name "$tag" -- sleep 600 >/dev/null 2>&1) &
bg=$!
i=0
until as nbtest ps | grep -q " $tag "; do
	[ $i -lt 600 ] || break
	sleep 0.1
	i=$((i + 1))
done
id=$(as nbtest ps | awk -v n="$tag" '$2 == n { print $1 }')
like "$id" '^[0-9a-f]{12}$' "nbtest's sandbox runs"
is "$(as nbnosub ps | grep -c " $tag ")" 0 "nbnosub's ps does not list it"
for cmd in "exec $tag -- true" "exec $id -- true" "stop $id" "kill $tag"; do
	out=$(as nbnosub $cmd 2>&1)
	rc=$?
	like "$rc:$out" "^125:nestbox: no sandbox of yours is named '[^']*' or has that id" "nbnosub: $cmd is refused"
done
out=$(as nbnosub run --map=single --name "$tag" -- hostname 2>&1)
is "$?:$out" "0:$tag" "nbnosub may use the same name for its own"
u1=$(id -u nbtest)
is "$(stat -c '%U %a' "/tmp/nestbox-$u1" "/tmp/nestbox-$u1/sandboxes" | sort -u)" "nbtest 700" "each user's state directory is private and its own"
is "$(as nbtest ps | grep -c " $tag ")" 1 "nbtest's sandbox is untouched"
as nbtest stop "$tag" >/dev/null
wait $bg
is "$?" 143 "and its owner can stop it"
done_testing
