#!/bin/sh
# Test link command: "link_copy.sh LOG GUEST in.o out.o".  Logs "start NAME"
# and "done NAME" in LOG around the work, so tests can count completed links;
# writes in.o as a linked object marked linked-for=GUEST (ddtest_prog link).
log=$1 guest=$2 in=$3 out=$4
name=$(basename "$in")
echo "start $name" >> "$log"
if [ -n "$LINK_DELAY" ]; then sleep "$LINK_DELAY"; fi
"$DDTEST_PROG" link "$in" "$out" "$guest" || exit 1
echo "done $name" >> "$log"
