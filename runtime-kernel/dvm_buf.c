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

int dvm_buf__reserve(struct dvm_engine *eng, struct dvm_buf *b, uint32_t n,
    uint8_t **out)
{
	bool principal = b == &eng->pbuf;

	if (principal && eng->bufpolicy == DVM_BUF_RING) {
		if (ring_reserve(b, n, out) == 0)
			return 0;
		goto drop;
	}
	if (b->full)
		goto drop;
	if (n > b->size - b->head) {
		if (principal && eng->bufpolicy == DVM_BUF_FILL)
			b->full = true;
		goto drop;
	}
	*out = b->mem + b->head;
	b->head += n;
	return 0;
drop:
	b->drops++;
	return -1;
}
