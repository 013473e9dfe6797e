#!/bin/sh
# tool.sh — the dasm command line: exit codes 0/1/2, --version/--help,
# atomic output, and the examples' round trip through files.
#   usage: tool.sh DASM EXAMPLES_DIR
set -u
DASM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
EX=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
checks=0

check() {	# check NAME COMMAND... : COMMAND must succeed
	checks=$((checks + 1))
	name=$1; shift
	if ! "$@"; then
		echo "FAIL: $name"
		fails=$((fails + 1))
	fi
}

status() {	# status WANT COMMAND...: exit status of COMMAND is WANT
	want=$1; shift
	"$@" >/dev/null 2>&1
	[ $? -eq "$want" ]
}

check "version" sh -c "'$DASM' --version | grep -q '^dasm (HyperTrace) '"
check "help" status 0 "$DASM" --help
check "no input is a usage error" status 2 "$DASM"
check "bad option is a usage error" status 2 "$DASM" --frobnicate x.s
check "-o with -d is a usage error" status 2 "$DASM" -d -o x x.o
check "missing file is an input error" status 1 "$DASM" "$T/none.s"

for f in "$EX"/*.s; do
	b=$(basename "$f" .s)
	check "$b assembles" status 0 "$DASM" --allow-invalid -o "$T/$b.o" "$f"
	check "$b disassembles" sh -c "'$DASM' -d '$T/$b.o' > '$T/$b.2.s'"
	check "$b re-assembles" status 0 "$DASM" --allow-invalid -o "$T/$b.2.o" "$T/$b.2.s"
	check "$b same bytes" cmp -s "$T/$b.o" "$T/$b.2.o"
	check "$b listing" sh -c "'$DASM' -S '$T/$b.o' | grep -q '^OFF OPCODE      INSTRUCTION$'"
done

# default output name: file.s -> file.o
cp "$EX/hello.s" "$T/h.s"
check "default output" sh -c "cd '$T' && '$DASM' h.s && test -s h.o"

# an error: file:line:col, exit 1, and the old output left untouched
printf '.difo d\n\tmov %%r1, %%r9\n.end\n' > "$T/bad.s"
cp "$T/hello.o" "$T/keep.o"
check "error exits 1" status 1 "$DASM" -o "$T/keep.o" "$T/bad.s"
check "error names file:line:col" sh -c "'$DASM' '$T/bad.s' 2>&1 | grep -q 'bad.s:2:11: error: register %r9 out of range'"
check "no partial output" cmp -s "$T/keep.o" "$T/hello.o"
check "no stray temp files" sh -c "test \$(ls '$T' | grep -c -v -E '\\.(o|s)\$') -eq 0"
check "not an object" status 1 "$DASM" -d "$EX/hello.s"
check "validator findings are errors by default" status 1 "$DASM" -n "$EX/every-opcode.s"

echo "$(( (checks - fails) * 100 / checks ))%: Checks: $checks, Failures: $fails, Errors: 0"
[ $fails -eq 0 ]
