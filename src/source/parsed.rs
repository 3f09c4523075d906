//! Syntax trees of files read again and again, parsed once a run. Generic code of one
//! package is instantiated in many others (`slices.go` in 26 packages of the standard
//! library), and each package's rules read that file for the words of a subject: parsing it
//! once per package was 2 MB of the 28 MB a run over the standard library parses.
//!
//! Each package still reads the file itself ([`SharedParses::read`]): the read is what the
//! result cache records for it. Only the parse of the same bytes at the same path is shared.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::GoFile;

/// How many bytes of source the shared trees may hold: a tree is many times its source (some
/// 25 times for Go), and a tree is kept only once a second package has asked for it.
const CAP_BYTES: usize = 2 << 20;

/// The trees of a run, by path and the hash of the bytes they were parsed from.
#[derive(Default)]
pub struct SharedParses {
    files: Mutex<Shared>,
}

type Key = (PathBuf, u128);

#[derive(Default)]
struct Shared {
    trees: HashMap<Key, Arc<GoFile>>,
    /// Files parsed once and not kept: the second ask keeps the tree.
    asked: HashSet<Key>,
    /// The source bytes `trees` holds.
    bytes: usize,
}

impl std::fmt::Debug for SharedParses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedParses").finish_non_exhaustive()
    }
}

impl SharedParses {
    /// Reads `path` (a regular file, recorded as read by the analysis open on this thread)
    /// and parses it: the tree parsed before from the same bytes at the same path, or parsed
    /// now. `None` when it cannot be read.
    pub fn read(&self, path: &Path) -> Option<Arc<GoFile>> {
        let text = crate::files::read_regular_text(path).ok()?;
        self.parse(path, text)
    }

    fn parse(&self, path: &Path, text: String) -> Option<Arc<GoFile>> {
        let key = (path.to_path_buf(), super::deps::hash(text.as_bytes()));
        if let Some(tree) = self.lock().trees.get(&key) {
            return Some(tree.clone());
        }
        // Parsed outside the lock: two threads may both parse a file, and keep one tree.
        let len = text.len();
        let file = Arc::new(GoFile::parse(&mut super::gofile::parser(), path, text)?);
        let mut shared = self.lock();
        if !shared.asked.insert(key.clone())
            && shared.bytes + len <= CAP_BYTES
            && !shared.trees.contains_key(&key)
        {
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
    use crate::source::deps::{Dep, record};

    #[test]
    fn a_file_asked_for_again_is_parsed_once_more_then_shared_and_read_each_time() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("slices.go");
        std::fs::write(&path, "package slices\n").unwrap();
        let shared = SharedParses::default();
        // Each ask is a package's analysis: each records the read.
        let ask = || {
            let (tree, read) = record(|| shared.read(&path).unwrap());
            assert!(
                read.flatten()
                    .iter()
                    .any(|d| matches!(d, Dep::File(p, Some(_), _) if *p == path)),
                "{:?}",
                read.flatten()
            );
            tree
        };
        let (a, b, c) = (ask(), ask(), ask());
        assert!(!Arc::ptr_eq(&a, &b), "the first tree is not kept");
        assert!(Arc::ptr_eq(&b, &c), "the second is, and shared");
        // Other bytes (the file was edited): parsed again.
        std::fs::write(&path, "package slices // edited\n").unwrap();
        let d = ask();
        assert!(!Arc::ptr_eq(&c, &d));
        assert_eq!(d.text, "package slices // edited\n");
        // Another path with the same bytes is another file.
        let other = tmp.path().join("maps.go");
        std::fs::write(&other, "package slices\n").unwrap();
        for _ in 0..2 {
            assert!(!Arc::ptr_eq(&c, &shared.read(&other).unwrap()));
        }
        assert!(shared.read(&tmp.path().join("missing.go")).is_none());
    }

    #[test]
    fn past_the_cap_trees_are_parsed_but_not_kept() {
        let shared = SharedParses::default();
        let big = format!("package p\nvar s = `{}`\n", "x".repeat(CAP_BYTES));
        let path = Path::new("/m/big.go");
        let trees: Vec<_> = (0..3)
            .map(|_| shared.parse(path, big.clone()).unwrap())
            .collect();
        assert!(!Arc::ptr_eq(&trees[1], &trees[2]));
        assert_eq!(shared.lock().bytes, 0);
    }
}
