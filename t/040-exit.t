#!/bin/sh
# Exit codes: the payload's own, 128+signal, and 125/126/127 for nestbox's
# own failures, each with a one-line message.
. "$(dirname "$0")/lib/tap.sh"
require_user

run_nb run -- true
exit_is 0 "true gives 0"
is "$ERR" "" "and says nothing"
run_nb run -- sh -c 'exit 7'
exit_is 7 "exit 7 gives 7"
run_nb run -- sh -c 'kill -9 $$'
exit_is 137 "a payload killed by SIGKILL gives 128+9"
run_nb run --as-pid-1 -- sh -c 'exit 9'
exit_is 9 "--as-pid-1 passes the status too"

run_nb run -- no-such-command-here
exit_is 127 "a missing command gives 127"
like "$ERR" "^nestbox: cannot run 'no-such-command-here': No such file or directory" "with a message"
is "$(echo "$ERR" | wc -l)" 1 "of one line"
run_nb run -- /etc/passwd
exit_is 126 "a non-executable file gives 126"
like "$ERR" "^nestbox: cannot run '/etc/passwd': Permission denied" "with a message"
run_nb run -- /usr
exit_is 126 "a directory gives 126"
run_nb run --chdir /no/such/dir -- true
exit_is 125 "a setup failure gives 125"
like "$ERR" "^nestbox: --chdir /no/such/dir: No such file or directory" "naming the option"

# A script without #! runs with sh, as in a shell.
printf 'echo from-script\n' >"$T_TMP/plain"
chmod +x "$T_TMP/plain"
run_nb run --ro-bind "$T_TMP:/t" -- /t/plain
is "$OUT" from-script "a script without #! runs with /bin/sh"

done_testing
