/*
 * qg_record.h — the host's decoder of the QEMU test guest's debugcon
 * records (qg_proto.h), in a library of its own (guests/qemu/meson.build)
 * so that the fuzz entry point fuzz/fuzz_qgrec.c can link it: the records
 * are untrusted bytes from a guest.  Used by tests/vm-qemu (qemu_run.c,
 * the integration test and the dtrace bridge).
 */
#ifndef QG_RECORD_H
#define QG_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "qg_proto.h"

/* A decoded guest record (qg_proto.h); fields not in the type are 0. */
struct qr_record {
	uint8_t type;
	uint32_t seq;
	/* exit */
	uint64_t rax, rbx, rcx, rip, cr0, cr3, cr4, efer;
	uint8_t cpl;
	/* truth */
	uint32_t expect, probe;
	int64_t want_rax;
	uint64_t curthread, tid, ucred;
	uint32_t pid, ruid, rgid, uid;
	char comm[QG_COMM_LEN + 1];
	char uarg[QG_UARG_LEN + 1];
	/* done */
	uint32_t fired, bad_rax;
	/* fault */
	uint32_t vector;
	uint64_t fault_rip, cr2, error;
};

/*
 * Decode one record of exactly QG_REC_SIZE bytes: 0, or -EBADMSG on a bad
 * length, magic, type or truth expectation (then nothing in *out may be
 * acted on).  Strings are cut at their field's end and always
 * NUL-terminated.
 */
int qr_record__decode(const uint8_t *buf, size_t len, struct qr_record *out);
/* Paging-mode word (DVMM_MODE_* / HTVM_MODE_*) from CR0, CR4, EFER. */
uint32_t qr_mode(uint64_t cr0, uint64_t cr4, uint64_t efer);

#endif /* QG_RECORD_H */
