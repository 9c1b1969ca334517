#!/bin/sh
# The seccomp filter: the default allow list, custom policies, errors, and
# nested user namespaces. t/lib/sysprobe makes each call raw and reports
# the kernel's answer.
. "$(dirname "$0")/lib/tap.sh"
require_user
probe=$(cd "$(dirname "$0")" && pwd)/lib/sysprobe
[ -x "$probe" ] || skip_all "t/lib/sysprobe is not built (make check builds it)"
p() { run_nb run "$@" --ro-bind "$probe:/sysprobe" -- /sysprobe $PROBES; }

PROBES="keyctl bpf perf_event_open open_by_handle_at mount unshare-user clone-newuser setns tiocsti tiocsti-high tioclinux personality1 personality-query bogus clone3 userfaultfd io_uring mkdir getpid"
p
exit_is 0 "sysprobe runs under the default filter"
for want in "keyctl: errno=EPERM" "bpf: errno=EPERM" "perf_event_open: errno=EPERM" \
	"open_by_handle_at: errno=EPERM" "mount: errno=EPERM" "unshare-user: errno=EPERM" \
	"clone-newuser: errno=EPERM" "setns: errno=EPERM" "tiocsti: errno=EPERM" \
	"tiocsti-high: errno=EPERM" "tioclinux: errno=EPERM" "personality1: errno=EPERM" \
	"personality-query: ok" "bogus: errno=ENOSYS" "clone3: errno=ENOSYS" \
	"userfaultfd: errno=EPERM" "io_uring: errno=EPERM" "mkdir: ok" "getpid: ok"; do
	like "$OUT" "^$want\$" "default filter: $want"
done

PROBES="keyctl unshare-user"
p --seccomp=unconfined
unlike "$OUT" "errno=EPERM" "--seccomp=unconfined loads no filter"
run_nb run --seccomp=unconfined -- grep ^Seccomp: /proc/self/status
is "$(echo $OUT)" "Seccomp: 0" "and /proc says so"
p --allow-userns
like "$OUT" "^unshare-user: ok$" "--allow-userns lets the payload make namespaces"
like "$OUT" "^keyctl: errno=EPERM$" "and keeps the rest of the filter"

# Ordinary programs run under the default filter.
run_nb run -- sh -c 'ls / >/dev/null && date >/dev/null && sort </etc/passwd | head -n 1 >/dev/null && echo fine'
is "$OUT" fine "sh and coreutils work"
if command -v python3 >/dev/null; then
	run_nb run -- python3 -c 'import threading, socket, subprocess; t = threading.Thread(target=print, args=("thread",)); t.start(); t.join(); print(subprocess.run(["true"]).returncode)'
	is "$(echo $OUT)" "thread 0" "python3 with threads and subprocess works"
else
	skip "python3 is not installed"
fi
if command -v cc >/dev/null; then
	run_nb run --bind "$T_TMP:/work" --chdir /work -- sh -c 'printf "#include <stdio.h>\nint main(void){puts(\"compiled\");return 0;}\n" >h.c && cc -o h h.c && ./h'
	is "$OUT" compiled "gcc compiles and the program runs"
else
	skip "no C compiler"
fi

# A custom policy: the default plus one denial.
printf 'include default\nerrno EPERM mkdir mkdirat\n' >"$T_TMP/nomkdir.policy"
run_nb run --seccomp="$T_TMP/nomkdir.policy" -- sh -c 'mkdir /tmp/d 2>&1; echo rc=$?'
like "$OUT" "Operation not permitted" "a policy denying mkdir makes mkdir fail with EPERM"
printf 'default errno ENOSYS\nallow read write\nerrno EPERM wirte\n' >"$T_TMP/typo.policy"
run_nb run --seccomp="$T_TMP/typo.policy" -- true
exit_is 125 "a malformed policy: exit 125"
like "$ERR" "^nestbox: $T_TMP/typo.policy:3: .*wirte" "with file:line"
run_nb run --seccomp="$T_TMP/none.policy" -- true
exit_is 125 "a missing policy file: exit 125"

# --seccomp-log lets denied calls through (and logs them).
PROBES="keyctl"
p --seccomp-log
unlike "$OUT" "errno=EPERM" "--seccomp-log does not deny"

# Nested user namespaces.
run_nb run --disable-userns --seccomp=unconfined -- unshare -U true
like "$ERR" "No space left on device" "--disable-userns: unshare -U fails even without the filter"
run_nb run --seccomp=unconfined -- unshare -U true
exit_is 0 "(without --disable-userns and without the filter it works)"
run_nb run --disable-userns -- id -u
is "$OUT" "$(id -u)" "--disable-userns keeps the identity inside"
run_nb run --allow-userns --ro-bind "$NESTBOX" -- "$NESTBOX" run --map=single -- sh -c 'echo $$; id -u'
is "$(echo $OUT)" "2 $(id -u)" "--allow-userns: nestbox runs inside nestbox"
run_nb run --ro-bind "$NESTBOX" -- "$NESTBOX" run --map=single -- true
like "$ERR" "a seccomp filter forbids new namespaces here: Operation not permitted \(hint: inside nestbox, start the outer sandbox with --allow-userns" \
	"without it the inner nestbox says why it cannot"

done_testing
