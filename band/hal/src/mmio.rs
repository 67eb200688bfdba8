//! Volatile access to memory-mapped registers.

/// Read the 32-bit register at `addr`.
#[inline(always)]
pub fn read(addr: u32) -> u32 {
    // SAFETY: callers pass register addresses from `regs`, which are valid,
    // aligned device memory on the DA1469x.
    unsafe { core::ptr::read_volatile(addr as *const u32) }
}

/// Write the 32-bit register at `addr`.
#[inline(always)]
pub fn write(addr: u32, value: u32) {
    // SAFETY: as for `read`.
    unsafe { core::ptr::write_volatile(addr as *mut u32, value) }
}

/// Read-modify-write: clear `clear`, then set `set`.
#[inline(always)]
pub fn modify(addr: u32, clear: u32, set: u32) {
    write(addr, (read(addr) & !clear) | set);
}

/// Spin until `cond(read(addr))` holds.
#[inline(always)]
pub fn wait_until(addr: u32, cond: impl Fn(u32) -> bool) {
    while !cond(read(addr)) {
        core::hint::spin_loop();
    }
}
