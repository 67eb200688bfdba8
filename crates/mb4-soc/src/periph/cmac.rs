//! CMAC stand-in: the controller side of the host↔CMAC link, without the
//! CMAC.
//!
//! On the DA14697 the Bluetooth LE link layer runs on a second core, the
//! CMAC (a Cortex-M0+), from Renesas' binary `libcmac.a`. The emulator does
//! not run that core. This model plays its part of the protocol the host
//! code in hal_renesas `smartbond/cmac/` (`shm.c`, `mbox.c`, `shm.h`) and
//! Zephyr's `drivers/bluetooth/hci/hci_da1469x.c` speak, as far as that code
//! shows it, and answers HCI commands itself:
//!
//! - **Finding the shared memory.** `cmac_load_image` copies the image to
//!   SysRAM and writes MEMCTRL `CMI_CODE_BASE_REG` (CMAC address 0) and
//!   `CMI_SHARED_BASE_REG`; `resolve_shm_ptrs` reads the pointers of the
//!   image header (`struct cmac_img_hdr`: 32 vector words, then `struct
//!   cmac_img_info` with magic 0xC3AC_0001 and `shared_addr`, then the
//!   pointers `shm_config`, `shm_ctrl`, `shm_mbox_s2c`, `shm_mbox_c2s`, …).
//!   The stand-in reads the same header from the copy in SysRAM, with the same
//!   arithmetic (`CMAC_CODE_PTR`, `CMAC_SHARED_PTR`): it needs no symbols and
//!   reads nothing of the image the host code does not read.
//! - **Boot.** `cmac_enable` releases the core (CRG_TOP `CLK_RADIO_REG`:
//!   `CMAC_CLK_ENABLE` 1, `CMAC_SYNCH_RESET` 1→0) and spins until
//!   `ctrl->magic` reads `CMAC_SHM_CB_MAGIC` (0xC3AC): the stand-in writes it
//!   [`BOOT_DELAY`] after the release, then a Command Complete for the NOP
//!   opcode 0x0000: Zephyr's `BT_WAIT_NOP` (selected by the DA1469x boards'
//!   defconfig) makes the host wait for it before its first command.
//!   `cmac_disable` (reset set) stops it.
//! - **Mailboxes.** `struct cmac_shm_mbox` rings (`rd_off`, `wr_off`, data;
//!   sizes from `struct cmac_shm_config`), one each way, carrying H:4 packets
//!   (type byte 0x01 command, 0x02 ACL, 0x04 event). The host writes and
//!   calls `cmac_signal`, which sets the PDC entry whose master is the CMAC
//!   (`cmac_configure_pdc`): the bus calls [`Cmac::signal`] then, and the
//!   stand-in acknowledges that entry as the CMAC would. It answers
//!   [`RESPONSE_DELAY`] later, writing its ring with the host's own full-ring
//!   rule (one byte kept free).
//! - **Interrupt.** The CMAC2SYS line (IRQ 4) is high while the stand-in has
//!   put data in the host's ring and the host has not cleared it:
//!   `cmac_cmac2sys_isr` writes 2 to the word at 0x4000_2000 to clear it and
//!   returns early if that word reads any of bits 0x1C00 (which this model
//!   never sets). Neither the register's name nor its other bits are in
//!   public sources: only those two uses are modelled.
//! - **Random numbers.** `struct cmac_shm_rand` is the CMAC asking the host
//!   for entropy (`cmr_active`); the stand-in needs none and leaves it 0, so
//!   the host's `rng_thread` never runs.
//!
//! HCI: every command gets Command Complete (Command Status for Disconnect,
//! which has no connection to act on) with return parameters as the Core
//! specification (v5.4, Vol 4 Part E §7) lays them out: a Bluetooth 5.0
//! LE-only controller with Dialog's company id, no public address (so the
//! host makes a static random one from LE Rand, which is a fixed sequence
//! here), no extended advertising, no scanning, no connections. Commands it
//! does not know get status 0x01, Unknown HCI Command. Advertising data is
//! kept, and enabling advertising is noted with the advertised name. There
//! is no radio: nothing is sent on air and nothing can connect.

use std::collections::VecDeque;

use mb4_periph::device::Context;
use mb4_periph::time::Instant;

use super::memctrl::CmacWindow;

/// The CMAC2SYS interrupt line (`CMAC2SYS_IRQn` in `DA1469xAB.h`).
pub const IRQ: u32 = 4;
/// The word `cmac_cmac2sys_isr` clears the interrupt at (hal_renesas shm.c).
pub const INT_ADDR: u32 = 0x4000_2000;
/// The bit of [`INT_ADDR`] a write of 2 clears: the CMAC2SYS request.
pub const INT_CMAC2SYS: u32 = 1 << 1;
/// From the release of the reset to `ctrl->magic` (the real core's start-up
/// time is not published: a fixed 200 µs, inferred).
pub const BOOT_DELAY: Instant = Instant::from_micros(200);
/// From a signal to the answer in the host's ring (fixed, inferred: the real
/// controller's latency depends on its firmware).
pub const RESPONSE_DELAY: Instant = Instant::from_micros(20);
/// `CMAC_SHM_CB_MAGIC` (shm.h): the CMAC is up.
pub const SHM_CB_MAGIC: u16 = 0xC3AC;
/// `cmac_img_info.magic` (shm.c's `cmac_load_image` asserts it).
pub const IMG_MAGIC: u32 = 0xC3AC_0001;
/// Offset of `struct cmac_img_info` in the image header (after 32 vectors).
pub const HDR_INFO: u32 = 32 * 4;
/// Offset of `cmac_img_info.shared_addr`.
pub const HDR_SHARED_ADDR: u32 = HDR_INFO + 5 * 4;
/// Offset of the `shm_config` pointer (the first after `cmac_img_info`).
pub const HDR_SHM_CONFIG: u32 = HDR_INFO + 6 * 4;
/// Offset of the `shm_ctrl` pointer.
pub const HDR_SHM_CTRL: u32 = HDR_SHM_CONFIG + 4;
/// Offset of the `shm_mbox_s2c` pointer.
pub const HDR_SHM_MBOX_S2C: u32 = HDR_SHM_CONFIG + 8;
/// Offset of the `shm_mbox_c2s` pointer.
pub const HDR_SHM_MBOX_C2S: u32 = HDR_SHM_CONFIG + 12;

/// H:4 packet types.
const H4_CMD: u8 = 0x01;
const H4_ACL: u8 = 0x02;
const H4_EVT: u8 = 0x04;

/// HCI status codes (Core v5.4 Vol 1 Part F).
const OK: u8 = 0x00;
const UNKNOWN_COMMAND: u8 = 0x01;
const UNKNOWN_CONNECTION: u8 = 0x02;
const INVALID_PARAMETERS: u8 = 0x12;

/// Dialog Semiconductor's company identifier (Bluetooth SIG assigned numbers).
pub const COMPANY_ID: u16 = 0x00D2;
/// HCI and LMP version: 0x09 is Bluetooth Core 5.0 (assigned numbers).
pub const HCI_VERSION: u8 = 0x09;

/// The Supported_Commands bits the stand-in answers (octet, bit), Core v5.4
/// Vol 4 Part E §6.27 (Zephyr's `BT_CMD_TEST` reads the same table).
const SUPPORTED: &[(usize, u8)] = &[
    (0, 5),  // Disconnect
    (5, 6),  // Set Event Mask
    (5, 7),  // Reset
    (14, 3), // Read Local Version Information
    (14, 4), // Read Local Supported Commands
    (14, 5), // Read Local Supported Features
    (14, 7), // Read Buffer Size
    (15, 1), // Read BD_ADDR
    (25, 0), // LE Set Event Mask
    (25, 1), // LE Read Buffer Size [v1]
    (25, 2), // LE Read Local Supported Features
    (25, 4), // LE Set Random Address
    (25, 5), // LE Set Advertising Parameters
    (25, 6), // LE Read Advertising Physical Channel Tx Power
    (25, 7), // LE Set Advertising Data
    (26, 0), // LE Set Scan Response Data
    (26, 1), // LE Set Advertising Enable
    (26, 6), // LE Read Filter Accept List Size
    (26, 7), // LE Clear Filter Accept List
    (27, 7), // LE Rand
];

/// Where the shared structures are, as SysRAM offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    ctrl: u32,
    s2c: u32,
    s2c_size: u16,
    c2s: u32,
    c2s_size: u16,
}

/// The stand-in.
#[derive(Debug, Clone)]
pub struct Cmac {
    running: bool,
    layout: Option<Layout>,
    due: Option<Instant>,
    int: u32,
    rx: Vec<u8>,
    tx: VecDeque<u8>,
    rand: u64,
    random_address: Option<[u8; 6]>,
    adv_data: Vec<u8>,
    scan_rsp: Vec<u8>,
    advertising: bool,
    /// Commands answered since power-on.
    pub commands: u64,
    /// Problems for the bus to report (a ring out of bounds, no image…).
    pub warnings: Vec<String>,
    /// What the controller does that a user wants to know (advertising on
    /// or off), for the bus to report.
    pub notices: Vec<String>,
}

impl Default for Cmac {
    fn default() -> Self {
        Self::new()
    }
}

fn rd(ram: &[u8], off: u32, n: usize) -> Option<u32> {
    let off = off as usize;
    let b = ram.get(off..off.checked_add(n)?)?;
    Some(b.iter().rev().fold(0, |v, x| v << 8 | u32::from(*x)))
}

fn wr(ram: &mut [u8], off: u32, n: usize, value: u32) -> Option<()> {
    let off = off as usize;
    let b = ram.get_mut(off..off.checked_add(n)?)?;
    b.copy_from_slice(&value.to_le_bytes()[..n]);
    Some(())
}

/// The advertised name in AD structures (Complete or Shortened Local Name).
pub fn ad_name(data: &[u8]) -> Option<String> {
    let mut i = 0;
    while i < data.len() {
        let len = usize::from(data[i]);
        if len == 0 {
            break;
        }
        let s = data.get(i + 1..i + 1 + len)?;
        if s[0] == 0x09 || s[0] == 0x08 {
            return Some(String::from_utf8_lossy(&s[1..]).into_owned());
        }
        i += 1 + len;
    }
    None
}

impl Cmac {
    /// At power-on: held in reset.
    pub fn new() -> Cmac {
        Cmac {
            running: false,
            layout: None,
            due: None,
            int: 0,
            rx: Vec::new(),
            tx: VecDeque::new(),
            rand: 0x6d62_345f_636d_6163,
            random_address: None,
            adv_data: Vec::new(),
            scan_rsp: Vec::new(),
            advertising: false,
            commands: 0,
            warnings: Vec::new(),
            notices: Vec::new(),
        }
    }

    /// Whether the controller has started (the magic is written).
    pub fn is_up(&self) -> bool {
        self.layout.is_some()
    }

    /// Whether advertising is enabled.
    pub fn is_advertising(&self) -> bool {
        self.advertising
    }

    /// The name in the advertising or scan response data, if any.
    pub fn advertised_name(&self) -> Option<String> {
        ad_name(&self.adv_data).or_else(|| ad_name(&self.scan_rsp))
    }

    /// CRG_TOP `CLK_RADIO_REG` changed to `value`: the core runs while its
    /// clock is on and its reset released.
    pub fn set_clk_radio(&mut self, value: u32, now: Instant, cx: &mut Context<'_>) {
        let run = value & 1 << 2 != 0 && value & 1 << 4 == 0;
        if run && !self.running {
            self.due = Some(Instant(now.0 + BOOT_DELAY.0));
        } else if !run && self.running {
            let rand = self.rand;
            let commands = self.commands;
            *self = Cmac {
                rand,
                commands,
                warnings: std::mem::take(&mut self.warnings),
                notices: std::mem::take(&mut self.notices),
                ..Cmac::new()
            };
            cx.irqs.set(IRQ, false);
        }
        self.running = run;
    }

    /// The host signalled (its PDC entry for the CMAC was set).
    pub fn signal(&mut self, now: Instant) {
        if self.layout.is_some() {
            let t = Instant(now.0 + RESPONSE_DELAY.0);
            self.due = Some(self.due.map_or(t, |d| d.min(t)));
        }
    }

    /// When the stand-in acts next.
    pub fn next_event(&self) -> Option<Instant> {
        self.due
    }

    /// A read of the word at [`INT_ADDR`].
    pub fn int_read(&self) -> u32 {
        self.int
    }

    /// A write to the word at [`INT_ADDR`]: set bits clear requests.
    pub fn int_write(&mut self, value: u32, cx: &mut Context<'_>) {
        self.int &= !value;
        cx.irqs.set(IRQ, self.int & INT_CMAC2SYS != 0);
    }

    /// Act if due: start, or exchange packets through `ram` (SysRAM, offset 0
    /// at 0x2000_0000) with the areas `win` places.
    pub fn advance(&mut self, win: CmacWindow, ram: &mut [u8], cx: &mut Context<'_>) {
        match self.due {
            Some(t) if t <= cx.now => self.due = None,
            _ => return,
        }
        if !self.running {
            return;
        }
        match self.layout {
            None => self.boot(win, ram, cx),
            Some(l) => self.exchange(l, ram, cx),
        }
    }

    fn boot(&mut self, win: CmacWindow, ram: &mut [u8], cx: &mut Context<'_>) {
        let code = win.code;
        let magic = rd(ram, code.wrapping_add(HDR_INFO), 4);
        if magic != Some(IMG_MAGIC) {
            self.warnings.push(format!(
                "released from reset, but no CMAC image at SysRAM offset {code:#x} (CMI_CODE_BASE_REG; magic {magic:#x?}, not {IMG_MAGIC:#x}): the stand-in stays silent"
            ));
            return;
        }
        // CMAC_CODE_PTR and CMAC_SHARED_PTR of shm.c, minus 0x2000_0000.
        let ptr = |off: u32| rd(ram, code.wrapping_add(off), 4);
        let layout = (|| {
            let shared_addr = ptr(HDR_SHARED_ADDR)?;
            let shared = |p: u32| p.wrapping_sub(shared_addr).wrapping_add(win.shared);
            let config = ptr(HDR_SHM_CONFIG)?.wrapping_add(code);
            let l = Layout {
                ctrl: shared(ptr(HDR_SHM_CTRL)?),
                s2c: shared(ptr(HDR_SHM_MBOX_S2C)?),
                s2c_size: rd(ram, config, 2)? as u16,
                c2s: shared(ptr(HDR_SHM_MBOX_C2S)?),
                c2s_size: rd(ram, config.wrapping_add(2), 2)? as u16,
            };
            let fits = |at: u32, size: u16| {
                size >= 2
                    && at
                        .checked_add(3 + u32::from(size))
                        .is_some_and(|last| rd(ram, last, 1).is_some())
            };
            (rd(ram, l.ctrl, 8).is_some() && fits(l.s2c, l.s2c_size) && fits(l.c2s, l.c2s_size))
                .then_some(l)
        })();
        let Some(l) = layout else {
            self.warnings.push(format!(
                "the CMAC image header at SysRAM offset {code:#x} points outside SysRAM (or at an empty mailbox): the stand-in stays silent"
            ));
            return;
        };
        // The ring offsets start at 0 (the host cleared the area before the
        // copy; the controller owns its ring's write side from now on).
        let _ = wr(ram, l.c2s + 2, 2, 0);
        let _ = wr(ram, l.ctrl, 2, u32::from(SHM_CB_MAGIC));
        self.layout = Some(l);
        // Ready for commands: Command Complete for NOP (opcode 0), which the
        // host waits for before its first command (Zephyr's BT_WAIT_NOP,
        // which the DA1469x boards select).
        self.complete(0x0000, &[]);
        self.due = Some(Instant(cx.now.0 + RESPONSE_DELAY.0));
    }

    fn exchange(&mut self, l: Layout, ram: &mut [u8], cx: &mut Context<'_>) {
        // Host to controller: take all that is there.
        let (Some(mut r), Some(w)) = (rd(ram, l.s2c, 2), rd(ram, l.s2c + 2, 2)) else {
            return;
        };
        let size = u32::from(l.s2c_size);
        if r >= size || w >= size {
            self.warnings.push(format!(
                "host-to-CMAC ring offsets out of range (rd {r}, wr {w}, size {size}): ring ignored"
            ));
        } else {
            while r != w {
                // In bounds: `boot` checked the ring fits.
                self.rx.push(rd(ram, l.s2c + 4 + r, 1).unwrap_or(0) as u8);
                r = (r + 1) % size;
            }
            let _ = wr(ram, l.s2c, 2, r);
        }
        self.parse();
        // Controller to host, as mbox.c's cmac_mbox_write does it.
        let size = u32::from(l.c2s_size);
        let mut wrote = false;
        while !self.tx.is_empty() {
            let (Some(r), Some(w)) = (rd(ram, l.c2s, 2), rd(ram, l.c2s + 2, 2)) else {
                break;
            };
            if r >= size || w >= size {
                self.warnings.push(format!(
                    "CMAC-to-host ring offsets out of range (rd {r}, wr {w}, size {size}): events dropped"
                ));
                self.tx.clear();
                break;
            }
            let room = if r > w {
                r - w - 1
            } else if r == 0 {
                size - w - 1
            } else {
                size - w
            };
            if room == 0 {
                break;
            }
            let n = room.min(self.tx.len() as u32);
            for i in 0..n {
                let b = self.tx.pop_front().unwrap_or(0);
                let _ = wr(ram, l.c2s + 4 + w + i, 1, u32::from(b));
            }
            let w = w + n;
            let _ = wr(ram, l.c2s + 2, 2, if w == size { 0 } else { w });
            wrote = true;
        }
        if wrote {
            self.int |= INT_CMAC2SYS;
            cx.irqs.set(IRQ, true);
        }
        if !self.tx.is_empty() {
            // The ring is full: the host reads it without signalling, so look again.
            self.due = Some(Instant(cx.now.0 + RESPONSE_DELAY.0));
        }
    }

    /// Take the complete H:4 packets from `rx`.
    fn parse(&mut self) {
        loop {
            let Some(&kind) = self.rx.first() else {
                return;
            };
            let (head, len) = match kind {
                H4_CMD if self.rx.len() >= 4 => (4, usize::from(self.rx[3])),
                H4_ACL if self.rx.len() >= 5 => {
                    (5, usize::from(u16::from_le_bytes([self.rx[3], self.rx[4]])))
                }
                H4_CMD | H4_ACL => return,
                _ => {
                    self.warnings.push(format!(
                        "host sent H:4 packet type {kind:#04x} (not a command or ACL data): {} bytes dropped",
                        self.rx.len()
                    ));
                    self.rx.clear();
                    return;
                }
            };
            if self.rx.len() < head + len {
                return;
            }
            let packet: Vec<u8> = self.rx.drain(..head + len).collect();
            if kind == H4_CMD {
                let opcode = u16::from_le_bytes([packet[1], packet[2]]);
                self.command(opcode, &packet[4..]);
            } else {
                self.warnings
                    .push("host sent ACL data, but nothing is connected: dropped".to_string());
            }
        }
    }

    fn complete(&mut self, opcode: u16, ret: &[u8]) {
        let [lo, hi] = opcode.to_le_bytes();
        self.tx
            .extend([H4_EVT, 0x0E, (3 + ret.len()) as u8, 1, lo, hi]);
        self.tx.extend(ret);
    }

    fn status(&mut self, opcode: u16, status: u8) {
        let [lo, hi] = opcode.to_le_bytes();
        self.tx.extend([H4_EVT, 0x0F, 4, status, 1, lo, hi]);
    }

    fn next_rand(&mut self) -> u64 {
        // splitmix64: a fixed sequence, the same every run.
        self.rand = self.rand.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rand;
        z = (z ^ z >> 30).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ z >> 27).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ z >> 31
    }

    fn command(&mut self, opcode: u16, p: &[u8]) {
        self.commands += 1;
        let need = |n: usize| p.len() >= n;
        match opcode {
            // Disconnect: no connection has the handle.
            0x0406 => self.status(opcode, UNKNOWN_CONNECTION),
            // Reset.
            0x0C03 => {
                self.random_address = None;
                self.adv_data.clear();
                self.scan_rsp.clear();
                if std::mem::take(&mut self.advertising) {
                    self.notices.push("advertising stopped (HCI Reset)".into());
                }
                self.complete(opcode, &[OK]);
            }
            // Set Event Mask, Set Event Mask Page 2, LE Set Event Mask,
            // LE Set Advertising Parameters, LE Clear Filter Accept List.
            0x0C01 | 0x0C63 | 0x2001 | 0x2006 | 0x2010 => self.complete(opcode, &[OK]),
            // Read Local Version Information: HCI version, revision, LMP
            // version, company, LMP subversion.
            0x1001 => {
                let [c0, c1] = COMPANY_ID.to_le_bytes();
                self.complete(opcode, &[OK, HCI_VERSION, 0, 0, HCI_VERSION, c0, c1, 0, 0]);
            }
            // Read Local Supported Commands.
            0x1002 => {
                let mut ret = [0u8; 65];
                for &(octet, bit) in SUPPORTED {
                    ret[1 + octet] |= 1 << bit;
                }
                self.complete(opcode, &ret);
            }
            // Read Local Supported Features: octet 4 bit 5 BR/EDR Not
            // Supported, bit 6 LE Supported (Controller).
            0x1003 => self.complete(opcode, &[OK, 0, 0, 0, 0, 0x60, 0, 0, 0]),
            // Read Buffer Size (BR/EDR): ACL 27 bytes x 4, no SCO.
            0x1005 => self.complete(opcode, &[OK, 27, 0, 0, 4, 0, 0, 0]),
            // Read BD_ADDR: none programmed (all zero).
            0x1009 => self.complete(opcode, &[OK, 0, 0, 0, 0, 0, 0]),
            // LE Read Buffer Size: 27-byte ACL packets, 4 of them.
            0x2002 => self.complete(opcode, &[OK, 27, 0, 4]),
            // LE Read Local Supported Features: LE Encryption, Extended
            // Reject Indication, Peripheral-initiated Features Exchange.
            0x2003 => self.complete(opcode, &[OK, 0x0D, 0, 0, 0, 0, 0, 0, 0]),
            // LE Set Random Address.
            0x2005 if need(6) => {
                let mut a = [0; 6];
                a.copy_from_slice(&p[..6]);
                self.random_address = Some(a);
                self.complete(opcode, &[OK]);
            }
            // LE Read Advertising Physical Channel Tx Power: 0 dBm.
            0x2007 => self.complete(opcode, &[OK, 0]),
            // LE Set Advertising Data, LE Set Scan Response Data: length, 31 bytes.
            0x2008 | 0x2009 if need(1) && p[0] <= 31 && need(1 + usize::from(p[0])) => {
                let data = p[1..1 + usize::from(p[0])].to_vec();
                if opcode == 0x2008 {
                    self.adv_data = data;
                } else {
                    self.scan_rsp = data;
                }
                self.complete(opcode, &[OK]);
            }
            // LE Set Advertising Enable.
            0x200A if need(1) && p[0] <= 1 => {
                let on = p[0] == 1;
                if on && !self.advertising {
                    let name = self.advertised_name();
                    self.notices.push(match name {
                        Some(n) => {
                            format!("advertising as \"{n}\" (no radio: nothing can connect)")
                        }
                        None => "advertising, no name in the data (no radio: nothing can connect)"
                            .into(),
                    });
                } else if !on && self.advertising {
                    self.notices.push("advertising stopped".into());
                }
                self.advertising = on;
                self.complete(opcode, &[OK]);
            }
            // LE Read Filter Accept List Size: 8 entries (inferred).
            0x200F => self.complete(opcode, &[OK, 8]),
            // LE Rand.
            0x2018 => {
                let r = self.next_rand().to_le_bytes();
                let mut ret = [OK; 9];
                ret[1..].copy_from_slice(&r);
                self.complete(opcode, &ret);
            }
            0x2005 | 0x2008 | 0x2009 | 0x200A => self.complete(opcode, &[INVALID_PARAMETERS]),
            _ => self.complete(opcode, &[UNKNOWN_COMMAND]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mb4_periph::device::IrqLines;

    // A host-side model written from hal_renesas shm.c and mbox.c: the image
    // header the host copies, and the two rings.
    const CODE: u32 = 0x1_0000; // CMI_CODE_BASE_REG (SysRAM offset)
    const SHARED: u32 = 0x1_8000; // CMI_SHARED_BASE_REG
    const SHARED_ADDR: u32 = 0x2000_8000; // cmac_img_info.shared_addr (CMAC view)
    const MBOX: u16 = 64;

    struct Host {
        ram: Vec<u8>,
        win: CmacWindow,
    }

    impl Host {
        fn new() -> Host {
            let mut ram = vec![0u8; 0x2_0000];
            let put = |ram: &mut Vec<u8>, off: u32, v: u32| {
                ram[off as usize..off as usize + 4].copy_from_slice(&v.to_le_bytes())
            };
            put(&mut ram, CODE + HDR_INFO, IMG_MAGIC);
            put(&mut ram, CODE + HDR_SHARED_ADDR, SHARED_ADDR);
            put(&mut ram, CODE + HDR_SHM_CONFIG, 0x400); // config in code space
            put(&mut ram, CODE + HDR_SHM_CTRL, SHARED_ADDR);
            put(&mut ram, CODE + HDR_SHM_MBOX_S2C, SHARED_ADDR + 0x10);
            put(&mut ram, CODE + HDR_SHM_MBOX_C2S, SHARED_ADDR + 0x100);
            let cfg = (CODE + 0x400) as usize;
            ram[cfg..cfg + 2].copy_from_slice(&MBOX.to_le_bytes());
            ram[cfg + 2..cfg + 4].copy_from_slice(&MBOX.to_le_bytes());
            Host {
                ram,
                win: CmacWindow {
                    code: CODE,
                    data: CODE + 0x6000,
                    shared: SHARED,
                    end: 0x1_ffff,
                },
            }
        }
        fn u16(&self, off: u32) -> u16 {
            rd(&self.ram, off, 2).unwrap() as u16
        }
        fn set16(&mut self, off: u32, v: u16) {
            wr(&mut self.ram, off, 2, u32::from(v)).unwrap();
        }
        fn magic(&self) -> u16 {
            self.u16(SHARED)
        }
        // cmac_mbox_write, one chunk at a time (no waiting: the test keeps
        // within the ring).
        fn write(&mut self, mut data: &[u8]) {
            let m = SHARED + 0x10;
            let size = MBOX;
            while !data.is_empty() {
                let (r, w) = (self.u16(m), self.u16(m + 2));
                let max = if r > w {
                    r - w - 1
                } else if r == 0 {
                    size - w - 1
                } else {
                    size - w
                };
                let n = usize::from(max).min(data.len());
                assert!(n > 0, "ring full");
                let at = (m + 4 + u32::from(w)) as usize;
                self.ram[at..at + n].copy_from_slice(&data[..n]);
                let w = w + n as u16;
                self.set16(m + 2, if w == size { 0 } else { w });
                data = &data[n..];
            }
        }
        // cmac_mbox_read of everything there.
        fn read(&mut self) -> Vec<u8> {
            let m = SHARED + 0x100;
            let mut out = Vec::new();
            loop {
                let (r, w) = (self.u16(m), self.u16(m + 2));
                if r == w {
                    return out;
                }
                let end = if r <= w { w } else { MBOX };
                let at = (m + 4) as usize;
                out.extend_from_slice(&self.ram[at + usize::from(r)..at + usize::from(end)]);
                self.set16(m, if end == MBOX { 0 } else { end });
            }
        }
    }

    struct Rig {
        host: Host,
        cmac: Cmac,
        irqs: IrqLines,
        now: Instant,
    }

    impl Rig {
        fn booted() -> Rig {
            let mut r = Rig {
                host: Host::new(),
                cmac: Cmac::new(),
                irqs: IrqLines::default(),
                now: Instant::ZERO,
            };
            // cmac_enable: clock on and reset, then the reset released.
            r.clk(1 << 5 | 1 << 4 | 1 << 2);
            r.clk(1 << 5 | 1 << 2);
            let nop = r.run();
            assert_eq!(r.host.magic(), SHM_CB_MAGIC);
            assert_eq!(nop, cc(0x0000, &[]), "ready: Command Complete for NOP");
            let mut cx = Context {
                now: r.now,
                irqs: &mut r.irqs,
            };
            r.cmac.int_write(INT_CMAC2SYS, &mut cx);
            r
        }
        fn clk(&mut self, v: u32) {
            let mut cx = Context {
                now: self.now,
                irqs: &mut self.irqs,
            };
            self.cmac.set_clk_radio(v, self.now, &mut cx);
        }
        // Run the stand-in while it has something to do, reading the host's
        // ring after each step as the interrupt handler would.
        fn run(&mut self) -> Vec<u8> {
            let mut got = Vec::new();
            for _ in 0..100 {
                let Some(t) = self.cmac.next_event() else {
                    break;
                };
                self.now = t;
                let mut cx = Context {
                    now: t,
                    irqs: &mut self.irqs,
                };
                self.cmac
                    .advance(self.host.win, &mut self.host.ram, &mut cx);
                got.extend(self.host.read());
            }
            assert_eq!(self.cmac.next_event(), None, "the stand-in settles");
            got
        }
        // Send a command, signal, run, take the event and clear the interrupt
        // as cmac_cmac2sys_isr does.
        fn cmd(&mut self, opcode: u16, params: &[u8]) -> Vec<u8> {
            let mut pkt = vec![H4_CMD];
            pkt.extend(opcode.to_le_bytes());
            pkt.push(params.len() as u8);
            pkt.extend(params);
            self.host.write(&pkt);
            self.cmac.signal(self.now);
            let got = self.run();
            assert!(self.irqs.is_high(IRQ));
            let mut cx = Context {
                now: self.now,
                irqs: &mut self.irqs,
            };
            self.cmac.int_write(2, &mut cx);
            assert!(!self.irqs.is_high(IRQ));
            assert_eq!(self.cmac.int_read() & 0x1C00, 0);
            got
        }
    }

    fn cc(opcode: u16, ret: &[u8]) -> Vec<u8> {
        let mut v = vec![H4_EVT, 0x0E, 3 + ret.len() as u8, 1];
        v.extend(opcode.to_le_bytes());
        v.extend(ret);
        v
    }

    #[test]
    fn boots_after_the_reset_is_released_and_not_before() {
        let mut r = Rig {
            host: Host::new(),
            cmac: Cmac::new(),
            irqs: IrqLines::default(),
            now: Instant::ZERO,
        };
        r.clk(1 << 4 | 1 << 2); // clock on, still in reset
        assert_eq!(r.cmac.next_event(), None);
        assert_eq!(r.host.magic(), 0);
        r.clk(1 << 2);
        assert_eq!(r.cmac.next_event(), Some(BOOT_DELAY));
        r.run();
        assert_eq!(r.host.magic(), SHM_CB_MAGIC);
        assert!(r.cmac.is_up());
        // cmac_disable stops it.
        r.clk(1 << 4);
        assert!(!r.cmac.is_up());
    }

    #[test]
    fn no_image_no_magic() {
        let mut r = Rig {
            host: Host::new(),
            cmac: Cmac::new(),
            irqs: IrqLines::default(),
            now: Instant::ZERO,
        };
        r.host.ram[(CODE + HDR_INFO) as usize] = 0;
        r.clk(1 << 2);
        r.run();
        assert_eq!(r.host.magic(), 0);
        assert_eq!(r.cmac.warnings.len(), 1);
    }

    #[test]
    fn zephyr_init_sequence_round_trips() {
        let mut r = Rig::booted();
        assert_eq!(r.cmd(0x0C03, &[]), cc(0x0C03, &[0]));
        let v = r.cmd(0x1001, &[]);
        assert_eq!(v, cc(0x1001, &[0, 9, 0, 0, 9, 0xD2, 0, 0, 0]));
        let f = r.cmd(0x1003, &[]);
        assert_eq!(f[7 + 4] & 0x40, 0x40, "LE Supported (Controller)");
        let c = r.cmd(0x1002, &[]);
        assert_eq!(c.len(), 7 + 64);
        assert_ne!(c[7 + 27] & 0x80, 0, "LE Rand supported");
        assert_eq!(c[7 + 28] & 0x08, 0, "no LE Read Supported States");
        assert_eq!(r.cmd(0x1009, &[]), cc(0x1009, &[0; 7]));
        assert_eq!(r.cmd(0x2002, &[]), cc(0x2002, &[0, 27, 0, 4]));
        assert_eq!(r.cmd(0x2001, &[0xff; 8]), cc(0x2001, &[0]));
        let a = r.cmd(0x2018, &[]);
        let b = r.cmd(0x2018, &[]);
        assert_eq!(a.len(), 7 + 8);
        assert_ne!(a, b, "LE Rand moves on");
        // ... and is the same sequence in every run.
        let mut again = Rig::booted();
        assert_eq!(again.cmd(0x2018, &[]), a);
    }

    #[test]
    fn advertising_is_noted_with_its_name() {
        let mut r = Rig::booted();
        let mut data = vec![0u8; 32];
        let ad = [2, 0x01, 0x06, 4, 0x09, b'm', b'b', b'4'];
        data[0] = ad.len() as u8;
        data[1..1 + ad.len()].copy_from_slice(&ad);
        assert_eq!(r.cmd(0x2008, &data), cc(0x2008, &[0]));
        assert_eq!(r.cmd(0x2006, &[0; 15]), cc(0x2006, &[0]));
        assert_eq!(r.cmd(0x200A, &[1]), cc(0x200A, &[0]));
        assert!(r.cmac.is_advertising());
        assert_eq!(
            r.cmac.notices,
            ["advertising as \"mb4\" (no radio: nothing can connect)"]
        );
    }

    #[test]
    fn unknown_and_malformed_commands() {
        let mut r = Rig::booted();
        assert_eq!(r.cmd(0xFC01, &[]), cc(0xFC01, &[UNKNOWN_COMMAND]));
        assert_eq!(r.cmd(0x200A, &[]), cc(0x200A, &[INVALID_PARAMETERS]));
        assert_eq!(r.cmd(0x2008, &[40]), cc(0x2008, &[INVALID_PARAMETERS]));
        let s = r.cmd(0x0406, &[0, 0, 0x13]);
        assert_eq!(s, [H4_EVT, 0x0F, 4, UNKNOWN_CONNECTION, 1, 0x06, 0x04]);
    }

    #[test]
    fn events_wrap_and_wait_for_room_in_a_small_ring() {
        let mut r = Rig::booted();
        // 71-byte events through a 64-byte ring: the stand-in fills what it
        // can and looks again until the host has read the rest.
        for _ in 0..3 {
            let got = r.cmd(0x1002, &[]);
            assert_eq!(got.len(), 71);
            assert_eq!(&got[..7], &[H4_EVT, 0x0E, 68, 1, 0x02, 0x10, 0]);
        }
    }

    #[test]
    fn garbage_rings_do_not_panic() {
        let mut r = Rig::booted();
        r.host.set16(SHARED + 0x10 + 2, 0xFFFF);
        r.cmac.signal(r.now);
        r.run();
        assert!(!r.cmac.warnings.is_empty());
        r.host.set16(SHARED + 0x10 + 2, 0);
        r.host.set16(SHARED + 0x10, 0);
        r.host.write(&[0x07, 1, 2, 3]);
        r.cmac.signal(r.now);
        r.run();
        assert!(r.cmac.warnings.iter().any(|w| w.contains("0x07")));
    }
}
