/*
 * typefile.c — open a typefile, check it, index its names, and answer
 * questions about single types.
 *
 * What a typefile is: BTF for one guest kernel (docs/typefiles.md).  The
 * bytes are sniffed (BTF magic, ELF magic, anything else is refused with a
 * message) and kept for the typefile's life: a read-only mapping of a
 * sysfs file, or a malloc'd copy (a read raw file, an ELF file's .BTF).
 * Native-endian BTF is read in place, without libbpf: one pass
 * (scan_types) records each record's offset, bounds its fixed part and
 * hashes its name.  Foreign-endian BTF goes through libbpf's btf__new,
 * which swaps a copy, and the same pass runs over that.  libbpf's
 * warnings are routed into a thread-local buffer and become part of our
 * error message, so the library never prints.
 *
 * Invariants after a successful open:
 *  - every record lies inside the type section; every name offset and
 *    every id a record's fixed part names is in bounds.  A record's list
 *    (members, enumerators, parameters, section entries) is checked on
 *    first use by typ_record_ok, and the accessors refuse a bad list, so
 *    no accessor returns a dangling id.  Chains can still be cyclic (a
 *    typedef of itself); every walk is bounded by TYP_MAX_DEPTH (and
 *    recursive queries by TYP_MAX_STEPS) and fails with -ELOOP.
 *  - names holds one entry per named type, keyed by (name space, name);
 *    ints are keyed by their canonical C spelling ("unsigned long" for
 *    gcc's "long unsigned int").  Each bucket lists its ids in id order,
 *    so typ_file__find lists them in id order.
 *
 * Ownership: struct typ_file owns the bytes (map or own), the offsets,
 * the tables, the synthetic types (ids >= n, see typefile_lookup.c) and
 * libbpf's object, built on first typ_file__btf().
 * Read next: typefile_lookup.c (C names, member paths, suggestions),
 * typefile_min.c (minimisation), typefile_profile.c (built-ins per OS).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "typefile_impl.h"

#define BTF_MAGIC_LE0 0x9f	/* 0xeB9F stored little-endian */
#define BTF_MAGIC_LE1 0xeb
#define BTF_HDR_MIN 24		/* magic .. str_len */
#define TYP_SYSFS_MAGIC 0x62656572	/* statfs f_type of sysfs */

void typ_errf(struct typ_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

/* --- libbpf's messages ----------------------------------------------- */

static __thread char libbpf_msg[256];

static int keep_libbpf_message(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;	/* btf__new reports the cause of a refusal at debug level */
	vsnprintf(libbpf_msg, sizeof(libbpf_msg), fmt, ap);
	size_t len = strlen(libbpf_msg);
	while (len > 0 && (libbpf_msg[len - 1] == '\n' || libbpf_msg[len - 1] == ' '))
		libbpf_msg[--len] = '\0';
	return 0;
}

/* btf__new with libbpf's printing captured instead of going to stderr. */
static struct btf *quiet_btf_new(const void *data, size_t size, int *errp)
{
	libbpf_msg[0] = '\0';
	libbpf_print_fn_t old = libbpf_set_print(keep_libbpf_message);
	struct btf *btf = btf__new(data, (uint32_t)size);
	*errp = btf == NULL ? (errno ? errno : EINVAL) : 0;
	libbpf_set_print(old);
	return btf;
}

/* --- reading the bytes ----------------------------------------------- */

/* Read fd to EOF into a malloc'd buffer (for files that cannot be mapped). */
static int read_whole(int fd, const char *path, uint8_t **data, size_t *size,
		      struct typ_err *err)
{
	/* Size hint (sysfs reports it too); the loop still reads to EOF. */
	struct stat st;
	size_t len = 0, cap = 1 << 16;
	if (fstat(fd, &st) == 0 && st.st_size > 0 && (uint64_t)st.st_size < SIZE_MAX / 2)
		cap = (size_t)st.st_size + 1;
	uint8_t *buf = malloc(cap);
	if (buf == NULL) {
		typ_errf(err, "%s: out of memory", path);
		return -ENOMEM;
	}
	for (;;) {
		if (len == cap) {
			uint8_t *nb = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
			if (nb == NULL) {
				free(buf);
				typ_errf(err, "%s: out of memory", path);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t got = read(fd, buf + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			free(buf);
			typ_errf(err, "%s: read error: %s", path, strerror(e));
			return -e;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	*data = buf;
	*size = len;
	return 0;
}

/* --- the BTF header ---------------------------------------------------- */

/* Where a blob's sections are, once their bounds are checked. */
struct btf_parts {
	const uint8_t *types;
	uint32_t type_len;
	const char *strs;
	uint32_t str_len;
};

static uint32_t get32(const uint8_t *p, bool swap)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static bool btf_magic(const uint8_t *data, size_t size, bool *swapped)
{
	if (size < 2)
		return false;
	*swapped = data[0] == BTF_MAGIC_LE1 && data[1] == BTF_MAGIC_LE0;
	return *swapped || (data[0] == BTF_MAGIC_LE0 && data[1] == BTF_MAGIC_LE1);
}

/* "<name>: <where>invalid BTF: <what>", returning -EINVAL. */
static int invalid(struct typ_err *err, const char *name, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int invalid(struct typ_err *err, const char *name, const char *where, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	typ_errf(err, "%s: %sinvalid BTF: %s", name, where, what);
	return -EINVAL;
}

/*
 * A native-endian blob: the header fields must place both sections inside
 * the blob, types (4-byte aligned) before strings, and the string section
 * must start and end with a NUL (offset 0 is the empty name; every name
 * ends).  The same rules libbpf's btf__new applies, checked in place.
 */
static int locate_native(const uint8_t *data, size_t size, const char *name, const char *where,
			 struct btf_parts *bp, struct typ_err *err)
{
	uint32_t hdr_len = get32(data + 4, false), type_off = get32(data + 8, false);
	uint32_t type_len = get32(data + 12, false), str_off = get32(data + 16, false);
	uint32_t str_len = get32(data + 20, false);

	if (hdr_len < BTF_HDR_MIN || hdr_len > size)
		return invalid(err, name, where, "header length %u in %zu bytes", hdr_len, size);
	uint64_t left = size - hdr_len;
	if ((uint64_t)str_off + str_len > left)
		return invalid(err, name, where, "string section (offset %u, %u bytes) runs past "
			       "the end (%llu bytes after the header)", str_off, str_len,
			       (unsigned long long)left);
	if ((uint64_t)type_off + type_len > str_off)
		return invalid(err, name, where, "type section (offset %u, %u bytes) overlaps the "
			       "string section at offset %u", type_off, type_len, str_off);
	if (type_off % 4 != 0)
		return invalid(err, name, where, "type section offset %u is not 4-byte aligned",
			       type_off);
	bp->types = data + hdr_len + type_off;
	bp->type_len = type_len;
	bp->strs = (const char *)data + hdr_len + str_off;
	bp->str_len = str_len;
	if (str_len == 0 || bp->strs[0] != '\0' || bp->strs[str_len - 1] != '\0')
		return invalid(err, name, where, "the string section must start and end with a NUL");
	return 0;
}

/* A foreign-endian blob: libbpf swaps a copy; its records are contiguous. */
static int locate_swapped(struct typ_file *tf, const uint8_t *data, size_t size,
			  const char *where, struct btf_parts *bp, struct typ_err *err)
{
	int e;

	tf->btf = quiet_btf_new(data, size, &e);
	if (tf->btf == NULL) {
		typ_errf(err, "%s: %sinvalid BTF (%s)%s%s", tf->path, where, strerror(e),
			 libbpf_msg[0] ? ": " : "", libbpf_msg);
		return -e;
	}
	bp->type_len = get32(data + 12, true);
	bp->str_len = get32(data + 20, true);
	bp->types = btf__type_cnt(tf->btf) > 1 ?
		(const uint8_t *)btf__type_by_id(tf->btf, 1) : (const uint8_t *)"";
	bp->strs = btf__str_by_offset(tf->btf, 0);
	if (bp->strs == NULL || bp->str_len == 0)
		return invalid(err, tf->path, where, "empty string section");
	return 0;
}

/* Find .BTF in an ELF image held in memory (writable: libelf's wish). */
static int find_elf_btf(uint8_t *data, size_t size, const char *name, size_t *off,
			size_t *len, struct typ_err *err)
{
	size_t shstrndx;
	int rc = -EINVAL;

	elf_version(EV_CURRENT);
	Elf *elf = elf_memory((char *)data, size);
	if (elf == NULL || elf_kind(elf) != ELF_K_ELF) {
		typ_errf(err, "%s: malformed ELF file: %s", name, elf_errmsg(-1));
		goto out;
	}
	GElf_Ehdr eh;
	if (gelf_getehdr(elf, &eh) == NULL) {
		typ_errf(err, "%s: malformed ELF header: %s", name, elf_errmsg(-1));
		goto out;
	}
	size_t shnum = 0;
	if (elf_getshdrnum(elf, &shnum) != 0 || eh.e_shoff > size ||
	    (uint64_t)shnum * eh.e_shentsize > size - eh.e_shoff) {
		typ_errf(err, "%s: malformed ELF file: section headers at offset 0x%llx run "
			 "past the end of the file (%zu bytes)", name,
			 (unsigned long long)eh.e_shoff, size);
		goto out;
	}
	if (elf_getshdrstrndx(elf, &shstrndx) != 0) {
		typ_errf(err, "%s: ELF file without a section-name table: %s", name,
			 elf_errmsg(-1));
		goto out;
	}
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) == NULL)
			continue;
		const char *sname = elf_strptr(elf, shstrndx, sh.sh_name);
		if (sname == NULL || strcmp(sname, ".BTF") != 0)
			continue;
		if (sh.sh_type == SHT_NOBITS || sh.sh_offset > size ||
		    sh.sh_size > size - sh.sh_offset) {
			typ_errf(err, "%s: ELF section .BTF at offset 0x%llx: %llu bytes run past "
				 "the end of the file (%zu bytes)", name,
				 (unsigned long long)sh.sh_offset,
				 (unsigned long long)sh.sh_size, size);
			goto out;
		}
		*off = (size_t)sh.sh_offset;
		*len = (size_t)sh.sh_size;
		rc = 0;
		goto out;
	}
	typ_errf(err, "%s: ELF file has no .BTF section (build it with gcc -gbtf, "
		 "or add one with pahole -J)", name);
	rc = -ENOENT;
out:
	if (elf != NULL)
		elf_end(elf);
	return rc;
}

/* --- checking records ------------------------------------------------- */

bool typ_valid_id(const struct typ_file *tf, typ_id_t id)
{
	return id < tf->n + tf->nsyn;
}

static const struct btf_type void_type;	/* id 0: all zero, kind UNKN */

const struct btf_type *typ_btf_type(const struct typ_file *tf, typ_id_t id)
{
	if (id >= tf->n)
		return NULL;
	return id == 0 ? &void_type : (const struct btf_type *)(tf->types + tf->offs[id]);
}

static int bad_ref(const struct typ_file *tf, typ_id_t id, typ_id_t ref, const char *what,
		   struct typ_err *err)
{
	typ_errf(err, "%s: type id %u refers to %s type id %u, but the file has only %u types",
		 tf->path, id, what, ref, tf->n);
	return -EINVAL;
}

static int bad_name(const struct typ_file *tf, typ_id_t id, uint32_t off, struct typ_err *err)
{
	typ_errf(err, "%s: type id %u has a name at string offset %u outside the string section",
		 tf->path, id, off);
	return -EINVAL;
}

#define REF_OK(r, what) \
	do { if ((r) >= tf->n) return bad_ref(tf, id, (r), (what), err); } while (0)
#define NAME_OK(o) \
	do { if ((o) >= tf->str_len) return bad_name(tf, id, (o), err); } while (0)

static int check_int(const struct typ_file *tf, typ_id_t id, const struct btf_type *t,
		     struct typ_err *err)
{
	uint32_t bits = btf_int_bits(t), off = btf_int_offset(t);
	if (t->size == 0 || t->size > 16 || (t->size & (t->size - 1)) ||
	    bits == 0 || bits + off > t->size * 8u) {
		typ_errf(err, "%s: type id %u: integer of %u bytes with %u bits at bit %u "
			 "is not valid", tf->path, id, t->size, bits, off);
		return -EINVAL;
	}
	return 0;
}

/* The fixed part of a record: its name and the ids it names itself (all
 * checked at open, by scan_types, which only calls this to word an error). */
static int check_head(const struct typ_file *tf, typ_id_t id, const struct btf_type *t,
		      struct typ_err *err)
{
	NAME_OK(t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return check_int(tf, id, t, err);
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC:
	case BTF_KIND_VAR: case BTF_KIND_TYPE_TAG: case BTF_KIND_DECL_TAG:
		REF_OK(t->type, "a target");
		return 0;
	case BTF_KIND_ARRAY:
		REF_OK(btf_array(t)->type, "an element");
		REF_OK(btf_array(t)->index_type, "an index");
		return 0;
	case BTF_KIND_FUNC_PROTO:
		REF_OK(t->type, "a return");
		return 0;
	default:
		return 0;
	}
}

/* The variable part: members, enumerators, parameters, section entries.
 * Checked on first use (typ_record_ok), not at open: it is most of the
 * file's bytes and most of it is never looked at. */
static int check_list(const struct typ_file *tf, typ_id_t id, const struct btf_type *t,
		      struct typ_err *err)
{
	uint16_t vlen = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
		const struct btf_member *m = btf_members(t);
		for (uint16_t i = 0; i < vlen; i++) {
			NAME_OK(m[i].name_off);
			REF_OK(m[i].type, "a member of");
		}
		return 0;
	}
	case BTF_KIND_ENUM:
		for (uint16_t i = 0; i < vlen; i++)
			NAME_OK(btf_enum(t)[i].name_off);
		return 0;
	case BTF_KIND_ENUM64:
		for (uint16_t i = 0; i < vlen; i++)
			NAME_OK(btf_enum64(t)[i].name_off);
		return 0;
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *p = btf_params(t);
		for (uint16_t i = 0; i < vlen; i++) {
			NAME_OK(p[i].name_off);
			REF_OK(p[i].type, "a parameter");
		}
		return 0;
	}
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *v = btf_var_secinfos(t);
		for (uint16_t i = 0; i < vlen; i++)
			REF_OK(v[i].type, "a section variable");
		return 0;
	}
	default:
		return 0;
	}
}

bool typ_record_ok(const struct typ_file *tf, typ_id_t id)
{
	if (id == 0 || id >= tf->n)
		return true;	/* void and synthetic types have no lists */
	uint8_t st = __atomic_load_n(&tf->rec_state[id], __ATOMIC_RELAXED);
	if (st == REC_UNCHECKED) {
		st = check_list(tf, id, typ_btf_type(tf, id), NULL) == 0 ? REC_GOOD : REC_BAD;
		__atomic_store_n(&tf->rec_state[id], st, __ATOMIC_RELAXED);
	}
	return st == REC_GOOD;
}

/* --- the name index -------------------------------------------------- */

/*
 * Name hash, 8 bytes at a time: h = (ns+1)*K0; each whole word w of the
 * name: h = (h ^ w) * K1; then the 0..7 tail bytes t (little-endian) and
 * the length: h = (h ^ t ^ len << 56) * K2.  Never 0 (0 marks empty slots).
 * hash_bounded computes the same value while finding the NUL a word at a
 * time; it may read up to 7 bytes past the NUL, so only where the buffer
 * is known to extend to `end` (the string section).
 */
#define HASH_K0 0x9e3779b97f4a7c15ull
#define HASH_K1 0xff51afd7ed558ccdull
#define HASH_K2 0xc4ceb9fe1a85ec53ull

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "typ_hash_name's word loop assumes a little-endian host"
#endif

static uint32_t hash_finish(uint64_t h, uint64_t tail, size_t len)
{
	h = (h ^ tail ^ ((uint64_t)len << 56)) * HASH_K2;
	return (uint32_t)(h >> 32) | 1;
}

uint32_t typ_hash_name(enum typ_ns ns, const char *name)
{
	size_t len = strlen(name), left = len;
	uint64_t h = (uint64_t)(ns + 1) * HASH_K0, w;
	const char *p = name;

	for (; left >= 8; left -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * HASH_K1;
	}
	w = 0;
	for (size_t i = 0; i < left; i++)
		w |= (uint64_t)(unsigned char)p[i] << (8 * i);
	return hash_finish(h, w, len);
}

static uint32_t hash_bounded(enum typ_ns ns, const char *name, const char *end)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t h = (uint64_t)(ns + 1) * HASH_K0, w;
	const char *p = name;

	while (p + 8 <= end) {
		memcpy(&w, p, 8);
		uint64_t zero = (w - ones) & ~w & highs;
		if (zero != 0) {
			unsigned nb = (unsigned)__builtin_ctzll(zero) >> 3;
			w = nb ? w & (~0ull >> (64 - 8 * nb)) : 0;
			return hash_finish(h, w, (size_t)(p - name) + nb);
		}
		h = (h ^ w) * HASH_K1;
		p += 8;
	}
	return typ_hash_name(ns, name);	/* near the end: the plain way */
}

/*
 * int-words := ("signed"|"unsigned"|"char"|"short"|"int"|"long"|"_Bool"|"__int128")+
 * Canonical spelling: [unsigned |signed ]base, base one of char short int long
 * "long long" __int128 _Bool; "signed" is kept only for char.
 */
bool typ_canon_int(const char *words, char *out, size_t len, uint8_t *size, bool *is_signed)
{
	int sign = 0, chr = 0, shrt = 0, in = 0, lng = 0, boo = 0, i128 = 0;
	const char *p = words;

	while (*p) {
		while (*p == ' ')
			p++;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		size_t n = (size_t)(p - w);
		if (n == 0)
			break;
#define IS(s) (n == sizeof(s) - 1 && memcmp(w, s, n) == 0)
		if (IS("signed")) sign = sign ? 9 : 1;
		else if (IS("unsigned")) sign = sign ? 9 : 2;
		else if (IS("char")) chr++;
		else if (IS("short")) shrt++;
		else if (IS("int")) in++;
		else if (IS("long")) lng++;
		else if (IS("_Bool")) boo++;
		else if (IS("__int128")) i128++;
		else return false;
#undef IS
	}
	int bases = (chr > 0) + (shrt > 0) + (lng > 0) + (boo > 0) + (i128 > 0);
	if (sign == 9 || chr > 1 || shrt > 1 || in > 1 || lng > 2 || boo > 1 || i128 > 1 ||
	    bases > 1 || (in && (chr || boo || i128)) || (boo && sign) ||
	    (sign + chr + shrt + in + lng + boo + i128) == 0)
		return false;
	const char *base;
	uint8_t sz;
	if (boo) { base = "_Bool"; sz = 1; }
	else if (chr) { base = "char"; sz = 1; }
	else if (shrt) { base = "short"; sz = 2; }
	else if (lng == 2) { base = "long long"; sz = 8; }
	else if (lng == 1) { base = "long"; sz = 8; }
	else if (i128) { base = "__int128"; sz = 16; }
	else { base = "int"; sz = 4; }
	const char *pre = sign == 2 ? "unsigned " : (sign == 1 && chr) ? "signed " : "";
	snprintf(out, len, "%s%s", pre, base);
	if (size)
		*size = sz;
	if (is_signed)
		*is_signed = sign != 2 && !boo;	/* plain char: see typ_file__info */
	return true;
}

/* The index key of a type: returns the name space or -1 when not indexed. */
int typ_ns_of(const struct typ_file *tf, typ_id_t id, const char **name, char *canon,
	      size_t canon_len)
{
	const struct btf_type *t = typ_btf_type(tf, id);
	return t == NULL ? -1 : typ_ns_of_type(tf, t, name, canon, canon_len);
}

int typ_ns_of_type(const struct typ_file *tf, const struct btf_type *t, const char **name,
		   char *canon, size_t canon_len)
{
	if (t->name_off == 0)
		return -1;
	*name = typ_str(tf, t->name_off);
	if (**name == '\0')
		return -1;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		if (typ_canon_int(*name, canon, canon_len, NULL, NULL))
			*name = canon;
		return TYP_NS_ORDINARY;
	case BTF_KIND_FLOAT: case BTF_KIND_TYPEDEF:
		return TYP_NS_ORDINARY;
	case BTF_KIND_STRUCT: return TYP_NS_STRUCT;
	case BTF_KIND_UNION: return TYP_NS_UNION;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: return TYP_NS_ENUM;
	case BTF_KIND_FWD: return TYP_NS_FWD;
	case BTF_KIND_FUNC: return TYP_NS_FUNC;
	case BTF_KIND_VAR: return TYP_NS_VAR;
	default: return -1;
	}
}

static int index_oom(struct typ_file *tf, struct typ_err *err)
{
	typ_errf(err, "%s: out of memory for the name index", tf->path);
	return -ENOMEM;
}

/* Largest id a record's fixed part names (scan_types checks it against n). */
#define SEE_REF(r) do { if ((r) > maxref) maxref = (r); } while (0)

/*
 * The one pass over the type section at open.  Per record it reads only
 * the fixed part: the kind gives the record's length (so offs[id] can be
 * filled), the name offset and the ids the fixed part names are bounded
 * (against the largest seen, since forward references are normal), and
 * an indexed name is hashed straight from the string section.  Member
 * lists are not read here (typ_record_ok does that on first use).
 * Returns the entries to index in tmp[0 .. *count-1].
 */
static int scan_types(struct typ_file *tf, const struct btf_parts *bp, const char *where,
		      struct typ_slot *tmp, uint32_t *count, struct typ_err *err)
{
	const uint8_t *p = bp->types, *end = bp->types + bp->type_len;
	const char *strs = bp->strs, *str_end = bp->strs + bp->str_len;
	uint32_t id = 1, maxref = 0, maxname = 0, c = 0;

	while (p < end) {
		const struct btf_type *t = (const struct btf_type *)p;
		size_t left = (size_t)(end - p), size = sizeof(*t);
		int ns = -1;

		if (left < sizeof(*t))
			return invalid(err, tf->path, where, "type id %u: record of %zu bytes "
				       "at the end of the type section", id, left);
		uint16_t vlen = btf_vlen(t);
		switch (btf_kind(t)) {
		case BTF_KIND_INT:
			size += 4;
			ns = TYP_NS_ORDINARY;
			if (left >= size && check_int(tf, id, t, err) < 0)
				return -EINVAL;
			break;
		case BTF_KIND_FLOAT: ns = TYP_NS_ORDINARY; break;
		case BTF_KIND_TYPEDEF: ns = TYP_NS_ORDINARY; SEE_REF(t->type); break;
		case BTF_KIND_FUNC: ns = TYP_NS_FUNC; SEE_REF(t->type); break;
		case BTF_KIND_VAR: size += 4; ns = TYP_NS_VAR; SEE_REF(t->type); break;
		case BTF_KIND_PTR: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
			SEE_REF(t->type);
			break;
		case BTF_KIND_DECL_TAG: size += 4; SEE_REF(t->type); break;
		case BTF_KIND_FWD: ns = TYP_NS_FWD; break;
		case BTF_KIND_ARRAY:
			size += sizeof(struct btf_array);
			if (left >= size) {
				SEE_REF(btf_array(t)->type);
				SEE_REF(btf_array(t)->index_type);
			}
			break;
		case BTF_KIND_STRUCT:
			size += vlen * sizeof(struct btf_member);
			ns = TYP_NS_STRUCT;
			break;
		case BTF_KIND_UNION:
			size += vlen * sizeof(struct btf_member);
			ns = TYP_NS_UNION;
			break;
		case BTF_KIND_ENUM:
			size += vlen * sizeof(struct btf_enum);
			ns = TYP_NS_ENUM;
			break;
		case BTF_KIND_ENUM64:
			size += vlen * sizeof(struct btf_enum64);
			ns = TYP_NS_ENUM;
			break;
		case BTF_KIND_FUNC_PROTO:
			size += vlen * sizeof(struct btf_param);
			SEE_REF(t->type);
			break;
		case BTF_KIND_DATASEC:
			size += vlen * sizeof(struct btf_var_secinfo);
			break;
		default:
			typ_errf(err, "%s: type id %u has unknown BTF kind %u", tf->path, id,
				 btf_kind(t));
			return -EINVAL;
		}
		if (size > left)
			return invalid(err, tf->path, where, "type id %u: a record of %zu bytes runs "
				       "past the end of the type section", id, size);
		tf->offs[id] = (uint32_t)(p - bp->types);
		p += size;
		uint32_t off = t->name_off;
		if (off > maxname)
			maxname = off;
		if (ns >= 0 && off != 0 && off < bp->str_len && strs[off] != '\0') {
			const char *name = strs + off;
			uint32_t h;
			if (ns == TYP_NS_ORDINARY && btf_is_int(t)) {
				char canon[32];
				if (typ_canon_int(name, canon, sizeof(canon), NULL, NULL))
					name = canon;
				h = typ_hash_name(ns, name);
				if ((t->size == 4 || t->size == 8) && strcmp(name, "unsigned long") == 0)
					tf->ptr_size = (uint8_t)t->size;
			} else {
				h = hash_bounded(ns, name, str_end);
			}
			tmp[c].hash = h;
			tmp[c++].id = id;
		}
		id++;
	}
	tf->n = id;
	*count = c;
	if (maxref < id && maxname < bp->str_len)
		return 0;
	/* Something is out of bounds: find the first culprit to name it. */
	for (typ_id_t i = 1; i < tf->n; i++) {
		int rc = check_head(tf, i, typ_btf_type(tf, i), err);
		if (rc < 0)
			return rc;
	}
	return invalid(err, tf->path, where, "a type id or name is out of bounds");
}

/* Group the scanned entries by the top bits of their hash (counting sort). */
static int build_buckets(struct typ_file *tf, const struct typ_slot *tmp, uint32_t count,
			 struct typ_err *err)
{
	struct typ_index *ix = &tf->names;

	ix->bits = 4;
	while (ix->bits < 24 && (1u << ix->bits) < tf->n / 2)
		ix->bits++;
	uint32_t nb = 1u << ix->bits, shift = 32 - ix->bits;
	ix->start = calloc((size_t)nb + 1, sizeof(*ix->start));
	ix->ent = malloc((size_t)(count ? count : 1) * sizeof(*ix->ent));
	if (ix->start == NULL || ix->ent == NULL)
		return index_oom(tf, err);
	for (uint32_t i = 0; i < count; i++)
		ix->start[(tmp[i].hash >> shift) + 1]++;
	for (uint32_t b = 0; b < nb; b++)
		ix->start[b + 1] += ix->start[b];
	/* Scatter backwards from each bucket's end so buckets stay in id order. */
	uint32_t *end = ix->start + 1;
	for (uint32_t i = count; i-- > 0;)
		ix->ent[--end[tmp[i].hash >> shift]] = tmp[i];
	/* start[b + 1] walked down to bucket b's first entry: shift into place. */
	memmove(ix->start, ix->start + 1, (size_t)nb * sizeof(*ix->start));
	ix->start[nb] = count;
	return 0;
}

/* --- open / free ----------------------------------------------------- */

static struct typ_file *new_typ_file(const char *name, struct typ_err *err)
{
	struct typ_file *tf = calloc(1, sizeof(*tf));
	if (tf == NULL || (tf->path = strdup(name)) == NULL) {
		free(tf);
		typ_errf(err, "%s: out of memory", name);
		return NULL;
	}
	tf->ptr_size = 8;
	return tf;
}

/*
 * Check and index the BTF blob data[0 .. size-1], which tf already holds
 * (tf->own or tf->map) for its whole life.  where: "" or "ELF section
 * .BTF at offset 0x..: " for messages.
 */
static int load_blob(struct typ_file *tf, const uint8_t *data, size_t size, const char *where,
		     struct typ_err *err)
{
	struct btf_parts bp = { 0 };
	bool swapped = false;
	int rc;

	if (size < BTF_HDR_MIN) {
		typ_errf(err, "%s: %struncated BTF: %zu bytes, the header alone needs %d",
			 tf->path, where, size, BTF_HDR_MIN);
		return -EINVAL;
	}
	if (size > UINT32_MAX) {
		typ_errf(err, "%s: %sBTF of %zu bytes is too large", tf->path, where, size);
		return -EFBIG;
	}
	if (!btf_magic(data, size, &swapped))
		return invalid(err, tf->path, where, "magic 0x%02x%02x is not 0xeb9f", data[1],
			       data[0]);
	tf->raw = data;
	tf->raw_len = (uint32_t)size;
	rc = swapped ? locate_swapped(tf, data, size, where, &bp, err)
		     : locate_native(data, size, tf->path, where, &bp, err);
	if (rc < 0)
		return rc;
	if (((uintptr_t)bp.types & 3) != 0) {	/* a header of odd length */
		tf->own_types = malloc(bp.type_len ? bp.type_len : 1);
		if (tf->own_types == NULL)
			return index_oom(tf, err);
		memcpy(tf->own_types, bp.types, bp.type_len);
		bp.types = tf->own_types;
	}
	tf->types = bp.types;
	tf->strs = bp.strs;
	tf->str_len = bp.str_len;
	/* Every record is at least 12 bytes: that bounds the id count. */
	size_t most = bp.type_len / sizeof(struct btf_type) + 2;
	tf->offs = malloc(most * sizeof(*tf->offs));
	struct typ_slot *tmp = malloc(most * sizeof(*tmp));
	if (tf->offs == NULL || tmp == NULL) {
		free(tmp);
		return index_oom(tf, err);
	}
	tf->offs[0] = 0;
	uint32_t count = 0;
	rc = scan_types(tf, &bp, where, tmp, &count, err);
	if (rc == 0)
		rc = build_buckets(tf, tmp, count, err);
	free(tmp);
	if (rc == 0 && (tf->rec_state = calloc(tf->n, 1)) == NULL)
		rc = index_oom(tf, err);
	return rc;
}

/*
 * Sniff bytes and load them.  own: data is malloc'd and ours to keep or
 * free; otherwise it is borrowed (a private mapping or the caller's
 * buffer) and whatever tf keeps is copied.  ELF input needs writable data.
 */
static int open_bytes(uint8_t *data, size_t size, bool own, const char *name,
		      struct typ_file **out, struct typ_err *err)
{
	bool swapped;
	int rc;

	*out = NULL;
	if (!btf_magic(data, size, &swapped) && (size < 4 || memcmp(data, "\177ELF", 4) != 0)) {
		typ_errf(err, "%s: not a typefile: expected raw BTF (magic 0xeb9f) or an ELF "
			 "file with a .BTF section (%zu bytes%s)", name, size,
			 size == 0 ? ", empty" : "");
		if (own)
			free(data);
		return -EINVAL;
	}
	struct typ_file *tf = new_typ_file(name, err);
	if (tf == NULL) {
		if (own)
			free(data);
		return -ENOMEM;
	}
	size_t off = 0, len = size;
	char where[96] = "";
	if (size >= 4 && memcmp(data, "\177ELF", 4) == 0) {
		rc = find_elf_btf(data, size, name, &off, &len, err);
		if (rc < 0)
			goto fail;
		snprintf(where, sizeof(where), "ELF section .BTF at offset 0x%llx: ",
			 (unsigned long long)off);
	}
	if (own && off == 0 && len == size) {
		tf->own = data;
		own = false;
	} else {
		tf->own = malloc(len ? len : 1);
		if (tf->own == NULL) {
			typ_errf(err, "%s: out of memory", name);
			rc = -ENOMEM;
			goto fail;
		}
		memcpy(tf->own, data + off, len);
	}
	rc = load_blob(tf, tf->own, len, where, err);
	if (rc < 0)
		goto fail;
	if (own)
		free(data);
	*out = tf;
	return 0;
fail:
	if (own)
		free(data);
	typ_file__free(tf);
	return rc;
}

/* sysfs (/sys/kernel/btf/vmlinux): kernel memory, never truncated under us,
 * and mappable read-only on current kernels; keep the mapping. */
static int open_sysfs_mapped(int fd, size_t size, const char *path, struct typ_file **out,
			     struct typ_err *err)
{
	struct statfs sfs;
	bool swapped;

	if (fstatfs(fd, &sfs) != 0 || sfs.f_type != TYP_SYSFS_MAGIC)
		return 1;
	void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return 1;
	if (!btf_magic(map, size, &swapped)) {
		munmap(map, size);
		return 1;
	}
	struct typ_file *tf = new_typ_file(path, err);
	if (tf == NULL) {
		munmap(map, size);
		return -ENOMEM;
	}
	tf->map = map;
	tf->map_len = size;
	int rc = load_blob(tf, map, size, "", err);
	if (rc < 0) {
		typ_file__free(tf);
		return rc;
	}
	*out = tf;
	return 0;
}

/*
 * sysfs files are mapped and the mapping kept.  A regular ELF file is
 * mapped privately (libelf may scribble on its view) and only its .BTF is
 * copied: a kernel image of hundreds of MB costs its headers and .BTF.
 * Anything else (raw BTF files, pipes) is read whole into memory the
 * typefile keeps, so a file replaced later cannot fault the process.
 */
int typ_file__open(const char *path, struct typ_file **out, struct typ_err *err)
{
	uint8_t *data = NULL, head[4];
	size_t size = 0;
	struct stat st;

	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		typ_errf(err, "%s: cannot open: %s", path, strerror(e));
		return -e;
	}
	bool sized = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
		     (uint64_t)st.st_size <= SIZE_MAX;
	if (sized) {
		int rc = open_sysfs_mapped(fd, (size_t)st.st_size, path, out, err);
		if (rc <= 0) {
			close(fd);
			return rc;
		}
	}
	if (sized && pread(fd, head, 4, 0) == 4 && memcmp(head, "\177ELF", 4) == 0) {
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE,
				 fd, 0);
		if (map != MAP_FAILED) {
			close(fd);
			int rc = open_bytes(map, (size_t)st.st_size, false, path, out, err);
			munmap(map, (size_t)st.st_size);
			return rc;
		}
	}
	int rc = read_whole(fd, path, &data, &size, err);
	close(fd);
	if (rc < 0)
		return rc;
	return open_bytes(data, size, true, path, out, err);
}

int typ_file__open_mem(const void *data, size_t size, const char *name,
		       struct typ_file **out, struct typ_err *err)
{
	*out = NULL;
	if (size < 4 || memcmp(data, "\177ELF", 4) != 0)	/* only read, then copied */
		return open_bytes((uint8_t *)(uintptr_t)data, size, false, name, out, err);
	/* libelf wants a writable image; it is only read here. */
	uint8_t *copy = malloc(size);
	if (copy == NULL) {
		typ_errf(err, "%s: out of memory", name);
		return -ENOMEM;
	}
	memcpy(copy, data, size);
	return open_bytes(copy, size, true, name, out, err);
}

void typ_file__free(struct typ_file *tf)
{
	if (tf == NULL)
		return;
	btf__free(tf->btf);
	if (tf->map != NULL)
		munmap(tf->map, tf->map_len);
	free(tf->own);
	free(tf->own_types);
	free(tf->offs);
	free(tf->rec_state);
	free(tf->names.start);
	free(tf->names.ent);
	free(tf->derived.slots);
	free(tf->syn);
	free(tf->path);
	free(tf);
}

const char *typ_file__path(const struct typ_file *tf) { return tf->path; }
uint32_t typ_file__type_count(const struct typ_file *tf) { return tf->n; }

/* Built on first use: most users never ask, and libbpf copies the blob.
 * The cache is the one field a const accessor fills (tf is never const
 * storage: typ_file__open allocates it). */
const struct btf *typ_file__btf(const struct typ_file *tf)
{
	struct typ_file *cache = (struct typ_file *)(uintptr_t)tf;
	int e;

	if (cache->btf == NULL)
		cache->btf = quiet_btf_new(tf->raw, tf->raw_len, &e);
	return tf->btf;
}

/* --- single types ---------------------------------------------------- */

static enum typ_kind kind_from_btf(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_INT: return TYP_INT;
	case BTF_KIND_FLOAT: return TYP_FLOAT;
	case BTF_KIND_PTR: return TYP_PTR;
	case BTF_KIND_ARRAY: return TYP_ARRAY;
	case BTF_KIND_STRUCT: return TYP_STRUCT;
	case BTF_KIND_UNION: return TYP_UNION;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: return TYP_ENUM;
	case BTF_KIND_FWD: return TYP_FWD;
	case BTF_KIND_TYPEDEF: return TYP_TYPEDEF;
	case BTF_KIND_CONST: return TYP_CONST;
	case BTF_KIND_VOLATILE: return TYP_VOLATILE;
	case BTF_KIND_RESTRICT: return TYP_RESTRICT;
	case BTF_KIND_FUNC: return TYP_FUNC;
	case BTF_KIND_FUNC_PROTO: return TYP_FUNC_PROTO;
	case BTF_KIND_VAR: return TYP_VAR;
	default: return TYP_OTHER;
	}
}

enum typ_kind typ_kind_of(const struct typ_file *tf, typ_id_t id)
{
	if (id == 0)
		return TYP_VOID;
	if (id >= tf->n)
		return id - tf->n < tf->nsyn ? tf->syn[id - tf->n].kind : TYP_VOID;
	return kind_from_btf(typ_btf_type(tf, id));
}

static int syn_info(const struct typ_file *tf, typ_id_t id, struct typ_info *out)
{
	const struct typ_syn *s = &tf->syn[id - tf->n];

	out->kind = s->kind;
	out->is_synthetic = true;
	out->ref = s->ref;
	out->nelems = s->nelems;
	if (s->kind == TYP_INT) {
		out->name = s->name;
		out->size = s->size;
		out->int_bits = (uint16_t)(s->size * 8);
		out->is_signed = s->is_signed;
		out->is_char = strstr(s->name, "char") != NULL;
		out->is_bool = strcmp(s->name, "_Bool") == 0;
	}
	return 0;
}

/*
 * Producers that predate the kind_flag sign bit (gcc 12, older pahole) leave
 * it clear for every enum and store 32-bit values as C ints; a C enum with a
 * negative enumerator is signed, so such a value means signed.
 */
static bool enum32_has_negative(const struct btf_type *t)
{
	if (!btf_is_enum(t))
		return false;
	for (uint16_t i = 0; i < btf_vlen(t); i++)
		if (btf_enum(t)[i].val < 0)
			return true;
	return false;
}

int typ_file__info(const struct typ_file *tf, typ_id_t id, struct typ_info *out)
{
	memset(out, 0, sizeof(*out));
	out->name = "";
	if (!typ_valid_id(tf, id))
		return -ENOENT;
	if (id == 0)
		return 0;
	if (id >= tf->n)
		return syn_info(tf, id, out);
	const struct btf_type *t = typ_btf_type(tf, id);
	out->kind = kind_from_btf(t);
	out->name = typ_str(tf, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		uint8_t enc = btf_int_encoding(t);
		out->size = t->size;
		out->int_bits = btf_int_bits(t);
		out->int_bit_offset = btf_int_offset(t);
		out->is_signed = (enc & BTF_INT_SIGNED) != 0;
		out->is_bool = (enc & BTF_INT_BOOL) != 0 || strcmp(out->name, "_Bool") == 0;
		out->is_char = (enc & BTF_INT_CHAR) != 0 || (t->size == 1 && strstr(out->name, "char"));
		break;
	}
	case BTF_KIND_FLOAT: case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		out->size = t->size;
		out->vlen = btf_vlen(t);
		break;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		out->size = t->size;
		out->vlen = btf_vlen(t);
		out->is_signed = btf_kflag(t) || enum32_has_negative(t);
		break;
	case BTF_KIND_ARRAY:
		out->ref = btf_array(t)->type;
		out->nelems = btf_array(t)->nelems;
		break;
	case BTF_KIND_FWD:
		out->fwd_is_union = btf_kflag(t);
		break;
	case BTF_KIND_FUNC_PROTO: case BTF_KIND_DATASEC:
		out->ref = btf_kind(t) == BTF_KIND_FUNC_PROTO ? t->type : 0;
		out->vlen = btf_vlen(t);
		break;
	default:
		out->ref = t->type;
		break;
	}
	return 0;
}

int typ_file__member(const struct typ_file *tf, typ_id_t id, uint32_t i, struct typ_member *out)
{
	const struct btf_type *t = typ_btf_type(tf, id);
	if (t == NULL || !btf_is_composite(t))
		return -EINVAL;
	if (i >= btf_vlen(t))
		return -ENOENT;
	if (!typ_record_ok(tf, id))
		return -EBADMSG;
	const struct btf_member *m = btf_members(t) + i;
	out->name = typ_str(tf, m->name_off);
	out->type = m->type;
	out->bit_offset = btf_member_bit_offset(t, i);
	out->bitfield_size = btf_member_bitfield_size(t, i);
	if (out->bitfield_size == 0 && !btf_kflag(t)) {
		/* Old encoding: the width lives in the member's int type. */
		int64_t r = typ_file__resolve(tf, m->type);
		const struct btf_type *it = r > 0 ? typ_btf_type(tf, (typ_id_t)r) : NULL;
		if (it && btf_is_int(it) &&
		    (btf_int_bits(it) != it->size * 8 || btf_int_offset(it) != 0)) {
			out->bitfield_size = btf_int_bits(it);
			out->bit_offset += btf_int_offset(it);
		}
	}
	return 0;
}

int typ_file__enumerator(const struct typ_file *tf, typ_id_t id, uint32_t i,
			 struct typ_enumerator *out)
{
	const struct btf_type *t = typ_btf_type(tf, id);
	if (t == NULL || !btf_is_any_enum(t))
		return -EINVAL;
	if (i >= btf_vlen(t))
		return -ENOENT;
	if (!typ_record_ok(tf, id))
		return -EBADMSG;
	if (btf_is_enum(t)) {
		out->name = typ_str(tf, btf_enum(t)[i].name_off);
		int32_t v = btf_enum(t)[i].val;
		out->value = (btf_kflag(t) || enum32_has_negative(t)) ? (int64_t)v
								      : (int64_t)(uint32_t)v;
	} else {
		out->name = typ_str(tf, btf_enum64(t)[i].name_off);
		out->value = (int64_t)btf_enum64_value(&btf_enum64(t)[i]);
	}
	return 0;
}

int typ_file__param(const struct typ_file *tf, typ_id_t id, uint32_t i, struct typ_param *out)
{
	const struct btf_type *t = typ_btf_type(tf, id);
	if (t == NULL || !btf_is_func_proto(t))
		return -EINVAL;
	if (i >= btf_vlen(t))
		return -ENOENT;
	if (!typ_record_ok(tf, id))
		return -EBADMSG;
	out->name = typ_str(tf, btf_params(t)[i].name_off);
	out->type = btf_params(t)[i].type;
	return 0;
}

static bool is_alias(enum typ_kind k)
{
	return k == TYP_TYPEDEF || k == TYP_CONST || k == TYP_VOLATILE || k == TYP_RESTRICT;
}

/* The next id an alias (typedef, qualifier, type tag) stands for, or 0. */
static bool alias_target(const struct typ_file *tf, typ_id_t id, typ_id_t *next)
{
	if (id >= tf->n) {
		const struct typ_syn *s = &tf->syn[id - tf->n];
		*next = s->ref;
		return is_alias(s->kind);
	}
	const struct btf_type *t = typ_btf_type(tf, id);
	*next = t->type;
	return id != 0 && (btf_is_mod(t) || btf_is_typedef(t));
}

int64_t typ_file__resolve(const struct typ_file *tf, typ_id_t id)
{
	typ_id_t next;

	if (!typ_valid_id(tf, id))
		return -ENOENT;
	for (int depth = 0; depth < TYP_MAX_DEPTH; depth++) {
		if (!alias_target(tf, id, &next))
			return id;
		id = next;
	}
	return -ELOOP;
}

static int64_t size_of(const struct typ_file *tf, typ_id_t id, int depth)
{
	if (depth > TYP_MAX_DEPTH)
		return -ELOOP;
	int64_t r = typ_file__resolve(tf, id);
	if (r < 0)
		return r;
	id = (typ_id_t)r;
	struct typ_info ti;
	typ_file__info(tf, id, &ti);
	switch (ti.kind) {
	case TYP_INT: case TYP_FLOAT: case TYP_STRUCT: case TYP_UNION: case TYP_ENUM:
		return (int64_t)ti.size;
	case TYP_PTR:
		return tf->ptr_size;
	case TYP_ARRAY: {
		int64_t es = size_of(tf, ti.ref, depth + 1);
		if (es < 0)
			return es;
		if (es != 0 && (uint64_t)ti.nelems > (uint64_t)INT64_MAX / (uint64_t)es)
			return -EOVERFLOW;
		return es * ti.nelems;
	}
	case TYP_VAR:
		return size_of(tf, ti.ref, depth + 1);
	case TYP_OTHER: {
		const struct btf_type *t = typ_btf_type(tf, id);
		if (t && btf_is_type_tag(t))
			return size_of(tf, t->type, depth + 1);
		if (t && btf_is_datasec(t))
			return t->size;
		return -EINVAL;
	}
	default:
		return -EINVAL;	/* void, forward declaration, function */
	}
}

int64_t typ_file__size(const struct typ_file *tf, typ_id_t id)
{
	return size_of(tf, id, 0);
}

static int64_t align_of(const struct typ_file *tf, typ_id_t id, int depth, int *steps);

static int64_t composite_align(const struct typ_file *tf, typ_id_t id, uint64_t size, int depth,
			       int *steps)
{
	int64_t align = 1;
	struct typ_member m;
	if (!typ_record_ok(tf, id))
		return -EBADMSG;
	for (uint32_t i = 0; typ_file__member(tf, id, i, &m) == 0; i++) {
		int64_t a = align_of(tf, m.type, depth + 1, steps);
		if (a < 0)
			return a;
		if (a > align)
			align = a;
		/* A misplaced member means the struct is packed. */
		if (m.bitfield_size == 0 && m.bit_offset % (8 * (uint64_t)a) != 0)
			return 1;
	}
	return size % (uint64_t)align != 0 ? 1 : align;
}

static int64_t align_of(const struct typ_file *tf, typ_id_t id, int depth, int *steps)
{
	if (depth > TYP_MAX_DEPTH || --*steps < 0)
		return -ELOOP;
	int64_t r = typ_file__resolve(tf, id);
	if (r < 0)
		return r;
	struct typ_info ti;
	typ_file__info(tf, (typ_id_t)r, &ti);
	switch (ti.kind) {
	case TYP_INT: case TYP_FLOAT: case TYP_ENUM: {
		int64_t a = 1;
		while (a < 16 && ti.size % (uint64_t)(a * 2) == 0)
			a *= 2;
		return a;
	}
	case TYP_PTR:
		return tf->ptr_size;
	case TYP_ARRAY:
		return align_of(tf, ti.ref, depth + 1, steps);
	case TYP_STRUCT: case TYP_UNION:
		return composite_align(tf, (typ_id_t)r, ti.size, depth, steps);
	default:
		return -EINVAL;
	}
}

int64_t typ_file__align(const struct typ_file *tf, typ_id_t id)
{
	int steps = TYP_MAX_STEPS;
	return align_of(tf, id, 0, &steps);
}

static void set_load(struct typ_load *out, uint64_t size, bool is_signed)
{
	static const enum typ_load_kind by_size[2][9] = {
		{ [1] = TYP_LOAD_U8, [2] = TYP_LOAD_U16, [4] = TYP_LOAD_U32, [8] = TYP_LOAD_U64 },
		{ [1] = TYP_LOAD_S8, [2] = TYP_LOAD_S16, [4] = TYP_LOAD_S32, [8] = TYP_LOAD_S64 },
	};
	if (size > 8 || by_size[0][size] == TYP_LOAD_NONE) {
		out->kind = TYP_LOAD_BYREF;
		return;
	}
	out->kind = by_size[is_signed][size];
	out->size = (uint8_t)size;
	out->is_signed = is_signed;
}

int typ_file__load_kind(const struct typ_file *tf, typ_id_t id, struct typ_load *out)
{
	memset(out, 0, sizeof(*out));
	int64_t r = typ_file__resolve(tf, id);
	if (r < 0)
		return (int)r;
	struct typ_info ti;
	typ_file__info(tf, (typ_id_t)r, &ti);
	switch (ti.kind) {
	case TYP_INT: case TYP_ENUM:
		set_load(out, ti.size, ti.is_signed && !ti.is_bool);
		return 0;
	case TYP_FLOAT:
		set_load(out, ti.size, false);
		return 0;
	case TYP_PTR:
		set_load(out, tf->ptr_size, false);
		return 0;
	case TYP_ARRAY: case TYP_STRUCT: case TYP_UNION:
		out->kind = TYP_LOAD_BYREF;
		return 0;
	default:
		return 0;	/* TYP_LOAD_NONE: no value to load */
	}
}

/* --- C spelling ------------------------------------------------------ */

struct sbuf {
	char *p;
	size_t len, cap;
	bool overflow;
	int *steps;	/* shared budget, see TYP_MAX_STEPS */
};

static void sb_puts(struct sbuf *sb, const char *s)
{
	size_t n = strlen(s);
	if (sb->len + n >= sb->cap) {
		sb->overflow = true;
		n = sb->cap - 1 - sb->len;
	}
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

static int spell(const struct typ_file *tf, typ_id_t id, const char *inner, struct sbuf *sb,
		 int depth);

static const char *base_word(enum typ_kind k)
{
	switch (k) {
	case TYP_STRUCT: return "struct ";
	case TYP_UNION: return "union ";
	case TYP_ENUM: return "enum ";
	default: return "";
	}
}

static int spell_params(const struct typ_file *tf, typ_id_t id, struct sbuf *sb, int depth)
{
	struct typ_param p;
	uint32_t i;

	sb_puts(sb, "(");
	for (i = 0; typ_file__param(tf, id, i, &p) == 0; i++) {
		if (i > 0)
			sb_puts(sb, ", ");
		if (p.type == 0 && p.name[0] == '\0') {
			sb_puts(sb, "...");
			continue;
		}
		int rc = spell(tf, p.type, "", sb, depth + 1);
		if (rc < 0)
			return rc;
	}
	sb_puts(sb, i == 0 ? "void)" : ")");
	return 0;
}

/* True when snprintf's result did not fit tmp. */
#define FIT(n) ((size_t)(n) >= sizeof(tmp))

/* C declarator inside-out: spell(T, inner) writes "T inner" with T's
 * derivations folded into inner ("*", "[16]", "(*)(int)"). */
static int spell(const struct typ_file *tf, typ_id_t id, const char *inner, struct sbuf *sb,
		 int depth)
{
	char tmp[512];
	struct typ_info ti;

	if (depth > TYP_MAX_DEPTH || --*sb->steps < 0)
		return -ELOOP;
	if (typ_file__info(tf, id, &ti) < 0)
		return -ENOENT;
	enum typ_kind rk = ti.ref ? typ_kind_of(tf, ti.ref) : TYP_VOID;
	switch (ti.kind) {
	case TYP_PTR:
		if (FIT(snprintf(tmp, sizeof(tmp),
				 (rk == TYP_ARRAY || rk == TYP_FUNC_PROTO) ? "(*%s)" : "*%s", inner)))
			return -ENOSPC;
		return spell(tf, ti.ref, tmp, sb, depth + 1);
	case TYP_ARRAY:
		if (FIT(snprintf(tmp, sizeof(tmp), "%s[%u]", inner, ti.nelems)))
			return -ENOSPC;
		return spell(tf, ti.ref, tmp, sb, depth + 1);
	case TYP_FUNC_PROTO: {
		char pbuf[400];
		struct sbuf ps = { pbuf, 0, sizeof(pbuf), false, sb->steps };
		pbuf[0] = '\0';
		int rc = spell_params(tf, id, &ps, depth);
		if (rc < 0)
			return rc;
		if (ps.overflow || FIT(snprintf(tmp, sizeof(tmp), "%s%s", inner, pbuf)))
			return -ENOSPC;
		return spell(tf, ti.ref, tmp, sb, depth + 1);
	}
	case TYP_FUNC: case TYP_VAR:
		if (FIT(snprintf(tmp, sizeof(tmp), "%s", ti.name)))
			return -ENOSPC;
		return spell(tf, ti.ref, tmp, sb, depth + 1);
	case TYP_CONST: case TYP_VOLATILE: case TYP_RESTRICT: {
		const char *q = ti.kind == TYP_CONST ? "const" :
				ti.kind == TYP_VOLATILE ? "volatile" : "restrict";
		if (rk == TYP_PTR) {
			if (FIT(snprintf(tmp, sizeof(tmp), "%s%s%s", q, inner[0] ? " " : "", inner)))
				return -ENOSPC;
			return spell(tf, ti.ref, tmp, sb, depth + 1);
		}
		sb_puts(sb, q);
		sb_puts(sb, " ");
		return spell(tf, ti.ref, inner, sb, depth + 1);
	}
	case TYP_OTHER: {
		const struct btf_type *t = typ_btf_type(tf, id);
		if (t && btf_is_type_tag(t))
			return spell(tf, t->type, inner, sb, depth + 1);
		sb_puts(sb, "<datasec>");
		break;
	}
	case TYP_VOID:
		sb_puts(sb, "void");
		break;
	case TYP_FWD:
		sb_puts(sb, ti.fwd_is_union ? "union " : "struct ");
		sb_puts(sb, ti.name);
		break;
	case TYP_INT: {
		char canon[32];
		sb_puts(sb, typ_canon_int(ti.name, canon, sizeof(canon), NULL, NULL) ? canon : ti.name);
		break;
	}
	default:
		sb_puts(sb, base_word(ti.kind));
		sb_puts(sb, ti.name[0] ? ti.name : "(anon)");
		break;
	}
	if (inner[0]) {
		sb_puts(sb, " ");
		sb_puts(sb, inner);
	}
	return 0;
}

int typ_file__to_string(const struct typ_file *tf, typ_id_t id, char *buf, size_t len)
{
	if (len == 0)
		return -ENOSPC;
	int steps = TYP_MAX_STEPS;
	struct sbuf sb = { buf, 0, len, false, &steps };
	buf[0] = '\0';
	int rc = spell(tf, id, "", &sb, 0);
	if (rc < 0)
		return rc;
	return sb.overflow ? -ENOSPC : 0;
}

/* --- name index queries ---------------------------------------------- */

int typ_file__find(const struct typ_file *tf, enum typ_ns ns, const char *name,
		   typ_id_t *ids, int cap)
{
	uint32_t h = typ_hash_name(ns, name);
	uint32_t b = h >> (32 - tf->names.bits);
	int count = 0;

	for (uint32_t i = tf->names.start[b]; i < tf->names.start[b + 1]; i++) {
		if (tf->names.ent[i].hash != h)
			continue;
		const char *n;
		char canon[32];
		typ_id_t id = tf->names.ent[i].id;
		if (typ_ns_of(tf, id, &n, canon, sizeof(canon)) != (int)ns || strcmp(n, name) != 0)
			continue;
		if (count < cap)
			ids[count] = id;
		count++;
	}
	return count;
}
