//! Single-precision floating point as the Cortex-M33 FPU computes it: IEEE 754
//! with the FPSCR's rounding mode, flush-to-zero and default-NaN controls, and
//! its cumulative exception flags. Pseudocode names: ARMv8-M ARM "Floating-point
//! pseudocode" (FPRound, FPProcessNaNs, FPCompare, FPToFixed, FixedToFP).
//!
//! Method: an f32 operation is computed in f64 (exact for products, and with
//! an exactly computed error term for sums, quotients, square roots and fused
//! multiply-adds), then rounded to f32 here, in the mode the FPSCR asks for.
//! The host's floating-point environment is never changed.

pub const IOC: u32 = 1 << 0;
pub const DZC: u32 = 1 << 1;
pub const OFC: u32 = 1 << 2;
pub const UFC: u32 = 1 << 3;
pub const IXC: u32 = 1 << 4;
pub const IDC: u32 = 1 << 7;

const FZ: u32 = 1 << 24;
const DN: u32 = 1 << 25;
pub const DEFAULT_NAN: u32 = 0x7fc0_0000;

/// Rounding modes (FPSCR.RMode, plus ties-away for VRINTA/VCVTA).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    Nearest,
    PlusInf,
    MinusInf,
    Zero,
    TiesAway,
}

impl Round {
    pub fn from_rmode(rmode: u32) -> Round {
        match rmode & 3 {
            0 => Round::Nearest,
            1 => Round::PlusInf,
            2 => Round::MinusInf,
            _ => Round::Zero,
        }
    }
}

/// The FPSCR controls an operation runs under, and the flags it raises.
#[derive(Debug, Clone, Copy)]
pub struct Env {
    pub fpscr: u32,
    pub flags: u32,
}

fn is_nan(x: u32) -> bool {
    x & 0x7fff_ffff > 0x7f80_0000
}

fn is_snan(x: u32) -> bool {
    is_nan(x) && x & 0x0040_0000 == 0
}

fn is_denormal(x: u32) -> bool {
    x & 0x7f80_0000 == 0 && x & 0x007f_ffff != 0
}

fn is_inf(x: u32) -> bool {
    x & 0x7fff_ffff == 0x7f80_0000
}

fn is_zero(x: u32) -> bool {
    x & 0x7fff_ffff == 0
}

impl Env {
    pub fn new(fpscr: u32) -> Env {
        Env { fpscr, flags: 0 }
    }

    pub fn mode(&self) -> Round {
        Round::from_rmode(self.fpscr >> 22)
    }

    /// Input denormals become zero under FZ (raising IDC).
    fn input(&mut self, x: u32) -> u32 {
        if self.fpscr & FZ != 0 && is_denormal(x) {
            self.flags |= IDC;
            x & 0x8000_0000
        } else {
            x
        }
    }

    fn quiet(&self, x: u32) -> u32 {
        if self.fpscr & DN != 0 {
            DEFAULT_NAN
        } else {
            x | 0x0040_0000
        }
    }

    /// FPProcessNaNs over operands in priority order: the first signalling
    /// NaN (quietened, IOC), else the first quiet NaN.
    fn process_nans(&mut self, ops: &[u32]) -> Option<u32> {
        if let Some(&s) = ops.iter().find(|&&x| is_snan(x)) {
            self.flags |= IOC;
            return Some(self.quiet(s));
        }
        ops.iter().find(|&&x| is_nan(x)).map(|&q| self.quiet(q))
    }

    fn invalid(&mut self) -> u32 {
        self.flags |= IOC;
        DEFAULT_NAN
    }

    /// FPRound: rounds `x + err` (err's sign only matters: the exact value is
    /// x plus something smaller than half an f64 ulp) to single precision.
    pub fn round(&mut self, x: f64, err: f64, mode: Round) -> u32 {
        if x.is_infinite() {
            return if x > 0.0 { 0x7f80_0000 } else { 0xff80_0000 };
        }
        if x == 0.0 {
            // An exact zero; the caller picked its sign.
            return if x.is_sign_negative() { 0x8000_0000 } else { 0 };
        }
        let neg = x < 0.0;
        let sign = if neg { 0x8000_0000u32 } else { 0 };
        let mut bits = x.abs().to_bits();
        // Direction of the exact magnitude relative to |x|.
        let mut dir = if err == 0.0 {
            0
        } else if (err > 0.0) != neg {
            1
        } else {
            -1
        };
        let exp_of = |b: u64| ((b >> 52) as i32) - 1023;
        // Bits of the 53-bit significand below single precision's last place
        // (more for results in the subnormal range; capped: past 60 all are).
        let shift_of = |e: i32| -> u32 {
            if e >= -126 {
                29
            } else {
                (29 + (-126 - e)).min(60) as u32
            }
        };
        let mut exp = exp_of(bits);
        let mut shift = shift_of(exp);
        let frac = |b: u64| (b & ((1 << 52) - 1)) | (1 << 52);
        if dir < 0 && frac(bits) & ((1u64 << shift) - 1) == 0 {
            // Exactly on a single-precision value but the exact result is a
            // hair smaller: step to the f64 just below, now a hair above it.
            bits -= 1;
            dir = 1;
            exp = exp_of(bits);
            shift = shift_of(exp);
        }
        let tiny = exp < -126;
        if tiny && self.fpscr & FZ != 0 {
            self.flags |= UFC;
            return sign;
        }
        let m = frac(bits);
        let (kept, rem, half) = if shift < 60 {
            (m >> shift, m & ((1u64 << shift) - 1), 1u64 << (shift - 1))
        } else {
            (0, 1, 2) // far below the smallest subnormal: inexact, under half
        };
        let inexact = rem != 0 || dir != 0;
        let up = match mode {
            Round::Nearest => {
                rem > half || (rem == half && (dir > 0 || (dir == 0 && kept & 1 == 1)))
            }
            Round::TiesAway => rem >= half,
            Round::Zero => false,
            Round::PlusInf => inexact && !neg,
            Round::MinusInf => inexact && neg,
        };
        let kept = kept + u64::from(up);
        // Value = kept units in the last place: 2^(exp-23), or 2^-149 when
        // subnormal. Exact in f64, and in f32 unless it overflows.
        let unit = if tiny { -149 } else { exp - 23 };
        let mag = (kept as f64) * 2f64.powi(unit);
        if inexact {
            self.flags |= IXC;
            if tiny {
                self.flags |= UFC;
            }
        }
        if mag > f32::MAX as f64 {
            self.flags |= OFC | IXC;
            let to_inf = match mode {
                Round::Nearest | Round::TiesAway => true,
                Round::Zero => false,
                Round::PlusInf => !neg,
                Round::MinusInf => neg,
            };
            return sign | if to_inf { 0x7f80_0000 } else { 0x7f7f_ffff };
        }
        sign | (mag as f32).to_bits()
    }

    fn f(x: u32) -> f64 {
        f64::from(f32::from_bits(x))
    }

    /// The sign of an exact zero sum: that of the addends when both are zeros
    /// of one sign, else +0 (-0 when rounding toward minus infinity).
    fn zero_sum(&self, a: u32, b: u32) -> u32 {
        if is_zero(a) && is_zero(b) && (a ^ b) & 0x8000_0000 == 0 {
            a & 0x8000_0000
        } else if self.mode() == Round::MinusInf {
            0x8000_0000
        } else {
            0
        }
    }

    pub fn add(&mut self, a: u32, b: u32) -> u32 {
        let (a, b) = (self.input(a), self.input(b));
        if let Some(n) = self.process_nans(&[a, b]) {
            return n;
        }
        if is_inf(a) && is_inf(b) && (a ^ b) & 0x8000_0000 != 0 {
            return self.invalid();
        }
        let (x, y) = (Self::f(a), Self::f(b));
        let s = x + y;
        if s == 0.0 {
            // x + y == 0 in f64 is exact for f32 inputs.
            return self.zero_sum(a, b);
        }
        // TwoSum: the exact error of s.
        let bb = s - x;
        let err = (x - (s - bb)) + (y - bb);
        let mode = self.mode();
        self.round(s, err, mode)
    }

    pub fn sub(&mut self, a: u32, b: u32) -> u32 {
        if is_nan(b) {
            // NaN operands keep their sign and payload.
            let (a, b) = (self.input(a), self.input(b));
            if let Some(n) = self.process_nans(&[a, b]) {
                return n;
            }
        }
        self.add(a, b ^ 0x8000_0000)
    }

    pub fn mul(&mut self, a: u32, b: u32) -> u32 {
        let (a, b) = (self.input(a), self.input(b));
        if let Some(n) = self.process_nans(&[a, b]) {
            return n;
        }
        if (is_inf(a) && is_zero(b)) || (is_zero(a) && is_inf(b)) {
            return self.invalid();
        }
        let p = Self::f(a) * Self::f(b); // exact: 24 x 24 bits
        if p == 0.0 {
            return (a ^ b) & 0x8000_0000;
        }
        let mode = self.mode();
        self.round(p, 0.0, mode)
    }

    pub fn div(&mut self, a: u32, b: u32) -> u32 {
        let (a, b) = (self.input(a), self.input(b));
        if let Some(n) = self.process_nans(&[a, b]) {
            return n;
        }
        let sign = (a ^ b) & 0x8000_0000;
        if (is_inf(a) && is_inf(b)) || (is_zero(a) && is_zero(b)) {
            return self.invalid();
        }
        if is_zero(b) {
            if !is_inf(a) {
                self.flags |= DZC;
            }
            return sign | 0x7f80_0000;
        }
        if is_inf(a) {
            return sign | 0x7f80_0000;
        }
        if is_zero(a) || is_inf(b) {
            return sign;
        }
        let (x, y) = (Self::f(a), Self::f(b));
        let q = x / y;
        // Remainder x - q*y, exact with a fused multiply-add.
        let r = (-q).mul_add(y, x);
        let err = if r == 0.0 { 0.0 } else { r * y.signum() };
        let mode = self.mode();
        self.round(q, err, mode)
    }

    pub fn sqrt(&mut self, a: u32) -> u32 {
        let a = self.input(a);
        if let Some(n) = self.process_nans(&[a]) {
            return n;
        }
        if is_zero(a) {
            return a;
        }
        if a & 0x8000_0000 != 0 {
            return self.invalid();
        }
        if is_inf(a) {
            return a;
        }
        let x = Self::f(a);
        let s = x.sqrt();
        let r = (-s).mul_add(s, x);
        let mode = self.mode();
        self.round(s, r, mode)
    }

    /// FPMulAdd: addend + a*b with one rounding (VFMA family).
    pub fn mul_add(&mut self, addend: u32, a: u32, b: u32) -> u32 {
        let (c, a, b) = (self.input(addend), self.input(a), self.input(b));
        let inf_times_zero = (is_inf(a) && is_zero(b)) || (is_zero(a) && is_inf(b));
        if is_nan(c) && !is_snan(c) && inf_times_zero {
            return self.invalid();
        }
        if let Some(n) = self.process_nans(&[c, a, b]) {
            return n;
        }
        let psign = (a ^ b) & 0x8000_0000;
        if inf_times_zero {
            return self.invalid();
        }
        let p_inf = is_inf(a) || is_inf(b);
        if p_inf && is_inf(c) && (c ^ psign) & 0x8000_0000 != 0 {
            return self.invalid();
        }
        if p_inf {
            return psign | 0x7f80_0000;
        }
        if is_inf(c) {
            return c;
        }
        let p = Self::f(a) * Self::f(b);
        let z = Self::f(c);
        let s = p + z;
        if s == 0.0 {
            let pz = if p == 0.0 {
                psign
            } else if p < 0.0 {
                0x8000_0000
            } else {
                0
            };
            return self.zero_sum(pz, c);
        }
        let bb = s - p;
        let err = (p - (s - bb)) + (z - bb);
        let mode = self.mode();
        self.round(s, err, mode)
    }

    /// FPCompare: NZCV (equal 0110, less 1000, greater 0010, unordered 0011).
    /// `quiet_nan_exc`: VCMPE signals on any NaN, VCMP only on signalling ones.
    pub fn compare(&mut self, a: u32, b: u32, quiet_nan_exc: bool) -> u32 {
        let (a, b) = (self.input(a), self.input(b));
        if is_nan(a) || is_nan(b) {
            if quiet_nan_exc || is_snan(a) || is_snan(b) {
                self.flags |= IOC;
            }
            return 0b0011;
        }
        let (x, y) = (Self::f(a), Self::f(b));
        if x == y {
            0b0110
        } else if x < y {
            0b1000
        } else {
            0b0010
        }
    }

    /// Rounds to an integral value in floating point (VRINT*). `exact`:
    /// raise IXC when the value changes (VRINTX).
    pub fn round_int(&mut self, a: u32, mode: Round, exact: bool) -> u32 {
        let a = self.input(a);
        if let Some(n) = self.process_nans(&[a]) {
            return n;
        }
        if is_inf(a) || is_zero(a) {
            return a;
        }
        let x = Self::f(a);
        let r = round_f64(x, mode);
        if exact && r != x {
            self.flags |= IXC;
        }
        if r == 0.0 {
            return a & 0x8000_0000;
        }
        (r as f32).to_bits()
    }

    /// FPToFixed: to a signed or unsigned `bits`-wide integer with `fbits`
    /// fraction bits, saturating (IOC) and flagging inexact results (IXC).
    pub fn to_fixed(&mut self, a: u32, fbits: u32, unsigned: bool, bits: u32, mode: Round) -> u32 {
        let a = self.input(a);
        if is_nan(a) {
            self.flags |= IOC;
            return 0;
        }
        let x = Self::f(a) * 2f64.powi(fbits as i32);
        let r = round_f64(x, mode);
        let (min, max) = if unsigned {
            (0.0, 2f64.powi(bits as i32) - 1.0)
        } else {
            (
                -(2f64.powi(bits as i32 - 1)),
                2f64.powi(bits as i32 - 1) - 1.0,
            )
        };
        if r < min || r > max || x.is_infinite() {
            self.flags |= IOC;
            let v = if r < min { min } else { max };
            return v as i64 as u32;
        }
        if r != x {
            self.flags |= IXC;
        }
        r as i64 as u32
    }

    /// FixedToFP: an integer with `fbits` fraction bits to single precision,
    /// rounded in `mode`.
    pub fn from_fixed(
        &mut self,
        v: u32,
        fbits: u32,
        unsigned: bool,
        bits: u32,
        mode: Round,
    ) -> u32 {
        let raw = if bits == 16 { v & 0xffff } else { v };
        let int = if unsigned {
            raw as f64
        } else if bits == 16 {
            f64::from(raw as u16 as i16)
        } else {
            f64::from(raw as i32)
        };
        if int == 0.0 {
            return 0;
        }
        let x = int / 2f64.powi(fbits as i32); // exact
        self.round(x, 0.0, mode)
    }

    /// FPMaxNum / FPMinNum (VMAXNM, VMINNM): a quiet NaN loses to a number.
    pub fn max_min_num(&mut self, a: u32, b: u32, max: bool) -> u32 {
        let (a, b) = (self.input(a), self.input(b));
        let qa = is_nan(a) && !is_snan(a);
        let qb = is_nan(b) && !is_snan(b);
        let (a, b) = match (qa, qb) {
            (true, false) if !is_nan(b) => (b, b),
            (false, true) if !is_nan(a) => (a, a),
            _ => (a, b),
        };
        if let Some(n) = self.process_nans(&[a, b]) {
            return n;
        }
        let (x, y) = (Self::f(a), Self::f(b));
        if x == y {
            // +0 vs -0: max picks +0, min picks -0.
            return if max { a & b } else { a | b };
        }
        if (x > y) == max { a } else { b }
    }
}

impl Env {
    /// FPConvert single to half precision (VCVTB/VCVTT to half). `ahp`: the
    /// alternative format (no infinities or NaNs; exponent 31 is a normal range).
    pub fn f32_to_f16(&mut self, a: u32, ahp: bool) -> u32 {
        let a = self.input(a);
        let sign = (a >> 16) & 0x8000;
        if is_nan(a) {
            if ahp {
                self.flags |= IOC;
                return sign;
            }
            if is_snan(a) {
                self.flags |= IOC;
            }
            if self.fpscr & DN != 0 {
                return 0x7e00;
            }
            return sign | 0x7e00 | ((a >> 13) & 0x3ff);
        }
        if is_inf(a) {
            if ahp {
                self.flags |= IOC;
                return sign | 0x7fff;
            }
            return sign | 0x7c00;
        }
        if is_zero(a) {
            return sign;
        }
        let x = Self::f(a).abs();
        let exp = (x.to_bits() >> 52) as i32 - 1023;
        let tiny = exp < -14;
        let unit = if tiny { -24 } else { exp - 10 };
        let scaled = x / 2f64.powi(unit); // exact: an integer plus a fraction
        let kept = scaled.trunc();
        let rem = scaled - kept; // exact
        let neg = sign != 0;
        let up = match self.mode() {
            Round::Nearest => rem > 0.5 || (rem == 0.5 && kept % 2.0 == 1.0),
            Round::TiesAway => rem >= 0.5,
            Round::Zero => false,
            Round::PlusInf => rem > 0.0 && !neg,
            Round::MinusInf => rem > 0.0 && neg,
        };
        if rem != 0.0 {
            self.flags |= IXC;
            if tiny {
                self.flags |= UFC;
            }
        }
        let mut k = kept as u32 + u32::from(up);
        let mut e = if tiny { 0 } else { (unit + 10 + 15) as u32 };
        if tiny {
            // k counts 2^-24 units; 1024 of them is the smallest normal.
            return sign | k;
        }
        if k == 2048 {
            k = 1024;
            e += 1;
        }
        let max_e = if ahp { 31 } else { 30 };
        if e > max_e {
            if ahp {
                self.flags = (self.flags & !IXC) | IOC;
                return sign | 0x7fff;
            }
            self.flags |= OFC | IXC;
            let to_inf = match self.mode() {
                Round::Nearest | Round::TiesAway => true,
                Round::Zero => false,
                Round::PlusInf => !neg,
                Round::MinusInf => neg,
            };
            return sign | if to_inf { 0x7c00 } else { 0x7bff };
        }
        sign | (e << 10) | (k - 1024)
    }

    /// FPConvert half to single precision: exact.
    pub fn f16_to_f32(&mut self, h: u32, ahp: bool) -> u32 {
        let sign = (h & 0x8000) << 16;
        let e = (h >> 10) & 0x1f;
        let f = h & 0x3ff;
        if e == 31 && !ahp {
            if f == 0 {
                return sign | 0x7f80_0000;
            }
            if f & 0x200 == 0 {
                self.flags |= IOC; // signalling NaN
            }
            if self.fpscr & DN != 0 {
                return DEFAULT_NAN;
            }
            return sign | 0x7fc0_0000 | (f << 13);
        }
        if e == 0 {
            if f == 0 {
                return sign;
            }
            let v = f64::from(f) * 2f64.powi(-24);
            return sign | (v as f32).to_bits();
        }
        sign | ((e + 127 - 15) << 23) | (f << 13)
    }
}

/// Rounds an f64 to an integral f64 in `mode`.
fn round_f64(x: f64, mode: Round) -> f64 {
    match mode {
        Round::Nearest => x.round_ties_even(),
        Round::TiesAway => x.round(),
        Round::Zero => x.trunc(),
        Round::PlusInf => x.ceil(),
        Round::MinusInf => x.floor(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(x: f32) -> u32 {
        x.to_bits()
    }

    #[test]
    fn nearest_matches_the_host() {
        let vals = [
            1.0f32, -3.5, 1e-40, 3.4e38, 0.1, 7.0, -0.0, 1e-45, 123456.79,
        ];
        for &x in &vals {
            for &y in &vals {
                let mut e = Env::new(0);
                assert_eq!(e.add(b(x), b(y)), b(x + y), "{x} + {y}");
                assert_eq!(e.mul(b(x), b(y)), b(x * y), "{x} * {y}");
                if y != 0.0 {
                    assert_eq!(e.div(b(x), b(y)), b(x / y), "{x} / {y}");
                }
                assert_eq!(
                    e.mul_add(b(y), b(x), b(x)),
                    b(x.mul_add(x, y)),
                    "{x}*{x}+{y}"
                );
            }
            if x >= 0.0 {
                assert_eq!(Env::new(0).sqrt(b(x)), b(x.sqrt()));
            }
        }
    }

    #[test]
    fn directed_rounding_and_flags() {
        // 1 + 2^-30 rounds down to 1 toward zero/minus, up toward plus.
        let tiny = b(2f32.powi(-30));
        let mut e = Env::new(3 << 22);
        assert_eq!(e.add(b(1.0), tiny), b(1.0));
        assert_eq!(e.flags, IXC);
        let mut e = Env::new(1 << 22);
        assert_eq!(e.add(b(1.0), tiny), b(1.0) + 1);
        // 1 - 2^-30 toward zero: the largest float below 1.
        let mut e = Env::new(3 << 22);
        assert_eq!(e.sub(b(1.0), tiny), b(1.0) - 1);
        // Overflow toward zero gives the largest finite value.
        let mut e = Env::new(3 << 22);
        assert_eq!(e.mul(b(3e38), b(2.0)), 0x7f7f_ffff);
        assert_eq!(e.flags, OFC | IXC);
        // x - x is -0 when rounding toward minus infinity.
        assert_eq!(Env::new(2 << 22).sub(b(5.0), b(5.0)), 0x8000_0000);
        // Division by zero.
        let mut e = Env::new(0);
        assert_eq!(e.div(b(1.0), 0), 0x7f80_0000);
        assert_eq!(e.flags, DZC);
    }

    #[test]
    fn nans_and_flush_to_zero() {
        let snan = 0x7f80_0001;
        let mut e = Env::new(0);
        assert_eq!(e.add(snan, b(1.0)), 0x7fc0_0001);
        assert_eq!(e.flags, IOC);
        assert_eq!(Env::new(DN).add(0x7fc0_0005, b(1.0)), DEFAULT_NAN);
        let mut e = Env::new(0);
        assert_eq!(e.sub(0x7f80_0000, 0x7f80_0000), DEFAULT_NAN);
        let mut e = Env::new(FZ);
        assert_eq!(e.add(1, b(0.0)), 0);
        assert_eq!(e.flags, IDC);
        let mut e = Env::new(FZ);
        assert_eq!(e.mul(b(1e-20), b(1e-20)), 0);
        assert_eq!(e.flags, UFC);
    }

    #[test]
    fn conversions() {
        let mut e = Env::new(0);
        assert_eq!(
            e.to_fixed(b(-2.5), 0, false, 32, Round::Nearest),
            (-2i32) as u32
        );
        assert_eq!(
            e.to_fixed(b(-2.5), 0, false, 32, Round::TiesAway),
            (-3i32) as u32
        );
        assert_eq!(e.to_fixed(b(3e9), 0, false, 32, Round::Zero), 0x7fff_ffff);
        assert_ne!(e.flags & IOC, 0);
        assert_eq!(Env::new(0).to_fixed(b(1.75), 4, true, 16, Round::Zero), 28);
        assert_eq!(
            Env::new(0).from_fixed(28, 4, true, 16, Round::Nearest),
            b(1.75)
        );
        assert_eq!(
            Env::new(0).from_fixed(0xffff_fffe, 0, false, 32, Round::Nearest),
            b(-2.0)
        );
    }
}
