//! What we say about a value: the render-independent result of classification. A [`Finding`]
//! is built from one compiler diagnostic (see [`crate::escape::Diagnostic`]) and the Go source;
//! every renderer works from these.

use serde::{Deserialize, Serialize};

use crate::escape::Position;

/// Where a value lives and whether that can grow. Ordered by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Does not escape: freed when the function returns.
    Stack,
    /// A parameter summary (`leaking param: k`, `k does not escape` for a parameter): what a
    /// function does with what its callers pass. Nothing is allocated where it is reported.
    Passes,
    /// On the heap, and the garbage collector frees it once its users drop it.
    Heap,
    /// Kept by a long-lived holder, but bounded: stored once, or released somewhere.
    Retained,
    /// Kept by a long-lived holder that grows with no release, or pinning far more than it uses.
    LeakRisk,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Stack => "stack",
            Verdict::Passes => "passes",
            Verdict::Heap => "heap",
            Verdict::Retained => "retained",
            Verdict::LeakRisk => "leak-risk",
        }
    }
}

/// What keeps the value alive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HolderKind {
    /// A package-level map (or sync.Map, or a map field of a package-level variable).
    GlobalMap,
    /// A package-level slice or container/list that is appended to.
    GlobalSlice,
    /// A package-level variable that is assigned (or a linked list built through it).
    GlobalVar,
    /// A closure or value handed to an API that keeps it (http.HandleFunc, time.AfterFunc, ...).
    RegisteredClosure,
    /// A package-level channel that is sent on.
    Channel,
    /// A sub-slice kept by a holder: it pins the whole backing array.
    Subslice,
    /// C memory (C.CString, C.CBytes, C.malloc) that only C.free releases.
    Cgo,
    /// A goroutine that never returns, and what it captures.
    Goroutine,
    /// A time.Ticker.
    Ticker,
    /// A time.Timer (time.After, time.Tick, time.AfterFunc).
    Timer,
}

impl HolderKind {
    pub fn name(self) -> &'static str {
        match self {
            HolderKind::GlobalMap => "global-map",
            HolderKind::GlobalSlice => "global-slice",
            HolderKind::GlobalVar => "global-var",
            HolderKind::RegisteredClosure => "registered-closure",
            HolderKind::Channel => "channel",
            HolderKind::Subslice => "subslice",
            HolderKind::Cgo => "cgo",
            HolderKind::Goroutine => "goroutine",
            HolderKind::Ticker => "ticker",
            HolderKind::Timer => "timer",
        }
    }
}

/// A place in the source, with its line as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    /// Relative to the module root when inside it.
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// The source line, trimmed.
    pub text: String,
}

impl Site {
    pub fn display(&self) -> String {
        format!("{}:{}:{}", self.path, self.line, self.column)
    }
}

/// How the program lets go of what the holder keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// `delete`, `clear`, `truncate`, `reset`, `pop`, `receive`, `stored once`, `timer fires`.
    pub how: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<Site>,
}

/// The long-lived holder of a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub kind: HolderKind,
    /// The variable (`cache`) or the keeper (`net/http's DefaultServeMux`).
    pub name: String,
    /// Where the holder is declared, when it is in this package.
    pub declared: Option<Site>,
    /// Where the value is added to it.
    pub added: Option<Site>,
    /// How it is released, or null when nothing in the package releases it.
    pub released: Option<Release>,
    /// Where each value kept at `added` was allocated (module-relative path, line): a finding
    /// placed at the store speaks for allocations on other lines, which a heap profile names.
    #[serde(skip)]
    pub kept_at: Vec<(std::sync::Arc<str>, u32)>,
}

/// One piece of the reasoning: a flow step or a source line, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub note: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<Site>,
}

/// How the verdict was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// From the compiler's `-m=2` flow and the source it points at.
    Flow,
    /// From the source around the diagnostic alone: the log had no `-m=2` flow, so the verdict
    /// is weaker.
    SourceOnly,
    /// From the diagnostic alone (no flow, no source).
    Message,
}

/// What escape-explain says about one value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    pub verdict: Verdict,
    /// A permanent explanation code (`EE0201`); `escape-explain explain CODE` tells more.
    pub code: String,
    /// One line in plain words.
    pub title: String,
    /// The variable, parameter or expression.
    pub subject: String,
    /// The function it is in, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// Where the compiler reported it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// Why it is where it is, in one sentence.
    pub why: String,
    /// What would fix it, when something should.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// Boxed: most findings have none, and a package can hold hundreds of thousands.
    pub holder: Option<Box<Holder>>,
    pub evidence: Vec<Evidence>,
    /// The index of the diagnostic this finding is about, in its package's `diagnostics`;
    /// null for what the compiler does not report (C memory, goroutines, timers), found in the
    /// source alone.
    pub diagnostic: Option<usize>,
    /// The compiler's own lines for this value: the message, and for `retained` and
    /// `leak-risk` the whole `-m=2` explanation (the diagnostic has it for the others).
    pub compiler: Vec<String>,
    pub basis: Basis,
    /// Silenced by an `//escape-explain:ignore CODE reason` comment: not reported, kept here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Box<Suppressed>>,
    /// At a position outside the analysed module (the standard library's generic code
    /// instantiated here, a dependency's inlined code): hidden unless `--external`, counted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
    /// What the runtime's profiles (`--profile`) say about this value. Boxed: only a run with
    /// profiles has any.
    #[serde(default, flatten, skip_serializing_if = "Option::is_none")]
    pub measured: Option<Box<Measured>>,
}

/// What the profiles measured for a finding: live and allocated bytes at its allocation
/// lines, growth between two heap profiles, goroutines started at its `go` statement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measured {
    /// The profiles the numbers come from.
    pub measured_in: Vec<String>,
    /// Still referenced in the latest heap profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<Amount>,
    /// Allocated over the program's life, as the latest heap profile counts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocated: Option<Amount>,
    /// Live in the latest heap profile minus live in the earliest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grew: Option<Amount>,
    /// Goroutines started here and running when the goroutine profile was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goroutines: Option<i64>,
    /// Where in the module those goroutines were (`workers.go:22 (chan send)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_at: Option<String>,
    /// Where the profile and the verdict disagree: "not exercised in heap.pprof".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_note: Option<String>,
    /// A finding of disagreement (EE0901) at the same line speaks for these bytes in the
    /// largest-holders table.
    #[serde(skip)]
    pub outranked: bool,
}

pub use crate::profile::join::Amount;

/// Why a finding is silenced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppressed {
    pub reason: String,
    /// Where the comment is.
    pub site: Site,
}

/// What identifies a finding across edits and Go versions: not its line, so that code inserted
/// above it does not make it new.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FindingKey {
    pub package: String,
    pub function: String,
    pub subject: String,
    pub code: String,
    /// For package-level initializers only (which all share the function `init`): the holder's
    /// name, since `var a = map[K]V{}` and `var b = map[K]V{}` differ only by it. Elsewhere it
    /// stays empty, so a value that gains or loses a holder is the same finding with another
    /// verdict.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub holder: String,
}

/// One fact about one place: (path, line, column, code, title).
/// A digest of (path, line, column, code, title): 128 bits, so that telling two facts apart
/// costs 16 bytes however long their titles are, with no practical chance of two facts sharing
/// one (the pipeline keeps a key for every finding of a run).
pub type SiteKey = u128;

impl Finding {
    /// What makes two findings the same fact about the same place, whichever package or
    /// instantiation reported them; None without a position.
    pub fn site_key(&self) -> Option<SiteKey> {
        use std::hash::{Hash, Hasher};
        let p = self.position.as_ref()?;
        let half = |seed: u8| {
            // SipHash with fixed keys: the same digest on every run and machine.
            let mut h = std::hash::DefaultHasher::new();
            seed.hash(&mut h);
            p.path.as_deref().unwrap_or(&p.file).hash(&mut h);
            p.line.hash(&mut h);
            p.column.unwrap_or(0).hash(&mut h);
            self.code.hash(&mut h);
            self.title.hash(&mut h);
            h.finish()
        };
        Some(((half(0) as u128) << 64) | half(1) as u128)
    }

    pub fn key(&self, package: &str) -> FindingKey {
        FindingKey {
            package: package.to_string(),
            function: self.function.clone().unwrap_or_default(),
            subject: self.subject.clone(),
            code: self.code.clone(),
            holder: match (self.function.as_deref(), &self.holder) {
                (Some("init") | None, Some(h)) => h.name.clone(),
                _ => String::new(),
            },
        }
    }

    /// The title, led by what the profiles measured (`83.8 MiB (53,770 objects) live in
    /// heap.pprof: ...`); the findings the profiles make say their figures already.
    pub fn measured_title(&self) -> std::borrow::Cow<'_, str> {
        match self.measured.as_ref().and_then(|m| m.headline()) {
            Some(h) if !crate::profile::join::is_of_the_profile(&self.code) => {
                format!("{h}: {}", self.title).into()
            }
            _ => self.title.as_str().into(),
        }
    }

    /// Reported: neither suppressed nor filtered out.
    pub fn reported(&self) -> bool {
        self.suppressed.is_none() && !self.external
    }
}

#[cfg(test)]
mod size_tests {
    use super::Finding;

    /// A package's findings are all held until the package is written: a package of two
    /// million values holds two million of these. Holders and suppressions are boxed because
    /// few findings have one; this keeps it that way (592 bytes before they were).
    #[test]
    fn a_finding_stays_small() {
        let size = std::mem::size_of::<Finding>();
        assert!(size <= 320, "Finding is {size} bytes");
    }
}
