#!/bin/sh
# seccomp-unit.sh: tests src/seccomp.c alone, without the rest of nestbox.
# It builds, through src/seccomp.mk, the embedded default policy, the
# sysprobe helper and t/lib/seccomp-driver (which loads a policy and execs a
# command), all in a scratch copy, and prints TAP.
#   sh t/lib/seccomp-unit.sh        (from the top of the repository)
. "$(dirname "$0")/tap.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)

# --- Build, in a scratch tree so that nothing in the work tree changes ----
w=$T_TMP/tree
mkdir -p "$w/src/gen" "$w/conf/seccomp" "$w/t/lib"
cp "$top"/src/seccomp*.c "$top"/src/seccomp*.h "$top"/src/seccomp.mk "$top"/src/err.c \
	"$top"/src/err.h "$top"/src/util.c "$top"/src/util.h "$w/src/"
cp "$top"/src/gen/seccomp-*.[ch] "$w/src/gen/"
cp "$top/conf/seccomp/default.policy" "$w/conf/seccomp/"
cp "$top/t/lib/sysprobe.c" "$top/t/lib/seccomp-driver.c" "$top/t/lib/shrink-check.c" "$w/t/lib/"
cat >"$w/GNUmakefile" <<'EOF'
# The parts of the top GNUmakefile that src/seccomp.mk relies on.
WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wvla -Wundef -Wcast-align \
	-Wnull-dereference -Wimplicit-fallthrough
CFLAGS ?= -O2 -g
NB_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -fstack-protector-strong -D_FORTIFY_SOURCE=2 \
	$(shell pkg-config --cflags libseccomp)
LIBS := $(shell pkg-config --libs libseccomp)
include src/seccomp.mk
OBJS := $(SECCOMP_OBJS) build/err.o build/util.o
all: driver shrink-check $(CHECK_DEPS)
driver: t/lib/seccomp-driver.c $(OBJS) $(EXTRA_OBJS)
	$(CC) $(NB_CFLAGS) $(CFLAGS) -o $@ $^ $(LIBS)
shrink-check: t/lib/shrink-check.c src/gen/seccomp-shrink.c build/util.o build/err.o
	$(CC) $(NB_CFLAGS) $(CFLAGS) -o $@ $^
build/%.o: src/%.c | build
	$(CC) $(NB_CFLAGS) $(CFLAGS) -c -o $@ $<
build:
	mkdir -p build
EOF
if make -s -C "$w" >"$T_TMP/build.log" 2>&1; then
	pass "the module, the embedded policy, sysprobe and the driver build with -Werror"
else
	fail "the module, the embedded policy, sysprobe and the driver build with -Werror" \
		"$(cat "$T_TMP/build.log")"
fi
[ -x "$w/driver" ] || { done_testing; exit 1; }

drv=$w/driver

# --- The shrinker of the built-in program, on random programs -------------
# Trees of tests on few words and constants, up to 2,000 instructions:
# repeated tests, shared tails and jumps beyond a test's 255.
out=$("$w/shrink-check" 300)
like "$out" "^ok (2[5-9][0-9]|300)-of-300 [1-9]" \
	"src/gen/seccomp-shrink.c: of 300 random programs most shrunk, each giving the same verdicts on 20,000 inputs"
probe=$w/t/lib/sysprobe
# under [DRIVER-OPTIONS...] -- CMD...: runs CMD under the filter; sets OUT, ERR, RC.
under() {
	"$drv" "$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
}
# is_out TEXT NAME: like is, with the command's stderr on failure.
is_out() {
	if [ "$OUT" = "$1" ]; then pass "$2"; else fail "$2" "got: '$OUT'" "expected: '$1'" "stderr: $ERR"; fi
}
# expect PROBE ANSWER [DRIVER-OPTIONS...]
expect() {
	_p=$1 _a=$2; shift 2
	under "$@" -- "$probe" "$_p"
	is_out "$_p: $_a" "$* $_p: $_a"
}

# --- Unconfined, the probes show what the kernel itself says ------------
expect clone3 errno=EINVAL --policy unconfined
expect mount errno=ENOENT --policy unconfined
expect tiocsti-high errno=ENOTTY --policy unconfined
expect x32 errno=ENOSYS --policy unconfined

# --- The default policy ---------------------------------------------------
expect getpid ok
expect mkdir ok
for p in keyctl bpf perf_event_open open_by_handle_at mount unshare-user unshare-net \
	setns clone-newuser tiocsti tiocsti-high tioclinux personality1 io_uring userfaultfd; do
	expect $p errno=EPERM
done
expect clone3 errno=ENOSYS
expect bogus errno=ENOSYS
expect personality-query ok
expect x32 killed=SIGSYS

expect unshare-user ok --allow-userns
expect clone-newuser ok --allow-userns
expect setns errno=EBADF --allow-userns
expect tiocsti errno=EPERM --allow-userns

# --seccomp-log: nothing is denied, the denials go to the audit log.
expect keyctl ok --log
expect clone3 errno=EINVAL --log
expect x32 killed=SIGSYS --log

# Without no_new_privs only CAP_SYS_ADMIN may load a filter.
if [ "$(id -u)" -ne 0 ]; then
	under --no-nnp -- true
	like "$ERR" "cannot load seccomp filter 1 of 1: Permission denied \\(hint: set no_new_privs first" \
		"load() without no_new_privs explains EACCES"
else
	skip "root may load a filter without no_new_privs"
fi

# --- Real programs under the default policy --------------------------------
under -- sh -c 'echo a b | tr a-z A-Z; ls / >/dev/null && mkdir "$1/d" && rmdir "$1/d" && echo done' sh "$T_TMP"
is_out "A B
done" "sh and coreutils run"
if command -v python3 >/dev/null; then
	under -- python3 -c 'import os, subprocess, threading, socket, tempfile
t = threading.Thread(target=lambda: None); t.start(); t.join()
s = socket.socketpair(); s[0].send(b"x"); assert s[1].recv(1) == b"x"
print(subprocess.run(["echo", "sub"], capture_output=True, text=True).stdout.strip(), os.cpu_count() > 0)'
	is_out "sub True" "python3 runs threads, sockets and subprocesses"
else
	skip "no python3"
fi
if command -v gcc >/dev/null; then
	printf '#include <stdio.h>\nint main(void){puts("compiled");return 0;}\n' >"$T_TMP/c.c"
	under -- sh -c 'gcc -O2 -o "$1/c" "$1/c.c" && "$1/c"' sh "$T_TMP"
	is_out compiled "gcc compiles and the result runs"
else
	skip "no gcc"
fi

# --- Custom policies ------------------------------------------------------
printf 'include default\nerrno EPERM mkdir mkdirat\n' >"$T_TMP/nomkdir.policy"
expect mkdir errno=EPERM --policy "$T_TMP/nomkdir.policy"
under --policy "$T_TMP/nomkdir.policy" -- mkdir "$T_TMP/x"
like "$ERR" "Operation not permitted" "coreutils mkdir fails with EPERM under 'include default' + 'errno EPERM mkdir'"
expect getpid ok --policy "$T_TMP/nomkdir.policy"

printf '# a deny list\ndefault allow\nerrno EPERM mkdir\nerrno EACCES getpid if arg0 == 7\n' >"$T_TMP/deny.policy"
expect mkdir errno=EPERM --policy "$T_TMP/deny.policy"
expect clone3 errno=EINVAL --policy "$T_TMP/deny.policy"

# How rules combine (doc/seccomp.md): getppid (110 on x86_64) ignores its
# arguments, so conditions on them can be tried freely.
if [ "$(uname -m)" = x86_64 ]; then
	cat >"$T_TMP/combine.policy" <<-'EOF'
	include default
	errno EACCES getppid if arg0 == 7
	errno EBUSY getppid if arg1 == 7
	kill getppid if arg0 == 9
	trap getppid if arg0 == 10 and arg2 masked-eq 0xff 0x10
	errno EPERM getppid if arg3 & 0x30
	EOF
	for c in "110:0 ok" "110:7 errno=EACCES" "110:0:7 errno=EBUSY" "110:7:7 errno=EACCES" \
		"110:9 killed=SIGSYS" "110:9:7 killed=SIGSYS" "110:10:0:0x110 killed=SIGSYS" \
		"110:10:0:0x111 ok" "110:0:0:0:0x10 errno=EPERM" "110:0:0:0:0x20 errno=EPERM" \
		"110:0:0:0:0x40 ok" "110:7:0:0:0x10 errno=EPERM"; do
		expect "syscall:${c% *}" "${c#* }" --policy "$T_TMP/combine.policy"
	done
	printf 'default allow\nerrno EPERM getppid\nerrno EACCES getppid if arg0 == 1\n' >"$T_TMP/deny2.policy"
	expect syscall:110:1 errno=EACCES --policy "$T_TMP/deny2.policy"
	expect syscall:110:2 errno=EPERM --policy "$T_TMP/deny2.policy"
	printf 'default errno ENOSYS\nallow write exit_group execve brk arch_prctl set_tid_address mmap\nallow getppid if arg0 == 1\nallow getppid if arg1 == 1\nlog getppid if arg2 == 1\n' >"$T_TMP/mixed.policy"
	under --check --policy "$T_TMP/mixed.policy"
	like "$ERR" "mixed.policy:5: getppid: the exceptions to 'errno ENOSYS' must all use one action" \
		"the exceptions to one fallback share one action"
else
	skip "the combination tests use x86_64 numbers" 17
fi

printf 'default errno ENOSYS\nallow execve exit_group brk mmap arch_prctl set_tid_address\n' >"$T_TMP/tiny.policy"
under --policy "$T_TMP/tiny.policy" -- "$probe" getpid
is "$OUT" "" "an allow list that omits write: the probe cannot even print"

printf 'default kill\ninclude default\n' >"$T_TMP/twice.policy"
under --check --policy "$T_TMP/twice.policy"
like "$ERR" "default.policy\\):[0-9]+: a second 'default' line \\(the first is at $T_TMP/twice.policy:1\\)" \
	"a second default line names both places"

printf 'default errno ENOSYS\n\nallow read\nallow wirte\n' >"$T_TMP/typo.policy"
under --check --policy "$T_TMP/typo.policy"
is "$RC" 125 "a bad policy exits 125"
like "$ERR" "^seccomp-driver: $T_TMP/typo.policy:4: unknown system call 'wirte'" "an unknown name is PATH:LINE"

printf 'default errno ENOSYS\nallow ioctl if arg1 ~ 3\n' >"$T_TMP/op.policy"
under --check --policy "$T_TMP/op.policy"
like "$ERR" "op.policy:2: unknown comparison '~'" "a bad comparison is PATH:LINE"

printf 'default errno ENOSYS\nallow ioctl if arg1 == 1 and arg1 == 2\n' >"$T_TMP/twice-arg.policy"
under --check --policy "$T_TMP/twice-arg.policy"
like "$ERR" "twice-arg.policy:2: arg1 is tested twice" "one test per argument is PATH:LINE"

printf 'errno EPERM mkdir\n' >"$T_TMP/nodefault.policy"
under --check --policy "$T_TMP/nodefault.policy"
like "$ERR" "nodefault.policy: no 'default' line" "a policy without a default line is refused"

under --check --policy "$T_TMP/missing.policy"
like "$ERR" "cannot open .*missing.policy: No such file or directory \(hint: --seccomp takes" "a missing policy file is reported"

printf 'default allow\nerrno EPERM personality\nallow personality if arg0 == 0\n' >"$T_TMP/weak.policy"
under --check --policy "$T_TMP/weak.policy"
like "$ERR" "weak.policy:3: personality: an exception to 'errno EPERM' needs a default action at least as strict" \
	"an exception the filter stack cannot express is refused"

printf 'default errno ENOSYS\narch native\ninclude default\n' >"$T_TMP/arch.policy"
under --dump --policy "$T_TMP/arch.policy"
unlike "$OUT" "arch x86 " "'arch native' filters only the native architecture"

# Every fallback (personality's, socket's) is one filter of plain BPF; x86
# multiplexes socket through socketcall, whose arguments it cannot read.
under --dump
like "$OUT" "seccomp filter 1 of 3 \\(fallback of every call, written by nestbox\\), 110 instructions" \
	"the fallbacks of personality and socket are one filter of plain BPF"
printf 'include default\nallow socket if arg0 masked-eq 0xffffffff AF_PACKET\n' >"$T_TMP/sock.policy"
under --dump --policy "$T_TMP/sock.policy"
like "$OUT" "seccomp filter 1 of 3 \\(fallback of every call, written by nestbox\\)" \
	"a policy can allow one more family, still in plain BPF"

# --- Simulated: the compiled stack on one call, as the kernel runs it -----
# sim ANSWER [DRIVER-OPTIONS...] -- ARCH NR ARGS...
sim() {
	_a=$1; shift
	_o=
	while [ "$1" != -- ]; do _o="$_o $1"; shift; done
	shift
	# shellcheck disable=SC2086
	under $_o --sim "$@"
	is_out "$_a" "${_o:+$_o: }$* -> $_a"
}
sim "errno EAFNOSUPPORT" -- x86_64 41 40 1 0     # socket(AF_VSOCK)
sim "errno EAFNOSUPPORT" -- x86_64 41 0x100000028 1 0
sim "errno EAFNOSUPPORT" -- x86_64 41 17 2 0     # AF_PACKET
sim "errno EAFNOSUPPORT" -- x86_64 41 15 3 2     # AF_KEY
sim allow -- x86_64 41 1 1 0                     # AF_UNIX
sim allow -- x86_64 41 0x100000001 1 0           # the kernel reads an int
sim allow -- x86_64 41 16 2 0                    # AF_NETLINK
sim allow --policy "$T_TMP/sock.policy" -- x86_64 41 17 2 0
sim "errno EPERM" -- x86_64 135 1                # personality(1)
sim allow -- x86_64 135 0
sim kill -- x86_64 0x40000027                    # x32 getpid
# nestbox's init: its loop's calls, prctl(PR_SET_DUMPABLE, 0), and death
# for anything else, the other prctls and dumpability back on included.
sim allow --init -- x86_64 61 -1 0 0 0           # wait4
sim allow --init -- x86_64 157 4 0               # prctl(PR_SET_DUMPABLE, 0)
sim kill --init -- x86_64 157 4 1                # dumpable again
sim kill --init -- x86_64 157 4 0x100000000      # the kernel reads arg2 whole
sim kill --init -- x86_64 157 15 0               # PR_SET_NAME
sim kill --init -- x86_64 59                     # execve
sim kill --init -- x86_64 0x40000027             # x32 getpid
sim "errno ENOSYS" -- x86_64 0x3ff
# x86 (i386): this kernel faults on int 0x80 and gcc has no -m32, so the
# i386 filter is checked here. socketcall(SYS_SOCKET) hides the family:
# refused; the direct socket call (359, Linux 4.3) is judged by family.
sim "errno EAFNOSUPPORT" -- x86 359 40 1 0
sim allow -- x86 359 1 1 0
sim "errno EAFNOSUPPORT" -- x86 102 1 0          # socketcall(SYS_SOCKET, ...)
sim allow -- x86 102 3 0                         # socketcall(SYS_CONNECT, ...)
sim "errno EPERM" -- x86 288                     # keyctl
sim "errno EPERM" -- x86 54 0 0x5412             # ioctl TIOCSTI
sim "errno EPERM" -- x86 136 1                   # personality(1)
sim allow -- x86 136 8                           # personality(PER_LINUX32)
sim allow -- x86 20                              # getpid

# The same from the compiled pseudo code.
under --dump
like "$OUT" "filter for arch x86 \\(1073741827\\)" "the default policy also filters x86 (i386) calls"
x86=$(printf '%s\n' "$OUT" | awk '/filter for arch x86 /{on=1} /filter for arch x86_64/{on=0} on')
like "$x86" 'syscall "keyctl" \(288\)' "x86 keyctl (288) is named in the x86 filter"
like "$x86" '\$a1 & 0xffffffff == 21522' "x86 ioctl TIOCSTI is denied in the x86 filter"
like "$x86" 'syscall "socketcall" \(102\)' "x86 socketcall is allowed by the base filter (its SYS_SOCKET form is not, above)"
like "$OUT" 'invalid architecture action.*
action KILL_PROCESS' "other architectures, x32 among them, are killed"

# --- Leaks ----------------------------------------------------------------
if command -v valgrind >/dev/null; then
	for args in "" "--log" "--allow-userns" "--policy $T_TMP/typo.policy" \
		"--policy $T_TMP/nomkdir.policy" "--policy unconfined"; do
		# shellcheck disable=SC2086
		valgrind --leak-check=full --show-leak-kinds=definite,indirect,possible \
			--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
			"$drv" --check $args >/dev/null 2>"$T_TMP/vg"
		if [ $? -ne 99 ]; then
			pass "valgrind: prepare + free leak nothing (--check $args)"
		else
			fail "valgrind: prepare + free leak nothing (--check $args)" "$(tail -20 "$T_TMP/vg")"
		fi
	done
else
	skip "no valgrind" 6
fi

done_testing
