#!/bin/sh
# The command line: help, version, and bad input that must fail with exit
# 125 and a message naming the option, before any sandbox exists.
. "$(dirname "$0")/lib/tap.sh"

run_nb --version
exit_is 0 "--version exits 0"
like "$OUT" '^nestbox [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"

run_nb --help
exit_is 0 "--help exits 0"
like "$OUT" 'run \[OPTIONS\]' "--help lists the run command"

run_nb help run
exit_is 0 "help run exits 0"
for opt in map uid-map gid-map uid gid root share hostname chdir env unsetenv clearenv \
	argv0 new-session no-new-session die-with-parent as-pid-1 pass-fd verbose; do
	like "$OUT" "--$opt" "help run documents --$opt"
done
run_nb run --help
is "$OUT" "$("$NESTBOX" help run)" "run --help is help run"

bad() { # bad EXPECTED-MESSAGE-ERE DESCRIPTION ARGS...
	want=$1 what=$2; shift 2
	run_nb "$@"
	exit_is 125 "$what: exit 125"
	like "$ERR" "^nestbox: .*$want" "$what: message"
}
bad "unknown command 'frobnicate'" "unknown command" frobnicate
bad "option '--bogus'" "unknown option" run --bogus -- true
bad "'--uid' needs a value" "missing value" run --uid
bad "--uid: 'abc' is not a numeric uid" "bad uid" run --uid abc -- true
bad "--uid: '-1' is not a numeric uid" "negative uid" run --uid=-1 -- true
bad "--gid: '4294967295' is not a numeric gid" "gid out of range" run --gid 4294967295 -- true
bad "--uid-map: cannot parse '0:1000'" "short uid map" run --uid-map 0:1000 -- true
bad "--gid-map: cannot parse '0:x:1'" "bad gid map" run --gid-map 0:x:1 -- true
bad "--uid-map: range '0:1000:0' is empty" "empty uid map" run --uid-map 0:1000:0 -- true
bad "--map: unknown mode 'full'" "bad map mode" run --map=full -- true
bad "--share: unknown namespace 'user'" "bad --share" run --share=net,user -- true
bad "--hostname needs a private UTS namespace" "--hostname with shared uts" run --share=uts --hostname x -- true
bad "--as-pid-1 needs a private PID namespace" "--as-pid-1 with shared pid" run --share=pid --as-pid-1 -- true
bad "--chdir: 'tmp' is not an absolute path" "relative --chdir" run --chdir tmp -- true
bad "--env: 'FOO' is not of the form NAME=VALUE" "bad --env" run --env FOO -- true
bad "--pass-fd: 57" "closed --pass-fd" run --pass-fd 57 -- true
bad "no command given" "no command" run --
bad "--map=single cannot be combined with --uid-map" "single with custom map" run --map=single --uid-map 0:0:1 -- true

run_nb
exit_is 125 "no arguments: exit 125"
is "$ERR" "nestbox: no command given (hint: nestbox run [OPTIONS] [--] COMMAND [ARGS...]; see 'nestbox --help')" \
	"no arguments: one line, pointing to --help"

done_testing
