/*
 * sample.h — program objects for the obj tests (see sample.c).
 */
#ifndef TESTS_OBJ_SAMPLE_H
#define TESTS_OBJ_SAMPLE_H

#include "ht/dobj.h"

/* Every table and field; relocations when kind is DOBJ_RELOCATABLE. */
struct dobj *sample_full(enum dobj_kind kind);
/* No clauses, no options, nothing but the empty string. */
struct dobj *sample_empty(enum dobj_kind kind);
/* BEGIN { exit(0); } */
struct dobj *sample_minimal(void);

#endif /* TESTS_OBJ_SAMPLE_H */
