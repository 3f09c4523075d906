//! `--profile`: the heap, goroutine and goroutine leak profiles recorded from tests/go/profiles
//! (a growing map, a capped LRU, a pinned sub-slice, goroutines that never end, senders nobody
//! receives from, a mutex nobody unlocks; recorded with several Go versions by
//! scripts/record-fixtures) land on the lines that hold the memory and on the `go` statements;
//! bad profiles are refused with one line.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

mod common;
use common::{assert_success, offline, root, without_checkout};

fn run(args: &[&str]) -> Output {
    offline().args(args).output().expect("escape-explain runs")
}

/// A run on a recorded log of tests/go/profiles, with its source.
fn on_fixture(input: &str, args: &[&str]) -> Output {
    let mut all = vec!["--input", input, "-C", "tests/go/profiles"];
    all.extend_from_slice(args);
    run(&all)
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
        // And the package-level channel Publish sends on: the heap profiles were taken before
        // the driver called it.
        let audit = at(&doc, "leaks.go", 43, "EE0206");
        let note = audit["runtime_note"].as_str().unwrap();
        assert!(note.starts_with("not exercised"), "{version}: {note}");
        assert_eq!(doc["profile"]["not_exercised"], 2, "{version}");
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

/// The text, JSON and SARIF reports of the latest series with the given profiles, as
/// snapshots `{prefix}-text`, `-json` and `-sarif` (the SARIF validated when the validator is
/// installed).
fn snapshots_with(prefix: &str, dir: &Path, profiles: &[&str]) {
    let input = rel(&dir.join("m2-l.txt"));
    let paths: Vec<String> = profiles
        .iter()
        .map(|f| rel(&dir.join("profiles").join(f)))
        .collect();
    for format in ["text", "json", "sarif"] {
        let mut args = vec!["--color", "never", "--format", format];
        for p in &paths {
            args.extend(["--profile", p.as_str()]);
        }
        let out = on_fixture(&input, &args);
        assert_success(&out, "");
        let report = String::from_utf8(out.stdout).unwrap();
        if format == "sarif"
            && let Some(valid) = common::validate_sarif(report.as_bytes())
        {
            valid.unwrap();
        }
        insta::assert_snapshot!(format!("{prefix}-{format}"), without_checkout(&report));
    }
}

#[test]
fn text_json_and_sarif_snapshots() {
    let (_, dir) = series().pop().unwrap();
    snapshots_with(
        "profiles",
        &dir,
        &["heap-1.pprof", "heap-2.pprof", "goroutine.txt"],
    );
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
        let out = on_fixture(&input, &["--profile", &file]);
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
    let out = on_fixture(
        &input,
        &[
            "--profile",
            "samples/map-cache/heap.pprof",
            "--format",
            "json",
        ],
    );
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
    let out = on_fixture(
        &input,
        &["--format", "json", "--profile", &a, "--profile", &b],
    );
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
/// closures are matched to the goroutine findings of the function that starts them. A closure
/// names its starter, so a goroutine finding whose function started none is "not exercised":
/// Fetch's sender, which the driver calls after this profile was taken.
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
        let fetch = at(&doc, "leaks.go", 13, "EE0304");
        let note = fetch["runtime_note"].as_str().unwrap();
        assert!(note.starts_with("not exercised"), "{version}: {note}");
        assert_eq!(doc["profile"]["not_exercised"], 1, "{version}");
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
    let out = on_fixture(
        twice.to_str().unwrap(),
        &["--format", "json", "--profile", &heap],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    // kinds.go's map and leaks.go's channel, once each.
    assert_eq!(doc["profile"]["not_exercised"], 2, "{}", doc["profile"]);
    assert_eq!(
        doc["profile"]["largest"].as_array().unwrap().len(),
        2,
        "{}",
        doc["profile"]
    );
    let input = rel(&dir.join("m2-l.txt"));
    let out = on_fixture(
        &input,
        &[
            "--format",
            "json",
            "--profile",
            &heap,
            "--only-path",
            "lru.go",
        ],
    );
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
    let out = on_fixture(
        &input,
        &[
            "--profile",
            "no/such.pprof",
            "-o",
            out_file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&out_file).unwrap(),
        "the previous report\n"
    );
    let out = on_fixture(&input, &["-o", out_file.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(
        std::fs::read_to_string(&out_file)
            .unwrap()
            .contains("leak-risk[EE0201]")
    );
}

/// Every recorded series with a goroutine leak profile: Go 1.26 (recorded with
/// GOEXPERIMENT=goroutineleakprofile) and 1.27 (on by default).
fn leak_series() -> Vec<(String, PathBuf)> {
    series()
        .into_iter()
        .filter(|(_, d)| d.join("profiles/goroutineleak.pprof").is_file())
        .collect()
}

/// The goroutines a leak profile lists for Stuck (5 calls): a collection may find fewer of them
/// than were started, never more.
fn stuck(doc: &Value, version: &str, profile: &str) -> i64 {
    let f = findings(doc)
        .into_iter()
        .find(|f| {
            f["code"] == "EE0903"
                && f["position"]["path"] == "leaks.go"
                && f["blocked_at"]
                    .as_str()
                    .is_some_and(|b| b.starts_with("leaks.go:30"))
        })
        .unwrap_or_else(|| panic!("{version} {profile}: no EE0903 for Stuck"));
    assert_eq!(
        f["blocked_at"], "leaks.go:30 (sync.Mutex.Lock)",
        "{version} {profile}: {f}"
    );
    let n = f["leaked"].as_i64().unwrap();
    assert!((1..=5).contains(&n), "{version} {profile}: {f}");
    n
}

#[test]
fn there_are_leak_profiles_of_go_1_26_and_1_27() {
    let versions: Vec<String> = leak_series().into_iter().map(|(v, _)| v).collect();
    assert!(versions.contains(&"go1.26".to_string()), "{versions:?}");
    assert!(versions.contains(&"go1.27".to_string()), "{versions:?}");
}

/// The leak profile in its three forms: the protobuf (debug=0), the counted stacks (debug=1) and
/// the text of every goroutine (debug=2, the leaked ones marked). Each proven leak lands on the
/// `go` statement's finding, or is a finding of its own (EE0903) where the source rules saw
/// nothing; the sleeping workers and the senders on a package-level channel are never called
/// leaked.
#[test]
fn leaked_goroutines_are_counted_at_their_go_statement_in_every_form() {
    for (version, dir) in leak_series() {
        for profile in [
            "goroutineleak.pprof",
            "goroutineleak-debug1.txt",
            "goroutineleak-debug2.txt",
        ] {
            let doc = report(&dir, &[profile]);
            let ctx = format!("{version} {profile}");
            // The forgotten senders of Search and Fetch: the static finding, proven.
            let search = at(&doc, "workers.go", 32, "EE0304");
            assert_eq!(search["leaked"], 12, "{ctx}: {search}");
            // The text of debug=1 hides the runtime's frames: proven stuck on a channel or a lock,
            // it does not say which.
            let wait = if profile.contains("debug1") {
                "on a channel or lock"
            } else {
                "chan send"
            };
            let fetch = at(&doc, "leaks.go", 13, "EE0304");
            assert_eq!(fetch["leaked"], 9, "{ctx}: {fetch}");
            assert_eq!(
                fetch["blocked_at"],
                format!("leaks.go:14 ({wait})"),
                "{ctx}: {fetch}"
            );
            // First's senders and Stuck's waiters: no static finding, proven by the runtime.
            // debug=1 names no `go` statement: they are placed where they are blocked.
            let first_line = if profile.contains("debug1") { 22 } else { 21 };
            let first = at(&doc, "workers.go", first_line, "EE0903");
            assert_eq!(first["leaked"], 15, "{ctx}: {first}");
            assert_eq!(first["verdict"], "leak-risk", "{ctx}: {first}");
            assert_eq!(
                first["blocked_at"],
                format!("workers.go:22 ({wait})"),
                "{ctx}: {first}"
            );
            let stuck = stuck(&doc, &version, profile);
            // The profile's total is in the document: every goroutine it lists.
            assert_eq!(doc["profile"]["leaked"], 36 + stuck, "{ctx}");
            // Alive but not provably stuck: asleep, or on a channel a package-level variable
            // reaches. Never called leaked.
            let workers = at(&doc, "workers.go", 8, "EE0303");
            for f in findings(&doc) {
                let place = (f["position"]["path"].clone(), f["position"]["line"].clone());
                let leaked = f["leaked"].as_i64().unwrap_or(0);
                if place.0 == "workers.go" && place.1.as_u64().unwrap() <= 12
                    || place.0 == "leaks.go" && (37..=44).contains(&place.1.as_u64().unwrap())
                {
                    assert_eq!(leaked, 0, "{ctx}: {f}");
                }
            }
            if profile.contains("debug2") {
                // It is a goroutine profile too: everything alive, the leaked ones apart.
                assert_eq!(workers["goroutines"], 8, "{ctx}: {workers}");
            } else {
                // Not shown is not "0 leaked": that would read as cleared.
                assert!(workers.get("leaked").is_none(), "{ctx}: {workers}");
                assert!(
                    workers["runtime_note"]
                        .as_str()
                        .unwrap()
                        .contains(&format!("not proven leaked in {profile}")),
                    "{ctx}: {workers}"
                );
            }
        }
    }
}

/// A goroutine profile and a leak profile of the same run: the workers are alive but asleep,
/// which no collection can call stuck, and the note says so; where the leak profile proves a
/// leak, that finding stands rather than "alive" (EE0902).
#[test]
fn a_goroutine_profile_beside_the_leak_profile_tells_asleep_from_stuck() {
    for (version, dir) in leak_series() {
        let doc = report(&dir, &["goroutine-end.pprof", "goroutineleak.pprof"]);
        let workers = at(&doc, "workers.go", 8, "EE0303");
        assert_eq!(workers["goroutines"], 8, "{version}: {workers}");
        let note = workers["runtime_note"].as_str().unwrap();
        assert!(
            note.contains("alive in goroutine-end.pprof but not in goroutineleak.pprof")
                && note.contains("(`sleep`)"),
            "{version}: {note}"
        );
        let search = at(&doc, "workers.go", 32, "EE0304");
        assert_eq!(
            (&search["goroutines"], &search["leaked"]),
            (&Value::from(12), &Value::from(12)),
            "{version}: {search}"
        );
        assert!(
            !findings(&doc).iter().any(|f| f["code"] == "EE0902"),
            "{version}: every goroutine alive in a pile is proven leaked or found by the source"
        );
        assert_eq!(at(&doc, "workers.go", 21, "EE0903")["leaked"], 15);
        let stats = doc["profile"]["profiles"].as_array().unwrap();
        let kinds: Vec<&str> = stats.iter().map(|p| p["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["goroutine", "goroutineleak"], "{version}");
    }
}

/// The debug=2 text written for the leak profile is every goroutine's stack: read as a
/// goroutine profile, and said so on stderr, with the marked ones counted as leaked.
#[test]
fn the_text_of_every_stack_is_read_as_a_goroutine_profile_and_says_so() {
    let (_, dir) = leak_series().pop().unwrap();
    let input = rel(&dir.join("m2-l.txt"));
    let p = rel(&dir.join("profiles/goroutineleak-debug2.txt"));
    let out = on_fixture(&input, &["--profile", &p]);
    assert_success(&out, "");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("goroutineleak-debug2.txt: the text of every goroutine's stack (debug=2), read as a goroutine profile"),
        "{err}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "leak-risk[EE0304]: 12 goroutines proven leaked in goroutineleak-debug2.txt: "
        ),
        "{text}"
    );
}

#[test]
fn leak_profile_snapshots() {
    let (_, dir) = leak_series().pop().unwrap();
    snapshots_with(
        "leak-profiles",
        &dir,
        &["goroutine-end.pprof", "goroutineleak.pprof"],
    );
    let input = rel(&dir.join("m2-l.txt"));
    let l = rel(&dir.join("profiles/goroutineleak.pprof"));
    let out = on_fixture(&input, &["--format", "html", "--profile", &l]);
    assert_success(&out, "");
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(
        html.contains(
            r#"<b class="leaked" title="15 goroutines proven leaked in goroutineleak.pprof">15</b>"#
        ),
        "the gutter counts the leaked goroutines"
    );
}

/// A damaged leak profile is refused in one line, exit 2: a cut gzip stream, a text whose
/// stacks do not add up to its header, a header with no total.
#[test]
fn a_damaged_leak_profile_is_refused_in_one_line() {
    let (_, dir) = leak_series().pop().unwrap();
    let input = rel(&dir.join("m2-l.txt"));
    let tmp = tempfile::tempdir().unwrap();
    let pb = std::fs::read(dir.join("profiles/goroutineleak.pprof")).unwrap();
    let cut = tmp.path().join("cut.pprof");
    std::fs::write(&cut, &pb[..pb.len() / 2]).unwrap();
    let text = std::fs::read_to_string(dir.join("profiles/goroutineleak-debug1.txt")).unwrap();
    let total = text.lines().next().unwrap().to_string();
    let edited = tmp.path().join("edited.txt");
    std::fs::write(
        &edited,
        text.replacen(&total, "goroutineleak profile: total 1000", 1),
    )
    .unwrap();
    let headless = tmp.path().join("headless.txt");
    std::fs::write(
        &headless,
        text.replacen(&total, "goroutineleak profile: all of them", 1),
    )
    .unwrap();
    for (file, says) in [
        (&cut, "gzip stream is damaged"),
        (&edited, "its header says 1000 goroutines"),
        (&headless, "damaged header"),
    ] {
        let f = file.display().to_string();
        let out = on_fixture(&input, &["--profile", &f]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{f}: {err}");
        assert_eq!(err.lines().count(), 1, "{f}: {err}");
        assert!(
            err.contains("is not a heap, goroutine or goroutine leak profile")
                && err.contains(says),
            "{f}: {err}"
        );
        assert!(out.stdout.is_empty(), "{f}: nothing is reported");
    }
}

/// The blocked-send demo carries the leak profile its driver recorded: the sender its timeout
/// leaves behind is proven leaked, 20 times; the buffered version leaves none.
#[test]
fn the_blocked_send_demo_shows_its_senders_proven_leaked() {
    let out = run(&["demo", "blocked-send", "--recorded", "--format", "json"]);
    assert_success(&out, "");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let leak = at(&doc, "leaky.go", 9, "EE0304");
    assert_eq!(leak["leaked"], 20, "{leak}");
    assert_eq!(leak["blocked_at"], "leaky.go:10 (chan send)", "{leak}");
    assert_eq!(doc["profile"]["leaked"], 20);
    assert!(
        !findings(&doc)
            .iter()
            .any(|f| f["position"]["path"] == "fixed.go" && f.get("leaked").is_some()),
        "the buffered channel leaves no goroutine behind"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("goroutineleak.pprof, was recorded"), "{err}");
}

/// The leak profile and a goroutine profile of the same program in every pairing: a goroutine
/// profile taken half way (before Fetch ran) does not call Fetch's proven senders "not
/// exercised"; the debug=1 leak text suppresses the "alive" finding of the goroutines it proves
/// leaked; a marked debug=2 text given before the goroutine profile still counts its marks;
/// and a debug=2 text alone does not compare itself with itself.
#[test]
fn a_leak_profile_and_a_goroutine_profile_agree_in_every_pairing() {
    for (version, dir) in leak_series() {
        let doc = report(&dir, &["goroutine.pprof", "goroutineleak.pprof"]);
        let fetch = at(&doc, "leaks.go", 13, "EE0304");
        assert_eq!(fetch["leaked"], 9, "{version}: {fetch}");
        assert!(fetch.get("runtime_note").is_none(), "{version}: {fetch}");
        assert_eq!(doc["profile"]["not_exercised"], 0, "{version}");

        let doc = report(&dir, &["goroutineleak-debug1.txt", "goroutine-end.pprof"]);
        assert!(
            !findings(&doc).iter().any(|f| f["code"] == "EE0902"),
            "{version}: proven leaked, not merely alive"
        );
        assert_eq!(at(&doc, "workers.go", 22, "EE0903")["leaked"], 15);
        let search = at(&doc, "workers.go", 32, "EE0304");
        // The goroutine profile says what they wait on when the leak text cannot.
        assert_eq!(
            search["blocked_at"], "workers.go:32 (chan send)",
            "{search}"
        );

        let doc = report(&dir, &["goroutineleak-debug2.txt", "goroutine-end.pprof"]);
        assert_eq!(at(&doc, "workers.go", 32, "EE0304")["leaked"], 12);
        assert_eq!(at(&doc, "workers.go", 21, "EE0903")["leaked"], 15);
        assert!(
            doc["profile"]["leaked"].as_i64().unwrap() >= 37,
            "{version}"
        );

        let doc = report(&dir, &["goroutineleak-debug2.txt"]);
        let note = at(&doc, "workers.go", 8, "EE0303")["runtime_note"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            note.starts_with("alive in goroutineleak-debug2.txt but not marked leaked in it"),
            "{version}: {note}"
        );
        assert_eq!(doc["profile"]["not_exercised"], 0, "{version}");
    }
}
