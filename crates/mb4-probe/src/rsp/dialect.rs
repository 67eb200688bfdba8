//! What differs between GDB servers: how to name them, how to reset and halt.
//!
//! | server | detected by (`monitor version` / `monitor help` output) | reset and halt |
//! | --- | --- | --- |
//! | OpenOCD | "Open On-Chip Debugger" | `monitor reset halt` |
//! | pyOCD | "pyOCD" / "pyocd" | `monitor reset halt` |
//! | J-Link GDB Server | "SEGGER" / "J-Link" | `monitor reset` (halts after reset) |
//! | Black Magic Probe | "Black Magic" | no monitor command: vector catch (below) |
//! | `mb4 emu --gdb` | "mb4" | `monitor reset halt` |
//! | anything else | — | `monitor reset halt`, else vector catch |
//!
//! Confidence: OpenOCD's and pyOCD's `reset halt` and J-Link's halting
//! `reset` are from their manuals (single source each, not tried on a band);
//! the banners are inferred. "Vector catch" works on any Cortex-M through
//! plain memory writes: set `DEMCR.VC_CORERESET`, write `AIRCR.SYSRESETREQ`,
//! and the core stops at the reset vector.

/// A GDB server family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    /// OpenOCD's gdb server.
    OpenOcd,
    /// SEGGER J-Link GDB Server.
    JLink,
    /// pyOCD gdbserver.
    PyOcd,
    /// Black Magic Probe firmware.
    BlackMagic,
    /// Our emulator's stub.
    Mb4Emu,
    /// Not recognised.
    Unknown,
}

/// How to reset the chip and leave the core halted at the reset vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetHalt {
    /// A `monitor` command.
    Monitor(&'static str),
    /// DEMCR vector catch plus AIRCR.SYSRESETREQ through memory writes.
    VectorCatch,
}

impl Server {
    /// Every family, for `--gdb-server` parsing and help.
    pub const ALL: [Server; 6] = [
        Server::OpenOcd,
        Server::JLink,
        Server::PyOcd,
        Server::BlackMagic,
        Server::Mb4Emu,
        Server::Unknown,
    ];

    /// Short name (`--gdb-server` takes it).
    pub fn name(self) -> &'static str {
        match self {
            Server::OpenOcd => "openocd",
            Server::JLink => "jlink",
            Server::PyOcd => "pyocd",
            Server::BlackMagic => "bmp",
            Server::Mb4Emu => "mb4-emu",
            Server::Unknown => "unknown",
        }
    }

    /// Parse a [`Server::name`].
    pub fn from_name(name: &str) -> Option<Server> {
        Server::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Recognise a server from what it printed for `monitor version` or
    /// `monitor help`.
    pub fn recognise(banner: &str) -> Server {
        let lower = banner.to_ascii_lowercase();
        if lower.contains("open on-chip debugger") || lower.contains("openocd") {
            Server::OpenOcd
        } else if lower.contains("black magic") {
            Server::BlackMagic
        } else if lower.contains("pyocd") {
            Server::PyOcd
        } else if lower.contains("segger") || lower.contains("j-link") {
            Server::JLink
        } else if lower.contains("mb4") {
            Server::Mb4Emu
        } else {
            Server::Unknown
        }
    }

    /// How this server resets into a halted core.
    pub fn reset_halt(self) -> ResetHalt {
        match self {
            Server::OpenOcd | Server::PyOcd | Server::Mb4Emu | Server::Unknown => {
                ResetHalt::Monitor("reset halt")
            }
            Server::JLink => ResetHalt::Monitor("reset"),
            Server::BlackMagic => ResetHalt::VectorCatch,
        }
    }

    /// The monitor command that prints a banner naming the server.
    pub fn banner_commands() -> [&'static str; 2] {
        ["version", "help"]
    }
}

impl std::fmt::Display for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Server::OpenOcd => "OpenOCD",
            Server::JLink => "J-Link GDB Server",
            Server::PyOcd => "pyOCD",
            Server::BlackMagic => "Black Magic Probe",
            Server::Mb4Emu => "mb4 emulator",
            Server::Unknown => "unrecognised GDB server",
        })
    }
}

/// Cortex-M debug registers used for the generic reset (ARMv8-M ARM, D1.2).
pub mod scs {
    /// Debug Halting Control and Status Register.
    pub const DHCSR: u32 = 0xE000_EDF0;
    /// `DHCSR.S_HALT`: the core is halted.
    pub const DHCSR_S_HALT: u32 = 1 << 17;
    /// Debug Exception and Monitor Control Register.
    pub const DEMCR: u32 = 0xE000_EDFC;
    /// `DEMCR.VC_CORERESET`: halt on reset.
    pub const DEMCR_VC_CORERESET: u32 = 1;
    /// Application Interrupt and Reset Control Register.
    pub const AIRCR: u32 = 0xE000_ED0C;
    /// `AIRCR` write: key 0x05FA and SYSRESETREQ.
    pub const AIRCR_SYSRESETREQ: u32 = 0x05FA_0004;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Server::ALL {
            assert_eq!(Server::from_name(s.name()), Some(s));
        }
        assert_eq!(Server::from_name("gdb"), None);
    }

    #[test]
    fn recognises_banners() {
        assert_eq!(
            Server::recognise("Open On-Chip Debugger 0.12.0"),
            Server::OpenOcd
        );
        assert_eq!(
            Server::recognise("Black Magic Probe v1.10"),
            Server::BlackMagic
        );
        assert_eq!(Server::recognise("pyOCD 0.36"), Server::PyOcd);
        assert_eq!(Server::recognise("SEGGER J-Link GDB Server"), Server::JLink);
        assert_eq!(Server::recognise("mb4 emu"), Server::Mb4Emu);
        assert_eq!(Server::recognise("hello"), Server::Unknown);
    }

    #[test]
    fn black_magic_resets_by_vector_catch_and_jlink_by_plain_reset() {
        assert_eq!(Server::BlackMagic.reset_halt(), ResetHalt::VectorCatch);
        assert_eq!(Server::JLink.reset_halt(), ResetHalt::Monitor("reset"));
        assert_eq!(
            Server::OpenOcd.reset_halt(),
            ResetHalt::Monitor("reset halt")
        );
    }
}
