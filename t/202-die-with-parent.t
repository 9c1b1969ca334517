#!/bin/sh
# --die-with-parent (the default) in bubblewrap's sense: when nestbox's
# caller dies, nestbox dies, and the sandbox with it; when nestbox itself is
# SIGKILLed, nothing of the sandbox survives either. Each run kills the
# caller or nestbox after a random delay (start-up or running), in four
# modes, and then counts the live processes the sandbox had made.
. "$(dirname "$0")/lib/tap.sh"
require_user
runs=${NB_DEATH_RUNS:-50}
marker=4321$$

# A payload that leaves a background child and waits.
payload="sleep $marker & exec sleep $marker"
# The sandbox's processes that still run: nestbox, its init and the
# payload's sleeps all end their arguments with the marker, which is new
# for every run, so that one leak is counted once.
# They run as you or, with a map that changes the uid, as one of your
# subordinate ids: count those too.
subs=$(grep -E "^($(id -un)|$(id -u)):" /etc/subuid 2>/dev/null | cut -d: -f2,3 | tr '\n' ' ')
left_pids() {
	ps -e -o pid=,uid=,stat=,comm=,args= |
		awk -v m="$marker" -v me="$(id -u)" -v subs="$subs" '
			BEGIN { n = split(subs, r, " ") }
			function ours(u,   i, a) { if (u == me) return 1; for (i = 1; i <= n; i++) { split(r[i], a, ":"); if (u >= a[1] && u < a[1] + a[2]) return 1 } return 0 }
			$3 !~ /^Z/ && ($4 == "sleep" || $4 == "nestbox" || $4 == "nestbox-init") && $NF == m && ours($2) { print $1 }'
}
survivors() { left_pids | wc -l; }
# What a failed run left is ended, so that it cannot count again.
reap() { for p in $(left_pids); do kill -9 "$p" 2>/dev/null; done; }
# Waits up to 10 s for the sandbox to be gone; prints what is left.
settle() {
	i=0
	while [ "$(survivors)" -ne 0 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	survivors
}
# A delay from 0 to 0.3 s, in steps of 10 ms.
delay() { echo "0.$(od -An -N1 -tu1 /dev/urandom | awk '{ printf "%02d", $1 % 30 }')"; }

# A caller that dies before nestbox's main() runs cannot be noticed by any
# program (nestbox(1), --die-with-parent): nestbox is reparented before it
# can ask who its parent is. Loading takes about a millisecond, but a busy
# machine or the sanitizer runtime of make check-asan stretches it to a
# tenth of a second and more. So caller kills wait until nestbox has made
# its first child, which it does only after arming the parent-death
# signal, and the random delay counts from there (up to 5 s).
past_main() {
	j=0
	while [ $j -lt 100 ]; do
		for nb in $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
			[ -n "$(cat "/proc/$nb/task/$nb/children" 2>/dev/null)" ] && return 0
		done
		sleep 0.05; j=$((j + 1))
	done
}

# kill_run WHO ARGS...: WHO is "caller" (the shell that runs nestbox) or
# "nestbox"; returns the survivors.
kill_run() {
	who=$1; shift
	if [ "$who" = caller ]; then
		# '; :' keeps sh from exec'ing nestbox: sh stays its parent.
		sh -c '"$0" run "$@"; :' "$NESTBOX" "$@" -- sh -c "$payload" </dev/null >/dev/null 2>&1 &
		victim=$!
		past_main "$victim"
	else
		"$NESTBOX" run "$@" -- sh -c "$payload" </dev/null >/dev/null 2>&1 &
		victim=$!
	fi
	sleep "$(delay)"
	kill -9 "$victim" 2>/dev/null
	wait "$victim" 2>/dev/null
	n=$(settle)
	# A failure says which processes were left, and in what state.
	[ "$n" -eq 0 ] || ps -e -o pid=,ppid=,uid=,stat=,comm=,args= |
		awk -v m="$marker" -v w="$who" '$NF == m { print w ": " $0 }' >>"$T_TMP/left"
	echo "$n"
	reap
}

# mode N ARGS...: in the background, with a marker of its own, writes
# "WHO BAD LEFT" lines to $T_TMP/mode.N.
mode() {
	k=$1; shift
	(
		base=$marker$k
		for who in caller nestbox; do
			left=0 bad=0 i=0
			while [ $i -lt "$runs" ]; do
				i=$((i + 1))
				marker=$base$((${#who} + 1))$(printf %03d $i)
				payload="sleep $marker & exec sleep $marker"
				n=$(kill_run "$who" "$@")
				[ "$n" -eq 0 ] || { bad=$((bad + 1)); left=$((left + n)); }
			done
			echo "$who $bad $left"
		done >"$T_TMP/mode.$k"
	) &
}

# The four modes at once: each run mostly waits.
set -- default --as-pid-1 --share=pid "a uid-changing map (--as-pid-1)"
mode 1
mode 2 --as-pid-1
mode 3 --share=pid
if have_subids; then
	sub=$(first_subuid)
	mode 4 --uid-map "0:$sub:1" --uid-map "$(id -u):$(id -u):1" --uid 0 --as-pid-1
fi
wait
k=0
for name; do
	k=$((k + 1))
	if [ ! -s "$T_TMP/mode.$k" ]; then
		skip "the caller has no subordinate range: no map can change the uid" 2
		continue
	fi
	while read -r who bad left; do
		is "$bad" 0 "$name: $runs runs with the $who SIGKILLed at a random moment: nothing of the sandbox survives" \
			"$left processes survived in $bad runs; left (pid ppid uid stat comm args):" \
			"$(cat "$T_TMP/left" 2>/dev/null)"
	done <"$T_TMP/mode.$k"
done

# The issue's own reproducer: the caller is a shell that is SIGKILLed.
marker=${marker}9
sh -c '"$0" run -- sleep '"$marker"'; :' "$NESTBOX" </dev/null >/dev/null 2>&1 &
caller=$!
sleep 1
kill -9 "$caller"
is "$(settle)" 0 "a shell running nestbox is SIGKILLed: nestbox and its sandbox go with it"
reap

# --no-die-with-parent: the sandbox may outlive its caller, as asked.
sh -c '"$0" run --no-die-with-parent -- sleep 2; :' "$NESTBOX" </dev/null >/dev/null 2>&1 &
caller=$!
sleep 0.5
kill -9 "$caller"
sleep 0.5
n=$(ps -u "$(id -u)" -o stat=,comm=,args= | awk '$1 !~ /^Z/ && $2 == "sleep" && $NF == "2" { n++ } END { print n + 0 }')
is "$n" 1 "with --no-die-with-parent the sandbox outlives its killed caller"
done_testing
