#!/bin/sh
# The man page and the completion stay in step with the options: every
# option that `nestbox help run` lists is documented in doc/nestbox.1.
. "$(dirname "$0")/lib/tap.sh"
man=$(dirname "$0")/../doc/nestbox.1
[ -f "$man" ] || skip_all "doc/nestbox.1 is not beside the tests"

# The man page writes a dash as \-.
page=$(sed 's/\\-/-/g' "$man")
# Option names are the first word of the option lines, not words of the help.
for opt in $("$NESTBOX" help run | sed -nE 's/^(  -[a-z], |       )(--[a-z0-9-]+).*/\2/p' | sort -u); do
	if printf '%s\n' "$page" | grep -Eq -- "^\\.B[IR]? (.* )?$opt([ =]|\$)"; then
		pass "nestbox.1 documents $opt"
	else
		fail "nestbox.1 documents $opt" "no .B/.BI/.BR line names $opt"
	fi
done

# nestbox bwrap's page documents every option its --help lists.
bman=$(dirname "$0")/../doc/nestbox-bwrap.1
bpage=$(sed 's/\\-/-/g' "$bman")
missing=
for opt in $("$NESTBOX" bwrap --help | sed -nE 's/^    (--[a-z0-9-]+).*/\1/p' | sort -u); do
	printf '%s\n' "$bpage" | grep -Eq -- "^\\.(B[IR]?|TP|TQ)? ?(.* )?$opt([ ,]|\$)" || missing="$missing $opt"
done
is "$missing" "" "nestbox-bwrap.1 documents every option of nestbox bwrap --help"

# The page itself: groff with every warning on finds a line that troff
# takes for a request (a sentence starting with ".2" vanishes), an
# unknown macro or a bad escape.
if command -v groff >/dev/null; then
	warnings=$(groff -ww -z -man "$man" 2>&1)
	is "$warnings" "" "groff -ww finds nothing to warn about in nestbox.1"
	text=$(groff -man -Tutf8 "$man" 2>/dev/null | sed 's/.\x08//g')
	for section in NAME SYNOPSIS DESCRIPTION OPTIONS PROFILES IMPORT SECURITY "EXIT STATUS"; do
		printf '%s\n' "$text" | grep -qx "$section"
		ok $? "the rendered page has its $section section"
	done
	like "$text" "gateway[[:space:]]+\.2, DNS \.3" "the --cidr sentence renders whole"
	is "$(groff -ww -z -man "$bman" 2>&1)" "" "groff -ww finds nothing to warn about in nestbox-bwrap.1"
	is "$(groff -ww -z -man "$(dirname "$0")/../doc/nestbox-oci.1" 2>&1)" "" "nor in nestbox-oci.1"
else
	skip "groff is not installed (package groff-base)" 12
fi
done_testing
