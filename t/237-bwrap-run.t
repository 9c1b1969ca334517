#!/bin/sh
# nestbox bwrap (issue 15), part 2: what a sandbox made through bwrap's
# command line holds and does: the view and its modes, descriptors,
# locks, lifetime, joined namespaces, seccomp programs, overlays, and
# nestbox's own options beside bwrap's. As the unprivileged test account;
# every process started here is ended by pid.
. "$(dirname "$0")/lib/tap.sh"
require_user
B="$T_TMP/bwrap"
ln -s "$NESTBOX" "$B"
# The host files live in /var/tmp: the sandboxes get a /tmp of their own.
P=$(mktemp -d /var/tmp/nb237.XXXXXX)
pids=
cleanup() { for p in $pids; do kill -9 "$p" 2>/dev/null; done; rm -rf "$P"; t_cleanup; }
trap cleanup EXIT
# As bwrap's tests: the host's root, and a /tmp and /dev of the sandbox's
# (the host's /dev through a bind is nodev, as in bwrap).
RUN="$B --bind / / --dev /dev --tmpfs /tmp"

# --- the view ---------------------------------------------------------------
OUT=$("$B" --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --dir /etc sh -c 'ls -a /; touch /new && echo writable')
is "$(echo "$OUT" | tr '\n' ' ')" ". .. bin etc lib lib64 usr writable " "no default view: an empty root of what was asked for, and writable, as bwrap's"
mkdir "$P/d"; : >"$P/f"
$RUN --bind "$P/d" "$P/mp-dir" --bind "$P/f" "$P/mp-file" true
is "$(stat -c %a "$P/mp-dir") $(stat -c %a "$P/mp-file")" "755 444" "mount points made for binds: directories 0755, files 0444"
mkdir -m 0710 "$P/existed"
$RUN --perms 1741 --dir "$P/new1741" --dir "$P/existed" --dir "$P/plain" --perms 0750 --dir "$P/par/child" true
is "$(stat -c %a "$P/new1741") $(stat -c %a "$P/existed") $(stat -c %a "$P/plain") $(stat -c %a "$P/par")" "1741 710 755 750" \
	"--dir: --perms exactly, an existing directory untouched, parents no more open than the mode"
OUT=$($RUN --perms 01777 --size 1048576 --tmpfs /tmp/t sh -c 'stat -c %a /tmp/t; df --output=size --block-size=1K /tmp/t | tail -n 1')
is "$(echo $OUT)" "1777 1024" "--tmpfs with --perms and --size"
OUT=$(echo data | $RUN --file 0 /tmp/f1 sh -c 'stat -c %a /tmp/f1; cat /tmp/f1')
is "$(echo $OUT)" "666 data" "--file FD: a new file of the data, 0666"
OUT=$(echo data | $RUN --perms 0640 --ro-bind-data 0 /tmp/f2 sh -c 'stat -c %a /tmp/f2; cat /tmp/f2; echo x 2>/dev/null >/tmp/f2 || echo read-only')
is "$(echo $OUT)" "640 data read-only" "--ro-bind-data with --perms: the data, read-only"
echo keep >"$P/host-file"
echo new | $RUN --file 0 "$P/host-file" true
is "$(cat "$P/host-file")" "keep" "--file over an existing host file binds a copy: the host file is never truncated"
$RUN --symlink /dev/null "$P/link" --symlink /dev/null "$P/link" true
ok $? "--symlink: the same link again is no error"
run_nb bwrap --bind / / --symlink /dev/full "$P/link" true
like "$ERR" "Can't make symlink at $P/link: existing destination is /dev/null" "another target is refused, in bwrap's words"
OUT=$($RUN --dev /dev ls /dev | tr '\n' ' ')
is "$OUT" "core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " "--dev: bwrap's /dev, core included"
OUT=$($RUN --tmpfs /tmp/x --chmod 0700 /tmp/x --dir "$P/made" --chmod 1701 "$P/made" stat -c %a /tmp/x)
is "$OUT:$(stat -c %a "$P/made")" "700:1701" "--chmod: in the sandbox's own tmpfs, and on what this run made"
# Each --dev is two directories of one staging tmpfs: noted once as the
# sandbox's own, they leave room for the tmpfs after them.
devs=; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do devs="$devs --dev /tmp/d$i"; done
OUT=$($RUN $devs --tmpfs /tmp/x --chmod 0700 /tmp/x stat -c %a /tmp/x 2>&1)
is "$OUT" "700" "--chmod in a tmpfs after 17 --dev"
chmod 644 "$P/host-file"
run_nb bwrap --bind / / --chmod 0777 "$P/host-file" true
like "$RC:$ERR:$(stat -c %a "$P/host-file")" "^1:nestbox: --chmod 777 $P/host-file: neither in a tmpfs .*:644$" \
	"--chmod of another host file is refused (bwrap would change it): nestbox changes no host file's mode"
OUT=$($RUN --remount-ro /tmp sh -c 'touch /tmp/x 2>/dev/null && echo rw || echo ro')
is "$OUT" "ro" "--remount-ro"
OUT=$($RUN --unshare-ipc --mqueue /tmp/mq sh -c 'grep -c " /tmp/mq mqueue " /proc/self/mounts')
is "$OUT" "1" "--mqueue"
OUT=$($RUN --tmpfs /run --ro-bind-try /proc/self/ns/user /run/.userns sh -c 'test -e /run/.userns && echo bound')
is "$OUT" "bound" "a magic link named under /proc is a bind source, as Flatpak binds /proc/self/ns/user"
echo x >"$P/d/f"
OUT=$($RUN --bind-fd 5 /tmp/bound cat /tmp/bound/f 5<"$P/d")
is "$OUT" "x" "--bind-fd: an open directory bound"

# --- overlays -----------------------------------------------------------------
cd "$P" && mkdir lower1 lower2 upper work && echo 1 >lower1/a && echo 2 >lower1/b && echo 3 >lower2/b && echo 4 >upper/a
if ! unshare -rm mount -t overlay -o lowerdir=lower1,upperdir=upper,workdir=work,userxattr overlay lower2 2>/dev/null; then
	skip "no unprivileged overlayfs in this kernel" 4
else
	OUT=$($RUN --overlay-src lower1 --overlay-src lower2 --overlay upper work /tmp/o sh -c 'cat /tmp/o/a /tmp/o/b; echo 5 >/tmp/o/b')
	is "$(echo $OUT):$(cat upper/b)" "4 3:5" "--overlay: the last --overlay-src on top, writes to RWSRC"
	OUT=$($RUN --overlay-src lower1 --tmp-overlay /tmp/o sh -c 'echo 9 >/tmp/o/a; cat /tmp/o/a')
	is "$OUT:$(cat lower1/a)" "9:1" "--tmp-overlay: writes stay in the sandbox"
	OUT=$($RUN --overlay-src lower1 --overlay-src lower2 --ro-overlay /tmp/o sh -c 'echo 9 2>/dev/null >/tmp/o/b; cat /tmp/o/b')
	is "$OUT" "3" "--ro-overlay: read-only"
	mkdir 'l ":,\' 'u ":,\' 'w ":,\' && echo 1 >'l ":,\'/a
	OUT=$($RUN --overlay-src 'l ":,\' --overlay 'u ":,\' 'w ":,\' /tmp/o sh -c 'cat /tmp/o/a; echo 2 >/tmp/o/a')
	is "$OUT:$(cat 'u ":,\'/a)" "1:2" "paths with : , \" and \\ work"
fi
cd /

# The host's / bound: its /tmp is the host's, and nothing of how nestbox
# built the view (its staging tmpfs, on the host's /tmp there) comes with it.
mkdir -p "$T_TMP/seen" && : >"$T_TMP/seen/host-tmp-file"
OUT=$("$B" --ro-bind / / --proc /proc --dev /dev sh -c 'ls "$1"; wc -l </proc/self/mountinfo; grep -c newroot /proc/self/mountinfo' sh "$T_TMP/seen")
N_HOST=$(wc -l </proc/self/mountinfo)
is "$(echo "$OUT" | sed -n 1p) $(echo "$OUT" | sed -n 3p)" "host-tmp-file 0" "--ro-bind / /: the host's /tmp as it is, and no staging mount in the view"
[ "$(echo "$OUT" | sed -n 2p)" -le $((N_HOST + 16)) ]
ok $? "--ro-bind / /: the host's mounts, /proc's and /dev's, nothing more ($(echo "$OUT" | sed -n 2p) against $N_HOST on the host)"

# --- descriptors, locks, lifetime ---------------------------------------------
OUT=$($RUN --ro-bind / / sh -c 'cat <&7' 7<"$P/host-file")
is "$OUT" "keep" "inherited descriptors stay open"
mkfifo "$P/block"
exec 8<>"$P/block"
$RUN --block-fd 8 sh -c 'echo ran >'"$P/blocked" &
bg=$!; pids="$pids $bg"
sleep 0.3
is "$(cat "$P/blocked" 2>/dev/null)" "" "--block-fd: the command waits for data"
echo go >&8
wait "$bg"
exec 8>&-
is "$(cat "$P/blocked")" "ran" "and runs once it comes"
# locked FILE: someone holds a lock on FILE. F_GETLK only asks: taking a
# lock to see would make the sandbox's own attempt fail, as it does bwrap's.
locked() { /usr/bin/python3 -c 'import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
l = fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack("hhqqixxxx", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0))
sys.exit(struct.unpack("hhqqixxxx", l)[0] == fcntl.F_UNLCK)' "$1"; }
: >"$P/lock"
sh -c '"$0" --bind / / --tmpfs /tmp --die-with-parent --lock-file "$1" sleep 600; :' "$B" "$P/lock" &
caller=$!; pids="$pids $caller"
i=0; until locked "$P/lock" || [ $i -ge 200 ]; do sleep 0.05; i=$((i + 1)); done
locked "$P/lock"
ok $? "--lock-file: the sandbox holds a lock on it while it runs"
kill -9 "$caller"
i=0; while locked "$P/lock" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
locked "$P/lock"
isnt $? 0 "--die-with-parent: its caller SIGKILLed, the sandbox is gone and the lock with it"
mkfifo "$P/sync"
$RUN --unshare-pid --sync-fd 9 sh -c 'exec 9>&-; sleep 0.5; echo done >'"$P/synced" 9>"$P/sync" &
sb=$!; pids="$pids $sb"
cat "$P/sync" >/dev/null
is "$(cat "$P/synced" 2>/dev/null)" "done" "--sync-fd: EOF only once the sandbox has ended, though the command closed its copy"
wait "$sb"

# --- info, joined namespaces ------------------------------------------------------
$RUN --info-fd 3 --unshare-pid --unshare-ipc sh -c 'readlink /proc/self/ns/user /proc/self/ns/pid /proc/self/ns/ipc >'"$P/ns1"'; while [ ! -e '"$P/done"' ]; do sleep 0.05; done' 3>"$T_TMP/info" &
s1=$!; pids="$pids $s1"
wait_for "$P/ns1" pid
pid=$(sed -n 's/.*"child-pid": \([0-9]*\).*/\1/p' "$T_TMP/info")
is "$(readlink /proc/$pid/ns/user /proc/$pid/ns/pid /proc/$pid/ns/ipc)" "$(cat "$P/ns1")" \
	"--info-fd's child-pid can be inspected by the caller: /proc/PID/ns/* are the sandbox's"
OUT=$($RUN --userns 6 --pidns 7 readlink /proc/self/ns/user /proc/self/ns/pid 6</proc/$pid/ns/user 7</proc/$pid/ns/pid)
is "$OUT" "$(head -n 2 "$P/ns1")" "--userns and --pidns join them"
OUT=$($RUN --userns 6 --unshare-pid --proc /proc sh -c 'readlink /proc/self/ns/user; echo $$; cat /proc/1/comm' 6</proc/$pid/ns/user)
is "$(echo $OUT)" "$(head -n 1 "$P/ns1") 2 nestbox-init" "--userns with --unshare-pid: a new PID namespace in the joined user namespace, with nestbox's init as its pid 1"
: >"$P/done"
wait "$s1"
# --userns2: a user namespace made inside the first, entered once the view is built.
$RUN --info-fd 3 sh -c 'unshare -U -r sh -c "readlink /proc/self/ns/user >'"$P/ns2"'; echo \$\$ >'"$P/inner"'; while [ ! -e '"$P/done2"' ]; do sleep 0.05; done"' 3>"$T_TMP/info2" &
s2=$!; pids="$pids $s2"
wait_for "$P/inner" '[0-9]'
pid=$(sed -n 's/.*"child-pid": \([0-9]*\).*/\1/p' "$T_TMP/info2")
inner=$(cat "$P/inner")
OUT=$($RUN --userns 6 --userns2 7 --uid 0 --gid 0 sh -c 'readlink /proc/self/ns/user; id -u' 6</proc/$pid/ns/user 7</proc/$inner/ns/user)
is "$(echo $OUT)" "$(cat "$P/ns2") 0" "--userns2: the command runs in the second namespace, as its root"
# Entering it gives the bounding set back whole: it is cut there.
OUT=$($RUN --userns 6 --userns2 7 --uid 0 --gid 0 --cap-add cap_chown grep CapBnd /proc/self/status 6</proc/$pid/ns/user 7</proc/$inner/ns/user)
is "$(echo $OUT | tr -s '\t' ' ')" "CapBnd: 0000000000000001" "--userns2: the bounding set is cut in the second namespace"
: >"$P/done2"
wait "$s2"
OUT=$($RUN --unshare-user --disable-userns sh -c 'unshare -U true 2>/dev/null && echo made || echo refused')
is "$OUT" "refused" "--disable-userns"
run_nb bwrap --bind / / --assert-userns-disabled true
like "$RC:$ERR" "^1:nestbox: creation of new user namespaces was not disabled as requested" "--assert-userns-disabled fails where they are not"

# --- seccomp programs -----------------------------------------------------------
if /usr/bin/python3 -c 'import seccomp' 2>/dev/null; then
	/usr/bin/python3 -c 'import seccomp, errno, sys
f = seccomp.SyscallFilter(seccomp.ALLOW)
for c in ("chmod", "fchmod", "fchmodat", "fchmodat2"):
    try:
        f.add_rule(seccomp.ERRNO(errno.EPERM), c)
    except Exception:
        pass
f.export_bpf(open(sys.argv[1], "wb"))' "$P/deny-chmod.bpf"
	OUT=$($RUN --seccomp 5 sh -c ': >/tmp/x; chmod 600 /tmp/x 2>/dev/null && echo allowed || echo denied' 5<"$P/deny-chmod.bpf")
	is "$OUT" "denied" "--seccomp FD: a program from libseccomp's seccomp_export_bpf() is loaded"
	OUT=$($RUN --add-seccomp-fd 5 --add-seccomp-fd 6 sh -c ': >/tmp/x; chmod 600 /tmp/x 2>/dev/null && echo allowed || echo denied' 5<"$P/deny-chmod.bpf" 6<"$P/deny-chmod.bpf")
	is "$OUT" "denied" "--add-seccomp-fd, twice"
	printf 'x' >"$P/bad.bpf"
	run_nb bwrap --bind / / --seccomp 5 true 5<"$P/bad.bpf"
	like "$RC:$ERR" "^1:nestbox: Invalid seccomp data, must be multiple of 8$" "a program of a wrong size is refused"
else
	skip "python3-seccomp is not installed (apt-get install python3-seccomp)" 3
fi

# --- nestbox's own options --------------------------------------------------------
OUT=$($RUN --dry-run --env X=1 true | tr '\n' ' ')
like "$OUT" "bubblewrap's command line.*--bind / at /.*--tmpfs /tmp" "nestbox run's long options work here too: --dry-run shows bwrap's view"
if command -v slirp4netns >/dev/null; then
	OUT=$($RUN --proc /proc --uid 0 --gid 0 --net=slirp sh -c 'grep -c tap0 /proc/net/dev')
	is "$OUT" "1" "--net=slirp gives the sandbox a network of its own"
else
	skip "slirp4netns is not installed" 1
fi
done_testing
