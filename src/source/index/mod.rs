//! The package index: what a Go package keeps for the life of the process and how it lets go.
//!
//! For one package directory it records the package-level variables (with their kind), the
//! functions, methods and closures (with the compiler's names for them and whether they run
//! once or many times), and every *effect* on a package-level variable: each statement that
//! adds to it (insert, append, send, assign, push) or releases from it (delete, clear, truncate,
//! reset, receive, pop), and each call to an API that keeps what it is given (http.HandleFunc,
//! time.AfterFunc, signal.Notify, ...).

use crate::source::syntax::Syntax;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use tree_sitter::Node;

use super::constraint::{Target, in_build};
use super::declared::Declarations;
use super::gofile::{GoFile, Unreadable, parser};
use super::owner::Owner;
use super::pin::Pin;

mod bindings;
mod callgraph;
mod cgo;
mod concurrency;
mod effects;
mod globals;
mod pins;
mod summary;
mod walker;
pub mod zero_size;

pub use bindings::{Var, VarId, VarType};
pub use cgo::{ALLOCATORS, CAlloc, CUse, CUseKind};
pub use concurrency::{
    Callee, CaseFact, ChanOp, ChanRef, Closed, GoFact, LoopFact, LoopHeader, OpKind, RecvForm,
    SelectFact, SetFinalizer, TimerFact,
};
use globals::collect_globals;
pub use summary::{
    ForeignHolder, ForeignKeep, ModuleFacts, NoFacts, PackageFacts, SiteRef, keyed_by_type,
};
use walker::Walker;

/// A span in one of the package's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    /// Index into [`PackageIndex::files`].
    pub file: usize,
    pub start: usize,
    pub end: usize,
    /// 1-based line and byte column of `start`.
    pub line: u32,
    pub column: u32,
}

/// What a package-level variable is, as far as holding values goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GlobalKind {
    Map,
    Slice,
    /// A fixed-size array: it cannot grow.
    Array,
    Pointer,
    Chan,
    /// `sync.Map`.
    SyncMap,
    /// `container/list`.
    List,
    Func,
    /// Anything else (a struct, an interface, a number, an unknown named type).
    Other,
}

/// A package-level variable.
#[derive(Debug, Clone)]
pub struct Global {
    pub name: String,
    pub kind: GlobalKind,
    pub decl: Loc,
    /// The declared type, or the initializer when there is no type.
    pub type_text: String,
    /// The initializer, when there is one (`newStore()` for `var Default Store = newStore()`).
    pub value_text: Option<String>,
    /// A package-level variable of another package of the module that a call here stores
    /// into (`store.forever`, through `store.Hold`): where it is and whether that package lets
    /// go of it. Its effects here are the calls.
    pub foreign: Option<Arc<ForeignHolder>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionKind {
    Func,
    Method,
    Closure,
}

/// A function, method or closure.
#[derive(Debug, Clone)]
pub struct Function {
    /// The compiler's name: `F`, `(*T).M`, `T.M`, `F.func1`, `F.func1.1`.
    pub name: String,
    pub kind: FunctionKind,
    pub loc: Loc,
    pub parent: Option<usize>,
    /// Parameter names in order (`_` and unnamed ones included as written or empty).
    pub params: Vec<String>,
    /// The result list as written (`*store`, `(int, error)`), empty when there is none.
    pub result: String,
    /// Runs at most once per process: `init`, `main`, a `sync.Once` body, or an unexported
    /// function called only from those.
    pub runs_once: bool,
    /// Runs during initialization (init, a sync.Once body): a loop in it is bounded by the
    /// code, not by traffic.
    pub init_time: bool,
    pub exported: bool,
    /// An exported registration API by convention (`Register*`, `MustRegister*`, as in gob,
    /// image and database/sql): callers are assumed to call it at start-up. The only name
    /// that lowers a verdict, and the finding says it is an assumption.
    pub registration_api: bool,
    /// Panics when the name it is given is already in its table (`if _, dup := m[name]; dup {
    /// panic(...) }`): a registry that takes each name once.
    pub rejects_duplicates: bool,
    /// Takes a `*testing.T`, `*testing.B`, `*testing.F` or `testing.TB`: it runs in a test
    /// binary, a process that ends with the tests.
    pub test_helper: bool,
    /// Takes no values, only type arguments (`func (Ptr[T]) kind() *kind`): every call with
    /// the same instantiation computes the same thing, so what it adds is bounded by the
    /// program's set of types.
    pub type_args_only: bool,
    /// What follows a start-once guard in it (`if started { return }; started = true`, a
    /// `running` field checked and set) runs once per process, or once per object for a
    /// field: the guard as written.
    pub start_guard: Option<String>,
}

/// How a statement affects a package-level variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EffectKind {
    /// `m[k] = v`, `m.Store(k, v)`, `m.Set(k, v)`.
    Insert,
    /// `s = append(s, v)`, `l.PushBack(v)`.
    Append,
    /// `g = v`, `g.f = v`: replaces what was there.
    Assign,
    /// `head = &node{next: head}`: the new value keeps the old one.
    Grow,
    /// `ch <- v`.
    Send,
    /// `delete(m, k)`, `m.Delete(k)`, `l.Remove(e)`.
    Delete,
    /// `clear(m)`.
    Clear,
    /// `s = s[:0]`, `s = s[n:]`.
    Truncate,
    /// `g = nil`, `g = make(...)`, `g = T{}`.
    Reset,
    /// `head = head.next`.
    Pop,
    /// `<-ch`, `for v := range ch`.
    Receive,
}

impl EffectKind {
    /// Lets go of what the variable held.
    pub fn releases(&self) -> bool {
        matches!(
            self,
            EffectKind::Delete
                | EffectKind::Clear
                | EffectKind::Truncate
                | EffectKind::Reset
                | EffectKind::Pop
                | EffectKind::Receive
        )
    }

    /// Adds to what the variable holds.
    pub fn adds(&self) -> bool {
        matches!(
            self,
            EffectKind::Insert
                | EffectKind::Append
                | EffectKind::Assign
                | EffectKind::Grow
                | EffectKind::Send
        )
    }

    /// How the source would say it: `delete`, `clear`, `truncate`, ...
    pub fn verb(&self) -> &'static str {
        match self {
            EffectKind::Insert => "insert",
            EffectKind::Append => "append",
            EffectKind::Assign => "assign",
            EffectKind::Grow => "push",
            EffectKind::Send => "send",
            EffectKind::Delete => "delete",
            EffectKind::Clear => "clear",
            EffectKind::Truncate => "truncate",
            EffectKind::Reset => "reset",
            EffectKind::Pop => "pop",
            EffectKind::Receive => "receive",
        }
    }
}

/// A statement (or call) that affects a package-level variable.
#[derive(Debug, Clone)]
pub struct Effect {
    pub global: String,
    pub kind: EffectKind,
    /// The whole statement.
    pub loc: Loc,
    pub function: Option<usize>,
    /// The added value is a sub-slice (`buf[a:b]`): the array it pins, and the sizes when the
    /// source fixes them.
    pub pin: Option<Pin>,
    /// Inside a loop of its function: it runs many times even in run-once code.
    pub in_loop: bool,
    /// For an insert: the key as written (`m[k] = v`, `m.Store(k, v)`).
    pub key: Option<String>,
    /// The variables the statement names, as bindings.
    pub vars: Vec<VarId>,
    /// Those of them it names only as the input of a copy (`append([]byte(nil), b...)`,
    /// `bytes.Clone(b)`, `string(b)`, `fmt.Sprintf(..., v)`): what is kept is the copy.
    pub copied: Vec<VarId>,
    /// A call that does this through the function it calls (`Default.Add(name, g)`, where
    /// `(*store).Add` stores into `s.items`): how, in words.
    pub via: Option<String>,
    /// For such a call, the field of the variable it adds to or releases (`items`): a release
    /// of another field (`f.args = f.args[1:]`) does not release this one.
    pub field: Option<String>,
    /// For such a call, the function on the way that panics on a key added twice
    /// (`(*FlagSet).Var`): one entry per key.
    pub once_per_key: Option<String>,
}

/// A call to an API that keeps its argument after the call returns.
#[derive(Debug, Clone)]
pub struct Registration {
    /// The callee as written (`http.HandleFunc`, `mux.Handle`, `time.AfterFunc`).
    pub api: String,
    /// Who keeps it, in words.
    pub keeper: String,
    /// A registry escape-explain.toml declares: its index in [`Declarations::registries`],
    /// and the argument it keeps.
    pub declared: Option<(usize, usize)>,
    /// For a declared method registry, the receiver it is called on as written (`sessions`):
    /// only a release on the same receiver lets go of what it keeps.
    pub receiver: Option<String>,
    /// How the program can take it back, when the API has a way.
    pub undo: Option<&'static str>,
    pub loc: Loc,
    pub function: Option<usize>,
    pub in_loop: bool,
    /// The first argument as written (the pattern, the delay, the object).
    pub first_arg: String,
    /// The call's result is kept (`t := time.AfterFunc(...)`), so it can be undone.
    pub bound: bool,
    /// Who keeps what it is given: the process (DefaultServeMux, a package-level mux, the
    /// timer heap) or a caller-owned or local value (a router returned to the caller).
    pub owner: Owner,
    /// Argument positions that pass a parameter of the enclosing function straight through
    /// (`func Route(p string, h http.HandlerFunc) { http.HandleFunc(p, h) }`): the function is
    /// a registration API itself, and its callers are where registrations happen.
    pub forwards: Vec<usize>,
}

/// Spans of one kind (functions, effects, registrations) per file, sorted by start, with the
/// running maximum of their ends: "which spans contain this offset" without a scan of all.
#[derive(Debug, Default)]
struct Spans {
    by_file: HashMap<usize, FileSpans>,
}

/// (start, end, index) sorted by start, and the running maximum of the ends.
type FileSpans = (Vec<(usize, usize, usize)>, Vec<usize>);

impl Spans {
    fn build(locs: impl Iterator<Item = (usize, Loc)>) -> Spans {
        let mut by_file: HashMap<usize, FileSpans> = HashMap::new();
        for (i, l) in locs {
            by_file
                .entry(l.file)
                .or_default()
                .0
                .push((l.start, l.end, i));
        }
        for (v, max_end) in by_file.values_mut() {
            v.sort();
            let mut m = 0;
            *max_end = v
                .iter()
                .map(|&(_, e, _)| {
                    m = m.max(e);
                    m
                })
                .collect();
        }
        Spans { by_file }
    }

    /// Indexes of the spans with `start <= offset <= end`.
    fn containing(&self, file: usize, offset: usize) -> Vec<usize> {
        let Some((v, max_end)) = self.by_file.get(&file) else {
            return Vec::new();
        };
        let mut i = v.partition_point(|&(s, _, _)| s <= offset);
        let mut out = Vec::new();
        while i > 0 && max_end[i - 1] >= offset {
            i -= 1;
            if v[i].1 >= offset {
                out.push(v[i].2);
            }
        }
        out
    }
}

/// Everything the classifier needs to know about one package directory.
#[derive(Debug, Default)]
pub struct PackageIndex {
    pub dir: PathBuf,
    pub files: Vec<Arc<GoFile>>,
    /// The package's files that could not be read (permission denied, not a regular file):
    /// what they hold or release is unknown.
    pub unreadable: Vec<Unreadable>,
    pub globals: IndexMap<String, Global>,
    pub functions: Vec<Function>,
    pub effects: Vec<Effect>,
    pub registrations: Vec<Registration>,
    /// Callee name -> the functions that call it (None: a package-level initializer), and
    /// whether the call is in a loop.
    calls: HashMap<String, Vec<(Option<usize>, bool)>>,
    /// Callee name -> for each call in the package, which arguments are literals
    /// (`newLoggingConn("server", c)` -> [true, false]).
    literal_args: HashMap<String, Vec<Vec<bool>>>,
    /// Function names used as values (passed, stored): they may run from anywhere.
    used_as_value: HashSet<String>,
    /// Function names passed to `once.Do(f)`: they run once.
    once_by_name: HashSet<String>,
    /// `type T ...` declarations: name -> the type's text.
    pub types: HashMap<String, String>,
    /// Package-level constant names.
    pub consts: HashSet<String>,
    /// The names of the package's types of size zero (`type token struct{}`, a struct of
    /// such fields, `[0]T`): a value of one is never allocated (see `zero_size.rs`).
    pub zero_size: HashSet<String>,
    /// The names of the package's methods (`remove` for `(*Cache).remove`).
    pub method_names: HashSet<String>,
    /// The names of the fields of the package's struct types (`Next` of `type Entry struct {
    /// Next time.Time }`): `e.Next` may be a field where another type has a method `Next`.
    pub field_names: HashSet<String>,
    /// Every `go` statement and every `make(chan ...)`, recorded by the walk so the rules
    /// that start from them need not walk every tree again: (file, start byte, end byte), in
    /// source order.
    go_statements: Vec<(usize, usize, usize)>,
    chan_makes: Vec<(usize, usize, usize)>,
    /// The package clause's name (`main` for a program).
    pub package: Option<String>,
    /// `//go:debug k=v` directives of the package's files (they count in package main).
    pub go_debug: Vec<(String, String)>,
    /// The package declares a generic function, method or type: its code gets escape analysis
    /// only where something instantiates it.
    pub generic: bool,
    /// Every variable the package's functions declare, as bindings.
    pub vars: Vec<Var>,
    /// What escape-explain.toml declares (registries, bounded holders), checked against the
    /// source.
    pub declared: Option<Arc<Declarations>>,
    /// Calls to the release of a declared registry: (its index, where, the receiver of a
    /// method release as written).
    pub declared_releases: Vec<(usize, Loc, Option<String>)>,
    /// Goroutines, channels, selects and loops (see [`concurrency`]).
    facts: concurrency::Facts,
    /// C allocations and what happens to them (see [`cgo`]).
    cgo: cgo::CgoFacts,
    /// Stores into and releases from the fields of parameters and receivers, calls with their
    /// arguments, imports, and what each function keeps of its parameters (see [`summary`]).
    summary: summary::Summaries,
    function_spans: Spans,
    effect_spans: Spans,
    registration_spans: Spans,
    by_name: HashMap<String, usize>,
    /// Function -> the closures written directly in it (None: in package-level code), in
    /// source order: a rule that looks for a function's closures must not scan them all.
    closures_by_parent: HashMap<Option<usize>, Vec<usize>>,
    /// A method's name (`Add` for `(*Cache).Add`) -> the package's methods of that name.
    methods_by_name: HashMap<String, Vec<usize>>,
    /// Global name -> its effects, in order: a package of many functions looks each up often.
    effects_by_global: HashMap<String, Vec<usize>>,
    /// Global name -> its releases only: a map with thousands of inserts and no delete is
    /// asked "is it ever released?" once per insert.
    releases_by_global: HashMap<String, Vec<usize>>,
}

impl PackageIndex {
    /// Parses every non-test `.go` file of `dir` (test files too when `tests`) that is in the
    /// build for `target`, in parallel.
    pub fn build(dir: &Path, tests: bool, target: &Target) -> PackageIndex {
        Self::build_with(dir, tests, target, &NoFacts)
    }

    /// [`PackageIndex::build`], with the facts of the module's other packages.
    pub fn build_with(
        dir: &Path,
        tests: bool,
        target: &Target,
        module: &dyn ModuleFacts,
    ) -> PackageIndex {
        Self::from_parsed(dir, Self::parse_dir(dir, tests, target), module)
    }

    /// The files of `dir` in the build for `target` (with the test files when `tests`),
    /// parsed, and those that could not be read: what [`PackageIndex::build_with`] indexes.
    pub fn parse_dir(dir: &Path, tests: bool, target: &Target) -> Parsed {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.extension().is_some_and(|e| e == "go")
                            && (tests || !p.to_string_lossy().ends_with("_test.go"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        paths.sort();
        // A Go file added to the directory or removed from it changes the package.
        super::deps::note_dir(dir);
        parse_all(&paths, Some(target))
    }

    /// Exactly the named files of `dir` (the ones `go list` says are in the build), parsed.
    pub fn parse_listed(dir: &Path, names: &[&str]) -> Parsed {
        let mut paths: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
        paths.sort();
        parse_all(&paths, None)
    }

    /// Indexes files parsed by [`PackageIndex::parse_dir`] or [`PackageIndex::parse_listed`].
    pub fn from_parsed(
        dir: &Path,
        (files, unreadable): Parsed,
        module: &dyn ModuleFacts,
    ) -> PackageIndex {
        let mut ix = Self::index(dir, files, module);
        ix.unreadable = unreadable;
        ix
    }

    /// Indexes files already parsed, leaving out those not in the build for `target` (see
    /// [`parse_all`]).
    pub fn from_files(dir: &Path, files: Vec<Arc<GoFile>>, target: &Target) -> PackageIndex {
        let files = files
            .into_iter()
            .filter(|f| {
                let name = f.path.file_name().map(|n| n.to_string_lossy());
                in_build(name.as_deref().unwrap_or(""), &f.text, target)
            })
            .collect();
        Self::index(dir, files, &NoFacts)
    }

    /// Indexes files already chosen for the build.
    fn index(dir: &Path, files: Vec<Arc<GoFile>>, module: &dyn ModuleFacts) -> PackageIndex {
        let mut ix = PackageIndex {
            dir: dir.to_path_buf(),
            files,
            ..Default::default()
        };
        for f in 0..ix.files.len() {
            let file = ix.files[f].clone();
            if ix.package.is_none() {
                ix.package = package_name(&file).map(str::to_string);
            }
            ix.go_debug.extend(go_debug_directives(&file.text));
            ix.generic |= declares_generic_code(&file);
            if file.text.contains("import \"C\"") {
                let frees = cgo::preamble_freeing_functions(&file.text);
                ix.cgo.preamble_frees.insert(f, frees);
            }
            collect_globals(&mut ix, f, &file);
        }
        ix.zero_size = zero_size::zero_size_types(&ix.files);
        ix.field_names = declared_field_names(&ix.files);
        // Struct fields of a channel type, once every type of the package is known.
        for f in 0..ix.files.len() {
            let file = ix.files[f].clone();
            for top in named_children(file.tree.root_node()) {
                if top.kind_name() == "type_declaration" {
                    for spec in named_children(top) {
                        concurrency::collect_chan_fields(&mut ix, &file, spec);
                    }
                }
            }
        }
        ix.declared = module.declared();
        for f in 0..ix.files.len() {
            let file = ix.files[f].clone();
            let mut w = Walker {
                ix: &mut ix,
                file: &file,
                f,
                locals: Vec::new(),
                bindings: Vec::new(),
                is_main_pkg: package_name(&file) == Some("main"),
                pins: HashMap::new(),
                backings: HashMap::new(),
                closure_counts: HashMap::new(),
                loops: vec![0],
                callee: None,
                once_args: HashSet::new(),
                started: HashSet::new(),
                scopes: Default::default(),
                fstates: Vec::new(),
            };
            w.top_level(file.tree.root_node());
        }
        for spans in [&mut ix.go_statements, &mut ix.chan_makes] {
            spans.sort_unstable();
            spans.dedup();
        }
        // Behind a process-wide start-once guard (`if initRan { return }; initRan = true`,
        // testing.Init): the rest of the function runs once, and so do the functions only it
        // calls.
        for f in 0..ix.functions.len() {
            if let Some(g) = &ix.functions[f].start_guard
                && ix
                    .globals
                    .contains_key(g.split('.').next().unwrap_or_default())
            {
                ix.functions[f].runs_once = true;
            }
        }
        ix.settle_runs_once();
        for (i, f) in ix.functions.iter().enumerate() {
            ix.by_name.entry(f.name.clone()).or_insert(i);
            match f.kind {
                FunctionKind::Closure => ix.closures_by_parent.entry(f.parent).or_default().push(i),
                FunctionKind::Method => {
                    let short = f.name.rsplit('.').next().unwrap_or(&f.name);
                    ix.methods_by_name
                        .entry(short.to_string())
                        .or_default()
                        .push(i);
                }
                FunctionKind::Func => {}
            }
        }
        ix.settle_summaries(module);
        ix.function_spans = Spans::build(ix.functions.iter().map(|f| f.loc).enumerate());
        ix.effect_spans = Spans::build(ix.effects.iter().map(|e| e.loc).enumerate());
        ix.registration_spans = Spans::build(ix.registrations.iter().map(|r| r.loc).enumerate());
        for (i, e) in ix.effects.iter().enumerate() {
            ix.effects_by_global
                .entry(e.global.clone())
                .or_default()
                .push(i);
            if e.kind.releases() {
                ix.releases_by_global
                    .entry(e.global.clone())
                    .or_default()
                    .push(i);
            }
        }
        for f in &ix.functions {
            if f.kind == FunctionKind::Method
                && let Some(m) = f.name.rsplit('.').next()
            {
                ix.method_names.insert(m.to_string());
            }
        }
        ix.settle_concurrency();
        ix.settle_foreign_goroutines(module);
        ix
    }

    /// The `go` statements of file `f`, in source order, nested ones included.
    pub fn go_statements(&self, f: usize) -> impl Iterator<Item = Node<'_>> {
        self.recorded(&self.go_statements, f, "go_statement")
    }

    /// The `make(chan ...)` calls of file `f`, in source order.
    pub fn chan_makes(&self, f: usize) -> impl Iterator<Item = Node<'_>> {
        self.recorded(&self.chan_makes, f, "call_expression")
    }

    /// The nodes of `kind` the walk recorded in file `f`.
    fn recorded<'s>(
        &'s self,
        spans: &'s [(usize, usize, usize)],
        f: usize,
        kind: &'static str,
    ) -> impl Iterator<Item = Node<'s>> {
        let root = self.files.get(f).map(|file| file.tree.root_node());
        // Sorted by file: the file's own spans, without a pass over the others'.
        let from = spans.partition_point(|(file, ..)| *file < f);
        let to = spans.partition_point(|(file, ..)| *file <= f);
        spans[from..to].iter().filter_map(move |&(_, start, end)| {
            let mut n = root?.descendant_for_byte_range(start, end)?;
            while n.kind_name() != kind || n.byte_range() != (start..end) {
                n = n.parent()?;
            }
            Some(n)
        })
    }

    /// The file of the index with this path.
    pub fn file_index(&self, path: &Path) -> Option<usize> {
        self.files.iter().position(|f| f.path == path)
    }

    /// The innermost function containing a byte offset.
    pub fn function_at(&self, file: usize, offset: usize) -> Option<usize> {
        self.function_spans
            .containing(file, offset)
            .into_iter()
            .filter(|&i| offset < self.functions[i].loc.end)
            .min_by_key(|&i| self.functions[i].loc.end - self.functions[i].loc.start)
    }

    /// A function as a reader finds it in the source: `` `(*T).load` ``, or for a closure,
    /// which has only the compiler's name (`(*T).load.func1`), "the closure at line 123 in
    /// `(*T).load`", named by the function it is written in.
    pub fn function_words(&self, i: usize) -> String {
        let f = &self.functions[i];
        if f.kind != FunctionKind::Closure {
            return format!("`{}`", f.name);
        }
        let mut outer = f.parent;
        while let Some(p) = outer.filter(|&p| self.functions[p].kind == FunctionKind::Closure) {
            outer = self.functions[p].parent;
        }
        match outer {
            Some(p) => format!(
                "the closure at line {} in `{}`",
                f.loc.line, self.functions[p].name
            ),
            None => format!("the closure at line {}", f.loc.line),
        }
    }

    /// The function with the compiler's name (generic shapes `F[go.shape...]` match `F`).
    pub fn function_named(&self, name: &str) -> Option<usize> {
        self.by_name.get(&strip_shapes(name)).copied()
    }

    /// Effects whose statement contains the byte offset, innermost first. Only those of the
    /// function the offset is in: a closure inside the statement is code of its own.
    pub fn effects_at(&self, file: usize, offset: usize) -> Vec<&Effect> {
        let func = self.function_at(file, offset);
        let mut v: Vec<&Effect> = self
            .effect_spans
            .containing(file, offset)
            .into_iter()
            .map(|i| &self.effects[i])
            .filter(|e| e.function == func)
            .collect();
        v.sort_by_key(|e| e.loc.end - e.loc.start);
        v
    }

    pub fn registrations_at(&self, file: usize, offset: usize) -> Vec<&Registration> {
        let func = self.function_at(file, offset);
        let mut v: Vec<&Registration> = self
            .registration_spans
            .containing(file, offset)
            .into_iter()
            .map(|i| &self.registrations[i])
            .filter(|r| r.function == func)
            .collect();
        v.sort_by_key(|r| r.loc.end - r.loc.start);
        v
    }

    /// The releases of a package-level variable anywhere in the package.
    pub fn releases_of(&self, global: &str) -> impl Iterator<Item = &Effect> {
        self.releases_by_global
            .get(global)
            .into_iter()
            .flatten()
            .map(|&i| &self.effects[i])
    }

    /// The effects on a package-level variable, in source order.
    pub fn effects_of(&self, global: &str) -> impl Iterator<Item = &Effect> {
        self.effects_by_global
            .get(global)
            .into_iter()
            .flatten()
            .map(|&i| &self.effects[i])
    }

    /// The closures written directly in function `f` (None: in package-level code), in source
    /// order.
    pub fn closures_in(&self, f: Option<usize>) -> &[usize] {
        self.closures_by_parent
            .get(&f)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The package's methods named `name` (on any type).
    pub fn methods_named(&self, name: &str) -> &[usize] {
        self.methods_by_name
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Whether function `inner` is `outer` or a closure inside it.
    pub fn within(&self, inner: Option<usize>, outer: usize) -> bool {
        let mut f = inner;
        while let Some(i) = f {
            if i == outer {
                return true;
            }
            f = self.functions[i].parent;
        }
        false
    }

    /// Whether a func literal of the source starts at a byte offset.
    pub fn is_func_literal_at(&self, file: usize, offset: usize) -> bool {
        self.function_at(file, offset).is_some_and(|f| {
            let f = &self.functions[f];
            f.kind == FunctionKind::Closure && f.loc.start == offset
        })
    }

    /// Whether a byte offset is inside a loop of its own function.
    pub fn in_loop_at(&self, file: usize, offset: usize) -> bool {
        let Some(f) = self.function_at(file, offset) else {
            return false;
        };
        self.loops_of(f)
            .any(|l| l.loc.file == file && l.loc.start <= offset && offset < l.loc.end)
    }

    /// `path:line` of a location, with the path relative to `root` when possible.
    pub fn file_path(&self, loc: &Loc) -> &Path {
        &self.files[loc.file].path
    }

    /// The source line of a location.
    pub fn line_text(&self, loc: &Loc) -> &str {
        self.files[loc.file].line(loc.line).unwrap_or("").trim()
    }
}

/// A package's files parsed, and those that could not be read (in path order).
pub type Parsed = (Vec<Arc<GoFile>>, Vec<Unreadable>);

/// Parses files on up to two threads: the machine this runs on is often a small CI runner.
/// Files that cannot be read come back apart, with the reason, in path order.
fn parse_all(paths: &[PathBuf], target: Option<&Target>) -> Parsed {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(4)
        .min(paths.len().max(1));
    let read = |p: &mut tree_sitter::Parser, path: &PathBuf| -> Option<Result<_, Unreadable>> {
        let text = match GoFile::read_text(path) {
            Ok(text) => text,
            Err(e) => return Some(Err(e)),
        };
        // Guard: a file the compiler does not build for this target (`evict_windows.go`,
        // `//go:build integration`, a `//go:build ignore` script beside the package) is not
        // part of the package: its releases, goroutines and globals do not count, and it is
        // not parsed (a quarter of the standard library's bytes are other platforms' files).
        if let Some(target) = target {
            let name = path.file_name().map(|n| n.to_string_lossy());
            if !in_build(name.as_deref().unwrap_or(""), &text, target) {
                return None;
            }
        }
        GoFile::parse(p, path, text).map(|f| Ok(Arc::new(f)))
    };
    let results: Vec<Result<Arc<GoFile>, Unreadable>> = if threads <= 1 || paths.len() < 4 {
        let mut p = parser();
        paths.iter().filter_map(|path| read(&mut p, path)).collect()
    } else {
        let chunks: Vec<&[PathBuf]> = paths.chunks(paths.len().div_ceil(threads)).collect();
        let recording = super::deps::recording();
        std::thread::scope(|s| {
            let handles: Vec<_> = chunks
                .into_iter()
                .map(|chunk| {
                    s.spawn(move || {
                        let mut p = parser();
                        let read_all = || {
                            chunk
                                .iter()
                                .filter_map(|path| read(&mut p, path))
                                .collect::<Vec<_>>()
                        };
                        // Read on this thread: noted here, and added to the caller's scope.
                        super::deps::record_if(recording, read_all)
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    let (files, read) = h.join().unwrap_or_default();
                    if let Some(read) = &read {
                        super::deps::extend(read);
                    }
                    files
                })
                .collect()
        })
    };
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(u) => unreadable.push(u),
        }
    }
    (files, unreadable)
}

/// Whether a file declares a function with type parameters, or a type with them (whose
/// methods are then generic too).
fn declares_generic_code(file: &GoFile) -> bool {
    let root = file.tree.root_node();
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .any(|n| match n.kind_name() {
            "function_declaration" => n.field("type_parameters").is_some(),
            "type_declaration" => {
                let mut c = n.walk();
                n.named_children(&mut c)
                    .any(|spec| spec.field("type_parameters").is_some())
            }
            _ => false,
        })
}

/// `F[go.shape.int]` -> `F`, `(*T[go.shape.int]).M` -> `(*T).M`.
pub fn strip_shapes(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn loc(f: usize, node: Node<'_>) -> Loc {
    let start = node.start_byte();
    Loc {
        file: f,
        start,
        end: node.end_byte(),
        line: node.start_position().row as u32 + 1,
        column: node.start_position().column as u32 + 1,
    }
}

fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut c = node.walk();
    node.named_children(&mut c).collect()
}

/// `//go:debug k=v` lines of a file's header (before the package clause).
fn go_debug_directives(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with("package ") {
            break;
        }
        if let Some(rest) = l.strip_prefix("//go:debug ")
            && let Some((k, v)) = rest.trim().split_once('=')
        {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

fn package_name(file: &GoFile) -> Option<&str> {
    let root = file.tree.root_node();
    let clause = named_children(root)
        .into_iter()
        .find(|n| n.kind_name() == "package_clause")?;
    named_children(clause)
        .into_iter()
        .next()
        .map(|n| file.text_of(n))
}

/// The field names of the struct types a package declares at top level (embedded fields are
/// named by their type, and a method value through one is still a method value).
fn declared_field_names(files: &[Arc<GoFile>]) -> HashSet<String> {
    let mut names = HashSet::new();
    for file in files {
        for top in named_children(file.tree.root_node()) {
            if top.kind_name() != "type_declaration" {
                continue;
            }
            for spec in named_children(top) {
                let Some(ty) = spec
                    .field("type")
                    .filter(|t| t.kind_name() == "struct_type")
                else {
                    continue;
                };
                for list in named_children(ty) {
                    for field in named_children(list) {
                        if field.kind_name() != "field_declaration" {
                            continue;
                        }
                        let mut c = field.walk();
                        for name in field.children_by_field_name("name", &mut c) {
                            names.insert(file.text_of(name).to_string());
                        }
                    }
                }
            }
        }
    }
    names
}

#[cfg(test)]
impl PackageIndex {
    /// The index of one file, `p.go`, with this source, built for linux/amd64 with cgo: the
    /// unit tests' package.
    pub(crate) fn of_source(src: &str) -> PackageIndex {
        let file = GoFile::parse(&mut parser(), Path::new("p.go"), src.to_string())
            .expect("the test's Go source parses");
        let target = Target {
            goos: "linux".into(),
            goarch: "amd64".into(),
            tags: Vec::new(),
            cgo: true,
            go_minor: None,
        };
        PackageIndex::from_files(Path::new("."), vec![Arc::new(file)], &target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(src: &str) -> PackageIndex {
        let f = GoFile::parse(&mut parser(), Path::new("p.go"), src.to_string()).unwrap();
        PackageIndex::from_files(Path::new("."), vec![Arc::new(f)], &linux())
    }

    fn linux() -> Target {
        Target {
            goos: "linux".into(),
            goarch: "amd64".into(),
            tags: Vec::new(),
            cgo: true,
            go_minor: None,
        }
    }

    /// Generated code nests thousands of levels deep (a concatenation, closures in closures, a
    /// composite literal in a composite literal, an `else if` chain, parentheses): the walk
    /// gets to the bottom of each on a thread whose stack holds a few dozen of those levels.
    #[test]
    fn deeply_nested_code_is_walked_on_a_small_stack() {
        let n = 10_000;
        let mut chain = String::from("func Chain(i int) int {\n\tif i == 0 {\n\t\treturn 0\n\t}");
        for k in 1..n {
            chain.push_str(&format!(" else if i == {k} {{\n\t\treturn {k}\n\t}}"));
        }
        chain.push_str("\n\treturn -1\n}\n");
        let src = format!(
            "package p\n\nvar sink string\n\nfunc Concat(s string) {{\n\tsink = s{}\n}}\n\nfunc Closures() {{\n\t{}x := 0\ngo func() {{ x++ }}(){}\n}}\n\ntype T struct{{ next *T }}\n\nfunc Literal() *T {{\n\treturn {}nil{}\n}}\n\nfunc Parens() int {{\n\treturn {}1{}\n}}\n\n{chain}",
            " + s".repeat(n),
            "func() {\n".repeat(n),
            "\n}()".repeat(n),
            "&T{next: ".repeat(n),
            "}".repeat(n),
            "(".repeat(n),
            ")".repeat(n),
        );
        let ix = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(move || index(&src))
            .unwrap()
            .join()
            .unwrap();
        let closures = ix
            .functions
            .iter()
            .filter(|f| f.kind == FunctionKind::Closure);
        assert_eq!(closures.count(), n + 1);
        assert_eq!(ix.goroutines().len(), 1, "the innermost closure's `go`");
        assert_eq!(ix.effects_of("sink").count(), 1);
        assert_eq!(
            ix.returns_of(ix.function_named("Chain").unwrap()).len(),
            n + 1
        );
    }

    /// The walk records every `go` statement and `make(chan ...)`, in source order, nested
    /// ones and those in a package-level initializer included, and also those tree-sitter
    /// recovered from code that does not parse as a declaration.
    #[test]
    fn go_statements_and_channel_makes_are_recorded_by_the_walk() {
        let ix = index(
            "package p\n\nvar start = func() { go tick() }\n\nfunc run(n int) {\n\tdone := make(chan struct{})\n\tfor i := 0; i < n; i++ {\n\t\tgo func() {\n\t\t\tgo tick()\n\t\t\tdone <- struct{}{}\n\t\t}()\n\t}\n\t_ = make([]chan int, n)\n\tresults := make(chan<- int, 1)\n\t_ = results\n}\n\nfunc tick() {}\n",
        );
        let texts = |nodes: Vec<Node<'_>>| -> Vec<String> {
            nodes
                .into_iter()
                .map(|n| {
                    ix.files[0]
                        .text_of(n)
                        .lines()
                        .next()
                        .unwrap_or("")
                        .to_string()
                })
                .collect()
        };
        assert_eq!(
            texts(ix.go_statements(0).collect()),
            ["go tick()", "go func() {", "go tick()"]
        );
        assert_eq!(
            texts(ix.chan_makes(0).collect()),
            ["make(chan struct{})", "make(chan<- int, 1)"]
        );
        assert_eq!(ix.go_statements(1).count(), 0);

        // A stray `}` leaves the next statement at the top level; a func literal with no name
        // is a statement there too; and a func literal can sit in an array length.
        for src in [
            "package p\n\nfunc f() {\n}\n}\n\ngo tick(make(chan int))\n",
            "package p\n\nfunc() {\n\tgo tick(make(chan int))\n}\n",
            "package p\n\nvar x = 1 +\nfunc f() { go tick(make(chan int)) }\n",
            // Valid Go: a func literal in an array length, where the walk does not go.
            "package p\n\nimport \"unsafe\"\n\nconst n = len([1]func(){func() { go tick(make(chan int)) }})\n",
            "package p\n\nimport \"unsafe\"\n\ntype T [unsafe.Sizeof(func() { go tick(make(chan int)) })]byte\n",
            "package p\n\nimport \"unsafe\"\n\nfunc run(a [unsafe.Sizeof(func() { go tick(make(chan int)) })]byte) {}\n",
            "package p\n\nimport \"unsafe\"\n\nfunc run() (r [unsafe.Sizeof(func() { go tick(make(chan int)) })]byte) { return }\n",
            "package p\n\nimport \"unsafe\"\n\nfunc run() {\n\tg := func(a [unsafe.Sizeof(func() { go tick(make(chan int)) })]byte) {}\n\t_ = g\n}\n",
        ] {
            let ix = index(src);
            assert_eq!(ix.go_statements(0).count(), 1, "{src}");
            assert_eq!(ix.chan_makes(0).count(), 1, "{src}");
        }
    }

    const SRC: &str = r#"package main

import (
	"net/http"
	"sync"
)

var cache = map[string][]byte{}

var (
	log   []string
	once  sync.Once
	conf  map[string]string
	store sync.Map
)

func put(k string, v []byte) { cache[k] = v }

func drop(k string) { delete(cache, k) }

func record(s string) { log = append(log, s) }

func flush() { log = log[:0] }

func load() {
	once.Do(func() { conf = map[string]string{} })
}

func shadow() {
	cache := map[string]int{}
	cache["x"] = 1
}

func (s *Srv) Serve() { store.Store("k", s) }

type Srv struct{}

func register() { http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { put("a", nil) }) }

func init() { register() }

func main() { load() }
"#;

    #[test]
    fn globals_and_their_kinds() {
        let ix = index(SRC);
        let kinds: Vec<(&str, GlobalKind)> = ix
            .globals
            .values()
            .map(|g| (g.name.as_str(), g.kind))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("cache", GlobalKind::Map),
                ("log", GlobalKind::Slice),
                ("once", GlobalKind::Other),
                ("conf", GlobalKind::Map),
                ("store", GlobalKind::SyncMap),
            ]
        );
    }

    #[test]
    fn effects_adds_and_releases() {
        let ix = index(SRC);
        let effects: Vec<(&str, &str, String)> = ix
            .effects
            .iter()
            .map(|e| {
                let f = e
                    .function
                    .map(|f| ix.functions[f].name.clone())
                    .unwrap_or_default();
                (e.global.as_str(), e.kind.verb(), f)
            })
            .collect();
        assert_eq!(
            effects,
            vec![
                ("cache", "assign", String::new()),
                ("cache", "insert", "put".to_string()),
                ("cache", "delete", "drop".to_string()),
                ("log", "append", "record".to_string()),
                ("log", "truncate", "flush".to_string()),
                ("conf", "reset", "load.func1".to_string()),
                ("store", "insert", "(*Srv).Serve".to_string()),
            ],
            "the shadowed `cache` in shadow() is not the global"
        );
    }

    #[test]
    fn which_functions_run_once() {
        let ix = index(SRC);
        let once = |n: &str| ix.functions[ix.function_named(n).unwrap()].runs_once;
        assert!(once("init"));
        assert!(once("main"));
        assert!(once("load.func1"), "a sync.Once body");
        assert!(once("register"), "called only from init");
        assert!(once("load"), "called only from main");
        assert!(!once("register.func1"), "a handler runs per request");
        assert!(!once("put"), "called from a handler");
        assert!(!once("(*Srv).Serve"));
        assert_eq!(ix.registrations.len(), 1);
        assert_eq!(ix.registrations[0].api, "http.HandleFunc");
    }
}
