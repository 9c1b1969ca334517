#!/bin/sh
# A terminal of the sandbox's own (issue 13): with stdin and stdout on a
# terminal the payload leads a pty from the sandbox's devpts, and nestbox
# relays to it with the caller's terminal raw. t/lib/ptydrive.py drives a
# real pty as a user would: job control, the window size, the terminal
# restored on every way out, exit codes, bytes through the relay exactly;
# and a pipe never gets a pty.
. "$(dirname "$0")/lib/tap.sh"
require_user
command -v python3 >/dev/null || skip_all "python3 drives the pty (apt-get install python3)"
drive=$(cd "$(dirname "$0")" && pwd)/lib/ptydrive.py
d() { python3 "$drive" "$NESTBOX" "$1" 2>&1; }
field() { printf '%s\n' "$OUT" | sed -n "s/^$1: //p"; }

OUT=$(d jobs)
is "$(field tty)" /dev/pts/0 "tty inside shows the sandbox's own /dev/pts/0" "$OUT"
is "$(field ctrl-c)" 130 "^C interrupts the foreground job inside (130), not nestbox" "$OUT"
is "$(field ctrl-z)" True "^Z stops the job inside" "$OUT"
like "$(field jobs)" '^\[1\]\+ +Stopped' "jobs lists it as stopped, and the shell goes on" "$OUT"
is "$(field fg)" 130 "fg brings it back, and ^C ends it" "$OUT"
is "$(field exit)" 7 "the shell's exit status is nestbox's" "$OUT"
is "$(field restored)" True "the caller's terminal settings are restored" "$OUT"

OUT=$(d winsize)
is "$(field size)" "33 101" "the window size is the caller's at start" "$OUT"
is "$(field winch)" True "a new size reaches the payload as SIGWINCH" "$OUT"
is "$(field new-size)" "44 120" "and the pty takes the new size" "$OUT"
is "$(field restored)" True "the terminal is restored after a resize" "$OUT"

OUT=$(d exits)
is "$(field exit-3)" "3 restored" "exit 3: status 3, terminal restored" "$OUT"
is "$(field killed)" "137 restored" "a payload killed by SIGKILL: 137, terminal restored" "$OUT"
is "$(field not-found)" "127 restored" "a command not found: 127, terminal restored" "$OUT"
is "$(field bad-chdir)" "125 restored" "nestbox failing once the pty is up: 125, terminal restored" "$OUT"

OUT=$(d binary)
is "$(field binary)" exact "all 256 byte values go through the relay and back exactly" "$OUT"
is "$(field restored)" True "and the terminal is restored" "$OUT"

OUT=$(d output)
is "$(field lines)" "0 20000 True" "none of a fast writer's output is lost at its exit" "$OUT"

OUT=$(d pipe)
is "$(field pipe-in)" "1 not a tty" "stdin from a pipe: no pty, even on a terminal" "$OUT"
is "$(field never)" "1 not a tty" "--tty=never: no pty" "$OUT"

OUT=$(d sti)
is "$(field sti-default)" "0 sti-refused 1 queued=0" "TIOCSTI is refused by the default filter (EPERM)" "$OUT"
is "$(field sti-unconfined)" "0 sti-ok queued=0" "unconfined, it reaches only the sandbox's own pty: nothing is queued on the caller's" "$OUT"

# Outside any terminal.
run_nb run -- tty </dev/null
is "$RC:$OUT" "1:not a tty" "no terminal at all: no pty"
OUT=$(echo data | "$NESTBOX" run -- sh -c 'tty; cat' 2>&1 | cat)
is "$OUT" "not a tty
data" "nestbox run -- cmd < file | other: no pty, bytes as they are"
head -c 300000 /dev/urandom >"$T_TMP/in"
OUT=$("$NESTBOX" run -- cat <"$T_TMP/in" | cmp - "$T_TMP/in" 2>&1 && echo same)
is "$OUT" same "binary data through a pipe is untouched"
OUT=$(printf 'abc' | "$NESTBOX" run -t -- sh -c 'tty; cat >/dev/null; echo end' 2>&1 | tr -d '\r')
like "$OUT" "/dev/pts/0" "-t forces a pty on a pipe"
like "$OUT" "end\$" "and the end of the piped input reaches the payload as EOF"
run_nb run --tty=sometimes -- true
is "$RC:$ERR" "125:nestbox: --tty: unknown mode 'sometimes' (hint: use --tty=auto, always or never (-t is always))" "a bad --tty mode"
run_nb run -t --no-new-session -- true
like "$RC:$ERR" "^125:nestbox: --tty=always and --no-new-session contradict each other" "-t with --no-new-session is refused"

# --json-status-fd 1, for | jq (issue 13, "Also").
OUT=$("$NESTBOX" run --json-status-fd 1 -- sh -c 'exit 3' | tail -n 1)
is "$OUT" '{"exit-code": 3}' "--json-status-fd 1 writes the status to standard output"
run_nb run --json-status-fd 0 -- true
like "$RC:$ERR" "^125:nestbox: --json-status-fd: '0' is not an open file descriptor to write to" "but not to standard input"
done_testing
