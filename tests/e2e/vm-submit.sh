#!/bin/bash
# vm-submit.sh — `dtrace -E` against model guests: the program is compiled
# once on the host and submitted to the local dtraced overlord.  Each
# guest's dtraced minion (one per guest, with that guest's typefile) links
# it with its own types and sends the linked program back.  dtrace then
# attaches to the model guests (htguest, three layouts) through -x vmdir
# and runs, for each guest, the program that guest's minion linked.  The
# aggregation must equal the guests' ground truth exactly.
. "$DD_SRCDIR/lib.sh"
: "${DTRACE:?}" "${HTGUEST:?}" "${TFDIR:?}"

peers=""
for g in a b c; do
	cp "$TFDIR/guest-model-$g.btf.o" "$T/tf-$g.btf.o"
	chmod 644 "$T/tf-$g.btf.o"
	start "guest-$g" -m minion -l "unix:$T/m$g.sock" -t "$T/tf-$g.btf.o"
	peers="$peers -p guest-$g=unix:$T/m$g.sock"
done
# shellcheck disable=SC2086
start ovl $peers
wait_up ovl 3

mkdir -p "$T/vms"
gp=""
for g in a b c; do
	lv=4; [ $g = c ] && lv=5
	"$HTGUEST" --name guest-$g --layout $g --typefile "$TFDIR/guest-model-$g.btf.o" \
	    --truth "$T/truth.$g" --vmdir "$T/vms" --levels $lv --seed "$(printf %d "'$g")" \
	    --vcpus 2 --events 2000 --timeout 60 2>>"$T/htguest.log" &
	gp="$gp $!"
done
for _ in $(seq 100); do
	[ "$(ls "$T/vms" | wc -l)" -eq 3 ] && break
	sleep 0.05
done

timeout 120 "$DTRACE" -E -q -x ddtracedir="$T/ovl" -x ddtimeout=30 -x vmdir="$T/vms" \
    -n 'guest-*:syscall:::entry { @[vmname, execname] = count(); }' \
    >"$T/out.txt" 2>"$T/err.txt"
rc=$?
for p in $gp; do wait "$p" || fail "a model guest failed: $(cat "$T/htguest.log")"; done
[ $rc = 0 ] || fail "dtrace -E exited $rc: $(cat "$T/out.txt" "$T/err.txt")"
for g in a b c; do
	grep -q "^guest-$g: linked" "$T/out.txt" || fail "guest-$g did not link: $(cat "$T/out.txt")"
done
awk '$1 == "execname" { print $2, $3, $4 }' "$T"/truth.? | sort >"$T/want.txt"
awk 'NF == 3 && $3 ~ /^[0-9]+$/ { print $1, $2, $3 }' "$T/out.txt" | sort >"$T/got.txt"
[ -s "$T/want.txt" ] || fail "empty ground truth"
cmp -s "$T/want.txt" "$T/got.txt" ||
    fail "dtrace -E output differs from the ground truth: $(diff "$T/want.txt" "$T/got.txt")"
for d in ovl guest-a guest-b guest-c; do stop $d; done
echo "ok: dtrace -E: three minions linked, three guests traced with their own links, exact counts"
