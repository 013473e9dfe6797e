/*
 * dd_client.c — the client side of sub.sock: what `dtrace -E` and
 * dtracedctl use to talk to a local dtraced.
 *
 * Theory.  A client opens one connection, sends one request frame and reads
 * frames until its answer is complete.  Frames on sub.sock carry the empty
 * key (the socket is authenticated by peer credentials, not by a secret).
 * Every read is bounded by the caller's timeout; the daemon's frames are
 * parsed with the same bounds-checked parsers as everything else, because
 * a client must not trust whatever listens on a path either.
 *
 * Submission: SUBMIT(targets, elf) -> ACK(guests addressed) -> one
 * GUEST_RESULT per guest -> DONE.  A NAK at any point ends it with the
 * daemon's text.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dd.h"

struct client {
	int		fd;
	uint8_t		*buf;
	size_t		len, cap;
	int64_t		deadline;	/* ms, -1 = none */
};

static const struct dd_key client_key;

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int client_open(struct client *cl, const char *sockpath, int timeout_ms,
    char *errtext, size_t errlen)
{
	char addr[1100];
	struct pollfd pf;

	memset(cl, 0, sizeof(*cl));
	cl->deadline = timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;
	snprintf(addr, sizeof(addr), "unix:%s", sockpath);
	cl->fd = dd_net__connect(addr, errtext, errlen);
	if (cl->fd < 0)
		return -ECONNREFUSED;
	pf.fd = cl->fd;
	pf.events = POLLOUT;
	if (poll(&pf, 1, timeout_ms) <= 0) {
		snprintf(errtext, errlen, "%s: connect timed out", sockpath);
		close(cl->fd);
		return -ETIMEDOUT;
	}
	return 0;
}

static void client_close(struct client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	free(cl->buf);
}

static int client_send(struct client *cl, uint8_t type, uint64_t xid, const void *p,
    size_t len, char *errtext, size_t errlen)
{
	uint8_t *f;
	size_t flen, off = 0;
	int rc = dd_msg__encode(&client_key, type, xid, p, len, &f, &flen);

	if (rc != 0) {
		snprintf(errtext, errlen, "request too large");
		return rc;
	}
	while (off < flen) {
		struct pollfd pf = { .fd = cl->fd, .events = POLLOUT };
		ssize_t n;

		if (poll(&pf, 1, 1000) < 0 && errno != EINTR)
			break;
		n = send(cl->fd, f + off, flen - off, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			rc = -errno;
			snprintf(errtext, errlen, "send: %s", strerror(errno));
			break;
		}
		if (n > 0)
			off += (size_t)n;
		if (cl->deadline >= 0 && mono_ms() > cl->deadline) {
			rc = -ETIMEDOUT;
			snprintf(errtext, errlen, "timed out sending the request");
			break;
		}
	}
	free(f);
	return rc;
}

/* Wait for one whole frame; *payload points into cl->buf until the next call. */
static int client_recv(struct client *cl, struct dd_hdr *h, const uint8_t **payload,
    size_t *consumed, char *errtext, size_t errlen)
{
	for (;;) {
		size_t flen;
		int rc = dd_msg__decode(&client_key, cl->buf, cl->len, h, &flen);
		struct pollfd pf = { .fd = cl->fd, .events = POLLIN };
		int wait;
		ssize_t n;

		if (rc == 0) {
			*payload = cl->buf + DD_HDR_LEN;
			*consumed = flen;
			return 0;
		}
		if (rc != -EAGAIN) {
			snprintf(errtext, errlen, "daemon sent a malformed frame");
			return -EBADMSG;
		}
		if (cl->cap - cl->len < 65536) {
			uint8_t *nb = realloc(cl->buf, cl->cap + 65536 * 4);
			if (nb == NULL)
				return -ENOMEM;
			cl->buf = nb;
			cl->cap += 65536 * 4;
		}
		wait = cl->deadline < 0 ? 1000 : (int)(cl->deadline - mono_ms());
		if (wait <= 0 || poll(&pf, 1, wait) == 0) {
			if (cl->deadline >= 0 && mono_ms() >= cl->deadline) {
				snprintf(errtext, errlen, "timed out waiting for the daemon");
				return -ETIMEDOUT;
			}
			continue;
		}
		n = recv(cl->fd, cl->buf + cl->len, cl->cap - cl->len, 0);
		if (n == 0) {
			snprintf(errtext, errlen, "the daemon closed the connection");
			return -ECONNRESET;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			snprintf(errtext, errlen, "recv: %s", strerror(errno));
			return -errno;
		}
		cl->len += (size_t)n;
	}
}

static void client_consume(struct client *cl, size_t n)
{
	memmove(cl->buf, cl->buf + n, cl->len - n);
	cl->len -= n;
}

static int nak_text(const struct dd_hdr *h, const uint8_t *p, char *errtext, size_t errlen)
{
	struct dd_nakmsg nak;

	if (dd_msg__parse_nak(p, h->length, &nak) != 0)
		snprintf(errtext, errlen, "refused by the daemon");
	else
		snprintf(errtext, errlen, "%.*s", (int)nak.textlen, nak.text);
	return -EPROTO;
}

static struct dd_guest_outcome *outcome_for(struct dd_submission *s, const char *guest)
{
	for (size_t i = 0; i < s->nguests; i++)
		if (strcmp(s->guests[i].guest, guest) == 0)
			return &s->guests[i];
	return NULL;
}

static int take_guest_result(struct dd_submission *out, const struct dd_hdr *h,
    const uint8_t *p, char *errtext, size_t errlen)
{
	struct dd_result r;
	struct dd_guest_outcome *g;

	if (dd_msg__parse_guest_result(p, h->length, &r) != 0 ||
	    memcmp(r.ident, out->ident, DD_IDENT_LEN) != 0 ||
	    (g = outcome_for(out, r.guest)) == NULL) {
		snprintf(errtext, errlen, "daemon sent an invalid result");
		return -EBADMSG;
	}
	g->status = r.status;
	free(g->text);
	free(g->linked);
	g->text = NULL;
	g->linked = NULL;
	if (r.status == DD_LINKED) {
		g->linked = malloc(r.datalen);
		if (g->linked == NULL)
			return -ENOMEM;
		memcpy(g->linked, r.data, r.datalen);
		g->linkedlen = r.datalen;
	} else {
		g->text = strndup((const char *)r.data, r.datalen);
		if (g->text == NULL)
			return -ENOMEM;
	}
	return 0;
}

static int take_ack(struct dd_submission *out, const struct dd_hdr *h, const uint8_t *p,
    char *errtext, size_t errlen)
{
	static struct dd_submit t;

	if (dd_msg__parse_targets(p, h->length, &t) != 0 || t.ntargets == 0) {
		snprintf(errtext, errlen, "daemon sent an invalid acknowledgement");
		return -EBADMSG;
	}
	out->guests = calloc(t.ntargets, sizeof(*out->guests));
	if (out->guests == NULL)
		return -ENOMEM;
	out->nguests = t.ntargets;
	for (unsigned i = 0; i < t.ntargets; i++) {
		strcpy(out->guests[i].guest, t.targets[i]);
		out->guests[i].status = DD_UNDELIVERED;
	}
	return 0;
}

int dd_client__submit(const char *sockpath, const void *elf, size_t len,
    const char *const *targets, unsigned ntargets, int timeout_ms,
    struct dd_submission *out, char *errtext, size_t errlen)
{
	struct client cl;
	uint8_t *payload;
	size_t plen;
	int rc, acked = 0;

	memset(out, 0, sizeof(*out));
	if (dd_prog__check(elf, len, out->ident, errtext, errlen) != 0)
		return -EINVAL;
	rc = dd_msg__build_submit(targets, ntargets, elf, len, &payload, &plen);
	if (rc != 0) {
		snprintf(errtext, errlen, "bad guest name");
		return rc;
	}
	rc = client_open(&cl, sockpath, timeout_ms, errtext, errlen);
	if (rc != 0) {
		free(payload);
		return rc;
	}
	rc = client_send(&cl, DD_SUBMIT, 1, payload, plen, errtext, errlen);
	free(payload);
	while (rc == 0) {
		struct dd_hdr h;
		const uint8_t *p;
		size_t used;

		rc = client_recv(&cl, &h, &p, &used, errtext, errlen);
		if (rc != 0)
			break;
		if (h.type == DD_NAK)
			rc = nak_text(&h, p, errtext, errlen);
		else if (h.type == DD_ACK && !acked)
			rc = take_ack(out, &h, p, errtext, errlen), acked = 1;
		else if (h.type == DD_GUEST_RESULT && acked)
			rc = take_guest_result(out, &h, p, errtext, errlen);
		else if (h.type == DD_DONE && acked) {
			out->complete = 1;
			break;
		} else {
			snprintf(errtext, errlen, "unexpected %s from the daemon",
			    dd_msg__type_name(h.type));
			rc = -EPROTO;
		}
		client_consume(&cl, used);
	}
	client_close(&cl);
	if (rc != 0 && rc != -ETIMEDOUT)
		dd_submission__free(out);
	return rc;
}

const char *dd_status__word(int status)
{
	switch (status) {
	case DD_LINKED:		return "linked";
	case DD_LINK_FAILED:	return "failed";
	case DD_CANCELLED:	return "cancelled";
	default:		return "pending";
	}
}

void dd_outcome__print(FILE *fp, const struct dd_guest_outcome *g)
{
	if (g->status == DD_LINKED)
		fprintf(fp, "%s: linked (%zu bytes)\n", g->guest, g->linkedlen);
	else if (g->status == DD_UNDELIVERED)
		fprintf(fp, "%s: pending: no answer before the timeout\n", g->guest);
	else
		fprintf(fp, "%s: %s: %s\n", g->guest, dd_status__word(g->status),
		    g->text != NULL ? g->text : "");
}

void dd_submission__free(struct dd_submission *s)
{
	for (size_t i = 0; i < s->nguests; i++) {
		free(s->guests[i].text);
		free(s->guests[i].linked);
	}
	free(s->guests);
	memset(s, 0, sizeof(*s));
}

int dd_client__request(const char *sockpath, uint8_t type, const void *payload,
    size_t len, int timeout_ms, char **reply, char *errtext, size_t errlen)
{
	struct client cl;
	struct dd_hdr h;
	const uint8_t *p;
	size_t used;
	int rc;

	*reply = NULL;
	rc = client_open(&cl, sockpath, timeout_ms, errtext, errlen);
	if (rc != 0)
		return rc;
	rc = client_send(&cl, type, 1, payload, len, errtext, errlen);
	if (rc == 0)
		rc = client_recv(&cl, &h, &p, &used, errtext, errlen);
	if (rc == 0) {
		if (h.type == DD_NAK) {
			rc = nak_text(&h, p, errtext, errlen);
		} else if (h.type == DD_STATUS) {
			*reply = strndup((const char *)p, h.length);
			rc = *reply != NULL ? 0 : -ENOMEM;
		} else if (h.type != DD_ACK) {
			snprintf(errtext, errlen, "unexpected %s from the daemon",
			    dd_msg__type_name(h.type));
			rc = -EPROTO;
		}
	}
	client_close(&cl);
	return rc;
}
