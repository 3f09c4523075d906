//! The result cache: each package's findings, kept between runs so that a run on a module
//! where one package changed analyses that package alone, as `go build` and `go vet` do with
//! their own caches.
//!
//! An entry's name is a hash of everything the analysis was given (this build of the tool,
//! the package's lines of compiler output, its directory and files in the build, the module,
//! the Go version, the target and what escape-explain.toml declares). Its content is the
//! findings before selection, what selection needs of the package's files, and what the
//! analysis read from disk ([`crate::source::deps`]): it is replayed only while every file
//! read still has the same bytes, so an edit the key cannot see (a package whose facts were
//! imported, a file of instantiated generic code) is still seen.
//!
//! Entries are written to a temporary file and renamed into place, so a run killed mid-write
//! leaves no partial entry and two runs at once each read whole ones. A damaged or unreadable
//! entry is a miss. Entries unused for [`MAX_AGE_DAYS`] days are removed, then the oldest
//! while the whole is over [`MAX_BYTES`], at most once a day ([`ResultCache::trim`]).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::escape::{Diagnostic, Kind, Section};
use crate::finding::{Evidence, Finding, Verdict};
use crate::select::FileMarks;
use crate::source::deps::Kept;

/// The environment variable that moves the cache (`ESCAPE_EXPLAIN_CACHE=DIR`) or turns it off
/// (`ESCAPE_EXPLAIN_CACHE=off`).
pub const ENV: &str = "ESCAPE_EXPLAIN_CACHE";
/// Entries not used for this long are removed.
pub const MAX_AGE_DAYS: u64 = 5;
/// Past this size the oldest entries are removed.
pub const MAX_BYTES: u64 = 1 << 30;
/// Bumped when an entry's shape changes; also part of every key.
const FORMAT: &str = "escape-explain result cache 7";
/// The first line of every entry; the entry follows as MessagePack (self-describing like JSON,
/// which the findings' optional fields need, and about a third quicker to decode), its length
/// before it and its findings' explanations after it ([`Entry::write`]), in one LZ4 block
/// with its size before it, then the hash of the block's bytes (16 bytes).
const MAGIC: &[u8] = b"escape-explain result cache 7\n";
/// The first line of a shared read ([`Kept`]), framed as an entry and named by its id.
const KEPT_MAGIC: &[u8] = b"escape-explain kept read 6\n";
/// The first line of what a section's lines told the reader ([`crate::escape::SectionRead`]).
const READ_MAGIC: &[u8] = b"escape-explain section read 6\n";
/// ...and of a `go list` answer ([`crate::listing`]).
const LIST_MAGIC: &[u8] = b"escape-explain go list 6\n";
/// How deep shared reads may point to others: deeper than any chain of imports, and a
/// hand-made loop is a miss, not a stack overflow.
const MAX_KEPT_DEPTH: usize = 256;
const ENTRIES: &str = "results";
const TRIMMED: &str = "trim.txt";
/// How the cache's temporary files are named: each write goes to one, renamed into place, and
/// the writability check makes one. No entry is named so.
const TEMP_PREFIX: &str = ".tmp";

/// Where the cache is: `ESCAPE_EXPLAIN_CACHE`, else `$XDG_CACHE_HOME/escape-explain`, else
/// `~/.cache/escape-explain`; None when it is turned off or no directory is known.
pub fn location() -> Result<PathBuf, String> {
    match std::env::var_os(ENV) {
        Some(v) if v == "off" => return Err(format!("{ENV}=off")),
        Some(v) if !v.is_empty() => return Ok(PathBuf::from(v)),
        _ => {}
    }
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|x| Path::new(x).is_absolute()) {
        return Ok(PathBuf::from(x).join("escape-explain"));
    }
    match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        Some(h) => Ok(PathBuf::from(h).join(".cache").join("escape-explain")),
        None => Err("neither XDG_CACHE_HOME nor HOME is set".into()),
    }
}

/// A package's analysis, as kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// What the analysis read, with the hashes it had: its own reads, and the shared ones
    /// (kept beside the entries, [`ResultCache::keep_read`]) by id.
    pub deps: Kept,
    /// Whether the package has generic code (counted when the compiler said nothing of it).
    pub generic: bool,
    /// What selection needs of the package's files.
    pub files: Vec<FileMarks>,
    pub findings: Vec<Finding>,
    /// The allocation lines each finding's holder keeps (by finding), which the report does
    /// not write but a heap profile is joined on.
    pub kept_at: Vec<(usize, Vec<(String, u32)>)>,
    /// What the report reads of the package's section, for a replay that does not build it.
    pub sketch: Sketch,
    /// What the findings below `retained` say beyond their one line, taken out of them and
    /// kept apart: most of a package's findings are such, and a report that shows them in one
    /// line does not decode it ([`Entry::explain`]).
    #[serde(skip)]
    explanations: Explanations,
}

/// What a finding says beyond its one line.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Explanation {
    why: String,
    fix: Option<String>,
    evidence: Vec<Evidence>,
    compiler: Vec<String>,
}

impl Explanation {
    fn take(f: &mut Finding) -> Explanation {
        Explanation {
            why: std::mem::take(&mut f.why),
            fix: f.fix.take(),
            evidence: std::mem::take(&mut f.evidence),
            compiler: std::mem::take(&mut f.compiler),
        }
    }

    fn give(self, f: &mut Finding) {
        f.why = self.why;
        f.fix = self.fix;
        f.evidence = self.evidence;
        f.compiler = self.compiler;
    }
}

/// The findings below `retained` whose explanations an entry keeps apart.
fn explained_apart(f: &Finding) -> bool {
    f.verdict < Verdict::Retained
}

/// The explanations of an entry's findings below `retained`, in the findings' order: as taken
/// out, or as read (the entry's file holds them as a MessagePack value after the entry's own,
/// [`Entry::write`], so that decoding the entry does not pass through them).
#[derive(Debug, Clone)]
enum Explanations {
    Taken(Vec<Explanation>),
    /// The file's bytes, the explanations from `from` on.
    Read {
        bytes: Vec<u8>,
        from: usize,
    },
}

impl Default for Explanations {
    fn default() -> Self {
        Explanations::Taken(Vec::new())
    }
}

/// What a report that needs little of a package's diagnostics ([`crate::render::Needs`])
/// reads of them: a replay gives it this rather than build the section from the compiler's
/// lines, which is most of the work of a run whose packages are all in the cache.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Sketch {
    /// The kind of each diagnostic, in order.
    pub kinds: Vec<Kind>,
    /// The diagnostics of the findings a long-lived holder keeps, by index, paths resolved.
    pub kept: Vec<(usize, Diagnostic)>,
    /// How many diagnostics name a file of the build that was not found.
    pub unresolved: u64,
}

impl Sketch {
    /// The sketch of a section (paths resolved) and its findings.
    pub fn of(section: &Section, findings: &[Finding], unresolved: u64) -> Sketch {
        let mut kept: Vec<usize> = findings
            .iter()
            .filter(|f| f.verdict >= Verdict::Retained)
            .filter_map(|f| f.diagnostic)
            .filter(|i| *i < section.diagnostics.len())
            .collect();
        kept.sort_unstable();
        kept.dedup();
        Sketch {
            kinds: section.diagnostics.iter().map(|d| d.kind).collect(),
            kept: kept
                .into_iter()
                .map(|i| (i, section.diagnostics[i].clone()))
                .collect(),
            unresolved,
        }
    }

    /// A section with as many diagnostics, of the same kinds, in full where kept; the others
    /// carry only their kind.
    pub fn section(self, package: Option<&str>, variant: Option<&str>, digest: u128) -> Section {
        let mut diagnostics: Vec<Diagnostic> = self
            .kinds
            .into_iter()
            .map(|k| Diagnostic::new(k, None, String::new()))
            .collect();
        for (i, d) in self.kept {
            if let Some(slot) = diagnostics.get_mut(i) {
                *slot = d;
            }
        }
        Section {
            package: package.map(str::to_string),
            variant: variant.map(str::to_string),
            diagnostics,
            digest: Some(digest),
        }
    }
}

impl Entry {
    pub fn new(
        deps: Kept,
        generic: bool,
        files: Vec<FileMarks>,
        findings: Vec<Finding>,
        sketch: Sketch,
    ) -> Entry {
        let kept_at = findings
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                let h = f.holder.as_ref().filter(|h| !h.kept_at.is_empty())?;
                Some((
                    i,
                    h.kept_at.iter().map(|(p, l)| (p.to_string(), *l)).collect(),
                ))
            })
            .collect();
        let mut findings = findings;
        let explanations = findings
            .iter_mut()
            .filter(|f| explained_apart(f))
            .map(Explanation::take)
            .collect();
        Entry {
            deps,
            generic,
            files,
            findings,
            kept_at,
            sketch,
            explanations: Explanations::Taken(explanations),
        }
    }

    /// Writes the entry, then its explanations: the length of the entry's MessagePack (8
    /// bytes, little-endian), the entry, the explanations.
    fn write(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let head = rmp_serde::to_vec_named(self).map_err(std::io::Error::other)?;
        w.write_all(&(head.len() as u64).to_le_bytes())?;
        w.write_all(&head)?;
        match &self.explanations {
            Explanations::Taken(all) => {
                rmp_serde::encode::write_named(w, all).map_err(std::io::Error::other)
            }
            Explanations::Read { bytes, from } => w.write_all(&bytes[*from..]),
        }
    }

    /// An entry as [`Entry::write`] wrote it, its explanations left encoded.
    fn read(bytes: Vec<u8>) -> Option<Entry> {
        let len = usize::try_from(u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?)).ok()?;
        let from = len.checked_add(8)?;
        let mut entry: Entry = rmp_serde::from_slice(bytes.get(8..from)?).ok()?;
        entry.explanations = Explanations::Read { bytes, from };
        Some(entry)
    }

    /// Decodes the explanations kept apart, for [`Entry::into_findings`] to give back; false
    /// when they do not decode, or are not one for each finding below `retained` (the entry
    /// is then a miss). A report that shows those findings in one line does not ask.
    pub fn explain(&mut self) -> bool {
        if let Explanations::Read { bytes, from } = &self.explanations {
            match rmp_serde::from_slice::<Vec<Explanation>>(&bytes[*from..]) {
                Ok(all) => self.explanations = Explanations::Taken(all),
                Err(_) => return false,
            }
        }
        let Explanations::Taken(all) = &self.explanations else {
            unreachable!("decoded above")
        };
        all.len() == self.findings.iter().filter(|f| explained_apart(f)).count()
    }

    /// The findings, as the analysis made them; those below `retained` without their
    /// explanations unless they were decoded ([`Entry::explain`]).
    pub fn into_findings(self) -> Vec<Finding> {
        let mut findings = self.findings;
        if let Explanations::Taken(all) = self.explanations {
            let apart = findings.iter_mut().filter(|f| explained_apart(f));
            for (f, e) in apart.zip(all) {
                e.give(f);
            }
        }
        for (i, kept) in self.kept_at {
            // Read back, a holder has none (they are not written with it); as the analysis
            // made it, it has them already.
            if let Some(h) = findings.get_mut(i).and_then(|f| f.holder.as_mut())
                && h.kept_at.is_empty()
            {
                h.kept_at = kept.into_iter().map(|(p, l)| (p.into(), l)).collect();
            }
        }
        findings
    }
}

/// The cache of one run.
#[derive(Debug)]
pub struct ResultCache {
    dir: PathBuf,
    /// This build of the tool: its version and the hash of its executable.
    tool: u128,
    /// Each file and directory checked in this run, and its hash: the packages of a module
    /// share the files of the packages they import.
    checked: std::sync::Mutex<Checked>,
    /// The entries of a cache that lives as long as this run ([`ResultCache::of_this_run`]),
    /// packed as a file holds them, by key; None for a cache in a directory.
    own: Option<std::sync::Mutex<HashMap<u128, Vec<u8>>>>,
}

/// Files and directories checked in a run, by their path's bytes (hashed as bytes, not as
/// components: a warm run of the standard library asks about hundreds of thousands).
#[derive(Debug, Default)]
struct Checked {
    files: HashMap<std::ffi::OsString, Option<u128>>,
    dirs: HashMap<std::ffi::OsString, Option<u128>>,
    /// Shared reads, by id: whether each still holds.
    reads: HashMap<u128, bool>,
    /// Shared reads known to be whole in the cache, by id.
    kept: std::collections::HashSet<u128>,
}

impl Checked {
    fn of(&mut self, file: bool) -> &mut HashMap<std::ffi::OsString, Option<u128>> {
        if file {
            &mut self.files
        } else {
            &mut self.dirs
        }
    }
}

/// A key under construction: each part is written with its length, so that no two
/// different sequences of parts write the same bytes.
pub struct KeyHasher(xxhash_rust::xxh3::Xxh3);

impl KeyHasher {
    pub fn new() -> KeyHasher {
        let mut h = KeyHasher(xxhash_rust::xxh3::Xxh3::new());
        h.part(FORMAT.as_bytes());
        h
    }

    pub fn part(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// A part written with `Debug`: for the plain data a run is configured with.
    pub fn debug(&mut self, value: &impl std::fmt::Debug) -> &mut Self {
        self.part(format!("{value:?}").as_bytes())
    }

    pub fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

impl Default for KeyHasher {
    fn default() -> Self {
        KeyHasher::new()
    }
}

impl ResultCache {
    /// The cache at `dir`, created if need be; an error says why it cannot be used (it is not
    /// a directory, it cannot be written).
    pub fn open(dir: &Path) -> Result<ResultCache, String> {
        let entries = dir.join(ENTRIES);
        std::fs::create_dir_all(&entries)
            .map_err(|e| format!("{}: {}", dir.display(), crate::files::reason(&e)))?;
        // Writable: a read-only cache would be a miss on every package, each paying for a
        // failed write.
        tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(&entries)
            .map_err(|e| format!("{}: {}", dir.display(), crate::files::reason(&e)))?;
        let readme = dir.join("README");
        if !readme.exists() {
            let _ = std::fs::write(
                &readme,
                "This directory holds escape-explain's results by package, replayed when nothing \
                 they depend on has changed.\nIt can be removed at any time (escape-explain cache clean).\n",
            );
        }
        Ok(ResultCache {
            dir: dir.to_path_buf(),
            tool: tool_id(dir),
            checked: Default::default(),
            own: None,
        })
    }

    /// A cache of this run's own, in memory: where a run without the user's cache
    /// (`--no-cache`) keeps the packages it analyses before their turn to be reported
    /// ([`crate::pipeline`]), each until its turn. Packed as in a file (the standard library's
    /// are 6 MiB), but no file: creating a few hundred files cost more than the rest of
    /// keeping them on a disk whose inodes had been freed in bulk.
    pub fn of_this_run() -> ResultCache {
        ResultCache {
            dir: PathBuf::new(),
            // Nothing another build of the tool wrote is ever in it.
            tool: 0,
            checked: Default::default(),
            own: Some(Default::default()),
        }
    }

    /// Whether this is a cache of this run's own ([`ResultCache::of_this_run`]).
    pub fn is_this_runs(&self) -> bool {
        self.own.is_some()
    }

    fn lock_own(
        own: &std::sync::Mutex<HashMap<u128, Vec<u8>>>,
    ) -> std::sync::MutexGuard<'_, HashMap<u128, Vec<u8>>> {
        own.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The key of an analysis: this build of the tool, then the caller's parts.
    pub fn key(&self) -> KeyHasher {
        let mut k = KeyHasher::new();
        k.part(&self.tool.to_le_bytes());
        k
    }

    /// Where the file of `key` is: `results/`, the key's first two hex digits, all 32 of them
    /// ([`is_entry_name`]).
    fn path(&self, key: u128) -> PathBuf {
        let hex = format!("{key:032x}");
        self.dir.join(ENTRIES).join(&hex[..2]).join(hex)
    }

    /// Whether there is an entry for `key`, whole or not (in a directory: one `stat`, nothing
    /// read).
    pub fn has(&self, key: u128) -> bool {
        match &self.own {
            Some(own) => Self::lock_own(own).contains_key(&key),
            None => self.path(key).is_file(),
        }
    }

    /// The entry for `key`, when there is a whole one: the explanations of its findings below
    /// `retained` still encoded ([`Entry::explain`]). A run's own entry is read once: it is
    /// taken out.
    pub fn get(&self, key: u128) -> Option<Entry> {
        match &self.own {
            Some(own) => {
                let packed = Self::lock_own(own).remove(&key)?;
                Entry::read(unpack(&packed)?)
            }
            None => Entry::read(read_framed(&self.path(key), MAGIC)?),
        }
    }

    /// Whether everything `deps` names is as it was, through the shared reads it points to;
    /// each file is read, and each shared read checked, once a run.
    pub fn still_hold(&self, deps: &Kept) -> bool {
        self.still_hold_at(deps, 0)
    }

    fn still_hold_at(&self, deps: &Kept, depth: usize) -> bool {
        deps.own_still_hold_by(|d| {
            let (file, path) = d.what();
            if let Some(h) = self.lock().of(file).get(path.as_os_str()) {
                return *h;
            }
            // Hashed outside the lock: another worker may hash it too, to the same value.
            let h = d.now();
            self.lock().of(file).insert(path.as_os_str().to_owned(), h);
            h
        }) && deps.used.iter().all(|id| self.read_holds(*id, depth + 1))
    }

    fn read_holds(&self, id: u128, depth: usize) -> bool {
        if let Some(h) = self.lock().reads.get(&id) {
            return *h;
        }
        // A shared read that is gone (trimmed, damaged) is a miss of every entry using it.
        let holds = depth <= MAX_KEPT_DEPTH
            && self
                .kept_read(id)
                .is_some_and(|kept| self.still_hold_at(&kept, depth));
        self.lock().reads.insert(id, holds);
        holds
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Checked> {
        self.checked.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps `entry` under `key`: written whole or not at all. A failure is not the run's.
    pub fn put(&self, key: u128, entry: &Entry) {
        match &self.own {
            Some(own) => {
                if let Ok(packed) = pack(|w| entry.write(w)) {
                    Self::lock_own(own).insert(key, packed);
                }
            }
            None => {
                let _ = write_framed(&self.path(key), MAGIC, |w| entry.write(w));
            }
        }
    }

    /// Keeps a shared read under its id, unless a whole one is there already (its name is its
    /// content's hash). A failure is not the run's: the entries using it are misses.
    pub fn keep_read(&self, id: u128, kept: &Kept) {
        // A run's own entries keep no reads ([`ResultCache::of_this_run`]).
        if self.own.is_some() || self.lock().kept.contains(&id) {
            return;
        }
        // A damaged one is written again, else every entry using it would stay a miss.
        if self.kept_read(id).is_none() && put_value(&self.kept_path(id), KEPT_MAGIC, kept).is_err()
        {
            return;
        }
        self.lock().kept.insert(id);
    }

    /// The shared read kept under `id`, when there is a whole one whose content is its name.
    fn kept_read(&self, id: u128) -> Option<Kept> {
        get_value::<Kept>(&self.kept_path(id), KEPT_MAGIC).filter(|k| k.id() == id)
    }

    /// Where the shared read `id` is: named by its id and the form it is kept in, so that
    /// builds of the tool that keep another form beside this one (an upgrade, two checkouts)
    /// each find their own rather than take turns writing over the other's.
    fn kept_path(&self, id: u128) -> PathBuf {
        let mut k = KeyHasher::new();
        k.part(KEPT_MAGIC).part(&id.to_le_bytes());
        self.path(k.finish())
    }

    /// Removes entries unused for [`MAX_AGE_DAYS`], then the oldest while the cache is over
    /// [`MAX_BYTES`]; at most once a day.
    pub fn trim(&self) {
        if self.own.is_some() {
            return;
        }
        let stamp = self.dir.join(TRIMMED);
        let now = SystemTime::now();
        let last = std::fs::read_to_string(&stamp)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s));
        if last
            .is_some_and(|l| now.duration_since(l).unwrap_or_default() < Duration::from_secs(86400))
        {
            return;
        }
        let secs = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let _ = std::fs::write(&stamp, format!("{secs}\n"));
        trim_entries(&self.dir, now, MAX_AGE_DAYS, MAX_BYTES);
    }
}

/// What sections told the reader, by the hash of their lines: kept beside the entries.
impl crate::escape::SectionMemo for ResultCache {
    fn get(&self, digest: u128) -> Option<crate::escape::SectionRead> {
        get_value(&self.path(self.read_key(digest)), READ_MAGIC)
    }

    fn put(&self, digest: u128, read: &crate::escape::SectionRead) {
        let _ = put_value(&self.path(self.read_key(digest)), READ_MAGIC, read);
    }
}

impl ResultCache {
    /// A value kept under `key` by [`ResultCache::keep_listing`], when it is whole.
    pub fn listing<T: serde::de::DeserializeOwned>(&self, key: u128) -> Option<T> {
        get_value(&self.path(self.listing_key(key)), LIST_MAGIC)
    }

    /// Keeps what `go list` answered ([`crate::listing`]), beside the entries: trimmed and
    /// cleaned with them. A failed write is a miss next time.
    pub fn keep_listing<T: Serialize>(&self, key: u128, value: &T) {
        let _ = put_value(&self.path(self.listing_key(key)), LIST_MAGIC, value);
    }

    fn listing_key(&self, key: u128) -> u128 {
        let mut k = self.key();
        k.part(b"go list").part(&key.to_le_bytes());
        k.finish()
    }

    fn read_key(&self, digest: u128) -> u128 {
        let mut k = self.key();
        k.part(b"section read").part(&digest.to_le_bytes());
        k.finish()
    }
}

/// A value kept in a framed file, as MessagePack.
fn get_value<T: serde::de::DeserializeOwned>(path: &Path, magic: &[u8]) -> Option<T> {
    rmp_serde::from_slice(&read_framed(path, magic)?).ok()
}

/// Keeps a value in a framed file, as MessagePack.
fn put_value<T: Serialize>(path: &Path, magic: &[u8], value: &T) -> std::io::Result<()> {
    write_framed(path, magic, |w| {
        rmp_serde::encode::write_named(w, value).map_err(std::io::Error::other)
    })
}

/// The body of a framed file (an entry, a shared read, what a section told the reader) at `path`, when it is whole: `magic`,
/// an LZ4 frame, the frame's hash. A used file is touched, at most once an hour as GOCACHE
/// does, so that trimming keeps it and a warm run does not rewrite every file's metadata.
fn read_framed(path: &Path, magic: &[u8]) -> Option<Vec<u8>> {
    let file = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    file.take(crate::files::MAX_WHOLE_FILE)
        .read_to_end(&mut bytes)
        .ok()?;
    // A damaged file (a disk error, a hand edit) is told by its hash, not by whether it
    // still decodes: a changed byte can decode to other findings.
    let rest = bytes.strip_prefix(magic)?;
    let (body, sum) = rest.split_at_checked(rest.len().checked_sub(16)?)?;
    if sum != crate::source::deps::hash(body).to_le_bytes() {
        return None;
    }
    let out = unpack(body)?;
    let now = SystemTime::now();
    let stale = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|m| now.duration_since(m).unwrap_or_default() > Duration::from_secs(3600));
    if stale && let Ok(f) = std::fs::File::options().append(true).open(path) {
        let _ = f.set_modified(now);
    }
    Some(out)
}

/// Writes a framed file through a temporary file renamed into place: whole or not at all.
fn write_framed(
    path: &Path,
    magic: &[u8],
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path.parent().expect("an entry is in a directory");
    std::fs::create_dir_all(dir)?;
    let packed = pack(body)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)?;
    let file = tmp.as_file_mut();
    file.write_all(magic)?;
    file.write_all(&packed)?;
    file.write_all(&crate::source::deps::hash(&packed).to_le_bytes())?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// What `body` writes, packed: LZ4, not deflate: a warm run inflates every entry, and
/// inflating was a tenth of its time. One block with its size before it, so that it is
/// inflated in one go into a buffer of that size (a frame is inflated block by block through
/// a buffer of its own).
fn pack(body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    body(&mut raw)?;
    Ok(lz4_flex::block::compress_prepend_size(&raw))
}

/// What [`pack`] packed; None when it is not whole.
fn unpack(packed: &[u8]) -> Option<Vec<u8>> {
    // The size before the block bounds what is given to it: LZ4 inflates at most 255 to 1.
    let size = u32::from_le_bytes(packed.get(..4)?.try_into().ok()?) as usize;
    if size > packed.len().saturating_mul(255) {
        return None;
    }
    lz4_flex::block::decompress_size_prepended(packed).ok()
}

/// Every entry file under the cache `dir`: its path, size and last use. An entry is named by
/// its key's 32 hex digits under `results/` and the first two; anything else there (the
/// temporary file of a write under way or left unfinished, a file a desktop put there) is not
/// one.
fn entries(dir: &Path) -> Vec<(PathBuf, u64, SystemTime)> {
    let mut all = Vec::new();
    for sub in std::fs::read_dir(dir.join(ENTRIES))
        .into_iter()
        .flatten()
        .flatten()
    {
        all.extend(files_in(&sub.path(), is_entry_name));
    }
    all
}

/// Whether a file's name is that of an entry ([`ResultCache::path`]).
fn is_entry_name(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The temporary files of writes ([`write_framed`], the writability check of
/// [`ResultCache::open`], the executables' memo) under the cache `dir`: a run killed between
/// creating one and renaming it into place (or removing it) leaves it behind.
fn unfinished(dir: &Path) -> Vec<(PathBuf, u64, SystemTime)> {
    let temporary = |name: &str| name.starts_with(TEMP_PREFIX);
    let results = dir.join(ENTRIES);
    let mut all = files_in(dir, temporary);
    all.extend(files_in(&results, temporary));
    for sub in std::fs::read_dir(&results).into_iter().flatten().flatten() {
        all.extend(files_in(&sub.path(), temporary));
    }
    all
}

/// The files directly in `dir` whose name `keep` keeps: path, size, last change.
fn files_in(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<(PathBuf, u64, SystemTime)> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if !e.file_name().to_str().is_some_and(&keep) {
            continue;
        }
        if let Ok(m) = e.metadata()
            && m.is_file()
        {
            all.push((
                e.path(),
                m.len(),
                m.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            ));
        }
    }
    all
}

/// Trims the cache `dir`: the temporary files writes left an hour ago or more, the entries
/// unused for `days`, then the oldest while the entries take more than `cap` bytes.
fn trim_entries(dir: &Path, now: SystemTime, days: u64, cap: u64) {
    // A write takes well under a second: a temporary file an hour old is one a killed run
    // left, never renamed into place.
    for (path, _, written) in unfinished(dir) {
        if now.duration_since(written).unwrap_or_default() > Duration::from_secs(3600) {
            let _ = std::fs::remove_file(&path);
        }
    }
    let max_age = Duration::from_secs(days * 86400);
    let mut kept: Vec<(PathBuf, u64, SystemTime)> = Vec::new();
    for (path, len, used) in entries(dir) {
        if now.duration_since(used).unwrap_or_default() > max_age {
            let _ = std::fs::remove_file(&path);
        } else {
            kept.push((path, len, used));
        }
    }
    let mut total: u64 = kept.iter().map(|e| e.1).sum();
    kept.sort_by_key(|e| e.2);
    for (path, len, _) in kept {
        if total <= cap {
            break;
        }
        if std::fs::remove_file(&path).is_ok() {
            total -= len;
        }
    }
}

/// Where the cache is and how much it holds: `escape-explain cache info`.
pub fn info(out: &mut dyn Write) -> std::io::Result<()> {
    match location() {
        Err(why) => writeln!(out, "The result cache is off ({why})."),
        Ok(dir) => {
            let all = entries(&dir);
            let bytes: u64 = all.iter().map(|e| e.1).sum();
            writeln!(out, "{}", dir.display())?;
            writeln!(
                out,
                "{}, {} (entries unused for {MAX_AGE_DAYS} days are removed, and the oldest past {})",
                crate::units::counted(all.len() as u64, "entry"),
                crate::units::bytes(bytes as i64),
                crate::units::bytes(MAX_BYTES as i64),
            )
        }
    }
}

/// Empties the cache: `escape-explain cache clean`.
pub fn clean(out: &mut dyn Write) -> std::io::Result<()> {
    let Ok(dir) = location() else {
        return writeln!(out, "The result cache is off: nothing to clean.");
    };
    let all = entries(&dir);
    let bytes: u64 = all.iter().map(|e| e.1).sum();
    for (path, _, _) in unfinished(&dir) {
        let _ = std::fs::remove_file(path);
    }
    let mut removed = 0u64;
    for (path, _, _) in &all {
        if std::fs::remove_file(path).is_ok() {
            removed += 1;
        }
    }
    writeln!(
        out,
        "Removed {} ({}) from {}.",
        crate::units::counted(removed, "entry"),
        crate::units::bytes(bytes as i64),
        dir.display()
    )
}

/// This build of the tool: its version and the hash of its executable, so that a rebuilt tool
/// never replays another build's results.
fn tool_id(dir: &Path) -> u128 {
    let mut k = KeyHasher::new();
    k.part(env!("CARGO_PKG_VERSION").as_bytes());
    match std::env::current_exe().and_then(|exe| exe_hash(dir, &exe)) {
        Ok(hash) => {
            k.part(&hash.to_le_bytes());
        }
        // Without its own bytes the tool cannot tell one build from another: each run keys
        // apart from every other, so nothing is replayed.
        Err(_) => {
            k.debug(&(std::process::id(), SystemTime::now()));
        }
    }
    k.finish()
}

/// The hash of the executable's bytes, remembered in `DIR/tools` by what `stat` says of it
/// (as git's index remembers a file): the release build is tens of megabytes, read and hashed
/// on every run otherwise. A file rewritten in place changes its ctime, one replaced its
/// inode, so neither is taken for the build it replaced.
fn exe_hash(dir: &Path, exe: &Path) -> std::io::Result<u128> {
    exe_hash_settled(dir, exe, crate::source::deps::SETTLE)
}

/// [`exe_hash`], remembering an executable last changed more than `settle` ago.
fn exe_hash_settled(dir: &Path, exe: &Path, settle: Duration) -> std::io::Result<u128> {
    let meta = std::fs::metadata(exe)?;
    // Where `stat` cannot tell a rewrite (no change time), the executable is hashed each run.
    let stamp_of = |meta: &std::fs::Metadata| {
        crate::source::deps::Stamp::of(meta).map(|s| format!("{exe:?} {s:?}"))
    };
    let Some(stamp) = stamp_of(&meta) else {
        return Ok(crate::source::deps::hash(&std::fs::read(exe)?));
    };
    let memo = dir.join("tools");
    // One line per executable (a debug and a release build use one cache): `HASH STAMP`.
    let known = std::fs::read_to_string(&memo).unwrap_or_default();
    let remembered = known.lines().find_map(|line| {
        let (hash, rest) = line.split_once(' ')?;
        (rest == stamp).then(|| u128::from_str_radix(hash, 16).ok())?
    });
    if let Some(hash) = remembered {
        return Ok(hash);
    }
    let hash = crate::source::deps::hash(&std::fs::read(exe)?);
    // The stamp is taken again: an executable replaced while it was read is not remembered
    // under the stamp of the one before. Nor is one written in the last seconds
    // ([`crate::source::deps::SETTLE`]).
    let settled = crate::source::deps::Stamp::settled(&meta, SystemTime::now(), settle).is_some();
    if settled && stamp_of(&std::fs::metadata(exe)?).as_ref() == Some(&stamp) {
        let prefix = format!("{exe:?} ");
        let mut lines: Vec<String> = known
            .lines()
            .filter(|l| {
                !l.split_once(' ')
                    .is_some_and(|(_, rest)| rest.starts_with(&prefix))
            })
            .map(str::to_owned)
            .collect();
        lines.push(format!("{hash:032x} {stamp}"));
        // Many executables (a test build in each checkout) keep the file small.
        let keep = lines.len().saturating_sub(32);
        let text: String = lines[keep..].iter().map(|l| format!("{l}\n")).collect();
        // Written whole or not at all; a failure leaves the next run to hash again.
        let temporary = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir);
        let _ = temporary.and_then(|mut tmp| {
            tmp.write_all(text.as_bytes())?;
            tmp.persist(&memo).map_err(|e| e.error)?;
            Ok(())
        });
    }
    Ok(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_executable_is_hashed_once_until_it_changes() {
        let d = tempfile::tempdir().unwrap();
        let exe = d.path().join("tool");
        let long_ago = SystemTime::now() - Duration::from_secs(60);
        let build_at = |path: &Path, bytes: &[u8], at: SystemTime| {
            std::fs::write(path, bytes).unwrap();
            std::fs::File::options()
                .append(true)
                .open(path)
                .unwrap()
                .set_modified(at)
                .unwrap();
        };
        let build = |path: &Path, bytes: &[u8]| build_at(path, bytes, long_ago);
        // Just written: not remembered, since a write in the same tick would not be seen.
        std::fs::write(&exe, b"first build").unwrap();
        exe_hash(d.path(), &exe).unwrap();
        assert!(!d.path().join("tools").exists());
        // Copied with its old mtime kept (`cp -p`): its ctime is new, so neither.
        build(&exe, b"first build");
        #[cfg(unix)]
        {
            exe_hash(d.path(), &exe).unwrap();
            assert!(!d.path().join("tools").exists());
        }
        let first = exe_hash_settled(d.path(), &exe, Duration::ZERO).unwrap();
        assert_eq!(first, crate::source::deps::hash(b"first build"));
        let memo = std::fs::read_to_string(d.path().join("tools")).unwrap();
        assert!(memo.starts_with(&format!("{first:032x} ")), "{memo}");
        // Remembered: a hash written into the memo by hand is what the next run takes.
        std::fs::write(
            d.path().join("tools"),
            memo.replacen(&format!("{first:032x}"), &format!("{:032x}", 7), 1),
        )
        .unwrap();
        assert_eq!(exe_hash_settled(d.path(), &exe, Duration::ZERO).unwrap(), 7);
        // Rewritten in place with bytes of the same length: hashed again.
        build_at(&exe, b"other build", long_ago + Duration::from_secs(1));
        assert_eq!(
            exe_hash_settled(d.path(), &exe, Duration::ZERO).unwrap(),
            crate::source::deps::hash(b"other build")
        );
        // Another executable keeps its own line beside it.
        let exe2 = d.path().join("tool2");
        build(&exe2, b"debug build");
        exe_hash_settled(d.path(), &exe2, Duration::ZERO).unwrap();
        let memo = std::fs::read_to_string(d.path().join("tools")).unwrap();
        assert_eq!(memo.lines().count(), 2, "{memo}");
        // A damaged memo is not believed.
        std::fs::write(d.path().join("tools"), "not a memo\n\u{0}").unwrap();
        assert_eq!(
            exe_hash_settled(d.path(), &exe, Duration::ZERO).unwrap(),
            crate::source::deps::hash(b"other build")
        );
    }

    /// The store package of the recorded `reach` log, built, with a finding of each verdict
    /// on a diagnostic (the retained one explained by `-m=2` flows).
    fn store_section() -> (Section, Vec<Finding>) {
        let log = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go1.27/reach/m2-l.txt"),
        )
        .unwrap();
        let mut sections = Vec::new();
        let mut reader = crate::escape::Reader::new();
        let mut keep = |s: Section| {
            sections.push(s);
            Ok(())
        };
        reader.read(&log[..], &mut keep).unwrap();
        reader.finish(&mut keep).unwrap();
        let section = sections
            .into_iter()
            .find(|s| s.package.as_deref() == Some("example.com/reach/store"))
            .unwrap();
        let explained = section
            .diagnostics
            .iter()
            .position(|d| !d.explanations.is_empty())
            .unwrap();
        let plain = section
            .diagnostics
            .iter()
            .position(|d| d.explanations.is_empty())
            .unwrap();
        let on = |i: usize, verdict: Verdict| {
            let d = &section.diagnostics[i];
            Finding::builder(
                &crate::rules::GLOBAL_MAP,
                verdict,
                "s".into(),
                d.message.clone(),
            )
            .position(d.position.clone())
            .diagnostic(i)
            .build()
        };
        let findings = vec![
            on(explained, Verdict::Retained),
            on(plain, Verdict::Heap),
            on(section.diagnostics.len() - 1, Verdict::LeakRisk),
        ];
        (section, findings)
    }

    #[test]
    fn a_sketch_is_what_the_default_report_reads_of_a_section() {
        let (section, findings) = store_section();
        let sketch = Sketch::of(&section, &findings, 3);
        assert_eq!(sketch.unresolved, 3);
        assert_eq!(
            sketch.kept.len(),
            2,
            "the retained and the leak-risk finding"
        );
        let stub = sketch.section(
            section.package.as_deref(),
            section.variant.as_deref(),
            section.digest.unwrap_or(7),
        );
        let kinds = |s: &Section| s.diagnostics.iter().map(|d| d.kind).collect::<Vec<_>>();
        assert_eq!(kinds(&stub), kinds(&section));
        assert!(
            stub.diagnostics.iter().any(|d| d.message.is_empty()),
            "the others are not kept"
        );

        // The counts and the default report are the same from the sketch as from the section.
        let totals = |s: &Section| {
            let mut t = crate::report::Totals::default();
            t.add(s, &findings);
            serde_json::to_string(&t).unwrap()
        };
        assert_eq!(totals(&stub), totals(&section));
        let human = |s: &Section| {
            use crate::render::Renderer;
            let mut r =
                crate::render::human::HumanRenderer::new(crate::render::human::HumanOptions {
                    brief: vec![Verdict::Heap],
                    ..Default::default()
                });
            assert_eq!(r.needs(), crate::render::Needs::Kept);
            let mut out = Vec::new();
            r.section(&mut out, s, &findings).unwrap();
            String::from_utf8(out).unwrap()
        };
        let shown = human(&section);
        assert!(shown.contains("flows to"), "{shown}");
        assert_eq!(human(&stub), shown);
    }

    #[test]
    fn a_run_own_cache_keeps_each_entry_in_memory_until_it_is_read() {
        let (_, findings) = store_section();
        let c = ResultCache::of_this_run();
        assert!(!c.has(7));
        let entry = Entry::new(
            Kept::default(),
            false,
            Vec::new(),
            findings.clone(),
            Sketch::default(),
        );
        c.put(7, &entry);
        assert!(c.has(7));
        let mut read = c.get(7).unwrap();
        assert!(read.explain());
        assert_eq!(
            serde_json::to_string(&read.into_findings()).unwrap(),
            serde_json::to_string(&findings).unwrap()
        );
        // Read once: taken out.
        assert!(!c.has(7) && c.get(7).is_none());
    }

    #[test]
    fn a_report_of_one_line_findings_is_replayed_without_their_explanations() {
        use crate::render::Renderer;
        let (section, mut findings) = store_section();
        for f in &mut findings {
            f.why = format!("why {}", f.verdict.name());
            f.fix = Some("fix".into());
            f.evidence = vec![crate::finding::Evidence {
                note: "a step".into(),
                site: None,
            }];
            f.compiler = vec!["said".into(), "and flowed".into()];
        }
        let d = tempfile::tempdir().unwrap();
        let c = ResultCache::open(d.path()).unwrap();
        let entry = |findings: Vec<Finding>| {
            Entry::new(
                Kept::default(),
                false,
                Vec::new(),
                findings,
                Sketch::default(),
            )
        };
        let mut written = entry(findings.clone());
        c.put(7, &written);
        assert_eq!(
            serde_json::to_string(&written.clone().into_findings()).unwrap(),
            serde_json::to_string(&findings).unwrap(),
            "what was written is given back whole"
        );
        let mut explained = c.get(7).unwrap();
        assert!(explained.explain());
        let whole = explained.into_findings();
        let brief = c.get(7).unwrap().into_findings();
        assert_eq!(
            serde_json::to_string(&whole).unwrap(),
            serde_json::to_string(&findings).unwrap()
        );
        for (b, f) in brief.iter().zip(&findings) {
            let said = (
                b.why.is_empty(),
                b.fix.is_none(),
                b.evidence.is_empty(),
                b.compiler.is_empty(),
            );
            if f.verdict < Verdict::Retained {
                assert_eq!(said, (true, true, true, true), "{}", f.verdict.name());
                assert_eq!(
                    (&b.title, &b.subject, b.diagnostic),
                    (&f.title, &f.subject, f.diagnostic)
                );
            } else {
                assert_eq!(
                    serde_json::to_string(b).unwrap(),
                    serde_json::to_string(f).unwrap()
                );
            }
        }

        // The reports that read no explanation of a one-line finding say so, and write the
        // same without them; those that read them do not.
        let human = crate::render::human::HumanRenderer::new(Default::default());
        let compact = crate::render::compact::CompactRenderer {
            shown: vec![Verdict::Heap, Verdict::Retained, Verdict::LeakRisk],
            paths: crate::paths::ShownPaths::from_root(),
        };
        let mut brief_reports: Vec<Box<dyn Renderer>> = vec![Box::new(human), Box::new(compact)];
        for r in &mut brief_reports {
            assert!(!r.explains_every_finding());
            let mut write = |findings: &[Finding]| {
                let mut out = Vec::new();
                r.section(&mut out, &section, findings).unwrap();
                String::from_utf8(out).unwrap()
            };
            let shown = write(&whole);
            assert!(
                shown.contains("[EE0201]") || shown.contains("EE0201:"),
                "{shown}"
            );
            assert_eq!(write(&brief), shown);
        }
        let list = crate::render::text::TextRenderer::new(
            false,
            false,
            vec![Verdict::Heap],
            crate::paths::ShownPaths::from_root(),
        );
        assert!(list.explains_every_finding());
        let all = crate::render::human::HumanRenderer::new(crate::render::human::HumanOptions {
            full: vec![Verdict::Heap],
            ..Default::default()
        });
        assert!(all.explains_every_finding());

        // Explanations that are not one for each such finding are a miss when read.
        written.findings[1].verdict = Verdict::Retained;
        c.put(8, &written);
        let mut read = c.get(8).unwrap();
        assert!(!read.explain());
    }

    fn touch(path: &Path, age_days: u64, bytes: usize) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, vec![b'x'; bytes]).unwrap();
        age(path, Duration::from_secs(age_days * 86400 + 60));
    }

    #[test]
    fn trimming_removes_the_unused_then_the_oldest_past_the_cap() {
        let d = tempfile::tempdir().unwrap();
        let c = ResultCache::open(d.path()).unwrap();
        let (old, a, b) = (
            c.path(0xaa << 120),
            c.path(0xbb << 120),
            c.path(0xcc << 120),
        );
        touch(&old, 6, 10);
        touch(&a, 2, 100);
        touch(&b, 1, 100);
        trim_entries(d.path(), SystemTime::now(), 5, 150);
        assert!(!old.exists(), "unused for six days");
        assert!(!a.exists(), "the oldest, past the cap");
        assert!(b.exists());
    }

    /// Sets a file's last change to `age` ago.
    fn age(path: &Path, age: Duration) {
        std::fs::File::options()
            .append(true)
            .open(path)
            .unwrap()
            .set_modified(SystemTime::now() - age)
            .unwrap();
    }

    /// An entry with no findings, that says whether its package has generic code.
    fn entry(generic: bool) -> Entry {
        Entry::new(
            Kept::default(),
            generic,
            Vec::new(),
            Vec::new(),
            Sketch::default(),
        )
    }

    fn used_within(path: &Path, d: Duration) -> bool {
        let m = std::fs::metadata(path).unwrap().modified().unwrap();
        SystemTime::now().duration_since(m).unwrap_or_default() < d
    }

    #[test]
    fn an_entry_read_is_kept_by_trimming_which_runs_once_a_day() {
        let d = tempfile::tempdir().unwrap();
        let c = ResultCache::open(d.path()).unwrap();
        let e = entry(false);
        c.put(7, &e);
        c.put(8, &e);
        let (read, unread) = (c.path(7), c.path(8));
        let six_days = Duration::from_secs(6 * 86400);
        age(&read, six_days);
        age(&unread, six_days);
        // Read: touched, so that trimming sees it used.
        assert!(c.get(7).is_some());
        assert!(used_within(&read, Duration::from_secs(60)));
        // Touched at most once an hour: a warm run does not rewrite every entry's metadata.
        age(&read, Duration::from_secs(1800));
        assert!(c.get(7).is_some());
        assert!(!used_within(&read, Duration::from_secs(1700)));

        c.trim();
        assert!(read.exists());
        assert!(!unread.exists(), "unused for six days");
        // Once a day: the next trim within the day leaves even an unused entry.
        age(&read, six_days);
        c.trim();
        assert!(read.exists(), "trimmed less than a day ago");
        let stamp = d.path().join(TRIMMED);
        let two_days_ago = SystemTime::now() - Duration::from_secs(2 * 86400);
        let secs = two_days_ago.duration_since(SystemTime::UNIX_EPOCH).unwrap();
        std::fs::write(&stamp, format!("{}\n", secs.as_secs())).unwrap();
        c.trim();
        assert!(!read.exists(), "trimmed two days ago");
    }

    #[test]
    fn a_write_left_unfinished_is_not_an_entry_and_is_trimmed_after_an_hour() {
        let d = tempfile::tempdir().unwrap();
        let c = ResultCache::open(d.path()).unwrap();
        // An entry, a listing kept beside the entries, and the executables' memo.
        c.put(7, &entry(false));
        c.keep_listing(9, &"listed");
        exe_hash_settled(d.path(), &std::env::current_exe().unwrap(), Duration::ZERO).unwrap();
        let entry = c.path(7);
        let results = d.path().join(ENTRIES);
        // What runs killed between creating a temporary file and renaming (or removing) it
        // leave, beside an entry, in `results` (the writability check) and beside the memo;
        // and a write under way.
        let killed = [
            entry.with_file_name(format!("{TEMP_PREFIX}killed")),
            results.join(format!("{TEMP_PREFIX}probe")),
            d.path().join(format!("{TEMP_PREFIX}tools")),
        ];
        for k in &killed {
            std::fs::write(k, b"half").unwrap();
            age(k, Duration::from_secs(2 * 3600));
        }
        let writing = entry.with_file_name(format!("{TEMP_PREFIX}writing"));
        std::fs::write(&writing, b"half").unwrap();
        // Nor is a file something else put there.
        std::fs::write(entry.with_file_name(".DS_Store"), b"x").unwrap();
        let names = |v: Vec<(PathBuf, u64, SystemTime)>| -> Vec<PathBuf> {
            let mut v: Vec<PathBuf> = v.into_iter().map(|e| e.0).collect();
            v.sort();
            v
        };
        let mut kept = vec![entry.clone(), c.path(c.listing_key(9))];
        kept.sort();
        assert_eq!(names(entries(d.path())), kept);
        let mut temporary = killed.to_vec();
        temporary.push(writing.clone());
        temporary.sort();
        // Nothing the cache wrote is named as a temporary file is.
        assert_eq!(names(unfinished(d.path())), temporary);
        assert!(c.get(7).is_some());
        trim_entries(d.path(), SystemTime::now(), MAX_AGE_DAYS, MAX_BYTES);
        for k in &killed {
            assert!(!k.exists(), "{}", k.display());
        }
        assert!(writing.exists(), "a write under way is left to finish");
        assert!(entry.exists());
    }

    #[test]
    fn a_damaged_entry_is_a_miss_and_a_whole_one_a_hit() {
        let d = tempfile::tempdir().unwrap();
        let c = ResultCache::open(d.path()).unwrap();
        let e = entry(true);
        c.put(7, &e);
        assert!(c.get(7).is_some_and(|e| e.generic));
        assert!(c.get(8).is_none());
        let path = c.path(7);
        let whole = std::fs::read(&path).unwrap();
        for cut in [0, MAGIC.len(), whole.len() - 1] {
            std::fs::write(&path, &whole[..cut]).unwrap();
            assert!(c.get(7).is_none(), "cut at {cut}");
        }
        let mut flipped = whole.clone();
        let last = flipped.len() - 2;
        flipped[last] ^= 0xff;
        std::fs::write(&path, &flipped).unwrap();
        assert!(c.get(7).is_none(), "a changed byte");
    }

    #[test]
    fn an_entry_holds_while_the_shared_reads_it_points_to_do() {
        let d = tempfile::tempdir().unwrap();
        let src = tempfile::tempdir().unwrap();
        let f = src.path().join("a.go");
        std::fs::write(&f, "package a\n").unwrap();
        let shared = Kept {
            own: vec![crate::source::deps::Dep::File(
                f.clone(),
                Some(crate::source::deps::hash(b"package a\n")),
                None,
            )],
            used: Vec::new(),
        };
        let id = shared.id();
        let top = Kept {
            own: Vec::new(),
            used: vec![id],
        };
        let c = ResultCache::open(d.path()).unwrap();
        assert!(!c.still_hold(&top), "a shared read not kept is a miss");
        // What a build of the tool that keeps another form wrote under the same id: each
        // keeps its own, rather than write over the other's on every run.
        let other = c.path(id);
        put_value(&other, b"escape-explain kept read 5\n", &shared).unwrap();
        let theirs = std::fs::read(&other).unwrap();
        let c = ResultCache::open(d.path()).unwrap();
        c.keep_read(id, &shared);
        assert!(c.still_hold(&top));
        assert_eq!(std::fs::read(&other).unwrap(), theirs);
        // Checked once a run: a later edit is seen by the next run.
        std::fs::write(&f, "package b\n").unwrap();
        assert!(c.still_hold(&top));
        assert!(!ResultCache::open(d.path()).unwrap().still_hold(&top));
        std::fs::write(&f, "package a\n").unwrap();
        assert!(ResultCache::open(d.path()).unwrap().still_hold(&top));
        // Damaged: a miss, and written again whole by the next analysis that keeps it.
        let path = c.kept_path(id);
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() - 1]).unwrap();
        let c = ResultCache::open(d.path()).unwrap();
        assert!(!c.still_hold(&top));
        c.keep_read(id, &shared);
        assert_eq!(std::fs::read(&path).unwrap(), whole);
        assert!(ResultCache::open(d.path()).unwrap().still_hold(&top));
        // A read whose content is not its name (made by hand, here pointing to itself) is a
        // miss, not a loop.
        let looped = Kept {
            own: Vec::new(),
            used: vec![7],
        };
        put_value(&c.kept_path(7), KEPT_MAGIC, &looped).unwrap();
        assert!(!ResultCache::open(d.path()).unwrap().still_hold(&looped));
    }

    #[test]
    fn keys_tell_parts_apart() {
        let k = |parts: &[&[u8]]| {
            let mut h = KeyHasher::new();
            for p in parts {
                h.part(p);
            }
            h.finish()
        };
        assert_ne!(k(&[b"ab", b"c"]), k(&[b"a", b"bc"]));
        assert_eq!(k(&[b"ab", b"c"]), k(&[b"ab", b"c"]));
    }
}
