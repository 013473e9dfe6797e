/*
 * check_golden.c — corpus golden outputs, byte for byte.
 *
 * Each test reconstructs in C the data a corpus D script produces (its
 * aggregations, printf arguments, option changes, in the script's order)
 * and compares what libdcons prints with the script's expected .d.out,
 * read at test time from the corpus (skipped when the corpus is absent).
 * Tracing stops (after the END clause's own output) with dcons_print__exit()
 * and the END-time printing of the aggregations not printed yet, as
 * dtrace(1) does.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static struct dcons_aggstore *S;
static struct dcons_ctx C;
static struct dcons_buf B;

static void setup(void)
{
	S = dcons_aggstore__new();
	ck_assert_ptr_nonnull(S);
	dcons_ctx__init(&C);
	C.opts.quiet = true;
	dcons_buf__init(&B);
}

static void teardown(void)
{
	dcons_aggstore__free(S);
	dcons_buf__free(&B);
}

/* printf(fmt, args...) into B. */
static void pf(const char *fmt, size_t n, const struct dcons_rec *args)
{
	struct dcons_err err;
	struct dcons_fmt *f = dcons_fmt__parse(fmt, strlen(fmt), false, &err);

	ck_assert_msg(f != NULL, "parse %s: %s", fmt, err.msg);
	ck_assert_int_eq(dcons_fmt__format(f, args, n, &C, &B), 0);
	dcons_fmt__free(f);
}

static void text(const char *s)
{
	pf(s, 0, NULL);
}

static void printa_fmt(const char *fmt, uint32_t id)
{
	struct dcons_err err;
	struct dcons_fmt *f = dcons_fmt__parse(fmt, strlen(fmt), true, &err);

	ck_assert_msg(f != NULL, "parse %s: %s", fmt, err.msg);
	ck_assert_int_eq(dcons_aggstore__printa(S, f, &id, 1, &C, &B), 0);
	dcons_fmt__free(f);
}

static void printa_def(uint32_t id)
{
	ck_assert_int_eq(dcons_aggstore__printa(S, NULL, &id, 1, &C, &B), 0);
}

static void finish(void)
{
	ck_assert_int_eq(dcons_print__exit(&C, &B), 0);
	ck_assert_int_eq(dcons_aggstore__print_unprinted(S, &C, &B), 0);
}

static void ap0(uint32_t id, int64_t v, int64_t incr)
{
	ck_assert_int_eq(dcons_aggstore__apply(S, id, NULL, 0, v, incr), 0);
}

static void api32(uint32_t id, int32_t k, int64_t v, int64_t incr)
{
	struct dcons_rec r = r_i32(&k);

	ck_assert_int_eq(dcons_aggstore__apply(S, id, &r, 1, v, incr), 0);
}

static void api64(uint32_t id, int64_t k, int64_t v, int64_t incr)
{
	struct dcons_rec r = r_i64(&k);

	ck_assert_int_eq(dcons_aggstore__apply(S, id, &r, 1, v, incr), 0);
}

static void apstr(uint32_t id, const char *k, int64_t v, int64_t incr)
{
	struct dcons_rec r = r_str(k);

	ck_assert_int_eq(dcons_aggstore__apply(S, id, &r, 1, v, incr), 0);
}

/* ------------------------------------------------------------ aggs */

/* ASSERTION: two count()s print as one 17-column value after the exit newline. */
START_TEST(g_count)
{
	decl(S, 1, "a", DIF_ACT_COUNT, 0, 0);
	ap0(1, 0, 1);
	ap0(1, 0, 1);
	finish();
	golden_compare("aggs/tst.count.d.out", &B);
}
END_TEST

/* ASSERTION: avg() of 0..900 by 100 prints the truncated average 450. */
START_TEST(g_avg)
{
	decl(S, 1, "a", DIF_ACT_AVG, 0, 0);
	for (int i = 0; i < 1000; i += 100)
		ap0(1, i, 1);
	finish();
	golden_compare("aggs/tst.avg.d.out", &B);
}
END_TEST

/* ASSERTION: stddev() uses DTrace's integer arithmetic (100,200,300 -> 81). */
START_TEST(g_stddev)
{
	decl(S, 1, "_", DIF_ACT_STDDEV, 0, 0);
	ap0(1, 100, 1);
	ap0(1, 200, 1);
	ap0(1, 300, 1);
	printa_fmt("%@d", 1);
	finish();
	golden_compare("aggs/tst.stddev.d.out", &B);
}
END_TEST

/* ASSERTION: normalized stddev divides the squares by normal twice. */
START_TEST(g_stddev_normalize)
{
	decl(S, 1, "_", DIF_ACT_STDDEV, 0, 0);
	for (int i = 0; i < 11; i++)
		ap0(1, i * 100, 1);
	text("normalized data:\n");
	ck_assert_int_eq(dcons_aggstore__normalize(S, 1, 10), 0);
	finish();
	golden_compare("aggs/tst.stddev.normalize.d.out", &B);
}
END_TEST

/* ASSERTION: one quantize() per int key: each key then its 3-row histogram. */
START_TEST(g_quantize)
{
	decl(S, 1, "a", DIF_ACT_QUANTIZE, 0, 1, KI32);
	for (int i = 0; i < 1000; i += 100)
		api32(1, i, i, 1);
	finish();
	golden_compare("aggs/tst.quantize.d.out", &B);
}
END_TEST

/* ASSERTION: lquantize() rows are labelled base + k*step. */
START_TEST(g_lquantize)
{
	decl(S, 1, "a", DIF_ACT_LQUANTIZE, lq_arg(-100, 1100, 100), 1, KI32);
	for (int i = 0; i < 1000; i += 100)
		api32(1, i, i, 1);
	finish();
	golden_compare("aggs/tst.lquantize.d.out", &B);
}
END_TEST

/* ASSERTION: END prints every aggregation in declaration order, no blank lines between scalars. */
START_TEST(g_multiaggs2)
{
	decl(S, 1, "a", DIF_ACT_AVG, 0, 0);
	decl(S, 2, "b", DIF_ACT_SUM, 0, 0);
	decl(S, 3, "c", DIF_ACT_MIN, 0, 0);
	decl(S, 4, "d", DIF_ACT_MAX, 0, 0);
	decl(S, 5, "e", DIF_ACT_QUANTIZE, 0, 0);
	decl(S, 6, "f", DIF_ACT_LQUANTIZE, lq_arg(0, 1000, 100), 0);
	for (int i = 0; i < 1000; i += 100)
		for (uint32_t id = 1; id <= 6; id++)
			ap0(id, i, 1);
	finish();
	golden_compare("aggs/tst.multiaggs2.d.out", &B);
}
END_TEST

/* ASSERTION: negative quantize weights draw bars left of '|', mixed signs split at 20. */
START_TEST(g_negquant)
{
	const int64_t M = INT64_MAX;
	int64_t val = 123;

	decl(S, 1, "_", DIF_ACT_QUANTIZE, 0, 1, KSTR);
	apstr(1, "j-church", 1, 100);
	apstr(1, "j-church", 1, -99);
	apstr(1, "j-church", 1, -1);
	apstr(1, "k-ingleside", 1, -val);
	apstr(1, "l-taraval", 0, -val);
	apstr(1, "l-taraval", -1, -val);
	apstr(1, "l-taraval", 1, val);
	apstr(1, "l-taraval", 1, val);
	apstr(1, "m-oceanview", 1, M);
	apstr(1, "m-oceanview", 1, 1);
	apstr(1, "m-oceanview", 2, M);
	apstr(1, "m-oceanview", 8, 400000);
	apstr(1, "n-judah", 1, val);
	apstr(1, "n-judah", 2, val);
	apstr(1, "n-judah", 2, val);
	apstr(1, "n-judah", 2, 1);
	for (int64_t i = 1, v = M, k = 0; k < 4; k++, i <<= 1, v >>= 1)
		apstr(1, "f-market", i, v);
	for (int64_t i = 1, v = M - 3, k = 0; k < 4; k++, i <<= 1, v >>= 1)
		apstr(1, "s-castro", i, v);
	finish();
	golden_compare("aggs/tst.negquant.d.out", &B);
}
END_TEST

/* The script's tick loop shared by quantzero/negorder/lquantzero. */
static int64_t next_incr(int64_t *val)
{
	int64_t incr = *val % 13;

	*val += 7;
	if (*val == 0)
		*val += 7;
	return incr;
}

/* ASSERTION: a zero bucket with negative weights sorts by the zero bucket's count. */
START_TEST(g_quantzero)
{
	int64_t val = -7 * 13 + 7, i = 0, incr;

	decl(S, 1, "_", DIF_ACT_QUANTIZE, 0, 1, KI64);
	while ((incr = next_incr(&val)) != 0)
		api64(1, ++i, 0, incr);
	printa_def(1);
	finish();
	golden_compare("aggs/tst.quantzero.d.out", &B);
}
END_TEST

/* ASSERTION: ordering with negative weights for quantize, lquantize, sum, max, min. */
START_TEST(g_negorder)
{
	static const char *title[] = { "quantize()", "lquantize()", "sum()",
		"max()", "min()" };
	int64_t val = -7 * 13 + 7, i = 0, incr;

	decl(S, 1, "quanty", DIF_ACT_QUANTIZE, 0, 1, KI64);
	decl(S, 2, "lquanty", DIF_ACT_LQUANTIZE, lq_arg(-10, 10, 1), 1, KI64);
	decl(S, 3, "summy", DIF_ACT_SUM, 0, 1, KI64);
	decl(S, 4, "maxxy", DIF_ACT_MAX, 0, 1, KI64);
	decl(S, 5, "minny", DIF_ACT_MIN, 0, 1, KI64);
	while ((incr = next_incr(&val)) != 0) {
		i++;
		api64(1, i, 1, incr);
		api64(2, i, 1, incr);
		api64(3, i, incr, 1);
		api64(4, i, incr, 1);
		api64(5, i, incr, 1);
	}
	for (uint32_t id = 1; id <= 5; id++) {
		char line[96];

		snprintf(line, sizeof(line),
			"Ordering of %s with some negative weights:\n", title[id - 1]);
		text(line);
		printa_def(id);
		text("\n");
	}
	finish();
	golden_compare("aggs/tst.negorder.d.out", &B);
}
END_TEST

/* ASSERTION: the lquantize zero bucket is found below, at, within and above the range. */
START_TEST(g_lquantzero)
{
	static const struct { int32_t base, limit; uint16_t step; const char *t; } q[] = {
		{ 10, 20, 1, "Zero below the range:\n" },
		{ 1, 20, 5, "Zero just below the range:\n" },
		{ 0, 20, 1, "Zero at the bottom of the range:\n" },
		{ -10, 10, 1, "Zero within the range:\n" },
		{ -10, 0, 1, "Zero at the top of the range:\n" },
		{ -10, -1, 1, "Zero just above the range:\n" },
		{ -10, -2, 1, "Zero above the range:\n" },
	};
	int64_t val = -7 * 13 + 7, i = 0, incr;

	for (uint32_t k = 0; k < 7; k++)
		decl(S, k + 1, "q", DIF_ACT_LQUANTIZE,
			lq_arg(q[k].base, q[k].limit, q[k].step), 1, KI64);
	while ((incr = next_incr(&val)) != 0) {
		i++;
		for (uint32_t k = 0; k < 7; k++)
			api64(k + 1, i, 0, incr);
	}
	for (uint32_t k = 0; k < 7; k++) {
		text(q[k].t);
		printa_def(k + 1);
		text("\n");
	}
	finish();
	golden_compare("aggs/tst.lquantzero.d.out", &B);
}
END_TEST

/* ASSERTION: clear() zeroes values but keeps keys; printa() starts with a blank line. */
START_TEST(g_clear)
{
	int32_t i = 0;

	decl(S, 1, "func", DIF_ACT_SUM, 0, 1, KI32);
	for (;;) {
		if (i < 20) {
			api32(1, i % 5, i * 100, 1);
			i++;
		}
		if (i == 10) {
			text("Aggregation data before clear():\n");
			printa_def(1);
			ck_assert_int_eq(dcons_aggstore__clear(S, 1), 0);
			text("Aggregation data after clear():\n");
			printa_def(1);
			i++;
		}
		if (i == 20) {
			text("Final aggregation data:\n");
			printa_def(1);
			break;
		}
	}
	finish();
	golden_compare("aggs/tst.clear.d.out", &B);
}
END_TEST

/* ASSERTION: normalize() divides sums at print time. */
START_TEST(g_normalize)
{
	decl(S, 1, "func", DIF_ACT_SUM, 0, 1, KI32);
	for (int32_t i = 0; i < 20; i++)
		api32(1, i % 5, i * 100, 1);
	text("normalized data:\n");
	ck_assert_int_eq(dcons_aggstore__normalize(S, 1, 5), 0);
	finish();
	golden_compare("aggs/tst.normalize.d.out", &B);
}
END_TEST

/* ASSERTION: trunc(@, 10) keeps the ten highest values. */
START_TEST(g_trunc)
{
	decl(S, 1, "_", DIF_ACT_SUM, 0, 1, KI32);
	for (int32_t i = 0; i < 100; i++)
		api32(1, i, i, 1);
	ck_assert_int_eq(dcons_aggstore__trunc(S, 1, 10, false), 0);
	finish();
	golden_compare("aggs/tst.trunc.d.out", &B);
}
END_TEST

static void tour(const char *city, int32_t i, int32_t j)
{
	struct dcons_rec k[3] = { r_str(city), r_i32(&i), r_i32(&j) };

	ck_assert_int_eq(dcons_aggstore__apply(S, 1, k, 3, 5 - j, 1), 0);
}

/* ASSERTION: aggsortkey, aggsortkeypos and aggsortrev order printa rows. */
START_TEST(g_keysort)
{
	static const char *c1[] = { "Ghent" }, *c2[] = { "Berlin" },
		*c3[] = { "London", "Dublin" }, *c4[] = { "Shanghai" },
		*c5[] = { "Zurich" }, *c6[] = { "Regina", "Winnipeg", "Edmonton",
		"Calgary", "Vancouver", "Victoria" }, *c7[] = { "Prague", "London" },
		*c8[] = { "Brisbane", "Sydney", "Melbourne" };
	static const char **groups[] = { c1, c2, c3, c4, c5, c6, c7, c8 };
	static const int ng[] = { 1, 1, 2, 1, 1, 6, 2, 3 };
	static const struct { const char *t; int key, keypos, rev; } steps[] = {
		{ "By value:\n", 0, 0, 0 },
		{ "\nBy key, position 0:\n", 1, 0, 0 },
		{ "\nBy key, position 1:\n", 1, 1, 0 },
		{ "\nBy key, position 2:\n", 1, 2, 0 },
		{ "\nReversed by value:\n", 0, 0, 1 },
		{ "\nReversed by key, position 0:\n", 1, 0, 1 },
		{ "\nReversed by key, position 1:\n", 1, 1, 1 },
		{ "\nReversed by key, position 2:\n", 1, 2, 1 },
	};
	int32_t i = 0, j = 0;

	decl(S, 1, "tour", DIF_ACT_SUM, 0, 3, KSTR, KI32, KI32);
	for (int g = 0; g < 8; g++, j++)
		for (int k = 0; k < ng[g]; k++)
			tour(groups[g][k], i++, j);
	tour("Amsterdam", i++, j);
	for (int s = 0; s < 8; s++) {
		C.opts.aggsortkey = steps[s].key;
		C.opts.aggsortkeypos = (uint32_t)steps[s].keypos;
		C.opts.aggsortrev = steps[s].rev;
		text(steps[s].t);
		printa_fmt("%20s %8d %8d %8@d\n", 1);
	}
	finish();
	golden_compare("aggs/tst.keysort.d.out", &B);
}
END_TEST

/* ASSERTION: printa formats consume keys in order; keys sort ascending on value ties. */
START_TEST(g_order)
{
	static const int32_t ints[] = { 8, 6, 7, 5, 3, 0, 9 };
	static const char *cities[] = { "Ghent", "Berlin", "London", "Dublin",
		"Shanghai", "Zurich", "Regina", "Winnipeg", "Edmonton", "Calgary" };
	static const char *food[] = { "Rice", "Oatmeal", "Barley", "Carrots",
		"Sweet potato", "Asparagus", "Squash" };
	static const char chars[] = "asdf";

	decl(S, 1, "_", DIF_ACT_SUM, 0, 1, KI32);
	decl(S, 2, "tour", DIF_ACT_SUM, 0, 1, KSTR);
	decl(S, 3, "ate", DIF_ACT_SUM, 0, 2, KI32, KSTR);
	decl(S, 4, "chars", DIF_ACT_SUM, 0, 1, KI32);
	for (int k = 0; k < 7; k++)
		api32(1, ints[k], 1, 1);
	for (int k = 0; k < 10; k++)
		apstr(2, cities[k], 1, 1);
	for (int k = 0; k < 7; k++) {
		int32_t eight = 8;
		struct dcons_rec r[2] = { r_i32(&eight), r_str(food[k]) };

		ck_assert_int_eq(dcons_aggstore__apply(S, 3, r, 2, 1, 1), 0);
	}
	for (int k = 0; k < 4; k++)
		api32(4, chars[k], 1, 1);
	printa_fmt("%d\n", 1);
	text("\n");
	printa_fmt("%s\n", 2);
	text("\n");
	printa_fmt("%d %s\n", 3);
	text("\n");
	printa_fmt("%c\n", 4);
	text("\n");
	finish();
	golden_compare("aggs/tst.order.d.out", &B);
}
END_TEST

/* ASSERTION: aggzoom scales bars to the largest bucket. */
START_TEST(g_aggzoom)
{
	int64_t i = 0;

	decl(S, 1, "_", DIF_ACT_LQUANTIZE, lq_arg(0, 100, 1), 0);
	while (i++ < 90)
		ap0(1, i, 1000);
	/* ticks with i in 91..99 fire neither clause */
	i = 100;
	ap0(1, i++, 2000);
	ap0(1, i++, 3000);
	printa_def(1);
	C.opts.aggzoom = true;
	printa_def(1);
	finish();
	golden_compare("aggs/tst.aggzoom.d.out", &B);
}
END_TEST

/* ASSERTION: clear() of lquantize/quantize keeps the keys and empties the buckets. */
START_TEST(g_clearlquantize)
{
	int64_t x = 0, y = 0;

	decl(S, 1, "a", DIF_ACT_LQUANTIZE, lq_arg(0, 100, 1), 1, KSTR);
	decl(S, 2, "b", DIF_ACT_QUANTIZE, 0, 1, KSTR);
	for (;;) {
		x++;
		apstr(1, "linear", x, 1);
		apstr(2, "exp", x, 1);
		if ((x % 5) == 0 && y++ < 5) {
			printa_def(1);
			printa_def(2);
			dcons_aggstore__clear(S, 1);
			dcons_aggstore__clear(S, 2);
		}
		if ((x % 5) == 0 && y == 5)
			break;
	}
	finish();
	golden_compare("aggs/tst.clearlquantize.d.out", &B);
}
END_TEST

/* ---------------------------------------------------------- llquantize */

/* ASSERTION: a cleared llquantize shows the underflow row and the first bucket. */
START_TEST(g_llq_clear)
{
	decl(S, 1, "_", DIF_ACT_LLQUANTIZE, llq_arg(10, 0, 6, 20), 0);
	ap0(1, 0, 1);
	dcons_aggstore__clear(S, 1);
	finish();
	golden_compare("llquantize/tst.clear.d.out", &B);
}
END_TEST

/* ASSERTION: llquantize with negative weights splits the bars. */
START_TEST(g_llq_negvalue)
{
	int64_t i = 0;

	decl(S, 1, "_", DIF_ACT_LLQUANTIZE, llq_arg(10, 0, 10, 10), 0);
	while (i++ <= 100)
		ap0(1, i, 50 - i);
	finish();
	golden_compare("aggs/tst.llquantnegvalue.d.out", &B);
}
END_TEST

/* ASSERTION: llquantize bucket labels for factors 2 to 10. */
START_TEST(g_llq_bases)
{
	static const uint16_t a[][4] = { { 2, 0, 6, 2 }, { 3, 0, 1, 9 },
		{ 4, 0, 1, 4 }, { 5, 0, 1, 25 }, { 6, 0, 3, 12 }, { 7, 0, 1, 7 },
		{ 8, 0, 1, 16 }, { 9, 0, 1, 9 }, { 10, 0, 1, 10 } };
	int64_t i = 0;

	for (uint32_t k = 0; k < 9; k++)
		decl(S, k + 1, "q", DIF_ACT_LLQUANTIZE,
			llq_arg(a[k][0], a[k][1], a[k][2], a[k][3]), 0);
	while (i++ <= 100)
		for (uint32_t k = 0; k < 9; k++)
			ap0(k + 1, i, 1);
	finish();
	golden_compare("aggs/tst.llquantbases.d.out", &B);
}
END_TEST

/* ------------------------------------------------------------ printa */

/* ASSERTION: printa(@) without a format starts with a blank line. */
START_TEST(g_printa_def)
{
	decl(S, 1, "a", DIF_ACT_COUNT, 0, 0);
	ap0(1, 0, 1);
	printa_def(1);
	finish();
	golden_compare("printa/tst.def.d.out", &B);
}
END_TEST

/* ASSERTION: %@u prints the value; the exit newline follows. */
START_TEST(g_printa_fmt)
{
	decl(S, 1, "a", DIF_ACT_COUNT, 0, 0);
	ap0(1, 0, 1);
	printa_fmt("%@u", 1);
	finish();
	golden_compare("printa/tst.fmt.d.out", &B);
}
END_TEST

/* ASSERTION: every %@ of one aggregation prints its value. */
START_TEST(g_printa_manyval)
{
	decl(S, 1, "a", DIF_ACT_COUNT, 0, 0);
	ap0(1, 0, 1);
	printa_fmt("%@u %@u %@u %@u %@u %@u %@u\n", 1);
	finish();
	golden_compare("printa/tst.manyval.d.out", &B);
}
END_TEST

/* ASSERTION: a '*' width in printa consumes a key; negative means left-justify. */
START_TEST(g_printa_dynwidth)
{
	int32_t k[][2] = { { 10, 100 }, { -10, 200 } };

	decl(S, 1, "_", DIF_ACT_SUM, 0, 2, KI32, KI32);
	for (int n = 0; n < 2; n++) {
		struct dcons_rec r[2] = { r_i32(&k[n][0]), r_i32(&k[n][1]) };

		ck_assert_int_eq(dcons_aggstore__apply(S, 1, r, 2, n + 1, 1), 0);
	}
	printa_fmt("-->%-*d<--\n", 1);
	printa_fmt("-->%*d<--\n", 1);
	finish();
	golden_compare("printa/tst.dynwidth.d.out", &B);
}
END_TEST

/* ------------------------------------------------------------ printf */

/* ASSERTION: %d %u %x %o read the record's size; %d is unsigned for unsigned types. */
START_TEST(g_printf_ints)
{
	const uint64_t v = 0x1234567890abcdefULL;
	static const char *convs[] = { "d", "d", "u", "u", "x", "x", "o", "o" };
	static const bool sgn[] = { true, false, true, false, false, true, false,
		true };
	uint32_t p1 = 0x12345678, p2 = 0x90abcdef;
	uint64_t p3 = 0x67890abc;

	for (int g = 0; g < 8; g++) {
		static const uint32_t sizes[] = { 1, 2, 4, 8 };

		for (int s = 0; s < 4; s++) {
			char fmt[8];
			struct dcons_rec r = dcons_rec__int(&v, sizes[s], sgn[g]);

			snprintf(fmt, sizeof(fmt), "%s%%%s\n", s == 0 ? "\n" : "",
				convs[g]);
			pf(fmt, 1, &r);
		}
	}
	{
		struct dcons_rec r[3] = { dcons_rec__int(&p1, 4, false),
			dcons_rec__int(&p2, 4, false), dcons_rec__int(&p3, 8, false) };
		uint64_t a = p1, b = p2;

		r[0] = dcons_rec__int(&a, 8, false);
		r[1] = dcons_rec__int(&b, 8, false);
		pf("\n%p\n", 1, &r[0]);
		pf("%p\n", 1, &r[1]);
		pf("%p\n", 1, &r[2]);
	}
	finish();
	golden_compare("printf/tst.ints.d.out", &B);
}
END_TEST

/* ASSERTION: %d and %i follow the type's sign, %u never sign-extends. */
START_TEST(g_printf_signs)
{
	uint16_t x = 0xffff;
	int16_t y = -1;
	struct dcons_rec rx[3], ry[3];

	for (int k = 0; k < 3; k++) {
		rx[k] = dcons_rec__int(&x, 2, false);
		ry[k] = dcons_rec__int(&y, 2, true);
	}
	pf("%d %i %u\n", 3, rx);
	pf("%d %i %u\n", 3, ry);
	finish();
	golden_compare("printf/tst.signs.d.out", &B);
}
END_TEST

/* ASSERTION: # 0 - + and space flags behave as in C. */
START_TEST(g_printf_flags)
{
	int32_t h = 0x123, d = 123;
	struct dcons_rec rh = r_i32(&h), rd = r_i32(&d);

	text("\n");
	pf("# %#8x\n", 1, &rh);
	pf("0 %08x\n", 1, &rh);
	pf("- %-8x\n", 1, &rh);
	pf("+ %+8d\n", 1, &rd);
	pf("  % 8d\n", 1, &rd);
	finish();
	golden_compare("printf/tst.flags.d.out", &B);
}
END_TEST

/* ASSERTION: string width/precision, with a precision of 0 meaning none. */
START_TEST(g_printf_wp)
{
	const char *hello = "hello";
	struct dcons_rec s = r_str(hello);

	text("\n");
	for (int k = 0; k < 10; k++) {
		char fmt[16];

		snprintf(fmt, sizeof(fmt), "%%%d.%ds\n", k, k);
		pf(fmt, 1, &s);
	}
	for (int32_t x = 0; x < 10; ) {
		int32_t w = x, p = x++;
		struct dcons_rec r[3] = { r_i32(&w), r_i32(&p), s };

		pf("%*.*s\n", 3, r);
	}
	finish();
	golden_compare("printf/tst.wp.d.out", &B);
}
END_TEST

/* ASSERTION: string precisions, fixed and from '*'. */
START_TEST(g_printf_precs)
{
	struct dcons_rec s = r_str("hello");

	text("\n");
	for (int k = 0; k < 6; k++) {
		char fmt[16];

		snprintf(fmt, sizeof(fmt), "%%.%ds\n", k);
		pf(fmt, 1, &s);
	}
	for (int32_t x = 0; x < 6; x++) {
		int32_t p = x;
		struct dcons_rec r[2] = { r_i32(&p), s };

		pf("%.*s\n", 2, r);
	}
	finish();
	golden_compare("printf/tst.precs.d.out", &B);
}
END_TEST

static void times3(const char *fmt)
{
	uint64_t t[3] = { 0, 1062609821ULL * 1000000000ULL,
		0x7fffffffULL * 1000000000ULL };
	struct dcons_rec r[3];

	for (int k = 0; k < 3; k++)
		r[k] = dcons_rec__int(&t[k], 8, false);
	pf(fmt, 3, r);
}

/* ASSERTION: %Y prints "YYYY Mon DD HH:MM:SS". */
START_TEST(g_printf_Y)
{
	times3("%Y\n%Y\n%Y");
	finish();
	golden_compare("printf/tst.printY.d.out", &B);
}
END_TEST

/* ASSERTION: %T prints RFC-822 time. */
START_TEST(g_printf_T)
{
	times3("%T\n%T\n%T");
	finish();
	golden_compare("printf/tst.printT.d.out", &B);
}
END_TEST

/* ASSERTION: %e/%E of float and double zero. */
START_TEST(g_printf_eE)
{
	float f = 0;
	double d = 0;
	struct dcons_rec rf = { DIF_ACT_DIFEXPR, DCONS_REC_FLOAT, 4, &f, 0 };
	struct dcons_rec rd = { DIF_ACT_DIFEXPR, DCONS_REC_FLOAT, 8, &d, 0 };

	text("\n");
	pf("%%e = %e\n", 1, &rf);
	pf("%%E = %E\n", 1, &rf);
	pf("%%e = %e\n", 1, &rd);
	pf("%%E = %E\n", 1, &rd);
	finish();
	golden_compare("printf/tst.printeE.d.out", &B);
}
END_TEST

/* ASSERTION: a plain format is printed and the exit newline follows. */
START_TEST(g_printf_hello)
{
	text("hello");
	finish();
	golden_compare("printf/tst.hello.d.out", &B);
}
END_TEST

/* ------------------------------------------------------------ trace */

/* ASSERTION: quiet trace() of strings prints them verbatim, '%' included. */
START_TEST(g_trace_qstring)
{
	static const char *s[] = { "this", " %should work.\n",
		"%don't w%orry -- this won't cause a %segfault.\n" };

	for (int k = 0; k < 3; k++) {
		char buf[256] = { 0 };
		struct dcons_rec r = dcons_rec__str(buf, sizeof(buf));

		strcpy(buf, s[k]);
		ck_assert_int_eq(dcons_print__trace(&C, &r, &B), 0);
	}
	finish();
	golden_compare("trace/tst.qstring.d.out", &B);
}
END_TEST

/* ASSERTION: tracemem() prints the 16-column hex dump with a short last row. */
START_TEST(g_tracemem_small)
{
	struct dcons_rec r = { DIF_ACT_TRACEMEM, 0, 6, "Darwin", 0 };

	ck_assert_int_eq(dcons_print__tracemem(&C, &r, &B), 0);
	finish();
	golden_compare("tracemem/tst.smallsize.d.out", &B);
}
END_TEST

/* ---------------------------------------------------------- batch 2 */

/* ASSERTION: %@ of every function; a quantization's %@ is its histogram. */
START_TEST(g_printa_basics)
{
	static const char *fmts[] = { "@a = %@u\n", "@b = %@u\n", "@c = %@d\n",
		"@d = %@u\n", "@e = %@u\n", "@f = %@u\n", "@g = %@d\n" };

	decl(S, 1, "a", DIF_ACT_AVG, 0, 0);
	decl(S, 2, "b", DIF_ACT_COUNT, 0, 0);
	decl(S, 3, "c", DIF_ACT_LQUANTIZE, lq_arg(1, 10, 1), 0);
	decl(S, 4, "d", DIF_ACT_MAX, 0, 0);
	decl(S, 5, "e", DIF_ACT_MIN, 0, 0);
	decl(S, 6, "f", DIF_ACT_SUM, 0, 0);
	decl(S, 7, "g", DIF_ACT_QUANTIZE, 0, 0);
	for (uint32_t id = 1; id <= 7; id++)
		ap0(id, 1, 1);
	for (uint32_t id = 1; id <= 7; id++)
		printa_fmt(fmts[id - 1], id);
	finish();
	golden_compare("printa/tst.basics.d.out", &B);
}
END_TEST

/* ASSERTION: printa key conversions may use fewer keys than the tuple has. */
START_TEST(g_printa_tuple)
{
	int32_t k[5] = { 1, 2, 3, 4, 5 };
	struct dcons_rec r[5];

	decl(S, 1, "a", DIF_ACT_COUNT, 0, 5, KI32, KI32, KI32, KI32, KI32);
	for (int i = 0; i < 5; i++)
		r[i] = r_i32(&k[i]);
	ck_assert_int_eq(dcons_aggstore__apply(S, 1, r, 5, 0, 1), 0);
	text("\n");
	printa_fmt("%@u: -\n", 1);
	printa_fmt("%@u: %d\n", 1);
	printa_fmt("%@u: %d %d\n", 1);
	printa_fmt("%@u: %d %d %d\n", 1);
	printa_fmt("%@u: %d %d %d %d\n", 1);
	printa_fmt("%@u: %d %d %d %d %d\n", 1);
	finish();
	golden_compare("printa/tst.tuple.d.out", &B);
}
END_TEST

/* ASSERTION: printa formats on keyless and keyed aggregations. */
START_TEST(g_forms)
{
	int32_t zero = 0;
	struct dcons_rec r = r_i32(&zero);

	decl(S, 1, "a", DIF_ACT_COUNT, 0, 0);
	decl(S, 2, "b", DIF_ACT_MAX, 0, 0);
	decl(S, 3, "c", DIF_ACT_COUNT, 0, 1, KI32);
	decl(S, 4, "d", DIF_ACT_MAX, 0, 1, KI32);
	ap0(1, 0, 1);
	ap0(2, 1, 1);
	ck_assert_int_eq(dcons_aggstore__apply(S, 3, &r, 1, 0, 1), 0);
	ck_assert_int_eq(dcons_aggstore__apply(S, 4, &r, 1, 1, 1), 0);
	printa_fmt("\n@a = %@u\n", 1);
	printa_fmt("@b = %@u\n", 2);
	printa_fmt("@c = %@u\n", 3);
	printa_fmt("@d = %@u\n", 4);
	finish();
	golden_compare("aggs/tst.forms.d.out", &B);
}
END_TEST

static void func_sums(uint32_t id, int from, int to)
{
	for (int32_t i = from; i < to; i++)
		api32(id, i % 5, i * 100, 1);
}

/* ASSERTION: denormalize() undoes normalize(). */
START_TEST(g_denormalize)
{
	decl(S, 1, "func", DIF_ACT_SUM, 0, 1, KI32);
	func_sums(1, 0, 20);
	ck_assert_int_eq(dcons_aggstore__normalize(S, 1, 5), 0);
	text("denormalized:");
	ck_assert_int_eq(dcons_aggstore__denormalize(S, 1), 0);
	printa_def(1);
	finish();
	golden_compare("aggs/tst.denormalize.d.out", &B);
}
END_TEST

/* ASSERTION: %@u prints the normalized value. */
START_TEST(g_fmtnormalize)
{
	decl(S, 1, "func", DIF_ACT_SUM, 0, 1, KI32);
	func_sums(1, 0, 20);
	text("normalized data:\n");
	ck_assert_int_eq(dcons_aggstore__normalize(S, 1, 5), 0);
	printa_fmt("%u %@u\n", 1);
	finish();
	golden_compare("aggs/tst.fmtnormalize.d.out", &B);
}
END_TEST

/* ASSERTION: normalize() then clear() then normalize() again. */
START_TEST(g_clearnormalize)
{
	int32_t i = 0;

	decl(S, 1, "func", DIF_ACT_SUM, 0, 1, KI32);
	for (;;) {
		if (i < 20) {
			api32(1, i % 5, i * 100, 1);
			i++;
		}
		if (i == 10) {
			text("Normalized data before clear:\n");
			dcons_aggstore__normalize(S, 1, 5);
			printa_def(1);
			dcons_aggstore__clear(S, 1);
			text("Aggregation data after clear:\n");
			printa_def(1);
			i++;
		}
		if (i == 20) {
			text("Final (normalized) aggregation data:\n");
			dcons_aggstore__normalize(S, 1, 5);
			printa_def(1);
			break;
		}
	}
	finish();
	golden_compare("aggs/tst.clearnormalize.d.out", &B);
}
END_TEST

/* ASSERTION: each aggregation keeps its own normalization. */
START_TEST(g_multinormalize)
{
	decl(S, 1, "func1", DIF_ACT_SUM, 0, 1, KI32);
	decl(S, 2, "func2", DIF_ACT_SUM, 0, 1, KI32);
	for (int32_t i = 0; i < 20; i++) {
		api32(1, i % 5, i * 100, 1);
		api32(2, i % 5 + 1, i * 200, 1);
	}
	text("normalized data #1:\n");
	dcons_aggstore__normalize(S, 1, 5);
	printa_def(1);
	text("\nnormalized data #2:\n");
	dcons_aggstore__normalize(S, 2, 5);
	finish();
	golden_compare("aggs/tst.multinormalize.d.out", &B);
}
END_TEST

/* ASSERTION: negative lquantize weights, and sorting of huge quantizations. */
START_TEST(g_neglquant)
{
	const int64_t M = INT64_MAX;
	const uint64_t a = lq_arg(0, 10, 1);
	int64_t val = 123;

	decl(S, 1, "_", DIF_ACT_LQUANTIZE, a, 1, KSTR);
	apstr(1, "j-church", 1, 100);
	apstr(1, "j-church", 1, -99);
	apstr(1, "j-church", 1, -1);
	apstr(1, "k-ingleside", 1, -val);
	apstr(1, "l-taraval", 0, -val);
	apstr(1, "l-taraval", -1, -val);
	apstr(1, "l-taraval", 1, val);
	apstr(1, "l-taraval", 1, val);
	apstr(1, "m-oceanview", 1, M);
	apstr(1, "m-oceanview", 1, 1);
	apstr(1, "m-oceanview", 2, M);
	apstr(1, "m-oceanview", 8, 400000);
	apstr(1, "n-judah", 1, val);
	apstr(1, "n-judah", 2, val);
	apstr(1, "n-judah", 2, val);
	apstr(1, "n-judah", 2, 1);
	for (int64_t i = 1, v = M; i <= 7; i++, v = M / i)
		apstr(1, "f-market", i, v);
	for (int64_t i = 1, v = M - 6; i <= 7; i++, v = M / i)
		apstr(1, "s-castro", i, v);
	finish();
	golden_compare("aggs/tst.neglquant.d.out", &B);
}
END_TEST

/* ASSERTION: trunc(@, -10) keeps the ten lowest values. */
START_TEST(g_negtrunc)
{
	decl(S, 1, "_", DIF_ACT_SUM, 0, 1, KI32);
	for (int32_t i = 0; i < 100; i++)
		api32(1, i, i, 1);
	ck_assert_int_eq(dcons_aggstore__trunc(S, 1, -10, false), 0);
	finish();
	golden_compare("aggs/tst.negtrunc.d.out", &B);
}
END_TEST

static void quad_lquant(int64_t n)
{
	decl(S, 1, "_", DIF_ACT_LQUANTIZE, lq_arg(0, 150, 1), 1, KI32);
	for (int32_t i = 0; i < 100; i++)
		for (int d = 0; d < 4; d++)
			api32(1, i, i + d, 1);
	ck_assert_int_eq(dcons_aggstore__trunc(S, 1, n, false), 0);
	finish();
}

/* ASSERTION: trunc() of lquantize keeps the highest sums. */
START_TEST(g_truncquant)
{
	quad_lquant(5);
	golden_compare("aggs/tst.truncquant.d.out", &B);
}
END_TEST

/* ASSERTION: trunc() with a negative count keeps the lowest sums. */
START_TEST(g_negtruncquant)
{
	quad_lquant(-5);
	golden_compare("aggs/tst.negtruncquant.d.out", &B);
}
END_TEST

/* ASSERTION: sum() of 0..900 by 100. */
START_TEST(g_sum)
{
	decl(S, 1, "a", DIF_ACT_SUM, 0, 0);
	for (int i = 0; i < 1000; i += 100)
		ap0(1, i, 1);
	finish();
	golden_compare("aggs/tst.sum.d.out", &B);
}
END_TEST

/* ASSERTION: a string key prints "  %-50s" before the value. */
START_TEST(g_count2)
{
	decl(S, 1, "counts", DIF_ACT_COUNT, 0, 1, KSTR);
	for (int i = 0; i < 10; i++)
		apstr(1, "tick-count", 0, 1);
	finish();
	golden_compare("aggs/tst.count2.d.out", &B);
}
END_TEST

/*
 * The data of the corpus's quantround/lquantround scripts: 27 firings, the
 * first 2 with value 0, the next 6 with 1, the rest with 2.
 */
static void feed_round_data(void)
{
	int64_t i = 0;

	for (;;) {
		if (i++ >= 27)
			break;
		if (i > 8)
			ap0(1, 2, 1);
		if (i > 2 && i <= 8)
			ap0(1, 1, 1);
		if (i <= 2)
			ap0(1, 0, 1);
	}
}

/* ASSERTION: bar depths round to the nearest column. */
START_TEST(g_quantround)
{
	decl(S, 1, "_", DIF_ACT_QUANTIZE, 0, 0);
	feed_round_data();
	finish();
	golden_compare("aggs/tst.quantround.d.out", &B);
}
END_TEST

/* ASSERTION: lquantize bar depths round like quantize's. */
START_TEST(g_lquantround)
{
	decl(S, 1, "_", DIF_ACT_LQUANTIZE, lq_arg(0, 4, 1), 0);
	feed_round_data();
	finish();
	golden_compare("aggs/tst.lquantround.d.out", &B);
}
END_TEST

/* ASSERTION: a normalized lquantize divides the counts. */
START_TEST(g_lquantnormal)
{
	int64_t i = 0;

	decl(S, 1, "_", DIF_ACT_LQUANTIZE, lq_arg(0, 10, 1), 0);
	while (i++ < 10)
		for (int k = 0; k < 5; k++)
			ap0(1, i, 1);
	/* END { normalize(@, 5); printa(@); } runs before the exit newline */
	dcons_aggstore__normalize(S, 1, 5);
	printa_def(1);
	finish();
	golden_compare("aggs/tst.lquantnormal.d.out", &B);
}
END_TEST

/* ASSERTION: a normalized llquantize divides the counts. */
START_TEST(g_llquantnormal)
{
	int64_t i = 0;

	decl(S, 1, "_", DIF_ACT_LLQUANTIZE, llq_arg(10, 0, 10, 10), 0);
	while (i++ <= 100)
		ap0(1, i, 1);
	dcons_aggstore__normalize(S, 1, 10);
	printa_def(1);
	finish();
	golden_compare("aggs/tst.llquantnormal.d.out", &B);
}
END_TEST

/* ASSERTION: clear() of avg prints 0. */
START_TEST(g_clearavg)
{
	decl(S, 1, "a", DIF_ACT_AVG, 0, 0);
	for (int i = 0; i < 5; i++)
		ap0(1, 1000000 + i, 1);
	dcons_aggstore__clear(S, 1);	/* END { clear(@a); } */
	finish();
	golden_compare("aggs/tst.clearavg.d.out", &B);
}
END_TEST

/* ASSERTION: every power of two, positive and negative, has its bucket. */
START_TEST(g_allquant)
{
	decl(S, 1, "_", DIF_ACT_QUANTIZE, 0, 0);
	for (int i = 0; i < 64; i++) {
		int64_t p = (int64_t)(1ULL << i);

		ap0(1, p, 1);
		ap0(1, (int64_t)((uint64_t)p + 1), 1);
		ap0(1, (int64_t)(0 - (uint64_t)p), 1);
		ap0(1, (int64_t)(0 - (uint64_t)p - 1), 1);
	}
	finish();
	golden_compare("aggs/tst.allquant.d.out", &B);
}
END_TEST

/* ASSERTION: llquantize with few buckets and negative weights. */
START_TEST(g_llquantrange)
{
	uint64_t a = llq_arg(10, 1, 2, 20);

	decl(S, 1, "_", DIF_ACT_LLQUANTIZE, a, 1, KSTR);
	apstr(1, "Screven", 0, 25);
	apstr(1, "Katz", 1, -100);
	apstr(1, "Kurian", 7, 15);
	apstr(1, "Rozwat", 49, 15);
	apstr(1, "Fowler", 343, 150);
	printa_def(1);
	finish();
	golden_compare("aggs/tst.llquantrange.d.out", &B);
}
END_TEST

/* ASSERTION: llquantize with 20, 100 and 1000 steps per order. */
START_TEST(g_llquantsteps)
{
	int64_t i = 0;

	decl(S, 1, "_", DIF_ACT_LLQUANTIZE, llq_arg(10, 0, 10, 20), 0);
	decl(S, 2, "hunid", DIF_ACT_LLQUANTIZE, llq_arg(10, 0, 10, 100), 0);
	decl(S, 3, "large", DIF_ACT_LLQUANTIZE, llq_arg(10, 0, 10, 1000), 0);
	while (i++ <= 100) {
		ap0(1, i, 1);
		ap0(2, i * 10, 1);
		ap0(3, i * 100, 1);
	}
	text("20 steps:\n");
	printa_def(1);
	text("100 steps:\n");
	printa_def(2);
	text("1000 steps:\n");
	printa_def(3);
	finish();
	golden_compare("aggs/tst.llquantsteps.d.out", &B);
}
END_TEST

/* ASSERTION: trunc() of llquantize keeps the highest sums. */
START_TEST(g_llquanttrunc)
{
	decl(S, 1, "_", DIF_ACT_LLQUANTIZE, llq_arg(10, 1, 2, 10), 1, KI32);
	for (int32_t i = 0; i < 100; i++)
		for (int d = 0; d < 4; d++)
			api32(1, i, i + d, 150);
	ck_assert_int_eq(dcons_aggstore__trunc(S, 1, 5, false), 0);
	finish();
	golden_compare("aggs/tst.llquanttrunc.d.out", &B);
}
END_TEST

/* ASSERTION: llquantize ordering with negative weights. */
START_TEST(g_llquantnegorder)
{
	int64_t val = -7 * 13 + 7, i = 0, incr;

	decl(S, 1, "llquanty", DIF_ACT_LLQUANTIZE, llq_arg(10, 0, 10, 10), 1, KI64);
	while ((incr = next_incr(&val)) != 0)
		api64(1, ++i, 1, incr);
	text("Ordering of llquantize() with some negative weights:\n");
	printa_def(1);
	text("\n");
	finish();
	golden_compare("aggs/tst.llquantnegorder.d.out", &B);
}
END_TEST

/* ASSERTION: quantize with values and weights of both signs. */
START_TEST(g_quantmany)
{
	int64_t val = 0, shift = 0;

	decl(S, 1, "_", DIF_ACT_QUANTIZE, 0, 1, KI64);
	for (;;) {
		if (val == 0) {
			val = -((int64_t)1 << shift);
			shift++;
		}
		if (shift == 32)
			break;
		if (val == -1)
			val = (int64_t)1 << shift;
		api64(1, shift, val, val);
		val >>= 1;
	}
	finish();
	golden_compare("aggs/tst.quantmany.d.out", &B);
}
END_TEST

/* ASSERTION: llquantize over 1..101 in tens. */
START_TEST(g_llq_basic)
{
	int64_t i = 0;

	decl(S, 1, "_", DIF_ACT_LLQUANTIZE, llq_arg(10, 0, 10, 10), 0);
	while (i++ <= 100)
		ap0(1, i, 1);
	finish();
	golden_compare("llquantize/tst.basic.d.out", &B);
}
END_TEST

/* ---------------------------------------------------------- batch 3 */

/* ASSERTION: integer widths, fixed and from '*'. */
START_TEST(g_printf_widths)
{
	int32_t one = 1;
	struct dcons_rec r1 = r_i32(&one);

	text("\n");
	for (int k = 0; k < 6; k++) {
		char fmt[16];

		snprintf(fmt, sizeof(fmt), "%%%dd\n", k);
		pf(fmt, 1, &r1);
	}
	for (int32_t x = 0; x < 6; x++) {
		int32_t w = x;
		struct dcons_rec r[2] = { r_i32(&w), r1 };

		pf("%*d\n", 2, r);
	}
	finish();
	golden_compare("printf/tst.widths.d.out", &B);
}
END_TEST

static void float_pair(const char *ff, const char *fd)
{
	float f = 0;
	double d = 0;
	struct dcons_rec rf = { DIF_ACT_DIFEXPR, DCONS_REC_FLOAT, 4, &f, 0 };
	struct dcons_rec rd = { DIF_ACT_DIFEXPR, DCONS_REC_FLOAT, 8, &d, 0 };

	pf(ff, 1, &rf);
	pf(fd, 1, &rd);
}

/* ASSERTION: %f of float and double. */
START_TEST(g_printf_f)
{
	text("\n");
	float_pair("%%f = %f\n", "%%f = %f\n");
	finish();
	golden_compare("printf/tst.print-f.d.out", &B);
}
END_TEST

/* ASSERTION: %g and %G of float and double. */
START_TEST(g_printf_gG)
{
	text("\n");
	float_pair("%%g = %g\n", "%%g = %g\n");
	float_pair("%%G = %G\n", "%%G = %G\n");
	finish();
	golden_compare("printf/tst.printgG.d.out", &B);
}
END_TEST

/* ASSERTION: a 64-bit unsigned prints whole with %u, repeatedly. */
START_TEST(g_printf_cont)
{
	uint64_t ts = 53114233149441ULL;
	struct dcons_rec r = dcons_rec__int(&ts, 8, false);

	for (int k = 0; k < 15; k++)
		pf("%u\n", 1, &r);
	finish();
	golden_compare("printf/tst.printcont.d.out", &B);
}
END_TEST

/* ASSERTION: a format without conversions prints verbatim. */
START_TEST(g_printf_raw)
{
	text("hello world from BEGIN");
	finish();
	golden_compare("printf/tst.rawfmt.d.out", &B);
}
END_TEST

/* ASSERTION: %@T and %@Y print an aggregation value as a time. */
START_TEST(g_printa_walltimestamp)
{
	decl(S, 1, "foo", DIF_ACT_MIN, 0, 0);
	ap0(1, 1075064400LL * 1000000000LL, 1);
	printa_fmt("%@T\n", 1);
	printa_fmt("%@Y\n", 1);
	/* freopen("/dev/null"): the rest of the output is discarded */
	golden_compare("printa/tst.walltimestamp.d.out", &B);
}
END_TEST

/* ASSERTION: min() of 0..900 by 100. */
START_TEST(g_min)
{
	decl(S, 1, "a", DIF_ACT_MIN, 0, 0);
	for (int i = 0; i < 1000; i += 100)
		ap0(1, i, 1);
	finish();
	golden_compare("aggs/tst.min.d.out", &B);
}
END_TEST

/* ASSERTION: max() printed by printa() is not printed again at exit. */
START_TEST(g_max)
{
	decl(S, 1, "a", DIF_ACT_MAX, 0, 0);
	for (int i = 0; i < 1000; i += 100)
		ap0(1, i, 1);
	printa_def(1);
	finish();
	golden_compare("aggs/tst.max.d.out", &B);
}
END_TEST

/* ---------------------------------------------------------- consume path */

static const struct dcons_probe begin_probe = { 0, 1, "", "BEGIN" };

/* ASSERTION: printf records with one format id print one formatted line. */
START_TEST(g_consume_hello)
{
	struct dcons_fmttab *ft = dcons_fmttab__new();
	int32_t zero = 0, status = -1;
	struct dcons_rec r[2] = { r_i32(&zero), r_i32(&zero) };

	ck_assert_int_eq(dcons_fmttab__add(ft, 1, "hello", false, NULL), 0);
	r[0].action = DIF_ACT_PRINTF;
	r[0].fmtid = 1;
	r[1].action = DIF_ACT_EXIT;
	ck_assert_int_eq(dcons_consume__probe(&C, ft, S, &begin_probe, r, 2,
		&status, &B), 0);
	ck_assert_int_eq(status, 0);
	finish();
	golden_compare("printf/tst.hello.d.out", &B);
	dcons_fmttab__free(ft);
}
END_TEST

/* ASSERTION: tracemem with a dynamic size prints that many bytes (0 or too big: all). */
START_TEST(g_consume_dynsize)
{
	struct dcons_fmttab *ft = dcons_fmttab__new();
	static const uint8_t zero[128];
	const struct dcons_probe tick = { 0, 2, "", "tick-10ms" };

	ck_assert_int_eq(dcons_fmttab__add(ft, 1, "%d:", false, NULL), 0);
	ck_assert_int_eq(dcons_fmttab__add(ft, 2, "\n", false, NULL), 0);
	for (int32_t i = -10; i++ < 150; ) {
		int64_t dyn = i;
		int32_t z = 0;
		struct dcons_rec r[4] = {
			{ DIF_ACT_PRINTF, DCONS_REC_SIGNED, 4, &i, 1 },
			{ DIF_ACT_TRACEMEM_DYNSIZE, 0, 8, &dyn, 0 },
			{ DIF_ACT_TRACEMEM, 0, 128, zero, 0 },
			{ DIF_ACT_PRINTF, 0, 4, &z, 2 },
		};

		ck_assert_int_eq(dcons_consume__probe(&C, ft, S, &tick, r, 4, NULL,
			&B), 0);
	}
	finish();
	golden_compare("tracemem/tst.dynsize.d.out", &B);
	dcons_fmttab__free(ft);
}
END_TEST

/* ASSERTION: setopt records change the sort order between printa records. */
START_TEST(g_consume_keysort)
{
	static const char *c[] = { "Ghent", "Berlin", "London", "Dublin",
		"Shanghai", "Zurich", "Regina", "Winnipeg", "Edmonton", "Calgary",
		"Vancouver", "Victoria", "Prague", "London", "Brisbane", "Sydney",
		"Melbourne" };
	static const int jinc[] = { 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0,
		0, 1 };
	static const char *script[][3] = {
		{ "aggsortkey", "false", NULL }, { "aggsortkeypos", "0", NULL },
		{ NULL, NULL, "By value:\n" }, { "P", NULL, NULL },
		{ "aggsortkey", "", NULL }, { NULL, NULL, "\nBy key, position 0:\n" },
		{ "P", NULL, NULL }, { "aggsortkeypos", "1", NULL },
		{ NULL, NULL, "\nBy key, position 1:\n" }, { "P", NULL, NULL },
		{ "aggsortkeypos", "2", NULL },
		{ NULL, NULL, "\nBy key, position 2:\n" }, { "P", NULL, NULL },
		{ "aggsortkey", "false", NULL }, { "aggsortkeypos", "0", NULL },
		{ "aggsortrev", "", NULL }, { NULL, NULL, "\nReversed by value:\n" },
		{ "P", NULL, NULL }, { "aggsortkey", "", NULL },
		{ NULL, NULL, "\nReversed by key, position 0:\n" }, { "P", NULL, NULL },
		{ "aggsortkeypos", "1", NULL },
		{ NULL, NULL, "\nReversed by key, position 1:\n" }, { "P", NULL, NULL },
		{ "aggsortkeypos", "2", NULL },
		{ NULL, NULL, "\nReversed by key, position 2:\n" }, { "P", NULL, NULL },
	};
	struct dcons_fmttab *ft = dcons_fmttab__new();
	struct dcons_rec r[64];
	uint64_t aggid = 1;
	int32_t i = 0, j = 0, zero = 0;
	uint32_t nf = 10;
	size_t n = 0;
	int status = -1;

	decl(S, 1, "tour", DIF_ACT_SUM, 0, 3, KSTR, KI32, KI32);
	for (int k = 0; k < 17; k++) {
		tour(c[k], i++, j);
		j += jinc[k];
	}
	tour("Amsterdam", i++, j);
	ck_assert_int_eq(dcons_fmttab__add(ft, 1, "%20s %8d %8d %8@d\n", true,
		NULL), 0);
	for (size_t k = 0; k < sizeof(script) / sizeof(script[0]); k++) {
		if (script[k][2] != NULL) {
			ck_assert_int_eq(dcons_fmttab__add(ft, nf, script[k][2], false,
				NULL), 0);
			r[n++] = (struct dcons_rec){ DIF_ACT_PRINTF, 0, 4, &zero, nf++ };
		} else if (strcmp(script[k][0], "P") == 0) {
			r[n++] = (struct dcons_rec){ DIF_ACT_PRINTA, 0, 8, &aggid, 1 };
		} else {
			r[n++] = (struct dcons_rec){ DIF_LIBACT_SETOPT, DCONS_REC_STRING,
				(uint32_t)strlen(script[k][0]) + 1, script[k][0], 0 };
			r[n++] = (struct dcons_rec){ DIF_LIBACT_SETOPT, DCONS_REC_STRING,
				(uint32_t)strlen(script[k][1]) + 1, script[k][1], 0 };
		}
	}
	r[n++] = (struct dcons_rec){ DIF_ACT_EXIT, 0, 4, &zero, 0 };
	ck_assert_int_eq(dcons_consume__probe(&C, ft, S, &begin_probe, r, n,
		&status, &B), 0);
	finish();
	golden_compare("aggs/tst.keysort.d.out", &B);
	dcons_fmttab__free(ft);
}
END_TEST

/* ASSERTION: normalize and trunc library records act on the store. */
START_TEST(g_consume_trunc)
{
	uint64_t id = 1;
	int64_t ten = 10;
	struct dcons_rec r[2] = { { DIF_LIBACT_TRUNC, 0, 8, &id, 0 },
		{ DIF_LIBACT_TRUNC, DCONS_REC_SIGNED, 8, &ten, 0 } };
	const struct dcons_probe end = { 0, 3, "", "END" };

	decl(S, 1, "_", DIF_ACT_SUM, 0, 1, KI32);
	for (int32_t i = 0; i < 100; i++)
		api32(1, i, i, 1);
	ck_assert_int_eq(dcons_consume__probe(&C, NULL, S, &end, r, 2, NULL, &B), 0);
	finish();
	golden_compare("aggs/tst.trunc.d.out", &B);
}
END_TEST

/* ASSERTION: agghist draws keyed sums as bars, zoomed after setopt("aggzoom"). */
START_TEST(g_agghist)
{
	decl(S, 1, "_", DIF_ACT_SUM, 0, 1, KSTR);
	decl(S, 2, "bagnoogle", DIF_ACT_SUM, 0, 1, KSTR);
	decl(S, 3, "stalloogle", DIF_ACT_SUM, 0, 1, KSTR);
	C.opts.agghist = true;
	apstr(1, "demerit", -10, 1);
	apstr(1, "wtf", 10, 1);
	apstr(1, "bot", 20, 1);
	apstr(2, "SOAP/XML", 1, 1);
	apstr(2, "XACML store", 5, 1);
	apstr(2, "SAML token", 6, 1);
	apstr(3, "breakfast", -5, 1);
	apstr(3, "non-diet pepsi", -20, 1);
	apstr(3, "parrot", -100, 1);
	for (uint32_t id = 1; id <= 3; id++)
		printa_def(id);
	text("\nzoomed:");
	C.opts.aggzoom = true;
	for (uint32_t id = 1; id <= 3; id++)
		printa_def(id);
	finish();
	golden_compare("aggs/tst.agghist.d.out", &B);
}
END_TEST

/* ASSERTION: aggpack prints one glyph line per key with min/max columns, zoom changes glyphs. */
START_TEST(g_aggpack)
{
	int32_t one = 1;
	int8_t c1 = 1;
	int16_t s2 = 2;
	int64_t l3 = 3;
	struct dcons_rec k1 = r_i32(&one);
	struct dcons_rec kz = r_str("mumble");
	struct dcons_rec kxx[4] = { r_str("foo"), dcons_rec__int(&c1, 1, true),
		dcons_rec__int(&s2, 2, true), r_i64(&l3) };
	uint64_t nq = lq_arg(-10, 20, 1);

	C.opts.aggpack = true;
	decl(S, 1, "x", DIF_ACT_QUANTIZE, 0, 0);
	decl(S, 2, "y", DIF_ACT_QUANTIZE, 0, 1, KI32);
	decl(S, 3, "z", DIF_ACT_QUANTIZE, 0, 1, KSTR);
	decl(S, 4, "xx", DIF_ACT_QUANTIZE, 0, 4, KSTR, DIF_ACT_DIFEXPR,
		DCONS_REC_SIGNED, 1, DIF_ACT_DIFEXPR, DCONS_REC_SIGNED, 2, KI64);
	decl(S, 5, "neg", DIF_ACT_LQUANTIZE, nq, 0);
	decl(S, 6, "a", DIF_ACT_QUANTIZE, 0, 1, KI32);
	ap0(1, 1LL << 32, 1);
	ck_assert_int_eq(dcons_aggstore__apply(S, 2, &k1, 1, 1, 1), 0);
	ck_assert_int_eq(dcons_aggstore__apply(S, 3, &kz, 1, 1, 1), 0);
	ck_assert_int_eq(dcons_aggstore__apply(S, 4, kxx, 4, 1, 1), 0);
	ap0(5, -10, -1);
	ap0(5, -5, 1);
	ap0(5, 0, 1);
	for (int32_t i = 0; i <= 100; i++) {
		api32(6, i, 0, i);
		api32(6, i, 1, 100 - i);
	}
	/* END { setopt("aggzoom", "true"); printa(@neg); setopt(... "false"); printa(@neg); } */
	C.opts.aggzoom = true;
	printa_def(5);
	C.opts.aggzoom = false;
	printa_def(5);
	finish();
	golden_compare("aggs/tst.aggpack.d.out", &B);
}
END_TEST

/* ASSERTION: aggpack of lquantize shows the whole range; aggzoom rescales the glyphs. */
START_TEST(g_aggpackzoom)
{
	int32_t i = 0;

	/* made on a UTF-8 terminal with encoding unset: packed glyphs follow the locale */
	C.opts.locale_utf8 = true;
	decl(S, 1, "_", DIF_ACT_LQUANTIZE, lq_arg(0, 40, 1), 1, KI32);
	for (;;) {
		if (i++ < 30)
			for (int32_t k = 1; k <= 3; k++)
				api32(1, k, i, 1000);
		if (i == 40) {
			for (int32_t k = 1; k <= 3; k++) {
				api32(1, k, 0, 1);
				api32(1, k, i, 2000);
			}
			printa_def(1);
			C.opts.aggpack = true;
			printa_def(1);
			C.opts.aggzoom = true;
			printa_def(1);
			break;
		}
	}
	finish();
	golden_compare("aggs/tst.aggpackzoom.d.out", &B);
}
END_TEST

/* ---------------------------------------------------------- multiaggs */

static void printa_n(const char *fmt, const uint32_t *ids, uint32_t n)
{
	struct dcons_err err;
	struct dcons_fmt *f = dcons_fmt__parse(fmt, strlen(fmt), true, &err);

	ck_assert_msg(f != NULL, "parse %s: %s", fmt, err.msg);
	ck_assert_int_eq(dcons_aggstore__printa(S, f, ids, n, &C, &B), 0);
	dcons_fmt__free(f);
}

/* ASSERTION: one aggregation named several times in printa. */
START_TEST(g_multi_same)
{
	uint32_t ids[3] = { 1, 1, 1 };

	decl(S, 1, "_", DIF_ACT_SUM, 0, 0);
	ap0(1, 90904, 1);
	printa_n("%@d %@d %@d\n", ids, 3);
	printa_n("%@d %@d %@d\n", ids, 1);
	finish();
	golden_compare("multiaggs/tst.same.d.out", &B);
}
END_TEST

/* ASSERTION: joined rows sort by the first value, ties by the next ones, then key. */
START_TEST(g_multi_sort)
{
	uint32_t fwd[4] = { 1, 2, 3, 4 }, rev[4] = { 4, 3, 2, 1 };

	for (uint32_t id = 1; id <= 4; id++)
		decl(S, id, "x", DIF_ACT_SUM, 0, 1, KI64);
	for (int64_t i = 1; i <= 100; i++)
		for (uint32_t id = 1; id <= 4; id++)
			api64(id, i, 100 - (i / (2 << (id - 1))), 1);
	printa_n("%10d %@10d %@10d %@10d %@10d\n", fwd, 4);
	printa_n("%10d %@10d %@10d %@10d %@10d\n", rev, 4);
	finish();
	golden_compare("multiaggs/tst.sort.d.out", &B);
}
END_TEST

/* ASSERTION: aggsortpos picks the joined value to sort by; out of range means 0. */
START_TEST(g_multi_sortpos)
{
	uint32_t ids[6] = { 1, 2, 3, 1, 4, 1 };

	for (uint32_t id = 1; id <= 4; id++)
		decl(S, id, "x", DIF_ACT_SUM, 0, 1, KI64);
	for (int64_t i = 1; i <= 100; i++) {
		api64(1, i, i, 1);
		api64(2, i, (25 + i) % 100, 1);
		api64(3, i, (50 + i) % 100, 1);
		api64(4, i, (75 + i) % 100, 1);
	}
	for (int64_t j = 0; j < 10; j++) {
		struct dcons_rec r = r_i64(&j);

		pf("Sorted at position %d:\n", 1, &r);
		C.opts.aggsortpos = (uint32_t)j;
		printa_n("%9d %@9d %@9d %@9d %@9d %@9d %@9d\n", ids, 6);
		text("\n");
	}
	finish();
	golden_compare("multiaggs/tst.sortpos.d.out", &B);
}
END_TEST

/* Declarations shared by the zero tests: foo, bar sums; bop, baz quantizations. */
static void zero_decls(void)
{
	decl(S, 1, "bop", DIF_ACT_QUANTIZE, 0, 1, KI32);
	decl(S, 2, "baz", DIF_ACT_LQUANTIZE, lq_arg(-10, 10, 1), 1, KI32);
	decl(S, 3, "foo", DIF_ACT_SUM, 0, 1, KI32);
	decl(S, 4, "bar", DIF_ACT_SUM, 0, 1, KI32);
}

static void zero_body(void)
{
	uint32_t ids[4] = { 3, 4, 1, 2 };

	api32(3, 123, 123, 1);
	api32(4, 456, 456, 1);
	api32(3, 789, 789, 1);
	api32(4, 789, 789, 1);
	printa_n("%10d %@10d %@10d\n", ids, 2);
	printa_n("%10d %@10d %@10d %@10d\n", ids, 3);
	printa_n("%10d %@10d %@10d %@10d %@10d\n", ids, 4);
	finish();
}

/* ASSERTION: an aggregation with no entries joins as zeros. */
START_TEST(g_multi_zero)
{
	zero_decls();
	zero_body();
	golden_compare("multiaggs/tst.zero.d.out", &B);
}
END_TEST

/* ASSERTION: an entry with zero data still contributes its key. */
START_TEST(g_multi_zero2)
{
	zero_decls();
	api32(1, 345, 0, 0);
	api32(2, 345, 0, 0);
	zero_body();
	golden_compare("multiaggs/tst.zero2.d.out", &B);
}
END_TEST

/* ASSERTION: printing empty aggregations prints only printa's blank line. */
START_TEST(g_multi_zero3)
{
	uint32_t ids[2] = { 1, 2 };

	zero_decls();
	printa_def(1);
	printa_def(2);
	printa_n("%@10d %@10d\n", ids, 2);
	finish();
	golden_compare("multiaggs/tst.zero3.d.out", &B);
}
END_TEST

/* ASSERTION: joined tuples of strings, integers and pointers. */
START_TEST(g_multi_tuplecompat)
{
	int32_t n = 789;
	int64_t thr = 0x12345678;
	struct dcons_rec k[4] = { r_str("foo"), r_i32(&n), r_str("bar"),
		dcons_rec__int(&thr, 8, false) };
	uint32_t ids[2] = { 1, 2 };

	decl(S, 1, "one", DIF_ACT_SUM, 0, 4, KSTR, KI32, KSTR,
		DIF_ACT_DIFEXPR, 0, 8);
	decl(S, 2, "two", DIF_ACT_SUM, 0, 4, KSTR, KI32, KSTR,
		DIF_ACT_DIFEXPR, 0, 8);
	ck_assert_int_eq(dcons_aggstore__apply(S, 1, k, 4, 123, 1), 0);
	ck_assert_int_eq(dcons_aggstore__apply(S, 2, k, 4, 456, 1), 0);
	printa_n("%10s %10d %10s %@10d %@10d\n", ids, 2);
	finish();
	golden_compare("multiaggs/tst.tuplecompat.d.out", &B);
}
END_TEST

/* ASSERTION: hundreds of aggregations, joins of up to eleven, missing ones as zeros. */
START_TEST(g_multi_many)
{
	/* ids: agg996..agg999 are 1..4, aggN is N + 5 */
	uint32_t j01[2] = { 5, 6 }, j0q[2] = { 5, 1 };
	uint32_t j11[11] = { 17, 8, 78, 2, 14, 14, 9, 3, 16, 28, 74 };
	uint32_t jtail[2] = { 250, 251 }, jlq[2] = { 4, 251 };

	decl(S, 1, "agg996", DIF_ACT_QUANTIZE, 0, 1, KI32);
	decl(S, 2, "agg997", DIF_ACT_COUNT, 0, 1, KI32);
	decl(S, 3, "agg998", DIF_ACT_MIN, 0, 1, KI32);
	decl(S, 4, "agg999", DIF_ACT_LQUANTIZE, lq_arg(-10, 10, 1), 1, KI32);
	for (int32_t n = 0; n <= 246; n++) {
		decl(S, (uint32_t)n + 5, "aggN", DIF_ACT_SUM, 0, 1, KI32);
		api32((uint32_t)n + 5, n, n, 1);
	}
	printa_n("%8d %8@d %8@d\n", j01, 2);
	text("\n");
	printa_n("%8d %8@d %8@d\n", j0q, 2);
	text("\n");
	printa_n("%4d %4@d %4@d %4@d %4@d %4@d %4@d %4@d %4@d %4@d %4@d %4@d\n",
		j11, 11);
	text("\n");
	printa_n("%8d %8@d %8@d\n", jtail, 2);
	text("\n");
	printa_n("%8d %8@d %8@d\n", jlq, 2);
	text("\n");
	/* freopen("/dev/null"): nothing else is seen */
	golden_compare("multiaggs/tst.many.d.out", &B);
}
END_TEST

Suite *consumer_golden_suite(void)
{
	Suite *s = suite_create("consumer-golden");
	struct { const char *name; const TTest *t; } tests[] = {
		{ "count", g_count }, { "avg", g_avg }, { "stddev", g_stddev },
		{ "stddev_normalize", g_stddev_normalize },
		{ "quantize", g_quantize }, { "lquantize", g_lquantize },
		{ "multiaggs2", g_multiaggs2 }, { "negquant", g_negquant },
		{ "quantzero", g_quantzero }, { "negorder", g_negorder },
		{ "lquantzero", g_lquantzero }, { "clear", g_clear },
		{ "normalize", g_normalize }, { "trunc", g_trunc },
		{ "keysort", g_keysort }, { "order", g_order },
		{ "aggzoom", g_aggzoom }, { "clearlquantize", g_clearlquantize },
		{ "llq_clear", g_llq_clear }, { "llq_negvalue", g_llq_negvalue },
		{ "llq_bases", g_llq_bases },
		{ "printa_def", g_printa_def }, { "printa_fmt", g_printa_fmt },
		{ "printa_manyval", g_printa_manyval },
		{ "printa_dynwidth", g_printa_dynwidth },
		{ "printf_ints", g_printf_ints }, { "printf_signs", g_printf_signs },
		{ "printf_flags", g_printf_flags }, { "printf_wp", g_printf_wp },
		{ "printf_precs", g_printf_precs }, { "printf_Y", g_printf_Y },
		{ "printf_T", g_printf_T }, { "printf_eE", g_printf_eE },
		{ "printf_hello", g_printf_hello },
		{ "trace_qstring", g_trace_qstring },
		{ "tracemem_small", g_tracemem_small },
		{ "printa_basics", g_printa_basics }, { "printa_tuple", g_printa_tuple },
		{ "forms", g_forms }, { "denormalize", g_denormalize },
		{ "fmtnormalize", g_fmtnormalize },
		{ "clearnormalize", g_clearnormalize },
		{ "multinormalize", g_multinormalize }, { "neglquant", g_neglquant },
		{ "negtrunc", g_negtrunc }, { "truncquant", g_truncquant },
		{ "negtruncquant", g_negtruncquant }, { "sum", g_sum },
		{ "count2", g_count2 }, { "quantround", g_quantround },
		{ "lquantround", g_lquantround }, { "lquantnormal", g_lquantnormal },
		{ "llquantnormal", g_llquantnormal }, { "clearavg", g_clearavg },
		{ "allquant", g_allquant }, { "llquantrange", g_llquantrange },
		{ "llquantsteps", g_llquantsteps }, { "llquanttrunc", g_llquanttrunc },
		{ "llquantnegorder", g_llquantnegorder }, { "quantmany", g_quantmany },
		{ "llq_basic", g_llq_basic },
		{ "printf_widths", g_printf_widths }, { "printf_f", g_printf_f },
		{ "printf_gG", g_printf_gG }, { "printf_cont", g_printf_cont },
		{ "printf_raw", g_printf_raw },
		{ "printa_walltimestamp", g_printa_walltimestamp },
		{ "min", g_min }, { "max", g_max },
		{ "consume_hello", g_consume_hello },
		{ "consume_dynsize", g_consume_dynsize },
		{ "consume_keysort", g_consume_keysort },
		{ "consume_trunc", g_consume_trunc }, { "agghist", g_agghist },
		{ "aggpack", g_aggpack }, { "aggpackzoom", g_aggpackzoom },
		{ "multi_same", g_multi_same }, { "multi_sort", g_multi_sort },
		{ "multi_sortpos", g_multi_sortpos }, { "multi_zero", g_multi_zero },
		{ "multi_zero2", g_multi_zero2 }, { "multi_zero3", g_multi_zero3 },
		{ "multi_tuplecompat", g_multi_tuplecompat },
		{ "multi_many", g_multi_many },
	};

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		TCase *tc = tcase_create(tests[i].name);

		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, tests[i].t);
		suite_add_tcase(s, tc);
	}
	return s;
}
