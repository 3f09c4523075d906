//! What the integration tests share: the repository root, the tool run offline, and the
//! check that a run succeeded, with its standard error in the message when it did not.

// Each test crate uses a part of this module.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The tool in the repository root with no go on PATH, none of the environment's colour or
/// pager settings, and nothing on standard input: it reads recordings only.
pub fn offline() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("escape-explain"));
    c.current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("COLORTERM")
        .env_remove("PAGER")
        .env("PATH", "/nonexistent")
        .stdin(Stdio::null());
    c
}

/// Asserts that the run exited 0; `what` (the arguments, say) leads the message.
#[track_caller]
pub fn assert_success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
