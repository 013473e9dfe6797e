/*
 * check_vmreg.c — the host's per-VM state (runtime-kernel/vmm/dvmm_ann.c,
 * dvmm_reg.c): announce validation, exit-ring slots, the guest registry
 * with its lock-free enter/leave and use-after-free-proof removal, probe
 * enabling, and one whole exit from the ring to a probe to fire.
 *
 * Announces are built by ann_build() field by field at the documented
 * offsets (include/dif/htvm.h), so a test that breaks one field shows
 * exactly which rule rejects it.
 */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvmm.h"

static void put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

struct ann {
	uint8_t *buf;
	size_t len;
};

/* A valid announce: vm "g1", 2 slots on 1 RAM fd, 2 vCPUs, nprobes probes. */
static struct ann ann_build(uint32_t nprobes)
{
	struct ann a;
	uint8_t *p;

	a.len = HTVM_MSG_HDR_SIZE + HTVM_ANN_SIZE(nprobes);
	a.buf = calloc(1, a.len);
	ck_assert_ptr_nonnull(a.buf);
	dvmm_msg__header(a.buf, HTVM_MSG_ANNOUNCE, (uint32_t)(a.len - HTVM_MSG_HDR_SIZE));
	p = a.buf + HTVM_MSG_HDR_SIZE;
	strcpy((char *)p + HTVM_ANN_OFF_NAME, "g1");
	strcpy((char *)p + HTVM_ANN_OFF_HOSTNAME, "alpha.example");
	strcpy((char *)p + HTVM_ANN_OFF_OSREL, "ModelOS 1.0");
	p[HTVM_ANN_OFF_MAXPHY] = 40;
	p[HTVM_ANN_OFF_FLAGS] = HTVM_ANN_F_GBPAGES;
	p[HTVM_ANN_OFF_NSLOTS] = 2;
	p[HTVM_ANN_OFF_NRAMFDS] = 1;
	put(p + HTVM_ANN_OFF_NVCPUS, 2, 4);
	put(p + HTVM_ANN_OFF_NPROBES, nprobes, 4);
	put(p + HTVM_ANN_OFF_TYPELEN, 1000, 4);
	put(p + HTVM_ANN_OFF_SLOTS + HTVM_SLOT_OFF_SIZE, 0x100000, 8);
	put(p + HTVM_ANN_OFF_SLOTS + 32 + HTVM_SLOT_OFF_GPA, 0x100000000ull, 8);
	put(p + HTVM_ANN_OFF_SLOTS + 32 + HTVM_SLOT_OFF_SIZE, 0x100000, 8);
	put(p + HTVM_ANN_OFF_SLOTS + 32 + HTVM_SLOT_OFF_OFFSET, 0x100000, 8);
	for (uint32_t i = 0; i < nprobes; i++) {
		uint8_t *r = p + HTVM_ANN_OFF_PROBES + i * HTVM_ANN_PROBE_SIZE;

		strcpy((char *)r + HTVM_PRB_OFF_PROVIDER, "syscall");
		snprintf((char *)r + HTVM_PRB_OFF_FUNCTION, HTVM_PRB_FUNCTION_LEN, "sys%u", i);
		strcpy((char *)r + HTVM_PRB_OFF_NAME, "entry");
	}
	return a;
}

static uint8_t *payload(struct ann *a)
{
	return a->buf + HTVM_MSG_HDR_SIZE;
}

static int decode(struct ann *a, unsigned nfds)
{
	struct dvmm_announce out;
	int rc = dvmm_ann__decode(a->buf, a->len, nfds, &out);

	free(a->buf);
	return rc;
}

/* ASSERTION: a well-formed announce decodes with every field as sent. */
START_TEST(ann_valid)
{
	struct ann a = ann_build(3);
	struct dvmm_announce out;
	struct dvmm_gprobe_name pn;

	ck_assert_int_eq(dvmm_ann__decode(a.buf, a.len, 3, &out), 0);
	ck_assert_str_eq(out.name, "g1");
	ck_assert_str_eq(out.hostname, "alpha.example");
	ck_assert_str_eq(out.osrel, "ModelOS 1.0");
	ck_assert_uint_eq(out.maxphyaddr, 40);
	ck_assert_uint_eq(out.nslots, 2);
	ck_assert_uint_eq(out.nvcpus, 2);
	ck_assert_uint_eq(out.nprobes, 3);
	ck_assert_uint_eq(out.slots[1].gpa, 0x100000000ull);
	ck_assert_uint_eq(out.slots[1].offset, 0x100000);
	dvmm_ann__probe(a.buf, 2, &pn);
	ck_assert_str_eq(pn.provider, "syscall");
	ck_assert_str_eq(pn.module, "");
	ck_assert_str_eq(pn.function, "sys2");
	ck_assert_str_eq(pn.name, "entry");
	free(a.buf);
}
END_TEST

/* One broken field per loop index, and the code that must reject it. */
static const struct {
	const char *what;
	int want;
} ann_bad_cases[] = {
	{ "magic", DVMM_E_ANN_MAGIC }, { "version", DVMM_E_ANN_VERSION },
	{ "type", DVMM_E_ANN_TYPE }, { "length", DVMM_E_ANN_LENGTH },
	{ "hdr-reserved", DVMM_E_ANN_RESERVED }, { "name-empty", DVMM_E_ANN_NAME },
	{ "name-char", DVMM_E_ANN_NAME }, { "name-unterminated", DVMM_E_ANN_NAME },
	{ "name-pad", DVMM_E_ANN_NAME }, { "hostname-char", DVMM_E_ANN_STRING },
	{ "maxphy-low", DVMM_E_ANN_MAXPHY }, { "maxphy-high", DVMM_E_ANN_MAXPHY },
	{ "flags", DVMM_E_ANN_FLAGS }, { "nslots-0", DVMM_E_ANN_SLOTS },
	{ "nslots-9", DVMM_E_ANN_SLOTS }, { "nfds", DVMM_E_ANN_FDS },
	{ "vcpus-0", DVMM_E_ANN_VCPUS }, { "vcpus-33", DVMM_E_ANN_VCPUS },
	{ "probes-max", DVMM_E_ANN_PROBES }, { "typefile-0", DVMM_E_ANN_TYPEFILE },
	{ "slot-misaligned", DVMM_E_ANN_SLOTS }, { "slot-fd", DVMM_E_ANN_SLOTS },
	{ "slot-empty", DVMM_E_ANN_SLOTS }, { "slot-above-maxphy", DVMM_E_ANN_SLOTS },
	{ "slot-offset-wraps", DVMM_E_ANN_SLOTS }, { "unused-slot", DVMM_E_ANN_RESERVED },
	{ "slot-reserved", DVMM_E_ANN_RESERVED }, { "probe-char", DVMM_E_ANN_PROBE_NAME },
	{ "probe-noname", DVMM_E_ANN_PROBE_NAME }, { "probe-dup", DVMM_E_ANN_PROBE_DUP },
	{ "truncated", DVMM_E_ANN_LENGTH }, { "short-header", DVMM_E_ANN_SHORT },
};

/* ASSERTION: each broken announce field is rejected with its own code. */
START_TEST(ann_bad)
{
	struct ann a = ann_build(2);
	uint8_t *p = payload(&a), *s = p + HTVM_ANN_OFF_SLOTS;
	const char *w = ann_bad_cases[_i].what;
	unsigned nfds = 3;

	if (!strcmp(w, "magic")) a.buf[0] ^= 1;
	else if (!strcmp(w, "version")) a.buf[HTVM_MSG_OFF_VERSION] = 2;
	else if (!strcmp(w, "type")) a.buf[HTVM_MSG_OFF_TYPE] = HTVM_MSG_ATTACH;
	else if (!strcmp(w, "length")) put(a.buf + HTVM_MSG_OFF_LENGTH, 5, 4);
	else if (!strcmp(w, "hdr-reserved")) a.buf[HTVM_MSG_OFF_RESERVED] = 1;
	else if (!strcmp(w, "name-empty")) p[HTVM_ANN_OFF_NAME] = 0, p[1] = 0;
	else if (!strcmp(w, "name-char")) p[HTVM_ANN_OFF_NAME] = '/';
	else if (!strcmp(w, "name-unterminated")) memset(p, 'a', HTVM_NAME_LEN);
	else if (!strcmp(w, "name-pad")) p[5] = 'x';
	else if (!strcmp(w, "hostname-char")) p[HTVM_ANN_OFF_HOSTNAME] = 0x7f;
	else if (!strcmp(w, "maxphy-low")) p[HTVM_ANN_OFF_MAXPHY] = 31;
	else if (!strcmp(w, "maxphy-high")) p[HTVM_ANN_OFF_MAXPHY] = 53;
	else if (!strcmp(w, "flags")) p[HTVM_ANN_OFF_FLAGS] = 0x80;
	else if (!strcmp(w, "nslots-0")) p[HTVM_ANN_OFF_NSLOTS] = 0;
	else if (!strcmp(w, "nslots-9")) p[HTVM_ANN_OFF_NSLOTS] = 9;
	else if (!strcmp(w, "nfds")) nfds = 4;
	else if (!strcmp(w, "vcpus-0")) put(p + HTVM_ANN_OFF_NVCPUS, 0, 4);
	else if (!strcmp(w, "vcpus-33")) put(p + HTVM_ANN_OFF_NVCPUS, 33, 4);
	else if (!strcmp(w, "probes-max")) put(p + HTVM_ANN_OFF_NPROBES, HTVM_MAX_PROBES + 1, 4);
	else if (!strcmp(w, "typefile-0")) put(p + HTVM_ANN_OFF_TYPELEN, 0, 4);
	else if (!strcmp(w, "slot-misaligned")) put(s + HTVM_SLOT_OFF_GPA, 0x10, 8);
	else if (!strcmp(w, "slot-fd")) put(s + HTVM_SLOT_OFF_FD, 1, 4);
	else if (!strcmp(w, "slot-empty")) put(s + HTVM_SLOT_OFF_SIZE, 0, 8);
	else if (!strcmp(w, "slot-above-maxphy")) put(s + HTVM_SLOT_OFF_GPA, 1ull << 40, 8);
	else if (!strcmp(w, "slot-offset-wraps")) put(s + HTVM_SLOT_OFF_OFFSET, ~0xfffull, 8);
	else if (!strcmp(w, "unused-slot")) put(s + 2 * 32 + HTVM_SLOT_OFF_SIZE, 0x1000, 8);
	else if (!strcmp(w, "slot-reserved")) put(s + HTVM_SLOT_OFF_RESERVED, 1, 4);
	else if (!strcmp(w, "probe-char")) p[HTVM_ANN_OFF_PROBES + HTVM_PRB_OFF_MODULE] = ':';
	else if (!strcmp(w, "probe-noname")) p[HTVM_ANN_OFF_PROBES + HTVM_PRB_OFF_NAME] = 0;
	else if (!strcmp(w, "probe-dup"))
		memcpy(p + HTVM_ANN_OFF_PROBES + HTVM_ANN_PROBE_SIZE,
		    p + HTVM_ANN_OFF_PROBES, HTVM_ANN_PROBE_SIZE);
	else if (!strcmp(w, "truncated")) a.len -= 1;
	else if (!strcmp(w, "short-header")) a.len = 10;
	ck_assert_msg(decode(&a, nfds) == ann_bad_cases[_i].want, "%s", w);
}
END_TEST

/* ASSERTION: a message whose probe count disagrees with its length is rejected, never over-read. */
START_TEST(ann_count_vs_length)
{
	struct ann a = ann_build(1);

	put(payload(&a) + HTVM_ANN_OFF_NPROBES, 1000, 4);
	ck_assert_int_eq(decode(&a, 3), DVMM_E_ANN_SHORT);
}
END_TEST

/* ---- Exit ring ---------------------------------------------------------------- */

static uint8_t ring[HTVM_RING_SIZE] __attribute__((aligned(64)));

static void ring_init(uint16_t nvcpus)
{
	memset(ring, 0, sizeof(ring));
	put(ring + HTVM_RING_OFF_MAGIC, HTVM_RING_MAGIC, 4);
	put(ring + HTVM_RING_OFF_VERSION, HTVM_RING_VERSION, 2);
	put(ring + HTVM_RING_OFF_NVCPUS, nvcpus, 2);
}

static void post(uint32_t v, uint32_t cpl, uint64_t rax, uint64_t rbx, uint64_t rcx,
    uint64_t cr3, uint32_t mode)
{
	uint8_t *s = ring + HTVM_RING_OFF_SLOTS + v * HTVM_RING_SLOT_SIZE;

	put(s + HTVM_SLOT_OFF_CPL, cpl, 4);
	put(s + HTVM_SLOT_OFF_RAX, rax, 8);
	put(s + HTVM_SLOT_OFF_RBX, rbx, 8);
	put(s + HTVM_SLOT_OFF_RCX, rcx, 8);
	put(s + HTVM_SLOT_OFF_CR3, cr3, 8);
	put(s + HTVM_SLOT_OFF_MODE, mode, 4);
	put(s + HTVM_SLOT_OFF_STATE, HTVM_EXIT_POSTED, 4);
}

/* ASSERTION: the ring header must carry the magic, version 1 and the announced vCPU count. */
START_TEST(ring_header)
{
	ring_init(2);
	ck_assert_int_eq(dvmm_ring__check(ring, 2), 0);
	ck_assert_int_eq(dvmm_ring__check(ring, 3), DVMM_E_RING_BAD);
	ring[0] ^= 1;
	ck_assert_int_eq(dvmm_ring__check(ring, 2), DVMM_E_RING_BAD);
}
END_TEST

/* ASSERTION: take returns only posted slots, snapshots the registers, and resume answers with RET and state RESUMED. */
START_TEST(ring_take_resume)
{
	struct dvmm_exit x;
	uint8_t *s = ring + HTVM_RING_OFF_SLOTS + HTVM_RING_SLOT_SIZE;

	ring_init(2);
	ck_assert_int_eq(dvmm_ring__take(ring, 1, &x), 0);
	post(1, 0, HT_HC_PROBE, 0x5000, 176, 0x3000, DVMM_MODE_4LEVEL | DVMM_MODE_NXE);
	ck_assert_int_eq(dvmm_ring__take(ring, 1, &x), 1);
	ck_assert_uint_eq(x.rax, HT_HC_PROBE);
	ck_assert_uint_eq(x.rbx, 0x5000);
	ck_assert_uint_eq(x.rcx, 176);
	ck_assert_uint_eq(x.vcpu.cr3, 0x3000);
	ck_assert_uint_eq(x.vcpu.mode, DVMM_MODE_4LEVEL | DVMM_MODE_NXE);
	dvmm_ring__resume(ring, 1, HT_HC_R_ENOENT);
	ck_assert_uint_eq(*dvmm_ring__state(ring, 1), HTVM_EXIT_RESUMED);
	ck_assert_int_eq(*(int64_t *)(void *)(s + HTVM_SLOT_OFF_RET), HT_HC_R_ENOENT);
	ck_assert_uint_eq(*(uint64_t *)(void *)(s + HTVM_SLOT_OFF_SEQ), 1);
	ck_assert_int_eq(dvmm_ring__take(ring, 1, &x), 0);
}
END_TEST

/* ASSERTION: a slot with an unknown mode, CPL above 3 or a non-zero pad is EXIT_BAD. */
START_TEST(ring_bad_exit)
{
	struct dvmm_exit x;

	ring_init(1);
	post(0, 0, 1, 0, 0, 0, 3);
	ck_assert_int_eq(dvmm_ring__take(ring, 0, &x), DVMM_E_EXIT_BAD);
	post(0, 0, 1, 0, 0, 0, 4 | 0x400);
	ck_assert_int_eq(dvmm_ring__take(ring, 0, &x), DVMM_E_EXIT_BAD);
	post(0, 4, 1, 0, 0, 0, 4);
	ck_assert_int_eq(dvmm_ring__take(ring, 0, &x), DVMM_E_EXIT_BAD);
	post(0, 0, 1, 0, 0, 0, 4);
	put(ring + HTVM_RING_OFF_SLOTS + HTVM_SLOT_OFF_PAD, 1, 4);
	ck_assert_int_eq(dvmm_ring__take(ring, 0, &x), DVMM_E_EXIT_BAD);
}
END_TEST

/* ASSERTION: the enable bitmap bit i follows set_enabled, and ids past the limit are ignored. */
START_TEST(ring_enable_bits)
{
	ring_init(1);
	dvmm_ring__set_enabled(ring, 9, true);
	ck_assert_uint_eq(ring[HTVM_RING_OFF_ENABLED + 1], 0x02);
	dvmm_ring__set_enabled(ring, 9, false);
	ck_assert_uint_eq(ring[HTVM_RING_OFF_ENABLED + 1], 0);
	dvmm_ring__set_enabled(ring, HTVM_MAX_PROBES, true);
	ck_assert_uint_eq(ring[HTVM_RING_OFF_ENABLED + HTVM_RING_ENABLED_SIZE], 0);
}
END_TEST

/* ---- Guests and the registry ---------------------------------------------------- */

static struct dvmm_guest *guest_new(const char *name, uint32_t nprobes)
{
	struct ann a = ann_build(nprobes);
	struct dvmm_announce d;
	struct dvmm_guest *g = calloc(1, sizeof(*g));

	ck_assert_ptr_nonnull(g);
	memset(payload(&a) + HTVM_ANN_OFF_NAME, 0, HTVM_NAME_LEN);
	strcpy((char *)payload(&a) + HTVM_ANN_OFF_NAME, name);
	ck_assert_int_eq(dvmm_ann__decode(a.buf, a.len, 3, &d), 0);
	ck_assert_int_eq(dvmm_guest__init(g, &d, a.buf), 0);
	free(a.buf);
	return g;
}

/* ASSERTION: add assigns vmids, find locates guests by name, duplicates are refused. */
START_TEST(reg_add_find)
{
	struct dvmm_registry reg;
	struct dvmm_guest *a = guest_new("a", 1), *b = guest_new("b", 1);
	struct dvmm_guest *a2 = guest_new("a", 1);

	dvmm_reg__init(&reg);
	ck_assert_int_eq(dvmm_reg__add(&reg, a), 0);
	ck_assert_int_eq(dvmm_reg__add(&reg, b), 0);
	ck_assert_uint_eq(a->vmid, 1);
	ck_assert_uint_eq(b->vmid, 2);
	ck_assert_ptr_eq(dvmm_reg__find(&reg, "b"), b);
	ck_assert_ptr_null(dvmm_reg__find(&reg, "c"));
	ck_assert_int_eq(dvmm_reg__add(&reg, a2), DVMM_E_REG_DUP);
	ck_assert_int_eq(dvmm_reg__remove(&reg, a), 0);
	ck_assert_int_eq(dvmm_reg__remove(&reg, a), DVMM_E_REG_MISSING);
	ck_assert_int_eq(dvmm_reg__add(&reg, a2), 0);
	free(a); free(b); free(a2);
}
END_TEST

/* ASSERTION: the registry holds DVMM_MAX_VMS guests and refuses one more. */
START_TEST(reg_full)
{
	static struct dvmm_registry reg;
	struct dvmm_guest *gs[DVMM_MAX_VMS + 1];
	char name[16];

	dvmm_reg__init(&reg);
	for (int i = 0; i <= DVMM_MAX_VMS; i++) {
		snprintf(name, sizeof(name), "vm%d", i);
		gs[i] = guest_new(name, 0);
		ck_assert_int_eq(dvmm_reg__add(&reg, gs[i]),
		    i < DVMM_MAX_VMS ? 0 : DVMM_E_REG_FULL);
	}
	for (int i = 0; i <= DVMM_MAX_VMS; i++)
		free(gs[i]);
}
END_TEST

/* ASSERTION: remove answers REG_BUSY while a firing is inside, keeps the index reserved, and 0 once it left. */
START_TEST(reg_remove_inflight)
{
	struct dvmm_registry reg;
	struct dvmm_guest *a = guest_new("a", 1), *b = guest_new("b", 1);

	dvmm_reg__init(&reg);
	ck_assert_int_eq(dvmm_reg__add(&reg, a), 0);
	ck_assert_ptr_eq(dvmm_reg__enter(&reg, 1), a);
	ck_assert_int_eq(dvmm_reg__remove(&reg, a), DVMM_E_REG_BUSY);
	ck_assert_ptr_null(dvmm_reg__enter(&reg, 1));	/* no new firing gets in */
	ck_assert_int_eq(dvmm_reg__add(&reg, b), 0);
	ck_assert_uint_eq(b->vmid, 2);			/* index 0 still reserved */
	ck_assert_int_eq(dvmm_reg__remove(&reg, a), DVMM_E_REG_BUSY);
	dvmm_reg__leave(&reg, 1);
	ck_assert_int_eq(dvmm_reg__remove(&reg, a), 0);
	ck_assert_ptr_null(dvmm_reg__enter(&reg, 0));
	ck_assert_ptr_null(dvmm_reg__enter(&reg, DVMM_MAX_VMS + 1));
	free(a); free(b);
}
END_TEST

static struct dvmm_registry race_reg;
static volatile int race_stop;

static void *race_firer(void *arg)
{
	uint64_t seen = 0;

	(void)arg;
	while (!__atomic_load_n(&race_stop, __ATOMIC_RELAXED)) {
		for (uint32_t v = 1; v <= 4; v++) {
			struct dvmm_guest *g = dvmm_reg__enter(&race_reg, v);

			if (g != NULL) {
				seen += (uint64_t)g->name[0] + g->nprobes;	/* touches g */
				dvmm_reg__leave(&race_reg, v);
			}
		}
	}
	return (void *)(uintptr_t)seen;
}

/* ASSERTION: guests freed right after remove returns 0 are never touched by concurrent firings (ASan checks). */
START_TEST(reg_remove_race)
{
	pthread_t t[2];

	dvmm_reg__init(&race_reg);
	race_stop = 0;
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, race_firer, NULL), 0);
	for (int round = 0; round < 2000; round++) {
		struct dvmm_guest *g = guest_new(round % 2 ? "x" : "y", 2);
		int rc;

		ck_assert_int_eq(dvmm_reg__add(&race_reg, g), 0);
		while ((rc = dvmm_reg__remove(&race_reg, g)) == DVMM_E_REG_BUSY)
			;
		ck_assert_int_eq(rc, 0);
		memset(g, 0xa5, sizeof(*g));
		free(g);
	}
	__atomic_store_n(&race_stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
}
END_TEST

/* ASSERTION: only enabled probes with an id below the guest's count are returned. */
START_TEST(guest_enable)
{
	struct dvmm_guest *g = guest_new("g", 3);
	int cookie;

	ck_assert_ptr_null(dvmm_guest__probe(g, 1));
	ck_assert_int_eq(dvmm_guest__enable(g, 1, &cookie), 0);
	ck_assert_ptr_eq(dvmm_guest__probe(g, 1)->cookie, &cookie);
	ck_assert_str_eq(dvmm_guest__probe(g, 1)->n.function, "sys1");
	ck_assert_int_eq(dvmm_guest__enable(g, 3, &cookie), DVMM_E_CTX_PROBE);
	ck_assert_ptr_null(dvmm_guest__probe(g, 3));
	ck_assert_ptr_null(dvmm_guest__probe(g, UINT32_MAX));
	ck_assert_int_eq(dvmm_guest__disable(g, 1), 0);
	ck_assert_ptr_null(dvmm_guest__probe(g, 1));
	free(g);
}
END_TEST

/* Guest RAM for the exit test: 1 MiB at GPA 0, context block at 0x5000. */
static uint8_t xram[1 << 20] __attribute__((aligned(4096)));

static void ctx_block(uint32_t probe)
{
	uint8_t *b = xram + 0x5000;

	memset(b, 0, HT_GC_SIZE_V1);
	put(b + HT_GC_OFF_MAGIC, HT_GC_MAGIC, 4);
	put(b + HT_GC_OFF_VERSION, HT_GC_VERSION, 2);
	put(b + HT_GC_OFF_SIZE, HT_GC_SIZE_V1, 2);
	put(b + HT_GC_OFF_PROBE, probe, 4);
	b[HT_GC_OFF_PAGING] = 4;
	b[HT_GC_OFF_NARGS] = 1;
	put(b + HT_GC_OFF_ARGS, 77, 8);
	put(b + HT_GC_OFF_CR3, 0x3000, 8);
	put(b + HT_GC_OFF_TID, 100, 8);
	put(b + HT_GC_OFF_PID, 42, 4);
	strcpy((char *)b + HT_GC_OFF_EXECNAME, "sh");
}

/* ASSERTION: one exit from the ring reaches the enabled probe with its validated context; a disabled one answers OK without firing; a bad id ENOENT. */
START_TEST(guest_exit_path)
{
	struct dvmm_guest *g = guest_new("g", 2);
	struct dvmm_exit x;
	struct dvmm_ctx ctx;
	struct dvmm_gprobe *fire;
	uint8_t scratch[HT_GC_MAX_SIZE];
	int err, cookie;

	ck_assert_int_eq(dvmm_vm__add_slot(&g->vm, 0, sizeof(xram), xram), 0);
	ck_assert_int_eq(dvmm_guest__enable(g, 1, &cookie), 0);
	ring_init(2);
	ctx_block(1);
	post(0, 0, HT_HC_PROBE, 0x5000, HT_GC_SIZE_V1, 0x3000, DVMM_MODE_4LEVEL);
	ck_assert_int_eq(dvmm_ring__take(ring, 0, &x), 1);
	ck_assert_int_eq(dvmm_guest__exit(g, &x, scratch, &ctx, &fire, &err), HT_HC_R_OK);
	ck_assert_ptr_nonnull(fire);
	ck_assert_ptr_eq(fire->cookie, &cookie);
	ck_assert_uint_eq(ctx.args[0], 77);
	ck_assert_uint_eq(ctx.pid, 42);
	ck_assert_str_eq(ctx.execname, "sh");

	ctx_block(0);
	ck_assert_int_eq(dvmm_guest__exit(g, &x, scratch, &ctx, &fire, &err), HT_HC_R_OK);
	ck_assert_ptr_null(fire);

	ctx_block(2);
	ck_assert_int_eq(dvmm_guest__exit(g, &x, scratch, &ctx, &fire, &err), HT_HC_R_ENOENT);
	ck_assert_ptr_null(fire);

	x.vcpu.cpl = 3;
	ctx_block(1);
	ck_assert_int_eq(dvmm_guest__exit(g, &x, scratch, &ctx, &fire, &err), HT_HC_R_EPERM);
	ck_assert_ptr_null(fire);
	free(g);
}
END_TEST

static void add(Suite *s, const char *name, const TTest *t)
{
	TCase *tc = tcase_create(name);

	tcase_add_test(tc, t);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
}

int main(void)
{
	Suite *s = suite_create("vmreg");
	SRunner *sr;
	int nf;
	TCase *tc = tcase_create("ann_bad");

	add(s, "ann_valid", ann_valid);
	tcase_add_loop_test(tc, ann_bad, 0,
	    (int)(sizeof(ann_bad_cases) / sizeof(ann_bad_cases[0])));
	suite_add_tcase(s, tc);
	add(s, "ann_count_vs_length", ann_count_vs_length);
	add(s, "ring_header", ring_header);
	add(s, "ring_take_resume", ring_take_resume);
	add(s, "ring_bad_exit", ring_bad_exit);
	add(s, "ring_enable_bits", ring_enable_bits);
	add(s, "reg_add_find", reg_add_find);
	add(s, "reg_full", reg_full);
	add(s, "reg_remove_inflight", reg_remove_inflight);
	add(s, "reg_remove_race", reg_remove_race);
	add(s, "guest_enable", guest_enable);
	add(s, "guest_exit_path", guest_exit_path);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
