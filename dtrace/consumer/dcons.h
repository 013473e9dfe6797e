/*
 * dcons.h — the output side of the dtrace consumer (libdcons).
 *
 * Theory.  A running program hands the consumer *records*: one per recorded
 * action value, each tagged with the action kind that produced it (DIF_ACT_*
 * from include/dif/dif.h), the size of the value, whether the value's D type
 * is signed / a string, and the raw bytes.  This library turns records and
 * aggregation data into exactly the bytes DTrace prints: printf/printa
 * formats, trace() and tracemem() output, the probe header, and the
 * aggregation tables and histograms.  It never touches a file descriptor: all
 * output is appended to a growable buffer (struct dcons_buf) that the caller
 * writes out.  Rules and examples: docs/output-format.md.
 *
 * Conventions: functions return 0 or -errno; *__new returns NULL with errno
 * set.  Nothing here prints, exits or keeps global state.
 */
#ifndef DCONS_H
#define DCONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "dif/dif.h"

/* ---------------------------------------------------------------- output */

/* A growable output buffer; data is always NUL-terminated. */
struct dcons_buf {
	char	*data;
	size_t	len;
	size_t	cap;
};

void dcons_buf__init(struct dcons_buf *b);
void dcons_buf__free(struct dcons_buf *b);
void dcons_buf__reset(struct dcons_buf *b);
int dcons_buf__append(struct dcons_buf *b, const char *s, size_t n);
int dcons_buf__printf(struct dcons_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---------------------------------------------------------------- records */

#define DCONS_REC_SIGNED	0x01	/* the value's D type is a signed integer */
#define DCONS_REC_STRING	0x02	/* the value is a (NUL-padded) string */
#define DCONS_REC_FLOAT		0x04	/* the value is float/double/long double */
#define DCONS_REC_WIDE		0x08	/* the value is a wchar_t string */
#define DCONS_REC_MORE		0x10	/* printa: another aggregation of the
					   statement the previous record began */
#define DCONS_REC_BYREF		0x20	/* the bytes of a by-reference value
					   (array, struct), not a scalar; %s
					   prints a char array's bytes up to
					   the first NUL, as DTrace does */

/*
 * One recorded value.  action: DIF_ACT_DIFEXPR for plain values, or the
 * kind that gives the bytes a meaning (DIF_ACT_STACK: `size / 8` kernel pcs;
 * DIF_ACT_USTACK: word 0 pid then pcs; DIF_ACT_SYM/MOD: one address;
 * DIF_ACT_USYM/UMOD/UADDR: pid then address).  data is borrowed.
 * Library actions (clear, normalize, trunc, setopt, ...) use their
 * DIF_LIBACT_* value as the action (see dcons_consume__probe).
 */
struct dcons_rec {
	uint16_t	action;
	uint8_t		flags;		/* DCONS_REC_* */
	uint32_t	size;		/* bytes at data */
	const void	*data;
	uint32_t	fmtid;		/* printf/printa records: format id, 0 none */
};

/* Convenience constructors (data points into the caller's storage). */
struct dcons_rec dcons_rec__int(const void *data, uint32_t size, bool is_signed);
struct dcons_rec dcons_rec__str(const char *s, uint32_t size);

/* ------------------------------------------------------------- context */

/*
 * Symbol lookup for %a %A %k and stack/sym records.  Return 0 and fill
 * mod/func (func may be "" for a module-only match) and the symbol's start
 * address; -ENOENT when the address is unknown.  pid is 0 for the kernel,
 * the recorded pid for ustack/usym/uaddr records, and DCONS_PID_CURRENT for
 * %A of a bare address (the traced process, -p/-c).
 */
#define DCONS_PID_CURRENT	UINT32_MAX
struct dcons_sym {
	char		mod[128];
	char		func[256];
	uint64_t	addr;		/* start of the symbol */
	uint64_t	modaddr;	/* start of the module */
};
typedef int dcons_symlookup_fn(void *cookie, uint32_t pid, uint64_t addr,
	struct dcons_sym *out);

struct dcons_opts {
	bool		quiet;		/* -q: no probe header, trace() without padding */
	bool		rawbytes;	/* always hex-dump trace() of byte arrays */
	bool		aggsortkey;
	bool		aggsortrev;
	bool		aggzoom;	/* scale histogram bars to the largest bucket */
	bool		agghist;	/* draw keyed count/sum aggregations as bars */
	bool		aggpack;	/* one packed line per quantize/lquantize key */
	bool		utf8;		/* encoding=utf8: Unicode blocks in histograms and aggpack */
	bool		encoding_set;	/* the encoding option was given */
	bool		locale_utf8;	/* unset encoding: aggpack follows the locale, as DTrace */
	uint32_t	aggsortpos;
	uint32_t	aggsortkeypos;
	uint32_t	stackindent;	/* default 14 */
};

/*
 * A setopt() of an option the printers do not use (switchrate, aggrate):
 * the driver's to apply; 0 taken, non-zero refused (ignored, as DTrace
 * ignores a setopt() that cannot take effect).
 */
typedef int dcons_runopt_fn(void *arg, const char *name, const char *value);

struct dcons_ctx {
	struct dcons_opts	opts;
	dcons_symlookup_fn	*lookup;	/* may be NULL: no symbols */
	void			*cookie;
	dcons_runopt_fn		*runopt;	/* may be NULL: such setopt()s ignored */
	void			*runopt_arg;
};

/* Default options: everything off, stackindent 14. */
void dcons_ctx__init(struct dcons_ctx *ctx);

/* ------------------------------------------------------------- printf */

/* What one conversion wants from its argument (for the compiler's check). */
enum dcons_want {
	DCONS_WANT_INT,		/* any integer (%d %i %o %u %x %X %c %C) */
	DCONS_WANT_ADDR,	/* integer or pointer (%p %a %A) */
	DCONS_WANT_FLOAT,	/* float, double or long double (%e %E %f %g %G) */
	DCONS_WANT_STRING,	/* string or char array (%s %S) */
	DCONS_WANT_WSTRING,	/* wide string (%ls %ws) */
	DCONS_WANT_STACK,	/* stack()/ustack() value (%k) */
	DCONS_WANT_TIME,	/* 64-bit nanoseconds since the epoch (%Y %T) */
	DCONS_WANT_IPADDR,	/* an address as a string (%I) */
	DCONS_WANT_PORT,	/* a 16-bit port number (%P) */
	DCONS_WANT_AGG,		/* printa: the aggregation value (%@) */
	DCONS_WANT_WIDTH,	/* an int consumed by a '*' width or precision */
};

#define DCONS_FL_MINUS	0x01
#define DCONS_FL_PLUS	0x02
#define DCONS_FL_SPACE	0x04
#define DCONS_FL_HASH	0x08
#define DCONS_FL_ZERO	0x10
#define DCONS_FL_QUOTE	0x20

enum dcons_lenmod {
	DCONS_LEN_NONE, DCONS_LEN_HH, DCONS_LEN_H, DCONS_LEN_L, DCONS_LEN_LL,
	DCONS_LEN_BIGL, DCONS_LEN_W
};

/* One conversion and the literal text in front of it. */
struct dcons_conv {
	uint32_t	prefix_off;	/* literal text (%% already folded) in */
	uint32_t	prefix_len;	/*   struct dcons_fmt.text */
	uint32_t	src_off;	/* offset of the '%' in the source format */
	char		conv;		/* 'd', 's', '@', ... ; 0 for the trailing text */
	char		aggconv;	/* for %@: the conversion after '@' ('d' default) */
	uint8_t		flags;		/* DCONS_FL_* */
	uint8_t		lenmod;		/* enum dcons_lenmod */
	uint8_t		want;		/* enum dcons_want */
	bool		width_star;
	bool		prec_star;
	bool		has_prec;
	int32_t		width;
	int32_t		prec;
	uint32_t	lensize;	/* size the modifier demands, 0 = any */
};

/*
 * A parsed format: nconv conversions, then trailing literal text
 * (tail_off/tail_len).  nargs counts the arguments consumed, '*' included;
 * naggs counts the %@ conversions (printa).
 */
struct dcons_fmt {
	char			*text;
	struct dcons_conv	*conv;
	uint32_t		nconv;
	uint32_t		nargs;
	uint32_t		naggs;
	uint32_t		tail_off;
	uint32_t		tail_len;
	bool			printa;
};

/* Parse error detail: byte offset in the format and a message. */
struct dcons_err {
	size_t	offset;
	char	msg[128];
};

/*
 * Parse a D format once.  printa: accept %@ conversions.  On error returns
 * NULL with errno EINVAL and *err filled (err may be NULL).
 */
struct dcons_fmt *dcons_fmt__parse(const char *format, size_t len, bool printa,
	struct dcons_err *err);
void dcons_fmt__free(struct dcons_fmt *f);

/*
 * What argument i (0-based, over all consumed arguments incl. '*') wants,
 * and the size an h/l/ll modifier imposes (0 = any).  -EINVAL past the end.
 */
int dcons_fmt__arg_want(const struct dcons_fmt *f, uint32_t i,
	enum dcons_want *want, uint32_t *size);

/* Whether a value of this record shape satisfies want (compiler check). */
bool dcons_want__accepts(enum dcons_want want, uint16_t action, uint8_t recflags,
	uint32_t size);

/*
 * Format args[0..nargs) (one record per consumed argument) into out.
 * -EINVAL when the records do not match the format (count, size, kind).
 */
int dcons_fmt__format(const struct dcons_fmt *f, const struct dcons_rec *args,
	size_t nargs, const struct dcons_ctx *ctx, struct dcons_buf *out);

/* ------------------------------------------------------------- trace */

/* The "CPU     ID                    FUNCTION:NAME" line (not when quiet). */
int dcons_print__header(const struct dcons_ctx *ctx, struct dcons_buf *out);
/* The start of a probe's line: "%3d %6d %32s " with FUNCTION:NAME (not quiet). */
int dcons_print__probe(const struct dcons_ctx *ctx, int cpu, uint32_t id,
	const char *func, const char *name, struct dcons_buf *out);
/* The end of a probe's records: "\n" unless quiet. */
int dcons_print__probe_end(const struct dcons_ctx *ctx, struct dcons_buf *out);
/* trace(): an integer by size, a string, or bytes (hex dump when binary). */
int dcons_print__trace(const struct dcons_ctx *ctx, const struct dcons_rec *r,
	struct dcons_buf *out);
/* tracemem(): always the hex dump of r->size bytes. */
int dcons_print__tracemem(const struct dcons_ctx *ctx, const struct dcons_rec *r,
	struct dcons_buf *out);
/* stack()/ustack()/sym()/mod()/usym()/umod()/uaddr() records as trace prints them. */
int dcons_print__action(const struct dcons_ctx *ctx, const struct dcons_rec *r,
	struct dcons_buf *out);
/*
 * What the consumer prints when tracing stops: after the END clauses' output,
 * before dcons_aggstore__print_unprinted() (a single "\n").
 */
int dcons_print__exit(const struct dcons_ctx *ctx, struct dcons_buf *out);

/* ------------------------------------------------------------- consuming */

/* Formats of a program by id (ids start at 1), parsed once. */
struct dcons_fmttab;

struct dcons_fmttab *dcons_fmttab__new(void);
void dcons_fmttab__free(struct dcons_fmttab *t);
/* -EEXIST for a taken id, -EINVAL (with *err) for a bad format. */
int dcons_fmttab__add(struct dcons_fmttab *t, uint32_t id, const char *text,
	bool printa, struct dcons_err *err);
const struct dcons_fmt *dcons_fmttab__get(const struct dcons_fmttab *t, uint32_t id);

struct dcons_probe {
	int		cpu;
	uint32_t	id;
	const char	*func;
	const char	*name;
};

struct dcons_aggstore;

/*
 * Print one probe firing's records as dtrace(1) does: the probe columns
 * unless quiet, then each action -- printf (consecutive DIF_ACT_PRINTF
 * records with one fmtid), printa (consecutive DIF_ACT_PRINTA records,
 * each an 8-byte aggregation id; fmtid 0 = default layout), trace,
 * tracemem (after an optional TRACEMEM_DYNSIZE length), stacks and
 * symbols, exit (status into *exit_status), and the library actions
 * clear/denormalize (one record: the id), normalize/trunc (two: id, n;
 * trunc n == 0 removes all) and setopt (two strings, changing ctx->opts).
 * -ENOTSUP for actions a driver must perform (system, freopen,
 * ftruncate, unknown setopt options); -EINVAL for malformed records.
 */
int dcons_consume__probe(struct dcons_ctx *ctx, const struct dcons_fmttab *fmts,
	struct dcons_aggstore *aggs, const struct dcons_probe *probe,
	const struct dcons_rec *recs, size_t n, int *exit_status,
	struct dcons_buf *out);

/*
 * The same for a run of one firing's records without the probe columns
 * and the end of line, for a driver that acts between records (system,
 * freopen) and prints those itself.
 */
int dcons_consume__records(struct dcons_ctx *ctx, const struct dcons_fmttab *fmts,
	struct dcons_aggstore *aggs, const struct dcons_rec *recs, size_t n,
	int *exit_status, struct dcons_buf *out);

/* Apply setopt(name, value) for the options the printers use. */
int dcons_ctx__setopt(struct dcons_ctx *ctx, const char *name, const char *value);

/* ------------------------------------------------------------- aggregations */

#define DCONS_AGG_MAXKEYS	16
#define DCONS_QUANTIZE_NBUCKETS	127
#define DCONS_QUANTIZE_ZEROBUCKET 63

/* The shape of one key member. */
struct dcons_keydesc {
	uint16_t	action;		/* DIF_ACT_DIFEXPR, DIF_ACT_STACK, DIF_ACT_SYM, ... */
	uint8_t		flags;		/* DCONS_REC_* */
	uint32_t	size;		/* recorded size (strings: strsize) */
};

/* One aggregation variable: @name[keys] = func(...). */
struct dcons_aggdesc {
	uint32_t		id;	/* variable id: END-time printing order */
	const char		*name;	/* without the '@' */
	uint16_t		func;	/* DIF_ACT_COUNT .. DIF_ACT_LLQUANTIZE */
	uint64_t		arg;	/* lquantize / llquantize encoding (dif.h §) */
	uint32_t		nkeys;
	struct dcons_keydesc	keys[DCONS_AGG_MAXKEYS];
};

struct dcons_aggstore;

struct dcons_aggstore *dcons_aggstore__new(void);
void dcons_aggstore__free(struct dcons_aggstore *s);

/*
 * Symbol lookup used to fold sym()/mod()/usym()/umod() keys: an address
 * key is replaced by its symbol's (or module's) start, so every address in
 * one function is one entry, as DTrace does.  Without it keys stay as given.
 */
void dcons_aggstore__set_lookup(struct dcons_aggstore *s, dcons_symlookup_fn *fn,
	void *cookie);

/* Declare a variable; -EEXIST if the id is taken, -EINVAL for a bad shape. */
int dcons_aggstore__declare(struct dcons_aggstore *s, const struct dcons_aggdesc *d);

/* Number of value words a function keeps (count 1, avg 2, stddev 4, ...). */
int dcons_agg__nwords(uint16_t func, uint64_t arg);

/*
 * Apply the aggregating function to one value, as the probe would:
 * keys[nkeys] must match the declaration (sizes up to the key's size;
 * shorter strings are NUL-padded).  incr is the quantize weight (1 usually).
 */
int dcons_aggstore__apply(struct dcons_aggstore *s, uint32_t id,
	const struct dcons_rec *keys, uint32_t nkeys, int64_t value, int64_t incr);

/*
 * Merge one per-CPU snapshot of an entry: words[nwords] in the kernel's
 * layout (lquantize/llquantize include the encoded arg word 0).  Counts,
 * sums, buckets add; min/max keep the extreme; stddev adds 128-bit.
 */
int dcons_aggstore__merge(struct dcons_aggstore *s, uint32_t id,
	const struct dcons_rec *keys, uint32_t nkeys, const int64_t *words,
	uint32_t nwords);

int dcons_aggstore__normalize(struct dcons_aggstore *s, uint32_t id, uint64_t n);
int dcons_aggstore__denormalize(struct dcons_aggstore *s, uint32_t id);
/* trunc(@, n): keep the n highest entries (n < 0: the -n lowest); all: drop all. */
int dcons_aggstore__trunc(struct dcons_aggstore *s, uint32_t id, int64_t n, bool all);
int dcons_aggstore__clear(struct dcons_aggstore *s, uint32_t id);
/* Number of entries of variable id, or -ENOENT. */
int dcons_aggstore__count(const struct dcons_aggstore *s, uint32_t id);

/*
 * printa(fmt, @ids[0], ... @ids[n-1]); fmt NULL: the default layout (keys,
 * then each variable's value), preceded by a blank line.  The variables are
 * joined on their keys (same key shapes required).  Marks them printed.
 */
int dcons_aggstore__printa(struct dcons_aggstore *s, const struct dcons_fmt *fmt,
	const uint32_t *ids, uint32_t n, const struct dcons_ctx *ctx,
	struct dcons_buf *out);

/* END time: every variable not printed yet, in id order, default layout. */
int dcons_aggstore__print_unprinted(struct dcons_aggstore *s,
	const struct dcons_ctx *ctx, struct dcons_buf *out);

/* Histograms alone (also used by printa's %@ on a quantization). */
int dcons_print__quantize(const struct dcons_ctx *ctx, const int64_t *buckets,
	uint64_t normal, struct dcons_buf *out);
int dcons_print__lquantize(const struct dcons_ctx *ctx, uint64_t arg,
	const int64_t *buckets, uint64_t normal, struct dcons_buf *out);
int dcons_print__llquantize(const struct dcons_ctx *ctx, uint64_t arg,
	const int64_t *buckets, uint32_t nbuckets, uint64_t normal,
	struct dcons_buf *out);

/* Bucket helpers (the kernel's placement rules). */
int dcons_quantize__bucket(int64_t v);
int64_t dcons_quantize__value(int bucket);
int dcons_llquantize__nbuckets(uint64_t arg);
int dcons_llquantize__bucket(uint64_t arg, int64_t v);
/* avg and stddev as DTrace computes them (integer arithmetic). */
int64_t dcons_agg__avg(const int64_t *words, uint64_t normal);
uint64_t dcons_agg__stddev(const int64_t *words, uint64_t normal);

#endif /* DCONS_H */
