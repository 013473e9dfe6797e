/*
 * main.c — `dtype`: command-line parsing only; dtype_tool.c does the work.
 *
 *   dtype [-T typefile] [-P os] [-S] file.o        type-check (and list)
 *   dtype --min -T big -o small.typefile file.o     minimal typefile
 */
#include <getopt.h>
#include <stdio.h>

#include "dtype_tool.h"
#include "ht_version.h"

static void usage(FILE *fp)
{
	fputs("usage: dtype [-T typefile] [-P os] [-S] file.o\n"
	    "       dtype --min -T typefile -o out.typefile file.o\n"
	    "options:\n"
	    "  -T FILE     type against this typefile (BTF); without it, loosely\n"
	    "  -P OS       target profile: freebsd, linux or auto (default: auto\n"
	    "              with -T, none without)\n"
	    "  -S          list every DIFO with the inferred type of each defined\n"
	    "              register, then the program's variables\n"
	    "  --min       write a typefile with only the types the program needs\n"
	    "  -o FILE     output of --min (written atomically)\n"
	    "  --version   print the version\n"
	    "  --help      print this help\n"
	    "exit status: 0 no type errors, 1 type errors or bad input, 2 bad usage\n",
	    fp);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "min", no_argument, NULL, 'm' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct dtype_opts o = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "T:P:So:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'T': o.typefile = optarg; break;
		case 'P': o.profile = optarg; break;
		case 'S': o.listing = true; break;
		case 'o': o.output = optarg; break;
		case 'm': o.min = true; break;
		case 'V': printf("dtype (HyperTrace) " HT_VERSION "\n"); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc ||
	    (o.min && (o.typefile == NULL || o.output == NULL)) ||
	    (!o.min && o.output != NULL)) {
		usage(stderr);
		return 2;
	}
	o.input = argv[optind];
	return dtype_tool_run(&o);
}
