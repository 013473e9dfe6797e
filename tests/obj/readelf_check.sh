#!/bin/sh
# readelf_check.sh READELF FILE... — an independent ELF reader must accept
# every object: `readelf -W -a` exits 0 and prints no warning or error.
# Prints "N passed, N failed".
readelf=$1
shift
passed=0
failed=0
for f in "$@"; do
	err=$("$readelf" -W -a "$f" 2>&1 >/dev/null)
	rc=$?
	if [ $rc -eq 0 ] && ! printf '%s' "$err" | grep -qiE 'warning|error'; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "$f: readelf exit $rc: $err" >&2
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
