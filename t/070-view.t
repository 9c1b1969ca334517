#!/bin/sh
# The temporary filesystem view: the host read-only, with a fresh /proc,
# a private /tmp and a minimal /dev. Nothing written inside reaches the host.
. "$(dirname "$0")/lib/tap.sh"
require_user

run_nb run -- sh -c 'touch /etc/nestbox-test 2>&1; echo $?'
like "$OUT" 'Read-only file system' "the host view is read-only"
run_nb run -- sh -c 'touch /tmp/nb-view-test && ls /tmp'
is "$OUT" nb-view-test "/tmp is writable and starts empty"
test -e /tmp/nb-view-test
isnt $? 0 "a file made in /tmp stays in the sandbox"

run_nb run -- sh -c 'ls /dev | tr "\n" " "'
is "$OUT" "core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " "/dev is minimal"
run_nb run -- sh -c 'ls /dev/pts | tr "\n" " "'
is "$OUT" "ptmx " "/dev/pts is a private instance"
run_nb run -- sh -c 'echo hi >/dev/null && head -c 4 /dev/zero | wc -c && echo x > /dev/shm/x && cat /dev/shm/x'
is "$(echo $OUT)" "4 x" "the devices work and /dev/shm is writable"
run_nb run -- sh -c 'grep " /proc proc " /proc/self/mounts | tail -n 1'
like "$OUT" "rw,nosuid,nodev,noexec" "a fresh /proc is mounted on top"

done_testing
