//! Facts about the Renesas (formerly Dialog) DA1469x SoC family, in one place.
//!
//! Every other mb4 crate that needs to know where something lives on a
//! DA1469x — the image builder, the emulator, the flasher — reads it from here.
//! Each fact carries a [`Source`] and a [`Confidence`], because nobody in this
//! project has checked them against silicon; see `docs/hardware.md`.
//!
//! * [`memory_map`]: the address regions (ROM, OTP, SysRAM, QSPI windows, …).
//! * [`peripherals`]: base addresses of the register blocks.
//! * [`irq`]: the 40 external interrupt lines of the application core.
//! * [`flash`]: the QSPI flash parts the boot ROM can be configured for (data in
//!   `data/flash-parts.toml`).

#![forbid(unsafe_code)]

pub mod flash;
pub mod irq;
pub mod memory_map;
pub mod peripherals;

/// How sure we are of a fact, using the legend of `docs/hardware.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Confidence {
    /// Confirmed by two or more independent sources.
    Confirmed,
    /// Taken from a single named source.
    Single,
    /// Inferred by reasoning; a hypothesis to verify.
    Inferred,
}

/// Where a fact comes from (short, human-readable citation).
pub type Source = &'static str;

/// The CMSIS device header most facts come from: `DA1469xAB.h` v1.2 (Dialog,
/// BSD-3-Clause), shipped in Zephyr's `hal_renesas` and in Apache mynewt.
pub const SRC_CMSIS_HEADER: Source = "DA1469xAB.h v1.2 (hal_renesas smartbond/sdk/bsp/include)";
/// Zephyr's device tree for the family.
pub const SRC_ZEPHYR_DTSI: Source = "Zephyr dts/arm/renesas/smartbond/da1469x.dtsi";
/// The mynewt / hal_renesas memory-map header.
pub const SRC_HAL_CONFIG: Source = "hal_renesas smartbond/da1469x_hal/da1469x_config.h";
/// ezFlashCLI's DA1469x device support.
pub const SRC_EZFLASH: Source = "ezFlashCLI ezFlash/smartbond/smartbondDevices.py";
