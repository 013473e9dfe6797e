/*
 * main.c — dtrace(1): parse options, then hand over to dt_cmd.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dt_cmd.h"
#include "ht_version.h"

static void usage(FILE *fp)
{
	fprintf(fp,
	    "Usage: dtrace [-eqSVw] [-o output] [-T typefile] [-x opt[=val]] [-c cmd | -p pid]\n"
	    "              -Y program.o [macro arguments]\n"
	    "       dtrace -y relocatable.o -o linked.o [-T typefile]\n"
	    "       dtrace -l [-Y program.o | -n desc | -P prov | -m mod | -f func]\n"
	    "       dtrace [-eqSV] [-x opt[=val]] -n 'D program' | -s script.d [args]\n"
	    "       dtrace -E [-x ddtracedir=DIR] -n 'D program' | -s script.d | -Y file.o\n"
	    "\n"
	    "  -Y file   execute a program object (a relocatable one is linked first)\n"
	    "  -y file   link a relocatable object into a new program object (-o)\n"
	    "  -o file   output file (trace output, or the object of -y)\n"
	    "  -T file   typefile to link against (default /sys/kernel/btf/vmlinux)\n"
	    "  -q        quiet: only explicitly traced data\n"
	    "  -w        permit destructive actions (-x destructive)\n"
	    "  -e        exit after loading and checking the program\n"
	    "  -S        print the DIF listing of the program\n"
	    "  -x o[=v]  set an option (bufsize, bufpolicy, strsize, aggsortkey, ...)\n"
	    "  -n prog   compile and run a D program given on the command line\n"
	    "  -s file   compile and run a D script\n"
	    "  -l        list probes (those the program enables, with -Y;\n"
	    "            those matching -n desc, -P prov, -m mod, -f func)\n"
	    "  -E        submit the program to the local dtraced overlord; print,\n"
	    "            per guest, whether it linked (-x ddtracedir=, ddtimeout=)\n"
	    "            and, for guest targets, trace the guests with those links\n"
	    "  -x vmdir=DIR  where guests announce themselves (VM tracing; default\n"
	    "            /run/hypertrace/vms): descriptions target:prov:mod:func:name\n"
	    "            fire in the guests whose name, hostname or OS version\n"
	    "            match the target glob\n"
	    "  -c cmd    run cmd ($target), trace until it exits\n"
	    "  -p pid    trace process pid ($target) until it exits\n"
	    "  -V        print the D version\n"
	    "  --version, --help\n");
}

int main(int argc, char **argv)
{
	struct dt_cmd c;
	int opt;

	memset(&c, 0, sizeof(c));
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--version") == 0) {
			printf("dtrace (HyperTrace) " HT_VERSION "\n");
			return 0;
		}
		if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--") == 0)
			break;
	}
	while ((opt = getopt(argc, argv, "+Y:y:o:T:x:n:s:c:p:P:m:f:qeESlVhCwZ")) != -1) {
		switch (opt) {
		case 'Y': c.program = optarg; break;
		case 'y': c.link_input = optarg; break;
		case 'o': c.output = optarg; break;
		case 'T': c.typefile = optarg; break;
		case 'q': c.quiet = true; break;
		case 'e': c.compile_only = true; break;
		case 'S': c.listing = true; break;
		case 'l': c.list = true; break;
		case 'E': c.submit = true; break;
		case 'x':
			if (strncmp(optarg, "ddtracedir=", 11) == 0) {
				c.ddtracedir = optarg + 11;
				break;
			}
			if (strncmp(optarg, "ddtimeout=", 10) == 0) {
				c.ddtimeout = atoi(optarg + 10);
				if (c.ddtimeout <= 0) {
					fprintf(stderr, "dtrace: ddtimeout wants seconds > 0\n");
					return 2;
				}
				break;
			}
			if (c.nxopts == DT_CMD_MAXOPTS) {
				fprintf(stderr, "dtrace: too many -x options\n");
				return 2;
			}
			c.xopts[c.nxopts++] = optarg;
			break;
		case 'V':
			printf("dtrace: HyperTrace D " HT_VERSION "\n");
			return 0;
		case 'n':
			c.dprogram = optarg;
			/* -l -n: list what the description matches */
			/* FALLTHROUGH */
		case 'P': case 'm': case 'f':
			if (c.nldesc == DT_CMD_MAXOPTS) {
				fprintf(stderr, "dtrace: too many probe descriptions\n");
				return 2;
			}
			c.ldkind[c.nldesc] = (char)opt;
			c.ldesc[c.nldesc++] = optarg;
			break;
		case 'c': c.command = optarg; break;
		case 'p': c.grab = optarg; break;
		case 's': c.script = optarg; break;
		case 'w':	/* permit destructive actions */
			if (c.nxopts == DT_CMD_MAXOPTS) {
				fprintf(stderr, "dtrace: too many -x options\n");
				return 2;
			}
			c.xopts[c.nxopts++] = "destructive";
			break;
		case 'C': case 'Z':
			fprintf(stderr, "dtrace: -%c is not supported yet\n", opt);
			return 2;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	c.macro_args = argv + optind;
	c.nmacro_args = (size_t)(argc - optind);
	if (c.link_input != NULL) {
		if (c.program != NULL || c.output == NULL) {
			fprintf(stderr, "dtrace: -y needs -o and excludes -Y\n");
			return 2;
		}
		return dt_cmd_link(&c);
	}
	if (c.list)
		return dt_cmd_list(&c);
	if (c.nldesc > (c.dprogram != NULL ? 1u : 0u)) {
		fprintf(stderr, "dtrace: -P, -m and -f are only supported with -l\n");
		return 2;
	}
	if (c.submit) {
		if ((c.program != NULL) + (c.dprogram != NULL) + (c.script != NULL) != 1) {
			usage(stderr);
			return 2;
		}
		return dt_cmd_submit(&c);
	}
	if ((c.program != NULL) + (c.dprogram != NULL) + (c.script != NULL) != 1 ||
	    (c.command != NULL && c.grab != NULL)) {
		usage(stderr);
		return 2;
	}
	return dt_cmd_run(&c);
}
