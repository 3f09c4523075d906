//! Which target a saved log was built for, told from the files it names. A log records the
//! files the compiler compiled; when this machine's target (GOOS, GOARCH, tags, cgo) leaves
//! one of them out (`x_windows.go` in a log of `GOOS=windows go build`), reading the package
//! for this target would judge code that build never had, and miss code it had. The target
//! that builds every file named is taken when it is the only one that does with the fewest
//! changes; otherwise the user is asked.

use super::constraint::{KNOWN_ARCH, KNOWN_OS, Target, constraint_words, in_build};

/// How a target fits the files a log names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetFit {
    /// It builds every file named.
    Fits,
    /// It does not; this one, and no other as close to it, does: the target, and how it
    /// differs, in words (`GOOS=windows`, `-tags integration`).
    Inferred(Target, String),
    /// It does not, and no single target can be told: the files it leaves out.
    Unknown(Vec<String>),
}

/// The most custom tags tried together: each doubles the targets tried.
const MAX_TAGS: usize = 6;

/// How `target` fits `files` (file name or path, text), the files a log names.
pub fn fit(files: &[(String, String)], target: &Target) -> TargetFit {
    let left_out: Vec<&(String, String)> = files
        .iter()
        .filter(|(name, text)| !in_build(name, text, target))
        .collect();
    if left_out.is_empty() {
        return TargetFit::Fits;
    }
    // The candidates: what the files left out mention, beside what the target has.
    let mut oses = vec![target.goos.clone()];
    let mut arches = vec![target.goarch.clone()];
    let mut tags: Vec<String> = Vec::new();
    for (name, text) in &left_out {
        for w in constraint_words(name, text) {
            if KNOWN_OS.contains(&w.as_str()) {
                push_new(&mut oses, w);
            } else if KNOWN_ARCH.contains(&w.as_str()) {
                push_new(&mut arches, w);
            } else if !is_builtin_tag(&w) && !target.tags.contains(&w) {
                push_new(&mut tags, w);
            }
        }
    }
    tags.truncate(MAX_TAGS);
    // Only a file with a constraint (or cgo) can be left out by a candidate; the others are
    // in every build.
    let constrained: Vec<&(String, String)> = files
        .iter()
        .filter(|(name, text)| {
            !constraint_words(name, text).is_empty() || text.contains("import \"C\"")
        })
        .collect();
    let mut best: Vec<(usize, Target)> = Vec::new();
    for goos in &oses {
        for goarch in &arches {
            for cgo in [target.cgo, !target.cgo] {
                for mask in 0u32..(1 << tags.len()) {
                    let mut t = target.clone();
                    t.goos = goos.clone();
                    t.goarch = goarch.clone();
                    t.cgo = cgo;
                    t.tags.extend(
                        (0..tags.len())
                            .filter(|i| mask & (1 << i) != 0)
                            .map(|i| tags[i].clone()),
                    );
                    if !constrained
                        .iter()
                        .all(|(name, text)| in_build(name, text, &t))
                    {
                        continue;
                    }
                    let changes = usize::from(t.goos != target.goos)
                        + usize::from(t.goarch != target.goarch)
                        + usize::from(t.cgo != target.cgo)
                        + mask.count_ones() as usize;
                    match best.first() {
                        Some((c, _)) if changes > *c => {}
                        Some((c, _)) if changes == *c => best.push((changes, t)),
                        _ => best = vec![(changes, t)],
                    }
                }
            }
        }
    }
    match best.as_slice() {
        [(_, t)] => {
            let words = differences(target, t);
            TargetFit::Inferred(t.clone(), words)
        }
        _ => TargetFit::Unknown(left_out.iter().map(|(n, _)| n.clone()).collect()),
    }
}

fn push_new(v: &mut Vec<String>, w: String) {
    if !v.contains(&w) {
        v.push(w);
    }
}

/// Tags the go command sets itself, which `-tags` does not choose.
fn is_builtin_tag(w: &str) -> bool {
    matches!(w, "cgo" | "gc" | "gccgo" | "unix") || w.starts_with("go1.")
}

/// Whether the only difference is in `goexperiment.*` tags: the toolchain's experiments (on by
/// default in a release, or set with GOEXPERIMENT), not something the user chose.
pub fn only_experiments(from: &Target, to: &Target) -> bool {
    to.goos == from.goos
        && to.goarch == from.goarch
        && to.cgo == from.cgo
        && to
            .tags
            .iter()
            .filter(|t| !from.tags.contains(t))
            .all(|t| t.starts_with("goexperiment."))
}

/// How `to` differs from `from`, as the flags and variables that say it.
fn differences(from: &Target, to: &Target) -> String {
    let mut words = Vec::new();
    if to.goos != from.goos {
        words.push(format!("GOOS={}", to.goos));
    }
    if to.goarch != from.goarch {
        words.push(format!("GOARCH={}", to.goarch));
    }
    if to.cgo != from.cgo {
        words.push(format!("CGO_ENABLED={}", u8::from(to.cgo)));
    }
    let added: Vec<&str> = to
        .tags
        .iter()
        .filter(|t| !from.tags.contains(t))
        .map(String::as_str)
        .collect();
    if !added.is_empty() {
        words.push(format!("-tags {}", added.join(",")));
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linux() -> Target {
        Target {
            goos: "linux".into(),
            goarch: "amd64".into(),
            tags: Vec::new(),
            cgo: true,
            go_minor: Some(27),
        }
    }

    fn file(name: &str, text: &str) -> (String, String) {
        (name.to_string(), text.to_string())
    }

    #[test]
    fn the_target_is_told_from_the_files_a_log_names() {
        let plain = file("a.go", "package a\n");
        assert_eq!(fit(std::slice::from_ref(&plain), &linux()), TargetFit::Fits);

        let windows = [plain.clone(), file("x_windows.go", "package a\n")];
        match fit(&windows, &linux()) {
            TargetFit::Inferred(t, words) => {
                assert_eq!(t.goos, "windows");
                assert_eq!(words, "GOOS=windows");
            }
            other => panic!("{other:?}"),
        }

        let tagged = [
            plain.clone(),
            file("it.go", "//go:build integration\n\npackage a\n"),
            file("unit.go", "//go:build !integration\n\npackage a\n"),
        ];
        // Both `integration` and its negation named: no target builds both.
        assert!(matches!(fit(&tagged, &linux()), TargetFit::Unknown(_)));
        match fit(&tagged[..2], &linux()) {
            TargetFit::Inferred(t, words) => {
                assert_eq!(t.tags, ["integration"]);
                assert_eq!(words, "-tags integration");
            }
            other => panic!("{other:?}"),
        }

        // Two systems would do: the user must say which.
        let either = [file("x.go", "//go:build windows || darwin\n\npackage a\n")];
        assert_eq!(
            fit(&either, &linux()),
            TargetFit::Unknown(vec!["x.go".into()])
        );
    }
}
