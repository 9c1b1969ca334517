#!/bin/sh
# INI profiles (--profile NAME|FILE): keys are the long option names and go
# through the same setters as the command line, which is applied after the
# profiles and so adds to them and overrides them. Bad profiles are refused
# with FILE:LINE, exit 125 and nothing left behind. The shipped profiles
# (conf/profiles) do what they say.
. "$(dirname "$0")/lib/tap.sh"
require_user

conf=$(cd "$(dirname "$0")/../conf/profiles" && pwd)
P=$T_TMP/profiles
mkdir "$P"
cat >"$P/base.ini" <<'INI'
# a comment
; another
[run]
hostname = box
env = ONE=1
env = WHO=${NB_T_WHO}-x$$
new-session = true
as-pid-1 = no
INI
cat >"$P/outer.ini" <<'INI'
profile = base
env = TWO=2
INI

run_nb run --map=single --profile "$P/base.ini" -- sh -c 'hostname; echo "$ONE $WHO"; echo $$'
is "$OUT" "box
1 -x\$
2" "keys set what the options set: --hostname, --env (repeated), a flag; false flags stay off"
run_nb_env NB_T_WHO=me run --map=single --profile "$P/base.ini" -- sh -c 'echo "$WHO"'
is "$OUT" 'me-x$' '${VAR} comes from the environment, $$ is a dollar'
run_nb run --map=single --hostname cli --profile "$P/base.ini" -- hostname
is "$OUT" cli "the command line overrides the profile, wherever --profile stands"
run_nb run --map=single --profile "$P/base.ini" --env ONE=cli -- sh -c 'echo $ONE'
is "$OUT" cli "and a repeated option adds to it, after it"
run_nb_env NB_PROFILE_PATH="$T_TMP/none:$P" run --map=single --profile outer -- sh -c 'hostname; echo $ONE$TWO'
is "$OUT" "box
12" "a name is looked up along NB_PROFILE_PATH; 'profile =' applies another profile in place"

mkdir "$P/sub"
printf 'profile = ../base.ini\nnew-session = false\n' >"$P/sub/rel.ini"
run_nb run --map=single --profile "$P/sub/rel.ini" -- sh -c 'hostname; ps -o sid= -p $$ | tr -d " "'
is "$OUT" "box
0" "a relative 'profile =' path is the including file's; 'new-session = false' undoes the included 'true'"

# Bad profiles.
bad() { # bad FILE-CONTENT ERE DESCRIPTION
	printf '%s\n' "$1" >"$P/bad.ini"
	before=$(live_inits | wc -l)
	run_nb run --map=single --profile "$P/bad.ini" -- true
	exit_is 125 "$3: exit 125"
	like "$ERR" "$2" "$3: the message"
	is "$(echo "$ERR" | wc -l)" 1 "$3: one line"
	is "$(live_inits | wc -l)" "$before" "$3: no sandbox left"
}
bad 'hostname = a
bogus = 1' "^nestbox: $P/bad.ini:2: unknown option 'bogus' \(hint: keys are the long names" "an unknown key"
bad 'hostname' "^nestbox: $P/bad.ini:1: not a 'key = value' line" "a line without '='"
bad 'memory = lots' "^nestbox: $P/bad.ini:1: --memory: 'lots' is not a size" "a bad value"
bad 'as-pid-1 = maybe' "^nestbox: $P/bad.ini:1: as-pid-1 takes true or false, not 'maybe'" "a flag that is neither true nor false"
bad '[other]
x = 1' "^nestbox: $P/bad.ini:2: unknown section \[other\]" "a section other than [run]"
bad "bind = /$(printf '%0250d' 0)" "^nestbox: $P/bad.ini:1: the line is longer than" "an over-long line (inih would split it)"
bad 'env = X=${1BAD}' "^nestbox: $P/bad.ini:1: a bad variable reference" "a bad \${...}"
bad "profile = $P/bad.ini" "more than 8 deep" "profiles that include each other"
bad 'cap-add = CAP_NOPE' "^nestbox: $P/bad.ini:1: .*CAP_NOPE" "an unknown capability"
run_nb_env NB_PROFILE_PATH="$P" run --profile nosuch -- true
exit_is 125 "a missing profile: exit 125"
like "$ERR" "^nestbox: no profile 'nosuch' \(looked for nosuch.ini in $P\) \(hint: give a path" "saying where it looked"

# The shipped profiles.
rt=$T_TMP/run
mkdir -m 0700 "$rt" "$rt/pulse"
"$(dirname "$0")/lib/nettool" unix-serve "$rt/wayland-0" >"$T_TMP/wl" 2>&1 &
wl=$!
"$(dirname "$0")/lib/nettool" unix-serve "$rt/pulse/native" >"$T_TMP/pu" 2>&1 &
pu=$!
: >"$rt/other"
wait_for "$T_TMP/wl" listening && wait_for "$T_TMP/pu" listening
run_nb_env XDG_RUNTIME_DIR="$rt" run --profile "$conf/desktop.ini" -- sh -c \
	'ls -A ~ | wc -l; ls /proc/sys/net/ipv4/conf | tr "\n" " "; test -S "$XDG_RUNTIME_DIR/wayland-0" && echo wayland;
	 test -S "$XDG_RUNTIME_DIR/pulse/native" && echo pulse; test -e "$XDG_RUNTIME_DIR/other" || echo no-other'
kill "$wl" "$pu" 2>/dev/null
exit_is 0 "the desktop profile runs"
is "$OUT" "0
all default lo wayland
pulse
no-other" "desktop: an empty home, no network but lo, the Wayland and PulseAudio sockets and nothing else of the runtime dir"

run_nb run --profile "$conf/hpc.ini" -- true
if [ "$RC" = 0 ]; then
	pass "the hpc profile runs with its limits here"
else
	exit_is 125 "hpc: without delegated cgroups its limits are refused, not dropped"
fi
run_nb run --profile "$conf/hpc.ini" --cgroup=try --net=none -- sh -c 'test -d "$HOME" && touch "$HOME/.nb-hpc-probe" && echo home-rw; pwd'
rm -f "$HOME/.nb-hpc-probe"
is "$OUT" "home-rw
$(pwd)" "hpc: the real home read-write, starting in the current directory (--cgroup=try and --net=none from the command line)"

run_nb run --profile "$conf/dev.ini" --net=none -- sh -c 'id -u; hostname; cat /proc/self/uid_map | wc -l'
if have_subids; then
	is "$OUT" "0
dev
2" "dev: root inside, the whole subordinate range mapped, host name dev"
else
	skip "dev: no subordinate range for $(id -un), so no full map" 1
fi

run_nb help run
like "$OUT" "--profile NAME\|FILE" "--profile is in the help"
done_testing
