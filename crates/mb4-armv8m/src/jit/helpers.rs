//! What host code calls back: memory accesses and whole instructions go
//! through the core's own paths, so translated and interpreted code cannot
//! disagree on faults, the PPB, the bus or code coherence.
//!
//! Each takes the core and the bus as raw pointers (host code holds them for
//! the length of a block) and is monomorphised per bus type.

use crate::alu::shift_c;
use crate::bus::{Bus, Size};
use crate::cache::Slot;
use crate::cpu::Cpu;

/// Set in a [`read`] result: the access faulted.
pub const READ_FAULT: u64 = 1 << 32;
/// In a [`read`] `kind`: sign-extend the value.
pub const READ_SIGNED: u32 = 8;

/// The helpers' addresses for one bus type, as host code calls them.
#[derive(Debug, Clone, Copy)]
pub struct Addrs {
    pub read: usize,
    pub write: usize,
    pub interpret: usize,
    pub interpret_it: usize,
    pub shift: usize,
}

impl Addrs {
    pub fn for_bus<B: Bus>() -> Addrs {
        Addrs {
            read: read::<B> as *const () as usize,
            write: write::<B> as *const () as usize,
            interpret: interpret::<B> as *const () as usize,
            interpret_it: interpret_it::<B> as *const () as usize,
            shift: shift as *const () as usize,
        }
    }
}

/// Tells bus types apart: each has its own copy of [`interpret`].
pub fn bus_type<B: Bus>() -> usize {
    interpret::<B> as *const () as usize
}

fn size(bytes: u32) -> Size {
    match bytes & 7 {
        1 => Size::Byte,
        2 => Size::Half,
        _ => Size::Word,
    }
}

/// A data load of `kind & 7` bytes (sign-extended if `kind` has
/// [`READ_SIGNED`]): the value, or [`READ_FAULT`] (nothing changed; the
/// instruction is retried interpreted).
///
/// # Safety
/// `cpu` and `bus` point to the running core and its bus, of type `B`.
pub unsafe extern "C" fn read<B: Bus>(cpu: *mut Cpu, bus: *mut u8, addr: u32, kind: u32) -> u64 {
    // SAFETY: as the caller promises; host code holds no other reference.
    let (cpu, bus) = unsafe { (&mut *cpu, &mut *bus.cast::<B>()) };
    match cpu.load(bus, addr, size(kind), kind & READ_SIGNED != 0) {
        Ok(v) => u64::from(v),
        Err(_) => READ_FAULT,
    }
}

/// A data store of `bytes` bytes: 0, or 1 if it faulted (nothing written).
///
/// # Safety
/// As [`read`].
pub unsafe extern "C" fn write<B: Bus>(
    cpu: *mut Cpu,
    bus: *mut u8,
    addr: u32,
    bytes: u32,
    value: u32,
) -> u32 {
    // SAFETY: as the caller promises.
    let (cpu, bus) = unsafe { (&mut *cpu, &mut *bus.cast::<B>()) };
    u32::from(cpu.store(bus, addr, size(bytes), value).is_err())
}

/// Executes the instruction `slot` at `pc` with the interpreter, exactly as
/// the run loop would (its cycle, its fault, its branch). 0: it went on to
/// the next instruction; 1: it went elsewhere or the loop must stop (the
/// reason, if any, is left in `jit_stop`).
///
/// # Safety
/// As [`read`]; `slot` points to a live decoded instruction.
pub unsafe extern "C" fn interpret<B: Bus>(
    cpu: *mut Cpu,
    bus: *mut u8,
    slot: *const Slot,
    pc: u32,
) -> u32 {
    // SAFETY: as the caller promises.
    let (cpu, bus, slot) = unsafe { (&mut *cpu, &mut *bus.cast::<B>(), &*slot) };
    match cpu.retire_outside_it(bus, pc, slot) {
        Ok(()) => 0,
        Err(stop) => {
            cpu.jit_stop = stop;
            1
        }
    }
}

/// [`interpret`] for an instruction inside an IT block (ITSTATE already in
/// the core): its condition decides, and ITSTATE advances, as the run loop
/// does it.
///
/// # Safety
/// As [`interpret`].
pub unsafe extern "C" fn interpret_it<B: Bus>(
    cpu: *mut Cpu,
    bus: *mut u8,
    slot: *const Slot,
    pc: u32,
) -> u32 {
    // SAFETY: as the caller promises.
    let (cpu, bus, slot) = unsafe { (&mut *cpu, &mut *bus.cast::<B>(), &*slot) };
    match cpu.retire(bus, pc, slot) {
        Ok(()) => 0,
        Err(stop) => {
            cpu.jit_stop = stop;
            1
        }
    }
}

/// `Shift_C` for a shift by register: the result, and the carry in bit 32.
pub extern "C" fn shift(value: u32, ty: u32, amount: u32, carry_in: u32) -> u64 {
    let (r, c) = shift_c(value, ty as u8, amount, carry_in != 0);
    u64::from(r) | u64::from(c) << 32
}
