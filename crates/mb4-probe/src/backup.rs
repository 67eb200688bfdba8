//! Whole-flash backups: read twice and compared, resumable, with a SHA-256
//! manifest beside the file and an index of backed-up bands.
//!
//! Files, for `-o backup.bin`:
//! * `backup.bin.part` while the dump runs (resumed from its length);
//! * `backup.bin` when complete;
//! * `backup.bin.sha256` (`sha256sum -c` reads it) and
//!   `backup.bin.manifest.json` (band identity, part, size, hash);
//! * `<index dir>/<band id>.json`: where the backup of that band is, so
//!   `mb4 flash` can check one exists.

use std::fs::{self, File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::qspi::{FlashAccess, FlashError};

/// Bytes read per step (one sector: the unit a resume restarts from).
pub const CHUNK: usize = 0x1000;
/// How often a chunk is re-read when two reads differ.
pub const REREADS: usize = 4;

/// Backup failures.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Reading the flash failed.
    #[error(transparent)]
    Flash(#[from] FlashError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Two reads of the same bytes kept differing: the link or the chip is unreliable.
    #[error(
        "flash offset {offset:#x}: {tries} reads of the same {len} bytes never agreed twice; check the wiring and the probe's SWD clock"
    )]
    Unstable {
        /// Chunk offset.
        offset: u32,
        /// Chunk length.
        len: usize,
        /// Reads made.
        tries: usize,
    },
    /// The manifest is not ours, or is damaged.
    #[error("{path}: not a backup manifest: {why}")]
    Manifest {
        /// The file.
        path: PathBuf,
        /// Parser message.
        why: String,
    },
    /// The backup file no longer matches its manifest.
    #[error("{path}: SHA-256 is {found}, the manifest says {expected}; the backup is damaged")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// Hash in the manifest.
        expected: String,
        /// Hash of the file now.
        found: String,
    },
}

fn file_err(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::File {
        path: path.to_path_buf(),
        source,
    }
}

/// What a backup is of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always "mb4 flash backup".
    pub kind: String,
    /// File name of the dump (beside the manifest).
    pub file: String,
    /// Bytes.
    pub size: u32,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Band identity when dumped ([`crate::band::BandId::fingerprint`]).
    pub band_id: String,
    /// CHIP_ID and revision.
    pub chip: String,
    /// Flash JEDEC ID.
    pub jedec: String,
    /// Flash part name, when known.
    pub part: Option<String>,
    /// Every chunk was read twice and the reads agreed.
    pub verified_reads: u32,
}

/// An index entry: band id → backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    /// Absolute path of the backup's manifest.
    pub manifest: PathBuf,
    /// SHA-256 of the backup file.
    pub sha256: String,
}

/// Reports progress (bytes done of total).
pub trait Progress {
    /// Called after each chunk.
    fn update(&mut self, done: u64, total: u64);
}

impl<F: FnMut(u64, u64)> Progress for F {
    fn update(&mut self, done: u64, total: u64) {
        self(done, total)
    }
}

fn sidecar(out: &Path, suffix: &str) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Path of the manifest beside `out`.
pub fn manifest_path(out: &Path) -> PathBuf {
    sidecar(out, ".manifest.json")
}

/// Read one chunk until two consecutive reads agree.
fn stable_read<F: FlashAccess>(
    flash: &mut F,
    offset: u32,
    buf: &mut [u8],
) -> Result<(), BackupError> {
    let mut again = vec![0u8; buf.len()];
    flash.read(offset, buf)?;
    for _ in 0..REREADS {
        flash.read(offset, &mut again)?;
        if again == buf {
            return Ok(());
        }
        buf.copy_from_slice(&again);
    }
    Err(BackupError::Unstable {
        offset,
        len: buf.len(),
        tries: REREADS + 1,
    })
}

/// Dump `size` bytes of flash to `out`, resuming a `.part` file left by an
/// interrupted run. Returns the file's SHA-256.
pub fn dump<F: FlashAccess>(
    flash: &mut F,
    size: u32,
    out: &Path,
    progress: &mut dyn Progress,
) -> Result<String, BackupError> {
    let part = sidecar(out, ".part");
    let mut file = OpenOptions::new()
        .create(true)
        .append(false)
        .read(true)
        .write(true)
        .truncate(false)
        .open(&part)
        .map_err(file_err(&part))?;
    let have = file.metadata().map_err(file_err(&part))?.len();
    // Resume at the last whole chunk; a torn tail is read again.
    let start = (have.min(u64::from(size)) / CHUNK as u64 * CHUNK as u64) as u32;
    file.set_len(u64::from(start)).map_err(file_err(&part))?;
    file.seek(SeekFrom::Start(u64::from(start)))
        .map_err(file_err(&part))?;
    let mut buf = vec![0u8; CHUNK];
    let mut offset = start;
    while offset < size {
        let n = CHUNK.min((size - offset) as usize);
        stable_read(flash, offset, &mut buf[..n])?;
        file.write_all(&buf[..n]).map_err(file_err(&part))?;
        offset += n as u32;
        progress.update(u64::from(offset), u64::from(size));
    }
    file.sync_all().map_err(file_err(&part))?;
    drop(file);
    let data = fs::read(&part).map_err(file_err(&part))?;
    let sha = crate::band::sha256_hex(&data);
    fs::rename(&part, out).map_err(file_err(out))?;
    Ok(sha)
}

/// Write the manifest and the `sha256sum` line beside `out`.
pub fn write_manifest(out: &Path, manifest: &Manifest) -> Result<(), BackupError> {
    let json = serde_json::to_string_pretty(manifest).expect("manifest serialises");
    let mpath = manifest_path(out);
    fs::write(&mpath, json + "\n").map_err(file_err(&mpath))?;
    let spath = sidecar(out, ".sha256");
    fs::write(&spath, format!("{}  {}\n", manifest.sha256, manifest.file)).map_err(file_err(&spath))
}

/// Load a manifest and check its backup file still has the recorded hash.
pub fn verify_backup(manifest_file: &Path) -> Result<Manifest, BackupError> {
    let text = fs::read_to_string(manifest_file).map_err(file_err(manifest_file))?;
    let m: Manifest = serde_json::from_str(&text).map_err(|e| BackupError::Manifest {
        path: manifest_file.to_path_buf(),
        why: e.to_string(),
    })?;
    if m.kind != "mb4 flash backup" {
        return Err(BackupError::Manifest {
            path: manifest_file.to_path_buf(),
            why: format!("kind is {:?}", m.kind),
        });
    }
    let file = manifest_file.with_file_name(&m.file);
    let data = fs::read(&file).map_err(file_err(&file))?;
    let found = crate::band::sha256_hex(&data);
    if found != m.sha256 || data.len() != m.size as usize {
        return Err(BackupError::Damaged {
            path: file,
            expected: m.sha256,
            found,
        });
    }
    Ok(m)
}

/// Record in `index_dir` that `band_id` is backed up by `manifest_file`.
pub fn register(
    index_dir: &Path,
    band_id: &str,
    manifest_file: &Path,
    sha256: &str,
) -> Result<(), BackupError> {
    fs::create_dir_all(index_dir).map_err(file_err(index_dir))?;
    let manifest = fs::canonicalize(manifest_file).map_err(file_err(manifest_file))?;
    let entry = IndexEntry {
        manifest,
        sha256: sha256.to_string(),
    };
    let path = index_dir.join(format!("{band_id}.json"));
    let mut f = File::create(&path).map_err(file_err(&path))?;
    f.write_all(
        serde_json::to_string_pretty(&entry)
            .expect("serialises")
            .as_bytes(),
    )
    .map_err(file_err(&path))
}

/// Find and verify the backup of `band_id`; `Ok(None)` if there is none.
pub fn find_backup(index_dir: &Path, band_id: &str) -> Result<Option<Manifest>, BackupError> {
    let path = index_dir.join(format!("{band_id}.json"));
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(file_err(&path)(e)),
    };
    let entry: IndexEntry = serde_json::from_str(&text).map_err(|e| BackupError::Manifest {
        path: path.clone(),
        why: e.to_string(),
    })?;
    let m = verify_backup(&entry.manifest)?;
    Ok(Some(m))
}
