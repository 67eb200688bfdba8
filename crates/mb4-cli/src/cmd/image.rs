//! `mb4 image`: build DA1469x flash images and look inside them.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use mb4_da1469x::flash::parts;
use mb4_image::builder::{self, ImageOptions};
use mb4_image::elf;
use mb4_image::inspect::{self, Report, Status};

/// Flash images: build the bytes the DA1469x boot ROM accepts, or decode them (also flash dumps).
///
/// A flash image, from offset 0: product header 'Pp' at 0x0 and its copy at
/// 0x1000, then the image at 0x2000: 'Qq' header padded to 0x400, then the
/// vector table, code and data.
///
///   mb4 image build zephyr.elf -o flash.bin           flash image for offset 0
///   mb4 image build app.bin --image-only -o app.img   just the 'Qq' image
///   mb4 image inspect flash.bin                       decode and check it
///   mb4 image inspect band-dump.bin                   a flash dump read over SWD
///   mb4 image flash-parts                             the parts --flash knows
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct Cmd {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, Subcommand)]
enum What {
    Build(Build),
    Inspect(Inspect),
    /// List the flash parts --flash accepts, with JEDEC ID, size and product-header values.
    FlashParts {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// Make a flash image (or with --image-only a bare 'Qq' image) from an ELF or a raw binary.
///
/// An ELF (Zephyr's zephyr.elf, a Rust firmware) is placed where it was
/// linked: its lowest load address must be the vector table at
/// 0x16000000 + image address + 0x400 (0x16002400 for the default 0x2000).
/// A mismatch is an error, never a silent relocation. A raw binary is taken
/// as vector table, code and data, as is.
///
/// The output repeats byte for byte: the timestamp comes from --timestamp,
/// else SOURCE_DATE_EPOCH, else 0.
#[derive(Debug, Args)]
#[command(disable_version_flag = true)]
struct Build {
    /// ELF or raw binary (vector table first).
    input: PathBuf,
    /// Where to write the flash image (or the image, with --image-only).
    #[arg(short, long)]
    output: PathBuf,
    /// Flash part the product header configures (see `mb4 image flash-parts`).
    /// The default W25Q128JW is ASSUMED: the Mi Band 4's flash part is not
    /// known yet; it is the table's 1.8 V, 16 MiB part.
    #[arg(long, env = "MB4_FLASH", default_value = "W25Q128JW")]
    flash: String,
    /// Flash offset of the active image (0x2000, or a 256 KiB multiple plus 0 to 3 sectors).
    #[arg(long, default_value = "0x2000", value_parser = parse_u32)]
    active: u32,
    /// Flash offset of the update image [default: the active address].
    #[arg(long, value_parser = parse_u32)]
    update: Option<u32>,
    /// Version string for the image header (at most 16 ASCII characters).
    #[arg(long, default_value = "")]
    version: String,
    /// Timestamp for the image header, seconds since 1970.
    #[arg(long, env = "SOURCE_DATE_EPOCH", default_value_t = 0)]
    timestamp: u32,
    /// Write only the 'Qq' image (header + payload), e.g. for an MCUboot slot or an update.
    #[arg(long)]
    image_only: bool,
}

/// Decode and check a flash image, a 'Qq' image, a raw flash dump or an ELF.
///
/// Shows both product-header copies (flash commands named), the image header
/// and its sections, and the vector table, then every check with what it
/// found. Exits non-zero when a check of severity error fails (bad CRC, truncated,
/// impossible address, …); warnings (padding, version text) do not.
#[derive(Debug, Args)]
struct Inspect {
    /// The file to look at.
    file: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

fn parse_u32(s: &str) -> Result<u32, String> {
    let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => s.parse(),
    };
    parsed.map_err(|e| format!("{s:?} is not a 32-bit number (decimal or 0x hex): {e}"))
}

impl Cmd {
    pub fn run(self) -> Result<()> {
        match self.what {
            What::Build(b) => b.run(),
            What::Inspect(i) => i.run(),
            What::FlashParts { json } => flash_parts(json),
        }
    }
}

impl Build {
    fn run(self) -> Result<()> {
        let data = std::fs::read(&self.input)
            .with_context(|| format!("reading {}", self.input.display()))?;
        let part = parts().find(&self.flash).with_context(|| {
            format!(
                "unknown flash part {:?}; known: {}",
                self.flash,
                parts().names().collect::<Vec<_>>().join(", ")
            )
        })?;
        builder::check_image_address(self.active)?;
        let payload = if elf::is_elf(&data) {
            let loaded = elf::load(&data).with_context(|| format!("{}", self.input.display()))?;
            loaded
                .check_image_address(self.active)
                .with_context(|| format!("{}", self.input.display()))?;
            loaded.payload
        } else if data.starts_with(b"Pp") || data.starts_with(b"Qq") {
            bail!(
                "{} already starts with a {} header; `mb4 image inspect` it instead",
                self.input.display(),
                if data.starts_with(b"Pp") {
                    "product ('Pp')"
                } else {
                    "image ('Qq')"
                }
            );
        } else {
            data
        };
        let options = ImageOptions {
            version: self.version,
            timestamp: self.timestamp,
        };
        let image = builder::make_image(&payload, &options)?;
        let out = if self.image_only {
            image
        } else {
            let update = self.update.unwrap_or(self.active);
            builder::make_flash_image(&image, part, self.active, update)?
        };
        std::fs::write(&self.output, &out)
            .with_context(|| format!("writing {}", self.output.display()))?;
        if self.image_only {
            println!(
                "wrote {}: 'Qq' image, {} bytes ({} bytes of payload after the 0x400 header)",
                self.output.display(),
                out.len(),
                payload.len()
            );
        } else {
            let assumed = if part.name == parts().default {
                " (ASSUMED for the Mi Band 4; pass --flash to choose)"
            } else {
                ""
            };
            println!(
                "wrote {}: {} bytes; product header for {}{assumed} at 0x0 and 0x1000, image at {:#x}",
                self.output.display(),
                out.len(),
                part.name,
                self.active
            );
        }
        Ok(())
    }
}

impl Inspect {
    fn run(self) -> Result<()> {
        let data = std::fs::read(&self.file)
            .with_context(|| format!("reading {}", self.file.display()))?;
        let report = inspect::inspect(&data);
        if self.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print!("{}", render(&self.file.display().to_string(), &report));
        }
        let errors = report.errors().count();
        if errors > 0 {
            bail!(
                "{}: {errors} check(s) failed: {}",
                self.file.display(),
                report
                    .errors()
                    .map(|c| format!("{} {}", c.subject, c.name))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
        Ok(())
    }
}

/// The text report.
pub fn render(name: &str, r: &Report) -> String {
    let mut o = String::new();
    let kind = match r.kind {
        inspect::InputKind::FlashImage => "flash image",
        inspect::InputKind::Image => "image ('Qq')",
        inspect::InputKind::Elf => "ELF",
        inspect::InputKind::Unknown => "unknown format",
    };
    let _ = writeln!(o, "{name}: {kind}, {} bytes", r.file_size);
    for p in &r.product_headers {
        let _ = writeln!(o, "\nproduct header @{:#06x}", p.offset);
        let _ = writeln!(o, "  active image    {:#010x}", p.active_image);
        let _ = writeln!(o, "  update image    {:#010x}", p.update_image);
        let _ = writeln!(o, "  BURSTCMDA       {:#010x}", p.burstcmda);
        let _ = writeln!(o, "  BURSTCMDB       {:#010x}", p.burstcmdb);
        if let Some(c) = p.ctrlmode {
            let _ = writeln!(o, "  CTRLMODE        {c:#010x} (DA1470x-style header)");
        }
        let _ = writeln!(o, "  flash config    {} byte(s)", p.flash_config.len());
        for b in &p.flash_config {
            let _ = writeln!(o, "    {:#04x} {}", b.value, b.meaning);
        }
        let crc = if p.stored_crc == p.computed_crc {
            "ok"
        } else {
            "BAD"
        };
        let _ = writeln!(o, "  CRC16           {:#06x} ({crc})", p.stored_crc);
        let part = if p.flash_parts.is_empty() {
            "no part in the table has these values".to_string()
        } else {
            p.flash_parts.join(", ")
        };
        let _ = writeln!(o, "  flash part      {part}");
    }
    if let Some(e) = &r.elf {
        let _ = writeln!(o, "\nELF");
        let _ = writeln!(o, "  entry           {:#010x}", e.entry);
        let _ = writeln!(o, "  load start      {:#010x}", e.load_start);
        match e.linked_image_address {
            Some(a) => {
                let _ = writeln!(o, "  image address   {a:#x} (linked for)");
            }
            None => {
                let _ = writeln!(
                    o,
                    "  image address   none (not linked for the flash window)"
                );
            }
        }
        let _ = writeln!(o, "  flash bytes     {}", e.payload_len);
        for [load, run, file, mem] in &e.segments {
            let _ = writeln!(
                o,
                "  segment         load {load:#010x} run {run:#010x} file {file:#x} mem {mem:#x}"
            );
        }
    }
    if let Some(h) = &r.image_header {
        let _ = writeln!(o, "\nimage header @{:#06x}", h.offset);
        let _ = writeln!(o, "  size            {} bytes", h.size);
        let _ = writeln!(o, "  CRC32           {:#010x}", h.crc32);
        let _ = writeln!(o, "  version         {:?}", h.version);
        let _ = writeln!(o, "  timestamp       {} ({})", h.timestamp, h.timestamp_utc);
        let _ = writeln!(o, "  IVT offset      {:#x}", h.ivt_offset);
        match &h.signature {
            Some(s) => {
                let _ = writeln!(
                    o,
                    "  security        signed: key slot {}, decryption key slot {}, nonce {}, {}-byte signature",
                    s.signing_key_index, s.decryption_key_index, s.nonce, s.signature_len
                );
            }
            None => {
                let _ = writeln!(o, "  security        empty (not signed, not encrypted)");
            }
        }
        if h.device_admin {
            if h.key_revocations.is_empty() {
                let _ = writeln!(o, "  device admin    empty (no key revocations)");
            }
            for k in &h.key_revocations {
                let _ = writeln!(
                    o,
                    "  revokes         {:#04x} {} in slot {}",
                    k.key_type, k.kind, k.key_index
                );
            }
        } else {
            let _ = writeln!(o, "  device admin    absent");
        }
    }
    if let Some(v) = &r.vector_table {
        let _ = writeln!(o, "\nvector table @{:#06x}", v.at);
        let _ = writeln!(
            o,
            "  initial SP      {:#010x} in {}",
            v.initial_sp,
            v.initial_sp_region.as_deref().unwrap_or("unmapped")
        );
        let _ = writeln!(
            o,
            "  reset handler   {:#010x} in {}",
            v.reset_handler,
            v.reset_handler_region.as_deref().unwrap_or("unmapped")
        );
    }
    if let Some(u) = &r.update_image {
        let _ = writeln!(o, "\nupdate image @{:#06x}", u.address);
        if let Some(h) = &u.image_header {
            let _ = writeln!(o, "  size            {} bytes", h.size);
            let _ = writeln!(o, "  CRC32           {:#010x}", h.crc32);
            let _ = writeln!(o, "  version         {:?}", h.version);
            let _ = writeln!(o, "  timestamp       {} ({})", h.timestamp, h.timestamp_utc);
            let signed = if h.signature.is_some() {
                "signed"
            } else {
                "not signed"
            };
            let _ = writeln!(o, "  security        {signed}");
        }
        if let Some(v) = &u.vector_table {
            let _ = writeln!(o, "  initial SP      {:#010x}", v.initial_sp);
            let _ = writeln!(o, "  reset handler   {:#010x}", v.reset_handler);
        }
    }
    let _ = writeln!(o, "\nchecks");
    for c in &r.checks {
        let status = match (c.status, c.severity) {
            (Status::Pass, _) => "ok  ",
            (Status::Fail, inspect::Severity::Error) => "FAIL",
            (Status::Fail, inspect::Severity::Warning) => "warn",
            (Status::Skipped, _) => "skip",
        };
        let _ = writeln!(o, "  {status}  {} / {}: {}", c.subject, c.name, c.detail);
    }
    let verdict = if r.is_valid() {
        "valid"
    } else if r.errors().next().is_some() {
        "INVALID"
    } else {
        "valid, with warnings"
    };
    let _ = writeln!(o, "\nverdict: {verdict}");
    o
}

fn flash_parts(json: bool) -> Result<()> {
    let table = parts();
    if json {
        let rows: Vec<_> = table
            .parts
            .iter()
            .map(|p| {
                serde_json::json!({
                    "name": p.name, "vendor": p.vendor, "jedec": p.jedec.to_string(),
                    "size": p.size, "voltage": p.voltage,
                    "burstcmda": format!("{:#010x}", p.burstcmda),
                    "burstcmdb": format!("{:#010x}", p.burstcmdb),
                    "ctrlmode": p.ctrlmode.map(|c| format!("{c:#010x}")),
                    "config": p.config.iter().map(|b| format!("{b:#04x}")).collect::<Vec<_>>(),
                    "source": p.source, "confidence": format!("{:?}", p.confidence),
                    "default": p.name == table.default,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    println!(
        "{:<12} {:<9} {:>8}  {:<12} {:<10} {:<10} {:<21} confidence",
        "part", "jedec", "size", "voltage", "burstcmda", "burstcmdb", "config"
    );
    for p in &table.parts {
        let config: Vec<String> = p.config.iter().map(|b| format!("{b:02X}")).collect();
        let mark = if p.name == table.default {
            "  (default, ASSUMED for the Mi Band 4)"
        } else {
            ""
        };
        println!(
            "{:<12} {:<9} {:>8}  {:<12} {:#010x} {:#010x} {:<21} {:?}{mark}",
            p.name,
            p.jedec.to_string(),
            if p.size >= 1 << 20 {
                format!("{} MiB", p.size >> 20)
            } else {
                format!("{} KiB", p.size >> 10)
            },
            p.voltage.as_deref().unwrap_or("?"),
            p.burstcmda,
            p.burstcmdb,
            config.join(" "),
            p.confidence
        );
    }
    Ok(())
}
