//! CRG_TOP: clock and power control of the always-on domain.
//!
//! Modelled: the system clock switch (`CLK_CTRL_REG.SYS_CLK_SEL`,
//! `CLK_SWITCH2XTAL_REG`) with its `RUNNING_AT_*` status bits, which follow the
//! XTAL32M and PLL96 state of CRG_XTAL; the power domains (`PMU_CTRL_REG`
//! sleep bits → `SYS_STAT_REG` `*_IS_UP`/`*_IS_DOWN` after [`POWER_DELAY`]);
//! the remap and software reset of `SYS_CTRL_REG`; the low-power clock choice
//! (`LP_CLK_SEL`); the GPIO pad latches (`P0/P1_PAD_LATCH_REG` and their
//! SET/RESET aliases), which GPIO follows; VBUS detection
//! (`ANA_STATUS_REG.VBUS_AVAILABLE`, `VBUS_IRQ_MASK_REG`, `VBUS_IRQ_CLEAR_REG`
//! and the `VBUS` line) from [`CrgTop::set_vbus`]. Trims, BOD, LDOs and the
//! other analog status bits are tags (`COMP_VBAT_HIGH` stays 0, so Zephyr's
//! regulator driver leaves the unmodelled DCDC alone).
//!
//! Reset values are not in `DA1469xAB.h`. Those chosen here, and why:
//! `CLK_CTRL_REG` 0x2001 (RC32M selected and running: the chip boots on
//! RC32M, hal `da1469x_clock.c` switches away from it); `PMU_CTRL_REG` 0x0F
//! (radio, peripheral, timer and communication domains asleep, as Zephyr's
//! `soc_early_init_hook` puts them before acquiring what it needs; inferred);
//! `RESET_STAT_REG` 0x1F after power-on (inferred); RC32K and RC32M enabled;
//! `POWER_CTRL_REG` 0x21291: the LDOs (core at VDD_LEVEL 2, 1V8, 1V8P, 3V0,
//! radio) on, as the chip runs from them until firmware sets up the DCDC —
//! hal's `da1469x_clock_sys_xtal32m_switch` asserts `LDO_RADIO_ENABLE` or a
//! running DCDC before it switches to the crystal (inferred, the value is
//! not public). Pad latches reset to all enabled: Zephyr without PM never
//! writes them yet drives the dev kit's LEDs, so pads follow their registers
//! out of reset or out of the boot ROM (inferred; which of the two is not known).

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs, SetClearAliases};
use mb4_periph::time::Instant;

use super::Notes;

mb4_periph::regmap! {
    /// CRG_TOP registers (`CRG_TOP_Type`, base 0x5000_0000).
    pub mod regs {
        /// HCLK, PCLK, divider and clock gates.
        CLK_AMBA_REG @ 0x00 = 0 {
            HCLK_DIV: 0..=2 RW,
            PCLK_DIV: 4..=5 RW,
            AES_CLK_ENABLE: 6..=6 RW,
            TRNG_CLK_ENABLE: 8..=8 RW,
            OTP_ENABLE: 9..=9 RW,
            QSPI_DIV: 10..=11 RW,
            QSPI_ENABLE: 12..=12 RW,
            QSPI2_DIV: 13..=14 RW,
            QSPI2_ENABLE: 15..=15 RW,
        }
        /// Radio PLL control register.
        CLK_RADIO_REG @ 0x10 = 0 {
            CMAC_DIV: 0..=1 Tag,
            CMAC_CLK_ENABLE: 2..=2 RW,
            CMAC_CLK_SEL: 3..=3 Tag,
            CMAC_SYNCH_RESET: 4..=4 RW,
            RFCU_ENABLE: 5..=5 Tag,
        }
        /// Clock control register.
        CLK_CTRL_REG @ 0x14 = 0x2001 {
            SYS_CLK_SEL: 0..=1 RW,
            LP_CLK_SEL: 2..=3 RW,
            USB_CLK_SRC: 4..=4 RW,
            RUNNING_AT_LP_CLK: 12..=12 RO,
            RUNNING_AT_RC32M: 13..=13 RO,
            RUNNING_AT_XTAL32M: 14..=14 RO,
            RUNNING_AT_PLL96M: 15..=15 RO,
        }
        /// Clock control for the timers.
        CLK_TMR_REG @ 0x18 = 0 {
            WAKEUPCT_ENABLE: 0..=0 RW,
            TMR_PWM_AON_MODE: 1..=1 Tag,
            TMR2_PWM_AON_MODE: 2..=2 Tag,
        }
        /// Switches clock from RC32M to XTAL32M.
        CLK_SWITCH2XTAL_REG @ 0x1c = 0 {
            SWITCH2XTAL: 0..=0 WO,
        }
        /// Power Management Unit control register.
        PMU_CTRL_REG @ 0x20 = 0x0F {
            PERIPH_SLEEP: 0..=0 RW,
            RADIO_SLEEP: 1..=1 RW,
            TIM_SLEEP: 2..=2 RW,
            COM_SLEEP: 3..=3 RW,
            MAP_BANDGAP_EN: 4..=4 Tag,
            RESET_ON_WAKEUP: 5..=5 Tag,
            SYS_SLEEP: 6..=6 RW,
            RETAIN_CACHE: 7..=7 Tag,
            ENABLE_CLKLESS: 8..=8 Tag,
        }
        /// System Control register.
        SYS_CTRL_REG @ 0x24 = 0 {
            REMAP_ADR0: 0..=2 RW,
            REMAP_INTVECT: 3..=3 RW,
            QSPI_INIT: 4..=4 Tag,
            DEBUGGER_ENABLE: 7..=7 RW,
            TIMEOUT_DISABLE: 9..=9 Tag,
            CACHERAM_MUX: 10..=10 RW,
            SW_RESET: 15..=15 WO,
        }
        /// System status register.
        SYS_STAT_REG @ 0x28 = 0x25A5 {
            RAD_IS_DOWN: 0..=0 RO,
            RAD_IS_UP: 1..=1 RO,
            PER_IS_DOWN: 2..=2 RO,
            PER_IS_UP: 3..=3 RO,
            SYS_IS_DOWN: 4..=4 RO,
            SYS_IS_UP: 5..=5 RO,
            MEM_IS_DOWN: 6..=6 RO,
            MEM_IS_UP: 7..=7 RO,
            TIM_IS_DOWN: 8..=8 RO,
            TIM_IS_UP: 9..=9 RO,
            COM_IS_DOWN: 10..=10 RO,
            COM_IS_UP: 11..=11 RO,
            DBG_IS_ACTIVE: 12..=12 RO,
            POWER_IS_UP: 13..=13 RO,
        }
        /// 32 kHz RC oscillator register.
        CLK_RC32K_REG @ 0x3c = 0x1 {
            RC32K_ENABLE: 0..=0 RW,
            RC32K_TRIM: 1..=4 RW,
        }
        /// 32 kHz XTAL oscillator register.
        CLK_XTAL32K_REG @ 0x40 = 0 {
            XTAL32K_ENABLE: 0..=0 RW,
            XTAL32K_RBIAS: 1..=2 Tag,
            XTAL32K_CUR: 3..=6 Tag,
            XTAL32K_DISABLE_AMPREG: 7..=7 Tag,
            XTAL32K_DISABLE_OUTPUT: 9..=9 Tag,
        }
        /// Fast RC control register.
        CLK_RC32M_REG @ 0x44 = 0x1 {
            RC32M_ENABLE: 0..=0 RW,
            RC32M_BIAS: 1..=4 Tag,
            RC32M_INIT_DTC: 5..=8 Tag,
            RC32M_INIT_DTCF: 9..=11 Tag,
            RC32M_INIT_DEL: 12..=19 Tag,
            RC32M_INIT_RANGE: 20..=21 Tag,
        }
        /// RCX-oscillator control register.
        CLK_RCX_REG @ 0x48 = 0 {
            RCX_ENABLE: 0..=0 RW,
            RCX_RADJUST: 1..=1 Tag,
            RCX_CADJUST: 2..=6 Tag,
            RCX_C0: 7..=7 Tag,
            RCX_BIAS: 8..=11 Tag,
        }
        /// Divisor for RTC 100Hz clock.
        CLK_RTCDIV_REG @ 0x4c = 0 {
            RTC_DIV_FRAC: 0..=9 RW,
            RTC_DIV_INT: 10..=18 RW,
            RTC_DIV_DENOM: 19..=19 RW,
            RTC_DIV_ENABLE: 20..=20 RW,
            RTC_RESET_REQ: 21..=21 Tag,
        }
        /// bandgap trimming.
        BANDGAP_REG @ 0x50 = 0 {
            BGR_TRIM: 0..=4 Tag,
            SYSRAM_LPMX: 5..=5 Tag,
            BGR_ITRIM: 6..=11 Tag,
            BANDGAP_ENABLE_CLAMP: 12..=12 Tag,
        }
        /// IRQ masking.
        VBUS_IRQ_MASK_REG @ 0x54 = 0 {
            VBUS_IRQ_EN_FALL: 0..=0 RW,
            VBUS_IRQ_EN_RISE: 1..=1 RW,
        }
        /// Clear pending IRQ register.
        VBUS_IRQ_CLEAR_REG @ 0x58 = 0 {
            VBUS_IRQ_CLEAR: 0..=15 WO,
        }
        /// Brown Out Detection control register.
        BOD_CTRL_REG @ 0x60 = 0 {
            BOD_CLK_DIV: 0..=1 Tag,
            BOD_STATUS_CLEAR: 2..=2 Tag,
            BOD_VBAT_EN: 3..=3 Tag,
            BOD_V30_EN: 4..=4 Tag,
            BOD_V18_EN: 5..=5 Tag,
            BOD_V18P_EN: 6..=6 Tag,
            BOD_VDD_EN: 7..=7 Tag,
            BOD_V18F_EN: 8..=8 Tag,
            BOD_V14_EN: 9..=9 Tag,
            BOD_VBAT_RST_EN: 10..=10 Tag,
            BOD_V30_RST_EN: 11..=11 Tag,
            BOD_V18_RST_EN: 12..=12 Tag,
            BOD_V18P_RST_EN: 13..=13 Tag,
            BOD_VDD_RST_EN: 14..=14 Tag,
            BOD_V18F_RST_EN: 15..=15 Tag,
            BOD_V14_RST_EN: 16..=16 Tag,
        }
        /// BOD_LVL_CTRL0_REG.
        BOD_LVL_CTRL0_REG @ 0x64 = 0 {
            BOD_LVL_VBAT: 0..=8 Tag,
            BOD_LVL_V30: 9..=17 Tag,
            BOD_LVL_V18: 18..=26 Tag,
        }
        /// BOD_LVL_CTRL1_REG.
        BOD_LVL_CTRL1_REG @ 0x68 = 0 {
            BOD_LVL_V18P: 0..=8 Tag,
            BOD_LVL_VDD_ON: 9..=16 Tag,
            BOD_LVL_VDD_RET: 17..=24 Tag,
        }
        /// BOD_LVL_CTRL2_REG.
        BOD_LVL_CTRL2_REG @ 0x6c = 0 {
            BOD_LVL_V18F: 0..=8 Tag,
            BOD_LVL_V14: 9..=17 Tag,
        }
        /// Control the state retention of the GPIO ports: a pad whose bit is 0
        /// keeps its state whatever its GPIO registers say.
        P0_PAD_LATCH_REG @ 0x70 = 0xFFFF_FFFF {
            P0_LATCH_EN: 0..=31 RW,
        }
        /// Sets bits of `P0_PAD_LATCH_REG`.
        P0_SET_PAD_LATCH_REG @ 0x74 = 0 {
            P0_SET_LATCH_EN: 0..=31 WO,
        }
        /// Clears bits of `P0_PAD_LATCH_REG`.
        P0_RESET_PAD_LATCH_REG @ 0x78 = 0 {
            P0_RESET_LATCH_EN: 0..=31 WO,
        }
        /// Control the state retention of the GPIO ports (P1).
        P1_PAD_LATCH_REG @ 0x7c = 0x007F_FFFF {
            P1_LATCH_EN: 0..=22 RW,
        }
        /// Sets bits of `P1_PAD_LATCH_REG`.
        P1_SET_PAD_LATCH_REG @ 0x80 = 0 {
            P1_SET_LATCH_EN: 0..=22 WO,
        }
        /// Clears bits of `P1_PAD_LATCH_REG`.
        P1_RESET_PAD_LATCH_REG @ 0x84 = 0 {
            P1_RESET_LATCH_EN: 0..=22 WO,
        }
        /// BOD_STATUS_REG.
        BOD_STATUS_REG @ 0x90 = 0 {
            BOD_VBAT: 0..=0 Tag,
            BOD_V30: 1..=1 Tag,
            BOD_V18: 2..=2 Tag,
            BOD_V18P: 3..=3 Tag,
            BOD_VDD: 4..=4 Tag,
            BOD_V18F: 5..=5 Tag,
            BOD_V14: 6..=6 Tag,
        }
        /// Controls the POR on VBAT.
        POR_VBAT_CTRL_REG @ 0x94 = 0 {
            POR_VBAT_THRES_LOW: 0..=3 Tag,
            POR_VBAT_THRES_HIGH: 4..=7 Tag,
            POR_VBAT_HYST_LOW: 8..=11 Tag,
            POR_VBAT_ENABLE: 12..=12 Tag,
            POR_VBAT_MASK_N: 13..=13 Tag,
        }
        /// Selects a GPIO pin for POR generation.
        POR_PIN_REG @ 0x98 = 0 {
            POR_PIN_SELECT: 0..=5 Tag,
            POR_PIN_POLARITY: 7..=7 Tag,
        }
        /// Time for POR to happen.
        POR_TIMER_REG @ 0x9c = 0 {
            POR_TIME: 0..=6 Tag,
        }
        /// LDO control register.
        LDO_VDDD_HIGH_CTRL_REG @ 0xa0 = 0 {
            LDO_VDDD_HIGH_VREF_HOLD: 0..=0 Tag,
            LDO_VDDD_HIGH_ENABLE: 1..=1 Tag,
            LDO_VDDD_HIGH_STATIC_LOAD_ENABLE: 2..=2 Tag,
            LDO_VDDD_HIGH_LOW_ZOUT_DISABLE: 3..=3 Tag,
        }
        /// BIAS_VREF_SEL_REG.
        BIAS_VREF_SEL_REG @ 0xa4 = 0 {
            BIAS_VREF_RF1_SEL: 0..=3 Tag,
            BIAS_VREF_RF2_SEL: 4..=7 Tag,
        }
        /// Reset status register.
        RESET_STAT_REG @ 0xbc = 0x1F {
            PORESET_STAT: 0..=0 RW,
            HWRESET_STAT: 1..=1 RW,
            SWRESET_STAT: 2..=2 RW,
            WDOGRESET_STAT: 3..=3 RW,
            SWD_HWRESET_STAT: 4..=4 RW,
            CMAC_WDOGRESET_STAT: 5..=5 RW,
        }
        /// Control power state of System RAMS.
        RAM_PWR_CTRL_REG @ 0xc0 = 0 {
            RAM1_PWR_CTRL: 0..=1 Tag,
            RAM2_PWR_CTRL: 2..=3 Tag,
            RAM3_PWR_CTRL: 4..=5 Tag,
            RAM4_PWR_CTRL: 6..=7 Tag,
            RAM5_PWR_CTRL: 8..=9 Tag,
            RAM6_PWR_CTRL: 10..=11 Tag,
            RAM7_PWR_CTRL: 12..=13 Tag,
            RAM8_PWR_CTRL: 14..=15 Tag,
        }
        /// Controls secure booting.
        SECURE_BOOT_REG @ 0xcc = 0 {
            SECURE_BOOT: 0..=0 RO,
            FORCE_DEBUGGER_OFF: 1..=1 RO,
            FORCE_CMAC_DEBUGGER_OFF: 2..=2 RO,
            PROT_SIG_KEY_WRITE: 3..=3 RO,
            PROT_AES_KEY_WRITE: 4..=4 RO,
            PROT_AES_KEY_READ: 5..=5 RO,
            PROT_QSPI_KEY_WRITE: 6..=6 RO,
            PROT_QSPI_KEY_READ: 7..=7 RO,
        }
        /// Immediate rail resetting. There is no LDO/DCDC.
        DISCHARGE_RAIL_REG @ 0xd4 = 0 {
            RESET_V14: 0..=0 Tag,
            RESET_V18: 1..=1 Tag,
            RESET_V18P: 2..=2 Tag,
        }
        /// Analog Signals Status Register.
        ANA_STATUS_REG @ 0xec = 0 {
            BOD_VIN_NOK: 0..=0 Tag,
            LDO_VDD_HIGH_OK: 1..=1 Tag,
            LDO_CORE_OK: 2..=2 Tag,
            LDO_RADIO_OK: 3..=3 Tag,
            LDO_1V8_OK: 4..=4 Tag,
            LDO_1V8P_OK: 5..=5 Tag,
            LDO_3V0_VBUS_OK: 6..=6 Tag,
            LDO_3V0_VBAT_OK: 7..=7 Tag,
            BANDGAP_OK: 8..=8 Tag,
            VBUS_AVAILABLE: 9..=9 RO,
            COMP_VDD_OK: 10..=10 Tag,
            COMP_VBAT_LOW: 11..=11 Tag,
            COMP_VBAT_HIGH: 12..=12 Tag,
            COMP_VBUS_LOW: 13..=13 Tag,
            COMP_VBUS_HIGH: 14..=14 Tag,
        }
        /// Power control register.
        POWER_CTRL_REG @ 0xf0 = 0x00021291 {
            LDO_1V8P_ENABLE: 0..=0 Tag,
            LDO_1V8P_RET_ENABLE_ACTIVE: 1..=1 Tag,
            LDO_1V8P_RET_ENABLE_SLEEP: 2..=2 Tag,
            SW_1V8F_ENABLE_FORCE: 3..=3 Tag,
            LDO_1V8_ENABLE: 4..=4 Tag,
            LDO_1V8_RET_ENABLE_ACTIVE: 5..=5 Tag,
            LDO_1V8_RET_ENABLE_SLEEP: 6..=6 Tag,
            LDO_RADIO_ENABLE: 7..=7 Tag,
            LDO_3V0_MODE: 8..=9 Tag,
            LDO_3V0_RET_ENABLE_ACTIVE: 10..=10 Tag,
            LDO_3V0_RET_ENABLE_SLEEP: 11..=11 Tag,
            LDO_CORE_ENABLE: 12..=12 Tag,
            LDO_CORE_RET_ENABLE_ACTIVE: 13..=13 Tag,
            LDO_CORE_RET_ENABLE_SLEEP: 14..=14 Tag,
            LDO_3V0_REF: 15..=15 Tag,
            VDD_LEVEL: 16..=17 Tag,
            V30_LEVEL: 18..=19 Tag,
            V14_LEVEL: 20..=22 Tag,
            V18_LEVEL: 23..=23 Tag,
            CLAMP_3V0_VBAT_ENABLE: 24..=24 Tag,
            VDD_CLAMP_LEVEL: 25..=28 Tag,
            VDD_SLEEP_LEVEL: 29..=31 Tag,
        }
        /// Configures the sleep/wakeup strategy.
        PMU_SLEEP_REG @ 0xf4 = 0 {
            BG_REFRESH_INTERVAL: 0..=11 Tag,
            BOD_SLEEP_INTERVAL: 12..=15 Tag,
            FAST_WAKEUP: 16..=16 Tag,
            ULTRA_FAST_WAKEUP: 17..=17 Tag,
            CLAMP_VDD_WKUP_MAX: 18..=18 Tag,
        }
        /// LDO trimming register.
        PMU_TRIM_REG @ 0xf8 = 0 {
            LDO_SUPPLY_VBUS_TRIM: 0..=3 Tag,
            LDO_SUPPLY_VBAT_TRIM: 4..=7 Tag,
            LDO_1V8P_TRIM: 8..=11 Tag,
            LDO_1V8_TRIM: 12..=15 Tag,
        }
    }
}

use regs::{
    ANA_STATUS_REG, CLK_CTRL_REG, CLK_RADIO_REG, CLK_SWITCH2XTAL_REG, PMU_CTRL_REG, SYS_CTRL_REG,
    SYS_STAT_REG, VBUS_IRQ_CLEAR_REG, VBUS_IRQ_MASK_REG,
};

/// Time a power domain takes to change state after its `PMU_CTRL_REG` bit
/// changes (a guess of the right order: a few lp-clock cycles).
pub const POWER_DELAY: Instant = Instant::from_micros(60);

/// Source of the system clock, as `SYS_CLK_SEL` encodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SysClock {
    /// 32 MHz crystal (SYS_CLK_SEL 0).
    Xtal32m,
    /// 32 MHz RC oscillator (1), the clock at power-on.
    Rc32m,
    /// The low-power clock (2).
    LowPower,
    /// 96 MHz PLL from the crystal (3).
    Pll96m,
}

impl SysClock {
    fn from_sel(sel: u32) -> SysClock {
        match sel & 3 {
            0 => SysClock::Xtal32m,
            1 => SysClock::Rc32m,
            2 => SysClock::LowPower,
            _ => SysClock::Pll96m,
        }
    }

    /// Frequency in Hz (the low-power clock counted as 32768 Hz).
    pub fn hz(self) -> u64 {
        match self {
            SysClock::Xtal32m | SysClock::Rc32m => 32_000_000,
            SysClock::LowPower => 32_768,
            SysClock::Pll96m => 96_000_000,
        }
    }
}

/// A power domain switched by `PMU_CTRL_REG` and reported in `SYS_STAT_REG`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// PD_RAD (radio).
    Radio,
    /// PD_PER (peripherals: GPADC, …).
    Periph,
    /// PD_SYS (system).
    Sys,
    /// PD_TIM (timers, XTAL).
    Tim,
    /// PD_COM (UART, SPI, I2C, GPIO).
    Com,
}

impl Domain {
    const ALL: [Domain; 5] = [
        Domain::Radio,
        Domain::Periph,
        Domain::Sys,
        Domain::Tim,
        Domain::Com,
    ];

    /// (sleep bit in PMU_CTRL_REG, IS_DOWN bit in SYS_STAT_REG; IS_UP is the next bit).
    fn bits(self) -> (u32, u32) {
        match self {
            Domain::Radio => (1, 0),
            Domain::Periph => (0, 2),
            Domain::Sys => (6, 4),
            Domain::Tim => (2, 8),
            Domain::Com => (3, 10),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct DomainState {
    up: bool,
    /// A change under way: (new state, when it completes).
    changing: Option<(bool, Instant)>,
}

/// CRG_TOP model.
#[derive(Debug, Clone)]
pub struct CrgTop {
    regs: Regs,
    domains: [DomainState; 5],
    /// What the clock switch has been asked for and waits to complete.
    wanted: SysClock,
    running: SysClock,
    xtal_ready: bool,
    pll_locked: bool,
    sw_reset: bool,
    /// VBUS is plugged in (the machine says so).
    vbus: bool,
    /// A VBUS edge the mask let through waits for `VBUS_IRQ_CLEAR_REG`.
    vbus_pending: bool,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
}

impl Default for CrgTop {
    fn default() -> Self {
        Self::new()
    }
}

impl CrgTop {
    /// At power-on.
    pub fn new() -> CrgTop {
        let mut c = CrgTop {
            regs: Regs::new(regs::BLOCK),
            domains: [DomainState {
                up: false,
                changing: None,
            }; 5],
            wanted: SysClock::Rc32m,
            running: SysClock::Rc32m,
            xtal_ready: false,
            pll_locked: false,
            sw_reset: false,
            vbus: false,
            vbus_pending: false,
            notes: Notes::default(),
        };
        c.power_on_state();
        c
    }

    fn power_on_state(&mut self) {
        self.regs.reset();
        self.vbus_pending = false;
        let ana = ANA_STATUS_REG::VBUS_AVAILABLE.set(0, u32::from(self.vbus));
        self.regs.set(ANA_STATUS_REG::OFFSET, ana);
        let pmu = self.regs.get(PMU_CTRL_REG::OFFSET);
        for (i, d) in Domain::ALL.iter().enumerate() {
            self.domains[i] = DomainState {
                up: pmu >> d.bits().0 & 1 == 0,
                changing: None,
            };
        }
        self.wanted = SysClock::Rc32m;
        self.running = SysClock::Rc32m;
        self.sw_reset = false;
        self.refresh(Instant::ZERO);
    }

    /// Tell the model what CRG_XTAL reports (the machine calls this before
    /// each access and event so the clock switch sees the oscillators).
    pub fn set_clock_inputs(&mut self, xtal_ready: bool, pll_locked: bool, now: Instant) {
        self.xtal_ready = xtal_ready;
        self.pll_locked = pll_locked;
        self.refresh(now);
    }

    /// The clock the CPU runs at.
    pub fn sys_clock(&self) -> SysClock {
        self.running
    }

    /// `LP_CLK_SEL`: 0 RC32K, 1 RCX, 2 XTAL32K, 3 external.
    pub fn lp_clk_sel(&self) -> u32 {
        CLK_CTRL_REG::LP_CLK_SEL.get(self.regs.get(CLK_CTRL_REG::OFFSET))
    }

    /// `CLK_RADIO_REG` as it stands (the CMAC stand-in runs while
    /// `CMAC_CLK_ENABLE` is set and `CMAC_SYNCH_RESET` clear).
    pub fn clk_radio(&self) -> u32 {
        self.regs.get(CLK_RADIO_REG::OFFSET)
    }

    /// `SYS_CTRL_REG` as it stands (remap fields).
    pub fn sys_ctrl(&self) -> u32 {
        self.regs.get(SYS_CTRL_REG::OFFSET)
    }

    /// Set `SYS_CTRL_REG` from the hardware side (the boot ROM).
    pub fn set_sys_ctrl(&mut self, value: u32) {
        self.regs
            .set(SYS_CTRL_REG::OFFSET, value & !SYS_CTRL_REG::SW_RESET.mask());
    }

    /// Set any register from the hardware side (the boot ROM's configuration).
    pub fn poke(&mut self, offset: u32, value: u32) {
        self.regs.set(offset, value);
    }

    /// Whether software asked for a reset (`SYS_CTRL_REG.SW_RESET`); clears the request.
    pub fn take_sw_reset(&mut self) -> bool {
        std::mem::take(&mut self.sw_reset)
    }

    /// Whether a power domain is up at `now`.
    pub fn domain_up(&self, d: Domain, now: Instant) -> bool {
        let s = self.domains[Domain::ALL.iter().position(|x| *x == d).unwrap_or(0)];
        match s.changing {
            Some((to, at)) if now >= at => to,
            _ => s.up,
        }
    }

    /// Bring derived state (domains, clock switch, status registers) up to `now`.
    fn refresh(&mut self, now: Instant) {
        for s in &mut self.domains {
            if let Some((to, at)) = s.changing
                && now >= at
            {
                s.up = to;
                s.changing = None;
            }
        }
        let mut stat = SYS_STAT_REG::MEM_IS_UP.mask() | SYS_STAT_REG::POWER_IS_UP.mask();
        for (i, d) in Domain::ALL.iter().enumerate() {
            let down_bit = d.bits().1;
            let s = self.domains[i];
            if s.changing.is_none() {
                stat |= 1 << (down_bit + u32::from(s.up));
            }
        }
        self.regs.set(SYS_STAT_REG::OFFSET, stat);

        // The switch completes once the wanted source is ready.
        let ready = match self.wanted {
            SysClock::Xtal32m => self.xtal_ready,
            SysClock::Pll96m => self.pll_locked,
            SysClock::Rc32m | SysClock::LowPower => true,
        };
        if ready {
            self.running = self.wanted;
        }
        let mut ctrl = self.regs.get(CLK_CTRL_REG::OFFSET);
        for (f, on) in [
            (CLK_CTRL_REG::RUNNING_AT_LP_CLK, SysClock::LowPower),
            (CLK_CTRL_REG::RUNNING_AT_RC32M, SysClock::Rc32m),
            (CLK_CTRL_REG::RUNNING_AT_XTAL32M, SysClock::Xtal32m),
            (CLK_CTRL_REG::RUNNING_AT_PLL96M, SysClock::Pll96m),
        ] {
            ctrl = f.set(ctrl, u32::from(self.running == on));
        }
        self.regs.set(CLK_CTRL_REG::OFFSET, ctrl);
    }

    fn pmu_written(&mut self, pmu: u32, now: Instant) {
        for (i, d) in Domain::ALL.iter().enumerate() {
            let want_up = pmu >> d.bits().0 & 1 == 0;
            let s = &mut self.domains[i];
            let target = s.changing.map_or(s.up, |c| c.0);
            if target != want_up {
                s.changing = Some((want_up, Instant(now.0 + POWER_DELAY.0)));
            }
        }
    }
}

/// `VBUS` interrupt line.
pub const IRQ_VBUS: u32 = 21;

/// The SET/RESET aliases of the two pad latch registers.
const PAD_LATCHES: [SetClearAliases; 2] = [
    SetClearAliases {
        target: regs::P0_PAD_LATCH_REG::DEF,
        set: regs::P0_SET_PAD_LATCH_REG::OFFSET,
        clear: regs::P0_RESET_PAD_LATCH_REG::OFFSET,
    },
    SetClearAliases {
        target: regs::P1_PAD_LATCH_REG::DEF,
        set: regs::P1_SET_PAD_LATCH_REG::OFFSET,
        clear: regs::P1_RESET_PAD_LATCH_REG::OFFSET,
    },
];

impl CrgTop {
    /// VBUS plugged in or pulled out: `ANA_STATUS_REG.VBUS_AVAILABLE`
    /// follows, and an edge enabled in `VBUS_IRQ_MASK_REG` raises the `VBUS`
    /// line (21) until `VBUS_IRQ_CLEAR_REG` is written.
    pub fn set_vbus(&mut self, present: bool, cx: &mut Context<'_>) {
        let mask = self.regs.get(VBUS_IRQ_MASK_REG::OFFSET);
        let edge_enabled = if present {
            VBUS_IRQ_MASK_REG::VBUS_IRQ_EN_RISE.is_set(mask)
        } else {
            VBUS_IRQ_MASK_REG::VBUS_IRQ_EN_FALL.is_set(mask)
        };
        if present != self.vbus && edge_enabled {
            self.vbus_pending = true;
        }
        self.vbus = present;
        let ana = self.regs.get(ANA_STATUS_REG::OFFSET);
        self.regs.set(
            ANA_STATUS_REG::OFFSET,
            ANA_STATUS_REG::VBUS_AVAILABLE.set(ana, u32::from(present)),
        );
        cx.irqs.set(IRQ_VBUS, self.vbus_pending);
    }

    /// `CLK_RTCDIV_REG`: the RTC's 100 Hz divider and its enable.
    pub fn clk_rtcdiv(&self) -> u32 {
        self.regs.get(regs::CLK_RTCDIV_REG::OFFSET)
    }

    /// `P0_PAD_LATCH_REG` and `P1_PAD_LATCH_REG`: which pads follow their GPIO registers.
    pub fn pad_latches(&self) -> [u32; 2] {
        [
            self.regs.get(regs::P0_PAD_LATCH_REG::OFFSET),
            self.regs.get(regs::P1_PAD_LATCH_REG::OFFSET),
        ]
    }
}

impl Device for CrgTop {
    fn name(&self) -> &'static str {
        "CRG_TOP"
    }

    fn read(&mut self, offset: u32, size: u8, cx: &mut Context<'_>) -> Result<u32, RegError> {
        self.refresh(cx.now);
        match PAD_LATCHES.iter().find(|a| a.is_alias(offset)) {
            Some(a) => a.read(&mut self.regs, offset, size),
            None => self.regs.read(offset, size),
        }
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        self.refresh(cx.now);
        let w = self
            .notes
            .write("CRG_TOP", &mut self.regs, offset, size, value)?;
        for a in &PAD_LATCHES {
            a.apply(&mut self.regs, &w);
        }
        match w.offset {
            CLK_CTRL_REG::OFFSET => {
                let sel = CLK_CTRL_REG::SYS_CLK_SEL.get(w.new);
                self.wanted = SysClock::from_sel(sel);
            }
            CLK_SWITCH2XTAL_REG::OFFSET
                if w.wrote_one(CLK_SWITCH2XTAL_REG::SWITCH2XTAL)
                    && self.running == SysClock::Rc32m =>
            {
                // Hardware switches RC32M → XTAL32M as soon as the crystal is ready.
                let ctrl = self.regs.get(CLK_CTRL_REG::OFFSET);
                self.regs
                    .set(CLK_CTRL_REG::OFFSET, CLK_CTRL_REG::SYS_CLK_SEL.set(ctrl, 0));
                self.wanted = SysClock::Xtal32m;
            }
            PMU_CTRL_REG::OFFSET => self.pmu_written(w.new, cx.now),
            VBUS_IRQ_CLEAR_REG::OFFSET => {
                self.vbus_pending = false;
                cx.irqs.set(IRQ_VBUS, false);
            }
            SYS_CTRL_REG::OFFSET if w.wrote_one(SYS_CTRL_REG::SW_RESET) => {
                self.sw_reset = true;
                self.regs
                    .set(SYS_CTRL_REG::OFFSET, w.new & !SYS_CTRL_REG::SW_RESET.mask());
            }
            _ => {}
        }
        self.refresh(cx.now);
        Ok(())
    }

    fn next_event(&self) -> Option<Instant> {
        self.domains
            .iter()
            .filter_map(|s| s.changing.map(|c| c.1))
            .min()
    }

    fn advance(&mut self, cx: &mut Context<'_>) {
        self.refresh(cx.now);
    }

    fn reset(&mut self) {
        self.power_on_state();
    }
}

/// A software reset keeps `SYS_CTRL_REG`'s remap (that is how Zephyr's MCUboot
/// path applies a new remap) and the clock tree; only the CPU restarts.
pub const SW_RESET_KEEPS_REMAP: bool = true;

#[cfg(test)]
mod tests {
    use super::*;
    use mb4_periph::device::IrqLines;

    fn cx(irqs: &mut IrqLines, us: u64) -> Context<'_> {
        Context {
            now: Instant::from_micros(us),
            irqs,
        }
    }

    #[test]
    fn power_domains_follow_pmu_ctrl_after_a_delay() {
        let mut c = CrgTop::new();
        let mut l = IrqLines::default();
        let stat = c.read(SYS_STAT_REG::OFFSET, 4, &mut cx(&mut l, 0)).unwrap();
        assert!(SYS_STAT_REG::TIM_IS_DOWN.is_set(stat) && !SYS_STAT_REG::TIM_IS_UP.is_set(stat));
        assert!(SYS_STAT_REG::SYS_IS_UP.is_set(stat));
        // da1469x_pd_acquire(TIM): clear TIM_SLEEP, poll TIM_IS_UP.
        let pmu = c.read(PMU_CTRL_REG::OFFSET, 4, &mut cx(&mut l, 0)).unwrap();
        c.write(
            PMU_CTRL_REG::OFFSET,
            4,
            pmu & !(1 << 2),
            &mut cx(&mut l, 10),
        )
        .unwrap();
        let stat = c
            .read(SYS_STAT_REG::OFFSET, 4, &mut cx(&mut l, 11))
            .unwrap();
        assert!(!SYS_STAT_REG::TIM_IS_UP.is_set(stat) && !SYS_STAT_REG::TIM_IS_DOWN.is_set(stat));
        assert_eq!(c.next_event(), Some(Instant::from_micros(70)));
        let stat = c
            .read(SYS_STAT_REG::OFFSET, 4, &mut cx(&mut l, 70))
            .unwrap();
        assert!(SYS_STAT_REG::TIM_IS_UP.is_set(stat));
        assert!(c.domain_up(Domain::Tim, Instant::from_micros(70)));
        assert!(!c.domain_up(Domain::Com, Instant::from_micros(70)));
    }

    #[test]
    fn clock_switch_waits_for_the_crystal_and_the_pll() {
        let mut c = CrgTop::new();
        let mut l = IrqLines::default();
        let ctrl = c.read(CLK_CTRL_REG::OFFSET, 4, &mut cx(&mut l, 0)).unwrap();
        assert_eq!(ctrl, 0x2001, "RC32M selected and running at power-on");
        c.write(CLK_SWITCH2XTAL_REG::OFFSET, 4, 1, &mut cx(&mut l, 1))
            .unwrap();
        let ctrl = c.read(CLK_CTRL_REG::OFFSET, 4, &mut cx(&mut l, 2)).unwrap();
        assert!(
            CLK_CTRL_REG::RUNNING_AT_RC32M.is_set(ctrl),
            "crystal not ready yet"
        );
        c.set_clock_inputs(true, false, Instant::from_micros(3));
        let ctrl = c.read(CLK_CTRL_REG::OFFSET, 4, &mut cx(&mut l, 3)).unwrap();
        assert!(CLK_CTRL_REG::RUNNING_AT_XTAL32M.is_set(ctrl));
        assert_eq!(CLK_CTRL_REG::SYS_CLK_SEL.get(ctrl), 0);
        // PLL switch: SYS_CLK_SEL = 3, RUNNING_AT_PLL96M once locked.
        c.write(CLK_CTRL_REG::OFFSET, 4, ctrl | 3, &mut cx(&mut l, 4))
            .unwrap();
        assert_eq!(c.sys_clock(), SysClock::Xtal32m);
        c.set_clock_inputs(true, true, Instant::from_micros(5));
        assert_eq!(c.sys_clock(), SysClock::Pll96m);
        let ctrl = c.read(CLK_CTRL_REG::OFFSET, 4, &mut cx(&mut l, 5)).unwrap();
        assert!(CLK_CTRL_REG::RUNNING_AT_PLL96M.is_set(ctrl));
        assert!(!CLK_CTRL_REG::RUNNING_AT_XTAL32M.is_set(ctrl));
    }

    #[test]
    fn sw_reset_is_a_request_and_remap_is_kept() {
        let mut c = CrgTop::new();
        let mut l = IrqLines::default();
        c.write(SYS_CTRL_REG::OFFSET, 4, 0x40A, &mut cx(&mut l, 0))
            .unwrap();
        c.write(SYS_CTRL_REG::OFFSET, 4, 0x840A, &mut cx(&mut l, 0))
            .unwrap();
        assert!(c.take_sw_reset());
        assert!(!c.take_sw_reset());
        assert_eq!(c.sys_ctrl(), 0x40A, "SW_RESET reads back as 0");
    }

    #[test]
    fn unmodelled_writes_are_noted() {
        let mut c = CrgTop::new();
        let mut l = IrqLines::default();
        c.write(regs::BOD_CTRL_REG::OFFSET, 4, 0x1, &mut cx(&mut l, 0))
            .unwrap();
        let n = c.notes.drain();
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].register, "BOD_CTRL_REG");
        assert!(
            c.read(0x08, 4, &mut cx(&mut l, 0)).is_err(),
            "0x08 is not a register"
        );
    }
}
