#!/bin/sh
# Small things a user notices: a bind onto / is an error, not a no-op;
# $PWD is where the payload starts; --stats reports the real exit code.
. "$(dirname "$0")/lib/tap.sh"
require_user

for o in --bind --ro-bind --bind-try; do
	run_nb run $o "$T_TMP:/" -- true
	exit_is 125 "$o SRC:/ is refused"
	like "$ERR" "hint: .*--rootfs" "and the hint says --rootfs"
done

# printenv, not a shell: dash corrects (and exports) $PWD at start-up.
cd "$T_TMP" || exit 1
run_nb run --chdir /tmp -- printenv PWD
is "$OUT" /tmp "after --chdir /tmp, \$PWD is /tmp, not the caller's directory"
run_nb run --bind-cwd -- printenv PWD
is "$OUT" "$T_TMP" "without --chdir, \$PWD is the directory the payload starts in"
run_nb run -- printenv PWD
is "$OUT" "$HOME" "which is \$HOME when the caller's directory is not in the view"
run_nb run --env PWD=/elsewhere -- printenv PWD
is "$OUT" /elsewhere "an explicit --env PWD wins"
cd / || exit 1

run_nb run --stats -- sh -c 'exit 3'
exit_is 3 "--stats passes the exit code through"
like "$ERR" '"exit-code": 3' "and its JSON says 3, not 0"
done_testing
