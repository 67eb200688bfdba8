//! The RM69310 AMOLED controller on the LCDC's MIPI-DBI SPI4 link.
//!
//! Init sequence condensed from /work/shared/research/hardware.md §3 (ZSband's
//! driver and the Dialog SDK's `rm69310.h`): manufacturer page 0x01 sets SPI
//! RAM write, 128-column mode and 240 lines; back on the user page, SPI WRAM
//! on, RGB565, TE on, full brightness, sleep out, display on. The 120 visible
//! columns sit at controller columns 4..=123.

use crate::delay_ms;
use crate::picture::{self, HEIGHT, WIDTH};
use core::cell::UnsafeCell;
use mb4_band_hal::gpio::Pin;
use mb4_band_hal::lcdc::Lcdc;
use mb4_band_hal::regs::func;

/// LCDC pins, from crates/mb4-board/boards/xiaomi_mi_band_4.toml
/// (`[[bus]] id = "lcd"`: clk P0_27, sdo P0_24, dc P0_20, cs P0_21, te P1_22)
/// and the panel's reset (`[[part]] id = "display"`: reset P0_12). All
/// unverified: copied by ZSband from the DA1469x dev kit.
const LCD_CLK: Pin = Pin::new(0, 27);
const LCD_SDO: Pin = Pin::new(0, 24);
const LCD_DC: Pin = Pin::new(0, 20);
const LCD_CS: Pin = Pin::new(0, 21);
const LCD_TE: Pin = Pin::new(1, 22);
const PANEL_RESET: Pin = Pin::new(0, 12);

/// First visible controller column.
const COLUMN_OFFSET: u16 = 4;

// MIPI DCS and RM69310 commands.
const PAGE_SELECT: u8 = 0xFE;
const SLPOUT: u8 = 0x11;
const DISPON: u8 = 0x29;
const CASET: u8 = 0x2A;
const RASET: u8 = 0x2B;
const RAMWR: u8 = 0x2C;
const TEON: u8 = 0x35;
const COLMOD: u8 = 0x3A;
const WRDISBV: u8 = 0x51;
const SPI_WRAM: u8 = 0xC4;

/// The frame buffer, in SysRAM where the LCDC's DMA can read it.
struct Frame(UnsafeCell<[u16; WIDTH as usize * HEIGHT as usize]>);
// SAFETY: only `show_picture` touches the frame, from the main thread.
unsafe impl Sync for Frame {}
static FRAME: Frame = Frame(UnsafeCell::new([0; WIDTH as usize * HEIGHT as usize]));

/// Wake the panel, draw the picture into the frame buffer and send it.
/// `Err(id)` if the LCDC's id register reads wrong.
pub fn show_picture() -> Result<(), u32> {
    LCD_CLK.set_function(func::LCD_SPI_CLK, true);
    LCD_SDO.set_function(func::LCD_SPI_DO, true);
    LCD_DC.set_function(func::LCD_SPI_DC, true);
    LCD_CS.set_function(func::LCD_SPI_EN, true);
    LCD_TE.set_function(func::LCD, false);
    let mut lcdc = Lcdc::init()?;

    // Hardware reset: low for 10 ms, then 120 ms before the first command.
    PANEL_RESET.set_output(false);
    delay_ms(10);
    PANEL_RESET.set_level(true);
    delay_ms(120);

    lcdc.command(PAGE_SELECT, &[0x01]);
    lcdc.command(0x04, &[0xA0]); // SPI write to RAM
    lcdc.command(0x05, &[0x70]); // 128-column configuration
    lcdc.command(0x06, &[0x3C]); // 0x3C * 4 = 240 lines
    lcdc.command(PAGE_SELECT, &[0x00]);
    lcdc.command(SPI_WRAM, &[0x80]);
    lcdc.command(COLMOD, &[0x55]); // 16 bits per pixel
    lcdc.command(TEON, &[0x00]);
    lcdc.command(WRDISBV, &[0xFF]);
    lcdc.command(SLPOUT, &[]);
    delay_ms(120);
    lcdc.command(DISPON, &[]);

    // SAFETY: the only reference to the frame while it is drawn and sent.
    let frame = unsafe { &mut *FRAME.0.get() };
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            frame[y as usize * WIDTH as usize + x as usize] = picture::pixel(x, y);
        }
    }

    let (x0, x1) = (COLUMN_OFFSET, COLUMN_OFFSET + WIDTH - 1);
    lcdc.command(
        CASET,
        &[(x0 >> 8) as u8, x0 as u8, (x1 >> 8) as u8, x1 as u8],
    );
    let y1 = HEIGHT - 1;
    lcdc.command(RASET, &[0, 0, (y1 >> 8) as u8, y1 as u8]);
    lcdc.command(RAMWR, &[]);
    lcdc.send_frame(frame, WIDTH, HEIGHT);
    Ok(())
}
