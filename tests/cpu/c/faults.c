/* Faults as the silicon reports them: undefined instructions, unaligned
   accesses with and without CCR.UNALIGN_TRP, bus faults on data loads and
   instruction fetches from unmapped memory, an invalid EPSR.T state, and
   escalation to HardFault (fault disabled; fault at too high a priority;
   SVC where it cannot be taken). A hook reports each fault (exception number,
   CFSR, HFSR, BFAR when valid, where the stacked PC points) and resumes. */
#include "rt.h"

/* Unmapped on QEMU mps2-an505 and on bare-m33. */
#define UNMAPPED 0x60000000u

static volatile uint32_t where; /* the instruction expected to fault */
static volatile int nfaults;
static volatile int resume_after; /* resume after the faulting instruction */
uint32_t buf[4] __attribute__((aligned(8))); /* named from assembly */

static int hook(uint32_t exc, struct frame *f, uint32_t exc_return) {
    uint32_t cfsr = SCB_CFSR, hfsr = SCB_HFSR;
    rt_printf("  exc %u CFSR=%08x HFSR=%08x", exc, cfsr, hfsr);
    if (cfsr & (1u << 15)) rt_printf(" BFAR=%08x", SCB_BFAR);
    if (f->pc == where)
        rt_printf(" pc=at-insn");
    else
        rt_printf(" pc=%08x(expected %08x)", f->pc, where);
    rt_printf(" ret=%x\n", exc_return & 0x1c);
    SCB_CFSR = cfsr;
    SCB_HFSR = hfsr;
    nfaults++;
    if (cfsr & ((1u << 8) | (1u << 17))) {
        /* fetch fault or bad state: resume at the caller (BLX set LR) */
        f->pc = f->lr & ~1u;
        f->xpsr |= 1u << 24;
    } else if (resume_after) {
        f->pc += rt_insn_len(f->pc);
    }
    return 1;
}

#define FAULT_AT(label, body)                                                  \
    __attribute__((noinline)) static void label(void) {                         \
        extern char label##_at[];                                              \
        where = (uint32_t)label##_at;                                          \
        __asm__ volatile(body ::: "r0", "r1", "r2", "r3", "memory");                                   \
    }

FAULT_AT(do_udf, ".global do_udf_at\n do_udf_at: udf #7")
FAULT_AT(do_udfw, ".global do_udfw_at\n do_udfw_at: udf.w #0x1234")
FAULT_AT(do_unaligned_ldr, "ldr r0, =buf+1\n .global do_unaligned_ldr_at\n do_unaligned_ldr_at: ldr r1, [r0]")
FAULT_AT(do_unaligned_strh, "ldr r0, =buf+3\n mov r1, #0x1a5\n .global do_unaligned_strh_at\n do_unaligned_strh_at: strh r1, [r0]")
FAULT_AT(do_unaligned_ldrd, "ldr r0, =buf+6\n .global do_unaligned_ldrd_at\n do_unaligned_ldrd_at: ldrd r2, r3, [r0]")
FAULT_AT(do_unaligned_ldm, "ldr r0, =buf+2\n .global do_unaligned_ldm_at\n do_unaligned_ldm_at: ldm r0, {r1, r2}")
FAULT_AT(do_unaligned_ldrex, "ldr r0, =buf+2\n .global do_unaligned_ldrex_at\n do_unaligned_ldrex_at: ldrex r1, [r0]")
FAULT_AT(do_bus_ldr, "ldr r0, =0x60000010\n .global do_bus_ldr_at\n do_bus_ldr_at: ldr r1, [r0, #4]")
FAULT_AT(do_bus_ldrb, "ldr r0, =0x60001000\n .global do_bus_ldrb_at\n do_bus_ldrb_at: ldrb r1, [r0, #-1]")

static void do_fetch_unmapped(void) {
    where = UNMAPPED + 0x100;
    __asm__ volatile("blx %0" ::"r"(UNMAPPED + 0x101) : "lr", "memory");
}
__attribute__((noinline)) static void even_target(void) {}
static void do_invstate(void) {
    where = (uint32_t)even_target & ~1u;
    __asm__ volatile("blx %0" ::"r"((uint32_t)even_target & ~1u) : "lr", "r0", "r1", "r2", "r3", "memory");
}

static void step(const char *what, void (*fn)(void)) {
    int before = nfaults;
    rt_printf("%s\n", what);
    fn();
    rt_printf("  faults %d\n", nfaults - before);
}

static volatile int in_svc;
void svc_handler(void) {
    in_svc = 1;
    do_udf(); /* UsageFault (priority 0x80) cannot preempt SVC (0x40): HardFault */
    in_svc = 0;
}
static void do_svc(void) { __asm__ volatile("svc #3"); }
/* An SVC that cannot be taken escalates to HardFault with the return address
   of the SVC (the next instruction) stacked: resume there. */
__attribute__((noinline)) static void do_svc_masked(void) {
    extern char do_svc_masked_at[];
    where = (uint32_t)do_svc_masked_at;
    resume_after = 0;
    __asm__ volatile("svc #4\n .global do_svc_masked_at\n do_svc_masked_at:" ::: "memory");
    resume_after = 1;
}

int main(void) {
    rt_fault_hook = hook;
    resume_after = 1;
    SCB_SHCSR |= SHCSR_USGFAULTENA | SHCSR_BUSFAULTENA | SHCSR_MEMFAULTENA;
    SCB_CCR &= ~CCR_UNALIGN_TRP;

    step("udf (UsageFault UNDEFINSTR)", do_udf);
    step("udf.w", do_udfw);
    step("unaligned ldr, trap off (no fault)", do_unaligned_ldr);
    step("unaligned strh, trap off (no fault)", do_unaligned_strh);
    step("unaligned ldrd (always faults)", do_unaligned_ldrd);
    step("unaligned ldm (always faults)", do_unaligned_ldm);
    step("unaligned ldrex (always faults)", do_unaligned_ldrex);
    SCB_CCR |= CCR_UNALIGN_TRP;
    step("unaligned ldr, trap on", do_unaligned_ldr);
    step("unaligned strh, trap on", do_unaligned_strh);
    SCB_CCR &= ~CCR_UNALIGN_TRP;
    rt_printf("buf %08x %08x\n", buf[0], buf[1]);
    step("load from unmapped (precise BusFault)", do_bus_ldr);
    step("byte load from unmapped", do_bus_ldrb);
    step("fetch from unmapped (IBUSERR)", do_fetch_unmapped);
    step("blx to an even address (INVSTATE)", do_invstate);

    SCB_SHCSR &= ~(SHCSR_USGFAULTENA | SHCSR_BUSFAULTENA);
    step("udf, UsageFault disabled (escalates)", do_udf);
    step("bus fault, BusFault disabled (escalates)", do_bus_ldr);
    SCB_SHCSR |= SHCSR_USGFAULTENA | SHCSR_BUSFAULTENA;

    /* priorities: SVC 0x40, UsageFault 0x80 */
    SCB_SHPR1 = (SCB_SHPR1 & ~0xff0000u) | (0x80u << 16);
    SCB_SHPR2 = 0x40u << 24;
    step("udf inside a higher-priority SVC (escalates)", do_svc);
    __asm__ volatile("cpsid i" ::: "memory");
    step("svc with PRIMASK set (escalates)", do_svc_masked);
    __asm__ volatile("cpsie i" ::: "memory");
    rt_printf("SHCSR %08x total %d\n", SCB_SHCSR & 0x000f0000u, nfaults);
    return 0;
}
