#!/bin/sh
# HOME and PATH are the sandbox's own where the caller's make no sense
# (issue 16, item 3): root inside has /root and a PATH with the sbin
# directories (useradd, dpkg's tools); in a --rootfs, HOME is the
# rootfs's own entry for the uid. --env overrides both; a plain run keeps
# the caller's.
. "$(dirname "$0")/lib/tap.sh"
sys_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

run_nb_env PATH=/usr/bin:/bin run -- sh -c 'echo "$HOME|$PATH"'
is "$OUT" "$HOME|/usr/bin:/bin" "a plain run keeps the caller's HOME and PATH"

run_nb_env PATH=/usr/bin:/bin run --root -- sh -c 'echo "$HOME|$PATH"; cd && touch f && stat -c "%U %a" .'
is "$OUT" "/root|$sys_path
root 700" "--root: HOME is /root, empty, writable and root's; PATH has the sbin directories"
run_nb run --root -- sh -c 'command -v useradd || echo none'
like "$OUT" "^(/usr)?/s?bin/useradd$|^none$" "useradd is found where the system has it"
run_nb run --root --env HOME=/tmp --env PATH=/bin -- sh -c 'echo "$HOME|$PATH"'
is "$OUT" "/tmp|/bin" "--env HOME and --env PATH win"

rootfs=$T_TMP/rootfs
sh "$(dirname "$0")/lib/mkrootfs" "$rootfs" || skip_all "needs busybox-static for a rootfs (package busybox-static)"
printf 'u:x:1000:1000:u:/home/u:/bin/sh\n' >>"$rootfs/etc/passwd"
mkdir -p "$rootfs/home/u"
run_nb run --rootfs "$rootfs" --uid 1000 --gid 1000 --map=single -- sh -c 'echo "$HOME|$PATH"'
is "$OUT" "/home/u|$sys_path" "--rootfs: HOME from its passwd entry for the uid, and the system PATH"
run_nb run --rootfs "$rootfs" --uid 1001 --gid 1001 --map=single -- sh -c 'echo "$HOME"; grep ":1001:" /etc/passwd | cut -d: -f6'
is "$OUT" "$HOME
$HOME" "--rootfs without an entry: the added entry's home is the one set"
done_testing
