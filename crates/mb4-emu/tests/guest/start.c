/* Minimal start-up and semihosting for the mb4-emu guest tests. */
#include <stdint.h>

extern uint32_t _data_start, _data_end, _data_load, _bss_start, _bss_end, _stack_top;
int main(void);
void reset_handler(void);
void default_handler(void);
void svc_handler(void) __attribute__((weak, alias("default_handler")));
void systick_handler(void) __attribute__((weak, alias("default_handler")));
void hardfault_handler(void) __attribute__((weak, alias("default_handler")));
void usagefault_handler(void) __attribute__((weak, alias("default_handler")));
void busfault_handler(void) __attribute__((weak, alias("default_handler")));
void memmanage_handler(void) __attribute__((weak, alias("default_handler")));
void pendsv_handler(void) __attribute__((weak, alias("default_handler")));
void irq_handler(void) __attribute__((weak, alias("default_handler")));

#define IRQ4 irq_handler, irq_handler, irq_handler, irq_handler
__attribute__((section(".vectors"), used)) void (*const vectors[16 + 32])(void) = {
    (void (*)(void))&_stack_top, reset_handler, default_handler, hardfault_handler,
    memmanage_handler, busfault_handler, usagefault_handler, 0, 0, 0, 0, svc_handler,
    default_handler, 0, pendsv_handler, systick_handler,
    IRQ4, IRQ4, IRQ4, IRQ4, IRQ4, IRQ4, IRQ4, IRQ4,
};

static inline uint32_t semihost(uint32_t op, const void *arg) {
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void sh_puts(const char *s) { semihost(0x04, s); }

void sh_putc(char c) { semihost(0x03, &c); }

void sh_exit(int code) {
    uint32_t block[2] = {0x20026, (uint32_t)code};
    semihost(0x20, block);
    for (;;) {
    }
}

void sh_puthex(uint32_t v) {
    char buf[11] = "0x";
    for (int i = 0; i < 8; i++) {
        buf[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
    }
    buf[10] = 0;
    sh_puts(buf);
}

void sh_putdec(int32_t v) {
    char buf[12];
    int i = 11;
    uint32_t u = v < 0 ? -(uint32_t)v : (uint32_t)v;
    buf[i] = 0;
    do {
        buf[--i] = '0' + u % 10;
        u /= 10;
    } while (u);
    if (v < 0) buf[--i] = '-';
    sh_puts(&buf[i]);
}

void default_handler(void) {
    sh_puts("unexpected exception\n");
    sh_exit(99);
}

void reset_handler(void) {
#ifdef __ARM_FP
    /* Grant CP10/CP11 (the FPU) full access before any FP instruction. */
    *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;
    __asm__ volatile("dsb; isb");
#endif
    uint32_t *src = &_data_load;
    for (uint32_t *d = &_data_start; d < &_data_end;) *d++ = *src++;
    for (uint32_t *d = &_bss_start; d < &_bss_end;) *d++ = 0;
    sh_exit(main());
}
