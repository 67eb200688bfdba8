//! One model per DA1469x register block, one file each, named after the block
//! in `DA1469xAB.h` so a grep for a register name lands on its model.
//!
//! Every block declares *all* registers of its header struct with
//! [`regmap!`](mb4_periph::regmap!). Fields with real behaviour get their
//! access mode (RW, RO, W1C…); the others are `Tag`: they keep what is written
//! and the write is reported (see [`Notes`]). Offsets the header does not
//! declare are refused with [`RegError::NoRegister`], which the bus reports
//! with the address (and the machine with the PC).

use mb4_periph::regmap::{RegError, Regs, Write};

pub mod anamisc_bif;
pub mod cache;
pub mod charger;
pub mod chip_version;
pub mod cmac;
pub mod crg_com;
pub mod crg_per;
pub mod crg_sys;
pub mod crg_top;
pub mod crg_xtal;
pub mod dma;
pub mod gpadc;
pub mod gpio;
pub mod gpreg;
pub mod i2c;
pub mod lcdc;
pub mod memctrl;
pub mod otpc;
pub mod pdc;
pub mod qspic;
pub mod rtc;
pub mod spi;
pub mod sys_wdog;
pub mod timer;
pub mod trng;
pub mod uart;
pub mod wakeup;

/// A write that changed bits whose behaviour is not modelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmodelled {
    /// Block name (`CRG_TOP`).
    pub block: &'static str,
    /// Register name (`BOD_CTRL_REG`).
    pub register: &'static str,
    /// Byte offset of the register in its block.
    pub offset: u32,
    /// Names of the tag fields that changed (empty: a register with no field declared).
    pub fields: Vec<&'static str>,
    /// The register's new value.
    pub value: u32,
}

/// Reports a block collects for the machine to print; drained after each access.
#[derive(Debug, Default, Clone)]
pub struct Notes {
    pending: Vec<Unmodelled>,
}

impl Notes {
    /// Take what was collected.
    pub fn drain(&mut self) -> Vec<Unmodelled> {
        std::mem::take(&mut self.pending)
    }

    /// Whether nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Apply a software write to `regs`, noting changes of unmodelled bits.
    pub fn write(
        &mut self,
        block: &'static str,
        regs: &mut Regs,
        offset: u32,
        size: u8,
        value: u32,
    ) -> Result<Write, RegError> {
        let w = regs.write(offset, size, value)?;
        let def = regs
            .def(offset)
            .expect("write succeeded, so the register exists");
        if w.unmodelled != 0 || (def.fields.is_empty() && w.written != w.old) {
            let fields = def
                .fields
                .iter()
                .filter(|f| f.mask() & w.unmodelled != 0)
                .map(|f| f.name)
                .collect();
            self.pending.push(Unmodelled {
                block,
                register: def.name,
                offset: def.offset,
                fields,
                value: w.written,
            });
        }
        Ok(w)
    }
}

/// A block whose registers only keep what software writes (enables,
/// dividers, trims): no behaviour beyond the access rules of its table.
#[derive(Debug, Clone)]
pub struct Plain {
    name: &'static str,
    /// The registers.
    pub regs: Regs,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
}

impl Plain {
    /// A block named `name` (as in `DA1469xAB.h`) with the table `block`.
    pub fn new(name: &'static str, block: &'static [mb4_periph::regmap::RegDef]) -> Plain {
        Plain {
            name,
            regs: Regs::new(block),
            notes: Notes::default(),
        }
    }
}

impl mb4_periph::device::Device for Plain {
    fn name(&self) -> &'static str {
        self.name
    }

    fn read(
        &mut self,
        offset: u32,
        size: u8,
        _cx: &mut mb4_periph::device::Context<'_>,
    ) -> Result<u32, RegError> {
        self.regs.read(offset, size)
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        _cx: &mut mb4_periph::device::Context<'_>,
    ) -> Result<(), RegError> {
        self.notes
            .write(self.name, &mut self.regs, offset, size, value)?;
        Ok(())
    }

    fn reset(&mut self) {
        self.regs.reset();
    }
}
