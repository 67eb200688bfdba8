"""rig: random instruction-sequence generator for the differential CPU tests.

generate(seed, length) returns GNU assembler source (Thumb-2, unified syntax)
defining `rig_blocks`, `rig_count` and `rig_init` for gen/rig_main.c. Each
block is a function: it loads r0-r9, APSR and s0-s15 from its row of
`rig_init`, runs random instructions, then stores r0-r9, APSR, FPSCR and
s0-s15 into `rig_out`. rig_main.c prints every block's results and a checksum
of the sandbox memory, so QEMU and mb4 must agree on every register, flag
and byte.

Registers: r0-r9 are operands and destinations; r10 is the memory base,
reset to the middle of a 512-byte sandbox before every memory instruction (so
writeback and offsets stay inside it); r11 holds the sandbox address; r12, sp,
lr, pc are never operands. That keeps every encoding away from the
UNPREDICTABLE uses of SP and PC. Other exclusions, each UNPREDICTABLE or
CONSTRAINED UNPREDICTABLE in the ARMv8-M ARM:
  - LDRD/STRD and LDM/STM with the base in the list or writeback to it
    (the base is r10, never in a list);
  - long multiplies with RdLo == RdHi (the generator picks distinct ones);
  - instructions inside an IT block other than the last that change the PC
    (no branches inside IT blocks);
  - SSAT/USAT and bitfield widths out of range (generated in range).
Any seed reproduces: `cputest.py random --first S --seeds 1`.
"""

import random
import struct

LOW = [f"r{i}" for i in range(8)]
REGS = [f"r{i}" for i in range(10)]
CONDS = ["eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le"]

# Interesting 32-bit values: edges of signed/unsigned ranges, bytes, halves.
INT_EDGES = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
             0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFF, 0xFFFFFFFE, 0x55555555,
             0xAAAAAAAA, 0x00FF00FF, 0xFF00FF00, 0x7F7F7F7F, 0x80808080]


def f32(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


# FP corner cases as bit patterns: zeros, denormals, normals at the edges,
# infinities, quiet and signalling NaNs, values that round differently.
FP_EDGES = [0x00000000, 0x80000000, 0x00000001, 0x807FFFFF, 0x00800000, 0x7F7FFFFF,
            0xFF7FFFFF, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00001, 0x7F800001,
            0x7FA00000, f32(1.0), f32(-1.0), f32(0.5), f32(1.5), f32(2.5), f32(-2.5),
            f32(3.14159), f32(1e10), f32(-1e-10), f32(65504.0), f32(65520.0),
            f32(2147483648.0), f32(-2147483904.0), f32(4294967296.0), f32(0.1)]


def modified_imm(r):
    """A constant Thumb-2 'modified immediate' encoding can hold."""
    b = r.randrange(256)
    kind = r.randrange(5)
    if kind == 0:
        return b
    if kind == 1:
        return b * 0x00010001
    if kind == 2:
        return b * 0x01000100
    if kind == 3:
        return b * 0x01010101
    return ((0x80 | (b & 0x7F)) << r.randrange(0, 25)) & 0xFFFFFFFF


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.label = 0

    def reg(self):
        return self.r.choice(REGS)

    def low(self):
        return self.r.choice(LOW)

    def shift(self):
        kind = self.r.choice(["lsl", "lsr", "asr", "ror"])
        n = self.r.randrange(1, 32)
        return f", {kind} #{n}"

    # --- instruction groups ------------------------------------------------
    def t16(self):
        r, lo = self.r, self.low
        return r.choice([
            lambda: f"adds {lo()}, {lo()}, {lo()}",
            lambda: f"subs {lo()}, {lo()}, {lo()}",
            lambda: f"adds {lo()}, {lo()}, #{r.randrange(8)}",
            lambda: f"subs {lo()}, #{r.randrange(256)}",
            lambda: f"movs {lo()}, #{r.randrange(256)}",
            lambda: f"cmp {lo()}, #{r.randrange(256)}",
            lambda: f"{r.choice(['ands', 'eors', 'orrs', 'bics', 'adcs', 'sbcs', 'tst', 'cmn', 'muls', 'mvns'])} {lo()}, {lo()}",
            lambda: f"{r.choice(['lsls', 'lsrs', 'asrs'])} {lo()}, {lo()}, #{r.randrange(1, 32)}",
            lambda: f"{r.choice(['lsls', 'lsrs', 'asrs', 'rors'])} {lo()}, {lo()}",
            lambda: f"rsbs {lo()}, {lo()}, #0",
            lambda: f"{r.choice(['sxtb', 'sxth', 'uxtb', 'uxth', 'rev', 'rev16', 'revsh'])} {lo()}, {lo()}",
        ])()

    def dp32(self):
        r, g = self.r, self.reg
        ops3 = ["add", "adds", "sub", "subs", "adc", "adcs", "sbc", "sbcs", "rsb", "rsbs",
                "and", "ands", "orr", "orrs", "eor", "eors", "bic", "bics", "orn", "orns"]
        return r.choice([
            lambda: f"{r.choice(ops3)}.w {g()}, {g()}, {g()}",
            lambda: f"{r.choice(ops3)}.w {g()}, {g()}, {g()}{self.shift()}",
            lambda: f"{r.choice(ops3)}.w {g()}, {g()}, #{modified_imm(r):#x}",
            lambda: f"{r.choice(['addw', 'subw'])} {g()}, {g()}, #{r.randrange(4096)}",
            lambda: f"{r.choice(['mov', 'movs', 'mvn', 'mvns'])}.w {g()}, #{modified_imm(r):#x}",
            lambda: f"{r.choice(['mov', 'movs', 'mvn', 'mvns'])} {g()}, {g()}{self.shift()}",
            lambda: f"{r.choice(['cmp', 'cmn', 'tst', 'teq'])}.w {g()}, #{modified_imm(r):#x}",
            lambda: f"{r.choice(['cmp', 'cmn', 'tst', 'teq'])}.w {g()}, {g()}{self.shift()}",
            lambda: f"{r.choice(['lsl', 'lsls', 'lsr', 'lsrs', 'asr', 'asrs', 'ror', 'rors'])}.w {g()}, {g()}, {g()}",
            lambda: f"{r.choice(['rrx', 'rrxs'])} {g()}, {g()}",
            lambda: f"movw {g()}, #{r.randrange(65536)}",
            lambda: f"movt {g()}, #{r.randrange(65536)}",
        ])()

    def mul(self):
        r, g = self.r, self.reg
        lo, hi = r.sample(REGS, 2)
        return r.choice([
            lambda: f"{r.choice(['mul', 'muls'])} {g()}, {g()}, {g()}" if False else f"mul {g()}, {g()}, {g()}",
            lambda: f"{r.choice(['mla', 'mls'])} {g()}, {g()}, {g()}, {g()}",
            lambda: f"{r.choice(['umull', 'smull', 'umlal', 'smlal', 'umaal'])} {lo}, {hi}, {g()}, {g()}",
            lambda: f"{r.choice(['udiv', 'sdiv'])} {g()}, {g()}, {g()}",
        ])()

    def dsp(self):
        r, g = self.r, self.reg
        lo, hi = r.sample(REGS, 2)
        simd = [p + o for p in ["s", "q", "sh", "u", "uq", "uh"]
                for o in ["add16", "asx", "sax", "sub16", "add8", "sub8"]]
        return r.choice([
            lambda: f"{r.choice(simd)} {g()}, {g()}, {g()}",
            lambda: f"{r.choice(['qadd', 'qsub', 'qdadd', 'qdsub', 'sel', 'usad8'])} {g()}, {g()}, {g()}",
            lambda: f"usada8 {g()}, {g()}, {g()}, {g()}",
            lambda: f"ssat {g()}, #{r.randrange(1, 33)}, {g()}{r.choice(['', f', lsl #{r.randrange(1, 32)}', f', asr #{r.randrange(1, 32)}'])}",
            lambda: f"usat {g()}, #{r.randrange(0, 32)}, {g()}{r.choice(['', f', lsl #{r.randrange(1, 32)}'])}",
            lambda: f"ssat16 {g()}, #{r.randrange(1, 17)}, {g()}",
            lambda: f"usat16 {g()}, #{r.randrange(0, 16)}, {g()}",
            lambda: f"{r.choice(['smulbb', 'smulbt', 'smultb', 'smultt', 'smulwb', 'smulwt', 'smuad', 'smuadx', 'smusd', 'smusdx', 'smmul', 'smmulr'])} {g()}, {g()}, {g()}",
            lambda: f"{r.choice(['smlabb', 'smlabt', 'smlatb', 'smlatt', 'smlawb', 'smlawt', 'smlad', 'smladx', 'smlsd', 'smlsdx', 'smmla', 'smmlar', 'smmls', 'smmlsr'])} {g()}, {g()}, {g()}, {g()}",
            lambda: f"{r.choice(['smlalbb', 'smlalbt', 'smlaltb', 'smlaltt', 'smlald', 'smlaldx', 'smlsld', 'smlsldx'])} {lo}, {hi}, {g()}, {g()}",
            lambda: f"{r.choice(['pkhbt'])} {g()}, {g()}, {g()}, lsl #{r.randrange(0, 32)}",
            lambda: f"{r.choice(['pkhtb'])} {g()}, {g()}, {g()}, asr #{r.randrange(1, 32)}",
            lambda: f"{r.choice(['sxtab', 'sxtah', 'uxtab', 'uxtah', 'sxtab16', 'uxtab16'])} {g()}, {g()}, {g()}, ror #{r.choice([0, 8, 16, 24])}",
            lambda: f"{r.choice(['sxtb16', 'uxtb16', 'sxtb', 'uxth'])}.w {g()}, {g()}" if False else f"{r.choice(['sxtb16', 'uxtb16'])} {g()}, {g()}",
        ])()

    def bits(self):
        r, g = self.r, self.reg
        lsb = r.randrange(32)
        width = r.randrange(1, 33 - lsb)
        return r.choice([
            lambda: f"bfi {g()}, {g()}, #{lsb}, #{width}",
            lambda: f"bfc {g()}, #{lsb}, #{width}",
            lambda: f"{r.choice(['ubfx', 'sbfx'])} {g()}, {g()}, #{lsb}, #{width}",
            lambda: f"{r.choice(['rev', 'rev16', 'revsh', 'rbit', 'clz'])}.w {g()}, {g()}" if False else f"{r.choice(['rbit', 'clz'])} {g()}, {g()}",
            lambda: f"{r.choice(['rev', 'rev16', 'revsh'])}.w {g()}, {g()}",
        ])()

    def mem(self):
        """One memory instruction, base r10 set first to the sandbox's middle."""
        r, g = self.r, self.reg
        size = r.choice(["", "b", "h", "sb", "sh"])
        align = {"": 4, "b": 1, "h": 2, "sb": 1, "sh": 2}[size]
        off = r.randrange(-32, 32) * align
        rt = g()
        store = r.random() < 0.4 and size in ("", "b", "h")
        op = ("str" if store else "ldr") + size
        form = r.randrange(6)
        if form == 0:
            body = f"{op}.w {rt}, [r10, #{abs(off) if off >= 0 else off}]" if off >= 0 else f"{op} {rt}, [r10, #{off}]"
        elif form == 1:
            body = f"{op} {rt}, [r10, #{off}]!"
        elif form == 2:
            body = f"{op} {rt}, [r10], #{off}"
        elif form == 3:
            idx = g()
            # index masked small so the address stays in the sandbox
            return [f"and r12, {idx}, #0x3c", f"add r10, r11, #256",
                    f"{op}.w {rt}, [r10, r12, lsl #{r.randrange(0, 3)}]"]
        elif form == 4:
            a, b = r.sample(REGS, 2)
            o = r.randrange(-16, 16) * 4
            if r.random() < 0.5:
                body = f"strd {a}, {b}, [r10, #{o}]"
            else:
                body = f"ldrd {a}, {b}, [r10, #{o}]"
        else:
            regs = sorted(r.sample(range(10), r.randrange(1, 5)))
            lst = ", ".join(f"r{i}" for i in regs)
            body = f"{r.choice(['ldmia', 'stmia', 'ldmdb', 'stmdb'])} r10{r.choice(['', '!'])}, {{{lst}}}"
        return ["add r10, r11, #256", body]

    def excl(self):
        g = self.reg
        o = self.r.randrange(0, 16) * 4
        a, b = self.r.sample(REGS, 2)
        return [f"add r10, r11, #{o}", f"ldrex {a}, [r10]",
                f"add {b}, {a}, #1" if self.r.random() < 0.5 else "clrex",
                f"strex r12, {b}, [r10]", f"and {g()}, r12, #1"]

    def it_block(self):
        r = self.r
        cond = r.choice(CONDS)
        n = r.randrange(1, 5)
        pattern = "".join(r.choice("te") for _ in range(n - 1))
        inv = {"eq": "ne", "ne": "eq", "cs": "cc", "cc": "cs", "mi": "pl", "pl": "mi",
               "vs": "vc", "vc": "vs", "hi": "ls", "ls": "hi", "ge": "lt", "lt": "ge",
               "gt": "le", "le": "gt"}
        conds = [cond] + [cond if c == "t" else inv[cond] for c in pattern]
        out = [f"it{pattern} {cond}"]
        for c in conds:
            base = self.dp32() if r.random() < 0.7 else self.dsp()
            op, rest = base.split(" ", 1)
            if "." in op:
                name, w = op.split(".", 1)
                out.append(f"{name}{c}.{w} {rest}")
            else:
                out.append(f"{op}{c} {rest}")
        return out

    def branch(self):
        r = self.r
        self.label += 1
        lab = f".Lrig{self.label}"
        kind = r.randrange(3)
        if kind == 0:
            first = f"b{r.choice(CONDS)}.w {lab}"
        elif kind == 1:
            first = f"{r.choice(['cbz', 'cbnz'])} {self.low()}, {lab}"
        else:
            first = f"b{r.choice(CONDS)} {lab}"
        return [first, self.dp32(), self.t16(), f"{lab}:"]

    def table_branch(self):
        """TBB over a 4-entry table, index masked to 0..3."""
        self.label += 1
        n = self.label
        idx = self.reg()
        return [f"and r12, {idx}, #3", f"tbb [pc, r12]", f".Ltbb{n}:",
                f".byte (.Ltb{n}a-.Ltbb{n})/2, (.Ltb{n}b-.Ltbb{n})/2, (.Ltb{n}c-.Ltbb{n})/2, (.Ltb{n}d-.Ltbb{n})/2",
                f".Ltb{n}a:", self.dp32(), f".Ltb{n}b:", self.dp32(), f".Ltb{n}c:", self.t16(),
                f".Ltb{n}d:", "nop.w"]

    def fp(self):
        r = self.r

        def s():
            return f"s{r.randrange(16)}"
        return r.choice([
            lambda: f"{r.choice(['vadd', 'vsub', 'vmul', 'vnmul', 'vdiv'])}.f32 {s()}, {s()}, {s()}",
            lambda: f"{r.choice(['vfma', 'vfms', 'vfnma', 'vfnms', 'vmla', 'vmls', 'vnmla', 'vnmls'])}.f32 {s()}, {s()}, {s()}",
            lambda: f"{r.choice(['vsqrt', 'vabs', 'vneg', 'vmov'])}.f32 {s()}, {s()}",
            lambda: f"{r.choice(['vcvt.s32.f32', 'vcvt.u32.f32', 'vcvtr.s32.f32', 'vcvtr.u32.f32', 'vcvt.f32.s32', 'vcvt.f32.u32'])} {s()}, {s()}",
            lambda: f"{r.choice(['vcvta', 'vcvtn', 'vcvtp', 'vcvtm'])}.{r.choice(['s32', 'u32'])}.f32 {s()}, {s()}",
            lambda: (lambda x: f"{r.choice(['vcvt.s32.f32', 'vcvt.u32.f32', 'vcvt.f32.s32', 'vcvt.f32.u32', 'vcvt.s16.f32', 'vcvt.f32.u16'])} {x}, {x}, #{r.randrange(1, 17)}")(s()),
            lambda: f"{r.choice(['vcvtb', 'vcvtt'])}.{r.choice(['f16.f32', 'f32.f16'])} {s()}, {s()}",
            lambda: f"{r.choice(['vrinta', 'vrintn', 'vrintp', 'vrintm', 'vrintx', 'vrintz', 'vrintr'])}.f32 {s()}, {s()}",
            lambda: f"{r.choice(['vmaxnm', 'vminnm'])}.f32 {s()}, {s()}, {s()}",
            lambda: f"vsel{r.choice(['eq', 'ge', 'gt', 'vs'])}.f32 {s()}, {s()}, {s()}",
            lambda: [f"{r.choice(['vcmp', 'vcmpe'])}.f32 {s()}, {s() if r.random() < 0.8 else '#0'}", "vmrs APSR_nzcv, fpscr"],
            lambda: f"vmov {self.reg()}, {s()}",
            lambda: f"vmov {s()}, {self.reg()}",
            lambda: f"vmov.f32 {s()}, #{r.choice(['1.0', '-2.5', '0.125', '31.0', '-0.5'])}",
            lambda: ["add r10, r11, #256", f"{r.choice(['vldr', 'vstr'])} {s()}, [r10, #{r.randrange(-16, 16) * 4}]"],
        ])()

    def one(self):
        r = self.r
        group = r.choices(
            [self.t16, self.dp32, self.mul, self.dsp, self.bits, self.mem, self.excl,
             self.it_block, self.branch, self.table_branch, self.fp],
            weights=[10, 16, 5, 10, 5, 10, 2, 6, 4, 2, 12])[0]
        out = group()
        return out if isinstance(out, list) else [out]


def generate(seed: int, length: int) -> str:
    """Assembly for `length` instructions (roughly) in blocks of about 20."""
    g = Gen(seed)
    r = g.r
    blocks = max(1, length // 20)
    lines = [".syntax unified", ".thumb", ".text"]
    inits = []
    for b in range(blocks):
        lines += [".balign 4", f".thumb_func", f"rig_block{b}:",
                  "push {r4-r11, lr}",
                  "mov r12, r0",
                  "ldr r0, [r12, #40]", "msr APSR_nzcvqg, r0",
                  "ldr r0, [r12, #44]", "vmsr fpscr, r0",
                  "add r0, r12, #48", "vldm r0, {s0-s15}",
                  "ldm r12, {r0-r9}",
                  "ldr r11, =rig_sandbox"]
        for _ in range(20):
            lines += g.one()
        lines += ["ldr r12, =rig_out", "stm r12, {r0-r9}",
                  "mrs r0, APSR", "str r0, [r12, #40]",
                  "vmrs r0, fpscr", "str r0, [r12, #44]",
                  "add r0, r12, #48", "vstm r0, {s0-s15}",
                  "pop {r4-r11, pc}", ".ltorg"]
        row = [r.choice(INT_EDGES) if r.random() < 0.5 else r.getrandbits(32) for _ in range(10)]
        apsr = r.getrandbits(5) << 27 | r.getrandbits(4) << 16
        # FPSCR: rounding mode, FZ, DN, AHP; exception flags clear.
        fpscr = r.randrange(4) << 22 | r.randrange(2) << 24 | r.randrange(2) << 25 | r.randrange(2) << 26
        sregs = [r.choice(FP_EDGES) if r.random() < 0.7 else r.getrandbits(32) for _ in range(16)]
        inits.append(row + [apsr, fpscr] + sregs)
    lines += [".section .rodata", ".balign 4", ".global rig_count", "rig_count:", f".word {blocks}",
              ".global rig_blocks", "rig_blocks:"]
    lines += [f".word rig_block{b} + 1" for b in range(blocks)]
    lines += [".global rig_init", "rig_init:"]
    for row in inits:
        lines.append(".word " + ", ".join(f"{v:#010x}" for v in row))
    return "\n".join(lines) + "\n"
