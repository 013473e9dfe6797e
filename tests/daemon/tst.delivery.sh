#!/bin/bash
# tst.delivery: an overlord and three minions (UNIX sockets, then TCP): a
# program submitted on the overlord comes back linked from each; addressed
# delivery reaches only the named guest; link errors and the "no linker"
# default come back as per-guest errors; a resubmission is answered from the
# stored results without relinking; SIGTERM shuts every daemon down cleanly.
. "$DD_SRCDIR/lib.sh"

for i in 1 2 3; do minion vm$i; done
start ovl -p vm1=unix:$T/vm1.sock -p vm2=unix:$T/vm2.sock -p vm3=unix:$T/vm3.sock
wait_up ovl 3

mkprog "$T/p1.o"
id=$(ident "$T/p1.o")
mkdir "$T/out"
ctl ovl -t 20 submit -o "$T/out" "$T/p1.o" > "$T/submit1.txt" || fail "submit: $(cat "$T/submit1.txt")"
for i in 1 2 3; do
	grep -q "^vm$i: linked" "$T/submit1.txt" || fail "vm$i did not link: $(cat "$T/submit1.txt")"
	linked_for "$T/out/vm$i.o" "$id" vm$i || fail "vm$i.o is not p1.o linked by vm$i"
	[ "$(count "done $id.o" "$T/logs/vm$i")" = 1 ] || fail "vm$i linked $id more than once"
	[ -f "$T/ovl/inbound/vm$i/$id.o" ] || fail "overlord did not store vm$i's result"
done
grep -q "^program $id$" "$T/submit1.txt" || fail "submit did not print the ident"

# addressed delivery: only vm2 gets p2
mkprog "$T/p2.o"
id2=$(ident "$T/p2.o")
ctl ovl -t 20 submit -g vm2 "$T/p2.o" > "$T/submit2.txt" || fail "addressed submit failed"
[ "$(grep -c linked "$T/submit2.txt")" = 1 ] || fail "addressed submit answered: $(cat "$T/submit2.txt")"
sleep 0.2
for i in 1 3; do
	[ "$(count "$id2" "$T/logs/vm$i")" = 0 ] || fail "vm$i received a program addressed to vm2"
done

# resubmission: answered from stored results, nobody relinks
ctl ovl -t 20 submit "$T/p1.o" > "$T/submit3.txt" || fail "resubmit failed"
[ "$(grep -c ': linked' "$T/submit3.txt")" = 3 ] || fail "resubmit: $(cat "$T/submit3.txt")"
for i in 1 2 3; do
	[ "$(count "start $id.o" "$T/logs/vm$i")" = 1 ] || fail "vm$i relinked a known program"
done

# a failing linker and a minion without a linker: per-guest errors
start vm4 -m minion -l "unix:$T/vm4.sock" -L "sh $DD_SRCDIR/link_fail.sh"
start vm5 -m minion -l "unix:$T/vm5.sock"
stop ovl
start ovl -p vm1=unix:$T/vm1.sock -p vm2=unix:$T/vm2.sock -p vm3=unix:$T/vm3.sock \
    -p vm4=unix:$T/vm4.sock -p vm5=unix:$T/vm5.sock
wait_up ovl 5
mkprog "$T/p3.o"
ctl ovl -t 20 submit "$T/p3.o" > "$T/submit4.txt" && fail "submit with failing guests exited 0"
grep -q "^vm4: failed: .*no type 'struct task'" "$T/submit4.txt" || fail "vm4 error: $(cat "$T/submit4.txt")"
grep -q "^vm5: failed: linking is not available: the minion has no typefile (-t) and no link command (-L)$" "$T/submit4.txt" ||
    fail "vm5 error: $(cat "$T/submit4.txt")"
[ "$(grep -c ': linked' "$T/submit4.txt")" = 3 ] || fail "vm1-3 should still link: $(cat "$T/submit4.txt")"

# the same over TCP on loopback, with a shared key
head -c 32 /dev/urandom | base64 > "$T/key"
ports=()
for i in 1 2 3; do
	for try in $(seq 20); do
		port=$((20000 + RANDOM % 30000))
		start tcp$i -m minion -k "$T/key" -l "tcp:127.0.0.1:$port" \
		    -L "sh $DD_SRCDIR/link_copy.sh $T/logs/tcp$i tcp$i" 2>/dev/null && break
	done
	ports[$i]=$port
done
start tovl -k "$T/key" -p tcp1=tcp:127.0.0.1:${ports[1]} -p tcp2=tcp:127.0.0.1:${ports[2]} \
    -p tcp3=tcp:127.0.0.1:${ports[3]}
wait_up tovl 3
ctl tovl -t 20 submit "$T/p1.o" > "$T/submit5.txt" || fail "TCP submit: $(cat "$T/submit5.txt")"
[ "$(grep -c ': linked' "$T/submit5.txt")" = 3 ] || fail "TCP submit: $(cat "$T/submit5.txt")"

for d in ovl tovl vm1 vm2 vm3 vm4 vm5 tcp1 tcp2 tcp3; do stop $d; done
PIDS=""
grep -q "engine stopped" "$T/ovl.log" || fail "no clean shutdown message"
[ -e "$T/ovl/sub.sock" ] || true
echo "ok: delivery to 3 minions over UNIX and TCP, addressed delivery, errors, resubmission"
