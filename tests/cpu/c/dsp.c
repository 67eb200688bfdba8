/* Bitfield, saturating, SIMD and DSP instructions through the ACLE
   intrinsics (arm_acle.h) and inline assembly: results, GE flags (seen
   through SEL and MRS APSR) and the sticky Q flag. */
#include <arm_acle.h>
#include "rt.h"

static const uint32_t vals[] = {
    0x00000000, 0x00000001, 0x7fff8000, 0x80007fff, 0xffffffff, 0x7f80ff01,
    0x01ff807f, 0x12345678, 0xfedcba98, 0x80000000, 0x7fffffff, 0x00ff00ff,
};
#define NV (sizeof vals / sizeof vals[0])

static uint32_t ge_q(void) {
    uint32_t v;
    __asm__ volatile("mrs %0, apsr" : "=r"(v));
    return (v >> 16 & 0xf) | (v >> 23 & 0x10); /* GE[3:0], Q in bit 4 */
}
static void clear_flags(void) { __asm__ volatile("msr apsr_nzcvqg, %0" ::"r"(0u)); }

typedef uint32_t (*op2)(uint32_t, uint32_t);
/* Each wrapper clears the flags, runs the operation, and appends GE/Q. */
#define W2(name, expr)                                                         \
    static uint32_t name(uint32_t a, uint32_t b) {                             \
        clear_flags();                                                         \
        uint32_t r = (uint32_t)(expr);                                         \
        __asm__ volatile("" ::: "memory");                                     \
        return r;                                                              \
    }
W2(f_sadd8, __sadd8(a, b))   W2(f_ssub8, __ssub8(a, b))   W2(f_uadd8, __uadd8(a, b))
W2(f_usub8, __usub8(a, b))   W2(f_sadd16, __sadd16(a, b)) W2(f_ssub16, __ssub16(a, b))
W2(f_uadd16, __uadd16(a, b)) W2(f_usub16, __usub16(a, b)) W2(f_sasx, __sasx(a, b))
W2(f_ssax, __ssax(a, b))     W2(f_uasx, __uasx(a, b))     W2(f_usax, __usax(a, b))
W2(f_qadd8, __qadd8(a, b))   W2(f_qsub8, __qsub8(a, b))   W2(f_uqadd8, __uqadd8(a, b))
W2(f_uqsub8, __uqsub8(a, b)) W2(f_qadd16, __qadd16(a, b)) W2(f_qsub16, __qsub16(a, b))
W2(f_uqadd16, __uqadd16(a, b)) W2(f_uqsub16, __uqsub16(a, b)) W2(f_qasx, __qasx(a, b))
W2(f_qsax, __qsax(a, b))     W2(f_uqasx, __uqasx(a, b))   W2(f_uqsax, __uqsax(a, b))
W2(f_shadd8, __shadd8(a, b)) W2(f_shsub8, __shsub8(a, b)) W2(f_uhadd8, __uhadd8(a, b))
W2(f_uhsub8, __uhsub8(a, b)) W2(f_shadd16, __shadd16(a, b)) W2(f_shsub16, __shsub16(a, b))
W2(f_uhadd16, __uhadd16(a, b)) W2(f_uhsub16, __uhsub16(a, b)) W2(f_shasx, __shasx(a, b))
W2(f_shsax, __shsax(a, b))   W2(f_uhasx, __uhasx(a, b))   W2(f_uhsax, __uhsax(a, b))
W2(f_usad8, __usad8(a, b))   W2(f_usada8, __usada8(a, b, 0x1000))
W2(f_sxtab16, __sxtab16(a, b)) W2(f_uxtab16, __uxtab16(a, b))
W2(f_sxtb16, __sxtb16(b))    W2(f_uxtb16, __uxtb16(b))
W2(f_qadd, __qadd((int32_t)a, (int32_t)b)) W2(f_qsub, __qsub((int32_t)a, (int32_t)b))
W2(f_smlabb, __smlabb((int32_t)a, (int32_t)b, 0x7fffffff))
W2(f_smlabt, __smlabt((int32_t)a, (int32_t)b, 0x12345))
W2(f_smlatb, __smlatb((int32_t)a, (int32_t)b, -5))
W2(f_smlatt, __smlatt((int32_t)a, (int32_t)b, (int32_t)0x80000000))
W2(f_smlawb, __smlawb((int32_t)a, (int32_t)b, 0x7fff0000))
W2(f_smlawt, __smlawt((int32_t)a, (int32_t)b, 1))
W2(f_smuad, __smuad(a, b))   W2(f_smuadx, __smuadx(a, b)) W2(f_smusd, __smusd(a, b))
W2(f_smusdx, __smusdx(a, b)) W2(f_smlad, __smlad(a, b, 0x7ffffff0))
W2(f_smladx, __smladx(a, b, 0x80000000)) W2(f_smlsd, __smlsd(a, b, 3))
W2(f_smlsdx, __smlsdx(a, b, -3))
W2(f_smlald, (uint32_t)(__smlald(a, b, 0x7fffffffffffffffll) >> 16))
W2(f_smlaldx, (uint32_t)__smlaldx(a, b, -1ll))
W2(f_smlsld, (uint32_t)(__smlsld(a, b, 0x100000000ll) >> 8))
W2(f_smlsldx, (uint32_t)(__smlsldx(a, b, 5ll) >> 32))
W2(f_ssat16, __ssat16(a, 9)) W2(f_usat16, __usat16(a, 7))
W2(f_ssat, __ssat((int32_t)a, 17)) W2(f_usat, __usat((int32_t)a, 31))
W2(f_sel, __sel(a, b))

static uint32_t asm_ops(int k, uint32_t a, uint32_t b) {
    uint32_t r = b;
    clear_flags();
    switch (k) {
    case 0: __asm__ volatile("smulbb %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); break;
    case 1: __asm__ volatile("smultb %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); break;
    case 2: __asm__ volatile("smulwt %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); break;
    case 3: __asm__ volatile("smmul %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); break;
    case 4: __asm__ volatile("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); break;
    case 5: __asm__ volatile("smmla %0, %1, %2, %1" : "=r"(r) : "r"(a), "r"(b)); break;
    case 6: __asm__ volatile("smmlsr %0, %1, %2, %2" : "=r"(r) : "r"(a), "r"(b)); break;
    case 7: __asm__ volatile("ssat %0, #8, %1, lsl #4" : "=r"(r) : "r"(a)); break;
    case 8: __asm__ volatile("usat %0, #12, %1, asr #20" : "=r"(r) : "r"(a)); break;
    case 9: __asm__ volatile("bfi %0, %1, #5, #11" : "+r"(r) : "r"(a)); break;
    case 10: __asm__ volatile("bfc %0, #3, #20" : "+r"(r)); break;
    case 11: __asm__ volatile("ubfx %0, %1, #7, #13" : "=r"(r) : "r"(a)); break;
    case 12: __asm__ volatile("sbfx %0, %1, #9, #17" : "=r"(r) : "r"(a)); break;
    case 13: __asm__ volatile("sbfx %0, %1, #31, #1" : "=r"(r) : "r"(a)); break;
    case 14: __asm__ volatile("bfi %0, %1, #0, #32" : "+r"(r) : "r"(a)); break;
    case 15: __asm__ volatile("pkhbt %0, %1, %2, lsl #13" : "=r"(r) : "r"(a), "r"(b)); break;
    case 16: __asm__ volatile("pkhtb %0, %1, %2, asr #7" : "=r"(r) : "r"(a), "r"(b)); break;
    case 17: __asm__ volatile("pkhtb %0, %1, %2, asr #32" : "=r"(r) : "r"(a), "r"(b)); break;
    case 18: __asm__ volatile("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(b)); break;
    case 19: __asm__ volatile("uxtb16 %0, %1, ror #24" : "=r"(r) : "r"(a)); break;
    case 20: __asm__ volatile("smlsld %0, %1, %2, %2" : "+r"(r), "+r"(a) : "r"(b)); r ^= a; break;
    case 21: __asm__ volatile("smlalbt %0, %1, %2, %2" : "+r"(r), "+r"(a) : "r"(b)); r ^= a; break;
    case 22: __asm__ volatile("smlaltb %0, %1, %1, %2" : "+r"(r), "+r"(a) : "r"(b)); r += a; break;
    case 23: __asm__ volatile("ssat16 %0, #1, %1" : "=r"(r) : "r"(a)); break;
    case 24: __asm__ volatile("usat16 %0, #0, %1" : "=r"(r) : "r"(a)); break;
    case 25: __asm__ volatile("ssat %0, #32, %1, asr #31" : "=r"(r) : "r"(a)); break;
    case 26: __asm__ volatile("qdadd %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); break;
    case 27: __asm__ volatile("qdsub %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); break;
    default: break;
    }
    return r;
}
#define NASM 28

static const struct {
    const char *name;
    op2 fn;
} ops[] = {
    {"sadd8", f_sadd8},     {"ssub8", f_ssub8},     {"uadd8", f_uadd8},     {"usub8", f_usub8},
    {"sadd16", f_sadd16},   {"ssub16", f_ssub16},   {"uadd16", f_uadd16},   {"usub16", f_usub16},
    {"sasx", f_sasx},       {"ssax", f_ssax},       {"uasx", f_uasx},       {"usax", f_usax},
    {"qadd8", f_qadd8},     {"qsub8", f_qsub8},     {"uqadd8", f_uqadd8},   {"uqsub8", f_uqsub8},
    {"qadd16", f_qadd16},   {"qsub16", f_qsub16},   {"uqadd16", f_uqadd16}, {"uqsub16", f_uqsub16},
    {"qasx", f_qasx},       {"qsax", f_qsax},       {"uqasx", f_uqasx},     {"uqsax", f_uqsax},
    {"shadd8", f_shadd8},   {"shsub8", f_shsub8},   {"uhadd8", f_uhadd8},   {"uhsub8", f_uhsub8},
    {"shadd16", f_shadd16}, {"shsub16", f_shsub16}, {"uhadd16", f_uhadd16}, {"uhsub16", f_uhsub16},
    {"shasx", f_shasx},     {"shsax", f_shsax},     {"uhasx", f_uhasx},     {"uhsax", f_uhsax},
    {"usad8", f_usad8},     {"usada8", f_usada8},   {"sxtab16", f_sxtab16}, {"uxtab16", f_uxtab16},
    {"sxtb16", f_sxtb16},   {"uxtb16", f_uxtb16},   {"qadd", f_qadd},       {"qsub", f_qsub},
    {"smlabb", f_smlabb},   {"smlabt", f_smlabt},
    {"smlatb", f_smlatb},   {"smlatt", f_smlatt},   {"smlawb", f_smlawb},   {"smlawt", f_smlawt},
    {"smuad", f_smuad},     {"smuadx", f_smuadx},   {"smusd", f_smusd},     {"smusdx", f_smusdx},
    {"smlad", f_smlad},     {"smladx", f_smladx},   {"smlsd", f_smlsd},     {"smlsdx", f_smlsdx},
    {"smlald", f_smlald},   {"smlaldx", f_smlaldx}, {"smlsld", f_smlsld},   {"smlsldx", f_smlsldx},
    {"ssat16", f_ssat16},   {"usat16", f_usat16},   {"ssat", f_ssat},       {"usat", f_usat},
    {"sel", f_sel},
};

int main(void) {
    uint32_t sum = 0;
    for (uint32_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        rt_printf("%s", ops[k].name);
        for (uint32_t i = 0; i < NV; i++)
            for (uint32_t j = 0; j < NV; j += 1 + (i & 1)) {
                uint32_t r = ops[k].fn(vals[i], vals[j]);
                uint32_t f = ge_q();
                if (j % 6 == 0) rt_printf("\n ");
                rt_printf(" %x/%x", r, f);
                sum = sum * 31 + r + f;
            }
        rt_printf("\n");
    }
    for (int k = 0; k < NASM; k++) {
        rt_printf("asm%d", k);
        for (uint32_t i = 0; i < NV; i++) {
            uint32_t r = asm_ops(k, vals[i], vals[(i * 5 + 3) % NV]);
            uint32_t f = ge_q();
            rt_printf(" %x/%x", r, f);
            sum = sum * 31 + r + f;
        }
        rt_printf("\n");
    }
    /* GE set by one SIMD op drives SEL later; Q stays set until cleared. */
    clear_flags();
    uint32_t g = __usub8(0x10203040, 0x20102040);
    uint32_t s = __sel(0xaaaaaaaa, 0x55555555);
    uint32_t t = 0x7fffffff;
    __asm__ volatile("qadd %0, %0, %1" : "+r"(t) : "r"(1u));
    uint32_t q1 = ge_q();
    __asm__ volatile("qadd %0, %0, %0" : "+r"(t));
    rt_printf("sticky: %08x %08x %x %x\n", g, s, q1, ge_q());
    rt_printf("checksum %08x\n", sum);
    return 0;
}
