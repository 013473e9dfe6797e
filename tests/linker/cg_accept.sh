#!/bin/sh
# cg_accept.sh CG_ACCEPT CORPUS TYPEFILE OUTDIR [LLVM_OBJCHECK] -- the dtc
# acceptance sweep (cg_accept.c), then the independent reader (LLVM
# libObject) over every relocatable and linked object it wrote.
set -u
ACC=$1 CORPUS=$2 TF=$3 OUT=$4 LLVM=${5:-}
rm -rf "$OUT"; mkdir -p "$OUT"
# The golden code-generation cases (tests/compiler/cg/cases) first: they
# need no corpus, and each new construct must link or fail to resolve cleanly.
CASES=$(dirname "$0")/../compiler/cg/cases
mkdir -p "$OUT/cases"
printf 'golden cases: '
"$ACC" "$CASES" "$TF" /dev/null "$OUT/cases" || exit 1
"$ACC" "$CORPUS" "$TF" /dev/null "$OUT"; rc=$?
[ $rc -eq 77 ] && exit 77
[ $rc -eq 0 ] || exit 1
if [ -n "$LLVM" ]; then
	n=$(ls "$OUT"/*.o "$OUT"/cases/*.o | wc -l)
	"$LLVM" "$OUT"/*.o "$OUT"/cases/*.o >"$OUT.llvm" 2>&1 || { tail -n 40 "$OUT.llvm"; exit 1; }
	echo "independent reader (LLVM libObject): $(tail -n 1 "$OUT.llvm") of $n objects"
else
	echo "independent reader: LLVM libObject not built; skipped that part"
fi
