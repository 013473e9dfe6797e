#!/bin/bash
# tst.minion_crash: kill -9 a minion in the middle of a transfer (while it
# receives — programs up to 1 MiB —, stores or links a program) and restart it; the overlord
# retransmits and the program is delivered once: the client sees one linked
# result per guest, the overlord records one result (vm2's complete output),
# and a link whose result was recorded is never run again.  Repeated 20 times (ITER overrides).
. "$DD_SRCDIR/lib.sh"

ITER=${ITER:-20}
for i in 1 2 3; do minion vm$i; done
start ovl -p vm1=unix:$T/vm1.sock -p vm2=unix:$T/vm2.sock -p vm3=unix:$T/vm3.sock
wait_up ovl 3

relinked=0
for n in $(seq "$ITER"); do
	# vm2 links slowly, so a kill lands before, during or after its link
	kill9 vm2
	LINK_DELAY=0.1 minion vm2
	mkprog "$T/p$n.o" $((4096 + RANDOM * (n % 2 ? 1 : 32)))
	id=$(ident "$T/p$n.o")
	ctl ovl -t 30 submit "$T/p$n.o" > "$T/sub$n.txt" 2>&1 &
	client=$!
	sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
	kill9 vm2
	minion vm2
	wait $client || fail "iteration $n: submit failed: $(cat "$T/sub$n.txt")"
	[ "$(grep -c ': linked' "$T/sub$n.txt")" = 3 ] || fail "iteration $n: $(cat "$T/sub$n.txt")"
	[ "$(grep -c '^vm2:' "$T/sub$n.txt")" = 1 ] || fail "iteration $n: vm2 answered twice"
	# the stored result is vm2's complete output
	linked_for "$T/ovl/inbound/vm2/$id.o" "$id" vm2 ||
	    fail "iteration $n: stored result is not the program linked by vm2"
	# A link whose outcome was durably recorded is never run again; only a
	# link cut off before its result file was published is redone.
	links=$(count "done $id.o" "$T/logs/vm2")
	[ "$links" -ge 1 ] && [ "$links" -le 2 ] || fail "iteration $n: vm2 completed $links links"
	[ "$links" = 2 ] && relinked=$((relinked + 1))
	[ "$(grep -c "^........ R $id vm2 " "$T/ovl/journal")" = 1 ] ||
	    fail "iteration $n: overlord recorded vm2's result $(grep -c "R $id vm2" "$T/ovl/journal") times"
done
ctl ovl status | grep -q 'queued=[1-9]' && fail "programs still queued: $(ctl ovl status)"
echo "ok: $ITER minion kills mid-transfer, each program delivered once ($relinked link(s) redone after a kill)"
