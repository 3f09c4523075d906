//! What CI and editors use: formats, exit codes, SARIF validation, baselines, diffs and
//! suppressions. They read logs recorded from real compilers (tests/fixtures) against copies
//! of the fixture modules, so they run without Go; the baseline test that edits code and
//! rebuilds runs with the real `go` when there is one.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    common::tool()
        .args(args)
        .current_dir(dir)
        .env("GOFLAGS", "")
        .stdin(Stdio::null())
        .output()
        .expect("escape-explain runs")
}

/// A copy of a fixture module in a temporary directory.
fn module_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("tests/go").join(name);
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn log(version: &str, module: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(version)
        .join(module)
        .join("m2-l.txt")
        .display()
        .to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn compact_lines_for_editors() {
    let dir = module_copy("holders");
    let o = run(
        dir.path(),
        &["--input", &log("go1.27", "holders"), "--format", "compact"],
    );
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.lines().any(|l| l.starts_with(
            "maps.go:9:2: leak-risk EE0201: `&Session{...}`, `id` and `s` are kept in a package-level map `sessions`"
        )),
        "{out}"
    );
    for l in out.lines() {
        let mut parts = l.splitn(4, ':');
        let (file, line, col) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        assert!(file.ends_with(".go"), "{l}");
        assert!(
            line.parse::<u32>().is_ok() && col.parse::<u32>().is_ok(),
            "{l}"
        );
    }
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = module_copy("holders");
    let holders = log("go1.27", "holders");
    let code = |args: &[&str]| run(dir.path(), args).status.code();
    assert_eq!(
        code(&["--input", &holders]),
        Some(0),
        "never fails by default"
    );
    assert_eq!(
        code(&["--input", &holders, "--fail-on", "leak-risk"]),
        Some(1)
    );
    assert_eq!(code(&["--input", &holders, "--fail-on", "heap"]), Some(1));
    // Only heap findings in this package: clean at leak-risk, failing at heap.
    let only_heap = [
        "--input",
        &holders,
        "--only-path",
        "subslices.go",
        "--verdict",
        "heap",
    ];
    let mut args = only_heap.to_vec();
    args.extend(["--fail-on", "leak-risk"]);
    assert_eq!(
        code(&args),
        Some(0),
        "the status follows what is shown: no leak risk is shown with --verdict heap"
    );
    let mut args = only_heap.to_vec();
    args.extend(["--fail-on", "heap"]);
    assert_eq!(
        code(&args),
        Some(1),
        "a shown heap finding fails --fail-on heap"
    );
    assert_eq!(
        code(&["--input", "/nonexistent.log", "--fail-on", "heap"]),
        Some(2)
    );
    assert_eq!(code(&["--fail-on", "nonsense"]), Some(2));
}

#[test]
fn sarif_has_rules_results_and_related_locations() {
    let dir = module_copy("holders");
    let o = run(
        dir.path(),
        &["--input", &log("go1.27", "holders"), "--format", "sarif"],
    );
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), escape_explain::rules::RULES.len());
    assert!(
        rules
            .iter()
            .all(|r| r["help"]["markdown"].as_str().unwrap().contains("## Fix"))
    );
    let results = run["results"].as_array().unwrap();
    let leak = results
        .iter()
        .find(|r| r["ruleId"] == "EE0201" && r["level"] == "error")
        .expect("a leak-risk map result");
    assert_eq!(
        leak["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "maps.go"
    );
    assert!(
        leak["relatedLocations"].as_array().unwrap().len() >= 2,
        "declared and added"
    );
    assert!(
        leak["partialFingerprints"]["escapeExplainKey/v1"]
            .as_str()
            .unwrap()
            .len()
            == 16
    );
    let idx = leak["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], "EE0201");
}

/// Go file names that are not URIs as they stand (`c:x.go` would be a URI of scheme `c`, `#`
/// starts a fragment, `?` a query) are SARIF URIs that are relative references, which decode
/// back to the names.
#[test]
fn sarif_uris_are_relative_references_to_the_files() {
    let (_dir, o) = sarif_of_odd_names();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    let mut decoded: Vec<String> = Vec::new();
    for r in v["runs"][0]["results"].as_array().unwrap() {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(is_relative_path_reference(uri), "{uri}");
        decoded.push(
            percent_encoding::percent_decode_str(uri)
                .decode_utf8()
                .unwrap()
                .into_owned(),
        );
    }
    decoded.sort();
    let mut want: Vec<String> = ODD_NAMES.iter().map(|n| n.to_string()).collect();
    want.sort();
    assert_eq!(decoded, want);
}

const ODD_NAMES: [&str; 6] = ["c:x.go", "a b.go", "ü.go", "#x.go", "50%.go", "q?.go"];

/// The SARIF report of a module whose files have [`ODD_NAMES`], from a log with a heap value
/// in each.
fn sarif_of_odd_names() -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/m\n\ngo 1.21\n",
    )
    .unwrap();
    let mut log = String::from("# example.com/m\n");
    for (i, name) in ODD_NAMES.iter().enumerate() {
        std::fs::write(
            dir.path().join(name),
            format!("package m\n\nfunc F{i}() *int {{\n\tx := 1\n\treturn &x\n}}\n"),
        )
        .unwrap();
        log.push_str(&format!("./{name}:4:2: moved to heap: x\n"));
    }
    std::fs::write(dir.path().join("build.log"), log).unwrap();
    let o = run(
        dir.path(),
        &["--input", "build.log", "--format", "sarif", "--all"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (dir, o)
}

/// RFC 3986's `relative-part` without an authority: `pchar`s and `/`, each `%` with two hex
/// digits, and no `:` before the first `/` (which would make the text before it a scheme).
fn is_relative_path_reference(uri: &str) -> bool {
    let pchar = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c);
    let first = uri.split('/').next().unwrap_or_default();
    let b = uri.as_bytes();
    !uri.starts_with("//")
        && !first.contains(':')
        && uri.char_indices().all(|(i, c)| {
            pchar(c)
                || c == '/'
                || (c == '%'
                    && b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        })
}

/// The official validator, when it is installed (CI installs it from npm).
#[test]
fn sarif_passes_the_official_validator() {
    // A report, one with profiles (their figures are result properties), and one of files
    // whose names are percent-encoded in their URIs.
    let heap = root().join("tests/fixtures/go1.27/profiles/profiles/heap-2.pprof");
    let goroutines = root().join("tests/fixtures/go1.27/profiles/profiles/goroutine.txt");
    for (module, profiles) in [
        ("holders", vec![]),
        ("profiles", vec![heap, goroutines]),
        ("odd names", vec![]),
    ] {
        let (dir, o) = if module == "odd names" {
            sarif_of_odd_names()
        } else {
            let dir = module_copy(module);
            let mut args = vec![
                "--input".to_string(),
                log("go1.27", module),
                "--format".into(),
                "sarif".into(),
            ];
            for p in profiles {
                args.push("--profile".into());
                args.push(p.display().to_string());
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let o = run(dir.path(), &args);
            (dir, o)
        };
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        drop(dir);
        match common::validate_sarif(&o.stdout) {
            // Not installed (and not CI): nothing to validate with.
            None => return,
            Some(verdict) => verdict.unwrap_or_else(|text| panic!("{module}: {text}")),
        }
    }
}

#[test]
fn a_baseline_of_the_same_log_reports_nothing_new() {
    let dir = module_copy("holders");
    let holders = log("go1.27", "holders");
    let o = run(dir.path(), &["--input", &holders, "--format", "json"]);
    let base = dir.path().join("base.json");
    std::fs::write(&base, &o.stdout).unwrap();
    let o = run(
        dir.path(),
        &[
            "--input",
            &holders,
            "--baseline",
            base.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "heap",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "nothing new, nothing fails");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["totals"]["findings"], 0);
    assert_eq!(
        run(
            dir.path(),
            &["--baseline", "/nonexistent.json", "--input", &holders]
        )
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn diff_between_two_recorded_logs() {
    let dir = module_copy("withtests");
    // Go 1.25 started reporting `append escapes to heap`; the rest is the same.
    let o = run(
        dir.path(),
        &[
            "diff",
            &log("go1.24", "withtests"),
            &log("go1.25", "withtests"),
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("started escaping: 1"), "{out}");
    assert!(
        out.contains("+ heap      EE0107 example.com/fixtures/withtests in (*Acc).Add: the backing array of `a.vals`"),
        "{out}"
    );
    assert!(out.contains("stopped escaping: 0"), "{out}");
    // Against an empty log (before the code existed), every leak risk is new.
    let holders = module_copy("holders");
    let empty = holders.path().join("empty.log");
    std::fs::write(&empty, "").unwrap();
    let o = run(
        holders.path(),
        &[
            "diff",
            empty.to_str().unwrap(),
            &log("go1.27", "holders"),
            "--fail-on",
            "leak-risk",
        ],
    );
    let out = stdout(&o);
    assert!(
        out.contains("+ leak-risk EE0202 example.com/fixtures/holders in Audit"),
        "{out}"
    );
    assert_eq!(o.status.code(), Some(1), "a new leak risk fails the diff");
    let same = run(
        holders.path(),
        &["diff", &log("go1.27", "holders"), &log("go1.27", "holders")],
    );
    assert!(stdout(&same).contains("started escaping: 0\nstopped escaping: 0\nverdict changed: 0"));
}

#[test]
fn suppressions_need_a_reason_and_unused_ones_are_listed() {
    let dir = module_copy("holders");
    let maps = dir.path().join("maps.go");
    let text = std::fs::read_to_string(&maps).unwrap();
    // The comments go where the fixture's trailing comments are, and the unused one after the
    // last line, so no line moves and the recorded log still matches the source.
    let text = text.replace(
        "sessions[id] = s // want: leak-risk global-map EE0201",
        "sessions[id] = s //escape-explain:ignore EE0201 sessions are bounded by the login limit",
    );
    let text = text.replace(
        "conns.Store(id, s) // want: leak-risk global-map EE0201",
        "conns.Store(id, s) //escape-explain:ignore EE0201",
    );
    let text = text + "\n//escape-explain:ignore EE0202 nothing here\n";
    std::fs::write(&maps, text).unwrap();
    let recorded = log("go1.27", "holders");
    let o = run(
        dir.path(),
        &[
            "--input",
            recorded.as_str(),
            "--format",
            "json",
            "--verbose",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings: Vec<&serde_json::Value> = v["packages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["findings"].as_array().unwrap().iter())
        .collect();
    let remember = findings
        .iter()
        .find(|f| f["function"] == "Remember" && f["code"] == "EE0201")
        .expect("Remember's finding");
    assert_eq!(
        remember["suppressed"]["reason"],
        "sessions are bounded by the login limit"
    );
    let track = findings
        .iter()
        .find(|f| f["function"] == "Track" && f["code"] == "EE0201")
        .expect("Track's finding");
    assert!(
        track["suppressed"].is_null(),
        "a suppression without a reason silences nothing"
    );
    let unused: Vec<String> = v["unused_suppressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().to_string())
        .collect();
    assert!(
        unused.iter().any(|u| u.contains("EE0201 has no reason")),
        "{unused:?}"
    );
    assert!(
        unused.iter().any(|u| u.contains("EE0202 silences nothing")),
        "{unused:?}"
    );
    let text = stdout(&run(
        dir.path(),
        &["--input", recorded.as_str(), "--verbose"],
    ));
    assert!(text.contains("unused suppression: maps.go:"), "{text}");
    assert!(
        text.contains("silenced by //escape-explain:ignore"),
        "{text}"
    );
}

/// A finding matched by package, function, subject and code is not new after code is inserted
/// above it; the new leak is. Runs the real go build before and after the edit.
#[test]
#[cfg_attr(no_go, ignore = "no go on PATH")]
fn baseline_survives_code_inserted_above() {
    let has_go = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_go {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("go is not on PATH, and CI=true requires this test to run");
        }
        eprintln!("baseline_survives_code_inserted_above: skipped, `go` is not on PATH");
        return;
    }
    let dir = module_copy("holders");
    let cache = tempfile::tempdir().unwrap();
    let go = |args: &[&str]| {
        common::tool()
            .args(args)
            .current_dir(dir.path())
            .env("GOCACHE", cache.path())
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let base = go(&["--format", "json"]);
    assert!(
        base.status.success(),
        "{}",
        String::from_utf8_lossy(&base.stderr)
    );
    let base_file = dir.path().join("base.json");
    std::fs::write(&base_file, &base.stdout).unwrap();
    let maps = dir.path().join("maps.go");
    let text = std::fs::read_to_string(&maps).unwrap().replace(
        "import \"sync\"\n",
        "import \"sync\"\n\n// Added later: three lines above every finding.\nvar extra = map[string][]byte{}\n\nfunc Extra(k string, v []byte) { extra[k] = v }\n",
    );
    std::fs::write(&maps, text).unwrap();
    let o = go(&[
        "--baseline",
        base_file.to_str().unwrap(),
        "--format",
        "compact",
        "--fail-on",
        "leak-risk",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "the new leak fails: {out}");
    assert!(
        out.lines().all(|l| l.contains("`extra`")),
        "only the new finding is reported:\n{out}"
    );
    assert!(!out.is_empty());
}

#[test]
fn package_filter_and_color() {
    let dir = module_copy("holders");
    let holders = log("go1.27", "holders");
    let none = run(
        dir.path(),
        &[
            "--input",
            &holders,
            "--format",
            "compact",
            "--only-package",
            "example.com/other/...",
        ],
    );
    assert_eq!(stdout(&none), "", "no finding of another package");
    let all = run(
        dir.path(),
        &[
            "--input",
            &holders,
            "--format",
            "compact",
            "--only-package",
            "example.com/fixtures/...",
        ],
    );
    assert!(stdout(&all).lines().count() > 15);
    let colored = run(dir.path(), &["--input", &holders, "--color", "always"]);
    assert!(
        stdout(&colored).contains('\u{1b}'),
        "--color always colors even into a pipe"
    );
    let plain = run(dir.path(), &["--input", &holders]);
    assert!(
        !stdout(&plain).contains('\u{1b}'),
        "a pipe gets no color by default"
    );
}

/// Cargo.toml's `repository` is the one place the project's GitHub owner/name is written: the
/// action and the release workflow read it from GitHub at run time. The README cannot, so its
/// `uses:` lines and download address must name that repository, at the tag of this version.
#[test]
fn readme_names_the_repository_and_version_of_cargo_toml() {
    let slug = env!("CARGO_PKG_REPOSITORY")
        .strip_prefix("https://github.com/")
        .expect("the repository is on GitHub");
    let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let ours: Vec<&str> = readme
        .lines()
        .filter_map(|l| {
            l.trim_start()
                .trim_start_matches("- ")
                .strip_prefix("uses: ")
        })
        .filter(|u| !u.starts_with("actions/") && !u.starts_with("github/"))
        .collect();
    assert!(!ours.is_empty(), "the README shows the action in use");
    for u in ours {
        assert_eq!(u, format!("{slug}@{tag}"), "a `uses:` line of the README");
    }
    let mut addresses = 0;
    for (at, _) in readme.match_indices("github.com/") {
        let path: String = readme[at + "github.com/".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || "-_./".contains(*c))
            .collect();
        let owner_name: Vec<&str> = path.split('/').take(2).collect();
        assert_eq!(
            owner_name.join("/"),
            slug,
            "github.com/{path} in the README"
        );
        addresses += 1;
    }
    assert!(addresses > 0, "the README says where releases are");
    assert!(
        readme.contains(&format!("tag={tag} ")),
        "the README's download names {tag}"
    );
    // Nothing else names it: these read it from GitHub when they run.
    let mut files = vec![root().join("action.yml")];
    for dir in ["action", ".github/workflows", ".ci", "scripts"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(!text.contains(slug), "{} names {slug}", f.display());
    }
}
