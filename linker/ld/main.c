/*
 * main.c — `dld`, the DIF linker: option parsing only; liblnk
 * (lnk_link.c) does the work.
 *
 *   dld [-T typefile] [-o out.o] [-x resolvers=hostname,version]
 *       [--target-name N] [--target-version V] [--symbols FILE] a.o b.o ...
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ht_version.h"
#include "lnk.h"

static void usage(FILE *fp)
{
	fputs("usage: dld [-T typefile] [-o out.o] [-x resolvers=LIST] [--target-name N]\n"
	    "           [--target-version V] [--symbols FILE] input.o ...\n"
	    "Link relocatable DIF objects into one program for one target.\n"
	    "options:\n"
	    "  -T FILE              target typefile (BTF); default " LNK_DEFAULT_TYPEFILE "\n"
	    "  -o FILE              output object (default: a.out.o)\n"
	    "  -x resolvers=LIST    drop clauses whose probe target does not match:\n"
	    "                       LIST is hostname, version, both (comma) or none\n"
	    "  -x typewarn          report the typer's type errors as warnings\n"
	    "  --target-name N      target host name (default: this machine's)\n"
	    "  --target-version V   target version (default: uname sysname-release)\n"
	    "  --symbols FILE       kernel symbols for `sym addresses: /proc/kallsyms or\n"
	    "                       nm / nm -S output (default: " LNK_DEFAULT_SYMBOLS ")\n"
	    "  --version            print the version\n"
	    "  --help               print this help\n", fp);
}

static void print_line(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

/* -x resolvers=LIST | -x typewarn.  0 ok, 2 usage error. */
static int xopt(const char *arg, struct lnk_opts *o)
{
	const char *eq = strchr(arg, '=');

	if (strcmp(arg, "typewarn") == 0) {
		o->flags |= LNK_F_TYPE_WARN;
		return 0;
	}
	if (eq == NULL || (size_t)(eq - arg) != 9 || strncmp(arg, "resolvers", 9) != 0) {
		fprintf(stderr, "dld: error: unknown -x option '%s' (known: resolvers=, typewarn)\n", arg);
		return 2;
	}
	if (lnk_opts__parse_resolvers(eq + 1, &o->resolvers) != 0) {
		fprintf(stderr, "dld: error: bad resolver list '%s' (hostname, version, none)\n",
		    eq + 1);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "target-name", required_argument, NULL, 'N' },
		{ "target-version", required_argument, NULL, 'R' },
		{ "symbols", required_argument, NULL, 'S' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct lnk_opts o = { 0, NULL, NULL, 0, NULL };
	const char *typefile = NULL, *output = "a.out.o";
	int c;

	while ((c = getopt_long(argc, argv, "T:o:x:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'T': typefile = optarg; break;
		case 'o': output = optarg; break;
		case 'x': if (xopt(optarg, &o) != 0) return 2; break;
		case 'N': o.target_name = optarg; break;
		case 'R': o.target_version = optarg; break;
		case 'S': o.symbols = optarg; break;
		case 'V': printf("dld (HyperTrace) " HT_VERSION "\n"); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (typefile == NULL) {
		if (access(LNK_DEFAULT_TYPEFILE, R_OK) != 0) {
			fprintf(stderr, "dld: error: no typefile given (-T) and "
			    LNK_DEFAULT_TYPEFILE " is not readable\n");
			return 2;
		}
		typefile = LNK_DEFAULT_TYPEFILE;
	}
	struct lnk_diag diag = { print_line, NULL, 0, 0 };
	int rc = lnk_link__files((const char *const *)&argv[optind], (size_t)(argc - optind),
	    typefile, &o, &diag, output, NULL);
	if (rc == -ENOMEM) {
		fprintf(stderr, "dld: error: out of memory\n");
		return 1;
	}
	return rc == 0 ? 0 : 1;
}
