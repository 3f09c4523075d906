//! What every rule declares: its permanent code, the holder kind it reports, and its advice.
//! Codes are permanent: a retired code is never reused.

use crate::finding::HolderKind;

/// A classification rule's identity and advice.
#[derive(Debug)]
pub struct Rule {
    /// `EE0201`.
    pub code: &'static str,
    /// The holder kind, for holder rules.
    pub holder: Option<HolderKind>,
    /// A one-line name for the pattern.
    pub name: &'static str,
    /// What would fix it when it is a leak risk.
    pub fix: Option<&'static str>,
}
