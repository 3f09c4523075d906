//! Rebuilds when the teaching demos change (they are compiled into the binary), generates the
//! pprof profile messages from `proto/profile.proto` (pure Rust: no protoc needed), and tells
//! the tests whether `go` is on PATH: the live tests are then ignored with that reason, so a
//! test summary shows them as not run rather than as passed.
fn main() {
    println!("cargo::rerun-if-changed=samples");
    println!("cargo::rerun-if-changed=src/catalog");
    println!("cargo::rerun-if-changed=proto/profile.proto");
    println!("cargo::rustc-check-cfg=cfg(no_go)");
    println!("cargo::rerun-if-env-changed=PATH");
    if !go_on_path() {
        println!("cargo::rustc-cfg=no_go");
    }
    let descriptors = protox::compile(["profile.proto"], ["proto"])
        .unwrap_or_else(|e| panic!("proto/profile.proto: {e}"));
    prost_build::Config::new()
        .compile_fds(descriptors)
        .unwrap_or_else(|e| panic!("generating the profile messages: {e}"));
}

/// An executable `go` in a directory of PATH, where the tests' `Command::new("go")` looks.
/// Nothing is run: a build script should not start the toolchain it only asks about.
fn go_on_path() -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    let name = if cfg!(windows) { "go.exe" } else { "go" };
    std::env::split_paths(&path).any(|dir| {
        let go = dir.join(name);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            go.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        }
        #[cfg(not(unix))]
        go.is_file()
    })
}
