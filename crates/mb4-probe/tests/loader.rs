//! The flash loader's end-to-end check: after the loader has written and
//! read back every sector, the host compares a CRC-32 computed on the chip
//! with the plan's. Here the chip goes wrong where the loader's own
//! read-back cannot see it (a byte changes after it was verified; the CRC
//! answer is wrong), and the write must fail with a clear error instead of
//! reporting success. The fake chip's loader stand-in does the chip's side.

use mb4_probe::fake::{FakeChip, FakeChipConfig, FakeLoaderChip, LoaderFault};
use mb4_probe::loader::LoaderFlash;
use mb4_probe::qspi::{FlashError, QspiFlash};
use mb4_probe::write::{self, WritePlan};

/// Where the test writes: 1 MiB into the flash, 16 sectors.
const AT: u32 = 1 << 20;
const LEN: usize = 64 << 10;

fn data() -> Vec<u8> {
    (0..LEN)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 1)
        .collect()
}

/// Write `data()` at `AT` through the loader on a chip where `fault` happens.
fn write_with(fault: LoaderFault) -> (Result<write::WriteStats, FlashError>, FakeLoaderChip) {
    let mut chip = FakeLoaderChip::new(FakeChip::new(FakeChipConfig::default()));
    chip.fault = fault;
    let mut qspi = QspiFlash::new(chip);
    qspi.set_size(4 << 20);
    let mut loader = LoaderFlash::load(qspi).unwrap();
    let plan = WritePlan::for_image_at(&data(), AT);
    let result = write::write(&mut loader, &plan, &mut |_, _, _| {});
    (result, loader.into_qspi().into_inner())
}

#[test]
fn a_faithful_chip_gets_the_plan_in_one_write_list_and_one_crc() {
    let (result, chip) = write_with(LoaderFault::None);
    let stats = result.unwrap();
    assert_eq!(stats.written, LEN / 4096);
    assert_eq!(
        &chip.chip.nor.data[AT as usize..AT as usize + LEN],
        &data()[..]
    );
    // WRITE_LIST then CRC32: the stand-in answers the protocol the host speaks.
    assert_eq!(chip.calls, [2, 5]);
}

#[test]
fn a_byte_changed_after_the_loader_verified_it_fails_the_write() {
    let offset = AT + 5 * 4096 + 77;
    let (result, chip) = write_with(LoaderFault::FlipAfterWrite { offset });
    let err = result.expect_err("a wrong flash must not pass as written");
    let text = err.to_string();
    assert!(
        matches!(err, FlashError::Loader(_)),
        "the CRC check caught it, not the loader's read-back: {err:?}"
    );
    assert!(
        text.contains("flash 0x100000..0x110000 reads back with CRC-32"),
        "the error names the range: {text}"
    );
    assert!(text.contains("the plan's is"), "{text}");
    assert_eq!(chip.calls, [2, 5]);
    assert_ne!(
        chip.chip.nor.data[offset as usize],
        data()[(offset - AT) as usize],
        "the flash really is wrong"
    );
}

#[test]
fn a_wrong_crc_from_the_chip_fails_the_write() {
    let (result, chip) = write_with(LoaderFault::WrongCrc);
    let err = result.expect_err("a CRC that does not match must not pass");
    assert!(err.to_string().contains("reads back with CRC-32"), "{err}");
    // The flash itself is right: only the check failed.
    assert_eq!(
        &chip.chip.nor.data[AT as usize..AT as usize + LEN],
        &data()[..]
    );
}
