/*
 * typefile_src.c — compiled with `gcc -gbtf -c -include <header>` into a
 * test typefile.  gcc emits BTF only for types something uses, so every
 * structure of every test header is referenced here (TYPEFILE_USES is
 * defined per header by the build).
 */
#define USE(T, v) T v;
#if defined(TYPEFILE_FREEBSD)
USE(struct thread, tf_thread)
USE(struct proc, tf_proc)
USE(struct ucred, tf_ucred)
USE(struct prison, tf_prison)
USE(struct pgrp, tf_pgrp)
USE(struct vmspace, tf_vmspace)
USE(pid_t, tf_pid)
USE(lwpid_t, tf_lwpid)
USE(id_t, tf_id)
USE(uid_t, tf_uid)
USE(gid_t, tf_gid)
USE(uint_t, tf_uint)
USE(uint32_t, tf_uint32)
USE(uint64_t, tf_uint64)
USE(int64_t, tf_int64)
USE(uintptr_t, tf_uintptr)
#elif defined(TYPEFILE_LINUX)
USE(struct task_struct, tf_task)
USE(struct cred, tf_cred)
USE(struct mm_struct, tf_mm)
USE(uid_t, tf_uid)
USE(gid_t, tf_gid)
USE(uint32_t, tf_uint32)
USE(uint64_t, tf_uint64)
USE(int64_t, tf_int64)
USE(uintptr_t, tf_uintptr)
#elif defined(TYPEFILE_FEATURES)
USE(struct feat_bits, tf_bits)
USE(struct feat_anon, tf_anon)
USE(struct feat_arrays *, tf_arrays)
USE(struct feat_misc, tf_misc)
USE(union feat_union, tf_union)
USE(struct feat_packed, tf_packed)
USE(struct feat_opaque *, tf_opaque)
USE(union feat_undef *, tf_undef)
USE(feat_chain, tf_chain)
#else
#error "define TYPEFILE_FREEBSD, TYPEFILE_LINUX or TYPEFILE_FEATURES"
#endif
