/*
 * dvmm_ctx.c — decoding and validating the guest-context block of a
 * HT_HC_PROBE hypercall (layout: include/dif/hypercall.h).
 *
 * Theory.  The block comes from a guest that may be hostile or buggy, so
 * it is decoded byte by byte (explicit little-endian, fixed offsets, never
 * a host struct overlaid on guest bytes) into a host struct, and every
 * field is checked before anything else sees it.  Order: length against
 * the header, magic, version, size, then each field; the first violation
 * decides the error code.  Every read is bounded by `len` (checked once
 * up front against HT_GC_SIZE_V1).  dvmm_vm__hypercall adds the exit-side
 * checks (CPL, call number, RCX, the block inside one RAM slot, CR3 and
 * paging mode equal to the vCPU's real ones) and snapshots the block into
 * host memory first, so the guest cannot change it under the decoder.
 *
 * Read next: dvmm_walk.c (how pointers in the context are dereferenced).
 */
#include "dvmm.h"

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = (v << 8) | p[n];
	return v;
}

static int check_execname(const uint8_t *p)
{
	size_t i = 0;

	while (i < HT_GC_EXECNAME_LEN && p[i] != 0) {
		if (p[i] < 0x20 || p[i] > 0x7e)
			return DVMM_E_CTX_EXECNAME_CHAR;
		i++;
	}
	if (i == HT_GC_EXECNAME_LEN)
		return DVMM_E_CTX_EXECNAME_NUL;
	for (; i < HT_GC_EXECNAME_LEN; i++)
		if (p[i] != 0)
			return DVMM_E_CTX_EXECNAME_PAD;
	return 0;
}

static int decode_header(const uint8_t *b, size_t len)
{
	if (len > HT_GC_MAX_SIZE)
		return DVMM_E_CTX_TOOBIG;
	if (len < HT_GC_OFF_PROBE)
		return DVMM_E_CTX_SHORT;
	if (le(b + HT_GC_OFF_MAGIC, 4) != HT_GC_MAGIC)
		return DVMM_E_CTX_MAGIC;
	if (le(b + HT_GC_OFF_VERSION, 2) != HT_GC_VERSION)
		return DVMM_E_CTX_VERSION;
	if (le(b + HT_GC_OFF_SIZE, 2) != HT_GC_SIZE_V1)
		return DVMM_E_CTX_SIZE;
	if (len < HT_GC_SIZE_V1)
		return DVMM_E_CTX_SHORT;
	if (len != HT_GC_SIZE_V1)
		return DVMM_E_CTX_SIZE;
	return 0;
}

int dvmm_ctx__decode(const struct dvmm_vm *vm, const void *buf, size_t len,
    struct dvmm_ctx *out)
{
	const uint8_t *b = buf;
	uint64_t cr3;
	int rc;

	if ((rc = decode_header(b, len)) != 0)
		return rc;
	out->probe_id = (uint32_t)le(b + HT_GC_OFF_PROBE, 4);
	if (out->probe_id >= vm->cfg.nprobes)
		return DVMM_E_CTX_PROBE;
	switch (b[HT_GC_OFF_PAGING]) {
	case HT_GC_PAGING_4LEVEL:
		out->mode = DVMM_MODE_4LEVEL;
		break;
	case HT_GC_PAGING_5LEVEL:
		out->mode = DVMM_MODE_5LEVEL;
		break;
	default:
		return DVMM_E_CTX_PAGING;
	}
	out->nargs = b[HT_GC_OFF_NARGS];
	if (out->nargs > HT_GC_NARGS)
		return DVMM_E_CTX_NARGS;
	if (le(b + HT_GC_OFF_FLAGS, 2) != 0 || le(b + HT_GC_OFF_RESERVED, 4) != 0)
		return DVMM_E_CTX_RESERVED;
	for (unsigned i = 0; i < HT_GC_NARGS; i++) {
		out->args[i] = le(b + HT_GC_OFF_ARGS + 8 * i, 8);
		if (i >= out->nargs && out->args[i] != 0)
			return DVMM_E_CTX_RESERVED;
	}
	cr3 = le(b + HT_GC_OFF_CR3, 8);
	if ((cr3 & 0xfff) != 0 || (cr3 & ~vm->addr_mask) != 0)
		return DVMM_E_CTX_CR3;
	out->cr3 = cr3;
	out->curthread = le(b + HT_GC_OFF_CURTHREAD, 8);
	if (!dvmm_gva__is_canonical(out->curthread, out->mode & DVMM_MODE_LEVELS))
		return DVMM_E_CTX_POINTER;
	out->tid = le(b + HT_GC_OFF_TID, 8);
	out->pid = (uint32_t)le(b + HT_GC_OFF_PID, 4);
	out->ppid = (uint32_t)le(b + HT_GC_OFF_PPID, 4);
	out->uid = (uint32_t)le(b + HT_GC_OFF_UID, 4);
	out->gid = (uint32_t)le(b + HT_GC_OFF_GID, 4);
	out->cpu = (uint32_t)le(b + HT_GC_OFF_CPU, 4);
	if ((rc = check_execname(b + HT_GC_OFF_EXECNAME)) != 0)
		return rc;
	for (unsigned i = 0; i < HT_GC_EXECNAME_LEN; i++)
		out->execname[i] = (char)b[HT_GC_OFF_EXECNAME + i];
	return 0;
}

static int64_t hc_result(int err)
{
	switch (err) {
	case 0:
		return HT_HC_R_OK;
	case DVMM_E_HC_CPL:
		return HT_HC_R_EPERM;
	case DVMM_E_HC_CALL:
		return HT_HC_R_ENOSYS;
	case DVMM_E_CTX_TOOBIG:
		return HT_HC_R_E2BIG;
	case DVMM_E_NO_SLOT:
		return HT_HC_R_EFAULT;
	case DVMM_E_CTX_PROBE:
		return HT_HC_R_ENOENT;
	default:
		return HT_HC_R_EINVAL;
	}
}

static int handle_probe(const struct dvmm_vm *vm, const struct dvmm_vcpu *vcpu,
    uint64_t gpa, uint64_t len, uint8_t *scratch, struct dvmm_ctx *out)
{
	const uint8_t *h;
	int rc;

	if (len > HT_GC_MAX_SIZE)
		return DVMM_E_CTX_TOOBIG;
	h = dvmm_vm__gpa_to_host(vm, gpa, len);
	if (h == NULL)
		return DVMM_E_NO_SLOT;
	for (uint64_t i = 0; i < len; i++)
		scratch[i] = ((const volatile uint8_t *)h)[i];
	if ((rc = dvmm_ctx__decode(vm, scratch, (size_t)len, out)) != 0)
		return rc;
	if (out->cr3 != (vcpu->cr3 & vm->addr_mask) ||
	    out->mode != (vcpu->mode & DVMM_MODE_LEVELS))
		return DVMM_E_CTX_MISMATCH;
	return 0;
}

int64_t dvmm_vm__hypercall(const struct dvmm_vm *vm,
    const struct dvmm_vcpu *vcpu, uint64_t rax, uint64_t rbx, uint64_t rcx,
    uint8_t *scratch, struct dvmm_ctx *out, int *err)
{
	int rc;

	if (vcpu->cpl != 0)
		rc = DVMM_E_HC_CPL;
	else if (rax == HT_HC_VERSION)
		rc = 0;
	else if (rax == HT_HC_PROBE)
		rc = handle_probe(vm, vcpu, rbx, rcx, scratch, out);
	else
		rc = DVMM_E_HC_CALL;
	if (err)
		*err = rc;
	if (rc == 0 && rax == HT_HC_VERSION)
		return HT_GC_VERSION;
	return hc_result(rc);
}
