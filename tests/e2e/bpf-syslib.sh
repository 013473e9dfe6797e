#!/bin/sh
# bpf-syslib.sh DTRACE -- the system library (compiler/lib/psinfo.d) on this
# machine's kernel through BPF: curpsinfo's pr_pid, pr_ppid and pr_fname and
# curlwpsinfo's pr_lwpid at syscall::getppid:entry of a -c command must be
# what the command itself reports (its pid, parent, /proc/self/comm, tid).
# Exit 77 (skip) when this host cannot run BPF (not root, no BPF, no BTF)
# or has no python3 to be the traced command.
D=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -r /sys/kernel/btf/vmlinux ] || { echo "SKIP: no kernel BTF"; exit 77; }
PY=$(command -v python3) || { echo "SKIP: no python3"; exit 77; }
cat >"$tmp/child.py" <<PYEOF
import os, threading
os.getppid()
with open("/proc/self/comm") as f:
    comm = f.read().strip()
with open("$tmp/child.out", "w") as f:
    f.write("%d %d %s %d\n" % (os.getpid(), os.getppid(), comm, threading.get_native_id()))
PYEOF

prog='syscall::getppid:entry /pid == $target/ {
	printf("%d %d %s %d\n", curpsinfo->pr_pid, curpsinfo->pr_ppid,
	    curpsinfo->pr_fname, curlwpsinfo->pr_lwpid);
	exit(0);
}'
"$D" -q -n "$prog" -c "$PY $tmp/child.py" >"$tmp/dtrace.out" 2>"$tmp/dtrace.err"
rc=$?
if grep -q "could not enable tracing" "$tmp/dtrace.err"; then
	echo "SKIP: $(head -n 1 "$tmp/dtrace.err")"
	exit 77
fi
want=$(cat "$tmp/child.out" 2>/dev/null)
got=$(awk 'NF' "$tmp/dtrace.out" | head -n 1)
if [ $rc -eq 0 ] && [ -n "$want" ] && [ "$want" = "$got" ]; then
	echo "ok   curpsinfo/curlwpsinfo at getppid: $got"
	exit 0
fi
echo "FAIL curpsinfo/curlwpsinfo at getppid: want '$want', got '$got' (exit $rc)"
sed -n 1,20p "$tmp/dtrace.err"
exit 1
