//! Rebuilds when the teaching demos change (they are compiled into the binary), and generates
//! the pprof profile messages from `proto/profile.proto` (pure Rust: no protoc needed).
fn main() {
    println!("cargo:rerun-if-changed=samples");
    println!("cargo:rerun-if-changed=src/catalog");
    println!("cargo:rerun-if-changed=proto/profile.proto");
    let descriptors = protox::compile(["profile.proto"], ["proto"])
        .unwrap_or_else(|e| panic!("proto/profile.proto: {e}"));
    prost_build::Config::new()
        .compile_fds(descriptors)
        .unwrap_or_else(|e| panic!("generating the profile messages: {e}"));
}
