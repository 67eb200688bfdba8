//! Synthetic fixtures: a small program image nobody else wrote.

#![allow(dead_code)]

use mb4_da1469x::flash::parts;
use mb4_image::builder::{ImageOptions, make_flash_image, make_image};

/// A payload that looks like a Cortex-M program linked at 0x16002400: initial
/// SP at the top of SysRAM, reset handler inside the image, then "code".
pub fn payload() -> Vec<u8> {
    let mut p = Vec::new();
    p.extend_from_slice(&0x2008_0000u32.to_le_bytes());
    p.extend_from_slice(&0x1600_2501u32.to_le_bytes());
    for i in 0..(0x300 - 8) {
        p.push((i * 7 + 3) as u8);
    }
    p
}

pub fn options() -> ImageOptions {
    ImageOptions {
        version: "1.0.0-test".into(),
        timestamp: 1_700_000_000,
    }
}

/// A flash image for the default part with the image at 0x2000.
pub fn flash_image() -> Vec<u8> {
    let image = make_image(&payload(), &options()).unwrap();
    make_flash_image(&image, parts().default_part(), 0x2000, 0x2000).unwrap()
}

/// Tiny deterministic PRNG (xorshift64*), so failures repeat.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
