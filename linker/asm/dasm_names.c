/*
 * dasm_names.c — the names of the assembly language, indexed from the
 * X-macro tables of include/dif/dif.h and dif_reloc.h.
 *
 * Theory.  The assembler looks names up (mnemonic -> opcode, "strjoin" ->
 * subroutine 23, "quantize" -> action 0x707); the disassembler goes the
 * other way.  Both directions read the same rows, so the two can never
 * disagree.  Tables are small (< 100 rows): linear search is fast enough
 * and needs no initialisation, which keeps the library reentrant.
 *
 * Also here: the few printing helpers both printers use (strings with
 * escapes, DIF types, identifiers).  Read dasm_asm.c next for the grammar.
 */
#include <ctype.h>
#include <string.h>

#include "dasm_impl.h"

static const struct dasm_op ops[] = {
#define OP_ROW_(num, nm, mn, form, sem) { num, form, mn },
	DIF_OPCODES(OP_ROW_)
#undef OP_ROW_
};

const struct dasm_op *dasm_op_by_num(unsigned num)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].num == num)
			return &ops[i];
	return NULL;
}

const struct dasm_op *dasm_op_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, name) == 0)
			return &ops[i];
	return NULL;
}

struct name_row {
	long		value;
	const char	*name;
};

static const struct name_row vars[] = {
#define ROW_(id, nm, dn) { id, dn },
	DIF_BUILTIN_VARS(ROW_)
	{ -1, NULL }
};
static const struct name_row subrs[] = {
	DIF_SUBRS(ROW_)
	{ -1, NULL }
};
static const struct name_row actions[] = {
	DIF_ACTIONS(ROW_)
	{ -1, NULL }
};
#undef ROW_
static const struct name_row libacts[] = {
#define LIBACT_ROW_(n, nm, s) { DIF_LIBACT_BASE + n, s },
	DIF_LIBACTS(LIBACT_ROW_)
#undef LIBACT_ROW_
	{ -1, NULL }
};
static const struct name_row relocs[] = {
	{ DIF_RELOC_NONE, "none" },
	{ DIF_RELOC_MEMBER_OFFSET, "member_offset" },
	{ DIF_RELOC_TYPE_SIZE, "type_size" },
	{ DIF_RELOC_MEMBER_SIZE, "member_size" },
	{ DIF_RELOC_LOAD, "load" },
	{ DIF_RELOC_ULOAD, "uload" },
	{ DIF_RELOC_CAST, "cast" },
	{ DIF_RELOC_STORE, "store" },
	{ DIF_RELOC_TYPE_EXISTS, "type_exists" },
	{ -1, NULL }
};
static const struct name_row ckinds[] = {
	{ DIF_CTF_K_UNKNOWN, "unknown" },
	{ DIF_CTF_K_INTEGER, "integer" },
	{ DIF_CTF_K_FLOAT, "float" },
	{ DIF_CTF_K_POINTER, "pointer" },
	{ DIF_CTF_K_ARRAY, "array" },
	{ DIF_CTF_K_FUNCTION, "function" },
	{ DIF_CTF_K_STRUCT, "struct" },
	{ DIF_CTF_K_UNION, "union" },
	{ DIF_CTF_K_ENUM, "enum" },
	{ DIF_CTF_K_FORWARD, "forward" },
	{ DIF_CTF_K_TYPEDEF, "typedef" },
	{ -1, NULL }
};
static const struct name_row tkinds[] = {
	{ DIF_TYPE_CTF, "ctf" },
	{ DIF_TYPE_STRING, "string" },
	{ -1, NULL }
};
static const struct name_row vkinds[] = {
	{ DIFV_KIND_ARRAY, "array" },
	{ DIFV_KIND_SCALAR, "scalar" },
	{ -1, NULL }
};
static const struct name_row scopes[] = {
	{ DIFV_SCOPE_GLOBAL, "global" },
	{ DIFV_SCOPE_THREAD, "thread" },
	{ DIFV_SCOPE_LOCAL, "local" },
	{ -1, NULL }
};
static const struct name_row symkinds[] = {
	{ DOBJ_SYM_GLOBAL, "global" },
	{ DOBJ_SYM_THREAD, "thread" },
	{ DOBJ_SYM_AGG, "agg" },
	{ -1, NULL }
};

static const struct name_row *const tables[DASM_T_COUNT] = {
	[DASM_T_VAR] = vars, [DASM_T_SUBR] = subrs, [DASM_T_ACTION] = actions,
	[DASM_T_LIBACT] = libacts, [DASM_T_RELOC] = relocs,
	[DASM_T_CKIND] = ckinds, [DASM_T_TKIND] = tkinds,
	[DASM_T_VKIND] = vkinds, [DASM_T_SCOPE] = scopes,
	[DASM_T_SYMKIND] = symkinds,
};

long dasm_name_lookup(enum dasm_table t, const char *name)
{
	for (const struct name_row *r = tables[t]; r->name != NULL; r++)
		if (strcmp(r->name, name) == 0)
			return r->value;
	return -1;
}

const char *dasm_name_of(enum dasm_table t, long value)
{
	for (const struct name_row *r = tables[t]; r->name != NULL; r++)
		if (r->value == value)
			return r->name;
	return NULL;
}

int dasm_op_scope(unsigned op)
{
	switch (op) {
	case DIF_OP_LDGA: case DIF_OP_LDGS: case DIF_OP_STGS:
	case DIF_OP_LDGAA: case DIF_OP_STGAA:
		return DIFV_SCOPE_GLOBAL;
	case DIF_OP_LDTA: case DIF_OP_LDTS: case DIF_OP_STTS:
	case DIF_OP_LDTAA: case DIF_OP_STTAA:
		return DIFV_SCOPE_THREAD;
	case DIF_OP_LDLS: case DIF_OP_STLS:
		return DIFV_SCOPE_LOCAL;
	default:
		return -1;
	}
}

/* "..." with C escapes; bytes outside printable ASCII as \xNN. */
void dasm_print_string(FILE *fp, const char *s, size_t n)
{
	fputc('"', fp);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\r': fputs("\\r", fp); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(fp, "\\x%02x", c);
			else
				fputc(c, fp);
		}
	}
	fputc('"', fp);
}

/*
 * TYPE := KIND ':' CKIND { ':' FLAG } ':' SIZE
 * e.g. ctf:integer:8, string:unknown:byref:256 (see dasm_asm.c parse_type).
 */
void dasm_print_type(FILE *fp, const struct dif_type *t)
{
	const char *k = dasm_name_of(DASM_T_TKIND, t->dtdt_kind);
	const char *ck = dasm_name_of(DASM_T_CKIND, t->dtdt_ckind);
	unsigned rest = t->dtdt_flags & ~(unsigned)(DIF_TF_BYREF | DIF_TF_BYUREF);

	if (k != NULL)
		fputs(k, fp);
	else
		fprintf(fp, "%u", t->dtdt_kind);
	if (ck != NULL)
		fprintf(fp, ":%s", ck);
	else
		fprintf(fp, ":%u", t->dtdt_ckind);
	if (t->dtdt_flags & DIF_TF_BYREF)
		fputs(":byref", fp);
	if (t->dtdt_flags & DIF_TF_BYUREF)
		fputs(":byuref", fp);
	if (rest != 0)
		fprintf(fp, ":flags=0x%x", rest);
	if (t->dtdt_pad != 0)
		fprintf(fp, ":pad=%u", t->dtdt_pad);
	fprintf(fp, ":%u", t->dtdt_size);
}

bool dasm_is_ident(const char *s)
{
	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (s++; *s != '\0'; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '.'))
			return false;
	return true;
}

void dasm_print_name(FILE *fp, const char *s)
{
	/* DT_STRING[...] and friends are operand syntax: quote such names */
	if (dasm_is_ident(s) && strncmp(s, "DT_", 3) != 0)
		fputs(s, fp);
	else
		dasm_print_string(fp, s, strlen(s));
}
