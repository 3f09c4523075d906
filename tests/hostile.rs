//! Input that loses data when read naively: the same recording written the ways logs really
//! reach us (colour codes from a CI console, CR-only or CRLF line ends, a BOM, UTF-16 from
//! PowerShell, `go build -json` events, twice over, a stream with no newline) must give the
//! same findings as the plain recording, or say clearly why not.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of a fixture module's sources, so holder verdicts can be read.
fn module_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(root().join("tests/go").join(name)).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn recording() -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures/go1.27/holders/m2-l.txt")).unwrap()
}

/// Runs `cmd` with `input` on its standard input, written from a thread so that a large
/// input cannot deadlock against a full output pipe; stdout and stderr are captured.
fn feed(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// Runs with `input` on a pipe and returns the JSON document's totals.
fn totals(dir: &Path, input: &[u8], extra: &[&str]) -> (serde_json::Value, Output) {
    let out = feed(
        common::tool()
            .args(["--format", "json"])
            .args(extra)
            .current_dir(dir),
        input,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (doc["totals"].clone(), out)
}

fn by_verdict(t: &serde_json::Value) -> String {
    t["by_verdict"].to_string()
}

#[test]
fn colour_codes_from_a_ci_console_are_stripped() {
    let dir = module_copy("holders");
    let plain = recording();
    let text = String::from_utf8(plain.clone()).unwrap();
    let coloured: String = text
        .lines()
        .map(|l| match l.split_once(": ") {
            Some((pos, rest)) => format!("\x1b[1m{pos}:\x1b[0m \x1b[36m{rest}\x1b[0m\n"),
            None => format!("\x1b[33m{l}\x1b[0m\n"),
        })
        .collect();
    let (a, _) = totals(dir.path(), &plain, &[]);
    let (b, _) = totals(dir.path(), coloured.as_bytes(), &[]);
    assert_eq!(by_verdict(&a), by_verdict(&b));
    assert!(a["by_verdict"]["leak-risk"].as_u64().unwrap() > 5);
}

#[test]
fn cr_crlf_bom_and_utf16_logs_read_as_the_plain_one() {
    let dir = module_copy("holders");
    let plain = recording();
    let text = String::from_utf8(plain.clone()).unwrap();
    let (want, _) = totals(dir.path(), &plain, &[]);
    let cr = text.replace('\n', "\r").into_bytes();
    let crlf = text.replace('\n', "\r\n").into_bytes();
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(&plain);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        text.replace('\n', "\r\n")
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    for (name, input) in [("CR", cr), ("CRLF", crlf), ("BOM", bom), ("UTF-16", utf16)] {
        let (got, _) = totals(dir.path(), &input, &[]);
        assert_eq!(by_verdict(&got), by_verdict(&want), "{name}");
        assert_eq!(got["diagnostics"], want["diagnostics"], "{name}");
    }
}

#[test]
fn go_build_json_events_give_the_same_findings() {
    let dir = module_copy("holders");
    let plain = recording();
    let text = String::from_utf8(plain.clone()).unwrap();
    // As `go build -json` writes it: one build-output event per package, the whole output of
    // the package in `Output` (the first line is its `# path` header).
    let mut events = String::new();
    for block in text.split_inclusive('\n').collect::<String>().split("\n# ") {
        let block = if block.starts_with("# ") {
            block.to_string()
        } else {
            format!("# {block}")
        };
        let block = if block.ends_with('\n') {
            block
        } else {
            format!("{block}\n")
        };
        let ev = serde_json::json!({
            "ImportPath": "example.com/fixtures/holders",
            "Action": "build-output",
            "Output": block,
        });
        events.push_str(&ev.to_string());
        events.push('\n');
    }
    let (want, _) = totals(dir.path(), &plain, &[]);
    let (got, _) = totals(dir.path(), events.as_bytes(), &[]);
    assert_eq!(by_verdict(&got), by_verdict(&want));
    // Mixed with plain lines (a wrapper that prints its own output too).
    let mixed = format!("building...\n{events}");
    let (got, _) = totals(dir.path(), mixed.as_bytes(), &[]);
    assert_eq!(by_verdict(&got), by_verdict(&want));
}

#[test]
fn a_stream_without_newlines_stays_bounded_and_is_not_understood() {
    let dir = module_copy("holders");
    let mut endless = b"# m\n./a.go:3:2: moved to heap: y\n".to_vec();
    endless.extend(vec![b'x'; 8 << 20]);
    let (t, out) = totals(dir.path(), &endless, &[]);
    assert_eq!(t["diagnostics"], 1);
    let doc_unrecognized = String::from_utf8_lossy(&out.stdout);
    assert!(doc_unrecognized.contains("\"unrecognized_lines\":1"));
    // Alone, it is not compiler output.
    let out = feed(bin().current_dir(dir.path()), &vec![b'x'; 8 << 20]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not compiler output"));
}

#[test]
fn the_same_log_twice_counts_once_and_says_so() {
    let dir = module_copy("holders");
    let plain = recording();
    let mut twice = plain.clone();
    twice.extend_from_slice(&plain);
    let (once, _) = totals(dir.path(), &plain, &[]);
    let (again, _) = totals(dir.path(), &twice, &[]);
    assert_eq!(by_verdict(&once), by_verdict(&again));
    assert!(again["repeated"].as_u64().unwrap() > 0, "{again}");
}

fn bin() -> Command {
    let mut c = common::tool();
    c.stdin(Stdio::null());
    c
}

/// `--fail-on leak-risk | head -1`: the reader leaves early; the status still says what was
/// found.
#[test]
fn a_reader_that_goes_away_keeps_the_findings_exit_status() {
    let dir = module_copy("holders");
    let log = root().join("tests/fixtures/go1.27/holders/m2-l.txt");
    let mut child = bin()
        .args(["--fail-on", "leak-risk", "--format", "json", "--input"])
        .arg(&log)
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}

/// A report, a list, a demo, help or a version that cannot be written is a failure.
#[test]
fn every_subcommand_fails_when_its_output_cannot_be_written() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    for args in [
        &["explain", "EE0201"][..],
        &["explain", "--list"],
        &["demo", "map-cache", "--recorded"],
        &["demo"],
        &["--help"],
        &["--version"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = bin().args(args).stdout(full).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("escape-explain: cannot write"),
            "{args:?}"
        );
    }
}

/// A pattern that starts with `-` would reach go as a flag (`-toolexec` runs a program).
#[test]
fn a_package_pattern_cannot_be_a_go_flag() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let script = dir.path().join("x.sh");
    std::fs::write(&script, format!("#!/bin/sh\ntouch {}\n", marker.display())).unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args(["--", &format!("-toolexec={}", script.display()), "./..."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a package pattern"));
    assert!(!marker.exists());
}

/// Each side of a diff is read once: a pipe (`<(cat a.log)`, /dev/stdin) cannot be read again.
#[test]
fn diff_reads_a_piped_side_once() {
    let dir = module_copy("holders");
    let log = root().join("tests/fixtures/go1.27/holders/m2-l.txt");
    let out = feed(
        bin()
            .arg("-C")
            .arg(dir.path())
            .args(["diff", "/dev/stdin"])
            .arg(&log),
        &std::fs::read(&log).unwrap(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("started escaping: 0") && text.contains("stopped escaping: 0"),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An empty pipe on standard input (a CI runner that attaches one and never writes) is not an
/// empty log: the build runs. Without go, that is go's absence that is reported.
#[test]
fn an_empty_stdin_pipe_means_build() {
    let dir = module_copy("holders");
    let out = common::tool()
        .current_dir(dir.path())
        .env("PATH", "/nonexistent")
        .stdin(Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`go` was not found"), "{err}");
    assert_eq!(out.status.code(), Some(2));
}

/// A saved log of a failed build reports what compiled, says the build failed, exits 2.
#[test]
fn a_log_of_a_failed_build_exits_2() {
    let dir = module_copy("holders");
    let mut log = recording();
    log.extend_from_slice(
        b"# example.com/fixtures/holders/broken\n./broken.go:3:5: undefined: foo\n",
    );
    let (t, out) = totals(dir.path(), &log, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(t["by_verdict"]["leak-risk"].as_u64().unwrap() > 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"build_failed\":true"));
}

/// A log read where its sources are not: the holder verdicts cannot be made, so stderr says
/// so, and a --fail-on gate exits 2 rather than passing.
#[test]
fn a_log_without_its_sources_warns_and_fails_a_gate() {
    let elsewhere = tempfile::tempdir().unwrap();
    let (_, out) = totals(elsewhere.path(), &recording(), &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holder verdicts need the source"));
    let (_, out) = totals(elsewhere.path(), &recording(), &["--fail-on", "leak-risk"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A log cut mid-line says so in the default report.
#[test]
fn a_truncated_log_is_mentioned_in_the_default_report() {
    let dir = module_copy("holders");
    let log = recording();
    let cut = &log[..log.len() - 10];
    let out = feed(bin().current_dir(dir.path()).args(["--input", "-"]), cut);
    assert!(String::from_utf8_lossy(&out.stdout).contains("cut short"));
}

/// Values that cannot mean anything are refused with one line and exit 2, not carried into
/// the report ("gobanana") or silently matching nothing.
#[test]
fn meaningless_values_are_refused() {
    for args in [
        &["--go-version", "banana"][..],
        &["--go-version", "2.0"],
        &["--only-path", "["],
        &["-C", "/nonexistent/dir"],
    ] {
        let out = bin().args(args).args(["--input", "-"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("error: invalid value"), "{args:?}: {err}");
    }
}

/// Each subcommand's help says what it does: diff compares, demo teaches.
#[test]
fn each_subcommand_has_its_own_description() {
    let out = bin().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    let line = |name: &str| {
        help.lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line("diff").contains("Compare"), "{help}");
    assert!(line("demo").contains("demos"), "{help}");
}

/// A C0 control (ESC, BEL) or a C1 control (U+0080..U+009F; U+009B is a CSI on many
/// terminals) in the output: what must never reach the reader's terminal.
fn raw_controls(out: &[u8]) -> Vec<char> {
    String::from_utf8_lossy(out)
        .chars()
        .filter(|&c| c.is_control() && !matches!(c, '\t' | '\n'))
        .collect()
}

/// Terminal control sequences in a log never reach the terminal the report is printed on,
/// whether written with ESC or with C1 controls, in a plain log or a `go build -json` event.
#[test]
fn control_sequences_in_a_log_are_not_printed() {
    let dir = module_copy("holders");
    let mut log = recording();
    log.extend_from_slice(
        "# example.com/fixtures/holders\n./a.go:1:2: \x1b]0;owned\x07x\x1b[2J escapes to heap\n"
            .as_bytes(),
    );
    log.extend_from_slice(
        "./a.go:2:2: \u{9d}0;owned\u{9c}y\u{9b}2J\u{85} escapes to heap\n./a.go:3:2: leaking param: \u{9b}31mz\u{90}q\u{9c}\u{9f}\n"
            .as_bytes(),
    );
    let event = serde_json::json!({
        "ImportPath": "example.com/fixtures/holders",
        "Action": "build-output",
        "Output": "./a.go:4:2: \u{1b}[2Jw\u{9b}2J escapes to heap\n./a.go:5:2: \u{9b}v\n",
    });
    log.extend_from_slice(format!("{event}\n").as_bytes());
    for format in ["text", "list", "compact"] {
        for verbose in [&[][..], &["--verbose"]] {
            let out = feed(
                bin()
                    .current_dir(dir.path())
                    .args([
                        "--all", "--color", "never", "--format", format, "--input", "-",
                    ])
                    .args(verbose),
                &log,
            );
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("a.go:2:2"), "{format}: {text}");
            assert_eq!(
                raw_controls(&out.stdout),
                [],
                "{format} {verbose:?}: {text}"
            );
        }
    }
}

/// Flags that would be accepted and then ignored are refused; the exit status follows what is
/// shown.
#[test]
fn ignored_flag_combinations_are_refused() {
    let log = root().join("tests/fixtures/go1.27/holders/m2-l.txt");
    let log = log.to_str().unwrap();
    for args in [
        &["explain", "EE0201", "--format", "json"][..],
        &["explain", "--list", "--fail-on", "heap"],
        &["explain", "EE0201", "--baseline", log],
        &["diff", log, log, "--format", "sarif"],
        &["diff", log, log, "--verdict", "heap"],
        &["diff", log, log, "--baseline", log],
        &["demo", "map-cache", "--fail-on", "heap"],
        &["demo", "map-cache", "--baseline", log],
        &["--input", log, "--tests"],
        &["--input", log, "--all", "--verdict", "heap"],
    ] {
        let out = bin().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    let dir = module_copy("holders");
    let out = bin()
        .current_dir(dir.path())
        .args(["--input", log, "--verdict", "stack", "--fail-on", "heap"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "no heap finding is shown");
}

/// A go that fails without a word, and a line number too large to read, each get a clear
/// account rather than an empty message or a file named `a.go:99999999999`.
#[test]
fn silent_go_and_huge_line_numbers_are_explained() {
    let fake = tempfile::tempdir().unwrap();
    let go = fake.path().join("go");
    std::fs::write(&go, "#!/bin/sh\nexit 3\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let dir = module_copy("holders");
    let out = bin()
        .current_dir(dir.path())
        .env("PATH", fake.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("exited with status 3 and printed nothing")
    );

    let (t, out) = totals(
        dir.path(),
        b"# m\n./a.go:99999999999:2: x escapes to heap\n./a.go:3:2: moved to heap: y\n",
        &[],
    );
    assert_eq!(t["diagnostics"], 1);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"unrecognized_lines\":1"));
}

/// `demo cstring` with go but no C compiler falls back to its recording and says why.
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn a_cgo_demo_without_a_c_compiler_uses_its_recording() {
    let Ok(go) = which_go() else {
        eprintln!("skipped: no go on PATH");
        return;
    };
    let path = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(go, path.path().join("go")).unwrap();
    let out = bin()
        .args(["demo", "cstring"])
        .env("PATH", path.path())
        .env_remove("CC")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("cgo needs a C compiler"));
}

fn which_go() -> Result<PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path)
        .map(|d| d.join("go"))
        .find(|p| p.is_file())
        .ok_or(())
}

/// A control character inside the Go source (a string literal, a comment, a map key), C0 or
/// C1, is shown as `?` in code frames and in the notes that quote the source, never sent to
/// the terminal.
#[test]
fn control_characters_in_the_source_are_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/m\n\ngo 1.21\n",
    )
    .unwrap();
    // U+009B is CSI, U+009D OSC, U+009C ST, U+0085 NEL: two bytes each in UTF-8, so two `?`.
    std::fs::write(
        dir.path().join("main.go"),
        "package main\n\nvar keep = map[string]*string{}\n\nfunc put(k string) *string {\n\ts := k + \"\x1b]0;owned\x07\u{9b}2J\"\n\tkeep[\"\u{9b}1m\"] = &s // \x1b]0;owned\x07\u{9d}0;t\u{9c}\u{85}\n\treturn &s\n}\n",
    )
    .unwrap();
    let log = "# example.com/m\n./main.go:6:2: moved to heap: s\n";
    for format in ["text", "list", "compact"] {
        let out = feed(
            bin().current_dir(dir.path()).args([
                "--all", "--color", "never", "--format", format, "--input", "-",
            ]),
            log.as_bytes(),
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(raw_controls(&out.stdout), [], "{format}: {text}");
        if format == "text" {
            assert!(
                text.contains("keep[\"??1m\"] = &s // ?]0;owned???0;t????"),
                "the frame shows the line: {text}"
            );
            assert!(
                text.contains("keyed by the constant \"??1m\""),
                "the note quotes the key: {text}"
            );
        }
    }
}

/// Packages are analysed on several threads; the report lists them by import path, whatever
/// order the compiler printed them in and whatever their sizes (a large package finishes after
/// the small ones sent later).
#[test]
fn packages_are_reported_by_import_path() {
    let mut log = String::new();
    let mut names = Vec::new();
    for p in (0..40).rev() {
        let name = format!("example.com/p{p}");
        log.push_str(&format!("# {name}\n"));
        // Package 3 is far larger than the rest: it finishes after later ones.
        let n = if p == 3 { 20_000 } else { 1 + p % 5 };
        for i in 1..=n {
            log.push_str(&format!("./p{p}.go:{i}:2: v{i} escapes to heap\n"));
        }
        names.push(name);
    }
    names.sort();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.log");
    std::fs::write(&path, &log).unwrap();
    let run = || {
        let out = common::tool()
            .args(["--input", path.to_str().unwrap(), "--format", "json"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let first = run();
    let doc: serde_json::Value = serde_json::from_slice(&first).unwrap();
    let order: Vec<&str> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["package"].as_str().unwrap())
        .collect();
    assert_eq!(order, names);
    assert_eq!(
        doc["totals"]["findings"],
        20_000 + (0..40).filter(|&p| p != 3).map(|p| 1 + p % 5).sum::<u64>()
    );
    assert_eq!(first, run(), "two runs of the same log differ");
}

/// How deep each shape of [`deep_module`] nests.
const DEEP: usize = 10_000;

/// A module of generated-looking code that nests [`DEEP`] levels: a concatenation (a left-deep
/// chain of binary expressions), nested parentheses, a composite literal in a composite literal,
/// an `else if` chain and closures in closures; with a `-m=2` log whose diagnostics sit on the
/// deep lines (the innermost literal, the last branch, the innermost closure), so finding,
/// tracing and rendering reach the deepest nodes too.
fn deep_module() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let n = DEEP;
    let concat = format!(
        "package deep\n\nvar sink string\n\nfunc Concat(s string) {{\n\tsink = s{}\n}}\n",
        " + s".repeat(n)
    );
    let parens = format!(
        "package deep\n\nfunc Parens() *int {{\n\tx := {}1{}\n\treturn &x\n}}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    let literal = format!(
        "package deep\n\ntype T struct{{ next *T }}\n\nfunc Literal() *T {{\n\treturn {}nil{}\n}}\n",
        "&T{next: ".repeat(n),
        "}".repeat(n)
    );
    let mut chain =
        String::from("package deep\n\nfunc Chain(i int) int {\n\tif i == 0 {\n\t\treturn 0\n\t}");
    for k in 1..n {
        chain.push_str(&format!(
            " else if i == {k} {{\n\t\treturn *new(int) + {k}\n\t}}"
        ));
    }
    chain.push_str("\n\treturn -1\n}\n");
    let closures = format!(
        "package deep\n\nfunc Closures() {{\n\t{}x := 0\ngo func() {{\n\tfor {{\n\t\tx++\n\t}}\n}}(){}\n}}\n",
        "func() {\n".repeat(n),
        "\n}()".repeat(n)
    );
    for (name, text) in [
        ("concat.go", &concat),
        ("parens.go", &parens),
        ("literal.go", &literal),
        ("chain.go", &chain),
        ("closures.go", &closures),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/deep\n\ngo 1.22\n",
    )
    .unwrap();
    // As go 1.27 writes them (`-gcflags=-m=2`), at the positions it gives.
    let mut log = String::from("# example.com/deep\n");
    // The concatenation is at its last `+`.
    let plus = format!("./concat.go:6:{}", 4 * n + 7);
    let sum = "s + s + s + s";
    log.push_str(&format!(
        "{plus}: {sum} escapes to heap in Concat:\n\
         {plus}:   flow: {{heap}} ← &{{storage for {sum}}}:\n\
         {plus}:     from {sum} (spill) at {plus}\n\
         {plus}:     from sink = {sum} (assign) at ./concat.go:6:7\n\
         ./concat.go:5:13: s does not escape\n\
         {plus}: {sum} escapes to heap\n"
    ));
    let one = format!("./parens.go:4:{}", 7 + n);
    log.push_str(&format!(
        "./parens.go:4:2: x escapes to heap in Parens:\n\
         ./parens.go:4:2:   flow: ~r0 ← &x:\n\
         ./parens.go:4:2:     from &x (address-of) at ./parens.go:5:9\n\
         ./parens.go:4:2:     from return &x (return) at ./parens.go:5:2\n\
         ./parens.go:4:2: moved to heap: x\n\
         {one}: 1 does not escape\n"
    ));
    // Each literal is stored in the one around it; the outermost is returned.
    for k in [0, n / 2, n - 1] {
        let at = format!("./literal.go:6:{}", 9 + 9 * k);
        if k == 0 {
            log.push_str(&format!(
                "{at}: &T{{...}} escapes to heap in Literal:\n\
                 {at}:   flow: ~r0 ← &{{storage for &T{{...}}}}:\n\
                 {at}:     from &T{{...}} (spill) at {at}\n\
                 {at}:     from return &T{{...}} (return) at ./literal.go:6:2\n"
            ));
        } else {
            let outer = format!("./literal.go:6:{}", 9 + 9 * (k - 1) + 2);
            log.push_str(&format!(
                "{at}: &T{{...}} escapes to heap in Literal:\n\
                 {at}:   flow: {{storage for &T{{...}}}} ← &{{storage for &T{{...}}}}:\n\
                 {at}:     from &T{{...}} (spill) at {at}\n\
                 {at}:     from T{{...}} (struct literal element) at {outer}\n"
            ));
        }
        log.push_str(&format!("{at}: &T{{...}} escapes to heap\n"));
    }
    // Branch k returns on line 5 + 2k.
    let last = format!("./chain.go:{}:14", 5 + 2 * (n - 1));
    log.push_str(&format!("{last}: new(int) does not escape\n"));
    // The innermost closure's body starts on line 4 + n.
    let (x, lit) = (4 + n, 5 + n);
    let inner = format!("Closures.func1{}", ".1".repeat(n - 1));
    log.push_str(&format!(
        "./closures.go:{lit}:4: func literal escapes to heap in {inner}:\n\
         ./closures.go:{lit}:4:   flow: {{heap}} ← &{{storage for func literal}}:\n\
         ./closures.go:{lit}:4:     from func literal (spill) at ./closures.go:{lit}:4\n\
         ./closures.go:{x}:1: {inner} capturing by ref: x (addr=false assign=true width=8)\n\
         ./closures.go:{x}:1: x escapes to heap in {inner}:\n\
         ./closures.go:{x}:1:   flow: {{storage for func literal}} ← &x:\n\
         ./closures.go:{x}:1:     from x (captured by a closure) at ./closures.go:{}:3\n\
         ./closures.go:{x}:1:     from x (reference) at ./closures.go:{}:3\n\
         ./closures.go:{x}:1: moved to heap: x\n\
         ./closures.go:{lit}:4: func literal escapes to heap\n",
        lit + 2,
        lit + 2
    ));
    std::fs::write(dir.path().join("build.log"), log).unwrap();
    dir
}

/// Asserts that a run over [`deep_module`] ended as a run should (0, or 1 for findings) and
/// wrote a report.
fn assert_reported(out: &Output, what: &str) {
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{what}: status {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.stdout.is_empty(), "{what}: no report");
}

/// What the JSON report of [`deep_module`] must hold: every diagnostic; a finding for the
/// innermost literal; the concatenation traced to the variable it is stored in, and `x` to the
/// goroutine of the innermost closure that keeps it.
fn assert_deep_json(stdout: &[u8]) {
    let v: serde_json::Value = serde_json::from_slice(stdout).unwrap();
    let totals = &v["totals"];
    assert_eq!(v["packages"].as_array().unwrap().len(), 1);
    assert_eq!(totals["diagnostics"], 11, "{totals}");
    assert_eq!(totals["by_verdict"]["retained"], 1, "{totals}");
    assert_eq!(totals["by_verdict"]["leak-risk"], 1, "{totals}");
    let deepest = (9 + 9 * (DEEP - 1)) as u64;
    let findings = v["packages"][0]["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["position"]["path"] == "literal.go"
                && f["position"]["column"].as_u64() == Some(deepest)),
        "no finding at literal.go:6:{deepest}"
    );
}

/// Generated code nests deeply: a 10,000-term concatenation, 10,000 nested parentheses, a
/// 10,000-deep composite literal, a 10,000-branch `else if` chain and 10,000 nested closures,
/// with diagnostics on their deepest lines, are analysed and rendered in every format, with a
/// report and no abort.
#[test]
fn deeply_nested_code_is_analysed_without_a_stack_overflow() {
    let dir = deep_module();
    for format in ["text", "json", "sarif", "html", "compact"] {
        let out = bin()
            .current_dir(dir.path())
            .args(["--all", "--color", "never", "--input", "build.log"])
            .args(["--format", format])
            .output()
            .unwrap();
        assert_reported(&out, format);
        if format == "json" {
            assert_deep_json(&out.stdout);
        }
    }
}

/// Where a large stack cannot be reserved (`ulimit -v`), deep code is still analysed: the
/// stack grows as the walks need it rather than being reserved up front.
#[cfg(target_os = "linux")]
#[test]
fn deeply_nested_code_is_analysed_in_a_small_address_space() {
    use std::os::unix::process::CommandExt;
    let dir = deep_module();
    let mut cmd = bin();
    cmd.current_dir(dir.path())
        .args(["--all", "--input", "build.log", "--format", "json"]);
    // SAFETY: getrlimit and setrlimit are async-signal-safe and touch nothing of the parent's.
    unsafe {
        cmd.pre_exec(|| {
            let mut limit = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            if libc::getrlimit(libc::RLIMIT_AS, &mut limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // Lowered only: a shell's `ulimit -v` may allow less already.
            let cap = limit.rlim_max.min(1 << 30);
            let limit = libc::rlimit {
                rlim_cur: cap,
                rlim_max: cap,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    assert_reported(&out, "json with 1 GiB of address space");
    assert_deep_json(&out.stdout);
}

/// Naming what to build (`-C DIR`, a package pattern, --gcflags, --tests) means "run the
/// build", whatever standard input is: a pipe the caller keeps open (`sleep 15 | escape-explain
/// -C svc`) is not waited on, and the list a shell loop reads (`while read d; do escape-explain
/// -C "$d"; done < list`) is not taken for a log. go is kept off PATH, so the run stops where
/// it looks for go.
#[test]
fn naming_a_build_does_not_read_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/m\n\ngo 1.22\n",
    )
    .unwrap();
    let list = dir.path().join("list");
    std::fs::write(&list, "svc\nweb\n").unwrap();
    let d = dir.path().to_str().unwrap();
    let cases: [&[&str]; 4] = [&["-C", d], &["./..."], &["--gcflags=-m"], &["--tests"]];
    for args in cases {
        for from_list in [false, true] {
            let mut cmd = bin();
            cmd.current_dir(dir.path())
                .args(args)
                .env("PATH", "")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            if from_list {
                cmd.stdin(std::fs::File::open(&list).unwrap());
            } else {
                cmd.stdin(Stdio::piped());
            }
            let mut child = cmd.spawn().unwrap();
            // The writing end stays open (as `sleep 15 |` keeps it) until the run is over.
            let _open = child.stdin.take();
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            while child.try_wait().unwrap().is_none() {
                if std::time::Instant::now() > deadline {
                    let _ = child.kill();
                    panic!("{args:?} waited for standard input");
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            let out = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert!(
                err.contains("`go` was not found"),
                "{args:?} ({from_list}): {err}"
            );
        }
    }
}

/// A source file of the build that cannot be read (a FIFO where the file should be, a
/// symlink loop, a file without read permission) is named in a warning and counted; it never
/// blocks the run, and a gate (`--fail-on`) that cannot see its holders exits 2, as for
/// files that are not there.
#[cfg(unix)]
#[test]
fn an_unreadable_source_file_is_named_and_fails_a_gate() {
    let mut cases = vec!["fifo", "loop"];
    // Root reads a file whatever its mode.
    if unsafe { libc::geteuid() } != 0 {
        cases.push("mode");
    }
    for case in cases {
        let dir = module_copy("holders");
        let maps = dir.path().join("maps.go");
        std::fs::remove_file(&maps).unwrap();
        match case {
            "fifo" => {
                let c = std::ffi::CString::new(maps.to_str().unwrap()).unwrap();
                assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
            }
            "loop" => std::os::unix::fs::symlink("maps.go", &maps).unwrap(),
            _ => {
                use std::os::unix::fs::PermissionsExt;
                std::fs::write(&maps, "package holders\n").unwrap();
                std::fs::set_permissions(&maps, std::fs::Permissions::from_mode(0o000)).unwrap();
            }
        }
        for gate in [false, true] {
            let mut args = vec!["--format", "json"];
            if gate {
                args.extend(["--fail-on", "leak-risk"]);
            }
            let child = Command::new(assert_cmd::cargo::cargo_bin!("escape-explain"))
                .args(&args)
                .current_dir(dir.path())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let out = within_a_minute(child, Some(recording()))
                .unwrap_or_else(|| panic!("{case}: the run blocked on maps.go"));
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("maps.go: cannot be read ("), "{case}: {err}");
            if gate {
                assert_eq!(out.status.code(), Some(2), "{case}: {err}");
                assert!(err.contains("could not be read"), "{case}: {err}");
            } else {
                assert_eq!(out.status.code(), Some(0), "{case}: {err}");
                let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(doc["totals"]["unreadable"], 1, "{case}");
            }
        }
    }
}

/// Waits for `child` (fed `input`) for a minute at most: `None` when it was still running and
/// had to be killed.
fn within_a_minute(mut child: std::process::Child, input: Option<Vec<u8>>) -> Option<Output> {
    if let (Some(mut stdin), Some(input)) = (child.stdin.take(), input) {
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(60)) {
        Ok(out) => Some(out.unwrap()),
        Err(_) => {
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            None
        }
    }
}

/// Input with no compiler output in it is not a report: random text, a profile or /dev/zero
/// exits 2 with one line saying what was expected, and reads nothing more than it must. A
/// gzipped log is read through gzip; an empty input is still "nothing to explain", exit 0.
#[test]
fn input_that_is_not_compiler_output_exits_2() {
    let dir = module_copy("holders");
    let text: Vec<u8> = (0..77)
        .flat_map(|i| format!("line {i} of some other tool's output\n").into_bytes())
        .collect();
    let profile =
        std::fs::read(root().join("tests/fixtures/go1.27/profiles/profiles/heap-1.pprof")).unwrap();
    for (what, input) in [("text", text), ("a profile", profile)] {
        let out = feed(bin().current_dir(dir.path()), &input);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        assert_eq!(err.lines().count(), 1, "{what}: {err}");
        assert!(err.contains("expected"), "{what}: {err}");
        assert!(out.stdout.is_empty(), "{what}: a report was written");
    }
    #[cfg(unix)]
    {
        let child = Command::new(assert_cmd::cargo::cargo_bin!("escape-explain"))
            .args(["--input", "/dev/zero"])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = within_a_minute(child, None).expect("--input /dev/zero never ended");
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("not text"));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&recording()).unwrap();
    let (gzipped, out) = totals(dir.path(), &gz.finish().unwrap(), &[]);
    assert_eq!(out.status.code(), Some(0));
    let (plain, _) = totals(dir.path(), &recording(), &[]);
    assert_eq!(gzipped["by_verdict"], plain["by_verdict"]);
    // A gzipped log cut short (a copy that did not finish) is named as such, in one line.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&recording()).unwrap();
    let whole = gz.finish().unwrap();
    let out = feed(
        bin().current_dir(dir.path()).args(["--input", "-"]),
        &whole[..whole.len() / 2],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("damaged or truncated gzip"), "{err}");
    let out = feed(bin().current_dir(dir.path()).args(["--input", "-"]), b"");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("The input was empty"));
}

/// `--only-path` and `--only-package` that match nothing say so, rather than pass for a clean
/// report.
#[test]
fn a_filter_that_matches_nothing_warns() {
    let dir = module_copy("holders");
    let (_, out) = totals(
        dir.path(),
        &recording(),
        &[
            "--only-path",
            "internal/**",
            "--only-package",
            "example.com/nothing/...",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--only-path internal/** matched no file"),
        "{err}"
    );
    assert!(
        err.contains("--only-package example.com/nothing/... matched no package"),
        "{err}"
    );
    let (_, out) = totals(dir.path(), &recording(), &["--only-path", "maps.go"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("matched no"));
}

/// Every file read whole is capped, and refused within its first bytes when it is not what
/// it claims: `/dev/zero` as a profile, a baseline or a side of `diff`; and `diff` of a log
/// with a file that is neither a log nor a report exits 2.
#[cfg(unix)]
#[test]
fn files_read_whole_are_refused_early_when_they_are_not_what_they_claim() {
    let dir = module_copy("holders");
    let log = root().join("tests/fixtures/go1.27/holders/m2-l.txt");
    let log = log.to_str().unwrap();
    let pprof = root().join("tests/fixtures/go1.27/profiles/profiles/heap-1.pprof");
    let junk = dir.path().join("junk.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"nothing a compiler would say\n").unwrap();
    std::fs::write(&junk, gz.finish().unwrap()).unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["--input", log, "--profile", "/dev/zero"],
        vec!["--input", log, "--baseline", "/dev/zero"],
        vec!["diff", log, "/dev/zero"],
        vec!["diff", "/dev/zero", log],
        vec!["diff", log, pprof.to_str().unwrap()],
        vec!["diff", log, junk.to_str().unwrap()],
    ];
    for args in cases {
        let child = Command::new(assert_cmd::cargo::cargo_bin!("escape-explain"))
            .args(&args)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = within_a_minute(child, None).unwrap_or_else(|| panic!("{args:?} never ended"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("stopped escaping"),
            "{args:?}"
        );
    }
}

/// Runs with `-o TARGET` on the holders recording, in `dir`.
fn write_report_to(dir: &Path, target: &str) -> Output {
    std::fs::write(dir.join("build.log"), recording()).unwrap();
    bin()
        .current_dir(dir)
        .args(["--input", "build.log", "--format", "compact", "-o", target])
        .output()
        .unwrap()
}

/// `-o` never damages what it writes over: a symlink is written through, a file keeps its mode
/// and its other names (hard links), a device or a FIFO is written in place and stays what it
/// is, and a new report gets the mode the umask gives.
#[cfg(unix)]
#[test]
fn writing_a_report_over_a_file_keeps_what_the_file_is() {
    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
    let dir = module_copy("holders");
    let d = dir.path();
    let is_report = |p: &Path| {
        let text = std::fs::read_to_string(p).unwrap();
        assert!(text.contains("leak-risk EE0201"), "{}: {text}", p.display());
    };

    std::fs::write(d.join("real.txt"), "old").unwrap();
    std::os::unix::fs::symlink("real.txt", d.join("link.txt")).unwrap();
    assert_success(&write_report_to(d, "link.txt"));
    assert!(
        std::fs::symlink_metadata(d.join("link.txt"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    is_report(&d.join("real.txt"));

    std::fs::write(d.join("private.txt"), "old").unwrap();
    std::fs::set_permissions(
        d.join("private.txt"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    assert_success(&write_report_to(d, "private.txt"));
    assert_eq!(
        std::fs::metadata(d.join("private.txt")).unwrap().mode() & 0o777,
        0o600
    );
    is_report(&d.join("private.txt"));

    std::fs::write(d.join("a.txt"), "old").unwrap();
    std::fs::hard_link(d.join("a.txt"), d.join("b.txt")).unwrap();
    assert_success(&write_report_to(d, "a.txt"));
    assert_eq!(
        std::fs::metadata(d.join("a.txt")).unwrap().ino(),
        std::fs::metadata(d.join("b.txt")).unwrap().ino()
    );
    is_report(&d.join("b.txt"));

    assert_success(&write_report_to(d, "/dev/null"));
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );

    let fifo = d.join("out.fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    assert_success(&write_report_to(d, "out.fifo"));
    assert!(reader.join().unwrap().contains("leak-risk EE0201"));
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());

    let out = {
        std::fs::write(d.join("build.log"), recording()).unwrap();
        let mut cmd = bin();
        cmd.current_dir(d).args([
            "--input",
            "build.log",
            "--format",
            "compact",
            "-o",
            "new.txt",
        ]);
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(|| {
                libc::umask(0o027);
                Ok(())
            });
        }
        cmd.output().unwrap()
    };
    assert_success(&out);
    assert_eq!(
        std::fs::metadata(d.join("new.txt")).unwrap().mode() & 0o777,
        0o640
    );
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn assert_success(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `-o` when the build failed writes the report of what compiled, and says where it is.
#[test]
fn a_failed_build_with_o_writes_what_compiled() {
    let dir = module_copy("holders");
    let mut log = recording();
    log.extend_from_slice(
        b"# example.com/fixtures/holders/broken\n./broken.go:3:5: undefined: foo\n",
    );
    std::fs::write(dir.path().join("build.log"), log).unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args([
            "--input",
            "build.log",
            "--format",
            "compact",
            "-o",
            "report.txt",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("report.txt has the report of the packages that compiled"),
        "{err}"
    );
    assert!(!err.contains("report above"), "{err}");
    let report = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(report.contains("leak-risk EE0201"), "{report}");
}

/// SIGTERM or SIGINT during a run removes the report being written (`-o`) and the test
/// binaries' temporary directory (`--tests`), stops go, and exits 128 + the signal.
#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_nothing_behind() {
    for (sig, tests) in [
        (libc::SIGTERM, false),
        (libc::SIGINT, false),
        (libc::SIGTERM, true),
    ] {
        let dir = module_copy("holders");
        let tmp = tempfile::tempdir().unwrap();
        let fake = tempfile::tempdir().unwrap();
        // A go that never answers: the run waits on it with its temporary directory made.
        let go = fake.path().join("go");
        let sleep = ["/bin/sleep", "/usr/bin/sleep"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .unwrap();
        std::fs::write(&go, format!("#!/bin/sh\nexec {sleep} 60\n")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut cmd = bin();
        cmd.current_dir(dir.path())
            .env("TMPDIR", tmp.path())
            .args(["--format", "compact", "-o", "report.txt"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if tests {
            cmd.env("PATH", fake.path()).arg("--tests");
        } else {
            // A log on a pipe that stays open: the run waits for the rest of it.
            cmd.args(["--input", "-"]).stdin(Stdio::piped());
        }
        let mut child = cmd.spawn().unwrap();
        let mut stdin = child.stdin.take();
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(&recording()[..1000]);
        }
        // Until the run has made what it must remove.
        let made = |p: &Path| {
            std::fs::read_dir(p)
                .unwrap()
                .filter_map(|e| e.ok())
                .any(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        };
        let watched = if tests { tmp.path() } else { dir.path() };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !made(watched) {
            assert!(
                std::time::Instant::now() < deadline,
                "nothing temporary was made"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        unsafe { libc::kill(child.id() as i32, sig) };
        let out = within_a_minute(child, None).expect("the signal did not end the run");
        drop(stdin);
        assert_eq!(
            out.status.code(),
            Some(128 + sig),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!made(dir.path()), "a temporary report was left");
        assert!(!made(tmp.path()), "a temporary directory was left");
        assert!(!dir.path().join("report.txt").exists());
    }
}

/// A package too large for `--max-package-memory` (or ESCAPE_EXPLAIN_MAX_PACKAGE_MEMORY),
/// estimated before its source is parsed, stops the run with its name and exit 2 rather than
/// exhaust memory: reported without its source, or not at all when its diagnostics alone are
/// over the limit.
#[test]
fn a_package_over_the_memory_limit_is_named_not_aborted_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("go.mod"), "module example.com/big\n\ngo 1.22\n").unwrap();
    let mut src = String::from("package big\n");
    let mut log = String::from("# example.com/big\n");
    for i in 0..2000 {
        let line = 2 + 4 * i + 2;
        src.push_str(&format!(
            "func f{i}() *int {{\n\tx := {i}\n\treturn &x\n}}\n"
        ));
        log.push_str(&format!("./big.go:{line}:2: moved to heap: x\n"));
    }
    std::fs::write(d.join("big.go"), src).unwrap();
    std::fs::write(d.join("build.log"), log).unwrap();
    let run = |limit: Option<&str>, env: Option<&str>| {
        let mut c = bin();
        c.current_dir(d)
            .args(["--input", "build.log", "--format", "compact"])
            .env_remove("ESCAPE_EXPLAIN_MAX_PACKAGE_MEMORY");
        if let Some(l) = limit {
            c.args(["--max-package-memory", l]);
        }
        if let Some(e) = env {
            c.env("ESCAPE_EXPLAIN_MAX_PACKAGE_MEMORY", e);
        }
        c.output().unwrap()
    };
    let fine = run(None, None);
    assert_eq!(
        fine.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fine.stderr)
    );
    for out in [run(Some("4MiB"), None), run(None, Some("4MiB"))] {
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("package example.com/big would take about"),
            "{err}"
        );
        assert!(err.contains("reported without its source"), "{err}");
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2000);
    }
    // The flag wins over the variable.
    assert_eq!(run(Some("1GiB"), Some("4MiB")).status.code(), Some(0));
    let out = run(Some("1KiB"), None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("it is not reported"));
}

/// go's generated `_testmain.go` (in a `go test -c` log) has no source the user wrote or can
/// point to: a plain `--tests` log gives no warning about it.
#[test]
fn the_generated_test_main_is_not_missing_source() {
    let dir = module_copy("holders");
    let mut log = recording();
    log.extend_from_slice(
        b"# example.com/fixtures/holders.test\n_testmain.go:151:6: can inline init.0\n_testmain.go:158:42: testdeps.TestDeps{} escapes to heap\n",
    );
    let (_, out) = totals(dir.path(), &log, &["--fail-on", "leak-risk"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("not under"), "{err}");
    assert_eq!(out.status.code(), Some(1), "{err}");
}

/// A report written to a file (or a pipe) has its one-line findings whole: they are shortened
/// only on a terminal, and then by their subject, never their reason.
#[test]
fn one_line_findings_are_whole_in_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("go.mod"), "module example.com/long\n\ngo 1.22\n").unwrap();
    std::fs::write(
        d.join("a.go"),
        "package long\n\ntype item struct{ v int }\n\nfunc New() map[interface{}]*item {\n\treturn make(map[interface{}]*item, 1024)\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("build.log"),
        "# example.com/long\n./a.go:6:13: make(map[interface {}]*item, 1024) escapes to heap\n",
    )
    .unwrap();
    let out = bin()
        .current_dir(d)
        .args(["--input", "build.log", "-o", "report.txt"])
        .env("COLUMNS", "60")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = std::fs::read_to_string(d.join("report.txt")).unwrap();
    let line = report
        .lines()
        .find(|l| l.contains("EE0"))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(
        line.contains("`make(map[interface {}]*item, 1024)` is on the heap: "),
        "{line}"
    );
    assert!(!report.lines().any(|l| l.ends_with("...")), "{report}");
}
