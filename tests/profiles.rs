//! `--profile`: the heap and goroutine profiles recorded from tests/go/profiles (a growing map,
//! a capped LRU, a pinned sub-slice, goroutines that never end and senders nobody receives
//! from; recorded with several Go versions by scripts/record-fixtures) land on the lines that
//! hold the memory and on the `go` statements; bad profiles are refused with one line.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

mod common;
use common::{assert_success, offline, root, without_checkout};

fn run(args: &[&str]) -> Output {
    offline().args(args).output().expect("escape-explain runs")
}

/// Every recorded series with profiles: (go1.NN, its directory).
fn series() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("profiles"))
        .filter(|d| d.join("profiles/heap-2.pprof").is_file())
        .map(|d| {
            let v = d
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (v, d)
        })
        .collect();
    out.sort();
    out
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap().display().to_string()
}

/// The JSON report of a recorded series with the given profiles.
fn report(dir: &Path, profiles: &[&str]) -> Value {
    let input = rel(&dir.join("m2-l.txt"));
    let mut args = vec![
        "--input",
        &input,
        "-C",
        "tests/go/profiles",
        "--format",
        "json",
    ];
    let paths: Vec<String> = profiles
        .iter()
        .map(|p| rel(&dir.join("profiles").join(p)))
        .collect();
    for p in &paths {
        args.push("--profile");
        args.push(p);
    }
    let out = run(&args);
    assert_success(&out, "");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn findings(doc: &Value) -> Vec<&Value> {
    doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["findings"].as_array().unwrap())
        .collect()
}

fn at<'a>(doc: &'a Value, file: &str, line: u64, code: &str) -> &'a Value {
    findings(doc)
        .into_iter()
        .find(|f| {
            f["position"]["path"] == file && f["position"]["line"] == line && f["code"] == code
        })
        .unwrap_or_else(|| panic!("no {code} at {file}:{line}"))
}

const MIB: i64 = 1 << 20;

/// A size the join must have put there: a finding with no such field fails, rather than
/// reading as zero.
fn bytes(f: &Value, field: &str) -> i64 {
    f[field]["bytes"]
        .as_i64()
        .unwrap_or_else(|| panic!("no {field} on {f}"))
}

#[test]
fn there_are_profiles_of_several_go_versions() {
    let s = series();
    assert!(s.len() >= 3, "{s:?}");
}

#[test]
fn live_bytes_land_on_the_growing_map_and_the_pinned_buffer_not_on_the_capped_lru() {
    for (version, dir) in series() {
        let doc = report(&dir, &["heap-1.pprof", "heap-2.pprof"]);
        // 20,000 sessions of 4 KiB: about 80 MiB, half of it added between the two profiles.
        let map = at(&doc, "grow.go", 15, "EE0201");
        assert!(bytes(map, "live") > 60 * MIB, "{version}: {map}");
        assert!(bytes(map, "grew") > 20 * MIB, "{version}: {map}");
        // 400 buffers of 64 KiB pinned by 16-byte headers: about 25 MiB.
        let pin = at(&doc, "pin.go", 13, "EE0207");
        assert!(bytes(pin, "live") > 10 * MIB, "{version}: {pin}");
        // The LRU allocated as much as the map, and keeps 64 values: the source says so (its
        // Add evicts, a release through the method), and the profile agrees.
        let lru = at(&doc, "lru.go", 42, "EE0201");
        assert_eq!(lru["verdict"], "retained", "{version}: {lru}");
        assert!(bytes(lru, "live") < 2 * MIB, "{version}: {lru}");
        assert!(bytes(lru, "allocated") > 40 * MIB, "{version}: {lru}");
        // The map keyed by four kinds of event: a static leak risk the run does not exercise.
        let kinds = at(&doc, "kinds.go", 19, "EE0201");
        assert_eq!(kinds["verdict"], "leak-risk", "{version}: {kinds}");
        let note = kinds["runtime_note"].as_str().unwrap();
        assert!(note.starts_with("not exercised"), "{version}: {note}");
        assert_eq!(doc["profile"]["not_exercised"], 1, "{version}");
        // Ranked by growth: the map first.
        let largest = &doc["profile"]["largest"][0];
        assert_eq!(largest["position"], "grow.go:15:2", "{version}");
        assert_eq!(doc["profile"]["profiles"][1]["name"], "heap-2.pprof");
    }
}

#[test]
fn goroutines_are_counted_at_their_go_statement() {
    for (version, dir) in series() {
        for profile in ["goroutine.pprof", "goroutine.txt"] {
            let doc = report(&dir, &[profile]);
            let workers = at(&doc, "workers.go", 8, "EE0303");
            assert_eq!(workers["goroutines"], 8, "{version} {profile}: {workers}");
            assert!(
                workers["blocked_at"]
                    .as_str()
                    .unwrap()
                    .starts_with("workers.go:10"),
                "{version} {profile}: {workers}"
            );
            // Four senders per call, one received: 15 left blocked by five calls, and no static
            // finding about them. The text form says what they wait for.
            let senders = at(&doc, "workers.go", 21, "EE0902");
            assert_eq!(senders["goroutines"], 15, "{version} {profile}: {senders}");
            let blocked = senders["blocked_at"].as_str().unwrap();
            assert!(
                blocked.starts_with("workers.go:22"),
                "{version} {profile}: {blocked}"
            );
            if profile.ends_with(".txt") {
                assert!(blocked.ends_with("(chan send)"), "{blocked}");
            }
            // The forgotten sender: twelve calls cancelled before the backend answered.
            let forgotten = at(&doc, "workers.go", 32, "EE0304");
            assert_eq!(
                forgotten["goroutines"], 12,
                "{version} {profile}: {forgotten}"
            );
            assert!(
                forgotten["blocked_at"]
                    .as_str()
                    .unwrap()
                    .starts_with("workers.go:32"),
                "{version} {profile}: {forgotten}"
            );
        }
    }
}

#[test]
fn text_json_and_sarif_snapshots() {
    let (_, dir) = series().pop().unwrap();
    let input = rel(&dir.join("m2-l.txt"));
    let p = |f: &str| rel(&dir.join("profiles").join(f));
    let (h1, h2, g) = (p("heap-1.pprof"), p("heap-2.pprof"), p("goroutine.txt"));
    for (name, format) in [("text", "text"), ("json", "json"), ("sarif", "sarif")] {
        let out = run(&[
            "--input",
            &input,
            "-C",
            "tests/go/profiles",
            "--color",
            "never",
            "--format",
            format,
            "--profile",
            &h1,
            "--profile",
            &h2,
            "--profile",
            &g,
        ]);
        assert_success(&out, "");
        insta::assert_snapshot!(
            format!("profiles-{name}"),
            without_checkout(&String::from_utf8(out.stdout).unwrap())
        );
    }
}

#[test]
fn what_is_not_a_heap_or_goroutine_profile_is_refused_in_one_line() {
    let (_, dir) = series().pop().unwrap();
    let input = rel(&dir.join("m2-l.txt"));
    let tmp = tempfile::tempdir().unwrap();
    let heap = std::fs::read(dir.join("profiles/heap-2.pprof")).unwrap();
    let truncated = tmp.path().join("truncated.pprof");
    std::fs::write(&truncated, &heap[..heap.len() / 2]).unwrap();
    let cases = [
        (rel(&dir.join("profiles/cpu.pprof")), "a CPU profile"),
        (rel(&dir.join("m2-l.txt")), "not a pprof profile"),
        (truncated.display().to_string(), "gzip stream is damaged"),
        (
            "no/such/heap.pprof".to_string(),
            "cannot read no/such/heap.pprof",
        ),
    ];
    for (file, says) in cases {
        let out = run(&[
            "--input",
            &input,
            "-C",
            "tests/go/profiles",
            "--profile",
            &file,
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert_eq!(err.lines().count(), 1, "{file}: {err}");
        assert!(err.contains(says), "{file}: {err}");
        assert!(out.stdout.is_empty(), "{file}: nothing is reported");
    }
}

#[test]
fn a_profile_of_another_program_is_a_warning() {
    let (_, dir) = series().pop().unwrap();
    let input = rel(&dir.join("m2-l.txt"));
    let out = run(&[
        "--input",
        &input,
        "-C",
        "tests/go/profiles",
        "--profile",
        "samples/map-cache/heap.pprof",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("heap.pprof: none of its"), "{err}");
    assert!(err.contains("a profile of another program"), "{err}");
}

#[test]
fn the_demo_shows_the_leak_holding_and_the_fix_not() {
    let out = run(&["demo", "map-cache", "--format", "json"]);
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let leak = at(&doc, "leaky.go", 19, "EE0201");
    let fix = at(&doc, "fixed.go", 23, "EE0201");
    assert!(bytes(leak, "live") > 50 * MIB, "{leak}");
    assert!(bytes(fix, "live") < 2 * MIB, "{fix}");
    assert!(bytes(fix, "allocated") > 50 * MIB, "{fix}");
}

#[test]
fn a_piped_log_gets_the_profile_too() {
    let (_, dir) = series().pop().unwrap();
    let log = std::fs::File::open(dir.join("m2-l.txt")).unwrap();
    let heap = rel(&dir.join("profiles/heap-2.pprof"));
    let out = offline()
        .args([
            "--input",
            "-",
            "-C",
            "tests/go/profiles",
            "--format",
            "json",
            "--profile",
            &heap,
        ])
        .stdin(log)
        .output()
        .unwrap();
    assert_success(&out, "");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["origin"]["mode"], "stdin");
    assert!(bytes(at(&doc, "grow.go", 15, "EE0201"), "live") > 60 * MIB);
}

/// Only the latest goroutine profile counts: two of the same run are not added together.
#[test]
fn two_goroutine_profiles_are_not_added_together() {
    let (_, dir) = series().pop().unwrap();
    let input = rel(&dir.join("m2-l.txt"));
    let (a, b) = (
        rel(&dir.join("profiles/goroutine.pprof")),
        rel(&dir.join("profiles/goroutine.txt")),
    );
    let out = run(&[
        "--input",
        &input,
        "-C",
        "tests/go/profiles",
        "--format",
        "json",
        "--profile",
        &a,
        "--profile",
        &b,
    ]);
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(at(&doc, "workers.go", 8, "EE0303")["goroutines"], 8);
    assert_eq!(at(&doc, "workers.go", 21, "EE0902")["goroutines"], 15);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("goroutine.pprof: only the latest goroutine profile is joined"),
        "{err}"
    );
}

/// The text of ?debug=1 names neither the `go` statement nor where the function starts: its
/// closures are matched to the goroutine findings of the function that starts them, and it
/// never says "not exercised".
#[test]
fn a_debug1_goroutine_profile_is_matched_by_function() {
    for (version, dir) in series() {
        let p = dir.join("profiles/goroutine-debug1.txt");
        if !p.is_file() {
            continue;
        }
        let doc = report(&dir, &["goroutine-debug1.txt"]);
        let workers = at(&doc, "workers.go", 8, "EE0303");
        assert_eq!(workers["goroutines"], 8, "{version}: {workers}");
        let search = at(&doc, "workers.go", 32, "EE0304");
        assert_eq!(search["goroutines"], 12, "{version}: {search}");
        assert_eq!(doc["profile"]["not_exercised"], 0, "{version}");
    }
}

/// A package reported twice (its test variant) and filters: the profile's numbers go on what
/// is reported, once.
#[test]
fn repeats_and_filters_do_not_count_twice() {
    let (_, dir) = series().pop().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let twice = tmp.path().join("twice.txt");
    let mut log = std::fs::read(dir.join("m2-l.txt")).unwrap();
    log.extend(std::fs::read(dir.join("m2-l.txt")).unwrap());
    std::fs::write(&twice, log).unwrap();
    let heap = rel(&dir.join("profiles/heap-2.pprof"));
    let out = run(&[
        "--input",
        twice.to_str().unwrap(),
        "-C",
        "tests/go/profiles",
        "--format",
        "json",
        "--profile",
        &heap,
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["profile"]["not_exercised"], 1, "{}", doc["profile"]);
    assert_eq!(
        doc["profile"]["largest"].as_array().unwrap().len(),
        2,
        "{}",
        doc["profile"]
    );
    let input = rel(&dir.join("m2-l.txt"));
    let out = run(&[
        "--input",
        &input,
        "-C",
        "tests/go/profiles",
        "--format",
        "json",
        "--profile",
        &heap,
        "--only-path",
        "lru.go",
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    for row in doc["profile"]["largest"].as_array().unwrap() {
        assert!(
            row["position"].as_str().unwrap().starts_with("lru.go"),
            "{row}"
        );
    }
}

/// `-o FILE` leaves the file as it was when the run fails.
#[test]
fn a_failed_run_leaves_the_output_file_alone() {
    let (_, dir) = series().pop().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out_file = tmp.path().join("report.txt");
    std::fs::write(&out_file, "the previous report\n").unwrap();
    let input = rel(&dir.join("m2-l.txt"));
    let out = run(&[
        "--input",
        &input,
        "-C",
        "tests/go/profiles",
        "--profile",
        "no/such.pprof",
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&out_file).unwrap(),
        "the previous report\n"
    );
    let out = run(&[
        "--input",
        &input,
        "-C",
        "tests/go/profiles",
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(
        std::fs::read_to_string(&out_file)
            .unwrap()
            .contains("leak-risk[EE0201]")
    );
}
