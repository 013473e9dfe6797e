/*
 * dd.h — libdd: the program-delivery daemon's protocol, spool and client API.
 *
 * Theory.  An overlord (host) hands compiled D programs to minions (guests);
 * each minion links the program against its own types and sends the result
 * back.  Everything that crosses a socket is one *frame* (docs/wire-protocol.md):
 * a fixed 56-byte big-endian header (magic, version, type, flags, length,
 * transfer id, HMAC-SHA-256 tag) followed by `length` payload bytes.  The
 * decoder never trusts a length before checking it against the per-type limit,
 * and every payload has a parser that bounds-checks each field.
 *
 * Durable state lives in a state directory (docs/daemon.md): spool folders
 * written by atomic publish (temp file, fsync, rename, fsync directory) and an
 * append-only journal whose records carry a checksum, so a torn tail written
 * by a crash is recognised and dropped.
 *
 * Errors: functions return 0 or -errno and never print or exit.
 */
#ifndef HT_DD_H
#define HT_DD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DD_MAGIC		0x48544444u	/* "HTDD" */
#define DD_VERSION		1
#define DD_HDR_LEN		56
#define DD_TAG_LEN		32
#define DD_IDENT_LEN		32
#define DD_NAME_MAX		64		/* guest names */
#define DD_TEXT_MAX		4096		/* error texts, status lines */
#define DD_PROG_MAX		(16u << 20)	/* largest program accepted */
#define DD_PAYLOAD_MAX		(DD_PROG_MAX + 4096)
#define DD_TARGETS_MAX		256

enum dd_type {
	DD_HELLO = 1,		/* role + name; first frame on every connection */
	DD_ACK = 2,		/* xid acknowledged (a SUBMIT's ACK lists the guests) */
	DD_NAK = 3,		/* xid refused: code + text */
	DD_PROGRAM = 4,		/* overlord -> minion: ident + ELF */
	DD_RESULT = 5,		/* minion -> overlord: ident + status + linked ELF or error */
	DD_SUBMIT = 6,		/* client -> overlord: targets + ELF */
	DD_GUEST_RESULT = 7,	/* overlord -> client: one guest's outcome */
	DD_DONE = 8,		/* overlord -> client: every guest answered */
	DD_STATUS_REQ = 9,	/* client -> daemon */
	DD_STATUS = 10,		/* daemon -> client: records, one per line */
	DD_CANCEL = 11,		/* client -> overlord: ident */
	DD_CLEANUP = 12,	/* client -> overlord: guest name */
	DD_TYPE_MAX = 12
};

enum dd_role {
	DD_ROLE_OVERLORD = 1,
	DD_ROLE_MINION = 2,
	DD_ROLE_CLIENT = 3
};

/* NAK codes. */
enum dd_nak {
	DD_NAK_MALFORMED = 1,
	DD_NAK_UNAUTH = 2,
	DD_NAK_TOOBIG = 3,
	DD_NAK_BADPROG = 4,
	DD_NAK_UNKNOWN = 5,	/* unknown guest or program */
	DD_NAK_STORAGE = 6,
	DD_NAK_ROLE = 7		/* message not valid for this daemon's mode */
};

/* Result status (DD_RESULT, DD_GUEST_RESULT). */
enum dd_status {
	DD_LINKED = 0,
	DD_LINK_FAILED = 1,
	DD_UNDELIVERED = 2,	/* client side only: no answer before the timeout */
	DD_CANCELLED = 3
};

struct dd_hdr {
	uint8_t		version;
	uint8_t		type;
	uint16_t	flags;
	uint32_t	length;
	uint64_t	xid;
};

/* -------- frames (dd_msg.c) -------- */

/* The authentication key; an empty key still gives an integrity check. */
struct dd_key {
	uint8_t		bytes[64];
	size_t		len;
};

/*
 * Encode a frame into a malloc'd buffer (header + payload).  0 or -errno.
 */
int dd_msg__encode(const struct dd_key *key, uint8_t type, uint64_t xid,
    const void *payload, size_t len, uint8_t **out, size_t *outlen);

/*
 * Decode the header at buf[0..avail).  Returns 0 when a full frame is
 * present (*hdr filled, *framelen = header + payload), -EAGAIN when more
 * bytes are needed, -EBADMSG for a malformed header (bad magic, version,
 * type, flags, reserved), -EMSGSIZE for a length over the type's limit, and
 * -EPERM when the tag does not verify (tampered or unauthenticated).
 */
int dd_msg__decode(const struct dd_key *key, const uint8_t *buf, size_t avail,
    struct dd_hdr *hdr, size_t *framelen);

/* Largest payload allowed for a type (0 = must be empty). */
size_t dd_msg__limit(uint8_t type);
const char *dd_msg__type_name(uint8_t type);

/* Payload views: pointers into the payload, valid while it lives. */
struct dd_hello {
	uint8_t		role;
	char		name[DD_NAME_MAX + 1];
};
struct dd_nakmsg {
	uint16_t	code;
	const char	*text;	/* not NUL-terminated */
	size_t		textlen;
};
struct dd_program {
	uint8_t		ident[DD_IDENT_LEN];
	const uint8_t	*elf;
	size_t		elflen;
};
struct dd_result {
	uint8_t		ident[DD_IDENT_LEN];
	uint8_t		status;		/* enum dd_status */
	const uint8_t	*data;		/* linked ELF, or error text */
	size_t		datalen;
	char		guest[DD_NAME_MAX + 1];	/* DD_GUEST_RESULT only */
};
struct dd_submit {
	unsigned	ntargets;
	char		targets[DD_TARGETS_MAX][DD_NAME_MAX + 1];
	const uint8_t	*elf;
	size_t		elflen;
};

int dd_msg__parse_hello(const uint8_t *p, size_t n, struct dd_hello *out);
int dd_msg__parse_nak(const uint8_t *p, size_t n, struct dd_nakmsg *out);
int dd_msg__parse_program(const uint8_t *p, size_t n, struct dd_program *out);
int dd_msg__parse_result(const uint8_t *p, size_t n, struct dd_result *out);
int dd_msg__parse_guest_result(const uint8_t *p, size_t n, struct dd_result *out);
int dd_msg__parse_submit(const uint8_t *p, size_t n, struct dd_submit *out);
int dd_msg__parse_name(const uint8_t *p, size_t n, char out[DD_NAME_MAX + 1]);
/* The payload of an ACK: empty, or the guests a SUBMIT addressed (elf NULL). */
int dd_msg__parse_targets(const uint8_t *p, size_t n, struct dd_submit *out);

/* Payload builders (malloc'd *out). */
int dd_msg__build_hello(uint8_t role, const char *name, uint8_t **out, size_t *len);
int dd_msg__build_nak(uint16_t code, const char *text, uint8_t **out, size_t *len);
int dd_msg__build_result(const uint8_t ident[DD_IDENT_LEN], uint8_t status,
    const char *guest, const void *data, size_t datalen, uint8_t **out, size_t *len);
int dd_msg__build_submit(const char *const *targets, unsigned ntargets,
    const void *elf, size_t elflen, uint8_t **out, size_t *len);
int dd_msg__build_targets(const char *const *targets, unsigned ntargets,
    uint8_t **out, size_t *len);

/* A guest name: 1..64 of [A-Za-z0-9._-], not starting with '.'. */
int dd_name__valid(const char *name);

/*
 * Program validation: size, then the object reader (dobj__read_mem, every
 * section bounds-checked and the ident verified); *ident is the object's
 * ident.  why names the ELF section and offset at fault.
 */
int dd_prog__check(const void *elf, size_t len, uint8_t ident[DD_IDENT_LEN],
    char *why, size_t whylen);
void dd_ident__hex(const uint8_t ident[DD_IDENT_LEN], char out[2 * DD_IDENT_LEN + 1]);
int dd_ident__parse(const char *hex, uint8_t ident[DD_IDENT_LEN]);

/* HMAC-SHA-256 (RFC 2104) over two pieces. */
void dd_hmac(const struct dd_key *key, const void *a, size_t alen,
    const void *b, size_t blen, uint8_t out[DD_TAG_LEN]);

/* -------- spool and journal (dd_spool.c) -------- */

/* Create dir (mode 0700) if missing; path components above must exist. */
int dd_spool__mkdir(const char *path);
/* Atomically publish data as dir/name: temp + fsync + rename + dir fsync. */
int dd_spool__publish(const char *dir, const char *name, const void *data, size_t len);
/* Like publish, without the syncs: complete-or-absent, not durable. */
int dd_spool__put(const char *dir, const char *name, const void *data, size_t len);
/* Hard-link src as dir/name atomically (link to temp + rename + dir fsync). */
int dd_spool__link(const char *src, const char *dir, const char *name);
/* Remove dir/name and fsync dir (missing file is fine). */
int dd_spool__remove(const char *dir, const char *name);
/* Read a whole file (bounded by max); *data malloc'd. */
int dd_spool__read(const char *path, size_t max, uint8_t **data, size_t *len);
/* Remove leftover temp files (".tmp.*") from an interrupted publish. */
int dd_spool__sweep_temps(const char *dir);

/*
 * Group commit: many files and journal records made durable with two
 * filesystem syncs instead of three fsyncs per file.  add() writes each file
 * under its temporary name; commit() syncs the filesystem, renames them all,
 * appends the records, and syncs again.  Nothing is visible before the
 * first sync, and the records are durable when commit() returns 0.  On
 * failure every temporary is removed and no record is written.
 */
struct dd_batch;
struct dd_journal;
struct dd_batch *dd_batch__new(const char *anydir);
int dd_batch__add(struct dd_batch *b, const char *dir, const char *name,
    const void *data, size_t len);
int dd_batch__commit(struct dd_batch *b, struct dd_journal *j,
    const char *const *records, size_t n);
size_t dd_batch__count(const struct dd_batch *b);
void dd_batch__free(struct dd_batch *b);

/* Callback per intact record; a torn or corrupt tail ends the replay. */
typedef int (*dd_journal_fn)(void *arg, const char *record);
int dd_journal__open(const char *path, dd_journal_fn fn, void *arg,
    struct dd_journal **out);
/* Append records (no newline inside) durably: one write, one fdatasync. */
int dd_journal__append(struct dd_journal *j, const char *record);
int dd_journal__append_many(struct dd_journal *j, const char *const *records, size_t n);
/* Append without a sync: durable with the next synced append or commit. */
int dd_journal__write(struct dd_journal *j, const char *record);
/* Replace the journal by these records (compaction), atomically. */
int dd_journal__rewrite(struct dd_journal *j, const char *const *records, size_t n);
void dd_journal__free(struct dd_journal *j);
/* Records replayed so far / bytes dropped from a torn tail. */
size_t dd_journal__dropped(const struct dd_journal *j);

/* -------- addresses (dd_net.c) -------- */

/* "unix:/path", "tcp:host:port", "vsock:cid:port". */
int dd_net__listen(const char *addr, char *why, size_t whylen);
int dd_net__connect(const char *addr, char *why, size_t whylen);
int dd_net__addr_valid(const char *addr);

/* -------- client (dd_client.c): what `dtrace -E` and dtracedctl use -------- */

struct dd_guest_outcome {
	char		guest[DD_NAME_MAX + 1];
	uint8_t		status;		/* enum dd_status */
	char		*text;		/* error text (malloc'd), or NULL */
	uint8_t		*linked;	/* linked ELF (malloc'd), or NULL */
	size_t		linkedlen;
};
struct dd_submission {
	uint8_t			ident[DD_IDENT_LEN];
	struct dd_guest_outcome	*guests;
	size_t			nguests;
	int			complete;	/* every guest answered */
};

/*
 * Submit a program to the overlord at sockpath and wait (timeout_ms, -1 for
 * ever) until every addressed guest (all when ntargets == 0) answered.
 * 0 on a complete answer, -ETIMEDOUT with a partial one (out is filled
 * either way), other -errno on failure (errtext says why).
 */
int dd_client__submit(const char *sockpath, const void *elf, size_t len,
    const char *const *targets, unsigned ntargets, int timeout_ms,
    struct dd_submission *out, char *errtext, size_t errlen);
void dd_submission__free(struct dd_submission *s);

/* "linked", "failed", "cancelled" or "pending". */
const char *dd_status__word(int status);
/*
 * One guest's outcome as a line: "NAME: linked (N bytes)", "NAME: failed:
 * ERROR", "NAME: pending: no answer before the timeout".  Shared by
 * `dtracedctl submit` and `dtrace -E`.
 */
void dd_outcome__print(FILE *fp, const struct dd_guest_outcome *g);

/*
 * One request/response exchange (status, cancel, cleanup).  For DD_STATUS
 * *reply is the record text (malloc'd); for ACK it is NULL.
 */
int dd_client__request(const char *sockpath, uint8_t type, const void *payload,
    size_t len, int timeout_ms, char **reply, char *errtext, size_t errlen);

/* -------- logging (dd_log.c): the library's one diagnostics sink -------- */

/* stderr when foreground, syslog otherwise; debug lines only when verbose. */
void dd_log__open(const char *ident, int foreground, int verbose);
void dd_log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dd_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dd_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A security-relevant refusal (bad tag, unauthorised client, wrong peer). */
void dd_log_security(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* -------- the daemon (dd_daemon.c, dd_config.c) -------- */

#define DD_PEERS_MAX	256
#define DD_LISTEN_MAX	8

struct dd_peer_conf {
	char	name[DD_NAME_MAX + 1];
	char	addr[256];
};

struct dd_config {
	char			statedir[1024];
	int			mode;		/* DD_ROLE_OVERLORD or DD_ROLE_MINION */
	int			foreground;
	int			verbose;
	char			name[DD_NAME_MAX + 1];	/* this daemon's name */
	char			listen[DD_LISTEN_MAX][256];	/* minion: where the overlord connects */
	unsigned		nlisten;
	struct dd_peer_conf	peers[DD_PEERS_MAX];	/* overlord: its minions */
	unsigned		npeers;
	char			link_cmd[1024];	/* "" = link in-process (typefile) */
	char			typefile[1024];	/* minion: guest typefile for dld's library */
	struct dd_key		key;
	int			have_key;
	long			gc_age;		/* seconds a finished program is kept */
	long			sub_gid;	/* group allowed on sub.sock, -1 none */
	char			user[64];	/* engine runs as this user when started as root */
	unsigned		link_jobs;	/* concurrent link commands */
	unsigned		link_timeout;	/* seconds */
	unsigned		backoff_max_ms;	/* reconnect backoff ceiling */
};

/* Defaults: /var/ddtrace, overlord, hostname, gc one day, user nobody. */
void dd_config__init(struct dd_config *cfg);
/*
 * Read a configuration file (docs/daemon.md): "peer NAME ADDR", "listen ADDR",
 * "link CMD...", "keyfile PATH", "gc SECONDS", "group NAME", "user NAME",
 * "name NAME", "mode overlord|minion", "jobs N"; '#' comments.
 */
int dd_config__load(struct dd_config *cfg, const char *path, char *why, size_t whylen);
int dd_config__add_peer(struct dd_config *cfg, const char *spec, char *why, size_t whylen);
int dd_config__read_key(struct dd_config *cfg, const char *path, char *why, size_t whylen);
/* Check consistency (mode vs peers/listen, names); 0 or -EINVAL with why. */
int dd_config__check(const struct dd_config *cfg, char *why, size_t whylen);

/*
 * Run the daemon until SIGTERM/SIGINT.  Returns the process exit status
 * (0 clean shutdown, 1 start-up failure with why filled).
 */
int dd_daemon__run(const struct dd_config *cfg, char *why, size_t whylen);

#endif /* HT_DD_H */
