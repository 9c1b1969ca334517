#!/bin/sh
# The errors a new user meets first say what is wrong and what to do
# (issue 16, item 11), not a bare errno.
. "$(dirname "$0")/lib/tap.sh"

run_nb run --bind /tmp:/etc/passwd -- true
is "$RC:$ERR" "125:nestbox: --bind: cannot mount a directory on /etc/passwd, which is a file: Invalid argument (hint: give a destination of the same kind, or a new path)" \
	"a directory bound on a file says so"
run_nb run --ro-bind /etc/hostname:/usr -- true
like "$ERR" "^nestbox: --ro-bind: cannot mount a file on /usr, which is a directory" "a file bound on a directory says so"

mkdir "$T_TMP/empty"
run_nb run --rootfs "$T_TMP/empty" -- sh
is "$RC" 127 "an empty --rootfs: the command is not found (127)"
like "$ERR" "\(hint: the root has no /usr and no /bin: is --rootfs an empty directory\? 'nestbox import IMAGE DIR' unpacks an image into one\)" \
	"and the hint points at the empty rootfs and at nestbox import"
run_nb run -- no-such-command-here
like "$ERR" "\(hint: it is not in PATH inside the sandbox" "a missing command in a full view still blames PATH"

run_nb run -p 8080:80 -- true
is "$RC:$ERR" "125:nestbox: --publish needs --net=slirp or --net=pasta (hint: add --net=slirp or --net=pasta)" "-p without a user-mode network says to add one"

# -q (item 12): a warning the user has heard can be silenced; errors stay.
run_nb run --share=net -- true
like "$ERR" "^nestbox: warning: with the host's network" "--share=net warns about the abstract sockets"
run_nb run -q --share=net -- true
is "$RC:$ERR" "0:" "-q silences it"
run_nb run --quiet --share=net -- no-such-command-here
like "$ERR" "^nestbox: cannot run 'no-such-command-here'" "errors still show under --quiet"
done_testing
