/*
 * fuzz_ddmsg.c — fuzz entry point for the daemon's wire protocol
 * (runtime-daemon/dd_msg.c).
 *
 * The input is used three ways, so the fuzzer reaches the payload parsers
 * without having to forge HMAC tags:
 *   1. as a byte stream of frames, decoded with the empty key exactly as a
 *      connection does, each complete frame's payload handed to its parser;
 *   2. byte 0 selects a type and the rest is handed straight to that type's
 *      payload parser;
 *   3. the rest is framed with that type (when its limit allows) and decoded
 *      again, which must round-trip.
 * A crash, a sanitizer report or a failed round-trip aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_payload(uint8_t type, const uint8_t *p, size_t n)
{
	static struct dd_submit s;
	struct dd_hello hello;
	struct dd_nakmsg nak;
	struct dd_program prog;
	struct dd_result res;
	char name[DD_NAME_MAX + 1];

	switch (type) {
	case DD_HELLO:
		dd_msg__parse_hello(p, n, &hello);
		break;
	case DD_ACK:
		dd_msg__parse_targets(p, n, &s);
		break;
	case DD_NAK:
		dd_msg__parse_nak(p, n, &nak);
		break;
	case DD_PROGRAM:
		dd_msg__parse_program(p, n, &prog);
		break;
	case DD_RESULT:
		dd_msg__parse_result(p, n, &res);
		break;
	case DD_SUBMIT:
		dd_msg__parse_submit(p, n, &s);
		break;
	case DD_GUEST_RESULT:
		dd_msg__parse_guest_result(p, n, &res);
		break;
	case DD_CLEANUP:
		dd_msg__parse_name(p, n, name);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dd_key nokey;
	size_t off = 0;

	while (off < size) {
		struct dd_hdr h;
		size_t flen;

		if (dd_msg__decode(&nokey, data + off, size - off, &h, &flen) != 0)
			break;
		parse_payload(h.type, data + off + DD_HDR_LEN, h.length);
		off += flen;
	}
	if (size >= 1) {
		uint8_t type = (uint8_t)(data[0] % (DD_TYPE_MAX + 1));
		uint8_t *frame;
		size_t flen, got;
		struct dd_hdr h;

		parse_payload(type, data + 1, size - 1);
		if (dd_msg__encode(&nokey, type, size, data + 1, size - 1, &frame, &flen) == 0) {
			if (dd_msg__decode(&nokey, frame, flen, &h, &got) != 0 || got != flen ||
			    h.type != type || h.length != size - 1 || h.xid != size ||
			    memcmp(frame + DD_HDR_LEN, data + 1, size - 1) != 0)
				abort();
			/* any single-bit change must be refused */
			frame[flen / 2] ^= 0x10;
			if (dd_msg__decode(&nokey, frame, flen, &h, &got) == 0)
				abort();
			free(frame);
		}
	}
	return 0;
}
