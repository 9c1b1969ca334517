#!/bin/sh
# When the user namespace or the id helpers are not available, nestbox
# explains why and what to do, or falls back to the single map with a
# one-line warning.
. "$(dirname "$0")/lib/tap.sh"
require_user

# The limit is per user namespace: set it to 0 in an outer one.
if unshare -Ur true 2>/dev/null; then
	out=$(unshare -Ur sh -c 'echo 0 >/proc/sys/user/max_user_namespaces && "$0" run -- true' "$NESTBOX" 2>&1)
	rc=$?
	is "$rc" 125 "forbidden user namespaces: exit 125"
	like "$out" "^nestbox: cannot create the sandbox's namespaces: user namespaces are disabled \(sysctl user.max_user_namespaces=0\).*hint: .*sysctl -w user.max_user_namespaces" \
		"forbidden user namespaces: the cause and the fix"
else
	skip "unshare -Ur does not work here, so the limit cannot be simulated" 2
fi
if [ -e /proc/sys/kernel/unprivileged_userns_clone ]; then
	skip "kernel.unprivileged_userns_clone exists but only an admin may change it"
else
	skip "this kernel has no kernel.unprivileged_userns_clone (a Debian patch); its message is in src/idmap.c"
fi
if [ -e /proc/sys/kernel/apparmor_restrict_unprivileged_userns ]; then
	skip "the AppArmor restriction exists but only an admin may change it"
else
	skip "this kernel has no AppArmor userns restriction (Ubuntu 23.10+); its message is in src/idmap.c"
fi

if ! have_subids; then
	skip "$(id -un) has no subordinate range" 8
	done_testing
	exit
fi

# Without the helpers, the single map, with one line of warning.
run_nb_env PATH=/nonexistent run -- /usr/bin/id -u
exit_is 0 "without newuidmap nestbox still runs"
is "$OUT" "$(id -u)" "as the caller"
like "$ERR" "^nestbox: warning: using a single-id map because new[ug]idmap is not installed" "and warns why"
is "$(echo "$ERR" | wc -l)" 1 "in one line"

# A helper that fails: its own message reaches the user (t/239 for the
# keeper's helpers).
mkdir "$T_TMP/bin"
for h in newuidmap newgidmap; do
	printf '#!/bin/sh\necho "%s: write to map failed: simulated" >&2\nexit 1\n' $h >"$T_TMP/bin/$h"
	chmod +x "$T_TMP/bin/$h"
done
run_nb_env PATH=$T_TMP/bin:$PATH run --no-keeper -- id -u
exit_is 0 "a failing newgidmap falls back to the single map"
like "$ERR" "warning: using a single-id map because .*newgidmap failed: newgidmap: write to map failed: simulated" \
	"the warning quotes the helper"
run_nb_env PATH=$T_TMP/bin:$PATH run --root --uid-map "0:$(id -u):1" -- id -u
exit_is 125 "with a custom map a failing helper is an error"
like "$ERR" "^nestbox: .*newgidmap failed: newgidmap: write to map failed: simulated" "quoting the helper"

done_testing
