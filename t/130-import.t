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
exit_is 0 "import of a gzip tarball succeeds"
like "$ERR" "warning: import: skipped 1 device node \(dev/null\): creating device nodes needs real root" "the device node is reported and skipped"
like "$ERR" "warning: import: refused 1 member with '\.\.' \(\.\./evil\)" "the ../ member is refused"
is "$(printf '%s\n' "$ERR" | wc -l)" 2 "in one line each"
test -e "$T_TMP/evil"
isnt $? 0 "nothing is written outside DIR"

is "$(stat -c '%u:%g' "$dest/etc/shadow")" "$(id -u):$((subg + 41))" "root:shadow maps to you:subgid+41 outside"
is "$(stat -c '%u:%g' "$dest/home/user/file")" "$((sub + 999)):$((subg + 999))" "1000:1000 maps to subuid+999 outside"
is "$(stat -c '%a' "$dest/bin/tool")" 4755 "the setuid bit is kept"
is "$(stat -c '%h' "$dest/etc/shadow")" 2 "the hard link is kept"

run_nb run --root --rootfs "$dest" --ro-bind /bin/busybox:/bin/busybox -- /bin/busybox ls -ln /etc/shadow /home/user/file
like "$OUT" "-rw-r----- +2 +0 +42 .* /etc/shadow" "inside, /etc/shadow is root:42 again"
like "$OUT" " 1000 +1000 .* /home/user/file" "and the user's file 1000:1000"

dest2=$T_TMP/imported2
"$NESTBOX" import - "$dest2" <"$tarball" 2>/dev/null
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

done_testing
