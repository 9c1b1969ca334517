#!/bin/sh
# Host files change only when the user asked in so many words: --dir on a
# directory that exists does nothing (bubblewrap's rule), even through a
# bind; --file never truncates what is already at its destination.
. "$(dirname "$0")/lib/tap.sh"
require_user

mkdir -m 700 "$T_TMP/priv"
run_nb run --bind "$T_TMP/priv:/p" --dir /p -- true
exit_is 0 "--dir on a bound host directory succeeds"
is "$(stat -c %a "$T_TMP/priv")" 700 "and leaves its mode (700) alone"
run_nb run --bind "$T_TMP/priv:/p" --dir /p:0755 -- true
is "$(stat -c %a "$T_TMP/priv")" 700 "even with a mode asked for: --dir only creates"
run_nb run --dir /tmp -- stat -c %a /tmp
is "$OUT" 1777 "--dir /tmp keeps the sandbox's /tmp at 1777"
run_nb run --dir /usr -- true
exit_is 0 "--dir /usr, which exists read-only, does nothing"
run_nb run --dir /tmp/new:0701 -- stat -c %a /tmp/new
is "$OUT" 701 "a directory --dir creates gets exactly its mode"
run_nb run --bind "$T_TMP/priv:/p" --dir /p/made:0750 -- true
is "$(stat -c %a "$T_TMP/priv/made" 2>/dev/null)" 750 "one it creates inside a bind, as asked, gets its mode too"

echo "keep me" >"$T_TMP/host-file"
echo "new content" >"$T_TMP/src"
run_nb run --bind "$T_TMP/host-file:/f" --file "$T_TMP/src:/f" -- cat /f
exit_is 0 "--file onto a bound host file runs"
is "$OUT" "new content" "the sandbox sees the --file content there"
is "$(cat "$T_TMP/host-file")" "keep me" "and the host file under it is untouched"
run_nb run --file "$T_TMP/src:/tmp/x" -- sh -c 'cat /tmp/x; echo more >>/tmp/x; cat /tmp/x'
is "$(echo $OUT)" "new content new content more" "a --file in the sandbox's own tmpfs is an ordinary writable file"
done_testing
