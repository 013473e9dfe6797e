/*
 * layout_rows.c — one table of compiler-computed layouts.  The build passes
 * -include <header>, LAYOUT_DEF (the rows), LAYOUT_ROWS and LAYOUT_COUNT
 * (the exported names); see tests/typer/meson.build.
 */
#include "layout.h"

#define X(T, P) { #T, #P, offsetof(T, P) * 8, sizeof(((T *)0)->P), sizeof(T), _Alignof(T) },
const struct layout_row LAYOUT_ROWS[] = {
#include LAYOUT_DEF
};
#undef X
const size_t LAYOUT_COUNT = sizeof(LAYOUT_ROWS) / sizeof(LAYOUT_ROWS[0]);
