#!/bin/sh
# The README's command blocks, run as written (issue 16, item 17), so a
# README command that breaks fails the suite. Each ```sh block runs in a
# copy of this tree, as the test account unless its comment says "as
# root", and must exit 0; the comment above a block may say:
#   skip: WHY                    it needs what this machine lacks;
#   expect ERE                   its output must match;
#   in a directory with a Makefile   it runs where a trivial Makefile is;
#   as root                      the README's first line, on a fresh
#                                machine as root: in a copy of the tree
#                                without a binary, so it builds one.
# contrib/deps runs with NB_DEPS_CHECK=1: it checks the packages instead of
# fetching them, so the test sends nothing to the mirrors.
. "$(dirname "$0")/lib/tap.sh"
require_root
top=$(cd "$(dirname "$0")/.." && pwd)
readme=$top/README.md
[ -f "$readme" ] || skip_all "needs README.md beside t/"
id nbtest >/dev/null 2>&1 || skip_all "make check provisions the user nbtest"

# The tree with the binary under test, and a fresh one for the quick
# start, which builds its own binary there.
tree=$T_TMP/tree fresh=$T_TMP/fresh
mkdir -p "$tree" "$fresh"
(cd "$top" && cp -R GNUmakefile README.md src helpers conf doc contrib "$tree/")
(cd "$top" && cp -R GNUmakefile README.md src helpers conf doc contrib "$fresh/")
cp "$NESTBOX" "$tree/nestbox"
job=$T_TMP/job
mkdir -p "$job"
printf 'all:\n\t@echo built in $$(pwd)\n' >"$job/Makefile"
ln -s "$tree/nestbox" "$job/nestbox"
chmod -R a+rX "$T_TMP"
chown -R nbtest "$job"
home=$(getent passwd nbtest | cut -d: -f6)
made_downloads=false
[ -d "$home/Downloads" ] || made_downloads=true

# Splits the README into blocks: block.N holds the commands, meta.N the
# comment above it (or nothing).
awk -v d="$T_TMP" '
	/^<!-- README test:/ { meta = $0; sub(/^<!-- README test: */, "", meta); sub(/ *-->$/, "", meta); next }
	/^```sh$/ { n++; inblock = 1; f = d "/block." n; printf "%s", meta > (d "/meta." n); close(d "/meta." n); meta = ""; next }
	/^```$/ && inblock { inblock = 0; close(f); next }
	inblock { print > f }
	!inblock && !/^$/ { meta = (/^<!--/ ? meta : "") }
' "$readme"

ran="" skipped=""
blk=1
while [ -f "$T_TMP/block.$blk" ]; do
	meta=$(cat "$T_TMP/meta.$blk")
	first=$(head -n 1 "$T_TMP/block.$blk" | cut -c1-60)
	case $meta in
	skip:*)
		skip "README block $blk ($first): ${meta#skip: }"
		skipped="$skipped $blk"
		blk=$((blk + 1))
		continue
		;;
	esac
	dir=$tree
	case $meta in *"in a directory with a Makefile"*) dir=$job ;; esac
	want=$(printf '%s' "$meta" | sed -n 's/.*expect //p')
	if printf '%s' "$meta" | grep -q "as root"; then
		out=$(cd "$fresh" && NB_DEPS_CHECK=1 sh "$T_TMP/block.$blk" 2>&1 </dev/null)
	else
		out=$(cd "$dir" && runuser -u nbtest -- env HOME="$home" XDG_RUNTIME_DIR="/run/user/$(id -u nbtest)" \
			sh "$T_TMP/block.$blk" 2>&1 </dev/null)
	fi
	rc=$?
	is "$rc" 0 "README block $blk runs: $first" "$(printf '%s\n' "$out" | tail -n 15)"
	[ -n "$want" ] && like "$out" "$want" "README block $blk says what the README says it does"
	ran="$ran $blk"
	blk=$((blk + 1))
done
$made_downloads && rmdir "$home/Downloads" 2>/dev/null
ok "$([ "$blk" -gt 5 ] && echo 0 || echo 1)" "the README has its command blocks ($((blk - 1)))"
diag "README blocks run:$ran; skipped:$skipped"
done_testing
