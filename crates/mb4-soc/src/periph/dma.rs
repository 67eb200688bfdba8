//! DMA: eight channels moving bytes, half-words or words between memory
//! and peripherals, with the request multiplexer and the interrupt.
//!
//! Modelled: per channel `DMAx_A_START_REG` (source), `DMAx_B_START_REG`
//! (destination), `DMAx_LEN_REG` and `DMAx_INT_REG` (counts minus one),
//! `DMAx_CTRL_REG` (`DMA_ON`, cleared by hardware at the end unless
//! `CIRCULAR`; `BW` 1/2/4 bytes; `AINC`/`BINC`; `DREQ_MODE` 0 = start at
//! once (memory to memory), 1 = wait for the peripheral's requests;
//! `DMA_INIT`, which with a fixed source fills memory), `DMAx_IDX_REG`;
//! `DMA_REQ_MUX_REG` (which peripheral drives each channel pair: the even
//! channel receives from it, the odd one transmits to it), `DMA_INT_STATUS_REG`,
//! `DMA_CLEAR_INT_REG`, `DMA_INT_MASK_REG` and the `DMA` line (1).
//!
//! The bus moves the data ([`crate::bus::Soc`] runs the channels through its
//! own read and write paths, so peripheral FIFOs see the accesses and bad
//! addresses are reported). Transfers take no bus time. Peripheral requests
//! are modelled for SPI, SPI2 (receive: a word waits; transmit: always, as
//! the SPI model exchanges at once), I2C and I2C2 (receive: a byte waits;
//! transmit: room in the FIFO); other requesters (UART, USB, PCM, SRC,
//! GPADC, SDADC) are reported and their channels wait. Priorities and
//! bursts are kept, not used: channels are served in turn.

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{Field, RegError, Regs};

use super::Notes;

mb4_periph::regmap! {
    /// DMA registers (`DMA_Type`, base 0x5004_0800).
    pub mod regs {
        /// Start address A (source) of DMA channel 0.
        DMA0_A_START_REG @ 0x00 = 0 { DMA0_A_START: 0..=31 RW }
        /// Start address B (destination) of DMA channel 0.
        DMA0_B_START_REG @ 0x04 = 0 { DMA0_B_START: 0..=31 RW }
        /// Transfers after which channel 0 interrupts, minus one.
        DMA0_INT_REG @ 0x08 = 0 { DMA0_INT: 0..=15 RW }
        /// Transfers of channel 0, minus one.
        DMA0_LEN_REG @ 0x0c = 0 { DMA0_LEN: 0..=15 RW }
        /// Control register for the DMA channel 0.
        DMA0_CTRL_REG @ 0x10 = 0 {
            DMA_ON: 0..=0 RW,
            BW: 1..=2 RW,
            DREQ_MODE: 3..=3 RW,
            BINC: 4..=4 RW,
            AINC: 5..=5 RW,
            CIRCULAR: 6..=6 RW,
            DMA_PRIO: 7..=9 RW,
            DMA_IDLE: 10..=10 RW,
            DMA_INIT: 11..=11 RW,
            REQ_SENSE: 12..=12 RW,
            BURST_MODE: 13..=14 RW,
            BUS_ERROR_DETECT: 15..=15 RW,
        }
        /// Index value of DMA channel 0 (transfers done).
        DMA0_IDX_REG @ 0x14 = 0 { DMA0_IDX: 0..=15 RO }
        /// Start address A (source) of DMA channel 1.
        DMA1_A_START_REG @ 0x20 = 0 { DMA1_A_START: 0..=31 RW }
        /// Start address B (destination) of DMA channel 1.
        DMA1_B_START_REG @ 0x24 = 0 { DMA1_B_START: 0..=31 RW }
        /// Transfers after which channel 1 interrupts, minus one.
        DMA1_INT_REG @ 0x28 = 0 { DMA1_INT: 0..=15 RW }
        /// Transfers of channel 1, minus one.
        DMA1_LEN_REG @ 0x2c = 0 { DMA1_LEN: 0..=15 RW }
        /// Control register for the DMA channel 1.
        DMA1_CTRL_REG @ 0x30 = 0 {
            DMA_ON: 0..=0 RW,
            BW: 1..=2 RW,
            DREQ_MODE: 3..=3 RW,
            BINC: 4..=4 RW,
            AINC: 5..=5 RW,
            CIRCULAR: 6..=6 RW,
            DMA_PRIO: 7..=9 RW,
            DMA_IDLE: 10..=10 RW,
            DMA_INIT: 11..=11 RW,
            REQ_SENSE: 12..=12 RW,
            BURST_MODE: 13..=14 RW,
            BUS_ERROR_DETECT: 15..=15 RW,
        }
        /// Index value of DMA channel 1 (transfers done).
        DMA1_IDX_REG @ 0x34 = 0 { DMA1_IDX: 0..=15 RO }
        /// Start address A (source) of DMA channel 2.
        DMA2_A_START_REG @ 0x40 = 0 { DMA2_A_START: 0..=31 RW }
        /// Start address B (destination) of DMA channel 2.
        DMA2_B_START_REG @ 0x44 = 0 { DMA2_B_START: 0..=31 RW }
        /// Transfers after which channel 2 interrupts, minus one.
        DMA2_INT_REG @ 0x48 = 0 { DMA2_INT: 0..=15 RW }
        /// Transfers of channel 2, minus one.
        DMA2_LEN_REG @ 0x4c = 0 { DMA2_LEN: 0..=15 RW }
        /// Control register for the DMA channel 2.
        DMA2_CTRL_REG @ 0x50 = 0 {
            DMA_ON: 0..=0 RW,
            BW: 1..=2 RW,
            DREQ_MODE: 3..=3 RW,
            BINC: 4..=4 RW,
            AINC: 5..=5 RW,
            CIRCULAR: 6..=6 RW,
            DMA_PRIO: 7..=9 RW,
            DMA_IDLE: 10..=10 RW,
            DMA_INIT: 11..=11 RW,
            REQ_SENSE: 12..=12 RW,
            BURST_MODE: 13..=14 RW,
            BUS_ERROR_DETECT: 15..=15 RW,
        }
        /// Index value of DMA channel 2 (transfers done).
        DMA2_IDX_REG @ 0x54 = 0 { DMA2_IDX: 0..=15 RO }
        /// Start address A (source) of DMA channel 3.
        DMA3_A_START_REG @ 0x60 = 0 { DMA3_A_START: 0..=31 RW }
        /// Start address B (destination) of DMA channel 3.
        DMA3_B_START_REG @ 0x64 = 0 { DMA3_B_START: 0..=31 RW }
        /// Transfers after which channel 3 interrupts, minus one.
        DMA3_INT_REG @ 0x68 = 0 { DMA3_INT: 0..=15 RW }
        /// Transfers of channel 3, minus one.
        DMA3_LEN_REG @ 0x6c = 0 { DMA3_LEN: 0..=15 RW }
        /// Control register for the DMA channel 3.
        DMA3_CTRL_REG @ 0x70 = 0 {
            DMA_ON: 0..=0 RW,
            BW: 1..=2 RW,
            DREQ_MODE: 3..=3 RW,
            BINC: 4..=4 RW,
            AINC: 5..=5 RW,
            CIRCULAR: 6..=6 RW,
            DMA_PRIO: 7..=9 RW,
            DMA_IDLE: 10..=10 RW,
            DMA_INIT: 11..=11 RW,
            REQ_SENSE: 12..=12 RW,
            BURST_MODE: 13..=14 RW,
            BUS_ERROR_DETECT: 15..=15 RW,
        }
        /// Index value of DMA channel 3 (transfers done).
        DMA3_IDX_REG @ 0x74 = 0 { DMA3_IDX: 0..=15 RO }
        /// Start address A (source) of DMA channel 4.
        DMA4_A_START_REG @ 0x80 = 0 { DMA4_A_START: 0..=31 RW }
        /// Start address B (destination) of DMA channel 4.
        DMA4_B_START_REG @ 0x84 = 0 { DMA4_B_START: 0..=31 RW }
        /// Transfers after which channel 4 interrupts, minus one.
        DMA4_INT_REG @ 0x88 = 0 { DMA4_INT: 0..=15 RW }
        /// Transfers of channel 4, minus one.
        DMA4_LEN_REG @ 0x8c = 0 { DMA4_LEN: 0..=15 RW }
        /// Control register for the DMA channel 4.
        DMA4_CTRL_REG @ 0x90 = 0 {
            DMA_ON: 0..=0 RW,
            BW: 1..=2 RW,
            DREQ_MODE: 3..=3 RW,
            BINC: 4..=4 RW,
            AINC: 5..=5 RW,
            CIRCULAR: 6..=6 RW,
            DMA_PRIO: 7..=9 RW,
            DMA_IDLE: 10..=10 RW,
            DMA_INIT: 11..=11 RW,
            REQ_SENSE: 12..=12 RW,
            BURST_MODE: 13..=14 RW,
            BUS_ERROR_DETECT: 15..=15 RW,
        }
        /// Index value of DMA channel 4 (transfers done).
        DMA4_IDX_REG @ 0x94 = 0 { DMA4_IDX: 0..=15 RO }
        /// Start address A (source) of DMA channel 5.
        DMA5_A_START_REG @ 0xa0 = 0 { DMA5_A_START: 0..=31 RW }
        /// Start address B (destination) of DMA channel 5.
        DMA5_B_START_REG @ 0xa4 = 0 { DMA5_B_START: 0..=31 RW }
        /// Transfers after which channel 5 interrupts, minus one.
        DMA5_INT_REG @ 0xa8 = 0 { DMA5_INT: 0..=15 RW }
        /// Transfers of channel 5, minus one.
        DMA5_LEN_REG @ 0xac = 0 { DMA5_LEN: 0..=15 RW }
        /// Control register for the DMA channel 5.
        DMA5_CTRL_REG @ 0xb0 = 0 {
            DMA_ON: 0..=0 RW,
            BW: 1..=2 RW,
            DREQ_MODE: 3..=3 RW,
            BINC: 4..=4 RW,
            AINC: 5..=5 RW,
            CIRCULAR: 6..=6 RW,
            DMA_PRIO: 7..=9 RW,
            DMA_IDLE: 10..=10 RW,
            DMA_INIT: 11..=11 RW,
            REQ_SENSE: 12..=12 RW,
            BURST_MODE: 13..=14 RW,
            BUS_ERROR_DETECT: 15..=15 RW,
        }
        /// Index value of DMA channel 5 (transfers done).
        DMA5_IDX_REG @ 0xb4 = 0 { DMA5_IDX: 0..=15 RO }
        /// Start address A (source) of DMA channel 6.
        DMA6_A_START_REG @ 0xc0 = 0 { DMA6_A_START: 0..=31 RW }
        /// Start address B (destination) of DMA channel 6.
        DMA6_B_START_REG @ 0xc4 = 0 { DMA6_B_START: 0..=31 RW }
        /// Transfers after which channel 6 interrupts, minus one.
        DMA6_INT_REG @ 0xc8 = 0 { DMA6_INT: 0..=15 RW }
        /// Transfers of channel 6, minus one.
        DMA6_LEN_REG @ 0xcc = 0 { DMA6_LEN: 0..=15 RW }
        /// Control register for the DMA channel 6.
        DMA6_CTRL_REG @ 0xd0 = 0 {
            DMA_ON: 0..=0 RW,
            BW: 1..=2 RW,
            DREQ_MODE: 3..=3 RW,
            BINC: 4..=4 RW,
            AINC: 5..=5 RW,
            CIRCULAR: 6..=6 RW,
            DMA_PRIO: 7..=9 RW,
            DMA_IDLE: 10..=10 RW,
            DMA_INIT: 11..=11 RW,
            REQ_SENSE: 12..=12 RW,
            BURST_MODE: 13..=14 RW,
            BUS_ERROR_DETECT: 15..=15 RW,
        }
        /// Index value of DMA channel 6 (transfers done).
        DMA6_IDX_REG @ 0xd4 = 0 { DMA6_IDX: 0..=15 RO }
        /// Start address A (source) of DMA channel 7.
        DMA7_A_START_REG @ 0xe0 = 0 { DMA7_A_START: 0..=31 RW }
        /// Start address B (destination) of DMA channel 7.
        DMA7_B_START_REG @ 0xe4 = 0 { DMA7_B_START: 0..=31 RW }
        /// Transfers after which channel 7 interrupts, minus one.
        DMA7_INT_REG @ 0xe8 = 0 { DMA7_INT: 0..=15 RW }
        /// Transfers of channel 7, minus one.
        DMA7_LEN_REG @ 0xec = 0 { DMA7_LEN: 0..=15 RW }
        /// Control register for the DMA channel 7.
        DMA7_CTRL_REG @ 0xf0 = 0 {
            DMA_ON: 0..=0 RW,
            BW: 1..=2 RW,
            DREQ_MODE: 3..=3 RW,
            BINC: 4..=4 RW,
            AINC: 5..=5 RW,
            CIRCULAR: 6..=6 RW,
            DMA_PRIO: 7..=9 RW,
            DMA_IDLE: 10..=10 RW,
            DMA_INIT: 11..=11 RW,
            REQ_SENSE: 12..=12 RW,
            BURST_MODE: 13..=14 RW,
            BUS_ERROR_DETECT: 15..=15 RW,
        }
        /// Index value of DMA channel 7 (transfers done).
        DMA7_IDX_REG @ 0xf4 = 0 { DMA7_IDX: 0..=15 RO }
        /// DMA channel assignments.
        DMA_REQ_MUX_REG @ 0x100 = 0xFFFF {
            DMA01_SEL: 0..=3 RW,
            DMA23_SEL: 4..=7 RW,
            DMA45_SEL: 8..=11 RW,
            DMA67_SEL: 12..=15 RW,
        }
        /// DMA interrupt status register.
        DMA_INT_STATUS_REG @ 0x104 = 0 {
            DMA_IRQ_CH0: 0..=0 RO,
            DMA_IRQ_CH1: 1..=1 RO,
            DMA_IRQ_CH2: 2..=2 RO,
            DMA_IRQ_CH3: 3..=3 RO,
            DMA_IRQ_CH4: 4..=4 RO,
            DMA_IRQ_CH5: 5..=5 RO,
            DMA_IRQ_CH6: 6..=6 RO,
            DMA_IRQ_CH7: 7..=7 RO,
            DMA_BUS_ERR0: 8..=8 RO,
            DMA_BUS_ERR1: 9..=9 RO,
            DMA_BUS_ERR2: 10..=10 RO,
            DMA_BUS_ERR3: 11..=11 RO,
            DMA_BUS_ERR4: 12..=12 RO,
            DMA_BUS_ERR5: 13..=13 RO,
            DMA_BUS_ERR6: 14..=14 RO,
            DMA_BUS_ERR7: 15..=15 RO,
        }
        /// DMA clear interrupt register.
        DMA_CLEAR_INT_REG @ 0x108 = 0 {
            DMA_RST_IRQ_CH0: 0..=0 WO,
            DMA_RST_IRQ_CH1: 1..=1 WO,
            DMA_RST_IRQ_CH2: 2..=2 WO,
            DMA_RST_IRQ_CH3: 3..=3 WO,
            DMA_RST_IRQ_CH4: 4..=4 WO,
            DMA_RST_IRQ_CH5: 5..=5 WO,
            DMA_RST_IRQ_CH6: 6..=6 WO,
            DMA_RST_IRQ_CH7: 7..=7 WO,
        }
        /// DMA Interrupt mask register.
        DMA_INT_MASK_REG @ 0x10c = 0 {
            DMA_IRQ_ENABLE0: 0..=0 RW,
            DMA_IRQ_ENABLE1: 1..=1 RW,
            DMA_IRQ_ENABLE2: 2..=2 RW,
            DMA_IRQ_ENABLE3: 3..=3 RW,
            DMA_IRQ_ENABLE4: 4..=4 RW,
            DMA_IRQ_ENABLE5: 5..=5 RW,
            DMA_IRQ_ENABLE6: 6..=6 RW,
            DMA_IRQ_ENABLE7: 7..=7 RW,
        }
    }
}

use regs::{
    DMA_CLEAR_INT_REG, DMA_INT_MASK_REG, DMA_INT_STATUS_REG, DMA_REQ_MUX_REG, DMA0_CTRL_REG as CTRL,
};

/// `DMA` interrupt line.
pub const IRQ: u32 = 1;
/// Channels.
pub const CHANNELS: usize = 8;

/// Who drives a channel pair's requests (`DMA_REQ_MUX_REG` values, named as
/// Zephyr's `dma_smartbond.h` `DMA_SMARTBOND_TRIG_MUX_*`).
pub fn requester_name(sel: u32) -> &'static str {
    match sel {
        0 => "SPI",
        1 => "SPI2",
        2 => "UART",
        3 => "UART2",
        4 => "I2C",
        5 => "I2C2",
        6 => "USB",
        7 => "UART3",
        8 => "PCM",
        9 => "SRC",
        0xC => "GPADC",
        0xD => "SDADC",
        0xF => "none",
        _ => "reserved",
    }
}

/// One channel's settings, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channel {
    /// Source.
    pub a: u32,
    /// Destination.
    pub b: u32,
    /// Transfers after which the interrupt is raised, minus one.
    pub int: u32,
    /// Transfers, minus one.
    pub len: u32,
    /// Transfers done.
    pub idx: u32,
    /// Bytes per transfer.
    pub width: u8,
    /// Source increments.
    pub ainc: bool,
    /// Destination increments.
    pub binc: bool,
    /// Waits for peripheral requests.
    pub hw: bool,
    /// Restarts at the end.
    pub circular: bool,
}

/// The DMA block's registers and interrupt state.
#[derive(Debug, Clone)]
pub struct Dma {
    regs: Regs,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
}

impl Default for Dma {
    fn default() -> Self {
        Self::new()
    }
}

fn off(ch: usize, reg: u32) -> u32 {
    ch as u32 * 0x20 + reg
}

impl Dma {
    /// At power-on.
    pub fn new() -> Dma {
        Dma {
            regs: Regs::new(regs::BLOCK),
            notes: Notes::default(),
        }
    }

    /// Channels with `DMA_ON` set, as a bit mask.
    pub fn active(&self) -> u8 {
        (0..CHANNELS).fold(0, |m, ch| {
            m | (u8::from(CTRL::DMA_ON.is_set(self.regs.get(off(ch, 0x10)))) << ch)
        })
    }

    /// Channel `ch` decoded.
    pub fn channel(&self, ch: usize) -> Channel {
        let c = self.regs.get(off(ch, 0x10));
        let f = |f: Field| f.get(c);
        Channel {
            a: self.regs.get(off(ch, 0x00)),
            b: self.regs.get(off(ch, 0x04)),
            int: self.regs.get(off(ch, 0x08)),
            len: self.regs.get(off(ch, 0x0C)),
            idx: self.regs.get(off(ch, 0x14)),
            width: match f(CTRL::BW) {
                0 => 1,
                1 => 2,
                _ => 4,
            },
            ainc: f(CTRL::AINC) != 0,
            binc: f(CTRL::BINC) != 0,
            hw: f(CTRL::DREQ_MODE) != 0,
            circular: f(CTRL::CIRCULAR) != 0,
        }
    }

    /// The requester selected for channel `ch`'s pair.
    pub fn requester(&self, ch: usize) -> u32 {
        self.regs.get(DMA_REQ_MUX_REG::OFFSET) >> (4 * (ch / 2)) & 0xF
    }

    /// One transfer of `ch` is done: advance its index, raise its interrupt
    /// when the count is reached, stop it (or wrap) at the end.
    pub fn transferred(&mut self, ch: usize, cx: &mut Context<'_>) {
        let c = self.channel(ch);
        let done = c.idx + 1;
        if c.idx == c.int {
            self.raise(ch, 0);
        }
        if c.idx >= c.len {
            self.regs.set(off(ch, 0x14), 0);
            if !c.circular {
                let ctrl = CTRL::DMA_ON.set(self.regs.get(off(ch, 0x10)), 0);
                self.regs.set(off(ch, 0x10), ctrl);
            }
        } else {
            self.regs.set(off(ch, 0x14), done);
        }
        self.update_irq(cx);
    }

    /// A bus error on `ch`: the channel stops and its error bit is set.
    pub fn bus_error(&mut self, ch: usize, cx: &mut Context<'_>) {
        self.raise(ch, 8);
        let ctrl = CTRL::DMA_ON.set(self.regs.get(off(ch, 0x10)), 0);
        self.regs.set(off(ch, 0x10), ctrl);
        self.update_irq(cx);
    }

    fn raise(&mut self, ch: usize, base: u32) {
        let st = self.regs.get(DMA_INT_STATUS_REG::OFFSET) | 1 << (base + ch as u32);
        self.regs.set(DMA_INT_STATUS_REG::OFFSET, st);
    }

    fn update_irq(&self, cx: &mut Context<'_>) {
        let st = self.regs.get(DMA_INT_STATUS_REG::OFFSET);
        let mask = self.regs.get(DMA_INT_MASK_REG::OFFSET);
        cx.irqs.set(IRQ, (st | st >> 8) & mask & 0xFF != 0);
    }
}

impl Device for Dma {
    fn name(&self) -> &'static str {
        "DMA"
    }

    fn read(&mut self, offset: u32, size: u8, _cx: &mut Context<'_>) -> Result<u32, RegError> {
        self.regs.read(offset, size)
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        let w = self
            .notes
            .write("DMA", &mut self.regs, offset, size, value)?;
        if w.offset == DMA_CLEAR_INT_REG::OFFSET {
            let bits = w.written & 0xFF;
            let st = self.regs.get(DMA_INT_STATUS_REG::OFFSET) & !(bits | bits << 8);
            self.regs.set(DMA_INT_STATUS_REG::OFFSET, st);
        } else if w.offset < 0x100 && w.offset % 0x20 == 0x10 && w.rose(CTRL::DMA_ON) {
            // Starting a channel starts it from the beginning.
            self.regs.set(w.offset + 4, 0);
        }
        self.update_irq(cx);
        Ok(())
    }

    fn reset(&mut self) {
        self.regs.reset();
    }
}
