//! What the integration tests share: the repository root, the tool run offline, and the
//! check that a run succeeded, with its standard error in the message when it did not.

// Each test crate uses a part of this module.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What the shell's terminal settings change in the tool's output without being what a test is
/// about: colour forced or refused, a dumb or absent terminal (`TERM` unset or `dumb` on many
/// CI runners), the width clap wraps help to when there is no terminal, a pager.
pub const TERMINAL_VARS: [&str; 9] = [
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "FORCE_COLOR",
    "COLORTERM",
    "TERM",
    "COLUMNS",
    "LINES",
    "PAGER",
];

/// The tool with none of [`TERMINAL_VARS`]: a test passes the same in any shell or CI runner.
pub fn tool() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("escape-explain"));
    for v in TERMINAL_VARS {
        c.env_remove(v);
    }
    c
}

/// The tool in the repository root with no go on PATH, none of the environment's terminal
/// settings, and nothing on standard input: it reads recordings only.
pub fn offline() -> Command {
    let mut c = tool();
    c.current_dir(root())
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
