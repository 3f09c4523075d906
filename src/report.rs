//! What a run produced besides the per-package sections: where the output came from, the Go
//! version, the counts, and every line that was not understood. Renderers get this at the end.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::escape::{InputStats, Kind, Section, Unrecognized};
use crate::finding::{Finding, HolderKind, Verdict};

/// Where the compiler output came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "kebab-case")]
pub enum Origin {
    /// escape-explain ran the build: the argv after `go`, and the directory.
    Build {
        args: Vec<String>,
        dir: String,
    },
    /// A saved log.
    File {
        path: String,
    },
    Stdin,
}

/// Said when go build printed no escape diagnostic at all.
pub const NOTHING_PRINTED: &str = "go build printed no escape diagnostics. The compiler analyses generic code only where it is instantiated, so a package made only of generic types and functions says nothing until something uses it: `--tests` builds the tests, which usually do. The source rules (goroutines, timers, registrations, C memory) ran on the source anyway.";

/// The run as known before the first section arrives.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunInfo {
    pub origin: Origin,
    /// `go1.27.3` from the toolchain, or as given with --go-version; absent when unknown.
    pub go_version: Option<String>,
}

/// Counts, added up as sections stream past.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Totals {
    pub packages: u64,
    pub diagnostics: u64,
    /// Diagnostics per kind, by the kind's name.
    pub by_kind: BTreeMap<Kind, u64>,
    /// Reported findings (not suppressed).
    pub findings: u64,
    /// Findings silenced by `//escape-explain:ignore` comments.
    #[serde(default)]
    pub suppressed: u64,
    /// Reported findings whose verdict escape-explain.toml decided (a registry it declares, a
    /// holder it says is bounded).
    #[serde(default)]
    pub decided_by_settings: u64,
    /// Findings per verdict.
    pub by_verdict: BTreeMap<Verdict, u64>,
    /// Findings a holder keeps (retained or leak-risk), per holder kind.
    pub by_holder: BTreeMap<HolderKind, u64>,
    /// Findings about an allocation (`moved to heap`, `escapes to heap`) that is on the heap,
    /// held or not: the values that really cost heap memory.
    #[serde(default)]
    pub heap_allocations: u64,
    /// Of `heap_allocations`, those a long-lived holder keeps (retained or leak-risk).
    #[serde(default)]
    pub kept_allocations: u64,
    /// Of `kept_allocations`, those that can grow without bound (leak-risk).
    #[serde(default)]
    pub growing_allocations: u64,
    /// Findings about a goroutine or a blocked send that only the source (or a goroutine
    /// profile) shows: what they cost is a goroutine's stack and what it references, not an
    /// allocation site of the compiler's.
    #[serde(default)]
    pub goroutines: u64,
    /// Of `goroutines`, those nothing ends (leak-risk).
    #[serde(default)]
    pub endless_goroutines: u64,
    /// Findings about a parameter (`leaking param`, a parameter that does not escape): what a
    /// function does with its arguments, which allocates nothing where it is reported.
    #[serde(default)]
    pub parameters: u64,
    /// Of `parameters`, those whose argument a long-lived holder keeps (retained or
    /// leak-risk): every caller's value passed there is kept.
    #[serde(default)]
    pub kept_parameters: u64,
    /// Findings at positions outside the module, hidden (`--external` shows them).
    #[serde(default)]
    pub external: u64,
    /// Findings already reported from an earlier section (the same package's output twice,
    /// a package and its test variant, generic code instantiated in several packages),
    /// reported once.
    #[serde(default)]
    pub repeated: u64,
    /// Positions in the module's form (relative paths) whose file was not found: their
    /// findings could not be judged against the source.
    #[serde(default)]
    pub unresolved: u64,
    /// Source files of the build that could not be read (permission denied, not a regular
    /// file): their findings could not be judged against the source either.
    #[serde(default)]
    pub unreadable: u64,
    /// Packages with generic code the compiler said nothing about: generic code gets escape
    /// analysis only where it is instantiated, and nothing in the build instantiated theirs.
    #[serde(default)]
    pub uninstantiated: u64,
}

impl Totals {
    pub fn add(&mut self, section: &Section, findings: &[Finding]) {
        self.packages += 1;
        self.diagnostics += section.diagnostics.len() as u64;
        for d in &section.diagnostics {
            *self.by_kind.entry(d.kind).or_default() += 1;
        }
        self.suppressed += findings.iter().filter(|f| f.suppressed.is_some()).count() as u64;
        self.external += findings
            .iter()
            .filter(|f| f.external && f.suppressed.is_none())
            .count() as u64;
        let reported: Vec<&Finding> = findings.iter().filter(|f| f.reported()).collect();
        self.findings += reported.len() as u64;
        self.decided_by_settings +=
            reported.iter().filter(|f| f.decided_by.is_some()).count() as u64;
        for f in reported {
            *self.by_verdict.entry(f.verdict).or_default() += 1;
            let kind = f
                .diagnostic
                .and_then(|i| section.diagnostics.get(i))
                .map(|d| d.kind);
            let kept = f.verdict >= Verdict::Retained;
            let growing = f.verdict == Verdict::LeakRisk;
            match kind {
                Some(
                    Kind::LeakingParam | Kind::LeakingParamContent | Kind::LeakingParamToResult,
                ) => {
                    self.parameters += 1;
                    self.kept_parameters += u64::from(kept);
                }
                _ if f.verdict == Verdict::Passes => self.parameters += 1,
                None if is_goroutine(f) => {
                    self.goroutines += 1;
                    self.endless_goroutines += u64::from(growing);
                }
                // A site the source found (a timer, a store the flow does not show) allocates.
                None | Some(Kind::MovedToHeap | Kind::EscapesToHeap | Kind::AppendEscapes)
                    if f.verdict >= Verdict::Heap =>
                {
                    self.heap_allocations += 1;
                    self.kept_allocations += u64::from(kept);
                    self.growing_allocations += u64::from(growing);
                }
                _ => {}
            }
            // Only what a holder keeps is counted by holder: a timer judged `heap` (collected
            // since Go 1.23) names its holder too, but nothing keeps it.
            if let Some(h) = &f.holder
                && f.verdict >= Verdict::Retained
            {
                *self.by_holder.entry(h.kind).or_default() += 1;
            }
        }
    }
}

/// A goroutine, or a send that blocks one, found in the source or a goroutine profile: it is
/// not an allocation site, whatever it keeps.
fn is_goroutine(f: &Finding) -> bool {
    use crate::rules::RuleId;
    f.diagnostic.is_none()
        && matches!(
            f.code,
            RuleId::Goroutine
                | RuleId::GoroutineHolder
                | RuleId::ForgottenSender
                | RuleId::ProfileAlive
                | RuleId::ProfileLeaked
        )
}

/// "3 allocations on the heap; 2 kept by long-lived holders, 1 of which can grow without
/// bound. 2 goroutines ... 5 parameters passed on: ..." Allocations, goroutines and parameter
/// summaries are never added together: each finding is counted in one of them, and the
/// verdict counts beside this sentence add up to them.
pub fn heap_sentence(t: &Totals) -> String {
    let mut s = match t.kept_allocations {
        0 => format!(
            "{} on the heap; none kept by a long-lived holder.",
            crate::units::counted(t.heap_allocations, "allocation"),
        ),
        kept => format!(
            "{} on the heap; {kept} kept by long-lived holders, {} of which can grow without bound.",
            crate::units::counted(t.heap_allocations, "allocation"),
            t.growing_allocations,
        ),
    };
    if t.goroutines > 0 {
        s.push_str(&format!(
            " {} {} what {} while {} (not allocations), {} of which nothing ends.",
            crate::units::counted(t.goroutines, "goroutine"),
            if t.goroutines == 1 { "keeps" } else { "keep" },
            if t.goroutines == 1 {
                "it references"
            } else {
                "they reference"
            },
            if t.goroutines == 1 {
                "it runs"
            } else {
                "they run"
            },
            t.endless_goroutines
        ));
    }
    if t.parameters > 0 {
        s.push_str(&format!(
            " {} passed on: what functions do with their arguments, not allocations",
            crate::units::counted(t.parameters, "parameter")
        ));
        if t.kept_parameters > 0 {
            s.push_str(&format!(
                "; {} of them into long-lived holders, which keep every caller's argument",
                t.kept_parameters
            ));
        }
        s.push('.');
    }
    s
}

/// "2 packages of generic code got no escape analysis ..." when a package's code is generic
/// and the compiler printed nothing for it.
pub fn uninstantiated_sentence(t: &Totals) -> Option<String> {
    (t.uninstantiated > 0).then(|| {
        format!(
            "{} generic code and got no escape analysis: the compiler analyses generic code only where it is instantiated, and nothing in this build instantiates {}. The source rules still ran; --tests builds the tests, which may instantiate it.",
            if t.uninstantiated == 1 {
                "1 package has".to_string()
            } else {
                format!("{} packages have", t.uninstantiated)
            },
            if t.uninstantiated == 1 { "it" } else { "theirs" }
        )
    })
}

/// "12 findings repeated in the input are reported once."
pub fn repeated_sentence(t: &Totals) -> Option<String> {
    (t.repeated > 0).then(|| {
        format!(
            "{} a fact already reported (a package's output repeated, a test variant, generic code instantiated in several packages): reported once.",
            if t.repeated == 1 {
                "1 finding repeated".to_string()
            } else {
                format!("{} findings repeated", t.repeated)
            }
        )
    })
}

/// "48 findings in code outside the module ... are hidden; --external shows them."
pub fn external_sentence(t: &Totals) -> Option<String> {
    (t.external > 0).then(|| {
        format!(
            "{} in code outside the module (the standard library's or a dependency's code, instantiated or inlined here) {} hidden; --external shows {}.",
            if t.external == 1 {
                "1 finding".to_string()
            } else {
                format!("{} findings", t.external)
            },
            if t.external == 1 { "is" } else { "are" },
            if t.external == 1 { "it" } else { "them" },
        )
    })
}

/// Everything known once the input has ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub totals: Totals,
    pub input: InputStats,
    pub unrecognized: Vec<Unrecognized>,
    /// Set when the build failed: the go command's exit was non-zero.
    pub build_failed: bool,
    /// `//escape-explain:ignore` comments that silenced nothing or gave no reason.
    pub unused_suppressions: Vec<String>,
    /// With `--profile`: what the profiles were, what they hold most, and what they disagree on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<crate::profile::join::ProfileSummary>,
}

/// "2 verdicts were decided by escape-explain.toml ...", when any was.
pub fn settings_sentence(t: &Totals) -> Option<String> {
    (t.decided_by_settings > 0).then(|| {
        format!(
            "{} decided by the settings file (escape-explain.toml or --config: a registry it declares, or a holder it says is bounded), not by the source alone.",
            if t.decided_by_settings == 1 {
                "1 verdict was".to_string()
            } else {
                format!("{} verdicts were", t.decided_by_settings)
            }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Allocations, goroutines and parameters each in their own clause, each clause about its
    /// own counts.
    #[test]
    fn the_heap_sentence_counts_each_kind_apart() {
        let t = Totals {
            heap_allocations: 10,
            kept_allocations: 3,
            growing_allocations: 2,
            goroutines: 1,
            endless_goroutines: 1,
            parameters: 7,
            kept_parameters: 1,
            ..Totals::default()
        };
        assert_eq!(
            heap_sentence(&t),
            "10 allocations on the heap; 3 kept by long-lived holders, 2 of which can grow without bound. 1 goroutine keeps what it references while it runs (not allocations), 1 of which nothing ends. 7 parameters passed on: what functions do with their arguments, not allocations; 1 of them into long-lived holders, which keep every caller's argument."
        );
        let none = Totals {
            heap_allocations: 1,
            ..Totals::default()
        };
        assert_eq!(
            heap_sentence(&none),
            "1 allocation on the heap; none kept by a long-lived holder."
        );
    }
}
