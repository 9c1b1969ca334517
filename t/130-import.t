#!/bin/sh
# nestbox import: a tarball with several owners, a setuid file, a hard link,
# a device node and a '../' member, unpacked rootlessly with owners kept.
. "$(dirname "$0")/lib/tap.sh"
require_user
have_subids || skip_all "import needs a subordinate range; $(id -un) has none"
sub=$(first_subuid)
subg=$(grep -E "^($(id -un)|$(id -u)):" /etc/subgid | head -n 1 | cut -d: -f2)

src=$T_TMP/src
mkdir -p "$src/etc" "$src/bin" "$src/home/user"
echo secret >"$src/etc/shadow"
echo hi >"$src/home/user/file"
printf '#!/bin/sh\n' >"$src/bin/tool"
chmod 4755 "$src/bin/tool"
chmod 0640 "$src/etc/shadow"
ln "$src/etc/shadow" "$src/etc/shadow.hard"
tarball=$T_TMP/img.tar
# Owners as a real image has them: root, a user 1000 and group shadow (42).
tar -C "$src" -cf "$tarball" --owner=0 --group=0 bin
tar -C "$src" -rf "$tarball" --owner=0 --group=42 etc
tar -C "$src" -rf "$tarball" --owner=1000 --group=1000 home
tar -rf "$tarball" -P --transform 's,^.*$,../evil,' "$src/etc/shadow" 2>/dev/null
tar -rf "$tarball" -P --transform 's,^/dev/null$,dev/null,' /dev/null 2>/dev/null
tar -tvf "$tarball" >"$T_TMP/listing"
like "$(cat "$T_TMP/listing")" '\.\./evil' "the tarball holds a ../ member"
like "$(cat "$T_TMP/listing")" '^c.* dev/null' "and a device node"
gzip -k "$tarball"

dest=$T_TMP/imported
run_nb import "$tarball.gz" "$dest"
exit_is 125 "an image with a '..' member: the import fails, after unpacking the rest (issue 16, item 16)"
like "$ERR" "warning: import: skipped 1 device node \(dev/null\): creating device nodes needs real root" "the device node is reported and skipped"
like "$ERR" "^nestbox: import: refused 1 member with '\.\.' \(\.\./evil\); $dest holds the rest of the image \(hint: the image is unsafe; --skip-unsafe accepts it without them\)" \
	"the ../ member is refused, counted and named"
is "$(printf '%s\n' "$ERR" | wc -l)" 2 "in one line each"
test -e "$T_TMP/evil"
isnt $? 0 "nothing is written outside DIR"
run_nb import --skip-unsafe "$tarball.gz" "$T_TMP/skip"
is "$RC:$(cat "$T_TMP/skip/home/user/file")" "0:hi" "with --skip-unsafe the same image imports, exit 0"
like "$ERR" "warning: import: left out 1 member with '\.\.' \(\.\./evil\)" "saying what it left out"
run_nb import -q --skip-unsafe "$tarball.gz" "$T_TMP/quiet"
is "$RC:$ERR" "0:" "-q: not a word"

is "$(stat -c '%u:%g' "$dest/etc/shadow")" "$(id -u):$((subg + 41))" "root:shadow maps to you:subgid+41 outside"
is "$(stat -c '%u:%g' "$dest/home/user/file")" "$((sub + 999)):$((subg + 999))" "1000:1000 maps to subuid+999 outside"
is "$(stat -c '%a' "$dest/bin/tool")" 4755 "the setuid bit is kept"
is "$(stat -c '%h' "$dest/etc/shadow")" 2 "the hard link is kept"

run_nb run --root --rootfs "$dest" --ro-bind /bin/busybox:/bin/busybox -- /bin/busybox ls -ln /etc/shadow /home/user/file
like "$OUT" "-rw-r----- +2 +0 +42 .* /etc/shadow" "inside, /etc/shadow is root:42 again"
like "$OUT" " 1000 +1000 .* /home/user/file" "and the user's file 1000:1000"

dest2=$T_TMP/imported2
"$NESTBOX" import --skip-unsafe - "$dest2" <"$tarball" 2>/dev/null
is "$?:$(cat "$dest2/home/user/file")" "0:hi" "import - reads the tarball from stdin"

run_nb import "$T_TMP/nope.tar" "$T_TMP/x"
exit_is 125 "a missing image is an error"
like "$ERR" "^nestbox: import: $T_TMP/nope.tar: No such file or directory" "naming it"
echo "not a tarball" >"$T_TMP/junk.tar"
run_nb import "$T_TMP/junk.tar" "$T_TMP/y"
exit_is 125 "a corrupt image fails"
is "$ERR" "nestbox: import: unpacking $T_TMP/junk.tar into $T_TMP/y failed: tar: This does not look like a tar archive (hint: nothing was left behind; check that the image is a tarball)" "and says why, on one line"
test -e "$T_TMP/y"
isnt $? 0 "leaving no DIR behind"
is "$(ls "$T_TMP" | grep -c nestbox-import)" 0 "and no temporary tree"


# On a terminal (issue 16, item 15): progress while it reads, then one
# line with the files, the size and the time. Not on a pipe.
if command -v script >/dev/null; then
	head -c 3000000 /dev/urandom >"$src/home/user/big"
	tar -C "$src" -cf "$T_TMP/big.tar" home
	script -qec "'$NESTBOX' import '$T_TMP/big.tar' '$T_TMP/tty'" /dev/null </dev/null >"$T_TMP/tty.out" 2>&1
	out=$(tr '\r' '\n' <"$T_TMP/tty.out" | sed 's/\x1b\[K//g' | grep -v '^$')
	like "$out" "nestbox: import: [0-9]+ files?, 2\.[0-9] MiB in [0-9.]+ s, into $T_TMP/tty" "on a terminal it ends with files, size and time"
	# A slow pipe, so that progress has time to show: half, a pause, the rest.
	mkfifo "$T_TMP/slow"
	{ head -c 1500000 "$T_TMP/big.tar"; sleep 0.8; tail -c +1500001 "$T_TMP/big.tar"; } >"$T_TMP/slow" &
	script -qec "'$NESTBOX' import - '$T_TMP/tty3' <'$T_TMP/slow'" /dev/null </dev/null >"$T_TMP/tty3.out" 2>&1
	wait
	out=$(tr '\r' '\n' <"$T_TMP/tty3.out" | sed 's/\x1b\[K//g' | grep -v '^$')
	like "$out" "nestbox: import: 1\.[0-9] MiB, [0-9.]+ (KiB|MiB|GiB)/s" "while it reads, a progress line (size unknown from a pipe)"
	is "$(cat "$T_TMP/tty3/home/user/file" 2>/dev/null)" hi "and the import completes"
	script -qec "'$NESTBOX' import -q '$T_TMP/big.tar' '$T_TMP/tty2'" /dev/null </dev/null >"$T_TMP/tty2.out" 2>&1
	is "$(cat "$T_TMP/tty2.out")" "" "-q keeps it silent on a terminal"
else
	skip "script(1) is not installed (util-linux)" 4
fi
done_testing
