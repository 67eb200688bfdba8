//! TRNG: the random number generator, here deterministic: a seeded
//! generator fills the 32-word FIFO, so runs repeat exactly (the machine
//! picks the seed with [`Trng::set_seed`]).
//!
//! Modelled: `TRNG_CTRL_REG.TRNG_ENABLE` (words arrive every
//! [`WORD_PERIOD_PS`] while enabled; disabling keeps what is in the FIFO),
//! `TRNG_FIFOLVL_REG` (level, and `TRNG_FIFOFULL` with level 0 when all 32
//! words are there, as the 5-bit level field implies), the FIFO read port
//! at 0x3005_0000 (each 32-bit read pops a word; Zephyr's
//! `entropy_smartbond.c` reads it there: the address is not in
//! `DA1469xAB.h`), and the `TRNG` line (24), high while the FIFO is full.
//!
//! The word rate and the version register's value are inferred (low
//! confidence); the real generator's entropy source is, of course, not
//! modelled.

use std::collections::VecDeque;

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs};
use mb4_periph::time::Instant;

use super::Notes;

mb4_periph::regmap! {
    /// TRNG registers (`TRNG_Type`, base 0x5004_0C00).
    pub mod regs {
        /// TRNG control register.
        TRNG_CTRL_REG @ 0x00 = 0 {
            TRNG_ENABLE: 0..=0 RW,
        }
        /// TRNG FIFO level register.
        TRNG_FIFOLVL_REG @ 0x04 = 0 {
            TRNG_FIFOLVL: 0..=4 RO,
            TRNG_FIFOFULL: 5..=5 RO,
        }
        /// TRNG Version register.
        TRNG_VER_REG @ 0x08 = 0x0001_0000 {
            TRNG_SVN: 0..=15 RO,
            TRNG_MIN: 16..=23 RO,
            TRNG_MAJ: 24..=31 RO,
        }
    }
}

use regs::{TRNG_CTRL_REG, TRNG_FIFOLVL_REG};

/// `TRNG` interrupt line.
pub const IRQ: u32 = 24;
/// FIFO depth in 32-bit words.
pub const FIFO_WORDS: usize = 32;
/// Time between two words while enabled (inferred: 8 µs).
pub const WORD_PERIOD_PS: u64 = 8_000_000;
/// The FIFO's read port.
pub const FIFO_ADDR: u32 = 0x3005_0000;

/// The TRNG block.
#[derive(Debug, Clone)]
pub struct Trng {
    regs: Regs,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
    /// Warnings for the bus to report (reads of an empty FIFO).
    pub warnings: Vec<String>,
    seed: u64,
    state: u64,
    fifo: VecDeque<u32>,
    /// When the next word lands (while enabled and not full).
    next_word: Option<Instant>,
}

impl Default for Trng {
    fn default() -> Self {
        Self::new(0x6d62_345f_7472_6e67)
    }
}

impl Trng {
    /// A TRNG whose words come from `seed`.
    pub fn new(seed: u64) -> Trng {
        Trng {
            regs: Regs::new(regs::BLOCK),
            notes: Notes::default(),
            warnings: Vec::new(),
            seed,
            state: seed,
            fifo: VecDeque::new(),
            next_word: None,
        }
    }

    /// Restart the word sequence from `seed` (and empty the FIFO).
    pub fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
        self.state = seed;
        self.fifo.clear();
    }

    /// splitmix64: small, fast, and every seed gives a full-period sequence.
    fn word(&mut self) -> u32 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as u32
    }

    fn enabled(&self) -> bool {
        TRNG_CTRL_REG::TRNG_ENABLE.is_set(self.regs.get(TRNG_CTRL_REG::OFFSET))
    }

    fn refresh(&mut self, cx: &mut Context<'_>) {
        let n = self.fifo.len();
        let lvl = if n >= FIFO_WORDS { 1 << 5 } else { n as u32 };
        self.regs.set(TRNG_FIFOLVL_REG::OFFSET, lvl);
        cx.irqs.set(IRQ, n >= FIFO_WORDS);
    }

    fn schedule(&mut self, now: Instant) {
        self.next_word = (self.enabled() && self.fifo.len() < FIFO_WORDS)
            .then(|| self.next_word.unwrap_or(Instant(now.0 + WORD_PERIOD_PS)));
    }

    /// A read of the FIFO port: the oldest word, or 0 (and a warning) when empty.
    pub fn fifo_read(&mut self, cx: &mut Context<'_>) -> u32 {
        self.advance(cx);
        let w = match self.fifo.pop_front() {
            Some(w) => w,
            None => {
                self.warnings
                    .push("TRNG FIFO read while empty: returning 0".to_string());
                0
            }
        };
        self.schedule(cx.now);
        self.refresh(cx);
        w
    }
}

impl Device for Trng {
    fn name(&self) -> &'static str {
        "TRNG"
    }

    fn read(&mut self, offset: u32, size: u8, cx: &mut Context<'_>) -> Result<u32, RegError> {
        self.advance(cx);
        self.regs.read(offset, size)
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        self.advance(cx);
        self.notes
            .write("TRNG", &mut self.regs, offset, size, value)?;
        if !self.enabled() {
            self.next_word = None;
        }
        self.schedule(cx.now);
        self.refresh(cx);
        Ok(())
    }

    fn next_event(&self) -> Option<Instant> {
        self.next_word
    }

    fn advance(&mut self, cx: &mut Context<'_>) {
        while let Some(at) = self.next_word.filter(|&t| t <= cx.now) {
            let w = self.word();
            self.fifo.push_back(w);
            self.next_word = (self.fifo.len() < FIFO_WORDS).then(|| Instant(at.0 + WORD_PERIOD_PS));
        }
        self.refresh(cx);
    }

    fn reset(&mut self) {
        let seed = self.seed;
        *self = Trng::new(seed);
    }
}
