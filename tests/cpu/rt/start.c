/* Start-up for the CPU test programs: vector table, reset, default exception
   handlers, semihosting output. Runs unchanged on QEMU mps2-an505 (secure
   state; the program never touches the Security Extension) and on mb4
   bare-m33. */
#include <stdarg.h>
#include "rt.h"

extern uint32_t _data_start, _data_end, _data_load, _bss_start, _bss_end, _stack_top;
int main(void);
void rt_reset(void) __attribute__((noreturn));
void rt_default_entry(void);

/* Every handler is weak: a program defines the ones it wants. The default
   reports the exception with CFSR/HFSR and the stacked PC, then exits. */
#define WEAK_DEFAULT __attribute__((weak, alias("rt_default_entry")))
void nmi_handler(void) WEAK_DEFAULT;
void hardfault_handler(void) WEAK_DEFAULT;
void memmanage_handler(void) WEAK_DEFAULT;
void busfault_handler(void) WEAK_DEFAULT;
void usagefault_handler(void) WEAK_DEFAULT;
void securefault_handler(void) WEAK_DEFAULT;
void svc_handler(void) WEAK_DEFAULT;
void debugmon_handler(void) WEAK_DEFAULT;
void pendsv_handler(void) WEAK_DEFAULT;
void systick_handler(void) WEAK_DEFAULT;
/* All external interrupts share one entry; it reads IPSR to know which. */
void irq_handler(void) WEAK_DEFAULT;

#define RT_NUM_IRQS 64
#define IRQ8 irq_handler, irq_handler, irq_handler, irq_handler, \
             irq_handler, irq_handler, irq_handler, irq_handler
__attribute__((section(".vectors"), used)) void (*const rt_vectors[16 + RT_NUM_IRQS])(void) = {
    (void (*)(void))&_stack_top,
    rt_reset,
    nmi_handler,
    hardfault_handler,
    memmanage_handler,
    busfault_handler,
    usagefault_handler,
    securefault_handler,
    0,
    0,
    0,
    svc_handler,
    debugmon_handler,
    0,
    pendsv_handler,
    systick_handler,
    IRQ8, IRQ8, IRQ8, IRQ8, IRQ8, IRQ8, IRQ8, IRQ8,
};

/* ---- semihosting output ---- */

void rt_putc(char c) { semihost(SYS_WRITEC, &c); }

void rt_puts(const char *s) { semihost(SYS_WRITE0, s); }

/* SYS_WRITE needs a handle: the console is opened once as ":tt" for writing
   (mode 4), the way the semihosting specification says. */
static int32_t console = -1;

void rt_write(const char *s, uint32_t n) {
    if (console < 0) {
        uint32_t open[3] = {(uint32_t)":tt", 4, 3};
        console = (int32_t)semihost(SYS_OPEN, open);
    }
    uint32_t block[3] = {(uint32_t)console, (uint32_t)s, n};
    semihost(SYS_WRITE, block);
}

void rt_exit(int code) {
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
    semihost(SYS_EXIT_EXTENDED, block);
    for (;;) {
    }
}

struct outbuf {
    char b[128];
    uint32_t n;
};

static void ob_flush(struct outbuf *o) {
    if (o->n) rt_write(o->b, o->n);
    o->n = 0;
}

static void ob_put(struct outbuf *o, char c) {
    o->b[o->n++] = c;
    if (o->n == sizeof o->b || c == '\n') ob_flush(o);
}

static void ob_num(struct outbuf *o, uint32_t v, unsigned base, int width, char pad, int neg) {
    char tmp[12];
    int i = 0;
    do {
        tmp[i++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg) tmp[i++] = '-';
    while (width-- > i) ob_put(o, pad);
    while (i) ob_put(o, tmp[--i]);
}

void rt_printf(const char *fmt, ...) {
    struct outbuf o;
    o.n = 0;
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            ob_put(&o, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0;
        if (*fmt == '0') pad = '0';
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        if (*fmt == 'l') fmt++;
        switch (*fmt) {
        case 'd': {
            int32_t v = va_arg(ap, int32_t);
            ob_num(&o, v < 0 ? -(uint32_t)v : (uint32_t)v, 10, width, pad, v < 0);
            break;
        }
        case 'u': ob_num(&o, va_arg(ap, uint32_t), 10, width, pad, 0); break;
        case 'x': ob_num(&o, va_arg(ap, uint32_t), 16, width, pad, 0); break;
        case 'c': ob_put(&o, (char)va_arg(ap, int)); break;
        case 's':
            for (const char *s = va_arg(ap, const char *); *s; s++) ob_put(&o, *s);
            break;
        case '%': ob_put(&o, '%'); break;
        default: ob_put(&o, '?'); break;
        }
    }
    va_end(ap);
    ob_flush(&o);
}

/* ---- exceptions ---- */

int (*rt_fault_hook)(uint32_t exc, struct frame *f, uint32_t exc_return);

static const char *exc_name(uint32_t n) {
    switch (n) {
    case 2: return "NMI";
    case 3: return "HardFault";
    case 4: return "MemManage";
    case 5: return "BusFault";
    case 6: return "UsageFault";
    case 7: return "SecureFault";
    case 11: return "SVCall";
    case 12: return "DebugMonitor";
    case 14: return "PendSV";
    case 15: return "SysTick";
    default: return n >= 16 ? "IRQ" : "reserved";
    }
}

__attribute__((used)) void rt_default_c(struct frame *f, uint32_t exc_return) {
    uint32_t exc = rt_ipsr() & 0x1ff;
    if (rt_fault_hook && rt_fault_hook(exc, f, exc_return)) return;
    uint32_t cfsr = SCB_CFSR, hfsr = SCB_HFSR;
    rt_printf("unhandled exception %u (%s): CFSR=%08x HFSR=%08x PC=%08x LR=%08x xPSR=%08x",
              exc, exc_name(exc), cfsr, hfsr, f->pc, f->lr, f->xpsr);
    if (cfsr & (1u << 15)) rt_printf(" BFAR=%08x", SCB_BFAR);
    if (cfsr & (1u << 7)) rt_printf(" MMFAR=%08x", SCB_MMFAR);
    rt_printf("\n");
    rt_exit(0x80 | (int)exc);
}

/* Finds the stacked frame (MSP or PSP by EXC_RETURN.SPSEL) and keeps
   EXC_RETURN so that a hook that resumes returns through it. */
__attribute__((naked)) void rt_default_entry(void) {
    __asm__ volatile(
        "tst lr, #4\n"
        "ite eq\n"
        "mrseq r0, msp\n"
        "mrsne r0, psp\n"
        "mov r1, lr\n"
        "push {r1, lr}\n"
        "bl rt_default_c\n"
        "pop {r1, pc}\n");
}

void rt_reset(void) {
    /* FPU on (CP10/CP11 full access) before any compiled FP code runs. */
    SCB_CPACR |= 0xfu << 20;
    __asm__ volatile("dsb\n isb" ::: "memory");
    uint32_t *src = &_data_load;
    for (uint32_t *d = &_data_start; d < &_data_end;) *d++ = *src++;
    for (uint32_t *d = &_bss_start; d < &_bss_end;) *d++ = 0;
    rt_exit(main());
}
