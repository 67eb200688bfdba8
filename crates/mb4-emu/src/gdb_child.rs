//! The emulated band served to a debugger from a child process (`mb4 emu run
//! --gdb 0`), booting a flash image whose program only spins.
//!
//! For tools and tests that drive the band from the GDB side, as a probe
//! would: `mb4 bench flash` and the CLI's flash-loader tests. The caller
//! names the `mb4` executable (this crate cannot build it): the bench uses
//! itself, tests use `CARGO_BIN_EXE_mb4`. A child process, not a thread, so
//! that dropping it stops the machine and frees its core for what comes next.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use mb4_image::BuildError;
use mb4_image::builder::{ImageOptions, make_flash_image, make_image};

use crate::da1469x::DEFAULT_IMAGE_ADDRESS;

/// The board the child emulates.
pub const BOARD: &str = "xiaomi_mi_band_4";
/// The flash part of [`spinning_flash_image`] (the band's).
const FLASH_PART: &str = "W25Q128JW";
/// How long the child may take to say where it listens.
const START_LIMIT: Duration = Duration::from_secs(30);

/// Why the image cannot be built or the child cannot be started.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// The image builder refused the spinning image.
    #[error("cannot build the spinning flash image: {0}")]
    Build(#[from] BuildError),
    /// The parts table lacks the band's flash.
    #[error("flash part {part} missing from the parts table")]
    NoFlashPart {
        /// Part name.
        part: &'static str,
    },
    /// A file or the process could not be created.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file or executable.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The emulator ended before it listened.
    #[error("mb4 emu exited ({status}): {log}")]
    Exited {
        /// Its exit status.
        status: ExitStatus,
        /// What it printed on stderr.
        log: String,
    },
    /// The emulator never printed its address.
    #[error("mb4 emu did not say where it listens within {} s", START_LIMIT.as_secs())]
    Silent,
}

/// A flash image for the band (W25Q128JW, active image at 0x2000) whose
/// program spins at its reset handler (`b .`), followed by `filler` as more
/// payload, so that writing the image spans as many sectors as wanted.
/// `version` goes in the image header, so two images can differ by it alone.
pub fn spinning_flash_image(version: &str, filler: &[u8]) -> Result<Vec<u8>, LaunchError> {
    // The vector table sits 0x400 into the image: SP, then the reset
    // handler right after the two words.
    let vectors = 0x1600_0000 + DEFAULT_IMAGE_ADDRESS + 0x400;
    let mut payload = Vec::with_capacity(12 + filler.len());
    payload.extend_from_slice(&0x2001_0000u32.to_le_bytes());
    payload.extend_from_slice(&((vectors + 8) | 1).to_le_bytes());
    payload.extend_from_slice(&[0xFE, 0xE7, 0x00, 0xBF]); // b . ; nop
    payload.extend_from_slice(filler);
    let image = make_image(
        &payload,
        &ImageOptions {
            version: version.into(),
            timestamp: 0,
        },
    )?;
    let part = mb4_da1469x::flash::parts()
        .find(FLASH_PART)
        .ok_or(LaunchError::NoFlashPart { part: FLASH_PART })?;
    Ok(make_flash_image(
        &image,
        part,
        DEFAULT_IMAGE_ADDRESS,
        DEFAULT_IMAGE_ADDRESS,
    )?)
}

/// `mb4 emu run --gdb 0 --board xiaomi_mi_band_4 <image>` as a child
/// process, halted and waiting for a debugger at [`GdbChild::addr`]; killed
/// when dropped.
#[derive(Debug)]
pub struct GdbChild {
    child: Child,
    addr: String,
}

impl GdbChild {
    /// Start `exe` (an `mb4` executable) on the flash image in the file
    /// `image`, its stderr going to the file `log`, and wait until it says
    /// where it listens.
    pub fn start(exe: &Path, image: &Path, log: &Path) -> Result<GdbChild, LaunchError> {
        let io = |what, path: &Path| {
            let path = path.to_path_buf();
            move |source| LaunchError::Io { what, path, source }
        };
        let err = std::fs::File::create(log).map_err(io("cannot create", log))?;
        let child = Command::new(exe)
            .args(["emu", "run", "--gdb", "0", "--board", BOARD])
            .arg(image)
            .stdout(Stdio::null())
            .stderr(err)
            .spawn()
            .map_err(io("cannot start", exe))?;
        let mut emu = GdbChild {
            child,
            addr: String::new(),
        };
        let deadline = Instant::now() + START_LIMIT;
        while Instant::now() < deadline {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            if let Some(at) = text.find("127.0.0.1:") {
                let rest = &text[at..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ':'))
                    .unwrap_or(rest.len());
                emu.addr = rest[..end].to_string();
                return Ok(emu);
            }
            if let Ok(Some(status)) = emu.child.try_wait() {
                return Err(LaunchError::Exited { status, log: text });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(LaunchError::Silent)
    }

    /// Where the emulator listens (`127.0.0.1:PORT`).
    pub fn addr(&self) -> &str {
        &self.addr
    }
}

impl Drop for GdbChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spinning_image_boots_on_the_band_and_reaches_its_loop() {
        let flash = spinning_flash_image("test", &[0x55; 5000]).unwrap();
        let board = mb4_board::Board::builtin(BOARD).unwrap();
        let mut m = crate::da1469x::Da1469x::for_board(&board, &flash).unwrap();
        let until = crate::da1469x::Until {
            pc: Some(0x1600_0000 + DEFAULT_IMAGE_ADDRESS + 0x408),
            time: Some(mb4_periph::time::Instant::from_millis(100)),
            ..Default::default()
        };
        let mut reports = Vec::new();
        let exit = m.run(&until, &mut std::io::sink(), &mut reports);
        assert_eq!(
            exit,
            crate::da1469x::Exit::Pc,
            "{}",
            String::from_utf8_lossy(&reports)
        );
    }
}
