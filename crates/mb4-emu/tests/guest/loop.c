/* Speed probe: the 8-instruction loop of shared/research/emulator.md §3
   (adds; eor.w ror #3; ldr; add; str; mul.w; subs; bne), N iterations.
   Exits with the low byte of the result; prints the result. */
#include <stdint.h>
void sh_puthex(uint32_t v);
void sh_puts(const char *s);
static uint32_t buf[4];
__attribute__((noinline)) uint32_t bench_loop(uint32_t n, uint32_t *b) {
    uint32_t acc = 1, x = 3;
    __asm__ volatile(
        "1:\n"
        "adds %[acc], %[acc], %[x]\n"
        "eor.w %[x], %[x], %[acc], ror #3\n"
        "ldr r3, [%[b]]\n"
        "add %[acc], %[acc], r3\n"
        "str %[acc], [%[b]]\n"
        "mul.w %[x], %[x], %[acc]\n"
        "subs %[n], %[n], #1\n"
        "bne 1b\n"
        : [acc] "+r"(acc), [x] "+r"(x), [n] "+r"(n)
        : [b] "r"(b)
        : "r3", "cc", "memory");
    return acc ^ x;
}
#ifndef LOOP_N
#define LOOP_N 1000
#endif
int main(void) {
    uint32_t r = bench_loop(LOOP_N, buf);
    sh_puthex(r);
    sh_puts("\n");
    return 0;
}
