#!/bin/sh
# dtc_cli.sh DTC -- command-line behaviour of dtc: --version/--help, usage
# errors (exit 2), compile errors (exit 1, file:line:col + caret), objects
# written with -o (atomically, identical on recompilation), -S listings.
dtc=$1; fail=0; tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
check() {       # name expected-rc expected-stderr-substring cmd...
	name=$1 want=$2 pat=$3; shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ "$rc" != "$want" ] || { [ -n "$pat" ] && ! grep -qF -- "$pat" "$tmp/out" "$tmp/err"; }; then
		echo "FAIL $name: rc=$rc (want $want), output:"; cat "$tmp/out" "$tmp/err"
		fail=$((fail + 1))
	fi
}
check version 0 "dtc (HyperTrace) " "$dtc" --version
check help 0 "usage: dtc" "$dtc" --help
check badopt 2 "unknown option" "$dtc" -q
check noinput 2 "no input" "$dtc"
check missingarg 2 "requires an argument" "$dtc" -n
check ok 0 "" "$dtc" -n 'BEGIN { exit(0); }'
check error 1 "<command line>:1:15: error: [D_IDENT_UNDEF]" "$dtc" -x errtags -n 'BEGIN { trace(nosuch); }'
check caret 1 "        ^" "$dtc" -n 'BEGIN { trace(nosuch); }'
check notag 1 "error: failed to resolve nosuch" "$dtc" -n 'BEGIN { trace(nosuch); }'
check nofile 1 "failed to open" "$dtc" "$tmp/nosuch.d"
check codegen 0 "" "$dtc" -o "$tmp/out.o" -n 'BEGIN { exit(0); }'
check codegen-again 0 "" "$dtc" -o "$tmp/out2.o" -n 'BEGIN { exit(0); }'
cmp -s "$tmp/out.o" "$tmp/out2.o" || { echo "FAIL codegen: two compilations differ"; fail=$((fail + 1)); }
check codegen-S 0 "OFF OPCODE      INSTRUCTION" "$dtc" -S -n 'BEGIN { exit(0); }'
check codegen-err 1 "D_IDENT_UNDEF" "$dtc" -x errtags -o "$tmp/bad.o" -n 'BEGIN { trace(nosuch); }'
[ -e "$tmp/bad.o" ] && { echo "FAIL codegen-err: an output file was written"; fail=$((fail + 1)); }
check typefile 0 "" "$dtc" -T "$tmp/types.btf" -n 'BEGIN { exit(0); }'
check macro 0 "" "$dtc" -n 'BEGIN { trace($1); }' -- 42
check unused 1 "D_MACRO_UNUSED" "$dtc" -x errtags -n 'BEGIN { exit(0); }' -- 42
printf '#!/usr/sbin/dtrace -s\n#define V 3\nBEGIN { x = V + W; }\n' > "$tmp/pp.d"
check cpp 0 "" "$dtc" -C -DW=4 "$tmp/pp.d"
check cpp-nodef 1 "pp.d:3:" "$dtc" -C "$tmp/pp.d"
check nocpp 1 "D_PRAGCTL_INVAL" "$dtc" -x errtags "$tmp/pp.d"
check xversion 1 "D_FUNC_UNDEF" "$dtc" -x errtags -x version=1.0 -n 'BEGIN { trace(strstr("a", "b")); }'
check xversion-bad 1 "not a D version" "$dtc" -x version=3.0 -n 'BEGIN { }'
# a long source line is shown as a window around the caret, not whole
awk 'BEGIN { printf "BEGIN { x = 1"; for (i = 0; i < 5000; i++) printf " + 1"; print " + nosuch; }" }' > "$tmp/long.d"
check long-line 1 "..." "$dtc" "$tmp/long.d"
[ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$tmp/err")" -le 200 ] ||
	{ echo "FAIL long-line: a diagnostic line is longer than 200 columns"; fail=$((fail + 1)); }
ls -A "$tmp" | grep -q '^\.' && { echo "FAIL: a temporary file was left behind"; fail=$((fail + 1)); }
echo "dtc cli: $fail failure(s)"
[ $fail -eq 0 ]
