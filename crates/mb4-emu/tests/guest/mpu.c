/* The v8-M MPU: read-only and privileged-only regions, execute-never, the
   background map (PRIVDEFENA), overlapping regions, unprivileged access to
   the system registers, and the MemManage/BusFault reports (CFSR, MMFAR,
   BFAR). The output must match QEMU's. */
#include <stdint.h>
void sh_puts(const char *s);
void sh_puthex(uint32_t v);

#define REG(a) (*(volatile uint32_t *)(a))
#define SHCSR REG(0xE000ED24)
#define CFSR REG(0xE000ED28)
#define MMFAR REG(0xE000ED34)
#define BFAR REG(0xE000ED38)
#define MPU_CTRL REG(0xE000ED94)
#define MPU_RNR REG(0xE000ED98)
#define MPU_RBAR REG(0xE000ED9C)
#define MPU_RLAR REG(0xE000EDA0)
#define MAIR0 REG(0xE000EDC0)

static volatile uint32_t faults[8][3];
static volatile int nfaults;

static void region(int n, uint32_t base, uint32_t limit, uint32_t ap, uint32_t xn) {
    MPU_RNR = n;
    MPU_RBAR = (base & ~0x1fu) | (ap << 1) | xn;
    MPU_RLAR = (limit & ~0x1fu) | 1;
}

static void region_off(int n) {
    MPU_RNR = n;
    MPU_RLAR = 0;
}

__attribute__((naked)) void memmanage_handler(void) {
    __asm__ volatile("tst lr, #4\n ite eq\n mrseq r0, msp\n mrsne r0, psp\n mov r1, #4\n b fault_c\n");
}
__attribute__((naked)) void busfault_handler(void) {
    __asm__ volatile("tst lr, #4\n ite eq\n mrseq r0, msp\n mrsne r0, psp\n mov r1, #5\n b fault_c\n");
}

/* Record, then resume: after the faulting 32-bit instruction, or at the caller
   if the fault was a fetch (stacked PC == the address that faulted). */
__attribute__((used)) void fault_c(uint32_t *frame, uint32_t exc) {
    uint32_t cfsr = CFSR;
    if (nfaults < 8) {
        faults[nfaults][0] = exc;
        faults[nfaults][1] = cfsr;
        faults[nfaults][2] = (cfsr & 0x80) ? MMFAR : (cfsr & 0x8000) ? BFAR : 0;
        nfaults++;
    }
    CFSR = cfsr;
    if (cfsr & 1) /* IACCVIOL: return to the caller */
        frame[6] = frame[5] & ~1u;
    else
        frame[6] += 4;
}

static void report(const char *what) {
    sh_puts(what);
    for (int i = 0; i < nfaults; i++) {
        sh_puts(" [");
        sh_puthex(faults[i][0]);
        sh_puts(" ");
        sh_puthex(faults[i][1]);
        sh_puts(" ");
        sh_puthex(faults[i][2]);
        sh_puts("]");
    }
    sh_puts("\n");
    nfaults = 0;
}

static uint32_t load(uint32_t addr) {
    uint32_t v = 0xdead;
    __asm__ volatile("ldr.w %0, [%1]" : "+r"(v) : "r"(addr) : "memory");
    return v;
}
static void store(uint32_t addr, uint32_t v) { __asm__ volatile("str.w %0, [%1]" ::"r"(v), "r"(addr) : "memory"); }

static uint16_t ram_code[4] __attribute__((aligned(4)));

__attribute__((naked)) void svc_handler(void) {
    /* Back to privileged Thread mode. */
    __asm__ volatile("mrs r0, control\n bic r0, r0, #1\n msr control, r0\n isb\n bx lr\n");
}

int main(void) {
    SHCSR |= (1u << 16) | (1u << 17); /* MemManage and BusFault enabled */
    MAIR0 = 0x44;
    region(0, 0x10000000, 0x100fffff, 3, 0); /* code: read-only, any privilege */
    region(1, 0x38000000, 0x3807ffff, 1, 1); /* data: read-write, any privilege, XN */
    region(2, 0x38080000, 0x3808001f, 2, 1); /* read-only, privileged only */
    region(3, 0x38080020, 0x380fffff, 1, 1); /* stack */
    MPU_CTRL = 5;                            /* ENABLE | PRIVDEFENA */
    __asm__ volatile("dsb\n isb");

    store(0x38080000, 1);
    uint32_t v = load(0x38080004);
    report("write to read-only:");
    sh_puthex(v);
    sh_puts("\n");

    ram_code[0] = 0x4770; /* bx lr */
    ((void (*)(void))((uint32_t)ram_code | 1))();
    report("execute-never:");

    load(0x10100000); /* no region: the background map (privileged) */
    report("background privileged:");

    region(4, 0x38000100, 0x3800011f, 1, 1); /* overlaps region 1 */
    __asm__ volatile("dsb\n isb");
    load(0x38000104);
    region_off(4);
    report("overlap:");

    /* Unprivileged: privileged-only region and the system registers fault. */
    static uint32_t pstack[64] __attribute__((aligned(8)));
    __asm__ volatile("msr psp, %0" ::"r"(&pstack[64]));
    __asm__ volatile("mrs r0, control\n orr r0, r0, #3\n msr control, r0\n isb" ::: "r0");
    load(0x38080004);
    load(0xE000ED00);
    __asm__ volatile("svc #0");
    __asm__ volatile("msr control, %0\n isb" ::"r"(0));
    report("unprivileged:");

    MPU_CTRL = 1; /* no PRIVDEFENA: unmapped addresses fault even when privileged */
    __asm__ volatile("dsb\n isb");
    load(0x28000000);
    MPU_CTRL = 0;
    __asm__ volatile("dsb\n isb");
    report("no background:");
    return 0;
}
