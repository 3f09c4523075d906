//! What we say about a value: the render-independent result of classification. A [`Finding`]
//! is built from one compiler diagnostic (see [`crate::escape::model::Diagnostic`]) and the Go
//! source; every renderer works from these.
//!
//! This is the data model, at the bottom with the rule registry ([`crate::rules`]): it names no
//! stage. The classifier and the profile join make findings (through [`Finding::builder`]), the
//! renderers read them.

mod measured;

use serde::{Deserialize, Serialize};

pub use self::measured::{Amount, Measured};
use crate::escape::model::Position;
pub use crate::rules::HolderKind;
use crate::rules::{Rule, RuleId};

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
    /// The other places the same function adds to the same holder: one finding per holder
    /// and function, with every store it makes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_added: Vec<Site>,
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
    /// The rule that found it, written as its permanent code (`EE0201`);
    /// `escape-explain explain CODE` tells more.
    pub code: RuleId,
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
    /// The line of escape-explain.toml that decided the verdict: a registry it declares, or a
    /// holder it says is bounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<Box<Site>>,
    /// At a position outside the analysed module (the standard library's generic code
    /// instantiated here, a dependency's inlined code): hidden unless `--external`, counted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
    /// What the runtime's profiles (`--profile`) say about this value. Boxed: only a run with
    /// profiles has any.
    #[serde(default, flatten, skip_serializing_if = "Option::is_none")]
    pub measured: Option<Box<Measured>>,
}

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
    /// A finding of `rule` about `subject`, titled `title`: where it is, why, its holder and
    /// the rest are set on the builder. Every finding is made here.
    pub fn builder(
        rule: &Rule,
        verdict: Verdict,
        subject: String,
        title: String,
    ) -> FindingBuilder {
        FindingBuilder {
            rule_fix: rule.fix,
            finding: Finding {
                verdict,
                code: rule.id,
                title,
                subject,
                function: None,
                position: None,
                why: String::new(),
                fix: None,
                holder: None,
                evidence: Vec::new(),
                diagnostic: None,
                compiler: Vec::new(),
                basis: Basis::Message,
                suppressed: None,
                decided_by: None,
                external: false,
                measured: None,
            },
        }
    }

    /// What makes two findings the same fact about the same place, whichever package or
    /// instantiation reported them; None without a position.
    pub fn site_key(&self) -> Option<SiteKey> {
        let p = self.position.as_ref()?;
        // xxh3 (the same digest on every run and machine), each text ended by a byte no UTF-8
        // text has, so that no two tuples run together into the same bytes.
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(p.path.as_deref().unwrap_or(&p.file).as_bytes());
        h.update(&[0xff]);
        h.update(&p.line.to_le_bytes());
        h.update(&p.column.unwrap_or(0).to_le_bytes());
        h.update(self.code.as_str().as_bytes());
        h.update(&[0xff]);
        h.update(self.title.as_bytes());
        Some(h.digest128())
    }

    pub fn key(&self, package: &str) -> FindingKey {
        FindingKey {
            package: package.to_string(),
            function: self.function.clone().unwrap_or_default(),
            subject: self.subject.clone(),
            code: self.code.as_str().to_string(),
            holder: match (self.function.as_deref(), &self.holder) {
                (Some("init") | None, Some(h)) => h.name.clone(),
                _ => String::new(),
            },
        }
    }

    /// The title, led by what the profiles measured (`83.8 MiB (53,770 objects) live in
    /// heap.pprof: ...`); the findings the profiles make say their figures already.
    pub fn measured_title(&self) -> std::borrow::Cow<'_, str> {
        let of_the_profile = matches!(
            self.code,
            RuleId::ProfileHeld | RuleId::ProfileAlive | RuleId::ProfileLeaked
        );
        match self.measured.as_ref().and_then(|m| m.headline()) {
            Some(h) if !of_the_profile => format!("{h}: {}", self.title).into(),
            _ => self.title.as_str().into(),
        }
    }

    /// Reported: neither suppressed nor filtered out.
    pub fn reported(&self) -> bool {
        self.suppressed.is_none() && !self.external
    }
}

/// Builds a [`Finding`] (see [`Finding::builder`]). Unset, a finding has no function, position,
/// reason, fix, holder, evidence, diagnostic or compiler lines, and its basis is the message.
#[must_use]
pub struct FindingBuilder {
    /// The rule's advice, for [`FindingBuilder::rule_fix`].
    rule_fix: Option<&'static str>,
    finding: Finding,
}

impl FindingBuilder {
    pub fn function(mut self, function: Option<String>) -> Self {
        self.finding.function = function;
        self
    }

    /// Where the compiler reported it.
    pub fn position(mut self, position: Option<Position>) -> Self {
        self.finding.position = position;
        self
    }

    /// At a place in the source that the compiler did not report (the rules that read the
    /// source, the profiles): the site's path stands for the file as printed, too.
    pub fn at_site(mut self, site: &Site) -> Self {
        let path: std::sync::Arc<str> = std::sync::Arc::from(site.path.as_str());
        self.finding.position = Some(Position {
            file: path.clone(),
            line: site.line,
            column: Some(site.column),
            original: None,
            path: Some(path),
        });
        self
    }

    pub fn why(mut self, why: impl Into<String>) -> Self {
        self.finding.why = why.into();
        self
    }

    pub fn fix(mut self, fix: Option<String>) -> Self {
        self.finding.fix = fix;
        self
    }

    /// The rule's own advice, when `advise` (most rules advise only on a leak risk).
    pub fn rule_fix(mut self, advise: bool) -> Self {
        self.finding.fix = self.rule_fix.filter(|_| advise).map(str::to_string);
        self
    }

    pub fn holder(mut self, holder: Holder) -> Self {
        self.finding.holder = Some(Box::new(holder));
        self
    }

    /// The line of escape-explain.toml that decided the verdict.
    pub fn decided_by(mut self, site: Option<Site>) -> Self {
        self.finding.decided_by = site.map(Box::new);
        self
    }

    pub fn evidence(mut self, evidence: Vec<Evidence>) -> Self {
        self.finding.evidence = evidence;
        self
    }

    /// The index of the diagnostic it is about, in its package's `diagnostics`.
    pub fn diagnostic(mut self, i: usize) -> Self {
        self.finding.diagnostic = Some(i);
        self
    }

    pub fn compiler(mut self, lines: Vec<String>) -> Self {
        self.finding.compiler = lines;
        self
    }

    pub fn basis(mut self, basis: Basis) -> Self {
        self.finding.basis = basis;
        self
    }

    pub fn build(self) -> Finding {
        self.finding
    }
}

/// A finding's subject as its title says it: an expression of the source in backticks
/// (`` `make([]byte, n)` ``), or, where the value has no expression of its own, the words that
/// describe it as they are ("the backing array of `keys`"). The openings in [`DESCRIBED`]
/// ("the closure ", "a closure in ") are two identifiers in a row, which no Go expression
/// starts with, so they tell the two apart.
pub fn quoted(subject: &str) -> String {
    if is_described(subject) {
        subject.to_string()
    } else {
        format!("`{subject}`")
    }
}

/// A subject written as words about a value, not as its expression.
pub fn is_described(subject: &str) -> bool {
    DESCRIBED.iter().any(|p| subject.starts_with(p))
}

/// How a described subject starts: the values the compiler names in its own terms.
pub const DESCRIBED: &[&str] = &[
    "the backing array ",
    "the closure ",
    "the method value ",
    "the slice of `...` arguments",
    "a closure in ",
    // What a call passes to a function that keeps it, with no variable to name it by.
    "what line ",
];

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

#[cfg(test)]
mod subject_tests {
    use super::quoted;

    #[test]
    fn a_subject_is_code_or_words() {
        assert_eq!(quoted("make([]byte, n)"), "`make([]byte, n)`");
        assert_eq!(quoted("a + b"), "`a + b`");
        assert_eq!(
            quoted("the backing array of `keys`"),
            "the backing array of `keys`"
        );
        assert_eq!(quoted("a closure in `First`"), "a closure in `First`");
    }
}
