//! TRNG driven by the register sequences of Zephyr 4.1's
//! `drivers/entropy/entropy_smartbond.c`: enable, the FIFO-full interrupt
//! and its ISR, the busy-wait path, disable; the words repeat run to run.

use mb4_soc::bus::{Clocks, Soc};
use mb4_soc::flash::NorFlash;

const CLK_AMBA: u32 = 0x5000_0000;
const TRNG_CTRL: u32 = 0x5004_0C00;
const TRNG_FIFOLVL: u32 = 0x5004_0C04;
const FIFO: u32 = 0x3005_0000;
const IRQ: u32 = 24;
const FIFO_COUNT_MASK: u32 = 0x3F;

fn soc(seed: u64) -> Soc {
    let mut s = Soc::new(
        NorFlash::new([0xEF, 0x60, 0x18], 1 << 20),
        Clocks {
            xtal32k_hz: Some(32_768),
        },
    );
    s.trng.set_seed(seed);
    s
}

/// `trng_enable`.
fn trng_enable(s: &mut Soc, on: bool) {
    let a = s.read(CLK_AMBA, 4).unwrap();
    if on {
        s.write(CLK_AMBA, 4, a | 1 << 8).unwrap();
        s.write(TRNG_CTRL, 4, 1).unwrap();
    } else {
        s.write(CLK_AMBA, 4, a & !(1 << 8)).unwrap();
        s.write(TRNG_CTRL, 4, 0).unwrap();
    }
}

/// `smartbond_trng_isr`: drain the FIFO.
fn isr(s: &mut Soc) -> Vec<u32> {
    let mut words = Vec::new();
    while s.read(TRNG_FIFOLVL, 4).unwrap() & FIFO_COUNT_MASK != 0 {
        words.push(s.read(FIFO, 4).unwrap());
    }
    words
}

fn collect(seed: u64) -> Vec<u32> {
    let mut s = soc(seed);
    trng_enable(&mut s, true);
    assert!(!s.irqs.is_high(IRQ));
    // The FIFO fills over time; the interrupt comes when it is full.
    let mut n = 0;
    while !s.irqs.is_high(IRQ) {
        let t = s.next_event().expect("words keep coming while enabled");
        s.advance(t);
        n += 1;
        assert!(n < 1000);
    }
    assert_eq!(
        s.read(TRNG_FIFOLVL, 4).unwrap(),
        1 << 5,
        "FIFOFULL, level 0"
    );
    let mut words = isr(&mut s);
    assert_eq!(words.len(), 32);
    assert!(!s.irqs.is_high(IRQ));
    // entropy_smartbond_get_entropy_isr with ENTROPY_BUSYWAIT: wait for a word.
    while s.read(TRNG_FIFOLVL, 4).unwrap() & FIFO_COUNT_MASK == 0 {
        let t = s.next_event().unwrap();
        s.advance(t);
    }
    words.push(s.read(FIFO, 4).unwrap());
    // Disabled: nothing more arrives.
    trng_enable(&mut s, false);
    let before = s.read(TRNG_FIFOLVL, 4).unwrap();
    s.advance(mb4_periph::time::Instant(s.now.0 + 1_000_000_000));
    assert_eq!(s.read(TRNG_FIFOLVL, 4).unwrap(), before);
    let r = s.take_reports();
    assert!(r.is_empty(), "{r:?}");
    words
}

#[test]
fn words_are_deterministic_per_seed_and_look_random() {
    let a = collect(1);
    assert_eq!(a, collect(1), "same seed, same words");
    let b = collect(2);
    assert_ne!(a, b);
    let mut sorted = a.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), a.len(), "no repeats in 33 words");
    let ones: u32 = a.iter().map(|w| w.count_ones()).sum();
    let bits = 32 * a.len() as u32;
    assert!(
        (bits * 4 / 10..bits * 6 / 10).contains(&ones),
        "{ones}/{bits}"
    );
}

#[test]
fn an_empty_fifo_read_is_reported() {
    let mut s = soc(3);
    assert_eq!(s.read(FIFO, 4).unwrap(), 0);
    let r = s.take_reports();
    assert!(
        r.iter().any(|n| n.report.to_string().contains("empty")),
        "{r:?}"
    );
}
