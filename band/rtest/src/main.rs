//! A CPU test program in Rust: what rustc makes of integer, 64- and 128-bit,
//! float, slice, iterator and formatting code, printed through semihosting.
//! tests/cpu runs it on QEMU (the oracle) and on mb4's bare-m33 and compares
//! the output byte for byte. Values are printed, never only "ok".

#![no_std]
#![no_main]

mod rt;

use core::fmt::Write;
use rt::Out;

/// A small deterministic generator (xorshift32) so the inputs vary widely.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
}

fn integers(o: &mut Out, rng: &mut Rng) {
    let mut acc = 0u32;
    for _ in 0..64 {
        let (a, b) = (rng.next(), rng.next() | 1);
        let (ia, ib) = (a as i32, b as i32);
        acc = acc
            .wrapping_mul(31)
            .wrapping_add(a / b)
            .wrapping_add(a % b)
            .wrapping_add(ia.wrapping_div(ib) as u32)
            .wrapping_add(a.rotate_left(b & 31))
            .wrapping_add(a.leading_zeros() + a.trailing_zeros())
            .wrapping_add(a.reverse_bits() ^ a.swap_bytes())
            .wrapping_add(a.saturating_sub(b) ^ ia.saturating_add(ib) as u32)
            .wrapping_add((a as u16).wrapping_mul(b as u16) as u32)
            .wrapping_add((ia >> (b & 31)) as u32)
            .wrapping_add(a.count_ones());
    }
    let _ = writeln!(o, "u32 mix {acc:08x}");
    let (x, y) = (rng.next(), rng.next());
    let _ = writeln!(o, "checked {:?} {:?} {:?}", x.checked_add(y), (x as i32).checked_mul(y as i32), 7u32.checked_sub(9));
}

fn wide(o: &mut Out, rng: &mut Rng) {
    let mut acc = 0u64;
    let mut acc128 = 0u128;
    for _ in 0..32 {
        let a = (rng.next() as u64) << 32 | rng.next() as u64;
        let b = ((rng.next() as u64) << (rng.next() % 32)) | 1;
        let (ia, ib) = (a as i64, b as i64);
        acc = acc
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(a / b)
            .wrapping_add(a % b)
            .wrapping_add(ia.wrapping_div(ib) as u64)
            .wrapping_add(ia.wrapping_rem(ib) as u64)
            .wrapping_add(a.rotate_right((b & 63) as u32))
            .wrapping_add(a >> (b & 63));
        acc128 = acc128.wrapping_mul(a as u128 | 1).wrapping_add(b as u128 * a as u128);
    }
    let _ = writeln!(o, "u64 mix {acc:016x}");
    let _ = writeln!(o, "u128 mix {acc128:032x} / 7 = {}", acc128 / 7);
    let _ = writeln!(o, "i64 {} {} {}", i64::MIN / 3, -7i64 % 3, (-1i64 as u64) >> 1);
}

fn floats(o: &mut Out, rng: &mut Rng) {
    let mut sum = 0.0f32;
    let mut prod = 1.0f32;
    for i in 0..48 {
        let a = (rng.next() as i32) as f32 / 65536.0;
        let b = (rng.next() % 1000) as f32 + 0.5;
        sum += a / b - a * 0.25;
        prod = prod * 1.01 + (i as f32).max(a).min(b);
    }
    let _ = writeln!(o, "f32 sum {sum} bits {:08x}", sum.to_bits());
    let _ = writeln!(o, "f32 prod {prod:e} bits {:08x}", prod.to_bits());
    let specials = [0.0f32, -0.0, 1.0 / 3.0, f32::MIN_POSITIVE, f32::MAX, f32::INFINITY, f32::NAN, 1e-45];
    for v in specials {
        let _ = writeln!(
            o,
            "f32 {v:?} -> i32 {} u32 {} {:.3} round {}",
            v as i32,
            v as u32,
            v,
            (v * 2.5) as i64
        );
    }
    let d = 1.0f64 / 3.0 + rng.next() as f64;
    let _ = writeln!(o, "f64 (soft float) {d} {:016x}", d.to_bits());
}

fn slices(o: &mut Out, rng: &mut Rng) {
    let mut v = [0u16; 40];
    for x in v.iter_mut() {
        *x = rng.next() as u16;
    }
    v.sort_unstable();
    let s: u32 = v.iter().map(|&x| x as u32).sum();
    let max_gap = v.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
    let found = v.binary_search(&v[17]).is_ok();
    let evens = v.iter().filter(|x| *x % 2 == 0).count();
    let _ = writeln!(o, "sorted first {} last {} sum {s} gap {max_gap} found {found} evens {evens}", v[0], v[39]);
    let text = "the quick brown fox jumps over the lazy dog";
    let words = text.split(' ').count();
    let longest = text.split(' ').max_by_key(|w| w.len()).unwrap_or("");
    let upper: u32 = text.bytes().map(|b| b.to_ascii_uppercase() as u32).fold(0, |a, b| a.rotate_left(3) ^ b);
    let _ = writeln!(o, "text {words} words, longest {longest:?}, hash {upper:08x}");
    let _ = writeln!(o, "fmt {:>8}|{:<6}|{:^7}|{:+}|{:#x}|{:#b}|{:05}", "right", "left", "mid", 42, 255, 5, -42);
}

#[unsafe(no_mangle)]
extern "C" fn main() -> i32 {
    let mut o = Out;
    let mut rng = Rng(0x2545_F491);
    let _ = writeln!(o, "mb4 rtest");
    integers(&mut o, &mut rng);
    wide(&mut o, &mut rng);
    floats(&mut o, &mut rng);
    slices(&mut o, &mut rng);
    (rng.next() & 0x3f) as i32
}
