#!/bin/sh
# The network namespace made beside the view (src/net.h): the child is
# cloned without one, a short-lived copy of the child makes it (and the
# IPC namespace with it), and the child joins it before /sys, the
# sysctls, any mqueue mount and init. What a user sees must
# not change: a namespace of the sandbox's own with lo up, a /sys that
# shows it, the payload as pid 2, exec and --info-fd naming that
# namespace, no helper left once the payload runs, a clear error when it
# cannot be made, and the same sandbox where no helper can be started or
# none is (one CPU, or every CPU busy: the child makes them itself). As
# the unprivileged test account; every process started here is ended by
# pid.
. "$(dirname "$0")/lib/tap.sh"
require_user
# A name of our own, so that counting finds only what this test started.
N="$T_TMP/nb242probe"
ln -s "$NESTBOX" "$N"
pids=
cleanup() { for p in $pids; do kill -9 "$p" 2>/dev/null; done; t_cleanup; }
trap cleanup EXIT
host_net=$(readlink /proc/self/ns/net)
host_ports=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
host_ipc=$(readlink /proc/self/ns/ipc)
report='readlink /proc/self/ns/net; cat /sys/class/net/lo/flags /proc/sys/net/ipv4/ip_unprivileged_port_start; ls /sys/class/net; for d in /proc/[0-9]*; do echo "${d#/proc/}"; done'

for map in single full; do
	if [ "$map" = full ] && ! have_subids; then
		skip "$(id -un) has no subordinate range, so there is no full map" 6
		continue
	fi
	m=; [ "$map" = single ] && m=--map=single
	OUT=$("$N" run $m -- sh -c "$report" 2>&1)
	ok $? "$map map: runs"
	net=$(echo "$OUT" | sed -n 1p)
	like "$net" '^net:\[[0-9]+\]$' "$map map: the payload has a network namespace"
	isnt "$net" "$host_net" "$map map: not the host's"
	is "$(echo "$OUT" | sed -n 2,3p | tr '\n' ' ')" "0x9 0 " "$map map: lo is up (IFF_UP|IFF_LOOPBACK) and ports below 1024 are free to bind"
	is "$(echo "$OUT" | sed -n 4p)" "lo" "$map map: /sys was mounted in it: lo alone, not the host's interfaces"
	is "$(echo "$OUT" | sed -n '5,$p' | tr '\n' ' ')" "1 2 " "$map map: init is pid 1 and the payload pid 2: the helper's pid was out of the way, and it is gone"
done

# The IPC namespace, made by the helper too: the sandbox's own, and an
# mqueue mount that shows its queues.
queues=$(ipcs -q | grep -c "^0x")
OUT=$("$N" run --map=single -- sh -c 'readlink /proc/self/ns/ipc; ipcmk -Q >/dev/null && ipcs -q | grep -c "^0x"' 2>&1)
ipc=$(echo "$OUT" | sed -n 1p)
like "$ipc" '^ipc:\[[0-9]+\]$' "the payload has an IPC namespace"
isnt "$ipc" "$host_ipc" "not the host's"
is "$(echo "$OUT" | sed -n 2p)" 1 "a System V queue made there is there, alone"
is "$(ipcs -q | grep -c "^0x")" "$queues" "and the host has not one more"
OUT=$("$N" bwrap --unshare-all --ro-bind / / --dev /dev --mqueue /dev/mqueue --proc /proc \
	python3 -c 'import os; fd = os.open("/dev/mqueue/nb242", os.O_CREAT | os.O_RDWR, 0o600); print(open("/dev/mqueue/nb242").read().split()[0]); print(os.readlink("/proc/self/ns/ipc"))' 2>&1)
is "$(echo "$OUT" | sed -n 1p)" "QSIZE:0" "an mqueue mount inside is the sandbox's IPC namespace's: a queue made there shows"
isnt "$(echo "$OUT" | sed -n 2p)" "$host_ipc" "and that namespace is not the host's"

# The supervisor looks at the namespaces only once the child has joined:
# --info-fd, --json-status-fd and exec name the payload's.
"$N" run --bind "$T_TMP" --info-fd 3 --json-status-fd 4 -- \
	sh -c 'readlink /proc/self/ns/net >"$0.tmp" && mv "$0.tmp" "$0"; exec sleep 300' "$T_TMP/net1" 3>"$T_TMP/info" 4>"$T_TMP/js" &
sb=$!; pids="$pids $sb"
wait_for "$T_TMP/net1" net
inode=$(sed 's/^net:\[\(.*\)\]$/\1/' "$T_TMP/net1")
like "$(tr -d '\n' <"$T_TMP/info")" "\"net-namespace\": $inode," "--info-fd's net-namespace is the payload's"
like "$(head -n 1 "$T_TMP/js")" "\"net-namespace\": $inode," "--json-status-fd's net-namespace is the payload's"
# While the payload runs, the supervisor is the only process of that name:
# the helper ended before the payload started.
is "$(pgrep -u "$(id -u)" -x nb242probe | tr '\n' ' ')" "$sb " "while the payload runs, no helper is left"
# The supervisor does its part (the namespaces opened, the record written)
# off the child's CPU, and has its CPU mask back before the record is
# written; the payload's is the caller's.
mask() { sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$1/status"; }
payload=$(pgrep -P "$(pgrep -P "$sb" | head -n 1)" | head -n 1)
# The record, which ps lists, is written as the payload starts: wait for
# it, as a user's script would.
child=$(sed -n 's/.*"child-pid": \([0-9]*\).*/\1/p' "$T_TMP/info")
id= i=0
while [ -z "$id" ] && [ $i -lt 400 ]; do
	id=$("$N" ps 2>/dev/null | awk -v p="$child" '$3 == p { print $1 }')
	[ -n "$id" ] || sleep 0.05
	i=$((i + 1))
done
is "$(mask "$sb")" "$(mask self)" "nestbox's own CPU mask is the caller's again once the sandbox is listed"
is "$(mask "${payload:-none}")" "$(mask self)" "and the payload's is the caller's"
is "$("$N" exec "$id" -- readlink /proc/self/ns/net 2>&1)" "$(cat "$T_TMP/net1")" "exec joins the payload's network namespace"
kill "$sb"; wait "$sb" 2>/dev/null

# Where the namespace cannot be made: the limit, set to 0 in an outer user
# namespace. Exit 125, one line naming the limit, and nothing left.
if unshare -Ur true 2>/dev/null; then
	OUT=$(unshare -Ur sh -c 'echo 0 >/proc/sys/user/max_net_namespaces && "$0" run --map=single -- true' "$N" 2>&1)
	RC=$?
	is "$RC" 125 "no network namespace to be had: exit 125"
	like "$OUT" "^nestbox: cannot create the sandbox's network and IPC namespaces: the limit of network namespaces is reached: .*\(hint: see /proc/sys/user/max_net_namespaces, or share the host's with --net=host\)$" \
		"no network namespace to be had: the cause and the way out, on one line"
	is "$(pgrep -u "$(id -u)" -x nb242probe)" "" "and no process of it is left"
	OUT=$(unshare -Ur sh -c 'echo 0 >/proc/sys/user/max_net_namespaces && "$0" run --map=single --net=host -- echo ran' "$N" 2>/dev/null)
	is "$OUT" "ran" "the host's network needs none"
else
	skip "unshare -Ur does not work here, so the limit cannot be set" 4
fi

# Filters as a hostile or restricted host has them (t/lib/sysfilter.py).
filter=$(cd "$(dirname "$0")" && pwd)/lib/sysfilter.py
if [ "$(uname -m)" = x86_64 ]; then
	# The helper killed before it sends anything: the child sees EOF and
	# says so; nothing hangs or is left.
	OUT=$(timeout 60 python3 "$filter" kill-netns "$N" run --map=single -- true 2>&1)
	RC=$?
	is "$RC" 125 "the helper killed before it sends: exit 125, not a hang"
	like "$OUT" "^nestbox: the process that makes the sandbox's network namespace ended without one \(hint: .*--net=host" \
		"and one line that says so"
	is "$(pgrep -u "$(id -u)" -x nb242probe)" "" "and no process of it is left"
	# No helper to be had: the child makes the namespace itself, and the
	# sandbox is the same.
	OUT=$(timeout 60 python3 "$filter" no-clone3 "$N" run --map=single -- sh -c "$report" 2>&1)
	ok $? "without clone3: runs"
	isnt "$(echo "$OUT" | sed -n 1p)" "$host_net" "without clone3: a network namespace of its own"
	is "$(echo "$OUT" | sed -n '2,$p' | tr '\n' ' ')" "0x9 0 lo 1 2 " "without clone3: lo up, low ports, its /sys, and the payload pid 2"
	# Where the helper cannot make the namespace, it says so without
	# reading anything: a path could lead into the view being built,
	# here a FIFO where the host has /proc/sys/user/max_user_namespaces,
	# which would block it for ever. On one CPU, where it runs after
	# the pivot, 20 starts: each exits at once, with one line.
	mkdir -p "$T_TMP/fifo/proc/sys/user" && mkfifo "$T_TMP/fifo/proc/sys/user/max_user_namespaces"
	cpu=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*\([0-9]*\).*/\1/p' /proc/self/status)
	rcs= i=0
	while [ $i -lt 20 ]; do
		OUT=$(timeout 20 taskset -c "$cpu" python3 "$filter" eperm-netns "$N" bwrap --bind "$T_TMP/fifo" / --unshare-all true 2>&1)
		rcs="$rcs $?"
		i=$((i + 1))
	done
	is "$(echo $rcs | tr ' ' '\n' | sort -u | tr '\n' ' ')" "1 " "a namespace refused: 20 starts end at once, none hangs (exit 1, as bwrap)"
	like "$OUT" "^(nestbox|bwrap): cannot create the sandbox's network and IPC namespaces: Operation not permitted \(hint: something here may forbid it" "and one line says why"
else
	skip "the filters in this test are written for x86_64's system call numbers" 8
fi

# On one CPU nothing can run beside the child, so it makes the
# namespaces itself, without a helper: the same sandbox. 500 starts of
# bwrap's way there (--ro-bind / / gives a read-only /proc until
# --proc), none may fail.
if command -v taskset >/dev/null; then
	cpu=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*\([0-9]*\).*/\1/p' /proc/self/status)
	OUT=$(taskset -c "$cpu" "$N" run --map=single -- sh -c "$report" 2>&1)
	isnt "$(echo "$OUT" | sed -n 1p)" "$host_net" "on one CPU: a network namespace of its own"
	is "$(echo "$OUT" | sed -n '2,$p' | tr '\n' ' ')" "0x9 0 lo 1 2 " "on one CPU: lo up, low ports, its /sys, and the payload pid 2"
	fails=0 first=
	i=0
	while [ $i -lt 500 ]; do
		if ! E=$(taskset -c "$cpu" "$N" bwrap --unshare-all --ro-bind / / --proc /proc --dev /dev true 2>&1); then
			fails=$((fails + 1))
			[ -n "$first" ] || first=$E
		fi
		i=$((i + 1))
	done
	is "$fails" 0 "500 starts on one CPU, the namespaces made by the child itself: 0 failed${first:+ (first: $first)}"
else
	skip "taskset is not installed (util-linux)" 3
fi

# The helper shares the child's mount namespace, where the view is built
# and pivoted into meanwhile: it must go by no path there. strace holds
# its unshare(2) back 50 ms, so that the rest of its work comes after
# bwrap's way has pivoted (the child waits for it only then). A helper
# is used where another CPU is free: its clone3 names pid 300.
if ! command -v strace >/dev/null; then
	skip "strace is not installed" 2
elif [ "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status | tr -c -d ',-')" = "" ]; then
	skip "this test may use one CPU only, where no helper is started" 2
else
	fails=0 used=0 first=
	i=0
	# LeakSanitizer (make check-asan) cannot run under ptrace.
	asan=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	while [ $i -lt 20 ]; do
		if ! E=$(ASAN_OPTIONS=$asan strace -f -qq -o "$T_TMP/strace" -e trace=clone3,unshare -e inject=unshare:delay_enter=50000 \
			"$N" bwrap --unshare-all --ro-bind / / --proc /proc --dev /dev true 2>&1); then
			fails=$((fails + 1))
			[ -n "$first" ] || first=$E
		fi
		grep -q 'set_tid=\[300\]' "$T_TMP/strace" && used=$((used + 1))
		i=$((i + 1))
	done
	is "$fails" 0 "the helper goes by no path of the view being built: 20 starts with its work held back past the pivot, 0 failed${first:+ (first: $first)}"
	if [ "$used" -gt 0 ]; then
		pass "a helper made the namespaces in $used of the 20 starts"
	else
		skip "every CPU was busy in all 20 starts, so no helper was started" 1
	fi
fi

# OCI's linux.sysctl: a net.* key goes to the sandbox's namespace, which
# the child joins before writing it.
if command -v busybox >/dev/null; then
	. "$(dirname "$0")/lib/oci.sh"
	oci_bundle sh cat readlink
	fresh "['sh', '-c', 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start; readlink /proc/self/ns/net']"
	edit "c['linux']['sysctl'] = {'net.ipv4.ip_unprivileged_port_start': '80'}; c['linux']['namespaces'].append({'type': 'network'})"
	OUT=$(oci run --bundle "$B" n1 2>&1)
	is "$(echo "$OUT" | sed -n 1p)" "80" "OCI linux.sysctl: a net.* key, in the sandbox's namespace"
	isnt "$(echo "$OUT" | sed -n 2p)" "$host_net" "which is not the host's"
	is "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" "$host_ports" "and the host's value is untouched"
else
	skip "busybox is not installed (apt-get install busybox-static)" 3
fi

done_testing
