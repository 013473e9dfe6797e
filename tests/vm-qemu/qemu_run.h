/*
 * qemu_run.h — run the QEMU test guest (guests/qemu) and talk to it: the
 * host half shared by the integration test (check_vm_qemu.c) and the
 * dtrace bridge (qg_bridge.c).
 *
 * qr_qemu__start() creates a private directory (under /dev/shm when it
 * exists), the 64 MiB RAM file and three listening UNIX sockets, starts
 * qemu-system-x86_64 under TCG with its RAM in that file (share=on) and
 * accepts its three connections: debugcon (guest -> host records), COM1
 * (host -> guest replies) and QMP.  Guest RAM is mapped READ-ONLY.
 * Every wait has a timeout; qr_qemu__stop() kills QEMU if it still runs
 * and removes every file.  Functions return 0 or -errno and put a
 * one-line message in q->err.
 */
#ifndef QEMU_RUN_H
#define QEMU_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "qg_record.h"	/* struct qr_record, qr_record__decode, qr_mode */

#define QR_RAM_SIZE	(64u << 20)	/* the default guest RAM */
#define QR_LOWMEM_HOLE	0xa0000u	/* VGA/ROM from here to 1 MiB */
#define QR_HOLE_END	0x100000u
#define QR_4G		0x100000000ull
#define QR_MAX_RANGES	3

/* One RAM range of QEMU's pc machine: GPA, size, offset in the RAM file. */
struct qr_range {
	uint64_t gpa, size, offset;
};

struct qr_qemu {
	pid_t pid;			/* 0 once reaped */
	int status;			/* wait status once reaped */
	int lfd[3];			/* listening sockets */
	int dbg_fd, ser_fd, qmp_fd;
	const uint8_t *ram;		/* PROT_READ, MAP_SHARED */
	uint64_t ram_size;
	int ram_fd;			/* O_RDONLY */
	char dir[256];
	char ram_path[300];
	char log_path[300];
	char err[512];
};

/* Path of qemu-system-x86_64 ($QEMU, else $PATH), or NULL. */
const char *qr_qemu__find(void);
/* ram_mb: guest RAM in MiB (0: 64); append: kernel command line or NULL. */
int qr_qemu__start(struct qr_qemu *q, const char *qemu, const char *kernel,
    const char *cpu, unsigned ram_mb, const char *append);
/*
 * The guest-physical RAM ranges of QEMU's pc machine for q->ram_size, as
 * memory slots need them: [0, 640 KiB) and [1 MiB, lowmem) at file offset
 * = GPA, and the RAM above lowmem at 4 GiB, which continues the file at
 * offset lowmem.  lowmem is 3 GiB when RAM >= 0xe0000000, else all RAM.
 */
unsigned qr_qemu__ram_ranges(const struct qr_qemu *q,
    struct qr_range out[QR_MAX_RANGES]);
/* Next record from debugcon; -ETIMEDOUT, -EPIPE at end of stream. */
int qr_qemu__read_record(struct qr_qemu *q, struct qr_record *rec,
    int timeout_ms);
/* Bytes to the guest's COM1 (the value for RAX, the go byte). */
int qr_qemu__reply(struct qr_qemu *q, const void *buf, size_t n);
/* HMP command through QMP's human-monitor-command; out gets the text. */
int qr_qemu__hmp(struct qr_qemu *q, const char *cmd, char *out, size_t cap);
/* Wait for QEMU to exit; *code = exit status, or -1 if killed. */
int qr_qemu__wait(struct qr_qemu *q, int timeout_ms, int *code);
void qr_qemu__stop(struct qr_qemu *q);

#endif /* QEMU_RUN_H */
