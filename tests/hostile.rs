//! Input that loses data when read naively: the same recording written the ways logs really
//! reach us (colour codes from a CI console, CR-only or CRLF line ends, a BOM, UTF-16 from
//! PowerShell, `go build -json` events, twice over, a stream with no newline) must give the
//! same findings as the plain recording, or say clearly why not.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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
        Command::new(assert_cmd::cargo::cargo_bin!("escape-explain"))
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
    let endless = vec![b'x'; 8 << 20];
    let (t, out) = totals(dir.path(), &endless, &[]);
    assert_eq!(t["diagnostics"], 0);
    let doc_unrecognized = String::from_utf8_lossy(&out.stdout);
    assert!(doc_unrecognized.contains("\"unrecognized_lines\":1"));
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
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("escape-explain"));
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
    let out = Command::new(assert_cmd::cargo::cargo_bin!("escape-explain"))
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

/// Terminal control sequences in a log never reach the terminal the report is printed on.
#[test]
fn control_sequences_in_a_log_are_not_printed() {
    let dir = module_copy("holders");
    let mut log = recording();
    log.extend_from_slice(
        b"# example.com/fixtures/holders\n./a.go:1:2: \x1b]0;owned\x07x\x1b[2J escapes to heap\n",
    );
    for format in ["text", "list", "compact"] {
        let out = feed(
            bin().current_dir(dir.path()).args([
                "--all", "--color", "never", "--format", format, "--input", "-",
            ]),
            &log,
        );
        assert!(
            !out.stdout.iter().any(|&b| b == 0x1b || b == 0x07),
            "{format}"
        );
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
        b"# m\n./a.go:99999999999:2: x escapes to heap\n",
        &[],
    );
    assert_eq!(t["diagnostics"], 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"unrecognized_lines\":1"));
}

/// `demo cstring` with go but no C compiler falls back to its recording and says why.
#[test]
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

/// A control character inside the Go source (a raw string literal) is shown as `?` in code
/// frames, never sent to the terminal.
#[test]
fn control_characters_in_the_source_are_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/m\n\ngo 1.21\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.go"),
        "package main\n\nvar keep = map[string]*string{}\n\nfunc put(k string) *string {\n\ts := k + \"\x1b]0;owned\x07\"\n\treturn &s\n}\n",
    )
    .unwrap();
    let log = "# example.com/m\n./main.go:6:2: moved to heap: s\n";
    let out = feed(
        bin().current_dir(dir.path()).args([
            "--verdict",
            "heap",
            "--color",
            "never",
            "--input",
            "-",
        ]),
        log.as_bytes(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("]0;owned?"),
        "the frame shows the line: {text}"
    );
    assert!(
        !out.stdout.iter().any(|&b| b == 0x1b || b == 0x07),
        "{text}"
    );
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
        let out = Command::new(env!("CARGO_BIN_EXE_escape-explain"))
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
