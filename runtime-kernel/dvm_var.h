/*
 * dvm_var.h — variable storage of one enabled program, for the emulator.
 *
 * The consumer sizes and allocates everything at enable time (the layout
 * comes from the program's variable tables) and hands the emulator a
 * struct dvm_vstate through dvm_mstate.dms_vars; nothing here allocates.
 *
 *   static storage   globals and clause-locals: one slot per variable id
 *                    (id - DIF_VAR_OTHER_UBASE), either an 8-byte value or
 *                    a by-reference buffer of `size` bytes preceded by an
 *                    8-byte header whose byte 0 is 1 when the variable
 *                    holds NULL.  ldgs/ldls of a by-ref slot yields the
 *                    buffer address (0 when NULL).
 *   dynamic storage  thread-locals and associative arrays: fixed-size
 *                    chunks in one arena (dynvarsize), hashed by key.  A key
 *                    is the serialised tuple + variable id (+ the thread key
 *                    for self->).  Loading a missing key yields 0; storing 0
 *                    deletes; no free chunk, or a key longer than
 *                    dvs_keymax, is a counted drop, never a fault.
 *
 * The caller must make the static arena and the chunk arena loadable and
 * storable through its platform layer (dp_load / dp_store): the emulator
 * hands their addresses to the program.  Freestanding.
 */
#ifndef DVM_VAR_H
#define DVM_VAR_H

#include <stdint.h>

/* One static variable slot. */
struct dvm_vslot {
	uint32_t	dvv_off;	/* byte offset in dvs_static */
	uint32_t	dvv_size;	/* value bytes (8 for by-value) */
	uint8_t		dvv_byref;
	uint8_t		dvv_used;	/* declared by some DIFO */
	uint8_t		dvv_string;	/* by-ref string: copy up to NUL */
	uint8_t		dvv_pad;
};

/* Per-id value shape of dynamic variables (thread scope, global arrays). */
struct dvm_dshape {
	uint32_t	dvd_size;	/* value bytes (8 for by-value) */
	uint8_t		dvd_byref;
	uint8_t		dvd_string;
	uint16_t	dvd_pad;
};

/* Chunk header; key bytes then value bytes follow. */
struct dvm_dchunk {
	uint32_t	dvc_next;	/* next chunk in bucket / free list; 0 = end */
	uint32_t	dvc_keylen;
	uint64_t	dvc_hash;
};

#define DVM_DSCOPE_GLOBAL	1
#define DVM_DSCOPE_THREAD	2

struct dvm_vstate {
	/* Static storage (caller-allocated, zeroed at enable). */
	uint8_t			*dvs_static;
	struct dvm_vslot	*dvs_global;	/* global scalars, by id - 0x500 */
	uint32_t		dvs_nglobal;
	struct dvm_vslot	*dvs_local;	/* clause-locals */
	uint32_t		dvs_nlocal;

	/* Dynamic storage. */
	struct dvm_dshape	*dvs_gshape;	/* global assoc arrays, by id - 0x500 */
	uint32_t		dvs_ngshape;
	struct dvm_dshape	*dvs_tshape;	/* thread-locals, by id - 0x500 */
	uint32_t		dvs_ntshape;
	uint8_t			*dvs_chunks;	/* nchunks * chunksize bytes, 8-aligned */
	uint32_t		dvs_chunksize;	/* header + keymax + valmax, multiple of 8 */
	uint32_t		dvs_nchunks;	/* chunk 0 is never used (0 = end) */
	uint32_t		dvs_keymax;
	uint32_t		*dvs_buckets;	/* nbuckets heads, 0 = empty */
	uint32_t		dvs_nbuckets;	/* power of two */
	uint32_t		dvs_free;	/* free-list head */

	/* Counters (read by the consumer). */
	uint64_t		dvs_drops;	/* dynamic-variable drops */
	uint64_t		dvs_dirty;	/* unused chunks re-used after a delete */
};

/*
 * Link every chunk into the free list and empty the hash.  The caller has
 * filled the pointers and sizes; dvs_chunksize must be >= sizeof header +
 * dvs_keymax + 8 and a multiple of 8.
 */
void dvm_vstate__reset(struct dvm_vstate *vs);

/* Number of chunks in use (for tests and statistics). */
uint32_t dvm_vstate__used(const struct dvm_vstate *vs);

#endif /* DVM_VAR_H */
