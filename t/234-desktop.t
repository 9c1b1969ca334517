#!/bin/sh
# Desktop apps for real (issue 19): a real X server (Xvfb, with a cookie)
# and a real Wayland compositor (weston, headless, on a socket not named
# wayland-0), real clients inside; the private runtime dir; the app's own
# home; Landlock around the view. Each server is this test's own, on a
# display and socket of its own, and ended by pid.
. "$(dirname "$0")/lib/tap.sh"
require_user
rt=$T_TMP/run
mkdir -m 700 "$rt"
export XDG_RUNTIME_DIR="$rt"
pids=
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; t_cleanup; }
trap cleanup EXIT

# --- the runtime dir ----------------------------------------------------------
: >"$rt/stray"
run_nb run -- sh -c 'stat -c "%a %u" "$XDG_RUNTIME_DIR"; ls -A "$XDG_RUNTIME_DIR"; touch "$XDG_RUNTIME_DIR/mine" && echo writable'
is "$OUT" "700 $(id -u)
writable" "\$XDG_RUNTIME_DIR exists inside: 0700, the payload's, empty, writable"
is "$(ls -A "$rt" | grep -vx nestbox)" stray "and nothing written there reaches the host's (nestbox/ is nestbox's own state)"

# --- X11 ------------------------------------------------------------------------
if command -v Xvfb >/dev/null && command -v xauth >/dev/null && command -v xdpyinfo >/dev/null; then
	n=$(( ($$ % 400) + 100 ))
	while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
	x11dir_made=false
	[ -d /tmp/.X11-unix ] || x11dir_made=true
	xauth -f "$T_TMP/xauth" add ":$n" . "$(mcookie)" >/dev/null 2>&1
	Xvfb ":$n" -auth "$T_TMP/xauth" -nolisten tcp >"$T_TMP/xvfb.log" 2>&1 &
	pids="$pids $!"
	i=0
	while [ ! -S "/tmp/.X11-unix/X$n" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	export DISPLAY=":$n" XAUTHORITY="$T_TMP/xauth"
	run_nb run --x11 -- sh -c 'hostname; xdpyinfo | sed -n "s/^name of display: *//p"'
	is "$RC:$OUT" "0:nestbox
:$n" "--x11: xdpyinfo reaches the X server from a sandbox with a host name of its own"
	run_nb run --x11 -- sh -c 'echo "$XAUTHORITY"; xauth -f "$XAUTHORITY" list | wc -l; xauth -f "$XAUTHORITY" list | cut -d" " -f1'
	like "$OUT" "^$XDG_RUNTIME_DIR/.Xauthority
1
#ffff#[0-9a-f]*#:$n\$" "with a cookie file holding this display's entry alone, for any host (FamilyWild)"
	run_nb run -- sh -c 'xdpyinfo >/dev/null 2>&1; echo $?'
	is "$OUT" 1 "without --x11 (or --display) the display is out of reach"
	# A client draws; its window shows in the server's tree.
	if command -v xclock >/dev/null && command -v xwininfo >/dev/null; then
		"$NESTBOX" run --x11 -- xclock -name t234clock >/dev/null 2>&1 &
		c=$!
		i=0
		until xwininfo -root -tree 2>/dev/null | grep -q t234clock; do
			[ $i -lt 600 ] || break
			sleep 0.1
			i=$((i + 1))
		done
		like "$(xwininfo -root -tree 2>/dev/null | grep t234clock)" t234clock "xclock, run inside, has its window on the host's X server"
		if command -v xwd >/dev/null; then
			xwd -root -silent >"$T_TMP/screen.xwd" 2>/dev/null
			# Not blank: more than one byte value among the pixels.
			distinct=$(python3 -c 'import sys; print(len(set(open(sys.argv[1], "rb").read()[16384:])))' "$T_TMP/screen.xwd")
			ok "$([ "$distinct" -gt 2 ] && echo 0 || echo 1)" "a screenshot of the screen is not blank ($T_TMP/screen.xwd, $distinct byte values)"
		fi
		kill "$c" 2>/dev/null
		wait "$c" 2>/dev/null
	else
		skip "xclock or xwininfo is not installed (apt-get install x11-apps x11-utils)" 2
	fi
	run_nb run --display=x11 -- true
	is "$RC" 0 "--display=x11 is the same"
	DISPLAY=":$((n + 1000))" run_nb run --x11 -- true
	like "$RC:$ERR" "^125:nestbox: --x11: no X server's socket /tmp/.X11-unix/X$((n + 1000))" "--x11 without its server: 125, naming the socket"
	kill $pids 2>/dev/null
	pids=
	$x11dir_made && rmdir /tmp/.X11-unix 2>/dev/null
	unset DISPLAY XAUTHORITY
else
	skip "Xvfb, xauth or xdpyinfo is not installed (apt-get install xvfb xauth x11-utils)" 7
fi

# --- Wayland -----------------------------------------------------------------
if command -v weston >/dev/null && command -v weston-info >/dev/null; then
	weston --backend=headless-backend.so --socket=wayland-t234 --idle-time=0 >"$T_TMP/weston.log" 2>&1 &
	pids="$pids $!"
	i=0
	while [ ! -S "$rt/wayland-t234" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	export WAYLAND_DISPLAY=wayland-t234
	run_nb run --wayland -- sh -c 'ls -A "$XDG_RUNTIME_DIR"; weston-info 2>/dev/null | grep -c "wl_compositor"'
	is "$RC:$OUT" "0:wayland-t234
1" "--wayland: a client reaches the compositor on \$WAYLAND_DISPLAY (not wayland-0)"
	run_nb run --display=auto -- sh -c 'ls -A "$XDG_RUNTIME_DIR"'
	is "$OUT" wayland-t234 "--display=auto finds it"
	WAYLAND_DISPLAY="$rt/wayland-t234" run_nb run --wayland -- sh -c 'weston-info 2>/dev/null | grep -c wl_compositor'
	is "$OUT" 1 "an absolute WAYLAND_DISPLAY works too"
	kill $pids 2>/dev/null
	pids=
	unset WAYLAND_DISPLAY
else
	skip "weston is not installed (apt-get install weston)" 3
fi
run_nb run --wayland -- true
like "$RC:$ERR" "^125:nestbox: --wayland: no socket $rt/wayland-0" "--wayland without a compositor: 125, naming the socket"

# --- sound and GPU ----------------------------------------------------------------
# No sound server here: a listening socket of our own stands in for
# PulseAudio's; what is checked is that --sound passes it, and only it.
mkdir -p "$rt/pulse"
python3 -c 'import socket, sys, time; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); time.sleep(600)' "$rt/pulse/native" &
pids="$pids $!"
i=0
while [ ! -S "$rt/pulse/native" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
run_nb run --sound -- sh -c 'find "$XDG_RUNTIME_DIR" -mindepth 1 | sed "s|$XDG_RUNTIME_DIR/||"; python3 -c "import socket, os; s = socket.socket(socket.AF_UNIX); s.connect(os.environ[\"XDG_RUNTIME_DIR\"] + \"/pulse/native\"); print(\"connected\")"'
is "$OUT" "pulse
pulse/native
connected" "--sound passes the PulseAudio socket (a stand-in server here), and nothing else"
run_nb run -- sh -c 'ls -A "$XDG_RUNTIME_DIR"'
is "$OUT" "" "without --sound it is not there"
if [ -e /dev/dri ]; then
	run_nb run --gpu -- ls /dev/dri
	is "$RC:$OUT" "0:$(ls /dev/dri)" "--gpu passes /dev/dri"
else
	skip "this machine has no GPU (/dev/dri)"
fi

# --- the app's home ------------------------------------------------------------
app=org.nestbox.t234-$$
run_nb run --app-id "$app" -- sh -c 'echo kept >~/f'
run_nb run --app-id "$app" -- sh -c 'cat ~/f'
is "$OUT" kept "--app-id: the home persists across runs"
is "$(stat -c %a "$HOME/.local/share/nestbox/apps/$app/home")" 700 "in ~/.local/share/nestbox/apps/ID/home, 0700"
run_nb run --app-id "$app.other" -- sh -c 'ls -A ~'
is "$OUT" "" "another app id does not see it"
run_nb run --app-id "$app" --reset-home -- sh -c 'ls -A ~'
is "$OUT" "" "--reset-home starts it afresh"
run_nb run --app-id ../x -- true
like "$RC:$ERR" "^125:nestbox: --app-id: '../x' is not a valid application id" "an id that could leave the directory is refused"
rm -rf "$HOME/.local/share/nestbox/apps/$app" "$HOME/.local/share/nestbox/apps/$app.other"

# --- Landlock -------------------------------------------------------------------
abi=$("$NESTBOX" doctor 2>/dev/null | sed -n 's/^ok *landlock: ABI \([0-9]*\).*/\1/p')
if [ -n "$abi" ]; then
	mkdir "$T_TMP/outside"
	echo secret >"$T_TMP/outside/f"
	OUT=$("$NESTBOX" run --pass-fd 3 -- sh -c 'cat /proc/self/fd/3/f 2>&1; ls /proc/self/fd/3 >/dev/null 2>&1 || echo no-listing' 3<"$T_TMP/outside")
	like "$OUT" "Permission denied
no-listing" "Landlock (ABI $abi): a directory passed in cannot be read through it"
	openat='import os
try:
    print(os.read(os.open("f", os.O_RDONLY, dir_fd=3), 100).decode().strip())
except OSError as e:
    print("openat:", e.strerror)'
	OUT=$("$NESTBOX" run --pass-fd 3 -- python3 -c "$openat" 3<"$T_TMP/outside")
	is "$OUT" "openat: Permission denied" "openat() on that descriptor is refused too"
	OUT=$("$NESTBOX" run --landlock=off --pass-fd 3 -- python3 -c "$openat" 3<"$T_TMP/outside")
	is "$OUT" secret "with --landlock=off it can be read"
	run_nb run -- sh -c 'echo x >/tmp/a && mv /tmp/a /tmp/b && cat /tmp/b'
	is "$OUT" x "inside the view, files work as before"
else
	skip "this kernel has no Landlock (nestbox doctor says why)" 4
fi

# --- Landlock's network rules ----------------------------------------------------
tcp='import socket, errno
keep = []
def bind(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); s.listen(1); keep.append(s); return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
def connect(p):
    c = socket.socket()
    try:
        c.connect(("127.0.0.1", p)); return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
print("bind", bind(8080), bind(9090), "connect", connect(8080), connect(9090))'
if [ "${abi:-0}" -ge 4 ]; then
	run_nb run --tcp-bind 8080 --tcp-connect 8080 -- python3 -c "$tcp"
	is "$OUT" "bind ok EACCES connect ok EACCES" "--tcp-bind and --tcp-connect (Landlock ABI $abi): only the ports given"
	run_nb run -- python3 -c "$tcp"
	is "$OUT" "bind ok ok connect ok ok" "without them, TCP is as before"
	run_nb run --net=slirp -p 127.0.0.1:0:9090 --tcp-bind 8080 -- python3 -c "$tcp"
	is "$OUT" "bind ok ok connect ok ok" "a published port can be bound too"
	run_nb run --tcp-bind=published -- python3 -c "$tcp"
	is "$OUT" "bind EACCES EACCES connect ECONNREFUSED ECONNREFUSED" "--tcp-bind=published without -p: no port can be bound (so none listens)"
	run_nb run --net=slirp -p 127.0.0.1:0:9090 --tcp-bind=published -- python3 -c "$tcp"
	is "$OUT" "bind EACCES ok connect ECONNREFUSED ok" "--tcp-bind=published: the published port alone"
	run_nb run --tcp-bind=published --landlock=off -- python3 -c "$tcp"
	is "$OUT" "bind ok ok connect ok ok" "--landlock=off turns the published-only default off"
	run_nb run --profile desktop --display=none --dbus=none -- python3 -c "$tcp"
	is "$OUT" "bind EACCES EACCES connect ECONNREFUSED ECONNREFUSED" "the desktop profile binds no port"
	name=t234-tcp-$$
	"$NESTBOX" run --name "$name" --tcp-connect 8080 -- sleep 600 >/dev/null 2>&1 &
	bg=$!
	until_listed "$name"
	run_nb exec "$name" -- python3 -c "$tcp"
	is "$OUT" "bind ok ok connect ok EACCES" "exec'd commands get the same rules"
	"$NESTBOX" stop "$name" >/dev/null
	wait $bg
else
	run_nb run --tcp-connect 443 -- true
	like "$RC:$ERR" "^125:nestbox: --tcp-bind/--tcp-connect: Landlock's network rules need its ABI 4" \
		"on a kernel without Landlock's network rules, asking for them is an error"
	run_nb run --tcp-bind=published -- true
	is "$RC:$ERR" "0:" "--tcp-bind=published is a default: on this kernel it goes without the rule"
	skip "Landlock ABI ${abi:-0} has no network rules (6.7 or newer)" 6
fi
run_nb run --tcp-connect 0 -- true
like "$RC:$ERR" "^125:nestbox: --tcp-connect: '0' is not a port" "a bad port is refused"
done_testing
