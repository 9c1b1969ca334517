#!/bin/sh
# The short form of bench/soak: 100 sandboxes of every kind (plain, killed
# by signals, failing to exec, leaving a background process, --net=slirp,
# limits where delegated), most from one long-lived process through
# nb_launch(). Afterwards nothing is left: no process, descriptor, heap,
# temp file, socket directory or cgroup leaf.
. "$(dirname "$0")/lib/tap.sh"
require_user

soak=$(dirname "$0")/../bench/soak
out=$(NESTBOX="$NESTBOX" sh "$soak" 100 2>&1)
rc=$?
printf '%s\n' "$out" | diag
is "$(printf '%s\n' "$out" | tail -n 1)" "100 sandboxes, 0 leaked" "100 sandboxes, 0 leaked"
is "$rc" 0 "and every one gave the exit code it should"
like "$out" "library mode: runs=[0-9]+ wrong=0 fds=([0-9]+),\\1 heap=([0-9]+),\\2 mask=same" \
	"the long-lived process keeps its descriptors, heap and signal mask"
done_testing
