//! What happens to each finished section: its paths are resolved and it is decided which
//! source it needs (in order, on the calling thread); its package's source is indexed and it
//! is classified (on a worker: packages are independent, and this is where the time goes); then,
//! back in the order the sections came in, it is filtered, counted and rendered. A run's reader
//! hands them over by import path, then variant ([`crate::escape::Reader::sorted`]), so what is
//! decided in order (which section runs the source rules, which repeat of a fact is reported)
//! does not depend on the order go finished its packages in.
//!
//! Only a few sections are in flight at once, so memory follows the largest package, not the
//! build. In wrapper mode go's output is only read and kept while go builds; the sections are
//! analysed once it has finished, when their order is known.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use crate::cli::{Config, Input};
use crate::escape::{Pending, Section, Unbuilt};
use crate::finding::{self, Finding};
use crate::render::{Needs, Renderer};
use crate::report::{RunInfo, Totals};
use crate::source::facts::ModulePackages;
use crate::source::{self, Locator, Module, PackageIndex};
use crate::{classify, select};

/// How many sections may be analysed or waiting to be rendered at once...
const IN_FLIGHT: usize = 4;
/// ...and how much of the compiler's output they may hold together, in lines (a fact or a flow
/// step each). A package larger than this is analysed alone: one package of the standard
/// library (go/types) prints more than half a million lines, and holding it beside three others
/// would double the peak.
const IN_FLIGHT_LINES: usize = 150_000;
/// How many lines of sections built on the main thread may wait, whole, to be sent after the
/// analysis ahead of their turn ([`Pipeline::analyse_ahead`]). Those are sections without a
/// fact, or whose package was not found: few and small when the source is there, every one
/// when it is not, and then they are sent as they come past this bound.
const QUEUED_BUILT_LINES: usize = 20_000;

/// The main thread's side: everything that must happen in order.
pub(crate) struct Pipeline<'r> {
    pub renderer: &'r mut dyn Renderer,
    pub selection: select::Selection,
    fail_on: Option<finding::Verdict>,
    /// Reported findings at or above `fail_on`.
    pub failing: u64,
    locator: Locator,
    pub totals: Totals,
    source: bool,
    /// Package directories whose source-only rules have run, and whether with the test files.
    ruled: HashMap<PathBuf, bool>,
    /// The packages `go list` named (build mode): each gets the source rules even when the
    /// compiler prints nothing for it.
    pub listed: Vec<(String, PathBuf)>,
    /// `--external`: report findings outside the module too.
    show_external: bool,
    /// `--verdict`: the verdicts shown (empty: all).
    only: Vec<finding::Verdict>,
    /// A digest of every finding reported so far (see [`Finding::site_key`]).
    seen: rustc_hash::FxHashSet<finding::SiteKey>,
    /// Directory -> the files go builds there (and the test files), from `go list`; moved to
    /// the workers with the first section.
    pub build_files: HashMap<PathBuf, (Vec<String>, Vec<String>)>,
    /// What escape-explain.toml declares, checked against the source.
    pub declared: Option<Arc<source::declared::Declarations>>,
    toolchain: Option<u32>,
    toolchain_source: String,
    /// Which files are in the build (GOOS, GOARCH, tags).
    target: source::constraint::Target,
    pool: Option<Pool>,
    /// The next section to send, and the next to render.
    next_seq: u64,
    next_render: u64,
    /// Analysed sections waiting for an earlier one.
    ready: BTreeMap<u64, Analysed>,
    /// The size in lines of each section sent and not yet rendered, and their sum.
    weights: BTreeMap<u64, usize>,
    weight: usize,
    /// `--profile`: the runtime's numbers, put on each package's findings as it is rendered.
    pub runtime: Option<crate::profile::join::Runtime>,
    dropper: Dropper,
    /// The sections read before the first was sent (a sorted reader keeps them all), for the
    /// progress line.
    pub built: u64,
    /// `--max-package-memory`, and the packages over it.
    max_package_memory: u64,
    pub too_large: Vec<TooLarge>,
    /// Where packages analysed before are replayed from: the user's result cache, or with
    /// `--no-cache` one of the run's own for the packages analysed ahead of their turn
    /// ([`Pipeline::analyse_ahead`]; None without the source).
    pub cache: Option<Arc<crate::cache::ResultCache>>,
    /// Packages replayed from the cache, and analysed; of those analysed, the ones analysed
    /// ahead of their turn and taken from the cache for it.
    pub replayed: u64,
    pub analysed: u64,
    pub ahead: u64,
    /// The directories of the packages `go list` named, looked at while go builds.
    survey: Survey,
    /// With [`Pipeline::analyse_ahead`]: the sections taken, in report order, not yet sent,
    /// and the lines of those among them built here (held whole).
    queued: Option<Vec<Queued>>,
    queued_built: usize,
    /// Packages analysed ahead of their turn so far, for the progress line; the lines of
    /// those in flight, by their sequence among them, and their sum.
    ahead_done: u64,
    ahead_weights: HashMap<u64, usize>,
    ahead_lines: usize,
}

/// A section taken and decided on, waiting to be sent ([`Pipeline::analyse_ahead`]).
struct Queued {
    section: JobSection,
    dir: Option<PathBuf>,
    tests: bool,
    source_rules: classify::SourceRules,
    weight: usize,
}

/// Each listed package's directory and the size of its Go files, worked out on a thread of
/// their own while go builds ([`Pipeline::survey`]): otherwise, in a run replayed from the
/// cache, the walk of every package's directory is most of what this thread does after go
/// has ended. Taken as they were then, as an analysis takes its files as they were when read.
#[derive(Default)]
enum Survey {
    #[default]
    None,
    Running(JoinHandle<Surveyed>),
    Done(Surveyed),
}

#[derive(Default)]
struct Surveyed {
    /// Import path -> [`Locator::import_dir`].
    dirs: HashMap<String, Option<PathBuf>>,
    /// Directory -> [`go_source_bytes`].
    bytes: HashMap<PathBuf, u64>,
}

/// What a worker needs besides the section: shared, read-only but for the index cache.
struct Shared {
    module: Option<Module>,
    toolchain: Option<u32>,
    toolchain_source: String,
    /// (directory, with test files) -> its index, built once by whichever worker needs it
    /// first (a package and its test variant share the directory).
    indexes: Mutex<HashMap<(PathBuf, bool), IndexCell>>,
    /// The module's packages: how each is indexed (the files the build lists, the target),
    /// and what each tells the packages that import it.
    packages: ModulePackages,
    cache: Option<Arc<crate::cache::ResultCache>>,
    /// What every package's analysis was given besides its own section and directory: the
    /// module, the target, the Go version, the declarations (part of every cache key).
    context: u128,
    /// How printed paths map to files, for the sections built here.
    locator: Locator,
    /// Whether the source is read (diagnostics naming no file found are then counted).
    source: bool,
    /// Whether what findings below `retained` say beyond their one line is read (a replayed
    /// package's are decoded only then).
    explained: bool,
    /// The keys of the packages this run analysed ahead of their turn and kept in the cache
    /// ([`Pipeline::analyse_ahead`]): replayed for their turn, they count as analysed.
    ahead: Mutex<std::collections::HashSet<u128>>,
    /// The sections being analysed ahead of their turn, by their place in the input
    /// ([`crate::escape::Unbuilt::read_order`]): a section's turn taken meanwhile waits for
    /// the analysis to end, then replays it, rather than analyses the section again.
    running_ahead: Mutex<std::collections::HashSet<usize>>,
    ahead_ended: std::sync::Condvar,
    /// Files of generic code the rules of many packages read, their trees shared.
    parsed: source::parsed::SharedParses,
}

/// An index being built or built, shared by the sections that need it, with what building
/// it read.
type IndexCell = Arc<OnceLock<(Arc<PackageIndex>, Option<Arc<source::deps::Read>>)>>;

/// A section and what to do with it.
struct Job {
    seq: u64,
    section: JobSection,
    dir: Option<PathBuf>,
    tests: bool,
    source_rules: classify::SourceRules,
}

/// A job's section: built (paths resolved) on the main thread, or still its lines.
enum JobSection {
    /// With its diagnostics that name no file found (counted already).
    Built { section: Section, unresolved: u64 },
    /// Built by the worker if the cache does not have it, or if the renderer needs more than
    /// the entry keeps of it.
    Kept { unbuilt: Unbuilt, needs: Needs },
}

impl JobSection {
    fn digest(&self) -> Option<u128> {
        match self {
            JobSection::Built { section, .. } => section.digest,
            JobSection::Kept { unbuilt, .. } => Some(unbuilt.digest()),
        }
    }

    fn package(&self) -> Option<&str> {
        match self {
            JobSection::Built { section, .. } => section.package.as_deref(),
            JobSection::Kept { unbuilt, .. } => unbuilt.package(),
        }
    }

    fn variant(&self) -> Option<&str> {
        match self {
            JobSection::Built { section, .. } => section.variant.as_deref(),
            JobSection::Kept { unbuilt, .. } => unbuilt.variant(),
        }
    }

    /// Its place in the input among the sections kept, when it is kept as its lines.
    fn read_order(&self) -> Option<usize> {
        match self {
            JobSection::Built { .. } => None,
            JobSection::Kept { unbuilt, .. } => Some(unbuilt.read_order()),
        }
    }
}

/// A job whose section is built.
struct Built {
    section: Section,
    dir: Option<PathBuf>,
    tests: bool,
    source_rules: classify::SourceRules,
}

/// A section classified.
struct Analysed {
    section: Section,
    /// The package's directory, when its source was found.
    dir: Option<PathBuf>,
    /// What selection needs of the package's files.
    files: Vec<select::FileMarks>,
    /// Whether the package has generic code.
    generic: bool,
    /// The index, to be freed off the main thread (None when replayed from the cache).
    index: Option<Arc<PackageIndex>>,
    findings: Vec<Finding>,
    /// How its findings came.
    came: Came,
    /// Its diagnostics that name no file found, when built (or replayed) by the worker.
    unresolved: u64,
}

/// How an analysed section's findings came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Came {
    /// Analysed for its turn.
    Analysed,
    /// Analysed ahead of its turn ([`Pipeline::analyse_ahead`]), taken from the cache for it.
    Ahead,
    /// Replayed from the cache: analysed by a run before.
    Replayed,
}

/// A section marked as being analysed ahead of its turn ([`Shared::running_ahead`]); the mark
/// goes, and those waiting for it go on, when this is dropped (a panic included).
struct RunningAhead<'s> {
    shared: &'s Shared,
    at: usize,
}

impl Drop for RunningAhead<'_> {
    fn drop(&mut self) {
        self.shared.lock_running().remove(&self.at);
        self.shared.ahead_ended.notify_all();
    }
}

/// What a worker is asked to do.
enum Work {
    /// Replay or analyse a section, for its turn to be reported.
    Analyse(Job),
    /// Analyse a section ahead of its turn and keep the result in the cache
    /// ([`Pipeline::analyse_ahead`]).
    Ahead(Job),
}

/// What a worker did.
enum Done {
    Analysed(Analysed),
    /// A section analysed ahead (or found in the cache already), with its package.
    Ahead {
        package: Option<String>,
    },
}

type Outcome = (u64, std::thread::Result<io::Result<Done>>);

struct Pool {
    /// What the workers share, for what the run learned on the way (files not read).
    shared: Arc<Shared>,
    jobs: Option<Sender<Work>>,
    done: Receiver<Outcome>,
    workers: Vec<JoinHandle<()>>,
}

impl Drop for Pool {
    fn drop(&mut self) {
        // Closing the job channel ends the workers' loops.
        self.jobs = None;
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

impl<'r> Pipeline<'r> {
    pub fn new(
        renderer: &'r mut dyn Renderer,
        locator: Locator,
        config: &Config,
        run: &RunInfo,
        selection: select::Selection,
        profiles: Vec<crate::profile::Profile>,
        declared: Option<Arc<source::declared::Declarations>>,
    ) -> Self {
        let toolchain = run
            .go_version
            .as_deref()
            .and_then(source::module::minor_version);
        let toolchain_source = match (&config.input, &config.go_version) {
            (_, Some(v)) => format!("--go-version {v}"),
            (Input::Build { .. }, None) => format!(
                "toolchain {}",
                run.go_version.as_deref().unwrap_or_default()
            ),
            _ => String::new(),
        };
        let runtime = (!profiles.is_empty()).then(|| {
            crate::profile::join::Runtime::new(profiles, locator.module(), config.thresholds)
        });
        Pipeline {
            runtime,
            renderer,
            selection,
            fail_on: config.fail_on,
            failing: 0,
            locator,
            totals: Totals::default(),
            source: config.source,
            ruled: HashMap::new(),
            target: source::constraint::Target::for_platform(
                config.goos.as_deref(),
                config.goarch.as_deref(),
                &config.tags,
                toolchain,
            ),
            listed: Vec::new(),
            show_external: config.external,
            only: config.only.clone(),
            seen: Default::default(),
            build_files: HashMap::new(),
            declared,
            toolchain,
            toolchain_source,
            pool: None,
            next_seq: 0,
            next_render: 0,
            ready: BTreeMap::new(),
            weights: BTreeMap::new(),
            weight: 0,
            dropper: Dropper::new(),
            built: 0,
            max_package_memory: config.max_package_memory,
            too_large: Vec::new(),
            cache: None,
            replayed: 0,
            analysed: 0,
            ahead: 0,
            survey: Survey::None,
            queued: None,
            queued_built: 0,
            ahead_done: 0,
            ahead_weights: HashMap::new(),
            ahead_lines: 0,
        }
    }

    /// From here on the sections taken are held until [`Pipeline::finish`], then analysed in
    /// the order go printed them before they are reported in their own. Go prints a package
    /// once it is compiled, after the packages it imports: analysed in that order, each
    /// package's facts come from its own index, built for its own section, rather than from
    /// an index built again for the first package (by import path) that imports it. The
    /// results wait in `cache` (the user's, or one of the run's own) for their turn, and are
    /// replayed from it as a warm run's are. Without a cache, or without the source, the
    /// sections are analysed in report order as they come.
    pub fn analyse_ahead(&mut self) {
        if self.source && self.cache.is_some() {
            self.queued = Some(Vec::new());
        }
    }

    /// Starts looking at the directories of the packages `go list` named ([`Survey`]).
    pub fn survey(&mut self) {
        if !self.source {
            return;
        }
        let locator = self.locator.clone();
        let packages: Vec<String> = self.listed.iter().map(|(p, _)| p.clone()).collect();
        let thread = std::thread::Builder::new()
            .name("survey".into())
            .spawn(move || {
                let mut surveyed = Surveyed::default();
                for package in packages {
                    let dir = locator.import_dir(&package);
                    if let Some(d) = &dir
                        && !surveyed.bytes.contains_key(d)
                    {
                        surveyed.bytes.insert(d.clone(), go_source_bytes(d));
                    }
                    surveyed.dirs.insert(package, dir);
                }
                surveyed
            });
        // Without a thread, each is looked at when its section comes.
        if let Ok(thread) = thread {
            self.survey = Survey::Running(thread);
        }
    }

    fn surveyed(&mut self) -> Option<&Surveyed> {
        if let Survey::Running(_) = self.survey
            && let Survey::Running(thread) = std::mem::take(&mut self.survey)
        {
            self.survey = match thread.join() {
                Ok(surveyed) => Survey::Done(surveyed),
                Err(_) => Survey::None,
            };
        }
        match &self.survey {
            Survey::Done(surveyed) => Some(surveyed),
            _ => None,
        }
    }

    /// [`Locator::import_dir`], from the survey when it has the package.
    fn import_dir(&mut self, package: &str) -> Option<PathBuf> {
        if let Some(dir) = self.surveyed().and_then(|s| s.dirs.get(package)) {
            return dir.clone();
        }
        self.locator.import_dir(package)
    }

    /// [`go_source_bytes`], from the survey when it has the directory.
    fn source_bytes(&mut self, dir: Option<&std::path::Path>) -> u64 {
        let Some(dir) = dir else { return 0 };
        if let Some(&bytes) = self.surveyed().and_then(|s| s.bytes.get(dir)) {
            return bytes;
        }
        go_source_bytes(dir)
    }

    /// Takes a section handed over before it was built ([`crate::escape::Reader::finish_pending`]).
    /// When what must be decided here, in order, can be decided from what is known of it
    /// unbuilt, a worker builds it, or replays its findings from the cache without building it
    /// when the renderer needs little of it; otherwise it is built here, as
    /// [`Pipeline::section`] takes it.
    pub fn pending(&mut self, out: &mut dyn Write, pending: Pending) -> io::Result<()> {
        let unbuilt = match pending {
            Pending::Built(section) => return self.section(out, section),
            Pending::Kept(unbuilt) => unbuilt,
        };
        // What `section` decides from the built section, decided here without it:
        // - its directory from its import path (the first thing `section_dir` tries);
        // - a section with a fact has a diagnostic, so it is never one to leave out;
        // - the memory guard, on bounds of its diagnostics and lines: within the limit with
        //   them, within it built. Past it, the section is built to be judged exactly.
        let dir = match (self.source, unbuilt.package()) {
            (false, _) => None,
            (true, Some(package)) => self.import_dir(package),
            (true, None) => None,
        };
        let facts = unbuilt.facts();
        let bound = unbuilt.lines() + facts;
        if facts == 0
            || (self.source && dir.is_none())
            || memory_estimate(facts, bound, self.source_bytes(dir.as_deref()))
                > self.max_package_memory
        {
            return self.section(out, unbuilt.build()?);
        }
        let tests = is_test_variant(unbuilt.variant());
        let source_rules = self.source_rules(dir.as_ref(), tests);
        // A profile's numbers may change a finding's verdict, and so what is shown in full.
        let needs = match self.runtime {
            Some(_) => Needs::All,
            None => self.renderer.needs(),
        };
        self.send(
            out,
            JobSection::Kept { unbuilt, needs },
            dir,
            tests,
            source_rules,
            bound as usize,
        )
    }

    /// Takes a finished section: sends it to a worker, and renders whatever is ready in order.
    pub fn section(&mut self, out: &mut dyn Write, mut section: Section) -> io::Result<()> {
        self.locator.resolve_section(&mut section);
        let unresolved = if self.source { unresolved(&section) } else { 0 };
        self.totals.unresolved += unresolved;
        let mut dir = if self.source {
            self.locator.section_dir(&section)
        } else {
            None
        };
        let weight = lines(&section);
        let diagnostics = section.diagnostics.len() as u64;
        let source_bytes = self.source_bytes(dir.as_deref());
        let need = memory_estimate(diagnostics, weight as u64, source_bytes);
        if need > self.max_package_memory {
            // Guard: past the limit the process would run out of memory and abort with no
            // report. The package is reported without its source (as --no-source would), and
            // the run ends in an error that names it.
            let reported =
                memory_estimate(diagnostics, weight as u64, 0) <= self.max_package_memory;
            self.too_large.push(TooLarge {
                package: section.package.clone().unwrap_or_default(),
                need,
                reported,
            });
            if !reported {
                return Ok(());
            }
            dir = None;
        }
        if section.diagnostics.is_empty()
            && dir.as_ref().is_some_and(|d| self.ruled.contains_key(d))
        {
            // A package the compiler said nothing about, whose source rules have run.
            return Ok(());
        }
        let tests = is_test_variant(section.variant.as_deref());
        let source_rules = self.source_rules(dir.as_ref(), tests);
        self.send(
            out,
            JobSection::Built {
                section,
                unresolved,
            },
            dir,
            tests,
            source_rules,
            weight,
        )
    }

    /// Which of the source-only rules a section's analysis runs; decided in order.
    fn source_rules(&mut self, dir: Option<&PathBuf>, tests: bool) -> classify::SourceRules {
        // Guard: the source rules judge the module's own code; a section that maps to another
        // tree (a test binary's main package, whose inlined lines name GOROOT) is not the
        // user's to change. Both are canonical (Module::find and section_dir canonicalize).
        let inside = |dir: &PathBuf| self.locator.module().is_none_or(|m| m.contains(dir));
        match dir.filter(|d| inside(d)) {
            None => classify::SourceRules::Skip,
            // The package's first section runs them all, with its test files when it is a
            // test variant. When it was not, its test variant (which sorts after it) runs them
            // again for the holders in its test files: a package compiled for its importers
            // and again with its tests gets both, whichever go printed first.
            Some(d) => match self.ruled.get(d) {
                None => {
                    self.ruled.insert(d.clone(), tests);
                    classify::SourceRules::All
                }
                Some(false) if tests => {
                    self.ruled.insert(d.clone(), true);
                    classify::SourceRules::TestFiles
                }
                Some(_) => classify::SourceRules::Skip,
            },
        }
    }

    /// Sends a section of `weight` lines to a worker once there is room for it, and renders
    /// whatever is ready in order.
    fn send(
        &mut self,
        out: &mut dyn Write,
        section: JobSection,
        dir: Option<PathBuf>,
        tests: bool,
        source_rules: classify::SourceRules,
        weight: usize,
    ) -> io::Result<()> {
        if let Some(queued) = &mut self.queued {
            // A section built here is held whole while it waits: past QUEUED_BUILT_LINES, the
            // sections queued are sent, and the rest in report order as they come.
            let built = match section {
                JobSection::Built { .. } => weight,
                JobSection::Kept { .. } => 0,
            };
            if self.queued_built + built <= QUEUED_BUILT_LINES {
                self.queued_built += built;
                queued.push(Queued {
                    section,
                    dir,
                    tests,
                    source_rules,
                    weight,
                });
                return Ok(());
            }
            self.send_queued(out)?;
        }
        while self.next_seq > self.next_render && self.weight + weight > IN_FLIGHT_LINES {
            self.render_next(out)?;
        }
        self.weights.insert(self.next_seq, weight);
        self.weight += weight;
        let job = Job {
            seq: self.next_seq,
            section,
            dir,
            tests,
            source_rules,
        };
        self.next_seq += 1;
        crate::progress::update(
            self.built.max(self.next_seq),
            self.next_render,
            job.section.package().unwrap_or(""),
        );
        self.pool().send(job);
        self.render_ready(out, false)
    }

    /// How printed paths map to files.
    pub fn locator(&self) -> &Locator {
        &self.locator
    }

    /// The target the package files are chosen for.
    pub fn target(&self) -> &source::constraint::Target {
        &self.target
    }

    /// Chooses the package files for `target` instead: before the first section only.
    pub fn set_target(&mut self, target: source::constraint::Target) {
        debug_assert!(
            self.pool.is_none(),
            "the target is set before the first section"
        );
        self.target = target;
    }

    /// Waits for every section sent, and renders them.
    pub fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.send_queued(out)?;
        self.render_ready(out, true)?;
        self.totals.unreadable = self.unreadable().len() as u64;
        Ok(())
    }

    /// The source files of the build that could not be read, in path order.
    pub fn unreadable(&self) -> Vec<crate::source::gofile::Unreadable> {
        self.pool
            .as_ref()
            .map(|p| p.shared.packages.unreadable())
            .unwrap_or_default()
    }

    /// Sends the sections queued ([`Pipeline::analyse_ahead`]): those a worker can analyse on
    /// its own ahead of their turn, then all for their turn. Those taken from here on are
    /// sent as they come.
    fn send_queued(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let Some(queued) = self.queued.take() else {
            return Ok(());
        };
        self.send_ahead(out, &queued)?;
        for q in queued {
            self.send(out, q.section, q.dir, q.tests, q.source_rules, q.weight)?;
        }
        Ok(())
    }

    /// Sends the queued sections a worker can analyse on its own (kept as their lines, with
    /// their package's source) and the cache has no result for, to be analysed and kept in
    /// the cache, in the order go printed
    /// them, as many at a time as [`IN_FLIGHT_LINES`] allows (a large package alone, as in
    /// report order); the same sections, sent after them in report order, are then replayed.
    /// One taken before its analysis ahead has ended waits for it ([`Shared::wait_ahead`]).
    fn send_ahead(&mut self, out: &mut dyn Write, queued: &[Queued]) -> io::Result<()> {
        let mut ahead: Vec<(usize, usize, Job)> = queued
            .iter()
            .filter_map(|q| match &q.section {
                JobSection::Kept { unbuilt, needs } if q.dir.is_some() => Some((
                    unbuilt.read_order(),
                    q.weight,
                    Job {
                        seq: 0,
                        section: JobSection::Kept {
                            unbuilt: unbuilt.clone(),
                            needs: *needs,
                        },
                        dir: q.dir.clone(),
                        tests: q.tests,
                        source_rules: q.source_rules,
                    },
                )),
                _ => None,
            })
            .collect();
        ahead.sort_by_key(|(order, ..)| *order);
        // A package the cache has a result for is replayed for its turn: nothing to do ahead.
        let shared = self.pool().shared.clone();
        ahead.retain(|(_, _, job)| !shared.replays(job));
        // A worker that waits for the facts of a package another builds parses the files of
        // the next packages to be indexed meanwhile.
        let dirs: Vec<PathBuf> = ahead
            .iter()
            .filter(|(_, _, job)| !job.tests)
            .filter_map(|(_, _, job)| job.dir.clone())
            .collect();
        shared.packages.will_index(dirs);
        for (seq, (_, weight, mut job)) in ahead.into_iter().enumerate() {
            while self.ahead_lines > 0 && self.ahead_lines + weight > IN_FLIGHT_LINES {
                // Nothing is sent for its turn yet: what ends is a section analysed ahead.
                self.render_one(out, true)?;
            }
            job.seq = seq as u64;
            self.ahead_weights.insert(job.seq, weight);
            self.ahead_lines += weight;
            self.pool().send_work(Work::Ahead(job));
        }
        // Those still in flight end while the sections are replayed ([`Pipeline::render_one`]).
        Ok(())
    }

    /// The section `seq` among those analysed ahead has been: its lines are no longer in
    /// flight, and the progress line moves on.
    fn note_ahead(&mut self, seq: u64, package: Option<&str>) {
        self.ahead_lines -= self.ahead_weights.remove(&seq).unwrap_or(0);
        self.ahead_done += 1;
        crate::progress::update(
            self.built.max(self.next_seq),
            self.next_render.max(self.ahead_done),
            package.unwrap_or(""),
        );
    }

    /// How many packages were indexed for their facts alone
    /// ([`ModulePackages::indexed_apart`]).
    pub fn indexed_apart(&self) -> u64 {
        self.pool
            .as_ref()
            .map_or(0, |p| p.shared.packages.indexed_apart())
    }

    fn pool(&mut self) -> &Pool {
        if self.pool.is_none() {
            let mut context = crate::cache::KeyHasher::new();
            context
                .debug(&self.locator.module())
                .debug(&self.target)
                .debug(&self.toolchain)
                .part(self.toolchain_source.as_bytes())
                .debug(&self.declared);
            let shared = Arc::new(Shared {
                locator: self.locator.clone(),
                source: self.source,
                // A profile's numbers may change a finding's verdict, and so what is shown in
                // full.
                explained: self.runtime.is_some() || self.renderer.explains_every_finding(),
                cache: self.cache.clone(),
                context: context.finish(),
                module: self.locator.module().cloned(),
                toolchain: self.toolchain,
                toolchain_source: self.toolchain_source.clone(),
                indexes: Mutex::new(HashMap::new()),
                ahead: Mutex::new(Default::default()),
                running_ahead: Mutex::new(Default::default()),
                ahead_ended: std::sync::Condvar::new(),
                parsed: Default::default(),
                packages: ModulePackages::new(
                    self.locator.module().cloned(),
                    self.target.clone(),
                    std::mem::take(&mut self.build_files),
                    self.declared.clone(),
                ),
            });
            self.pool = Some(Pool::start(shared));
        }
        self.pool.as_ref().expect("started above")
    }

    /// Waits for the next section in order, and renders it.
    fn render_next(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let goal = self.next_render + 1;
        while self.next_render < goal && self.next_render < self.next_seq {
            self.render_one(out, true)?;
        }
        Ok(())
    }

    /// Renders the analysed sections that are next in order. Blocks while too many are in
    /// flight, or until all are done with `all`.
    fn render_ready(&mut self, out: &mut dyn Write, all: bool) -> io::Result<()> {
        loop {
            let in_flight = (self.next_seq - self.next_render) as usize;
            if in_flight == 0 {
                return Ok(());
            }
            if !self.render_one(out, all || in_flight >= IN_FLIGHT)? {
                return Ok(());
            }
        }
    }

    /// Takes one result from the workers, or renders the next section when it is there;
    /// false when nothing was ready and `wait` is false.
    fn render_one(&mut self, out: &mut dyn Write, wait: bool) -> io::Result<bool> {
        if !self.ready.contains_key(&self.next_render) {
            let Some(pool) = &self.pool else {
                return Ok(false);
            };
            let outcome = if wait {
                pool.done.recv().ok()
            } else {
                pool.done.try_recv().ok()
            };
            return match outcome {
                Some((seq, Ok(Ok(Done::Analysed(a))))) => {
                    self.ready.insert(seq, a);
                    Ok(true)
                }
                Some((seq, Ok(Ok(Done::Ahead { package })))) => {
                    self.note_ahead(seq, package.as_deref());
                    Ok(true)
                }
                // The section's lines could not be read back.
                Some((_, Ok(Err(e)))) => Err(e),
                // A worker's panic is this run's panic, as if it had happened here.
                Some((_, Err(panic))) => std::panic::resume_unwind(panic),
                None if wait => Err(io::Error::other("the analysis workers stopped")),
                None => Ok(false),
            };
        }
        let a = self.ready.remove(&self.next_render).expect("checked above");
        self.weight -= self.weights.remove(&self.next_render).unwrap_or(0);
        self.next_render += 1;
        crate::progress::update(
            self.built.max(self.next_seq),
            self.next_render.max(self.ahead_done),
            a.section.package.as_deref().unwrap_or(""),
        );
        self.render(out, a)?;
        Ok(true)
    }

    /// Filters, counts and renders one analysed section: in order, since what is reported
    /// first is what a repeat is a repeat of (sections come by import path, then variant, so
    /// that is the same whatever order go printed them in).
    fn render(&mut self, out: &mut dyn Write, a: Analysed) -> io::Result<()> {
        let Analysed {
            section,
            dir,
            files,
            generic,
            index,
            findings,
            came,
            unresolved,
        } = a;
        self.totals.unresolved += unresolved;
        match came {
            Came::Replayed => self.replayed += 1,
            Came::Ahead => {
                self.analysed += 1;
                self.ahead += 1;
            }
            Came::Analysed => self.analysed += 1,
        }
        if section.diagnostics.is_empty() && generic {
            self.totals.uninstantiated += 1;
        }
        if section.diagnostics.is_empty() && findings.is_empty() && self.runtime.is_none() {
            return Ok(());
        }
        let root = self.locator.module().map(|m| m.root.clone());
        let mut findings = self.selection.apply(&section, findings, &files);
        if self.show_external {
            for f in &mut findings {
                f.external = false;
            }
        }
        // Generic code instantiated in several packages, and a package built again as its
        // test variant, report the same fact about the same line more than once: once is
        // enough, in the first section by import path (a package before its test variant).
        let before = findings.len();
        findings.retain(|f| f.site_key().is_none_or(|k| self.seen.insert(k)));
        self.totals.repeated += (before - findings.len()) as u64;
        if let Some(rt) = &mut self.runtime {
            // After the repeats and the filters: the profile's numbers go on what is reported.
            // The package's directory inside the module: lines of its files that the profile
            // names and no finding covers are this package's to report.
            let rel = match (&dir, &root) {
                (Some(d), Some(r)) => d
                    .strip_prefix(r)
                    .ok()
                    .and_then(|p| p.to_str())
                    .map(|p| p.replace('\\', "/")),
                _ => None,
            };
            let added = rt.annotate(rel.as_deref(), &mut findings);
            // The findings of disagreement are filtered like any other.
            let mut added = self.selection.apply(&section, added, &files);
            added.retain(|f| f.site_key().is_none_or(|k| self.seen.insert(k)));
            findings.extend(added);
            rt.rank(&findings);
        }
        if section.diagnostics.is_empty() && findings.is_empty() {
            return Ok(());
        }
        if let Some(level) = self.fail_on {
            // The status follows what is shown: `--verdict stack --fail-on heap` fails on
            // nothing it does not show.
            self.failing += findings
                .iter()
                .filter(|f| f.reported() && f.verdict >= level)
                .filter(|f| self.only.is_empty() || self.only.contains(&f.verdict))
                .count() as u64;
        }
        self.totals.add(&section, &findings);
        // Counted above; not the user's code, so not listed (`--external` lists them).
        findings.retain(|f| !f.external);
        let written = self.renderer.section(out, &section, &findings);
        self.dropper
            .drop_later(Box::new((section, findings, index)));
        written
    }
}

/// Frees what a rendered section held on another thread: a package's diagnostics are
/// millions of small allocations, and freeing them is as much work as reading them, on the
/// thread every section waits for.
struct Dropper {
    to_drop: Option<SyncSender<Box<dyn Send>>>,
    thread: Option<JoinHandle<()>>,
}

impl Dropper {
    fn new() -> Dropper {
        // Bounded: when freeing falls behind, the run waits rather than hold more.
        let (to_drop, inbox) = sync_channel::<Box<dyn Send>>(2);
        let thread = std::thread::Builder::new()
            .name("drop".into())
            .spawn(move || inbox.iter().for_each(drop))
            .ok();
        Dropper {
            to_drop: thread.is_some().then_some(to_drop),
            thread,
        }
    }

    fn drop_later(&self, what: Box<dyn Send>) {
        if let Some(tx) = &self.to_drop {
            // A send fails only when the thread has gone; `what` is then dropped here.
            let _ = tx.send(what);
        }
    }
}

impl Drop for Dropper {
    fn drop(&mut self) {
        self.to_drop = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Pool {
    fn start(shared: Arc<Shared>) -> Pool {
        let (jobs, inbox) = channel::<Work>();
        let (results, done) = channel::<Outcome>();
        let inbox = Arc::new(Mutex::new(inbox));
        let n = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        let workers = (0..n)
            .filter_map(|_| {
                let inbox = inbox.clone();
                let results = results.clone();
                let shared = shared.clone();
                spawn_worker(move || {
                    loop {
                        let Ok(rx) = inbox.lock() else { return };
                        let Ok(work) = rx.recv() else { return };
                        // A package analysed ahead is marked, before the next job is taken, as
                        // having its own index built (an importer taken after it waits for its
                        // facts however far this worker has got) and as being analysed until
                        // it is kept in the cache (its turn, taken after it, waits for it).
                        let (_own, _running) = match &work {
                            Work::Ahead(job) => (
                                job.section
                                    .package()
                                    .filter(|_| !job.tests)
                                    .map(|p| shared.packages.building_own(p)),
                                job.section.read_order().map(|at| shared.running_ahead(at)),
                            ),
                            Work::Analyse(_) => (None, None),
                        };
                        drop(rx);
                        let (seq, outcome) = match work {
                            Work::Analyse(job) => (
                                job.seq,
                                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                    shared.analyse(job).map(Done::Analysed)
                                })),
                            ),
                            Work::Ahead(job) => (
                                job.seq,
                                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                    let package = job.section.package().map(str::to_string);
                                    shared.analyse_ahead(job);
                                    Ok(Done::Ahead { package })
                                })),
                            ),
                        };
                        if results.send((seq, outcome)).is_err() {
                            return;
                        }
                    }
                })
            })
            .collect();
        Pool {
            shared,
            jobs: Some(jobs),
            done,
            workers,
        }
    }

    fn send(&self, job: Job) {
        self.send_work(Work::Analyse(job));
    }

    fn send_work(&self, work: Work) {
        if let Some(jobs) = &self.jobs {
            // A send fails only when every worker has gone, which `render_ready` reports.
            let _ = jobs.send(work);
        }
    }
}

/// The stack of an analysis worker: what a main thread gets. The walks over syntax trees,
/// which recurse once per level of nesting, need no more however deep the code nests: they add
/// stack segments as they go ([`crate::source::stack`]).
const WORKER_STACK: usize = 8 << 20;

/// Starts a worker; None when the system cannot start a thread.
fn spawn_worker<F>(work: F) -> Option<std::thread::JoinHandle<()>>
where
    F: FnOnce() + Send + 'static,
{
    std::thread::Builder::new()
        .name("analyse".into())
        .stack_size(WORKER_STACK)
        .spawn(work)
        .ok()
}

impl Shared {
    /// Replays the section's findings from the cache, or indexes its package (once per
    /// directory), classifies it and keeps the result in the cache. A section still as its
    /// lines is built here when it must be.
    fn analyse(&self, job: Job) -> io::Result<Analysed> {
        if let Some(at) = job.section.read_order() {
            self.wait_ahead(at);
        }
        let key = self.cache.as_ref().and_then(|c| Some((c, self.key(&job)?)));
        if let Some((cache, key)) = key
            && let Some(mut entry) = cache.get(key)
            // Everything the analysis read is as it was: a package whose facts it imported,
            // a file of generic code instantiated in it.
            && cache.still_hold(&entry.deps)
            && (!self.explained || entry.explain())
        {
            let generic = entry.generic;
            let files = std::mem::take(&mut entry.files);
            let sketch = std::mem::take(&mut entry.sketch);
            let (section, unresolved) = match job.section {
                JobSection::Built { section, .. } => (section, 0),
                JobSection::Kept {
                    unbuilt,
                    needs: Needs::All,
                } => self.build(&unbuilt)?,
                JobSection::Kept { unbuilt, .. } => {
                    let unresolved = sketch.unresolved;
                    let section =
                        sketch.section(unbuilt.package(), unbuilt.variant(), unbuilt.digest());
                    (section, unresolved)
                }
            };
            let ahead = self.lock_ahead().contains(&key);
            return Ok(Analysed {
                section,
                dir: job.dir,
                files,
                generic,
                index: None,
                findings: entry.into_findings(),
                came: if ahead { Came::Ahead } else { Came::Replayed },
                unresolved,
            });
        }
        Ok(self.analyse_anew(job, key, true)?.0)
    }

    /// Analyses a section ahead of its turn ([`Pipeline::analyse_ahead`]) and keeps the result
    /// in the cache, unless the cache has an entry for it already (one written since it was
    /// sent, by another run: it is checked for its turn).
    /// A section that cannot be analysed here is for its turn to report.
    fn analyse_ahead(&self, job: Job) {
        let Some((cache, key)) = self.cache.as_ref().and_then(|c| Some((c, self.key(&job)?)))
        else {
            return;
        };
        if cache.has(key) {
            return;
        }
        if let Ok((_, true)) = self.analyse_anew(job, Some((cache, key)), false) {
            self.lock_ahead().insert(key);
        }
    }

    /// Whether the cache has a result for the job: it is replayed, not analysed.
    fn replays(&self, job: &Job) -> bool {
        self.cache
            .as_ref()
            .zip(self.key(job))
            .is_some_and(|(cache, key)| cache.has(key))
    }

    fn lock_ahead(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<u128>> {
        self.ahead.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Marks the section at `at` in the input as being analysed ahead of its turn, until the
    /// mark is dropped.
    fn running_ahead(&self, at: usize) -> RunningAhead<'_> {
        self.lock_running().insert(at);
        RunningAhead { shared: self, at }
    }

    /// Waits while the section at `at` is being analysed ahead of its turn.
    fn wait_ahead(&self, at: usize) {
        let mut running = self.lock_running();
        while running.contains(&at) {
            running = self
                .ahead_ended
                .wait(running)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    fn lock_running(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<usize>> {
        self.running_ahead.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Builds the section if need be, indexes its package and classifies it, and keeps the
    /// result under `key`; whether it was kept. Without `give_back` the findings kept are not
    /// given back (an analysis ahead of its turn drops them).
    fn analyse_anew(
        &self,
        job: Job,
        key: Option<(&Arc<crate::cache::ResultCache>, u128)>,
        give_back: bool,
    ) -> io::Result<(Analysed, bool)> {
        // The section's diagnostics that name no file found, and how many of them are still
        // to be counted (those of a section built here).
        let (section, unresolved, count) = match job.section {
            JobSection::Built {
                section,
                unresolved,
            } => (section, unresolved, 0),
            JobSection::Kept { unbuilt, .. } => {
                let (section, unresolved) = self.build(&unbuilt)?;
                (section, unresolved, unresolved)
            }
        };
        let job = Built {
            section,
            dir: job.dir,
            tests: job.tests,
            source_rules: job.source_rules,
        };
        if self.cache.is_none() {
            let mut a = self.classify(job);
            a.unresolved = count;
            return Ok((a, false));
        }
        // With the cache, every analysis records what it reads, even one that is not kept:
        // an index or facts it builds are shared with those that are.
        let (mut a, read) = source::deps::record(|| self.classify(job));
        a.unresolved = count;
        if let Some((cache, key)) = key
            // An analysis that could not read a file is reported with a warning, and is done
            // again next time rather than replayed without one.
            && !read.any_unreadable()
            // A run's own cache keeps what is analysed ahead of its turn, for its turn.
            && !(give_back && cache.is_this_runs())
        {
            // A run's own cache is read in this run alone, while what the analysis read is as
            // it was: nothing to check it against.
            let deps = match cache.is_this_runs() {
                true => source::deps::Kept::default(),
                false => read.kept(&mut |id, kept| cache.keep_read(id, kept)),
            };
            let sketch = crate::cache::Sketch::of(&a.section, &a.findings, unresolved);
            let mut entry = crate::cache::Entry::new(
                deps,
                a.generic,
                std::mem::take(&mut a.files),
                std::mem::take(&mut a.findings),
                sketch,
            );
            cache.put(key, &entry);
            if give_back {
                a.files = std::mem::take(&mut entry.files);
                a.findings = entry.into_findings();
            }
            return Ok((a, true));
        }
        Ok((a, false))
    }

    /// Builds a section kept as its lines, resolves its paths, and counts its diagnostics that
    /// name no file found (as [`Pipeline::section`] does on the main thread).
    fn build(&self, unbuilt: &Unbuilt) -> io::Result<(Section, u64)> {
        let mut section = unbuilt.build()?;
        self.locator
            .resolve_section_with(&mut Default::default(), &mut section);
        let unresolved = if self.source { unresolved(&section) } else { 0 };
        Ok((section, unresolved))
    }

    /// The cache key of a job: everything its analysis is given. None for a section whose
    /// lines were not kept (it cannot be told from another), and for one analysed without
    /// its source (`--no-source`, a package not found): that is no more work than reading it
    /// again, and a generated package of millions of values would fill the cache.
    fn key(&self, job: &Job) -> Option<u128> {
        let digest = job.section.digest()?;
        job.dir.as_ref()?;
        let cache = self.cache.as_ref()?;
        let mut k = cache.key();
        k.part(&self.context.to_le_bytes())
            .part(&digest.to_le_bytes())
            .debug(&job.section.package())
            .debug(&job.section.variant())
            .debug(&job.dir)
            .debug(&job.tests)
            .debug(&job.source_rules);
        // The files go lists for the package, part by part: a large package lists hundreds.
        match job.dir.as_deref().and_then(|d| self.packages.listed(d)) {
            None => {
                k.part(b"not listed");
            }
            Some((files, test_files)) => {
                k.part(b"listed");
                for list in [files, test_files] {
                    k.part(&(list.len() as u64).to_le_bytes());
                    for f in list {
                        k.part(f.as_bytes());
                    }
                }
            }
        }
        Some(k.finish())
    }

    /// Indexes the section's package (once per directory) and classifies the section.
    fn classify(&self, job: Built) -> Analysed {
        let Built {
            mut section,
            dir,
            tests,
            source_rules,
        } = job;
        let index = dir
            .as_ref()
            .map(|dir| self.index(dir.clone(), tests, section.package.as_deref()));
        let opts = classify::Options {
            root: self.module.as_ref().map(|m| m.root.as_path()),
            toolchain: self.toolchain,
            toolchain_source: self.toolchain_source.clone(),
            module: self.module.as_ref(),
            source_rules,
            parsed: Some(&self.parsed),
        };
        let wrappers = classify::set_aside_wrapper_flows(&mut section);
        let findings = classify::classify(&section, index.as_deref(), &opts);
        classify::restore_wrapper_flows(&mut section, wrappers);
        if !tests && let Some(dir) = &dir {
            // Only a test build shares a directory between sections (the package's tests and
            // its external test package): an index without test files is not asked for again,
            // and its syntax trees are the largest thing a run holds.
            self.forget(dir);
        }
        let root = self.module.as_ref().map(|m| m.root.as_path());
        Analysed {
            section,
            dir,
            files: index
                .as_deref()
                .map(|ix| select::file_marks(ix, root))
                .unwrap_or_default(),
            generic: index.as_ref().is_some_and(|ix| ix.generic),
            index,
            findings,
            came: Came::Analysed,
            unresolved: 0,
        }
    }

    fn forget(&self, dir: &std::path::Path) {
        let mut cache = self.indexes.lock().unwrap_or_else(|e| e.into_inner());
        cache.remove(&(dir.to_path_buf(), false));
    }

    /// The index of a package directory (with its test files when `tests`), built once while
    /// sections of it are in flight. Built without its tests for `package`'s own section, its
    /// facts are offered to the packages that import it, which would otherwise index it again.
    fn index(&self, dir: PathBuf, tests: bool, package: Option<&str>) -> Arc<PackageIndex> {
        let key = (dir, tests);
        let cell = {
            let mut cache = self.indexes.lock().unwrap_or_else(|e| e.into_inner());
            // A package's output comes in one section (twice with a test variant): keep only
            // a few indexes, so memory follows a few packages, not the whole build.
            if cache.len() >= IN_FLIGHT && !cache.contains_key(&key) {
                cache.clear();
            }
            cache.entry(key.clone()).or_default().clone()
        };
        let (dir, tests) = key;
        let (index, read) = cell.get_or_init(|| {
            // Until its facts are offered, a package importing it waits for them.
            let _own = package
                .filter(|_| !tests)
                .map(|p| self.packages.building_own(p));
            let (index, read) = source::deps::record_if(source::deps::recording(), || {
                self.packages.index(&dir, tests)
            });
            if !tests && let Some(package) = package {
                self.packages
                    .offer_facts(package, &dir, &index, read.clone());
            }
            (Arc::new(index), read)
        });
        // Built by another section's analysis, read for this one's too.
        if let Some(read) = read {
            source::deps::extend(read);
        }
        index.clone()
    }
}

/// A section's size in the compiler's lines: its facts and their flow steps.
/// A package over `--max-package-memory`: its import path and the estimate.
#[derive(Debug, Clone)]
pub struct TooLarge {
    pub package: String,
    pub need: u64,
    /// Reported without its source (else not at all: its diagnostics alone are too many).
    pub reported: bool,
}

/// Memory per diagnostic a package's section takes to read and classify, its finding
/// included (measured on a package of 250,000 one-line diagnostics: 378 MB).
const BYTES_PER_DIAGNOSTIC: u64 = 1400;
/// Memory per line of a `-m=2` explanation (measured on `go/types`: 454,599 lines for 3,526
/// diagnostics, 161 MB without the source).
const BYTES_PER_FLOW_LINE: u64 = 330;
/// Memory per byte of Go source a package's index takes: syntax trees and facts (measured: a
/// generated file of 12 MB, 844 MB; `go/types`, 1.1 MB of source, 98 MB).
const BYTES_PER_SOURCE_BYTE: u64 = 90;

/// The size of the Go files in `dir`: the package's source, as far as an estimate goes.
fn go_source_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "go"))
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// What analysing a section of `diagnostics` diagnostics and `lines` lines (see [`lines`]) is
/// estimated to take: its diagnostics and explanation lines, and `source` bytes of Go files
/// (the package's, when its source is read; [`go_source_bytes`]), from their sizes alone. It
/// grows with each.
fn memory_estimate(diagnostics: u64, lines: u64, source: u64) -> u64 {
    // A diagnostic costs BYTES_PER_DIAGNOSTIC in all, its own line included.
    let flow_lines = lines.saturating_sub(diagnostics);
    diagnostics
        .saturating_mul(BYTES_PER_DIAGNOSTIC)
        .saturating_add(flow_lines.saturating_mul(BYTES_PER_FLOW_LINE))
        .saturating_add(source.saturating_mul(BYTES_PER_SOURCE_BYTE))
}

/// Whether a section's variant compiles the package's _test.go files too (`go vet`'s does not).
fn is_test_variant(variant: Option<&str>) -> bool {
    variant.is_some_and(|v| v != "vet")
}

/// A section's diagnostics that name a Go file of the build that was not found.
fn unresolved(section: &Section) -> u64 {
    section
        .diagnostics
        .iter()
        .filter_map(|d| d.position.as_ref())
        .filter(|p| {
            p.path.is_none()
                && p.file.ends_with(".go")
                && !p.file.starts_with(['<', '/', '$'])
                && !p.file.contains(":\\")
                && !p.file.starts_with("_cgo_")
                // go's generated test main, in no directory the user has.
                && &*p.file != "_testmain.go"
        })
        .count() as u64
}

fn lines(section: &Section) -> usize {
    section
        .diagnostics
        .iter()
        .map(|d| {
            1 + d
                .explanations
                .iter()
                .map(|e| 1 + e.flows.iter().map(|f| 1 + f.steps.len()).sum::<usize>())
                .sum::<usize>()
        })
        .sum()
}
