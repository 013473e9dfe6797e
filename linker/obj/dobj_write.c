/*
 * dobj_write.c — encode a program object as ELF (docs/object-format.md).
 *
 * Theory.  Encoding is two steps.  First every section's bytes are built
 * here, field by field, with the little-endian put_* helpers: no C struct
 * image ever reaches the file.  Then libelf assembles the file with
 * ELF_F_LAYOUT and offsets computed here (sections in the fixed order of
 * enum dobj_sec, each at the next multiple of its alignment, the section
 * header table last), into an anonymous memory file that is read back.
 * Nothing depends on time, addresses or the host, so the same object
 * always gives the same bytes.  Last, the ident (SHA-256 of the file with
 * the ident field zeroed) is patched into .ht.header and stored in the
 * object.
 *
 * The writer checks the object first (dobj__check) and refuses to encode
 * one the reader would reject.  dobj__write_file never leaves a partial
 * output: it writes a temp file in the target's directory and renames it
 * over the target, so a reader sees the old file or the whole new one.
 * It does not fsync: like cc and ld, an output that a power cut loses is
 * rebuilt by the build system, and two fsyncs cost ~10 ms per object on a
 * virtual disk, more than the whole compilation (bench/compile_bench.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dobj_format.h"

/* A growable byte buffer; `oom` latches allocation failure. */
struct bytes {
	uint8_t	*p;
	size_t	len, cap;
	int	oom;
};

/* Reserve n zeroed bytes at the end; NULL after an allocation failure. */
static uint8_t *grow(struct bytes *b, size_t n)
{
	if (b->oom || n == 0)
		return NULL;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *np = realloc(b->p, cap);
		if (np == NULL) {
			b->oom = 1;
			return NULL;
		}
		b->p = np;
		b->cap = cap;
	}
	uint8_t *r = b->p + b->len;
	memset(r, 0, n);
	b->len += n;
	return r;
}

static void add_bytes(struct bytes *b, const void *s, size_t n)
{
	uint8_t *p = grow(b, n);

	if (p != NULL && n > 0)
		memcpy(p, s, n);
}

static void enc_pos(uint8_t *p, const struct dobj_srcpos *pos)
{
	put_u32(p, pos->file);
	put_u32(p + 4, pos->line);
	put_u32(p + 8, pos->col);
}

static void enc_type(uint8_t *p, const struct dif_type *t)
{
	p[0] = t->dtdt_kind;
	p[1] = t->dtdt_ckind;
	p[2] = t->dtdt_flags;
	p[3] = t->dtdt_pad;
	put_u32(p + 4, t->dtdt_size);
}

static void enc_header(struct bytes *b, const struct dobj *obj, const uint32_t *counts)
{
	uint8_t *p = grow(b, HDR_SIZE);

	if (p == NULL)
		return;
	memcpy(p + HDR_OFF_MAGIC, HDR_MAGIC, sizeof(HDR_MAGIC));
	put_u32(p + HDR_OFF_VERSION, DOBJ_FORMAT_VERSION);
	put_u16(p + HDR_OFF_KIND, (uint16_t)obj->kind);
	put_u16(p + HDR_OFF_DIFVERS, DIF_VERSION);
	put_u32(p + HDR_OFF_FLAGS, 0);
	put_u32(p + HDR_OFF_HDRSIZE, HDR_SIZE);
	for (int i = 0; i < CNT_COUNT; i++)
		put_u32(p + HDR_OFF_COUNTS + 4 * i, counts[i]);
	/* reserved word and ident stay zero; the ident is patched in last */
}

static void enc_probes(struct bytes *b, const struct dobj *obj)
{
	for (uint32_t i = 0; i < obj->nprobes; i++) {
		const struct dobj_probe *s = &obj->probes[i];
		uint8_t *p = grow(b, PROBE_SIZE);
		if (p == NULL)
			return;
		put_u32(p, s->target);
		put_u32(p + 4, s->provider);
		put_u32(p + 8, s->module);
		put_u32(p + 12, s->function);
		put_u32(p + 16, s->name);
		enc_pos(p + 20, &s->pos);
	}
}

static void enc_clauses(struct bytes *b, const struct dobj *obj)
{
	for (uint32_t i = 0; i < obj->nclauses; i++) {
		const struct dobj_clause *c = &obj->clauses[i];
		uint8_t *p = grow(b, CLAUSE_SIZE);
		if (p == NULL)
			return;
		put_u32(p, c->probe_first);
		put_u32(p + 4, c->probe_count);
		put_u32(p + 8, (uint32_t)c->pred);
		put_u32(p + 12, c->action_first);
		put_u32(p + 16, c->action_count);
		enc_pos(p + 20, &c->pos);
	}
}

static void enc_actions(struct bytes *b, const struct dobj *obj)
{
	for (uint32_t i = 0; i < obj->nactions; i++) {
		const struct dobj_action *a = &obj->actions[i];
		uint8_t *p = grow(b, ACTION_SIZE);
		if (p == NULL)
			return;
		put_u16(p, a->kind);
		put_u16(p + 2, a->flags);
		put_u32(p + 4, a->ntuple);
		put_u64(p + 8, a->arg);
		put_u32(p + 16, (uint32_t)a->difo);
		put_u32(p + 20, (uint32_t)a->format);
		put_u32(p + 24, a->str);
		enc_pos(p + 28, &a->pos);
	}
}

/* The DIFO records and the shared tables they point into. */
struct difo_out {
	struct bytes	difos, text, ints, strs, vars, lines;
};

static void enc_difo_tables(struct difo_out *o, const struct dobj_difo *d)
{
	for (uint32_t j = 0; j < d->len; j++) {
		uint8_t *p = grow(&o->text, TEXT_SIZE);
		if (p != NULL)
			put_u32(p, d->text[j]);
	}
	for (uint32_t j = 0; j < d->intlen; j++) {
		uint8_t *p = grow(&o->ints, INT_SIZE);
		if (p != NULL)
			put_u64(p, d->inttab[j]);
	}
	add_bytes(&o->strs, d->strtab, d->strlen);
	for (uint32_t j = 0; j < d->varlen; j++) {
		const struct dif_var *v = &d->vartab[j];
		uint8_t *p = grow(&o->vars, VAR_SIZE);
		if (p == NULL)
			break;
		put_u32(p, v->dtdv_name);
		put_u32(p + 4, v->dtdv_id);
		p[8] = v->dtdv_kind;
		p[9] = v->dtdv_scope;
		put_u16(p + 10, v->dtdv_flags);
		enc_type(p + 12, &v->dtdv_type);
	}
	for (uint32_t j = 0; j < d->nlines; j++) {
		uint8_t *p = grow(&o->lines, LINE_SIZE);
		if (p == NULL)
			break;
		put_u32(p, d->lines[j].pc);
		enc_pos(p + 4, &d->lines[j].pos);
	}
}

static void enc_difos(struct difo_out *o, const struct dobj *obj)
{
	for (uint32_t i = 0; i < obj->ndifos; i++) {
		const struct dobj_difo *d = &obj->difos[i];
		uint8_t *p = grow(&o->difos, DIFO_SIZE);
		if (p == NULL)
			return;
		put_u32(p, (uint32_t)(o->text.len / TEXT_SIZE));
		put_u32(p + 4, d->len);
		put_u32(p + 8, (uint32_t)(o->ints.len / INT_SIZE));
		put_u32(p + 12, d->intlen);
		put_u32(p + 16, (uint32_t)o->strs.len);
		put_u32(p + 20, d->strlen);
		put_u32(p + 24, (uint32_t)(o->vars.len / VAR_SIZE));
		put_u32(p + 28, d->varlen);
		put_u32(p + 32, (uint32_t)(o->lines.len / LINE_SIZE));
		put_u32(p + 36, d->nlines);
		put_u32(p + 40, d->rellen);
		put_u32(p + 44, d->flags);
		enc_type(p + 48, &d->rtype);
		enc_difo_tables(o, d);
	}
}

static void enc_formats(struct bytes *b, const struct dobj *obj)
{
	for (uint32_t i = 0; i < obj->nformats; i++) {
		uint8_t *p = grow(b, FORMAT_SIZE);
		if (p == NULL)
			return;
		put_u32(p, obj->formats[i].str);
		put_u16(p + 4, obj->formats[i].kind);
		put_u16(p + 6, obj->formats[i].pad);
	}
}

static void enc_aggs(struct bytes *b, const struct dobj *obj)
{
	for (uint32_t i = 0; i < obj->naggs; i++) {
		const struct dobj_agg *a = &obj->aggs[i];
		uint8_t *p = grow(b, AGG_SIZE);
		if (p == NULL)
			return;
		put_u32(p, a->name);
		put_u32(p + 4, a->id);
		put_u16(p + 8, a->func);
		put_u16(p + 10, a->nkeys);
		put_u32(p + 12, a->keytypes);
		put_u64(p + 16, a->arg);
		put_u32(p + 24, a->valtype);
	}
}

static void enc_pair(struct bytes *b, uint32_t x, uint32_t y)
{
	uint8_t *p = grow(b, 8);

	if (p == NULL)
		return;
	put_u32(p, x);
	put_u32(p + 4, y);
}

static void enc_symbols(struct bytes *b, const struct dobj *obj)
{
	for (uint32_t i = 0; i < obj->nsymbols; i++) {
		const struct dobj_symbol *s = &obj->symbols[i];
		uint8_t *p = grow(b, SYMBOL_SIZE);
		if (p == NULL)
			return;
		put_u32(p, s->name);
		put_u16(p + 4, s->kind);
		put_u16(p + 6, s->varkind);
		put_u32(p + 8, s->id);
		put_u32(p + 12, s->ctype);
		put_u32(p + 16, s->keytypes);
		enc_type(p + 20, &s->type);
	}
}

static void enc_sym(struct bytes *b, uint32_t name, uint8_t info, uint16_t shndx,
    uint64_t value, uint64_t size)
{
	uint8_t *p = grow(b, SYM_SIZE);

	if (p == NULL)
		return;
	put_u32(p, name);
	p[4] = info;
	p[5] = STV_DEFAULT;
	put_u16(p + 6, shndx);
	put_u64(p + 8, value);
	put_u64(p + 16, size);
}

/*
 * .symtab, .strtab and .rela.ht.text.  Symbols: the null symbol, one
 * defined GLOBAL OBJECT per dobj_symbol (value = record index), then one
 * UNDEFINED GLOBAL per distinct relocation type, in order of first use.
 */
static int enc_links(const struct dobj *obj, struct bytes *symtab, struct bytes *symstr,
    struct bytes *rela)
{
	uint32_t *typesym = NULL, nundef = 0, textbase = 0;

	add_bytes(symstr, "", 1);
	enc_sym(symtab, 0, 0, SHN_UNDEF, 0, 0);
	for (uint32_t i = 0; i < obj->nsymbols; i++) {
		const struct dobj_symbol *s = &obj->symbols[i];
		uint32_t name = (uint32_t)symstr->len;
		const char *pre = dobj_sym_prefix(s->kind);

		add_bytes(symstr, pre, strlen(pre));
		add_bytes(symstr, obj->strtab + s->name, strlen(obj->strtab + s->name) + 1);
		enc_sym(symtab, name, ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT), SEC_SYMBOLS,
		    i, SYMBOL_SIZE);
	}
	if (obj->kind == DOBJ_RELOCATABLE) {
		typesym = calloc(obj->strlen, sizeof(*typesym));
		if (typesym == NULL)
			return -ENOMEM;
	}
	for (uint32_t i = 0; i < obj->ndifos && typesym != NULL; i++) {
		const struct dobj_difo *d = &obj->difos[i];

		for (uint32_t j = 0; j < d->rellen; j++) {
			const struct dif_reloc *r = &d->reltab[j];
			uint8_t *p;

			if (typesym[r->dtr_type] == 0) {
				const char *tn = obj->strtab + r->dtr_type;
				typesym[r->dtr_type] = 1 + obj->nsymbols + nundef++;
				enc_sym(symtab, (uint32_t)symstr->len,
				    ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE), SHN_UNDEF, 0, 0);
				add_bytes(symstr, tn, strlen(tn) + 1);
			}
			p = grow(rela, RELA_SIZE);
			if (p == NULL)
				break;
			put_u64(p, ((uint64_t)textbase + r->dtr_pc) * TEXT_SIZE);
			put_u64(p + 8, ELF64_R_INFO(typesym[r->dtr_type],
			    RELTYPE(r->dtr_kind, r->dtr_flags)));
			put_u64(p + 16, r->dtr_member);
		}
		textbase += d->len;
	}
	free(typesym);
	return 0;
}

/* All sections' contents, indexed by enum dobj_sec. */
struct sections {
	struct bytes	b[SEC_COUNT];
	uint32_t	nsec;
};

static void sections_free(struct sections *s)
{
	for (int i = 0; i < SEC_COUNT; i++)
		free(s->b[i].p);
}

static int encode_sections(const struct dobj *obj, struct sections *s)
{
	struct difo_out o = { 0 };
	uint32_t counts[CNT_COUNT] = { 0 };
	int rc;

	s->nsec = obj->kind == DOBJ_RELOCATABLE ? SEC_COUNT : SEC_RELA;
	add_bytes(&s->b[SEC_STRTAB], obj->strtab, obj->strlen);
	enc_probes(&s->b[SEC_PROBES], obj);
	enc_clauses(&s->b[SEC_CLAUSES], obj);
	enc_actions(&s->b[SEC_ACTIONS], obj);
	enc_difos(&o, obj);
	s->b[SEC_DIFOS] = o.difos;
	s->b[SEC_TEXT] = o.text;
	s->b[SEC_INTS] = o.ints;
	s->b[SEC_STRS] = o.strs;
	s->b[SEC_VARS] = o.vars;
	s->b[SEC_LINES] = o.lines;
	enc_formats(&s->b[SEC_FORMATS], obj);
	enc_aggs(&s->b[SEC_AGGS], obj);
	for (uint32_t i = 0; i < obj->noptions; i++)
		enc_pair(&s->b[SEC_OPTIONS], obj->options[i].name, obj->options[i].value);
	enc_symbols(&s->b[SEC_SYMBOLS], obj);
	for (uint32_t i = 0; i < obj->nmeta; i++)
		enc_pair(&s->b[SEC_META], obj->meta[i].key, obj->meta[i].value);
	add_bytes(&s->b[SEC_SRCIDENTS], obj->srcidents,
	    (size_t)obj->nsrcidents * SRCIDENT_SIZE);
	rc = enc_links(obj, &s->b[SEC_SYMTAB], &s->b[SEC_SYMSTR], &s->b[SEC_RELA]);
	if (rc != 0)
		return rc;
	add_bytes(&s->b[SEC_SHSTRTAB], "", 1);
	for (uint32_t i = 1; i < s->nsec; i++)
		add_bytes(&s->b[SEC_SHSTRTAB], dobj_secspecs[i].name,
		    strlen(dobj_secspecs[i].name) + 1);

	counts[CNT_PROBES] = obj->nprobes;
	counts[CNT_CLAUSES] = obj->nclauses;
	counts[CNT_ACTIONS] = obj->nactions;
	counts[CNT_DIFOS] = obj->ndifos;
	counts[CNT_TEXT] = (uint32_t)(s->b[SEC_TEXT].len / TEXT_SIZE);
	counts[CNT_INTS] = (uint32_t)(s->b[SEC_INTS].len / INT_SIZE);
	counts[CNT_STRS] = (uint32_t)s->b[SEC_STRS].len;
	counts[CNT_VARS] = (uint32_t)(s->b[SEC_VARS].len / VAR_SIZE);
	counts[CNT_LINES] = (uint32_t)(s->b[SEC_LINES].len / LINE_SIZE);
	counts[CNT_FORMATS] = obj->nformats;
	counts[CNT_AGGS] = obj->naggs;
	counts[CNT_OPTIONS] = obj->noptions;
	counts[CNT_SYMBOLS] = obj->nsymbols;
	counts[CNT_META] = obj->nmeta;
	counts[CNT_SRCIDENTS] = obj->nsrcidents;
	counts[CNT_RELOCS] = (uint32_t)(s->b[SEC_RELA].len / RELA_SIZE);
	counts[CNT_STRTAB] = obj->strlen;
	enc_header(&s->b[SEC_HEADER], obj, counts);

	for (int i = 0; i < SEC_COUNT; i++)
		if (s->b[i].oom)
			return -ENOMEM;
	return 0;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

/* Section offsets (file order) and the section header table's offset. */
static uint64_t layout(const struct sections *s, uint64_t *off)
{
	uint64_t pos = sizeof(Elf64_Ehdr);

	off[SEC_NULL] = 0;
	for (uint32_t i = 1; i < s->nsec; i++) {
		pos = align_up(pos, dobj_secspecs[i].align);
		off[i] = pos;
		pos += s->b[i].len;
	}
	return align_up(pos, 8);
}

static int fill_ehdr(Elf *e, enum dobj_kind kind, uint64_t shoff, uint32_t nsec)
{
	Elf64_Ehdr *eh = elf64_newehdr(e);

	if (eh == NULL)
		return -ENOMEM;
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh->e_type = kind == DOBJ_RELOCATABLE ? ET_REL : ET_EXEC;
	eh->e_machine = EM_NONE;
	eh->e_version = EV_CURRENT;
	eh->e_shoff = shoff;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shstrndx = SEC_SHSTRTAB;
	(void)nsec;
	return 0;
}

static uint32_t shstr_name(int sec)
{
	uint32_t off = 1;

	for (int i = 1; i < sec; i++)
		off += (uint32_t)strlen(dobj_secspecs[i].name) + 1;
	return off;
}

static int add_section(Elf *e, struct sections *s, int i, uint64_t off)
{
	const struct dobj_secspec *sp = &dobj_secspecs[i];
	Elf_Scn *scn = elf_newscn(e);
	Elf_Data *data;
	Elf64_Shdr *sh;

	if (scn == NULL || (data = elf_newdata(scn)) == NULL ||
	    (sh = elf64_getshdr(scn)) == NULL)
		return -ENOMEM;
	data->d_buf = s->b[i].p;
	data->d_size = s->b[i].len;
	data->d_type = ELF_T_BYTE;
	data->d_align = sp->align;
	data->d_off = 0;
	data->d_version = EV_CURRENT;
	sh->sh_name = shstr_name(i);
	sh->sh_type = sp->type;
	sh->sh_flags = sp->flags;
	sh->sh_offset = off;
	sh->sh_size = s->b[i].len;
	sh->sh_addralign = sp->align;
	sh->sh_entsize = sp->entsize;
	if (i == SEC_SYMTAB) {
		sh->sh_link = SEC_SYMSTR;
		sh->sh_info = 1;	/* first non-local symbol: all are global */
	} else if (i == SEC_RELA) {
		sh->sh_link = SEC_SYMTAB;
		sh->sh_info = SEC_TEXT;
	}
	return 0;
}

/* libelf writes the file into an anonymous memory file; read it back. */
static int build_elf(const struct dobj *obj, struct sections *s, uint8_t **out, size_t *outlen)
{
	uint64_t off[SEC_COUNT], shoff = layout(s, off);
	size_t total = shoff + (size_t)s->nsec * sizeof(Elf64_Shdr);
	int fd, rc = -EIO;
	Elf *e = NULL;
	uint8_t *buf = NULL;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EIO;
	fd = memfd_create("dobj", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	if (e == NULL)
		goto out;
	elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT);
	if ((rc = fill_ehdr(e, obj->kind, shoff, s->nsec)) != 0)
		goto out;
	for (uint32_t i = 1; i < s->nsec; i++)
		if ((rc = add_section(e, s, (int)i, off[i])) != 0)
			goto out;
	rc = -EIO;
	if (elf_update(e, ELF_C_WRITE) != (off_t)total)
		goto out;
	buf = malloc(total);
	if (buf == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if (pread(fd, buf, total, 0) != (ssize_t)total) {
		free(buf);
		goto out;
	}
	*out = buf;
	*outlen = total;
	rc = 0;
out:
	if (e != NULL)
		elf_end(e);
	close(fd);
	return rc;
}

/* SHA-256 of the file with the ident field (at `at`) taken as zero. */
static void hash_file(const uint8_t *buf, size_t len, size_t at, uint8_t ident[DOBJ_IDENT_LEN])
{
	static const uint8_t zero[DOBJ_IDENT_LEN];
	SHA2_CTX ctx;

	SHA256Init(&ctx);
	SHA256Update(&ctx, buf, at);
	SHA256Update(&ctx, zero, DOBJ_IDENT_LEN);
	SHA256Update(&ctx, buf + at + DOBJ_IDENT_LEN, len - at - DOBJ_IDENT_LEN);
	SHA256Final(ident, &ctx);
}

size_t dobj_ident_offset(void)
{
	return align_up(sizeof(Elf64_Ehdr), dobj_secspecs[SEC_HEADER].align) + HDR_OFF_IDENT;
}

void dobj_hash_file(const uint8_t *buf, size_t len, uint8_t ident[DOBJ_IDENT_LEN])
{
	hash_file(buf, len, dobj_ident_offset(), ident);
}

int dobj__write_mem(struct dobj *obj, void **out, size_t *outlen)
{
	struct sections s = { 0 };
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if (obj == NULL || out == NULL || outlen == NULL)
		return -EINVAL;
	rc = dobj__check(obj, NULL);
	if (rc == 0)
		rc = encode_sections(obj, &s);
	if (rc == 0)
		rc = build_elf(obj, &s, &buf, &len);
	sections_free(&s);
	if (rc != 0)
		return rc;
	dobj_hash_file(buf, len, obj->ident);
	memcpy(buf + dobj_ident_offset(), obj->ident, DOBJ_IDENT_LEN);
	*out = buf;
	*outlen = len;
	return 0;
}

int dobj__compute_ident(struct dobj *obj)
{
	void *buf;
	size_t len;
	int rc = dobj__write_mem(obj, &buf, &len);

	if (rc == 0)
		free(buf);
	return rc;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Create "<path>.tmp.<pid>.<n>" exclusively, mode 0666 less the umask (as
 * any output file); returns the fd or -errno.
 */
static int open_temp(const char *path, char *tmp, size_t size)
{
	for (unsigned n = 0; n < 1000; n++) {
		snprintf(tmp, size, "%s.tmp.%ld.%u", path, (long)getpid(), n);
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

int dobj__write_file(struct dobj *obj, const char *path)
{
	void *buf;
	size_t len, plen;
	char *tmp;
	int fd, rc;

	if (path == NULL)
		return -EINVAL;
	rc = dobj__write_mem(obj, &buf, &len);
	if (rc != 0)
		return rc;
	plen = strlen(path);
	tmp = malloc(plen + 32);
	if (tmp == NULL) {
		free(buf);
		return -ENOMEM;
	}
	fd = open_temp(path, tmp, plen + 32);
	if (fd < 0) {
		rc = fd;
		goto out;
	}
	rc = write_all(fd, buf, len);
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != 0)
		unlink(tmp);
out:
	free(tmp);
	free(buf);
	return rc;
}
