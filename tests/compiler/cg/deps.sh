#!/bin/sh
# deps.sh DTC -- dtc -M / -MF: make rules listing the sources and every
# header -C pulled in (from cpp's line markers), escaped for make, written
# atomically, deterministic, and never written when compilation fails.
set -u
DTC=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 n=0
check() { # name status
	n=$((n + 1))
	if [ "$2" -ne 0 ]; then echo "FAIL: $1"; fails=$((fails + 1)); else echo "ok: $1"; fi
}
cd "$T" || exit 1
mkdir -p inc 'sp ace' 'd$'
printf '#define N 3\n#include "two.h"\n' >inc/one.h
printf '#define M 4\n' >inc/two.h
printf '#define Q 1\n' >'sp ace/q.h'
printf '#define R 1\n' >'d$/r.h'
printf '#include "one.h"\n#include "q.h"\n#include "r.h"\n#include "one.h"\nBEGIN { trace(N + M + Q + R); }\n' >m.d

"$DTC" -C -I inc -I 'sp ace' -I 'd$' -M m.d >rule 2>err; check "-M exit 0" $?
head -n 1 rule | grep -qx 'm.o: m.d \\'; check "-M target is the source stem, source first" $?
grep -q '^ inc/one.h \\$' rule && grep -q '^ inc/two.h \\$' rule; check "-M lists nested headers" $?
grep -q '^ sp\\ ace/q.h \\$' rule; check "-M escapes spaces" $?
grep -q '^ d\$\$/r.h$' rule; check "-M doubles \$ and ends the rule" $?
[ "$(grep -c 'inc/one.h' rule)" -eq 1 ]; check "-M lists a header once" $?
o1=$(grep -n 'inc/one.h' rule | cut -d: -f1); o2=$(grep -n 'inc/two.h' rule | cut -d: -f1)
[ "$o1" -lt "$o2" ]; check "-M keeps the order of first inclusion" $?

"$DTC" -C -I inc -I 'sp ace' -I 'd$' -o out.o -MF out.dep m.d; check "-MF exit 0" $?
[ -s out.o ] && head -n 1 out.dep | grep -qx 'out.o: m.d \\'; check "-MF names the -o object" $?
sed 1d out.dep >a; sed 1d rule >b; cmp -s a b; check "-MF lists what -M lists" $?
"$DTC" -C -I inc -I 'sp ace' -I 'd$' -o out.o -MF out2.dep m.d && cmp -s out.dep out2.dep
check "-MF is deterministic" $?
[ "$(ls | grep -c 'out.dep.')" -eq 0 ]; check "-MF leaves no temporary file" $?

printf 'BEGIN { trace(1); }\n' >plain.d
"$DTC" -M plain.d >p.rule; [ "$(cat p.rule)" = "plain.o: plain.d" ]; check "without -C only the source" $?

printf '#include "one.h"\nBEGIN { trace(nosuch); }\n' >bad.d
"$DTC" -C -I inc -o bad.o -MF bad.dep bad.d 2>/dev/null; rc=$?
[ $rc -eq 1 ] && [ ! -e bad.dep ]; check "no rule when compilation fails" $?
"$DTC" -MF 2>/dev/null; [ $? -eq 2 ]; check "-MF without a file is a usage error" $?
"$DTC" -o x.o -MF nodir/x.dep plain.d 2>err; [ $? -eq 1 ] && grep -q 'nodir/x.dep' err
check "-MF into a missing directory is an error naming the file" $?

echo "$((n - fails)) of $n passed"
[ $fails -eq 0 ]
