#!/bin/sh
# newuidmap and newgidmap are setuid programs nestbox waits on. One that
# hangs must not hang nestbox: it is given a few seconds (5, nestbox(1)),
# the user's Ctrl-C ends the wait at once, and the helper is killed and
# reaped on every way out. One that dies of a signal is reported by it.
. "$(dirname "$0")/lib/tap.sh"
require_user
have_subids || skip_all "$(id -un) has no subordinate range: no id-map helper runs"

fake=$T_TMP/fake
mkdir -p "$fake"
real_gid=$(command -v newgidmap)
printf '#!/bin/sh\nexec "%s" "$@"\n' "$real_gid" >"$fake/newgidmap"
printf '#!/bin/sh\nexec sleep 4242\n' >"$fake/newuidmap"
chmod +x "$fake/newgidmap" "$fake/newuidmap"
left() { ps -u "$(id -u)" -o stat=,comm=,args= | awk '$1 !~ /^Z/ && $2 == "sleep" && $NF == "4242" { n++ } END { print n + 0 }'; }

start=$(date +%s)
out=$(PATH="$fake:$PATH" timeout -s KILL 30 "$NESTBOX" run --no-keeper -- true 2>&1)
rc=$?
took=$(($(date +%s) - start))
is "$rc" 125 "a newuidmap that hangs fails the run with exit 125" "$out"
like "$out" "^nestbox: .*newuidmap.* did not finish within 5 s" "saying so in one line"
ok $([ "$took" -le 15 ] && echo 0 || echo 1) "within the timeout, not forever (took ${took}s)"
is "$(left)" 0 "and the helper is killed, not left behind"

PATH="$fake:$PATH" "$NESTBOX" run --no-keeper -- true >"$T_TMP/out" 2>&1 &
nb=$!
sleep 1
kill -INT "$nb"
i=0
while kill -0 "$nb" 2>/dev/null && [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done
kill -0 "$nb" 2>/dev/null
isnt $? 0 "Ctrl-C (SIGINT) ends nestbox while the helper hangs"
wait "$nb"
is "$?" 130 "with exit 130, as a shell reports SIGINT"
sleep 0.2
is "$(left)" 0 "and the helper is gone"

printf '#!/bin/sh\nkill -SEGV $$\n' >"$fake/newuidmap"
out=$(PATH="$fake:$PATH" "$NESTBOX" run --no-keeper -- true 2>&1)
like "$out" "newuidmap.*killed by signal SIGSEGV" "a helper that dies of a signal is reported by it"
done_testing
