/*
 * qg_record.c — decode the QEMU test guest's debugcon records (qg_proto.h).
 *
 * Theory.  A record is QG_REC_SIZE untrusted bytes from the guest.  It is
 * read field by field at the fixed little-endian offsets of qg_proto.h,
 * never overlaid on a struct; every offset is inside the record, so the
 * only check needed before reading is the length.  A string field is
 * copied up to its first NUL or its end, and the copy is always
 * terminated.  Unknown types and truth expectations are -EBADMSG, so a
 * caller never acts on a record it does not understand.  Read next:
 * tests/vm-qemu/qemu_run.c (where records come from) and
 * fuzz/fuzz_qgrec.c (the fuzz entry point).
 */
#include <errno.h>
#include <string.h>

#include "qg_record.h"

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void get_str(char *dst, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && src[i]; i++)
		dst[i] = (char)src[i];
	dst[i] = 0;
}

int qr_record__decode(const uint8_t *b, size_t len, struct qr_record *r)
{
	memset(r, 0, sizeof(*r));
	if (len != QG_REC_SIZE || get_le(b + QG_OFF_MAGIC, 4) != QG_MAGIC)
		return -EBADMSG;
	r->type = b[QG_OFF_TYPE];
	r->seq = (uint32_t)get_le(b + QG_OFF_SEQ, 4);
	switch (r->type) {
	case QG_REC_EXIT:
		r->rax = get_le(b + QG_OFF_X_RAX, 8);
		r->rbx = get_le(b + QG_OFF_X_RBX, 8);
		r->rcx = get_le(b + QG_OFF_X_RCX, 8);
		r->rip = get_le(b + QG_OFF_X_RIP, 8);
		r->cr0 = get_le(b + QG_OFF_X_CR0, 8);
		r->cr3 = get_le(b + QG_OFF_X_CR3, 8);
		r->cr4 = get_le(b + QG_OFF_X_CR4, 8);
		r->efer = get_le(b + QG_OFF_X_EFER, 8);
		r->cpl = b[QG_OFF_X_CPL];
		return 0;
	case QG_REC_TRUTH:
		r->expect = (uint32_t)get_le(b + QG_OFF_T_EXPECT, 4);
		r->want_rax = (int64_t)get_le(b + QG_OFF_T_RAX, 8);
		r->curthread = get_le(b + QG_OFF_T_CURTHREAD, 8);
		r->tid = get_le(b + QG_OFF_T_TID, 8);
		r->pid = (uint32_t)get_le(b + QG_OFF_T_PID, 4);
		r->ruid = (uint32_t)get_le(b + QG_OFF_T_RUID, 4);
		r->rgid = (uint32_t)get_le(b + QG_OFF_T_RGID, 4);
		r->uid = (uint32_t)get_le(b + QG_OFF_T_UID, 4);
		get_str(r->comm, b + QG_OFF_T_COMM, QG_COMM_LEN);
		get_str(r->uarg, b + QG_OFF_T_UARG, QG_UARG_LEN);
		r->ucred = get_le(b + QG_OFF_T_UCRED, 8);
		r->probe = (uint32_t)get_le(b + QG_OFF_T_PROBE, 4);
		return r->expect <= QG_EXPECT_NO_EVENT ? 0 : -EBADMSG;
	case QG_REC_DONE:
		r->fired = (uint32_t)get_le(b + QG_OFF_D_FIRED, 4);
		r->bad_rax = (uint32_t)get_le(b + QG_OFF_D_BAD_RAX, 4);
		return 0;
	case QG_REC_FAULT:
		r->vector = (uint32_t)get_le(b + QG_OFF_F_VECTOR, 4);
		r->fault_rip = get_le(b + QG_OFF_F_RIP, 8);
		r->cr2 = get_le(b + QG_OFF_F_CR2, 8);
		r->error = get_le(b + QG_OFF_F_ERROR, 8);
		return 0;
	default:
		return -EBADMSG;
	}
}

uint32_t qr_mode(uint64_t cr0, uint64_t cr4, uint64_t efer)
{
	uint32_t mode = (cr4 & (1u << 12)) ? 5 : 4;	/* CR4.LA57 */

	if (efer & (1u << 11))				/* EFER.NXE */
		mode |= 0x100;
	if (cr0 & (1u << 16))				/* CR0.WP */
		mode |= 0x200;
	return mode;
}
