/* TT and TTT: the MPU's answer for an address (MREGION, MRVALID, R, RW) with
   the MPU off, on with regions of every access permission, on an address in
   two regions, through the background region (PRIVDEFENA), in the system
   space, bypassed at negative priority (FAULTMASK without HFNMIENA), and from
   unprivileged Thread code (which TT tells nothing).

   QEMU's mps2-an505 runs in Secure state and also reports the security
   attribution (S, bit 22, and the IDAU region, IREGION/IRVALID in bits 31:23);
   a core without the Security Extension (bare-m33, the DA14697) reads those
   and SREGION/SRVALID/NSR/NSRW as zero. Only bits 21:0 are printed, where the
   two agree (SREGION, SRVALID, NSR, NSRW are zero on both). TTA/TTAT need the
   Security Extension (UNDEFINED here, defined on QEMU): not tested here. */
#include "rt.h"

#define MPU_TYPE REG32(0xE000ED90)
#define MPU_CTRL REG32(0xE000ED94)
#define MPU_RNR REG32(0xE000ED98)
#define MPU_RBAR REG32(0xE000ED9C)
#define MPU_RLAR REG32(0xE000EDA0)
#define MPU_MAIR0 REG32(0xE000EDC0)
#define TT_MASK 0x003fffffu

static uint32_t tt(uint32_t a) {
    uint32_t r;
    __asm__ volatile("tt %0, %1" : "=r"(r) : "r"(a));
    return r & TT_MASK;
}
static uint32_t ttt(uint32_t a) {
    uint32_t r;
    __asm__ volatile("ttt %0, %1" : "=r"(r) : "r"(a));
    return r & TT_MASK;
}

static const uint32_t addrs[] = {
    0x10000000, /* code: region 0, read-only for all */
    0x10000400,
    0x38000100, /* data: region 1, read/write for all */
    0x38080010, /* regions 1 and 2 overlap */
    0x2000003c, /* region 3: privileged read-only */
    0x20001000, /* region 4: privileged read/write */
    0x20002000, /* no region: background (privileged only, with PRIVDEFENA) */
    0x60000000,
    0xe000ed00, /* the PPB: never subject to the MPU */
};
#define NADDR (sizeof addrs / sizeof addrs[0])

static void show(const char *what) {
    rt_printf("%s\n", what);
    for (uint32_t i = 0; i < NADDR; i++)
        rt_printf("  %08x tt %08x ttt %08x\n", addrs[i], tt(addrs[i]), ttt(addrs[i]));
}

static uint32_t control(void) {
    uint32_t v;
    __asm__ volatile("mrs %0, control" : "=r"(v));
    return v;
}

/* SVC #0 gives Thread mode its privilege back. */
__attribute__((used)) void svc_c(void) { __asm__ volatile("msr control, %0\n isb" ::"r"(control() & ~1u)); }
__attribute__((naked)) void svc_handler(void) { __asm__ volatile("b svc_c"); }

/* TT from unprivileged Thread code: all zero, whatever the MPU says. */
static void unprivileged(void) {
    static uint32_t r[NADDR][2];
    __asm__ volatile("msr control, %0\n isb" ::"r"(control() | 1u));
    for (uint32_t i = 0; i < NADDR; i++) {
        r[i][0] = tt(addrs[i]);
        r[i][1] = ttt(addrs[i]);
    }
    __asm__ volatile("svc #0" ::: "memory");
    rt_printf("unprivileged\n");
    for (uint32_t i = 0; i < NADDR; i++) rt_printf("  %08x tt %08x ttt %08x\n", addrs[i], r[i][0], r[i][1]);
}

static void region(uint32_t n, uint32_t base, uint32_t limit, uint32_t ap, uint32_t xn) {
    MPU_RNR = n;
    MPU_RBAR = (base & ~0x1fu) | (ap << 1) | xn;
    MPU_RLAR = (limit & ~0x1fu) | 1;
}

int main(void) {
    rt_printf("mpu regions %u\n", (MPU_TYPE >> 8) & 0xff);
    show("mpu off");
    unprivileged();

    MPU_MAIR0 = 0x44; /* attribute 0: normal, non-cacheable (TT ignores it) */
    region(0, 0x10000000, 0x100fffff, 3, 0);
    region(1, 0x38000000, 0x380fffff, 1, 1);
    region(2, 0x38080000, 0x3808001f, 0, 1);
    region(3, 0x20000000, 0x2000003f, 2, 1);
    region(4, 0x20001000, 0x20001fff, 0, 1);
    MPU_CTRL = 5; /* ENABLE | PRIVDEFENA */
    __asm__ volatile("dsb\n isb");
    show("mpu on, privdefena");
    unprivileged();

    /* FAULTMASK raises the priority to -1: without HFNMIENA the MPU is off. */
    {
        uint32_t a, b, c, d;
        __asm__ volatile("cpsid f\n isb" ::: "memory");
        a = tt(0x10000000);
        b = tt(0x38080010);
        c = ttt(0x20002000);
        MPU_CTRL = 7; /* with HFNMIENA the MPU applies at priority -1 too */
        __asm__ volatile("dsb\n isb");
        d = tt(0x10000000);
        __asm__ volatile("cpsie f\n isb" ::: "memory");
        rt_printf("faultmask: %08x %08x %08x; hfnmiena %08x\n", a, b, c, d);
    }

    MPU_CTRL = 1; /* no background region */
    __asm__ volatile("dsb\n isb");
    show("mpu on, no privdefena");

    MPU_CTRL = 0;
    __asm__ volatile("dsb\n isb");
    rt_printf("off again: %08x\n", tt(0x10000000));
    return 0;
}
