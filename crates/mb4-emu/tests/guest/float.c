/* FPv5 single precision: every arithmetic, conversion, rounding, comparison
   and min/max instruction on a table of awkward values (zeros, denormals,
   infinities, quiet and signalling NaNs, near-overflow, near-integers), in all
   four rounding modes and with flush-to-zero and default-NaN on and off. For
   each instruction it prints a hash of the results and of FPSCR after each
   one. Also checks that an interrupt handler using the FPU leaves the
   interrupted code's registers intact. The output must match QEMU's. */
#include <stdint.h>
void sh_puts(const char *s);
void sh_puthex(uint32_t v);

static const uint32_t vals[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x40490fdb, 0xc0000000,
    0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x7f800000,
    0xff800000, 0x7fc00000, 0xffc12345, 0x7f800001, 0xff812345, 0x3fc00000,
    0x40200000, 0xbfc00000, 0x4b7fffff, 0x4f000000, 0xcf000001, 0x3effffff,
    0x33800000, 0x4effffff, 0x5f800000, 0x3dcccccd, 0x42f6e979, 0x0c000000,
    0x477fe000, 0x477ff000, 0x38800000, 0x387fc000, 0xb3000001, 0x7c00fe00,
};
#define NV (sizeof vals / sizeof vals[0])

static uint32_t h;
static void mix(uint32_t v) { h = (h ^ v) * 0x01000193u + (h >> 13); }

static void set_fpscr(uint32_t v) { __asm__ volatile("vmsr fpscr, %0" ::"r"(v)); }
static uint32_t get_fpscr(void) {
    uint32_t v;
    __asm__ volatile("vmrs %0, fpscr" : "=r"(v));
    return v;
}

#define BIN(name, insn)                                                              \
    static uint32_t name(uint32_t a, uint32_t b) {                                   \
        uint32_t r;                                                                  \
        __asm__ volatile("vmov s0, %1\n vmov s1, %2\n " insn "\n vmov %0, s2"         \
                         : "=r"(r) : "r"(a), "r"(b) : "s0", "s1", "s2");             \
        return r;                                                                    \
    }
#define UN(name, insn)                                                               \
    static uint32_t name(uint32_t a, uint32_t unused) {                              \
        uint32_t r;                                                                  \
        (void)unused;                                                                \
        __asm__ volatile("vmov s0, %1\n " insn "\n vmov %0, s2" : "=r"(r) : "r"(a) : "s0", "s2"); \
        return r;                                                                    \
    }

BIN(f_add, "vadd.f32 s2, s0, s1")
BIN(f_sub, "vsub.f32 s2, s0, s1")
BIN(f_mul, "vmul.f32 s2, s0, s1")
BIN(f_nmul, "vnmul.f32 s2, s0, s1")
BIN(f_div, "vdiv.f32 s2, s0, s1")
BIN(f_mla, "vmov s2, s1\n vmla.f32 s2, s0, s0")
BIN(f_mls, "vmov s2, s1\n vmls.f32 s2, s0, s1")
BIN(f_nmla, "vmov s2, s0\n vnmla.f32 s2, s0, s1")
BIN(f_nmls, "vmov s2, s1\n vnmls.f32 s2, s1, s0")
BIN(f_fma, "vmov s2, s1\n vfma.f32 s2, s0, s0")
BIN(f_fms, "vmov s2, s0\n vfms.f32 s2, s1, s0")
BIN(f_fnma, "vmov s2, s1\n vfnma.f32 s2, s0, s1")
BIN(f_fnms, "vmov s2, s0\n vfnms.f32 s2, s0, s1")
BIN(f_maxnm, "vmaxnm.f32 s2, s0, s1")
BIN(f_minnm, "vminnm.f32 s2, s0, s1")
BIN(f_cmp, "vcmp.f32 s0, s1\n vmrs APSR_nzcv, fpscr\n vselgt.f32 s2, s0, s1")
BIN(f_cmpe, "vcmpe.f32 s0, s1\n vmrs APSR_nzcv, fpscr\n vseleq.f32 s2, s0, s1")
BIN(f_selge, "vcmp.f32 s1, s0\n vmrs APSR_nzcv, fpscr\n vselge.f32 s2, s0, s1")
BIN(f_selvs, "vcmp.f32 s1, s0\n vmrs APSR_nzcv, fpscr\n vselvs.f32 s2, s0, s1")
UN(f_sqrt, "vsqrt.f32 s2, s0")
UN(f_abs, "vabs.f32 s2, s0")
UN(f_neg, "vneg.f32 s2, s0")
UN(f_cmpz, "vcmp.f32 s0, #0\n vmrs %0, fpscr\n vmov s2, %0")
UN(f_tosi, "vcvt.s32.f32 s2, s0")
UN(f_toui, "vcvt.u32.f32 s2, s0")
UN(f_tosir, "vcvtr.s32.f32 s2, s0")
UN(f_touir, "vcvtr.u32.f32 s2, s0")
UN(f_sito, "vcvt.f32.s32 s2, s0")
UN(f_uito, "vcvt.f32.u32 s2, s0")
UN(f_cvta, "vcvta.s32.f32 s2, s0")
UN(f_cvtn, "vcvtn.u32.f32 s2, s0")
UN(f_cvtp, "vcvtp.s32.f32 s2, s0")
UN(f_cvtm, "vcvtm.s32.f32 s2, s0")
UN(f_rintr, "vrintr.f32 s2, s0")
UN(f_rintz, "vrintz.f32 s2, s0")
UN(f_rintx, "vrintx.f32 s2, s0")
UN(f_rinta, "vrinta.f32 s2, s0")
UN(f_rintn, "vrintn.f32 s2, s0")
UN(f_rintp, "vrintp.f32 s2, s0")
UN(f_rintm, "vrintm.f32 s2, s0")
UN(f_tofix, "vmov s2, s0\n vcvt.s32.f32 s2, s2, #8")
UN(f_tofixu16, "vmov s2, s0\n vcvt.u16.f32 s2, s2, #3")
UN(f_fromfix, "vmov s2, s0\n vcvt.f32.s32 s2, s2, #12")
UN(f_fromfixs16, "vmov s2, s0\n vcvt.f32.s16 s2, s2, #5")
UN(f_imm, "vmov.f32 s2, #-1.375\n vadd.f32 s2, s2, s0")
UN(f_tohalfb, "vmov s2, s0\n vcvtb.f16.f32 s2, s0")
UN(f_tohalft, "vmov s2, s0\n vcvtt.f16.f32 s2, s0")
UN(f_fromhalfb, "vcvtb.f32.f16 s2, s0")
UN(f_fromhalft, "vcvtt.f32.f16 s2, s0")

typedef uint32_t (*op_fn)(uint32_t, uint32_t);
static const struct {
    const char *name;
    op_fn fn;
    int binary;
} ops[] = {
    {"vadd", f_add, 1},   {"vsub", f_sub, 1},     {"vmul", f_mul, 1},     {"vnmul", f_nmul, 1},
    {"vdiv", f_div, 1},   {"vmla", f_mla, 1},     {"vmls", f_mls, 1},     {"vnmla", f_nmla, 1},
    {"vnmls", f_nmls, 1}, {"vfma", f_fma, 1},     {"vfms", f_fms, 1},     {"vfnma", f_fnma, 1},
    {"vfnms", f_fnms, 1}, {"vmaxnm", f_maxnm, 1}, {"vminnm", f_minnm, 1}, {"vcmp", f_cmp, 1},
    {"vcmpe", f_cmpe, 1}, {"vselge", f_selge, 1}, {"vselvs", f_selvs, 1}, {"vsqrt", f_sqrt, 0},
    {"vabs", f_abs, 0},   {"vneg", f_neg, 0},     {"vcmp0", f_cmpz, 0},   {"vcvt.s32", f_tosi, 0},
    {"vcvt.u32", f_toui, 0}, {"vcvtr.s32", f_tosir, 0}, {"vcvtr.u32", f_touir, 0},
    {"vcvt.f32.s32", f_sito, 0}, {"vcvt.f32.u32", f_uito, 0}, {"vcvta", f_cvta, 0},
    {"vcvtn", f_cvtn, 0}, {"vcvtp", f_cvtp, 0},   {"vcvtm", f_cvtm, 0},   {"vrintr", f_rintr, 0},
    {"vrintz", f_rintz, 0}, {"vrintx", f_rintx, 0}, {"vrinta", f_rinta, 0}, {"vrintn", f_rintn, 0},
    {"vrintp", f_rintp, 0}, {"vrintm", f_rintm, 0}, {"tofix", f_tofix, 0}, {"tofixu16", f_tofixu16, 0},
    {"fromfix", f_fromfix, 0}, {"fromfixs16", f_fromfixs16, 0}, {"vmov.imm", f_imm, 0},
    /* 2: unary, also with FPSCR.AHP (alternative half precision) */
    {"vcvtb.f16", f_tohalfb, 2}, {"vcvtt.f16", f_tohalft, 2}, {"vcvtb.f32", f_fromhalfb, 2},
    {"vcvtt.f32", f_fromhalft, 2},
};

static volatile uint32_t handler_result;
void systick_handler(void) {
    /* Uses S0-S2 and FPSCR: the interrupted code must not notice. */
    uint32_t r;
    __asm__ volatile("vmov s0, %1\n vmov s1, %1\n vmul.f32 s2, s0, s1\n vmov %0, s2\n vmsr fpscr, %2"
                     : "=r"(r) : "r"(0x40400000u), "r"(0x03c00000u) : "s0", "s1", "s2");
    handler_result = r;
    *(volatile uint32_t *)0xE000E010 = 0; /* one shot */
}

int main(void) {
    for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        h = 0;
        for (uint32_t mode = 0; mode < (ops[k].binary == 2 ? 32u : 16u); mode++) {
            /* RMode in bits 23:22, FZ bit 24, DN bit 25, AHP bit 26. */
            uint32_t ctl = ((mode & 3) << 22) | ((mode >> 2) << 24);
            for (unsigned i = 0; i < NV; i++) {
                for (unsigned j = 0; j < (ops[k].binary == 1 ? NV : 1); j++) {
                    set_fpscr(ctl);
                    mix(ops[k].fn(vals[i], vals[j]));
                    mix(get_fpscr());
                }
            }
        }
        sh_puts(ops[k].name);
        sh_puts(" ");
        sh_puthex(h);
        sh_puts("\n");
    }

    /* FP context across an interrupt: set S0-S2/FPSCR, take SysTick, compare. */
    uint32_t before = 0x12345678, after0, after2, fpscr_after;
    set_fpscr(0x00400000);
    __asm__ volatile("vmov s0, %0\n vmov s2, %0" ::"r"(before) : "s0", "s2");
    *(volatile uint32_t *)0xE000E014 = 100;
    *(volatile uint32_t *)0xE000E018 = 0;
    *(volatile uint32_t *)0xE000E010 = 7;
    while (!handler_result) {
    }
    __asm__ volatile("vmov %0, s0\n vmov %1, s2" : "=r"(after0), "=r"(after2));
    fpscr_after = get_fpscr();
    sh_puts("irq fp context ");
    sh_puthex(after0 == before && after2 == before && (fpscr_after & 0x0fc00000) == 0x00400000);
    sh_puts(" ");
    sh_puthex(handler_result);
    sh_puts("\n");
    return 0;
}
