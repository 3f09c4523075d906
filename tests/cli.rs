//! The command line on saved logs: formats, stdin detection, bad input and exit codes. These
//! run without Go.

use assert_cmd::Command;
use assert_cmd::assert::OutputAssertExt;
use predicates::prelude::*;

mod common;
use common::assert_success;

const LOG: &str = "# example.com/m
./main.go:6:2: x escapes to heap in retAddr:
./main.go:6:2:   flow: ~r0 ← &x:
./main.go:6:2:     from &x (address-of) at ./main.go:7:9
./main.go:6:2:     from return &x (return) at ./main.go:7:2
./main.go:6:2: moved to heap: x
./main.go:11:14: ... argument does not escape
./main.go:11:15: n escapes to heap
";

fn cmd() -> Command {
    let mut c = Command::from_std(common::tool());
    for v in ["GOFLAGS", "CI"] {
        c.env_remove(v);
    }
    c
}

fn module_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/m\n\ngo 1.21\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("main.go"), "package main\n").unwrap();
    dir
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("stdout is one JSON document")
}

#[test]
fn reads_a_piped_log() {
    let dir = module_dir();
    let out = cmd()
        .current_dir(dir.path())
        .args(["--format", "list"])
        .write_stdin(LOG)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("example.com/m"), "{text}");
    assert!(text.contains("main.go"), "{text}");
    assert!(text.contains("moved to heap: x"), "{text}");
    assert!(
        text.contains("Read 8 lines from standard input: 3 diagnostics in 1 package."),
        "{text}"
    );
}

#[test]
fn input_file_and_dash_give_the_same_json() {
    let dir = module_dir();
    let log = dir.path().join("build.log");
    std::fs::write(&log, LOG).unwrap();
    let from_file = cmd()
        .current_dir(dir.path())
        .args(["--input", "build.log", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let from_dash = cmd()
        .current_dir(dir.path())
        .args(["--input", "-", "--format", "json"])
        .write_stdin(LOG)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mut a = json(&from_file);
    let mut b = json(&from_dash);
    a["origin"] = serde_json::Value::Null;
    b["origin"] = serde_json::Value::Null;
    assert_eq!(a, b);
    assert_eq!(a["schema"], 2);
    assert_eq!(a["totals"]["diagnostics"], 3);
    assert_eq!(a["totals"]["by_kind"]["moved-to-heap"], 1);
    let d = &a["packages"][0]["diagnostics"][0];
    assert_eq!(d["kind"], "moved-to-heap");
    assert_eq!(d["position"]["path"], "main.go");
    assert_eq!(d["function"], "retAddr");
    assert_eq!(
        d["explanations"][0]["flows"][0]["steps"][1]["reason"],
        "return"
    );
    assert_eq!(a["unrecognized"].as_array().unwrap().len(), 0);
}

#[test]
fn json_reads_back_into_the_documented_type() {
    let out = cmd()
        .args(["--input", "-", "--format", "json"])
        .write_stdin(LOG)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc = escape_explain::render::json::read_document(std::str::from_utf8(&out).unwrap())
        .expect("the output parses as a Document");
    assert_eq!(doc.packages[0].section.diagnostics.len(), 3);
    assert_eq!(doc.packages[0].findings.len(), 3);
}

#[test]
fn unrecognized_lines_are_counted_kept_and_shown_with_verbose() {
    let log = format!("{LOG}./main.go:3:1: something new the compiler says\n");
    cmd()
        .args(["--format", "list"])
        .write_stdin(log.clone())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1 line was not understood (--verbose lists them).",
        ));
    cmd()
        .write_stdin(log.clone())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1 line of the input was not understood",
        ));
    cmd()
        .args(["--verbose", "--format", "list"])
        .write_stdin(log.clone())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "9: ./main.go:3:1: something new the compiler says",
        ));
    let out = cmd()
        .args(["--format", "json"])
        .write_stdin(log)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    assert_eq!(v["input"]["unrecognized_lines"], 1);
    assert_eq!(v["unrecognized"][0]["line"], 9);
    assert_eq!(v["unrecognized"][0]["package"], "example.com/m");
}

#[test]
fn bad_input_is_summarized_not_panicked_on() {
    // Empty input.
    cmd()
        .args(["--input", "-", "--format", "list"])
        .write_stdin("")
        .assert()
        .success()
        .stdout(predicate::str::contains("The input was empty"));
    // Invalid UTF-8 among compiler lines: counted.
    let mut mixed = LOG.as_bytes().to_vec();
    mixed.extend([0xff, 0xfe, b'\n', 0x80, b'a', b'\n']);
    cmd()
        .args(["--input", "-", "--format", "list"])
        .write_stdin(mixed)
        .assert()
        .success()
        .stdout(predicate::str::contains("2 lines were not understood"))
        .stdout(predicate::str::contains("2 lines were not valid UTF-8"));
    // Binary data (a NUL byte), or lines none of which is compiler output: not a report.
    cmd()
        .args(["--input", "-", "--format", "list"])
        .write_stdin(vec![0u8, 0xff, 0xfe, b'\n', 0x80, b'a', b'\n'])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("not text"));
    cmd()
        .args(["--input", "-", "--format", "list"])
        .write_stdin(vec![0xff, 0xfe, b'\n', 0x80, b'a', b'\n'])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("is not compiler output"));
    // CRLF line ends parse like LF.
    cmd()
        .args(["--input", "-", "--format", "json"])
        .write_stdin(LOG.replace('\n', "\r\n"))
        .assert()
        .success()
        .stdout(predicate::str::contains("\"diagnostics\":3"));
    // A truncated last line.
    cmd()
        .args(["--input", "-", "--format", "list"])
        .write_stdin(&LOG[..LOG.len() - 1])
        .assert()
        .success()
        .stdout(predicate::str::contains("The last line had no line ending"));
    // A 1 MB line.
    let mut long = LOG.to_string();
    long.push_str(&"x".repeat(1 << 20));
    long.push('\n');
    cmd()
        .args(["--input", "-", "--format", "list"])
        .write_stdin(long)
        .assert()
        .success()
        .stdout(predicate::str::contains("1 line was not understood"));
}

#[test]
fn the_default_report_explains_and_sums_up() {
    let dir = module_dir();
    std::fs::write(
        dir.path().join("main.go"),
        "package main\n\nimport \"fmt\"\n\nfunc retAddr() *int {\n\tx := 1\n\treturn &x\n}\n\nfunc main() {\n\tn := 1\n\tfmt.Println(n)\n}\n",
    )
    .unwrap();
    let out = cmd()
        .current_dir(dir.path())
        .args(["--color", "never"])
        .write_stdin(LOG)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("heap      EE0101 main.go:6:2: `x` is on the heap: returned to the caller"),
        "{text}"
    );
    assert!(
        text.contains(
            "heap      EE0102 main.go:11:15: `n` is on the heap: boxed into an interface"
        ),
        "{text}"
    );
    assert!(
        text.contains("2 allocations on the heap; none kept by a long-lived holder."),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no color when asked for none");
}

#[test]
fn unreadable_input_is_one_line_and_exit_2() {
    cmd()
        .args(["--input", "/nonexistent/build.log"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::is_match("^escape-explain: cannot read /nonexistent/build.log: .*\n$")
                .unwrap(),
        );
}

#[test]
fn missing_go_is_one_line_and_exit_2() {
    let dir = module_dir();
    let empty = tempfile::tempdir().unwrap();
    // Standard input is /dev/null, not a pipe, so escape-explain tries to run the build.
    let mut c = common::tool();
    c.current_dir(dir.path())
        .env("PATH", empty.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
        .assert()
        .code(2)
        .stderr(
            predicate::str::is_match("^escape-explain: `go` was not found on PATH; install Go 1.21 or newer.*pipe a saved log.*\n$")
                .unwrap(),
        );
}

#[test]
fn bad_flags_exit_2() {
    cmd()
        .args(["--format", "xml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'xml'"));
    cmd().args(["--input", "x.log", "./..."]).assert().code(2);
}

/// Regression: GOROOT positions from the recording machine were reported as the user's code
/// on any machine where that path did not exist, and hidden where it did.
#[test]
fn goroot_positions_are_outside_the_module_whether_or_not_the_file_exists_here() {
    let dir = module_dir();
    let other = tempfile::tempdir().unwrap();
    let present = other.path().join("hashtriemap.go");
    std::fs::write(&present, "package sync\n").unwrap();
    let log = format!(
        "{LOG}{p}:88:7: ht does not escape\n/nonexistent/go/src/internal/sync/hashtriemap.go:88:7: ht does not escape\n",
        p = present.display()
    );
    let out = cmd()
        .current_dir(dir.path())
        .args(["--format", "json", "--all"])
        .write_stdin(log)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let findings = v["packages"][0]["findings"].as_array().expect("findings");
    // The compiler's lines are all kept as diagnostics; only the module's become findings.
    assert_eq!(v["totals"]["diagnostics"], 5);
    assert_eq!(findings.len(), 3, "{findings:?}");
    assert!(
        findings
            .iter()
            .all(|f| !f.to_string().contains("hashtriemap")),
        "{findings:?}"
    );
    assert_eq!(v["totals"]["external"], 2, "hidden, and counted");

    // A recording's `$GOROOT/` is outside too; --external lists what is hidden.
    let log = format!("{LOG}$GOROOT/src/internal/sync/hashtriemap.go:88:7: ht does not escape\n");
    let text = cmd()
        .current_dir(dir.path())
        .args(["--all", "--format", "list"])
        .write_stdin(log.clone())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(!text.contains("hashtriemap"), "{text}");
    assert!(
        text.contains("1 finding in code outside the module"),
        "{text}"
    );
    let text = cmd()
        .current_dir(dir.path())
        .args(["--all", "--external", "--format", "list"])
        .write_stdin(log)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(text).unwrap().contains("hashtriemap"));
}

/// A file that does not parse does not stop the rest of the package: the other files still
/// give verdicts, and each finding names the file that could not be read.
#[test]
fn a_syntax_error_in_one_file_is_named_and_the_rest_still_judged() {
    let dir = module_dir();
    std::fs::write(
        dir.path().join("main.go"),
        "package main\n\nvar cache = map[string]*int{}\n\nfunc put(k string, v *int) {\n\tcache[k] = v\n}\n\nfunc main() {}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.go"),
        "package main\n\nfunc drop(k string) {\n\tdelete(cache, k\n}\n",
    )
    .unwrap();
    let log =
        "# example.com/m\n./main.go:5:10: leaking param: k\n./main.go:5:20: leaking param: v\n";
    let out = cmd()
        .current_dir(dir.path())
        .args(["--format", "json"])
        .write_stdin(log)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let findings = v["packages"][0]["findings"].as_array().expect("findings");
    assert!(!findings.is_empty(), "{v}");
    let put = findings
        .iter()
        .find(|f| f["code"] == "EE0201")
        .unwrap_or_else(|| panic!("the store in main.go is judged: {findings:?}"));
    assert!(
        put.to_string()
            .contains("could not read all of `broken.go` (line 4)"),
        "{put}"
    );
}

#[test]
fn list_and_json_honour_verdict_while_totals_stay_complete() {
    let dir = module_dir();
    let list = cmd()
        .current_dir(dir.path())
        .args(["--format", "list", "--verdict", "stack", "--input", "-"])
        .write_stdin(LOG)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let list = String::from_utf8(list).unwrap();
    assert!(list.contains("stack"), "{list}");
    assert!(
        !list.contains(" heap "),
        "--verdict stack lists no heap finding:\n{list}"
    );

    let out = cmd()
        .current_dir(dir.path())
        .args(["--format", "json", "--verdict", "stack", "--input", "-"])
        .write_stdin(LOG)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    let findings: Vec<&serde_json::Value> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["findings"].as_array().unwrap())
        .collect();
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f["verdict"] == "stack"));
    assert!(
        doc["totals"].to_string().contains("heap"),
        "totals count every verdict: {}",
        doc["totals"]
    );
}

/// Code outside the module is hidden and counted; with --external it is shown, with the line of
/// the module that brought it in when the flow names one.
#[test]
fn external_code_names_the_users_call_site() {
    let dir = module_dir();
    let log = "# example.com/m
$GOROOT/src/internal/sync/hashtriemap.go:88:7: new(node) escapes to heap in F:
$GOROOT/src/internal/sync/hashtriemap.go:88:7:   flow: {heap} ← &{storage for new(node)}:
$GOROOT/src/internal/sync/hashtriemap.go:88:7:     from new(node) (spill) at ./main.go:1:1
$GOROOT/src/internal/sync/hashtriemap.go:88:7: new(node) escapes to heap
";
    let out = cmd()
        .current_dir(dir.path())
        .args(["--format", "json", "--external"])
        .write_stdin(log)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    let f = &doc["packages"][0]["findings"][0];
    assert!(
        f["evidence"][0]["note"]
            .as_str()
            .unwrap()
            .contains("instantiated or inlined for the call at main.go:1:1"),
        "{f}"
    );
}

/// A demo in a machine format is one document; its banner goes to standard error.
#[test]
fn a_demo_in_json_is_one_document() {
    let out = cmd()
        .args(["demo", "map-cache", "--recorded", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let doc = json(&out.stdout);
    assert_eq!(doc["schema"], 2);
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("Demo map-cache:"));
}

/// Runs escape-explain under a pseudo-terminal (`script`), its report to a file: what the
/// terminal shows is standard error alone. The terminal is a capable one whatever the test runs
/// under: with `TERM` unset or `dumb` (many CI runners) no progress line is drawn.
fn on_a_terminal(args: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("two.log");
    let mut text = String::new();
    for p in ["a", "b"] {
        text.push_str(&format!("# example.com/{p}\n"));
        for i in 1..200 {
            text.push_str(&format!("./{p}.go:{i}:2: v{i} escapes to heap\n"));
        }
    }
    std::fs::write(&log, text).unwrap();
    let cmd = format!(
        "{} {args} --input {} --format json > {}",
        env!("CARGO_BIN_EXE_escape-explain"),
        log.display(),
        dir.path().join("out.json").display()
    );
    let mut script = std::process::Command::new("script");
    for v in common::TERMINAL_VARS {
        script.env_remove(v);
    }
    let out = script
        .args(["-qec", &cmd, "/dev/null"])
        .env("TERM", "xterm-256color")
        .env("ESCAPE_EXPLAIN_PROGRESS_DELAY_MS", "0")
        .current_dir(dir.path())
        .output()
        .expect("script (util-linux) runs a command on a pseudo-terminal");
    assert_success(&out, "");
    let report = std::fs::read_to_string(dir.path().join("out.json")).unwrap();
    assert!(report.contains("\"example.com/b\""), "{report}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn progress_shows_on_a_terminal_and_not_with_quiet() {
    let shown = on_a_terminal("");
    assert!(shown.contains("2 packages read"), "{shown:?}");
    let quiet = on_a_terminal("--quiet");
    assert!(!quiet.contains("packages read"), "{quiet:?}");
}

#[test]
fn progress_never_shows_when_standard_error_is_piped() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("one.log");
    std::fs::write(&log, "# example.com/a\n./a.go:1:2: v escapes to heap\n").unwrap();
    let out = common::tool()
        .args(["--input", log.to_str().unwrap(), "--format", "json"])
        .env("ESCAPE_EXPLAIN_PROGRESS_DELAY_MS", "0")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("packages"));
}
