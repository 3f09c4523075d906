//! `--format json`: one JSON document, written as the sections stream in.
//!
//! The document is [`Document`]; its fields are documented there. Programs should check
//! `schema` and refuse a version they do not know.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::Renderer;
use crate::escape::{InputStats, Section, Unrecognized};
use crate::finding::Finding;
use crate::paths::ShownPaths;
use crate::report::{Origin, RunInfo, Summary, Totals};

/// The version of [`Document`]'s layout. Raised when a field changes meaning or goes away.
///
/// 2: parameter summaries have their own verdict, `passes`, and are no longer `heap`;
/// `totals` has `heap_allocations` and `parameters`.
pub const SCHEMA: u32 = 2;

/// The JSON report. Fields appear in this order.
///
/// Each entry of `packages` is one `# import/path` section of the compiler output, with its
/// diagnostics sorted by position; the entries are sorted by import path, then variant (not in
/// the order go printed them, which changes from run to run). A diagnostic has a `kind` (kebab-case, e.g. `moved-to-heap`,
/// `escapes-to-heap`, `leaking-param-to-result`), a `position` (`file` as printed, `line`,
/// `column`, and `path`: the file relative to the module root when it was found), the `subject`
/// (variable, parameter or expression), the `function` when the compiler named it, the
/// `message` as printed, `occurrences` (how often the same fact was printed), and for `-m=2`
/// output its `explanations`: each a `header` (`escape` of an expression, or `leak` of a
/// parameter `to` a location with `derefs`) and the `flows` (`to`, `op`, `from`, and the
/// `steps`, each `expr`, `reason` and `at`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    /// [`SCHEMA`].
    pub schema: u32,
    /// `escape-explain` and its version.
    pub tool: Tool,
    /// Where the output came from (`build` with the go argv, `file`, `stdin`). With `--tests`
    /// the directory the test binaries went to, a temporary one, is written
    /// `<temporary directory>/`.
    pub origin: Origin,
    pub packages: Vec<Package>,
    /// The toolchain version when known (`go1.27.3`).
    pub go_version: Option<String>,
    /// Counts: packages, diagnostics, diagnostics per kind, findings per verdict and holder,
    /// `heap_allocations` (allocation sites on the heap) and `parameters` (parameter
    /// summaries), never added together. Complete whatever `--verdict` lists.
    pub totals: Totals,
    /// Lines, bytes, and the non-diagnostic lines read.
    pub input: InputStats,
    /// Every line that was not understood (the first 10 000), with its line number.
    pub unrecognized: Vec<Unrecognized>,
    /// The go command exited non-zero.
    pub build_failed: bool,
    /// `//escape-explain:ignore` comments that silenced nothing, or gave no reason.
    #[serde(default)]
    pub unused_suppressions: Vec<String>,
    /// With `--profile`: each profile (`name`, `kind`: `heap`, `goroutine` or `goroutineleak`,
    /// `samples`, `matched`: samples with a frame in the module, and `goroutines` it counts),
    /// everything `live` in the latest heap profile, every goroutine the leak profile proves
    /// `leaked`, the `largest` holders (by growth, then live bytes), `not_exercised` (leak-risk
    /// findings the profiles show holding nothing) and `unplaced` (lines holding memory in no
    /// package reported). Findings then carry `measured_in`, `live` and `allocated` (`bytes`,
    /// `objects`), `grew`, `goroutines`, `leaked`, `blocked_at` and `runtime_note`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<crate::profile::join::ProfileSummary>,
}

/// One package section: what the compiler said, and what we say about it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Package {
    #[serde(flatten)]
    pub section: Section,
    /// One finding per value diagnostic: `verdict` (`stack`, `passes` for a parameter
    /// summary that allocates nothing, `heap`, `retained`, `leak-risk`), `code`, `title`, `subject`, `function`, `position`, `why`, `fix`, the
    /// `holder` (`kind`, `name`, `declared`, `added`, `released`: each a site with `path`,
    /// `line`, `column` and the source `text`; `released` is null when nothing lets go), the
    /// `evidence` (notes with optional sites), the `compiler`'s own lines, and the `basis` of
    /// the verdict (`flow` from -m=2, `source-only` or `message` when the log had no flow),
    /// `decided_by` (the line of escape-explain.toml that decided the verdict: `path`, `line`,
    /// `text`), and `shown`: the finding's path as the text formats show it, relative to the directory
    /// the command ran in, when that is not `position.path` (`svc/x.go` after `-C svc`).
    pub findings: Vec<Finding>,
}

/// A borrowed [`Package`], for writing.
#[derive(Serialize)]
struct PackageRef<'a> {
    #[serde(flatten)]
    section: &'a Section,
    findings: Vec<FindingRef<'a>>,
}

/// A finding as written: with the path as the text formats show it, when that is not its
/// `position.path` (after `-C svc`: `svc/x.go`).
#[derive(Serialize)]
struct FindingRef<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    #[serde(skip_serializing_if = "Option::is_none")]
    shown: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// Streams a [`Document`].
#[derive(Default)]
pub struct JsonRenderer {
    sections: u64,
    /// The verdicts listed in `findings` (empty: all); `totals` count every finding.
    only: Vec<crate::finding::Verdict>,
    /// Serde writes many small pieces; gathered here and passed on a mebibyte at a time (see
    /// [`Chunks`]).
    buf: Vec<u8>,
    /// Where the reader stands, for each finding's `shown` path.
    paths: ShownPaths,
}

impl JsonRenderer {
    pub fn new(only: Vec<crate::finding::Verdict>, paths: ShownPaths) -> Self {
        JsonRenderer {
            sections: 0,
            only,
            buf: Vec::new(),
            paths,
        }
    }
}

impl Renderer for JsonRenderer {
    fn begin(&mut self, out: &mut dyn Write, run: &RunInfo) -> io::Result<()> {
        let tool = Tool {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        };
        write!(out, "{{\"schema\":{SCHEMA},\"tool\":")?;
        serde_json::to_writer(&mut *out, &tool)?;
        out.write_all(b",\"origin\":")?;
        serde_json::to_writer(&mut *out, &run.origin)?;
        out.write_all(b",\"packages\":[")
    }

    fn section(
        &mut self,
        out: &mut dyn Write,
        section: &Section,
        findings: &[Finding],
    ) -> io::Result<()> {
        let mut w = Chunks {
            buf: std::mem::take(&mut self.buf),
            out,
        };
        if self.sections > 0 {
            w.buf.push(b',');
        }
        self.sections += 1;
        w.buf.push(b'\n');
        let findings = findings
            .iter()
            .filter(|f| self.only.is_empty() || self.only.contains(&f.verdict))
            .map(|finding| FindingRef {
                finding,
                shown: finding.position.as_ref().and_then(|p| {
                    let shown = self.paths.file(p);
                    (shown != p.best_file()).then(|| shown.into_owned())
                }),
            })
            .collect();
        serde_json::to_writer(&mut w, &PackageRef { section, findings })?;
        w.pass_on()?;
        self.buf = w.buf;
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, run: &RunInfo, summary: &Summary) -> io::Result<()> {
        out.write_all(b"\n],\"go_version\":")?;
        serde_json::to_writer(&mut *out, &run.go_version)?;
        out.write_all(b",\"totals\":")?;
        serde_json::to_writer(&mut *out, &summary.totals)?;
        out.write_all(b",\"input\":")?;
        serde_json::to_writer(&mut *out, &summary.input)?;
        out.write_all(b",\"unrecognized\":")?;
        serde_json::to_writer(&mut *out, &summary.unrecognized)?;
        write!(
            out,
            ",\"build_failed\":{},\"unused_suppressions\":",
            summary.build_failed
        )?;
        serde_json::to_writer(&mut *out, &summary.unused_suppressions)?;
        if let Some(p) = &summary.profile {
            out.write_all(b",\"profile\":")?;
            serde_json::to_writer(&mut *out, p)?;
        }
        out.write_all(b"}\n")
    }
}

/// A buffer in front of the report's writer: serde's many small writes are a copy into it
/// rather than a call through `dyn Write` each, and it is passed on whole once it holds a
/// mebibyte, so its size stays bounded whatever the package.
struct Chunks<'a> {
    buf: Vec<u8>,
    out: &'a mut dyn Write,
}

impl Chunks<'_> {
    const SIZE: usize = 1 << 20;

    fn pass_on(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
}

impl Write for Chunks<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= Self::SIZE {
            self.pass_on()?;
        }
        Ok(data.len())
    }

    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.write(data).map(|_| ())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.pass_on()
    }
}

/// Reads a document back (for baselines and diffs, and for tests).
pub fn read_document(text: &str) -> Result<Document, serde_json::Error> {
    serde_json::from_str(text)
}
