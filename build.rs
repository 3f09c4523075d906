//! Rebuilds when the teaching demos change: they are compiled into the binary.
fn main() {
    println!("cargo:rerun-if-changed=samples");
    println!("cargo:rerun-if-changed=src/catalog");
}
