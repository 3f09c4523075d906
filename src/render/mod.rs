//! Output formats. Each renderer writes to a writer it is handed, section by section, so a
//! large build streams through; none of them prints on its own.

pub mod compact;
pub mod html;
pub mod human;
pub mod json;
pub mod sarif;
pub mod text;

use std::io::{self, Write};

use crate::escape::Section;
use crate::finding::Finding;
use crate::report::{RunInfo, Summary};

/// One output format.
pub trait Renderer {
    /// What it reads of a package's diagnostics: a package replayed from the result cache is
    /// given only that, and is not built from the compiler's lines when that is little.
    fn needs(&self) -> Needs {
        Needs::All
    }
    /// Whether it reads what findings below `retained` say beyond their one line (`why`,
    /// `fix`, `evidence`, `compiler`): a package replayed from the result cache leaves them
    /// empty when not.
    fn explains_every_finding(&self) -> bool {
        true
    }
    fn begin(&mut self, out: &mut dyn Write, run: &RunInfo) -> io::Result<()>;
    fn section(
        &mut self,
        out: &mut dyn Write,
        section: &Section,
        findings: &[Finding],
    ) -> io::Result<()>;
    fn end(&mut self, out: &mut dyn Write, run: &RunInfo, summary: &Summary) -> io::Result<()>;
}

/// What a renderer reads of the diagnostics of the section it is given, besides their number
/// and order (the indices [`Finding::diagnostic`] holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Needs {
    /// The kind of each (for the counts).
    Kinds,
    /// Those kinds, and in full the diagnostics of the findings that a long-lived holder
    /// keeps (retained and leak-risk).
    Kept,
    /// Every diagnostic in full.
    All,
}

/// Keeps what it is given instead of writing it: the sides of a diff.
#[derive(Default)]
pub struct Collect {
    pub packages: Vec<json::Package>,
}

impl Renderer for Collect {
    fn begin(&mut self, _out: &mut dyn Write, _run: &RunInfo) -> io::Result<()> {
        Ok(())
    }

    fn section(
        &mut self,
        _out: &mut dyn Write,
        section: &Section,
        findings: &[Finding],
    ) -> io::Result<()> {
        self.packages.push(json::Package {
            section: section.clone(),
            findings: findings.to_vec(),
        });
        Ok(())
    }

    fn end(&mut self, _out: &mut dyn Write, _run: &RunInfo, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}
