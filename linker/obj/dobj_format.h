/*
 * dobj_format.h — private: the byte layout of a HyperTrace object file,
 * shared by the writer (dobj_write.c), the reader (dobj_read.c) and the
 * checker (dobj_check.c).  docs/object-format.md is the specification;
 * this header is its executable form, so the two must change together
 * (and DOBJ_FORMAT_VERSION with them).
 *
 * Every multi-byte field is little-endian and written by the put_* helpers
 * below, one field at a time: no C struct is ever copied to or from the
 * file, so host padding and host byte order never reach the bytes.
 */
#ifndef DOBJ_FORMAT_H
#define DOBJ_FORMAT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "ht/dobj.h"

/* Section indexes, in file order.  .rela.ht.text exists only in ET_REL. */
enum dobj_sec {
	SEC_NULL,
	SEC_HEADER,
	SEC_STRTAB,
	SEC_PROBES,
	SEC_CLAUSES,
	SEC_ACTIONS,
	SEC_DIFOS,
	SEC_TEXT,
	SEC_INTS,
	SEC_STRS,
	SEC_VARS,
	SEC_LINES,
	SEC_FORMATS,
	SEC_AGGS,
	SEC_OPTIONS,
	SEC_SYMBOLS,
	SEC_META,
	SEC_SRCIDENTS,
	SEC_SYMTAB,
	SEC_SYMSTR,
	SEC_SHSTRTAB,
	SEC_RELA,
	SEC_COUNT,
	SEC_NONE = -1		/* an error outside any section */
};

struct dobj_secspec {
	const char	*name;
	uint32_t	type;		/* SHT_* */
	uint64_t	flags;		/* SHF_* */
	uint64_t	entsize;	/* record size; 0 = bytes */
	uint64_t	align;
};
extern const struct dobj_secspec dobj_secspecs[SEC_COUNT];

/* Record sizes (sh_entsize). */
#define HDR_SIZE	128
#define PROBE_SIZE	32
#define CLAUSE_SIZE	32
#define ACTION_SIZE	40
#define DIFO_SIZE	56
#define TEXT_SIZE	4
#define INT_SIZE	8
#define VAR_SIZE	20
#define LINE_SIZE	16
#define FORMAT_SIZE	8
#define AGG_SIZE	32
#define OPTION_SIZE	8
#define SYMBOL_SIZE	32
#define META_SIZE	8
#define SRCIDENT_SIZE	DOBJ_IDENT_LEN
#define SYM_SIZE	24	/* Elf64_Sym */
#define RELA_SIZE	24	/* Elf64_Rela */

/* .ht.header field offsets. */
#define HDR_MAGIC	"HT-DOBJ"	/* 8 bytes with its NUL */
#define HDR_OFF_MAGIC	0
#define HDR_OFF_VERSION	8
#define HDR_OFF_KIND	12
#define HDR_OFF_DIFVERS	14
#define HDR_OFF_FLAGS	16
#define HDR_OFF_HDRSIZE	20
#define HDR_OFF_COUNTS	24	/* enum hdr_count, u32 each */
#define HDR_OFF_RESV	92
#define HDR_OFF_IDENT	96

/* The counts in the header, in order. */
enum hdr_count {
	CNT_PROBES, CNT_CLAUSES, CNT_ACTIONS, CNT_DIFOS, CNT_TEXT, CNT_INTS,
	CNT_STRS, CNT_VARS, CNT_LINES, CNT_FORMATS, CNT_AGGS, CNT_OPTIONS,
	CNT_SYMBOLS, CNT_META, CNT_SRCIDENTS, CNT_RELOCS, CNT_STRTAB,
	CNT_COUNT
};

/* Relocation type: enum dif_reloc_kind in bits 0..7, dtr_flags in 8..23. */
#define RELTYPE(kind, flags)	((uint32_t)(kind) | ((uint32_t)(flags) << 8))
#define RELTYPE_KIND(t)		((t) & 0xffu)
#define RELTYPE_FLAGS(t)	((t) >> 8)

/* Little-endian field access. */
static inline void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	    ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t get_u64(const uint8_t *p)
{
	return (uint64_t)get_u32(p) | ((uint64_t)get_u32(p + 4) << 32);
}

/*
 * Fill *err (if not NULL): section index (SEC_NONE for the ELF header),
 * byte offset, printf-style message.  Returns -EINVAL for chaining.
 */
int dobj_fail(struct dobj_err *err, int sec, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Check an object.  secoff[] gives the file offset of each section so that
 * complaints carry file offsets (NULL: offsets inside the section).
 */
int dobj_check_at(const struct dobj *obj, const uint64_t *secoff, struct dobj_err *err);

/* Prefix of a symbol's ELF name: "" (x), "self->" (self->x), "@" (@x). */
const char *dobj_sym_prefix(uint16_t kind);

/*
 * A lookup from string to offset over a de-duplicated object string table
 * (the checker proves de-duplication; the reader maps relocation symbol
 * names back to offsets with it).
 */
struct dobj_strindex {
	uint32_t	*slots;		/* offset + 1; 0 = empty */
	uint32_t	nslots;
};
/* 0, -ENOMEM, or -EEXIST with *dup set to the offset of a repeated string. */
int dobj_strindex_build(struct dobj_strindex *ix, const char *tab, uint32_t len,
    uint32_t *dup);
uint32_t dobj_strindex_find(const struct dobj_strindex *ix, const char *tab,
    const char *s);	/* 0 = absent */
void dobj_strindex_free(struct dobj_strindex *ix);

/* File offset of the ident field, and the file hash with it zeroed. */
size_t dobj_ident_offset(void);
void dobj_hash_file(const uint8_t *buf, size_t len, uint8_t ident[DOBJ_IDENT_LEN]);

/* Replace the object string table (dobj_model.c). */
int dobj_set_strtab(struct dobj *obj, const char *s, uint32_t len);

#endif /* DOBJ_FORMAT_H */
