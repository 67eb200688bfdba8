/* Exclusive access: LDREX/STREX (word, byte, halfword), CLREX, a STREX with
   no LDREX, a STREX to another address, the monitor after an exception (the
   ARMv8-M ARM clears the local monitor on exception entry and return), and
   the load-acquire/store-release family (LDA/STL, LDAEX/STLEX). */
#include "rt.h"

static volatile uint32_t w[4] __attribute__((aligned(8))) = {0x11111111, 0x22222222, 0x33333333, 0x44444444};

static uint32_t ldrex(volatile uint32_t *p) {
    uint32_t v;
    __asm__ volatile("ldrex %0, [%1]" : "=r"(v) : "r"(p) : "memory");
    return v;
}
static uint32_t strex(volatile uint32_t *p, uint32_t v) {
    uint32_t r;
    __asm__ volatile("strex %0, %2, [%1]" : "=&r"(r) : "r"(p), "r"(v) : "memory");
    return r;
}

void svc_handler(void) {}

int main(void) {
    uint32_t v, r1, r2;
    v = ldrex(&w[0]);
    r1 = strex(&w[0], v + 1);
    r2 = strex(&w[0], v + 2); /* monitor already cleared by the first STREX */
    rt_printf("ldrex/strex: %08x %u %u -> %08x\n", v, r1, r2, w[0]);

    __asm__ volatile("clrex");
    r1 = strex(&w[1], 5);
    rt_printf("strex without ldrex: %u -> %08x\n", r1, w[1]);

    v = ldrex(&w[2]);
    __asm__ volatile("clrex");
    r1 = strex(&w[2], 9);
    rt_printf("clrex between: %u -> %08x\n", r1, w[2]);

    v = ldrex(&w[3]);
    __asm__ volatile("svc #0");
    r1 = strex(&w[3], 0xabc);
    rt_printf("exception between: %u -> %08x\n", r1, w[3]);

    /* byte and halfword */
    volatile uint8_t *b = (volatile uint8_t *)&w[1];
    volatile uint16_t *h = (volatile uint16_t *)&w[2];
    uint32_t bv, hv;
    __asm__ volatile("ldrexb %0, [%1]" : "=r"(bv) : "r"(b + 1) : "memory");
    __asm__ volatile("strexb %0, %2, [%1]" : "=&r"(r1) : "r"(b + 1), "r"(0xfe) : "memory");
    __asm__ volatile("ldrexh %0, [%1]" : "=r"(hv) : "r"(h + 1) : "memory");
    __asm__ volatile("strexh %0, %2, [%1]" : "=&r"(r2) : "r"(h + 1), "r"(0xbeef) : "memory");
    rt_printf("ldrexb/h: %x %u %x %u -> %08x %08x\n", bv, r1, hv, r2, w[1], w[2]);

    /* ldrex with offset */
    __asm__ volatile("ldrex %0, [%1, #4]" : "=r"(v) : "r"(&w[0]) : "memory");
    __asm__ volatile("strex %0, %2, [%1, #4]" : "=&r"(r1) : "r"(&w[0]), "r"(0x600d) : "memory");
    rt_printf("ldrex offset: %08x %u -> %08x\n", v, r1, w[1]);

    /* acquire/release */
    uint32_t a, c, d;
    __asm__ volatile("lda %0, [%3]\n ldab %1, [%3]\n ldah %2, [%3]" : "=&r"(a), "=&r"(c), "=&r"(d) : "r"(&w[3]) : "memory");
    rt_printf("lda/ldab/ldah: %08x %x %x\n", a, c, d);
    __asm__ volatile("stl %0, [%1]\n stlb %0, [%2]\n stlh %0, [%3]" ::"r"(0x87654321u), "r"(&w[0]), "r"(b), "r"(h) : "memory");
    rt_printf("stl/stlb/stlh: %08x %08x %08x\n", w[0], w[1], w[2]);
    __asm__ volatile("ldaex %0, [%2]\n stlex %1, %3, [%2]" : "=&r"(a), "=&r"(r1) : "r"(&w[3]), "r"(0x1234u) : "memory");
    rt_printf("ldaex/stlex: %08x %u -> %08x\n", a, r1, w[3]);
    __asm__ volatile("ldaexb %0, [%2]\n stlexb %1, %3, [%2]" : "=&r"(a), "=&r"(r1) : "r"(b), "r"(0x77u) : "memory");
    __asm__ volatile("ldaexh %0, [%2]\n stlexh %1, %3, [%2]" : "=&r"(c), "=&r"(r2) : "r"(h), "r"(0x7777u) : "memory");
    rt_printf("ldaexb/h: %x %u %x %u -> %08x %08x\n", a, r1, c, r2, w[1], w[2]);
    /* a typical atomic increment loop */
    for (int i = 0; i < 10; i++) {
        do {
            v = ldrex(&w[0]);
        } while (strex(&w[0], v + 3));
    }
    rt_printf("atomic add: %08x\n", w[0]);
    return 0;
}
