//! PDC: the Power Domain Controller's lookup table of wake-up entries.
//!
//! Modelled: 16 entries `PDC_CTRLn_REG` (trigger select and id, master,
//! `EN_XTAL`/`EN_TMR`/`EN_PER`/`EN_COM`); `PDC_SET_PENDING_REG` and
//! `PDC_ACKNOWLEDGE_REG` take an entry index; `PDC_PENDING_REG` and the
//! per-master views (`PDC_PENDING_CM33_REG` for master 1, CMAC 2, SNC 3);
//! peripheral triggers ([`Pdc::trigger`], trigger select 2, as hal's
//! `MCU_PDC_TRIGGER_*` encode `0x40 | id`); the PDC line (IRQ 20) is high
//! while an M33 entry is pending. [`Pdc::wants_xtal`] tells CRG_XTAL that a
//! pending entry asked for the crystal (hal `da1469x_clock_sys_xtal32m_enable`
//! starts XTAL32M this way). Sleep and the power-domain enables are not
//! modelled: the CPU never powers down here.

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegError, Regs};

use super::Notes;

mb4_periph::regmap! {
    /// PDC registers (`PDC_Type`, base 0x5000_0200).
    pub mod regs {
        /// PDC control register.
        PDC_CTRL0_REG @ 0x00 = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// PDC control register.
        PDC_CTRL1_REG @ 0x04 = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// PDC control register.
        PDC_CTRL2_REG @ 0x08 = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// PDC control register.
        PDC_CTRL3_REG @ 0x0c = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// PDC control register.
        PDC_CTRL4_REG @ 0x10 = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// PDC control register.
        PDC_CTRL5_REG @ 0x14 = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// PDC control register.
        PDC_CTRL6_REG @ 0x18 = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// PDC control register.
        PDC_CTRL7_REG @ 0x1c = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// PDC control register.
        PDC_CTRL8_REG @ 0x20 = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// PDC control register.
        PDC_CTRL9_REG @ 0x24 = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// PDC control register.
        PDC_CTRL10_REG @ 0x28 = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// PDC control register.
        PDC_CTRL11_REG @ 0x2c = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// PDC control register.
        PDC_CTRL12_REG @ 0x30 = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// PDC control register.
        PDC_CTRL13_REG @ 0x34 = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// PDC control register.
        PDC_CTRL14_REG @ 0x38 = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// PDC control register.
        PDC_CTRL15_REG @ 0x3c = 0 {
            TRIG_SELECT: 0..=1 RW,
            TRIG_ID: 2..=6 RW,
            EN_XTAL: 7..=7 RW,
            EN_TMR: 8..=8 RW,
            EN_PER: 9..=9 RW,
            EN_COM: 10..=10 RW,
            PDC_MASTER: 11..=12 RW,
        }
        /// Clear a pending PDC bit.
        PDC_ACKNOWLEDGE_REG @ 0x80 = 0 {
            PDC_ACKNOWLEDGE: 0..=4 WO,
        }
        /// Shows any pending wakup event.
        PDC_PENDING_REG @ 0x84 = 0 {
            PDC_PENDING: 0..=15 RO,
        }
        /// Shows any pending IRQ to SNC.
        PDC_PENDING_SNC_REG @ 0x88 = 0 {
            PDC_PENDING: 0..=15 RO,
        }
        /// Shows any pending IRQ to CM33.
        PDC_PENDING_CM33_REG @ 0x8c = 0 {
            PDC_PENDING: 0..=15 RO,
        }
        /// Shows any pending IRQ to CM33.
        PDC_PENDING_CMAC_REG @ 0x90 = 0 {
            PDC_PENDING: 0..=15 RO,
        }
        /// Set a pending PDC bit.
        PDC_SET_PENDING_REG @ 0x94 = 0 {
            PDC_SET_PENDING: 0..=4 WO,
        }
    }
}

use regs::{
    PDC_ACKNOWLEDGE_REG, PDC_CTRL0_REG as CTRL, PDC_PENDING_CM33_REG, PDC_PENDING_CMAC_REG,
    PDC_PENDING_REG, PDC_PENDING_SNC_REG, PDC_SET_PENDING_REG,
};

/// The PDC interrupt line.
pub const IRQ_PDC: u32 = 20;
/// Entries in the lookup table.
pub const ENTRIES: u32 = 16;
/// `PDC_MASTER` value of the application core.
pub const MASTER_M33: u32 = 1;
/// `PDC_MASTER` value of the CMAC.
pub const MASTER_CMAC: u32 = 2;
/// `TRIG_SELECT` value of peripheral triggers.
pub const TRIG_PERIPHERAL: u32 = 2;

/// PDC model.
#[derive(Debug, Clone)]
pub struct Pdc {
    regs: Regs,
    pending: u32,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
}

impl Default for Pdc {
    fn default() -> Self {
        Self::new()
    }
}

impl Pdc {
    /// At power-on: an empty table.
    pub fn new() -> Pdc {
        Pdc {
            regs: Regs::new(regs::BLOCK),
            pending: 0,
            notes: Notes::default(),
        }
    }

    fn entry(&self, i: u32) -> u32 {
        self.regs.get(i * 4)
    }

    /// Pending entries as a bit mask.
    pub fn pending(&self) -> u32 {
        self.pending
    }

    /// Whether a pending entry asks for XTAL32M.
    pub fn wants_xtal(&self) -> bool {
        (0..ENTRIES).any(|i| self.pending >> i & 1 != 0 && CTRL::EN_XTAL.is_set(self.entry(i)))
    }

    /// A peripheral event (`MCU_PDC_TRIGGER_*` & 0x1f: 0 TIMER, 1 TIMER2, 2
    /// TIMER3, 3 TIMER4, 4 RTC alarm, 5 RTC timer, 8 XTAL32M ready, …)
    /// makes every matching entry pending.
    pub fn trigger(&mut self, id: u32, cx: &mut Context<'_>) {
        self.trigger_from(TRIG_PERIPHERAL, id, cx);
    }

    /// An event of trigger group `select` (0 GPIO P0, 1 GPIO P1, 2
    /// peripherals, 3 master) with `id` (the pin, for GPIO) makes every
    /// matching entry pending.
    pub fn trigger_from(&mut self, select: u32, id: u32, cx: &mut Context<'_>) {
        for i in 0..ENTRIES {
            let e = self.entry(i);
            if CTRL::PDC_MASTER.get(e) != 0
                && CTRL::TRIG_SELECT.get(e) == select
                && CTRL::TRIG_ID.get(e) == id
            {
                self.pending |= 1 << i;
            }
        }
        self.update_irq(cx);
    }

    /// Acknowledge every pending entry of `master` (2: the CMAC, which
    /// acknowledges its wake-up entry itself on silicon); whether any was.
    pub fn acknowledge_master(&mut self, master: u32, cx: &mut Context<'_>) -> bool {
        let mine = self.by_master(master);
        self.pending &= !mine;
        self.update_irq(cx);
        mine != 0
    }

    fn by_master(&self, master: u32) -> u32 {
        (0..ENTRIES)
            .filter(|i| {
                self.pending >> i & 1 != 0 && CTRL::PDC_MASTER.get(self.entry(*i)) == master
            })
            .fold(0, |m, i| m | 1 << i)
    }

    fn update_irq(&mut self, cx: &mut Context<'_>) {
        self.regs.set(PDC_PENDING_REG::OFFSET, self.pending);
        self.regs
            .set(PDC_PENDING_CM33_REG::OFFSET, self.by_master(MASTER_M33));
        self.regs
            .set(PDC_PENDING_CMAC_REG::OFFSET, self.by_master(MASTER_CMAC));
        self.regs
            .set(PDC_PENDING_SNC_REG::OFFSET, self.by_master(3));
        cx.irqs.set(IRQ_PDC, self.by_master(MASTER_M33) != 0);
    }
}

impl Device for Pdc {
    fn name(&self) -> &'static str {
        "PDC"
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
            .write("PDC", &mut self.regs, offset, size, value)?;
        let idx = w.written & 0x1F;
        match w.offset {
            PDC_SET_PENDING_REG::OFFSET if idx < ENTRIES => self.pending |= 1 << idx,
            PDC_ACKNOWLEDGE_REG::OFFSET if idx < ENTRIES => self.pending &= !(1 << idx),
            _ => {}
        }
        self.update_irq(cx);
        Ok(())
    }

    fn reset(&mut self) {
        *self = Pdc::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mb4_periph::device::IrqLines;
    use mb4_periph::time::Instant;

    #[test]
    fn software_trigger_for_the_crystal() {
        let mut p = Pdc::new();
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::ZERO,
            irqs: &mut l,
        };
        // hal da1469x_pdc_add(MCU_PDC_TRIGGER_SW_TRIGGER, M33, EN_XTAL) at entry 0.
        let e = 2 | 15 << 2 | 1 << 11 | 1 << 7;
        p.write(0, 4, e, &mut cx).unwrap();
        p.write(PDC_SET_PENDING_REG::OFFSET, 4, 0, &mut cx).unwrap();
        assert!(p.wants_xtal());
        assert_eq!(p.read(PDC_PENDING_REG::OFFSET, 4, &mut cx).unwrap(), 1);
        assert_eq!(p.read(PDC_PENDING_CM33_REG::OFFSET, 4, &mut cx).unwrap(), 1);
        assert!(cx.irqs.is_high(IRQ_PDC));
        p.write(PDC_ACKNOWLEDGE_REG::OFFSET, 4, 0, &mut cx).unwrap();
        assert_eq!(p.pending(), 0);
        assert!(!cx.irqs.is_high(IRQ_PDC));
    }

    #[test]
    fn timer2_trigger_makes_its_entry_pending() {
        let mut p = Pdc::new();
        let mut l = IrqLines::default();
        let mut cx = Context {
            now: Instant::ZERO,
            irqs: &mut l,
        };
        p.write(4 * 3, 4, 2 | 1 << 2 | 1 << 11, &mut cx).unwrap();
        p.trigger(0, &mut cx);
        assert_eq!(p.pending(), 0, "TIMER is not TIMER2");
        p.trigger(1, &mut cx);
        assert_eq!(p.pending(), 1 << 3);
    }
}
