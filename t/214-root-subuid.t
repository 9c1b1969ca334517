#!/bin/sh
# A duplicated or overlapping line in /etc/subuid (admins append lines by
# hand) must not make every run fail: nestbox merges the ranges before it
# builds the map, and says once that the file repeats itself. Needs root
# to edit /etc/subuid and /etc/subgid; both are restored at the end.
. "$(dirname "$0")/lib/tap.sh"
require_root
id nbtest >/dev/null 2>&1 || skip_all "make check provisions the user nbtest"
grep -q '^nbtest:' /etc/subuid || skip_all "nbtest has no range in /etc/subuid"

cp -p /etc/subuid "$T_TMP/subuid.orig"
cp -p /etc/subgid "$T_TMP/subgid.orig"
restore() { cp -p "$T_TMP/subuid.orig" /etc/subuid; cp -p "$T_TMP/subgid.orig" /etc/subgid; }
trap 'restore; t_cleanup' EXIT
line=$(grep '^nbtest:' /etc/subuid | head -n 1)
start=$(echo "$line" | cut -d: -f2)
count=$(echo "$line" | cut -d: -f3)
gline=$(grep '^nbtest:' /etc/subgid | head -n 1)

# The same line twice, and one overlapping the first half.
printf '%s\n%s\n' "$line" "nbtest:$start:$((count / 2))" >>/etc/subuid
printf '%s\n' "$gline" >>/etc/subgid
out=$(as_user nbtest "$NESTBOX" run --no-keeper --root -- sh -c 'cat /proc/self/uid_map' 2>"$T_TMP/err")
rc=$?
err=$(cat "$T_TMP/err")
is "$rc" 0 "a run works with a repeated and an overlapping line" "$err"
like "$out" " $start +$count$" "the map holds the range once, whole"
like "$err" "^nestbox: warning: /etc/subuid lists overlapping or repeated ranges for nbtest" "the file's repetition is said"
is "$(printf '%s\n' "$err" | grep -c warning)" 1 "once, in one line"
restore
out=$(as_user nbtest "$NESTBOX" run -- true 2>&1)
is "$out" "" "a tidy file: no warning"

# A comment longer than the line buffer: its tail is not a line of its own,
# even when it reads like one.
pad=$(printf '%0509d' 0)
printf '# %s%s\n' "$pad" "nbtest:500000:10" >>/etc/subuid
out=$(as_user nbtest "$NESTBOX" run --no-keeper --root -- cat /proc/self/uid_map 2>"$T_TMP/err")
is "$?" 0 "a long comment line does not break the map" "$(cat "$T_TMP/err")"
unlike "$out" " 500000 " "its tail is not read as a range"
restore
done_testing
