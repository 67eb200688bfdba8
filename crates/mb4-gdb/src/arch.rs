//! The ARMv8-M Mainline register file as GDB sees it: our own target
//! description and the `g`/`G` layout that follows from it.
//!
//! Register numbers are ours, in the order of the description below (GDB
//! takes `regnum`s from it): r0..r15, xpsr, then the system registers, then
//! the FPU's double view d0..d15 (GDB derives s0..s31 from them) and fpscr.

use gdbstub::arch::{Arch, RegId, Registers};
use mb4_armv8m::Reg;
use std::num::NonZeroUsize;

/// Our target description: the features GDB's ARM back end knows for an
/// M-profile core with an FPU (`org.gnu.gdb.arm.m-profile`, `.m-system`,
/// `.vfp`).
pub const TARGET_XML: &str = r#"<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
  <architecture>arm</architecture>
  <feature name="org.gnu.gdb.arm.m-profile">
    <reg name="r0" bitsize="32" regnum="0"/>
    <reg name="r1" bitsize="32"/>
    <reg name="r2" bitsize="32"/>
    <reg name="r3" bitsize="32"/>
    <reg name="r4" bitsize="32"/>
    <reg name="r5" bitsize="32"/>
    <reg name="r6" bitsize="32"/>
    <reg name="r7" bitsize="32"/>
    <reg name="r8" bitsize="32"/>
    <reg name="r9" bitsize="32"/>
    <reg name="r10" bitsize="32"/>
    <reg name="r11" bitsize="32"/>
    <reg name="r12" bitsize="32"/>
    <reg name="sp" bitsize="32" type="data_ptr"/>
    <reg name="lr" bitsize="32"/>
    <reg name="pc" bitsize="32" type="code_ptr"/>
    <reg name="xpsr" bitsize="32"/>
  </feature>
  <feature name="org.gnu.gdb.arm.m-system">
    <reg name="msp" bitsize="32" type="data_ptr"/>
    <reg name="psp" bitsize="32" type="data_ptr"/>
    <reg name="primask" bitsize="32" type="int" group="system"/>
    <reg name="basepri" bitsize="32" type="int" group="system"/>
    <reg name="faultmask" bitsize="32" type="int" group="system"/>
    <reg name="control" bitsize="32" type="int" group="system"/>
  </feature>
  <feature name="org.gnu.gdb.arm.vfp">
    <reg name="d0" bitsize="64" type="ieee_double"/>
    <reg name="d1" bitsize="64" type="ieee_double"/>
    <reg name="d2" bitsize="64" type="ieee_double"/>
    <reg name="d3" bitsize="64" type="ieee_double"/>
    <reg name="d4" bitsize="64" type="ieee_double"/>
    <reg name="d5" bitsize="64" type="ieee_double"/>
    <reg name="d6" bitsize="64" type="ieee_double"/>
    <reg name="d7" bitsize="64" type="ieee_double"/>
    <reg name="d8" bitsize="64" type="ieee_double"/>
    <reg name="d9" bitsize="64" type="ieee_double"/>
    <reg name="d10" bitsize="64" type="ieee_double"/>
    <reg name="d11" bitsize="64" type="ieee_double"/>
    <reg name="d12" bitsize="64" type="ieee_double"/>
    <reg name="d13" bitsize="64" type="ieee_double"/>
    <reg name="d14" bitsize="64" type="ieee_double"/>
    <reg name="d15" bitsize="64" type="ieee_double"/>
    <reg name="fpscr" bitsize="32" type="int" group="float"/>
  </feature>
</target>
"#;

/// The 32-bit registers before the FPU's, in register-number order.
pub const WORD_REGS: [Reg; 23] = [
    Reg::R(0),
    Reg::R(1),
    Reg::R(2),
    Reg::R(3),
    Reg::R(4),
    Reg::R(5),
    Reg::R(6),
    Reg::R(7),
    Reg::R(8),
    Reg::R(9),
    Reg::R(10),
    Reg::R(11),
    Reg::R(12),
    Reg::R(13),
    Reg::R(14),
    Reg::R(15),
    Reg::Xpsr,
    Reg::Msp,
    Reg::Psp,
    Reg::Primask,
    Reg::Basepri,
    Reg::Faultmask,
    Reg::Control,
];
/// Register number of d0.
const D0: usize = WORD_REGS.len();
/// Register number of fpscr.
const FPSCR: usize = D0 + 16;

/// GDB's view of an M-profile core with FPv5-SP.
#[derive(Debug)]
pub enum ArmMProfile {}

impl Arch for ArmMProfile {
    type Usize = u32;
    type Registers = MRegisters;
    type BreakpointKind = usize;
    type RegId = MRegId;

    fn target_description_xml() -> Option<&'static str> {
        Some(TARGET_XML)
    }
}

/// All registers, as one `g` packet carries them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct MRegisters {
    /// [`WORD_REGS`] in order.
    pub words: [u32; 23],
    /// S0..S31 (d<n> = s<2n> | s<2n+1> << 32).
    pub s: [u32; 32],
    pub fpscr: u32,
}

impl Registers for MRegisters {
    type ProgramCounter = u32;

    fn pc(&self) -> u32 {
        self.words[15]
    }

    fn gdb_serialize(&self, mut write_byte: impl FnMut(Option<u8>)) {
        let mut put = |v: u32| {
            v.to_le_bytes()
                .into_iter()
                .for_each(|b| write_byte(Some(b)))
        };
        self.words.iter().for_each(|&w| put(w));
        self.s.iter().for_each(|&w| put(w));
        put(self.fpscr);
    }

    fn gdb_deserialize(&mut self, bytes: &[u8]) -> Result<(), ()> {
        let want = 4 * (self.words.len() + self.s.len() + 1);
        if bytes.len() != want {
            return Err(());
        }
        let mut words = bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        for w in self.words.iter_mut().chain(self.s.iter_mut()) {
            *w = words.next().ok_or(())?;
        }
        self.fpscr = words.next().ok_or(())?;
        Ok(())
    }
}

/// One register, for `p`/`P`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MRegId {
    /// A 32-bit core or system register.
    Word(Reg),
    /// D0..D15: two consecutive S registers.
    Double(u8),
}

impl MRegId {
    /// The register with GDB number `n`.
    pub fn from_number(n: usize) -> Option<MRegId> {
        match n {
            n if n < D0 => Some(MRegId::Word(WORD_REGS[n])),
            n if n < FPSCR => Some(MRegId::Double((n - D0) as u8)),
            FPSCR => Some(MRegId::Word(Reg::Fpscr)),
            _ => None,
        }
    }

    /// Size in bytes.
    pub fn size(self) -> usize {
        match self {
            MRegId::Word(_) => 4,
            MRegId::Double(_) => 8,
        }
    }
}

impl RegId for MRegId {
    fn from_raw_id(id: usize) -> Option<(Self, Option<NonZeroUsize>)> {
        let r = MRegId::from_number(id)?;
        Some((r, NonZeroUsize::new(r.size())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_names_every_register_once_in_number_order() {
        let names: Vec<&str> = TARGET_XML
            .split("<reg name=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap_or(""))
            .collect();
        assert_eq!(names.len(), FPSCR + 1);
        assert_eq!(names[15], "pc");
        assert_eq!(names[16], "xpsr");
        assert_eq!(names[17], "msp");
        assert_eq!(names[D0], "d0");
        assert_eq!(names[FPSCR], "fpscr");
        assert_eq!(MRegId::from_number(17), Some(MRegId::Word(Reg::Msp)));
        assert_eq!(MRegId::from_number(FPSCR + 1), None);
    }

    #[test]
    fn g_packet_round_trips_and_rejects_wrong_lengths() {
        let mut r = MRegisters::default();
        r.words[15] = 0x1000_0101;
        r.s[3] = 0x3f80_0000;
        r.fpscr = 0x0300_0000;
        let mut bytes = Vec::new();
        r.gdb_serialize(|b| bytes.push(b.unwrap_or(0)));
        assert_eq!(bytes.len(), 4 * (23 + 32 + 1));
        let mut back = MRegisters::default();
        back.gdb_deserialize(&bytes).expect("same length");
        assert_eq!(back, r);
        assert!(back.gdb_deserialize(&bytes[1..]).is_err());
        assert!(back.gdb_deserialize(&[]).is_err());
    }
}
