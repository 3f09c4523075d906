//! The report a Go developer reads (the default format): for each value worth attention, a
//! header with the verdict, code and title; a code frame of the source with the value, where it
//! is added to its holder, where the holder is declared and where it is released; the
//! compiler's flow told as sentences; why it is or is not a leak; and what would fix it. `heap`
//! findings are one line each, `stack` ones only with `--all`. A summary ties it together.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer as Snippets, Snippet};
use owo_colors::{OwoColorize, Style};

use super::Renderer;
use crate::classify::words;
use crate::escape::model::{FlowOp, Header, Reason};
use crate::escape::{Diagnostic, Section};
use crate::finding::{Finding, HolderKind, Site, Verdict};
use crate::paths::ShownPaths;
use crate::report::{Origin, RunInfo, Summary};

/// Which findings to show, and how.
#[derive(Debug, Clone)]
pub struct HumanOptions {
    /// Verdicts shown in full.
    pub full: Vec<Verdict>,
    /// Verdicts shown as one line each.
    pub brief: Vec<Verdict>,
    pub color: bool,
    pub width: usize,
    /// One-line findings are shortened to the width only on a terminal: a file or a pipe gets
    /// them whole.
    pub cut: bool,
    /// The module root that finding paths are relative to.
    pub root: Option<PathBuf>,
    /// How paths are shown: from where the reader stands.
    pub paths: ShownPaths,
    /// Also list suppression comments that silence nothing.
    pub verbose: bool,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            full: vec![Verdict::LeakRisk, Verdict::Retained],
            brief: vec![Verdict::Heap],
            color: false,
            width: 100,
            cut: false,
            root: None,
            paths: ShownPaths::from_root(),
            verbose: false,
        }
    }
}

pub struct HumanRenderer {
    opts: HumanOptions,
    /// Each source file read for a frame, once a run.
    files: HashMap<PathBuf, Option<Rc<Text>>>,
    /// package -> verdict -> count
    per_package: BTreeMap<String, BTreeMap<Verdict, u64>>,
}

impl HumanRenderer {
    pub fn new(opts: HumanOptions) -> Self {
        HumanRenderer {
            opts,
            files: HashMap::new(),
            per_package: BTreeMap::new(),
        }
    }

    fn paint(&self, s: Style) -> Style {
        if self.opts.color { s } else { Style::new() }
    }

    /// `path:line:column` of a source site, as the reader sees the path.
    fn site(&self, s: &Site) -> String {
        self.opts.paths.site(&s.path, s.line, s.column)
    }

    fn source(&mut self, path: &str) -> Option<Rc<Text>> {
        let p = Path::new(path);
        let abs = match (&self.opts.root, p.is_relative()) {
            (Some(r), true) => r.join(p),
            _ => p.to_path_buf(),
        };
        self.files
            .entry(abs.clone())
            // A control character in a Go string literal or comment must not drive the reader's
            // terminal; it is masked so that spans stay where they were.
            .or_insert_with(|| {
                crate::files::read_regular_text(&abs)
                    .ok()
                    .map(|t| Rc::new(Text::new(crate::printable::source(&t).into_owned())))
            })
            .clone()
    }

    /// Wraps a note to the width, keeping each line's indentation (the titles' `note: ` prefix
    /// takes 6 columns).
    fn wrap(&self, text: &str) -> String {
        let width = self.opts.width.saturating_sub(8).max(30);
        text.lines()
            .map(|line| {
                let indent = line.len() - line.trim_start().len();
                let pad = " ".repeat(indent);
                textwrap::wrap(
                    line.trim_start(),
                    textwrap::Options::new(width - indent.min(width / 2))
                        .initial_indent(&pad)
                        .subsequent_indent(&pad),
                )
                .join("\n")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn verdict_level(v: Verdict) -> Level<'static> {
        match v {
            Verdict::LeakRisk => Level::ERROR.with_name("leak-risk"),
            Verdict::Retained => Level::WARNING.with_name("retained"),
            Verdict::Heap => Level::NOTE.with_name("heap"),
            Verdict::Passes => Level::HELP.with_name("passes"),
            Verdict::Stack => Level::HELP.with_name("stack"),
        }
    }

    /// One finding in full; `same` are findings that say the same of other statements of the
    /// same function (the goroutines one `main` starts), listed in a note instead of repeated.
    fn full(
        &mut self,
        out: &mut dyn Write,
        f: &Finding,
        d: Option<&Diagnostic>,
        same: &[&Finding],
    ) -> io::Result<()> {
        let path = f
            .position
            .as_ref()
            .map(|p| p.best_file().to_string())
            .unwrap_or_default();
        let text = self.source(&path);
        let shown = self.opts.paths.show(&path).into_owned();
        let level = Self::verdict_level(f.verdict);
        // What the runtime measured leads: it is the reader's evidence before ours.
        let title_text = f.measured_title();
        let title = level.primary_title(title_text.as_ref()).id(f.code.as_str());
        let mut notes: Vec<String> = Vec::new();
        let mut group = Group::with_title(title);
        let mut spans: Vec<(AnnotationKind, std::ops::Range<usize>, String)> = Vec::new();
        match (&text, &f.position) {
            (Some(text), Some(pos)) => {
                // The spans first, then the frame: annotate-snippets reads its whole source,
                // so it is given only the lines the spans cover (folded, the rest is not
                // shown anyway).
                // A line the profile named has no column: the whole line is the place.
                // What only the source shows is a statement: the whole of it is the place.
                let statement = match (f.diagnostic, pos.column) {
                    (None, Some(column)) => statement_at(text, pos.line, column),
                    _ => None,
                };
                let span = statement
                    .or_else(|| span_at(text, pos.line, pos.column.unwrap_or(1), &f.subject))
                    .or_else(|| {
                        pos.column.is_none().then(|| {
                            text.line(pos.line).map(|line| {
                                let shown = &text.text[line.clone()];
                                line.start + shown.len() - shown.trim_start().len()..line.end
                            })
                        })?
                    });
                if let Some(span) = span {
                    // What the compiler reported is a value; what only the source shows is a
                    // statement (a goroutine, a C allocation, a timer).
                    let label = match (&f.holder, f.diagnostic) {
                        (_, None) => "here",
                        (Some(_), Some(_)) => "this value is kept",
                        (None, Some(_)) => "this value",
                    };
                    spans.push((AnnotationKind::Primary, span, label.to_string()));
                }
                if let Some(h) = &f.holder {
                    // One label per fact, each on its own line under the same span when the
                    // add, the declaration and the release share a line (a package-level
                    // initializer), as rustc writes them.
                    let mut labels: Vec<(std::ops::Range<usize>, String)> = Vec::new();
                    for (site, label) in [
                        (
                            h.added.as_ref(),
                            format!("added to {} here", holder_words(h.kind, &h.name)),
                        ),
                        (
                            h.declared.as_ref(),
                            format!(
                                "`{}` is declared here and lives as long as the process",
                                h.name
                            ),
                        ),
                        (
                            h.released.as_ref().and_then(|r| r.site.as_ref()),
                            h.released
                                .as_ref()
                                .map(|r| format!("released here: {}", r.how))
                                .unwrap_or_default(),
                        ),
                    ] {
                        let Some(site) = site else { continue };
                        // The add of a source-only finding is the finding's own place.
                        if f.diagnostic.is_none()
                            && f.position.as_ref().is_some_and(|p| p.line == site.line)
                            && label.starts_with("added")
                        {
                            continue;
                        }
                        if site.path != path {
                            notes.push(format!("{label}: {}", self.site(site)));
                            continue;
                        }
                        if let Some(span) = line_span(text, site) {
                            labels.push((span, label));
                        }
                    }
                    for (span, label) in labels {
                        spans.push((AnnotationKind::Context, span, label));
                    }
                }
                let (window, first_line) = text.window(spans.iter().map(|(_, s, _)| s.clone()));
                let mut snippet = Snippet::source(&text.text[window.clone()])
                    .line_start(first_line)
                    .path(shown.as_str())
                    .fold(true);
                for (kind, span, label) in &spans {
                    let span = span.start - window.start..span.end - window.start;
                    snippet = snippet.annotation(kind.span(span).label(label.as_str()));
                }
                group = group.element(snippet);
            }
            (None, Some(pos)) => notes.push(format!("at {}", self.opts.paths.position(pos))),
            _ => {}
        }
        if let Some(h) = &f.holder {
            match &h.released {
                Some(r) if r.site.is_none() => notes.push(format!("bounded: {}", r.how)),
                // A goroutine is released by returning; its finding says what ends it.
                None if h.kind == HolderKind::Goroutine => {}
                None if f.diagnostic.is_some() => notes.push(match h.name.split_once('.') {
                    // A variable of another package of the module (`store.forever`).
                    Some((pkg, _)) if !h.name.contains(' ') => format!(
                        "nothing in package {pkg} releases {}",
                        holder_words(h.kind, &h.name)
                    ),
                    _ => format!(
                        "nothing in the package releases {}",
                        holder_words(h.kind, &h.name)
                    ),
                }),
                _ => {}
            }
        }
        let mut groups = vec![group];
        let flow = d.map(flow_sentences).unwrap_or_default();
        let said = f.compiler.first().cloned();
        let mut note_lines: Vec<String> = notes;
        if !same.is_empty() {
            let sites: Vec<String> = same
                .iter()
                .map(|g| {
                    let at = g
                        .position
                        .as_ref()
                        .map(|p| format!(" ({})", self.opts.paths.position(p)))
                        .unwrap_or_default();
                    format!("{}{at}", crate::finding::quoted(&g.subject))
                })
                .collect();
            note_lines.push(format!(
                "the same for {} more in {}: {}",
                same.len(),
                f.function
                    .as_deref()
                    .map(|n| format!("`{n}`"))
                    .unwrap_or_else(|| "the same function".into()),
                sites.join(", ")
            ));
        }
        if let Some(m) = &f.measured {
            note_lines.extend(m.lines().into_iter().map(|l| format!("profile: {l}")));
        }
        if let Some(d) = &f.decided_by {
            note_lines.push(format!(
                "decided by {}: {}",
                self.opts.paths.line(&d.path, d.line),
                d.text
            ));
        }
        if let Some(said) = said {
            note_lines.push(format!("the compiler said: {said}"));
        }
        note_lines.extend(flow.into_iter().map(|s| format!("  {s}")));
        let added = f.holder.as_ref().and_then(|h| h.added.as_ref());
        for e in &f.evidence {
            // Said already: in the frame's labels, or in the note about the release.
            if e.note.starts_with("the compiler:")
                || e.note.starts_with("nothing in the package")
                || e.note.starts_with("released:")
                || (e.site.is_some() && e.site.as_ref() == added)
            {
                continue;
            }
            match &e.site {
                Some(s) => note_lines.push(format!("{} ({})", e.note, self.site(s))),
                None => note_lines.push(e.note.clone()),
            }
        }
        if !note_lines.is_empty() {
            groups.push(Group::with_title(
                Level::NOTE.secondary_title(self.wrap(&note_lines.join("\n"))),
            ));
        }
        groups.push(Group::with_title(
            Level::NOTE
                .with_name("why")
                .secondary_title(self.wrap(&f.why)),
        ));
        if f.verdict == Verdict::Heap && f.holder.is_none() {
            // The lesson the tool exists for, where a reader meets a heap value in full.
            groups.push(Group::with_title(
                Level::NOTE.with_name("not a leak").secondary_title(self.wrap(
                    "nothing long-lived keeps it; once the code using it is done with it, the garbage collector frees it",
                )),
            ));
        }
        if let Some(fix) = &f.fix {
            groups.push(Group::with_title(
                Level::HELP.secondary_title(self.wrap(fix)),
            ));
        }
        let renderer = if self.opts.color {
            Snippets::styled()
        } else {
            Snippets::plain()
        }
        .term_width(self.opts.width);
        writeln!(out, "{}\n", renderer.render(&groups))
    }

    /// The largest holders the profiles show, then what each profile was.
    fn profile_summary(
        &self,
        out: &mut dyn Write,
        p: &crate::profile::join::ProfileSummary,
    ) -> io::Result<()> {
        use crate::units;
        if !p.largest.is_empty() {
            let growth = p.largest.iter().any(|r| r.grew.is_some());
            writeln!(
                out,
                "  largest holders{}:",
                if growth {
                    " (by growth, then live)"
                } else {
                    " (by live bytes)"
                }
            )?;
            for r in &p.largest {
                let grew = match r.grew {
                    Some(g) if g.bytes >= 0 => {
                        format!("{:>11}", format!("+{}", units::bytes(g.bytes)))
                    }
                    Some(g) => format!("{:>11}", units::bytes(g.bytes)),
                    None => String::new(),
                };
                let line = format!(
                    "    {:>10} {grew}  {:<9} {} {}: {}",
                    units::bytes(r.live.bytes),
                    r.verdict.name(),
                    r.code,
                    self.opts.paths.place(&r.position),
                    r.title
                );
                if self.opts.cut {
                    writeln!(out, "{}", fit(&line, self.opts.width))?;
                } else {
                    writeln!(out, "{line}")?;
                }
            }
        }
        for s in &p.profiles {
            writeln!(
                out,
                "  profile {} ({}): {} of {} samples in the module's code",
                s.name, s.kind, s.matched, s.samples
            )?;
        }
        if let Some(live) = p.live {
            writeln!(out, "  live in the latest heap profile: {}", live.display())?;
        }
        match p.leaked {
            Some(n) if n > 0 => writeln!(
                out,
                "  proven leaked by the runtime: {} (blocked forever on a channel or lock nothing can reach)",
                crate::units::counted(n as u64, "goroutine")
            )?,
            Some(_) => writeln!(
                out,
                "  proven leaked by the runtime: none (which clears nothing: it sees only what the run exercised, and never a goroutine whose channel is still reachable)"
            )?,
            None => {}
        }
        if p.not_exercised > 0 {
            writeln!(
                out,
                "  {} leak-risk {} not confirmed by the profiles: not exercised, let go of, or too small in this run (not cleared)",
                p.not_exercised,
                if p.not_exercised == 1 {
                    "finding is"
                } else {
                    "findings are"
                }
            )?;
        }
        Ok(())
    }

    fn brief(&self, out: &mut dyn Write, f: &Finding) -> io::Result<()> {
        let at = f
            .position
            .as_ref()
            .map(|p| self.opts.paths.position(p))
            .unwrap_or_default();
        let prefix = format!("{:<9} {} {at}: ", f.verdict.name(), f.code);
        let title = f.measured_title();
        let line = if self.opts.cut {
            fit_brief(&prefix, &title, &f.subject, self.opts.width)
        } else {
            format!("{prefix}{title}")
        };
        writeln!(out, "{}", line.style(self.paint(Style::new().dimmed())))
    }
}

impl Renderer for HumanRenderer {
    fn needs(&self) -> super::Needs {
        // The compiler's explanation is read for the findings shown in full.
        if self.opts.full.iter().all(|v| *v >= Verdict::Retained) {
            super::Needs::Kept
        } else {
            super::Needs::All
        }
    }

    fn explains_every_finding(&self) -> bool {
        // Findings below `retained` are told in one line, unless shown in full.
        self.needs() == super::Needs::All
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
        let pkg = section
            .package
            .clone()
            .unwrap_or_else(|| "(no package)".into());
        let counts = self.per_package.entry(pkg.clone()).or_default();
        for f in findings {
            *counts.entry(f.verdict).or_default() += 1;
        }
        let mut full: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.reported() && self.opts.full.contains(&f.verdict))
            .collect();
        let brief: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.reported() && self.opts.brief.contains(&f.verdict))
            .collect();
        if full.is_empty() && brief.is_empty() {
            return Ok(());
        }
        // The worst first, then by position.
        full.sort_by(|a, b| {
            b.verdict
                .cmp(&a.verdict)
                .then_with(|| a.position.cmp(&b.position))
        });
        let variant = section
            .variant
            .as_deref()
            .map(|v| format!(" [{v}]"))
            .unwrap_or_default();
        writeln!(
            out,
            "{}{variant}\n",
            format!("# {pkg}").style(self.paint(Style::new().bold()))
        )?;
        for (f, same) in same_statements(full) {
            let d = f.diagnostic.and_then(|i| section.diagnostics.get(i));
            self.full(out, f, d, &same)?;
        }
        for f in &brief {
            self.brief(out, f)?;
        }
        if !brief.is_empty() {
            writeln!(out)?;
        }
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, run: &RunInfo, summary: &Summary) -> io::Result<()> {
        let t = &summary.totals;
        let v = |x: Verdict| t.by_verdict.get(&x).copied().unwrap_or(0);
        let from = match &run.origin {
            Origin::Build { args, .. } => format!("go {}", args.join(" ")),
            Origin::File { path } => path.clone(),
            Origin::Stdin => "standard input".to_string(),
        };
        let version = run
            .go_version
            .as_deref()
            .map(|v| format!(", {v}"))
            .unwrap_or_default();
        writeln!(out, "{}", "Summary".style(self.paint(Style::new().bold())))?;
        if let Some(p) = &summary.profile {
            self.profile_summary(out, p)?;
        }
        use crate::units::counted;
        writeln!(
            out,
            "  read {} from {from}{version}: {}, {} in {}",
            counted(summary.input.lines, "line"),
            counted(t.diagnostics, "diagnostic"),
            counted(t.findings, "finding"),
            counted(t.packages, "package")
        )?;
        writeln!(
            out,
            "  {} leak-risk, {} retained, {} heap, {} passes, {} stack",
            v(Verdict::LeakRisk).style(self.paint(Style::new().red().bold())),
            v(Verdict::Retained).style(self.paint(Style::new().yellow())),
            v(Verdict::Heap),
            v(Verdict::Passes),
            v(Verdict::Stack)
        )?;
        if !t.by_holder.is_empty() {
            let holders: Vec<String> = t
                .by_holder
                .iter()
                .map(|(k, n)| format!("{n} {}", k.name()))
                .collect();
            writeln!(out, "  holders: {}", holders.join(", "))?;
        }
        let worst: Vec<String> = self
            .per_package
            .iter()
            .filter(|(_, c)| {
                c.get(&Verdict::LeakRisk).is_some_and(|n| *n > 0)
                    || c.get(&Verdict::Retained).is_some_and(|n| *n > 0)
            })
            .map(|(p, c)| {
                format!(
                    "{p}: {} leak-risk, {} retained",
                    c.get(&Verdict::LeakRisk).copied().unwrap_or(0),
                    c.get(&Verdict::Retained).copied().unwrap_or(0)
                )
            })
            .collect();
        for w in worst.iter().take(20) {
            writeln!(out, "  {w}")?;
        }
        if worst.len() > 20 {
            writeln!(out, "  ... and {} more packages", worst.len() - 20)?;
        }
        writeln!(
            out,
            "\n{}",
            textwrap::fill(&crate::report::heap_sentence(t), self.opts.width)
        )?;
        if let Some(s) = crate::report::external_sentence(t) {
            writeln!(out, "{}", textwrap::fill(&s, self.opts.width))?;
        }
        if let Some(s) = crate::report::repeated_sentence(t) {
            writeln!(out, "{}", textwrap::fill(&s, self.opts.width))?;
        }
        if let Some(s) = crate::report::settings_sentence(t) {
            writeln!(out, "{}", textwrap::fill(&s, self.opts.width))?;
        }
        // With no output at all, the closing note says it for the whole build.
        if let Some(s) =
            crate::report::uninstantiated_sentence(t).filter(|_| summary.input.lines > 0)
        {
            writeln!(out, "{}", textwrap::fill(&s, self.opts.width))?;
        }
        if summary.input.truncated_last_line {
            writeln!(
                out,
                "{}",
                textwrap::fill(
                    "The log ends in the middle of a line: it was probably cut short, and its last package may be incomplete.",
                    self.opts.width
                )
            )?;
        }
        let lesson = "Escaping decides where a value is allocated; the garbage collector frees it once nothing refers to it. Only what a long-lived holder keeps can grow.";
        writeln!(out, "{}", textwrap::fill(lesson, self.opts.width))?;
        if summary.input.unrecognized_lines > 0 {
            let n = summary.input.unrecognized_lines;
            writeln!(
                out,
                "{} of the input {} not understood (--verbose or --format json lists them).",
                counted(n, "line"),
                if n == 1 { "was" } else { "were" }
            )?;
        }
        if t.suppressed > 0 {
            writeln!(
                out,
                "{} silenced by //escape-explain:ignore comments.",
                if t.suppressed == 1 {
                    "1 finding is".to_string()
                } else {
                    format!("{} findings are", t.suppressed)
                }
            )?;
        }
        if self.opts.verbose {
            for u in &summary.unused_suppressions {
                writeln!(out, "unused suppression: {u}")?;
            }
        }
        if summary.input.lines == 0 {
            match run.origin {
                crate::report::Origin::Build { .. } => {
                    writeln!(out, "{}", crate::report::NOTHING_PRINTED)?
                }
                _ => writeln!(out, "The input was empty: nothing to explain.")?,
            }
        }
        Ok(())
    }
}

/// The compiler's flow told as sentences, its jargon translated.
pub fn flow_sentences(d: &Diagnostic) -> Vec<String> {
    let mut out = Vec::new();
    for e in &d.explanations {
        if let Header::Leak { param, derefs, .. } = &e.header
            && *derefs > 0
        {
            out.push(format!("what parameter `{param}` points to escapes:"));
        }
        for f in &e.flows {
            let what = match f.op {
                FlowOp::AddressOf => format!("the address of {}", name(&f.from)),
                FlowOp::Deref(1) => format!("what {} points to", name(&f.from)),
                FlowOp::Deref(n) => format!("what {} points to ({n} levels down)", name(&f.from)),
                FlowOp::Value => name(&f.from),
            };
            let steps: Vec<String> = f
                .steps
                .iter()
                .map(|s| {
                    let at =
                        s.at.as_ref()
                            .map(|p| format!(" (line {})", p.line))
                            .unwrap_or_default();
                    format!("{} `{}`{at}", reason_words(&s.reason), s.expr)
                })
                .collect();
            out.push(format!(
                "{what} flows to {}{}",
                words::location(&f.to),
                if steps.is_empty() {
                    String::new()
                } else {
                    format!(": {}", steps.join(", then "))
                }
            ));
        }
        if e.truncated {
            out.push("  (the compiler cut this explanation short at an assignment cycle)".into());
        }
    }
    // In source terms: no `~r0`, `.autotmp_3` or shapes of generic code.
    out.iter()
        .map(|s| crate::classify::words::plain(s))
        .collect()
}

fn name(l: &crate::escape::model::Location) -> String {
    match l {
        crate::escape::model::Location::Var(v) => format!("`{v}`"),
        other => words::location(other),
    }
}

/// A `from` step's reason in words.
fn reason_words(r: &Reason) -> String {
    match r {
        Reason::AddressOf => "its address is taken in".into(),
        Reason::Indirection => "it is loaded through a pointer in".into(),
        Reason::Dot | Reason::DotOfPointer => "a field of it is read in".into(),
        Reason::Slice => "it is sliced in".into(),
        Reason::InterfaceConverted => "it is converted to an interface in".into(),
        Reason::Spill => "it is allocated by".into(),
        Reason::Assign | Reason::AssignPair => "it is assigned in".into(),
        Reason::KeyOfMapPut => "it is used as a map key in".into(),
        Reason::MapLiteralKey | Reason::MapLiteralValue => "it is put in a map literal in".into(),
        Reason::Send => "it is sent on a channel in".into(),
        Reason::Return => "it is returned by".into(),
        Reason::CallParameter => "it is passed as an argument in".into(),
        Reason::CapturedByClosure => "it is captured by a closure in".into(),
        Reason::Reference => "it is captured by reference in".into(),
        Reason::AppendeeSlice | Reason::AppendedSlice => "it is appended in".into(),
        Reason::CopiedSlice => "it is copied in".into(),
        Reason::TooLargeForStack => "it is too large for the stack:".into(),
        Reason::NonConstantSize => "its size is not constant:".into(),
        Reason::ZeroSizedElement => "its elements are zero-sized:".into(),
        Reason::SliceLiteralElement
        | Reason::ArrayLiteralElement
        | Reason::StructLiteralElement => "it is an element of the literal".into(),
        other => format!("{} in", other.as_str()),
    }
}

fn holder_words(kind: HolderKind, name: &str) -> String {
    match kind {
        HolderKind::RegisteredClosure => name.to_string(),
        HolderKind::Goroutine => "a goroutine".to_string(),
        HolderKind::Cgo => "C memory".to_string(),
        _ => format!("`{name}`"),
    }
}

/// Findings in order, each with the later ones that say the same of another statement of its
/// function: goroutines the source found (no diagnostic, no profile figure), of one rule and
/// verdict, with the same reasons. A function that starts twelve workers reads once.
fn same_statements(full: Vec<&Finding>) -> Vec<(&Finding, Vec<&Finding>)> {
    let key = |f: &Finding| {
        let groupable = f.diagnostic.is_none()
            && f.measured.is_none()
            && f.function.is_some()
            && f.holder
                .as_ref()
                .is_some_and(|h| h.kind == HolderKind::Goroutine);
        groupable.then(|| {
            let rest = f
                .title
                .split_once("`: ")
                .map(|(_, r)| r.to_string())
                .unwrap_or_default();
            (
                f.verdict,
                f.code,
                f.function.clone(),
                rest,
                f.why.clone(),
                f.fix.clone(),
                f.position.as_ref().and_then(|p| p.path.clone()),
            )
        })
    };
    let mut out: Vec<(&Finding, Vec<&Finding>)> = Vec::new();
    let mut first: HashMap<_, usize> = HashMap::new();
    for f in full {
        match key(f) {
            Some(k) => match first.get(&k) {
                Some(&i) => out[i].1.push(f),
                None => {
                    first.insert(k, out.len());
                    out.push((f, Vec::new()));
                }
            },
            None => out.push((f, Vec::new())),
        }
    }
    out
}

/// The byte span of the subject at a position: the whole expression when the compiler names
/// one (`&T{...}`, `make(...)`, whose position may be the `(` of the call), else the
/// identifier there.
fn span_at(source: &Text, line: u32, column: u32, subject: &str) -> Option<std::ops::Range<usize>> {
    let text = source.text.as_str();
    let mut start = source.line_start(line)? + (column as usize).saturating_sub(1);
    if start >= text.len() {
        return None;
    }
    // `make(...)` and other calls are reported at their parenthesis: the span starts at the
    // function called (`append`, `fmt.Sprintf`), whatever the subject says of the call.
    if let Some((callee, _)) = subject.split_once('(')
        && !callee.is_empty()
        && text[..start].ends_with(callee)
        && text[start..].starts_with('(')
    {
        start -= callee.len();
    } else if text[start..].starts_with('(') {
        let callee = text[..start]
            .bytes()
            .rev()
            .take_while(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
            .count();
        start -= callee;
    }
    let end = expr_end(text, start);
    (end > start).then_some(start..end)
}

/// Where the expression starting at `start` ends: brackets balanced, up to a delimiter.
fn expr_end(text: &str, start: usize) -> usize {
    let mut depth = 0i32;
    for (i, c) in text[start..].char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => return start + i,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 && (c == '}' || c == ')') {
                    return start + i + 1;
                }
            }
            '\n' => return start + i,
            ',' | ';' | ' ' | '\t' if depth == 0 => return start + i,
            _ => {}
        }
    }
    text.len()
}

/// A statement from its column to the end of its line (a comment left out), or to the end of
/// its first line when it spans several (`go func() {`).
fn statement_at(source: &Text, line: u32, column: u32) -> Option<std::ops::Range<usize>> {
    let text = source.text.as_str();
    let std::ops::Range { start, end } = source.line(line)?;
    let from = start + (column as usize).saturating_sub(1);
    let body = text.get(from..end)?;
    // A trailing comment follows a space (`// want: ...`); `//` in a literal ("http://") does not.
    let body = match body.find(" //").or_else(|| body.find("\t//")) {
        Some(c) => &body[..c],
        None => body,
    }
    .trim_end();
    (!body.is_empty()).then(|| from..from + body.len())
}

/// The trimmed statement on a site's line.
fn line_span(source: &Text, site: &Site) -> Option<std::ops::Range<usize>> {
    let std::ops::Range { start, end } = source.line(site.line)?;
    let line = &source.text[start..end];
    let lead = line.len() - line.trim_start().len();
    let trimmed = line.trim();
    let body = trimmed.split("//").next().unwrap_or(trimmed).trim_end();
    (!body.is_empty()).then(|| start + lead..start + lead + body.len())
}

/// A source file as shown in frames, with where each of its lines starts.
struct Text {
    text: String,
    /// The byte offset of each line's start: line `n` starts at `starts[n - 1]`.
    starts: Vec<usize>,
}

impl Text {
    fn new(text: String) -> Text {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        Text { text, starts }
    }

    /// Where 1-based `line` starts; None past the last line break (or for line 0).
    fn line_start(&self, line: u32) -> Option<usize> {
        let i = (line as usize).checked_sub(1)?;
        // A line after the last `\n` exists only as its start (the end of the text).
        self.starts.get(i).copied()
    }

    /// The bytes of 1-based `line`, without its line break.
    fn line(&self, line: u32) -> Option<std::ops::Range<usize>> {
        let start = self.line_start(line)?;
        let end = self
            .starts
            .get(line as usize)
            .map_or(self.text.len(), |next| next - 1);
        Some(start..end)
    }

    /// The whole lines that `spans` touch, and the number of the first: what a folded frame
    /// of them shows.
    fn window(
        &self,
        spans: impl Iterator<Item = std::ops::Range<usize>>,
    ) -> (std::ops::Range<usize>, usize) {
        let (mut lo, mut hi) = (usize::MAX, 0);
        for s in spans {
            lo = lo.min(s.start);
            hi = hi.max(s.end);
        }
        if lo == usize::MAX {
            return (0..self.text.len(), 1);
        }
        let lo = lo.min(self.text.len());
        let hi = hi.min(self.text.len());
        // The line holding `lo`, and the line holding `hi` with its line break.
        let first = self.starts.partition_point(|&s| s <= lo) - 1;
        let last = self.starts.partition_point(|&s| s <= hi);
        let end = self.starts.get(last).copied().unwrap_or(self.text.len());
        (self.starts[first]..end, first + 1)
    }
}

/// A one-line finding shortened to the width by its subject alone: the subject's middle gives
/// way to `…` (down to a few characters); the reason that follows is never cut, so a line
/// whose reason alone is too long stays long.
fn fit_brief(prefix: &str, title: &str, subject: &str, width: usize) -> String {
    let whole = format!("{prefix}{title}");
    let over = whole.chars().count().saturating_sub(width);
    let quoted = format!("`{subject}`");
    let Some(at) = title.find(&quoted) else {
        return whole;
    };
    let len = subject.chars().count();
    if over == 0 || len < 8 {
        return whole;
    }
    // Keep at least 6 characters of the subject: its start, which names it.
    let keep = len.saturating_sub(over + 1).max(6);
    if keep >= len {
        return whole;
    }
    let head: String = subject.chars().take(keep).collect();
    format!(
        "{prefix}{}`{head}…`{}",
        &title[..at],
        &title[at + quoted.len()..]
    )
}

/// Cuts a line to the width, on a character boundary.
fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width || width < 10 {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width - 3).collect();
    out.push_str("...");
    out
}

#[cfg(test)]
mod brief_tests {
    #[test]
    fn a_one_liner_gives_way_by_its_subject_never_by_its_reason() {
        let prefix = "heap      EE0101 cache.go:12:9: ";
        let title = "`make(map[interface {}]*item, 1024)` is on the heap: outlives its stack frame";
        let subject = "make(map[interface {}]*item, 1024)";
        let line = super::fit_brief(prefix, title, subject, 100);
        assert_eq!(line.chars().count(), 100, "{line}");
        assert!(
            line.ends_with("is on the heap: outlives its stack frame"),
            "{line}"
        );
        assert!(line.contains("`make(map[in"), "{line}");
        // Too long even with the subject at its shortest: whole reason, longer line.
        let line = super::fit_brief(prefix, title, subject, 40);
        assert!(line.ends_with("outlives its stack frame"), "{line}");
        assert!(line.contains("`make(m…`"), "{line}");
        // Fits: as it is.
        assert_eq!(
            super::fit_brief(prefix, title, subject, 200),
            format!("{prefix}{title}")
        );
    }
}

#[cfg(test)]
mod frame_tests {
    use super::Text;
    use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

    /// The frame of `spans` over the whole text, and over the window alone.
    fn frames(text: &Text, spans: &[std::ops::Range<usize>]) -> (String, String) {
        let render = |source: &str, line_start: usize, shift: usize| {
            let mut snippet = Snippet::source(source)
                .line_start(line_start)
                .path("a.go")
                .fold(true);
            for (i, s) in spans.iter().enumerate() {
                let kind = if i == 0 {
                    AnnotationKind::Primary
                } else {
                    AnnotationKind::Context
                };
                snippet = snippet.annotation(kind.span(s.start - shift..s.end - shift).label("x"));
            }
            let groups = [Group::with_title(Level::WARNING.primary_title("t")).element(snippet)];
            Renderer::plain().render(&groups).to_string()
        };
        let (window, first) = text.window(spans.iter().cloned());
        (
            render(&text.text, 1, 0),
            render(&text.text[window.clone()], first, window.start),
        )
    }

    #[test]
    fn a_frame_of_the_lines_its_spans_cover_is_the_frame_of_the_whole_file() {
        let lines: Vec<String> = (1..=40).map(|i| format!("\tx{i} := f({i}, y)")).collect();
        let body = lines.join("\n");
        let at = |line: usize, col: usize| {
            body.match_indices('\n')
                .nth(line - 2)
                .map_or(0, |(i, _)| i + 1)
                + col
        };
        for text in [body.clone(), format!("{body}\n")] {
            let text = Text::new(text);
            let end = text.text.len();
            #[allow(clippy::single_range_in_vec_init)] // One span is a frame too.
            for spans in [
                vec![at(12, 1)..at(12, 6)],
                vec![0..3],
                vec![at(40, 1)..end],
                vec![at(40, 2)..at(40, 4), at(3, 1)..at(3, 5)],
                // One span over eight lines, whose middle a frame leaves out.
                vec![at(20, 1)..at(28, 4), at(30, 1)..at(30, 3)],
                // A span ending at a line's break, and one at the next line's start.
                vec![at(5, 1)..at(6, 0) - 1, at(9, 1)..at(10, 0)],
            ] {
                let (whole, window) = frames(&text, &spans);
                assert_eq!(whole, window, "{spans:?}");
            }
        }
    }

    #[test]
    fn lines_start_after_each_break() {
        let text = Text::new("a\nbc\n\nd".to_string());
        let starts: Vec<_> = (0..=5).map(|l| text.line_start(l)).collect();
        assert_eq!(starts, [None, Some(0), Some(2), Some(5), Some(6), None]);
        let text = Text::new("a\n".to_string());
        assert_eq!(
            text.line_start(2),
            Some(2),
            "the empty line after the last break"
        );
    }

    #[test]
    fn a_line_is_its_bytes_without_its_break() {
        let text = Text::new("a\nbc\n\nd".to_string());
        let lines: Vec<_> = (0..=5).map(|l| text.line(l)).collect();
        assert_eq!(
            lines,
            [None, Some(0..1), Some(2..4), Some(5..5), Some(6..7), None]
        );
        let text = Text::new("a\r\n".to_string());
        assert_eq!(
            text.line(1),
            Some(0..2),
            "a carriage return stays in the line"
        );
        assert_eq!(
            text.line(2),
            Some(3..3),
            "the empty line after the last break"
        );
    }
}
