#!/bin/sh
# The mount options, applied in order, and their safety: recursive binds,
# nosuid/nodev/ro on every submount, destinations that cannot escape.
. "$(dirname "$0")/lib/tap.sh"
require_user

d=$T_TMP
mkdir -p "$d/src/sub" && echo hello >"$d/src/sub/f"

# --- binds
run_nb run --bind "$d/src:/data" -- sh -c 'cat /data/sub/f; echo new >/data/made'
is "$OUT" hello "--bind shows the host directory"
is "$(cat "$d/src/made")" new "--bind is read-write"
run_nb run --ro-bind "$d/src:/data" -- sh -c '(echo x >/data/made) 2>&1'
like "$OUT" "Read-only file system" "--ro-bind is read-only: EROFS"
run_nb run --ro-bind /dev:/hostdev -- awk '$5 ~ /^\/hostdev/ { print $6 }' /proc/self/mountinfo
is "$(echo "$OUT" | grep -vc '^ro,nosuid,nodev')" 0 "read-only, nosuid and nodev reach every submount"
isnt "$(echo "$OUT" | wc -l)" 1 "and the bind is recursive (submounts are there)"
run_nb run --bind /dev:/hostdev -- sh -c 'head -c 1 /hostdev/zero >/dev/null 2>&1 && echo open || echo refused'
is "$OUT" refused "--bind makes device nodes unusable (nodev)"
run_nb run --dev-bind /dev:/hostdev -- sh -c 'head -c 1 /hostdev/zero | wc -c'
is "$OUT" 1 "--dev-bind keeps them usable"
run_nb run --ro-bind "$d/src/sub/f" -- cat "$d/src/sub/f"
is "$OUT" hello "DEST defaults to SRC, and files can be bound"

run_nb run --bind "$d/nope:/x" -- true
exit_is 125 "a missing source: exit 125"
like "$ERR" "^nestbox: --bind $d/nope: No such file or directory \(hint: .*-try" "naming the option and the path"
run_nb run --bind-try "$d/nope:/x" -- sh -c 'test -e /x || echo skipped'
is "$OUT" skipped "--bind-try skips a missing source"
run_nb run --bind "$d/src:/usr/nb-new" -- true
exit_is 125 "a destination that cannot be created: exit 125"
like "$ERR" "^nestbox: --bind: cannot create /usr/nb-new in the sandbox: Read-only file system" "naming the path"
run_nb run --bind "$d/src:/a/../etc" -- true
exit_is 125 "a destination with .. is refused"
like "$ERR" "destination '/a/../etc' contains '..'" "with the reason"
is "$(live_inits)" "" "failed set-ups leave no process behind"

# --- order
run_nb run --tmpfs /a --bind "$d/src:/a/b" -- cat /a/b/sub/f
is "$OUT" hello "a bind inside a tmpfs made before it shows"
run_nb run --bind "$d/src:/a/b" --tmpfs /a -- sh -c 'ls -A /a | wc -l'
is "$OUT" 0 "a tmpfs made after a bind hides it: options apply in order"

# --- tmpfs, proc, dev, dir, symlink, file
run_nb run --tmpfs /t:size=1m,mode=700 -- sh -c 'stat -c %a /t; head -c 2000000 /dev/zero >/t/big 2>/dev/null; wc -c </t/big'
is "$(echo $OUT)" "700 1048576" "--tmpfs takes mode and size"
run_nb run --tmpfs /t:color=red -- true
exit_is 125 "--tmpfs with an unknown option is refused"
run_nb run --proc /p2 --dev /d2 -- sh -c 'test -e /p2/self/status && test -c /d2/null && echo ok'
is "$OUT" ok "--proc and --dev mount a proc and a minimal /dev"
run_nb run --dir /x/y:700 -- stat -c %a /x/y
is "$OUT" 700 "--dir creates a directory with a mode"
run_nb run --symlink usr/bin:/ub -- readlink /ub
is "$OUT" usr/bin "--symlink creates a link"
run_nb run --file /etc/hostname:/tmp/h -- sh -c 'cat /tmp/h; echo changed >/tmp/h'
is "$OUT" "$(cat /etc/hostname)" "--file copies a host file's content"
is "$(cat /etc/hostname)" "$OUT" "and the host file is untouched"
run_nb run --remount-ro /tmp -- sh -c 'touch /tmp/x 2>&1'
like "$OUT" "Read-only file system" "--remount-ro makes a path read-only"
run_nb run --mask /etc/hostname --mask /usr/share -- sh -c 'wc -c </etc/hostname; ls -A /usr/share | wc -l'
is "$(echo $OUT)" "0 0" "--mask hides a file and a directory"
run_nb run --mask /no/such -- true
exit_is 125 "--mask of a missing path is an error"

# --- overlay
mkdir -p "$d/low" "$d/up" "$d/wk" && echo base >"$d/low/f"
run_nb run --overlay "$d/low:/o" --overlay-upper "$d/up" --overlay-work "$d/wk" -- \
	sh -c 'cat /o/f; echo top >/o/f; echo n >/o/new'
if [ "$RC" -eq 0 ]; then
	is "$OUT" base "--overlay shows the lower directory"
	is "$(cat "$d/up/f") $(cat "$d/up/new")" "top n" "writes land in the upper directory"
	is "$(cat "$d/low/f")" base "and the lower one is untouched"
	run_nb run --overlay "$d/low:/o" -- sh -c 'echo t >/o/f && cat /o/f'
	is "$OUT" t "without an upper, writes go to a tmpfs"
	is "$(cat "$d/low/f")" base "which leaves the lower untouched"
else
	skip "unprivileged overlayfs refused here: $ERR" 5
fi
run_nb run --overlay "$d/low:/o" --overlay-upper "$d/up" -- true
exit_is 125 "--overlay-upper without --overlay-work is refused"
run_nb run --overlay "$d/nolow:/o" -- true
exit_is 125 "an overlay with a missing lower is an error"

# --- a symlink planted at a destination stays inside the new root
root=$d/root
sh "$(dirname "$0")/lib/mkrootfs" "$root" || mkdir -p "$root/etc" "$root/tmp"
ln -s "$d/outside" "$root/planted"
ln -s ../../../../../../../../.. "$root/up"
mkdir "$d/outside"
run_nb run --rootfs "$root" --tmpfs /planted/x -- true
exit_is 125 "a destination through a symlink to a host path is refused"
like "$ERR" "^nestbox: --tmpfs: /planted in the sandbox: No such file or directory" "it resolves inside the new root, where that target does not exist"
is "$(ls -A "$d/outside")" "" "the symlink's host target is untouched"
run_nb run --rootfs "$root" --tmpfs /up/escaped -- /bin/busybox ls -d /escaped
if [ -x "$root/bin/busybox" ]; then
	is "$RC:$OUT" "0:/escaped" "a symlink climbing with .. stops at the new root"
else
	skip "busybox-static is not installed"
fi
test -e /escaped
isnt $? 0 "and nothing appears on the host"

# The kernel refuses a walk of ".." that any rename or mount on the
# machine raced (EAGAIN), and asks for another try: another sandbox
# starting is enough. With renames churning beside them, no run may fail.
churn=$(cd "$(dirname "$0")" && pwd)/lib/churn
tries=${NB_RACE_TRIES:-500}
if [ -x "$root/bin/busybox" ] && [ -x "$churn" ]; then
	mkdir -p "$d/churn"
	"$churn" "$d/churn" 600 &
	cpid=$!
	fails=0 i=0 why=
	while [ $i -lt "$tries" ]; do
		i=$((i + 1))
		out=$("$NESTBOX" run --rootfs "$root" --tmpfs /up/escaped -- /bin/busybox ls -d /escaped 2>"$d/churn.err" </dev/null)
		[ "$?:$out" = "0:/escaped" ] || { fails=$((fails + 1)); why=$(cat "$d/churn.err"); }
	done
	kill "$cpid"
	wait "$cpid" 2>/dev/null
	is "$fails" 0 "$tries runs beside a storm of renames: a destination through '..' always resolves" "$why"
else
	skip "busybox-static or t/lib/churn is missing" 1
fi

done_testing
