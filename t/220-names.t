#!/bin/sh
# Names must be exact, and a near miss is answered with the name meant
# (issue 16, items 9 and 10): commands, long options and profile keys.
# getopt_long would take any unique prefix ('--hostn' for '--hostname'),
# which a later option can make ambiguous and break a script; bubblewrap
# takes exact names only, and so does nestbox.
. "$(dirname "$0")/lib/tap.sh"

one() { # one EXPECTED-LINE DESCRIPTION ARGS...
	want=$1 what=$2; shift 2
	run_nb "$@"
	is "$RC:$ERR" "125:$want" "$what"
}
one "nestbox: unknown command 'runn' (hint: did you mean 'run'? 'nestbox --help' lists the commands)" \
	"'nestbox runn' suggests run" runn -- true
one "nestbox: unknown command 'imprt' (hint: did you mean 'import'? 'nestbox --help' lists the commands)" \
	"'nestbox imprt' suggests import" imprt x y
one "nestbox: unknown command 'frobnicate' (hint: 'nestbox --help' lists the commands; to run a program: nestbox run -- frobnicate)" \
	"nothing close: no suggestion" frobnicate
one "nestbox: unknown option '--hostnmae' (hint: did you mean '--hostname'? see 'nestbox help run')" \
	"a transposition suggests the option" run --hostnmae x -- true
one "nestbox: unknown option '--hostn' (hint: did you mean '--hostname'? see 'nestbox help run')" \
	"a prefix is not taken for the option, but suggested" run --hostn x -- true
one "nestbox: unknown option '--mem' (hint: see 'nestbox help run')" \
	"a prefix of several options suggests none" run --mem 1G -- true
one "nestbox: unknown option '--prof' (hint: did you mean '--profile'? see 'nestbox help run')" \
	"a prefix of --profile is not applied as a profile" run --prof /nonexistent -- true
one "nestbox: unknown option '--zzzzzz' (hint: see 'nestbox help run')" \
	"nothing close: no suggestion" run --zzzzzz -- true
run_nb run --hostname=box -- hostname
is "$RC:$OUT" "0:box" "--name=value still works"

printf 'memroy = 64M\n' >"$T_TMP/p.ini"
one "nestbox: $T_TMP/p.ini:1: unknown option 'memroy' (hint: did you mean 'memory'?)" \
	"a profile key with a typo suggests the key" run --profile "$T_TMP/p.ini" -- true

printf 'hostname = here\n' >"$T_TMP/mine.ini"
out=$(cd "$T_TMP" && "$NESTBOX" run --profile mine.ini -- hostname 2>&1)
is "$?:$out" "0:here" "--profile mine.ini reads the file in the current directory (issue 16, item 14)"

run_nb help run
is "$(printf '%s\n' "$OUT" | awk 'length($0) > 79' | wc -l)" 0 "help run fits in 80 columns"
is "$(printf '%s\n' "$OUT" | grep ':$' | sort | uniq -d)" "" "and names each group once"

run_nb help import
is "$RC" 0 "help import exits 0"
like "$OUT" "^Usage: nestbox import" "and prints import's usage"
run_nb help runn
is "$RC:$ERR" "125:nestbox: no command 'runn' (hint: see 'nestbox --help' for the commands)" "help for no command: 125"
done_testing
