/* UDIV/SDIV: edge operands including INT_MIN / -1; divide by zero giving 0
   with CCR.DIV_0_TRP clear, and a UsageFault (CFSR.DIVBYZERO) with it set,
   both with UsageFault enabled and (escalated to HardFault) disabled. */
#include "rt.h"

static const uint32_t vals[] = {0, 1, 2, 3, 7, 0x7fffffff, 0x80000000, 0x80000001,
                                0xffffffff, 0xfffffffe, 0x12345678, 0xfffffff9, 0x10000};
#define NV (sizeof vals / sizeof vals[0])

static uint32_t udiv(uint32_t a, uint32_t b) {
    uint32_t r;
    __asm__ volatile("udiv %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
static uint32_t sdiv(uint32_t a, uint32_t b) {
    uint32_t r;
    __asm__ volatile("sdiv %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static volatile uint32_t faults;

/* Records the fault, makes the divide "return" 0xdead and skips it. */
static int hook(uint32_t exc, struct frame *f, uint32_t exc_return) {
    (void)exc_return;
    uint32_t cfsr = SCB_CFSR, hfsr = SCB_HFSR;
    rt_printf("  fault exc=%u CFSR=%08x HFSR=%08x insn=%04x\n", exc, cfsr, hfsr,
              *(uint16_t *)f->pc & 0xfff0);
    SCB_CFSR = cfsr; /* write-one-to-clear */
    SCB_HFSR = hfsr;
    f->pc += rt_insn_len(f->pc);
    faults++;
    return 1;
}

int main(void) {
    uint32_t sum = 0;
    for (uint32_t i = 0; i < NV; i++) {
        rt_printf("%08x:", vals[i]);
        for (uint32_t j = 0; j < NV; j++) {
            uint32_t u = udiv(vals[i], vals[j]), s = sdiv(vals[i], vals[j]);
            rt_printf(" %x,%x", u, s);
            sum = sum * 31 + u * 7 + s;
        }
        rt_printf("\n");
    }
    rt_printf("div0 no trap: %x %x\n", udiv(5, 0), sdiv(0x80000000, 0));
    rt_fault_hook = hook;
    SCB_CCR |= CCR_DIV_0_TRP;
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    rt_printf("trap, UsageFault enabled:\n");
    /* The destination of a faulting divide keeps whatever the register held,
       which depends on the compiler: only the fault is printed. */
    (void)udiv(5, 0);
    (void)sdiv(5, 0);
    rt_printf("  nonzero divisor %x\n", sdiv(-9, 2));
    SCB_SHCSR &= ~SHCSR_USGFAULTENA;
    rt_printf("trap, UsageFault disabled (escalates):\n");
    (void)udiv(1, 0);
    SCB_CCR &= ~CCR_DIV_0_TRP;
    rt_printf("trap off again: %x faults=%u\n", udiv(1, 0), faults);
    rt_printf("checksum %08x\n", sum);
    return 0;
}
