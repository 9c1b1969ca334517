#!/bin/sh
# nestbox oci (issue 14): a config's hooks, domainname, personality and the
# process's scheduling fields (oomScoreAdj, ioPriority, scheduler, execCPUAffinity),
# as the unprivileged test account. Hooks run at their points with the
# state JSON on stdin: createContainer and startContainer inside the
# container, the others outside; a failing or hanging one stops the
# container and leaves nothing behind.
. "$(dirname "$0")/lib/tap.sh"
require_user
. "$(dirname "$0")/lib/oci.sh"
oci_bundle sh cat sleep echo grep hostname ls sed tr cut uname
mkdir -p "$B/rootfs/log"
L="$T_TMP/log"
mkdir "$L"
# A hook program of the host's: one line per call, "KIND STATUS ID
# where", where is "inside" if it runs in the container's view: there
# the test's directory is not, and its log is bound at /log.
cat >"$T_TMP/hook" <<'EOF'
#!/bin/sh
st=$(cat)
where=outside; log=$LOG/log
[ ! -d "$LOG" ] && [ -d /log ] && where=inside log=/log/log
status=$(echo "$st" | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p')
id=$(echo "$st" | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')
pid=$(echo "$st" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
echo "$1 $status $id $where $X" >>"$log"
echo "$pid" >"$(dirname "$log")/pid.$1"
exit "${HOOK_EXIT:-0}"
EOF
chmod 755 "$T_TMP/hook"
hook() { echo "{'path': '$T_TMP/hook', 'args': ['hook', '$1'], 'env': ['LOG=$L', 'X=x$1'${2:+, $2}]${3:+, $3}}"; }
alive_inits() { live_inits | wc -l; }
BEFORE=$(alive_inits)

# --- every kind, in order, with the state on stdin ---------------------------------
fresh "['sh', '-c', 'echo ran']"
edit "c['mounts'].append({'destination': '/log', 'type': 'bind', 'source': '$L', 'options': ['rbind', 'rw']})
c['hooks'] = {k: [$(hook KIND)] for k in ['prestart', 'createRuntime', 'createContainer', 'poststart', 'poststop']}
for k, v in c['hooks'].items(): v[0]['args'][1] = k; v[0]['env'][1] = 'X=x' + k
c['hooks']['startContainer'] = [{'path': '/bin/sh', 'args': ['sh', '-c', '/log/hook startContainer'], 'env': ['X=xstart']}]"
cp "$T_TMP/hook" "$L/hook"
OUT=$(oci run --bundle "$B" h1 2>"$T_TMP/err")
is "$?:$OUT:$(cat "$T_TMP/err")" "0:ran:" "run with a hook of each kind: the command runs, nothing on stderr"
is "$(cat "$L/log")" "prestart creating h1 outside xprestart
createRuntime creating h1 outside xcreateRuntime
createContainer creating h1 inside xcreateContainer
startContainer created h1 inside xstart
poststart running h1 outside xpoststart
poststop stopped h1 outside xpoststop" "each kind at its point, with its status and id on stdin, its args and env, inside the container or outside as the spec says"
is "$(cat "$L/pid.createRuntime")" "$(cat "$L/pid.startContainer")" "the state's pid is the container's, the same for each hook"
is "$(cat "$L/pid.poststop")" "0" "poststop: the container is gone"
is "$(ls "$R")" "" "and no state is left"

# --- what a hook sees inside ---------------------------------------------------------
# createContainer's program is the host's, but it runs after the
# container's root is in place: a script whose interpreter is there.
printf '#!/bin/sh\necho $$ $(hostname) $(ls /) >&2\n' >"$T_TMP/inside"
chmod 755 "$T_TMP/inside"
fresh "['true']"
edit "c['hooks'] = {'createContainer': [{'path': '$T_TMP/inside'}]}"
OUT=$(oci run --bundle "$B" h2 2>&1 >/dev/null)
like "$OUT" "^[0-9]+ nestbox bin dev etc log proc sys tmp$" "createContainer: the host's program runs in the container's PID and UTS namespaces and its root"

# --- failures ---------------------------------------------------------------------------
fresh "['sleep', '300']"
edit "c['hooks'] = {'createRuntime': [$(hook createRuntime "'HOOK_EXIT=3'")]}"
run_nb oci --root "$R" create --bundle "$B" h3
like "$RC:$ERR" "^1:nestbox: hooks\.createRuntime\[0\]: hook $T_TMP/hook exited with status 3$" "a failing createRuntime hook fails create, naming it and its status"
is "$(ls "$R"):$(alive_inits)" ":$BEFORE" "and nothing is left: no state, no process"
edit "c['hooks'] = {'createRuntime': [{'path': '/bin/sleep', 'args': ['sleep', '60'], 'timeout': 1}]}"
run_nb oci --root "$R" create --bundle "$B" h4
like "$RC:$ERR" "^1:nestbox: hooks\.createRuntime\[0\]: hook /bin/sleep did not end within 1 s: .*\(hint: raise its timeout" "a hook past its timeout is killed and fails create"
is "$(ls "$R"):$(alive_inits)" ":$BEFORE" "and nothing is left"
edit "c['hooks'] = {'startContainer': [{'path': '/bin/sh', 'args': ['sh', '-c', 'exit 4']}]}"
oci create --bundle "$B" h5
run_nb oci --root "$R" start h5
like "$RC:$ERR" "^1:nestbox: hooks\.startContainer\[0\]: hook /bin/sh exited with status 4$" "a failing startContainer hook fails start"
i=0; while [ "$(oci state h5 | sed -n 's/.*"status": "\(.*\)".*/\1/p')" != stopped ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
like "$(oci state h5)" '"status": "stopped"' "and stops the container"
oci delete h5
edit "c['process']['args'] = ['sh', '-c', 'exit 5']; c['hooks'] = {'poststart': [{'path': '/bin/false'}], 'poststop': [{'path': '/bin/false'}]}"
OUT=$(oci run --bundle "$B" h6 2>&1)
like "$?:$(echo $OUT)" "^5:nestbox: warning: hooks\.poststart\[0\]: hook /bin/false exited with status 1 nestbox: warning: hooks\.poststop\[0\]: hook /bin/false exited with status 1$" \
	"poststart and poststop failures are warnings, and the command's status stands"
edit "c['hooks'] = {'createRuntime': [{'path': '/no/such/hook'}]}"
run_nb oci --root "$R" run --bundle "$B" h7
like "$RC:$ERR" "hooks\.createRuntime\[0\]: hook /no/such/hook exited with status 127" "a missing hook program: 127, as a shell says"
is "$(ls "$R"):$(alive_inits)" ":$BEFORE" "and nothing is left"
bad "a hook with a relative path" "c['hooks'] = {'poststop': [{'path': 'true'}]}" "hooks\.poststop\[0\]: path: missing, or not an absolute path"
bad "a kind of hook the spec has not" "c['hooks'] = {'prestop': []}" "hooks\.prestop: not a kind of hook"
bad "a timeout of zero" "c['hooks'] = {'poststart': [{'path': '/bin/true', 'timeout': 0}]}" "hooks\.poststart\[0\]: timeout: not a number of seconds"
bad "an env entry without =" "c['hooks'] = {'poststart': [{'path': '/bin/true', 'env': ['X']}]}" "hooks\.poststart\[0\]: env: not a list of NAME=VALUE"

# --- domainname -------------------------------------------------------------------------
fresh "['sh', '-c', 'cat /proc/sys/kernel/domainname /proc/sys/kernel/hostname']"
edit "c['domainname'] = 'example.org'; c['hostname'] = 'box'"
is "$(oci run --bundle "$B" d1 2>&1 | tr '\n' ' ')" "example.org box " "domainname and hostname, in the container's UTS namespace"
edit "c['linux']['sysctl'] = {'kernel.domainname': 'sysctl.example'}; del c['domainname']"
is "$(oci run --bundle "$B" d2 2>&1 | tr '\n' ' ')" "sysctl.example box " "linux.sysctl's kernel.domainname too"
bad "a domainname without a UTS namespace" "c['domainname'] = 'x.org'; c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'uts']" \
	"domainname: needs a uts namespace of the container's own"

# --- scheduling ----------------------------------------------------------------------------
fresh "['sh', '-c', 'cat /proc/self/oom_score_adj; grep Cpus_allowed_list /proc/self/status | cut -f2; sed -n \"s/^policy *: *//p\" /proc/self/sched; cut -d\" \" -f19 /proc/self/stat']"
edit "c['process'].update(oomScoreAdj=500, scheduler={'policy': 'SCHED_BATCH', 'nice': 5}, execCPUAffinity={'initial': '0'})"
is "$(oci run --bundle "$B" p1 2>&1 | tr '\n' ' ')" "500 0 3 5 " "oomScoreAdj, execCPUAffinity, scheduler policy (SCHED_BATCH is 3) and nice"
if command -v ionice >/dev/null; then
	fresh "['sleep', '300']"
	edit "c['process']['ioPriority'] = {'class': 'IOPRIO_CLASS_IDLE', 'priority': 0}"
	oci create --bundle "$B" p2 && oci start p2
	init=$(oci state p2 | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
	child=$(ps -o pid= --ppid "$init" | tr -d ' ')
	is "$(ionice -p "$child")" "idle" "ioPriority: the command's I/O class, seen from the host"
	oci delete --force p2
else
	skip "ionice is not installed (util-linux)"
fi
fresh "['true']"
edit "c['process']['oomScoreAdj'] = -500"
run_nb oci --root "$R" run --bundle "$B" p3
like "$RC:$ERR" "^1:nestbox: process\.oomScoreAdj: cannot set the OOM score adjustment to -500: Permission denied \(hint: without privilege it can only be raised\)" \
	"a lower oomScoreAdj than the caller's: refused, not dropped"
edit "del c['process']['oomScoreAdj']; c['process']['scheduler'] = {'policy': 'SCHED_FIFO', 'priority': 10}"
run_nb oci --root "$R" run --bundle "$B" p4
like "$RC:$ERR" "^125:nestbox: cannot set the scheduling policy SCHED_FIFO \(nice 0, priority 10\): Operation not permitted" \
	"a real-time policy without privilege: refused, not dropped"
is "$(ls "$R"):$(alive_inits)" ":$BEFORE" "and nothing is left"
bad "SCHED_ISO, which Linux has not" "c['process']['scheduler'] = {'policy': 'SCHED_ISO'}" "process\.scheduler\.policy: not a scheduling policy of Linux"
bad "a nice out of range" "c['process']['scheduler'] = {'policy': 'SCHED_OTHER', 'nice': 40}" "process\.scheduler\.nice: not a nice value"
bad "an unknown I/O class" "c['process']['ioPriority'] = {'class': 'IOPRIO_CLASS_FAST'}" "process\.ioPriority\.class: not IOPRIO_CLASS_RT"
bad "a bad CPU list" "c['process']['execCPUAffinity'] = {'final': '3-1'}" "process\.execCPUAffinity\.final: '3-1' is not a list of CPUs"
bad "an oomScoreAdj out of range" "c['process']['oomScoreAdj'] = 2000" "process\.oomScoreAdj: not a number from -1000 to 1000"

# --- linux.personality ------------------------------------------------------------------
fresh "['uname', '-m']"
edit "c['linux']['personality'] = {'domain': 'LINUX32'}"
is "$(oci run --bundle "$B" x1 2>&1)" "i686" "linux.personality LINUX32: uname says i686, as setarch i386 gives"
bad "personality flags, which the spec does not name" "c['linux']['personality'] = {'domain': 'LINUX', 'flags': ['ADDR_NO_RANDOMIZE']}" "linux\.personality\.flags: not supported"
bad "an unknown execution domain" "c['linux']['personality'] = {'domain': 'SVR4'}" "linux\.personality\.domain: not LINUX or LINUX32"
is "$(ls "$R")" "" "no state is left by any of them"
done_testing
