//! The same compiler output gives the same report, byte for byte, whatever order go printed its
//! packages in. With tests, go compiles a package twice (`# pkg` for the packages that import
//! it, `# pkg [pkg.test]` with its test files) and prints the packages as they finish, so two
//! runs of one build print the same sections in different orders.

mod common;

use common::{assert_success, offline};
use serde_json::Value;

/// `go test -count=1 -gcflags='-m -l' ./...` of tests/go/variants: the registry is compiled
/// plainly for app and again with its tests, app plainly for the command and again with its
/// tests, beside the external test package and the test binaries' main packages.
const LOG: &str = "tests/fixtures/go1.27/variants/test-m-l.txt";
const MODULE: &str = "tests/go/variants";
const REGISTRY: &str = "example.com/fixtures/variants/registry";

/// The log cut into what comes before the first header and its sections: each from one
/// `# pkg` header up to the next (go's `ok` lines go with the section they follow).
fn sections(log: &str) -> (String, Vec<String>) {
    let mut head = String::new();
    let mut sections: Vec<String> = Vec::new();
    for line in log.split_inclusive('\n') {
        if line.starts_with("# ") {
            sections.push(String::new());
        }
        match sections.last_mut() {
            Some(s) => s.push_str(line),
            None => head.push_str(line),
        }
    }
    (head, sections)
}

/// A shuffle from a fixed seed (xorshift), so a failure names an order that can be replayed.
fn shuffled(n: usize, mut seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        order.swap(i, (seed % (i as u64 + 1)) as usize);
    }
    order
}

/// The orders tried: as recorded, reversed, each test variant ahead of its plain package, and
/// shuffles.
fn orders(sections: &[String]) -> Vec<Vec<usize>> {
    let n = sections.len();
    let mut orders = vec![(0..n).collect::<Vec<_>>(), (0..n).rev().collect()];
    let (variants, plain): (Vec<usize>, Vec<usize>) =
        (0..n).partition(|&i| sections[i].lines().next().is_some_and(|h| h.ends_with(']')));
    orders.push(variants.iter().chain(&plain).copied().collect());
    orders.push(plain.iter().chain(&variants).copied().collect());
    for seed in 1..=6 {
        orders.push(shuffled(n, 0x9E37_79B9_7F4A_7C15 ^ seed));
    }
    orders
}

fn report(log: &str) -> String {
    let mut child = offline()
        .args(["--input", "-", "-C", MODULE, "--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = log.to_string();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(input.as_bytes()).unwrap();
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_success(&out, "escape-explain --input - --format json: ");
    String::from_utf8(out.stdout).unwrap()
}

/// The findings of a package section (its variant, when given) at a file.
fn findings_at<'a>(
    doc: &'a Value,
    package: &str,
    variant: Option<&str>,
    file: &str,
) -> Vec<&'a Value> {
    doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["package"] == package && p["variant"].as_str() == variant)
        .flat_map(|p| p["findings"].as_array().unwrap())
        .filter(|f| f["position"]["path"] == file)
        .collect()
}

#[test]
fn shuffled_sections_give_the_same_json() {
    let log = std::fs::read_to_string(common::root().join(LOG)).unwrap();
    let (head, sections) = sections(&log);
    assert!(sections.len() >= 8, "{LOG} has its sections");
    let mut first: Option<(Vec<usize>, String)> = None;
    for order in orders(&sections) {
        let input: String = std::iter::once(head.as_str())
            .chain(order.iter().map(|&i| sections[i].as_str()))
            .collect();
        let json = report(&input);
        match &first {
            None => first = Some((order, json)),
            Some((order0, json0)) => assert!(
                json == *json0,
                "sections in order {order:?} give another report than in order {order0:?}:\n{}",
                first_difference(json0, &json)
            ),
        }
    }
}

/// Where two reports part, with some context.
fn first_difference(a: &str, b: &str) -> String {
    let at = a
        .bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = at.saturating_sub(200);
    let a_end = (at + 200).min(a.len());
    let b_end = (at + 200).min(b.len());
    format!(
        "at byte {at}:\n  {}\nvs\n  {}",
        String::from_utf8_lossy(&a.as_bytes()[from..a_end]),
        String::from_utf8_lossy(&b.as_bytes()[from..b_end])
    )
}

#[test]
fn a_holder_in_a_test_file_is_found_whichever_section_comes_first() {
    let log = std::fs::read_to_string(common::root().join(LOG)).unwrap();
    let (head, sections) = sections(&log);
    let variant = format!("{REGISTRY}.test");
    for order in orders(&sections) {
        let input: String = std::iter::once(head.as_str())
            .chain(order.iter().map(|&i| sections[i].as_str()))
            .collect();
        let doc: Value = serde_json::from_str(&report(&input)).unwrap();
        // startTicker in registry_test.go: a goroutine that never ends, only in the test
        // variant's source.
        let in_test = findings_at(&doc, REGISTRY, Some(&variant), "registry/registry_test.go");
        assert!(
            in_test
                .iter()
                .any(|f| f["verdict"] == "leak-risk" && f["holder"]["kind"] == "goroutine"),
            "order {order:?}: no goroutine holder in registry_test.go: {in_test:#?}"
        );
        // Watch in registry.go: reported once, under the plain package.
        let in_plain = findings_at(&doc, REGISTRY, None, "registry/registry.go");
        assert_eq!(
            in_plain
                .iter()
                .filter(|f| f["verdict"] == "leak-risk" && f["holder"]["kind"] == "goroutine")
                .count(),
            1,
            "order {order:?}: {in_plain:#?}"
        );
    }
}

#[test]
fn packages_are_listed_by_import_path_then_variant() {
    let log = std::fs::read_to_string(common::root().join(LOG)).unwrap();
    let (head, sections) = sections(&log);
    let order = shuffled(sections.len(), 42);
    let input: String = std::iter::once(head.as_str())
        .chain(order.iter().map(|&i| sections[i].as_str()))
        .collect();
    let doc: Value = serde_json::from_str(&report(&input)).unwrap();
    let keys: Vec<(String, String)> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["package"].as_str().unwrap_or_default().to_string(),
                p["variant"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(
        keys.contains(&(REGISTRY.to_string(), String::new()))
            && keys.contains(&(REGISTRY.to_string(), format!("{REGISTRY}.test"))),
        "{keys:?}"
    );
}

#[test]
fn the_recorded_log_has_plain_packages_and_their_test_variants() {
    let log = std::fs::read_to_string(common::root().join(LOG)).unwrap();
    for header in [
        "# example.com/fixtures/variants/registry\n",
        "# example.com/fixtures/variants/registry [example.com/fixtures/variants/registry.test]\n",
        "# example.com/fixtures/variants/app\n",
        "# example.com/fixtures/variants/app [example.com/fixtures/variants/app.test]\n",
        "# example.com/fixtures/variants/registry_test [example.com/fixtures/variants/registry.test]\n",
    ] {
        assert!(log.contains(header), "{LOG} lacks {header}");
    }
}

#[test]
fn a_log_read_from_a_file_or_a_pipe_gives_the_same_packages() {
    let file = offline()
        .args(["--input", LOG, "-C", MODULE, "--format", "json"])
        .output()
        .unwrap();
    assert_success(&file, "--input FILE: ");
    let log = std::fs::read_to_string(common::root().join(LOG)).unwrap();
    let piped: Value = serde_json::from_str(&report(&log)).unwrap();
    let file: Value = serde_json::from_slice(&file.stdout).unwrap();
    assert_eq!(file["packages"], piped["packages"]);
    assert_eq!(file["totals"], piped["totals"]);
}
