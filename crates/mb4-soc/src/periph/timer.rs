//! TIMER, TIMER2, TIMER3, TIMER4: 24-bit general-purpose timers.
//!
//! One behaviour, four register tables (TIMER has two more capture inputs,
//! so its `TIMER_CLEAR_IRQ_REG` sits at 0x48; TIMER2..4 have it at 0x34).
//!
//! Modelled, counting by emulated time (no per-tick work): the counter runs
//! while `TIM_EN` and `TIM_CLK_EN` are set and the block is not frozen
//! (GPREG `FRZ_SWTIMn`), on the low-power clock or, with `TIM_SYS_CLK_EN`,
//! on the 32 MHz DIVN clock, divided by `TIM_PRESCALER` + 1.
//! * Free-running (`TIM_FREE_RUN_MODE_EN`, how Zephyr's system timer runs
//!   TIMER2 in `drivers/timer/smartbond_timer.c`): counts up through all 24
//!   bits and wraps; the event is the counter reaching `TIM_RELOAD`.
//! * Up (default): counts 0..=`TIM_RELOAD`, the event is reaching the reload
//!   value, and the next tick restarts at 0.
//! * Down (`TIM_COUNT_DOWN_EN`): counts `TIM_RELOAD`..=0, the event is 0, then
//!   it reloads.
//! * One-shot (`TIM_ONESHOT_MODE_EN`): approximated as counting up to the
//!   reload value once, then stopping. The GPIO-started pulse phases of the
//!   silicon are not modelled.
//!
//! An event latches the interrupt (line high while `TIM_IRQ_EN`) until
//! software writes `*_CLEAR_IRQ_REG`, and raises the block's PDC trigger.
//! Capture inputs (GPIO) and PWM outputs are not modelled.

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegDef, RegError, Regs};
use mb4_periph::time::{Clock, Instant};

use super::Notes;

mb4_periph::regmap! {
    /// TIMER registers (`TIMER_Type`).
    pub mod timer_regs {
        /// Timer control register.
        TIMER_CTRL_REG @ 0x00 = 0 {
            TIM_EN: 0..=0 RW,
            TIM_ONESHOT_MODE_EN: 1..=1 RW,
            TIM_COUNT_DOWN_EN: 2..=2 RW,
            TIM_IN1_EVENT_FALL_EN: 3..=3 Tag,
            TIM_IN2_EVENT_FALL_EN: 4..=4 Tag,
            TIM_IRQ_EN: 5..=5 RW,
            TIM_FREE_RUN_MODE_EN: 6..=6 RW,
            TIM_SYS_CLK_EN: 7..=7 RW,
            TIM_CLK_EN: 8..=8 RW,
            TIM_IN3_EVENT_FALL_EN: 9..=9 Tag,
            TIM_IN4_EVENT_FALL_EN: 10..=10 Tag,
            TIM_CAP_GPIO1_IRQ_EN: 11..=11 Tag,
            TIM_CAP_GPIO2_IRQ_EN: 12..=12 Tag,
            TIM_CAP_GPIO3_IRQ_EN: 13..=13 Tag,
            TIM_CAP_GPIO4_IRQ_EN: 14..=14 Tag,
        }
        /// Timer counter value.
        TIMER_TIMER_VAL_REG @ 0x04 = 0 {
            TIM_TIMER_VALUE: 0..=23 RO,
        }
        /// Timer status register.
        TIMER_STATUS_REG @ 0x08 = 0 {
            TIM_IN1_STATE: 0..=0 RO,
            TIM_IN2_STATE: 1..=1 RO,
            TIM_ONESHOT_PHASE: 2..=3 RO,
            TIM_GPIO1_EVENT_PENDING: 4..=4 RO,
            TIM_GPIO2_EVENT_PENDING: 5..=5 RO,
            TIM_GPIO3_EVENT_PENDING: 6..=6 RO,
            TIM_GPIO4_EVENT_PENDING: 7..=7 RO,
        }
        /// Timer gpio1 selection.
        TIMER_GPIO1_CONF_REG @ 0x0c = 0 {
            TIM_GPIO1_CONF: 0..=5 Tag,
        }
        /// Timer gpio2 selection.
        TIMER_GPIO2_CONF_REG @ 0x10 = 0 {
            TIM_GPIO2_CONF: 0..=5 Tag,
        }
        /// Timer reload value and Delay in shot mode.
        TIMER_RELOAD_REG @ 0x14 = 0 {
            TIM_RELOAD: 0..=23 RW,
        }
        /// Timer Shot duration in shot mode.
        TIMER_SHOTWIDTH_REG @ 0x18 = 0 {
            TIM_SHOTWIDTH: 0..=23 RW,
        }
        /// Timer prescaler value.
        TIMER_PRESCALER_REG @ 0x1c = 0 {
            TIM_PRESCALER: 0..=4 RW,
        }
        /// Timer value for event on GPIO1.
        TIMER_CAPTURE_GPIO1_REG @ 0x20 = 0 {
            TIM_CAPTURE_GPIO1: 0..=23 RO,
        }
        /// Timer value for event on GPIO2.
        TIMER_CAPTURE_GPIO2_REG @ 0x24 = 0 {
            TIM_CAPTURE_GPIO2: 0..=23 RO,
        }
        /// Timer prescaler counter valuew.
        TIMER_PRESCALER_VAL_REG @ 0x28 = 0 {
            TIM_PRESCALER_VAL: 0..=4 RO,
        }
        /// Timer pwm frequency register.
        TIMER_PWM_FREQ_REG @ 0x2c = 0 {
            TIM_PWM_FREQ: 0..=15 Tag,
        }
        /// Timer pwm dc register.
        TIMER_PWM_DC_REG @ 0x30 = 0 {
            TIM_PWM_DC: 0..=15 Tag,
        }
        /// Timer gpio3 selection.
        TIMER_GPIO3_CONF_REG @ 0x34 = 0 {
            TIM_GPIO3_CONF: 0..=5 Tag,
        }
        /// Timer gpio4 selection.
        TIMER_GPIO4_CONF_REG @ 0x38 = 0 {
            TIM_GPIO4_CONF: 0..=5 Tag,
        }
        /// Timer value for event on GPIO1.
        TIMER_CAPTURE_GPIO3_REG @ 0x3c = 0 {
            TIM_CAPTURE_GPIO3: 0..=23 RO,
        }
        /// Timer value for event on GPIO1.
        TIMER_CAPTURE_GPIO4_REG @ 0x40 = 0 {
            TIM_CAPTURE_GPIO4: 0..=23 RO,
        }
        /// Timer clear gpio event register.
        TIMER_CLEAR_GPIO_EVENT_REG @ 0x44 = 0 {
            TIM_CLEAR_GPIO1_EVENT: 0..=0 Tag,
            TIM_CLEAR_GPIO2_EVENT: 1..=1 Tag,
            TIM_CLEAR_GPIO3_EVENT: 2..=2 Tag,
            TIM_CLEAR_GPIO4_EVENT: 3..=3 Tag,
        }
        /// Timer clear interrupt.
        TIMER_CLEAR_IRQ_REG @ 0x48 = 0 {
            TIM_CLEAR_IRQ: 0..=0 WO,
        }
    }
}

mb4_periph::regmap! {
    /// TIMER2 registers (`TIMER2_Type`).
    pub mod timer2_regs {
        /// Timer control register.
        TIMER2_CTRL_REG @ 0x00 = 0 {
            TIM_EN: 0..=0 RW,
            TIM_ONESHOT_MODE_EN: 1..=1 RW,
            TIM_COUNT_DOWN_EN: 2..=2 RW,
            TIM_IN1_EVENT_FALL_EN: 3..=3 Tag,
            TIM_IN2_EVENT_FALL_EN: 4..=4 Tag,
            TIM_IRQ_EN: 5..=5 RW,
            TIM_FREE_RUN_MODE_EN: 6..=6 RW,
            TIM_SYS_CLK_EN: 7..=7 RW,
            TIM_CLK_EN: 8..=8 RW,
        }
        /// Timer counter value.
        TIMER2_TIMER_VAL_REG @ 0x04 = 0 {
            TIM_TIMER_VALUE: 0..=23 RO,
        }
        /// Timer status register.
        TIMER2_STATUS_REG @ 0x08 = 0 {
            TIM_IN1_STATE: 0..=0 RO,
            TIM_IN2_STATE: 1..=1 RO,
            TIM_ONESHOT_PHASE: 2..=3 RO,
        }
        /// Timer gpio1 selection.
        TIMER2_GPIO1_CONF_REG @ 0x0c = 0 {
            TIM_GPIO1_CONF: 0..=5 Tag,
        }
        /// Timer gpio2 selection.
        TIMER2_GPIO2_CONF_REG @ 0x10 = 0 {
            TIM_GPIO2_CONF: 0..=5 Tag,
        }
        /// Timer reload value and Delay in shot mode.
        TIMER2_RELOAD_REG @ 0x14 = 0 {
            TIM_RELOAD: 0..=23 RW,
        }
        /// Timer Shot duration in shot mode.
        TIMER2_SHOTWIDTH_REG @ 0x18 = 0 {
            TIM_SHOTWIDTH: 0..=23 RW,
        }
        /// Timer prescaler value.
        TIMER2_PRESCALER_REG @ 0x1c = 0 {
            TIM_PRESCALER: 0..=4 RW,
        }
        /// Timer value for event on GPIO1.
        TIMER2_CAPTURE_GPIO1_REG @ 0x20 = 0 {
            TIM_CAPTURE_GPIO1: 0..=23 RO,
        }
        /// Timer value for event on GPIO2.
        TIMER2_CAPTURE_GPIO2_REG @ 0x24 = 0 {
            TIM_CAPTURE_GPIO2: 0..=23 RO,
        }
        /// Timer prescaler counter valuew.
        TIMER2_PRESCALER_VAL_REG @ 0x28 = 0 {
            TIM_PRESCALER_VAL: 0..=4 RO,
        }
        /// Timer pwm frequency register.
        TIMER2_PWM_FREQ_REG @ 0x2c = 0 {
            TIM_PWM_FREQ: 0..=15 Tag,
        }
        /// Timer pwm dc register.
        TIMER2_PWM_DC_REG @ 0x30 = 0 {
            TIM_PWM_DC: 0..=15 Tag,
        }
        /// Timer clear interrupt.
        TIMER2_CLEAR_IRQ_REG @ 0x34 = 0 {
            TIM_CLEAR_IRQ: 0..=0 WO,
        }
    }
}

mb4_periph::regmap! {
    /// TIMER3 registers (`TIMER3_Type`).
    pub mod timer3_regs {
        /// Timer control register.
        TIMER3_CTRL_REG @ 0x00 = 0 {
            TIM_EN: 0..=0 RW,
            TIM_COUNT_DOWN_EN: 2..=2 RW,
            TIM_IN1_EVENT_FALL_EN: 3..=3 Tag,
            TIM_IN2_EVENT_FALL_EN: 4..=4 Tag,
            TIM_IRQ_EN: 5..=5 RW,
            TIM_FREE_RUN_MODE_EN: 6..=6 RW,
            TIM_SYS_CLK_EN: 7..=7 RW,
            TIM_CLK_EN: 8..=8 RW,
        }
        /// Timer counter value.
        TIMER3_TIMER_VAL_REG @ 0x04 = 0 {
            TIM_TIMER_VALUE: 0..=23 RO,
        }
        /// Timer status register.
        TIMER3_STATUS_REG @ 0x08 = 0 {
            TIM_IN1_STATE: 0..=0 RO,
            TIM_IN2_STATE: 1..=1 RO,
            TIM_ONESHOT_PHASE: 2..=3 RO,
        }
        /// Timer gpio1 selection.
        TIMER3_GPIO1_CONF_REG @ 0x0c = 0 {
            TIM_GPIO1_CONF: 0..=5 Tag,
        }
        /// Timer gpio2 selection.
        TIMER3_GPIO2_CONF_REG @ 0x10 = 0 {
            TIM_GPIO2_CONF: 0..=5 Tag,
        }
        /// Timer reload value and Delay in shot mode.
        TIMER3_RELOAD_REG @ 0x14 = 0 {
            TIM_RELOAD: 0..=23 RW,
        }
        /// Timer prescaler value.
        TIMER3_PRESCALER_REG @ 0x1c = 0 {
            TIM_PRESCALER: 0..=4 RW,
        }
        /// Timer value for event on GPIO1.
        TIMER3_CAPTURE_GPIO1_REG @ 0x20 = 0 {
            TIM_CAPTURE_GPIO1: 0..=23 RO,
        }
        /// Timer value for event on GPIO2.
        TIMER3_CAPTURE_GPIO2_REG @ 0x24 = 0 {
            TIM_CAPTURE_GPIO2: 0..=23 RO,
        }
        /// Timer prescaler counter valuew.
        TIMER3_PRESCALER_VAL_REG @ 0x28 = 0 {
            TIM_PRESCALER_VAL: 0..=4 RO,
        }
        /// Timer pwm frequency register.
        TIMER3_PWM_FREQ_REG @ 0x2c = 0 {
            TIM_PWM_FREQ: 0..=15 Tag,
        }
        /// Timer pwm dc register.
        TIMER3_PWM_DC_REG @ 0x30 = 0 {
            TIM_PWM_DC: 0..=15 Tag,
        }
        /// Timer clear interrupt.
        TIMER3_CLEAR_IRQ_REG @ 0x34 = 0 {
            TIM_CLEAR_IRQ: 0..=0 WO,
        }
    }
}

mb4_periph::regmap! {
    /// TIMER4 registers (`TIMER4_Type`).
    pub mod timer4_regs {
        /// Timer control register.
        TIMER4_CTRL_REG @ 0x00 = 0 {
            TIM_EN: 0..=0 RW,
            TIM_COUNT_DOWN_EN: 2..=2 RW,
            TIM_IN1_EVENT_FALL_EN: 3..=3 Tag,
            TIM_IN2_EVENT_FALL_EN: 4..=4 Tag,
            TIM_IRQ_EN: 5..=5 RW,
            TIM_FREE_RUN_MODE_EN: 6..=6 RW,
            TIM_SYS_CLK_EN: 7..=7 RW,
            TIM_CLK_EN: 8..=8 RW,
        }
        /// Timer counter value.
        TIMER4_TIMER_VAL_REG @ 0x04 = 0 {
            TIM_TIMER_VALUE: 0..=23 RO,
        }
        /// Timer status register.
        TIMER4_STATUS_REG @ 0x08 = 0 {
            TIM_IN1_STATE: 0..=0 RO,
            TIM_IN2_STATE: 1..=1 RO,
            TIM_ONESHOT_PHASE: 2..=3 RO,
        }
        /// Timer gpio1 selection.
        TIMER4_GPIO1_CONF_REG @ 0x0c = 0 {
            TIM_GPIO1_CONF: 0..=5 Tag,
        }
        /// Timer gpio2 selection.
        TIMER4_GPIO2_CONF_REG @ 0x10 = 0 {
            TIM_GPIO2_CONF: 0..=5 Tag,
        }
        /// Timer reload value and Delay in shot mode.
        TIMER4_RELOAD_REG @ 0x14 = 0 {
            TIM_RELOAD: 0..=23 RW,
        }
        /// Timer prescaler value.
        TIMER4_PRESCALER_REG @ 0x1c = 0 {
            TIM_PRESCALER: 0..=4 RW,
        }
        /// Timer value for event on GPIO1.
        TIMER4_CAPTURE_GPIO1_REG @ 0x20 = 0 {
            TIM_CAPTURE_GPIO1: 0..=23 RO,
        }
        /// Timer value for event on GPIO2.
        TIMER4_CAPTURE_GPIO2_REG @ 0x24 = 0 {
            TIM_CAPTURE_GPIO2: 0..=23 RO,
        }
        /// Timer prescaler counter valuew.
        TIMER4_PRESCALER_VAL_REG @ 0x28 = 0 {
            TIM_PRESCALER_VAL: 0..=4 RO,
        }
        /// Timer pwm frequency register.
        TIMER4_PWM_FREQ_REG @ 0x2c = 0 {
            TIM_PWM_FREQ: 0..=15 Tag,
        }
        /// Timer pwm dc register.
        TIMER4_PWM_DC_REG @ 0x30 = 0 {
            TIM_PWM_DC: 0..=15 Tag,
        }
        /// Timer clear interrupt.
        TIMER4_CLEAR_IRQ_REG @ 0x34 = 0 {
            TIM_CLEAR_IRQ: 0..=0 WO,
        }
    }
}

use timer_regs::TIMER_CTRL_REG as CTRL;

const CTRL_OFF: u32 = 0x00;
const VAL_OFF: u32 = 0x04;
const STATUS_OFF: u32 = 0x08;
const RELOAD_OFF: u32 = 0x14;
const PRESCALER_OFF: u32 = 0x1C;
const PRESCALER_VAL_OFF: u32 = 0x28;

/// Counter span: 24 bits.
pub const SPAN: u64 = 1 << 24;
/// The DIVN clock `TIM_SYS_CLK_EN` selects.
pub const DIVN_HZ: u64 = 32_000_000;

/// Which of the four timers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Which {
    /// Block name.
    pub name: &'static str,
    /// Register table.
    pub block: &'static [RegDef],
    /// Offset of the clear-interrupt register.
    pub clear_irq: u32,
    /// Interrupt line.
    pub irq: u32,
    /// PDC peripheral trigger id (`MCU_PDC_TRIGGER_TIMERn` & 0x1f).
    pub pdc_trigger: u32,
    /// Bit of GPREG's freeze registers.
    pub freeze_bit: u32,
}

/// TIMER (IRQ 16).
pub const TIMER: Which = Which {
    name: "TIMER",
    block: timer_regs::BLOCK,
    clear_irq: timer_regs::TIMER_CLEAR_IRQ_REG::OFFSET,
    irq: 16,
    pdc_trigger: 0,
    freeze_bit: 1 << 1,
};
/// TIMER2 (IRQ 17): Zephyr's system timer.
pub const TIMER2: Which = Which {
    name: "TIMER2",
    block: timer2_regs::BLOCK,
    clear_irq: timer2_regs::TIMER2_CLEAR_IRQ_REG::OFFSET,
    irq: 17,
    pdc_trigger: 1,
    freeze_bit: 1 << 6,
};
/// TIMER3 (IRQ 34).
pub const TIMER3: Which = Which {
    name: "TIMER3",
    block: timer3_regs::BLOCK,
    clear_irq: timer3_regs::TIMER3_CLEAR_IRQ_REG::OFFSET,
    irq: 34,
    pdc_trigger: 2,
    freeze_bit: 1 << 8,
};
/// TIMER4 (IRQ 35).
pub const TIMER4: Which = Which {
    name: "TIMER4",
    block: timer4_regs::BLOCK,
    clear_irq: timer4_regs::TIMER4_CLEAR_IRQ_REG::OFFSET,
    irq: 35,
    pdc_trigger: 3,
    freeze_bit: 1 << 9,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    FreeRun,
    Up,
    Down,
    OneShot,
}

/// A general-purpose timer.
#[derive(Debug, Clone)]
pub struct Timer {
    which: Which,
    regs: Regs,
    lp_hz: u64,
    /// Since when the low-power clock has run at `lp_hz`: its ticks keep
    /// their phase however often software touches the timer.
    lp_origin: Instant,
    frozen: bool,
    running: bool,
    /// Raw clock ticks at the anchor, and the counter value there.
    anchor: u64,
    base: u64,
    irq_latched: bool,
    fired: bool,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
}

impl Timer {
    /// A timer at power-on, counting on a low-power clock of `lp_hz` when enabled.
    pub fn new(which: Which, lp_hz: u64) -> Timer {
        Timer {
            which,
            regs: Regs::new(which.block),
            lp_hz,
            lp_origin: Instant::ZERO,
            frozen: false,
            running: false,
            anchor: 0,
            base: 0,
            irq_latched: false,
            fired: false,
            notes: Notes::default(),
        }
    }

    fn ctrl(&self) -> u32 {
        self.regs.get(CTRL_OFF)
    }

    fn mode(&self) -> Mode {
        let c = self.ctrl();
        if CTRL::TIM_ONESHOT_MODE_EN.is_set(c) {
            Mode::OneShot
        } else if CTRL::TIM_FREE_RUN_MODE_EN.is_set(c) {
            Mode::FreeRun
        } else if CTRL::TIM_COUNT_DOWN_EN.is_set(c) {
            Mode::Down
        } else {
            Mode::Up
        }
    }

    fn reload(&self) -> u64 {
        u64::from(self.regs.get(RELOAD_OFF) & 0xFF_FFFF)
    }

    fn divider(&self) -> u64 {
        u64::from(self.regs.get(PRESCALER_OFF) & 0x1F) + 1
    }

    /// The clock the counter's prescaler runs on.
    fn raw_clock(&self) -> Clock {
        if CTRL::TIM_SYS_CLK_EN.is_set(self.ctrl()) {
            Clock::new(DIVN_HZ, Instant::ZERO)
        } else {
            Clock::new(self.lp_hz, self.lp_origin)
        }
    }

    fn should_run(&self) -> bool {
        let c = self.ctrl();
        CTRL::TIM_EN.is_set(c) && CTRL::TIM_CLK_EN.is_set(c) && !self.frozen
    }

    /// Prescaled ticks since the anchor.
    fn ticks(&self, now: Instant) -> u64 {
        if !self.running {
            return 0;
        }
        self.raw_clock().ticks_at(now).saturating_sub(self.anchor) / self.divider()
    }

    /// Counter value after `n` ticks from the anchor.
    fn value_after(&self, n: u64) -> u64 {
        let r = self.reload();
        match self.mode() {
            Mode::FreeRun => (self.base + n) % SPAN,
            Mode::Up => (self.base + n) % (r + 1),
            Mode::Down => {
                let period = r + 1;
                let from_top = (r.saturating_sub(self.base) + n) % period;
                r - from_top
            }
            Mode::OneShot => (self.base + n).min(r),
        }
    }

    /// Ticks from the anchor to the first event after the anchor.
    fn next_event_tick(&self) -> Option<u64> {
        let r = self.reload();
        let cur = self.value_after(0);
        let dist = match self.mode() {
            Mode::FreeRun => (r + SPAN - cur) % SPAN,
            Mode::Up => r - cur.min(r),
            Mode::Down => cur,
            Mode::OneShot => {
                if cur >= r {
                    return None;
                }
                r - cur
            }
        };
        if dist > 0 {
            return Some(dist);
        }
        match self.mode() {
            Mode::FreeRun => Some(SPAN),
            Mode::Up | Mode::Down => Some(r + 1),
            Mode::OneShot => None,
        }
    }

    /// Re-anchor at `now` (the counter keeps its value; settings written next
    /// take effect from here), then run or stop as the enables say.
    fn reanchor(&mut self, now: Instant) {
        self.base = self.value_after(self.ticks(now));
        self.running = self.should_run();
        self.anchor = self.raw_clock().ticks_at(now);
        self.regs.set(VAL_OFF, self.base as u32);
    }

    /// Set the low-power clock frequency (LP_CLK_SEL changed).
    pub fn set_lp_hz(&mut self, hz: u64, now: Instant) {
        if hz != self.lp_hz {
            self.base = self.value_after(self.ticks(now));
            self.lp_hz = hz;
            self.lp_origin = now;
            self.reanchor(now);
        }
    }

    /// Freeze or release (GPREG `FRZ_SWTIMn`).
    pub fn set_frozen(&mut self, frozen: bool, now: Instant) {
        if frozen != self.frozen {
            self.reanchor(now);
            self.frozen = frozen;
            self.reanchor(now);
        }
    }

    /// Which timer this is.
    pub fn which(&self) -> Which {
        self.which
    }

    /// Whether an event happened since the last call (for the PDC trigger).
    pub fn take_fired(&mut self) -> bool {
        std::mem::take(&mut self.fired)
    }

    /// The counter value at `now`.
    pub fn value(&self, now: Instant) -> u32 {
        self.value_after(self.ticks(now)) as u32
    }

    fn update(&mut self, cx: &mut Context<'_>) {
        if let Some(at) = self.next_event()
            && cx.now >= at
        {
            self.irq_latched = true;
            self.fired = true;
            // Re-anchor past the event so the next one is computed afresh;
            // a one-shot timer stops at its reload value.
            self.reanchor(cx.now);
            if self.mode() == Mode::OneShot {
                self.running = false;
            }
        }
        self.update_irq(cx);
    }

    fn update_irq(&mut self, cx: &mut Context<'_>) {
        let on = self.irq_latched && CTRL::TIM_IRQ_EN.is_set(self.ctrl());
        cx.irqs.set(self.which.irq, on);
    }
}

impl Device for Timer {
    fn name(&self) -> &'static str {
        self.which.name
    }

    fn read(&mut self, offset: u32, size: u8, cx: &mut Context<'_>) -> Result<u32, RegError> {
        self.update(cx);
        let raw = if self.running {
            self.raw_clock()
                .ticks_at(cx.now)
                .saturating_sub(self.anchor)
        } else {
            0
        };
        self.regs.set(VAL_OFF, self.value(cx.now));
        self.regs
            .set(PRESCALER_VAL_OFF, (raw % self.divider()) as u32);
        let phase = if self.running { 2 } else { 0 };
        self.regs.set(STATUS_OFF, phase << 2);
        self.regs.read(offset, size)
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        self.update(cx);
        self.reanchor(cx.now);
        let w = self
            .notes
            .write(self.which.name, &mut self.regs, offset, size, value)?;
        if w.offset == self.which.clear_irq && w.written & 1 != 0 {
            self.irq_latched = false;
        }
        if w.offset == CTRL_OFF && CTRL::TIM_EN.is_set(w.old) != CTRL::TIM_EN.is_set(w.new) {
            // Enabling starts from 0 counting up, from the reload value counting down.
            self.base = if self.mode() == Mode::Down && CTRL::TIM_EN.is_set(w.new) {
                self.reload()
            } else {
                0
            };
        }
        if w.offset == RELOAD_OFF && self.mode() == Mode::Down && !self.running {
            self.base = self.reload();
        }
        let base = self.base;
        self.reanchor(cx.now);
        self.base = base;
        self.regs.set(VAL_OFF, base as u32);
        self.update_irq(cx);
        Ok(())
    }

    fn next_event(&self) -> Option<Instant> {
        if !self.running {
            return None;
        }
        let n = self.next_event_tick()?;
        Some(
            self.raw_clock()
                .instant_of_tick(self.anchor + n * self.divider()),
        )
    }

    fn advance(&mut self, cx: &mut Context<'_>) {
        self.update(cx);
    }

    fn reset(&mut self) {
        *self = Timer::new(self.which, self.lp_hz);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mb4_periph::device::IrqLines;
    use timer2_regs::{
        TIMER2_CLEAR_IRQ_REG, TIMER2_CTRL_REG, TIMER2_RELOAD_REG, TIMER2_TIMER_VAL_REG,
    };

    const EN: u32 = 1;
    const IRQ_EN: u32 = 1 << 5;
    const FREE: u32 = 1 << 6;
    const CLK_EN: u32 = 1 << 8;

    fn at(l: &mut IrqLines, ps: u64) -> Context<'_> {
        Context {
            now: Instant(ps),
            irqs: l,
        }
    }

    #[test]
    fn zephyr_system_timer_on_lp_clock() {
        let mut t = Timer::new(TIMER2, 32_768);
        let mut l = IrqLines::default();
        let tick = 1_000_000_000_000u64.div_ceil(32_768);
        // sys_clock_driver_init: CTRL = 0, PRESCALER = 0, CLK_EN, then FREE_RUN | IRQ_EN | EN.
        t.write(TIMER2_CTRL_REG::OFFSET, 4, CLK_EN, &mut at(&mut l, 0))
            .unwrap();
        t.write(
            TIMER2_CTRL_REG::OFFSET,
            4,
            CLK_EN | FREE | IRQ_EN | EN,
            &mut at(&mut l, 0),
        )
        .unwrap();
        t.write(TIMER2_RELOAD_REG::OFFSET, 4, 328, &mut at(&mut l, 0))
            .unwrap();
        assert_eq!(
            t.next_event(),
            Some(Clock::new(32_768, Instant::ZERO).instant_of_tick(328))
        );
        let v = t
            .read(TIMER2_TIMER_VAL_REG::OFFSET, 4, &mut at(&mut l, 100 * tick))
            .unwrap();
        assert_eq!(v, 100);
        let ev = t.next_event().unwrap();
        let mut cx = at(&mut l, ev.0);
        t.advance(&mut cx);
        assert!(cx.irqs.is_high(17));
        assert!(t.take_fired());
        assert_eq!(
            t.read(TIMER2_TIMER_VAL_REG::OFFSET, 4, &mut cx).unwrap(),
            328
        );
        // The ISR clears the interrupt; the counter keeps running through the match.
        t.write(TIMER2_CLEAR_IRQ_REG::OFFSET, 4, 1, &mut cx)
            .unwrap();
        assert!(!cx.irqs.is_high(17));
        let next = t.next_event().unwrap();
        assert_eq!(
            next,
            Clock::new(32_768, Instant::ZERO).instant_of_tick(328 + SPAN)
        );
        // New compare value ahead.
        t.write(TIMER2_RELOAD_REG::OFFSET, 4, 400, &mut cx).unwrap();
        assert_eq!(
            t.next_event(),
            Some(Clock::new(32_768, Instant::ZERO).instant_of_tick(400))
        );
    }

    #[test]
    fn free_running_counter_wraps_at_24_bits_without_drift() {
        let mut t = Timer::new(TIMER2, 32_768);
        let mut l = IrqLines::default();
        t.write(
            TIMER2_CTRL_REG::OFFSET,
            4,
            CLK_EN | FREE | EN,
            &mut at(&mut l, 0),
        )
        .unwrap();
        let one_hour = Instant::from_secs(3600);
        let v = t
            .read(TIMER2_TIMER_VAL_REG::OFFSET, 4, &mut at(&mut l, one_hour.0))
            .unwrap();
        assert_eq!(u64::from(v), (3600 * 32_768) % SPAN);
    }

    #[test]
    fn up_mode_restarts_and_down_mode_reloads() {
        let mut t = Timer::new(TIMER, 32_000);
        let mut l = IrqLines::default();
        let c = Clock::new(32_000_000, Instant::ZERO);
        let r = timer_regs::TIMER_RELOAD_REG::OFFSET;
        t.write(r, 4, 9, &mut at(&mut l, 0)).unwrap();
        // System clock, prescaler 1 (÷2), up mode with IRQ.
        t.write(
            timer_regs::TIMER_PRESCALER_REG::OFFSET,
            4,
            1,
            &mut at(&mut l, 0),
        )
        .unwrap();
        t.write(0, 4, CLK_EN | 1 << 7 | IRQ_EN | EN, &mut at(&mut l, 0))
            .unwrap();
        assert_eq!(t.next_event(), Some(c.instant_of_tick(18)));
        assert_eq!(t.value(c.instant_of_tick(20)), 0, "wrapped to 0 after 9");
        let mut cx = at(&mut l, c.instant_of_tick(18).0);
        t.advance(&mut cx);
        assert!(cx.irqs.is_high(16));
        assert_eq!(t.next_event(), Some(c.instant_of_tick(38)));
        // Down mode: starts at reload, event at 0.
        let mut d = Timer::new(TIMER3, 32_000);
        let r3 = timer3_regs::TIMER3_RELOAD_REG::OFFSET;
        d.write(r3, 4, 5, &mut cx).unwrap();
        d.write(0, 4, CLK_EN | 1 << 7 | 1 << 2 | EN, &mut cx)
            .unwrap();
        let t0 = cx.now;
        assert_eq!(d.value(t0), 5);
        assert_eq!(
            d.next_event(),
            Some(Clock::new(32_000_000, t0).instant_of_tick(5))
        );
    }

    #[test]
    fn frequent_writes_do_not_shift_the_clock_phase() {
        let mut t = Timer::new(TIMER2, 32_768);
        let mut l = IrqLines::default();
        t.write(
            TIMER2_CTRL_REG::OFFSET,
            4,
            CLK_EN | FREE | EN,
            &mut at(&mut l, 0),
        )
        .unwrap();
        // Zephyr rewrites the reload value on every timeout; do it at odd instants.
        for i in 1..1000u64 {
            t.write(
                TIMER2_RELOAD_REG::OFFSET,
                4,
                i as u32,
                &mut at(&mut l, i * 977_777_777),
            )
            .unwrap();
        }
        assert_eq!(t.value(Instant::from_secs(1)), 32_768);
    }

    #[test]
    fn frozen_timer_stops() {
        let mut t = Timer::new(TIMER2, 32_768);
        let mut l = IrqLines::default();
        t.write(
            TIMER2_CTRL_REG::OFFSET,
            4,
            CLK_EN | FREE | EN,
            &mut at(&mut l, 0),
        )
        .unwrap();
        let s1 = Instant::from_secs(1);
        t.set_frozen(true, s1);
        assert_eq!(t.value(Instant::from_secs(5)), 32_768);
        assert_eq!(t.next_event(), None);
        t.set_frozen(false, Instant::from_secs(5));
        assert_eq!(t.value(Instant::from_secs(6)), 65_536);
    }
}
