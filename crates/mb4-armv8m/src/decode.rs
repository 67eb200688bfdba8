//! Instruction decoding: the typed [`Op`] and the decoders generated at build
//! time from the pattern tables in `decode/t16.decode` and `decode/t32.decode`
//! (see `build/decodegen.rs`). The executor, the disassembler and tracers all
//! work on [`Op`].

include!(concat!(env!("OUT_DIR"), "/decoders.rs"));

/// Whether a first halfword starts a 32-bit instruction (ARMv8-M ARM C2.1).
#[inline]
pub fn is_32bit(hw1: u16) -> bool {
    hw1 >> 11 >= 0b11101
}

/// One decoded instruction: what it is, and how many bytes it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decoded {
    /// `None`: no pattern matched (UNDEFINED).
    pub op: Option<Op>,
    /// 2 or 4.
    pub len: u8,
}

/// Decodes the instruction whose first halfword is `hw1` (`hw2` is used only
/// when the instruction is 32 bits long).
pub fn decode(hw1: u16, hw2: u16) -> Decoded {
    if is_32bit(hw1) {
        let insn = (u32::from(hw1) << 16) | u32::from(hw2);
        Decoded {
            op: decode_t32(insn).or_else(|| decode_vfp(insn)),
            len: 4,
        }
    } else {
        Decoded {
            op: decode_t16(u32::from(hw1)),
            len: 2,
        }
    }
}

// Field functions named by `!function=` in the tables.

fn times_2(x: u32) -> u32 {
    x << 1
}

fn times_4(x: u32) -> u32 {
    x << 2
}

/// 8-bit branch offset of B<c> T1: imm8:'0', sign-extended.
fn sext8_x2(x: u32) -> u32 {
    ((x as u8 as i8 as i32) << 1) as u32
}

/// 11-bit branch offset of B T2: imm11:'0', sign-extended.
fn sext11_x2(x: u32) -> u32 {
    (((x << 21) as i32) >> 20) as u32
}

/// B<c>.W T3: S:J2:J1:imm6:imm11:'0', sign-extended (21 bits).
fn bcond_offset(x: u32) -> u32 {
    (((x << 12) as i32) >> 11) as u32
}

/// B.W T4 and BL T1: field is S:J1:J2:imm10:imm11; I1 = NOT(J1 XOR S),
/// I2 = NOT(J2 XOR S); offset is S:I1:I2:imm10:imm11:'0' sign-extended (25 bits).
fn bl_offset(x: u32) -> u32 {
    let s = (x >> 23) & 1;
    let j1 = (x >> 22) & 1;
    let j2 = (x >> 21) & 1;
    let i1 = !(j1 ^ s) & 1;
    let i2 = !(j2 ^ s) & 1;
    let v = (s << 24) | (i1 << 23) | (i2 << 22) | ((x & 0x1f_ffff) << 1);
    (((v << 7) as i32) >> 7) as u32
}

/// VFPExpandImm for single precision: imm8 = abcdefgh gives
/// a : NOT(b) : bbbbb : cd : efgh : 19 zeros.
fn vfp_expand_imm(imm8: u32) -> u32 {
    let a = (imm8 >> 7) & 1;
    let b = (imm8 >> 6) & 1;
    let cd = (imm8 >> 4) & 3;
    let efgh = imm8 & 0xf;
    (a << 31) | ((b ^ 1) << 30) | (if b != 0 { 0x1f << 25 } else { 0 }) | (cd << 23) | (efgh << 19)
}

/// ThumbExpandImm (ARMv8-M ARM, "Modified immediate constants"): the 12-bit
/// i:imm3:imm8 field to its 32-bit value. Whether the carry flag changes is
/// carried separately (the `rot` field).
pub fn t32_expand_imm(imm12: u32) -> u32 {
    let imm8 = imm12 & 0xff;
    if imm12 >> 10 == 0 {
        match (imm12 >> 8) & 3 {
            0 => imm8,
            1 => imm8 | (imm8 << 16),
            2 => (imm8 << 8) | (imm8 << 24),
            _ => imm8 | (imm8 << 8) | (imm8 << 16) | (imm8 << 24),
        }
    } else {
        let unrotated = 0x80 | (imm12 & 0x7f);
        unrotated.rotate_right(imm12 >> 7)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_bit_examples() {
        // movs r0, #5
        assert_eq!(decode(0x2005, 0).op, Some(Op::MOV_i16 { rd: 0, imm: 5 }));
        // adds r1, r2, #3
        assert_eq!(
            decode(0x1cd1, 0).op,
            Some(Op::ADD_i16 {
                imm: 3,
                rn: 2,
                rd: 1
            })
        );
        // add r8, r1 (high register form)
        assert_eq!(decode(0x4488, 0).op, Some(Op::ADD_hr16 { rm: 1, rd: 8 }));
        // ldr r0, [sp, #8]
        assert_eq!(
            decode(0x9802, 0).op,
            Some(Op::LDR_i16 {
                rt: 0,
                rn: 13,
                imm: 8
            })
        );
        // b.n -4 (0xe7fe is "b ." : offset -4)
        assert_eq!(
            decode(0xe7fe, 0).op,
            Some(Op::B16 {
                off: (-4i32) as u32
            })
        );
        // it eq / wfi / bkpt 0xab
        assert_eq!(decode(0xbf08, 0).op, Some(Op::IT { cond: 0, mask: 8 }));
        assert_eq!(decode(0xbf30, 0).op, Some(Op::WFI16));
        assert_eq!(decode(0xbeab, 0).op, Some(Op::BKPT { imm: 0xab }));
        // cbz r0, +8  (0xb120: i=0 imm5=4 -> 8)
        assert_eq!(
            decode(0xb120, 0).op,
            Some(Op::CBZ {
                nz: 0,
                rn: 0,
                imm: 8
            })
        );
    }

    #[test]
    fn thirty_two_bit_examples() {
        // bl with offset 0: f000 f800
        assert_eq!(
            decode(0xf000, 0xf800),
            Decoded {
                op: Some(Op::BL { off: 0 }),
                len: 4
            }
        );
        // bl backwards by 4: f7ff fffe
        assert_eq!(
            decode(0xf7ff, 0xfffe).op,
            Some(Op::BL {
                off: (-4i32) as u32
            })
        );
        // movw r0, #0x1234 : f241 2034
        assert_eq!(
            decode(0xf241, 0x2034).op,
            Some(Op::MOVW { rd: 0, imm: 0x1234 })
        );
        // udiv r0, r1, r2 : fbb1 f0f2
        assert_eq!(
            decode(0xfbb1, 0xf0f2).op,
            Some(Op::UDIV {
                rn: 1,
                rd: 0,
                rm: 2
            })
        );
        // ldr.w r0, [r1, #4]! : f851 0f04
        assert_eq!(
            decode(0xf851, 0x0f04).op,
            Some(Op::LDST_i8 {
                s: 0,
                sz: 2,
                l: 1,
                rn: 1,
                rt: 0,
                p: 1,
                u: 1,
                w: 1,
                imm: 4
            })
        );
        // mrs r0, msp : f3ef 8008
        assert_eq!(decode(0xf3ef, 0x8008).op, Some(Op::MRS { rd: 0, sysm: 8 }));
        // dsb sy : f3bf 8f4f
        assert_eq!(decode(0xf3bf, 0x8f4f).op, Some(Op::DSB { option: 0xf }));
        // tbb [pc, r1] : e8df f001
        assert_eq!(
            decode(0xe8df, 0xf001).op,
            Some(Op::TBB {
                rn: 15,
                h: 0,
                rm: 1
            })
        );
    }

    #[test]
    fn modified_immediates() {
        assert_eq!(t32_expand_imm(0x0ab), 0xab);
        assert_eq!(t32_expand_imm(0x1ab), 0x00ab_00ab);
        assert_eq!(t32_expand_imm(0x2ab), 0xab00_ab00);
        assert_eq!(t32_expand_imm(0x3ab), 0xabab_abab);
        // 0x4ff: rotate 0xff by 9 -> 0x7f800000
        assert_eq!(t32_expand_imm(0x4ff), 0x7f80_0000);
    }
}
