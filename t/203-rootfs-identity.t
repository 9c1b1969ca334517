#!/bin/sh
# A hostile --rootfs decides what its /etc/passwd and /etc/group are.
# nestbox reads them to add the sandbox's user, so each must be a regular
# file of sane size, reached without a symbolic link out of /etc: a run
# either fails with exit 125 and one clear line, or runs with a generated
# file. It never hangs, never reads the terminal, never shows what a link
# pointed to, and never overflows a buffer.
. "$(dirname "$0")/lib/tap.sh"
require_user
base=$T_TMP/base
sh "$(dirname "$0")/lib/mkrootfs" "$base" || skip_all "busybox-static is not installed (apt-get install busybox-static)"

# variant NAME: a fresh copy of the rootfs in $root.
variant() { root=$T_TMP/$1; cp -a "$base" "$root"; }
# run_root ARGS...: cat both files inside, bounded in time.
run_root() {
	OUT=$(timeout -s KILL 20 "$NESTBOX" run --rootfs "$root" "$@" -- cat /etc/passwd /etc/group 2>"$T_TMP/err" </dev/null)
	RC=$?
	ERR=$(cat "$T_TMP/err")
}
# judged NAME PATTERN: exit 125 with one nestbox line, or a run whose
# output does not match PATTERN (what the link pointed to).
judged() {
	case $RC in
	137) fail "$1: nestbox hung (killed after 20 s)" ;;
	125) is "$(printf '%s\n' "$ERR" | wc -l) $(printf '%s' "$ERR" | cut -c1-8)" "1 nestbox:" "$1: refused with one line: $ERR" ;;
	0) unlike "$OUT" "$2" "$1: ran with a generated file, not the link's target" ;;
	*) fail "$1: exit $RC" "$ERR" ;;
	esac
}

variant fifo
rm "$root/etc/passwd"
mkfifo "$root/etc/passwd"
run_root
judged "/etc/passwd a FIFO" "^$"
like "$ERR" "/etc/passwd.*(FIFO|not a regular file)" "the message says what the file is"

variant maps
ln -sf /proc/self/maps "$root/etc/passwd"
run_root
judged "/etc/passwd -> /proc/self/maps" "r-xp|rw-p|\\[stack\\]"

variant environ
ln -sf /proc/self/environ "$root/etc/group"
OUT=$(env -i NB_SECRET=leaked-by-environ /usr/bin/timeout -s KILL 20 "$NESTBOX" run --clearenv --env PATH=/bin --rootfs "$root" -- sh -c "cat /etc/group; cat /proc/1/environ" 2>"$T_TMP/err" </dev/null)
RC=$? ERR=$(cat "$T_TMP/err")
judged "/etc/group -> /proc/self/environ, with --clearenv" "leaked-by-environ"

variant devnull
ln -sf /dev/zero "$root/etc/passwd"
run_root
judged "/etc/passwd -> /dev/zero" "^$"

variant outside
ln -sf ../../../../../../../../etc/passwd "$root/etc/passwd"
run_root
judged "/etc/passwd -> ../../../etc/passwd (out of the rootfs)" "^$(id -un):x:$(id -u):"

# The terminal: under a pty, a link to /dev/tty would read what the user
# types until Ctrl-D.
if command -v script >/dev/null; then
	variant tty
	ln -sf /dev/tty "$root/etc/passwd"
	out=$(printf 'typed-secret\n' | timeout -s KILL 20 script -qec "$NESTBOX run --rootfs $root -- cat /etc/passwd" /dev/null 2>&1)
	rc=$?
	isnt "$rc" 137 "/etc/passwd -> /dev/tty under a terminal: no hang"
	unlike "$out" "typed-secret.*typed-secret" "what the user typed never reaches the payload"
else
	skip "script (util-linux) is not installed: no pty" 2
fi

# Big, with no final newline, and a long HOME: the added line must fit.
variant big
head -c 1048576 /dev/zero | tr '\0' 'a' >"$root/etc/passwd"
long=/$(head -c 600 /dev/zero | tr '\0' 'h')
OUT=$(env HOME="$long" timeout -s KILL 20 "$NESTBOX" run --rootfs "$root" -- sh -c 'tail -c 700 /etc/passwd' 2>"$T_TMP/err" </dev/null)
RC=$? ERR=$(cat "$T_TMP/err")
is "$RC" 0 "a 1 MiB /etc/passwd without a final newline and a 600-character HOME" "$ERR"
like "$OUT" "^$(id -un):x:$(id -u):$(id -g):nestbox:$long:/bin/sh$" "the user's line is added whole, after a newline"

variant huge
head -c 9000000 /dev/zero | tr '\0' 'a' >"$root/etc/passwd"
run_root
judged "a 9 MB /etc/passwd" "^$"

# A link that stays in /etc is not followed either: the file is replaced
# only where it is a regular file.
variant inside
mv "$root/etc/passwd" "$root/etc/passwd.real"
ln -s passwd.real "$root/etc/passwd"
run_root
judged "/etc/passwd -> passwd.real" "^$"

# The ordinary case still works.
variant plain
run_root
is "$RC" 0 "a plain rootfs runs"
like "$OUT" "^$(id -un):x:$(id -u):" "and gets the user's line"
done_testing
