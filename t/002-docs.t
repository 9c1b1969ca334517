#!/bin/sh
# The man page and the completion stay in step with the options: every
# option that `nestbox help run` lists is documented in doc/nestbox.1.
. "$(dirname "$0")/lib/tap.sh"
man=$(dirname "$0")/../doc/nestbox.1
[ -f "$man" ] || skip_all "doc/nestbox.1 is not beside the tests"

# The man page writes a dash as \-.
page=$(sed 's/\\-/-/g' "$man")
# Option names are the first word of the option lines, not words of the help.
for opt in $("$NESTBOX" help run | sed -nE 's/^  (-[a-z], )? *(--[a-z0-9-]+).*/\2/p' | sort -u); do
	if printf '%s\n' "$page" | grep -Eq -- "^\\.B[IR]? (.* )?$opt([ =]|\$)"; then
		pass "nestbox.1 documents $opt"
	else
		fail "nestbox.1 documents $opt" "no .B/.BI/.BR line names $opt"
	fi
done
done_testing
