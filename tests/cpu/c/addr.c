/* Every load/store addressing mode on a scratch buffer: immediate offsets
   (positive, negative, 16- and 32-bit encodings), pre-indexed and
   post-indexed writeback, register offsets with LSL #0-3, byte/halfword/
   signed loads, LDRD/STRD, LDM/STM/PUSH/POP, literal loads, TBB/TBH, and
   unaligned word/halfword accesses (allowed when CCR.UNALIGN_TRP is 0).
   Prints loaded values and the final base registers relative to the buffer. */
#include "rt.h"

static uint8_t buf[256] __attribute__((aligned(8)));

static void fill(void) {
    for (int i = 0; i < 256; i++) buf[i] = (uint8_t)(i * 7 + 0x81);
}

static uint32_t sum_buf(void) {
    uint32_t s = 0;
    for (int i = 0; i < 256; i++) s = s * 33 + buf[i];
    return s;
}

#define B ((uint32_t)buf)

int main(void) {
    uint32_t a, b, c, d, base;
    fill();

    /* immediate offsets */
    base = B + 64;
    __asm__ volatile("ldr %0, [%4, #4]\n ldr.w %1, [%4, #1020-960]\n ldr %2, [%4, #-12]\n ldrb %3, [%4, #-255+200]"
                     : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(d) : "r"(base));
    rt_printf("imm: %08x %08x %08x %08x\n", a, b, c, d);
    __asm__ volatile("ldrh %0, [%4, #2]\n ldrsh %1, [%4, #6]\n ldrsb %2, [%4, #-1]\n ldrsb.w %3, [%4, #100]"
                     : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(d) : "r"(base));
    rt_printf("imm-h/s: %08x %08x %08x %08x\n", a, b, c, d);
    /* 16-bit encodings with low registers */
    __asm__ volatile("ldr %0, [%4, #124]\n ldrh %1, [%4, #62]\n ldrb %2, [%4, #31]\n ldr %3, [%4, #0]"
                     : "=&l"(a), "=&l"(b), "=&l"(c), "=&l"(d) : "l"(base));
    rt_printf("t16: %08x %08x %08x %08x\n", a, b, c, d);

    /* pre-indexed and post-indexed with writeback */
    base = B + 128;
    __asm__ volatile("ldr %0, [%2, #8]!\n ldr %1, [%2], #-20" : "=&r"(a), "=&r"(b), "+r"(base));
    rt_printf("wb ldr: %08x %08x base %d\n", a, b, (int)(base - B));
    __asm__ volatile("ldrb %0, [%2, #-3]!\n ldrsh %1, [%2], #255" : "=&r"(a), "=&r"(b), "+r"(base));
    rt_printf("wb ldrb/sh: %08x %08x base %d\n", a, b, (int)(base - B));
    base = B + 32;
    __asm__ volatile("strb %1, [%0, #1]!\n strh %1, [%0], #6\n str %1, [%0, #-4]!\n str %1, [%0], #12"
                     : "+r"(base) : "r"(0xdeadbeefu) : "memory");
    rt_printf("wb str: base %d buf %08x\n", (int)(base - B), sum_buf());

    /* register offsets */
    base = B;
    for (uint32_t sh = 0; sh < 4; sh++) {
        uint32_t idx = 5;
        switch (sh) {
        case 0: __asm__ volatile("ldr %0, [%2, %3]\n ldrsb %1, [%2, %3]" : "=&r"(a), "=&r"(b) : "r"(base), "r"(idx)); break;
        case 1: __asm__ volatile("ldr %0, [%2, %3, lsl #1]\n ldrh %1, [%2, %3, lsl #1]" : "=&r"(a), "=&r"(b) : "r"(base), "r"(idx)); break;
        case 2: __asm__ volatile("ldr %0, [%2, %3, lsl #2]\n ldrsh %1, [%2, %3, lsl #2]" : "=&r"(a), "=&r"(b) : "r"(base), "r"(idx)); break;
        case 3: __asm__ volatile("ldr %0, [%2, %3, lsl #3]\n ldrb %1, [%2, %3, lsl #3]" : "=&r"(a), "=&r"(b) : "r"(base), "r"(idx)); break;
        }
        rt_printf("reg lsl%u: %08x %08x\n", sh, a, b);
    }
    __asm__ volatile("str %0, [%1, %2, lsl #2]\n strb %0, [%1, %2]\n strh %0, [%1, %2, lsl #3]"
                     ::"r"(0x01234567u), "r"(B), "r"(9u) : "memory");
    rt_printf("reg str: %08x\n", sum_buf());

    /* LDRD/STRD */
    base = B + 80;
    __asm__ volatile("ldrd %0, %1, [%2, #-8]" : "=&r"(a), "=&r"(b) : "r"(base));
    rt_printf("ldrd: %08x %08x\n", a, b);
    __asm__ volatile("ldrd %0, %1, [%2, #16]!" : "=&r"(a), "=&r"(b), "+r"(base));
    rt_printf("ldrd pre: %08x %08x base %d\n", a, b, (int)(base - B));
    __asm__ volatile("ldrd %0, %1, [%2], #-40" : "=&r"(a), "=&r"(b), "+r"(base));
    rt_printf("ldrd post: %08x %08x base %d\n", a, b, (int)(base - B));
    __asm__ volatile("strd %1, %2, [%0, #8]!\n strd %2, %1, [%0], #-4" : "+r"(base) : "r"(0xaaaa5555u), "r"(0x0f0f0f0fu) : "memory");
    rt_printf("strd: base %d buf %08x\n", (int)(base - B), sum_buf());

    /* LDM/STM */
    {
        register uint32_t r0 __asm__("r0");
        register uint32_t r1 __asm__("r1");
        register uint32_t r2 __asm__("r2");
        register uint32_t r3 __asm__("r3");
        base = B + 160;
        __asm__ volatile("ldmia %4!, {r0-r3}" : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3), "+r"(base));
        rt_printf("ldmia!: %08x %08x %08x %08x base %d\n", r0, r1, r2, r3, (int)(base - B));
        __asm__ volatile("ldmdb %4!, {r0, r2, r3}\n mov r1, #0" : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3), "+r"(base));
        rt_printf("ldmdb!: %08x %08x %08x %08x base %d\n", r0, r1, r2, r3, (int)(base - B));
        __asm__ volatile("ldmia.w %4, {r0-r1, r3}\n mov r2, #0" : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(base));
        rt_printf("ldmia: %08x %08x %08x %08x\n", r0, r1, r2, r3);
    }
    base = B + 200;
    __asm__ volatile("mov r0, #1\n mov r1, #2\n mov r2, #3\n stmdb %0!, {r0-r2}\n stmia %0!, {r1, r2}"
                     : "+r"(base) : : "r0", "r1", "r2", "memory");
    rt_printf("stm: base %d buf %08x\n", (int)(base - B), sum_buf());
    /* PUSH/POP round trip, including LR and a 16-bit POP of PC */
    __asm__ volatile("mov r0, #0x11\n mov r1, #0x22\n push {r0, r1, lr}\n mov r0, #0\n mov r1, #0\n"
                     "pop {r0, r1, lr}\n add %0, r0, r1\n"
                     "push {lr}\n bl 1f\n b 2f\n 1: push {r4, lr}\n mov r4, #5\n add %0, r4\n pop {r4, pc}\n 2: pop {lr}"
                     : "=&r"(a) : : "r0", "r1", "r4", "lr", "memory");
    rt_printf("push/pop: %08x\n", a);

    /* literal loads */
    __asm__ volatile("ldr %0, =0xcafef00d\n ldr.w %1, 1f\n ldrh.w %2, 1f\n ldrsb.w %3, 1f\n b 2f\n .balign 4\n 1: .word 0x8badf00d\n .ltorg\n 2:"
                     : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(d));
    rt_printf("literal: %08x %08x %08x %08x\n", a, b, c, d);

    /* TBB / TBH */
    for (uint32_t i = 0; i < 4; i++) {
        __asm__ volatile("tbb [pc, %1]\n"
                         "1: .byte (2f-1b)/2, (3f-1b)/2, (4f-1b)/2, (5f-1b)/2\n"
                         "2: mov %0, #10\n b 6f\n"
                         "3: mov %0, #11\n b 6f\n"
                         "4: mov %0, #12\n b 6f\n"
                         "5: mov %0, #13\n"
                         "6:"
                         : "=r"(a) : "r"(i));
        __asm__ volatile("tbh [pc, %1, lsl #1]\n"
                         "1: .hword (2f-1b)/2, (3f-1b)/2, (4f-1b)/2, (5f-1b)/2\n"
                         "2: mov %0, #20\n b 6f\n"
                         "3: mov %0, #21\n b 6f\n"
                         "4: mov %0, #22\n b 6f\n"
                         "5: mov %0, #23\n"
                         "6:"
                         : "=r"(b) : "r"(i));
        rt_printf("tbb/tbh %u: %u %u\n", i, a, b);
    }

    /* unaligned word and halfword (CCR.UNALIGN_TRP clear) */
    SCB_CCR &= ~CCR_UNALIGN_TRP;
    for (uint32_t off = 1; off < 4; off++) {
        uint32_t p = B + 100 + off;
        __asm__ volatile("ldr %0, [%3]\n ldrh %1, [%3, #1]\n ldrsh.w %2, [%3, #3]" : "=&r"(a), "=&r"(b), "=&r"(c) : "r"(p));
        __asm__ volatile("str %1, [%0, #8]\n strh %1, [%0, #13]" ::"r"(p), "r"(0x89abcdefu) : "memory");
        rt_printf("unaligned +%u: %08x %08x %08x\n", off, a, b, c);
    }
    /* unprivileged loads/stores behave as plain ones in privileged code */
    base = B + 12;
    __asm__ volatile("ldrt %0, [%2, #4]\n strbt %1, [%2, #1]" : "=&r"(a) : "r"(0x5au), "r"(base) : "memory");
    rt_printf("ldrt: %08x\n", a);
    /* PLD/PLI are hints only */
    __asm__ volatile("pld [%0, #32]\n pli [%0, #-8]\n pld [%0, %0]" ::"r"(base));
    rt_printf("final buf %08x\n", sum_buf());
    return 0;
}
