/*
 * dt_consume.c — the consumer half: buffers and aggregations to text.
 *
 * Theory.  The engine leaves records (header + values laid out by the
 * ECB's record table) in the principal buffer; this file walks them in
 * order and hands each firing's values to libdcons (dcons_consume__probe),
 * which prints exactly what dtrace(1) prints.  Before any records are
 * consumed the aggregation arena is drained into libdcons's aggregation
 * store (dcons_aggstore__merge), the way DTrace's consumer snapshots the
 * kernel's aggregation buffers, so a printa() sees every value aggregated
 * before its snapshot; with the aggrate and switchrate options the
 * snapshots and the reads happen once per period of each (dt_work), and
 * dt_runopt applies a setopt() of either from the trace.  Error records (the internal ERROR ECB) become DTrace's
 * "dtrace: error on enabled probe ID ..." lines on stderr (none under the
 * noerror option).  A record of a by-reference value that is not a
 * string carries DCONS_REC_BYREF (mark_byref) so %s prints a char array.
 * When tracing
 * ends, the END output is followed by dcons_print__exit and every
 * aggregation not printed yet, then the drop counters on stderr.
 */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dt_impl.h"

static const char *fault_msg(uint64_t f)
{
#define FAULT_MSG_(n, name, msg) if (f == n) return msg;
	DIF_FAULTS(FAULT_MSG_)
#undef FAULT_MSG_
	return "library fault";
}

int dt_drain_aggs(struct dt_state *st)
{
	uint64_t off = 8;
	int rc = 0;

	while (off < st->eng.aggused) {
		struct dvm_aggent *a = (struct dvm_aggent *)(st->eng.aggmem + off);
		const struct dvm_aggvar *av = &st->eng.aggvars[a->id - 1];
		struct dcons_rec keys[DCONS_AGG_MAXKEYS];
		const uint8_t *k = (const uint8_t *)(a + 1);

		for (uint32_t i = 0; i < av->nkeys; i++) {
			if (av->keys[i].flags & DCONS_REC_STRING) {
				uint32_t len = (uint32_t)strlen((const char *)k) + 1;

				keys[i] = (struct dcons_rec){ DIF_ACT_DIFEXPR,
				    DCONS_REC_STRING, len, k, 0 };
				k += len;
			} else {
				bool sym = av->keys[i].action != DIF_ACT_DIFEXPR;

				keys[i] = (struct dcons_rec){ av->keys[i].action,
				    av->keys[i].flags, av->keys[i].size, k, 0 };
				k += sym ? av->keys[i].size : 8;
			}
		}
		if (rc == 0)
			rc = dcons_aggstore__merge(st->aggs, a->id, keys, av->nkeys,
			    dvm_aggent__words(a), a->nwords);
		off += sizeof(*a) + ((a->keylen + 7) & ~7u) + 8ULL * a->nwords;
	}
	dvm_agg__reset(&st->eng);
	return rc;
}

static void print_error(struct dt_state *st, const uint64_t *w)
{
	const struct dvm_ecb *e = w[0] >= 1 && w[0] <= st->necbs ? &st->ecbs[w[0] - 1] : NULL;
	const struct dvm_probe *p = e ? e->probe : NULL;
	char where[32], details[32] = "", offinfo[40] = "";

	if (w[1] == 0)
		snprintf(where, sizeof(where), "predicate");
	else
		snprintf(where, sizeof(where), "action #%" PRIu64, w[1]);
	if (w[3] == DIF_FAULT_BADADDR || w[3] == DIF_FAULT_BADALIGN ||
	    w[3] == DIF_FAULT_BADSTACK)
		snprintf(details, sizeof(details), " (0x%" PRIx64 ")", w[4]);
	if (w[2] != UINT64_MAX)
		snprintf(offinfo, sizeof(offinfo), " at DIF offset %" PRIu64, w[2]);
	fflush(st->outfp);
	fprintf(stderr, "dtrace: error on enabled probe ID %" PRIu64 " (ID %" PRIu32
	    ": %s:%s:%s:%s): %s%s in %s%s\n", w[0], p ? p->id : 0,
	    p ? p->prov : "", p ? p->mod : "", p ? p->func : "", p ? p->name : "",
	    fault_msg(w[3]), details, where, offinfo);
}

/* Where output goes now: a freopen() file, or stdout / -o. */
static FILE *out_fp(const struct dt_state *st)
{
	return st->redirect != NULL ? st->redirect : st->outfp;
}

static int flush_out(struct dt_state *st)
{
	FILE *fp = out_fp(st);

	if (st->out.len > 0 && fwrite(st->out.data, 1, st->out.len, fp) != st->out.len)
		return -EIO;
	dcons_buf__reset(&st->out);
	return 0;
}

/*
 * freopen(fmt, ...): output from here on goes to the file the format
 * names (appended to, created if need be); freopen("") goes back to
 * stdout (or -o's file).  A file that cannot be opened is reported and
 * output stays where it was, as DTrace does.
 */
static int do_freopen(struct dt_state *st, const struct dcons_rec *recs, uint32_t n)
{
	const struct dcons_fmt *f = dcons_fmttab__get(st->fmts, recs[0].fmtid);
	struct dcons_buf path;
	FILE *fp = NULL;
	int rc;

	if (f == NULL)
		return -EINVAL;
	if ((rc = flush_out(st)) != 0)
		return rc;
	dcons_buf__init(&path);
	rc = dcons_fmt__format(f, recs, f->nargs ? n : 0, &st->dctx, &path);
	if (rc == 0 && dcons_buf__append(&path, "", 1) != 0)
		rc = -ENOMEM;
	if (rc == 0 && path.data[0] != '\0' &&
	    (fp = fopen(path.data, "a")) == NULL)
		fprintf(stderr, "dtrace: failed to freopen %s: %s\n", path.data,
		    strerror(errno));
	if (rc == 0 && (fp != NULL || path.data[0] == '\0')) {
		fflush(out_fp(st));
		if (st->redirect != NULL)
			fclose(st->redirect);
		st->redirect = fp;
	}
	dcons_buf__free(&path);
	return rc;
}

/*
 * system(fmt, ...): the command the format makes runs through /bin/sh
 * when its record is consumed, after dtrace's own output so far is out;
 * its exit status is ignored, as DTrace ignores it.
 */
static int do_system(struct dt_state *st, const struct dcons_rec *recs, uint32_t n)
{
	const struct dcons_fmt *f = dcons_fmttab__get(st->fmts, recs[0].fmtid);
	struct dcons_buf cmd;
	int rc;

	if (f == NULL)
		return -EINVAL;
	if ((rc = flush_out(st)) != 0)
		return rc;
	fflush(NULL);
	dcons_buf__init(&cmd);
	rc = dcons_fmt__format(f, recs, f->nargs ? n : 0, &st->dctx, &cmd);
	if (rc == 0 && dcons_buf__append(&cmd, "", 1) != 0)
		rc = -ENOMEM;
	if (rc == 0 && system(cmd.data) == -1)
		fprintf(stderr, "dtrace: failed to run \"%s\": %s\n", cmd.data,
		    strerror(errno));
	dcons_buf__free(&cmd);
	return rc;
}

/*
 * A step that records a by-reference value that is not a string (a char
 * array, a struct) gives libdcons its bytes: mark them, so that printf's
 * %s takes a char array the way DTrace does (up to the first NUL).
 */
static void mark_byref(const struct dvm_ecb *e, struct dcons_rec *recs)
{
	for (uint32_t i = 0; i < e->nsteps; i++) {
		const struct dvm_step *s = &e->steps[i];

		if (s->rec >= 0 && (uint32_t)s->rec < e->nrecs && s->byref &&
		    !s->string)
			recs[s->rec].flags |= DCONS_REC_BYREF;
	}
}

static int consume_one(struct dt_state *st, const uint8_t *p, uint64_t *used)
{
	struct dvm_rechdr h;
	struct dcons_rec *recs;
	const struct dvm_ecb *e;
	int status = 0, rc;

	memcpy(&h, p, sizeof(h));
	*used = sizeof(h) + h.size;
	if (h.epid == st->error_ecb.epid) {
		uint64_t w[5];

		memcpy(w, p + sizeof(h), sizeof(w));
		if (st->opts.noerror)
			return 0;
		if ((rc = flush_out(st)) != 0)
			return rc;
		print_error(st, w);
		return 0;
	}
	if (h.epid == 0 || h.epid > st->necbs)
		return -EINVAL;
	e = &st->ecbs[h.epid - 1];
	if (e->nrecs > st->nconsrecs) {	/* consumer side: may allocate */
		struct dcons_rec *n = realloc(st->consrecs, e->nrecs * sizeof(*n));

		if (n == NULL)
			return -ENOMEM;
		st->consrecs = n;
		st->nconsrecs = e->nrecs;
	}
	recs = st->consrecs;
	for (uint32_t i = 0; i < e->nrecs; i++) {
		const struct dvm_rec *r = &e->recs[i];

		recs[i] = (struct dcons_rec){ r->action, r->flags, r->size,
		    p + sizeof(h) + r->off, r->fmtid };
	}
	mark_byref(e, recs);
	if (!st->dctx.opts.quiet && !st->header_printed) {
		dcons_print__header(&st->dctx, &st->out);
		st->header_printed = true;
	}
	struct dcons_probe probe = { 0, e->probe->id, e->probe->func, e->probe->name };
	uint32_t from = 0;

	bool sys = false;

	for (uint32_t i = 0; i < e->nrecs; i++)
		sys |= recs[i].action == DIF_ACT_SYSTEM;
	/* A firing with system() is one probe line: its command runs between
	 * the output of the records before and after it. */
	if (sys && (rc = dcons_print__probe(&st->dctx, probe.cpu, probe.id,
	    probe.func, probe.name, &st->out)) != 0)
		return rc;
	/* freopen() and system() act between the records before and after. */
	for (uint32_t i = 0; i < e->nrecs; i++) {
		uint32_t j = i;

		if (recs[i].action != DIF_ACT_FREOPEN && recs[i].action != DIF_ACT_SYSTEM)
			continue;
		if (i > from && (rc = sys ? dcons_consume__records(&st->dctx, st->fmts,
		    st->aggs, recs + from, i - from, &status, &st->out) :
		    dcons_consume__probe(&st->dctx, st->fmts, st->aggs, &probe,
		    recs + from, i - from, &status, &st->out)) != 0)
			return rc;
		const struct dcons_fmt *f = dcons_fmttab__get(st->fmts, recs[i].fmtid);
		uint32_t max = f != NULL && f->nargs ? f->nargs : 1;

		/* two calls of one format in a row share a format id */
		while (j < e->nrecs && j - i < max && recs[j].action == recs[i].action &&
		    recs[j].fmtid == recs[i].fmtid)
			j++;
		rc = recs[i].action == DIF_ACT_SYSTEM ? do_system(st, recs + i, j - i) :
		    do_freopen(st, recs + i, j - i);
		if (rc != 0)
			return rc;
		from = j;
		i = j - 1;
	}
	if (sys) {
		if ((rc = dcons_consume__records(&st->dctx, st->fmts, st->aggs,
		    recs + from, e->nrecs - from, &status, &st->out)) != 0)
			return rc;
		return dcons_print__probe_end(&st->dctx, &st->out);
	}
	if (from == e->nrecs && from != 0)
		return 0;
	return dcons_consume__probe(&st->dctx, st->fmts, st->aggs, &probe,
	    recs + from, e->nrecs - from, &status, &st->out);
}

static int walk(struct dt_state *st, uint64_t from, uint64_t to)
{
	int rc;

	while (from + sizeof(struct dvm_rechdr) <= to) {
		uint64_t used;

		if ((rc = consume_one(st, st->eng.pbuf.mem + from, &used)) != 0)
			return rc;
		from += used;
	}
	return 0;
}

/* An aggregation snapshot and a buffer read now, whatever the rates. */
int dt_consume(struct dt_state *st)
{
	st->lastagg = st->lastswitch = 0;
	return dt_work(st, 0);
}

/*
 * Whether a rate's period is due at now, DTrace's way: the first call is
 * (and starts the clock); later ones once a period went by, the clock then
 * moving on by one period.  An unset rate (0) is due every round.
 */
static bool due(uint64_t rate, uint64_t *last, uint64_t now)
{
	if (rate == 0)
		return true;
	if (*last == 0) {
		*last = now;
		return true;
	}
	if (now - *last < rate)
		return false;
	*last += rate;
	return true;
}

/*
 * The aggregation snapshot and the buffer read run on their own clocks, as
 * DTrace's consumer runs them (aggrate, switchrate): a printa() shows the
 * aggregation as of the last snapshot, and records wait in the buffer
 * until the next read.  dt_finish reads and snapshots whatever is left.
 */
int dt_work(struct dt_state *st, uint64_t now)
{
	struct dvm_buf *b = &st->eng.pbuf;
	int rc;

	if (due(st->opts.aggrate, &st->lastagg, now) && (rc = dt_drain_aggs(st)) != 0)
		return rc;
	if (!due(st->opts.switchrate, &st->lastswitch, now))
		return 0;
	if (b->wrapped) {
		if ((rc = walk(st, b->tail, b->end)) != 0)
			return rc;
	}
	if ((rc = walk(st, b->wrapped ? 0 : b->tail, b->head)) != 0)
		return rc;
	b->head = b->tail = b->end = b->acct = 0;
	b->wrapped = false;
	if ((rc = flush_out(st)) != 0)
		return rc;
	return fflush(out_fp(st)) == 0 ? 0 : -EIO;	/* output as it happens */
}

uint64_t dt_work_due(const struct dt_state *st)
{
	const struct dvm_buf *b = &st->eng.pbuf;

	if (st->opts.switchrate == 0 || st->lastswitch == 0 ||
	    (b->head == 0 && !b->wrapped))
		return UINT64_MAX;
	return st->lastswitch + st->opts.switchrate;
}

/*
 * setopt() of a run-time option, applied when its record is consumed:
 * switchrate and aggrate take their new period from the next round on.  A
 * bad value leaves the option as it was, as DTrace leaves it.
 */
int dt_runopt(void *arg, const char *name, const char *value)
{
	struct dt_state *st = arg;
	uint64_t ns;

	if (strcmp(name, "switchrate") != 0 && strcmp(name, "aggrate") != 0)
		return -ENOTSUP;
	if (dt_parse_rate(value, true, &ns) != 0)
		return -EINVAL;
	*(name[0] == 's' ? &st->opts.switchrate : &st->opts.aggrate) = ns;
	return 0;
}

static void drops(uint64_t n, const char *what)
{
	if (n != 0)
		fprintf(stderr, "dtrace: %" PRIu64 " %s%s\n", n, what, n == 1 ? "" : "s");
}

int dt_finish(struct dt_state *st)
{
	int rc;

	if ((rc = dt_consume(st)) != 0)
		return rc;
	dcons_print__exit(&st->dctx, &st->out);
	if ((rc = dcons_aggstore__print_unprinted(st->aggs, &st->dctx, &st->out)) != 0)
		return rc;
	if ((rc = flush_out(st)) != 0)
		return rc;
	fflush(out_fp(st));
	if (st->eng.pbuf.drops != 0)
		fprintf(stderr, "dtrace: %" PRIu64 " drop%s on CPU 0\n", st->eng.pbuf.drops,
		    st->eng.pbuf.drops == 1 ? "" : "s");
	if (st->eng.aggdrops != 0)
		fprintf(stderr, "dtrace: %" PRIu64 " aggregation drop%s on CPU 0\n",
		    st->eng.aggdrops, st->eng.aggdrops == 1 ? "" : "s");
	drops(st->eng.vs.dvs_drops, "dynamic variable drop");
	drops(st->eng.specdrops, "speculative drop");
	if (st->eng.specbusy != 0)
		fprintf(stderr, "dtrace: %" PRIu64 " failed speculation%s "
		    "(available buffer(s) still busy)\n", st->eng.specbusy,
		    st->eng.specbusy == 1 ? "" : "s");
	if (st->eng.specunavail != 0)
		fprintf(stderr, "dtrace: %" PRIu64 " failed speculation%s "
		    "(no speculative buffer available)\n", st->eng.specunavail,
		    st->eng.specunavail == 1 ? "" : "s");
	return 0;
}
