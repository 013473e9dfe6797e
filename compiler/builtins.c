/*
 * builtins.c -- the tables behind identifiers the program does not declare:
 * built-in variables (with their DIF ids), subroutines, actions and
 * aggregating functions (with argument kinds), and the names D's system
 * libraries provide on every target (translated process/thread views,
 * errno and signal constants).  Values come from the D reference (§3-§5).
 */
#include <string.h>

#include "builtins.h"

static const struct dcf_bvar vars[] = {
	{ "args", 0x0000, "sym", true }, { "uregs", 0x0002, "uint64_t", true },
	{ "curthread", 0x0100, "sym*", false }, { "timestamp", 0x0101, "uint64_t", false },
	{ "vtimestamp", 0x0102, "uint64_t", false }, { "ipl", 0x0103, "uint_t", false },
	{ "epid", 0x0104, "uint_t", false }, { "id", 0x0105, "uint_t", false },
	{ "arg0", 0x0106, "int64_t", false }, { "arg1", 0x0107, "int64_t", false },
	{ "arg2", 0x0108, "int64_t", false }, { "arg3", 0x0109, "int64_t", false },
	{ "arg4", 0x010a, "int64_t", false }, { "arg5", 0x010b, "int64_t", false },
	{ "arg6", 0x010c, "int64_t", false }, { "arg7", 0x010d, "int64_t", false },
	{ "arg8", 0x010e, "int64_t", false }, { "arg9", 0x010f, "int64_t", false },
	{ "stackdepth", 0x0110, "uint32_t", false }, { "caller", 0x0111, "uintptr_t", false },
	{ "probeprov", 0x0112, "string", false }, { "probemod", 0x0113, "string", false },
	{ "probefunc", 0x0114, "string", false }, { "probename", 0x0115, "string", false },
	{ "pid", 0x0116, "pid_t", false }, { "tid", 0x0117, "id_t", false },
	{ "execname", 0x0118, "string", false }, { "zonename", 0x0119, "string", false },
	{ "walltimestamp", 0x011a, "int64_t", false },
	{ "ustackdepth", 0x011b, "uint32_t", false }, { "ucaller", 0x011c, "uint64_t", false },
	{ "ppid", 0x011d, "pid_t", false }, { "uid", 0x011e, "uid_t", false },
	{ "gid", 0x011f, "gid_t", false }, { "errno", 0x0120, "int", false },
	{ "execargs", 0x0121, "string", false }, { "jid", 0x0122, "int", false },
	{ "jailname", 0x0123, "string", false }, { "cpu", 0x0200, "int", false },
};

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
	{ "rand", DC_F_SUBR, 0, "", "int", 0 },
	{ "mutex_owned", DC_F_SUBR, 1, "P", "int", 0 },
	{ "mutex_owner", DC_F_SUBR, 2, "P", "sym*", 0 },
	{ "mutex_type_adaptive", DC_F_SUBR, 3, "P", "int", 0 },
	{ "mutex_type_spin", DC_F_SUBR, 4, "P", "int", 0 },
	{ "rw_read_held", DC_F_SUBR, 5, "P", "int", 0 },
	{ "rw_write_held", DC_F_SUBR, 6, "P", "int", 0 },
	{ "rw_iswriter", DC_F_SUBR, 7, "P", "int", 0 },
	{ "copyin", DC_F_SUBR, 8, "pi", "void*", 0 },
	{ "copyinstr", DC_F_SUBR, 9, "p[i", "string", 0 },
	{ "speculation", DC_F_SUBR, 10, "", "int", 0 },
	{ "progenyof", DC_F_SUBR, 11, "i", "int", 0 },
	{ "strlen", DC_F_SUBR, 12, "s", "size_t", 0 },
	{ "copyout", DC_F_SUBR, 13, "Ppi", "void", W },
	{ "copyoutstr", DC_F_SUBR, 14, "spi", "void", W },
	{ "alloca", DC_F_SUBR, 15, "i", "void*", 0 },
	{ "bcopy", DC_F_SUBR, 16, "PPi", "void", 0 },
	{ "copyinto", DC_F_SUBR, 17, "piP", "void", 0 },
	{ "msgdsize", DC_F_SUBR, 18, "P", "size_t", 0 },
	{ "msgsize", DC_F_SUBR, 19, "P", "size_t", 0 },
	{ "getmajor", DC_F_SUBR, 20, "i", "uint32_t", 0 },
	{ "getminor", DC_F_SUBR, 21, "i", "uint32_t", 0 },
	{ "ddi_pathname", DC_F_SUBR, 22, "Pi", "string", 0 },
	{ "strjoin", DC_F_SUBR, 23, "ss", "string", 0 },
	{ "lltostr", DC_F_SUBR, 24, "i[i", "string", 0 },
	{ "basename", DC_F_SUBR, 25, "s", "string", 0 },
	{ "dirname", DC_F_SUBR, 26, "s", "string", 0 },
	{ "cleanpath", DC_F_SUBR, 27, "s", "string", 0 },
	{ "strchr", DC_F_SUBR, 28, "sc", "string", 0 },
	{ "strrchr", DC_F_SUBR, 29, "sc", "string", 0 },
	{ "strstr", DC_F_SUBR, 30, "ss", "string", 0 },
	{ "strtok", DC_F_SUBR, 31, "ss", "string", 0 },
	{ "substr", DC_F_SUBR, 32, "si[i", "string", 0 },
	{ "index", DC_F_SUBR, 33, "ss[i", "int", 0 },
	{ "rindex", DC_F_SUBR, 34, "ss[i", "int", 0 },
	{ "htons", DC_F_SUBR, 35, "i", "uint16_t", 0 },
	{ "htonl", DC_F_SUBR, 36, "i", "uint32_t", 0 },
	{ "htonll", DC_F_SUBR, 37, "i", "uint64_t", 0 },
	{ "ntohs", DC_F_SUBR, 38, "i", "uint16_t", 0 },
	{ "ntohl", DC_F_SUBR, 39, "i", "uint32_t", 0 },
	{ "ntohll", DC_F_SUBR, 40, "i", "uint64_t", 0 },
	{ "inet_ntop", DC_F_SUBR, 41, "iP", "string", 0 },
	{ "inet_ntoa", DC_F_SUBR, 42, "P", "string", 0 },
	{ "inet_ntoa6", DC_F_SUBR, 43, "P", "string", 0 },
	{ "toupper", DC_F_SUBR, 44, "s", "string", 0 },
	{ "tolower", DC_F_SUBR, 45, "s", "string", 0 },
	{ "memref", DC_F_SUBR, 46, "Pi", "sym*", 0 },
	{ "sx_shared_held", DC_F_SUBR, 47, "P", "int", 0 },
	{ "sx_exclusive_held", DC_F_SUBR, 48, "P", "int", 0 },
	{ "sx_isexclusive", DC_F_SUBR, 49, "P", "int", 0 },
	{ "memstr", DC_F_SUBR, 50, "Pci", "string", 0 },
	{ "getf", DC_F_SUBR, 51, "i", "sym*", 0 },
	{ "json", DC_F_SUBR, 52, "ss", "string", 0 },
	{ "strtoll", DC_F_SUBR, 53, "s[i", "int64_t", 0 },
	{ "vm_kernel_addrperm", DC_F_SUBR, 54, "Q", "uintptr_t", 0 },
	/* actions (DT_ACT numbers) */
	{ "printf", DC_F_ACT, 0, "s.", "void", R },
	{ "trace", DC_F_ACT, 1, "@", "void", R },
	{ "tracemem", DC_F_ACT, 2, "", "void", R },
	{ "stack", DC_F_ACT, 3, "[i", "stack", R },
	{ "stop", DC_F_ACT, 4, "", "void", W },
	{ "breakpoint", DC_F_ACT, 5, "", "void", W },
	{ "panic", DC_F_ACT, 6, "", "void", W },
	{ "speculate", DC_F_ACT, 7, "i", "void", 0 },
	{ "commit", DC_F_ACT, 8, "i", "void", 0 },
	{ "discard", DC_F_ACT, 9, "i", "void", 0 },
	{ "chill", DC_F_ACT, 10, "i", "void", W },
	{ "exit", DC_F_ACT, 11, "i", "void", R },
	{ "ustack", DC_F_ACT, 12, "[ii", "stack", R },
	{ "printa", DC_F_ACT, 13, "", "void", R },
	{ "raise", DC_F_ACT, 14, "i", "void", W },
	{ "clear", DC_F_ACT, 15, "", "void", R },
	{ "normalize", DC_F_ACT, 16, "", "void", R },
	{ "denormalize", DC_F_ACT, 17, "", "void", R },
	{ "trunc", DC_F_ACT, 18, "", "void", R },
	{ "system", DC_F_ACT, 19, "s.", "void", R | W },
	{ "jstack", DC_F_ACT, 20, "[ii", "stack", R },
	{ "ftruncate", DC_F_ACT, 21, "", "void", R },
	{ "freopen", DC_F_ACT, 22, "s.", "void", R | W },
	{ "sym", DC_F_ACT, 23, "p", "_symaddr", R },
	{ "func", DC_F_ACT, 23, "p", "_symaddr", R },
	{ "mod", DC_F_ACT, 24, "p", "_symaddr", R },
	{ "usym", DC_F_ACT, 25, "p", "_usymaddr", R },
	{ "ufunc", DC_F_ACT, 25, "p", "_usymaddr", R },
	{ "umod", DC_F_ACT, 26, "p", "_usymaddr", R },
	{ "uaddr", DC_F_ACT, 27, "p", "_usymaddr", R },
	{ "setopt", DC_F_ACT, 28, "s[s", "void", R },
	{ "print", DC_F_ACT, 29, "@", "void", R },
	{ "printm", DC_F_ACT, 30, "iP", "void", R },
	/* aggregating functions */
	{ "count", DC_F_AGG, DC_AGG_COUNT, "", "void", 0 },
	{ "min", DC_F_AGG, DC_AGG_MIN, "a", "void", 0 },
	{ "max", DC_F_AGG, DC_AGG_MAX, "a", "void", 0 },
	{ "avg", DC_F_AGG, DC_AGG_AVG, "a", "void", 0 },
	{ "sum", DC_F_AGG, DC_AGG_SUM, "a", "void", 0 },
	{ "stddev", DC_F_AGG, DC_AGG_STDDEV, "a", "void", 0 },
	{ "quantize", DC_F_AGG, DC_AGG_QUANTIZE, "a[a", "void", 0 },
	{ "lquantize", DC_F_AGG, DC_AGG_LQUANTIZE, "aii[ia", "void", 0 },
	{ "llquantize", DC_F_AGG, DC_AGG_LLQUANTIZE, "aiiii[a", "void", 0 },
};

const struct dcf_func *dc_builtin_func(const char *name)
{
	for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		if (strcmp(funcs[i].name, name) == 0)
			return &funcs[i];
	return NULL;
}

/* Identifiers defined by D's system libraries (translators, inlines). */
static const char *const lib_idents[] = {
	"curpsinfo", "curlwpsinfo", "curcpu", "fds", "cpu_t", "chip", "lgrp", "pset",
	"NULL", "root", "cwd", "rootdir", "curproc",
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
	"PR_MODEL_ILP32", "PR_MODEL_LP64", "PR_MODEL_NATIVE", "PR_MODEL_UNKNOWN",
	"R_GS", "R_FS", "R_ES", "R_DS", "R_EDI", "R_ESI", "R_EBP", "R_ESP", "R_EBX",
	"R_EDX", "R_ECX", "R_EAX", "R_TRAPNO", "R_ERR", "R_EIP", "R_CS", "R_EFL",
	"R_UESP", "R_SS", "R_PC", "R_SP", "R_FP", "R_PS", "R_R0", "R_R1", "R_RAX",
	"R_RBX", "R_RCX", "R_RDX", "R_RSI", "R_RDI", "R_RBP", "R_RSP", "R_R8", "R_R9",
	"R_R10", "R_R11", "R_R12", "R_R13", "R_R14", "R_R15", "R_RIP", "R_RFL",
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
