#!/bin/sh
# nestbox run --dry-run (issue 16, item 13): every setting with where its
# value came from (default, FILE:LINE of a profile, command line), the
# mounts in order, the maps; exit 0 if it would start, 125 with the error
# if not; nothing is made.
. "$(dirname "$0")/lib/tap.sh"
P=$T_TMP/p
mkdir -p "$P"
printf '# base\nhostname = base\nmemory = 1G\nbind = /tmp:/mnt\nenv = A=1\n' >"$P/base.ini"
printf 'profile = base.ini\nhostname = layer\nro-bind = /etc:/hostetc\nenv = B=2\n' >"$P/layer.ini"

run_nb run --dry-run --map=single --cgroup=try --profile "$P/layer.ini" --hostname cli --env C=3 -- sh -c 'echo ran'
exit_is 0 "a sandbox that would start: exit 0"
unlike "$OUT" "^ran$" "the command did not run"
row() { printf '%s\n' "$OUT" | grep -E "^  --$1 " | sed 's/  */ /g'; }
is "$(row profile)" " --profile $P/layer.ini command line
 --profile base.ini $P/layer.ini:1" "the profiles: the one given, and the one it includes, with file:line"
is "$(row hostname)" " --hostname cli command line (over $P/base.ini:2, $P/layer.ini:2)" \
	"an override names the value in force and what it overrode, in order"
is "$(row memory)" " --memory 1G $P/base.ini:3" "a value from the included profile names its line"
is "$(row env)" " --env A=1 $P/base.ini:5
 --env B=2 $P/layer.ini:4
 --env C=3 command line" "a repeatable option lists every value with its source"
is "$(row net)" " --net none default" "an option not given: its default"
is "$(row map)" " --map single command line" "a flag of the command line"
like "$OUT" "[0-9]+\\. --bind /tmp at /mnt
 +[0-9]+\\. --ro-bind /etc at /hostetc" "the mounts, in the order they are made"
like "$OUT" "Id maps \\(single, written by nestbox\\):
  uid: $(id -u) $(id -u) 1" "the id map it would write"
like "$OUT" "The sandbox would start; --dry-run made nothing" "and says it made nothing"

run_nb run --dry-run --net=slirp -p 8080:80 -- true
leftover=$(ls -A "$(dirname "$T_TMP")/nestbox-$(id -u)" 2>/dev/null | grep -vxE 'sandboxes|keeper(\.lock|\.start)?'; ls -A "${XDG_RUNTIME_DIR:-/nonexistent}/nestbox" 2>/dev/null | grep -vxE 'sandboxes|keeper(\.lock|\.start)?')
is "$RC:$leftover" "0:" "with -p: no socket directory made"

run_nb run --dry-run --cgroup=require --memory 1G -- true
if [ "$RC" -eq 0 ]; then
	like "$OUT" "Cgroup: a leaf in /" "with delegated cgroups: where the leaf would be"
else
	like "$ERR" "^nestbox: cannot (enforce|use)" "without delegated cgroups: 125 and the reason, as a real run gives ($RC)"
fi
printf 'net = slirp\n' >"$P/bad.ini"
run_nb run --dry-run --map=single --profile "$P/bad.ini" -- true
is "$RC" 125 "a sandbox that would not start: 125"
like "$ERR" "^nestbox: --net=slirp with a single-id map needs --root" "with the error a real run gives"
done_testing
