/*
 * typ_infer_impl.h — internal state of the DIF type inference, shared by
 * typ_lattice.c (types, joins, names), typ_rules.c (one transfer rule per
 * opcode) and typ_infer.c (CFG, passes, variables, diagnostics, API).
 *
 * Ownership: struct typ_infer owns every array here; the object and the
 * typefile are borrowed.  Abstract register values (struct aval) carry the
 * lattice element plus two facts the rules need: which `usetx
 * member_offset` relocation produced an integer (so `ptr + offset` becomes a
 * pointer to the member), and, for a conflict made at a merge point, the
 * two types that met (so the error at the first use can name both).
 *
 * Settled branches.  With a typefile, `usetx type_exists` is a constant the
 * linker will write (setx 0 or 1), so an aval records it (is_const, cval)
 * and `tst` of such a register records the condition it sets (cc_known,
 * cc_z).  A conditional branch on a known condition then follows only the
 * edge the program will take: the other target's arm of a per-OS library
 * value (compiler/lib/psinfo.d) is never reached, and its values never meet
 * the live arm's where the arms join.
 */
#ifndef TYP_INFER_IMPL_H
#define TYP_INFER_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "typ_infer.h"

#define NREGS		DIF_DIR_NREGS
#define NSTACK		DIF_DTR_NREGS
#define NO_SLOT		UINT32_MAX

struct aval {
	struct typ_type	t;
	uint32_t	rel;		/* 1 + relocation index of a usetx member_offset */
	bool		reported;	/* an error about this value was given already */
	bool		has_why;
	struct typ_type	why[2];		/* the two types that met in a conflict */
	uint32_t	why_pc;		/* the merge point */
	bool		is_const;	/* a link-time constant (type_exists) ... */
	uint64_t	cval;		/* ... of this value */
};

struct astate {
	bool		reached;
	bool		depth_bad;	/* paths with different tuple-stack depths met */
	uint8_t		depth;
	bool		cc_known;	/* the last tst read a link-time constant */
	bool		cc_z;		/* ... that was 0 (n, v, c are 0 after tst) */
	struct aval	r[NREGS];
	struct typ_type	stk[NSTACK];
};

/* A relocation resolved once per inference (the rules ask per pass). */
struct relinfo {
	bool		done;
	int64_t		root;		/* typefile id of the type, < 0: unknown */
	int		member_rc;	/* typ_file__member_path result (0 ok) */
	struct typ_access acc;
	uint32_t	loose;		/* interned "typeof(T.path)" */
};

struct difo_info {
	int32_t		clause;		/* -1: no clause uses it */
	int32_t		action;		/* -1: predicate or none */
	uint32_t	*slot;		/* pc -> index into states, NO_SLOT if not a leader */
	uint32_t	*relat;		/* pc -> 1 + relocation index, 0 none */
	struct relinfo	*rels;		/* per relocation, resolved lazily */
	struct astate	*states;	/* entry state of each leader */
	uint32_t	nleaders;
	struct typ_type	*def;		/* pc -> type of the defined register */
	struct typ_type	rtype;
	bool		has_ret;
};

struct ivar {
	struct typ_var	pub;
	bool		keys_seen;
	bool		type_error;	/* conflict reported */
	bool		key_error;
	int32_t		first_difo;	/* first store, for the conflict message */
	uint32_t	first_pc;
};

struct typ_infer {
	const struct dobj		*obj;
	struct typ_file			*tf;
	const struct typ_profile	*profile;
	uint32_t			max_errors;

	struct difo_info		*di;

	/* variables: open-addressing hash of (scope, kind, id) -> 1 + index */
	uint32_t			*varmap;
	uint32_t			*varkeys;
	uint32_t			varcap;		/* power of two, or 0 */
	struct ivar			*vars;
	size_t				nvars, capvars;
	bool				changed;	/* a variable type grew this pass */

	/* loose type names, interned */
	char				**names;
	uint32_t			nnames, capnames;
	uint32_t			*nhash;
	uint32_t			nhcap;

	/* built-in variable types, computed once (index: var id) */
	struct typ_type			builtin[0x300];
	bool				builtin_done[0x300];

	/* typefile ids touched */
	typ_id_t			*ids;
	size_t				nids, capids;

	struct typ_diag			*diags;		/* this pass's instruction errors */
	size_t				ndiags, capdiags;
	struct typ_diag			*vdiags;	/* variable errors, any pass */
	size_t				nvdiags, capvdiags;
	bool				emit;		/* record ids (always true now) */
	bool				oom;

	/* the DIFO being typed */
	uint32_t			cur;
	const struct dobj_difo		*d;
	struct astate			st;		/* running state */
};

/* typ_lattice.c */
static inline struct typ_type typ_t_make(uint8_t kind)
{
	struct typ_type t = { kind, 0, 0, 0, 0, 0 };

	return t;
}
struct typ_type typ_t_int(unsigned size, bool is_signed);
struct typ_type typ_t_named(struct typ_infer *inf, uint8_t kind, const char *name);
struct typ_type typ_t_from_tf(struct typ_infer *inf, typ_id_t id);
struct typ_type typ_t_ptr_to(struct typ_infer *inf, typ_id_t pointee, bool user);
struct typ_type typ_t_parse(struct typ_infer *inf, const char *cname, bool *ok);
bool typ_t_equal(struct typ_type a, struct typ_type b);
bool typ_t_is_stringish(const struct typ_infer *inf, struct typ_type t);
bool typ_t_is_scalar(struct typ_type t);
int64_t typ_t_pointee(const struct typ_infer *inf, struct typ_type t);
void typ_note_id(struct typ_infer *inf, typ_id_t id);
uint32_t typ_intern(struct typ_infer *inf, const char *s);
const char *typ_name(const struct typ_infer *inf, uint32_t n);
void typ_t_str(const struct typ_infer *inf, struct typ_type t, char *buf, size_t len);

/* typ_rules.c */
void typ_step(struct typ_infer *inf, uint32_t pc);
void typ_builtin_type(struct typ_infer *inf, uint32_t pc, uint32_t var, struct aval *out);

/* typ_infer.c */
void typ_error(struct typ_infer *inf, uint32_t pc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct ivar *typ_var_get(struct typ_infer *inf, uint8_t scope, uint8_t kind, uint32_t id);
void typ_var_store(struct typ_infer *inf, uint32_t pc, struct ivar *v, struct typ_type t);
void typ_var_keys(struct typ_infer *inf, uint32_t pc, struct ivar *v);
void typ_flow_to(struct typ_infer *inf, uint32_t from_pc, uint32_t to_pc);
const struct dif_reloc *typ_reloc_at(const struct typ_infer *inf, uint32_t pc);
const struct relinfo *typ_rel_resolve(struct typ_infer *inf, const struct dif_reloc *rel);

#endif /* TYP_INFER_IMPL_H */
