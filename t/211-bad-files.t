#!/bin/sh
# Every file nestbox reads from the user (a profile, a seccomp policy, an
# image, a --file source) is checked to be a regular file before anything
# could block on it, and size-capped: a bad one is exit 125 and one line,
# never a hang, never a silent success.
. "$(dirname "$0")/lib/tap.sh"
require_user

# bounded ARGS...: run_nb, killed after 20 s.
bounded() { _capture timeout -s KILL 20 "$NESTBOX" "$@"; }
one_line() { [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] && case $ERR in nestbox:*) true ;; *) false ;; esac; }
refused() {
	what=$1; shift
	bounded "$@"
	if [ "$RC" -eq 137 ]; then fail "$what: nestbox hung"; return; fi
	is "$RC" 125 "$what: exit 125" "$ERR"
	one_line
	ok $? "$what: one line: $ERR"
}

mkfifo "$T_TMP/fifo"
mkdir "$T_TMP/dir"
refused "--profile /dev/zero" run --profile /dev/zero -- true
like "$ERR" "character device" "it says what /dev/zero is"
refused "--profile on a FIFO" run --profile "$T_TMP/fifo" -- true
like "$ERR" "FIFO" "it says it is a FIFO"
refused "--profile on a directory" run --profile "$T_TMP/dir" -- true
refused "--seccomp on a FIFO" run --seccomp "$T_TMP/fifo" -- true
refused "--file from a FIFO" run --file "$T_TMP/fifo:/x" -- true
refused "--file from /dev/zero" run --file /dev/zero:/x -- true
refused "import of a FIFO" import "$T_TMP/fifo" "$T_TMP/dest"

# A NUL byte in a profile value would cut the value short, silently.
printf 'hostname = box\0evil\n' >"$T_TMP/nul.ini"
refused "a profile with a NUL byte" run --profile "$T_TMP/nul.ini" -- true
like "$ERR" "nul.ini:1:" "the message names FILE:LINE"

# A newline in a path must not split the message in two.
refused "a path with a newline" run --bind "$T_TMP/no
such" -- true
like "$ERR" 'no\\nsuch' "the newline is quoted in the message"
done_testing
