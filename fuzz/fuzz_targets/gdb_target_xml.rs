//! A GDB server's target description (untrusted text from the link): finding
//! register numbers and includes must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mb4_probe::rsp::tdesc;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let _ = tdesc::includes(&text);
    let _ = tdesc::number_of(&[text.clone(), text], "xpsr");
});
