#!/bin/sh
# Every namespace is private by default; --share keeps the host's;
# the net namespace has only lo, and it is up.
. "$(dirname "$0")/lib/tap.sh"
require_user

for ns in user mnt pid net ipc uts cgroup; do
	host=$(readlink /proc/self/ns/$ns)
	run_nb run -- readlink /proc/self/ns/$ns
	isnt "$OUT" "$host" "the $ns namespace is private"
done

for ns in net ipc uts pid cgroup; do
	host=$(readlink /proc/self/ns/$ns)
	run_nb run --share=$ns -- readlink /proc/self/ns/$ns
	is "$OUT" "$host" "--share=$ns keeps the host's $ns namespace"
done
run_nb run --share=net,ipc -- readlink /proc/self/ns/net /proc/self/ns/ipc /proc/self/ns/uts
is "$(echo "$OUT" | head -n 2)" "$(readlink /proc/self/ns/net /proc/self/ns/ipc)" "--share takes a list"
isnt "$(echo "$OUT" | tail -n 1)" "$(readlink /proc/self/ns/uts)" "and shares only what it names"

run_nb run -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
is "$OUT" lo "the private net namespace has only lo"
if command -v ip >/dev/null; then
	run_nb run -- ip -o link show lo
	like "$OUT" '<LOOPBACK,UP,LOWER_UP>' "lo is up"
else
	skip "ip (iproute2) is not installed"
fi

run_nb run --hostname box1 -- hostname
is "$OUT" box1 "--hostname sets the host name inside"
run_nb run -- hostname
is "$OUT" nestbox "the private UTS namespace is named nestbox: the payload does not learn the host's name"
run_nb run -- cat /proc/sys/kernel/hostname
is "$OUT" nestbox "the kernel's own view agrees"
run_nb run --share=uts -- hostname
is "$OUT" "$(hostname)" "--share=uts keeps the host's name"

done_testing
