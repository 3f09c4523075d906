//! Output formats. Each renderer writes to a writer it is handed, section by section, so a
//! large build streams through; none of them prints on its own.

pub mod human;
pub mod json;
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
