//! What the integration tests share: the repository root, the tool run offline, and the
//! check that a run succeeded, with its standard error in the message when it did not.

// Each test crate uses a part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
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
/// Its result cache is one the whole suite shares, in the build directory (never the user's):
/// a run whose packages another test analysed replays them, and must print the same.
pub fn tool() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("escape-explain"));
    for v in TERMINAL_VARS {
        c.env_remove(v);
    }
    c.env(
        "ESCAPE_EXPLAIN_CACHE",
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("result-cache"),
    );
    c
}

/// The tool in the repository root with no go on PATH, none of the environment's terminal
/// settings, and nothing on standard input: it reads recordings only.
pub fn offline() -> Command {
    let mut c = tool();
    c.current_dir(root())
        .env("PATH", "/nonexistent")
        .stdin(Stdio::null());
    // A shell set to cross-compile does not change which files the recordings' builds had.
    for v in ["GOOS", "GOARCH", "CGO_ENABLED", "GOFLAGS"] {
        c.env_remove(v);
    }
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

/// The report with this checkout's place on disk written `<checkout>`: a SARIF run names its
/// source root as a `file` URI (`originalUriBaseIds`), and a recording carries no machine path.
pub fn without_checkout(report: &str) -> String {
    let here = root().canonicalize().unwrap();
    report.replace(
        &format!("file://{}/", here.display()),
        "file:///<checkout>/",
    )
}

/// Validates a SARIF report with the official validator (`@microsoft/sarif-multitool`, or
/// `$SARIF_MULTITOOL`): None when it is not installed (a failure under `CI=true`, which
/// installs it), else its verdict with its output.
pub fn validate_sarif(report: &[u8]) -> Option<Result<(), String>> {
    let tool = std::env::var("SARIF_MULTITOOL").unwrap_or_else(|_| "sarif-multitool".into());
    if Command::new(&tool).arg("--version").output().is_err() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("sarif-multitool is not installed, and CI=true requires the validation");
        }
        eprintln!("sarif-multitool is not installed: the SARIF is not validated");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.sarif");
    std::fs::write(&file, report).unwrap();
    let v = Command::new(&tool)
        .args(["validate", file.to_str().unwrap()])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&v.stdout).into_owned() + &String::from_utf8_lossy(&v.stderr);
    Some(if v.status.success() && !text.contains(": error ") {
        Ok(())
    } else {
        Err(text)
    })
}
