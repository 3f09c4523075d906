//! The result cache: a run that replays packages from it prints exactly what a run without it
//! prints, sees every edit to what the analysis read (the package's files, the files of a
//! package whose facts it imported, a file added to the directory), and treats a damaged or
//! unusable cache as a miss, never as an error or a different report.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{assert_success, offline, root};

const VERSION: &str = "1.27";

/// A copy of a fixture module, to edit.
fn copy_module(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join(name);
    copy_dir(&root().join("tests/go").join(name), &dest);
    (tmp, dest)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn log(module: &str) -> PathBuf {
    root()
        .join("tests/fixtures")
        .join(format!("go{VERSION}"))
        .join(module)
        .join("m2-l.txt")
}

/// The tool on `log` for the module in `dir`, with the cache in `cache` (None: `--no-cache`).
fn run(cache: Option<&Path>, dir: &Path, log: &Path, args: &[&str]) -> Output {
    let mut c = offline();
    c.args(["--input"]).arg(log).arg("-C").arg(dir).args(args);
    if !args.contains(&"--go-version") {
        c.args(["--go-version", VERSION]);
    }
    match cache {
        Some(cache) => c.env("ESCAPE_EXPLAIN_CACHE", cache),
        None => c.arg("--no-cache"),
    };
    c.output().unwrap()
}

/// How many packages the run replayed, from its `--verbose` line.
fn replayed(out: &Output) -> u64 {
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .find(|l| l.contains("replayed from the result cache"))
        .unwrap_or_else(|| panic!("no cache line in {err}"));
    line.split_whitespace().next().unwrap().parse().unwrap()
}

/// A cold run, a warm run and a run without the cache print the same bytes.
fn same_either_way(cache: &Path, dir: &Path, log: &Path, args: &[&str]) -> Vec<u8> {
    let without = run(None, dir, log, args);
    let first = run(Some(cache), dir, log, args);
    let again = run(Some(cache), dir, log, args);
    for (o, what) in [(&without, "no cache"), (&first, "cold"), (&again, "warm")] {
        assert!(
            o.status.code().is_some_and(|c| c <= 1),
            "{what} {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert_eq!(
        String::from_utf8_lossy(&first.stdout),
        String::from_utf8_lossy(&without.stdout),
        "cold run with the cache, {args:?} in {}",
        dir.display()
    );
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        String::from_utf8_lossy(&without.stdout),
        "warm run, {args:?} in {}",
        dir.display()
    );
    assert_eq!(first.status.code(), without.status.code());
    assert_eq!(again.status.code(), without.status.code());
    without.stdout
}

#[test]
fn a_warm_run_prints_what_a_run_without_the_cache_prints() {
    let modules: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/go1.27"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("m2-l.txt").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(modules.len() > 20, "{modules:?}");
    let cache = tempfile::tempdir().unwrap();
    for m in &modules {
        // JSON writes everything a finding has. The default report is replayed without
        // building the package's section (from what the entry keeps of it: the kinds, and
        // the diagnostics of what a holder keeps), so it is tried on every module too; the
        // other formats on a few.
        let dir = root().join("tests/go").join(m);
        same_either_way(cache.path(), &dir, &log(m), &["--format", "json"]);
        same_either_way(cache.path(), &dir, &log(m), &[]);
        if ["reach", "leaks", "registrations", "cgoleaks"].contains(&m.as_str()) {
            for format in ["text", "sarif", "compact", "html"] {
                same_either_way(cache.path(), &dir, &log(m), &["--format", format]);
            }
            same_either_way(cache.path(), &dir, &log(m), &["--format", "text", "-v"]);
            same_either_way(cache.path(), &dir, &log(m), &["--verdict", "heap,retained"]);
        }
    }
    // The runs above filled the cache: a run now replays every package with a section.
    let dir = root().join("tests/go/reach");
    let o = run(Some(cache.path()), &dir, &log("reach"), &["--verbose"]);
    assert_success(&o, "reach");
    assert!(replayed(&o) >= 8, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains(", 0 analysed"));
}

#[test]
fn an_edit_is_seen_in_the_package_and_through_imported_facts() {
    let (_tmp, dir) = copy_module("reach");
    let cache = tempfile::tempdir().unwrap();
    let log = log("reach");
    let before = same_either_way(cache.path(), &dir, &log, &["--format", "compact"]);
    let text = String::from_utf8_lossy(&before).into_owned();
    let forward = text
        .lines()
        .find(|l| l.contains("/relay/relay.go:8:"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(forward.contains("leak-risk"), "{forward}");

    // store lets go of what Hold keeps: relay, which only imports it, changes verdict. The
    // log is the same (the new function is below every line it names).
    let store = dir.join("store/store.go");
    let mut src = std::fs::read_to_string(&store).unwrap();
    src.push_str(
        "\n// Forget releases a held buffer.\nfunc Forget(key string) { delete(forever, key) }\n",
    );
    std::fs::write(&store, src).unwrap();
    let after = same_either_way(cache.path(), &dir, &log, &["--format", "compact"]);
    let text = String::from_utf8_lossy(&after).into_owned();
    let forward = text
        .lines()
        .find(|l| l.contains("/relay/relay.go:8:"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(forward.contains("retained"), "{forward}");

    // A Go file added to a package's directory is part of the package.
    std::fs::write(
        dir.join("relay/drop.go"),
        "package relay\n\nimport \"example.com/reach/store\"\n\n// Done ends a relay.\nfunc Done(key string) { store.Drop(key) }\n",
    )
    .unwrap();
    let o = run(
        Some(cache.path()),
        &dir,
        &log,
        &["--format", "compact", "-v"],
    );
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains(", 0 analysed"),
        "the new file is seen: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    same_either_way(cache.path(), &dir, &log, &["--format", "json"]);
}

#[test]
fn packages_are_analysed_in_the_order_go_printed_them_each_indexed_once() {
    // relay imports store and sorts before it; go printed store first, once it was compiled.
    // Analysed in go's order, store's facts come from the index built for its own section:
    // relay does not index store again.
    let dir = root().join("tests/go/reach");
    let log = log("reach");
    let text = std::fs::read_to_string(&log).unwrap();
    let at = |p: &str| {
        text.find(&format!("# example.com/reach/{p}\n"))
            .unwrap_or_else(|| panic!("no {p} in {}", log.display()))
    };
    assert!(at("store") < at("relay"));
    let cache = tempfile::tempdir().unwrap();
    let o = run(Some(cache.path()), &dir, &log, &["--verbose"]);
    assert_success(&o, "reach");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("0 packages replayed from the result cache, 9 analysed\n"),
        "{err}"
    );
    assert!(!err.contains("indexed apart"), "{err}");
    // What the first run analysed ahead of its turn and replayed for it, the next replays.
    let again = run(Some(cache.path()), &dir, &log, &["--verbose"]);
    assert!(
        String::from_utf8_lossy(&again.stderr)
            .contains("9 packages replayed from the result cache, 0 analysed\n")
    );
    assert_eq!(again.stdout, o.stdout);
}

/// Without the user's cache, the packages analysed ahead of their turn wait in one of the
/// run's own, in memory, and are taken from it for their turn: each analysed once, in go's
/// order, with nothing indexed apart, and the report that of a run with the user's cache.
#[test]
fn without_the_cache_packages_analysed_ahead_are_taken_for_their_turn() {
    let dir = root().join("tests/go/reach");
    let log = log("reach");
    let o = run(None, &dir, &log, &["--verbose"]);
    assert_success(&o, "reach");
    let err = String::from_utf8_lossy(&o.stderr);
    // A package's turn taken while it is analysed ahead waits for it, rather than analyses
    // it again.
    assert!(
        err.contains("9 packages analysed, 9 of them ahead of their turn\n"),
        "{err}"
    );
    assert!(!err.contains("indexed apart"), "{err}");
    let cache = tempfile::tempdir().unwrap();
    assert_eq!(run(Some(cache.path()), &dir, &log, &[]).stdout, o.stdout);
}

/// Each input of a key changed alone: the run prints what a run without the cache prints.
#[test]
fn changing_any_one_input_of_the_key_gives_the_cold_result() {
    let (_tmp, dir) = copy_module("reach");
    let cache = tempfile::tempdir().unwrap();
    let log = log("reach");
    let base = ["--format", "json"];
    same_either_way(cache.path(), &dir, &log, &base);

    // The compiler's output: a line of the store package dropped.
    let text = std::fs::read_to_string(&log).unwrap();
    let cut: String = text
        .lines()
        .filter(|l| !l.starts_with("store/store.go:16:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(cut.len(), text.len());
    let other_log = dir.join("other.log");
    std::fs::write(&other_log, cut).unwrap();
    same_either_way(cache.path(), &dir, &other_log, &base);

    // The Go version in effect, the target, the flags that change the analysis.
    for args in [
        ["--go-version", "1.22"],
        ["--goos", "windows"],
        ["--tags", "integration"],
    ] {
        let mut all = base.to_vec();
        all.extend(args);
        same_either_way(cache.path(), &dir, &log, &all);
    }
    let mut no_source = base.to_vec();
    no_source.push("--no-source");
    same_either_way(cache.path(), &dir, &log, &no_source);

    // What escape-explain.toml declares.
    std::fs::write(
        dir.join("escape-explain.toml"),
        "[bounded]\n\"example.com/reach/store.forever\" = \"keys are the fixed set of feeds\"\n",
    )
    .unwrap();
    let with_config = same_either_way(cache.path(), &dir, &log, &base);
    assert!(String::from_utf8_lossy(&with_config).contains("keys are the fixed set of feeds"));

    // A source file of the package, then the same bytes back (an entry is replaced when what
    // it read changed, so the package is analysed again, then replayed).
    let store = dir.join("store/store.go");
    let src = std::fs::read_to_string(&store).unwrap();
    std::fs::write(&store, src.replace("for good", "forever")).unwrap();
    same_either_way(cache.path(), &dir, &log, &base);
    std::fs::write(&store, &src).unwrap();
    same_either_way(cache.path(), &dir, &log, &base);
    let o = run(Some(cache.path()), &dir, &log, &["--format", "json", "-v"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains(", 0 analysed"));
}

#[test]
fn profiles_joined_to_replayed_packages_say_what_they_say_without_the_cache() {
    // Profiles are joined to findings after they are replayed: the packages kept by a run
    // without profiles give, with them, the report a run without the cache gives (the
    // findings the profiles add, and what they say of those they measure).
    let dir = root().join("tests/go/profiles");
    let log = log("profiles");
    let profiles = root().join(format!("tests/fixtures/go{VERSION}/profiles/profiles"));
    let cache = tempfile::tempdir().unwrap();
    let plain = run(Some(cache.path()), &dir, &log, &[]);
    assert_success(&plain, "profiles");
    let heap = profiles.join("heap-2.pprof");
    let goroutine = profiles.join("goroutine.pprof");
    let leak = profiles.join("goroutineleak.pprof");
    for format in ["text", "compact"] {
        let shown = same_either_way(
            cache.path(),
            &dir,
            &log,
            &[
                "--format",
                format,
                "--profile",
                heap.to_str().unwrap(),
                "--profile",
                goroutine.to_str().unwrap(),
                "--profile",
                leak.to_str().unwrap(),
            ],
        );
        assert_ne!(
            shown, plain.stdout,
            "{format}: the profiles change the report"
        );
    }
}

#[test]
fn a_damaged_entry_is_a_miss_and_is_written_again() {
    let cache = tempfile::tempdir().unwrap();
    let dir = root().join("tests/go/leaks");
    let log = log("leaks");
    let want = same_either_way(cache.path(), &dir, &log, &["--format", "json"]);
    let entries = files_under(&cache.path().join("results"));
    assert!(!entries.is_empty());
    for (i, e) in entries.iter().enumerate() {
        let mut bytes = std::fs::read(e).unwrap();
        match i % 3 {
            0 => bytes.truncate(bytes.len() / 2),
            1 => {
                let mid = bytes.len() / 2;
                bytes[mid] ^= 0x5a;
            }
            _ => bytes.clear(),
        }
        std::fs::write(e, bytes).unwrap();
    }
    let o = run(Some(cache.path()), &dir, &log, &["--format", "json", "-v"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&want)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("0 packages replayed"));
    let o = run(Some(cache.path()), &dir, &log, &["--format", "json", "-v"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&want)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains(", 0 analysed"));
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            all.extend(files_under(&e.path()));
        } else {
            all.push(e.path());
        }
    }
    all.sort();
    all
}

#[test]
fn an_unusable_cache_directory_means_no_cache_said_once_with_verbose() {
    let tmp = tempfile::tempdir().unwrap();
    // A file where the directory should be: it cannot be made (a read-only directory is the
    // same to the tool, but the tests may run as root, who writes anywhere).
    let blocked = tmp.path().join("cache");
    std::fs::write(&blocked, "not a directory").unwrap();
    let dir = root().join("tests/go/leaks");
    let want = run(None, &dir, &log("leaks"), &[]);
    let o = run(Some(&blocked), &dir, &log("leaks"), &[]);
    assert_eq!(o.stdout, want.stdout);
    assert_eq!(o.status.code(), want.status.code());
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(Some(&blocked), &dir, &log("leaks"), &["--verbose"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.matches("the result cache is not used").count(),
        1,
        "{err}"
    );
    let off = run(Some(Path::new("off")), &dir, &log("leaks"), &[]);
    assert_eq!(off.stdout, want.stdout);
    assert!(!tmp.path().join("off").exists() && !root().join("off").exists());
}

#[test]
fn runs_at_once_share_the_cache() {
    let cache = tempfile::tempdir().unwrap();
    let dir = root().join("tests/go/holders");
    let log = log("holders");
    let want = run(None, &dir, &log, &["--format", "json"]);
    let children: Vec<_> = (0..4)
        .map(|_| {
            let mut c = offline();
            c.arg("--input")
                .arg(&log)
                .arg("-C")
                .arg(&dir)
                .args(["--go-version", VERSION, "--format", "json"])
                .env("ESCAPE_EXPLAIN_CACHE", cache.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            c.spawn().unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&want.stdout)
        );
    }
    // No temporary file is left where entries are.
    for f in files_under(&cache.path().join("results")) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit()),
            "{name}"
        );
    }
}

#[test]
fn cache_info_and_clean_say_where_and_how_much() {
    let cache = tempfile::tempdir().unwrap();
    let dir = root().join("tests/go/leaks");
    assert_success(&run(Some(cache.path()), &dir, &log("leaks"), &[]), "fill");
    let n = files_under(&cache.path().join("results")).len();
    assert!(n > 0);
    let info = offline()
        .args(["cache", "info"])
        .env("ESCAPE_EXPLAIN_CACHE", cache.path())
        .output()
        .unwrap();
    assert_success(&info, "cache info");
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(
        text.starts_with(&format!("{}\n", cache.path().display())),
        "{text}"
    );
    assert!(text.contains(&format!("{n} entr")), "{text}");
    let clean = offline()
        .args(["cache", "clean"])
        .env("ESCAPE_EXPLAIN_CACHE", cache.path())
        .output()
        .unwrap();
    assert_success(&clean, "cache clean");
    assert!(String::from_utf8_lossy(&clean.stdout).starts_with(&format!("Removed {n} entr")));
    assert!(files_under(&cache.path().join("results")).is_empty());
    let off = offline()
        .args(["cache", "info"])
        .env("ESCAPE_EXPLAIN_CACHE", "off")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&off.stdout),
        "The result cache is off (ESCAPE_EXPLAIN_CACHE=off).\n"
    );
    // The default place: XDG_CACHE_HOME, else HOME.
    let home = tempfile::tempdir().unwrap();
    let info = |xdg: Option<&Path>| {
        let mut c = offline();
        c.args(["cache", "info"])
            .env_remove("ESCAPE_EXPLAIN_CACHE")
            .env("HOME", home.path());
        match xdg {
            Some(x) => c.env("XDG_CACHE_HOME", x),
            None => c.env_remove("XDG_CACHE_HOME"),
        };
        String::from_utf8_lossy(&c.output().unwrap().stdout).into_owned()
    };
    assert!(info(None).starts_with(&format!(
        "{}\n",
        home.path().join(".cache/escape-explain").display()
    )));
    assert!(info(Some(&home.path().join("x"))).starts_with(&format!(
        "{}\n",
        home.path().join("x/escape-explain").display()
    )));
}
