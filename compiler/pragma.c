/*
 * pragma.c -- `#pragma D ...` directives and compile/run-time options.
 *
 * Options come from -x on the command line and from `#pragma D option`;
 * both go through dc_set_option(), which knows every option name, the form
 * of its value (size with k/m/g/t suffix, count, rate with a time unit,
 * boolean, keyword) and rejects what cannot be set with D_PRAGMA_OPTSET.
 * Values are stored as text on the program (last setting wins); a later
 * stage converts them for the runtime.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "impl.h"
#include "builtins.h"

enum optkind { O_BOOL, O_SIZE, O_COUNT, O_RATE, O_STR, O_KEYWORD, O_CMDLINE };

static const struct { const char *name; enum optkind kind; const char *words; } options[] = {
	{ "bufsize", O_SIZE, NULL }, { "bufpolicy", O_KEYWORD, "ring fill switch" },
	{ "dynvarsize", O_SIZE, NULL }, { "aggsize", O_SIZE, NULL },
	{ "specsize", O_SIZE, NULL }, { "nspec", O_COUNT, NULL },
	{ "strsize", O_SIZE, NULL }, { "cleanrate", O_RATE, NULL },
	{ "cpu", O_COUNT, NULL }, { "bufresize", O_KEYWORD, "auto manual" },
	{ "grabanon", O_BOOL, NULL }, { "flowindent", O_BOOL, NULL },
	{ "quiet", O_BOOL, NULL }, { "stackframes", O_COUNT, NULL },
	{ "ustackframes", O_COUNT, NULL }, { "aggrate", O_RATE, NULL },
	{ "switchrate", O_RATE, NULL }, { "statusrate", O_RATE, NULL },
	{ "destructive", O_BOOL, NULL }, { "stackindent", O_COUNT, NULL },
	{ "rawbytes", O_BOOL, NULL }, { "jstackframes", O_COUNT, NULL },
	{ "jstackstrsize", O_SIZE, NULL }, { "aggsortkey", O_BOOL, NULL },
	{ "aggsortrev", O_BOOL, NULL }, { "aggsortpos", O_COUNT, NULL },
	{ "aggsortkeypos", O_COUNT, NULL }, { "temporal", O_BOOL, NULL },
	{ "agghist", O_BOOL, NULL }, { "aggpack", O_BOOL, NULL },
	{ "aggzoom", O_BOOL, NULL }, { "zone", O_STR, NULL },
	{ "aggpercpu", O_BOOL, NULL }, { "amin", O_STR, NULL },
	{ "argref", O_BOOL, NULL }, { "core", O_STR, NULL }, { "cpp", O_BOOL, NULL },
	{ "cpphdrs", O_BOOL, NULL }, { "cpppath", O_STR, NULL },
	{ "ctypes", O_STR, NULL }, { "defaultargs", O_BOOL, NULL },
	{ "dtypes", O_STR, NULL }, { "debug", O_BOOL, NULL },
	{ "define", O_CMDLINE, NULL }, { "droptags", O_BOOL, NULL },
	{ "empty", O_BOOL, NULL }, { "encoding", O_STR, NULL },
	{ "errtags", O_BOOL, NULL }, { "evaltime", O_STR, NULL },
	{ "incdir", O_CMDLINE, NULL }, { "iregs", O_COUNT, NULL },
	{ "kdefs", O_BOOL, NULL }, { "knodefs", O_BOOL, NULL },
	{ "late", O_KEYWORD, "static dynamic" }, { "lazyload", O_BOOL, NULL },
	{ "ldpath", O_STR, NULL }, { "libdir", O_CMDLINE, NULL },
	{ "linkmode", O_KEYWORD, "kernel primary dynamic static" },
	{ "linktype", O_KEYWORD, "elf dof" }, { "nolibs", O_BOOL, NULL },
	{ "pgmax", O_COUNT, NULL }, { "pspec", O_BOOL, NULL },
	{ "setenv", O_CMDLINE, NULL }, { "stdc", O_KEYWORD, "a c s t" },
	{ "strip", O_BOOL, NULL }, { "syslibdir", O_STR, NULL },
	{ "tree", O_COUNT, NULL }, { "tregs", O_COUNT, NULL },
	{ "udefs", O_BOOL, NULL }, { "undef", O_CMDLINE, NULL },
	{ "unodefs", O_BOOL, NULL }, { "unsetenv", O_CMDLINE, NULL },
	{ "verbose", O_BOOL, NULL }, { "version", O_STR, NULL },
	{ "zdefs", O_BOOL, NULL }, { "target", O_STR, NULL }, { "buflimit", O_COUNT, NULL },
	{ "noerror", O_BOOL, NULL },
};

/*
 * An unsigned number.  A negative size or count is refused here, as DTrace's
 * compiler refuses it (D_PRAGMA_OPTSET), before any runtime sees it.
 */
static bool parse_u64(const char *s, uint64_t *v, const char **end)
{
	char *e;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long long r = strtoull(s, &e, 0);
	if (errno == ERANGE)
		return false;
	*v = r;
	*end = e;
	return true;
}

static bool valid_value(enum optkind k, const char *v, const char *words)
{
	uint64_t n;
	const char *end;

	switch (k) {
	case O_BOOL: {
		static const char *const bools[] = { "yes", "no", "true", "false", "on", "off",
			"set", "unset", "enable", "enabled", "disable", "disabled" };
		if (v == NULL)
			return true;
		for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
			if (strcasecmp(v, bools[i]) == 0)
				return true;
		return false;
	}
	case O_SIZE:
		if (v == NULL || !parse_u64(v, &n, &end))
			return false;
		if (*end && strchr("kKmMgGtT", *end) && end[1] == '\0')
			return true;
		return *end == '\0';
	case O_COUNT:
		return v != NULL && parse_u64(v, &n, &end) && *end == '\0' && n <= INT32_MAX;
	case O_RATE: {
		if (v == NULL || !parse_u64(v, &n, &end))
			return false;
		static const char *const units[] = { "", "ns", "nsec", "us", "usec", "ms",
			"msec", "s", "sec", "m", "min", "h", "hour", "d", "day", "hz" };
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strcmp(end, units[i]) == 0)
				return true;
		return false;
	}
	case O_KEYWORD: {
		if (v == NULL)
			return false;
		size_t l = strlen(v);
		for (const char *w = words; *w;) {
			const char *e = strchr(w, ' ');
			size_t wl = e ? (size_t)(e - w) : strlen(w);
			if (wl == l && strncmp(w, v, l) == 0)
				return true;
			w += wl + (e != NULL);
		}
		return false;
	}
	case O_STR:
		return v != NULL;
	case O_CMDLINE:
		return false;
	}
	return false;
}

bool dc_set_option(struct dc_program *p, const struct dc_loc *loc, const char *name,
		   const char *value, bool from_pragma)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		if (strcmp(options[i].name, name) != 0)
			continue;
		bool ok = valid_value(options[i].kind, value, options[i].words);
		if (options[i].kind == O_CMDLINE && !from_pragma)
			ok = true;
		if (options[i].kind == O_BOOL && value != NULL && !from_pragma)
			ok = true;
		uint32_t vers = 0;
		if (ok && strcmp(name, "version") == 0 &&
		    (!dc_vers_parse(value, &vers) || vers > DC_VERS_LATEST)) {
			dc_error(p, loc, D_PRAGMA_OPTSET, "failed to set option 'version' to "
				 "%s: not a D version this compiler knows (latest: %s)",
				 value, DC_VERS_STRING);
			return false;
		}
		if (!ok) {
			dc_error(p, loc, D_PRAGMA_OPTSET, "failed to set option '%s'%s%s: "
				 "invalid value", name, value ? " to " : "", value ? value : "");
			return false;
		}
		if (vers != 0)
			p->version = vers;
		struct dc_option_val *o = dc_arena_alloc(&p->arena, sizeof(*o));
		o->name = dc_arena_strdup(&p->arena, name);
		o->value = dc_arena_strdup(&p->arena, value ? value : "");
		o->next = p->options;
		p->options = o;
		if (strcmp(name, "errtags") == 0)
			p->errtags = true;
		return true;
	}
	dc_error(p, loc, D_PRAGMA_OPTSET, "failed to set option '%s': invalid option name",
		 name);
	return false;
}

const char *dc_option_value(const struct dc_program *p, const char *name)
{
	for (const struct dc_option_val *o = p->options; o; o = o->next)
		if (strcmp(o->name, name) == 0)
			return o->value;
	return NULL;
}

static char *next_word(char **s)
{
	char *w = *s;

	while (*w == ' ' || *w == '\t')
		w++;
	if (*w == '\0')
		return NULL;
	char *e = w;
	while (*e && *e != ' ' && *e != '\t')
		e++;
	if (*e)
		*e++ = '\0';
	*s = e;
	return w;
}

static bool valid_stability(const char *s)
{
	static const char *const names[] = { "Internal", "Private", "Obsolete", "External",
		"Unstable", "Evolving", "Stable", "Standard", "Unknown", "ISA", "Common",
		"Platform", "Group" };
	char buf[128];
	int parts = 0;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	for (char *tok = strtok(buf, "/"); tok; tok = strtok(NULL, "/")) {
		bool ok = false;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(tok, names[i]) == 0)
				ok = true;
		if (!ok)
			return false;
		parts++;
	}
	return parts == 3;
}

static struct dc_ty *decl_type_of(struct dc_program *p, const char *name, bool *found)
{
	*found = false;
	for (struct dc_ext *x = p->exts; x; x = x->next)
		if ((x->kind == DC_X_DECL || x->kind == DC_X_INLINE) &&
		    x->u.decl->name != NULL && strcmp(x->u.decl->name, name) == 0) {
			*found = true;
			return x->u.decl->type;
		}
	return NULL;
}

/* Keep a well-formed pragma in the program (DC_X_PRAGMA), in source order. */
static void record(struct dc_program *p, const struct dc_loc *loc, const char *kind,
		   const char *name, const char *value)
{
	struct dc_pragma *pr = dc_arena_alloc(&p->arena, sizeof(*pr));
	struct dc_ext *x = dc_arena_alloc(&p->arena, sizeof(*x));

	pr->kind = kind;
	pr->name = name ? dc_arena_strdup(&p->arena, name) : NULL;
	pr->value = value ? dc_arena_strdup(&p->arena, value) : NULL;
	x->kind = DC_X_PRAGMA;
	x->loc = *loc;
	x->u.pragma = pr;
	*p->ext_tail = x;
	p->ext_tail = &x->next;
}

/* text: everything after "#pragma D " */
void dc_sem_pragma(struct dc_program *p, const struct dc_loc *loc, char *text)
{
	char *s = text;
	char *kind = next_word(&s);

	if (kind == NULL) {
		dc_error(p, loc, D_PRAGMA_MALFORM, "malformed #pragma D directive");
		return;
	}
	if (strcmp(kind, "option") == 0) {
		char *opt = next_word(&s);
		if (opt == NULL) {
			dc_error(p, loc, D_PRAGMA_MALFORM, "#pragma D option requires an "
				 "option name");
			return;
		}
		if (next_word(&s) != NULL) {
			dc_error(p, loc, D_PRAGMA_MALFORM, "malformed #pragma D option: "
				 "unexpected text after %s", opt);
			return;
		}
		char *eq = strchr(opt, '=');
		if (eq != NULL)
			*eq++ = '\0';
		if (dc_set_option(p, loc, opt, eq, true))
			record(p, loc, "option", opt, eq);
		return;
	}
	if (strcmp(kind, "attributes") == 0) {
		char *attr = next_word(&s), *name = next_word(&s);
		if (attr == NULL || name == NULL || !valid_stability(attr)) {
			dc_error(p, loc, D_PRAGMA_MALFORM, "malformed #pragma D attributes");
			return;
		}
		size_t l = strlen(name);
		if (l > 0 && name[l - 1] == ';')
			name[l - 1] = '\0';
		bool found;
		struct dc_ty *t = decl_type_of(p, name, &found);
		if (found && t != NULL && t->kind == DC_TY_FUNC)
			dc_error(p, loc, D_PRAGMA_UNUSED, "#pragma D attributes: %s is not "
				 "a variable or provider", name);
		else
			record(p, loc, "attributes", name, attr);
		return;
	}
	if (strcmp(kind, "binding") == 0) {
		char *ver = next_word(&s), *name = next_word(&s);
		if (ver == NULL || name == NULL)
			dc_error(p, loc, D_PRAGMA_MALFORM, "malformed #pragma D binding");
		else
			record(p, loc, "binding", name, ver);
		return;
	}
	if (strcmp(kind, "depends_on") == 0) {
		char *cls = next_word(&s), *name = next_word(&s);
		if (cls == NULL || name == NULL ||
		    (strcmp(cls, "library") && strcmp(cls, "module") &&
		     strcmp(cls, "provider")))
			dc_error(p, loc, D_PRAGMA_MALFORM, "malformed #pragma D depends_on");
		else if (strcmp(cls, "provider") == 0 && !dc_known_provider(name))
			dc_error(p, loc, D_PRAGMA_DEPEND, "program requires provider %s", name);
		else
			record(p, loc, "depends_on", name, cls);
		return;
	}
	dc_error(p, loc, D_PRAGMA_INVAL, "invalid control directive: #pragma D %s", kind);
}
