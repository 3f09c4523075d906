//! What the runtime's profiles measured for a finding, and how it is said: part of the data
//! model, filled in by the profile join (`--profile`).

use serde::{Deserialize, Serialize};

use crate::units;

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
    /// Goroutines started here that a goroutine leak profile proves blocked forever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaked: Option<i64>,
    /// The profiles `goroutines` and `leaked` come from, for the headline (both are in
    /// `measured_in`).
    #[serde(skip)]
    pub goroutines_in: Option<String>,
    #[serde(skip)]
    pub leaked_in: Option<String>,
    /// What the goroutines wait for (`chan send`, `sleep`), when the profile says.
    #[serde(skip)]
    pub waits_on: Option<String>,
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

/// Bytes and objects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    pub bytes: i64,
    pub objects: i64,
}

impl Amount {
    /// `81.6 MiB (20,000 objects)`.
    pub fn display(&self) -> String {
        let n = self.objects;
        format!(
            "{} ({} {})",
            units::bytes(self.bytes),
            units::count(n),
            if n == 1 { "object" } else { "objects" }
        )
    }
}

impl Measured {
    /// What goes in a finding's header: `83.8 MiB live (53,770 objects) in heap.pprof`,
    /// `8 goroutines alive in goroutine.pprof`, `40 goroutines proven leaked in leak.pprof`.
    pub fn headline(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let (Some(live), Some(p)) = (self.live, self.measured_in.first())
            && live.bytes > 0
        {
            parts.push(format!("{} live in {p}", live.display()));
        }
        let goroutines = |n: i64| if n == 1 { "goroutine" } else { "goroutines" };
        if let (Some(n), Some(p)) = (self.leaked, &self.leaked_in)
            && n > 0
        {
            parts.push(format!(
                "{} {} proven leaked in {p}",
                units::count(n),
                goroutines(n)
            ));
        }
        if let (Some(n), Some(p)) = (self.goroutines, &self.goroutines_in)
            && n > 0
            // The text of every stack is both: "9 goroutines proven leaked" says it.
            && self.leaked_in.as_ref() != Some(p)
        {
            parts.push(format!(
                "{} {} alive in {p}",
                units::count(n),
                goroutines(n)
            ));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// The rest, one line each: growth, allocations, where goroutines wait, disagreements.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(g) = self.grew {
            out.push(format!(
                "{} between the earliest and the latest heap profile",
                if g.bytes > 0 {
                    format!("grew by {}", g.display())
                } else if g.bytes < 0 {
                    format!(
                        "shrank by {}",
                        Amount {
                            bytes: g.bytes.saturating_neg(),
                            objects: g.objects.saturating_neg()
                        }
                        .display()
                    )
                } else {
                    "did not grow".to_string()
                }
            ));
        }
        if let Some(a) = self.allocated
            && a.bytes > 0
        {
            out.push(format!("allocated here over the run: {}", a.display()));
        }
        if let Some(b) = &self.blocked_at {
            out.push(format!("the goroutines are at {b}"));
        }
        if let Some(n) = &self.runtime_note {
            out.push(n.clone());
        }
        out
    }
}
