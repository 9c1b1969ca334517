#!/bin/sh
# D-Bus through a filter (issue 19, item 3): a real session bus of this
# test's own (dbus-daemon), real services on it (dbus-test-tool echo) and
# real clients inside (dbus-send, gdbus). An allowed name answers, a
# denied one is unknown, a name not given cannot be owned, and the proxy
# leaves nothing behind. Every process here is ended by pid.
. "$(dirname "$0")/lib/tap.sh"
require_user
for c in dbus-daemon dbus-test-tool dbus-send gdbus xdg-dbus-proxy; do
	command -v "$c" >/dev/null || skip_all "$c is not installed (apt-get install dbus dbus-tests libglib2.0-bin xdg-dbus-proxy)"
done
pids=
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; t_cleanup; }
trap cleanup EXIT
unset XDG_RUNTIME_DIR
dbus-daemon --session --address="unix:path=$T_TMP/bus" --nofork --print-pid=3 3>"$T_TMP/pid" >/dev/null 2>&1 &
pids="$pids $!"
i=0
while [ ! -S "$T_TMP/bus" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
export DBUS_SESSION_BUS_ADDRESS="unix:path=$T_TMP/bus"
for name in org.nestbox.Allowed org.nestbox.Denied; do
	dbus-test-tool echo --name=$name >/dev/null 2>&1 &
	pids="$pids $!"
done
i=0
until dbus-send --session --print-reply --dest=org.nestbox.Denied / x.y.z >/dev/null 2>&1 &&
	dbus-send --session --print-reply --dest=org.nestbox.Allowed / x.y.z >/dev/null 2>&1; do
	[ $i -lt 600 ] || break
	sleep 0.1
	i=$((i + 1))
done
base=/tmp/nestbox-$(id -u)
call() { echo "dbus-send --session --print-reply --dest=$1 / org.nestbox.T.Call >/dev/null 2>&1 && echo $1 answers || echo $1 refused"; }
own() { echo "gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus --method org.freedesktop.DBus.RequestName $1 4 >/dev/null 2>&1 && echo owns $1 || echo cannot own $1"; }

run_nb run --dbus=filtered --dbus-talk org.nestbox.Allowed -- sh -c "$(call org.nestbox.Allowed); $(call org.nestbox.Denied); $(own org.nestbox.Mine)"
is "$RC:$OUT" "0:org.nestbox.Allowed answers
org.nestbox.Denied refused
cannot own org.nestbox.Mine" "--dbus=filtered: the allowed name answers, a denied one does not, a name not given cannot be owned"
run_nb run --dbus=filtered -- sh -c 'dbus-send --session --print-reply --dest=org.nestbox.Denied / x.y.z 2>&1 | head -n 1'
like "$OUT" "org.freedesktop.DBus.Error.ServiceUnknown" "a denied name is ServiceUnknown, as if it were not there"
run_nb run --dbus=filtered --dbus-own org.nestbox.Mine -- sh -c "$(own org.nestbox.Mine)"
is "$OUT" "owns org.nestbox.Mine" "--dbus-own lets it own that name"
run_nb run --dbus=filtered --dbus-see org.nestbox.Allowed -- sh -c "$(call org.nestbox.Allowed)"
is "$OUT" "org.nestbox.Allowed refused" "--dbus-see shows a name without letting it be called"
run_nb run --dbus=full -- sh -c "$(call org.nestbox.Denied)"
is "$OUT" "org.nestbox.Denied answers" "--dbus=full hands over the whole bus"
run_nb run -- sh -c "$(call org.nestbox.Allowed)"
is "$OUT" "org.nestbox.Allowed refused" "by default the bus is out of reach"
is "$(ls -A "$base" 2>/dev/null | grep -c '^dbus-')" 0 "the proxy's socket directories are gone"
is "$(ps -u "$(id -u)" -o comm= | grep -c '^xdg-dbus-proxy$')" 0 "and so is the proxy"
run_nb run --dbus-talk org.x -- true
like "$RC:$ERR" "^125:nestbox: the --dbus-talk/-own/-see/-call/-broadcast rules need --dbus=filtered" "rules without --dbus=filtered are an error"
run_nb run --dbus=filtered --dbus-talk 'bad name' -- true
like "$RC:$ERR" "^125:nestbox: --dbus-talk: 'bad name' is not a bus name" "a bad name is refused"
env -u DBUS_SESSION_BUS_ADDRESS "$NESTBOX" run --dbus=filtered -- true >"$T_TMP/o" 2>&1
is "$?:$(cat "$T_TMP/o")" "0:" "without a session bus there is nothing to filter: it runs, and says nothing"
done_testing
