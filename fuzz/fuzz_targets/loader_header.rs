//! A flash-loader image's header (`mb4 flash` may be given another build of
//! the loader): bad ones are refused with a reason, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mb4_probe::loader::Header;

fuzz_target!(|data: &[u8]| {
    let _ = Header::parse(data);
});
