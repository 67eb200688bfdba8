//! Hand the linker our memory layout (`demo.ld`).

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rustc-link-arg-bins=-T{dir}/demo.ld");
    // No page alignment: keeps the ELF headers out of the first loadable
    // segment, so the image starts exactly at the vector table.
    println!("cargo:rustc-link-arg-bins=--nmagic");
    println!("cargo:rerun-if-changed=demo.ld");
}
