//! Raydium RM69310 AMOLED controller on a MIPI-DBI type C (SPI4) link.
//!
//! The command set modelled is the one the ZSband driver and the Dialog SDK's
//! `rm69310.h` use (research/hardware.md §3), plus the MIPI DCS read-backs a
//! driver may probe:
//!
//! * `0xFE` page select: page 0x00 is the user (DCS) page; on any other page
//!   (0x01 = CMD2 P0, 0x04 = GOA timing, …) a command byte is a register
//!   address and its first parameter is stored, so tests can check an init
//!   table. CMD2 P0 register 0x06 holds the number of lines / 4.
//! * NOP, SWRESET, SLPIN/SLPOUT, INVOFF/INVON, DISPOFF/DISPON, IDMOFF/IDMON
//!   (idle: 8 colours), CASET, RASET, RAMWR, RAMWRC, COLMOD (16/18/24 bit),
//!   MADCTL (MY, MX, MV, BGR), TEON/TEOFF, WRDISBV.
//! * Reads: RDDID 0x04 and RDID1-3 0xDA-0xDC (IDs **assumed**, no datasheet
//!   at hand), RDDPM 0x0A, RDDMADCTL 0x0B, RDDCOLMOD 0x0C, RDDISBV 0x52.
//!
//! The controller RAM is 128 columns × 240 lines; the 120×240 glass shows
//! columns 4..=123 (the SDK's CASET 0x04..0x7B). What is on the glass is the
//! RAM scaled by the brightness, or black while asleep or display-off.
//!
//! Assumed (no datasheet): power-on brightness 0x00 and display off, as DCS
//! panels usually come up; 60 Hz frame rate; the TE pulse is high for the
//! first 500 µs of each frame (vertical blanking); MADCTL MX mirrors over the
//! 128 RAM columns and MY over the configured lines.

use std::collections::BTreeMap;
use std::fmt;

use mb4_periph::part::{DbiTarget, Part};
use mb4_periph::time::{Clock, Instant};

use crate::Report;

/// RAM columns in the controller.
pub const RAM_COLUMNS: usize = 128;
/// RAM lines in the controller (the most the CMD2 0x06 register can select here).
pub const RAM_LINES: usize = 240;
/// Width of the glass.
pub const GLASS_WIDTH: usize = 120;
/// Height of the glass.
pub const GLASS_HEIGHT: usize = 240;
/// First RAM column the glass shows.
pub const COLUMN_OFFSET: usize = 4;

/// Frame rate of the TE output (assumed).
pub const FRAME_HZ: u64 = 60;
/// How long TE stays high at the start of each frame (assumed), in ps.
pub const TE_PULSE_PS: u64 = 500_000_000;

/// Assumed identification bytes (RDDID / RDID1-3): manufacturer, version, id.
pub const ID: [u8; 3] = [0x00, 0x80, 0x10];

// DCS commands.
const NOP: u8 = 0x00;
const SWRESET: u8 = 0x01;
const RDDID: u8 = 0x04;
const RDDPM: u8 = 0x0A;
const RDDMADCTL: u8 = 0x0B;
const RDDCOLMOD: u8 = 0x0C;
const SLPIN: u8 = 0x10;
const SLPOUT: u8 = 0x11;
const INVOFF: u8 = 0x20;
const INVON: u8 = 0x21;
const IDMOFF: u8 = 0x38;
const IDMON: u8 = 0x39;
const DISPOFF: u8 = 0x28;
const DISPON: u8 = 0x29;
const CASET: u8 = 0x2A;
const RASET: u8 = 0x2B;
const RAMWR: u8 = 0x2C;
const TEOFF: u8 = 0x34;
const TEON: u8 = 0x35;
const MADCTL: u8 = 0x36;
const COLMOD: u8 = 0x3A;
const RAMWRC: u8 = 0x3C;
const WRDISBV: u8 = 0x51;
const RDDISBV: u8 = 0x52;
const RDID1: u8 = 0xDA;
const RDID2: u8 = 0xDB;
const RDID3: u8 = 0xDC;
const PAGE_SELECT: u8 = 0xFE;

/// User-page commands known to take parameters we only store (SPI WRAM 0xC4, …).
const STORED_USER_COMMANDS: &[u8] = &[0xC4, 0x53, 0x55, 0x44, 0x12, 0x13, 0x30, 0x31];

/// CMD2 page 0 and its line-count register.
const CMD2_P0: u8 = 0x01;
const CMD2_LINES: u8 = 0x06;

/// Pixel formats on the DBI link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    /// 16 bit, two bytes R5G6B5, most significant first.
    Rgb565,
    /// 18 bit, three bytes of which the upper six bits count.
    Rgb666,
    /// 24 bit, three bytes.
    Rgb888,
}

impl PixelFormat {
    fn bytes(self) -> usize {
        match self {
            PixelFormat::Rgb565 => 2,
            _ => 3,
        }
    }

    fn colmod(self) -> u8 {
        match self {
            PixelFormat::Rgb565 => 0x55,
            PixelFormat::Rgb666 => 0x66,
            PixelFormat::Rgb888 => 0x77,
        }
    }

    /// Expand one pixel's bytes to RGB888.
    fn decode(self, b: &[u8]) -> [u8; 3] {
        match self {
            PixelFormat::Rgb565 => {
                let v = u16::from_be_bytes([b[0], b[1]]);
                let r = (v >> 11) as u8 & 0x1F;
                let g = (v >> 5) as u8 & 0x3F;
                let bl = v as u8 & 0x1F;
                [
                    (r << 3) | (r >> 2),
                    (g << 2) | (g >> 4),
                    (bl << 3) | (bl >> 2),
                ]
            }
            PixelFormat::Rgb666 => {
                let six = |x: u8| (x & 0xFC) | (x >> 6);
                [six(b[0]), six(b[1]), six(b[2])]
            }
            PixelFormat::Rgb888 => [b[0], b[1], b[2]],
        }
    }
}

/// The RM69310 model.
pub struct Rm69310 {
    /// Current command page (0xFE).
    page: u8,
    /// Stored manufacturer-page registers: (page, register) → value.
    pages: BTreeMap<(u8, u8), u8>,
    /// Stored parameters of user-page commands we do not act on.
    user: BTreeMap<u8, Vec<u8>>,
    /// The command whose parameters are arriving.
    cmd: Option<u8>,
    /// Parameters received for `cmd` so far.
    params: Vec<u8>,
    asleep: bool,
    display_on: bool,
    inverted: bool,
    idle: bool,
    format: PixelFormat,
    madctl: u8,
    te_on: bool,
    te_mode: u8,
    brightness: u8,
    columns: (u16, u16),
    rows: (u16, u16),
    /// Next RAM write position in logical (column, row).
    cursor: (u16, u16),
    /// Bytes of a pixel not yet complete.
    partial: Vec<u8>,
    /// RGB888 per RAM cell, row-major 128 × 240.
    ram: Vec<[u8; 3]>,
    /// Frame timing: starts at SLPOUT.
    frames: Option<Clock>,
    now: Instant,
    /// Whether the reset pin is held low.
    in_reset: bool,
    reports: Vec<Report>,
    /// Pixels written since power-on (for tests and statistics).
    pixels_written: u64,
}

impl fmt::Debug for Rm69310 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rm69310")
            .field("page", &self.page)
            .field("asleep", &self.asleep)
            .field("display_on", &self.display_on)
            .field("format", &self.format)
            .field("madctl", &self.madctl)
            .field("brightness", &self.brightness)
            .field("columns", &self.columns)
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl Default for Rm69310 {
    fn default() -> Self {
        Self::new()
    }
}

impl Rm69310 {
    /// A controller just powered on: asleep, display off, RAM black.
    pub fn new() -> Rm69310 {
        let mut p = Rm69310 {
            page: 0,
            pages: BTreeMap::new(),
            user: BTreeMap::new(),
            cmd: None,
            params: Vec::new(),
            asleep: true,
            display_on: false,
            inverted: false,
            idle: false,
            format: PixelFormat::Rgb888,
            madctl: 0,
            te_on: false,
            te_mode: 0,
            brightness: 0,
            columns: (0, RAM_COLUMNS as u16 - 1),
            rows: (0, RAM_LINES as u16 - 1),
            cursor: (0, 0),
            partial: Vec::new(),
            ram: vec![[0; 3]; RAM_COLUMNS * RAM_LINES],
            frames: None,
            now: Instant::ZERO,
            in_reset: false,
            reports: Vec::new(),
            pixels_written: 0,
        };
        p.register_reset();
        p
    }

    /// Registers to their reset values (RAM is kept, as DCS leaves it).
    fn register_reset(&mut self) {
        self.page = 0;
        self.pages.clear();
        // Assumed power-on line count: 240 (0x3C), what every known init writes.
        self.pages.insert((CMD2_P0, CMD2_LINES), 0x3C);
        self.user.clear();
        self.cmd = None;
        self.params.clear();
        self.asleep = true;
        self.display_on = false;
        self.inverted = false;
        self.idle = false;
        self.format = PixelFormat::Rgb888;
        self.madctl = 0;
        self.te_on = false;
        self.te_mode = 0;
        self.brightness = 0;
        self.columns = (0, RAM_COLUMNS as u16 - 1);
        self.rows = (0, RAM_LINES as u16 - 1);
        self.cursor = (0, 0);
        self.partial.clear();
        self.frames = None;
    }

    fn report(&mut self, what: String) {
        self.reports.push(Report { at: self.now, what });
    }

    /// Lines the controller drives (CMD2 P0 register 0x06 × 4, at most 240).
    pub fn lines(&self) -> usize {
        let v = self
            .pages
            .get(&(CMD2_P0, CMD2_LINES))
            .copied()
            .unwrap_or(0x3C);
        (v as usize * 4).min(RAM_LINES)
    }

    /// Whether the controller is in sleep mode.
    pub fn asleep(&self) -> bool {
        self.asleep
    }

    /// Whether DISPON is in force.
    pub fn display_on(&self) -> bool {
        self.display_on
    }

    /// WRDISBV value.
    pub fn brightness(&self) -> u8 {
        self.brightness
    }

    /// The pixel format in force.
    pub fn pixel_format(&self) -> PixelFormat {
        self.format
    }

    /// MADCTL value.
    pub fn madctl(&self) -> u8 {
        self.madctl
    }

    /// Whether the TE output is enabled.
    pub fn te_enabled(&self) -> bool {
        self.te_on
    }

    /// A stored manufacturer-page register.
    pub fn page_register(&self, page: u8, reg: u8) -> Option<u8> {
        self.pages.get(&(page, reg)).copied()
    }

    /// Parameters last sent with a stored user-page command (`0xC4`, …).
    pub fn user_command(&self, cmd: u8) -> Option<&[u8]> {
        self.user.get(&cmd).map(Vec::as_slice)
    }

    /// Pixels written to RAM since power-on.
    pub fn pixels_written(&self) -> u64 {
        self.pixels_written
    }

    /// Things a driver did that the controller refuses or we do not model.
    pub fn reports(&self) -> &[Report] {
        &self.reports
    }

    /// The RAM cell at physical (column, line), RGB888, unscaled.
    pub fn ram_pixel(&self, column: usize, line: usize) -> [u8; 3] {
        self.ram[line * RAM_COLUMNS + column]
    }

    /// What the glass shows, RGB888, row-major 120 × 240: RAM columns 4..=123
    /// scaled by brightness; black while asleep, display-off, or beyond the
    /// configured lines.
    pub fn framebuffer(&self) -> Vec<u8> {
        let mut out = vec![0u8; GLASS_WIDTH * GLASS_HEIGHT * 3];
        if self.asleep || !self.display_on || self.in_reset {
            return out;
        }
        let lines = self.lines().min(GLASS_HEIGHT);
        let (inverted, idle) = (self.inverted, self.idle);
        let scale = |c: u8| {
            let c = if inverted { 255 - c } else { c };
            // Idle mode shows 8 colours: the top bit of each channel.
            let c = if idle { (c >> 7) * 255 } else { c };
            ((c as u32 * self.brightness as u32 + 127) / 255) as u8
        };
        let bgr = self.madctl & 0x08 != 0;
        for y in 0..lines {
            for x in 0..GLASS_WIDTH {
                let [r, g, b] = self.ram_pixel(x + COLUMN_OFFSET, y);
                let (r, b) = if bgr { (b, r) } else { (r, b) };
                let i = (y * GLASS_WIDTH + x) * 3;
                out[i..i + 3].copy_from_slice(&[scale(r), scale(g), scale(b)]);
            }
        }
        out
    }

    /// The glass as a PNG image (120 × 240 RGB8).
    pub fn to_png(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut bytes, GLASS_WIDTH as u32, GLASS_HEIGHT as u32);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            // Writing to a Vec cannot fail, and the size matches the header.
            let mut w = enc.write_header().expect("PNG header into a Vec");
            w.write_image_data(&self.framebuffer())
                .expect("PNG data into a Vec");
        }
        bytes
    }

    /// A terminal preview: 60 columns × 60 lines of half blocks, each cell
    /// one 2×4 block of the glass (upper half from the first two lines, lower
    /// from the next two), coloured with 24-bit ANSI escapes.
    pub fn preview_ansi(&self) -> String {
        let fb = self.framebuffer();
        let avg = |x0: usize, y0: usize| -> [u8; 3] {
            let mut s = [0u32; 3];
            for y in y0..y0 + 2 {
                for x in x0..x0 + 2 {
                    let i = (y * GLASS_WIDTH + x) * 3;
                    for c in 0..3 {
                        s[c] += fb[i + c] as u32;
                    }
                }
            }
            [(s[0] / 4) as u8, (s[1] / 4) as u8, (s[2] / 4) as u8]
        };
        let mut out = String::new();
        for cy in 0..GLASS_HEIGHT / 4 {
            for cx in 0..GLASS_WIDTH / 2 {
                let top = avg(cx * 2, cy * 4);
                let bottom = avg(cx * 2, cy * 4 + 2);
                out.push_str(&format!(
                    "\x1b[38;2;{};{};{}m\x1b[48;2;{};{};{}m\u{2580}",
                    top[0], top[1], top[2], bottom[0], bottom[1], bottom[2]
                ));
            }
            out.push_str("\x1b[0m\n");
        }
        out
    }

    /// A physical RAM index for logical (column, row), after MADCTL.
    fn ram_index(&self, col: u16, row: u16) -> Option<usize> {
        let (mut c, mut r) = (col as usize, row as usize);
        if self.madctl & 0x20 != 0 {
            std::mem::swap(&mut c, &mut r);
        }
        let lines = self.lines();
        if self.madctl & 0x40 != 0 {
            c = (RAM_COLUMNS - 1).checked_sub(c)?;
        }
        if self.madctl & 0x80 != 0 {
            r = lines.checked_sub(1)?.checked_sub(r)?;
        }
        (c < RAM_COLUMNS && r < lines).then_some(r * RAM_COLUMNS + c)
    }

    fn write_pixel(&mut self, rgb: [u8; 3]) {
        let (col, row) = self.cursor;
        if let Some(i) = self.ram_index(col, row) {
            self.ram[i] = rgb;
            self.pixels_written += 1;
        }
        // DCS: column advances; past the end column it returns to the start
        // column on the next row; past the end row it returns to the start row.
        let (sc, ec) = self.columns;
        let (sp, ep) = self.rows;
        if col >= ec {
            self.cursor.0 = sc;
            self.cursor.1 = if row >= ep { sp } else { row + 1 };
        } else {
            self.cursor.0 = col + 1;
        }
    }

    fn pixel_bytes(&mut self, bytes: &[u8]) {
        if self.asleep {
            // DCS allows RAM writes in sleep; the RAM keeps them.
        }
        let n = self.format.bytes();
        for &b in bytes {
            self.partial.push(b);
            if self.partial.len() == n {
                let rgb = self.format.decode(&self.partial);
                self.partial.clear();
                self.write_pixel(rgb);
            }
        }
    }

    /// A command with no parameters, or the first byte of one that has some.
    fn begin(&mut self, cmd: u8) {
        match (self.page, cmd) {
            (_, PAGE_SELECT) => {}
            (0, SWRESET) => {
                self.register_reset();
                return;
            }
            (0, SLPIN) => {
                self.asleep = true;
                self.frames = None;
            }
            (0, SLPOUT) => {
                self.asleep = false;
                self.frames = Some(Clock::new(FRAME_HZ, self.now));
            }
            (0, NOP) => {}
            (0, INVOFF) => self.inverted = false,
            (0, INVON) => self.inverted = true,
            (0, IDMOFF) => self.idle = false,
            (0, IDMON) => self.idle = true,
            (0, DISPOFF) => self.display_on = false,
            (0, DISPON) => self.display_on = true,
            (0, TEOFF) => self.te_on = false,
            (0, RAMWR) => {
                self.cursor = (self.columns.0, self.rows.0);
                self.partial.clear();
            }
            (0, RAMWRC) => self.partial.clear(),
            (0, RDDID | RDDPM | RDDMADCTL | RDDCOLMOD | RDDISBV | RDID1 | RDID2 | RDID3) => {}
            (0, CASET | RASET | TEON | MADCTL | COLMOD | WRDISBV) => {}
            (0, c) if STORED_USER_COMMANDS.contains(&c) => {}
            (0, c) => self.report(format!("command {c:#04x} on the user page is not modelled")),
            _ => {}
        }
        self.cmd = Some(cmd);
        self.params.clear();
    }

    fn parameter(&mut self, cmd: u8, b: u8) {
        if cmd == PAGE_SELECT {
            if self.params.is_empty() {
                self.page = b;
            }
            self.params.push(b);
            return;
        }
        if self.page != 0 {
            if self.params.is_empty() {
                self.pages.insert((self.page, cmd), b);
            }
            self.params.push(b);
            return;
        }
        match cmd {
            RAMWR | RAMWRC => return self.pixel_bytes(&[b]),
            _ => self.params.push(b),
        }
        let p = &self.params;
        match (cmd, p.len()) {
            (CASET, 4) | (RASET, 4) => {
                let s = u16::from_be_bytes([p[0], p[1]]);
                let e = u16::from_be_bytes([p[2], p[3]]);
                let (limit, name) = if cmd == CASET {
                    (RAM_COLUMNS as u16, "CASET")
                } else {
                    (RAM_LINES as u16, "RASET")
                };
                if s > e || e >= limit {
                    self.report(format!(
                        "{name} {s}..={e} refused: start after end or end past {}",
                        limit - 1
                    ));
                } else if cmd == CASET {
                    self.columns = (s, e);
                } else {
                    self.rows = (s, e);
                }
            }
            (COLMOD, 1) => {
                let v = p[0];
                // DCS: bits 2:0 are the DBI format (5 = 16, 6 = 18, 7 = 24 bit).
                match v & 0x07 {
                    5 => self.format = PixelFormat::Rgb565,
                    6 => self.format = PixelFormat::Rgb666,
                    7 => self.format = PixelFormat::Rgb888,
                    _ => self.report(format!(
                        "COLMOD {v:#04x} refused: only 16/18/24 bit (0x55/0x66/0x77)"
                    )),
                }
            }
            (MADCTL, 1) => self.madctl = p[0],
            (TEON, 1) => {
                self.te_on = true;
                self.te_mode = p[0];
            }
            (WRDISBV, 1) => self.brightness = p[0],
            (c, 1) if STORED_USER_COMMANDS.contains(&c) => {
                self.user.insert(c, p.clone());
            }
            (c, _) if STORED_USER_COMMANDS.contains(&c) => {
                if let Some(v) = self.user.get_mut(&c) {
                    v.push(b);
                }
            }
            _ => {}
        }
    }

    /// The read-back bytes for a read command.
    fn read_bytes(&self, cmd: u8) -> Vec<u8> {
        match cmd {
            RDDID => ID.to_vec(),
            RDID1 => vec![ID[0]],
            RDID2 => vec![ID[1]],
            RDID3 => vec![ID[2]],
            // Booster on (bit 7) with sleep out, idle (6), sleep out (4),
            // normal mode (3: no partial mode is modelled), display on (2).
            RDDPM => {
                let awake = !self.asleep as u8;
                vec![
                    awake << 7
                        | (self.idle as u8) << 6
                        | awake << 4
                        | 1 << 3
                        | (self.display_on as u8) << 2,
                ]
            }
            RDDMADCTL => vec![self.madctl],
            RDDCOLMOD => vec![self.format.colmod()],
            RDDISBV => vec![self.brightness],
            _ => Vec::new(),
        }
    }

    fn te_level(&self, now: Instant) -> bool {
        let Some(clock) = self.frames.filter(|_| self.te_on && !self.asleep) else {
            return false;
        };
        let n = clock.ticks_at(now);
        now.since(clock.instant_of_tick(n)) < TE_PULSE_PS
    }
}

impl DbiTarget for Rm69310 {
    fn command(&mut self, cmd: u8, now: Instant) {
        self.now = self.now.max(now);
        if self.in_reset {
            return;
        }
        self.begin(cmd);
    }

    fn data(&mut self, bytes: &[u8], now: Instant) {
        self.now = self.now.max(now);
        if self.in_reset {
            return;
        }
        let Some(cmd) = self.cmd else {
            self.report(format!("{} data bytes with no command", bytes.len()));
            return;
        };
        if self.page == 0 && (cmd == RAMWR || cmd == RAMWRC) {
            return self.pixel_bytes(bytes);
        }
        for &b in bytes {
            self.parameter(cmd, b);
        }
    }

    fn read(&mut self, n: usize, now: Instant) -> Vec<u8> {
        self.now = self.now.max(now);
        let cmd = self.cmd.unwrap_or(0);
        let mut v = if self.in_reset {
            Vec::new()
        } else {
            self.read_bytes(cmd)
        };
        if v.is_empty() {
            self.report(format!(
                "read of {n} bytes after {cmd:#04x}, which returns nothing"
            ));
        }
        v.resize(n, 0);
        v
    }
}

impl Part for Rm69310 {
    fn model(&self) -> &'static str {
        "rm69310"
    }

    fn reset(&mut self) {
        *self = Rm69310::new();
    }

    fn next_event(&self) -> Option<Instant> {
        let clock = self.frames.filter(|_| self.te_on && !self.asleep)?;
        let n = clock.ticks_at(self.now);
        let rise = clock.instant_of_tick(n);
        let fall = Instant(rise.0 + TE_PULSE_PS);
        Some(if self.now < fall {
            fall
        } else {
            clock.instant_of_tick(n + 1)
        })
    }

    fn advance(&mut self, now: Instant) {
        self.now = self.now.max(now);
    }

    fn output(&self, role: &str) -> Option<bool> {
        (role == "te").then(|| self.te_level(self.now))
    }

    fn input(&mut self, role: &str, level: bool, now: Instant) {
        self.now = self.now.max(now);
        if role == "reset" {
            // RESX low holds the controller in reset; registers return to
            // their defaults. RAM is kept (its content after reset is undefined).
            if !level {
                self.register_reset();
            }
            self.in_reset = !level;
        }
    }

    fn as_dbi(&mut self) -> Option<&mut dyn DbiTarget> {
        Some(self)
    }

    fn take_reports(&mut self) -> Vec<String> {
        std::mem::take(&mut self.reports)
            .into_iter()
            .map(|r| r.to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Instant = Instant::ZERO;

    fn cmd(p: &mut Rm69310, c: u8, params: &[u8]) {
        p.command(c, T);
        if !params.is_empty() {
            p.data(params, T);
        }
    }

    /// The init sequence of research/hardware.md §3 (ZSband / Dialog SDK).
    fn init(p: &mut Rm69310, colmod: u8) {
        cmd(p, PAGE_SELECT, &[0x01]);
        cmd(p, 0x04, &[0xA0]);
        cmd(p, 0x05, &[0x70]);
        cmd(p, 0x06, &[0x3C]);
        cmd(p, PAGE_SELECT, &[0x00]);
        cmd(p, 0xC4, &[0x80]);
        cmd(p, COLMOD, &[colmod]);
        cmd(p, TEON, &[0x00]);
        cmd(p, WRDISBV, &[0xFF]);
        cmd(p, SLPOUT, &[]);
        cmd(p, DISPON, &[]);
    }

    fn window(p: &mut Rm69310, x0: u16, x1: u16, y0: u16, y1: u16) {
        let c = |a: u16, b: u16| [(a >> 8) as u8, a as u8, (b >> 8) as u8, b as u8];
        cmd(p, CASET, &c(x0, x1));
        cmd(p, RASET, &c(y0, y1));
    }

    fn glass(p: &Rm69310, x: usize, y: usize) -> [u8; 3] {
        let fb = p.framebuffer();
        let i = (y * GLASS_WIDTH + x) * 3;
        [fb[i], fb[i + 1], fb[i + 2]]
    }

    const BARS: [[u8; 3]; 8] = [
        [255, 255, 255],
        [255, 255, 0],
        [0, 255, 255],
        [0, 255, 0],
        [255, 0, 255],
        [255, 0, 0],
        [0, 0, 255],
        [0, 0, 0],
    ];

    fn rgb565(c: [u8; 3]) -> [u8; 2] {
        let v = ((c[0] as u16 >> 3) << 11) | ((c[1] as u16 >> 2) << 5) | (c[2] as u16 >> 3);
        v.to_be_bytes()
    }

    /// Eight vertical colour bars, 15 columns each, sent as RGB565 in one RAMWR.
    fn colour_bars() -> Rm69310 {
        let mut p = Rm69310::new();
        init(&mut p, 0x55);
        window(&mut p, 4, 123, 0, 239);
        cmd(&mut p, RAMWR, &[]);
        let mut frame = Vec::new();
        for _y in 0..240 {
            for x in 0..120 {
                frame.extend_from_slice(&rgb565(BARS[x / 15]));
            }
        }
        // Sent in uneven chunks, as a DMA might split it.
        for chunk in frame.chunks(333) {
            p.data(chunk, T);
        }
        p
    }

    #[test]
    fn init_table_is_stored_and_lines_follow_register_6() {
        let mut p = Rm69310::new();
        init(&mut p, 0x55);
        assert_eq!(p.page_register(0x01, 0x04), Some(0xA0));
        assert_eq!(p.page_register(0x01, 0x05), Some(0x70));
        assert_eq!(p.lines(), 240);
        assert_eq!(p.user_command(0xC4), Some(&[0x80][..]));
        assert_eq!(p.pixel_format(), PixelFormat::Rgb565);
        assert!(!p.asleep() && p.display_on());
        cmd(&mut p, PAGE_SELECT, &[0x01]);
        cmd(&mut p, 0x06, &[0x28]);
        assert_eq!(p.lines(), 160);
        assert!(p.reports().is_empty(), "{:?}", p.reports());
    }

    #[test]
    fn colour_bars_decode_to_the_pixels_sent() {
        let p = colour_bars();
        for (i, bar) in BARS.iter().enumerate() {
            for y in [0, 119, 239] {
                assert_eq!(glass(&p, i * 15, y), *bar, "bar {i} left edge, line {y}");
                assert_eq!(
                    glass(&p, i * 15 + 14, y),
                    *bar,
                    "bar {i} right edge, line {y}"
                );
            }
        }
        // The 4 hidden columns on each side were not written.
        assert_eq!(p.ram_pixel(3, 0), [0, 0, 0]);
        assert_eq!(p.ram_pixel(124, 0), [0, 0, 0]);
        assert_eq!(p.pixels_written(), 120 * 240);
    }

    #[test]
    fn colour_bars_png_golden() {
        let p = colour_bars();
        let png_bytes = p.to_png();
        // Decode our PNG and compare every pixel to the bars we drew.
        let dec = png::Decoder::new(std::io::Cursor::new(&png_bytes));
        let mut reader = dec.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (120, 240));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        for y in 0..240 {
            for x in 0..120 {
                let i = (y * 120 + x) * 3;
                assert_eq!(buf[i..i + 3], BARS[x / 15], "pixel {x},{y}");
            }
        }
        // And the golden file in the repo decodes to the same pixels
        // (MB4_UPDATE_GOLDEN=1 rewrites it).
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/golden/rm69310_colour_bars.png"
        );
        if std::env::var_os("MB4_UPDATE_GOLDEN").is_some() {
            std::fs::write(path, &png_bytes).unwrap();
        }
        let golden = std::fs::read(path).expect("golden PNG (MB4_UPDATE_GOLDEN=1 makes it)");
        let mut r = png::Decoder::new(std::io::Cursor::new(&golden[..]))
            .read_info()
            .unwrap();
        let mut gbuf = vec![0; r.output_buffer_size()];
        r.next_frame(&mut gbuf).unwrap();
        assert_eq!(gbuf, buf, "golden PNG differs from the bars drawn");
    }

    #[test]
    fn black_when_asleep_or_display_off_and_scaled_by_brightness() {
        let mut p = colour_bars();
        assert_eq!(glass(&p, 0, 0), [255, 255, 255]);
        cmd(&mut p, WRDISBV, &[0x80]);
        assert_eq!(glass(&p, 0, 0), [128, 128, 128]);
        cmd(&mut p, DISPOFF, &[]);
        assert_eq!(glass(&p, 0, 0), [0, 0, 0]);
        cmd(&mut p, DISPON, &[]);
        cmd(&mut p, SLPIN, &[]);
        assert!(p.framebuffer().iter().all(|&b| b == 0));
        cmd(&mut p, SLPOUT, &[]);
        assert_eq!(glass(&p, 0, 0), [128, 128, 128], "RAM survives sleep");
    }

    /// ZSband's rm69xxx driver: CMD2 page 1 (SPIWRAM 0xA0, 128 columns,
    /// 240/4 lines), user page, SPI WRAM, IDMOFF, DISPOFF, COLMOD, TEON,
    /// brightness, SLPOUT, INVOFF, DISPON; then a write through its window.
    #[test]
    fn zsband_driver_init_is_understood() {
        let mut p = Rm69310::new();
        for (c, params) in [
            (PAGE_SELECT, &[0x01][..]),
            (0x04, &[0xA0]),
            (0x05, &[0x70]),
            (0x06, &[60]),
            (PAGE_SELECT, &[0x00]),
            (0xC4, &[0x80]),
            (IDMOFF, &[]),
            (DISPOFF, &[]),
            (COLMOD, &[0x55]),
            (TEON, &[0x00]),
            (WRDISBV, &[0xFF]),
            (SLPOUT, &[]),
            (INVOFF, &[]),
            (DISPON, &[]),
        ] {
            cmd(&mut p, c, params);
        }
        // x_offset 4: a 1x1 write at (0, 0) lands in RAM column 4.
        window(&mut p, 4, 4, 0, 0);
        cmd(&mut p, RAMWR, &[0xF8, 0x00]);
        assert_eq!(glass(&p, 0, 0), [255, 0, 0]);
        assert!(p.reports().is_empty(), "{:?}", p.reports());
    }

    #[test]
    fn inversion_and_idle_mode_change_the_glass_not_the_ram() {
        let mut p = colour_bars();
        cmd(&mut p, INVON, &[]);
        assert_eq!(glass(&p, 15, 0), [0, 0, 255], "yellow inverted");
        cmd(&mut p, INVOFF, &[]);
        cmd(&mut p, IDMON, &[]);
        // RGB565 yellow decodes to (255, 255, 0): already 8-colour.
        assert_eq!(glass(&p, 15, 0), [255, 255, 0]);
        window(&mut p, 4, 4, 0, 0);
        cmd(&mut p, RAMWR, &rgb565([200, 100, 30]));
        assert_eq!(glass(&p, 0, 0), [255, 0, 0], "idle keeps the top bits");
        cmd(&mut p, IDMOFF, &[]);
        assert_ne!(glass(&p, 0, 0), [255, 0, 0]);
        assert!(p.reports().is_empty(), "{:?}", p.reports());
    }

    #[test]
    fn window_writes_wrap_to_the_window_start() {
        let mut p = Rm69310::new();
        init(&mut p, 0x77);
        window(&mut p, 10, 11, 20, 21);
        cmd(&mut p, RAMWR, &[]);
        // 5 pixels into a 2×2 window: the 5th wraps to (10, 20).
        for v in 1..=5u8 {
            p.data(&[v, 0, 0], T);
        }
        assert_eq!(p.ram_pixel(10, 20), [5, 0, 0]);
        assert_eq!(p.ram_pixel(11, 20), [2, 0, 0]);
        assert_eq!(p.ram_pixel(10, 21), [3, 0, 0]);
        assert_eq!(p.ram_pixel(11, 21), [4, 0, 0]);
        assert_eq!(p.ram_pixel(12, 20), [0, 0, 0]);
        // RAMWRC continues where the last write stopped.
        cmd(&mut p, RAMWRC, &[]);
        p.data(&[9, 0, 0], T);
        assert_eq!(p.ram_pixel(11, 20), [9, 0, 0]);
        // RAMWR starts again at the window start.
        cmd(&mut p, RAMWR, &[]);
        p.data(&[7, 0, 0], T);
        assert_eq!(p.ram_pixel(10, 20), [7, 0, 0]);
    }

    #[test]
    fn rgb666_uses_the_upper_six_bits() {
        let mut p = Rm69310::new();
        init(&mut p, 0x66);
        window(&mut p, 4, 4, 0, 0);
        cmd(&mut p, RAMWR, &[0xFF, 0x83, 0x03]);
        assert_eq!(p.ram_pixel(4, 0), [0xFF, 0x82, 0x00]);
    }

    #[test]
    fn bad_colmod_and_window_are_refused_and_reported() {
        let mut p = Rm69310::new();
        init(&mut p, 0x55);
        cmd(&mut p, COLMOD, &[0x11]);
        assert_eq!(p.pixel_format(), PixelFormat::Rgb565);
        window(&mut p, 100, 200, 0, 10);
        let r = p.take_reports();
        assert_eq!(r.len(), 2, "{r:?}");
        assert!(r[0].contains("COLMOD 0x11"), "{r:?}");
        assert!(r[1].contains("CASET 100..=200"), "{r:?}");
    }

    #[test]
    fn madctl_mirrors_and_swaps() {
        let mut p = Rm69310::new();
        init(&mut p, 0x77);
        cmd(&mut p, MADCTL, &[0x40]); // MX
        window(&mut p, 0, 0, 0, 0);
        cmd(&mut p, RAMWR, &[1, 2, 3]);
        assert_eq!(p.ram_pixel(127, 0), [1, 2, 3]);
        cmd(&mut p, MADCTL, &[0x80]); // MY
        cmd(&mut p, RAMWR, &[4, 5, 6]);
        assert_eq!(p.ram_pixel(0, 239), [4, 5, 6]);
        cmd(&mut p, MADCTL, &[0x20]); // MV: logical column is the RAM line
        window(&mut p, 7, 7, 9, 9);
        cmd(&mut p, RAMWR, &[7, 8, 9]);
        assert_eq!(p.ram_pixel(9, 7), [7, 8, 9]);
        p.command(RDDMADCTL, T);
        assert_eq!(p.read(1, T), vec![0x20]);
    }

    #[test]
    fn ids_and_status_read_back() {
        let mut p = Rm69310::new();
        p.command(RDDID, T);
        assert_eq!(p.read(3, T), ID.to_vec());
        p.command(RDID2, T);
        assert_eq!(p.read(1, T), vec![ID[1]]);
        p.command(RDDPM, T);
        assert_eq!(p.read(1, T), vec![0x08], "asleep, display off");
        init(&mut p, 0x55);
        p.command(RDDPM, T);
        assert_eq!(p.read(1, T), vec![0x9C]);
        p.command(RDDCOLMOD, T);
        assert_eq!(p.read(1, T), vec![0x55]);
        p.command(RDDISBV, T);
        assert_eq!(p.read(1, T), vec![0xFF]);
    }

    #[test]
    fn swreset_and_reset_pin_restore_defaults() {
        let mut p = colour_bars();
        cmd(&mut p, SWRESET, &[]);
        assert!(p.asleep() && !p.display_on());
        assert_eq!(p.brightness(), 0);
        assert_eq!(p.ram_pixel(4, 0), [255, 255, 255], "RAM kept");
        init(&mut p, 0x55);
        p.input("reset", false, T);
        cmd(&mut p, DISPON, &[]);
        assert!(!p.display_on(), "commands ignored in reset");
        p.input("reset", true, T);
        assert!(p.asleep());
    }

    #[test]
    fn te_pulses_at_the_frame_rate_once_enabled() {
        let mut p = Rm69310::new();
        assert_eq!(p.output("te"), Some(false));
        assert_eq!(p.next_event(), None);
        init(&mut p, 0x55); // SLPOUT at t = 0 starts frame timing
        p.advance(Instant::from_micros(100));
        assert_eq!(p.output("te"), Some(true));
        assert_eq!(p.next_event(), Some(Instant(TE_PULSE_PS)));
        p.advance(Instant::from_micros(600));
        assert_eq!(p.output("te"), Some(false));
        let next = p.next_event().unwrap();
        assert_eq!(next, Clock::new(60, Instant::ZERO).instant_of_tick(1));
        // Count rising edges in (0.6 ms, 1 s] by following next_event:
        // frames 1..=60.
        let mut rises = 0;
        let mut level = false;
        let mut t = next;
        while t <= Instant::from_secs(1) {
            p.advance(t);
            let now = p.output("te").unwrap();
            if now && !level {
                rises += 1;
            }
            level = now;
            t = p.next_event().unwrap();
        }
        assert_eq!(rises, 60);
        cmd(&mut p, TEOFF, &[]);
        assert_eq!(p.output("te"), Some(false));
        assert_eq!(p.next_event(), None);
    }

    #[test]
    fn preview_is_sixty_columns_of_half_blocks() {
        let p = colour_bars();
        let s = p.preview_ansi();
        assert_eq!(s.lines().count(), 60);
        assert_eq!(s.lines().next().unwrap().matches('\u{2580}').count(), 60);
        assert!(s.starts_with("\x1b[38;2;255;255;255m"));
    }
}
