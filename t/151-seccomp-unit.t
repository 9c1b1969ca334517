#!/bin/sh
# src/seccomp*.c on their own: t/lib/seccomp-unit.sh builds them with the
# default policy, the sysprobe helper and a small driver in a scratch
# tree, then checks the filter each policy yields (the libseccomp one, the
# raw BPF fallback through the simulator, the i386 filter) and prints TAP.
# It needs a compiler and libseccomp's headers, as the build does.
# (No tap.sh here: its scratch directory would outlive the exec.)
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/src/seccomp.mk" ] || skip_all "needs the sources (src/) beside t/"
command -v "${CC:-cc}" >/dev/null || skip_all "needs a C compiler to build the seccomp unit"
pkg-config --exists libseccomp || skip_all "needs libseccomp's headers (libseccomp-dev)"
exec sh "$top/t/lib/seccomp-unit.sh"
