/*
 * dcons_consume.c — one probe firing's records to text, as dtrace(1)
 * consumes its buffers.
 *
 * Theory.  An engine hands over the records of one firing in action order.
 * The records of one printf() (or printa()) statement are consecutive and
 * carry the same format id, so a run of PRINTF records with one id is one
 * formatted line and a run of PRINTA records is one printa() of several
 * aggregations.  Library actions arrive as records whose action is their
 * DIF_LIBACT_* value: clear/denormalize carry the aggregation id, normalize
 * and trunc carry the id then the count, setopt carries the option's name
 * then its value and changes the context's options for what follows (the
 * way tst.keysort switches sort orders between printa()s); an option the
 * printers do not use goes to the driver's runopt hook.  Actions that
 * act on the world (system, freopen, ftruncate) belong to the driver and
 * are refused with -ENOTSUP.  The format table owns its parsed formats.
 * Read next: docs/output-format.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dcons_impl.h"

struct dcons_fmttab {
	struct dcons_fmt	**fmts;		/* index = id */
	uint32_t		n;
};

struct dcons_fmttab *dcons_fmttab__new(void)
{
	return calloc(1, sizeof(struct dcons_fmttab));
}

void dcons_fmttab__free(struct dcons_fmttab *t)
{
	if (t == NULL)
		return;
	for (uint32_t i = 0; i < t->n; i++)
		dcons_fmt__free(t->fmts[i]);
	free(t->fmts);
	free(t);
}

int dcons_fmttab__add(struct dcons_fmttab *t, uint32_t id, const char *text,
	bool printa, struct dcons_err *err)
{
	struct dcons_fmt *f;

	if (id == 0 || id > (1u << 24))
		return -EINVAL;
	if (id < t->n && t->fmts[id] != NULL)
		return -EEXIST;
	if (id >= t->n) {
		uint32_t n = id + 1 > 2 * t->n ? id + 1 : 2 * t->n;
		struct dcons_fmt **nf = realloc(t->fmts, n * sizeof(*nf));

		if (nf == NULL)
			return -ENOMEM;
		memset(nf + t->n, 0, (n - t->n) * sizeof(*nf));
		t->fmts = nf;
		t->n = n;
	}
	f = dcons_fmt__parse(text, strlen(text), printa, err);
	if (f == NULL)
		return -errno;
	t->fmts[id] = f;
	return 0;
}

const struct dcons_fmt *dcons_fmttab__get(const struct dcons_fmttab *t, uint32_t id)
{
	return (t != NULL && id < t->n) ? t->fmts[id] : NULL;
}

/* "" and "true"/"1"-style values turn a switch on; "false"/"0"/"off" off. */
static bool bool_value(const char *v)
{
	return !(strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
		strcasecmp(v, "off") == 0 || strcasecmp(v, "no") == 0);
}

static int uint_value(const char *v, uint32_t *out)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || x > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)x;
	return 0;
}

int dcons_ctx__setopt(struct dcons_ctx *ctx, const char *name, const char *value)
{
	struct dcons_opts *o = &ctx->opts;
	static const struct { const char *name; size_t off; } flags[] = {
		{ "quiet", offsetof(struct dcons_opts, quiet) },
		{ "rawbytes", offsetof(struct dcons_opts, rawbytes) },
		{ "aggsortkey", offsetof(struct dcons_opts, aggsortkey) },
		{ "aggsortrev", offsetof(struct dcons_opts, aggsortrev) },
		{ "aggzoom", offsetof(struct dcons_opts, aggzoom) },
		{ "agghist", offsetof(struct dcons_opts, agghist) },
		{ "aggpack", offsetof(struct dcons_opts, aggpack) },
	};

	if (value == NULL)
		value = "";
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strcmp(name, flags[i].name) == 0) {
			*(bool *)((char *)o + flags[i].off) = bool_value(value);
			return 0;
		}
	if (strcmp(name, "aggsortpos") == 0)
		return uint_value(value, &o->aggsortpos);
	if (strcmp(name, "aggsortkeypos") == 0)
		return uint_value(value, &o->aggsortkeypos);
	if (strcmp(name, "stackindent") == 0)
		return uint_value(value, &o->stackindent);
	if (strcmp(name, "encoding") == 0) {
		if (strcmp(value, "ascii") != 0 && strcmp(value, "utf8") != 0)
			return -EINVAL;
		o->utf8 = strcmp(value, "utf8") == 0;
		o->encoding_set = true;
		return 0;
	}
	return -ENOTSUP;
}

/* An unsigned integer record (aggregation ids, counts). */
static int rec_uint(const struct dcons_rec *r, uint64_t *v)
{
	return dcons_read_int(r, false, v);
}

static int rec_int(const struct dcons_rec *r, int64_t *v)
{
	uint64_t x;
	int rc = dcons_read_int(r, true, &x);

	*v = (int64_t)x;
	return rc;
}

/* A string record as a NUL-terminated copy (bounded by its size). */
static char *rec_string(const struct dcons_rec *r)
{
	size_t n = r->data ? strnlen(r->data, r->size) : 0;
	char *s = malloc(n + 1);

	if (s != NULL) {
		if (n)
			memcpy(s, r->data, n);
		s[n] = '\0';
	}
	return s;
}

/* Number of consecutive records from i with the same action and fmtid. */
static size_t run_of(const struct dcons_rec *recs, size_t n, size_t i)
{
	size_t j = i + 1;

	while (j < n && recs[j].action == recs[i].action &&
	    recs[j].fmtid == recs[i].fmtid)
		j++;
	return j - i;
}

static int do_printf(const struct dcons_ctx *ctx, const struct dcons_fmttab *fmts,
	const struct dcons_rec *recs, size_t n, struct dcons_buf *out)
{
	const struct dcons_fmt *f = dcons_fmttab__get(fmts, recs[0].fmtid);

	if (f == NULL || f->printa)
		return -EINVAL;
	/* printf with no argument still records one (empty) value */
	if (f->nargs == 0 && n == 1)
		n = 0;
	return dcons_fmt__format(f, recs, n, ctx, out);
}

static int do_printa(const struct dcons_ctx *ctx, const struct dcons_fmttab *fmts,
	struct dcons_aggstore *aggs, const struct dcons_rec *recs, size_t n,
	struct dcons_buf *out)
{
	const struct dcons_fmt *f = NULL;
	uint32_t ids[16];

	if (aggs == NULL || n > 16)
		return -EINVAL;
	if (recs[0].fmtid != 0 && (f = dcons_fmttab__get(fmts, recs[0].fmtid)) == NULL)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint64_t id;

		if (rec_uint(&recs[i], &id) < 0 || id > UINT32_MAX)
			return -EINVAL;
		ids[i] = (uint32_t)id;
	}
	return dcons_aggstore__printa(aggs, f, ids, (uint32_t)n, ctx, out);
}

/* clear, denormalize, normalize, trunc: records[0] = id, records[1] = count. */
static int do_aggact(struct dcons_aggstore *aggs, const struct dcons_rec *recs,
	size_t n, size_t *used)
{
	uint16_t act = recs[0].action;
	bool two = act == DIF_LIBACT_NORMALIZE || act == DIF_LIBACT_TRUNC;
	uint64_t id;
	int64_t count = 0;

	if (aggs == NULL || (two && (n < 2 || recs[1].action != act)))
		return -EINVAL;
	*used = two ? 2 : 1;
	if (rec_uint(&recs[0], &id) < 0 || id > UINT32_MAX)
		return -EINVAL;
	if (two && rec_int(&recs[1], &count) < 0)
		return -EINVAL;
	switch (act) {
	case DIF_LIBACT_CLEAR:
		return dcons_aggstore__clear(aggs, (uint32_t)id);
	case DIF_LIBACT_DENORMALIZE:
		return dcons_aggstore__denormalize(aggs, (uint32_t)id);
	case DIF_LIBACT_NORMALIZE:
		return count <= 0 ? -EINVAL :
			dcons_aggstore__normalize(aggs, (uint32_t)id, (uint64_t)count);
	default:
		return dcons_aggstore__trunc(aggs, (uint32_t)id, count, count == 0);
	}
}

static int do_setopt(struct dcons_ctx *ctx, const struct dcons_rec *recs,
	size_t n, size_t *used)
{
	char *name, *value;
	int rc;

	if (n < 2 || recs[1].action != DIF_LIBACT_SETOPT)
		return -EINVAL;
	*used = 2;
	name = rec_string(&recs[0]);
	/* setopt("opt") records a non-string second value: it means "1" */
	value = (recs[1].flags & DCONS_REC_STRING) ? rec_string(&recs[1]) :
		strdup("1");
	rc = (name && value) ? dcons_ctx__setopt(ctx, name, value) : -ENOMEM;
	if (rc == -ENOTSUP && ctx->runopt != NULL)
		(void)ctx->runopt(ctx->runopt_arg, name, value);
	free(name);
	free(value);
	/* As in DTrace, a setopt() that cannot take effect (an unknown
	 * option, a bad value, an option fixed once tracing started) is
	 * not an error in the trace: the option stays as it was. */
	return rc == -ENOMEM ? rc : 0;
}

/* One action starting at recs[0]; *used = records consumed. */
static int consume_one(struct dcons_ctx *ctx, const struct dcons_fmttab *fmts,
	struct dcons_aggstore *aggs, const struct dcons_rec *recs, size_t n,
	int *exit_status, uint64_t *dynsize, size_t *used, struct dcons_buf *out)
{
	const struct dcons_rec *r = &recs[0];
	uint64_t v;

	*used = 1;
	switch (r->action) {
	case DIF_ACT_PRINTF: {
		/* Two printf()s of one format in a row share a format id. */
		const struct dcons_fmt *f = dcons_fmttab__get(fmts, r->fmtid);

		*used = run_of(recs, n, 0);
		if (f != NULL && !f->printa && *used > (f->nargs ? f->nargs : 1))
			*used = f->nargs ? f->nargs : 1;
		return do_printf(ctx, fmts, recs, *used, out);
	}
	case DIF_ACT_PRINTA: {
		/* One printa() statement: its first record, then the
		 * ones marked DCONS_REC_MORE (the driver marks them; two
		 * printa()s of one format in a row share a format id). */
		*used = 1;
		while (*used < n && recs[*used].action == DIF_ACT_PRINTA &&
		    (recs[*used].flags & DCONS_REC_MORE))
			(*used)++;
		return do_printa(ctx, fmts, aggs, recs, *used, out);
	}
	case DIF_ACT_EXIT:
		if (rec_uint(r, &v) < 0)
			return -EINVAL;
		if (exit_status != NULL)
			*exit_status = (int)(int32_t)v;
		return 0;
	case DIF_ACT_TRACEMEM_DYNSIZE:
		return rec_uint(r, dynsize);
	case DIF_ACT_TRACEMEM: {
		struct dcons_rec t = *r;

		/* 0, or more than was recorded, means the whole record */
		if (*dynsize != 0 && *dynsize < t.size)
			t.size = (uint32_t)*dynsize;
		*dynsize = 0;
		return dcons_print__tracemem(ctx, &t, out);
	}
	case DIF_ACT_NONE:
	case DIF_ACT_DIFEXPR:
		return dcons_print__trace(ctx, r, out);
	case DIF_ACT_STACK: case DIF_ACT_USTACK: case DIF_ACT_JSTACK:
	case DIF_ACT_SYM: case DIF_ACT_MOD: case DIF_ACT_USYM:
	case DIF_ACT_UMOD: case DIF_ACT_UADDR:
		return dcons_print__action(ctx, r, out);
	case DIF_LIBACT_CLEAR: case DIF_LIBACT_DENORMALIZE:
	case DIF_LIBACT_NORMALIZE: case DIF_LIBACT_TRUNC:
		return do_aggact(aggs, recs, n, used);
	case DIF_LIBACT_SETOPT:
		return do_setopt(ctx, recs, n, used);
	case DIF_ACT_SYSTEM: case DIF_ACT_FREOPEN: case DIF_LIBACT_FTRUNCATE:
		return -ENOTSUP;
	default:
		return -EINVAL;
	}
}

int dcons_consume__records(struct dcons_ctx *ctx, const struct dcons_fmttab *fmts,
	struct dcons_aggstore *aggs, const struct dcons_rec *recs, size_t n,
	int *exit_status, struct dcons_buf *out)
{
	uint64_t dynsize = 0;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n; ) {
		size_t used;

		if (recs[i].size != 0 && recs[i].data == NULL)
			return -EINVAL;
		rc = consume_one(ctx, fmts, aggs, recs + i, n - i, exit_status,
			&dynsize, &used, out);
		i += used;
	}
	return rc;
}

int dcons_consume__probe(struct dcons_ctx *ctx, const struct dcons_fmttab *fmts,
	struct dcons_aggstore *aggs, const struct dcons_probe *probe,
	const struct dcons_rec *recs, size_t n, int *exit_status,
	struct dcons_buf *out)
{
	int rc;

	rc = dcons_print__probe(ctx, probe->cpu, probe->id, probe->func,
		probe->name, out);
	if (rc == 0)
		rc = dcons_consume__records(ctx, fmts, aggs, recs, n, exit_status, out);
	if (rc == 0)
		rc = dcons_print__probe_end(ctx, out);
	return rc;
}
