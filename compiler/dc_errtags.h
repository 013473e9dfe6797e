/*
 * dc_errtags.h -- every D compiler diagnostic tag, in one X-macro table.
 *
 * Each row is DC_ERRTAG(name, one-line description).  The names are the
 * D_* tags DTrace programs and test suites match on (with -x errtags the
 * message starts with "[D_TAG] "); the numeric values are private to this
 * compiler and not stable.  dc.h turns the table into enum dc_errtag and
 * dc_errtag__name()/dc_errtag__desc() look rows up.
 */
#ifndef DC_ERRTAGS_H
#define DC_ERRTAGS_H

#define DC_ERRTAG_TABLE(X) \
	X(D_UNKNOWN, "internal error") \
	X(D_NOMEM, "out of memory") \
	X(D_SYNTAX, "parse error") \
	X(D_EMPTY, "no clauses or declarations") \
	X(D_TYPE_ERR, "type lookup failed") \
	X(D_TYPE_MEMBER, "no such member") \
	X(D_ASRELO, "unresolved symbol relocation at assembly") \
	X(D_CG_EXPR, "action used inside an expression") \
	X(D_CG_DYN, "expression evaluates to a translated (dynamic) result") \
	X(D_ATTR_MIN, "stability below amin") \
	X(D_ID_OFLOW, "out of identifier ids") \
	X(D_PDESC_ZERO, "probe description matches nothing") \
	X(D_PDESC_INVAL, "malformed probe description") \
	X(D_PRED_SCALAR, "predicate not scalar") \
	X(D_FUNC_IDENT, "called thing is not a name") \
	X(D_FUNC_UNDEF, "unknown function") \
	X(D_FUNC_IDKIND, "name is not a function") \
	X(D_OFFSETOF_TYPE, "offsetof on non struct/union") \
	X(D_OFFSETOF_BITFIELD, "offsetof of a bit-field") \
	X(D_SIZEOF_TYPE, "sizeof of invalid type") \
	X(D_SIZEOF_BITFIELD, "sizeof of bit-field") \
	X(D_STRINGOF_TYPE, "stringof of bad type") \
	X(D_OP_IDENT, "./-> not followed by a name") \
	X(D_OP_INT, "integer operand required") \
	X(D_OP_SCALAR, "scalar operand required") \
	X(D_OP_ARITH, "arithmetic operand required") \
	X(D_OP_WRITE, "target not writable") \
	X(D_OP_LVAL, "lvalue required") \
	X(D_OP_INCOMPAT, "incompatible operand types") \
	X(D_OP_VFPTR, "void/function pointer arithmetic") \
	X(D_OP_ARRFUN, "array or function operand not allowed") \
	X(D_OP_PTR, "pointer required") \
	X(D_OP_SOU, "struct/union required") \
	X(D_OP_INCOMPLETE, "incomplete type") \
	X(D_OP_DYN, "dynamic-typed operand") \
	X(D_OP_ACT, "action as operand") \
	X(D_AGG_REDEF, "aggregation reassigned a different function") \
	X(D_AGG_FUNC, "aggregation not assigned an aggregating function") \
	X(D_AGG_MDIM, "aggregation indexed twice") \
	X(D_ARR_BADREF, "tuple subscript on a non-array") \
	X(D_ARR_LOCAL, "clause-local used as associative array") \
	X(D_DIV_ZERO, "constant division by zero") \
	X(D_DEREF_NONPTR, "* on non-pointer") \
	X(D_DEREF_VOID, "* on void pointer") \
	X(D_DEREF_FUNC, "* on function pointer") \
	X(D_ADDROF_LVAL, "& on non-lvalue") \
	X(D_ADDROF_VAR, "& on a D variable") \
	X(D_ADDROF_BITFIELD, "& on bit-field") \
	X(D_XLATE_REDECL, "translator defined twice") \
	X(D_XLATE_NOCONV, "member has no conversion") \
	X(D_XLATE_NONE, "no translator for the type pair") \
	X(D_XLATE_SOU, "output type not struct/union") \
	X(D_XLATE_INCOMPAT, "member type mismatch") \
	X(D_XLATE_MEMB, "not a member of output type") \
	X(D_CAST_INVAL, "illegal cast") \
	X(D_PRAGERR, "#pragma error hit") \
	X(D_PRAGCTL_INVAL, "bad # directive") \
	X(D_PRAGMA_INVAL, "unknown #pragma D") \
	X(D_PRAGMA_UNUSED, "pragma names unused identifier") \
	X(D_PRAGMA_MALFORM, "bad pragma arguments") \
	X(D_PRAGMA_OPTSET, "option could not be set") \
	X(D_PRAGMA_SCOPE, "pragma identifier in wrong scope") \
	X(D_PRAGMA_DEPEND, "dependency missing") \
	X(D_MACRO_UNDEF, "$n/$name undefined") \
	X(D_MACRO_OFLOW, "macro integer overflow") \
	X(D_MACRO_UNUSED, "command-line argument never referenced") \
	X(D_INT_OFLOW, "integer literal too big") \
	X(D_INT_DIGIT, "invalid digit") \
	X(D_STR_NL, "newline in string") \
	X(D_CHR_NL, "newline in char literal") \
	X(D_CHR_NULL, "empty char literal") \
	X(D_CHR_OFLOW, "char literal > 8 bytes") \
	X(D_IDENT_BADREF, "identifier used as wrong kind") \
	X(D_IDENT_UNDEF, "undefined identifier") \
	X(D_IDENT_AMBIG, "name is both enum tag and variable") \
	X(D_SYM_BADREF, "kernel vs user symbol mismatch") \
	X(D_SYM_NOTYPES, "no CTF for symbol") \
	X(D_SYM_MODEL, "data model mismatch") \
	X(D_VAR_UNDEF, "undefined variable") \
	X(D_VAR_UNSUP, "unsupported variable form") \
	X(D_PROTO_LEN, "wrong argument count") \
	X(D_PROTO_ARG, "argument type mismatch") \
	X(D_ARGS_MULTI, "args[] across probes with differing types") \
	X(D_ARGS_XLATOR, "args[] translator missing") \
	X(D_ARGS_NONE, "probe has no typed args") \
	X(D_ARGS_TYPE, "args[] type unknown") \
	X(D_ARGS_IDX, "args[] index out of range/non-constant") \
	X(D_REGS_IDX, "bad regs[] index") \
	X(D_KEY_TYPE, "bad key type for array/aggregation") \
	X(D_PRINTF_DYN_PROTO, "missing * width/precision argument") \
	X(D_PRINTF_DYN_TYPE, "* argument not int") \
	X(D_PRINTF_AGG_CONV, "misuse of %@") \
	X(D_PRINTF_ARG_PROTO, "conversion without argument") \
	X(D_PRINTF_ARG_TYPE, "argument type does not fit conversion") \
	X(D_PRINTF_ARG_EXTRA, "surplus arguments") \
	X(D_PRINTF_ARG_FMT, "format not a string constant") \
	X(D_PRINTF_FMT_EMPTY, "empty format") \
	X(D_DECL_CHARATTR, "bad modifiers on char") \
	X(D_DECL_VOIDATTR, "bad modifiers on void") \
	X(D_DECL_SIGNINT, "signed/unsigned on non-integer") \
	X(D_DECL_LONGINT, "long on non-arithmetic") \
	X(D_DECL_IDENT, "old-style or unknown type") \
	X(D_DECL_CLASS, "two storage classes") \
	X(D_DECL_BADCLASS, "auto/register/static or class not allowed here") \
	X(D_DECL_PARMCLASS, "class on parameter") \
	X(D_DECL_COMBO, "bad specifier combination") \
	X(D_DECL_ARRSUB, "array size not integer constant") \
	X(D_DECL_ARRNULL, "array needs dimension or key list") \
	X(D_DECL_ARRBIG, "array too large") \
	X(D_DECL_IDRED, "identifier redeclared") \
	X(D_DECL_TYPERED, "type redeclared") \
	X(D_DECL_MNAME, "member without name") \
	X(D_DECL_SCOPE, "backquote scope in declaration") \
	X(D_DECL_BFCONST, "bit-field width not constant") \
	X(D_DECL_BFSIZE, "bit-field too wide") \
	X(D_DECL_BFTYPE, "bit-field base type invalid") \
	X(D_DECL_ENCONST, "enumerator value not constant") \
	X(D_DECL_ENOFLOW, "enumerator > INT_MAX") \
	X(D_DECL_USELESS, "declaration declares nothing") \
	X(D_DECL_LOCASSC, "this associative array") \
	X(D_DECL_VOIDOBJ, "object of type void") \
	X(D_DECL_DYNOBJ, "object of dynamic type") \
	X(D_DECL_INCOMPLETE, "incomplete type used") \
	X(D_DECL_PROTO_VARARGS, "... not allowed") \
	X(D_DECL_PROTO_TYPE, "type not allowed in prototype") \
	X(D_DECL_PROTO_VOID, "void not sole parameter") \
	X(D_DECL_PROTO_NAME, "named void parameter") \
	X(D_DECL_PROTO_FORM, "parameter without formal name") \
	X(D_COMM_COMM, "commit after commit") \
	X(D_COMM_DREC, "commit after data record") \
	X(D_SPEC_SPEC, "speculate twice") \
	X(D_SPEC_COMM, "speculate after commit") \
	X(D_SPEC_DREC, "speculate after data record") \
	X(D_AGG_COMM, "aggregation after commit") \
	X(D_AGG_SPEC, "aggregation after speculate") \
	X(D_AGG_NULL, "aggregation with no function (no effect)") \
	X(D_AGG_SCALAR, "aggregating function argument not scalar") \
	X(D_ACT_SPEC, "destructive action after speculate") \
	X(D_EXIT_SPEC, "exit after speculate") \
	X(D_DREC_COMM, "data record after commit") \
	X(D_PRINTA_PROTO, "printa argument count") \
	X(D_PRINTA_AGGARG, "printa argument not an aggregation") \
	X(D_PRINTA_AGGBAD, "printa of undefined aggregation") \
	X(D_PRINTA_AGGKEY, "printa aggregations with different keys") \
	X(D_PRINTA_AGGPROTO, "printa aggregation signature mismatch") \
	X(D_TRACE_VOID, "trace of void") \
	X(D_TRACE_DYN, "trace of dynamic value") \
	X(D_TRACE_AGG, "trace of aggregation") \
	X(D_PRINT_VOID, "print of void") \
	X(D_PRINT_DYN, "print of dynamic value") \
	X(D_PRINT_AGG, "print of aggregation") \
	X(D_TRACEMEM_ADDR, "tracemem address not pointer/int") \
	X(D_TRACEMEM_SIZE, "tracemem size not positive constant") \
	X(D_TRACEMEM_ARGS, "tracemem > 3 args") \
	X(D_TRACEMEM_DYNSIZE, "tracemem dynamic size not scalar") \
	X(D_STACK_PROTO, "stack() too many args") \
	X(D_STACK_SIZE, "stack() frames not positive constant") \
	X(D_USTACK_FRAMES, "ustack frames bad") \
	X(D_USTACK_STRSIZE, "ustack strsize bad") \
	X(D_USTACK_PROTO, "ustack too many args") \
	X(D_LQUANT_BASETYPE, "base not integer constant") \
	X(D_LQUANT_BASEVAL, "base not 32-bit") \
	X(D_LQUANT_LIMTYPE, "limit not integer constant") \
	X(D_LQUANT_LIMVAL, "limit not 32-bit") \
	X(D_LQUANT_MISMATCH, "limit below base") \
	X(D_LQUANT_STEPTYPE, "step not positive constant") \
	X(D_LQUANT_STEPVAL, "step not 16-bit") \
	X(D_LQUANT_STEPLARGE, "step leaves no levels") \
	X(D_LQUANT_STEPSMALL, "more than 65535 levels") \
	X(D_QUANT_PROTO, "quantize argument count") \
	X(D_PROC_OFF, "offset beyond function") \
	X(D_PROC_ALIGN, "offset misaligned") \
	X(D_PROC_NAME, "bad probe name") \
	X(D_PROC_GRAB, "cannot attach to process") \
	X(D_PROC_DYN, "process not dynamically linked") \
	X(D_PROC_LIB, "bad library name") \
	X(D_PROC_FUNC, "no such function") \
	X(D_PROC_CREATEFAIL, "probe creation failed") \
	X(D_PROC_NODEV, "fasttrap device missing") \
	X(D_PROC_BADPID, "bad pid in provider name") \
	X(D_PROC_BADPROV, "bad user provider") \
	X(D_PROC_USDT, "USDT setup failed") \
	X(D_CLEAR_PROTO, "clear arg count") \
	X(D_CLEAR_AGGARG, "clear arg not aggregation") \
	X(D_CLEAR_AGGBAD, "clear of undefined aggregation") \
	X(D_NORMALIZE_PROTO, "normalize arg count") \
	X(D_NORMALIZE_SCALAR, "normalize factor not scalar") \
	X(D_NORMALIZE_AGGARG, "normalize arg not aggregation") \
	X(D_NORMALIZE_AGGBAD, "normalize of undefined aggregation") \
	X(D_TRUNC_PROTO, "trunc arg count") \
	X(D_TRUNC_SCALAR, "trunc count not scalar") \
	X(D_TRUNC_AGGARG, "trunc arg not aggregation") \
	X(D_TRUNC_AGGBAD, "trunc of undefined aggregation") \
	X(D_PROV_BADNAME, "illegal provider name") \
	X(D_PROV_INCOMPAT, "definition conflicts with existing provider") \
	X(D_PROV_PRDUP, "probe declared twice") \
	X(D_PROV_PRARGLEN, "too many probe arguments") \
	X(D_PROV_PRXLATOR, "no translator for probe argument") \
	X(D_FREOPEN_INVALID, "freopen given the reserved sentinel name") \
	X(D_LQUANT_MATCHBASE, "lquantize base differs from earlier use") \
	X(D_LQUANT_MATCHLIM, "lquantize limit differs from earlier use") \
	X(D_LQUANT_MATCHSTEP, "lquantize step differs from earlier use") \
	X(D_LLQUANT_FACTORTYPE, "factor not integer constant") \
	X(D_LLQUANT_FACTORVAL, "factor not u16") \
	X(D_LLQUANT_FACTORMATCH, "factor differs from earlier use") \
	X(D_LLQUANT_LOWTYPE, "low magnitude not an integer constant") \
	X(D_LLQUANT_LOWVAL, "low magnitude not 16-bit") \
	X(D_LLQUANT_LOWMATCH, "low magnitude differs from earlier use") \
	X(D_LLQUANT_HIGHTYPE, "high magnitude not an integer constant") \
	X(D_LLQUANT_HIGHVAL, "high magnitude not 16-bit") \
	X(D_LLQUANT_HIGHMATCH, "high magnitude differs from earlier use") \
	X(D_LLQUANT_NSTEPTYPE, "steps not an integer constant") \
	X(D_LLQUANT_NSTEPVAL, "steps not 16-bit") \
	X(D_LLQUANT_NSTEPMATCH, "steps differ from earlier use") \
	X(D_LLQUANT_MAGRANGE, "high not above low") \
	X(D_LLQUANT_FACTORNSTEPS, "steps fewer than factor") \
	X(D_LLQUANT_FACTOREVEN, "factor/steps divisibility violated") \
	X(D_LLQUANT_FACTORSMALL, "factor < 2") \
	X(D_LLQUANT_MAGTOOBIG, "factor^(high+1) overflows") \
	X(D_NOREG, "expression needs more registers than available") \
	X(D_PRINTM_ADDR, "printm address not pointer") \
	X(D_PRINTM_SIZE, "printm size not positive constant") \
	/* end */

#endif /* DC_ERRTAGS_H */
