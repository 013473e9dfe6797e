# golden_lib.sh — sourced by run_golden.sh and run_dsrc.sh: the verdict on
# one golden case, the same for DIF assembly and D sources.
#
# golden_verdict NAME SRC STATUS WANT FROM TO: exit STATUS must be WANT (err.*
# cases: any non-zero); $tmp/NAME.out must equal SRC.out; when SRC.err exists,
# $tmp/NAME.err with FROM replaced by TO must equal it.  Prints each failure,
# returns 0 when the case passed.
golden_verdict() {
	g_name=$1 g_src=$2 g_st=$3 g_want=$4 g_from=$5 g_to=$6
	g_ok=0
	case $g_name in
	err.*) [ "$g_st" -ne 0 ] || { echo "FAIL $g_name: exit 0, expected failure"; g_ok=1; } ;;
	*) [ "$g_st" -eq "$g_want" ] || { echo "FAIL $g_name: exit $g_st, expected $g_want"; g_ok=1; } ;;
	esac
	if ! cmp -s "$tmp/$g_name.out" "$g_src.out"; then
		echo "FAIL $g_name: stdout differs"; diff "$g_src.out" "$tmp/$g_name.out" | head -20; g_ok=1
	fi
	if [ -f "$g_src.err" ]; then
		sed "s|$g_from|$g_to|g" "$tmp/$g_name.err" >"$tmp/$g_name.err2"
		if ! cmp -s "$tmp/$g_name.err2" "$g_src.err"; then
			echo "FAIL $g_name: stderr differs"; diff "$g_src.err" "$tmp/$g_name.err2" | head -20; g_ok=1
		fi
	fi
	return $g_ok
}
