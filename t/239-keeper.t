#!/bin/sh
# The keeper: one process per user holds a user namespace with the whole
# subordinate map, so that sandboxes start without newuidmap/newgidmap.
# What a user observes: it starts on demand and is found again, holds no
# capability, descriptor or terminal, sandboxes made in it are strangers to
# each other with the same ids outside, it exits when unused, a dead or
# stale one is replaced without a word, two starts race to one keeper, and
# a run that fails leaves none behind. It is this test's own: its state
# directory is private, and it is stopped at the end.
. "$(dirname "$0")/lib/tap.sh"
require_user
have_subids || skip_all "$(id -un) has no subordinate range: there is no full map for a keeper to hold"

export XDG_RUNTIME_DIR="$T_TMP/rt"
mkdir -m 0700 "$XDG_RUNTIME_DIR"
base=$XDG_RUNTIME_DIR/nestbox
me=$(id -u)
sub=$(first_subuid)

keeper_pid() { "$NESTBOX" keeper status 2>/dev/null | sed -n 's/^keeper: pid \([0-9]*\).*/\1/p'; }
# Keepers of this state directory, by what they run.
keepers() { ps -u "$me" -o stat=,args= | awk -v b="$base" '$1 !~ /^Z/ && $2 == "nestbox-keeper" && $5 == b { n++ } END { print n + 0 }'; }
# until_gone PID: up to 60 s (a hung keeper, not a slow one).
until_gone() {
	_i=0
	while [ $_i -lt 600 ] && running "$1"; do sleep 0.1; _i=$((_i + 1)); done
	! running "$1"
}

# --- start, reuse, status
run_nb keeper status
is "$RC:$OUT" "0:no keeper runs (the next sandbox starts one)" "no keeper before the first sandbox"
run_nb run -- id -u
is "$RC:$OUT:$ERR" "0:$me:" "the first sandbox starts one, silently"
k=$(keeper_pid)
like "$k" "^[0-9]+$" "keeper status names it ($k)"
is "$(ps -o comm= -p "$k")" "nestbox-keeper" "ps shows it as nestbox-keeper"
is "$(tr -s ' ' <"/proc/$k/uid_map")" " 0 $me 1
 1 $sub 65536" "it holds the whole subordinate map, the caller at 0"
run_nb run --verbose -- true
like "$ERR" "made in the keeper's \(pid $k\)" "the next sandbox uses the same keeper"
like "$ERR" "uid map \(in the keeper's namespace\): 0 $sub $me,$me $me 1," "--verbose shows its map, as the host sees it"
is "$(keeper_pid)" "$k" "and no other is started"

# --- what the keeper holds: nothing a payload could use
st=/proc/$k/status
is "$(awk '/^Cap(Inh|Prm|Eff|Bnd|Amb):/ { printf "%s%s ", $1, $2 }' "$st")" \
	"CapInh:0000000000000000 CapPrm:0000000000000000 CapEff:0000000000000000 CapBnd:0000000000000000 CapAmb:0000000000000000 " \
	"it holds no capability, and cannot regain one"
is "$(awk '/^NoNewPrivs:/ { print $2 }' "$st")" 1 "no_new_privs is set"
is "$(for f in /proc/"$k"/fd/*; do readlink "$f"; done | sort -u)" "/dev/null" "its only descriptors are /dev/null on 0-2"
is "$(ps -o tty= -p "$k" | tr -d ' ')" "?" "it has no terminal"
isnt "$(ps -o sid= -p "$k" | tr -d ' ')" "$(ps -o sid= -p $$ | tr -d ' ')" "and a session of its own"
is "$(tr '\0' '\n' <"/proc/$k/environ" | wc -l)" 0 "and no environment"

# --- sandboxes in it: nested, strangers to each other, the same ids outside
run_nb run -- sh -c 'tr -s " " </proc/self/uid_map'
is "$OUT" " 0 1 $me
 $me 0 1
 $((me + 1)) $((me + 1)) $((65536 - me))" "inside, the map is relative to the keeper's namespace"
"$NESTBOX" run -- sleep 61.25 >/dev/null 2>&1 &
a=$!
"$NESTBOX" run -- sleep 61.5 >/dev/null 2>&1 &
b=$!
pa='' pb='' i=0
while { [ -z "$pa" ] || [ -z "$pb" ]; } && [ $i -lt 600 ]; do
	pa=$(pgrep -u "$me" -f '^sleep 61.25$') pb=$(pgrep -u "$me" -f '^sleep 61.5$')
	sleep 0.1; i=$((i + 1))
done
is "$(tr -s ' ' <"/proc/$pa/uid_map")" " 0 $sub $me
 $me $me 1
 $((me + 1)) $((sub + me)) $((65536 - me))" "outside, a payload's map is the same as without a keeper"
parents=$(python3 - "$pa" "$pb" "$k" <<'EOF'
import fcntl, os, sys
NS_GET_PARENT = 0xB702
def ns(p):
    fd = os.open("/proc/%s/ns/user" % p, os.O_RDONLY)
    parent = fcntl.ioctl(fd, NS_GET_PARENT)
    return os.fstat(fd).st_ino, os.fstat(parent).st_ino
(a, pa), (b, pb) = ns(sys.argv[1]), ns(sys.argv[2])
k = os.stat("/proc/%s/ns/user" % sys.argv[3]).st_ino
print("siblings" if a != b and pa == pb == k else "a=%d:%d b=%d:%d k=%d" % (a, pa, b, pb, k))
EOF
)
is "$parents" "siblings" "two sandboxes have namespaces of their own, both children of the keeper's"
run_nb run -- sh -c 'cd /proc && echo [0-9]*'
is "$OUT" "1 2" "a third sees no process but its own (init and itself)"
kill -TERM "$pa" "$pb"
wait $a $b

dir=$T_TMP/own
mkdir "$dir"
run_nb run --root --bind "$dir:/out" -- sh -c 'touch /out/root && touch /out/one && chown 1:1 /out/one'
is "$RC:$(stat -c %u:%g "$dir/root") $(stat -c %u "$dir/one")" "0:$me:$(id -g) $sub" \
	"files made inside belong outside to the caller and its subordinate ids"

# --- stopped, dead or stale: replaced without a word
run_nb keeper stop
is "$RC:$OUT" "0:stopped the keeper (pid $k)" "keeper stop stops it"
until_gone "$k"
ok $? "and it is gone"
run_nb run --no-keeper -- true
is "$RC:$(keepers)" "0:0" "--no-keeper starts none"
run_nb run -- true
k2=$(keeper_pid)
isnt "$k2" "$k" "the next sandbox starts a new one"
kill -KILL "$k2"
until_gone "$k2"
run_nb run -- id -u
is "$RC:$OUT:$ERR" "0:$me:" "a keeper killed with SIGKILL is replaced without error"
k3=$(keeper_pid)
isnt "$k3" "$k2" "by a new one ($k3)"
"$NESTBOX" keeper stop >/dev/null
printf '%s 12345\n' $$ >"$base/keeper"
run_nb run -- true
is "$RC:$ERR" "0:" "a record naming another process (a reused pid) is not trusted"
isnt "$(keeper_pid)" "$$" "and is replaced"
is "$(keepers)" 1 "one keeper runs"

# A keeper killed but not yet reaped: a zombie, its pid and start time
# still those of the record, with no namespace left to join. Under a
# subreaper that never reaps, it stays one; it is replaced all the same.
"$NESTBOX" keeper stop >/dev/null
python3 - "$NESTBOX" >"$T_TMP/zombie" 2>&1 <<'PY'
import ctypes, os, signal, subprocess, sys
nb = sys.argv[1]
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
def keeper():
    out = subprocess.run([nb, "keeper", "status"], capture_output=True, text=True).stdout
    return out.split()[2].rstrip(",") if out.startswith("keeper: pid") else "none"
subprocess.run([nb, "run", "--", "true"])
old = keeper()
os.kill(int(old), signal.SIGKILL)
while open("/proc/%s/stat" % old).read().rsplit(")", 1)[1].split()[0] != "Z":
    pass
print("status:", keeper())
r = subprocess.run([nb, "run", "--", "id", "-u"], capture_output=True, text=True)
print("run:", r.returncode, r.stdout.strip(), r.stderr.strip())
new = keeper()
print("replaced" if new not in ("none", old) else "kept %s" % old)
subprocess.run([nb, "keeper", "stop"], capture_output=True)
PY
is "$(cat "$T_TMP/zombie")" "status: none
run: 0 $me 
replaced" "a keeper killed and not yet reaped (a zombie) counts as gone, and is replaced"

# --- a keeper that sandboxes use outlives its idle time; an unused one goes
"$NESTBOX" keeper stop >/dev/null
"$NESTBOX" run --name t239-idle --keeper-idle 1 -- sleep 120 >/dev/null 2>&1 &
bg=$!
until_listed t239-idle
k=$(keeper_pid)
sleep 3
kill -0 "$k" 2>/dev/null
ok $? "with --keeper-idle 1, the keeper still runs 3 s on while a sandbox uses it"
"$NESTBOX" stop t239-idle >/dev/null
wait $bg
until_gone "$k"
ok $? "and exits by itself once unused"
is "$(ls -A "$base" | grep -c '^keeper$')" 0 "taking its record with it"

# --- two starts race to one keeper
wins=0
for round in $(seq 20); do
	"$NESTBOX" keeper stop >/dev/null
	pids=''
	for n in 1 2 3 4 5 6; do
		"$NESTBOX" run -- true >/dev/null 2>&1 &
		pids="$pids $!"
	done
	wait $pids
	[ "$(keepers)" -eq 1 ] || wins=$((wins + 1))
done
is "$wins" 0 "6 sandboxes started at once find or start one keeper between them (20 rounds)"

# --- a run that fails leaves no keeper; nor do the keeper's helpers
"$NESTBOX" keeper stop >/dev/null
run_nb run --bind /nonexistent-t239:/x -- true
is "$RC:$(keepers):$(ls -A "$base" | grep -c '^keeper$')" "125:0:0" \
	"bad input fails with 125 and leaves no keeper and no record behind"
mkdir "$T_TMP/bin"
for h in newuidmap newgidmap; do
	printf '#!/bin/sh\necho "%s: write to map failed: simulated" >&2\nexit 1\n' $h >"$T_TMP/bin/$h"
	chmod +x "$T_TMP/bin/$h"
done
run_nb_env PATH=$T_TMP/bin:$PATH run -- id -u
is "$RC:$OUT" "0:$me" "when the keeper's helpers fail, the sandbox falls back to the single map"
like "$ERR" "warning: using a single-id map because .*newgidmap failed: newgidmap: write to map failed: simulated" \
	"with the helpers' own message, as without a keeper"
is "$(echo "$ERR" | wc -l):$(keepers)" "1:0" "said once, and no keeper is left"

# --- what does not use it
run_nb run --verbose --root --uid-map "0:$me:1" --gid-map "0:$(id -g):1" -- true
unlike "$ERR" "keeper" "a custom --uid-map is written by the helpers, without a keeper"
is "$(keepers)" 0 "and starts none"
run_nb run --map=single -- true
is "$RC:$(keepers)" "0:0" "--map=single needs none"

# --- stopping the keeper does not touch the sandboxes made in it
"$NESTBOX" run --root --name t239-stop -- sh -c 'sleep 1; chown 2:2 /tmp && stat -c %u /tmp' >"$T_TMP/stop.out" 2>&1 &
bg=$!
until_listed t239-stop
"$NESTBOX" keeper stop >/dev/null
wait $bg
is "$?:$(cat "$T_TMP/stop.out")" "0:2" "a sandbox goes on with its whole map after keeper stop"

# --- the command line
run_nb keeper frob
is "$RC:$ERR" "125:nestbox: keeper: unknown subcommand 'frob' (hint: nestbox keeper status|stop)" "an unknown subcommand is refused"
run_nb run --keeper-idle 0 -- true
like "$RC:$ERR" "^125:nestbox: --keeper-idle: '0' is not a number of seconds" "--keeper-idle 0 is refused"
run_nb keeper serve /tmp 5
is "$RC:$(echo "$ERR" | wc -l)" "125:1" "keeper serve is not for users"
done_testing
