/*
 * dtype_tool.c — `dtype`: read an object, type it (typ_infer.h), and print
 * errors as "file:line:col: error: ...", an annotated listing (-S), or a
 * minimal typefile (--min).
 *
 * The listing shows each DIFO's rows in the `dtrace -S` layout with the
 * inferred type of the register each instruction defines after `!`, the
 * DIFO's inferred result type, then a table of the program's variables.
 * Output is deterministic: it depends only on the object and typefile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dasm.h"
#include "dtype_tool.h"
#include "typ_infer.h"

static void print_difo(const struct dobj *obj, const struct typ_infer *inf, uint32_t i)
{
	const struct dobj_difo *d = &obj->difos[i];
	struct typ_type t;
	char ts[200], *row = NULL;
	size_t rlen = 0;

	typ_infer__rtype(inf, i, &t);
	typ_type__to_string(inf, &t, ts, sizeof(ts));
	printf("DIFO %u returns %s\n", i, ts);
	printf("OFF OPCODE      INSTRUCTION                              TYPE\n");
	for (uint32_t pc = 0; pc < d->len; pc++) {
		FILE *fp = open_memstream(&row, &rlen);
		bool ok = false;
		if (fp != NULL) {
			ok = dasm__instr(fp, obj, d, pc);
			fclose(fp);
		}
		printf("%02u: %08x    %-40s", pc, (unsigned)d->text[pc],
		    ok && row ? row : ".word");
		if (typ_infer__def_type(inf, i, pc, &t) == 0) {
			typ_type__to_string(inf, &t, ts, sizeof(ts));
			printf(" ! %%r%u: %s", (unsigned)DIF_INSTR_RD(d->text[pc]), ts);
		}
		putchar('\n');
		free(row);
		row = NULL;
	}
	putchar('\n');
}

static const char *scope_name(uint8_t s)
{
	return s == DIFV_SCOPE_THREAD ? "thread" : s == DIFV_SCOPE_LOCAL ? "local" :
	    "global";
}

static void print_vars(const struct typ_infer *inf)
{
	char ts[200];

	printf("%-20s %-6s %-6s %-6s %s\n", "NAME", "ID", "SCOPE", "KIND", "TYPE");
	for (size_t i = 0; i < typ_infer__nvars(inf); i++) {
		const struct typ_var *v = typ_infer__var(inf, i);
		typ_type__to_string(inf, &v->type, ts, sizeof(ts));
		printf("%-20s 0x%-4x %-6s %-6s %s", *v->name ? v->name : "?", v->id,
		    scope_name(v->scope), v->kind == DIFV_KIND_ARRAY ? "array" :
		    "scalar", ts);
		if (v->kind == DIFV_KIND_ARRAY) {
			printf(" [");
			for (unsigned k = 0; k < v->nkeys; k++) {
				typ_type__to_string(inf, &v->keys[k], ts, sizeof(ts));
				printf("%s%s", k ? ", " : "", ts);
			}
			printf("]");
		}
		putchar('\n');
	}
}

static int write_min(struct typ_file *tf, const struct typ_infer *inf, const char *out)
{
	const typ_id_t *ids;
	size_t n = typ_infer__used_ids(inf, &ids);
	struct typ_min_opts mo = { .follow_pointers = false };
	struct typ_err err;

	if (typ_file__write_min(tf, ids, n, &mo, out, &err) != 0) {
		fprintf(stderr, "dtype: %s: %s\n", out, err.msg);
		return 1;
	}
	return 0;
}

static int run(const struct dtype_opts *o, struct dobj *obj, struct typ_file *tf)
{
	struct typ_infer_opts io = { .tf = tf };
	struct typ_infer *inf = NULL;
	struct typ_err err;
	char line[1024];
	int rc = 0;

	if (o->profile != NULL &&
	    typ_profile__parse(o->profile, tf, &io.profile, &err) != 0) {
		fprintf(stderr, "dtype: %s\n", err.msg);
		return 1;
	}
	if (typ_infer__new(obj, &io, &inf) != 0) {
		fprintf(stderr, "dtype: %s: out of memory\n", o->input);
		return 1;
	}
	if (o->listing) {
		for (uint32_t i = 0; i < obj->ndifos; i++)
			print_difo(obj, inf, i);
		print_vars(inf);
	}
	for (size_t i = 0; i < typ_infer__nerrors(inf); i++) {
		typ_diag__format(typ_infer__error(inf, i), line, sizeof(line));
		fprintf(stderr, "%s\n", line);
		rc = 1;
	}
	if (rc == 0 && o->min)
		rc = write_min(tf, inf, o->output);
	else if (rc != 0 && o->min)
		fprintf(stderr, "dtype: %s: type errors; no typefile written\n", o->output);
	typ_infer__free(inf);
	return rc;
}

int dtype_tool_run(const struct dtype_opts *o)
{
	struct dobj *obj = NULL;
	struct dobj_err oerr;
	struct typ_file *tf = NULL;
	struct typ_err terr;
	char msg[512];
	int rc;

	if (dobj__read_file(o->input, &obj, &oerr) != 0) {
		dobj_err__format(&oerr, msg, sizeof(msg));
		fprintf(stderr, "dtype: %s: %s\n", o->input, msg);
		return 1;
	}
	if (o->typefile != NULL && typ_file__open(o->typefile, &tf, &terr) != 0) {
		fprintf(stderr, "dtype: %s: %s\n", o->typefile, terr.msg);
		dobj__free(obj);
		return 1;
	}
	rc = run(o, obj, tf);
	typ_file__free(tf);
	dobj__free(obj);
	return rc;
}
