/*
 * check_ddmsg.c — the daemon wire protocol (runtime-daemon/dd_msg.c):
 * framing, limits, tags, and every payload parser's bounds checks.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dd.h"
#include "ht/dobj.h"

static const struct dd_key nokey;

/* A real (relocatable) program object, distinct per nonce; *n is its size. */
static uint8_t *fake_elf(size_t *n, const char *nonce)
{
	struct dobj *o = dobj__new(DOBJ_RELOCATABLE);
	void *buf = NULL;
	int m = dobj__add_meta(o);

	o->meta[m].key = dobj__intern(o, "nonce");
	o->meta[m].value = dobj__intern(o, nonce);
	ck_assert_int_eq(dobj__write_mem(o, &buf, n), 0);
	dobj__free(o);
	return buf;
}

/* ASSERTION: a frame encodes to header + payload and decodes to the same fields. */
START_TEST(test_roundtrip)
{
	uint8_t *f;
	size_t flen, got;
	struct dd_hdr h;
	const char payload[] = "\x00\x01" "no";

	ck_assert_int_eq(dd_msg__encode(&nokey, DD_NAK, 0x0102030405060708ull, payload, 4,
	    &f, &flen), 0);
	ck_assert_uint_eq(flen, DD_HDR_LEN + 4);
	ck_assert_int_eq(memcmp(f, "HTDD\001\003\000\000\000\000\000\004", 12), 0);
	ck_assert_int_eq(dd_msg__decode(&nokey, f, flen, &h, &got), 0);
	ck_assert_uint_eq(got, flen);
	ck_assert_uint_eq(h.type, DD_NAK);
	ck_assert_uint_eq(h.length, 4);
	ck_assert(h.xid == 0x0102030405060708ull);
	free(f);
}
END_TEST

/* ASSERTION: a truncated frame asks for more bytes at every cut point. */
START_TEST(test_truncated)
{
	uint8_t *f;
	size_t flen, got;
	struct dd_hdr h;

	ck_assert_int_eq(dd_msg__encode(&nokey, DD_CANCEL, 1, "0123456789abcdef0123456789abcdef",
	    32, &f, &flen), 0);
	for (size_t cut = 0; cut < flen; cut++)
		ck_assert_int_eq(dd_msg__decode(&nokey, f, cut, &h, &got), -EAGAIN);
	free(f);
}
END_TEST

/* ASSERTION: bad magic, version, type, flags and reserved bytes are malformed. */
START_TEST(test_malformed_header)
{
	static const int offsets[] = { 0, 3, 4, 5, 6, 12 };
	uint8_t *f;
	size_t flen, got;
	struct dd_hdr h;

	ck_assert_int_eq(dd_msg__encode(&nokey, DD_STATUS_REQ, 9, NULL, 0, &f, &flen), 0);
	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		f[offsets[i]] ^= 0x40;
		ck_assert_int_eq(dd_msg__decode(&nokey, f, flen, &h, &got), -EBADMSG);
		f[offsets[i]] ^= 0x40;
	}
	/* a wrong first byte is refused before the header is complete */
	f[0] = 'X';
	ck_assert_int_eq(dd_msg__decode(&nokey, f, 1, &h, &got), -EBADMSG);
	free(f);
}
END_TEST

/* ASSERTION: a length over the type's limit is refused from the header alone. */
START_TEST(test_oversized)
{
	uint8_t *f;
	size_t flen, got;
	struct dd_hdr h;

	ck_assert_int_eq(dd_msg__encode(&nokey, DD_HELLO, 1, "\001\001a", 3, &f, &flen), 0);
	f[8] = 0x7f;	/* length ~2 GiB */
	ck_assert_int_eq(dd_msg__decode(&nokey, f, DD_HDR_LEN, &h, &got), -EMSGSIZE);
	ck_assert_int_eq(dd_msg__encode(&nokey, DD_ACK, 1, "x", DD_PAYLOAD_MAX, &f, &flen),
	    -EINVAL);
	free(f);
}
END_TEST

/* ASSERTION: a flipped payload bit or a different key fails the tag check. */
START_TEST(test_tag)
{
	struct dd_key k1 = { .len = 16 }, k2 = { .len = 16 };
	uint8_t *f;
	size_t flen, got;
	struct dd_hdr h;

	memset(k1.bytes, 'a', 16);
	memset(k2.bytes, 'b', 16);
	ck_assert_int_eq(dd_msg__encode(&k1, DD_HELLO, 1, "\002\002m1", 4, &f, &flen), 0);
	ck_assert_int_eq(dd_msg__decode(&k1, f, flen, &h, &got), 0);
	ck_assert_int_eq(dd_msg__decode(&k2, f, flen, &h, &got), -EPERM);
	ck_assert_int_eq(dd_msg__decode(&nokey, f, flen, &h, &got), -EPERM);
	f[DD_HDR_LEN + 2] ^= 1;
	ck_assert_int_eq(dd_msg__decode(&k1, f, flen, &h, &got), -EPERM);
	free(f);
}
END_TEST

/* ASSERTION: HMAC-SHA-256 matches the RFC 4231 test case 2 vector. */
START_TEST(test_hmac_vector)
{
	struct dd_key k = { .len = 4 };
	uint8_t out[32];
	static const uint8_t want[32] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26,
		0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
		0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43
	};

	memcpy(k.bytes, "Jefe", 4);
	dd_hmac(&k, "what do ya want ", 16, "for nothing?", 12, out);
	ck_assert_int_eq(memcmp(out, want, 32), 0);
}
END_TEST

/* ASSERTION: HELLO parses role and name; bad roles, lengths and names are refused. */
START_TEST(test_hello)
{
	struct dd_hello h;

	ck_assert_int_eq(dd_msg__parse_hello((const uint8_t *)"\002\003vm1", 5, &h), 0);
	ck_assert_uint_eq(h.role, DD_ROLE_MINION);
	ck_assert_str_eq(h.name, "vm1");
	ck_assert_int_eq(dd_msg__parse_hello((const uint8_t *)"\004\003vm1", 5, &h), -EBADMSG);
	ck_assert_int_eq(dd_msg__parse_hello((const uint8_t *)"\002\004vm1", 5, &h), -EBADMSG);
	ck_assert_int_eq(dd_msg__parse_hello((const uint8_t *)"\002\003vm1x", 6, &h), -EBADMSG);
	ck_assert_int_eq(dd_msg__parse_hello((const uint8_t *)"\002\003v/1", 5, &h), -EBADMSG);
	ck_assert_int_eq(dd_msg__parse_hello((const uint8_t *)"\002\003v\0001", 5, &h), -EBADMSG);
	ck_assert_int_eq(dd_msg__parse_hello((const uint8_t *)"\002\000", 2, &h), -EBADMSG);
}
END_TEST

/* ASSERTION: PROGRAM requires a valid object whose own ident is the frame's ident. */
START_TEST(test_program)
{
	size_t n;
	uint8_t *elf = fake_elf(&n, "p1"), *buf = malloc(n + 32), ident[32];
	struct dd_program p;
	char why[512];

	ck_assert_int_eq(dd_prog__check(elf, n, ident, why, sizeof(why)), 0);
	memcpy(buf, ident, 32);
	memcpy(buf + 32, elf, n);
	ck_assert_int_eq(dd_msg__parse_program(buf, n + 32, &p), 0);
	ck_assert_uint_eq(p.elflen, n);
	buf[0] ^= 1;
	ck_assert_int_eq(dd_msg__parse_program(buf, n + 32, &p), -EBADMSG);
	buf[0] ^= 1;
	buf[32 + n - 1] ^= 0x20;	/* altered after writing: the reader refuses it */
	ck_assert_int_eq(dd_msg__parse_program(buf, n + 32, &p), -EBADMSG);
	ck_assert_int_eq(dd_prog__check(buf + 32, n, ident, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "not a valid program object: "));
	memcpy(buf + 32, "\177ELF\002\001\001\000garbage", 15);
	ck_assert_int_eq(dd_prog__check(buf + 32, n, ident, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(dd_msg__parse_program(buf, 31, &p), -EBADMSG);
	ck_assert_int_eq(dd_prog__check(elf, 63, ident, why, sizeof(why)), -EINVAL);
	free(elf);
	free(buf);
}
END_TEST

/* ASSERTION: SUBMIT and its ACK round-trip target lists; duplicates are refused. */
START_TEST(test_submit)
{
	static struct dd_submit s;
	const char *t[] = { "vm1", "vm2" }, *dup[] = { "vm1", "vm1" };
	size_t n, len;
	uint8_t *elf = fake_elf(&n, "s"), *p;

	ck_assert_int_eq(dd_msg__build_submit(t, 2, elf, n, &p, &len), 0);
	ck_assert_int_eq(dd_msg__parse_submit(p, len, &s), 0);
	ck_assert_uint_eq(s.ntargets, 2);
	ck_assert_str_eq(s.targets[1], "vm2");
	ck_assert_uint_eq(s.elflen, n);
	ck_assert_int_eq(dd_msg__parse_submit(p, 9, &s), -EBADMSG);
	free(p);
	ck_assert_int_eq(dd_msg__build_submit(dup, 2, elf, n, &p, &len), 0);
	ck_assert_int_eq(dd_msg__parse_submit(p, len, &s), -EBADMSG);
	free(p);
	ck_assert_int_eq(dd_msg__build_targets(t, 2, &p, &len), 0);
	ck_assert_int_eq(dd_msg__parse_targets(p, len, &s), 0);
	ck_assert_uint_eq(s.ntargets, 2);
	ck_assert_int_eq(dd_msg__parse_targets(p, len - 1, &s), -EBADMSG);
	free(p);
	free(elf);
}
END_TEST

/* ASSERTION: RESULT carries a linked ELF or a bounded error text; GUEST_RESULT names the guest. */
START_TEST(test_result)
{
	uint8_t ident[32] = { 1 }, *p;
	size_t n, len;
	uint8_t *elf = fake_elf(&n, "r");
	struct dd_result r;

	ck_assert_int_eq(dd_msg__build_result(ident, DD_LINKED, NULL, elf, n, &p, &len), 0);
	ck_assert_int_eq(dd_msg__parse_result(p, len, &r), 0);
	ck_assert_uint_eq(r.datalen, n);
	free(p);
	ck_assert_int_eq(dd_msg__build_result(ident, DD_LINKED, NULL, "oops", 4, &p, &len), 0);
	ck_assert_int_eq(dd_msg__parse_result(p, len, &r), -EBADMSG);
	free(p);
	ck_assert_int_eq(dd_msg__build_result(ident, DD_LINK_FAILED, "vm3", "no types", 8,
	    &p, &len), 0);
	ck_assert_int_eq(dd_msg__parse_guest_result(p, len, &r), 0);
	ck_assert_str_eq(r.guest, "vm3");
	ck_assert_uint_eq(r.datalen, 8);
	free(p);
	ck_assert_int_eq(dd_msg__build_result(ident, 9, NULL, "x", 1, &p, &len), 0);
	ck_assert_int_eq(dd_msg__parse_result(p, len, &r), -EBADMSG);
	free(p);
	free(elf);
}
END_TEST

/* ASSERTION: idents print as 64 lowercase hex digits and parse back; bad hex is refused. */
START_TEST(test_ident_hex)
{
	uint8_t id[32], back[32];
	char hex[65];

	for (int i = 0; i < 32; i++)
		id[i] = (uint8_t)(i * 37);
	dd_ident__hex(id, hex);
	ck_assert_uint_eq(strlen(hex), 64);
	ck_assert_int_eq(dd_ident__parse(hex, back), 0);
	ck_assert_int_eq(memcmp(id, back, 32), 0);
	hex[5] = 'G';
	ck_assert_int_eq(dd_ident__parse(hex, back), -EINVAL);
	ck_assert_int_eq(dd_ident__parse("abc", back), -EINVAL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ddmsg");
	struct { const char *name; const TTest *fn; } cases[] = {
		{ "roundtrip", test_roundtrip }, { "truncated", test_truncated },
		{ "malformed_header", test_malformed_header }, { "oversized", test_oversized },
		{ "tag", test_tag }, { "hmac_vector", test_hmac_vector }, { "hello", test_hello },
		{ "program", test_program }, { "submit", test_submit }, { "result", test_result },
		{ "ident_hex", test_ident_hex },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TCase *tc = tcase_create(cases[i].name);
		tcase_add_test(tc, cases[i].fn);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
