//! GPADC: the general-purpose ADC, converting one input at a time from
//! voltages the machine provides ([`Gpadc::set_input`]: battery, rails,
//! temperature sensor, ADC-capable pins).
//!
//! Modelled: `GP_ADC_CTRL_REG` enable, start (`GP_ADC_START`, cleared by
//! hardware when the conversion ends), continuous mode (`GP_ADC_CONT`,
//! repeating every `GP_ADC_INTERVAL` × 1.024 ms), input select
//! (`GP_ADC_SEL`) single-ended or differential (`GP_ADC_SE`), the end-of-conversion
//! flag `GP_ADC_INT` with its mask `GP_ADC_MINT` and `GP_ADC_CLEAR_INT_REG`,
//! the ×3 attenuator (`GP_ADC_ATTN3X`), oversampling (`GP_ADC_CONV_NRS`:
//! 2^n samples, each adding a valid bit to the 10-bit result) and the
//! 16-bit left-aligned `GP_ADC_RESULT_REG`. Interrupt line `GPADC` (27).
//!
//! The converter is ideal: full scale is 1.2 V, 3.6 V with the attenuator
//! (Zephyr's `adc_smartbond_gpadc.c` gives `ref_internal = 1200` and gain
//! 1 or 1/3); offsets (`GP_ADC_OFFP/OFFN`), chopping, sign inversion and
//! the LDO currents change nothing. Inferred facts (low to medium confidence):
//! VBAT reaches the converter through a ÷4 divider (the SDK measures VBAT
//! in the 1.2 V range, and 4.2 V ÷ 4 fits); a conversion takes
//! 2^CONV_NRS × (SMPL_TIME × 32 + 16) cycles of a 16 MHz clock.
//! `TEMP` converts the sensor voltage the machine gives; the sensor's
//! transfer curve is not modelled. DMA requests are not modelled (reported).

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs};
use mb4_periph::time::{Instant, PS_PER_SECOND};

use super::Notes;

mb4_periph::regmap! {
    /// GPADC registers (`GPADC_Type`, base 0x5003_0900).
    pub mod regs {
        /// General Purpose ADC Control Register.
        GP_ADC_CTRL_REG @ 0x00 = 0 {
            GP_ADC_EN: 0..=0 RW,
            GP_ADC_START: 1..=1 RW,
            GP_ADC_CONT: 2..=2 RW,
            GP_ADC_CLK_SEL: 3..=3 RW,
            GP_ADC_INT: 4..=4 RO,
            GP_ADC_MINT: 5..=5 RW,
            GP_ADC_SE: 6..=6 RW,
            GP_ADC_MUTE: 7..=7 RW,
            GP_ADC_SEL: 8..=12 RW,
            GP_ADC_SIGN: 13..=13 RW,
            GP_ADC_CHOP: 14..=14 RW,
            GP_ADC_LDO_ZERO: 15..=15 RW,
            GP_ADC_DIFF_TEMP_SEL: 16..=17 Tag,
            GP_ADC_DIFF_TEMP_EN: 18..=18 Tag,
        }
        /// General Purpose ADC Second Control Register.
        GP_ADC_CTRL2_REG @ 0x04 = 0 {
            GP_ADC_ATTN3X: 0..=0 RW,
            GP_ADC_IDYN: 1..=1 RW,
            GP_ADC_I20U: 2..=2 RW,
            GP_ADC_DMA_EN: 3..=3 Tag,
            GP_ADC_CONV_NRS: 5..=7 RW,
            GP_ADC_SMPL_TIME: 8..=11 RW,
            GP_ADC_STORE_DEL: 12..=15 RW,
        }
        /// General Purpose ADC Third Control Register.
        GP_ADC_CTRL3_REG @ 0x08 = 0x40 {
            GP_ADC_EN_DEL: 0..=7 RW,
            GP_ADC_INTERVAL: 8..=15 RW,
        }
        /// General Purpose ADC Positive Offset Register.
        GP_ADC_OFFP_REG @ 0x0c = 0x200 {
            GP_ADC_OFFP: 0..=9 RW,
        }
        /// General Purpose ADC Negative Offset Register.
        GP_ADC_OFFN_REG @ 0x10 = 0x200 {
            GP_ADC_OFFN: 0..=9 RW,
        }
        /// General Purpose ADC Clear Interrupt Register (any write clears).
        GP_ADC_CLEAR_INT_REG @ 0x14 = 0 {
            GP_ADC_CLR_INT: 0..=15 WO,
        }
        /// General Purpose ADC Result Register.
        GP_ADC_RESULT_REG @ 0x18 = 0 {
            GP_ADC_VAL: 0..=15 RO,
        }
    }
}

use regs::{GP_ADC_CLEAR_INT_REG, GP_ADC_CTRL_REG, GP_ADC_CTRL2_REG, GP_ADC_CTRL3_REG};

/// `GPADC` interrupt line.
pub const IRQ: u32 = 27;

/// What the converter can measure: `GP_ADC_SEL` values, numbered as
/// Zephyr's `dt-bindings/adc/smartbond-adc.h` (`SMARTBOND_GPADC_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Input {
    /// Pin P1_09 (0).
    P1_09,
    /// Pin P0_25 (1).
    P0_25,
    /// Pin P0_08 (2).
    P0_08,
    /// Pin P0_09 (3).
    P0_09,
    /// The core supply VDD (4).
    Vdd,
    /// The 3.0 V rail (5).
    V30,
    /// The battery (8), through the ÷4 divider.
    Vbat,
    /// Analog ground (9): always 0 V.
    Vssa,
    /// Pin P1_13 (16).
    P1_13,
    /// Pin P1_12 (17).
    P1_12,
    /// Pin P1_18 (18).
    P1_18,
    /// Pin P1_19 (19).
    P1_19,
    /// The temperature sensor's output voltage (20).
    Temp,
}

impl Input {
    /// Every input.
    pub const ALL: [Input; 13] = [
        Input::P1_09,
        Input::P0_25,
        Input::P0_08,
        Input::P0_09,
        Input::Vdd,
        Input::V30,
        Input::Vbat,
        Input::Vssa,
        Input::P1_13,
        Input::P1_12,
        Input::P1_18,
        Input::P1_19,
        Input::Temp,
    ];

    /// The `GP_ADC_SEL` value.
    pub fn sel(self) -> u32 {
        match self {
            Input::P1_09 => 0,
            Input::P0_25 => 1,
            Input::P0_08 => 2,
            Input::P0_09 => 3,
            Input::Vdd => 4,
            Input::V30 => 5,
            Input::Vbat => 8,
            Input::Vssa => 9,
            Input::P1_13 => 16,
            Input::P1_12 => 17,
            Input::P1_18 => 18,
            Input::P1_19 => 19,
            Input::Temp => 20,
        }
    }

    /// The input a `GP_ADC_SEL` value picks, if any.
    pub fn from_sel(sel: u32) -> Option<Input> {
        Input::ALL.into_iter().find(|i| i.sel() == sel)
    }

    fn index(self) -> usize {
        Input::ALL.iter().position(|&i| i == self).unwrap_or(0)
    }
}

/// The ADC clock that paces conversions (inferred).
const ADC_CLOCK_HZ: u64 = 16_000_000;

/// The GPADC block.
#[derive(Debug, Clone)]
pub struct Gpadc {
    regs: Regs,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
    /// Warnings for the bus to report (a reserved input selected).
    pub warnings: Vec<String>,
    /// Volts at each input (index of [`Input::ALL`]).
    volts: [f64; 13],
    /// When the conversion in progress ends.
    done_at: Option<Instant>,
    /// Conversions completed (for tests and the machine's summary).
    pub conversions: u64,
}

impl Default for Gpadc {
    fn default() -> Self {
        Self::new()
    }
}

impl Gpadc {
    /// At power-on, with plausible inputs: VBAT 3.8 V, VDD 0.9 V, V30 3.0 V,
    /// the rest 0 V, until the machine says otherwise.
    pub fn new() -> Gpadc {
        let mut volts = [0.0; 13];
        volts[Input::Vbat.index()] = 3.8;
        volts[Input::Vdd.index()] = 0.9;
        volts[Input::V30.index()] = 3.0;
        Gpadc {
            regs: Regs::new(regs::BLOCK),
            notes: Notes::default(),
            warnings: Vec::new(),
            volts,
            done_at: None,
            conversions: 0,
        }
    }

    /// The machine sets the voltage at `input` (VBAT: the battery's own
    /// voltage, before the divider). VSSA stays 0 V.
    pub fn set_input(&mut self, input: Input, volts: f64) {
        if input != Input::Vssa && volts.is_finite() {
            self.volts[input.index()] = volts;
        }
    }

    /// The voltage at `input`.
    pub fn input(&self, input: Input) -> f64 {
        self.volts[input.index()]
    }

    fn ctrl(&self) -> u32 {
        self.regs.get(GP_ADC_CTRL_REG::OFFSET)
    }

    fn ctrl2(&self) -> u32 {
        self.regs.get(GP_ADC_CTRL2_REG::OFFSET)
    }

    /// Volts the converter sees on its positive input for `sel`.
    fn seen(&self, sel: u32) -> f64 {
        match Input::from_sel(sel) {
            Some(Input::Vbat) => self.input(Input::Vbat) / 4.0,
            Some(i) => self.input(i),
            None => 0.0,
        }
    }

    /// The 16-bit left-aligned result of a conversion now.
    fn convert(&self) -> u32 {
        let ctrl = self.ctrl();
        let ctrl2 = self.ctrl2();
        let full_scale = if GP_ADC_CTRL2_REG::GP_ADC_ATTN3X.is_set(ctrl2) {
            3.6
        } else {
            1.2
        };
        let sel = GP_ADC_CTRL_REG::GP_ADC_SEL.get(ctrl);
        let fraction = if GP_ADC_CTRL_REG::GP_ADC_MUTE.is_set(ctrl) {
            0.5
        } else if GP_ADC_CTRL_REG::GP_ADC_SE.is_set(ctrl) {
            self.seen(sel) / full_scale
        } else {
            // Differential pairs: P1_09 − P0_25 (SEL 0), P0_08 − P0_09 (SEL 2);
            // half scale is 0 V difference.
            let (p, n) = match sel {
                2 | 3 => (Input::P0_08, Input::P0_09),
                _ => (Input::P1_09, Input::P0_25),
            };
            0.5 + (self.input(p) - self.input(n)) / (2.0 * full_scale)
        };
        let code = (fraction.clamp(0.0, 1.0) * 65535.0).round() as u32;
        let extra = GP_ADC_CTRL2_REG::GP_ADC_CONV_NRS.get(ctrl2).min(6);
        let dropped = 6 - extra;
        code & !((1u32 << dropped) - 1)
    }

    fn conversion_ps(&self) -> u64 {
        let ctrl2 = self.ctrl2();
        let samples = 1u64 << GP_ADC_CTRL2_REG::GP_ADC_CONV_NRS.get(ctrl2);
        let smpl = u64::from(GP_ADC_CTRL2_REG::GP_ADC_SMPL_TIME.get(ctrl2));
        let cycles = samples * (smpl * 32 + 16);
        cycles * (PS_PER_SECOND / ADC_CLOCK_HZ)
    }

    fn interval_ps(&self) -> u64 {
        let iv = u64::from(
            GP_ADC_CTRL3_REG::GP_ADC_INTERVAL.get(self.regs.get(GP_ADC_CTRL3_REG::OFFSET)),
        );
        iv * 1_024_000_000 // 1.024 ms in ps
    }

    fn start(&mut self, now: Instant) {
        let sel = GP_ADC_CTRL_REG::GP_ADC_SEL.get(self.ctrl());
        if Input::from_sel(sel).is_none() {
            self.warnings.push(format!(
                "GPADC: GP_ADC_SEL = {sel} selects no known input; converting 0 V"
            ));
        }
        self.done_at = Some(Instant(now.0 + self.conversion_ps()));
    }

    fn update_irq(&self, cx: &mut Context<'_>) {
        let c = self.ctrl();
        cx.irqs.set(
            IRQ,
            GP_ADC_CTRL_REG::GP_ADC_INT.is_set(c) && GP_ADC_CTRL_REG::GP_ADC_MINT.is_set(c),
        );
    }
}

impl Device for Gpadc {
    fn name(&self) -> &'static str {
        "GPADC"
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
        let w = self
            .notes
            .write("GPADC", &mut self.regs, offset, size, value)?;
        match w.offset {
            GP_ADC_CTRL_REG::OFFSET => {
                let enabled = GP_ADC_CTRL_REG::GP_ADC_EN.is_set(w.new);
                if !enabled {
                    self.done_at = None;
                    let v = GP_ADC_CTRL_REG::GP_ADC_START.set(w.new, 0);
                    self.regs.set(GP_ADC_CTRL_REG::OFFSET, v);
                } else if w.wrote_one(GP_ADC_CTRL_REG::GP_ADC_START) && self.done_at.is_none() {
                    self.start(cx.now);
                }
            }
            GP_ADC_CLEAR_INT_REG::OFFSET => {
                let v = GP_ADC_CTRL_REG::GP_ADC_INT.set(self.ctrl(), 0);
                self.regs.set(GP_ADC_CTRL_REG::OFFSET, v);
            }
            _ => {}
        }
        self.update_irq(cx);
        Ok(())
    }

    fn next_event(&self) -> Option<Instant> {
        self.done_at
    }

    fn advance(&mut self, cx: &mut Context<'_>) {
        // A continuous run left alone for long (the CPU asleep for hours)
        // skips the conversions nobody could have read.
        if let Some(at) = self.done_at.filter(|&t| t <= cx.now) {
            let ctrl = self.ctrl();
            let period = self.interval_ps() + self.conversion_ps();
            if GP_ADC_CTRL_REG::GP_ADC_CONT.is_set(ctrl) && period > 0 {
                let behind = (cx.now.0 - at.0) / period;
                if behind > 1 {
                    self.conversions += behind - 1;
                    self.done_at = Some(Instant(at.0 + (behind - 1) * period));
                }
            }
        }
        while let Some(at) = self.done_at.filter(|&t| t <= cx.now) {
            let result = self.convert();
            self.regs.set(regs::GP_ADC_RESULT_REG::OFFSET, result);
            self.conversions += 1;
            let mut c = GP_ADC_CTRL_REG::GP_ADC_INT.set(self.ctrl(), 1);
            if GP_ADC_CTRL_REG::GP_ADC_CONT.is_set(c) {
                // The next conversion follows after the interval (plus its own time).
                self.done_at = Some(Instant(at.0 + self.interval_ps() + self.conversion_ps()));
            } else {
                c = GP_ADC_CTRL_REG::GP_ADC_START.set(c, 0);
                self.done_at = None;
            }
            self.regs.set(GP_ADC_CTRL_REG::OFFSET, c);
        }
        self.update_irq(cx);
    }

    fn reset(&mut self) {
        self.regs.reset();
        self.done_at = None;
    }
}
