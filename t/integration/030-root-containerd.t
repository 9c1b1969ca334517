#!/bin/sh
# Real containerd drives nestbox oci (issue 14) through its runc shim
# (io.containerd.runc.v2 with --runc-binary), as root, as containerd runs:
# a containerd of the test's own (root, state, sockets under the test's
# directory, the CRI plugin off), an image made offline as an OCI layout
# from busybox-static and imported with ctr, then run --rm, run -d with
# task exec, ps, kill and delete. crun is the control where this host lets
# it run. containerd is ended by its pid; the shim's socket directory,
# which containerd 1.6 keeps under /run/containerd, is removed if this
# test made it.
. "$(dirname "$0")/../lib/tap.sh"
require_root
for c in containerd ctr containerd-shim-runc-v2 busybox python3; do
	command -v "$c" >/dev/null || skip_all "$c is not installed (contrib/deps --integration: containerd)"
done
D=$T_TMP
had_run=; [ -d /run/containerd ] && had_run=yes
pid=
stop_all() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && { i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done; }
	[ -z "$had_run" ] && rm -rf /run/containerd 2>/dev/null
	t_cleanup
}
trap stop_all EXIT
cat >"$D/config.toml" <<EOF
version = 2
root = "$D/root"
state = "$D/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "$D/sock"
[ttrpc]
  address = "$D/sock.ttrpc"
EOF
containerd --config "$D/config.toml" >"$D/containerd.log" 2>&1 &
pid=$!
i=0; until ctr --address "$D/sock" version >/dev/null 2>&1 || [ $i -ge 200 ]; do sleep 0.05; i=$((i + 1)); done
ctr --address "$D/sock" version >/dev/null 2>&1 || skip_all "containerd does not start here: $(tail -n 1 "$D/containerd.log")"

# The image: one busybox layer in an OCI layout, made here.
mkdir -p "$D/img/rootfs/bin" "$D/img/blobs/sha256"
cp "$(command -v busybox)" "$D/img/rootfs/bin/busybox"
for c in sh id cat ls sleep echo; do ln -s busybox "$D/img/rootfs/bin/$c"; done
python3 - "$D/img" <<'EOF'
import gzip, hashlib, io, json, os, sys, tarfile
os.chdir(sys.argv[1])
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    open('blobs/sha256/' + d, 'wb').write(data)
    return {'digest': 'sha256:' + d, 'size': len(data)}
raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode='w') as t:
    t.add('rootfs', arcname='.')
layer = blob(gzip.compress(raw.getvalue(), mtime=0))
config = blob(json.dumps({'architecture': 'amd64', 'os': 'linux', 'config': {'Cmd': ['sh'], 'Env': ['PATH=/bin']},
    'rootfs': {'type': 'layers', 'diff_ids': ['sha256:' + hashlib.sha256(raw.getvalue()).hexdigest()]}}).encode())
manifest = blob(json.dumps({'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.manifest.v1+json',
    'config': dict(config, mediaType='application/vnd.oci.image.config.v1+json'),
    'layers': [dict(layer, mediaType='application/vnd.oci.image.layer.v1.tar+gzip')]}).encode())
json.dump({'schemaVersion': 2, 'manifests': [dict(manifest, mediaType='application/vnd.oci.image.manifest.v1+json',
    annotations={'io.containerd.image.name': 'docker.io/library/nb:1', 'org.opencontainers.image.ref.name': '1'})]},
    open('index.json', 'w'))
open('oci-layout', 'w').write('{"imageLayoutVersion": "1.0.0"}')
EOF
tar -C "$D/img" -cf "$D/img.tar" index.json oci-layout blobs
ctr --address "$D/sock" image import "$D/img.tar" >/dev/null 2>"$D/err" || skip_all "ctr cannot import the image: $(tail -n 1 "$D/err")"
ln -s "$NESTBOX" "$D/nestbox-oci"
mkdir -p "$D/fifo" "$D/runc"
c() { ctr --address "$D/sock" "$@"; }
R="--runc-binary $D/nestbox-oci --runc-root $D/runc"
inits() { ps -u 0 -o comm= | grep -c '^nestbox-init$'; }
BEFORE=$(inits)

# The cgroup v2 hierarchy, where containerd's cgroupsPath /default/ID is.
CG=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
had_default=; [ -d "$CG/default" ] && had_default=yes
OUT=$(timeout 60 ctr --address "$D/sock" run --rm --fifo-dir "$D/fifo" $R docker.io/library/nb:1 n1 sh -c 'echo out; echo err >&2; id -u; exit 7' 2>"$D/err")
is "$?:$(echo $OUT):$(cat "$D/err")" "7:out 0:err" "ctr run --rm: output, errors and exit status through the shim"
c run -d --fifo-dir "$D/fifo" $R docker.io/library/nb:1 n2 sleep 300 >/dev/null
ok $? "ctr run -d"
like "$(c task ls)" "n2 +[0-9]+ +RUNNING" "task ls: running"
is "$(cat "$CG/default/n2/cgroup.procs" 2>&1 | head -n 1)" "$(c task ls | awk '$1 == "n2" { print $2 }')" "its init is in the cgroup at containerd's cgroupsPath, /default/n2"
OUT=$(timeout 30 ctr --address "$D/sock" task exec --fifo-dir "$D/fifo" --exec-id e1 n2 sh -c 'echo inside; exit 5' 2>&1)
is "$?:$OUT" "5:inside" "task exec: output and status"
is "$(c task ps n2 | tail -n +2 | wc -l)" "2" "task ps: init and its command"
c task kill n2
i=0; until c task ls | grep -q 'n2 .*STOPPED' || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
like "$(c task ls)" "n2 +[0-9]+ +STOPPED" "task kill: SIGTERM stops it"
c task delete n2 >/dev/null && c container rm n2
ok $? "task delete and container rm"
is "$(ls "$D/runc/default" 2>/dev/null):$(inits):$(ls -d "$CG"/default/n[12] 2>/dev/null)" ":$BEFORE:" "no state, process or cgroup left"
[ -z "$had_default" ] && rmdir "$CG/default" 2>/dev/null

# The control.
if OUT=$(timeout 60 ctr --address "$D/sock" run --rm --fifo-dir "$D/fifo" --runc-binary "$(command -v crun 2>/dev/null || echo /no/crun)" \
	--runc-root "$D/crun" docker.io/library/nb:1 k1 sh -c 'echo out; exit 7' 2>&1) || [ $? -eq 7 ]; then
	is "$(echo $OUT)" "out" "the same run with crun (control)"
else
	skip "crun cannot run through containerd on this host: $(echo "$OUT" | tail -n 1 | cut -c1-120)"
fi
done_testing
