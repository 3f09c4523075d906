//! Paths from where the user stands: after `-C svc` from the repository root, every format a
//! person or an editor reads names `svc/maps.go`, SARIF places the results under the checkout's
//! root, and JSON keeps the module-relative path beside the one shown.

mod common;

use std::path::Path;
use std::process::Output;

use common::{assert_success, offline, root};

/// A checkout `repo/` (a `.git` directory) with the holders fixture module in `repo/svc`.
fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let svc = dir.path().join("repo/svc");
    std::fs::create_dir_all(&svc).unwrap();
    std::fs::create_dir_all(dir.path().join("repo/.git")).unwrap();
    for e in std::fs::read_dir(root().join("tests/go/holders")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, svc.join(p.file_name().unwrap())).unwrap();
    }
    dir
}

fn holders_log() -> String {
    root()
        .join("tests/fixtures/go1.27/holders/m2-l.txt")
        .display()
        .to_string()
}

/// The tool run in `here` on the holders log, reading the module in `module`.
fn run_in(here: &Path, module: &str, format: &str) -> Output {
    let out = offline()
        .current_dir(here)
        .args([
            "--input",
            &holders_log(),
            "-C",
            module,
            "--format",
            format,
            "--all",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    assert_success(&out, format);
    out
}

fn text(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn compact_list_and_text_name_files_from_the_current_directory() {
    let tmp = checkout();
    let repo = tmp.path().join("repo");
    let compact = text(&run_in(&repo, "svc", "compact"));
    assert!(compact.lines().count() > 10, "{compact}");
    for line in compact.lines() {
        assert!(line.starts_with("svc/"), "{line}");
        let file = line.split(':').next().unwrap();
        assert!(
            repo.join(file).is_file(),
            "{file} opens from the repository root"
        );
    }
    let list = text(&run_in(&repo, "svc", "list"));
    assert!(list.contains("\n  svc/maps.go\n"), "{list}");
    assert!(list.contains("declared at svc/maps.go:"), "{list}");
    let report = text(&run_in(&repo, "svc", "text"));
    assert!(report.contains("--> svc/maps.go:"), "{report}");
    assert!(!report.contains("--> maps.go:"), "{report}");

    // From inside the module, one level down: `../maps.go`.
    let deeper = repo.join("svc/sub");
    std::fs::create_dir_all(&deeper).unwrap();
    let compact = text(&run_in(&deeper, "..", "compact"));
    assert!(compact.lines().all(|l| l.starts_with("../")), "{compact}");
    // In the module root itself, as before.
    let compact = text(&run_in(&repo.join("svc"), ".", "compact"));
    assert!(compact.starts_with("chans.go:"), "{compact}");
}

#[test]
fn json_keeps_the_module_path_and_adds_the_one_shown() {
    let tmp = checkout();
    let repo = tmp.path().join("repo");
    let v: serde_json::Value =
        serde_json::from_slice(&run_in(&repo, "svc", "json").stdout).unwrap();
    let findings: Vec<&serde_json::Value> = v["packages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["findings"].as_array().unwrap())
        .collect();
    assert!(!findings.is_empty());
    for f in findings {
        let path = f["position"]["path"].as_str().unwrap();
        assert!(!path.starts_with("svc/"), "{path}");
        assert_eq!(f["shown"].as_str().unwrap(), format!("svc/{path}"));
    }
    // In the module root nothing is added: the shown path is the path.
    let v: serde_json::Value =
        serde_json::from_slice(&run_in(&repo.join("svc"), ".", "json").stdout).unwrap();
    assert!(v["packages"][0]["findings"][0].get("shown").is_none());
}

#[test]
fn sarif_places_results_under_the_checkout_root() {
    let tmp = checkout();
    let repo = tmp.path().join("repo");
    // From the root and from elsewhere, the same URIs: they are the checkout's, not the
    // current directory's.
    for here in [repo.clone(), tmp.path().to_path_buf()] {
        let module = if here == repo { "svc" } else { "repo/svc" };
        let o = run_in(&here, module, "sarif");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let run = &v["runs"][0];
        let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .unwrap();
        let canonical = repo.canonicalize().unwrap();
        assert_eq!(base, format!("file://{}/", canonical.display()));
        for r in run["results"].as_array().unwrap() {
            let locations = r["locations"]
                .as_array()
                .unwrap()
                .iter()
                .chain(r["relatedLocations"].as_array().into_iter().flatten());
            for l in locations {
                let a = &l["physicalLocation"]["artifactLocation"];
                assert_eq!(a["uriBaseId"], "%SRCROOT%", "{a}");
                let uri = a["uri"].as_str().unwrap();
                assert!(uri.starts_with("svc/"), "{uri}");
                assert!(canonical.join(uri).is_file(), "{uri}");
            }
        }
        if let Some(report) = common::validate_sarif(&o.stdout) {
            report.unwrap_or_else(|e| panic!("{module}: {e}"));
        }
    }
    // Outside a git checkout the base is the module root.
    std::fs::remove_dir(repo.join(".git")).unwrap();
    let o = run_in(&repo, "svc", "sarif");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let base = v["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(base.ends_with("/repo/svc/"), "{base}");
    let uri =
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
    assert!(!uri.starts_with("svc/"), "{uri}");
}

#[test]
fn html_headings_are_shown_paths_and_data_file_stays_module_relative() {
    let tmp = checkout();
    let repo = tmp.path().join("repo");
    let page = text(&run_in(&repo, "svc", "html"));
    let doc = scraper::Html::parse_document(&page);
    let h2 = scraper::Selector::parse("section.file h2").unwrap();
    let headings: Vec<String> = doc
        .select(&h2)
        .map(|e| e.text().collect::<String>())
        .collect();
    assert!(
        headings.contains(&"svc/maps.go".to_string()),
        "{headings:?}"
    );
    let section = scraper::Selector::parse("section.file").unwrap();
    let files: Vec<&str> = doc
        .select(&section)
        .filter_map(|e| e.value().attr("data-file"))
        .collect();
    assert!(files.contains(&"maps.go"), "{files:?}");
    assert!(files.iter().all(|f| !f.starts_with("svc/")), "{files:?}");
}
