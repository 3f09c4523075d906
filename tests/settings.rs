//! escape-explain.toml: a declared registry and a declared-bounded holder decide verdicts at
//! the caller, `[report]` gives defaults a flag overrides, and a file that is malformed or
//! names what the source does not have stops the run with one line naming the file, the line
//! and the key.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{assert_success, offline, root};

/// A copy of tests/go/configured (with its `lib` dependency and its escape-explain.toml).
fn configured() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("tests/go/configured"), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

fn log() -> PathBuf {
    root().join("tests/fixtures/go1.27/configured/m2-l.txt")
}

/// The tool on the recorded log, in the module, with `args`.
fn run(dir: &Path, args: &[&str]) -> Output {
    // The log beside the module: a report names it, and a recording carries no machine path.
    std::fs::copy(log(), dir.join("build.log")).unwrap();
    offline()
        .current_dir(dir)
        .args(["--input", "build.log", "--color", "never"])
        .args(args)
        .output()
        .unwrap()
}

fn findings(o: &Output) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("a JSON report");
    v["packages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["findings"].as_array().unwrap().clone())
        .collect()
}

fn at(findings: &[serde_json::Value], line: u64) -> &serde_json::Value {
    findings
        .iter()
        .find(|f| f["position"]["line"] == line)
        .unwrap_or_else(|| panic!("a finding at line {line}"))
}

#[test]
fn declared_registries_and_bounded_holders_decide_at_the_caller() {
    let dir = configured();
    let o = run(dir.path(), &["--format", "json"]);
    // [report] fail-on = "leak-risk": the registry that never lets go fails the run.
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let f = findings(&o);
    // lib.Register keeps `v`: `&buf` is kept for the life of the process.
    let register = at(&f, 17);
    assert_eq!(register["verdict"], "leak-risk");
    assert_eq!(register["code"], "EE0205");
    assert_eq!(register["decided_by"]["path"], "escape-explain.toml");
    assert_eq!(register["decided_by"]["line"], 3);
    // Its other argument, the name, is not what it keeps: `leaking param: name` passes.
    let name = at(&f, 15);
    assert_eq!(name["verdict"], "passes");
    // sessions.Add keeps argument 1, and Untrack calls the declared release.
    let add = at(&f, 25);
    assert_eq!(add["verdict"], "retained");
    assert_eq!(add["holder"]["name"], "the registry `sessions`");
    assert_eq!(add["holder"]["released"]["site"]["line"], 29);
    assert_eq!(add["decided_by"]["line"], 4);
    // lib.Tag keeps its second argument: `c` is kept, the literal in the first is not.
    let kept = f
        .iter()
        .filter(|x| x["position"]["line"] == 37)
        .map(|x| {
            (
                x["subject"].as_str().unwrap(),
                x["verdict"].as_str().unwrap(),
            )
        })
        .collect::<Vec<_>>();
    assert_eq!(kept, [("c", "leak-risk"), ("&conf{...}", "heap")]);
    // Put shares Add's release name: `others.Remove` releases what `others.Put` keeps...
    assert_eq!(at(&f, 48)["verdict"], "retained");
    assert_eq!(at(&f, 48)["holder"]["released"]["site"]["line"], 51);
    // ...and nothing of what `audit.Add` keeps, on another receiver.
    assert_eq!(at(&f, 54)["verdict"], "leak-risk");
    // memo is declared bounded: retained, with the reason.
    let memo = at(&f, 67);
    assert_eq!(memo["verdict"], "retained");
    assert!(
        memo["holder"]["released"]["how"]
            .as_str()
            .unwrap()
            .starts_with("keys come from the schema"),
        "{memo}"
    );
    assert_eq!(memo["decided_by"]["line"], 9);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["totals"]["decided_by_settings"], 6);

    // SARIF carries it as a property (and stays valid); the page says it in the panel.
    let sarif = run(dir.path(), &["--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let decided: Vec<&str> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["properties"]["decided_by"].as_str())
        .collect();
    assert_eq!(
        decided,
        [
            "escape-explain.toml:3",
            "escape-explain.toml:4",
            "escape-explain.toml:6",
            "escape-explain.toml:5",
            "escape-explain.toml:4",
            "escape-explain.toml:9"
        ]
    );
    if let Some(report) = common::validate_sarif(&sarif.stdout) {
        report.unwrap();
    }
    let page = run(dir.path(), &["--format", "html"]);
    let page = String::from_utf8(page.stdout).unwrap();
    assert_eq!(page.matches("class=\"decided\"").count(), 6, "{page}");

    let text = run(dir.path(), &[]);
    insta::assert_snapshot!("configured-text", String::from_utf8(text.stdout).unwrap());
}

#[test]
fn without_the_file_the_source_alone_decides() {
    let dir = configured();
    std::fs::remove_file(dir.path().join("escape-explain.toml")).unwrap();
    let o = run(dir.path(), &["--format", "json"]);
    assert_success(&o, "no settings");
    let f = findings(&o);
    // The dependency's registry is invisible: `buf` is a heap value.
    assert!(
        f.iter()
            .filter(|x| x["position"]["line"] == 16 || x["position"]["line"] == 17)
            .all(|x| x["verdict"] == "heap"),
        "{f:?}"
    );
    assert_eq!(at(&f, 67)["verdict"], "leak-risk");
    assert!(f.iter().all(|x| x.get("decided_by").is_none()));
}

#[test]
fn a_flag_on_the_command_line_wins_over_report_defaults() {
    let dir = configured();
    std::fs::write(
        dir.path().join("escape-explain.toml"),
        "[report]\nfail-on = \"heap\"\nexclude = [\"configured.go\"]\nverdict = [\"leak-risk\"]\n",
    )
    .unwrap();
    // The file's exclude drops every finding: nothing fails.
    let o = run(dir.path(), &["--format", "compact"]);
    assert_success(&o, "exclude from the file");
    assert_eq!(String::from_utf8_lossy(&o.stdout), "");
    // --exclude on the command line replaces the file's: the heap values fail the gate.
    let o = run(
        dir.path(),
        &[
            "--format",
            "compact",
            "--exclude",
            "lib/**",
            "--verdict",
            "heap",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(out.lines().all(|l| l.contains(": heap ")), "{out}");
    assert!(!out.is_empty());
    // --fail-on on the command line wins: no leak-risk is among the heap values listed.
    let o = run(
        dir.path(),
        &[
            "--format",
            "compact",
            "--exclude",
            "lib/**",
            "--verdict",
            "heap",
            "--fail-on",
            "leak-risk",
        ],
    );
    assert_success(&o, "--fail-on leak-risk");
}

#[test]
fn a_bad_file_stops_the_run_with_its_line_and_key() {
    let cases: &[(&str, &str)] = &[
        ("malformed", "[registries\n"),
        (
            "unknown-table",
            "[registry]\n\"example.com/lib.Register\" = { keeps = 1 }\n",
        ),
        (
            "unknown-key",
            "[registries]\n\"example.com/lib.Register\" = { keeps = 1, releases = \"Unregister\" }\n",
        ),
        (
            "no-such-function",
            "[registries]\n\"example.com/lib.Registr\" = { keeps = 1 }\n",
        ),
        (
            "no-such-parameter",
            "\n[registries]\n\"example.com/lib.Register\" = { keeps = \"value\" }\n",
        ),
        (
            "no-such-method",
            "[registries]\n\"example.com/lib.Registry.Pop\" = { keeps = 1 }\n",
        ),
        (
            "no-such-release",
            "[registries]\n\"example.com/lib.Registry.Add\" = { keeps = 1, release = \"Delete\" }\n",
        ),
        (
            "position-out-of-range",
            "[registries]\n\"example.com/lib.Register\" = { keeps = 2 }\n",
        ),
        (
            "no-source-for-a-name",
            "[registries]\n\"example.com/elsewhere.Register\" = { keeps = \"v\" }\n",
        ),
        (
            "no-such-variable",
            "[bounded]\n\"example.com/configured.mem\" = \"schema keys\"\n",
        ),
        (
            "not-a-module-package",
            "[bounded]\n\"example.com/lib.handlers\" = \"schema keys\"\n",
        ),
        ("bad-verdict", "[report]\nfail-on = \"stack\"\n"),
    ];
    let mut all = String::new();
    for (name, text) in cases {
        let dir = configured();
        std::fs::write(dir.path().join("escape-explain.toml"), text).unwrap();
        let o = run(dir.path(), &["--format", "json"]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = String::from_utf8(o.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{name}: one line\n{err}");
        assert!(
            err.starts_with("escape-explain: escape-explain.toml:"),
            "{name}: {err}"
        );
        // Nothing is reported from a run whose settings are wrong.
        assert!(o.stdout.is_empty(), "{name}");
        // The temporary directory is not in the message: the file is named from the module.
        all.push_str(&format!(
            "{name}: {}",
            err.replace(&dir.path().display().to_string(), "<module>")
        ));
    }
    insta::assert_snapshot!("settings-errors", all);
}

#[test]
fn config_names_another_file_and_a_missing_one_is_an_error() {
    let dir = configured();
    let other = dir.path().join("ci.toml");
    std::fs::write(&other, "[report]\nfail-on = \"heap\"\n").unwrap();
    std::fs::remove_file(dir.path().join("escape-explain.toml")).unwrap();
    let o = run(dir.path(), &["--config", "ci.toml", "--format", "compact"]);
    assert_eq!(o.status.code(), Some(1), "fail-on heap from ci.toml");
    let o = run(dir.path(), &["--config", "nowhere.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("escape-explain: nowhere.toml: cannot be read"),
        "{err}"
    );
    // A demo is not the module's run.
    let o = offline()
        .args(["--config", "ci.toml", "demo", "map-cache"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn the_build_reads_the_module_settings() {
    let dir = configured();
    let o = common::tool()
        .current_dir(dir.path())
        .env("GOFLAGS", "")
        .env("GOTOOLCHAIN", "local")
        .args(["--format", "json", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let f = findings(&o);
    assert_eq!(at(&f, 17)["verdict"], "leak-risk");
    assert_eq!(at(&f, 25)["verdict"], "retained");
    assert_eq!(at(&f, 67)["verdict"], "retained");
}

#[test]
fn a_settings_file_outside_the_module_is_named_by_its_path() {
    let dir = configured();
    let outside = tempfile::tempdir().unwrap();
    let file = outside.path().join("ci.toml");
    std::fs::rename(dir.path().join("escape-explain.toml"), &file).unwrap();
    let o = run(
        dir.path(),
        &["--config", file.to_str().unwrap(), "--format", "json"],
    );
    let f = findings(&o);
    let canonical = file.canonicalize().unwrap();
    assert_eq!(
        at(&f, 17)["decided_by"]["path"],
        canonical.display().to_string()
    );
}

/// A standard-library registry declared by name is looked up through `go list`, which must
/// neither download nor rewrite go.mod (this one has no `go` line, which `-mod=mod` would add).
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn looking_up_a_registry_leaves_go_mod_alone() {
    let dir = tempfile::tempdir().unwrap();
    let gomod = "module example.com/std\n";
    std::fs::write(dir.path().join("go.mod"), gomod).unwrap();
    std::fs::write(
        dir.path().join("main.go"),
        "package main\n\nimport \"net/http\"\n\nfunc serve(p string, b []byte) {\n\thttp.Handle(p, http.FileServer(http.Dir(string(b))))\n}\n\nfunc main() { serve(\"/\", nil) }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("escape-explain.toml"),
        "[registries]\n\"net/http.ServeMux.Handle\" = { keeps = \"handler\" }\n",
    )
    .unwrap();
    let o = common::tool()
        .current_dir(dir.path())
        .env("GOFLAGS", "")
        .env("GOTOOLCHAIN", "local")
        .args(["--format", "compact", "--color", "never"])
        .output()
        .unwrap();
    assert_success(&o, "a standard-library method declared by parameter name");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("go.mod")).unwrap(),
        gomod
    );
}
