/*
 * dt_cmd.c — the dtrace(1) commands behind main.c's options.
 *
 *   run   -Y: read the object (linking a relocatable one first against the
 *         typefile), apply its options then -x, enable it (dt_program.c),
 *         optionally list it (-S) or stop (-e), then trace until exit(),
 *         SIGINT or SIGTERM, printing to stdout or atomically to -o.
 *   link  -y -o: link a relocatable object into a program object.
 *   list  -l: the probes (those a program enables, with -Y).
 *
 * Exit status as DTrace's: exit(n) gives n; an input or runtime failure 1;
 * bad usage 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dasm.h"
#include "dc.h"
#include "dc_cg.h"
#include "dt_bpf.h"
#include "dt_cmd.h"
#include "dt_guest.h"
#include "dt_impl.h"
#include "lnk.h"
#include "typ_typefile.h"

#define DEFAULT_TYPEFILE	"/sys/kernel/btf/vmlinux"

static void diag_report(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

static const char *typefile_of(const struct dt_cmd *c)
{
	if (c->typefile != NULL)
		return c->typefile;
	return access(DEFAULT_TYPEFILE, R_OK) == 0 ? DEFAULT_TYPEFILE : NULL;
}

static bool has_relocations(const struct dobj *obj)
{
	for (uint32_t d = 0; d < obj->ndifos; d++)
		if (obj->difos[d].rellen != 0)
			return true;
	return false;
}

static void dc_sink(void *ctx, const struct dc_diag *d)
{
	(void)ctx;
	fputs("dtrace: ", stderr);
	if (d->file != NULL && d->line > 0)
		fprintf(stderr, "%s:%d:%d: ", d->file, d->line, d->col);
	fprintf(stderr, "%s%s\n", d->sev == DC_SEV_ERROR ? "error: " : "warning: ", d->msg);
}

/*
 * -n / -s: compile with the D compiler and its code generator into a
 * relocatable object.  NULL after the diagnostics were printed.
 */
struct dobj *dt_cmd_compile(const struct dt_cmd *c)
{
	struct dc_source src = { c->script != NULL ? c->script : "<command line>",
	    c->dprogram, c->dprogram != NULL ? strlen(c->dprogram) : 0 };
	struct dc_options o;
	struct dc_program *p;
	struct dobj *obj = NULL;

	char *text = NULL;

	if (c->target_pid > 0) {	/* $target (dt_bpf_target.c) */
		if ((text = dt_bpf_subst_target(c->script, c->dprogram, c->target_pid)) == NULL) {
			fprintf(stderr, "dtrace: cannot read %s\n", src.name);
			return NULL;
		}
		src.text = text;
		src.len = strlen(text);
	}
	memset(&o, 0, sizeof(o));
	o.macro_args = (const char *const *)c->macro_args;
	o.nmacro_args = c->nmacro_args;
	o.progname = c->script != NULL ? c->script : "dtrace";
	const char *xo[DT_CMD_MAXOPTS];	/* without dtrace's own vmdir (dt_guest.c) */
	size_t nxo = dt_guest_compiler_xopts(c->xopts, c->nxopts, xo);

	o.xopts = xo;
	o.nxopts = nxo;
	o.typefile = c->typefile;
	o.sink = dc_sink;
	if ((p = dc_compile(&src, 1, &o)) == NULL) {
		fprintf(stderr, "dtrace: %s\n", strerror(errno));
		free(text);
		return NULL;
	}
	if (dc_program__nerrors(p) == 0) {
		struct dc_cg_opts cgo = { .xopts = xo, .nxopts = nxo };

		if (dc_cg__program(p, &cgo, &obj, dc_sink, NULL) != 0)
			obj = NULL;
	}
	dc_program__free(p);
	free(text);
	if (obj == NULL)
		fprintf(stderr, "dtrace: failed to compile %s\n", src.name);
	return obj;
}

/* A relocatable object: linked against the typefile when it needs one. */
static struct dobj *link_obj(const struct dt_cmd *c, const char *path,
    struct dobj *obj);

/* Read a program; a relocatable one is linked.  NULL after a message. */
static struct dobj *load(const struct dt_cmd *c, const char *path)
{
	struct dobj *obj = NULL;
	struct dobj_err e;
	char msg[512];
	int rc;

	if (path == NULL) {	/* -n / -s */
		if ((obj = dt_cmd_compile(c)) == NULL)
			return NULL;
		return link_obj(c, c->script ? c->script : "<command line>", obj);
	}
	rc = dobj__read_file(path, &obj, &e);

	if (rc != 0) {
		if (rc == -EINVAL) {
			dobj_err__format(&e, msg, sizeof(msg));
			fprintf(stderr, "dtrace: %s: %s\n", path, msg);
		} else {
			fprintf(stderr, "dtrace: %s: %s\n", path, strerror(-rc));
		}
		return NULL;
	}
	return link_obj(c, path, obj);
}

static struct dobj *link_obj(const struct dt_cmd *c, const char *path,
    struct dobj *obj)
{
	if (obj->kind == DOBJ_LINKED)
		return obj;
	if (dt_guest_has_targets(obj))		/* linked per guest (dt_guest.c) */
		return dt_guest_xopts(c->xopts, c->nxopts) != 0 ? NULL :
		    dt_guest_link(obj, path);
	const char *tf = typefile_of(c);

	if (tf == NULL) {
		if (!has_relocations(obj))
			return obj;	/* nothing target-specific to resolve */
		fprintf(stderr, "dtrace: %s: relocatable object has type relocations "
		    "and no typefile is available (use -T, or link it with dld)\n", path);
		dobj__free(obj);
		return NULL;
	}
	struct lnk_diag diag = { .report = diag_report };
	struct dobj *linked = NULL;
	struct typ_file *tfile = NULL;
	struct typ_err te;
	const char *names[1] = { path };

	if (typ_file__open(tf, &tfile, &te) != 0) {
		fprintf(stderr, "dtrace: cannot open typefile %s\n", tf);
		dobj__free(obj);
		return NULL;
	}
	if (lnk_link__objects(&obj, names, 1, tfile, NULL, &diag, &linked) != 0) {
		fprintf(stderr, "dtrace: %s: cannot link against %s\n", path, tf);
		dobj__free(linked);
		linked = NULL;
	}
	typ_file__free(tfile);
	dobj__free(obj);
	return linked;
}

static int split_opt(const char *s, char *name, size_t len, const char **value)
{
	const char *eq = strchr(s, '=');
	size_t n = eq ? (size_t)(eq - s) : strlen(s);

	if (n == 0 || n >= len)
		return -EINVAL;
	memcpy(name, s, n);
	name[n] = '\0';
	*value = eq ? eq + 1 : NULL;
	return 0;
}

/* Runtime options first (they size buffers), printing options after open. */
static int runtime_opts(const struct dt_cmd *c, const struct dobj *obj,
    struct dt_opts *o)
{
	char err[256], name[64];
	const char *value = NULL;
	int rc;

	for (uint32_t i = 0; i < obj->noptions; i++) {
		const char *n = dobj__str(obj, obj->options[i].name);
		const char *v = obj->options[i].value ? dobj__str(obj, obj->options[i].value) : NULL;

		if ((rc = dt_opts_set(o, n, v, err, sizeof(err))) < 0) {
			fprintf(stderr, "dtrace: %s\n", err);
			return 1;
		}
	}
	for (size_t i = 0; i < c->nxopts; i++) {
		if (split_opt(c->xopts[i], name, sizeof(name), &value) != 0) {
			fprintf(stderr, "dtrace: invalid -x option: %s\n", c->xopts[i]);
			return 2;
		}
		if ((rc = dt_opts_set(o, name, value, err, sizeof(err))) < 0) {
			fprintf(stderr, "dtrace: failed to set -x %s: %s\n", c->xopts[i], err);
			return 2;
		}
	}
	if (c->quiet)
		o->quiet = true;
	return 0;
}

static int print_opts(const struct dt_cmd *c, struct dt_state *st)
{
	char err[256], name[64];
	const char *value = NULL;
	struct dt_opts scratch;

	for (uint32_t i = 0; i < st->obj->noptions; i++) {
		const char *n = dobj__str(st->obj, st->obj->options[i].name);
		const char *v = st->obj->options[i].value ?
		    dobj__str(st->obj, st->obj->options[i].value) : "";

		dt_opts_default(&scratch);
		if (dt_opts_set(&scratch, n, v, err, sizeof(err)) == 1 &&
		    dcons_ctx__setopt(&st->dctx, n, v) != 0) {
			fprintf(stderr, "dtrace: unknown option in program: %s\n", n);
			return 1;
		}
	}
	for (size_t i = 0; i < c->nxopts; i++) {
		dt_opts_default(&scratch);
		split_opt(c->xopts[i], name, sizeof(name), &value);
		if (dt_opts_set(&scratch, name, value, err, sizeof(err)) == 1 &&
		    dcons_ctx__setopt(&st->dctx, name, value ? value : "") != 0) {
			fprintf(stderr, "dtrace: failed to set -x %s: Invalid option name\n",
			    c->xopts[i]);
			return 2;
		}
	}
	return 0;
}

/* Output to stdout, or to a temp file renamed over -o at the end. */
static FILE *open_output(const char *path, char *tmp, size_t len)
{
	int fd;
	FILE *fp;

	if (path == NULL)
		return stdout;
	if ((size_t)snprintf(tmp, len, "%s.XXXXXX", path) >= len)
		return NULL;
	if ((fd = mkstemp(tmp)) < 0)
		return NULL;
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
	}
	return fp;
}

static int close_output(FILE *fp, const char *path, const char *tmp, bool ok)
{
	if (fp == stdout)
		return fflush(stdout) == 0 ? 0 : -EIO;
	if (ok && fflush(fp) == 0 && fsync(fileno(fp)) == 0 && fclose(fp) == 0 &&
	    rename(tmp, path) == 0)
		return 0;
	if (!ok)
		fclose(fp);
	unlink(tmp);
	return -EIO;
}

static int run(const struct dt_cmd *c, struct dt_bpf_target *tgt);

/* -c / -p: the target process exists (held before exec) before compiling. */
int dt_cmd_run(const struct dt_cmd *c)
{
	struct dt_cmd cc = *c;
	struct dt_bpf_target t = { .gate = -1, .pidfd = -1 };
	char err[256];
	int status;

	if (c->command == NULL && c->grab == NULL)
		return run(c, NULL);
	if ((c->command != NULL ? dt_bpf_target__create(c->command, &t, err, sizeof(err)) :
	    dt_bpf_target__grab(c->grab, &t, err, sizeof(err))) != 0) {
		fprintf(stderr, "dtrace: %s\n", err);
		return 1;
	}
	cc.target_pid = (int)t.pid;
	status = run(&cc, &t);
	dt_bpf_target__abandon(&t);
	return status;
}

static int run(const struct dt_cmd *c, struct dt_bpf_target *tgt)
{
	const char *name = c->program ? c->program : c->script ? c->script : "<command line>";
	struct dobj *obj = load(c, c->program);
	struct dt_opts o;
	struct dt_state st;
	char err[512], tmp[4096];
	int rc, status = 1;
	volatile int stop = 0;
	sigset_t sigs, old;

	if (obj == NULL)
		return 1;
	/* From here on SIGINT/SIGTERM end tracing cleanly (dt_run waits
	 * for them); blocked early so one sent during setup is not lost. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (tgt != NULL && tgt->created)
		sigaddset(&sigs, SIGCHLD);	/* the command's exit ends tracing */
	sigprocmask(SIG_BLOCK, &sigs, &old);
	dt_opts_default(&o);
	if ((rc = runtime_opts(c, obj, &o)) != 0) {
		dobj__free(obj);
		return rc;
	}
	memset(&st, 0, sizeof(st));
	if (dt_state_open(&st, obj, &o, err, sizeof(err)) != 0 ||
	    dt_guest_enable(&st, err, sizeof(err)) != 0) {
		fprintf(stderr, "dtrace: %s: %s\n", name, err);
		goto out;
	}
	if ((rc = print_opts(c, &st)) != 0) {
		status = rc;
		goto out;
	}
	if (c->listing)
		dasm__listing(obj, stderr);
	if (!o.quiet)
		fprintf(stderr, "dtrace: %s '%s' matched %u probe%s\n",
		    c->program ? "program" : c->script ? "script" : "description",
		    name, st.necbs, st.necbs == 1 ? "" : "s");
	if (c->compile_only) {
		status = 0;
		goto out;
	}
	if ((st.outfp = open_output(c->output, tmp, sizeof(tmp))) == NULL) {
		fprintf(stderr, "dtrace: cannot open %s: %s\n", c->output, strerror(errno));
		goto out;
	}
	if (dt_bpf_wanted(&st)) {		/* kernel probes: dt_bpf.c */
		rc = dt_bpf_run(&st, tgt, &sigs, &stop);
	} else {
		if (tgt != NULL && dt_bpf_target__go(tgt, err, sizeof(err)) != 0) {
			fprintf(stderr, "dtrace: %s\n", err);
			rc = -ECANCELED;	/* reported */
		} else {
			rc = dt_run(&st, &sigs, &stop);
	dt_guest_detach();
		}
	}
	dt_guest_detach();
	if (rc != 0 && rc != -ECANCELED)	/* -ECANCELED: already reported */
		fprintf(stderr, "dtrace: processing records failed: %s\n", strerror(-rc));
	if (close_output(st.outfp, c->output, tmp, rc == 0) != 0 && rc == 0) {
		fprintf(stderr, "dtrace: cannot write output: %s\n", strerror(errno));
		rc = -EIO;
	}
	status = rc != 0 ? 1 : st.eng.exit_status;
out:
	dt_state_close(&st);
	dobj__free(obj);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status;
}

int dt_cmd_link(const struct dt_cmd *c)
{
	const char *tf = typefile_of(c);
	struct lnk_diag diag = { .report = diag_report };
	const char *paths[1] = { c->link_input };

	if (tf == NULL) {
		fprintf(stderr, "dtrace: no typefile to link against (use -T)\n");
		return 1;
	}
	if (lnk_link__files(paths, 1, tf, NULL, &diag, c->output, NULL) != 0) {
		fprintf(stderr, "dtrace: %s: link failed\n", c->link_input);
		return 1;
	}
	return 0;
}

int dt_cmd_list(const struct dt_cmd *c)
{
	struct dt_state st;
	struct dobj *obj = NULL;
	struct dt_opts o;
	char err[512];
	int status = 0;

	memset(&st, 0, sizeof(st));
	dt_opts_default(&o);
	if (c->program != NULL) {
		if ((obj = load(c, c->program)) == NULL)
			return 1;
		if (dt_state_open(&st, obj, &o, err, sizeof(err)) != 0) {
			fprintf(stderr, "dtrace: %s: %s\n", c->program, err);
			status = 1;
			goto out;
		}
		printf("%5s %10s %17s %33s %s\n", "ID", "PROVIDER", "MODULE",
		    "FUNCTION", "NAME");
		for (uint32_t i = 0; i < st.nprobes; i++) {
			const struct dvm_probe *p = st.probes[i];

			if (p->ecbs != NULL)
				printf("%5u %10s %17s %33s %s\n", p->id, p->prov,
				    p->mod, p->func, p->name);
		}
		goto out;
	}
	st.strarena_size = 1 << 16;
	if ((st.strarena = calloc(1, st.strarena_size)) == NULL ||
	    dt_probe_provide_all(&st) != 0 || dt_bpf_provide_all(&st) != 0) {
		fprintf(stderr, "dtrace: out of memory\n");
		status = 1;
		goto out;
	}
	if (c->nldesc > 0)	/* -l -n/-P/-m/-f */
		status = dt_bpf_list(&st, c->ldesc, c->ldkind, c->nldesc, stdout) != 0;
	else
		dt_probe_list(&st, stdout);
out:
	dt_state_close(&st);
	dobj__free(obj);
	return status;
}
