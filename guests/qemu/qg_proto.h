/*
 * qg_proto.h — the byte protocol between the QEMU test guest (guests/qemu)
 * and the host side of its integration test (tests/vm-qemu).
 *
 * Under TCG without KVM a VMCALL is not a hypervisor exit: it raises #UD.
 * The guest's #UD handler plays the hypervisor's exit path.  It copies what
 * a VMM reads at a VMCALL exit (RAX, RBX, RCX and, from the "VMCS", CR0,
 * CR3, CR4, EFER and the CPL) into an exit record, sends it over debugcon
 * (port 0xe9) and then blocks, like a vCPU in an exit, until the host sends
 * the value for RAX back on COM1.  The host therefore sees exactly what a
 * real exit gives it and nothing more; the block itself stays in guest RAM
 * and is read from the shared RAM file.
 *
 * Records are fixed-size, little-endian, with explicit offsets (QG_OFF_*):
 * the host decodes them field by field and never overlays a struct.
 *
 *   exit record  'X'  then waits for 8 bytes (RAX, little-endian) on COM1
 *   truth record 'T'  what the guest knows about the next firing
 *   done record  'D'  end of the run; the guest waits for one byte on COM1
 *                     and exits through isa-debug-exit (see QG_EXIT_*)
 *   fault record 'F'  an unexpected CPU exception; the guest then exits
 *
 * The guest writes the kernel structures with the layout of layout.h; the
 * host learns the offsets from the typefile compiled from types.c, never
 * from this header.
 */
#ifndef QG_PROTO_H
#define QG_PROTO_H

#define QG_REC_SIZE		128	/* every record, padding zero */
#define QG_MAGIC		0x31584751u	/* "QGX1" little-endian */

#define QG_REC_EXIT		'X'
#define QG_REC_TRUTH		'T'
#define QG_REC_DONE		'D'
#define QG_REC_FAULT		'F'

/* Common header. */
#define QG_OFF_MAGIC		0	/* u32 QG_MAGIC */
#define QG_OFF_TYPE		4	/* u8  QG_REC_* */
#define QG_OFF_SEQ		8	/* u32 record sequence number */

/* Exit record: registers and the control state a VMM reads at an exit. */
#define QG_OFF_X_RAX		16
#define QG_OFF_X_RBX		24
#define QG_OFF_X_RCX		32
#define QG_OFF_X_RIP		40
#define QG_OFF_X_CR0		48
#define QG_OFF_X_CR3		56
#define QG_OFF_X_CR4		64
#define QG_OFF_X_EFER		72
#define QG_OFF_X_CPL		80	/* u8: saved CS & 3 */

/* Truth record: the ground truth of the next probe firing. */
#define QG_OFF_T_EXPECT		12	/* u32 QG_EXPECT_* */
#define QG_OFF_T_RAX		16	/* i64 RAX the guest expects back */
#define QG_OFF_T_CURTHREAD	24	/* u64 GVA of the thread */
#define QG_OFF_T_TID		32	/* u64 */
#define QG_OFF_T_PID		40	/* u32 */
#define QG_OFF_T_RUID		44	/* u32 curthread->td_ucred->cr_ruid */
#define QG_OFF_T_RGID		48	/* u32 curthread->td_ucred->cr_rgid */
#define QG_OFF_T_UID		52	/* u32 curthread->td_ucred->cr_uid */
#define QG_OFF_T_COMM		56	/* char[20] curthread->td_proc->p_comm */
#define QG_OFF_T_UARG		76	/* char[16] string at user address args[1] */
#define QG_OFF_T_UCRED		96	/* u64 value of curthread->td_ucred */
#define QG_OFF_T_PROBE		104	/* u32 probe id of the firing */
#define QG_COMM_LEN		20
#define QG_UARG_LEN		16

/* What the host must find when it follows curthread->td_ucred. */
#define QG_EXPECT_OK		0	/* the chain reads the truth values */
#define QG_EXPECT_NOT_PRESENT	1	/* td_ucred points into an unmapped hole */
#define QG_EXPECT_NO_SLOT	2	/* td_ucred maps to a GPA outside RAM */
#define QG_EXPECT_NO_EVENT	3	/* no probe fires: check RAX only */

/* Done record. */
#define QG_OFF_D_FIRED		16	/* u32 probe hypercalls made */
#define QG_OFF_D_BAD_RAX	20	/* u32 replies that differed from the truth */

/* Fault record. */
#define QG_OFF_F_VECTOR		16	/* u32 exception vector */
#define QG_OFF_F_RIP		24	/* u64 */
#define QG_OFF_F_CR2		32	/* u64 */
#define QG_OFF_F_ERROR		40	/* u64 error code (or 0) */

/* The go byte the host sends after the done record, and the exit values. */
#define QG_GO			0x47	/* 'G' */
#define QG_EXIT_OK		0x10	/* QEMU exit status 2 * 0x10 + 1 = 33 */
#define QG_EXIT_BAD_RAX		0x11	/* some reply differed: status 35 */
#define QG_EXIT_FAULT		0x12	/* unexpected exception: status 37 */
#define QG_EXIT_PROTOCOL	0x13	/* unexpected byte from the host: 39 */

/* Fixed facts of the guest that both sides agree on. */
/* Probes: id 2*s is syscall::<QG_SYSCALLS[s]>:entry, 2*s+1 its return. */
#define QG_NSYSCALLS		3
#define QG_SYSCALL_NAMES	{ "read", "write", "open" }
#define QG_NPROBES		(2 * QG_NSYSCALLS)
#define QG_UARG_GVA		0x400000ull	/* user page holding args[1]'s string */
#define QG_UCODE_GVA		0x401000ull	/* the user routine's page (U, RO, exec) */
#define QG_DMAP_GVA		0xffff888000000000ull	/* direct map (RW, NX) */

#endif /* QG_PROTO_H */
