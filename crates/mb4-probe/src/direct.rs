//! Direct probes through probe-rs (cargo feature `probe-rs`): J-Link,
//! CMSIS-DAP v2, ST-Link and the other probes it drives over USB, with no
//! GDB server in between. Another [`Target`] implementation: everything
//! above this module (QSPI driver, loader, backups) works unchanged.
//!
//! probe-rs knows no DA1469x, so the family description
//! (`targets/DA1469x.yaml`, data with its sources) is added to its registry
//! at run time.

use std::time::Duration;

use probe_rs::probe::DebugProbeSelector;
use probe_rs::probe::list::Lister;
use probe_rs::{MemoryInterface, Permissions, RegisterId, Session, config::Registry};

use crate::{ProbeError, Registers, StopReason, Target};

/// The DA1469x family as probe-rs target data.
const FAMILY: &str = include_str!("../targets/DA1469x.yaml");

/// How long halting and resetting may take.
const HALT_TIMEOUT: Duration = Duration::from_millis(500);

/// A band on a USB debug probe.
pub struct DirectProbe {
    session: Session,
    name: String,
}

impl std::fmt::Debug for DirectProbe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectProbe")
            .field("name", &self.name)
            .finish()
    }
}

fn err(during: &str, e: impl std::fmt::Display) -> ProbeError {
    ProbeError::Direct {
        during: during.to_string(),
        message: e.to_string(),
    }
}

/// The probes attached to this computer, one line each ("VID:PID:SERIAL name").
pub fn list() -> Vec<String> {
    Lister::new()
        .list_all()
        .iter()
        .map(|p| {
            format!(
                "{:04x}:{:04x}{} {}",
                p.vendor_id,
                p.product_id,
                p.serial_number
                    .as_deref()
                    .map(|s| format!(":{s}"))
                    .unwrap_or_default(),
                p.identifier
            )
        })
        .collect()
}

impl DirectProbe {
    /// Open the probe `selector` names (`VID:PID` or `VID:PID:SERIAL`, or
    /// `auto` for the only one attached) and attach to `chip` (DA14697 on
    /// the Mi Band 4).
    pub fn open(selector: &str, chip: &str) -> Result<DirectProbe, ProbeError> {
        let wanted: Option<DebugProbeSelector> = match selector {
            "auto" => None,
            s => Some(s.parse().map_err(|e| {
                err(
                    "reading --probe",
                    format!("{s:?}: {e} (expected VID:PID[:SERIAL], or auto)"),
                )
            })?),
        };
        let probes = Lister::new().list_all();
        let info = match wanted {
            Some(wanted) => probes
                .into_iter()
                .find(|p| wanted.matches_probe(p))
                .ok_or_else(|| {
                    err(
                        "looking for a debug probe",
                        format!("no probe matches {selector}"),
                    )
                })?,
            None => match probes.as_slice() {
                [one] => one.clone(),
                [] => return Err(err("looking for a debug probe", "no USB debug probe found")),
                many => {
                    return Err(err(
                        "looking for a debug probe",
                        format!(
                            "{} probes attached; pick one with --probe VID:PID[:SERIAL] ({})",
                            many.len(),
                            list().join(", ")
                        ),
                    ));
                }
            },
        };
        let name = format!(
            "{} ({:04x}:{:04x})",
            info.identifier, info.vendor_id, info.product_id
        );
        let probe = info.open().map_err(|e| err("opening the probe", e))?;
        let mut registry = Registry::from_builtin_families();
        registry
            .add_target_family_from_yaml(FAMILY)
            .map_err(|e| err("loading the DA1469x target description", e))?;
        let session = probe
            .attach_with_registry(chip, Permissions::default(), &registry)
            .map_err(|e| err(&format!("attaching to the {chip}"), e))?;
        Ok(DirectProbe { session, name })
    }

    fn core(&mut self) -> Result<probe_rs::Core<'_>, ProbeError> {
        self.session
            .core(0)
            .map_err(|e| err("selecting the core", e))
    }
}

/// One access of `len` bytes if that is 1, 2 or 4 and aligned.
fn single(addr: u32, len: usize) -> Option<usize> {
    matches!(len, 1 | 2 | 4)
        .then_some(len)
        .filter(|&n| (addr as usize).is_multiple_of(n))
}

impl Target for DirectProbe {
    fn describe(&self) -> String {
        format!("probe-rs: {}", self.name)
    }

    fn read_memory(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), ProbeError> {
        let mut core = self.core()?;
        let a = u64::from(addr);
        let r = match single(addr, buf.len()) {
            Some(1) => core.read_word_8(a).map(|v| buf[0] = v),
            Some(2) => core
                .read_word_16(a)
                .map(|v| buf.copy_from_slice(&v.to_le_bytes())),
            Some(_) => core
                .read_word_32(a)
                .map(|v| buf.copy_from_slice(&v.to_le_bytes())),
            None => core.read_8(a, buf),
        };
        r.map_err(|e| ProbeError::Memory {
            addr,
            len: buf.len(),
            reason: Some(e.to_string()),
        })
    }

    fn write_memory(&mut self, addr: u32, data: &[u8]) -> Result<(), ProbeError> {
        let mut core = self.core()?;
        let a = u64::from(addr);
        let r = match single(addr, data.len()) {
            Some(1) => core.write_word_8(a, data[0]),
            Some(2) => core.write_word_16(a, u16::from_le_bytes([data[0], data[1]])),
            Some(_) => {
                core.write_word_32(a, u32::from_le_bytes([data[0], data[1], data[2], data[3]]))
            }
            None => core.write_8(a, data),
        };
        r.and_then(|()| core.flush())
            .map_err(|e| ProbeError::Memory {
                addr,
                len: data.len(),
                reason: Some(e.to_string()),
            })
    }

    fn halt(&mut self) -> Result<StopReason, ProbeError> {
        let mut core = self.core()?;
        if core
            .core_halted()
            .map_err(|e| err("reading the core state", e))?
        {
            return Ok(StopReason::Signal(5));
        }
        core.halt(HALT_TIMEOUT)
            .map_err(|e| err("halting the core", e))?;
        Ok(StopReason::Signal(2))
    }

    fn resume(&mut self) -> Result<(), ProbeError> {
        self.core()?.run().map_err(|e| err("resuming the core", e))
    }

    fn wait_for_halt(&mut self, limit: Duration) -> Result<StopReason, ProbeError> {
        match self.core()?.wait_for_core_halted(limit) {
            Ok(()) => Ok(StopReason::Signal(5)),
            Err(probe_rs::Error::Timeout) => Err(ProbeError::Timeout {
                during: "waiting for the core to stop".into(),
                after: limit,
            }),
            Err(e) => Err(err("waiting for the core to stop", e)),
        }
    }

    fn reset(&mut self, halt: bool) -> Result<(), ProbeError> {
        let mut core = self.core()?;
        if halt {
            core.reset_and_halt(HALT_TIMEOUT).map(|_| ())
        } else {
            core.reset()
        }
        .map_err(|e| err("resetting the chip", e))
    }

    fn read_registers(&mut self) -> Result<Registers, ProbeError> {
        let mut core = self.core()?;
        let mut regs = Registers::default();
        for (i, r) in regs.r.iter_mut().enumerate() {
            *r = core
                .read_core_reg(RegisterId(i as u16))
                .map_err(|e| err("reading the registers", e))?;
        }
        regs.xpsr = core.read_core_reg(RegisterId(0b1_0000)).ok();
        Ok(regs)
    }

    fn write_register(&mut self, n: u32, value: u32) -> Result<(), ProbeError> {
        // gdb's numbering: 0..=15 r0..pc, 25 xPSR; probe-rs's: 16 is xPSR.
        let id = match n {
            0..=15 => RegisterId(n as u16),
            crate::XPSR => RegisterId(0b1_0000),
            _ => {
                return Err(ProbeError::Unsupported {
                    command: format!("writing register {n}"),
                });
            }
        };
        self.core()?
            .write_core_reg(id, value)
            .map_err(|e| err("writing a register", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_rs_accepts_our_da1469x_description() {
        let mut registry = Registry::new();
        let family = registry
            .add_target_family_from_yaml(FAMILY)
            .expect("valid family YAML");
        assert_eq!(family, "DA1469x");
        for chip in ["DA14697", "DA14699"] {
            let t = registry.get_target_by_name(chip).expect(chip);
            assert_eq!(t.cores.len(), 1);
            let ram = t
                .memory_map
                .iter()
                .find_map(|r| match r {
                    probe_rs::config::MemoryRegion::Ram(r) => Some(r.range.clone()),
                    _ => None,
                })
                .expect("SysRAM");
            assert_eq!(ram, 0x2000_0000..0x2008_0000);
        }
    }

    #[test]
    fn selectors_are_checked_before_any_usb_access() {
        let e = DirectProbe::open("not-a-selector", "DA14697")
            .unwrap_err()
            .to_string();
        assert!(e.contains("VID:PID"), "{e}");
    }
}
