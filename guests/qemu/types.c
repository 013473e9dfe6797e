/*
 * types.c — the typefile source of the QEMU test guest: `gcc -gbtf -c
 * types.c` turns the structures of layout.h into BTF.  The variables only
 * make the compiler emit the types; nothing links this object.
 */
#include "layout.h"

struct thread qg_thread;
struct proc qg_proc;
struct ucred qg_ucred;
