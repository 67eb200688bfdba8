/* The test runtime: semihosting output and exit, register access helpers.
   Programs print values (hex), never only "PASS": their output is compared
   byte for byte between QEMU and the mb4 emulator. */
#ifndef RT_H
#define RT_H
#include <stdint.h>

/* ARM semihosting (BKPT 0xAB in Thumb state). */
#define SYS_OPEN 0x01
#define SYS_WRITEC 0x03
#define SYS_WRITE0 0x04
#define SYS_WRITE 0x05
#define SYS_EXIT 0x18
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static inline uint32_t semihost(uint32_t op, const void *arg) {
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void rt_putc(char c);                /* SYS_WRITEC */
void rt_puts(const char *s);         /* SYS_WRITE0 */
void rt_write(const char *s, uint32_t n); /* SYS_WRITE to fd 1 */
/* printf subset: %d %u %x %08x %c %s %%, also l and width/zero-pad. */
/* No format attribute: uint32_t is `long` here and %x is meant for it. */
void rt_printf(const char *fmt, ...);
void rt_exit(int code) __attribute__((noreturn)); /* SYS_EXIT_EXTENDED */

/* Memory-mapped registers. */
#define REG32(a) (*(volatile uint32_t *)(a))
#define REG8(a) (*(volatile uint8_t *)(a))
#define SCB_ICSR REG32(0xE000ED04)
#define SCB_VTOR REG32(0xE000ED08)
#define SCB_AIRCR REG32(0xE000ED0C)
#define SCB_SCR REG32(0xE000ED10)
#define SCB_CCR REG32(0xE000ED14)
#define SCB_SHPR1 REG32(0xE000ED18)
#define SCB_SHPR2 REG32(0xE000ED1C)
#define SCB_SHPR3 REG32(0xE000ED20)
#define SCB_SHCSR REG32(0xE000ED24)
#define SCB_CFSR REG32(0xE000ED28)
#define SCB_HFSR REG32(0xE000ED2C)
#define SCB_MMFAR REG32(0xE000ED34)
#define SCB_BFAR REG32(0xE000ED38)
#define SCB_CPACR REG32(0xE000ED88)
#define FPU_FPCCR REG32(0xE000EF34)
#define FPU_FPCAR REG32(0xE000EF38)
#define FPU_FPDSCR REG32(0xE000EF3C)
#define SYST_CSR REG32(0xE000E010)
#define SYST_RVR REG32(0xE000E014)
#define SYST_CVR REG32(0xE000E018)
#define NVIC_ISER(n) REG32(0xE000E100 + 4 * (n))
#define NVIC_ICER(n) REG32(0xE000E180 + 4 * (n))
#define NVIC_ISPR(n) REG32(0xE000E200 + 4 * (n))
#define NVIC_ICPR(n) REG32(0xE000E280 + 4 * (n))
#define NVIC_IABR(n) REG32(0xE000E300 + 4 * (n))
#define NVIC_IPR(n) REG8(0xE000E400 + (n))
#define NVIC_STIR REG32(0xE000EF00)

/* CCR bits */
#define CCR_UNALIGN_TRP (1u << 3)
#define CCR_DIV_0_TRP (1u << 4)
/* SHCSR enables */
#define SHCSR_MEMFAULTENA (1u << 16)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_USGFAULTENA (1u << 18)

/* The stacked basic frame. */
struct frame {
    uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr;
};

/* A program may install a recovery hook for faults: called with the exception
   number and the stacked frame; returning nonzero resumes (the hook usually
   advances frame->pc past the faulting instruction); zero falls through to
   the default report-and-exit. */
extern int (*rt_fault_hook)(uint32_t exc, struct frame *f, uint32_t exc_return);

/* Length in bytes of the Thumb instruction at addr (2 or 4). */
static inline uint32_t rt_insn_len(uint32_t addr) {
    uint16_t hw = *(volatile uint16_t *)addr;
    return ((hw >> 11) >= 0x1d) ? 4 : 2;
}

static inline uint32_t rt_ipsr(void) {
    uint32_t v;
    __asm__ volatile("mrs %0, ipsr" : "=r"(v));
    return v;
}

#endif
