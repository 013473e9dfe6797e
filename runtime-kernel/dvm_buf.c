/*
 * dvm_buf.c — principal and speculation buffers in probe context.
 *
 * Theory.  A buffer is a byte array sized at enable time holding whole
 * records (struct dvm_rechdr + data) back to back.  The principal buffer
 * follows the bufpolicy option, as in DTrace:
 *   switch  a record that does not fit is a drop; the consumer empties the
 *           buffer after every round (dtrace/dt_run.c), so space returns;
 *   fill    the first record that does not fit stops the buffer for good
 *           (the driver then ends tracing; END's records still go in);
 *   ring    the buffer wraps and the oldest whole records are overwritten;
 *           [tail, end) holds the older data, [0, head) the newer.
 * Under fill, `reserve` bytes stay free for END (DTrace's prereserve):
 * before COOLDOWN the buffer is full when only they are left.
 * Speculation buffers behave like fill buffers until committed or
 * discarded.  A drop is counted in the buffer, never a fault.
 * Freestanding.
 */
#include "dvm_engine.h"

static int ring_reserve(struct dvm_buf *b, uint32_t n, uint8_t **out)
{
	if (n > b->size)
		return -1;
	for (;;) {
		if (!b->wrapped) {
			if (n <= b->size - b->head)
				break;
			b->wrapped = true;	/* older data: [tail, end) */
			b->end = b->head;
			b->head = 0;
			b->tail = 0;
		}
		/* Overwrite the oldest records until n bytes are free. */
		while (b->tail < b->end && b->head + n > b->tail) {
			const struct dvm_rechdr *h =
			    (const struct dvm_rechdr *)(b->mem + b->tail);

			b->tail += sizeof(*h) + h->size;
		}
		if (b->tail < b->end)
			break;
		b->wrapped = false;	/* the older segment is gone: */
		b->tail = 0;		/* what is left is [0, head) */
	}
	*out = b->mem + b->head;
	b->head += n;
	return 0;
}

/* Room left in a linear buffer for this phase. */
static uint64_t room(const struct dvm_engine *eng, const struct dvm_buf *b)
{
	bool fill = b == &eng->pbuf && eng->bufpolicy == DVM_BUF_FILL;
	uint64_t keep = 0;

	if (fill && eng->activity == DVM_ACTIVITY_COOLDOWN)
		return b->size - b->head;	/* END may use the reserve */
	if (b->full)
		return 0;
	if (fill)
		keep = eng->reserve;
	return b->size - b->head > keep ? b->size - b->head - keep : 0;
}

bool dvm_buf__fits(struct dvm_engine *eng, struct dvm_buf *b, uint32_t n)
{
	if (b == &eng->pbuf && eng->bufpolicy == DVM_BUF_RING) {
		if (n <= b->size)
			return true;
	} else if (n <= room(eng, b)) {
		return true;
	} else if (b == &eng->pbuf && eng->bufpolicy == DVM_BUF_FILL &&
	    eng->activity != DVM_ACTIVITY_COOLDOWN) {
		b->full = true;
	}
	b->drops++;
	return false;
}

int dvm_buf__reserve(struct dvm_engine *eng, struct dvm_buf *b, uint32_t n,
    uint8_t **out)
{
	if (b == &eng->pbuf && eng->bufpolicy == DVM_BUF_RING) {
		if (ring_reserve(b, n, out) == 0)
			return 0;
	} else if (n <= room(eng, b)) {
		*out = b->mem + b->head;
		b->head += n;
		return 0;
	} else if (b == &eng->pbuf && eng->bufpolicy == DVM_BUF_FILL &&
	    eng->activity != DVM_ACTIVITY_COOLDOWN) {
		b->full = true;
	}
	b->drops++;
	return -1;
}
