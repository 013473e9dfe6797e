#!/bin/sh
# bpf-syslib.sh DTRACE -- the system library (compiler/lib/psinfo.d) on this
# machine's kernel through BPF: at syscall::getppid:entry of a -c command,
# curpsinfo's pr_pid, pr_ppid, pr_fname, pr_uid, pr_egid, pr_pgid, pr_sid,
# pr_nlwp, pr_dmodel and curlwpsinfo's pr_lwpid must be what the command
# reports of itself (pid, parent, /proc/self/comm, tid, ids, threads, LP64).
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
    f.write("%d %d %s %d %d %d %d %d %d 1\n" % (os.getpid(), os.getppid(), comm,
        threading.get_native_id(), os.getuid(), os.getegid(), os.getpgid(0), os.getsid(0),
        threading.active_count()))
PYEOF

# The -c command may start through a shell that calls getppid itself: only
# the python3 process counts.  (%s of a char array through printf fails in
# the consumer today, "processing records failed", so pr_fname goes through
# stringof.)
prog='syscall::getppid:entry /pid == $target && execname == "python3"/ {
	printf("%d %d %s %d %d %d %d %d %d %d\n", curpsinfo->pr_pid, curpsinfo->pr_ppid,
	    stringof(curpsinfo->pr_fname), curlwpsinfo->pr_lwpid, curpsinfo->pr_uid,
	    curpsinfo->pr_egid, curpsinfo->pr_pgid, curpsinfo->pr_sid, curpsinfo->pr_nlwp,
	    curpsinfo->pr_dmodel == PR_MODEL_LP64);
	exit(0);
}'
if ! "$D" -q -n 'syscall::getppid:entry { exit(0); }' -c "$PY $tmp/child.py" \
    >"$tmp/probe.out" 2>"$tmp/probe.err"; then
	if grep -q "could not enable tracing" "$tmp/probe.err"; then
		echo "SKIP: $(head -n 1 "$tmp/probe.err")"
		exit 77
	fi
fi
"$D" -q -n "$prog" -c "$PY $tmp/child.py" >"$tmp/dtrace.out" 2>"$tmp/dtrace.err"
rc=$?
want=$(cat "$tmp/child.out" 2>/dev/null)
got=$(awk 'NF' "$tmp/dtrace.out" | head -n 1)
if [ $rc -eq 0 ] && [ -n "$want" ] && [ "$want" = "$got" ]; then
	echo "ok   curpsinfo/curlwpsinfo at getppid: $got"
	exit 0
fi
echo "FAIL curpsinfo/curlwpsinfo at getppid: want '$want', got '$got' (exit $rc)"
sed -n 1,20p "$tmp/dtrace.err"
exit 1
