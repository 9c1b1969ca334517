#!/bin/sh
# The payload process: environment, argv0, cwd, session and file descriptors.
. "$(dirname "$0")/lib/tap.sh"
require_user

export NB_T_KEEP=kept NB_T_DROP=dropped
run_nb run --env A=1 --env B=x=y --unsetenv NB_T_DROP -- sh -c 'echo "$A $B ${NB_T_KEEP-} ${NB_T_DROP-unset}"'
is "$OUT" "1 x=y kept unset" "--env sets, --unsetenv removes, the rest is inherited"

run_nb run --clearenv --env A=1 -- env
is "$(echo "$OUT" | grep -v '^PWD=' | sort | tr '\n' ' ')" \
	"$(printf 'A=1\nPATH=%s\n%s' "$PATH" "${TERM:+TERM=$TERM
}" | sort | tr '\n' ' ')" "--clearenv keeps only PATH and TERM"
TERM=dumb run_nb run --clearenv --unsetenv TERM -- env
unlike "$OUT" '^TERM=' "--clearenv --unsetenv TERM drops TERM too"

run_nb run --argv0 myname -- sh -c 'tr "\0" " " </proc/$$/cmdline'
like "$OUT" '^myname -c ' "--argv0 sets argv[0]"

run_nb run --chdir /usr -- pwd
is "$OUT" /usr "--chdir sets the working directory"

stat_field() { echo 'set -- $(cat /proc/$$/stat); echo $'"$1"; }
run_nb run -- sh -c "$(stat_field 6)"
is "$OUT" 2 "the payload leads a new session by default"
run_nb run --no-new-session -- sh -c "$(stat_field 6)"
is "$OUT" 0 "--no-new-session keeps the caller's session (outside the namespace: 0)"
run_nb run -- sh -c 'exec 3</dev/tty' 
isnt "$RC" 0 "the payload has no controlling terminal"

# Only 0, 1, 2 and --pass-fd reach the payload.
exec 5</etc/hostname 6</etc/hostname
run_nb run -- ls /proc/self/fd
is "$(echo $OUT)" "0 1 2 3" "leftover descriptors are closed (3 is ls's own)"
run_nb run --pass-fd 5 -- sh -c 'ls /proc/self/fd; head -c 100 <&5 | wc -c'
is "$(echo $OUT)" "0 1 2 3 5 $(head -c 100 /etc/hostname | wc -c)" "--pass-fd keeps that one, still readable"
exec 5<&- 6<&-

# --info-fd and --json-status-fd, as bubblewrap writes them.
run_nb run --info-fd 3 -- true 3>"$T_TMP/info"
like "$(tr -d '\n' <"$T_TMP/info")" '^\{ *"child-pid": [0-9]+, *"mnt-namespace": [0-9]+.*"user-namespace": [0-9]+ *\}$' "--info-fd writes the child pid and namespaces"
run_nb run --json-status-fd 3 -- sh -c 'exit 5' 3>"$T_TMP/js"
is "$(sed -n 2p "$T_TMP/js")" '{"exit-code": 5}' "--json-status-fd ends with the exit code"
like "$(sed -n 1p "$T_TMP/js")" '^\{ *"child-pid": [0-9]+' "after one line of info"
run_nb run --json-status-fd 3 -- /no/such 3>"$T_TMP/js2"
is "$(wc -l <"$T_TMP/js2")" 1 "no exit-code line when exec failed"
run_nb run --info-fd 77 -- true
exit_is 125 "--info-fd on a closed descriptor is an error"

done_testing
