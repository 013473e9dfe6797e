/*
 * builtins.c -- the tables behind identifiers the program does not declare:
 * built-in variables (with their DIF ids), subroutines, actions and
 * aggregating functions (with argument kinds), and the names D's system
 * libraries provide on every target (translated process/thread views,
 * errno and signal constants).  Values come from the D reference (§3-§5).
 */
#include <ctype.h>
#include <string.h>

#include "dif/dif.h"

#include "builtins.h"

#define V(maj, min, mic) DC_VERS(maj, min, mic)

/* Versions follow the D API history: 1.1 added the string subroutines,
 * 1.2 the symbol actions and ucaller, 1.3 byte order, 1.5 inet_*, 1.6
 * stddev, 1.6.3 cpu, 1.7 llquantize, 1.8 toupper/tolower, 1.9 print, 1.10
 * getf, 1.11 json/strtoll, 1.12 the FreeBSD jail variables; 1.13 is
 * HyperTrace's (vmname, vmregs[], Apple's counters and physical memory). */
static const struct dcf_bvar vars[] = {
	{ "args", DIF_VAR_ARGS, "sym", true, 0 },
	{ "uregs", DIF_VAR_UREGS, "uint64_t", true, 0 },
	{ "vmregs", DIF_VAR_VMREGS, "uint64_t", true, V(1, 13, 0) },
	{ "curthread", DIF_VAR_CURTHREAD, "sym*", false, 0 },
	{ "timestamp", DIF_VAR_TIMESTAMP, "uint64_t", false, 0 },
	{ "vtimestamp", DIF_VAR_VTIMESTAMP, "uint64_t", false, 0 },
	{ "ipl", DIF_VAR_IPL, "uint_t", false, 0 },
	{ "epid", DIF_VAR_EPID, "uint_t", false, 0 },
	{ "id", DIF_VAR_ID, "uint_t", false, 0 },
	{ "arg0", DIF_VAR_ARG0, "int64_t", false, 0 },
	{ "arg1", DIF_VAR_ARG1, "int64_t", false, 0 },
	{ "arg2", DIF_VAR_ARG2, "int64_t", false, 0 },
	{ "arg3", DIF_VAR_ARG3, "int64_t", false, 0 },
	{ "arg4", DIF_VAR_ARG4, "int64_t", false, 0 },
	{ "arg5", DIF_VAR_ARG5, "int64_t", false, 0 },
	{ "arg6", DIF_VAR_ARG6, "int64_t", false, 0 },
	{ "arg7", DIF_VAR_ARG7, "int64_t", false, 0 },
	{ "arg8", DIF_VAR_ARG8, "int64_t", false, 0 },
	{ "arg9", DIF_VAR_ARG9, "int64_t", false, 0 },
	{ "stackdepth", DIF_VAR_STACKDEPTH, "uint32_t", false, 0 },
	{ "caller", DIF_VAR_CALLER, "uintptr_t", false, 0 },
	{ "probeprov", DIF_VAR_PROBEPROV, "string", false, 0 },
	{ "probemod", DIF_VAR_PROBEMOD, "string", false, 0 },
	{ "probefunc", DIF_VAR_PROBEFUNC, "string", false, 0 },
	{ "probename", DIF_VAR_PROBENAME, "string", false, 0 },
	{ "pid", DIF_VAR_PID, "pid_t", false, 0 },
	{ "tid", DIF_VAR_TID, "id_t", false, 0 },
	{ "execname", DIF_VAR_EXECNAME, "string", false, 0 },
	{ "zonename", DIF_VAR_ZONENAME, "string", false, 0 },
	{ "walltimestamp", DIF_VAR_WALLTIMESTAMP, "int64_t", false, 0 },
	{ "ustackdepth", DIF_VAR_USTACKDEPTH, "uint32_t", false, V(1, 2, 0) },
	{ "ucaller", DIF_VAR_UCALLER, "uint64_t", false, V(1, 2, 0) },
	{ "ppid", DIF_VAR_PPID, "pid_t", false, 0 },
	{ "uid", DIF_VAR_UID, "uid_t", false, 0 },
	{ "gid", DIF_VAR_GID, "gid_t", false, 0 },
	{ "errno", DIF_VAR_ERRNO, "int", false, 0 },
	{ "execargs", DIF_VAR_EXECARGS, "string", false, 0 },
	{ "jid", DIF_VAR_JID, "int", false, V(1, 12, 0) },
	{ "jailname", DIF_VAR_JAILNAME, "string", false, V(1, 12, 0) },
	{ "vmname", DIF_VAR_VMNAME, "string", false, V(1, 13, 0) },
	{ "machtimestamp", DIF_VAR_MACHTIMESTAMP, "uint64_t", false, V(1, 13, 0) },
	{ "machctimestamp", DIF_VAR_MACHCTIMESTAMP, "uint64_t", false, V(1, 13, 0) },
	{ "cpucycles", DIF_VAR_CPUCYCLES, "uint64_t", false, V(1, 13, 0) },
	{ "cpuinstrs", DIF_VAR_CPUINSTRS, "uint64_t", false, V(1, 13, 0) },
	{ "vcycles", DIF_VAR_VCYCLES, "uint64_t", false, V(1, 13, 0) },
	{ "vinstrs", DIF_VAR_VINSTRS, "uint64_t", false, V(1, 13, 0) },
	{ "cpu", DIF_VAR_CPU, "int", false, V(1, 6, 3) },
};

bool dc_vers_parse(const char *s, uint32_t *v)
{
	unsigned long part[3] = { 0, 0, 0 };
	int n = 0;

	for (;;) {
		if (!isdigit((unsigned char)*s) || n == 3)
			return false;
		unsigned long x = 0;
		while (isdigit((unsigned char)*s)) {
			x = x * 10 + (unsigned long)(*s++ - '0');
			if (x > 255)
				return false;
		}
		part[n++] = x;
		if (*s == '\0')
			break;
		if (*s++ != '.')
			return false;
	}
	if (n < 2)
		return false;
	*v = DC_VERS(part[0], part[1], part[2]);
	return true;
}

const struct dcf_bvar *dc_builtin_var_at(const char *name, uint32_t vers)
{
	const struct dcf_bvar *b = dc_builtin_var(name);
	return b != NULL && b->vers <= vers ? b : NULL;
}


const struct dcf_bvar *dc_builtin_var(const char *name)
{
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (strcmp(vars[i].name, name) == 0)
			return &vars[i];
	return NULL;
}

struct dc_ty *dc_builtin_type(struct dc_program *p, const char *spec)
{
	if (strcmp(spec, "sym") == 0)
		return p->t_sym;
	if (strcmp(spec, "sym*") == 0)
		return dc_ty_ptr(p, p->t_sym);
	if (strcmp(spec, "string") == 0)
		return p->t_string;
	if (strcmp(spec, "void") == 0)
		return p->t_void;
	if (strcmp(spec, "void*") == 0)
		return p->t_voidp;
	if (strcmp(spec, "int") == 0)
		return p->t_int;
	if (strcmp(spec, "stack") == 0)
		return p->t_stack;
	if (strcmp(spec, "_symaddr") == 0)
		return p->t_symaddr;
	if (strcmp(spec, "_usymaddr") == 0)
		return p->t_usymaddr;
	struct dc_ty *t = dc_ty_lookup(p, spec);
	return t ? t : p->t_sym;
}

struct dc_ty *dc_builtin_var_type(struct dc_program *p, const struct dcf_bvar *b)
{
	if (b->is_array)
		return dc_ty_array(p, dc_builtin_type(p, b->type), 0);
	return dc_builtin_type(p, b->type);
}

bool dc_builtin_var_is_array(const struct dcf_bvar *b)
{
	return b->is_array;
}

struct dc_ty *dc_builtin_var_elem(struct dc_program *p, const struct dcf_bvar *b)
{
	return dc_builtin_type(p, b->type);
}

#define R DC_FF_RECORDS
#define W DC_FF_DESTRUCTIVE

static const struct dcf_func funcs[] = {
	/* subroutines (call ids) */
	{ "rand", DC_F_SUBR, 0, "", "int", 0, 0 },
	{ "mutex_owned", DC_F_SUBR, 1, "P", "int", 0, 0 },
	{ "mutex_owner", DC_F_SUBR, 2, "P", "sym*", 0, 0 },
	{ "mutex_type_adaptive", DC_F_SUBR, 3, "P", "int", 0, 0 },
	{ "mutex_type_spin", DC_F_SUBR, 4, "P", "int", 0, 0 },
	{ "rw_read_held", DC_F_SUBR, 5, "P", "int", 0, 0 },
	{ "rw_write_held", DC_F_SUBR, 6, "P", "int", 0, 0 },
	{ "rw_iswriter", DC_F_SUBR, 7, "P", "int", 0, 0 },
	{ "copyin", DC_F_SUBR, 8, "pi", "void*", 0, 0 },
	{ "copyinstr", DC_F_SUBR, 9, "p[i", "string", 0, 0 },
	{ "speculation", DC_F_SUBR, 10, "", "int", 0, 0 },
	{ "progenyof", DC_F_SUBR, 11, "i", "int", 0, 0 },
	{ "strlen", DC_F_SUBR, 12, "s", "size_t", 0, 0 },
	{ "copyout", DC_F_SUBR, 13, "Ppi", "void", W, 0 },
	{ "copyoutstr", DC_F_SUBR, 14, "spi", "void", W, 0 },
	{ "alloca", DC_F_SUBR, 15, "i", "void*", 0, 0 },
	{ "bcopy", DC_F_SUBR, 16, "PPi", "void", 0, 0 },
	{ "copyinto", DC_F_SUBR, 17, "piP", "void", 0, 0 },
	{ "msgdsize", DC_F_SUBR, 18, "P", "size_t", 0, 0 },
	{ "msgsize", DC_F_SUBR, 19, "P", "size_t", 0, 0 },
	{ "getmajor", DC_F_SUBR, 20, "i", "uint32_t", 0, 0 },
	{ "getminor", DC_F_SUBR, 21, "i", "uint32_t", 0, 0 },
	{ "ddi_pathname", DC_F_SUBR, 22, "Pi", "string", 0, 0 },
	{ "strjoin", DC_F_SUBR, 23, "ss", "string", 0, 0 },
	{ "lltostr", DC_F_SUBR, 24, "i[i", "string", 0, 0 },
	{ "basename", DC_F_SUBR, 25, "s", "string", 0, 0 },
	{ "dirname", DC_F_SUBR, 26, "s", "string", 0, 0 },
	{ "cleanpath", DC_F_SUBR, 27, "s", "string", 0, 0 },
	{ "strchr", DC_F_SUBR, 28, "sc", "string", 0, V(1, 1, 0) },
	{ "strrchr", DC_F_SUBR, 29, "sc", "string", 0, V(1, 1, 0) },
	{ "strstr", DC_F_SUBR, 30, "ss", "string", 0, V(1, 1, 0) },
	{ "strtok", DC_F_SUBR, 31, "ss", "string", 0, V(1, 1, 0) },
	{ "substr", DC_F_SUBR, 32, "si[i", "string", 0, V(1, 1, 0) },
	{ "index", DC_F_SUBR, 33, "ss[i", "int", 0, V(1, 1, 0) },
	{ "rindex", DC_F_SUBR, 34, "ss[i", "int", 0, V(1, 1, 0) },
	{ "htons", DC_F_SUBR, 35, "i", "uint16_t", 0, V(1, 3, 0) },
	{ "htonl", DC_F_SUBR, 36, "i", "uint32_t", 0, V(1, 3, 0) },
	{ "htonll", DC_F_SUBR, 37, "i", "uint64_t", 0, V(1, 3, 0) },
	{ "ntohs", DC_F_SUBR, 38, "i", "uint16_t", 0, V(1, 3, 0) },
	{ "ntohl", DC_F_SUBR, 39, "i", "uint32_t", 0, V(1, 3, 0) },
	{ "ntohll", DC_F_SUBR, 40, "i", "uint64_t", 0, V(1, 3, 0) },
	{ "inet_ntop", DC_F_SUBR, 41, "iP", "string", 0, V(1, 5, 0) },
	{ "inet_ntoa", DC_F_SUBR, 42, "P", "string", 0, V(1, 5, 0) },
	{ "inet_ntoa6", DC_F_SUBR, 43, "P", "string", 0, V(1, 5, 0) },
	{ "toupper", DC_F_SUBR, 44, "s", "string", 0, V(1, 8, 0) },
	{ "tolower", DC_F_SUBR, 45, "s", "string", 0, V(1, 8, 0) },
	{ "memref", DC_F_SUBR, 46, "Pi", "sym*", 0, V(1, 1, 0) },
	{ "sx_shared_held", DC_F_SUBR, 47, "P", "int", 0, 0 },
	{ "sx_exclusive_held", DC_F_SUBR, 48, "P", "int", 0, 0 },
	{ "sx_isexclusive", DC_F_SUBR, 49, "P", "int", 0, 0 },
	{ "memstr", DC_F_SUBR, 50, "Pci", "string", 0, 0 },
	{ "getf", DC_F_SUBR, 51, "i", "sym*", 0, V(1, 10, 0) },
	{ "json", DC_F_SUBR, 52, "ss", "string", 0, V(1, 11, 0) },
	{ "strtoll", DC_F_SUBR, 53, "s[i", "int64_t", 0, V(1, 11, 0) },
	{ "vm_kernel_addrperm", DC_F_SUBR, 54, "Q", "uintptr_t", 0, V(1, 13, 0) },
	{ "mtons", DC_F_SUBR, DIF_SUBR_MTONS, "i", "uint64_t", 0, V(1, 13, 0) },
	{ "kvtophys", DC_F_SUBR, DIF_SUBR_KVTOPHYS, "p", "uint64_t", 0, V(1, 13, 0) },
	{ "physmem_read", DC_F_SUBR, DIF_SUBR_PHYSMEM_READ, "ii", "uint64_t", 0,
	  V(1, 13, 0) },
	{ "physmem_write", DC_F_SUBR, DIF_SUBR_PHYSMEM_WRITE, "iii", "void", W,
	  V(1, 13, 0) },
	/* actions (DT_ACT numbers) */
	{ "printf", DC_F_ACT, 0, "s.", "void", R, 0 },
	{ "trace", DC_F_ACT, 1, "@", "void", R, 0 },
	{ "tracemem", DC_F_ACT, 2, "", "void", R, 0 },
	{ "stack", DC_F_ACT, 3, "[i", "stack", R, 0 },
	{ "stop", DC_F_ACT, 4, "", "void", W, 0 },
	{ "breakpoint", DC_F_ACT, 5, "", "void", W, 0 },
	{ "panic", DC_F_ACT, 6, "", "void", W, 0 },
	{ "speculate", DC_F_ACT, 7, "i", "void", 0, 0 },
	{ "commit", DC_F_ACT, 8, "i", "void", 0, 0 },
	{ "discard", DC_F_ACT, 9, "i", "void", 0, 0 },
	{ "chill", DC_F_ACT, 10, "i", "void", W, 0 },
	{ "exit", DC_F_ACT, 11, "i", "void", R, 0 },
	{ "ustack", DC_F_ACT, 12, "[ii", "stack", R, 0 },
	{ "printa", DC_F_ACT, 13, "", "void", R, 0 },
	{ "raise", DC_F_ACT, 14, "i", "void", W, 0 },
	{ "clear", DC_F_ACT, 15, "", "void", R, 0 },
	{ "normalize", DC_F_ACT, 16, "", "void", R, 0 },
	{ "denormalize", DC_F_ACT, 17, "", "void", R, 0 },
	{ "trunc", DC_F_ACT, 18, "", "void", R, 0 },
	{ "system", DC_F_ACT, 19, "s.", "void", R | W, 0 },
	{ "jstack", DC_F_ACT, 20, "[ii", "stack", R, 0 },
	{ "ftruncate", DC_F_ACT, 21, "", "void", R, 0 },
	{ "freopen", DC_F_ACT, 22, "s.", "void", R | W, V(1, 1, 0) },
	{ "sym", DC_F_ACT, 23, "p", "_symaddr", R, V(1, 2, 0) },
	{ "func", DC_F_ACT, 23, "p", "_symaddr", R, V(1, 2, 0) },
	{ "mod", DC_F_ACT, 24, "p", "_symaddr", R, V(1, 2, 0) },
	{ "usym", DC_F_ACT, 25, "p", "_usymaddr", R, V(1, 2, 0) },
	{ "ufunc", DC_F_ACT, 25, "p", "_usymaddr", R, V(1, 2, 0) },
	{ "umod", DC_F_ACT, 26, "p", "_usymaddr", R, V(1, 2, 0) },
	{ "uaddr", DC_F_ACT, 27, "p", "_usymaddr", R, V(1, 2, 0) },
	{ "setopt", DC_F_ACT, 28, "s[s", "void", R, V(1, 2, 0) },
	{ "print", DC_F_ACT, 29, "@", "void", R, V(1, 9, 0) },
	{ "printm", DC_F_ACT, 30, "iP", "void", R, 0 },
	{ "livedump", DC_F_ACT, 31, "s", "void", R | W, V(1, 13, 0) },
	/* aggregating functions */
	{ "count", DC_F_AGG, DC_AGG_COUNT, "", "void", 0, 0 },
	{ "min", DC_F_AGG, DC_AGG_MIN, "a", "void", 0, 0 },
	{ "max", DC_F_AGG, DC_AGG_MAX, "a", "void", 0, 0 },
	{ "avg", DC_F_AGG, DC_AGG_AVG, "a", "void", 0, 0 },
	{ "sum", DC_F_AGG, DC_AGG_SUM, "a", "void", 0, 0 },
	{ "stddev", DC_F_AGG, DC_AGG_STDDEV, "a", "void", 0, V(1, 6, 0) },
	{ "quantize", DC_F_AGG, DC_AGG_QUANTIZE, "a[a", "void", 0, 0 },
	{ "lquantize", DC_F_AGG, DC_AGG_LQUANTIZE, "aii[ia", "void", 0, 0 },
	{ "llquantize", DC_F_AGG, DC_AGG_LLQUANTIZE, "aiiii[a", "void", 0, V(1, 7, 0) },
};

const struct dcf_func *dc_builtin_func(const char *name)
{
	for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		if (strcmp(funcs[i].name, name) == 0)
			return &funcs[i];
	return NULL;
}

const struct dcf_func *dc_builtin_func_at(const char *name, uint32_t vers)
{
	const struct dcf_func *f = dc_builtin_func(name);
	return f != NULL && f->vers <= vers ? f : NULL;
}

/*
 * Identifiers of DTrace's system libraries that dtc's own bundled library
 * (compiler/lib/NAME.d: curpsinfo, curlwpsinfo, curproc, PR_MODEL_*, R_*) does
 * not define yet: the front end accepts them, code generation says "not
 * built".
 */
static const char *const lib_idents[] = {
	"curcpu", "fds", "cpu_t", "chip", "lgrp", "pset",
	"NULL", "root", "cwd", "rootdir",
	/* signal and errno constants from the system D libraries */
	"SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGEMT",
	"SIGFPE", "SIGKILL", "SIGBUS", "SIGSEGV", "SIGSYS", "SIGPIPE", "SIGALRM",
	"SIGTERM", "SIGUSR1", "SIGUSR2", "SIGCHLD", "SIGPWR", "SIGWINCH", "SIGURG",
	"SIGPOLL", "SIGSTOP", "SIGTSTP", "SIGCONT", "SIGTTIN", "SIGTTOU",
	"SIGVTALRM", "SIGPROF", "SIGXCPU", "SIGXFSZ", "SIGIO", "SIGINFO",
	"EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC",
	"EBADF", "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "EBUSY",
	"EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE",
	"EMFILE", "ENOTTY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK",
	"EPIPE", "EDOM", "ERANGE", "ENOTSUP", "ETIMEDOUT",
	"B_READ", "B_WRITE", "B_ASYNC", "B_PHYS", "B_PAGEIO", "B_DONE",
	"SRUN", "SSLEEP", "SZOMB", "SSTOP", "SIDL", "SONPROC", "SWAIT",
	"AF_INET", "AF_INET6", "O_RDONLY", "O_WRONLY", "O_RDWR", "O_CREAT",
	"O_APPEND", "O_TRUNC", "O_EXCL", "O_NONBLOCK", "O_SYNC", "O_DSYNC",
	"O_LARGEFILE", "O_NOCTTY", "O_NOFOLLOW", "O_RSYNC",
	"PR_STOPPED", "PR_ISTOP", "PR_DSTOP", "PR_STEP", "PR_ASLEEP",
	"TS_FREE", "TS_SLEEP", "TS_RUN", "TS_ONPROC", "TS_ZOMB", "TS_STOPPED",
	"DTRACEFLT_UNKNOWN", "DTRACEFLT_BADADDR", "DTRACEFLT_BADALIGN",
	"DTRACEFLT_ILLOP", "DTRACEFLT_DIVZERO", "DTRACEFLT_NOSCRATCH", "DTRACEFLT_KPRIV",
	"DTRACEFLT_UPRIV", "DTRACEFLT_TUPOFLOW", "DTRACEFLT_BADSTACK", "DTRACEFLT_LIBRARY",
	"TCP_STATE_CLOSED", "TCP_STATE_LISTEN", "TCP_STATE_ESTABLISHED",
};

bool dc_library_ident(const char *name)
{
	for (size_t i = 0; i < sizeof(lib_idents) / sizeof(lib_idents[0]); i++)
		if (strcmp(lib_idents[i], name) == 0)
			return true;
	return false;
}

static const char *const providers[] = {
	"dtrace", "profile", "syscall", "fbt", "proc", "sched", "io", "lockstat",
	"plockstat", "sdt", "vminfo", "sysinfo", "fasttrap", "mib", "ip", "tcp",
	"udp", "iscsi", "nfsv3", "nfsv4", "fc", "srp", "xpv", "cpc", "kinst",
	"mach_trap", "objc", "pid", "usdt", "javascript", "python", "perl",
	"ruby", "php", "hotspot", "hotspot_jni", "vfs", "lockstat", "callout",
};

bool dc_known_provider(const char *name)
{
	for (size_t i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (strcmp(providers[i], name) == 0)
			return true;
	return false;
}

/*
 * VMCS field encodings (Intel SDM vol. 3, appendix B), the indexes of
 * vmregs[].  Bits 14:13 are the width (0 16-bit, 1 64-bit, 2 32-bit,
 * 3 natural), bits 11:10 the type (control, read-only exit data, guest,
 * host), bit 0 selects the high half of a 64-bit field.
 */
static const struct { const char *name; uint16_t enc; } vmcs_fields[] = {
	{ "VIRTUAL_PROCESSOR_ID", 0x0000 },
	{ "GUEST_ES_SELECTOR", 0x0800 }, { "GUEST_CS_SELECTOR", 0x0802 },
	{ "GUEST_SS_SELECTOR", 0x0804 }, { "GUEST_DS_SELECTOR", 0x0806 },
	{ "GUEST_FS_SELECTOR", 0x0808 }, { "GUEST_GS_SELECTOR", 0x080a },
	{ "GUEST_LDTR_SELECTOR", 0x080c }, { "GUEST_TR_SELECTOR", 0x080e },
	{ "HOST_ES_SELECTOR", 0x0c00 }, { "HOST_CS_SELECTOR", 0x0c02 },
	{ "HOST_SS_SELECTOR", 0x0c04 }, { "HOST_DS_SELECTOR", 0x0c06 },
	{ "HOST_FS_SELECTOR", 0x0c08 }, { "HOST_GS_SELECTOR", 0x0c0a },
	{ "HOST_TR_SELECTOR", 0x0c0c },
	{ "IO_BITMAP_A", 0x2000 }, { "IO_BITMAP_A_HIGH", 0x2001 },
	{ "IO_BITMAP_B", 0x2002 }, { "IO_BITMAP_B_HIGH", 0x2003 },
	{ "MSR_BITMAP", 0x2004 }, { "MSR_BITMAP_HIGH", 0x2005 },
	{ "VM_EXIT_MSR_STORE_ADDR", 0x2006 }, { "VM_EXIT_MSR_STORE_ADDR_HIGH", 0x2007 },
	{ "VM_EXIT_MSR_LOAD_ADDR", 0x2008 }, { "VM_EXIT_MSR_LOAD_ADDR_HIGH", 0x2009 },
	{ "VM_ENTRY_MSR_LOAD_ADDR", 0x200a }, { "VM_ENTRY_MSR_LOAD_ADDR_HIGH", 0x200b },
	{ "TSC_OFFSET", 0x2010 }, { "TSC_OFFSET_HIGH", 0x2011 },
	{ "VIRTUAL_APIC_PAGE_ADDR", 0x2012 }, { "VIRTUAL_APIC_PAGE_ADDR_HIGH", 0x2013 },
	{ "APIC_ACCESS_ADDR", 0x2014 }, { "APIC_ACCESS_ADDR_HIGH", 0x2015 },
	{ "EPT_POINTER", 0x201a }, { "EPT_POINTER_HIGH", 0x201b },
	{ "GUEST_PHYSICAL_ADDRESS", 0x2400 }, { "GUEST_PHYSICAL_ADDRESS_HIGH", 0x2401 },
	{ "VMCS_LINK_POINTER", 0x2800 }, { "VMCS_LINK_POINTER_HIGH", 0x2801 },
	{ "GUEST_IA32_DEBUGCTL", 0x2802 }, { "GUEST_IA32_DEBUGCTL_HIGH", 0x2803 },
	{ "GUEST_IA32_PAT", 0x2804 }, { "GUEST_IA32_PAT_HIGH", 0x2805 },
	{ "GUEST_IA32_EFER", 0x2806 }, { "GUEST_IA32_EFER_HIGH", 0x2807 },
	{ "GUEST_PDPTR0", 0x280a }, { "GUEST_PDPTR0_HIGH", 0x280b },
	{ "GUEST_PDPTR1", 0x280c }, { "GUEST_PDPTR1_HIGH", 0x280d },
	{ "GUEST_PDPTR2", 0x280e }, { "GUEST_PDPTR2_HIGH", 0x280f },
	{ "GUEST_PDPTR3", 0x2810 }, { "GUEST_PDPTR3_HIGH", 0x2811 },
	{ "HOST_IA32_PAT", 0x2c00 }, { "HOST_IA32_PAT_HIGH", 0x2c01 },
	{ "HOST_IA32_EFER", 0x2c02 }, { "HOST_IA32_EFER_HIGH", 0x2c03 },
	{ "PIN_BASED_VM_EXEC_CONTROL", 0x4000 }, { "CPU_BASED_VM_EXEC_CONTROL", 0x4002 },
	{ "EXCEPTION_BITMAP", 0x4004 }, { "PAGE_FAULT_ERROR_CODE_MASK", 0x4006 },
	{ "PAGE_FAULT_ERROR_CODE_MATCH", 0x4008 }, { "CR3_TARGET_COUNT", 0x400a },
	{ "VM_EXIT_CONTROLS", 0x400c }, { "VM_EXIT_MSR_STORE_COUNT", 0x400e },
	{ "VM_EXIT_MSR_LOAD_COUNT", 0x4010 }, { "VM_ENTRY_CONTROLS", 0x4012 },
	{ "VM_ENTRY_MSR_LOAD_COUNT", 0x4014 }, { "VM_ENTRY_INTR_INFO_FIELD", 0x4016 },
	{ "VM_ENTRY_EXCEPTION_ERROR_CODE", 0x4018 }, { "VM_ENTRY_INSTRUCTION_LEN", 0x401a },
	{ "TPR_THRESHOLD", 0x401c }, { "SECONDARY_VM_EXEC_CONTROL", 0x401e },
	{ "PLE_GAP", 0x4020 }, { "PLE_WINDOW", 0x4022 },
	{ "VM_INSTRUCTION_ERROR", 0x4400 }, { "VM_EXIT_REASON", 0x4402 },
	{ "VM_EXIT_INTR_INFO", 0x4404 }, { "VM_EXIT_INTR_ERROR_CODE", 0x4406 },
	{ "IDT_VECTORING_INFO_FIELD", 0x4408 }, { "IDT_VECTORING_ERROR_CODE", 0x440a },
	{ "VM_EXIT_INSTRUCTION_LEN", 0x440c }, { "VMX_INSTRUCTION_INFO", 0x440e },
	{ "GUEST_ES_LIMIT", 0x4800 }, { "GUEST_CS_LIMIT", 0x4802 },
	{ "GUEST_SS_LIMIT", 0x4804 }, { "GUEST_DS_LIMIT", 0x4806 },
	{ "GUEST_FS_LIMIT", 0x4808 }, { "GUEST_GS_LIMIT", 0x480a },
	{ "GUEST_LDTR_LIMIT", 0x480c }, { "GUEST_TR_LIMIT", 0x480e },
	{ "GUEST_GDTR_LIMIT", 0x4810 }, { "GUEST_IDTR_LIMIT", 0x4812 },
	{ "GUEST_ES_AR_BYTES", 0x4814 }, { "GUEST_CS_AR_BYTES", 0x4816 },
	{ "GUEST_SS_AR_BYTES", 0x4818 }, { "GUEST_DS_AR_BYTES", 0x481a },
	{ "GUEST_FS_AR_BYTES", 0x481c }, { "GUEST_GS_AR_BYTES", 0x481e },
	{ "GUEST_LDTR_AR_BYTES", 0x4820 }, { "GUEST_TR_AR_BYTES", 0x4822 },
	{ "GUEST_INTERRUPTIBILITY_INFO", 0x4824 }, { "GUEST_ACTIVITY_STATE", 0x4826 },
	{ "GUEST_SMBASE", 0x4828 }, { "GUEST_SYSENTER_CS", 0x482a },
	{ "VMX_PREEMPTION_TIMER_VALUE", 0x482e },
	{ "HOST_IA32_SYSENTER_CS", 0x4c00 },
	{ "CR0_GUEST_HOST_MASK", 0x6000 }, { "CR4_GUEST_HOST_MASK", 0x6002 },
	{ "CR0_READ_SHADOW", 0x6004 }, { "CR4_READ_SHADOW", 0x6006 },
	{ "CR3_TARGET_VALUE0", 0x6008 }, { "CR3_TARGET_VALUE1", 0x600a },
	{ "CR3_TARGET_VALUE2", 0x600c }, { "CR3_TARGET_VALUE3", 0x600e },
	{ "EXIT_QUALIFICATION", 0x6400 }, { "GUEST_LINEAR_ADDRESS", 0x640a },
	{ "GUEST_CR0", 0x6800 }, { "GUEST_CR3", 0x6802 }, { "GUEST_CR4", 0x6804 },
	{ "GUEST_ES_BASE", 0x6806 }, { "GUEST_CS_BASE", 0x6808 },
	{ "GUEST_SS_BASE", 0x680a }, { "GUEST_DS_BASE", 0x680c },
	{ "GUEST_FS_BASE", 0x680e }, { "GUEST_GS_BASE", 0x6810 },
	{ "GUEST_LDTR_BASE", 0x6812 }, { "GUEST_TR_BASE", 0x6814 },
	{ "GUEST_GDTR_BASE", 0x6816 }, { "GUEST_IDTR_BASE", 0x6818 },
	{ "GUEST_DR7", 0x681a }, { "GUEST_RSP", 0x681c }, { "GUEST_RIP", 0x681e },
	{ "GUEST_RFLAGS", 0x6820 }, { "GUEST_PENDING_DBG_EXCEPTIONS", 0x6822 },
	{ "GUEST_SYSENTER_ESP", 0x6824 }, { "GUEST_SYSENTER_EIP", 0x6826 },
	{ "HOST_CR0", 0x6c00 }, { "HOST_CR3", 0x6c02 }, { "HOST_CR4", 0x6c04 },
	{ "HOST_FS_BASE", 0x6c06 }, { "HOST_GS_BASE", 0x6c08 },
	{ "HOST_TR_BASE", 0x6c0a }, { "HOST_GDTR_BASE", 0x6c0c },
	{ "HOST_IDTR_BASE", 0x6c0e }, { "HOST_IA32_SYSENTER_ESP", 0x6c10 },
	{ "HOST_IA32_SYSENTER_EIP", 0x6c12 }, { "HOST_RSP", 0x6c14 },
	{ "HOST_RIP", 0x6c16 },
};

bool dc_library_const(const char *name, int64_t *val)
{
	if (strncmp(name, "VMX_", 4) != 0)
		return false;
	for (size_t i = 0; i < sizeof(vmcs_fields) / sizeof(vmcs_fields[0]); i++)
		if (strcmp(vmcs_fields[i].name, name + 4) == 0) {
			*val = vmcs_fields[i].enc;
			return true;
		}
	return false;
}
