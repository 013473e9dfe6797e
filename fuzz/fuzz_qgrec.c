/*
 * fuzz_qgrec.c — the QEMU test guest's debugcon records
 * (guests/qemu/qg_record.c), untrusted bytes from a guest.
 *
 * The input is decoded three ways: as one record from an exact-size copy
 * (so ASan sees any read past the length, and wrong lengths must be
 * refused), as a stream of QG_REC_SIZE records the way the host reads
 * debugcon, and each decoded exit record's control registers through
 * qr_mode.  A record that decodes must keep the decoder's promises (a
 * known type, a known truth expectation, terminated strings that fit
 * their fields, zero in every field of other types); otherwise abort.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qg_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_strings(const struct qr_record *r)
{
	if (memchr(r->comm, 0, sizeof(r->comm)) == NULL ||
	    memchr(r->uarg, 0, sizeof(r->uarg)) == NULL)
		abort();
}

/* Fields of the other record types stay zero. */
static void check_record(const struct qr_record *r)
{
	check_strings(r);
	switch (r->type) {
	case QG_REC_EXIT:
		if (r->expect || r->fired || r->vector || r->comm[0] || r->pid)
			abort();
		if ((qr_mode(r->cr0, r->cr4, r->efer) & ~0x30fu) != 0)
			abort();
		break;
	case QG_REC_TRUTH:
		if (r->expect > QG_EXPECT_NO_EVENT || r->rax || r->fired || r->vector)
			abort();
		break;
	case QG_REC_DONE:
		if (r->rax || r->expect || r->vector || r->comm[0])
			abort();
		break;
	case QG_REC_FAULT:
		if (r->rax || r->expect || r->fired || r->comm[0])
			abort();
		break;
	default:
		abort();	/* decoded a type it does not know */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qr_record r;
	uint8_t *copy = malloc(size ? size : 1);
	int rc;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	rc = qr_record__decode(copy, size, &r);
	if (rc == 0) {
		if (size != QG_REC_SIZE)
			abort();
		check_record(&r);
	} else if (rc != -EBADMSG) {
		abort();
	}
	free(copy);
	for (size_t off = 0; off + QG_REC_SIZE <= size; off += QG_REC_SIZE) {
		if (qr_record__decode(data + off, QG_REC_SIZE, &r) == 0)
			check_record(&r);
	}
	return 0;
}
