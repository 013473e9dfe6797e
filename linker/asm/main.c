/*
 * main.c — `dasm`: command-line parsing only; dasm_tool.c does the work.
 *
 *   dasm [-o out.o] file.s     assemble (default output: file.o)
 *   dasm -n file.s             assemble and check only, write nothing
 *   dasm -d file.o             disassemble to stdout
 *   dasm -S file.o             dtrace -S style listing to stdout
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "dasm_tool.h"
#include "ht_version.h"

static void usage(FILE *fp)
{
	fputs("usage: dasm [-o out.o] [--allow-invalid] file.s   assemble\n"
	    "       dasm -n [--allow-invalid] file.s            check only\n"
	    "       dasm -d file.o                              disassemble\n"
	    "       dasm -S file.o                              dtrace -S listing\n"
	    "options:\n"
	    "  -o FILE          output object (default: input with .s replaced by .o)\n"
	    "  -n               assemble and validate, write no object\n"
	    "  -d               print the object as assembly (re-assembles identically)\n"
	    "  -S               print every clause's DIFOs in dtrace -S style\n"
	    "  --allow-invalid  report DIF validator findings as warnings, not errors\n"
	    "  --version        print the version\n"
	    "  --help           print this help\n", fp);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "allow-invalid", no_argument, NULL, 'I' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct dasm_tool_opts o = { DASM_MODE_ASSEMBLE, NULL, NULL, 0 };
	int c, modes = 0;

	while ((c = getopt_long(argc, argv, "o:ndSh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o.output = optarg; break;
		case 'n': o.mode = DASM_MODE_CHECK; modes++; break;
		case 'd': o.mode = DASM_MODE_DISASSEMBLE; modes++; break;
		case 'S': o.mode = DASM_MODE_LISTING; modes++; break;
		case 'I': o.allow_invalid = 1; break;
		case 'V': printf("dasm (HyperTrace) " HT_VERSION "\n"); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc || modes > 1 ||
	    (o.output != NULL && o.mode != DASM_MODE_ASSEMBLE)) {
		usage(stderr);
		return 2;
	}
	o.input = argv[optind];
	return dasm_tool_run(&o);
}
