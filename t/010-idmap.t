#!/bin/sh
# User namespace and id mapping, as the user sees it: who they are inside,
# what uid_map says, and who owns outside the files they create.
. "$(dirname "$0")/lib/tap.sh"
require_user

me=$(id -u) mygid=$(id -g)

# --- the single map: works for everyone, no helper involved
run_nb run --map=single -- sh -c 'id -u; id -g; cat /proc/self/setgroups'
exit_is 0 "single map runs"
is "$OUT" "$me
$mygid
deny" "single map: own uid and gid inside, setgroups denied"
is "$ERR" "" "forced single map prints no warning"

run_nb run --map=single --root -- sh -c 'id -u; cat /proc/self/uid_map | tr -s " "'
is "$OUT" "0
 0 $me 1" "single map --root: 0 inside is the caller"

run_nb run --map=single -- sh -c 'cat /proc/self/uid_map | wc -l; id -un 65534 2>/dev/null; stat -c %u /etc/shadow'
is "$(echo "$OUT" | tail -n 1)" 65534 "single map: host root shows as the overflow uid"

dir1=$T_TMP/single
mkdir "$dir1"
run_nb run --map=single --root --bind "$dir1:/out" -- touch /out/f
is "$(stat -c '%u:%g' "$dir1/f")" "$me:$mygid" "single map: root's files inside are the caller's outside"

if ! have_subids; then
	skip "$(id -un) has no subordinate range or newuidmap is missing" 15
	done_testing
	exit
fi
sub=$(first_subuid)

# --- the auto map (default)
run_nb run -- id
exit_is 0 "auto map runs id"
like "$OUT" "^uid=$me\([^)]*\) gid=$mygid\([^)]*\) groups=$mygid\([^)]*\)$" \
	"auto map: caller keeps its uid and gid, no stray groups"
is "$ERR" "" "auto map: no warning"

# --no-keeper: a map written by newuidmap, relative to the host's ids (in
# the keeper's namespace it is relative to the keeper's: t/239).
run_nb run --no-keeper --root -- sh -c 'id -u; id -g; tr -s " " </proc/self/uid_map'
is "$OUT" "0
0
 0 $me 1
 1 $sub 65536" "--root: caller is 0, the range fills 1..65536"

run_nb run --no-keeper -- sh -c 'tr -s " " </proc/self/uid_map'
is "$OUT" " 0 $sub $me
 $me $me 1
 $((me + 1)) $((sub + me)) $((65536 - me))" "default: the range fills the ids around the caller's"

run_nb run -- cat /proc/self/setgroups
is "$OUT" "allow" "auto map: setgroups is allowed"

# Files made inside belong outside to the mapped host ids.
dir=$T_TMP/own
mkdir "$dir" && chmod 1777 "$dir"
run_nb run --bind "$dir:/out" -- touch /out/mine
is "$(stat -c '%u:%g' "$dir/mine")" "$me:$mygid" "a file made by the caller inside is the caller's outside"
run_nb run --root --bind "$dir:/out" -- sh -c 'touch /out/root; chown 1000:1000 /out/root'
exit_is 0 "root inside can chown to a mapped id"
is "$(stat -c '%u:%g' "$dir/root")" "$((sub + 999)):$((sub + 999))" "inside 1000 is host $sub+999"
run_nb run --root --bind "$dir:/out" -- setpriv --reuid=1000 --regid=1000 --clear-groups touch /out/u1000
exit_is 0 "root inside can become uid 1000"
is "$(stat -c %u "$dir/u1000")" "$((sub + 999))" "a file made by inside uid 1000 is owned by host $sub+999"

# The same identity seen from the host: the payload's process ids.
"$NESTBOX" run --root -- setpriv --reuid=1000 --regid=1000 --clear-groups sleep 3.25 &
nb=$!
i=0
while ! p=$(pgrep -f -n "^sleep 3.25") && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
is "$(awk '/^Uid:/ { print $2 }' /proc/$p/status 2>/dev/null)" "$((sub + 999))" "outside, inside uid 1000 runs as host uid $sub+999"
is "$(awk '/^Gid:/ { print $2 }' /proc/$p/status 2>/dev/null)" "$((sub + 999))" "and inside gid 1000 as host gid $sub+999"
kill $nb 2>/dev/null
wait $nb 2>/dev/null

run_nb run -v --no-keeper -- true
like "$ERR" "^nestbox: uid map \(newuidmap\): 0 $sub $me,$me $me 1," "--verbose shows the uid map"

run_nb run --uid 1000 --gid 1000 -- sh -c 'id -u; id -g'
is "$OUT" "1000
1000" "--uid/--gid choose the identity inside"

done_testing
