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
echo "runtime cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
