//! Register addresses and small drivers for bare-metal programs on the DA1469x.
//!
//! The host crate `mb4-da1469x` holds the same facts for the emulator and the
//! tools, but it needs `std` (it parses data files), so the few addresses a
//! band program touches are written once more here, each under the name it has
//! in the CMSIS header `DA1469xAB.h` v1.2 (hal_renesas `smartbond/sdk/bsp/include`)
//! so a grep for the vendor name lands on it. Bit positions come from the same
//! header's `_Pos` macros; the sequences (clock switch, power domains, LCDC
//! commands) follow hal_renesas `da1469x_clock.c`, `da1469x_pd.c`,
//! `da1469x_pdc.c` and `da1469x_lcdc.c`, rewritten.
//!
//! * [`mmio`]: volatile register access.
//! * [`regs`]: block bases, register addresses and bit fields.
//! * [`cpu`]: Cortex-M33 core registers (NVIC, SCB, FPU) and sleep instructions.
//! * [`clock`], [`power`]: XTAL32M start-up and power domains.
//! * [`gpio`], [`uart`], [`timer`], [`lcdc`]: the peripherals the demo uses.

#![no_std]

pub mod clock;
pub mod cpu;
pub mod gpio;
pub mod lcdc;
pub mod mmio;
pub mod power;
pub mod regs;
pub mod timer;
pub mod uart;
