/*
 * mkobjs.c — write the sample objects into a directory (build-time
 * generator for the readelf and LLVM conformance tests, and the source of
 * the committed fuzz seeds).
 *
 *   mkobjs OUTDIR    writes full.o, full-linked.o, empty.o,
 *                    empty-linked.o, minimal.o
 */
#include <stdio.h>
#include <string.h>

#include "sample.h"

static int emit(const char *dir, const char *name, struct dobj *obj)
{
	char path[4096];
	int rc;

	if (obj == NULL) {
		fprintf(stderr, "mkobjs: cannot build %s\n", name);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rc = dobj__write_file(obj, path);
	dobj__free(obj);
	if (rc != 0) {
		fprintf(stderr, "mkobjs: %s: %s\n", path, strerror(-rc));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mkobjs OUTDIR\n");
		return 2;
	}
	bad |= emit(argv[1], "full.o", sample_full(DOBJ_RELOCATABLE));
	bad |= emit(argv[1], "full-linked.o", sample_full(DOBJ_LINKED));
	bad |= emit(argv[1], "empty.o", sample_empty(DOBJ_RELOCATABLE));
	bad |= emit(argv[1], "empty-linked.o", sample_empty(DOBJ_LINKED));
	bad |= emit(argv[1], "minimal.o", sample_minimal());
	return bad;
}
