# bpf_lib.sh — sourced by the scripts that run dtrace on real kernel probes
# (tests/e2e/bpf-acceptance.sh, tests/bpf/bpf-strings.sh).  Needs $D (dtrace),
# $T (bpf_target) and $tmp set.
#
# bpf_need: exit 77 (meson: skipped) when this host cannot trace with BPF —
# no kernel BTF, or dtrace reports it could not enable tracing (not root, no
# bpf()); any other failure is left for the checks to see.
bpf_need() {
	[ -r /sys/kernel/btf/vmlinux ] || { echo "SKIP: no kernel BTF"; exit 77; }
	if ! "$D" -q -n 'syscall::getppid:entry { exit(0); }' -c "$T getppid 1" \
	    >"$tmp/probe.out" 2>"$tmp/probe.err"; then
		if grep -q "could not enable tracing" "$tmp/probe.err"; then
			echo "SKIP: $(cat "$tmp/probe.err")"
			exit 77
		fi
	fi
}

fails=0
check() {	# name, expected, got
	if [ "$2" = "$3" ]; then
		echo "ok   $1"
	else
		echo "FAIL $1: want '$2', got '$3'"
		fails=$((fails + 1))
	fi
}
