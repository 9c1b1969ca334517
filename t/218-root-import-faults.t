#!/bin/sh
# nestbox import when it cannot finish: a full filesystem, a truncated
# gzip image, a SIGKILL half-way. Each failure is one nestbox: line that
# says how far it got; nothing this run made is left, a DIR that existed
# before is left as it was, and no tree that looks complete ever sits
# under DIR's name. Needs root for a small tmpfs; imports run as nbtest.
. "$(dirname "$0")/lib/tap.sh"
require_root
id nbtest >/dev/null 2>&1 || skip_all "make check provisions the user nbtest"
grep -q '^nbtest:' /etc/subuid || skip_all "nbtest has no range in /etc/subuid"

W=$(mktemp -d /tmp/nb218.XXXXXX)
chmod 755 "$W"
chown nbtest "$W"
mkdir "$W/small"
mount -t tmpfs -o size=2m,mode=755,uid="$(id -u nbtest)" nestbox-t218 "$W/small" ||
	skip_all "cannot mount a small tmpfs"
cleanup() { umount "$W/small" 2>/dev/null; rm -rf "$W"; t_cleanup; }
trap cleanup EXIT
as() { as_user nbtest "$@"; }
lines() { printf '%s\n' "$1" | wc -l; }
siblings() { ls -a "$1" | grep -c 'nestbox-import'; }

# An image of six 1 MiB files (incompressible) and a few small ones.
mkdir -p "$W/src/etc" "$W/src/data"
echo hi >"$W/src/etc/hostname"
for i in 1 2 3 4 5 6; do head -c 1048576 /dev/urandom >"$W/src/data/blob$i"; done
tar -C "$W/src" -cf "$W/img.tar" --owner=0 --group=0 etc data
gzip -c "$W/img.tar" >"$W/img.tar.gz"
head -c 3000000 "$W/img.tar.gz" >"$W/trunc.tar.gz"
chmod a+r "$W"/*.tar "$W"/*.tar.gz
files=$(tar -tf "$W/img.tar" | grep -vc '/$')

# A full filesystem.
err=$(as "$NESTBOX" import "$W/img.tar" "$W/small/rootfs" 2>&1 </dev/null)
is "$?" 125 "import into a full filesystem fails with 125"
like "$err" "^nestbox: import: unpacking $W/img.tar into $W/small/rootfs stopped after [0-9.]+ (MiB|KiB): .*No space left on device \(hint: " \
	"one line gives the cause and how much was unpacked" "$err"
is "$(lines "$err")" 1 "one line, not tar's hundreds"
is "$(ls -A "$W/small")" "" "nothing it made is left on the filesystem"

# A truncated gzip image.
err=$(as "$NESTBOX" import "$W/trunc.tar.gz" "$W/t" 2>&1 </dev/null)
is "$?" 125 "a truncated gzip image fails with 125"
like "$err" "^nestbox: import: unpacking $W/trunc.tar.gz into $W/t (stopped after [0-9.]+ (MiB|KiB)|failed): gzip: stdin: unexpected end of file \(hint: " \
	"one nestbox: line, with gzip's reason in it" "$err"
is "$(lines "$err")" 1 "no blank line, no unprefixed gzip line"
test -e "$W/t"
isnt "$?" 0 "DIR is not left behind"
is "$(siblings "$W")" 0 "nor the temporary tree"

# A DIR that existed before (empty) is left as it was.
as mkdir -m 750 "$W/empty"
as "$NESTBOX" import "$W/trunc.tar.gz" "$W/empty" </dev/null 2>/dev/null
is "$?:$(stat -c '%a %U' "$W/empty"):$(ls -A "$W/empty")" "125:750 nbtest:" "an empty DIR that existed is kept, empty, mode and owner unchanged"
as "$NESTBOX" import "$W/img.tar" "$W/empty" </dev/null 2>/dev/null
is "$?:$(stat -c %a "$W/empty"):$(cat "$W/empty/etc/hostname")" "0:750:hi" "a good import into it keeps its mode"
as mkdir "$W/full"
as touch "$W/full/mine"
err=$(as "$NESTBOX" import "$W/img.tar" "$W/full" 2>&1 </dev/null)
is "$?:$err" "125:nestbox: import: $W/full is not empty (hint: import into a new or empty directory)" "a DIR with files in it is refused, untouched"

# SIGKILL half-way: the image comes through a pipe that stops after its
# first part, so the kill lands while files are being written, every time.
# A pipe of each round's own: what a killed round left unread in it must
# not become the start of the next round's image.
never=0 caught=0
for round in 1 2 3 4 5; do
	rm -f "$W/pid" "$W/pipe"
	mkfifo "$W/pipe"
	chown nbtest "$W/pipe"
	(as sh -c 'echo $$ >"$1/pid"; exec "$2" import - "$1/k" <"$1/pipe" 2>/dev/null' sh "$W" "$NESTBOX") 2>/dev/null &
	runner=$!
	exec 7>"$W/pipe"
	head -c 2000000 "$W/img.tar" >&7 2>/dev/null &
	feeder=$!
	pid=$(cat "$W/pid")
	i=0
	until ls "$W/k.nestbox-import-$pid-"*/data/blob1 >/dev/null 2>&1 || [ $i -ge 200 ]; do sleep 0.05; i=$((i + 1)); done
	[ $i -lt 200 ] && caught=$((caught + 1))
	kill -KILL "$pid"
	wait "$runner" 2>/dev/null
	exec 7>&-
	wait "$feeder" 2>/dev/null
	[ -e "$W/k" ] && never=$((never + 1))
done
is "$caught" 5 "5 imports were killed while they wrote files"
is "$never" 0 "5 imports killed half-way: DIR never appears under its name"
left=$(siblings "$W")
ok "$([ "$left" -ge 1 ] && echo 0 || echo 1)" "what they unpacked sits in temporary siblings ($left)"
i=0
# The killed runs' sandboxes die with them (die-with-parent); wait for that.
while ps -u nbtest -o comm= | grep -Eqx 'nestbox-init|tar|gzip' && [ $i -lt 100 ]; do
	sleep 0.05; i=$((i + 1))
done
as "$NESTBOX" import "$W/img.tar" "$W/k" </dev/null 2>/dev/null
is "$?:$(find "$W/k" -type f | wc -l)" "0:$files" "the next import into DIR succeeds, whole"
is "$(siblings "$W")" 0 "and removes the siblings the killed runs left"
done_testing
