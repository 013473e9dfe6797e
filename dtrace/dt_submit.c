/*
 * dt_submit.c — `dtrace -E`: hand a program to the local dtraced overlord.
 *
 * The program is compiled (-n/-s) or read (-Y) as a *relocatable* object —
 * each guest links it against its own types, so nothing is linked here —
 * and submitted over the overlord's subscription socket.  We wait until
 * every guest answered (or the timeout) and print, per guest, whether it
 * linked and with which error: the same lines as `dtracedctl submit`.
 * When the program names guest targets, dtrace then traces those guests
 * (-x vmdir) with the programs their minions linked (dt_guest.c).
 *
 * Options consumed here (and not passed to the compiler):
 *   -x ddtracedir=DIR   the overlord's state directory (default /var/ddtrace)
 *   -x ddtimeout=SECS   how long to wait for every guest (default 60)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dd.h"
#include "dt_cmd.h"
#include "dt_guest.h"
#include "ht/dobj.h"

#define DT_SUBMIT_STATEDIR	"/var/ddtrace"
#define DT_SUBMIT_TIMEOUT_S	60

static struct dobj *relocatable(const struct dt_cmd *c)
{
	struct dobj *obj = NULL;
	struct dobj_err e;
	char msg[512];
	int rc;

	if (c->program == NULL)
		return dt_cmd_compile(c);
	if ((rc = dobj__read_file(c->program, &obj, &e)) != 0) {
		if (rc == -EINVAL)
			dobj_err__format(&e, msg, sizeof(msg));
		fprintf(stderr, "dtrace: %s: %s\n", c->program,
		    rc == -EINVAL ? msg : strerror(-rc));
		return NULL;
	}
	return obj;
}

int dt_cmd_submit(const struct dt_cmd *c)
{
	const char *dir = c->ddtracedir != NULL ? c->ddtracedir : DT_SUBMIT_STATEDIR;
	int timeout_s = c->ddtimeout > 0 ? c->ddtimeout : DT_SUBMIT_TIMEOUT_S;
	struct dd_submission s;
	struct dobj *obj;
	char sock[4096], err[512] = "", hex[2 * DD_IDENT_LEN + 1];
	void *elf = NULL;
	size_t len = 0;
	int rc, status = 0;
	bool guests;

	if ((obj = relocatable(c)) == NULL)
		return 1;
	guests = dt_guest_has_targets(obj);	/* VM tracing (dt_guest.c) */
	rc = dobj__write_mem(obj, &elf, &len);
	dobj__free(obj);
	if (rc != 0) {
		fprintf(stderr, "dtrace: cannot encode the program: %s\n", strerror(-rc));
		return 1;
	}
	snprintf(sock, sizeof(sock), "%s/sub.sock", dir);
	rc = dd_client__submit(sock, elf, len, NULL, 0, timeout_s * 1000, &s, err, sizeof(err));
	free(elf);
	if (rc != 0 && (rc != -ETIMEDOUT || s.nguests == 0)) {
		fprintf(stderr, "dtrace: cannot submit to the overlord at %s: %s\n", sock,
		    err[0] != '\0' ? err : strerror(-rc));
		return 1;
	}
	dd_ident__hex(s.ident, hex);
	printf("program %s\n", hex);
	for (size_t i = 0; i < s.nguests; i++) {
		dd_outcome__print(stdout, &s.guests[i]);
		if (s.guests[i].status != DD_LINKED)
			status = 1;
	}
	/* Guest targets: trace the guests with the programs they linked. */
	if (guests && (dt_guest_use_linked(&s) != 0 || dt_cmd_run(c) != 0))
		status = 1;
	dd_submission__free(&s);
	return status;
}
