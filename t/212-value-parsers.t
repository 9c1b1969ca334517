#!/bin/sh
# Sizes, device numbers and tmpfs options are read strictly: a sign, an
# empty list or a value that wraps is refused (exit 125, one line) rather
# than read as something else. 4G, 4GB and 4GiB all mean 4 GiB, and
# --verbose says what was understood.
. "$(dirname "$0")/lib/tap.sh"
require_user

# --cgroup=try: where limits cannot be enforced (this host's hybrid
# cgroups) a run goes on with a warning, so only the parser can refuse.
bad() {
	what=$1; shift
	run_nb run --cgroup=try "$@" -- true
	is "$RC:$(printf '%s' "$ERR" | cut -d' ' -f2 | tr -d ':')" "125:$1" "$what is refused by its option" "$ERR"
}
bad "--memory ' -1'" --memory ' -1'
bad "--memory +1" --memory +1
bad "--memory -5" --memory -5
bad "--memory 4XB" --memory 4XB
bad "--io-max 8:0: (no keys)" --io-max 8:0:
bad "--io-max 8:0 (nothing after the device)" --io-max 8:0
bad "--io-max -1:-1:rbps=1" --io-max -1:-1:rbps=1
bad "--io-max 8:0:rbps=+1" --io-max 8:0:rbps=+1
bad "--tmpfs /mnt:size=0 (unlimited, for the kernel)" --tmpfs /mnt:size=0
bad "--tmpfs /mnt:size=18446744073709551616" --tmpfs /mnt:size=18446744073709551616
bad "--tmpfs /mnt:size=99999999999999999999k" --tmpfs /mnt:size=99999999999999999999k
bad "--tmpfs /mnt:size=0%" --tmpfs /mnt:size=0%
bad "--pids ' 5'" --pids ' 5'

for v in 4G 4g 4GB 4GiB 4gib 4096M; do
	run_nb run --verbose --cgroup=try --memory "$v" -- true
	like "$ERR" "memory\\.max = 4294967296 bytes \\(4 GiB\\)" "--memory $v is understood as 4 GiB"
done
run_nb run --tmpfs /mnt:size=1m -- df -k /mnt
like "$OUT" " 1024 " "--tmpfs size=1m is a 1 MiB tmpfs"

# Item 13: a refused value frees what its setter had taken (nb_set_tmpfs
# leaked its size string when a second size= failed). The embedding API
# (nb_launch from a long-lived process) would leak on every such refusal.
# Under make check-asan LeakSanitizer does the same (a leak is exit 99),
# and valgrind cannot run a sanitized binary.
# valgrind cannot follow the heap of a static binary (malloc is inside it,
# not in a libc it can replace), which make builds by default.
if [ "${NB_SANITIZED:-0}" = 1 ]; then
	vg=
else
	vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99"
fi
if [ -n "$vg" ] && ldd "$NESTBOX" 2>&1 | grep -q 'statically linked'; then
	skip "nestbox is a static binary, whose heap valgrind cannot follow; make check-asan runs these refusals under LeakSanitizer" 5
elif [ -z "$vg" ] || command -v valgrind >/dev/null; then
	for args in "--tmpfs /t:size=1,size=x" "--tmpfs /t:size=1m,mode=99" "--io-max 8:0:rbps=1,rbps=x" \
		"--publish 1:2 --publish x" "--uid-map 0:1:1 --uid-map x"; do
		# shellcheck disable=SC2086
		$vg "$NESTBOX" run $args -- true >/dev/null 2>"$T_TMP/vg"
		is "$?" 125 "refusing '$args' leaks nothing" "$(grep -v '^nestbox:' "$T_TMP/vg" | head -n 20)"
	done
else
	skip "valgrind is not installed: the leak check of refused values needs it" 5
fi
done_testing
