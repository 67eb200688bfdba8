//! The core's own memory-mapped blocks on the Private Peripheral Bus
//! (0xE000_0000..0xE010_0000): NVIC, SCB, SysTick, MPU, DWT, FPU control.
//! Addresses and bit names: ARMv8-M ARM (DDI0553) chapter D1 "Register
//! specification" and the Cortex-M33 TRM.
//!
//! Accesses are word-based; a byte or halfword access reads or writes the lanes
//! it covers (the priority registers are byte-accessible this way).

pub mod mpu;
pub mod nvic;
pub mod systick;

use crate::bus::Size;
use crate::cpu::{Config, Cpu, exc};
use nvic::Nvic;
use systick::SysTick;

pub const PPB_START: u32 = 0xe000_0000;
pub const PPB_END: u32 = 0xe010_0000;

/// Whether `addr` is on the core's Private Peripheral Bus.
#[inline(always)]
pub fn is_ppb(addr: u32) -> bool {
    (PPB_START..PPB_END).contains(&addr)
}

// CFSR bits (UFSR << 16, BFSR << 8, MMFSR).
pub const CFSR_IACCVIOL: u32 = 1 << 0;
pub const CFSR_DACCVIOL: u32 = 1 << 1;
pub const CFSR_MLSPERR: u32 = 1 << 5;
pub const CFSR_MMARVALID: u32 = 1 << 7;
pub const CFSR_IBUSERR: u32 = 1 << 8;
pub const CFSR_PRECISERR: u32 = 1 << 9;
pub const CFSR_UNSTKERR: u32 = 1 << 11;
pub const CFSR_STKERR: u32 = 1 << 12;
pub const CFSR_LSPERR: u32 = 1 << 13;
pub const CFSR_BFARVALID: u32 = 1 << 15;
pub const CFSR_UNDEFINSTR: u32 = 1 << 16;
pub const CFSR_INVSTATE: u32 = 1 << 17;
pub const CFSR_INVPC: u32 = 1 << 18;
pub const CFSR_NOCP: u32 = 1 << 19;
pub const CFSR_STKOF: u32 = 1 << 20;
pub const CFSR_UNALIGNED: u32 = 1 << 24;
pub const CFSR_DIVBYZERO: u32 = 1 << 25;
pub const HFSR_VECTTBL: u32 = 1 << 1;
pub const HFSR_FORCED: u32 = 1 << 30;

// FPCCR bits (ARMv8-M ARM D1.2.99). Without the Security Extension S, SFRDY,
// TS, CLRONRET(S) and LSPENS are RES0.
pub const FPCCR_LSPACT: u32 = 1 << 0;
pub const FPCCR_USER: u32 = 1 << 1;
pub const FPCCR_THREAD: u32 = 1 << 3;
pub const FPCCR_HFRDY: u32 = 1 << 4;
pub const FPCCR_MMRDY: u32 = 1 << 5;
pub const FPCCR_BFRDY: u32 = 1 << 6;
pub const FPCCR_MONRDY: u32 = 1 << 8;
pub const FPCCR_SPLIMVIOL: u32 = 1 << 9;
pub const FPCCR_UFRDY: u32 = 1 << 10;
pub const FPCCR_LSPEN: u32 = 1 << 30;
pub const FPCCR_ASPEN: u32 = 1 << 31;
/// Every implemented FPCCR bit is read/write (software may even set LSPACT).
const FPCCR_WRITABLE: u32 = FPCCR_LSPACT
    | FPCCR_USER
    | FPCCR_THREAD
    | FPCCR_HFRDY
    | FPCCR_MMRDY
    | FPCCR_BFRDY
    | FPCCR_MONRDY
    | FPCCR_SPLIMVIOL
    | FPCCR_UFRDY
    | FPCCR_LSPEN
    | FPCCR_ASPEN;
pub const DEMCR_MON_EN: u32 = 1 << 16;

pub const CCR_UNALIGN_TRP: u32 = 1 << 3;
pub const CCR_DIV_0_TRP: u32 = 1 << 4;
pub const SCR_SLEEPONEXIT: u32 = 1 << 1;
pub const SCR_SEVONPEND: u32 = 1 << 4;

/// System Control Block and the other small register sets.
#[derive(Debug, Clone)]
pub struct Scb {
    pub vtor: u32,
    pub prigroup: u32,
    pub scr: u32,
    pub ccr: u32,
    pub cfsr: u32,
    pub hfsr: u32,
    pub dfsr: u32,
    pub mmfar: u32,
    pub bfar: u32,
    pub cpacr: u32,
    pub actlr: u32,
    pub demcr: u32,
}

/// MPU registers (v8-M PMSA), enforced by [`mpu`].
#[derive(Debug, Clone)]
pub struct Mpu {
    pub ctrl: u32,
    pub rnr: u32,
    pub rbar: Vec<u32>,
    pub rlar: Vec<u32>,
    pub mair: [u32; 2],
}

/// FPU control registers.
#[derive(Debug, Clone)]
pub struct FpuCtl {
    pub fpccr: u32,
    pub fpcar: u32,
    pub fpdscr: u32,
}

/// DWT: the cycle counter.
#[derive(Debug, Clone, Default)]
pub struct Dwt {
    pub ctrl: u32,
    /// CYCCNT = cycles - `cyc_base` while counting; the frozen value otherwise.
    pub cyc_base: u64,
    pub cyc_frozen: u32,
}

/// Everything on the PPB.
#[derive(Debug, Clone)]
pub struct System {
    pub nvic: Nvic,
    pub systick: SysTick,
    pub scb: Scb,
    pub mpu: Mpu,
    pub fpu: FpuCtl,
    pub dwt: Dwt,
    /// Accesses to PPB addresses nothing models (reads as zero): count and last address.
    pub unmodelled: (u64, u32),
}

impl System {
    pub fn new(config: &Config) -> System {
        let regions = usize::from(config.mpu_regions);
        System {
            nvic: Nvic::new(config.num_irq, config.prio_bits),
            systick: SysTick::new(config.systick_ext_divider),
            scb: Scb {
                vtor: 0,
                prigroup: 0,
                scr: 0,
                // v8-M: STKALIGN (bit 9) and bit 0 are RES1.
                ccr: 0x201,
                cfsr: 0,
                hfsr: 0,
                dfsr: 0,
                mmfar: 0,
                bfar: 0,
                cpacr: 0,
                actlr: 0,
                demcr: 0,
            },
            mpu: Mpu {
                ctrl: 0,
                rnr: 0,
                rbar: vec![0; regions],
                rlar: vec![0; regions],
                mair: [0; 2],
            },
            // Cortex-M33 reset: automatic and lazy FP state preservation on.
            fpu: FpuCtl {
                fpccr: FPCCR_ASPEN | FPCCR_LSPEN,
                fpcar: 0,
                fpdscr: 0,
            },
            dwt: Dwt::default(),
            unmodelled: (0, 0),
        }
    }
}

const DWT_CYCCNTENA: u32 = 1;
const DEMCR_TRCENA: u32 = 1 << 24;

impl Cpu {
    fn dwt_counting(&self) -> bool {
        self.sys.dwt.ctrl & DWT_CYCCNTENA != 0 && self.sys.scb.demcr & DEMCR_TRCENA != 0
    }

    fn cyccnt(&self) -> u32 {
        if self.dwt_counting() {
            self.cycles.wrapping_sub(self.sys.dwt.cyc_base) as u32
        } else {
            self.sys.dwt.cyc_frozen
        }
    }

    /// Freezes or restarts CYCCNT around a change of its enables.
    fn dwt_update<F: FnOnce(&mut Cpu)>(&mut self, change: F) {
        let value = self.cyccnt();
        change(self);
        self.set_cyccnt(value);
    }

    fn set_cyccnt(&mut self, value: u32) {
        self.sys.dwt.cyc_frozen = value;
        self.sys.dwt.cyc_base = self.cycles.wrapping_sub(u64::from(value));
    }

    /// Reads a PPB register (any size; lanes of the containing word).
    #[inline(never)]
    pub(crate) fn ppb_read(&mut self, addr: u32, size: Size) -> u32 {
        let word = self.ppb_read_word(addr & !3);
        let shift = (addr & 3) * 8;
        let v = word >> shift;
        match size {
            Size::Byte => v & 0xff,
            Size::Half => v & 0xffff,
            Size::Word => v,
        }
    }

    /// Writes a PPB register: `value` is placed in the lanes it covers.
    #[inline(never)]
    pub(crate) fn ppb_write(&mut self, addr: u32, size: Size, value: u32) {
        let shift = (addr & 3) * 8;
        let mask = match size {
            Size::Byte => 0xffu32,
            Size::Half => 0xffff,
            Size::Word => 0xffff_ffff,
        } << shift;
        self.ppb_write_word(addr & !3, (value << shift) & mask, mask);
        self.attention = true;
    }

    fn shcsr(&self) -> u32 {
        let n = &self.sys.nvic;
        let mut v = 0;
        let bits = [
            (exc::MEM_MANAGE, 0),
            (exc::BUS_FAULT, 1),
            (exc::HARD_FAULT, 2),
            (exc::USAGE_FAULT, 3),
            (exc::SVCALL, 7),
            (exc::DEBUG_MONITOR, 8),
            (exc::PENDSV, 10),
            (exc::SYSTICK, 11),
        ];
        for (e, b) in bits {
            if n.active[e as usize] {
                v |= 1 << b;
            }
        }
        for (e, b) in [
            (exc::USAGE_FAULT, 12),
            (exc::MEM_MANAGE, 13),
            (exc::BUS_FAULT, 14),
            (exc::SVCALL, 15),
        ] {
            if n.pending[e as usize] {
                v |= 1 << b;
            }
        }
        for (e, b) in [
            (exc::MEM_MANAGE, 16),
            (exc::BUS_FAULT, 17),
            (exc::USAGE_FAULT, 18),
        ] {
            if n.enabled[e as usize] {
                v |= 1 << b;
            }
        }
        v
    }

    fn icsr(&self) -> u32 {
        let n = &self.sys.nvic;
        let mut v = self.ipsr & 0x1ff;
        let others = n
            .active
            .iter()
            .enumerate()
            .filter(|&(e, &a)| a && e as u32 != self.ipsr)
            .count();
        if others == 0 {
            v |= 1 << 11; // RETTOBASE
        }
        if let Some(e) = self.highest_pending() {
            v |= (e & 0x1ff) << 12;
        }
        if n.pending[16..].iter().any(|&p| p) {
            v |= 1 << 22;
        }
        if n.pending[exc::SYSTICK as usize] {
            v |= 1 << 26;
        }
        if n.pending[exc::PENDSV as usize] {
            v |= 1 << 28;
        }
        if n.pending[exc::NMI as usize] {
            v |= 1 << 31;
        }
        v
    }

    fn ppb_read_word(&mut self, a: u32) -> u32 {
        let now = self.cycles;
        let nirq = self.sys.nvic.count - 16;
        match a {
            0xe000_e004 => nirq.div_ceil(32).saturating_sub(1),
            0xe000_e008 => self.sys.scb.actlr,
            0xe000_e010 => self.sys.systick.read_csr(),
            0xe000_e014 => self.sys.systick.rvr,
            0xe000_e018 => self.sys.systick.current(now),
            0xe000_e01c => self.config.systick_calib,
            0xe000_e100..=0xe000_e3ff => {
                let bank = (a & 0x7f) / 4;
                let group = (a - 0xe000_e100) / 0x80;
                let mut v = 0;
                for bit in 0..32 {
                    let e = 16 + bank * 32 + bit;
                    if e >= self.sys.nvic.count {
                        break;
                    }
                    let e = e as usize;
                    let set = match group {
                        0 | 1 => self.sys.nvic.enabled[e],
                        2 | 3 => self.sys.nvic.pending[e],
                        4 => self.sys.nvic.active[e],
                        _ => false, // ITNS: no Security Extension
                    };
                    v |= u32::from(set) << bit;
                }
                v
            }
            0xe000_e400..=0xe000_e5ef => {
                let mut v = 0;
                for i in 0..4 {
                    let e = 16 + (a - 0xe000_e400) + i;
                    if e < self.sys.nvic.count {
                        v |= u32::from(self.sys.nvic.prio[e as usize]) << (8 * i);
                    }
                }
                v
            }
            0xe000_ed00 => self.config.cpuid,
            0xe000_ed04 => self.icsr(),
            0xe000_ed08 => self.sys.scb.vtor,
            0xe000_ed0c => 0xfa05_0000 | (self.sys.scb.prigroup << 8),
            0xe000_ed10 => self.sys.scb.scr,
            0xe000_ed14 => self.sys.scb.ccr,
            0xe000_ed18..=0xe000_ed20 => {
                let mut v = 0;
                for i in 0..4 {
                    let e = 4 + (a - 0xe000_ed18) + i;
                    v |= u32::from(self.sys.nvic.prio[e as usize]) << (8 * i);
                }
                v
            }
            0xe000_ed24 => self.shcsr(),
            0xe000_ed28 => self.sys.scb.cfsr,
            0xe000_ed2c => self.sys.scb.hfsr,
            0xe000_ed30 => self.sys.scb.dfsr,
            0xe000_ed34 => self.sys.scb.mmfar,
            0xe000_ed38 => self.sys.scb.bfar,
            0xe000_ed3c => 0,
            0xe000_ed40..=0xe000_ed74 => self.config.id_regs[((a - 0xe000_ed40) / 4) as usize],
            0xe000_ed88 => self.sys.scb.cpacr,
            0xe000_ed90 => u32::from(self.config.mpu_regions) << 8,
            0xe000_ed94 => self.sys.mpu.ctrl,
            0xe000_ed98 => self.sys.mpu.rnr,
            0xe000_ed9c | 0xe000_eda4 | 0xe000_edac | 0xe000_edb4 => {
                let r = self.mpu_region(a, 0xe000_ed9c);
                self.sys.mpu.rbar.get(r).copied().unwrap_or(0)
            }
            0xe000_eda0 | 0xe000_eda8 | 0xe000_edb0 | 0xe000_edb8 => {
                let r = self.mpu_region(a, 0xe000_eda0);
                self.sys.mpu.rlar.get(r).copied().unwrap_or(0)
            }
            0xe000_edc0 => self.sys.mpu.mair[0],
            0xe000_edc4 => self.sys.mpu.mair[1],
            0xe000_edf0 => 0, // DHCSR: no debugger attached
            0xe000_edfc => self.sys.scb.demcr,
            0xe000_ef34 => self.sys.fpu.fpccr,
            0xe000_ef38 => self.sys.fpu.fpcar,
            0xe000_ef3c => self.sys.fpu.fpdscr,
            0xe000_ef40 => 0x1011_0021, // MVFR0: single precision, 16 D/32 S registers
            0xe000_ef44 => 0x1100_0011, // MVFR1: FMA, FP16 conversion, FTZ/default NaN
            0xe000_ef48 => 0x0000_0040, // MVFR2: VRINT/VSEL/VMAXNM family
            0xe000_1000 => 0x4000_0000 | self.sys.dwt.ctrl, // NUMCOMP = 4
            0xe000_1004 => self.cyccnt(),
            _ => {
                self.sys.unmodelled = (self.sys.unmodelled.0 + 1, a);
                0
            }
        }
    }

    fn mpu_region(&self, a: u32, base: u32) -> usize {
        let alias = (a - base) / 8;
        let rnr = self.sys.mpu.rnr as usize;
        if alias == 0 {
            rnr
        } else {
            (rnr & !3) + alias as usize
        }
    }

    fn ppb_write_word(&mut self, a: u32, v: u32, mask: u32) {
        let now = self.cycles;
        match a {
            0xe000_e008 => self.sys.scb.actlr = v,
            0xe000_e010 => self.sys.systick.write_csr(now, v),
            0xe000_e014 => self.sys.systick.write_rvr(now, v),
            0xe000_e018 => self.sys.systick.write_cvr(now),
            0xe000_e100..=0xe000_e2ff => {
                let bank = (a & 0x7f) / 4;
                let group = (a - 0xe000_e100) / 0x80;
                for bit in 0..32 {
                    let e = 16 + bank * 32 + bit;
                    if e >= self.sys.nvic.count || v & (1 << bit) == 0 {
                        continue;
                    }
                    let e = e as usize;
                    match group {
                        0 => self.sys.nvic.enabled[e] = true,
                        1 => self.sys.nvic.enabled[e] = false,
                        2 => self.sys.nvic.pending[e] = true,
                        _ => self.sys.nvic.pending[e] = false,
                    }
                }
            }
            0xe000_e400..=0xe000_e5ef => {
                let pm = self.sys.nvic.prio_mask;
                for i in 0..4 {
                    let e = 16 + (a - 0xe000_e400) + i;
                    if mask & (0xff << (8 * i)) != 0 && e < self.sys.nvic.count {
                        self.sys.nvic.prio[e as usize] = (v >> (8 * i)) as u8 & pm;
                    }
                }
            }
            0xe000_ed04 => {
                let n = &mut self.sys.nvic;
                if v & (1 << 31) != 0 {
                    n.pending[exc::NMI as usize] = true;
                }
                if v & (1 << 28) != 0 {
                    n.pending[exc::PENDSV as usize] = true;
                } else if v & (1 << 27) != 0 {
                    n.pending[exc::PENDSV as usize] = false;
                }
                if v & (1 << 26) != 0 {
                    n.pending[exc::SYSTICK as usize] = true;
                } else if v & (1 << 25) != 0 {
                    n.pending[exc::SYSTICK as usize] = false;
                }
            }
            0xe000_ed08 => self.sys.scb.vtor = v & !0x7f,
            0xe000_ed0c => {
                if mask == 0xffff_ffff && v >> 16 == 0x05fa {
                    self.sys.scb.prigroup = (v >> 8) & 7;
                    if v & 4 != 0 {
                        self.reset_requested = true;
                    }
                }
            }
            0xe000_ed10 => self.sys.scb.scr = v & 0x1e,
            0xe000_ed14 => {
                // Writable: USERSETMPEND, UNALIGN_TRP, DIV_0_TRP, BFHFNMIGN,
                // STKOFHFNMIGN; RES1 kept.
                self.sys.scb.ccr = (self.sys.scb.ccr & !0x51a) | (v & 0x51a) | 0x201;
            }
            0xe000_ed18..=0xe000_ed20 => {
                let pm = self.sys.nvic.prio_mask;
                for i in 0..4 {
                    let e = 4 + (a - 0xe000_ed18) + i;
                    let fixed = matches!(e, 7..=10 | 13);
                    if mask & (0xff << (8 * i)) != 0 && !fixed {
                        self.sys.nvic.prio[e as usize] = (v >> (8 * i)) as u8 & pm;
                    }
                }
            }
            0xe000_ed24 => {
                let n = &mut self.sys.nvic;
                let w = |bit: u32| v & (1 << bit) != 0;
                n.active[exc::MEM_MANAGE as usize] = w(0);
                n.active[exc::BUS_FAULT as usize] = w(1);
                n.active[exc::USAGE_FAULT as usize] = w(3);
                n.active[exc::SVCALL as usize] = w(7);
                n.active[exc::DEBUG_MONITOR as usize] = w(8);
                n.active[exc::PENDSV as usize] = w(10);
                n.active[exc::SYSTICK as usize] = w(11);
                n.pending[exc::USAGE_FAULT as usize] = w(12);
                n.pending[exc::MEM_MANAGE as usize] = w(13);
                n.pending[exc::BUS_FAULT as usize] = w(14);
                n.pending[exc::SVCALL as usize] = w(15);
                n.enabled[exc::MEM_MANAGE as usize] = w(16);
                n.enabled[exc::BUS_FAULT as usize] = w(17);
                n.enabled[exc::USAGE_FAULT as usize] = w(18);
            }
            0xe000_ed28 => self.sys.scb.cfsr &= !v,
            0xe000_ed2c => self.sys.scb.hfsr &= !v,
            0xe000_ed30 => self.sys.scb.dfsr &= !v,
            0xe000_ed34 => self.sys.scb.mmfar = v,
            0xe000_ed38 => self.sys.scb.bfar = v,
            0xe000_ed88 => self.sys.scb.cpacr = v & (0xf << 20),
            0xe000_ed94 => self.sys.mpu.ctrl = v & 7,
            0xe000_ed98 => self.sys.mpu.rnr = v & 0xff,
            0xe000_ed9c | 0xe000_eda4 | 0xe000_edac | 0xe000_edb4 => {
                let r = self.mpu_region(a, 0xe000_ed9c);
                if let Some(x) = self.sys.mpu.rbar.get_mut(r) {
                    *x = v;
                }
            }
            0xe000_eda0 | 0xe000_eda8 | 0xe000_edb0 | 0xe000_edb8 => {
                let r = self.mpu_region(a, 0xe000_eda0);
                if let Some(x) = self.sys.mpu.rlar.get_mut(r) {
                    *x = v;
                }
            }
            0xe000_edc0 => self.sys.mpu.mair[0] = v,
            0xe000_edc4 => self.sys.mpu.mair[1] = v,
            0xe000_edfc => self.dwt_update(|c| c.sys.scb.demcr = v),
            0xe000_ef00 => {
                let e = 16 + (v & 0x1ff);
                self.sys.nvic.set_pending(e);
            }
            0xe000_ef34 => {
                self.sys.fpu.fpccr = ((self.sys.fpu.fpccr & !mask) | v) & FPCCR_WRITABLE;
            }
            0xe000_ef38 => self.sys.fpu.fpcar = v & !7,
            0xe000_ef3c => self.sys.fpu.fpdscr = v & 0x07c0_0000,
            0xe000_1000 => self.dwt_update(|c| c.sys.dwt.ctrl = v & 0x1fff),
            0xe000_1004 => self.set_cyccnt(v),
            _ => self.sys.unmodelled = (self.sys.unmodelled.0 + 1, a),
        }
    }
}
