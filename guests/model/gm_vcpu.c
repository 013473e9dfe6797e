/*
 * gm_vcpu.c — VMCALL on a model vCPU (docs/vm-tracing.md §7).
 *
 * Theory.  A real vCPU that executes VMCALL stops until the hypervisor
 * resumes it.  Here the vCPU writes the registers and what the VMCS would
 * hold (CPL, CR3, paging mode) into its exit slot, publishes the slot
 * with a release store of state = POSTED, rings the doorbell, and sleeps
 * on its state word until the host stores RESUMED.  Without an attached
 * host, VMCALL does not exit at all and returns ENOSYS (the model of #UD).
 * A host that disappears mid-call (detached, or its process died so the
 * state never changes) is noticed at each 100 ms wake-up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "gm.h"

static long futex(uint32_t *w, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, w, op, val, ts, NULL, 0);
}

static uint32_t *word(uint8_t *p)
{
	return (uint32_t *)(void *)p;
}

/* The host's process died or closed the session (socket hung up). */
static bool host_gone(const struct gm_vm *vm)
{
	struct pollfd p = { vm->hostfd, POLLRDHUP, 0 };

	return vm->hostfd >= 0 && poll(&p, 1, 0) == 1 &&
	    (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

int64_t gm_vmcall(struct gm_vm *vm, unsigned v, uint64_t rax, uint64_t rbx,
    uint64_t rcx, uint32_t cpl)
{
	uint8_t *s = vm->ring + HTVM_RING_OFF_SLOTS + (size_t)v * HTVM_RING_SLOT_SIZE;
	uint32_t *state = word(s + HTVM_SLOT_OFF_STATE);
	uint32_t *host = word(vm->ring + HTVM_RING_OFF_HOST);
	uint32_t *bell = word(vm->ring + HTVM_RING_OFF_DOORBELL);
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	int64_t ret;

	if (__atomic_load_n(host, __ATOMIC_ACQUIRE) != HTVM_HOST_ATTACHED)
		return HT_HC_R_ENOSYS;
	*word(s + HTVM_SLOT_OFF_CPL) = cpl;
	*(uint64_t *)(void *)(s + HTVM_SLOT_OFF_RAX) = rax;
	*(uint64_t *)(void *)(s + HTVM_SLOT_OFF_RBX) = rbx;
	*(uint64_t *)(void *)(s + HTVM_SLOT_OFF_RCX) = rcx;
	*(uint64_t *)(void *)(s + HTVM_SLOT_OFF_CR3) = vm->mem.root;
	*word(s + HTVM_SLOT_OFF_MODE) = vm->mem.levels | HTVM_MODE_NXE | HTVM_MODE_WP;
	*word(s + HTVM_SLOT_OFF_PAD) = 0;
	__atomic_store_n(state, HTVM_EXIT_POSTED, __ATOMIC_RELEASE);
	__atomic_add_fetch(bell, 1, __ATOMIC_SEQ_CST);
	futex(bell, FUTEX_WAKE, 1, NULL);
	while (__atomic_load_n(state, __ATOMIC_ACQUIRE) == HTVM_EXIT_POSTED) {
		if (__atomic_load_n(host, __ATOMIC_ACQUIRE) != HTVM_HOST_ATTACHED ||
		    host_gone(vm)) {
			__atomic_store_n(state, HTVM_EXIT_IDLE, __ATOMIC_RELEASE);
			return HT_HC_R_ENOSYS;
		}
		(void)futex(state, FUTEX_WAIT, HTVM_EXIT_POSTED, &ts);
	}
	ret = *(int64_t *)(void *)(s + HTVM_SLOT_OFF_RET);
	__atomic_store_n(state, HTVM_EXIT_IDLE, __ATOMIC_RELEASE);
	return ret;
}
