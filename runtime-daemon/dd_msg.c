/*
 * dd_msg.c — the daemon's wire protocol: frame codec and payload parsers.
 *
 * Theory.  A frame is a 56-byte header followed by a payload; every integer
 * is big-endian, every field has a fixed offset (docs/wire-protocol.md):
 *
 *   0 magic "HTDD"   4 version  5 type  6 flags(0)  8 length  12 reserved(0)
 *   16 xid (u64)     24 tag: HMAC-SHA-256(key, header[0..24) || payload)
 *
 * The decoder rejects a frame as early as it can: magic, version, type,
 * flags and reserved fields are checked as soon as the header is in, and the
 * length is checked against the limit of the frame's *type* before a single
 * payload byte is buffered, so a peer cannot make us allocate more than the
 * largest legal frame.  The tag is checked once the whole frame is present;
 * with no configured key the HMAC uses the empty key and acts as a checksum.
 *
 * Payload parsers return views into the payload (no copies) after checking
 * every length field against the bytes that remain.  They are the only code
 * that interprets untrusted payload bytes; fuzz/fuzz_ddmsg.c drives them all.
 *
 * Read next: dd_daemon.c (who calls what, and when).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sha2.h>

#include "dd.h"
#include "ht/dobj.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, (uint32_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* HMAC-SHA-256 (RFC 2104); keys longer than a block are never configured. */
void dd_hmac(const struct dd_key *key, const void *a, size_t alen,
    const void *b, size_t blen, uint8_t out[DD_TAG_LEN])
{
	uint8_t pad[SHA256_BLOCK_LENGTH], inner[SHA256_DIGEST_LENGTH];
	SHA2_CTX ctx;
	size_t klen = key != NULL ? key->len : 0;

	if (klen > sizeof(pad))
		klen = sizeof(pad);
	memset(pad, 0x36, sizeof(pad));
	for (size_t i = 0; i < klen; i++)
		pad[i] ^= key->bytes[i];
	SHA256Init(&ctx);
	SHA256Update(&ctx, pad, sizeof(pad));
	SHA256Update(&ctx, a, alen);
	if (blen > 0)
		SHA256Update(&ctx, b, blen);
	SHA256Final(inner, &ctx);

	memset(pad, 0x5c, sizeof(pad));
	for (size_t i = 0; i < klen; i++)
		pad[i] ^= key->bytes[i];
	SHA256Init(&ctx);
	SHA256Update(&ctx, pad, sizeof(pad));
	SHA256Update(&ctx, inner, sizeof(inner));
	SHA256Final(out, &ctx);
}

size_t dd_msg__limit(uint8_t type)
{
	switch (type) {
	case DD_HELLO:		return 2 + DD_NAME_MAX;
	case DD_ACK:		return 2 + DD_TARGETS_MAX * (1 + DD_NAME_MAX);
	case DD_NAK:		return 2 + DD_TEXT_MAX;
	case DD_PROGRAM:	return DD_IDENT_LEN + DD_PROG_MAX;
	case DD_RESULT:		return DD_IDENT_LEN + 1 + DD_PROG_MAX;
	case DD_SUBMIT:		return 2 + DD_TARGETS_MAX * (1 + DD_NAME_MAX) + DD_PROG_MAX;
	case DD_GUEST_RESULT:	return DD_IDENT_LEN + 2 + DD_NAME_MAX + DD_PROG_MAX;
	case DD_DONE:		return 0;
	case DD_STATUS_REQ:	return 0;
	case DD_STATUS:		return 1u << 20;
	case DD_CANCEL:		return DD_IDENT_LEN;
	case DD_CLEANUP:	return 1 + DD_NAME_MAX;
	default:		return 0;
	}
}

const char *dd_msg__type_name(uint8_t type)
{
	static const char *const names[] = {
		"?", "HELLO", "ACK", "NAK", "PROGRAM", "RESULT", "SUBMIT",
		"GUEST_RESULT", "DONE", "STATUS_REQ", "STATUS", "CANCEL", "CLEANUP"
	};
	return type <= DD_TYPE_MAX ? names[type] : "?";
}

int dd_msg__encode(const struct dd_key *key, uint8_t type, uint64_t xid,
    const void *payload, size_t len, uint8_t **out, size_t *outlen)
{
	uint8_t *f;

	if (type == 0 || type > DD_TYPE_MAX || len > dd_msg__limit(type))
		return -EINVAL;
	f = malloc(DD_HDR_LEN + len);
	if (f == NULL)
		return -ENOMEM;
	put32(f, DD_MAGIC);
	f[4] = DD_VERSION;
	f[5] = type;
	put16(f + 6, 0);
	put32(f + 8, (uint32_t)len);
	put32(f + 12, 0);
	put64(f + 16, xid);
	if (len > 0)
		memcpy(f + DD_HDR_LEN, payload, len);
	dd_hmac(key, f, 24, f + DD_HDR_LEN, len, f + 24);
	*out = f;
	*outlen = DD_HDR_LEN + len;
	return 0;
}

/* Constant-time comparison, so a forger learns nothing from timing. */
static int tag_equal(const uint8_t *a, const uint8_t *b)
{
	uint8_t d = 0;

	for (int i = 0; i < DD_TAG_LEN; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

int dd_msg__decode(const struct dd_key *key, const uint8_t *buf, size_t avail,
    struct dd_hdr *hdr, size_t *framelen)
{
	uint8_t tag[DD_TAG_LEN];

	/* Reject bad magic on the first bytes: a stray peer fails fast. */
	for (size_t i = 0; i < avail && i < 4; i++)
		if (buf[i] != ((DD_MAGIC >> (24 - 8 * i)) & 0xff))
			return -EBADMSG;
	if (avail < DD_HDR_LEN)
		return -EAGAIN;
	hdr->version = buf[4];
	hdr->type = buf[5];
	hdr->flags = get16(buf + 6);
	hdr->length = get32(buf + 8);
	hdr->xid = get64(buf + 16);
	if (hdr->version != DD_VERSION || hdr->type == 0 || hdr->type > DD_TYPE_MAX ||
	    hdr->flags != 0 || get32(buf + 12) != 0)
		return -EBADMSG;
	if (hdr->length > dd_msg__limit(hdr->type))
		return -EMSGSIZE;
	if (avail - DD_HDR_LEN < hdr->length)
		return -EAGAIN;
	dd_hmac(key, buf, 24, buf + DD_HDR_LEN, hdr->length, tag);
	if (!tag_equal(tag, buf + 24))
		return -EPERM;
	*framelen = DD_HDR_LEN + hdr->length;
	return 0;
}

int dd_name__valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > DD_NAME_MAX || name[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* name := u8 len, len bytes of [A-Za-z0-9._-] ; returns bytes consumed */
static int take_name(const uint8_t *p, size_t n, char out[DD_NAME_MAX + 1])
{
	size_t len;

	if (n < 1)
		return -EBADMSG;
	len = p[0];
	if (len == 0 || len > DD_NAME_MAX || len > n - 1)
		return -EBADMSG;
	memcpy(out, p + 1, len);
	out[len] = '\0';
	if (strlen(out) != len || !dd_name__valid(out))
		return -EBADMSG;
	return (int)(1 + len);
}

/* cleanup := name (and nothing after it) */
int dd_msg__parse_name(const uint8_t *p, size_t n, char out[DD_NAME_MAX + 1])
{
	int used = take_name(p, n, out);

	if (used < 0)
		return used;
	return (size_t)used == n ? 0 : -EBADMSG;
}

/* hello := u8 role, name */
int dd_msg__parse_hello(const uint8_t *p, size_t n, struct dd_hello *out)
{
	if (n < 2 || p[0] < DD_ROLE_OVERLORD || p[0] > DD_ROLE_CLIENT)
		return -EBADMSG;
	out->role = p[0];
	return dd_msg__parse_name(p + 1, n - 1, out->name);
}

/* nak := u16 code, text */
int dd_msg__parse_nak(const uint8_t *p, size_t n, struct dd_nakmsg *out)
{
	if (n < 2 || n > 2 + DD_TEXT_MAX)
		return -EBADMSG;
	out->code = get16(p);
	out->text = (const char *)p + 2;
	out->textlen = n - 2;
	return 0;
}

/*
 * A program is whatever the object reader accepts (linker/obj, every
 * section bounds-checked); its ident is the one the reader verified
 * against the file's contents.
 */
int dd_prog__check(const void *elf, size_t len, uint8_t ident[DD_IDENT_LEN],
    char *why, size_t whylen)
{
	struct dobj *obj = NULL;
	struct dobj_err err;
	int rc;

	if (len < 64 || len > DD_PROG_MAX) {
		snprintf(why, whylen, "program size %zu outside 64..%u bytes", len,
		    DD_PROG_MAX);
		return -EINVAL;
	}
	memset(&err, 0, sizeof(err));
	rc = dobj__read_mem(elf, len, &obj, &err);
	if (rc != 0) {
		snprintf(why, whylen, "not a valid program object: %.64s+%llu: %.200s",
		    err.section[0] != '\0' ? err.section : "file",
		    (unsigned long long)err.offset, err.msg[0] != '\0' ? err.msg : strerror(-rc));
		return -EINVAL;
	}
	memcpy(ident, obj->ident, DD_IDENT_LEN);
	dobj__free(obj);
	return 0;
}

/* program := ident[32], object ; the ident must be the object's own */
int dd_msg__parse_program(const uint8_t *p, size_t n, struct dd_program *out)
{
	uint8_t ident[DD_IDENT_LEN];
	char why[128];

	if (n < DD_IDENT_LEN)
		return -EBADMSG;
	memcpy(out->ident, p, DD_IDENT_LEN);
	out->elf = p + DD_IDENT_LEN;
	out->elflen = n - DD_IDENT_LEN;
	if (dd_prog__check(out->elf, out->elflen, ident, why, sizeof(why)) != 0)
		return -EBADMSG;
	return memcmp(ident, out->ident, DD_IDENT_LEN) == 0 ? 0 : -EBADMSG;
}

static int check_result_data(struct dd_result *out)
{
	uint8_t ident[DD_IDENT_LEN];
	char why[128];

	switch (out->status) {
	case DD_LINKED:
		return dd_prog__check(out->data, out->datalen, ident, why,
		    sizeof(why)) == 0 ? 0 : -EBADMSG;
	case DD_LINK_FAILED:
	case DD_UNDELIVERED:
	case DD_CANCELLED:
		return out->datalen <= DD_TEXT_MAX ? 0 : -EBADMSG;
	default:
		return -EBADMSG;
	}
}

/* result := ident[32], u8 status, data (linked ELF | error text) */
int dd_msg__parse_result(const uint8_t *p, size_t n, struct dd_result *out)
{
	if (n < DD_IDENT_LEN + 1)
		return -EBADMSG;
	memcpy(out->ident, p, DD_IDENT_LEN);
	out->status = p[DD_IDENT_LEN];
	out->data = p + DD_IDENT_LEN + 1;
	out->datalen = n - DD_IDENT_LEN - 1;
	out->guest[0] = '\0';
	if (out->status == DD_UNDELIVERED || out->status == DD_CANCELLED)
		return -EBADMSG;	/* only the overlord decides those */
	return check_result_data(out);
}

/* guest_result := ident[32], u8 status, name, data (linked ELF | text) */
int dd_msg__parse_guest_result(const uint8_t *p, size_t n, struct dd_result *out)
{
	int used;

	if (n < DD_IDENT_LEN + 1)
		return -EBADMSG;
	memcpy(out->ident, p, DD_IDENT_LEN);
	out->status = p[DD_IDENT_LEN];
	used = take_name(p + DD_IDENT_LEN + 1, n - DD_IDENT_LEN - 1, out->guest);
	if (used < 0)
		return used;
	out->data = p + DD_IDENT_LEN + 1 + used;
	out->datalen = n - DD_IDENT_LEN - 1 - used;
	return check_result_data(out);
}

/* targets := u16 ntargets, ntargets * name (distinct); returns bytes used */
static long take_targets(const uint8_t *p, size_t n, struct dd_submit *out)
{
	size_t off = 2;

	if (n < 2)
		return -EBADMSG;
	out->ntargets = get16(p);
	if (out->ntargets > DD_TARGETS_MAX)
		return -EBADMSG;
	for (unsigned i = 0; i < out->ntargets; i++) {
		int used = take_name(p + off, n - off, out->targets[i]);
		if (used < 0)
			return used;
		off += (size_t)used;
		for (unsigned j = 0; j < i; j++)
			if (strcmp(out->targets[j], out->targets[i]) == 0)
				return -EBADMSG;
	}
	return (long)off;
}

/* ack := empty | targets   (the ACK of a SUBMIT names the guests addressed) */
int dd_msg__parse_targets(const uint8_t *p, size_t n, struct dd_submit *out)
{
	long used;

	out->ntargets = 0;
	out->elf = NULL;
	out->elflen = 0;
	if (n == 0)
		return 0;
	used = take_targets(p, n, out);
	if (used < 0)
		return (int)used;
	return (size_t)used == n ? 0 : -EBADMSG;
}

/*
 * submit := targets, object.  The object is not checked here: the receiver
 * runs dd_prog__check itself so it can say what is wrong with it.
 */
int dd_msg__parse_submit(const uint8_t *p, size_t n, struct dd_submit *out)
{
	long off = take_targets(p, n, out);

	if (off < 0)
		return (int)off;
	out->elf = p + off;
	out->elflen = n - (size_t)off;
	return 0;
}

static int alloc_out(size_t len, uint8_t **out, size_t *outlen)
{
	*out = malloc(len > 0 ? len : 1);
	if (*out == NULL)
		return -ENOMEM;
	*outlen = len;
	return 0;
}

static size_t put_name(uint8_t *p, const char *name)
{
	size_t len = strlen(name);

	p[0] = (uint8_t)len;
	memcpy(p + 1, name, len);
	return 1 + len;
}

int dd_msg__build_hello(uint8_t role, const char *name, uint8_t **out, size_t *len)
{
	if (!dd_name__valid(name) || alloc_out(2 + strlen(name), out, len) != 0)
		return -EINVAL;
	(*out)[0] = role;
	put_name(*out + 1, name);
	return 0;
}

int dd_msg__build_nak(uint16_t code, const char *text, uint8_t **out, size_t *len)
{
	size_t tl = strlen(text);

	if (tl > DD_TEXT_MAX)
		tl = DD_TEXT_MAX;
	if (alloc_out(2 + tl, out, len) != 0)
		return -ENOMEM;
	put16(*out, code);
	memcpy(*out + 2, text, tl);
	return 0;
}

int dd_msg__build_result(const uint8_t ident[DD_IDENT_LEN], uint8_t status,
    const char *guest, const void *data, size_t datalen, uint8_t **out, size_t *len)
{
	size_t glen = guest != NULL ? 1 + strlen(guest) : 0;
	size_t off;

	if (guest != NULL && !dd_name__valid(guest))
		return -EINVAL;
	if (alloc_out(DD_IDENT_LEN + 1 + glen + datalen, out, len) != 0)
		return -ENOMEM;
	memcpy(*out, ident, DD_IDENT_LEN);
	(*out)[DD_IDENT_LEN] = status;
	off = DD_IDENT_LEN + 1;
	if (guest != NULL)
		off += put_name(*out + off, guest);
	if (datalen > 0)
		memcpy(*out + off, data, datalen);
	return 0;
}

int dd_msg__build_targets(const char *const *targets, unsigned ntargets,
    uint8_t **out, size_t *len)
{
	return dd_msg__build_submit(targets, ntargets, NULL, 0, out, len);
}

int dd_msg__build_submit(const char *const *targets, unsigned ntargets,
    const void *elf, size_t elflen, uint8_t **out, size_t *len)
{
	size_t total = 2 + elflen, off = 2;

	if (ntargets > DD_TARGETS_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < ntargets; i++) {
		if (!dd_name__valid(targets[i]))
			return -EINVAL;
		total += 1 + strlen(targets[i]);
	}
	if (alloc_out(total, out, len) != 0)
		return -ENOMEM;
	put16(*out, (uint16_t)ntargets);
	for (unsigned i = 0; i < ntargets; i++)
		off += put_name(*out + off, targets[i]);
	if (elflen > 0)
		memcpy(*out + off, elf, elflen);
	return 0;
}

void dd_ident__hex(const uint8_t ident[DD_IDENT_LEN], char out[2 * DD_IDENT_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < DD_IDENT_LEN; i++) {
		out[2 * i] = digits[ident[i] >> 4];
		out[2 * i + 1] = digits[ident[i] & 15];
	}
	out[2 * DD_IDENT_LEN] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int dd_ident__parse(const char *hex, uint8_t ident[DD_IDENT_LEN])
{
	if (strlen(hex) != 2 * DD_IDENT_LEN)
		return -EINVAL;
	for (int i = 0; i < DD_IDENT_LEN; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		ident[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
