#!/bin/sh
# Networking: --net=none|slirp|host, slirp4netns's life, published ports,
# host-loopback isolation and abstract sockets. Traffic stays on loopback,
# the sandbox's own addresses and the slirp gateway; no DNS.
. "$(dirname "$0")/lib/tap.sh"
require_user
tool=$(cd "$(dirname "$0")" && pwd)/lib/nettool
T="--ro-bind $tool:/nettool"
slirp_count() { pgrep -u "$(id -u)" -x slirp4netns | wc -l; }
# slirp4netns ends on its own once nestbox has returned (its exit takes
# tens of milliseconds, and seconds on a loaded machine, where its tap
# device's teardown waits for RCU grace periods): wait for that, up to
# 30 s, which only a leak reaches.
slirp_settle() {
	i=0
	while [ "$(slirp_count)" != "$before" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	slirp_count
}
sockdirs() { ls -A "${XDG_RUNTIME_DIR:-/tmp/nestbox-$(id -u)}" 2>/dev/null | wc -l; }

# --net=none (the default)
run_nb run -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
is "$OUT" lo "--net=none: only lo"
run_nb run --net=host -- readlink /proc/self/ns/net
is "$OUT" "$(readlink /proc/self/ns/net)" "--net=host: the host's net namespace"
like "$ERR" "warning: .*abstract unix sockets" "--net=host warns about abstract sockets"

# Abstract unix sockets of the host are out of reach unless --net=host.
name=nbtest-$$
perl "$tool" abstract-serve "$name" >"$T_TMP/abs" &
srv=$!
wait_for "$T_TMP/abs" listening
run_nb run $T -- perl /nettool abstract-connect "$name"
like "$OUT" "Connection refused" "--net=none: a host abstract socket is unreachable"
if command -v slirp4netns >/dev/null; then
	run_nb run --net=slirp $T -- perl /nettool abstract-connect "$name"
	like "$OUT" "Connection refused" "--net=slirp: unreachable too"
else
	skip "slirp4netns is not installed"
fi
run_nb run --net=host $T -- perl /nettool abstract-connect "$name"
is "$OUT" connected "--net=host: reachable (hence the warning)"
kill $srv 2>/dev/null; wait $srv 2>/dev/null

command -v slirp4netns >/dev/null || { skip "slirp4netns is not installed" 20; done_testing; exit; }
[ -w /dev/net/tun ] || { skip "/dev/net/tun is not usable by $(id -un)" 20; done_testing; exit; }

before=$(slirp_count)
run_nb run --net=slirp -- sh -c 'ip -o -4 addr show tap0 | awk "{print \$4}"; ip -o link show tap0 | grep -o "mtu [0-9]*"; cat /etc/resolv.conf'
is "$OUT" "10.0.2.100/24
mtu 65520
nameserver 10.0.2.3" "--net=slirp: tap0 at 10.0.2.100, MTU 65520, resolv.conf at slirp's DNS"
run_nb run --net=slirp --mtu 1500 --cidr 10.9.0.0/24 --dns 192.0.2.53 -- sh -c 'ip -o -4 addr show tap0 | awk "{print \$4}"; ip -o link show tap0 | grep -o "mtu [0-9]*"; cat /etc/resolv.conf'
is "$OUT" "10.9.0.100/24
mtu 1500
nameserver 192.0.2.53" "--mtu, --cidr and --dns"
run_nb run --net=slirp --disable-dns -- cat /etc/resolv.conf
is "$OUT" "" "--disable-dns leaves no name server"

# Reaching the host's loopback through 10.0.2.2.
hp=$(free_port)
perl "$tool" tcp-serve 127.0.0.1 "$hp" from-host >"$T_TMP/srv" &
srv=$!
wait_for "$T_TMP/srv" listening
run_nb run --net=slirp $T -- perl /nettool tcp-get 10.0.2.2 "$hp"
isnt "$OUT" from-host "without --allow-host-loopback the host's 127.0.0.1 is unreachable"
run_nb run --net=slirp --allow-host-loopback $T -- perl /nettool tcp-get 10.0.2.2 "$hp"
is "$OUT" from-host "with --allow-host-loopback it is reachable via 10.0.2.2"
kill $srv 2>/dev/null; wait $srv 2>/dev/null

# Publishing a TCP port, host port 0: the chosen one is on --info-fd.
mkfifo "$T_TMP/info"
"$NESTBOX" run --net=slirp -p 127.0.0.1:0:8080 --info-fd 3 $T -- perl /nettool tcp-serve 0.0.0.0 8080 from-sandbox \
	>"$T_TMP/inner" 2>&1 3>"$T_TMP/info" &
nb=$!
info=$(cat "$T_TMP/info")
hp=$(echo "$info" | sed -n 's/.*"host-port": \([0-9]*\).*/\1/p')
like "$info" '"ports": \[\{"proto": "tcp", "host-addr": "127.0.0.1", "host-port": [0-9]+, "sandbox-port": 8080\}\]' "--info-fd reports the chosen port"
wait_for "$T_TMP/inner" listening
is "$(perl "$tool" tcp-get 127.0.0.1 "$hp")" from-sandbox "a published TCP port reaches the server inside"
# slirp4netns starts off the child's CPU, and has the caller's CPU mask
# back once it is ready. Ours is the one that names the child's pid.
child=$(echo "$info" | sed -n 's/.*"child-pid": \([0-9]*\).*/\1/p')
slirp=$(pgrep -f "slirp4netns .* $child tap0\$" | head -n 1)
is "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/${slirp:-none}/status" 2>&1)" \
	"$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)" "slirp4netns's CPU mask is the caller's while the sandbox runs"
is "$(ls -A "$(dirname "$T_TMP")/nestbox-$(id -u)" 2>/dev/null | grep -vxE 'sandboxes|keeper(\.lock|\.start)?'; ls -A "${XDG_RUNTIME_DIR:-/nonexistent}/nestbox" 2>/dev/null | grep -vxE 'sandboxes|keeper(\.lock|\.start)?')" "" \
	"the API socket is gone once the ports are published"
wait $nb
# The port is free the moment nestbox returns: slirp4netns closes it when
# asked, and its slow exit is not waited for. The server closed first, so
# the host side of that connection is in TIME_WAIT, as slirp's listener
# allows (SO_REUSEADDR). Back to back, 20 times.
fails=0
for i in $(seq 20); do
	"$NESTBOX" run --net=slirp -p "127.0.0.1:$hp:8080" -- true 2>>"$T_TMP/again" || fails=$((fails + 1))
done
is "$fails" 0 "the published port is free again whenever nestbox returns (20 runs on port $hp)" "$(head -n 3 "$T_TMP/again")"

# Port 80 inside, served by a payload that is not root there (issue 16,
# item 4): low ports are unprivileged in the sandbox's own network
# namespace, as with rootless podman; the host's setting is untouched.
host_start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
rm -f "$T_TMP/info" "$T_TMP/inner"; mkfifo "$T_TMP/info"
"$NESTBOX" run --net=slirp -p 127.0.0.1:0:80 --info-fd 3 $T -- perl /nettool tcp-serve 0.0.0.0 80 port-80 \
	>"$T_TMP/inner" 2>&1 3>"$T_TMP/info" &
nb=$!
info=$(cat "$T_TMP/info")
hp=$(echo "$info" | sed -n 's/.*"host-port": \([0-9]*\).*/\1/p')
wait_for "$T_TMP/inner" listening
is "$(perl "$tool" tcp-get 127.0.0.1 "$hp")" port-80 "-p HOST:80 reaches a server on port 80 that is not root inside" "$(cat "$T_TMP/inner")"
wait $nb
run_nb run -- cat /proc/sys/net/ipv4/ip_unprivileged_port_start
is "$OUT" 0 "ports below 1024 are unprivileged inside"
is "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" "$host_start" "and the host's setting is unchanged ($host_start)"

# UDP.
hp=$(free_port)
run_nb run --net=slirp -p "127.0.0.1:$hp:5353/udp" -- true
exit_is 125 "UDP publishing without --allow-host-loopback is refused"
like "$ERR" "slirp4netns can forward UDP only with --allow-host-loopback" "and says why"
"$NESTBOX" run --net=slirp --allow-host-loopback -p "127.0.0.1:$hp:5353/udp" $T -- perl /nettool udp-echo 0.0.0.0 5353 >"$T_TMP/udp" 2>&1 &
nb=$!
wait_for "$T_TMP/udp" listening
is "$(perl "$tool" udp-send 127.0.0.1 "$hp" ping)" "echo:ping" "a published UDP port echoes"
wait $nb

# Bad input and busy ports.
run_nb run --net=slirp -p 80x:80 -- true
exit_is 125 "a publish spec that does not parse: exit 125"
like "$ERR" "^nestbox: --publish: cannot parse '80x:80' \(hint: the form is" "with the form in the hint"
hp=$(free_port)
perl "$tool" tcp-serve 127.0.0.1 "$hp" busy >"$T_TMP/busy" &
srv=$!
wait_for "$T_TMP/busy" listening
run_nb run --net=slirp -p "$hp:80" -- true
exit_is 125 "a host port in use: exit 125"
like "$ERR" "cannot use tcp port $hp on the host: Address already in use" "saying so"
kill $srv 2>/dev/null; wait $srv 2>/dev/null
run_nb run -p 8080:80 -- true
exit_is 125 "--publish without --net=slirp is an error"
run_nb_env PATH=/usr/local/nothing run --net=slirp -- /bin/true
exit_is 125 "missing slirp4netns: exit 125, no silent fallback"
like "$ERR" "needs slirp4netns, which is not in PATH" "saying so"

# Nothing left behind.
is "$(slirp_settle)" "$before" "after normal exits no slirp4netns is left"
"$NESTBOX" run --net=slirp -p 127.0.0.1:0:9 -- sh -c 'echo $$ >/dev/null; sleep 30' >/dev/null 2>&1 &
nb=$!
sleep 1
pkill -KILL -u "$(id -u)" -x sleep
wait $nb
is "$(slirp_settle)" "$before" "after SIGKILL of the payload no slirp4netns is left"
"$NESTBOX" run --net=slirp -p 127.0.0.1:0:9 -- sleep 30 >/dev/null 2>&1 &
nb=$!
sleep 1
kill -KILL $nb
wait $nb 2>/dev/null
is "$(slirp_settle)" "$before" "after SIGKILL of nestbox itself slirp4netns exits too (exit-fd)"
is "$(ls -A "/tmp/nestbox-$(id -u)" 2>/dev/null | grep -vxE 'sandboxes|keeper(\.lock|\.start)?')" "" "and no socket directory remains"

done_testing
