#!/bin/sh
# bpf-corpus.sh DTRACE CORPUS -- the corpus tests that need only the kernel
# providers this machine has (syscall, proc, sched, with dtrace and
# profile), no illumos kernel types and no companion program, run through
# `dtrace -s` with the kernel probes in BPF.  success: exit 0 (and stdout
# equal to <name>.out when it exists); runtime-error: exit 1.  (The
# compile-error tests among them are the compiler's: tests/compiler.)
# Prints each result and "N/M passed"; exits 1 when fewer than FLOOR pass
# (default: all), 77 without BPF or the corpus.
# usage: bpf-corpus.sh DTRACE CORPUS [FLOOR]
D=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
C=$2/sun
M=$2/MANIFEST.tsv
[ -r "$M" ] || { echo "SKIP: no corpus at $2"; exit 77; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "SKIP: no kernel BTF"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$D" -q -n 'syscall::getppid:entry { exit(0); } tick-1ms { exit(0); }' \
    >/dev/null 2>"$tmp/err" && grep -q "could not enable tracing" "$tmp/err"; then
	echo "SKIP: $(cat "$tmp/err")"
	exit 77
fi
awk -F'\t' 'NR > 1 {
	n = split($10, p, ","); ok = 1; kern = 0
	for (i = 1; i <= n; i++) {
		if (p[i] !~ /^(dtrace|syscall|proc|sched|profile)$/) ok = 0
		if (p[i] ~ /^(syscall|proc|sched)$/) kern = 1
	}
	if (ok && kern && $5 !~ /kernel-types/ && $8 !~ /companion=/ &&
	    $2 != "compile-error")
		print $1 "\t" $2 "\t" $3
}' "$M" > "$tmp/list"
pass=0
total=0
while IFS='	' read -r rel kind tag; do
	total=$((total + 1))
	f="$C/$rel"
	case $kind in
	runtime-error)
		timeout 30 "$D" -s "$f" >/dev/null 2>"$tmp/err"
		rc=$?
		[ $rc -eq 1 ] && ok=1 || ok=0;;
	*)
		(cd "$(dirname "$f")" && timeout 30 "$D" -s "$f" >"$tmp/out" 2>"$tmp/err")
		rc=$?
		ok=0
		if [ $rc -eq 0 ]; then
			if [ ! -f "$f.out" ] || cmp -s "$f.out" "$tmp/out"; then ok=1; fi
		fi;;
	esac
	if [ $ok -eq 1 ]; then
		pass=$((pass + 1))
		echo "pass $rel"
	else
		echo "FAIL $rel (exit $rc): $(head -c 300 "$tmp/err" | tr '\n' ' ')"
	fi
done < "$tmp/list"
echo "$pass/$total passed"
[ "$pass" -ge "${3:-$total}" ]
