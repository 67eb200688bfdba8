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

/// Which enabled MPU regions hold an address.
enum Hit {
    None,
    One(usize),
    /// Two or more: always a fault in PMSAv8.
    Overlap,
}

/// What the MPU grants at an address (the answer TT reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Attributes {
    /// The one region that matched, if the MPU was consulted and exactly one did.
    pub region: Option<u8>,
    pub read: bool,
    pub write: bool,
}

impl Cpu {
    /// Whether the MPU checks accesses now: enabled, and not disabled for
    /// negative priorities (HardFault, NMI, FAULTMASK) by HFNMIENA = 0.
    #[inline(always)]
    pub(crate) fn mpu_on(&self) -> bool {
        self.sys.mpu.ctrl & CTRL_ENABLE != 0
    }

    /// Whether an enabled MPU is bypassed because the priority is negative
    /// and HFNMIENA is clear (`negative`: the priority of the access's context).
    fn mpu_bypassed(&self, negative: bool) -> bool {
        negative && self.sys.mpu.ctrl & CTRL_HFNMIENA == 0
    }

    fn region_hit(&self, addr: u32) -> Hit {
        let mut hit = Hit::None;
        for (i, (&rbar, &rlar)) in self.sys.mpu.rbar.iter().zip(&self.sys.mpu.rlar).enumerate() {
            if rlar & 1 == 0 {
                continue;
            }
            let base = rbar & !0x1f;
            let limit = rlar | 0x1f;
            if addr >= base && addr <= limit {
                if !matches!(hit, Hit::None) {
                    return Hit::Overlap;
                }
                hit = Hit::One(i);
            }
        }
        hit
    }

    /// MPUCheck for one access by the core in its current state; a violation
    /// is a MemManage fault.
    #[inline(never)]
    pub(crate) fn mpu_check(&self, addr: u32, access: Access) -> Result<(), Fault> {
        let negative = self.sys.mpu.ctrl & CTRL_HFNMIENA == 0 && self.execution_priority() < 0;
        self.mpu_check_as(addr, access, self.privileged(), negative)
    }

    /// MPUCheck on behalf of a context that is not (or no longer) the current
    /// one: lazy FP state preservation writes with the privilege and priority
    /// recorded in FPCCR when the frame was reserved.
    pub(crate) fn mpu_check_as(
        &self,
        addr: u32,
        access: Access,
        privileged: bool,
        negative: bool,
    ) -> Result<(), Fault> {
        if self.mpu_bypassed(negative) || crate::system::is_ppb(addr) {
            // Negative priority without HFNMIENA, or the system space: the
            // MPU does not apply.
            return Ok(());
        }
        let ctrl = self.sys.mpu.ctrl;
        let ok = match self.region_hit(addr) {
            Hit::Overlap => false,
            Hit::None => {
                privileged
                    && ctrl & CTRL_PRIVDEFENA != 0
                    && !(access == Access::Execute && default_xn(addr))
            }
            Hit::One(i) => {
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

    /// The MPU's view of `addr` for data accesses at `privileged` (TT's
    /// MREGION/MRVALID/R/RW). The region is reported only when the MPU is
    /// consulted and exactly one region matches; with the MPU off or bypassed,
    /// in the system space, and through the background region (PRIVDEFENA) the
    /// default memory map grants read and write.
    pub(crate) fn mpu_attributes(&self, addr: u32, privileged: bool) -> Attributes {
        let open = Attributes {
            region: None,
            read: true,
            write: true,
        };
        let negative = self.execution_priority() < 0;
        if !self.mpu_on() || self.mpu_bypassed(negative) || crate::system::is_ppb(addr) {
            return open;
        }
        let closed = Attributes {
            region: None,
            read: false,
            write: false,
        };
        match self.region_hit(addr) {
            Hit::Overlap => closed,
            Hit::None if privileged && self.sys.mpu.ctrl & CTRL_PRIVDEFENA != 0 => open,
            Hit::None => closed,
            Hit::One(i) => {
                let ap = (self.sys.mpu.rbar[i] >> 1) & 3;
                let read = privileged || ap & 1 != 0;
                Attributes {
                    region: Some(i as u8),
                    read,
                    write: read && ap & 2 == 0,
                }
            }
        }
    }
}

fn violation(addr: u32, access: Access) -> Fault {
    match access {
        Access::Execute => Fault::MemManageFetch { addr },
        _ => Fault::MemManageData { addr },
    }
}
