#!/bin/sh
# Names that only an NSS module knows (sssd, LDAP, FreeIPA on HPC login
# nodes) reach nestbox through getent(1) and getsubids(1), never through
# modules loaded into it: nestbox is a static binary. Root makes a mount
# namespace where nbtest is missing from /etc/passwd, nsswitch.conf names
# "sss", and getent and getsubids are stand-ins that log their calls.
. "$(dirname "$0")/lib/tap.sh"
require_root
id nbtest >/dev/null 2>&1 || skip_all "make check provisions the user nbtest"
grep -q '^nbtest:' /etc/subuid || skip_all "nbtest has no range in /etc/subuid"
command -v unshare >/dev/null && command -v setpriv >/dev/null || skip_all "unshare or setpriv (util-linux) is missing"
[ -x /usr/bin/getent ] && [ -x /usr/bin/getsubids ] || skip_all "getent or getsubids is missing (libc-bin, uidmap)"

uid=$(id -u nbtest) gid=$(id -g nbtest)
line=$(grep "^nbtest:" /etc/passwd)
start=$(grep '^nbtest:' /etc/subuid | head -n 1 | cut -d: -f2)
d=$T_TMP/nss
mkdir -p "$d" && chmod 755 "$T_TMP" "$d"
grep -v "^nbtest:" /etc/passwd >"$d/passwd"
printf 'passwd: files sss\ngroup: files\n' >"$d/nsswitch-passwd"
printf 'passwd: files sss\ngroup: files\nsubid: sss\n' >"$d/nsswitch-subid"
: >"$d/log" && chmod 666 "$d/log"
cat >"$d/getent" <<EOS
#!/bin/sh
echo "getent \$*" >>$d/log
[ "\$*" = "passwd $uid" ] && echo '$line' && exit 0
exit 2
EOS
cat >"$d/getsubids" <<EOS
#!/bin/sh
echo "getsubids \$*" >>$d/log
[ "\$1" = -g ] && echo "0: nbtest 400000 65536" && exit 0
echo "0: nbtest 300000 65536"
EOS
chmod 755 "$d/getent" "$d/getsubids"

# in_ns NSSWITCH CMD...: CMD as nbtest's ids (setpriv: runuser would look
# the name up), in a mount namespace with the fakes.
in_ns() {
	sw=$1
	shift
	uid=$uid gid=$gid unshare -m --propagation private sh -c '
		d=$1 sw=$2; shift 2
		mount --bind "$d/passwd" /etc/passwd &&
		mount --bind "$d/$sw" /etc/nsswitch.conf &&
		mount --bind "$d/getent" /usr/bin/getent &&
		mount --bind "$d/getsubids" /usr/bin/getsubids &&
		exec env -i PATH="$PATH" HOME=/home/nbtest setpriv --reuid=$uid --regid=$gid --clear-groups -- "$@"' \
		sh "$d" "$sw" "$@"
}

out=$(in_ns nsswitch-passwd "$NESTBOX" run --dry-run -- true 2>&1)
is "$?" 0 "a user known only to NSS: --dry-run works" "$out"
like "$(cat "$d/log")" "getent passwd $uid" "the name was asked of getent"
like "$out" "uid: 0 $start " "and its /etc/subuid line, by name, gives the map"

: >"$d/log"
out=$(in_ns nsswitch-subid "$NESTBOX" run --dry-run -- true 2>&1)
is "$?" 0 "a subid: source: --dry-run works" "$out"
like "$(cat "$d/log")" "getsubids nbtest" "the uid ranges were asked of getsubids"
like "$(cat "$d/log")" "getsubids -g nbtest" "and the gid ranges"
like "$out" "uid: 0 300000 " "the uid map is getsubids' range"
like "$out" "gid: 0 400000 " "the gid map too"
out=$(in_ns nsswitch-subid "$NESTBOX" doctor 2>&1)
like "$out" "subuid.*65536" "doctor reports the range it got"

# A stand-in that fails: the files answer, as before.
printf '#!/bin/sh\nexit 1\n' >"$d/getsubids"
out=$(in_ns nsswitch-subid "$NESTBOX" run --dry-run -- true 2>&1)
like "$out" "uid: 0 $start " "a failing getsubids: /etc/subuid's range"

# No process of the stand-ins is left.
is "$(pgrep -u nbtest -f "$d/" | wc -l)" 0 "no stand-in left running"
done_testing
