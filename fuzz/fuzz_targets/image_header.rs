//! Any bytes: parsing never panics, and what parses serializes back to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mb4_image::ImageHeader;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = ImageHeader::parse(data, 0) {
        assert_eq!(parsed.header.to_bytes(), data[..parsed.len]);
        let _ = parsed.header.version_text();
        let _ = parsed.header.to_padded();
    }
});
