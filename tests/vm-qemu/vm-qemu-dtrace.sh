#!/bin/sh
# vm-qemu-dtrace.sh — issue 10's three acceptance scripts, run by the real
# dtrace against two REAL guests: the QEMU test guest booted twice behind
# qg_bridge, once with 4-level paging (qemu4) and once with 5-level paging
# (qemu5).  dtrace finds them in -x vmdir like any guest, links each script
# against the typefile they announce, reads their memory through their own
# page tables, and must print exactly what the guests' ground truth says.
#
#   s1  @[vmname, execname] = count()                          (exact script)
#   s2  @[td_ucred->cr_ruid, td_ucred->cr_rgid] = count()      (with a cast
#       while dtc cannot type curthread->td_ucred itself); the guests' two
#       bad td_ucred pointers per VM must give exactly 4 "invalid address"
#       errors, and nothing else may be missing
#   s3  self->ts / quantize(timestamp - self->ts) per (vmname, probefunc)
#
# usage: vm-qemu-dtrace.sh DTC DTRACE QG_BRIDGE GUEST.ELF TYPEFILE
set -u
DTC=$1 DTRACE=$2 BRIDGE=$3 GUEST=$4 TYPES=$5
if [ -n "${QEMU:-}" ]; then qemu_bin=$QEMU; else qemu_bin=$(command -v qemu-system-x86_64); fi
if [ -z "$qemu_bin" ] || [ ! -x "$qemu_bin" ]; then
	echo "SKIP: qemu-system-x86_64 not found (Debian package qemu-system-x86; scripts/setup.sh installs it)"
	exit 77
fi
tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0

start_guests() {	# $1: run name
	rm -rf "$tmp/vms"
	mkdir "$tmp/vms"
	pids=""
	"$BRIDGE" --vmdir "$tmp/vms" --name qemu4 --guest "$GUEST" --typefile "$TYPES" \
	    --truth "$tmp/$1.truth4" 2>"$tmp/$1.bridge4" &
	pids="$pids $!"
	"$BRIDGE" --vmdir "$tmp/vms" --name qemu5 --cpu qemu64,+pdpe1gb,+la57 \
	    --guest "$GUEST" --typefile "$TYPES" --truth "$tmp/$1.truth5" 2>"$tmp/$1.bridge5" &
	pids="$pids $!"
	for i in $(seq 1 200); do
		[ -S "$tmp/vms/qemu4.sock" ] && [ -S "$tmp/vms/qemu5.sock" ] && return 0
		sleep 0.05
	done
	echo "$1: the bridges did not come up"
	return 1
}

wait_guests() {
	rc=0
	for p in $pids; do wait "$p" || rc=1; done
	pids=""
	return $rc
}

run() {		# run NAME SCRIPT
	printf '%s\n' "$2" >"$tmp/$1.d"
	"$DTC" -o "$tmp/$1.o" "$tmp/$1.d" || { echo "$1: dtc failed"; return 1; }
	start_guests "$1" || return 1
	timeout 60 "$DTRACE" -q -x vmdir="$tmp/vms" -Y "$tmp/$1.o" >"$tmp/$1.out" 2>"$tmp/$1.err"
	drc=$?
	wait_guests || { echo "$1: a guest failed:"; cat "$tmp/$1.bridge4" "$tmp/$1.bridge5"; return 1; }
	[ $drc -eq 0 ] || { echo "$1: dtrace exited $drc:"; cat "$tmp/$1.err"; return 1; }
	cat "$tmp/$1.truth4" "$tmp/$1.truth5" >"$tmp/$1.truth"
}

# Truth lines: VM syscall::FUNC:NAME tid=T pid=P execname=E deref=ok|fault ruid=U rgid=G uid=U
want() {	# want NAME KIND: "key... count" lines from the ground truth
	awk -v kind="$2" '
	$2 !~ /:entry$/ { next }
	{ split($2, p, ":"); e = $5; sub(/^execname=/, "", e)
	  split($7, u, "="); split($8, g, "=") }
	kind == "exec" { c[$1 " " e]++ }
	kind == "cred" && $6 == "deref=ok" { c[u[2] " " g[2]]++ }
	kind == "func" { c[$1 " " p[3]]++ }
	END { for (k in c) print k, c[k] }' "$tmp/$1.truth" | sort
}

got() {		# got NAME KIND: the same from dtrace's output
	awk -v kind="$2" '
	kind != "func" && NF == 3 { print $1, $2, $3; next }
	kind == "func" && NF == 2 && $1 != "value" { key = $1 " " $2; next }
	kind == "func" && $2 ~ /^\|/ && $NF > 0 {
		c[key] += $NF
		if ($1 != 0) print "outside bucket 0:", key, $0 }
	END { for (k in c) print k, c[k] }' "$tmp/$1.out" | sort
}

check() {	# check NAME KIND
	want "$1" "$2" >"$tmp/$1.want"
	got "$1" "$2" >"$tmp/$1.got"
	if [ ! -s "$tmp/$1.want" ]; then
		echo "$1: empty ground truth"
		return 1
	fi
	if ! cmp -s "$tmp/$1.want" "$tmp/$1.got"; then
		echo "$1: dtrace output differs from the guests' ground truth:"
		diff "$tmp/$1.want" "$tmp/$1.got"
		return 1
	fi
	if [ "$2" = cred ]; then
		n=$(grep -c 'invalid address' "$tmp/$1.err")
		[ "$n" -eq 4 ] || { echo "$1: $n invalid-address errors, want 4:"; cat "$tmp/$1.err"; return 1; }
	elif [ -s "$tmp/$1.err" ]; then
		echo "$1: unexpected errors:"
		cat "$tmp/$1.err"
		return 1
	fi
	echo "$1: $(wc -l <"$tmp/$1.want") keys, $(awk '{s += $NF} END {print s}' "$tmp/$1.want") firings, as the guests fired them"
}

T='qemu*'
S1="$T:syscall:::entry { @[vmname, execname] = count(); }"
S2="$T:syscall:::entry { @[((struct ucred *)curthread->td_ucred)->cr_ruid, ((struct ucred *)curthread->td_ucred)->cr_rgid] = count(); }"
S3="$T:syscall:::entry { self->ts = timestamp; } $T:syscall:::entry /self->ts/ { @[vmname, probefunc] = quantize(timestamp - self->ts); self->ts = 0; }"
for t in "s1|exec|$S1" "s2|cred|$S2" "s3|func|$S3"; do
	name=${t%%|*}; rest=${t#*|}; kind=${rest%%|*}; script=${rest#*|}
	if run "$name" "$script" && check "$name" "$kind"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
