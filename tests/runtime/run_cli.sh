#!/bin/sh
# run_cli.sh DTRACE DASM DIR — dtrace(1)'s command line: versions, usage,
# exit statuses, -l, -e, -S, -n/-s refusal, bad objects.
dtrace=$1
dasm=$2
dir=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
pass=0
check() {	# check NAME WANT-STATUS GREP-PATTERN(stdout+stderr) -- command...
	name=$1 want=$2 pat=$3
	shift 4
	"$@" >"$tmp/out" 2>&1
	st=$?
	if [ "$st" -ne "$want" ] || ! grep -q -- "$pat" "$tmp/out"; then
		echo "FAIL $name: status $st (want $want)"; cat "$tmp/out"; fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}
"$dasm" -o "$tmp/hello.o" "$dir/tst.hello.s" || exit 1
check version 0 '^dtrace (HyperTrace) ' -- "$dtrace" --version
check help 0 '-Y file' -- "$dtrace" --help
check usage 2 'Usage' -- "$dtrace"
check badopt 2 'Usage' -- "$dtrace" -k
check dash-n 0 '^hello 42$' -- "$dtrace" -q -n 'BEGIN { printf("hello %d\n", 41 + 1); exit(0); }'
printf 'BEGIN { printf("script %%s\\n", $$1); exit(3); }\n' >"$tmp/s.d"
check dash-s 3 '^script arg$' -- "$dtrace" -q -s "$tmp/s.d" arg
check compile-error 1 'error' -- "$dtrace" -n 'BEGIN { x = ; }'
check two-programs 2 'Usage' -- "$dtrace" -n BEGIN -Y "$tmp/hello.o"
check list 0 ' dtrace  *BEGIN$' -- "$dtrace" -l
check list-tick 0 ' profile  *tick-1000$' -- "$dtrace" -l
check list-prog 0 '    1     dtrace' -- "$dtrace" -l -Y "$tmp/hello.o"
check compile-only 0 'matched 1 probe' -- "$dtrace" -e -Y "$tmp/hello.o"
check listing 0 'sets' -- "$dtrace" -e -S -Y "$tmp/hello.o"
check badx 2 'failed to set -x' -- "$dtrace" -x nosuchoption -Y "$tmp/hello.o"
check badsize 2 'invalid value' -- "$dtrace" -x bufsize=lots -Y "$tmp/hello.o"
check missing 1 'No such file' -- "$dtrace" -Y "$tmp/none.o"
printf 'not an object' >"$tmp/junk.o"
check junk 1 'dtrace: ' -- "$dtrace" -Y "$tmp/junk.o"
check output 0 'matched' -- "$dtrace" -o "$tmp/trace.txt" -Y "$tmp/hello.o"
if ! grep -q 'hello, world' "$tmp/trace.txt"; then
	echo "FAIL output: -o file lacks the trace"; fail=$((fail + 1))
fi
cat >"$tmp/nomatch.s" <<'END'
.object linked
.difo z rtype=ctf:integer:4
	ret %r0
.end
.clause
	.probe nosuch:::probe
	.action exit difo=z
.end
END
"$dasm" -o "$tmp/nomatch.o" "$tmp/nomatch.s" || exit 1
check nomatch 1 'does not match any probes' -- "$dtrace" -Y "$tmp/nomatch.o"
# DTrace's session rules (engine activity, exit status, record room).
check end-status 4 '' -- "$dtrace" -q -n 'BEGIN { exit(3); } END { exit(4); }'
check begin-stops 0 '^a$' -- "$dtrace" -q -n 'BEGIN { printf("a\n"); exit(0); } BEGIN { printf("b\n"); }'
if grep -q '^b$' "$tmp/out"; then
	echo "FAIL begin-stops: a BEGIN clause ran after exit()"; fail=$((fail + 1))
fi
check tick-floor 1 'does not match any probes' -- "$dtrace" -n 'tick-1us { exit(0); }'
check spec-zero 0 '^x=0$' -- "$dtrace" -q -n 'BEGIN { speculate(0); x = 1; } BEGIN { printf("x=%d\n", x); exit(0); }'
check tiny-buf 1 'Enabling exceeds size of buffer' -- "$dtrace" -x bufsize=4 -n 'BEGIN { trace(1); exit(0); }'
check end-reserve 1 'END enabling exceeds' -- "$dtrace" -x bufpolicy=fill -x bufsize=16 -n 'BEGIN { exit(0); } END { trace(execname); }'
check strtok-clauses 0 '^b$' -- "$dtrace" -q -n 'BEGIN { this->s = strtok("a,b", ","); } BEGIN { printf("%s\n", strtok(NULL, ",")); exit(0); }'
check ustack 0 'dtrace`' -- "$dtrace" -q -n 'BEGIN { ustack(); printf("%d %d\n", stackdepth, ustackdepth > 0); exit(0); }'
check freopen 0 '^before$' -- "$dtrace" -q -x destructive -n "BEGIN { printf(\"before\\n\"); freopen(\"$tmp/fo.txt\"); printf(\"after\\n\"); exit(0); }"
if ! grep -q '^after$' "$tmp/fo.txt" 2>/dev/null || grep -q '^after$' "$tmp/out"; then
	echo "FAIL freopen: output after freopen() did not go to the file"; fail=$((fail + 1))
fi
# Destructive actions: refused without -w / -x destructive / the pragma.
for a in 'system("true")' 'raise(2)' 'stop()' 'chill(1)' 'freopen("/dev/null")' \
    'panic()' 'breakpoint()' 'copyoutstr("a", 0, 1)'; do
	check "destructive-refused-${a%%(*}" 1 'Destructive actions not allowed' -- \
	    "$dtrace" -q -n "BEGIN { $a; exit(0); }"
done
check destructive-pragma-allows 0 '^pragma$' -- "$dtrace" -q -n \
    '#pragma D option destructive
BEGIN { system("echo pragma"); exit(0); }'
check panic-refused 1 "no kernel to act on" -- "$dtrace" -w -n 'BEGIN { panic(); }'
# livedump(): destructive like panic(), refused without -w.
check livedump-needs-w 1 'Destructive actions not allowed' -- "$dtrace" -n 'BEGIN { livedump("x"); exit(0); }'
# Pointers only the target types, through this kernel's BTF on a BPF probe
# (root and BPF only): a clause-local and a thread-local variable holding
# them, and p->q[i].m (RLIMIT_NOFILE's soft limit, as ulimit -n reports it).
printf '#!/bin/sh\nsleep 1\nexec python3 -c "import os; os.getppid()"\n' >"$tmp/ppid.sh"
chmod +x "$tmp/ppid.sh"
if [ "$(id -u)" = 0 ] && [ -r /sys/kernel/btf/vmlinux ] && command -v python3 >/dev/null &&
    timeout 60 "$dtrace" -q -n 'syscall::getppid:entry /pid == $target/ {
	this->s = curthread->signal; self->t = curthread;
	printf("%d %d\n", this->s->rlim[7].rlim_cur, self->t->tgid == pid); exit(0); }' \
    -c "$tmp/ppid.sh" >"$tmp/tptr.out" 2>"$tmp/tptr.err"; then
	printf '%s 1\n\n' "$(ulimit -n)" | cmp -s - "$tmp/tptr.out" && pass=$((pass + 1)) ||
	    { echo "FAIL target-pointer-vars:"; cat "$tmp/tptr.out" "$tmp/tptr.err"; fail=$((fail + 1)); }
else
	echo "skipped target-pointer-vars (needs root, BPF and /sys/kernel/btf/vmlinux):"
	cat "$tmp/tptr.err" 2>/dev/null | head -3
fi
# system(): formatted like printf, run after dtrace's own output so far.
"$dtrace" -q -w -n 'BEGIN { printf("before\n"); system("echo %s %d", "sys", 42);
    system("echo %d", 43); printf("after\n"); exit(0); }' >"$tmp/sys.out" 2>&1
printf 'before\nsys 42\n43\nafter\n\n' | cmp -s - "$tmp/sys.out" &&
    pass=$((pass + 1)) || { echo "FAIL system-runs-in-order:"; cat "$tmp/sys.out"; fail=$((fail + 1)); }
"$dtrace" -w -n 'BEGIN { system("echo hi"); exit(0); }' >"$tmp/sysv.out" 2>/dev/null
printf 'CPU     ID                    FUNCTION:NAME\n  0      1                           :BEGIN hi\n\n\n' |
    cmp -s - "$tmp/sysv.out" && pass=$((pass + 1)) ||
    { echo "FAIL system-one-probe-line:"; cat "$tmp/sysv.out"; fail=$((fail + 1)); }
check system-status-ignored 0 '^on$' -- "$dtrace" -q -w -n 'BEGIN { system("exit 7"); printf("on\n"); exit(0); }'
# raise(): signals the firing process, here dtrace itself: SIGINT ends tracing.
check raise-sigint-ends 0 '^end$' -- "$dtrace" -q -w -n 'BEGIN { raise(2); } END { printf("end\n"); }'
check raise-bad-signal 0 'illegal operation in action #1' -- "$dtrace" -q -w -n 'BEGIN { raise(0); } BEGIN { exit(0); }'
# stop(): stopping dtrace itself would hang the session: a fault instead.
check stop-self-refused 3 'illegal operation in action #1' -- "$dtrace" -q -w -n 'BEGIN { stop(); } BEGIN { exit(3); }'
# chill(): spins in probe context, within DTrace's 500 ms limit.
t0=$(date +%s%N)
check chill-spins 0 '^ok$' -- "$dtrace" -q -w -n 'BEGIN { chill(300000000); printf("ok\n"); exit(0); }'
t1=$(date +%s%N)
if [ $((t1 - t0)) -lt 300000000 ]; then
	echo "FAIL chill-spins: took $((t1 - t0)) ns"; fail=$((fail + 1))
fi
check chill-over-limit-faults 0 'illegal operation in action #1' -- "$dtrace" -q -w -n 'BEGIN { chill(600000000); } BEGIN { exit(0); }'
check chill-interval-limit-faults 0 'illegal operation in action #1' -- "$dtrace" -q -w -n 'BEGIN { chill(400000000); } BEGIN { chill(200000000); } BEGIN { exit(0); }'
# setopt() of a run-time option with a bad value: ignored, as DTrace does.
check setopt-bad-rate 0 '^ok$' -- "$dtrace" -q -n 'BEGIN { setopt("switchrate", "fast");
    setopt("aggrate", "0"); printf("ok\n"); exit(0); }'
echo "runtime cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
