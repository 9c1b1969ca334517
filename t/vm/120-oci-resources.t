#!/bin/sh
# nestbox oci's linux.resources beyond memory, cpu and pids (issue 14),
# for real: blockIO, memory.reservation, cpu.cpus and mems, hugepageLimits
# and unified keys land in the container's leaf under their cgroup v2
# names, and a unified pids.max holds a fork loop. Runs inside the t/vm
# guest (pure cgroup v2, a delegated cgroup), like 100-cgroup.t.
[ "${NB_VM:-}" = 1 ] || { echo "1..0 # SKIP runs inside the test vm: prove --exec 'sh t/vm/run' $0"; exit 0; }
. "$(dirname "$0")/../lib/tap.sh"
command -v busybox >/dev/null || skip_all "busybox is not installed in the guest"

D=/sys/fs/cgroup/deleg
[ -w "$D/cgroup.procs" ] || skip_all "no delegated cgroup at $D"
B="$T_TMP/bundle"
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/sys" "$B/rootfs/tmp"
cp "$(command -v busybox)" "$B/rootfs/bin/busybox"
for c in sh cat sleep echo true; do ln -s busybox "$B/rootfs/bin/$c"; done
(cd "$B" && "$NESTBOX" oci spec --rootless)
edit() { python3 -c "import json, sys
c = json.load(open(sys.argv[1]))
$1
json.dump(c, open(sys.argv[1], 'w'))" "$B/config.json"; }
# oci_scoped TAG ARGS...: nestbox oci in a fresh delegated cgroup of its
# own, as a scope of systemd's would give it.
oci_scoped() {
	_s=$D/t$$-$1
	shift
	mkdir "$_s" || return 125
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$_s" "$NESTBOX" oci --root "$T_TMP/state" "$@"
}

edit "c['process']['args'] = ['sh', '-c', 'cd /sys/fs/cgroup && cat io.weight memory.low cpuset.cpus cpuset.mems pids.max']
c['linux']['resources'] = {'blockIO': {'weight': 505}, 'memory': {'reservation': 1048576},
	'cpu': {'cpus': '0', 'mems': '0'}, 'unified': {'pids.max': '7'}}"
OUT=$(oci_scoped r1 run --bundle "$B" r1 2>&1)
is "$?:$(echo $OUT)" "0:default 5000 1048576 0 0 7" \
	"blockIO.weight 505 is io.weight 5000 (crun's conversion), reservation is memory.low, cpus and mems are cpuset's, unified keys are written as they are"
edit "c['process']['args'] = ['sh', '-c', 'i=0; while [ \$i -lt 20 ]; do sleep 5 & i=\$((i + 1)); done 2>&1 | head -n 1']"
OUT=$(oci_scoped r2 run --bundle "$B" r2 2>&1)
like "$OUT" "can't fork|Resource temporarily unavailable" "a unified pids.max of 7 holds a fork loop"
edit "c['linux']['resources'] = {'unified': {'no_such.file': '1'}}"
OUT=$(oci_scoped r3 run --bundle "$B" r3 2>&1)
like "$?:$OUT" "^0:nestbox: warning: --cgroup=try: running without a cgroup leaf, so without the limits: cannot enforce the no_such limit" \
	"a unified key of no controller here: rootless, a warning that names it, as runc and crun give (root: an error)"
# cgroupsPath: the leaf where the config says, inside the delegation.
mkdir "$D/t$$-path"
edit "c['process']['args'] = ['sleep', '300']; c['linux']['resources'] = {'pids': {'limit': 9}}; c['linux']['cgroupsPath'] = '/deleg/t$$-path/box'"
oci_scoped cp create --bundle "$B" cp1
ok $? "create with linux.cgroupsPath"
init=$("$NESTBOX" oci --root "$T_TMP/state" state cp1 | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
is "$(cat "$D/t$$-path/box/pids.max" 2>&1):$(grep -cx "$init" "$D/t$$-path/box/cgroup.procs" 2>&1)" "9:1" "the leaf is at cgroupsPath, with its limit and the container's init"
"$NESTBOX" oci --root "$T_TMP/state" delete --force cp1
is "$(ls -d "$D/t$$-path/box" 2>/dev/null)" "" "delete removes it"
edit "c['process']['args'] = ['true']; c['linux']['cgroupsPath'] = '/elsewhere/box'"
OUT=$(oci_scoped cp2 run --bundle "$B" cp2 2>&1)
like "$?:$OUT" "^0:nestbox: warning: --cgroup=try: running without a cgroup leaf, so without the limits: cannot make the cgroup /sys/fs/cgroup/elsewhere: Permission denied" \
	"a cgroupsPath outside the delegation: rootless, a warning naming it, as runc and crun give"
is "$(ls "$T_TMP/state" 2>/dev/null):$(ls -d "$D/t$$-"*/nestbox-[0-9]* 2>/dev/null | wc -l)" ":0" "no state and no leaf are left"
for d in "$D/t$$-"*/nestbox-supervisors "$D/t$$-"*; do rmdir "$d" 2>/dev/null; done
done_testing
