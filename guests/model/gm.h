/*
 * gm.h — internals of htguest, the guest model (guests/model/).
 *
 * The model plays both a guest kernel and the VMM that runs it:
 *   gm_mem.c     guest RAM (a sealed memfd), page tables built in it the
 *                way a kernel builds them, a kernel-object allocator
 *   gm_layout.c  writes struct thread/proc/ucred in one guest's layout
 *                (compiled once per examples/guests/guest-X.c)
 *   gm_attach.c  the UNIX socket, the ANNOUNCE message, the exit ring
 *   gm_vcpu.c    one vCPU: fills a context block, "executes VMCALL" by
 *                posting an exit and waiting to be resumed
 *   htguest.c    options, the workload, the ground-truth file
 * The host side it talks to is documented in docs/vm-tracing.md §7.
 */
#ifndef GM_H
#define GM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dif/htvm.h"
#include "dif/hypercall.h"

/* ---- Layouts ------------------------------------------------------------- */

struct gm_thread_v {
	uint64_t tid, proc_gva, cred_gva;
	const char *name;
};

struct gm_proc_v {
	uint32_t pid;
	uint64_t cred_gva, parent_gva;
	const char *comm;
};

struct gm_cred_v {
	uint32_t uid, ruid, rgid;
};

struct gm_layout {
	const char *name;		/* "a", "b", "c" */
	size_t thread_size, proc_size, cred_size;
	void (*put_thread)(uint8_t *dst, const struct gm_thread_v *v);
	void (*put_proc)(uint8_t *dst, const struct gm_proc_v *v);
	void (*put_cred)(uint8_t *dst, const struct gm_cred_v *v);
};

extern const struct gm_layout gm_layout_a, gm_layout_b, gm_layout_c;

/* ---- Guest memory (gm_mem.c) ----------------------------------------------- */

#define GM_LOW_SIZE	(UINT64_C(1) << 30)	/* slot 0: GPA [0, 1 GiB) */
#define GM_HIGH_GPA	(UINT64_C(4) << 30)	/* slot 1: GPA [4 GiB, +16 MiB) */
#define GM_HIGH_SIZE	(UINT64_C(16) << 20)
#define GM_RAM_SIZE	(GM_LOW_SIZE + GM_HIGH_SIZE)
#define GM_DMAP		UINT64_C(0xffff888000000000)	/* direct map */
#define GM_VMALLOC	UINT64_C(0xffffc90000000000)	/* 4 KiB mapped area */
#define GM_CTX_GPA	UINT64_C(0x8000)		/* vCPU v's block: + v * 4 KiB */

struct gm_mem {
	int fd;				/* the RAM memfd */
	uint8_t *ram;			/* the guest's own read-write view */
	unsigned levels;		/* 4 or 5 */
	bool gbpages;
	uint64_t root;			/* CR3 */
	uint64_t next_table;		/* page-table bump allocator (GPA) */
	uint64_t next_vmalloc;		/* next free VA in the vmalloc area */
	uint64_t next_low, next_high;	/* object bump allocators (GPA) */
};

int gm_mem_init(struct gm_mem *m, unsigned levels, bool gbpages);
/* Host view of GPA (model-internal: gpa must be inside a slot). */
uint8_t *gm_gpa(struct gm_mem *m, uint64_t gpa);
/* Allocate size bytes of kernel memory in `zone`; returns its GVA. */
enum gm_zone { GM_ZONE_VMALLOC, GM_ZONE_DMAP_LOW, GM_ZONE_DMAP_HIGH };
uint64_t gm_kalloc(struct gm_mem *m, enum gm_zone zone, size_t size, uint8_t **hva);

/* ---- Attaching (gm_attach.c) ---------------------------------------------- */

struct gm_probe {
	const char *provider, *module, *function, *name;
};

struct gm_vm {
	const char *name, *hostname, *osrel, *typefile;
	struct gm_mem mem;
	unsigned nvcpus;
	const struct gm_probe *probes;
	uint32_t nprobes;
	int ringfd;
	uint8_t *ring;
	int listenfd, hostfd;
	char sockpath[256];
};

int gm_ring_init(struct gm_vm *vm);
int gm_listen(struct gm_vm *vm, const char *dir);
/* Accept a host, announce, wait for ATTACH; 0 when attached. */
int gm_attach(struct gm_vm *vm, int timeout_ms, char *err, size_t errlen);
void gm_close(struct gm_vm *vm);

/* ---- vCPUs (gm_vcpu.c) ------------------------------------------------------- */

/* VMCALL on vCPU v: returns the guest's RAX after the call. */
int64_t gm_vmcall(struct gm_vm *vm, unsigned v, uint64_t rax, uint64_t rbx,
    uint64_t rcx, uint32_t cpl);

#endif /* GM_H */
