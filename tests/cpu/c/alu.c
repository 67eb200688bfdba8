/* Integer data processing and the flags: every flag-setting ALU operation on a
   table of edge operands, printing the result and NZCVQ from APSR. Carry-in
   is set both ways for ADC/SBC/RRX. */
#include "rt.h"

static const uint32_t vals[] = {
    0x00000000, 0x00000001, 0x00000002, 0x7fffffff, 0x80000000, 0x80000001,
    0xffffffff, 0xfffffffe, 0x12345678, 0x0000001f, 0x00000020, 0x00000021,
    0x000000ff, 0x00000100, 0xa5a5a5a5, 0x40000000,
};
#define NV (sizeof vals / sizeof vals[0])

static uint32_t flags(void) {
    uint32_t v;
    __asm__ volatile("mrs %0, apsr" : "=r"(v));
    return v >> 27; /* NZCVQ */
}

/* Sets C (and clears NZV) before the operation: msr APSR_nzcvq. */
#define SETC(c) __asm__ volatile("msr apsr_nzcvq, %0" ::"r"((c) ? 0x20000000u : 0u))

#define OP2(name, insn)                                                        \
    static void name(uint32_t a, uint32_t b, int cin, uint32_t *r, uint32_t *f) { \
        uint32_t d;                                                            \
        SETC(cin);                                                             \
        __asm__ volatile(insn " %0, %1, %2" : "=&r"(d) : "r"(a), "r"(b) : "cc"); \
        *f = flags();                                                          \
        *r = d;                                                                \
    }

OP2(op_adds, "adds")
OP2(op_adcs, "adcs")
OP2(op_subs, "subs")
OP2(op_sbcs, "sbcs")
OP2(op_rsbs, "rsbs")
OP2(op_ands, "ands")
OP2(op_orrs, "orrs")
OP2(op_eors, "eors")
OP2(op_bics, "bics")
OP2(op_orns, "orns")
OP2(op_lsls, "lsls")
OP2(op_lsrs, "lsrs")
OP2(op_asrs, "asrs")
OP2(op_rors, "rors")
static void op_muls(uint32_t a, uint32_t b, int cin, uint32_t *r, uint32_t *f) {
    uint32_t d = a;
    SETC(cin);
    __asm__ volatile("muls %0, %1, %0" : "+l"(d) : "l"(b) : "cc"); /* 16-bit only */
    *f = flags();
    *r = d;
}
OP2(op_qadd, "qadd")
OP2(op_qsub, "qsub")

#define CMP(name, insn)                                                        \
    static void name(uint32_t a, uint32_t b, int cin, uint32_t *r, uint32_t *f) { \
        SETC(cin);                                                             \
        __asm__ volatile(insn " %0, %1" ::"r"(a), "r"(b) : "cc");               \
        *f = flags();                                                          \
        *r = 0;                                                                \
    }
CMP(op_cmp, "cmp")
CMP(op_cmn, "cmn")
CMP(op_tst, "tst")
CMP(op_teq, "teq")

/* Shifted register operands set the carry from the shifter. */
#define SHOP(name, insn)                                                        \
    static void name(uint32_t a, uint32_t b, int cin, uint32_t *r, uint32_t *f) { \
        uint32_t d;                                                            \
        SETC(cin);                                                             \
        __asm__ volatile(insn : "=&r"(d) : "r"(a), "r"(b) : "cc");              \
        *f = flags();                                                          \
        *r = d;                                                                \
    }
SHOP(op_ands_lsl7, "ands.w %0, %1, %2, lsl #7")
SHOP(op_eors_lsr1, "eors.w %0, %1, %2, lsr #1")
SHOP(op_orrs_asr31, "orrs.w %0, %1, %2, asr #31")
SHOP(op_bics_ror5, "bics.w %0, %1, %2, ror #5")
SHOP(op_movs_rrx, "movs.w %0, %2, rrx")
SHOP(op_adds_lsl31, "adds.w %0, %1, %2, lsl #31")
SHOP(op_subs_lsr32, "subs.w %0, %1, %2, lsr #32")
SHOP(op_rsb_asr32, "rsbs.w %0, %1, %2, asr #32")
SHOP(op_teq_ror1, "teq.w %1, %2, ror #1\n mov %0, #0")
SHOP(op_tst_lsr32, "tst.w %1, %2, lsr #32\n mov %0, #0")
SHOP(op_mvns_imm, "mvns.w %0, #0xff000000")
SHOP(op_ands_imm, "ands.w %0, %1, #0x80000000")
SHOP(op_orrs_immrot, "orrs.w %0, %1, #0x3fc00")
SHOP(op_adcs_imm, "adcs.w %0, %1, #0xab00ab00")
SHOP(op_sbcs_imm, "sbcs.w %0, %1, #0x00ff00ff")
SHOP(op_adds_t3, "adds %0, %1, #7")
SHOP(op_subs_t8, "subs %0, %1, #0x100\n")

/* Non-flag-setting operations: results only. */
#define RES(name, insn)                                                        \
    static void name(uint32_t a, uint32_t b, int cin, uint32_t *r, uint32_t *f) { \
        uint32_t d;                                                            \
        (void)cin;                                                             \
        __asm__ volatile(insn : "=&r"(d) : "r"(a), "r"(b));                     \
        *f = 0;                                                                \
        *r = d;                                                                \
    }
RES(op_mla, "mla %0, %1, %2, %1")
RES(op_mls, "mls %0, %1, %2, %2")
RES(op_clz, "clz %0, %1")
RES(op_rbit, "rbit %0, %1")
RES(op_rev, "rev %0, %1")
RES(op_rev16, "rev16 %0, %1")
RES(op_revsh, "revsh %0, %1")
RES(op_sxtb, "sxtb %0, %1, ror #8")
RES(op_sxth, "sxth %0, %1, ror #16")
RES(op_uxtb, "uxtb %0, %1, ror #24")
RES(op_uxth, "uxth %0, %1")
RES(op_sxtab, "sxtab %0, %1, %2, ror #8")
RES(op_uxtah, "uxtah %0, %1, %2")
RES(op_addw, "addw %0, %1, #4095")
RES(op_subw, "subw %0, %1, #2049")
RES(op_movt, "mov %0, %1\n movt %0, #0xbeef")
/* ADR is checked by loading through it (its value depends on the layout). */
RES(op_adr, "adr.w %0, 1f\n ldr %0, [%0]\n add %0, %1\n b 2f\n .balign 4\n 1: .word 0x600d600d\n 2:")

static void umull(uint32_t a, uint32_t b, int cin, uint32_t *r, uint32_t *f) {
    uint32_t lo, hi;
    (void)cin;
    __asm__ volatile("umull %0, %1, %2, %3" : "=&r"(lo), "=&r"(hi) : "r"(a), "r"(b));
    *r = lo ^ (hi * 3);
    *f = hi;
}
static void smull(uint32_t a, uint32_t b, int cin, uint32_t *r, uint32_t *f) {
    uint32_t lo, hi;
    (void)cin;
    __asm__ volatile("smull %0, %1, %2, %3" : "=&r"(lo), "=&r"(hi) : "r"(a), "r"(b));
    *r = lo;
    *f = hi;
}
static void umlal(uint32_t a, uint32_t b, int cin, uint32_t *r, uint32_t *f) {
    uint32_t lo = 0xfffffff0, hi = a;
    (void)cin;
    __asm__ volatile("umlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(a), "r"(b));
    *r = lo;
    *f = hi;
}
static void smlal(uint32_t a, uint32_t b, int cin, uint32_t *r, uint32_t *f) {
    uint32_t lo = 0x80000000, hi = b;
    (void)cin;
    __asm__ volatile("smlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(a), "r"(b));
    *r = lo;
    *f = hi;
}
static void umaal(uint32_t a, uint32_t b, int cin, uint32_t *r, uint32_t *f) {
    uint32_t lo = 0xffffffff, hi = 0xffffffff;
    (void)cin;
    __asm__ volatile("umaal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(a), "r"(b));
    *r = lo;
    *f = hi;
}

typedef void (*opfn)(uint32_t, uint32_t, int, uint32_t *, uint32_t *);
static const struct {
    const char *name;
    opfn fn;
    int carry; /* run with carry in 0 and 1 */
} ops[] = {
    {"adds", op_adds, 0},       {"adcs", op_adcs, 1},        {"subs", op_subs, 0},
    {"sbcs", op_sbcs, 1},       {"rsbs", op_rsbs, 0},        {"ands", op_ands, 1},
    {"orrs", op_orrs, 0},       {"eors", op_eors, 0},        {"bics", op_bics, 0},
    {"orns", op_orns, 0},       {"lsls", op_lsls, 1},        {"lsrs", op_lsrs, 1},
    {"asrs", op_asrs, 1},       {"rors", op_rors, 1},        {"muls", op_muls, 1},
    {"qadd", op_qadd, 0},       {"qsub", op_qsub, 0},        {"cmp", op_cmp, 0},
    {"cmn", op_cmn, 0},         {"tst", op_tst, 1},          {"teq", op_teq, 1},
    {"ands-lsl7", op_ands_lsl7, 1}, {"eors-lsr1", op_eors_lsr1, 1},
    {"orrs-asr31", op_orrs_asr31, 1}, {"bics-ror5", op_bics_ror5, 1},
    {"movs-rrx", op_movs_rrx, 1}, {"adds-lsl31", op_adds_lsl31, 0},
    {"subs-lsr32", op_subs_lsr32, 0}, {"rsbs-asr32", op_rsb_asr32, 0},
    {"teq-ror1", op_teq_ror1, 1}, {"tst-lsr32", op_tst_lsr32, 1},
    {"mvns-imm", op_mvns_imm, 1}, {"ands-imm", op_ands_imm, 1},
    {"orrs-immrot", op_orrs_immrot, 1}, {"adcs-imm", op_adcs_imm, 1},
    {"sbcs-imm", op_sbcs_imm, 1}, {"adds-t3", op_adds_t3, 0}, {"subs-t8", op_subs_t8, 0},
    {"mla", op_mla, 0},         {"mls", op_mls, 0},          {"clz", op_clz, 0},
    {"rbit", op_rbit, 0},       {"rev", op_rev, 0},          {"rev16", op_rev16, 0},
    {"revsh", op_revsh, 0},     {"sxtb", op_sxtb, 0},        {"sxth", op_sxth, 0},
    {"uxtb", op_uxtb, 0},       {"uxth", op_uxth, 0},        {"sxtab", op_sxtab, 0},
    {"uxtah", op_uxtah, 0},     {"addw", op_addw, 0},        {"subw", op_subw, 0},
    {"movt", op_movt, 0},       {"adr", op_adr, 0},          {"umull", umull, 0},
    {"smull", smull, 0},        {"umlal", umlal, 0},         {"smlal", smlal, 0},
    {"umaal", umaal, 0},
};

int main(void) {
    uint32_t sum = 0;
    for (uint32_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        rt_printf("%s\n", ops[k].name);
        for (int c = 0; c <= ops[k].carry; c++) {
            for (uint32_t i = 0; i < NV; i++) {
                uint32_t a = vals[i];
                rt_printf(" c%d %08x:", c, a);
                for (uint32_t j = 0; j < NV; j++) {
                    uint32_t r, f;
                    ops[k].fn(a, vals[j], c, &r, &f);
                    rt_printf(" %x/%x", r, f);
                    sum = sum * 31 + r + f;
                }
                rt_printf("\n");
            }
        }
    }
    rt_printf("checksum %08x\n", sum);
    return 0;
}
