//! The FPU instructions (`decode/vfp.decode`): access checks, register
//! transfers, loads/stores and data processing through [`crate::fpu::Env`].

use crate::bus::{Bus, Size};
use crate::cpu::Cpu;
use crate::decode::Op;
use crate::exception::Fault;
use crate::fpu::{Env, Round};
use crate::run::Flow;
use crate::system::{FPCCR_ASPEN, FPCCR_LSPACT};

const SIGN: u32 = 0x8000_0000;

impl Cpu {
    /// ExecuteFPCheck: CPACR must grant CP10 (else NOCP); a pending lazy save
    /// of an interrupted context's registers happens now (`fp_context`); the
    /// first FP instruction of a context takes FPSCR defaults from FPDSCR and
    /// sets CONTROL.FPCA.
    fn fp_check<B: Bus>(&mut self, bus: &mut B) -> Result<(), Fault> {
        if !self.cp10_enabled(self.privileged()) {
            return Err(Fault::NoCoprocessor);
        }
        if self.sys.fpu.fpccr & FPCCR_LSPACT != 0 {
            self.preserve_fp_state(bus)?;
        }
        if self.control & 4 == 0 && self.sys.fpu.fpccr & FPCCR_ASPEN != 0 {
            self.fpscr = self.sys.fpu.fpdscr;
            self.control |= 4;
        }
        Ok(())
    }

    /// Runs `f` with an FP environment from FPSCR and merges the flags it raises.
    fn with_env<T>(&mut self, f: impl FnOnce(&mut Env) -> T) -> T {
        let mut env = Env::new(self.fpscr);
        let r = f(&mut env);
        self.fpscr |= env.flags;
        r
    }

    fn s(&self, n: u8) -> u32 {
        self.s[usize::from(n & 31)]
    }

    fn set_s(&mut self, n: u8, v: u32) {
        self.s[usize::from(n & 31)] = v;
    }

    /// Executes an FPU instruction (the caller's match sends every VFP op here).
    #[inline(never)]
    pub(crate) fn exec_fp<B: Bus>(&mut self, bus: &mut B, op: Op, pc4: u32) -> Result<Flow, Fault> {
        self.fp_check(bus)?;
        match op {
            Op::VLDR {
                u,
                rn,
                vd,
                imm,
                dbl,
            }
            | Op::VSTR {
                u,
                rn,
                vd,
                imm,
                dbl,
            } => {
                let base = if rn == 15 {
                    pc4 & !3
                } else {
                    self.r[usize::from(rn & 15)]
                };
                let a = if u != 0 {
                    base.wrapping_add(imm)
                } else {
                    base.wrapping_sub(imm)
                };
                if a & 3 != 0 {
                    return Err(Fault::Unaligned);
                }
                let (first, words) = if dbl != 0 {
                    if vd >= 16 {
                        return Err(Fault::Undefined);
                    }
                    (vd * 2, 2)
                } else {
                    (vd, 1)
                };
                let load = matches!(op, Op::VLDR { .. });
                for i in 0..words {
                    let addr = a.wrapping_add(4 * u32::from(i));
                    if load {
                        let v = self.bus_read(bus, addr, Size::Word)?;
                        self.set_s(first + i, v);
                    } else {
                        let v = self.s(first + i);
                        self.bus_write(bus, addr, Size::Word, v)?;
                    }
                }
                Ok(Flow::Next)
            }
            Op::VLDM {
                p,
                u,
                w,
                l,
                rn,
                imm,
                vd,
                dbl,
            } => {
                // Increment after (p=0,u=1) or decrement before with writeback (p=1,u=0,w=1).
                if p == u || (p == 1 && w == 0) || rn == 15 {
                    return Err(Fault::Undefined);
                }
                let (first, count) = if dbl != 0 {
                    (u32::from(vd) * 2, u32::from(imm) & !1)
                } else {
                    (u32::from(vd), u32::from(imm))
                };
                if count == 0 || first + count > 32 || (dbl != 0 && count > 32) {
                    return Err(Fault::Undefined);
                }
                let base = self.r[usize::from(rn & 15)];
                let start = if p != 0 {
                    base.wrapping_sub(4 * u32::from(imm))
                } else {
                    base
                };
                if start & 3 != 0 {
                    return Err(Fault::Unaligned);
                }
                if rn == 13 && p != 0 {
                    self.check_sp_limit(start)?; // VPUSH below the stack limit
                }
                for i in 0..count {
                    let addr = start.wrapping_add(4 * i);
                    let reg = (first + i) as u8;
                    if l != 0 {
                        let v = self.bus_read(bus, addr, Size::Word)?;
                        self.set_s(reg, v);
                    } else {
                        let v = self.s(reg);
                        self.bus_write(bus, addr, Size::Word, v)?;
                    }
                }
                if w != 0 {
                    self.r[usize::from(rn & 15)] = if p != 0 {
                        start
                    } else {
                        base.wrapping_add(4 * u32::from(imm))
                    };
                }
                self.stall(u64::from(count));
                Ok(Flow::Next)
            }
            Op::VMOV_2sr { op, rt2, rt, vm } => {
                if vm == 31 {
                    return Err(Fault::Undefined);
                }
                self.move_pair(op, rt, rt2, vm);
                Ok(Flow::Next)
            }
            Op::VMOV_dr { op, rt2, rt, vm } => {
                if vm >= 16 {
                    return Err(Fault::Undefined);
                }
                self.move_pair(op, rt, rt2, vm * 2);
                Ok(Flow::Next)
            }
            Op::VMOV_sr { op, rt, vn } => {
                if op != 0 {
                    self.r[usize::from(rt & 15)] = self.s(vn);
                } else {
                    let v = self.r[usize::from(rt & 15)];
                    self.set_s(vn, v);
                }
                Ok(Flow::Next)
            }
            Op::VMOV_to_scalar { h, rt, vd } => {
                if vd >= 16 {
                    return Err(Fault::Undefined);
                }
                let v = self.r[usize::from(rt & 15)];
                self.set_s(vd * 2 + h, v);
                Ok(Flow::Next)
            }
            Op::VMOV_from_scalar { h, rt, vd } => {
                if vd >= 16 {
                    return Err(Fault::Undefined);
                }
                self.r[usize::from(rt & 15)] = self.s(vd * 2 + h);
                Ok(Flow::Next)
            }
            Op::VMSR { rt } => {
                self.fpscr = self.r[usize::from(rt & 15)] & 0xf7c0_009f;
                Ok(Flow::Next)
            }
            Op::VMRS { rt } => {
                if rt == 15 {
                    let nzcv = self.fpscr & 0xf000_0000;
                    self.n = nzcv & (1 << 31) != 0;
                    self.z = nzcv & (1 << 30) != 0;
                    self.c = nzcv & (1 << 29) != 0;
                    self.v = nzcv & (1 << 28) != 0;
                } else {
                    self.r[usize::from(rt & 15)] = self.fpscr;
                }
                Ok(Flow::Next)
            }
            // -- three-register data processing
            Op::VMLA { op, vd, vn, vm } => {
                let (d, n, m) = (self.s(vd), self.s(vn), self.s(vm));
                let v = self.with_env(|e| {
                    let p = e.mul(n, m);
                    e.add(d, if op != 0 { p ^ SIGN } else { p })
                });
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            Op::VNMLA { op, vd, vn, vm } => {
                // op 1: VNMLA d = -d - n*m; op 0: VNMLS d = -d + n*m.
                let (d, n, m) = (self.s(vd), self.s(vn), self.s(vm));
                let v = self.with_env(|e| {
                    let p = e.mul(n, m);
                    e.add(d ^ SIGN, if op != 0 { p ^ SIGN } else { p })
                });
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            Op::VMUL { op, vd, vn, vm } => {
                let (n, m) = (self.s(vn), self.s(vm));
                let v = self.with_env(|e| e.mul(n, m));
                self.set_s(vd, if op != 0 { v ^ SIGN } else { v });
                Ok(Flow::Next)
            }
            Op::VADD { op, vd, vn, vm } => {
                let (n, m) = (self.s(vn), self.s(vm));
                let v = self.with_env(|e| if op != 0 { e.sub(n, m) } else { e.add(n, m) });
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            Op::VDIV { vd, vn, vm } => {
                let (n, m) = (self.s(vn), self.s(vm));
                let v = self.with_env(|e| e.div(n, m));
                self.set_s(vd, v);
                self.stall(13);
                Ok(Flow::Next)
            }
            Op::VFNMA { op, vd, vn, vm } => {
                // op 1: VFNMA d = -d - n*m; op 0: VFNMS d = -d + n*m (one rounding).
                let (d, n, m) = (self.s(vd), self.s(vn), self.s(vm));
                let v =
                    self.with_env(|e| e.mul_add(d ^ SIGN, if op != 0 { n ^ SIGN } else { n }, m));
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            Op::VFMA { op, vd, vn, vm } => {
                // op 0: VFMA d = d + n*m; op 1: VFMS d = d - n*m (one rounding).
                let (d, n, m) = (self.s(vd), self.s(vn), self.s(vm));
                let v = self.with_env(|e| e.mul_add(d, if op != 0 { n ^ SIGN } else { n }, m));
                self.set_s(vd, v);
                Ok(Flow::Next)
            }

            // -- two-register data processing
            Op::VMOV_reg { vd, vm } => {
                let v = self.s(vm);
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            Op::VABS { vd, vm } => {
                let v = self.s(vm) & !SIGN;
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            Op::VNEG { vd, vm } => {
                let v = self.s(vm) ^ SIGN;
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            Op::VSQRT { vd, vm } => {
                let m = self.s(vm);
                let v = self.with_env(|e| e.sqrt(m));
                self.set_s(vd, v);
                self.stall(13);
                Ok(Flow::Next)
            }
            Op::VCMP { e: sig, vd, vm } => {
                let (d, m) = (self.s(vd), self.s(vm));
                let nzcv = self.with_env(|e| e.compare(d, m, sig != 0));
                self.fpscr = (self.fpscr & 0x0fff_ffff) | (nzcv << 28);
                Ok(Flow::Next)
            }
            Op::VCMP_z { e: sig, vd } => {
                let d = self.s(vd);
                let nzcv = self.with_env(|e| e.compare(d, 0, sig != 0));
                self.fpscr = (self.fpscr & 0x0fff_ffff) | (nzcv << 28);
                Ok(Flow::Next)
            }
            Op::VRINT_rz { z, vd, vm } => {
                let m = self.s(vm);
                let v = self.with_env(|e| {
                    let mode = if z != 0 { Round::Zero } else { e.mode() };
                    e.round_int(m, mode, false)
                });
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            Op::VRINT_x { vd, vm } => {
                let m = self.s(vm);
                let v = self.with_env(|e| {
                    let mode = e.mode();
                    e.round_int(m, mode, true)
                });
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            Op::VRINT_dir { rm, vd, vm } => {
                let m = self.s(vm);
                let v = self.with_env(|e| e.round_int(m, direction(rm), false));
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            Op::VCVT_fi { s, vd, vm } => {
                let m = self.s(vm);
                let v = self.with_env(|e| {
                    let mode = e.mode();
                    e.from_fixed(m, 0, s == 0, 32, mode)
                });
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            Op::VCVT_if { s, z, vd, vm } => {
                let m = self.s(vm);
                let v = self.with_env(|e| {
                    let mode = if z != 0 { Round::Zero } else { e.mode() };
                    e.to_fixed(m, 0, s == 0, 32, mode)
                });
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            Op::VCVT_dir { rm, s, vd, vm } => {
                let m = self.s(vm);
                let v = self.with_env(|e| e.to_fixed(m, 0, s == 0, 32, direction(rm)));
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            Op::VCVT_fx {
                tofix,
                u,
                sx,
                vd,
                imm,
            } => {
                let size = if sx != 0 { 32 } else { 16 };
                let imm = u32::from(imm);
                if imm > size {
                    return Err(Fault::Undefined);
                }
                let fbits = size - imm;
                let x = self.s(vd);
                let v = self.with_env(|e| {
                    if tofix != 0 {
                        let r = e.to_fixed(x, fbits, u != 0, size, Round::Zero);
                        match (size, u != 0) {
                            (16, true) => r & 0xffff,
                            (16, false) => r as u16 as i16 as i32 as u32,
                            _ => r,
                        }
                    } else {
                        // Fixed-point to float always rounds to nearest (as QEMU does).
                        e.from_fixed(x, fbits, u != 0, size, Round::Nearest)
                    }
                });
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            Op::VCVT_hs { op, t, vd, vm } => {
                // op 0: half (bottom or top of Sm) to single; op 1: single to
                // the bottom or top half of Sd.
                let ahp = self.fpscr & (1 << 26) != 0;
                let shift = if t != 0 { 16 } else { 0 };
                let m = self.s(vm);
                if op == 0 {
                    let v = self.with_env(|e| e.f16_to_f32((m >> shift) & 0xffff, ahp));
                    self.set_s(vd, v);
                } else {
                    let h = self.with_env(|e| e.f32_to_f16(m, ahp));
                    let d = self.s(vd);
                    self.set_s(vd, (d & !(0xffff << shift)) | (h << shift));
                }
                Ok(Flow::Next)
            }
            Op::VMOV_imm { vd, imm } => {
                self.set_s(vd, imm);
                Ok(Flow::Next)
            }
            Op::VSEL { cc, vd, vn, vm } => {
                let take_n = match cc {
                    0 => self.z,
                    1 => self.v,
                    2 => self.n == self.v,
                    _ => !self.z && self.n == self.v,
                };
                let v = if take_n { self.s(vn) } else { self.s(vm) };
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            Op::VMAXNM { op, vd, vn, vm } => {
                let (n, m) = (self.s(vn), self.s(vm));
                let v = self.with_env(|e| e.max_min_num(n, m, op == 0));
                self.set_s(vd, v);
                Ok(Flow::Next)
            }
            _ => Err(Fault::Undefined),
        }
    }

    /// Moves two words between core registers and S registers `first`, `first+1`.
    fn move_pair(&mut self, to_core: u8, rt: u8, rt2: u8, first: u8) {
        if to_core != 0 {
            self.r[usize::from(rt & 15)] = self.s(first);
            self.r[usize::from(rt2 & 15)] = self.s(first + 1);
        } else {
            let (a, b) = (self.r[usize::from(rt & 15)], self.r[usize::from(rt2 & 15)]);
            self.set_s(first, a);
            self.set_s(first + 1, b);
        }
    }
}

/// The rounding of VRINT{A,N,P,M} / VCVT{A,N,P,M} (the `rm` field).
fn direction(rm: u8) -> Round {
    match rm {
        0 => Round::TiesAway,
        1 => Round::Nearest,
        2 => Round::PlusInf,
        _ => Round::MinusInf,
    }
}
