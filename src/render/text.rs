//! The default text listing: escape diagnostics grouped by package and file, then a summary of
//! what was read. With `verbose`, the inliner's lines, the `-m=2` flows and the lines that were
//! not understood are listed too.

use std::io::{self, Write};

use owo_colors::{OwoColorize, Style};

use super::Renderer;
use crate::escape::model::{Category, Explanation};
use crate::escape::{Diagnostic, Kind, Section};
use crate::finding::{Finding, Verdict};
use crate::paths::ShownPaths;
use crate::report::{Origin, RunInfo, Summary};

pub struct TextRenderer {
    verbose: bool,
    color: bool,
    shown: Vec<Verdict>,
    paths: ShownPaths,
}

impl TextRenderer {
    /// `shown`: the verdicts listed (`--verdict`, `--all`); `verbose` lists every finding;
    /// `paths`: where the reader stands.
    pub fn new(verbose: bool, color: bool, shown: Vec<Verdict>, paths: ShownPaths) -> Self {
        TextRenderer {
            verbose,
            color,
            shown,
            paths,
        }
    }

    fn paint(&self, s: Style) -> Style {
        if self.color { s } else { Style::new() }
    }

    fn verdict_style(&self, v: Verdict) -> Style {
        self.paint(match v {
            Verdict::LeakRisk => Style::new().red().bold(),
            Verdict::Retained => Style::new().yellow(),
            Verdict::Heap => Style::new().cyan(),
            Verdict::Passes => Style::new().dimmed(),
            Verdict::Stack => Style::new().green(),
        })
    }

    fn kind_style(&self, kind: Kind) -> Style {
        self.paint(match kind {
            Kind::MovedToHeap | Kind::EscapesToHeap | Kind::AppendEscapes => Style::new().yellow(),
            Kind::DoesNotEscape | Kind::AppendDoesNotEscape => Style::new().green(),
            Kind::LeakingParam | Kind::LeakingParamContent | Kind::LeakingParamToResult => {
                Style::new().cyan()
            }
            _ => Style::new().dimmed(),
        })
    }

    fn explanation(&self, out: &mut dyn Write, e: &Explanation) -> io::Result<()> {
        let dim = self.paint(Style::new().dimmed());
        writeln!(out, "{:>12}{}", "", e.header.text().style(dim))?;
        for f in &e.flows {
            writeln!(out, "{:>14}flow: {} ← {}{}", "", f.to, f.op.sigil(), f.from)?;
            for s in &f.steps {
                let at =
                    s.at.as_ref()
                        .map(|p| match p.path.as_deref() {
                            Some(path) => self.paths.line(path, p.line),
                            None => p.display(),
                        })
                        .unwrap_or_default();
                writeln!(
                    out,
                    "{:>16}from {} ({}) at {at}",
                    "",
                    s.expr,
                    s.reason.as_str().style(dim)
                )?;
            }
        }
        if e.truncated {
            writeln!(
                out,
                "{:>14}(the compiler cut this explanation short at a cycle)",
                ""
            )?;
        }
        Ok(())
    }
}

impl Renderer for TextRenderer {
    fn needs(&self) -> super::Needs {
        // `--verbose` lists the compiler's other diagnostics and every explanation.
        if self.verbose {
            super::Needs::All
        } else {
            super::Needs::Kinds
        }
    }

    fn begin(&mut self, _out: &mut dyn Write, _run: &RunInfo) -> io::Result<()> {
        Ok(())
    }

    fn section(
        &mut self,
        out: &mut dyn Write,
        section: &Section,
        findings: &[Finding],
    ) -> io::Result<()> {
        let shown: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.reported())
            .filter(|f| self.verbose || self.shown.contains(&f.verdict))
            .collect();
        let others: Vec<&Diagnostic> = if self.verbose {
            section
                .diagnostics
                .iter()
                .filter(|d| d.kind.category() != Category::Escape)
                .collect()
        } else {
            Vec::new()
        };
        if shown.is_empty() && others.is_empty() {
            return Ok(());
        }
        let pkg = section.package.as_deref().unwrap_or("(no package header)");
        let variant = section
            .variant
            .as_deref()
            .map(|v| format!(" [{v}]"))
            .unwrap_or_default();
        writeln!(
            out,
            "{}{variant}",
            pkg.style(self.paint(Style::new().bold()))
        )?;
        let mut current_file: Option<&str> = None;
        let mut first = true;
        for f in shown {
            let file = f.position.as_ref().map(|p| p.best_file());
            if first || file != current_file {
                let name = f
                    .position
                    .as_ref()
                    .map(|p| self.paths.file(p))
                    .unwrap_or("(no position)".into());
                writeln!(
                    out,
                    "  {}",
                    name.style(self.paint(Style::new().underline()))
                )?;
                current_file = file;
                first = false;
            }
            let at = f
                .position
                .as_ref()
                .map(|p| match p.column {
                    Some(c) => format!("{}:{c}", p.line),
                    None => p.line.to_string(),
                })
                .unwrap_or_default();
            writeln!(
                out,
                "    {at:<8}{:<10} {}  {}",
                f.verdict.name().style(self.verdict_style(f.verdict)),
                f.code.style(self.paint(Style::new().dimmed())),
                f.measured_title()
            )?;
            if let Some(said) = f.compiler.first() {
                writeln!(
                    out,
                    "{:>22}{}",
                    "",
                    format!("compiler: {said}").style(self.paint(Style::new().dimmed()))
                )?;
            }
            if let Some(h) = &f.holder {
                let declared = h
                    .declared
                    .as_ref()
                    .map(|s| {
                        format!(
                            ", declared at {}",
                            self.paths.site(&s.path, s.line, s.column)
                        )
                    })
                    .unwrap_or_default();
                let added = h
                    .added
                    .as_ref()
                    .map(|s| format!("; added at {}", self.paths.site(&s.path, s.line, s.column)))
                    .unwrap_or_default();
                let released = match &h.released {
                    Some(r) => match &r.site {
                        Some(s) => format!(
                            "; released: {} at {}",
                            r.how,
                            self.paths.site(&s.path, s.line, s.column)
                        ),
                        None => format!("; released: {}", r.how),
                    },
                    None => "; released: nowhere".to_string(),
                };
                writeln!(
                    out,
                    "{:>22}holder: {} ({}){declared}{added}{released}",
                    "",
                    h.name,
                    h.kind.name()
                )?;
                if let Some(d) = &f.decided_by {
                    writeln!(
                        out,
                        "{:>22}decided by {}: {}",
                        "",
                        self.paths.line(&d.path, d.line),
                        d.text
                    )?;
                }
            } else if f.verdict == Verdict::Heap {
                writeln!(
                    out,
                    "{:>22}{}",
                    "",
                    f.why.style(self.paint(Style::new().dimmed()))
                )?;
            }
        }
        for d in others {
            let at = d
                .position
                .as_ref()
                .map(|p| format!("{}:{}", self.paths.file(p), p.line))
                .unwrap_or_default();
            writeln!(
                out,
                "    {at}  {}",
                d.message.style(self.kind_style(d.kind))
            )?;
        }
        if self.verbose {
            for d in section
                .diagnostics
                .iter()
                .filter(|d| !d.explanations.is_empty())
            {
                let at = d
                    .position
                    .as_ref()
                    .map(|p| format!("{}:{}", self.paths.file(p), p.line))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "    {at}  {}",
                    d.message.style(self.paint(Style::new().dimmed()))
                )?;
                for e in &d.explanations {
                    self.explanation(out, e)?;
                }
            }
        }
        writeln!(out)
    }

    fn end(&mut self, out: &mut dyn Write, run: &RunInfo, summary: &Summary) -> io::Result<()> {
        let t = &summary.totals;
        let from = match &run.origin {
            Origin::Build { args, .. } => format!("go {}", args.join(" ")),
            Origin::File { path } => path.clone(),
            Origin::Stdin => "standard input".to_string(),
        };
        let version = run
            .go_version
            .as_deref()
            .map(|v| format!(" ({v})"))
            .unwrap_or_default();
        use crate::units::counted;
        writeln!(
            out,
            "Read {} from {from}{version}: {} in {}.",
            counted(summary.input.lines, "line"),
            counted(t.diagnostics, "diagnostic"),
            counted(t.packages, "package")
        )?;
        let verdicts = |v: Verdict| t.by_verdict.get(&v).copied().unwrap_or(0);
        writeln!(out, "  {}", crate::report::heap_sentence(t))?;
        if let Some(s) = crate::report::external_sentence(t) {
            writeln!(out, "  {s}")?;
        }
        // With no output at all, the closing note says it for the whole build.
        if let Some(s) =
            crate::report::uninstantiated_sentence(t).filter(|_| summary.input.lines > 0)
        {
            writeln!(out, "  {s}")?;
        }
        if let Some(s) = crate::report::repeated_sentence(t) {
            writeln!(out, "  {s}")?;
        }
        if let Some(s) = crate::report::settings_sentence(t) {
            writeln!(out, "  {s}")?;
        }
        writeln!(
            out,
            "  verdicts: {} leak-risk, {} retained, {} heap, {} passes, {} stack.",
            verdicts(Verdict::LeakRisk),
            verdicts(Verdict::Retained),
            verdicts(Verdict::Heap),
            verdicts(Verdict::Passes),
            verdicts(Verdict::Stack)
        )?;
        let count = |k: Kind| t.by_kind.get(&k).copied().unwrap_or(0);
        let leaks = count(Kind::LeakingParam)
            + count(Kind::LeakingParamContent)
            + count(Kind::LeakingParamToResult);
        writeln!(
            out,
            "  {} moved to heap, {} escape to heap, {} do not escape, {} leaking parameters.",
            count(Kind::MovedToHeap),
            count(Kind::EscapesToHeap) + count(Kind::AppendEscapes),
            count(Kind::DoesNotEscape) + count(Kind::AppendDoesNotEscape),
            leaks
        )?;
        let others: u64 = t
            .by_kind
            .iter()
            .filter(|(k, _)| k.category() != Category::Escape)
            .map(|(_, n)| n)
            .sum();
        if others > 0 && !self.verbose {
            writeln!(
                out,
                "  {others} inliner and other lines not listed (--verbose lists them)."
            )?;
        }
        let u = summary.input.unrecognized_lines;
        if u > 0 {
            let warn = self.paint(Style::new().red());
            writeln!(
                out,
                "  {} not understood{}",
                format!("{u} line{}", if u == 1 { " was" } else { "s were" }).style(warn),
                if self.verbose {
                    ":"
                } else {
                    " (--verbose lists them)."
                }
            )?;
            if self.verbose {
                for l in &summary.unrecognized {
                    writeln!(out, "    {:>6}: {}", l.line, l.text)?;
                }
                if summary.input.unrecognized_not_kept > 0 {
                    writeln!(
                        out,
                        "    ... and {} more, counted but not kept",
                        summary.input.unrecognized_not_kept
                    )?;
                }
            }
        }
        if summary.input.invalid_utf8_lines > 0 {
            let n = summary.input.invalid_utf8_lines;
            writeln!(
                out,
                "  {} {} not valid UTF-8 and {} read with replacement characters.",
                counted(n, "line"),
                if n == 1 { "was" } else { "were" },
                if n == 1 { "was" } else { "were" }
            )?;
        }
        if summary.input.truncated_last_line {
            writeln!(
                out,
                "  The last line had no line ending (was the log cut short?)."
            )?;
        }
        if self.verbose {
            for u in &summary.unused_suppressions {
                writeln!(out, "  unused suppression: {u}")?;
            }
        }
        if summary.input.lines == 0 {
            match run.origin {
                crate::report::Origin::Build { .. } => {
                    writeln!(out, "  {}", crate::report::NOTHING_PRINTED)?
                }
                _ => writeln!(out, "  The input was empty: nothing to explain.")?,
            }
        }
        Ok(())
    }
}
