#!/bin/sh
# The default view: the host's system read-only, $HOME and /home empty,
# private /tmp, /var/tmp and /run, a fresh /proc with the dangerous paths
# masked, /sys read-only, and nothing of the old root reachable.
. "$(dirname "$0")/lib/tap.sh"
require_user

mkdir -p "$HOME" 2>/dev/null
echo secret >"$HOME/nb-secret-file" 2>/dev/null
run_nb run -- sh -c 'ls -A "$HOME"; echo ---; touch "$HOME/new" && echo writable; ls /home'
is "$OUT" "---
writable
$(basename "$HOME")" "\$HOME exists, empty and writable; /home holds only it"
rm -f "$HOME/nb-secret-file"

for d in /usr /etc /bin /opt; do
	[ -e $d ] || continue
	run_nb run -- sh -c "touch $d/nb-x 2>&1"
	like "$OUT" "Read-only file system" "$d is read-only (EROFS)"
done
run_nb run -- sh -c 'touch /nb-x 2>&1'
like "$OUT" "Read-only file system" "the root itself is read-only"
run_nb run -- sh -c 'ls -A /run /var/tmp /tmp | grep -v ":$" | grep -c .'
is "$OUT" 0 "/run, /tmp and /var/tmp are empty"
run_nb run -- sh -c 'touch /run/a /var/tmp/b /tmp/c && echo ok'
is "$OUT" ok "and writable"
# They are directories of the view's own tmpfs, each bound on itself so
# that it stays writable under the read-only root: the modes and owners
# a tmpfs of its own had, and a mount point each.
run_nb run -- sh -c 'stat -c "%n %a %U" /tmp /var/tmp /run /home "$HOME"; awk "{ print \$5 }" /proc/self/mountinfo'
like "$OUT" "^/tmp 1777 .*
/var/tmp 1777 .*
/run 755 .*
/home 755 .*
$HOME 700 $(id -un)
" "/tmp and /var/tmp 1777, /run and /home 755, \$HOME 700 and the user's"
for d in /tmp /var/tmp /run /home "$HOME"; do
	echo "$OUT" | grep -qx "$d"
	ok $? "$d is a mount point"
done
OUT=$(HOME="$HOME/" "$NESTBOX" run -- sh -c 'touch "$HOME/new" && echo writable' 2>&1)
is "$OUT" "writable" "a \$HOME written with a trailing slash is made too"
# A $HOME the host's system has (read-only here) is hidden, not reused.
OUT=$(HOME=/usr/share "$NESTBOX" run -- sh -c 'ls -A "$HOME" | wc -l; touch "$HOME/new" && echo writable' 2>&1)
is "$OUT" "0
writable" "a \$HOME inside the host's /usr: empty and writable, the host's files hidden"
for f in /etc/resolv.conf /etc/hosts /etc/passwd /etc/group; do
	[ -e $f ] || continue
	run_nb run -- cat $f
	is "$OUT" "$(cat $f)" "the host's $f is visible"
done

# /proc
for f in kcore keys timer_list kmsg; do
	if [ -e /proc/$f ]; then
		run_nb run -- sh -c "head -c 64 /proc/$f 2>/dev/null | wc -c"
		is "$OUT" 0 "/proc/$f is hidden: nothing can be read"
	else
		skip "this kernel has no /proc/$f"
	fi
done
run_nb run -- awk '{ print $5, $6 }' /proc/self/mountinfo
for p in /proc/sys /proc/sysrq-trigger /proc/irq /proc/bus; do
	if [ -e $p ]; then like "$OUT" "^$p ro," "$p is read-only"; else skip "this kernel has no $p"; fi
done
like "$OUT" "^/sys ro," "/sys is read-only"
run_nb run -- ls -A /sys/firmware
is "$OUT" "" "/sys/firmware is masked"
run_nb run -- sh -c 'mkdir /sys/firmware/x 2>&1'
like "$OUT" "Read-only file system" "and the mask is read-only"

# Nothing of the old root: every mount point is one the view asked for.
run_nb run -- awk '{ print $5 }' /proc/self/mountinfo
extra=$(echo "$OUT" | grep -Ev "^(/|/(usr|bin|sbin|lib|lib32|lib64|libx32|etc|opt|tmp|var/tmp|run|home)|$HOME|/proc(/.*)?|/dev(/.*)?|/sys(/.*)?)$")
is "$extra" "" "no mount outside the view (no host mounts, no /oldroot)"
run_nb run -- sh -c 'ls -A /proc/1/root/ | tr "\n" " "; ls /proc/1/root/.. >/dev/null && echo; test -e /oldroot || echo none'
like "$OUT" "none$" "/proc/1/root/.. leads back to the new root only"

# The start directory is inside the new root.
mkdir -p "$T_TMP/deep/er"
(cd "$T_TMP/deep/er" && "$NESTBOX" run -- pwd) >"$T_TMP/pwd"
case $T_TMP in
/tmp/*) is "$(cat "$T_TMP/pwd")" "$HOME" "a cwd that the view lacks falls back to \$HOME" ;;
*) skip "TMPDIR is outside /tmp" ;;
esac
(cd "$T_TMP/deep" && "$NESTBOX" run --bind-cwd -- sh -c 'pwd; touch made-inside') >"$T_TMP/pwd"
is "$(cat "$T_TMP/pwd")" "$T_TMP/deep" "--bind-cwd starts in the current directory"
test -e "$T_TMP/deep/made-inside"
ok $? "--bind-cwd binds it read-write"

# Identity entries for ids the host files lack.
run_nb run --uid 4321 --gid 4321 -- sh -c 'id -un; id -gn; grep -c "^root:" /etc/passwd'
is "$OUT" "$(id -un)
$(id -un)
1" "an inside uid without an entry gets one, in a copy of /etc/passwd"
run_nb run --root -- id -un
is "$OUT" root "--root is root"

# Nothing the sandbox mounts shows in the caller's mount namespace, even
# where the caller's mounts are shared: the staging root goes on /tmp.
# The caller here is a namespace of its own whose mounts are all shared;
# a plain unshare -m in it (same user namespace) shows that they are.
if unshare -rm --propagation shared true 2>/dev/null; then
	cat >"$T_TMP/prop.sh" <<'PROP'
before=$(wc -l </proc/self/mountinfo)
"$1" run --map=single -- sleep 2 &
i=0
while [ $i -lt 100 ] && [ -z "$("$1" ps 2>/dev/null | sed 1d)" ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.3
during=$(wc -l </proc/self/mountinfo)
unshare -m --propagation unchanged mount -t tmpfs none /tmp
probe=$(wc -l </proc/self/mountinfo)
umount /tmp
wait
echo "$before $during $probe"
PROP
	out=$(unshare -rm --propagation shared sh "$T_TMP/prop.sh" "$NESTBOX" 2>&1)
	set -- $out
	is "$1 $2" "$1 $1" "the caller's shared mounts get nothing of the sandbox's (mounts before and during: $out)"
	is "$3" "$(($1 + 1))" "where a mount in a peer namespace does show (the check can see propagation)"
else
	skip "unshare -rm --propagation shared fails here: no user namespace for the check" 2
fi

done_testing
