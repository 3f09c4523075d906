//! Assembles the lines of one package's output into diagnostics: pairs each `-m=2` explanation
//! block with the one-line fact it explains, and folds repeated facts (generic instantiations,
//! inlined copies) into one.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use super::line::{Line, RawPos, Summary};
use super::model::{
    Capture, Diagnostic, Explanation, Flow, FlowOp, Header, Kind, Location, Position, Reason, Step,
    Text,
};

/// The output of one package (everything under one `# import/path` header).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Section {
    /// The import path from the header; absent for output before any header (`go tool compile`).
    pub package: Option<String>,
    /// `pkg.test` for the test variant (`# pkg [pkg.test]`), `vet` for `# [pkg]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// A hash of the lines it was built from, when the reader kept them (a sorted reader):
    /// what the result cache knows the section by.
    #[serde(skip)]
    pub digest: Option<u128>,
}

/// Collects one section's lines; [`SectionBuilder::finish`] merges them.
#[derive(Default)]
pub struct SectionBuilder {
    package: Option<String>,
    variant: Option<String>,
    summaries: Vec<Diagnostic>,
    blocks: Vec<Explanation>,
    open: Option<Explanation>,
    shape: Shape,
    files: rustc_hash::FxHashSet<Arc<str>>,
}

/// Where a section's lines stand, without their content: how many were fed, and whether a flow
/// or step line has a block to belong to. The builder follows it, and so does a reader that
/// keeps a section's lines to build it later ([`SectionBuilder::note`]).
#[derive(Debug, Default, Clone, Copy)]
struct Shape {
    lines: u64,
    /// An explanation block is open...
    open: bool,
    /// ...and has a flow for step lines to go under.
    flows: bool,
}

impl Shape {
    fn feed(&mut self, line: &Line<'_>) -> Fed {
        self.lines += 1;
        match line {
            Line::Summary { .. } => self.close(),
            Line::EscapeHeader { .. } | Line::LeakHeader { .. } => {
                self.open = true;
                self.flows = false;
            }
            Line::Flow { .. } if self.open => self.flows = true,
            Line::Step { .. } if self.open && self.flows => {}
            Line::Truncated if self.open => {}
            Line::Flow { .. } | Line::Step { .. } | Line::Truncated => return Fed::Orphan,
            _ => {}
        }
        Fed::Taken
    }

    fn close(&mut self) {
        self.open = false;
        self.flows = false;
    }
}

/// What a fed line turned out to be, for the caller's bookkeeping.
#[derive(Debug, PartialEq, Eq)]
pub enum Fed {
    Taken,
    /// A flow or step line with no block to belong to.
    Orphan,
}

impl SectionBuilder {
    pub fn new(package: Option<&str>, variant: Option<&str>) -> Self {
        SectionBuilder {
            package: package.map(str::to_string),
            variant: variant.map(str::to_string),
            ..Default::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.shape.lines == 0
    }

    pub fn variant(&self) -> Option<&str> {
        self.variant.as_deref()
    }

    /// Takes a line as [`SectionBuilder::feed`] does, but only to tell whether it belongs to
    /// the section: nothing is built. A section noted so is built later from the same lines.
    pub fn note(&mut self, line: &Line<'_>) -> Fed {
        self.shape.feed(line)
    }

    pub fn package(&self) -> Option<&str> {
        self.package.as_deref()
    }

    /// Takes a classified line that belongs to the escape model (summaries and block lines).
    pub fn feed(&mut self, line: &Line<'_>) -> Fed {
        if self.shape.feed(line) == Fed::Orphan {
            return Fed::Orphan;
        }
        match *line {
            Line::Summary {
                pos,
                msg,
                ref summary,
            } => {
                self.end_block();
                let pos = pos.map(|p| position(&mut self.files, p));
                self.summaries.push(diagnostic(pos, msg, summary));
            }
            Line::EscapeHeader {
                pos,
                expr,
                function,
            } => {
                self.end_block();
                self.open = Some(Explanation {
                    position: pos.map(|p| position(&mut self.files, p)),
                    header: Header::Escape {
                        expr: Text::from(expr),
                    },
                    function: function.map(Text::from),
                    flows: Vec::new(),
                    truncated: false,
                });
            }
            Line::LeakHeader {
                pos,
                param,
                to,
                function,
                derefs,
            } => {
                self.end_block();
                self.open = Some(Explanation {
                    position: pos.map(|p| position(&mut self.files, p)),
                    header: Header::Leak {
                        param: Text::from(param),
                        to: Location::parse(to),
                        derefs,
                    },
                    function: function.map(Text::from),
                    flows: Vec::new(),
                    truncated: false,
                });
            }
            Line::Flow { to, ops, from } => {
                let Some(block) = self.open.as_mut() else {
                    return Fed::Orphan;
                };
                block.flows.push(Flow {
                    to: Location::parse(to),
                    op: flow_op(ops),
                    from: Location::parse(from),
                    steps: Vec::new(),
                });
            }
            Line::Step { expr, reason, at } => {
                let Some(flow) = self.open.as_mut().and_then(|b| b.flows.last_mut()) else {
                    return Fed::Orphan;
                };
                let at = super::line::parse_position(at).map(|p| position(&mut self.files, p));
                flow.steps.push(Step {
                    expr: Text::from(expr),
                    reason: Reason::parse(reason),
                    at,
                });
            }
            Line::Truncated => match self.open.as_mut() {
                Some(b) => b.truncated = true,
                None => return Fed::Orphan,
            },
            _ => {}
        }
        Fed::Taken
    }

    /// Whether `line` leaves nothing of the lines before it open: a fact, or a block's header.
    /// A block end does too ([`SectionBuilder::close_block`]).
    pub fn starts_anew(line: &Line<'_>) -> bool {
        matches!(
            line,
            Line::Summary { .. } | Line::EscapeHeader { .. } | Line::LeakHeader { .. }
        )
    }

    /// Takes the lines `next` was fed as if they had been fed here, after this builder's own.
    /// `next` must have begun with a line that starts a fact or a block, or ends one (a
    /// summary, a block header, a block end; a builder fed nothing has not): such a line
    /// leaves nothing of what came before open, so the lines of a section can be fed to several builders, a stretch each, and
    /// joined in order into the builder that was fed them all.
    pub fn append(&mut self, mut next: SectionBuilder) {
        self.end_block();
        self.summaries.append(&mut next.summaries);
        self.blocks.append(&mut next.blocks);
        self.open = next.open;
        self.shape = Shape {
            lines: self.shape.lines + next.shape.lines,
            ..next.shape
        };
        self.files.extend(next.files);
    }

    /// Ends the open block: any line that is not part of a block does.
    pub fn close_block(&mut self) {
        self.shape.close();
        self.end_block();
    }

    /// Keeps the open block, if any (the shape has moved on already).
    fn end_block(&mut self) {
        if let Some(b) = self.open.take() {
            self.blocks.push(b);
        }
    }

    pub fn finish(mut self) -> Section {
        self.close_block();
        let mut diagnostics = dedupe(self.summaries);
        attach_blocks(&mut diagnostics, dedupe_blocks(self.blocks));
        diagnostics.sort_by(|a, b| {
            (&a.position, a.kind, &a.subject).cmp(&(&b.position, b.kind, &b.subject))
        });
        Section {
            package: self.package,
            variant: self.variant,
            diagnostics,
            digest: None,
        }
    }
}

/// One shared copy of each file name of the section.
fn intern(files: &mut rustc_hash::FxHashSet<Arc<str>>, name: &str) -> Arc<str> {
    if let Some(f) = files.get(name) {
        return f.clone();
    }
    let f: Arc<str> = Arc::from(name);
    files.insert(f.clone());
    f
}

fn position(files: &mut rustc_hash::FxHashSet<Arc<str>>, p: RawPos<'_>) -> Position {
    Position {
        file: intern(files, p.file),
        line: p.line,
        column: p.column,
        original: p.original.map(str::to_string),
        path: None,
    }
}

fn flow_op(ops: &str) -> FlowOp {
    match ops {
        "" => FlowOp::Value,
        "&" => FlowOp::AddressOf,
        stars => FlowOp::Deref(stars.len() as u32),
    }
}

fn diagnostic(pos: Option<Position>, msg: &str, s: &Summary<'_>) -> Diagnostic {
    let mut d = Diagnostic::new(s.kind, pos, msg.to_string());
    d.subject = s.subject.map(Text::from);
    d.function = s.function.map(Text::from);
    d.result = s.result.map(str::to_string);
    d.level = s.level;
    d.detail = s.detail.map(str::to_string);
    d.capture = s
        .capture
        .map(|(by_reference, address_taken, reassigned, width)| Capture {
            by_reference,
            address_taken,
            reassigned,
            width,
        });
    d
}

/// The identity of a fact: the same message at the same place is the same fact.
fn fact_key(d: &Diagnostic) -> (Option<Position>, Kind, String) {
    (d.position.clone(), d.kind, d.message.clone())
}

fn dedupe(summaries: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen: HashMap<(Option<Position>, Kind, String), usize> = HashMap::default();
    let mut out: Vec<Diagnostic> = Vec::with_capacity(summaries.len());
    for d in summaries {
        match seen.entry(fact_key(&d)) {
            std::collections::hash_map::Entry::Occupied(e) => out[*e.get()].occurrences += 1,
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(out.len());
                out.push(d);
            }
        }
    }
    out
}

fn dedupe_blocks(blocks: Vec<Explanation>) -> Vec<Explanation> {
    use std::hash::BuildHasher;
    // Blocks are compared only with those of the same hash.
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::default();
    let mut out: Vec<Explanation> = Vec::with_capacity(blocks.len());
    for b in blocks {
        let same = seen
            .entry(rustc_hash::FxBuildHasher.hash_one(&b))
            .or_default();
        if !same.iter().any(|&i| out[i] == b) {
            same.push(out.len());
            out.push(b);
        }
    }
    out
}

/// Attaches each block to the fact it explains, or makes it a fact of its own when the compiler
/// printed no summary (go/defer wrappers, `{storage for ...}` chains).
fn attach_blocks(diagnostics: &mut Vec<Diagnostic>, blocks: Vec<Explanation>) {
    let mut by_pos: HashMap<Option<Position>, Vec<usize>> = HashMap::default();
    for (i, d) in diagnostics.iter().enumerate() {
        by_pos.entry(d.position.clone()).or_default().push(i);
    }
    for block in blocks {
        let candidates = by_pos
            .get(&block.position)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        match candidates
            .iter()
            .copied()
            .filter_map(|i| explains(&block, &diagnostics[i]).map(|rank| (rank, i)))
            .min()
        {
            Some((_, i)) => {
                let d = &mut diagnostics[i];
                if d.function.is_none() {
                    d.function = block.function.clone();
                }
                d.explanations.push(block);
            }
            None => {
                let d = standalone(block);
                by_pos
                    .entry(d.position.clone())
                    .or_default()
                    .push(diagnostics.len());
                diagnostics.push(d);
            }
        }
    }
}

/// Whether `block` explains `d`, and how well (lower is better).
fn explains(block: &Explanation, d: &Diagnostic) -> Option<u8> {
    let subject = d.subject.as_deref();
    match &block.header {
        Header::Escape { expr } => match d.kind {
            Kind::EscapesToHeap if subject == Some(expr) => Some(0),
            Kind::MovedToHeap if subject == Some(expr) => Some(0),
            // 1.25+: `append(s, x) escapes to heap in F:` explains `append escapes to heap`.
            Kind::AppendEscapes if expr.starts_with("append(") => Some(1),
            _ => None,
        },
        Header::Leak { param, to, derefs } => {
            if subject != Some(param.as_str()) {
                return None;
            }
            match (d.kind, to) {
                (Kind::LeakingParam, Location::Heap) if *derefs <= 0 => Some(0),
                (Kind::LeakingParamContent, Location::Heap) if *derefs > 0 => Some(0),
                (Kind::LeakingParamToResult, Location::Var(r))
                    if d.result.as_deref() == Some(r) =>
                {
                    Some(0)
                }
                // A leak into a closure's or another allocation's storage is reported as a leak
                // of the parameter (the storage itself escapes elsewhere).
                (Kind::LeakingParam, _) => Some(1),
                (Kind::LeakingParamContent, _) => Some(2),
                (Kind::LeakingParamToResult, _) => Some(3),
                _ => None,
            }
        }
    }
}

fn standalone(block: Explanation) -> Diagnostic {
    let (kind, subject, message) = match &block.header {
        Header::Escape { expr } => (
            Kind::EscapesToHeap,
            expr.clone(),
            match &block.function {
                Some(f) => format!("{expr} escapes to heap in {f}:"),
                None => format!("{expr} escapes to heap:"),
            },
        ),
        Header::Leak { param, to, derefs } => {
            let kind = match to {
                Location::Heap if *derefs > 0 => Kind::LeakingParamContent,
                Location::Var(_) => Kind::LeakingParamToResult,
                _ => Kind::LeakingParam,
            };
            let for_fn = block
                .function
                .as_ref()
                .map(|f| format!(" for {f}"))
                .unwrap_or_default();
            (
                kind,
                param.clone(),
                format!("parameter {param} leaks to {to}{for_fn} with derefs={derefs}:"),
            )
        }
    };
    let mut d = Diagnostic::new(kind, block.position.clone(), message);
    d.subject = Some(subject);
    if let (Header::Leak { to, derefs, .. }, Kind::LeakingParamToResult) = (&block.header, kind) {
        d.result = Some(to.to_string());
        d.level = u32::try_from(*derefs).ok();
    }
    d.function = block.function.clone();
    d.explanations.push(block);
    d
}
