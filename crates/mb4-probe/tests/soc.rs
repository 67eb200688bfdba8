//! Our QSPI manual-mode driver against the emulator's own DA1469x model
//! (mb4-soc: QSPIC, NOR flash, CHIP_VERSION, CRG_TOP, boot ROM), written
//! independently from the HAL: probe, dump, flash, then the boot ROM boots
//! the new image. The same run over `mb4 emu --gdb` comes when the emulator
//! has its GDB stub.

use mb4_image::builder::{ImageOptions, make_flash_image, make_image};
use mb4_periph::time::Instant;
use mb4_probe::qspi::{FlashAccess, QspiFlash};
use mb4_probe::write::{self, WritePlan};
use mb4_probe::{ProbeError, Registers, StopReason, Target, band};
use mb4_soc::boot_rom;
use mb4_soc::bus::{Clocks, Soc};
use mb4_soc::flash::NorFlash;

/// A `Target` straight onto the SoC bus; each access takes 10 µs of
/// emulated time, about what one probe round trip costs.
struct SocTarget {
    soc: Soc,
}

impl SocTarget {
    fn tick(&mut self) {
        let now = Instant(self.soc.now.0 + 10_000_000);
        self.soc.advance(now);
        self.soc.now = now;
    }

    fn access_size(addr: u32, len: usize) -> Option<u8> {
        matches!(len, 1 | 2 | 4)
            .then_some(len as u8)
            .filter(|&s| addr.is_multiple_of(u32::from(s)))
    }
}

fn fault(addr: u32, len: usize, e: impl std::fmt::Debug) -> ProbeError {
    ProbeError::Memory {
        addr,
        len,
        reason: Some(format!("{e:?}")),
    }
}

impl Target for SocTarget {
    fn describe(&self) -> String {
        "mb4-soc bus".into()
    }

    fn read_memory(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), ProbeError> {
        if let Some(s) = Self::access_size(addr, buf.len()) {
            self.tick();
            let v = self
                .soc
                .read(addr, s)
                .map_err(|e| fault(addr, buf.len(), e))?;
            buf.copy_from_slice(&v.to_le_bytes()[..buf.len()]);
            return Ok(());
        }
        for (i, b) in buf.iter_mut().enumerate() {
            let a = addr + i as u32;
            *b = self.soc.read(a, 1).map_err(|e| fault(a, 1, e))? as u8;
        }
        self.tick();
        Ok(())
    }

    fn write_memory(&mut self, addr: u32, data: &[u8]) -> Result<(), ProbeError> {
        self.tick();
        if let Some(s) = Self::access_size(addr, data.len()) {
            let mut w = [0u8; 4];
            w[..data.len()].copy_from_slice(data);
            return self
                .soc
                .write(addr, s, u32::from_le_bytes(w))
                .map_err(|e| fault(addr, data.len(), e));
        }
        for (i, b) in data.iter().enumerate() {
            let a = addr + i as u32;
            self.soc
                .write(a, 1, u32::from(*b))
                .map_err(|e| fault(a, 1, e))?;
        }
        Ok(())
    }

    fn halt(&mut self) -> Result<StopReason, ProbeError> {
        Ok(StopReason::Signal(5))
    }

    fn resume(&mut self) -> Result<(), ProbeError> {
        Ok(())
    }

    fn reset(&mut self, _halt: bool) -> Result<(), ProbeError> {
        boot_rom::boot(&mut self.soc).map_err(|e| fault(0, 0, e))?;
        Ok(())
    }

    fn read_registers(&mut self) -> Result<Registers, ProbeError> {
        Ok(Registers::default())
    }

    fn write_register(&mut self, _n: u32, _value: u32) -> Result<(), ProbeError> {
        Ok(())
    }
}

fn flash_image(version: &str, payload_len: usize, fill: u8) -> Vec<u8> {
    let part = mb4_da1469x::flash::parts().find("W25Q32JW").unwrap();
    let mut payload = vec![fill; payload_len];
    payload[..4].copy_from_slice(&0x2000_8000u32.to_le_bytes());
    payload[4..8].copy_from_slice(&0x0000_0201u32.to_le_bytes());
    let image = make_image(
        &payload,
        &ImageOptions {
            version: version.into(),
            timestamp: 0,
        },
    )
    .unwrap();
    make_flash_image(&image, part, 0x2000, 0x2000).unwrap()
}

#[test]
fn probe_dump_flash_and_the_boot_rom_boots_the_new_image() {
    let part = mb4_da1469x::flash::parts().find("W25Q32JW").unwrap();
    let mut nor = NorFlash::from_part(part);
    let stock = flash_image("stock", 6000, 0x11);
    nor.load(0, &stock).unwrap();
    let mut soc = Soc::new(
        nor,
        Clocks {
            xtal32k_hz: Some(32_768),
        },
    );
    boot_rom::boot(&mut soc).expect("the stock image boots");
    let mut flash = QspiFlash::new(SocTarget { soc });

    let report = band::probe(&mut flash).unwrap();
    assert_eq!(report.chip.id, "3080");
    assert_eq!(report.flash.part.as_deref(), Some("W25Q32JW"));
    assert_eq!(report.product_header.active_image, Some(0x2000));
    assert_eq!(
        report.active_image.unwrap().version.as_deref(),
        Some("stock")
    );

    // Read back through the uncached window equals the model's flash.
    let mut head = vec![0u8; 0x4000];
    flash.read(0, &mut head).unwrap();
    assert_eq!(head, flash.target_mut().soc.qspic.flash.data()[..0x4000]);

    let new = flash_image("ours", 9000, 0x22);
    let plan = WritePlan::for_flash_image(&new, Some((0x2000, 0x400 + 6000)));
    write::write(&mut flash, &plan, &mut |_, _, _| {}).unwrap();
    let target = flash.into_inner();
    let mut soc = target.soc;
    assert_eq!(&soc.qspic.flash.data()[..new.len()], &new[..]);
    assert!(soc.qspic.warnings.is_empty(), "{:?}", soc.qspic.warnings);
    assert!(soc.qspic.auto_mode(), "auto mode restored");
    let reports = soc.take_reports();
    assert!(reports.is_empty(), "{reports:#?}");

    let state = boot_rom::boot(&mut soc).expect("the new image boots");
    assert_eq!(state.image_address, 0x2000);
    assert_eq!(state.sp, 0x2000_8000);
}

#[test]
fn a_controller_the_boot_rom_never_set_up_is_made_readable() {
    let part = mb4_da1469x::flash::parts().find("W25Q32JW").unwrap();
    let mut nor = NorFlash::from_part(part);
    nor.load(0, &flash_image("stock", 2000, 0x33)).unwrap();
    // Power-on state: the core halted before the ROM touched the QSPIC.
    let soc = Soc::new(
        nor,
        Clocks {
            xtal32k_hz: Some(32_768),
        },
    );
    let mut flash = QspiFlash::new(SocTarget { soc });
    let report = band::probe(&mut flash).unwrap();
    assert_eq!(report.product_header.primary, "valid");
    assert_eq!(
        report.active_image.unwrap().version.as_deref(),
        Some("stock")
    );
    let mut soc = flash.into_inner().soc;
    assert!(soc.qspic.xip_problem(soc.now).is_none());
    assert!(soc.qspic.warnings.is_empty(), "{:?}", soc.qspic.warnings);
    let reports = soc.take_reports();
    assert!(reports.is_empty(), "{reports:#?}");
}
