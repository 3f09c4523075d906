//! Snapshots of what a reader sees: the report of every teaching demo (from its recording, in
//! plain rendering) and `explain` for every code. Review changes with `cargo insta review` or
//! `INSTA_UPDATE=always cargo test --test snapshots` and a read of the diff.

mod common;
use common::{assert_success, offline};

fn escape_explain(args: &[&str]) -> String {
    let out = offline().args(args).output().expect("escape-explain runs");
    assert_success(&out, &format!("escape-explain {args:?} failed: "));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn every_demo_report() {
    let demos = escape_explain::demo::all();
    assert!(demos.len() >= 9, "the demos are compiled in");
    for d in demos {
        // Without go on PATH the demo uses its recording: the same on every machine.
        let report = escape_explain(&["demo", d.name, "--color", "never"]);
        assert!(report.contains("Analysed from its recording"), "{report}");
        insta::assert_snapshot!(format!("demo-{}", d.name), report);
    }
}

#[test]
fn the_demo_list() {
    insta::assert_snapshot!("demo-list", escape_explain(&["demo"]));
}

#[test]
fn every_explanation() {
    for rule in escape_explain::rules::RULES {
        let code = rule.id.as_str();
        insta::assert_snapshot!(
            format!("explain-{code}"),
            escape_explain(&["explain", code])
        );
    }
    insta::assert_snapshot!("explain-list", escape_explain(&["explain", "--list"]));
}

/// The timer demo is judged by the toolchain in effect: Go 1.27 collects unreferenced timers
/// whatever go.mod says; Go 1.22 keeps each one until it fires.
#[test]
fn the_timer_demo_under_an_older_toolchain() {
    let now = escape_explain(&["demo", "time-after", "--color", "never"]);
    assert!(now.contains("0 leak-risk"), "{now}");
    let old = escape_explain(&[
        "demo",
        "time-after",
        "--go-version",
        "1.22",
        "--color",
        "never",
    ]);
    assert!(old.contains("leak-risk[EE0306]"), "{old}");
    assert!(old.contains("before Go 1.23"), "{old}");
}

/// The demo reports speak source terms: none of the compiler's internal spellings appear in
/// any of them (the catalog's explanations may quote the compiler, and are not checked here).
#[test]
fn no_compiler_jargon_in_any_demo_report() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut bad = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with("snapshots__demo-") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        for (n, line) in text.lines().enumerate() {
            // The compiler's own line, quoted as printed, is exempt.
            if line.contains("the compiler said:") {
                continue;
            }
            for t in [
                "go.shape", ".dict", "~r0", "~r1", "~p0", ".autotmp", "<node ",
            ] {
                if line.contains(t) {
                    bad.push(format!("{name}:{}: {line}", n + 1));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The values the compiler names in its own terms, named as the source writes them, in every
/// format a reader reads: the subjects fixture's Go 1.27 recording, text (with the goroutines
/// one function starts told once) and compact, with every verdict.
#[test]
fn subjects_as_the_source_writes_them() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for (name, format) in [("subjects-text", "text"), ("subjects-compact", "compact")] {
        // Relative paths: the report names its input, and no machine's path belongs in it.
        let out = offline()
            .current_dir(&tests)
            .args([
                "--input",
                "fixtures/go1.27/subjects/m2-l.txt",
                "-C",
                "go/subjects",
                "--go-version",
                "1.27",
                "--all",
                "-f",
                format,
                "--color",
                "never",
            ])
            .output()
            .expect("escape-explain runs");
        assert_success(&out, "the subjects fixture: ");
        insta::assert_snapshot!(name, String::from_utf8(out.stdout).unwrap());
    }
}
