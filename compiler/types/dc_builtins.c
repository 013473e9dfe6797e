/*
 * dc_builtins.c -- the built-in identifiers of D with their types: the
 * built-in variables (DIF_BUILTIN_VARS of dif.h), the subroutines (called
 * with `call`), the action functions (DT_ACT library ids) and the
 * aggregating functions, each with a prototype that dc_func__check_args
 * applies.
 *
 * Prototypes are written as text and parsed with dc_typesys__parse when
 * the type system is created, so they read like the reference tables.
 * Target-dependent types are written as "$name" placeholders and replaced
 * by the spelling of the target flavour (dc_types_opts.os): `$thread` is
 * "struct thread" on FreeBSD, "kthread_t" on illumos.  Either way the
 * result is a symbolic target type -- the compiler never needs its layout.
 *
 * Argument mini-language (one argument per ';'-separated item; a leading
 * '?' makes it optional, a trailing "..." item means more may follow):
 *   @ any non-void value      S scalar        I integer     P address
 *   F string constant         A aggregation   K integer constant
 *   T:<type>  assignable to <type>
 *
 * Read next: docs/d-types.md.
 */
#include <stdio.h>
#include <string.h>

#include "dif/dif.h"
#include "dc_types_impl.h"

struct placeholder {
	const char	*name;
	const char	*freebsd, *illumos, *linux_;
};

static const struct placeholder placeholders[] = {
	{ "$thread", "struct thread", "kthread_t", "struct task_struct" },
	{ "$mutex", "struct mtx", "kmutex_t", "struct mutex" },
	{ "$rwlock", "struct rwlock", "krwlock_t", "struct rw_semaphore" },
	{ "$sx", "struct sx", "krwlock_t", "struct rw_semaphore" },
	{ "$mblk", "struct mbuf", "mblk_t", "struct sk_buff" },
	{ "$file", "struct file", "file_t", "struct file" },
	{ "$in6", "struct in6_addr", "in6_addr_t", "struct in6_addr" },
	{ "$inaddr", "in_addr_t", "ipaddr_t", "in_addr_t" },
};

/* Expand placeholders of `text` into buf for the target flavour. */
static const char *
expand(const struct dc_typesys *ts, const char *text, char *buf, size_t n)
{
	size_t o = 0;

	while (*text != '\0' && o + 1 < n) {
		bool done = false;

		for (size_t i = 0; *text == '$' && i < sizeof(placeholders) /
		    sizeof(placeholders[0]); i++) {
			const struct placeholder *p = &placeholders[i];
			size_t pl = strlen(p->name);

			if (strncmp(text, p->name, pl) != 0)
				continue;
			const char *rep = ts->os == DC_OS_ILLUMOS ? p->illumos :
			    ts->os == DC_OS_LINUX ? p->linux_ : p->freebsd;
			size_t rl = strlen(rep);

			if (o + rl + 1 >= n)
				return NULL;
			memcpy(buf + o, rep, rl);
			o += rl;
			text += pl;
			done = true;
			break;
		}
		if (!done)
			buf[o++] = *text++;
	}
	buf[o] = '\0';
	return *text == '\0' ? buf : NULL;
}

static const struct dc_type *
ptype(struct dc_typesys *ts, const char *text)
{
	char buf[128];
	const char *s = expand(ts, text, buf, sizeof(buf));

	if (s == NULL)
		return NULL;
	if (strchr(s, '`') == NULL && ts->os == DC_OS_ILLUMOS) {
		/* illumos spellings are bare typedef names: make sure they are
		   known as symbolic names before parsing. */
		char word[64];
		size_t l = strcspn(s, " *");

		if (l < sizeof(word)) {
			memcpy(word, s, l);
			word[l] = '\0';
			if (dc_tys_lookup_word(ts, word) == NULL &&
			    strcmp(word, "struct") != 0)
				dc_typesys__declare_extern(ts, word);
		}
	}
	return dc_typesys__parse(ts, s, strlen(s), NULL);
}

/* ---- variables ---------------------------------------------------------- */

struct var_row {
	uint16_t	id;
	const char	*name;
	const char	*type;
	uint32_t	flags;
};

static const struct var_row var_rows[] = {
	{ DIF_VAR_ARGS, "args", NULL, DC_BV_ARRAY },
	{ DIF_VAR_REGS, "regs", "uint64_t", DC_BV_ARRAY | DC_BV_NOD },
	{ DIF_VAR_UREGS, "uregs", "uint64_t", DC_BV_ARRAY },
	{ DIF_VAR_VMREGS, "vmregs", "uint64_t", DC_BV_ARRAY },
	{ DIF_VAR_CURTHREAD, "curthread", "$thread *", 0 },
	{ DIF_VAR_TIMESTAMP, "timestamp", "uint64_t", 0 },
	{ DIF_VAR_VTIMESTAMP, "vtimestamp", "uint64_t", 0 },
	{ DIF_VAR_IPL, "ipl", "uint_t", 0 },
	{ DIF_VAR_EPID, "epid", "uint_t", 0 },
	{ DIF_VAR_ID, "id", "uint_t", 0 },
	{ DIF_VAR_ARG0, "arg0", "int64_t", 0 },
	{ DIF_VAR_ARG1, "arg1", "int64_t", 0 },
	{ DIF_VAR_ARG2, "arg2", "int64_t", 0 },
	{ DIF_VAR_ARG3, "arg3", "int64_t", 0 },
	{ DIF_VAR_ARG4, "arg4", "int64_t", 0 },
	{ DIF_VAR_ARG5, "arg5", "int64_t", 0 },
	{ DIF_VAR_ARG6, "arg6", "int64_t", 0 },
	{ DIF_VAR_ARG7, "arg7", "int64_t", 0 },
	{ DIF_VAR_ARG8, "arg8", "int64_t", 0 },
	{ DIF_VAR_ARG9, "arg9", "int64_t", 0 },
	{ DIF_VAR_STACKDEPTH, "stackdepth", "uint32_t", 0 },
	{ DIF_VAR_CALLER, "caller", "uintptr_t", 0 },
	{ DIF_VAR_PROBEPROV, "probeprov", "string", 0 },
	{ DIF_VAR_PROBEMOD, "probemod", "string", 0 },
	{ DIF_VAR_PROBEFUNC, "probefunc", "string", 0 },
	{ DIF_VAR_PROBENAME, "probename", "string", 0 },
	{ DIF_VAR_PID, "pid", "pid_t", 0 },
	{ DIF_VAR_TID, "tid", "id_t", 0 },
	{ DIF_VAR_EXECNAME, "execname", "string", 0 },
	{ DIF_VAR_ZONENAME, "zonename", "string", 0 },
	{ DIF_VAR_WALLTIMESTAMP, "walltimestamp", "int64_t", 0 },
	{ DIF_VAR_USTACKDEPTH, "ustackdepth", "uint32_t", 0 },
	{ DIF_VAR_UCALLER, "ucaller", "uint64_t", 0 },
	{ DIF_VAR_PPID, "ppid", "pid_t", 0 },
	{ DIF_VAR_UID, "uid", "uid_t", 0 },
	{ DIF_VAR_GID, "gid", "gid_t", 0 },
	{ DIF_VAR_ERRNO, "errno", "int", 0 },
	{ DIF_VAR_EXECARGS, "execargs", "string", DC_BV_FREEBSD },
	{ DIF_VAR_JID, "jid", "int", DC_BV_FREEBSD },
	{ DIF_VAR_JAILNAME, "jailname", "string", DC_BV_FREEBSD },
	{ DIF_VAR_VMNAME, "vmname", "string", 0 },
	{ DIF_VAR_MACHTIMESTAMP, "machtimestamp", "uint64_t", 0 },
	{ DIF_VAR_MACHCTIMESTAMP, "machctimestamp", "uint64_t", 0 },
	{ DIF_VAR_CPUCYCLES, "cpucycles", "uint64_t", 0 },
	{ DIF_VAR_CPUINSTRS, "cpuinstrs", "uint64_t", 0 },
	{ DIF_VAR_VCYCLES, "vcycles", "uint64_t", 0 },
	{ DIF_VAR_VINSTRS, "vinstrs", "uint64_t", 0 },
	{ DIF_VAR_CPU, "cpu", "int", 0 },
};

/* ---- functions ---------------------------------------------------------- */

struct func_row {
	const char		*name;
	enum dc_func_class	cls;
	uint16_t		id;
	const char		*ret;
	const char		*args;
	uint32_t		flags;
};

#define SUBR(n, id, ret, args)	{ n, DC_FN_SUBR, DIF_SUBR_##id, ret, args, 0 }
#define SUBRF(n, id, ret, args, f) { n, DC_FN_SUBR, DIF_SUBR_##id, ret, args, f }
#define ACT(n, id, args)	{ n, DC_FN_ACTION, DIF_LIBACT_##id, "void", args, 0 }
#define ACTR(n, id, ret, args)	{ n, DC_FN_ACTION, DIF_LIBACT_##id, ret, args, 0 }
#define AGG(n, id, args)	{ n, DC_FN_AGG, DIF_ACT_##id, "void", args, 0 }

static const struct func_row func_rows[] = {
	SUBR("rand", RAND, "int", ""),
	SUBR("mutex_owned", MUTEX_OWNED, "int", "T:$mutex *"),
	SUBR("mutex_owner", MUTEX_OWNER, "$thread *", "T:$mutex *"),
	SUBR("mutex_type_adaptive", MUTEX_TYPE_ADAPTIVE, "int", "T:$mutex *"),
	SUBR("mutex_type_spin", MUTEX_TYPE_SPIN, "int", "T:$mutex *"),
	SUBR("rw_read_held", RW_READ_HELD, "int", "T:$rwlock *"),
	SUBR("rw_write_held", RW_WRITE_HELD, "int", "T:$rwlock *"),
	SUBR("rw_iswriter", RW_ISWRITER, "int", "T:$rwlock *"),
	SUBR("copyin", COPYIN, "void *", "T:uintptr_t;T:size_t"),
	SUBR("copyinstr", COPYINSTR, "string", "T:uintptr_t;?T:size_t"),
	SUBR("speculation", SPECULATION, "int", ""),
	SUBR("progenyof", PROGENYOF, "int", "T:pid_t"),
	SUBR("strlen", STRLEN, "size_t", "T:const char *"),
	SUBR("copyout", COPYOUT, "void", "T:void *;T:uintptr_t;T:size_t"),
	SUBR("copyoutstr", COPYOUTSTR, "void", "T:char *;T:uintptr_t;T:size_t"),
	SUBR("alloca", ALLOCA, "void *", "T:size_t"),
	SUBR("bcopy", BCOPY, "void", "T:void *;T:void *;T:size_t"),
	SUBR("copyinto", COPYINTO, "void", "T:uintptr_t;T:size_t;T:void *"),
	SUBRF("msgdsize", MSGDSIZE, "size_t", "T:$mblk *", DC_BV_ILLUMOS),
	SUBRF("msgsize", MSGSIZE, "size_t", "T:$mblk *", DC_BV_ILLUMOS),
	SUBR("getmajor", GETMAJOR, "major_t", "T:dev_t"),
	SUBR("getminor", GETMINOR, "minor_t", "T:dev_t"),
	SUBRF("ddi_pathname", DDI_PATHNAME, "string", "T:void *;T:int64_t",
	    DC_BV_ILLUMOS),
	SUBR("strjoin", STRJOIN, "string", "T:const char *;T:const char *"),
	SUBR("lltostr", LLTOSTR, "string", "T:int64_t;?T:int"),
	SUBR("basename", BASENAME, "string", "T:const char *"),
	SUBR("dirname", DIRNAME, "string", "T:const char *"),
	SUBR("cleanpath", CLEANPATH, "string", "T:const char *"),
	SUBR("strchr", STRCHR, "string", "T:const char *;T:char"),
	SUBR("strrchr", STRRCHR, "string", "T:const char *;T:char"),
	SUBR("strstr", STRSTR, "string", "T:const char *;T:const char *"),
	SUBR("strtok", STRTOK, "string", "T:const char *;T:const char *"),
	SUBR("substr", SUBSTR, "string", "T:const char *;T:int;?T:int"),
	SUBR("index", INDEX, "int", "T:const char *;T:const char *;?T:int"),
	SUBR("rindex", RINDEX, "int", "T:const char *;T:const char *;?T:int"),
	SUBR("htons", HTONS, "uint16_t", "T:uint16_t"),
	SUBR("htonl", HTONL, "uint32_t", "T:uint32_t"),
	SUBR("htonll", HTONLL, "uint64_t", "T:uint64_t"),
	SUBR("ntohs", NTOHS, "uint16_t", "T:uint16_t"),
	SUBR("ntohl", NTOHL, "uint32_t", "T:uint32_t"),
	SUBR("ntohll", NTOHLL, "uint64_t", "T:uint64_t"),
	SUBR("inet_ntop", INET_NTOP, "string", "T:int;T:void *"),
	SUBR("inet_ntoa", INET_NTOA, "string", "T:$inaddr *"),
	SUBR("inet_ntoa6", INET_NTOA6, "string", "T:$in6 *"),
	SUBR("toupper", TOUPPER, "string", "T:const char *"),
	SUBR("tolower", TOLOWER, "string", "T:const char *"),
	SUBRF("memref", MEMREF, "uintptr_t *", "T:void *;T:size_t", DC_BV_FREEBSD),
	SUBRF("sx_shared_held", SX_SHARED_HELD, "int", "T:$sx *", DC_BV_FREEBSD),
	SUBRF("sx_exclusive_held", SX_EXCLUSIVE_HELD, "int", "T:$sx *",
	    DC_BV_FREEBSD),
	SUBRF("sx_isexclusive", SX_ISEXCLUSIVE, "int", "T:$sx *", DC_BV_FREEBSD),
	SUBRF("memstr", MEMSTR, "string", "T:void *;T:char;T:size_t",
	    DC_BV_FREEBSD),
	SUBR("getf", GETF, "$file *", "T:int"),
	SUBR("json", JSON, "string", "T:const char *;T:const char *"),
	SUBR("strtoll", STRTOLL, "int64_t", "T:const char *;?T:int"),
	SUBR("vm_kernel_addrperm", VM_KERNEL_ADDRPERM, "uintptr_t", "T:uintptr_t"),
	SUBR("mtons", MTONS, "uint64_t", "T:uint64_t"),
	SUBR("kvtophys", KVTOPHYS, "uint64_t", "T:uintptr_t"),
	SUBR("physmem_read", PHYSMEM_READ, "uint64_t", "T:uint64_t;T:size_t"),
	SUBR("physmem_write", PHYSMEM_WRITE, "void", "T:uint64_t;T:uint64_t;T:size_t"),

	ACT("printf", PRINTF, "F;..."),
	ACT("trace", TRACE, "@"),
	ACT("tracemem", TRACEMEM, "P;K;?S"),
	ACTR("stack", STACK, "stack", "?K"),
	ACT("stop", STOP, ""),
	ACT("breakpoint", BREAKPOINT, ""),
	ACT("panic", PANIC, ""),
	ACT("speculate", SPECULATE, "T:int"),
	ACT("commit", COMMIT, "T:int"),
	ACT("discard", DISCARD, "T:int"),
	ACT("chill", CHILL, "T:int"),
	ACT("exit", EXIT, "T:int"),
	ACTR("ustack", USTACK, "stack", "?K;?K"),
	ACT("printa", PRINTA, "@;..."),
	ACT("raise", RAISE, "T:int"),
	ACT("clear", CLEAR, "A"),
	ACT("normalize", NORMALIZE, "A;S"),
	ACT("denormalize", DENORMALIZE, "A"),
	ACT("trunc", TRUNC, "A;?S"),
	ACT("system", SYSTEM, "F;..."),
	ACTR("jstack", JSTACK, "stack", "?K;?K"),
	ACT("ftruncate", FTRUNCATE, ""),
	ACT("freopen", FREOPEN, "F;..."),
	ACTR("sym", SYM, "_symaddr", "T:uintptr_t"),
	ACTR("func", SYM, "_symaddr", "T:uintptr_t"),
	ACTR("mod", MOD, "_symaddr", "T:uintptr_t"),
	ACTR("usym", USYM, "_usymaddr", "T:uintptr_t"),
	ACTR("ufunc", USYM, "_usymaddr", "T:uintptr_t"),
	ACTR("umod", UMOD, "_usymaddr", "T:uintptr_t"),
	ACTR("uaddr", UADDR, "_usymaddr", "T:uintptr_t"),
	ACT("setopt", SETOPT, "T:const char *;?T:const char *"),
	ACT("print", PRINT, "@"),
	{ "printm", DC_FN_ACTION, DIF_LIBACT_PRINTM, "void",
	    "T:size_t;T:uintptr_t *", DC_BV_FREEBSD },
	{ "livedump", DC_FN_ACTION, DIF_LIBACT_LIVEDUMP, "void",
	    "T:const char *", 0 },

	AGG("count", COUNT, ""),
	AGG("min", MIN, "@"),
	AGG("max", MAX, "@"),
	AGG("avg", AVG, "@"),
	AGG("sum", SUM, "@"),
	AGG("stddev", STDDEV, "@"),
	AGG("quantize", QUANTIZE, "@;?S"),
	AGG("lquantize", LQUANTIZE, "@;K;K;?K;?S"),
	AGG("llquantize", LLQUANTIZE, "@;K;K;K;K;?S"),
};

static int
parse_args(struct dc_typesys *ts, struct dc_func *fn, const char *spec)
{
	struct dc_farg tmp[8];
	uint8_t n = 0, nreq = 0;
	char item[64];

	while (*spec != '\0') {
		size_t l = strcspn(spec, ";");
		const char *s = item;
		bool opt = false;

		if (l >= sizeof(item) || n == 8)
			return -1;
		memcpy(item, spec, l);
		item[l] = '\0';
		spec += l + (spec[l] == ';');
		if (strcmp(item, "...") == 0) {
			fn->varargs = true;
			continue;
		}
		if (*s == '?') {
			opt = true;
			s++;
		}
		memset(&tmp[n], 0, sizeof(tmp[n]));
		switch (*s) {
		case '@': tmp[n].kind = DC_FA_ANY; break;
		case 'S': tmp[n].kind = DC_FA_SCALAR; break;
		case 'I': tmp[n].kind = DC_FA_INT; break;
		case 'P': tmp[n].kind = DC_FA_PTR; break;
		case 'F': tmp[n].kind = DC_FA_STRCONST; break;
		case 'A': tmp[n].kind = DC_FA_AGG; break;
		case 'K': tmp[n].kind = DC_FA_INTCONST; break;
		case 'T':
			tmp[n].kind = DC_FA_TYPE;
			tmp[n].type = ptype(ts, s + 2);
			if (tmp[n].type == NULL)
				return -1;
			break;
		default:
			return -1;
		}
		if (!opt)
			nreq = n + 1;
		n++;
	}
	fn->nargs = n;
	fn->nreq = nreq;
	if (n != 0) {
		struct dc_farg *a = dc_typesys__alloc(ts, n * sizeof(*a));

		if (a == NULL)
			return -1;
		memcpy(a, tmp, n * sizeof(*a));
		fn->args = a;
	}
	return 0;
}

int
dc_tys_builtins_init(struct dc_typesys *ts)
{
	const struct dc_type *argtype = dc_tys_extmember(ts, NULL, "args[]");

	for (size_t i = 0; i < sizeof(var_rows) / sizeof(var_rows[0]); i++) {
		const struct var_row *r = &var_rows[i];
		struct dc_builtin_var *v = dc_typesys__alloc(ts, sizeof(*v));

		if (v == NULL)
			return -1;
		v->name = r->name;
		v->id = r->id;
		v->flags = r->flags;
		v->type = r->type != NULL ? ptype(ts, r->type) : argtype;
		if (v->type == NULL ||
		    dc_tys_map_put(ts, &ts->builtins, r->name, v) != 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof(func_rows) / sizeof(func_rows[0]); i++) {
		const struct func_row *r = &func_rows[i];
		struct dc_func *f = dc_typesys__alloc(ts, sizeof(*f));

		if (f == NULL)
			return -1;
		f->name = r->name;
		f->cls = r->cls;
		f->id = r->id;
		f->flags = r->flags;
		f->ret = ptype(ts, r->ret);
		if (f->ret == NULL || parse_args(ts, f, r->args) != 0 ||
		    dc_tys_map_put(ts, &ts->funcs, r->name, f) != 0)
			return -1;
	}
	ts->builtins_ready = true;
	return 0;
}

const struct dc_builtin_var *
dc_typesys__builtin_var(struct dc_typesys *ts, const char *name)
{
	const struct dc_builtin_var *v = dc_tys_map_get(&ts->builtins, name);

	if (v == NULL || (v->flags & DC_BV_NOD))
		return NULL;
	return v;
}

const struct dc_func *
dc_typesys__builtin_func(struct dc_typesys *ts, const char *name)
{
	return dc_tys_map_get(&ts->funcs, name);
}

static bool
arg_ok(const struct dc_farg *fa, const struct dc_arg *a)
{
	const struct dc_type *r = dc_type__resolve(a->type);
	struct dc_operand op;

	if (fa->kind == DC_FA_AGG)
		return a->is_agg;
	if (a->is_agg || r == NULL)
		return false;
	switch (fa->kind) {
	case DC_FA_ANY:
		return r->kind != DC_TK_VOID;
	case DC_FA_SCALAR:
		return dc_type__is_scalar(r) || r->kind == DC_TK_DYN;
	case DC_FA_INT:
		return dc_type__is_integer(r);
	case DC_FA_PTR:
		return dc_type__is_scalar(r) || r->kind == DC_TK_ARRAY ||
		    r->kind == DC_TK_STRING;
	case DC_FA_STRCONST:
		return a->is_strconst;
	case DC_FA_INTCONST:
		return a->is_const && dc_type__is_integer(r);
	case DC_FA_TYPE:
		op.type = a->type;
		op.is_null_const = a->is_const && a->value == 0 &&
		    dc_type__is_integer(r);
		return dc_type__assignable(fa->type, &op);
	default:
		return false;
	}
}

int
dc_func__check_args(const struct dc_func *fn, const struct dc_arg *args,
		    size_t nargs, struct dc_terr *err)
{
	if (err != NULL)
		err->argno = 0;
	if (nargs < fn->nreq || (nargs > fn->nargs && !fn->varargs)) {
		if (fn->nreq == fn->nargs)
			return dc_tys_err(err, "D_PROTO_LEN",
			    "%s( ) prototype mismatch: %zu arg%s passed, %u "
			    "expected", fn->name, nargs, nargs == 1 ? "" : "s",
			    fn->nreq);
		return dc_tys_err(err, "D_PROTO_LEN",
		    "%s( ) prototype mismatch: %zu arg%s passed, %u to %u%s "
		    "expected", fn->name, nargs, nargs == 1 ? "" : "s",
		    fn->nreq, fn->nargs, fn->varargs ? " or more" : "");
	}
	for (size_t i = 0; i < nargs && i < fn->nargs; i++) {
		if (!arg_ok(&fn->args[i], &args[i])) {
			char want[128];

			if (fn->args[i].kind == DC_FA_TYPE)
				dc_type__name(fn->args[i].type, want, sizeof(want));
			else
				snprintf(want, sizeof(want), "%s",
				    fn->args[i].kind == DC_FA_AGG ? "aggregation" :
				    fn->args[i].kind == DC_FA_STRCONST ?
				    "string constant" :
				    fn->args[i].kind == DC_FA_INTCONST ?
				    "integer constant" :
				    fn->args[i].kind == DC_FA_INT ? "integer" :
				    fn->args[i].kind == DC_FA_SCALAR ? "scalar" :
				    fn->args[i].kind == DC_FA_PTR ? "address" :
				    "value");
			dc_tys_err(err, "D_PROTO_ARG",
			    "%s( ) argument #%zu is incompatible with "
			    "prototype: expected %s", fn->name, i + 1, want);
			if (err != NULL)
				err->argno = (int)i + 1;
			return -1;
		}
	}
	return 0;
}
