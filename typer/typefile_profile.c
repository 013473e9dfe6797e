/*
 * typefile_profile.c — target profiles: the C types of D's built-in
 * variables on each guest OS, and how the OS is told from a typefile.
 *
 * A profile is static data.  Each built-in names its type in C syntax
 * ("struct thread *"); typ_profile__builtin_type looks that up in the
 * typefile, and when the file lacks the name (a minimal typefile without
 * pid_t) tries the fallback, a plain C type that can always be made.
 * Detection: a definition of struct task_struct means Linux; struct thread
 * together with struct proc means FreeBSD; anything else is unknown and the
 * caller must name the target.  docs/typefiles.md has the same table.
 */
#include <errno.h>
#include <string.h>

#include <dif/dif.h>

#include "typefile_impl.h"

#define CT(n, id, t, fb) { n, DIF_VAR_##id, TYP_BUILTIN_CTYPE, t, fb }
#define STR(n, id) { n, DIF_VAR_##id, TYP_BUILTIN_STRING, NULL, NULL }
#define NONE(n, id) { n, DIF_VAR_##id, TYP_BUILTIN_NONE, NULL, NULL }

/* Shared by both OSes; the OS-specific rows come first in each table. */
#define COMMON_BUILTINS \
	{ "args", DIF_VAR_ARGS, TYP_BUILTIN_ARGS, NULL, NULL }, \
	NONE("regs", REGS), \
	CT("uregs", UREGS, "uint64_t", "unsigned long long"), \
	CT("timestamp", TIMESTAMP, "uint64_t", "unsigned long long"), \
	CT("vtimestamp", VTIMESTAMP, "uint64_t", "unsigned long long"), \
	CT("ipl", IPL, "uint_t", "unsigned int"), \
	CT("epid", EPID, "uint_t", "unsigned int"), \
	CT("id", ID, "uint_t", "unsigned int"), \
	CT("arg0", ARG0, "int64_t", "long long"), \
	CT("arg1", ARG1, "int64_t", "long long"), \
	CT("arg2", ARG2, "int64_t", "long long"), \
	CT("arg3", ARG3, "int64_t", "long long"), \
	CT("arg4", ARG4, "int64_t", "long long"), \
	CT("arg5", ARG5, "int64_t", "long long"), \
	CT("arg6", ARG6, "int64_t", "long long"), \
	CT("arg7", ARG7, "int64_t", "long long"), \
	CT("arg8", ARG8, "int64_t", "long long"), \
	CT("arg9", ARG9, "int64_t", "long long"), \
	CT("stackdepth", STACKDEPTH, "uint32_t", "unsigned int"), \
	CT("caller", CALLER, "uintptr_t", "unsigned long"), \
	STR("probeprov", PROBEPROV), \
	STR("probemod", PROBEMOD), \
	STR("probefunc", PROBEFUNC), \
	STR("probename", PROBENAME), \
	CT("pid", PID, "pid_t", "int"), \
	STR("execname", EXECNAME), \
	CT("walltimestamp", WALLTIMESTAMP, "int64_t", "long long"), \
	CT("ustackdepth", USTACKDEPTH, "uint32_t", "unsigned int"), \
	CT("ucaller", UCALLER, "uint64_t", "unsigned long long"), \
	CT("ppid", PPID, "pid_t", "int"), \
	CT("uid", UID, "uid_t", "unsigned int"), \
	CT("gid", GID, "gid_t", "unsigned int"), \
	CT("errno", ERRNO, "int", NULL), \
	STR("vmname", VMNAME), \
	CT("cpu", CPU, "int", NULL)

static const struct typ_builtin freebsd_builtins[] = {
	CT("curthread", CURTHREAD, "struct thread *", NULL),
	CT("tid", TID, "id_t", "long"),
	STR("zonename", ZONENAME),
	STR("execargs", EXECARGS),
	CT("jid", JID, "int", NULL),
	STR("jailname", JAILNAME),
	COMMON_BUILTINS,
};

static const struct typ_builtin linux_builtins[] = {
	CT("curthread", CURTHREAD, "struct task_struct *", NULL),
	CT("tid", TID, "pid_t", "int"),
	NONE("zonename", ZONENAME),
	STR("execargs", EXECARGS),
	NONE("jid", JID),
	NONE("jailname", JAILNAME),
	COMMON_BUILTINS,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct typ_profile profiles[] = {
	{ TYP_OS_FREEBSD, "freebsd", freebsd_builtins, N(freebsd_builtins) },
	{ TYP_OS_LINUX, "linux", linux_builtins, N(linux_builtins) },
};

static bool defines(const struct typ_file *tf, const char *name)
{
	typ_id_t id;
	return typ_file__find(tf, TYP_NS_STRUCT, name, &id, 1) > 0;
}

enum typ_os typ_profile__detect(const struct typ_file *tf)
{
	if (defines(tf, "task_struct"))
		return TYP_OS_LINUX;
	if (defines(tf, "thread") && defines(tf, "proc"))
		return TYP_OS_FREEBSD;
	return TYP_OS_UNKNOWN;
}

const struct typ_profile *typ_profile__get(enum typ_os os)
{
	for (size_t i = 0; i < N(profiles); i++)
		if (profiles[i].os == os)
			return &profiles[i];
	return NULL;
}

int typ_profile__parse(const char *name, const struct typ_file *tf,
		       const struct typ_profile **out, struct typ_err *err)
{
	*out = NULL;
	for (size_t i = 0; i < N(profiles); i++) {
		if (strcmp(name, profiles[i].name) == 0) {
			*out = &profiles[i];
			return 0;
		}
	}
	if (strcmp(name, "auto") != 0) {
		typ_errf(err, "unknown target OS '%s' (expected freebsd, linux or auto)", name);
		return -EINVAL;
	}
	if (tf == NULL) {
		typ_errf(err, "target OS 'auto' needs a typefile to look at");
		return -EINVAL;
	}
	*out = typ_profile__get(typ_profile__detect(tf));
	if (*out == NULL) {
		typ_errf(err, "%s: cannot tell the target OS: the typefile defines neither "
			 "struct task_struct (linux) nor struct thread and struct proc "
			 "(freebsd); name the target explicitly", tf->path);
		return -ENOENT;
	}
	return 0;
}

const struct typ_builtin *typ_profile__builtin(const struct typ_profile *p, const char *name)
{
	for (size_t i = 0; i < p->nbuiltins; i++)
		if (strcmp(p->builtins[i].name, name) == 0)
			return &p->builtins[i];
	return NULL;
}

int64_t typ_profile__builtin_type(const struct typ_profile *p, struct typ_file *tf,
				  const char *name, struct typ_err *err)
{
	const struct typ_builtin *b = typ_profile__builtin(p, name);

	if (b == NULL) {
		typ_errf(err, "'%s' is not a built-in variable", name);
		return -ENOENT;
	}
	if (b->cls != TYP_BUILTIN_CTYPE) {
		typ_errf(err, "built-in '%s' %s", name,
			 b->cls == TYP_BUILTIN_NONE ? "is not available on this target" :
			 "has no single C type");
		return b->cls == TYP_BUILTIN_NONE ? -ENOTSUP : -EINVAL;
	}
	int64_t id = typ_file__lookup(tf, b->ctype, err);
	if (id < 0 && b->fallback != NULL)
		id = typ_file__lookup(tf, b->fallback, err);
	return id;
}
