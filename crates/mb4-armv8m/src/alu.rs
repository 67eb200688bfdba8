//! Arithmetic helpers shared by the executor: shifts with carry, add with
//! carry, saturation. Names follow the ARM ARM pseudocode.

/// Shift types of the `type` field (DecodeImmShift / DecodeRegShift).
pub const LSL: u8 = 0;
pub const LSR: u8 = 1;
pub const ASR: u8 = 2;
pub const ROR: u8 = 3;

/// `AddWithCarry(x, y, carry_in)`: (result, carry, overflow).
#[inline(always)]
pub fn add_with_carry(x: u32, y: u32, carry_in: bool) -> (u32, bool, bool) {
    let wide = u64::from(x) + u64::from(y) + u64::from(carry_in);
    let result = wide as u32;
    let carry = wide >> 32 != 0;
    let overflow = ((x ^ result) & (y ^ result)) >> 31 != 0;
    (result, carry, overflow)
}

/// `Shift_C(value, type, amount, carry_in)` for a shift amount already decoded
/// (0..=255 for register shifts). ROR with amount 0 means no shift; RRX is
/// [`rrx`].
#[inline(always)]
pub fn shift_c(value: u32, ty: u8, amount: u32, carry_in: bool) -> (u32, bool) {
    if amount == 0 {
        return (value, carry_in);
    }
    match ty {
        LSL => {
            if amount < 32 {
                (value << amount, (value >> (32 - amount)) & 1 != 0)
            } else if amount == 32 {
                (0, value & 1 != 0)
            } else {
                (0, false)
            }
        }
        LSR => {
            if amount < 32 {
                (value >> amount, (value >> (amount - 1)) & 1 != 0)
            } else if amount == 32 {
                (0, value >> 31 != 0)
            } else {
                (0, false)
            }
        }
        ASR => {
            if amount < 32 {
                (
                    ((value as i32) >> amount) as u32,
                    ((value as i32) >> (amount - 1)) & 1 != 0,
                )
            } else {
                let r = ((value as i32) >> 31) as u32;
                (r, r & 1 != 0)
            }
        }
        _ => {
            let r = value.rotate_right(amount % 32);
            (r, r >> 31 != 0)
        }
    }
}

/// `RRX_C`: rotate right by one through the carry.
#[inline(always)]
pub fn rrx(value: u32, carry_in: bool) -> (u32, bool) {
    ((value >> 1) | (u32::from(carry_in) << 31), value & 1 != 0)
}

/// Applies an immediate shift as encoded (`DecodeImmShift`): LSR/ASR #0 mean
/// #32, ROR #0 means RRX.
#[inline(always)]
pub fn shift_imm_c(value: u32, ty: u8, imm5: u32, carry_in: bool) -> (u32, bool) {
    match (ty, imm5) {
        (LSR | ASR, 0) => shift_c(value, ty, 32, carry_in),
        (ROR, 0) => rrx(value, carry_in),
        _ => shift_c(value, ty, imm5, carry_in),
    }
}

/// `SignedSatQ(i, n)`: (saturated value, saturated?).
pub fn signed_sat_q(i: i64, n: u32) -> (u32, bool) {
    let max = (1i64 << (n - 1)) - 1;
    let min = -(1i64 << (n - 1));
    if i > max {
        (max as u32, true)
    } else if i < min {
        (min as u32, true)
    } else {
        (i as u32, false)
    }
}

/// `UnsignedSatQ(i, n)`.
pub fn unsigned_sat_q(i: i64, n: u32) -> (u32, bool) {
    let max = if n >= 32 {
        u32::MAX as i64
    } else {
        (1i64 << n) - 1
    };
    if i > max {
        (max as u32, true)
    } else if i < 0 {
        (0, true)
    } else {
        (i as u32, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_flags() {
        assert_eq!(add_with_carry(0xffff_ffff, 1, false), (0, true, false));
        assert_eq!(
            add_with_carry(0x7fff_ffff, 1, false),
            (0x8000_0000, false, true)
        );
        // SUBS 0 - 1 = !1 + 1 carry: result 0xffffffff, borrow -> C clear
        assert_eq!(add_with_carry(0, !1, true), (0xffff_ffff, false, false));
        assert_eq!(add_with_carry(5, !5, true), (0, true, false));
    }

    #[test]
    fn shifts() {
        assert_eq!(shift_imm_c(0x8000_0001, LSR, 0, false), (0, true));
        assert_eq!(shift_imm_c(0x8000_0000, ASR, 0, false), (0xffff_ffff, true));
        assert_eq!(shift_imm_c(0x0000_0003, ROR, 0, true), (0x8000_0001, true));
        assert_eq!(shift_c(1, LSL, 32, false), (0, true));
        assert_eq!(shift_c(1, LSL, 33, true), (0, false));
        assert_eq!(shift_c(0x10, ROR, 36, false), (1, false));
        assert_eq!(shift_c(7, LSL, 0, true), (7, true));
    }

    #[test]
    fn saturation() {
        assert_eq!(signed_sat_q(200, 8), (127, true));
        assert_eq!(signed_sat_q(-200, 8), ((-128i32) as u32, true));
        assert_eq!(unsigned_sat_q(-1, 8), (0, true));
        assert_eq!(unsigned_sat_q(300, 8), (255, true));
    }
}
