//! System clock: start the 32 MHz crystal and switch `sys_clk` to it.
//!
//! The sequence is hal_renesas `da1469x_clock.c` (which Zephyr's clock driver
//! calls): the crystal is switched on through a PDC entry with the software
//! trigger, the core sleeps in WFE until `XTAL32M_RDY` is pending in the
//! NVIC (the line is enabled but interrupts stay masked, so nothing runs),
//! then `CLK_SWITCH2XTAL_REG` moves `sys_clk` from RC32M to XTAL32M.

use crate::cpu;
use crate::mmio;
use crate::regs::{crg_top, crg_xtal, irqn, pdc};

/// Whether the crystal has settled: ready counter at 0 and the state machine in XTAL_RUN.
pub fn xtal32m_settled() -> bool {
    mmio::read(crg_xtal::XTALRDY_STAT_REG) & crg_xtal::XTALRDY_COUNT_MSK == 0
        && mmio::read(crg_xtal::XTAL32M_STAT1_REG) & crg_xtal::XTAL32M_STATE_MSK
            == crg_xtal::XTAL32M_STATE_RUN
}

/// Find or add the PDC entry "software trigger wakes the M33 with XTAL32M on";
/// returns its index.
fn pdc_xtal_entry() -> u32 {
    let want = (pdc::SW_TRIGGER_SELECT << pdc::TRIG_SELECT_POS)
        | (pdc::SW_TRIGGER_ID << pdc::TRIG_ID_POS)
        | (pdc::MASTER_M33 << pdc::PDC_MASTER_POS)
        | pdc::EN_XTAL;
    let mask = pdc::TRIG_SELECT_MSK | pdc::TRIG_ID_MSK | pdc::PDC_MASTER_MSK | pdc::EN_XTAL;
    for i in 0..pdc::ENTRIES {
        if mmio::read(pdc::ctrl_reg(i)) & mask == want {
            return i;
        }
    }
    for i in 0..pdc::ENTRIES {
        if mmio::read(pdc::ctrl_reg(i)) & pdc::PDC_MASTER_MSK == 0 {
            mmio::write(pdc::ctrl_reg(i), want);
            return i;
        }
    }
    // All 16 entries taken by someone else: fall back to entry 15.
    mmio::write(pdc::ctrl_reg(pdc::ENTRIES - 1), want);
    pdc::ENTRIES - 1
}

/// Switch the crystal on (through the PDC) and wait, asleep, until it has settled.
pub fn xtal32m_start() {
    let idx = pdc_xtal_entry();
    mmio::write(pdc::PDC_SET_PENDING_REG, idx);
    mmio::write(pdc::PDC_ACKNOWLEDGE_REG, idx);
    // The PDC now keeps the crystal on; drop the direct enable so it may also turn it off.
    mmio::modify(
        crg_xtal::XTAL32M_CTRL1_REG,
        crg_xtal::XTAL32M_XTAL_ENABLE,
        0,
    );

    let was_enabled = cpu::irq_disable();
    cpu::nvic_clear_pending(irqn::XTAL32M_RDY);
    if !xtal32m_settled() {
        cpu::nvic_enable(irqn::XTAL32M_RDY);
        while !cpu::nvic_is_pending(irqn::XTAL32M_RDY) {
            // A pending interrupt wakes WFE even while masked; SEV+WFE clears a stale event.
            cpu::wfe();
            cpu::sev();
            cpu::wfe();
        }
        cpu::nvic_disable(irqn::XTAL32M_RDY);
    }
    cpu::nvic_clear_pending(irqn::XTAL32M_RDY);
    if was_enabled {
        cpu::irq_enable();
    }
}

/// Move `sys_clk` to the settled crystal and wait until the switch took.
pub fn switch_to_xtal32m() {
    if mmio::read(crg_top::CLK_CTRL_REG) & crg_top::CLK_CTRL_RUNNING_AT_RC32M != 0 {
        mmio::write(crg_top::CLK_SWITCH2XTAL_REG, crg_top::SWITCH2XTAL);
    } else {
        mmio::modify(crg_top::CLK_CTRL_REG, crg_top::CLK_CTRL_SYS_CLK_SEL_MSK, 0);
    }
    mmio::wait_until(crg_top::CLK_CTRL_REG, |v| {
        v & crg_top::CLK_CTRL_RUNNING_AT_XTAL32M != 0
    });
}

/// Start the 32.768 kHz crystal and make it the low-power clock (`LP_CLK_SEL` = 2).
pub fn lp_clock_xtal32k() {
    mmio::modify(crg_top::CLK_XTAL32K_REG, 0, crg_top::XTAL32K_ENABLE);
    mmio::modify(
        crg_top::CLK_CTRL_REG,
        crg_top::CLK_CTRL_LP_CLK_SEL_MSK,
        2 << crg_top::CLK_CTRL_LP_CLK_SEL_POS,
    );
}
