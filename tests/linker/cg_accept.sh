#!/bin/sh
# cg_accept.sh CG_ACCEPT CORPUS TYPEFILE OUTDIR [LLVM_OBJCHECK] -- the dtc
# acceptance sweep (cg_accept.c), then the independent reader (LLVM
# libObject) over every relocatable and linked object it wrote.
set -u
ACC=$1 CORPUS=$2 TF=$3 OUT=$4 LLVM=${5:-}
rm -rf "$OUT"; mkdir -p "$OUT"
"$ACC" "$CORPUS" "$TF" /dev/null "$OUT"; rc=$?
[ $rc -eq 77 ] && exit 77
[ $rc -eq 0 ] || exit 1
if [ -n "$LLVM" ]; then
	n=$(ls "$OUT" | wc -l)
	"$LLVM" "$OUT"/*.o >"$OUT.llvm" 2>&1 || { tail -n 40 "$OUT.llvm"; exit 1; }
	echo "independent reader (LLVM libObject): $(tail -n 1 "$OUT.llvm") of $n objects"
else
	echo "independent reader: LLVM libObject not built; skipped that part"
fi
# The golden code-generation cases (tests/compiler/cg/cases): each construct
# must link against the same typefile or fail only to resolve there.
CASES=$(dirname "$0")/../compiler/cg/cases
rm -rf "$OUT.cases"; mkdir -p "$OUT.cases"
printf 'golden cases: '
"$ACC" "$CASES" "$TF" /dev/null "$OUT.cases" || exit 1
if [ -n "$LLVM" ]; then
	"$LLVM" "$OUT.cases"/*.o >"$OUT.cases.llvm" 2>&1 ||
	    { tail -n 40 "$OUT.cases.llvm"; exit 1; }
	echo "independent reader, golden cases: $(tail -n 1 "$OUT.cases.llvm")"
fi
