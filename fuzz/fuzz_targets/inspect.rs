//! Whole-file inspect (flash image, image, raw dump or ELF) never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mb4_image::{elf, inspect};

fuzz_target!(|data: &[u8]| {
    let report = inspect::inspect(data);
    // Every failed check says what is wrong.
    assert!(report.failures().all(|c| !c.detail.is_empty()));
    let _ = elf::load(data);
});
