/* The exception model: SVC (number, frame, return value), PendSV and SysTick,
   NVIC interrupts pended through STIR and ISPR, priorities and the order
   they run in (tail-chaining, preemption, same-priority order by number),
   PRIMASK/BASEPRI/FAULTMASK masking, priority grouping (AIRCR.PRIGROUP),
   ICSR/IABR views from inside handlers, and Thread mode on PSP, unprivileged.
   Every event is logged and the log printed in order. */
#include "rt.h"

static volatile uint32_t logv[64];
static volatile uint32_t nlog;
static void note(uint32_t v) {
    if (nlog < 64) logv[nlog++] = v;
}
static void dump(const char *what) {
    rt_printf("%s:", what);
    for (uint32_t i = 0; i < nlog; i++) rt_printf(" %x", logv[i]);
    rt_printf("\n");
    nlog = 0;
}

static void set_prio(int irq, uint32_t p) { NVIC_IPR(irq) = (uint8_t)p; }
#define PRIO_MASK 0xe0u /* compare only the top 3 priority bits (DA1469x has >= 3) */

/* ---- SVC: doubles r0 in the frame; #1 pends PendSV, #2 drops privilege back */
__attribute__((naked)) void svc_handler(void) {
    __asm__ volatile(
        "tst lr, #4\n"
        "ite eq\n"
        "mrseq r0, msp\n"
        "mrsne r0, psp\n"
        "mov r1, lr\n"
        "b svc_c\n");
}
__attribute__((used)) void svc_c(struct frame *f, uint32_t exc_return) {
    uint32_t num = *(uint16_t *)(f->pc - 2) & 0xff;
    note(0x5c00 + num);
    note(exc_return & 0x1c);
    note(f->r0);
    if (num == 0) note(f->r1 + f->r2 + f->r3);
    f->r0 *= 2;
    if (num == 1) SCB_ICSR = 1u << 28;
    if (num == 2) {
        uint32_t c;
        __asm__ volatile("mrs %0, control" : "=r"(c));
        __asm__ volatile("msr control, %0\n isb" ::"r"(c & ~1u));
    }
}
static uint32_t svc0(uint32_t a, uint32_t b) {
    register uint32_t r0 __asm__("r0") = a;
    register uint32_t r1 __asm__("r1") = b;
    register uint32_t r2 __asm__("r2") = 0x100;
    register uint32_t r3 __asm__("r3") = 0x1000;
    __asm__ volatile("svc #0" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r3) : "memory");
    return r0;
}

void pendsv_handler(void) { note(0xe0 + (SCB_ICSR & 0x1ff)); }

static volatile uint32_t ticks;
void systick_handler(void) {
    if (++ticks == 5) { /* exactly five, however fast the host runs */
        SYST_CSR = 0;
        SCB_ICSR = 1u << 25; /* PENDSTCLR: a tick may have pended meanwhile */
    }
    note(0x5700 + (SCB_ICSR & 0x1ff));
}

/* IRQ behaviours by number:
   3: pends 4 (higher priority: preempts) and 5 (lower: tail-chains after)
   8: reads ICSR/IABR while 9 (same priority, higher number) is pending */
void irq_handler(void) {
    uint32_t n = rt_ipsr() - 16;
    note(0x100 + n);
    if (n == 3) {
        NVIC_STIR = 4;
        __asm__ volatile("dsb\n isb");
        NVIC_STIR = 5;
        __asm__ volatile("dsb\n isb");
        note(0x200 + n);
    }
    if (n == 8) {
        uint32_t icsr = SCB_ICSR;
        note(icsr & 0x1ff);             /* VECTACTIVE */
        note((icsr >> 12) & 0x1ff);     /* VECTPENDING */
        note((icsr >> 11) & 1);         /* RETTOBASE */
        note((icsr >> 22) & 1);         /* ISRPENDING */
        note(NVIC_IABR(0));
        note(NVIC_ISPR(0));
    }
    if (n == 10) {
        NVIC_ISPR(0) = 1u << 11; /* preempts unless 10 and 11 share a group */
        __asm__ volatile("dsb\n isb");
        note(0x300 + n);
    }
}

static void enable(int irq) { NVIC_ISER(irq / 32) = 1u << (irq % 32); }

int main(void) {
    uint32_t r;
    /* SVC */
    r = svc0(21, 1);
    note(r);
    dump("svc");

    /* PendSV after SVC returns (lowest priority) */
    SCB_SHPR3 = (SCB_SHPR3 & 0x00ffffffu) | (0xffu << 16) | (0xc0u << 24); /* PendSV ff, SysTick c0 */
    {
        register uint32_t r0 __asm__("r0") = 4;
        __asm__ volatile("svc #1" : "+r"(r0)::"memory");
        note(r0);
    }
    dump("svc+pendsv");
    rt_printf("shpr3 %08x\n", SCB_SHPR3 & 0xe0e00000u);

    /* Priorities: pend 0 (0x80), 1 (0x40), 2 (0xc0), 6 and 7 (both 0x40) with PRIMASK set */
    for (int i = 0; i < 12; i++) enable(i);
    set_prio(0, 0x80);
    set_prio(1, 0x40);
    set_prio(2, 0xc0);
    set_prio(6, 0x40);
    set_prio(7, 0x40);
    __asm__ volatile("cpsid i" ::: "memory");
    NVIC_ISPR(0) = (1u << 2) | (1u << 0) | (1u << 7);
    NVIC_STIR = 6;
    NVIC_STIR = 1;
    __asm__ volatile("dsb\n isb");
    note(NVIC_ISPR(0));
    note((SCB_ICSR >> 12) & 0x1ff);
    __asm__ volatile("cpsie i\n isb" ::: "memory");
    dump("primask order");
    rt_printf("ipr %02x %02x %02x\n", NVIC_IPR(0) & PRIO_MASK, NVIC_IPR(1) & PRIO_MASK, NVIC_IPR(2) & PRIO_MASK);

    /* Preemption and tail-chaining: 3 (0x80) pends 4 (0x20) and 5 (0xa0) */
    set_prio(3, 0x80);
    set_prio(4, 0x20);
    set_prio(5, 0xa0);
    NVIC_STIR = 3;
    __asm__ volatile("dsb\n isb");
    note(0xd0e);
    dump("nesting");

    /* Same priority: 9 pends while 8 runs; ICSR/IABR seen from 8 */
    set_prio(8, 0x60);
    set_prio(9, 0x60);
    __asm__ volatile("cpsid i" ::: "memory");
    NVIC_ISPR(0) = (1u << 8) | (1u << 9);
    __asm__ volatile("cpsie i\n isb" ::: "memory");
    dump("same priority");

    /* BASEPRI masks 0x80 and lower; BASEPRI_MAX only raises */
    __asm__ volatile("msr basepri, %0" ::"r"(0x60u));
    NVIC_STIR = 0; /* 0x80: masked */
    NVIC_STIR = 1; /* 0x40: taken */
    __asm__ volatile("dsb\n isb");
    note(0xb1);
    __asm__ volatile("msr basepri_max, %0" ::"r"(0xa0u)); /* ignored: lower */
    uint32_t bp;
    __asm__ volatile("mrs %0, basepri" : "=r"(bp));
    note(bp & PRIO_MASK);
    __asm__ volatile("msr basepri_max, %0" ::"r"(0x20u));
    __asm__ volatile("mrs %0, basepri" : "=r"(bp));
    note(bp & PRIO_MASK);
    __asm__ volatile("msr basepri, %0\n isb" ::"r"(0u));
    note(0xb2);
    dump("basepri");

    /* FAULTMASK masks everything but NMI */
    __asm__ volatile("cpsid f" ::: "memory");
    NVIC_STIR = 4;
    __asm__ volatile("dsb\n isb");
    note(0xf1);
    __asm__ volatile("cpsie f\n isb" ::: "memory");
    dump("faultmask");

    /* Disabled interrupt stays pending until enabled */
    NVIC_ICER(0) = 1u << 2;
    NVIC_STIR = 2;
    __asm__ volatile("dsb\n isb");
    note(NVIC_ISPR(0) >> 2 & 1);
    enable(2);
    __asm__ volatile("dsb\n isb");
    note(NVIC_ISPR(0) >> 2 & 1);
    dump("disabled pending");

    /* Priority grouping: PRIGROUP 5 makes bits [7:6] the group priority.
       10 (0x60) pends 11 (0x40): same group 01, no preemption. */
    set_prio(10, 0x60);
    set_prio(11, 0x40);
    SCB_AIRCR = 0x05fa0000u | (5u << 8);
    NVIC_STIR = 10;
    __asm__ volatile("dsb\n isb");
    note((SCB_AIRCR >> 8) & 7);
    SCB_AIRCR = 0x05fa0000u | (0u << 8);
    NVIC_STIR = 10;
    __asm__ volatile("dsb\n isb");
    dump("prigroup");

    /* SysTick: 5 interrupts, counted while sleeping in WFI */
    SYST_RVR = 999;
    SYST_CVR = 0;
    SYST_CSR = 7;
    while (ticks < 5) __asm__ volatile("wfi");
    note(ticks);
    note(SYST_RVR);
    dump("systick");

    /* Thread mode on PSP, unprivileged; SVC #2 returns to privileged */
    static uint32_t pstack[256] __attribute__((aligned(8)));
    __asm__ volatile("msr psp, %0" ::"r"(&pstack[256]));
    __asm__ volatile("msr control, %0\n isb" ::"r"(3u));
    uint32_t ctl;
    __asm__ volatile("mrs %0, control" : "=r"(ctl));
    note(ctl & 3);
    r = svc0(7, 2);
    note(r);
    {
        register uint32_t r0 __asm__("r0") = 1;
        __asm__ volatile("svc #2" : "+r"(r0)::"memory");
    }
    __asm__ volatile("mrs %0, control" : "=r"(ctl));
    note(ctl & 3);
    __asm__ volatile("msr control, %0\n isb" ::"r"(0u));
    __asm__ volatile("mrs %0, control" : "=r"(ctl));
    note(ctl & 3);
    dump("psp/unprivileged");
    return 0;
}
