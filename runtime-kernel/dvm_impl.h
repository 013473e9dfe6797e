/*
 * dvm_impl.h — helpers shared by the emulator's files (dvm_emul.c,
 * dvm_var.c, dvm_subr.c).  Not a public header.  Freestanding.
 */
#ifndef DVM_IMPL_H
#define DVM_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "dvm_emul.h"
#include "dvm_var.h"

void dvm_fault(struct dvm_mstate *ms, uint32_t pc, enum dif_fault code,
    uint64_t illval, enum dvm_reason why);
void dvm_put(struct dvm_mstate *ms, uint32_t rd, uint64_t v);
bool dvm_load(const struct dif_difo *dp, struct dvm_mstate *ms, uint32_t pc,
    enum dvm_space space, uint64_t addr, unsigned size, uint64_t *val);
bool dvm_store(struct dvm_mstate *ms, uint32_t pc, uint64_t addr,
    unsigned size, uint64_t val);
bool dvm_strlen(const struct dif_difo *dp, struct dvm_mstate *ms, uint32_t pc,
    uint64_t s, uint64_t lim, uint64_t *len);

/* Variable instructions (dvm_var.c). */
void dvm_var_op(const struct dif_difo *dp, struct dvm_mstate *ms, uint32_t pc,
    dif_instr_t in);
/* call (dvm_subr.c). */
void dvm_subr_call(const struct dif_difo *dp, struct dvm_mstate *ms,
    uint32_t pc, dif_instr_t in);

#endif /* DVM_IMPL_H */
