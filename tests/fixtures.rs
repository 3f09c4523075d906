//! Every log recorded from a real Go compiler (tests/fixtures/go1.NN/MODULE/*.txt, made by
//! scripts/record-fixtures from the modules in tests/go/) parses with no line left unrecognized,
//! and the facts written in the Go files as `// want: "MSG"` are found where they are written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use escape_explain::escape::{Reader, Section};
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
    unrecognized: Vec<String>,
}

fn parse(module: &str, log: &Path) -> Parsed {
    let dir = root().join("go").join(module);
    let mut locator = Locator::new(&dir, Module::find(&dir));
    let mut sections = Vec::new();
    let mut reader = Reader::new();
    let mut emit = |mut s: Section| {
        locator.resolve_section(&mut s);
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
        assert!(
            !parsed.sections.is_empty(),
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

#[test]
fn every_position_in_the_module_resolves_to_its_file() {
    let mut unresolved = Vec::new();
    for (_, module, log) in logs() {
        for s in parse(&module, &log).sections {
            for d in &s.diagnostics {
                let Some(p) = &d.position else { continue };
                // Compiler-made files and GOROOT files are not in the module.
                // Compiler-made files, GOROOT files and //line targets (templates) are not Go
                // files of the module.
                let generated = !p.file.ends_with(".go")
                    || p.file.starts_with('<')
                    || p.file.starts_with("_cgo_")
                    || p.file.starts_with("_testmain")
                    || p.file.starts_with('/')
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

/// Parses `// want: "a" "b"`, `// want(go1.25+): "c"`, `// want(go1.21-1.24): "d"` comments.
fn wants(module: &str) -> Vec<Want> {
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
                let Some(idx) = line.find("// want") else {
                    continue;
                };
                for w in parse_wants(&line[idx + 3..]) {
                    out.push(Want {
                        file: rel.clone(),
                        line: i as u32 + 1,
                        from: w.0,
                        to: w.1,
                        message: w.2,
                    });
                }
            }
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
