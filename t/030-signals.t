#!/bin/sh
# Signals sent to nestbox reach the payload, through nestbox's init.
. "$(dirname "$0")/lib/tap.sh"
require_user

log=$T_TMP/log
# A background job of a non-interactive shell ignores SIGINT and SIGQUIT;
# perl restores them so nestbox starts as it would from a terminal.
# The log is emptied here, not by the job's redirection: that runs in the
# background, and wait_for could meanwhile see the last run's "ready".
start() {
	: >"$log"
	perl -e '$SIG{INT} = $SIG{QUIT} = "DEFAULT"; exec @ARGV' "$NESTBOX" run "$@" >>"$log" 2>&1 &
	nb=$!
}
payload='for s in INT HUP QUIT USR1 USR2 WINCH; do trap "echo got $s" $s; done
trap "echo got TERM; exit 3" TERM
echo ready
while :; do sleep 0.05; done'

start -- sh -c "$payload"
if wait_for "$log" ready; then
	for s in INT HUP QUIT USR1 USR2 WINCH; do
		kill -s $s $nb
		wait_for "$log" "got $s"
		ok $? "SIG$s is forwarded to the payload"
	done
	kill -s TERM $nb
	wait $nb
	is $? 3 "SIGTERM is forwarded; nestbox exits with the payload's status"
else
	fail "the payload did not start" "$(cat "$log")"
fi

# A payload that does not catch the signal dies of it: 128+N.
start -- sh -c 'echo ready; exec sleep 60'
wait_for "$log" ready && sleep 0.1
kill -s TERM $nb
wait $nb
is $? 143 "a payload killed by SIGTERM gives 128+15"

start --as-pid-1 -- sh -c 'trap "echo got USR1; exit 5" USR1; echo ready; while :; do sleep 0.05; done'
wait_for "$log" ready || diag "the payload did not start: $(cat "$log")"
kill -s USR1 $nb
wait $nb
is $? 5 "--as-pid-1: the signal goes straight to the payload"

# --die-with-parent (the default): killing nestbox kills the sandbox.
# The end gets as long as wait_for gives the start, 60 s (the payload
# would sleep longer). A zombie counts as gone (running, in t/lib/tap.sh).
start -- sh -c 'echo ready; exec sleep 600'
if wait_for "$log" ready; then
	init=$(pgrep -P $nb | head -n 1)
	pay=$( [ -n "$init" ] && pgrep -P "$init" | head -n 1)
	kill -s KILL $nb
	wait $nb 2>/dev/null
	i=0
	while { running "$init" || running "$pay"; } && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
	if [ -z "$init" ] || [ -z "$pay" ]; then
		fail "SIGKILL of nestbox takes the sandbox down" "no init ($init) or payload ($pay) found under nestbox"
	elif running "$init" || running "$pay"; then
		fail "SIGKILL of nestbox takes the sandbox down" "init $init or payload $pay still runs"
		kill -s KILL "$init" "$pay" 2>/dev/null
	else
		pass "SIGKILL of nestbox takes the sandbox down"
	fi
else
	fail "SIGKILL of nestbox takes the sandbox down" "the payload did not start: $(cat "$log")"
	kill -s KILL $nb; wait $nb 2>/dev/null
fi

done_testing
