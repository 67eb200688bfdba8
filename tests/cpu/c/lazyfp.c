/* FP context across exceptions: lazy state preservation (FPCCR.LSPEN), eager
   stacking, FPCCR/FPCAR as a handler sees them, FPDSCR defaults for a
   handler's FP context, ASPEN off, nesting, an unprivileged owner, and
   faults during the lazy save: bus errors (taken at once, or escalated to
   HardFault when BusFault was not ready for the interrupted context), an MPU
   refusal, and an owner the FPU was taken away from (NOCP, pended).

   Thread code loads S0-S15 and FPSCR with known values, pends an interrupt
   through STIR and reads them back, all in one asm block so the compiler
   keeps no FP values of its own across it. Before that it fills the stack
   below SP with a pattern: a lazily reserved frame keeps the pattern in its
   S0/FPSCR slots until the handler's first FP instruction writes them.
   Handlers record into `rec`; the thread prints after the handler returned,
   so no printing code runs with the FPU in an interesting state.

   FPCCR is printed through FPCCR_MASK: QEMU's mps2-an505 runs in Secure state
   and also sets S (bit 2) and SFRDY (bit 7), which a core without the Security
   Extension (bare-m33, the DA14697) does not have. */
#include "rt.h"

#define FPCCR_LSPACT (1u << 0)
#define FPCCR_LSPEN (1u << 30)
#define FPCCR_ASPEN (1u << 31)
#define FPCCR_MASK 0xc000077bu /* ASPEN LSPEN UFRDY SPLIMVIOL MONRDY BFRDY MMRDY HFRDY THREAD USER LSPACT */
#define STALE_FPCAR 0x1230u    /* written before each case: eager stacking leaves it */

/* What the interrupt handler does (bits of `mode`). */
#define USE_FP 1u     /* executes FP instructions (after recording the lazy state) */
#define NEST 2u       /* IRQ 0 only: with its own FP values live, pends IRQ 1 */
#define BAD_FPCAR 4u  /* points FPCAR at `bad_fpcar` before the first FP insn */
#define PRIV_CPACR 8u /* makes the FPU privileged-only before the first FP insn */
#define NO_FPU_AT_END 16u /* disables the FPU (CPACR) just before returning */

#define UNMAPPED 0x60000000u
#define MPU_CTRL REG32(0xE000ED94)
#define MPU_RNR REG32(0xE000ED98)
#define MPU_RBAR REG32(0xE000ED9C)
#define MPU_RLAR REG32(0xE000EDA0)

static volatile uint32_t mode, mode1;
static volatile uint32_t rec[40];
static volatile uint32_t nrec;
static void note(uint32_t v) {
    if (nrec < 40) rec[nrec++] = v;
}

static const uint32_t thread_vals[16] = {
    0x3f800000, 0x40000000, 0x40400000, 0x40800000, 0xbf800000, 0x7f800000,
    0xff800000, 0x7fc00000, 0x00000001, 0x80000000, 0x12345678, 0x9abcdef0,
    0x0badf00d, 0xdeadbeef, 0x00c0ffee, 0x5a5a5a5a};
static const uint32_t irq0_vals[16] = {
    0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x55555555, 0x66666666,
    0x77777777, 0x88888888, 0x99999999, 0xaaaaaaaa, 0xbbbbbbbb, 0xcccccccc,
    0xdddddddd, 0xeeeeeeee, 0xf0f0f0f0, 0x0f0f0f0f};
static uint32_t out[16], out0[16];

/* CONTROL without SFPA (bit 3), which only QEMU's Secure state has. */
static uint32_t control(void) {
    uint32_t v;
    __asm__ volatile("mrs %0, control" : "=r"(v));
    return v & 7;
}

/* Loads S0-S15 from `in` and FPSCR from *fpscr, fills 256 bytes below SP with
   0xa5, pends interrupt `irq`, then stores S0-S15 to `o` and FPSCR back. */
static void fp_live_irq(const uint32_t *in, uint32_t *o, uint32_t *fpscr, uint32_t irq) {
    uint32_t f = *fpscr;
    __asm__ volatile(
        "vldm %[in], {s0-s15}\n"
        "vmsr fpscr, %[f]\n"
        "mov r3, sp\n"
        "sub r1, r3, #256\n"
        "movw r2, #0xa5a5\n"
        "movt r2, #0xa5a5\n"
        "1: str r2, [r1], #4\n"
        "cmp r1, r3\n"
        "bne 1b\n"
        "movw r2, #0xef00\n" /* NVIC_STIR */
        "movt r2, #0xe000\n"
        "str %[irq], [r2]\n"
        "dsb\n"
        "isb\n"
        "vstm %[o], {s0-s15}\n"
        "vmrs %[f], fpscr\n"
        : [f] "+r"(f)
        : [in] "r"(in), [o] "r"(o), [irq] "r"(irq)
        : "r1", "r2", "r3", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9",
          "s10", "s11", "s12", "s13", "s14", "s15", "memory");
    *fpscr = f;
}

/* Overwrites S0-S15 and FPSCR (a handler's own FP work). */
static void clobber_fp(void) {
    __asm__ volatile(
        "vmov.f32 s0, #-2.0\n vmov.f32 s1, s0\n vmov.f32 s2, s0\n vmov.f32 s3, s0\n"
        "vmov.f32 s4, s0\n vmov.f32 s5, s0\n vmov.f32 s6, s0\n vmov.f32 s7, s0\n"
        "vmov.f32 s8, s0\n vmov.f32 s9, s0\n vmov.f32 s10, s0\n vmov.f32 s11, s0\n"
        "vmov.f32 s12, s0\n vmov.f32 s13, s0\n vmov.f32 s14, s0\n vmov.f32 s15, s0\n"
        "vmsr fpscr, %0\n" ::"r"(0x00400000u)
        : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
          "s12", "s13", "s14", "s15");
}

static uint32_t good_fpcar, bad_fpcar = UNMAPPED;

/* The frame is the MSP at entry (Thread runs on MSP here, except in the
   unprivileged case, which uses PSP: EXC_RETURN.SPSEL says which). */
__attribute__((used)) void irq_c(uint32_t *frame, uint32_t excret) {
    uint32_t n = rt_ipsr() - 16;
    uint32_t m = n == 0 ? mode : mode1;
    uint32_t fpcar = FPU_FPCAR;
    note(0x1000 + n);
    note(excret);
    note(FPU_FPCCR & FPCCR_MASK);
    note(fpcar == STALE_FPCAR ? 0xffffffffu : fpcar - (uint32_t)frame);
    note(control());
    if (!(excret & 0x10)) {
        note(frame[8]);  /* S0 slot: pattern while the save is pending */
        note(frame[24]); /* FPSCR slot */
    }
    if (m & BAD_FPCAR) {
        good_fpcar = fpcar;
        FPU_FPCAR = bad_fpcar;
    }
    if (m & PRIV_CPACR) SCB_CPACR = (SCB_CPACR & ~(0xfu << 20)) | (0x5u << 20);
    if (m & USE_FP) {
        uint32_t fpscr, s0, s15;
        /* The first FP instruction: lazy save, then a new FP context. */
        __asm__ volatile("vmrs %0, fpscr\n vmov %1, s0\n vmov %2, s15"
                         : "=r"(fpscr), "=r"(s0), "=r"(s15));
        note(fpscr); /* FPDSCR's defaults (or the thread's FPSCR with ASPEN off) */
        note(s0);    /* the interrupted S0 (zero after eager stacking) */
        note(s15);
        note(FPU_FPCCR & FPCCR_MASK);
        note(control());
        if (!(excret & 0x10)) {
            note(frame[8]);
            note(frame[23]);
            note(frame[24]);
        }
        if (m & NEST) {
            uint32_t f = 0x03000000; /* irq 0's own FPSCR: FZ|DN */
            fp_live_irq(irq0_vals, out0, &f, 1);
            note(f);
        } else {
            clobber_fp();
        }
    }
    if (m & NO_FPU_AT_END) SCB_CPACR &= ~(0xfu << 20);
}

__attribute__((naked)) void irq_handler(void) {
    __asm__ volatile(
        "tst lr, #4\n"
        "ite eq\n"
        "mrseq r0, msp\n"
        "mrsne r0, psp\n"
        "mov r1, lr\n"
        "push {r1, lr}\n"
        "bl irq_c\n"
        "pop {r1, pc}\n");
}

/* SVC #0 returns the caller to privileged Thread mode. */
__attribute__((used)) void svc_c(void) { __asm__ volatile("msr control, %0\n isb" ::"r"(control() & ~1u)); }
__attribute__((naked)) void svc_handler(void) { __asm__ volatile("b svc_c"); }

/* Faults during the lazy save: record, repair FPCAR, return to the FP
   instruction (it runs again and saves properly). */
static int fault_hook(uint32_t exc, struct frame *f, uint32_t exc_return) {
    (void)f;
    note(0xf000 + exc);
    note(exc_return);
    note(SCB_CFSR);
    note(SCB_HFSR);
    note(FPU_FPCCR & FPCCR_MASK);
    SCB_CFSR = SCB_CFSR;
    SCB_HFSR = SCB_HFSR;
    if (good_fpcar) FPU_FPCAR = good_fpcar;
    good_fpcar = 0;
    SCB_CPACR |= 0xfu << 20;
    return 1;
}

static void show(const char *name, uint32_t fpscr_out) {
    rt_printf("%s\n  rec:", name);
    for (uint32_t i = 0; i < nrec; i++) rt_printf(" %x", rec[i]);
    rt_printf("\n  thread fpscr %08x control %x fpccr %08x\n  thread s:", fpscr_out, control(),
              FPU_FPCCR & FPCCR_MASK);
    for (int i = 0; i < 16; i++) rt_printf(" %x", out[i]);
    rt_printf("\n");
    nrec = 0;
}

/* `unpriv`: the interrupted Thread code runs unprivileged (still on MSP),
   pends through STIR (CCR.USERSETMPEND) and gets its privilege back by SVC. */
static void run_as(const char *name, uint32_t fpccr, uint32_t m, int unpriv) {
    FPU_FPCCR = fpccr;
    FPU_FPCAR = STALE_FPCAR;
    mode = m;
    uint32_t f = 0x02400089; /* DN, RMode +inf, IDC, UFC, IOC */
    if (unpriv) __asm__ volatile("msr control, %0\n isb" ::"r"(control() | 1u));
    fp_live_irq(thread_vals, out, &f, 0);
    if (unpriv) __asm__ volatile("svc #0" ::: "memory");
    show(name, f);
}
static void run(const char *name, uint32_t fpccr, uint32_t m) { run_as(name, fpccr, m, 0); }

int main(void) {
    rt_fault_hook = fault_hook;
    NVIC_IPR(0) = 0x80;
    NVIC_IPR(1) = 0x40;
    NVIC_ISER(0) = 3;
    SCB_SHCSR |= SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA;
    SCB_SHPR1 = 0x00a00000; /* UsageFault 0xa0: ready in Thread, not inside IRQ 0 */
    FPU_FPDSCR = 0x05c00000; /* AHP, FZ, RMode towards zero */
    rt_printf("reset fpccr %08x fpdscr %08x\n", FPU_FPCCR & FPCCR_MASK, FPU_FPDSCR);

    run("lazy, handler without FP", FPCCR_ASPEN | FPCCR_LSPEN, 0);
    run("lazy, handler with FP", FPCCR_ASPEN | FPCCR_LSPEN, USE_FP);
    run("eager, handler without FP", FPCCR_ASPEN, 0);
    run("eager, handler with FP", FPCCR_ASPEN, USE_FP);

    /* ASPEN off: nothing sets CONTROL.FPCA, so nothing is preserved. FPCCR
       is written before CONTROL each time: QEMU caches ASPEN/FPCA-derived
       state per translation block and refreshes it on MSR CONTROL, not on
       the FPCCR store, so the other order tests QEMU's cache, not the core. */
    FPU_FPCCR = FPCCR_LSPEN;
    __asm__ volatile("msr control, %0\n isb" ::"r"(control() & ~4u));
    run("no automatic preservation", FPCCR_LSPEN, USE_FP);
    FPU_FPCCR = FPCCR_ASPEN | FPCCR_LSPEN;
    __asm__ volatile("msr control, %0\n isb" ::"r"(control() & ~4u));

    /* IRQ 0 with FP live pends IRQ 1 (higher priority), which uses FP. */
    mode1 = USE_FP;
    run("nested, lazy", FPCCR_ASPEN | FPCCR_LSPEN, USE_FP | NEST);
    rt_printf("  irq0 s:");
    for (int i = 0; i < 16; i++) rt_printf(" %x", out0[i]);
    rt_printf("\n");
    run("nested, eager", FPCCR_ASPEN, USE_FP | NEST);

    /* A bus fault in the lazy save (BusFault ready: taken before the FP
       instruction, which then runs again). */
    run("lazy save bus fault", FPCCR_ASPEN | FPCCR_LSPEN, USE_FP | BAD_FPCAR);
    /* BusFault disabled when the frame was reserved: BFRDY clear, HardFault. */
    SCB_SHCSR &= ~SHCSR_BUSFAULTENA;
    run("lazy save bus fault, BusFault not ready", FPCCR_ASPEN | FPCCR_LSPEN, USE_FP | BAD_FPCAR);
    SCB_SHCSR |= SHCSR_BUSFAULTENA;

    /* The return would restore FP registers the thread may not use: UsageFault
       NOCP on the existing frame (EXC_RETURN kept); the hook gives the FPU
       back and the return then restores. */
    run("fpu disabled for the return", FPCCR_ASPEN | FPCCR_LSPEN, USE_FP | NO_FPU_AT_END);

    /* The lazy save refused by the MPU (a read-only region): MemManage
       MLSPERR, taken before the FP instruction. */
    MPU_RNR = 0;
    MPU_RBAR = 0x38080000u | (3u << 1) | 1u; /* read-only for all, XN */
    MPU_RLAR = 0x380800e0u | 1u;
    MPU_CTRL = 5; /* ENABLE | PRIVDEFENA */
    __asm__ volatile("dsb\n isb");
    bad_fpcar = 0x38080000u;
    run("lazy save MemManage", FPCCR_ASPEN | FPCCR_LSPEN, USE_FP | BAD_FPCAR);
    MPU_CTRL = 0;
    __asm__ volatile("dsb\n isb");

    /* The interrupted context unprivileged (FPCCR.USER). */
    SCB_CCR |= 2;
    run_as("unprivileged owner, lazy", FPCCR_ASPEN | FPCCR_LSPEN, USE_FP, 1);
    /* The handler makes the FPU privileged-only before its first FP
       instruction: the unprivileged owner's save is refused (NOCP). The
       UsageFault (0xa0) cannot preempt IRQ 0 (0x80), so the instruction goes
       on with LSPACT cleared and nothing saved; the fault is taken when IRQ 0
       returns (tail-chained), and the thread gets back whatever the frame's
       slots held: the fill pattern. */
    run_as("unprivileged owner, FPU made privileged-only", FPCCR_ASPEN | FPCCR_LSPEN,
           USE_FP | PRIV_CPACR, 1);

    /* Software may write FPCCR's status bits; the reserved ones stay 0. */
    FPU_FPCCR = 0xffffffffu;
    rt_printf("fpccr all ones %08x\n", FPU_FPCCR & FPCCR_MASK);
    FPU_FPCCR = FPCCR_ASPEN | FPCCR_LSPEN;
    return 0;
}
