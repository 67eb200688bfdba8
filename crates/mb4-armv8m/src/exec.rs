//! The executor: one arm per decoded [`Op`], in the order of the decode tables.
//! Semantics follow the per-instruction pseudocode of the ARMv8-M ARM (C2.4).
//! During execution `r[15]` holds the instruction's address + 4 (the value an
//! instruction reads as PC).

use crate::alu::*;
use crate::bus::{Bus, Size};
use crate::cpu::{Cpu, exc};
use crate::decode::Op;
use crate::exception::Fault;
use crate::run::Flow;
use crate::system::mpu::Access;
use crate::system::{CCR_DIV_0_TRP, CCR_UNALIGN_TRP, is_ppb};

fn size_of(sz: u8) -> Size {
    match sz {
        0 => Size::Byte,
        1 => Size::Half,
        _ => Size::Word,
    }
}

/// The signed bottom (`top` = 0) or top halfword of `v`.
fn half(v: u32, top: u8) -> i32 {
    if top != 0 {
        (v as i32) >> 16
    } else {
        v as u16 as i16 as i32
    }
}

fn sign_extend(v: u32, bits: u32) -> u32 {
    let shift = 32 - bits;
    (((v << shift) as i32) >> shift) as u32
}

impl Cpu {
    // ---- memory -----------------------------------------------------------

    /// A data read: the PPB is the core's own, the rest goes to the bus.
    #[inline(always)]
    pub(crate) fn bus_read<B: Bus>(
        &mut self,
        bus: &mut B,
        addr: u32,
        size: Size,
    ) -> Result<u32, Fault> {
        if !self.watchpoints.is_empty() {
            self.check_watch(addr, size, false);
        }
        if self.mpu_on() {
            self.mpu_check(addr, Access::Read)?;
        }
        if addr >= 0xe000_0000 && is_ppb(addr) {
            if !self.privileged() {
                return Err(Fault::DataBus { addr }); // the PPB is privileged only
            }
            return Ok(self.ppb_read(addr, size));
        }
        bus.read(addr, size)
            .map_err(|e| Fault::DataBus { addr: e.addr })
    }

    /// A data write, keeping decoded code coherent.
    #[inline(always)]
    pub(crate) fn bus_write<B: Bus>(
        &mut self,
        bus: &mut B,
        addr: u32,
        size: Size,
        value: u32,
    ) -> Result<(), Fault> {
        if !self.watchpoints.is_empty() {
            self.check_watch(addr, size, true);
        }
        if self.mpu_on() {
            self.mpu_check(addr, Access::Write)?;
        }
        if addr >= 0xe000_0000 && is_ppb(addr) {
            // The PPB is privileged only (STIR may be opened by CCR.USERSETMPEND).
            let stir_open = addr == 0xe000_ef00 && self.sys.scb.ccr & 2 != 0;
            if !(self.privileged() || stir_open) {
                return Err(Fault::DataBus { addr });
            }
            self.ppb_write(addr, size, value);
            return Ok(());
        }
        bus.write(addr, size, value)
            .map_err(|e| Fault::DataBus { addr: e.addr })?;
        self.stored(addr, size.bytes());
        Ok(())
    }

    /// Alignment check: `strict` accesses (LDM/STM/LDRD/exclusives) always need
    /// natural alignment; the others only when CCR.UNALIGN_TRP is set.
    #[inline(always)]
    fn check_align(&self, addr: u32, size: Size, strict: bool) -> Result<(), Fault> {
        let bytes = size.bytes();
        if addr & (bytes - 1) != 0 && (strict || self.sys.scb.ccr & CCR_UNALIGN_TRP != 0) {
            return Err(Fault::Unaligned);
        }
        Ok(())
    }

    #[inline(always)]
    pub(crate) fn load<B: Bus>(
        &mut self,
        bus: &mut B,
        addr: u32,
        size: Size,
        signed: bool,
    ) -> Result<u32, Fault> {
        self.check_align(addr, size, false)?;
        let v = self.bus_read(bus, addr, size)?;
        Ok(match (signed, size) {
            (true, Size::Byte) => v as u8 as i8 as i32 as u32,
            (true, Size::Half) => v as u16 as i16 as i32 as u32,
            _ => v,
        })
    }

    #[inline(always)]
    pub(crate) fn store<B: Bus>(
        &mut self,
        bus: &mut B,
        addr: u32,
        size: Size,
        value: u32,
    ) -> Result<(), Fault> {
        self.check_align(addr, size, false)?;
        self.bus_write(bus, addr, size, value)
    }

    // ---- registers and flags ------------------------------------------------

    /// Register `n`. Register fields are at most 4 bits wide, so `& 15`
    /// changes nothing but replaces a bounds check (and its panic path) on
    /// every access; writes index the same way.
    #[inline(always)]
    fn rg(&self, n: u8) -> u32 {
        self.r[usize::from(n & 15)]
    }

    #[inline(always)]
    fn set_nz(&mut self, v: u32) {
        self.n = v >> 31 != 0;
        self.z = v == 0;
    }

    #[inline(always)]
    fn set_nzcv(&mut self, v: u32, c: bool, ov: bool) {
        self.set_nz(v);
        self.c = c;
        self.v = ov;
    }

    /// Writes a register from an ALU result; a write to PC branches.
    #[inline(always)]
    fn write_reg(&mut self, d: u8, v: u32) -> Result<Flow, Fault> {
        if d == 15 {
            return Ok(Flow::Branch(v & !1));
        }
        if d == 13 {
            self.check_sp_limit(v)?;
        }
        self.r[usize::from(d & 15)] = v;
        Ok(Flow::Next)
    }

    /// Stack limit check (MSPLIM/PSPLIM) for an instruction that lowers SP:
    /// a violation is a UsageFault (STKOF) and the instruction has no effect.
    #[inline(always)]
    pub(crate) fn check_sp_limit(&self, new_sp: u32) -> Result<(), Fault> {
        let limit = if self.psp_active() {
            self.splim[1]
        } else {
            self.splim[0]
        };
        if new_sp < limit {
            Err(Fault::StackOverflow)
        } else {
            Ok(())
        }
    }

    pub(crate) fn privileged(&self) -> bool {
        self.ipsr != 0 || self.control & 1 == 0
    }

    /// TT_RESP for TT (`unprivileged`: TTT) on a core without the Security
    /// Extension: only the MPU fields — MREGION (7:0), MRVALID (16), R (18),
    /// RW (19) — and only for privileged code (unprivileged TT reads zero);
    /// SREGION, SRVALID, NSR, NSRW, S, IREGION and IRVALID are zero.
    fn tt_response(&self, addr: u32, unprivileged: bool) -> u32 {
        if !self.privileged() {
            return 0;
        }
        let m = self.mpu_attributes(addr, !unprivileged);
        let mut resp = u32::from(m.read) << 18 | u32::from(m.write) << 19;
        if let Some(region) = m.region {
            resp |= u32::from(region) | 1 << 16;
        }
        resp
    }

    /// `BXWritePC` / `LoadWritePC`: interworking branch, or exception return.
    fn bx_write<B: Bus>(&mut self, bus: &mut B, addr: u32) -> Result<Flow, Fault> {
        if self.ipsr != 0 && addr >> 28 == 0xf {
            self.exception_return(bus, addr)?;
            return Ok(Flow::Taken);
        }
        if addr & 1 == 0 {
            self.thumb = false; // INVSTATE on the next instruction
            self.attention = true;
        }
        Ok(Flow::Branch(addr & !1))
    }

    /// The T32 data-processing operations (DP_r / DP_i `op` field):
    /// (result, carry, overflow, writes a result).
    #[inline(always)]
    fn alu(&self, op: u8, a: u32, b: u32, shifter_carry: bool) -> Result<(u32, bool, bool), Fault> {
        Ok(match op {
            0 => (a & b, shifter_carry, self.v),
            1 => (a & !b, shifter_carry, self.v),
            2 => (a | b, shifter_carry, self.v),
            3 => (a | !b, shifter_carry, self.v),
            4 => (a ^ b, shifter_carry, self.v),
            8 => add_with_carry(a, b, false),
            10 => add_with_carry(a, b, self.c),
            11 => add_with_carry(a, !b, self.c),
            13 => add_with_carry(a, !b, true),
            14 => add_with_carry(!a, b, true),
            _ => return Err(Fault::Undefined),
        })
    }

    /// DP_r / DP_i after operand 2 is known.
    #[inline(always)]
    fn data_processing(
        &mut self,
        op: u8,
        s: u8,
        rn: u8,
        rd: u8,
        b: u32,
        sc: bool,
    ) -> Result<Flow, Fault> {
        // ORR/ORN with Rn = PC are MOV/MVN: operand 1 is zero.
        let a = if rn == 15 && (op == 2 || op == 3) {
            0
        } else {
            self.rg(rn)
        };
        let (res, c, v) = self.alu(op, a, b, sc)?;
        if s != 0 {
            self.set_nzcv(res, c, v);
        }
        // TST, TEQ, CMN, CMP: Rd = PC with S set.
        if rd == 15 && s != 0 && matches!(op, 0 | 4 | 8 | 13) {
            return Ok(Flow::Next);
        }
        self.write_reg(rd, res)
    }

    // ---- multi-register transfers -----------------------------------------

    /// LDM/LDMDB/POP. `db`: decrement before.
    #[inline(never)]
    fn ldm<B: Bus>(
        &mut self,
        bus: &mut B,
        rn: u8,
        list: u32,
        wback: bool,
        db: bool,
    ) -> Result<Flow, Fault> {
        let count = list.count_ones();
        if count == 0 {
            return Err(Fault::Undefined);
        }
        let base = self.rg(rn);
        let start = if db {
            base.wrapping_sub(4 * count)
        } else {
            base
        };
        self.check_align(start, Size::Word, true)?;
        let mut vals = [0u32; 16];
        let mut a = start;
        for (i, v) in vals.iter_mut().enumerate() {
            if list & (1 << i) != 0 {
                *v = self.bus_read(bus, a, Size::Word)?;
                a = a.wrapping_add(4);
            }
        }
        if wback {
            self.r[usize::from(rn & 15)] = if db {
                start
            } else {
                base.wrapping_add(4 * count)
            };
        }
        for (i, v) in vals.iter().enumerate().take(15) {
            if list & (1 << i) != 0 {
                self.r[i] = *v;
            }
        }
        self.stall(u64::from(count));
        if list & (1 << 15) != 0 {
            return self.bx_write(bus, vals[15]);
        }
        Ok(Flow::Next)
    }

    /// STM/STMDB/PUSH.
    #[inline(never)]
    fn stm<B: Bus>(
        &mut self,
        bus: &mut B,
        rn: u8,
        list: u32,
        wback: bool,
        db: bool,
    ) -> Result<Flow, Fault> {
        let count = list.count_ones();
        if count == 0 {
            return Err(Fault::Undefined);
        }
        let base = self.rg(rn);
        let start = if db {
            base.wrapping_sub(4 * count)
        } else {
            base
        };
        self.check_align(start, Size::Word, true)?;
        if rn == 13 && wback && db {
            self.check_sp_limit(start)?; // PUSH below the limit writes nothing
        }
        let mut a = start;
        for i in 0..16 {
            if list & (1 << i) != 0 {
                let v = self.r[i];
                self.bus_write(bus, a, Size::Word, v)?;
                a = a.wrapping_add(4);
            }
        }
        if wback {
            self.r[usize::from(rn & 15)] = if db {
                start
            } else {
                base.wrapping_add(4 * count)
            };
        }
        self.stall(u64::from(count));
        Ok(Flow::Next)
    }

    /// Single load/store after the address is known (T32 forms).
    #[inline(always)]
    fn ldst_single<B: Bus>(
        &mut self,
        bus: &mut B,
        s: u8,
        sz: u8,
        l: u8,
        addr: u32,
        rt: u8,
    ) -> Result<Flow, Fault> {
        if sz == 3 || (s != 0 && (l == 0 || sz == 2)) {
            return Err(Fault::Undefined);
        }
        let size = size_of(sz);
        if l == 0 {
            let v = self.rg(rt);
            self.store(bus, addr, size, v)?;
            return Ok(Flow::Next);
        }
        if rt == 15 {
            if sz == 2 {
                let v = self.load(bus, addr, size, false)?;
                return self.bx_write(bus, v);
            }
            return Ok(Flow::Next); // PLD, PLI and the unallocated memory hints
        }
        let v = self.load(bus, addr, size, s != 0)?;
        self.r[usize::from(rt & 15)] = v;
        Ok(Flow::Next)
    }

    // ---- system registers -------------------------------------------------

    #[inline(never)]
    fn mrs(&self, sysm: u8) -> u32 {
        match sysm {
            0..=7 => {
                let mut v = 0;
                if sysm & 4 == 0 {
                    v |= self.xpsr() & 0xf80f_0000;
                }
                if sysm & 1 != 0 {
                    v |= self.ipsr;
                }
                v
            }
            8 => self.msp(),
            9 => self.psp(),
            10 => self.splim[0],
            11 => self.splim[1],
            16 => u32::from(self.primask),
            17 | 18 => u32::from(self.basepri),
            19 => u32::from(self.faultmask),
            20 => {
                let mut c = self.control;
                if self.ipsr != 0 {
                    c &= !2;
                }
                c
            }
            _ => 0,
        }
    }

    #[inline(never)]
    fn msr(&mut self, sysm: u8, mask: u8, v: u32) {
        self.attention = true;
        if sysm <= 7 {
            if sysm & 4 == 0 {
                if mask & 2 != 0 {
                    self.set_apsr(v, false);
                }
                if mask & 1 != 0 {
                    self.ge = ((v >> 16) & 0xf) as u8;
                }
            }
            return;
        }
        if !self.privileged() {
            return;
        }
        let pm = self.sys.nvic.prio_mask;
        match sysm {
            8 => self.set_msp(v),
            9 => self.set_psp(v),
            10 => self.splim[0] = v & !7,
            11 => self.splim[1] = v & !7,
            16 => self.primask = v & 1 != 0,
            17 => self.basepri = v as u8 & pm,
            18 => {
                let nv = v as u8 & pm;
                if nv != 0 && (self.basepri == 0 || nv < self.basepri) {
                    self.basepri = nv;
                }
            }
            19 if (self.execution_priority() > -1 || v & 1 == 0) => {
                self.faultmask = v & 1 != 0;
            }
            20 => {
                let mut c = (self.control & !3) | (v & 1);
                if self.ipsr == 0 {
                    c |= v & 2;
                } else {
                    c |= self.control & 2;
                }
                c = (c & !4) | (v & 4);
                self.write_control(c);
            }
            _ => {}
        }
    }

    /// RdHi:RdLo += value (64-bit, wrapping).
    #[inline(never)]
    fn accumulate_long(&mut self, rdlo: u8, rdhi: u8, value: i64) {
        let acc = (u64::from(self.rg(rdhi)) << 32) | u64::from(self.rg(rdlo));
        let r = acc.wrapping_add(value as u64);
        self.r[usize::from(rdlo & 15)] = r as u32;
        self.r[usize::from(rdhi & 15)] = (r >> 32) as u32;
    }

    /// The parallel add/subtract family (SADD16, UQSUB8, SHASX, ...):
    /// `op` picks lanes and operations, `u` unsigned, `kind` 0 plain (GE),
    /// 1 saturating, 2 halving.
    #[inline(never)]
    fn parallel(&mut self, op: u8, u: bool, kind: u8, a: u32, b: u32) -> Result<u32, Fault> {
        if kind == 3 || op == 3 || op == 7 {
            return Err(Fault::Undefined);
        }
        let bytes = op == 0 || op == 4;
        let (lanes, width) = if bytes { (4, 8) } else { (2, 16) };
        let lane = |x: u32, i: u32| -> i64 {
            let raw = (x >> (width * i)) & ((1 << width) - 1);
            if u {
                i64::from(raw)
            } else {
                i64::from(sign_extend(raw, width) as i32)
            }
        };
        let mut out = 0u32;
        let mut ge = 0u8;
        for i in 0..lanes {
            // Which lane of b, and add or subtract.
            let (bi, add) = match op {
                0 | 1 => (i, true),
                4 | 5 => (i, false),
                2 => (1 - i, i == 1), // ASX: lo = a0 - b1, hi = a1 + b0
                _ => (1 - i, i == 0), // SAX: lo = a0 + b1, hi = a1 - b0
            };
            let x = lane(a, i);
            let y = lane(b, bi);
            let r = if add { x + y } else { x - y };
            let (val, ge_lane) = match kind {
                0 => (r as u32, if u && add { r >= 1 << width } else { r >= 0 }),
                1 => (
                    if u {
                        unsigned_sat_q(r, width).0
                    } else {
                        signed_sat_q(r, width).0
                    },
                    false,
                ),
                _ => ((r >> 1) as u32, false),
            };
            out |= (val & ((1 << width) - 1)) << (width * i);
            if ge_lane {
                ge |= if bytes { 1 << i } else { 3 << (2 * i) };
            }
        }
        if kind == 0 {
            self.ge = ge;
        }
        Ok(out)
    }

    // ---- the executor -------------------------------------------------------

    /// Executes one decoded instruction at `pc` of length `len`.
    #[inline(always)]
    pub(crate) fn exec<B: Bus>(&mut self, bus: &mut B, op: &Op, pc: u32) -> Result<Flow, Fault> {
        // Read in place: a copy of the operand block made piecewise on the
        // stack stalled the first field loads (store forwarding).
        let setflags16 = self.it == 0; // 16-bit data processing sets flags outside IT
        let pc4 = pc.wrapping_add(4);
        match *op {
            // -- t16.decode: shifts, add, subtract, move, compare
            Op::LSL_i16 { imm, rm, rd }
            | Op::LSR_i16 { imm, rm, rd }
            | Op::ASR_i16 { imm, rm, rd } => {
                let ty = match op {
                    Op::LSL_i16 { .. } => LSL,
                    Op::LSR_i16 { .. } => LSR,
                    _ => ASR,
                };
                let (r, c) = shift_imm_c(self.rg(rm), ty, u32::from(imm), self.c);
                if setflags16 {
                    self.set_nz(r);
                    self.c = c;
                }
                self.r[usize::from(rd & 15)] = r;
                Ok(Flow::Next)
            }
            Op::ADD_r16 { rm, rn, rd } => {
                let (r, c, v) = add_with_carry(self.rg(rn), self.rg(rm), false);
                if setflags16 {
                    self.set_nzcv(r, c, v);
                }
                self.r[usize::from(rd & 15)] = r;
                Ok(Flow::Next)
            }
            Op::SUB_r16 { rm, rn, rd } => {
                let (r, c, v) = add_with_carry(self.rg(rn), !self.rg(rm), true);
                if setflags16 {
                    self.set_nzcv(r, c, v);
                }
                self.r[usize::from(rd & 15)] = r;
                Ok(Flow::Next)
            }
            Op::ADD_i16 { imm, rn, rd } => {
                let (r, c, v) = add_with_carry(self.rg(rn), u32::from(imm), false);
                if setflags16 {
                    self.set_nzcv(r, c, v);
                }
                self.r[usize::from(rd & 15)] = r;
                Ok(Flow::Next)
            }
            Op::SUB_i16 { imm, rn, rd } => {
                let (r, c, v) = add_with_carry(self.rg(rn), !u32::from(imm), true);
                if setflags16 {
                    self.set_nzcv(r, c, v);
                }
                self.r[usize::from(rd & 15)] = r;
                Ok(Flow::Next)
            }
            Op::MOV_i16 { rd, imm } => {
                let r = u32::from(imm);
                if setflags16 {
                    self.set_nz(r);
                }
                self.r[usize::from(rd & 15)] = r;
                Ok(Flow::Next)
            }
            Op::CMP_i16 { rn, imm } => {
                let (r, c, v) = add_with_carry(self.rg(rn), !u32::from(imm), true);
                self.set_nzcv(r, c, v);
                Ok(Flow::Next)
            }

            // -- t16.decode: data processing (register)
            Op::AND_r16 { rm, rd }
            | Op::EOR_r16 { rm, rd }
            | Op::ORR_r16 { rm, rd }
            | Op::BIC_r16 { rm, rd }
            | Op::MVN_r16 { rm, rd }
            | Op::TST_r16 { rm, rd } => {
                let (a, b) = (self.rg(rd), self.rg(rm));
                let r = match op {
                    Op::AND_r16 { .. } | Op::TST_r16 { .. } => a & b,
                    Op::EOR_r16 { .. } => a ^ b,
                    Op::ORR_r16 { .. } => a | b,
                    Op::BIC_r16 { .. } => a & !b,
                    _ => !b,
                };
                if let Op::TST_r16 { .. } = op {
                    self.set_nz(r);
                    return Ok(Flow::Next);
                }
                if setflags16 {
                    self.set_nz(r);
                }
                self.r[usize::from(rd & 15)] = r;
                Ok(Flow::Next)
            }
            Op::LSL_r16 { rm, rd }
            | Op::LSR_r16 { rm, rd }
            | Op::ASR_r16 { rm, rd }
            | Op::ROR_r16 { rm, rd } => {
                let ty = match op {
                    Op::LSL_r16 { .. } => LSL,
                    Op::LSR_r16 { .. } => LSR,
                    Op::ASR_r16 { .. } => ASR,
                    _ => ROR,
                };
                let (r, c) = shift_c(self.rg(rd), ty, self.rg(rm) & 0xff, self.c);
                if setflags16 {
                    self.set_nz(r);
                    self.c = c;
                }
                self.r[usize::from(rd & 15)] = r;
                Ok(Flow::Next)
            }
            Op::ADC_r16 { rm, rd } | Op::SBC_r16 { rm, rd } => {
                let b = if let Op::ADC_r16 { .. } = op {
                    self.rg(rm)
                } else {
                    !self.rg(rm)
                };
                let (r, c, v) = add_with_carry(self.rg(rd), b, self.c);
                if setflags16 {
                    self.set_nzcv(r, c, v);
                }
                self.r[usize::from(rd & 15)] = r;
                Ok(Flow::Next)
            }
            Op::RSB_i16 { rm, rd } => {
                let (r, c, v) = add_with_carry(!self.rg(rm), 0, true);
                if setflags16 {
                    self.set_nzcv(r, c, v);
                }
                self.r[usize::from(rd & 15)] = r;
                Ok(Flow::Next)
            }
            Op::CMP_r16 { rm, rd } => {
                let (r, c, v) = add_with_carry(self.rg(rd), !self.rg(rm), true);
                self.set_nzcv(r, c, v);
                Ok(Flow::Next)
            }
            Op::CMN_r16 { rm, rd } => {
                let (r, c, v) = add_with_carry(self.rg(rd), self.rg(rm), false);
                self.set_nzcv(r, c, v);
                Ok(Flow::Next)
            }
            Op::MUL_r16 { rm, rd } => {
                let r = self.rg(rd).wrapping_mul(self.rg(rm));
                if setflags16 {
                    self.set_nz(r);
                }
                self.r[usize::from(rd & 15)] = r;
                Ok(Flow::Next)
            }

            // -- t16.decode: special data, branch and exchange
            Op::ADD_hr16 { rm, rd } => {
                let r = self.rg(rd).wrapping_add(self.rg(rm));
                self.write_reg(rd, r)
            }
            Op::CMP_hr16 { rm, rn } => {
                let (r, c, v) = add_with_carry(self.rg(rn), !self.rg(rm), true);
                self.set_nzcv(r, c, v);
                Ok(Flow::Next)
            }
            Op::MOV_hr16 { rm, rd } => {
                let r = self.rg(rm);
                self.write_reg(rd, r)
            }
            Op::BX { rm } => {
                let t = self.rg(rm);
                self.bx_write(bus, t)
            }
            Op::BLX_r { rm } => {
                let t = self.rg(rm);
                self.r[14] = pc.wrapping_add(2) | 1;
                if t & 1 == 0 {
                    self.thumb = false;
                    self.attention = true;
                }
                Ok(Flow::Branch(t & !1))
            }

            // -- t16.decode: loads and stores
            Op::LDR_lit16 { rt, imm } => {
                let v = self.load(bus, (pc4 & !3).wrapping_add(imm), Size::Word, false)?;
                self.r[usize::from(rt & 15)] = v;
                Ok(Flow::Next)
            }
            Op::STR_r16 { rm, rn, rt }
            | Op::STRH_r16 { rm, rn, rt }
            | Op::STRB_r16 { rm, rn, rt } => {
                let size = match op {
                    Op::STR_r16 { .. } => Size::Word,
                    Op::STRH_r16 { .. } => Size::Half,
                    _ => Size::Byte,
                };
                let a = self.rg(rn).wrapping_add(self.rg(rm));
                let v = self.rg(rt);
                self.store(bus, a, size, v)?;
                Ok(Flow::Next)
            }
            Op::LDR_r16 { rm, rn, rt }
            | Op::LDRH_r16 { rm, rn, rt }
            | Op::LDRB_r16 { rm, rn, rt }
            | Op::LDRSB_r16 { rm, rn, rt }
            | Op::LDRSH_r16 { rm, rn, rt } => {
                let (size, signed) = match op {
                    Op::LDR_r16 { .. } => (Size::Word, false),
                    Op::LDRH_r16 { .. } => (Size::Half, false),
                    Op::LDRB_r16 { .. } => (Size::Byte, false),
                    Op::LDRSB_r16 { .. } => (Size::Byte, true),
                    _ => (Size::Half, true),
                };
                let a = self.rg(rn).wrapping_add(self.rg(rm));
                let v = self.load(bus, a, size, signed)?;
                self.r[usize::from(rt & 15)] = v;
                Ok(Flow::Next)
            }
            Op::STR_i16 { rn, rt, imm } | Op::STRH_i16 { rn, rt, imm } => {
                let size = if let Op::STR_i16 { .. } = op {
                    Size::Word
                } else {
                    Size::Half
                };
                let a = self.rg(rn).wrapping_add(imm);
                let v = self.rg(rt);
                self.store(bus, a, size, v)?;
                Ok(Flow::Next)
            }
            Op::STRB_i16 { imm, rn, rt } => {
                let a = self.rg(rn).wrapping_add(u32::from(imm));
                let v = self.rg(rt);
                self.store(bus, a, Size::Byte, v)?;
                Ok(Flow::Next)
            }
            Op::LDR_i16 { rn, rt, imm } | Op::LDRH_i16 { rn, rt, imm } => {
                let size = if let Op::LDR_i16 { .. } = op {
                    Size::Word
                } else {
                    Size::Half
                };
                let a = self.rg(rn).wrapping_add(imm);
                let v = self.load(bus, a, size, false)?;
                self.r[usize::from(rt & 15)] = v;
                Ok(Flow::Next)
            }
            Op::LDRB_i16 { imm, rn, rt } => {
                let a = self.rg(rn).wrapping_add(u32::from(imm));
                let v = self.load(bus, a, Size::Byte, false)?;
                self.r[usize::from(rt & 15)] = v;
                Ok(Flow::Next)
            }
            Op::ADR16 { rd, imm } => {
                self.r[usize::from(rd & 15)] = (pc4 & !3).wrapping_add(imm);
                Ok(Flow::Next)
            }
            Op::ADD_sp16 { rd, imm } => {
                self.r[usize::from(rd & 15)] = self.r[13].wrapping_add(imm);
                Ok(Flow::Next)
            }

            // -- t16.decode: miscellaneous
            Op::ADD_spi16 { imm } => {
                self.r[13] = self.r[13].wrapping_add(imm);
                Ok(Flow::Next)
            }
            Op::SUB_spi16 { imm } => {
                let sp = self.r[13].wrapping_sub(imm);
                self.check_sp_limit(sp)?;
                self.r[13] = sp;
                Ok(Flow::Next)
            }
            Op::CBZ { nz, rn, imm } => {
                if (self.rg(rn) == 0) != (nz != 0) {
                    Ok(Flow::Branch(pc4.wrapping_add(imm)))
                } else {
                    Ok(Flow::Next)
                }
            }
            Op::SXTH_r16 { rm, rd } => {
                self.r[usize::from(rd & 15)] = self.rg(rm) as u16 as i16 as i32 as u32;
                Ok(Flow::Next)
            }
            Op::SXTB_r16 { rm, rd } => {
                self.r[usize::from(rd & 15)] = self.rg(rm) as u8 as i8 as i32 as u32;
                Ok(Flow::Next)
            }
            Op::UXTH_r16 { rm, rd } => {
                self.r[usize::from(rd & 15)] = self.rg(rm) & 0xffff;
                Ok(Flow::Next)
            }
            Op::UXTB_r16 { rm, rd } => {
                self.r[usize::from(rd & 15)] = self.rg(rm) & 0xff;
                Ok(Flow::Next)
            }
            Op::PUSH16 { m, list } => {
                let l = u32::from(list) | (u32::from(m) << 14);
                self.stm(bus, 13, l, true, true)
            }
            Op::POP16 { p, list } => {
                let l = u32::from(list) | (u32::from(p) << 15);
                self.ldm(bus, 13, l, true, false)
            }
            Op::CPS { im, i, f } => {
                if self.privileged() {
                    if i != 0 {
                        self.primask = im != 0;
                    }
                    if f != 0 && (im == 0 || self.execution_priority() > -1) {
                        self.faultmask = im != 0;
                    }
                    self.attention = true;
                }
                Ok(Flow::Next)
            }
            Op::REV_r16 { rm, rd } => {
                self.r[usize::from(rd & 15)] = self.rg(rm).swap_bytes();
                Ok(Flow::Next)
            }
            Op::REV16_r16 { rm, rd } => {
                let v = self.rg(rm);
                self.r[usize::from(rd & 15)] = ((v & 0x00ff_00ff) << 8) | ((v >> 8) & 0x00ff_00ff);
                Ok(Flow::Next)
            }
            Op::REVSH_r16 { rm, rd } => {
                let v = self.rg(rm);
                self.r[usize::from(rd & 15)] = (v as u16).swap_bytes() as i16 as i32 as u32;
                Ok(Flow::Next)
            }
            Op::BKPT { imm } => {
                if imm == 0xab {
                    Ok(Flow::Semihost)
                } else {
                    Ok(Flow::Bkpt(imm))
                }
            }
            Op::NOP16 | Op::YIELD16 | Op::HINT16 | Op::NOP_w | Op::YIELD_w | Op::HINT_w => {
                Ok(Flow::Next)
            }
            Op::WFE16 | Op::WFE_w => {
                if self.event {
                    self.event = false;
                    Ok(Flow::Next)
                } else {
                    self.wfe_sleep = true;
                    Ok(Flow::Sleep)
                }
            }
            Op::WFI16 | Op::WFI_w => {
                self.wfe_sleep = false;
                Ok(Flow::Sleep)
            }
            Op::SEV16 | Op::SEV_w => {
                self.event = true;
                Ok(Flow::Next)
            }
            Op::IT { cond, mask } => {
                self.it = (cond << 4) | mask;
                Ok(Flow::Next)
            }
            Op::STM16 { rn, list } => self.stm(bus, rn, u32::from(list), true, false),
            Op::LDM16 { rn, list } => {
                let wback = list & (1 << rn) == 0;
                self.ldm(bus, rn, u32::from(list), wback, false)
            }
            Op::UDF16 { .. } | Op::UDF_w { .. } => Err(Fault::Undefined),
            Op::SVC { .. } => {
                if self.it != 0 {
                    self.it_advance();
                }
                self.raise_sync(bus, exc::SVCALL, pc.wrapping_add(2));
                Ok(Flow::Taken)
            }
            Op::B_cond16 { cond, off } => {
                if self.cond_passed(cond) {
                    Ok(Flow::Branch(pc4.wrapping_add(off)))
                } else {
                    Ok(Flow::Next)
                }
            }
            Op::B16 { off } => Ok(Flow::Branch(pc4.wrapping_add(off))),

            // -- t32.decode: load/store multiple
            Op::STM_w { w, rn, list } => self.stm(bus, rn, list, w != 0, false),
            Op::LDM_w { w, rn, list } => self.ldm(bus, rn, list, w != 0, false),
            Op::STMDB { w, rn, list } => self.stm(bus, rn, list, w != 0, true),
            Op::LDMDB { w, rn, list } => self.ldm(bus, rn, list, w != 0, true),

            // -- t32.decode: dual, exclusive, acquire/release, table branch
            Op::LDREX {
                rn, rt, imm, sz, ..
            } => {
                let size = size_of(sz);
                let a = self.rg(rn).wrapping_add(u32::from(imm) << 2);
                self.check_align(a, size, true)?;
                let v = self.bus_read(bus, a, size)?;
                self.monitor = Some(a);
                self.r[usize::from(rt & 15)] = v;
                Ok(Flow::Next)
            }
            Op::STREX {
                rn,
                rt,
                rd,
                imm,
                sz,
                ..
            } => {
                let size = size_of(sz);
                let a = self.rg(rn).wrapping_add(u32::from(imm) << 2);
                self.check_align(a, size, true)?;
                let ok = self.monitor == Some(a);
                if ok {
                    let v = self.rg(rt);
                    self.bus_write(bus, a, size, v)?;
                }
                self.monitor = None;
                self.r[usize::from(rd & 15)] = u32::from(!ok);
                Ok(Flow::Next)
            }
            Op::TT { rn, rd, a, t } => {
                // UNPREDICTABLE registers UNDEFINED (as QEMU); the alternate
                // (Non-secure) domain exists only with the Security Extension.
                if rn == 15 || rd == 13 || rd == 15 || a != 0 {
                    return Err(Fault::Undefined);
                }
                self.r[usize::from(rd & 15)] = self.tt_response(self.rg(rn), t != 0);
                Ok(Flow::Next)
            }
            Op::LDA { rn, rt, sz } => {
                let size = size_of(sz);
                let a = self.rg(rn);
                self.check_align(a, size, true)?;
                let v = self.bus_read(bus, a, size)?;
                self.r[usize::from(rt & 15)] = v;
                Ok(Flow::Next)
            }
            Op::STL { rn, rt, sz } => {
                let size = size_of(sz);
                let a = self.rg(rn);
                self.check_align(a, size, true)?;
                let v = self.rg(rt);
                self.bus_write(bus, a, size, v)?;
                Ok(Flow::Next)
            }
            Op::TBB { rn, h, rm } => {
                let base = self.rg(rn);
                let off = if h != 0 {
                    self.load(bus, base.wrapping_add(self.rg(rm) << 1), Size::Half, false)?
                } else {
                    self.load(bus, base.wrapping_add(self.rg(rm)), Size::Byte, false)?
                };
                Ok(Flow::Branch(pc4.wrapping_add(off << 1)))
            }
            Op::STRD {
                p,
                u,
                w,
                rn,
                rt,
                rt2,
                imm,
            }
            | Op::LDRD {
                p,
                u,
                w,
                rn,
                rt,
                rt2,
                imm,
            } => {
                if p == 0 && w == 0 {
                    return Err(Fault::Undefined);
                }
                let off = u32::from(imm) << 2;
                let base = if rn == 15 { pc4 & !3 } else { self.rg(rn) };
                let oa = if u != 0 {
                    base.wrapping_add(off)
                } else {
                    base.wrapping_sub(off)
                };
                let a = if p != 0 { oa } else { base };
                self.check_align(a, Size::Word, true)?;
                if let Op::LDRD { .. } = op {
                    let v1 = self.bus_read(bus, a, Size::Word)?;
                    let v2 = self.bus_read(bus, a.wrapping_add(4), Size::Word)?;
                    if w != 0 {
                        self.r[usize::from(rn & 15)] = oa;
                    }
                    self.r[usize::from(rt & 15)] = v1;
                    self.r[usize::from(rt2 & 15)] = v2;
                } else {
                    let (v1, v2) = (self.rg(rt), self.rg(rt2));
                    self.bus_write(bus, a, Size::Word, v1)?;
                    self.bus_write(bus, a.wrapping_add(4), Size::Word, v2)?;
                    if w != 0 {
                        self.r[usize::from(rn & 15)] = oa;
                    }
                }
                self.stall(1);
                Ok(Flow::Next)
            }

            // -- t32.decode: data processing
            Op::DP_r {
                op: 6,
                s: 0,
                rn,
                rd,
                ty,
                rm,
                imm,
            } => {
                // PKHBT (tb = 0: Rm LSL imm into the top) / PKHTB (ASR imm into the bottom).
                let tb = ty & 2 != 0;
                let (b, _) = shift_imm_c(
                    self.rg(rm),
                    if tb { ASR } else { LSL },
                    u32::from(imm),
                    self.c,
                );
                let a = self.rg(rn);
                let v = if tb {
                    (a & 0xffff_0000) | (b & 0xffff)
                } else {
                    (a & 0xffff) | (b & 0xffff_0000)
                };
                self.write_reg(rd, v)
            }
            Op::DP_r {
                op,
                s,
                rn,
                rd,
                ty,
                rm,
                imm,
            } => {
                let (b, sc) = shift_imm_c(self.rg(rm), ty, u32::from(imm), self.c);
                self.data_processing(op, s, rn, rd, b, sc)
            }
            Op::DP_i {
                op,
                s,
                rn,
                rd,
                imm,
                rot,
            } => {
                let sc = if rot != 0 { imm >> 31 != 0 } else { self.c };
                self.data_processing(op, s, rn, rd, imm, sc)
            }
            Op::ADDW { rn, rd, imm } => {
                let base = if rn == 15 { pc4 & !3 } else { self.rg(rn) };
                self.write_reg(rd, base.wrapping_add(imm))
            }
            Op::SUBW { rn, rd, imm } => {
                let base = if rn == 15 { pc4 & !3 } else { self.rg(rn) };
                self.write_reg(rd, base.wrapping_sub(imm))
            }
            Op::MOVW { rd, imm } => self.write_reg(rd, imm),
            Op::MOVT { rd, imm } => {
                let v = (self.rg(rd) & 0xffff) | (imm << 16);
                self.write_reg(rd, v)
            }
            Op::SSAT {
                sh,
                rn,
                rd,
                sat,
                imm,
            } => {
                if sh != 0 && imm == 0 {
                    // SSAT16: each halfword to sat+1 bits.
                    let v = self.rg(rn);
                    let n = u32::from(sat & 0xf) + 1;
                    let (lo, q1) = signed_sat_q(i64::from(v as u16 as i16), n);
                    let (hi, q2) = signed_sat_q(i64::from((v >> 16) as u16 as i16), n);
                    self.q |= q1 || q2;
                    return self.write_reg(rd, (lo & 0xffff) | (hi << 16));
                }
                let (x, _) = shift_imm_c(
                    self.rg(rn),
                    if sh != 0 { ASR } else { LSL },
                    u32::from(imm),
                    self.c,
                );
                let (r, q) = signed_sat_q(i64::from(x as i32), u32::from(sat) + 1);
                if q {
                    self.q = true;
                }
                self.write_reg(rd, r)
            }
            Op::USAT {
                sh,
                rn,
                rd,
                sat,
                imm,
            } => {
                if sh != 0 && imm == 0 {
                    // USAT16: each halfword to sat bits.
                    let v = self.rg(rn);
                    let n = u32::from(sat & 0xf);
                    let (lo, q1) = unsigned_sat_q(i64::from(v as u16 as i16), n);
                    let (hi, q2) = unsigned_sat_q(i64::from((v >> 16) as u16 as i16), n);
                    self.q |= q1 || q2;
                    return self.write_reg(rd, (lo & 0xffff) | (hi << 16));
                }
                let (x, _) = shift_imm_c(
                    self.rg(rn),
                    if sh != 0 { ASR } else { LSL },
                    u32::from(imm),
                    self.c,
                );
                let (r, q) = unsigned_sat_q(i64::from(x as i32), u32::from(sat));
                if q {
                    self.q = true;
                }
                self.write_reg(rd, r)
            }
            Op::SBFX { rn, rd, wm1, lsb } | Op::UBFX { rn, rd, wm1, lsb } => {
                let width = u32::from(wm1) + 1;
                let lsb = u32::from(lsb);
                if lsb + width > 32 {
                    return Err(Fault::Undefined);
                }
                let v = self.rg(rn) >> lsb;
                let r = if let Op::SBFX { .. } = op {
                    sign_extend(v, width)
                } else if width == 32 {
                    v
                } else {
                    v & ((1 << width) - 1)
                };
                self.write_reg(rd, r)
            }
            Op::BFI { rn, rd, msb, lsb } => {
                let (msb, lsb) = (u32::from(msb), u32::from(lsb));
                if msb < lsb {
                    return Err(Fault::Undefined);
                }
                let width = msb - lsb + 1;
                let field = if width == 32 {
                    u32::MAX
                } else {
                    (1u32 << width) - 1
                };
                let mask = field << lsb;
                let src = if rn == 15 { 0 } else { self.rg(rn) };
                let v = (self.rg(rd) & !mask) | ((src << lsb) & mask);
                self.write_reg(rd, v)
            }

            // -- t32.decode: branches and miscellaneous control
            Op::MSR { rn, mask, sysm } => {
                let v = self.rg(rn);
                self.msr(sysm, mask, v);
                Ok(Flow::Next)
            }
            Op::MRS { rd, sysm } => {
                let v = self.mrs(sysm);
                self.write_reg(rd, v)
            }
            Op::CLREX => {
                self.monitor = None;
                Ok(Flow::Next)
            }
            Op::DSB { .. } | Op::DMB { .. } | Op::ISB { .. } => Ok(Flow::Next),
            Op::B_cond { cond, off } => {
                if cond >= 14 {
                    return Err(Fault::Undefined);
                }
                if self.cond_passed(cond) {
                    Ok(Flow::Branch(pc4.wrapping_add(off)))
                } else {
                    Ok(Flow::Next)
                }
            }
            Op::B_w { off } => Ok(Flow::Branch(pc4.wrapping_add(off))),
            Op::BL { off } => {
                self.r[14] = pc4 | 1;
                Ok(Flow::Branch(pc4.wrapping_add(off)))
            }

            // -- t32.decode: load/store single
            Op::LDR_lit { s, u, sz, rt, imm } => {
                let base = pc4 & !3;
                let a = if u != 0 {
                    base.wrapping_add(imm)
                } else {
                    base.wrapping_sub(imm)
                };
                self.ldst_single(bus, s, sz, 1, a, rt)
            }
            Op::LDST_i12 {
                s,
                sz,
                l,
                rn,
                rt,
                imm,
            } => {
                if rn == 15 {
                    return Err(Fault::Undefined);
                }
                let a = self.rg(rn).wrapping_add(imm);
                self.ldst_single(bus, s, sz, l, a, rt)
            }
            Op::LDST_i8 {
                s,
                sz,
                l,
                rn,
                rt,
                p,
                u,
                w,
                imm,
            } => {
                if (p == 0 && w == 0) || rn == 15 {
                    return Err(Fault::Undefined);
                }
                let base = self.rg(rn);
                let oa = if u != 0 {
                    base.wrapping_add(u32::from(imm))
                } else {
                    base.wrapping_sub(u32::from(imm))
                };
                let a = if p != 0 { oa } else { base };
                if rn == 13 && w != 0 {
                    self.check_sp_limit(oa)?;
                }
                if w != 0 {
                    // Write back after the access succeeds, before a loaded PC branches.
                    // Other than that load, these go on to the next instruction
                    // (a literal Next: copying ldst_single's result through the
                    // stack stalled on store forwarding).
                    if l == 0 {
                        self.ldst_single(bus, s, sz, l, a, rt)?;
                        self.r[usize::from(rn & 15)] = oa;
                        return Ok(Flow::Next);
                    }
                    if rt == 15 && sz == 2 {
                        let v = self.load(bus, a, Size::Word, false)?;
                        self.r[usize::from(rn & 15)] = oa;
                        return self.bx_write(bus, v);
                    }
                    self.ldst_single(bus, s, sz, l, a, rt)?;
                    if rt != rn {
                        self.r[usize::from(rn & 15)] = oa;
                    }
                    return Ok(Flow::Next);
                }
                self.ldst_single(bus, s, sz, l, a, rt)
            }
            Op::LDST_r {
                s,
                sz,
                l,
                rn,
                rt,
                sh,
                rm,
            } => {
                if rn == 15 {
                    return Err(Fault::Undefined);
                }
                let a = self.rg(rn).wrapping_add(self.rg(rm) << sh);
                self.ldst_single(bus, s, sz, l, a, rt)
            }

            // -- t32.decode: data processing (register)
            Op::SHIFT_r { ty, s, rn, rd, rm } => {
                let (r, c) = shift_c(self.rg(rn), ty, self.rg(rm) & 0xff, self.c);
                if s != 0 {
                    self.set_nz(r);
                    self.c = c;
                }
                self.write_reg(rd, r)
            }
            Op::EXTEND {
                op: xop,
                rn,
                rd,
                rot,
                rm,
            } => {
                let v = self.rg(rm).rotate_right(8 * u32::from(rot));
                let add = if rn == 15 { 0 } else { self.rg(rn) };
                let r = match xop {
                    0 => add.wrapping_add(v as u16 as i16 as i32 as u32),
                    1 => add.wrapping_add(v & 0xffff),
                    2 | 3 => {
                        let (lo, hi) = if xop == 2 {
                            (
                                (v as u8 as i8 as i32) as u32,
                                ((v >> 16) as u8 as i8 as i32) as u32,
                            )
                        } else {
                            (v & 0xff, (v >> 16) & 0xff)
                        };
                        let l = add.wrapping_add(lo) & 0xffff;
                        let h = (add >> 16).wrapping_add(hi) & 0xffff;
                        l | (h << 16)
                    }
                    4 => add.wrapping_add(v as u8 as i8 as i32 as u32),
                    5 => add.wrapping_add(v & 0xff),
                    _ => return Err(Fault::Undefined),
                };
                self.write_reg(rd, r)
            }
            Op::PARALLEL {
                op,
                rn,
                rd,
                u,
                kind,
                rm,
            } => {
                let v = self.parallel(op, u != 0, kind, self.rg(rn), self.rg(rm))?;
                self.write_reg(rd, v)
            }
            Op::QADDSUB { rn, rd, op, rm } => {
                let mut q = false;
                let mut b = i64::from(self.rg(rn) as i32);
                if op & 1 != 0 {
                    let (d, q1) = signed_sat_q(2 * b, 32);
                    b = i64::from(d as i32);
                    q |= q1;
                }
                let a = i64::from(self.rg(rm) as i32);
                let (r, q2) = signed_sat_q(if op & 2 != 0 { a - b } else { a + b }, 32);
                self.q |= q || q2;
                self.write_reg(rd, r)
            }
            Op::SEL { rn, rd, rm } => {
                let (a, b) = (self.rg(rn), self.rg(rm));
                let mut v = 0;
                for i in 0..4 {
                    let lane = 0xffu32 << (8 * i);
                    v |= if self.ge & (1 << i) != 0 {
                        a & lane
                    } else {
                        b & lane
                    };
                }
                self.write_reg(rd, v)
            }
            Op::REV_w { rd, rm, .. } => self.write_reg(rd, self.rg(rm).swap_bytes()),
            Op::REV16_w { rd, rm, .. } => {
                let v = self.rg(rm);
                self.write_reg(rd, ((v & 0x00ff_00ff) << 8) | ((v >> 8) & 0x00ff_00ff))
            }
            Op::RBIT { rd, rm, .. } => self.write_reg(rd, self.rg(rm).reverse_bits()),
            Op::REVSH_w { rd, rm, .. } => {
                let v = (self.rg(rm) as u16).swap_bytes() as i16 as i32 as u32;
                self.write_reg(rd, v)
            }
            Op::CLZ { rd, rm, .. } => self.write_reg(rd, self.rg(rm).leading_zeros()),

            // -- t32.decode: multiply and divide
            Op::MLA { rn, ra, rd, rm } => {
                let mut r = self.rg(rn).wrapping_mul(self.rg(rm));
                if ra != 15 {
                    r = r.wrapping_add(self.rg(ra));
                }
                self.write_reg(rd, r)
            }
            Op::MLS { rn, ra, rd, rm } => {
                let r = self
                    .rg(ra)
                    .wrapping_sub(self.rg(rn).wrapping_mul(self.rg(rm)));
                self.write_reg(rd, r)
            }
            Op::SMULL { rn, rdlo, rdhi, rm }
            | Op::UMULL { rn, rdlo, rdhi, rm }
            | Op::SMLAL { rn, rdlo, rdhi, rm }
            | Op::UMLAL { rn, rdlo, rdhi, rm }
            | Op::UMAAL { rn, rdlo, rdhi, rm } => {
                let (a, b) = (self.rg(rn), self.rg(rm));
                let acc = (u64::from(self.rg(rdhi)) << 32) | u64::from(self.rg(rdlo));
                let r: u64 = match op {
                    Op::SMULL { .. } => (i64::from(a as i32) * i64::from(b as i32)) as u64,
                    Op::UMULL { .. } => u64::from(a) * u64::from(b),
                    Op::SMLAL { .. } => {
                        ((i64::from(a as i32) * i64::from(b as i32)) as u64).wrapping_add(acc)
                    }
                    Op::UMLAL { .. } => (u64::from(a) * u64::from(b)).wrapping_add(acc),
                    _ => {
                        u64::from(a) * u64::from(b)
                            + u64::from(self.rg(rdlo))
                            + u64::from(self.rg(rdhi))
                    }
                };
                self.r[usize::from(rdlo & 15)] = r as u32;
                self.r[usize::from(rdhi & 15)] = (r >> 32) as u32;
                Ok(Flow::Next)
            }
            // -- t32.decode: DSP multiplies
            Op::SMLAxy {
                rn,
                ra,
                rd,
                n,
                m,
                rm,
            } => {
                let a = half(self.rg(rn), n);
                let b = half(self.rg(rm), m);
                let p = a * b;
                if ra == 15 {
                    return self.write_reg(rd, p as u32);
                }
                let r = i64::from(p) + i64::from(self.rg(ra) as i32);
                if r != i64::from(r as i32) {
                    self.q = true;
                }
                self.write_reg(rd, r as u32)
            }
            Op::SMLAWy { rn, ra, rd, m, rm } => {
                let p = (i64::from(self.rg(rn) as i32) * i64::from(half(self.rg(rm), m))) >> 16;
                if ra == 15 {
                    return self.write_reg(rd, p as u32);
                }
                let r = p + i64::from(self.rg(ra) as i32);
                if r != i64::from(r as i32) {
                    self.q = true;
                }
                self.write_reg(rd, r as u32)
            }
            Op::SMLAD { rn, ra, rd, x, rm } | Op::SMLSD { rn, ra, rd, x, rm } => {
                let (a, mut b) = (self.rg(rn), self.rg(rm));
                if x != 0 {
                    b = b.rotate_right(16);
                }
                let p1 = i64::from(half(a, 0) * half(b, 0));
                let p2 = i64::from(half(a, 1) * half(b, 1));
                let mut r = if let Op::SMLAD { .. } = op {
                    p1 + p2
                } else {
                    p1 - p2
                };
                if ra != 15 {
                    r += i64::from(self.rg(ra) as i32);
                }
                if r != i64::from(r as i32) {
                    self.q = true;
                }
                self.write_reg(rd, r as u32)
            }
            Op::SMMLA { rn, ra, rd, r, rm } | Op::SMMLS { rn, ra, rd, r, rm } => {
                let p = i64::from(self.rg(rn) as i32) * i64::from(self.rg(rm) as i32);
                let acc = if ra == 15 {
                    0
                } else {
                    i64::from(self.rg(ra) as i32) << 32
                };
                let mut v = if let Op::SMMLA { .. } = op {
                    acc.wrapping_add(p)
                } else {
                    acc.wrapping_sub(p)
                };
                if r != 0 {
                    v = v.wrapping_add(0x8000_0000);
                }
                self.write_reg(rd, (v >> 32) as u32)
            }
            Op::USADA8 { rn, ra, rd, rm } => {
                let (a, b) = (self.rg(rn), self.rg(rm));
                let mut sum = if ra == 15 { 0u32 } else { self.rg(ra) };
                for i in 0..4 {
                    let x = (a >> (8 * i)) & 0xff;
                    let y = (b >> (8 * i)) & 0xff;
                    sum = sum.wrapping_add(x.abs_diff(y));
                }
                self.write_reg(rd, sum)
            }
            Op::SMLALxy {
                rn,
                rdlo,
                rdhi,
                n,
                m,
                rm,
            } => {
                let p = i64::from(half(self.rg(rn), n) * half(self.rg(rm), m));
                self.accumulate_long(rdlo, rdhi, p);
                Ok(Flow::Next)
            }
            Op::SMLALD {
                rn,
                rdlo,
                rdhi,
                x,
                rm,
            }
            | Op::SMLSLD {
                rn,
                rdlo,
                rdhi,
                x,
                rm,
            } => {
                let (a, mut b) = (self.rg(rn), self.rg(rm));
                if x != 0 {
                    b = b.rotate_right(16);
                }
                let p1 = i64::from(half(a, 0) * half(b, 0));
                let p2 = i64::from(half(a, 1) * half(b, 1));
                let p = if let Op::SMLALD { .. } = op {
                    p1 + p2
                } else {
                    p1 - p2
                };
                self.accumulate_long(rdlo, rdhi, p);
                Ok(Flow::Next)
            }
            Op::SDIV { rn, rd, rm } | Op::UDIV { rn, rd, rm } => {
                let (n, m) = (self.rg(rn), self.rg(rm));
                let r = if m == 0 {
                    if self.sys.scb.ccr & CCR_DIV_0_TRP != 0 {
                        return Err(Fault::DivideByZero);
                    }
                    0
                } else if let Op::SDIV { .. } = op {
                    (n as i32).wrapping_div(m as i32) as u32
                } else {
                    n / m
                };
                self.stall(1);
                self.write_reg(rd, r)
            }

            Op::UNDEFINED => Err(Fault::Undefined),

            // -- vfp.decode
            fp => self.exec_fp(bus, fp, pc4),
        }
    }
}
