/* Stack limit checks (PSPLIM/MSPLIM): lowering SP below the limit with an
   ALU instruction, a push, a store with writeback or a VPUSH-like transfer is
   a UsageFault (STKOF) and leaves SP unchanged. The output must match QEMU's. */
#include <stdint.h>
void sh_puts(const char *s);
void sh_puthex(uint32_t v);

#define CFSR (*(volatile uint32_t *)0xE000ED28)
#define SHCSR (*(volatile uint32_t *)0xE000ED24)

static volatile uint32_t log_[8];
static volatile int n;

__attribute__((naked)) void usagefault_handler(void) {
    __asm__ volatile("mrs r0, msp\n b uf_c\n");
}

__attribute__((used)) void uf_c(uint32_t *frame) {
    (void)frame;
    uint32_t c = CFSR;
    if (n < 8) log_[n++] = c;
    CFSR = c;
    /* The faulting instruction is 32-bit; it is on the process stack's frame. */
    uint32_t psp;
    __asm__ volatile("mrs %0, psp" : "=r"(psp));
    ((uint32_t *)psp)[6] += 4;
}

static uint32_t pstack[64] __attribute__((aligned(8)));

int main(void) {
    SHCSR |= 1u << 18;
    uint32_t lim = (uint32_t)&pstack[32];
    __asm__ volatile("msr psp, %0\n msr psplim, %1" ::"r"(&pstack[64]), "r"(lim));
    uint32_t rb;
    __asm__ volatile("mrs %0, psplim" : "=r"(rb));
    uint32_t sp0, sp1, sp2, sp3, sp4;
    __asm__ volatile("mrs r0, control\n orr r0, r0, #2\n msr control, r0\n isb" ::: "r0");
    /* Start 40 bytes above the limit: exception frames (32 bytes) still fit. */
    __asm__ volatile("mov sp, %0" ::"r"(lim + 40));
    __asm__ volatile("mov %0, sp" : "=r"(sp0));
    __asm__ volatile("sub.w sp, sp, #40\n mov %0, sp\n add.w sp, sp, #40" : "=r"(sp1)); /* fine */
    __asm__ volatile("sub.w sp, sp, #44\n mov %0, sp" : "=r"(sp2));                       /* STKOF */
    __asm__ volatile("stmdb sp!, {r0-r11}\n mov %0, sp" : "=r"(sp3) :: "memory");         /* STKOF */
    __asm__ volatile("str.w r0, [sp, #-44]!\n mov %0, sp" : "=r"(sp4) :: "memory");       /* STKOF */
    __asm__ volatile("mrs r0, control\n bic r0, r0, #2\n msr control, r0\n isb" ::: "r0");
    sh_puts("psplim readback ");
    sh_puthex(rb == lim);
    sh_puts("\nsp deltas ");
    sh_puthex(sp0 - sp1);
    sh_puts(" ");
    sh_puthex(sp0 - sp2);
    sh_puts(" ");
    sh_puthex(sp0 - sp3);
    sh_puts(" ");
    sh_puthex(sp0 - sp4);
    sh_puts("\nfaults");
    for (int i = 0; i < n; i++) {
        sh_puts(" ");
        sh_puthex(log_[i]);
    }
    sh_puts("\n");
    return 0;
}
