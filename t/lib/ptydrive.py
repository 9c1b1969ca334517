#!/usr/bin/env python3
"""ptydrive.py NESTBOX CASE: drives nestbox on a real pseudo-terminal, as a
user at a terminal would, and prints what it saw as 'key: value' lines for
t/231-tty.t. Waits for output, never for time: every wait is for an
expected string, with a long limit that only a hang reaches."""
import fcntl
import os
import re
import select
import signal
import struct
import sys
import termios
import time

NB = sys.argv[1]
LIMIT = int(os.environ.get("PTY_LIMIT", "60"))


class Term:
    """nestbox on the slave of a new pty; we hold the master, and the slave
    too, to read its settings after nestbox is gone."""

    def __init__(self, args, rows=24, cols=80, stdin=None):
        self.master, self.slave = os.openpty()
        self.winsize(rows, cols)
        self.before = termios.tcgetattr(self.slave)
        self.out = b''
        pid = os.fork()
        if pid == 0:
            # A terminal's user has these at their defaults; a test run
            # from a background job has SIGINT and SIGQUIT ignored, and
            # that would pass down to the sandbox's jobs.
            for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
                signal.signal(sig, signal.SIG_DFL)
            os.setsid()
            fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
            os.dup2(stdin if stdin is not None else self.slave, 0)
            os.dup2(self.slave, 1)
            os.dup2(self.slave, 2)
            os.execv(NB, [NB] + args)
        self.pid = pid
        self.status = None

    def winsize(self, rows, cols):
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))

    def send(self, data):
        os.write(self.master, data if isinstance(data, bytes) else data.encode())

    def expect(self, pattern, start=0):
        """Reads until pattern (bytes regex) matches the output from start."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern, re.S)
        end = time.monotonic() + LIMIT
        while True:
            m = rx.search(self.out, start)
            if m:
                return m
            if not self.read(end - time.monotonic()):
                return None

    def read(self, wait):
        if wait <= 0:
            return False
        r, _, _ = select.select([self.master], [], [], wait)
        if not r:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return False
        self.out += data
        return bool(data)

    def wait(self):
        end = time.monotonic() + LIMIT
        while time.monotonic() < end:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(st)
                while self.read(0.05):
                    pass
                return self.status
            self.read(0.2)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        return 'hung'

    def restored(self):
        return termios.tcgetattr(self.slave) == self.before


def say(key, value):
    print('%s: %s' % (key, value), flush=True)


def bash(t):
    t.send("PS1='$ '; unset PROMPT_COMMAND; bind 'set enable-bracketed-paste off' 2>/dev/null; echo go-$((6*7))\n")
    return t.expect(r'go-42')


def job(word):
    """A foreground job that says word once it holds the terminal: a key
    sent earlier would reach bash, which has not handed the terminal over
    yet (as on any terminal)."""
    return ("sh -c 'until [ $(ps -o tpgid= -p $$) -eq $(ps -o pgid= -p $$) ]; do sleep 0.1; done; "
            "echo %s; exec sleep 1000'" % word)


def interrupt(t, start):
    """^C until bash's prompt is back. Right after fg, bash may still hold
    the terminal for a moment, and it ignores a ^C that reaches it then:
    so press it again, as a user would."""
    rx = re.compile(rb'\$ $')
    end = time.monotonic() + LIMIT
    while time.monotonic() < end:
        t.send(b'\x03')
        stop = time.monotonic() + 0.5
        while time.monotonic() < stop:
            if rx.search(t.out, start):
                return True
            t.read(stop - time.monotonic())
    return False


def case_jobs():
    t = Term(['run', '--', 'bash', '--norc', '--noprofile', '-i'])
    say('prompt', bool(bash(t)))
    n = len(t.out)
    t.send('tty\n')
    say('tty', t.expect(r'(/dev/pts/\d+|not a tty)', n).group(1).decode())
    # ^C to the foreground job, not to nestbox.
    n = len(t.out)
    t.send(job('ready-1') + '\n')
    t.expect(r'ready-1\r\n', n)
    t.send(b'\x03')
    t.expect(r'\$ $', n)
    t.send('echo rc-1=$?\n')
    say('ctrl-c', t.expect(r'rc-1=(\d+)', n).group(1).decode())
    # ^Z stops the job inside; jobs and fg see it; nestbox runs on.
    n = len(t.out)
    t.send(job('ready-2') + '\n')
    t.expect(r'ready-2\r\n', n)
    t.send(b'\x1a')
    say('ctrl-z', bool(t.expect(r'Stopped', n)))
    n = len(t.out)
    t.send('jobs; echo jobs-done\n')
    m = t.expect(r'\n(\[1\]\+\s+Stopped[^\r\n]*)\r\n.*jobs-done', n)
    say('jobs', m.group(1).decode() if m else 'none')
    n = len(t.out)
    t.send('fg\n')
    t.expect(r'exec sleep 1000\'?\r\n', n)
    interrupt(t, len(t.out))
    t.send('echo rc-2=$?\n')
    say('fg', t.expect(r'rc-2=(\d+)', n).group(1).decode())
    t.send('exit 7\n')
    say('exit', t.wait())
    say('restored', t.restored())


def case_winsize():
    t = Term(['run', '--', 'bash', '--norc', '--noprofile', '-i'], rows=33, cols=101)
    bash(t)
    n = len(t.out)
    t.send('stty size\n')
    say('size', t.expect(r'(\d+ \d+)\r\n', n).group(1).decode())
    # A foreground job that prints the size when SIGWINCH comes, and only
    # then: nothing here depends on timing.
    n = len(t.out)
    t.send("sh -c 'trap \"echo winch; stty size; exit\" WINCH; echo ready-w; while :; do sleep 0.1; done'\n")
    t.expect(r'ready-w\r\n', n)
    n = len(t.out)
    t.winsize(44, 120)
    os.kill(t.pid, signal.SIGWINCH)  # as the kernel does for the foreground group
    m = t.expect(r'winch\r\n(\d+ \d+)\r\n', n)
    say('winch', bool(m))
    say('new-size', m.group(1).decode() if m else 'none')
    t.send('exit\n')
    say('exit', t.wait())
    say('restored', t.restored())


def case_exits():
    for name, args in (('exit-3', ['sh', '-c', 'exit 3']),
                       ('killed', ['sh', '-c', 'echo x; kill -9 $$']),
                       ('not-found', ['no-such-command-here']),
                       ('bad-chdir', ['--chdir', '/no/such/dir', 'true'])):
        if args[0].startswith('--'):
            t = Term(['run'] + args[:2] + ['--'] + args[2:])
        else:
            t = Term(['run', '--'] + args)
        say(name, '%s %s' % (t.wait(), 'restored' if t.restored() else 'NOT-restored'))


def case_binary():
    t = Term(['run', '--', 'sh', '-c', 'stty raw -echo; echo READY; head -c 256'])
    m = t.expect(r'READY\r?\n')
    n = m.end()
    data = bytes(range(256))
    t.send(data)
    end = time.monotonic() + LIMIT
    while len(t.out) - n < 256 and t.read(end - time.monotonic()):
        pass
    say('binary', 'exact' if t.out[n:n + 256] == data else 'differs: %r' % t.out[n:n + 300])
    say('exit', t.wait())
    say('restored', t.restored())


def case_pipe():
    r, w = os.pipe()
    os.write(w, b'x\n')
    os.close(w)
    t = Term(['run', '--', 'tty'], stdin=r)
    os.close(r)
    say('pipe-in', '%s %s' % (t.wait(), t.out.decode().strip()))
    t = Term(['run', '--tty=never', '--', 'tty'])
    say('never', '%s %s' % (t.wait(), t.out.decode().strip()))


def case_output():
    # All of a fast writer's output arrives before nestbox exits.
    t = Term(['run', '--', 'sh', '-c', 'i=0; while [ $i -lt 20000 ]; do echo line-$i; i=$((i+1)); done'])
    st = t.wait()
    say('lines', '%s %d %s' % (st, len(re.findall(rb'line-\d+\r\n', t.out)), b'line-19999\r\n' in t.out))


def case_sti():
    """TIOCSTI pushes input into a terminal: the sandbox's own pty is the
    only one the payload has. Unconfined, it injects there; the caller's
    terminal has nothing queued afterwards. By default seccomp refuses it."""
    inject = ('import fcntl, termios\n'
              'try:\n'
              '    [fcntl.ioctl(0, termios.TIOCSTI, bytes([c])) for c in b"echo INJECTED\\n"]\n'
              '    print("sti-ok")\n'
              'except OSError as e:\n'
              '    print("sti-refused", e.errno)\n')
    for name, extra in (('default', []), ('unconfined', ['--seccomp=unconfined'])):
        t = Term(['run'] + extra + ['--', 'python3', '-c', inject])
        st = t.wait()
        queued = struct.unpack('i', fcntl.ioctl(t.slave, termios.FIONREAD, b'\0\0\0\0'))[0]
        m = re.search(rb'sti-(ok|refused \d+)', t.out)
        say('sti-' + name, '%s %s queued=%d' % (st, m.group(0).decode() if m else t.out, queued))


globals()['case_' + sys.argv[2]]()
