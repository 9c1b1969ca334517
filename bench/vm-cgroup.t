#!/bin/sh
# Scenario 4 of bench/run, inside the t/vm guest (pure cgroup v2): a
# sandbox with a cgroup leaf and limits against the same sandbox without
# one, interleaved by bench/abrun. Run by bench/run as
#   sh t/vm/run bench/vm-cgroup.t
# and prints the abrun row as a "# row:" line. The guest runs under TCG,
# so absolute times are inflated; the ratio and the difference are what
# carry over. The row ends with the median of the paired differences
# (abrun -d), steadier than the difference of the medians under the
# guest's wide noise.
[ "${NB_VM:-}" = 1 ] || { echo "1..0 # SKIP runs inside the test vm: sh t/vm/run $0"; exit 0; }
echo "1..2"
D=/sys/fs/cgroup/deleg
S=$D/bench$$
mkdir "$S" && echo $$ >"$S/cgroup.procs" || { echo "not ok 1 - a delegated scope"; exit 1; }
echo "ok 1 - a delegated scope"
row=$(bench/abrun -d -n "${NB_BENCH_VM_RUNS:-100}" -l "4. with a cgroup leaf and limits vs without (in the VM)" :: \
	"$NESTBOX" run --map=single --memory 256M --pids 512 --cpus 1 -- true :: \
	"$NESTBOX" run --map=single --cgroup=off -- true)
rc=$?
echo "# row: $row"
# The kernel's part alone, with the same controllers (bench/cgleaf.c).
[ -x bench/cgleaf ] && echo "# cgleaf: $(bench/cgleaf "$D" 100)"
[ $rc = 0 ] && echo "ok 2 - measured" || echo "not ok 2 - measured"
