#!/bin/sh
# Resource limits, enforced for real: this runs inside the t/vm guest (pure
# cgroup v2, /deleg delegated to the test user as systemd's Delegate=yes
# does). Each nestbox starts in a scope of its own, as
# 'systemd-run --user --scope -p Delegate=yes nestbox ...' would give it.
[ "${NB_VM:-}" = 1 ] || { echo "1..0 # SKIP runs inside the test vm: prove --exec 'sh t/vm/run' $0"; exit 0; }
. "$(dirname "$0")/../lib/tap.sh"

D=/sys/fs/cgroup/deleg
n=0
# in_scope CMD...: run CMD in a fresh delegated cgroup; SCOPE names it.
in_scope() {
	n=$((n + 1))
	SCOPE=$D/t$$-$n
	mkdir "$SCOPE" || return 125
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$SCOPE" "$@"
}
run_scoped() { in_scope "$NESTBOX" "$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null; RC=$?; OUT=$(cat "$T_TMP/out"); ERR=$(cat "$T_TMP/err"); }
leaves() { ls -d "$SCOPE"/nestbox-[0-9]* 2>/dev/null | wc -l; }

fork_loop='for (1 .. 40) { my $p = fork; if (!defined $p) { print "stopped after $_: $!\n"; exit 0 } if (!$p) { sleep 5; exit } } print "no limit\n"'
run_scoped run --pids 16 -- perl -e "$fork_loop"
like "$OUT" "^stopped after 1[0-6]: Resource temporarily unavailable" "a fork loop under --pids 16 is stopped"
is "$(leaves)" 0 "the leaf is gone after the run"

in_scope "$NESTBOX" run --memory 64M --memory-swap 0 --stats --json-status-fd 3 -- sh -c 'head -c 256M /dev/zero | tail >/dev/null' \
	>"$T_TMP/out" 2>"$T_TMP/err" 3>"$T_TMP/js" </dev/null
RC=$?
OUT=$(cat "$T_TMP/out")
ERR=$(cat "$T_TMP/err")
like "$(tail -n 1 "$T_TMP/js")" '^\{"exit-code": 137, "memory-peak": [0-9]+, .*"oom-kills": [1-9]' "--json-status-fd ends with the exit code and the stats"
exit_is 137 "a 256 MiB allocation under --memory 64M is OOM-killed: exit 137"
like "$ERR" "nestbox: the sandbox was killed by the OOM killer at memory.max=64M" "and nestbox says why"
like "$ERR" '"oom-kills": [1-9]' "--stats reports the OOM kill"
like "$ERR" '"memory-peak": [0-9]{7,}' "--stats reports the memory peak"

# --cpus 0.5 is cpu.max "50000 100000": at most 50 ms of CPU in each
# 100 ms period. A busy host stretches the guest's clock, so CPU time
# against wall time is no measure; the guest's own accounting is: cpu.stat
# counts the periods the leaf ran in and those that ran out of quota.
# Half a CPU means: CPU used <= periods x 50 ms (one period of slack for
# the last, partial one), and the loop was throttled at least once. A
# host that steals time can only lower the CPU used. Without the limit
# there are no periods; with a whole CPU there is nothing to throttle.
half_cpu() {
	# $1: the --stats line. Sets USED (ms), PERIODS, THROTTLED.
	set -- $(echo "$1" | sed -n 's/.*"cpu-user-usec": \([0-9]*\), "cpu-system-usec": \([0-9]*\), "cpu-periods": \([0-9]*\), "cpu-throttled": \([0-9]*\).*/\1 \2 \3 \4/p')
	[ $# -eq 4 ] || return 2
	USED=$((($1 + $2) / 1000)) PERIODS=$3 THROTTLED=$4
	[ "$PERIODS" -ge 10 ] && [ "$USED" -le $(((PERIODS + 1) * 50)) ] && [ "$THROTTLED" -ge 1 ]
}
run_scoped run --cpus 0.5 --stats -- timeout 2 sh -c 'while :; do :; done'
if half_cpu "$ERR"; then
	pass "--cpus 0.5 holds a busy loop to 50 ms a period ($USED ms in $PERIODS periods, $THROTTLED throttled)"
else
	fail "--cpus 0.5 holds a busy loop to 50 ms a period" "used ${USED:-?} ms in ${PERIODS:-?} periods, ${THROTTLED:-?} throttled; stats: $ERR"
fi
# The same check fails a run that may use the guest's whole CPU.
run_scoped run --cpus 1 --stats -- timeout 2 sh -c 'while :; do :; done'
half_cpu "$ERR"
ok "$([ $? -eq 1 ] && echo 0 || echo 1)" "the check fails a run with a whole CPU ($USED ms in $PERIODS periods, $THROTTLED throttled)"

run_scoped run --verbose --cpus 64 -- cat /sys/fs/cgroup/cpu.max
is "$RC:$OUT" "0:6400000 100000" "--cpus 64 on this one-CPU guest: accepted and written"
like "$ERR" "cpu.max = 6400000 100000 \(64.00 CPUs, more than this machine has: not binding\)" "--verbose says it does not bind"

run_scoped run --memory 64M -- cat /proc/self/cgroup
is "$OUT" "0::/" "inside, /proc/self/cgroup is 0::/ (the namespace is rooted at the leaf)"
run_scoped run --memory 64M -- sh -c "echo \$\$ >$D/cgroup.procs 2>/dev/null && echo moved || echo refused"
is "$OUT" refused "writing to a parent's cgroup.procs from inside fails"

# The leaf goes away when the payload is SIGKILLed, and when nestbox is.
run_scoped run --memory 64M -- sh -c 'kill -9 $$'
exit_is 137 "a payload killed by SIGKILL: 137"
is "$(leaves)" 0 "and the leaf is gone"
n=$((n + 1))
SCOPE=$D/t$$-$n
mkdir "$SCOPE"
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" run --memory 64M -- sleep 30' sh "$SCOPE" "$NESTBOX" >/dev/null 2>&1 &
nb=$!
i=0
while [ "$(leaves)" = 0 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
stale=$SCOPE
kill -KILL $nb
wait $nb 2>/dev/null
i=0
while grep -q 'populated 1' "$stale"/nestbox-*/cgroup.events 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
is "$(ls -d "$stale"/nestbox-[0-9]* 2>/dev/null | wc -l)" 1 "after SIGKILL of nestbox its empty leaf stays"
# The next run from a cgroup below it (a shell's) uses the same subtree.
mkdir "$stale/shell"
sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 5' sh "$stale/shell" &
sleep 0.3
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" run --memory 64M -- true' sh "$stale/shell" "$NESTBOX" 2>"$T_TMP/err"
is "$?" 0 "a run from a shell's cgroup below it works" "$(cat "$T_TMP/err")"
is "$(ls -d "$stale"/nestbox-[0-9]* 2>/dev/null | wc -l)" 0 "the next run removes the stale leaf"

# A shell in the caller's cgroup: its delegated parent (/deleg) serves.
run_nb run --memory 64M -- cat /proc/self/cgroup
is "$RC:$OUT" "0:0::/" "from a shell's cgroup, the delegated parent holds the leaf"

# Refusals, in the guest too: a cgroup shared with other processes whose
# parent holds processes as well.
busy=$D/busy$$
mkdir -p "$busy/a"
sh -c 'echo $$ >"$1/cgroup.procs"; exec sleep 20' sh "$busy" &
s1=$!
sh -c 'echo $$ >"$1/a/cgroup.procs"; exec sleep 20' sh "$busy" &
s2=$!
sleep 0.5
sh -c 'echo $$ >"$1/a/cgroup.procs" && exec "$2" run --memory 64M -- true' sh "$busy" "$NESTBOX" >"$T_TMP/out" 2>"$T_TMP/err"
RC=$?
ERR=$(cat "$T_TMP/err")
exit_is 125 "in a cgroup shared with other processes: exit 125"
like "$ERR" "other processes .* are in it.*systemd-run --user --scope -p Delegate=yes" "naming the no-internal-process rule and the fix"
sh -c 'echo $$ >"$1/a/cgroup.procs" && exec "$2" run --cgroup=try --memory 64M -- echo ran' sh "$busy" "$NESTBOX" >"$T_TMP/out" 2>"$T_TMP/err"
is "$(cat "$T_TMP/out")" ran "--cgroup=try runs without the leaf"
is "$(grep -c 'warning: --cgroup=try' "$T_TMP/err")" 1 "and says so once"
kill $s1 $s2 2>/dev/null
mkdir "$D/noio$$" && echo "+memory +pids +cpu" >"$D/noio$$/cgroup.subtree_control" 2>/dev/null
sub=$D/noio$$/sub
mkdir "$sub"
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" run --io-max 8:0:wbps=1M -- true' sh "$sub" "$NESTBOX" >"$T_TMP/out" 2>"$T_TMP/err"
RC=$?
exit_is 125 "a controller that is not delegated (io): exit 125"
like "$(cat "$T_TMP/err")" "the io controller is not delegated to $sub" "naming the controller and the cgroup"

# Without clone3 (ENOSYS, as Docker's default seccomp profile gives), the
# child is cloned outside the leaf and moved into it by the supervisor:
# it must wait for that before it roots its cgroup namespace or starts
# the process that makes its network namespace. Ten runs, each of the
# single and the full map: the payload sees its cgroup as "/", lo up, and
# itself as pid 2; and the leaf goes.
sysfilter=$(cd "$(dirname "$0")/../lib" && pwd)/sysfilter.py
if command -v python3 >/dev/null && [ "$(uname -m)" = x86_64 ]; then
	bad=
	for map in single auto; do
		i=0
		while [ $i -lt 10 ]; do
			in_scope python3 "$sysfilter" no-clone3 "$NESTBOX" run --map=$map --pids 64 -- \
				sh -c 'cat /proc/self/cgroup /sys/class/net/lo/flags; echo $$' >"$T_TMP/out" 2>&1 </dev/null
			got=$(tr '\n' ' ' <"$T_TMP/out")
			[ "$got" = "0::/ 0x9 2 " ] && [ "$(leaves)" = 0 ] || bad="$bad [$map: $got leaves $(leaves)]"
			i=$((i + 1))
		done
	done
	is "$bad" "" "without clone3, moved into the leaf late: 20 runs see cgroup /, lo up, pid 2, and leave no leaf"
else
	skip "python3 or x86_64 is missing for the clone3 filter" 1
fi

done_testing
