#!/bin/sh
# Capabilities as an allow list, no_new_privs and securebits, read where
# the user reads them: /proc/self/status and capsh --print inside.
. "$(dirname "$0")/lib/tap.sh"
require_user

status() { run_nb run "$@" -- grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status; OUT=$(echo "$OUT" | tr -s '\t' ' ' | tr '\n' ' '); }
docker=00000000a80425fb # CHOWN ... SETFCAP: Docker's default set

status
is "$OUT" "CapInh: 0000000000000000 CapPrm: 0000000000000000 CapEff: 0000000000000000 CapBnd: 0000000000000000 CapAmb: 0000000000000000 NoNewPrivs: 1 Seccomp: 2 " \
	"default (non-root): every set empty, no_new_privs, a seccomp filter"
status --root
is "$OUT" "CapInh: 0000000000000000 CapPrm: $docker CapEff: $docker CapBnd: $docker CapAmb: 0000000000000000 NoNewPrivs: 1 Seccomp: 2 " \
	"--root: Docker's allow list in bounding, permitted and effective"
status --root --cap-drop net_raw --cap-add CAP_SYS_PTRACE
is "$(echo "$OUT" | sed 's/.*CapBnd: \([0-9a-f]*\).*/\1/')" 00000000a80c05fb "--cap-add/--cap-drop change the root set"
status --root --cap-drop ALL --cap-add chown
is "$(echo "$OUT" | sed 's/.*CapEff: \([0-9a-f]*\).*/\1/')" 0000000000000001 "--cap-drop ALL --cap-add chown leaves only CHOWN"
status --caps 'cap_net_raw+eip cap_chown+p' --root
like "$OUT" "CapInh: 0000000000002000 CapPrm: 0000000000002001 CapEff: 0000000000002001 CapBnd: 0000000000002001 " \
	"--caps sets p and i exactly; root's exec makes e equal p, and the bounding set follows p"
status --cap-add net_raw
like "$OUT" "CapPrm: 0000000000000000 CapEff: 0000000000000000 CapBnd: 0000000000002000" "--cap-add for a non-root payload only opens the bounding set"

status --inh cap_net_raw
like "$OUT" "CapInh: 0000000000002000 CapPrm: 0000000000000000 CapEff: 0000000000000000 CapBnd: 0000000000000000 " \
	"--inh for a non-root payload sets the inheritable set beyond the bounding set"

# The bounding set after exec of a uid-0 shell: what root could ever regain.
run_nb run --root -- sh -c 'exec sh -c "grep CapBnd /proc/self/status"'
is "$(echo $OUT)" "CapBnd: $docker" "the bounding set holds after a uid-0 shell execs"

# --ambient: a non-root payload opens a raw socket only with it. (Low
# ports are no test of this: in the sandbox's own network namespace they
# are unprivileged, as with rootless podman; t/160-net.t.)
raw='socket(my $s, 2, 3, 1) or die "$!\n"; print "raw\n"'
run_nb run -- perl -e "$raw"
like "$ERR" "Operation not permitted" "a non-root payload cannot open a raw socket"
run_nb run --ambient net_raw -- perl -e "$raw"
is "$OUT" raw "with --ambient net_raw it can"
run_nb run --ambient net_raw -- grep CapAmb /proc/self/status
is "$(echo $OUT)" "CapAmb: 0000000000002000" "and the capability is in its ambient set"

# --print-caps says what capsh --print sees inside.
if command -v capsh >/dev/null; then
	for args in "" "--root" "--ambient net_bind_service" "--root --cap-drop ALL --cap-add kill,chown"; do
		run_nb run $args --print-caps -- capsh --print
		want=$(echo "$OUT" | grep -E '^(Current|Bounding set|Ambient set|Securebits):')
		got=$(echo "$ERR" | grep -E '^(Current|Bounding set|Ambient set|Securebits):')
		is "$got" "$want" "--print-caps ${args:-(default)} matches capsh --print inside"
	done
else
	skip "capsh is not installed (package libcap2-bin)" 4
fi

run_nb run -- sh -c 'grep ^NoNewPrivs /proc/self/status'
is "$(echo $OUT)" "NoNewPrivs: 1" "no_new_privs is set"
run_nb run --allow-new-privs -- sh -c 'grep ^NoNewPrivs /proc/self/status'
is "$(echo $OUT)" "NoNewPrivs: 0" "--allow-new-privs leaves it unset"
run_nb run -- sh -c 'grep ^Seccomp: /proc/self/status'
is "$(echo $OUT)" "Seccomp: 2" "--allow-new-privs or not, the filter is loaded"

# A setuid-root copy of id in a rootfs under the auto map gains nothing.
# (A static id of our own: busybox drops setuid by itself.)
printf '#include <stdio.h>\n#include <unistd.h>\nint main(void){printf("%%u\\n", geteuid());return 0;}\n' >"$T_TMP/euid.c"
if have_subids && [ -x /bin/busybox ] && cc -static -o "$T_TMP/euid" "$T_TMP/euid.c" 2>/dev/null; then
	root=$T_TMP/rootfs
	sh "$(dirname "$0")/lib/mkrootfs" "$root" >/dev/null
	mkdir "$root/suid" && cp "$T_TMP/euid" "$root/suid/id"
	# Inside --root, uid 1 is the first subordinate uid: in the default map, root.
	"$NESTBOX" run --root --rootfs "$root" -- sh -c 'chown 1:1 /suid/id && chmod 4755 /suid/id' 2>/dev/null
	run_nb run --rootfs "$root" -- stat -c %u:%a /suid/id
	is "$OUT" 0:4755 "a setuid-root file in the rootfs"
	run_nb run --rootfs "$root" -- /suid/id
	is "$OUT" "$(id -u)" "does not give euid 0 by default (no_new_privs)"
	run_nb run --allow-new-privs --rootfs "$root" -- /suid/id
	is "$OUT" 0 "with --allow-new-privs it does (what the option is for)"
else
	skip "needs a subordinate range, busybox-static and a static C compiler" 3
fi

# /proc/1/exe (nestbox's init) cannot be opened for writing from inside.
run_nb run --root -- sh -c 'echo x >>/proc/1/exe 2>&1 || echo refused; cat /proc/1/status | grep -E "^(Cap(Eff|Prm|Bnd)):" | tr -s "\t" " "'
like "$OUT" "refused" "/proc/1/exe cannot be opened for writing"
like "$OUT" "CapPrm: 0000000000000000" "init keeps no capabilities"
like "$OUT" "CapBnd: 0000000000000000" "init's bounding set is empty, though the payload's holds Docker's set"

# The bounding set is cut once for init and the payload together; with
# --disable-userns the payload's nested namespace starts from a full one,
# and must be cut again there.
run_nb run --root --disable-userns -- sh -c 'grep -h CapBnd /proc/self/status /proc/1/status | tr -s "\t" " "'
is "$(echo $OUT)" "CapBnd: $docker CapBnd: 0000000000000000" \
	"--disable-userns: the payload's bounding set is Docker's in its nested namespace, init's empty"

# Bad input.
run_nb run --cap-add CAP_FLY -- true
exit_is 125 "an unknown capability is an error"
like "$ERR" "^nestbox: --cap-add: unknown capability 'CAP_FLY' \(hint: valid names .*chown, dac_override" "listing the valid names"
run_nb run --caps 'cap_chown+q' -- true
exit_is 125 "bad --caps flags are an error"
run_nb run --secbits=0x100 -- true
exit_is 125 "--secbits out of range is an error"

done_testing
