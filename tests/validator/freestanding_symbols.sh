#!/bin/sh
# freestanding_symbols.sh NM LIBRARY — fail if the freestanding VM library
# needs any symbol from outside itself other than the few a freestanding
# compiler may emit calls to (mem*), stack protection, and sanitizer hooks.
nm=$1
lib=$2
# Symbols one member of the archive defines for another are not external.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$nm" --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/def"
"$nm" -u "$lib" | awk 'NF && $NF !~ /:$/ { print $NF }' | sort -u >"$tmp/undef"
bad=$(comm -23 "$tmp/undef" "$tmp/def" | grep -vE \
  '^(memcpy|memset|memmove|memcmp|__stack_chk_fail|__stack_chk_guard|_GLOBAL_OFFSET_TABLE_|__asan_.*|__ubsan_.*|__sanitizer_.*)$')
if [ -n "$bad" ]; then
  echo "freestanding library $lib needs:"
  echo "$bad"
  exit 1
fi
echo "freestanding library $lib: no external symbols beyond mem*/sanitizer hooks"
