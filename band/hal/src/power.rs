//! Power domains (PD_PER, PD_TIM, PD_COM), as hal_renesas `da1469x_pd.c` does it:
//! clear the domain's sleep bit in `PMU_CTRL_REG`, then wait for its "is up"
//! bit in `SYS_STAT_REG`.

use crate::mmio;
use crate::regs::crg_top;

/// A switchable power domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// Peripherals: GPADC, the LCDC's pads, timers 3/4, ...
    Per,
    /// Timers and XTAL32M control (TIMER, TIMER2, CRG_XTAL).
    Tim,
    /// Communication: UART, SPI, I2C, GPIO.
    Com,
}

impl Domain {
    fn bits(self) -> (u32, u32) {
        match self {
            Domain::Per => (crg_top::PMU_CTRL_PERIPH_SLEEP, crg_top::SYS_STAT_PER_IS_UP),
            Domain::Tim => (crg_top::PMU_CTRL_TIM_SLEEP, crg_top::SYS_STAT_TIM_IS_UP),
            Domain::Com => (crg_top::PMU_CTRL_COM_SLEEP, crg_top::SYS_STAT_COM_IS_UP),
        }
    }
}

/// Power `domain` up and wait until it reports up.
pub fn power_up(domain: Domain) {
    let (sleep, up) = domain.bits();
    mmio::modify(crg_top::PMU_CTRL_REG, sleep, 0);
    mmio::wait_until(crg_top::SYS_STAT_REG, |v| v & up != 0);
}
