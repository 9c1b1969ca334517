#!/bin/sh
# Exit codes: the payload's own, 128+signal, and 125/126/127 for nestbox's
# own failures, each with a one-line message.
. "$(dirname "$0")/lib/tap.sh"
require_user

run_nb run -- true
exit_is 0 "true gives 0"
is "$ERR" "" "and says nothing"
run_nb run -- sh -c 'exit 7'
exit_is 7 "exit 7 gives 7"
run_nb run -- sh -c 'kill -9 $$'
exit_is 137 "a payload killed by SIGKILL gives 128+9"
run_nb run --as-pid-1 -- sh -c 'exit 9'
exit_is 9 "--as-pid-1 passes the status too"

run_nb run -- no-such-command-here
exit_is 127 "a missing command gives 127"
like "$ERR" "^nestbox: cannot run 'no-such-command-here': No such file or directory" "with a message"
is "$(echo "$ERR" | wc -l)" 1 "of one line"
run_nb run -- /etc/passwd
exit_is 126 "a non-executable file gives 126"
like "$ERR" "^nestbox: cannot run '/etc/passwd': Permission denied" "with a message"
run_nb run -- /usr
exit_is 126 "a directory gives 126"
run_nb run --chdir /no/such/dir -- true
exit_is 125 "a setup failure gives 125"
like "$ERR" "^nestbox: --chdir /no/such/dir: No such file or directory" "naming the option"

# A script without #! runs with sh, as in a shell.
printf 'echo from-script\n' >"$T_TMP/plain"
chmod +x "$T_TMP/plain"
run_nb run --ro-bind "$T_TMP:/t" -- /t/plain
is "$OUT" from-script "a script without #! runs with /bin/sh"

# The run ends once the payload has exited and nothing else of the sandbox
# runs: init's own exit, the namespaces' teardown and init's zombie are
# left to the kernel and the caller's reaper, as bwrap leaves them. With
# anything left running, from the payload or from nestbox exec, nestbox
# waits until init has ended it. A subreaper sees which: its orphan.
python3 - "$NESTBOX" >"$T_TMP/reaper" 2>&1 <<'PY'
import ctypes, os, subprocess, sys, time
nb = sys.argv[1]
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
def inherited():
    try:
        pid = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOWAIT).si_pid
    except ChildProcessError:
        return "none"
    comm = open("/proc/%d/comm" % pid).read().strip()
    os.waitpid(pid, 0)
    return comm
def running(pattern):
    return subprocess.run(["pgrep", "-u", str(os.getuid()), "-f", pattern], capture_output=True).returncode == 0
r = subprocess.run([nb, "run", "--", "sh", "-c", "exit 5"])
print("alone:", r.returncode, inherited())
r = subprocess.run([nb, "run", "--", "sh", "-c", "sleep 61.3 & exit 6"])
print("left running:", r.returncode, inherited(), running("sleep 61.3"))
m = "t040-%d" % os.getpid()
run = subprocess.Popen([nb, "run", "--name", m, "--", "sh", "-c",
                        "until [ -e /tmp/joined ]; do sleep 0.01; done; exit 7"])
for _ in range(300):  # until the record is published (125 before)
    ex = subprocess.Popen([nb, "exec", m, "--", "sh", "-c", "touch /tmp/joined; exec sleep 61.4"],
                          stderr=subprocess.DEVNULL)
    try:
        if ex.wait(0.2) != 125:
            break
    except subprocess.TimeoutExpired:
        break
    time.sleep(0.05)
rc = run.wait()
alive = running("sleep 61.4")
ex.wait()  # nestbox exec is our own child: not an orphan to count
print("exec running:", rc, inherited(), alive)
PY
is "$(cat "$T_TMP/reaper")" "alone: 5 nestbox-init
left running: 6 none False
exec running: 7 none False" "the run ends with the payload, leaving init's exit to the kernel; not while anything of the sandbox runs"

done_testing
