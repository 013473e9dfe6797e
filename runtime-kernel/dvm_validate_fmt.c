/*
 * dvm_validate_fmt.c — turn validator records into one-line messages.
 *
 * User space only (uses snprintf); the kernel build leaves this file out and
 * hands the raw records (rule id, pc, detail) to user space instead.  The
 * message templates live next to the rules in dvm_validate.h; this file only
 * substitutes "{}" (detail, decimal), "{x}" (detail, hex) and "{t}" (the
 * table named by dve_index) and adds the location prefix and the mnemonic.
 */
#include <stdio.h>
#include <string.h>

#include "dvm_validate.h"

static const char *const mnemonics[256] = {
#define MNEMONIC_(num, name, mn, form, sem) [num] = mn,
	DIF_OPCODES(MNEMONIC_)
#undef MNEMONIC_
};

static const char *const table_names[] = {
	[DVM_TABLE_TEXT] = "text",
	[DVM_TABLE_INT] = "integer table",
	[DVM_TABLE_STR] = "string table",
	[DVM_TABLE_VAR] = "variable table",
	[DVM_TABLE_REL] = "relocation table",
};

/* An output cursor that, like snprintf, counts what did not fit. */
struct out {
	char	*buf;
	size_t	size;
	size_t	len;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len < o->size) {
		size_t room = o->size - o->len - 1;

		memcpy(o->buf + o->len, s, n < room ? n : room);
		o->buf[o->len + (n < room ? n : room)] = '\0';
	}
	o->len += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void putf(struct out *o, const char *fmt, unsigned long long v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), fmt, v);

	put(o, tmp, n > 0 ? (size_t)n : 0);
}

static const char *table_name(uint32_t index)
{
	if (index < sizeof(table_names) / sizeof(table_names[0]))
		return table_names[index];
	return "object";
}

static void prefix(struct out *o, const struct dvm_verr *e)
{
	switch (e->dve_where) {
	case DVM_WHERE_TEXT:
		putf(o, "pc %llu: ", e->dve_pc);
		break;
	case DVM_WHERE_VARTAB:
		putf(o, "vartab[%llu]: ", e->dve_index);
		break;
	case DVM_WHERE_RELTAB:
		putf(o, "reltab[%llu]: ", e->dve_index);
		break;
	default:
		puts_(o, "difo: ");
		break;
	}
}

static void body(struct out *o, const struct dvm_verr *e)
{
	const char *m = dvm_rule__message(e->dve_rule);

	while (*m != '\0') {
		if (strncmp(m, "{}", 2) == 0) {
			putf(o, "%llu", e->dve_detail);
			m += 2;
		} else if (strncmp(m, "{x}", 3) == 0) {
			putf(o, "0x%llx", e->dve_detail);
			m += 3;
		} else if (strncmp(m, "{t}", 3) == 0) {
			puts_(o, table_name(e->dve_index));
			m += 3;
		} else {
			put(o, m, 1);
			m++;
		}
	}
}

int dvm_verr__format(const struct dvm_verr *e, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };

	if (size > 0)
		buf[0] = '\0';
	prefix(&o, e);
	body(&o, e);
	if (e->dve_where == DVM_WHERE_TEXT && mnemonics[e->dve_op] != NULL) {
		puts_(&o, " (");
		puts_(&o, mnemonics[e->dve_op]);
		puts_(&o, ")");
	}
	return o.len > 0x7fffffff ? 0x7fffffff : (int)o.len;
}
