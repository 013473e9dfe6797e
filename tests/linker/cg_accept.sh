#!/bin/sh
# cg_accept.sh CG_ACCEPT CORPUS TYPEFILE OUTDIR [LLVM_OBJCHECK] -- the dtc
# acceptance sweep (cg_accept.c), then the independent reader (LLVM
# libObject) over every relocatable and linked object it wrote.
set -u
ACC=$1 CORPUS=$2 TF=$3 OUT=$4 LLVM=${5:-}
# Floors (they may only go up): objects dtc produces from the corpus, and
# how many of them link alone against the FreeBSD-shaped test typefile.
MIN_PRODUCED=562 MIN_LINKED=522
rm -rf "$OUT"; mkdir -p "$OUT"
"$ACC" "$CORPUS" "$TF" /dev/null "$OUT" >"$OUT.sum"; rc=$?
cat "$OUT.sum"
[ $rc -eq 77 ] && exit 77
[ $rc -eq 0 ] || exit 1
produced=$(sed -n 's/.*objects produced \([0-9]*\).*/\1/p' "$OUT.sum")
linked=$(sed -n 's/.*linked against the bundled typefile \([0-9]*\).*/\1/p' "$OUT.sum")
if [ "${produced:-0}" -lt $MIN_PRODUCED ] || [ "${linked:-0}" -lt $MIN_LINKED ]; then
	echo "FAIL: produced ${produced:-?} (floor $MIN_PRODUCED), linked ${linked:-?} (floor $MIN_LINKED)"
	exit 1
fi
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
