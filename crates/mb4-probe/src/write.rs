//! Writing a flash image in an order that survives a cut link or battery.
//!
//! The boot ROM reads the product header at 0x0 and falls back to the copy
//! at 0x1000 when the first fails its CRC (research notes §7.1). So:
//!
//! 1. the image (everything from 0x2000), sector by sector, each verified;
//! 2. the product-header copy at 0x1000, verified;
//! 3. the primary product header at 0x0, verified, last.
//!
//! A cut during 2 leaves the old primary intact; a cut during 3 leaves the
//! new copy for the ROM to fall back on. A cut during 1 is only safe when the
//! new image does not overlap the one the current header boots: then the old
//! header still boots the old image. [`WritePlan::overwrites_active`] tells.
//! Sectors that already hold the wanted bytes are skipped, so running the
//! same write again after a cut finishes the job quickly.

use crate::qspi::{FlashAccess, FlashError, SECTOR};

/// One step of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Flash offset (sector-aligned).
    pub offset: u32,
    /// Bytes wanted there (whole sector, 0xFF-padded).
    pub data: Vec<u8>,
    /// What it is, for progress lines.
    pub what: &'static str,
}

/// A flash image cut into ordered sector writes.
#[derive(Debug, Clone)]
pub struct WritePlan {
    /// Steps in the order they must run.
    pub steps: Vec<Step>,
    /// Whether the image sectors overlap the image the current header boots.
    pub overwrites_active: bool,
}

/// Outcome of [`write`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Sectors erased and programmed.
    pub written: usize,
    /// Sectors that already held the right bytes.
    pub skipped: usize,
    /// Bytes programmed (all-0xFF pages are not programmed).
    pub bytes_programmed: usize,
}

impl WritePlan {
    /// Plan a full flash image (product header at 0). `current_active` is the
    /// active-image address of the header on the band now, if it has one.
    pub fn for_flash_image(image: &[u8], current_active: Option<(u32, u32)>) -> WritePlan {
        let mut steps = Vec::new();
        let sectors = image.len().div_ceil(SECTOR as usize);
        let sector = |i: usize| {
            let start = i * SECTOR as usize;
            let mut s = image[start..image.len().min(start + SECTOR as usize)].to_vec();
            s.resize(SECTOR as usize, 0xFF);
            s
        };
        // The new image's extent: sectors there are written even when blank;
        // blank sectors elsewhere (gaps, the old image's place) are left alone,
        // so the old image survives until the headers point away from it.
        let new_image = new_image_range(image);
        for i in 2..sectors {
            let offset = (i as u32) * SECTOR;
            let inside = new_image.is_some_and(|(a, end)| offset < end && a < offset + SECTOR);
            if !inside
                && image[offset as usize..image.len().min((offset + SECTOR) as usize)]
                    .iter()
                    .all(|&b| b == 0xFF)
            {
                continue;
            }
            steps.push(Step {
                offset,
                data: sector(i),
                what: "image",
            });
        }
        if sectors > 1 {
            steps.push(Step {
                offset: SECTOR,
                data: sector(1),
                what: "product header copy",
            });
        }
        if sectors > 0 {
            steps.push(Step {
                offset: 0,
                data: sector(0),
                what: "product header",
            });
        }
        let overwrites_active = current_active.is_some_and(|(start, len)| {
            let end = start.saturating_add(len);
            steps
                .iter()
                .any(|s| s.offset >= 2 * SECTOR && s.offset < end && start < s.offset + SECTOR)
        });
        WritePlan {
            steps,
            overwrites_active,
        }
    }

    /// Plan a bare image (no product header) at `address`.
    pub fn for_image_at(image: &[u8], address: u32) -> WritePlan {
        let steps = image
            .chunks(SECTOR as usize)
            .enumerate()
            .map(|(i, c)| {
                let mut data = c.to_vec();
                data.resize(SECTOR as usize, 0xFF);
                Step {
                    offset: address + i as u32 * SECTOR,
                    data,
                    what: "image",
                }
            })
            .collect();
        WritePlan {
            steps,
            overwrites_active: true,
        }
    }

    /// Bytes the plan covers.
    pub fn len(&self) -> usize {
        self.steps.len() * SECTOR as usize
    }

    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

/// Run the plan: per sector, skip if equal, else erase, program non-blank
/// pages, verify. `progress(done_bytes, total_bytes, step)` after each sector.
pub fn write<F: FlashAccess>(
    flash: &mut F,
    plan: &WritePlan,
    progress: &mut dyn FnMut(u64, u64, &Step),
) -> Result<WriteStats, FlashError> {
    flash.write_steps(&plan.steps, progress)
}

/// [`FlashAccess::write_steps`] through the access methods, sector by sector.
pub fn write_each_sector<F: FlashAccess>(
    flash: &mut F,
    steps: &[Step],
    progress: &mut dyn FnMut(u64, u64, &Step),
) -> Result<WriteStats, FlashError> {
    let mut stats = WriteStats::default();
    let mut have = vec![0u8; SECTOR as usize];
    let total = (steps.len() * SECTOR as usize) as u64;
    for (i, step) in steps.iter().enumerate() {
        flash.read(step.offset, &mut have)?;
        if have == step.data {
            stats.skipped += 1;
        } else {
            flash.erase(step.offset, SECTOR as usize)?;
            for (p, page) in step.data.chunks(crate::qspi::PAGE as usize).enumerate() {
                if page.iter().any(|&b| b != 0xFF) {
                    flash.program(step.offset + (p as u32) * crate::qspi::PAGE, page)?;
                    stats.bytes_programmed += page.len();
                }
            }
            flash.read(step.offset, &mut have)?;
            if let Some(k) = have.iter().zip(&step.data).position(|(a, b)| a != b) {
                return Err(FlashError::Verify {
                    offset: step.offset + k as u32,
                    expected: step.data[k],
                    found: have[k],
                });
            }
            stats.written += 1;
        }
        progress((i as u64 + 1) * u64::from(SECTOR), total, step);
    }
    Ok(stats)
}

/// `[start, end)` of the image the flash image's product header names.
fn new_image_range(image: &[u8]) -> Option<(u32, u32)> {
    let active = crate::band::header_info(image.get(..0x2000)?).active_image?;
    let head = image.get(active as usize..)?;
    let parsed = mb4_image::ImageHeader::parse(head, active as usize).ok()?;
    let end =
        u64::from(active) + u64::from(parsed.header.ivt_offset) + u64::from(parsed.header.size);
    Some((active, u32::try_from(end).ok()?))
}
