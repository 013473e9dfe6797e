/*
 * hypercall.h — the HyperTrace guest -> host hypercall ABI (VM tracing).
 *
 * A traced guest kernel fires a probe by filling a guest-context block
 * (below) in its own memory and executing VMCALL (0f 01 c1, Intel) or
 * VMMCALL (0f 01 d9, AMD); hypervisors that rewrite the other vendor's
 * instruction accept either.  Register convention, at the instruction:
 *
 *   RAX  in: call number (HT_HC_*)        out: return code (HT_HC_R_*)
 *   RBX  in: guest-PHYSICAL address of the context block
 *   RCX  in: length in bytes of the block (must equal its `size` field)
 *   every other register is preserved.
 *
 * Only CPL 0 may call: a call from guest user mode returns HT_HC_R_EPERM
 * and is never turned into an event.  The host copies the block out of
 * guest RAM once (a snapshot: later guest writes do not matter), decodes
 * it field by field (docs/vm-tracing.md lists every rule) and only then
 * fires the probe.  Nothing in the block is trusted: pointers are guest
 * virtual addresses that the host walks read-only with the guest's own
 * page tables, ids are what the guest claims.
 *
 * Byte order: every multi-byte field is little-endian; offsets are fixed
 * (HT_GC_OFF_*), there is no padding and no host struct is overlaid on
 * guest bytes.  The C struct below documents the layout for guest code
 * (x86-64, where it matches byte for byte; checked by static asserts).
 */
#ifndef DIF_HYPERCALL_H
#define DIF_HYPERCALL_H

#include <stdint.h>

/* Call numbers (RAX). */
#define HT_HC_VERSION		0	/* returns HT_GC_VERSION; no block */
#define HT_HC_PROBE		1	/* fire a probe described by the block */
#define HT_HC_NCALLS		2

/* Return codes (RAX on return; negative values, KVM-style errno numbers). */
#define HT_HC_R_OK		0	/* probe fired (or was disabled) */
#define HT_HC_R_EPERM		(-1)	/* caller's CPL is not 0 */
#define HT_HC_R_ENOENT		(-2)	/* probe id is not registered */
#define HT_HC_R_E2BIG		(-7)	/* RCX > HT_GC_MAX_SIZE */
#define HT_HC_R_EFAULT		(-14)	/* block not inside one RAM slot */
#define HT_HC_R_EINVAL		(-22)	/* block failed validation */
#define HT_HC_R_ENOSYS		(-1000)	/* unknown call number */

/* Guest-context block, version 1. */
#define HT_GC_MAGIC		0x43475448u	/* "HTGC" as little-endian bytes */
#define HT_GC_VERSION		1
#define HT_GC_NARGS		10		/* args[] slots */
#define HT_GC_EXECNAME_LEN	32		/* inline, NUL-terminated */
#define HT_GC_SIZE_V1		176		/* exact size of a v1 block */
#define HT_GC_MAX_SIZE		4096		/* largest RCX the host accepts */

/* Paging modes (from the guest's CR4.LA57 at the call). */
#define HT_GC_PAGING_4LEVEL	4		/* 48-bit linear addresses */
#define HT_GC_PAGING_5LEVEL	5		/* 57-bit (CR4.LA57 = 1) */

/* Byte offsets of every field. */
#define HT_GC_OFF_MAGIC		0	/* u32 HT_GC_MAGIC */
#define HT_GC_OFF_VERSION	4	/* u16 HT_GC_VERSION */
#define HT_GC_OFF_SIZE		6	/* u16 bytes in the block (== RCX) */
#define HT_GC_OFF_PROBE		8	/* u32 probe id, < the VM's registered count */
#define HT_GC_OFF_PAGING	12	/* u8  HT_GC_PAGING_* */
#define HT_GC_OFF_NARGS		13	/* u8  args in use, <= HT_GC_NARGS */
#define HT_GC_OFF_FLAGS		14	/* u16 no flags defined in v1: must be 0 */
#define HT_GC_OFF_ARGS		16	/* u64[10] probe arguments; unused ones 0 */
#define HT_GC_OFF_CR3		96	/* u64 root table GPA (CR3 & ~0xfff) */
#define HT_GC_OFF_CURTHREAD	104	/* u64 guest-virtual thread pointer, or 0 */
#define HT_GC_OFF_TID		112	/* u64 thread id */
#define HT_GC_OFF_PID		120	/* u32 process id */
#define HT_GC_OFF_PPID		124	/* u32 parent process id */
#define HT_GC_OFF_UID		128	/* u32 user id */
#define HT_GC_OFF_GID		132	/* u32 group id */
#define HT_GC_OFF_CPU		136	/* u32 guest cpu number */
#define HT_GC_OFF_RESERVED	140	/* u32 must be 0 */
#define HT_GC_OFF_EXECNAME	144	/* char[32] printable, NUL, zero padding */

/* The same layout as a C struct, for guest kernels (x86-64 only). */
struct ht_guest_ctx {
	uint32_t magic;			/* HT_GC_MAGIC */
	uint16_t version;		/* HT_GC_VERSION */
	uint16_t size;			/* HT_GC_SIZE_V1 */
	uint32_t probe_id;		/* host-assigned id from probe registration */
	uint8_t paging;			/* HT_GC_PAGING_4LEVEL or _5LEVEL */
	uint8_t nargs;			/* number of args[] in use */
	uint16_t flags;			/* 0 */
	uint64_t args[HT_GC_NARGS];	/* arg0..arg9 */
	uint64_t cr3;			/* page-table root for pointer args */
	uint64_t curthread;		/* canonical GVA or 0 */
	uint64_t tid;
	uint32_t pid;
	uint32_t ppid;
	uint32_t uid;
	uint32_t gid;
	uint32_t cpu;
	uint32_t reserved;		/* 0 */
	char execname[HT_GC_EXECNAME_LEN];
};

#if defined(__x86_64__) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(struct ht_guest_ctx) == HT_GC_SIZE_V1, "v1 size");
_Static_assert(__builtin_offsetof(struct ht_guest_ctx, cr3) == HT_GC_OFF_CR3, "cr3");
_Static_assert(__builtin_offsetof(struct ht_guest_ctx, execname) == HT_GC_OFF_EXECNAME,
	"execname");
#endif

#endif /* DIF_HYPERCALL_H */
