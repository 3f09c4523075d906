//! The facts the module's packages tell the packages that import them, built on demand from
//! their source and kept for the run: what each exported function keeps of its parameters in
//! its package's variables (see [`crate::source::index::PackageFacts`]).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::constraint::Target;
use super::declared::Declarations;
use super::deps::Read;
use super::gofile::Unreadable;
use super::index::{ModuleFacts, PackageFacts, PackageIndex};
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
        match self.build_files.get(dir) {
            Some((files, test_files)) => {
                let mut names: Vec<&str> = files.iter().map(String::as_str).collect();
                if tests {
                    names.extend(test_files.iter().map(String::as_str));
                }
                PackageIndex::build_listed(dir, &names, self)
            }
            None => PackageIndex::build_with(dir, tests, &self.target, self),
        }
    }
}

impl ModuleFacts for ModulePackages {
    fn declared(&self) -> Option<Arc<Declarations>> {
        self.declared.clone()
    }

    fn facts(&self, import_path: &str) -> Option<Arc<PackageFacts>> {
        if let Some((f, read)) = self
            .facts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(import_path)
        {
            if let Some(read) = read {
                super::deps::extend(read);
            }
            return f.clone();
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
