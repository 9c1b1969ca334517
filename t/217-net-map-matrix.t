#!/bin/sh
# Every --net mode with every map mode, as root inside and not: each runs,
# or is refused up front (exit 125, one line saying why and what to do).
# The one refusal: slirp4netns confines itself as the sandbox's root, and a
# single-id map for a non-root payload has no uid or gid 0.
. "$(dirname "$0")/lib/tap.sh"
require_user
have_slirp=
command -v slirp4netns >/dev/null && [ -w /dev/net/tun ] && have_slirp=1

for map in --map=auto --map=single; do
	if [ $map = --map=auto ] && ! have_subids; then
		skip "$(id -un) has no subordinate range: --map=auto is the single map" 6
		continue
	fi
	for who in "" --root; do
		for net in none slirp host; do
			name="$map ${who:-(non-root)} --net=$net"
			if [ $net = slirp ] && [ -z "$have_slirp" ]; then
				skip "slirp4netns or a usable /dev/net/tun is missing: $name" 1
				continue
			fi
			run_nb run $map $who --net=$net -- true
			if [ $map = --map=single ] && [ -z "$who" ] && [ $net = slirp ]; then
				is "$RC" 125 "$name is refused up front"
				like "$ERR" "^nestbox: --net=slirp with a single-id map.*hint: .*--root" "saying why, and to add --root"
			else
				is "$RC" 0 "$name runs" "$ERR"
			fi
		done
	done
done
done_testing
