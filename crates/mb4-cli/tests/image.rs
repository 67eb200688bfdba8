//! Golden tests of `mb4 image build` and `mb4 image inspect`, text and JSON,
//! on synthetic fixtures these tests make (never vendor files).

use std::path::{Path, PathBuf};
use std::process::Command;

use mb4_image::elf::synthetic_elf;

/// A fresh directory per test, so tests can run in parallel.
fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mb4-cli-image-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run mb4 in `dir`; returns (exit code, stdout, stderr).
fn mb4(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mb4"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("MB4_FLASH")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Vector table (SP at the top of SysRAM, reset handler at 0x16002441) + "code".
fn payload() -> Vec<u8> {
    let mut p = Vec::new();
    p.extend_from_slice(&0x2008_0000u32.to_le_bytes());
    p.extend_from_slice(&0x1600_2441u32.to_le_bytes());
    p.extend((0..248u32).map(|i| (i * 13) as u8));
    p
}

fn snapshot(name: &str, (code, stdout, stderr): (i32, String, String)) {
    insta::assert_snapshot!(
        name,
        format!("exit {code}\n--- stdout\n{stdout}--- stderr\n{stderr}")
    );
}

#[test]
fn build_and_inspect_a_raw_binary() {
    let dir = workdir("raw");
    std::fs::write(dir.join("app.bin"), payload()).unwrap();
    snapshot(
        "build_raw",
        mb4(
            &dir,
            &[
                "image",
                "build",
                "app.bin",
                "-o",
                "flash.bin",
                "--version",
                "0.1.0",
            ],
        ),
    );
    snapshot(
        "inspect_flash_text",
        mb4(&dir, &["image", "inspect", "flash.bin"]),
    );
    snapshot(
        "inspect_flash_json",
        mb4(&dir, &["image", "inspect", "flash.bin", "--json"]),
    );
}

#[test]
fn builds_are_reproducible_and_take_source_date_epoch() {
    let dir = workdir("repro");
    std::fs::write(dir.join("app.bin"), payload()).unwrap();
    mb4(&dir, &["image", "build", "app.bin", "-o", "a.bin"]);
    mb4(&dir, &["image", "build", "app.bin", "-o", "b.bin"]);
    assert_eq!(
        std::fs::read(dir.join("a.bin")).unwrap(),
        std::fs::read(dir.join("b.bin")).unwrap()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_mb4"))
        .args(["image", "build", "app.bin", "-o", "c.bin"])
        .current_dir(&dir)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(out.status.success());
    let c = std::fs::read(dir.join("c.bin")).unwrap();
    assert_eq!(
        &c[0x2000 + 26..0x2000 + 30],
        &1_700_000_000u32.to_le_bytes()
    );
}

#[test]
fn image_only_and_other_parts_and_addresses() {
    let dir = workdir("variants");
    std::fs::write(dir.join("app.bin"), payload()).unwrap();
    snapshot(
        "build_image_only",
        mb4(
            &dir,
            &["image", "build", "app.bin", "--image-only", "-o", "app.img"],
        ),
    );
    snapshot(
        "inspect_image_text",
        mb4(&dir, &["image", "inspect", "app.img"]),
    );
    let (code, _, err) = mb4(
        &dir,
        &[
            "image",
            "build",
            "app.bin",
            "-o",
            "f.bin",
            "--flash",
            "mx25u3235f",
            "--active",
            "0x41000",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let f = std::fs::read(dir.join("f.bin")).unwrap();
    assert_eq!(&f[2..6], &0x41000u32.to_le_bytes());
    assert_eq!(&f[0x41000..0x41002], b"Qq");
}

#[test]
fn elf_input_is_placed_where_it_was_linked() {
    let dir = workdir("elf");
    let vt = payload();
    let elf = synthetic_elf(
        &[(0x1600_2400, &vt[..8]), (0x1600_2500, b"code")],
        0x1600_2501,
        40,
        2,
        false,
    );
    std::fs::write(dir.join("zephyr.elf"), &elf).unwrap();
    snapshot(
        "inspect_elf_text",
        mb4(&dir, &["image", "inspect", "zephyr.elf"]),
    );
    snapshot(
        "build_elf",
        mb4(&dir, &["image", "build", "zephyr.elf", "-o", "flash.bin"]),
    );
    snapshot(
        "build_elf_wrong_address",
        mb4(
            &dir,
            &[
                "image",
                "build",
                "zephyr.elf",
                "-o",
                "x.bin",
                "--active",
                "0x40000",
            ],
        ),
    );
    let rel = synthetic_elf(&[(0x1600_2400, &vt[..8])], 0, 40, 1, false);
    std::fs::write(dir.join("main.o"), &rel).unwrap();
    snapshot(
        "build_relocatable",
        mb4(&dir, &["image", "build", "main.o", "-o", "x.bin"]),
    );
}

#[test]
fn what_is_wrong_is_said_plainly() {
    let dir = workdir("bad");
    std::fs::write(dir.join("app.bin"), payload()).unwrap();
    mb4(&dir, &["image", "build", "app.bin", "-o", "flash.bin"]);
    let mut f = std::fs::read(dir.join("flash.bin")).unwrap();
    f[4] ^= 0x01; // active address in the first product header: CRC16 breaks
    let last = f.len() - 1;
    f[last] ^= 0xFF; // a code byte: CRC32 breaks
    std::fs::write(dir.join("bad.bin"), &f).unwrap();
    snapshot(
        "inspect_bad_crc",
        mb4(&dir, &["image", "inspect", "bad.bin"]),
    );
    std::fs::write(dir.join("short.bin"), &f[..0x2100]).unwrap();
    snapshot(
        "inspect_truncated",
        mb4(&dir, &["image", "inspect", "short.bin"]),
    );
    std::fs::write(dir.join("garbage.bin"), b"hello, world").unwrap();
    snapshot(
        "inspect_garbage",
        mb4(&dir, &["image", "inspect", "garbage.bin"]),
    );
    snapshot(
        "build_bad_address",
        mb4(
            &dir,
            &[
                "image", "build", "app.bin", "-o", "x.bin", "--active", "0x2400",
            ],
        ),
    );
    snapshot(
        "build_unknown_part",
        mb4(
            &dir,
            &[
                "image", "build", "app.bin", "-o", "x.bin", "--flash", "W25Q999",
            ],
        ),
    );
    snapshot(
        "inspect_missing_file",
        mb4(&dir, &["image", "inspect", "nope.bin"]),
    );
}

#[test]
fn flash_parts_table() {
    let dir = workdir("parts");
    snapshot("flash_parts", mb4(&dir, &["image", "flash-parts"]));
}

#[test]
fn impossible_address_is_said_plainly() {
    let dir = workdir("address");
    std::fs::write(dir.join("app.bin"), payload()).unwrap();
    mb4(&dir, &["image", "build", "app.bin", "-o", "flash.bin"]);
    let mut f = std::fs::read(dir.join("flash.bin")).unwrap();
    let header = mb4_image::ProductHeader {
        active_image: 0x5000,
        update_image: 0x5000,
        burstcmda: 0xA820_F0EB,
        burstcmdb: 0x26,
        ctrlmode: None,
        flash_config: vec![0x31, 0x02, 0x07],
    };
    f[..0x1000].copy_from_slice(&header.to_sector());
    f[0x1000..0x2000].copy_from_slice(&header.to_sector());
    std::fs::write(dir.join("moved.bin"), &f).unwrap();
    snapshot(
        "inspect_impossible_address",
        mb4(&dir, &["image", "inspect", "moved.bin"]),
    );
}
