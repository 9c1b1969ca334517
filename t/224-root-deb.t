#!/bin/sh
# The Debian package (issue 16, item 7): `make deb` builds it from this
# tree with dpkg-buildpackage and lintian finds no error; apt-get installs
# it on this machine; the test account runs a sandbox and the shipped
# desktop profile from /usr/bin/nestbox; apt-get removes it again. Root:
# it installs a package. Needs the DEV=1 packages of `make deps`.
. "$(dirname "$0")/lib/tap.sh"
require_root
top=$(cd "$(dirname "$0")/.." && pwd)
[ -d "$top/contrib/debian" ] && [ -f "$top/GNUmakefile" ] || skip_all "needs the source tree (contrib/debian, GNUmakefile) beside t/"
for c in dpkg-buildpackage dh lintian apt-get; do
	command -v "$c" >/dev/null || skip_all "$c is not installed (make deps DEV=1)"
done
id nbtest >/dev/null 2>&1 || skip_all "make check provisions the user nbtest"
if dpkg-query -W -f='${Status}' nestbox 2>/dev/null | grep -q 'ok installed'; then
	skip_all "a nestbox package is already installed here; this test would replace it"
fi
[ -e /usr/bin/nestbox ] && skip_all "/usr/bin/nestbox exists and is not from a package: not touching it"

trap 'apt-get remove -y -qq nestbox >/dev/null 2>&1; t_cleanup' EXIT
make -s -C "$top" deb >"$T_TMP/build" 2>&1
is "$?" 0 "make deb builds the package, and lintian reports no error" "$(tail -n 20 "$T_TMP/build")"
deb=$(ls "$top"/build/deb/nestbox_*_*.deb 2>/dev/null | grep -v dbgsym | head -n 1)
[ -n "$deb" ] || skip_all "no package was built"
deps=$(dpkg-deb -f "$deb" Depends)
like "$deps" "uidmap" "it depends on uidmap"
like "$deps" "libseccomp2.*" "and on the libraries it links" 
is "$(dpkg-deb -f "$deb" Recommends)" "slirp4netns, xdg-dbus-proxy" "it recommends slirp4netns and xdg-dbus-proxy"

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$T_TMP/apt" 2>&1
is "$?" 0 "apt-get installs it" "$(tail -n 5 "$T_TMP/apt")"
out=$(cd / && as_user nbtest /usr/bin/nestbox run -- cat /proc/self/uid_map 2>&1)
is "$?" 0 "the test account runs a sandbox from /usr/bin/nestbox" "$out"
out=$(cd / && as_user nbtest env -u NB_PROFILE_PATH /usr/bin/nestbox run --profile desktop -- true 2>&1)
is "$?:$out" "0:" "and the installed desktop profile"
man -w nestbox >/dev/null 2>&1
is "$?" 0 "its man page is installed"
apt-get remove -y -qq nestbox >/dev/null 2>&1
ok "$([ ! -e /usr/bin/nestbox ] && echo 0 || echo 1)" "apt-get removes it"
done_testing
