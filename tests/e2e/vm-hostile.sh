#!/bin/sh
# vm-hostile.sh — dtrace against guests that lie.  Fake guests written in
# Python speak the attach protocol (docs/vm-tracing.md §7) next to one
# honest guest; dtrace must refuse each broken announce with a message,
# keep tracing the others, answer every malformed exit with the right
# hypercall error (never crash, never hang), and turn a guest pointer
# whose page walk fails into a DTrace error, not a crash.
#
# Guests (all in one VM directory):
#   h0-garbage   sends 64 random bytes and no fds          -> rejected
#   h1-nofds     a valid announce without its fds          -> rejected
#   h2-short     RAM memfd smaller than its slots          -> rejected
#   h3-unsealed  RAM memfd not sealed against shrinking    -> rejected
#   h5-ringram   its exit ring is its RAM object           -> rejected
#   h4-exits     valid; posts: a good probe (curthread unmapped -> ERROR),
#                CPL 3, bad mode, block outside RAM, unknown probe,
#                RCX too big, a block with a bad magic      -> each its code
#
# usage: vm-hostile.sh DTC DTRACE TYPEFILE
set -u
DTC=$1 DTRACE=$2 TYPEFILE=$3
tmp=$(mktemp -d)
trap 'kill $gpid 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir "$tmp/vms"

cat >"$tmp/guests.py" <<'EOF'
import mmap, os, socket, struct, sys, threading, time, fcntl
vmdir, typefile, result = sys.argv[1], sys.argv[2], sys.argv[3]
F_ADD_SEALS, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_GROW = 1033, 1, 2, 4
RAM = 1 << 21

def hdr(t, n): return struct.pack('<IHHII', 0x4d565448, t, 1, n, 0)
def fld(s, n): b = s.encode(); return b + b'\0' * (n - len(b))
def announce(name, nprobes=2):
    p = fld(name, 32) + fld(name + '.hostile', 64) + fld('Liar 1', 64)
    p += bytes([40, 0, 1, 1]) + struct.pack('<III', 1, nprobes, os.path.getsize(typefile))
    p += struct.pack('<QQQII', 0, RAM, 0, 0, 0) + b'\0' * 32 * 7
    for i in range(nprobes):
        p += fld('syscall', 32) + fld('', 32) + fld('f%d' % i, 64) + fld('entry', 32)
    return hdr(1, len(p)) + p

def memfd(size, seal=True):
    fd = os.memfd_create('h', os.MFD_ALLOW_SEALING)
    os.ftruncate(fd, size)
    if seal:
        fcntl.fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)
    return fd

def ring():
    fd = memfd(4096)
    m = mmap.mmap(fd, 4096)
    struct.pack_into('<IHH', m, 0, 0x52585448, 1, 1)
    return fd, m

def listen(name):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(os.path.join(vmdir, name + '.sock'))
    s.listen(1)
    return s

def serve(name, send):
    s = listen(name)
    c, _ = s.accept()
    send(c)
    try:
        c.settimeout(10)
        a = c.recv(20)
    except Exception:
        a = b''
    return c, a

out = {}
def broken(name, send):
    c, a = serve(name, send)
    out[name] = 'refused' if len(a) >= 20 and struct.unpack_from('<i', a, 16)[0] < 0 else 'answer %r' % a
    c.close()

tf = os.open(typefile, os.O_RDONLY)
rfd, _ = ring()
def garbage(c): c.sendall(os.urandom(64))
def nofds(c): c.sendall(announce('h1-nofds'))
def short(c): socket.send_fds(c, [announce('h2-short')], [rfd, tf, memfd(RAM // 2)])
def unsealed(c): socket.send_fds(c, [announce('h3-unsealed')], [rfd, tf, memfd(RAM, seal=False)])
def ringram(c):
    r = memfd(RAM)
    struct.pack_into('<IHH', mmap.mmap(r, 4096), 0, 0x52585448, 1, 1)
    socket.send_fds(c, [announce('h5-ringram')], [r, tf, r])
threads = [threading.Thread(target=broken, args=a) for a in
           [('h0-garbage', garbage), ('h1-nofds', nofds), ('h2-short', short), ('h3-unsealed', unsealed),
            ('h5-ringram', ringram)]]
for t in threads: t.start()

# h4-exits: a valid guest posting hostile exits
ramfd = memfd(RAM)
ram = mmap.mmap(ramfd, RAM)
xfd, xr = ring()
def ctx(gpa, probe, magic=0x43475448, cr3=0x2000, cur=0xffffffff80000000):
    b = bytearray(176)
    struct.pack_into('<IHHIBBH', b, 0, magic, 1, 176, probe, 4, 0, 0)
    struct.pack_into('<QQQIIIII', b, 96, cr3, cur, 7, 42, 1, 0, 0, 0)
    b[144:150] = b'liar\0\0'
    ram[gpa:gpa + 176] = bytes(b)
S = 256
def vmcall(cpl, rax, rbx, rcx, mode=4):
    struct.pack_into('<IQQQQII', xr, S + 4, cpl, rax, rbx, rcx, 0x2000, mode, 0)
    struct.pack_into('<I', xr, S, 1)
    for _ in range(10000):
        if struct.unpack_from('<I', xr, S)[0] == 2:
            ret = struct.unpack_from('<q', xr, S + 48)[0]
            struct.pack_into('<I', xr, S, 0)
            return ret
        time.sleep(0.001)
    return 'timeout'
s = listen('h4-exits')
c, _ = s.accept()
socket.send_fds(c, [announce('h4-exits')], [xfd, tf, ramfd])
c.settimeout(10)
att = c.recv(20)
rets = []
if len(att) == 20 and struct.unpack_from('<i', att, 16)[0] == 0:
    ctx(0x1000, 0)
    rets.append(('probe', vmcall(0, 1, 0x1000, 176)))
    rets.append(('cpl3', vmcall(3, 1, 0x1000, 176)))
    rets.append(('mode', vmcall(0, 1, 0x1000, 176, mode=7)))
    rets.append(('outside', vmcall(0, 1, RAM - 8, 176)))
    ctx(0x1000, 9)
    rets.append(('noprobe', vmcall(0, 1, 0x1000, 176)))
    rets.append(('toobig', vmcall(0, 1, 0x1000, 5000)))
    ctx(0x1000, 0, magic=0x12345678)
    rets.append(('magic', vmcall(0, 1, 0x1000, 176)))
    rets.append(('callno', vmcall(0, 99, 0, 0)))
    rets.append(('version', vmcall(0, 0, 0, 0)))
struct.pack_into('<I', xr, 16, 1)          # guest done
for t in threads: t.join(15)
with open(result, 'w') as f:
    for k in sorted(out): f.write('%s %s\n' % (k, out[k]))
    for k, v in rets: f.write('h4 %s %s\n' % (k, v))
try:
    c.settimeout(10); c.recv(100)
except Exception:
    pass
EOF
cat >"$tmp/want" <<'EOF'
h0-garbage refused
h1-nofds refused
h2-short refused
h3-unsealed refused
h5-ringram refused
h4 probe 0
h4 cpl3 -1
h4 mode -22
h4 outside -14
h4 noprobe -2
h4 toobig -7
h4 magic -22
h4 callno -1000
h4 version 1
EOF
printf 'h*:syscall:::entry { trace(curthread->td_tid); }\n' >"$tmp/p.d"
"$DTC" -o "$tmp/p.o" "$tmp/p.d" || exit 1
python3 "$tmp/guests.py" "$tmp/vms" "$TYPEFILE" "$tmp/got" &
gpid=$!
for i in $(seq 1 100); do
	[ "$(ls "$tmp/vms" | wc -l)" -eq 6 ] && break
	sleep 0.05
done
timeout 60 "$DTRACE" -q -x vmdir="$tmp/vms" -Y "$tmp/p.o" >"$tmp/out" 2>"$tmp/err"
drc=$?
wait $gpid
fail=0
if ! cmp -s "$tmp/want" "$tmp/got"; then
	echo "hypercall answers differ:"; diff "$tmp/want" "$tmp/got"; fail=1
fi
for g in h0-garbage h1-nofds h2-short h3-unsealed h5-ringram; do
	grep -q "$g" "$tmp/err" || { echo "no rejection message for $g"; fail=1; }
done
grep -q "invalid address (0xffffffff80000008)" "$tmp/err" ||
	{ echo "no BADADDR error for the unmapped curthread:"; cat "$tmp/err"; fail=1; }
[ $drc -eq 0 ] || { echo "dtrace exited $drc"; cat "$tmp/err"; fail=1; }
grep -E 'runtime error|Sanitizer' "$tmp/err" && { echo "sanitizer report"; fail=1; }
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
