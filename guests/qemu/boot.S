/*
 * boot.S — multiboot entry of the QEMU test guest, and its exception entry points.
 *
 * QEMU's -kernel loads the image at 1 MiB in 32-bit protected mode with
 * paging off.  mb_entry switches to long mode on small static boot tables:
 * an identity map of the first 8 MiB (so this code keeps running) and the
 * same 8 MiB at QG_KERNEL_VMA (0xffffffff80000000), both with 2 MiB pages.
 * If the CPU has LA57 the boot root is a PML5 whose slots 0 and 511 both
 * point at the PML4, and CR4.LA57 is set before paging: the kernel then
 * runs with 5-level paging, as Linux does when the CPU offers it.
 * kmain (kernel.c) builds the real tables and leaves these behind.
 *
 * The second half holds the IDT entry points: #UD (vector 6) is the
 * hypercall exit path (kernel.c: ud_handler); every other exception is
 * fatal and reported.
 */
#define CR0_PG		0x80000000
#define CR0_WP		0x00010000
#define CR4_PAE		0x00000020
#define CR4_LA57	0x00001000
#define EFER_MSR	0xc0000080
#define EFER_LME	0x00000100
#define EFER_NXE	0x00000800
#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000000
#define KVMA		0xffffffff80000000

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.section .boot.text, "ax"
	.code32
	.globl mb_entry
mb_entry:
	cli
	movl $boot_stack_top, %esp
	movl %eax, boot_mb_magic
	movl %ebx, boot_mb_info

	/* CPUID.(EAX=7,ECX=0):ECX[16] = LA57 */
	movl $boot_pml4, %edi
	xorl %ecx, %ecx
	movl $7, %eax
	cpuid
	testl $(1 << 16), %ecx
	jz 1f
	movl $boot_pml5, %edi
	movl %cr4, %eax
	orl $CR4_LA57, %eax
	movl %eax, %cr4
1:
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl %edi, %cr3

	movl $EFER_MSR, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE), %eax
	wrmsr

	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0

	lgdt boot_gdtr
	ljmp $0x08, $boot_long

	.code64
boot_long:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $kernel_entry, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.balign 8
	.globl boot_mb_magic, boot_mb_info
boot_mb_magic:	.long 0
boot_mb_info:	.long 0
boot_gdt:
	.quad 0
	.quad 0x00209a0000000000	/* 0x08: 64-bit code, DPL 0 */
	.quad 0x0000920000000000	/* 0x10: data */
boot_gdtr:
	.word boot_gdtr - boot_gdt - 1
	.long boot_gdt

	.balign 4096
boot_pml5:
	.quad boot_pml4 + 3
	.fill 510, 8, 0
	.quad boot_pml4 + 3
boot_pml4:
	.quad boot_pdpt_low + 3
	.fill 510, 8, 0
	.quad boot_pdpt_high + 3
boot_pdpt_low:
	.quad boot_pd + 3
	.fill 511, 8, 0
boot_pdpt_high:
	.fill 510, 8, 0
	.quad boot_pd + 3
	.quad 0
boot_pd:
	.quad 0x000083, 0x200083, 0x400083, 0x600083
	.fill 508, 8, 0
	.fill 1024, 1, 0
boot_stack_top:

/* ---- 64-bit kernel entry and exception entry points (higher half) ---- */
	.text
	.code64
kernel_entry:
	movabsq $qg_stack_top, %rsp
	xorl %ebp, %ebp
	call kmain
2:	cli
	hlt
	jmp 2b

/*
 * #UD: save every general register in the order of struct qg_frame
 * (kernel.c), call ud_handler(frame), restore and return.  At entry the
 * CPU pushed SS, RSP, RFLAGS, CS, RIP (40 bytes on a 16-byte aligned
 * stack), so after 15 pushes the call is 16-byte aligned.
 */
	.globl qg_ud_entry
qg_ud_entry:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	call ud_handler
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	iretq

/*
 * int64_t qg_enter_user(rip, rax, rbx, rcx): save the callee-saved
 * registers and RSP, then iretq to CPL 3 at rip with RAX/RBX/RCX loaded
 * and interrupts off.  The user routine never returns by itself: its ud2
 * traps to ud_handler, which calls qg_leave_user(rax) on the ring-0 stack
 * of the TSS; that restores the saved state and returns rax from here.
 */
	.globl qg_enter_user, qg_leave_user
qg_enter_user:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, qg_user_saved_rsp(%rip)
	movq %rdi, %r8
	movq %rsi, %rax
	movq %rdx, %rbx
	pushq $0x1b			/* SS: user data */
	pushq $0			/* RSP: the routine uses no stack */
	pushq $0x2			/* RFLAGS: IF = 0 */
	pushq $0x23			/* CS: user code */
	pushq %r8			/* RIP */
	iretq

qg_leave_user:
	movq %rdi, %rax
	movq qg_user_saved_rsp(%rip), %rsp
	movw $0x10, %dx
	movw %dx, %ss
	movw %dx, %ds
	movw %dx, %es
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

/* Fatal exceptions: fatal_exception(vector, stack at entry); no return. */
	.macro FATAL vec
	.globl qg_exc_\vec
qg_exc_\vec:
	movl $\vec, %edi
	movq %rsp, %rsi
	andq $-16, %rsp
	call fatal_exception
	.endm

	.irp v, 0,1,2,3,4,5,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21
	FATAL \v
	.endr

	.section .rodata
	.balign 8
	.globl qg_exc_table
qg_exc_table:
	.irp v, 0,1,2,3,4,5
	.quad qg_exc_\v
	.endr
	.quad qg_ud_entry
	.irp v, 7,8,9,10,11,12,13,14,15,16,17,18,19,20,21
	.quad qg_exc_\v
	.endr

	.bss
	.balign 8
qg_user_saved_rsp:
	.quad 0
	.balign 16
	.skip 16384
	.globl qg_stack_top
qg_stack_top:

	.section .note.GNU-stack, "", @progbits
