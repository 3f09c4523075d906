//! The package index: what a Go package keeps for the life of the process and how it lets go.
//!
//! For one package directory it records the package-level variables (with their kind), the
//! functions, methods and closures (with the compiler's names for them and whether they run
//! once or many times), and every *effect* on a package-level variable: each statement that
//! adds to it (insert, append, send, assign, push) or releases from it (delete, clear, truncate,
//! reset, receive, pop), and each call to an API that keeps what it is given (http.HandleFunc,
//! time.AfterFunc, signal.Notify, ...).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use tree_sitter::Node;

use super::constraint::{Target, in_build};
use super::gofile::{GoFile, parser};
use super::owner::{Binding, Owner};
use super::pin::{self, Backing, Pin};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
}

/// A call to an API that keeps its argument after the call returns.
#[derive(Debug, Clone)]
pub struct Registration {
    /// The callee as written (`http.HandleFunc`, `mux.Handle`, `time.AfterFunc`).
    pub api: String,
    /// Who keeps it, in words.
    pub keeper: &'static str,
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

/// APIs whose argument outlives the call: (callee suffix, keeper, how to undo).
const REGISTRATIONS: &[(&str, &str, Option<&str>)] = &[
    ("http.HandleFunc", "net/http's DefaultServeMux", None),
    ("http.Handle", "net/http's DefaultServeMux", None),
    (".HandleFunc", "the ServeMux", None),
    (".Handle", "the ServeMux", None),
    ("time.AfterFunc", "the runtime's timer heap", Some("Stop")),
    ("context.AfterFunc", "the context", Some("stop")),
    (
        "signal.Notify",
        "os/signal's handler table",
        Some("signal.Stop"),
    ),
    ("expvar.Publish", "expvar's registry", None),
    ("expvar.NewInt", "expvar's registry", None),
    ("expvar.NewFloat", "expvar's registry", None),
    ("expvar.NewMap", "expvar's registry", None),
    ("expvar.NewString", "expvar's registry", None),
    // runtime.SetFinalizer and runtime.AddCleanup are not here: the runtime keeps the function
    // only while the object is reachable from elsewhere, so they keep nothing alive (that is
    // why caches use a finalizer to stop their janitor). The one exception, a finalizer that
    // refers to its own object, is EE0308.
];

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
    pub globals: IndexMap<String, Global>,
    pub functions: Vec<Function>,
    pub effects: Vec<Effect>,
    pub registrations: Vec<Registration>,
    /// Callee name -> the functions that call it (None: a package-level initializer), and
    /// whether the call is in a loop.
    calls: HashMap<String, Vec<(Option<usize>, bool)>>,
    /// Function names used as values (passed, stored): they may run from anywhere.
    used_as_value: HashSet<String>,
    /// Function names passed to `once.Do(f)`: they run once.
    once_by_name: HashSet<String>,
    /// `type T ...` declarations: name -> the type's text.
    pub types: HashMap<String, String>,
    /// The package clause's name (`main` for a program).
    pub package: Option<String>,
    /// `//go:debug k=v` directives of the package's files (they count in package main).
    pub go_debug: Vec<(String, String)>,
    function_spans: Spans,
    effect_spans: Spans,
    registration_spans: Spans,
    by_name: HashMap<String, usize>,
}

impl PackageIndex {
    /// Parses every non-test `.go` file of `dir` (test files too when `tests`) that is in the
    /// build for `target`, in parallel.
    pub fn build(dir: &Path, tests: bool, target: &Target) -> PackageIndex {
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
        let files = parse_all(&paths);
        Self::from_files(dir, files, target)
    }

    pub fn from_files(dir: &Path, files: Vec<Arc<GoFile>>, target: &Target) -> PackageIndex {
        // Guard: a file the compiler does not build for this target (`evict_windows.go`,
        // `//go:build integration`, a `//go:build ignore` script beside the package) is not
        // part of the package: its releases, goroutines and globals do not count.
        let files = files
            .into_iter()
            .filter(|f| {
                let name = f.path.file_name().map(|n| n.to_string_lossy());
                in_build(name.as_deref().unwrap_or(""), &f.text, target)
            })
            .collect();
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
            collect_globals(&mut ix, f, &file);
        }
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
            };
            w.top_level(file.tree.root_node());
        }
        ix.settle_runs_once();
        ix.function_spans = Spans::build(ix.functions.iter().map(|f| f.loc).enumerate());
        ix.effect_spans = Spans::build(ix.effects.iter().map(|e| e.loc).enumerate());
        ix.registration_spans = Spans::build(ix.registrations.iter().map(|r| r.loc).enumerate());
        for (i, f) in ix.functions.iter().enumerate() {
            ix.by_name.entry(f.name.clone()).or_insert(i);
        }
        ix
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

    /// Whether code of this function runs at most once per process.
    pub fn runs_once(&self, function: Option<usize>) -> bool {
        function.is_none_or(|f| self.functions[f].runs_once)
    }

    /// Whether an effect runs a bounded number of times: run-once code outside any loop, or a
    /// loop in init-time code (init, a package initializer, a sync.Once body), which must finish
    /// before the program goes on. A loop in main may be the program's event loop.
    pub fn effect_once(&self, e: &Effect) -> bool {
        self.once_at(e.function, e.in_loop)
    }

    pub fn registration_once(&self, r: &Registration) -> bool {
        self.once_at(r.function, r.in_loop)
    }

    fn once_at(&self, function: Option<usize>, in_loop: bool) -> bool {
        match function {
            None => true,
            Some(f) => {
                let f = &self.functions[f];
                f.runs_once && (!in_loop || f.init_time)
            }
        }
    }

    /// The releases of a package-level variable anywhere in the package.
    pub fn releases_of(&self, global: &str) -> impl Iterator<Item = &Effect> {
        self.effects
            .iter()
            .filter(move |e| e.global == global && e.kind.releases())
    }

    /// `path:line` of a location, with the path relative to `root` when possible.
    pub fn file_path(&self, loc: &Loc) -> &Path {
        &self.files[loc.file].path
    }

    /// The source line of a location.
    pub fn line_text(&self, loc: &Loc) -> &str {
        self.files[loc.file].line(loc.line).unwrap_or("").trim()
    }

    /// Marks unexported functions called only from run-once code as run-once themselves.
    fn settle_runs_once(&mut self) {
        for _ in 0..8 {
            let mut changed = false;
            for i in 0..self.functions.len() {
                let f = &self.functions[i];
                if f.runs_once || f.kind != FunctionKind::Func {
                    continue;
                }
                if self.once_by_name.contains(&f.name) {
                    self.functions[i].runs_once = true;
                    self.functions[i].init_time = true;
                    changed = true;
                    continue;
                }
                if f.exported {
                    continue;
                }
                if self.used_as_value.contains(&f.name) {
                    continue;
                }
                let Some(callers) = self.calls.get(&f.name) else {
                    continue;
                };
                let once = callers.iter().all(|(c, in_loop)| {
                    !in_loop && c.is_none_or(|c| c != i && self.functions[c].runs_once)
                });
                if once {
                    self.functions[i].runs_once = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }
}

/// Parses files on up to two threads: the machine this runs on is often a small CI runner.
fn parse_all(paths: &[PathBuf]) -> Vec<Arc<GoFile>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(4)
        .min(paths.len().max(1));
    if threads <= 1 || paths.len() < 4 {
        let mut p = parser();
        return paths
            .iter()
            .filter_map(|path| GoFile::read(&mut p, path).map(Arc::new))
            .collect();
    }
    let chunks: Vec<&[PathBuf]> = paths.chunks(paths.len().div_ceil(threads)).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    let mut p = parser();
                    chunk
                        .iter()
                        .filter_map(|path| GoFile::read(&mut p, path).map(Arc::new))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
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

fn collect_globals(ix: &mut PackageIndex, f: usize, file: &GoFile) {
    for top in named_children(file.tree.root_node()) {
        if top.kind() == "type_declaration" {
            for spec in named_children(top) {
                if let (Some(n), Some(t)) = (
                    spec.child_by_field_name("name"),
                    spec.child_by_field_name("type"),
                ) {
                    ix.types
                        .insert(file.text_of(n).to_string(), file.text_of(t).to_string());
                }
            }
            continue;
        }
        if top.kind() != "var_declaration" {
            continue;
        }
        let mut specs = Vec::new();
        for c in named_children(top) {
            match c.kind() {
                "var_spec" => specs.push(c),
                "var_spec_list" => specs.extend(
                    named_children(c)
                        .into_iter()
                        .filter(|s| s.kind() == "var_spec"),
                ),
                _ => {}
            }
        }
        for spec in specs {
            let ty = spec.child_by_field_name("type");
            let value = spec.child_by_field_name("value");
            let values: Vec<Node<'_>> = value.map(named_children).unwrap_or_default();
            let mut c = spec.walk();
            let names: Vec<Node<'_>> = spec.children_by_field_name("name", &mut c).collect();
            for (i, name) in names.iter().enumerate() {
                let v = values.get(i).copied();
                let kind = ty
                    .map(|t| kind_of_type(file, t))
                    .or_else(|| v.map(|v| kind_of_value(file, v)))
                    .unwrap_or(GlobalKind::Other);
                let type_text = ty
                    .or(v)
                    .map(|n| file.text_of(n).to_string())
                    .unwrap_or_default();
                let name_text = file.text_of(*name).to_string();
                if name_text == "_" {
                    continue;
                }
                ix.globals.insert(
                    name_text.clone(),
                    Global {
                        name: name_text,
                        kind,
                        decl: loc(f, *name),
                        type_text,
                    },
                );
            }
        }
    }
}

fn kind_of_type(file: &GoFile, t: Node<'_>) -> GlobalKind {
    match t.kind() {
        "map_type" => GlobalKind::Map,
        "slice_type" => GlobalKind::Slice,
        "array_type" => GlobalKind::Array,
        "channel_type" => GlobalKind::Chan,
        "function_type" => GlobalKind::Func,
        "pointer_type" => match named_children(t).first() {
            Some(inner) if kind_of_type(file, *inner) == GlobalKind::List => GlobalKind::List,
            _ => GlobalKind::Pointer,
        },
        "qualified_type" => match file.text_of(t) {
            "sync.Map" => GlobalKind::SyncMap,
            "list.List" => GlobalKind::List,
            _ => GlobalKind::Other,
        },
        "generic_type" => {
            // sync.Map-like generic wrappers are unknown; a generic map alias is still a map.
            GlobalKind::Other
        }
        "parenthesized_type" => named_children(t)
            .first()
            .map(|i| kind_of_type(file, *i))
            .unwrap_or(GlobalKind::Other),
        _ => GlobalKind::Other,
    }
}

fn kind_of_value(file: &GoFile, v: Node<'_>) -> GlobalKind {
    match v.kind() {
        "composite_literal" => v
            .child_by_field_name("type")
            .map(|t| kind_of_type(file, t))
            .unwrap_or(GlobalKind::Other),
        "call_expression" => {
            let callee = v
                .child_by_field_name("function")
                .map(|n| file.text_of(n))
                .unwrap_or("");
            let first_arg = v
                .child_by_field_name("arguments")
                .and_then(|a| named_children(a).into_iter().next());
            match callee {
                "make" => first_arg
                    .map(|t| kind_of_type(file, t))
                    .unwrap_or(GlobalKind::Other),
                "list.New" => GlobalKind::List,
                "new" => GlobalKind::Pointer,
                _ => GlobalKind::Other,
            }
        }
        "unary_expression" if file.text_of(v).starts_with('&') => GlobalKind::Pointer,
        "func_literal" => GlobalKind::Func,
        _ => GlobalKind::Other,
    }
}

/// Walks the package's code, tracking the enclosing function and the names it declares.
struct Walker<'a> {
    ix: &'a mut PackageIndex,
    file: &'a GoFile,
    f: usize,
    /// One scope per enclosing function: the names declared there so far.
    locals: Vec<HashSet<String>>,
    /// Parameters, receivers and results of each enclosing function (aligned with `locals`);
    /// any other name in `locals` is a local variable.
    bindings: Vec<HashMap<String, Binding>>,
    /// The file is in package main (read once per file, not per declaration).
    is_main_pkg: bool,
    /// Locals that share a larger backing array (`s := buf[:16]`, `parts := strings.Split(b,
    /// ",")`): name -> the array they pin. Per top-level declaration.
    pins: HashMap<String, Pin>,
    /// What locals' backing arrays are, when their declaration says (`make([]byte, 64<<10)`,
    /// `var b [512]byte`, a view of C or unsafe memory). Per top-level declaration.
    backings: HashMap<String, Backing>,
    /// Closures numbered per enclosing function, as the compiler numbers them.
    closure_counts: HashMap<usize, usize>,
    /// Loop depth per enclosing function (aligned with `locals`).
    loops: Vec<u32>,
}

impl Walker<'_> {
    fn text(&self, n: Node<'_>) -> &str {
        self.file.text_of(n)
    }

    fn top_level(&mut self, root: Node<'_>) {
        for top in named_children(root) {
            match top.kind() {
                "function_declaration" | "method_declaration" => self.declaration(top),
                // Package-level initializers run once, before main.
                "var_declaration" => {
                    self.initializers(top);
                    self.walk(top, None);
                }
                _ => {}
            }
        }
    }

    /// `var x = v` at package level stores v in x, once.
    fn initializers(&mut self, decl: Node<'_>) {
        let mut specs = Vec::new();
        for c in named_children(decl) {
            match c.kind() {
                "var_spec" => specs.push(c),
                "var_spec_list" => specs.extend(named_children(c)),
                _ => {}
            }
        }
        for spec in specs.into_iter().filter(|s| s.kind() == "var_spec") {
            if spec.child_by_field_name("value").is_none() {
                continue;
            }
            let mut c = spec.walk();
            let names: Vec<String> = spec
                .children_by_field_name("name", &mut c)
                .map(|n| self.text(n).to_string())
                .filter(|n| self.ix.globals.contains_key(n))
                .collect();
            for name in names {
                self.effect(name, EffectKind::Assign, spec, None);
            }
        }
    }

    fn declaration(&mut self, node: Node<'_>) {
        self.pins.clear();
        self.backings.clear();
        let Some(name_node) = node.child_by_field_name("name") else {
            return;
        };
        let short = self.text(name_node).to_string();
        let (name, kind) = if node.kind() == "method_declaration" {
            let recv = node
                .child_by_field_name("receiver")
                .map(|r| receiver_type(self.file, r))
                .unwrap_or_default();
            (format!("{recv}.{short}"), FunctionKind::Method)
        } else {
            (short.clone(), FunctionKind::Func)
        };
        let is_main_pkg = self.is_main_pkg;
        let is_init = kind == FunctionKind::Func && short == "init";
        // How often a function runs comes from the call graph (settle_runs_once), never from
        // its name: HTTP handlers are often called Handle... and run per request.
        let runs_once = is_init || (kind == FunctionKind::Func && short == "main" && is_main_pkg);
        let mut scope = HashSet::new();
        let mut binds = HashMap::new();
        for (field, binding) in [
            ("receiver", Binding::Receiver),
            ("parameters", Binding::Param),
            ("result", Binding::Result),
        ] {
            if let Some(p) = node.child_by_field_name(field) {
                for n in param_names(self.file, p)
                    .into_iter()
                    .filter(|n| !n.is_empty())
                {
                    binds.insert(n.clone(), binding);
                    scope.insert(n);
                }
            }
        }
        let params = node
            .child_by_field_name("parameters")
            .map(|p| param_names(self.file, p))
            .unwrap_or_default();
        if let Some(p) = node.child_by_field_name("parameters") {
            self.record_param_backings(p);
        }
        let idx = self.ix.functions.len();
        self.ix.functions.push(Function {
            name,
            kind,
            loc: loc(self.f, node),
            parent: None,
            params,
            runs_once,
            init_time: is_init,
            // In package main nothing outside can call an exported name: the call graph
            // the source shows is all there is.
            exported: short.starts_with(|c: char| c.is_uppercase()) && !is_main_pkg,
            registration_api: kind == FunctionKind::Func && is_registration_name(&short),
        });
        self.locals.push(scope);
        self.bindings.push(binds);
        self.loops.push(0);
        if let Some(body) = node.child_by_field_name("body") {
            self.walk(body, Some(idx));
        }
        self.loops.pop();
        self.bindings.pop();
        self.locals.pop();
    }

    fn closure(&mut self, node: Node<'_>, parent: Option<usize>) {
        let n = {
            let key = parent.unwrap_or(usize::MAX);
            let c = self.closure_counts.entry(key).or_insert(0);
            *c += 1;
            *c
        };
        let name = match parent {
            Some(p) if self.ix.functions[p].kind == FunctionKind::Closure => {
                format!("{}.{n}", self.ix.functions[p].name)
            }
            Some(p) => format!("{}.func{n}", self.ix.functions[p].name),
            None => format!("init.func{n}"),
        };
        let runs_once = self.closure_runs_once(node, parent);
        let init_time = runs_once && self.is_once_body(node);
        let mut scope = HashSet::new();
        let mut binds = HashMap::new();
        if let Some(p) = node.child_by_field_name("parameters") {
            for n in param_names(self.file, p) {
                binds.insert(n.clone(), Binding::Param);
                scope.insert(n);
            }
        }
        let params = node
            .child_by_field_name("parameters")
            .map(|p| param_names(self.file, p))
            .unwrap_or_default();
        let idx = self.ix.functions.len();
        self.ix.functions.push(Function {
            name,
            kind: FunctionKind::Closure,
            loc: loc(self.f, node),
            parent,
            params,
            runs_once,
            init_time,
            exported: false,
            registration_api: false,
        });
        self.locals.push(scope);
        self.bindings.push(binds);
        self.loops.push(0);
        if let Some(body) = node.child_by_field_name("body") {
            self.walk(body, Some(idx));
        }
        self.loops.pop();
        self.bindings.pop();
        self.locals.pop();
    }

    /// A closure handed to sync.Once.Do / OnceFunc / OnceValue(s).
    fn is_once_body(&self, node: Node<'_>) -> bool {
        node.parent()
            .filter(|up| up.kind() == "argument_list")
            .and_then(|up| up.parent())
            .and_then(|call| call.child_by_field_name("function"))
            .is_some_and(|f| is_once_callee(self.text(f)))
    }

    /// A closure runs once when its parent does and it is called on the spot, or when it is
    /// handed to sync.Once.Do / sync.OnceFunc / OnceValue(s).
    fn closure_runs_once(&self, node: Node<'_>, parent: Option<usize>) -> bool {
        let parent_once = self.ix.runs_once(parent);
        let Some(up) = node.parent() else {
            return false;
        };
        if up.kind() == "call_expression"
            && up.child_by_field_name("function").map(|f| f.id()) == Some(node.id())
        {
            return parent_once;
        }
        if up.kind() == "argument_list"
            && let Some(call) = up.parent()
        {
            let callee = call
                .child_by_field_name("function")
                .map(|f| self.text(f))
                .unwrap_or("");
            if callee.ends_with(".Do")
                || matches!(
                    callee,
                    "sync.OnceFunc" | "sync.OnceValue" | "sync.OnceValues"
                )
            {
                return true;
            }
        }
        false
    }

    fn in_loop(&self) -> bool {
        self.loops.last().is_some_and(|&d| d > 0)
    }

    fn declare(&mut self, name: &str) {
        if let Some(scope) = self.locals.last_mut() {
            scope.insert(name.to_string());
        }
    }

    /// A name that refers to a package-level variable here (not shadowed by a local).
    fn global_named(&self, name: &str) -> bool {
        self.ix.globals.contains_key(name) && !self.locals.iter().any(|s| s.contains(name))
    }

    /// The package-level variable an expression is rooted in: `g`, `g[k]`, `g.f`, `*g`, `(g)`.
    fn root_global(&self, mut n: Node<'_>) -> Option<String> {
        loop {
            match n.kind() {
                "identifier" => {
                    let name = self.text(n);
                    return self.global_named(name).then(|| name.to_string());
                }
                "index_expression" | "selector_expression" | "slice_expression" => {
                    n = n.child_by_field_name("operand")?;
                }
                "unary_expression" | "parenthesized_expression" => {
                    n = n
                        .child_by_field_name("operand")
                        .or_else(|| named_children(n).into_iter().next())?;
                }
                _ => return None,
            }
        }
    }

    /// Who owns the value an expression is rooted in: `mux` (package-level) is kept by the
    /// process; `r`, `s.mux`, `NewRouter()` by whoever holds them.
    fn owner_of(&self, mut n: Node<'_>) -> Owner {
        loop {
            match n.kind() {
                "identifier" => {
                    let name = self.text(n).to_string();
                    for (scope, binds) in self.locals.iter().zip(&self.bindings).rev() {
                        if scope.contains(&name) {
                            let binding = binds.get(&name).copied().unwrap_or(Binding::Local);
                            return Owner::Scoped { name, binding };
                        }
                    }
                    if self.ix.globals.contains_key(&name) {
                        return Owner::Process(format!("the package-level `{name}`"));
                    }
                    // An imported package's function (`router.Handle`): what that package does
                    // with it is decided there, and nothing here shows it is kept.
                    return Owner::Scoped {
                        name,
                        binding: Binding::Import,
                    };
                }
                "selector_expression" | "index_expression" | "slice_expression" => {
                    match n.child_by_field_name("operand") {
                        Some(o) => n = o,
                        None => break,
                    }
                }
                "unary_expression" | "parenthesized_expression" => {
                    match n
                        .child_by_field_name("operand")
                        .or_else(|| named_children(n).into_iter().next())
                    {
                        Some(o) => n = o,
                        None => break,
                    }
                }
                _ => break,
            }
        }
        // A value made on the spot (`NewRouter().Handle(...)`): it lives as long as the
        // expression's result is kept, which is not the process by default.
        Owner::Scoped {
            name: self.text(n).to_string(),
            binding: Binding::Local,
        }
    }

    /// The owner of what a registration keeps; `api` is the REGISTRATIONS entry that matched
    /// (`.HandleFunc` for any receiver's method).
    fn registration_owner(
        &self,
        api: &str,
        callee_node: Node<'_>,
        args: &[Node<'_>],
        keeper: &str,
    ) -> Owner {
        if api == "context.AfterFunc" {
            // Kept until the context is done: for the life of the process for a package-level
            // context nothing cancels, as long as the caller's context otherwise.
            let Some(ctx) = args.first() else {
                return Owner::Process(keeper.to_string());
            };
            return self.owner_of(*ctx);
        }
        if api.starts_with('.') {
            // A method registration (`mux.HandleFunc`): the receiver decides.
            if let Some(operand) = callee_node.child_by_field_name("operand") {
                return match self.owner_of(operand) {
                    Owner::Process(k) => {
                        Owner::Process(format!("the ServeMux in {}", k.trim_start_matches("the ")))
                    }
                    scoped => scoped,
                };
            }
        }
        Owner::Process(keeper.to_string())
    }

    /// A ServeMux pattern: a string literal, or a name that says it is one.
    fn looks_like_pattern(&self, n: Node<'_>) -> bool {
        if matches!(
            n.kind(),
            "interpreted_string_literal" | "raw_string_literal"
        ) {
            return true;
        }
        let t = self.text(n).to_ascii_lowercase();
        ["pattern", "path", "route", "prefix"]
            .iter()
            .any(|w| t.contains(w))
    }

    /// `buf[a:b]` (possibly parenthesized), a local cut from a larger array, or an element of
    /// a split's result: the array it pins. A sub-slice of a package-level variable, or of
    /// memory the Go heap does not own, pins nothing that would otherwise be freed.
    fn sliced(&self, n: Node<'_>) -> Option<Pin> {
        match n.kind() {
            "slice_expression" => {
                let direct = n.child_by_field_name("operand")?;
                let mut op = direct;
                while matches!(op.kind(), "selector_expression" | "index_expression") {
                    op = op.child_by_field_name("operand")?;
                }
                if op.kind() != "identifier" {
                    return None;
                }
                let name = self.text(op);
                if self.global_named(name) {
                    return None;
                }
                let backing = self.backings.get(name).copied();
                if backing == Some(Backing::Unowned) {
                    return None;
                }
                // Sizes only when the slice cuts the variable itself, not a field of it.
                let (bytes, elem) = match backing {
                    Some(Backing::Sized { bytes, elem }) if direct.id() == op.id() => (bytes, elem),
                    _ => (None, None),
                };
                let kept = elem
                    .zip(pin::slice_len(n, &self.file.text))
                    .and_then(|(e, len)| e.checked_mul(len));
                Some(match self.pins.get(name) {
                    Some(p) => Pin {
                        of: p.of.clone(),
                        kept,
                        backing: p.backing.or(bytes),
                    },
                    None => Pin {
                        of: name.to_string(),
                        kept,
                        backing: bytes,
                    },
                })
            }
            // A local that is itself a sub-slice, or an element of a split's result.
            "identifier" => self.pins.get(self.text(n)).cloned(),
            "index_expression" => {
                let op = n.child_by_field_name("operand")?;
                (op.kind() == "identifier")
                    .then(|| self.pins.get(self.text(op)).cloned())
                    .flatten()
            }
            "parenthesized_expression" => {
                named_children(n).into_iter().find_map(|c| self.sliced(c))
            }
            _ => None,
        }
    }

    /// What a local's declared value says about its backing array: `make([]T, n, c)` with
    /// constant sizes, `string(b)`/`[]byte(s)` of a sized local (a copy of the same length),
    /// or a view of unsafe or C memory.
    fn backing_of(&self, rhs: Node<'_>) -> Option<Backing> {
        let text = self.text(rhs);
        if text.contains("unsafe.Pointer(") || text.starts_with("C.") {
            return Some(Backing::Unowned);
        }
        // `(*[1 << 20]T)(p)` of an unsafe pointer: a view of memory, not an allocation.
        if matches!(rhs.kind(), "call_expression" | "type_conversion_expression")
            && text.starts_with("(*[")
        {
            let arg = rhs
                .child_by_field_name("arguments")
                .and_then(|a| named_children(a).into_iter().next())
                .or_else(|| rhs.child_by_field_name("operand"));
            if arg.is_some_and(|a| self.backings.get(self.text(a)) == Some(&Backing::Unowned)) {
                return Some(Backing::Unowned);
            }
        }
        if rhs.kind() != "call_expression" {
            return None;
        }
        let callee = rhs.child_by_field_name("function")?;
        let args = named_children(rhs.child_by_field_name("arguments")?);
        match self.text(callee) {
            "make" => {
                let ty = args.first().filter(|t| t.kind() == "slice_type")?;
                let elem = ty
                    .child_by_field_name("element")
                    .and_then(|e| pin::elem_size(self.text(e)));
                let count = args
                    .get(2)
                    .or(args.get(1))
                    .and_then(|c| pin::const_int(*c, &self.file.text));
                Some(Backing::Sized {
                    bytes: elem.zip(count).and_then(|(e, c)| e.checked_mul(c)),
                    elem,
                })
            }
            "string" | "[]byte" => {
                let arg = args.first().filter(|a| a.kind() == "identifier")?;
                match self.backings.get(self.text(*arg)) {
                    Some(Backing::Sized {
                        bytes,
                        elem: Some(1),
                    }) => Some(Backing::Sized {
                        bytes: *bytes,
                        elem: Some(1),
                    }),
                    _ => Some(Backing::Sized {
                        bytes: None,
                        elem: Some(1),
                    }),
                }
            }
            _ => None,
        }
    }

    /// Parameters say what they point into by their type: `buf []byte` has 1-byte elements
    /// (its size is the caller's), `p unsafe.Pointer` is memory the Go heap may not own.
    fn record_param_backings(&mut self, list: Node<'_>) {
        for decl in named_children(list) {
            let Some(ty) = decl.child_by_field_name("type") else {
                continue;
            };
            let backing = match ty.kind() {
                "slice_type" => Backing::Sized {
                    bytes: None,
                    elem: ty
                        .child_by_field_name("element")
                        .and_then(|e| pin::elem_size(self.text(e))),
                },
                _ => match self.text(ty) {
                    "string" => Backing::Sized {
                        bytes: None,
                        elem: Some(1),
                    },
                    "unsafe.Pointer" | "uintptr" => Backing::Unowned,
                    _ => continue,
                },
            };
            let mut c = decl.walk();
            let names: Vec<String> = decl
                .children_by_field_name("name", &mut c)
                .map(|n| self.text(n).to_string())
                .collect();
            for n in names {
                self.backings.insert(n, backing);
            }
        }
    }

    /// `var b [512]byte` in a function: a local array of known size.
    fn record_array(&mut self, spec: Node<'_>) {
        let Some(ty) = spec
            .child_by_field_name("type")
            .filter(|t| t.kind() == "array_type")
        else {
            return;
        };
        let elem = ty
            .child_by_field_name("element")
            .and_then(|e| pin::elem_size(self.text(e)));
        let count = ty
            .child_by_field_name("length")
            .and_then(|l| pin::const_int(l, &self.file.text));
        let backing = Backing::Sized {
            bytes: elem.zip(count).and_then(|(e, c)| e.checked_mul(c)),
            elem,
        };
        let mut c = spec.walk();
        let names: Vec<String> = spec
            .children_by_field_name("name", &mut c)
            .map(|n| self.text(n).to_string())
            .collect();
        for n in names {
            self.backings.insert(n, backing);
        }
    }

    /// `s := buf[:n]` and `parts := strings.Split(body, ",")` make locals that pin `buf` and
    /// `body`; `buf := make([]byte, 64<<10)` makes a local whose size is known.
    fn record_pins(&mut self, decl: Node<'_>) {
        let (Some(l), Some(r)) = (
            decl.child_by_field_name("left"),
            decl.child_by_field_name("right"),
        ) else {
            return;
        };
        for (lhs, rhs) in named_children(l).into_iter().zip(named_children(r)) {
            let name = self.text(lhs).to_string();
            let pinned = match rhs.kind() {
                "slice_expression" => self.sliced(rhs),
                "call_expression" => {
                    let callee = rhs
                        .child_by_field_name("function")
                        .map(|f| self.text(f))
                        .unwrap_or("");
                    let splits = matches!(
                        callee,
                        "strings.Split"
                            | "strings.SplitN"
                            | "strings.SplitAfter"
                            | "strings.Fields"
                            | "strings.FieldsFunc"
                            | "bytes.Split"
                            | "bytes.SplitN"
                            | "bytes.Fields"
                    );
                    splits
                        .then(|| {
                            rhs.child_by_field_name("arguments")
                                .and_then(|a| named_children(a).into_iter().next())
                                .filter(|a| a.kind() == "identifier")
                                .map(|a| {
                                    let of = self.text(a).to_string();
                                    let backing = match self.backings.get(&of) {
                                        Some(Backing::Sized { bytes, .. }) => *bytes,
                                        _ => None,
                                    };
                                    Pin {
                                        of,
                                        kept: None,
                                        backing,
                                    }
                                })
                        })
                        .flatten()
                }
                _ => None,
            };
            match pinned {
                Some(p) => {
                    // The local's own sub-slices cut the same array, element for element.
                    let elem = match self.backings.get(&p.of) {
                        Some(Backing::Sized { elem, .. }) => *elem,
                        _ => None,
                    };
                    self.backings.insert(
                        name.clone(),
                        Backing::Sized {
                            bytes: p.backing,
                            elem,
                        },
                    );
                    self.pins.insert(name, p);
                }
                None => {
                    self.pins.remove(&name);
                    match self.backing_of(rhs) {
                        Some(b) => self.backings.insert(name, b),
                        None => self.backings.remove(&name),
                    };
                }
            }
        }
    }

    fn mentions_global(&self, n: Node<'_>, global: &str) -> bool {
        if n.kind() == "identifier" && self.text(n) == global {
            return true;
        }
        named_children(n)
            .into_iter()
            .any(|c| c.kind() != "func_literal" && self.mentions_global(c, global))
    }

    fn effect(&mut self, global: String, kind: EffectKind, node: Node<'_>, func: Option<usize>) {
        self.effect_with(global, kind, node, func, None);
    }

    fn effect_with(
        &mut self,
        global: String,
        kind: EffectKind,
        node: Node<'_>,
        func: Option<usize>,
        pin: Option<Pin>,
    ) {
        self.ix.effects.push(Effect {
            global,
            kind,
            loc: loc(self.f, node),
            function: func,
            pin,
            in_loop: self.in_loop(),
            key: None,
        });
    }

    fn walk(&mut self, node: Node<'_>, func: Option<usize>) {
        match node.kind() {
            "func_literal" => {
                self.closure(node, func);
                return;
            }
            "short_var_declaration" => {
                // The right side is evaluated before the names exist.
                if let Some(r) = node.child_by_field_name("right") {
                    self.walk(r, func);
                }
                self.record_pins(node);
                if let Some(l) = node.child_by_field_name("left") {
                    for id in named_children(l) {
                        let name = self.text(id).to_string();
                        self.declare(&name);
                    }
                }
                return;
            }
            "var_spec" if func.is_some() => {
                let mut c = node.walk();
                let names: Vec<String> = node
                    .children_by_field_name("name", &mut c)
                    .map(|n| self.text(n).to_string())
                    .collect();
                for n in names {
                    self.declare(&n);
                }
                self.record_array(node);
            }
            "range_clause" => {
                if let Some(r) = node.child_by_field_name("right")
                    && let Some(g) = self.root_global(r)
                    && r.kind() == "identifier"
                    && self
                        .ix
                        .globals
                        .get(&g)
                        .is_some_and(|g| g.kind == GlobalKind::Chan)
                {
                    self.effect(g, EffectKind::Receive, node, func);
                }
                if let Some(l) = node.child_by_field_name("left")
                    && self.text(node).contains(":=")
                {
                    for id in named_children(l) {
                        let name = self.text(id).to_string();
                        self.declare(&name);
                    }
                }
            }
            "for_statement" => {
                // The loop header runs before the body; everything in the body repeats.
                let body = node.child_by_field_name("body");
                for c in named_children(node) {
                    if Some(c.id()) != body.map(|b| b.id()) {
                        self.walk(c, func);
                    }
                }
                if let Some(b) = body {
                    if let Some(d) = self.loops.last_mut() {
                        *d += 1;
                    }
                    self.walk(b, func);
                    if let Some(d) = self.loops.last_mut() {
                        *d -= 1;
                    }
                }
                return;
            }
            "assignment_statement" => self.assignment(node, func),
            "send_statement" => {
                if let Some(ch) = node.child_by_field_name("channel")
                    && let Some(g) = self.root_global(ch)
                {
                    self.effect(g, EffectKind::Send, node, func);
                }
            }
            "unary_expression" => {
                let op = node
                    .child_by_field_name("operator")
                    .map(|o| self.text(o))
                    .unwrap_or("");
                if op == "<-"
                    && let Some(g) = node
                        .child_by_field_name("operand")
                        .and_then(|o| self.root_global(o))
                {
                    self.effect(g, EffectKind::Receive, node, func);
                }
            }
            "call_expression" => self.call(node, func),
            "identifier" => {
                // A function name used other than as a callee may run from anywhere.
                let name = self.text(node);
                let is_callee = node.parent().is_some_and(|p| {
                    p.kind() == "call_expression"
                        && p.child_by_field_name("function").map(|f| f.id()) == Some(node.id())
                });
                if !is_callee && !self.locals.iter().any(|s| s.contains(name)) {
                    self.ix.used_as_value.insert(name.to_string());
                }
            }
            _ => {}
        }
        for c in named_children(node) {
            self.walk(c, func);
        }
    }

    fn assignment(&mut self, node: Node<'_>, func: Option<usize>) {
        let (Some(l), Some(r)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return;
        };
        let lefts = named_children(l);
        let rights = named_children(r);
        for (i, lhs) in lefts.iter().enumerate() {
            let Some(g) = self.root_global(*lhs) else {
                continue;
            };
            let rhs = rights.get(i).or(rights.first()).copied();
            let gkind = self.ix.globals[&g].kind;
            // The value stored, or for `g = append(g, x...)` each appended value.
            let subslice = rhs.and_then(|r| {
                self.sliced(r).or_else(|| {
                    let callee = r.child_by_field_name("function").map(|f| self.text(f));
                    (r.kind() == "call_expression" && callee == Some("append"))
                        .then(|| {
                            r.child_by_field_name("arguments").and_then(|a| {
                                named_children(a)
                                    .into_iter()
                                    .skip(1)
                                    .find_map(|x| self.sliced(x))
                            })
                        })
                        .flatten()
                })
            });
            let kind = match lhs.kind() {
                "index_expression" => match self.indexed_kind(*lhs, gkind, &g) {
                    GlobalKind::Slice | GlobalKind::Array => EffectKind::Assign,
                    _ => EffectKind::Insert,
                },
                "identifier" => match rhs {
                    Some(r) => self.assigned_value(&g, r),
                    None => EffectKind::Assign,
                },
                // `g.f = ...`: the field behaves like a variable of its own.
                _ => match rhs {
                    Some(r) => self.assigned_value_to(self.text(*lhs), &g, r),
                    None => EffectKind::Assign,
                },
            };
            let key = (kind == EffectKind::Insert)
                .then(|| {
                    lhs.child_by_field_name("index")
                        .map(|k| self.text(k).to_string())
                })
                .flatten();
            self.effect_with(g, kind, node, func, subslice);
            if let Some(e) = self.ix.effects.last_mut() {
                e.key = key;
            }
        }
    }

    /// What `X[k]` indexes: the global itself, or a field of it (`g.f[k]`), whose type is looked
    /// up in the global's type or the package's type declarations.
    fn indexed_kind(&self, lhs: Node<'_>, gkind: GlobalKind, g: &str) -> GlobalKind {
        let Some(operand) = lhs.child_by_field_name("operand") else {
            return gkind;
        };
        if operand.kind() != "selector_expression" {
            return gkind;
        }
        let Some(field) = operand.child_by_field_name("field") else {
            return gkind;
        };
        let field = self.text(field);
        let global = &self.ix.globals[g];
        let mut texts = vec![global.type_text.as_str()];
        let named = global.type_text.trim_start_matches(['&', '*']);
        let named = named.split(['{', '(']).next().unwrap_or("").trim();
        if let Some(t) = self.ix.types.get(named) {
            texts.push(t);
        }
        for text in texts {
            if let Some(ty) = field_type(text, field) {
                return if ty.starts_with("map[") {
                    GlobalKind::Map
                } else if ty.starts_with('[') {
                    GlobalKind::Slice
                } else {
                    GlobalKind::Other
                };
            }
        }
        GlobalKind::Other
    }

    /// What `g = rhs` does to g.
    fn assigned_value(&self, g: &str, rhs: Node<'_>) -> EffectKind {
        self.assigned_value_to(g, g, rhs)
    }

    /// What `target = rhs` does, where target is `g` or a field path of it (`g.list`).
    fn assigned_value_to(&self, target: &str, g: &str, rhs: Node<'_>) -> EffectKind {
        let text = self.text(rhs).trim();
        match rhs.kind() {
            "nil" => return EffectKind::Reset,
            "composite_literal" if !self.mentions_global(rhs, g) => return EffectKind::Reset,
            "call_expression" => {
                let callee = rhs
                    .child_by_field_name("function")
                    .map(|f| self.text(f))
                    .unwrap_or("");
                let first = rhs
                    .child_by_field_name("arguments")
                    .and_then(|a| named_children(a).into_iter().next());
                if callee == "append" && first.is_some_and(|a| self.text(a) == target) {
                    return EffectKind::Append;
                }
                if matches!(callee, "make" | "new" | "list.New") {
                    return EffectKind::Reset;
                }
            }
            "slice_expression" => {
                let on_self = rhs
                    .child_by_field_name("operand")
                    .is_some_and(|o| self.text(o) == target);
                if on_self {
                    return EffectKind::Truncate;
                }
            }
            "selector_expression" => {
                // `head = head.next`: the head moves on and the old node can go.
                let on_self = rhs
                    .child_by_field_name("operand")
                    .is_some_and(|o| self.text(o) == target);
                if on_self {
                    return EffectKind::Pop;
                }
            }
            _ => {}
        }
        if text == target {
            return EffectKind::Assign;
        }
        // Guard: only a new value that points at the old one grows (`head = &node{next: head}`);
        // `next = (next + 1) % n` computes a number from it and replaces it.
        let builds = matches!(rhs.kind(), "composite_literal" | "unary_expression");
        if builds && self.mentions_global(rhs, g) {
            EffectKind::Grow
        } else {
            EffectKind::Assign
        }
    }

    fn call(&mut self, node: Node<'_>, func: Option<usize>) {
        let Some(callee_node) = node.child_by_field_name("function") else {
            return;
        };
        let callee = self.text(callee_node).to_string();
        let args: Vec<Node<'_>> = node
            .child_by_field_name("arguments")
            .map(named_children)
            .unwrap_or_default();
        if callee_node.kind() == "identifier" && !self.locals.iter().any(|s| s.contains(&callee)) {
            let in_loop = self.in_loop();
            self.ix
                .calls
                .entry(callee.clone())
                .or_default()
                .push((func, in_loop));
        }
        if is_once_callee(&callee) {
            for a in &args {
                if a.kind() == "identifier" {
                    let name = self.text(*a).to_string();
                    self.ix.once_by_name.insert(name);
                }
            }
        }
        match callee.as_str() {
            "delete" | "clear" => {
                if let Some(g) = args.first().and_then(|a| self.root_global(*a)) {
                    let kind = if callee == "delete" {
                        EffectKind::Delete
                    } else {
                        EffectKind::Clear
                    };
                    self.effect(g, kind, node, func);
                }
                return;
            }
            _ => {}
        }
        // Methods on package-level containers: sync.Map, container/list, expvar.Map.
        if callee_node.kind() == "selector_expression" {
            let operand = callee_node.child_by_field_name("operand");
            let method = callee_node
                .child_by_field_name("field")
                .map(|f| self.text(f).to_string())
                .unwrap_or_default();
            if let Some(g) = operand.and_then(|o| self.root_global(o)) {
                let gkind = self.ix.globals[&g].kind;
                let kind = match (gkind, method.as_str()) {
                    (GlobalKind::SyncMap, "Store" | "LoadOrStore" | "Swap") => {
                        Some(EffectKind::Insert)
                    }
                    (
                        GlobalKind::SyncMap,
                        "Delete" | "LoadAndDelete" | "CompareAndDelete" | "Clear",
                    ) => Some(EffectKind::Delete),
                    (
                        GlobalKind::List,
                        "PushBack" | "PushFront" | "InsertBefore" | "InsertAfter" | "PushBackList"
                        | "PushFrontList",
                    ) => Some(EffectKind::Append),
                    (GlobalKind::List, "Remove" | "Init") => Some(EffectKind::Delete),
                    // expvar.Map.Set(k, v) adds a key; atomic.Pointer.Store(v) replaces.
                    (GlobalKind::Other, "Set" | "Add" | "Store" | "Swap") => {
                        Some(if args.len() >= 2 {
                            EffectKind::Insert
                        } else {
                            EffectKind::Assign
                        })
                    }
                    (_, "Delete" | "Remove" | "Reset" | "Clear") => Some(EffectKind::Delete),
                    _ => None,
                };
                if let Some(k) = kind {
                    let subslice = args.iter().find_map(|a| self.sliced(*a));
                    let key = (k == EffectKind::Insert && args.len() >= 2)
                        .then(|| self.text(args[0]).to_string());
                    self.effect_with(g, k, node, func, subslice);
                    if let Some(e) = self.ix.effects.last_mut() {
                        e.key = key;
                    }
                }
            }
        }
        if let Some((suffix, keeper, undo)) = REGISTRATIONS
            .iter()
            .find(|(s, _, _)| {
                if s.starts_with('.') {
                    // Guard: slog.Handler.Handle(ctx, r) and friends are not a ServeMux; a mux
                    // method takes a pattern first.
                    callee.ends_with(s)
                        && args.len() == 2
                        && !callee.starts_with("http.")
                        && args.first().is_some_and(|a| self.looks_like_pattern(*a))
                } else {
                    callee == *s
                }
            })
            .copied()
        {
            // Assigned or returned: the caller can undo it (Stop).
            let bound = node
                .parent()
                .is_some_and(|p| matches!(p.kind(), "expression_list" | "return_statement"));
            // Guard: context.Background() and TODO() are never done (their Done() is nil), so
            // context.AfterFunc never registers the callback at all: nothing is kept.
            if suffix == "context.AfterFunc"
                && args.first().is_some_and(|c| {
                    matches!(self.text(*c), "context.Background()" | "context.TODO()")
                })
            {
                return;
            }
            let owner = self.registration_owner(suffix, callee_node, &args, keeper);
            self.ix.registrations.push(Registration {
                api: callee.clone(),
                keeper,
                undo,
                owner,
                loc: loc(self.f, node),
                function: func,
                in_loop: self.in_loop(),
                first_arg: args
                    .first()
                    .map(|a| self.text(*a).to_string())
                    .unwrap_or_default(),
                bound,
                forwards: {
                    // The argument the API keeps: the channel for signal.Notify, the name for
                    // expvar.New*, the handler or callback otherwise.
                    let kept = match suffix {
                        "signal.Notify" | "expvar.NewInt" | "expvar.NewFloat" | "expvar.NewMap"
                        | "expvar.NewString" => 0,
                        _ => 1,
                    };
                    args.get(kept)
                        .filter(|a| {
                            a.kind() == "identifier"
                                && self
                                    .bindings
                                    .last()
                                    // A method that registers its own receiver (`func (s
                                    // *Server) HandleHTTP(path string)`) leaves when to its
                                    // callers too.
                                    .is_some_and(|b| {
                                        matches!(
                                            b.get(self.text(**a)),
                                            Some(Binding::Param | Binding::Receiver)
                                        )
                                    })
                        })
                        .map(|_| vec![kept])
                        .unwrap_or_default()
                },
            });
        }
    }
}

/// The type written for `field` in a struct type's text (`labels []unsafe.Pointer`).
fn field_type<'t>(struct_text: &'t str, field: &str) -> Option<&'t str> {
    struct_text.lines().find_map(|l| {
        let l = l.trim();
        let rest = l.strip_prefix(field)?;
        if !rest.starts_with([' ', '\t']) {
            return None;
        }
        Some(rest.trim_start())
    })
}

fn is_once_callee(callee: &str) -> bool {
    callee.ends_with(".Do")
        || matches!(
            callee,
            "sync.OnceFunc" | "sync.OnceValue" | "sync.OnceValues"
        )
}

/// Exported registration APIs by convention (gob.Register, sql.Register, image.RegisterFormat,
/// prometheus.MustRegister).
fn is_registration_name(name: &str) -> bool {
    ["Register", "MustRegister"].iter().any(|p| {
        name.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_uppercase()))
    })
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
        .find(|n| n.kind() == "package_clause")?;
    named_children(clause)
        .into_iter()
        .next()
        .map(|n| file.text_of(n))
}

/// Parameter names of a parameter_list, in order (empty for unnamed ones).
fn param_names(file: &GoFile, list: Node<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for decl in named_children(list) {
        let mut c = decl.walk();
        let names: Vec<String> = decl
            .children_by_field_name("name", &mut c)
            .map(|n| file.text_of(n).to_string())
            .collect();
        if names.is_empty() {
            out.push(String::new());
        } else {
            out.extend(names);
        }
    }
    out
}

/// `(s *Store)` -> `(*Store)`, `(s Store[K])` -> `Store`.
fn receiver_type(file: &GoFile, recv: Node<'_>) -> String {
    let Some(decl) = named_children(recv).into_iter().next() else {
        return String::new();
    };
    let Some(t) = decl.child_by_field_name("type") else {
        return String::new();
    };
    let text = strip_shapes(file.text_of(t));
    match text.strip_prefix('*') {
        Some(inner) => format!("(*{})", inner.trim()),
        None => text,
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
