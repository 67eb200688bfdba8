//! The QSPI NOR flash through the QSPI controller's manual mode, from the
//! chip itself. The same sequence as the host's driver
//! (`crates/mb4-probe/src/qspi.rs`, which says where each step comes from),
//! only each register access is a store instead of a probe round trip.

use core::ptr::{read_volatile, write_volatile};

/// Erase unit.
pub const SECTOR: u32 = 4096;
/// Program unit.
pub const PAGE: u32 = 256;

/// QSPIC registers (base 0x3800_0000, CMSIS `QSPIC_Type`).
const CTRLBUS: u32 = 0x3800_0000;
const CTRLMODE: u32 = 0x3800_0004;
const WRITEDATA: u32 = 0x3800_0018;
const READDATA: u32 = 0x3800_001C;
const SET_SINGLE: u32 = 1 << 0;
const SET_QUAD: u32 = 1 << 2;
const EN_CS: u32 = 1 << 3;
const DIS_CS: u32 = 1 << 4;
const AUTO_MD: u32 = 1 << 0;
/// IO2/IO3 driven high: they are the part's WP# and HOLD#.
const IO23_HIGH: u32 = 0x3C;

/// Status polls before giving up. Between polls the core sleeps one SysTick
/// period, [`NAP_CYCLES`]: 50 µs at the 32 MHz the chip runs on after reset
/// (less at higher clocks). The limits are far above the datasheet maxima
/// (3 ms page, 400 ms sector, ~200 s for a 16 MiB chip).
const POLLS_PAGE: u32 = 2_000;
const POLLS_SECTOR: u32 = 200_000;
const POLLS_CHIP: u32 = 40_000_000;

/// SysTick period between status polls, in core cycles. Sleeping instead of
/// spinning saves the band's battery and lets an emulator skip the wait.
const NAP_CYCLES: u32 = 1600;

/// SysTick and the interrupt control register (Armv8-M system control space).
const SYST_CSR: u32 = 0xE000_E010;
const SYST_RVR: u32 = 0xE000_E014;
const SYST_CVR: u32 = 0xE000_E018;
/// `SYST_CSR`: enable, interrupt on wrap (only pends: PRIMASK is set, so it
/// wakes WFI without being taken), processor clock.
const SYST_ON: u32 = 0b111;
const ICSR: u32 = 0xE000_ED04;
const ICSR_PENDSTCLR: u32 = 1 << 25;

/// Why an operation failed.
pub enum Fail {
    /// Unknown operation.
    BadOp,
    /// Offset or length not in whole sectors.
    Unaligned,
    /// The part stayed busy past its limit.
    Busy,
    /// Read-back differs.
    Verify {
        offset: u32,
        expected: u8,
        found: u8,
    },
}

fn reg_write(addr: u32, value: u32) {
    // SAFETY: QSPIC register addresses on the DA1469x, aligned, always mapped.
    unsafe { write_volatile(addr as *mut u32, value) }
}

fn reg_read(addr: u32) -> u32 {
    // SAFETY: as for `reg_write`.
    unsafe { read_volatile(addr as *const u32) }
}

/// A byte-wide access: one byte on the flash bus.
fn write_byte(addr: u32, value: u8) {
    // SAFETY: as for `reg_write`; the controller clocks as many bytes as the access is wide.
    unsafe { write_volatile(addr as *mut u8, value) }
}

fn read_byte(addr: u32) -> u8 {
    // SAFETY: as for `write_byte`.
    unsafe { read_volatile(addr as *const u8) }
}

/// A manual-mode session; [`Manual::leave`] restores auto mode.
pub struct Manual {
    saved: u32,
}

impl Manual {
    /// Manual mode, out of continuous read, the part reset and awake.
    pub fn enter() -> Manual {
        let saved = reg_read(CTRLMODE);
        reg_write(CTRLMODE, saved & !AUTO_MD);
        // The boot ROM leaves the part in quad continuous-read mode: 16
        // clocks of 1s on all four lines end it.
        reg_write(CTRLBUS, SET_QUAD);
        transaction(&[0xFF, 0xFF]);
        reg_write(CTRLBUS, SET_SINGLE);
        reg_write(CTRLMODE, (saved & !AUTO_MD) | IO23_HIGH);
        transaction(&[0xFF, 0xFF]);
        transaction(&[0x66]); // reset enable
        transaction(&[0x99]); // reset
        transaction(&[0xAB]); // release from deep power-down
        reg_write(SYST_RVR, NAP_CYCLES - 1);
        reg_write(SYST_CVR, 0);
        reg_write(SYST_CSR, SYST_ON);
        let m = Manual { saved };
        // A part that stays busy here fails the next operation's wait instead.
        let _ = m.wait_idle(POLLS_PAGE);
        m
    }

    /// Quad bus and the saved mode again.
    pub fn leave(self) {
        reg_write(SYST_CSR, 0);
        reg_write(ICSR, ICSR_PENDSTCLR);
        reg_write(CTRLBUS, DIS_CS);
        reg_write(CTRLBUS, SET_QUAD);
        reg_write(CTRLMODE, self.saved);
    }

    /// Manufacturer in bits 7:0, memory type 15:8, density 23:16.
    pub fn jedec_id(&mut self) -> u32 {
        select();
        write_byte(WRITEDATA, 0x9F);
        let id = (0..3).fold(0, |id, i| id | u32::from(read_byte(READDATA)) << (8 * i));
        deselect();
        id
    }

    /// Call `each` with the `len` bytes from `offset`, read with plain READ
    /// (0x03), a word at a time.
    pub fn read_with(&mut self, offset: u32, len: u32, mut each: impl FnMut(u8)) {
        select();
        send_command(0x03, offset);
        let mut left = len;
        while left >= 4 {
            reg_read(READDATA)
                .to_le_bytes()
                .into_iter()
                .for_each(&mut each);
            left -= 4;
        }
        for _ in 0..left {
            each(read_byte(READDATA));
        }
        deselect();
    }

    /// Where flash from `offset` first differs from `data`, and the byte found there.
    pub fn compare(&mut self, offset: u32, data: &[u8]) -> Option<(usize, u8)> {
        let mut first = None;
        let mut i = 0;
        self.read_with(offset, data.len() as u32, |b| {
            if first.is_none() && b != data[i] {
                first = Some((i, b));
            }
            i += 1;
        });
        first
    }

    pub fn erase_sector(&mut self, offset: u32) -> Result<(), Fail> {
        transaction(&[0x06]); // write enable
        select();
        send_command(0x20, offset);
        deselect();
        self.wait_idle(POLLS_SECTOR)
    }

    /// Program erased flash within one 256-byte page (a page program wraps
    /// inside its page): whole words as word writes, the rest as bytes.
    pub fn program_page(&mut self, offset: u32, data: &[u8]) -> Result<(), Fail> {
        transaction(&[0x06]);
        select();
        send_command(0x02, offset);
        let mut words = data.chunks_exact(4);
        for w in &mut words {
            reg_write(WRITEDATA, u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
        }
        for &b in words.remainder() {
            write_byte(WRITEDATA, b);
        }
        deselect();
        self.wait_idle(POLLS_PAGE)
    }

    pub fn erase_chip(&mut self) -> Result<(), Fail> {
        transaction(&[0x06]);
        transaction(&[0xC7]);
        self.wait_idle(POLLS_CHIP)
    }

    /// Poll status register 1 in one transaction until WIP clears.
    fn wait_idle(&self, polls: u32) -> Result<(), Fail> {
        select();
        write_byte(WRITEDATA, 0x05);
        let mut result = Err(Fail::Busy);
        for _ in 0..polls {
            if read_byte(READDATA) & 0x01 == 0 {
                result = Ok(());
                break;
            }
            nap();
        }
        deselect();
        result
    }
}

/// Sleep until the next SysTick wrap (or any other pending interrupt).
fn nap() {
    // SAFETY: WFI only waits; with PRIMASK set no handler runs.
    unsafe { core::arch::asm!("wfi", options(nomem, nostack, preserves_flags)) };
    reg_write(ICSR, ICSR_PENDSTCLR);
}

fn select() {
    reg_write(CTRLBUS, EN_CS);
}

fn deselect() {
    reg_write(CTRLBUS, DIS_CS);
}

/// Command byte and 24-bit address as one word: the controller sends the
/// lowest byte first.
fn send_command(cmd: u8, offset: u32) {
    let a = offset.to_be_bytes();
    reg_write(WRITEDATA, u32::from_le_bytes([cmd, a[1], a[2], a[3]]));
}

fn transaction(bytes: &[u8]) {
    select();
    for &b in bytes {
        write_byte(WRITEDATA, b);
    }
    deselect();
}
