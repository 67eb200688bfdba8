//! CRC-32 (IEEE 802.3, as zlib and Rust's crc32fast compute it) of flash
//! contents, so the host can check a whole write without reading it back.

use crate::nor::Manual;

/// The reflected polynomial's table for one nibble: 64 bytes instead of 1 KiB.
const NIBBLE: [u32; 16] = {
    let mut t = [0u32; 16];
    let mut i = 0;
    while i < 16 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 4 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// CRC-32 of `len` bytes of flash from `offset`.
pub fn of_flash(m: &mut Manual, offset: u32, len: u32) -> u32 {
    let mut crc = !0u32;
    m.read_with(offset, len, |b| {
        crc ^= u32::from(b);
        crc = (crc >> 4) ^ NIBBLE[(crc & 0xF) as usize];
        crc = (crc >> 4) ^ NIBBLE[(crc & 0xF) as usize];
    });
    !crc
}
