//! Runs escape-explain against a real `go`. When go is not on PATH at build time these tests
//! are ignored with that reason (the build script sets `cfg(no_go)`); with CI=true a missing go
//! fails the run. A go that is found but does not run makes each test say it was skipped.

use std::path::Path;

use std::process::{Command, Stdio};

use assert_cmd::assert::OutputAssertExt;

mod common;
use common::assert_success;

fn go_available(test: &str) -> bool {
    let found = std::process::Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{test}: `go` is not on PATH, and CI=true requires the live tests to run");
        }
        eprintln!("{test}: skipped, `go` is not on PATH");
    }
    found
}

/// Under CI the live tests must run: a go missing when they were built fails here, since an
/// ignored test cannot.
#[test]
fn ci_builds_the_live_tests_with_go() {
    if cfg!(no_go) && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "`go` was not on PATH when the tests were built, and CI=true requires the live tests to run"
        );
    }
}

/// A command with a private build cache, so tests neither see nor disturb the user's. Standard
/// input is /dev/null, as from a terminal-less job: a pipe would be read as a saved log.
fn cmd(cache: &Path) -> Command {
    let mut c = common::tool();
    c.stdin(Stdio::null()).env_remove("GOFLAGS");
    c.env("GOCACHE", cache)
        .env("GOTOOLCHAIN", "local")
        .env("GOWORK", "off");
    c
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let p = root.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

const MODULE: &[(&str, &str)] = &[
    ("go.mod", "module example.com/live\n\ngo 1.21\n"),
    (
        "main.go",
        "package main\n\nimport \"example.com/live/lib\"\n\nfunc main() {\n\tp := lib.New()\n\tprintln(*p)\n}\n",
    ),
    (
        "lib/lib.go",
        "package lib\n\n// New returns the address of a local: it moves to the heap.\nfunc New() *int {\n\tx := 42\n\treturn &x\n}\n",
    ),
];

/// Builds the module in `dir` with `-gcflags=-m=2 -l` (and `env`, `args`) and saves what the
/// compiler printed as `build.log` there.
fn save_log(dir: &Path, cache: &Path, env: &[(&str, &str)], args: &[&str]) {
    let out = Command::new("go")
        .current_dir(dir)
        .envs(env.iter().copied())
        .env("GOCACHE", cache)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "")
        .args(["build", "-gcflags=-m=2 -l"])
        .args(args)
        .arg("./...")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(dir.join("build.log"), &out.stderr).unwrap();
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("stdout is one JSON document")
}

fn find<'a>(doc: &'a serde_json::Value, message: &str) -> Option<&'a serde_json::Value> {
    doc["packages"]
        .as_array()?
        .iter()
        .flat_map(|p| p["diagnostics"].as_array().unwrap().iter())
        .find(|d| d["message"] == message)
}

#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn wrapper_mode_builds_the_module() {
    if !go_available("wrapper_mode_builds_the_module") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(dir.path(), MODULE);
    let out = cmd(cache.path())
        .current_dir(dir.path())
        .args(["--format", "json"])
        .output()
        .unwrap()
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    let d = find(&doc, "moved to heap: x").expect("moved to heap: x is reported");
    assert_eq!(d["position"]["path"], "lib/lib.go");
    assert_eq!(d["position"]["line"], 5);
    assert!(
        !d["explanations"].as_array().unwrap().is_empty(),
        "-m=2 flows are attached"
    );
    assert!(doc["go_version"].as_str().unwrap().starts_with("go1."));
    assert_eq!(doc["origin"]["args"][3], "-gcflags=-m=2 -l");
    // What go printed is counted as read, as for a log.
    assert!(
        doc["input"]["bytes"].as_u64().unwrap() > 100,
        "{}",
        doc["input"]
    );
}

#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn cached_replay_paths_resolve_from_another_directory() {
    if !go_available("cached_replay_paths_resolve_from_another_directory") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(dir.path(), MODULE);
    // First build from the module root fills the cache with root-relative paths.
    cmd(cache.path())
        .current_dir(dir.path())
        .output()
        .unwrap()
        .assert()
        .success();
    // The second, from lib/, is replayed verbatim: go prints `lib/lib.go`, which is wrong from
    // lib/, and escape-explain must still find the file.
    let out = cmd(cache.path())
        .current_dir(dir.path().join("lib"))
        .args(["--format", "json", "."])
        .output()
        .unwrap()
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    let d = find(&doc, "moved to heap: x").expect("replayed diagnostics are reported");
    assert_eq!(
        d["position"]["file"], "lib/lib.go",
        "go replayed the first build's paths"
    );
    assert_eq!(d["position"]["path"], "lib/lib.go");
    // And -C from outside the module.
    let out = cmd(cache.path())
        .current_dir(dir.path().parent().unwrap())
        .arg("-C")
        .arg(dir.path().join("lib"))
        .args(["--format", "json", "."])
        .output()
        .unwrap()
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    assert_eq!(
        find(&doc, "moved to heap: x").unwrap()["position"]["path"],
        "lib/lib.go"
    );
}

#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn a_failing_build_reports_what_compiled_and_exits_2() {
    if !go_available("a_failing_build_reports_what_compiled_and_exits_2") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(dir.path(), MODULE);
    write(
        dir.path(),
        &[(
            "broken/broken.go",
            "package broken\n\nfunc F() {\n\ty := 1\n}\n",
        )],
    );
    let assert = cmd(cache.path())
        .current_dir(dir.path())
        .args(["./lib", "./broken"])
        .output()
        .unwrap()
        .assert()
        .code(2);
    let out = assert.get_output();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("`x` is on the heap: returned to the caller"),
        "{stdout}"
    );
    assert!(stderr.contains("# example.com/live/broken"), "{stderr}");
    assert!(
        stderr.contains("broken/broken.go:4:2: declared and not used"),
        "{stderr}"
    );
    assert!(
        stderr.contains("escape-explain: go build failed"),
        "{stderr}"
    );
}

#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn outside_a_module_go_says_why_and_exit_2() {
    if !go_available("outside_a_module_go_says_why_and_exit_2") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    cmd(cache.path())
        .current_dir(dir.path())
        .env("GO111MODULE", "on")
        .output()
        .unwrap()
        .assert()
        .code(2)
        .stderr(predicates::str::is_match("^escape-explain: .*(go.mod|main module)").unwrap());
}

#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn a_pattern_that_matches_nothing_exits_2() {
    if !go_available("a_pattern_that_matches_nothing_exits_2") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(dir.path(), MODULE);
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    // go itself exits 0 here, with a warning; escape-explain must not report an empty success.
    cmd(cache.path())
        .current_dir(dir.path())
        .arg("./empty/...")
        .output()
        .unwrap()
        .assert()
        .code(2)
        .stderr(predicates::str::contains("matched no packages"));
}

/// go test's vet checks fail a test build that go build accepts (`t.Fatalf(msg)` with a
/// go.mod of 1.24 or later): `--tests` reports the test files all the same.
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn tests_flag_is_not_stopped_by_vet() {
    if !go_available("tests_flag_is_not_stopped_by_vet") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("go.mod", "module example.com/vetted\n\ngo 1.24\n"),
            (
                "lib.go",
                "package lib\n\nvar kept []*int\n\nfunc Keep() {\n\tv := 1\n\tkept = append(kept, &v)\n}\n",
            ),
            (
                "lib_test.go",
                "package lib\n\nimport \"testing\"\n\nfunc TestKeep(t *testing.T) {\n\tmsg := t.Name()\n\tKeep()\n\tif len(kept) == 0 {\n\t\tt.Fatalf(msg)\n\t}\n}\n",
            ),
        ],
    );
    let out = cmd(cache.path())
        .current_dir(dir.path())
        .args(["--format", "compact", "--tests"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("lib.go:7:2: leak-risk EE0202")),
        "{text}"
    );
}

#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn tests_flag_reports_test_files() {
    if !go_available("tests_flag_reports_test_files") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(dir.path(), MODULE);
    write(
        dir.path(),
        &[(
            "lib/lib_test.go",
            "package lib\n\nimport \"testing\"\n\nvar kept = map[string]*int{}\n\nfunc keep(k string) {\n\tv := 1\n\tkept[k] = &v\n}\n\nfunc TestNew(t *testing.T) {\n\tkeep(t.Name())\n}\n",
        )],
    );
    let without = cmd(cache.path())
        .current_dir(dir.path())
        .args(["--format", "compact"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&without.stdout).contains("lib_test.go"));
    let with = cmd(cache.path())
        .current_dir(dir.path())
        .args(["--format", "compact", "--tests"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&with.stdout);
    assert_success(&with, "");
    assert!(
        out.lines()
            .any(|l| l.starts_with("lib/lib_test.go:9:2: leak-risk EE0201")),
        "{out}"
    );
}

#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn generated_files_are_hidden_unless_asked() {
    if !go_available("generated_files_are_hidden_unless_asked") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(dir.path(), MODULE);
    write(
        dir.path(),
        &[(
            "lib/gen.go",
            "// Code generated by hand for this test. DO NOT EDIT.\n\npackage lib\n\nvar table = map[string]*int{}\n\nfunc Put(k string) {\n\tv := 1\n\ttable[k] = &v\n}\n",
        )],
    );
    let hidden = cmd(cache.path())
        .current_dir(dir.path())
        .args(["--format", "compact"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&hidden.stdout).contains("gen.go"));
    let shown = cmd(cache.path())
        .current_dir(dir.path())
        .args(["--format", "compact", "--generated"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains("lib/gen.go:9:2: leak-risk EE0201"),
        "{}",
        String::from_utf8_lossy(&shown.stdout)
    );
}

#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn a_demo_runs_live_with_go() {
    if !go_available("a_demo_runs_live_with_go") {
        return;
    }
    let cache = tempfile::tempdir().unwrap();
    let out = cmd(cache.path())
        .args(["demo", "map-cache", "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_success(&out, "");
    assert!(text.contains("Analysed live with the local go."), "{text}");
    assert!(
        text.contains("live in heap.pprof: `&Entry{...}`, `make([]byte, 4096)` and `key` are kept in a package-level map `entries`"),
        "{text}"
    );
}

/// Regression: a module made only of generic code printed "The input was empty" and exited 0:
/// the compiler says nothing for code nothing instantiates, but goroutines still leak.
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn a_generic_only_module_still_gets_the_source_rules() {
    if !go_available("a_generic_only_module_still_gets_the_source_rules") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/genericonly");
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    let out = cmd(cache.path())
        .current_dir(dir.path())
        .args(["--color", "never", "--fail-on", "leak-risk"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("leak-risk[EE0303]"), "{text}");
    assert!(text.contains("retained[EE0309]"), "{text}");
    assert!(
        text.contains("go build printed no escape diagnostics"),
        "{text}"
    );
    assert!(text.contains("--tests"), "{text}");
}

/// In wrapper mode the files in the build are go's answer (`go list`), so tags that reach go
/// another way than `--tags` (here GOFLAGS) decide which releases count.
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn wrapper_mode_takes_the_files_in_the_build_from_go_list() {
    if !go_available("wrapper_mode_takes_the_files_in_the_build_from_go_list") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("go.mod", "module example.com/tagged\n\ngo 1.21\n"),
            (
                "store.go",
                "package tagged\n\ntype T struct{ b []byte }\n\nvar m = map[string]*T{}\n\nfunc Add(k string) {\n\tm[k] = &T{b: make([]byte, 64)}\n}\n",
            ),
            (
                "purge.go",
                "//go:build integration\n\npackage tagged\n\nfunc Purge(k string) { delete(m, k) }\n",
            ),
        ],
    );
    let verdict_at_add = |goflags: &str| {
        let out = cmd(cache.path())
            .current_dir(dir.path())
            .env("GOFLAGS", goflags)
            .args(["--format", "json"])
            .output()
            .unwrap()
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let doc = json(&out);
        doc["packages"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["findings"].as_array().unwrap().iter())
            .filter(|f| f["position"]["line"] == 8)
            .map(|f| f["verdict"].as_str().unwrap().to_string())
            .max_by_key(|v| v == "leak-risk")
            .unwrap_or_default()
    };
    assert_eq!(verdict_at_add(""), "leak-risk");
    assert_eq!(verdict_at_add("-tags=integration"), "retained");
}

/// In a go.work workspace, every package the patterns match is reported, from any module's
/// directory, with its holder verdicts.
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn a_workspace_reports_every_module_it_builds() {
    if !go_available("a_workspace_reports_every_module_it_builds") {
        return;
    }
    let ws = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(
        ws.path(),
        &[
            ("go.work", "go 1.21\n\nuse (\n\t./a\n\t./b\n)\n"),
            ("a/go.mod", "module example.com/a\n\ngo 1.21\n"),
            (
                "a/a.go",
                "package a\n\nvar seen = map[string]*int{}\n\nfunc Keep(k string) {\n\tv := len(k)\n\tseen[k] = &v\n}\n",
            ),
            ("b/go.mod", "module example.com/b\n\ngo 1.21\n"),
            (
                "b/b.go",
                "package b\n\nfunc New() *int {\n\tx := 1\n\treturn &x\n}\n",
            ),
        ],
    );
    let out = cmd(cache.path())
        .env_remove("GOWORK")
        .arg("-C")
        .arg(ws.path().join("b"))
        .args(["--format", "json", "example.com/a", "example.com/b"])
        .output()
        .unwrap();
    assert_success(&out, "");
    let doc = json(&out.stdout);
    let packages: Vec<&str> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["package"].as_str().unwrap())
        .collect();
    assert!(packages.contains(&"example.com/a"), "{packages:?}");
    assert!(packages.contains(&"example.com/b"), "{packages:?}");
    let leak = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["findings"].as_array().unwrap())
        .any(|f| f["verdict"] == "leak-risk");
    assert!(leak, "module a's map is judged from its source: {doc}");
}

/// Facts cross the modules of a workspace: module b's buffer, handed to module a's `Keep`,
/// is kept in a's package-level map, and b's finding names it.
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn facts_cross_the_modules_of_a_workspace() {
    if !go_available("facts_cross_the_modules_of_a_workspace") {
        return;
    }
    let ws = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(
        ws.path(),
        &[
            ("go.work", "go 1.21\n\nuse (\n\t./a\n\t./b\n)\n"),
            ("a/go.mod", "module example.com/a\n\ngo 1.21\n"),
            (
                "a/a.go",
                "package a\n\nvar kept = map[string][]byte{}\n\nfunc Keep(k string, b []byte) { kept[k] = b }\n",
            ),
            ("b/go.mod", "module example.com/b\n\ngo 1.21\n"),
            (
                "b/b.go",
                "package b\n\nimport \"example.com/a\"\n\nfunc Save(k string, p []byte) {\n\tbuf := make([]byte, len(p))\n\tcopy(buf, p)\n\ta.Keep(k, buf)\n}\n",
            ),
        ],
    );
    let out = cmd(cache.path())
        .env_remove("GOWORK")
        .arg("-C")
        .arg(ws.path().join("b"))
        .args(["--format", "json", "./..."])
        .output()
        .unwrap();
    assert_success(&out, "");
    let doc = json(&out.stdout);
    let kept = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["findings"].as_array().unwrap())
        .find(|f| f["position"]["line"] == 8 && f["position"]["path"] == "b.go")
        .unwrap_or_else(|| panic!("no finding at b.go:8: {doc}"));
    assert_eq!(kept["verdict"], "leak-risk", "{kept}");
    assert_eq!(kept["holder"]["name"], "a.kept", "{kept}");
}

/// `--profile` in wrapper mode: the build is run, and the recorded profile of the same module
/// (taken by another toolchain's -trimpath build) lands on its lines.
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn a_profile_joins_the_findings_of_a_build() {
    if !go_available("a_profile_joins_the_findings_of_a_build") {
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = tempfile::tempdir().unwrap();
    let out = cmd(cache.path())
        .current_dir(root.join("tests/go/profiles"))
        .args([
            "--format",
            "compact",
            "--profile",
            "../../fixtures/go1.21/profiles/profiles/heap-2.pprof",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_success(&out, "");
    let line = text
        .lines()
        .find(|l| l.starts_with("grow.go:15:2: leak-risk EE0201"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains("MiB") && line.contains("live in heap-2.pprof"),
        "{line}"
    );
}

/// `--format html` in wrapper mode, written with `-o`: the built module's lines carry their
/// verdicts.
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn an_html_page_of_a_build() {
    if !go_available("an_html_page_of_a_build") {
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = tempfile::tempdir().unwrap();
    let page = cache.path().join("page.html");
    let out = cmd(cache.path())
        .current_dir(root.join("tests/go/profiles"))
        .args(["--format", "html", "-o"])
        .arg(&page)
        .output()
        .unwrap();
    assert_success(&out, "");
    assert!(out.stdout.is_empty(), "the page went to the file");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains(r#"data-file="grow.go" data-line="15" data-verdict="leak-risk""#),
        "{html}"
    );
}

/// `--tests` on a module whose packages go compiles twice (for their importers, and with their
/// tests): every run gives the same report, byte for byte, with the holder in a test file.
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn tests_flag_gives_the_same_report_every_run() {
    if !go_available("tests_flag_gives_the_same_report_every_run") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/variants");
    let mut stack = vec![src.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let to = dir.path().join(p.strip_prefix(&src).unwrap());
            if p.is_dir() {
                std::fs::create_dir_all(&to).unwrap();
                stack.push(p);
            } else {
                std::fs::copy(&p, to).unwrap();
            }
        }
    }
    let run = || {
        let out = cmd(cache.path())
            .current_dir(dir.path())
            .args(["--tests", "--format", "json"])
            .output()
            .unwrap();
        assert_success(&out, "--tests --format json: ");
        out.stdout
    };
    let first = run();
    for _ in 0..2 {
        assert!(run() == first, "two runs of the same build differ");
    }
    let doc = json(&first);
    // The temporary directory of the test binaries is not named.
    let args = doc["origin"]["args"].to_string();
    assert!(args.contains("\"<temporary directory>/\""), "{args}");
    let registry = "example.com/fixtures/variants/registry";
    let holders: Vec<&serde_json::Value> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["package"] == registry)
        .flat_map(|p| p["findings"].as_array().unwrap())
        .filter(|f| f["verdict"] == "leak-risk" && f["holder"]["kind"] == "goroutine")
        .collect();
    let files: Vec<&str> = holders
        .iter()
        .filter_map(|f| f["position"]["path"].as_str())
        .collect();
    assert_eq!(
        files,
        ["registry/registry.go", "registry/registry_test.go"],
        "{holders:#?}"
    );
}

/// A log saved from a build for another platform, or with tags, is read for the target that
/// compiled the files it names: told from them when only one fits (with a warning), or given
/// with --goos/--goarch/--tags; a target that does not compile them is refused.
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn a_log_of_another_platform_is_read_for_its_target() {
    if !go_available("a_log_of_another_platform_is_read_for_its_target") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("go.mod", "module example.com/plat\n\ngo 1.22\n"),
            ("store.go", "package plat\n\nvar kept []*int\n"),
            (
                "keep_windows.go",
                "package plat\n\n// Keep grows kept on every call.\nfunc Keep() {\n\tv := 1\n\tkept = append(kept, &v)\n}\n",
            ),
            (
                "keep_other.go",
                "//go:build !windows\n\npackage plat\n\n// Keep stores one value at a time.\nfunc Keep() {\n\tv := 1\n\tkept = append(kept[:0], &v)\n\tkept = nil\n}\n",
            ),
            (
                "it.go",
                "//go:build integration\n\npackage plat\n\nvar seen = map[string]*int{}\n\nfunc See(k string) {\n\tv := 1\n\tseen[k] = &v\n}\n",
            ),
        ],
    );
    let log = |env: &[(&str, &str)], tags: &[&str]| save_log(dir.path(), cache.path(), env, tags);
    let read = |extra: &[&str]| {
        cmd(cache.path())
            .current_dir(dir.path())
            .env_remove("GOOS")
            .env_remove("GOARCH")
            .args(["--input", "build.log", "--format", "compact"])
            .args(extra)
            .output()
            .unwrap()
    };
    log(&[("GOOS", "windows"), ("GOARCH", "amd64")], &[]);
    let out = read(&[]);
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_success(&out, "");
    assert!(err.contains("GOOS=windows"), "{err}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("keep_windows.go:6:2: leak-risk EE0202")),
        "{text}"
    );
    assert!(!text.contains("keep_other.go"), "{text}");
    let given = read(&["--goos", "windows", "--goarch", "amd64"]);
    assert_success(&given, "");
    assert_eq!(given.stdout, out.stdout);
    let wrong = read(&["--goos", "linux"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("keep_windows.go"));

    log(&[], &["-tags", "integration"]);
    let out = read(&[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_success(&out, "");
    assert!(err.contains("-tags integration"), "{err}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("it.go:9:2: leak-risk EE0201"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A package of generic code nothing instantiates gets no escape analysis, even when the rest
/// of the build does: the summary says which packages, why, and that --tests may help.
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn uninstantiated_generic_packages_are_explained() {
    if !go_available("uninstantiated_generic_packages_are_explained") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(dir.path(), MODULE);
    write(
        dir.path(),
        &[(
            "gen/gen.go",
            "package gen\n\n// Box holds one value.\ntype Box[T any] struct{ v T }\n\n// New boxes v.\nfunc New[T any](v T) *Box[T] { return &Box[T]{v: v} }\n",
        )],
    );
    let out = cmd(cache.path()).current_dir(dir.path()).output().unwrap();
    assert_success(&out, "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("1 package has generic code and got no escape analysis"),
        "{text}"
    );
    let doc = json(
        &cmd(cache.path())
            .current_dir(dir.path())
            .args(["--format", "json"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(doc["totals"]["uninstantiated"], 1);
}

/// What `go list` answered is taken from the result cache while nothing it was read from has
/// changed: a run after an edit, a new package or other GOFLAGS asks go again, and reports
/// what the build now has. The files in the build decide a verdict here (a release in a file
/// built only with a tag), so a stale answer would show in the report.
#[cfg(unix)]
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn go_list_is_asked_again_only_when_what_it_read_changed() {
    use std::os::unix::fs::PermissionsExt;
    if !go_available("go_list_is_asked_again_only_when_what_it_read_changed") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let results = tempfile::tempdir().unwrap();
    // A go that notes each command it is given before it runs it.
    let goroot = Command::new("go").args(["env", "GOROOT"]).output().unwrap();
    let real = Path::new(String::from_utf8_lossy(&goroot.stdout).trim()).join("bin/go");
    let bin = dir.path().join("bin");
    let asked = dir.path().join("asked.txt");
    std::fs::create_dir(&bin).unwrap();
    std::fs::write(
        bin.join("go"),
        format!(
            "#!/bin/sh\necho \"$1\" >> '{}'\nexec '{}' \"$@\"\n",
            asked.display(),
            real.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(bin.join("go"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let module = dir.path().join("m");
    let purge = |constraint: &str| {
        format!("{constraint}package tagged\n\nfunc Purge(k string) {{ delete(m, k) }}\n")
    };
    write(
        &module,
        &[
            ("go.mod", "module example.com/tagged\n\ngo 1.21\n"),
            (
                "store.go",
                "package tagged\n\ntype T struct{ b []byte }\n\nvar m = map[string]*T{}\n\nfunc Add(k string) {\n\tm[k] = &T{b: make([]byte, 64)}\n}\n",
            ),
            ("purge.go", &purge("//go:build integration\n\n")),
        ],
    );
    // A listing is kept only from files that last changed more than two seconds before it.
    let settle = || std::thread::sleep(std::time::Duration::from_millis(2100));
    // The verdict at the store, the packages reported, and how many times go list ran.
    let run = |goflags: &str| -> (String, Vec<String>, usize) {
        let _ = std::fs::remove_file(&asked);
        let out = cmd(cache.path())
            .current_dir(&module)
            .env("PATH", &path)
            .env("GOFLAGS", goflags)
            .env("ESCAPE_EXPLAIN_CACHE", results.path())
            .args(["--format", "json", "./..."])
            .output()
            .unwrap();
        assert_success(&out, "./...");
        let doc = json(&out.stdout);
        let packages = doc["packages"].as_array().unwrap();
        let verdict = packages
            .iter()
            .flat_map(|p| p["findings"].as_array().unwrap().iter())
            .filter(|f| f["position"]["path"] == "store.go" && f["position"]["line"] == 8)
            .map(|f| f["verdict"].as_str().unwrap().to_string())
            .max_by_key(|v| v == "leak-risk")
            .unwrap_or_default();
        let names = packages
            .iter()
            .map(|p| p["package"].as_str().unwrap().to_string())
            .collect();
        let lists = std::fs::read_to_string(&asked)
            .unwrap_or_default()
            .lines()
            .filter(|l| *l == "list")
            .count();
        (verdict, names, lists)
    };
    let one = vec!["example.com/tagged".to_string()];
    settle();
    assert_eq!(
        run(""),
        ("leak-risk".into(), one.clone(), 1),
        "the first run asks go"
    );
    assert_eq!(
        run(""),
        ("leak-risk".into(), one.clone(), 0),
        "nothing changed"
    );
    assert_eq!(
        run("-tags=integration"),
        ("retained".into(), one.clone(), 1),
        "other GOFLAGS"
    );
    assert_eq!(
        run("-tags=integration"),
        ("retained".into(), one.clone(), 0),
        "kept too"
    );
    assert_eq!(
        run(""),
        ("leak-risk".into(), one.clone(), 0),
        "beside the first"
    );
    // purge.go in every build: the release is seen without the tag.
    write(&module, &[("purge.go", &purge(""))]);
    settle();
    assert_eq!(
        run(""),
        ("retained".into(), one.clone(), 1),
        "an edited file"
    );
    assert_eq!(run(""), ("retained".into(), one.clone(), 0), "then kept");
    // A new package.
    write(
        &module,
        &[(
            "extra/extra.go",
            "package extra\n\nfunc New() *int {\n\tx := 1\n\treturn &x\n}\n",
        )],
    );
    settle();
    let two = vec![
        "example.com/tagged".to_string(),
        "example.com/tagged/extra".to_string(),
    ];
    assert_eq!(
        run(""),
        ("retained".into(), two.clone(), 1),
        "a new package"
    );
    assert_eq!(run(""), ("retained".into(), two, 0), "then kept");
}

/// A store made through the method it calls is told by what the call passes, not by the holder
/// it stores into (`CommandLine.Parse(os.Args[1:])` keeps the arguments, not `CommandLine`):
/// when a reset bounds the holder as when nothing does.
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn a_store_through_a_call_is_told_by_what_the_call_passes() {
    if !go_available("a_store_through_a_call_is_told_by_what_the_call_passes") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("go.mod", "module example.com/flags\n\ngo 1.21\n"),
            (
                "flags.go",
                "package flags\n\nimport \"os\"\n\ntype Set struct{ args []string }\n\nfunc (s *Set) Parse(a []string) { s.parse(a) }\n\nfunc (s *Set) parse(a []string) { s.args = append(s.args, a...) }\n\nfunc (s *Set) Reset() { s.args = nil }\n\nvar CommandLine = &Set{}\n\nfunc Parse() { CommandLine.Parse(os.Args[1:]) }\n\nfunc Add(extra []string) { CommandLine.Parse(extra) }\n\nfunc Reset() { CommandLine.Reset() }\n",
            ),
        ],
    );
    let out = cmd(cache.path())
        .current_dir(dir.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_success(&out, "--format json");
    let doc = json(&out.stdout);
    let mut titles: Vec<(u64, String)> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["findings"].as_array().unwrap().iter())
        .filter(|f| f["code"] == "EE0202")
        .map(|f| {
            (
                f["position"]["line"].as_u64().unwrap(),
                f["title"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    titles.sort();
    assert_eq!(
        titles,
        [
            (
                15,
                "what line 15 passes is appended to a package-level slice `CommandLine`, but bounded"
                    .to_string()
            ),
            (
                17,
                "`extra` is appended to a package-level slice `CommandLine`, but bounded"
                    .to_string()
            ),
        ]
    );
}

/// Generic code of one package instantiated in two others is read by both for the words of
/// its subjects (its tree shared between them, `source::parsed`, whose own tests pin that
/// each still records the read; here both also import its facts): an edit to it is seen by both
/// when they would be replayed from the result cache, with the log left as it was (the edit
/// keeps every position), and neither says what the code said before.
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn generic_code_read_by_two_packages_is_seen_edited_by_both() {
    if !go_available("generic_code_read_by_two_packages_is_seen_edited_by_both") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let results = tempfile::tempdir().unwrap();
    let generic = |n: &str| {
        format!(
            "package gen\n\n// Copy returns a copy of xs.\nfunc Copy[T any](xs []T) []T {{\n\tout := make([]T, 0, {n}(xs))\n\treturn append(out, xs...)\n}}\n"
        )
    };
    write(
        dir.path(),
        &[
            ("go.mod", "module example.com/gen\n\ngo 1.22\n"),
            ("gen/gen.go", &generic("len")),
            (
                "a/a.go",
                "package a\n\nimport \"example.com/gen/gen\"\n\n// Ints copies xs.\nfunc Ints(xs []int) []int { return gen.Copy(xs) }\n",
            ),
            (
                "b/b.go",
                "package b\n\nimport \"example.com/gen/gen\"\n\n// Strings copies xs.\nfunc Strings(xs []string) []string { return gen.Copy(xs) }\n",
            ),
        ],
    );
    save_log(dir.path(), cache.path(), &[], &[]);
    let run = |cached: bool| {
        let mut c = cmd(cache.path());
        c.current_dir(dir.path()).args([
            "--input",
            "build.log",
            "--format",
            "compact",
            "--all",
            "-v",
        ]);
        if cached {
            c.env("ESCAPE_EXPLAIN_CACHE", results.path());
        } else {
            c.arg("--no-cache");
        }
        let out = c.output().unwrap();
        assert_success(&out, "");
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // Both packages report the allocation in gen.go, each in its own section.
    let log = std::fs::read_to_string(dir.path().join("build.log")).unwrap();
    assert!(
        log.contains("make([]go.shape.int, 0, len(gen.xs))"),
        "{log}"
    );
    assert!(
        log.contains("make([]go.shape.string, 0, len(gen.xs))"),
        "{log}"
    );
    let (cold, _) = run(true);
    assert!(cold.contains("`make([]T, 0, len(xs))`"), "{cold}");
    let (warm, err) = run(true);
    assert_eq!(warm, cold);
    assert!(err.contains(", 0 analysed"), "{err}");

    // The same length: every position of the log still points where it did.
    std::fs::write(dir.path().join("gen/gen.go"), generic("cap")).unwrap();
    let (edited, err) = run(true);
    assert!(edited.contains("`make([]T, 0, cap(xs))`"), "{edited}");
    // A package replayed with what it read before would say the old words beside the new.
    assert!(!edited.contains("len(xs)"), "{edited}\n{err}");
    assert!(err.contains("2 analysed"), "{err}");
    assert_eq!(edited, run(false).0);
}
