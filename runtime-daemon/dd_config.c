/*
 * dd_config.c — dtraced configuration: defaults, the configuration file and
 * the consistency check shared by the command line and the file.
 *
 * Theory.  The file is line-oriented ("keyword arguments", '#' comments) so
 * an rc.d script or a systemd unit can generate it; every line is checked
 * when read and a bad one names its line number.  Command-line options are
 * applied after the file, so they win.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dd.h"

void dd_config__init(struct dd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->statedir, "/var/ddtrace");
	cfg->mode = DD_ROLE_OVERLORD;
	if (gethostname(cfg->name, sizeof(cfg->name) - 1) != 0 || !dd_name__valid(cfg->name))
		strcpy(cfg->name, "localhost");
	cfg->gc_age = 86400;
	cfg->sub_gid = -1;
	strcpy(cfg->user, "nobody");
	cfg->link_jobs = 4;
	cfg->link_timeout = 30;
	cfg->backoff_max_ms = 2000;
}

/* peer := NAME=ADDR */
int dd_config__add_peer(struct dd_config *cfg, const char *spec, char *why, size_t whylen)
{
	const char *eq = strchr(spec, '=');
	size_t nl = eq != NULL ? (size_t)(eq - spec) : 0;

	if (cfg->npeers >= DD_PEERS_MAX) {
		snprintf(why, whylen, "too many peers (at most %d)", DD_PEERS_MAX);
		return -EINVAL;
	}
	if (eq == NULL || nl == 0 || nl > DD_NAME_MAX || strlen(eq + 1) >= 256) {
		snprintf(why, whylen, "bad peer '%s' (want NAME=ADDRESS)", spec);
		return -EINVAL;
	}
	memcpy(cfg->peers[cfg->npeers].name, spec, nl);
	cfg->peers[cfg->npeers].name[nl] = '\0';
	strcpy(cfg->peers[cfg->npeers].addr, eq + 1);
	if (!dd_name__valid(cfg->peers[cfg->npeers].name) || !dd_net__addr_valid(eq + 1)) {
		snprintf(why, whylen, "bad peer '%s' (name: [A-Za-z0-9._-]{1,64}; address: "
		    "unix:PATH, tcp:HOST:PORT or vsock:CID:PORT)", spec);
		return -EINVAL;
	}
	for (unsigned i = 0; i < cfg->npeers; i++)
		if (strcmp(cfg->peers[i].name, cfg->peers[cfg->npeers].name) == 0) {
			snprintf(why, whylen, "peer '%s' configured twice", cfg->peers[i].name);
			return -EINVAL;
		}
	cfg->npeers++;
	return 0;
}

int dd_config__read_key(struct dd_config *cfg, const char *path, char *why, size_t whylen)
{
	uint8_t *data;
	size_t len;
	int rc = dd_spool__read(path, 4096, &data, &len);

	if (rc != 0) {
		snprintf(why, whylen, "key file %s: %s", path, strerror(-rc));
		return rc;
	}
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (len < 16 || len > sizeof(cfg->key.bytes)) {
		free(data);
		snprintf(why, whylen, "key file %s: key must be 16..%zu bytes", path,
		    sizeof(cfg->key.bytes));
		return -EINVAL;
	}
	memcpy(cfg->key.bytes, data, len);
	cfg->key.len = len;
	cfg->have_key = 1;
	free(data);
	return 0;
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && *out >= min && *out <= max ? 0 : -EINVAL;
}

static int apply_line(struct dd_config *cfg, char *kw, char *arg, char *why, size_t whylen)
{
	long v;

	if (strcmp(kw, "peer") == 0) {
		char spec[512], *sp = strpbrk(arg, " \t");
		if (sp == NULL)
			return snprintf(why, whylen, "peer wants NAME ADDRESS"), -EINVAL;
		*sp++ = '\0';
		while (isspace((unsigned char)*sp))
			sp++;
		snprintf(spec, sizeof(spec), "%s=%s", arg, sp);
		return dd_config__add_peer(cfg, spec, why, whylen);
	}
	if (strcmp(kw, "listen") == 0) {
		if (cfg->nlisten >= DD_LISTEN_MAX || !dd_net__addr_valid(arg) || strlen(arg) >= 256)
			return snprintf(why, whylen, "bad listen address '%s'", arg), -EINVAL;
		strcpy(cfg->listen[cfg->nlisten++], arg);
		return 0;
	}
	if (strcmp(kw, "typefile") == 0) {
		if (strlen(arg) >= sizeof(cfg->typefile))
			return snprintf(why, whylen, "typefile path too long"), -EINVAL;
		strcpy(cfg->typefile, arg);
		return 0;
	}
	if (strcmp(kw, "link") == 0) {
		if (strlen(arg) >= sizeof(cfg->link_cmd))
			return snprintf(why, whylen, "link command too long"), -EINVAL;
		strcpy(cfg->link_cmd, arg);
		return 0;
	}
	if (strcmp(kw, "keyfile") == 0)
		return dd_config__read_key(cfg, arg, why, whylen);
	if (strcmp(kw, "gc") == 0) {
		if (parse_long(arg, 0, 100L * 365 * 86400, &cfg->gc_age) != 0)
			return snprintf(why, whylen, "bad gc age '%s'", arg), -EINVAL;
		return 0;
	}
	if (strcmp(kw, "jobs") == 0) {
		if (parse_long(arg, 1, 256, &v) != 0)
			return snprintf(why, whylen, "bad jobs '%s'", arg), -EINVAL;
		cfg->link_jobs = (unsigned)v;
		return 0;
	}
	if (strcmp(kw, "group") == 0) {
		struct group *gr = getgrnam(arg);
		if (gr == NULL)
			return snprintf(why, whylen, "unknown group '%s'", arg), -EINVAL;
		cfg->sub_gid = gr->gr_gid;
		return 0;
	}
	if (strcmp(kw, "user") == 0) {
		if (strlen(arg) >= sizeof(cfg->user))
			return snprintf(why, whylen, "user name too long"), -EINVAL;
		strcpy(cfg->user, arg);
		return 0;
	}
	if (strcmp(kw, "name") == 0) {
		if (!dd_name__valid(arg))
			return snprintf(why, whylen, "bad name '%s'", arg), -EINVAL;
		strcpy(cfg->name, arg);
		return 0;
	}
	if (strcmp(kw, "mode") == 0) {
		if (strcmp(arg, "overlord") == 0)
			cfg->mode = DD_ROLE_OVERLORD;
		else if (strcmp(arg, "minion") == 0)
			cfg->mode = DD_ROLE_MINION;
		else
			return snprintf(why, whylen, "bad mode '%s'", arg), -EINVAL;
		return 0;
	}
	snprintf(why, whylen, "unknown keyword '%.200s'", kw);
	return -EINVAL;
}

int dd_config__load(struct dd_config *cfg, const char *path, char *why, size_t whylen)
{
	FILE *f = fopen(path, "r");
	char line[2048], sub[512];
	int lineno = 0, rc = 0;

	if (f == NULL) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		char *kw = line, *arg, *end;

		lineno++;
		if ((end = strchr(line, '#')) != NULL)
			*end = '\0';
		end = line + strlen(line);
		while (end > line && isspace((unsigned char)end[-1]))
			*--end = '\0';
		while (isspace((unsigned char)*kw))
			kw++;
		if (*kw == '\0')
			continue;
		arg = strpbrk(kw, " \t");
		if (arg == NULL) {
			snprintf(sub, sizeof(sub), "keyword '%.200s' needs an argument", kw);
			rc = -EINVAL;
		} else {
			*arg++ = '\0';
			while (isspace((unsigned char)*arg))
				arg++;
			rc = apply_line(cfg, kw, arg, sub, sizeof(sub));
		}
		if (rc != 0)
			snprintf(why, whylen, "%s:%d: %s", path, lineno, sub);
	}
	fclose(f);
	return rc;
}

int dd_config__check(const struct dd_config *cfg, char *why, size_t whylen)
{
	if (cfg->statedir[0] != '/') {
		snprintf(why, whylen, "state directory must be an absolute path");
		return -EINVAL;
	}
	if (cfg->mode == DD_ROLE_MINION && cfg->nlisten == 0) {
		snprintf(why, whylen, "a minion needs at least one listen address (-l)");
		return -EINVAL;
	}
	if (cfg->mode == DD_ROLE_MINION && cfg->npeers > 0) {
		snprintf(why, whylen, "a minion has no peers; the overlord connects to it");
		return -EINVAL;
	}
	if (cfg->mode == DD_ROLE_OVERLORD && cfg->nlisten > 0) {
		snprintf(why, whylen, "an overlord connects to its minions; -l is for minions");
		return -EINVAL;
	}
	return 0;
}
