/*
 * dobj.h — the in-memory model of a HyperTrace D program object, and the
 * API that reads and writes it as ELF (docs/object-format.md).
 *
 * Theory.  One `struct dobj` is one D program: relocatable (ET_REL, the
 * output of dtc and the assembler) or linked (ET_EXEC, the output of dld).
 * It is a set of flat arrays that refer to each other by index, and to one
 * de-duplicated string table by byte offset (offset 0 is always "").  Flat
 * arrays make the ELF encoding a direct mapping, make bounds checks on read
 * a matter of comparing indexes with counts, and let later stages (linker,
 * typer, runtime loader) walk a program without pointer chasing.
 *
 *   clauses[i]  --probe_first/count-->  probes[]
 *               --pred-->               difos[]   (-1: no predicate)
 *               --action_first/count--> actions[] --difo--> difos[]
 *                                                 --format--> formats[]
 *   difos[i]    owns its text, int table, DIF string table, variable table,
 *               relocations (relocatable objects only) and line table.
 *   symbols[]   what links across objects: globals, thread-locals and
 *               aggregations by name, with their D type as text.
 *
 * Ownership: the object owns every array and string; `dobj__free` releases
 * all of it.  Arrays are grown with dobj__push-style helpers.  Everything a
 * reader returns has been bounds-checked: every index is < its count, every
 * string offset is inside the string table and NUL-terminated, every
 * relocation names a pseudo-instruction, every DIFO table is consistent.
 *
 * Errors: functions return 0 or -errno.  Readers fill a `struct dobj_err`
 * naming the ELF section and byte offset at fault.
 */
#ifndef HT_DOBJ_H
#define HT_DOBJ_H

#include <stddef.h>
#include <stdint.h>

#include "dif/dif.h"
#include "dif/dif_reloc.h"

#define DOBJ_FORMAT_VERSION	3	/* what the writer stamps */
/*
 * The oldest version the reader still accepts.  Version 2 only added
 * relocation kind STORE and the root flags SYMBOL/ARG/BUILTIN, version 3
 * kind TYPE_EXISTS and the flag GUARDED, so every older byte string means
 * the same under today's rules; writing such an object again stamps the
 * current version (docs/object-format.md §10).
 */
#define DOBJ_FORMAT_VERSION_MIN	1
#define DOBJ_IDENT_LEN		32	/* SHA-256 */

enum dobj_kind {
	DOBJ_RELOCATABLE = 1,	/* ET_REL: may hold pseudo-instructions */
	DOBJ_LINKED = 2		/* ET_EXEC: resolved against one target */
};

/* A source position; file is a string-table offset (0 = unknown). */
struct dobj_srcpos {
	uint32_t	file;
	uint32_t	line;	/* 1-based; 0 = unknown */
	uint32_t	col;	/* 1-based; 0 = unknown */
};

/* A probe description [target:]provider:module:function:name (globs). */
struct dobj_probe {
	uint32_t		target;
	uint32_t		provider;
	uint32_t		module;
	uint32_t		function;
	uint32_t		name;
	struct dobj_srcpos	pos;
};

/* Line table entry: instructions from pc up to the next entry's pc. */
struct dobj_line {
	uint32_t		pc;
	struct dobj_srcpos	pos;
};

/*
 * A DIF object.  DIF string-table offsets (sets, dtdv_name) index `strtab`;
 * relocation names (dtr_type, dtr_member) index the *object* string table.
 */
struct dobj_difo {
	dif_instr_t		*text;
	uint32_t		len;
	uint64_t		*inttab;
	uint32_t		intlen;
	char			*strtab;
	uint32_t		strlen;
	struct dif_var		*vartab;
	uint32_t		varlen;
	struct dif_reloc	*reltab;
	uint32_t		rellen;
	struct dobj_line	*lines;
	uint32_t		nlines;
	struct dif_type		rtype;
	uint32_t		flags;		/* DOBJ_DIFO_F_* */
};
#define DOBJ_DIFO_F_DESTRUCTIVE	0x1

/* An action descriptor (dtrace_actdesc_t without pointers). */
struct dobj_action {
	uint16_t		kind;		/* enum dif_action */
	uint16_t		flags;
	uint32_t		ntuple;		/* aggregations: 1 + keys (+1 incr) */
	uint64_t		arg;		/* frames, encodings, libact id, ... */
	int32_t			difo;		/* index into difos, -1 = none */
	int32_t			format;		/* index into formats, -1 = none */
	uint32_t		str;		/* strtab: extra string (print type), 0 = none */
	struct dobj_srcpos	pos;
};

/* A clause: probes, optional predicate, actions. */
struct dobj_clause {
	uint32_t		probe_first;
	uint32_t		probe_count;
	int32_t			pred;		/* index into difos, -1 = none */
	uint32_t		action_first;
	uint32_t		action_count;
	struct dobj_srcpos	pos;
};

/* A printf-like format (printf, printa, system, freopen). */
struct dobj_format {
	uint32_t		str;		/* the format string */
	uint16_t		kind;		/* action kind that uses it */
	uint16_t		pad;
};

/* An aggregation. */
struct dobj_agg {
	uint32_t		name;		/* without the '@'; "_" for bare @ */
	uint32_t		id;		/* aggregation variable id */
	uint16_t		func;		/* DIF_ACT_COUNT .. DIF_ACT_LLQUANTIZE */
	uint16_t		nkeys;
	uint64_t		arg;		/* lquantize/llquantize encoding */
	uint32_t		keytypes;	/* strtab: D key types "int,string", 0 = none */
	uint32_t		valtype;	/* strtab: D type of the value expression */
};

/* #pragma D option / -x: name and value (value 0 = no value). */
struct dobj_option {
	uint32_t		name;
	uint32_t		value;
};

/* A symbol: a variable or aggregation that links across objects. */
enum dobj_sym_kind {
	DOBJ_SYM_GLOBAL = 1,	/* global scalar or associative array */
	DOBJ_SYM_THREAD = 2,	/* self-> */
	DOBJ_SYM_AGG = 3	/* @name */
};
struct dobj_symbol {
	uint32_t		name;
	uint16_t		kind;		/* enum dobj_sym_kind */
	uint16_t		varkind;	/* DIFV_KIND_SCALAR or DIFV_KIND_ARRAY */
	uint32_t		id;		/* variable id (>= DIF_VAR_OTHER_UBASE) or agg id */
	uint32_t		ctype;		/* strtab: D type text, e.g. "uint64_t" */
	uint32_t		keytypes;	/* strtab: key types of arrays, 0 = scalar */
	struct dif_type		type;
};

/* Key/value metadata (resolver decisions, reference typefile, ...). */
struct dobj_meta {
	uint32_t		key;
	uint32_t		value;
};

struct dobj {
	enum dobj_kind		kind;
	uint8_t			ident[DOBJ_IDENT_LEN];	/* content hash, set by write/read */
	uint8_t			(*srcidents)[DOBJ_IDENT_LEN];	/* inputs this was made from */
	uint32_t		nsrcidents;

	char			*strtab;	/* object string table; [0] == '\0' */
	uint32_t		strlen;

	struct dobj_probe	*probes;	uint32_t nprobes;
	struct dobj_clause	*clauses;	uint32_t nclauses;
	struct dobj_action	*actions;	uint32_t nactions;
	struct dobj_difo	*difos;		uint32_t ndifos;
	struct dobj_format	*formats;	uint32_t nformats;
	struct dobj_agg		*aggs;		uint32_t naggs;
	struct dobj_option	*options;	uint32_t noptions;
	struct dobj_symbol	*symbols;	uint32_t nsymbols;
	struct dobj_meta	*meta;		uint32_t nmeta;

	void			*priv;		/* implementation state (string index) */
};

/* A reader's complaint: which section, at which byte offset, and why. */
struct dobj_err {
	char		section[64];
	uint64_t	offset;
	char		msg[256];
};

/*
 * Format an error the way every tool prints it:
 *   "section .ht.clauses, offset 0x2d8: predicate difo index 9 out of range (4)"
 * Returns what snprintf returns.
 */
int dobj_err__format(const struct dobj_err *err, char *buf, size_t size);

struct dobj *dobj__new(enum dobj_kind kind);
void dobj__free(struct dobj *obj);

/* Intern a string into the object string table; returns its offset. */
uint32_t dobj__intern(struct dobj *obj, const char *s);
/* The string at an offset (the reader guarantees validity); "" if out of range. */
const char *dobj__str(const struct dobj *obj, uint32_t off);

/*
 * Append one zeroed element and return its index, or -ENOMEM.  The element
 * is then filled in place, e.g. obj->clauses[i].pred = -1.
 */
int dobj__add_probe(struct dobj *obj);
int dobj__add_clause(struct dobj *obj);
int dobj__add_action(struct dobj *obj);
int dobj__add_difo(struct dobj *obj);
int dobj__add_format(struct dobj *obj);
int dobj__add_agg(struct dobj *obj);
int dobj__add_option(struct dobj *obj);
int dobj__add_symbol(struct dobj *obj);
int dobj__add_meta(struct dobj *obj);
int dobj__add_srcident(struct dobj *obj, const uint8_t ident[DOBJ_IDENT_LEN]);

/* DIFO tables: copy the arrays in (the DIFO owns its copies). */
int dobj_difo__set_text(struct dobj_difo *d, const dif_instr_t *text, uint32_t len);
int dobj_difo__set_inttab(struct dobj_difo *d, const uint64_t *ints, uint32_t n);
int dobj_difo__set_strtab(struct dobj_difo *d, const char *s, uint32_t len);
int dobj_difo__set_vartab(struct dobj_difo *d, const struct dif_var *v, uint32_t n);
int dobj_difo__set_reltab(struct dobj_difo *d, const struct dif_reloc *r, uint32_t n);
int dobj_difo__set_lines(struct dobj_difo *d, const struct dobj_line *l, uint32_t n);

/* A borrowed view of a DIFO for the validator, VM and typer. */
void dobj_difo__view(const struct dobj_difo *d, struct dif_difo *out);

/*
 * Check every cross-reference of an in-memory object (what the reader also
 * checks); 0 or -EINVAL with *err filled.  Writers call it first.
 */
int dobj__check(const struct dobj *obj, struct dobj_err *err);

/* Compute obj->ident from the object's content (deterministic). */
int dobj__compute_ident(struct dobj *obj);

/* Serialise as ELF: deterministic bytes; *buf is malloc'd. */
int dobj__write_mem(struct dobj *obj, void **buf, size_t *len);
/* Serialise to a file atomically (temp file + fsync + rename). */
int dobj__write_file(struct dobj *obj, const char *path);

/* Parse and bounds-check an ELF object. */
int dobj__read_mem(const void *buf, size_t len, struct dobj **out, struct dobj_err *err);
int dobj__read_file(const char *path, struct dobj **out, struct dobj_err *err);

/*
 * Read with options.  DOBJ_READ_NO_IDENT skips only the final integrity
 * check (ident == SHA-256 of the file); every structural check still runs.
 * For inspecting damaged files and for fuzzing past the hash.
 */
#define DOBJ_READ_NO_IDENT	0x1u
int dobj__read_mem_flags(const void *buf, size_t len, unsigned flags,
    struct dobj **out, struct dobj_err *err);

#endif /* HT_DOBJ_H */
