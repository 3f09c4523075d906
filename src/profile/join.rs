//! Puts the runtime's numbers on the findings. A heap sample belongs to the innermost frame of
//! its stack that is in the analysed module (the line that allocated, or called what did); a
//! goroutine sample to the `go` statement that started it. Sites are matched by the module path
//! and the file's path inside the module, so a profile taken on another machine, or from a
//! `-trimpath` build, still lands on the right line.
//!
//! A goroutine leak profile is joined the same way as a goroutine profile, apart from it: a
//! goroutine profile counts the goroutines alive (maybe by design), a leak profile those the
//! runtime proved blocked forever.
//!
//! Where the profile and the verdict disagree, that is a finding of its own: memory held where
//! no holder was found (EE0901), goroutines alive where nothing was expected to keep them
//! (EE0902), goroutines proven leaked where the source rules saw nothing (EE0903); and a
//! `leak-risk` the profile does not show holding anything says so, never that it is fine.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{Frame, Kind, Profile, Sample, Values};
use crate::escape::Position;
use crate::finding::{Amount, Evidence, Finding, HolderKind, Measured, Verdict};
use crate::rules::{self, Rule, RuleId};
use crate::source::Module;
use crate::units;

/// When a site's live memory is worth a finding of its own: at least `min_live` bytes and
/// `min_share` percent of everything live in the profile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub min_live: i64,
    pub min_share: f64,
    /// Goroutines alive at one `go` statement with no finding there.
    pub min_goroutines: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_live: 1 << 20,
            min_share: 1.0,
            min_goroutines: 10,
        }
    }
}

/// (module-relative path, line).
type Place = (Arc<str>, u32);

/// What the heap profiles say about one line of the module.
#[derive(Debug, Clone, Default)]
struct HeapSite {
    live: Amount,
    allocated: Amount,
    /// Live in the earliest profile, when there are two or more.
    earlier: Option<Amount>,
    /// The function the line is in, as the runtime names it.
    function: String,
    /// The code outside the module that allocated, when the line calls it (`strings.Repeat`).
    via: Option<String>,
}

/// What the goroutine profiles say about one `go` statement (or one function, when the
/// profile does not say where its goroutines were started).
#[derive(Debug, Clone, Default)]
struct GoSite {
    /// True when the place is the `go` statement (a `created by` line, or a closure, which
    /// starts on the statement's line); false when it is where the named function they run
    /// is declared.
    at_go: bool,
    count: i64,
    /// The innermost line of the module they are at, and what they wait for.
    blocked: Option<Place>,
    state: Option<String>,
    /// The function they run.
    function: String,
    /// The module file that function is in, when the profile names no line to start from:
    /// its package is the one whose `go` statements may have started them.
    home: Option<Arc<str>>,
}

impl GoSite {
    /// What they wait for, as the profile says; a proven leak waits on a channel or a lock
    /// even when its stack does not say which (the text of debug=1 hides the runtime's frames).
    fn wait(&self, which: Which) -> Option<&str> {
        match (self.state.as_deref(), which) {
            (Some(s), _) => Some(s),
            (None, Which::Leaked) => Some("on a channel or lock"),
            (None, Which::Alive) => None,
        }
    }
}

/// The goroutines of one profile, by where they were started: alive (a goroutine profile) or
/// proven leaked (a goroutine leak profile, or the goroutines a debug=2 text marks `(leaked)`).
#[derive(Debug, Default)]
struct GoSet {
    /// The profile's name in the report.
    name: String,
    /// By the `go` statement that started them; by the function they run when the profile
    /// does not say (the protobuf form), at the line the function starts.
    sites: BTreeMap<Place, GoSite>,
    /// By the function they run, when the profile names no line to start from (the text of
    /// `?debug=1`): matched to the `go` statements of the function that starts them.
    unplaced: BTreeMap<String, GoSite>,
    /// Sites already put on a finding (or reported as a finding of the profile's own).
    claimed: HashSet<Place>,
    /// Of `unplaced`, by function: put on a finding, or reported where they are blocked.
    claimed_unplaced: HashSet<String>,
}

impl GoSet {
    /// Whether these goroutines include those of an alive `site` at `place`: the same start,
    /// or (a text that names no start) the same function blocked at the same line.
    fn covers(&self, place: &Place, site: &GoSite) -> bool {
        self.sites.contains_key(place)
            || self
                .sites
                .values()
                .chain(self.unplaced.values())
                .any(|s| s.function == site.function && s.blocked == site.blocked)
    }
}

/// Which count a [`GoSet`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Alive,
    Leaked,
}

/// One row of the "largest holders" table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Largest {
    pub verdict: Verdict,
    pub code: RuleId,
    pub title: String,
    pub position: String,
    pub live: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grew: Option<Amount>,
}

/// What each profile was and how much of it fell in the module.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProfileStat {
    pub name: String,
    pub kind: String,
    pub samples: usize,
    /// Samples with a frame in the analysed module.
    pub matched: usize,
    /// Goroutine and goroutine leak profiles: how many goroutines the profile counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goroutines: Option<i64>,
}

/// The profiles' part of the summary.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProfileSummary {
    pub profiles: Vec<ProfileStat>,
    /// Everything live in the latest heap profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<Amount>,
    /// The sites holding the most, by growth and then by live bytes.
    pub largest: Vec<Largest>,
    /// `leak-risk` findings the profiles do not confirm: not exercised, let go of, or below
    /// `--min-live` in the run profiled.
    pub not_exercised: u64,
    /// Sites in the profile with no package of this report to put them in.
    pub unplaced: u64,
    /// Goroutine profiles not joined: only the latest one is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<String>,
    /// Goroutine leak profiles not joined: only the latest one is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_leak: Vec<String>,
    /// Every goroutine the joined leak profile proves leaked, in the module or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaked: Option<i64>,
    /// What the reading of the profiles is worth knowing, one sentence each (said on stderr).
    #[serde(skip)]
    pub notes: Vec<String>,
}

/// The share of what a line allocated (percent) that must still be live for a `leak-risk`
/// there to count as holding it, with no growth seen.
const KEPT_SHARE: f64 = 5.0;

/// How many rows the largest-holders table keeps.
const LARGEST: usize = 10;

/// Where a profile's frames are in the module: by the package path in the function's name, by
/// a `-trimpath` file name, or by the longest tail of an absolute path that is a file of the
/// module.
struct Places {
    module_path: Option<String>,
    root: Option<PathBuf>,
    cache: HashMap<(String, String), Option<Arc<str>>>,
}

impl Places {
    fn rel(&mut self, f: &Frame) -> Option<Arc<str>> {
        let key = (f.function.clone(), f.file.clone());
        if let Some(hit) = self.cache.get(&key) {
            return hit.clone();
        }
        let hit = self.find(&f.function, &f.file).map(Arc::from);
        self.cache.insert(key, hit.clone());
        hit
    }

    fn find(&self, function: &str, file: &str) -> Option<String> {
        let file = file.replace('\\', "/");
        let base = file.rsplit('/').next()?;
        if !base.ends_with(".go") {
            return None;
        }
        // The runtime escapes a dot in a path's last element (`example.com/m.v2` is written
        // `example.com/m%2ev2`); an external test package is its directory's `_test`.
        let package = package_of(function).replace("%2e", ".");
        let package = package.strip_suffix("_test").unwrap_or(&package);
        if let Some(mp) = &self.module_path {
            // `-trimpath`: `example.com/m/sub/x.go`.
            if let Some(rest) = file
                .strip_prefix(mp.as_str())
                .and_then(|r| r.strip_prefix('/'))
            {
                return self.exists(rest).then(|| rest.to_string());
            }
            // The function's package is in the module: its directory, and the file's name.
            if package == mp.as_str() {
                return self.exists(base).then(|| base.to_string());
            }
            if let Some(dir) = package
                .strip_prefix(mp.as_str())
                .and_then(|r| r.strip_prefix('/'))
            {
                let rel = format!("{dir}/{base}");
                return self.exists(&rel).then_some(rel);
            }
        }
        // `main.main` names no module path, and neither does a module whose path has no dot:
        // the longest tail of the absolute path that is a file of the module.
        let mine = package == "main"
            || self
                .module_path
                .as_deref()
                .is_some_and(|mp| package == mp || package.starts_with(&format!("{mp}/")));
        if !mine || !file.starts_with('/') && !file.contains(":/") {
            return None;
        }
        let root = self.root.as_ref()?;
        let parts: Vec<&str> = file.split('/').filter(|p| !p.is_empty()).collect();
        (0..parts.len())
            .map(|i| parts[i..].join("/"))
            .find(|tail| root.join(tail).is_file())
    }

    fn exists(&self, rel: &str) -> bool {
        // Without the source at hand, a name that fits is taken at its word.
        self.root.as_ref().is_none_or(|r| r.join(rel).is_file())
    }
}

/// `example.com/m/cache.(*LRU).Add` -> `example.com/m/cache`; `main.main.func1` -> `main`.
fn package_of(function: &str) -> &str {
    let slash = function.rfind('/').map_or(0, |i| i + 1);
    match function[slash..].find('.') {
        Some(dot) => &function[..slash + dot],
        None => function,
    }
}

/// `example.com/m/cache.(*LRU).Add` -> `(*LRU).Add`.
fn short_name(function: &str) -> &str {
    let package = package_of(function);
    function[package.len()..].trim_start_matches('.')
}

/// The profiles of a run, indexed by module line, and what has been put on findings so far.
pub struct Runtime {
    thresholds: Thresholds,
    heap_name: Option<String>,
    earlier_name: Option<String>,
    heap: HashMap<Place, HeapSite>,
    total_live: Amount,
    /// The latest goroutine profile's goroutines.
    alive: Option<GoSet>,
    /// The latest goroutine leak profile's.
    leaked: Option<GoSet>,
    claimed: HashSet<Place>,
    pub summary: ProfileSummary,
}

impl Runtime {
    /// Indexes the profiles by the lines of `module` they fall on.
    pub fn new(profiles: Vec<Profile>, module: Option<&Module>, thresholds: Thresholds) -> Runtime {
        let mut places = Places {
            module_path: module.and_then(|m| m.path.clone()),
            root: module.map(|m| m.root.clone()),
            cache: HashMap::new(),
        };
        let mut rt = Runtime {
            thresholds,
            heap_name: None,
            earlier_name: None,
            heap: HashMap::new(),
            total_live: Amount::default(),
            alive: None,
            leaked: None,
            claimed: HashSet::new(),
            summary: ProfileSummary::default(),
        };
        let (mut heaps, goroutines): (Vec<Profile>, Vec<Profile>) =
            profiles.into_iter().partition(|p| p.kind == Kind::Heap);
        let (leaks, goroutines): (Vec<Profile>, Vec<Profile>) = goroutines
            .into_iter()
            .partition(|p| p.kind == Kind::GoroutineLeak);
        // Earliest first: by when they were taken, else as given.
        heaps.sort_by_key(|p| p.time_nanos);
        for (i, p) in heaps.iter().enumerate() {
            let latest = i + 1 == heaps.len();
            let earliest = i == 0 && heaps.len() > 1;
            let mut matched = 0;
            for s in &p.samples {
                let Values::Heap(v) = s.values else { continue };
                if latest {
                    rt.total_live.bytes = rt.total_live.bytes.saturating_add(v.inuse_bytes);
                    rt.total_live.objects = rt.total_live.objects.saturating_add(v.inuse_objects);
                }
                let Some((at, frame)) = innermost(&mut places, &s.frames) else {
                    continue;
                };
                matched += 1;
                let site = rt.heap.entry(at).or_default();
                if latest {
                    site.live.bytes = site.live.bytes.saturating_add(v.inuse_bytes);
                    site.live.objects = site.live.objects.saturating_add(v.inuse_objects);
                    site.allocated.bytes = site.allocated.bytes.saturating_add(v.alloc_bytes);
                    site.allocated.objects = site.allocated.objects.saturating_add(v.alloc_objects);
                    site.function = frame.function.clone();
                    if s.frames[0].function != frame.function && site.via.is_none() {
                        site.via = Some(s.frames[0].function.clone());
                    }
                }
                if earliest {
                    let e = site.earlier.get_or_insert_with(Amount::default);
                    e.bytes = e.bytes.saturating_add(v.inuse_bytes);
                    e.objects = e.objects.saturating_add(v.inuse_objects);
                }
            }
            rt.summary.profiles.push(ProfileStat {
                name: p.name.clone(),
                kind: "heap".into(),
                samples: p.samples.len(),
                matched,
                goroutines: None,
            });
        }
        // A site seen only in the earlier profile has let go of what it held: not a site now.
        rt.heap.retain(|_, s| !s.function.is_empty());
        if heaps.len() > 1 {
            // Sites new in the later profile grew from nothing.
            for s in rt.heap.values_mut() {
                s.earlier.get_or_insert_with(Amount::default);
            }
            rt.earlier_name = heaps.first().map(|p| p.name.clone());
        }
        rt.heap_name = heaps.last().map(|p| p.name.clone());
        if rt.heap_name.is_some() {
            rt.summary.live = Some(rt.total_live);
        }
        let leaked = |s: &Sample| matches!(s.values, Values::Goroutine { leaked: true, .. });
        // Without a leak profile, the last text of every stack that marks goroutines
        // `(leaked)` stands for one, whether or not it is the goroutine profile joined.
        let marked = leaks
            .is_empty()
            .then(|| goroutines.iter().rposition(|p| p.samples.iter().any(leaked)))
            .flatten()
            .map(|i| {
                let p = &goroutines[i];
                let total = goroutines_in(p, leaked);
                rt.summary.notes.push(format!(
                    "{}: the text of every goroutine's stack (debug=2), read as a goroutine profile; the {} it marks `(leaked)` are counted as proven leaked",
                    p.name,
                    units::count(total)
                ));
                rt.summary.leaked = Some(total);
                go_set(&mut places, p, leaked).0
            });
        // Goroutine counts are a snapshot: the latest profile's (by when it was taken, else the
        // last given); the others are named in the summary as not used.
        let latest = latest_of(goroutines, &mut rt.summary.ignored);
        let latest_leak = latest_of(leaks, &mut rt.summary.ignored_leak);
        if let Some(p) = &latest {
            let (set, matched) = go_set(&mut places, p, |_| true);
            rt.summary.profiles.push(ProfileStat {
                name: p.name.clone(),
                kind: Kind::Goroutine.name().into(),
                samples: p.samples.len(),
                matched,
                goroutines: Some(goroutines_in(p, |_| true)),
            });
            rt.alive = Some(set);
        }
        if let Some(p) = &latest_leak {
            let (set, matched) = go_set(&mut places, p, leaked);
            let total = goroutines_in(p, leaked);
            rt.summary.profiles.push(ProfileStat {
                name: p.name.clone(),
                kind: Kind::GoroutineLeak.name().into(),
                samples: p.samples.len(),
                matched,
                goroutines: Some(total),
            });
            rt.summary.leaked = Some(total);
            rt.leaked = Some(set);
        }
        rt.leaked = rt.leaked.or(marked);
        if let Some(p) = &latest_leak
            && p.samples.is_empty()
        {
            rt.summary.notes.push(format!(
                "{}: the runtime proved no goroutine leaked when it was taken",
                p.name
            ));
        }
        rt
    }

    /// Profiles none of whose samples is in the module: (name, samples).
    pub fn unmatched(&self) -> Vec<(String, usize)> {
        self.summary
            .profiles
            .iter()
            .filter(|p| p.matched == 0 && p.samples > 0)
            .map(|p| (p.name.clone(), p.samples))
            .collect()
    }

    /// Puts the profiles' numbers on a package's findings, and adds the findings of
    /// disagreement. `dir` is the package's directory relative to the module root, when known:
    /// lines of its files with no finding are this package's to report.
    /// Only reported findings (not suppressed, not outside the module) are measured; the
    /// findings of disagreement are returned, for the caller to filter like any other, and
    /// [`Runtime::rank`] then takes what is kept.
    pub fn annotate(&mut self, dir: Option<&str>, findings: &mut [Finding]) -> Vec<Finding> {
        let mut added = Vec::new();
        self.annotate_heap(dir, findings, &mut added);
        // Each profile's name, and which goroutine `leak-risk` findings it does not show.
        let alive = self.annotate_set(Which::Alive, dir, findings, &mut added);
        let leak = self.annotate_set(Which::Leaked, dir, findings, &mut added);
        for (i, f) in findings.iter_mut().enumerate() {
            let leaked = f.measured.as_ref().and_then(|m| m.leaked).unwrap_or(0);
            let mut notes = Vec::new();
            let mut unconfirmed = false;
            // A goroutine profile taken at another moment than the leak profile that proves
            // them: the proof stands, and "not exercised" would contradict it.
            if let Some((a, unshown)) = &alive
                && unshown[i]
                && leaked == 0
            {
                let m = measured(f);
                add_source(m, a);
                m.goroutines = Some(0);
                notes.push(format!(
                    "not exercised in {a}: no goroutine started here is running in it"
                ));
                unconfirmed = true;
            }
            if let Some((l, unshown)) = &leak
                && unshown[i]
            {
                let m = measured(f);
                add_source(m, l);
                let shown_alive = alive
                    .as_ref()
                    .map(|(a, _)| a)
                    .zip(m.goroutines.filter(|&n| n > 0));
                notes.push(not_leaked(l, shown_alive, m.waits_on.as_deref()));
                unconfirmed |= shown_alive.is_none();
            }
            if notes.is_empty() {
                continue;
            }
            let m = measured(f);
            let note = notes.join("; ");
            m.runtime_note = Some(match m.runtime_note.take() {
                Some(before) => format!("{before}; {note}"),
                None => note,
            });
            if unconfirmed {
                self.summary.not_exercised += 1;
            }
        }
        added
    }

    /// Runs [`Runtime::annotate_goroutines`] for the set `which` names, when there is one: its
    /// profile's name, and the findings it does not show.
    fn annotate_set(
        &mut self,
        which: Which,
        dir: Option<&str>,
        findings: &mut [Finding],
        added: &mut Vec<Finding>,
    ) -> Option<(String, Vec<bool>)> {
        // Out of `self` while it is joined: the alive set asks the leaked one what it covers.
        let mut set = self.set_mut(which).take()?;
        let unshown = self.annotate_goroutines(&mut set, which, dir, findings, added);
        let name = set.name.clone();
        *self.set_mut(which) = Some(set);
        Some((name, unshown))
    }

    fn set_mut(&mut self, which: Which) -> &mut Option<GoSet> {
        match which {
            Which::Alive => &mut self.alive,
            Which::Leaked => &mut self.leaked,
        }
    }

    /// Keeps the largest holders among a package's reported findings for the summary.
    pub fn rank(&mut self, findings: &[Finding]) {
        for f in findings.iter().filter(|f| f.reported()) {
            self.rank_one(f);
        }
    }

    fn annotate_heap(
        &mut self,
        dir: Option<&str>,
        findings: &mut [Finding],
        added: &mut Vec<Finding>,
    ) {
        let Some(profile) = self.heap_name.clone() else {
            return;
        };
        // Each line of the package that allocates, to the strongest finding about it.
        let mut by_line: HashMap<Place, usize> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            if f.verdict == Verdict::Passes || !f.reported() {
                continue;
            }
            for place in allocation_lines(f) {
                let e = by_line.entry(place).or_insert(i);
                if findings[*e].verdict < f.verdict {
                    *e = i;
                }
            }
        }
        let files: HashSet<Arc<str>> = by_line.keys().map(|(p, _)| p.clone()).collect();
        let mut sites: Vec<(Place, HeapSite)> = self
            .heap
            .iter()
            .filter(|(k, _)| !self.claimed.contains(*k))
            .filter(|(k, _)| by_line.contains_key(*k) || files.contains(&k.0) || in_dir(&k.0, dir))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        sites.sort_by(|a, b| a.0.cmp(&b.0));
        let big = |t: &Thresholds, live: i64, total: i64| {
            live >= t.min_live && (live as f64) * 100.0 >= t.min_share * total as f64
        };
        for (place, site) in sites {
            self.claimed.insert(place.clone());
            let grew = site.earlier.map(|e| Amount {
                bytes: site.live.bytes.saturating_sub(e.bytes),
                objects: site.live.objects.saturating_sub(e.objects),
            });
            let holds_a_lot = big(&self.thresholds, site.live.bytes, self.total_live.bytes);
            match by_line.get(&place) {
                Some(&i) => {
                    let f = &mut findings[i];
                    let m = measured(f);
                    add_source(m, &profile);
                    add(&mut m.live, site.live);
                    add(&mut m.allocated, site.allocated);
                    if let Some(g) = grew {
                        add(&mut m.grew, g);
                    }
                    if holds_a_lot && f.verdict <= Verdict::Heap {
                        added.push(self.held_here(&place, &site, grew, &profile, Some(f)));
                        // The finding of disagreement speaks for these bytes in the table.
                        measured(&mut findings[i]).outranked = true;
                    }
                }
                None if holds_a_lot => {
                    added.push(self.held_here(&place, &site, grew, &profile, None));
                }
                None => {}
            }
        }
        // What a leak-risk is said to keep, the profile may not show held.
        for f in findings
            .iter_mut()
            .filter(|f| f.verdict == Verdict::LeakRisk && f.reported())
        {
            // Goroutines are the goroutine profile's to judge; C memory is in no Go profile.
            let kind = f.holder.as_ref().map(|h| h.kind);
            if about_goroutines(f) || kind == Some(HolderKind::Cgo) || f.position.is_none() {
                continue;
            }
            let live = f.measured.as_ref().and_then(|m| m.live).unwrap_or_default();
            let grew = f.measured.as_ref().and_then(|m| m.grew).unwrap_or_default();
            let allocated = f
                .measured
                .as_ref()
                .and_then(|m| m.allocated)
                .unwrap_or_default();
            // Held: it grew, or it keeps a fair share of what it allocated. A sampled profile
            // puts a few 512 KiB samples on a small cache, hence the share as well as the size.
            let kept_share = live.bytes as f64 * 100.0 >= KEPT_SHARE * allocated.bytes as f64;
            if grew.bytes >= self.thresholds.min_live
                || (live.bytes >= self.thresholds.min_live && kept_share)
            {
                continue;
            }
            let note = if allocated.bytes == 0 {
                format!(
                    "not exercised in {profile}: nothing was allocated here, so the profile can neither confirm nor clear it"
                )
            } else if kept_share {
                format!(
                    "{profile} shows {} live here, below --min-live ({}): too little in this run to confirm it grows",
                    units::bytes(live.bytes),
                    units::bytes(self.thresholds.min_live)
                )
            } else {
                format!(
                    "{profile} shows {} allocated here but only {} of it live: in this run something let go of it",
                    units::bytes(allocated.bytes),
                    units::bytes(live.bytes)
                )
            };
            let m = measured(f);
            add_source(m, &profile);
            m.runtime_note = Some(note);
            self.summary.not_exercised += 1;
        }
    }

    /// Puts one profile's goroutines on the findings at `go` statements, and adds the findings
    /// of disagreement for the sites no finding took. Returns, per finding, whether it is a
    /// goroutine `leak-risk` the profile does not show at all (for [`Runtime::annotate`] to
    /// say so, once both profiles have spoken).
    fn annotate_goroutines(
        &mut self,
        set: &mut GoSet,
        which: Which,
        dir: Option<&str>,
        findings: &mut [Finding],
        added: &mut Vec<Finding>,
    ) -> Vec<bool> {
        let profile = set.name.clone();
        let mut files: HashSet<Arc<str>> = HashSet::new();
        // The findings at `go` statements, by place.
        let mut at_go: Vec<(usize, Place)> = Vec::new();
        for (i, f) in findings.iter().enumerate() {
            let Some(p) = &f.position else { continue };
            let Some(path) = &p.path else { continue };
            files.insert(path.clone());
            if about_goroutines(f) && f.reported() {
                at_go.push((i, (path.clone(), p.line)));
            }
        }
        let mut measured_any = vec![false; findings.len()];
        // First by place: the profile says which statement started them.
        for (i, place) in &at_go {
            let Some(site) = set.sites.get(place).filter(|s| s.at_go) else {
                continue;
            };
            if !set.claimed.insert(place.clone()) {
                continue;
            }
            let site = site.clone();
            put_goroutines(&mut findings[*i], &site, which, &profile, None);
            measured_any[*i] = true;
        }
        // Then by name: the function they run, called by `go` statements of the package (the
        // protobuf form names a named function by its declaration), or the function that
        // started a closure (debug=1). Several statements that fit share the count.
        let by_name: Vec<(Option<Place>, GoSite)> = set
            .sites
            .iter()
            .filter(|(k, s)| !s.at_go && !set.claimed.contains(k))
            .map(|(k, s)| (Some(k.clone()), s.clone()))
            .chain(
                set.unplaced
                    .iter()
                    .filter(|(k, _)| !set.claimed_unplaced.contains(*k))
                    .map(|(_, s)| (None, s.clone())),
            )
            .collect();
        let mut unplaced_seen = false;
        for (key, site) in by_name {
            let fits: Vec<usize> = at_go
                .iter()
                .filter(|(i, _)| !measured_any[*i])
                .filter(|(i, place)| {
                    let f = &findings[*i];
                    match &key {
                        Some(k) => {
                            same_dir(&k.0, &place.0)
                                && f.holder
                                    .as_ref()
                                    .and_then(|h| h.added.as_ref())
                                    .is_some_and(|a| calls(&a.text, &site.function))
                        }
                        // A closure names the function that started it; only a function of
                        // the same package (directory) can have.
                        None => {
                            is_closure(&site.function)
                                && site.home.as_ref().is_some_and(|h| same_dir(h, &place.0))
                                && f.function.as_deref() == Some(starter(&site.function))
                        }
                    }
                })
                .map(|(i, _)| *i)
                .collect();
            // A closure names the function that started it: if that function has no finding
            // here, none of these came from here. A named function may have been started by
            // any `go` statement.
            if key.is_none() && !is_closure(&site.function) {
                unplaced_seen = true;
            }
            if fits.is_empty() {
                continue;
            }
            match &key {
                Some(k) => set.claimed.insert(k.clone()),
                None => set.claimed_unplaced.insert(site.function.clone()),
            };
            let shared = (fits.len() > 1).then_some(fits.len());
            for i in fits {
                put_goroutines(&mut findings[i], &site, which, &profile, shared);
                measured_any[i] = true;
            }
        }
        // A profile that places goroutines only by the named function they run cannot say
        // none came from here.
        let unshown: Vec<bool> = findings
            .iter()
            .enumerate()
            .map(|(i, f)| {
                f.verdict == Verdict::LeakRisk
                    && !measured_any[i]
                    && about_goroutines(f)
                    && f.reported()
                    && !unplaced_seen
            })
            .collect();
        let mut sites: Vec<(Place, GoSite)> = set
            .sites
            .iter()
            .filter(|(k, _)| !set.claimed.contains(k))
            .filter(|(k, _)| files.contains(&k.0) || in_dir(&k.0, dir))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (place, _) in &sites {
            set.claimed.insert(place.clone());
        }
        // Goroutines the profile names no start for (debug=1) that no `go` statement of their
        // function's package took: reported with that package, at the line where they are
        // blocked, rather than not at all.
        for (function, site) in &set.unplaced {
            if let (Some(b), Some(home)) = (&site.blocked, &site.home)
                && (files.contains(home) || in_dir(home, dir))
                && set.claimed_unplaced.insert(function.clone())
            {
                // Placed where they wait, not where they were started.
                let site = GoSite {
                    at_go: false,
                    ..site.clone()
                };
                sites.push((b.clone(), site));
            }
        }
        for (place, site) in sites {
            if which == Which::Alive
                && self
                    .leaked
                    .as_ref()
                    .is_some_and(|l| l.covers(&place, &site))
            {
                // Proven leaked: the leak profile's finding says more.
                continue;
            }
            match which {
                Which::Alive if site.count >= self.thresholds.min_goroutines => {
                    added.push(alive_here(&place, &site, &profile));
                }
                // Proven: one goroutine stuck forever is one too many.
                Which::Leaked if site.count > 0 => {
                    added.push(leaked_here(&place, &site, &profile));
                }
                _ => {}
            }
        }
        unshown
    }

    /// Keeps the finding in the largest-holders table if it holds enough to be there.
    fn rank_one(&mut self, f: &Finding) {
        let Some(m) = f.measured.as_deref().filter(|m| !m.outranked) else {
            return;
        };
        let Some(live) = m.live else { return };
        if live.bytes <= 0 && m.grew.is_none_or(|g| g.bytes <= 0) {
            return;
        }
        let row = Largest {
            verdict: f.verdict,
            code: f.code,
            title: f.title.clone(),
            position: f
                .position
                .as_ref()
                .map(|p| p.display_best())
                .unwrap_or_default(),
            live,
            grew: m.grew,
        };
        let largest = &mut self.summary.largest;
        largest.push(row);
        largest.sort_by(|a, b| {
            let g = |r: &Largest| r.grew.map_or(0, |g| g.bytes);
            g(b).cmp(&g(a)).then(b.live.bytes.cmp(&a.live.bytes))
        });
        largest.truncate(LARGEST);
    }

    /// Sites left over once every package has been reported: in files no package covered.
    pub fn finish(&mut self) {
        let t = self.thresholds;
        let total = self.total_live.bytes;
        self.summary.unplaced = self
            .heap
            .iter()
            .filter(|(k, s)| {
                !self.claimed.contains(*k)
                    && s.live.bytes >= t.min_live
                    && (s.live.bytes as f64) * 100.0 >= t.min_share * total as f64
            })
            .count() as u64;
    }

    /// EE0901: the profile shows memory held at a line where no holder was found.
    fn held_here(
        &self,
        place: &Place,
        site: &HeapSite,
        grew: Option<Amount>,
        profile: &str,
        beside: Option<&Finding>,
    ) -> Finding {
        let growing = grew.is_some_and(|g| g.bytes >= self.thresholds.min_live);
        let subject = match (beside, &site.via) {
            (Some(f), _) => f.subject.clone(),
            (None, Some(via)) => format!("what {} allocates", short_name(via)),
            (None, None) => "memory allocated here".to_string(),
        };
        let mut evidence = vec![Evidence {
            note: format!(
                "{profile}: {} live here, of {} live in the whole program",
                site.live.display(),
                units::bytes(self.total_live.bytes)
            ),
            site: None,
        }];
        if let (Some(g), Some(earlier)) = (grew, &self.earlier_name) {
            evidence.push(Evidence {
                note: format!("{} since {earlier}", signed(g)),
                site: None,
            });
        }
        if let Some(via) = &site.via {
            evidence.push(Evidence {
                note: format!(
                    "allocated inside {via}, called from {}",
                    short_name(&site.function)
                ),
                site: None,
            });
        }
        if let Some(f) = beside {
            evidence.push(Evidence {
                note: format!(
                    "the static verdict here is `{}` ({}): {}",
                    f.verdict.name(),
                    f.code,
                    f.title
                ),
                site: None,
            });
        }
        let verdict = if growing {
            Verdict::LeakRisk
        } else {
            Verdict::Retained
        };
        let title = format!(
            "{profile} shows {} live here{}, but no holder was found: something keeps it",
            units::bytes(site.live.bytes),
            match (growing, grew) {
                (true, Some(g)) => format!(", grown by {}", units::bytes(g.bytes)),
                _ => String::new(),
            }
        );
        let mut f = of_the_profile(
            verdict,
            &rules::PROFILE_HELD,
            title,
            subject,
            place,
            evidence,
        );
        f.function = Some(short_name(&site.function).to_string()).filter(|s| !s.is_empty());
        f.why = "the heap profile counts what is still reachable after a collection: something refers to this memory, through a path the source rules do not follow (a field of a long-lived value, a callee's cache, a goroutine's stack)".into();
        f.fix = Some("find what refers to it: `go tool pprof -list` on the function, or a heap dump; if it is a cache, bound it".into());
        let m = measured(&mut f);
        add_source(m, profile);
        m.live = Some(site.live);
        m.allocated = Some(site.allocated);
        m.grew = grew;
        f
    }
}

/// A finding the profile makes, at a line it names: no compiler line, no holder.
fn of_the_profile(
    verdict: Verdict,
    rule: &Rule,
    title: String,
    subject: String,
    place: &Place,
    evidence: Vec<Evidence>,
) -> Finding {
    Finding::builder(rule, verdict, subject, title)
        .position(Some(position(place)))
        .rule_fix(true)
        .evidence(evidence)
        .build()
}

/// The latest of a kind's profiles (by when they were taken, else the last given); the names of
/// the others go to `ignored`.
fn latest_of(mut profiles: Vec<Profile>, ignored: &mut Vec<String>) -> Option<Profile> {
    // The text forms carry no time: then the order given decides.
    if profiles.iter().all(|p| p.time_nanos > 0) {
        profiles.sort_by_key(|p| p.time_nanos);
    }
    let latest = profiles.pop();
    ignored.extend(profiles.into_iter().map(|p| p.name));
    latest
}

/// How many goroutines the samples `keep` takes count.
fn goroutines_in(p: &Profile, keep: impl Fn(&Sample) -> bool) -> i64 {
    p.samples
        .iter()
        .filter(|s| keep(s))
        .map(|s| match s.values {
            Values::Goroutine { count, .. } => count.max(0),
            Values::Heap(_) => 0,
        })
        .fold(0i64, i64::saturating_add)
}

/// The goroutines of the samples `keep` takes, by where they were started, and how many of
/// those samples are in the module.
fn go_set(places: &mut Places, p: &Profile, keep: impl Fn(&Sample) -> bool) -> (GoSet, usize) {
    let mut set = GoSet {
        name: p.name.clone(),
        ..GoSet::default()
    };
    let mut matched = 0;
    for s in p.samples.iter().filter(|s| keep(s)) {
        let Values::Goroutine {
            count,
            created_by,
            state,
            ..
        } = &s.values
        else {
            continue;
        };
        let Some(root) = s.frames.last() else {
            continue;
        };
        let blocked = innermost(places, &s.frames).map(|(p, _)| p);
        let site = GoSite {
            at_go: created_by.is_some() || is_closure(&root.function),
            count: (*count).max(0),
            blocked,
            state: state.clone(),
            function: root.function.clone(),
            home: places.rel(root),
        };
        // Where they were started: the `created by` position, else the function they run at
        // the line it starts; the text of debug=1 names neither.
        let start = match created_by {
            Some(c) => places.rel(c).map(|p| (p, c.line)),
            None if root.start_line > 0 => places.rel(root).map(|p| (p, root.start_line)),
            None => {
                if site.home.is_some() {
                    matched += 1;
                    merge_site(set.unplaced.entry(root.function.clone()).or_default(), site);
                }
                continue;
            }
        };
        let Some(start) = start else { continue };
        matched += 1;
        merge_site(set.sites.entry(start).or_default(), site);
    }
    (set, matched)
}

/// EE0903: goroutines the leak profile proves blocked forever, started at a `go` statement
/// where the source rules found nothing.
fn leaked_here(place: &Place, site: &GoSite, profile: &str) -> Finding {
    let mut f = of_goroutines(place, site, profile, Which::Leaked);
    f.why = "before writing the profile the runtime ran a collection that looks for goroutines blocked on channels or locks that no running goroutine can reach: nothing can ever wake these, so each keeps its stack and everything it refers to for the life of the process, and every call that leaves one behind adds to them. The source rules did not see it".into();
    f
}

/// EE0902: goroutines the profile shows alive at a `go` statement with no finding.
fn alive_here(place: &Place, site: &GoSite, profile: &str) -> Finding {
    let mut f = of_goroutines(place, site, profile, Which::Alive);
    f.why = "each goroutine keeps its stack and everything it refers to until it returns; this many alive at one `go` statement usually means they wait for something that will not come (a send nobody receives, a receive nobody sends to)".into();
    f.fix = Some("give each goroutine a way to finish: a buffered channel with room for every send, a `select` with `ctx.Done()`, or a close the receivers range over".into());
    f
}

/// A finding of a goroutine profile's own: goroutines alive (EE0902) or proven leaked (EE0903)
/// at `place`, the `go` statement that started them, the function they run, or where they are
/// blocked (a `?debug=1` text names no start).
fn of_goroutines(place: &Place, site: &GoSite, profile: &str, which: Which) -> Finding {
    let (verdict, rule, verb, state, at_word, here) = match which {
        Which::Alive => (
            Verdict::Retained,
            &rules::PROFILE_ALIVE,
            "shows",
            "still alive",
            "at",
            "blocked here",
        ),
        Which::Leaked => (
            Verdict::LeakRisk,
            &rules::PROFILE_LEAKED,
            "proves",
            "leaked",
            "blocked forever at",
            "blocked here forever",
        ),
    };
    let waits = |s: &str| format!(" ({s})");
    let at = site
        .blocked
        .as_ref()
        .map(|(p, l)| format!(", {at_word} {}", blocked(p, *l, site.wait(which))))
        .unwrap_or_default();
    let n = units::count(site.count);
    let goroutines = if site.count == 1 {
        "goroutine"
    } else {
        "goroutines"
    };
    let runs = crate::classify::words::function_name(short_name(&site.function));
    let title = if site.blocked.as_ref() == Some(place) && !site.at_go {
        format!(
            "{profile} {verb} {n} {goroutines} running {runs} {state}, {here}{}",
            site.wait(which).map(waits).unwrap_or_default()
        )
    } else if site.at_go {
        format!("{profile} {verb} {n} {goroutines} started here {state}{at}")
    } else {
        format!("{profile} {verb} {n} {goroutines} running {runs}, declared here, {state}{at}")
    };
    let note = match which {
        Which::Alive => format!("{profile}: {n} {goroutines} run {}", site.function),
        Which::Leaked => format!(
            "{profile}: {n} {goroutines} running {}, blocked on a channel or lock no running goroutine can reach",
            site.function
        ),
    };
    let evidence = vec![Evidence { note, site: None }];
    // `go F`, or for a closure (`First.func1`, a name no source spells) "a closure in `First`".
    let subject = match runs {
        closure if !closure.starts_with('`') => closure,
        _ => format!("go {}", short_name(&site.function)),
    };
    let mut f = of_the_profile(verdict, rule, title, subject, place, evidence);
    let m = measured(&mut f);
    add_source(m, profile);
    match which {
        Which::Alive => {
            m.goroutines = Some(site.count);
            m.goroutines_in = Some(profile.to_string());
        }
        Which::Leaked => {
            m.leaked = Some(site.count);
            m.leaked_in = Some(profile.to_string());
        }
    }
    m.blocked_at = site
        .blocked
        .as_ref()
        .map(|(p, l)| blocked(p, *l, site.wait(which)));
    f
}

/// A finding placed at a `go` statement about the goroutines it starts: one that never ends
/// (EE0303), a sender nobody receives from (EE0304), a goroutine that holds values (EE0309).
fn about_goroutines(f: &Finding) -> bool {
    f.code == RuleId::ForgottenSender
        || f.holder
            .as_ref()
            .is_some_and(|h| h.kind == HolderKind::Goroutine)
}

/// Adds one profile site's goroutines to a finding at a `go` statement: as alive or as proven
/// leaked. Where the goroutines wait, the leak profile's word is the last.
fn put_goroutines(
    f: &mut Finding,
    site: &GoSite,
    which: Which,
    profile: &str,
    shared: Option<usize>,
) {
    let m = measured(f);
    add_source(m, profile);
    let n = match which {
        Which::Alive => {
            m.goroutines_in = Some(profile.to_string());
            m.goroutines.get_or_insert(0)
        }
        Which::Leaked => {
            m.leaked_in = Some(profile.to_string());
            m.leaked.get_or_insert(0)
        }
    };
    *n = n.saturating_add(site.count);
    if site.state.is_some() {
        m.waits_on = site.state.clone();
    }
    // What another profile said they wait on stands when this one does not say (the text of
    // debug=1 hides the runtime's frames).
    let wait = m.waits_on.as_deref().or(site.wait(which));
    m.blocked_at = site.blocked.as_ref().map(|(p, l)| blocked(p, *l, wait));
    if let Some(k) = shared {
        m.runtime_note = Some(format!(
            "{profile} counts {} goroutines running {} for {k} `go` statements together: it does not say which started which",
            units::count(site.count),
            short_name(&site.function)
        ));
    }
}

/// What a goroutine `leak-risk` the leak profile `leak` does not show gets said of it: never
/// "fine". `alive`: the goroutine profile that shows them alive, and how many; `waits`: on what.
fn not_leaked(leak: &str, alive: Option<(&String, i64)>, waits: Option<&str>) -> String {
    let Some((alive, _)) = alive else {
        return format!(
            "not proven leaked in {leak}: no goroutine started here is in it; either the run did not exercise it, or they wait on something still reachable (a package-level channel) or on time (a sleep, a timer), which the runtime cannot prove stuck"
        );
    };
    let shown = if alive == leak {
        format!("alive in {leak} but not marked leaked in it")
    } else {
        format!("alive in {alive} but not in {leak}")
    };
    match waits {
        Some(w) if !provable(w) => format!(
            "{shown}: they are waiting (`{w}`), which no collection can call stuck for good (a leak profile lists only goroutines blocked on a channel or lock nothing can reach); the static finding stands"
        ),
        Some(w) => format!(
            "{shown}: what they wait on (`{w}`) is still reachable (from a package-level variable or a running goroutine), so the runtime cannot prove them stuck; the static finding stands"
        ),
        None => format!(
            "{shown}: the runtime could not prove them stuck (a channel or lock still reachable, or time, I/O or a system call: the profile does not say which); the static finding stands"
        ),
    }
}

/// Whether a goroutine waiting so can be proven stuck: blocked on a channel or a `sync` lock,
/// the waits a leak collection looks at (not a sleep, a timer, I/O or a system call).
fn provable(state: &str) -> bool {
    state.starts_with("chan ")
        || state.starts_with("select")
        || state.starts_with("sync.")
        || state == "semacquire"
}

/// Goroutines of one place from several samples (stacks): counted together.
fn merge_site(into: &mut GoSite, s: GoSite) {
    into.count = into.count.saturating_add(s.count);
    into.at_go |= s.at_go;
    if into.function.is_empty() {
        into.function = s.function;
        into.blocked = s.blocked;
        into.state = s.state;
        into.home = s.home;
    }
}

/// `pkg.F.func1`, `pkg.F.gowrap2`, `pkg.F.func1.1`: a closure, which starts on its `go` line.
fn is_closure(function: &str) -> bool {
    short_name(function) != starter(function)
}

/// The function that starts a closure: `pkg.(*T).Run.func1.2` -> `(*T).Run`.
fn starter(function: &str) -> &str {
    let mut name = short_name(function);
    loop {
        let Some((head, last)) = name.rsplit_once('.') else {
            return name;
        };
        let numbered = last.chars().all(|c| c.is_ascii_digit())
            || last
                .strip_prefix("func")
                .or_else(|| last.strip_prefix("gowrap"))
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if !numbered {
            return name;
        }
        name = head;
    }
}

fn same_dir(a: &str, b: &str) -> bool {
    Path::new(a).parent() == Path::new(b).parent()
}

/// `go worker(ch)`, `go c.janitor()` call `example.com/m.worker`, `example.com/m.(*C).janitor`.
fn calls(go_line: &str, function: &str) -> bool {
    let name = short_name(function).rsplit('.').next().unwrap_or("");
    if name.is_empty() || name.starts_with("func") || name.starts_with("gowrap") {
        return false;
    }
    go_line.contains(&format!(" {name}(")) || go_line.contains(&format!(".{name}("))
}

fn blocked(path: &str, line: u32, state: Option<&str>) -> String {
    match state {
        Some(s) => format!("{path}:{line} ({s})"),
        None => format!("{path}:{line}"),
    }
}

fn signed(a: Amount) -> String {
    if a.bytes >= 0 {
        format!("+{}", a.display())
    } else {
        a.display()
    }
}

fn position(place: &Place) -> Position {
    Position {
        file: place.0.clone(),
        line: place.1,
        column: None,
        original: None,
        path: Some(place.0.clone()),
    }
}

/// The innermost frame in the module, and its line.
fn innermost<'f>(places: &mut Places, frames: &'f [Frame]) -> Option<(Place, &'f Frame)> {
    frames
        .iter()
        .find_map(|f| places.rel(f).map(|p| ((p, f.line), f)))
}

/// The lines a finding's values were allocated on: where the compiler reported each value kept
/// at a holder's site, else the finding's own line.
fn allocation_lines(f: &Finding) -> Vec<Place> {
    if let Some(h) = &f.holder
        && !h.kept_at.is_empty()
    {
        return h.kept_at.clone();
    }
    f.position
        .as_ref()
        .and_then(|p| Some((p.path.clone()?, p.line)))
        .into_iter()
        .collect()
}

fn in_dir(path: &str, dir: Option<&str>) -> bool {
    let Some(dir) = dir else { return false };
    let parent = Path::new(path)
        .parent()
        .and_then(|p| p.to_str())
        .unwrap_or("");
    parent == dir
}

fn measured(f: &mut Finding) -> &mut Measured {
    f.measured.get_or_insert_with(Default::default)
}

fn add_source(m: &mut Measured, profile: &str) {
    if !m.measured_in.iter().any(|p| p == profile) {
        m.measured_in.push(profile.to_string());
    }
}

fn add(slot: &mut Option<Amount>, a: Amount) {
    let s = slot.get_or_insert_with(Amount::default);
    s.bytes = s.bytes.saturating_add(a.bytes);
    s.objects = s.objects.saturating_add(a.objects);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{HeapValues, Sample};

    fn frame(function: &str, file: &str, line: u32) -> Frame {
        Frame {
            function: function.into(),
            file: file.into(),
            line,
            start_line: 0,
        }
    }

    /// A module `example.com/m` with `grow.go`, `cmd/tool/main.go` and `sub/x.go`.
    fn module() -> (tempfile::TempDir, Module) {
        let dir = tempfile::tempdir().unwrap();
        for f in ["grow.go", "cmd/tool/main.go", "sub/x.go"] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "package x\n").unwrap();
        }
        let module = Module {
            root: dir.path().to_path_buf(),
            path: Some("example.com/m".into()),
            go_version: None,
            godebug: Vec::new(),
            workspace: None,
        };
        (dir, module)
    }

    fn places(m: &Module) -> Places {
        Places {
            module_path: m.path.clone(),
            root: Some(m.root.clone()),
            cache: HashMap::new(),
        }
    }

    #[test]
    fn frames_are_placed_whatever_machine_recorded_them() {
        let (_dir, m) = module();
        let mut p = places(&m);
        let rel =
            |p: &mut Places, f: &str, file: &str| p.rel(&frame(f, file, 1)).map(|s| s.to_string());
        // Another machine's absolute path: the package path and the file name decide.
        assert_eq!(
            rel(&mut p, "example.com/m.Open", "/home/alice/src/m/grow.go").as_deref(),
            Some("grow.go")
        );
        assert_eq!(
            rel(&mut p, "example.com/m/sub.(*T).Add", "/build/x/sub/x.go").as_deref(),
            Some("sub/x.go")
        );
        // The runtime's escape of a dot in the last path element; an external test package.
        let mut dotted = places(&m);
        dotted.module_path = Some("example.com/m.v2".into());
        assert_eq!(
            rel(&mut dotted, "example.com/m%2ev2.Open", "/x/grow.go").as_deref(),
            Some("grow.go")
        );
        assert_eq!(
            rel(&mut p, "example.com/m/sub_test.TestX", "/x/sub/x.go").as_deref(),
            Some("sub/x.go")
        );
        // -trimpath.
        assert_eq!(
            rel(
                &mut p,
                "example.com/m/sub.F.func1",
                "example.com/m/sub/x.go"
            )
            .as_deref(),
            Some("sub/x.go")
        );
        // package main names no module path: the longest tail that is a file of the module.
        assert_eq!(
            rel(&mut p, "main.main", "/srv/ci/checkout/cmd/tool/main.go").as_deref(),
            Some("cmd/tool/main.go")
        );
        // The standard library, a dependency, a file the module does not have: not ours.
        assert_eq!(
            rel(
                &mut p,
                "strings.Repeat",
                "/usr/lib/go/src/strings/strings.go"
            ),
            None
        );
        assert_eq!(
            rel(
                &mut p,
                "example.com/other.F",
                "/home/alice/src/other/grow.go"
            ),
            None
        );
        assert_eq!(
            rel(&mut p, "example.com/m.Gone", "/home/alice/src/m/gone.go"),
            None
        );
        assert_eq!(
            rel(
                &mut p,
                "example.com/m@v1.2.0.F",
                "example.com/m@v1.2.0/grow.go"
            ),
            None
        );
    }

    fn heap(frames: Vec<Frame>, live: i64, objects: i64) -> Sample {
        Sample {
            frames,
            values: Values::Heap(HeapValues {
                alloc_objects: objects,
                alloc_bytes: live,
                inuse_objects: objects,
                inuse_bytes: live,
            }),
        }
    }

    fn finding(verdict: Verdict, path: &str, line: u32) -> Finding {
        let p: Arc<str> = Arc::from(path);
        Finding::builder(&rules::GLOBAL_MAP, verdict, "s".into(), "t".into())
            .position(Some(Position {
                file: p.clone(),
                line,
                column: Some(2),
                original: None,
                path: Some(p),
            }))
            .basis(crate::finding::Basis::Flow)
            .build()
    }

    #[test]
    fn live_bytes_land_on_the_innermost_module_line_and_disagreements_become_findings() {
        let (_dir, m) = module();
        let p = Profile {
            name: "heap.pprof".into(),
            kind: Kind::Heap,
            time_nanos: 1,
            samples: vec![
                // Allocated in strings.Repeat, called from grow.go:7.
                heap(
                    vec![
                        frame("strings.Repeat", "strings/strings.go", 40),
                        frame("example.com/m.Open", "/a/grow.go", 7),
                    ],
                    3 << 20,
                    3,
                ),
                heap(
                    vec![frame("example.com/m.Open", "/a/grow.go", 9)],
                    50 << 20,
                    500,
                ),
                heap(
                    vec![frame("example.com/m.Small", "/a/grow.go", 12)],
                    4096,
                    1,
                ),
            ],
        };
        let mut rt = Runtime::new(vec![p], Some(&m), Thresholds::default());
        let mut findings = vec![
            finding(Verdict::LeakRisk, "grow.go", 9),
            finding(Verdict::Heap, "grow.go", 12),
            finding(Verdict::LeakRisk, "grow.go", 20),
        ];
        let added = rt.annotate(Some(""), &mut findings);
        findings.extend(added);
        rt.rank(&findings);
        let live = |f: &Finding| f.measured.as_ref().and_then(|m| m.live).map(|a| a.bytes);
        assert_eq!(live(&findings[0]), Some(50 << 20));
        assert_eq!(live(&findings[1]), Some(4096));
        // Nothing allocated at line 20: the profile cannot confirm it.
        let note = findings[2]
            .measured
            .as_ref()
            .and_then(|m| m.runtime_note.clone());
        assert!(note.unwrap().starts_with("not exercised in heap.pprof"));
        // Line 7 holds 3 MiB (over 1 MiB and 1%) and has no finding: EE0901.
        let held: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.code == RuleId::ProfileHeld)
            .collect();
        assert_eq!(held.len(), 1, "{findings:#?}");
        assert_eq!(held[0].position.as_ref().unwrap().line, 7);
        assert!(held[0].subject.contains("Repeat"), "{}", held[0].subject);
        assert_eq!(rt.summary.largest[0].live.bytes, 50 << 20);
        assert_eq!(rt.summary.not_exercised, 1);
    }

    /// The protobuf goroutine profile names the function the goroutines run (`worker`, which
    /// starts on its own line), not the `go` statement: the statement that calls it is found
    /// by name.
    #[test]
    fn goroutines_of_a_named_function_are_counted_at_the_go_statement_that_calls_it() {
        let (_dir, m) = module();
        let mut root = frame("example.com/m.worker", "/x/grow.go", 33);
        root.start_line = 30;
        let p = Profile {
            name: "goroutine.pprof".into(),
            kind: Kind::Goroutine,
            time_nanos: 0,
            samples: vec![Sample {
                frames: vec![frame("runtime.gopark", "runtime/proc.go", 1), root],
                values: Values::Goroutine {
                    count: 12,
                    created_by: None,
                    state: None,
                    leaked: false,
                },
            }],
        };
        let mut rt = Runtime::new(vec![p], Some(&m), Thresholds::default());
        let mut f = finding(Verdict::LeakRisk, "grow.go", 5);
        f.code = RuleId::Goroutine;
        let site = crate::finding::Site {
            path: "grow.go".into(),
            line: 5,
            column: 2,
            text: "go worker(ch)".into(),
        };
        f.holder = Some(Box::new(crate::finding::Holder {
            kind: HolderKind::Goroutine,
            name: "goroutine".into(),
            declared: None,
            added: Some(site),
            released: None,
            kept_at: Vec::new(),
            also_added: Vec::new(),
        }));
        let mut findings = vec![f];
        let added = rt.annotate(Some(""), &mut findings);
        findings.extend(added);
        rt.rank(&findings);
        let m = findings[0].measured.as_ref().expect("measured");
        assert_eq!(m.goroutines, Some(12));
        assert_eq!(m.blocked_at.as_deref(), Some("grow.go:33"));
        // Counted once: no EE0902 for the same goroutines.
        assert_eq!(findings.len(), 1, "{findings:#?}");
    }
}
