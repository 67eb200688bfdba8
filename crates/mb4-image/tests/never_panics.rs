//! inspect never panics: a few thousand random and mutated inputs, cheap
//! enough for every CI run (the fuzz targets under fuzz/ go much further).

mod common;

use mb4_image::elf::synthetic_elf;
use mb4_image::inspect::inspect;

fn mutate(rng: &mut common::Rng, seed: &[u8]) -> Vec<u8> {
    let mut d = seed.to_vec();
    for _ in 0..=rng.below(8) {
        if d.is_empty() {
            break;
        }
        let at = rng.below(d.len());
        match rng.below(5) {
            0 => d[at] = rng.next() as u8,
            1 => d.truncate(at),
            2 => d.insert(at, rng.next() as u8),
            3 => {
                // Interesting values into a 32-bit field.
                let v: u32 =
                    [0, 1, 0x400, 0x2000, 0xFFFF_FFFF, 0x8000_0000, 0x1600_0000][rng.below(7)];
                let end = (at + 4).min(d.len());
                d[at..end].copy_from_slice(&v.to_le_bytes()[..end - at]);
            }
            _ => d[at] ^= 1 << rng.below(8),
        }
    }
    d
}

#[test]
fn random_and_mutated_inputs_never_panic() {
    let vt: Vec<u8> = [0x2008_0000u32, 0x1600_2501]
        .iter()
        .flat_map(|w| w.to_le_bytes())
        .collect();
    let seeds = [
        common::flash_image(),
        common::flash_image()[0x2000..].to_vec(),
        synthetic_elf(
            &[(0x1600_2400, &vt), (0x1600_2500, b"code")],
            0x1600_2501,
            40,
            2,
            false,
        ),
    ];
    let mut rng = common::Rng(0xC0FFEE);
    for n in 0..4000 {
        let input = if n % 8 == 0 {
            (0..rng.below(300)).map(|_| rng.next() as u8).collect()
        } else {
            let seed = &seeds[rng.below(seeds.len())];
            mutate(&mut rng, seed)
        };
        let report = inspect(&input);
        assert!(report.failures().all(|c| !c.detail.is_empty()));
    }
}
