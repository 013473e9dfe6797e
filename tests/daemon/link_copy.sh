#!/bin/sh
# Test link command: "link_copy.sh LOG GUEST in.o out.o".  Records the call in
# LOG, then writes in.o followed by a marker naming the guest as out.o.
log=$1 guest=$2 in=$3 out=$4
echo "$(basename "$in")" >> "$log"
if [ -n "$LINK_DELAY" ]; then sleep "$LINK_DELAY"; fi
cat "$in" > "$out" && printf 'linked-for-%s' "$guest" >> "$out"
