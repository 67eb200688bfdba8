//! mb4's flash loader: runs from SysRAM and writes the band's QSPI flash at
//! the chip's own speed, while the host only moves data and one call block.
//!
//! Why: programming through the debugger (`mb4 flash --method qspic`) costs
//! a probe round trip per controller access, about eight wire bytes per
//! byte flashed. Here the host writes the data into RAM in bulk, fills in a
//! [`Call`], sets the PC to `loader_entry` and lets the core run; the loader
//! does the work, writes the outcome into the call block and stops on a
//! `BKPT`, which halts the core for the debugger. Once a write has started,
//! a cut link no longer stops it half way: the core finishes on its own.
//!
//! The protocol (header, call block, operations, status codes) is mirrored
//! in `crates/mb4-probe/src/loader.rs`; the two must change together (the
//! version word says which protocol this is).

#![no_std]
#![no_main]

mod crc;
mod nor;

use core::ptr::{read_volatile, write_volatile};

use nor::{Fail, Manual};

/// Protocol version, in the header; the host refuses other versions.
const VERSION: u32 = 1;

// The header at the first byte of the image, then the entry. The host sets
// only the PC (and xPSR's Thumb bit); the entry sets up the rest: the stack,
// interrupts off (whatever ran before may have left some enabled), the FPU
// on (this target may keep values in FP registers).
core::arch::global_asm!(
    r#"
    .section .loader_header, "a"
    .p2align 2
loader_header:
    .word 0x4C34424D                       /* "MB4L" */
    .word {version}
    .word loader_entry                     /* Thumb address */
    .word _call_block
    .word _buffer_start
    .word _buffer_size
    .word _image_size                      /* bytes to load */
    .word 0

    .section .text.loader_entry, "ax"
    .global loader_entry
    .type loader_entry, %function
    .thumb_func
loader_entry:
    cpsid i
    ldr r0, =_stack_top
    mov sp, r0
    ldr r0, =0xE000ED88                    /* CPACR: CP10, CP11 full access */
    ldr r1, [r0]
    orr r1, r1, #(0xF << 20)
    str r1, [r0]
    dsb
    isb
    ldr r0, =_call_block
    bl loader_main
1:  bkpt #0x4C                             /* done: the debugger takes over */
    b 1b
    .ltorg
    "#,
    version = const VERSION,
);

/// What the host asks, and what the loader answers: 16 words at `_call_block`.
#[repr(C)]
struct Call {
    /// One of the `op` constants.
    op: u32,
    /// Operation arguments.
    args: [u32; 3],
    /// `status` constant; the host writes `RUNNING` before each call.
    status: u32,
    /// Sectors erased and programmed.
    written: u32,
    /// Sectors that already held the wanted bytes.
    skipped: u32,
    /// Bytes programmed (blank pages are not).
    programmed: u32,
    /// On `VERIFY`: the flash offset of the first wrong byte.
    fail_offset: u32,
    /// On `VERIFY`: wanted byte (bits 7:0) and the byte found (15:8).
    fail_bytes: u32,
    /// The answer of `JEDEC_ID` (manufacturer in bits 7:0) or `CRC32`.
    value: u32,
    /// Unused; keeps the block 16 words.
    reserved: [u32; 5],
}

/// Operations.
mod op {
    /// JEDEC ID into `value`.
    pub const JEDEC_ID: u32 = 1;
    /// Write a list of ranges: args = [table address, entries]. Each entry is
    /// three words: flash offset, RAM source, length; offsets and lengths in
    /// whole 4 KiB sectors. Per sector: skip if equal, else erase, program,
    /// verify.
    pub const WRITE_LIST: u32 = 2;
    /// Erase sectors: args = [offset, length], sector-aligned.
    pub const ERASE: u32 = 3;
    /// Erase the whole chip.
    pub const ERASE_CHIP: u32 = 4;
    /// CRC-32 (IEEE) of flash: args = [offset, length] into `value`.
    pub const CRC32: u32 = 5;
    /// Program erased flash, no erase, no verify: args = [offset, RAM source,
    /// length], any alignment.
    pub const PROGRAM: u32 = 6;
}

/// Outcomes.
mod status {
    pub const OK: u32 = 0;
    pub const BAD_OP: u32 = 1;
    pub const UNALIGNED: u32 = 2;
    pub const BUSY: u32 = 3;
    pub const VERIFY: u32 = 4;
}

#[unsafe(no_mangle)]
extern "C" fn loader_main(call: *mut Call) {
    // SAFETY: `call` is `_call_block`, 16 words of SysRAM that only the host
    // (while the core is halted) and this function touch. Volatile, because
    // the host writes it behind the compiler's back between calls.
    let (opcode, args) = unsafe {
        (
            read_volatile(&raw const (*call).op),
            read_volatile(&raw const (*call).args),
        )
    };
    let mut out = Outcome::default();
    let result = run(opcode, args, &mut out);
    let code = match result {
        Ok(()) => status::OK,
        Err(Fail::BadOp) => status::BAD_OP,
        Err(Fail::Unaligned) => status::UNALIGNED,
        Err(Fail::Busy) => status::BUSY,
        Err(Fail::Verify {
            offset,
            expected,
            found,
        }) => {
            out.fail_offset = offset;
            out.fail_bytes = u32::from(expected) | u32::from(found) << 8;
            status::VERIFY
        }
    };
    // SAFETY: as above.
    unsafe {
        write_volatile(&raw mut (*call).written, out.written);
        write_volatile(&raw mut (*call).skipped, out.skipped);
        write_volatile(&raw mut (*call).programmed, out.programmed);
        write_volatile(&raw mut (*call).fail_offset, out.fail_offset);
        write_volatile(&raw mut (*call).fail_bytes, out.fail_bytes);
        write_volatile(&raw mut (*call).value, out.value);
        // Last, so a host polling memory sees a finished block.
        write_volatile(&raw mut (*call).status, code);
    }
}

#[derive(Default)]
struct Outcome {
    written: u32,
    skipped: u32,
    programmed: u32,
    fail_offset: u32,
    fail_bytes: u32,
    value: u32,
}

/// `GPREG SET_FREEZE_REG` and its `FRZ_SYS_WDOG` bit.
const SET_FREEZE_REG: u32 = 0x5004_0300;
const FRZ_SYS_WDOG: u32 = 1 << 3;

fn run(opcode: u32, args: [u32; 3], out: &mut Outcome) -> Result<(), Fail> {
    // The watchdog counts while the core runs (it stands still only while a
    // debugger halts it): freeze it, or a long erase ends in a reset half
    // way. The host resets the chip afterwards, which releases it.
    // SAFETY: a write-1-to-set register of GPREG, always mapped.
    unsafe { write_volatile(SET_FREEZE_REG as *mut u32, FRZ_SYS_WDOG) };
    let mut m = Manual::enter();
    let result = match opcode {
        op::JEDEC_ID => {
            out.value = m.jedec_id();
            Ok(())
        }
        op::WRITE_LIST => write_list(&mut m, args[0], args[1], out),
        op::ERASE => {
            let (offset, len) = sectors(args[0], args[1])?;
            (0..len / nor::SECTOR).try_for_each(|i| m.erase_sector(offset + i * nor::SECTOR))
        }
        op::ERASE_CHIP => m.erase_chip(),
        op::PROGRAM => program(&mut m, args[0], args[1], args[2], out),
        op::CRC32 => {
            out.value = crc::of_flash(&mut m, args[0], args[1]);
            Ok(())
        }
        _ => Err(Fail::BadOp),
    };
    // Back to auto mode whatever happened, so the flash reads and runs again.
    m.leave();
    result
}

/// Checks that `offset` and `len` are whole sectors.
fn sectors(offset: u32, len: u32) -> Result<(u32, u32), Fail> {
    if !offset.is_multiple_of(nor::SECTOR) || !len.is_multiple_of(nor::SECTOR) {
        return Err(Fail::Unaligned);
    }
    Ok((offset, len))
}

fn write_list(m: &mut Manual, table: u32, entries: u32, out: &mut Outcome) -> Result<(), Fail> {
    for i in 0..entries {
        let entry = table + i * 12;
        // SAFETY: the host put the table in SysRAM, in the data buffer.
        let [offset, src, len] = unsafe { read_volatile(entry as *const [u32; 3]) };
        let (offset, len) = sectors(offset, len)?;
        for s in 0..len / nor::SECTOR {
            // SAFETY: the host wrote `len` bytes at `src` in SysRAM before the call.
            let data = unsafe {
                core::slice::from_raw_parts(
                    (src + s * nor::SECTOR) as *const u8,
                    nor::SECTOR as usize,
                )
            };
            write_sector(m, offset + s * nor::SECTOR, data, out)?;
        }
    }
    Ok(())
}

fn program(m: &mut Manual, offset: u32, src: u32, len: u32, out: &mut Outcome) -> Result<(), Fail> {
    // SAFETY: the host wrote `len` bytes at `src` in SysRAM before the call.
    let data = unsafe { core::slice::from_raw_parts(src as *const u8, len as usize) };
    let mut done = 0usize;
    while done < data.len() {
        let at = offset + done as u32;
        let n = ((nor::PAGE - at % nor::PAGE) as usize).min(data.len() - done);
        m.program_page(at, &data[done..done + n])?;
        out.programmed += n as u32;
        done += n;
    }
    Ok(())
}

/// One sector: left alone when it already holds `data`; else erased,
/// programmed page by page (blank pages skipped), and read back.
fn write_sector(m: &mut Manual, offset: u32, data: &[u8], out: &mut Outcome) -> Result<(), Fail> {
    if m.compare(offset, data).is_none() {
        out.skipped += 1;
        return Ok(());
    }
    m.erase_sector(offset)?;
    for (p, page) in data.chunks_exact(nor::PAGE as usize).enumerate() {
        if page.iter().any(|&b| b != 0xFF) {
            m.program_page(offset + p as u32 * nor::PAGE, page)?;
            out.programmed += nor::PAGE;
        }
    }
    if let Some((at, found)) = m.compare(offset, data) {
        return Err(Fail::Verify {
            offset: offset + at as u32,
            expected: data[at],
            found,
        });
    }
    out.written += 1;
    Ok(())
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    // Nothing here can panic by design; should it, stop where the debugger
    // sees it (the host then times out and reports the PC).
    loop {
        // SAFETY: BKPT only halts the core for the debugger.
        unsafe { core::arch::asm!("bkpt #0x4D") };
    }
}
