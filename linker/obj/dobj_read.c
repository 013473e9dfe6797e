/*
 * dobj_read.c — decode and bounds-check an object file (docs/object-format.md).
 *
 * Theory.  The input is untrusted.  It is copied once (libelf may touch
 * its image) and opened with elf_memory; every section is reached through
 * libelf, but nothing libelf reports is believed until checked here:
 *
 *   1. the ELF header: class, data, type, machine, sizes, e_shoff inside
 *      the file, the exact section count for the object kind;
 *   2. each section header: name, type, flags, entsize, alignment, link,
 *      info, and its bytes inside the file, not overlapping any other
 *      section, the ELF header or the section header table;
 *   3. .ht.header: magic, versions (the format version from
 *      DOBJ_FORMAT_VERSION_MIN to DOBJ_FORMAT_VERSION), kind agreeing with e_type, and every
 *      count times its record size equal to its section's size;
 *   4. the records, decoded field by field into a fresh struct dobj; DIFO
 *      records must tile the shared tables in order (so every byte of
 *      .ht.text belongs to exactly one DIFO and a relocation's r_offset
 *      names one (difo, pc));
 *   5. .symtab against .ht.symbols, and .rela.ht.text against the DIFOs;
 *   6. dobj_check_at(): every cross-reference (shared with the writer);
 *   7. canonical form: re-encoding the object must give the input bytes
 *      (nothing hidden in padding, layout or name tables), and last the
 *      ident: SHA-256 of the file with the ident zeroed.  It is last so
 *      that a fuzzer reaches every structural check above.
 *
 * Any failure frees the partial object and reports the section and the
 * file offset of the offending bytes.  No partial object escapes.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dobj_format.h"

struct rd {
	const uint8_t	*file;		/* private copy */
	size_t		len;
	Elf		*elf;
	uint32_t	nsec;
	uint64_t	off[SEC_COUNT];	/* section file offsets */
	uint64_t	size[SEC_COUNT];
	const uint8_t	*data[SEC_COUNT];
	uint32_t	counts[CNT_COUNT];
	uint32_t	nundef;		/* undefined (type) symbols */
	uint32_t	version;	/* the header's format version */
	struct dobj	*obj;
	struct dobj_err	*err;
};

#define FAIL(rd, sec, off, ...) dobj_fail((rd)->err, (sec), (off), __VA_ARGS__)

/* Fail naming a section by its (untrusted, sanitised) name. */
static int fail_named(struct rd *rd, const char *name, uint64_t off, const char *msg)
{
	if (rd->err == NULL)
		return -EINVAL;
	size_t n = 0;
	for (; name[n] != '\0' && n + 1 < sizeof(rd->err->section); n++)
		rd->err->section[n] = name[n] >= 0x20 && name[n] < 0x7f ? name[n] : '?';
	rd->err->section[n] = '\0';
	rd->err->offset = off;
	snprintf(rd->err->msg, sizeof(rd->err->msg), "%s", msg);
	return -EINVAL;
}

/* --- 1. ELF header ----------------------------------------------------- */

static int check_ehdr(struct rd *rd)
{
	const Elf64_Ehdr *eh;
	static const uint8_t pad[EI_NIDENT - EI_PAD];

	if (rd->len < sizeof(Elf64_Ehdr))
		return FAIL(rd, SEC_NONE, 0, "file too short (%zu bytes) for an ELF header",
		    rd->len);
	if (memcmp(rd->file, ELFMAG, SELFMAG) != 0)
		return FAIL(rd, SEC_NONE, 0, "not an ELF file (bad magic)");
	if (rd->file[EI_CLASS] != ELFCLASS64)
		return FAIL(rd, SEC_NONE, EI_CLASS, "not ELFCLASS64");
	if (rd->file[EI_DATA] != ELFDATA2LSB)
		return FAIL(rd, SEC_NONE, EI_DATA, "not little-endian (ELFDATA2LSB)");
	if (rd->file[EI_VERSION] != EV_CURRENT)
		return FAIL(rd, SEC_NONE, EI_VERSION, "bad ELF identification version");
	if (rd->file[EI_OSABI] != ELFOSABI_NONE || rd->file[EI_ABIVERSION] != 0 ||
	    memcmp(rd->file + EI_PAD, pad, sizeof(pad)) != 0)
		return FAIL(rd, SEC_NONE, EI_OSABI, "OS ABI must be ELFOSABI_NONE, version 0");
	rd->elf = elf_memory((char *)rd->file, rd->len);
	if (rd->elf == NULL || elf_kind(rd->elf) != ELF_K_ELF ||
	    (eh = elf64_getehdr(rd->elf)) == NULL)
		return FAIL(rd, SEC_NONE, 0, "libelf cannot open the file: %s", elf_errmsg(-1));
	if (eh->e_type != ET_REL && eh->e_type != ET_EXEC)
		return FAIL(rd, SEC_NONE, 16, "e_type %u is neither ET_REL nor ET_EXEC",
		    eh->e_type);
	if (eh->e_machine != EM_NONE)
		return FAIL(rd, SEC_NONE, 18, "e_machine %u is not EM_NONE", eh->e_machine);
	if (eh->e_version != EV_CURRENT)
		return FAIL(rd, SEC_NONE, 20, "e_version %u is not EV_CURRENT", eh->e_version);
	if (eh->e_entry != 0 || eh->e_phoff != 0 || eh->e_phnum != 0 || eh->e_flags != 0)
		return FAIL(rd, SEC_NONE, 24, "entry, program headers and flags must be zero");
	if (eh->e_ehsize != sizeof(Elf64_Ehdr) || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    eh->e_phentsize != 0)
		return FAIL(rd, SEC_NONE, 52, "header sizes are not ELF64's");
	rd->nsec = eh->e_type == ET_REL ? SEC_COUNT : SEC_RELA;
	/* (a linked object with a relocation section is named in read_sections) */
	if (eh->e_shnum != rd->nsec && !(rd->nsec == SEC_RELA && eh->e_shnum == SEC_COUNT))
		return FAIL(rd, SEC_NONE, 60, "%u sections, a %s object has %u", eh->e_shnum,
		    rd->nsec == SEC_COUNT ? "relocatable" : "linked", rd->nsec);
	if (eh->e_shstrndx != SEC_SHSTRTAB)
		return FAIL(rd, SEC_NONE, 62, "e_shstrndx %u is not %d", eh->e_shstrndx,
		    SEC_SHSTRTAB);
	if (eh->e_shoff % 8 != 0 || eh->e_shoff < sizeof(Elf64_Ehdr) ||
	    eh->e_shoff > rd->len || (rd->len - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum)
		return FAIL(rd, SEC_NONE, 40, "section header table (offset %llu, %u entries) "
		    "is not inside the file", (unsigned long long)eh->e_shoff, eh->e_shnum);
	return 0;
}

/* --- 2. section headers ------------------------------------------------ */

static int known_section(const char *name)
{
	for (int i = 1; i < SEC_COUNT; i++)
		if (strcmp(name, dobj_secspecs[i].name) == 0)
			return i;
	return -1;
}

/* Section i must carry the name of dobj_secspecs[i]. */
static int check_name(struct rd *rd, uint32_t i, const Elf64_Shdr *sh, uint64_t shdr_at)
{
	const char *name = elf_strptr(rd->elf, SEC_SHSTRTAB, sh->sh_name);
	int k;

	if (name == NULL)
		return FAIL(rd, SEC_SHSTRTAB, shdr_at, "section %u: name offset %u is not a "
		    "string in .shstrtab", i, sh->sh_name);
	if (strcmp(name, dobj_secspecs[i].name) == 0)
		return 0;
	k = known_section(name);
	if (k < 0)
		return fail_named(rd, name, shdr_at, "unknown section");
	if ((uint32_t)k < i)
		return fail_named(rd, name, shdr_at, "duplicate section");
	if (k == SEC_RELA)
		return fail_named(rd, name, shdr_at, "relocations in a linked object");
	return FAIL(rd, (int)i, shdr_at, "section missing (found %s at index %u)", name, i);
}

static int check_shdr(struct rd *rd, uint32_t i, const Elf64_Shdr *sh, uint64_t at)
{
	const struct dobj_secspec *sp = &dobj_secspecs[i];
	uint64_t link = 0, info = 0;

	if (sh->sh_type != sp->type)
		return FAIL(rd, (int)i, at + 4, "section type %u, expected %u", sh->sh_type,
		    sp->type);
	if (sh->sh_flags != sp->flags || sh->sh_addr != 0)
		return FAIL(rd, (int)i, at + 8, "section flags/address must be 0x%llx/0",
		    (unsigned long long)sp->flags);
	if (sh->sh_entsize != sp->entsize)
		return FAIL(rd, (int)i, at + 56, "entry size %llu, expected %llu",
		    (unsigned long long)sh->sh_entsize, (unsigned long long)sp->entsize);
	if (sh->sh_addralign != sp->align)
		return FAIL(rd, (int)i, at + 48, "alignment %llu, expected %llu",
		    (unsigned long long)sh->sh_addralign, (unsigned long long)sp->align);
	if (i == SEC_SYMTAB) {
		link = SEC_SYMSTR;
		info = 1;
	} else if (i == SEC_RELA) {
		link = SEC_SYMTAB;
		info = SEC_TEXT;
	}
	if (sh->sh_link != link || sh->sh_info != info)
		return FAIL(rd, (int)i, at + 40, "sh_link/sh_info %u/%u, expected %llu/%llu",
		    sh->sh_link, sh->sh_info, (unsigned long long)link,
		    (unsigned long long)info);
	if (sh->sh_offset % sp->align != 0)
		return FAIL(rd, (int)i, at + 24, "offset %llu is not %llu-aligned",
		    (unsigned long long)sh->sh_offset, (unsigned long long)sp->align);
	if (sh->sh_offset > rd->len || sh->sh_size > rd->len - sh->sh_offset)
		return FAIL(rd, (int)i, at + 24, "bytes %llu+%llu lie outside the file "
		    "(%zu bytes)", (unsigned long long)sh->sh_offset,
		    (unsigned long long)sh->sh_size, rd->len);
	if (sp->entsize != 0 && sh->sh_size % sp->entsize != 0)
		return FAIL(rd, (int)i, at + 32, "size %llu is not a multiple of the record "
		    "size %llu", (unsigned long long)sh->sh_size,
		    (unsigned long long)sp->entsize);
	return 0;
}

/* No two extents (ELF header, sections, section headers) may overlap. */
static int check_overlap(struct rd *rd, uint64_t shoff)
{
	struct { uint64_t lo, hi; int sec; } ext[SEC_COUNT + 1];
	uint32_t n = 0;

	ext[n].lo = 0, ext[n].hi = sizeof(Elf64_Ehdr), ext[n++].sec = SEC_NONE;
	ext[n].lo = shoff, ext[n].hi = shoff + (uint64_t)rd->nsec * sizeof(Elf64_Shdr);
	ext[n++].sec = SEC_NONE;
	for (uint32_t i = 1; i < rd->nsec; i++)
		if (rd->size[i] > 0) {
			ext[n].lo = rd->off[i], ext[n].hi = rd->off[i] + rd->size[i];
			ext[n++].sec = (int)i;
		}
	for (uint32_t a = 0; a < n; a++)
		for (uint32_t b = a + 1; b < n; b++)
			if (ext[a].lo < ext[b].hi && ext[b].lo < ext[a].hi) {
				int sec = ext[b].sec != SEC_NONE ? ext[b].sec : ext[a].sec;
				return FAIL(rd, sec, ext[b].lo, "section bytes overlap another "
				    "section or an ELF header table");
			}
	return 0;
}

static int read_sections(struct rd *rd)
{
	const Elf64_Ehdr *eh = elf64_getehdr(rd->elf);
	size_t shnum;
	uint32_t n;

	if (elf_getshdrnum(rd->elf, &shnum) != 0 || shnum != eh->e_shnum)
		return FAIL(rd, SEC_NONE, 60, "section count unreadable");
	n = shnum < rd->nsec ? (uint32_t)shnum : rd->nsec;
	for (uint32_t i = 0; i < n; i++) {
		Elf_Scn *scn = elf_getscn(rd->elf, i);
		const Elf64_Shdr *sh = scn != NULL ? elf64_getshdr(scn) : NULL;
		uint64_t at = eh->e_shoff + (uint64_t)i * sizeof(Elf64_Shdr);
		static const Elf64_Shdr zero;

		if (sh == NULL)
			return FAIL(rd, SEC_NONE, at, "section %u header unreadable: %s", i,
			    elf_errmsg(-1));
		if (i == 0) {
			if (memcmp(sh, &zero, sizeof(zero)) != 0)
				return FAIL(rd, SEC_NONE, at, "section 0 must be all zero");
			continue;
		}
		if (check_name(rd, i, sh, at) != 0 || check_shdr(rd, i, sh, at) != 0)
			return -EINVAL;
		rd->off[i] = sh->sh_offset;
		rd->size[i] = sh->sh_size;
		if (sh->sh_size > 0) {
			Elf_Data *d = elf_rawdata(scn, NULL);
			if (d == NULL || d->d_buf == NULL || d->d_size != sh->sh_size)
				return FAIL(rd, (int)i, sh->sh_offset, "section bytes unreadable");
			rd->data[i] = d->d_buf;
		}
	}
	if (shnum > rd->nsec && rd->nsec == SEC_RELA) {
		Elf_Scn *scn = elf_getscn(rd->elf, SEC_RELA);
		const Elf64_Shdr *sh = scn != NULL ? elf64_getshdr(scn) : NULL;
		const char *name = sh != NULL ? elf_strptr(rd->elf, SEC_SHSTRTAB, sh->sh_name) : NULL;
		if (name != NULL && strcmp(name, dobj_secspecs[SEC_RELA].name) == 0)
			return FAIL(rd, SEC_RELA, eh->e_shoff + SEC_RELA * sizeof(Elf64_Shdr),
			    "a linked object cannot hold relocations");
	}
	if (shnum != rd->nsec)	/* check_ehdr let only this case through */
		return FAIL(rd, SEC_NONE, 60, "%zu sections, a linked object has %u", shnum,
		    rd->nsec);
	return check_overlap(rd, eh->e_shoff);
}

/* --- 3. .ht.header ----------------------------------------------------- */

static const struct { int sec; uint32_t size; } count_sec[CNT_COUNT] = {
	[CNT_PROBES] = { SEC_PROBES, PROBE_SIZE },
	[CNT_CLAUSES] = { SEC_CLAUSES, CLAUSE_SIZE },
	[CNT_ACTIONS] = { SEC_ACTIONS, ACTION_SIZE },
	[CNT_DIFOS] = { SEC_DIFOS, DIFO_SIZE },
	[CNT_TEXT] = { SEC_TEXT, TEXT_SIZE },
	[CNT_INTS] = { SEC_INTS, INT_SIZE },
	[CNT_STRS] = { SEC_STRS, 1 },
	[CNT_VARS] = { SEC_VARS, VAR_SIZE },
	[CNT_LINES] = { SEC_LINES, LINE_SIZE },
	[CNT_FORMATS] = { SEC_FORMATS, FORMAT_SIZE },
	[CNT_AGGS] = { SEC_AGGS, AGG_SIZE },
	[CNT_OPTIONS] = { SEC_OPTIONS, OPTION_SIZE },
	[CNT_SYMBOLS] = { SEC_SYMBOLS, SYMBOL_SIZE },
	[CNT_META] = { SEC_META, META_SIZE },
	[CNT_SRCIDENTS] = { SEC_SRCIDENTS, SRCIDENT_SIZE },
	[CNT_RELOCS] = { SEC_RELA, RELA_SIZE },
	[CNT_STRTAB] = { SEC_STRTAB, 1 },
};

static int read_header(struct rd *rd)
{
	const uint8_t *h = rd->data[SEC_HEADER];
	uint64_t o = rd->off[SEC_HEADER];
	uint16_t kind;

	if (rd->size[SEC_HEADER] != HDR_SIZE)
		return FAIL(rd, SEC_HEADER, o, "header is %llu bytes, expected %d",
		    (unsigned long long)rd->size[SEC_HEADER], HDR_SIZE);
	if (memcmp(h + HDR_OFF_MAGIC, HDR_MAGIC, sizeof(HDR_MAGIC)) != 0)
		return FAIL(rd, SEC_HEADER, o, "bad magic: not a HyperTrace object");
	rd->version = get_u32(h + HDR_OFF_VERSION);
	if (rd->version < DOBJ_FORMAT_VERSION_MIN || rd->version > DOBJ_FORMAT_VERSION)
		return FAIL(rd, SEC_HEADER, o + HDR_OFF_VERSION, "format version %u, this "
		    "reader knows versions %d to %d", rd->version, DOBJ_FORMAT_VERSION_MIN,
		    DOBJ_FORMAT_VERSION);
	kind = get_u16(h + HDR_OFF_KIND);
	if ((kind != DOBJ_RELOCATABLE && kind != DOBJ_LINKED) ||
	    (kind == DOBJ_RELOCATABLE) != (rd->nsec == SEC_COUNT))
		return FAIL(rd, SEC_HEADER, o + HDR_OFF_KIND, "object kind %u does not match "
		    "the ELF type", kind);
	if (get_u16(h + HDR_OFF_DIFVERS) != DIF_VERSION)
		return FAIL(rd, SEC_HEADER, o + HDR_OFF_DIFVERS, "DIF version %u, expected %d",
		    get_u16(h + HDR_OFF_DIFVERS), DIF_VERSION);
	if (get_u32(h + HDR_OFF_FLAGS) != 0 || get_u32(h + HDR_OFF_RESV) != 0)
		return FAIL(rd, SEC_HEADER, o + HDR_OFF_FLAGS, "flags and reserved words "
		    "must be zero");
	if (get_u32(h + HDR_OFF_HDRSIZE) != HDR_SIZE)
		return FAIL(rd, SEC_HEADER, o + HDR_OFF_HDRSIZE, "header size %u, expected %d",
		    get_u32(h + HDR_OFF_HDRSIZE), HDR_SIZE);
	for (int i = 0; i < CNT_COUNT; i++) {
		uint32_t c = get_u32(h + HDR_OFF_COUNTS + 4 * i);
		int sec = count_sec[i].sec;
		uint64_t have = sec < (int)rd->nsec ? rd->size[sec] : 0;

		if ((uint64_t)c * count_sec[i].size != have)
			return FAIL(rd, SEC_HEADER, o + HDR_OFF_COUNTS + 4 * i, "count %u of %s "
			    "does not match its size (%llu bytes)", c, dobj_secspecs[sec].name,
			    (unsigned long long)have);
		rd->counts[i] = c;
	}
	rd->obj = dobj__new((enum dobj_kind)kind);
	return rd->obj != NULL ? 0 : -ENOMEM;
}

/* --- 4. records -------------------------------------------------------- */

static struct dobj_srcpos dec_pos(const uint8_t *p)
{
	struct dobj_srcpos pos = { get_u32(p), get_u32(p + 4), get_u32(p + 8) };

	return pos;
}

static struct dif_type dec_type(const uint8_t *p)
{
	struct dif_type t = { p[0], p[1], p[2], p[3], get_u32(p + 4) };

	return t;
}

static int read_strtab(struct rd *rd)
{
	const uint8_t *s = rd->data[SEC_STRTAB];
	uint64_t n = rd->size[SEC_STRTAB];

	if (n == 0 || s[0] != '\0')
		return FAIL(rd, SEC_STRTAB, rd->off[SEC_STRTAB], "string table must start "
		    "with an empty string");
	if (s[n - 1] != '\0')
		return FAIL(rd, SEC_STRTAB, rd->off[SEC_STRTAB] + n - 1, "string table is "
		    "not NUL-terminated");
	return dobj_set_strtab(rd->obj, (const char *)s, (uint32_t)n);
}

/* Call add() n times (the model owns growth); -ENOMEM on failure. */
static int add_n(struct dobj *obj, int (*add)(struct dobj *), uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (add(obj) < 0)
			return -ENOMEM;
	return 0;
}

static int read_tables(struct rd *rd)
{
	struct dobj *o = rd->obj;
	const uint8_t *p;

	if (add_n(o, dobj__add_probe, rd->counts[CNT_PROBES]) ||
	    add_n(o, dobj__add_clause, rd->counts[CNT_CLAUSES]) ||
	    add_n(o, dobj__add_action, rd->counts[CNT_ACTIONS]) ||
	    add_n(o, dobj__add_format, rd->counts[CNT_FORMATS]) ||
	    add_n(o, dobj__add_agg, rd->counts[CNT_AGGS]) ||
	    add_n(o, dobj__add_option, rd->counts[CNT_OPTIONS]) ||
	    add_n(o, dobj__add_symbol, rd->counts[CNT_SYMBOLS]) ||
	    add_n(o, dobj__add_meta, rd->counts[CNT_META]))
		return -ENOMEM;
	for (uint32_t i = 0; i < o->nprobes; i++) {
		struct dobj_probe *s = &o->probes[i];
		p = rd->data[SEC_PROBES] + (size_t)i * PROBE_SIZE;
		s->target = get_u32(p);
		s->provider = get_u32(p + 4);
		s->module = get_u32(p + 8);
		s->function = get_u32(p + 12);
		s->name = get_u32(p + 16);
		s->pos = dec_pos(p + 20);
	}
	for (uint32_t i = 0; i < o->nclauses; i++) {
		struct dobj_clause *c = &o->clauses[i];
		p = rd->data[SEC_CLAUSES] + (size_t)i * CLAUSE_SIZE;
		c->probe_first = get_u32(p);
		c->probe_count = get_u32(p + 4);
		c->pred = (int32_t)get_u32(p + 8);
		c->action_first = get_u32(p + 12);
		c->action_count = get_u32(p + 16);
		c->pos = dec_pos(p + 20);
	}
	for (uint32_t i = 0; i < o->nactions; i++) {
		struct dobj_action *a = &o->actions[i];
		p = rd->data[SEC_ACTIONS] + (size_t)i * ACTION_SIZE;
		a->kind = get_u16(p);
		a->flags = get_u16(p + 2);
		a->ntuple = get_u32(p + 4);
		a->arg = get_u64(p + 8);
		a->difo = (int32_t)get_u32(p + 16);
		a->format = (int32_t)get_u32(p + 20);
		a->str = get_u32(p + 24);
		a->pos = dec_pos(p + 28);
	}
	for (uint32_t i = 0; i < o->nformats; i++) {
		p = rd->data[SEC_FORMATS] + (size_t)i * FORMAT_SIZE;
		o->formats[i].str = get_u32(p);
		o->formats[i].kind = get_u16(p + 4);
		o->formats[i].pad = get_u16(p + 6);
	}
	for (uint32_t i = 0; i < o->naggs; i++) {
		struct dobj_agg *a = &o->aggs[i];
		p = rd->data[SEC_AGGS] + (size_t)i * AGG_SIZE;
		a->name = get_u32(p);
		a->id = get_u32(p + 4);
		a->func = get_u16(p + 8);
		a->nkeys = get_u16(p + 10);
		a->keytypes = get_u32(p + 12);
		a->arg = get_u64(p + 16);
		a->valtype = get_u32(p + 24);
		if (get_u32(p + 28) != 0)
			return FAIL(rd, SEC_AGGS, rd->off[SEC_AGGS] + (size_t)i * AGG_SIZE + 28,
			    "reserved word must be zero");
	}
	for (uint32_t i = 0; i < o->noptions; i++) {
		p = rd->data[SEC_OPTIONS] + (size_t)i * OPTION_SIZE;
		o->options[i].name = get_u32(p);
		o->options[i].value = get_u32(p + 4);
	}
	for (uint32_t i = 0; i < o->nsymbols; i++) {
		struct dobj_symbol *s = &o->symbols[i];
		p = rd->data[SEC_SYMBOLS] + (size_t)i * SYMBOL_SIZE;
		s->name = get_u32(p);
		s->kind = get_u16(p + 4);
		s->varkind = get_u16(p + 6);
		s->id = get_u32(p + 8);
		s->ctype = get_u32(p + 12);
		s->keytypes = get_u32(p + 16);
		s->type = dec_type(p + 20);
		if (get_u32(p + 28) != 0)
			return FAIL(rd, SEC_SYMBOLS, rd->off[SEC_SYMBOLS] +
			    (size_t)i * SYMBOL_SIZE + 28, "reserved word must be zero");
	}
	for (uint32_t i = 0; i < o->nmeta; i++) {
		p = rd->data[SEC_META] + (size_t)i * META_SIZE;
		o->meta[i].key = get_u32(p);
		o->meta[i].value = get_u32(p + 4);
	}
	for (uint32_t i = 0; i < rd->counts[CNT_SRCIDENTS]; i++)
		if (dobj__add_srcident(o, rd->data[SEC_SRCIDENTS] + (size_t)i * SRCIDENT_SIZE) < 0)
			return -ENOMEM;
	return 0;
}

/*
 * A DIFO's slice of a shared table: it must start where the previous
 * DIFO's ended (*next) and stay inside the table (total).
 */
static int slice(struct rd *rd, uint64_t at, const uint8_t *p, uint64_t *next,
    uint32_t total, int sec, uint32_t *count)
{
	uint32_t first = get_u32(p);

	*count = get_u32(p + 4);
	if (first != *next)
		return FAIL(rd, SEC_DIFOS, at, "%s slice starts at %u, expected %llu (DIFOs "
		    "tile the table in order)", dobj_secspecs[sec].name, first,
		    (unsigned long long)*next);
	if ((uint64_t)first + *count > total)
		return FAIL(rd, SEC_DIFOS, at, "%s slice %u+%u exceeds the table (%u)",
		    dobj_secspecs[sec].name, first, *count, total);
	*next += *count;
	return 0;
}

static int read_difo(struct rd *rd, struct dobj_difo *d, const uint8_t *p, uint64_t at,
    uint64_t *next)
{
	uint32_t n;

	if (slice(rd, at, p, &next[0], rd->counts[CNT_TEXT], SEC_TEXT, &d->len) ||
	    slice(rd, at + 8, p + 8, &next[1], rd->counts[CNT_INTS], SEC_INTS, &d->intlen) ||
	    slice(rd, at + 16, p + 16, &next[2], rd->counts[CNT_STRS], SEC_STRS, &d->strlen) ||
	    slice(rd, at + 24, p + 24, &next[3], rd->counts[CNT_VARS], SEC_VARS, &d->varlen) ||
	    slice(rd, at + 32, p + 32, &next[4], rd->counts[CNT_LINES], SEC_LINES, &n))
		return -EINVAL;
	d->rellen = get_u32(p + 40);	/* checked against .rela.ht.text later */
	d->flags = get_u32(p + 44);
	d->rtype = dec_type(p + 48);
	if ((d->len && !(d->text = malloc((size_t)d->len * sizeof(*d->text)))) ||
	    (d->intlen && !(d->inttab = malloc((size_t)d->intlen * sizeof(*d->inttab)))) ||
	    (d->strlen && !(d->strtab = malloc(d->strlen))) ||
	    (d->varlen && !(d->vartab = malloc((size_t)d->varlen * sizeof(*d->vartab)))) ||
	    (n && !(d->lines = malloc((size_t)n * sizeof(*d->lines)))))
		return -ENOMEM;
	d->nlines = n;
	/* (a section with no bytes has no data pointer: index only when non-empty) */
	for (uint32_t j = 0; j < d->len; j++)
		d->text[j] = get_u32(rd->data[SEC_TEXT] + (next[0] - d->len + j) * TEXT_SIZE);
	for (uint32_t j = 0; j < d->intlen; j++)
		d->inttab[j] = get_u64(rd->data[SEC_INTS] + (next[1] - d->intlen + j) * INT_SIZE);
	if (d->strlen)
		memcpy(d->strtab, rd->data[SEC_STRS] + (next[2] - d->strlen), d->strlen);
	for (uint32_t j = 0; j < d->varlen; j++) {
		const uint8_t *v = rd->data[SEC_VARS] + (next[3] - d->varlen + j) * VAR_SIZE;
		struct dif_var *dv = &d->vartab[j];
		dv->dtdv_name = get_u32(v);
		dv->dtdv_id = get_u32(v + 4);
		dv->dtdv_kind = v[8];
		dv->dtdv_scope = v[9];
		dv->dtdv_flags = get_u16(v + 10);
		dv->dtdv_type = dec_type(v + 12);
	}
	for (uint32_t j = 0; j < n; j++) {
		const uint8_t *l = rd->data[SEC_LINES] + (next[4] - n + j) * LINE_SIZE;
		d->lines[j].pc = get_u32(l);
		d->lines[j].pos = dec_pos(l + 4);
	}
	return 0;
}

static int read_difos(struct rd *rd)
{
	uint64_t next[5] = { 0 };
	static const int secs[5] = { SEC_TEXT, SEC_INTS, SEC_STRS, SEC_VARS, SEC_LINES };
	static const int cnts[5] = { CNT_TEXT, CNT_INTS, CNT_STRS, CNT_VARS, CNT_LINES };

	for (uint32_t i = 0; i < rd->counts[CNT_DIFOS]; i++) {
		int k = dobj__add_difo(rd->obj), rc;
		uint64_t at = rd->off[SEC_DIFOS] + (uint64_t)i * DIFO_SIZE;

		if (k < 0)
			return -ENOMEM;
		rc = read_difo(rd, &rd->obj->difos[k], rd->data[SEC_DIFOS] +
		    (size_t)i * DIFO_SIZE, at, next);
		if (rc != 0)
			return rc;
	}
	for (int t = 0; t < 5; t++)
		if (next[t] != rd->counts[cnts[t]])
			return FAIL(rd, secs[t], rd->off[secs[t]] + next[t] *
			    (secs[t] == SEC_STRS ? 1 : dobj_secspecs[secs[t]].entsize),
			    "bytes not owned by any DIFO");
	return 0;
}

/* --- 5. symbols and relocations --------------------------------------- */

/* A string of .strtab (the ELF symbol names). */
static const char *symstr(struct rd *rd, uint32_t off)
{
	const uint8_t *s = rd->data[SEC_SYMSTR];
	uint64_t n = rd->size[SEC_SYMSTR];

	if (off >= n || s[n - 1] != '\0')
		return NULL;
	return (const char *)s + off;
}

static int read_symtab(struct rd *rd)
{
	const struct dobj *o = rd->obj;
	const uint8_t *p = rd->data[SEC_SYMTAB];
	uint64_t nsym = rd->size[SEC_SYMTAB] / SYM_SIZE, base = rd->off[SEC_SYMTAB];
	static const uint8_t zero[SYM_SIZE];

	if (rd->size[SEC_SYMSTR] == 0 || rd->data[SEC_SYMSTR][0] != '\0' ||
	    rd->data[SEC_SYMSTR][rd->size[SEC_SYMSTR] - 1] != '\0')
		return FAIL(rd, SEC_SYMSTR, rd->off[SEC_SYMSTR], "symbol string table must "
		    "start and end with NUL");
	if (nsym < 1 + (uint64_t)o->nsymbols)
		return FAIL(rd, SEC_SYMTAB, base, "%llu ELF symbols for %u symbol records",
		    (unsigned long long)nsym, o->nsymbols);
	if (memcmp(p, zero, SYM_SIZE) != 0)
		return FAIL(rd, SEC_SYMTAB, base, "symbol 0 must be all zero");
	rd->nundef = (uint32_t)(nsym - 1 - o->nsymbols);
	if (o->kind == DOBJ_LINKED && rd->nundef != 0)
		return FAIL(rd, SEC_SYMTAB, base + (1 + (uint64_t)o->nsymbols) * SYM_SIZE,
		    "a linked object has no undefined symbols");
	for (uint64_t i = 1; i < nsym; i++) {
		const uint8_t *s = p + i * SYM_SIZE;
		uint64_t at = base + i * SYM_SIZE;
		const char *name = symstr(rd, get_u32(s));
		int def = i <= o->nsymbols;
		uint8_t info = def ? ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT) :
		    ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE);

		if (name == NULL)
			return FAIL(rd, SEC_SYMTAB, at, "symbol name offset outside .strtab");
		if (s[4] != info || s[5] != STV_DEFAULT)
			return FAIL(rd, SEC_SYMTAB, at + 4, "symbol %llu must be GLOBAL %s",
			    (unsigned long long)i, def ? "OBJECT" : "NOTYPE");
		if (get_u16(s + 6) != (def ? SEC_SYMBOLS : SHN_UNDEF) ||
		    get_u64(s + 8) != (def ? i - 1 : 0) ||
		    get_u64(s + 16) != (def ? SYMBOL_SIZE : 0))
			return FAIL(rd, SEC_SYMTAB, at + 6, "symbol %llu: section, value or size "
			    "does not match %s", (unsigned long long)i,
			    def ? "its .ht.symbols record" : "an undefined type symbol");
		if (def) {
			const struct dobj_symbol *ds = &o->symbols[i - 1];
			const char *pre = dobj_sym_prefix(ds->kind);
			size_t pl = strlen(pre);
			if (strncmp(name, pre, pl) != 0 ||
			    strcmp(name + pl, dobj__str(o, ds->name)) != 0)
				return FAIL(rd, SEC_SYMTAB, at, "ELF symbol \"%.60s\" does not "
				    "spell symbol record %llu", name, (unsigned long long)i - 1);
		} else if (*name == '\0') {
			return FAIL(rd, SEC_SYMTAB, at, "undefined symbol without a name");
		}
	}
	return 0;
}

/*
 * Pass 1 over .rela.ht.text: each r_offset is an instruction of .ht.text,
 * offsets ascend, and each DIFO's record claims exactly the relocations
 * that fall in its text.  difo[k] receives the DIFO of relocation k.
 */
static int map_relocs(struct rd *rd, uint32_t *difo, uint64_t *textfirst)
{
	const struct dobj *o = rd->obj;
	uint64_t nrel = rd->counts[CNT_RELOCS], prev = 0, first = 0;
	uint32_t cur = 0, have = 0;

	for (uint64_t k = 0; k < nrel; k++) {
		const uint8_t *r = rd->data[SEC_RELA] + k * RELA_SIZE;
		uint64_t at = rd->off[SEC_RELA] + k * RELA_SIZE, roff = get_u64(r);

		if (roff % TEXT_SIZE != 0 || roff / TEXT_SIZE >= rd->counts[CNT_TEXT])
			return FAIL(rd, SEC_RELA, at, "r_offset %llu is not an instruction of "
			    ".ht.text", (unsigned long long)roff);
		if (k > 0 && roff <= prev)
			return FAIL(rd, SEC_RELA, at, "relocations not in ascending offset order");
		prev = roff;
		/* DIFOs tile .ht.text, so some DIFO at or after cur holds roff */
		while (roff / TEXT_SIZE >= first + o->difos[cur].len) {
			if (have != o->difos[cur].rellen)
				break;
			first += o->difos[cur].len;
			cur++;
			have = 0;
		}
		if (roff / TEXT_SIZE >= first + o->difos[cur].len || have >= o->difos[cur].rellen)
			return FAIL(rd, SEC_DIFOS, rd->off[SEC_DIFOS] + (uint64_t)cur * DIFO_SIZE +
			    40, "difo %u claims %u relocations, .rela.ht.text disagrees", cur,
			    o->difos[cur].rellen);
		difo[k] = cur;
		textfirst[k] = first;
		have++;
	}
	for (uint32_t i = nrel ? cur : 0; i < o->ndifos; i++)
		if ((nrel && i == cur ? have : 0) != o->difos[i].rellen)
			return FAIL(rd, SEC_DIFOS, rd->off[SEC_DIFOS] + (uint64_t)i * DIFO_SIZE + 40,
			    "difo %u claims %u relocations, .rela.ht.text disagrees", i,
			    o->difos[i].rellen);
	return 0;
}

/*
 * The type of undefined symbol `sym`, as an offset in the object string
 * table.  Undefined symbols appear in order of first use, once each.
 */
static int reloc_type(struct rd *rd, const struct dobj_strindex *ix, uint32_t sym,
    uint64_t at, uint32_t *typeoff, uint32_t *nseen, uint32_t *out)
{
	const struct dobj *o = rd->obj;
	uint32_t firstundef = 1 + o->nsymbols;
	uint64_t symat = rd->off[SEC_SYMTAB] + (uint64_t)sym * SYM_SIZE;
	const char *tn;
	uint32_t off;

	if (sym < firstundef || sym - firstundef >= rd->nundef)
		return FAIL(rd, SEC_RELA, at + 8, "symbol %u is not an undefined type symbol",
		    sym);
	if (typeoff[sym - firstundef] != 0) {
		*out = typeoff[sym - firstundef];
		return 0;
	}
	if (sym != firstundef + *nseen)
		return FAIL(rd, SEC_RELA, at + 8, "undefined symbols are not in order of "
		    "first use");
	tn = symstr(rd, get_u32(rd->data[SEC_SYMTAB] + (size_t)sym * SYM_SIZE));
	off = dobj_strindex_find(ix, o->strtab, tn);
	if (off == 0)
		return FAIL(rd, SEC_SYMTAB, symat, "type \"%.60s\" is not in .ht.strtab", tn);
	for (uint32_t u = 0; u < *nseen; u++)
		if (typeoff[u] == off)
			return FAIL(rd, SEC_SYMTAB, symat, "undefined symbol \"%.60s\" appears "
			    "twice", tn);
	typeoff[(*nseen)++] = off;
	*out = off;
	return 0;
}

/* Pass 2: decode each relocation into its DIFO's reltab. */
static int fill_relocs(struct rd *rd, const uint32_t *difo, const uint64_t *textfirst,
    const struct dobj_strindex *ix, uint32_t *typeoff)
{
	struct dobj *o = rd->obj;
	uint32_t nseen = 0, *fill = calloc(o->ndifos + 1, sizeof(*fill));
	int rc = 0;

	if (fill == NULL)
		return -ENOMEM;
	for (uint64_t k = 0; k < rd->counts[CNT_RELOCS] && rc == 0; k++) {
		const uint8_t *r = rd->data[SEC_RELA] + k * RELA_SIZE;
		uint64_t at = rd->off[SEC_RELA] + k * RELA_SIZE, info = get_u64(r + 8);
		uint64_t addend = get_u64(r + 16);
		uint32_t type = (uint32_t)ELF64_R_TYPE(info), tyoff = 0;
		struct dobj_difo *d = &o->difos[difo[k]];
		struct dif_reloc *dr;

		rc = reloc_type(rd, ix, (uint32_t)ELF64_R_SYM(info), at, typeoff, &nseen, &tyoff);
		if (rc != 0)
			break;
		if (type > 0xffffffu)
			rc = FAIL(rd, SEC_RELA, at + 8, "relocation type 0x%x out of range", type);
		else if (addend >= o->strlen)
			rc = FAIL(rd, SEC_RELA, at + 16, "addend %lld is not an offset in "
			    ".ht.strtab", (long long)addend);
		if (rc != 0)
			break;
		dr = &d->reltab[fill[difo[k]]++];
		dr->dtr_pc = (uint32_t)(get_u64(r) / TEXT_SIZE - textfirst[k]);
		dr->dtr_kind = (uint16_t)RELTYPE_KIND(type);
		dr->dtr_flags = (uint16_t)RELTYPE_FLAGS(type);
		dr->dtr_type = tyoff;
		dr->dtr_member = (uint32_t)addend;
	}
	free(fill);
	if (rc == 0 && nseen != rd->nundef)
		rc = FAIL(rd, SEC_SYMTAB, rd->off[SEC_SYMTAB] +
		    (1 + (uint64_t)o->nsymbols + nseen) * SYM_SIZE,
		    "undefined symbol not used by any relocation");
	return rc;
}

static int read_relocs(struct rd *rd)
{
	struct dobj *o = rd->obj;
	uint64_t nrel = rd->counts[CNT_RELOCS];
	struct dobj_strindex ix = { 0 };
	uint32_t *difo, *typeoff, dup = 0;
	uint64_t *textfirst;
	int rc;

	/* bound the claims by the section before allocating anything */
	uint64_t claimed = 0;
	for (uint32_t i = 0; i < o->ndifos; i++) {
		claimed += o->difos[i].rellen;
		if (claimed > nrel)
			return FAIL(rd, SEC_DIFOS, rd->off[SEC_DIFOS] + (uint64_t)i * DIFO_SIZE + 40,
			    "difo %u claims %u relocations, .rela.ht.text has %llu in all", i,
			    o->difos[i].rellen, (unsigned long long)nrel);
	}
	for (uint32_t i = 0; i < o->ndifos; i++)
		if (o->difos[i].rellen && !(o->difos[i].reltab =
		    calloc(o->difos[i].rellen, sizeof(struct dif_reloc))))
			return -ENOMEM;
	difo = calloc(nrel + 1, sizeof(*difo));
	textfirst = calloc(nrel + 1, sizeof(*textfirst));
	typeoff = calloc((size_t)rd->nundef + 1, sizeof(*typeoff));
	rc = difo && textfirst && typeoff ? 0 : -ENOMEM;
	if (rc == 0)
		rc = map_relocs(rd, difo, textfirst);
	if (rc == 0 && (nrel > 0 || rd->nundef > 0)) {
		rc = dobj_strindex_build(&ix, o->strtab, o->strlen, &dup);
		if (rc == -EEXIST)
			rc = FAIL(rd, SEC_STRTAB, rd->off[SEC_STRTAB] + dup, "string \"%.40s\" "
			    "appears twice", o->strtab + dup);
		if (rc == 0)
			rc = fill_relocs(rd, difo, textfirst, &ix, typeoff);
	}
	dobj_strindex_free(&ix);
	free(difo);
	free(textfirst);
	free(typeoff);
	return rc;
}

/* --- driver ------------------------------------------------------------ */

/* The section (or ELF table) holding file offset `off`, for complaints. */
static int section_at(const struct rd *rd, uint64_t off)
{
	for (uint32_t i = 1; i < rd->nsec; i++)
		if (off >= rd->off[i] && off - rd->off[i] < rd->size[i])
			return (int)i;
	return SEC_NONE;
}

/*
 * An older version's file (DOBJ_FORMAT_VERSION_MIN..) differs from today's
 * encoding in the version word only, and so in the ident computed over it:
 * stamp the encoding with the file's version and hash it again.
 */
static void restamp(uint8_t *enc, size_t n, uint32_t version)
{
	size_t at = dobj_ident_offset() - HDR_OFF_IDENT + HDR_OFF_VERSION;
	uint8_t id[DOBJ_IDENT_LEN];

	if (version == DOBJ_FORMAT_VERSION || n < dobj_ident_offset() + DOBJ_IDENT_LEN)
		return;
	for (int k = 0; k < 4; k++)
		enc[at + (size_t)k] = (uint8_t)(version >> (8 * k));
	dobj_hash_file(enc, n, id);
	memcpy(enc + dobj_ident_offset(), id, DOBJ_IDENT_LEN);
}

/*
 * 7. Canonical form and integrity.  The file must be byte for byte the
 * encoding of the object it decodes to (so no byte is unaccounted for:
 * padding, layout, name tables), and its ident must be the SHA-256 the
 * writer computes for those bytes (for an older version, the encoding
 * stamped with that version).
 */
static int check_canonical(struct rd *rd, unsigned flags)
{
	size_t idoff = dobj_ident_offset(), n, i;
	const uint8_t *stored = rd->file + idoff;
	void *enc;
	const uint8_t *b;
	int rc = dobj__write_mem(rd->obj, &enc, &n);

	if (rc != 0)
		return rc;
	restamp(enc, n, rd->version);
	b = enc;
	if (n != rd->len) {
		free(enc);
		return FAIL(rd, SEC_NONE, n < rd->len ? n : rd->len, "file is %zu bytes, "
		    "its canonical encoding %zu", rd->len, n);
	}
	for (i = 0; i < n; i++)
		if (b[i] != rd->file[i] && (i < idoff || i >= idoff + DOBJ_IDENT_LEN))
			break;
	if (i < n) {
		free(enc);
		int sec = section_at(rd, i);
		return FAIL(rd, sec, i, "byte differs from the canonical encoding (%s)",
		    sec == SEC_NONE ? "ELF header, padding or section headers" :
		    "layout or name table");
	}
	rc = 0;
	if (!(flags & DOBJ_READ_NO_IDENT) && memcmp(stored, b + idoff, DOBJ_IDENT_LEN) != 0)
		rc = FAIL(rd, SEC_HEADER, idoff, "ident does not match the file's SHA-256: "
		    "the file was altered");
	memcpy(rd->obj->ident, stored, DOBJ_IDENT_LEN);
	free(enc);
	return rc;
}

int dobj__read_mem_flags(const void *buf, size_t len, unsigned flags,
    struct dobj **out, struct dobj_err *err)
{
	struct rd rd = { .err = err };
	uint8_t *copy;
	int rc;

	if (out == NULL || (buf == NULL && len > 0))
		return -EINVAL;
	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EIO;
	copy = malloc(len ? len : 1);
	if (copy == NULL)
		return -ENOMEM;
	if (len > 0)
		memcpy(copy, buf, len);
	rd.file = copy;
	rd.len = len;
	rc = check_ehdr(&rd);
	if (rc == 0)
		rc = read_sections(&rd);
	if (rc == 0)
		rc = read_header(&rd);
	if (rc == 0)
		rc = read_strtab(&rd);
	if (rc == 0)
		rc = read_tables(&rd);
	if (rc == 0)
		rc = read_difos(&rd);
	if (rc == 0)
		rc = read_symtab(&rd);
	if (rc == 0)
		rc = read_relocs(&rd);
	if (rc == 0)
		rc = dobj_check_at(rd.obj, rd.off, err);
	if (rc == 0)
		rc = check_canonical(&rd, flags);
	if (rd.elf != NULL)
		elf_end(rd.elf);
	free(copy);
	if (rc != 0) {
		dobj__free(rd.obj);
		return rc;
	}
	*out = rd.obj;
	return 0;
}

int dobj__read_mem(const void *buf, size_t len, struct dobj **out, struct dobj_err *err)
{
	return dobj__read_mem_flags(buf, len, 0, out, err);
}

int dobj__read_file(const char *path, struct dobj **out, struct dobj_err *err)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd, rc = 0;

	if (path == NULL || out == NULL)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;		/* directories, pipes, devices */
	}
	buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	if (rc == 0)
		rc = dobj__read_mem(buf, got, out, err);
	free(buf);
	return rc;
}
