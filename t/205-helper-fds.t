#!/bin/sh
# Each program nestbox starts gets only the descriptors it needs, never one
# of the caller's: newuidmap, newgidmap and slirp4netns (through wrappers
# first in PATH that record their descriptors, then exec the real one), and
# tar under nestbox import (seen in /proc while it waits for its input).
. "$(dirname "$0")/lib/tap.sh"
require_user

spy=$(cd "$(dirname "$0")" && pwd)/lib/fdspy
[ -x "$spy" ] || skip_all "t/lib/fdspy is not built (make check builds it)"
wrap=$T_TMP/wrap
mkdir -p "$wrap"
for h in newuidmap newgidmap slirp4netns; do
	ln -s "$spy" "$wrap/$h"
done
export FDSPY_DIR="$T_TMP"
secret=$T_TMP/callers-secret
# fds(HELPER): what it held, one "N target" line each.
fds() { cat "$T_TMP/$1.fds" 2>/dev/null; }

exec 9>"$secret"
if have_subids; then
	# nestbox's own stdin is the secret too: the helpers must not get it.
	FDSPY_REAL=$(dirname "$(command -v newuidmap)") PATH="$wrap:$PATH" "$NESTBOX" run --no-keeper -- true <"$secret" >/dev/null 2>&1
	is "$?" 0 "a sandbox starts through the wrapped id-map helpers"
	for h in newuidmap newgidmap; do
		unlike "$(fds $h)" "callers-secret" "$h does not get the caller's fd 9"
		is "$(fds $h | cut -d' ' -f1 | tr '\n' ' ')" "0 1 2 " "$h gets only 0, 1 and 2"
		like "$(fds $h | grep '^0 ')" "^0 /dev/null$" "$h's stdin is /dev/null, not the caller's"
	done
else
	skip "$(id -un) has no subordinate range: no id-map helper runs" 8
fi

if command -v slirp4netns >/dev/null && [ -w /dev/net/tun ]; then
	for ports in "" "-p 0:80"; do
		FDSPY_REAL=$(dirname "$(command -v slirp4netns)") PATH="$wrap:$PATH" "$NESTBOX" run --no-keeper --net=slirp $ports -- true <"$secret" >/dev/null 2>&1
		is "$?" 0 "a sandbox with --net=slirp $ports starts through the wrapped slirp4netns"
		unlike "$(fds slirp4netns)" "callers-secret" "slirp4netns ($ports) does not get the caller's fd 9"
		is "$(fds slirp4netns | cut -d' ' -f1 | tr '\n' ' ')" "0 1 2 3 4 " "slirp4netns ($ports) gets only 0-2, its exit fd and its ready fd"
	done
else
	skip "slirp4netns or a usable /dev/net/tun is missing" 6
fi

if have_subids; then
	mkdir -p "$T_TMP/src/etc" && echo x >"$T_TMP/src/etc/f"
	tar -C "$T_TMP/src" -cf "$T_TMP/img.tar" .
	# tar waits on its input until the sleep is over.
	(sleep 3; cat "$T_TMP/img.tar") | "$NESTBOX" import - "$T_TMP/dest" 2>/dev/null &
	i=0 tarpid=
	while [ -z "$tarpid" ] && [ $i -lt 100 ]; do
		tarpid=$(pgrep -u "$(id -u)" -x tar | head -n 1)
		sleep 0.05; i=$((i + 1))
	done
	held=$(ls -l /proc/"$tarpid"/fd 2>/dev/null)
	wait
	isnt "$tarpid" "" "tar runs under nestbox import"
	unlike "$held" "callers-secret" "tar does not get the caller's fd 9"
	is "$(cat "$T_TMP/dest/etc/f" 2>/dev/null)" x "and the import completes"
else
	skip "$(id -un) has no subordinate range: no import" 3
fi
exec 9>&-
done_testing
