/*
 * helpers.h — shared helpers of the consumer Check suites: reading corpus
 * expected outputs, building aggregations and records tersely.
 */
#ifndef CONSUMER_HELPERS_H
#define CONSUMER_HELPERS_H

#include <check.h>
#include <stdint.h>

#include "dcons.h"

Suite *consumer_unit_suite(void);
Suite *consumer_golden_suite(void);

/* The .out file of a corpus test (path under sun/tst/common/), or NULL. */
char *corpus_expected(const char *rel);

/* ck_assert the buffer equals the corpus file, or note a skip if absent. */
void golden_compare(const char *rel, const struct dcons_buf *out);

/* Declare @id with nkeys key shapes given as (action, flags, size) triples. */
void decl(struct dcons_aggstore *s, uint32_t id, const char *name,
	uint16_t func, uint64_t arg, uint32_t nkeys, ...);

/* lquantize / llquantize encodings. */
uint64_t lq_arg(int32_t base, int32_t limit, uint16_t step);
uint64_t llq_arg(uint16_t factor, uint16_t low, uint16_t high, uint16_t nsteps);

/* Records over caller storage. */
struct dcons_rec r_i32(const int32_t *v);
struct dcons_rec r_i64(const int64_t *v);
struct dcons_rec r_str(const char *s);	/* string of size strlen+1 */

#define KSTR	DIF_ACT_DIFEXPR, DCONS_REC_STRING, 256
#define KI32	DIF_ACT_DIFEXPR, DCONS_REC_SIGNED, 4
#define KI64	DIF_ACT_DIFEXPR, DCONS_REC_SIGNED, 8

#endif
