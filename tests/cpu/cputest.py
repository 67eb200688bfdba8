#!/usr/bin/env python3
"""Differential CPU tests: QEMU (mps2-an505) is the oracle, `mb4 emu run
--machine bare-m33` the emulator under test.

    cputest.py ci                 the CI suite (C programs, Rust program, random seeds)
    cputest.py c [NAME...]        only the C programs (all -O levels)
    cputest.py random --seeds N [--first S] [--length L]
                                  random instruction sequences (generator: gen/rig.py)
    cputest.py bench [--runs N]   the benchmark: runs `mb4 bench cpu` (tests/cpu/bench/bench.c)

Each program is built once, run on QEMU and (when `mb4 emu run --help`
works) on the emulator; stdout and the exit status must match exactly.
Programs whose output must not depend on the -O level are also compared
across levels on QEMU, which catches undefined behaviour in the tests.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BUILD = Path(os.environ.get("MB4_CPUTEST_BUILD", ROOT / "target" / "cputest"))
RT = HERE / "rt"

CC = "arm-none-eabi-gcc"
CFLAGS = [
    "-mcpu=cortex-m33",
    "-mthumb",
    "-mfloat-abi=hard",
    "-mfpu=fpv5-sp-d16",
    "-ffreestanding",
    "-fno-builtin-printf",
    "-nostdlib",
    "-nostartfiles",
    "-Wall",
    "-Werror",
    "-g",
    f"-I{RT}",
    "-T",
    str(RT / "link.ld"),
]
OPT_LEVELS = ["-O0", "-O1", "-O2", "-Os"]

QEMU = [
    "qemu-system-arm",
    "-M",
    "mps2-an505",
    "-display",
    "none",
    "-monitor",
    "none",
    "-serial",
    "null",
    # Without a chardev QEMU 7.2 writes semihosting output to its stderr.
    "-chardev",
    "stdio,id=semihosting,signal=off",
    "-semihosting-config",
    "enable=on,target=native,chardev=semihosting",
    # Deterministic QEMU: virtual time from the instruction count, and WFI
    # skips straight to the next timer event. Free-running, a loaded host
    # could delay SysTick past the timeout (seen: exc's SysTick section
    # missing from QEMU's output while two builds ran beside it).
    "-icount",
    "shift=0,align=off,sleep=off",
]
TIMEOUT = 30
JOBS = max(1, min(4, os.cpu_count() or 1))


@dataclass
class Result:
    out: bytes
    code: int | None  # None: timed out
    err: bytes = b""
    secs: float = 0.0

    def same(self, other: "Result") -> bool:
        return self.out == other.out and self.code == other.code

    def show(self) -> str:
        code = "timeout" if self.code is None else str(self.code)
        return f"exit {code}, {len(self.out)} bytes of output"


def run_cmd(argv: list[str], timeout: int = TIMEOUT) -> Result:
    t = time.monotonic()
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        return Result(p.stdout, p.returncode, p.stderr, time.monotonic() - t)
    except subprocess.TimeoutExpired as e:
        return Result(e.stdout or b"", None, e.stderr or b"", time.monotonic() - t)


def run_qemu(elf: Path, extra: list[str] | None = None, timeout: int = TIMEOUT) -> Result:
    return run_cmd(QEMU + (extra or []) + ["-kernel", str(elf)], timeout)


# ---------------------------------------------------------------- emulator


class Emulator:
    """`mb4 emu run --machine bare-m33`, if the checkout has it."""

    def __init__(self, profile: str = "debug"):
        self.argv: list[str] | None = None
        self.why = ""
        self.profile = profile
        env_bin = os.environ.get("MB4")
        if env_bin:
            self._probe([env_bin])
            return
        if not shutil.which("cargo"):
            self.why = "cargo not found"
            return
        flags = ["--release"] if profile == "release" else []
        b = subprocess.run(
            ["cargo", "build", "-q", "--locked", "-p", "mb4-cli", *flags],
            cwd=ROOT,
            capture_output=True,
        )
        if b.returncode != 0:
            self.why = "`cargo build -p mb4-cli` failed:\n" + b.stderr.decode(errors="replace")[-2000:]
            return
        self._probe([str(ROOT / "target" / profile / "mb4")])

    def _probe(self, argv: list[str]) -> None:
        try:
            p = subprocess.run(
                argv + ["emu", "run", "--help"], capture_output=True, stdin=subprocess.DEVNULL
            )
        except OSError as e:
            self.why = f"cannot start {argv[0]}: {e}"
            return
        if p.returncode != 0 or b"bare-m33" not in p.stdout:
            self.why = "`mb4 emu run --help` does not offer --machine bare-m33"
            return
        self.argv = argv

    def __bool__(self) -> bool:
        return self.argv is not None

    def run(self, elf: Path, timeout: int = TIMEOUT, quiet: bool = True) -> Result:
        assert self.argv
        q = ["--quiet"] if quiet else []
        # MB4_JIT: the core's --jit setting (0: translate every block at once,
        # so translated code runs all of the program; off: interpret only).
        jit = os.environ.get("MB4_JIT")
        j = ["--jit", jit] if jit else []
        return run_cmd(
            self.argv + ["emu", "run", "--machine", "bare-m33", *q, *j, str(elf)], timeout
        )


# ---------------------------------------------------------------- building


def build_c(name: str, sources: list[Path], opt: str, extra: list[str] | None = None) -> Path:
    out = BUILD / f"{name}{opt}.elf"
    out.parent.mkdir(parents=True, exist_ok=True)
    srcs = [RT / "start.c", *sources]
    newest = max(p.stat().st_mtime for p in [*srcs, RT / "rt.h", RT / "link.ld", Path(__file__)])
    if out.exists() and out.stat().st_mtime >= newest:
        return out
    argv = [CC, *CFLAGS, opt, *(extra or []), "-o", str(out), *map(str, srcs), "-lgcc"]
    p = subprocess.run(argv, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"error: building {name} {opt} failed:\n{' '.join(argv)}\n{p.stderr}")
    return out


def known_failures() -> dict[str, str]:
    """tests/cpu/emu-known-failures: `name reason...` per line; the emulator
    may differ from QEMU on these without failing the suite (reported)."""
    f = HERE / "emu-known-failures"
    known = {}
    if f.exists():
        for line in f.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                name, _, why = line.partition(" ")
                known[name] = why.strip()
    return known


def first_diff(a: bytes, b: bytes, an: str = "qemu", bn: str = "emu") -> str:
    al, bl = a.decode(errors="replace").splitlines(), b.decode(errors="replace").splitlines()
    for i, (x, y) in enumerate(zip(al, bl)):
        if x != y:
            return f"line {i + 1}:\n      {an:5} {x}\n      {bn:5} {y}"
    if len(al) != len(bl):
        i = min(len(al), len(bl))
        x = al[i] if i < len(al) else "<end>"
        y = bl[i] if i < len(bl) else "<end>"
        return f"line {i + 1}:\n      {an:5} {x}\n      {bn:5} {y}"
    return "outputs equal; exit status differs"


class Tally:
    def __init__(self, emu: Emulator):
        self.emu = emu
        self.known = known_failures()
        self.passed = 0
        self.failed: list[str] = []
        self.xfailed: list[str] = []
        self.xpassed: list[str] = []

    def compare(self, label: str, name: str, elf: Path, q: Result, e: Result | None) -> None:
        """q is QEMU's result, e the emulator's (None when it is absent)."""
        if q.code is None:
            self.failed.append(label)
            print(f"FAIL {label}: QEMU timed out")
            return
        if e is None:
            self.passed += 1
            return
        known = self.known.get(name)
        if q.same(e):
            self.passed += 1
            if known is not None:
                self.xpassed.append(label)
            return
        if known is not None:
            self.xfailed.append(label)
            return
        self.failed.append(label)
        print(f"FAIL {label}: QEMU {q.show()}; emulator {e.show()}")
        print(f"    first difference at {first_diff(q.out, e.out)}")
        if e.err:
            print("    emulator stderr: " + e.err.decode(errors="replace").strip()[-500:])
        print(f"    reproduce: {' '.join(QEMU)} -kernel {elf}")
        print(f"               mb4 emu run --machine bare-m33 {elf}")

    def summary(self) -> bool:
        print(
            f"   {self.passed} passed, {len(self.failed)} failed, "
            f"{len(self.xfailed)} known emulator failures (emu-known-failures)"
        )
        if self.xpassed:
            print(
                "   note: now equal to QEMU, remove from emu-known-failures: "
                + ", ".join(sorted(set(self.xpassed)))
            )
        return not self.failed


# ---------------------------------------------------------------- suites


def c_programs(names: list[str]) -> list[Path]:
    progs = sorted((HERE / "c").glob("*.c"))
    if names:
        progs = [p for p in progs if p.stem in names]
        missing = set(names) - {p.stem for p in progs}
        if missing:
            raise SystemExit(f"error: no such program: {', '.join(sorted(missing))}")
    return progs


def program_options(src: Path) -> dict[str, str]:
    """`// cputest: key=value ...` lines at the top of a program."""
    opts = {}
    for line in src.read_text().splitlines()[:30]:
        m = re.match(r"\s*(?://|/\*)\s*cputest:\s*(.*?)\s*(\*/)?$", line)
        if m:
            for kv in m.group(1).split():
                k, _, v = kv.partition("=")
                opts[k] = v
    return opts


def suite_c(tally: Tally, names: list[str]) -> None:
    progs = c_programs(names)
    jobs = []
    for src in progs:
        opts = program_options(src)
        levels = opts.get("opt", ",".join(OPT_LEVELS)).split(",")
        for opt in levels:
            jobs.append((src, opt, opts))
    print(f"== C programs: {len(progs)} programs, {len(jobs)} builds")

    def one(job):
        src, opt, opts = job
        elf = build_c(src.stem, [src], opt)
        q = run_qemu(elf)
        e = tally.emu.run(elf) if tally.emu else None
        return src, opt, opts, elf, q, e

    by_prog: dict[str, list[tuple[str, Result]]] = {}
    with cf.ThreadPoolExecutor(JOBS) as ex:
        for src, opt, opts, elf, q, e in ex.map(one, jobs):
            label = f"{src.stem} {opt}"
            tally.compare(label, src.stem, elf, q, e)
            by_prog.setdefault(src.stem, []).append((opt, q))
            status = "timeout" if q.code is None else q.code
            print(f"   {label:24} qemu exit {status}, {len(q.out):5} bytes" +
                  ("" if e is None else f"; emu {'same' if q.same(e) else 'DIFFERENT'}"))
    # Output must not depend on the optimisation level (unless a program says so).
    for src in progs:
        if program_options(src).get("opt-invariant", "yes") == "no":
            continue
        runs = by_prog[src.stem]
        base_opt, base = runs[0]
        for opt, r in runs[1:]:
            if not r.same(base):
                tally.failed.append(f"{src.stem} {opt} vs {base_opt}")
                print(f"FAIL {src.stem}: QEMU output at {opt} differs from {base_opt} "
                      f"(undefined behaviour in the test?) at {first_diff(base.out, r.out, base_opt, opt)}")


def suite_random(tally: Tally, seeds: range, length: int) -> None:
    sys.path.insert(0, str(HERE / "gen"))
    import rig  # noqa: E402  (the generator lives next to this file)

    print(f"== random instruction sequences: seeds {seeds.start}..{seeds.stop - 1}, "
          f"{length} instructions each")
    gdir = BUILD / "rig"
    gdir.mkdir(parents=True, exist_ok=True)

    def one(seed):
        asm = gdir / f"rig-{seed}.S"
        asm.write_text(rig.generate(seed, length))
        elf = gdir / f"rig-{seed}.elf"
        argv = [CC, *CFLAGS, "-O1", "-o", str(elf), str(RT / "start.c"),
                str(HERE / "gen" / "rig_main.c"), str(asm), "-lgcc"]
        p = subprocess.run(argv, capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(f"error: seed {seed} does not assemble:\n{p.stderr[-3000:]}")
        q = run_qemu(elf)
        e = tally.emu.run(elf) if tally.emu else None
        return seed, elf, q, e

    with cf.ThreadPoolExecutor(JOBS) as ex:
        for seed, elf, q, e in ex.map(one, seeds):
            if q.code != 0:
                tally.failed.append(f"rig seed {seed}")
                print(f"FAIL rig seed {seed}: QEMU exit {q.code}: {q.out.decode(errors='replace')[-400:]}")
                continue
            tally.compare(f"rig seed {seed}", "rig", elf, q, e)
    print(f"   {len(seeds)} seeds run")


def suite_rust(tally: Tally) -> None:
    script = HERE / "rust" / "build"
    print("== Rust program (Debian route)")
    p = subprocess.run([str(script)], capture_output=True, text=True)
    if p.returncode != 0:
        tally.failed.append("rust build")
        print(f"FAIL rust build:\n{p.stdout[-2000:]}{p.stderr[-3000:]}")
        return
    elf = Path(p.stdout.strip().splitlines()[-1])
    q = run_qemu(elf)
    e = tally.emu.run(elf) if tally.emu else None
    tally.compare("rust rtest", "rtest", elf, q, e)
    print(f"   rtest qemu exit {q.code}, {len(q.out)} bytes" +
          ("" if e is None else f"; emu {'same' if q.same(e) else 'DIFFERENT'}"))


def need_tools(*tools: str) -> None:
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        raise SystemExit(
            f"error: {', '.join(missing)} not found; run scripts/install-deps test "
            "(Debian: gcc-arm-none-eabi qemu-system-arm)"
        )


def say_emulator(emu: Emulator) -> None:
    if emu:
        print(f"== emulator: {' '.join(emu.argv or [])} emu run --machine bare-m33")
    else:
        print("== emulator side SKIPPED (QEMU only): " + emu.why)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("ci", help="the CI suite")
    c = sub.add_parser("c", help="C programs")
    c.add_argument("names", nargs="*")
    r = sub.add_parser("random", help="random instruction sequences")
    r.add_argument("--seeds", type=int, default=1000)
    r.add_argument("--first", type=int, default=1)
    r.add_argument("--length", type=int, default=200)
    sub.add_parser("rust", help="the Rust program")
    b = sub.add_parser("bench", help="the benchmark")
    b.add_argument("--runs", type=int, default=3)
    b.add_argument("--iterations", type=int, default=None)
    a = ap.parse_args()

    need_tools(CC, QEMU[0])
    if a.cmd == "bench":
        # The benchmark is a command of mb4's own: `mb4 bench cpu`.
        argv = ["cargo", "run", "-q", "--release", "--locked", "-p", "mb4-cli", "--",
                "bench", "cpu", "--runs", str(a.runs)]
        if a.iterations:
            argv += ["--iterations", str(a.iterations)]
        return subprocess.run(argv, cwd=ROOT).returncode

    emu = Emulator("debug" if os.environ.get("MB4_CPUTEST_PROFILE") != "release" else "release")
    say_emulator(emu)
    tally = Tally(emu)
    if a.cmd in ("ci", "c"):
        suite_c(tally, getattr(a, "names", []))
    if a.cmd == "ci":
        suite_rust(tally)
        suite_random(tally, range(1, 1 + int(os.environ.get("MB4_CPUTEST_SEEDS", "200"))), 200)
    if a.cmd == "rust":
        suite_rust(tally)
    if a.cmd == "random":
        suite_random(tally, range(a.first, a.first + a.seeds), a.length)
    ok = tally.summary()
    if not emu:
        print("   (emulator side skipped: " + emu.why.splitlines()[0] + ")")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
