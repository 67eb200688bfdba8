//! LCDC: the DA1469x LCD controller, as a MIPI-DBI type C host (SPI3/SPI4).
//!
//! What firmware sees, after hal_renesas `da1469x_lcdc.c` and Zephyr's
//! `mipi_dbi_smartbond.c` (the only drivers we know of):
//!
//! * **Command FIFO.** Each write to `LCDC_DBIB_CMD_REG` queues one byte,
//!   a command when `LCDC_DBIB_CMD_SEND` is set, a parameter otherwise. Bytes
//!   leave in order, 8 serial clocks each (9 on SPI3): a byte moves from the FIFO to the
//!   shift register as soon as the link is free. `LCDC_STATUS_REG` shows
//!   `LCDC_DBIB_CMD_FIFO_EMPTY_N` while bytes wait in the FIFO,
//!   `LCDC_DBIB_CMD_FIFO_FULL` while [`FIFO_DEPTH`] do, and
//!   `LCDC_DBIB_CMD_PENDING` until the last one has left the shift register;
//!   drivers poll exactly these bits (Zephyr refuses a frame while
//!   `FIFO_EMPTY_N` is set, so a byte on the wire must not count as waiting).
//! * **Frames.** Setting `LCDC_SFRAME_UPD` in `LCDC_MODE_REG` sends one frame
//!   of `LCDC_RESXY_REG` pixels as data bytes (D/C high): the DMA reads layer 0
//!   (`LCDC_LAYER0_*`: base, stride, start, size, colour mode) from system
//!   memory, pixels outside the layer take `LCDC_BGCOLOR_REG`, and each pixel
//!   is packed in the output format `LCDC_DBIB_FMT`. Software sends the
//!   panel's RAMWR itself beforehand. While the frame is on the wire
//!   `LCDC_FRAMEGEN_BUSY` is set; at its end the VSYNC and FRAME_END events
//!   latch.
//! * **TE.** The panel's tearing-effect output ([`Lcdc::set_te`]); its
//!   active edge (rising, or falling with `LCDC_TE_INV`) latches the TE event
//!   unless `LCDC_DBIB_TE_DIS` is set. `LCDC_DBIB_TE` shows the pin.
//! * **Interrupt** `LCD_CONTROLLER` (IRQ 32), a level: high while an enabled
//!   event (`LCDC_VSYNC_IRQ_EN`, `LCDC_TE_IRQ_EN`, `LCDC_FRAME_END_IRQ_EN`) is
//!   latched. Any write to `LCDC_INTERRUPT_REG` clears the latches — Zephyr's
//!   ISR relies on that ("level triggering so interrupt should be cleared").
//!
//! The LCDC reaches outside its registers twice: its DMA reads RAM and its
//! link drives the panel. Devices hold no references to the rest of the
//! machine, so what left the wire waits in an outbox until the machine calls
//! [`Lcdc::service`] with the memory and the panel — after every access to
//! the block and at every [`Device::next_event`]. A frame's pixels are read
//! from memory when the frame completes (firmware may not touch the buffer
//! before the frame-end interrupt anyway).
//!
//! * **Continuous mode** (`LCDC_MODE_EN`, parallel panels as Zephyr's
//!   `display_renesas_lcdc.c` drives them): frame timing only. A frame lasts
//!   `LCDC_BPORCH_X` x `LCDC_BPORCH_Y` pixel clocks (the running totals
//!   `da1469x_lcdc_timings_configure` writes) at the source clock divided by
//!   `LCDC_CLK_DIV` + 1, and each frame end latches VSYNC and FRAME_END. No
//!   pixels go anywhere: there is no parallel panel model.
//!
//! Not modelled (writes to these fields go to [`Lcdc::notes`]): the
//! parallel, JDI and Sharp pin protocols, CS forcing, QSPI
//! command width, CRC, alpha blending (layer pixels are opaque), DMA
//! underflow (the DMA is infinitely fast), TE-gated frame start. Reset values
//! are 0 except `LCDC_IDREG_REG`: `DA1469xAB.h` lists none (inferred).

use std::collections::VecDeque;

use super::Notes;
use mb4_periph::device::{Context, Device};
use mb4_periph::part::DbiTarget;
use mb4_periph::regmap::{RegError, Regs, Write};
use mb4_periph::time::{Instant, PS_PER_SECOND};

/// Interrupt line of the block (`LCD_CONTROLLER_IRQn` in `DA1469xAB.h`).
pub const IRQ: u32 = 32;

/// Value of `LCDC_IDREG_REG` (`LCDC_SMARTBOND_ID`, hal_renesas `da1469x_lcdc.h`).
pub const ID: u32 = 0x8745_2365;

/// Bytes the command FIFO holds (besides the shift register) before
/// `LCDC_DBIB_CMD_FIFO_FULL` (inferred: no public source gives the depth;
/// drivers only poll the flag).
pub const FIFO_DEPTH: usize = 4;

/// Default LCDC source clock: DIVN, 32 MHz (`CLK_SYS_REG.LCD_CLK_SEL` = 0).
pub const DEFAULT_SOURCE_HZ: u64 = 32_000_000;

mb4_periph::regmap! {
    /// LCDC registers (`LCDC_Type` in `DA1469xAB.h` v1.2, base 0x3003_0000).
    pub mod regs {
        LCDC_MODE_REG @ 0x00 = 0x0000_0000 {
            LCDC_TMODE: 0..=0 Tag,
            LCDC_DSCAN: 1..=1 Tag,
            LCDC_FORM_OFF: 3..=3 Tag,
            LCDC_MIPI_OFF: 4..=4 Tag,
            LCDC_OUT_MODE: 5..=8 Tag,
            LCDC_PIXCLKOUT_SEL: 11..=11 Tag,
            LCDC_SFRAME_UPD: 17..=17 RW,
            LCDC_FORCE_BLANK: 19..=19 Tag,
            LCDC_PIXCLKOUT_POL: 22..=22 Tag,
            LCDC_VSYNC_SCPL: 23..=23 Tag,
            LCDC_DE_POL: 26..=26 Tag,
            LCDC_HSYNC_POL: 27..=27 Tag,
            LCDC_VSYNC_POL: 28..=28 Tag,
            LCDC_MODE_EN: 31..=31 RW,
        }
        LCDC_CLKCTRL_REG @ 0x04 = 0x0000_0000 {
            LCDC_CLK_DIV: 0..=5 RW,
            LCDC_DMA_HOLD: 8..=13 RW,
            LCDC_SEC_CLK_DIV: 27..=31 Tag,
        }
        LCDC_BGCOLOR_REG @ 0x08 = 0x0000_0000 {
            LCDC_BG_ALPHA: 0..=7 RW,
            LCDC_BG_BLUE: 8..=15 RW,
            LCDC_BG_GREEN: 16..=23 RW,
            LCDC_BG_RED: 24..=31 RW,
        }
        LCDC_RESXY_REG @ 0x0C = 0x0000_0000 {
            LCDC_RES_Y: 0..=15 RW,
            LCDC_RES_X: 16..=31 RW,
        }
        // Porches and blanking shape the frame timing of parallel panels; a
        // command-mode panel only needs them stored.
        LCDC_FRONTPORCHXY_REG @ 0x14 = 0x0000_0000 {
            LCDC_FPORCH_Y: 0..=15 RW,
            LCDC_FPORCH_X: 16..=31 RW,
        }
        LCDC_BLANKINGXY_REG @ 0x18 = 0x0000_0000 {
            LCDC_BLANKING_Y: 0..=15 RW,
            LCDC_BLANKING_X: 16..=31 RW,
        }
        LCDC_BACKPORCHXY_REG @ 0x1C = 0x0000_0000 {
            LCDC_BPORCH_Y: 0..=15 RW,
            LCDC_BPORCH_X: 16..=31 RW,
        }
        LCDC_DBIB_CFG_REG @ 0x28 = 0x0000_0000 {
            LCDC_DBIB_FMT: 0..=4 RW,
            LCDC_DBIB_JDI_SOFT_RST: 13..=13 Tag,
            LCDC_DBIB_JDI_INV_PIX: 14..=14 Tag,
            LCDC_DBIB_INV_DATA: 15..=15 Tag,
            LCDC_DBIB_SPI_INV_ADDR: 16..=16 Tag,
            LCDC_DBIB_SPI_HOLD: 17..=17 RW,
            LCDC_DBIB_SPI_JDI: 18..=18 Tag,
            LCDC_DBIB_SPI_CPOL: 19..=19 RW,
            LCDC_DBIB_SPI_CPHA: 20..=20 RW,
            LCDC_DBIB_SPI4_EN: 22..=22 RW,
            LCDC_DBIB_SPI3_EN: 23..=23 RW,
            LCDC_DBIB_DMA_EN: 24..=24 RW,
            LCDC_DBIB_RESX: 25..=25 RW,
            LCDC_DBIB_SPI_PAD: 28..=28 Tag,
            LCDC_DBIB_CSX_FORCE_VAL: 29..=29 RW,
            LCDC_DBIB_CSX_FORCE: 30..=30 Tag,
            LCDC_DBIB_TE_DIS: 31..=31 RW,
        }
        LCDC_GPIO_REG @ 0x2C = 0x0000_0000 {
            LCDC_PARIF_SEL: 0..=0 Tag,
            LCDC_TE_INV: 1..=1 RW,
        }
        LCDC_LAYER0_MODE_REG @ 0x30 = 0x0000_0000 {
            LCDC_L0_COLOUR_MODE: 0..=4 RW,
            LCDC_L0_EN: 31..=31 RW,
        }
        LCDC_LAYER0_STARTXY_REG @ 0x34 = 0x0000_0000 {
            LCDC_L0_START_Y: 0..=15 RW,
            LCDC_L0_START_X: 16..=31 RW,
        }
        LCDC_LAYER0_SIZEXY_REG @ 0x38 = 0x0000_0000 {
            LCDC_L0_SIZE_Y: 0..=15 RW,
            LCDC_L0_SIZE_X: 16..=31 RW,
        }
        LCDC_LAYER0_BASEADDR_REG @ 0x3C = 0x0000_0000 {
            LCDC_L0_FB_ADDR: 0..=31 RW,
        }
        LCDC_LAYER0_STRIDE_REG @ 0x40 = 0x0000_0000 {
            LCDC_L0_STRIDE: 0..=15 RW,
            LCDC_L0_BURST_LEN: 16..=18 RW,
            LCDC_L0_FIFO_THR: 19..=20 RW,
        }
        LCDC_LAYER0_RESXY_REG @ 0x44 = 0x0000_0000 {
            LCDC_L0_RES_Y: 0..=15 RW,
            LCDC_L0_RES_X: 16..=31 RW,
        }
        // JDI (memory-in-pixel) panel timing: not modelled, kept and reported.
        LCDC_JDI_RESXY_REG @ 0x90 = 0x0000_0000 {
            LCDC_JDI_RES_Y: 0..=15 Tag,
            LCDC_JDI_RES_X: 16..=31 Tag,
        }
        LCDC_JDI_FBX_BLANKING_REG @ 0x94 = 0x0000_0000 {
            LCDC_JDI_BXBLANKING: 0..=15 Tag,
            LCDC_JDI_FXBLANKING: 16..=31 Tag,
        }
        LCDC_JDI_FBY_BLANKING_REG @ 0x98 = 0x0000_0000 {
            LCDC_JDI_BYBLANKING: 0..=15 Tag,
            LCDC_JDI_FYBLANKING: 16..=31 Tag,
        }
        LCDC_JDI_HCK_WIDTH_REG @ 0x9C = 0x0000_0000 {
            LCDC_JDI_HCK_WIDTH: 0..=31 Tag,
        }
        LCDC_JDI_XRST_WIDTH_REG @ 0xA0 = 0x0000_0000 {
            LCDC_JDI_XRST_WIDTH: 0..=31 Tag,
        }
        LCDC_JDI_VST_DELAY_REG @ 0xA4 = 0x0000_0000 {
            LCDC_JDI_VST_DELAY: 0..=31 Tag,
        }
        LCDC_JDI_VST_WIDTH_REG @ 0xA8 = 0x0000_0000 {
            LCDC_JDI_VST_WIDTH: 0..=31 Tag,
        }
        LCDC_JDI_VCK_DELAY_REG @ 0xAC = 0x0000_0000 {
            LCDC_JDI_VCK_DELAY: 0..=31 Tag,
        }
        LCDC_JDI_HST_DELAY_REG @ 0xB0 = 0x0000_0000 {
            LCDC_JDI_HST_DELAY: 0..=31 Tag,
        }
        LCDC_JDI_HST_WIDTH_REG @ 0xB4 = 0x0000_0000 {
            LCDC_JDI_HST_WIDTH: 0..=31 Tag,
        }
        LCDC_JDI_ENB_START_HLINE_REG @ 0xB8 = 0x0000_0000 {
            LCDC_JDI_ENB_START_HLINE: 0..=31 Tag,
        }
        LCDC_JDI_ENB_END_HLINE_REG @ 0xBC = 0x0000_0000 {
            LCDC_JDI_ENB_END_HLINE: 0..=31 Tag,
        }
        LCDC_JDI_ENB_START_CLK_REG @ 0xC0 = 0x0000_0000 {
            LCDC_JDI_ENB_START_CLK: 0..=31 Tag,
        }
        LCDC_JDI_ENB_WIDTH_CLK_REG @ 0xC4 = 0x0000_0000 {
            LCDC_JDI_ENB_WIDTH_CLK: 0..=31 Tag,
        }
        LCDC_DBIB_CMD_REG @ 0xE8 = 0x0000_0000 {
            LCDC_DBIB_CMD_VAL: 0..=15 RW,
            LCDC_DBIB_CMD_STORE: 27..=27 Tag,
            LCDC_DBIB_CMD_SEND: 30..=30 RW,
        }
        LCDC_IDREG_REG @ 0xF4 = 0x8745_2365 {
            LCDC_ID: 0..=31 RO,
        }
        LCDC_INTERRUPT_REG @ 0xF8 = 0x0000_0000 {
            LCDC_VSYNC_IRQ_EN: 0..=0 RW,
            LCDC_HSYNC_IRQ_EN: 1..=1 Tag,
            LCDC_TE_IRQ_EN: 3..=3 RW,
            LCDC_FRAME_END_IRQ_EN: 5..=5 RW,
            LCDC_IRQ_TRIGGER_SEL: 31..=31 Tag,
        }
        LCDC_STATUS_REG @ 0xFC = 0x0000_0000 {
            LCDC_STAT_ACTIVE: 0..=0 RO,
            LCDC_FRAMEGEN_BUSY: 1..=1 RO,
            LCDC_STAT_HSYNC: 2..=2 RO,
            LCDC_STAT_VSYNC: 3..=3 RO,
            LCDC_STAT_CSYNC: 4..=4 RO,
            LCDC_LAST_ROW: 5..=5 RO,
            LCDC_UNDERFLOW: 6..=6 RO,
            LCDC_STICKY_UNDERFLOW: 7..=7 RO,
            LCDC_DBIB_TE: 8..=8 RO,
            LCDC_DBIB_CMD_FIFO_EMPTY_N: 10..=10 RO,
            LCDC_DBIB_CMD_FIFO_FULL: 11..=11 RO,
            LCDC_DBIB_CMD_PENDING: 12..=12 RO,
            LCDC_FRAME_END: 13..=13 RO,
            LCDC_FRAME_START: 14..=14 RO,
            LCDC_JDI_TIM_SW_RST: 15..=15 RO,
        }
        // CRC of the last frame's pixels: not modelled (reads 0).
        LCDC_CRC_REG @ 0x184 = 0x0000_0000 {
            LCDC_CRC: 0..=31 RO,
        }
        LCDC_LAYER0_OFFSETX_REG @ 0x188 = 0x0000_0000 {
            LCDC_L0_OFFSETX: 0..=15 Tag,
            LCDC_L0_DMA_PREFETCH: 16..=31 RW,
        }
    }
}

use regs::*;

/// Layer 0 pixel formats (`LCDC_L0_COLOUR_MODE`; `LCDC_SMARTBOND_L0_*` in
/// hal_renesas `da1469x_lcdc.h`). Channel order follows the names, most
/// significant first, in a little-endian word (inferred from Zephyr's use of
/// `ARGB8888` for its `PIXEL_FORMAT_ARGB_8888`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerFormat {
    /// 16 bits: R5 G5 B5 A1.
    Rgba5551,
    /// 32 bits: R8 G8 B8 A8.
    Rgba8888,
    /// 8 bits: R3 G3 B2.
    Rgb332,
    /// 16 bits: R5 G6 B5.
    Rgb565,
    /// 32 bits: A8 R8 G8 B8.
    Argb8888,
    /// 32 bits: A8 B8 G8 R8.
    Abgr8888,
    /// 32 bits: B8 G8 R8 A8.
    Bgra8888,
}

impl LayerFormat {
    /// From the register field; `None` for formats not modelled (L1, L4, L8, ...).
    pub fn from_field(v: u32) -> Option<LayerFormat> {
        Some(match v {
            0x01 => LayerFormat::Rgba5551,
            0x02 => LayerFormat::Rgba8888,
            0x04 => LayerFormat::Rgb332,
            0x05 => LayerFormat::Rgb565,
            0x06 => LayerFormat::Argb8888,
            0x0D => LayerFormat::Abgr8888,
            0x0E => LayerFormat::Bgra8888,
            _ => return None,
        })
    }

    /// Bytes per pixel in memory.
    pub fn bytes(self) -> usize {
        match self {
            LayerFormat::Rgb332 => 1,
            LayerFormat::Rgba5551 | LayerFormat::Rgb565 => 2,
            _ => 4,
        }
    }

    /// Decode one pixel (little-endian bytes) to 8-bit R, G, B.
    pub fn decode(self, b: &[u8]) -> [u8; 3] {
        let w = match self.bytes() {
            1 => b[0] as u32,
            2 => u16::from_le_bytes([b[0], b[1]]) as u32,
            _ => u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        };
        let ch = |v: u32, bits: u32| -> u8 {
            // Widen to 8 bits so that full scale stays full scale (and 565
            // in, 565 out is lossless).
            let max = (1 << bits) - 1;
            (((v & max) * 255 + max / 2) / max) as u8
        };
        match self {
            LayerFormat::Rgba5551 => [ch(w >> 11, 5), ch(w >> 6, 5), ch(w >> 1, 5)],
            LayerFormat::Rgb332 => [ch(w >> 5, 3), ch(w >> 2, 3), ch(w, 2)],
            LayerFormat::Rgb565 => [ch(w >> 11, 5), ch(w >> 5, 6), ch(w, 5)],
            LayerFormat::Rgba8888 => [(w >> 24) as u8, (w >> 16) as u8, (w >> 8) as u8],
            LayerFormat::Argb8888 => [(w >> 16) as u8, (w >> 8) as u8, w as u8],
            LayerFormat::Abgr8888 => [w as u8, (w >> 8) as u8, (w >> 16) as u8],
            LayerFormat::Bgra8888 => [(w >> 8) as u8, (w >> 16) as u8, (w >> 24) as u8],
        }
    }
}

/// Output formats on the MIPI-DBI link (`LCDC_DBIB_FMT`; `LCDC_SMARTBOND_OCM_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// One byte per pixel: R3 G3 B2.
    Rgb332,
    /// Two bytes per pixel, big-endian R5 G6 B5 (DCS 16 bpp).
    Rgb565,
    /// Three bytes per pixel, 6 bits each left-aligned (DCS 18 bpp).
    Rgb666,
    /// Three bytes per pixel.
    Rgb888,
}

impl OutputFormat {
    /// From the register field; `None` for formats not modelled (RGB111, RGB444, ...).
    pub fn from_field(v: u32) -> Option<OutputFormat> {
        Some(match v {
            0x10 => OutputFormat::Rgb332,
            0x12 => OutputFormat::Rgb565,
            0x13 => OutputFormat::Rgb666,
            0x14 => OutputFormat::Rgb888,
            _ => return None,
        })
    }

    /// Bytes per pixel on the wire.
    pub fn bytes(self) -> usize {
        match self {
            OutputFormat::Rgb332 => 1,
            OutputFormat::Rgb565 => 2,
            OutputFormat::Rgb666 | OutputFormat::Rgb888 => 3,
        }
    }

    /// Pack one pixel and append it to `out`.
    pub fn encode(self, [r, g, b]: [u8; 3], out: &mut Vec<u8>) {
        match self {
            OutputFormat::Rgb332 => out.push((r & 0xE0) | ((g & 0xE0) >> 3) | (b >> 6)),
            OutputFormat::Rgb565 => {
                let v = (u16::from(r) >> 3) << 11 | (u16::from(g) >> 2) << 5 | u16::from(b) >> 3;
                out.extend_from_slice(&v.to_be_bytes());
            }
            OutputFormat::Rgb666 => out.extend_from_slice(&[r & 0xFC, g & 0xFC, b & 0xFC]),
            OutputFormat::Rgb888 => out.extend_from_slice(&[r, g, b]),
        }
    }
}

/// Where the LCDC's DMA reads frame buffers: the machine's system bus.
pub trait DmaRead {
    /// Fill `buf` from `addr` on; `Err(addr)` names the first address that
    /// does not answer.
    fn read(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), u32>;
}

impl<F: FnMut(u32, &mut [u8]) -> Result<(), u32>> DmaRead for F {
    fn read(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), u32> {
        self(addr, buf)
    }
}

/// Something the model could not do as silicon would, reported to the
/// machine (which prints it loudly with the PC) rather than hidden. Writes to
/// unmodelled fields go to [`Lcdc::notes`] like every block's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// A byte written to `LCDC_DBIB_CMD_REG` while the FIFO was full was dropped.
    FifoOverflow {
        /// The dropped byte.
        byte: u8,
    },
    /// A frame could not be sent: format not modelled or DMA error. The frame
    /// still ends (with its interrupt) so firmware does not hang.
    FrameDropped {
        /// Why.
        why: String,
    },
}

/// A frame as the registers described it when `LCDC_SFRAME_UPD` was set.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FrameJob {
    res_x: u32,
    res_y: u32,
    layer_enabled: bool,
    layer_mode: u32,
    base: u32,
    stride: u32,
    start_x: i32,
    start_y: i32,
    size_x: u32,
    size_y: u32,
    background: [u8; 3],
    out_mode: u32,
}

impl FrameJob {
    fn capture(r: &Regs) -> FrameJob {
        let resxy = r.get(LCDC_RESXY_REG::OFFSET);
        let start = r.get(LCDC_LAYER0_STARTXY_REG::OFFSET);
        let size = r.get(LCDC_LAYER0_SIZEXY_REG::OFFSET);
        let bg = r.get(LCDC_BGCOLOR_REG::OFFSET);
        let mode = r.get(LCDC_LAYER0_MODE_REG::OFFSET);
        FrameJob {
            res_x: LCDC_RESXY_REG::LCDC_RES_X.get(resxy),
            res_y: LCDC_RESXY_REG::LCDC_RES_Y.get(resxy),
            layer_enabled: LCDC_LAYER0_MODE_REG::LCDC_L0_EN.is_set(mode),
            layer_mode: LCDC_LAYER0_MODE_REG::LCDC_L0_COLOUR_MODE.get(mode),
            base: r.get(LCDC_LAYER0_BASEADDR_REG::OFFSET),
            stride: LCDC_LAYER0_STRIDE_REG::LCDC_L0_STRIDE
                .get(r.get(LCDC_LAYER0_STRIDE_REG::OFFSET)),
            // The start coordinates are signed (int16_t in da1469x_lcdc.h).
            start_x: LCDC_LAYER0_STARTXY_REG::LCDC_L0_START_X.get(start) as u16 as i16 as i32,
            start_y: LCDC_LAYER0_STARTXY_REG::LCDC_L0_START_Y.get(start) as u16 as i16 as i32,
            size_x: LCDC_LAYER0_SIZEXY_REG::LCDC_L0_SIZE_X.get(size),
            size_y: LCDC_LAYER0_SIZEXY_REG::LCDC_L0_SIZE_Y.get(size),
            background: [(bg >> 24) as u8, (bg >> 16) as u8, (bg >> 8) as u8],
            out_mode: LCDC_DBIB_CFG_REG::LCDC_DBIB_FMT.get(r.get(LCDC_DBIB_CFG_REG::OFFSET)),
        }
    }

    /// Bytes on the wire (0 if the output format is not modelled).
    fn wire_bytes(&self) -> u64 {
        let bpp = OutputFormat::from_field(self.out_mode).map_or(0, OutputFormat::bytes);
        self.res_x as u64 * self.res_y as u64 * bpp as u64
    }

    /// Read the layer through `mem` and pack the whole frame.
    fn render(&self, mem: &mut dyn DmaRead) -> Result<Vec<u8>, String> {
        let out = OutputFormat::from_field(self.out_mode).ok_or_else(|| {
            format!(
                "output format LCDC_DBIB_FMT={:#04x} is not modelled",
                self.out_mode
            )
        })?;
        let layer = if self.layer_enabled {
            Some(LayerFormat::from_field(self.layer_mode).ok_or_else(|| {
                format!(
                    "layer colour mode LCDC_L0_COLOUR_MODE={:#04x} is not modelled",
                    self.layer_mode
                )
            })?)
        } else {
            None
        };
        let mut bytes = Vec::with_capacity(self.wire_bytes() as usize);
        let mut row = Vec::new();
        for y in 0..self.res_y as i32 {
            let ly = y - self.start_y;
            let row_in_layer = layer.is_some() && ly >= 0 && (ly as u32) < self.size_y;
            if let (true, Some(fmt)) = (row_in_layer, layer) {
                row.resize(self.size_x as usize * fmt.bytes(), 0);
                let addr = self.base.wrapping_add(ly as u32 * self.stride);
                mem.read(addr, &mut row)
                    .map_err(|bad| format!("DMA read of the frame buffer failed at {bad:#010x}"))?;
            }
            for x in 0..self.res_x as i32 {
                let lx = x - self.start_x;
                let px = match layer {
                    Some(fmt) if row_in_layer && lx >= 0 && (lx as u32) < self.size_x => {
                        let i = lx as usize * fmt.bytes();
                        fmt.decode(&row[i..i + fmt.bytes()])
                    }
                    _ => self.background,
                };
                out.encode(px, &mut bytes);
            }
        }
        Ok(bytes)
    }
}

/// One byte in the command FIFO.
#[derive(Debug, Clone, Copy)]
struct Queued {
    command: bool,
    byte: u8,
    /// When it moves into the shift register.
    start: Instant,
    /// When its last bit has left.
    done: Instant,
}

/// What left the wire, waiting for [`Lcdc::service`].
#[derive(Debug, Clone)]
enum Sent {
    Byte {
        command: bool,
        byte: u8,
        at: Instant,
    },
    Frame {
        job: FrameJob,
        at: Instant,
    },
}

/// Continuous refresh in progress.
#[derive(Debug, Clone, Copy)]
struct Continuous {
    origin: Instant,
    period_ps: u64,
    frames_seen: u64,
}

impl Continuous {
    fn end_of_frame(&self, n: u64) -> Instant {
        Instant(
            self.origin
                .0
                .saturating_add(n.saturating_mul(self.period_ps)),
        )
    }
}

/// Latched interrupt events.
#[derive(Debug, Clone, Copy, Default)]
struct Events {
    vsync: bool,
    te: bool,
    frame_end: bool,
}

/// The LCDC model.
#[derive(Debug)]
pub struct Lcdc {
    regs: Regs,
    fifo: VecDeque<Queued>,
    /// The frame on the wire, and when it ends.
    frame: Option<(FrameJob, Instant)>,
    /// When the link is free for the next byte or frame.
    wire_free: Instant,
    outbox: Vec<Sent>,
    events: Events,
    te_pin: bool,
    source_hz: u64,
    reports: Vec<Report>,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
    /// Continuous mode: when it started, the frame period (ps), and frames
    /// whose end has been latched.
    continuous: Option<Continuous>,
    /// The instant the queues were last brought up to.
    settled_at: Instant,
}

impl Default for Lcdc {
    fn default() -> Self {
        Lcdc::new()
    }
}

impl Lcdc {
    /// A powered-on LCDC clocked from DIVN.
    pub fn new() -> Lcdc {
        Lcdc {
            regs: Regs::new(BLOCK),
            fifo: VecDeque::new(),
            frame: None,
            wire_free: Instant::ZERO,
            outbox: Vec::new(),
            events: Events::default(),
            te_pin: false,
            source_hz: DEFAULT_SOURCE_HZ,
            reports: Vec::new(),
            notes: Notes::default(),
            continuous: None,
            settled_at: Instant::ZERO,
        }
    }

    /// The block's source clock, as `CRG_SYS` selects it (DIVN 32 MHz, or
    /// the system clock with `LCD_CLK_SEL`); the machine keeps it current.
    pub fn set_source_hz(&mut self, hz: u64) {
        self.source_hz = hz.max(1);
    }

    /// Serial clock: the source divided by `LCDC_CLK_DIV` + 1, and by 2 more
    /// on serial interfaces (inferred from Zephyr's `mipi_dbi_smartbond.c`,
    /// which halves its divider for SPI).
    pub fn serial_hz(&self) -> u64 {
        let div =
            LCDC_CLKCTRL_REG::LCDC_CLK_DIV.get(self.regs.get(LCDC_CLKCTRL_REG::OFFSET)) as u64 + 1;
        (self.source_hz / (2 * div)).max(1)
    }

    /// Time to clock `bytes` bytes out: 8 clocks a byte on SPI4, 9 on SPI3
    /// (where the D/C bit travels in front of each byte).
    fn wire_time(&self, bytes: u64) -> u64 {
        let cfg = self.regs.get(LCDC_DBIB_CFG_REG::OFFSET);
        let bits = if LCDC_DBIB_CFG_REG::LCDC_DBIB_SPI3_EN.is_set(cfg) {
            9
        } else {
            8
        };
        ((bytes * bits) as u128 * PS_PER_SECOND as u128).div_ceil(self.serial_hz() as u128) as u64
    }

    /// The panel's TE output changed to `level`.
    pub fn set_te(&mut self, level: bool, cx: &mut Context<'_>) {
        self.settle(cx);
        let inverted = LCDC_GPIO_REG::LCDC_TE_INV.is_set(self.regs.get(LCDC_GPIO_REG::OFFSET));
        let active_edge = if inverted {
            self.te_pin && !level
        } else {
            !self.te_pin && level
        };
        self.te_pin = level;
        let disabled =
            LCDC_DBIB_CFG_REG::LCDC_DBIB_TE_DIS.is_set(self.regs.get(LCDC_DBIB_CFG_REG::OFFSET));
        if active_edge && !disabled {
            self.events.te = true;
        }
        self.update_irq(cx);
    }

    /// Deliver what has left the wire: command and parameter bytes, and the
    /// pixels of finished frames (read now through `mem`).
    pub fn service(&mut self, mem: &mut dyn DmaRead, panel: &mut dyn DbiTarget) {
        for sent in self.outbox.drain(..) {
            match sent {
                Sent::Byte {
                    command: true,
                    byte,
                    at,
                } => panel.command(byte, at),
                Sent::Byte {
                    command: false,
                    byte,
                    at,
                } => panel.data(&[byte], at),
                Sent::Frame { job, at } => match job.render(mem) {
                    Ok(bytes) => panel.data(&bytes, at),
                    Err(why) => self.reports.push(Report::FrameDropped { why }),
                },
            }
        }
    }

    /// Whether bytes or a frame wait for [`Lcdc::service`] (so the machine
    /// can skip the call, and the memory borrow, when nothing does).
    pub fn wants_service(&self) -> bool {
        !self.outbox.is_empty()
    }

    /// Take what the model could not do as silicon would.
    pub fn take_reports(&mut self) -> Vec<Report> {
        std::mem::take(&mut self.reports)
    }

    /// Bring queues up to `now`: bytes and frames whose end has passed leave.
    fn settle(&mut self, cx: &Context<'_>) {
        let now = cx.now;
        self.settled_at = now;
        while let Some(q) = self.fifo.front().copied() {
            if q.done > now {
                break;
            }
            self.fifo.pop_front();
            self.outbox.push(Sent::Byte {
                command: q.command,
                byte: q.byte,
                at: q.done,
            });
        }
        if let Some((job, end)) = self.frame.take_if(|(_, end)| *end <= now) {
            self.outbox.push(Sent::Frame { job, at: end });
            self.events.vsync = true;
            self.events.frame_end = true;
            let mode = self.regs.get(LCDC_MODE_REG::OFFSET);
            self.regs.set(
                LCDC_MODE_REG::OFFSET,
                LCDC_MODE_REG::LCDC_SFRAME_UPD.set(mode, 0),
            );
        }
        if let Some(c) = &mut self.continuous {
            let frames = now.since(c.origin) / c.period_ps;
            if frames > c.frames_seen {
                c.frames_seen = frames;
                self.events.vsync = true;
                self.events.frame_end = true;
            }
        }
        self.refresh_status();
    }

    /// Length of one continuous-mode frame: the blanking totals in pixel
    /// clocks (at least the active area).
    fn continuous_period(&self) -> u64 {
        let r = &self.regs;
        let res = r.get(LCDC_RESXY_REG::OFFSET);
        let bp = r.get(LCDC_BACKPORCHXY_REG::OFFSET);
        let w = LCDC_BACKPORCHXY_REG::LCDC_BPORCH_X
            .get(bp)
            .max(LCDC_RESXY_REG::LCDC_RES_X.get(res))
            .max(1) as u128;
        let h = LCDC_BACKPORCHXY_REG::LCDC_BPORCH_Y
            .get(bp)
            .max(LCDC_RESXY_REG::LCDC_RES_Y.get(res))
            .max(1) as u128;
        let div = LCDC_CLKCTRL_REG::LCDC_CLK_DIV.get(r.get(LCDC_CLKCTRL_REG::OFFSET)) as u128 + 1;
        ((w * h * div * PS_PER_SECOND as u128).div_ceil(self.source_hz as u128) as u64).max(1)
    }

    fn refresh_status(&mut self) {
        let busy = self.frame.is_some();
        let now = self.settled_at;
        let waiting = self.fifo.iter().filter(|q| q.start > now).count();
        let queued = waiting > 0;
        let pending = !self.fifo.is_empty();
        let mut s = 0;
        s = LCDC_STATUS_REG::LCDC_STAT_ACTIVE.set(s, busy as u32);
        s = LCDC_STATUS_REG::LCDC_FRAMEGEN_BUSY.set(s, busy as u32);
        s = LCDC_STATUS_REG::LCDC_FRAME_START.set(s, busy as u32);
        s = LCDC_STATUS_REG::LCDC_FRAME_END.set(s, self.events.frame_end as u32);
        s = LCDC_STATUS_REG::LCDC_DBIB_TE.set(s, self.te_pin as u32);
        s = LCDC_STATUS_REG::LCDC_DBIB_CMD_FIFO_EMPTY_N.set(s, queued as u32);
        s = LCDC_STATUS_REG::LCDC_DBIB_CMD_PENDING.set(s, pending as u32);
        s = LCDC_STATUS_REG::LCDC_DBIB_CMD_FIFO_FULL.set(s, (waiting >= FIFO_DEPTH) as u32);
        self.regs.set(LCDC_STATUS_REG::OFFSET, s);
    }

    fn update_irq(&mut self, cx: &mut Context<'_>) {
        let en = self.regs.get(LCDC_INTERRUPT_REG::OFFSET);
        let high = (self.events.vsync && LCDC_INTERRUPT_REG::LCDC_VSYNC_IRQ_EN.is_set(en))
            || (self.events.te && LCDC_INTERRUPT_REG::LCDC_TE_IRQ_EN.is_set(en))
            || (self.events.frame_end && LCDC_INTERRUPT_REG::LCDC_FRAME_END_IRQ_EN.is_set(en));
        cx.irqs.set(IRQ, high);
    }

    /// Queue one byte written to `LCDC_DBIB_CMD_REG`.
    fn queue_byte(&mut self, w: &Write, now: Instant) {
        let command = LCDC_DBIB_CMD_REG::LCDC_DBIB_CMD_SEND.is_set(w.written);
        let byte = LCDC_DBIB_CMD_REG::LCDC_DBIB_CMD_VAL.get(w.written) as u8;
        if self.fifo.iter().filter(|q| q.start > now).count() >= FIFO_DEPTH {
            self.reports.push(Report::FifoOverflow { byte });
            return;
        }
        let start = self.wire_free.max(now);
        let done = Instant(start.0 + self.wire_time(1));
        self.wire_free = done;
        self.fifo.push_back(Queued {
            command,
            byte,
            start,
            done,
        });
    }

    /// `LCDC_SFRAME_UPD` was set: put a frame on the wire after the queued bytes.
    fn start_frame(&mut self, now: Instant) {
        if self.frame.is_some() {
            return; // already sending; the bit stays set until it ends
        }
        let job = FrameJob::capture(&self.regs);
        let start = self.wire_free.max(now);
        let end = Instant(start.0 + self.wire_time(job.wire_bytes()));
        self.wire_free = end;
        self.events.frame_end = false;
        self.frame = Some((job, end));
    }
}

impl Device for Lcdc {
    fn name(&self) -> &'static str {
        "LCDC"
    }

    fn read(&mut self, offset: u32, size: u8, cx: &mut Context<'_>) -> Result<u32, RegError> {
        self.settle(cx);
        self.update_irq(cx);
        self.regs.read(offset, size)
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        self.settle(cx);
        let w = self
            .notes
            .write("LCDC", &mut self.regs, offset, size, value)?;
        match w.offset {
            LCDC_DBIB_CMD_REG::OFFSET => self.queue_byte(&w, cx.now),
            LCDC_MODE_REG::OFFSET => {
                if w.rose(LCDC_MODE_REG::LCDC_MODE_EN) {
                    self.continuous = Some(Continuous {
                        origin: cx.now,
                        period_ps: self.continuous_period(),
                        frames_seen: 0,
                    });
                } else if !LCDC_MODE_REG::LCDC_MODE_EN.is_set(w.new) {
                    self.continuous = None;
                }
                if w.wrote_one(LCDC_MODE_REG::LCDC_SFRAME_UPD) {
                    self.start_frame(cx.now)
                }
            }
            LCDC_INTERRUPT_REG::OFFSET => self.events = Events::default(),
            _ => {}
        }
        self.refresh_status();
        self.update_irq(cx);
        Ok(())
    }

    fn next_event(&self) -> Option<Instant> {
        let byte = self.fifo.front().map(|q| q.done);
        let frame = self.frame.as_ref().map(|(_, end)| *end);
        // Continuous frames matter only when their end can interrupt; a
        // sleeping CPU is not woken 60 times a second for nothing.
        let en = self.regs.get(LCDC_INTERRUPT_REG::OFFSET);
        let wanted = LCDC_INTERRUPT_REG::LCDC_VSYNC_IRQ_EN.is_set(en)
            || LCDC_INTERRUPT_REG::LCDC_FRAME_END_IRQ_EN.is_set(en);
        let refresh = self
            .continuous
            .filter(|_| wanted)
            .map(|c| c.end_of_frame(c.frames_seen + 1));
        [byte, frame, refresh].into_iter().flatten().min()
    }

    fn advance(&mut self, cx: &mut Context<'_>) {
        self.settle(cx);
        self.update_irq(cx);
    }

    fn reset(&mut self) {
        *self = Lcdc {
            source_hz: self.source_hz,
            ..Lcdc::new()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mb4_periph::device::IrqLines;

    /// What a panel saw on the link.
    #[derive(Debug, Default)]
    struct Recorder {
        log: Vec<(bool, Vec<u8>)>,
    }

    impl DbiTarget for Recorder {
        fn command(&mut self, cmd: u8, _now: Instant) {
            self.log.push((true, vec![cmd]));
        }
        fn data(&mut self, bytes: &[u8], _now: Instant) {
            match self.log.last_mut() {
                Some((false, d)) => d.extend_from_slice(bytes),
                _ => self.log.push((false, bytes.to_vec())),
            }
        }
    }

    /// A bench: the LCDC, its interrupt lines, a RAM at 0x2000_0000 and a panel.
    struct Bench {
        lcdc: Lcdc,
        irqs: IrqLines,
        now: Instant,
        ram: Vec<u8>,
        panel: Recorder,
    }

    const RAM: u32 = 0x2000_0000;

    impl Bench {
        fn new() -> Bench {
            Bench {
                lcdc: Lcdc::new(),
                irqs: IrqLines::default(),
                now: Instant::ZERO,
                ram: vec![0; 0x1000],
                panel: Recorder::default(),
            }
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
        /// Run emulated time forward to each of the device's events, until idle.
        fn run_until_idle(&mut self) {
            while let Some(t) = self.lcdc.next_event() {
                self.now = self.now.max(t);
                let mut cx = Context {
                    now: self.now,
                    irqs: &mut self.irqs,
                };
                self.lcdc.advance(&mut cx);
                self.service();
            }
        }
        fn status(&mut self) -> u32 {
            self.read(LCDC_STATUS_REG::OFFSET)
        }
        fn spi4_rgb565(&mut self) {
            self.write(
                LCDC_DBIB_CFG_REG::OFFSET,
                1 << 22 | 1 << 24 | 1 << 25 | 1 << 31 | 0x12,
            );
        }
        /// Queue a byte as drivers do: wait while the FIFO is full.
        fn send(&mut self, command: bool, byte: u8) {
            while self.status() & FULL != 0 {
                self.now = self.lcdc.next_event().expect("a full FIFO drains");
            }
            self.push(command, byte);
        }
        /// Queue a byte without looking at the FIFO.
        fn push(&mut self, command: bool, byte: u8) {
            self.write(
                LCDC_DBIB_CMD_REG::OFFSET,
                (command as u32) << 30 | byte as u32,
            );
        }
    }

    const FULL: u32 = 1 << 11;
    const PENDING: u32 = 1 << 12;
    const EMPTY_N: u32 = 1 << 10;
    const BUSY: u32 = 1 << 1;

    #[test]
    fn facts_agree_with_mb4_da1469x() {
        assert_eq!(mb4_da1469x::irq::number("LCD_CONTROLLER"), Some(IRQ));
        assert_eq!(mb4_da1469x::peripherals::LCDC.base, 0x3003_0000);
        let last = BLOCK.iter().map(|r| r.offset).max().unwrap();
        assert!(
            last < mb4_da1469x::peripherals::LCDC.size,
            "registers fit the block"
        );
    }

    #[test]
    fn id_register_and_unknown_offsets() {
        let mut b = Bench::new();
        assert_eq!(b.read(LCDC_IDREG_REG::OFFSET), ID);
        b.write(LCDC_IDREG_REG::OFFSET, 0);
        assert_eq!(b.read(LCDC_IDREG_REG::OFFSET), ID, "read only");
        let mut cx = Context {
            now: Instant::ZERO,
            irqs: &mut b.irqs,
        };
        assert_eq!(
            b.lcdc.read(0x24, 4, &mut cx),
            Err(RegError::NoRegister { offset: 0x24 }),
            "a hole in the header's struct is refused"
        );
    }

    #[test]
    fn commands_leave_in_order_at_the_serial_clock() {
        let mut b = Bench::new();
        b.spi4_rgb565();
        // CLK_DIV 0: 32 MHz / 2 = 16 MHz, so one byte takes 500 ns.
        assert_eq!(b.lcdc.serial_hz(), 16_000_000);
        b.send(true, 0x2A);
        assert_eq!(
            b.status() & (PENDING | EMPTY_N),
            PENDING,
            "on the wire, not waiting"
        );
        b.send(false, 0x00);
        assert_eq!(
            b.status() & (PENDING | EMPTY_N),
            PENDING | EMPTY_N,
            "one waits"
        );
        assert_eq!(b.lcdc.next_event(), Some(Instant(500_000)));
        assert!(b.panel.log.is_empty(), "nothing leaves before its time");
        assert!(!b.lcdc.wants_service(), "nothing has left yet");
        b.now = Instant(500_000);
        let mut cx = Context {
            now: b.now,
            irqs: &mut b.irqs,
        };
        b.lcdc.advance(&mut cx);
        assert!(b.lcdc.wants_service(), "the command byte left");
        for p in [0x04, 0x00, 0x7B] {
            b.send(false, p);
        }
        b.run_until_idle();
        assert_eq!(b.now, Instant(5 * 500_000));
        assert_eq!(
            b.panel.log,
            vec![(true, vec![0x2A]), (false, vec![0x00, 0x04, 0x00, 0x7B])]
        );
        assert_eq!(b.status() & (PENDING | EMPTY_N | FULL), 0);
    }

    #[test]
    fn fifo_fills_and_overflow_is_reported() {
        let mut b = Bench::new();
        b.spi4_rgb565();
        // One byte goes straight to the shift register, FIFO_DEPTH more wait.
        for i in 0..=FIFO_DEPTH as u8 {
            assert_eq!(b.status() & FULL, 0, "{i} bytes queued");
            b.push(false, i);
        }
        assert_eq!(b.status() & FULL, FULL);
        b.push(false, 0xEE);
        assert_eq!(
            b.lcdc.take_reports(),
            vec![Report::FifoOverflow { byte: 0xEE }]
        );
        b.now = Instant(500_000);
        assert_eq!(b.status() & FULL, 0, "one byte left: room again");
        b.run_until_idle();
        assert_eq!(b.panel.log, vec![(false, vec![0, 1, 2, 3, 4])]);
    }

    #[test]
    fn frame_streams_layer_pixels_and_raises_vsync_interrupt() {
        let mut b = Bench::new();
        b.spi4_rgb565();
        // A 3x2 RGB565 frame buffer with a 8-byte stride (rows padded to 4 bytes).
        let pixels: [[u16; 3]; 2] = [[0xF800, 0x07E0, 0x001F], [0xFFFF, 0x0000, 0x1234]];
        for (y, row) in pixels.iter().enumerate() {
            for (x, p) in row.iter().enumerate() {
                let i = 0x100 + y * 8 + x * 2;
                b.ram[i..i + 2].copy_from_slice(&p.to_le_bytes());
            }
        }
        b.write(LCDC_RESXY_REG::OFFSET, 3 << 16 | 2);
        b.write(LCDC_LAYER0_BASEADDR_REG::OFFSET, RAM + 0x100);
        b.write(LCDC_LAYER0_STRIDE_REG::OFFSET, 8);
        b.write(LCDC_LAYER0_SIZEXY_REG::OFFSET, 3 << 16 | 2);
        b.write(LCDC_LAYER0_MODE_REG::OFFSET, 1 << 31 | 0x05);
        b.send(true, 0x2C); // RAMWR, sent by software
        b.write(LCDC_INTERRUPT_REG::OFFSET, 1); // VSYNC_IRQ_EN
        b.write(LCDC_MODE_REG::OFFSET, 1 << 17); // SFRAME_UPD
        assert_eq!(b.status() & BUSY, BUSY);
        assert!(!b.irqs.is_high(IRQ));
        b.run_until_idle();
        // RAMWR (1 byte) then 6 pixels x 2 bytes, 500 ns a byte.
        assert_eq!(b.now, Instant(13 * 500_000));
        assert!(b.irqs.is_high(IRQ), "frame end raises LCD_CONTROLLER");
        assert_eq!(b.status() & BUSY, 0);
        assert_eq!(
            b.read(LCDC_MODE_REG::OFFSET) & 1 << 17,
            0,
            "SFRAME_UPD clears itself"
        );
        let expected: Vec<u8> = pixels
            .iter()
            .flatten()
            .flat_map(|p| p.to_be_bytes())
            .collect();
        assert_eq!(b.panel.log, vec![(true, vec![0x2C]), (false, expected)]);
        // Zephyr's ISR clears the level by writing LCDC_INTERRUPT_REG.
        b.write(LCDC_INTERRUPT_REG::OFFSET, 0);
        assert!(!b.irqs.is_high(IRQ));
    }

    #[test]
    fn background_fills_outside_the_layer_and_formats_convert() {
        let mut b = Bench::new();
        // RGB888 out; a 1x1 ARGB8888 layer at (1, 0) on a 2x1 screen, grey background.
        b.write(LCDC_DBIB_CFG_REG::OFFSET, 1 << 22 | 0x14);
        b.ram[0..4].copy_from_slice(&0xFF11_2233u32.to_le_bytes());
        b.write(LCDC_RESXY_REG::OFFSET, 2 << 16 | 1);
        b.write(LCDC_BGCOLOR_REG::OFFSET, 0x8040_20FF);
        b.write(LCDC_LAYER0_BASEADDR_REG::OFFSET, RAM);
        b.write(LCDC_LAYER0_STRIDE_REG::OFFSET, 4);
        b.write(LCDC_LAYER0_STARTXY_REG::OFFSET, 1 << 16);
        b.write(LCDC_LAYER0_SIZEXY_REG::OFFSET, 1 << 16 | 1);
        b.write(LCDC_LAYER0_MODE_REG::OFFSET, 1 << 31 | 0x06);
        b.write(LCDC_MODE_REG::OFFSET, 1 << 17);
        b.run_until_idle();
        assert_eq!(
            b.panel.log,
            vec![(false, vec![0x80, 0x40, 0x20, 0x11, 0x22, 0x33])]
        );
    }

    #[test]
    fn rgb565_widens_to_full_scale() {
        assert_eq!(
            LayerFormat::Rgb565.decode(&0xFFFFu16.to_le_bytes()),
            [255, 255, 255]
        );
        assert_eq!(
            LayerFormat::Rgb565.decode(&0xF800u16.to_le_bytes()),
            [255, 0, 0]
        );
        assert_eq!(LayerFormat::Rgb332.decode(&[0xFF]), [255, 255, 255]);
        let mut out = Vec::new();
        OutputFormat::Rgb565.encode(
            LayerFormat::Rgb565.decode(&0x1234u16.to_le_bytes()),
            &mut out,
        );
        assert_eq!(out, 0x1234u16.to_be_bytes(), "565 in, 565 out is lossless");
    }

    #[test]
    fn unreadable_frame_buffer_is_reported_and_frame_still_ends() {
        let mut b = Bench::new();
        b.spi4_rgb565();
        b.write(LCDC_RESXY_REG::OFFSET, 1 << 16 | 1);
        b.write(LCDC_LAYER0_BASEADDR_REG::OFFSET, 0x4000_0000);
        b.write(LCDC_LAYER0_SIZEXY_REG::OFFSET, 1 << 16 | 1);
        b.write(LCDC_LAYER0_MODE_REG::OFFSET, 1 << 31 | 0x05);
        b.write(LCDC_INTERRUPT_REG::OFFSET, 1 << 5); // FRAME_END_IRQ_EN
        b.write(LCDC_MODE_REG::OFFSET, 1 << 17);
        b.run_until_idle();
        assert!(b.irqs.is_high(IRQ));
        assert!(b.panel.log.is_empty());
        assert!(matches!(
            b.lcdc.take_reports().as_slice(),
            [Report::FrameDropped { why }] if why.contains("0x40000000")
        ));
    }

    #[test]
    fn te_edge_interrupts_unless_disabled() {
        let mut b = Bench::new();
        b.write(LCDC_INTERRUPT_REG::OFFSET, 1 << 3); // TE_IRQ_EN
        b.write(LCDC_DBIB_CFG_REG::OFFSET, 1 << 31); // TE_DIS
        let mut cx = Context {
            now: b.now,
            irqs: &mut b.irqs,
        };
        b.lcdc.set_te(true, &mut cx);
        assert!(!b.irqs.is_high(IRQ), "TE disabled");
        assert_eq!(b.status() & 1 << 8, 1 << 8, "the pin still shows in status");
        b.write(LCDC_DBIB_CFG_REG::OFFSET, 0);
        let mut cx = Context {
            now: b.now,
            irqs: &mut b.irqs,
        };
        b.lcdc.set_te(false, &mut cx);
        b.lcdc.set_te(true, &mut cx);
        assert!(b.irqs.is_high(IRQ), "rising edge latched");
        b.write(LCDC_INTERRUPT_REG::OFFSET, 0);
        assert!(!b.irqs.is_high(IRQ));
    }

    #[test]
    fn unmodelled_fields_are_reported() {
        let mut b = Bench::new();
        b.write(LCDC_MODE_REG::OFFSET, 1 << 19); // force blank
        let notes = b.lcdc.notes.drain();
        assert_eq!(notes.len(), 1);
        assert_eq!(
            (notes[0].register, notes[0].fields.as_slice()),
            ("LCDC_MODE_REG", &["LCDC_FORCE_BLANK"][..])
        );
        b.write(LCDC_JDI_HCK_WIDTH_REG::OFFSET, 7);
        assert_eq!(b.read(LCDC_JDI_HCK_WIDTH_REG::OFFSET), 7, "kept");
        assert_eq!(b.lcdc.notes.drain()[0].register, "LCDC_JDI_HCK_WIDTH_REG");
    }

    #[test]
    fn slower_clock_divider_stretches_the_wire() {
        let mut b = Bench::new();
        b.write(LCDC_CLKCTRL_REG::OFFSET, 3); // divide by 4: 4 MHz serial
        b.lcdc.set_source_hz(32_000_000);
        assert_eq!(b.lcdc.serial_hz(), 4_000_000);
        b.send(true, 0x29);
        assert_eq!(b.lcdc.next_event(), Some(Instant(2_000_000)));
    }

    /// Zephyr's `display_renesas_lcdc.c`: continuous mode, then each write
    /// waits for the VSYNC interrupt, which its ISR clears.
    #[test]
    fn continuous_mode_interrupts_at_each_frame_end() {
        let mut b = Bench::new();
        // 4x2 active, totals 10 x 5 pixel clocks at 32 MHz / 2: 3.125 us a frame.
        b.write(LCDC_CLKCTRL_REG::OFFSET, 1);
        b.write(LCDC_RESXY_REG::OFFSET, 4 << 16 | 2);
        b.write(LCDC_BACKPORCHXY_REG::OFFSET, 10 << 16 | 5);
        b.write(LCDC_MODE_REG::OFFSET, 1 << 31);
        assert_eq!(
            b.lcdc.next_event(),
            None,
            "no interrupt wanted: no wake-ups"
        );
        b.write(LCDC_INTERRUPT_REG::OFFSET, 1);
        assert_eq!(b.lcdc.next_event(), Some(Instant(3_125_000)));
        b.now = Instant(3_125_000);
        let mut cx = Context {
            now: b.now,
            irqs: &mut b.irqs,
        };
        b.lcdc.advance(&mut cx);
        assert!(b.irqs.is_high(IRQ));
        b.write(LCDC_INTERRUPT_REG::OFFSET, 0); // the ISR clears VSYNC_IRQ_EN
        assert!(!b.irqs.is_high(IRQ));
        // An hour later, one write and the next frame end still interrupt.
        b.now = Instant::from_secs(3600);
        b.write(LCDC_INTERRUPT_REG::OFFSET, 1);
        let next = b.lcdc.next_event().unwrap();
        assert!(next > b.now && next.since(b.now) <= 3_125_000);
        b.now = next;
        let mut cx = Context {
            now: b.now,
            irqs: &mut b.irqs,
        };
        b.lcdc.advance(&mut cx);
        assert!(b.irqs.is_high(IRQ));
        assert!(b.panel.log.is_empty(), "no pixels without a parallel panel");
    }

    #[test]
    fn spi3_sends_nine_clocks_a_byte() {
        let mut b = Bench::new();
        b.write(LCDC_DBIB_CFG_REG::OFFSET, 1 << 23 | 0x12); // SPI3, 16 MHz serial
        b.send(true, 0x29);
        assert_eq!(b.lcdc.next_event(), Some(Instant(562_500)));
        b.run_until_idle();
        assert_eq!(b.panel.log, vec![(true, vec![0x29])]);
    }

    /// The register traffic of Zephyr's `mipi_dbi_smartbond.c` (with
    /// hal_renesas `da1469x_lcdc.c`), replayed step by step, TE disabled.
    mod zephyr_driver {
        use super::*;

        const CFG: u32 = LCDC_DBIB_CFG_REG::OFFSET;
        const CMD: u32 = LCDC_DBIB_CMD_REG::OFFSET;
        const INT: u32 = LCDC_INTERRUPT_REG::OFFSET;

        /// Poll `STATUS` until `bit` is clear, letting emulated time run as a CPU spinning would.
        fn spin_while(b: &mut Bench, bit: u32) {
            while b.status() & bit != 0 {
                b.now = b.lcdc.next_event().expect("a busy LCDC has a next event");
                let mut cx = Context {
                    now: b.now,
                    irqs: &mut b.irqs,
                };
                b.lcdc.advance(&mut cx);
                b.service();
            }
        }

        fn cfg_write(b: &mut Bench, v: u32) {
            spin_while(b, FULL);
            b.write(CFG, v);
        }

        fn te_set_status_off(b: &mut Bench) {
            let cfg = b.read(CFG);
            let int = b.read(INT);
            b.write(INT, int & !(1 << 3 | 1 << 0));
            cfg_write(b, cfg | 1 << 31);
        }

        fn mipi_dbi_configure(b: &mut Bench) {
            let cfg = b.read(CFG) & !(1 << 23 | 0x1F);
            // SPI4, DMA, RESX, mode 0 (CPHA/CPOL written inverted), RGB565.
            cfg_write(
                b,
                cfg | 1 << 22 | 1 << 24 | 1 << 25 | 1 << 20 | 1 << 19 | 0x12,
            );
        }

        fn send_cmd_data(b: &mut Bench, cmd: bool, bytes: &[u8]) {
            for &byte in bytes {
                let cfg = b.read(CFG);
                let last_cmd = b.read(CMD) & 1 << 30 != 0;
                if cfg & 1 << 22 != 0 && cfg & 1 << 17 == 0 && last_cmd != cmd {
                    spin_while(b, PENDING);
                } else {
                    spin_while(b, FULL);
                }
                b.write(CMD, (cmd as u32) << 30 | byte as u32);
            }
        }

        fn command_write(b: &mut Bench, cmd: u8, data: &[u8]) {
            mipi_dbi_configure(b);
            send_cmd_data(b, true, &[cmd]);
            send_cmd_data(b, false, data);
        }

        fn write_display(b: &mut Bench, fb: u32, w: u32, h: u32) {
            assert_eq!(
                b.status() & (BUSY | EMPTY_N),
                0,
                "driver refuses a busy host"
            );
            mipi_dbi_configure(b);
            b.write(LCDC_RESXY_REG::OFFSET, w << 16 | h);
            b.write(LCDC_FRONTPORCHXY_REG::OFFSET, w << 16 | h);
            b.write(LCDC_BLANKINGXY_REG::OFFSET, (w + 2) << 16 | (h + 1));
            b.write(LCDC_BACKPORCHXY_REG::OFFSET, (w + 2) << 16 | (h + 1));
            b.write(LCDC_LAYER0_BASEADDR_REG::OFFSET, fb);
            b.write(LCDC_LAYER0_STARTXY_REG::OFFSET, 0);
            b.write(LCDC_LAYER0_SIZEXY_REG::OFFSET, w << 16 | h);
            b.write(LCDC_LAYER0_RESXY_REG::OFFSET, w << 16 | h);
            let stride = b.read(LCDC_LAYER0_STRIDE_REG::OFFSET) & !0xFFFF;
            b.write(LCDC_LAYER0_STRIDE_REG::OFFSET, stride | ((2 * w + 3) & !3));
            b.write(LCDC_LAYER0_MODE_REG::OFFSET, 1 << 31 | 0x05);
            let int = b.read(INT);
            b.write(INT, int | 1);
            let mode = b.read(LCDC_MODE_REG::OFFSET);
            b.write(LCDC_MODE_REG::OFFSET, mode | 1 << 17);
            // k_sem_take: the CPU sleeps until the interrupt.
            while !b.irqs.is_high(IRQ) {
                b.now = b.lcdc.next_event().expect("a frame in flight ends");
                let mut cx = Context {
                    now: b.now,
                    irqs: &mut b.irqs,
                };
                b.lcdc.advance(&mut cx);
                b.service();
            }
            // smartbond_mipi_dbi_isr
            assert_eq!(b.status() & 1 << 7, 0, "no underflow");
            te_set_status_off(b);
            assert!(
                !b.irqs.is_high(IRQ),
                "the ISR's register write drops the line"
            );
        }

        /// `te-enable`: the driver arms TE, sleeps until the panel's TE edge
        /// interrupts, disarms it in the ISR, then sends the frame.
        #[test]
        fn zephyr_driver_waits_for_tearing_effect() {
            let mut b = Bench::new();
            mipi_dbi_configure(&mut b);
            // da1469x_lcdc_te_set_status(true, false)
            let cfg = b.read(CFG);
            cfg_write(&mut b, cfg & !(1 << 31));
            let int = b.read(INT);
            b.write(INT, int | 1 << 3 | 1 << 0);
            assert!(!b.irqs.is_high(IRQ), "no edge yet");
            let mut cx = Context {
                now: b.now,
                irqs: &mut b.irqs,
            };
            b.lcdc.set_te(true, &mut cx);
            assert!(b.irqs.is_high(IRQ), "TE edge wakes the driver");
            te_set_status_off(&mut b);
            assert!(!b.irqs.is_high(IRQ));
            let mut cx = Context {
                now: b.now,
                irqs: &mut b.irqs,
            };
            b.lcdc.set_te(false, &mut cx);
            b.lcdc.set_te(true, &mut cx);
            assert!(!b.irqs.is_high(IRQ), "TE disarmed: edges are ignored");
            b.ram[0x300..0x302].copy_from_slice(&0xABCDu16.to_le_bytes());
            write_display(&mut b, RAM + 0x300, 1, 1);
            assert_eq!(b.panel.log, vec![(false, vec![0xAB, 0xCD])]);
        }

        #[test]
        fn zephyr_driver_draws_a_frame() {
            let mut b = Bench::new();
            // mipi_dbi_smartbond_configure
            let clk = b.read(LCDC_CLKCTRL_REG::OFFSET) & !0x3F;
            b.write(LCDC_CLKCTRL_REG::OFFSET, clk);
            assert_eq!(b.read(LCDC_IDREG_REG::OFFSET), ID, "da1469x_lcdc_check_id");
            te_set_status_off(&mut b);
            b.write(LCDC_BGCOLOR_REG::OFFSET, 0);
            let off = b.read(LCDC_LAYER0_OFFSETX_REG::OFFSET);
            b.write(LCDC_LAYER0_OFFSETX_REG::OFFSET, off);
            // A panel driver: window, then RAMWR, then the frame.
            command_write(&mut b, 0x2A, &[0, 4, 0, 5]);
            command_write(&mut b, 0x2B, &[0, 0, 0, 1]);
            command_write(&mut b, 0x2C, &[]);
            for (i, px) in [0xF800u16, 0x07E0, 0x001F, 0xFFFF].iter().enumerate() {
                b.ram[0x200 + 2 * i..0x202 + 2 * i].copy_from_slice(&px.to_le_bytes());
            }
            write_display(&mut b, RAM + 0x200, 2, 2);
            assert_eq!(
                b.panel.log,
                vec![
                    (true, vec![0x2A]),
                    (false, vec![0, 4, 0, 5]),
                    (true, vec![0x2B]),
                    (false, vec![0, 0, 0, 1]),
                    (true, vec![0x2C]),
                    (false, vec![0xF8, 0x00, 0x07, 0xE0, 0x00, 0x1F, 0xFF, 0xFF]),
                ]
            );
            assert!(
                b.lcdc.take_reports().is_empty(),
                "nothing dropped on this path"
            );
            assert!(b.lcdc.notes.is_empty(), "nothing unmodelled on this path");
        }
    }
}
