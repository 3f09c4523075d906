//! How far a long run has got, for whoever shows it: `main` draws a line on a terminal. The
//! library only reports; it never prints.

use std::sync::OnceLock;

/// Receives the run's progress.
pub trait Progress: Send + Sync {
    /// `built`: packages the compiler has finished printing; `explained`: packages reported;
    /// `package`: the one that just moved.
    fn update(&self, built: u64, explained: u64, package: &str);
}

static PROGRESS: OnceLock<Box<dyn Progress>> = OnceLock::new();

/// Installs the receiver for this process (once; later calls are ignored).
pub fn install(progress: Box<dyn Progress>) {
    let _ = PROGRESS.set(progress);
}

pub(crate) fn update(built: u64, explained: u64, package: &str) {
    if let Some(p) = PROGRESS.get() {
        p.update(built, explained, package);
    }
}
