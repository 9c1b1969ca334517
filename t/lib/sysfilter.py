#!/usr/bin/env python3
"""Runs a command under a small seccomp filter, as a hostile or restricted
host would (x86_64 numbers only). Usage: sysfilter.py MODE CMD ARGS...

  kill-netns   kills unshare() of a network namespace (with others or alone)
  eperm-netns  fails unshare() of a network namespace with EPERM
  no-clone3    fails clone3 with ENOSYS, as Docker's default profile does
"""
import ctypes
import os
import struct
import sys

ALLOW, KILL = 0x7fff0000, 0x80000000
ERRNO = 0x00050000
EPERM, ENOSYS = 1, 38
NR_UNSHARE, NR_CLONE3 = 272, 435
CLONE_NEWNET = 0x40000000


def stmt(code, k):
    return struct.pack('HBBI', code, 0, 0, k)


def jump(k, jt, jf):
    return struct.pack('HBBI', 0x15, jt, jf, k)


def jset(k, jt, jf):
    return struct.pack('HBBI', 0x45, jt, jf, k)


def body(mode):
    if mode in ('kill-netns', 'eperm-netns'):
        act = KILL if mode == 'kill-netns' else ERRNO | EPERM
        # args[0]'s low word is at offset 16
        return [jump(NR_UNSHARE, 0, 3), stmt(0x20, 16), jset(CLONE_NEWNET, 0, 1), stmt(0x06, act), stmt(0x06, ALLOW)]
    if mode == 'no-clone3':
        return [jump(NR_CLONE3, 0, 1), stmt(0x06, ERRNO | ENOSYS), stmt(0x06, ALLOW)]
    sys.exit('sysfilter.py: unknown mode ' + mode)


class Fprog(ctypes.Structure):
    _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.c_void_p)]


def main():
    # Not x86_64 (AUDIT_ARCH_X86_64): allow; else load nr and decide.
    head = [stmt(0x20, 4), jump(0xc000003e, 1, 0), stmt(0x06, ALLOW), stmt(0x20, 0)]
    prog = b''.join(head + body(sys.argv[1]))
    buf = ctypes.create_string_buffer(prog)
    fp = Fprog(len(prog) // 8, ctypes.addressof(buf))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) or libc.prctl(22, 2, ctypes.byref(fp), 0, 0):
        sys.exit('sysfilter.py: cannot load the filter')
    os.execv(sys.argv[2], sys.argv[2:])


main()
