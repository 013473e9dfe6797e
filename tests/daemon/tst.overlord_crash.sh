#!/bin/bash
# tst.overlord_crash: kill -9 the overlord while it publishes a submitted
# program, then restart it.  No partial file is ever visible in its spool
# (every visible base/ and outbound/ file is a complete object whose ident
# is its name), nothing acknowledged is lost (a program the client saw accepted
# reaches every guest without being submitted again), and nothing is
# duplicated (resubmitting links nowhere twice).  Repeated 20 times.
. "$DD_SRCDIR/lib.sh"

ITER=${ITER:-20}
for i in 1 2 3; do minion vm$i; done
PEERS="-p vm1=unix:$T/vm1.sock -p vm2=unix:$T/vm2.sock -p vm3=unix:$T/vm3.sock"
start ovl $PEERS
wait_up ovl 3

check_spool() {
	local f name sum
	for f in "$T"/ovl/base/* "$T"/ovl/outbound/*; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .o)
		# the live daemon may remove a finished file while we look: fine
		sum=$("$DDTEST_PROG" info "$f" 2>/dev/null | sed -n 's/^ident=\([0-9a-f]*\) .*/\1/p')
		[ -n "$sum" ] || [ ! -e "$f" ] || fail "iteration $1: unreadable (partial) file $f visible"
		[ -z "$sum" ] || [ "$sum" = "$name" ] || fail "iteration $1: $f holds another program"
	done
}

acked=0
for n in $(seq "$ITER"); do
	mkprog "$T/p$n.o" $((16384 + RANDOM * 4))
	id=$(ident "$T/p$n.o")
	ctl ovl -t 30 submit "$T/p$n.o" > "$T/sub$n.txt" 2>&1 &
	client=$!
	sleep "0.$((RANDOM % 2))$((RANDOM % 10))$((RANDOM % 10))"
	kill9 ovl
	wait $client
	check_spool "$n"
	# was it accepted before the kill?  (the ACK lists the guests, the
	# client prints "program ID" only after that)
	accepted=0
	grep -q "^program $id" "$T/sub$n.txt" && accepted=1
	start ovl $PEERS
	check_spool "$n"
	if [ $accepted = 1 ]; then
		acked=$((acked + 1))
		# delivered without a resubmission
		for _ in $(seq 250); do
			ctl ovl status | grep "ident=$id" | grep -q 'vm1=linked vm2=linked vm3=linked' && break
			sleep 0.02
		done
		ctl ovl status | grep "ident=$id" | grep -q 'vm1=linked vm2=linked vm3=linked' ||
		    fail "iteration $n: accepted program lost: $(ctl ovl status)"
	fi
	ctl ovl -t 30 submit "$T/p$n.o" > "$T/resub$n.txt" || fail "iteration $n: $(cat "$T/resub$n.txt")"
	[ "$(grep -c ': linked' "$T/resub$n.txt")" = 3 ] || fail "iteration $n: $(cat "$T/resub$n.txt")"
	for i in 1 2 3; do
		[ "$(count "done $id.o" "$T/logs/vm$i")" = 1 ] ||
		    fail "iteration $n: vm$i linked $id $(count "done $id.o" "$T/logs/vm$i") times"
	done
done
echo "ok: $ITER overlord kills during publish ($acked after acceptance), nothing partial, lost or duplicated"
