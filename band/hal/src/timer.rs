//! TIMER2 as a periodic wake-up on the low-power clock.

use crate::mmio;
use crate::regs::timer2;

/// Count `period_ticks` of the low-power clock (32768 Hz with XTAL32K), then
/// raise the TIMER2 interrupt and start again. PD_TIM must be up.
pub fn start_periodic_lp(period_ticks: u32) {
    mmio::write(timer2::TIMER2_CTRL_REG, 0);
    mmio::write(timer2::TIMER2_PRESCALER_REG, 0);
    mmio::write(timer2::TIMER2_RELOAD_REG, (period_ticks - 1) & 0x00FF_FFFF);
    // Clock first (from lp_clk: TIM_SYS_CLK_EN = 0), then count.
    mmio::write(
        timer2::TIMER2_CTRL_REG,
        timer2::TIM_CLK_EN | timer2::TIM_IRQ_EN,
    );
    mmio::write(
        timer2::TIMER2_CTRL_REG,
        timer2::TIM_CLK_EN | timer2::TIM_IRQ_EN | timer2::TIM_EN,
    );
}

/// Acknowledge the TIMER2 interrupt.
pub fn clear_irq() {
    mmio::write(timer2::TIMER2_CLEAR_IRQ_REG, 1);
}
