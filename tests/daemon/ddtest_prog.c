/*
 * ddtest_prog.c — real program objects for the daemon tests, made with
 * libdobj so the daemon's reader (dobj__read_mem) accepts them.
 *
 *   ddtest_prog make OUT [PAD]      a relocatable object with a random nonce
 *                                   and PAD bytes of metadata (size knob)
 *   ddtest_prog link IN OUT GUEST   a stand-in linker: IN as a linked object
 *                                   with meta linked-for=GUEST and IN's ident
 *                                   as its source ident
 *   ddtest_prog info FILE           "ident=HEX kind=K linked-for=G src=HEX"
 *
 * Exit 0 ok, 1 bad input (the reader's complaint on stderr), 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ht/dobj.h"

static void hex(const uint8_t *id, char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
}

static int add_meta(struct dobj *o, const char *k, const char *v)
{
	int m = dobj__add_meta(o);

	if (m < 0)
		return m;
	o->meta[m].key = dobj__intern(o, k);
	o->meta[m].value = dobj__intern(o, v);
	return 0;
}

static int write_out(struct dobj *o, const char *path)
{
	int rc = dobj__write_file(o, path);

	if (rc != 0)
		fprintf(stderr, "ddtest_prog: %s: write failed (%d)\n", path, rc);
	return rc != 0;
}

static struct dobj *read_in(const char *path)
{
	struct dobj *o = NULL;
	struct dobj_err err;

	memset(&err, 0, sizeof(err));
	if (dobj__read_file(path, &o, &err) != 0) {
		fprintf(stderr, "ddtest_prog: %s: %s at %s+%llu\n", path, err.msg, err.section,
		    (unsigned long long)err.offset);
		return NULL;
	}
	return o;
}

static int make(const char *out, long pad)
{
	struct dobj *o = dobj__new(DOBJ_RELOCATABLE);
	char nonce[33], *fill;
	FILE *r = fopen("/dev/urandom", "rb");
	uint8_t raw[16];
	int rc;

	if (o == NULL || r == NULL || fread(raw, 1, 16, r) != 16)
		return 1;
	fclose(r);
	for (int i = 0; i < 16; i++)
		snprintf(nonce + 2 * i, 3, "%02x", raw[i]);
	fill = malloc((size_t)pad + 1);
	if (fill == NULL)
		return 1;
	for (long i = 0; i < pad; i++)
		fill[i] = (char)('a' + (raw[i % 16] + i) % 26);
	fill[pad] = '\0';
	rc = add_meta(o, "nonce", nonce) || add_meta(o, "pad", fill) || write_out(o, out);
	free(fill);
	dobj__free(o);
	return rc;
}

static int link_it(const char *in, const char *out, const char *guest)
{
	struct dobj *o = read_in(in);
	int rc;

	if (o == NULL)
		return 1;
	o->kind = DOBJ_LINKED;
	rc = dobj__add_srcident(o, o->ident) < 0 || add_meta(o, "linked-for", guest) ||
	    write_out(o, out);
	dobj__free(o);
	return rc;
}

static int info(const char *path)
{
	struct dobj *o = read_in(path);
	char id[65], src[65] = "-";
	const char *lf = "-";

	if (o == NULL)
		return 1;
	hex(o->ident, id);
	if (o->nsrcidents > 0)
		hex(o->srcidents[0], src);
	for (uint32_t i = 0; i < o->nmeta; i++)
		if (strcmp(dobj__str(o, o->meta[i].key), "linked-for") == 0)
			lf = dobj__str(o, o->meta[i].value);
	printf("ident=%s kind=%s linked-for=%s src=%s\n", id,
	    o->kind == DOBJ_LINKED ? "linked" : "relocatable", lf, src);
	dobj__free(o);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && argc <= 4 && strcmp(argv[1], "make") == 0)
		return make(argv[2], argc == 4 ? atol(argv[3]) : 64);
	if (argc == 5 && strcmp(argv[1], "link") == 0)
		return link_it(argv[2], argv[3], argv[4]);
	if (argc == 3 && strcmp(argv[1], "info") == 0)
		return info(argv[2]);
	fprintf(stderr, "usage: ddtest_prog make OUT [PAD] | link IN OUT GUEST | info FILE\n");
	return 2;
}
