#!/bin/sh
# Named sandboxes with a cgroup leaf, for real (issue 13): ps shows the
# leaf's memory and processes, exec'd commands are born in the leaf and
# held by its limits, and stop uses cgroup.kill. Runs inside the t/vm
# guest (pure cgroup v2, a delegated cgroup), like 100-cgroup.t.
[ "${NB_VM:-}" = 1 ] || { echo "1..0 # SKIP runs inside the test vm: prove --exec 'sh t/vm/run' $0"; exit 0; }
. "$(dirname "$0")/../lib/tap.sh"

D=/sys/fs/cgroup/deleg
SCOPE=$D/t$$-sandboxes
mkdir "$SCOPE" || { echo "1..0 # SKIP cannot make a delegated cgroup under $D"; exit 0; }
name=vm110-$$
sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$SCOPE" \
	"$NESTBOX" run --name "$name" --pids 16 --memory 256M -- sleep 600 >"$T_TMP/out" 2>&1 </dev/null &
bg=$!
until_listed "$name"

OUT=$("$NESTBOX" ps --json)
is "$(printf '%s' "$OUT" | python3 -c "
import json, sys
s = [s for s in json.load(sys.stdin) if s['name'] == '$name'][0]
print(isinstance(s['memory-current'], int) and s['memory-current'] > 0, s['pids-current'] >= 2, s['cgroup'].startswith('$SCOPE/'))")" \
	"True True True" "ps --json shows the leaf, its memory and its processes"
like "$("$NESTBOX" ps | awk -v n="$name" '$2 == n')" " [0-9.]+MiB +[0-9]+ +sleep 600" "ps shows memory and processes in its table"

run_nb exec "$name" -- sh -c 'grep -qx $$ /sys/fs/cgroup/cgroup.procs && echo in-leaf'
is "$RC:$OUT" "0:in-leaf" "an exec'd command is in the sandbox's leaf"
fork_loop='for (1 .. 40) { my $p = fork; if (!defined $p) { print "stopped after $_: $!\n"; exit 0 } if (!$p) { sleep 5; exit } } print "no limit\n"'
run_nb exec "$name" -- perl -e "$fork_loop"
like "$OUT" "^stopped after [0-9]+: Resource temporarily unavailable" "and held by its --pids limit"

run_nb stop --time 2 "$name"
is "$RC:$OUT" "0:$name" "stop ends it"
wait $bg
is "$?" 143 "its command got SIGTERM"
is "$(ls -d "$SCOPE"/nestbox-[0-9]* 2>/dev/null | wc -l)" 0 "and its leaf is removed"
rmdir "$SCOPE" 2>/dev/null
done_testing
