/*
 * dd_daemon.c — dtraced: the supervisor, the engine and its event loop.
 *
 * Theory.  Two processes (docs/daemon.md):
 *
 *   supervisor  started as root; takes the state-directory lock, creates the
 *               spool folders and binds every socket, then forks the engine
 *               and only waits for it and forwards SIGTERM.  It never reads
 *               a byte from any socket.
 *   engine      drops to the configured user (when started as root), then
 *               runs one poll(2) loop over: the subscription socket and its
 *               clients, the overlord's connections to its minions (or the
 *               minion's listening sockets), link-command children, and a
 *               self-pipe for signals.  It parses all untrusted bytes.
 *
 * Transactions.  State that matters across a crash is in the journal
 * (dd_spool.c) and in files published atomically; memory only caches it:
 *
 *   overlord  S hex guest   program queued for guest (base/hex.o, outbound/hex.o)
 *             R hex guest n result stored as inbound/guest/hex.{o,err}
 *             C hex guest   cancelled;  X guest  guest cleaned;  G hex  collected
 *   minion    I hex         received as inbound/hex.o
 *             L hex n       link finished, result in outbound/hex.res
 *             A hex         overlord acknowledged the result;  G hex  collected
 *
 * A file is always published before the journal record that names it, and a
 * peer is only acknowledged after that record is durable, so a crash at any
 * point leaves either nothing acknowledged (the sender retries) or a durable
 * record (the receiver deduplicates by ident).  Files no record names are
 * leftovers of an unacknowledged publish and are removed at start.
 *
 * Ownership: the engine owns all connections and jobs; a connection's
 * buffers are freed when it is closed; jobs live until garbage collection.
 *
 * Read next: dd_msg.c (frames), dd_spool.c (durability), docs/daemon.md.
 */
#define _GNU_SOURCE	/* accept4, pipe2, SO_PEERCRED, setresuid */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dd.h"
#include "lnk.h"

#define READ_CHUNK	(256 * 1024)
#define WINDOW		64		/* programs in flight per minion */
#define HEX_LEN		(2 * DD_IDENT_LEN + 1)

enum conn_kind { C_CLIENT, C_TO_MINION, C_FROM_OVERLORD };
enum conn_state { S_CONNECTING, S_HELLO, S_READY };
/* Per-guest state of a program on the overlord. */
enum { G_NONE, G_PENDING, G_INFLIGHT, G_DONE, G_CANCELLED, G_COMMITTING };
/* State of a program on a minion. */
enum { M_RECEIVED, M_LINKING, M_LINKED, M_DONE };

struct conn {
	int		fd;
	enum conn_kind	kind;
	enum conn_state	state;
	int		peer;		/* C_TO_MINION: index into peers */
	uint8_t		*in;
	size_t		inlen, incap;
	uint8_t		*out;
	size_t		outlen, outoff, outcap;
	int		closing;	/* close once out is flushed */
	const struct dd_key *key;	/* peers: the shared key; clients: empty */
	/* C_CLIENT waiting for a submission's results */
	struct job	*watch;
	uint8_t		*want;		/* per peer: 1 = result not yet sent */
	uint64_t	watch_xid;
	char		label[96];	/* for logs */
	struct conn	*next;
};

struct job {
	uint8_t		ident[DD_IDENT_LEN];
	char		hex[HEX_LEN];
	uint8_t		*g;		/* overlord: per peer G_* */
	uint8_t		*gst;		/* overlord: per peer result status */
	int		m;		/* minion: M_* */
	uint8_t		mst;		/* minion: result status */
	uint64_t	result_xid;	/* minion: xid of the RESULT sent */
	int64_t		finished_ms;	/* when the job last became complete */
	struct job	*next;
};

struct peer {
	const struct dd_peer_conf *conf;
	struct conn	*c;
	int64_t		next_try_ms;
	unsigned	backoff_ms;
	unsigned	inflight;
	uint64_t	connects;
};

struct linker {
	pid_t		pid;
	int		errfd;
	char		err[DD_TEXT_MAX];
	size_t		errlen;
	int		exited, status;
	struct job	*job;
	int64_t		deadline_ms;
};

/* A result waiting for the group commit at the end of a loop iteration. */
struct staged {
	struct conn	*c;
	uint64_t	xid;
	int		gi;
	struct job	*j;
	uint8_t		status;
	int		ack_only;	/* a duplicate of a staged result */
};

struct engine {
	const struct dd_config *cfg;
	struct dd_batch	*batch;		/* staged results (overlord) */
	struct dd_batch	*batch1;	/* one file + its records, committed at once */
	struct staged	*staged;
	size_t		nstaged, capstaged;
	char		base[1100], outbound[1100], inbound[1100], work[1100];
	struct dd_journal *journal;
	int		subfd;
	int		lfd[DD_LISTEN_MAX];
	unsigned	nlfd;
	int		sigpipe[2];
	uid_t		owner_uid;	/* who started the daemon */
	struct conn	*conns;
	struct job	*jobs;
	struct peer	*peers;
	unsigned	npeers;
	struct linker	*linkers;	/* cfg->link_jobs slots */
	uint64_t	next_xid;
	int64_t		next_gc_ms;
	uint64_t	refused;	/* frames refused, for status */
	struct conn	*overlord;	/* minion: the ready overlord connection */
	int		stop;
};

static struct engine *sig_engine;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- jobs */

static struct job *job_find(struct engine *e, const uint8_t ident[DD_IDENT_LEN])
{
	for (struct job *j = e->jobs; j != NULL; j = j->next)
		if (memcmp(j->ident, ident, DD_IDENT_LEN) == 0)
			return j;
	return NULL;
}

static struct job *job_get(struct engine *e, const uint8_t ident[DD_IDENT_LEN])
{
	struct job *j = job_find(e, ident);

	if (j != NULL)
		return j;
	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return NULL;
	if (e->npeers > 0) {
		j->g = calloc(e->npeers, 1);
		j->gst = calloc(e->npeers, 1);
		if (j->g == NULL || j->gst == NULL) {
			free(j->g);
			free(j->gst);
			free(j);
			return NULL;
		}
	}
	memcpy(j->ident, ident, DD_IDENT_LEN);
	dd_ident__hex(ident, j->hex);
	j->next = e->jobs;
	e->jobs = j;
	return j;
}

static void job_drop(struct engine *e, struct job *dead)
{
	for (struct job **pp = &e->jobs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == dead) {
			*pp = dead->next;
			break;
		}
	for (struct conn *c = e->conns; c != NULL; c = c->next)
		if (c->watch == dead)
			c->watch = NULL;
	free(dead->g);
	free(dead->gst);
	free(dead);
}

static int peer_index(struct engine *e, const char *name)
{
	for (unsigned i = 0; i < e->npeers; i++)
		if (strcmp(e->peers[i].conf->name, name) == 0)
			return (int)i;
	return -1;
}

/* A job is complete when no guest is still waiting for it. */
static int job_open(const struct engine *e, const struct job *j)
{
	if (e->cfg->mode == DD_ROLE_MINION)
		return j->m != M_DONE;
	for (unsigned i = 0; i < e->npeers; i++)
		if (j->g[i] == G_PENDING || j->g[i] == G_INFLIGHT || j->g[i] == G_COMMITTING)
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- journal replay */

static int replay_record(void *arg, const char *rec)
{
	struct engine *e = arg;
	char kind, hex[HEX_LEN + 1], guest[DD_NAME_MAX + 2];
	uint8_t ident[DD_IDENT_LEN];
	unsigned st = 0;
	int n, gi = -1;
	struct job *j;

	kind = rec[0];
	if (kind == 'X') {
		if (sscanf(rec, "X %65s", guest) == 1 && (gi = peer_index(e, guest)) >= 0)
			for (j = e->jobs; j != NULL; j = j->next)
				j->g[gi] = G_NONE;
		return 0;
	}
	n = sscanf(rec, "%*c %65s %65s %u", hex, guest, &st);
	if (n < 1 || dd_ident__parse(hex, ident) != 0) {
		dd_log_warnx("journal: ignoring unreadable record '%.80s'", rec);
		return 0;
	}
	if (kind == 'G') {
		if ((j = job_find(e, ident)) != NULL)
			job_drop(e, j);
		return 0;
	}
	if ((j = job_get(e, ident)) == NULL)
		return -ENOMEM;
	if (e->cfg->mode == DD_ROLE_MINION) {
		if (kind == 'I')
			j->m = M_RECEIVED;
		else if (kind == 'L' && n >= 2 && sscanf(rec, "L %*s %u", &st) == 1)
			j->m = M_LINKED, j->mst = (uint8_t)st;
		else if (kind == 'A')
			j->m = M_DONE;
		return 0;
	}
	if (n < 2 || (gi = peer_index(e, guest)) < 0)
		return 0;	/* a guest no longer configured */
	if (kind == 'S' && j->g[gi] != G_PENDING)
		j->g[gi] = G_PENDING;
	else if (kind == 'R' && n == 3)
		j->g[gi] = G_DONE, j->gst[gi] = (uint8_t)st;
	else if (kind == 'C')
		j->g[gi] = G_CANCELLED;
	return 0;
}

/* Records describing the live state, for compaction. */
static int compact_journal(struct engine *e)
{
	size_t cap = 16, n = 0;
	char **recs = malloc(cap * sizeof(*recs));
	int rc = 0;

	if (recs == NULL)
		return -ENOMEM;
	for (struct job *j = e->jobs; j != NULL && rc == 0; j = j->next) {
		for (unsigned i = 0; i < (e->npeers > 0 ? e->npeers : 1) * 2; i++) {
			char buf[256];

			buf[0] = '\0';
			if (e->cfg->mode == DD_ROLE_MINION) {
				if (i == 0)
					snprintf(buf, sizeof(buf), "I %s", j->hex);
				else if (i == 1 && j->m >= M_LINKED)
					snprintf(buf, sizeof(buf), "L %s %u", j->hex, j->mst);
			} else {
				unsigned g = i / 2;
				const char *name = e->peers[g].conf->name;
				if (i % 2 == 0 && j->g[g] != G_NONE && j->g[g] != G_COMMITTING)
					snprintf(buf, sizeof(buf), "S %s %s", j->hex, name);
				else if (i % 2 == 1 && j->g[g] == G_DONE)
					snprintf(buf, sizeof(buf), "R %s %s %u", j->hex, name, j->gst[g]);
				else if (i % 2 == 1 && j->g[g] == G_CANCELLED)
					snprintf(buf, sizeof(buf), "C %s %s", j->hex, name);
			}
			if (buf[0] == '\0')
				continue;
			if (n + 2 > cap) {
				char **nr = realloc(recs, (cap *= 2) * sizeof(*recs));
				if (nr == NULL) {
					rc = -ENOMEM;
					break;
				}
				recs = nr;
			}
			if ((recs[n] = strdup(buf)) == NULL) {
				rc = -ENOMEM;
				break;
			}
			n++;
		}
		if (e->cfg->mode == DD_ROLE_MINION && j->m == M_DONE && rc == 0) {
			char buf[128];
			snprintf(buf, sizeof(buf), "A %s", j->hex);
			if ((recs[n] = strdup(buf)) != NULL)
				n++;
		}
	}
	if (rc == 0)
		rc = dd_journal__rewrite(e->journal, (const char *const *)recs, n);
	for (size_t i = 0; i < n; i++)
		free(recs[i]);
	free(recs);
	return rc;
}

static int journalf(struct engine *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int journalf(struct engine *e, const char *fmt, ...)
{
	char rec[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(rec, sizeof(rec), fmt, ap);
	va_end(ap);
	rc = dd_journal__append(e->journal, rec);
	if (rc != 0)
		dd_log_warnx("journal append '%s': %s", rec, strerror(-rc));
	return rc;
}

/* ---------------------------------------------------------------- connections */

static struct conn *conn_new(struct engine *e, int fd, enum conn_kind kind)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		close(fd);
		return NULL;
	}
	static const struct dd_key nokey;

	c->fd = fd;
	c->kind = kind;
	c->key = kind == C_CLIENT ? &nokey : &e->cfg->key;
	c->peer = -1;
	c->next = e->conns;
	e->conns = c;
	return c;
}

static void conn_close(struct engine *e, struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->closing = 2;		/* reaped at the end of the loop iteration */
	if (c->kind == C_TO_MINION && c->peer >= 0) {
		struct peer *p = &e->peers[c->peer];
		/* Whatever was in flight is pending again: it will be resent. */
		for (struct job *j = e->jobs; j != NULL; j = j->next)
			if (j->g[c->peer] == G_INFLIGHT)
				j->g[c->peer] = G_PENDING;
		p->inflight = 0;
		p->c = NULL;
		p->next_try_ms = now_ms() + p->backoff_ms;
		p->backoff_ms = p->backoff_ms * 2 > e->cfg->backoff_max_ms ?
		    e->cfg->backoff_max_ms : p->backoff_ms * 2;
	}
	if (e->overlord == c)
		e->overlord = NULL;
}

static void conn_reap(struct engine *e)
{
	for (struct conn **pp = &e->conns; *pp != NULL;) {
		struct conn *c = *pp;
		if (c->closing == 2) {
			*pp = c->next;
			free(c->in);
			free(c->out);
			free(c->want);
			free(c);
		} else {
			pp = &c->next;
		}
	}
}

static void conn_flush(struct engine *e, struct conn *c)
{
	while (c->fd >= 0 && c->outoff < c->outlen) {
		ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				conn_close(e, c);
			return;
		}
		c->outoff += (size_t)n;
	}
	if (c->outoff == c->outlen) {
		c->outoff = c->outlen = 0;
		if (c->closing == 1)
			conn_close(e, c);
	}
}

static void send_frame(struct engine *e, struct conn *c, uint8_t type, uint64_t xid,
    const void *payload, size_t len)
{
	uint8_t *f;
	size_t flen;

	if (c->fd < 0 || c->closing)
		return;
	if (dd_msg__encode(c->key, type, xid, payload, len, &f, &flen) != 0) {
		dd_log_warnx("%s: cannot encode %s", c->label, dd_msg__type_name(type));
		return;
	}
	if (c->outlen - c->outoff + flen > c->outcap || c->outoff > 0) {
		size_t live = c->outlen - c->outoff;
		size_t cap = live + flen > c->outcap ? (live + flen) * 2 : c->outcap;
		uint8_t *nb = malloc(cap);
		if (nb == NULL) {
			free(f);
			conn_close(e, c);
			return;
		}
		if (live > 0)
			memcpy(nb, c->out + c->outoff, live);
		free(c->out);
		c->out = nb;
		c->outcap = cap;
		c->outlen = live;
		c->outoff = 0;
	}
	memcpy(c->out + c->outlen, f, flen);
	c->outlen += flen;
	free(f);
	conn_flush(e, c);
}

static void send_nak(struct engine *e, struct conn *c, uint64_t xid, uint16_t code,
    const char *text)
{
	uint8_t *p;
	size_t len;

	if (dd_msg__build_nak(code, text, &p, &len) == 0) {
		send_frame(e, c, DD_NAK, xid, p, len);
		free(p);
	}
}

/* Refuse a frame: log it, count it, tell the peer why. */
static void refuse(struct engine *e, struct conn *c, uint64_t xid, uint16_t code,
    const char *why)
{
	e->refused++;
	if (code == DD_NAK_UNAUTH)
		dd_log_security("%s: %s", c->label, why);
	else
		dd_log_warnx("%s: refused: %s", c->label, why);
	send_nak(e, c, xid, code, why);
}

/* ---------------------------------------------------------------- overlord */

static void result_path(struct engine *e, char *out, size_t len, int gi,
    const struct job *j, uint8_t status)
{
	snprintf(out, len, "%s/%s/%s.%s", e->inbound, e->peers[gi].conf->name, j->hex,
	    status == DD_LINKED ? "o" : "err");
}

static void send_guest_result(struct engine *e, struct conn *c, struct job *j, int gi)
{
	char path[2048];
	uint8_t *data = NULL, *p;
	size_t dlen = 0, len;
	uint8_t st = j->g[gi] == G_CANCELLED ? DD_CANCELLED : j->gst[gi];
	const char *cancelled = "cancelled";

	if (j->g[gi] == G_DONE) {
		result_path(e, path, sizeof(path), gi, j, st);
		if (dd_spool__read(path, DD_PROG_MAX, &data, &dlen) != 0 ||
		    (st != DD_LINKED && dlen > DD_TEXT_MAX)) {
			free(data);
			data = NULL;
			st = DD_LINK_FAILED;
			dlen = 0;
			cancelled = "result file lost from the spool";
		}
	}
	if (data == NULL && st != DD_LINKED) {
		data = (uint8_t *)strdup(st == DD_CANCELLED ? "cancelled" : cancelled);
		dlen = data != NULL ? strlen((char *)data) : 0;
	}
	if (dd_msg__build_result(j->ident, st, e->peers[gi].conf->name, data, dlen,
	    &p, &len) == 0) {
		send_frame(e, c, DD_GUEST_RESULT, c->watch_xid, p, len);
		free(p);
	}
	free(data);
}

/* Tell the clients watching j about guest gi; DONE when nothing is left. */
static void notify_watchers(struct engine *e, struct job *j, int gi)
{
	for (struct conn *c = e->conns; c != NULL; c = c->next) {
		int left = 0;

		if (c->watch != j || c->closing)
			continue;
		if (gi >= 0 && c->want[gi]) {
			send_guest_result(e, c, j, gi);
			c->want[gi] = 0;
		}
		for (unsigned i = 0; i < e->npeers; i++)
			left |= c->want[i];
		if (!left) {
			send_frame(e, c, DD_DONE, c->watch_xid, NULL, 0);
			c->watch = NULL;
		}
	}
}

static void deliver(struct engine *e, int gi)
{
	struct peer *p = &e->peers[gi];

	if (p->c == NULL || p->c->state != S_READY)
		return;
	for (struct job *j = e->jobs; j != NULL && p->inflight < WINDOW; j = j->next) {
		char path[2048];
		uint8_t *elf, *payload;
		size_t len;

		if (j->g[gi] != G_PENDING)
			continue;
		snprintf(path, sizeof(path), "%s/%s.o", e->base, j->hex);
		if (dd_spool__read(path, DD_PROG_MAX, &elf, &len) != 0) {
			dd_log_warnx("program %s missing from %s", j->hex, e->base);
			continue;
		}
		payload = malloc(DD_IDENT_LEN + len);
		if (payload == NULL) {
			free(elf);
			return;
		}
		memcpy(payload, j->ident, DD_IDENT_LEN);
		memcpy(payload + DD_IDENT_LEN, elf, len);
		free(elf);
		send_frame(e, p->c, DD_PROGRAM, ++e->next_xid, payload, DD_IDENT_LEN + len);
		free(payload);
		if (p->c == NULL)
			return;		/* the send failed and closed it */
		j->g[gi] = G_INFLIGHT;
		p->inflight++;
		dd_log_debug("%s: sent program %s", p->conf->name, j->hex);
	}
}

/* outbound/hex.o: a hard link of base/hex.o while some guest waits for it. */
static void mirror_queue(struct engine *e, const struct job *j)
{
	char from[2048], to[2048];

	snprintf(from, sizeof(from), "%s/%s.o", e->base, j->hex);
	snprintf(to, sizeof(to), "%s/%s.o", e->outbound, j->hex);
	if (link(from, to) != 0 && errno != EEXIST)
		dd_log_warnx("%s: cannot mirror the queue entry: %s", to, strerror(errno));
}

/* Leave outbound/hex.o only while some guest still waits for it. */
static void maybe_unqueue(struct engine *e, struct job *j)
{
	char name[HEX_LEN + 4];

	if (job_open(e, j))
		return;
	snprintf(name, sizeof(name), "%s.o", j->hex);
	dd_spool__remove(e->outbound, name);
	j->finished_ms = now_ms();
}

static struct staged *stage(struct engine *e)
{
	if (e->nstaged == e->capstaged) {
		size_t cap = e->capstaged ? e->capstaged * 2 : 64;
		struct staged *ns = realloc(e->staged, cap * sizeof(*ns));
		if (ns == NULL)
			return NULL;
		e->staged = ns;
		e->capstaged = cap;
	}
	return &e->staged[e->nstaged++];
}

/*
 * RESULT: write inbound/guest/hex.{o,err} under a temporary name and stage
 * it; commit_results() makes the whole iteration's results durable at once
 * and only then acknowledges them.
 */
static void handle_result(struct engine *e, struct conn *c, const struct dd_hdr *h,
    const uint8_t *pl)
{
	struct dd_result r;
	struct job *j;
	struct staged *st;
	char dir[2048], name[HEX_LEN + 8];
	int gi = c->peer;

	if (dd_msg__parse_result(pl, h->length, &r) != 0) {
		refuse(e, c, h->xid, DD_NAK_MALFORMED, "malformed RESULT payload");
		return;
	}
	j = job_find(e, r.ident);
	if (j != NULL && j->g[gi] == G_COMMITTING) {
		if ((st = stage(e)) != NULL)
			*st = (struct staged){ .c = c, .xid = h->xid, .gi = gi, .j = j,
			    .ack_only = 1 };
		return;
	}
	if (j == NULL || (j->g[gi] != G_PENDING && j->g[gi] != G_INFLIGHT)) {
		/* A duplicate or a cancelled program: the minion may forget it. */
		send_frame(e, c, DD_ACK, h->xid, NULL, 0);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/%s", e->inbound, e->peers[gi].conf->name);
	snprintf(name, sizeof(name), "%s.%s", j->hex, r.status == DD_LINKED ? "o" : "err");
	if ((st = stage(e)) == NULL || dd_batch__add(e->batch, dir, name, r.data,
	    r.datalen) != 0) {
		if (st != NULL)
			e->nstaged--;
		refuse(e, c, h->xid, DD_NAK_STORAGE, "cannot store the result");
		return;
	}
	*st = (struct staged){ .c = c, .xid = h->xid, .gi = gi, .j = j, .status = r.status };
	if (j->g[gi] == G_INFLIGHT && e->peers[gi].inflight > 0)
		e->peers[gi].inflight--;
	j->g[gi] = G_COMMITTING;
}

static void commit_results(struct engine *e)
{
	char (*recs)[200];
	const char **rp;
	size_t n = 0;
	int rc;

	if (e->nstaged == 0)
		return;
	recs = calloc(e->nstaged, sizeof(*recs));
	rp = calloc(e->nstaged, sizeof(*rp));
	for (size_t i = 0; recs != NULL && rp != NULL && i < e->nstaged; i++) {
		struct staged *st = &e->staged[i];
		if (st->ack_only)
			continue;
		snprintf(recs[n], sizeof(recs[n]), "R %s %s %u", st->j->hex,
		    e->peers[st->gi].conf->name, st->status);
		rp[n] = recs[n];
		n++;
	}
	rc = recs != NULL && rp != NULL ? dd_batch__commit(e->batch, e->journal, rp, n) : -ENOMEM;
	if (rc != 0)
		dd_log_warnx("storing %zu result(s): %s", n, strerror(-rc));
	for (size_t i = 0; i < e->nstaged; i++) {
		struct staged *st = &e->staged[i];
		int live = st->c->fd >= 0 && !st->c->closing;

		if (rc != 0) {
			if (!st->ack_only)
				st->j->g[st->gi] = G_PENDING;	/* asked for again */
			if (live)
				send_nak(e, st->c, st->xid, DD_NAK_STORAGE, "cannot store the result");
			continue;
		}
		if (live)
			send_frame(e, st->c, DD_ACK, st->xid, NULL, 0);
		if (st->ack_only)
			continue;
		st->j->g[st->gi] = G_DONE;
		st->j->gst[st->gi] = st->status;
		dd_log_info("%s: program %s %s", e->peers[st->gi].conf->name, st->j->hex,
		    st->status == DD_LINKED ? "linked" : "failed to link");
		maybe_unqueue(e, st->j);
		notify_watchers(e, st->j, st->gi);
	}
	for (size_t i = 0; i < e->nstaged; i++)
		deliver(e, e->staged[i].gi);
	e->nstaged = 0;
	free(recs);
	free(rp);
}

/* A NAK from a minion for a PROGRAM is final: it will never take it. */
static void handle_minion_nak(struct engine *e, struct conn *c, const struct dd_hdr *h,
    const uint8_t *pl)
{
	struct dd_nakmsg nak;

	if (dd_msg__parse_nak(pl, h->length, &nak) != 0)
		nak.textlen = 0, nak.text = "";
	dd_log_warnx("%s: NAK for xid %llu: %.*s", c->label, (unsigned long long)h->xid,
	    (int)nak.textlen, nak.text);
}

/*
 * Make a file and the records that name it durable together: one group
 * commit (two filesystem syncs), not a publish plus a journal sync.
 */
static int store_and_record(struct engine *e, const char *dir, const char *name,
    const void *data, size_t len, const char *const *recs, size_t n)
{
	int rc = 0;

	if (data != NULL)
		rc = dd_batch__add(e->batch1, dir, name, data, len);
	if (rc == 0)
		rc = dd_batch__commit(e->batch1, e->journal, recs, n);
	if (rc != 0)
		dd_log_warnx("storing %s/%s: %s", dir, name != NULL ? name : "", strerror(-rc));
	return rc;
}

/* Store base/hex.o (when new) and one S record per newly addressed guest. */
static int queue_for(struct engine *e, struct job *j, const int *targets, int nt,
    const void *elf, size_t len)
{
	static const char *recs[DD_PEERS_MAX];
	static char bufs[DD_PEERS_MAX][160];
	char name[HEX_LEN + 4];
	size_t n = 0;
	int rc;

	for (int i = 0; i < nt; i++) {
		int gi = targets[i];
		if (j->g[gi] == G_PENDING || j->g[gi] == G_INFLIGHT || j->g[gi] == G_DONE ||
		    j->g[gi] == G_COMMITTING)
			continue;
		snprintf(bufs[n], sizeof(bufs[n]), "S %s %s", j->hex, e->peers[gi].conf->name);
		recs[n] = bufs[n];
		n++;
	}
	if (n == 0 && elf == NULL)
		return 0;
	snprintf(name, sizeof(name), "%s.o", j->hex);
	rc = store_and_record(e, e->base, name, elf, len, recs, n);
	if (rc != 0)
		return rc;
	for (int i = 0; i < nt; i++)
		if (j->g[targets[i]] == G_NONE || j->g[targets[i]] == G_CANCELLED)
			j->g[targets[i]] = G_PENDING;
	return 0;
}

/*
 * SUBMIT: publish base/hex.o and outbound/hex.o, journal one S record per
 * target, then ACK: from the ACK on, the program survives any crash.
 */
static void handle_submit(struct engine *e, struct conn *c, const struct dd_hdr *h,
    const uint8_t *pl)
{
	static struct dd_submit s;	/* 16 KiB of names: keep it off the stack */
	int targets[DD_PEERS_MAX], nt = 0, rc;
	char name[HEX_LEN + 4], path[2048];
	uint8_t ident[DD_IDENT_LEN];
	struct job *j;
	struct stat st;

	if (dd_msg__parse_submit(pl, h->length, &s) != 0) {
		refuse(e, c, h->xid, DD_NAK_MALFORMED, "malformed SUBMIT (guest list)");
		return;
	}
	if (dd_prog__check(s.elf, s.elflen, ident, path, sizeof(path)) != 0) {
		refuse(e, c, h->xid, DD_NAK_BADPROG, path);
		return;
	}
	if (e->npeers == 0) {
		refuse(e, c, h->xid, DD_NAK_UNKNOWN, "no guests are configured");
		return;
	}
	for (unsigned i = 0; i < s.ntargets; i++) {
		int gi = peer_index(e, s.targets[i]);
		if (gi < 0) {
			char why[128];
			snprintf(why, sizeof(why), "unknown guest '%s'", s.targets[i]);
			refuse(e, c, h->xid, DD_NAK_UNKNOWN, why);
			return;
		}
		targets[nt++] = gi;
	}
	if (s.ntargets == 0)
		for (unsigned i = 0; i < e->npeers; i++)
			targets[nt++] = (int)i;
	if ((j = job_get(e, ident)) == NULL) {
		refuse(e, c, h->xid, DD_NAK_STORAGE, "out of memory");
		return;
	}
	snprintf(name, sizeof(name), "%s.o", j->hex);
	snprintf(path, sizeof(path), "%s/%s", e->base, name);
	if (stat(path, &st) == 0)
		rc = queue_for(e, j, targets, nt, NULL, 0);
	else
		rc = queue_for(e, j, targets, nt, s.elf, s.elflen);
	/* outbound/ only mirrors the queue: deliveries read base/ */
	if (rc == 0 && job_open(e, j))
		mirror_queue(e, j);
	if (rc != 0) {
		refuse(e, c, h->xid, DD_NAK_STORAGE, "cannot store the program");
		maybe_unqueue(e, j);
		return;
	}
	{
		const char *names[DD_PEERS_MAX];
		uint8_t *ap;
		size_t al;

		for (int i = 0; i < nt; i++)
			names[i] = e->peers[targets[i]].conf->name;
		if (dd_msg__build_targets(names, (unsigned)nt, &ap, &al) == 0) {
			send_frame(e, c, DD_ACK, h->xid, ap, al);
			free(ap);
		}
	}
	dd_log_info("program %s submitted for %d guest(s)", j->hex, nt);
	free(c->want);
	c->want = calloc(e->npeers, 1);
	if (c->want == NULL) {
		conn_close(e, c);
		return;
	}
	c->watch = j;
	c->watch_xid = h->xid;
	for (int i = 0; i < nt; i++)
		c->want[targets[i]] = 1;
	for (int i = 0; i < nt; i++)
		if (j->g[targets[i]] == G_DONE)
			notify_watchers(e, j, targets[i]);
	maybe_unqueue(e, j);
	for (int i = 0; i < nt; i++)
		deliver(e, targets[i]);
}

static void cancel_entry(struct engine *e, struct job *j, int gi)
{
	if (j->g[gi] != G_PENDING && j->g[gi] != G_INFLIGHT)
		return;
	if (journalf(e, "C %s %s", j->hex, e->peers[gi].conf->name) != 0)
		return;
	if (j->g[gi] == G_INFLIGHT && e->peers[gi].inflight > 0)
		e->peers[gi].inflight--;
	j->g[gi] = G_CANCELLED;
	notify_watchers(e, j, gi);
}

static void handle_cancel(struct engine *e, struct conn *c, const struct dd_hdr *h,
    const uint8_t *pl)
{
	struct job *j;

	if (h->length != DD_IDENT_LEN) {
		refuse(e, c, h->xid, DD_NAK_MALFORMED, "malformed CANCEL");
		return;
	}
	commit_results(e);	/* no staged result may outlive a cancel */
	if ((j = job_find(e, pl)) == NULL) {
		send_nak(e, c, h->xid, DD_NAK_UNKNOWN, "no such program");
		return;
	}
	for (unsigned i = 0; i < e->npeers; i++)
		cancel_entry(e, j, (int)i);
	maybe_unqueue(e, j);
	dd_log_info("program %s cancelled", j->hex);
	send_frame(e, c, DD_ACK, h->xid, NULL, 0);
}

/* CLEANUP guest: forget everything about it (queued programs and results). */
static void handle_cleanup(struct engine *e, struct conn *c, const struct dd_hdr *h,
    const uint8_t *pl)
{
	char guest[DD_NAME_MAX + 1], dir[2048];
	int gi;
	DIR *d;
	struct dirent *de;

	if (dd_msg__parse_name(pl, h->length, guest) != 0) {
		refuse(e, c, h->xid, DD_NAK_MALFORMED, "malformed CLEANUP");
		return;
	}
	commit_results(e);
	if ((gi = peer_index(e, guest)) < 0) {
		send_nak(e, c, h->xid, DD_NAK_UNKNOWN, "unknown guest");
		return;
	}
	for (struct job *j = e->jobs; j != NULL; j = j->next)
		cancel_entry(e, j, gi);
	if (journalf(e, "X %s", guest) != 0) {
		send_nak(e, c, h->xid, DD_NAK_STORAGE, "journal write failed");
		return;
	}
	for (struct job *j = e->jobs; j != NULL; j = j->next) {
		j->g[gi] = G_NONE;
		maybe_unqueue(e, j);
	}
	snprintf(dir, sizeof(dir), "%s/%s", e->inbound, guest);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
	dd_log_info("guest %s cleaned up", guest);
	send_frame(e, c, DD_ACK, h->xid, NULL, 0);
}

/* ---------------------------------------------------------------- minion */

static void send_minion_result(struct engine *e, struct job *j)
{
	char path[2048];
	uint8_t *data, *p;
	size_t len, plen;

	if (e->overlord == NULL || j->m != M_LINKED)
		return;
	snprintf(path, sizeof(path), "%s/%s.res", e->outbound, j->hex);
	if (dd_spool__read(path, DD_PROG_MAX + 1, &data, &len) != 0 || len < 1) {
		dd_log_warnx("result %s missing from %s", j->hex, e->outbound);
		return;
	}
	if (dd_msg__build_result(j->ident, data[0], NULL, data + 1, len - 1, &p, &plen) == 0) {
		j->result_xid = ++e->next_xid;
		send_frame(e, e->overlord, DD_RESULT, j->result_xid, p, plen);
		free(p);
	}
	free(data);
}

/* Store the outcome durably, then report it. */
static void link_finished(struct engine *e, struct job *j, uint8_t status,
    const void *data, size_t len)
{
	char name[HEX_LEN + 8], rec[128];
	const char *recs[1] = { rec };
	uint8_t *buf = malloc(len + 1);

	if (buf == NULL)
		return;
	buf[0] = status;
	memcpy(buf + 1, data, len);
	snprintf(name, sizeof(name), "%s.res", j->hex);
	snprintf(rec, sizeof(rec), "L %s %u", j->hex, status);
	if (store_and_record(e, e->outbound, name, buf, len + 1, recs, 1) != 0) {
		free(buf);
		j->m = M_RECEIVED;	/* retried at the next start */
		return;
	}
	free(buf);
	j->m = M_LINKED;
	j->mst = status;
	dd_log_info("program %s %s", j->hex, status == DD_LINKED ? "linked" : "failed to link");
	send_minion_result(e, j);
}

/* dld's diagnostics go to the link child's stderr: the engine's pipe. */
static void link_report(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

/*
 * Run in the forked link child: link `in` against the guest typefile with
 * dld's library and write `out` atomically.  The child gives the same
 * isolation and time limit as an external link command; its exit status
 * and stderr become the result.
 */
static int link_in_process(const char *typefile, const char *in, const char *out)
{
	const char *paths[1] = { in };
	struct lnk_opts opts = { 0 };
	struct lnk_diag diag = { .report = link_report };
	int rc = lnk_link__files(paths, 1, typefile, &opts, &diag, out, NULL);

	fflush(stderr);
	return rc == 0 && diag.nerrors == 0 ? 0 : 1;
}

static void link_start(struct engine *e, struct job *j, struct linker *l)
{
	static const char nolink[] = "linking is not available: the minion has no "
	    "typefile (-t) and no link command (-L)";
	char in[2048], out[2048];
	int pfd[2];
	pid_t pid;

	if (e->cfg->link_cmd[0] == '\0' && e->cfg->typefile[0] == '\0') {
		link_finished(e, j, DD_LINK_FAILED, nolink, sizeof(nolink) - 1);
		return;
	}
	snprintf(in, sizeof(in), "%s/%s.o", e->inbound, j->hex);
	snprintf(out, sizeof(out), "%s/%s.o", e->work, j->hex);
	unlink(out);
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* no orphan outlives its engine */
		signal(SIGTERM, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		dup2(nul, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		if (e->cfg->link_cmd[0] == '\0')
			_exit(link_in_process(e->cfg->typefile, in, out));
		execl("/bin/sh", "sh", "-c", "exec $DD_LINK \"$@\"", "sh", in, out, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	memset(l, 0, sizeof(*l));
	l->pid = pid;
	l->errfd = pfd[0];
	l->job = j;
	l->deadline_ms = now_ms() + (int64_t)e->cfg->link_timeout * 1000;
	j->m = M_LINKING;
}

static void link_reap(struct engine *e, struct linker *l)
{
	char out[2048];
	struct job *j = l->job;
	uint8_t *elf = NULL, ident[DD_IDENT_LEN];
	size_t len = 0;
	char why[DD_TEXT_MAX + 64];

	snprintf(out, sizeof(out), "%s/%s.o", e->work, j->hex);
	while (l->errlen > 0 && (l->err[l->errlen - 1] == '\n' || l->err[l->errlen - 1] == ' '))
		l->errlen--;
	if (l->status == -1) {
		snprintf(why, sizeof(why), "link command timed out after %u s",
		    e->cfg->link_timeout);
	} else if (!WIFEXITED(l->status) || WEXITSTATUS(l->status) != 0) {
		if (l->errlen > 0)
			snprintf(why, sizeof(why), "%.*s", (int)l->errlen, l->err);
		else if (WIFEXITED(l->status))
			snprintf(why, sizeof(why), "link command exited with status %d",
			    WEXITSTATUS(l->status));
		else
			snprintf(why, sizeof(why), "link command killed by signal %d",
			    WTERMSIG(l->status));
	} else if (dd_spool__read(out, DD_PROG_MAX, &elf, &len) != 0) {
		snprintf(why, sizeof(why), "link command produced no output file");
	} else if (dd_prog__check(elf, len, ident, why, sizeof(why)) == 0) {
		link_finished(e, j, DD_LINKED, elf, len);
		free(elf);
		unlink(out);
		goto done;
	}
	free(elf);
	unlink(out);
	why[DD_TEXT_MAX - 1] = '\0';
	link_finished(e, j, DD_LINK_FAILED, why, strlen(why));
done:
	close(l->errfd);
	memset(l, 0, sizeof(*l));
	l->errfd = -1;
}

static void link_schedule(struct engine *e)
{
	for (struct job *j = e->jobs; j != NULL; j = j->next) {
		struct linker *free_slot = NULL;

		if (j->m != M_RECEIVED || e->cfg->mode != DD_ROLE_MINION)
			continue;
		for (unsigned i = 0; i < e->cfg->link_jobs; i++)
			if (e->linkers[i].job == NULL) {
				free_slot = &e->linkers[i];
				break;
			}
		if (free_slot == NULL)
			return;
		link_start(e, j, free_slot);
	}
}

static void link_drain(struct linker *l)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(l->errfd, buf, sizeof(buf));
		if (n <= 0) {
			if (n == 0)
				l->exited |= 2;	/* EOF */
			return;
		}
		size_t room = sizeof(l->err) - l->errlen;
		size_t take = (size_t)n < room ? (size_t)n : room;
		memcpy(l->err + l->errlen, buf, take);
		l->errlen += take;
	}
}

static void handle_program(struct engine *e, struct conn *c, const struct dd_hdr *h,
    const uint8_t *pl)
{
	struct dd_program p;
	struct job *j;
	char name[HEX_LEN + 4], rec[128];

	if (dd_msg__parse_program(pl, h->length, &p) != 0) {
		refuse(e, c, h->xid, DD_NAK_BADPROG, "malformed PROGRAM or ident mismatch");
		return;
	}
	if ((j = job_find(e, p.ident)) != NULL) {
		/* Seen before: acknowledge again; resend the result if we have one. */
		send_frame(e, c, DD_ACK, h->xid, NULL, 0);
		if (j->m == M_DONE)
			j->m = M_LINKED;
		send_minion_result(e, j);
		return;
	}
	if ((j = job_get(e, p.ident)) == NULL) {
		refuse(e, c, h->xid, DD_NAK_STORAGE, "out of memory");
		return;
	}
	/*
	 * Not synced: the overlord keeps the program pending until our RESULT,
	 * so a program lost here is simply sent again.  At start a received
	 * file that does not hash to its name is dropped (reconcile_received).
	 */
	snprintf(name, sizeof(name), "%s.o", j->hex);
	snprintf(rec, sizeof(rec), "I %s", j->hex);
	if (dd_spool__put(e->inbound, name, p.elf, p.elflen) != 0 ||
	    dd_journal__write(e->journal, rec) != 0) {
		job_drop(e, j);
		refuse(e, c, h->xid, DD_NAK_STORAGE, "cannot store the program");
		return;
	}
	j->m = M_RECEIVED;
	send_frame(e, c, DD_ACK, h->xid, NULL, 0);
	dd_log_info("received program %s", j->hex);
	link_schedule(e);
}

static void handle_minion_ack(struct engine *e, const struct dd_hdr *h)
{
	for (struct job *j = e->jobs; j != NULL; j = j->next)
		if (j->m == M_LINKED && j->result_xid == h->xid) {
			if (journalf(e, "A %s", j->hex) == 0) {
				j->m = M_DONE;
				j->finished_ms = now_ms();
			}
			return;
		}
}

/* ---------------------------------------------------------------- status */

static void handle_status(struct engine *e, struct conn *c, const struct dd_hdr *h)
{
	static const char *const gnames[] = { "none", "pending", "inflight", "done", "cancelled",
		"storing" };
	static const char *const mnames[] = { "received", "linking", "linked", "done" };
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	if (buf == NULL)
		return;
#define EMIT(...) do {							\
		int n_ = snprintf(NULL, 0, __VA_ARGS__);		\
		if (len + (size_t)n_ + 1 > cap) {			\
			char *nb_ = realloc(buf, cap = (len + (size_t)n_ + 1) * 2); \
			if (nb_ == NULL) { free(buf); return; }		\
			buf = nb_;					\
		}							\
		len += (size_t)snprintf(buf + len, cap - len, __VA_ARGS__); \
	} while (0)

	EMIT("daemon mode=%s name=%s pid=%ld refused=%llu\n",
	    e->cfg->mode == DD_ROLE_OVERLORD ? "overlord" : "minion", e->cfg->name,
	    (long)getpid(), (unsigned long long)e->refused);
	if (e->cfg->mode == DD_ROLE_MINION)
		EMIT("overlord state=%s\n", e->overlord != NULL ? "connected" : "disconnected");
	for (unsigned i = 0; i < e->npeers; i++) {
		unsigned pending = 0, done = 0, failed = 0;
		for (struct job *j = e->jobs; j != NULL; j = j->next) {
			pending += j->g[i] == G_PENDING || j->g[i] == G_INFLIGHT ||
			    j->g[i] == G_COMMITTING;
			done += j->g[i] == G_DONE && j->gst[i] == DD_LINKED;
			failed += j->g[i] == G_DONE && j->gst[i] != DD_LINKED;
		}
		EMIT("guest name=%s state=%s address=%s queued=%u inflight=%u linked=%u "
		    "failed=%u connects=%llu\n", e->peers[i].conf->name,
		    e->peers[i].c == NULL ? "down" :
		    e->peers[i].c->state == S_READY ? "up" : "connecting",
		    e->peers[i].conf->addr, pending, e->peers[i].inflight, done, failed,
		    (unsigned long long)e->peers[i].connects);
	}
	if (h->length == 0) {
		for (struct job *j = e->jobs; j != NULL; j = j->next) {
			EMIT("program ident=%s", j->hex);
			if (e->cfg->mode == DD_ROLE_MINION)
				EMIT(" state=%s", mnames[j->m]);
			for (unsigned i = 0; i < e->npeers; i++)
				if (j->g[i] != G_NONE)
					EMIT(" %s=%s", e->peers[i].conf->name,
					    j->g[i] == G_DONE ? (j->gst[i] == DD_LINKED ?
					    "linked" : "failed") : gnames[j->g[i]]);
			EMIT("\n");
		}
	}
#undef EMIT
	send_frame(e, c, DD_STATUS, h->xid, buf, len);
	free(buf);
}

/* ---------------------------------------------------------------- dispatch */

static void hello_reply(struct engine *e, struct conn *c)
{
	uint8_t *p;
	size_t len;

	if (dd_msg__build_hello((uint8_t)e->cfg->mode, e->cfg->name, &p, &len) == 0) {
		send_frame(e, c, DD_HELLO, 0, p, len);
		free(p);
	}
}

static void on_hello(struct engine *e, struct conn *c, const struct dd_hdr *h,
    const uint8_t *pl)
{
	struct dd_hello hello;
	char why[640];

	if (dd_msg__parse_hello(pl, h->length, &hello) != 0) {
		refuse(e, c, h->xid, DD_NAK_MALFORMED, "malformed HELLO");
		conn_close(e, c);
		return;
	}
	if (c->kind == C_TO_MINION) {
		struct peer *p = &e->peers[c->peer];
		if (hello.role != DD_ROLE_MINION || strcmp(hello.name, p->conf->name) != 0) {
			snprintf(why, sizeof(why), "peer at %s claims to be %s '%s', expected "
			    "minion '%s'", p->conf->addr, hello.role == DD_ROLE_MINION ?
			    "minion" : "non-minion", hello.name, p->conf->name);
			refuse(e, c, h->xid, DD_NAK_UNAUTH, why);
			c->closing = 1;
			conn_flush(e, c);
			return;
		}
		c->state = S_READY;
		p->backoff_ms = 50;
		p->connects++;
		dd_log_info("%s: connected", p->conf->name);
		deliver(e, c->peer);
		return;
	}
	/* C_FROM_OVERLORD */
	if (hello.role != DD_ROLE_OVERLORD) {
		refuse(e, c, h->xid, DD_NAK_ROLE, "only an overlord may connect here");
		c->closing = 1;
		conn_flush(e, c);
		return;
	}
	hello_reply(e, c);
	c->state = S_READY;
	snprintf(c->label, sizeof(c->label), "overlord %s", hello.name);
	if (e->overlord != NULL && e->overlord != c)
		conn_close(e, e->overlord);
	e->overlord = c;
	dd_log_info("overlord %s connected", hello.name);
	for (struct job *j = e->jobs; j != NULL; j = j->next)
		send_minion_result(e, j);
}

static void dispatch(struct engine *e, struct conn *c, const struct dd_hdr *h,
    const uint8_t *pl)
{
	char why[128];

	if (c->kind != C_CLIENT && c->state != S_READY && h->type != DD_HELLO) {
		snprintf(why, sizeof(why), "%s before HELLO", dd_msg__type_name(h->type));
		refuse(e, c, h->xid, DD_NAK_UNAUTH, why);
		c->closing = 1;
		conn_flush(e, c);
		return;
	}
	switch (c->kind) {
	case C_CLIENT:
		if (h->type == DD_STATUS_REQ)
			return handle_status(e, c, h);
		if (e->cfg->mode == DD_ROLE_OVERLORD) {
			if (h->type == DD_SUBMIT)
				return handle_submit(e, c, h, pl);
			if (h->type == DD_CANCEL)
				return handle_cancel(e, c, h, pl);
			if (h->type == DD_CLEANUP)
				return handle_cleanup(e, c, h, pl);
		}
		break;
	case C_TO_MINION:
		if (h->type == DD_HELLO && c->state != S_READY)
			return on_hello(e, c, h, pl);
		if (h->type == DD_RESULT)
			return handle_result(e, c, h, pl);
		if (h->type == DD_ACK)
			return;		/* program stored; the result follows */
		if (h->type == DD_NAK)
			return handle_minion_nak(e, c, h, pl);
		break;
	case C_FROM_OVERLORD:
		if (h->type == DD_HELLO && c->state != S_READY)
			return on_hello(e, c, h, pl);
		if (h->type == DD_PROGRAM)
			return handle_program(e, c, h, pl);
		if (h->type == DD_ACK)
			return handle_minion_ack(e, h);
		if (h->type == DD_NAK)
			return handle_minion_nak(e, c, h, pl);
		break;
	}
	snprintf(why, sizeof(why), "unexpected %s", dd_msg__type_name(h->type));
	refuse(e, c, h->xid, DD_NAK_ROLE, why);
}

/*
 * Read what is there and dispatch every complete frame.  A framing error
 * (bad magic, version, length or tag) means the stream cannot be trusted
 * any further: NAK, log, and close this connection only.
 */
static void conn_read(struct engine *e, struct conn *c)
{
	size_t off = 0;

	if (c->incap - c->inlen < READ_CHUNK) {
		uint8_t *nb = realloc(c->in, c->inlen + READ_CHUNK);
		if (nb == NULL) {
			conn_close(e, c);
			return;
		}
		c->in = nb;
		c->incap = c->inlen + READ_CHUNK;
	}
	ssize_t n = recv(c->fd, c->in + c->inlen, c->incap - c->inlen, 0);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (c->inlen > 0)
			dd_log_warnx("%s: closed in the middle of a frame (%zu bytes dropped)",
			    c->label, c->inlen);
		dd_log_debug("%s: closed", c->label);
		conn_close(e, c);
		return;
	}
	c->inlen += (size_t)n;
	while (c->fd >= 0 && c->closing == 0 && off < c->inlen) {
		struct dd_hdr h;
		size_t flen;
		int rc = dd_msg__decode(c->key, c->in + off, c->inlen - off, &h, &flen);

		if (rc == -EAGAIN)
			break;
		if (rc != 0) {
			refuse(e, c, 0, rc == -EPERM ? DD_NAK_UNAUTH : rc == -EMSGSIZE ?
			    DD_NAK_TOOBIG : DD_NAK_MALFORMED, rc == -EPERM ?
			    "frame tag does not verify (wrong key or corrupted)" :
			    rc == -EMSGSIZE ? "frame longer than its type allows" :
			    "malformed frame header");
			c->closing = 1;
			conn_flush(e, c);
			break;
		}
		dispatch(e, c, &h, c->in + off + DD_HDR_LEN);
		off += flen;
	}
	if (c->fd < 0)
		return;
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
	if (c->incap > 4 * READ_CHUNK && c->inlen < READ_CHUNK) {
		uint8_t *nb = realloc(c->in, READ_CHUNK);
		if (nb != NULL) {
			c->in = nb;
			c->incap = READ_CHUNK;
		}
	}
}

/* sub.sock clients must be root, the daemon's owner, or in the configured group. */
static int client_allowed(struct engine *e, int fd, char *label, size_t len)
{
	struct ucred cr;
	socklen_t sl = sizeof(cr);
	gid_t groups[64];
	socklen_t gl = sizeof(groups);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &sl) != 0)
		return 0;
	snprintf(label, len, "client pid %ld uid %ld", (long)cr.pid, (long)cr.uid);
	if (cr.uid == 0 || cr.uid == e->owner_uid)
		return 1;
	if (e->cfg->sub_gid < 0)
		return 0;
	if (cr.gid == (gid_t)e->cfg->sub_gid)
		return 1;
#ifdef SO_PEERGROUPS
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &gl) == 0)
		for (size_t i = 0; i < gl / sizeof(gid_t); i++)
			if (groups[i] == (gid_t)e->cfg->sub_gid)
				return 1;
#endif
	return 0;
}

static void accept_on(struct engine *e, int lfd, enum conn_kind kind)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;
		char label[96];

		if (fd < 0)
			return;
		if (kind == C_CLIENT && !client_allowed(e, fd, label, sizeof(label))) {
			e->refused++;
			dd_log_security("sub.sock: %s is not root, the owner or in the "
			    "allowed group", label);
			close(fd);
			continue;
		}
		c = conn_new(e, fd, kind);
		if (c == NULL)
			continue;
		c->state = kind == C_CLIENT ? S_READY : S_HELLO;
		if (kind == C_CLIENT)
			snprintf(c->label, sizeof(c->label), "%s", label);
		else
			snprintf(c->label, sizeof(c->label), "inbound connection fd %d", fd);
	}
}

static void peer_connect(struct engine *e, int gi)
{
	struct peer *p = &e->peers[gi];
	char why[256];
	int fd = dd_net__connect(p->conf->addr, why, sizeof(why));
	struct conn *c;
	uint8_t *hp;
	size_t hl;

	if (fd < 0) {
		if (p->backoff_ms == 50)
			dd_log_info("%s: cannot connect (%s); retrying", p->conf->name, why);
		else
			dd_log_debug("%s: %s", p->conf->name, why);
		p->next_try_ms = now_ms() + p->backoff_ms;
		p->backoff_ms = p->backoff_ms * 2 > e->cfg->backoff_max_ms ?
		    e->cfg->backoff_max_ms : p->backoff_ms * 2;
		return;
	}
	if ((c = conn_new(e, fd, C_TO_MINION)) == NULL)
		return;
	c->peer = gi;
	c->state = S_CONNECTING;
	snprintf(c->label, sizeof(c->label), "guest %s", p->conf->name);
	p->c = c;
	if (dd_msg__build_hello(DD_ROLE_OVERLORD, e->cfg->name, &hp, &hl) == 0) {
		/* queued; flushed once the connect completes */
		c->state = S_HELLO;
		send_frame(e, c, DD_HELLO, 0, hp, hl);
		free(hp);
	}
}

/* ---------------------------------------------------------------- start-up */

static int mkdirs(struct engine *e, char *why, size_t whylen)
{
	const char *dirs[] = { e->cfg->statedir, e->base, e->outbound, e->inbound, e->work };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		int rc = dd_spool__mkdir(dirs[i]);
		if (rc != 0) {
			snprintf(why, whylen, "%s: %s", dirs[i], strerror(-rc));
			return rc;
		}
	}
	chmod(e->cfg->statedir, 0700);
	for (unsigned i = 0; i < e->npeers; i++) {
		char d[2048];
		snprintf(d, sizeof(d), "%s/%s", e->inbound, e->peers[i].conf->name);
		if (dd_spool__mkdir(d) != 0) {
			snprintf(why, whylen, "%s: %s", d, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/* inbound/guest/hex.{o,err} is kept only if the journal says R for it. */
static void reconcile_results(struct engine *e, int gi)
{
	char dir[2048], hex[HEX_LEN];
	uint8_t ident[DD_IDENT_LEN];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", e->inbound, e->peers[gi].conf->name);
	dd_spool__sweep_temps(dir);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		const char *dot = strchr(de->d_name, '.');
		struct job *j;

		if (de->d_name[0] == '.' || dot == NULL || dot - de->d_name != HEX_LEN - 1)
			continue;
		memcpy(hex, de->d_name, HEX_LEN - 1);
		hex[HEX_LEN - 1] = '\0';
		if (dd_ident__parse(hex, ident) != 0)
			continue;
		j = job_find(e, ident);
		if (j != NULL && j->g[gi] == G_PENDING &&
		    (strcmp(dot + 1, "o") == 0 || strcmp(dot + 1, "err") == 0) &&
		    journalf(e, "R %s %s %u", j->hex, e->peers[gi].conf->name,
		    strcmp(dot + 1, "o") == 0 ? DD_LINKED : DD_LINK_FAILED) == 0) {
			/* stored, then crashed before the R record: keep it */
			j->g[gi] = G_DONE;
			j->gst[gi] = strcmp(dot + 1, "o") == 0 ? DD_LINKED : DD_LINK_FAILED;
			dd_log_info("recovered %s's result for %s", e->peers[gi].conf->name, j->hex);
			continue;
		}
		if (j == NULL || j->g[gi] != G_DONE ||
		    strcmp(dot + 1, j->gst[gi] == DD_LINKED ? "o" : "err") != 0) {
			dd_log_info("removing unreferenced %s/%s", dir, de->d_name);
			unlinkat(dirfd(d), de->d_name, 0);
		}
	}
	closedir(d);
}

/*
 * A minion crashed after publishing outbound/hex.res but before its L
 * record: the file is complete (atomic publish), so record it instead of
 * linking again.
 */
static int adopt_link_result(struct engine *e, struct job *j)
{
	char path[2048];
	uint8_t *data;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.res", e->outbound, j->hex);
	if (dd_spool__read(path, DD_PROG_MAX + 1, &data, &len) != 0)
		return -1;
	rc = len >= 1 && data[0] <= DD_LINK_FAILED ? journalf(e, "L %s %u", j->hex, data[0]) : -1;
	if (rc == 0) {
		j->m = M_LINKED;
		j->mst = data[0];
		dd_log_info("recovered the link result of %s", j->hex);
	}
	free(data);
	return rc;
}

/* Remove files no journal record names (unacknowledged publishes). */
static void reconcile(struct engine *e)
{
	const char *dirs[] = { e->base, e->outbound, e->inbound, e->work };

	for (unsigned g = 0; g < e->npeers; g++)
		reconcile_results(e, (int)g);
	for (size_t i = 0; i < 4; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;
		uint8_t ident[DD_IDENT_LEN];

		dd_spool__sweep_temps(dirs[i]);
		if (d == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			char hex[HEX_LEN];
			struct job *j;
			const char *dot = strchr(de->d_name, '.');

			if (de->d_name[0] == '.' || dot == NULL || dot - de->d_name != HEX_LEN - 1)
				continue;
			memcpy(hex, de->d_name, HEX_LEN - 1);
			hex[HEX_LEN - 1] = '\0';
			if (dd_ident__parse(hex, ident) != 0)
				continue;
			j = job_find(e, ident);
			if (i == 1 && j != NULL && e->cfg->mode == DD_ROLE_MINION &&
			    j->m == M_RECEIVED && strcmp(dot, ".res") == 0 &&
			    adopt_link_result(e, j) == 0)
				continue;
			if (i == 3 || j == NULL || (i == 1 && !job_open(e, j))) {
				dd_log_info("removing unreferenced %s/%s", dirs[i], de->d_name);
				unlinkat(dirfd(d), de->d_name, 0);
			}
		}
		closedir(d);
	}
	for (struct job *j = e->jobs; j != NULL; j = j->next) {
		if (!job_open(e, j))
			j->finished_ms = now_ms();
		else if (e->cfg->mode == DD_ROLE_OVERLORD)
			mirror_queue(e, j);
	}
}

/*
 * Minion: a received program not yet linked must hash to its name; one cut
 * short by a crash (receiving is not synced) is forgotten, and the overlord,
 * which still has it pending, sends it again.
 */
static void reconcile_received(struct engine *e)
{
	for (struct job *j = e->jobs, *next; j != NULL; j = next) {
		char path[2048], why[128];
		uint8_t *data = NULL, ident[DD_IDENT_LEN];
		size_t len;
		int ok;

		next = j->next;
		if (j->m != M_RECEIVED && j->m != M_LINKING)
			continue;
		snprintf(path, sizeof(path), "%s/%s.o", e->inbound, j->hex);
		ok = dd_spool__read(path, DD_PROG_MAX, &data, &len) == 0 &&
		    dd_prog__check(data, len, ident, why, sizeof(why)) == 0 &&
		    memcmp(ident, j->ident, DD_IDENT_LEN) == 0;
		free(data);
		if (ok)
			continue;
		dd_log_info("dropping incompletely received %s", j->hex);
		unlink(path);
		job_drop(e, j);
	}
}

/* Garbage collection: finished programs older than gc_age go away. */
static void collect(struct engine *e)
{
	int64_t horizon = now_ms() - (int64_t)e->cfg->gc_age * 1000;

	for (struct job *j = e->jobs, *next; j != NULL; j = next) {
		char name[HEX_LEN + 8];

		next = j->next;
		if (job_open(e, j) || j->finished_ms > horizon || (e->cfg->mode ==
		    DD_ROLE_MINION && j->m != M_DONE))
			continue;
		if (journalf(e, "G %s", j->hex) != 0)
			return;
		snprintf(name, sizeof(name), "%s.o", j->hex);
		dd_spool__remove(e->base, name);
		dd_spool__remove(e->inbound, name);
		for (unsigned g = 0; g < e->npeers; g++) {
			char dir[2048];
			snprintf(dir, sizeof(dir), "%s/%s", e->inbound, e->peers[g].conf->name);
			dd_spool__remove(dir, name);
			snprintf(name, sizeof(name), "%s.err", j->hex);
			dd_spool__remove(dir, name);
			snprintf(name, sizeof(name), "%s.o", j->hex);
		}
		snprintf(name, sizeof(name), "%s.res", j->hex);
		dd_spool__remove(e->outbound, name);
		dd_log_debug("collected program %s", j->hex);
		job_drop(e, j);
	}
}

static void on_signal(int sig)
{
	char b = (char)sig;
	int saved = errno;

	if (sig_engine != NULL && write(sig_engine->sigpipe[1], &b, 1) < 0)
		(void)0;
	errno = saved;
}

static void drain_signals(struct engine *e)
{
	char b[64];
	ssize_t n;

	while ((n = read(e->sigpipe[0], b, sizeof(b))) > 0)
		for (ssize_t i = 0; i < n; i++)
			if (b[i] == SIGTERM || b[i] == SIGINT)
				e->stop = 1;
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0)
			break;
		for (unsigned i = 0; i < e->cfg->link_jobs; i++)
			if (e->linkers[i].job != NULL && e->linkers[i].pid == pid) {
				e->linkers[i].exited |= 1;
				if (e->linkers[i].status != -1)
					e->linkers[i].status = status;
			}
	}
}

/* ---------------------------------------------------------------- the loop */

static int64_t next_deadline(struct engine *e)
{
	int64_t t = e->next_gc_ms;

	for (unsigned i = 0; i < e->npeers; i++)
		if (e->peers[i].c == NULL && e->peers[i].next_try_ms < t)
			t = e->peers[i].next_try_ms;
	for (unsigned i = 0; i < e->cfg->link_jobs; i++)
		if (e->linkers[i].job != NULL && e->linkers[i].deadline_ms < t)
			t = e->linkers[i].deadline_ms;
	return t;
}

static void run_timers(struct engine *e)
{
	int64_t now = now_ms();

	for (unsigned i = 0; i < e->npeers; i++)
		if (e->peers[i].c == NULL && e->peers[i].next_try_ms <= now)
			peer_connect(e, (int)i);
	for (unsigned i = 0; i < e->cfg->link_jobs; i++) {
		struct linker *l = &e->linkers[i];
		if (l->job != NULL && !(l->exited & 1) && l->deadline_ms <= now) {
			kill(l->pid, SIGKILL);
			l->status = -1;
		}
	}
	if (e->next_gc_ms <= now) {
		collect(e);
		e->next_gc_ms = now + 1000;
	}
}

static int engine_loop(struct engine *e)
{
	size_t cap = 0;
	struct pollfd *pf = NULL;
	struct conn **pc = NULL;

	while (!e->stop) {
		size_t n = 0, nconn = 0;
		int64_t wait;

		for (struct conn *c = e->conns; c != NULL; c = c->next)
			nconn++;
		if (cap < nconn + e->nlfd + e->cfg->link_jobs + 2) {
			cap = (nconn + e->nlfd + e->cfg->link_jobs + 2) * 2;
			free(pf);
			free(pc);
			pf = calloc(cap, sizeof(*pf));
			pc = calloc(cap, sizeof(*pc));
			if (pf == NULL || pc == NULL)
				return 1;
		}
		pf[n++] = (struct pollfd){ .fd = e->sigpipe[0], .events = POLLIN };
		pf[n++] = (struct pollfd){ .fd = e->subfd, .events = POLLIN };
		for (unsigned i = 0; i < e->nlfd; i++)
			pf[n++] = (struct pollfd){ .fd = e->lfd[i], .events = POLLIN };
		for (unsigned i = 0; i < e->cfg->link_jobs; i++)
			pf[n++] = (struct pollfd){ .fd = e->linkers[i].job != NULL &&
			    !(e->linkers[i].exited & 2) ? e->linkers[i].errfd : -1,
			    .events = POLLIN };
		size_t cbase = n;
		for (struct conn *c = e->conns; c != NULL; c = c->next) {
			pc[n] = c;
			pf[n++] = (struct pollfd){ .fd = c->fd, .events = (short)(POLLIN |
			    (c->outlen > c->outoff || c->state == S_CONNECTING ? POLLOUT : 0)) };
		}
		wait = next_deadline(e) - now_ms();
		if (poll(pf, n, wait < 0 ? 0 : wait > 1000 ? 1000 : (int)wait) < 0 &&
		    errno != EINTR)
			return 1;
		if (pf[0].revents)
			drain_signals(e);
		if (pf[1].revents)
			accept_on(e, e->subfd, C_CLIENT);
		for (unsigned i = 0; i < e->nlfd; i++)
			if (pf[2 + i].revents)
				accept_on(e, e->lfd[i], C_FROM_OVERLORD);
		for (unsigned i = 0; i < e->cfg->link_jobs; i++)
			if (pf[2 + e->nlfd + i].revents)
				link_drain(&e->linkers[i]);
		for (size_t i = cbase; i < n; i++) {
			struct conn *c = pc[i];
			if (c->fd < 0 || pf[i].revents == 0)
				continue;
			if (pf[i].revents & POLLOUT)
				conn_flush(e, c);
			if (c->fd >= 0 && (pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				conn_read(e, c);
		}
		drain_signals(e);
		for (unsigned i = 0; i < e->cfg->link_jobs; i++) {
			struct linker *l = &e->linkers[i];
			if (l->job != NULL && (l->exited & 1)) {
				link_drain(l);
				link_reap(e, l);
			}
		}
		commit_results(e);
		link_schedule(e);
		run_timers(e);
		conn_reap(e);
	}
	free(pf);
	free(pc);
	return 0;
}

/* ---------------------------------------------------------------- processes */

/* Lock statedir/dtraced.pid; a holder that is already dead gets 2 s to go. */
static int take_lock(const struct dd_config *cfg, char *why, size_t whylen)
{
	char path[1100], buf[32];
	int fd;

	snprintf(path, sizeof(path), "%s/dtraced.pid", cfg->statedir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (int tries = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; tries++) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		long pid = 0;

		buf[n > 0 ? n : 0] = '\0';
		errno = 0;
		pid = strtol(buf, NULL, 10);
		if ((pid > 0 && kill((pid_t)pid, 0) == 0) || tries >= 40) {
			snprintf(why, whylen, "another dtraced is already running on %s as "
			    "pid %ld", cfg->statedir, pid);
			close(fd);
			return -1;
		}
		usleep(50 * 1000);	/* its engine is still exiting */
	}
	snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, strlen(buf), 0) < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int open_sockets(struct engine *e, char *why, size_t whylen)
{
	char addr[1200];
	mode_t old;

	snprintf(addr, sizeof(addr), "unix:%s/sub.sock", e->cfg->statedir);
	old = umask(0117);
	e->subfd = dd_net__listen(addr, why, whylen);
	umask(old);
	if (e->subfd < 0)
		return -1;
	if (e->cfg->sub_gid >= 0) {
		snprintf(addr, sizeof(addr), "%s/sub.sock", e->cfg->statedir);
		if (chown(addr, (uid_t)-1, (gid_t)e->cfg->sub_gid) != 0) {
			snprintf(why, whylen, "%s: chown: %s", addr, strerror(errno));
			return -1;
		}
	}
	for (unsigned i = 0; i < e->cfg->nlisten; i++) {
		e->lfd[i] = dd_net__listen(e->cfg->listen[i], why, whylen);
		if (e->lfd[i] < 0)
			return -1;
		e->nlfd++;
	}
	return 0;
}

static int chown_tree(const char *path, uid_t uid, gid_t gid)
{
	DIR *d;
	struct dirent *de;

	if (chown(path, uid, gid) != 0)
		return -1;
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char sub[2048];
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (de->d_type == DT_DIR)
			chown_tree(sub, uid, gid);
		else
			lchown(sub, uid, gid);
	}
	closedir(d);
	return 0;
}

/* Started as root: the engine runs as cfg->user, owning only the state dir. */
static int drop_privileges(struct engine *e, char *why, size_t whylen)
{
	struct passwd *pw;

	if (geteuid() != 0 || strcmp(e->cfg->user, "root") == 0)
		return 0;
	pw = getpwnam(e->cfg->user);
	if (pw == NULL) {
		snprintf(why, whylen, "unknown user '%s' (-u)", e->cfg->user);
		return -1;
	}
	/* The overlord's engine (also unprivileged) must reach UNIX listeners. */
	for (unsigned i = 0; i < e->cfg->nlisten; i++)
		if (strncmp(e->cfg->listen[i], "unix:", 5) == 0 &&
		    (chown(e->cfg->listen[i] + 5, pw->pw_uid, pw->pw_gid) != 0 ||
		    chmod(e->cfg->listen[i] + 5, 0660) != 0)) {
			snprintf(why, whylen, "%s: %s", e->cfg->listen[i] + 5, strerror(errno));
			return -1;
		}
	if (chown_tree(e->cfg->statedir, pw->pw_uid, pw->pw_gid) != 0 ||
	    setgroups(0, NULL) != 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0) {
		snprintf(why, whylen, "dropping privileges to %s: %s", e->cfg->user,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int engine_setup(struct engine *e, char *why, size_t whylen)
{
	char path[1200];
	int rc;

	e->linkers = calloc(e->cfg->link_jobs, sizeof(*e->linkers));
	if (e->linkers == NULL || pipe2(e->sigpipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		snprintf(why, whylen, "out of resources");
		return -1;
	}
	for (unsigned i = 0; i < e->cfg->link_jobs; i++)
		e->linkers[i].errfd = -1;
	e->batch = dd_batch__new(e->cfg->statedir);
	e->batch1 = dd_batch__new(e->cfg->statedir);
	if (e->batch == NULL || e->batch1 == NULL) {
		snprintf(why, whylen, "%s: %s", e->cfg->statedir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/journal", e->cfg->statedir);
	rc = dd_journal__open(path, replay_record, e, &e->journal);
	if (rc != 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(-rc));
		return -1;
	}
	if (dd_journal__dropped(e->journal) > 0)
		dd_log_warnx("journal: dropped a torn tail of %zu bytes",
		    dd_journal__dropped(e->journal));
	reconcile(e);
	if (e->cfg->mode == DD_ROLE_MINION)
		reconcile_received(e);
	rc = compact_journal(e);
	if (rc != 0) {
		snprintf(why, whylen, "journal compaction: %s", strerror(-rc));
		return -1;
	}
	for (struct job *j = e->jobs; j != NULL; j = j->next)
		if (e->cfg->mode == DD_ROLE_MINION && j->m == M_LINKING)
			j->m = M_RECEIVED;
	e->next_gc_ms = now_ms() + 1000;
	return 0;
}

static int engine_main(struct engine *e)
{
	struct sigaction sa;
	char why[1400];
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sig_engine = e;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (e->cfg->link_cmd[0] != '\0')
		setenv("DD_LINK", e->cfg->link_cmd, 1);
	if (drop_privileges(e, why, sizeof(why)) != 0) {
		dd_log_warnx("engine: %s", why);
		return 1;
	}
	/* After the uid change, which clears it: die with the supervisor. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		return 1;	/* the supervisor is already gone */
	if (engine_setup(e, why, sizeof(why)) != 0) {
		dd_log_warnx("engine: %s", why);
		return 1;
	}
	dd_log_info("engine running as uid %ld (%s, %u guest(s), %u listener(s))",
	    (long)getuid(), e->cfg->mode == DD_ROLE_OVERLORD ? "overlord" : "minion",
	    e->npeers, e->nlfd);
	rc = engine_loop(e);
	for (unsigned i = 0; i < e->cfg->link_jobs; i++)
		if (e->linkers[i].job != NULL)
			kill(e->linkers[i].pid, SIGKILL);
	commit_results(e);
	dd_batch__free(e->batch);
	dd_batch__free(e->batch1);
	free(e->staged);
	dd_journal__free(e->journal);
	dd_log_info("engine stopped");
	return rc;
}

static volatile sig_atomic_t sup_signal;

static void sup_on_signal(int sig)
{
	sup_signal = sig;
}

/* The supervisor: wait for the engine, pass SIGTERM/SIGINT on. */
static int supervise(pid_t engine)
{
	struct sigaction sa;
	int status;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sup_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (;;) {
		pid_t r = waitpid(engine, &status, 0);
		if (r == engine)
			break;
		if (r < 0 && errno == EINTR && sup_signal != 0) {
			kill(engine, SIGTERM);
			sup_signal = 0;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	dd_log_warnx("engine exited abnormally (status 0x%x)", status);
	return 1;
}

static void daemonize(void)
{
	int nul;

	if (fork() != 0)
		_exit(0);
	setsid();
	if (fork() != 0)
		_exit(0);
	if (chdir("/") != 0)
		_exit(1);
	nul = open("/dev/null", O_RDWR);
	if (nul >= 0) {
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		if (nul > 2)
			close(nul);
	}
}

int dd_daemon__run(const struct dd_config *cfg, char *why, size_t whylen)
{
	static struct engine e;
	struct peer *peers;
	pid_t pid;
	int lockfd, rc;

	if (dd_config__check(cfg, why, whylen) != 0)
		return 1;
	memset(&e, 0, sizeof(e));
	e.cfg = cfg;
	e.owner_uid = getuid();
	e.npeers = cfg->npeers;
	peers = calloc(cfg->npeers + 1, sizeof(*peers));
	if (peers == NULL)
		return snprintf(why, whylen, "out of memory"), 1;
	for (unsigned i = 0; i < cfg->npeers; i++) {
		peers[i].conf = &cfg->peers[i];
		peers[i].backoff_ms = 50;
	}
	e.peers = peers;
	snprintf(e.base, sizeof(e.base), "%s/base", cfg->statedir);
	snprintf(e.outbound, sizeof(e.outbound), "%s/outbound", cfg->statedir);
	snprintf(e.inbound, sizeof(e.inbound), "%s/inbound", cfg->statedir);
	snprintf(e.work, sizeof(e.work), "%s/work", cfg->statedir);
	rc = dd_spool__mkdir(cfg->statedir);
	if (rc != 0)
		return snprintf(why, whylen, "%s: %s", cfg->statedir, strerror(-rc)), 1;
	if ((lockfd = take_lock(cfg, why, whylen)) < 0)
		return 1;
	if (mkdirs(&e, why, whylen) != 0 || open_sockets(&e, why, whylen) != 0)
		return 1;
	if (!cfg->foreground) {
		daemonize();
		/* the pid changed: record the one that holds the lock now */
		char buf[32];
		snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
		if (ftruncate(lockfd, 0) != 0 || pwrite(lockfd, buf, strlen(buf), 0) < 0)
			dd_log_warnx("cannot update the pid file");
	}
	pid = fork();
	if (pid < 0)
		return snprintf(why, whylen, "fork: %s", strerror(errno)), 1;
	if (pid == 0)
		_exit(engine_main(&e));
	/* The supervisor keeps no socket: it never reads untrusted bytes. */
	close(e.subfd);
	for (unsigned i = 0; i < e.nlfd; i++)
		close(e.lfd[i]);
	dd_log_info("started (%s, state %s, engine pid %ld)",
	    cfg->mode == DD_ROLE_OVERLORD ? "overlord" : "minion", cfg->statedir, (long)pid);
	rc = supervise(pid);
	dd_log_info("stopped");
	free(peers);
	close(lockfd);
	return rc;
}
