/* vmregs[] is indexed by VMCS field encodings, named by VMX_* constants. */
BEGIN
{
	printf("%x %x\n", vmregs[VMX_GUEST_RIP], vmregs[VMX_EXIT_QUALIFICATION]);
	trace(VMX_GUEST_CR3 == 0x6802);
}
