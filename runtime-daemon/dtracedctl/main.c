/*
 * dtracedctl — control a running dtraced through its sub.sock.  This file
 * only parses options; the commands are in ctl.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "dd.h"
#include "ht_version.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: dtracedctl [-D statedir] [--json] [-t seconds] command [args]\n"
	    "commands:\n"
	    "  status                 mode, guests and their state, queues, programs\n"
	    "  guests                 the guests and their state\n"
	    "  submit [-g guest]... [-o dir] file.o\n"
	    "                         send a program to the guests (all by default),\n"
	    "                         wait, print per guest whether it linked;\n"
	    "                         -o writes each linked program as dir/GUEST.o\n"
	    "  cancel IDENT           stop delivering a program\n"
	    "  cleanup GUEST          forget a guest's queued programs and results\n"
	    "  -D dir    state directory of the daemon (default /var/ddtrace)\n"
	    "  -t secs   give up waiting after this long (default 30)\n"
	    "  --json    machine-readable output\n"
	    "exit status: 0 success, 1 failure (or a guest did not link), 2 usage\n");
}

static int usage_error(const char *why)
{
	fprintf(stderr, "dtracedctl: %s (see --help)\n", why);
	return 2;
}

/* submit [-g guest]... [-o dir] file.o  (argv[0] is "submit") */
static int parse_submit(struct ctl_opts *o, int argc, char **argv)
{
	int opt;

	optind = 1;
	while ((opt = getopt(argc, argv, "+g:o:")) != -1) {
		if (opt == 'g' && o->ntargets < 256 && dd_name__valid(optarg))
			o->targets[o->ntargets++] = optarg;
		else if (opt == 'o')
			o->outdir = optarg;
		else
			return usage_error("submit: -g wants a guest name, -o a directory");
	}
	if (optind + 1 != argc)
		return usage_error("submit wants one object file");
	return ctl_submit(o, argv[optind]);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct ctl_opts o;
	static char sock[1100];
	const char *statedir = "/var/ddtrace", *cmd;
	int opt, nargs;
	long secs;
	char *end;

	o.timeout_ms = 30000;
	while ((opt = getopt_long(argc, argv, "+D:t:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'D':
			statedir = optarg;
			break;
		case 't':
			errno = 0;
			secs = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || secs < 1 || secs > 86400)
				return usage_error("-t wants 1..86400 seconds");
			o.timeout_ms = (int)secs * 1000;
			break;
		case 'J':
			o.json = 1;
			break;
		case 'V':
			printf("dtracedctl (HyperTrace) " HT_VERSION "\n");
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc)
		return usage_error("no command");
	if (strlen(statedir) > 1000)
		return usage_error("state directory path too long");
	snprintf(sock, sizeof(sock), "%s/sub.sock", statedir);
	o.sockpath = sock;
	cmd = argv[optind];
	nargs = argc - optind - 1;
	if (strcmp(cmd, "submit") == 0)
		return parse_submit(&o, argc - optind, argv + optind);
	if ((strcmp(cmd, "status") == 0 || strcmp(cmd, "guests") == 0) && nargs == 0)
		return ctl_status(&o, cmd[0] == 'g');
	if (strcmp(cmd, "cancel") == 0 && nargs == 1)
		return ctl_cancel(&o, argv[optind + 1]);
	if (strcmp(cmd, "cleanup") == 0 && nargs == 1)
		return ctl_cleanup(&o, argv[optind + 1]);
	return usage_error("unknown command or wrong number of arguments");
}
