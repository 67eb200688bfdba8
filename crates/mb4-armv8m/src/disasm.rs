//! Text for decoded instructions, for traces and error messages.
//!
//! For now the pattern name and its fields, e.g. `ADD_i16 { imm: 3, rn: 2, rd: 1 }`;
//! a UAL disassembler will replace it over the same [`Op`].

use crate::decode::{Op, decode};

/// Describes the instruction made of `hw1` (and `hw2` if 32-bit).
pub fn describe(hw1: u16, hw2: u16) -> String {
    let d = decode(hw1, hw2);
    match d.op {
        Some(op) => describe_op(&op),
        None if d.len == 4 => format!("UNDEFINED {hw1:04x} {hw2:04x}"),
        None => format!("UNDEFINED {hw1:04x}"),
    }
}

/// Describes a decoded instruction.
pub fn describe_op(op: &Op) -> String {
    format!("{op:?}")
}
