/*
 * dt_run.c — a tracing session: BEGIN, timers, END.
 *
 * Theory.  Everything runs on one thread, so probe context never races
 * the consumer: BEGIN fires, then the loop sleeps until the next tick or
 * profile deadline (absolute CLOCK_MONOTONIC times, so the period does not
 * drift with the time spent firing) or a signal; due probes fire; the
 * principal buffer is consumed after each round (switch and fill
 * policies; ring is consumed only at the end, which is the point of a
 * ring).  With the switchrate option set, the buffer is read once per
 * switchrate period instead, and with aggrate the aggregations are
 * snapshotted once per aggrate period (dt_work; a setopt() in the trace
 * may change both).  exit(), SIGINT, SIGTERM or a full fill-policy
 * buffer end the loop; then END fires and the final output is printed,
 * so nothing recorded is lost.  Without timers the loop waits for a
 * signal, or for the next read of records waiting in the buffer.
 *
 * The engine's activity follows DTrace's: WARMUP for BEGIN, ACTIVE after
 * it, DRAINING once exit() ran (no probe fires), COOLDOWN for END.  As in
 * DTrace the consumer notices an exit() at its next status check: with
 * the statusrate option set, END fires at the first multiple of that
 * period after exit(); without it, at once.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "dt_guest.h"
#include "dt_impl.h"

static uint64_t mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * A tick/profile firing interrupts this thread in user space: arg0 (the
 * kernel pc) is 0 and arg1 is the user pc it interrupted, here the
 * instruction after this call in the run loop.
 */
static __attribute__((noinline)) void fire_timer(struct dt_state *st,
    struct dvm_probe *p)
{
	uint64_t args[10] = { 0 };

	args[1] = (uint64_t)(uintptr_t)__builtin_extract_return_addr(
	    __builtin_return_address(0));
	dt_fire(st, p, args);
}

static int round_done(struct dt_state *st)
{
	if (st->opts.bufpolicy == DVM_BUF_RING)
		return 0;
	if (st->opts.bufpolicy == DVM_BUF_FILL && st->eng.pbuf.full)
		st->eng.exiting = true;
	return dt_work(st, mono());
}

/*
 * Wait until the absolute monotonic time `until` (UINT64_MAX: forever) or
 * one of the stop signals, which the caller keeps blocked so none is lost.
 */
static void wait_until(uint64_t until, const sigset_t *sigs, volatile int *stop)
{
	for (;;) {
		uint64_t now = mono();
		struct timespec ts;

		if (until != UINT64_MAX && now >= until)
			return;
		if (until == UINT64_MAX) {
			ts.tv_sec = 3600;
			ts.tv_nsec = 0;
		} else {
			ts.tv_sec = (time_t)((until - now) / 1000000000ULL);
			ts.tv_nsec = (long)((until - now) % 1000000000ULL);
		}
		if (sigtimedwait(sigs, NULL, &ts) > 0) {
			*stop = 1;
			return;
		}
	}
}

int dt_run(struct dt_state *st, const sigset_t *sigs, volatile int *stop)
{
	uint64_t t0 = mono();
	int rc;

	for (uint32_t i = 0; i < st->nprobes; i++)
		st->probes[i]->next_ns = t0 + st->probes[i]->period_ns;
	st->eng.activity = DVM_ACTIVITY_WARMUP;
	dt_fire(st, st->probes[0], NULL);		/* BEGIN */
	if (st->eng.activity == DVM_ACTIVITY_WARMUP)
		st->eng.activity = DVM_ACTIVITY_ACTIVE;
	if ((rc = round_done(st)) != 0)
		return rc;
	while (!st->eng.exiting && !*stop) {
		uint64_t next = UINT64_MAX, now;

		for (uint32_t i = 0; i < st->nprobes; i++) {
			struct dvm_probe *p = st->probes[i];

			if (p->period_ns != 0 && p->ecbs != NULL && p->next_ns < next)
				next = p->next_ns;
		}
		if (dt_work_due(st) < next)	/* records wait for switchrate */
			next = dt_work_due(st);
		if (dt_guest_active())		/* guests' exits (dt_guest.c) */
			dt_guest_wait(st, next, sigs, stop);
		else
			wait_until(next, sigs, stop);
		if (*stop)
			break;
		now = mono();
		for (uint32_t i = 0; i < st->nprobes && !st->eng.exiting; i++) {
			struct dvm_probe *p = st->probes[i];

			if (p->period_ns == 0 || p->ecbs == NULL || p->next_ns > now)
				continue;
			fire_timer(st, p);
			p->next_ns += p->period_ns;
			if (p->next_ns <= now)	/* fell behind: skip, never burst */
				p->next_ns = now + p->period_ns;
		}
		if ((rc = round_done(st)) != 0)
			return rc;
	}
	if (st->eng.exiting && !*stop && st->opts.statusrate != 0) {
		uint64_t now = mono(), k = (now - t0) / st->opts.statusrate + 1;

		wait_until(t0 + k * st->opts.statusrate, sigs, stop);
	}
	st->eng.activity = DVM_ACTIVITY_COOLDOWN;
	dt_fire(st, st->probes[1], NULL);		/* END */
	return dt_finish(st);
}
