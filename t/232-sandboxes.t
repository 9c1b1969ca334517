#!/bin/sh
# Named sandboxes (issue 13): ps lists what runs, exec joins it with the
# payload's own rights, stop and kill end it, and a SIGKILLed one is
# forgotten. Every sandbox here is named t232-<pid>-*, and only those are
# counted.
. "$(dirname "$0")/lib/tap.sh"
require_user
tag=t232-$$
ps_names() { "$NESTBOX" ps 2>/dev/null | awk -v t="$tag" 'index($2, t) == 1 { print $2 }' | sort | tr '\n' ' '; }
# start NAME OPTIONS... -- CMD...: a sandbox in the background; $bg is its nestbox.
start() {
	n=$1
	shift
	"$NESTBOX" run --name "$n" --info-fd 3 "$@" 3>"$T_TMP/$n.info" >"$T_TMP/$n.out" 2>&1 &
	bg=$!
	until_listed "$n" || diag "$n never showed in ps: $(cat "$T_TMP/$n.out")"
}
report="grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/self/status"

# --- ps -------------------------------------------------------------------
start "$tag-a" -- sh -c "echo marker >/tmp/m; id -u >/tmp/id; $report >/tmp/caps; exec sleep 600"
a=$bg
is "$(ps_names)" "$tag-a " "ps lists a named sandbox"
OUT=$("$NESTBOX" ps --json)
pid=$(sed -n 's/.*"child-pid": \([0-9]*\).*/\1/p' "$T_TMP/$tag-a.info")
is "$(printf '%s' "$OUT" | python3 -c "import json, sys; print([s['pid'] for s in json.load(sys.stdin) if s['name'] == '$tag-a'][0])")" \
	"$pid" "ps --json parses, with the sandbox's pid (--info-fd's child-pid)"
line=$("$NESTBOX" ps | awk -v n="$tag-a" '$2 == n')
like "$line" "^[0-9a-f]{12} +$tag-a +$pid +[0-9]+s +none +- +- +sh -c echo marker" "ps shows id, name, pid, age, net, and the command"
run_nb run --name "$tag-a" -- true
like "$RC:$ERR" "^125:nestbox: --name $tag-a: a sandbox of that name runs already \(id [0-9a-f]{12}\)" "a name in use is refused, naming the running one"
run_nb run --name 'bad/name' -- true
like "$RC:$ERR" "^125:nestbox: --name: 'bad/name' is not a valid name" "a name that could not be a file name is refused"

# --- exec -----------------------------------------------------------------
run_nb exec "$tag-a" -- ps -e -o comm=
is "$(printf '%s\n' "$OUT" | grep -E '^(nestbox-init|sleep)$' | sort | tr '\n' ' ')" "nestbox-init sleep " \
	"exec is in the sandbox's PID namespace: its init and payload are there"
run_nb exec "$tag-a" -- sh -c 'hostname; cat /tmp/m; id -u'
is "$OUT" "$tag-a
marker
$(id -u)" "the same host name (the --name), the same root and /tmp, the same uid"
run_nb exec "$tag-a" -- sh -c "$report"
is "$OUT" "$("$NESTBOX" exec "$tag-a" -- cat /tmp/caps)" "the same capability sets, no_new_privs and seccomp filters as the payload"
run_nb exec "$tag-a" -- unshare -U true
isnt "$RC" 0 "and the same seccomp denials: unshare -U fails"
run_nb exec "$tag-a" -- sh -c 'exit 7'
is "$RC" 7 "exec's status is the command's"
run_nb exec "$tag-a" -- no-such-command-t232
is "$RC" 127 "127 for a command not found"
run_nb exec --env T232=yes --chdir /proc "$tag-a" -- sh -c 'echo $T232 $(pwd)'
is "$OUT" "yes /proc" "--env and --chdir"
run_nb exec "$tag-nothere" -- true
like "$RC:$ERR" "^125:nestbox: no sandbox of yours is named '$tag-nothere' or has that id" "an unknown name: 125 and one line"
id=$("$NESTBOX" ps | awk -v n="$tag-a" '$2 == n { print $1 }')
run_nb exec "$(echo "$id" | cut -c1-6)" -- hostname
is "$OUT" "$tag-a" "a sandbox can be named by the start of its id"
# The record names a sandbox once its view is final: an exec racing the
# start joins that view, never a half-built one (the mount namespace's
# root was still the host's copy). 300 binds come after the rest of the
# view here; earlier builds let the first exec in before them.
: >"$T_TMP/bindsrc"
binds= i=0
while [ $i -lt 300 ]; do binds="$binds --ro-bind $T_TMP/bindsrc:/t232-m$i"; i=$((i + 1)); done
# shellcheck disable=SC2086 # one word per option
"$NESTBOX" run --name "$tag-r" $binds -- sleep 600 >"$T_TMP/r.out" 2>&1 &
r=$!
seen= n=0
while [ -z "$seen" ] && [ $n -lt 3000 ] && running "$r"; do
	seen=$("$NESTBOX" exec "$tag-r" -- sh -c 'test -e /t232-m299 && echo final || echo early' 2>/dev/null)
	n=$((n + 1))
done
is "$seen" "final" "an exec racing the start joins the finished view"
kill "$r"
wait "$r" 2>/dev/null
# Its record: a line of JSON, then the bytes exec needs, as they are.
rec=${XDG_RUNTIME_DIR:+$XDG_RUNTIME_DIR/nestbox}
rec=$(ls "${rec:-/tmp/nestbox-$(id -u)}/sandboxes/$id"*.json)
is "$(head -n 1 "$rec" | python3 -c 'import json, sys; o = json.load(sys.stdin); print(o["name"], "exec" in o)')" \
	"$tag-a False" "its record starts with a line of JSON, which does not hold exec's data"
is "$(tail -n +2 "$rec" | head -c 7)" "NBEXEC2" "they follow it, as bytes"
cp "$rec" "$T_TMP/rec"
head -n 1 "$T_TMP/rec" >"$rec.t232" && mv "$rec.t232" "$rec"
run_nb exec "$tag-a" -- true
like "$RC:$ERR" "^125:nestbox: the sandbox's record .*/$id[0-9a-f]*\.json has no exec data \(hint: was it started by another version of nestbox\? 'nestbox stop' ends it\)$" "a record without them: exec refuses, with 125 and one line"
cp "$T_TMP/rec" "$rec"

# --- stop -------------------------------------------------------------------
run_nb stop --time 30 "$tag-a"
is "$RC:$OUT" "0:$tag-a" "stop ends it"
wait $a
is "$?" 143 "its command got SIGTERM (143)"
is "$(ps_names)" "" "and ps no longer lists it"
is "$(ps -u "$(id -u)" -o args= | grep -c "[s]leep 600")" 0 "nothing of it is left"

start "$tag-b" --as-pid-1 -- sh -c 'trap "" TERM; while :; do sleep 1; done'
b=$bg
run_nb exec "$tag-b" -- sh -c 'ps -o pid=,comm= -p 1'
like "$OUT" "^ *1 sh" "exec works with --as-pid-1: the payload is its pid 1"
run_nb stop --time 1 "$tag-b"
like "$RC:$OUT:$ERR" "^0:$tag-b:nestbox: $tag-b did not end within 1 s of SIGTERM: killing it" "a command that ignores SIGTERM is killed after --time"
wait $b
is "$?" 137 "with SIGKILL (137)"

# --- kill -------------------------------------------------------------------
start "$tag-c" -- sh -c 'trap "echo usr1 >/tmp/u" USR1; while :; do sleep 0.1; done'
c=$bg
run_nb kill --signal USR1 "$tag-c"
is "$RC" 0 "kill --signal USR1"
i=0
while [ $i -lt 300 ] && ! "$NESTBOX" exec "$tag-c" -- test -s /tmp/u; do sleep 0.1; i=$((i + 1)); done
is "$("$NESTBOX" exec "$tag-c" -- cat /tmp/u 2>&1)" usr1 "reaches the sandbox's command"
run_nb kill --signal STOP "$tag-c"
like "$RC:$ERR" "^125:nestbox: kill $tag-c: SIGSTOP cannot be passed on" "a signal that cannot be passed on is refused"
run_nb kill "$tag-c"
is "$RC" 0 "kill (KILL) ends the whole sandbox"
wait $c
is "$?" 137 "at once (137)"

# --- a sandbox whose nestbox was SIGKILLed ------------------------------------
start "$tag-d" -- sleep 600
kill -9 "$bg"
wait "$bg" 2>/dev/null
is "$(ps_names)" "" "a sandbox whose nestbox got SIGKILL is gone from ps on the next call"
# Killed but not yet reaped by its parent: a zombie has ended all the same.
python3 - "$NESTBOX" "$tag-z" >"$T_TMP/zombie" 2>&1 <<'PY'
import os, signal, subprocess, sys, time
nb, name = sys.argv[1], sys.argv[2]
ps = lambda: [l.split()[1] for l in subprocess.run([nb, "ps"], capture_output=True, text=True).stdout.splitlines()[1:]]
p = subprocess.Popen([nb, "run", "--name", name, "--", "sleep", "600"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(600):
    if name in ps():
        break
    time.sleep(0.1)
os.kill(p.pid, signal.SIGKILL)
while open("/proc/%d/stat" % p.pid).read().rsplit(")", 1)[1].split()[0] != "Z":
    time.sleep(0.01)
print("listed" if name in ps() else "not listed")
r = subprocess.run([nb, "run", "--name", name, "--", "true"], capture_output=True, text=True)
print(r.returncode, r.stderr.strip())
p.wait()
PY
is "$(cat "$T_TMP/zombie")" "not listed
0 " "a sandbox whose nestbox is a zombie, not yet reaped, is not listed, and its name is free"
dir=${XDG_RUNTIME_DIR:+$XDG_RUNTIME_DIR/nestbox}
dir=${dir:-/tmp/nestbox-$(id -u)}/sandboxes
is "$(ls -A "$dir" | grep -c "$tag" ; grep -l "$tag" "$dir"/*.json 2>/dev/null | wc -l)" "0
0" "and its record and name are removed"
is "$(stat -c %a "$dir")" 700 "the state directory is private"
# A record half written by a run killed before its rename is named with
# the writer's pid: gone once that pid is, kept while it lives.
: >"$dir/.0123456789ab.json.2147483646.tmp"
: >"$dir/.0123456789ab.json.$$.tmp"
"$NESTBOX" ps >/dev/null
is "$(ls -A "$dir" | grep -c '^\.0123456789ab')" 1 "a dead writer's temporary record is removed, a live one's kept"
rm -f "$dir/.0123456789ab.json.$$.tmp"

# --- rootfs -------------------------------------------------------------------
root=$T_TMP/rootfs
if sh "$(dirname "$0")/lib/mkrootfs" "$root"; then
	start "$tag-e" --rootfs "$root" -- sleep 600
	e=$bg
	run_nb exec "$tag-e" -- sh -c 'ls /bin/busybox'
	is "$RC:$OUT" "0:/bin/busybox" "exec works in a --rootfs sandbox, in its root"
	"$NESTBOX" stop "$tag-e" >/dev/null
	wait $e
else
	skip "busybox-static is not installed (apt-get install busybox-static)"
fi

run_nb ps --bogus
like "$RC:$ERR" "^125:nestbox: ps: unknown option '--bogus'" "ps: a bad option"
run_nb stop
like "$RC:$ERR" "^125:nestbox: stop: which sandbox\?" "stop needs a name"
done_testing
