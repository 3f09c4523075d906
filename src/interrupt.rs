//! What an interrupted run must undo. Temporary files and directories (the report being
//! written for `-o`, the test binaries of `--tests`) and the `go` child are registered here
//! while they exist; on SIGINT, SIGTERM or SIGHUP the files are removed, the child is passed the
//! signal, and the process exits with 128 + the signal's number, as a shell reports it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What is registered now.
#[derive(Default)]
struct Registry {
    paths: Vec<PathBuf>,
    children: Vec<u32>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    paths: Vec::new(),
    children: Vec::new(),
});

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes `path` (a file, or a directory and what is in it) if the run is interrupted.
pub fn remove_on_signal(path: &Path) {
    registry().paths.push(path.to_path_buf());
}

/// `path` is no longer the interrupt's to remove (it was removed, or it is the report).
pub fn forget(path: &Path) {
    registry().paths.retain(|p| p != path);
}

/// Passes an interrupting signal on to the process `pid` (a `go` child).
pub fn signal_child(pid: u32) {
    registry().children.push(pid);
}

/// The child `pid` has ended.
pub fn forget_child(pid: u32) {
    registry().children.retain(|&c| c != pid);
}

/// Starts the thread that waits for the signals. Without it (a platform without them, or the
/// thread could not start), an interrupt ends the process as it would anyway.
pub fn install() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    undo(sig);
                    std::process::exit(128 + sig);
                }
            });
    }
}

/// Removes what is registered and passes `sig` to the children.
#[cfg(unix)]
fn undo(sig: i32) {
    let r = registry();
    for &pid in &r.children {
        if let Ok(pid) = i32::try_from(pid) {
            // SAFETY: kill(2) with a pid this process started and has not yet reaped.
            unsafe {
                libc::kill(pid, sig);
            }
        }
    }
    for p in &r.paths {
        match std::fs::symlink_metadata(p) {
            Ok(m) if m.is_dir() => {
                let _ = std::fs::remove_dir_all(p);
            }
            Ok(_) => {
                let _ = std::fs::remove_file(p);
            }
            Err(_) => {}
        }
    }
}
