#!/bin/sh
# cases_run.sh DTC CASEDIR -- golden front-end cases: tst.<name>.d must compile
# (exit 0); err.D_TAG.<name>.d must fail (exit 1) with D_TAG as the first tag.
dtc=$1; dir=$2; pass=0; fail=0
for f in "$dir"/tst.*.d "$dir"/err.*.d; do
	base=$(basename "$f")
	out=$("$dtc" -x errtags "$f" 2>&1); rc=$?
	case $base in
	tst.*)
		if [ $rc -eq 0 ]; then pass=$((pass+1)); else
			fail=$((fail+1)); echo "FAIL $base: exit $rc: $out"; fi ;;
	err.*)
		tag=$(echo "$base" | cut -d. -f2)
		got=$(echo "$out" | grep -o '\[D_[A-Z0-9_]*\]' | head -1 | tr -d '[]')
		if [ $rc -eq 1 ] && [ "$got" = "$tag" ]; then pass=$((pass+1)); else
			fail=$((fail+1)); echo "FAIL $base: exit $rc, got '$got': $out"; fi ;;
	esac
done
echo "cases: $pass passed, $fail failed"
[ $fail -eq 0 ]
