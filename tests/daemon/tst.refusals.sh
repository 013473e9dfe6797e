#!/bin/bash
# tst.refusals: malformed, truncated, oversized and unauthenticated messages,
# on sub.sock and on a minion's TCP listener, are refused (NAK with the right
# code, or the connection closed), logged, and counted; the daemons keep
# serving: a real submission afterwards still links on the minion.
. "$DD_SRCDIR/lib.sh"
command -v python3 >/dev/null || fail "python3 is needed to forge frames"
mkprog "$T/real.o"
export DD_PROG="$T/real.o"
BAD="python3 $DD_SRCDIR/badpeer.py"

head -c 32 /dev/urandom | base64 > "$T/key"
chmod 644 "$T/key"
for try in $(seq 20); do
	port=$((20000 + RANDOM % 30000))
	"$DTRACED" -n -m minion -l "tcp:127.0.0.1:$port" >/dev/null || fail "config check"
	start vm1 -m minion -k "$T/key" -l "tcp:127.0.0.1:$port" \
	    -L "sh $DD_SRCDIR/link_copy.sh $T/logs/vm1 vm1" && break
done
start ovl -k "$T/key" -p vm1=tcp:127.0.0.1:$port
wait_up ovl 1
SUB="unix:$T/ovl/sub.sock"
MIN="tcp:127.0.0.1:$port"

expect() {	# expect WANT CASE ADDR [KEY]
	local got
	got=$($BAD "$2" "$3" ${4:-})
	[ "$got" = "$1" ] || fail "$2 on $3: got '$got', want '$1'"
}
# framing errors: NAK (1 malformed, 3 too big, 2 unauthenticated), then closed
expect "nak 1 closed" garbage "$SUB"
expect "nak 1 closed" badversion "$SUB"
expect "nak 1 closed" badflags "$SUB"
expect "nak 3 closed" oversized "$SUB"
expect "nak 2 closed" badtag "$SUB"
expect "closed" truncated "$SUB"
# well-framed but bad payloads: NAK, and the connection stays usable
expect "nak 1 open" dup_targets "$SUB"
expect "nak 4 open" not_elf "$SUB"
expect "nak 5 open" unknown_guest "$SUB"
# sub.sock peer credentials: nobody is not root, the owner or in the group
expect "closed" nonroot "$SUB"
# the minion's listener: only an authenticated overlord after HELLO
expect "nak 2 closed" program_before_hello "$MIN" "$T/key"
expect "nak 2 closed" hello_wrong_key "$MIN"
expect "nak 7 closed" hello_as_minion "$MIN" "$T/key"
expect "nak 1 closed" garbage "$MIN"
expect "nak 3 closed" oversized "$MIN"

grep -q "refused: sub.sock: client pid [0-9]* uid 65534" "$T/ovl.log" || fail "non-root client not logged"
grep -q "frame tag does not verify" "$T/ovl.log" || fail "bad tag not logged"
grep -q "refused: .*PROGRAM before HELLO" "$T/vm1.log" || fail "unauthenticated PROGRAM not logged"
refused=$(ctl ovl status | sed -n 's/.*refused=\([0-9]*\).*/\1/p')
[ "$refused" -ge 9 ] || fail "overlord counted $refused refusals"

# both still serve
mkprog "$T/p.o"
ctl ovl -t 20 submit "$T/p.o" > "$T/sub.txt" || fail "submit after refusals: $(cat "$T/sub.txt")"
grep -q "^vm1: linked" "$T/sub.txt" || fail "$(cat "$T/sub.txt")"
echo "ok: 15 bad inputs refused and logged; daemons kept serving"
