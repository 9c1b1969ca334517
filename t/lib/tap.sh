# tap.sh: a tiny TAP producer for nestbox's shell tests. Source it first.
# Each test reads as what a user observes: run nestbox, compare its output,
# its stderr and its exit status.

NESTBOX=${NESTBOX:-$(cd "$(dirname "$0")/.." && pwd)/nestbox}
T_NUM=0
T_FAIL=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/nbtest.XXXXXX") || exit 1
# Trees that nestbox import unpacked hold files of subordinate ids, which
# only root inside a sandbox can remove.
t_cleanup() {
	# A keeper started with a runtime directory of the test's own.
	for _r in $(find "$T_TMP" -path '*/nestbox/keeper' 2>/dev/null); do
		XDG_RUNTIME_DIR=${_r%/nestbox/keeper} "$NESTBOX" keeper stop >/dev/null 2>&1
	done
	rm -rf "$T_TMP" 2>/dev/null && return
	"$NESTBOX" run --root --bind "$T_TMP:/t" -- sh -c 'rm -rf /t/* /t/.[!.]*' </dev/null >/dev/null 2>&1
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT

plan() { echo "1..$1"; }
done_testing() { echo "1..$T_NUM"; [ "$T_FAIL" -eq 0 ]; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
# diag TEXT... or ... | diag: TAP comments, on stderr.
diag() { if [ $# -gt 0 ]; then printf '%s\n' "$@"; else cat; fi | sed 's/^/# /' >&2; }

pass() { T_NUM=$((T_NUM + 1)); echo "ok $T_NUM - $1"; }
fail() {
	T_NUM=$((T_NUM + 1)); T_FAIL=$((T_FAIL + 1))
	echo "not ok $T_NUM - $1"
	shift
	[ $# -gt 0 ] && diag "$@"
	return 0
}
# skip REASON [COUNT]
skip() {
	_sk=${2:-1}
	while [ "$_sk" -gt 0 ]; do
		T_NUM=$((T_NUM + 1)); echo "ok $T_NUM # SKIP $1"; _sk=$((_sk - 1))
	done
}

# ok STATUS NAME: passes when STATUS is 0 (use: ok $? "name")
ok() { if [ "$1" -eq 0 ]; then pass "$2"; else fail "$2" "status was $1"; fi; }
# is GOT EXPECTED NAME [DIAG...]
is() {
	if [ "$1" = "$2" ]; then pass "$3"; else
		_g=$1 _e=$2 _n=$3; shift 3
		fail "$_n" "got:      '$_g'" "expected: '$_e'" "$@"
	fi
}
isnt() {
	if [ "$1" != "$2" ]; then pass "$3"; else fail "$3" "got '$1', wanted anything else"; fi
}
# like TEXT ERE NAME
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then pass "$3"; else fail "$3" "text: '$1'" "does not match: $2"; fi
}
unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then fail "$3" "text: '$1'" "matches: $2"; else pass "$3"; fi
}

# run_nb ARGS...: runs nestbox, sets OUT, ERR and RC.
run_nb() { _capture "$NESTBOX" "$@"; }
# run_nb_env VAR=VALUE ARGS...: run_nb with one variable changed for nestbox only.
run_nb_env() { _v=$1; shift; _capture env "$_v" "$NESTBOX" "$@"; }
_capture() {
	"$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
}
exit_is() { is "$RC" "$1" "$2"; }

# The caller's subordinate range, for tests that need the auto map.
have_subids() {
	_me=$(id -un)
	grep -Eq "^($_me|$(id -u)):" /etc/subuid 2>/dev/null &&
		grep -Eq "^($_me|$(id -u)):" /etc/subgid 2>/dev/null &&
		command -v newuidmap >/dev/null && command -v newgidmap >/dev/null
}
# First subordinate uid of the caller (first line).
first_subuid() { grep -E "^($(id -un)|$(id -u)):" /etc/subuid | head -n 1 | cut -d: -f2; }

require_user() {
	[ "$(id -u)" -ne 0 ] || skip_all "runs as an unprivileged user; make check runs it as the test account"
}
require_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root to act as other users; make check runs it as root"
}
# as_user USER CMD...: root runs CMD as USER, keeping the environment.
as_user() { u=$1; shift; runuser -u "$u" -- "$@"; }

# running PID: PID is a live process. An orphan's zombie is not: this
# machine's pid 1 may take seconds to reap it, and kill -0 succeeds on it.
running() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^[^)]*) Z' "/proc/$1/stat" 2>/dev/null; }
# wait_for FILE PATTERN [TRIES]: up to TRIES/20 s for PATTERN in FILE; 60 s
# unless told: a hung run, not a slow one, as a loaded machine can stretch
# a start. FILE must not hold PATTERN from before: empty it first.
wait_for() {
	i=0
	while [ $i -lt "${3:-1200}" ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05; i=$((i + 1))
	done
	return 1
}

# until_listed NAME: waits until `nestbox ps` lists the sandbox NAME (60 s
# at most: that is a hung run, not a slow one). Fails if it never does.
until_listed() {
	_i=0
	while [ $_i -lt 600 ]; do
		"$NESTBOX" ps 2>/dev/null | awk -v n="$1" '$2 == n { f = 1 } END { exit !f }' && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# free_port: a TCP port of the host's 127.0.0.1 that is free now.
free_port() {
	perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(LocalAddr => "127.0.0.1", Listen => 1)->sockport'
}

# live_inits: pids of the caller's nestbox-init processes that still run
# (a zombie whose parent was SIGKILLed waits for the host's pid 1; it runs
# nothing and holds nothing).
live_inits() { ps -u "$(id -u)" -o pid=,stat=,comm= | awk '$2 !~ /^Z/ && $3 == "nestbox-init" { print $1 }'; }
