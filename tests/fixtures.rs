//! Every log recorded from a real Go compiler (tests/fixtures/go1.NN/MODULE/*.txt, made by
//! scripts/record-fixtures from the modules in tests/go/) parses with no line left unrecognized,
//! and the facts written in the Go files as `// want: "MSG"` are found where they are written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use escape_explain::classify::{Options, classify};
use escape_explain::escape::{Reader, Section};
use escape_explain::finding::{Finding, Verdict};
use escape_explain::rules::RuleId;
use escape_explain::source::constraint::Target;
use escape_explain::source::facts::ModulePackages;
use escape_explain::source::{Locator, Module};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// (minor version, module name, log path)
fn logs() -> Vec<(u32, String, PathBuf)> {
    let mut out = Vec::new();
    for v in std::fs::read_dir(root().join("fixtures")).unwrap() {
        let v = v.unwrap().path();
        let Some(minor) = v
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("go1."))
            .and_then(|n| n.parse().ok())
        else {
            continue;
        };
        for m in std::fs::read_dir(&v).unwrap() {
            let m = m.unwrap().path();
            if !m.is_dir() {
                continue;
            }
            for log in std::fs::read_dir(&m).unwrap() {
                let log = log.unwrap().path();
                if log.extension().is_some_and(|e| e == "txt") {
                    let name = m.file_name().unwrap().to_string_lossy().into_owned();
                    out.push((minor, name, log));
                }
            }
        }
    }
    out.sort();
    out
}

struct Parsed {
    sections: Vec<Section>,
    /// Findings of each section, classified against the module's source.
    findings: Vec<Vec<Finding>>,
    unrecognized: Vec<String>,
}

fn parse(module: &str, log: &Path) -> Parsed {
    let dir = root().join("go").join(module);
    let module = Module::find(&dir);
    // The recording toolchain: its version and the module's go.mod decide the timer rules.
    let toolchain: u32 =
        std::fs::read_to_string(log.parent().unwrap().parent().unwrap().join("VERSION"))
            .ok()
            .and_then(|v| escape_explain::source::module::minor_version(&v))
            .expect("tests/fixtures/go1.NN/VERSION");
    let mut ruled = std::collections::HashSet::new();
    let root = module.as_ref().map(|m| m.root.clone());
    let module_info = module.clone();
    let mut locator = Locator::new(&dir, module);
    let mut sections = Vec::new();
    let mut findings = Vec::new();
    let mut reader = Reader::new();
    // The recordings were made on linux/amd64 with cgo.
    let target = Target {
        goos: "linux".into(),
        goarch: "amd64".into(),
        tags: Vec::new(),
        cgo: true,
        go_minor: Some(toolchain),
    };
    let packages = ModulePackages::new(module_info.clone(), target, Default::default(), None);
    let mut emit = |mut s: Section| {
        locator.resolve_section(&mut s);
        let dir = locator.section_dir(&s);
        let index = dir.as_ref().map(|d| packages.index(d, false));
        let opts = Options {
            root: root.as_deref(),
            toolchain: Some(toolchain),
            toolchain_source: "the recording".into(),
            module: module_info.as_ref(),
            source_rules: dir.is_some_and(|d| ruled.insert(d)).into(),
            parsed: None,
        };
        findings.push(classify(&s, index.as_ref(), &opts));
        sections.push(s);
        Ok(())
    };
    let file = std::fs::File::open(log).unwrap();
    reader
        .read(std::io::BufReader::new(file), &mut emit)
        .unwrap();
    let (_, unrecognized) = reader.finish(&mut emit).unwrap();
    Parsed {
        sections,
        findings,
        unrecognized: unrecognized
            .into_iter()
            .map(|u| format!("{}:{}: {}", log.display(), u.line, u.text))
            .collect(),
    }
}

#[test]
fn there_are_recordings_of_every_version() {
    let versions: std::collections::BTreeSet<u32> = logs().iter().map(|(v, _, _)| *v).collect();
    assert_eq!(
        versions.into_iter().collect::<Vec<_>>(),
        vec![21, 22, 23, 24, 25, 26, 27]
    );
}

#[test]
fn every_recorded_log_parses_with_no_unrecognized_line() {
    let mut bad = Vec::new();
    let mut total = 0;
    for (_, module, log) in logs() {
        let parsed = parse(&module, &log);
        // genericonly is all generic code nothing instantiates: the compiler prints nothing.
        assert_eq!(
            parsed.sections.is_empty(),
            module == "genericonly",
            "{} has no package section",
            log.display()
        );
        total += parsed
            .sections
            .iter()
            .map(|s| s.diagnostics.len())
            .sum::<usize>();
        bad.extend(parsed.unrecognized);
    }
    assert!(bad.is_empty(), "unrecognized lines:\n{}", bad.join("\n"));
    assert!(total > 1000, "only {total} diagnostics in all recordings");
}

/// A sorted reader (what a run uses) builds the same sections as one that hands them over as
/// they end, only by import path then variant, and counts the same lines the same way.
#[test]
fn every_recorded_log_read_sorted_gives_the_same_sections() {
    let read = |log: &Path, mut reader: Reader| {
        let mut sections = Vec::new();
        let mut emit = |s: Section| {
            sections.push(s);
            Ok(())
        };
        let file = std::fs::File::open(log).unwrap();
        reader
            .read(std::io::BufReader::new(file), &mut emit)
            .unwrap();
        let (stats, unrecognized) = reader.finish(&mut emit).unwrap();
        let sections: Vec<(Option<String>, Option<String>, String)> = sections
            .iter()
            .map(|s| {
                (
                    s.package.clone(),
                    s.variant.clone(),
                    serde_json::to_string(s).unwrap(),
                )
            })
            .collect();
        (
            sections,
            serde_json::to_string(&stats).unwrap(),
            serde_json::to_string(&unrecognized).unwrap(),
        )
    };
    let mut reordered = 0;
    for (_, _, log) in logs() {
        let (mut streamed, stats, unrecognized) = read(&log, Reader::new());
        let (sorted, sorted_stats, sorted_unrecognized) = read(&log, Reader::sorted());
        let before = streamed.clone();
        // Stable: a header printed twice keeps the order read.
        streamed.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        reordered += usize::from(before != streamed);
        assert!(sorted == streamed, "{}", log.display());
        assert_eq!(sorted_stats, stats, "{}", log.display());
        assert_eq!(sorted_unrecognized, unrecognized, "{}", log.display());
    }
    assert!(
        reordered > 10,
        "only {reordered} recordings were out of order"
    );
}

#[test]
fn every_position_in_the_module_resolves_to_its_file() {
    let mut unresolved = Vec::new();
    for (_, module, log) in logs() {
        for s in parse(&module, &log).sections {
            for d in &s.diagnostics {
                let Some(p) = &d.position else { continue };
                // Compiler-made files, GOROOT files (`$GOROOT/src/...` in a recording) and
                // //line targets (templates) are not Go files of the module.
                let generated = !p.file.ends_with(".go")
                    || p.file.starts_with('<')
                    || p.file.starts_with("_cgo_")
                    || p.file.starts_with("_testmain")
                    || p.file.starts_with('/')
                    || p.file.starts_with("$GOROOT/")
                    || p.file.starts_with("$WORK");
                if !generated && p.path.is_none() {
                    unresolved.push(format!("{}: {}", log.display(), p.display()));
                }
            }
        }
    }
    unresolved.sort();
    unresolved.dedup();
    assert!(unresolved.is_empty(), "{}", unresolved.join("\n"));
}

/// One `want` group: the versions it applies to and the messages expected on the line.
#[derive(Debug)]
struct Want {
    file: String,
    line: u32,
    from: u32,
    to: u32,
    message: String,
}

/// Every line of the module's Go files (subdirectories included) that carries a `// want`
/// comment: (path relative to the module root, as the compiler prints it, line number, the
/// comment from "want" on).
fn want_lines(module: &str) -> Vec<(String, u32, String)> {
    let dir = root().join("go").join(module);
    let mut out = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|e| e != "go") {
                continue;
            }
            let rel = p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).unwrap();
            for (i, line) in text.lines().enumerate() {
                if let Some(idx) = line.find("// want") {
                    out.push((rel.clone(), i as u32 + 1, line[idx + 3..].to_string()));
                }
            }
        }
    }
    out
}

/// Parses `// want: "a" "b"`, `// want(go1.25+): "c"`, `// want(go1.21-1.24): "d"` comments.
fn wants(module: &str) -> Vec<Want> {
    let mut out = Vec::new();
    for (file, line, comment) in want_lines(module) {
        for w in parse_wants(&comment) {
            out.push(Want {
                file: file.clone(),
                line,
                from: w.0,
                to: w.1,
                message: w.2,
            });
        }
    }
    out
}

/// `want: "a" want(go1.25+): "b"` -> [(21, 99, a), (25, 99, b)]; unquoted words (verdicts) are
/// skipped here.
fn parse_wants(comment: &str) -> Vec<(u32, u32, String)> {
    let mut out = Vec::new();
    let mut rest = comment.trim_start();
    while let Some(r) = rest.strip_prefix("want") {
        let (range, r) = match r.strip_prefix('(') {
            Some(r) => {
                let (spec, r) = r.split_once(')').expect("closing ) in want(...)");
                (spec, r)
            }
            None => ("", r),
        };
        let (from, to) = version_range(range);
        let mut r = r
            .strip_prefix(':')
            .expect("want needs a colon")
            .trim_start();
        while let Some(q) = r.strip_prefix('"') {
            let mut msg = String::new();
            let mut chars = q.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            msg.push(n);
                        }
                    }
                    '"' => {
                        end = Some(i);
                        break;
                    }
                    c => msg.push(c),
                }
            }
            let end = end.expect("closing quote in want");
            out.push((from, to, msg));
            r = q[end + 1..].trim_start();
        }
        // Skip unquoted expectations (verdicts) up to the next `want`.
        rest = match r.find("want") {
            Some(i) => &r[i..],
            None => "",
        };
    }
    out
}

fn version_range(spec: &str) -> (u32, u32) {
    let minor = |s: &str| -> u32 {
        s.trim()
            .trim_start_matches("go")
            .trim_start_matches("1.")
            .parse()
            .unwrap_or_else(|_| panic!("bad version in want({spec})"))
    };
    if spec.is_empty() {
        (0, u32::MAX)
    } else if let Some(v) = spec.strip_suffix('+') {
        (minor(v), u32::MAX)
    } else if let Some((a, b)) = spec.split_once('-') {
        (minor(a), minor(b))
    } else {
        (minor(spec), minor(spec))
    }
}

#[test]
fn want_comments_parse() {
    assert_eq!(
        parse_wants(
            r#"want: "moved to heap: x" "a \"q\"" want(go1.25+): "append escapes to heap""#
        ),
        vec![
            (0, u32::MAX, "moved to heap: x".to_string()),
            (0, u32::MAX, "a \"q\"".to_string()),
            (25, u32::MAX, "append escapes to heap".to_string()),
        ]
    );
    assert_eq!(version_range("go1.21-1.24"), (21, 24));
    assert!(parse_wants("want: leak-risk global-map").is_empty());
}

#[test]
fn every_want_is_reported_where_it_is_written() {
    let mut missing = Vec::new();
    let mut checked = 0;
    let mut per_module: BTreeMap<String, usize> = BTreeMap::new();
    for (minor, module, log) in logs() {
        let name = log.file_name().unwrap().to_string_lossy().into_owned();
        // With inlining (`-m`) facts move to call sites; the `-l` logs are the reference.
        if !(name == "m-l.txt" || name == "m2-l.txt") {
            continue;
        }
        let parsed = parse(&module, &log);
        let found: std::collections::HashSet<(String, u32, String)> = parsed
            .sections
            .iter()
            .flat_map(|s| s.diagnostics.iter())
            .filter_map(|d| {
                let p = d.position.as_ref()?;
                Some((p.path.as_deref()?.to_string(), p.line, d.message.clone()))
            })
            .collect();
        for w in wants(&module) {
            if minor < w.from || minor > w.to {
                continue;
            }
            checked += 1;
            *per_module.entry(module.clone()).or_default() += 1;
            if !found.contains(&(w.file.clone(), w.line, w.message.clone())) {
                missing.push(format!(
                    "go1.{minor} {module}/{}:{}: {:?} not in {}",
                    w.file,
                    w.line,
                    w.message,
                    log.display()
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    assert!(
        checked > 100,
        "only {checked} wants checked: {per_module:?}"
    );
}

/// `want: leak-risk global-map want: stack` -> [(21, 99, "leak-risk", Some("global-map")), ...]
fn parse_verdict_wants(comment: &str) -> Vec<VerdictWant> {
    let mut out = Vec::new();
    let mut rest = comment.trim_start();
    while let Some(r) = rest.strip_prefix("want") {
        let (range, r) = match r.strip_prefix('(') {
            Some(r) => r.split_once(')').expect("closing ) in want(...)"),
            None => ("", r),
        };
        let (from, to) = version_range(range);
        let r = r
            .strip_prefix(':')
            .expect("want needs a colon")
            .trim_start();
        let end = r.find("want").unwrap_or(r.len());
        let words: Vec<&str> = r[..end].split_whitespace().collect();
        if let Some(verdict) = words.first().filter(|w| !w.starts_with('"')) {
            // `want: leak-risk goroutine EE0303`: the code, when written, is the last word.
            let is_code = |w: &&&str| w.starts_with("EE") && w.len() == 6;
            let code = words[1..].iter().find(is_code).map(|c| c.to_string());
            out.push((
                from,
                to,
                verdict.to_string(),
                words[1..]
                    .iter()
                    .find(|w| !is_code(w))
                    .map(|h| h.to_string()),
                code,
            ));
        }
        rest = &r[end..];
    }
    out
}

#[test]
fn verdict_wants_parse() {
    assert_eq!(
        parse_verdict_wants("want: leak-risk global-map want(go1.25+): stack"),
        vec![
            (
                0,
                u32::MAX,
                "leak-risk".to_string(),
                Some("global-map".to_string()),
                None
            ),
            (25, u32::MAX, "stack".to_string(), None, None),
        ]
    );
    assert_eq!(
        parse_verdict_wants("want: retained goroutine EE0309"),
        vec![(
            0,
            u32::MAX,
            "retained".to_string(),
            Some("goroutine".to_string()),
            Some("EE0309".to_string())
        )]
    );
    assert!(parse_verdict_wants(r#"want: "moved to heap: x""#).is_empty());
}

/// (from minor, to minor, verdict, holder kind, code)
type VerdictWant = (u32, u32, String, Option<String>, Option<String>);
/// (file, line) -> what is wanted or found there.
type ByLine<T> = BTreeMap<(String, u32), Vec<T>>;

/// (file, line) -> verdict wants of a module.
fn verdict_wants(module: &str) -> ByLine<VerdictWant> {
    let mut out: BTreeMap<(String, u32), Vec<_>> = BTreeMap::new();
    for (file, line, comment) in want_lines(module) {
        let ws = parse_verdict_wants(&comment);
        if !ws.is_empty() {
            out.entry((file, line)).or_default().extend(ws);
        }
    }
    out
}

/// The verdict fixtures: every leak pattern is flagged `leak-risk` with the right holder,
/// every trap gets the verdict written on it, and no line without `want: leak-risk` is flagged.
/// `holders` covers what the compiler's flows show; `leaks`, `cgoleaks` and `timers123` what
/// only the source shows (goroutines, channels, timers by Go version, C memory).
#[test]
fn holder_verdicts_match_the_fixtures() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for module in [
        "holders",
        "leaks",
        "cgoleaks",
        "timers123",
        "ownership",
        "janitor",
        "copies",
        "timers121",
        "timersgodebug",
        "timersdirective",
        "buildtags",
        "pinning",
        "hidden",
        "registrations",
        "runsonce",
        "startup",
        "words",
        "fitwords",
        "subjects",
        "reach",
        // genericonly's logs are empty: its wants are checked live, where `go list` names the
        // package (tests/live.rs a_generic_only_module_still_gets_the_source_rules).
    ] {
        let wants = verdict_wants(module);
        assert!(wants.len() >= 2, "the {module} fixture has its wants");
        let before = checked;
        check_verdicts(module, &wants, &mut problems, &mut checked);
        assert!(checked > before, "no recording of {module} was checked");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked > 200, "only {checked} verdict wants checked");
}

fn check_verdicts(
    module: &str,
    wants: &ByLine<VerdictWant>,
    problems: &mut Vec<String>,
    checked: &mut usize,
) {
    for (minor, m, log) in logs() {
        let name = log.file_name().unwrap().to_string_lossy().into_owned();
        if m != module || name != "m2-l.txt" {
            continue;
        }
        let parsed = parse(module, &log);
        let mut found: ByLine<(String, Option<String>, String)> = BTreeMap::new();
        let mut listed: ByLine<(String, Option<String>, String)> = BTreeMap::new();
        for f in parsed.findings.iter().flatten() {
            let Some(p) = &f.position else { continue };
            let Some(path) = p.path.as_deref() else {
                continue;
            };
            let what = (
                f.verdict.name().to_string(),
                f.holder.as_ref().map(|h| h.kind.name().to_string()),
                f.code.to_string(),
            );
            // A finding lists every store its function makes into its holder: a want there is
            // met by it (but the listed line is not flagged on its own).
            for also in f.holder.iter().flat_map(|h| &h.also_added) {
                listed
                    .entry((also.path.clone(), also.line))
                    .or_default()
                    .push(what.clone());
            }
            found
                .entry((path.to_string(), p.line))
                .or_default()
                .push(what);
        }
        for ((file, line), ws) in wants {
            for (from, to, verdict, holder, code) in ws {
                if minor < *from || minor > *to {
                    continue;
                }
                *checked += 1;
                let mut got = found
                    .get(&(file.clone(), *line))
                    .cloned()
                    .unwrap_or_default();
                got.extend(
                    listed
                        .get(&(file.clone(), *line))
                        .cloned()
                        .unwrap_or_default(),
                );
                if !got.iter().any(|(v, h, c)| {
                    v == verdict
                        && (holder.is_none() || h == holder)
                        && code.as_ref().is_none_or(|code| code == c)
                }) {
                    problems.push(format!(
                        "go1.{minor} {module}/{file}:{line}: want {verdict} {} {}, got {got:?}",
                        holder.clone().unwrap_or_default(),
                        code.clone().unwrap_or_default()
                    ));
                }
            }
        }
        for ((file, line), got) in &found {
            let wanted_leak = wants
                .get(&(file.clone(), *line))
                .is_some_and(|ws| ws.iter().any(|w| w.2 == "leak-risk"));
            if got.iter().any(|(v, ..)| v == "leak-risk") && !wanted_leak {
                problems.push(format!(
                    "go1.{minor} {module}/{file}:{line}: false alarm {got:?}"
                ));
            }
        }
    }
}

/// A plain `-m` log has no flows: the verdicts come from the source alone and are weaker, but
/// they must never raise a false alarm.
#[test]
fn without_flows_there_are_no_false_alarms() {
    let mut problems = Vec::new();
    for (minor, m, log) in logs() {
        if !["holders", "reach"].contains(&m.as_str()) || log.file_name().unwrap() != "m-l.txt" {
            continue;
        }
        let wants = verdict_wants(&m);
        let parsed = parse(&m, &log);
        for f in parsed.findings.iter().flatten() {
            let (Some(p), true) = (&f.position, f.verdict.name() == "leak-risk") else {
                continue;
            };
            let key = (p.path.as_deref().unwrap_or("").to_string(), p.line);
            let wanted = wants
                .get(&key)
                .is_some_and(|ws| ws.iter().any(|w| w.2 == "leak-risk"));
            if !wanted {
                problems.push(format!("go1.{minor} {}:{}: {}", key.0, key.1, f.title));
            }
            assert_eq!(serde_json::to_value(f.basis).unwrap(), "source-only");
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A goroutine holder names the function that stops it. Two janitors of the package stop on
/// channels with the same field name (`stop`); each is stopped by the function beside it.
#[test]
fn each_janitor_names_its_own_stopper() {
    for (minor, m, log) in logs() {
        let name = log.file_name().unwrap().to_string_lossy().into_owned();
        if m != "janitor" || name != "m2-l.txt" {
            continue;
        }
        let parsed = parse("janitor", &log);
        let release = |file: &str, line: u32| {
            parsed
                .findings
                .iter()
                .flatten()
                .filter(|f| f.code == RuleId::GoroutineHolder)
                .find(|f| {
                    f.position
                        .as_ref()
                        .is_some_and(|p| p.path.as_deref() == Some(file) && p.line == line)
                })
                .and_then(|f| f.holder.as_ref()?.released.as_ref().map(|r| r.how.clone()))
                .unwrap_or_default()
        };
        let ttl = release("ttl.go", 35);
        assert!(ttl.contains("Close"), "go1.{minor} ttl.go:35: {ttl}");
        let wrapped = release("wrapped.go", 50);
        assert!(
            wrapped.contains("endSweep"),
            "go1.{minor} wrapped.go:50: {wrapped}"
        );
    }
}

/// No committed recording, sample or fixture names a path of the machine that made it: a home
/// directory, a toolchain cache, a temporary or work directory.
#[test]
fn recordings_carry_no_machine_path() {
    let repo = root().parent().unwrap().to_path_buf();
    let mut bad = Vec::new();
    for top in ["tests/fixtures", "tests/go", "tests/snapshots", "samples"] {
        let mut stack = vec![repo.join(top)];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let Ok(mut bytes) = std::fs::read(&p) else {
                    continue;
                };
                if bytes.starts_with(&[0x1f, 0x8b]) {
                    // A gzipped profile: its string table names files and the binary.
                    use std::io::Read;
                    let mut out = Vec::new();
                    flate2::read::GzDecoder::new(bytes.as_slice())
                        .read_to_end(&mut out)
                        .unwrap();
                    bytes = out;
                }
                let text = String::from_utf8_lossy(&bytes);
                for (n, line) in text.lines().enumerate() {
                    if [
                        "/root/",
                        "/home/",
                        "/.cache/",
                        "/tmp/",
                        "/work/",
                        "/Users/",
                        "site-packages",
                    ]
                    .iter()
                    .any(|m| line.contains(m))
                        && !line.contains("$HOME/.cache")
                    {
                        bad.push(format!("{}:{}: {line}", p.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "machine paths:\n{}", bad.join("\n"));
}

/// What a diagnostic's plain reading gets wrong is said right: a constant converted to an
/// interface is not allocated; a method value is a closure, not an interface box.
#[test]
fn constants_and_method_values_are_told_right() {
    for (minor, m, log) in logs() {
        let name = log.file_name().unwrap().to_string_lossy().into_owned();
        if m != "words" || name != "m2-l.txt" {
            continue;
        }
        let parsed = parse("words", &log);
        let at = |line: u32| -> Vec<&Finding> {
            parsed
                .findings
                .iter()
                .flatten()
                .filter(|f| f.position.as_ref().is_some_and(|p| p.line == line))
                .collect()
        };
        let constants = at(10);
        assert!(
            constants
                .iter()
                .filter(|f| f.code == RuleId::Constant)
                .count()
                >= 5,
            "go1.{minor}: {constants:?}"
        );
        assert!(constants.iter().all(|f| f.verdict != Verdict::Heap));
        assert!(at(15).iter().any(|f| f.verdict == Verdict::Heap));
        let method = at(29);
        assert!(
            method.iter().any(|f| f
                .title
                .contains("closure is allocated for the method value `c.remove`")),
            "go1.{minor}: {method:?}"
        );
        // The promoted method's wrapper (Registry.Put) is folded into the real method: the
        // narrative is the real store, not a call to (*store).Put.
        let put: Vec<&Finding> = parsed
            .findings
            .iter()
            .flatten()
            .filter(|f| {
                f.position.as_ref().is_some_and(|p| {
                    p.path.as_deref() == Some("wrapped.go") && p.line == 6 && p.column == Some(21)
                })
            })
            .collect();
        assert!(
            put.len() == 1
                && put[0].title.contains("keeps it in `s.items[k]`")
                && !put[0].why.contains("(*store).Put("),
            "go1.{minor}: {put:?}"
        );
    }
}

/// What we say is in source terms on every recording: no compiler-internal spelling of
/// generic code or temporaries in any finding's words, and one finding per position and
/// message however many instantiations the compiler reported there. (The compiler's own lines
/// stay as printed, in `compiler`.)
#[test]
fn findings_speak_source_terms_once_per_position() {
    const JARGON: &[&str] = &[
        "go.shape", ".dict", "~p0", "~r0", "~r1", ".autotmp", "<node ",
    ];
    let mut problems = Vec::new();
    for (minor, module, log) in logs() {
        for fs in parse(&module, &log).findings {
            let mut seen = std::collections::HashSet::new();
            for f in fs.iter().filter(|f| f.reported()) {
                let mut words = vec![f.title.clone(), f.subject.clone(), f.why.clone()];
                words.extend(f.function.clone());
                words.extend(f.evidence.iter().map(|e| e.note.clone()));
                for w in &words {
                    if let Some(t) = JARGON.iter().find(|t| w.contains(*t)) {
                        problems.push(format!("go1.{minor} {module}: `{t}` in {w}"));
                    }
                }
                if let Some(p) = &f.position
                    && !seen.insert((p.line, p.column, f.code, f.title.clone()))
                {
                    problems.push(format!(
                        "go1.{minor} {module}: twice at {}: {}",
                        p.display(),
                        f.title
                    ));
                }
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The summary adds up on every recorded log: each finding is counted once, as an allocation,
/// a goroutine, a parameter or a stack value, and the verdict counts printed beside the
/// summary's sentence are those same findings.
#[test]
fn the_summary_adds_up_on_every_recorded_log() {
    use escape_explain::report::Totals;
    let mut bad = Vec::new();
    for (_, module, log) in logs() {
        let parsed = parse(&module, &log);
        let mut t = Totals::default();
        for (s, f) in parsed.sections.iter().zip(&parsed.findings) {
            t.add(s, f);
        }
        let v = |x: Verdict| t.by_verdict.get(&x).copied().unwrap_or(0);
        let held = v(Verdict::Heap) + v(Verdict::Retained) + v(Verdict::LeakRisk);
        let kept = v(Verdict::Retained) + v(Verdict::LeakRisk);
        let checks = [
            (
                "heap + retained + leak-risk = allocations + goroutines + kept parameters",
                held,
                t.heap_allocations + t.goroutines + t.kept_parameters,
            ),
            (
                "passes = parameters not kept",
                v(Verdict::Passes),
                t.parameters - t.kept_parameters,
            ),
            (
                "every verdict counted once",
                t.findings,
                t.by_verdict.values().sum(),
            ),
            (
                "holders count what they keep",
                kept,
                t.by_holder.values().sum(),
            ),
        ];
        for (what, left, right) in checks {
            if left != right {
                bad.push(format!("{}: {what}: {left} != {right}", log.display()));
            }
        }
        if t.kept_allocations > t.heap_allocations
            || t.growing_allocations > t.kept_allocations
            || t.endless_goroutines > t.goroutines
            || t.growing_allocations + t.endless_goroutines > v(Verdict::LeakRisk)
        {
            bad.push(format!(
                "{}: a part is larger than its whole: {t:?}",
                log.display()
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// No title names a value or a function by the compiler's private names, on any recorded log:
/// the array `append` grows, a call placed at its parenthesis, a closure (`func literal`,
/// `F.func1`), a temporary (`.autotmp_3`), a shape type. A reader finds every subject in the
/// source.
#[test]
fn every_title_names_what_the_source_writes() {
    let closure_name = regex::Regex::new(r"\.func\d").unwrap();
    let mut bad = Vec::new();
    let mut titles = 0;
    for (minor, module, log) in logs() {
        for f in parse(&module, &log).findings.iter().flatten() {
            titles += 1;
            let t = &f.title;
            let compiler_words = [
                "`append`",
                "`(`",
                "`func`",
                "func literal",
                "a temporary",
                "go.shape",
                ".autotmp",
                "... argument",
            ];
            if compiler_words.iter().any(|w| t.contains(w)) || closure_name.is_match(t) {
                bad.push(format!("go1.{minor} {module}: {t}"));
            }
        }
    }
    bad.sort();
    bad.dedup();
    assert!(titles > 1000, "only {titles} titles");
    assert!(bad.is_empty(), "{} titles:\n{}", bad.len(), bad.join("\n"));
}

/// Generic code of another package of the module, instantiated here, is reported at its own
/// lines with the compiler's spellings (`append(store.s.items, store.v)`,
/// `make([]go.shape.struct { X int; Y int }, 0, len(store.xs))`): its subjects are read from
/// that package's source, as the reader finds them.
#[test]
fn generic_code_of_another_package_is_named_from_its_source() {
    let log = logs()
        .into_iter()
        .find(|(minor, m, log)| *minor == 27 && m == "basics" && log.ends_with("m2-l.txt"))
        .expect("the basics recording of Go 1.27");
    let parsed = parse("basics", &log.2);
    let subject_at = |line: u32| -> Vec<String> {
        parsed
            .findings
            .iter()
            .flatten()
            .filter(|f| {
                f.position
                    .as_ref()
                    .is_some_and(|p| p.path.as_deref() == Some("store/store.go") && p.line == line)
            })
            .map(|f| f.subject.clone())
            .collect()
    };
    assert!(
        subject_at(10).contains(&"the backing array of `s.items`".to_string()),
        "{:?}",
        subject_at(10)
    );
    assert!(
        subject_at(26).contains(&"make([]U, 0, len(xs))".to_string()),
        "{:?}",
        subject_at(26)
    );
}
