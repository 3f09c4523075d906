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
//! hold the closure of the module's imports hundreds of times. The cache keeps a [`Read`] the
//! same way ([`Read::kept`]): each shared read once, under the hash of its content, and each
//! entry points to the ones it used. A warm run of the standard library then checks each of
//! its few thousand files once, not the closure of every package's imports again and again.

use std::cell::RefCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

/// One thing read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Dep {
    /// A file and the hash of its bytes (`None` when it could not be read), with what `stat`
    /// said of it when that had settled: while `stat` says the same, the bytes are taken to be
    /// the same, as git's index takes them, and are not read again.
    File(PathBuf, Option<u128>, Option<Stamp>),
    /// A directory and the hash of the sorted names of the `.go` files in it.
    Dir(PathBuf, u128),
}

impl Dep {
    /// Its hash when it was read.
    pub fn was(&self) -> Option<u128> {
        match self {
            Dep::File(_, h, _) => *h,
            Dep::Dir(_, h) => Some(*h),
        }
    }

    /// Its hash now.
    pub fn now(&self) -> Option<u128> {
        match self {
            Dep::File(path, was, stamp) => {
                let meta = std::fs::metadata(path).ok()?;
                if !meta.is_file() {
                    return None;
                }
                if stamp.is_some() && *stamp == Stamp::of(&meta) {
                    return *was;
                }
                std::fs::read(path).ok().map(|b| hash(&b))
            }
            Dep::Dir(path, _) => dir_hash(path),
        }
    }

    /// What it is, whatever its hash: a file or a directory, and its path.
    pub fn what(&self) -> (bool, &Path) {
        match self {
            Dep::File(p, _, _) => (true, p),
            Dep::Dir(p, _) => (false, p),
        }
    }
}

/// What `stat` says of a file that changes when its bytes do: device, inode, size, and the
/// times of the last write and of the last change to the inode (nanoseconds since the epoch;
/// a rewrite in place moves the second even when the first is set back, as `cp -p` does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    modified: i128,
    changed: i128,
}

/// How long ago a file must have last changed for its stamp to be trusted: timestamps move in
/// ticks, and a write in the tick the stamp was taken in would leave it as it was (git's
/// "racily clean" files).
pub const SETTLE: std::time::Duration = std::time::Duration::from_secs(2);

impl Stamp {
    /// The stamp `stat` gives now.
    #[cfg(unix)]
    pub fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let ns = |secs: i64, nsecs: i64| secs as i128 * 1_000_000_000 + nsecs as i128;
        Some(Stamp {
            dev: meta.dev(),
            ino: meta.ino(),
            len: meta.size(),
            modified: ns(meta.mtime(), meta.mtime_nsec()),
            changed: ns(meta.ctime(), meta.ctime_nsec()),
        })
    }

    /// Without a change time, a file whose write time was set back could be taken for the
    /// one before: no stamp, and the bytes are read each time.
    #[cfg(not(unix))]
    pub fn of(_: &std::fs::Metadata) -> Option<Stamp> {
        None
    }

    /// The stamp, when the file last changed more than `settle` before `now`.
    pub fn settled(
        meta: &std::fs::Metadata,
        now: std::time::SystemTime,
        settle: std::time::Duration,
    ) -> Option<Stamp> {
        let stamp = Stamp::of(meta)?;
        let now = now.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos() as i128;
        let last = stamp.modified.max(stamp.changed);
        (now - last > settle.as_nanos() as i128).then_some(stamp)
    }
}

/// A [`Read`] as the result cache keeps it: its own things (with those of the reads under it
/// that use nothing themselves, folded in), each once and in order, and the other reads it
/// used, by the id of their own [`Kept`] form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kept {
    pub own: Vec<Dep>,
    pub used: Vec<u128>,
}

impl Kept {
    /// The hash of its content: its name in the cache, the same for the same reads in any run.
    pub fn id(&self) -> u128 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(b"escape-explain kept read\0");
        // Each part with its length, so that no two different reads write the same bytes;
        // a path as its bytes, whatever they are (a path need not be UTF-8).
        let mut part = |bytes: &[u8]| {
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        for d in &self.own {
            match d {
                Dep::File(path, hash, stamp) => {
                    part(b"file");
                    part(path.as_os_str().as_encoded_bytes());
                    part(&hash.map_or([0; 17], |h| {
                        let mut b = [1; 17];
                        b[1..].copy_from_slice(&h.to_le_bytes());
                        b
                    }));
                    part(format!("{stamp:?}").as_bytes());
                }
                Dep::Dir(path, hash) => {
                    part(b"dir");
                    part(path.as_os_str().as_encoded_bytes());
                    part(&hash.to_le_bytes());
                }
            }
        }
        for id in &self.used {
            part(&id.to_le_bytes());
        }
        h.digest128()
    }

    /// Whether everything it names itself (not through `used`) is as it was; what each thing
    /// is now is told by `now` (a run asks about the same files for many packages, and reads
    /// each once).
    pub fn own_still_hold_by(&self, mut now: impl FnMut(&Dep) -> Option<u128>) -> bool {
        self.own.iter().all(|d| now(d) == d.was())
    }
}

/// What one piece of work read: its own reads, and the shared work it used.
#[derive(Debug, Default)]
pub struct Read {
    own: Vec<Dep>,
    used: Vec<Arc<Read>>,
    /// The id of its kept form, once kept.
    id: OnceLock<u128>,
}

impl Read {
    /// Everything it read, its own and through what it used, each thing once, in order.
    pub fn flatten(&self) -> Vec<Dep> {
        let mut all = Vec::new();
        self.each(|r| all.extend(r.own.iter().cloned()));
        all.sort();
        all.dedup();
        all
    }

    /// Whether a file could not be read, here or in what it used: an analysis that missed a
    /// file is not one to replay.
    pub fn any_unreadable(&self) -> bool {
        let mut any = false;
        self.each(|r| any |= r.own.iter().any(|d| matches!(d, Dep::File(_, None, _))));
        any
    }

    /// Calls `f` on this read and each read under it, once each.
    fn each(&self, mut f: impl FnMut(&Read)) {
        let mut seen: HashSet<*const Read> = HashSet::new();
        let mut stack: Vec<&Read> = vec![self];
        while let Some(r) = stack.pop() {
            f(r);
            for u in &r.used {
                if seen.insert(Arc::as_ptr(u)) {
                    stack.push(u);
                }
            }
        }
    }

    /// Its kept form. Each read under it that used others is kept first, once per read,
    /// through `keep` (with its id); one that used nothing is folded into its user's own
    /// things (the files of one stretch of a package, read on one thread).
    pub fn kept(&self, keep: &mut dyn FnMut(u128, &Kept)) -> Kept {
        let mut own = self.own.clone();
        let mut used = Vec::new();
        for u in &self.used {
            if u.used.is_empty() {
                own.extend(u.own.iter().cloned());
            } else {
                used.push(u.kept_id(keep));
            }
        }
        own.sort();
        own.dedup();
        used.sort_unstable();
        used.dedup();
        Kept { own, used }
    }

    fn kept_id(&self, keep: &mut dyn FnMut(u128, &Kept)) -> u128 {
        if let Some(id) = self.id.get() {
            return *id;
        }
        let kept = self.kept(keep);
        let id = kept.id();
        keep(id, &kept);
        *self.id.get_or_init(|| id)
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

/// [`record`] in a scope with none around it: what `f` reads counts for no analysis open on
/// this thread (work done here for another analysis, which takes the read with [`extend`]).
pub fn record_apart<R>(f: impl FnOnce() -> R) -> (R, Arc<Read>) {
    /// Puts the scopes that were open back, however `f` ends.
    struct Restore(Vec<Read>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let outer = std::mem::take(&mut self.0);
            SCOPES.with(|s| *s.borrow_mut() = outer);
        }
    }
    let _restore = Restore(SCOPES.with(|s| std::mem::take(&mut *s.borrow_mut())));
    record(f)
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

/// Notes a file read: its bytes, or that it could not be read, and what `stat` said of it
/// before it was read.
pub fn note_file(path: &Path, meta: Option<&std::fs::Metadata>, bytes: Option<&[u8]>) {
    note(|| {
        let hash = bytes.map(hash);
        let stamp = meta
            .filter(|_| hash.is_some())
            .and_then(|m| Stamp::settled(m, std::time::SystemTime::now(), SETTLE));
        Dep::File(path.to_path_buf(), hash, stamp)
    });
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
        assert_eq!(deps.len(), 2, "{deps:?}");
        let hold = |deps: &[Dep]| deps.iter().all(|d| d.now() == d.was());
        assert!(hold(&deps));
        std::fs::write(&f, "package b\n").unwrap();
        assert!(!hold(&deps), "an edit is seen");
        std::fs::write(&f, "package a\n").unwrap();
        assert!(hold(&deps));
        std::fs::write(dir.path().join("b.go"), "package a\n").unwrap();
        assert!(!hold(&deps), "a new file in the directory is seen");
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
        assert_eq!(outer.flatten().len(), 1);
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
        assert!(read.any_unreadable());
        assert!(!outer.any_unreadable());
    }

    #[test]
    fn a_shared_read_is_kept_once_under_the_hash_of_its_content() {
        let dir = tempfile::tempdir().unwrap();
        let file = |n: &str| {
            let p = dir.path().join(n);
            std::fs::write(&p, n).unwrap();
            p
        };
        let (a, b, c) = (file("a.go"), file("b.go"), file("c.go"));
        // A package's facts: its files (one stretch read on a thread of its own, used by
        // nothing else) and an import's facts.
        let facts_of = || {
            let (_, import) = record(|| {
                let _ = crate::files::read_regular(&c);
                let (_, stretch) = record(|| crate::files::read_regular(&b));
                extend(&stretch);
            });
            record(|| {
                let _ = crate::files::read_regular(&a);
                extend(&import);
            })
            .1
        };
        let facts = facts_of();
        let mut kept = Vec::new();
        let k1 = record(|| extend(&facts))
            .1
            .kept(&mut |id, k| kept.push((id, k.clone())));
        let k2 = record(|| extend(&facts))
            .1
            .kept(&mut |id, k| kept.push((id, k.clone())));
        assert_eq!(k1, k2);
        assert_eq!(
            kept.len(),
            2,
            "the facts and the import's, each once: {kept:?}"
        );
        let (import_id, import_kept) = &kept[0];
        assert_eq!(
            import_kept
                .own
                .iter()
                .map(|d| d.what().1)
                .collect::<Vec<_>>(),
            [b.as_path(), c.as_path()],
            "the stretch that used nothing is folded into its user"
        );
        assert_eq!(kept[1].1.used, [*import_id]);
        assert_eq!(k1.used, [kept[1].0]);
        assert!(k1.own.is_empty());
        // The id is the content's: the same reads recorded again have the same one, and
        // another file's bytes another.
        assert_eq!(facts_of().kept(&mut |_, _| {}).used, [*import_id]);
        std::fs::write(&c, "changed").unwrap();
        assert_ne!(facts_of().kept(&mut |_, _| {}).used, [*import_id]);
    }

    #[cfg(unix)]
    #[test]
    fn a_settled_file_is_not_read_again_while_stat_says_the_same() {
        use std::time::{Duration, SystemTime};
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.go");
        std::fs::write(&f, "package a\n").unwrap();
        let meta = std::fs::metadata(&f).unwrap();
        assert!(
            Stamp::settled(&meta, SystemTime::now(), SETTLE).is_none(),
            "just written: not trusted"
        );
        let later = SystemTime::now() + Duration::from_secs(60);
        let stamp = Stamp::settled(&meta, later, SETTLE);
        assert!(stamp.is_some());
        // A recorded hash that is not the bytes' shows which answer `now` gave.
        let dep = Dep::File(f.clone(), Some(7), stamp);
        assert_eq!(
            dep.now(),
            Some(7),
            "stat says the same: the bytes are not read"
        );
        // Rewritten with the same length and its write time set back: the change time
        // still moves, so the bytes are read.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&f, "package b\n").unwrap();
        std::fs::File::options()
            .append(true)
            .open(&f)
            .unwrap()
            .set_modified(meta.modified().unwrap())
            .unwrap();
        assert_eq!(dep.now(), Some(hash(b"package b\n")));
        // Without a stamp, always read.
        let unstamped = Dep::File(f.clone(), Some(7), None);
        assert_eq!(unstamped.now(), Some(hash(b"package b\n")));
        std::fs::remove_file(&f).unwrap();
        assert_eq!(dep.now(), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_read_of_a_path_that_is_not_utf8_has_an_id() {
        use std::os::unix::ffi::OsStrExt;
        let path = PathBuf::from(std::ffi::OsStr::from_bytes(b"caf\xe9.go"));
        let kept = |hash| Kept {
            own: vec![Dep::File(path.clone(), Some(hash), None)],
            used: vec![3],
        };
        assert_eq!(kept(1).id(), kept(1).id());
        assert_ne!(kept(1).id(), kept(2).id());
    }
}
