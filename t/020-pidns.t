#!/bin/sh
# The PID namespace: nestbox's init is pid 1, the payload pid 2, host
# processes are invisible, and orphans are reaped.
. "$(dirname "$0")/lib/tap.sh"
require_user

run_nb run -- sh -c 'echo $$'
is "$OUT" 2 "the payload is pid 2"
run_nb run -- cat /proc/1/comm
is "$OUT" nestbox-init "pid 1 is nestbox's init"
run_nb run --as-pid-1 -- sh -c 'echo $$'
is "$OUT" 1 "--as-pid-1: the payload is pid 1"

run_nb run -- sh -c 'ls /proc >/tmp/l; grep "^[0-9]" /tmp/l | tr "\n" " "'
is "$OUT" "1 2 3 " "only init, sh and ls are visible: pids 1, 2, 3"
run_nb run --as-pid-1 -- ls -d /proc/[0-9]*
is "$OUT" "/proc/1" "--as-pid-1: ls sees only itself"
run_nb run -- sh -c 'test -e /proc/'$$'/status && echo visible || echo hidden'
[ $$ -gt 4 ] && is "$OUT" hidden "the test's own host pid is not visible inside" ||
	skip "the test shell has a pid below 5"

# An orphan is re-parented to init, which must reap it.
run_nb run -- sh -c 'sh -c "sleep 0.2 & exec true"; sleep 0.8; grep -l "^State:.*Z" /proc/[0-9]*/status | wc -l'
is "$OUT" 0 "orphaned children are reaped: no zombies"

# When the payload exits, what it left behind is killed.
run_nb run -- sh -c 'sleep 61.5 & sleep 61.5 & exit 4'
exit_is 4 "the payload's status is passed back while children still run"
pgrep -u "$(id -u)" -f "sleep 61.5" >/dev/null
isnt $? 0 "what the payload left running is killed with it"
run_nb run --share=pid -- sh -c 'echo $$'
isnt "$OUT" 2 "--share=pid keeps the host's PID namespace"

done_testing
