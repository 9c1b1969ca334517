#!/bin/sh
# bench/soak in the guest, where the cgroups are delegated: the runs with
# limits make and remove a leaf each, and none may be left behind (nor any
# process, descriptor, heap or temp file). t/180-soak.t covers the rest on
# the host.
[ "${NB_VM:-}" = 1 ] || { echo "1..0 # SKIP runs inside the test vm: prove --exec 'sh t/vm/run' $0"; exit 0; }
. "$(dirname "$0")/../lib/tap.sh"

n=${NB_VM_SOAK:-50}
out=$(sh bench/soak "$n" 2>&1)
rc=$?
printf '%s\n' "$out" | diag
like "$out" "soak: with limits \(cgroup leaves\)" "the runs include limits, each in a cgroup leaf"
is "$(printf '%s\n' "$out" | tail -n 1)" "$n sandboxes, 0 leaked" "$n sandboxes, 0 leaked"
is "$rc" 0 "and every one gave the exit code it should"
done_testing
