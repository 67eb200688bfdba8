//! Registers declared as data.
//!
//! A block is a list of [`RegDef`]s: offset, reset value and [`Field`]s, each
//! field with an [`Access`] mode. [`Regs`] holds the live values and applies
//! the access rules, so a model's code only says what *happens* when a field
//! changes. Bits that no field covers are reserved: they read as zero and
//! ignore writes. Fields that exist in silicon but whose behaviour is not
//! modelled are declared with [`Access::Tag`]: they keep what is written, and
//! the first write that changes one is reported, so nothing is silently faked.
//!
//! Declare a block with [`regmap!`](crate::regmap!), using `DA1469xAB.h` names:
//!
//! ```
//! mb4_periph::regmap! {
//!     /// TIMER registers (subset).
//!     pub mod timer {
//!         TIMER_CTRL_REG @ 0x00 = 0x0000_0000 {
//!             TIM_EN: 0..=0 RW,
//!             TIM_ONESHOT_MODE_EN: 1..=1 RW,
//!         }
//!         TIMER_STATUS_REG @ 0x0C = 0 {
//!             TIM_IRQ_STATUS: 0..=0 RO,
//!         }
//!     }
//! }
//! let mut regs = mb4_periph::regmap::Regs::new(timer::BLOCK);
//! regs.write(timer::TIMER_CTRL_REG::OFFSET, 4, 0xFFFF_FFFF).unwrap();
//! assert_eq!(regs.get(timer::TIMER_CTRL_REG::OFFSET), 0b11);
//! assert!(timer::TIMER_CTRL_REG::TIM_EN.is_set(regs.get(timer::TIMER_CTRL_REG::OFFSET)));
//! ```

/// How software may access a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Read and write.
    RW,
    /// Read only: writes are ignored (hardware updates it).
    RO,
    /// Write only: reads return zero.
    WO,
    /// Write 1 to clear; writing 0 leaves it.
    W1C,
    /// Write 1 to set; writing 0 leaves it (hardware clears it).
    W1S,
    /// Cleared by a read.
    RC,
    /// In silicon but not modelled: stores what is written, and the write is reported.
    Tag,
}

/// A bit field inside a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Name as in `DA1469xAB.h` (without the register prefix).
    pub name: &'static str,
    /// Lowest bit.
    pub lsb: u8,
    /// Width in bits (1..=32).
    pub width: u8,
    /// Access mode.
    pub access: Access,
}

impl Field {
    /// The field's bits in place.
    pub const fn mask(&self) -> u32 {
        let ones = if self.width >= 32 {
            u32::MAX
        } else {
            (1u32 << self.width) - 1
        };
        ones << self.lsb
    }

    /// The field's value in `reg`.
    pub const fn get(&self, reg: u32) -> u32 {
        (reg & self.mask()) >> self.lsb
    }

    /// `reg` with the field set to `value` (excess bits dropped).
    pub const fn set(&self, reg: u32, value: u32) -> u32 {
        (reg & !self.mask()) | ((value << self.lsb) & self.mask())
    }

    /// Whether a one-bit field (or any bit of a wider one) is set.
    pub const fn is_set(&self, reg: u32) -> bool {
        reg & self.mask() != 0
    }
}

/// One register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegDef {
    /// Name as in `DA1469xAB.h`.
    pub name: &'static str,
    /// Byte offset from the block base (a multiple of 4).
    pub offset: u32,
    /// Value after reset.
    pub reset: u32,
    /// The fields; bits outside all of them are reserved.
    pub fields: &'static [Field],
}

impl RegDef {
    fn mask_of(&self, pick: impl Fn(Access) -> bool) -> u32 {
        self.fields
            .iter()
            .filter(|f| pick(f.access))
            .fold(0, |m, f| m | f.mask())
    }

    /// Bits software can read (all but write-only and reserved).
    pub fn readable(&self) -> u32 {
        self.mask_of(|a| a != Access::WO)
    }
}

/// Why an access was refused. The bus turns these into loud reports with the PC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegError {
    /// No register at this offset.
    #[error("no register at offset {offset:#x}")]
    NoRegister {
        /// Byte offset within the block.
        offset: u32,
    },
    /// An access width the block does not take, or misaligned for it.
    #[error("{size}-byte access at offset {offset:#x} is not supported")]
    BadAccess {
        /// Byte offset within the block.
        offset: u32,
        /// Access size in bytes.
        size: u8,
    },
}

/// What a write did to a register, for the model to react to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Write {
    /// The register's offset.
    pub offset: u32,
    /// Value before the write.
    pub old: u32,
    /// Value after the access rules were applied.
    pub new: u32,
    /// The raw value software wrote (after merging sub-word writes), for
    /// command-like registers whose written bits matter, not the stored ones.
    pub written: u32,
    /// Tag fields whose stored value changed: behaviour not modelled.
    pub unmodelled: u32,
}

impl Write {
    /// Bits that changed.
    pub fn changed(&self) -> u32 {
        self.old ^ self.new
    }

    /// Whether `field` was written with a 1 in any of its bits.
    pub fn wrote_one(&self, field: Field) -> bool {
        self.written & field.mask() != 0
    }

    /// Whether `field` went from 0 to non-zero.
    pub fn rose(&self, field: Field) -> bool {
        !field.is_set(self.old) && field.is_set(self.new)
    }
}

/// Live register values of one block.
#[derive(Debug, Clone)]
pub struct Regs {
    defs: &'static [RegDef],
    values: Vec<u32>,
    /// `slot[offset / 4]` = index into `defs`, for O(1) lookup.
    slot: Vec<Option<u16>>,
    /// Each register's access masks, from its fields once (firmware polls
    /// status registers in tight loops).
    masks: Vec<Masks>,
}

/// The bits of one register each access rule applies to.
#[derive(Debug, Clone, Copy)]
struct Masks {
    readable: u32,
    read_clears: u32,
    plain: u32,
    w1c: u32,
    w1s: u32,
    tags: u32,
}

impl Masks {
    fn of(def: &RegDef) -> Masks {
        Masks {
            readable: def.readable(),
            read_clears: def.mask_of(|a| a == Access::RC),
            plain: def.mask_of(|a| matches!(a, Access::RW | Access::WO | Access::Tag)),
            w1c: def.mask_of(|a| a == Access::W1C),
            w1s: def.mask_of(|a| a == Access::W1S),
            tags: def.mask_of(|a| a == Access::Tag),
        }
    }
}

impl Regs {
    /// Registers at their reset values.
    pub fn new(defs: &'static [RegDef]) -> Regs {
        let span = defs.iter().map(|d| d.offset / 4 + 1).max().unwrap_or(0) as usize;
        let mut slot = vec![None; span];
        for (i, d) in defs.iter().enumerate() {
            debug_assert!(d.offset % 4 == 0, "{} is not word aligned", d.name);
            debug_assert!(
                slot[(d.offset / 4) as usize].is_none(),
                "{} overlaps",
                d.name
            );
            slot[(d.offset / 4) as usize] = Some(i as u16);
        }
        Regs {
            defs,
            values: defs.iter().map(|d| d.reset).collect(),
            slot,
            masks: defs.iter().map(Masks::of).collect(),
        }
    }

    /// Back to reset values.
    pub fn reset(&mut self) {
        for (v, d) in self.values.iter_mut().zip(self.defs) {
            *v = d.reset;
        }
    }

    /// The definitions.
    pub fn defs(&self) -> &'static [RegDef] {
        self.defs
    }

    fn index(&self, offset: u32) -> Result<usize, RegError> {
        self.slot
            .get((offset / 4) as usize)
            .copied()
            .flatten()
            .map(usize::from)
            .ok_or(RegError::NoRegister {
                offset: offset & !3,
            })
    }

    /// Definition of the register at `offset`, if any.
    pub fn def(&self, offset: u32) -> Option<&'static RegDef> {
        self.index(offset).ok().map(|i| &self.defs[i])
    }

    /// Current value, as hardware sees it (no access rules). Panics on a bad
    /// offset: models only pass offsets of registers they declared.
    pub fn get(&self, offset: u32) -> u32 {
        self.values[self
            .index(offset)
            .expect("model asked for an undeclared register")]
    }

    /// Set a value from the hardware side (status bits, counters), bypassing access rules.
    pub fn set(&mut self, offset: u32, value: u32) {
        let i = self
            .index(offset)
            .expect("model set an undeclared register");
        self.values[i] = value;
    }

    /// Set one field from the hardware side.
    pub fn set_field(&mut self, offset: u32, field: Field, value: u32) {
        let v = field.set(self.get(offset), value);
        self.set(offset, v);
    }

    /// A software read of `size` bytes (1, 2 or 4) at `offset`: applies write-only
    /// masking and read-to-clear, and returns the bytes shifted down.
    pub fn read(&mut self, offset: u32, size: u8) -> Result<u32, RegError> {
        check_size(offset, size)?;
        let i = self.index(offset)?;
        let m = self.masks[i];
        let value = self.values[i] & m.readable;
        self.values[i] &= !m.read_clears;
        Ok(extract(value, offset, size))
    }

    /// A software write of `size` bytes at `offset`. Sub-word writes merge into
    /// the current value. Returns what changed.
    pub fn write(&mut self, offset: u32, size: u8, value: u32) -> Result<Write, RegError> {
        check_size(offset, size)?;
        let i = self.index(offset)?;
        let def = &self.defs[i];
        let Masks {
            plain,
            w1c,
            w1s,
            tags,
            ..
        } = self.masks[i];
        let old = self.values[i];
        let written = merge(old, offset, size, value);
        let lane = lane_mask(offset, size);
        let new = (old & !(plain & lane)) | (written & plain & lane);
        let new = new & !(written & w1c & lane) | (written & w1s & lane);
        self.values[i] = new;
        Ok(Write {
            offset: def.offset,
            old,
            new,
            written,
            unmodelled: (old ^ new) & tags,
        })
    }
}

/// A register that software changes through a pair of write-only aliases:
/// writing ones to `set` sets those bits of `target`, writing ones to
/// `clear` clears them, and reading either alias returns `target` (the
/// `SET_*`/`RESET_*` registers of CRG_PER, CRG_COM and the pad latches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetClearAliases {
    /// The register that holds the bits.
    pub target: RegDef,
    /// Offset of the alias that sets bits.
    pub set: u32,
    /// Offset of the alias that clears bits.
    pub clear: u32,
}

impl SetClearAliases {
    /// Whether `offset` (any byte of it) falls on one of the aliases.
    pub fn is_alias(&self, offset: u32) -> bool {
        let word = offset & !3;
        word == self.set || word == self.clear
    }

    /// A software read: an alias reads back `target` (the alias itself is
    /// read first so its width and offset are checked as any register's).
    pub fn read(&self, regs: &mut Regs, offset: u32, size: u8) -> Result<u32, RegError> {
        if self.is_alias(offset) {
            regs.read(offset, size)?;
            regs.read(self.target.offset + (offset & 3), size)
        } else {
            regs.read(offset, size)
        }
    }

    /// After a software write `w`: if it hit an alias, apply it to `target`.
    /// Returns whether it did.
    pub fn apply(&self, regs: &mut Regs, w: &Write) -> bool {
        let bits = w.written & self.target.readable();
        let value = regs.get(self.target.offset);
        if w.offset == self.set {
            regs.set(self.target.offset, value | bits);
        } else if w.offset == self.clear {
            regs.set(self.target.offset, value & !bits);
        } else {
            return false;
        }
        true
    }
}

fn check_size(offset: u32, size: u8) -> Result<(), RegError> {
    match size {
        1 | 2 | 4 if offset.is_multiple_of(u32::from(size)) => Ok(()),
        _ => Err(RegError::BadAccess { offset, size }),
    }
}

fn lane_mask(offset: u32, size: u8) -> u32 {
    let ones = if size == 4 {
        u32::MAX
    } else {
        (1u32 << (size * 8)) - 1
    };
    ones << ((offset & 3) * 8)
}

fn extract(value: u32, offset: u32, size: u8) -> u32 {
    (value & lane_mask(offset, size)) >> ((offset & 3) * 8)
}

fn merge(old: u32, offset: u32, size: u8, value: u32) -> u32 {
    let lane = lane_mask(offset, size);
    (old & !lane) | ((value << ((offset & 3) * 8)) & lane)
}

/// Declare a register block. See the [module documentation](self) for an example.
///
/// Generates, inside `mod $block`: one module per register (named as in the
/// vendor header) with `OFFSET`, `RESET`, `DEF` and one [`Field`] constant per
/// field, and `BLOCK`, the slice of all [`RegDef`]s.
#[macro_export]
macro_rules! regmap {
    (
        $(#[$meta:meta])*
        $vis:vis mod $block:ident {
            $(
                $(#[$rmeta:meta])*
                $reg:ident @ $offset:literal = $reset:literal {
                    $( $field:ident : $lsb:literal ..= $msb:literal $access:ident ),* $(,)?
                }
            )*
        }
    ) => {
        $(#[$meta])*
        #[allow(non_snake_case, non_upper_case_globals, dead_code)]
        $vis mod $block {
            $(
                $(#[$rmeta])*
                pub mod $reg {
                    use $crate::regmap::{Access, Field, RegDef};
                    /// Byte offset from the block base.
                    pub const OFFSET: u32 = $offset;
                    /// Value after reset.
                    pub const RESET: u32 = $reset;
                    $(
                        #[doc = concat!("`", stringify!($field), "`: bits ", stringify!($msb), ":", stringify!($lsb), ", ", stringify!($access), ".")]
                        pub const $field: Field = Field {
                            name: stringify!($field),
                            lsb: $lsb,
                            width: $msb - $lsb + 1,
                            access: Access::$access,
                        };
                    )*
                    /// The register's definition.
                    pub const DEF: RegDef = RegDef {
                        name: stringify!($reg),
                        offset: $offset,
                        reset: $reset,
                        fields: &[$($field),*],
                    };
                }
            )*
            /// Every register of the block.
            pub const BLOCK: &[$crate::regmap::RegDef] = &[$($reg::DEF),*];
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::regmap! {
        mod demo {
            CTRL @ 0x00 = 0x0000_0010 {
                EN: 0..=0 RW,
                MODE: 4..=7 RW,
                SECRET: 8..=8 WO,
                TRIM: 16..=23 Tag,
            }
            STATUS @ 0x04 = 0x3 {
                READY: 0..=0 RO,
                IRQ: 1..=1 W1C,
                LATCH: 2..=2 RC,
                KICK: 3..=3 W1S,
            }
            DATA @ 0x10 = 0 {
                VALUE: 0..=31 RW,
            }
        }
    }

    #[test]
    fn reset_values_and_reserved_bits() {
        let mut r = Regs::new(demo::BLOCK);
        assert_eq!(r.read(0, 4).unwrap(), 0x10);
        let w = r.write(0, 4, 0xFFFF_FFFF).unwrap();
        assert_eq!(w.new, 0x00FF_01F1, "reserved bits stay zero");
        assert_eq!(w.unmodelled, 0x00FF_0000, "tag field change is reported");
        assert_eq!(
            r.read(0, 4).unwrap(),
            0x00FF_00F1,
            "write-only bit reads as zero"
        );
        r.reset();
        assert_eq!(r.get(0), 0x10);
    }

    #[test]
    fn status_access_modes() {
        let mut r = Regs::new(demo::BLOCK);
        let off = demo::STATUS::OFFSET;
        r.set(off, 0b0111);
        r.write(off, 4, 0b0011).unwrap(); // READY is RO; IRQ W1C clears
        assert_eq!(r.get(off), 0b0101);
        assert_eq!(r.read(off, 4).unwrap(), 0b0101);
        assert_eq!(r.get(off), 0b0001, "read cleared LATCH");
        r.write(off, 4, 0b1000).unwrap();
        assert_eq!(r.get(off), 0b1001, "W1S set KICK");
    }

    #[test]
    fn sub_word_access() {
        let mut r = Regs::new(demo::BLOCK);
        r.write(0x10, 4, 0x1122_3344).unwrap();
        assert_eq!(r.read(0x12, 2).unwrap(), 0x1122);
        assert_eq!(r.read(0x13, 1).unwrap(), 0x11);
        let w = r.write(0x11, 1, 0xAB).unwrap();
        assert_eq!(w.new, 0x1122_AB44);
        assert_eq!(
            r.read(0x11, 2),
            Err(RegError::BadAccess {
                offset: 0x11,
                size: 2
            })
        );
        assert_eq!(r.read(0x08, 4), Err(RegError::NoRegister { offset: 0x08 }));
        assert_eq!(
            r.read(0x400, 4),
            Err(RegError::NoRegister { offset: 0x400 })
        );
    }

    #[test]
    fn set_clear_aliases() {
        let a = SetClearAliases {
            target: demo::DATA::DEF,
            set: demo::CTRL::OFFSET,
            clear: demo::STATUS::OFFSET,
        };
        // CTRL/STATUS stand in for the aliases here: the helper only looks at offsets.
        let mut r = Regs::new(demo::BLOCK);
        let w = r.write(0x00, 4, 0x0000_0011).unwrap();
        assert!(a.apply(&mut r, &w));
        assert_eq!(r.get(0x10), 0x11);
        assert_eq!(
            a.read(&mut r, 0x00, 4).unwrap(),
            0x11,
            "alias reads the target"
        );
        let w = r.write(0x04, 4, 0x0000_0001).unwrap();
        assert!(a.apply(&mut r, &w));
        assert_eq!(r.get(0x10), 0x10);
        let w = r.write(0x10, 4, 5).unwrap();
        assert!(
            !a.apply(&mut r, &w),
            "a write to the target itself is no alias"
        );
    }

    #[test]
    fn field_helpers() {
        let f = demo::CTRL::MODE;
        assert_eq!(f.mask(), 0xF0);
        assert_eq!(f.set(0xFFFF_FFFF, 0x2), 0xFFFF_FF2F);
        assert_eq!(f.get(0x0000_00A0), 0xA);
        assert_eq!(demo::DATA::VALUE.mask(), u32::MAX);
    }
}
