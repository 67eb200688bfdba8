//! GPADC driven by the register sequences of Zephyr 4.1's
//! `drivers/adc/adc_smartbond_gpadc.c` (resume, channel setup, sampling,
//! ISR), with voltages the machine sets.

use mb4_soc::bus::{Clocks, Soc};
use mb4_soc::flash::NorFlash;
use mb4_soc::periph::gpadc::Input;

const GPADC: u32 = 0x5003_0900;
const CTRL: u32 = GPADC;
const CTRL2: u32 = GPADC + 0x04;
const CTRL3: u32 = GPADC + 0x08;
const CLEAR_INT: u32 = GPADC + 0x14;
const RESULT: u32 = GPADC + 0x18;
const IRQ: u32 = 27;

const EN: u32 = 1;
const START: u32 = 1 << 1;
const CONT: u32 = 1 << 2;
const MINT: u32 = 1 << 5;
const SE: u32 = 1 << 6;
const SEL_POS: u32 = 8;
const PER_CHANNEL: u32 = 0x1F << SEL_POS | SE;

fn soc() -> Soc {
    Soc::new(
        NorFlash::new([0xEF, 0x60, 0x18], 1 << 20),
        Clocks {
            xtal32k_hz: Some(32_768),
        },
    )
}

/// `gpadc_smartbond_resume` at a 32 MHz system clock.
fn resume(s: &mut Soc) {
    s.write(CTRL3, 4, (32_000_000 / 1_600_000) & 0xFF).unwrap();
    s.write(CTRL, 4, EN).unwrap();
}

/// `adc_smartbond_channel_setup` values: (ctrl, ctrl2) for a single-ended input.
fn channel(input: u32, gain_1_3: bool) -> (u32, u32) {
    (input << SEL_POS | SE, if gain_1_3 { 0x101 } else { 0 })
}

/// `adc_context_start_sampling` then wait for the interrupt and run the ISR;
/// returns the sample at `resolution` bits.
fn sample(s: &mut Soc, ch: (u32, u32), resolution: u32) -> u16 {
    let val = (s.read(CTRL, 4).unwrap() & !PER_CHANNEL) | ch.0 | START | MINT;
    s.write(CTRL2, 4, ch.1).unwrap();
    s.write(CTRL, 4, val).unwrap();
    assert!(!s.irqs.is_high(IRQ), "a conversion takes time");
    let t = s.next_event().expect("conversion scheduled");
    s.advance(t);
    assert!(s.irqs.is_high(IRQ), "end of conversion raises GPADC");
    // adc_smartbond_isr.
    s.write(CLEAR_INT, 4, 0).unwrap();
    let v = (s.read(RESULT, 4).unwrap() as u16) >> (16 - resolution);
    assert!(!s.irqs.is_high(IRQ));
    assert_eq!(s.read(CTRL, 4).unwrap() & START, 0, "START self-clears");
    v
}

/// Zephyr's `adc_raw_to_millivolts` with `ref_internal` = 1200.
fn millivolts(raw: u16, resolution: u32, gain_1_3: bool) -> f64 {
    let mv = f64::from(raw) * 1200.0 / f64::from(1u32 << resolution);
    if gain_1_3 { mv * 3.0 } else { mv }
}

#[test]
fn battery_rail_and_pin_read_back_in_millivolts() {
    let mut s = soc();
    resume(&mut s);
    s.gpadc.set_input(Input::Vbat, 4.0);
    s.gpadc.set_input(Input::P1_09, 0.5);
    // VBAT (8), gain 1: the converter sees VBAT ÷ 4.
    let raw = sample(&mut s, channel(8, false), 12);
    assert!(
        (millivolts(raw, 12, false) * 4.0 - 4000.0).abs() < 4.0,
        "{raw}"
    );
    // V30 (5), gain 1/3, as the dk_pro adc_dt overlay reads it.
    let raw = sample(&mut s, channel(5, true), 12);
    assert!((millivolts(raw, 12, true) - 3000.0).abs() < 3.0, "{raw}");
    // P1_09 (0), gain 1/3.
    let raw = sample(&mut s, channel(0, true), 12);
    assert!((millivolts(raw, 12, true) - 500.0).abs() < 3.0, "{raw}");
    // Over range clamps at full scale.
    s.gpadc.set_input(Input::P1_09, 2.0);
    // (10 valid bits without oversampling: 1023 << 2 at 12 bits).
    assert_eq!(sample(&mut s, channel(0, false), 12), 4092);
    // VSSA is ground.
    assert_eq!(sample(&mut s, channel(9, false), 12), 0);
    // The battery discharging is seen by the next conversion.
    s.gpadc.set_input(Input::Vbat, 3.5);
    let raw = sample(&mut s, channel(8, false), 10);
    assert!(
        (millivolts(raw, 10, false) * 4.0 - 3500.0).abs() < 6.0,
        "{raw}"
    );
    assert_eq!(s.gpadc.conversions, 6);
    let r = s.take_reports();
    assert!(r.is_empty(), "{r:?}");
}

#[test]
fn oversampling_adds_bits_and_continuous_mode_repeats() {
    let mut s = soc();
    resume(&mut s);
    s.gpadc.set_input(Input::P0_25, 0.3);
    // No oversampling: 10 valid bits, the low 6 of the 16 are 0.
    sample(&mut s, channel(1, false), 16);
    assert_eq!(s.read(RESULT, 4).unwrap() & 0x3F, 0);
    // CONV_NRS = 6 (64 samples): all 16 bits valid.
    let (c, _) = channel(1, false);
    let raw = sample(&mut s, (c, 6 << 5), 16);
    assert_eq!(u32::from(raw), (0.3f64 / 1.2 * 65535.0).round() as u32);
    // Continuous: conversions follow every GP_ADC_INTERVAL × 1.024 ms.
    s.write(CTRL3, 4, 1 << 8).unwrap();
    s.write(CTRL, 4, EN | CONT | START | c).unwrap();
    let before = s.gpadc.conversions;
    let t0 = s.next_event().unwrap();
    s.advance(mb4_periph::time::Instant(t0.0 + 10 * 1_024_000_000));
    let n = s.gpadc.conversions - before;
    assert!((10..=11).contains(&n), "{n} conversions in ~10 ms");
    // An hour asleep does not take an hour of host time.
    s.advance(mb4_periph::time::Instant::from_secs(3600));
    assert!(s.gpadc.conversions > 3_000_000);
    // Disabling stops it.
    s.write(CTRL, 4, 0).unwrap();
    use mb4_periph::device::Device;
    assert_eq!(s.gpadc.next_event(), None);
}
