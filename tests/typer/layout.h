/*
 * layout.h — expected layouts computed by the C compiler.  layout_rows.c is
 * compiled once per test header (with -include <header>); each copy exports
 * one table of offsetof/sizeof/_Alignof values for the rows of a .def file.
 */
#ifndef TESTS_TYPER_LAYOUT_H
#define TESTS_TYPER_LAYOUT_H
#include <stddef.h>

struct layout_row {
	const char *type;	/* C name: "struct thread" */
	const char *path;	/* member path: "td_sigstk.ss_sp" */
	size_t bit_offset;
	size_t member_size;
	size_t type_size;
	size_t type_align;
};

#define LAYOUT_TABLE(name) \
	extern const struct layout_row name[]; \
	extern const size_t name##_count;
LAYOUT_TABLE(layout_freebsd_a)
LAYOUT_TABLE(layout_freebsd_b)
LAYOUT_TABLE(layout_linux)
LAYOUT_TABLE(layout_features)
#endif
