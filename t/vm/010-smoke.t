#!/bin/sh
# The test bed itself, without nestbox: inside the guest t/vm/run boots, as
# the unprivileged user, cgroup v2 is mounted, the user's own cgroup is
# delegated to it, and limits set through that delegation are enforced
# (pids.max on a fork loop, memory.max with an OOM kill, cpu.max with
# throttling). User namespaces and the setuid newuidmap work too.
# Run it through the runner:  prove -v --exec 'sh t/vm/run' t/vm/010-smoke.t

[ "${NB_VM:-}" = 1 ] || { echo "1..0 # SKIP runs inside the test vm: prove --exec 'sh t/vm/run' $0"; exit 0; }

T=0
FAIL=0
ok() { T=$((T + 1)); echo "ok $T - $1"; }
nok() {
	T=$((T + 1)); FAIL=$((FAIL + 1))
	echo "not ok $T - $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/# /' >&2
	return 0
}
check() { # check TEXT DESC [DIAG...]: ok when the last command succeeded
	if [ "$1" -eq 0 ]; then ok "$2"; else shift; nok "$@"; fi
}
skip() { # skip REASON [COUNT]
	n=${2:-1}
	while [ "$n" -gt 0 ]; do T=$((T + 1)); echo "ok $T # SKIP $1"; n=$((n - 1)); done
}
# wait_empty CGROUP: until no process is left in it (up to 5 s).
wait_empty() {
	n=0
	while grep -q '^populated 1' "$1/cgroup.events" 2>/dev/null && [ $n -lt 100 ]; do
		sleep 0.05; n=$((n + 1))
	done
}
# has WORD LIST: WORD is one of the space-separated LIST
has() { case " $2 " in *" $1 "*) return 0 ;; esac; return 1; }
field() { awk -v k="$2" '$1 == k { print $2 }' "$1" 2>/dev/null; }

echo 1..17
me=$(id -u)

# --- 1-4: cgroup v2 and the delegation
fs=$(stat -f -c %T /sys/fs/cgroup)
[ "$fs" = cgroup2fs ]
check $? "/sys/fs/cgroup is cgroup2" "it is: $fs"

own=$(sed -n 's/^0:://p' /proc/self/cgroup)
C=/sys/fs/cgroup$own
[ -n "$own" ] && [ "$own" != / ] && [ -d "$C" ] && [ "$(stat -c %u "$C")" = "$me" ]
check $? "own cgroup $own is owned by uid $me" "owner: $(stat -c %U "$C" 2>&1)"

[ -w "$C/cgroup.subtree_control" ] && [ -w "$C/cgroup.procs" ]
check $? "cgroup.subtree_control and cgroup.procs of $own are writable" "$(ls -l "$C" 2>&1 | grep cgroup\\.)"

ctl=$(cat "$C/cgroup.controllers" 2>/dev/null)
has memory "$ctl" && has pids "$ctl" && has cpu "$ctl"
check $? "memory, pids and cpu are available in $own" "cgroup.controllers: $ctl"

# --- 5-7: the no-internal-process rule: self into a leaf, then enable
mkdir -p "$C/sup" && echo $$ >"$C/sup/cgroup.procs" &&
	[ "$(sed -n 's/^0:://p' /proc/self/cgroup)" = "$own/sup" ]
check $? "moved the shell into $own/sup" "now in: $(cat /proc/self/cgroup)"

err=$(echo "+memory +pids +cpu" 2>&1 >"$C/cgroup.subtree_control")
sc=$(cat "$C/cgroup.subtree_control")
has memory "$sc" && has pids "$sc" && has cpu "$sc"
check $? "enabled +memory +pids +cpu for $own's children" "subtree_control: $sc" "$err"

L=$C/leaf
mkdir "$L" 2>/dev/null && echo 5 >"$L/pids.max" && [ "$(cat "$L/pids.max")" = 5 ]
leaf_ok=$?
check $leaf_ok "created $own/leaf with pids.max=5" "$(ls "$L" 2>&1 | head -n 3)"

# --- 8-9: pids.max stops a fork loop with EAGAIN
if [ $leaf_ok -ne 0 ]; then
	skip "no leaf cgroup" 2
elif ! command -v perl >/dev/null; then
	skip "perl is needed for the fork loop" 2
else
	# Prints "<children started> <errno of the failed fork>".
	res=$(sh -c 'echo $$ >"$1/cgroup.procs" || exit 1
		exec perl -e '\''
			my $n = 0;
			for (1 .. 20) {
				my $p = fork;
				if (!defined $p) { print "$n ", $! + 0, "\n"; exit 0 }
				if ($p == 0) { close STDOUT; close STDERR; sleep 30; exit 0 }
				$n++;
			}
			print "$n none\n";'\' sh "$L" 2>&1)
	echo 1 >"$L/cgroup.kill"
	wait_empty "$L"
	[ "$res" = "4 11" ]
	check $? "pids.max=5: the 5th process cannot fork (EAGAIN) after 4 children" "got: $res (want: 4 11)"
	m=$(field "$L/pids.events" max)
	[ "${m:-0}" -ge 1 ]
	check $? "pids.events counts the refused forks (max $m)"
fi

# --- 10-11: memory.max OOM-kills a 64 MiB allocation
if [ $leaf_ok -ne 0 ]; then
	skip "no leaf cgroup" 3
else
	echo 32M >"$L/memory.max" && [ "$(cat "$L/memory.max")" = 33554432 ]
	check $? "memory.max=32M set on the leaf" "memory.max: $(cat "$L/memory.max" 2>&1)"
	[ -f "$L/memory.swap.max" ] && echo 0 >"$L/memory.swap.max"
	# dd's 64 MiB buffer is touched as it is filled from /dev/zero.
	sh -c 'echo $$ >"$1/cgroup.procs" || exit 1
		exec dd if=/dev/zero of=/dev/null bs=64M count=1' sh "$L" >/dev/null 2>&1
	rc=$?
	wait_empty "$L"
	[ $rc -eq 137 ]
	check $? "a 64 MiB dd under memory.max=32M dies of SIGKILL" "exit status: $rc (want 137)"
	k=$(field "$L/memory.events" oom_kill)
	[ "${k:-0}" -ge 1 ]
	check $? "memory.events reports the oom_kill ($k)" "$(cat "$L/memory.events" 2>&1)"
fi

# --- 12: cpu.max throttles a busy loop
if [ $leaf_ok -ne 0 ]; then
	skip "no leaf cgroup"
else
	echo "10000 100000" >"$L/cpu.max"
	# The timeout stays outside the throttled leaf.
	timeout 0.5 sh -c 'echo $$ >"$1/cgroup.procs" || exit 1
		while :; do :; done' sh "$L" >/dev/null 2>&1
	wait_empty "$L"
	th=$(field "$L/cpu.stat" nr_throttled)
	[ "${th:-0}" -ge 1 ]
	check $? "cpu.max=10ms/100ms throttles a busy loop (nr_throttled $th)" "$(cat "$L/cpu.stat" 2>&1)"
fi
rmdir "$L" 2>/dev/null

# --- 13-16: user namespaces in the guest
out=$(unshare -Ur id -u 2>&1)
[ "$out" = 0 ]
check $? "unshare -Ur id -u prints 0" "got: $out"

if ! unshare --help 2>&1 | grep -q -- --map-auto; then
	skip "this unshare has no --map-auto" 3
elif ! command -v newuidmap >/dev/null; then
	skip "newuidmap is not installed (uidmap)" 3
else
	start=$(awk -F: -v u="$(id -un)" -v n="$me" '$1 == u || $1 == n { print $2; exit }' /etc/subuid)
	count=$(awk -F: -v u="$(id -un)" -v n="$me" '$1 == u || $1 == n { print $3; exit }' /etc/subuid)
	map=$(unshare --map-auto --map-root-user cat /proc/self/uid_map 2>&1)
	[ "$(printf '%s\n' "$map" | wc -l)" -eq 2 ]
	check $? "unshare --map-auto --map-root-user: uid_map has 2 lines (newuidmap)" "$map"
	# unshare maps 1.. to the range, less the one id that 0 took.
	set -- $(printf '%s\n' "$map" | sed -n 2p)
	[ -n "$start" ] && [ "${1:-}" = 1 ] && [ "${2:-}" = "$start" ] && [ "${3:-0}" -ge $((count - 1)) ]
	check $? "the second line maps 1.. onto the subuid range at $start" "got: $*"
	d=$(mktemp -d)
	out=$(unshare --map-auto --map-root-user sh -c \
		'touch "$1/f" && chown 1000:1000 "$1/f" && stat -c %u:%g "$1/f"; rm -f "$1/f"' sh "$d" 2>&1)
	[ "$out" = 1000:1000 ]
	check $? "root in the mapped namespace can chown to a subordinate id" "got: $out"
	rmdir "$d"
fi

[ "$T" -eq 17 ] || echo "# ran $T tests, planned 17" >&2
[ "$FAIL" -eq 0 ]
