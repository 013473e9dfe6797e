/*
 * dtraced — deliver compiled D programs from a host (overlord) to its guests
 * (minions) and bring back each guest's linked program.  This file only
 * parses options; the daemon is dd_daemon__run (../dd_daemon.c), and
 * docs/daemon.md describes the whole.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dd.h"
#include "ht_version.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: dtraced [-fnv] [-D statedir] [-m overlord|minion] [-c config]\n"
	    "               [-p name=address]... [-l address]... [-t typefile] [-L link-command]\n"
	    "               [-k keyfile] [-g gc-seconds] [-G group] [-u user]\n"
	    "               [-N name] [-j jobs] [-T link-timeout]\n"
	    "  -D dir      state directory (default /var/ddtrace)\n"
	    "  -m mode     overlord (host, default) or minion (guest)\n"
	    "  -f          stay in the foreground and log to stderr\n"
	    "  -c file     configuration file (options given later override it)\n"
	    "  -p n=addr   overlord: a minion and its address (repeatable)\n"
	    "  -l addr     minion: listen for the overlord (repeatable)\n"
	    "              addresses: unix:PATH, tcp:HOST:PORT, vsock:CID:PORT\n"
	    "  -t file     minion: link received programs against this typefile\n"
	    "              with dld's library (in a child process)\n"
	    "  -L cmd      minion: link command instead, run as 'cmd in.o out.o'\n"
	    "  -k file     shared key authenticating overlord<->minion frames\n"
	    "  -g secs     keep finished programs this long (default 86400)\n"
	    "  -G group    group allowed to use sub.sock besides root\n"
	    "  -u user     user the engine runs as when started as root (default nobody)\n"
	    "  -N name     this daemon's name (default: the host name)\n"
	    "  -j jobs     concurrent link commands (default 4)\n"
	    "  -T secs     link command time limit (default 30)\n"
	    "  -n          check the configuration and exit\n"
	    "  -v          verbose (debug) logging\n"
	    "  --version, --help\n");
}

static int bad(const char *why)
{
	fprintf(stderr, "dtraced: %s\n", why);
	return 2;
}

static int number(const char *s, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && *out >= min && *out <= max;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct dd_config cfg;
	char why[1024];
	int opt, check_only = 0, rc;
	long v;

	dd_config__init(&cfg);
	/* the configuration file first, so the command line overrides it */
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "-c") == 0 &&
		    dd_config__load(&cfg, argv[i + 1], why, sizeof(why)) != 0) {
			fprintf(stderr, "dtraced: %s\n", why);
			return 1;
		}
	while ((opt = getopt_long(argc, argv, "c:D:fg:G:j:k:l:L:m:nN:p:t:T:u:v", longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'c':
			break;
		case 'D':
			if (strlen(optarg) >= sizeof(cfg.statedir))
				return bad("state directory path too long");
			strcpy(cfg.statedir, optarg);
			break;
		case 'f':
			cfg.foreground = 1;
			break;
		case 'g':
			if (!number(optarg, 0, 100L * 365 * 86400, &cfg.gc_age))
				return bad("-g wants seconds");
			break;
		case 'G': {
			struct group *gr = getgrnam(optarg);
			if (gr == NULL)
				return bad("-G: unknown group");
			cfg.sub_gid = gr->gr_gid;
			break;
		}
		case 'j':
			if (!number(optarg, 1, 256, &v))
				return bad("-j wants 1..256");
			cfg.link_jobs = (unsigned)v;
			break;
		case 'k':
			if (dd_config__read_key(&cfg, optarg, why, sizeof(why)) != 0) {
				fprintf(stderr, "dtraced: %s\n", why);
				return 1;
			}
			break;
		case 'l':
			if (cfg.nlisten >= DD_LISTEN_MAX || strlen(optarg) >= 256 ||
			    !dd_net__addr_valid(optarg))
				return bad("-l wants unix:PATH, tcp:HOST:PORT or vsock:CID:PORT");
			strcpy(cfg.listen[cfg.nlisten++], optarg);
			break;
		case 't':
			if (strlen(optarg) >= sizeof(cfg.typefile))
				return bad("-t: path too long");
			strcpy(cfg.typefile, optarg);
			break;
		case 'L':
			if (strlen(optarg) >= sizeof(cfg.link_cmd))
				return bad("-L: command too long");
			strcpy(cfg.link_cmd, optarg);
			break;
		case 'm':
			if (strcmp(optarg, "overlord") == 0)
				cfg.mode = DD_ROLE_OVERLORD;
			else if (strcmp(optarg, "minion") == 0)
				cfg.mode = DD_ROLE_MINION;
			else
				return bad("-m wants overlord or minion");
			break;
		case 'n':
			check_only = 1;
			break;
		case 'N':
			if (!dd_name__valid(optarg))
				return bad("-N wants a name of [A-Za-z0-9._-], at most 64");
			strcpy(cfg.name, optarg);
			break;
		case 'p':
			if (dd_config__add_peer(&cfg, optarg, why, sizeof(why)) != 0)
				return bad(why);
			break;
		case 'T':
			if (!number(optarg, 1, 3600, &v))
				return bad("-T wants 1..3600 seconds");
			cfg.link_timeout = (unsigned)v;
			break;
		case 'u':
			if (strlen(optarg) >= sizeof(cfg.user))
				return bad("-u: name too long");
			strcpy(cfg.user, optarg);
			break;
		case 'v':
			cfg.verbose = 1;
			break;
		case 'V':
			printf("dtraced (HyperTrace) " HT_VERSION "\n");
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc)
		return bad("unexpected arguments (see --help)");
	if (dd_config__check(&cfg, why, sizeof(why)) != 0)
		return bad(why);
	if (check_only) {
		printf("dtraced: configuration OK (%s, %u guest(s), %u listener(s))\n",
		    cfg.mode == DD_ROLE_OVERLORD ? "overlord" : "minion", cfg.npeers,
		    cfg.nlisten);
		return 0;
	}
	dd_log__open("dtraced", cfg.foreground, cfg.verbose);
	why[0] = '\0';
	rc = dd_daemon__run(&cfg, why, sizeof(why));
	if (rc != 0 && why[0] != '\0')
		fprintf(stderr, "dtraced: %s\n", why);
	return rc;
}
