//! Any bytes: parsing never panics, and what parses serializes back to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mb4_image::ProductHeader;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = ProductHeader::parse(data, 0) {
        let bytes = parsed.header.to_bytes();
        let mut expected = data[..parsed.len].to_vec();
        // The CRC is recomputed when serializing.
        let n = expected.len();
        expected[n - 2..].copy_from_slice(&parsed.computed_crc.to_le_bytes());
        assert_eq!(bytes, expected);
        let again = ProductHeader::parse(&bytes, 0).expect("serialized header parses");
        assert_eq!(again.header, parsed.header);
        assert!(again.crc_ok());
    }
});
