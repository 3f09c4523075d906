//! `--format compact`: one line per finding, `path:line:col: verdict CODE: message`, the shape
//! vim's quickfix list (`:set errorformat=%f:%l:%c:\ %m`) and VS Code problem matchers read.

use std::io::{self, Write};

use super::Renderer;
use crate::escape::Section;
use crate::finding::{Finding, Verdict};
use crate::paths::ShownPaths;
use crate::report::{RunInfo, Summary};

pub struct CompactRenderer {
    /// Verdicts listed.
    pub shown: Vec<Verdict>,
    /// Paths from where the editor was started, so that its jump opens the file.
    pub paths: ShownPaths,
}

impl Renderer for CompactRenderer {
    fn begin(&mut self, _out: &mut dyn Write, _run: &RunInfo) -> io::Result<()> {
        Ok(())
    }

    fn needs(&self) -> super::Needs {
        super::Needs::Kinds
    }

    fn explains_every_finding(&self) -> bool {
        false
    }

    fn section(
        &mut self,
        out: &mut dyn Write,
        _section: &Section,
        findings: &[Finding],
    ) -> io::Result<()> {
        for f in findings
            .iter()
            .filter(|f| f.reported() && self.shown.contains(&f.verdict))
        {
            let Some(p) = &f.position else { continue };
            writeln!(
                out,
                "{}:{}:{}: {} {}: {}",
                self.paths.file(p),
                p.line,
                p.column.unwrap_or(1),
                f.verdict.name(),
                f.code,
                f.measured_title()
            )?;
        }
        Ok(())
    }

    fn end(&mut self, _out: &mut dyn Write, _run: &RunInfo, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}
