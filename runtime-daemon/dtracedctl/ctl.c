/*
 * ctl.c — dtracedctl's commands: each is one request on sub.sock (through
 * dd_client.c) and a printer for its answer, as text or as JSON.
 *
 * Theory.  The daemon's status is a list of records, one per line:
 * "<kind> key=value ...", kinds daemon, overlord, guest, program, values
 * without spaces.  Text output prints them aligned as they come; --json maps
 * them to {"daemon":{..}, "overlord":{..}, "guests":[..], "programs":[..]}.
 * Output depends only on the daemon's answer (deterministic).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "dd.h"

static void json_string(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int all_digits(const char *s, size_t n)
{
	if (n == 0 || n > 18)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* One record's fields as a JSON object. */
static void json_record(const char *fields)
{
	const char *p = fields;
	int first = 1;

	putchar('{');
	while (*p != '\0' && *p != '\n') {
		const char *end = p + strcspn(p, " \n"), *eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL) {
			printf("%s", first ? "" : ",");
			json_string(p, (size_t)(eq - p));
			putchar(':');
			if (all_digits(eq + 1, (size_t)(end - eq - 1)))
				printf("%.*s", (int)(end - eq - 1), eq + 1);
			else
				json_string(eq + 1, (size_t)(end - eq - 1));
			first = 0;
		}
		p = *end == ' ' ? end + 1 : end;
	}
	putchar('}');
}

static void print_json(const char *text, int guests_only)
{
	static const char *const kinds[] = { "daemon", "overlord", "guest", "program" };
	static const char *const keys[] = { "daemon", "overlord", "guests", "programs" };
	int first_key = 1;

	putchar('{');
	for (int k = 0; k < 4; k++) {
		int list = k >= 2, n = 0;
		size_t kl = strlen(kinds[k]);

		if (guests_only && k != 2)
			continue;
		for (const char *l = text; *l != '\0'; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
			if (strncmp(l, kinds[k], kl) != 0 || l[kl] != ' ')
				continue;
			if (n == 0)
				printf("%s\"%s\":%s", first_key ? "" : ",", keys[k], list ? "[" : "");
			else if (list)
				putchar(',');
			else
				break;	/* one record of a singular kind */
			json_record(l + kl + 1);
			n++;
			first_key = 0;
		}
		if (list && n > 0)
			putchar(']');
		else if (list && n == 0) {
			printf("%s\"%s\":[]", first_key ? "" : ",", keys[k]);
			first_key = 0;
		}
	}
	printf("}\n");
}

static int fail(const char *what, int rc, const char *errtext)
{
	fprintf(stderr, "dtracedctl: %s: %s\n", what, errtext[0] != '\0' ? errtext :
	    strerror(-rc));
	return 1;
}

int ctl_status(const struct ctl_opts *o, int guests_only)
{
	char err[512] = "", *reply;
	int rc = dd_client__request(o->sockpath, DD_STATUS_REQ, NULL, 0, o->timeout_ms,
	    &reply, err, sizeof(err));

	if (rc != 0 || reply == NULL)
		return fail(o->sockpath, rc != 0 ? rc : -EPROTO, err);
	if (o->json) {
		print_json(reply, guests_only);
	} else {
		for (const char *l = reply; *l != '\0';) {
			const char *nl = strchr(l, '\n');
			size_t n = nl != NULL ? (size_t)(nl - l) : strlen(l);
			if (!guests_only || strncmp(l, "guest ", 6) == 0)
				printf("%.*s\n", (int)n, l);
			l += n + (nl != NULL);
		}
	}
	free(reply);
	return 0;
}

static int write_linked(const struct ctl_opts *o, const struct dd_guest_outcome *g)
{
	char name[128];
	int rc;

	snprintf(name, sizeof(name), "%s.o", g->guest);
	rc = dd_spool__publish(o->outdir, name, g->linked, g->linkedlen);
	if (rc != 0)
		fprintf(stderr, "dtracedctl: %s/%s: %s\n", o->outdir, name, strerror(-rc));
	return rc;
}

int ctl_submit(const struct ctl_opts *o, const char *file)
{
	struct dd_submission s;
	uint8_t *elf;
	size_t len;
	char err[512] = "", hex[2 * DD_IDENT_LEN + 1];
	int rc, status = 0;

	rc = dd_spool__read(file, DD_PROG_MAX, &elf, &len);
	if (rc != 0) {
		fprintf(stderr, "dtracedctl: %s: %s\n", file,
		    rc == -EFBIG ? "not a regular file or larger than 16 MiB" : strerror(-rc));
		return 1;
	}
	rc = dd_client__submit(o->sockpath, elf, len, o->targets, o->ntargets,
	    o->timeout_ms, &s, err, sizeof(err));
	free(elf);
	if (rc != 0 && rc != -ETIMEDOUT)
		return fail(file, rc, err);
	if (rc == -ETIMEDOUT && s.nguests == 0)
		return fail(file, rc, err);
	dd_ident__hex(s.ident, hex);
	if (o->json)
		printf("{\"ident\":\"%s\",\"complete\":%s,\"guests\":[", hex,
		    s.complete ? "true" : "false");
	else
		printf("program %s\n", hex);
	for (size_t i = 0; i < s.nguests; i++) {
		const struct dd_guest_outcome *g = &s.guests[i];
		if (g->status != DD_LINKED)
			status = 1;
		else if (o->outdir != NULL && write_linked(o, g) != 0)
			status = 1;
		if (!o->json) {
			dd_outcome__print(stdout, g);
			continue;
		}
		printf("%s{\"guest\":", i > 0 ? "," : "");
		json_string(g->guest, strlen(g->guest));
		printf(",\"status\":\"%s\"", dd_status__word(g->status));
		if (g->status == DD_LINKED)
			printf(",\"bytes\":%zu", g->linkedlen);
		else if (g->text != NULL) {
			printf(",\"error\":");
			json_string(g->text, strlen(g->text));
		}
		putchar('}');
	}
	if (o->json)
		printf("]}\n");
	dd_submission__free(&s);
	return status;
}

int ctl_cancel(const struct ctl_opts *o, const char *ident)
{
	uint8_t id[DD_IDENT_LEN];
	char err[512] = "", *reply;
	int rc;

	if (dd_ident__parse(ident, id) != 0) {
		fprintf(stderr, "dtracedctl: cancel wants a program ident (64 hex digits)\n");
		return 1;
	}
	rc = dd_client__request(o->sockpath, DD_CANCEL, id, sizeof(id), o->timeout_ms,
	    &reply, err, sizeof(err));
	free(reply);
	if (rc != 0)
		return fail(ident, rc, err);
	printf(o->json ? "{\"cancelled\":\"%s\"}\n" : "program %s cancelled\n", ident);
	return 0;
}

int ctl_cleanup(const struct ctl_opts *o, const char *guest)
{
	uint8_t payload[1 + DD_NAME_MAX];
	char err[512] = "", *reply;
	size_t n = strlen(guest);
	int rc;

	if (!dd_name__valid(guest)) {
		fprintf(stderr, "dtracedctl: '%s' is not a guest name\n", guest);
		return 1;
	}
	payload[0] = (uint8_t)n;
	memcpy(payload + 1, guest, n);
	rc = dd_client__request(o->sockpath, DD_CLEANUP, payload, 1 + n, o->timeout_ms,
	    &reply, err, sizeof(err));
	free(reply);
	if (rc != 0)
		return fail(guest, rc, err);
	printf(o->json ? "{\"cleaned\":\"%s\"}\n" : "guest %s cleaned up\n", guest);
	return 0;
}
