#!/bin/sh
# Test link command that always fails the way a linker reports a type error.
echo "$(basename "$3"): error: no type 'struct task' in the guest's typefile" >&2
exit 1
