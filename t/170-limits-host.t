#!/bin/sh
# Resource limits on this host, as the test account finds it: a limit that
# cannot be enforced is refused with the exact cause, never dropped; bad
# values are refused. (Real enforcement: t/vm/100-cgroup.t, make check-vm.)
. "$(dirname "$0")/lib/tap.sh"
require_user

run_nb run --memory 64M -- true
if [ "$RC" = 0 ]; then
	skip "this host enforces limits for $(id -un): the refusals are tested in the guest" 3
else
	exit_is 125 "an unenforceable --memory: exit 125"
	is "$(echo "$ERR" | wc -l)" 1 "one line"
	if grep -q ' /sys/fs/cgroup/unified cgroup2 ' /proc/self/mountinfo 2>/dev/null || [ -d /sys/fs/cgroup/unified ]; then
		like "$ERR" "^nestbox: cannot enforce the memory limit: this host's cgroups are hybrid; cgroup v2 \(at /sys/fs/cgroup/unified\) has only .*hint: boot with systemd.unified_cgroup_hierarchy=1" \
			"naming the hybrid layout and the fix"
	else
		like "$ERR" "^nestbox: cannot (enforce|use) .*\(hint: .*systemd-run --user --scope -p Delegate=yes" "naming the cause and the fix"
	fi
fi
run_nb run --cgroup=try --memory 64M -- echo ran
is "$OUT" ran "--cgroup=try runs anyway"
is "$(echo "$ERR" | grep -c 'warning')" "$([ "$RC" = 0 ] && echo "$ERR" | grep -c warning)" "and says so at most once"
run_nb run --cgroup=require -- true
isnt "$RC" 1 "--cgroup=require without limits either runs in a leaf or refuses"

bad() { # bad ERE DESCRIPTION ARGS...
	want=$1 what=$2; shift 2
	run_nb run "$@" -- true
	exit_is 125 "$what: exit 125"
	like "$ERR" "$want" "$what: message"
}
bad "--memory: '64X' is not a size" "a size with a wrong unit" --memory 64X
bad "--memory: '0' is not a size" "a zero memory limit" --memory 0
bad "--memory-high: '-5M' is not a size" "a negative size" --memory-high -5M
bad "--pids: 'lots' is not a number" "bad --pids" --pids lots
bad "--cpus: '0' is not a number of CPUs" "--cpus 0" --cpus 0
bad "--cpus: '10001' is not a number of CPUs" "--cpus above 10000" --cpus 10001
bad "--cpus: '1e2' is not a number of CPUs" "--cpus in exponent form" --cpus 1e2
run_nb run --cgroup=try --cpus 4096 -- true
exit_is 0 "--cpus above this machine's CPUs is accepted (a profile for a big node runs on a small one)"
bad "--cpu-weight: '20000' is not a weight" "--cpu-weight out of range" --cpu-weight 20000
bad "--io-max: cannot parse 'sda'" "--io-max without limits" --io-max sda
bad "--io-max: '/etc/passwd' is not a block device" "--io-max on a file" --io-max /etc/passwd:wbps=1M
bad "--cgroup=off cannot enforce the limits" "--cgroup=off with a limit" --cgroup=off --pids 10
bad "--cgroup: unknown mode 'maybe'" "a bad --cgroup" --cgroup=maybe
left=$(live_inits)
is "$left" "" "refusals leave no process behind" "$(ps -o pid,ppid,etime,args -p "$left" 2>&1)"

done_testing
