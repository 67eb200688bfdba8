/* DSP extension: SIMD add/subtract (plain, saturating, halving, signed and
   unsigned), SEL with GE flags, saturation, packing, dual multiplies and the
   Q flag, on pseudo-random operands. The output must match QEMU's. */
#include <arm_acle.h>
#include <stdint.h>
void sh_puts(const char *s);
void sh_puthex(uint32_t v);

static uint32_t seed = 0x9e3779b9;
static uint32_t rnd(void) {
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

static uint32_t mix(uint32_t acc, uint32_t v) { return (acc ^ v) * 0x01000193u + (acc >> 7); }

#define ASM2(name, insn)                                         \
    static uint32_t name(uint32_t a, uint32_t b) {               \
        uint32_t r;                                              \
        __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); \
        return r;                                                \
    }
ASM2(smulbb, "smulbb")
ASM2(smultb, "smultb")
ASM2(smulwt, "smulwt")
ASM2(qdadd, "qdadd")
ASM2(qdsub, "qdsub")

#define TWO(name, fn)                                             \
    do {                                                          \
        uint32_t acc = 0;                                         \
        for (int i = 0; i < 64; i++) {                            \
            uint32_t a = rnd(), b = rnd();                        \
            if (i & 1) b = (b & 0x80808080u) | (a & 0x7f7f7f7fu); \
            uint32_t r = (uint32_t)fn(a, b);                      \
            acc = mix(acc, r);                                    \
            acc = mix(acc, __sel(a, b));                          \
        }                                                         \
        sh_puts(name " ");                                        \
        sh_puthex(acc);                                           \
        sh_puts("\n");                                            \
    } while (0)

int main(void) {
    TWO("sadd16", __sadd16);
    TWO("ssub16", __ssub16);
    TWO("sasx", __sasx);
    TWO("ssax", __ssax);
    TWO("sadd8", __sadd8);
    TWO("ssub8", __ssub8);
    TWO("uadd16", __uadd16);
    TWO("usub16", __usub16);
    TWO("uasx", __uasx);
    TWO("usax", __usax);
    TWO("uadd8", __uadd8);
    TWO("usub8", __usub8);
    TWO("qadd16", __qadd16);
    TWO("qsub8", __qsub8);
    TWO("qasx", __qasx);
    TWO("uqadd8", __uqadd8);
    TWO("uqsub16", __uqsub16);
    TWO("shadd16", __shadd16);
    TWO("shsub8", __shsub8);
    TWO("uhadd8", __uhadd8);
    TWO("uhsax", __uhsax);
    TWO("usad8", __usad8);
    TWO("qadd", __qadd);
    TWO("qsub", __qsub);
    TWO("smuad", __smuad);
    TWO("smusdx", __smusdx);
    TWO("smulbb", smulbb);
    TWO("smultb", smultb);
    TWO("smulwt", smulwt);

    uint32_t acc = 0;
    for (int i = 0; i < 64; i++) {
        uint32_t a = rnd(), b = rnd(), c = rnd();
        acc = mix(acc, __smlad(a, b, c));
        acc = mix(acc, __smlsdx(a, b, c));
        acc = mix(acc, __smlabt(a, b, c));
        acc = mix(acc, __smlawb(a, b, c));
        acc = mix(acc, __usada8(a, b, c));
        acc = mix(acc, (uint32_t)__smlald(a, b, ((uint64_t)c << 32) | a));
        acc = mix(acc, (uint32_t)(__smlsld(a, b, ((uint64_t)c << 32) | b) >> 32));
        acc = mix(acc, (uint32_t)__ssat16(a, 9));
        acc = mix(acc, (uint32_t)__usat16(b, 7));
        acc = mix(acc, (uint32_t)__ssat((int32_t)a >> 3, 12));
        acc = mix(acc, (uint32_t)__usat((int32_t)b >> 5, 20));
        acc = mix(acc, qdadd(a, b) ^ qdsub(b, c));
        acc = mix(acc, __sxtab16(a, b) ^ __uxtb16(c));
        uint32_t qf, t;
        __asm__ volatile("msr apsr_nzcvq, %2\n qadd %1, %3, %4\n mrs %0, apsr"
                         : "=r"(qf), "=&r"(t) : "r"(0), "r"(a), "r"(b));
        acc = mix(acc, (qf & 0x08000000u) ^ t);
        __asm__ volatile("msr apsr_nzcvq, %2\n smlad %1, %3, %4, %5\n mrs %0, apsr"
                         : "=r"(qf), "=&r"(t) : "r"(0), "r"(a), "r"(b), "r"(c));
        acc = mix(acc, (qf & 0x08000000u) ^ t);
        __asm__ volatile("msr apsr_g, %2\n uadd8 %1, %3, %4\n mrs %0, apsr"
                         : "=r"(qf), "=&r"(t) : "r"(0), "r"(a), "r"(b));
        acc = mix(acc, (qf & 0x000f0000u) ^ t);
        uint32_t p1, p2;
        __asm__("pkhbt %0, %1, %2, lsl #7" : "=r"(p1) : "r"(a), "r"(b));
        __asm__("pkhtb %0, %1, %2, asr #11" : "=r"(p2) : "r"(a), "r"(c));
        acc = mix(acc, p1 ^ p2);
        uint32_t mm;
        __asm__("smmlar %0, %1, %2, %3" : "=r"(mm) : "r"(a), "r"(b), "r"(c));
        acc = mix(acc, mm);
        __asm__("smmls %0, %1, %2, %3" : "=r"(mm) : "r"(a), "r"(b), "r"(c));
        acc = mix(acc, mm);
    }
    sh_puts("accumulating ");
    sh_puthex(acc);
    sh_puts("\n");
    return 0;
}
