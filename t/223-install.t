#!/bin/sh
# An install is relocatable (issue 16, item 6): installed with `make
# install` under a PREFIX and DESTDIR other than the ones it was built
# with, nestbox finds its profiles and its unpacker from where the binary
# is, not from the compiled-in paths. From the build tree it finds
# conf/profiles, so the README's --profile commands work before an install.
. "$(dirname "$0")/lib/tap.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/GNUmakefile" ] || skip_all "needs the GNUmakefile beside t/"
command -v make >/dev/null || skip_all "needs make"

inst=$T_TMP/inst
make -s -C "$top" install-files BIN="$NESTBOX" DESTDIR="$inst" PREFIX=/opt/nestbox-elsewhere >"$T_TMP/make" 2>&1
is "$?" 0 "make install-files into a DESTDIR with another PREFIX" "$(cat "$T_TMP/make")"
nb=$inst/opt/nestbox-elsewhere/bin/nestbox
[ -x "$nb" ] || skip_all "nothing was installed"

out=$(cd / && env -u NB_PROFILE_PATH "$nb" run --profile desktop -- true 2>&1)
is "$?" 0 "--profile desktop is found beside the relocated binary" "$out"
out=$(cd / && env -u NB_PROFILE_PATH "$nb" run --profile nonesuch -- true 2>&1)
like "$out" "in [^ ]*:$inst/opt/nestbox-elsewhere/share/nestbox/profiles\)" "the search path names the relocated directory"

if have_subids && command -v tar >/dev/null; then
	mkdir -p "$T_TMP/src/etc"
	echo hi >"$T_TMP/src/etc/hostname"
	tar -C "$T_TMP/src" -cf "$T_TMP/img.tar" etc
	(cd / && "$nb" import "$T_TMP/img.tar" "$T_TMP/rootfs") >"$T_TMP/imp" 2>&1
	is "$?:$(cat "$T_TMP/rootfs/etc/hostname" 2>/dev/null)" "0:hi" "import finds its unpacker in the relocated libexec" "$(cat "$T_TMP/imp")"
else
	skip "import needs a subordinate range and tar" 1
fi

# From the build tree: conf/profiles beside the binary.
out=$(cd / && env -u NB_PROFILE_PATH "$top/nestbox" run --profile desktop -- true 2>&1)
is "$?" 0 "from the build tree, --profile desktop is conf/profiles/desktop.ini" "$out"
done_testing
