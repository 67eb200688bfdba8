//! Turns the decode tables in `decode/` into Rust (see `build/decodegen.rs`).

#[path = "build/decodegen.rs"]
mod decodegen;

use std::path::PathBuf;

fn main() {
    let tables = [
        ("t16.decode", 16, "decode_t16"),
        ("t32.decode", 32, "decode_t32"),
        ("vfp.decode", 32, "decode_vfp"),
    ];
    let mut parsed = Vec::new();
    for (file, width, _) in &tables {
        let path = format!("decode/{file}");
        println!("cargo:rerun-if-changed={path}");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        match decodegen::parse(file, &text, *width) {
            Ok(t) => parsed.push(t),
            Err(e) => panic!("decode table error: {e}"),
        }
    }
    println!("cargo:rerun-if-changed=build/decodegen.rs");
    let refs: Vec<_> = parsed
        .iter()
        .zip(tables.iter())
        .map(|(t, (_, _, f))| (t, *f))
        .collect();
    let code = decodegen::generate(&refs).unwrap_or_else(|e| panic!("decode table error: {e}"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("decoders.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
