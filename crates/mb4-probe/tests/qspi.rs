//! QSPI manual-mode flash access against the fake chip: the exact bytes on
//! the flash bus, directly and through a GDB link.

use std::time::Duration;

use mb4_probe::fake::{FakeChip, FakeChipConfig, GdbServer, ServerConfig, Transaction};
use mb4_probe::qspi::{FlashAccess, FlashError, QspiFlash};
use mb4_probe::rsp::{GdbClient, GdbOptions};

fn chip() -> FakeChip {
    FakeChip::new(FakeChipConfig::default())
}

/// (bytes sent, bytes read, single line?) of each transaction.
fn log(chip: &FakeChip) -> Vec<(Vec<u8>, usize, bool)> {
    chip.nor
        .log
        .iter()
        .map(|t: &Transaction| (t.sent.clone(), t.read, format!("{:?}", t.lines) == "Single"))
        .collect()
}

/// What every manual-mode session starts with.
fn preamble() -> Vec<(Vec<u8>, usize, bool)> {
    vec![
        (vec![0xFF, 0xFF], 0, false), // break continuous mode on four lines
        (vec![0xFF, 0xFF], 0, true),  // and on one
        (vec![0x66], 0, true),
        (vec![0x99], 0, true),
        (vec![0xAB], 0, true),
        (vec![0x05], 1, true), // not busy
    ]
}

#[test]
fn jedec_id_sequence_is_byte_exact_and_auto_mode_comes_back() {
    let mut f = QspiFlash::new(chip());
    let id = f.jedec_id().unwrap();
    assert_eq!(
        (id.manufacturer, id.memory_type, id.density),
        (0xEF, 0x60, 0x16)
    );
    assert_eq!(f.size(), Some(4 << 20));
    let chip = f.into_inner();
    let mut want = preamble();
    want.push((vec![0x9F], 3, true));
    assert_eq!(log(&chip), want);
    assert!(chip.auto_mode());
    assert!(chip.nor.violations.is_empty(), "{:?}", chip.nor.violations);
    assert!(chip.violations.is_empty(), "{:?}", chip.violations);
}

#[test]
fn erase_program_and_read_back_across_a_page_boundary() {
    let mut f = QspiFlash::new(chip());
    f.jedec_id().unwrap();
    let data: Vec<u8> = (0..600u32).map(|i| (i * 13) as u8).collect();
    f.erase(0x1000, 0x1000).unwrap();
    f.program(0x10F0, &data).unwrap();
    let mut back = vec![0; 600];
    f.read(0x10F0, &mut back).unwrap();
    assert_eq!(back, data);
    let mut before = [0; 0x10];
    f.read(0x10E0, &mut before).unwrap();
    assert_eq!(before, [0xFF; 0x10], "bytes before the write stay erased");

    let chip = f.into_inner();
    assert!(chip.nor.violations.is_empty(), "{:?}", chip.nor.violations);
    assert!(chip.violations.is_empty(), "{:?}", chip.violations);
    // Four page programs: 0x10F0..0x1100, then whole pages, then the 0x48-byte tail.
    let programs: Vec<_> = chip
        .nor
        .log
        .iter()
        .filter(|t| t.sent[0] == 0x02)
        .map(|t| (t.sent[1..4].to_vec(), t.sent.len() - 4))
        .collect();
    assert_eq!(
        programs,
        [
            (vec![0x00, 0x10, 0xF0], 0x10),
            (vec![0x00, 0x11, 0x00], 0x100),
            (vec![0x00, 0x12, 0x00], 0x100),
            (vec![0x00, 0x13, 0x00], 0x48),
        ]
    );
    // Each program and the erase are preceded by a write enable and followed by a status poll.
    let erase = chip.nor.log.iter().position(|t| t.sent[0] == 0x20).unwrap();
    assert_eq!(chip.nor.log[erase - 1].sent, [0x06]);
    assert_eq!(chip.nor.log[erase].sent, [0x20, 0x00, 0x10, 0x00]);
    assert_eq!(chip.nor.log[erase + 1].sent, [0x05]);
    assert!(chip.nor.log[erase + 1].read > 1, "polled while busy");
}

#[test]
fn the_same_bytes_reach_the_flash_through_a_gdb_link() {
    let mut direct = QspiFlash::new(chip());
    direct.jedec_id().unwrap();
    direct.erase(0, 0x1000).unwrap();
    direct
        .program(0x7D, b"through the wire: #$}* and more")
        .unwrap();
    let direct = direct.into_inner();

    for binary_writes in [true, false] {
        let server = GdbServer::spawn(
            chip(),
            ServerConfig {
                binary_writes,
                packet_size: 0x80,
                ..ServerConfig::default()
            },
        )
        .unwrap();
        let client = GdbClient::connect(server.addr(), &GdbOptions::default()).unwrap();
        let mut f = QspiFlash::new(client);
        f.jedec_id().unwrap();
        f.erase(0, 0x1000).unwrap();
        f.program(0x7D, b"through the wire: #$}* and more").unwrap();
        let mut back = [0u8; 31];
        f.read(0x7D, &mut back).unwrap();
        assert_eq!(&back, b"through the wire: #$}* and more");
        drop(f);
        let remote = server.join();
        assert_eq!(
            remote.nor.log, direct.nor.log,
            "binary_writes={binary_writes}"
        );
        assert_eq!(remote.nor.data[..0x1000], direct.nor.data[..0x1000]);
    }
}

#[test]
fn a_part_that_never_finishes_is_a_busy_error_and_auto_mode_is_restored() {
    let mut c = chip();
    c.nor.busy_polls = u32::MAX;
    let mut f = QspiFlash::new(c);
    f.jedec_id().unwrap();
    f.timeouts.sector = Duration::from_millis(50);
    let err = f.erase(0, 0x1000).unwrap_err();
    assert!(
        matches!(
            err,
            FlashError::Busy {
                op: "sector erase",
                ..
            }
        ),
        "{err}"
    );
    assert!(f.into_inner().auto_mode());
}

#[test]
fn no_part_on_the_bus_is_named_as_such() {
    let mut f = QspiFlash::new(FakeChip::new(FakeChipConfig {
        jedec: [0xFF; 3],
        ..FakeChipConfig::default()
    }));
    let err = f.jedec_id().unwrap_err();
    assert!(matches!(err, FlashError::NoFlash { .. }), "{err}");
}

#[test]
fn bad_ranges_are_refused_before_touching_the_bus() {
    let mut f = QspiFlash::new(chip());
    f.jedec_id().unwrap();
    let n = f.target_mut().nor.log.len();
    assert!(matches!(
        f.erase(0x800, 0x1000),
        Err(FlashError::Unaligned { .. })
    ));
    assert!(matches!(
        f.program((4 << 20) - 2, &[1, 2, 3]),
        Err(FlashError::OutOfRange { .. })
    ));
    assert_eq!(f.target_mut().nor.log.len(), n);
}
