//! Streams raw compiler output (a pipe, a file, the go command's stderr) into [`Section`]s, one
//! package at a time, so memory follows the largest package rather than the whole log. Every
//! line is accounted for: a line that is not understood is counted and kept.
//!
//! A [`Reader::sorted`] reader hands the sections over by import path, then variant, once the
//! input has ended, rather than in the order they were printed: go prints the packages of a build
//! as they finish, which changes from one run to the next. Until then a section is kept as its
//! lines (in a temporary file once they add up), not built, and what its lines tell (the
//! counts, the lines not understood) is found on other threads ([`tell`]).

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};

use serde::Serialize;

use super::line::{Line, classify};
use super::memo::{SectionMemo, SectionRead};
use super::section::{Fed, Section, SectionBuilder};

mod tell;

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
    /// The packages of the sections read so far (those with a line for the escape model), and
    /// how many sections.
    packages: BTreeSet<String>,
    sections: u64,
    /// With [`Reader::sorted`]: the lines of the sections read, built and handed over by
    /// [`Reader::finish`].
    spool: Option<Spool>,
    /// Each file a diagnostic names, as printed, with its section's package: the files the
    /// build compiled, from which a saved log's target can be told.
    named: Named,
    /// Sections are kept in `spool` and handed over at the end ([`Reader::sorted`]).
    sorted: bool,
    /// What the current section's lines for the escape model are so far.
    model: ModelHasher,
    /// What the memo knew of the current section's model.
    known_model: Option<Model>,
    /// The input has ended ([`Reader::end_input`]).
    ended: bool,
    /// What sections told the reader before ([`Reader::set_memo`]).
    memo: Option<std::sync::Arc<dyn SectionMemo>>,
    /// The line number of the current section's header while its lines are kept unclassified.
    unread: Option<u64>,
    /// What the current section's lines tell, being gathered for the memo.
    recording: Option<Recording>,
    /// Whether the current section, whose lines the memo knew, has a line for the model.
    known_kept: Option<bool>,
    /// How many of the sections kept the memo knew by their lines.
    known_sections: u64,
    /// The threads telling what ended sections' lines say ([`tell`]), once one is asked for.
    tellers: Option<tell::Tellers>,
    /// The current section has been asked for and not yet counted.
    telling_current: bool,
    /// Whether ended sections are told on other threads; else where they are read, as when
    /// no thread can be started.
    tell_apart: bool,
}

/// What a section is for the escape model: the hash of its lines that are escape output, with
/// a mark for each line that ends a block (its identity for the result cache, which lines of
/// the go command's, blank lines and timings do not change), how many those lines are, and
/// its facts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Model {
    pub digest: u128,
    pub lines: u64,
    pub facts: u64,
}

/// A [`Model`] being gathered.
#[derive(Default)]
struct ModelHasher {
    hash: xxhash_rust::xxh3::Xxh3,
    lines: u64,
    facts: u64,
}

impl ModelHasher {
    fn line(&mut self, raw: &[u8], fact: bool) {
        self.hash.update(&(raw.len() as u32).to_le_bytes());
        self.hash.update(raw);
        self.lines += 1;
        self.facts += u64::from(fact);
    }

    fn block_end(&mut self) {
        self.hash.update(&Spool::CLOSE.to_le_bytes());
    }

    /// The model so far; gathering starts again.
    fn take(&mut self) -> Model {
        let m = self.now();
        *self = ModelHasher::default();
        m
    }

    fn now(&self) -> Model {
        Model {
            digest: self.hash.digest128(),
            lines: self.lines,
            facts: self.facts,
        }
    }
}

/// A section's lines being classified for the memo: where it began, and the counts then.
struct Recording {
    header: u64,
    at_start: InputStats,
    read: SectionRead,
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
            packages: BTreeSet::new(),
            sections: 0,
            spool: None,
            named: Named::default(),
            sorted: false,
            model: ModelHasher::default(),
            known_model: None,
            ended: false,
            memo: None,
            unread: None,
            recording: None,
            known_kept: None,
            known_sections: 0,
            tellers: None,
            telling_current: false,
            tell_apart: true,
        }
    }

    /// Gives a sorted reader what sections told it before: a section whose lines are known is
    /// then kept without classifying them ([`super::memo`]). The report is the same.
    pub fn set_memo(&mut self, memo: std::sync::Arc<dyn SectionMemo>) {
        if self.sorted {
            self.memo = Some(memo);
        }
    }

    /// A reader whose sections are handed over by [`Reader::finish`], by import path, then
    /// variant (a header printed twice: in the order read), whatever order they came in. The
    /// counts and the lines not understood are the same as [`Reader::new`]'s, line numbers
    /// included.
    pub fn sorted() -> Self {
        Reader {
            spool: Some(Spool {
                in_memory: Spool::IN_MEMORY,
                split: Spool::SPLIT,
                chunk: Spool::CHUNK,
                builders: std::thread::available_parallelism()
                    .map_or(1, |n| n.get())
                    .min(Spool::BUILDERS),
                ..Spool::default()
            }),
            sorted: true,
            ..Reader::new()
        }
    }

    /// Whether a section of the package has been read so far (one with at least one line for
    /// the escape model, which [`Reader::finish`] hands over).
    pub fn has_read(&self, package: &str) -> bool {
        self.packages.contains(package)
            || (self.current.package() == Some(package)
                && self.known_kept.unwrap_or(!self.current.is_empty()))
    }

    /// The files the diagnostics read so far name, as printed, each with its section's
    /// package (empty when the section has no header).
    pub fn named_files(&self) -> &BTreeSet<(String, String)> {
        &self.named.files
    }

    fn note_file(&mut self, file: &str) {
        if self.named.note(self.current.package(), file)
            && let Some(r) = &mut self.recording
        {
            r.read.named.push(file.to_string());
        }
    }

    /// What has been read so far.
    pub fn stats(&self) -> &InputStats {
        &self.stats
    }

    /// Whether any line kept as not understood says so.
    pub fn any_unrecognized(&self, pred: impl Fn(&str) -> bool) -> bool {
        self.unrecognized.iter().any(|u| pred(&u.text))
    }

    /// How many sections have been read so far (the current one aside).
    pub fn sections(&self) -> u64 {
        self.sections
    }

    /// How many of those the memo knew by their lines ([`Reader::set_memo`]): read before by
    /// this build of the tool, so likely in the result cache.
    pub fn sections_known(&self) -> u64 {
        self.known_sections
    }

    /// Ends the current section: hands it over, or keeps it with the others.
    fn end_section(
        &mut self,
        done: SectionBuilder,
        emit: &mut dyn FnMut(Section) -> io::Result<()>,
    ) -> io::Result<()> {
        let gathered = self.model.take();
        let model = self.known_model.take().unwrap_or(gathered);
        // A section being told is kept until the tellers say whether it has a line for the
        // model, and with what hash ([`Reader::hear`]).
        let telling = std::mem::take(&mut self.telling_current);
        let kept = match self.known_kept.take() {
            Some(kept) => kept,
            None => telling || !done.is_empty(),
        };
        if !kept {
            // Its lines (blank, the go command's) are not kept either.
            if let Some(spool) = &mut self.spool {
                spool.discard();
            }
            return Ok(());
        }
        self.sections += 1;
        if let Some(p) = done.package()
            && !self.packages.contains(p)
        {
            self.packages.insert(p.to_string());
        }
        match &mut self.spool {
            Some(spool) => {
                spool.keep(done.package(), done.variant(), model)?;
                if telling
                    && let Some(told) = self.tellers.as_mut().and_then(|t| t.waiting.back_mut())
                {
                    told.kept = Some(spool.sections.len() - 1);
                }
                crate::progress::update(self.sections, 0, done.package().unwrap_or(""));
                Ok(())
            }
            None => emit(done.finish()),
        }
    }

    /// A line that is not kept (one cut short) ends the open explanation block: a mark is
    /// kept in its place.
    fn close_block(&mut self) -> io::Result<()> {
        self.model.block_end();
        self.current.close_block();
        match &mut self.spool {
            Some(spool) => spool.close_block(),
            None => Ok(()),
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
                self.settle(false)?;
                self.stats.lines += 1;
                self.close_block()?;
                self.keep_unrecognized(&String::from_utf8_lossy(line.bytes));
                continue;
            }
            self.feed_bytes(line.bytes, emit)?;
        }
        self.end_input()
    }

    /// Ends the input: what the last section's lines tell is counted. [`Reader::read`] and
    /// [`Reader::finish_pending`] do it; a caller feeding lines does it once the last line is
    /// fed, before it asks for the counts ([`Reader::stats`], [`Reader::named_files`],
    /// [`Reader::has_read`]). No line may be fed after it: the last section may have been
    /// counted from the memo, without its lines.
    pub fn end_input(&mut self) -> io::Result<()> {
        self.ended = true;
        self.settle(true)?;
        self.hear()
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
        debug_assert!(!self.ended, "a line fed after the end of the input");
        if self.unread.is_some() {
            // Only a header ends a section; a `go build -json` event holds lines of its own.
            if line.starts_with(b"# ") {
                self.settle(true)?;
            } else if line.first() == Some(&b'{') {
                self.settle(false)?;
            } else {
                self.stats.lines += 1;
                return self.spool_mut().record(line);
            }
        }
        self.stats.lines += 1;
        self.decode_and_take(line, true, emit)
    }

    /// Feeds one decoded line without its line ending.
    pub fn feed_line(
        &mut self,
        text: &str,
        emit: &mut dyn FnMut(Section) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        self.feed_bytes(text.as_bytes(), emit)
    }

    fn spool_mut(&mut self) -> &mut Spool {
        self.spool
            .as_mut()
            .expect("only a sorted reader keeps lines unread")
    }

    fn decode_and_take(
        &mut self,
        line: &[u8],
        keep: bool,
        emit: &mut dyn FnMut(Section) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        match std::str::from_utf8(line) {
            Ok(s) => self.take(s, line, keep, emit),
            Err(_) => {
                self.stats.invalid_utf8_lines += 1;
                let s = String::from_utf8_lossy(line);
                self.take(&s, line, keep, emit)
            }
        }
    }

    /// Classifies a line counted as read already (`text`, decoded from `raw`). A sorted reader
    /// keeps every line of a section but its header as read (when `keep`: not when its lines
    /// are read back, [`Reader::settle`]), to be classified again when it is built.
    fn take(
        &mut self,
        text: &str,
        raw: &[u8],
        keep: bool,
        emit: &mut dyn FnMut(Section) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let line = classify(text);
        let keep = keep && self.sorted && !matches!(line, Line::Header { .. } | Line::JsonEvent);
        if keep {
            self.spool_mut().record(raw)?;
        }
        match &line {
            Line::Blank => {
                self.stats.blank_lines += 1;
            }
            Line::Header { package, variant } => {
                self.stats.headers += 1;
                let next = SectionBuilder::new(Some(package), *variant);
                let done = std::mem::replace(&mut self.current, next);
                self.end_section(done, emit)?;
                // A file named in the section before is noted again in this one.
                self.named.last = None;
                // Its lines are kept as they come, told when it ends ([`Reader::settle`]).
                if self.sorted {
                    self.unread = Some(self.stats.lines);
                }
            }
            Line::Tool => {
                self.stats.tool_lines += 1;
                // Kept as a line, which ends the block again when the section is built.
                self.model.block_end();
                self.current.close_block();
            }
            Line::JsonEvent => self.json_event(text, emit)?,
            Line::Unrecognized => {
                self.model.block_end();
                self.current.close_block();
                self.keep_unrecognized(text);
            }
            _ => {
                if let Some(file) = line.file() {
                    self.note_file(file);
                }
                self.note_wording(text, &line);
                let fed = if self.sorted {
                    self.model.line(raw, is_fact(&line));
                    self.current.note(&line)
                } else {
                    self.current.feed(&line)
                };
                if fed == Fed::Orphan {
                    self.keep_unrecognized(text);
                } else {
                    self.stats.escape_lines += 1;
                }
            }
        }
        Ok(())
    }

    /// Ends keeping the current section's lines unclassified. At its end (`at_end`), what
    /// the memo knows of lines that hash the same is counted as if they had been classified.
    /// Otherwise they are read back and classified now (given to the memo when the section
    /// ended), and the rest of the section is read line by line.
    fn settle(&mut self, at_end: bool) -> io::Result<()> {
        let Some(header) = self.unread.take() else {
            return Ok(());
        };
        let spool = self.spool_mut();
        let digest = spool
            .digest_now()
            .map_err(|e| io::Error::new(e.kind(), KeptUnreadable(e)))?;
        let lines = spool.lines;
        if at_end
            && let Some(known) = self.memo.as_ref().and_then(|m| m.get(digest))
            && known.lines == lines
        {
            self.count_known(header, known);
            return Ok(());
        }
        if at_end && self.ask_tellers(header, digest)? {
            return Ok(());
        }
        if !at_end {
            // Lines are about to be classified where they are read: what was read before them
            // is counted first, in order.
            self.hear()?;
        }
        if at_end {
            self.recording = Some(Recording {
                header,
                at_start: self.stats.clone(),
                read: SectionRead::default(),
            });
        }
        let mut spool = self.spool.take().expect("a sorted reader has a spool");
        let read_back = self.read_back(header, &mut spool);
        self.spool = Some(spool);
        read_back.map_err(|e| io::Error::new(e.kind(), KeptUnreadable(e)))?;
        if let Some(r) = self.recording.take() {
            let read = self.recorded(r);
            if let Some(memo) = &self.memo {
                memo.put(digest, &read);
            }
        }
        Ok(())
    }

    /// What the current section's lines told since `r` began.
    fn recorded(&self, r: Recording) -> SectionRead {
        let mut read = r.read;
        let (now, then) = (&self.stats, &r.at_start);
        read.lines = now.lines - r.header;
        read.blank_lines = now.blank_lines - then.blank_lines;
        read.tool_lines = now.tool_lines - then.tool_lines;
        read.invalid_utf8_lines = now.invalid_utf8_lines - then.invalid_utf8_lines;
        read.escape_lines = now.escape_lines - then.escape_lines;
        read.model = self.model.now();
        read.kept = !self.current.is_empty();
        read
    }

    /// Has the current section, which has ended, told on another thread ([`tell`]); false
    /// when no thread could be started to tell it.
    fn ask_tellers(&mut self, header: u64, digest: u128) -> io::Result<bool> {
        if !self.tell_apart {
            return Ok(false);
        }
        if self.tellers.is_none() {
            self.tellers = tell::Tellers::start();
        }
        let Some(tellers) = &mut self.tellers else {
            return Ok(false);
        };
        let spool = self.spool.as_mut().expect("a sorted reader has a spool");
        let lines = spool
            .lines_now()
            .map_err(|e| io::Error::new(e.kind(), KeptUnreadable(e)))?;
        tellers.ask(
            header,
            self.current.package(),
            self.current.variant(),
            lines,
            digest,
            self.memo.clone(),
        )?;
        self.telling_current = true;
        Ok(true)
    }

    /// Classifies the current section's lines kept so far, each counted as the line it was.
    fn read_back(&mut self, header: u64, spool: &mut Spool) -> io::Result<()> {
        let read = self.stats.lines;
        self.stats.lines = header;
        let mut lines = spool.current()?;
        let mut text = Vec::new();
        // Lines kept unread are never headers or events: nothing ends a section here.
        let mut no_section = |_: Section| -> io::Result<()> {
            Err(io::Error::other("a section ended among another's lines"))
        };
        while let Some(r) = record(&mut lines, &mut text)? {
            if let Record::Line = r {
                self.stats.lines += 1;
                self.decode_and_take(&text, false, &mut no_section)?;
            }
        }
        debug_assert_eq!(self.stats.lines, read);
        self.stats.lines = read;
        Ok(())
    }

    /// Counts what the memo knows the current section's lines tell.
    fn count_known(&mut self, header: u64, known: SectionRead) {
        let package = self.current.package().map(str::to_string);
        self.count_read(package.as_deref(), header, &known);
        self.known_model = Some(known.model);
        self.known_kept = Some(known.kept);
        self.known_sections += u64::from(known.kept);
    }

    /// Counts what the lines of a section of the package (its header at line `header`) tell,
    /// as if each had been classified where it was read.
    fn count_read(&mut self, package: Option<&str>, header: u64, read: &SectionRead) {
        self.stats.blank_lines += read.blank_lines;
        self.stats.tool_lines += read.tool_lines;
        self.stats.invalid_utf8_lines += read.invalid_utf8_lines;
        self.stats.escape_lines += read.escape_lines;
        for (at, text) in &read.unrecognized {
            self.push_unrecognized_of(package.map(str::to_string), header + at, text.clone());
        }
        for file in &read.named {
            self.named.note(package, file);
        }
        self.note_since(read.since_minor);
    }

    /// Counts what the tellers said of the sections asked for, in the order they were read,
    /// waiting for each ([`tell`]).
    fn hear(&mut self) -> io::Result<()> {
        let Some(mut tellers) = self.tellers.take() else {
            return Ok(());
        };
        let heard = self.hear_from(&mut tellers);
        self.tellers = Some(tellers);
        heard
    }

    fn hear_from(&mut self, tellers: &mut tell::Tellers) -> io::Result<()> {
        // Sections found to have no line for the escape model are taken out of those kept;
        // the ones after them move down.
        let mut dropped = 0;
        while let Some(answer) = tellers.first() {
            let (told, read) = answer.map_err(|e| io::Error::new(e.kind(), KeptUnreadable(e)))?;
            // A file named in the section before is noted again in this one.
            self.named.last = None;
            self.count_read(told.package.as_deref(), told.header, &read);
            let Some(at) = told.kept else {
                // The current section: counted as one the memo knew.
                self.known_model = Some(read.model);
                self.known_kept = Some(read.kept);
                self.telling_current = false;
                continue;
            };
            let spool = self.spool_mut();
            let at = at - dropped;
            if read.kept {
                let kept = &mut spool.sections[at];
                kept.digest = read.model.digest;
                kept.lines = read.model.lines;
                kept.facts = read.model.facts;
            } else {
                spool.sections.remove(at);
                dropped += 1;
                self.sections -= 1;
            }
        }
        if dropped > 0 {
            self.packages = self
                .spool_mut()
                .sections
                .iter()
                .filter_map(|k| k.package.clone())
                .collect();
        }
        self.named.last = None;
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
                // The event stands for the lines of its Output, each counted as read. JSON
                // spells an escape sequence `\u001b[`: decoded, it is stripped as in a plain log.
                self.stats.lines -= 1;
                for l in output.lines() {
                    let mut bytes = l.as_bytes().to_vec();
                    super::lines::strip_controls(&mut bytes);
                    self.feed_bytes(&bytes, emit)?;
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
        let text = if text.len() > KEEP_LINE_BYTES {
            let mut cut = KEEP_LINE_BYTES;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            format!("{}...", &text[..cut])
        } else {
            text.to_string()
        };
        if let Some(r) = &mut self.recording {
            r.read
                .unrecognized
                .push((self.stats.lines - r.header, text.clone()));
        }
        self.push_unrecognized(self.stats.lines, text);
    }

    /// Counts a line not understood (`text` as kept), keeping the first [`KEEP_UNRECOGNIZED`].
    fn push_unrecognized(&mut self, line: u64, text: String) {
        let package = self.current.package().map(str::to_string);
        self.push_unrecognized_of(package, line, text);
    }

    /// [`Reader::push_unrecognized`] for a line of the package's section.
    fn push_unrecognized_of(&mut self, package: Option<String>, line: u64, text: String) {
        self.stats.unrecognized_lines += 1;
        if self.unrecognized.len() >= KEEP_UNRECOGNIZED {
            self.stats.unrecognized_not_kept += 1;
            return;
        }
        self.unrecognized.push(Unrecognized {
            line,
            package,
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
        self.note_since(since);
    }

    fn note_since(&mut self, since: u32) {
        if let Some(r) = &mut self.recording {
            r.read.since_minor = r.read.since_minor.max(since);
        }
        if since > self.since_minor {
            self.since_minor = since;
            self.stats.wording_since = Some(format!("1.{since}"));
        }
    }

    /// Ends the input: emits the last section (every section, in order, when sorted) and
    /// returns what was seen.
    pub fn finish(
        self,
        emit: &mut dyn FnMut(Section) -> std::io::Result<()>,
    ) -> std::io::Result<(InputStats, Vec<Unrecognized>)> {
        self.finish_with(Vec::new(), emit)
    }

    /// [`Reader::finish`], with sections that were not in the input (packages the compiler
    /// printed nothing for): when sorted, each is handed over in its place among the others;
    /// otherwise after them.
    pub fn finish_with(
        self,
        extra: Vec<Section>,
        emit: &mut dyn FnMut(Section) -> std::io::Result<()>,
    ) -> std::io::Result<(InputStats, Vec<Unrecognized>)> {
        self.finish_pending(extra, &mut |p| emit(p.build()?))
    }

    /// [`Reader::finish_with`], handing each kept section over before it is built: whoever
    /// takes it decides whether (and on which thread) to build it, from what is known of it
    /// without building ([`Unbuilt`]).
    pub fn finish_pending(
        mut self,
        extra: Vec<Section>,
        emit: &mut dyn FnMut(Pending) -> std::io::Result<()>,
    ) -> std::io::Result<(InputStats, Vec<Unrecognized>)> {
        self.end_input()?;
        let last = std::mem::take(&mut self.current);
        self.end_section(last, &mut |s| emit(Pending::Built(s)))?;
        match self.spool.take() {
            Some(spool) => spool.replay(extra, emit)?,
            None => extra
                .into_iter()
                .try_for_each(|s| emit(Pending::Built(s)))?,
        }
        Ok((self.stats, self.unrecognized))
    }
}

/// The files the diagnostics read so far name, as printed, each with its section's package
/// (empty when the section has no header).
#[derive(Default)]
struct Named {
    files: BTreeSet<(String, String)>,
    /// The one noted last.
    last: Option<(String, String)>,
}

impl Named {
    /// Notes a file a diagnostic of the package's section names; whether it is not the file
    /// noted last.
    fn note(&mut self, package: Option<&str>, file: &str) -> bool {
        // Consecutive lines name the same file: a comparison, not an allocation, for most.
        let package = package.unwrap_or("");
        if self
            .last
            .as_ref()
            .is_some_and(|(p, f)| p == package && f == file)
        {
            return false;
        }
        let key = (package.to_string(), file.to_string());
        self.last = Some(key.clone());
        self.files.insert(key);
        true
    }
}

/// Whether a line is a fact of its own: each such line is one diagnostic at most (a repeat
/// folds into the first), and every section with one has at least one diagnostic.
fn is_fact(line: &Line<'_>) -> bool {
    matches!(
        line,
        Line::Summary { .. } | Line::EscapeHeader { .. } | Line::LeakHeader { .. }
    )
}

/// A section handed over by [`Reader::finish_pending`]: built already (a section that was not
/// in the input), or kept as its lines.
pub enum Pending {
    Built(Section),
    Kept(Unbuilt),
}

impl Pending {
    pub fn build(self) -> io::Result<Section> {
        match self {
            Pending::Built(s) => Ok(s),
            Pending::Kept(u) => u.build(),
        }
    }
}

/// A section kept as its lines: what is known of it without building it, and a way to build
/// it on any thread, at any time until the last handle is dropped.
#[derive(Clone)]
pub struct Unbuilt {
    spool: std::sync::Arc<Frozen>,
    index: usize,
}

impl Unbuilt {
    fn kept(&self) -> &Kept {
        &self.spool.sections[self.index]
    }

    pub fn package(&self) -> Option<&str> {
        self.kept().package.as_deref()
    }

    pub fn variant(&self) -> Option<&str> {
        self.kept().variant.as_deref()
    }

    /// Where it came in the input among the sections kept (0 first): go prints a package
    /// once it is compiled, so a package's imports come before it.
    pub fn read_order(&self) -> usize {
        self.index
    }

    /// The hash of its lines ([`Section::digest`]).
    pub fn digest(&self) -> u128 {
        self.kept().digest
    }

    /// How many lines of the compiler's it was read from.
    pub fn lines(&self) -> u64 {
        self.kept().lines
    }

    /// How many of those were facts (one-line facts and explanation headers): its built
    /// section has at least one diagnostic when there is one, and at most this many.
    pub fn facts(&self) -> u64 {
        self.kept().facts
    }

    /// Builds it (on several threads when it is large).
    pub fn build(&self) -> io::Result<Section> {
        self.spool.build(self.kept())
    }
}

/// The lines of the sections a sorted [`Reader`] has read, to be built once the input has
/// ended. Each line of a section but its header is kept as read, as its length (4 bytes,
/// little-endian) and its bytes; a length of [`Spool::CLOSE`] stands for a line cut short,
/// not kept, that ended an explanation block.
/// Kept in memory up to [`Spool::IN_MEMORY`] bytes, then in a temporary file.
#[derive(Default)]
struct Spool {
    /// Bytes kept in memory before they go to a file ([`Spool::IN_MEMORY`]).
    in_memory: usize,
    /// A section this large is built on `builders` threads, `chunk` bytes at a time
    /// ([`build_split`]); one thread builds the others.
    split: u64,
    chunk: u64,
    builders: usize,
    memory: Vec<u8>,
    /// Shared with the threads telling sections, which read it by offset ([`tell`]).
    file: Option<std::sync::Arc<File>>,
    /// Bytes for the file, not yet hashed and written ([`Spool::catch_up`]).
    pending: Vec<u8>,
    /// A write to the file failed: what it holds is not what was kept.
    failed: bool,
    /// Bytes kept so far (in memory or in the file), and how many of them are hashed.
    len: u64,
    hashed: u64,
    /// Where the current section's lines start, and how many it has.
    start: u64,
    lines: u64,
    /// The current section's lines so far, hashed as kept: what the memo knows them by.
    digest: xxhash_rust::xxh3::Xxh3,
    sections: Vec<Kept>,
}

/// A section as kept (in the order read): its header and where its lines are.
struct Kept {
    package: Option<String>,
    variant: Option<String>,
    start: u64,
    end: u64,
    /// The hash of its lines for the escape model, with a mark for each line that ended a
    /// block ([`Model`]).
    digest: u128,
    /// Its lines for the escape model, and the facts among them ([`is_fact`]).
    lines: u64,
    facts: u64,
}

impl Spool {
    const IN_MEMORY: usize = 16 << 20;
    /// A section of at least this many bytes is built on several threads ([`build_split`]).
    const SPLIT: u64 = 4 << 20;
    /// About how many bytes of its lines each of those threads takes at a time.
    const CHUNK: u64 = 1 << 20;
    /// How many threads build a large section.
    const BUILDERS: usize = 4;
    const CLOSE: u32 = u32::MAX;

    /// What goes to the file is gathered this long before it is hashed and written.
    const PENDING: usize = 1 << 16;

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.healthy()?;
        self.push(bytes)
    }

    /// [`Spool::write`] once [`Spool::healthy`] has been asked.
    fn push(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.len += bytes.len() as u64;
        // Hashed in bulk (`catch_up`), not a record at a time: a warm run keeps every line
        // without looking at it, and hashing 4 bytes then 60 was most of that.
        if self.file.is_some() {
            self.pending.extend_from_slice(bytes);
            if self.pending.len() >= Self::PENDING {
                self.catch_up()?;
            }
            return Ok(());
        }
        self.memory.extend_from_slice(bytes);
        if self.memory.len() > self.in_memory
            && let Ok(file) = tempfile::tempfile()
        {
            // Without a temporary directory the lines stay in memory.
            self.catch_up()?;
            let mut file = file;
            file.write_all(&self.memory)?;
            self.memory = Vec::new();
            self.file = Some(std::sync::Arc::new(file));
        }
        Ok(())
    }

    /// Hashes what was kept since the last time, and writes what is pending to the file.
    fn catch_up(&mut self) -> io::Result<()> {
        match &mut self.file {
            None => {
                self.digest.update(&self.memory[self.hashed as usize..]);
                self.hashed = self.len;
            }
            Some(f) => {
                self.digest.update(&self.pending);
                self.hashed = self.len;
                let written = (&**f).write_all(&self.pending);
                self.pending.clear();
                if written.is_err() {
                    // The file no longer holds what `len` counts: nothing is read from it.
                    self.failed = true;
                }
                written?;
            }
        }
        Ok(())
    }

    /// An error once a write to the file has failed.
    fn healthy(&self) -> io::Result<()> {
        if self.failed {
            return Err(io::Error::other(
                "a write to the temporary file of go's output failed",
            ));
        }
        Ok(())
    }

    /// The hash of the current section's lines so far.
    fn digest_now(&mut self) -> io::Result<u128> {
        self.catch_up()?;
        Ok(self.digest.digest128())
    }

    /// Keeps a line of the current section as read.
    fn record(&mut self, line: &[u8]) -> io::Result<()> {
        self.lines += 1;
        // Lines are far shorter than the length field allows; one that is not is cut.
        let line = &line[..line.len().min(Self::CLOSE as usize - 1)];
        self.healthy()?;
        self.push(&(line.len() as u32).to_le_bytes())?;
        self.push(line)
    }

    /// The current section's records so far.
    fn current(&mut self) -> io::Result<Box<dyn Read + '_>> {
        self.catch_up()?;
        self.healthy()?;
        Ok(records(
            &self.memory,
            self.file.as_deref(),
            self.start,
            self.len,
        ))
    }

    /// The current section's records so far, for another thread to read.
    fn lines_now(&mut self) -> io::Result<tell::Lines> {
        self.catch_up()?;
        self.healthy()?;
        Ok(match &self.file {
            None => tell::Lines::Memory(self.memory[self.start as usize..].to_vec()),
            Some(f) => tell::Lines::File {
                file: f.clone(),
                start: self.start,
                end: self.len,
            },
        })
    }

    /// The current section is not kept: what it kept is left unread.
    fn discard(&mut self) {
        // Its bytes are hashed into the hash about to be forgotten (a failure to write them
        // is met again by the next write, or reading back).
        let _ = self.catch_up();
        self.start = self.len;
        self.lines = 0;
        self.digest.reset();
    }

    /// A line ended the open block, if the current section has one.
    fn close_block(&mut self) -> io::Result<()> {
        if self.len > self.start {
            self.write(&Self::CLOSE.to_le_bytes())?;
        }
        Ok(())
    }

    /// The current section ends: its lines are kept.
    fn keep(
        &mut self,
        package: Option<&str>,
        variant: Option<&str>,
        model: Model,
    ) -> io::Result<()> {
        self.catch_up()?;
        self.sections.push(Kept {
            package: package.map(str::to_string),
            variant: variant.map(str::to_string),
            start: self.start,
            end: self.len,
            digest: model.digest,
            lines: model.lines,
            facts: model.facts,
        });
        self.discard();
        Ok(())
    }

    /// Hands the sections kept over, with `extra`, by import path, then variant, then the
    /// order they were read in, each to be built when its taker wants it.
    fn replay(
        mut self,
        extra: Vec<Section>,
        emit: &mut dyn FnMut(Pending) -> io::Result<()>,
    ) -> io::Result<()> {
        enum Item {
            Kept(usize),
            Extra(Section),
        }
        let mut items: Vec<Item> = (0..self.sections.len()).map(Item::Kept).collect();
        items.extend(extra.into_iter().map(Item::Extra));
        fn key<'a>(sections: &'a [Kept], item: &'a Item) -> (Option<&'a str>, Option<&'a str>) {
            match item {
                Item::Kept(i) => (
                    sections[*i].package.as_deref(),
                    sections[*i].variant.as_deref(),
                ),
                Item::Extra(s) => (s.package.as_deref(), s.variant.as_deref()),
            }
        }
        items.sort_by(|a, b| key(&self.sections, a).cmp(&key(&self.sections, b)));
        self.catch_up()?;
        self.healthy()?;
        let file = self.file.take();
        let frozen = std::sync::Arc::new(Frozen {
            memory: std::mem::take(&mut self.memory),
            file,
            sections: std::mem::take(&mut self.sections),
            split: self.split,
            chunk: self.chunk,
            builders: self.builders,
        });
        for item in items {
            match item {
                Item::Extra(s) => emit(Pending::Built(s))?,
                Item::Kept(index) => emit(Pending::Kept(Unbuilt {
                    spool: frozen.clone(),
                    index,
                }))?,
            }
        }
        Ok(())
    }
}

/// The lines a [`Spool`] kept, once the input has ended: read by whichever thread builds a
/// section, each from its own place (the file is read by offset, not by a shared cursor).
struct Frozen {
    memory: Vec<u8>,
    file: Option<std::sync::Arc<File>>,
    sections: Vec<Kept>,
    split: u64,
    chunk: u64,
    builders: usize,
}

impl Frozen {
    fn build(&self, kept: &Kept) -> io::Result<Section> {
        self.build_lines(kept)
            .map_err(|e| io::Error::new(e.kind(), KeptUnreadable(e)))
    }

    fn build_lines(&self, kept: &Kept) -> io::Result<Section> {
        let len = kept.end - kept.start;
        let mut lines = records(&self.memory, self.file.as_deref(), kept.start, kept.end);
        let mut builder = SectionBuilder::new(kept.package.as_deref(), kept.variant.as_deref());
        if len >= self.split && self.builders > 1 {
            build_split(&mut lines, &mut builder, self.builders, self.chunk)?;
        } else {
            build(&mut lines, &mut builder)?;
        }
        let mut section = builder.finish();
        section.digest = Some(kept.digest);
        Ok(section)
    }
}

/// Why the compiler output kept in the spool could not be read back: the error a section
/// built from it fails with, told from a failure to write the report by
/// [`KeptUnreadable::of`].
#[derive(Debug)]
pub struct KeptUnreadable(io::Error);

impl KeptUnreadable {
    /// The read error inside `e`, when `e` is one.
    pub fn of(e: &io::Error) -> Option<&io::Error> {
        e.get_ref()?.downcast_ref::<KeptUnreadable>().map(|k| &k.0)
    }
}

impl std::fmt::Display for KeptUnreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for KeptUnreadable {}

/// The records kept from `start` to `end`: in `memory` until the spool has a file, then in
/// the file, read by offset.
fn records<'a>(
    memory: &'a [u8],
    file: Option<&'a File>,
    start: u64,
    end: u64,
) -> Box<dyn Read + 'a> {
    match file {
        Some(file) => Box::new(BufReader::with_capacity(
            1 << 16,
            At {
                file,
                pos: start,
                end,
            },
        )),
        None => Box::new(&memory[start as usize..end as usize]),
    }
}

/// The bytes of a file from `pos` to `end`, read by offset: several threads read one file.
struct At<'f> {
    file: &'f File,
    pos: u64,
    end: u64,
}

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = (self.end - self.pos).min(buf.len() as u64) as usize;
        if n == 0 {
            return Ok(0);
        }
        let got = read_at(self.file, &mut buf[..n], self.pos)?;
        if got == 0 {
            // Not UnexpectedEof: that is how a record boundary ends the lines, and a section
            // cut short would be built without its tail.
            return Err(io::Error::other(
                "the temporary file ends before what was kept in it",
            ));
        }
        self.pos += got as u64;
        Ok(got)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    // Moves the file's cursor too, which nothing else here uses.
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(not(any(unix, windows)))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<usize> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Reads the next record [`Spool`] kept: a line (into `text`) or a block end; None at the end.
fn record(lines: &mut dyn Read, text: &mut Vec<u8>) -> io::Result<Option<Record>> {
    let mut size = [0u8; 4];
    match lines.read_exact(&mut size) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let n = u32::from_le_bytes(size);
    if n == Spool::CLOSE {
        return Ok(Some(Record::Close));
    }
    text.resize(n as usize, 0);
    lines.read_exact(text)?;
    Ok(Some(Record::Line))
}

/// What a kept record is.
enum Record {
    /// A line, in the buffer [`record`] was given.
    Line,
    /// The end of an explanation block.
    Close,
}

/// Feeds the lines kept in `lines` to `builder`, as [`Reader`] fed them to the section.
fn build(lines: &mut dyn Read, builder: &mut SectionBuilder) -> io::Result<()> {
    let mut text = Vec::new();
    while let Some(r) = record(lines, &mut text)? {
        match r {
            Record::Close => builder.close_block(),
            Record::Line => {
                let text = String::from_utf8_lossy(&text);
                let line = classify(&text);
                match line {
                    Line::Blank | Line::Header { .. } | Line::JsonEvent => {}
                    Line::Tool | Line::Unrecognized => builder.close_block(),
                    _ => {
                        builder.feed(&line);
                    }
                }
            }
        }
    }
    Ok(())
}

/// Whether a section can be cut before this record: nothing before it is left open.
fn begins_anew(r: &Record, text: &[u8]) -> bool {
    match r {
        Record::Close => true,
        Record::Line => {
            let text = String::from_utf8_lossy(text);
            let line = classify(&text);
            matches!(line, Line::Tool | Line::Unrecognized) || SectionBuilder::starts_anew(&line)
        }
    }
}

/// Feeds a large section's lines to `builder` on `threads` threads, a stretch of about
/// `chunk_bytes` each ([`Spool::CHUNK`]): one package can be most of a build's output
/// (`go/types` is 59% of the standard library's at `-m=2`), and built on one thread it would
/// be a stretch of the run where nothing else can happen. Each stretch begins where nothing
/// is open (a block end, a fact, a block's header), so the stretches, built apart and joined
/// in order ([`SectionBuilder::append`]), are the section built in one go.
fn build_split(
    lines: &mut dyn Read,
    builder: &mut SectionBuilder,
    threads: usize,
    chunk_bytes: u64,
) -> io::Result<()> {
    use std::sync::mpsc;
    type Built = std::thread::Result<io::Result<SectionBuilder>>;
    // Bounded: the stretches read and not yet built are at most two per thread.
    let (to_build, inbox) = mpsc::sync_channel::<(usize, Vec<u8>)>(threads * 2);
    let inbox = std::sync::Mutex::new(inbox);
    let (built, done) = mpsc::channel::<(usize, Built)>();
    std::thread::scope(|scope| {
        // Dropped when this ends, however it ends: the threads' loops end with it.
        let to_build = to_build;
        let mut started = 0;
        for _ in 0..threads {
            let built = built.clone();
            let inbox = &inbox;
            let thread = std::thread::Builder::new()
                .name("build".into())
                .spawn_scoped(scope, move || {
                    loop {
                        let job = match inbox.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        let Ok((n, chunk)) = job else { return };
                        // A panic is sent on, to be the run's: were it to end this thread
                        // instead, the stretch would never come and the run would wait.
                        let part = std::panic::catch_unwind(|| {
                            let mut part = SectionBuilder::new(None, None);
                            build(&mut &chunk[..], &mut part).map(|()| part)
                        });
                        if built.send((n, part)).is_err() {
                            return;
                        }
                    }
                });
            started += usize::from(thread.is_ok());
        }
        drop(built);
        if started == 0 {
            // The system would start no thread: built here, as a smaller section is.
            return build(lines, builder);
        }
        let mut parts = Parts {
            waiting: Default::default(),
            joined: 0,
            into: builder,
        };
        let stopped = || io::Error::other("the section builders stopped");
        let mut chunk = Vec::new();
        let mut text = Vec::new();
        let mut sent = 0;
        while let Some(r) = record(lines, &mut text)? {
            // A stretch that is long enough ends before the next record that begins anew
            // (only then is the record classified: most are not).
            let cut =
                !chunk.is_empty() && chunk.len() as u64 >= chunk_bytes && begins_anew(&r, &text);
            if cut {
                let next = Vec::with_capacity(chunk.capacity());
                to_build
                    .send((sent, std::mem::replace(&mut chunk, next)))
                    .map_err(|_| stopped())?;
                sent += 1;
                while let Ok((n, part)) = done.try_recv() {
                    parts.join(n, part)?;
                }
            }
            match r {
                Record::Close => chunk.extend_from_slice(&Spool::CLOSE.to_le_bytes()),
                Record::Line => {
                    chunk.extend_from_slice(&(text.len() as u32).to_le_bytes());
                    chunk.extend_from_slice(&text);
                }
            }
        }
        if !chunk.is_empty() {
            to_build.send((sent, chunk)).map_err(|_| stopped())?;
            sent += 1;
        }
        drop(to_build);
        while parts.joined < sent {
            let (n, part) = done.recv().map_err(|_| stopped())?;
            parts.join(n, part)?;
        }
        Ok(())
    })
}

/// The stretches of a section built so far, joined into one builder in order.
struct Parts<'b> {
    waiting: std::collections::BTreeMap<usize, SectionBuilder>,
    joined: usize,
    into: &'b mut SectionBuilder,
}

impl Parts<'_> {
    fn join(
        &mut self,
        n: usize,
        part: std::thread::Result<io::Result<SectionBuilder>>,
    ) -> io::Result<()> {
        let part = part.unwrap_or_else(|p| std::panic::resume_unwind(p))?;
        self.waiting.insert(n, part);
        while let Some(part) = self.waiting.remove(&self.joined) {
            self.into.append(part);
            self.joined += 1;
        }
        Ok(())
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

    /// The sections of a sorted reader (kept in a file beyond `in_memory` bytes), as JSON, and
    /// what it saw.
    fn parse_sorted(input: &[u8], in_memory: usize) -> (Vec<String>, InputStats, Vec<String>) {
        parse_sorted_split(input, in_memory, Spool::SPLIT, Spool::CHUNK)
    }

    /// [`parse_sorted`], with sections of `split` bytes or more built on three threads,
    /// `chunk` bytes at a time.
    fn parse_sorted_split(
        input: &[u8],
        in_memory: usize,
        split: u64,
        chunk: u64,
    ) -> (Vec<String>, InputStats, Vec<String>) {
        let (sections, stats, unrec, _) = parse_remembering(input, in_memory, split, chunk, None);
        (sections, stats, unrec)
    }

    /// What sections told a reader, kept in memory.
    #[derive(Default)]
    struct Remembered {
        known: std::sync::Mutex<std::collections::HashMap<u128, SectionRead>>,
        hits: std::sync::atomic::AtomicUsize,
    }

    impl SectionMemo for Remembered {
        fn get(&self, digest: u128) -> Option<SectionRead> {
            let known = self.known.lock().unwrap().get(&digest).cloned();
            if known.is_some() {
                self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            known
        }

        fn put(&self, digest: u128, read: &SectionRead) {
            self.known.lock().unwrap().insert(digest, read.clone());
        }
    }

    /// The sections as JSON, the counts, the lines not understood, the files named.
    type Parsed = (Vec<String>, InputStats, Vec<String>, Vec<(String, String)>);

    /// [`parse_sorted_split`] with a memo, and the files the diagnostics named.
    fn parse_remembering(
        input: &[u8],
        in_memory: usize,
        split: u64,
        chunk: u64,
        memo: Option<std::sync::Arc<Remembered>>,
    ) -> Parsed {
        let mut sections = Vec::new();
        let mut r = Reader::sorted();
        if let Some(m) = memo {
            r.set_memo(m);
        }
        let spool = r.spool.as_mut().unwrap();
        spool.in_memory = in_memory;
        spool.split = split;
        spool.chunk = chunk;
        spool.builders = 3;
        let mut emit = |s: Section| {
            sections.push(serde_json::to_string(&s).unwrap());
            Ok(())
        };
        r.read(input, &mut emit).unwrap();
        let named = r.named_files().iter().cloned().collect();
        let (stats, unrec) = r.finish(&mut emit).unwrap();
        (
            sections,
            stats,
            unrec.iter().map(|u| format!("{u:?}")).collect(),
            named,
        )
    }

    /// A section whose lines the memo knows is counted from what it knows, without classifying
    /// them: the sections, counts, lines not understood and files named are those of a reader
    /// that classified every line, whether the lines are kept in memory or in a file, built
    /// whole or in stretches.
    #[test]
    fn a_section_known_to_the_memo_is_read_as_if_classified() {
        let mut input = MIXED.as_bytes().to_vec();
        // A line that is not UTF-8, a line of the go command and a blank one in a section,
        // wording of Go 1.25, and a line cut short (a section read line by line from there).
        input.extend(b"# example.com/u\n./u.go:1:2: moved to heap: a\n");
        input.extend(b"./u.go:1:2: moved to heap: \xff\xfe\n\ngo: downloading nothing\n");
        input.extend(
            "./u.go:3:4: v escapes to heap:\n./u.go:3:4:   flow: {heap} \u{2190} &v:\n".as_bytes(),
        );
        input.extend(std::iter::repeat_n(b'c', 2 << 20));
        input.extend(b"\n./b.go:2:3: leaking param: p2 to result ~r0 level=0");
        for (in_memory, split, chunk) in [
            (Spool::IN_MEMORY, Spool::SPLIT, Spool::CHUNK),
            (0, Spool::SPLIT, Spool::CHUNK),
            (0, 0, 40),
        ] {
            let want = parse_remembering(&input, in_memory, split, chunk, None);
            let memo = std::sync::Arc::new(Remembered::default());
            let filled = parse_remembering(&input, in_memory, split, chunk, Some(memo.clone()));
            let known = memo.known.lock().unwrap().len();
            assert!(known >= 5, "{known}");
            let hits = |m: &Remembered| m.hits.load(std::sync::atomic::Ordering::Relaxed);
            assert_eq!(hits(&memo), 0);
            let replayed = parse_remembering(&input, in_memory, split, chunk, Some(memo.clone()));
            assert_eq!(
                hits(&memo),
                known,
                "every section known is counted from the memo"
            );
            for got in [filled, replayed] {
                assert_eq!(got.0, want.0, "in_memory {in_memory} split {split}");
                assert_eq!(
                    serde_json::to_string(&got.1).unwrap(),
                    serde_json::to_string(&want.1).unwrap()
                );
                assert_eq!(got.2, want.2);
                assert_eq!(got.3, want.3);
            }
            assert!(want.1.wording_since.is_some() && want.1.invalid_utf8_lines == 1);
            // What the memo knows is taken only for as many lines as it knew.
            for read in memo.known.lock().unwrap().values_mut() {
                read.lines += 1;
                read.escape_lines += 100;
            }
            let wrong = parse_remembering(&input, in_memory, split, chunk, Some(memo.clone()));
            assert_eq!(wrong.1.escape_lines, want.1.escape_lines);
        }
    }

    /// Sections from one header to the next, orphan and cut lines, tool and unrecognized lines
    /// that end a block, a header printed twice, and go build -json events.
    const MIXED: &str = concat!(
        "before any header\n",
        "./top.go:1:2: moved to heap: t\n",
        "# example.com/z\n",
        "./z.go:3:4: x escapes to heap:\n",
        "./z.go:3:4:   flow: {heap} ← &x:\n",
        "./z.go:3:4:     from &x (address-of) at ./z.go:4:9\n",
        "ok  \texample.com/z\t0.01s\n",
        "./z.go:3:4:     from orphan (address-of) at ./z.go:4:9\n",
        "./z.go:3:4: moved to heap: x\n",
        "# example.com/a [example.com/a.test]\n",
        "./a_test.go:5:6: leaking param: t\n",
        "\n",
        "# example.com/a\n",
        "./a.go:7:8: y escapes to heap:\n",
        "something not understood\n",
        "./a.go:7:8:   flow: {heap} ← y:\n",
        "./a.go:7:8: y escapes to heap\n",
        "# example.com/empty\n",
        "ok  \texample.com/empty\t0.01s\n",
        "# example.com/z\n",
        "./z.go:9:1: leaking param: q\n",
        "{\"ImportPath\":\"example.com/j\",\"Action\":\"build-output\",\"Output\":\"# example.com/j\\n./j.go:1:1: moved to heap: j\\n\"}\n",
        "# example.com/b\n",
        "./b.go:2:3: leaking param: p\n",
    );

    #[test]
    fn sorted_sections_are_the_same_sections_by_package_then_variant() {
        let mut input = MIXED.as_bytes().to_vec();
        input.extend(std::iter::repeat_n(b'c', 2 << 20));
        input.extend(b"\n./b.go:2:3: leaking param: p2 to result ~r0 level=0");
        let (streamed, stats, unrec) = parse(&input);
        let mut want: Vec<(Option<String>, Option<String>, usize, String)> = streamed
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    s.package.clone(),
                    s.variant.clone(),
                    i,
                    serde_json::to_string(s).unwrap(),
                )
            })
            .collect();
        want.sort();
        let want: Vec<String> = want.into_iter().map(|w| w.3).collect();
        let unrec: Vec<String> = unrec.iter().map(|u| format!("{u:?}")).collect();
        let stats = serde_json::to_string(&stats).unwrap();
        assert_eq!(streamed.len(), 7, "{want:#?}");
        // In memory, and in a file from the first byte on; each section built whole, and
        // built in stretches on several threads.
        for (in_memory, split, chunk) in [
            (Spool::IN_MEMORY, Spool::SPLIT, Spool::CHUNK),
            (0, Spool::SPLIT, Spool::CHUNK),
            (Spool::IN_MEMORY, 0, 1),
            (0, 0, 40),
        ] {
            let (sorted, sorted_stats, sorted_unrec) =
                parse_sorted_split(&input, in_memory, split, chunk);
            assert_eq!(
                sorted, want,
                "in_memory {in_memory} split {split} chunk {chunk}"
            );
            assert_eq!(serde_json::to_string(&sorted_stats).unwrap(), stats);
            assert_eq!(sorted_unrec, unrec);
        }
        let packages: Vec<String> = want
            .iter()
            .map(|s| {
                let v: serde_json::Value = serde_json::from_str(s).unwrap();
                format!("{} {}", v["package"], v["variant"])
            })
            .collect();
        assert_eq!(
            packages,
            [
                "null null",
                "\"example.com/a\" null",
                "\"example.com/a\" \"example.com/a.test\"",
                "\"example.com/b\" null",
                "\"example.com/j\" null",
                "\"example.com/z\" null",
                "\"example.com/z\" null",
            ]
        );
    }

    /// A temporary file cut short under the reader is an error that says so, never a section
    /// built without its tail.
    #[test]
    fn a_kept_section_that_cannot_be_read_back_is_an_error_of_its_own() {
        let mut r = Reader::sorted();
        r.spool.as_mut().unwrap().in_memory = 0;
        let mut emit = |_: Section| Ok(());
        r.read(MIXED.as_bytes(), &mut emit).unwrap();
        let mut unbuilt = Vec::new();
        r.finish_pending(Vec::new(), &mut |p| {
            if let Pending::Kept(u) = p {
                unbuilt.push(u);
            }
            Ok(())
        })
        .unwrap();
        let last = unbuilt.pop().expect("sections kept in the file");
        last.spool
            .file
            .as_ref()
            .expect("kept in a file")
            .set_len(0)
            .unwrap();
        let err = last.build().expect_err("nothing to read back");
        let read = KeptUnreadable::of(&err).expect("told from a write error");
        assert!(read.to_string().contains("ends before"), "{read}");
    }

    /// Recorded `-m=2` output, whose explanation blocks run to hundreds of lines: built in
    /// stretches from one line to 4 KiB, on three threads, each section is the section built
    /// in one go.
    #[test]
    fn a_section_built_in_stretches_is_the_section_built_whole() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for version in ["go1.21", "go1.24", "go1.27"] {
            for module in ["reach", "holders", "startup"] {
                let path = root.join(version).join(module).join("m2-l.txt");
                let input = std::fs::read(&path).unwrap();
                let whole = parse_sorted(&input, Spool::IN_MEMORY);
                assert!(
                    whole.0.iter().map(String::len).sum::<usize>() > 20_000,
                    "{}: a fixture with many blocks",
                    path.display()
                );
                for chunk in [1, 97, 4096] {
                    let split = parse_sorted_split(&input, Spool::IN_MEMORY, 0, chunk);
                    assert_eq!(
                        split.0,
                        whole.0,
                        "{} in stretches of {chunk}",
                        path.display()
                    );
                    assert_eq!(
                        serde_json::to_string(&split.1).unwrap(),
                        serde_json::to_string(&whole.1).unwrap()
                    );
                }
            }
        }
    }

    /// A section's digest, what the result cache knows it by, is its lines: the same lines
    /// under another header give the same digest, one changed line another, and a section
    /// built in stretches has the digest it has built whole.
    #[test]
    fn a_sections_digest_is_its_lines() {
        let block = "./x.go:1:2: moved to heap: x\n./x.go:3:4: y escapes to heap:\n./x.go:3:4:   flow: {heap} ← &y:\n./x.go:3:4:     from &y (address-of) at ./x.go:4:9\n";
        let input = format!("# a\n{block}# b\n{block}# c\n{}", block.replace("&y", "&z"));
        let mut runs = Vec::new();
        for (split, chunk) in [(Spool::SPLIT, Spool::CHUNK), (0, 1)] {
            let mut digests = Vec::new();
            let mut r = Reader::sorted();
            let spool = r.spool.as_mut().unwrap();
            spool.split = split;
            spool.chunk = chunk;
            spool.builders = 3;
            let mut emit = |s: Section| {
                digests.push(s.digest.unwrap());
                Ok(())
            };
            r.read(input.as_bytes(), &mut emit).unwrap();
            r.finish(&mut emit).unwrap();
            assert_eq!(digests.len(), 3);
            assert_eq!(digests[0], digests[1], "the same lines");
            assert_ne!(digests[0], digests[2], "another line");
            runs.push(digests);
        }
        assert_eq!(runs[0], runs[1], "built whole and in stretches");
    }

    /// What the result cache knows a section by is its escape output: the go command's lines
    /// (a test's timing), blank lines and lines not understood change nothing but where a
    /// block ends, whether the lines were classified or counted from the memo.
    #[test]
    fn a_sections_digest_is_its_escape_output_alone() {
        let digests = |input: &str, memo: Option<std::sync::Arc<Remembered>>| {
            let mut digests = Vec::new();
            let mut r = Reader::sorted();
            if let Some(m) = memo {
                r.set_memo(m);
            }
            let mut emit = |s: Section| {
                digests.push(s.digest.unwrap());
                Ok(())
            };
            r.read(input.as_bytes(), &mut emit).unwrap();
            r.finish(&mut emit).unwrap();
            digests
        };
        let run = |between: &str| {
            format!("# a\n./x.go:1:2: moved to heap: x\n{between}\n./x.go:3:4: leaking param: p\n")
        };
        let memo = std::sync::Arc::new(Remembered::default());
        let first = digests(&run("ok  \texample.com/a\t0.01s"), Some(memo.clone()));
        for input in [
            run("ok  \texample.com/a\t0.02s"),
            run("\nok  \texample.com/a\t0.03s"),
            run("not understood"),
        ] {
            assert_eq!(digests(&input, None), first, "{input}");
            assert_eq!(digests(&input, Some(memo.clone())), first, "{input}");
        }
        let again = run("ok  \texample.com/a\t0.01s");
        assert_eq!(digests(&again, Some(memo.clone())), first);
        assert_ne!(digests(&again.replace("p\n", "q\n"), None), first);
    }

    /// Lines fed one at a time as go prints them ([`Reader::feed_printed`], then
    /// [`Reader::end_input`]) are read as the whole input is, with the memo or without.
    #[test]
    fn lines_fed_one_at_a_time_are_read_as_the_whole_input() {
        let whole = parse_remembering(
            MIXED.as_bytes(),
            Spool::IN_MEMORY,
            Spool::SPLIT,
            Spool::CHUNK,
            None,
        );
        let memo = std::sync::Arc::new(Remembered::default());
        for _ in 0..2 {
            let mut sections = Vec::new();
            let mut r = Reader::sorted();
            r.set_memo(memo.clone());
            let mut emit = |s: Section| {
                sections.push(serde_json::to_string(&s).unwrap());
                Ok(())
            };
            for line in MIXED.lines() {
                r.feed_printed(line.as_bytes(), &mut emit).unwrap();
            }
            r.end_input().unwrap();
            let named: Vec<(String, String)> = r.named_files().iter().cloned().collect();
            let has_read = r.has_read("example.com/b");
            let (stats, unrec) = r.finish(&mut emit).unwrap();
            assert_eq!(sections, whole.0);
            assert_eq!(stats.lines, whole.1.lines);
            assert_eq!(stats.escape_lines, whole.1.escape_lines);
            assert_eq!(
                unrec.iter().map(|u| format!("{u:?}")).collect::<Vec<_>>(),
                whole.2
            );
            assert_eq!(named, whole.3);
            assert!(
                has_read,
                "the last section, counted from the memo the second time"
            );
        }
        assert!(memo.hits.load(std::sync::atomic::Ordering::Relaxed) > 0);
    }

    /// Each kept section as a sorted reader hands it over: built (as JSON), its hash, lines,
    /// facts and place in the input; the counts, lines not understood and files named.
    type Handed = (
        Vec<(String, u128, u64, u64, usize)>,
        String,
        Vec<String>,
        Vec<(String, String)>,
    );

    fn hand_over(input: &[u8], in_memory: usize, tell_apart: bool) -> Handed {
        let mut r = Reader::sorted();
        r.tell_apart = tell_apart;
        r.spool.as_mut().unwrap().in_memory = in_memory;
        r.read(input, &mut |_| {
            unreachable!("a sorted reader hands over at the end")
        })
        .unwrap();
        let named = r.named_files().iter().cloned().collect();
        let mut sections = Vec::new();
        let (stats, unrec) = r
            .finish_pending(Vec::new(), &mut |p| {
                let Pending::Kept(u) = p else {
                    panic!("only kept sections")
                };
                let built = serde_json::to_string(&u.build()?).unwrap();
                sections.push((built, u.digest(), u.lines(), u.facts(), u.read_order()));
                Ok(())
            })
            .unwrap();
        (
            sections,
            serde_json::to_string(&stats).unwrap(),
            unrec.iter().map(|u| format!("{u:?}")).collect(),
            named,
        )
    }

    /// Sections told on other threads, answers counted once the input has ended (sections
    /// without a line for the model among them, taken out of those kept), are what the reader
    /// tells where it reads them: the same sections, hashes, counts, lines not understood (in
    /// order, with their line numbers) and files named.
    #[test]
    fn sections_told_apart_are_those_told_where_they_are_read() {
        let told: &str = concat!(
            "# example.com/a\n",
            "./a.go:1:2: moved to heap: a\n",
            "not understood in a\n",
            "# example.com/e1\n",
            "ok  \texample.com/e1\t0.01s\n",
            "# example.com/b\n",
            "./b.go:1:2: x escapes to heap:\n",
            "./b.go:1:2:   flow: {heap} \u{2190} &x:\n",
            "./b.go:1:2:     from &x (address-of) at ./b.go:2:9\n",
            "./b.go:1:2: moved to heap: x\n",
            "# example.com/e2\n",
            "\n",
            "# example.com/c\n",
            "./c.go:3:4: leaking param: p\n",
            "garbage in c\n",
            "# example.com/d\n",
            "./d.go:5:6: moved to heap: d\n",
        );
        for input in [
            format!("{told}{MIXED}"),
            format!("{MIXED}{told}"),
            told.to_string(),
        ] {
            for in_memory in [Spool::IN_MEMORY, 0] {
                let here = hand_over(input.as_bytes(), in_memory, false);
                let apart = hand_over(input.as_bytes(), in_memory, true);
                assert_eq!(apart, here, "in_memory {in_memory}");
                assert!(here.0.len() >= 4 && here.2.len() >= 2, "{here:#?}");
            }
        }
    }

    #[test]
    fn sections_not_read_take_their_place_among_the_others() {
        let mut got = Vec::new();
        let mut r = Reader::sorted();
        r.read(MIXED.as_bytes(), &mut |_| {
            unreachable!("sorted: nothing before finish")
        })
        .unwrap();
        assert!(r.has_read("example.com/b") && r.has_read("example.com/z"));
        assert!(!r.has_read("example.com/empty"));
        let extra = ["example.com/c", "example.com/0"].map(|p| Section {
            package: Some(p.to_string()),
            ..Section::default()
        });
        r.finish_with(extra.to_vec(), &mut |s| {
            got.push(s.package.unwrap_or_default());
            Ok(())
        })
        .unwrap();
        assert_eq!(
            got,
            [
                "",
                "example.com/0",
                "example.com/a",
                "example.com/a",
                "example.com/b",
                "example.com/c",
                "example.com/j",
                "example.com/z",
                "example.com/z"
            ]
        );
    }

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
        let mut garbage = vec![0xC0u8, 159, 146, 150, b'\n', b'x'];
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
        // A NUL byte: binary data, refused rather than read to its end.
        let e = Reader::new()
            .read(&b"# m\n\0\0\0"[..], &mut |_| Ok(()))
            .unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
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
