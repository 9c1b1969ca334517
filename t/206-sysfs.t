#!/bin/sh
# With a network namespace of its own, the sandbox sees a fresh sysfs: its
# own interfaces, not the host's with their MAC addresses. Read-only, with
# the firmware tables hidden as before.
. "$(dirname "$0")/lib/tap.sh"
require_user

run_nb run -- ls /sys/class/net
is "$(echo $OUT)" "lo" "--net=none: /sys/class/net lists lo only"
run_nb run -- sh -c 'cat /sys/class/net/*/address'
is "$(echo $OUT)" "00:00:00:00:00:00" "and no host MAC address shows"
run_nb run -- stat -f -c %T /sys
is "$OUT" sysfs "/sys is a sysfs"
run_nb run -- sh -c 'grep " /sys " /proc/self/mountinfo'
like "$OUT" " ro[, ]" "mounted read-only"
run_nb run -- ls -A /sys/firmware
is "$OUT" "" "/sys/firmware is masked"
run_nb run -- stat -f -c %T /sys/fs/cgroup
is "$OUT" cgroup2fs "the private cgroup namespace shows its own cgroup2 at /sys/fs/cgroup"

if command -v slirp4netns >/dev/null && [ -w /dev/net/tun ]; then
	run_nb run --net=slirp -- ls /sys/class/net
	is "$(echo $OUT)" "lo tap0" "--net=slirp: lo and tap0"
else
	skip "slirp4netns or a usable /dev/net/tun is missing" 1
fi
run_nb run --share=net -- ls /sys/class/net
is "$OUT" "$(ls /sys/class/net)" "--share=net: the host's interfaces, as the host's network is shared"
done_testing
