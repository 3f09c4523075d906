//! Who holds it: turns each diagnostic about a value into a [`Finding`] with a verdict.
//!
//! The compiler's `-m=2` flow says where a value goes (`{heap}`, a result, a closure); the
//! source says what that place is. For each flow that ends at `{heap}`, the `from ... at POS`
//! steps that store (assign, map put, send, append, call parameter) are looked up in the
//! package index: a store into a package-level variable, a registration call, or a call to a
//! function of the package whose parameter is itself stored (followed, so `put(k)` is reported
//! at the caller and at the store). Without a flow (a plain `-m` log), the source around the
//! diagnostic is used instead and the finding says its basis is weaker. That tracing is in
//! `trace`; the source-first rules (`stores`, `goroutine`, `timers`, `cgo`, ...) add what the
//! compiler's flows do not show.
//!
//! One file per holder rule; each rule is declared (code, name, advice, explanation) in
//! [`crate::rules`]. The verdict logic they share is in [`holder`].

pub mod cgo;
pub mod channel;
pub mod finalizer;
pub mod forgotten_sender;
pub mod global_map;
pub mod global_slice;
pub mod global_var;
pub mod goroutine;
pub mod goroutine_holder;
pub mod group;
pub mod heap;
pub mod holder;
pub mod linked_list;
pub mod registered_closure;
pub mod stores;
pub mod subslice;
pub mod timers;
mod trace;
pub mod words;
pub mod zero_size;

use crate::source::syntax::Syntax;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::escape::model::{Explanation, Flow, Header, Location, Reason, Step};
use crate::escape::{Diagnostic, Kind, Position, Section};
use crate::finding::{Basis, Evidence, Finding, Holder, Site, Verdict, quoted};
use crate::rules::{self, Rule, RuleId};
use crate::source::GoFile;
use crate::source::index::{Effect, Loc, PackageIndex};
use std::sync::Arc;

/// A finding that comes from the source alone (what the compiler does not report).
pub struct SourceFinding {
    pub rule: &'static Rule,
    pub verdict: Verdict,
    pub loc: Loc,
    pub subject: String,
    pub why: String,
    pub evidence: Vec<Evidence>,
    pub release: Option<crate::finding::Release>,
    /// The holder's name when it is not the rule's kind in words.
    pub holder_name: Option<String>,
    /// The title after "`subject`: ", when the rule's name and the verdict do not say it.
    pub title: Option<String>,
}

impl SourceFinding {
    pub fn new(
        rule: &'static Rule,
        verdict: Verdict,
        loc: Loc,
        subject: String,
        why: String,
    ) -> Self {
        SourceFinding {
            rule,
            verdict,
            loc,
            subject,
            why,
            evidence: Vec::new(),
            release: None,
            holder_name: None,
            title: None,
        }
    }
}

/// How to classify one section.
#[derive(Debug, Clone, Default)]
pub struct Options<'a> {
    /// The module root that positions' `path`s are relative to.
    pub root: Option<&'a Path>,
    /// The toolchain's Go minor version (`go version`, `--go-version`), and where that came
    /// from; the module's go.mod is read from `module`.
    pub toolchain: Option<u32>,
    pub toolchain_source: String,
    /// The main module: its go line and godebug settings change what the runtime does.
    pub module: Option<&'a crate::source::Module>,
    /// Run the source-only rules (C memory, goroutines, channels, timers): once per package
    /// directory, and for the test files again with a test variant.
    pub source_rules: SourceRules,
    /// The run's trees of files read by many packages' rules (generic code of another
    /// package), shared once a second section asks. None: parsed by each section that reads
    /// them.
    pub parsed: Option<&'a crate::source::parsed::SharedParses>,
}

/// Which of the source-only rules' findings a section gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SourceRules {
    /// None: another section of the package's directory has them.
    #[default]
    Skip,
    /// All of them: the first section of the package's directory.
    All,
    /// Those in `_test.go` files: a test variant, when the package's own section had the
    /// others (it was analysed without its test files).
    TestFiles,
}

impl From<bool> for SourceRules {
    fn from(all: bool) -> Self {
        if all {
            SourceRules::All
        } else {
            SourceRules::Skip
        }
    }
}

/// A long-lived holder a value reaches.
#[derive(Debug, Clone)]
struct Hit {
    rule: &'static Rule,
    holder: Holder,
    verdict: Verdict,
    evidence: Vec<Evidence>,
    basis: Basis,
    /// For a sub-slice kept by the holder: the array it pins, with sizes when known.
    pin: Option<crate::source::pin::Pin>,
    /// The title and the reason, when the rule's own words do not fit (a goroutine keeps it).
    words: Option<(String, String)>,
    /// The line of escape-explain.toml that decided the verdict.
    decided_by: Option<Site>,
}

/// What classification of one section needs.
pub struct Context<'a> {
    section: &'a Section,
    index: Option<&'a PackageIndex>,
    root: Option<PathBuf>,
    pub toolchain: Option<u32>,
    pub toolchain_source: String,
    pub module: Option<&'a crate::source::Module>,
    /// Resolved position -> diagnostics there.
    by_pos: HashMap<(String, u32, u32), Vec<usize>>,
    /// (function, parameter) -> leaking-parameter diagnostics.
    params: HashMap<(String, String), Vec<usize>>,
    /// (path, subject) -> the (line, diagnostic) of its `escapes to heap` diagnostics, by
    /// line: where a flow's `{storage for EXPR}` was allocated.
    escapes_by_subject: HashMap<(String, String), Vec<(u32, usize)>>,
    /// Boxed: most diagnostics reach no holder, and their entries stay small.
    memo: RefCell<HashMap<usize, Option<Box<Hit>>>>,
    files: RefCell<HashMap<String, Option<usize>>>,
    /// Files of the module outside the section's package, read for the words of a subject:
    /// generic code of another package, instantiated here, is reported at its own lines.
    foreign: RefCell<HashMap<String, Option<Arc<GoFile>>>>,
    parsed: Option<&'a crate::source::parsed::SharedParses>,
}

/// Classifies every value diagnostic of a section, then (with `source_rules`) adds what only
/// the source shows.
pub fn classify(
    section: &Section,
    index: Option<&PackageIndex>,
    opts: &Options<'_>,
) -> Vec<Finding> {
    let root = opts.root;
    let cleaned;
    let section = if section.diagnostics.iter().any(|d| wrapper_flows(d) > 0) {
        cleaned = without_wrapper_flows(section);
        &cleaned
    } else {
        section
    };
    let mut cx = Context {
        section,
        index,
        root: root.map(Path::to_path_buf),
        toolchain: opts.toolchain,
        toolchain_source: opts.toolchain_source.clone(),
        module: opts.module,
        by_pos: HashMap::new(),
        params: HashMap::new(),
        escapes_by_subject: HashMap::new(),
        memo: RefCell::new(HashMap::new()),
        files: RefCell::new(HashMap::new()),
        foreign: RefCell::new(HashMap::new()),
        parsed: opts.parsed,
    };
    for (i, d) in section.diagnostics.iter().enumerate() {
        if let Some(p) = &d.position
            && let (Some(path), Some(col)) = (&p.path, p.column)
        {
            cx.by_pos
                .entry((path.to_string(), p.line, col))
                .or_default()
                .push(i);
        }
        if d.kind == Kind::EscapesToHeap
            && let Some(s) = &d.subject
            && let Some(p) = &d.position
            && let Some(path) = &p.path
        {
            cx.escapes_by_subject
                .entry((path.to_string(), s.to_string()))
                .or_default()
                .push((p.line, i));
        }
        if is_param_leak(d.kind)
            && let (Some(f), Some(s)) = (cx.function_of(d), &d.subject)
        {
            let name = s.rsplit('.').next().unwrap_or(s).to_string();
            cx.params.entry((f, name)).or_default().push(i);
        }
    }
    for lines in cx.escapes_by_subject.values_mut() {
        lines.sort_unstable();
    }
    let reported = |d: &Diagnostic| is_value(d.kind) && !generated(d) && !cx.generated_closure(d);
    // Sized up front: growing a vector of a few hundred thousand findings by doubling would
    // hold two of them at once.
    let mut findings: Vec<Finding> =
        Vec::with_capacity(section.diagnostics.iter().filter(|d| reported(d)).count());
    findings.extend(
        section
            .diagnostics
            .iter()
            .enumerate()
            .filter(|(_, d)| reported(d))
            .map(|(i, d)| {
                let mut f = cx.finding(i, d);
                f.external = outside_module(d, root);
                if f.external
                    && let Some(at) = user_call_site(d)
                {
                    // Shown with --external: which line of the module brought this code in.
                    f.evidence.insert(
                    0,
                    Evidence {
                        note: format!(
                            "code outside the module, instantiated or inlined for the call at {at}"
                        ),
                        site: None,
                    },
                );
                }
                f
            }),
    );
    // Guard: the runtime's own goroutines and channels are started once by design, behind
    // atomic state the source index cannot follow (bgsweep, runFinalizers, the signal mask
    // watcher); the source rules would only second-guess it.
    let runtime = section
        .package
        .as_deref()
        .is_some_and(|p| p == "runtime" || p.starts_with("internal/runtime/"));
    if let (Some(index), false) = (index, runtime)
        && opts.source_rules != SourceRules::Skip
    {
        let mut found = Vec::new();
        cgo::check(&cx, index, &mut found);
        goroutine::check(&cx, index, &mut found);
        goroutine_holder::check(&cx, index, &mut found);
        forgotten_sender::check(&cx, index, &mut found);
        timers::check(&cx, index, &mut found);
        finalizer::check(&cx, index, &mut found);
        let mut source: Vec<Finding> = found
            .into_iter()
            .map(|sf| cx.source_finding(index, sf))
            .collect();
        source.extend(stores::check(&cx, index));
        if opts.source_rules == SourceRules::TestFiles {
            source.retain(|f| {
                f.position
                    .as_ref()
                    .and_then(|p| p.path.as_deref())
                    .is_some_and(|p| p.ends_with("_test.go"))
            });
        }
        findings.extend(source);
    }
    let mut findings = group::by_instantiation(group::by_holder_site(findings));
    // A file with a syntax error is indexed around the error, but what the broken part
    // declares, stores or releases is not seen: every verdict of the package says so.
    if let Some(index) = index {
        let broken: Vec<String> = index
            .files
            .iter()
            .filter_map(|f| {
                let line = f.syntax_error_line()?;
                let name = f.path.file_name()?.to_string_lossy().into_owned();
                Some(format!("`{name}` (line {line})"))
            })
            .collect();
        if !broken.is_empty() {
            let note = format!(
                "could not read all of {}: a syntax error there hides what that part stores or releases, so this verdict may miss a holder or a release",
                broken.join(", ")
            );
            for f in findings.iter_mut().filter(|f| f.verdict != Verdict::Stack) {
                f.evidence.push(Evidence {
                    note: note.clone(),
                    site: None,
                });
            }
        }
    }
    findings
}

/// A promoted method's wrapper (`type Cache struct{ *cache }`) is reported at the real
/// method's position, with a flow that only calls that method (`from (*cache).Set(c.cache, k,
/// x, d) (call parameter) at <autogenerated>:1`). Such explanations say nothing about where the
/// value goes: the real method's own explanation does.
fn is_wrapper_explanation(e: &Explanation) -> bool {
    !e.flows.is_empty()
        && e.flows.iter().all(|f| {
            !f.steps.is_empty()
                && f.steps.iter().all(|s| {
                    s.at.as_ref()
                        .is_some_and(|p| p.file.starts_with("<autogenerated>"))
                })
        })
}

/// How many of a diagnostic's explanations are a wrapper's, when it has others too.
fn wrapper_flows(d: &Diagnostic) -> usize {
    let n = d
        .explanations
        .iter()
        .filter(|e| is_wrapper_explanation(e))
        .count();
    if n < d.explanations.len() { n } else { 0 }
}

/// The section as classification sees it: wrappers folded into the real methods. The report
/// still shows every line the compiler printed.
fn without_wrapper_flows(section: &Section) -> Section {
    let mut s = section.clone();
    set_aside_wrapper_flows(&mut s);
    s
}

/// The wrapper explanations taken out of a section by [`set_aside_wrapper_flows`]: (diagnostic,
/// position among its explanations, the explanation), in order.
pub struct WrapperFlows(Vec<(usize, usize, Explanation)>);

/// Takes the wrappers' explanations out of the section in place, so that [`classify`] sees the
/// real methods' without copying the section (a package's section can hold hundreds of
/// megabytes of flows); [`restore_wrapper_flows`] puts them back for the report.
pub fn set_aside_wrapper_flows(section: &mut Section) -> WrapperFlows {
    let mut taken = Vec::new();
    for (i, d) in section.diagnostics.iter_mut().enumerate() {
        if wrapper_flows(d) == 0 {
            continue;
        }
        let all = std::mem::take(&mut d.explanations);
        for (j, e) in all.into_iter().enumerate() {
            if is_wrapper_explanation(&e) {
                taken.push((i, j, e));
            } else {
                d.explanations.push(e);
            }
        }
    }
    WrapperFlows(taken)
}

/// Puts back what [`set_aside_wrapper_flows`] took, each explanation at its place.
pub fn restore_wrapper_flows(section: &mut Section, flows: WrapperFlows) {
    // In order of (diagnostic, place): inserting each at its original index restores the list.
    for (i, j, e) in flows.0 {
        let list = &mut section.diagnostics[i].explanations;
        list.insert(j.min(list.len()), e);
    }
}

/// The first step of a diagnostic's flow at a position in the module (a relative path that was
/// found there): the user's call that brought code from outside the module in.
fn user_call_site(d: &Diagnostic) -> Option<String> {
    d.explanations
        .iter()
        .flat_map(|e| e.flows.iter())
        .flat_map(|f| f.steps.iter())
        .filter_map(|s| s.at.as_ref())
        .find(|p| {
            p.path
                .as_deref()
                .is_some_and(|q| !Path::new(q).is_absolute())
        })
        .map(|p| p.display_best())
}

/// A verdict read from the `-m=2` flow when the log has one, else from the message alone.
fn flow_basis(d: &Diagnostic) -> Basis {
    if d.explanations.is_empty() {
        Basis::Message
    } else {
        Basis::Flow
    }
}

/// Code the go command generated (cgo's `_cgo_gotypes.go`, a test's `_testmain.go`,
/// `<autogenerated>` wrappers): nobody's to change, so no finding.
fn generated(d: &Diagnostic) -> bool {
    let Some(p) = &d.position else { return false };
    let name = p.file.rsplit(['/', '\\']).next().unwrap_or(&p.file);
    name.starts_with("_cgo_") || name == "_testmain.go" || name.starts_with('<')
}

/// Code from outside the module reported inside it (a standard-library generic instantiated
/// here, an inlined dependency): not the user's to change, so hidden unless `--external`.
fn outside_module(d: &Diagnostic, root: Option<&Path>) -> bool {
    let Some(p) = &d.position else { return false };
    if p.file.starts_with("$GOROOT/") {
        return true;
    }
    match (&p.path, root) {
        (Some(path), Some(_)) => Path::new(&**path).is_absolute(),
        // An absolute path that names no file of this module is another tree's code (GOROOT on
        // the machine that recorded the log): whether that file happens to exist here must not
        // change what is reported.
        (None, Some(_)) => is_absolute_anywhere(&p.file),
        // `<autogenerated>` wrappers and relative paths we could not find are kept.
        _ => false,
    }
}

/// Absolute on any platform: a Unix path, or a Windows drive or UNC path in a log from there.
fn is_absolute_anywhere(printed: &str) -> bool {
    let b = printed.as_bytes();
    printed.starts_with('/')
        || printed.starts_with("\\\\")
        || (b.len() > 2
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'\\' | b'/'))
}

fn is_param_leak(k: Kind) -> bool {
    matches!(k, Kind::LeakingParam | Kind::LeakingParamContent)
}

/// A parameter summary: what a function does with a parameter, including returning it.
fn is_param_summary(k: Kind) -> bool {
    is_param_leak(k) || k == Kind::LeakingParamToResult
}

/// Diagnostics about where a value lives (not inliner lines, not capture details).
fn is_value(k: Kind) -> bool {
    matches!(
        k,
        Kind::MovedToHeap
            | Kind::EscapesToHeap
            | Kind::DoesNotEscape
            | Kind::AppendEscapes
            | Kind::AppendDoesNotEscape
            | Kind::LeakingParam
            | Kind::LeakingParamContent
            | Kind::LeakingParamToResult
    )
}

impl<'a> Context<'a> {
    fn source_finding(&self, index: &PackageIndex, sf: SourceFinding) -> Finding {
        let site = self.site(index, &sf.loc);
        let kind = sf.rule.holder.expect("source rules name a holder kind");
        let holder_name = sf
            .holder_name
            .clone()
            .unwrap_or_else(|| kind.name().to_string());
        let function = index
            .function_at(sf.loc.file, sf.loc.start)
            .map(|f| index.functions[f].name.clone());
        let subject = short_subject(&sf.subject);
        let title = match (&sf.verdict, &sf.release) {
            _ if sf.title.is_some() => {
                format!("`{subject}`: {}", sf.title.clone().unwrap_or_default())
            }
            (Verdict::LeakRisk, _) => format!("`{subject}`: {}", sf.rule.name),
            (Verdict::Retained, Some(r)) => format!("`{subject}`: bounded, {}", r.how),
            (Verdict::Retained, None) => format!("`{subject}`: {}, but bounded", sf.rule.name),
            _ => format!(
                "`{subject}`: {}, but the garbage collector frees it",
                sf.rule.name
            ),
        };
        Finding::builder(sf.rule, sf.verdict, subject, title)
            .function(function)
            .at_site(&site)
            .why(sf.why)
            .rule_fix(sf.verdict == Verdict::LeakRisk)
            .holder(Holder {
                kind,
                name: holder_name,
                declared: None,
                added: Some(site.clone()),
                released: sf.release,
                kept_at: Vec::new(),
                also_added: Vec::new(),
            })
            .evidence(sf.evidence)
            .basis(Basis::SourceOnly)
            .build()
    }

    /// A place in another package of the module, shown as [`Context::site`] shows one here.
    pub fn site_ref(&self, at: &crate::source::index::SiteRef) -> Site {
        let shown = match &self.root {
            Some(r) => at
                .path
                .strip_prefix(r)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| at.path.to_string_lossy().into_owned()),
            None => at.path.to_string_lossy().into_owned(),
        };
        Site {
            path: shown,
            line: at.line,
            column: at.column,
            text: at.text.clone(),
        }
    }

    /// A source location as a [`Site`].
    pub fn site(&self, index: &PackageIndex, loc: &Loc) -> Site {
        let path = index.file_path(loc);
        let shown = match &self.root {
            Some(r) => path
                .strip_prefix(r)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| path.to_string_lossy().into_owned()),
            None => path.to_string_lossy().into_owned(),
        };
        Site {
            path: shown,
            line: loc.line,
            column: loc.column,
            text: index.line_text(loc).to_string(),
        }
    }

    /// The file of the index and the byte offset of a compiler position.
    fn locate(&self, pos: &Position) -> Option<(usize, usize)> {
        let index = self.index?;
        let path = pos.path.as_deref()?;
        let f = *self
            .files
            .borrow_mut()
            .entry(path.to_string())
            .or_insert_with(|| {
                let p = Path::new(path);
                let abs = match &self.root {
                    Some(r) if p.is_relative() => r.join(p),
                    _ => p.to_path_buf(),
                };
                let abs = abs.canonicalize().unwrap_or(abs);
                index.file_index(&abs)
            });
        let f = f?;
        let off = index.files[f].offset(pos.line, pos.column)?;
        Some((f, off))
    }

    /// The function of the source a diagnostic is in: `Some(None)` for a package-level
    /// initializer, `None` when the source is not at hand. A closure reported at its own
    /// `func` keyword is a value of its parent.
    fn enclosing(&self, d: &Diagnostic) -> Option<Option<usize>> {
        let index = self.index?;
        let (file, off) = d.position.as_ref().and_then(|p| self.locate(p))?;
        let f = index.function_at(file, off);
        Some(match f {
            Some(i) if index.functions[i].loc.start == off => index.functions[i].parent,
            f => f,
        })
    }

    /// The function a diagnostic is in. The source's name when the source is there, so the same
    /// value has the same function whatever the Go version (1.25+ names `init.0` and puts a
    /// closure in its parent); else the compiler's.
    fn function_of(&self, d: &Diagnostic) -> Option<String> {
        if let (Some(index), Some(f)) = (self.index, self.enclosing(d)) {
            return Some(match f {
                Some(i) => index.functions[i].name.clone(),
                None => "init".to_string(),
            });
        }
        d.function.as_ref().map(|f| {
            let f = crate::source::index::strip_shapes(f);
            // `init.0`, the compiler's name for the first init function, is `init` in the source.
            match f.strip_prefix("init.") {
                Some(n) if n.bytes().all(|b| b.is_ascii_digit()) => "init".to_string(),
                _ => f,
            }
        })
    }

    /// The function a diagnostic is in, as the reader finds it: `` `F` ``, or "the closure at
    /// line 12 in `F`" where the compiler says `F.func1`.
    fn function_words_of(&self, d: &Diagnostic) -> Option<String> {
        if let (Some(index), Some(f)) = (self.index, self.enclosing(d)) {
            return Some(match f {
                Some(i) => index.function_words(i),
                None => "`init`".to_string(),
            });
        }
        self.function_of(d).map(|f| words::function_name(&f))
    }

    /// A constant as the compiler prints it: a literal (`"1.0.0"`, `42`, `3.5`, `'x'`, `true`,
    /// `nil`) or a constant the package declares.
    fn is_constant(&self, subject: &str) -> bool {
        let s = subject.trim();
        let first = s.chars().next().unwrap_or(' ');
        let numeric = |t: &str| {
            let t = t.strip_prefix('-').unwrap_or(t);
            t.starts_with(|c: char| c.is_ascii_digit())
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-'))
        };
        // `uint64(0)`, `float64(2.5)`: a constant converted to a basic type is a constant.
        let converted = s
            .strip_suffix(')')
            .and_then(|t| t.split_once('('))
            .filter(|(ty, _)| BASIC_TYPES.contains(ty))
            .map(|(_, inner)| inner);
        if let Some(inner) = converted {
            return self.is_constant(inner);
        }
        (matches!(first, '"' | '`' | '\'') && !s.contains(" + "))
            || matches!(s, "true" | "false" | "nil")
            || numeric(s)
            || self.index.is_some_and(|ix| ix.consts.contains(s))
    }

    /// `c.remove` used as a value: a method of the package, not called where it is written.
    fn is_method_value(&self, d: &Diagnostic, subject: &str) -> bool {
        let Some((_, method)) = subject.rsplit_once('.') else {
            return false;
        };
        let (Some(index), Some((file, off))) =
            (self.index, d.position.as_ref().and_then(|p| self.locate(p)))
        else {
            return false;
        };
        // A field of the same name (`entry.Next`, a time.Time, where a schedule has a method
        // `Next`) is read, not bound: only a name that is no field is taken for a method.
        let is_method = index.method_names.contains(method) && !index.field_names.contains(method);
        let text = &index.files[file].text;
        // The compiler places a selector at its dot: `c.remove` is reported at `.remove`.
        let receiver = subject.len() - method.len() - 1;
        let start = if off >= receiver && text[off - receiver..].starts_with(subject) {
            off - receiver
        } else if text[off..].starts_with(subject) {
            off
        } else {
            return false;
        };
        let after = &text[start + subject.len()..];
        is_method && !after.trim_start().starts_with('(')
    }

    /// A `func literal` at a position where the source has none: a closure cgo wrote around a
    /// `C.` call (`C.free(unsafe.Pointer(p))`), not the user's code.
    fn generated_closure(&self, d: &Diagnostic) -> bool {
        // The dictionary of generic code is the compiler's own hidden parameter.
        if d.subject
            .as_deref()
            .is_some_and(|s| s.trim_start_matches('&').starts_with(".dict"))
        {
            return true;
        }
        if d.subject.as_deref() != Some("func literal") {
            return false;
        }
        let (Some(index), Some((file, off))) =
            (self.index, d.position.as_ref().and_then(|p| self.locate(p)))
        else {
            return false;
        };
        // No func literal of the source starts there: the compiler made the closure. Unless
        // the source has a method value there: generic code binds its receiver in a closure
        // the compiler calls a func literal, and that one the user wrote.
        !index.is_func_literal_at(file, off) && self.method_value_at(d).is_none()
    }

    /// `p does not escape` said of a parameter (at its place in the signature), not of an
    /// allocation in the body.
    fn is_parameter(&self, d: &Diagnostic, subject: &str) -> bool {
        let (Some(index), Some((file, off))) =
            (self.index, d.position.as_ref().and_then(|p| self.locate(p)))
        else {
            return false;
        };
        let name = !subject.is_empty() && subject.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !name {
            return false;
        }
        // In a parameter list (a parameter, the receiver) of the function, not in its body.
        let f = &index.files[file];
        let Some(at) = f.tree.root_node().descendant_for_byte_range(off, off) else {
            return false;
        };
        for node in std::iter::once(at).chain(f.ancestors(at)) {
            match node.kind_name() {
                "parameter_list" => return true,
                "block" | "func_literal" | "function_declaration" | "method_declaration" => {
                    return false;
                }
                _ => {}
            }
        }
        false
    }

    /// The source file at a position and the byte offset there: a file of the section's
    /// package, or, for generic code of another package of the module instantiated here, that
    /// file, read and parsed once. Only with the source at hand (an index).
    fn source_at(&self, pos: &Position) -> Option<(Arc<GoFile>, usize)> {
        let index = self.index?;
        if let Some((f, off)) = self.locate(pos) {
            return Some((index.files[f].clone(), off));
        }
        let root = self.root.as_ref()?;
        let path = pos.path.as_deref()?;
        let file = self
            .foreign
            .borrow_mut()
            .entry(path.to_string())
            .or_insert_with(|| {
                let p = Path::new(path);
                let inside = p.is_relative()
                    && p.components()
                        .all(|c| matches!(c, std::path::Component::Normal(_)));
                if !inside || p.extension().is_none_or(|e| e != "go") {
                    return None;
                }
                let abs = root.join(p);
                if let Some(shared) = self.parsed {
                    return shared.read(&abs);
                }
                let text = crate::files::read_regular_text(&abs).ok()?;
                GoFile::parse(&mut crate::source::gofile::parser(), &abs, text).map(Arc::new)
            })
            .clone()?;
        let off = file.offset(pos.line, pos.column)?;
        Some((file, off))
    }

    /// The value a diagnostic is about, as the reader finds it in the source. The compiler
    /// names some values in its own terms: the array `append` grows is "append", generic code
    /// prints its instantiation (`make([]go.shape.int, n)`), a temporary is `.autotmp_7`. Those
    /// are read back from the source at the diagnostic's position.
    fn readable_subject(&self, d: &Diagnostic) -> String {
        if matches!(d.kind, Kind::AppendEscapes | Kind::AppendDoesNotEscape) {
            return self.appended(d);
        }
        let subject = d
            .subject
            .as_deref()
            .map_or_else(|| d.message.clone(), str::to_string);
        // "the closure at line 12 in `F`": the compiler's "func literal" names none.
        if subject == "func literal" {
            return self
                .closure_at(d)
                .or_else(|| self.foreign_closure_at(d))
                .or_else(|| self.method_value_at(d))
                .unwrap_or_else(|| match self.function_words_of(d) {
                    // Generic code of another package instantiated here: no source at hand.
                    Some(f) if f.starts_with('`') => format!("a closure in {f}"),
                    Some(f) => f,
                    None => match &d.position {
                        Some(p) => format!("the closure at line {}", p.line),
                        None => subject,
                    },
                });
        }
        // The slice a variadic call builds for its `...` arguments.
        if subject == "... argument" {
            return match self.call_at(d) {
                Some(callee) => format!("the slice of `...` arguments to `{callee}`"),
                None => "the slice of `...` arguments to a call".to_string(),
            };
        }
        let compiler_words = d.function.as_deref().is_some_and(|f| f.contains('['))
            || subject.contains("go.shape")
            || subject.contains("<node ")
            || subject.contains(".autotmp")
            || subject.contains("... argument")
            || subject.contains("func literal");
        match compiler_words && matches!(d.kind, Kind::EscapesToHeap | Kind::DoesNotEscape) {
            true => self.source_expr(d).unwrap_or(subject),
            false => subject,
        }
    }

    /// The closure whose `func` keyword is at a diagnostic's position, in words.
    fn closure_at(&self, d: &Diagnostic) -> Option<String> {
        let index = self.index?;
        let (file, off) = d.position.as_ref().and_then(|p| self.locate(p))?;
        let i = index.function_at(file, off)?;
        (index.functions[i].loc.start == off).then(|| index.function_words(i))
    }

    /// A closure of another package's generic code instantiated here, from that file's syntax:
    /// "the closure at line 47 in `NewCompositeFuture`", named by the declaration it is in.
    fn foreign_closure_at(&self, d: &Diagnostic) -> Option<String> {
        let pos = d.position.as_ref()?;
        let (f, off) = self.source_at(pos)?;
        let mut around = f.nodes_around(off);
        around.find(|n| n.kind_name() == "func_literal")?;
        let decl =
            around.find(|n| matches!(n.kind_name(), "function_declaration" | "method_declaration"));
        Some(match decl.and_then(|n| n.field("name")) {
            Some(name) => format!("the closure at line {} in `{}`", pos.line, f.text_of(name)),
            None => format!("the closure at line {}", pos.line),
        })
    }

    /// The compiler's "func literal" where the source has a method value (`future.resolve`,
    /// placed at its dot): the closure Go makes to bind the receiver.
    fn method_value_at(&self, d: &Diagnostic) -> Option<String> {
        let (f, off) = d.position.as_ref().and_then(|p| self.source_at(p))?;
        let sel = f
            .nodes_around(off)
            .take(2)
            .find(|n| n.kind_name() == "selector_expression")?;
        // A method value is not called where it is written (`C.free(p)` is a call, and the
        // closure around it is cgo's).
        let called = sel.parent().is_some_and(|c| {
            c.kind_name() == "call_expression"
                && c.field("function").is_some_and(|fun| fun.id() == sel.id())
        });
        if called {
            return None;
        }
        let text = f.text_of(sel);
        (!text.contains('\n') && text.len() <= 60).then(|| format!("the method value `{text}`"))
    }

    /// A func literal started with `go`: it escapes because it runs as a goroutine, which
    /// outlives the call that starts it, not because something keeps it.
    fn started_with_go(&self, d: &Diagnostic) -> bool {
        let Some((f, off)) = d.position.as_ref().and_then(|p| self.source_at(p)) else {
            return false;
        };
        let Some(lit) = f
            .nodes_around(off)
            .find(|n| n.kind_name() == "func_literal")
        else {
            return false;
        };
        lit.parent()
            .filter(|c| c.kind_name() == "call_expression")
            .and_then(|c| c.parent())
            .is_some_and(|g| g.kind_name() == "go_statement")
    }

    /// The function called at a diagnostic's position, as written (`fmt.Println`).
    fn call_at(&self, d: &Diagnostic) -> Option<String> {
        let (f, off) = d.position.as_ref().and_then(|p| self.source_at(p))?;
        let callee = f.call_at(off)?.callee;
        (!callee.contains('\n') && callee.len() <= 60).then_some(callee)
    }

    /// The backing array `append` grows: "the backing array of `keys`", named by the slice
    /// appended to.
    fn appended(&self, d: &Diagnostic) -> String {
        const ANY: &str = "the backing array grown by an append";
        let Some((f, off)) = d.position.as_ref().and_then(|p| self.source_at(p)) else {
            return appended_in_flow(d).unwrap_or_else(|| ANY.to_string());
        };
        match f.call_at(off) {
            Some(call) if call.callee == "append" => match call.args.first() {
                Some(s) if !s.contains('\n') && s.len() <= 40 && s != "nil" => {
                    format!("the backing array of `{s}`")
                }
                _ => ANY.to_string(),
            },
            // No `append` written there: one inlined from the function called there.
            Some(call) if !call.callee.contains('\n') && call.callee.len() <= 60 => format!(
                "the backing array grown by an append in `{}`, inlined here",
                call.callee
            ),
            _ => ANY.to_string(),
        }
    }

    /// The expression at a diagnostic's position as written in the source (`make(map[string]T)`
    /// where an instantiation prints `make(map[string]int)`), with a composite literal's body
    /// shortened to `{...}` as the compiler does.
    fn source_expr(&self, d: &Diagnostic) -> Option<String> {
        let (f, off) = d.position.as_ref().and_then(|p| self.source_at(p))?;
        let f = &*f;
        let mut n = f.tree.root_node().descendant_for_byte_range(off, off)?;
        // Generic code places a call at its `(`: the call is the whole expression.
        if n.kind_name() == "("
            && let Some(call) = n
                .parent()
                .filter(|a| matches!(a.kind_name(), "argument_list" | "special_argument_list"))
                .and_then(|a| a.parent())
                .filter(|c| c.kind_name() == "call_expression")
        {
            // A call inlined here is placed at the caller's `(`: the source there is the
            // caller's call, not the subject's.
            let callee = call
                .field("function")
                .map(|c| f.text_of(c))
                .unwrap_or_default();
            // Compared by the name called: the compiler spells the operand its own way
            // (`.autotmp_2.Error()` for `errors.Unwrap(err).Error()`).
            let name = |c: &str| {
                let c = c.split('[').next().unwrap_or(c);
                c.rsplit('.').next().unwrap_or(c).to_string()
            };
            let named = d
                .subject
                .as_deref()
                .and_then(|s| s.split_once('('))
                .map(|(c, _)| c);
            if named.is_some_and(|c| name(c) != name(callee)) {
                return None;
            }
            n = call;
        } else if n.kind_name() == "."
            && let Some(sel) = n
                .parent()
                .filter(|p| p.kind_name() == "selector_expression")
        {
            // A selector is placed at its dot (`x.f().Error()` at `.Error`): the call it makes.
            n = sel
                .parent()
                .filter(|c| {
                    c.kind_name() == "call_expression"
                        && c.field("function").is_some_and(|f| f.id() == sel.id())
                })
                .unwrap_or(sel);
        }
        if matches!(n.kind_name(), "(" | ".") {
            return None;
        }
        for p in f.ancestors(n) {
            let expr = matches!(
                p.kind_name(),
                "call_expression"
                    | "composite_literal"
                    | "unary_expression"
                    | "selector_expression"
                    | "index_expression"
                    | "generic_type"
                    | "type_conversion_expression"
                    | "slice_expression"
            );
            if p.start_byte() != off || !expr {
                break;
            }
            n = p;
        }
        let text = f.text_of(n);
        let short = match text.find('{') {
            Some(b) if text.ends_with('}') => format!("{}{{...}}", &text[..b]),
            _ => text.to_string(),
        };
        (!short.contains('\n') && short.len() <= 80).then_some(short)
    }

    fn finding(&self, i: usize, d: &Diagnostic) -> Finding {
        let subject = self.readable_subject(d);
        let function = self.function_of(d);
        let function_words = self.function_words_of(d);
        let compiler = compiler_lines(d, false);
        // What the message alone settles: a parameter that stays, a constant, a stack value.
        let said: Option<(Verdict, &Rule, String, &str)> = if d.kind == Kind::DoesNotEscape
            && self.is_parameter(d, &subject)
        {
            let f = function_words.as_deref().unwrap_or("the function");
            Some((
                Verdict::Passes,
                &rules::STACK,
                format!(
                    "`{subject}` is not kept by {f}: what callers pass can stay on their stack"
                ),
                "a parameter summary: it says what the function does with what callers pass, and nothing is allocated here",
            ))
        } else if d.kind == Kind::EscapesToHeap && self.is_constant(&subject) {
            Some((
                Verdict::Stack,
                &rules::CONSTANT,
                format!(
                    "`{subject}` is a constant: no allocation, the interface points at read-only data"
                ),
                "the compiler reports the conversion to an interface as an escape, then builds the interface from a read-only copy of the constant in the binary: nothing is allocated",
            ))
        } else if d.kind == Kind::EscapesToHeap
            && zero_size::is_zero_size(self.index, &subject)
            // A zero-size value a registry keeps is still the registration a reader needs.
            && self.hit(i, 0).is_none()
        {
            Some((
                Verdict::Stack,
                &rules::ZERO_SIZE,
                format!("`{subject}` has size zero: nothing is allocated"),
                zero_size::WHY,
            ))
        } else if matches!(d.kind, Kind::DoesNotEscape | Kind::AppendDoesNotEscape) {
            Some((
                Verdict::Stack,
                &rules::STACK,
                format!("{} stays on the stack", quoted(&subject)),
                "it does not outlive the function, so it is freed when the function returns",
            ))
        } else {
            None
        };
        if let Some((verdict, rule, title, why)) = said {
            return Finding::builder(rule, verdict, subject, title)
                .function(function)
                .position(d.position.clone())
                .why(why)
                .diagnostic(i)
                .compiler(compiler)
                .basis(Basis::Message)
                .build();
        }
        if let Some(hit) = self.hit(i, 0) {
            let compiler = compiler_lines(d, true);
            let holder_name = hit.holder.name.clone();
            let title = if let Some((title, _)) = &hit.words {
                title.replace("`{subject}`", &quoted(&subject))
            } else if let Some(pin) = &hit.pin {
                pin.title(&subject, &holder_name)
            } else {
                match hit.verdict {
                    Verdict::LeakRisk => format!(
                        "{} is {}, and nothing lets it go",
                        quoted(&subject),
                        held_by(hit.rule, &holder_name)
                    ),
                    _ => format!(
                        "{} is {}, but bounded",
                        quoted(&subject),
                        held_by(hit.rule, &holder_name)
                    ),
                }
            };

            let why = match (&hit.verdict, &hit.holder.released) {
                _ if hit.words.is_some() => hit.words.clone().map(|w| w.1).unwrap_or_default(),
                (Verdict::LeakRisk, Some(rel)) if hit.rule.id == RuleId::Subslice && rel.site.is_some() => {
                    format!("the holder keeps a sub-slice, and a sub-slice keeps its whole backing array alive; {} bounds how many arrays are kept, not how large each one is", rel.how)
                }
                (Verdict::LeakRisk, _) if hit.rule.id == RuleId::Subslice => {
                    "the holder keeps a sub-slice, and a sub-slice keeps its whole backing array alive".to_string()
                }
                (Verdict::LeakRisk, _) => {
                    "a function that can run many times adds to a holder that lives as long as the process, and nothing in the package removes from it".to_string()
                }
                (_, Some(rel)) => format!(
                    "the holder lives as long as the process, but it is bounded: {}",
                    rel.how
                ),
                _ => "the holder lives as long as the process".to_string(),
            };
            return Finding::builder(hit.rule, hit.verdict, subject, title)
                .function(function)
                .position(d.position.clone())
                .why(why)
                .rule_fix(hit.verdict == Verdict::LeakRisk)
                .holder(hit.holder)
                .evidence(hit.evidence)
                .decided_by(hit.decided_by)
                .diagnostic(i)
                .compiler(compiler)
                .basis(hit.basis)
                .build();
        }
        let (rule, why) = heap::reason(d);
        let mut evidence = flow_evidence(d);
        if let Some(note) = self.scoped_owner_note(d) {
            evidence.insert(0, note);
        }
        if is_param_summary(d.kind) {
            // A parameter has no package: `internal.e` (a generic function of another package
            // instantiated here) is the parameter `e`.
            let subject = subject.rsplit('.').next().unwrap_or(&subject).to_string();
            // A parameter summary allocates nothing: it says what the function does with what
            // it is given, so callers' values passed there must be on the heap.
            let f = function_words.unwrap_or_else(|| "the function".into());
            // Where the function puts it, when the flow says: `c.items[k]`, `s.buf`. Not a
            // compiler temporary (`.autotmp_3`), which no source names.
            let kept_in = d
                .explanations
                .iter()
                .flat_map(|e| e.flows.iter())
                .flat_map(|fl| fl.steps.iter())
                .filter(|s| s.reason != Reason::CallParameter && trace::stores(&s.reason))
                .map(|s| {
                    let lhs = s
                        .expr
                        .split_once(" := ")
                        .or_else(|| s.expr.split_once(" = "));
                    unqualified(d, lhs.map_or(s.expr.as_str(), |(lhs, _)| lhs)).to_string()
                })
                // Nor a call (`append(keys, k)`): a place is where the value stays.
                .find(|place| {
                    !place.contains(".autotmp") && !place.contains('~') && !place.ends_with(')')
                });
            let title = match (d.kind, kept_in) {
                (Kind::LeakingParamToResult, _) => {
                    format!("`{subject}` is passed back: {f} returns what callers pass in it")
                }
                (_, Some(place)) if place.len() <= 60 => format!(
                    "`{subject}` is passed on: {f} keeps it in `{place}`, so what callers pass lives as long as that"
                ),
                (Kind::LeakingParamContent, _) => format!(
                    "`{subject}` is passed on: {f} lets what it points to reach the heap ({})",
                    rule.name
                ),
                _ => format!(
                    "`{subject}` is passed on: {f} lets it reach the heap ({})",
                    rule.name
                ),
            };
            return Finding::builder(rule, Verdict::Passes, subject, title)
                .function(function)
                .position(d.position.clone())
                .why(format!(
                    "nothing is allocated here: this is what {f} does with its parameter. {why}; what a caller passes lives as long as the caller's own references to it, and the GC frees it after"
                ))
                .evidence(evidence)
                .diagnostic(i)
                .compiler(compiler)
                .basis(flow_basis(d))
                .build();
        }
        let method_value = d.kind == Kind::EscapesToHeap && self.is_method_value(d, &subject);
        let (rule, why) = if method_value {
            (
                &rules::CLOSURE,
                "a method value is a small closure that binds its receiver, and this one outlives the call, so it is allocated on the heap".to_string(),
            )
        } else {
            (rule, why)
        };
        let closure = d.subject.as_deref() == Some("func literal");
        let goroutine = closure && self.started_with_go(d);
        let (rule, why) = if goroutine {
            (
                &rules::CLOSURE,
                "it runs as a goroutine, which outlives the call that starts it: the closure and what it captures are on the heap until the goroutine returns".to_string(),
            )
        } else {
            (rule, why)
        };
        // Without the source a closure has no name of its own.
        let the_closure = match subject.as_str() {
            "func literal" => "a closure",
            named => named,
        };
        let title = if goroutine {
            format!("{the_closure} is on the heap: it runs as a goroutine")
        } else if closure {
            // The closure itself, not something it captured.
            format!("{the_closure} is on the heap: it outlives the call that makes it")
        } else if method_value {
            format!("a closure is allocated for the method value `{subject}`: it outlives the call")
        } else {
            format!("{} is on the heap: {}", quoted(&subject), rule.name)
        };
        Finding::builder(rule, Verdict::Heap, subject, title)
            .function(function)
            .position(d.position.clone())
            .why(why)
            .rule_fix(true)
            .evidence(evidence)
            .diagnostic(i)
            .compiler(compiler)
            .basis(flow_basis(d))
            .build()
    }

    /// A note for a heap value registered with a caller-owned router or context: who keeps
    /// it instead of the process.
    fn scoped_owner_note(&self, d: &Diagnostic) -> Option<Evidence> {
        let index = self.index?;
        let positions = d
            .explanations
            .iter()
            .flat_map(|e| e.flows.iter())
            .flat_map(|f| f.steps.iter())
            .filter_map(|s| s.at.as_ref())
            .chain(d.position.as_ref());
        for p in positions {
            let Some((file, off)) = self.locate(p) else {
                continue;
            };
            for reg in index.registrations_at(file, off) {
                if let Some(note) = reg.owner.scoped_note(&reg.api) {
                    return Some(Evidence {
                        note,
                        site: Some(self.site(index, &reg.loc)),
                    });
                }
            }
        }
        None
    }
}

/// "kept in a package-level map `sessions`", or, for a holder named in words rather than by a
/// variable of the source, "kept by expvar's registry, which it was registered with".
pub(crate) fn held_by(rule: &Rule, holder: &str) -> String {
    if !holder.contains(' ') {
        return format!("{} `{holder}`", rule.name);
    }
    match rule.id {
        RuleId::RegisteredClosure => format!("kept by {holder}, which it was registered with"),
        _ => format!("{}: {holder}", rule.name),
    }
}

/// The slice an `append` grows, from the `-m=2` header (`append(s.items, v) escapes to
/// heap`) when the source is not at hand (generic code of another package instantiated here).
/// The compiler qualifies that code's names by their package (`store.s.items`): the directory
/// of the position names it.
fn appended_in_flow(d: &Diagnostic) -> Option<String> {
    let expr = d.explanations.iter().find_map(|e| match &e.header {
        Header::Escape { expr } => expr.strip_prefix("append("),
        _ => None,
    })?;
    let mut depth = 0i32;
    let end = expr.char_indices().find_map(|(i, c)| {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => return Some(i),
            _ => {}
        }
        None
    })?;
    let first = unqualified(d, &expr[..end]);
    (first.len() <= 40 && first != "nil").then(|| format!("the backing array of `{first}`"))
}

/// An expression of generic code of another package instantiated here, as its source writes
/// it: the compiler qualifies its names by their package (`store.s.items` for `s.items`), and
/// the directory of the diagnostic's file names that package.
fn unqualified<'e>(d: &Diagnostic, expr: &'e str) -> &'e str {
    let pkg = d.position.as_ref().and_then(|p| {
        let dir = Path::new(&*p.file).parent()?.file_name()?.to_str()?;
        Some(dir.to_string())
    });
    pkg.as_deref()
        .and_then(|p| expr.strip_prefix(p)?.strip_prefix('.'))
        .unwrap_or(expr)
}

/// Go's predeclared basic types: a conversion of a constant to one is a constant.
const BASIC_TYPES: &[&str] = &[
    "bool",
    "string",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
    "byte",
    "rune",
    "float32",
    "float64",
    "complex64",
    "complex128",
];

/// A subject fit for a title: a body written over several lines elided (`go func(ch chan
/// any) {...}(ch)`: gofmt ends its first line with the body's `{` and starts its last with the
/// body's `}`), else a one-line subject too long for a title cut at its first brace.
fn short_subject(s: &str) -> String {
    let first = s.lines().next().unwrap_or(s).trim();
    let last = s.lines().last().unwrap_or(s).trim();
    if s.contains('\n')
        && let Some(head) = first.strip_suffix('{')
        && let Some(tail) = last.strip_prefix('}')
    {
        return format!("{head}{{...}}{tail}");
    }
    match first.find('{') {
        Some(i) if s.contains('\n') || first.len() > 60 => {
            let close = if s.trim_end().ends_with(')') { ")" } else { "" };
            format!("{}{{...}}{close}", &first[..i])
        }
        _ => first.to_string(),
    }
}

fn kind_words(k: crate::source::index::GlobalKind) -> &'static str {
    use crate::source::index::GlobalKind::*;
    match k {
        Map => "a package-level map",
        Slice => "a package-level slice",
        Array => "a package-level array",
        Pointer => "a package-level pointer",
        Chan => "a package-level channel",
        SyncMap => "a package-level sync.Map",
        List => "a package-level list",
        Func => "a package-level func",
        Other => "a package-level variable",
    }
}

fn step_evidence(flow: &Flow, step: &Step) -> Evidence {
    Evidence {
        note: format!(
            "the compiler: {} flows to {} ({} at {})",
            flow.from,
            words::location(&flow.to),
            step.reason.as_str(),
            step.at.as_ref().map(|p| p.display()).unwrap_or_default()
        ),
        site: None,
    }
}

/// The flow told as evidence lines, for heap findings.
fn flow_evidence(d: &Diagnostic) -> Vec<Evidence> {
    d.explanations
        .iter()
        .flat_map(|e| e.flows.iter())
        .take(4)
        .map(|f| Evidence {
            note: format!(
                "{} flows to {}{}",
                f.from,
                words::location(&f.to),
                f.steps
                    .last()
                    .map(|s| format!(" ({}: {})", s.reason.as_str(), s.expr))
                    .unwrap_or_default()
            ),
            site: None,
        })
        .collect()
}

/// The compiler's lines for a diagnostic, as it printed them (`←` for flows); with `full`, the
/// `-m=2` explanations too.
fn compiler_lines(d: &Diagnostic, full: bool) -> Vec<String> {
    let pos = d
        .position
        .as_ref()
        .map(|p| format!("{}: ", p.display()))
        .unwrap_or_default();
    let mut out = vec![format!("{pos}{}", d.message)];
    if !full {
        return out;
    }
    for e in &d.explanations {
        out.push(format!("{pos}{}:", e.header.text()));
        for f in &e.flows {
            out.push(format!(
                "{pos}  flow: {} ← {}{}:",
                f.to,
                f.op.sigil(),
                f.from
            ));
            for s in &f.steps {
                let at = s.at.as_ref().map(|p| p.display()).unwrap_or_default();
                out.push(format!(
                    "{pos}    from {} ({}) at {at}",
                    s.expr,
                    s.reason.as_str()
                ));
            }
        }
    }
    out
}

/// What the rules that need only the source find in Go source written in a test: the model is
/// built from `src` (one file, `p.go`, linux/amd64) and classified with no compiler output.
#[cfg(test)]
pub(crate) fn source_findings(src: &str, toolchain: Option<u32>) -> Vec<Finding> {
    let index = PackageIndex::of_source(src);
    let opts = Options {
        toolchain,
        source_rules: SourceRules::All,
        ..Default::default()
    };
    classify(&Section::default(), Some(&index), &opts)
}

/// The lines of the findings of one code in Go source written in a test (Go 1.27).
#[cfg(test)]
pub(crate) fn lines_of(src: &str, code: &str) -> Vec<u32> {
    codes_at(&source_findings(src, Some(27)))
        .into_iter()
        .filter(|(c, ..)| c == code)
        .map(|(_, line, _)| line)
        .collect()
}

/// (code, line, verdict) of each finding, for assertions.
#[cfg(test)]
pub(crate) fn codes_at(findings: &[Finding]) -> Vec<(String, u32, &'static str)> {
    let mut v: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f.code.to_string(),
                f.position.as_ref().map(|p| p.line).unwrap_or(0),
                f.verdict.name(),
            )
        })
        .collect();
    v.sort();
    v
}

/// What the classifier says of the compiler output `log` (lines `./p.go:L:C: ...`) about Go
/// source written in a test: the model is built from `src`, as in [`source_findings`].
#[cfg(test)]
pub(crate) fn log_findings(src: &str, log: &str) -> Vec<Finding> {
    let index = PackageIndex::of_source(src);
    let mut sections = Vec::new();
    let mut reader = crate::escape::Reader::new();
    let mut keep = |s: Section| {
        sections.push(s);
        Ok(())
    };
    reader
        .read(log.as_bytes(), &mut keep)
        .expect("the test's log reads");
    reader.finish(&mut keep).expect("the test's log reads");
    let mut out = Vec::new();
    for mut s in sections {
        for d in &mut s.diagnostics {
            if let Some(p) = &mut d.position {
                p.path = Some(Arc::from("p.go"));
            }
        }
        out.extend(classify(&s, Some(&index), &Options::default()));
    }
    out
}

#[cfg(test)]
mod subject_tests {
    /// The compiler's "func literal" where the source has a method value (generic code makes
    /// one for `future.resolve`): the report names the method value.
    #[test]
    fn a_method_value_the_compiler_calls_a_func_literal() {
        let src = "package p\n\ntype F[V any] struct{ v V }\n\nfunc (f *F[V]) resolve(v V) { f.v = v }\n\nfunc New[V any]() (*F[V], func(V)) {\n\tf := &F[V]{}\n\treturn f, f.resolve\n}\n";
        let log = "# p\n./p.go:9:13: func literal escapes to heap\n";
        let found = super::log_findings(src, log);
        let subjects: Vec<&str> = found.iter().map(|f| f.subject.as_str()).collect();
        assert_eq!(subjects, ["the method value `f.resolve`"], "{found:#?}");
        assert_eq!(
            found[0].title,
            "the method value `f.resolve` is on the heap: it outlives the call that makes it"
        );
    }
}
