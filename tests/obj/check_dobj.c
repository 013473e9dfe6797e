/*
 * check_dobj.c — Check suite for libdobj's ELF encoding (linker/obj).
 *
 * Round trips compare every field of every table; determinism tests
 * compare bytes and idents; every reader rule has a test that breaks it
 * in an otherwise valid file and asserts the error names the section that
 * holds the bad bytes.  Section indexes and field offsets below are taken
 * from docs/object-format.md, not from the library's private header, so
 * the test also checks the implementation against the specification.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sample.h"

/* Section indexes (docs/object-format.md, "Sections"). */
enum {
	S_HEADER = 1, S_STRTAB, S_PROBES, S_CLAUSES, S_ACTIONS, S_DIFOS, S_TEXT,
	S_INTS, S_STRS, S_VARS, S_LINES, S_FORMATS, S_AGGS, S_OPTIONS, S_SYMBOLS,
	S_META, S_SRCIDENTS, S_SYMTAB, S_SYMSTR, S_SHSTRTAB, S_RELA
};

/* --- byte helpers -------------------------------------------------------- */

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void wr64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t shdr(const uint8_t *b, int sec)
{
	return rd64(b + 40) + (uint64_t)sec * 64;
}

static uint64_t soff(const uint8_t *b, int sec)
{
	return rd64(b + shdr(b, sec) + 24);
}

static uint64_t ssize(const uint8_t *b, int sec)
{
	return rd64(b + shdr(b, sec) + 32);
}

/* Recompute the ident after a deliberate edit (ident at .ht.header + 96). */
static void rehash(uint8_t *b, size_t len)
{
	uint8_t *id = b + soff(b, S_HEADER) + 96;
	SHA2_CTX ctx;

	memset(id, 0, 32);
	SHA256Init(&ctx);
	SHA256Update(&ctx, b, len);
	SHA256Final(id, &ctx);
}

static uint8_t *encode(struct dobj *obj, size_t *len)
{
	void *buf = NULL;
	int rc = dobj__write_mem(obj, &buf, len);

	ck_assert_int_eq(rc, 0);
	return buf;
}

static struct dobj *decode(const void *buf, size_t len)
{
	struct dobj *obj = NULL;
	struct dobj_err err = { 0 };
	int rc = dobj__read_mem(buf, len, &obj, &err);

	ck_assert_msg(rc == 0, "read failed: %s @%llu: %s", err.section,
	    (unsigned long long)err.offset, err.msg);
	return obj;
}

/* A fresh encoding of a sample. */
static uint8_t *sample_bytes(enum dobj_kind kind, size_t *len)
{
	struct dobj *obj = sample_full(kind);
	uint8_t *b;

	ck_assert_ptr_nonnull(obj);
	b = encode(obj, len);
	dobj__free(obj);
	return b;
}

/* The read must fail with -EINVAL, naming `section` (and `msg` if given). */
static struct dobj_err expect_reject(const uint8_t *b, size_t len, const char *section,
    const char *msg)
{
	struct dobj *obj = NULL;
	struct dobj_err err = { 0 };
	int rc = dobj__read_mem(b, len, &obj, &err);

	ck_assert_msg(rc == -EINVAL, "expected rejection, got %d", rc);
	ck_assert_ptr_null(obj);
	ck_assert_msg(strcmp(err.section, section) == 0, "error names section '%s' "
	    "(expected '%s'): %s", err.section, section, err.msg);
	if (msg != NULL)
		ck_assert_msg(strstr(err.msg, msg) != NULL, "message '%s' lacks '%s'",
		    err.msg, msg);
	return err;
}

/* Edit a relocatable sample, then expect rejection. */
#define REJECT_EDIT(kind, section, msg, edit) do { \
	size_t len_; \
	uint8_t *b = sample_bytes((kind), &len_); \
	size_t len = len_; \
	edit; \
	expect_reject(b, len, (section), (msg)); \
	free(b); \
	} while (0)

/* --- field-by-field comparison ----------------------------------------- */

#define EQ(a, b, f) ck_assert_msg((a)->f == (b)->f, "%s differs", #f)

static void same_pos(const struct dobj_srcpos *a, const struct dobj_srcpos *b)
{
	EQ(a, b, file); EQ(a, b, line); EQ(a, b, col);
}

static void same_type(const struct dif_type *a, const struct dif_type *b)
{
	EQ(a, b, dtdt_kind); EQ(a, b, dtdt_ckind); EQ(a, b, dtdt_flags);
	EQ(a, b, dtdt_pad); EQ(a, b, dtdt_size);
}

static void same_difo(const struct dobj_difo *a, const struct dobj_difo *b)
{
	EQ(a, b, len); EQ(a, b, intlen); EQ(a, b, strlen); EQ(a, b, varlen);
	EQ(a, b, rellen); EQ(a, b, nlines); EQ(a, b, flags);
	same_type(&a->rtype, &b->rtype);
	for (uint32_t j = 0; j < a->len; j++)
		EQ(a, b, text[j]);
	for (uint32_t j = 0; j < a->intlen; j++)
		EQ(a, b, inttab[j]);
	if (a->strlen)
		ck_assert(memcmp(a->strtab, b->strtab, a->strlen) == 0);
	for (uint32_t j = 0; j < a->varlen; j++) {
		const struct dif_var *x = &a->vartab[j], *y = &b->vartab[j];
		EQ(x, y, dtdv_name); EQ(x, y, dtdv_id); EQ(x, y, dtdv_kind);
		EQ(x, y, dtdv_scope); EQ(x, y, dtdv_flags);
		same_type(&x->dtdv_type, &y->dtdv_type);
	}
	for (uint32_t j = 0; j < a->rellen; j++) {
		const struct dif_reloc *x = &a->reltab[j], *y = &b->reltab[j];
		EQ(x, y, dtr_pc); EQ(x, y, dtr_kind); EQ(x, y, dtr_flags);
		EQ(x, y, dtr_type); EQ(x, y, dtr_member);
	}
	for (uint32_t j = 0; j < a->nlines; j++) {
		EQ(a, b, lines[j].pc);
		same_pos(&a->lines[j].pos, &b->lines[j].pos);
	}
}

static void same_obj(const struct dobj *a, const struct dobj *b)
{
	EQ(a, b, kind); EQ(a, b, strlen); EQ(a, b, nprobes); EQ(a, b, nclauses);
	EQ(a, b, nactions); EQ(a, b, ndifos); EQ(a, b, nformats); EQ(a, b, naggs);
	EQ(a, b, noptions); EQ(a, b, nsymbols); EQ(a, b, nmeta); EQ(a, b, nsrcidents);
	ck_assert(memcmp(a->strtab, b->strtab, a->strlen) == 0);
	ck_assert(a->nsrcidents == 0 ||
	    memcmp(a->srcidents, b->srcidents, (size_t)a->nsrcidents * DOBJ_IDENT_LEN) == 0);
	for (uint32_t i = 0; i < a->nprobes; i++) {
		const struct dobj_probe *x = &a->probes[i], *y = &b->probes[i];
		EQ(x, y, target); EQ(x, y, provider); EQ(x, y, module);
		EQ(x, y, function); EQ(x, y, name); same_pos(&x->pos, &y->pos);
	}
	for (uint32_t i = 0; i < a->nclauses; i++) {
		const struct dobj_clause *x = &a->clauses[i], *y = &b->clauses[i];
		EQ(x, y, probe_first); EQ(x, y, probe_count); EQ(x, y, pred);
		EQ(x, y, action_first); EQ(x, y, action_count); same_pos(&x->pos, &y->pos);
	}
	for (uint32_t i = 0; i < a->nactions; i++) {
		const struct dobj_action *x = &a->actions[i], *y = &b->actions[i];
		EQ(x, y, kind); EQ(x, y, flags); EQ(x, y, ntuple); EQ(x, y, arg);
		EQ(x, y, difo); EQ(x, y, format); EQ(x, y, str); same_pos(&x->pos, &y->pos);
	}
	for (uint32_t i = 0; i < a->ndifos; i++)
		same_difo(&a->difos[i], &b->difos[i]);
	for (uint32_t i = 0; i < a->nformats; i++) {
		EQ(a, b, formats[i].str); EQ(a, b, formats[i].kind); EQ(a, b, formats[i].pad);
	}
	for (uint32_t i = 0; i < a->naggs; i++) {
		const struct dobj_agg *x = &a->aggs[i], *y = &b->aggs[i];
		EQ(x, y, name); EQ(x, y, id); EQ(x, y, func); EQ(x, y, nkeys);
		EQ(x, y, arg); EQ(x, y, keytypes); EQ(x, y, valtype);
	}
	for (uint32_t i = 0; i < a->noptions; i++) {
		EQ(a, b, options[i].name); EQ(a, b, options[i].value);
	}
	for (uint32_t i = 0; i < a->nsymbols; i++) {
		const struct dobj_symbol *x = &a->symbols[i], *y = &b->symbols[i];
		EQ(x, y, name); EQ(x, y, kind); EQ(x, y, varkind); EQ(x, y, id);
		EQ(x, y, ctype); EQ(x, y, keytypes); same_type(&x->type, &y->type);
	}
	for (uint32_t i = 0; i < a->nmeta; i++) {
		EQ(a, b, meta[i].key); EQ(a, b, meta[i].value);
	}
}

static void roundtrip(struct dobj *obj)
{
	size_t len;
	uint8_t *b;
	struct dobj *back;

	ck_assert_ptr_nonnull(obj);
	b = encode(obj, &len);
	back = decode(b, len);
	same_obj(obj, back);
	ck_assert(memcmp(obj->ident, back->ident, DOBJ_IDENT_LEN) == 0);
	free(b);
	dobj__free(back);
	dobj__free(obj);
}

/* --- round trips ------------------------------------------------------- */

/* ASSERTION: a relocatable program using every table and field round-trips exactly. */
START_TEST(rt_full_relocatable)
{
	struct dobj *obj = sample_full(DOBJ_RELOCATABLE);
	int kinds = 0;

	ck_assert_ptr_nonnull(obj);
	for (uint32_t i = 0; i < obj->ndifos; i++)
		for (uint32_t j = 0; j < obj->difos[i].rellen; j++)
			kinds |= 1 << obj->difos[i].reltab[j].dtr_kind;
	ck_assert_int_eq(kinds, 0xfe);	/* every relocation kind 1..7 */
	roundtrip(obj);
}
END_TEST

/* ASSERTION: a linked program round-trips and carries no relocation section. */
START_TEST(rt_full_linked)
{
	struct dobj *obj = sample_full(DOBJ_LINKED);
	size_t len;
	uint8_t *b = encode(obj, &len);

	ck_assert_uint_eq(rd64(b + 60) & 0xffff, 21);	/* e_shnum */
	ck_assert_uint_eq(b[16], 2);			/* ET_EXEC */
	free(b);
	roundtrip(obj);
}
END_TEST

/* ASSERTION: empty programs (no clauses, no options, no strings) round-trip. */
START_TEST(rt_empty)
{
	roundtrip(sample_empty(DOBJ_RELOCATABLE));
	roundtrip(sample_empty(DOBJ_LINKED));
}
END_TEST

/* ASSERTION: a clause with no actions survives the round trip (CADETS flaw 5). */
START_TEST(rt_clause_without_actions)
{
	struct dobj *obj = sample_minimal(), *back;
	size_t len;
	uint8_t *b;

	ck_assert_ptr_nonnull(obj);
	obj->clauses[0].action_count = 0;
	b = encode(obj, &len);
	back = decode(b, len);
	ck_assert_uint_eq(back->nclauses, 1);
	ck_assert_uint_eq(back->clauses[0].action_count, 0);
	same_obj(obj, back);
	free(b);
	dobj__free(back);
	dobj__free(obj);
}
END_TEST

/* ASSERTION: write_file/read_file round-trip through the file system. */
START_TEST(rt_file)
{
	char dir[] = "/tmp/check_dobj.XXXXXX", path[64];
	struct dobj *obj = sample_full(DOBJ_RELOCATABLE), *back = NULL;
	struct dobj_err err;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.o", dir);
	ck_assert_int_eq(dobj__write_file(obj, path), 0);
	ck_assert_int_eq(dobj__read_file(path, &back, &err), 0);
	same_obj(obj, back);
	unlink(path);
	rmdir(dir);
	dobj__free(obj);
	dobj__free(back);
}
END_TEST

/* ASSERTION: a failed write leaves no output and no temp file behind. */
START_TEST(write_file_atomic)
{
	char dir[] = "/tmp/check_dobj.XXXXXX", path[64];
	struct dobj *obj = sample_minimal();
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.o", dir);
	obj->clauses[0].pred = 7;		/* invalid: writer refuses */
	ck_assert_int_eq(dobj__write_file(obj, path), -EINVAL);
	ck_assert_int_ne(stat(path, &st), 0);
	ck_assert_int_eq(rmdir(dir), 0);	/* empty: no temp file left */
	snprintf(path, sizeof(path), "%s/missing/a.o", dir);
	obj->clauses[0].pred = -1;
	ck_assert_int_lt(dobj__write_file(obj, path), 0);
	dobj__free(obj);
}
END_TEST

/* ASSERTION: read_file reports a missing file (-ENOENT) and a directory (-EINVAL). */
START_TEST(read_file_missing)
{
	struct dobj *obj = NULL;
	struct dobj_err err;

	ck_assert_int_eq(dobj__read_file("/nonexistent/x.o", &obj, &err), -ENOENT);
	ck_assert_ptr_null(obj);
	ck_assert_int_eq(dobj__read_file("/tmp", &obj, &err), -EINVAL);
	ck_assert_ptr_null(obj);
}
END_TEST

/* --- determinism ------------------------------------------------------- */

/* ASSERTION: the same object always encodes to the same bytes. */
START_TEST(det_same_bytes)
{
	struct dobj *obj = sample_full(DOBJ_RELOCATABLE), *back;
	size_t l1, l2, l3;
	uint8_t *a = encode(obj, &l1), *b = encode(obj, &l2), *c;

	ck_assert_uint_eq(l1, l2);
	ck_assert(memcmp(a, b, l1) == 0);
	back = decode(a, l1);
	c = encode(back, &l3);
	ck_assert_uint_eq(l1, l3);
	ck_assert(memcmp(a, c, l1) == 0);
	free(a);
	free(b);
	free(c);
	dobj__free(obj);
	dobj__free(back);
}
END_TEST

/* ASSERTION: the ident is the SHA-256 of the file with the ident zeroed. */
START_TEST(det_ident_is_sha256)
{
	struct dobj *obj = sample_full(DOBJ_RELOCATABLE);
	size_t len;
	uint8_t *b = encode(obj, &len), id[32];

	memcpy(id, b + soff(b, S_HEADER) + 96, 32);
	ck_assert(memcmp(id, obj->ident, 32) == 0);
	rehash(b, len);
	ck_assert(memcmp(id, b + soff(b, S_HEADER) + 96, 32) == 0);
	ck_assert_int_eq(dobj__compute_ident(obj), 0);
	ck_assert(memcmp(id, obj->ident, 32) == 0);
	free(b);
	dobj__free(obj);
}
END_TEST

/* ASSERTION: changing any one field changes the ident. */
START_TEST(det_field_changes_ident)
{
	struct dobj *obj = sample_full(DOBJ_RELOCATABLE);
	uint8_t id[DOBJ_IDENT_LEN];

	ck_assert_int_eq(dobj__compute_ident(obj), 0);
	memcpy(id, obj->ident, sizeof(id));
	obj->difos[1].inttab[1]++;
	ck_assert_int_eq(dobj__compute_ident(obj), 0);
	ck_assert(memcmp(id, obj->ident, sizeof(id)) != 0);
	obj->difos[1].inttab[1]--;
	ck_assert_int_eq(dobj__compute_ident(obj), 0);
	ck_assert(memcmp(id, obj->ident, sizeof(id)) == 0);
	obj->actions[0].pos.col++;
	ck_assert_int_eq(dobj__compute_ident(obj), 0);
	ck_assert(memcmp(id, obj->ident, sizeof(id)) != 0);
	dobj__free(obj);
}
END_TEST

/* --- reader: ELF level ------------------------------------------------- */

/* ASSERTION: a file truncated anywhere is rejected, never read past its end. */
START_TEST(rej_truncated)
{
	size_t len;
	uint8_t *b = sample_bytes(DOBJ_RELOCATABLE, &len);
	size_t cuts[] = { 0, 1, 16, 63, 64, 200, len / 2, len - 64, len - 1 };

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		uint8_t *t = malloc(cuts[i] + 1);
		memcpy(t, b, cuts[i]);
		expect_reject(t, cuts[i], "ELF header", NULL);
		free(t);
	}
	free(b);
}
END_TEST

/* ASSERTION: each ELF header field is checked and blamed on the ELF header. */
START_TEST(rej_ehdr_fields)
{
	static const struct { size_t off, width; uint64_t value; } edits[] = {
		{ 0, 1, 0x7e },		/* magic */
		{ 4, 1, 1 },		/* ELFCLASS32 */
		{ 5, 1, 2 },		/* big-endian */
		{ 6, 1, 0 },		/* EI_VERSION */
		{ 7, 1, 9 },		/* OS ABI */
		{ 16, 2, 3 },		/* ET_DYN */
		{ 18, 2, 62 },		/* EM_X86_64 */
		{ 20, 4, 2 },		/* e_version */
		{ 24, 8, 0x1000 },	/* e_entry */
		{ 32, 8, 64 },		/* e_phoff */
		{ 48, 4, 1 },		/* e_flags */
		{ 52, 2, 52 },		/* e_ehsize */
		{ 58, 2, 40 },		/* e_shentsize */
		{ 60, 2, 20 },		/* e_shnum */
		{ 62, 2, 3 },		/* e_shstrndx */
		{ 40, 8, 1u << 30 },	/* e_shoff outside */
		{ 40, 8, 68 },		/* e_shoff misaligned */
	};

	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		size_t len;
		uint8_t *b = sample_bytes(DOBJ_RELOCATABLE, &len);
		for (size_t k = 0; k < edits[i].width; k++)
			b[edits[i].off + k] = (uint8_t)(edits[i].value >> (8 * k));
		expect_reject(b, len, "ELF header", NULL);
		free(b);
	}
}
END_TEST

/* ASSERTION: a section of the wrong type is rejected, naming it. */
START_TEST(rej_section_type)
{
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.probes", "type",
	    wr32(b + shdr(b, S_PROBES) + 4, 8 /* SHT_NOBITS */));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.strtab", "type",
	    wr32(b + shdr(b, S_STRTAB) + 4, 1 /* SHT_PROGBITS */));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "type",
	    wr32(b + shdr(b, S_RELA) + 4, 9 /* SHT_REL */));
}
END_TEST

/* ASSERTION: entry size, alignment, flags and link/info are checked per section. */
START_TEST(rej_section_geometry)
{
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.actions", "entry size",
	    wr64(b + shdr(b, S_ACTIONS) + 56, 48));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.ints", "alignment",
	    wr64(b + shdr(b, S_INTS) + 48, 4));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.difos", "flags",
	    wr64(b + shdr(b, S_DIFOS) + 8, 2 /* SHF_ALLOC */));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "sh_link",
	    wr32(b + shdr(b, S_RELA) + 44, S_INTS));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".symtab", "sh_link",
	    wr32(b + shdr(b, S_SYMTAB) + 40, S_STRTAB));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.ints", "aligned",
	    wr64(b + shdr(b, S_INTS) + 24, soff(b, S_INTS) + 4));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.vars", "multiple",
	    wr64(b + shdr(b, S_VARS) + 32, ssize(b, S_VARS) - 1));
}
END_TEST

/* ASSERTION: sections outside the file or overlapping another are rejected. */
START_TEST(rej_section_placement)
{
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.clauses", "outside the file",
	    wr64(b + shdr(b, S_CLAUSES) + 24, len));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.clauses", "outside the file",
	    wr64(b + shdr(b, S_CLAUSES) + 32, UINT64_MAX - 7));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.clauses", "overlap",
	    wr64(b + shdr(b, S_CLAUSES) + 24, soff(b, S_PROBES)));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.probes", "overlap",
	    wr64(b + shdr(b, S_PROBES) + 24, 32));
}
END_TEST

/* ASSERTION: unknown, duplicate and missing sections are named. */
START_TEST(rej_section_names)
{
	/* point section 4's name at ".ht.probes" (offset of section 3's name) */
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.probes", "duplicate",
	    wr32(b + shdr(b, S_CLAUSES), rd32(b + shdr(b, S_PROBES))));
	/* .ht.meta renamed to .ht.srcidents: .ht.meta is missing */
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.meta", "missing",
	    wr32(b + shdr(b, S_META), rd32(b + shdr(b, S_SRCIDENTS))));
	/* skip the leading '.': "ht.probes" is unknown */
	REJECT_EDIT(DOBJ_RELOCATABLE, "ht.probes", "unknown",
	    wr32(b + shdr(b, S_PROBES), rd32(b + shdr(b, S_PROBES)) + 1));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".shstrtab", "name offset",
	    wr32(b + shdr(b, S_TEXT), 0x7fffffff));
}
END_TEST

/* ASSERTION: a linked object holding relocations is rejected, naming them. */
START_TEST(rej_reloc_in_linked)
{
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "linked",
	    { b[16] = 2; wr16(b + soff(b, S_HEADER) + 12, 2); });
}
END_TEST

/* --- reader: .ht.header ------------------------------------------------ */

/* ASSERTION: a version-1 object (same bytes, version word 1, its own ident) reads as the same object, a stale ident is still refused, and writing it again stamps the current version. */
START_TEST(read_version1)
{
	size_t len, n;
	uint8_t *b = sample_bytes(DOBJ_RELOCATABLE, &len), *again;
	struct dobj *obj;

	ck_assert_uint_eq(rd32(b + soff(b, S_HEADER) + 8), DOBJ_FORMAT_VERSION);
	wr32(b + soff(b, S_HEADER) + 8, 1);
	expect_reject(b, len, ".ht.header", "ident");
	rehash(b, len);
	obj = decode(b, len);
	again = encode(obj, &n);
	ck_assert_uint_eq(n, len);
	ck_assert_uint_eq(rd32(again + soff(again, S_HEADER) + 8), DOBJ_FORMAT_VERSION);
	wr32(again + soff(again, S_HEADER) + 8, 1);
	rehash(again, n);
	ck_assert_mem_eq(again, b, len);
	free(again);
	dobj__free(obj);
	free(b);
}
END_TEST

/* ASSERTION: magic, versions, kind, flags and header size are checked. */
START_TEST(rej_header_fields)
{
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.header", "magic", b[soff(b, S_HEADER)] ^= 1);
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.header", "format version",
	    wr32(b + soff(b, S_HEADER) + 8, DOBJ_FORMAT_VERSION + 1));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.header", "format version",
	    wr32(b + soff(b, S_HEADER) + 8, DOBJ_FORMAT_VERSION_MIN - 1));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.header", "kind",
	    wr16(b + soff(b, S_HEADER) + 12, 2));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.header", "kind",
	    wr16(b + soff(b, S_HEADER) + 12, 7));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.header", "DIF version",
	    wr16(b + soff(b, S_HEADER) + 14, 1));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.header", "zero",
	    wr32(b + soff(b, S_HEADER) + 16, 1));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.header", "header size",
	    wr32(b + soff(b, S_HEADER) + 20, 64));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.header", "zero",
	    wr32(b + soff(b, S_HEADER) + 92, 1));
}
END_TEST

/* ASSERTION: every count must match its section size, huge counts included. */
START_TEST(rej_header_counts)
{
	for (int i = 0; i < 17; i++) {
		REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.header", "does not match",
		    wr32(b + soff(b, S_HEADER) + 24 + 4 * i,
		    rd32(b + soff(b, S_HEADER) + 24 + 4 * i) + 1));
		REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.header", "does not match",
		    wr32(b + soff(b, S_HEADER) + 24 + 4 * i, 0xffffffffu));
	}
}
END_TEST

/* ASSERTION: an altered byte is caught by the ident; NO_IDENT skips only that. */
START_TEST(rej_ident_mismatch)
{
	size_t len;
	uint8_t *b = sample_bytes(DOBJ_RELOCATABLE, &len);
	struct dobj_err err;
	struct dobj *obj = NULL;

	b[soff(b, S_INTS) + 3] ^= 0x40;
	err = expect_reject(b, len, ".ht.header", "ident");
	ck_assert_uint_eq(err.offset, soff(b, S_HEADER) + 96);
	ck_assert_int_eq(dobj__read_mem_flags(b, len, DOBJ_READ_NO_IDENT, &obj, &err), 0);
	dobj__free(obj);
	rehash(b, len);
	obj = decode(b, len);
	dobj__free(obj);
	free(b);
}
END_TEST

/* ASSERTION: bytes outside every section (padding) must be zero. */
START_TEST(rej_noncanonical_padding)
{
	/* .ht.probes ends at 0x270 - 0x60 ... find a gap: before .ht.ints (align 8) */
	size_t len;
	uint8_t *b = sample_bytes(DOBJ_RELOCATABLE, &len);
	uint64_t end = soff(b, S_TEXT) + ssize(b, S_TEXT);

	ck_assert_uint_lt(end, soff(b, S_INTS));	/* the sample has a gap here */
	b[end] = 1;
	rehash(b, len);
	expect_reject(b, len, "ELF header", "canonical");
	free(b);
}
END_TEST

/* --- reader: records --------------------------------------------------- */

/* ASSERTION: clause probe/predicate/action references are bounds-checked. */
START_TEST(rej_clause_indexes)
{
	{
		struct dobj_err err;
		size_t n;
		uint8_t *p = sample_bytes(DOBJ_RELOCATABLE, &n);

		wr32(p + soff(p, S_CLAUSES) + 8, 99);
		err = expect_reject(p, n, ".ht.clauses", "predicate");
		ck_assert_uint_eq(err.offset, soff(p, S_CLAUSES) + 8);
		free(p);
	}
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.clauses", "probe range",
	    wr32(b + soff(b, S_CLAUSES) + 4, 4));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.clauses", "action range",
	    wr32(b + soff(b, S_CLAUSES) + 32 + 12, 0xfffffff0u));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.clauses", "predicate",
	    wr32(b + soff(b, S_CLAUSES) + 8, 0xfffffffeu));
}
END_TEST

/* ASSERTION: action kind, difo and format references are checked. */
START_TEST(rej_action_fields)
{
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.actions", "action difo",
	    wr32(b + soff(b, S_ACTIONS) + 16, 4));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.actions", "action format",
	    wr32(b + soff(b, S_ACTIONS) + 20, 5));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.actions", "unknown action kind",
	    wr16(b + soff(b, S_ACTIONS), 0x0800));
}
END_TEST

/* ASSERTION: string offsets must be inside .ht.strtab and start a string. */
START_TEST(rej_string_offsets)
{
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.probes", "probe provider",
	    wr32(b + soff(b, S_PROBES) + 4, (uint32_t)ssize(b, S_STRTAB)));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.probes", "probe name",
	    wr32(b + soff(b, S_PROBES) + 16, rd32(b + soff(b, S_PROBES) + 16) + 1));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.formats", "format string",
	    wr32(b + soff(b, S_FORMATS), 0x40000000));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.aggs", "empty name",
	    wr32(b + soff(b, S_AGGS), 0));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.options", "empty name",
	    wr32(b + soff(b, S_OPTIONS), 0));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.meta", "meta",
	    wr32(b + soff(b, S_META) + 4, 0xffffff00u));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.symbols", "symbol type",
	    wr32(b + soff(b, S_SYMBOLS) + 12, 0xffffff00u));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.lines", "source file",
	    wr32(b + soff(b, S_LINES) + 4, 0xffffff00u));
}
END_TEST

/* ASSERTION: unterminated string tables are rejected, naming the table. */
START_TEST(rej_unterminated)
{
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.strtab", "NUL",
	    b[soff(b, S_STRTAB) + ssize(b, S_STRTAB) - 1] = 'x');
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.strs", "NUL",
	    b[soff(b, S_STRS) + ssize(b, S_STRS) - 1] = 'x');
	REJECT_EDIT(DOBJ_RELOCATABLE, ".strtab", "NUL",
	    b[soff(b, S_SYMSTR) + ssize(b, S_SYMSTR) - 1] = 'x');
}
END_TEST

/* ASSERTION: .ht.strtab holds each string once. */
START_TEST(rej_duplicate_string)
{
	size_t len;
	uint8_t *b = sample_bytes(DOBJ_RELOCATABLE, &len);
	char *tab = (char *)b + soff(b, S_STRTAB);
	char *q = memmem(tab, ssize(b, S_STRTAB), "\0quiet\0", 7);

	ck_assert_ptr_nonnull(q);
	memcpy(q + 1, "names", 5);		/* "names" is also a symbol name */
	expect_reject(b, len, ".ht.strtab", "twice");
	free(b);
}
END_TEST

/* ASSERTION: DIFO slices must tile the shared tables in order. */
START_TEST(rej_difo_slices)
{
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.difos", ".ht.text slice",
	    wr32(b + soff(b, S_DIFOS) + 56, 1));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.difos", ".ht.text slice",
	    wr32(b + soff(b, S_DIFOS) + 4, 0xffffffffu));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.difos", ".ht.ints slice",
	    wr32(b + soff(b, S_DIFOS) + 12, 9));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.text", "not owned",
	    wr32(b + soff(b, S_DIFOS) + 3 * 56 + 4, 0));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.difos", ".ht.lines slice",
	    wr32(b + soff(b, S_DIFOS) + 56 + 36, 2));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.difos", "flags",
	    wr32(b + soff(b, S_DIFOS) + 44, 2));
}
END_TEST

/* ASSERTION: variable names must lie inside their DIFO's string table. */
START_TEST(rej_var_name)
{
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.vars", "variable name",
	    wr32(b + soff(b, S_VARS), 4));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.vars", "scope",
	    b[soff(b, S_VARS) + 9] = 3);
}
END_TEST

/* ASSERTION: line entries must ascend and stay inside their DIFO. */
START_TEST(rej_lines)
{
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.lines", "outside",
	    wr32(b + soff(b, S_LINES) + 16, 3));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.lines", "ascending",
	    wr32(b + soff(b, S_LINES) + 16, 0));
}
END_TEST

/* --- reader: symbols and relocations ----------------------------------- */

/* ASSERTION: ELF symbols must mirror .ht.symbols and be well-formed. */
START_TEST(rej_symtab)
{
	REJECT_EDIT(DOBJ_RELOCATABLE, ".symtab", "does not spell",
	    b[soff(b, S_SYMSTR) + 1] ^= 0x20);
	REJECT_EDIT(DOBJ_RELOCATABLE, ".symtab", "GLOBAL",
	    b[soff(b, S_SYMTAB) + 24 + 4] = 0x11 - 0x10);
	REJECT_EDIT(DOBJ_RELOCATABLE, ".symtab", "value",
	    wr64(b + soff(b, S_SYMTAB) + 24 + 8, 3));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".symtab", "outside .strtab",
	    wr32(b + soff(b, S_SYMTAB) + 24, 0x10000));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".symtab", "all zero",
	    b[soff(b, S_SYMTAB) + 4] = 1);
}
END_TEST

/* ASSERTION: a relocation on an ordinary instruction is rejected. */
START_TEST(rej_reloc_not_pseudo)
{
	/* first relocation: pc 1 of difo 1 (text word 4) -> pc 0 (ldgs) */
	struct dobj_err err;
	size_t len;
	uint8_t *b = sample_bytes(DOBJ_RELOCATABLE, &len);

	ck_assert_uint_eq(rd64(b + soff(b, S_RELA)), 16);
	wr64(b + soff(b, S_RELA), 12);
	err = expect_reject(b, len, ".rela.ht.text", "pseudo-instruction");
	ck_assert_uint_eq(err.offset, soff(b, S_RELA));
	free(b);
}
END_TEST

/* ASSERTION: relocation offsets, symbols, kinds and addends are checked. */
START_TEST(rej_reloc_fields)
{
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "not an instruction",
	    wr64(b + soff(b, S_RELA), 17));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "not an instruction",
	    wr64(b + soff(b, S_RELA), 1u << 20));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "ascending",
	    wr64(b + soff(b, S_RELA) + 24, 16));
	/* symbol 1 is defined (a variable), not a type */
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "undefined type symbol",
	    wr64(b + soff(b, S_RELA) + 8, (1ull << 32) | 1));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "undefined type symbol",
	    wr64(b + soff(b, S_RELA) + 8, (99ull << 32) | 1));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "unknown relocation kind",
	    b[soff(b, S_RELA) + 8] = 9);
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "unknown relocation flags",
	    b[soff(b, S_RELA) + 9] = 0x20);
	/* a built-in root names the built-in variable, not a type */
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "must name curthread",
	    b[soff(b, S_RELA) + 9] = 8);
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "one root flag at most",
	    b[soff(b, S_RELA) + 9] = 8 | 4);
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "addend",
	    wr64(b + soff(b, S_RELA) + 16, (uint64_t)-1));
	/* kind LOAD on a usetx */
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "pseudo-instruction",
	    b[soff(b, S_RELA) + 8] = 4);
	/* kind STORE on a usetx */
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "pseudo-instruction",
	    b[soff(b, S_RELA) + 8] = 7);
	/* kind 255 is far past DIF_RELOC_KIND_MAX */
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "unknown relocation kind",
	    b[soff(b, S_RELA) + 8] = 0xff);
	/* a member-offset relocation without a member */
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "needs a member",
	    wr64(b + soff(b, S_RELA) + 16, 0));
}
END_TEST

/* ASSERTION: each DIFO's relocation count must match .rela.ht.text. */
START_TEST(rej_reloc_counts)
{
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.difos", "relocations",
	    wr32(b + soff(b, S_DIFOS) + 56 + 40, 6));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.difos", "relocations",
	    wr32(b + soff(b, S_DIFOS) + 40, 1));
	/* a huge claim is refused before anything is allocated for it */
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.difos", "relocations",
	    wr32(b + soff(b, S_DIFOS) + 56 + 40, 0xffffffffu));
	REJECT_EDIT(DOBJ_LINKED, ".ht.difos", "relocations",
	    wr32(b + soff(b, S_DIFOS) + 40, 0x40000000u));
}
END_TEST

/* --- in-memory checks -------------------------------------------------- */

static void expect_check_fails(struct dobj *obj, const char *section, const char *msg)
{
	struct dobj_err err = { 0 };
	void *buf = NULL;
	size_t len;

	ck_assert_int_eq(dobj__check(obj, &err), -EINVAL);
	ck_assert_msg(strcmp(err.section, section) == 0, "section '%s' (expected '%s'): %s",
	    err.section, section, err.msg);
	ck_assert_msg(strstr(err.msg, msg) != NULL, "message '%s' lacks '%s'", err.msg, msg);
	ck_assert_int_eq(dobj__write_mem(obj, &buf, &len), -EINVAL);
	ck_assert_ptr_null(buf);
	dobj__free(obj);
}

/* ASSERTION: dobj__check rejects what the reader rejects, and writers refuse. */
START_TEST(check_in_memory)
{
	struct dobj *o;

	o = sample_full(DOBJ_RELOCATABLE);
	o->actions[3].difo = (int32_t)o->ndifos;
	expect_check_fails(o, ".ht.actions", "difo");

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[1].reltab[2].dtr_pc = 2;		/* an add */
	expect_check_fails(o, ".rela.ht.text", "ascending");

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[1].rellen = 6;				/* typecast... one pseudo left bare */
	expect_check_fails(o, ".ht.text", "exactly one");

	o = sample_full(DOBJ_LINKED);
	o->difos[1].text[0] = DIF_INSTR_IMM16(DIF_OP_USETX, 0, 1);
	expect_check_fails(o, ".ht.text", "linked");

	o = sample_full(DOBJ_LINKED);
	{
		struct dif_reloc r = { 0, DIF_RELOC_CAST, 0, 1, 0 };
		ck_assert_int_eq(dobj_difo__set_reltab(&o->difos[1], &r, 1), 0);
	}
	expect_check_fails(o, ".rela.ht.text", "linked");

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[1].text[4] = DIF_INSTR_IMM16(DIF_OP_USETX, 3, 3);	/* its reloc is 2 */
	expect_check_fails(o, ".ht.text", "names relocation 3");

	o = sample_full(DOBJ_RELOCATABLE);
	o->symbols[3].kind = DOBJ_SYM_GLOBAL;		/* "counter" twice */
	expect_check_fails(o, ".ht.symbols", "twice");

	o = sample_full(DOBJ_RELOCATABLE);
	o->aggs[0].func = DIF_ACT_PRINTF;
	expect_check_fails(o, ".ht.aggs", "aggregating");

	o = sample_full(DOBJ_RELOCATABLE);
	o->formats[0].pad = 1;
	expect_check_fails(o, ".ht.formats", "padding");

	o = sample_full(DOBJ_RELOCATABLE);
	o->kind = 3;
	expect_check_fails(o, ".ht.header", "kind");

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[0].strtab[o->difos[0].strlen - 1] = 's';
	expect_check_fails(o, ".ht.strs", "NUL");
}
END_TEST

/* An edited sample passes dobj__check and keeps relocation j through the writer and reader. */
static void expect_reloc_kept(struct dobj *o, uint32_t j)
{
	struct dobj_err err = { 0 };
	struct dobj *back;
	void *buf = NULL;
	size_t len;

	ck_assert_msg(dobj__check(o, &err) == 0, "%s: %s", err.section, err.msg);
	ck_assert_int_eq(dobj__write_mem(o, &buf, &len), 0);
	ck_assert_int_eq(dobj__read_mem(buf, len, &back, &err), 0);
	ck_assert_uint_eq(back->difos[1].reltab[j].dtr_kind, o->difos[1].reltab[j].dtr_kind);
	ck_assert_uint_eq(back->difos[1].reltab[j].dtr_flags, o->difos[1].reltab[j].dtr_flags);
	ck_assert_uint_eq(back->difos[1].reltab[j].dtr_member != 0,
	    o->difos[1].reltab[j].dtr_member != 0);
	free(buf);
	dobj__free(back);
	dobj__free(o);
}

/* ASSERTION: type_exists sits on usetx with or without a member and takes no flag; GUARDED combines with root flags and BITFIELD and hides no other rule. */
START_TEST(check_guarded_relocs)
{
	struct dobj *o;

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[1].reltab[0].dtr_kind = DIF_RELOC_TYPE_EXISTS;	/* usetx, "td_proc" */
	expect_reloc_kept(o, 0);

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[1].reltab[0].dtr_kind = DIF_RELOC_TYPE_EXISTS;
	o->difos[1].reltab[0].dtr_member = 0;
	expect_reloc_kept(o, 0);

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[1].reltab[0].dtr_flags = DIF_RELOC_F_GUARDED;
	expect_reloc_kept(o, 0);

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[1].reltab[7].dtr_flags = DIF_RELOC_F_BITFIELD | DIF_RELOC_F_GUARDED;
	expect_reloc_kept(o, 7);

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[1].reltab[1].dtr_flags = DIF_RELOC_F_SYMBOL | DIF_RELOC_F_GUARDED;
	o->difos[1].reltab[1].dtr_member = 0;
	expect_reloc_kept(o, 1);

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[1].reltab[0].dtr_kind = DIF_RELOC_TYPE_EXISTS;
	o->difos[1].reltab[0].dtr_flags = DIF_RELOC_F_GUARDED;
	expect_check_fails(o, ".rela.ht.text", "type_exists relocation takes no flags");

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[1].reltab[0].dtr_kind = DIF_RELOC_TYPE_EXISTS;
	o->difos[1].reltab[0].dtr_flags = DIF_RELOC_F_BITFIELD;
	expect_check_fails(o, ".rela.ht.text", "type_exists relocation takes no flags");

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[1].reltab[1].dtr_kind = DIF_RELOC_TYPE_EXISTS;	/* on a uload */
	expect_check_fails(o, ".rela.ht.text", "pseudo-instruction");

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[1].reltab[1].dtr_flags = DIF_RELOC_F_BUILTIN | DIF_RELOC_F_GUARDED;
	expect_check_fails(o, ".rela.ht.text", "must name curthread");

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[1].reltab[1].dtr_flags = DIF_RELOC_F_BUILTIN | DIF_RELOC_F_ARG |
	    DIF_RELOC_F_GUARDED;
	expect_check_fails(o, ".rela.ht.text", "one root flag at most");

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[1].reltab[7].dtr_flags = DIF_RELOC_F_SYMBOL | DIF_RELOC_F_BITFIELD |
	    DIF_RELOC_F_GUARDED;
	expect_check_fails(o, ".rela.ht.text", "takes no other flags");
}
END_TEST

/* ASSERTION: in-memory errors give the offset the field would have in its section. */
START_TEST(check_offsets)
{
	struct dobj *o = sample_full(DOBJ_RELOCATABLE);
	struct dobj_err err;

	o->clauses[2].pred = 40;
	ck_assert_int_eq(dobj__check(o, &err), -EINVAL);
	ck_assert_str_eq(err.section, ".ht.clauses");
	ck_assert_uint_eq(err.offset, 2 * 32 + 8);
	dobj__free(o);
}
END_TEST

/* ASSERTION: errors format as "section S, offset 0xN: message". */
START_TEST(err_format)
{
	struct dobj_err err = { ".ht.clauses", 0x2d8, "predicate difo index 9 out of range (4)" };
	char buf[128];

	dobj_err__format(&err, buf, sizeof(buf));
	ck_assert_str_eq(buf, "section .ht.clauses, offset 0x2d8: predicate difo index 9 "
	    "out of range (4)");
}
END_TEST

/* ASSERTION: undefined type symbols are named, unique, used, in first-use order. */
START_TEST(rej_type_symbols)
{
	/* symbols: 0 null, 1..5 records, 6 struct thread, 7 struct proc,
	 * 8 struct user_args, 9 pid_t; relocations use 6,6,7,7,8,9,7 */
	REJECT_EDIT(DOBJ_RELOCATABLE, ".symtab", "without a name",
	    wr32(b + soff(b, S_SYMTAB) + 6 * 24, 0));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "order of first use",
	    wr64(b + soff(b, S_RELA) + 8, (7ull << 32) | 1));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".symtab", "not in .ht.strtab", {
		char *t = memmem(b + soff(b, S_SYMSTR), ssize(b, S_SYMSTR), "struct thread", 13);
		ck_assert_ptr_nonnull(t);
		t[7] = 'T';
	});
	REJECT_EDIT(DOBJ_RELOCATABLE, ".symtab", "appears twice",
	    wr32(b + soff(b, S_SYMTAB) + 7 * 24, rd32(b + soff(b, S_SYMTAB) + 6 * 24)));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".symtab", "not used",
	    wr64(b + soff(b, S_RELA) + 5 * 24 + 8, (8ull << 32) | 6));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".symtab", "ELF symbols for",
	    wr64(b + shdr(b, S_SYMTAB) + 32, 3 * 24));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "out of range",
	    b[soff(b, S_RELA) + 11] = 1);
	REJECT_EDIT(DOBJ_RELOCATABLE, ".rela.ht.text", "has no member",
	    wr64(b + soff(b, S_RELA) + 2 * 24 + 16, rd64(b + soff(b, S_RELA) + 16)));
}
END_TEST

/* ASSERTION: reserved words, type padding and enumerations are checked. */
START_TEST(rej_reserved_and_enums)
{
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.aggs", "reserved",
	    b[soff(b, S_AGGS) + 28] = 1);
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.symbols", "reserved",
	    b[soff(b, S_SYMBOLS) + 32 + 31] = 1);
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.symbols", "padding",
	    b[soff(b, S_SYMBOLS) + 23] = 1);
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.symbols", "symbol kind",
	    wr16(b + soff(b, S_SYMBOLS) + 4, 4));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.symbols", "variable kind",
	    wr16(b + soff(b, S_SYMBOLS) + 6, 2));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.difos", "neither CTF nor string",
	    b[soff(b, S_DIFOS) + 48] = 2);
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.vars", "type flags",
	    b[soff(b, S_VARS) + 14] = 4);
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.vars", "variable kind",
	    b[soff(b, S_VARS) + 8] = 2);
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.formats", "unknown action kind",
	    wr16(b + soff(b, S_FORMATS) + 4, 0x0800));
	REJECT_EDIT(DOBJ_RELOCATABLE, ".ht.strtab", "start",
	    b[soff(b, S_STRTAB)] = 'x');
	REJECT_EDIT(DOBJ_RELOCATABLE, "ELF header", "all zero",
	    b[shdr(b, 0) + 4] = 1);
}
END_TEST

/* ASSERTION: trailing bytes make a file non-canonical. */
START_TEST(rej_trailing_bytes)
{
	size_t len;
	uint8_t *b = sample_bytes(DOBJ_LINKED, &len), *c = calloc(1, len + 8);

	memcpy(c, b, len);
	expect_reject(c, len + 8, "ELF header", "canonical");
	free(b);
	free(c);
}
END_TEST

/* ASSERTION: in-memory relocation pcs and DIFO tables are checked too. */
START_TEST(check_in_memory_difo)
{
	struct dobj *o;

	o = sample_full(DOBJ_RELOCATABLE);
	o->difos[1].reltab[6].dtr_pc = 100;
	expect_check_fails(o, ".rela.ht.text", "outside the DIFO");

	o = sample_full(DOBJ_RELOCATABLE);
	free(o->difos[2].text);
	o->difos[2].text = NULL;
	expect_check_fails(o, ".ht.difos", "no data");

	o = sample_full(DOBJ_RELOCATABLE);
	o->strtab[o->strlen - 1] = 'x';
	expect_check_fails(o, ".ht.strtab", "NUL");
}
END_TEST

/* One TCase per behaviour, named after its test. */
static Suite *obj_suite(void)
{
	Suite *s = suite_create("obj");
	const TTest *tests[] = {
		rt_full_relocatable, rt_full_linked, rt_empty, rt_clause_without_actions,
		rt_file, write_file_atomic, read_file_missing,
		det_same_bytes, det_ident_is_sha256, det_field_changes_ident,
		rej_truncated, rej_ehdr_fields, rej_section_type, rej_section_geometry,
		rej_section_placement, rej_section_names, rej_reloc_in_linked,
		read_version1, rej_header_fields, rej_header_counts, rej_ident_mismatch,
		rej_noncanonical_padding,
		rej_clause_indexes, rej_action_fields, rej_string_offsets, rej_unterminated,
		rej_duplicate_string, rej_difo_slices, rej_var_name, rej_lines,
		rej_symtab, rej_reloc_not_pseudo, rej_reloc_fields, rej_reloc_counts,
		check_in_memory, check_offsets, err_format,
		rej_type_symbols, rej_reserved_and_enums, rej_trailing_bytes,
		check_in_memory_difo, check_guarded_relocs,
	};

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		TCase *tc = tcase_create(tests[i]->name);
		tcase_add_test(tc, tests[i]);
		tcase_set_timeout(tc, 60);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(obj_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
