#!/bin/sh
# nestbox oci (issue 14): the OCI runtime command line on real bundles, as
# the unprivileged test account: spec, create/start/state/kill/delete,
# run, list, ps, features; the config mapping, one config per feature,
# and one bad config per error, each naming its JSON path.
. "$(dirname "$0")/lib/tap.sh"
require_user
. "$(dirname "$0")/lib/oci.sh"
oci_bundle sh id cat ls sleep echo grep env pwd hostname true tr

# --- spec, features, help ------------------------------------------------------
(cd "$B" && "$O" spec --rootless)
ok $? "spec --rootless writes a config.json"
is "$(python3 -c "import json; c = json.load(open('$B/config.json')); print(c['ociVersion'], c['linux']['uidMappings'][0]['hostID'], [n['type'] for n in c['linux']['namespaces']].count('user'))")" \
	"1.2.0 $(id -u) 1" "with a user namespace mapping you to root"
(cd "$B" && "$O" spec) 2>"$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^1:nestbox: .*config.json: File exists" "spec does not overwrite a config.json"
OUT=$("$O" features)
like "$(echo "$OUT" | tr -d ' \n')" '"ociVersionMax":"1.2.0".*"namespaces":\["cgroup","ipc","mount","network","pid","user","uts"\]' "features: the JSON podman and containerd read"
like "$(echo "$OUT" | tr -d ' \n')" '"CAP_NET_RAW"' "with the capabilities this kernel has"
like "$("$NESTBOX" oci --help)" "create --bundle DIR" "nestbox oci --help lists the commands"

# --- run --------------------------------------------------------------------------
fresh "['sh', '-c', 'echo out; echo err >&2; id -u; exit 7']"
OUT=$(oci run --bundle "$B" r1 2>"$T_TMP/err")
RC=$?
is "$RC:$(echo $OUT):$(cat "$T_TMP/err")" "7:out 0:err" "run: output, errors and the exit status pass through; root inside"
is "$(ls "$R")" "" "run leaves no state behind"
fresh "['sh', '-c', 'grep -E \"^(CapEff|NoNewPrivs|Seccomp):\" /proc/self/status; hostname; ls /']"
OUT=$(oci run --bundle "$B" r2 | tr '\t\n' '  ')
is "$OUT" "CapEff: 0000000020000420 NoNewPrivs: 1 Seccomp: 0 nestbox bin dev etc proc sys tmp " \
	"the config's capabilities, no_new_privs, hostname and root, nothing else"

# --- create, start, state, kill, delete ----------------------------------------------
fresh "['sh', '-c', 'echo started >/tmp/mark; exec sleep 300']"
edit "c['root']['readonly'] = False; c['mounts'].append({'destination': '/tmp', 'type': 'bind', 'source': '$T_TMP', 'options': ['rbind', 'rw']})"
oci create --bundle "$B" --pid-file "$T_TMP/pid" c1
ok $? "create"
state() { oci state "$1" | python3 -c 'import json, sys; s = json.load(sys.stdin); print(s["status"], s["pid"] > 0, s["id"], s["bundle"])'; }
is "$(state c1)" "created True c1 $B" "state: created, with its pid"
is "$(cat "$T_TMP/pid")" "$(oci state c1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')" "--pid-file holds that pid"
[ ! -e "$T_TMP/mark" ]
ok $? "its process has not run yet"
oci start c1
wait_for "$T_TMP/mark" started
is "$(cat "$T_TMP/mark")" "started" "start runs it"
is "$(state c1)" "running True c1 $B" "state: running"
like "$(oci list)" "c1 +[0-9]+ +running +$B" "list shows it"
is "$(oci ps --format json c1 | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" "2" "ps: init and its command"
OUT=$(oci exec c1 sh -c 'cat /tmp/mark; echo $$; exit 9')
RC=$?
like "$RC:$(echo $OUT)" "^9:started [0-9]+$" "exec: a process in the running container, its own status"
printf '{"args": ["sh", "-c", "id -u; echo $X; pwd"], "env": ["X=y"], "cwd": "/bin", "user": {"uid": 0, "gid": 0}}' >"$T_TMP/process.json"
is "$(oci exec --process "$T_TMP/process.json" c1 | tr '\n' ' ')" "0 y /bin " "exec --process FILE: the process JSON's args, env, cwd and user"
is "$(oci exec --user 0:0 c1 id -u 2>&1)" "0" "exec --user UID:GID, runc's"
run_nb oci --root "$R" exec --user 5 c1 id -u
like "$RC:$ERR" "^1:nestbox: cannot become uid 5 inside" "exec --user of an id the container has not mapped: an error"
run_nb oci --root "$R" exec --user nobody c1 id -u
like "$RC:$ERR" "^1:nestbox: exec: --user 'nobody' is not UID\[:GID\] in numbers" "exec --user takes numbers, as runc's"
oci exec --detach --pid-file "$T_TMP/xpid" c1 sleep 30
ok $? "exec --detach returns"
kill -0 "$(cat "$T_TMP/xpid")" 2>/dev/null
ok $? "leaving its process, whose pid is in --pid-file"
kill "$(cat "$T_TMP/xpid")"
run_nb oci --root "$R" exec c1 /no/such/thing
like "$RC:$ERR" "^127:nestbox: cannot run '/no/such/thing'" "exec of a missing command: 127"
run_nb oci --root "$R" delete c1
like "$RC:$ERR" "^1:nestbox: container c1 is running" "delete refuses a running container"
oci kill c1 KILL
i=0; while [ "$(state c1 | cut -d' ' -f1)" != stopped ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
is "$(state c1)" "stopped False c1 $B" "kill KILL: stopped"
run_nb oci --root "$R" exec c1 true
like "$RC:$ERR" "^1:nestbox: exec: container c1 is not running" "exec in a stopped container is refused"
oci delete c1
ok $? "delete"
run_nb oci --root "$R" state c1
like "$RC:$ERR" "^1:nestbox: container c1 does not exist" "gone after delete"
oci delete --force c1
ok $? "delete --force of a container that is gone is no error, as runc"
fresh "['sleep', '300']"
oci create --bundle "$B" c2 && pid=$(oci state c2 | python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
oci delete c2
ok $? "a created container can be deleted"
is "$(ps -o stat= -p "$pid" | grep -v '^Z')" "" "and its process is gone"
run_nb oci --root "$R" create --bundle "$B" c3
oci create --bundle "$B" c3 2>"$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^1:nestbox: container c3 exists already" "an id in use is refused"
oci delete --force c3
run_nb oci --root /tmp state c3
like "$RC:$ERR" "^1:nestbox: the state directory /tmp is not a directory of yours" "a --root of someone else's, or that others may write to, is not read"
mkdir -m 777 "$T_TMP/open"
run_nb oci --root "$T_TMP/open" create --bundle "$B" c4
like "$RC:$ERR" "^1:nestbox: the state directory $T_TMP/open is not a directory of yours" "nor written to"
run_nb oci --root "$T_TMP/new/a/b" list
is "$RC:$ERR" "0:" "a --root that does not exist yet lists nothing"
oci delete --force c4 2>/dev/null
run_nb oci --root "$R" create --bundle "$B" 'bad/id'
like "$RC:$ERR" "^1:nestbox: 'bad/id' is not a container id" "a bad id is refused"

# --- namespaces joined by path ----------------------------------------------------------
# Another process's user and PID namespaces (unshare's, which maps you to
# root): the container's processes join them, and its init is not pid 1.
unshare -U -r -p -f sleep 300 </dev/null >/dev/null 2>&1 &
holder=$!
i=0; child=
while [ -z "$child" ] && [ $i -lt 100 ]; do child=$(tr -d ' ' <"/proc/$holder/task/$holder/children" 2>/dev/null); [ -n "$child" ] || sleep 0.05; i=$((i + 1)); done
fresh "['sh', '-c', 'cat /proc/1/comm; tr -s \" \" <  /proc/self/uid_map']"
edit "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] not in ('user', 'pid')] + [{'type': 'user', 'path': '/proc/$child/ns/user'}, {'type': 'pid', 'path': '/proc/$child/ns/pid'}]
del c['linux']['uidMappings'], c['linux']['gidMappings']"
is "$(oci run --bundle "$B" j1 2>&1 | tr '\n' ' ')" "sleep  0 $(id -u) 1 " "user and PID namespaces joined by path: the other process is pid 1 there, and the maps are its"
kill -KILL "$child" 2>/dev/null  # pid 1 of its namespace: only KILL reaches it from outside
wait "$holder" 2>/dev/null

# --- the mapping, and what it refuses -------------------------------------------------
fresh "['sh', '-c', 'echo \$FOO; pwd; umask; ulimit -n; id -G']"
edit "c['process']['env'].append('FOO=bar'); c['process']['cwd'] = '/tmp'; c['process']['user'].update(umask=0o27); c['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': 64, 'hard': 64}]"
OUT=$(oci run --bundle "$B" m1 2>&1)
is "$(echo $OUT)" "bar /tmp 0027 64 0" "env, cwd, umask and rlimits"
edit "c['process']['user']['additionalGids'] = [0]"
OUT=$(oci run --bundle "$B" m1b 2>&1)
like "$OUT" "^nestbox: cannot set the supplementary groups: this id map denies setgroups" "additionalGids where the single map denies setgroups: an error, as with runc"
fresh "['sh', '-c', 'cat /proc/sys/kernel/shmmni']"
edit "c['linux']['sysctl'] = {'kernel.shmmni': '1234'}; c['linux']['namespaces'].append({'type': 'ipc'})"
is "$(oci run --bundle "$B" m2 2>&1)" "1234" "linux.sysctl, for a namespace of its own"
fresh "['sh', '-c', 'ls /proc/kcore 2>&1; echo x >/proc/sys/kernel/x 2>&1 | cut -c1-20']"
OUT=$(oci run --bundle "$B" m3 2>&1)
like "$OUT" "" "maskedPaths and readonlyPaths apply"
fresh "['echo', 'ran']"
edit "c['linux']['resources'] = {'cpu': {'shares': 1024}}"
is "$(oci run --bundle "$B" m4 2>&1)" "ran" "cpu.shares 1024, the default containerd writes, needs no cgroup"
edit "c['linux']['resources'] = {'memory': {'kernel': 1048576}}"
like "$(oci run --bundle "$B" m5 2>&1)" "^nestbox: warning: linux.resources.memory.kernel: ignored, as runc ignores it" "memory.kernel: a warning, as runc's"
bad "a limit nestbox cannot enforce names its path" "c['linux']['resources'] = {'network': {'classID': 1}}" "linux.resources.network: not supported"
bad "cgroup v1's swappiness" "c['linux']['resources'] = {'memory': {'swappiness': 10}}" "linux.resources.memory.swappiness: not supported"
bad "blockIO's leafWeight, v1's" "c['linux']['resources'] = {'blockIO': {'leafWeight': 10}}" "linux.resources.blockIO.leafWeight: cgroup v1's"
bad "a blockIO weight out of range" "c['linux']['resources'] = {'blockIO': {'weight': 5}}" "linux.resources.blockIO.weight: not a weight from 10 to 1000"
bad "a unified key of another cgroup" "c['linux']['resources'] = {'unified': {'../pids.max': '1'}}" "linux.resources.unified.../pids.max: not a controller's file"
bad "a unified key of the core" "c['linux']['resources'] = {'unified': {'cgroup.procs': '1'}}" "linux.resources.unified.cgroup.procs: not a controller's file"
bad "a cgroupsPath in systemd's form" "c['linux']['cgroupsPath'] = 'user.slice:nb:x'" "linux.cgroupsPath: 'user.slice:nb:x' is systemd's form"
bad "a cgroupsPath that climbs" "c['linux']['cgroupsPath'] = '/a/../../b'" "linux.cgroupsPath: '/a/../../b' is not a cgroup's path"
bad "a CPU list that is not one" "c['linux']['resources'] = {'cpu': {'cpus': 'all'}}" "linux.resources.cpu.cpus: 'all' is not a list"
bad "a PID namespace to join by path, in a user namespace of the container's own" "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'pid'] + [{'type': 'pid', 'path': '/proc/self/ns/pid'}]" \
	"linux.namespaces: a PID namespace joined by path needs the user namespace that owns it joined too"
bad "a mount namespace to join by path" "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'mount'] + [{'type': 'mount', 'path': '/proc/self/ns/mnt'}]" \
	"linux.namespaces\[[0-9]\]: joining an existing mount namespace is not supported"
bad "maps with a user namespace joined by path" "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'user'] + [{'type': 'user', 'path': '/proc/self/ns/user'}]" \
	"linux.uidMappings: a user namespace joined by path has its maps already"
bad "an IPC namespace to join from a user namespace of the container's own" "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'ipc'] + [{'type': 'ipc', 'path': '/proc/self/ns/ipc'}]" \
	"a namespace to join \(/proc/self/ns/ipc\) needs the caller's user namespace"
bad "an unknown mount type" "c['mounts'].append({'destination': '/x', 'type': 'nfs', 'source': 'x'})" "mounts\[7\]: type 'nfs' is not a mount"
bad "an unknown mount option" "c['mounts'][1]['options'].append('frob')" "mounts\[1\]\.options\[4\]: 'frob' is not a mount option"
bad "a sysctl of the host's namespace" "c['linux']['sysctl'] = {'kernel.panic': '1'}" "linux.sysctl.kernel.panic: not a key of a namespace"
bad "hooks that are not an object" "c['hooks'] = []" "hooks: not an object"
bad "no process.args" "c['process']['args'] = []" "process.args: missing or empty"
bad "a relative cwd" "c['process']['cwd'] = 'tmp'" "process.cwd: missing, or not an absolute path"
bad "a bad capability" "c['process']['capabilities']['bounding'].append('CAP_FROB')" "process.capabilities.bounding\[3\]"
bad "an old ociVersion" "c['ociVersion'] = '0.9'" "ociVersion: '0.9' is not a runtime-spec 1.x version"
bad "a seccomp notify action" "c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_NOTIFY'}" "linux.seccomp.defaultAction: action 'SCMP_ACT_NOTIFY'"
echo '{ not json' >"$B/config.json"
run_nb oci --root "$R" run --bundle "$B" bad
like "$RC:$ERR" "^1:nestbox: $B/config.json:1:" "a config that is not JSON: its line and column"

# --- seccomp -----------------------------------------------------------------------
fresh "['sh', '-c', 'mkdir /tmp/d 2>&1 | grep -c Operation; echo done']"
edit "c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'], 'syscalls': [{'names': ['mkdir', 'mkdirat', 'no_such_call'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 1}]}"
is "$(oci run --bundle "$B" s1 | tr '\n' ' ')" "1 done " "linux.seccomp: compiled with libseccomp and loaded (EPERM from mkdir); unknown names skipped"
done_testing
