#!/bin/sh
# Real podman drives nestbox oci (issue 14), rootless, as the test
# account, with a podman home of the test's own: an image made offline
# from busybox-static (podman import), then what podman users do: run
# --rm, -it, -d with exec, stop and rm, ps, --memory, slirp4netns with a
# published port, --userns=keep-id. Each also runs with crun as the
# control, so that a failure that is podman's or the host's shows as such.
# Every process started here is ended by pid at the end.
. "$(dirname "$0")/../lib/tap.sh"
require_user
for c in podman conmon busybox python3 curl script; do
	command -v "$c" >/dev/null || skip_all "$c is not installed (contrib/deps --integration)"
done
mkdir -p "$T_TMP/bin" "$T_TMP/run" "$T_TMP/home/.config/containers"
chmod 700 "$T_TMP/run"
ln -s "$NESTBOX" "$T_TMP/bin/nestbox-oci"
export HOME="$T_TMP/home" XDG_RUNTIME_DIR="$T_TMP/run" XDG_CONFIG_HOME="$T_TMP/home/.config" XDG_DATA_HOME="$T_TMP/home/.local/share"
cat >"$XDG_CONFIG_HOME/containers/containers.conf" <<EOF
[containers]
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
[engine.runtimes]
nestbox-oci = ["$T_TMP/bin/nestbox-oci"]
EOF
cat >"$XDG_CONFIG_HOME/containers/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$T_TMP/home/storage"
runroot = "$T_TMP/run/storage"
EOF
# The storage belongs to subordinate ids: removed from podman's namespace,
# then podman's pause process, which that started, is ended by its pid.
cleanup() {
	podman rm -a -f -t 0 >/dev/null 2>&1
	podman unshare rm -rf "$T_TMP/home/storage" >/dev/null 2>&1
	p=$(cat "$XDG_RUNTIME_DIR/libpod/tmp/pause.pid" 2>/dev/null)
	[ -n "$p" ] && kill -9 "$p" 2>/dev/null
	t_cleanup
}
trap cleanup EXIT
mkdir -p "$T_TMP/rootfs/bin" "$T_TMP/rootfs/proc" "$T_TMP/rootfs/dev" "$T_TMP/rootfs/sys" "$T_TMP/rootfs/tmp" "$T_TMP/rootfs/etc"
cp "$(command -v busybox)" "$T_TMP/rootfs/bin/busybox"
for c in sh id cat ls sleep echo tty httpd hostname readlink tr; do ln -s busybox "$T_TMP/rootfs/bin/$c"; done
tar -C "$T_TMP/rootfs" -cf "$T_TMP/bb.tar" .
podman import "$T_TMP/bb.tar" localhost/nb-test:1 >/dev/null 2>"$T_TMP/err" ||
	skip_all "podman cannot import an image here: $(tail -n 1 "$T_TMP/err")"
N="--runtime nestbox-oci"
# The control: crun, where this host lets it run at all.
if podman --runtime crun run --rm localhost/nb-test:1 true 2>"$T_TMP/crun"; then
	crun=yes
else
	crun=
	diag "crun, the control, cannot run here: $(tail -n 1 "$T_TMP/crun")"
fi
control() { # control LABEL EXPECTED ARGS...: the same with crun
	label=$1 want=$2; shift 2
	if [ -z "$crun" ]; then
		skip "crun cannot run on this host ($(tail -n 1 "$T_TMP/crun" | cut -c1-80)): no control" 1
		return
	fi
	is "$(podman --runtime crun "$@" 2>&1; echo "rc=$?")" "$want" "$label, with crun (control)"
}

OUT=$(podman $N run --rm localhost/nb-test:1 sh -c 'echo out; echo err >&2; exit 7' 2>&1; echo "rc=$?")
is "$OUT" "out
err
rc=7" "run --rm: output whole, exit code"
control "run --rm" "out
err
rc=7" run --rm localhost/nb-test:1 sh -c 'echo out; echo err >&2; exit 7'

# script(1) gives podman a terminal, as a user's. Not --rm: with it, the
# output of a command this short was lost in 3 runs of 120 (with this
# stop's nestbox and the one before), and in 0 of 180 without it, as in
# podman's own race of --rm against its output (podman issue 2692).
OUT=$(script -qec "podman $N run --name nb-it -it localhost/nb-test:1 sh -c 'tty; exit 4'" /dev/null </dev/null 2>&1 | tr -d '\000\r' | sed 's/\^@//g')
like "$OUT" "^/dev/pts/0" "run -it under a terminal: the container's own pty"
podman rm -f nb-it >/dev/null 2>&1

podman $N run -d --name nb-d localhost/nb-test:1 sleep 300 >/dev/null
ok $? "run -d"
like "$(podman ps --format '{{.Names}} {{.Status}}')" "nb-d Up" "podman ps shows it up"
is "$(podman exec nb-d sh -c 'echo in; exit 5'; echo "rc=$?")" "in
rc=5" "podman exec: output and status"
like "$(script -qec "podman exec -it nb-d tty" /dev/null </dev/null 2>&1 | tr -d '\000\r' | sed 's/\^@//g')" "/dev/pts/" "podman exec -it"
podman stop -t 2 nb-d >/dev/null
like "$(podman ps -a --format '{{.Names}} {{.Status}}')" "nb-d Exited \(143\)" "podman stop: SIGTERM ends it (143)"
podman rm nb-d >/dev/null
ok $? "podman rm"
is "$(podman ps -a -q)" "" "nothing left"

OUT=$(podman $N run --rm --memory 64m localhost/nb-test:1 echo ran 2>&1; echo "rc=$?")
if [ -n "$crun" ]; then
	WANT=$(podman --runtime crun run --rm --memory 64m localhost/nb-test:1 echo ran 2>&1; echo "rc=$?")
	is "$OUT" "$WANT" "--memory: as podman with crun on this host"
else
	like "$OUT" "ran" "--memory: podman drops limits it cannot set here, and the container runs (crun cannot run here to compare)"
fi

port=$((20000 + $$ % 20000))
podman $N run -d --name nb-web --network=slirp4netns -p "127.0.0.1:$port:80" localhost/nb-test:1 httpd -f -p 80 -h /etc >/dev/null
i=0; until curl -s -o /dev/null "http://127.0.0.1:$port/" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
is "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" "404" "--network=slirp4netns -p: the server inside answers on the host's loopback"
podman rm -f -t 0 nb-web >/dev/null

# A pod: its containers join the infra container's network, IPC and UTS
# namespaces by path.
if podman $N pod create --name nb-pod >/dev/null 2>"$T_TMP/err"; then
	podman $N run -d --pod nb-pod --name nb-p1 localhost/nb-test:1 sleep 300 >/dev/null
	A=$(podman exec nb-p1 sh -c 'for n in ipc uts net; do readlink /proc/self/ns/$n; done; hostname' | tr '\n' ' ')
	B=$(podman $N run --rm --pod nb-pod localhost/nb-test:1 sh -c 'for n in ipc uts net; do readlink /proc/self/ns/$n; done; hostname' | tr '\n' ' ')
	like "$A" "^ipc:.* nb-pod $" "a container of a pod: the pod's host name"
	is "$B" "$A" "two containers of a pod share their network, IPC and UTS namespaces"
	podman pod rm -f -t 0 nb-pod >/dev/null
else
	skip "podman cannot create a pod here: $(tail -n 1 "$T_TMP/err")" 2
fi

is "$(podman $N run --rm --userns=keep-id localhost/nb-test:1 id -u)" "$(id -u)" "--userns=keep-id: your uid inside"
control "--userns=keep-id" "$(id -u)
rc=0" run --rm --userns=keep-id localhost/nb-test:1 id -u
done_testing
