//! Syntax trees of files read again and again, parsed once a run. Generic code of one
//! package is instantiated in many others (`slices.go` in 26 packages of the standard
//! library), and each package's rules read that file for the words of a subject: parsing it
//! once per package was 2 MB of the 28 MB a run over the standard library parses.
//!
//! Each package still reads the file itself (the read is what the result cache records);
//! only the parse of the same bytes at the same path is shared.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::GoFile;

/// How many bytes of source the shared trees may hold: a tree is many times its source, and
/// the files shared are few and small (300 KB in all on the standard library).
const CAP_BYTES: usize = 8 << 20;

/// The trees of a run, by path and the hash of the bytes they were parsed from.
#[derive(Default)]
pub struct SharedParses {
    files: Mutex<Shared>,
}

#[derive(Default)]
struct Shared {
    trees: HashMap<(PathBuf, u128), Arc<GoFile>>,
    bytes: usize,
}

impl std::fmt::Debug for SharedParses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedParses").finish_non_exhaustive()
    }
}

impl SharedParses {
    /// `text`, read from `path`, parsed: the tree parsed before from the same bytes at the
    /// same path, or parsed now (and kept while the cap allows).
    pub fn parse(&self, path: &Path, text: String) -> Option<Arc<GoFile>> {
        let key = (path.to_path_buf(), super::deps::hash(text.as_bytes()));
        if let Some(tree) = self.lock().trees.get(&key) {
            return Some(tree.clone());
        }
        // Parsed outside the lock: two threads may both parse a file the first time, and
        // keep the same tree.
        let len = text.len();
        let file = Arc::new(GoFile::parse(&mut super::gofile::parser(), path, text)?);
        let mut shared = self.lock();
        if shared.bytes + len <= CAP_BYTES && !shared.trees.contains_key(&key) {
            shared.bytes += len;
            shared.trees.insert(key, file.clone());
        }
        Some(file)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        // A cache only: what a panicking thread left is still a set of whole trees.
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_bytes_at_the_same_path_are_parsed_once() {
        let shared = SharedParses::default();
        let path = Path::new("/m/slices.go");
        let a = shared.parse(path, "package slices\n".into()).unwrap();
        let b = shared.parse(path, "package slices\n".into()).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        // Other bytes (the file was edited) or another path: parsed again.
        let c = shared
            .parse(path, "package slices // edited\n".into())
            .unwrap();
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(c.text, "package slices // edited\n");
        let d = shared
            .parse(Path::new("/m/maps.go"), "package slices\n".into())
            .unwrap();
        assert!(!Arc::ptr_eq(&a, &d));
    }

    #[test]
    fn past_the_cap_trees_are_parsed_but_not_kept() {
        let shared = SharedParses::default();
        let big = format!("package p\nvar s = `{}`\n", "x".repeat(CAP_BYTES));
        let a = shared.parse(Path::new("/m/big.go"), big.clone()).unwrap();
        let b = shared.parse(Path::new("/m/big.go"), big).unwrap();
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(shared.lock().bytes, 0);
    }
}
