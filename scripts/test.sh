#!/usr/bin/env bash
# test.sh — build HyperTrace twice (plain, and ASan+UBSan) and run every test.
#
# Installs missing packages first (scripts/setup.sh), so it works on a fresh
# Debian 12 machine.  The last line is the summary "N passed, N failed":
# a Check suite counts each of its checks, a test that prints its own
# "N passed, N failed" line counts those, any other test counts as one.
# Skipped tests (exit 77, e.g. no corpus) are reported, not counted.
#
#   scripts/test.sh            both builds
#   HT_TEST_BUILDS=plain ...   only the plain build (quicker while editing)
set -u
cd "$(dirname "$0")/.."

bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

builds=${HT_TEST_BUILDS:-"plain asan"}
jobs=$(nproc 2>/dev/null || echo 2)
status=0
logs=""

for b in $builds; do
	case $b in
	plain) dir=build; opts="" ;;
	asan)  dir=build-asan; opts="-Db_sanitize=address,undefined -Db_lundef=false" ;;
	*) echo "test.sh: unknown build '$b'" >&2; exit 2 ;;
	esac
	if [ ! -f "$dir/build.ninja" ]; then
		# shellcheck disable=SC2086
		meson setup "$dir" $opts >"$dir.setup.log" 2>&1 ||
			{ cat "$dir.setup.log"; echo "0 passed, 1 failed"; exit 1; }
	fi
	if ! ninja -C "$dir" >"$dir.ninja.log" 2>&1; then
		tail -n 60 "$dir.ninja.log"
		echo "0 passed, 1 failed"
		exit 1
	fi
	echo "== $b build: running tests"
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
	meson test -C "$dir" --num-processes "$jobs" --print-errorlogs \
		--timeout-multiplier 4 --logbase "testlog" >"$dir.test.log" 2>&1 || status=1
	grep -E '^ *[0-9]+/[0-9]+ ' "$dir.test.log" | sed 's/^/   /'
	grep -E '^(Ok|Fail|Skipped|Timeout|Expected Fail|Unexpected Pass):' "$dir.test.log" | sed 's/^/   /'
	logs="$logs $dir/meson-logs/testlog.json"
done

# shellcheck disable=SC2086
python3 scripts/count_tests.py $logs
rc=$?
[ $status -ne 0 ] && rc=1
exit $rc
