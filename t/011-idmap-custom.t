#!/bin/sh
# --uid-map and --gid-map: custom maps, checked against the caller's own
# ranges before any helper runs.
. "$(dirname "$0")/lib/tap.sh"
require_user
have_subids || skip_all "$(id -un) has no subordinate range"
me=$(id -u) g=$(id -g) sub=$(first_subuid)
subg=$(grep -E "^($(id -un)|$me):" /etc/subgid | head -n 1 | cut -d: -f2)

run_nb run --root --uid-map "0:$me:1" --uid-map "1:$sub:1000" --gid-map "0:$g:1" -- \
	sh -c 'tr -s " " </proc/self/uid_map; tr -s " " </proc/self/gid_map | wc -l'
exit_is 0 "a custom map within the caller's ranges works"
is "$OUT" " 0 $me 1
 1 $sub 1000
1" "and is written as given"

run_nb run --uid-map "0:0:1" -- true
exit_is 125 "mapping host root is refused"
like "$ERR" "^nestbox: --uid-map 0:0:1: host uids 0-0 are not yours \(hint: use your own uid \($me\)" "with the reason"
run_nb run --uid-map "0:$sub:70000" -- true
exit_is 125 "a map past the end of the range is refused"
run_nb run --gid-map "0:$subg:10" --gid-map "5:$((subg + 100)):10" -- true
exit_is 125 "overlapping inside ranges are refused"
like "$ERR" "overlaps" "with the reason"
run_nb run --uid 5 --uid-map "0:$sub:2" -- true
exit_is 125 "a map that leaves the inside uid unmapped is refused"
like "$ERR" "does not map the inside uid 5" "with the reason"

# A map of just your own ids (a rootless OCI config's) is the single map:
# written by nestbox itself, no setuid helper run for it.
run_nb run --verbose --uid 0 --gid 0 --uid-map "0:$me:1" --gid-map "0:$(id -g):1" -- id -u
like "$RC:$OUT:$ERR" "^0:0:.*uid map \(single\): 0 $me 1" "your own ids alone: the single map, without newuidmap and newgidmap"

done_testing
