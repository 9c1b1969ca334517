#!/bin/sh
# Real Slurm drives nestbox oci (issue 14): a single-node cluster made
# here, on 127.0.0.1 only (munged, slurmctld and slurmd as local
# processes of this test, with their own key, sockets, ports and spool),
# and `srun --container=BUNDLE CMD` as the unprivileged test account.
# oci.conf runs `nestbox oci run` (RunTimeRun, the form Slurm's guide
# gives for crun) with Query, Kill and Delete for its clean-up. Checked:
# the command's output and exit code, that it runs as the submitting
# user, and that the job's environment and the config's working directory
# arrive as Slurm documents. Needs root for slurmd; every daemon started
# here is ended by its pid.
. "$(dirname "$0")/../lib/tap.sh"
require_root
for c in slurmctld slurmd srun sinfo munged busybox python3; do
	command -v "$c" >/dev/null || skip_all "$c is not installed (contrib/deps --integration: slurm-wlm, munge)"
done
U=${NB_TEST_USER:-nbtest}
id "$U" >/dev/null 2>&1 || skip_all "no test account $U (make check-integration provisions it)"
D=$T_TMP
chmod 755 "$D"
mkdir -p "$D/key" "$D/munge" "$D/state" "$D/spool" "$D/log" "$D/oci"
chmod 700 "$D/key"
chmod 1777 "$D/oci"
pids=""
stop_all() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do i=0; while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done; kill -9 "$p" 2>/dev/null; done
	t_cleanup
}
trap stop_all EXIT

# munge, with a key of the test's own.
dd if=/dev/urandom of="$D/key/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$D/key/munge.key"
munged -F --force --key-file="$D/key/munge.key" --socket="$D/munge/sock" --pid-file="$D/key/munged.pid" \
	--seed-file="$D/key/seed" --log-file="$D/log/munged.log" >"$D/log/munged.out" 2>&1 &
pids="$!"
i=0; while [ ! -S "$D/munge/sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -S "$D/munge/sock" ] || skip_all "munged does not start here: $(tail -n 1 "$D/log/munged.out")"

ctl=$(free_port); node=$(free_port)
host=$(hostname -s)
cat >"$D/slurm.conf" <<EOF
ClusterName=nestbox
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctl
SlurmdPort=$node
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$D/munge/sock
CredType=cred/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
SlurmdDebug=debug
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
PlugStackConfig=$D/plugstack.conf
NodeName=nb1 NodeHostname=$host NodeAddr=127.0.0.1 CPUs=1 State=UNKNOWN
PartitionName=test Nodes=nb1 Default=YES MaxTime=10 State=UP
EOF
: >"$D/plugstack.conf"
O="$NESTBOX oci --rootless=true --root=$D/oci/%u"
ID="%n.%u.%j.%s.%t"
cat >"$D/oci.conf" <<EOF
RunTimeQuery="$O state $ID"
RunTimeKill="$O kill -a $ID"
RunTimeDelete="$O delete --force $ID"
RunTimeRun="$O run --bundle %b $ID"
EOF
export SLURM_CONF="$D/slurm.conf"
slurmctld -D -f "$SLURM_CONF" >"$D/log/slurmctld.out" 2>&1 &
pids="$pids $!"
slurmd -D -N nb1 -f "$SLURM_CONF" >"$D/log/slurmd.out" 2>&1 &
pids="$pids $!"
i=0; until sinfo -h -o %T 2>/dev/null | grep -qx idle || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
sinfo -h -o %T 2>/dev/null | grep -qx idle ||
	skip_all "a single-node Slurm does not come up here: $(tail -n 2 "$D/log/slurmctld.out" "$D/log/slurmd.out" | tr '\n' ' ')"
diag "slurm $(srun --version | cut -d' ' -f2): node nb1 idle on 127.0.0.1:$node"

# The bundle: busybox, the config nestbox oci spec writes for the user,
# with its working directory and a bind the host can look at.
B="$D/bundle"
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/sys" "$B/rootfs/tmp" "$B/rootfs/etc" "$B/rootfs/out" "$D/out"
cp "$(command -v busybox)" "$B/rootfs/bin/busybox"
for c in sh id cat ls sleep echo pwd env touch; do ln -s busybox "$B/rootfs/bin/$c"; done
chown -R "$U" "$B" "$D/out"
(cd "$B" && as_user "$U" "$NESTBOX" oci spec --rootless)
as_user "$U" python3 -c "import json, sys
c = json.load(open(sys.argv[1]))
c['process']['cwd'] = '/tmp'
c['process']['env'].append('FROM_CONFIG=yes')
c['root']['readonly'] = False
c['mounts'].append({'destination': '/out', 'type': 'bind', 'source': sys.argv[2], 'options': ['rbind', 'rw']})
json.dump(c, open(sys.argv[1], 'w'))" "$B/config.json" "$D/out"
srun_as() { (cd "$D/out" && as_user "$U" env FROM_SUBMIT=here timeout 120 srun "$@"); }
# The user's sandbox inits before the steps: only those the steps make
# count (a sandbox of another test may still be there, or end meanwhile).
inits() { ps -u "$U" -o pid=,stat=,comm= | awk '$2 !~ /^Z/ && $3 == "nestbox-init" { print $1 }' | sort; }
BEFORE=$(inits)

OUT=$(srun_as --container="$B" sh -c 'echo out; echo err >&2; exit 7' 2>"$D/err")
RC=$?
is "$RC:$OUT:$(grep -v '^srun: error: nb1: task 0: Exited with exit code 7$' "$D/err")" "7:out:err" "srun --container: the command's output whole, its exit code srun's"
OUT=$(srun_as --container="$B" sh -c 'pwd; echo $FROM_CONFIG $FROM_SUBMIT $SLURM_JOB_USER $SLURM_SUBMIT_DIR; test -n "$SLURM_JOB_ID" && echo job; id -u; touch /out/made' 2>&1)
is "$OUT" "/tmp
yes here $U $D/out
job
0" "the config's cwd and env, the job's environment (SLURM_*, the submitter's variables) as Slurm documents"
is "$(stat -c %U "$D/out/made")" "$U" "root inside is the submitting user outside: the file it made is $U's"
OUT=$(srun_as --container="$B" sh -c 'ls /proc/1/exe >/dev/null 2>&1; cat /proc/1/comm' 2>&1)
is "$OUT" "nestbox-init" "the command runs under nestbox's init, in a PID namespace of its own"
srun_as --container="$B" sh -c 'exit 0' >/dev/null 2>&1
is "$(ls "$D/oci/$U" 2>/dev/null)" "" "no container state is left after the steps"
is "$(inits | grep -vxF -e "${BEFORE:-none}")" "" "and no sandbox of the steps is left running"
done_testing
