# oci.sh: a busybox bundle for the nestbox oci tests. Source it after
# tap.sh and require_user, then call
#   oci_bundle APPLET...
# which makes $O (nestbox as nestbox-oci), $R (its --root) and $B (the
# bundle, its rootfs holding busybox as each APPLET), and defines:
#   oci ARGS...     nestbox-oci --root $R ARGS...
#   edit PYTHON     rewrite $B/config.json: PYTHON edits the dict c
#   fresh ARGS      a new default rootless config whose process.args is
#                   ARGS, a Python list
#   bad LABEL EDIT PATTERN
#                   a config EDIT makes bad is refused: exit 1, the message
#                   matching "nestbox: PATTERN", and no state left
command -v busybox >/dev/null || skip_all "busybox is not installed (apt-get install busybox-static)"
command -v python3 >/dev/null || skip_all "python3 is not installed"
O="$T_TMP/nestbox-oci"
R="$T_TMP/state"
B="$T_TMP/bundle"
oci() { "$O" --root "$R" "$@"; }
edit() { python3 -c "import json, sys
c = json.load(open(sys.argv[1]))
$1
json.dump(c, open(sys.argv[1], 'w'))" "$B/config.json"; }
fresh() { rm -f "$B/config.json"; (cd "$B" && "$O" spec --rootless) && edit "c['process']['args'] = $1"; }
bad() {
	fresh "['true']"
	edit "$2"
	run_nb oci --root "$R" run --bundle "$B" bad
	like "$RC:$ERR" "^1:nestbox: $3" "$1"
	is "$(ls "$R")" "" "and nothing is left of it"
}
oci_bundle() {
	ln -s "$NESTBOX" "$O"
	mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/sys" "$B/rootfs/tmp" "$B/rootfs/etc"
	cp "$(command -v busybox)" "$B/rootfs/bin/busybox"
	for _c in "$@"; do ln -s busybox "$B/rootfs/bin/$_c"; done
}
