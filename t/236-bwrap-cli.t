#!/bin/sh
# nestbox bwrap (issue 15), part 1: the command line and its defaults.
# Where Debian's bubblewrap has the option, the same command runs under
# both and the outputs must match; elsewhere the expected output is what
# bwrap(1) documents. As the unprivileged test account.
. "$(dirname "$0")/lib/tap.sh"
require_user
B="$T_TMP/bwrap"
ln -s "$NESTBOX" "$B"
SYS=$(command -v bwrap || true)
# A payload that says what a sandbox is: ids, capabilities, seccomp,
# namespaces shared with the host or not, the root's entries, /dev.
probe='id -u; id -g; grep -E "^(Cap|Seccomp|NoNewPrivs)" /proc/self/status;
for n in ipc net pid uts cgroup; do [ "$(readlink /proc/self/ns/$n)" = "$(cat /tmp/host-$n)" ] && echo "$n shared" || echo "$n new"; done;
ls / | tr "\n" " "; echo; ls /dev | grep -v core | tr "\n" " "; echo'
for n in ipc net pid uts cgroup; do readlink /proc/self/ns/$n >"$T_TMP/host-$n"; done
view="--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --symlink usr/sbin /sbin --proc /proc --dev /dev --ro-bind $T_TMP /tmp"
# side LABEL ARGS...: the same command line under both; outputs compared.
side() {
	label=$1; shift
	OUT=$("$B" "$@" 2>&1)
	RC=$?
	if [ -z "$SYS" ]; then
		skip "Debian's bubblewrap is not installed (apt-get install bubblewrap): no side-by-side run" 1
		return
	fi
	WANT=$("$SYS" "$@" 2>&1)
	WRC=$?
	is "$RC:$OUT" "$WRC:$WANT" "$label: as bubblewrap $("$SYS" --version | cut -d' ' -f2) does"
}

# --- help, version, errors -------------------------------------------------
OUT=$("$B" --help)
like "$(echo "$OUT" | head -n 1)" "^usage: $B \[OPTIONS\.\.\.\] \[--\] COMMAND \[ARGS\.\.\.\]$" "--help: bwrap's usage line, naming the link it was run as"
OUT=$("$NESTBOX" bwrap --help | head -n 1)
is "$OUT" "usage: nestbox bwrap [OPTIONS...] [--] COMMAND [ARGS...]" "nestbox bwrap --help names itself"
like "$("$B" --version)" "^bubblewrap 0\.11\.1 \(nestbox " "--version: the bwrap version it speaks"
run_nb bwrap --no-such-option true
like "$RC:$ERR" "^1:nestbox: Unknown option --no-such-option \(hint: " "an unknown option: exit 1, as bwrap, with bwrap's words"
OUT=$("$B" --ro-bind / / --frobnicate true 2>&1)
like "$OUT" "^bwrap: Unknown option --frobnicate" "as bwrap, messages start 'bwrap: '"
run_nb bwrap --ro-bind / /
like "$RC:$ERR" "^1:nestbox: no command specified" "no command: exit 1, one line"
run_nb bwrap --bind /only-one
like "$RC:$ERR" "^1:nestbox: --bind takes two arguments$" "an option short of arguments says how many it takes"
run_nb bwrap --perms 0640 --perms 0640 --tmpfs /x true
like "$ERR" "^nestbox: --perms given twice for the same action" "--perms twice"
run_nb bwrap --perms 0640 --symlink a /b true
like "$ERR" "^nestbox: --perms must be followed by an option that creates a file" "--perms before an option that makes nothing"
for s in 0 123bogus '' -1 9223372036854775809; do
	run_nb bwrap --size "$s" --tmpfs /x true
	[ "$RC" = 1 ] || fail "--size '$s' accepted"
done
pass "--size refuses 0, junk, negatives and sizes over SIZE_MAX/2, as bwrap"
run_nb bwrap --ro-bind / / --seccomp 0a true
like "$ERR" "^nestbox: Invalid fd: 0a$" "a bad descriptor number in bwrap's words"
run_nb bwrap --ro-bind / / --hostname x true
like "$RC:$ERR" "^1:nestbox: --hostname needs a private UTS namespace" "--hostname without --unshare-uts"
run_nb bwrap --ro-bind / / --as-pid-1 true
like "$RC:$ERR" "^1:nestbox: --as-pid-1 needs a private PID namespace" "--as-pid-1 without --unshare-pid"
run_nb bwrap --ro-bind / / --userns2 1 true
like "$RC:$ERR" "^1:nestbox: --userns2 needs --userns" "--userns2 without --userns"
OUT=$("$B" --ro-bind / / --level-prefix --chdir / --chdir / true 2>&1)
is "$OUT" "<4>bwrap: Only the last --chdir option will take effect" "--level-prefix: syslog levels; a repeated --chdir is a warning, as bwrap's"

# --- --args ----------------------------------------------------------------
printf -- '--dir\0/tmp/a\0' >"$T_TMP/args1"
printf -- '--dir\0/tmp/b\0--setenv\0X\0y z\0' >"$T_TMP/args2"
OUT=$("$B" --ro-bind / / --tmpfs /tmp --args 3 --args 4 sh -c 'test -d /tmp/a && test -d /tmp/b && echo "$X"' 3<"$T_TMP/args1" 4<"$T_TMP/args2")
is "$OUT" "y z" "--args FD: NUL-separated options, read where they stand, repeatable"
printf -- '--args\0003\0' >"$T_TMP/args3"
run_nb bwrap --args 3 true 3<"$T_TMP/args3"
like "$ERR" "^nestbox: --args not supported in arguments file" "no --args inside --args, as bwrap"

# --- defaults, side by side ------------------------------------------------
side "default: one id, no capabilities or filter, host namespaces but user and mount, only the mounts asked for" \
	$view sh -c "$probe"
side "--unshare-all: every namespace new" --unshare-all $view sh -c "$probe"
side "--unshare-all --share-net" --unshare-all --share-net $view sh -c "$probe"
side "--unshare-pid --unshare-ipc --unshare-uts --unshare-cgroup-try" --unshare-pid --unshare-ipc --unshare-uts --unshare-cgroup-try $view sh -c "$probe"
side "--uid 0 --gid 0: root by name, still without capabilities" --uid 0 --gid 0 $view sh -c "$probe"
side "--cap-add CAP_NET_RAW: exactly that one, in every set" --cap-add CAP_NET_RAW $view sh -c "$probe"
side "--uid 0 --cap-add ALL --cap-drop CAP_KILL" --uid 0 --cap-add ALL --cap-drop CAP_KILL $view sh -c "$probe"
side "--clearenv: only PWD" --clearenv $view /usr/bin/env
side "--setenv and --unsetenv" --setenv A 1 --unsetenv HOME $view sh -c 'echo "$A:${HOME-unset}"'
side "--chdir, and PWD" --chdir /usr/share $view sh -c 'pwd; echo "$PWD"'
is "$("$B" --argv0 right $view sh -c 'echo $0')" "right" "--argv0 (bwrap 0.9)"
side "--hostname" --unshare-uts --hostname box $view cat /proc/sys/kernel/hostname
side "--as-pid-1" --unshare-pid --as-pid-1 $view sh -c 'echo $$'
side "exit status passes through" $view sh -c 'exit 42'
side "a killed command: 128+signal" $view sh -c 'kill -9 $$'
side "inherited descriptors stay open" $view sh -c 'cat /proc/self/fd/5' 5<"$T_TMP/host-net"
sid=$(cut -d' ' -f6 /proc/$$/stat)
session='test "$(cut -d" " -f6 /proc/self/stat)" = '"$sid"' && echo "the caller'"'"'s session" || echo "a new session"'
side "the caller's session" $view sh -c "$session"
side "--new-session" --new-session $view sh -c "$session"
done_testing
