//! Disassembly of decoded instructions into Arm UAL syntax, for traces, error
//! messages and debuggers. It reads the same [`Op`] the executor runs, so what
//! is printed is what is executed. Instructions without a UAL formatter yet
//! print as their pattern name and fields (`Op` debug form).

use crate::decode::{Op, decode};
use std::fmt::Write as _;

/// Disassembles the instruction at `pc` made of `hw1` (and `hw2` if 32-bit).
pub fn describe(pc: u32, hw1: u16, hw2: u16) -> String {
    let d = decode(hw1, hw2);
    match d.op {
        Some(op) => describe_op(&op, pc),
        None if d.len == 4 => format!("udf (undefined {hw1:04x} {hw2:04x})"),
        None => format!("udf (undefined {hw1:04x})"),
    }
}

const COND: [&str; 16] = [
    "eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "", "",
];
const SHIFT: [&str; 4] = ["lsl", "lsr", "asr", "ror"];
const DP: [&str; 16] = [
    "and", "bic", "orr", "orn", "eor", "?5", "pkh", "?7", "add", "?9", "adc", "sbc", "?12", "sub",
    "rsb", "?15",
];

fn r(n: u8) -> String {
    match n {
        13 => "sp".into(),
        14 => "lr".into(),
        15 => "pc".into(),
        _ => format!("r{n}"),
    }
}

fn list(bits: u32) -> String {
    let regs: Vec<String> = (0..16)
        .filter(|i| bits & (1 << i) != 0)
        .map(|i| r(i as u8))
        .collect();
    format!("{{{}}}", regs.join(", "))
}

fn shift(ty: u8, imm: u8) -> String {
    match (ty, imm) {
        (0, 0) => String::new(),
        (3, 0) => ", rrx".into(),
        (1 | 2, 0) => format!(", {} #32", SHIFT[usize::from(ty)]),
        _ => format!(", {} #{imm}", SHIFT[usize::from(ty)]),
    }
}

fn size_suffix(s: u8, sz: u8) -> &'static str {
    match (s, sz) {
        (0, 0) => "b",
        (0, 1) => "h",
        (1, 0) => "sb",
        (1, 1) => "sh",
        _ => "",
    }
}

fn sign(u: u8) -> &'static str {
    if u != 0 { "" } else { "-" }
}

/// Disassembles a decoded instruction located at `pc`.
pub fn describe_op(op: &Op, pc: u32) -> String {
    let pc4 = pc.wrapping_add(4);
    let target = |off: u32| format!("{:#010x}", pc4.wrapping_add(off));
    let s16 = "s"; // 16-bit data processing sets flags outside IT blocks
    let mut o = String::new();
    let _ = match *op {
        Op::LSL_i16 { imm, rm, rd } => write!(o, "lsl{s16} {}, {}, #{imm}", r(rd), r(rm)),
        Op::LSR_i16 { imm, rm, rd } => write!(
            o,
            "lsr{s16} {}, {}, #{}",
            r(rd),
            r(rm),
            if imm == 0 { 32 } else { imm }
        ),
        Op::ASR_i16 { imm, rm, rd } => write!(
            o,
            "asr{s16} {}, {}, #{}",
            r(rd),
            r(rm),
            if imm == 0 { 32 } else { imm }
        ),
        Op::ADD_r16 { rm, rn, rd } => write!(o, "add{s16} {}, {}, {}", r(rd), r(rn), r(rm)),
        Op::SUB_r16 { rm, rn, rd } => write!(o, "sub{s16} {}, {}, {}", r(rd), r(rn), r(rm)),
        Op::ADD_i16 { imm, rn, rd } => write!(o, "add{s16} {}, {}, #{imm}", r(rd), r(rn)),
        Op::SUB_i16 { imm, rn, rd } => write!(o, "sub{s16} {}, {}, #{imm}", r(rd), r(rn)),
        Op::MOV_i16 { rd, imm } => write!(o, "mov{s16} {}, #{imm}", r(rd)),
        Op::CMP_i16 { rn, imm } => write!(o, "cmp {}, #{imm}", r(rn)),
        Op::AND_r16 { rm, rd } => write!(o, "and{s16} {}, {}", r(rd), r(rm)),
        Op::EOR_r16 { rm, rd } => write!(o, "eor{s16} {}, {}", r(rd), r(rm)),
        Op::LSL_r16 { rm, rd } => write!(o, "lsl{s16} {}, {}", r(rd), r(rm)),
        Op::LSR_r16 { rm, rd } => write!(o, "lsr{s16} {}, {}", r(rd), r(rm)),
        Op::ASR_r16 { rm, rd } => write!(o, "asr{s16} {}, {}", r(rd), r(rm)),
        Op::ADC_r16 { rm, rd } => write!(o, "adc{s16} {}, {}", r(rd), r(rm)),
        Op::SBC_r16 { rm, rd } => write!(o, "sbc{s16} {}, {}", r(rd), r(rm)),
        Op::ROR_r16 { rm, rd } => write!(o, "ror{s16} {}, {}", r(rd), r(rm)),
        Op::TST_r16 { rm, rd } => write!(o, "tst {}, {}", r(rd), r(rm)),
        Op::RSB_i16 { rm, rd } => write!(o, "rsb{s16} {}, {}, #0", r(rd), r(rm)),
        Op::CMP_r16 { rm, rd } => write!(o, "cmp {}, {}", r(rd), r(rm)),
        Op::CMN_r16 { rm, rd } => write!(o, "cmn {}, {}", r(rd), r(rm)),
        Op::ORR_r16 { rm, rd } => write!(o, "orr{s16} {}, {}", r(rd), r(rm)),
        Op::MUL_r16 { rm, rd } => write!(o, "mul{s16} {}, {}, {}", r(rd), r(rm), r(rd)),
        Op::BIC_r16 { rm, rd } => write!(o, "bic{s16} {}, {}", r(rd), r(rm)),
        Op::MVN_r16 { rm, rd } => write!(o, "mvn{s16} {}, {}", r(rd), r(rm)),
        Op::ADD_hr16 { rm, rd } => write!(o, "add {}, {}", r(rd), r(rm)),
        Op::CMP_hr16 { rm, rn } => write!(o, "cmp {}, {}", r(rn), r(rm)),
        Op::MOV_hr16 { rm, rd } => write!(o, "mov {}, {}", r(rd), r(rm)),
        Op::BX { rm } => write!(o, "bx {}", r(rm)),
        Op::BLX_r { rm } => write!(o, "blx {}", r(rm)),
        Op::LDR_lit16 { rt, imm } => write!(
            o,
            "ldr {}, [pc, #{imm}]  @ {:#010x}",
            r(rt),
            (pc4 & !3).wrapping_add(imm)
        ),
        Op::STR_r16 { rm, rn, rt } => write!(o, "str {}, [{}, {}]", r(rt), r(rn), r(rm)),
        Op::STRH_r16 { rm, rn, rt } => write!(o, "strh {}, [{}, {}]", r(rt), r(rn), r(rm)),
        Op::STRB_r16 { rm, rn, rt } => write!(o, "strb {}, [{}, {}]", r(rt), r(rn), r(rm)),
        Op::LDRSB_r16 { rm, rn, rt } => write!(o, "ldrsb {}, [{}, {}]", r(rt), r(rn), r(rm)),
        Op::LDR_r16 { rm, rn, rt } => write!(o, "ldr {}, [{}, {}]", r(rt), r(rn), r(rm)),
        Op::LDRH_r16 { rm, rn, rt } => write!(o, "ldrh {}, [{}, {}]", r(rt), r(rn), r(rm)),
        Op::LDRB_r16 { rm, rn, rt } => write!(o, "ldrb {}, [{}, {}]", r(rt), r(rn), r(rm)),
        Op::LDRSH_r16 { rm, rn, rt } => write!(o, "ldrsh {}, [{}, {}]", r(rt), r(rn), r(rm)),
        Op::STR_i16 { rn, rt, imm } => write!(o, "str {}, [{}, #{imm}]", r(rt), r(rn)),
        Op::LDR_i16 { rn, rt, imm } => write!(o, "ldr {}, [{}, #{imm}]", r(rt), r(rn)),
        Op::STRH_i16 { rn, rt, imm } => write!(o, "strh {}, [{}, #{imm}]", r(rt), r(rn)),
        Op::LDRH_i16 { rn, rt, imm } => write!(o, "ldrh {}, [{}, #{imm}]", r(rt), r(rn)),
        Op::STRB_i16 { imm, rn, rt } => write!(o, "strb {}, [{}, #{imm}]", r(rt), r(rn)),
        Op::LDRB_i16 { imm, rn, rt } => write!(o, "ldrb {}, [{}, #{imm}]", r(rt), r(rn)),
        Op::ADR16 { rd, imm } => write!(o, "adr {}, {:#010x}", r(rd), (pc4 & !3).wrapping_add(imm)),
        Op::ADD_sp16 { rd, imm } => write!(o, "add {}, sp, #{imm}", r(rd)),
        Op::ADD_spi16 { imm } => write!(o, "add sp, #{imm}"),
        Op::SUB_spi16 { imm } => write!(o, "sub sp, #{imm}"),
        Op::CBZ { nz, rn, imm } => write!(
            o,
            "cb{}z {}, {}",
            if nz != 0 { "n" } else { "" },
            r(rn),
            target(imm)
        ),
        Op::SXTH_r16 { rm, rd } => write!(o, "sxth {}, {}", r(rd), r(rm)),
        Op::SXTB_r16 { rm, rd } => write!(o, "sxtb {}, {}", r(rd), r(rm)),
        Op::UXTH_r16 { rm, rd } => write!(o, "uxth {}, {}", r(rd), r(rm)),
        Op::UXTB_r16 { rm, rd } => write!(o, "uxtb {}, {}", r(rd), r(rm)),
        Op::PUSH16 { m, list: l } => {
            write!(o, "push {}", list(u32::from(l) | (u32::from(m) << 14)))
        }
        Op::POP16 { p, list: l } => write!(o, "pop {}", list(u32::from(l) | (u32::from(p) << 15))),
        Op::CPS { im, i, f } => write!(
            o,
            "cps{} {}{}",
            if im != 0 { "id" } else { "ie" },
            if i != 0 { "i" } else { "" },
            if f != 0 { "f" } else { "" }
        ),
        Op::REV_r16 { rm, rd } => write!(o, "rev {}, {}", r(rd), r(rm)),
        Op::REV16_r16 { rm, rd } => write!(o, "rev16 {}, {}", r(rd), r(rm)),
        Op::REVSH_r16 { rm, rd } => write!(o, "revsh {}, {}", r(rd), r(rm)),
        Op::BKPT { imm } => write!(o, "bkpt {imm:#04x}"),
        Op::NOP16 | Op::NOP_w => write!(o, "nop"),
        Op::YIELD16 | Op::YIELD_w => write!(o, "yield"),
        Op::WFE16 | Op::WFE_w => write!(o, "wfe"),
        Op::WFI16 | Op::WFI_w => write!(o, "wfi"),
        Op::SEV16 | Op::SEV_w => write!(o, "sev"),
        Op::IT { cond, mask } => {
            let first = cond & 1;
            let mut pattern = String::new();
            let n = 3 - mask.trailing_zeros().min(3);
            for i in 0..n {
                let bit = (mask >> (3 - i)) & 1;
                pattern.push(if bit == first { 't' } else { 'e' });
            }
            write!(o, "it{pattern} {}", COND[usize::from(cond)])
        }
        Op::STM16 { rn, list: l } => write!(o, "stmia {}!, {}", r(rn), list(u32::from(l))),
        Op::LDM16 { rn, list: l } => {
            let wb = if l & (1 << rn) == 0 { "!" } else { "" };
            write!(o, "ldmia {}{wb}, {}", r(rn), list(u32::from(l)))
        }
        Op::UDF16 { imm } => write!(o, "udf #{imm}"),
        Op::SVC { imm } => write!(o, "svc #{imm}"),
        Op::B_cond16 { cond, off } | Op::B_cond { cond, off } => {
            write!(o, "b{} {}", COND[usize::from(cond)], target(off))
        }
        Op::B16 { off } | Op::B_w { off } => write!(o, "b {}", target(off)),
        Op::BL { off } => write!(o, "bl {}", target(off)),
        Op::STM_w { w, rn, list: l } => write!(
            o,
            "stmia.w {}{}, {}",
            r(rn),
            if w != 0 { "!" } else { "" },
            list(l)
        ),
        Op::LDM_w { w, rn, list: l } => write!(
            o,
            "ldmia.w {}{}, {}",
            r(rn),
            if w != 0 { "!" } else { "" },
            list(l)
        ),
        Op::STMDB { w, rn, list: l } => write!(
            o,
            "stmdb {}{}, {}",
            r(rn),
            if w != 0 { "!" } else { "" },
            list(l)
        ),
        Op::LDMDB { w, rn, list: l } => write!(
            o,
            "ldmdb {}{}, {}",
            r(rn),
            if w != 0 { "!" } else { "" },
            list(l)
        ),
        Op::TBB { rn, h, rm } => {
            if h != 0 {
                write!(o, "tbh [{}, {}, lsl #1]", r(rn), r(rm))
            } else {
                write!(o, "tbb [{}, {}]", r(rn), r(rm))
            }
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
            let name = DP[usize::from(op & 15)];
            let s = if s != 0 { "s" } else { "" };
            match (op, rn, rd, s) {
                (2, 15, _, _) => write!(o, "mov{s}.w {}, {}{}", r(rd), r(rm), shift(ty, imm)),
                (3, 15, _, _) => write!(o, "mvn{s}.w {}, {}{}", r(rd), r(rm), shift(ty, imm)),
                (0 | 4 | 8 | 13, _, 15, "s") => {
                    let cmp = [
                        "tst", "", "", "", "teq", "", "", "", "cmn", "", "", "", "", "cmp",
                    ][usize::from(op)];
                    write!(o, "{cmp}.w {}, {}{}", r(rn), r(rm), shift(ty, imm))
                }
                _ => write!(
                    o,
                    "{name}{s}.w {}, {}, {}{}",
                    r(rd),
                    r(rn),
                    r(rm),
                    shift(ty, imm)
                ),
            }
        }
        Op::DP_i {
            op, s, rn, rd, imm, ..
        } => {
            let name = DP[usize::from(op & 15)];
            let s = if s != 0 { "s" } else { "" };
            match (op, rn, rd, s) {
                (2, 15, _, _) => write!(o, "mov{s}.w {}, #{imm:#x}", r(rd)),
                (3, 15, _, _) => write!(o, "mvn{s}.w {}, #{imm:#x}", r(rd)),
                (0 | 4 | 8 | 13, _, 15, "s") => {
                    let cmp = [
                        "tst", "", "", "", "teq", "", "", "", "cmn", "", "", "", "", "cmp",
                    ][usize::from(op)];
                    write!(o, "{cmp}.w {}, #{imm:#x}", r(rn))
                }
                _ => write!(o, "{name}{s}.w {}, {}, #{imm:#x}", r(rd), r(rn)),
            }
        }
        Op::ADDW { rn, rd, imm } => write!(o, "addw {}, {}, #{imm}", r(rd), r(rn)),
        Op::SUBW { rn, rd, imm } => write!(o, "subw {}, {}, #{imm}", r(rd), r(rn)),
        Op::MOVW { rd, imm } => write!(o, "movw {}, #{imm:#x}", r(rd)),
        Op::MOVT { rd, imm } => write!(o, "movt {}, #{imm:#x}", r(rd)),
        Op::SBFX { rn, rd, wm1, lsb } => {
            write!(o, "sbfx {}, {}, #{lsb}, #{}", r(rd), r(rn), wm1 + 1)
        }
        Op::UBFX { rn, rd, wm1, lsb } => {
            write!(o, "ubfx {}, {}, #{lsb}, #{}", r(rd), r(rn), wm1 + 1)
        }
        Op::BFI {
            rn: 15,
            rd,
            msb,
            lsb,
        } => write!(o, "bfc {}, #{lsb}, #{}", r(rd), msb + 1 - lsb.min(msb + 1)),
        Op::BFI { rn, rd, msb, lsb } => write!(
            o,
            "bfi {}, {}, #{lsb}, #{}",
            r(rd),
            r(rn),
            msb + 1 - lsb.min(msb + 1)
        ),
        Op::MSR { rn, sysm, .. } => write!(o, "msr {}, {}", sysreg(sysm), r(rn)),
        Op::MRS { rd, sysm } => write!(o, "mrs {}, {}", r(rd), sysreg(sysm)),
        Op::DSB { .. } => write!(o, "dsb sy"),
        Op::DMB { .. } => write!(o, "dmb sy"),
        Op::ISB { .. } => write!(o, "isb sy"),
        Op::CLREX => write!(o, "clrex"),
        Op::LDR_lit { s, u, sz, rt, imm } => write!(
            o,
            "ldr{}.w {}, [pc, #{}{imm}]",
            size_suffix(s, sz),
            r(rt),
            sign(u)
        ),
        Op::LDST_i12 {
            s,
            sz,
            l,
            rn,
            rt,
            imm,
        } => write!(
            o,
            "{}{}.w {}, [{}, #{imm}]",
            if l != 0 { "ldr" } else { "str" },
            size_suffix(s, sz),
            r(rt),
            r(rn)
        ),
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
            let m = if l != 0 { "ldr" } else { "str" };
            let suf = size_suffix(s, sz);
            match (p, w) {
                (1, 0) => write!(o, "{m}{suf} {}, [{}, #{}{imm}]", r(rt), r(rn), sign(u)),
                (1, _) => write!(o, "{m}{suf} {}, [{}, #{}{imm}]!", r(rt), r(rn), sign(u)),
                _ => write!(o, "{m}{suf} {}, [{}], #{}{imm}", r(rt), r(rn), sign(u)),
            }
        }
        Op::LDST_r {
            s,
            sz,
            l,
            rn,
            rt,
            sh,
            rm,
        } => write!(
            o,
            "{}{}.w {}, [{}, {}, lsl #{sh}]",
            if l != 0 { "ldr" } else { "str" },
            size_suffix(s, sz),
            r(rt),
            r(rn),
            r(rm)
        ),
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
            let m = if matches!(op, Op::LDRD { .. }) {
                "ldrd"
            } else {
                "strd"
            };
            let off = u32::from(imm) * 4;
            match (p, w) {
                (1, 0) => write!(
                    o,
                    "{m} {}, {}, [{}, #{}{off}]",
                    r(rt),
                    r(rt2),
                    r(rn),
                    sign(u)
                ),
                (1, _) => write!(
                    o,
                    "{m} {}, {}, [{}, #{}{off}]!",
                    r(rt),
                    r(rt2),
                    r(rn),
                    sign(u)
                ),
                _ => write!(
                    o,
                    "{m} {}, {}, [{}], #{}{off}",
                    r(rt),
                    r(rt2),
                    r(rn),
                    sign(u)
                ),
            }
        }
        Op::SHIFT_r { ty, s, rn, rd, rm } => write!(
            o,
            "{}{}.w {}, {}, {}",
            SHIFT[usize::from(ty)],
            if s != 0 { "s" } else { "" },
            r(rd),
            r(rn),
            r(rm)
        ),
        Op::REV_w { rd, rm, .. } => write!(o, "rev.w {}, {}", r(rd), r(rm)),
        Op::REV16_w { rd, rm, .. } => write!(o, "rev16.w {}, {}", r(rd), r(rm)),
        Op::RBIT { rd, rm, .. } => write!(o, "rbit {}, {}", r(rd), r(rm)),
        Op::REVSH_w { rd, rm, .. } => write!(o, "revsh.w {}, {}", r(rd), r(rm)),
        Op::CLZ { rd, rm, .. } => write!(o, "clz {}, {}", r(rd), r(rm)),
        Op::MLA { rn, ra: 15, rd, rm } => write!(o, "mul.w {}, {}, {}", r(rd), r(rn), r(rm)),
        Op::MLA { rn, ra, rd, rm } => write!(o, "mla {}, {}, {}, {}", r(rd), r(rn), r(rm), r(ra)),
        Op::MLS { rn, ra, rd, rm } => write!(o, "mls {}, {}, {}, {}", r(rd), r(rn), r(rm), r(ra)),
        Op::SMULL { rn, rdlo, rdhi, rm } => {
            write!(o, "smull {}, {}, {}, {}", r(rdlo), r(rdhi), r(rn), r(rm))
        }
        Op::UMULL { rn, rdlo, rdhi, rm } => {
            write!(o, "umull {}, {}, {}, {}", r(rdlo), r(rdhi), r(rn), r(rm))
        }
        Op::SMLAL { rn, rdlo, rdhi, rm } => {
            write!(o, "smlal {}, {}, {}, {}", r(rdlo), r(rdhi), r(rn), r(rm))
        }
        Op::UMLAL { rn, rdlo, rdhi, rm } => {
            write!(o, "umlal {}, {}, {}, {}", r(rdlo), r(rdhi), r(rn), r(rm))
        }
        Op::SDIV { rn, rd, rm } => write!(o, "sdiv {}, {}, {}", r(rd), r(rn), r(rm)),
        Op::UDIV { rn, rd, rm } => write!(o, "udiv {}, {}, {}", r(rd), r(rn), r(rm)),
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
            let m = if matches!(op, Op::VLDR { .. }) {
                "vldr"
            } else {
                "vstr"
            };
            let reg = if dbl != 0 {
                format!("d{vd}")
            } else {
                format!("s{vd}")
            };
            write!(o, "{m} {reg}, [{}, #{}{imm}]", r(rn), sign(u))
        }
        Op::VMOV_sr { op: 1, rt, vn } => write!(o, "vmov {}, s{vn}", r(rt)),
        Op::VMOV_sr { rt, vn, .. } => write!(o, "vmov s{vn}, {}", r(rt)),
        Op::VMRS { rt: 15 } => write!(o, "vmrs APSR_nzcv, fpscr"),
        Op::VMRS { rt } => write!(o, "vmrs {}, fpscr", r(rt)),
        Op::VMSR { rt } => write!(o, "vmsr fpscr, {}", r(rt)),
        Op::VADD { op, vd, vn, vm } => write!(
            o,
            "v{}.f32 s{vd}, s{vn}, s{vm}",
            if op != 0 { "sub" } else { "add" }
        ),
        Op::VMUL { op, vd, vn, vm } => write!(
            o,
            "v{}.f32 s{vd}, s{vn}, s{vm}",
            if op != 0 { "nmul" } else { "mul" }
        ),
        Op::VDIV { vd, vn, vm } => write!(o, "vdiv.f32 s{vd}, s{vn}, s{vm}"),
        Op::VMOV_reg { vd, vm } => write!(o, "vmov.f32 s{vd}, s{vm}"),
        Op::VCMP { e, vd, vm } => {
            write!(o, "vcmp{}.f32 s{vd}, s{vm}", if e != 0 { "e" } else { "" })
        }
        Op::VCMP_z { e, vd } => write!(o, "vcmp{}.f32 s{vd}, #0", if e != 0 { "e" } else { "" }),
        Op::TT { rn, rd, a, t } => write!(
            o,
            "tt{}{} {}, {}",
            if a != 0 { "a" } else { "" },
            if t != 0 { "t" } else { "" },
            r(rd),
            r(rn)
        ),
        Op::UNDEFINED => write!(o, "udf (undefined)"),
        _ => write!(o, "{op:?}"),
    };
    o
}

fn sysreg(sysm: u8) -> &'static str {
    match sysm {
        0 => "apsr",
        1 => "iapsr",
        2 => "eapsr",
        3 => "xpsr",
        5 => "ipsr",
        6 => "epsr",
        7 => "iepsr",
        8 => "msp",
        9 => "psp",
        10 => "msplim",
        11 => "psplim",
        16 => "primask",
        17 => "basepri",
        18 => "basepri_max",
        19 => "faultmask",
        20 => "control",
        _ => "?",
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn common_instructions() {
        assert_eq!(describe(0x100, 0x2005, 0), "movs r0, #5");
        assert_eq!(describe(0x100, 0xb510, 0), "push {r4, lr}");
        assert_eq!(describe(0x100, 0xbd10, 0), "pop {r4, pc}");
        assert_eq!(describe(0x100, 0xe7fe, 0), "b 0x00000100");
        assert_eq!(describe(0x100, 0xf000, 0xf800), "bl 0x00000104");
        assert_eq!(describe(0x100, 0xbf08, 0), "it eq");
        assert_eq!(describe(0x100, 0xbf0c, 0), "ite eq");
        assert_eq!(describe(0x100, 0xf851, 0x0f04), "ldr r0, [r1, #4]!");
        assert_eq!(describe(0x100, 0xea4f, 0x0041), "mov.w r0, r1, lsl #1");
        assert_eq!(describe(0x100, 0xf1b0, 0x0f00), "cmp.w r0, #0x0");
        assert_eq!(describe(0x100, 0xfbb1, 0xf0f2), "udiv r0, r1, r2");
        assert_eq!(describe(0x100, 0xf3ef, 0x8008), "mrs r0, msp");
        assert_eq!(describe(0x100, 0xee30, 0x0a01), "vadd.f32 s0, s0, s2");
        assert_eq!(describe(0x100, 0xde00, 0), "udf #0");
    }
}
