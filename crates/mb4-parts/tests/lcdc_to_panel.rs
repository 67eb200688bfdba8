//! The SoC's LCDC model driving the RM69310 model: the band demo's init
//! sequence (research/hardware.md §3) as command bytes through
//! `LCDC_DBIB_CMD_REG`, then one RGB565 frame by layer-0 DMA from RAM, and
//! the glass shows the frame buffer.

use mb4_parts::rm69310::{GLASS_HEIGHT, GLASS_WIDTH, Rm69310};
use mb4_periph::device::{Context, Device, IrqLines};
use mb4_periph::time::Instant;
use mb4_soc::periph::lcdc::{Lcdc, regs::*};

const RAM: u32 = 0x2000_0000;
const FULL: u32 = 1 << 11;

struct Bench {
    lcdc: Lcdc,
    irqs: IrqLines,
    now: Instant,
    ram: Vec<u8>,
    panel: Rm69310,
}

impl Bench {
    fn service(&mut self) {
        let ram = &self.ram;
        let mut mem = |addr: u32, buf: &mut [u8]| -> Result<(), u32> {
            let start = addr.checked_sub(RAM).ok_or(addr)? as usize;
            let src = ram.get(start..start + buf.len()).ok_or(addr)?;
            buf.copy_from_slice(src);
            Ok(())
        };
        self.lcdc.service(&mut mem, &mut self.panel);
    }

    fn write(&mut self, offset: u32, value: u32) {
        let mut cx = Context {
            now: self.now,
            irqs: &mut self.irqs,
        };
        self.lcdc.write(offset, 4, value, &mut cx).unwrap();
        self.service();
    }

    fn read(&mut self, offset: u32) -> u32 {
        let mut cx = Context {
            now: self.now,
            irqs: &mut self.irqs,
        };
        let v = self.lcdc.read(offset, 4, &mut cx).unwrap();
        self.service();
        v
    }

    fn advance_to(&mut self, t: Instant) {
        self.now = self.now.max(t);
        let mut cx = Context {
            now: self.now,
            irqs: &mut self.irqs,
        };
        self.lcdc.advance(&mut cx);
        self.service();
    }

    fn run_until_idle(&mut self) {
        while let Some(t) = self.lcdc.next_event() {
            self.advance_to(t);
        }
    }

    /// One byte into the command FIFO, waiting while it is full.
    fn send(&mut self, command: bool, byte: u8) {
        while self.read(LCDC_STATUS_REG::OFFSET) & FULL != 0 {
            let t = self.lcdc.next_event().expect("a full FIFO drains");
            self.advance_to(t);
        }
        self.write(
            LCDC_DBIB_CMD_REG::OFFSET,
            (command as u32) << 30 | byte as u32,
        );
    }

    fn command(&mut self, cmd: u8, params: &[u8]) {
        self.send(true, cmd);
        for &p in params {
            self.send(false, p);
        }
    }
}

fn rgb565(r: u8, g: u8, b: u8) -> u16 {
    (r as u16 >> 3) << 11 | (g as u16 >> 2) << 5 | b as u16 >> 3
}

#[test]
fn demo_init_and_one_frame_reach_the_glass() {
    let mut b = Bench {
        lcdc: Lcdc::new(),
        irqs: IrqLines::default(),
        now: Instant::ZERO,
        ram: vec![0; GLASS_WIDTH * GLASS_HEIGHT * 2],
        panel: Rm69310::new(),
    };
    // SPI4, RGB565 output (as the LCDC model's own tests configure it).
    b.write(
        LCDC_DBIB_CFG_REG::OFFSET,
        1 << 22 | 1 << 24 | 1 << 25 | 1 << 31 | 0x12,
    );
    // The init sequence the band demo sends.
    b.command(0xFE, &[0x01]);
    b.command(0x04, &[0xA0]);
    b.command(0x05, &[0x70]);
    b.command(0x06, &[0x3C]);
    b.command(0xFE, &[0x00]);
    b.command(0xC4, &[0x80]);
    b.command(0x3A, &[0x55]);
    b.command(0x35, &[0x00]);
    b.command(0x51, &[0xFF]);
    b.command(0x11, &[]);
    b.command(0x29, &[]);
    b.command(0x2A, &[0x00, 0x04, 0x00, 0x7B]);
    b.command(0x2B, &[0x00, 0x00, 0x00, 0xEF]);
    b.run_until_idle();
    assert!(!b.panel.asleep() && b.panel.display_on());
    assert_eq!(b.panel.page_register(0x01, 0x06), Some(0x3C));

    // A frame buffer: red top half, a green/blue split bottom half.
    let colour = |x: usize, y: usize| match (y < 120, x < 60) {
        (true, _) => (255, 0, 0),
        (false, true) => (0, 255, 0),
        (false, false) => (0, 0, 255),
    };
    for y in 0..GLASS_HEIGHT {
        for x in 0..GLASS_WIDTH {
            let (r, g, bl) = colour(x, y);
            let i = (y * GLASS_WIDTH + x) * 2;
            b.ram[i..i + 2].copy_from_slice(&rgb565(r, g, bl).to_le_bytes());
        }
    }
    let (w, h) = (GLASS_WIDTH as u32, GLASS_HEIGHT as u32);
    b.write(LCDC_RESXY_REG::OFFSET, w << 16 | h);
    b.write(LCDC_LAYER0_BASEADDR_REG::OFFSET, RAM);
    b.write(LCDC_LAYER0_STRIDE_REG::OFFSET, w * 2);
    b.write(LCDC_LAYER0_SIZEXY_REG::OFFSET, w << 16 | h);
    b.write(LCDC_LAYER0_MODE_REG::OFFSET, 1 << 31 | 0x05); // on, RGB565
    b.command(0x2C, &[]);
    b.write(LCDC_MODE_REG::OFFSET, 1 << 17); // SFRAME_UPD
    b.run_until_idle();

    assert_eq!(
        b.panel.pixels_written(),
        (GLASS_WIDTH * GLASS_HEIGHT) as u64
    );
    let fb = b.panel.framebuffer();
    for (x, y) in [
        (0, 0),
        (119, 119),
        (0, 120),
        (59, 239),
        (60, 120),
        (119, 239),
    ] {
        let i = (y * GLASS_WIDTH + x) * 3;
        let (r, g, bl) = colour(x, y);
        assert_eq!(fb[i..i + 3], [r, g, bl], "pixel {x},{y}");
    }
    assert!(b.panel.reports().is_empty(), "{:?}", b.panel.reports());
}
