/*
 * common.h — helpers shared by the runtime-bpf Check suites: build a DIFO
 * from an instruction array and an integer table, and skip (exit 77) when
 * this host cannot run BPF.
 */
#ifndef DBPF_TESTS_COMMON_H
#define DBPF_TESTS_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbpf.h"

static inline struct dif_difo difo_of(const dif_instr_t *buf, uint32_t len,
    const uint64_t *ints, uint32_t nints)
{
	struct dif_difo d;

	memset(&d, 0, sizeof(d));
	d.dtdo_buf = buf;
	d.dtdo_len = len;
	d.dtdo_inttab = ints;
	d.dtdo_intlen = nints;
	d.dtdo_rtype.dtdt_size = 8;
	return d;
}

static inline void skip_without_bpf(void)
{
	if (!dbpf_available()) {
		printf("SKIP: the bpf() syscall is not available here "
		    "(needs root and a kernel with BPF)\n");
		exit(77);
	}
}

#endif
