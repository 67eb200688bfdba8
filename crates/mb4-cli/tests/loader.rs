//! The flash loader against the emulated band (`mb4 emu run --gdb`): it
//! writes what the QSPIC method writes, and a link cut at either side of the
//! moment the loader starts leaves the old image or the new one, whole.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use mb4_emu::gdb_child::{GdbChild, spinning_flash_image};
use mb4_probe::loader::LoaderFlash;
use mb4_probe::qspi::{FlashAccess, QspiFlash};
use mb4_probe::rsp::{GdbClient, GdbOptions};
use mb4_probe::write::{self, WritePlan};
use mb4_probe::{ProbeError, Registers, StopReason, Target, band};

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mb4-cli-loader-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A flash image whose program spins at its reset handler, `len` bytes of
/// payload after it so the write spans many sectors; `seed` makes it differ.
fn spin_image(version: &str, len: usize, seed: u8) -> Vec<u8> {
    let filler: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect();
    spinning_flash_image(version, &filler).unwrap()
}

/// `mb4 emu run --gdb 0` booting `image`; killed on drop.
struct Emu(GdbChild);

impl Emu {
    fn start(dir: &Path, image: &[u8]) -> Emu {
        let path = dir.join("boot.bin");
        std::fs::write(&path, image).unwrap();
        let exe = Path::new(env!("CARGO_BIN_EXE_mb4"));
        Emu(GdbChild::start(exe, &path, &dir.join("emu.log")).unwrap())
    }

    fn addr(&self) -> &str {
        self.0.addr()
    }

    fn connect(&self) -> GdbClient {
        GdbClient::connect(self.addr(), &GdbOptions::default()).unwrap()
    }

    /// The first `len` bytes of the emulated flash, after a reset.
    fn flash(&self, len: usize) -> Vec<u8> {
        let mut client = self.connect();
        client.reset(true).unwrap();
        let mut flash = QspiFlash::new(client);
        flash.ensure_readable().unwrap();
        let mut buf = vec![0; len];
        flash.read(0, &mut buf).unwrap();
        buf
    }
}

fn mb4(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mb4"))
        .args(args)
        .current_dir(dir)
        .env("MB4_BACKUP_DIR", dir.join("index"))
        .env_remove("MB4_GDB")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn both_methods_write_the_same_flash_and_the_loader_says_so() {
    let dir = workdir("methods");
    let (old, new) = (spin_image("old", 40_000, 1), spin_image("new", 60_000, 2));
    std::fs::write(dir.join("old.bin"), &old).unwrap();
    std::fs::write(dir.join("new.bin"), &new).unwrap();
    let emu = Emu::start(&dir, &old);
    let (code, out, err) = mb4(
        &dir,
        &[
            "flash",
            "--gdb",
            emu.addr(),
            "--i-have-a-backup",
            "new.bin",
            "--no-reset",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(flash loader)"), "{out}");
    assert!(
        err.contains("cannot interrupt"),
        "the overlap note speaks of the loader: {err}"
    );
    assert_eq!(emu.flash(new.len()), new);
    let (code, out, err) = mb4(
        &dir,
        &[
            "flash",
            "--gdb",
            emu.addr(),
            "--i-have-a-backup",
            "old.bin",
            "--method",
            "qspic",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(QSPIC manual mode)"), "{out}");
    let flash = emu.flash(new.len());
    assert_eq!(&flash[..old.len()], &old[..]);
}

/// A link that breaks at a chosen moment: half way through the data upload,
/// or once the loader has been started (the socket is dropped, as when a
/// cable comes out).
struct Flaky {
    inner: Option<GdbClient>,
    cut_in_upload: bool,
    cut_when_started: bool,
}

impl Flaky {
    fn link(&mut self) -> Result<&mut GdbClient, ProbeError> {
        self.inner.as_mut().ok_or(ProbeError::Disconnected {
            during: "the test cut the link".into(),
        })
    }
}

impl Target for Flaky {
    fn describe(&self) -> String {
        "flaky link".into()
    }
    fn read_memory(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), ProbeError> {
        self.link()?.read_memory(addr, buf)
    }
    fn write_memory(&mut self, addr: u32, data: &[u8]) -> Result<(), ProbeError> {
        if data.len() >= 4096 && self.cut_in_upload {
            let half = data.len() / 2;
            self.link()?.write_memory(addr, &data[..half])?;
            self.inner = None;
        }
        self.link()?.write_memory(addr, data)
    }
    fn halt(&mut self) -> Result<StopReason, ProbeError> {
        self.link()?.halt()
    }
    fn resume(&mut self) -> Result<(), ProbeError> {
        self.link()?.resume()
    }
    fn wait_for_halt(&mut self, limit: Duration) -> Result<StopReason, ProbeError> {
        if self.cut_when_started {
            self.inner = None;
        }
        self.link()?.wait_for_halt(limit)
    }
    fn reset(&mut self, halt: bool) -> Result<(), ProbeError> {
        self.link()?.reset(halt)
    }
    fn read_registers(&mut self) -> Result<Registers, ProbeError> {
        self.link()?.read_registers()
    }
    fn write_register(&mut self, n: u32, value: u32) -> Result<(), ProbeError> {
        self.link()?.write_register(n, value)
    }
}

/// Start writing `new` over `old` through the loader on a link that breaks.
fn cut_write(emu: &Emu, new: &[u8], cut_in_upload: bool, cut_when_started: bool) {
    let mut client = emu.connect();
    client.reset(true).unwrap();
    let mut flash = QspiFlash::new(client);
    let report = band::probe(&mut flash).unwrap();
    let current = report
        .active_image
        .as_ref()
        .map(|i| (i.address, 0x400 + i.size.unwrap_or(0)));
    let plan = WritePlan::for_flash_image(new, current);
    assert!(
        plan.overwrites_active,
        "the test wants the hard case: overlapping images"
    );
    let flaky = Flaky {
        inner: Some(flash.into_inner()),
        cut_in_upload,
        cut_when_started,
    };
    let mut loader = LoaderFlash::load(QspiFlash::new(flaky)).unwrap();
    assert!(loader.fits_in_one_call(&plan.steps));
    let err = write::write(&mut loader, &plan, &mut |_, _, _| {}).unwrap_err();
    assert!(err.to_string().contains("cut the link"), "{err}");
}

#[test]
fn a_cut_during_the_upload_leaves_the_old_image_whole() {
    let dir = workdir("cut-upload");
    let (old, new) = (spin_image("old", 60_000, 3), spin_image("new", 60_000, 4));
    let emu = Emu::start(&dir, &old);
    cut_write(&emu, &new, true, false);
    assert_eq!(emu.flash(old.len()), old);
}

#[test]
fn a_cut_once_the_loader_runs_still_writes_the_new_image_whole() {
    let dir = workdir("cut-running");
    let (old, new) = (spin_image("old", 60_000, 5), spin_image("new", 60_000, 6));
    let emu = Emu::start(&dir, &old);
    cut_write(&emu, &new, false, true);
    // The core ran on without a debugger; a new one may catch it before the
    // loader's closing BKPT: let it finish then.
    let mut client = emu.connect();
    let block = mb4_probe::loader::Header::parse(mb4_probe::loader::BUILTIN)
        .unwrap()
        .call_block;
    let status = |c: &mut GdbClient| c.read_u32(block + 16).unwrap();
    if status(&mut client) == 0xFFFF_FFFF {
        client.resume().unwrap();
        client.wait_for_halt(Duration::from_secs(60)).unwrap();
    }
    assert_eq!(status(&mut client), 0, "the loader finished without error");
    drop(client);
    assert_eq!(emu.flash(new.len()), new);
}
