#!/bin/sh
# --rootfs: a real root filesystem (busybox-static), read-write or
# read-only, where root inside can add users and chown under the auto map.
. "$(dirname "$0")/lib/tap.sh"
require_user
root=$T_TMP/rootfs
sh "$(dirname "$0")/lib/mkrootfs" "$root" || skip_all "busybox-static is not installed (apt-get install busybox-static)"

run_nb run --rootfs "$root" -- sh -c 'id -u; ls /bin/busybox; cat /proc/self/uid_map | wc -l'
exit_is 0 "a busybox rootfs runs"
like "$OUT" "^$(id -u)
/bin/busybox" "with the rootfs as /"
run_nb run --rootfs "$root" -- sh -c 'ls /dev | tr "\n" " "; test -d /proc/self && echo proc; touch /tmp/t && echo tmp'
is "$OUT" "core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero proc
tmp" "it gets the same /dev, /proc and /tmp"
run_nb run --root --rootfs "$root" -- sh -c 'echo w >/made && cat /made'
is "$OUT" w "the rootfs is writable"
is "$(cat "$root/made")" w "and writes reach the directory"
run_nb run --root --rootfs "$root" --read-only -- sh -c '(echo w >/made2) 2>&1'
like "$OUT" "Read-only file system" "--read-only makes it read-only"
run_nb run --read-only -- true
exit_is 125 "--read-only without --rootfs is refused"
run_nb run --rootfs "$T_TMP/none" -- true
exit_is 125 "a missing --rootfs is an error"
like "$ERR" "^nestbox: --rootfs $T_TMP/none: No such file or directory" "naming it"
run_nb run --share=net --rootfs "$root" -- cat /etc/resolv.conf
if [ -e /etc/resolv.conf ]; then
	is "$OUT" "$(cat /etc/resolv.conf)" "with the host's network the host's resolv.conf is bound in"
else
	skip "the host has no /etc/resolv.conf"
fi

if ! have_subids; then
	skip "$(id -un) has no subordinate range" 5
	done_testing
	exit
fi
sub=$(first_subuid)
# A rootfs with its own writable /etc and the host's /usr bound in, so that
# the real useradd runs against the rootfs's passwd, group and shadow.
r2=$T_TMP/r2
mkdir -p "$r2/etc" "$r2/home" "$r2/usr"
for l in bin sbin lib lib32 lib64 libx32; do [ -d /usr/$l ] && ln -s usr/$l "$r2/$l"; done
cp /etc/login.defs "$r2/etc/" 2>/dev/null
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r2/etc/passwd"
printf 'root:x:0:\nshadow:x:42:\nusers:x:100:\n' >"$r2/etc/group"
printf 'root:*:19000:0:99999:7:::\n' >"$r2/etc/shadow"
printf 'root:*::\nshadow:*::\nusers:*::\n' >"$r2/etc/gshadow"
if [ ! -x /usr/sbin/useradd ]; then
	skip "useradd is not installed (package passwd)" 6
	done_testing
	exit
fi
run_nb run --root --rootfs "$r2" --ro-bind /usr:/usr -- sh -c 'useradd -m -u 1500 alice && id alice && touch /home/alice/f && chown alice:alice /home/alice/f && ls -ln /home/alice/f'
exit_is 0 "root inside runs useradd -m and chown under the auto map"
like "$OUT" "uid=1500\(alice\) gid=1500\(alice\)" "the user exists inside"
like "$(grep alice "$r2/etc/passwd")" "^alice:x:1500:1500:" "in the rootfs's own /etc/passwd"
is "$(stat -c '%u:%g' "$r2/home/alice/f")" "$((sub + 1499)):$(($(grep -E "^($(id -un)|$(id -u)):" /etc/subgid | head -n 1 | cut -d: -f2) + 1499))" "outside, alice's file belongs to the mapped host ids"
run_nb run --map=single --root --rootfs "$r2" --ro-bind /usr:/usr -- sh -c 'chown 1600 /etc/passwd 2>&1; setpriv --reuid=1500 --regid=1500 --clear-groups true 2>&1'
like "$OUT" "chown: changing ownership of '/etc/passwd': Invalid argument" "under the single map chown to another id fails clearly"
like "$OUT" "setpriv: .*Invalid argument|setpriv: .*Operation not permitted" "and so does becoming another user"

done_testing
