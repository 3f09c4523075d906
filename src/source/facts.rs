//! The facts the module's packages tell the packages that import them, built on demand from
//! their source and kept for the run: what each exported function keeps of its parameters in
//! its package's variables (see [`crate::source::index::PackageFacts`]).

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::ThreadId;

use super::constraint::Target;
use super::declared::Declarations;
use super::deps::Read;
use super::gofile::Unreadable;
use super::index::{ModuleFacts, PackageFacts, PackageIndex, Parsed};
use super::module::Module;

/// The module's packages, as facts, built once each by the first package that imports one.
pub struct ModulePackages {
    module: Option<Module>,
    /// The other modules of the workspace (go.work) the main module is in: their code is the
    /// user's too.
    workspace: Vec<Module>,
    target: Target,
    /// Directory -> (files, test files) in the build, when `go list` said.
    build_files: HashMap<PathBuf, (Vec<String>, Vec<String>)>,
    /// Import path -> its facts (none for a path outside the module or with no Go files).
    /// Never dropped: facts are small. With what building them read, which counts as read by
    /// every package that uses them.
    facts: Mutex<HashMap<String, FactsRead>>,
    /// Every source file an index could not read, for the report to name.
    unreadable: Mutex<BTreeSet<Unreadable>>,
    /// What escape-explain.toml declares.
    declared: Option<Arc<Declarations>>,
    /// How many packages were indexed for their facts alone: indexed again if their own
    /// section is analysed too.
    apart: std::sync::atomic::AtomicU64,
    /// The packages whose own index is being built, on which thread, and which thread waits
    /// for which.
    owners: Mutex<Owners>,
    /// The directories to be indexed next, and their files parsed ahead by a thread that would
    /// otherwise wait for facts ([`ModulePackages::wait_for_own`]).
    ahead: Mutex<ParseAhead>,
}

/// How many bytes of source the files parsed ahead hold before no more are parsed ahead (the
/// last package parsed may take them past it): a syntax tree is many times its source, and
/// what is parsed ahead waits until its package is indexed.
const AHEAD_BYTES: usize = 2 << 20;

/// Packages parsed ahead of their index. While one package's own index is built (the runtime,
/// which nearly every package of the standard library waits for, took 0.45 s of a cold run),
/// a thread waiting for its facts parses the files of the packages next in line: parsing is
/// a third of a cold run, and none of it needs facts.
#[derive(Default)]
struct ParseAhead {
    /// The directories the pipeline will index, in the order it will (without test files).
    next: VecDeque<PathBuf>,
    /// Directories whose index has started, or whose files a thread parses ahead: not parsed
    /// ahead (again).
    taken: HashSet<PathBuf>,
    /// Directories whose index has started: what is parsed ahead for them now is not kept.
    started: HashSet<PathBuf>,
    parsed: HashMap<PathBuf, (Parsed, Arc<Read>)>,
    /// The source bytes `parsed` holds.
    bytes: usize,
    /// How many packages' files were parsed ahead and taken by their index (for the tests).
    used: u64,
}

/// Own indexes being built, by import path, and the threads waiting for one: a package's
/// facts are waited for while another thread builds its own index, rather than built apart,
/// unless that thread waits (through others) for this one. Go has no import cycles, but a
/// hostile tree can.
#[derive(Default)]
struct Owners {
    building: HashMap<String, (ThreadId, Arc<OnceLock<()>>)>,
    /// Which thread each waiting thread waits for, and the end it waits for: once that end
    /// is set, the waiting thread is about to go on, whether or not it has yet.
    waits: HashMap<ThreadId, (ThreadId, Arc<OnceLock<()>>)>,
}

/// A package's own index being built on this thread ([`ModulePackages::building_own`]):
/// those waiting for its facts go on when it is dropped.
pub struct OwnBuild<'a> {
    packages: &'a ModulePackages,
    import_path: String,
    done: Arc<OnceLock<()>>,
}

impl Drop for OwnBuild<'_> {
    fn drop(&mut self) {
        let mut owners = self.packages.lock_owners();
        if owners
            .building
            .get(&self.import_path)
            .is_some_and(|(_, done)| Arc::ptr_eq(done, &self.done))
        {
            owners.building.remove(&self.import_path);
        }
        let _ = self.done.set(());
    }
}

/// A package's facts (none outside the module or without Go files), and what building them
/// read.
type FactsRead = (Option<Arc<PackageFacts>>, Option<Arc<Read>>);

thread_local! {
    /// The packages whose facts this thread is building: a cycle (not valid Go, but a
    /// hostile tree can have one) gets no facts rather than a deadlock or endless recursion.
    static BUILDING: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl ModulePackages {
    pub fn new(
        module: Option<Module>,
        target: Target,
        build_files: HashMap<PathBuf, (Vec<String>, Vec<String>)>,
        declared: Option<Arc<Declarations>>,
    ) -> ModulePackages {
        let workspace = module
            .as_ref()
            .and_then(|m| {
                m.workspace
                    .as_ref()
                    .map(|(_, roots)| (m.root.clone(), roots.clone()))
            })
            .map(|(main, roots)| {
                roots
                    .iter()
                    .filter(|r| **r != main)
                    .filter_map(|r| Module::find(r))
                    .collect()
            })
            .unwrap_or_default();
        ModulePackages {
            module,
            workspace,
            target,
            build_files,
            facts: Mutex::new(HashMap::new()),
            unreadable: Mutex::new(BTreeSet::new()),
            declared,
            apart: Default::default(),
            owners: Default::default(),
            ahead: Default::default(),
        }
    }
}

impl ModulePackages {
    /// Indexes a package directory (with its test files when `tests`): the files the build
    /// lists when `go list` said, else those in the build for the target; with the facts of
    /// the packages it imports.
    pub fn index(&self, dir: &Path, tests: bool) -> PackageIndex {
        let index = self.index_files(dir, tests);
        if !index.unreadable.is_empty() {
            self.unreadable
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(index.unreadable.iter().cloned());
        }
        index
    }

    /// Takes the facts of `import_path` from its index built for its own section (without its
    /// tests), with what building it read, unless they are known already: a package that
    /// imports it later takes them rather than index it again. Only when `dir` is where
    /// [`ModuleFacts::facts`] would look for the package.
    pub fn offer_facts(
        &self,
        import_path: &str,
        dir: &Path,
        index: &PackageIndex,
        read: Option<Arc<Read>>,
    ) {
        let known = |s: &Self| {
            s.facts
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains_key(import_path)
        };
        if known(self) || self.package_dir(import_path).as_deref() != Some(dir) {
            return;
        }
        let facts = (!index.files.is_empty()).then(|| Arc::new(index.facts()));
        self.facts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(import_path.to_string())
            .or_insert((facts, read));
    }

    /// Marks `import_path`'s own index as being built on this thread until the guard is
    /// dropped (after [`ModulePackages::offer_facts`]): a package importing it, analysed on
    /// another thread meanwhile, waits for its facts rather than index it again. Marked again
    /// by the same thread (the worker, then the index), the marks share one end: the first
    /// guard dropped lets the waiting go on.
    pub fn building_own(&self, import_path: &str) -> OwnBuild<'_> {
        let me = std::thread::current().id();
        let mut owners = self.lock_owners();
        let done = match owners.building.get(import_path) {
            Some((owner, done)) if *owner == me => done.clone(),
            _ => {
                let done = Arc::new(OnceLock::new());
                owners
                    .building
                    .insert(import_path.to_string(), (me, done.clone()));
                done
            }
        };
        drop(owners);
        OwnBuild {
            packages: self,
            import_path: import_path.to_string(),
            done,
        }
    }

    fn lock_owners(&self) -> std::sync::MutexGuard<'_, Owners> {
        self.owners.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits while another thread builds `import_path`'s own index, unless that thread waits
    /// for this one; whether it waited.
    fn wait_for_own(&self, import_path: &str) -> bool {
        let me = std::thread::current().id();
        let done = {
            let mut owners = self.lock_owners();
            let Some((owner, done)) = owners.building.get(import_path) else {
                return false;
            };
            let (owner, done) = (*owner, done.clone());
            // Each thread waits for one other at most: follow the chain from the owner.
            let mut next = Some(owner);
            while let Some(t) = next {
                if t == me {
                    return false;
                }
                // A thread whose wait has ended waits for no one (it has yet to say so: under
                // load it may not have run since).
                next = owners
                    .waits
                    .get(&t)
                    .filter(|(_, end)| end.get().is_none())
                    .map(|(owner, _)| *owner);
            }
            owners.waits.insert(me, (owner, done.clone()));
            done
        };
        // Meanwhile this thread parses the files of the packages next in line, one package at
        // a time, as long as the other is still building.
        while done.get().is_none() && self.parse_next() {}
        done.wait();
        self.lock_owners().waits.remove(&me);
        true
    }

    /// The facts of `import_path` when they are known, counted as read here.
    fn known(&self, import_path: &str) -> Option<Option<Arc<PackageFacts>>> {
        let facts = self.facts.lock().unwrap_or_else(|e| e.into_inner());
        let (f, read) = facts.get(import_path)?;
        if let Some(read) = read {
            super::deps::extend(read);
        }
        Some(f.clone())
    }

    /// How many packages were indexed for their facts alone, rather than taken from the
    /// index of their own section ([`ModulePackages::offer_facts`]).
    pub fn indexed_apart(&self) -> u64 {
        self.apart.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The directory of a package of the module (or workspace), when there is one.
    fn package_dir(&self, import_path: &str) -> Option<PathBuf> {
        self.module
            .iter()
            .chain(&self.workspace)
            .find_map(|m| m.package_dir(import_path).filter(|d| d.is_dir()))
    }

    /// The files `go list` named for `dir` (and its test files), when it did.
    pub fn listed(&self, dir: &Path) -> Option<&(Vec<String>, Vec<String>)> {
        self.build_files.get(dir)
    }

    /// The source files indexes could not read so far, in path order.
    pub fn unreadable(&self) -> Vec<Unreadable> {
        self.unreadable
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    fn index_files(&self, dir: &Path, tests: bool) -> PackageIndex {
        let parsed = match tests {
            false => self.parsed_ahead(dir),
            true => None,
        };
        let parsed = parsed.unwrap_or_else(|| self.parse_files(dir, tests));
        PackageIndex::from_parsed(dir, parsed, self)
    }

    /// The files of `dir` in the build, parsed: those `go list` named, else those the target
    /// builds.
    fn parse_files(&self, dir: &Path, tests: bool) -> Parsed {
        match self.build_files.get(dir) {
            Some((files, test_files)) => {
                let mut names: Vec<&str> = files.iter().map(String::as_str).collect();
                if tests {
                    names.extend(test_files.iter().map(String::as_str));
                }
                PackageIndex::parse_listed(dir, &names)
            }
            None => PackageIndex::parse_dir(dir, tests, &self.target),
        }
    }

    /// The directories the pipeline will index next, in that order (their own sections,
    /// without test files): what a waiting thread parses ahead.
    pub fn will_index(&self, dirs: impl IntoIterator<Item = PathBuf>) {
        self.lock_ahead().next.extend(dirs);
    }

    /// The files of `dir` parsed ahead, if they were (counted as read here); the index of
    /// `dir` has started either way.
    fn parsed_ahead(&self, dir: &Path) -> Option<Parsed> {
        let mut ahead = self.lock_ahead();
        ahead.taken.insert(dir.to_path_buf());
        ahead.started.insert(dir.to_path_buf());
        let (parsed, read) = ahead.parsed.remove(dir)?;
        ahead.bytes -= source_bytes(&parsed);
        ahead.used += 1;
        drop(ahead);
        super::deps::extend(&read);
        Some(parsed)
    }

    /// Parses the files of the next directory to be indexed that no thread has taken, and
    /// keeps them for its index; false when there is none, or enough is kept.
    fn parse_next(&self) -> bool {
        let dir = {
            let mut ahead = self.lock_ahead();
            if ahead.bytes >= AHEAD_BYTES {
                return false;
            }
            loop {
                let Some(dir) = ahead.next.pop_front() else {
                    return false;
                };
                if ahead.taken.insert(dir.clone()) {
                    break dir;
                }
            }
        };
        // What parsing reads is the package's, counted by its index: none of the analysis
        // this thread waits in. A parse that panics is left to the package's own analysis,
        // which parses again (and reports it as its own); this thread goes back to waiting.
        let parse = || super::deps::record_apart(|| self.parse_files(&dir, false));
        let Ok((parsed, read)) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse))
        else {
            return false;
        };
        let mut ahead = self.lock_ahead();
        if !ahead.started.contains(&dir) {
            ahead.bytes += source_bytes(&parsed);
            ahead.parsed.insert(dir, (parsed, read));
        }
        true
    }

    fn lock_ahead(&self) -> std::sync::MutexGuard<'_, ParseAhead> {
        self.ahead.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn source_bytes((files, _): &Parsed) -> usize {
    files.iter().map(|f| f.text.len()).sum()
}

impl ModuleFacts for ModulePackages {
    fn declared(&self) -> Option<Arc<Declarations>> {
        self.declared.clone()
    }

    fn facts(&self, import_path: &str) -> Option<Arc<PackageFacts>> {
        if let Some(f) = self.known(import_path) {
            return f;
        }
        // Asked again whether or not it waited: the package's own index may have been built,
        // its facts offered and its mark dropped since they were first asked for.
        self.wait_for_own(import_path);
        if let Some(f) = self.known(import_path) {
            return f;
        }
        let dir = self.package_dir(import_path)?;
        let cyclic = BUILDING.with(|b| {
            let mut b = b.borrow_mut();
            if b.iter().any(|p| p == import_path) || b.len() > 32 {
                return true;
            }
            b.push(import_path.to_string());
            false
        });
        if cyclic {
            return None;
        }
        self.apart
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // Built outside the lock: two workers may both build one package's facts, but never
        // wait on each other.
        // What building them reads is recorded when the package asking is (for the cache).
        let (index, read) =
            super::deps::record_if(super::deps::recording(), || self.index(&dir, false));
        BUILDING.with(|b| b.borrow_mut().pop());
        let facts = (!index.files.is_empty()).then(|| Arc::new(index.facts()));
        self.facts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(import_path.to_string())
            .or_insert((facts, read))
            .0
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packages() -> ModulePackages {
        ModulePackages::new(
            None,
            Target::for_platform(Some("linux"), Some("amd64"), &[], None),
            HashMap::new(),
            None,
        )
    }

    fn offer(packages: &ModulePackages, import_path: &str) {
        packages
            .facts
            .lock()
            .unwrap()
            .insert(import_path.to_string(), (None, None));
    }

    #[test]
    fn facts_asked_for_while_another_thread_builds_the_package_own_index_are_waited_for() {
        let packages = packages();
        let own = packages.building_own("example.com/m/store");
        std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                let waited = packages.wait_for_own("example.com/m/store");
                (waited, packages.known("example.com/m/store").is_some())
            });
            // The facts are offered, then the build ends.
            while packages.lock_owners().waits.is_empty() {
                std::thread::yield_now();
            }
            offer(&packages, "example.com/m/store");
            drop(own);
            assert_eq!(waiter.join().unwrap(), (true, true));
        });
        assert!(packages.lock_owners().building.is_empty());
        assert!(packages.lock_owners().waits.is_empty());
        // Nothing is being built: nothing to wait for.
        assert!(!packages.wait_for_own("example.com/m/store"));
    }

    #[test]
    fn marked_twice_by_one_thread_the_first_mark_dropped_lets_the_waiting_go_on() {
        let packages = &packages();
        // The worker's mark, then a package importing it waits.
        let outer = packages.building_own("p");
        std::thread::scope(|s| {
            let (woke, woken) = std::sync::mpsc::channel();
            s.spawn(move || {
                let waited = packages.wait_for_own("p");
                woke.send(waited).unwrap();
            });
            while packages.lock_owners().waits.is_empty() {
                std::thread::yield_now();
            }
            // The index's mark ends once the facts are offered, before the worker's.
            drop(packages.building_own("p"));
            let waited = woken.recv_timeout(std::time::Duration::from_secs(10));
            drop(outer);
            assert_eq!(
                waited,
                Ok(true),
                "the waiting went on only with the worker's mark"
            );
        });
        assert!(packages.lock_owners().building.is_empty());
    }

    #[test]
    fn a_thread_never_waits_for_one_that_waits_for_it() {
        // An import cycle (a hostile tree): each thread builds one package's own index and
        // asks for the other's facts.
        let packages = &packages();
        std::thread::scope(|s| {
            let (a_started, a_ready) = std::sync::mpsc::channel();
            let (b_started, b_ready) = std::sync::mpsc::channel();
            let a = s.spawn(move || {
                let _own = packages.building_own("p");
                a_started.send(std::thread::current().id()).unwrap();
                b_ready.recv().unwrap();
                packages.wait_for_own("q")
            });
            let b = s.spawn(move || {
                let a_id = a_ready.recv().unwrap();
                let own = packages.building_own("q");
                b_started.send(()).unwrap();
                while !packages.lock_owners().waits.contains_key(&a_id) {
                    std::thread::yield_now();
                }
                // `a` waits for this thread: this one builds `p`'s facts apart instead.
                let waited = packages.wait_for_own("p");
                drop(own);
                waited
            });
            assert!(!b.join().unwrap());
            assert!(a.join().unwrap());
        });
        // A thread does not wait for itself either.
        let _own = packages.building_own("r");
        assert!(!packages.wait_for_own("r"));
    }

    /// A thread whose wait has ended (the package it waited for is built) but that has not run
    /// since, under load, still looks like it waits: it is not taken for a cycle.
    #[test]
    fn a_thread_whose_wait_has_ended_is_not_taken_for_one_that_waits() {
        let packages = &packages();
        let me = std::thread::current().id();
        std::thread::scope(|s| {
            let (marked, is_marked) = std::sync::mpsc::channel();
            let (go_on, may_go_on) = std::sync::mpsc::channel::<()>();
            let b = s.spawn(move || {
                let own = packages.building_own("q");
                // `b` waited for this thread's `p`, which has been built since: its wait
                // ended, and it has yet to remove it.
                let ended = Arc::new(OnceLock::new());
                ended.set(()).unwrap();
                packages
                    .lock_owners()
                    .waits
                    .insert(std::thread::current().id(), (me, ended));
                marked.send(()).unwrap();
                let _ = may_go_on.recv();
                drop(own);
            });
            is_marked.recv().unwrap();
            let asked = std::sync::atomic::AtomicBool::new(false);
            let waited = std::thread::scope(|s2| {
                s2.spawn(|| {
                    // Once this thread waits (or has not), `b` goes on.
                    while !packages.lock_owners().waits.contains_key(&me)
                        && !asked.load(std::sync::atomic::Ordering::SeqCst)
                    {
                        std::thread::yield_now();
                    }
                    go_on.send(()).unwrap();
                });
                let waited = packages.wait_for_own("q");
                asked.store(true, std::sync::atomic::Ordering::SeqCst);
                waited
            });
            b.join().unwrap();
            // This thread waited for `q` rather than build its facts apart.
            assert!(waited);
        });
    }

    /// A thread that waits for the facts of a package another thread builds parses the files
    /// of the next package to be indexed meanwhile; that package's index takes them, is the
    /// index built without them, and counts what parsing them read, which the analysis the
    /// thread waited in does not.
    #[test]
    fn a_waiting_thread_parses_the_next_package_for_its_index() {
        use super::super::deps::{Dep, record};
        let tmp = tempfile::tempdir().unwrap();
        let next = tmp.path().join("next");
        std::fs::create_dir(&next).unwrap();
        std::fs::write(
            next.join("next.go"),
            "package next\n\nvar kept []*int\n\n// Keep keeps v.\nfunc Keep(v *int) { kept = append(kept, v) }\n",
        )
        .unwrap();
        std::fs::write(
            next.join("other_windows.go"),
            "package next\n\nfunc Win() {}\n",
        )
        .unwrap();
        // Enough files to be parsed on several threads, each recording what it reads.
        for n in 0..4 {
            std::fs::write(
                next.join(format!("more{n}.go")),
                format!("package next\n\nfunc More{n}() {{}}\n"),
            )
            .unwrap();
        }
        let fresh = packages().index(&next, false);
        let packages = &packages();
        packages.will_index([next.clone()]);
        let own = packages.building_own("example.com/m/base");
        let waited_read = std::thread::scope(|s| {
            let waiter = s.spawn(|| record(|| packages.wait_for_own("example.com/m/base")));
            // The build goes on until the waiting thread has parsed the next package.
            let start = std::time::Instant::now();
            while !packages.lock_ahead().parsed.contains_key(&next) {
                assert!(start.elapsed().as_secs() < 30, "nothing was parsed ahead");
                std::thread::yield_now();
            }
            offer(packages, "example.com/m/base");
            drop(own);
            let (waited, read) = waiter.join().unwrap();
            assert!(waited);
            read
        });
        let is_next = |d: &Dep| match d {
            Dep::File(p, ..) | Dep::Dir(p, _) => p.starts_with(&next),
        };
        assert!(
            !waited_read.flatten().iter().any(is_next),
            "{:?}",
            waited_read.flatten()
        );
        let (ahead, read) = record(|| packages.index(&next, false));
        assert_eq!(packages.lock_ahead().used, 1);
        assert_eq!(packages.lock_ahead().bytes, 0);
        // Every file parsed, on whichever thread, is counted as read by the index.
        let read = read.flatten();
        for f in &ahead.files {
            assert!(
                read.iter()
                    .any(|d| matches!(d, Dep::File(p, Some(_), _) if *p == f.path)),
                "{} not in {read:?}",
                f.path.display()
            );
        }
        assert_eq!(
            ahead.files.len(),
            5,
            "the file of another platform is left out"
        );
        let names = |ix: &PackageIndex| -> Vec<String> {
            ix.functions.iter().map(|f| f.name.clone()).collect()
        };
        assert_eq!(names(&ahead), names(&fresh));
        assert_eq!(
            format!("{:?}", ahead.facts()),
            format!("{:?}", fresh.facts())
        );
        // Parsed once: indexed again, it is parsed again.
        packages.index(&next, false);
        assert_eq!(packages.lock_ahead().used, 1);
    }
}
