/* Exception model: SVC with a modified frame, PendSV tail-chaining, NVIC
   priorities and masking (PRIMASK, BASEPRI), SysTick with WFI, UsageFault and
   its escalation to HardFault, CONTROL/PSP and unprivileged Thread mode.
   Prints what happened, in order; the output must match QEMU's. */
#include <stdint.h>
void sh_puts(const char *s);
void sh_puthex(uint32_t v);
void sh_putdec(int32_t v);

#define REG(a) (*(volatile uint32_t *)(a))
#define ICSR REG(0xE000ED04)
#define AIRCR REG(0xE000ED0C)
#define CCR REG(0xE000ED14)
#define SHPR3 REG(0xE000ED20)
#define SHPR2 REG(0xE000ED1C)
#define SHCSR REG(0xE000ED24)
#define CFSR REG(0xE000ED28)
#define HFSR REG(0xE000ED2C)
#define SYST_CSR REG(0xE000E010)
#define SYST_RVR REG(0xE000E014)
#define SYST_CVR REG(0xE000E018)
#define NVIC_ISER0 REG(0xE000E100)
#define NVIC_ICER0 REG(0xE000E180)
#define NVIC_ISPR0 REG(0xE000E200)
#define NVIC_IPR(n) (*(volatile uint8_t *)(0xE000E400 + (n)))

static volatile int ticks;
static volatile uint32_t log_[16];
static volatile int nlog;

static void note(uint32_t v) {
    if (nlog < 16) log_[nlog++] = v;
}

static void show(const char *name, uint32_t v) {
    sh_puts(name);
    sh_puts(" ");
    sh_puthex(v);
    sh_puts("\n");
}

static uint32_t ipsr(void) {
    uint32_t v;
    __asm__ volatile("mrs %0, ipsr" : "=r"(v));
    return v;
}

/* SVC: doubles the caller's r0 through the stacked frame; SVC #1 also pends PendSV. */
__attribute__((naked)) void svc_handler(void) {
    __asm__ volatile(
        "tst lr, #4\n"
        "ite eq\n"
        "mrseq r0, msp\n"
        "mrsne r0, psp\n"
        "b svc_c\n");
}

__attribute__((used)) void svc_c(uint32_t *frame) {
    uint16_t insn = *(uint16_t *)(frame[6] - 2);
    uint32_t num = insn & 0xff;
    note(0x5c0 + num);
    frame[0] *= 2;
    if (num == 1) ICSR = 1u << 28; /* PENDSVSET: runs after this returns */
    if (num == 2) {                  /* back to privileged */
        uint32_t c;
        __asm__ volatile("mrs %0, control" : "=r"(c));
        c &= ~1u;
        __asm__ volatile("msr control, %0; isb" ::"r"(c));
    }
    note(ipsr());
}

void pendsv_handler(void) { note(0x95); }

void irq_handler(void) {
    note(0x100 + ipsr() - 16);
    if (ipsr() == 16 + 3) NVIC_ISPR0 = 1u << 4; /* pends a lower-priority one */
}

void systick_handler(void) { ticks++; }

static volatile int skip_faults;

__attribute__((naked)) void usagefault_handler(void) {
    __asm__ volatile("mrs r0, msp\n b fault_c\n");
}
__attribute__((naked)) void hardfault_handler(void) {
    __asm__ volatile("mrs r0, msp\n b fault_c\n");
}

__attribute__((used)) void fault_c(uint32_t *frame) {
    note(0xf000 + ipsr());
    note(CFSR);
    note(HFSR);
    CFSR = CFSR;
    HFSR = HFSR;
    frame[6] += 4; /* skip the faulting 32-bit instruction */
}

static uint32_t svc_double(uint32_t x) {
    register uint32_t r0 __asm__("r0") = x;
    __asm__ volatile("svc #0" : "+r"(r0)::"memory");
    return r0;
}

static void dump(const char *title) {
    sh_puts(title);
    sh_puts(":");
    for (int i = 0; i < nlog; i++) {
        sh_puts(" ");
        sh_puthex(log_[i]);
    }
    sh_puts("\n");
    nlog = 0;
}

int main(void) {
    /* Priorities: SVCall 0x80, PendSV 0xc0, SysTick 0x40. */
    SHPR2 = 0x80u << 24;
    SHPR3 = (0x40u << 24) | (0xc0u << 16);

    show("svc", svc_double(21));
    dump("svc log");

    register uint32_t r0 __asm__("r0") = 5;
    __asm__ volatile("svc #1" : "+r"(r0)::"memory");
    show("svc1", r0);
    dump("tail-chain");

    /* IRQ priorities: 3 high (0x20), 4 low (0xa0), 5 middle (0x60). */
    NVIC_IPR(3) = 0x20;
    NVIC_IPR(4) = 0xa0;
    NVIC_IPR(5) = 0x60;
    NVIC_ISER0 = (1u << 3) | (1u << 4) | (1u << 5);
    __asm__ volatile("cpsid i");
    NVIC_ISPR0 = (1u << 5) | (1u << 3);
    note(0xaaa);
    __asm__ volatile("cpsie i; isb");
    dump("priority order");

    /* BASEPRI masks priorities >= its value. */
    __asm__ volatile("msr basepri, %0" ::"r"(0x60));
    NVIC_ISPR0 = 1u << 5;
    note(0xbbb);
    __asm__ volatile("msr basepri, %0; isb" ::"r"(0));
    note(0xccc);
    dump("basepri");

    /* Disabled but pending: taken once enabled. */
    NVIC_ICER0 = 1u << 5;
    NVIC_ISPR0 = 1u << 5;
    note(0xddd);
    NVIC_ISER0 = 1u << 5;
    __asm__ volatile("isb");
    dump("pending while disabled");

    /* SysTick with WFI. */
    SYST_RVR = 999;
    SYST_CVR = 0;
    SYST_CSR = 7;
    while (ticks < 5) __asm__ volatile("wfi");
    SYST_CSR = 0;
    show("ticks", ticks >= 5);

    /* UsageFault (enabled): UDF.W; divide by zero with DIV_0_TRP. */
    SHCSR |= 1u << 18;
    __asm__ volatile("udf.w #0");
    CCR |= 1u << 4;
    volatile uint32_t zero = 0;
    uint32_t q;
    __asm__ volatile("udiv.w %0, %1, %2" : "=r"(q) : "r"(7), "r"(zero));
    CCR &= ~(1u << 4);
    dump("usagefault");

    /* Escalation: UsageFault disabled -> HardFault with FORCED. */
    SHCSR &= ~(1u << 18);
    __asm__ volatile("udf.w #1");
    dump("escalated");

    /* PSP and unprivileged Thread mode; SVC #2 returns to privileged. Nothing
       is printed while unprivileged (QEMU serves semihosting only when privileged). */
    static uint32_t pstack[64] __attribute__((aligned(8)));
    __asm__ volatile("msr psp, %0" ::"r"(&pstack[64]));
    uint32_t c, c_unpriv, sp;
    __asm__ volatile("mrs %0, control" : "=r"(c));
    __asm__ volatile("msr control, %0; isb" ::"r"(c | 3));
    __asm__ volatile("mrs %0, control" : "=r"(c_unpriv));
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    r0 = 9;
    __asm__ volatile("svc #2" : "+r"(r0)::"memory");
    __asm__ volatile("mrs %0, control" : "=r"(c));
    show("control unprivileged", c_unpriv);
    show("on psp", sp <= (uint32_t)&pstack[64] && sp > (uint32_t)&pstack[0]);
    show("control after svc2", c);
    __asm__ volatile("msr control, %0; isb" ::"r"(0));
    dump("psp");
    show("done", 1);
    return 0;
}
