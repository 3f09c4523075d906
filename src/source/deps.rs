//! What an analysis read from disk: every file (by the hash of its bytes) and every directory
//! listing it depended on. The result cache keeps a package's findings with this list and
//! replays them only while each file still has the same bytes and each directory the same Go
//! files, so an edit anywhere the analysis looked (the package, a package whose facts it
//! imported, a file of generic code instantiated in it) is seen.
//!
//! Recording is per thread: [`record`] opens a scope, and [`crate::files::read_regular`] and the
//! directory walks note into the innermost open one. What is built once and shared (an
//! imported package's facts, an index two sections use) keeps what it read as a [`Read`], and
//! every analysis that uses it points to that [`Read`] ([`extend`]) rather than copying it: the
//! facts of a package read the files of everything it imports, and a copy per package would
//! hold the closure of the module's imports hundreds of times. An entry of the cache keeps
//! the flattened list ([`Read::flatten`]).

use std::cell::RefCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// One thing read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Dep {
    /// A file and the hash of its bytes; `None` when it could not be read.
    File(PathBuf, Option<u128>),
    /// A directory and the hash of the sorted names of the `.go` files in it.
    Dir(PathBuf, u128),
}

impl Dep {
    /// Its hash when it was read.
    pub fn was(&self) -> Option<u128> {
        match self {
            Dep::File(_, h) => *h,
            Dep::Dir(_, h) => Some(*h),
        }
    }

    /// Its hash now.
    pub fn now(&self) -> Option<u128> {
        match self {
            Dep::File(path, _) => file_hash(path),
            Dep::Dir(path, _) => dir_hash(path),
        }
    }

    /// What it is, whatever its hash: a file or a directory, and its path.
    pub fn what(&self) -> (bool, &Path) {
        match self {
            Dep::File(p, _) => (true, p),
            Dep::Dir(p, _) => (false, p),
        }
    }
}

/// What one analysis read, each thing once, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deps(Vec<Dep>);

impl Deps {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a file could not be read: an analysis that missed a file is not one to replay.
    pub fn any_unreadable(&self) -> bool {
        self.0.iter().any(|d| matches!(d, Dep::File(_, None)))
    }

    /// Whether everything is as it was when it was read.
    pub fn still_hold(&self) -> bool {
        self.still_hold_by(|d| d.now())
    }

    /// [`Deps::still_hold`], with what each thing is now told by `now` (a run asks about
    /// the same files for many packages, and reads each once).
    pub fn still_hold_by(&self, mut now: impl FnMut(&Dep) -> Option<u128>) -> bool {
        self.0.iter().all(|d| now(d) == d.was())
    }

    fn finish(mut self) -> Deps {
        self.0.sort();
        self.0.dedup();
        self
    }
}

/// What one piece of work read: its own reads, and the shared work it used.
#[derive(Debug, Default)]
pub struct Read {
    own: Vec<Dep>,
    used: Vec<Arc<Read>>,
}

impl Read {
    /// Everything it read, its own and through what it used, each thing once.
    pub fn flatten(&self) -> Deps {
        let mut all = Vec::new();
        let mut seen: HashSet<*const Read> = HashSet::new();
        let mut stack: Vec<&Read> = vec![self];
        while let Some(r) = stack.pop() {
            all.extend(r.own.iter().cloned());
            for u in &r.used {
                if seen.insert(Arc::as_ptr(u)) {
                    stack.push(u);
                }
            }
        }
        Deps(all).finish()
    }
}

thread_local! {
    /// The open scopes of this thread, innermost last.
    static SCOPES: RefCell<Vec<Read>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` in a scope of its own, and returns what it read (which also counts as read by the
/// scope around it).
pub fn record<R>(f: impl FnOnce() -> R) -> (R, Arc<Read>) {
    SCOPES.with(|s| s.borrow_mut().push(Read::default()));
    // A panic unwinds past the pop; the worker's next analysis opens a fresh scope over it,
    // and what the stale one gathers is never read.
    let r = f();
    let mut read = SCOPES.with(|s| s.borrow_mut().pop()).unwrap_or_default();
    read.own.sort();
    read.own.dedup();
    let read = Arc::new(read);
    extend(&read);
    (r, read)
}

/// [`record`] when `on` (the caller's thread records: work shared with it, or done for it on
/// another thread), else just `f`: nothing is recorded without the cache.
pub fn record_if<R>(on: bool, f: impl FnOnce() -> R) -> (R, Option<Arc<Read>>) {
    if on {
        let (r, read) = record(f);
        (r, Some(read))
    } else {
        (f(), None)
    }
}

/// Counts what other work read as read in the open scope (facts built once, used by many).
pub fn extend(read: &Arc<Read>) {
    SCOPES.with(|s| {
        if let Some(top) = s.borrow_mut().last_mut()
            && !top.used.iter().any(|u| Arc::ptr_eq(u, read))
        {
            top.used.push(read.clone());
        }
    });
}

fn note(dep: impl FnOnce() -> Dep) {
    SCOPES.with(|s| {
        if let Some(top) = s.borrow_mut().last_mut() {
            top.own.push(dep());
        }
    });
}

/// Whether a scope is open on this thread (else noting costs nothing).
pub fn recording() -> bool {
    SCOPES.with(|s| !s.borrow().is_empty())
}

/// Notes a file read: its bytes, or that it could not be read.
pub fn note_file(path: &Path, bytes: Option<&[u8]>) {
    note(|| Dep::File(path.to_path_buf(), bytes.map(hash)));
}

/// Notes a directory whose Go files were listed.
pub fn note_dir(path: &Path) {
    if !recording() {
        return;
    }
    if let Some(h) = dir_hash(path) {
        note(|| Dep::Dir(path.to_path_buf(), h));
    }
}

pub fn hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

fn file_hash(path: &Path) -> Option<u128> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    std::fs::read(path).ok().map(|b| hash(&b))
}

fn dir_hash(path: &Path) -> Option<u128> {
    let mut names: Vec<std::ffi::OsString> = std::fs::read_dir(path)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().ends_with(".go"))
        .collect();
    names.sort();
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for n in &names {
        h.update(n.as_encoded_bytes());
        h.update(b"\0");
    }
    Some(h.digest128())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_sees_reads_and_changes() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.go");
        std::fs::write(&f, "package a\n").unwrap();
        let ((), read) = record(|| {
            let _ = crate::files::read_regular(&f);
            note_dir(dir.path());
        });
        let deps = read.flatten();
        assert_eq!(deps.0.len(), 2, "{deps:?}");
        assert!(deps.still_hold());
        std::fs::write(&f, "package b\n").unwrap();
        assert!(!deps.still_hold(), "an edit is seen");
        std::fs::write(&f, "package a\n").unwrap();
        assert!(deps.still_hold());
        std::fs::write(dir.path().join("b.go"), "package a\n").unwrap();
        assert!(!deps.still_hold(), "a new file in the directory is seen");
    }

    #[test]
    fn inner_scopes_count_for_outer_ones_and_nothing_is_noted_outside() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.go");
        std::fs::write(&f, "package a\n").unwrap();
        let _ = crate::files::read_regular(&f);
        assert!(!recording());
        let (inner, outer) = record(|| record(|| crate::files::read_regular(&f)).1);
        assert_eq!(inner.flatten(), outer.flatten());
        assert_eq!(outer.flatten().0.len(), 1);
        // Shared work used twice counts once.
        let (shared, _) = record(|| record(|| crate::files::read_regular(&f)).1);
        let ((), both) = record(|| {
            extend(&shared);
            extend(&shared);
            let _ = crate::files::read_regular(&f);
        });
        assert_eq!(both.flatten(), outer.flatten());
        let missing = dir.path().join("gone.go");
        let ((), read) = record(|| {
            let _ = crate::files::read_regular(&missing);
        });
        assert!(read.flatten().any_unreadable());
    }
}
