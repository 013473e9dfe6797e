#!/bin/sh
# vm-qemu-dtrace.sh — issue 10's three acceptance scripts, run by the real
# dtrace against two REAL guests: the QEMU test guest booted twice behind
# qg_bridge, once with 4-level paging and 4 GiB of RAM (qemu4: RAM past
# 3 GiB sits at GPA 4 GiB) and once with 5-level paging (qemu5).  dtrace finds them in -x vmdir like any guest, links each script
# against the typefile they announce, reads their memory through their own
# page tables, and must print exactly what the guests' ground truth says.
#
#   s1  @[vmname, execname] = count()                          (exact script)
#   s2  @[td_ucred->cr_ruid, td_ucred->cr_rgid] = count()      (the exact
#       script when dtc takes it, else with a cast); the guests' two
#       bad td_ucred pointers per VM must give exactly 4 "invalid address"
#       errors and no other message
#   s3  self->ts / quantize(timestamp - self->ts) per (vmname, probefunc)
#   s4  thread-locals are per VM: qemu4 and qemu5 run the same kernel, so
#       every thread id exists in both, concurrently; a self-> variable set
#       by one guest must never be seen by the other ("bad" stays absent)
#   s5  (with HTGUEST and MODEL_TYPEFILE) the QEMU guest next to a model
#       guest (layout b): s2 over both, each linked against its own
#       typefile, must give the union of both guests' ground truth
#
# usage: vm-qemu-dtrace.sh DTC DTRACE QG_BRIDGE GUEST.ELF TYPEFILE [HTGUEST MODEL_TYPEFILE]
set -u
DTC=$1 DTRACE=$2 BRIDGE=$3 GUEST=$4 TYPES=$5 HTGUEST=${6:-} MODEL_TF=${7:-}
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

start_guests() {	# $1: run name; $2: "model" for qemu4 + a model guest
	rm -rf "$tmp/vms"
	mkdir "$tmp/vms"
	pids=""
	# qemu4 has 4 GiB: its third RAM slot starts at GPA 4 GiB, file offset
	# 3 GiB, and holds make's credential.
	"$BRIDGE" --vmdir "$tmp/vms" --name qemu4 --ram-mb 4096 --guest "$GUEST" \
	    --typefile "$TYPES" --truth "$tmp/$1.truth4" 2>"$tmp/$1.bridge4" &
	pids="$pids $!"
	second=qemu5.sock
	if [ "${2:-}" = model ]; then
		second=model-b.sock
		: >"$tmp/$1.bridge5"
		"$HTGUEST" --name model-b --layout b --typefile "$MODEL_TF" --vmdir "$tmp/vms" \
		    --truth "$tmp/$1.model" --levels 4 --seed 7 --vcpus 2 --events 500 \
		    --timeout 60 2>"$tmp/$1.bridge5" &
	else
		"$BRIDGE" --vmdir "$tmp/vms" --name qemu5 --cpu qemu64,+pdpe1gb,+la57 \
		    --guest "$GUEST" --typefile "$TYPES" --truth "$tmp/$1.truth5" 2>"$tmp/$1.bridge5" &
	fi
	pids="$pids $!"
	for i in $(seq 1 200); do
		[ -S "$tmp/vms/qemu4.sock" ] && [ -S "$tmp/vms/$second" ] && return 0
		sleep 0.05
	done
	echo "$1: the guests did not come up"
	return 1
}

wait_guests() {
	rc=0
	for p in $pids; do wait "$p" || rc=1; done
	pids=""
	return $rc
}

run() {		# run NAME SCRIPT [model [EXACT]]: EXACT first when dtc takes it
	if [ -n "${4:-}" ]; then
		printf '%s\n' "$4" >"$tmp/$1.d"
		if "$DTC" -o "$tmp/$1.o" "$tmp/$1.d" 2>"$tmp/$1.dtc"; then
			echo "$1: the issue's exact script"
		else
			echo "$1: dtc cannot compile the exact script yet ($(head -1 "$tmp/$1.dtc")); with a cast"
			set -- "$1" "$2" "$3"
		fi
	fi
	if [ -z "${4:-}" ]; then
		printf '%s\n' "$2" >"$tmp/$1.d"
		"$DTC" -o "$tmp/$1.o" "$tmp/$1.d" || { echo "$1: dtc failed"; return 1; }
	fi
	start_guests "$1" "${3:-}" || return 1
	timeout 60 "$DTRACE" -q -x vmdir="$tmp/vms" -Y "$tmp/$1.o" >"$tmp/$1.out" 2>"$tmp/$1.err"
	drc=$?
	wait_guests || { echo "$1: a guest failed:"; cat "$tmp/$1.bridge4" "$tmp/$1.bridge5"; return 1; }
	[ $drc -eq 0 ] || { echo "$1: dtrace exited $drc:"; cat "$tmp/$1.err"; return 1; }
	if [ "${3:-}" = model ]; then
		cp "$tmp/$1.truth4" "$tmp/$1.truth"
	else
		cat "$tmp/$1.truth4" "$tmp/$1.truth5" >"$tmp/$1.truth"
	fi
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
	END { for (k in c) print k, c[k] }' "$tmp/$1.truth" >"$tmp/$1.want.raw"
	# s4: every return of both guests, never a "bad" one.
	if [ "$2" = tls ]; then
		echo "returns $(grep -c ':return ' "$tmp/$1.truth")"
		return
	fi
	# s5: the model guest's own truth: "cred RUID RGID N" lines.
	if [ -f "$tmp/$1.model" ]; then
		awk '$1 == "cred" { print $2, $3, $4 }' "$tmp/$1.model" >>"$tmp/$1.want.raw"
	fi
	awk '{ n = $NF; $NF = ""; c[$0] += n } END { for (k in c) print k c[k] }' \
	    "$tmp/$1.want.raw" | sort
}

got() {		# got NAME KIND: the same from dtrace's output
	awk -v kind="$2" '
	kind == "tls" && NF == 2 { print $1, $2; next }
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
		# One error per QEMU firing whose td_ucred is bad, nothing else.
		w=$(grep -c ':entry .*deref=fault' "$tmp/$1.truth")
		n=$(grep -c 'invalid address' "$tmp/$1.err")
		[ "$n" -eq "$w" ] && [ "$(wc -l <"$tmp/$1.err")" -eq "$w" ] ||
		    { echo "$1: stderr has $n invalid-address errors in $(wc -l <"$tmp/$1.err") lines, want exactly $w:"
		      cat "$tmp/$1.err"; return 1; }
	elif [ -s "$tmp/$1.err" ]; then
		echo "$1: unexpected errors:"
		cat "$tmp/$1.err"
		return 1
	fi
	echo "$1: $(wc -l <"$tmp/$1.want") keys, $(awk '{s += $NF} END {print s}' "$tmp/$1.want") firings, as the guests fired them"
}

S4='qemu4:syscall:::entry /self->g && self->g != 4/ { @bad = count(); }
qemu5:syscall:::entry /self->g && self->g != 5/ { @bad = count(); }
qemu4:syscall:::return /self->g != 4/ { @bad = count(); }
qemu5:syscall:::return /self->g != 5/ { @bad = count(); }
qemu4:syscall:::entry { self->g = 4; }
qemu5:syscall:::entry { self->g = 5; }
qemu*:syscall:::return { @ret = count(); }
END { printa("bad %@d\n", @bad); printa("returns %@d\n", @ret); }'
T='qemu*'
S1="$T:syscall:::entry { @[vmname, execname] = count(); }"
S2="$T:syscall:::entry { @[((struct ucred *)curthread->td_ucred)->cr_ruid, ((struct ucred *)curthread->td_ucred)->cr_rgid] = count(); }"
S2X="$T:syscall:::entry { @[curthread->td_ucred->cr_ruid, curthread->td_ucred->cr_rgid] = count(); }"
S3="$T:syscall:::entry { self->ts = timestamp; } $T:syscall:::entry /self->ts/ { @[vmname, probefunc] = quantize(timestamp - self->ts); self->ts = 0; }"
S5='*:syscall:::entry { @[((struct ucred *)curthread->td_ucred)->cr_ruid, ((struct ucred *)curthread->td_ucred)->cr_rgid] = count(); }'
for t in "s1|exec|$S1" "s2|cred|$S2" "s3|func|$S3" "s4|tls|$S4"; do
	name=${t%%|*}; rest=${t#*|}; kind=${rest%%|*}; script=${rest#*|}
	exact=""
	[ "$name" = s2 ] && exact=$S2X
	if run "$name" "$script" "" "$exact" && check "$name" "$kind"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
if [ -n "$HTGUEST" ] && [ -n "$MODEL_TF" ]; then
	if run s5 "$S5" model && check s5 cred; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
else
	echo "s5: no model guest given; QEMU + model mix not run"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
