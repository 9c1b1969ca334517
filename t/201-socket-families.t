#!/bin/sh
# The default policy lets the payload open sockets only of the families a
# sandbox uses: unix, IPv4, IPv6 and netlink. vsock above all is refused:
# it is not confined by the network namespace, so a --net=none sandbox on a
# VM could reach the hypervisor's services through it (doc/seccomp.md).
. "$(dirname "$0")/lib/tap.sh"
require_user
probe=$(cd "$(dirname "$0")" && pwd)/lib/sysprobe
[ -x "$probe" ] || skip_all "t/lib/sysprobe is not built (make check builds it)"
p() { run_nb run "$@" --ro-bind "$probe:/sysprobe" -- /sysprobe $PROBES; }
answer() { printf '%s\n' "$OUT" | sed -n "s/^$1: //p"; }

PROBES="socket-unix socket-inet socket-inet6 socket-netlink socket-vsock socket-vsock-hibits socket-packet socket-key socket-alg socket32-unix socketcall32-vsock"
p
for f in unix inet inet6 netlink; do
	is "$(answer socket-$f)" ok "socket($f) works"
done
like "$(answer socket-vsock)" "^errno=(EPERM|EAFNOSUPPORT)$" "socket(AF_VSOCK, SOCK_STREAM, 0) is refused"
is "$(answer socket-vsock-hibits)" "errno=EAFNOSUPPORT" "also with bits above 31 set in the family (the kernel reads an int)"
for f in packet key alg; do
	is "$(answer socket-$f)" "errno=EAFNOSUPPORT" "socket($f) is refused as a family the kernel lacks"
done
p --root
is "$(answer socket-packet)" "errno=EAFNOSUPPORT" "AF_PACKET is refused to root inside too, who holds CAP_NET_RAW"

# The same calls unconfined show what the kernel itself allows here.
p --seccomp=unconfined
case $(answer socket-vsock) in
ok) pass "with --seccomp=unconfined socket(AF_VSOCK) works: this kernel has vsock" ;;
*) skip "this kernel has no vsock ($(answer socket-vsock) unconfined), so the refusal above is not the filter's alone" ;;
esac
# 32-bit x86, reachable from any x86_64 process with int 0x80.
case $(answer socket32-unix) in
killed=*) skip "this kernel runs no i386 code (int 0x80 faults); t/lib/seccomp-unit.sh checks the i386 filter in simulation" 2 ;;
*)
	p
	is "$(answer socket32-unix)" ok "i386 socket(AF_UNIX) works"
	is "$(answer socketcall32-vsock)" "errno=EAFNOSUPPORT" "i386 socketcall(SYS_SOCKET, AF_VSOCK) is refused"
	;;
esac
done_testing
