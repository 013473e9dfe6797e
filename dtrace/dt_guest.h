/*
 * dt_guest.h — guest probes: dtrace's side of VM tracing.
 *
 *   dt_guest_attach.c  the transport: find guests in the VM directory,
 *                      take and validate their ANNOUNCE, map their RAM
 *                      read-only and their exit ring, ATTACH/DETACH
 *   dt_guest.c         the provider family (vmname:provider:mod:func:name),
 *                      per-guest linking, enabling, and firing guest probes
 *                      through the engine with a guest-aware host
 * docs/vm-tracing.md §7-§8 describe the protocol and the semantics.
 */
#ifndef DT_GUEST_H
#define DT_GUEST_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "dt_impl.h"
#include "dvmm.h"
#include "ht/dobj.h"
#include "typ_typefile.h"

/* A probe of this kind is a guest probe; its priv is a struct dt_gprobe. */
#define DT_PROBE_GUEST	0x47505242u

/* One attached guest. */
struct dt_vm {
	struct dvmm_guest	*g;		/* registered in the session's registry */
	int			sock;
	uint8_t			*ring;
	void			*map[HTVM_MAX_SLOTS];	/* read-only RAM views */
	size_t			maplen[HTVM_MAX_SLOTS];
	uint8_t			*typebytes;	/* the typefile, copied */
	size_t			typelen;
	struct typ_file		*tf;
	struct dobj		*obj;		/* the program linked for this guest */
	bool			obj_owned;	/* false: it is the state's object */
	bool			attached;	/* ATTACH sent */
	bool			done;		/* guest said done or hung up */
	const char		*vmname;	/* in the state's string arena */
	char			*execbuf;	/* arena: execname of the firing */
	uint64_t		exits, fired;
};

struct dt_gprobe {
	struct dt_vm		*vm;
	uint32_t		id;		/* the guest's probe number */
};

/* ---- Transport (dt_guest_attach.c) ---------------------------------------- */

/*
 * Connect to DIR/<name>.sock and take the guest's announce: validated,
 * RAM mapped read-only and registered as memory slots, ring mapped and
 * checked, typefile read and opened.  0 and *out, or -errno after writing
 * a one-line reason into err.
 */
int dt_vm_open(const char *dir, const char *sockname, struct dt_vm **out,
    char *err, size_t errlen);
/* Tell the guest it was not selected (DETACH) and free everything. */
void dt_vm_reject(struct dt_vm *vm);
/* Send ATTACH with status (0: exits are handled from now on). */
int dt_vm_send_attach(struct dt_vm *vm, int32_t status);
/* Resume pending exits with ENOSYS, say DETACH, unmap, free. */
void dt_vm_close(struct dt_vm *vm);
/* True when the guest closed the socket (its VMM exited). */
bool dt_vm_hung_up(const struct dt_vm *vm);
/* Wake the vCPU waiting on slot v. */
void dt_vm_wake(struct dt_vm *vm, uint32_t v);
/* Wait up to timeout_ns for vm's doorbell to move from `seen`. */
void dt_vm_doorbell_wait(struct dt_vm *vm, uint32_t seen, uint64_t timeout_ns);
uint32_t dt_vm_doorbell(const struct dt_vm *vm);

/* ---- Session (dt_guest.c) ------------------------------------------------------ */

/* -x vmdir=DIR.  Returns 0 if taken, 1 if `name` is not a guest option. */
int dt_guest_setopt(const char *name, const char *value);
/* Take vmdir from -x options before the program is linked; 0 or -EINVAL
 * after a message. */
int dt_guest_xopts(const char *const *xopts, size_t n);
/* Copy xopts without vmdir (the compiler does not know it) into out
 * (room for n); returns how many were copied. */
size_t dt_guest_compiler_xopts(const char *const *xopts, size_t n, const char **out);
/* Does any probe description of obj name a target (guest)? */
bool dt_guest_has_targets(const struct dobj *obj);
/*
 * Attach every guest a target selects and link rel for each against its
 * typefile.  Returns the first guest's linked object (the caller owns it
 * and opens the state with it) or NULL after printing why.  rel is freed.
 */
struct dobj *dt_guest_link(struct dobj *rel, const char *name);
/*
 * dtrace -E: use the programs the guests' dtraced minions linked (from the
 * overlord's answer) instead of linking here.  Copies what it keeps.
 */
struct dd_submission;
int dt_guest_use_linked(const struct dd_submission *s);
/* Provider entry (dt_probe.c providers[]): the attached guests' probes. */
int dt_guest_provide(struct dt_state *st, const char *name);
bool dt_guest_is_probe(const struct dvm_probe *p);
/* Probes matching a 5-field description whose target is not empty. */
int dt_guest_match(struct dt_state *st, const char *const f[5],
    struct dvm_probe **out, uint32_t max);
/* After dt_state_open: per-guest DIFOs, enable probes, ATTACH. */
int dt_guest_enable(struct dt_state *st, char *err, size_t errlen);
/* Any guest attached in this session? */
bool dt_guest_active(void);
/*
 * dt_run's wait while guests are attached: handle exits until `until`
 * (monotonic ns, UINT64_MAX: none), a stop signal, exit(), 50 ms of work
 * (so buffers get consumed), or every guest done (sets *stop).
 */
void dt_guest_wait(struct dt_state *st, uint64_t until, const sigset_t *sigs,
    volatile int *stop);
/* Detach every guest (idempotent). */
void dt_guest_detach(void);

#endif /* DT_GUEST_H */
