//! The ARMv8-M protected memory system architecture (PMSAv8): access checks
//! against the MPU regions (ARMv8-M ARM B3.9 "Memory protection", pseudocode
//! MPUCheck). Regions are [RBAR.BASE, RLAR.LIMIT | 0x1f]; an address in two
//! enabled regions, or in none without PRIVDEFENA, faults.

use crate::cpu::Cpu;
use crate::exception::Fault;

/// The kind of access being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    Execute,
}

const CTRL_ENABLE: u32 = 1;
const CTRL_HFNMIENA: u32 = 2;
const CTRL_PRIVDEFENA: u32 = 4;

/// Execute-never regions of the default memory map: peripherals, devices, system.
fn default_xn(addr: u32) -> bool {
    matches!(addr >> 28, 0x4 | 0x5 | 0xa..=0xf)
}

impl Cpu {
    /// Whether the MPU checks accesses now: enabled, and not disabled for
    /// negative priorities (HardFault, NMI, FAULTMASK) by HFNMIENA = 0.
    #[inline(always)]
    pub(crate) fn mpu_on(&self) -> bool {
        self.sys.mpu.ctrl & CTRL_ENABLE != 0
    }

    /// MPUCheck for one access by the core; a violation is a MemManage fault.
    #[inline(never)]
    pub(crate) fn mpu_check(&self, addr: u32, access: Access) -> Result<(), Fault> {
        let ctrl = self.sys.mpu.ctrl;
        if ctrl & CTRL_HFNMIENA == 0 && self.execution_priority() < 0 {
            return Ok(());
        }
        if crate::system::is_ppb(addr) {
            return Ok(()); // the system space is not subject to the MPU
        }
        let privileged = self.ipsr != 0 || self.control & 1 == 0;
        let mut hit = None;
        for (i, (&rbar, &rlar)) in self.sys.mpu.rbar.iter().zip(&self.sys.mpu.rlar).enumerate() {
            if rlar & 1 == 0 {
                continue;
            }
            let base = rbar & !0x1f;
            let limit = rlar | 0x1f;
            if addr >= base && addr <= limit {
                if hit.is_some() {
                    return Err(violation(addr, access)); // overlapping regions
                }
                hit = Some(i);
            }
        }
        let ok = match hit {
            None => {
                privileged
                    && ctrl & CTRL_PRIVDEFENA != 0
                    && !(access == Access::Execute && default_xn(addr))
            }
            Some(i) => {
                let rbar = self.sys.mpu.rbar[i];
                let ap = (rbar >> 1) & 3;
                let read_only = ap & 2 != 0;
                let any_privilege = ap & 1 != 0;
                (privileged || any_privilege)
                    && match access {
                        Access::Read => true,
                        Access::Write => !read_only,
                        Access::Execute => rbar & 1 == 0 && !default_xn(addr),
                    }
            }
        };
        if ok {
            Ok(())
        } else {
            Err(violation(addr, access))
        }
    }
}

fn violation(addr: u32, access: Access) -> Fault {
    match access {
        Access::Execute => Fault::MemManageFetch { addr },
        _ => Fault::MemManageData { addr },
    }
}
