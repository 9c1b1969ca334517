#!/bin/sh
# Shell completion as a user meets it (issue 16, item 8), under real bash
# with the bash-completion package, through t/lib/complete.bash (which
# splits a line the way readline does), and the zsh completion loading.
. "$(dirname "$0")/lib/tap.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
bc=$top/contrib/bash-completion/nestbox
[ -f "$bc" ] || skip_all "needs contrib/ beside t/"
[ -f /usr/share/bash-completion/bash_completion ] || skip_all "needs the bash-completion package"

# `nestbox` on PATH is the binary under test.
mkdir -p "$T_TMP/bin"
ln -s "$NESTBOX" "$T_TMP/bin/nestbox"
mkdir -p "$T_TMP/profiles"
printf 'hostname = mine\n' >"$T_TMP/profiles/mine.ini"
comp() { PATH=$T_TMP/bin:$PATH bash "$top/t/lib/complete.bash" "$bc" "$1" 2>&1 | sort -u | tr '\n' ' ' | sed 's/ $//'; }

is "$(comp 'nestbox im')" "import" "nestbox im<Tab> offers import"
is "$(comp 'nestbox run --net ')" "host none pasta slirp" "--net <Tab> offers the modes, not every command"
is "$(comp 'nestbox run --share=')" "cgroup ipc net pid uts" "--share=<Tab> offers the namespaces"
is "$(comp 'nestbox run --share=net,i')" "net,ipc" "and the next one after a comma"
is "$(comp 'nestbox run --bind /et')" "/etc" "--bind <Tab> offers paths only"
is "$(comp 'nestbox run --bind /usr/bin/bas')" "/usr/bin/base32 /usr/bin/base64 /usr/bin/basename /usr/bin/basenc /usr/bin/bash /usr/bin/bashbug" \
	"and no command names among them"
is "$(comp 'nestbox run --uid ')" "" "--uid <Tab> offers nothing (a number)"
out=$(comp 'nestbox run --profile ')
is "$out" "desktop dev hpc" "--profile <Tab> offers the shipped profiles, one word each"
out=$(NB_PROFILE_PATH=$T_TMP/profiles comp 'nestbox run --profile ')
is "$out" "mine" "and the ones along NB_PROFILE_PATH"
like "$(comp "nestbox import $T_TMP/prof")" "$T_TMP/profiles" "import <Tab> offers files"
is "$(comp 'nestbox run --hostn')" "--hostname" "options complete"
is "$(comp 'nestbox run --root -- ech')" "echo" "after --, the command"
like "$(comp 'nestbox run --memory 1G ech')" "echo" "after the options, the command"
is "$(comp 'nestbox run --cap-add net_ra')" "net_raw" "capabilities complete"
is "$(comp 'nestbox run --tty ')" "always auto never" "--tty <Tab> offers its modes"
is "$(comp 'nestbox st')" "stop" "the sandbox commands complete"
is "$(comp 'nestbox bwrap --ro-bind-')" "--ro-bind-data --ro-bind-fd --ro-bind-try" "nestbox bwrap <Tab> offers bubblewrap's options"
is "$(comp 'nestbox bwrap --cap-add CAP_NET_RA')" "CAP_NET_RAW" "and capabilities as bwrap names them"
is "$(comp 'nestbox bwrap --ro-bind / / -- ech')" "echo" "after --, the command"

# Running sandboxes' names and ids (issue 13), for exec, stop and kill.
if [ "$(id -u)" != 0 ]; then
	name=t225-$$
	"$NESTBOX" run --name "$name" -- sleep 600 >/dev/null 2>&1 &
	bg=$!
	until_listed "$name"
	id=$("$NESTBOX" ps | awk -v n="$name" '$2 == n { print $1 }')
	is "$(comp "nestbox exec t225-$$")" "$name" "exec <Tab> offers the sandboxes' names"
	is "$(comp "nestbox stop $(echo "$id" | cut -c1-4)")" "$id" "stop <Tab> offers their ids"
	is "$(comp "nestbox kill --signal US")" "USR1 USR2" "kill --signal <Tab> offers signals"
	like "$(comp "nestbox exec $name -- ech")" "echo" "after the sandbox, exec completes the command"
	"$NESTBOX" stop --time 5 "$name" >/dev/null
	wait $bg
else
	skip "the sandbox name tests run as the test account"
fi

if command -v zsh >/dev/null; then
	out=$(zsh -fc "fpath=($top/contrib/zsh \$fpath); autoload -Uz compinit; compinit -u -d $T_TMP/zcompdump; print \${_comps[nestbox]}" 2>&1)
	is "$out" "_nestbox" "the zsh completion loads and is bound to nestbox"
	zsh -n "$top/contrib/zsh/_nestbox"
	is "$?" 0 "and parses"
else
	skip "zsh is not installed (package zsh)" 2
fi
done_testing
