//! CHARGER: the Li-ion charger's state machine (power-up, disabled,
//! pre-charge, constant current, constant voltage, end of charge) and its
//! interrupts, driven by what the machine says about the outside: VBUS
//! plugged in or not ([`Charger::set_vbus`]), the battery's voltage
//! ([`Charger::set_vbat`]) and the current it actually takes
//! ([`Charger::set_battery_current_ma`]). The machine reads back the current
//! the charger pushes ([`Charger::charge_current_ma`]) to charge its
//! battery model.
//!
//! Modelled: `CHARGER_CTRL_REG.CHARGER_ENABLE`/`CHARGE_START`/`CHARGER_RESUME`,
//! the voltage and current settings (`CHARGER_VOLTAGE_PARAM_REG`,
//! `CHARGER_CURRENT_PARAM_REG`, decoded with the steps Mynewt's
//! `da1469x_charger.h` encodes: 2.8 V + 50 mV steps, 3.8 V + 20 mV, 4.6 V +
//! 100 mV; 5 mA, 10 mA, 20 mA current steps), `CHARGER_STATUS_REG`
//! (`CHARGER_STATE`: 0 power-up, 1 init, 2 disabled, 3 pre-charge, 4 CC,
//! 5 CV, 6 end of charge; `CHARGER_IS_POWERED_UP`, `CHARGER_CC_MODE`,
//! `CHARGER_CV_MODE`, `END_OF_CHARGE`), the state-change interrupt status,
//! mask and clear registers and the `CHARGER_STATE` line (2).
//!
//! Transitions: pre-charge → CC at `V_PRECHARGE`, CC → CV at `V_CHARGE`,
//! CV → end of charge when the battery current falls to `I_END_OF_CHARGE`
//! (a percentage of `I_CHARGE`: 4..40 % in the Mynewt encoding, here
//! approximated as `(code + 1) × 4 %`), end of charge → pre-charge/CC
//! below `V_REPLENISH`. Not modelled (reported when written or kept
//! silently where Zephyr's hal writes trims): charge timers and their
//! errors (`CHARGER_ERROR_*`, line `CHARGER_ERROR` stays low), JEITA and
//! battery/die temperature protection, bypass, OVP.

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs};

use super::Notes;

mb4_periph::regmap! {
    /// CHARGER registers (`CHARGER_Type`, base 0x5004_0400).
    pub mod regs {
        /// Charger main control register.
        CHARGER_CTRL_REG @ 0x00 = 0 {
            CHARGER_ENABLE: 0..=0 RW,
            CHARGE_START: 1..=1 RW,
            CHARGER_BYPASS: 2..=2 Tag,
            CHARGER_RESUME: 3..=3 RW,
            TDIE_PROT_ENABLE: 4..=4 Tag,
            TDIE_ERROR_RESUME: 5..=5 Tag,
            TBAT_PROT_ENABLE: 6..=6 Tag,
            NTC_LOW_DISABLE: 7..=7 Tag,
            CHARGE_TIMERS_HALT_ENABLE: 9..=9 Tag,
            TBAT_MONITOR_MODE: 10..=11 RW,
            JEITA_SUPPORT_DISABLED: 12..=12 Tag,
            CHARGE_LOOP_HOLD: 13..=13 Tag,
            PRE_CHARGE_MODE: 14..=14 RW,
            REPLENISH_MODE: 15..=15 RW,
            EOC_INTERVAL_CHECK_THRES: 16..=21 RW,
            EOC_INTERVAL_CHECK_TIMER: 22..=27 RO,
        }
        /// Charger test control register.
        CHARGER_TEST_CTRL_REG @ 0x04 = 0 {
            CHARGER_TEST: 0..=31 Tag,
        }
        /// Charger main status register.
        CHARGER_STATUS_REG @ 0x08 = 0 {
            CHARGER_IS_POWERED_UP: 0..=0 RO,
            CHARGER_CC_MODE: 1..=1 RO,
            CHARGER_CV_MODE: 2..=2 RO,
            END_OF_CHARGE: 3..=3 RO,
            MAIN_VBAT_COMP_OUT: 4..=4 RO,
            VBAT_OVP_COMP_OUT: 5..=5 RO,
            TDIE_COMP_OUT: 6..=6 RO,
            TBAT_HOT_COMP_OUT: 7..=7 RO,
            MAIN_TBAT_COMP_OUT: 8..=8 RO,
            TBAT_STATUS: 9..=13 RO,
            CHARGER_STATE: 14..=17 RO,
            CHARGER_JEITA_STATE: 18..=20 RO,
            TDIE_ERROR_DEBOUNCE_CNT: 21..=23 RO,
            EOC_EVENTS_DEBOUNCE_CNT: 24..=26 RO,
            OVP_EVENTS_DEBOUNCE_CNT: 27..=29 RO,
        }
        /// Charger voltage settings register.
        CHARGER_VOLTAGE_PARAM_REG @ 0x0c = 0 {
            V_CHARGE: 0..=5 RW,
            V_PRECHARGE: 6..=11 RW,
            V_REPLENISH: 12..=17 RW,
            V_OVP: 18..=23 RW,
        }
        /// Charger current settings register.
        CHARGER_CURRENT_PARAM_REG @ 0x10 = 0 {
            I_CHARGE: 0..=5 RW,
            I_PRECHARGE: 6..=11 RW,
            I_END_OF_CHARGE: 12..=14 RW,
            I_EOC_DOUBLE_RANGE: 15..=15 RW,
        }
        /// Charger battery temperature settings register.
        CHARGER_TEMPSET_PARAM_REG @ 0x14 = 0 {
            TBAT_COLD: 0..=5 RW,
            TBAT_COOL: 6..=11 RW,
            TBAT_WARM: 12..=17 RW,
            TBAT_HOT: 18..=23 RW,
            TDIE_MAX: 24..=26 RW,
        }
        /// Maximum pre-charge time limit register.
        CHARGER_PRE_CHARGE_TIMER_REG @ 0x18 = 0 {
            MAX_PRE_CHARGE_TIME: 0..=14 RW,
            PRE_CHARGE_TIMER: 16..=30 RO,
        }
        /// Maximum CC-charge time limit register.
        CHARGER_CC_CHARGE_TIMER_REG @ 0x1c = 0 {
            MAX_CC_CHARGE_TIME: 0..=14 RW,
            CC_CHARGE_TIMER: 16..=30 RO,
        }
        /// Maximum CV-charge time limit register.
        CHARGER_CV_CHARGE_TIMER_REG @ 0x20 = 0 {
            MAX_CV_CHARGE_TIME: 0..=14 RW,
            CV_CHARGE_TIMER: 16..=30 RO,
        }
        /// Maximum total charge time limit register.
        CHARGER_TOTAL_CHARGE_TIMER_REG @ 0x24 = 0 {
            MAX_TOTAL_CHARGE_TIME: 0..=15 RW,
            TOTAL_CHARGE_TIMER: 16..=31 RO,
        }
        /// JEITA-compliant Charge voltage settings register.
        CHARGER_JEITA_V_CHARGE_REG @ 0x28 = 0 {
            V_CHARGE_TCOOL: 0..=5 RW,
            V_CHARGE_TWARM: 6..=11 RW,
        }
        /// JEITA-compliant Pre-Charge voltage settings register.
        CHARGER_JEITA_V_PRECHARGE_REG @ 0x2c = 0 {
            V_PRECHARGE_TCOOL: 0..=5 RW,
            V_PRECHARGE_TWARM: 6..=11 RW,
        }
        /// JEITA-compliant Replenish settings register.
        CHARGER_JEITA_V_REPLENISH_REG @ 0x30 = 0 {
            V_REPLENISH_TCOOL: 0..=5 RW,
            V_REPLENISH_TWARM: 6..=11 RW,
        }
        /// JEITA-compliant OVP settings register.
        CHARGER_JEITA_V_OVP_REG @ 0x34 = 0 {
            V_OVP_TCOOL: 0..=5 RW,
            V_OVP_TWARM: 6..=11 RW,
        }
        /// JEITA-compliant current settings register.
        CHARGER_JEITA_CURRENT_REG @ 0x38 = 0 {
            I_CHARGE_TCOOL: 0..=5 RW,
            I_CHARGE_TWARM: 6..=11 RW,
            I_PRECHARGE_TCOOL: 12..=17 RW,
            I_PRECHARGE_TWARM: 18..=23 RW,
        }
        /// Main Vbat comparator timer register.
        CHARGER_VBAT_COMP_TIMER_REG @ 0x3c = 0 {
            VBAT_COMP_SETTLING: 0..=9 RW,
            VBAT_COMP_TIMER: 16..=25 RO,
        }
        /// Vbat OVP comparator timer register.
        CHARGER_VOVP_COMP_TIMER_REG @ 0x40 = 0 {
            VBAT_OVP_COMP_SETTLING: 0..=9 RW,
            OVP_INTERVAL_CHECK_THRES: 10..=15 RW,
            VBAT_OVP_COMP_TIMER: 16..=25 RO,
            OVP_INTERVAL_CHECK_TIMER: 26..=31 RO,
        }
        /// Die temperature comparator timer register.
        CHARGER_TDIE_COMP_TIMER_REG @ 0x44 = 0 {
            TDIE_COMP_SETTLING: 0..=9 RW,
            TDIE_COMP_TIMER: 16..=25 RO,
        }
        /// Battery temperature monitor interval timer.
        CHARGER_TBAT_MON_TIMER_REG @ 0x48 = 0 {
            TBAT_MON_INTERVAL: 0..=9 RW,
            TBAT_MON_TIMER: 16..=25 RO,
        }
        /// Battery temperature (main) comparator timer.
        CHARGER_TBAT_COMP_TIMER_REG @ 0x4c = 0 {
            TBAT_COMP_SETTLING: 0..=9 RW,
            TBAT_COMP_TIMER: 16..=25 RO,
        }
        /// Battery temperature comparator timer for "Hot" zone.
        CHARGER_THOT_COMP_TIMER_REG @ 0x50 = 0 {
            THOT_COMP_SETTLING: 0..=9 RW,
            THOT_COMP_TIMER: 16..=25 RO,
        }
        /// Charger power-up (settling) timer.
        CHARGER_PWR_UP_TIMER_REG @ 0x54 = 0 {
            CHARGER_PWR_UP_SETTLING: 0..=9 RW,
            CHARGER_PWR_UP_TIMER: 16..=25 RO,
        }
        /// Mask register of Charger FSM IRQs.
        CHARGER_STATE_IRQ_MASK_REG @ 0x58 = 0 {
            DISABLED_TO_PRECHARGE_IRQ_EN: 0..=0 RW,
            PRECHARGE_TO_CC_IRQ_EN: 1..=1 RW,
            CC_TO_CV_IRQ_EN: 2..=2 RW,
            CC_TO_EOC_IRQ_EN: 3..=3 RW,
            CV_TO_EOC_IRQ_EN: 4..=4 RW,
            EOC_TO_PRECHARGE_IRQ_EN: 5..=5 RW,
            TDIE_PROT_TO_PRECHARGE_IRQ_EN: 6..=6 RW,
            TBAT_PROT_TO_PRECHARGE_IRQ_EN: 7..=7 RW,
            TBAT_STATUS_UPDATE_IRQ_EN: 8..=8 RW,
            CV_TO_CC_IRQ_EN: 9..=9 RW,
            CC_TO_PRECHARGE_IRQ_EN: 10..=10 RW,
            CV_TO_PRECHARGE_IRQ_EN: 11..=11 RW,
        }
        /// Mask register of Charger Error IRQs.
        CHARGER_ERROR_IRQ_MASK_REG @ 0x5c = 0 {
            PRECHARGE_TIMEOUT_IRQ_EN: 0..=0 RW,
            CC_CHARGE_TIMEOUT_IRQ_EN: 1..=1 RW,
            CV_CHARGE_TIMEOUT_IRQ_EN: 2..=2 RW,
            TOTAL_CHARGE_TIMEOUT_IRQ_EN: 3..=3 RW,
            VBAT_OVP_ERROR_IRQ_EN: 4..=4 RW,
            TDIE_ERROR_IRQ_EN: 5..=5 RW,
            TBAT_ERROR_IRQ_EN: 6..=6 RW,
        }
        /// Status register of Charger FSM IRQs.
        CHARGER_STATE_IRQ_STATUS_REG @ 0x60 = 0 {
            DISABLED_TO_PRECHARGE_IRQ: 0..=0 RO,
            PRECHARGE_TO_CC_IRQ: 1..=1 RO,
            CC_TO_CV_IRQ: 2..=2 RO,
            CC_TO_EOC_IRQ: 3..=3 RO,
            CV_TO_EOC_IRQ: 4..=4 RO,
            EOC_TO_PRECHARGE_IRQ: 5..=5 RO,
            TDIE_PROT_TO_PRECHARGE_IRQ: 6..=6 RO,
            TBAT_PROT_TO_PRECHARGE_IRQ: 7..=7 RO,
            TBAT_STATUS_UPDATE_IRQ: 8..=8 RO,
            CV_TO_CC_IRQ: 9..=9 RO,
            CC_TO_PRECHARGE_IRQ: 10..=10 RO,
            CV_TO_PRECHARGE_IRQ: 11..=11 RO,
        }
        /// Status register of Charger Error IRQs.
        CHARGER_ERROR_IRQ_STATUS_REG @ 0x64 = 0 {
            PRECHARGE_TIMEOUT_IRQ: 0..=0 RO,
            CC_CHARGE_TIMEOUT_IRQ: 1..=1 RO,
            CV_CHARGE_TIMEOUT_IRQ: 2..=2 RO,
            TOTAL_CHARGE_TIMEOUT_IRQ: 3..=3 RO,
            VBAT_OVP_ERROR_IRQ: 4..=4 RO,
            TDIE_ERROR_IRQ: 5..=5 RO,
            TBAT_ERROR_IRQ: 6..=6 RO,
        }
        /// Interrupt clear register of Charger FSM IRQs.
        CHARGER_STATE_IRQ_CLR_REG @ 0x68 = 0 {
            DISABLED_TO_PRECHARGE_IRQ_CLR: 0..=0 WO,
            PRECHARGE_TO_CC_IRQ_CLR: 1..=1 WO,
            CC_TO_CV_IRQ_CLR: 2..=2 WO,
            CC_TO_EOC_IRQ_CLR: 3..=3 WO,
            CV_TO_EOC_IRQ_CLR: 4..=4 WO,
            EOC_TO_PRECHARGE_IRQ_CLR: 5..=5 WO,
            TDIE_PROT_TO_PRECHARGE_IRQ_CLR: 6..=6 WO,
            TBAT_PROT_TO_PRECHARGE_IRQ_CLR: 7..=7 WO,
            TBAT_STATUS_UPDATE_IRQ_CLR: 8..=8 WO,
            CV_TO_CC_IRQ_CLR: 9..=9 WO,
            CC_TO_PRECHARGE_IRQ_CLR: 10..=10 WO,
            CV_TO_PRECHARGE_IRQ_CLR: 11..=11 WO,
        }
        /// Interrupt clear register of Charger Error IRQs.
        CHARGER_ERROR_IRQ_CLR_REG @ 0x6c = 0 {
            PRECHARGE_TIMEOUT_IRQ_CLR: 0..=0 WO,
            CC_CHARGE_TIMEOUT_IRQ_CLR: 1..=1 WO,
            CV_CHARGE_TIMEOUT_IRQ_CLR: 2..=2 WO,
            TOTAL_CHARGE_TIMEOUT_IRQ_CLR: 3..=3 WO,
            VBAT_OVP_ERROR_IRQ_CLR: 4..=4 WO,
            TDIE_ERROR_IRQ_CLR: 5..=5 WO,
            TBAT_ERROR_IRQ_CLR: 6..=6 WO,
        }
    }
}

use regs::*;

/// `CHARGER_STATE` interrupt line.
pub const IRQ_STATE: u32 = 2;

/// The charger's main state (`CHARGER_STATUS_REG.CHARGER_STATE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// No VBUS: the charger is not powered.
    PowerUp = 0,
    /// Powered, initialising (not used by the model).
    Init = 1,
    /// Powered, not charging.
    Disabled = 2,
    /// Pre-charge (deeply discharged battery).
    PreCharge = 3,
    /// Constant current.
    CcCharge = 4,
    /// Constant voltage.
    CvCharge = 5,
    /// End of charge.
    EndOfCharge = 6,
}

/// Millivolts of a 6-bit voltage code (Mynewt `DA1469X_ENCODE_V`, inverted).
pub fn decode_mv(code: u32) -> u32 {
    match code {
        0..20 => 2800 + 50 * code,
        20..60 => 3800 + 20 * (code - 20),
        _ => 4600 + 100 * (code - 60),
    }
}

/// Milliamps of a 6-bit charge-current code (Mynewt `DA1469X_ENCODE_CHG_I`, inverted).
pub fn decode_charge_ma(code: u32) -> u32 {
    match code {
        0..15 => 5 * (code + 1),
        15..31 => 10 * (code - 15 + 8),
        _ => 20 * (code - 31 + 12),
    }
}

/// Milliamps of a 6-bit pre-charge current code (tenths resolution dropped:
/// codes below 15 are half-milliamp steps in Mynewt's encoding).
pub fn decode_precharge_ma(code: u32) -> f64 {
    match code {
        0..15 => f64::from(code + 1) / 2.0,
        15..31 => f64::from(code - 15 + 8),
        _ => f64::from(2 * (code - 31 + 12)),
    }
}

/// The CHARGER block.
#[derive(Debug, Clone)]
pub struct Charger {
    regs: Regs,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
    state: State,
    vbus: bool,
    vbat_mv: f64,
    battery_ma: f64,
}

impl Default for Charger {
    fn default() -> Self {
        Self::new()
    }
}

impl Charger {
    /// At power-on, unplugged, with a 3.8 V battery.
    pub fn new() -> Charger {
        let mut c = Charger {
            regs: Regs::new(regs::BLOCK),
            notes: Notes::default(),
            state: State::PowerUp,
            vbus: false,
            vbat_mv: 3800.0,
            battery_ma: 0.0,
        };
        c.publish();
        c
    }

    /// The state machine's state.
    pub fn state(&self) -> State {
        self.state
    }

    /// VBUS was plugged in (true) or pulled out.
    pub fn set_vbus(&mut self, present: bool, cx: &mut Context<'_>) {
        self.vbus = present;
        self.step(cx);
    }

    /// The battery's voltage now.
    pub fn set_vbat(&mut self, volts: f64, cx: &mut Context<'_>) {
        if volts.is_finite() {
            self.vbat_mv = volts * 1000.0;
        }
        self.step(cx);
    }

    /// The current the battery actually takes now (mA), for end-of-charge detection.
    pub fn set_battery_current_ma(&mut self, ma: f64, cx: &mut Context<'_>) {
        if ma.is_finite() {
            self.battery_ma = ma;
        }
        self.step(cx);
    }

    /// The current the charger pushes into the battery (mA): the pre-charge
    /// or CC setting; in CV, whatever the battery takes at the CV voltage
    /// (the machine's battery model decides, capped at the CC setting); 0
    /// when not charging.
    pub fn charge_current_ma(&self) -> f64 {
        let cur = self.regs.get(CHARGER_CURRENT_PARAM_REG::OFFSET);
        match self.state {
            State::PreCharge => {
                decode_precharge_ma(CHARGER_CURRENT_PARAM_REG::I_PRECHARGE.get(cur))
            }
            State::CcCharge | State::CvCharge => f64::from(decode_charge_ma(
                CHARGER_CURRENT_PARAM_REG::I_CHARGE.get(cur),
            )),
            _ => 0.0,
        }
    }

    /// The voltage the charger holds in CV (V).
    pub fn charge_voltage(&self) -> f64 {
        f64::from(self.v(CHARGER_VOLTAGE_PARAM_REG::V_CHARGE)) / 1000.0
    }

    fn v(&self, f: mb4_periph::regmap::Field) -> u32 {
        decode_mv(f.get(self.regs.get(CHARGER_VOLTAGE_PARAM_REG::OFFSET)))
    }

    fn eoc_ma(&self) -> f64 {
        let cur = self.regs.get(CHARGER_CURRENT_PARAM_REG::OFFSET);
        let i = f64::from(decode_charge_ma(
            CHARGER_CURRENT_PARAM_REG::I_CHARGE.get(cur),
        ));
        let pct = f64::from(CHARGER_CURRENT_PARAM_REG::I_END_OF_CHARGE.get(cur) + 1) * 4.0;
        i * pct / 100.0
    }

    fn go(&mut self, to: State, irq_bit: Option<u32>) {
        self.state = to;
        if let Some(b) = irq_bit {
            let st = self.regs.get(CHARGER_STATE_IRQ_STATUS_REG::OFFSET) | 1 << b;
            self.regs.set(CHARGER_STATE_IRQ_STATUS_REG::OFFSET, st);
        }
    }

    /// Run the state machine to a fixed point.
    fn step(&mut self, cx: &mut Context<'_>) {
        let ctrl = self.regs.get(CHARGER_CTRL_REG::OFFSET);
        let on = CHARGER_CTRL_REG::CHARGER_ENABLE.is_set(ctrl)
            && CHARGER_CTRL_REG::CHARGE_START.is_set(ctrl);
        let vbat = self.vbat_mv;
        for _ in 0..8 {
            let before = self.state;
            match self.state {
                _ if !self.vbus => self.go(State::PowerUp, None),
                State::PowerUp | State::Init => self.go(State::Disabled, None),
                State::Disabled if !on => {}
                _ if !on => self.go(State::Disabled, None),
                State::Disabled => self.go(State::PreCharge, Some(0)),
                State::PreCharge
                    if vbat >= f64::from(self.v(CHARGER_VOLTAGE_PARAM_REG::V_PRECHARGE)) =>
                {
                    self.go(State::CcCharge, Some(1))
                }
                State::CcCharge
                    if vbat < f64::from(self.v(CHARGER_VOLTAGE_PARAM_REG::V_PRECHARGE)) =>
                {
                    self.go(State::PreCharge, Some(10))
                }
                State::CcCharge
                    if vbat >= f64::from(self.v(CHARGER_VOLTAGE_PARAM_REG::V_CHARGE)) =>
                {
                    self.go(State::CvCharge, Some(2))
                }
                State::CvCharge if self.battery_ma <= self.eoc_ma() => {
                    self.go(State::EndOfCharge, Some(4))
                }
                State::EndOfCharge
                    if vbat < f64::from(self.v(CHARGER_VOLTAGE_PARAM_REG::V_REPLENISH)) =>
                {
                    self.go(State::PreCharge, Some(5))
                }
                _ => {}
            }
            if self.state == before {
                break;
            }
        }
        self.publish();
        let pending = self.regs.get(CHARGER_STATE_IRQ_STATUS_REG::OFFSET)
            & self.regs.get(CHARGER_STATE_IRQ_MASK_REG::OFFSET);
        cx.irqs.set(IRQ_STATE, pending != 0);
    }

    fn publish(&mut self) {
        let mut st = self.regs.get(CHARGER_STATUS_REG::OFFSET);
        for (f, v) in [
            (CHARGER_STATUS_REG::CHARGER_STATE, self.state as u32),
            (
                CHARGER_STATUS_REG::CHARGER_IS_POWERED_UP,
                u32::from(self.vbus),
            ),
            (
                CHARGER_STATUS_REG::CHARGER_CC_MODE,
                u32::from(self.state == State::CcCharge),
            ),
            (
                CHARGER_STATUS_REG::CHARGER_CV_MODE,
                u32::from(self.state == State::CvCharge),
            ),
            (
                CHARGER_STATUS_REG::END_OF_CHARGE,
                u32::from(self.state == State::EndOfCharge),
            ),
        ] {
            st = f.set(st, v);
        }
        self.regs.set(CHARGER_STATUS_REG::OFFSET, st);
    }
}

impl Device for Charger {
    fn name(&self) -> &'static str {
        "CHARGER"
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
            .write("CHARGER", &mut self.regs, offset, size, value)?;
        match w.offset {
            CHARGER_STATE_IRQ_CLR_REG::OFFSET => {
                let st = self.regs.get(CHARGER_STATE_IRQ_STATUS_REG::OFFSET) & !w.written;
                self.regs.set(CHARGER_STATE_IRQ_STATUS_REG::OFFSET, st);
            }
            CHARGER_ERROR_IRQ_CLR_REG::OFFSET => {
                let st = self.regs.get(CHARGER_ERROR_IRQ_STATUS_REG::OFFSET) & !w.written;
                self.regs.set(CHARGER_ERROR_IRQ_STATUS_REG::OFFSET, st);
            }
            CHARGER_CTRL_REG::OFFSET if w.wrote_one(CHARGER_CTRL_REG::CHARGER_RESUME) => {
                // A resume restarts a charge that ended.
                if self.state == State::EndOfCharge {
                    self.go(State::Disabled, None);
                }
                let v = CHARGER_CTRL_REG::CHARGER_RESUME.set(w.new, 0);
                self.regs.set(CHARGER_CTRL_REG::OFFSET, v);
            }
            _ => {}
        }
        self.step(cx);
        Ok(())
    }

    fn reset(&mut self) {
        let (vbus, vbat, ma) = (self.vbus, self.vbat_mv, self.battery_ma);
        *self = Charger::new();
        self.vbus = vbus;
        self.vbat_mv = vbat;
        self.battery_ma = ma;
        if vbus {
            self.state = State::Disabled;
        }
        self.publish();
    }
}
