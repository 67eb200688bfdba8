//! Round trip: build → inspect says valid; flipping any byte of a header, or a
//! sample of image bytes, makes inspect name exactly the check that fails.

mod common;

use mb4_image::inspect::{Report, Status, inspect};

fn failed(r: &Report) -> Vec<(String, &'static str)> {
    r.checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| (c.subject.clone(), c.name))
        .collect()
}

/// The one check that must fail when byte `i` of `flash` is inverted, or None
/// where no check covers the byte (the timestamp: neither a CRC nor the ROM does).
fn expected(flash: &[u8], i: usize) -> Option<(String, &'static str)> {
    let cfg_len = 3; // W25Q128JW: 31 02 07
    if i < 0x2000 {
        let base = i & !0xFFF;
        let o = i - base;
        let subject = format!("product header @{base:#06x}");
        let name = match o {
            0 | 1 => "magic",
            18 | 19 => "structure",
            20 | 21 => {
                let len = u16::from_le_bytes([flash[base + 20], flash[base + 21]])
                    ^ (0xFF << (8 * (o - 20)));
                if 22 + usize::from(len) + 2 > 0x1000 {
                    "structure"
                } else {
                    "crc16"
                }
            }
            o if o < 22 + cfg_len + 2 => "crc16",
            _ => "padding",
        };
        return Some((subject, name));
    }
    let o = i - 0x2000;
    let subject = "image header @0x2000".to_string();
    let name = match o {
        0 | 1 => "magic",
        2..=5 => {
            let mut size = [0u8; 4];
            size.copy_from_slice(&flash[0x2002..0x2006]);
            size[o - 2] ^= 0xFF;
            let size = u32::from_le_bytes(size) as usize;
            if 0x2400 + size > flash.len() {
                "size"
            } else {
                "crc32"
            }
        }
        6..=9 => "crc32",
        10..=25 => "version",
        26..=29 => return None,
        30..=33 => "ivt offset",
        34..=41 => "sections",
        42..=0x3FF => "padding",
        _ => "crc32",
    };
    Some((subject, name))
}

#[test]
fn built_image_is_valid() {
    let r = inspect(&common::flash_image());
    assert!(r.is_valid(), "{:#?}", failed(&r));
    assert!(r.checks.iter().all(|c| c.status == Status::Pass));
    let h = r.image_header.unwrap();
    assert_eq!(h.version, "1.0.0-test");
    assert_eq!(h.timestamp, 1_700_000_000);
    assert_eq!(r.vector_table.unwrap().initial_sp, 0x2008_0000);
}

#[test]
fn every_header_byte_and_sampled_image_bytes_are_checked() {
    let flash = common::flash_image();
    let mut offsets: Vec<usize> = (0..0x2400).collect();
    let mut rng = common::Rng(0x5EED);
    offsets.extend((0..200).map(|_| 0x2400 + rng.below(flash.len() - 0x2400)));
    offsets.push(flash.len() - 1);
    for i in offsets {
        let mut bad = flash.clone();
        bad[i] ^= 0xFF;
        let r = inspect(&bad);
        let got = failed(&r);
        match expected(&flash, i) {
            Some(want) => assert_eq!(got, vec![want], "byte {i:#x} inverted"),
            None => {
                assert!(got.is_empty(), "byte {i:#x}: {got:?}");
                assert_ne!(
                    r.image_header.unwrap().timestamp,
                    1_700_000_000,
                    "the change shows"
                );
            }
        }
    }
}

#[test]
fn truncation_is_named() {
    let flash = common::flash_image();
    for cut in [0x2400 + 10, 0x2200, 0x2001, 0x1800, 0x10, 1] {
        let r = inspect(&flash[..cut]);
        assert!(!r.is_valid(), "cut at {cut:#x}");
        assert!(r.failures().all(|c| !c.detail.is_empty()));
    }
    let r = inspect(&flash[..flash.len() - 1]);
    assert_eq!(
        failed(&r),
        vec![("image header @0x2000".to_string(), "size")]
    );
}

#[test]
fn a_raw_flash_dump_is_read_like_a_flash_image() {
    // A dump is the whole chip: the flash image, then erased (or other) data.
    let mut dump = common::flash_image();
    dump.resize(1 << 20, 0xFF);
    let r = inspect(&dump);
    assert_eq!(r.kind, mb4_image::inspect::InputKind::FlashImage);
    assert!(r.is_valid(), "{:#?}", failed(&r));
}

#[test]
fn impossible_addresses_are_named() {
    use mb4_image::ProductHeader;
    let mut flash = common::flash_image();
    // A well-formed header (good CRC) pointing where the ROM cannot map an image.
    for (active, needle) in [
        (0x2400, "sector"),
        (0x5000, "CACHE_FLASH_REG"),
        (0x0100_0000, "past the end of the flash"),
    ] {
        let sector = ProductHeader {
            active_image: active,
            update_image: active,
            burstcmda: 0xA820_F0EB,
            burstcmdb: 0x26,
            ctrlmode: None,
            flash_config: vec![0x31, 0x02, 0x07],
        }
        .to_sector();
        flash[..0x1000].copy_from_slice(&sector);
        let r = inspect(&flash);
        let f: Vec<_> = r.failures().collect();
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            (f[0].subject.as_str(), f[0].name),
            ("product header @0x0000", "image addresses")
        );
        assert!(f[0].detail.contains(needle), "{}", f[0].detail);
    }
}

#[test]
fn the_update_slot_is_inspected_when_it_differs() {
    use mb4_da1469x::flash::parts;
    use mb4_image::builder::{make_flash_image, make_image};
    let image = make_image(&common::payload(), &common::options()).unwrap();
    let mut flash = make_flash_image(&image, parts().default_part(), 0x2000, 0x40000).unwrap();

    // A build output: the update slot lies past the end of the file.
    let r = inspect(&flash);
    assert!(r.is_valid(), "{:#?}", failed(&r));
    assert!(r.checks.iter().any(|c| c.subject == "update slot @0x40000"));

    // A dump with an update image waiting (linked for 0x2000 like the active one,
    // so its reset handler is checked against its own slot and fails).
    flash.resize(0x40000, 0xFF);
    flash.extend_from_slice(&image);
    let r = inspect(&flash);
    let u = r.update_image.as_ref().unwrap();
    assert_eq!(u.image_header.as_ref().unwrap().size, 0x300);
    assert_eq!(
        failed(&r),
        vec![("vector table @0x40400".to_string(), "reset handler")]
    );

    // Neither erased nor an image: a warning.
    flash[0x40000] = 0x00;
    let r = inspect(&flash);
    assert_eq!(
        failed(&r),
        vec![("update slot @0x40000".to_string(), "contents")]
    );
    assert_eq!(r.errors().count(), 0);
}
