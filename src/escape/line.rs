//! Classifies one line of compiler output without allocating: the position prefix, then the
//! message against the catalog of every form Go 1.21 to 1.27 prints. Parsing goes from the right
//! (` escapes to heap`, ` with derefs=N:`, `) at POS`) because expressions and function names may
//! contain colons, spaces, quotes and brackets.

use std::sync::LazyLock;

use memchr::memmem::FinderRev;

use super::model::Kind;

/// The last `needle` in `hay`. The searches of every line share one finder per needle: `rfind`
/// with a `&str` sets its searcher up again on each of the hundreds of thousands of lines.
fn rfind(hay: &str, finder: &LazyLock<FinderRev<'static>>) -> Option<usize> {
    finder.rfind(hay.as_bytes())
}

macro_rules! finder {
    ($name:ident, $needle:literal) => {
        static $name: LazyLock<FinderRev<'static>> = LazyLock::new(|| FinderRev::new($needle));
    };
}

finder!(AT, ") at ");
finder!(OPEN, " (");
finder!(ESCAPES_IN, " escapes to heap in ");
finder!(DEREFS, " with derefs=");

/// A position prefix as printed, still borrowed from the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawPos<'a> {
    pub file: &'a str,
    pub line: u32,
    pub column: Option<u32>,
    pub original: Option<&'a str>,
}

/// A message of the `-m=1` family (printed once per fact), with its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary<'a> {
    pub kind: Kind,
    pub subject: Option<&'a str>,
    pub function: Option<&'a str>,
    pub result: Option<&'a str>,
    pub level: Option<u32>,
    pub detail: Option<&'a str>,
    /// `capturing by ...`: (by_ref, addr, assign, width).
    pub capture: Option<(bool, bool, bool, u64)>,
}

impl<'a> Summary<'a> {
    fn new(kind: Kind) -> Self {
        Summary {
            kind,
            subject: None,
            function: None,
            result: None,
            level: None,
            detail: None,
            capture: None,
        }
    }
    fn subject(kind: Kind, s: &'a str) -> Self {
        Summary {
            subject: Some(s),
            ..Summary::new(kind)
        }
    }
}

/// What one line of output is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line<'a> {
    /// Empty (or only whitespace).
    Blank,
    /// `# import/path`, `# pkg [pkg.test]`, `# [pkg]` (vet).
    Header {
        package: &'a str,
        variant: Option<&'a str>,
    },
    /// A one-line fact.
    Summary {
        pos: Option<RawPos<'a>>,
        msg: &'a str,
        summary: Summary<'a>,
    },
    /// `-m=2` `EXPR escapes to heap[ in F]:`.
    EscapeHeader {
        pos: Option<RawPos<'a>>,
        expr: &'a str,
        function: Option<&'a str>,
    },
    /// `-m=2` `parameter p leaks to DST[ for F] with derefs=N:`.
    LeakHeader {
        pos: Option<RawPos<'a>>,
        param: &'a str,
        to: &'a str,
        function: Option<&'a str>,
        derefs: i32,
    },
    /// `-m=2` `  flow: DST = OPS SRC:` (`←` since 1.25).
    Flow {
        to: &'a str,
        ops: &'a str,
        from: &'a str,
    },
    /// `-m=2` `    from EXPR (REASON) at POS`.
    Step {
        expr: &'a str,
        reason: &'a str,
        at: &'a str,
    },
    /// `-m=2` `  warning: truncated explanation due to assignment cycle; ...`.
    Truncated,
    /// Output of the go command or the test runner, or an `-m>=3` IR dump: understood, and not a
    /// diagnostic.
    Tool,
    /// A go build `-json` event (Go 1.24+); its `Output` is parsed in turn.
    JsonEvent,
    /// Anything else: a compile error, a vet finding, or a form we do not know.
    Unrecognized,
}

impl<'a> Line<'a> {
    /// The file the line is about, as printed, for the lines that carry a position.
    pub fn file(&self) -> Option<&'a str> {
        match self {
            Line::Summary { pos, .. }
            | Line::EscapeHeader { pos, .. }
            | Line::LeakHeader { pos, .. } => pos.as_ref().map(|p| p.file),
            _ => None,
        }
    }
}

/// Classifies one line (without its line ending).
pub fn classify(line: &str) -> Line<'_> {
    if line.trim().is_empty() {
        return Line::Blank;
    }
    if let Some(rest) = line.strip_prefix("# ") {
        return header(rest);
    }
    if let Some(rest) = line.strip_prefix("<unknown line number>:") {
        return message(None, rest);
    }
    // Before any position: the event's Output holds `./x.go:1:2:` text that would split.
    if line.starts_with('{') && line.contains("\"Action\"") {
        return Line::JsonEvent;
    }
    if let Some((pos, msg)) = split_position(line) {
        return message(Some(pos), msg);
    }
    // A position we could not read (a line number beyond 2^32) is not a positionless line.
    if let Some(i) = line.find(".go:")
        && line.as_bytes().get(i + 4).is_some_and(u8::is_ascii_digit)
    {
        return Line::Unrecognized;
    }
    // A positionless WarnfAt line (`moved to heap: #next`) is the whole line.
    match message(None, line) {
        Line::Unrecognized => {}
        other => return other,
    }
    if is_tool_line(line) {
        return Line::Tool;
    }
    Line::Unrecognized
}

fn header(rest: &str) -> Line<'_> {
    let rest = rest.trim_end();
    // `go vet` (1.22-1.25) prints `# [pkg]` after `# pkg`.
    if let Some(inner) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return Line::Header {
            package: inner,
            variant: Some("vet"),
        };
    }
    match rest.split_once(" [") {
        Some((pkg, v)) if v.ends_with(']') => Line::Header {
            package: pkg,
            variant: Some(&v[..v.len() - 1]),
        },
        _ => Line::Header {
            package: rest,
            variant: None,
        },
    }
}

/// Splits `file:line[:col][[orig]]:msg`, taking the first colon after which a position follows,
/// so that `C:\dir\x.go:3:4:` and paths with spaces work.
pub fn split_position(line: &str) -> Option<(RawPos<'_>, &str)> {
    let bytes = line.as_bytes();
    for i in memchr::memchr_iter(b':', bytes) {
        if i == 0 {
            continue;
        }
        if let Some((pos_end, l, c, orig)) = parse_pos_tail(&line[i + 1..]) {
            // `x.go:99999999999:2:` is a line number too large to read, not a file named
            // `x.go:99999999999`: the line is not understood.
            if let Some((head, num)) = line[..i].rsplit_once(':')
                && head.ends_with(".go")
                && !num.is_empty()
                && num.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            let msg = &line[i + 1 + pos_end..];
            return Some((
                RawPos {
                    file: &line[..i],
                    line: l,
                    column: c,
                    original: orig,
                },
                msg,
            ));
        }
    }
    None
}

/// Parses a bare position (`file:line[:col]`, the tail of a `from ... at POS` line).
pub fn parse_position(text: &str) -> Option<RawPos<'_>> {
    for i in memchr::memchr_iter(b':', text.as_bytes()) {
        if i == 0 {
            continue;
        }
        let b = &text.as_bytes()[i + 1..];
        let Some((line, j)) = digits(b, 0) else {
            continue;
        };
        let column = match b.get(j) {
            None => None,
            Some(b':') => match digits(b, j + 1) {
                Some((c, k)) if k == b.len() => Some(c),
                _ => continue,
            },
            Some(_) => continue,
        };
        return Some(RawPos {
            file: &text[..i],
            line,
            column,
            original: None,
        });
    }
    None
}

/// Parses `line[:col][[orig]]:` at the start of `s`; returns the length consumed (including the
/// final colon).
fn parse_pos_tail(s: &str) -> Option<(usize, u32, Option<u32>, Option<&str>)> {
    let b = s.as_bytes();
    let (line, mut i) = digits(b, 0)?;
    let mut col = None;
    if b.get(i) == Some(&b':')
        && let Some((c, j)) = digits(b, i + 1)
    {
        col = Some(c);
        i = j;
    }
    let mut orig = None;
    if b.get(i) == Some(&b'[') {
        let close = memchr::memchr(b']', &b[i..])? + i;
        orig = Some(&s[i + 1..close]);
        i = close + 1;
    }
    if b.get(i) == Some(&b':') {
        Some((i + 1, line, col, orig))
    } else {
        None
    }
}

fn digits(b: &[u8], start: usize) -> Option<(u32, usize)> {
    let mut i = start;
    let mut v: u32 = 0;
    while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
        v = v.checked_mul(10)?.checked_add((d - b'0') as u32)?;
        i += 1;
    }
    (i > start).then_some((v, i))
}

/// Classifies what follows the position. `raw` still has its leading spaces: their number tells
/// `-m=2` block lines apart.
fn message<'a>(pos: Option<RawPos<'a>>, raw: &'a str) -> Line<'a> {
    // Flow lines are indented 3 (or 2) spaces, `from` lines 5 (or 4) after the colon.
    let indent = raw.len() - raw.trim_start_matches(' ').len();
    if indent >= 2 {
        let body = &raw[indent..];
        if (2..=4).contains(&indent) {
            if let Some(f) = body.strip_prefix("flow: ")
                && let Some(line) = flow(f)
            {
                return line;
            }
            if body.starts_with("warning: truncated explanation due to assignment cycle") {
                return Line::Truncated;
            }
        }
        if (4..=6).contains(&indent)
            && let Some(f) = body.strip_prefix("from ")
            && let Some(line) = step(f)
        {
            return line;
        }
    }
    let msg = raw.strip_prefix(' ').unwrap_or(raw);
    if let Some(line) = explanation_header(pos, msg) {
        return line;
    }
    match summary(msg) {
        Some(summary) => Line::Summary { pos, msg, summary },
        None => Line::Unrecognized,
    }
}

fn flow(f: &str) -> Option<Line<'_>> {
    let f = f.strip_suffix(':')?;
    // The separator is ` = ` up to 1.24 and ` ← ` from 1.25. Destinations never contain either
    // (they are names or `{...}` locations); sources may, inside `{storage for ...}`.
    let (to, rest) = split_arrow(f)?;
    let ops_len = rest.bytes().take_while(|&c| c == b'*' || c == b'&').count();
    let (ops, from) = rest.split_at(ops_len);
    if from.is_empty() {
        return None;
    }
    Some(Line::Flow { to, ops, from })
}

fn split_arrow(f: &str) -> Option<(&str, &str)> {
    // The destination is a `{...}` location or a name without spaces.
    let to_end = if f.starts_with('{') {
        matching_brace(f)? + 1
    } else {
        f.find(' ')?
    };
    let rest = &f[to_end..];
    let rest = rest
        .strip_prefix(" ← ")
        .or_else(|| rest.strip_prefix(" = "))?;
    Some((&f[..to_end], rest))
}

/// Index of the `}` closing the `{` at the start of `s`.
fn matching_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.bytes().enumerate() {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn step(f: &str) -> Option<Line<'_>> {
    // `where` is greedy (it may hold parentheses), `why` has none, `at` is a position.
    let at_idx = rfind(f, &AT)?;
    let at = &f[at_idx + 5..];
    let open = rfind(&f[..at_idx], &OPEN)?;
    let reason = &f[open + 2..at_idx];
    if reason.contains(['(', ')']) {
        return None;
    }
    Some(Line::Step {
        expr: &f[..open],
        reason,
        at,
    })
}

fn explanation_header<'a>(pos: Option<RawPos<'a>>, msg: &'a str) -> Option<Line<'a>> {
    let body = msg.strip_suffix(':')?;
    if let Some(expr) = body.strip_suffix(" escapes to heap") {
        return Some(Line::EscapeHeader {
            pos,
            expr,
            function: None,
        });
    }
    if let Some(i) = rfind(body, &ESCAPES_IN) {
        return Some(Line::EscapeHeader {
            pos,
            expr: &body[..i],
            function: Some(&body[i + " escapes to heap in ".len()..]),
        });
    }
    let rest = body.strip_prefix("parameter ")?;
    let (param, rest) = rest.split_once(" leaks to ")?;
    if param.contains(' ') {
        return None;
    }
    let d = rfind(rest, &DEREFS)?;
    let derefs: i32 = rest[d + " with derefs=".len()..].parse().ok()?;
    let middle = &rest[..d];
    let to_len = if middle.starts_with('{') {
        matching_brace(middle)? + 1
    } else {
        middle.find(' ').unwrap_or(middle.len())
    };
    let (to, tail) = middle.split_at(to_len);
    let function = match tail {
        "" => None,
        t => Some(t.strip_prefix(" for ")?),
    };
    Some(Line::LeakHeader {
        pos,
        param,
        to,
        function,
        derefs,
    })
}

fn word(s: &str) -> Option<&str> {
    (!s.is_empty() && !s.contains(char::is_whitespace)).then_some(s)
}

/// The `-m=1` catalog, tried in the catalog's order: the first match wins.
fn summary(msg: &str) -> Option<Summary<'_>> {
    use Kind::*;
    if let Some(name) = msg.strip_prefix("moved to heap: ") {
        return (!name.is_empty()).then(|| Summary::subject(MovedToHeap, name));
    }
    match msg {
        "append escapes to heap" => return Some(Summary::new(AppendEscapes)),
        "append does not escape" => return Some(Summary::new(AppendDoesNotEscape)),
        "zero-copy string->[]byte conversion" => return Some(Summary::new(ZeroCopyConversion)),
        "index bounds check elided" => return Some(Summary::new(BoundsCheckElided)),
        "imprecise interface call" => return Some(Summary::new(ImpreciseInterfaceCall)),
        _ => {}
    }
    if let Some(rest) = msg.strip_prefix("leaking param: ")
        && let Some((name, r)) = rest.split_once(" to result ")
        && let Some((result, level)) = r.split_once(" level=")
        && let (Some(name), Some(result), Ok(level)) = (word(name), word(result), level.parse())
    {
        return Some(Summary {
            result: Some(result),
            level: Some(level),
            ..Summary::subject(LeakingParamToResult, name)
        });
    }
    if let Some(name) = msg.strip_prefix("leaking param content: ").and_then(word) {
        return Some(Summary::subject(LeakingParamContent, name));
    }
    if let Some(name) = msg.strip_prefix("leaking param: ").and_then(word) {
        return Some(Summary::subject(LeakingParam, name));
    }
    if let Some(name) = msg
        .strip_prefix("assuming ")
        .and_then(|r| r.strip_suffix(" is unsafe uintptr"))
        .and_then(word)
    {
        return Some(Summary::subject(AssumeUintptr, name));
    }
    if let Some(r) = msg.strip_prefix("marking ")
        && let Some(name) = r
            .strip_suffix(" as escaping ...uintptr")
            .or_else(|| r.strip_suffix(" as escaping uintptr"))
            .and_then(word)
    {
        return Some(Summary::subject(MarkUintptr, name));
    }
    if let Some((func, stmt)) = msg.split_once(" ignoring self-assignment in ") {
        return Some(Summary {
            function: Some(func),
            detail: Some(stmt),
            ..Summary::new(SelfAssignment)
        });
    }
    for (prefix, kind) in [
        ("mutates param: ", MutatesParam),
        ("calls param: ", CallsParam),
    ] {
        if let Some((name, d)) = msg
            .strip_prefix(prefix)
            .and_then(|r| r.split_once(" derefs="))
            && let (Some(name), Ok(d)) = (word(name), d.parse())
        {
            return Some(Summary {
                level: Some(d),
                ..Summary::subject(kind, name)
            });
        }
    }
    if let Some(name) = msg
        .strip_suffix(" does not escape, mutate, or call")
        .and_then(word)
    {
        return Some(Summary::subject(DoesNotEscapeMutateOrCall, name));
    }
    if let Some(expr) = msg.strip_suffix(" escapes to heap, not allowed in runtime") {
        return Some(Summary::subject(RuntimeEscapeError, expr));
    }
    if let Some(s) = capturing(msg) {
        return Some(s);
    }
    if let Some(expr) = msg.strip_suffix(" escapes to heap") {
        return Some(Summary::subject(EscapesToHeap, expr));
    }
    if let Some(expr) = msg.strip_suffix(" does not escape") {
        return Some(Summary::subject(DoesNotEscape, expr));
    }
    other_passes(msg)
}

fn capturing(msg: &str) -> Option<Summary<'_>> {
    let (func, by_ref, rest) = if let Some((f, r)) = msg.split_once(" capturing by value: ") {
        (f, false, r)
    } else {
        let (f, r) = msg.split_once(" capturing by ref: ")?;
        (f, true, r)
    };
    let (name, props) = rest.split_once(" (")?;
    let props = props.strip_suffix(')')?;
    let mut it = props.split(' ');
    let addr = it.next()?.strip_prefix("addr=")?.parse().ok()?;
    let assign = it.next()?.strip_prefix("assign=")?.parse().ok()?;
    let width = it.next()?.strip_prefix("width=")?.parse().ok()?;
    Some(Summary {
        function: Some(func),
        capture: Some((by_ref, addr, assign, width)),
        ..Summary::subject(Kind::Capturing, word(name)?)
    })
}

/// Inliner, devirtualizer, loopvar, `b.Loop` and `-m=3` lines.
fn other_passes(msg: &str) -> Option<Summary<'_>> {
    use Kind::*;
    if let Some(rest) = msg.strip_prefix('[') {
        // `-m=3`: `[1] F stmt: STMT`
        let (depth, rest) = rest.split_once("] ")?;
        if depth.bytes().all(|b| b.is_ascii_digit()) {
            let (func, stmt) = rest.split_once(" stmt: ")?;
            return Some(Summary {
                function: Some(func),
                detail: Some(stmt),
                ..Summary::new(EscapeStatement)
            });
        }
        return None;
    }
    if let Some(rest) = msg
        .strip_suffix(" non-looping label")
        .or_else(|| msg.strip_suffix(" looping label"))
    {
        return word(rest.trim_start()).map(|l| Summary::subject(LoopLabel, l));
    }
    if let Some(rest) = msg.strip_prefix("can inline ") {
        if let Some((func, r)) = rest.split_once(" with cost ")
            && let Some((cost, body)) = r.split_once(" as: ")
            && cost.parse::<i64>().is_ok()
        {
            return Some(Summary {
                function: Some(func),
                detail: Some(body),
                ..Summary::new(CanInline)
            });
        }
        return Some(Summary {
            function: Some(rest),
            ..Summary::new(CanInline)
        });
    }
    if let Some(rest) = msg.strip_prefix("cannot inline ") {
        if let Some(r) = rest.strip_suffix(": repeated recursive cycle")
            && let Some((callee, _caller)) = r.split_once(" into ")
        {
            return Some(Summary {
                function: Some(callee),
                detail: Some("repeated recursive cycle"),
                ..Summary::new(CannotInline)
            });
        }
        let (func, reason) = rest.split_once(": ")?;
        return Some(Summary {
            function: Some(func),
            detail: Some(reason),
            ..Summary::new(CannotInline)
        });
    }
    if let Some(rest) = msg.strip_prefix("inlining call to ") {
        let func = match rest.rsplit_once(" with score ") {
            Some((f, score)) if score.parse::<i64>().is_ok() => f,
            _ => rest,
        };
        return Some(Summary {
            function: Some(func),
            ..Summary::new(InliningCall)
        });
    }
    if let Some(func) = msg
        .strip_prefix("function ")
        .and_then(|r| r.strip_suffix(" considered 'big'; reducing max cost of inlinees"))
    {
        return Some(Summary {
            function: Some(func),
            ..Summary::new(BigFunction)
        });
    }
    if let Some(call) = msg.strip_prefix("skip inlining within testing.B.loop for ") {
        return Some(Summary::subject(SkipInliningInLoop, call));
    }
    if msg.ends_with(" will be kept alive")
        || msg == "expr is unknown to bloop pass"
        || msg == "function arg will be kept alive"
    {
        return Some(Summary::new(KeptAlive));
    }
    for prefix in [
        "devirtualizing ",
        "partially devirtualizing ",
        "PGO devirtualizing ",
    ] {
        if let Some((call, target)) = msg.strip_prefix(prefix).and_then(|r| r.rsplit_once(" to ")) {
            return Some(Summary {
                detail: Some(target),
                ..Summary::subject(Devirtualized, call)
            });
        }
    }
    if let Some((call, why)) = msg
        .strip_prefix("cannot devirtualize ")
        .and_then(|r| r.split_once(": shaped "))
    {
        return Some(Summary {
            detail: Some(why),
            ..Summary::subject(CannotDevirtualize, call)
        });
    }
    if let Some(func) = msg
        .strip_prefix("unreferenced closure ")
        .and_then(|r| r.strip_suffix(" marked as dead"))
    {
        return Some(Summary {
            function: Some(func),
            ..Summary::new(UnreferencedClosure)
        });
    }
    if let Some((name, rest)) = msg
        .strip_prefix("loop variable ")
        .and_then(|r| r.split_once(" now per-iteration, "))
        && (rest.starts_with("heap-allocated") || rest.starts_with("stack-allocated"))
    {
        return Some(Summary {
            detail: Some(rest),
            ..Summary::subject(LoopVariable, name)
        });
    }
    if msg.contains(" loop ending at ") && msg.contains(" was modified") {
        return Some(Summary {
            detail: Some(msg),
            ..Summary::new(LoopModified)
        });
    }
    None
}

/// Lines the go command and the test runner print around compiler output.
fn is_tool_line(line: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "ok  \t",
        "ok \t",
        "FAIL\t",
        "FAIL",
        "PASS",
        "?   \t",
        "--- ",
        "=== ",
        "go: ",
        "exit status ",
        "Before inlining:",
        "After inlining ",
        ".   ",
        "testing: ",
        "coverage: ",
    ];
    PREFIXES.iter().any(|p| line.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: &str) -> RawPos<'_> {
        split_position(line).unwrap().0
    }

    #[test]
    fn position_forms() {
        let p = pos("./x.go:3:4: moved to heap: x");
        assert_eq!((p.file, p.line, p.column), ("./x.go", 3, Some(4)));
        let p = pos(r"C:\Users\me\x.go:12:3: moved to heap: x");
        assert_eq!((p.file, p.line), (r"C:\Users\me\x.go", 12));
        let p = pos("./main file.go:6:2: moved to heap: x");
        assert_eq!(p.file, "./main file.go");
        let p = pos("<autogenerated>:1: leaking param: p");
        assert_eq!((p.file, p.line, p.column), ("<autogenerated>", 1, None));
        let p = pos("gen/t.tmpl:21:2[/abs/gen.go:10:2]: moved to heap: x");
        assert_eq!(p.original, Some("/abs/gen.go:10:2"));
    }

    #[test]
    fn flow_arrows_parse_alike() {
        let old = classify("./a.go:1:2:   flow: ~r0 = &{storage for &T{...}}:");
        let new = classify("./a.go:1:2:   flow: ~r0 ← &{storage for &T{...}}:");
        assert_eq!(old, new);
        assert_eq!(
            old,
            Line::Flow {
                to: "~r0",
                ops: "&",
                from: "{storage for &T{...}}"
            }
        );
    }

    #[test]
    fn step_with_parentheses_in_expression() {
        let l = classify("./a.go:1:2:     from (*Buf).Len(b) (call parameter) at ./a.go:3:4");
        assert_eq!(
            l,
            Line::Step {
                expr: "(*Buf).Len(b)",
                reason: "call parameter",
                at: "./a.go:3:4"
            }
        );
    }

    #[test]
    fn leak_headers_old_and_new() {
        let new = classify(
            "./c.go:11:18: parameter data leaks to {storage for func literal} for makeHandler with derefs=0:",
        );
        match new {
            Line::LeakHeader {
                param,
                to,
                function,
                derefs,
                ..
            } => {
                assert_eq!(param, "data");
                assert_eq!(to, "{storage for func literal}");
                assert_eq!(function, Some("makeHandler"));
                assert_eq!(derefs, 0);
            }
            other => panic!("{other:?}"),
        }
        let old = classify("./c.go:11:18: parameter p leaks to ~r0 with derefs=1:");
        assert!(matches!(
            old,
            Line::LeakHeader {
                to: "~r0",
                function: None,
                derefs: 1,
                ..
            }
        ));
    }

    #[test]
    fn positionless_lines() {
        assert!(matches!(
            classify("moved to heap: #next"),
            Line::Summary { pos: None, .. }
        ));
        assert!(matches!(
            classify("<unknown line number>:     from #next (assign) at ./iter.go:5:6"),
            Line::Step { .. }
        ));
    }

    #[test]
    fn errors_are_unrecognized() {
        assert_eq!(
            classify("badpkg/bad.go:5:2: declared and not used: y"),
            Line::Unrecognized
        );
        assert_eq!(classify("\u{0}\u{1}garbage"), Line::Unrecognized);
    }

    #[test]
    fn headers() {
        assert_eq!(
            classify("# example.com/m/lib [example.com/m/lib.test]"),
            Line::Header {
                package: "example.com/m/lib",
                variant: Some("example.com/m/lib.test")
            }
        );
        assert_eq!(
            classify("# [example.com/m/vetpkg]"),
            Line::Header {
                package: "example.com/m/vetpkg",
                variant: Some("vet")
            }
        );
    }
}
