#!/bin/sh
# Faults of --net=slirp the user must hear about, or must not meet: socket
# directories left by a killed run are cleaned by the next one and can
# never collide with a new run's; slirp4netns dying while the sandbox runs
# is said (--net-lost=warn, the default), or ends the sandbox (kill), or is
# ignored on request.
. "$(dirname "$0")/lib/tap.sh"
require_user
command -v slirp4netns >/dev/null && [ -w /dev/net/tun ] || skip_all "slirp4netns or a usable /dev/net/tun is missing"

export XDG_RUNTIME_DIR="$T_TMP/xdg"
mkdir -m 700 "$XDG_RUNTIME_DIR"
base=$XDG_RUNTIME_DIR/nestbox
mkdir -m 700 "$base"
sh -c 'exit 0' &
dead=$!
wait
# What a SIGKILLed run leaves: a directory named after its pid (older
# nestbox), or after its pid and a random part, with the socket in it.
mkdir -m 700 "$base/$dead" "$base/slirp-$dead-AbC123"
: >"$base/slirp-$dead-AbC123/slirp.sock"
run_nb run --net=slirp -p 0:80 -- true
exit_is 0 "a run with -p succeeds next to a dead run's socket directories" "$ERR"
test -e "$base/$dead" || test -e "$base/slirp-$dead-AbC123"
isnt $? 0 "and removes them, since their pid is gone"
is "$(ls -A "$base" | grep -vxE 'sandboxes|keeper(\.lock|\.start)?')" "" "nothing of its own is left either (sandboxes/ holds the records of running sandboxes)"

# slirp4netns dies while the payload runs. It runs as the sandbox's root
# (its own sandbox makes it so), which --root makes the caller: only then
# can the test kill it.
# Each run's files are removed first: the job's own redirection runs in
# the background, and wait_for could meanwhile read the last run's.
lose() {
	rm -f "$T_TMP/info" "$T_TMP/err"
	"$NESTBOX" run --root --net=slirp --info-fd 3 "$@" -- sh -c 'sleep 1.5; exit 7' 3>"$T_TMP/info" 2>"$T_TMP/err" </dev/null &
	nb=$!
	wait_for "$T_TMP/info" child-pid
	child=$(sed -n 's/.*"child-pid": \([0-9]*\).*/\1/p' "$T_TMP/info")
	slirp=$(ps -e -o pid=,args= | awk -v c="$child" '$2 ~ /slirp4netns$/ && $(NF-1) == c { print $1 }')
	kill -9 "$slirp"
	wait "$nb"
	RC=$?
	ERR=$(cat "$T_TMP/err")
}
lose
is "$RC" 7 "slirp4netns killed: the sandbox goes on, its exit code passes through"
like "$ERR" "^nestbox: warning: slirp4netns .* the sandbox has lost its network" "and a warning says so (--net-lost=warn)"
lose --net-lost=ignore
is "$RC:$ERR" "7:" "--net-lost=ignore: silence"
lose --net-lost=kill
is "$RC" 125 "--net-lost=kill: the sandbox is stopped, exit 125"
like "$ERR" "^nestbox: .*lost its network" "saying why"

# A payload that stops slirp4netns (as the sandbox's root it can) cannot
# make nestbox hang at the end, when it closes the published ports: the
# API call gives up after a second, slirp4netns is killed and waited for,
# and the port is free on return.
hp=$(perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1")->sockport')
rm -f "$T_TMP/info" "$T_TMP/err"
"$NESTBOX" run --root --net=slirp -p "127.0.0.1:$hp:80" --info-fd 3 -- sh -c 'sleep 1.5; exit 7' 3>"$T_TMP/info" 2>"$T_TMP/err" </dev/null &
nb=$!
wait_for "$T_TMP/info" child-pid
child=$(sed -n 's/.*"child-pid": \([0-9]*\).*/\1/p' "$T_TMP/info")
slirp=$(ps -e -o pid=,args= | awk -v c="$child" '$2 ~ /slirp4netns$/ && $(NF-1) == c { print $1 }')
kill -STOP "$slirp"
wait "$nb"
RC=$?
is "$RC" 7 "slirp4netns stopped: nestbox still returns, with the payload's exit code" "$(cat "$T_TMP/err")"
st=$(ps -o stat= -p "$slirp")
case $st in "" | Z*) gone=yes ;; *) gone="no: $st" ;; esac
is "$gone" yes "and the stopped slirp4netns is gone (killed; at most a zombie for its reaper)"
perl -MIO::Socket::INET -e 'exit !IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => $ARGV[0], ReuseAddr => 1)' "$hp"
is $? 0 "and port $hp is free"
done_testing
