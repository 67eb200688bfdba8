//! The DA1469x SoC in software.
//!
//! * [`periph`]: one model per register block (CRG_TOP, CRG_XTAL, PDC, OTPC,
//!   CACHE, TIMER…TIMER4, UART×3, SYS_WDOG, RTC, QSPIC, …), each a
//!   [`mb4_periph::device::Device`] with a declarative register table whose
//!   names are those of `DA1469xAB.h`.
//! * [`flash`]: a QSPI NOR flash part (JEDEC ID, status register, program,
//!   erase with busy time, single/quad reads), backed by a byte vector.
//! * [`bus`]: the address map of the application core: remap window, ROM,
//!   OTP, SysRAM, QSPI windows and every register block, with a flat path
//!   for RAM and flash and loud reports for what is not modelled.
//! * [`boot_rom`]: what the boot ROM does, as behaviour: product header,
//!   QSPIC set-up, image header, cache region and remap, then the CPU's
//!   initial SP and PC.

#![forbid(unsafe_code)]

pub mod boot_rom;
pub mod bus;
pub mod flash;
pub mod periph;
