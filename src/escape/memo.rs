//! What reading a section told the reader, kept so that a section read before is not classified
//! line by line again. A warm run of the standard library reads 72 MB of compiler output whose
//! every section is in the result cache; classifying each line only to count it was most of
//! what such a run did on its one reading thread.
//!
//! A sorted [`super::Reader`] given a [`SectionMemo`] keeps a section's lines as they come,
//! hashing them, and classifies none but the header. When the section ends, the memo is asked
//! for the hash: what it returns is counted as if each line had been classified; when it has
//! nothing, the lines are read back and classified as they would have been, and what they told
//! is given to the memo. Either way the section is kept as the same lines, and built from them
//! only when its findings are not replayed.

use serde::{Deserialize, Serialize};

/// What the lines of one section (after its header) tell the reader, besides the lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionRead {
    /// Its lines, after the header.
    pub lines: u64,
    pub blank_lines: u64,
    pub tool_lines: u64,
    pub invalid_utf8_lines: u64,
    pub escape_lines: u64,
    /// The lines not understood, as kept ([`super::reader::KEEP_LINE_BYTES`]), each with its
    /// line counted from the header (1: the line after it).
    pub unrecognized: Vec<(u64, String)>,
    /// The files its diagnostics name, as printed.
    pub named: Vec<String>,
    /// The newest Go minor version its wording needs (0: any).
    pub since_minor: u32,
    /// Its lines for the escape model: their hash (the section's identity for the result
    /// cache), how many, and the facts among them.
    pub model: super::reader::Model,
    /// Whether a line of it belongs to the escape model (else the section is not handed over).
    pub kept: bool,
}

/// Where the reader finds what a section's lines told it before, by their hash.
pub trait SectionMemo: Send + Sync {
    fn get(&self, digest: u128) -> Option<SectionRead>;
    fn put(&self, digest: u128, read: &SectionRead);
}
