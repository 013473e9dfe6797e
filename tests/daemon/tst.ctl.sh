#!/bin/bash
# tst.ctl: the tools' surface.  --version/--help/usage exit codes; one
# instance per state directory (the refusal names the running pid); a
# configuration file; dtracedctl status/guests as text and --json; a program
# pending for a down guest is retransmitted when it comes up; cancel; cleanup
# of a guest; garbage collection of finished programs; clean SIGTERM.
. "$DD_SRCDIR/lib.sh"

"$DTRACED" --version | grep -q '^dtraced (HyperTrace) ' || fail "dtraced --version"
"$DTRACEDCTL" --version | grep -q '^dtracedctl (HyperTrace) ' || fail "dtracedctl --version"
"$DTRACED" --help | grep -q usage || fail "dtraced --help"
"$DTRACEDCTL" --help | grep -q usage || fail "dtracedctl --help"
"$DTRACED" -m sideways 2>/dev/null; [ $? = 2 ] || fail "bad -m should exit 2"
"$DTRACED" -p novalue 2>/dev/null; [ $? = 2 ] || fail "bad -p should exit 2"
"$DTRACED" -m minion 2>/dev/null; [ $? = 2 ] || fail "minion without -l should exit 2"
"$DTRACEDCTL" frobnicate 2>/dev/null; [ $? = 2 ] || fail "unknown command should exit 2"
"$DTRACEDCTL" -D "$T/none" status 2>/dev/null; [ $? = 1 ] || fail "no daemon should exit 1"

cat > "$T/ovl.conf" <<CONF
# overlord for the ctl test
mode overlord
peer vm1 unix:$T/vm1.sock
peer vm2 unix:$T/vm2.sock
gc 2
CONF
"$DTRACED" -n -c "$T/ovl.conf" | grep -q "overlord, 2 guest" || fail "config check"
echo "peer vm1 bogus:addr" > "$T/bad.conf"
"$DTRACED" -n -c "$T/bad.conf" 2>"$T/bad.txt"; [ $? = 1 ] || fail "bad config should exit 1"
grep -q "bad.conf:1:" "$T/bad.txt" || fail "bad config error lacks the line: $(cat "$T/bad.txt")"

# the packaged example configuration is valid
head -c 32 /dev/urandom | base64 > "$T/example.key"
sed "s|/etc/dtraced.key|$T/example.key|" "$DD_SRCDIR/../../packaging/dtraced.conf.example" > "$T/example.conf"
"$DTRACED" -n -c "$T/example.conf" | grep -q "overlord, 2 guest" || fail "packaging/dtraced.conf.example"

# AF_VSOCK: a minion listens on vsock:any:PORT where the kernel offers vsock
if python3 -c 'import socket; socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)' 2>/dev/null; then
	vport=$((40000 + RANDOM % 20000))
	start vs1 -m minion -l "vsock:any:$vport"
	ctl vs1 status | grep -q '^daemon mode=minion' || fail "vsock minion status"
	stop vs1
else
	echo "note: no AF_VSOCK in this kernel; vsock listener not exercised"
fi
"$DTRACED" -n -m minion -l vsock:x:1 2>/dev/null; [ $? = 2 ] || fail "bad vsock address accepted"

minion vm1
start ovl -c "$T/ovl.conf"
# one instance per state directory
"$DTRACED" -f -D "$T/ovl" -c "$T/ovl.conf" 2>"$T/second.txt"; [ $? = 1 ] || fail "second instance started"
grep -q "already running on $T/ovl as pid $(cat "$T/ovl.pid")" "$T/second.txt" ||
    fail "second instance message: $(cat "$T/second.txt")"

wait_up ovl 1
ctl ovl status | grep -q '^daemon mode=overlord name=ovl' || fail "status: $(ctl ovl status)"
ctl ovl guests | grep -q '^guest name=vm2 state=down' || fail "guests: $(ctl ovl guests)"
ctl ovl --json status | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["daemon"]["mode"] == "overlord", d
g = {x["name"]: x for x in d["guests"]}
assert g["vm1"]["state"] == "up" and g["vm2"]["state"] == "down", g
assert d["programs"] == [], d
' || fail "status --json: $(ctl ovl --json status)"

# a program for the down vm2 waits; vm1 answers now
mkprog "$T/p1.o"
id1=$(ident "$T/p1.o")
ctl ovl -t 1 submit "$T/p1.o" > "$T/sub1.txt"; [ $? = 1 ] || fail "partial submit should exit 1"
grep -q '^vm1: linked' "$T/sub1.txt" && grep -q '^vm2: pending' "$T/sub1.txt" || fail "$(cat "$T/sub1.txt")"
ctl ovl status | grep -q "ident=$id1 vm1=linked vm2=pending" || fail "queue: $(ctl ovl status)"
# vm2 comes up: the pending program is retransmitted without a new submit
minion vm2
for _ in $(seq 150); do
	ctl ovl status | grep -q "ident=$id1 vm1=linked vm2=linked" && break
	sleep 0.02
done
ctl ovl status | grep -q "ident=$id1 vm1=linked vm2=linked" || fail "not retransmitted: $(ctl ovl status)"

# cancel: a program for a guest that is down is cancelled, its waiter told so
stop vm2
mkprog "$T/p2.o"
id2=$(ident "$T/p2.o")
ctl ovl --json -t 20 submit -g vm2 "$T/p2.o" > "$T/sub2.txt" &
client=$!
for _ in $(seq 100); do ctl ovl status | grep -q "ident=$id2" && break; sleep 0.02; done
ctl ovl cancel "$id2" | grep -q "program $id2 cancelled" || fail "cancel"
wait $client; [ $? = 1 ] || fail "cancelled submit should exit 1"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["guests"][0]["status"]=="cancelled", d' \
    "$T/sub2.txt" || fail "cancel result: $(cat "$T/sub2.txt")"
ctl ovl cancel 00 2>/dev/null; [ $? = 1 ] || fail "bad ident should exit 1"

# cleanup: vm1's results are forgotten
ctl ovl cleanup vm1 | grep -q "guest vm1 cleaned up" || fail "cleanup"
[ -z "$(ls "$T/ovl/inbound/vm1")" ] || fail "cleanup left files: $(ls "$T/ovl/inbound/vm1")"
ctl ovl cleanup nosuch 2>/dev/null; [ $? = 1 ] || fail "cleanup of an unknown guest should exit 1"

# garbage collection (gc 2 s): finished programs leave base/ and the journal
for _ in $(seq 200); do
	[ -z "$(ls "$T/ovl/base")" ] && break
	sleep 0.05
done
[ -z "$(ls "$T/ovl/base")" ] || fail "not collected: $(ls "$T/ovl/base")"
grep -q "G $id1" "$T/ovl/journal" || fail "no G record"
ctl ovl status | grep -q "ident=" && fail "collected programs still listed"

stop ovl
grep -q "stopped" "$T/ovl.log" || fail "no stop message"
echo "ok: tool surface, single instance, config, status/json, retransmit, cancel, cleanup, gc"
