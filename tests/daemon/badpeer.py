#!/usr/bin/env python3
"""badpeer.py — send malformed, truncated, oversized and unauthenticated
frames to a dtraced socket and report how each was answered.

usage: badpeer.py CASE unix:PATH|tcp:HOST:PORT [KEYFILE]
Prints one line: "nak CODE closed" / "nak CODE open" / "closed" / "reply TYPE".
The frame layout is written out here independently of the C code, from
docs/wire-protocol.md, so the test also checks the documentation."""
import hashlib, hmac, os, socket, struct, sys

def frame(t, payload, xid=1, key=b"", version=1, flags=0, length=None):
    n = len(payload) if length is None else length
    h = b"HTDD" + struct.pack(">BBHIIQ", version, t, flags, n, 0, xid)
    return h + hmac.new(key, h + payload, hashlib.sha256).digest() + payload

def name(s):
    return bytes([len(s)]) + s

def connect(addr):
    if addr.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(addr[5:])
    else:
        host, port = addr[4:].rsplit(":", 1)
        s = socket.create_connection((host, int(port)))
    s.settimeout(3)
    return s

def read_frame(s):
    buf = b""
    while len(buf) < 56:
        c = s.recv(65536)
        if not c:
            return None
        buf += c
    n = struct.unpack(">I", buf[8:12])[0]
    while len(buf) < 56 + n:
        c = s.recv(65536)
        if not c:
            return None
        buf += c
    return buf[5], buf[56:56 + n]

def still_open(s):
    try:
        s.settimeout(0.3)
        return s.recv(1) != b""
    except socket.timeout:
        return True
    except OSError:
        return False

def main():
    case, addr = sys.argv[1], sys.argv[2]
    key = open(sys.argv[3], "rb").read().rstrip(b"\r\n") if len(sys.argv) > 3 else b""
    elf = b"\x7fELF\x02\x01\x01" + os.urandom(100)
    if os.environ.get("DD_PROG"):
        elf = open(os.environ["DD_PROG"], "rb").read()  # a real object
    sends = {
        "garbage": b"hello there, this is not a frame\n",
        "badversion": frame(9, b"", version=7),
        "badflags": frame(9, b"", flags=1),
        "oversized": frame(1, b"\x03" + name(b"x"), length=0x7FFFFFF0)[:56],
        "truncated": frame(6, struct.pack(">H", 0) + elf)[:80],
        "badtag": frame(9, b"", key=b"not-the-right-key-at-all"),
        "dup_targets": frame(6, struct.pack(">H", 2) + name(b"a") + name(b"a") + elf),
        "not_elf": frame(6, struct.pack(">H", 0) + b"#!/bin/sh\n" * 10),
        "unknown_guest": frame(6, struct.pack(">H", 1) + name(b"nosuchvm") + elf),
        "program_before_hello": frame(4, hashlib.sha256(elf).digest() + elf, key=key),
        "hello_wrong_key": frame(1, b"\x01" + name(b"intruder"), key=b"wrong-key-wrong-key"),
        "hello_as_minion": frame(1, b"\x02" + name(b"impostor"), key=key),
        "status": frame(9, b""),
    }
    if case == "nonroot":
        os.setgid(65534)
        os.setuid(65534)
        case = "status"
    s = connect(addr)
    try:
        s.sendall(sends[case])
        if case == "truncated":
            s.shutdown(socket.SHUT_WR)
        r = read_frame(s)
    except (socket.timeout, ConnectionResetError, BrokenPipeError):
        r = None  # refused before or while we wrote
    if r is None:
        print("closed")
    elif r[0] == 3:
        code = struct.unpack(">H", r[1][:2])[0]
        print("nak %d %s" % (code, "open" if still_open(s) else "closed"))
    else:
        print("reply %d" % r[0])

main()
