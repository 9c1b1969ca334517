#!/bin/sh
# A hostile payload races for nestbox's init from its first instruction:
# open("/proc/1/mem", O_RDWR) and ptrace(PTRACE_ATTACH, 1) in a loop
# (t/lib/grab-init, no libc). init must be non-dumpable and hold nothing
# worth taking before any payload code runs: 500 tries per mode, 0 wins.
. "$(dirname "$0")/lib/tap.sh"
require_user
grab=$(cd "$(dirname "$0")" && pwd)/lib/grab-init
[ -x "$grab" ] || skip_all "t/lib/grab-init is not built (make check builds it)"
tries=${NB_RACE_TRIES:-500}

# race LABEL CMD...: CMD runs /grab as its payload.
race() {
	wins=0 hung=0 other=0 lost=
	label=$1
	shift
	i=0
	while [ $i -lt "$tries" ]; do
		i=$((i + 1))
		out=$(timeout -s KILL 30 "$@" 2>&1 </dev/null)
		case $? in 137) hung=$((hung + 1)); continue ;; esac
		case $out in
		won*) wins=$((wins + 1)) ;;
		lost*) lost=$out ;;
		*) other=$((other + 1)) other_out=$out ;;
		esac
	done
	is "$wins/$hung" 0/0 "$tries tries with $label: no open of /proc/1/mem, no ptrace of init, no run left hanging" \
		"wins are runs where the payload got in; hung are runs init never finished (stopped by an attach)"
	is "$other" 0 "every try with $label ran the payload" "${other_out:-}"
	# EACCES (13) for the open, EPERM (1) for ptrace: refused, not absent.
	is "$lost" "lost 13 1" "with $label both attempts are refused for want of permission"
}

# What the race would win: init itself, as the payload can see it.
run_nb run --root --cap-add SYS_PTRACE -- grep -E '^(CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/1/status
is "$(echo $OUT | tr -s '\t ' ' ')" "CapPrm: 0000000000000000 CapEff: 0000000000000000 CapBnd: 0000000000000000 CapAmb: 0000000000000000 NoNewPrivs: 1 Seccomp: 2" \
	"init holds no capability, not even in its bounding set, and runs under no_new_privs and a filter"
run_nb run -- cat /proc/1/mem
like "$ERR" "Permission denied" "the payload cannot open init's memory"

# Off the caller's terminal: under a real pty (script), init has no
# controlling terminal and a session of its own; with --no-new-session
# the payload keeps the caller's.
if command -v script >/dev/null; then
	script -qec "$NESTBOX run --no-new-session -- sh -c 'sleep 3'" /dev/null >/dev/null 2>&1 &
	spid=$!
	init=
	i=0
	while [ -z "$init" ] && [ $i -lt 100 ]; do init=$(live_inits | head -n 1); sleep 0.05; i=$((i + 1)); done
	sleep 0.3
	is "$(ps -o tty= -p "$init" | tr -d ' ')" "?" "init has no controlling terminal"
	is "$(ps -o sid= -p "$init" | tr -d ' ')" "$init" "init leads a session of its own"
	pay=$(pgrep -P "$init" sleep || pgrep -P "$(pgrep -P "$init" | head -n 1)" sleep)
	isnt "$(ps -o tty= -p "$pay" | tr -d ' ')" "?" "with --no-new-session the payload keeps the caller's terminal"
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
else
	skip "script (util-linux) is not installed: no pty to test the terminal with" 3
fi

# The payload makes the memory it shares with init non-dumpable itself,
# after its last change of credentials, and waits for init's word alone;
# where init announces the payload first (--info-fd, bwrap's way), init
# does it, on the payload's word.
race "'run'" "$NESTBOX" run --ro-bind "$grab:/grab" -- /grab
race "'run --root'" "$NESTBOX" run --ro-bind "$grab:/grab" --root -- /grab
exec 9>/dev/null
race "'bwrap --info-fd'" "$NESTBOX" bwrap --unshare-all --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp --ro-bind "$grab" /tmp/grab --info-fd 9 /tmp/grab
race "'run --root --cap-add SYS_PTRACE'" "$NESTBOX" run --ro-bind "$grab:/grab" --root --cap-add SYS_PTRACE -- /grab
done_testing
