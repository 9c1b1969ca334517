#!/bin/sh
# nestbox import unpacks as root of a user namespace: the tarball must not
# decide who owns DIR, or open it to everyone. A './' member of mode 0777
# and owner 1000 would make DIR world-writable and owned by a subordinate
# uid: another user could then plant files (and links) in it.
. "$(dirname "$0")/lib/tap.sh"
require_user
have_subids || skip_all "import needs a subordinate range; $(id -un) has none"

src=$T_TMP/src
mkdir -p "$src/etc"
echo x >"$src/etc/file"
chmod 0777 "$src"
tarball=$T_TMP/open.tar
tar -C "$src" -cf "$tarball" --owner=1000 --group=1000 .
like "$(tar --numeric-owner -tvf "$tarball" | head -n 1)" '^drwxrwxrwx 1000/1000 .* \./$' "the tarball's ./ member is 0777, owned by 1000"

me="$(id -u):$(id -g)"
new=$T_TMP/new
run_nb import "$tarball" "$new"
exit_is 0 "import into a new DIR succeeds"
is "$(stat -c '%u:%g' "$new")" "$me" "the new DIR is the caller's"
is "$(stat -c '%a' "$new")" "$(printf '%o' $((0777 & ~$(umask))))" "with the mode the caller's umask gives, not 0777"
is "$(cat "$new/etc/file")" x "and holds the tarball's files"

old=$T_TMP/old
mkdir -m 0750 "$old"
run_nb import "$tarball" "$old"
exit_is 0 "import into an existing empty DIR succeeds"
is "$(stat -c '%u:%g %a' "$old")" "$me 750" "the existing DIR keeps its owner and its mode 0750"
done_testing
