//! SPI and SPI2: the DA1469x SPI controller (`SPI_Type`: one control
//! register, the data register and an interrupt clear) as a bus master
//! talking to [`SpiTarget`]s.
//!
//! Modelled: `SPI_ON`/`SPI_RST` (the block works while on and out of
//! reset), word size (`SPI_WORD`: 8, 16 or 32 bits, sent MSB first, byte by
//! byte to the target), the FIFO modes (`SPI_FIFO_MODE`: 0 TX and RX, 1 RX
//! only, 2 TX only, 3 none), `SPI_RX_TX_REG` writes that clock a word out
//! and a word in, reads that pop the received word, `SPI_INT_BIT` (received
//! data waiting; in TX-only mode a word sent, until `SPI_CLEAR_INT_REG`), the
//! status bits (`SPI_BUSY`, `SPI_TXH`, `SPI_RX_FIFO_EMPTY/FULL`,
//! `SPI_TX_FIFO_EMPTY`) and the interrupt line gated by `SPI_MINT`.
//!
//! A word is exchanged as soon as it is written (the model takes no bus
//! time; `SPI_CLK` is kept but paces nothing), so `SPI_BUSY` and `SPI_TXH`
//! read 0. Chip selects are GPIOs, as Zephyr's `cs-gpios` make them: a
//! target attached with a chip-select pin takes part while that pin is
//! low ([`Spi::set_cs_levels`], fed by the bus from GPIO); one attached
//! without a pin is always selected. With no target selected, MISO reads
//! all ones (a pulled-up line, inferred).
//!
//! Not modelled (reported): target (slave) mode, 9-bit words, the
//! hardware `SPI_EN` chip select, DMA requests, `SPI_FORCE_DO`/`SPI_DO`.
//! The RX FIFO is [`FIFO_WORDS`] deep (inferred).

use std::any::Any;
use std::collections::VecDeque;

use mb4_periph::device::{Context, Device};
use mb4_periph::part::SpiTarget;
use mb4_periph::regmap::{RegError, Regs};
use mb4_periph::time::Instant;

use super::Notes;
use super::gpio::Pin;

mb4_periph::regmap! {
    /// SPI registers (`SPI_Type`, bases 0x5002_0300 and 0x5002_0400).
    pub mod regs {
        /// SPI control register 0.
        SPI_CTRL_REG @ 0x00 = 0x00A0_0000 {
            SPI_ON: 0..=0 RW,
            SPI_PHA: 1..=1 RW,
            SPI_POL: 2..=2 RW,
            SPI_CLK: 3..=4 RW,
            SPI_DO: 5..=5 Tag,
            SPI_SMN: 6..=6 RW,
            SPI_RST: 7..=7 RW,
            SPI_WORD: 8..=9 RW,
            SPI_FORCE_DO: 10..=10 Tag,
            SPI_TXH: 11..=11 RO,
            SPI_DI: 12..=12 RO,
            SPI_INT_BIT: 13..=13 RO,
            SPI_MINT: 14..=14 RW,
            SPI_EN_CTRL: 15..=15 Tag,
            SPI_FIFO_MODE: 16..=17 RW,
            SPI_PRIORITY: 18..=18 RW,
            SPI_BUSY: 19..=19 RO,
            SPI_9BIT_VAL: 20..=20 RW,
            SPI_RX_FIFO_EMPTY: 21..=21 RO,
            SPI_RX_FIFO_FULL: 22..=22 RO,
            SPI_TX_FIFO_EMPTY: 23..=23 RO,
            SPI_DMA_TXREQ_MODE: 24..=24 RW,
            SPI_TX_FIFO_NOTFULL_MASK: 25..=25 RW,
        }
        /// SPI RX/TX register0.
        SPI_RX_TX_REG @ 0x04 = 0 {
            SPI_DATA: 0..=31 RW,
        }
        /// SPI clear interrupt register (any write clears).
        SPI_CLEAR_INT_REG @ 0x08 = 0 {
            SPI_CLEAR_INT: 0..=31 WO,
        }
    }
}

use regs::{SPI_CLEAR_INT_REG, SPI_CTRL_REG, SPI_RX_TX_REG};

/// Received words the controller holds.
pub const FIFO_WORDS: usize = 4;

/// Which controller: name and interrupt line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instance {
    /// `SPI` or `SPI2`.
    pub name: &'static str,
    /// NVIC line (`SPI_IRQn` 10, `SPI2_IRQn` 11).
    pub irq: u32,
}

/// SPI at 0x5002_0300.
pub const SPI: Instance = Instance {
    name: "SPI",
    irq: 10,
};
/// SPI2 at 0x5002_0400.
pub const SPI2: Instance = Instance {
    name: "SPI2",
    irq: 11,
};

/// A SPI target the controller owns and the machine can still reach by type.
pub trait AttachedSpiTarget: SpiTarget + Any {}
impl<T: SpiTarget + Any> AttachedSpiTarget for T {}

struct Attached {
    cs: Option<Pin>,
    selected: bool,
    target: Box<dyn AttachedSpiTarget>,
}

/// One controller and the targets on its bus.
pub struct Spi {
    which: Instance,
    regs: Regs,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
    /// Warnings for the bus to report.
    pub warnings: Vec<String>,
    rx: VecDeque<u32>,
    /// `SPI_INT_BIT`.
    int: bool,
    targets: Vec<Attached>,
    /// Words exchanged (for tests and summaries).
    pub words: u64,
}

impl std::fmt::Debug for Spi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spi")
            .field("which", &self.which)
            .field("rx", &self.rx)
            .field("int", &self.int)
            .field(
                "targets",
                &self.targets.iter().map(|t| t.cs).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Spi {
    /// A controller at power-on with nothing on its bus.
    pub fn new(which: Instance) -> Spi {
        Spi {
            which,
            regs: Regs::new(regs::BLOCK),
            notes: Notes::default(),
            warnings: Vec::new(),
            rx: VecDeque::new(),
            int: false,
            targets: Vec::new(),
            words: 0,
        }
    }

    /// Which controller this is.
    pub fn which(&self) -> Instance {
        self.which
    }

    /// Put `target` on the bus, selected while GPIO `cs` is low (`None`:
    /// always selected). Returns its index for [`Spi::target_mut`].
    pub fn attach<T: SpiTarget + Any>(&mut self, cs: Option<Pin>, target: Box<T>) -> usize {
        self.targets.push(Attached {
            cs,
            selected: false,
            target,
        });
        self.targets.len() - 1
    }

    /// The target attached as number `index`, as its concrete type.
    pub fn target_mut<T: Any>(&mut self, index: usize) -> Option<&mut T> {
        let t: &mut dyn Any = self.targets.get_mut(index)?.target.as_mut();
        t.downcast_mut::<T>()
    }

    /// The target attached as number `index`, as its concrete type.
    pub fn target<T: Any>(&self, index: usize) -> Option<&T> {
        let t: &dyn Any = self.targets.get(index)?.target.as_ref();
        t.downcast_ref::<T>()
    }

    /// The chip-select pins that have targets.
    pub fn cs_pins(&self) -> Vec<Pin> {
        self.targets.iter().filter_map(|t| t.cs).collect()
    }

    /// The GPIO levels changed: targets whose chip select went low are
    /// selected, those whose went high deselected. `level(pin)` gives a pad's level.
    pub fn set_cs_levels(&mut self, level: impl Fn(Pin) -> bool, now: Instant) {
        for t in &mut self.targets {
            let Some(pin) = t.cs else { continue };
            let active = !level(pin);
            if active && !t.selected {
                t.target.select(now);
            } else if !active && t.selected {
                t.target.deselect(now);
            }
            t.selected = active;
        }
    }

    /// A DMA receive request: a received word waits.
    pub fn dma_rx_ready(&self) -> bool {
        !self.rx.is_empty()
    }

    fn ctrl(&self) -> u32 {
        self.regs.get(SPI_CTRL_REG::OFFSET)
    }

    fn enabled(&self) -> bool {
        let c = self.ctrl();
        SPI_CTRL_REG::SPI_ON.is_set(c) && !SPI_CTRL_REG::SPI_RST.is_set(c)
    }

    fn word_bytes(&self) -> usize {
        match SPI_CTRL_REG::SPI_WORD.get(self.ctrl()) {
            1 => 2,
            2 => 4,
            _ => 1,
        }
    }

    /// Clock one word out and one in.
    fn exchange(&mut self, out: u32, now: Instant) -> u32 {
        let n = self.word_bytes();
        let mut back = 0u32;
        for i in (0..n).rev() {
            let mosi = (out >> (8 * i)) as u8;
            let mut miso = 0xFF;
            for t in &mut self.targets {
                if t.cs.is_none() || t.selected {
                    miso &= t.target.transfer(mosi, now);
                }
            }
            back = back << 8 | u32::from(miso);
        }
        self.words += 1;
        back
    }

    /// `SPI_INT_BIT`: received data waiting (a level while the RX side is
    /// used); in TX-only mode, a word went out since the last clear.
    fn int_bit(&self) -> bool {
        if SPI_CTRL_REG::SPI_FIFO_MODE.get(self.ctrl()) == 2 {
            self.int
        } else {
            !self.rx.is_empty()
        }
    }

    fn refresh(&mut self, cx: &mut Context<'_>) {
        let mut c = self.ctrl();
        for (f, on) in [
            (SPI_CTRL_REG::SPI_TXH, false),
            (SPI_CTRL_REG::SPI_BUSY, false),
            (SPI_CTRL_REG::SPI_INT_BIT, self.int_bit()),
            (SPI_CTRL_REG::SPI_RX_FIFO_EMPTY, self.rx.is_empty()),
            (SPI_CTRL_REG::SPI_RX_FIFO_FULL, self.rx.len() >= FIFO_WORDS),
            (SPI_CTRL_REG::SPI_TX_FIFO_EMPTY, true),
        ] {
            c = f.set(c, u32::from(on));
        }
        self.regs.set(SPI_CTRL_REG::OFFSET, c);
        cx.irqs.set(
            self.which.irq,
            self.int_bit() && SPI_CTRL_REG::SPI_MINT.is_set(c),
        );
    }

    fn warn(&mut self, text: String) {
        self.warnings.push(format!("{}: {text}", self.which.name));
    }
}

impl Device for Spi {
    fn name(&self) -> &'static str {
        self.which.name
    }

    fn read(&mut self, offset: u32, size: u8, cx: &mut Context<'_>) -> Result<u32, RegError> {
        let v = match offset & !3 {
            SPI_RX_TX_REG::OFFSET => {
                self.regs.read(offset, size)?;
                let w = self.rx.pop_front().unwrap_or(0);
                w >> (8 * (offset & 3))
            }
            _ => self.regs.read(offset, size)?,
        };
        self.refresh(cx);
        Ok(v)
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
            .write(self.which.name, &mut self.regs, offset, size, value)?;
        match w.offset {
            SPI_RX_TX_REG::OFFSET => {
                if !self.enabled() {
                    self.warn("SPI_RX_TX_REG written while off or in reset: dropped".into());
                } else {
                    let c = self.ctrl();
                    if SPI_CTRL_REG::SPI_SMN.is_set(c) {
                        self.warn("target (slave) mode is not modelled".into());
                    }
                    if SPI_CTRL_REG::SPI_WORD.get(c) == 3 {
                        self.warn("9-bit words are not modelled: sent as 8 bits".into());
                    }
                    let back = self.exchange(w.written, cx.now);
                    // FIFO mode 2 (TX only) keeps nothing received.
                    if SPI_CTRL_REG::SPI_FIFO_MODE.get(c) != 2 {
                        let depth = if SPI_CTRL_REG::SPI_FIFO_MODE.get(c) == 0 {
                            FIFO_WORDS
                        } else {
                            1
                        };
                        if self.rx.len() >= depth {
                            self.rx.pop_front();
                            self.warn("RX FIFO overrun: oldest word lost".into());
                        }
                        self.rx.push_back(back);
                    }
                    self.int = true;
                }
            }
            SPI_CLEAR_INT_REG::OFFSET => self.int = false,
            SPI_CTRL_REG::OFFSET if !self.enabled() => {
                // Off or in reset: the FIFOs empty.
                self.rx.clear();
                self.int = false;
            }
            _ => {}
        }
        self.refresh(cx);
        Ok(())
    }

    fn reset(&mut self) {
        self.regs.reset();
        self.rx.clear();
        self.int = false;
    }
}
