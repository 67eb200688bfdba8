//! probe → dump → flash on the fake band, over a GDB link, as the `mb4`
//! commands run them.

use std::path::PathBuf;

use mb4_image::builder::{ImageOptions, make_flash_image, make_image};
use mb4_probe::backup::{self, BackupError, Manifest};
use mb4_probe::band::{self, BandId};
use mb4_probe::fake::{FakeChip, FakeChipConfig, GdbServer, ServerConfig};
use mb4_probe::qspi::{FlashAccess, QspiFlash};
use mb4_probe::rsp::{GdbClient, GdbOptions};
use mb4_probe::write::{self, WritePlan};

fn flash_image(payload_len: usize, version: &str) -> Vec<u8> {
    let part = mb4_da1469x::flash::parts().find("W25Q32JW").unwrap();
    let payload: Vec<u8> = (0..payload_len)
        .map(|i| (i * 31 + version.len()) as u8)
        .collect();
    let image = make_image(
        &payload,
        &ImageOptions {
            version: version.into(),
            timestamp: 0,
        },
    )
    .unwrap();
    make_flash_image(&image, part, 0x2000, 0x2000).unwrap()
}

fn stock_band() -> FakeChip {
    let mut chip = FakeChip::new(FakeChipConfig::default());
    chip.load_flash(0, &flash_image(9000, "stock-1.0"));
    chip.load_flash(0x30_0000, b"user data");
    chip
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mb4-probe-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn probe_reads_chip_flash_registers_and_headers() {
    let mut f = QspiFlash::new(stock_band());
    let r = band::probe(&mut f).unwrap();
    assert_eq!(r.chip.id, "3080");
    assert_eq!(r.chip.revision, "A");
    assert!(r.chip.known_da1469x);
    assert_eq!(r.flash.jedec, "EF 60 16");
    assert_eq!(r.flash.part.as_deref(), Some("W25Q32JW"));
    assert_eq!(r.flash.size, Some(4 << 20));
    assert!(r.sys_ctrl.debugger_enabled);
    assert!(!r.secure_boot.secure_boot);
    assert_eq!(r.product_header.primary, "valid");
    assert_eq!(r.product_header.backup, "valid");
    assert_eq!(r.product_header.active_image, Some(0x2000));
    let img = r.active_image.as_ref().unwrap();
    assert_eq!(img.status, "valid header");
    assert_eq!(img.version.as_deref(), Some("stock-1.0"));
    assert_eq!(img.size, Some(9000));
    assert!(r.band_id.starts_with("3080A-EF6016-"), "{}", r.band_id);
    let text = r.to_string();
    assert!(text.contains("W25Q32JW"), "{text}");
    assert!(text.contains("secure boot    no"), "{text}");
}

#[test]
fn probe_names_secure_boot_and_a_locked_debugger() {
    let mut f = QspiFlash::new(FakeChip::new(FakeChipConfig {
        secure_boot: 0x3,
        sys_ctrl: 0x22,
        ..FakeChipConfig::default()
    }));
    let r = band::probe(&mut f).unwrap();
    assert!(r.secure_boot.secure_boot && r.secure_boot.force_debugger_off);
    assert!(!r.sys_ctrl.debugger_enabled);
    assert_eq!(r.sys_ctrl.remap, "QSPI flash");
    assert_eq!(r.product_header.primary, "erased");
    assert_eq!(r.active_image, None);
}

fn dump_over_gdb(chip: FakeChip, out: &std::path::Path) -> (String, FakeChip) {
    let server = GdbServer::spawn(chip, ServerConfig::default()).unwrap();
    let client = GdbClient::connect(server.addr(), &GdbOptions::default()).unwrap();
    let mut f = QspiFlash::new(client);
    f.jedec_id().unwrap();
    let size = f.size().unwrap();
    let mut last = 0;
    let sha = backup::dump(&mut f, size, out, &mut |done: u64, _total: u64| last = done).unwrap();
    assert_eq!(last, u64::from(size));
    drop(f);
    (sha, server.join())
}

#[test]
fn dump_equals_the_flash_and_resumes_a_partial_file() {
    let dir = tmp("dump");
    let out = dir.join("backup.bin");
    // An interrupted earlier run left 5.5 sectors, the last one torn.
    let chip = stock_band();
    let mut part = chip.nor.data[..0x5800].to_vec();
    part[0x5000..].fill(0); // torn: must be read again
    std::fs::write(dir.join("backup.bin.part"), &part).unwrap();
    let (sha, chip) = dump_over_gdb(chip, &out);
    let dumped = std::fs::read(&out).unwrap();
    assert!(dumped == chip.nor.data, "dump differs from the flash");
    assert_eq!(sha, band::sha256_hex(&chip.nor.data));
    assert!(!dir.join("backup.bin.part").exists());
}

#[test]
fn a_backup_is_found_by_band_id_and_damage_is_caught() {
    let dir = tmp("index");
    let out = dir.join("b.bin");
    let chip = stock_band();
    let (sha, chip) = dump_over_gdb(chip, &out);
    let id = BandId::new(
        &FakeChipConfigId::chip(),
        mb4_da1469x::flash::JedecId {
            manufacturer: 0xEF,
            memory_type: 0x60,
            density: 0x16,
        },
        &chip.nor.data[..0x2000],
    )
    .fingerprint();
    let m = Manifest {
        kind: "mb4 flash backup".into(),
        file: "b.bin".into(),
        size: chip.nor.data.len() as u32,
        sha256: sha.clone(),
        band_id: id.clone(),
        chip: "3080A".into(),
        jedec: "EF 60 16".into(),
        part: Some("W25Q32JW".into()),
        verified_reads: 2,
    };
    backup::write_manifest(&out, &m).unwrap();
    let index = dir.join("index");
    backup::register(&index, &id, &backup::manifest_path(&out), &sha).unwrap();
    assert_eq!(backup::find_backup(&index, &id).unwrap(), Some(m));
    assert_eq!(backup::find_backup(&index, "other-band").unwrap(), None);
    let sums = std::fs::read_to_string(dir.join("b.bin.sha256")).unwrap();
    assert_eq!(sums, format!("{sha}  b.bin\n"));
    // One flipped byte in the backup: it no longer counts.
    let mut data = std::fs::read(&out).unwrap();
    data[100] ^= 1;
    std::fs::write(&out, data).unwrap();
    assert!(matches!(
        backup::find_backup(&index, &id),
        Err(BackupError::Damaged { .. })
    ));
}

struct FakeChipConfigId;
impl FakeChipConfigId {
    fn chip() -> band::ChipId {
        band::ChipId {
            id: "3080".into(),
            revision: "A".into(),
            known_da1469x: true,
        }
    }
}

#[test]
fn flash_writes_image_then_header_copy_then_header_and_verifies() {
    let server = GdbServer::spawn(stock_band(), ServerConfig::default()).unwrap();
    let client = GdbClient::connect(server.addr(), &GdbOptions::default()).unwrap();
    let mut f = QspiFlash::new(client);
    f.jedec_id().unwrap();
    let new = flash_image(20_000, "ours-0.1");
    let plan = WritePlan::for_flash_image(&new, Some((0x2000, 9000 + 0x400)));
    assert!(plan.overwrites_active);
    let order: Vec<_> = plan.steps.iter().map(|s| s.offset).collect();
    assert_eq!(order.last(), Some(&0));
    assert_eq!(order[order.len() - 2], 0x1000);
    assert!(order[..order.len() - 2].iter().all(|&o| o >= 0x2000));
    let stats = write::write(&mut f, &plan, &mut |_, _, _| {}).unwrap();
    // Header sectors are identical (same part and addresses): skipped.
    assert_eq!(stats.skipped, 2);
    assert_eq!(stats.written, plan.steps.len() - 2);
    // Running it again writes nothing.
    let again = write::write(&mut f, &plan, &mut |_, _, _| {}).unwrap();
    assert_eq!(again.written, 0);
    drop(f);
    let chip = server.join();
    assert_eq!(&chip.nor.data[..new.len()], &new[..]);
    assert_eq!(&chip.nor.data[0x30_0000..0x30_0009], b"user data");
    assert!(chip.nor.violations.is_empty(), "{:?}", chip.nor.violations);
    assert!(chip.violations.is_empty(), "{:?}", chip.violations);
}

#[test]
fn a_link_cut_at_any_packet_leaves_the_old_header_or_the_new_one() {
    // Cut the link after n packets, for n across the whole write; then
    // reconnect and finish. At every cut point the product headers that
    // are valid must each point at a complete image (old or new).
    let new = {
        // A new image at the update slot, so the old one stays bootable.
        let part = mb4_da1469x::flash::parts().find("W25Q32JW").unwrap();
        let image = make_image(
            &[0x5A; 3000],
            &ImageOptions {
                version: "new".into(),
                timestamp: 0,
            },
        )
        .unwrap();
        let mut flash = make_flash_image(&image, part, 0x40000, 0x40000).unwrap();
        flash.truncate(0x40000 + image.len());
        flash
    };
    let plan_for = |chip: &FakeChip| {
        let h = band::header_info(&chip.nor.data[..0x2000]);
        WritePlan::for_flash_image(&new, h.active_image.map(|a| (a, 0x3000)))
    };
    let (mut old_after_cut, mut new_after_cut, mut finished) = (false, false, false);
    for cut in (40..5000).step_by(173) {
        let chip = stock_band();
        let plan = plan_for(&chip);
        assert!(!plan.overwrites_active);
        let server = GdbServer::spawn(
            chip,
            ServerConfig {
                drop_after: Some(cut),
                ..ServerConfig::default()
            },
        )
        .unwrap();
        let result = GdbClient::connect(server.addr(), &GdbOptions::default())
            .map_err(mb4_probe::qspi::FlashError::from)
            .and_then(|c| {
                let mut f = QspiFlash::new(c);
                f.jedec_id()?;
                write::write(&mut f, &plan, &mut |_, _, _| {})
            });
        let mut chip = server.join();
        // What the boot ROM would do now (after a power cycle the QSPIC is reset).
        chip.reset(true).unwrap();
        let h = band::header_info(&chip.nor.data[..0x2000]);
        let active = h.active_image.expect("a valid product header remains");
        let img = band::image_info(
            active,
            &chip.nor.data[active as usize..active as usize + 0x400],
        );
        assert_eq!(img.status, "valid header", "cut at {cut}: {h:?}");
        let end = active as usize + 0x400 + img.size.unwrap() as usize;
        let crc = mb4_image::crc::crc32(&chip.nor.data[active as usize + 0x400..end]);
        let parsed = mb4_image::ImageHeader::parse(&chip.nor.data[active as usize..], 0).unwrap();
        assert_eq!(
            crc, parsed.header.crc32,
            "cut at {cut}: image at {active:#x} incomplete"
        );
        match (&result, active) {
            (Ok(_), 0x40000) => finished = true,
            (Ok(_), _) => panic!("finished but still boots {active:#x}"),
            (Err(_), 0x2000) => old_after_cut = true,
            (Err(_), _) => new_after_cut = true,
        }
    }
    // The cuts hit before the headers flipped, between them, and never.
    assert!(old_after_cut && new_after_cut && finished);
}

use mb4_probe::Target;

#[test]
fn after_a_reset_halt_before_the_boot_rom_the_windows_are_set_up_for_reading() {
    let mut chip = FakeChip::new(FakeChipConfig {
        rom_sets_up_qspic: false,
        ..FakeChipConfig::default()
    });
    chip.load_flash(0, &flash_image(3000, "stock"));
    chip.reset(true).unwrap();
    assert!(!chip.auto_mode());
    let mut f = QspiFlash::new(chip);
    let mut probe_first = [0u8; 4];
    assert!(
        f.read(0, &mut probe_first).is_err(),
        "the fake refuses reads before set-up"
    );
    let r = band::probe(&mut f).unwrap();
    assert_eq!(r.product_header.primary, "valid");
    assert_eq!(r.active_image.unwrap().version.as_deref(), Some("stock"));
    assert!(!f.ensure_readable().unwrap(), "set up once is enough");
    let chip = f.into_inner();
    assert!(chip.auto_mode());
    assert!(chip.nor.violations.is_empty(), "{:?}", chip.nor.violations);
    assert!(chip.violations.is_empty(), "{:?}", chip.violations);
}
