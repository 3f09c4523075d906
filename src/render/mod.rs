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
    fn begin(&mut self, out: &mut dyn Write, run: &RunInfo) -> io::Result<()>;
    fn section(
        &mut self,
        out: &mut dyn Write,
        section: &Section,
        findings: &[Finding],
    ) -> io::Result<()>;
    fn end(&mut self, out: &mut dyn Write, run: &RunInfo, summary: &Summary) -> io::Result<()>;
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
