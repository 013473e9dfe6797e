/*
 * dvmm.h — host-side guest memory access for VM tracing (library dvmm).
 *
 * Freestanding: no allocation, no printing, no libc.  The caller owns a
 * `struct dvmm_vm` (one per traced VM) and serialises calls on it; see
 * docs/vm-tracing.md for the ABI, the validation rules, the walker, the
 * translation cache and the threat model.
 *
 * Every function returns 0 or a negative enum dvmm_err code;
 * dvmm_err__name() gives its stable name.
 */
#ifndef DVMM_H
#define DVMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dif/hypercall.h"

#define DVMM_ERRORS(X)							\
	X(1, NONCANONICAL,	"address is not canonical")		\
	X(2, NOT_PRESENT,	"page-table entry not present")		\
	X(3, RESERVED_BIT,	"reserved bit set in a page-table entry") \
	X(4, USER,		"user access to a supervisor page")	\
	X(5, WRITE,		"write to a read-only page")		\
	X(6, NX,		"instruction fetch from a no-execute page") \
	X(7, NO_SLOT,		"guest-physical address outside guest RAM") \
	X(8, MODE,		"unsupported paging mode or flags")	\
	X(9, CR3,		"CR3 misaligned or has reserved bits")	\
	X(10, RANGE,		"access wraps past the address space")	\
	X(11, ACCESS,		"unknown access-kind bits")		\
	X(20, SLOT_OVERLAP,	"memory slot overlaps another")		\
	X(21, SLOT_FULL,	"memory-slot table is full")		\
	X(22, SLOT_BAD,		"memory slot misaligned, empty or above MAXPHYADDR") \
	X(23, SLOT_MISSING,	"no memory slot at that address")	\
	X(24, CONFIG,		"invalid VM configuration")		\
	X(30, CTX_SHORT,	"context shorter than its header or size") \
	X(31, CTX_MAGIC,	"context magic is wrong")		\
	X(32, CTX_VERSION,	"context version is not supported")	\
	X(33, CTX_SIZE,		"context size field does not match")	\
	X(34, CTX_PROBE,	"probe id not registered for this VM")	\
	X(35, CTX_PAGING,	"context paging mode is not 4 or 5")	\
	X(36, CTX_NARGS,	"context nargs exceeds 10")		\
	X(37, CTX_RESERVED,	"context reserved field or unused arg non-zero") \
	X(38, CTX_EXECNAME_NUL,	"execname is not NUL-terminated")	\
	X(39, CTX_EXECNAME_CHAR, "execname has a non-printable byte")	\
	X(40, CTX_EXECNAME_PAD,	"execname padding after NUL is not zero") \
	X(41, CTX_CR3,		"context CR3 misaligned or has reserved bits") \
	X(42, CTX_POINTER,	"context curthread pointer not canonical") \
	X(43, CTX_TOOBIG,	"context larger than HT_GC_MAX_SIZE")	\
	X(44, CTX_MISMATCH,	"context CR3/paging differ from the vCPU's") \
	X(45, HC_CPL,		"hypercall from guest CPL != 0")	\
	X(46, HC_CALL,		"unknown hypercall number")		\
	X(50, ANN_SHORT,	"announce shorter than its header or records") \
	X(51, ANN_MAGIC,	"announce magic is wrong")		\
	X(52, ANN_VERSION,	"announce version is not supported")	\
	X(53, ANN_TYPE,		"message is not an announce")		\
	X(54, ANN_LENGTH,	"announce length field does not match")	\
	X(55, ANN_RESERVED,	"announce reserved field or unused record non-zero") \
	X(56, ANN_NAME,		"vmname empty, too long or has a bad byte") \
	X(57, ANN_STRING,	"hostname or OS version not printable/terminated") \
	X(58, ANN_MAXPHY,	"MAXPHYADDR outside 32..52")		\
	X(59, ANN_FLAGS,	"unknown announce flag")		\
	X(60, ANN_SLOTS,	"slot count or slot record invalid")	\
	X(61, ANN_FDS,		"RAM fd count does not match the fds sent") \
	X(62, ANN_VCPUS,	"vCPU count outside 1..32")		\
	X(63, ANN_PROBES,	"probe count above the limit")		\
	X(64, ANN_TYPEFILE,	"typefile length outside 1..64 MiB")	\
	X(65, ANN_PROBE_NAME,	"probe name empty, too long or has a bad byte") \
	X(66, ANN_PROBE_DUP,	"two probes with the same name")	\
	X(70, REG_FULL,		"VM registry is full")			\
	X(71, REG_DUP,		"a VM with that name is attached")	\
	X(72, REG_BUSY,		"VM still has probe firings in flight")	\
	X(73, REG_MISSING,	"VM is not in the registry")		\
	X(74, EXIT_BAD,		"exit slot has unknown mode bits or CPL") \
	X(75, RING_BAD,		"exit ring header invalid")

enum dvmm_err {
	DVMM_OK = 0,
#define DVMM_ERR_ENUM_(n, name, msg) DVMM_E_##name = -(n),
	DVMM_ERRORS(DVMM_ERR_ENUM_)
#undef DVMM_ERR_ENUM_
};

/* Stable name ("NOT_PRESENT") of an error code, "OK", or "?" if unknown. */
const char *dvmm_err__name(int err);
/* One-line description of an error code. */
const char *dvmm_err__message(int err);

/* Paging mode word: level count in the low byte plus flag bits. */
#define DVMM_MODE_4LEVEL	0x04u		/* CR4.LA57 = 0 */
#define DVMM_MODE_5LEVEL	0x05u		/* CR4.LA57 = 1 */
#define DVMM_MODE_LEVELS	0xffu
#define DVMM_MODE_NXE		0x100u		/* EFER.NXE: bit 63 is XD */
#define DVMM_MODE_WP		0x200u		/* CR0.WP: supervisor honours R/W */

/* Access kinds (bits). 0 = supervisor data read. */
#define DVMM_ACC_WRITE		0x1u	/* permission check only: never writes */
#define DVMM_ACC_USER		0x2u	/* as if from CPL 3 */
#define DVMM_ACC_FETCH		0x4u	/* instruction fetch (NX check) */

#define DVMM_MAX_SLOTS		32
#define DVMM_TLB_SIZE		64	/* power of two */
#define DVMM_PAGE_SIZE		4096u

struct dvmm_slot {
	uint64_t gpa;			/* 4 KiB aligned */
	uint64_t size;			/* 4 KiB multiple, > 0 */
	const uint8_t *hva;		/* host view of [gpa, gpa + size) */
};

struct dvmm_tlb_entry {
	uint64_t vpn;			/* gva >> 12 */
	uint64_t root;			/* CR3 root GPA */
	const uint8_t *hpage;		/* host address of the 4 KiB page */
	uint64_t gpa;			/* its guest-physical address */
	uint32_t epoch;			/* valid iff == vm->epoch */
	uint32_t mode;			/* mode word of the walk */
	uint8_t rights;			/* DVMM_R_* */
	uint8_t ok;			/* bit a: access kind a allowed */
};

struct dvmm_stats {
	uint64_t hits;			/* translations served by the cache */
	uint64_t walks;			/* full page walks */
	uint64_t flushes;		/* cache flushes (explicit or implied) */
};

struct dvmm_vm_config {
	uint32_t nprobes;		/* probes registered for this VM */
	uint8_t maxphyaddr;		/* M: 32..52; 0 means 52 */
	bool gbpages;			/* 1 GiB pages supported (CPUID) */
};

struct dvmm_vm {
	struct dvmm_vm_config cfg;
	uint64_t addr_mask;		/* bits M-1:12 */
	uint64_t rsvd_mask;		/* bits 51:M */
	uint32_t nslots;
	struct dvmm_slot slots[DVMM_MAX_SLOTS];	/* sorted by gpa, disjoint */
	uint32_t epoch;			/* cache generation; 0 is never valid */
	uint64_t last_root;		/* address space of the cached entries */
	uint64_t last_cr3;		/* raw CR3 word of the last read (fast path) */
	uint32_t last_mode;
	struct dvmm_tlb_entry tlb[DVMM_TLB_SIZE];
	struct dvmm_stats stats;
};

/* Result of a walk. */
#define DVMM_R_WRITE		0x1u	/* R/W = 1 at every level */
#define DVMM_R_USER		0x2u	/* U/S = 1 at every level */
#define DVMM_R_NX		0x4u	/* XD = 1 at some level (NXE on) */

struct dvmm_xlate {
	uint64_t gpa;			/* guest-physical address of gva */
	uint64_t page_size;		/* 4 KiB, 2 MiB or 1 GiB */
	uint8_t rights;			/* DVMM_R_* */
	uint8_t levels;			/* tables read (1..5) */
};

struct dvmm_fault {
	int code;			/* enum dvmm_err, 0 if none */
	uint8_t level;			/* table level 1..5 (PT..PML5), 0 = n/a */
	uint64_t gva;			/* faulting guest-virtual address */
	uint64_t gpa;			/* GPA involved (table entry or data), if any */
};

/* VM and memory slots (dvmm_slot.c). */
int dvmm_vm__init(struct dvmm_vm *vm, const struct dvmm_vm_config *cfg);
int dvmm_vm__add_slot(struct dvmm_vm *vm, uint64_t gpa, uint64_t size,
    const void *hva);
int dvmm_vm__remove_slot(struct dvmm_vm *vm, uint64_t gpa);
/* Host address of [gpa, gpa + len) if it lies inside one slot, else NULL. */
const uint8_t *dvmm_vm__gpa_to_host(const struct dvmm_vm *vm, uint64_t gpa,
    uint64_t len);

/* Page walk, cache and reads (dvmm_walk.c). */
int dvmm_vm__walk(struct dvmm_vm *vm, uint64_t cr3, uint32_t mode,
    uint64_t gva, uint32_t access, struct dvmm_xlate *out,
    struct dvmm_fault *fault);
int dvmm_vm__read(struct dvmm_vm *vm, uint64_t cr3, uint32_t mode,
    uint64_t gva, void *buf, size_t len, uint32_t access,
    struct dvmm_fault *fault);
void dvmm_vm__flush(struct dvmm_vm *vm);
bool dvmm_gva__is_canonical(uint64_t gva, uint32_t levels);

/* Guest context (dvmm_ctx.c). */
struct dvmm_ctx {
	uint32_t probe_id;
	uint32_t mode;			/* DVMM_MODE_4LEVEL or _5LEVEL */
	uint32_t nargs;
	uint64_t args[HT_GC_NARGS];
	uint64_t cr3;
	uint64_t curthread;
	uint64_t tid;
	uint32_t pid, ppid, uid, gid, cpu;
	char execname[HT_GC_EXECNAME_LEN];
};

/* What the host itself knows about the calling vCPU at the exit. */
struct dvmm_vcpu {
	uint8_t cpl;			/* from SS.DPL / VMCB CPL */
	uint64_t cr3;			/* guest CR3 from the VMCS/VMCB */
	uint32_t mode;			/* DVMM_MODE_* from CR4.LA57 */
};

int dvmm_ctx__decode(const struct dvmm_vm *vm, const void *buf, size_t len,
    struct dvmm_ctx *out);
/*
 * Handle one hypercall exit: regs are RAX, RBX, RCX.  Snapshots the block
 * into `scratch` (>= HT_GC_MAX_SIZE bytes), decodes it into *out and
 * returns the value for the guest's RAX (HT_HC_R_*); *err gets the
 * detailed dvmm_err code.  On HT_HC_R_OK with rax == HT_HC_PROBE, *out
 * holds a validated context.
 */
int64_t dvmm_vm__hypercall(const struct dvmm_vm *vm,
    const struct dvmm_vcpu *vcpu, uint64_t rax, uint64_t rbx, uint64_t rcx,
    uint8_t *scratch, struct dvmm_ctx *out, int *err);

#include "dvmm_reg.h"

#endif /* DVMM_H */
