/*
 * gm_layout.c — one guest kernel's structure layout, compiled once per
 * layout source with `-include examples/guests/guest-X.c -DGM_LAYOUT=X`.
 *
 * Theory.  The C compiler that builds the model computes the offsets, so
 * the bytes the model writes into guest RAM follow exactly the layout the
 * guest's typefile (made from the same source by gcc -gbtf) describes.
 * Fields the workload does not set are filled with 0xa5, so a reader
 * using the wrong offsets reads visibly wrong values.  Pointers are guest
 * virtual addresses stored in 8-byte pointer fields (x86-64 guest).
 */
#include <string.h>

#include "gm.h"

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define STR_(a) #a
#define STR(a) STR_(a)

#define gptr(T, gva) ((T *)(uintptr_t)(gva))

static void put_thread(uint8_t *dst, const struct gm_thread_v *v)
{
	struct thread t;

	memset(&t, 0xa5, sizeof(t));
	t.td_tid = v->tid;
	t.td_proc = gptr(struct proc, v->proc_gva);
	t.td_ucred = gptr(struct ucred, v->cred_gva);
	memcpy(dst, &t, sizeof(t));
}

static void put_proc(uint8_t *dst, const struct gm_proc_v *v)
{
	struct proc p;

	memset(&p, 0xa5, sizeof(p));
	p.p_pid = (int)v->pid;
	p.p_ucred = gptr(struct ucred, v->cred_gva);
	p.p_pptr = gptr(struct proc, v->parent_gva);
	memset(p.p_comm, 0, sizeof(p.p_comm));
	strncpy(p.p_comm, v->comm, sizeof(p.p_comm) - 1);
	memcpy(dst, &p, sizeof(p));
}

static void put_cred(uint8_t *dst, const struct gm_cred_v *v)
{
	struct ucred c;

	memset(&c, 0xa5, sizeof(c));
	c.cr_uid = v->uid;
	c.cr_ruid = v->ruid;
	c.cr_rgid = v->rgid;
	memcpy(dst, &c, sizeof(c));
}

const struct gm_layout CAT(gm_layout_, GM_LAYOUT) = {
	.name = STR(GM_LAYOUT),
	.thread_size = sizeof(struct thread),
	.proc_size = sizeof(struct proc),
	.cred_size = sizeof(struct ucred),
	.put_thread = put_thread,
	.put_proc = put_proc,
	.put_cred = put_cred,
};
