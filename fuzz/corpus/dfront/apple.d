BEGIN { trace(vmregs[VMX_GUEST_RIP] + cpucycles + mtons(machtimestamp)); physmem_write(kvtophys(0), 1, 8); livedump("x"); }
dtrace:helper:ustack: { "@f" }
