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
    // What the run says beside the report (files not found, lines not understood) too; with
    // `--verbose` it also says how many packages the cache gave.
    let verbose = args.iter().any(|a| *a == "-v" || *a == "--verbose");
    for (o, what) in [(&first, "cold"), (&again, "warm")]
        .into_iter()
        .filter(|_| !verbose)
    {
        assert_eq!(
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&without.stderr),
            "{what} run's standard error, {args:?} in {}",
            dir.display()
        );
    }
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

    // What a run says on standard error is the same too: here, that the log names a file the
    // module does not have.
    let tmp = tempfile::tempdir().unwrap();
    let odd = tmp.path().join("odd.log");
    let mut text = std::fs::read_to_string(log("reach")).unwrap();
    text.push_str("gone/gone.go:9:1: x escapes to heap\n");
    std::fs::write(&odd, text).unwrap();
    let o = run(None, &dir, &odd, &[]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("names files that are not under"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    same_either_way(cache.path(), &dir, &odd, &[]);
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
    // Packages are entries of their own: store and those that read its facts (relay and api
    // import it, main imports api) are analysed again; feeds, guard, metrics, ticks and
    // workers, which read nothing of store, are replayed.
    let o = run(
        Some(cache.path()),
        &dir,
        &log,
        &["--format", "compact", "-v"],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("5 packages replayed from the result cache, 4 analysed"),
        "{err}"
    );
    let after = same_either_way(cache.path(), &dir, &log, &["--format", "compact"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&after)
    );
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

/// [`same_either_way`] after one input of the keys changed: the report is also not the one
/// `before` (what the runs printed before the change), so a key that left the input out would
/// replay the old report and fail here.
fn changed(cache: &Path, dir: &Path, log: &Path, args: &[&str], before: &[u8], what: &str) {
    let after = same_either_way(cache, dir, log, args);
    assert_ne!(
        String::from_utf8_lossy(&after),
        String::from_utf8_lossy(before),
        "{what} changes the report"
    );
}

/// Each input of a key changed alone, one after the other on one cache: each run prints what
/// a run without the cache prints, and what it prints differs from the report before the
/// change.
#[test]
fn changing_any_one_input_of_the_key_gives_the_cold_result() {
    let (_tmp, dir) = copy_module("reach");
    let cache = tempfile::tempdir().unwrap();
    let log = log("reach");
    let base = ["--format", "json"];
    let before = same_either_way(cache.path(), &dir, &log, &base);

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
    changed(
        cache.path(),
        &dir,
        &other_log,
        &base,
        &before,
        "a line of the log",
    );

    // The Go version in effect (ticks' timer is released by the runtime from Go 1.23 on), and
    // the source left out.
    for (args, what) in [
        (&["--go-version", "1.22"][..], "the Go version"),
        (&["--no-source"][..], "the source left out"),
    ] {
        let mut all = base.to_vec();
        all.extend(args);
        changed(cache.path(), &dir, &log, &all, &before, what);
    }

    // What escape-explain.toml declares.
    let config = dir.join("escape-explain.toml");
    std::fs::write(
        &config,
        "[bounded]\n\"example.com/reach/store.forever\" = \"keys are the fixed set of feeds\"\n",
    )
    .unwrap();
    let with_config = same_either_way(cache.path(), &dir, &log, &base);
    assert!(String::from_utf8_lossy(&with_config).contains("keys are the fixed set of feeds"));
    std::fs::remove_file(&config).unwrap();

    // A source file of the package, every position kept (the holder's declaration, which the
    // report quotes), then the same bytes back: an entry is replaced when what it read
    // changed, so the package is analysed again, then replayed.
    let store = dir.join("store/store.go");
    let src = std::fs::read_to_string(&store).unwrap();
    let edited = src.replace(
        "var forever = map[string][]byte{}\n",
        "var forever = map[string][]byte{} // every key ever held\n",
    );
    assert_ne!(edited, src);
    std::fs::write(&store, edited).unwrap();
    changed(cache.path(), &dir, &log, &base, &before, "a source file");
    std::fs::write(&store, &src).unwrap();
    assert_eq!(same_either_way(cache.path(), &dir, &log, &base), before);
    let o = run(Some(cache.path()), &dir, &log, &["--format", "json", "-v"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains(", 0 analysed"));

    // The target: which files are in the build decides which deletes release a map
    // (buildtags). Files for another system and another architecture are added first, so
    // that only the flag changes. (A GOOS whose build leaves out a file the log names is
    // refused; android's builds take linux's files.)
    let (_tmp, dir) = copy_module("buildtags");
    for (file, body) in [
        (
            "evict_android.go",
            "func Clear(k string) { delete(cache, k) }",
        ),
        (
            "evict_arm64.go",
            "func Cancel(k string) { delete(jobs, k) }",
        ),
    ] {
        std::fs::write(dir.join(file), format!("package buildtags\n\n{body}\n")).unwrap();
    }
    let log = root().join(format!("tests/fixtures/go{VERSION}/buildtags/m2-l.txt"));
    // The target the log was built for, whatever the machine running the test.
    let target = |goos: &'static str, goarch: &'static str| {
        let mut args = base.to_vec();
        args.extend(["--goos", goos, "--goarch", goarch]);
        args
    };
    let before = same_either_way(cache.path(), &dir, &log, &target("linux", "amd64"));
    let mut tagged = target("linux", "amd64");
    tagged.extend(["--tags", "integration"]);
    for (args, what) in [
        (target("android", "amd64"), "GOOS"),
        (target("linux", "arm64"), "GOARCH"),
        (tagged, "a build tag"),
    ] {
        changed(cache.path(), &dir, &log, &args, &before, what);
    }
}

/// The build of the tool is in the key: a copy of the same executable with one byte more
/// replays nothing another build kept.
#[test]
// An ELF file runs with bytes appended; a signed Mach-O file would not.
#[cfg(target_os = "linux")]
fn another_build_of_the_tool_replays_nothing() {
    let dir = root().join("tests/go/reach");
    let log = log("reach");
    let cache = tempfile::tempdir().unwrap();
    let first = run(Some(cache.path()), &dir, &log, &["-v"]);
    assert_success(&first, "reach");
    assert_eq!(replayed(&run(Some(cache.path()), &dir, &log, &["-v"])), 9);

    let bin = tempfile::tempdir().unwrap();
    let copy = bin.path().join("escape-explain");
    let mut exe = std::fs::read(assert_cmd::cargo::cargo_bin!("escape-explain")).unwrap();
    // Bytes after the last section an executable's headers name are not loaded: the copy runs
    // as the tool.
    exe.push(0);
    std::fs::write(&copy, exe).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    let other = |args: &[&str]| {
        let mut c = std::process::Command::new(&copy);
        for v in common::TERMINAL_VARS {
            c.env_remove(v);
        }
        c.env("PATH", "/nonexistent")
            .env("ESCAPE_EXPLAIN_CACHE", cache.path())
            .stdin(std::process::Stdio::null())
            .args(["--input"])
            .arg(&log)
            .arg("-C")
            .arg(&dir)
            .args(["--go-version", VERSION])
            .args(args);
        // Another thread of the test binary that forked while the copy was open for writing
        // holds it open until its child execs: starting the copy fails with "text file busy"
        // (ETXTBSY) for that moment.
        let mut tries = 0;
        loop {
            match c.output() {
                Err(e) if e.raw_os_error() == Some(26) && tries < 50 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                o => return o.unwrap(),
            }
        }
    };
    let o = other(&["-v"]);
    assert_success(&o, "the other build");
    assert_eq!(replayed(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.stdout, first.stdout);
    // Each build then finds its own.
    assert_eq!(replayed(&other(&["-v"])), 9);
    assert_eq!(replayed(&run(Some(cache.path()), &dir, &log, &["-v"])), 9);
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

/// A run trims the cache, at most once a day: entries unused for days go, and what a killed
/// run left half written.
#[test]
fn a_run_trims_the_cache() {
    let cache = tempfile::tempdir().unwrap();
    let sub = cache.path().join("results/ab");
    std::fs::create_dir_all(&sub).unwrap();
    let aged = |name: &str, secs: u64| {
        let path = sub.join(name);
        std::fs::write(&path, b"x").unwrap();
        std::fs::File::options()
            .append(true)
            .open(&path)
            .unwrap()
            .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(secs))
            .unwrap();
        path
    };
    let unused = aged("ab00000000000000000000000000000a", 6 * 86400);
    let recent = aged("ab00000000000000000000000000000b", 86400);
    let killed = aged(".tmpkilled", 2 * 3600);
    let dir = root().join("tests/go/leaks");
    assert_success(&run(Some(cache.path()), &dir, &log("leaks"), &[]), "leaks");
    assert!(!unused.exists(), "unused for six days");
    assert!(!killed.exists(), "left by a killed run");
    assert!(recent.exists());
    assert!(cache.path().join("trim.txt").exists());
}

#[test]
fn cache_info_and_clean_say_where_and_how_much() {
    let cache = tempfile::tempdir().unwrap();
    let dir = root().join("tests/go/leaks");
    assert_success(&run(Some(cache.path()), &dir, &log("leaks"), &[]), "fill");
    let n = files_under(&cache.path().join("results")).len();
    assert!(n > 0);
    let bytes: u64 = files_under(&cache.path().join("results"))
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    // A write a killed run left unfinished is not an entry.
    let some = files_under(&cache.path().join("results")).remove(0);
    std::fs::write(some.with_file_name(".tmpkilled"), vec![0u8; 100_000]).unwrap();
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
    // How big, as the tool words a size (KiB under a MiB).
    assert!((1024..1 << 20).contains(&bytes), "{bytes}");
    assert!(
        text.contains(&format!(", {:.1} KiB (", bytes as f64 / 1024.0)),
        "{bytes} bytes: {text}"
    );
    let clean = offline()
        .args(["cache", "clean"])
        .env("ESCAPE_EXPLAIN_CACHE", cache.path())
        .output()
        .unwrap();
    assert_success(&clean, "cache clean");
    assert!(String::from_utf8_lossy(&clean.stdout).starts_with(&format!("Removed {n} entr")));
    assert!(files_under(&cache.path().join("results")).is_empty());
    let off = offline()
        .args(["cache", "clean"])
        .env("ESCAPE_EXPLAIN_CACHE", "off")
        .output()
        .unwrap();
    assert_success(&off, "cache clean, off");
    assert_eq!(
        String::from_utf8_lossy(&off.stdout),
        "The result cache is off: nothing to clean.\n"
    );
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
    // Nowhere to put it: no cache, said with --verbose, and the report as without one.
    let nowhere = |args: &[&str]| {
        let mut c = offline();
        c.env_remove("ESCAPE_EXPLAIN_CACHE")
            .env_remove("HOME")
            .env_remove("XDG_CACHE_HOME")
            .args(args);
        c.output().unwrap()
    };
    assert_eq!(
        String::from_utf8_lossy(&nowhere(&["cache", "info"]).stdout),
        "The result cache is off (neither XDG_CACHE_HOME nor HOME is set).\n"
    );
    let dir = root().join("tests/go/leaks");
    let log = log("leaks");
    let mut args = vec![
        "--input",
        log.to_str().unwrap(),
        "-C",
        dir.to_str().unwrap(),
    ];
    args.extend(["--go-version", VERSION]);
    let plain = nowhere(&args);
    assert_success(&plain, "no HOME");
    assert_eq!(plain.stdout, run(None, &dir, &log, &[]).stdout);
    args.push("--verbose");
    let said = nowhere(&args);
    let err = String::from_utf8_lossy(&said.stderr);
    assert_eq!(
        err.matches("neither XDG_CACHE_HOME nor HOME is set")
            .count(),
        1,
        "{err}"
    );
}
