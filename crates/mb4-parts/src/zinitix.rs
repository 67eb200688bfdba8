//! Zinitix touch controller on I²C (the band's exact part is unknown:
//! research/hardware.md §3 has only the vendor name). Modelled on the BT541
//! register interface as the Linux `zinitix` touchscreen driver uses it
//! (register addresses, commands and status bits checked against public
//! copies of that driver: confidence **S**); the identification values, the
//! power-on INT_ENABLE_FLAG and the point record's width byte are **assumed**.
//!
//! Framing: every access starts with a 16-bit register address, little
//! endian. Registers are 16-bit words; a read streams words from the address
//! on, each little endian; a write after the address stores words. An
//! address alone with no data, in 0x0000-0x000F, is a command:
//! 0x0000 SWRESET, 0x0001 WAKEUP, 0x0003 CLEAR_INT_STATUS, 0x0004 IDLE,
//! 0x0005 SLEEP; the others are accepted and ignored.
//!
//! | reg | name | modelled |
//! |---|---|---|
//! | 0x0011 | CHIP_REVISION | 0x0541 (assumed) |
//! | 0x0012 | FIRMWARE_VERSION | 0x0001 (assumed) |
//! | 0x0013 | DATA_VERSION | 0x0001 (assumed) |
//! | 0x0014 | HW_ID | 0x0541 (assumed) |
//! | 0x0015 | SUPPORTED_FINGER_NUM | 1 |
//! | 0x0080.. | POINT_STATUS | status, finger mask + time stamp, then x, y, width + sub-status, minor width + angle |
//! | 0x00AA | ICON_STATUS | bit n: key n down |
//! | 0x00B0 | BUTTON_SUPPORTED_NUM | keys (board config `keys`) |
//! | 0x00C0, 0x00C1 | X/Y_RESOLUTION | board config `width`/`height`; writable |
//! | 0x00F0 | INT_ENABLE_FLAG | status bits that assert INT (power-on: all, assumed) |
//!
//! Status bits (word 0x0080): 0 point count changed, 1 down, 2 move, 3 up,
//! 11 point exists, 15 icon (key) event. Sub-status of point 0: 0 exists,
//! 1 down, 2 move, 3 up. INT (`int`) is low while an enabled event is
//! pending, until the host sends CLEAR_INT_STATUS. `reset` low holds the
//! part in reset (no ACK).

use mb4_periph::part::{I2cTarget, Part};
use mb4_periph::time::Instant;

const CHIP_REVISION: u16 = 0x0011;
const FIRMWARE_VERSION: u16 = 0x0012;
const DATA_VERSION: u16 = 0x0013;
const HW_ID: u16 = 0x0014;
const SUPPORTED_FINGER_NUM: u16 = 0x0015;
const POINT_STATUS: u16 = 0x0080;
const ICON_STATUS: u16 = 0x00AA;
const BUTTON_SUPPORTED_NUM: u16 = 0x00B0;
const X_RESOLUTION: u16 = 0x00C0;
const Y_RESOLUTION: u16 = 0x00C1;
const INT_ENABLE_FLAG: u16 = 0x00F0;

const CMD_SWRESET: u16 = 0x0000;
const CMD_WAKEUP: u16 = 0x0001;
const CMD_CLEAR_INT: u16 = 0x0003;
const CMD_SLEEP: u16 = 0x0005;

/// Status bits of word 0x0080.
pub mod status {
    /// The number of points changed.
    pub const PT_CNT_CHANGE: u16 = 1 << 0;
    /// A finger went down.
    pub const DOWN: u16 = 1 << 1;
    /// A finger moved.
    pub const MOVE: u16 = 1 << 2;
    /// A finger lifted.
    pub const UP: u16 = 1 << 3;
    /// At least one point is reported.
    pub const PT_EXIST: u16 = 1 << 11;
    /// A touch key changed.
    pub const ICON_EVENT: u16 = 1 << 15;
}

/// Sub-status bits of a point.
pub mod sub_status {
    /// The point is valid.
    pub const EXIST: u8 = 1 << 0;
    /// It went down.
    pub const DOWN: u8 = 1 << 1;
    /// It moved.
    pub const MOVE: u8 = 1 << 2;
    /// It lifted.
    pub const UP: u8 = 1 << 3;
}

/// The touch controller model.
#[derive(Debug)]
pub struct Zinitix {
    width: u16,
    height: u16,
    keys: u16,
    resolution: (u16, u16),
    int_enable: u16,
    /// Pending event words (cleared by CLEAR_INT_STATUS).
    status: u16,
    sub_status: u8,
    icons: u16,
    finger: Option<(u16, u16)>,
    last: (u16, u16),
    asleep: bool,
    in_reset: bool,
    /// I²C: address bytes so far, the address, data bytes of a write.
    addr_bytes: usize,
    addr: u16,
    data: Vec<u8>,
    read_byte: usize,
    time_stamp: u8,
}

impl Zinitix {
    /// A controller for a `width` × `height` panel with `keys` touch keys.
    pub fn new(width: u16, height: u16, keys: u16) -> Zinitix {
        Zinitix {
            width,
            height,
            keys,
            resolution: (width, height),
            int_enable: 0xFFFF,
            status: 0,
            sub_status: 0,
            icons: 0,
            finger: None,
            last: (0, 0),
            asleep: false,
            in_reset: false,
            addr_bytes: 0,
            addr: 0,
            data: Vec::new(),
            read_byte: 0,
            time_stamp: 0,
        }
    }

    // ---- physics ----

    /// A finger at (x, y) on the glass (a press, or a move if already down).
    /// Coordinates are clamped to the panel.
    pub fn touch(&mut self, x: u16, y: u16) {
        if self.asleep || self.in_reset {
            return;
        }
        let p = (
            x.min(self.width.saturating_sub(1)),
            y.min(self.height.saturating_sub(1)),
        );
        if self.finger.is_some() {
            self.status |= status::MOVE | status::PT_EXIST;
            self.sub_status |= sub_status::EXIST | sub_status::MOVE;
        } else {
            self.status |= status::PT_CNT_CHANGE | status::DOWN | status::PT_EXIST;
            self.sub_status = sub_status::EXIST | sub_status::DOWN;
        }
        self.finger = Some(p);
        self.last = p;
        self.time_stamp = self.time_stamp.wrapping_add(1);
    }

    /// The finger lifts.
    pub fn release(&mut self) {
        if self.finger.take().is_some() {
            self.status |= status::PT_CNT_CHANGE | status::UP;
            self.status &= !status::PT_EXIST;
            self.sub_status = sub_status::UP;
            self.time_stamp = self.time_stamp.wrapping_add(1);
        }
    }

    /// The capacitive key below the screen goes down.
    pub fn press_key(&mut self) {
        if self.keys > 0 && !self.asleep && !self.in_reset {
            self.icons |= 1;
            self.status |= status::ICON_EVENT;
        }
    }

    /// The key comes up.
    pub fn release_key(&mut self) {
        if self.icons & 1 != 0 {
            self.icons &= !1;
            self.status |= status::ICON_EVENT;
        }
    }

    /// Whether an event waits for the host.
    pub fn pending(&self) -> bool {
        self.status & self.int_enable != 0
    }

    // ---- internals ----

    fn word(&self, reg: u16) -> u16 {
        let (x, y) = self.last;
        match reg {
            CHIP_REVISION | HW_ID => 0x0541,
            FIRMWARE_VERSION | DATA_VERSION => 0x0001,
            SUPPORTED_FINGER_NUM => 1,
            POINT_STATUS => self.status,
            0x0081 => (self.time_stamp as u16) << 8 | self.finger.is_some() as u16,
            0x0082 => x,
            0x0083 => y,
            0x0084 => (self.sub_status as u16) << 8 | 5, // width 5 (assumed)
            ICON_STATUS => self.icons,
            BUTTON_SUPPORTED_NUM => self.keys,
            X_RESOLUTION => self.resolution.0,
            Y_RESOLUTION => self.resolution.1,
            INT_ENABLE_FLAG => self.int_enable,
            _ => 0,
        }
    }

    fn write_word(&mut self, reg: u16, v: u16) {
        match reg {
            X_RESOLUTION => self.resolution.0 = v,
            Y_RESOLUTION => self.resolution.1 = v,
            INT_ENABLE_FLAG => self.int_enable = v,
            _ => {}
        }
    }

    fn command(&mut self, cmd: u16) {
        match cmd {
            CMD_SWRESET => {
                let (w, h, k) = (self.width, self.height, self.keys);
                *self = Zinitix::new(w, h, k);
            }
            CMD_WAKEUP => self.asleep = false,
            CMD_SLEEP => self.asleep = true,
            CMD_CLEAR_INT => {
                self.status = 0;
                self.sub_status &= sub_status::EXIST;
            }
            _ => {}
        }
    }
}

impl I2cTarget for Zinitix {
    fn start(&mut self, read: bool, _now: Instant) -> bool {
        if self.in_reset {
            return false;
        }
        if !read {
            self.addr_bytes = 0;
            self.data.clear();
        }
        self.read_byte = 0;
        true
    }

    fn write(&mut self, byte: u8, _now: Instant) -> bool {
        if self.addr_bytes < 2 {
            if self.addr_bytes == 0 {
                self.addr = byte as u16;
            } else {
                self.addr |= (byte as u16) << 8;
            }
            self.addr_bytes += 1;
            return true;
        }
        self.data.push(byte);
        if self.data.len() == 2 {
            let v = u16::from_le_bytes([self.data[0], self.data[1]]);
            self.write_word(self.addr, v);
            self.addr = self.addr.wrapping_add(1);
            self.data.clear();
        }
        true
    }

    fn read(&mut self, _now: Instant) -> u8 {
        let reg = self.addr.wrapping_add((self.read_byte / 2) as u16);
        let b = self.word(reg).to_le_bytes()[self.read_byte % 2];
        self.read_byte += 1;
        b
    }

    fn stop(&mut self, _now: Instant) {
        // An address alone, never followed by a read, is a command.
        if self.addr_bytes == 2 && self.data.is_empty() && self.read_byte == 0 && self.addr < 0x10 {
            self.command(self.addr);
        }
        self.addr_bytes = 0;
        self.data.clear();
    }
}

impl Part for Zinitix {
    fn model(&self) -> &'static str {
        "zinitix"
    }

    fn reset(&mut self) {
        *self = Zinitix::new(self.width, self.height, self.keys);
    }

    fn output(&self, role: &str) -> Option<bool> {
        (role == "int").then(|| !self.pending())
    }

    fn input(&mut self, role: &str, level: bool, _now: Instant) {
        if role == "reset" {
            if !level {
                self.reset();
            }
            self.in_reset = !level;
        }
    }

    fn as_i2c(&mut self) -> Option<&mut dyn I2cTarget> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Instant = Instant::ZERO;

    fn read(z: &mut Zinitix, reg: u16, n: usize) -> Vec<u8> {
        z.start(false, T);
        z.write(reg as u8, T);
        z.write((reg >> 8) as u8, T);
        z.start(true, T);
        let v = (0..n).map(|_| z.read(T)).collect();
        z.stop(T);
        v
    }

    fn command(z: &mut Zinitix, cmd: u16) {
        z.start(false, T);
        z.write(cmd as u8, T);
        z.write((cmd >> 8) as u8, T);
        z.stop(T);
    }

    fn word(b: &[u8], i: usize) -> u16 {
        u16::from_le_bytes([b[2 * i], b[2 * i + 1]])
    }

    #[test]
    fn identification_and_resolution() {
        let mut z = Zinitix::new(120, 240, 1);
        assert_eq!(word(&read(&mut z, CHIP_REVISION, 2), 0), 0x0541);
        let r = read(&mut z, X_RESOLUTION, 4);
        assert_eq!((word(&r, 0), word(&r, 1)), (120, 240));
        assert_eq!(word(&read(&mut z, BUTTON_SUPPORTED_NUM, 2), 0), 1);
        // A word write: address, then value LE.
        z.start(false, T);
        for b in [0xC0, 0x00, 0x78, 0x00, 0xF0, 0x00] {
            z.write(b, T);
        }
        z.stop(T);
        let r = read(&mut z, X_RESOLUTION, 4);
        assert_eq!((word(&r, 0), word(&r, 1)), (120, 240));
    }

    #[test]
    fn touch_move_release_with_int_until_cleared() {
        let mut z = Zinitix::new(120, 240, 1);
        assert_eq!(z.output("int"), Some(true), "idle high");
        z.touch(30, 200);
        assert_eq!(z.output("int"), Some(false));
        let e = read(&mut z, POINT_STATUS, 10);
        assert_eq!(
            word(&e, 0),
            status::PT_CNT_CHANGE | status::DOWN | status::PT_EXIST
        );
        assert_eq!(e[2] & 1, 1, "finger 0 in the mask");
        assert_eq!((word(&e, 2), word(&e, 3)), (30, 200));
        assert_eq!(e[9], sub_status::EXIST | sub_status::DOWN);
        assert_eq!(z.output("int"), Some(false), "reading does not clear");
        command(&mut z, CMD_CLEAR_INT);
        assert_eq!(z.output("int"), Some(true));
        z.touch(31, 190);
        let e = read(&mut z, POINT_STATUS, 10);
        assert_eq!(word(&e, 0), status::MOVE | status::PT_EXIST);
        assert_eq!(e[9] & sub_status::MOVE, sub_status::MOVE);
        command(&mut z, CMD_CLEAR_INT);
        z.release();
        let e = read(&mut z, POINT_STATUS, 10);
        assert_eq!(word(&e, 0), status::PT_CNT_CHANGE | status::UP);
        assert_eq!(e[9], sub_status::UP);
        assert_eq!((word(&e, 2), word(&e, 3)), (31, 190), "where it lifted");
    }

    #[test]
    fn key_below_the_screen() {
        let mut z = Zinitix::new(120, 240, 1);
        z.press_key();
        assert_eq!(z.output("int"), Some(false));
        assert_eq!(word(&read(&mut z, POINT_STATUS, 2), 0), status::ICON_EVENT);
        assert_eq!(word(&read(&mut z, ICON_STATUS, 2), 0), 1);
        command(&mut z, CMD_CLEAR_INT);
        z.release_key();
        assert_eq!(z.output("int"), Some(false));
        assert_eq!(word(&read(&mut z, ICON_STATUS, 2), 0), 0);
    }

    #[test]
    fn masked_events_do_not_interrupt_and_sleep_ignores_touches() {
        let mut z = Zinitix::new(120, 240, 1);
        z.start(false, T);
        for b in [0xF0, 0x00, 0x00, 0x80] {
            z.write(b, T); // only icon events
        }
        z.stop(T);
        z.touch(1, 1);
        assert_eq!(z.output("int"), Some(true));
        command(&mut z, CMD_SLEEP);
        z.press_key();
        assert_eq!(z.output("int"), Some(true));
        z.input("reset", false, T);
        assert!(!z.start(false, T), "no ACK in reset");
    }
}
