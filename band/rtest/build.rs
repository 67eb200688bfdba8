//! Link with the CPU tests' layout (tests/cpu/rt/link.ld): vector table and
//! code at 0x1000_0000, data and stack at 0x3800_0000, as QEMU's mps2-an505
//! and mb4's bare-m33 both run it.

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rustc-link-arg-bins=-T{dir}/../../tests/cpu/rt/link.ld");
    println!("cargo:rustc-link-arg-bins=--nmagic");
    println!("cargo:rerun-if-changed=../../tests/cpu/rt/link.ld");
}
