//! Streams raw compiler output (a pipe, a file, the go command's stderr) into [`Section`]s, one
//! package at a time, so memory follows the largest package rather than the whole log. Every
//! line is accounted for: a line that is not understood is counted and kept.

use std::io::BufRead;

use serde::Serialize;

use super::line::{Line, classify};
use super::section::{Fed, Section, SectionBuilder};

/// How many unrecognized lines are kept verbatim (all are counted).
pub const KEEP_UNRECOGNIZED: usize = 10_000;
/// How much of one unrecognized line is kept.
pub const KEEP_LINE_BYTES: usize = 4096;

/// A line the parser did not understand, kept as read.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Unrecognized {
    /// 1-based line number in the input.
    pub line: u64,
    /// The package header it appeared under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// The text (lossily decoded, cut at 4096 bytes with `...` when longer).
    pub text: String,
}

/// What the reader saw, beyond the diagnostics themselves.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct InputStats {
    pub lines: u64,
    pub bytes: u64,
    /// Package headers (`# import/path`).
    pub headers: u64,
    /// Lines of the go command or test runner (`ok`, `FAIL`, `go: ...`) and `-m>=3` IR dumps.
    pub tool_lines: u64,
    pub blank_lines: u64,
    /// Lines that were not valid UTF-8 (decoded with replacement characters).
    pub invalid_utf8_lines: u64,
    /// Whether the last line had no line ending (a truncated log).
    pub truncated_last_line: bool,
    pub unrecognized_lines: u64,
    /// Lines of escape analysis output: diagnostics, flows, inliner lines. Every line read is
    /// one of blank, header, tool, escape or unrecognized.
    #[serde(default)]
    pub escape_lines: u64,
    /// Unrecognized lines beyond the first 10 000, counted but not kept.
    pub unrecognized_not_kept: u64,
    /// The oldest Go version whose wording matches what was read (`1.25` once `←` is seen).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wording_since: Option<String>,
}

/// Turns lines into sections. Feed it with [`Reader::read`] or line by line.
pub struct Reader {
    current: SectionBuilder,
    stats: InputStats,
    unrecognized: Vec<Unrecognized>,
    since_minor: u32,
}

impl Default for Reader {
    fn default() -> Self {
        Reader::new()
    }
}

impl Reader {
    pub fn new() -> Self {
        Reader {
            current: SectionBuilder::new(None, None),
            stats: InputStats::default(),
            unrecognized: Vec::new(),
            since_minor: 0,
        }
    }

    /// Reads everything from `input`, handing each finished section to `emit`.
    pub fn read(
        &mut self,
        input: impl BufRead,
        emit: &mut dyn FnMut(Section) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut lines = super::lines::open(input)?;
        while let Some(line) = lines.next_line()? {
            self.stats.bytes += line.read;
            if line.unterminated {
                self.stats.truncated_last_line = true;
            }
            if line.cut {
                // Not compiler output at that length: counted, kept cut, not parsed.
                self.stats.lines += 1;
                self.current.close_block();
                self.keep_unrecognized(&String::from_utf8_lossy(line.bytes));
                continue;
            }
            self.feed_bytes(line.bytes, emit)?;
        }
        Ok(())
    }

    /// Feeds one line a command printed (without its line ending), counting it as read.
    pub fn feed_printed(
        &mut self,
        line: &[u8],
        emit: &mut dyn FnMut(Section) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        self.stats.bytes += line.len() as u64 + 1;
        self.feed_bytes(line, emit)
    }

    /// Feeds one line without its line ending.
    pub fn feed_bytes(
        &mut self,
        line: &[u8],
        emit: &mut dyn FnMut(Section) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        match std::str::from_utf8(line) {
            Ok(s) => self.feed_line(s, emit),
            Err(_) => {
                self.stats.invalid_utf8_lines += 1;
                let s = String::from_utf8_lossy(line);
                self.feed_line(&s, emit)
            }
        }
    }

    /// Feeds one decoded line without its line ending.
    pub fn feed_line(
        &mut self,
        text: &str,
        emit: &mut dyn FnMut(Section) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        self.stats.lines += 1;
        let line = classify(text);
        match &line {
            Line::Blank => {
                self.stats.blank_lines += 1;
            }
            Line::Header { package, variant } => {
                self.stats.headers += 1;
                let next = SectionBuilder::new(Some(package), *variant);
                let done = std::mem::replace(&mut self.current, next);
                if !done.is_empty() {
                    emit(done.finish())?;
                }
            }
            Line::Tool => {
                self.stats.tool_lines += 1;
                self.current.close_block();
            }
            Line::JsonEvent => self.json_event(text, emit)?,
            Line::Unrecognized => {
                self.current.close_block();
                self.keep_unrecognized(text);
            }
            _ => {
                self.note_wording(text, &line);
                if self.current.feed(&line) == Fed::Orphan {
                    self.keep_unrecognized(text);
                } else {
                    self.stats.escape_lines += 1;
                }
            }
        }
        Ok(())
    }

    /// A `go build -json` event: its `Output` is compiler output in its own right.
    fn json_event(
        &mut self,
        text: &str,
        emit: &mut dyn FnMut(Section) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        #[derive(serde::Deserialize)]
        struct Event {
            #[serde(rename = "Output")]
            output: Option<String>,
        }
        match serde_json::from_str::<Event>(text) {
            Ok(ev) => {
                let output = ev.output.unwrap_or_default();
                if output.is_empty() {
                    self.stats.tool_lines += 1;
                    return Ok(());
                }
                // The event stands for the lines of its Output, each counted as read.
                self.stats.lines -= 1;
                for l in output.lines() {
                    self.feed_line(l, emit)?;
                }
                Ok(())
            }
            Err(_) => {
                self.keep_unrecognized(text);
                Ok(())
            }
        }
    }

    fn keep_unrecognized(&mut self, text: &str) {
        self.stats.unrecognized_lines += 1;
        if self.unrecognized.len() >= KEEP_UNRECOGNIZED {
            self.stats.unrecognized_not_kept += 1;
            return;
        }
        let text = if text.len() > KEEP_LINE_BYTES {
            let mut cut = KEEP_LINE_BYTES;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            format!("{}...", &text[..cut])
        } else {
            text.to_string()
        };
        self.unrecognized.push(Unrecognized {
            line: self.stats.lines,
            package: self.current.package().map(str::to_string),
            text,
        });
    }

    /// Notes wording that only some Go versions print (reference §c).
    fn note_wording(&mut self, text: &str, line: &Line<'_>) {
        let since = match line {
            Line::Flow { .. } if text.contains('←') => 25,
            Line::EscapeHeader {
                function: Some(_), ..
            }
            | Line::LeakHeader {
                function: Some(_), ..
            } => 25,
            Line::Summary { summary, .. }
                if summary.kind == super::model::Kind::AppendEscapes
                    || summary.kind == super::model::Kind::AppendDoesNotEscape =>
            {
                25
            }
            Line::Summary { summary, .. }
                if summary.kind == super::model::Kind::ZeroCopyConversion =>
            {
                22
            }
            _ => 0,
        };
        if since > self.since_minor {
            self.since_minor = since;
            self.stats.wording_since = Some(format!("1.{since}"));
        }
    }

    /// Ends the input: emits the last section and returns what was seen.
    pub fn finish(
        mut self,
        emit: &mut dyn FnMut(Section) -> std::io::Result<()>,
    ) -> std::io::Result<(InputStats, Vec<Unrecognized>)> {
        let last = std::mem::take(&mut self.current);
        if !last.is_empty() {
            emit(last.finish())?;
        }
        Ok((self.stats, self.unrecognized))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &[u8]) -> (Vec<Section>, InputStats, Vec<Unrecognized>) {
        let mut sections = Vec::new();
        let mut r = Reader::new();
        let mut emit = |s: Section| {
            sections.push(s);
            Ok(())
        };
        r.read(input, &mut emit).unwrap();
        let (stats, unrec) = r.finish(&mut emit).unwrap();
        (sections, stats, unrec)
    }

    const M2: &str = "# example.com/m
./ret.go:14:2: x escapes to heap in retAddr:
./ret.go:14:2:   flow: ~r0 ← &x:
./ret.go:14:2:     from &x (address-of) at ./ret.go:15:9
./ret.go:14:2:     from return &x (return) at ./ret.go:15:2
./ret.go:14:2: moved to heap: x
./ret.go:29:15: parameter p leaks to ~r0 for identity with derefs=0:
./ret.go:29:15:   flow: ~r0 ← p:
./ret.go:29:15:     from return p (return) at ./ret.go:29:34
./ret.go:29:15: leaking param: p to result ~r0 level=0
";

    #[test]
    fn header_and_summary_are_one_diagnostic() {
        let (sections, stats, unrec) = parse(M2.as_bytes());
        assert!(unrec.is_empty(), "{unrec:?}");
        assert_eq!(sections.len(), 1);
        let d = &sections[0].diagnostics;
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].message, "moved to heap: x");
        assert_eq!(d[0].function.as_deref(), Some("retAddr"));
        assert_eq!(d[0].explanations[0].flows[0].steps.len(), 2);
        assert_eq!(d[1].message, "leaking param: p to result ~r0 level=0");
        assert_eq!(d[1].explanations.len(), 1);
        assert_eq!(stats.wording_since.as_deref(), Some("1.25"));
    }

    #[test]
    fn old_wording_gives_the_same_model() {
        let old = M2
            .replace(" in retAddr:", ":")
            .replace(" for identity", "")
            .replace('←', "=");
        let (a, _, _) = parse(M2.as_bytes());
        let (b, stats, _) = parse(old.as_bytes());
        let strip = |s: &Section| {
            s.diagnostics
                .iter()
                .map(|d| {
                    let mut d = d.clone();
                    d.function = None;
                    for e in &mut d.explanations {
                        e.function = None;
                    }
                    serde_json::to_string(&d).unwrap()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&a[0]), strip(&b[0]));
        assert_eq!(stats.wording_since, None);
    }

    #[test]
    fn repeated_fact_is_one_diagnostic() {
        let log = "# p\n./g.go:3:4: append escapes to heap\n./g.go:3:4: append escapes to heap\n";
        let (s, _, _) = parse(log.as_bytes());
        assert_eq!(s[0].diagnostics.len(), 1);
        assert_eq!(s[0].diagnostics[0].occurrences, 2);
    }

    #[test]
    fn bad_input_never_panics_and_is_counted() {
        let mut garbage = vec![0u8, 159, 146, 150, b'\n', b'x'];
        garbage.extend(std::iter::repeat_n(b'a', 1 << 20));
        let (s, stats, unrec) = parse(&garbage);
        assert!(s.is_empty());
        assert_eq!(stats.lines, 2);
        assert_eq!(stats.invalid_utf8_lines, 1);
        assert!(stats.truncated_last_line);
        assert_eq!(stats.unrecognized_lines, 2);
        assert!(unrec[1].text.len() <= KEEP_LINE_BYTES + 3);
        let (_, stats, _) = parse(b"");
        assert_eq!(stats.lines, 0);
    }

    #[test]
    fn crlf_line_ends() {
        let (s, _, unrec) = parse(M2.replace('\n', "\r\n").as_bytes());
        assert!(unrec.is_empty());
        assert_eq!(s[0].diagnostics.len(), 2);
    }

    #[test]
    fn go_build_json_events() {
        let log = r##"{"ImportPath":"example.com/m","Action":"build-output","Output":"# example.com/m\n"}
{"ImportPath":"example.com/m","Action":"build-output","Output":"./a.go:3:2: moved to heap: x\n"}
"##;
        let (s, _, unrec) = parse(log.as_bytes());
        assert!(unrec.is_empty());
        assert_eq!(s[0].package.as_deref(), Some("example.com/m"));
        assert_eq!(
            s[0].diagnostics[0].kind,
            super::super::model::Kind::MovedToHeap
        );
    }
}
