/*
 * htvm.h — how a guest (or the VMM process that runs it) attaches to a
 * HyperTrace host: the announce protocol and the shared exit ring.
 *
 * This is the model of what a hypervisor does in hardware.  A vCPU that
 * executes VMCALL stops; the VMM reads RAX, RBX, RCX and, from the VMCS,
 * the CPL, CR3 and paging mode; it handles the call and resumes the vCPU
 * with a result in RAX.  Here the VMM side of that is split in two:
 *
 *   - the guest side (a guest model process, or a bridge in front of a
 *     QEMU guest) posts the exit into its vCPU's slot of an EXIT RING, a
 *     4 KiB shared-memory object, and waits until the host resumes it;
 *   - the host (dtrace) maps the ring read-write and guest RAM READ-ONLY,
 *     handles the exit with dvmm (runtime-kernel/vmm/dvmm.h) and resumes.
 *
 * Discovery.  A guest listens on a UNIX stream socket `<vmname>.sock` in
 * a directory (HTVM_DEFAULT_DIR unless dtrace is given `-x vmdir=DIR`).
 * The host connects; the guest sends ONE announce message (below) whose
 * first byte carries file descriptors (SCM_RIGHTS): fds[0] the exit ring,
 * fds[1] the typefile (BTF: raw or an ELF with .BTF), fds[2..] the RAM
 * objects the slots refer to.  The host validates every field, maps what
 * it accepted, and answers with an ATTACH message carrying a status.  A
 * DETACH message (either side) or closing the socket ends the session.
 *
 * Every multi-byte field is little-endian at a fixed offset (HTVM_*_OFF_*);
 * readers decode byte by byte and never overlay a struct on received bytes.
 * Nothing the guest sends is trusted: docs/vm-tracing.md §7 lists every
 * rule, and fuzz/fuzz_htvm.c feeds random messages and rings to the host's
 * decoders.
 *
 * Freestanding: <stdint.h> only.
 */
#ifndef DIF_HTVM_H
#define DIF_HTVM_H

#include <stdint.h>

#define HTVM_DEFAULT_DIR	"/run/hypertrace/vms"
#define HTVM_SOCK_SUFFIX	".sock"

/* ---- Limits (the host refuses anything larger) -------------------------- */
#define HTVM_NAME_LEN		32	/* vmname, NUL-terminated, [A-Za-z0-9._-] */
#define HTVM_HOSTNAME_LEN	64	/* printable ASCII, NUL, zero padding */
#define HTVM_OSREL_LEN		64	/* OS version string, same rules */
#define HTVM_MAX_SLOTS		8	/* RAM ranges in one announce */
#define HTVM_MAX_RAMFDS		8	/* RAM objects (fds[2..]) */
#define HTVM_MAX_FDS		(2 + HTVM_MAX_RAMFDS)
#define HTVM_MAX_VCPUS		32
#define HTVM_MAX_PROBES		1024	/* probes one guest may register */
#define HTVM_MAX_TYPEFILE	(64u << 20)	/* typefile bytes */

/* ---- Message framing ----------------------------------------------------- */
/* Header, 16 bytes: u32 magic, u16 type, u16 version, u32 length, u32 0. */
#define HTVM_MSG_MAGIC		0x4d565448u	/* "HTVM" as little-endian bytes */
#define HTVM_MSG_VERSION	1
#define HTVM_MSG_HDR_SIZE	16
#define HTVM_MSG_OFF_MAGIC	0
#define HTVM_MSG_OFF_TYPE	4
#define HTVM_MSG_OFF_VERSION	6
#define HTVM_MSG_OFF_LENGTH	8	/* payload bytes after the header */
#define HTVM_MSG_OFF_RESERVED	12	/* must be 0 */

#define HTVM_MSG_ANNOUNCE	1	/* guest -> host, carries the fds */
#define HTVM_MSG_ATTACH		2	/* host -> guest: i32 status */
#define HTVM_MSG_DETACH		3	/* either way, empty payload */

/* ---- ANNOUNCE payload ---------------------------------------------------- */
#define HTVM_ANN_OFF_NAME	0	/* char[32]  vmname */
#define HTVM_ANN_OFF_HOSTNAME	32	/* char[64]  guest hostname */
#define HTVM_ANN_OFF_OSREL	96	/* char[64]  guest OS version */
#define HTVM_ANN_OFF_MAXPHY	160	/* u8  MAXPHYADDR, 32..52 */
#define HTVM_ANN_OFF_FLAGS	161	/* u8  HTVM_ANN_F_* */
#define HTVM_ANN_OFF_NSLOTS	162	/* u8  1..HTVM_MAX_SLOTS */
#define HTVM_ANN_OFF_NRAMFDS	163	/* u8  1..HTVM_MAX_RAMFDS (fds[2..]) */
#define HTVM_ANN_OFF_NVCPUS	164	/* u32 1..HTVM_MAX_VCPUS */
#define HTVM_ANN_OFF_NPROBES	168	/* u32 0..HTVM_MAX_PROBES */
#define HTVM_ANN_OFF_TYPELEN	172	/* u32 typefile bytes, 1..HTVM_MAX_TYPEFILE */
#define HTVM_ANN_OFF_SLOTS	176	/* HTVM_MAX_SLOTS slot records */
#define HTVM_ANN_SLOT_SIZE	32
#define HTVM_ANN_OFF_PROBES	(HTVM_ANN_OFF_SLOTS + HTVM_MAX_SLOTS * HTVM_ANN_SLOT_SIZE)
#define HTVM_ANN_PROBE_SIZE	160
#define HTVM_ANN_SIZE(nprobes)	(HTVM_ANN_OFF_PROBES + (nprobes) * HTVM_ANN_PROBE_SIZE)

#define HTVM_ANN_F_GBPAGES	0x01	/* 1 GiB pages exist (CPUID) */
#define HTVM_ANN_F_LA57		0x02	/* 5-level paging may be used */
#define HTVM_ANN_F_KNOWN	0x03

/* Slot record: a range of guest-physical RAM backed by part of a RAM fd.
 * Unused records (index >= nslots) must be all zero. */
#define HTVM_SLOT_OFF_GPA	0	/* u64 4 KiB aligned */
#define HTVM_SLOT_OFF_SIZE	8	/* u64 4 KiB multiple, > 0 */
#define HTVM_SLOT_OFF_OFFSET	16	/* u64 offset in the RAM object, 4 KiB aligned */
#define HTVM_SLOT_OFF_FD	24	/* u32 index into the RAM fds, < nramfds */
#define HTVM_SLOT_OFF_RESERVED	28	/* u32 0 */

/* Probe record: the guest's probe number i is record i.  The host creates
 * the virtual probe vmname:provider:module:function:name.  Each field is
 * a NUL-terminated name of [A-Za-z0-9_.-] (provider and name non-empty),
 * zero padded; names must be unique within the guest. */
#define HTVM_PRB_OFF_PROVIDER	0	/* char[32] */
#define HTVM_PRB_OFF_MODULE	32	/* char[32] */
#define HTVM_PRB_OFF_FUNCTION	64	/* char[64] */
#define HTVM_PRB_OFF_NAME	128	/* char[32] */
#define HTVM_PRB_PROVIDER_LEN	32
#define HTVM_PRB_MODULE_LEN	32
#define HTVM_PRB_FUNCTION_LEN	64
#define HTVM_PRB_NAME_LEN	32

/* ATTACH payload: i32 status, 0 or a negative errno (EINVAL: bad
 * announce; EEXIST: vmname already attached; EBUSY: another host). */
#define HTVM_ATT_SIZE		4

/* ---- Exit ring (fds[0]) ---------------------------------------------------
 * HTVM_RING_SIZE bytes, shared, mapped read-write by both sides.  The guest
 * side initialises the header before announcing; afterwards each side
 * writes only its own fields.  The host snapshots every guest-written field
 * with single loads before checking it (the guest may change it at any
 * time) and never waits for the guest. */
#define HTVM_RING_SIZE		4096
#define HTVM_RING_MAGIC		0x52585448u	/* "HTXR" */
#define HTVM_RING_VERSION	1
#define HTVM_RING_OFF_MAGIC	0	/* u32, guest */
#define HTVM_RING_OFF_VERSION	4	/* u16, guest */
#define HTVM_RING_OFF_NVCPUS	6	/* u16, guest: equal to the announce's */
#define HTVM_RING_OFF_DOORBELL	8	/* u32 futex word: guest adds 1 and wakes */
#define HTVM_RING_OFF_HOST	12	/* u32 HTVM_HOST_*, host */
#define HTVM_RING_OFF_GUEST	16	/* u32 HTVM_GUEST_*, guest */
#define HTVM_RING_OFF_ENABLED	64	/* host: bit i = guest probe i enabled */
#define HTVM_RING_ENABLED_SIZE	(HTVM_MAX_PROBES / 8)
#define HTVM_RING_OFF_SLOTS	256	/* slot i at 256 + 64 * i */
#define HTVM_RING_SLOT_SIZE	64

#define HTVM_HOST_NONE		0	/* no host: VMCALL is #UD (returns ENOSYS) */
#define HTVM_HOST_ATTACHED	1	/* exits are handled */
#define HTVM_HOST_DETACHED	2	/* host gone; pending exits were resumed */

#define HTVM_GUEST_RUNNING	0
#define HTVM_GUEST_DONE		1	/* no further exits will be posted */

/* One vCPU's exit slot.  The state word is the guest's futex. */
#define HTVM_SLOT_OFF_STATE	0	/* u32 HTVM_EXIT_* */
#define HTVM_SLOT_OFF_CPL	4	/* u32 guest CPL at the VMCALL (VMCS SS.DPL) */
#define HTVM_SLOT_OFF_RAX	8	/* u64 call number */
#define HTVM_SLOT_OFF_RBX	16	/* u64 block GPA */
#define HTVM_SLOT_OFF_RCX	24	/* u64 block length */
#define HTVM_SLOT_OFF_CR3	32	/* u64 guest CR3 (VMCS), raw */
#define HTVM_SLOT_OFF_MODE	40	/* u32 paging: 4 or 5, | 0x100 EFER.NXE, | 0x200 CR0.WP */
#define HTVM_SLOT_OFF_PAD	44	/* u32 0 */
#define HTVM_SLOT_OFF_RET	48	/* i64 host: RAX after the call (HT_HC_R_*) */
#define HTVM_SLOT_OFF_SEQ	56	/* u64 host: exits handled on this vCPU */

#define HTVM_EXIT_IDLE		0	/* guest may post */
#define HTVM_EXIT_POSTED	1	/* guest: registers filled; the vCPU waits */
#define HTVM_EXIT_RESUMED	2	/* host: RET filled; guest reads it, sets IDLE */

/* Paging-mode word bits in HTVM_SLOT_OFF_MODE (same values as dvmm's). */
#define HTVM_MODE_4LEVEL	0x04u
#define HTVM_MODE_5LEVEL	0x05u
#define HTVM_MODE_NXE		0x100u
#define HTVM_MODE_WP		0x200u

#endif /* DIF_HTVM_H */
