/*
 * check_consumer.c — unit tests of libdcons: the format parser, every
 * conversion and flag, trace/tracemem output, symbol and stack printing,
 * the aggregation store (apply, merge, normalize, trunc, clear) and the
 * printers (histogram edge cases, sort options, joined printa).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "helpers.h"

static struct dcons_ctx C;
static struct dcons_buf B;
static struct dcons_aggstore *S;

static void setup(void)
{
	dcons_ctx__init(&C);
	C.opts.quiet = true;
	dcons_buf__init(&B);
	S = dcons_aggstore__new();
}

static void teardown(void)
{
	dcons_buf__free(&B);
	dcons_aggstore__free(S);
}

/* Format with n records; returns the output (owned by B) or NULL on error. */
static const char *fmt(const char *f, size_t n, ...)
{
	struct dcons_rec r[8];
	struct dcons_fmt *pf;
	va_list ap;
	int rc;

	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		r[i] = va_arg(ap, struct dcons_rec);
	va_end(ap);
	dcons_buf__reset(&B);
	pf = dcons_fmt__parse(f, strlen(f), false, NULL);
	ck_assert_msg(pf != NULL, "parse %s", f);
	rc = dcons_fmt__format(pf, r, n, &C, &B);
	dcons_fmt__free(pf);
	return rc == 0 ? (B.data ? B.data : "") : NULL;
}

#define EQ(got, want) ck_assert_str_eq((got) ? (got) : "(error)", want)


/* Storage that lives for the test. */
static int64_t store64[256];
static int nstore;

static struct dcons_rec I(int64_t v, uint32_t size, bool sgn)
{
	int64_t *p = &store64[nstore++ % 256];

	*p = v;
	return dcons_rec__int(p, size, sgn);
}

/* ------------------------------------------------------------ parsing */

/* ASSERTION: the parser folds %%, counts arguments and conversions. */
START_TEST(t_parse_counts)
{
	struct dcons_fmt *f = dcons_fmt__parse("a%%b %d %*.*s %@u", 17, true, NULL);

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->nconv, 3);
	ck_assert_uint_eq(f->nargs, 4);
	ck_assert_uint_eq(f->naggs, 1);
	ck_assert_int_eq(f->conv[0].prefix_len, 4);
	ck_assert_int_eq(memcmp(f->text + f->conv[0].prefix_off, "a%b ", 4), 0);
	ck_assert_int_eq(f->conv[1].width_star, 1);
	ck_assert_int_eq(f->conv[1].prec_star, 1);
	ck_assert_int_eq(f->conv[2].conv, '@');
	ck_assert_int_eq(f->conv[2].aggconv, 'u');
	dcons_fmt__free(f);
}
END_TEST

/* ASSERTION: bad formats fail with EINVAL and an offset. */
START_TEST(t_parse_errors)
{
	static const struct { const char *f; size_t off; bool printa; } bad[] = {
		{ "abc %", 4, false }, { "%q", 1, false }, { "x%@d", 1, false },
		{ "%Ld", 0, false }, { "%hs", 0, false }, { "%@s", 0, true },
		{ "%99999999999d", 0, false }, { "%.99999999999d", 0, false },
		{ "%hhd", 0, false }, { "%F", 0, false }, { "%lf", 0, false },
		{ "%llc", 0, false }, { "%lp", 0, false }, { "%5%", 0, false },
		{ "%@c", 0, true },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dcons_err err;
		struct dcons_fmt *f;

		errno = 0;
		f = dcons_fmt__parse(bad[i].f, strlen(bad[i].f), bad[i].printa, &err);
		ck_assert_msg(f == NULL, "%s parsed", bad[i].f);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_msg(err.msg[0] != '\0', "no message for %s", bad[i].f);
		if (bad[i].off)
			ck_assert_uint_eq(err.offset, bad[i].off);
	}
}
END_TEST

/* ASSERTION: arg_want reports per argument what it needs, '*' included. */
START_TEST(t_arg_want)
{
	struct dcons_fmt *f = dcons_fmt__parse("%*d %hx %s %a %k %Y %f %I %P %ls",
		32, false, NULL);
	static const enum dcons_want want[] = { DCONS_WANT_WIDTH, DCONS_WANT_INT,
		DCONS_WANT_INT, DCONS_WANT_STRING, DCONS_WANT_ADDR, DCONS_WANT_STACK,
		DCONS_WANT_TIME, DCONS_WANT_FLOAT, DCONS_WANT_IPADDR,
		DCONS_WANT_PORT, DCONS_WANT_WSTRING };
	enum dcons_want w;
	uint32_t sz;

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->nargs, 11);
	for (uint32_t i = 0; i < 11; i++) {
		ck_assert_int_eq(dcons_fmt__arg_want(f, i, &w, &sz), 0);
		ck_assert_int_eq(w, want[i]);
		ck_assert_uint_eq(sz, i == 2 ? 2 : 0);
	}
	ck_assert_int_eq(dcons_fmt__arg_want(f, 11, &w, &sz), -EINVAL);
	dcons_fmt__free(f);
}
END_TEST

/* ASSERTION: accepts() matches record shapes to conversions. */
START_TEST(t_accepts)
{
	ck_assert(dcons_want__accepts(DCONS_WANT_INT, DIF_ACT_DIFEXPR, 0, 4));
	ck_assert(!dcons_want__accepts(DCONS_WANT_INT, DIF_ACT_DIFEXPR, 0, 3));
	ck_assert(!dcons_want__accepts(DCONS_WANT_INT, DIF_ACT_DIFEXPR,
		DCONS_REC_STRING, 8));
	ck_assert(dcons_want__accepts(DCONS_WANT_STRING, DIF_ACT_DIFEXPR,
		DCONS_REC_STRING, 256));
	ck_assert(dcons_want__accepts(DCONS_WANT_ADDR, DIF_ACT_SYM, 0, 8));
	ck_assert(dcons_want__accepts(DCONS_WANT_STACK, DIF_ACT_STACK, 0, 32));
	ck_assert(!dcons_want__accepts(DCONS_WANT_STACK, DIF_ACT_DIFEXPR, 0, 8));
	ck_assert(dcons_want__accepts(DCONS_WANT_FLOAT, DIF_ACT_DIFEXPR,
		DCONS_REC_FLOAT, 8));
	ck_assert(!dcons_want__accepts(DCONS_WANT_FLOAT, DIF_ACT_DIFEXPR, 0, 8));
	ck_assert(dcons_want__accepts(DCONS_WANT_IPADDR, DIF_ACT_DIFEXPR,
		DCONS_REC_STRING, 16));
	ck_assert(dcons_want__accepts(DCONS_WANT_AGG, DIF_ACT_QUANTIZE, 0, 8));
}
END_TEST

/* ASSERTION: %s takes a by-ref char array: its bytes up to the first NUL,
 * bounded by the array size; an int record is still refused. */
START_TEST(t_chararr)
{
	static const char full[4] = { 'a', 'b', 'c', 'd' };
	static const char part[8] = { 'h', 'i', '\0', 'x' };
	struct dcons_rec f = { DIF_ACT_DIFEXPR, DCONS_REC_BYREF, 4, full, 0 };
	struct dcons_rec p = { DIF_ACT_DIFEXPR, DCONS_REC_BYREF, 8, part, 0 };

	EQ(fmt("[%s]", 1, f), "[abcd]");
	EQ(fmt("[%5s|%-4s|%.1s]", 3, p, p, p), "[   hi|hi  |h]");
	ck_assert_ptr_null(fmt("%s", 1, I(7, 4, true)));
}
END_TEST

/* ------------------------------------------------------------ integers */

/* ASSERTION: %d/%i/%u/%o/%x/%X by record size and sign. */
START_TEST(t_int_convs)
{
	EQ(fmt("%d", 1, I(-1, 1, true)), "-1");
	EQ(fmt("%d", 1, I(0xff, 1, false)), "255");
	EQ(fmt("%i", 1, I(0xff, 1, false)), "-1");
	EQ(fmt("%u", 1, I(-1, 2, true)), "65535");
	EQ(fmt("%o", 1, I(8, 4, true)), "10");
	EQ(fmt("%x %X", 2, I(0xabc, 4, false), I(0xabc, 4, false)), "abc ABC");
	EQ(fmt("%d", 1, I(INT64_MIN, 8, true)), "-9223372036854775808");
	EQ(fmt("%u", 1, I(-1, 8, true)), "18446744073709551615");
	EQ(fmt("%x", 1, I(-1, 4, true)), "ffffffff");
}
END_TEST

/* ASSERTION: h, hh, l, ll modifiers narrow or accept the value. */
START_TEST(t_int_lenmods)
{
	EQ(fmt("%hx", 1, I(0x12345, 4, false)), "2345");
	EQ(fmt("%ld %lld", 2, I(-5, 8, true), I(7, 8, true)), "-5 7");
	EQ(fmt("%lu", 1, I(97, 8, false)), "97");
}
END_TEST

/* ASSERTION: every flag and width/precision combination follows C. */
START_TEST(t_int_flags)
{
	EQ(fmt("[%5d]", 1, I(42, 4, true)), "[   42]");
	EQ(fmt("[%-5d]", 1, I(42, 4, true)), "[42   ]");
	EQ(fmt("[%05d]", 1, I(-42, 4, true)), "[-0042]");
	EQ(fmt("[%+d]", 1, I(42, 4, true)), "[+42]");
	EQ(fmt("[% d]", 1, I(42, 4, true)), "[ 42]");
	EQ(fmt("[%#o]", 1, I(8, 4, true)), "[010]");
	EQ(fmt("[%#X]", 1, I(255, 4, true)), "[0XFF]");
	EQ(fmt("[%.3d]", 1, I(7, 4, true)), "[007]");
	EQ(fmt("[%8.3d]", 1, I(7, 4, true)), "[     007]");
	EQ(fmt("[%-+6d]", 1, I(7, 4, true)), "[+7    ]");
	EQ(fmt("[%*d]", 2, I(-4, 4, true), I(7, 4, true)), "[7   ]");
	EQ(fmt("[%.*d]", 2, I(3, 4, true), I(7, 4, true)), "[007]");
}
END_TEST

/* ASSERTION: %c prints the low byte, %C escapes it. */
START_TEST(t_char)
{
	EQ(fmt("%c", 1, I('a', 4, true)), "a");
	EQ(fmt("[%3c]", 1, I('a', 1, true)), "[  a]");
	EQ(fmt("%C", 1, I('\n', 1, true)), "\\n");
	EQ(fmt("%C", 1, I('"', 1, true)), "\\\"");
	EQ(fmt("%C", 1, I(1, 1, true)), "\\001");
	EQ(fmt("%C", 1, I('z', 1, true)), "z");
	EQ(fmt("%lc", 1, I('b', 4, true)), "b");
}
END_TEST

/* ASSERTION: %p is hex without 0x unless '#'. */
START_TEST(t_pointer)
{
	EQ(fmt("%p", 1, I(0xdead, 8, false)), "dead");
	EQ(fmt("%#p", 1, I(0xdead, 8, false)), "0xdead");
	EQ(fmt("%16p|", 1, I(0xdead, 8, false)), "            dead|");
}
END_TEST

/* ------------------------------------------------------------ strings */

/* ASSERTION: %s stops at NUL or record end; .0 means no precision. */
START_TEST(t_string)
{
	char rec[8] = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' };
	struct dcons_rec full = dcons_rec__str(rec, 8);

	EQ(fmt("%s", 1, full), "abcdefgh");
	EQ(fmt("%.3s", 1, r_str("hello")), "hel");
	EQ(fmt("%.0s", 1, r_str("hello")), "hello");
	EQ(fmt("[%-7s]", 1, r_str("ab")), "[ab     ]");
	EQ(fmt("[%7s]", 1, r_str("ab")), "[     ab]");
	EQ(fmt("%s", 1, r_str("")), "");
}
END_TEST

/* ASSERTION: %S escapes control characters, quotes and backslashes. */
START_TEST(t_escaped_string)
{
	EQ(fmt("%S", 1, r_str("a\tb\"c\\d\x7f")), "a\\tb\\\"c\\\\d\\177");
	EQ(fmt("[%8S]", 1, r_str("\n")), "[      \\n]");
}
END_TEST

/* ASSERTION: %ls prints a wide string. */
START_TEST(t_wide_string)
{
	wchar_t w[4] = { L'h', L'i', 0, 0 };
	struct dcons_rec r = { DIF_ACT_DIFEXPR, DCONS_REC_WIDE, sizeof(w), w, 0 };

	EQ(fmt("%ls", 1, r), "hi");
	EQ(fmt("%ws", 1, r), "hi");
}
END_TEST

/* ------------------------------------------------------------ floats */

/* ASSERTION: %e %E %f %g %G by size, with precision. */
START_TEST(t_floats)
{
	float f = 1.5f;
	double d = 12345.678;
	long double ld = 2.25L;
	struct dcons_rec rf = { DIF_ACT_DIFEXPR, DCONS_REC_FLOAT, 4, &f, 0 };
	struct dcons_rec rd = { DIF_ACT_DIFEXPR, DCONS_REC_FLOAT, 8, &d, 0 };
	struct dcons_rec rl = { DIF_ACT_DIFEXPR, DCONS_REC_FLOAT, 16, &ld, 0 };

	EQ(fmt("%f", 1, rf), "1.500000");
	EQ(fmt("%.2f", 1, rd), "12345.68");
	EQ(fmt("%e", 1, rd), "1.234568e+04");
	EQ(fmt("%E", 1, rd), "1.234568E+04");
	EQ(fmt("%g", 1, rd), "12345.7");
	EQ(fmt("%G", 1, I(0, 8, true)) == NULL ? "err" : "ok", "err");
	if (sizeof(long double) == 16)
		EQ(fmt("%Lf", 1, rl), "2.250000");
}
END_TEST

/* ------------------------------------------------------------ special */

/* ASSERTION: %Y and %T of the epoch and with width. */
START_TEST(t_times)
{
	EQ(fmt("%Y", 1, I(0, 8, false)), "1970 Jan  1 00:00:00");
	EQ(fmt("%T", 1, I(86400LL * 1000000000LL, 8, false)),
		"Fri, 02 Jan 1970 00:00:00 UTC");
	EQ(fmt("[%22Y]", 1, I(0, 8, false)), "[  1970 Jan  1 00:00:00]");
}
END_TEST

/* ASSERTION: %I prints its address string, %P the port number as recorded. */
START_TEST(t_inet)
{
	uint16_t port = 80;

	EQ(fmt("%I", 1, r_str("192.168.1.2")), "192.168.1.2");
	EQ(fmt("[%12I]", 1, r_str("fe80::1")), "[     fe80::1]");
	EQ(fmt("%P", 1, dcons_rec__int(&port, 2, false)), "80");
	ck_assert_ptr_null(fmt("%I", 1, I(1, 4, false)));
}
END_TEST

static int fake_lookup(void *cookie, uint32_t pid, uint64_t addr,
	struct dcons_sym *out)
{
	(void)cookie;
	if (addr >= 0x1000 && addr < 0x1100) {
		strcpy(out->mod, pid ? "libc.so.1" : "genunix");
		strcpy(out->func, "read");
		out->addr = 0x1000;
		out->modaddr = 0x800;
		return 0;
	}
	if (addr >= 0x2000 && addr < 0x3000) {
		strcpy(out->mod, "unix");
		out->func[0] = '\0';
		out->modaddr = 0x2000;
		return 0;
	}
	return -ENOENT;
}

/* ASSERTION: %a prints mod`func+off, mod`func, mod`0x.., or 0x.. when unknown. */
START_TEST(t_addr)
{
	EQ(fmt("%a", 1, I(0x1010, 8, false)), "0x1010");
	C.lookup = fake_lookup;
	EQ(fmt("%a", 1, I(0x1010, 8, false)), "genunix`read+0x10");
	EQ(fmt("%a", 1, I(0x1000, 8, false)), "genunix`read");
	EQ(fmt("%a", 1, I(0x2345, 8, false)), "unix`0x2345");
	EQ(fmt("%a", 1, I(0x9999, 8, false)), "0x9999");
	EQ(fmt("[%-20a]", 1, I(0x1000, 8, false)), "[genunix`read        ]");
	EQ(fmt("%A", 1, I(0x1001, 8, false)), "libc.so.1`read+0x1");
}
END_TEST

/* ASSERTION: %k prints one frame per line, indented by a left-justified width, stopping at a zero pc. */
START_TEST(t_stack_conv)
{
	uint64_t pcs[3] = { 0x1004, 0x9000, 0 };
	struct dcons_rec r = { DIF_ACT_STACK, 0, sizeof(pcs), pcs, 0 };

	C.lookup = fake_lookup;
	EQ(fmt("%k", 1, r), "\ngenunix`read+0x4\n0x9000\n");
	EQ(fmt("%-4k", 1, r), "\n    genunix`read+0x4\n    0x9000\n");
	EQ(fmt("%8k", 1, r), "\ngenunix`read+0x4\n  0x9000\n");
	EQ(fmt("%*k", 2, I(-2, 4, true), r), "\n  genunix`read+0x4\n  0x9000\n");
}
END_TEST

/* ASSERTION: argument shape mismatches are errors, not crashes. */
START_TEST(t_mismatch)
{
	ck_assert_ptr_null(fmt("%s", 1, I(1, 8, true)));
	ck_assert_ptr_null(fmt("%d", 1, r_str("x")));
	ck_assert_ptr_null(fmt("%d %d", 1, I(1, 8, true)));
	ck_assert_ptr_null(fmt("%k", 1, I(1, 8, true)));
	ck_assert_ptr_null(fmt("%*d", 2, r_str("x"), I(1, 8, true)));
}
END_TEST

/* ------------------------------------------------------------ trace */

/* ASSERTION: the header and probe columns, and a non-quiet trace() line. */
START_TEST(t_header_probe)
{
	int64_t v = -3;
	struct dcons_rec r = r_i64(&v);

	C.opts.quiet = false;
	ck_assert_int_eq(dcons_print__header(&C, &B), 0);
	ck_assert_int_eq(dcons_print__probe(&C, 0, 1, "", "BEGIN", &B), 0);
	ck_assert_int_eq(dcons_print__trace(&C, &r, &B), 0);
	ck_assert_int_eq(dcons_print__probe_end(&C, &B), 0);
	EQ(B.data, "CPU     ID                    FUNCTION:NAME\n"
		"  0      1                           :BEGIN                -3\n");
	C.opts.quiet = true;
	dcons_buf__reset(&B);
	ck_assert_int_eq(dcons_print__header(&C, &B), 0);
	ck_assert_int_eq(dcons_print__probe(&C, 0, 1, "", "BEGIN", &B), 0);
	ck_assert_uint_eq(B.len, 0);
}
END_TEST

/* ASSERTION: trace() of integers by size: 8 and 4 signed, 2 and 1 unsigned. */
START_TEST(t_trace_ints)
{
	struct dcons_rec r[4] = { I(-1, 8, true), I(-1, 4, true), I(-1, 2, true),
		I(-1, 1, true) };

	for (int k = 0; k < 4; k++)
		dcons_print__trace(&C, &r[k], &B);
	EQ(B.data, "-1-165535255");
	C.opts.quiet = false;
	dcons_buf__reset(&B);
	for (int k = 0; k < 4; k++)
		dcons_print__trace(&C, &r[k], &B);
	EQ(B.data, "               -1       -1 65535 255");
}
END_TEST

/* ASSERTION: trace() of a string pads to 33 unless quiet; binary bytes dump. */
START_TEST(t_trace_strings)
{
	char s[16] = "hi";
	uint8_t bin[3] = { 1, 'a', 0 };
	struct dcons_rec rs = dcons_rec__str(s, sizeof(s));
	struct dcons_rec rb = { DIF_ACT_DIFEXPR, 0, 3, bin, 0 };

	C.opts.quiet = false;
	dcons_print__trace(&C, &rs, &B);
	EQ(B.data, "  hi                               ");
	dcons_buf__reset(&B);
	dcons_print__trace(&C, &rb, &B);
	{
		char want[256];

		/* 13 missing columns of 3, then 2 spaces before the characters */
		snprintf(want, sizeof(want), "\n%11s  0  1  2  3  4  5  6  7  8  9"
			"  a  b  c  d  e  f  0123456789abcdef\n         0: 01 61 00"
			"%39s  .a.\n", "", "");
		EQ(B.data, want);
	}
	C.opts.rawbytes = true;
	C.opts.quiet = true;
	dcons_buf__reset(&B);
	dcons_print__trace(&C, &rs, &B);
	ck_assert(strstr(B.data, " 68 69 00") != NULL);
}
END_TEST

/* ASSERTION: a NUL followed by more text is not a string. */
START_TEST(t_trace_embedded_nul)
{
	char s[5] = { 'a', 0, 'b', 0, 0 };
	struct dcons_rec r = { DIF_ACT_DIFEXPR, 0, 5, s, 0 };

	dcons_print__trace(&C, &r, &B);
	ck_assert(strstr(B.data, "61 00 62 00") != NULL);
}
END_TEST

/* ASSERTION: tracemem() of 17 bytes makes two rows, the second short. */
START_TEST(t_tracemem_rows)
{
	uint8_t m[17];
	struct dcons_rec r = { DIF_ACT_TRACEMEM, 0, 17, m, 0 };

	for (int k = 0; k < 17; k++)
		m[k] = (uint8_t)('A' + k);
	dcons_print__tracemem(&C, &r, &B);
	ck_assert(strstr(B.data, "         0: 41 42") != NULL);
	ck_assert(strstr(B.data, "  ABCDEFGHIJKLMNOP\n        10: 51") != NULL);
	ck_assert(strstr(B.data, "  Q\n") != NULL);
}
END_TEST

/* ASSERTION: sym/mod/usym/umod/uaddr records print "  %-50s". */
START_TEST(t_sym_records)
{
	uint64_t a = 0x1010, u[2] = { 42, 0x1010 };
	struct dcons_rec sym = { DIF_ACT_SYM, 0, 8, &a, 0 };
	struct dcons_rec mod = { DIF_ACT_MOD, 0, 8, &a, 0 };
	struct dcons_rec uaddr = { DIF_ACT_UADDR, 0, 16, u, 0 };

	C.lookup = fake_lookup;
	dcons_print__action(&C, &sym, &B);
	dcons_print__action(&C, &mod, &B);
	dcons_print__action(&C, &uaddr, &B);
	EQ(B.data, "  genunix`read                                      "
		"  genunix                                           "
		"  libc.so.1`read+0x10                               ");
	C.lookup = NULL;
	dcons_buf__reset(&B);
	dcons_print__action(&C, &sym, &B);
	EQ(B.data, "  0x1010                                            ");
}
END_TEST

/* ------------------------------------------------------------ buckets */

/* ASSERTION: quantize placement at 0, powers of two, and the extremes. */
START_TEST(t_quantize_buckets)
{
	ck_assert_int_eq(dcons_quantize__bucket(0), 63);
	ck_assert_int_eq(dcons_quantize__bucket(1), 64);
	ck_assert_int_eq(dcons_quantize__bucket(3), 65);
	ck_assert_int_eq(dcons_quantize__bucket(-1), 62);
	ck_assert_int_eq(dcons_quantize__bucket(-3), 61);
	ck_assert_int_eq(dcons_quantize__bucket(INT64_MAX), 126);
	ck_assert_int_eq(dcons_quantize__bucket(INT64_MIN), 0);
	ck_assert_int_eq(dcons_quantize__value(0), INT64_MIN / 2 * 1);
	ck_assert_int_eq(dcons_quantize__value(126), 1LL << 62);
}
END_TEST

/* ASSERTION: llquantize buckets by order of magnitude; bad encodings rejected. */
START_TEST(t_llquantize_buckets)
{
	uint64_t a = llq_arg(10, 0, 2, 10);

	ck_assert_int_eq(dcons_llquantize__bucket(a, 0), 0);
	ck_assert_int_eq(dcons_llquantize__bucket(a, 1), 1);
	ck_assert_int_eq(dcons_llquantize__bucket(a, 9), 9);
	ck_assert_int_eq(dcons_llquantize__bucket(a, 10), 10);
	ck_assert_int_eq(dcons_llquantize__bucket(a, 999), 27);
	ck_assert_int_eq(dcons_llquantize__bucket(a, 1000), 28);
	ck_assert_int_eq(dcons_llquantize__nbuckets(a), 29);
	ck_assert_int_eq(dcons_llquantize__nbuckets(llq_arg(1, 0, 2, 10)), -EINVAL);
	ck_assert_int_eq(dcons_llquantize__nbuckets(llq_arg(10, 0, 2, 15)), -EINVAL);
	ck_assert_int_eq(dcons_llquantize__nbuckets(llq_arg(10, 0, 30, 10)), -EINVAL);
}
END_TEST

/* ------------------------------------------------------------ histograms */

/* ASSERTION: an empty quantize shows -1, 0, 1 with empty bars. */
START_TEST(t_hist_empty)
{
	int64_t b[127] = { 0 };

	dcons_print__quantize(&C, b, 1, &B);
	EQ(B.data, "\n           value  ------------- Distribution ------------- count    \n"
		"              -1 |                                         0        \n"
		"               0 |                                         0        \n"
		"               1 |                                         0        \n");
}
END_TEST

/* ASSERTION: a single bucket at the top edge shows no row above it. */
START_TEST(t_hist_single_top)
{
	int64_t b[127] = { 0 };

	b[126] = 3;
	dcons_print__quantize(&C, b, 1, &B);
	ck_assert(strstr(B.data, "2305843009213693952 |") != NULL);
	ck_assert(strstr(B.data, "4611686018427387904 |@@@@@@@@@@@@@@@@@@@@"
		"@@@@@@@@@@@@@@@@@@@@ 3") != NULL);
	ck_assert_ptr_null(strstr(B.data, "9223372036854775808"));
}
END_TEST

/* ASSERTION: a single bucket at the bottom edge shows no row below it. */
START_TEST(t_hist_single_bottom)
{
	int64_t b[127] = { 0 };

	b[0] = 1;
	dcons_print__quantize(&C, b, 1, &B);
	ck_assert(strstr(B.data, "\n-4611686018427387904 |@@@") != NULL);
	ck_assert(strstr(B.data, "-2305843009213693952 |    ") != NULL);
}
END_TEST

/* ASSERTION: normalization divides the counts shown, not the bars. */
START_TEST(t_hist_normal)
{
	int64_t b[127] = { 0 };

	b[64] = 10;
	b[65] = 30;
	dcons_print__quantize(&C, b, 10, &B);
	ck_assert(strstr(B.data, "               1 |@@@@@@@@@@                               1  ") != NULL);
	ck_assert(strstr(B.data, "               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@           3  ") != NULL);
}
END_TEST

/* ASSERTION: an lquantize with no data shows underflow and the first two levels. */
START_TEST(t_lhist_empty)
{
	int64_t b[12] = { 0 };

	dcons_print__lquantize(&C, lq_arg(0, 10, 1), b, 1, &B);
	ck_assert(strstr(B.data, "             < 0 |") != NULL);
	ck_assert(strstr(B.data, "               1 |") != NULL);
	ck_assert_ptr_null(strstr(B.data, "               2 |"));
	ck_assert_int_eq(dcons_print__lquantize(&C, 0, b, 1, &B), -EINVAL);
}
END_TEST

/* ASSERTION: lquantize overflow row is labelled ">= limit". */
START_TEST(t_lhist_overflow)
{
	int64_t b[12] = { 0 };

	b[11] = 2;
	dcons_print__lquantize(&C, lq_arg(0, 10, 1), b, 1, &B);
	ck_assert(strstr(B.data, "               9 |") != NULL);
	ck_assert(strstr(B.data, "           >= 10 |@@@@") != NULL);
}
END_TEST

/* ------------------------------------------------------------ store */

/* ASSERTION: declarations are validated and ids are unique. */
START_TEST(t_declare)
{
	struct dcons_aggdesc d = { .id = 1, .name = "a", .func = DIF_ACT_COUNT };

	ck_assert_int_eq(dcons_aggstore__declare(S, &d), 0);
	ck_assert_int_eq(dcons_aggstore__declare(S, &d), -EEXIST);
	d.id = 2;
	d.func = 0x799;
	ck_assert_int_eq(dcons_aggstore__declare(S, &d), -EINVAL);
	d.func = DIF_ACT_LQUANTIZE;
	d.arg = 0;
	ck_assert_int_eq(dcons_aggstore__declare(S, &d), -EINVAL);
	d.func = DIF_ACT_SUM;
	d.nkeys = 1;
	d.keys[0].action = DIF_ACT_SYM;
	d.keys[0].size = 4;
	ck_assert_int_eq(dcons_aggstore__declare(S, &d), -EINVAL);
	ck_assert_int_eq(dcons_aggstore__apply(S, 9, NULL, 0, 1, 1), -ENOENT);
	ck_assert_int_eq(dcons_aggstore__count(S, 1), 0);
	ck_assert_int_eq(dcons_aggstore__count(S, 9), -ENOENT);
}
END_TEST

/* ASSERTION: keys must match the declared shape. */
START_TEST(t_key_shape)
{
	int32_t k = 1;
	struct dcons_rec r = r_i32(&k);
	char big[300];
	struct dcons_rec rs;

	decl(S, 1, "a", DIF_ACT_COUNT, 0, 1, KI32);
	ck_assert_int_eq(dcons_aggstore__apply(S, 1, NULL, 0, 0, 1), -EINVAL);
	ck_assert_int_eq(dcons_aggstore__apply(S, 1, &r, 1, 0, 1), 0);
	decl(S, 2, "b", DIF_ACT_COUNT, 0, 1, KSTR);
	memset(big, 'x', sizeof(big));
	rs = dcons_rec__str(big, sizeof(big));
	ck_assert_int_eq(dcons_aggstore__apply(S, 2, &rs, 1, 0, 1), -EINVAL);
}
END_TEST

/* ASSERTION: merging per-CPU snapshots adds, keeps extremes, checks encodings. */
START_TEST(t_merge)
{
	int64_t one[1] = { 5 }, two[1] = { 3 }, lq[4];
	int64_t sd[4] = { 2, 300, 50000, 0 };

	decl(S, 1, "s", DIF_ACT_SUM, 0, 0);
	decl(S, 2, "m", DIF_ACT_MIN, 0, 0);
	decl(S, 3, "l", DIF_ACT_LQUANTIZE, lq_arg(0, 2, 1), 0);
	decl(S, 4, "d", DIF_ACT_STDDEV, 0, 0);
	dcons_aggstore__merge(S, 1, NULL, 0, one, 1);
	dcons_aggstore__merge(S, 1, NULL, 0, two, 1);
	dcons_aggstore__merge(S, 2, NULL, 0, one, 1);
	dcons_aggstore__merge(S, 2, NULL, 0, two, 1);
	ck_assert_int_eq(dcons_aggstore__merge(S, 1, NULL, 0, one, 2), -EINVAL);
	lq[0] = (int64_t)lq_arg(0, 2, 1);
	lq[1] = 0; lq[2] = 1; lq[3] = 0;
	ck_assert_int_eq(dcons_aggstore__merge(S, 3, NULL, 0, lq, 4), -EINVAL);
	{
		int64_t w[5] = { (int64_t)lq_arg(0, 2, 1), 0, 2, 0, 0 };

		ck_assert_int_eq(dcons_aggstore__merge(S, 3, NULL, 0, w, 5), 0);
		w[0] = 7;
		ck_assert_int_eq(dcons_aggstore__merge(S, 3, NULL, 0, w, 5), -EINVAL);
	}
	dcons_aggstore__merge(S, 4, NULL, 0, sd, 4);
	dcons_aggstore__merge(S, 4, NULL, 0, sd, 4);
	{
		uint32_t ids[1] = { 1 };
		struct dcons_fmt *f = dcons_fmt__parse("%@d\n", 4, true, NULL);

		dcons_aggstore__printa(S, f, ids, 1, &C, &B);
		ids[0] = 2;
		dcons_aggstore__printa(S, f, ids, 1, &C, &B);
		ids[0] = 4;
		dcons_aggstore__printa(S, f, ids, 1, &C, &B);
		dcons_fmt__free(f);
	}
	/* stddev: 4 values summing 600, squares 100000: sqrt(25000-22500) */
	EQ(B.data, "8\n3\n50\n");
}
END_TEST

/* ASSERTION: avg and stddev of negative values use signed division. */
START_TEST(t_avg_stddev_negative)
{
	int64_t w[4] = { 0 };

	decl(S, 1, "a", DIF_ACT_AVG, 0, 0);
	decl(S, 2, "d", DIF_ACT_STDDEV, 0, 0);
	for (int k = -3; k <= 0; k++) {
		dcons_aggstore__apply(S, 1, NULL, 0, k * 10, 1);
		dcons_aggstore__apply(S, 2, NULL, 0, k * 10, 1);
	}
	ck_assert_int_eq(dcons_aggstore__printa(S, NULL, (uint32_t[]){ 1 }, 1, &C, &B), 0);
	ck_assert_int_eq(dcons_aggstore__printa(S, NULL, (uint32_t[]){ 2 }, 1, &C, &B), 0);
	EQ(B.data, "\n              -15\n\n               11\n");
	ck_assert_int_eq(dcons_agg__avg(w, 1), 0);
	ck_assert_uint_eq(dcons_agg__stddev(w, 1), 0);
}
END_TEST

/* ASSERTION: trunc() without a count removes every entry; normalize(0) is refused. */
START_TEST(t_trunc_all)
{
	decl(S, 1, "a", DIF_ACT_SUM, 0, 1, KI32);
	for (int32_t k = 0; k < 5; k++)
		{
			struct dcons_rec r = r_i32(&k);

			dcons_aggstore__apply(S, 1, &r, 1, k, 1);
		}
	ck_assert_int_eq(dcons_aggstore__count(S, 1), 5);
	ck_assert_int_eq(dcons_aggstore__trunc(S, 1, 10, false), 0);
	ck_assert_int_eq(dcons_aggstore__count(S, 1), 5);
	ck_assert_int_eq(dcons_aggstore__trunc(S, 1, 0, true), 0);
	ck_assert_int_eq(dcons_aggstore__count(S, 1), 0);
	ck_assert_int_eq(dcons_aggstore__normalize(S, 1, 0), -EINVAL);
	ck_assert_int_eq(dcons_aggstore__normalize(S, 7, 2), -ENOENT);
}
END_TEST

/* Three entries keyed (string, int) with sums chosen to expose orderings. */
static void three_rows(void)
{
	static const char *names[] = { "b", "a", "c" };
	static const int32_t nums[] = { 1, 3, 2 };
	static const int64_t vals[] = { 20, 20, 10 };

	decl(S, 1, "x", DIF_ACT_SUM, 0, 2, KSTR, KI32);
	for (int k = 0; k < 3; k++) {
		int32_t n = nums[k];
		struct dcons_rec r[2] = { r_str(names[k]), r_i32(&n) };

		dcons_aggstore__apply(S, 1, r, 2, vals[k], 1);
	}
}

static const char *rows_with(const char *f)
{
	struct dcons_fmt *pf = dcons_fmt__parse(f, strlen(f), true, NULL);
	uint32_t id = 1;

	dcons_buf__reset(&B);
	ck_assert_int_eq(dcons_aggstore__printa(S, pf, &id, 1, &C, &B), 0);
	dcons_fmt__free(pf);
	return B.data;
}

/* ASSERTION: default order is value, then keys; aggsortrev reverses it. */
START_TEST(t_sort_value)
{
	three_rows();
	EQ(rows_with("%s%d=%@d "), "c2=10 a3=20 b1=20 ");
	C.opts.aggsortrev = true;
	EQ(rows_with("%s%d=%@d "), "b1=20 a3=20 c2=10 ");
}
END_TEST

/* ASSERTION: aggsortkey sorts by keys; aggsortkeypos picks the first key compared. */
START_TEST(t_sort_key)
{
	three_rows();
	C.opts.aggsortkey = true;
	EQ(rows_with("%s%d "), "a3 b1 c2 ");
	C.opts.aggsortkeypos = 1;
	EQ(rows_with("%s%d "), "b1 c2 a3 ");
	C.opts.aggsortkeypos = 9;	/* out of range: position 0 */
	EQ(rows_with("%s%d "), "a3 b1 c2 ");
	C.opts.aggsortrev = true;
	EQ(rows_with("%s%d "), "c2 b1 a3 ");
}
END_TEST

/* ASSERTION: integer keys compare as unsigned, so -1 sorts after 5. */
START_TEST(t_sort_unsigned_keys)
{
	decl(S, 1, "x", DIF_ACT_COUNT, 0, 1, KI32);
	for (int32_t k = -1; k <= 5; k += 6) {
		struct dcons_rec r = r_i32(&k);

		dcons_aggstore__apply(S, 1, &r, 1, 0, 1);
	}
	EQ(rows_with("%d "), "5 -1 ");
}
END_TEST

/* ASSERTION: printa of two aggregations joins on keys, zero for missing, aggsortpos picks the sort value. */
START_TEST(t_printa_join)
{
	struct dcons_fmt *pf = dcons_fmt__parse("%d:%@d,%@d ", 11, true, NULL);
	uint32_t ids[2] = { 1, 2 };

	decl(S, 1, "a", DIF_ACT_SUM, 0, 1, KI32);
	decl(S, 2, "b", DIF_ACT_SUM, 0, 1, KI32);
	for (int32_t k = 1; k <= 3; k++) {
		struct dcons_rec r = r_i32(&k);

		if (k != 3)
			dcons_aggstore__apply(S, 1, &r, 1, 10 * k, 1);
		if (k != 1)
			dcons_aggstore__apply(S, 2, &r, 1, 100 - k, 1);
	}
	ck_assert_int_eq(dcons_aggstore__printa(S, pf, ids, 2, &C, &B), 0);
	EQ(B.data, "3:0,97 1:10,0 2:20,98 ");
	C.opts.aggsortpos = 1;
	dcons_buf__reset(&B);
	ck_assert_int_eq(dcons_aggstore__printa(S, pf, ids, 2, &C, &B), 0);
	EQ(B.data, "1:10,0 3:0,97 2:20,98 ");
	dcons_buf__reset(&B);
	C.opts.aggsortpos = 0;
	ck_assert_int_eq(dcons_aggstore__printa(S, NULL, ids, 2, &C, &B), 0);
	EQ(B.data, "\n        3                0               97\n"
		"        1               10                0\n"
		"        2               20               98\n");
	dcons_fmt__free(pf);
}
END_TEST

/* ASSERTION: joining aggregations with different key shapes is refused. */
START_TEST(t_printa_join_mismatch)
{
	struct dcons_fmt *pf = dcons_fmt__parse("%@d", 3, true, NULL);
	uint32_t ids[2] = { 1, 2 };

	decl(S, 1, "a", DIF_ACT_SUM, 0, 1, KI32);
	decl(S, 2, "b", DIF_ACT_SUM, 0, 1, KI64);
	ck_assert_int_eq(dcons_aggstore__printa(S, pf, ids, 2, &C, &B), -EINVAL);
	dcons_fmt__free(pf);
}
END_TEST

/* ASSERTION: a printa format with more key conversions than keys fails. */
START_TEST(t_printa_too_many_keys)
{
	struct dcons_fmt *pf = dcons_fmt__parse("%d %d", 5, true, NULL);
	uint32_t id = 1;
	int32_t k = 1;
	struct dcons_rec r = r_i32(&k);

	decl(S, 1, "a", DIF_ACT_SUM, 0, 1, KI32);
	dcons_aggstore__apply(S, 1, &r, 1, 1, 1);
	ck_assert_int_eq(dcons_aggstore__printa(S, pf, &id, 1, &C, &B), -EINVAL);
	dcons_fmt__free(pf);
}
END_TEST

/* ASSERTION: sym() keys fold to the function's start; stack keys print frames. */
START_TEST(t_sym_and_stack_keys)
{
	uint64_t a1 = 0x1004, a2 = 0x1008, pcs[2] = { 0x1010, 0 };
	struct dcons_rec r1 = { DIF_ACT_SYM, 0, 8, &a1, 0 };
	struct dcons_rec r2 = { DIF_ACT_SYM, 0, 8, &a2, 0 };
	struct dcons_rec rs = { DIF_ACT_STACK, 0, 16, pcs, 0 };

	C.lookup = fake_lookup;
	dcons_aggstore__set_lookup(S, fake_lookup, NULL);
	decl(S, 1, "f", DIF_ACT_COUNT, 0, 1, DIF_ACT_SYM, 0, 8);
	decl(S, 2, "s", DIF_ACT_COUNT, 0, 1, DIF_ACT_STACK, 0, 16);
	dcons_aggstore__apply(S, 1, &r1, 1, 0, 1);
	dcons_aggstore__apply(S, 1, &r2, 1, 0, 1);
	dcons_aggstore__apply(S, 2, &rs, 1, 0, 1);
	ck_assert_int_eq(dcons_aggstore__count(S, 1), 1);
	ck_assert_int_eq(dcons_aggstore__print_unprinted(S, &C, &B), 0);
	{
		char want[256];

		snprintf(want, sizeof(want), "  %-50s %16d\n\n%14sgenunix`read+0x10"
			"\n %16d\n", "genunix`read", 2, "", 1);
		EQ(B.data, want);
	}
}
END_TEST

/* ASSERTION: END-time printing skips printed aggregations and orders by id. */
START_TEST(t_unprinted_order)
{
	uint32_t id = 5;

	decl(S, 7, "late", DIF_ACT_COUNT, 0, 0);
	decl(S, 3, "early", DIF_ACT_SUM, 0, 0);
	decl(S, 5, "done", DIF_ACT_SUM, 0, 0);
	decl(S, 9, "empty", DIF_ACT_SUM, 0, 0);
	dcons_aggstore__apply(S, 7, NULL, 0, 0, 1);
	dcons_aggstore__apply(S, 3, NULL, 0, 33, 1);
	dcons_aggstore__apply(S, 5, NULL, 0, 55, 1);
	ck_assert_int_eq(dcons_aggstore__printa(S, NULL, &id, 1, &C, &B), 0);
	dcons_buf__reset(&B);
	ck_assert_int_eq(dcons_aggstore__print_unprinted(S, &C, &B), 0);
	EQ(B.data, "               33\n                1\n");
	dcons_buf__reset(&B);
	ck_assert_int_eq(dcons_aggstore__print_unprinted(S, &C, &B), 0);
	ck_assert_uint_eq(B.len, 0);
}
END_TEST

/* ASSERTION: many keys stay distinct through hash growth. */
START_TEST(t_many_keys)
{
	decl(S, 1, "a", DIF_ACT_COUNT, 0, 1, KI64);
	for (int64_t k = 0; k < 5000; k++) {
		struct dcons_rec r = r_i64(&k);

		dcons_aggstore__apply(S, 1, &r, 1, 0, 1);
		dcons_aggstore__apply(S, 1, &r, 1, 0, 1);
	}
	ck_assert_int_eq(dcons_aggstore__count(S, 1), 5000);
	ck_assert_int_eq(dcons_aggstore__trunc(S, 1, 3, false), 0);
	ck_assert_int_eq(dcons_aggstore__count(S, 1), 3);
	{
		int64_t k = 4999;
		struct dcons_rec r = r_i64(&k);

		dcons_aggstore__apply(S, 1, &r, 1, 0, 1);
		ck_assert_int_eq(dcons_aggstore__count(S, 1), 3);
	}
}
END_TEST

/* ------------------------------------------------------------ consume */

/* ASSERTION: the format table refuses duplicates, id 0 and bad formats. */
START_TEST(t_fmttab)
{
	struct dcons_fmttab *ft = dcons_fmttab__new();
	struct dcons_err err;

	ck_assert_int_eq(dcons_fmttab__add(ft, 3, "%d", false, NULL), 0);
	ck_assert_int_eq(dcons_fmttab__add(ft, 3, "%d", false, NULL), -EEXIST);
	ck_assert_int_eq(dcons_fmttab__add(ft, 0, "%d", false, NULL), -EINVAL);
	ck_assert_int_eq(dcons_fmttab__add(ft, 4, "%z", false, &err), -EINVAL);
	ck_assert_ptr_nonnull(dcons_fmttab__get(ft, 3));
	ck_assert_ptr_null(dcons_fmttab__get(ft, 4));
	ck_assert_ptr_null(dcons_fmttab__get(ft, 999));
	dcons_fmttab__free(ft);
}
END_TEST

/* ASSERTION: a non-quiet firing prints the probe columns, records, newline. */
START_TEST(t_consume_verbose)
{
	struct dcons_fmttab *ft = dcons_fmttab__new();
	const struct dcons_probe p = { 3, 42, "read", "entry" };
	int64_t v = 7;
	struct dcons_rec r[2] = { { DIF_ACT_PRINTF, DCONS_REC_SIGNED, 8, &v, 1 },
		{ DIF_ACT_DIFEXPR, DCONS_REC_SIGNED, 8, &v, 0 } };

	C.opts.quiet = false;
	ck_assert_int_eq(dcons_fmttab__add(ft, 1, "v=%d", false, NULL), 0);
	ck_assert_int_eq(dcons_consume__probe(&C, ft, NULL, &p, r, 2, NULL, &B), 0);
	EQ(B.data, "  3     42                       read:entry v=7                7\n");
	dcons_fmttab__free(ft);
}
END_TEST

/* ASSERTION: malformed or driver-only records are refused with the right code. */
START_TEST(t_consume_errors)
{
	struct dcons_fmttab *ft = dcons_fmttab__new();
	const struct dcons_probe p = { 0, 1, "", "BEGIN" };
	uint64_t id = 1;
	int32_t z = 0;
	struct dcons_rec bad_fmt = { DIF_ACT_PRINTF, 0, 4, &z, 9 };
	struct dcons_rec sys = { DIF_ACT_SYSTEM, 0, 4, &z, 0 };
	struct dcons_rec norm = { DIF_LIBACT_NORMALIZE, 0, 8, &id, 0 };
	struct dcons_rec opt[2] = {
		{ DIF_LIBACT_SETOPT, DCONS_REC_STRING, 5, "bogus", 0 },
		{ DIF_LIBACT_SETOPT, DCONS_REC_STRING, 1, "", 0 } };
	struct dcons_rec unknown = { 0x0444, 0, 4, &z, 0 };
	struct dcons_rec nodata = { DIF_ACT_DIFEXPR, 0, 4, NULL, 0 };

	ck_assert_int_eq(dcons_consume__probe(&C, ft, S, &p, &bad_fmt, 1, NULL, &B),
		-EINVAL);
	ck_assert_int_eq(dcons_consume__probe(&C, ft, S, &p, &sys, 1, NULL, &B),
		-ENOTSUP);
	ck_assert_int_eq(dcons_consume__probe(&C, ft, S, &p, &norm, 1, NULL, &B),
		-EINVAL);
	/* an option setopt() cannot set is left as it was, as in DTrace */
	ck_assert_int_eq(dcons_consume__probe(&C, ft, S, &p, opt, 2, NULL, &B), 0);
	ck_assert_int_eq(dcons_consume__probe(&C, ft, S, &p, &unknown, 1, NULL, &B),
		-EINVAL);
	ck_assert_int_eq(dcons_consume__probe(&C, ft, S, &p, &nodata, 1, NULL, &B),
		-EINVAL);
	dcons_fmttab__free(ft);
}
END_TEST

/* ASSERTION: setopt parses booleans and numbers. */
START_TEST(t_setopt)
{
	ck_assert_int_eq(dcons_ctx__setopt(&C, "aggsortrev", ""), 0);
	ck_assert(C.opts.aggsortrev);
	ck_assert_int_eq(dcons_ctx__setopt(&C, "aggsortrev", "false"), 0);
	ck_assert(!C.opts.aggsortrev);
	ck_assert_int_eq(dcons_ctx__setopt(&C, "aggsortpos", "2"), 0);
	ck_assert_uint_eq(C.opts.aggsortpos, 2);
	ck_assert_int_eq(dcons_ctx__setopt(&C, "aggsortpos", "x"), -EINVAL);
	ck_assert_int_eq(dcons_ctx__setopt(&C, "stackindent", "4"), 0);
	ck_assert_uint_eq(C.opts.stackindent, 4);
	ck_assert_int_eq(dcons_ctx__setopt(&C, "encoding", "utf8"), 0);
	ck_assert(C.opts.utf8);
	ck_assert_int_eq(dcons_ctx__setopt(&C, "encoding", "ebcdic"), -EINVAL);
	ck_assert_int_eq(dcons_ctx__setopt(&C, "aggpack", ""), 0);
	ck_assert(C.opts.aggpack);
	ck_assert_int_eq(dcons_ctx__setopt(&C, "nosuch", "1"), -ENOTSUP);
}
END_TEST

/* ASSERTION: agghist packs integer keys; keyless aggregations keep the plain layout. */
START_TEST(t_agghist_layout)
{
	int32_t k = 7;
	struct dcons_rec r = r_i32(&k);
	char want[512];

	C.opts.agghist = true;
	decl(S, 1, "a", DIF_ACT_COUNT, 0, 1, KI32);
	decl(S, 2, "b", DIF_ACT_COUNT, 0, 0);
	dcons_aggstore__apply(S, 1, &r, 1, 0, 1);
	dcons_aggstore__apply(S, 2, NULL, 0, 0, 1);
	ck_assert_int_eq(dcons_aggstore__printa(S, NULL, (uint32_t[]){ 1 }, 1, &C, &B), 0);
	snprintf(want, sizeof(want), "\n\n%9s %41s %-9s\n        7 |%.40s %-9d\n",
		"key", "------------- Distribution -------------", "count",
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@", 1);
	EQ(B.data, want);
	dcons_buf__reset(&B);
	ck_assert_int_eq(dcons_aggstore__printa(S, NULL, (uint32_t[]){ 2 }, 1, &C, &B), 0);
	EQ(B.data, "\n                1\n");
}
END_TEST

/* ASSERTION: '-' and '0' cancel each other in order; '?' is a pointer-wide field. */
START_TEST(t_flag_order)
{
	EQ(fmt("[%-05d]", 1, I(7, 4, true)), "[00007]");
	EQ(fmt("[%0-5d]", 1, I(7, 4, true)), "[7    ]");
	EQ(fmt("[%?p]", 1, I(0xbeef, 8, false)), "[            beef]");
}
END_TEST

/* ASSERTION: %@ converts the value as an address, pointer or time too. */
START_TEST(t_agg_conversions)
{
	struct dcons_fmt *pf = dcons_fmt__parse("%@a %@p %@x %@Y", 15, true, NULL);
	uint32_t id = 1;

	ck_assert_ptr_nonnull(pf);
	C.lookup = fake_lookup;
	decl(S, 1, "a", DIF_ACT_MAX, 0, 0);
	dcons_aggstore__apply(S, 1, NULL, 0, 0x1004, 1);
	ck_assert_int_eq(dcons_aggstore__printa(S, pf, &id, 1, &C, &B), 0);
	EQ(B.data, "genunix`read+0x4 1004 1004 1970 Jan  1 00:00:00");
	dcons_fmt__free(pf);
}
END_TEST

/* ASSERTION: normalized negative sums divide unsigned in the default layout, signed with %@d. */
START_TEST(t_normalize_negative)
{
	struct dcons_fmt *pf = dcons_fmt__parse("%@d %@u", 7, true, NULL);
	uint32_t id = 1;

	decl(S, 1, "a", DIF_ACT_SUM, 0, 0);
	dcons_aggstore__apply(S, 1, NULL, 0, -10, 1);
	dcons_aggstore__normalize(S, 1, 5);
	ck_assert_int_eq(dcons_aggstore__printa(S, NULL, &id, 1, &C, &B), 0);
	EQ(B.data, "\n 3689348814741910321\n");
	dcons_buf__reset(&B);
	ck_assert_int_eq(dcons_aggstore__printa(S, pf, &id, 1, &C, &B), 0);
	EQ(B.data, "-2 3689348814741910321");
	dcons_fmt__free(pf);
}
END_TEST

/* ASSERTION: setopt with a non-string value record means "1". */
START_TEST(t_setopt_novalue)
{
	const struct dcons_probe p = { 0, 1, "", "BEGIN" };
	uint64_t zero = 0;
	struct dcons_rec r[2] = {
		{ DIF_LIBACT_SETOPT, DCONS_REC_STRING, 11, "aggsortrev", 0 },
		{ DIF_LIBACT_SETOPT, 0, 8, &zero, 0 } };

	ck_assert_int_eq(dcons_consume__probe(&C, NULL, S, &p, r, 2, NULL, &B), 0);
	ck_assert(C.opts.aggsortrev);
}
END_TEST

/* ASSERTION: a leading NUL means bytes, \a and \b count as text, unterminated text pads even when quiet. */
START_TEST(t_bytes_rules)
{
	char empty[4] = { 0 };
	char bell[4] = { 'a', '\a', 0, 0 };
	char full[3] = { 'a', 'b', 'c' };
	struct dcons_rec re = { DIF_ACT_DIFEXPR, 0, 4, empty, 0 };
	struct dcons_rec rb = { DIF_ACT_DIFEXPR, 0, 4, bell, 0 };
	struct dcons_rec rf = { DIF_ACT_DIFEXPR, 0, 3, full, 0 };
	char want[64];

	re.flags = rb.flags = rf.flags = DCONS_REC_STRING;
	dcons_print__trace(&C, &re, &B);
	ck_assert(strstr(B.data, "0: 00 00 00 00") != NULL);
	dcons_buf__reset(&B);
	dcons_print__trace(&C, &rb, &B);
	EQ(B.data, "a\a");
	dcons_buf__reset(&B);
	dcons_print__trace(&C, &rf, &B);
	snprintf(want, sizeof(want), "  %-33s", "abc");
	EQ(B.data, want);
}
END_TEST

Suite *consumer_unit_suite(void)
{
	Suite *s = suite_create("consumer-unit");
	struct { const char *name; const TTest *t; } tests[] = {
		{ "parse_counts", t_parse_counts }, { "parse_errors", t_parse_errors },
		{ "arg_want", t_arg_want }, { "accepts", t_accepts },
		{ "int_convs", t_int_convs }, { "int_lenmods", t_int_lenmods },
		{ "int_flags", t_int_flags }, { "char", t_char },
		{ "pointer", t_pointer }, { "string", t_string },
		{ "chararr", t_chararr },
		{ "escaped_string", t_escaped_string },
		{ "wide_string", t_wide_string }, { "floats", t_floats },
		{ "times", t_times }, { "inet", t_inet }, { "addr", t_addr },
		{ "stack_conv", t_stack_conv }, { "mismatch", t_mismatch },
		{ "header_probe", t_header_probe }, { "trace_ints", t_trace_ints },
		{ "trace_strings", t_trace_strings },
		{ "trace_embedded_nul", t_trace_embedded_nul },
		{ "tracemem_rows", t_tracemem_rows }, { "sym_records", t_sym_records },
		{ "quantize_buckets", t_quantize_buckets },
		{ "llquantize_buckets", t_llquantize_buckets },
		{ "hist_empty", t_hist_empty }, { "hist_single_top", t_hist_single_top },
		{ "hist_single_bottom", t_hist_single_bottom },
		{ "hist_normal", t_hist_normal }, { "lhist_empty", t_lhist_empty },
		{ "lhist_overflow", t_lhist_overflow }, { "declare", t_declare },
		{ "key_shape", t_key_shape }, { "merge", t_merge },
		{ "avg_stddev_negative", t_avg_stddev_negative },
		{ "trunc_all", t_trunc_all }, { "sort_value", t_sort_value },
		{ "sort_key", t_sort_key }, { "sort_unsigned_keys", t_sort_unsigned_keys },
		{ "printa_join", t_printa_join },
		{ "printa_join_mismatch", t_printa_join_mismatch },
		{ "printa_too_many_keys", t_printa_too_many_keys },
		{ "sym_and_stack_keys", t_sym_and_stack_keys },
		{ "unprinted_order", t_unprinted_order }, { "many_keys", t_many_keys },
		{ "fmttab", t_fmttab }, { "consume_verbose", t_consume_verbose },
		{ "consume_errors", t_consume_errors }, { "setopt", t_setopt },
		{ "agghist_layout", t_agghist_layout },
		{ "flag_order", t_flag_order }, { "agg_conversions", t_agg_conversions },
		{ "normalize_negative", t_normalize_negative },
		{ "setopt_novalue", t_setopt_novalue }, { "bytes_rules", t_bytes_rules },
	};

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		TCase *tc = tcase_create(tests[i].name);

		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, tests[i].t);
		suite_add_tcase(s, tc);
	}
	return s;
}
