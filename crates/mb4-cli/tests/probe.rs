//! `mb4 probe | dump | flash | erase | reset` end to end over TCP, against
//! the in-process fake GDB server and fake DA1469x from mb4-probe: the
//! backup rules, errors and reports. The emulator's stub stands in for the
//! band in tests/loader.rs and tests/gdb/run.

use std::path::{Path, PathBuf};
use std::process::Command;

use mb4_image::builder::{ImageOptions, make_flash_image, make_image};
use mb4_probe::fake::{
    FakeChip, FakeChipConfig, FakeLoaderChip, GdbServer, LoaderFault, ServerConfig,
};

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mb4-cli-probe-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run mb4 with the backup index in `dir`; (exit code, stdout, stderr).
fn mb4(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mb4"))
        .args(args)
        .current_dir(dir)
        .env("MB4_BACKUP_DIR", dir.join("index"))
        .env_remove("MB4_GDB")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn flash_image(version: &str, len: usize) -> Vec<u8> {
    let part = mb4_da1469x::flash::parts().find("W25Q32JW").unwrap();
    let image = make_image(
        &vec![0xA5; len],
        &ImageOptions {
            version: version.into(),
            timestamp: 0,
        },
    )
    .unwrap();
    make_flash_image(&image, part, 0x2000, 0x2000).unwrap()
}

fn stock_band() -> FakeChip {
    let mut chip = FakeChip::new(FakeChipConfig {
        flash_size: 4 << 20,
        ..FakeChipConfig::default()
    });
    chip.load_flash(0, &flash_image("stock", 5000));
    chip
}

/// Serve `chip` for one command; return the command's result and the chip.
fn run(dir: &Path, chip: FakeChip, args: &[&str]) -> ((i32, String, String), FakeChip) {
    let server = GdbServer::spawn(chip, ServerConfig::default()).unwrap();
    let mut full = vec![args[0], "--gdb", server.addr()];
    // The fake chip runs no code: flash through the QSPIC registers (the
    // loader is tested against the emulator, tests/loader.rs, and against
    // the loader stand-in below).
    if args[0] == "flash" {
        full.extend_from_slice(&["--method", "qspic"]);
    }
    full.extend_from_slice(&args[1..]);
    let out = mb4(dir, &full);
    (out, server.join())
}

#[test]
fn probe_prints_what_a_person_needs_and_lets_the_band_run() {
    let dir = workdir("probe");
    let ((code, out, err), chip) = run(&dir, stock_band(), &["probe"]);
    assert_eq!(code, 0, "{err}");
    for want in [
        "DA1469x ID 3080 revision A",
        "JEDEC EF 60 16  W25Q32JW  4096 KiB",
        "debugger       enabled: yes",
        "secure boot    no",
        "product header 0x0000: valid   0x1000: valid   active 0x2000",
        "active image   0x2000: valid header, version \"stock\", 5000 bytes",
        "band id        3080A-EF6016-",
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
    assert!(!chip.halted(), "the band runs again afterwards");

    let ((code, out, _), _) = run(&dir, stock_band(), &["probe", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["flash"]["part"], "W25Q32JW");
    assert_eq!(v["flash"]["size"], 4 << 20);
    assert_eq!(v["secure_boot"]["force_debugger_off"], false);
    assert_eq!(v["active_image"]["version"], "stock");
}

#[test]
fn flash_refuses_a_band_without_a_backup_and_writes_after_dump() {
    let dir = workdir("flash");
    let new = flash_image("ours", 12_000);
    std::fs::write(dir.join("new.bin"), &new).unwrap();

    let ((code, _, err), chip) = run(&dir, stock_band(), &["flash", "new.bin"]);
    assert_ne!(code, 0);
    assert!(err.contains("no verified backup of this band"), "{err}");
    assert_eq!(chip.nor.programs + chip.nor.erases, 0, "nothing written");

    let ((code, out, err), chip) = run(&dir, chip, &["dump", "-o", "stock.bin"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("every sector read twice"), "{out}");
    assert_eq!(std::fs::read(dir.join("stock.bin")).unwrap(), chip.nor.data);
    let sums = std::fs::read_to_string(dir.join("stock.bin.sha256")).unwrap();
    assert!(sums.ends_with("  stock.bin\n"));
    assert!(!chip.halted(), "the band boots again after the dump");

    let ((code, out, err), chip) = run(&dir, chip, &["flash", "new.bin"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("written and verified"), "{out}");
    assert_eq!(&chip.nor.data[..new.len()], &new[..]);
    assert!(chip.nor.violations.is_empty(), "{:?}", chip.nor.violations);
    assert!(!chip.halted());

    // The band is still known after its header changed: flashing again works.
    let ((code, out, err), chip) = run(&dir, chip, &["flash", "new.bin"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 sectors written"), "{out}");

    // A damaged backup no longer counts.
    let mut bytes = std::fs::read(dir.join("stock.bin")).unwrap();
    bytes[0x2500] ^= 0xFF;
    std::fs::write(dir.join("stock.bin"), bytes).unwrap();
    let ((code, _, err), _) = run(&dir, chip, &["flash", "new.bin"]);
    assert_ne!(code, 0);
    assert!(err.contains("damaged"), "{err}");
}

#[test]
fn flash_with_the_override_needs_no_backup_and_rejects_non_images() {
    let dir = workdir("override");
    std::fs::write(dir.join("new.bin"), flash_image("ours", 100)).unwrap();
    let ((code, _, err), _) = run(
        &dir,
        stock_band(),
        &["flash", "new.bin", "--i-have-a-backup", "--no-reset"],
    );
    assert_eq!(code, 0, "{err}");
    std::fs::write(dir.join("junk.bin"), b"hello world").unwrap();
    let (code, _, err) = mb4(&dir, &["flash", "junk.bin", "--gdb", "127.0.0.1:1"]);
    assert_ne!(code, 0);
    assert!(err.contains("neither a product header"), "{err}");
}

#[test]
fn erase_and_reset() {
    let dir = workdir("erase");
    let ((code, _, err), chip) = run(
        &dir,
        stock_band(),
        &[
            "erase",
            "--offset",
            "0x2000",
            "--length",
            "0x1000",
            "--i-have-a-backup",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(chip.nor.data[0x2000..0x3000].iter().all(|&b| b == 0xFF));
    assert_eq!(chip.nor.data[0], b'P');

    let (code, _, err) = mb4(
        &dir,
        &[
            "erase",
            "--gdb",
            "127.0.0.1:1",
            "--offset",
            "0x100",
            "--length",
            "0x1000",
        ],
    );
    assert_ne!(code, 0);
    assert!(err.contains("multiples of 4 KiB"), "{err}");

    let ((code, _, err), chip) = run(&dir, stock_band(), &["reset", "--halt"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(chip.resets, 1);
    assert!(chip.halted());
}

#[test]
fn no_link_and_a_dead_link_are_clear_errors() {
    let dir = workdir("nolink");
    let (code, _, err) = mb4(&dir, &["probe"]);
    assert_ne!(code, 0);
    assert!(err.contains("give --gdb HOST:PORT"), "{err}");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (code, _, err) = mb4(&dir, &["probe", "--gdb", &format!("127.0.0.1:{port}")]);
    assert_ne!(code, 0);
    assert!(err.contains("cannot connect to the GDB server"), "{err}");
}

#[test]
fn run_loads_a_ram_program_and_starts_it_from_its_vector_table() {
    use mb4_image::elf::synthetic_elf;
    let dir = workdir("run");
    let mut prog = Vec::new();
    prog.extend(0x2000_4000u32.to_le_bytes()); // initial SP
    prog.extend(0x2000_0101u32.to_le_bytes()); // reset handler, Thumb
    prog.resize(0x100, 0);
    prog.extend([0xFE, 0xE7]); // b .
    let elf = synthetic_elf(&[(0x2000_0000, &prog)], 0x2000_0101, 40, 2, false);
    std::fs::write(dir.join("prog.elf"), elf).unwrap();

    let ((code, out, err), mut chip) = run(&dir, stock_band(), &["run", "prog.elf", "--halt"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("SP 0x20004000, PC 0x20000100; halted"),
        "{out}"
    );
    let r = chip.registers();
    assert_eq!(
        (r.sp(), r.pc(), r.xpsr),
        (0x2000_4000, 0x2000_0100, Some(1 << 24))
    );
    assert_eq!(chip.word(0xE000_ED08), 0x2000_0000, "VTOR");
    assert_eq!(chip.word(0x2000_0100), 0xE7FE);
    assert!(chip.halted());
    assert_eq!(chip.nor.erases + chip.nor.programs, 0, "flash untouched");

    let ((code, _, err), chip) = run(&dir, stock_band(), &["run", "prog.elf"]);
    assert_eq!(code, 0, "{err}");
    assert!(!chip.halted());

    let flashy = synthetic_elf(&[(0x1600_2400, &prog)], 0x1600_2501, 40, 2, false);
    std::fs::write(dir.join("flash.elf"), flashy).unwrap();
    let (code, _, err) = mb4(&dir, &["run", "flash.elf", "--gdb", "127.0.0.1:1"]);
    assert_ne!(code, 0);
    assert!(err.contains("is not in SysRAM"), "{err}");
}

/// `mb4 flash` through the loader on a fake chip whose loader stand-in
/// suffers `fault`: (exit code, stdout, stderr), and the chip.
fn flash_by_loader(dir: &Path, fault: LoaderFault) -> ((i32, String, String), FakeLoaderChip) {
    let mut chip = FakeLoaderChip::new(stock_band());
    chip.fault = fault;
    let server = GdbServer::spawn(chip, ServerConfig::default()).unwrap();
    let args = [
        "flash",
        "--gdb",
        server.addr(),
        "--i-have-a-backup",
        "new.bin",
        "--method",
        "loader",
    ];
    let out = mb4(dir, &args);
    (out, server.join())
}

#[test]
fn flash_by_the_loader_fails_when_the_flash_does_not_match_the_plan_after_all() {
    let dir = workdir("loader-crc");
    let new = flash_image("ours", 12_000);
    std::fs::write(dir.join("new.bin"), &new).unwrap();

    let ((code, out, err), chip) = flash_by_loader(&dir, LoaderFault::None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("written and verified"), "{out}");
    assert!(out.contains("(flash loader)"), "{out}");
    assert_eq!(&chip.chip.nor.data[..new.len()], &new[..]);

    // A byte of the new image changes after the loader read it back: only
    // the end-to-end CRC-32 sees it.
    let fault = LoaderFault::FlipAfterWrite { offset: 0x2500 };
    let ((code, out, err), chip) = flash_by_loader(&dir, fault);
    assert_ne!(code, 0, "{out}");
    assert!(err.contains("reads back with CRC-32"), "{err}");
    assert!(!out.contains("written and verified"), "{out}");
    assert_ne!(chip.chip.nor.data[0x2500], new[0x2500]);
}
