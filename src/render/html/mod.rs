//! `--format html`: one self-contained page, like `go tool cover -html`. Each file of the
//! analysed packages is shown with every line shaded by the strongest verdict on it; a marked
//! line opens its findings in place (a `<details>`: it works without script). The page makes
//! no request: its style and script are inline, and a Content-Security-Policy says so.
//!
//! Contract for tests and users' own CSS: every source line is an element with
//! `data-file="path/from/module/root.go"` and `data-line="N"`, and with `data-verdict` (the
//! strongest: `leak-risk`, `retained`, `heap`, `passes`, `stack`) when it has findings.
//!
//! Every text from the log or the source goes through maud, which escapes it.

mod svg;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::Renderer;
use crate::escape::Section;
use crate::finding::{Finding, Site, Verdict};
use crate::paths::ShownPaths;
use crate::report::{Origin, RunInfo, Summary};
use crate::rules::RuleId;
use crate::units;

const STYLE: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("script.js");
/// Nothing leaves the page: no script, style, image or font from anywhere but the page itself.
const POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/// What the page needs besides the findings.
#[derive(Debug, Clone, Default)]
pub struct HtmlOptions {
    /// The module root, to read the source from.
    pub root: Option<PathBuf>,
    /// Two files shown side by side first (a demo's `leaky.go` and `fixed.go`).
    pub pair: Option<(String, String)>,
    /// The page's title (`escape-explain: example.com/m`).
    pub title: Option<String>,
    /// How paths read on the page (headings, links): from where the reader stands. The
    /// `data-file` attributes stay relative to the module root.
    pub paths: ShownPaths,
}

/// A finding and the compiler's flow in words, taken while its section was at hand.
struct Item {
    finding: Finding,
    flow: Vec<String>,
    /// The flow's steps (expression, line), for the picture of the path.
    steps: Vec<(String, Option<u32>)>,
}

/// Collects the findings, then writes the page at the end.
pub struct HtmlRenderer {
    opts: HtmlOptions,
    items: Vec<Item>,
    /// Directories (relative to the module root) of the packages reported: their other files
    /// are listed after the ones with findings.
    dirs: BTreeSet<String>,
}

impl HtmlRenderer {
    pub fn new(opts: HtmlOptions) -> Self {
        HtmlRenderer {
            opts,
            items: Vec::new(),
            dirs: BTreeSet::new(),
        }
    }
}

impl Renderer for HtmlRenderer {
    fn begin(&mut self, _out: &mut dyn Write, _run: &RunInfo) -> io::Result<()> {
        Ok(())
    }

    fn section(
        &mut self,
        _out: &mut dyn Write,
        section: &Section,
        findings: &[Finding],
    ) -> io::Result<()> {
        for f in findings.iter().filter(|f| f.reported()) {
            let d = f.diagnostic.and_then(|i| section.diagnostics.get(i));
            let flow = d.map(super::human::flow_sentences).unwrap_or_default();
            let steps = d
                .map(|d| {
                    d.explanations
                        .iter()
                        .flat_map(|e| &e.flows)
                        .flat_map(|fl| &fl.steps)
                        .map(|s| (s.expr.to_string(), s.at.as_ref().map(|p| p.line)))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(path) = f.position.as_ref().and_then(|p| p.path.as_deref())
                && is_module_file(path)
            {
                let dir = Path::new(path)
                    .parent()
                    .and_then(|d| d.to_str())
                    .unwrap_or("");
                self.dirs.insert(dir.to_string());
            }
            self.items.push(Item {
                finding: f.clone(),
                flow,
                steps,
            });
        }
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, run: &RunInfo, summary: &Summary) -> io::Result<()> {
        let page = Page::new(&self.opts, &self.items, &self.dirs);
        out.write_all(lines(&page.render(run, summary).into_string()).as_bytes())?;
        out.write_all(b"\n")
    }
}

/// The page with a line break before each block element, so that a diff of two pages reads
/// line by line. Text from the log or the source is escaped (`&lt;div`), so only tags match;
/// no element whose whitespace shows (`.code`) starts one.
fn lines(page: &str) -> String {
    let mut out = String::with_capacity(page.len() + page.len() / 20);
    let mut rest = page;
    while let Some(i) = rest.find('<') {
        let tag = &rest[i + 1..];
        let block = [
            "div ", "div>", "details ", "section ", "h2", "h3", "li", "tr", "p>", "p ", "dt", "ol",
            "ul", "table", "article", "svg", "rect ", "nav", "header", "main", "footer", "script",
            "style", "head", "body",
        ]
        .iter()
        .any(|b| tag.starts_with(b));
        out.push_str(&rest[..i]);
        if block && !out.ends_with('\n') && !out.is_empty() {
            out.push('\n');
        }
        out.push('<');
        rest = tag;
    }
    out.push_str(rest);
    out
}

/// A path inside the module (not `$GOROOT/...`, not absolute).
fn is_module_file(path: &str) -> bool {
    path.ends_with(".go") && !path.starts_with(['/', '$', '<']) && !path.contains(":\\")
}

/// One file on the page.
struct File<'a> {
    path: String,
    /// `f3`: the element id, and the prefix of its lines' ids.
    id: String,
    lines: Vec<String>,
    /// Line number -> the findings there, strongest first.
    findings: BTreeMap<u32, Vec<&'a Item>>,
    /// Lines where a holder is added to or released, in this file.
    roles: HashMap<u32, &'static str>,
}

struct Page<'a> {
    opts: &'a HtmlOptions,
    files: Vec<File<'a>>,
    /// Findings whose file is not shown (no source found, outside the module).
    elsewhere: Vec<&'a Item>,
    by_path: HashMap<String, usize>,
    /// The largest live bytes on one line, for the gutter bars.
    max_live: i64,
    codes: BTreeSet<RuleId>,
}

impl<'a> Page<'a> {
    fn new(opts: &'a HtmlOptions, items: &'a [Item], dirs: &BTreeSet<String>) -> Page<'a> {
        // Each file read once: (path -> its lines), None when it cannot be read.
        let mut sources: BTreeMap<String, Option<Vec<String>>> = BTreeMap::new();
        let mut with: BTreeMap<String, Vec<&Item>> = BTreeMap::new();
        let mut elsewhere = Vec::new();
        let mut codes = BTreeSet::new();
        for it in items {
            codes.insert(it.finding.code);
            match it
                .finding
                .position
                .as_ref()
                .and_then(|p| Some((p.path.as_deref()?, p.line)))
            {
                Some((p, _)) if is_module_file(p) && load(&mut sources, opts, p) => {
                    with.entry(p.to_string()).or_default().push(it)
                }
                _ => elsewhere.push(it),
            }
        }
        // The files with findings first, then the rest of their packages' files.
        let mut rest: BTreeSet<String> = BTreeSet::new();
        if let Some(root) = &opts.root {
            for dir in dirs {
                let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                    continue;
                };
                for e in entries.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.ends_with(".go") {
                        let rel = if dir.is_empty() {
                            name
                        } else {
                            format!("{dir}/{name}")
                        };
                        if !with.contains_key(&rel) {
                            rest.insert(rel);
                        }
                    }
                }
            }
        }
        // Where holders are added to and released, in one pass: path -> line -> role.
        let mut roles: HashMap<String, HashMap<u32, &'static str>> = HashMap::new();
        for it in items {
            let Some(h) = &it.finding.holder else {
                continue;
            };
            if let Some(a) = &h.added {
                roles
                    .entry(a.path.clone())
                    .or_default()
                    .insert(a.line, "role-add");
            }
            if let Some(s) = h.released.as_ref().and_then(|r| r.site.as_ref()) {
                roles
                    .entry(s.path.clone())
                    .or_default()
                    .insert(s.line, "role-release");
            }
        }
        let mut files = Vec::new();
        let mut max_live = 0;
        let order: Vec<(String, Vec<&Item>)> = with
            .into_iter()
            .chain(rest.into_iter().map(|p| (p, Vec::new())))
            .collect();
        for (path, its) in order {
            load(&mut sources, opts, &path);
            let Some(Some(lines)) = sources.remove(&path) else {
                continue;
            };
            let mut findings: BTreeMap<u32, Vec<&Item>> = BTreeMap::new();
            for it in its {
                let line = it.finding.position.as_ref().map_or(0, |p| p.line);
                // A line the file no longer has (the source changed since the log): listed
                // apart, never dropped.
                if line == 0 || line as usize > lines.len() {
                    elsewhere.push(it);
                } else {
                    findings.entry(line).or_default().push(it);
                }
            }
            for list in findings.values_mut() {
                list.sort_by_key(|i| std::cmp::Reverse(i.finding.verdict));
                let live = list
                    .iter()
                    .filter_map(|i| i.finding.measured.as_ref()?.live)
                    .map(|a| a.bytes)
                    .max()
                    .unwrap_or(0);
                max_live = max_live.max(live);
            }
            let id = format!("f{}", files.len());
            files.push(File {
                roles: roles.remove(&path).unwrap_or_default(),
                path,
                id,
                lines,
                findings,
            });
        }
        let by_path = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.clone(), i))
            .collect();
        Page {
            opts,
            files,
            elsewhere,
            by_path,
            max_live,
            codes,
        }
    }

    /// `#f3-L19` for a line of a file on the page.
    fn href(&self, path: &str, line: u32) -> Option<String> {
        self.by_path
            .get(path)
            .map(|&i| format!("#{}-L{line}", self.files[i].id))
    }

    fn render(&self, run: &RunInfo, summary: &Summary) -> Markup {
        let title = self
            .opts
            .title
            .clone()
            .unwrap_or_else(|| "escape-explain".to_string());
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta http-equiv="Content-Security-Policy" content=(POLICY);
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) }
                    style { (PreEscaped(STYLE)) }
                }
                body {
                    header.top {
                        h1 { (title) }
                        (self.summary(run, summary))
                        (legend())
                        (self.picker())
                    }
                    main {
                        (self.sources())
                        @if !self.elsewhere.is_empty() {
                            section.elsewhere {
                                h2 { "Findings whose source is not shown" }
                                @for it in &self.elsewhere { (self.panel(it)) }
                            }
                        }
                        (self.codes())
                    }
                    footer {
                        "Escaping decides where a value is allocated; the garbage collector frees it once nothing refers to it. Only what a long-lived holder keeps can grow."
                    }
                    script { (PreEscaped(SCRIPT)) }
                }
            }
        }
    }

    fn summary(&self, run: &RunInfo, summary: &Summary) -> Markup {
        let t = &summary.totals;
        let from = match &run.origin {
            Origin::Build { args, .. } => format!("go {}", args.join(" ")),
            Origin::File { path } => path.clone(),
            Origin::Stdin => "standard input".to_string(),
        };
        let growing: Vec<&Item> = self
            .files
            .iter()
            .flat_map(|f| f.findings.values().flatten())
            .chain(&self.elsewhere)
            .copied()
            .filter(|i| i.finding.verdict == Verdict::LeakRisk)
            .collect();
        html! {
            p.meta {
                "Read from " code { (from) }
                @if let Some(v) = &run.go_version { ", " (v) }
                ": " (t.diagnostics) " diagnostics, " (t.findings) " findings in " (t.packages) " packages."
            }
            ul.counts {
                @for v in [Verdict::LeakRisk, Verdict::Retained, Verdict::Heap, Verdict::Passes, Verdict::Stack] {
                    li class=(format!("v-{}", v.name())) {
                        (t.by_verdict.get(&v).copied().unwrap_or(0)) " " (v.name())
                    }
                }
            }
            @if growing.is_empty() {
                p { "No place where memory can grow without bound was found." }
            } @else {
                p { "Where memory can grow:" }
                ol.grow {
                    @for it in growing {
                        @let p = it.finding.position.as_ref();
                        li {
                            @match p.and_then(|p| self.href(p.path.as_deref()?, p.line)) {
                                Some(h) => a href=(h) { (p.map(|p| self.opts.paths.position(p)).unwrap_or_default()) },
                                None => (p.map(|p| self.opts.paths.position(p)).unwrap_or_default()),
                            }
                            " " (it.finding.measured_title())
                        }
                    }
                }
            }
            @if let Some(p) = &summary.profile {
                @if !p.largest.is_empty() {
                    p { "Largest holders in the profile:" }
                    table.largest {
                        tr { th { "live" } th { "grew" } th { "verdict" } th { "where" } th { "what" } }
                        @for r in &p.largest {
                            tr {
                                td.n { (units::bytes(r.live.bytes)) }
                                td.n { (r.grew.map(|g| units::bytes(g.bytes)).unwrap_or_default()) }
                                td { (r.verdict.name()) " " (r.code) }
                                td { (self.opts.paths.place(&r.position)) }
                                td { (r.title) }
                            }
                        }
                    }
                }
            }
        }
    }

    fn picker(&self) -> Markup {
        html! {
            nav.files {
                // Without script every file is on the page; the list links to each.
                select #pick hidden aria-label="file" {
                    @if self.pair_files().is_some() { option value="pair" selected { "side by side" } }
                    option value="all" { "all files" }
                    @for f in &self.files {
                        option value=(f.id) {
                            (self.opts.paths.show(&f.path)) @if !f.findings.is_empty() { " (" (f.findings.values().map(Vec::len).sum::<usize>()) ")" }
                        }
                    }
                }
                ul {
                    @for f in &self.files {
                        li {
                            a href=(format!("#{}", f.id)) { (self.opts.paths.show(&f.path)) }
                            @if !f.findings.is_empty() { " (" (f.findings.values().map(Vec::len).sum::<usize>()) " findings)" }
                        }
                    }
                }
            }
        }
    }

    /// The indexes of the two files shown side by side, when both are on the page.
    fn pair_files(&self) -> Option<(usize, usize)> {
        let (a, b) = self.opts.pair.as_ref()?;
        Some((*self.by_path.get(a)?, *self.by_path.get(b)?))
    }

    fn sources(&self) -> Markup {
        let pair = self.pair_files();
        html! {
            @if let Some((a, b)) = pair {
                div.pair { (self.file(&self.files[a])) (self.file(&self.files[b])) }
            }
            @for (i, f) in self.files.iter().enumerate() {
                @if pair.is_none_or(|(a, b)| i != a && i != b) { (self.file(f)) }
            }
        }
    }

    fn file(&self, f: &File) -> Markup {
        html! {
            section.file id=(f.id) data-file=(f.path) {
                h2 { (self.opts.paths.show(&f.path)) }
                div.src {
                    @for (n, text) in f.lines.iter().enumerate() {
                        @let n = n as u32 + 1;
                        @let id = format!("{}-L{n}", f.id);
                        @let role = f.roles.get(&n).copied().unwrap_or("");
                        @match f.findings.get(&n) {
                            Some(its) => {
                                @let v = its[0].finding.verdict.name();
                                details class=(format!("line v-{v} {role}")) id=(id) data-file=(f.path) data-line=(n) data-verdict=(v) {
                                    summary { (self.gutter(its, v)) span.code { (text) } }
                                    @for it in its { (self.panel(it)) }
                                }
                            }
                            None => {
                                div class=(format!("line {role}")) id=(id) data-file=(f.path) data-line=(n) {
                                    span.ln { (n) } span.mark {} span.bar {} span.code { (text) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The line number, a mark for the verdict, and with a profile a bar of the live bytes.
    fn gutter(&self, its: &[&Item], verdict: &str) -> Markup {
        let n = its[0].finding.position.as_ref().map_or(0, |p| p.line);
        let live: i64 = its
            .iter()
            .filter_map(|i| i.finding.measured.as_ref()?.live)
            .map(|a| a.bytes)
            .max()
            .unwrap_or(0);
        // Goroutines a leak profile proves stuck here, and the profile that says so.
        let leaked = its
            .iter()
            .filter_map(|i| {
                let m = i.finding.measured.as_ref()?;
                Some((m.leaked.filter(|&n| n > 0)?, m.leaked_in.clone()?))
            })
            .max();
        let mark = match verdict {
            "leak-risk" => "!",
            "retained" => "●",
            "heap" => "○",
            _ => "·",
        };
        html! {
            span.ln { (n) }
            span.mark title=(verdict) aria-hidden="true" { (mark) }
            span.sr { (verdict) ": " }
            span.bar {
                @if live > 0 && self.max_live > 0 {
                    i style=(format!("width:{}px", 2 + (38.0 * live as f64 / self.max_live as f64) as i64)) title=(format!("{} live", units::bytes(live))) {}
                }
                @if let Some((n, profile)) = &leaked {
                    b.leaked title=(format!("{} {} proven leaked in {profile}", units::count(*n), if *n == 1 { "goroutine" } else { "goroutines" })) {
                        (units::count(*n))
                    }
                }
            }
        }
    }

    fn site(&self, s: &Site) -> Markup {
        html! {
            @match self.href(&s.path, s.line) {
                Some(h) => a href=(h) { (self.opts.paths.site(&s.path, s.line, s.column)) },
                None => (self.opts.paths.site(&s.path, s.line, s.column)),
            }
            " " code { (s.text) }
        }
    }

    /// The findings of one line: what, the compiler's flow, the holder, why, the fix.
    fn panel(&self, it: &Item) -> Markup {
        let f = &it.finding;
        let v = f.verdict.name();
        let path = f
            .position
            .as_ref()
            .and_then(|p| p.path.as_deref())
            .unwrap_or("");
        html! {
            div class=(format!("panel v-{v}")) {
                h3 {
                    span class=(format!("badge v-{v}")) { (v) }
                    a href=(format!("#code-{}", f.code)) { (f.code) } " "
                    (f.measured_title())
                }
                @if let Some(said) = f.compiler.first() {
                    p.said { "The compiler said: " code { (said) } }
                }
                @if !it.flow.is_empty() {
                    ol.flow { @for s in &it.flow { li { (self.with_line_links(s, path)) } } }
                }
                @if let Some(h) = &f.holder {
                    dl {
                        dt { "holder" } dd { code { (h.name) } " (" (h.kind.name()) ")" }
                        @if let Some(s) = &h.declared { dt { "declared" } dd { (self.site(s)) } }
                        @if let Some(s) = &h.added { dt { "added" } dd { (self.site(s)) } }
                        dt { "released" }
                        dd {
                            @match &h.released {
                                Some(r) => { (r.how) @if let Some(s) = &r.site { " at " (self.site(s)) } }
                                None => "nowhere in the package",
                            }
                        }
                    }
                    @if f.verdict >= Verdict::Retained { (svg::path(it)) }
                }
                @if let Some(d) = &f.decided_by {
                    p.decided { "Decided by " (self.opts.paths.line(&d.path, d.line)) ": " code { (d.text) } }
                }
                @if !f.evidence.is_empty() {
                    ul.evidence {
                        @for e in &f.evidence {
                            li { (e.note) @if let Some(s) = &e.site { " (" (self.site(s)) ")" } }
                        }
                    }
                }
                @if let Some(m) = &f.measured {
                    ul.profile { @for l in m.lines() { li { "profile: " (l) } } }
                }
                p { strong { "Why: " } (f.why) }
                @if f.verdict == Verdict::Heap && f.holder.is_none() {
                    p { strong { "Not a leak: " } "nothing long-lived keeps it; once the code using it is done with it, the garbage collector frees it." }
                }
                @if let Some(fix) = &f.fix { p { strong { "Fix: " } (fix) } }
            }
        }
    }

    /// A flow sentence with each `(line N)` a link to that line of the file.
    fn with_line_links(&self, sentence: &str, path: &str) -> Markup {
        let mut parts: Vec<(String, Option<u32>)> = Vec::new();
        let mut rest = sentence;
        while let Some(i) = rest.find("(line ") {
            let after = &rest[i + 6..];
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            if !digits.is_empty() && after[digits.len()..].starts_with(')') {
                parts.push((rest[..i + 1].to_string(), None));
                parts.push((format!("line {digits}"), digits.parse().ok()));
                rest = &after[digits.len()..];
            } else {
                parts.push((rest[..i + 6].to_string(), None));
                rest = after;
            }
        }
        parts.push((rest.to_string(), None));
        html! {
            @for (text, line) in parts {
                @match line.and_then(|l| self.href(path, l)) {
                    Some(h) => a href=(h) { (text) },
                    None => (text),
                }
            }
        }
    }

    /// The explanation of every code on the page, from the catalog.
    fn codes(&self) -> Markup {
        html! {
            section.codes {
                h2 { "The codes on this page" }
                @for code in &self.codes {
                    @let md = code.rule().explanation;
                    article id=(format!("code-{code}")) { (PreEscaped(markdown(md))) }
                }
            }
        }
    }
}

/// The catalog's markdown as HTML. The catalog is this program's own text, compiled in.
fn markdown(md: &str) -> String {
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new(md));
    out
}

fn legend() -> Markup {
    html! {
        p.legend {
            @for (v, words) in [
                (Verdict::LeakRisk, "leak-risk: kept, and can grow"),
                (Verdict::Retained, "retained: kept, bounded"),
                (Verdict::Heap, "heap: freed by the GC"),
                (Verdict::Passes, "passes: a parameter summary"),
                (Verdict::Stack, "stack"),
            ] {
                span { span class=(format!("sw v-{}", v.name())) {} (words) }
            }
        }
    }
}

/// Reads a file into `sources` once; true when it has lines.
fn load(
    sources: &mut BTreeMap<String, Option<Vec<String>>>,
    opts: &HtmlOptions,
    path: &str,
) -> bool {
    sources
        .entry(path.to_string())
        .or_insert_with(|| read(opts, path).map(|t| t.lines().map(str::to_string).collect()))
        .as_ref()
        .is_some_and(|lines| !lines.is_empty())
}

/// The source of a module file, when it can be read.
fn read(opts: &HtmlOptions, rel: &str) -> Option<String> {
    let root = opts.root.as_ref()?;
    crate::files::read_regular_text(&root.join(rel)).ok()
}
