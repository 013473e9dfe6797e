#!/bin/sh
# bpf-strings.sh — the string subroutines that the BPF back end runs with
# kernel string kfuncs or bounded loops, end to end through dtrace on a real
# syscall::openat:entry probe.  The traced program opens one path; each
# result is checked against the shell's basename/dirname or a position
# worked out by hand for that path, and inet_ntoa/inet_ntoa6/inet_ntop
# against fixed addresses built in alloca() memory.
# Exit 77 (skip) when this host cannot run BPF (not root, no BPF, no BTF).
# usage: bpf-strings.sh DTRACE BPF_TARGET
D=$1
T=$2
P=/tmp/ht-bpfstr.d//sub.dir/file.name.txt	# need not exist
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/../e2e/bpf_lib.sh"
bpf_need

"$D" -q -n 'syscall::openat:entry /pid == $target && copyinstr(arg1) == "'"$P"'"/ {
	this->p = copyinstr(arg1);
	printf("basename=%s\n", basename(this->p));
	printf("dirname=%s\n", dirname(this->p));
	printf("strstr=%s\n", strstr(this->p, ".d"));
	printf("nostr=%d\n", strstr(this->p, "zz") == NULL);
	printf("index=%d\n", index(this->p, "/", 1));
	printf("rindex=%d\n", rindex(this->p, "."));
	printf("tok=%s,", strtok(this->p, "/"));
	printf("%s,", strtok(NULL, "/"));
	printf("%s\n", strtok(NULL, "/"));
	this->a = (uint32_t *)alloca(4);
	*this->a = 0x0100007f;
	printf("ntoa=%s\n", inet_ntoa((ipaddr_t *)this->a));
	this->b = (uint64_t *)alloca(16);
	*this->b = 0xb80d0120;
	*(this->b + 1) = 0x0100000000000000;
	printf("ntoa6=%s\n", inet_ntoa6((in6_addr_t *)this->b));
	printf("ntop=%s\n", inet_ntop(10, (void *)this->b));
}' -c "$T open $P" >"$tmp/out" 2>"$tmp/err"
get() { sed -n "s/^$1=//p" "$tmp/out" | head -n 1; }
check basename "$(basename "$P")" "$(get basename)"
check dirname "$(dirname "$P")" "$(get dirname)"
check strstr ".d//sub.dir/file.name.txt" "$(get strstr)"
check "strstr none" 1 "$(get nostr)"
check index 4 "$(get index)"
check rindex 35 "$(get rindex)"
check strtok "tmp,ht-bpfstr.d,sub.dir" "$(get tok)"
check inet_ntoa 127.0.0.1 "$(get ntoa)"
check inet_ntoa6 2001:db8::1 "$(get ntoa6)"
check inet_ntop 2001:db8::1 "$(get ntop)"
if [ $fails -ne 0 ]; then
	echo "--- dtrace stderr:"; cat "$tmp/err"
fi
exit $((fails != 0))
