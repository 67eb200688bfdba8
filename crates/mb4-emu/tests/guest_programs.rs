//! Runs small C programs on `bare-m33` and compares their semihosting output
//! with what QEMU (`qemu-system-arm -M mps2-an505`) printed for the same
//! programs (the `.expected` files; regenerate them with QEMU when a program
//! changes). Needs `arm-none-eabi-gcc` (Debian `gcc-arm-none-eabi`); without
//! it the tests print "skipped" and pass.

use mb4_emu::bare_m33::{BareM33, Exit};
use mb4_emu::semihosting::Host;
use std::path::{Path, PathBuf};
use std::process::Command;

fn guest_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/guest")
}

/// Builds `sources` with `opt` (soft-float ABI); `None` when there is no cross compiler.
fn build(name: &str, sources: &[&str], opt: &str) -> Option<Vec<u8>> {
    build_with(name, sources, &[opt])
}

/// Builds `sources` with extra compiler flags.
fn build_with(name: &str, sources: &[&str], flags: &[&str]) -> Option<Vec<u8>> {
    let dir = guest_dir();
    let out =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}{}.elf", flags.join("")));
    let mut cmd = Command::new("arm-none-eabi-gcc");
    cmd.current_dir(&dir)
        .args([
            "-mcpu=cortex-m33",
            "-mthumb",
            "-ffreestanding",
            "-nostdlib",
            "-nostartfiles",
            "-T",
            "link.ld",
        ])
        .args(flags)
        .arg("-o")
        .arg(&out)
        .args(sources)
        .arg("-lgcc");
    match cmd.status() {
        Ok(s) if s.success() => Some(std::fs::read(&out).expect("built ELF is readable")),
        Ok(s) => panic!("arm-none-eabi-gcc failed for {name}: {s}"),
        Err(_) => {
            eprintln!("skipped: arm-none-eabi-gcc not found");
            None
        }
    }
}

fn run(elf: &[u8]) -> (Exit, String) {
    let mut m = BareM33::new();
    m.load_elf(elf).expect("loads");
    let mut out = Vec::new();
    let mut err = Vec::new();
    let exit = {
        let mut host = Host {
            stdout: &mut out,
            stderr: &mut err,
            stdin: None,
            clock_hz: 20_000_000,
        };
        m.run(&mut host, 100_000_000, None)
    };
    (exit, String::from_utf8_lossy(&out).into_owned())
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(guest_dir().join(format!("{name}.expected"))).expect("expected output")
}

#[test]
fn hello_prints_and_exits_with_its_status() {
    let Some(elf) = build("hello", &["start.c", "hello.c"], "-O2") else {
        return;
    };
    let (exit, out) = run(&elf);
    assert_eq!(out, expected("hello"));
    assert_eq!(exit, Exit::Exited(3));
}

#[test]
fn integer_operations_match_qemu() {
    for opt in ["-O0", "-O1", "-O2", "-Os"] {
        let Some(elf) = build("ops", &["start.c", "ops.c"], opt) else {
            return;
        };
        let (exit, out) = run(&elf);
        assert_eq!(out, expected("ops"), "ops.c built with {opt}");
        assert_eq!(exit, Exit::Exited(0), "ops.c built with {opt}");
    }
}

#[test]
fn exceptions_match_qemu() {
    for opt in ["-O0", "-O2"] {
        let Some(elf) = build("exceptions", &["start.c", "exceptions.c"], opt) else {
            return;
        };
        let (exit, out) = run(&elf);
        assert_eq!(out, expected("exceptions"), "exceptions.c built with {opt}");
        assert_eq!(exit, Exit::Exited(0), "exceptions.c built with {opt}");
    }
}

#[test]
fn dsp_extension_matches_qemu() {
    for opt in ["-O0", "-O2"] {
        let Some(elf) = build("dsp", &["start.c", "dsp.c"], opt) else {
            return;
        };
        let (exit, out) = run(&elf);
        assert_eq!(out, expected("dsp"), "dsp.c built with {opt}");
        assert_eq!(exit, Exit::Exited(0), "dsp.c built with {opt}");
    }
}

#[test]
fn single_precision_fpu_matches_qemu() {
    for opt in ["-O0", "-O2"] {
        let flags = ["-mfloat-abi=hard", "-mfpu=fpv5-sp-d16", opt];
        let Some(elf) = build_with("float", &["start.c", "float.c"], &flags) else {
            return;
        };
        let (exit, out) = run(&elf);
        assert_eq!(out, expected("float"), "float.c built with {opt}");
        assert_eq!(exit, Exit::Exited(0), "float.c built with {opt}");
    }
}

#[test]
fn runs_do_not_depend_on_budget_slicing() {
    let Some(elf) = build("exceptions", &["start.c", "exceptions.c"], "-O2") else {
        return;
    };
    let mut results = Vec::new();
    for slice in [1, 7, 1000, 1 << 24] {
        let mut m = BareM33::new();
        m.load_elf(&elf).expect("loads");
        let mut out = Vec::new();
        let mut err = Vec::new();
        let exit = {
            let mut host = Host {
                stdout: &mut out,
                stderr: &mut err,
                stdin: None,
                clock_hz: 20_000_000,
            };
            m.run_sliced(&mut host, 10_000_000, slice, None)
        };
        results.push((exit, out, m.cpu.cycles(), m.cpu.instructions()));
    }
    for r in &results[1..] {
        assert_eq!(r, &results[0]);
    }
}

#[test]
fn mpu_matches_qemu() {
    for opt in ["-O0", "-O2"] {
        let Some(elf) = build("mpu", &["start.c", "mpu.c"], opt) else {
            return;
        };
        let (exit, out) = run(&elf);
        assert_eq!(out, expected("mpu"), "mpu.c built with {opt}");
        assert_eq!(exit, Exit::Exited(0), "mpu.c built with {opt}");
    }
}

#[test]
fn stack_limits_match_qemu() {
    for opt in ["-O0", "-O2"] {
        let Some(elf) = build("stklim", &["start.c", "stklim.c"], opt) else {
            return;
        };
        let (exit, out) = run(&elf);
        assert_eq!(out, expected("stklim"), "stklim.c built with {opt}");
        assert_eq!(exit, Exit::Exited(0), "stklim.c built with {opt}");
    }
}
