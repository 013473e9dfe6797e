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
 *           [tail, end) holds the older data, [0, head) the newer; room
 *           is counted in real bytes only (size is the option's value).
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

static uint64_t roundup(uint64_t v, uint32_t align)
{
	return align > 1 ? (v + align - 1) & ~(uint64_t)(align - 1) : v;
}

/* Would n real / acct DTrace bytes fit in a linear buffer in this phase? */
static bool linear_fits(const struct dvm_engine *eng, const struct dvm_buf *b,
    uint32_t n, uint32_t acct, uint32_t align)
{
	bool fill = b == &eng->pbuf && eng->bufpolicy == DVM_BUF_FILL;
	bool cool = fill && eng->activity == DVM_ACTIVITY_COOLDOWN;
	uint64_t keep = fill && !cool ? eng->reserve : 0, used;

	if (b->full && !cool)
		return false;	/* END may use the reserve */
	if (n > b->size - b->head)
		return false;
	if (b->limit == 0)
		return b->size - b->head - n >= keep;
	used = roundup(b->acct, align);
	return used <= b->limit && acct <= b->limit - used &&
	    b->limit - used - acct >= keep;
}

static bool fits(struct dvm_engine *eng, struct dvm_buf *b, uint32_t n,
    uint32_t acct, uint32_t align)
{
	if (b == &eng->pbuf && eng->bufpolicy == DVM_BUF_RING)
		return b->limit != 0 ? acct <= b->limit : n <= b->size;
	return linear_fits(eng, b, n, acct, align);
}

static void drop(struct dvm_engine *eng, struct dvm_buf *b)
{
	if (b == &eng->pbuf && eng->bufpolicy == DVM_BUF_FILL &&
	    eng->activity != DVM_ACTIVITY_COOLDOWN)
		b->full = true;
	b->drops++;
}

bool dvm_buf__fits(struct dvm_engine *eng, struct dvm_buf *b, uint32_t n,
    uint32_t acct, uint32_t align)
{
	if (fits(eng, b, n, acct, align))
		return true;
	drop(eng, b);
	return false;
}

int dvm_buf__reserve_acct(struct dvm_engine *eng, struct dvm_buf *b, uint32_t n,
    uint32_t acct, uint32_t align, uint8_t **out)
{
	if (b == &eng->pbuf)
		eng->room_cert = 0;	/* room shrinks: certain no more */
	if (b == &eng->pbuf && eng->bufpolicy == DVM_BUF_RING) {
		/* The ring holds real records: what DTrace's would keep
		 * when their sizes agree, fewer when ours are larger. */
		if (ring_reserve(b, n, out) == 0)
			return 0;
		b->drops++;
		return -1;
	}
	if (!fits(eng, b, n, acct, align)) {
		drop(eng, b);
		return -1;
	}
	*out = b->mem + b->head;
	b->head += n;
	b->acct = roundup(b->acct, align) + acct;
	return 0;
}

int dvm_buf__reserve(struct dvm_engine *eng, struct dvm_buf *b, uint32_t n,
    uint8_t **out)
{
	return dvm_buf__reserve_acct(eng, b, n, 0, 1, out);
}
