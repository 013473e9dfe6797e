/*
 * dvmm_ann.c — decoding what a guest sends when it attaches (the ANNOUNCE
 * message) and what it posts afterwards (exit-ring slots); layouts in
 * include/dif/htvm.h, rules in docs/vm-tracing.md §7.
 *
 * Theory.  Both come from a guest that may be hostile.  The announce is a
 * received buffer: it is read byte by byte at fixed offsets, every read
 * bounded by `len`, which is checked once against the size the header and
 * the probe count imply.  The ring is shared memory the guest keeps
 * writing: each guest-written field is loaded exactly once (a snapshot),
 * the state word with acquire ordering so the registers read after it are
 * the ones the guest posted, and decisions use only the snapshot.  The
 * host writes only the return value, the exit counter, the state word,
 * the host state and the enable bitmap.
 *
 * Read next: dvmm_reg.c (what the host does with a decoded announce and
 * exit).
 */
#include "dvmm.h"

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = (v << 8) | p[n];
	return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static bool is_name_byte(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/*
 * A fixed-size NUL-terminated field: bytes pass `ok` (names) or are
 * printable (strings), then a NUL, then zero padding.  Copies it to out.
 */
static bool field(const uint8_t *p, size_t cap, bool name, bool nonempty,
    char *out)
{
	size_t i = 0;

	while (i < cap && p[i] != 0) {
		if (name ? !is_name_byte(p[i]) : (p[i] < 0x20 || p[i] > 0x7e))
			return false;
		out[i] = (char)p[i];
		i++;
	}
	if (i == cap || (nonempty && i == 0))
		return false;
	for (size_t j = i; j < cap; j++) {
		if (p[j] != 0)
			return false;
		out[j] = 0;
	}
	return true;
}

void dvmm_msg__header(uint8_t *hdr, uint16_t type, uint32_t length)
{
	put_le(hdr + HTVM_MSG_OFF_MAGIC, HTVM_MSG_MAGIC, 4);
	put_le(hdr + HTVM_MSG_OFF_TYPE, type, 2);
	put_le(hdr + HTVM_MSG_OFF_VERSION, HTVM_MSG_VERSION, 2);
	put_le(hdr + HTVM_MSG_OFF_LENGTH, length, 4);
	put_le(hdr + HTVM_MSG_OFF_RESERVED, 0, 4);
}

int dvmm_msg__check(const uint8_t *hdr, uint16_t *type, uint32_t *length)
{
	if (le(hdr + HTVM_MSG_OFF_MAGIC, 4) != HTVM_MSG_MAGIC)
		return DVMM_E_ANN_MAGIC;
	if (le(hdr + HTVM_MSG_OFF_VERSION, 2) != HTVM_MSG_VERSION)
		return DVMM_E_ANN_VERSION;
	if (le(hdr + HTVM_MSG_OFF_RESERVED, 4) != 0)
		return DVMM_E_ANN_RESERVED;
	*type = (uint16_t)le(hdr + HTVM_MSG_OFF_TYPE, 2);
	*length = (uint32_t)le(hdr + HTVM_MSG_OFF_LENGTH, 4);
	return 0;
}

static int decode_slots(const uint8_t *p, struct dvmm_announce *out)
{
	for (unsigned i = 0; i < HTVM_MAX_SLOTS; i++) {
		const uint8_t *s = p + i * HTVM_ANN_SLOT_SIZE;
		struct dvmm_ann_slot *d = &out->slots[i];

		d->gpa = le(s + HTVM_SLOT_OFF_GPA, 8);
		d->size = le(s + HTVM_SLOT_OFF_SIZE, 8);
		d->offset = le(s + HTVM_SLOT_OFF_OFFSET, 8);
		d->fd = (uint32_t)le(s + HTVM_SLOT_OFF_FD, 4);
		if (le(s + HTVM_SLOT_OFF_RESERVED, 4) != 0)
			return DVMM_E_ANN_RESERVED;
		if (i >= out->nslots) {
			if (d->gpa | d->size | d->offset | d->fd)
				return DVMM_E_ANN_RESERVED;
			continue;
		}
		/* Alignment, size and MAXPHYADDR are checked again by
		 * dvmm_vm__add_slot; here: what only the announce knows. */
		if (d->fd >= out->nramfds || d->size == 0 ||
		    ((d->gpa | d->size | d->offset) & (DVMM_PAGE_SIZE - 1)) != 0 ||
		    d->offset + d->size < d->offset ||
		    d->gpa + d->size < d->gpa ||
		    (d->gpa + d->size) > (UINT64_C(1) << out->maxphyaddr))
			return DVMM_E_ANN_SLOTS;
	}
	return 0;
}

static int decode_probes(const uint8_t *msg, uint32_t n)
{
	struct dvmm_gprobe_name a;

	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *r = msg + HTVM_ANN_OFF_PROBES + (size_t)i * HTVM_ANN_PROBE_SIZE;

		if (!field(r + HTVM_PRB_OFF_PROVIDER, HTVM_PRB_PROVIDER_LEN, true, true, a.provider) ||
		    !field(r + HTVM_PRB_OFF_MODULE, HTVM_PRB_MODULE_LEN, true, false, a.module) ||
		    !field(r + HTVM_PRB_OFF_FUNCTION, HTVM_PRB_FUNCTION_LEN, true, false, a.function) ||
		    !field(r + HTVM_PRB_OFF_NAME, HTVM_PRB_NAME_LEN, true, true, a.name))
			return DVMM_E_ANN_PROBE_NAME;
	}
	/* Uniqueness: the records are validated, so equal bytes = equal names. */
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *r = msg + HTVM_ANN_OFF_PROBES + (size_t)i * HTVM_ANN_PROBE_SIZE;

		for (uint32_t j = i + 1; j < n; j++) {
			const uint8_t *q = msg + HTVM_ANN_OFF_PROBES + (size_t)j * HTVM_ANN_PROBE_SIZE;
			unsigned k = 0;

			while (k < HTVM_ANN_PROBE_SIZE && r[k] == q[k])
				k++;
			if (k == HTVM_ANN_PROBE_SIZE)
				return DVMM_E_ANN_PROBE_DUP;
		}
	}
	return 0;
}

int dvmm_ann__decode(const uint8_t *msg, size_t len, unsigned nfds,
    struct dvmm_announce *out)
{
	const uint8_t *p = msg + HTVM_MSG_HDR_SIZE;
	uint16_t type;
	uint32_t length;
	int rc;

	if (len < HTVM_MSG_HDR_SIZE)
		return DVMM_E_ANN_SHORT;
	if ((rc = dvmm_msg__check(msg, &type, &length)) != 0)
		return rc;
	if (type != HTVM_MSG_ANNOUNCE)
		return DVMM_E_ANN_TYPE;
	if (length != len - HTVM_MSG_HDR_SIZE)
		return DVMM_E_ANN_LENGTH;
	if (length < HTVM_ANN_OFF_PROBES)
		return DVMM_E_ANN_SHORT;
	if (!field(p + HTVM_ANN_OFF_NAME, HTVM_NAME_LEN, true, true, out->name))
		return DVMM_E_ANN_NAME;
	if (!field(p + HTVM_ANN_OFF_HOSTNAME, HTVM_HOSTNAME_LEN, false, false, out->hostname) ||
	    !field(p + HTVM_ANN_OFF_OSREL, HTVM_OSREL_LEN, false, false, out->osrel))
		return DVMM_E_ANN_STRING;
	out->maxphyaddr = p[HTVM_ANN_OFF_MAXPHY];
	out->flags = p[HTVM_ANN_OFF_FLAGS];
	out->nslots = p[HTVM_ANN_OFF_NSLOTS];
	out->nramfds = p[HTVM_ANN_OFF_NRAMFDS];
	out->nvcpus = (uint32_t)le(p + HTVM_ANN_OFF_NVCPUS, 4);
	out->nprobes = (uint32_t)le(p + HTVM_ANN_OFF_NPROBES, 4);
	out->typefile_len = (uint32_t)le(p + HTVM_ANN_OFF_TYPELEN, 4);
	if (out->maxphyaddr < 32 || out->maxphyaddr > 52)
		return DVMM_E_ANN_MAXPHY;
	if ((out->flags & ~HTVM_ANN_F_KNOWN) != 0)
		return DVMM_E_ANN_FLAGS;
	if (out->nslots < 1 || out->nslots > HTVM_MAX_SLOTS)
		return DVMM_E_ANN_SLOTS;
	if (out->nramfds < 1 || out->nramfds > HTVM_MAX_RAMFDS ||
	    nfds != 2u + out->nramfds)
		return DVMM_E_ANN_FDS;
	if (out->nvcpus < 1 || out->nvcpus > HTVM_MAX_VCPUS)
		return DVMM_E_ANN_VCPUS;
	if (out->nprobes > HTVM_MAX_PROBES)
		return DVMM_E_ANN_PROBES;
	if (out->typefile_len < 1 || out->typefile_len > HTVM_MAX_TYPEFILE)
		return DVMM_E_ANN_TYPEFILE;
	if (length != HTVM_ANN_SIZE(out->nprobes))
		return length < HTVM_ANN_SIZE(out->nprobes) ? DVMM_E_ANN_SHORT
		    : DVMM_E_ANN_LENGTH;
	if ((rc = decode_slots(p + HTVM_ANN_OFF_SLOTS, out)) != 0)
		return rc;
	return decode_probes(p, out->nprobes);
}

void dvmm_ann__probe(const uint8_t *msg, uint32_t i, struct dvmm_gprobe_name *out)
{
	const uint8_t *r = msg + HTVM_MSG_HDR_SIZE + HTVM_ANN_OFF_PROBES +
	    (size_t)i * HTVM_ANN_PROBE_SIZE;

	(void)field(r + HTVM_PRB_OFF_PROVIDER, HTVM_PRB_PROVIDER_LEN, true, true, out->provider);
	(void)field(r + HTVM_PRB_OFF_MODULE, HTVM_PRB_MODULE_LEN, true, false, out->module);
	(void)field(r + HTVM_PRB_OFF_FUNCTION, HTVM_PRB_FUNCTION_LEN, true, false, out->function);
	(void)field(r + HTVM_PRB_OFF_NAME, HTVM_PRB_NAME_LEN, true, true, out->name);
}

/* ---- Exit ring ------------------------------------------------------------ */

static const uint8_t *slot_of(const uint8_t *ring, uint32_t v)
{
	return ring + HTVM_RING_OFF_SLOTS + (size_t)v * HTVM_RING_SLOT_SIZE;
}

static uint32_t load32(const uint8_t *p)
{
	return __atomic_load_n((const uint32_t *)(const void *)p, __ATOMIC_RELAXED);
}

static uint64_t load64(const uint8_t *p)
{
	return __atomic_load_n((const uint64_t *)(const void *)p, __ATOMIC_RELAXED);
}

int dvmm_ring__check(const uint8_t *ring, uint32_t nvcpus)
{
	if (load32(ring + HTVM_RING_OFF_MAGIC) != HTVM_RING_MAGIC ||
	    (load32(ring + HTVM_RING_OFF_VERSION) & 0xffffu) != HTVM_RING_VERSION ||
	    (load32(ring + HTVM_RING_OFF_VERSION) >> 16) != nvcpus)
		return DVMM_E_RING_BAD;
	return 0;
}

int dvmm_ring__take(const uint8_t *ring, uint32_t v, struct dvmm_exit *out)
{
	const uint8_t *s = slot_of(ring, v);
	uint32_t state = __atomic_load_n((const uint32_t *)(const void *)s, __ATOMIC_ACQUIRE);
	uint32_t cpl, mode, pad;

	if (state != HTVM_EXIT_POSTED)
		return 0;
	cpl = load32(s + HTVM_SLOT_OFF_CPL);
	out->rax = load64(s + HTVM_SLOT_OFF_RAX);
	out->rbx = load64(s + HTVM_SLOT_OFF_RBX);
	out->rcx = load64(s + HTVM_SLOT_OFF_RCX);
	out->vcpu.cr3 = load64(s + HTVM_SLOT_OFF_CR3);
	mode = load32(s + HTVM_SLOT_OFF_MODE);
	pad = load32(s + HTVM_SLOT_OFF_PAD);
	out->vcpu.cpl = (uint8_t)cpl;
	out->vcpu.mode = mode;
	if (cpl > 3 || pad != 0 ||
	    (mode & ~(DVMM_MODE_LEVELS | DVMM_MODE_NXE | DVMM_MODE_WP)) != 0 ||
	    ((mode & DVMM_MODE_LEVELS) != 4 && (mode & DVMM_MODE_LEVELS) != 5))
		return DVMM_E_EXIT_BAD;
	return 1;
}

void dvmm_ring__resume(uint8_t *ring, uint32_t v, int64_t ret)
{
	uint8_t *s = ring + HTVM_RING_OFF_SLOTS + (size_t)v * HTVM_RING_SLOT_SIZE;
	uint64_t *seq = (uint64_t *)(void *)(s + HTVM_SLOT_OFF_SEQ);

	__atomic_store_n((int64_t *)(void *)(s + HTVM_SLOT_OFF_RET), ret, __ATOMIC_RELAXED);
	__atomic_store_n(seq, __atomic_load_n(seq, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
	__atomic_store_n((uint32_t *)(void *)s, HTVM_EXIT_RESUMED, __ATOMIC_RELEASE);
}

uint32_t *dvmm_ring__state(uint8_t *ring, uint32_t v)
{
	return (uint32_t *)(void *)(ring + HTVM_RING_OFF_SLOTS + (size_t)v * HTVM_RING_SLOT_SIZE);
}

void dvmm_ring__set_enabled(uint8_t *ring, uint32_t probe, bool on)
{
	uint8_t *b;
	uint8_t bit;

	if (probe >= HTVM_MAX_PROBES)
		return;
	b = ring + HTVM_RING_OFF_ENABLED + probe / 8;
	bit = (uint8_t)(1u << (probe % 8));
	if (on)
		__atomic_fetch_or(b, bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(b, (uint8_t)~bit, __ATOMIC_RELAXED);
}

void dvmm_ring__set_host(uint8_t *ring, uint32_t state)
{
	__atomic_store_n((uint32_t *)(void *)(ring + HTVM_RING_OFF_HOST), state,
	    __ATOMIC_RELEASE);
}

uint32_t dvmm_ring__guest_state(const uint8_t *ring)
{
	return __atomic_load_n((const uint32_t *)(const void *)(ring + HTVM_RING_OFF_GUEST),
	    __ATOMIC_ACQUIRE);
}
