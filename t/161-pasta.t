#!/bin/sh
# --net=pasta: passt's pasta with the guarantees of --net=slirp. The same
# network inside (tap0 at 10.0.2.100, gateway 10.0.2.2, DNS 10.0.2.3), the
# host's loopback closed unless --allow-host-loopback, published ports
# (on --info-fd too), nothing reaching the host's ports from inside, and
# no pasta left behind, even when nestbox is SIGKILLed. Traffic stays on
# loopback, the sandbox's own addresses and the gateway; no DNS.
. "$(dirname "$0")/lib/tap.sh"
require_user
command -v pasta >/dev/null || skip_all "pasta is not installed (apt-get install passt)"
[ -w /dev/net/tun ] || skip_all "/dev/net/tun is not usable by $(id -un)"
tool=$(cd "$(dirname "$0")" && pwd)/lib/nettool
T="--ro-bind $tool:/nettool"
pasta_count() { pgrep -u "$(id -u)" -x pasta | wc -l; }
before=$(pasta_count)

run_nb run --net=pasta -- sh -c 'ip -o -4 addr show tap0 | awk "{print \$4}"; ip route | grep default | cut -d" " -f1-3; cat /etc/resolv.conf'
is "$RC:$OUT" "0:10.0.2.100/24
default via 10.0.2.2
nameserver 10.0.2.3" "--net=pasta: tap0 at 10.0.2.100, the gateway at 10.0.2.2, resolv.conf at 10.0.2.3"
run_nb run --net=pasta --cidr 10.9.0.0/24 --dns 192.0.2.53 -- sh -c 'ip -o -4 addr show tap0 | awk "{print \$4}"; cat /etc/resolv.conf'
is "$OUT" "10.9.0.100/24
nameserver 192.0.2.53" "--cidr and --dns"
run_nb run --net=pasta --disable-dns -- cat /etc/resolv.conf
is "$OUT" "" "--disable-dns leaves no name server"
run_nb run --net=pasta -- sh -c 'ip -o -6 addr show scope global | wc -l'
is "$OUT" 0 "IPv6 only with --enable-ipv6, as with slirp"

# The host's loopback, through the gateway: closed, unless asked.
hp=$(free_port)
perl "$tool" tcp-serve 127.0.0.1 "$hp" from-host >"$T_TMP/srv" &
srv=$!
wait_for "$T_TMP/srv" listening
run_nb run --net=pasta $T -- perl /nettool tcp-get 10.0.2.2 "$hp"
isnt "$OUT" from-host "without --allow-host-loopback the host's 127.0.0.1 is unreachable"
run_nb run --net=pasta $T -- perl /nettool tcp-get 127.0.0.1 "$hp"
isnt "$OUT" from-host "nor is a host port forwarded to the sandbox's own loopback"
run_nb run --net=pasta --allow-host-loopback $T -- perl /nettool tcp-get 10.0.2.2 "$hp"
is "$OUT" from-host "with --allow-host-loopback it is reachable via 10.0.2.2"
kill $srv 2>/dev/null; wait $srv 2>/dev/null

# Published ports: TCP, with the chosen host port on --info-fd. UDP is
# refused: Debian 12's pasta binds the port but delivers no reply.
mkfifo "$T_TMP/info"
"$NESTBOX" run --net=pasta -p 127.0.0.1:0:8080 --info-fd 3 $T -- perl /nettool tcp-serve 0.0.0.0 8080 from-sandbox \
	>"$T_TMP/inner" 2>&1 3>"$T_TMP/info" &
nb=$!
info=$(cat "$T_TMP/info")
hp=$(echo "$info" | sed -n 's/.*"host-port": \([0-9]*\).*/\1/p')
like "$info" '"ports": \[\{"proto": "tcp", "host-addr": "127.0.0.1", "host-port": [0-9]+, "sandbox-port": 8080\}\]' "--info-fd reports the chosen port"
wait_for "$T_TMP/inner" listening
is "$(perl "$tool" tcp-get 127.0.0.1 "$hp")" from-sandbox "a published TCP port reaches the server inside"
wait $nb
hp=$(free_port)
run_nb run --net=pasta --allow-host-loopback -p "127.0.0.1:$hp:5353/udp" -- true
is "$RC:$ERR" "125:nestbox: --publish 127.0.0.1:$hp:5353/udp: --net=pasta cannot publish UDP here (replies are not delivered) (hint: publish TCP, or use --net=slirp --allow-host-loopback for UDP)" \
	"a UDP port is refused, in one line, before anything starts"
"$NESTBOX" run --net=pasta -p "127.0.0.1:$hp:80" -- true >/dev/null 2>&1
perl -MIO::Socket::INET -e 'exit !IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $ARGV[0], Listen => 1)' "$hp"
ok $? "the host port is free again once nestbox returns"

# Bad input, busy ports, a missing pasta.
hp=$(free_port)
perl "$tool" tcp-serve 127.0.0.1 "$hp" busy >"$T_TMP/busy" &
srv=$!
wait_for "$T_TMP/busy" listening
run_nb run --net=pasta -p "$hp:80" -- true
is "$RC:$(echo "$ERR" | wc -l)" "125:1" "a host port in use: exit 125, one line"
like "$ERR" "cannot use tcp port $hp on the host: Address already in use" "saying so"
kill $srv 2>/dev/null; wait $srv 2>/dev/null
run_nb_env PATH=/usr/local/nothing run --net=pasta -- /bin/true
exit_is 125 "missing pasta: exit 125, no silent fallback"
like "$ERR" "^nestbox: --net=pasta needs pasta, which is not in PATH \(hint: install the 'passt' package" "saying so"
run_nb run --net=pasta --share=net -- true
like "$RC:$ERR" "^125:nestbox: --net=pasta needs a private net namespace" "--share=net contradicts it"

# Nothing left behind: after normal exits, a killed payload, a killed
# nestbox. Without published ports nestbox does not wait while pasta
# closes its tap device: it is gone moments later.
i=0
while [ "$(pasta_count)" != "$before" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
is "$(pasta_count)" "$before" "after normal exits no pasta is left"
"$NESTBOX" run --net=pasta -- sleep 30 >/dev/null 2>&1 &
nb=$!
i=0
while [ "$(pasta_count)" = "$before" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.5
kill -KILL $nb
wait $nb 2>/dev/null
i=0
while [ "$(pasta_count)" != "$before" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
is "$(pasta_count)" "$before" "after SIGKILL of nestbox itself pasta exits too"
run_nb run --net=pasta -- true
is "$RC:$(ls -A "${XDG_RUNTIME_DIR:-/tmp/nestbox-$(id -u)}" 2>/dev/null | grep -vxE 'nestbox|sandboxes|keeper(\.lock|\.start)?')" "0:" \
	"and it leaves no file in the state directory"
done_testing
