#!/bin/sh
# The nestbox oci vs crun rows of bench/run, inside the t/vm guest: crun
# refuses this project's hybrid-cgroup host ("cgroups in hybrid mode not
# supported"), the pure cgroup v2 guest runs it. The same rootless bundle
# (busybox, `true`), each runtime with a state directory of its own,
# interleaved by bench/abrun. Run by bench/run as
#   sh t/vm/run bench/vm-oci.t
# and prints the abrun row as a "# row:" line. The guest runs under TCG,
# so absolute times are inflated; the ratio is what carries over.
[ "${NB_VM:-}" = 1 ] || { echo "1..0 # SKIP runs inside the test vm: sh t/vm/run $0"; exit 0; }
command -v crun >/dev/null || { echo "1..0 # SKIP crun is not installed"; exit 0; }
echo "1..3"
T=$(mktemp -d)
B=$T/bundle
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/sys"
cp "$(command -v busybox)" "$B/rootfs/bin/busybox" && ln -s busybox "$B/rootfs/bin/true"
(cd "$B" && "$NESTBOX" oci spec --rootless) &&
	python3 -c "import json, sys
c = json.load(open(sys.argv[1]))
c['ociVersion'] = '1.0.2'   # crun 1.8 takes 1.0.x only
c['process']['args'] = ['true']
json.dump(c, open(sys.argv[1], 'w'))" "$B/config.json"
# Both run in a delegated cgroup of their own, as under systemd --user.
D=/sys/fs/cgroup/deleg
S=$D/bench$$
mkdir "$S" && echo $$ >"$S/cgroup.procs" || { echo "not ok 1 - a delegated scope"; exit 1; }
echo "ok 1 - a delegated scope"
if crun --root "$T/crun" run --bundle "$B" probe && "$NESTBOX" oci --root "$T/nb" run --bundle "$B" probe; then
	echo "ok 2 - both runtimes run the bundle"
else
	echo "not ok 2 - both runtimes run the bundle"
	exit 1
fi
i=0
row=$(bench/abrun -n "${NB_BENCH_VM_RUNS:-20}" -l "9. nestbox oci run vs crun run, same bundle (in the VM)" :: \
	sh -c 'exec "$0" oci --root "$1" run --bundle "$2" "b$$"' "$NESTBOX" "$T/nb" "$B" :: \
	sh -c 'exec crun --root "$0" run --bundle "$1" "b$$"' "$T/crun" "$B")
rc=$?
echo "# row: $row"
[ $rc = 0 ] && echo "ok 3 - measured" || echo "not ok 3 - measured"
rm -rf "$T"
