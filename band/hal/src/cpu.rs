//! The Cortex-M33 core: NVIC, vector table base, FPU access, sleep.

use crate::mmio;
use core::arch::asm;

const NVIC_ISER: u32 = 0xE000_E100;
const NVIC_ICER: u32 = 0xE000_E180;
const NVIC_ISPR: u32 = 0xE000_E200;
const NVIC_ICPR: u32 = 0xE000_E280;
/// `SCB->VTOR`.
pub const SCB_VTOR: u32 = 0xE000_ED08;
/// `SCB->CPACR`.
pub const SCB_CPACR: u32 = 0xE000_ED88;

fn bank(irq: u32) -> (u32, u32) {
    (4 * (irq / 32), 1 << (irq % 32))
}

/// Let interrupt `irq` reach the core.
pub fn nvic_enable(irq: u32) {
    let (off, bit) = bank(irq);
    mmio::write(NVIC_ISER + off, bit);
}

/// Stop interrupt `irq` reaching the core (it can still become pending).
pub fn nvic_disable(irq: u32) {
    let (off, bit) = bank(irq);
    mmio::write(NVIC_ICER + off, bit);
}

/// Whether interrupt `irq` is pending.
pub fn nvic_is_pending(irq: u32) -> bool {
    let (off, bit) = bank(irq);
    mmio::read(NVIC_ISPR + off) & bit != 0
}

/// Clear a pending interrupt.
pub fn nvic_clear_pending(irq: u32) {
    let (off, bit) = bank(irq);
    mmio::write(NVIC_ICPR + off, bit);
}

/// Sleep until an interrupt (`WFI`).
#[inline(always)]
pub fn wfi() {
    // SAFETY: WFI only suspends execution.
    unsafe { asm!("wfi", options(nomem, nostack, preserves_flags)) }
}

/// Sleep until an event (`WFE`).
#[inline(always)]
pub fn wfe() {
    // SAFETY: WFE only suspends execution.
    unsafe { asm!("wfe", options(nomem, nostack, preserves_flags)) }
}

/// Signal an event (`SEV`).
#[inline(always)]
pub fn sev() {
    // SAFETY: SEV only sets the event register.
    unsafe { asm!("sev", options(nomem, nostack, preserves_flags)) }
}

/// Mask interrupts (`CPSID i`); returns whether they were enabled before.
#[inline(always)]
pub fn irq_disable() -> bool {
    let primask: u32;
    // SAFETY: reading PRIMASK and masking interrupts have no memory effects
    // beyond ordering, which the compiler barrier below keeps.
    unsafe {
        asm!("mrs {}, PRIMASK", "cpsid i", out(reg) primask, options(nostack, preserves_flags));
    }
    primask & 1 == 0
}

/// Unmask interrupts (`CPSIE i`).
#[inline(always)]
pub fn irq_enable() {
    // SAFETY: unmasking interrupts; handlers only touch their own state.
    unsafe { asm!("cpsie i", options(nostack, preserves_flags)) }
}

/// Data and instruction synchronisation barriers.
#[inline(always)]
pub fn barrier() {
    // SAFETY: barriers have no effect besides ordering.
    unsafe { asm!("dsb", "isb", options(nostack, preserves_flags)) }
}

const SYST_CSR: u32 = 0xE000_E010;
const SYST_RVR: u32 = 0xE000_E014;
const SYST_CVR: u32 = 0xE000_E018;
const SYST_CSR_ENABLE: u32 = 1 << 0;
const SYST_CSR_CLKSOURCE_CPU: u32 = 1 << 2;
const SYST_CSR_COUNTFLAG: u32 = 1 << 16;

/// Busy-wait `ms` milliseconds on SysTick, counting `core_hz` cycles a second.
pub fn delay_ms(ms: u32, core_hz: u32) {
    mmio::write(SYST_RVR, core_hz / 1000 - 1);
    mmio::write(SYST_CVR, 0);
    mmio::write(SYST_CSR, SYST_CSR_CLKSOURCE_CPU | SYST_CSR_ENABLE);
    for _ in 0..ms {
        mmio::wait_until(SYST_CSR, |v| v & SYST_CSR_COUNTFLAG != 0);
    }
    mmio::write(SYST_CSR, 0);
}
