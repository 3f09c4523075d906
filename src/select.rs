//! Which findings are reported: `//escape-explain:ignore CODE reason` comments, generated
//! files, path and package filters, and a baseline of findings known already. Runs between
//! classification and rendering; suppressed findings stay in the JSON, marked.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::escape::Section;
use crate::finding::{Finding, FindingKey, Site, Suppressed};
use crate::source::PackageIndex;
use serde::{Deserialize, Serialize};

/// Findings a saved report already had: a new run reports only the others.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    /// How many findings of each key the baseline has (a key can repeat).
    keys: HashMap<FindingKey, usize>,
}

impl Baseline {
    pub fn from_packages(packages: &[crate::render::json::Package]) -> Baseline {
        let mut keys = HashMap::new();
        for p in packages {
            let pkg = p.section.package.clone().unwrap_or_default();
            for f in &p.findings {
                *keys.entry(f.key(&pkg)).or_insert(0) += 1;
            }
        }
        Baseline { keys }
    }

    /// Whether the baseline had this finding (each baseline entry matches once).
    fn take(&mut self, key: &FindingKey) -> bool {
        match self.keys.get_mut(key) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}

/// The selection settings and what it has seen.
#[derive(Debug, Default)]
pub struct Selection {
    pub generated: bool,
    /// Path globs (`internal/**`, `*.go`): a finding is kept when one matches its path.
    pub paths: Vec<String>,
    /// Package patterns (`example.com/m/...`).
    pub packages: Vec<String>,
    /// Path globs (`--exclude`, `[report] exclude`): a finding is dropped when one matches.
    pub exclude: Vec<String>,
    pub baseline: Option<Baseline>,
    /// Suppression comments seen, by (path, line), and whether one silenced something.
    suppressions: BTreeSet<(String, u32, String, String)>,
    used: BTreeSet<(String, u32)>,
    /// The package patterns and path globs (by index) that matched something read.
    packages_matched: BTreeSet<usize>,
    paths_matched: BTreeSet<usize>,
}

impl Selection {
    pub fn new(
        generated: bool,
        paths: Vec<String>,
        packages: Vec<String>,
        baseline: Option<Baseline>,
    ) -> Selection {
        Selection {
            generated,
            paths,
            packages,
            baseline,
            ..Default::default()
        }
    }

    /// Marks suppressed findings and drops those the filters exclude.
    pub fn apply(
        &mut self,
        section: &Section,
        findings: Vec<Finding>,
        files: &[FileMarks],
    ) -> Vec<Finding> {
        let package = section.package.clone().unwrap_or_default();
        for (i, p) in self.packages.iter().enumerate() {
            if package_matches(p, &package) {
                self.packages_matched.insert(i);
            }
        }
        if !self.packages.is_empty() && !self.packages.iter().any(|p| package_matches(p, &package))
        {
            return Vec::new();
        }
        let files: HashMap<&str, &FileMarks> = files.iter().map(|f| (f.path.as_str(), f)).collect();
        // A glob matches something when it names a file of the package read, or the place of
        // a finding (a position in a file the index does not have).
        let finding_paths = findings
            .iter()
            .filter_map(|f| f.position.as_ref()?.path.as_deref());
        for path in files.keys().copied().chain(finding_paths) {
            for (i, g) in self.paths.iter().enumerate() {
                if !self.paths_matched.contains(&i) && glob(g, path) {
                    self.paths_matched.insert(i);
                }
            }
        }
        for (path, f) in &files {
            for s in &f.suppressions {
                self.suppressions.insert((
                    path.to_string(),
                    s.line,
                    s.code.clone(),
                    s.reason.clone(),
                ));
            }
        }
        // Filtered in place (`filter_map` over `into_iter` reuses the vector): a package can
        // have hundreds of thousands of findings.
        findings
            .into_iter()
            .filter_map(|mut f| {
                let path: Option<&str> = f.position.as_ref().and_then(|p| p.path.as_deref());
                let file = path.and_then(|p| files.get(p));
                // Guard: a generated file is rewritten by its generator; fixing it by hand is lost.
                if !self.generated && file.is_some_and(|f| f.generated) {
                    return None;
                }
                if !self.paths.is_empty()
                    && !path.is_some_and(|p| self.paths.iter().any(|g| glob(g, p)))
                {
                    return None;
                }
                if path.is_some_and(|p| self.exclude.iter().any(|g| glob(g, p))) {
                    return None;
                }
                if let (Some(file), Some(path), Some(line)) =
                    (file, path, f.position.as_ref().map(|p| p.line))
                    && let Some(s) = file.suppressions.iter().find(|s| {
                        s.code.eq_ignore_ascii_case(f.code.as_str())
                            && !s.reason.is_empty()
                            && (s.line == line || s.line + 1 == line)
                    })
                {
                    self.used.insert((path.to_string(), s.line));
                    let path = path.to_string();
                    f.suppressed = Some(Box::new(Suppressed {
                        reason: s.reason.clone(),
                        site: Site {
                            path,
                            line: s.line,
                            column: 1,
                            text: s.text.clone(),
                        },
                    }));
                }
                if let Some(b) = self.baseline.as_mut()
                    && f.suppressed.is_none()
                    && b.take(&f.key(&package))
                {
                    return None;
                }
                Some(f)
            })
            .collect()
    }

    /// `--only-package` patterns and `--only-path` globs that matched no package or file
    /// read, in words: a filter that matches nothing reports nothing, which must not pass for
    /// a clean report.
    pub fn unmatched(&self) -> Vec<String> {
        let packages = self
            .packages
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.packages_matched.contains(i))
            .map(|(_, p)| format!("--only-package {p} matched no package of the input"));
        let paths = self
            .paths
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.paths_matched.contains(i))
            .map(|(_, g)| {
                format!("--only-path {g} matched no file of the packages read (globs are relative to the module root)")
            });
        packages.chain(paths).collect()
    }

    /// Suppression comments that silenced nothing, or that have no reason, in words.
    pub fn unused(&self) -> Vec<String> {
        self.suppressions
            .iter()
            .filter(|(p, l, _, r)| r.is_empty() || !self.used.contains(&(p.clone(), *l)))
            .map(|(p, l, code, reason)| {
                if reason.is_empty() {
                    format!("{p}:{l}: //escape-explain:ignore {code} has no reason, so it silences nothing")
                } else {
                    format!("{p}:{l}: //escape-explain:ignore {code} silences nothing here")
                }
            })
            .collect()
    }
}

/// What selection needs of one source file of a package: its path as findings name it
/// (relative to the module root), whether a generator wrote it, and its suppression comments.
/// Taken from the package's index, or replayed from the result cache with its findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMarks {
    pub path: String,
    pub generated: bool,
    pub suppressions: Vec<Marked>,
}

/// An `//escape-explain:ignore CODE reason` comment, with the text of its line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marked {
    pub line: u32,
    pub code: String,
    pub reason: String,
    pub text: String,
}

/// The marks of every file of `index`.
pub fn file_marks(index: &PackageIndex, root: Option<&Path>) -> Vec<FileMarks> {
    index
        .files
        .iter()
        .map(|f| FileMarks {
            path: root
                .and_then(|r| f.path.strip_prefix(r).ok())
                .unwrap_or(&f.path)
                .to_string_lossy()
                .into_owned(),
            generated: f.generated,
            suppressions: f
                .suppressions
                .iter()
                .map(|s| Marked {
                    line: s.line,
                    code: s.code.clone(),
                    reason: s.reason.clone(),
                    text: f.line(s.line).unwrap_or("").trim().to_string(),
                })
                .collect(),
        })
        .collect()
}

/// `example.com/m/...` matches the package and everything below it; otherwise exact.
pub fn package_matches(pattern: &str, package: &str) -> bool {
    match pattern.strip_suffix("/...") {
        Some(prefix) => package == prefix || package.starts_with(&format!("{prefix}/")),
        None if pattern == "..." || pattern == "./..." => true,
        None => pattern == package,
    }
}

/// A path glob: `*` matches within one path element, `**` across elements; a pattern without a
/// wildcard matches the path and everything under it.
pub fn glob(pattern: &str, path: &str) -> bool {
    if !pattern.contains('*') {
        let p = pattern.trim_end_matches('/');
        return path == p || path.starts_with(&format!("{p}/"));
    }
    fn go(p: &[u8], s: &[u8]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) if p.get(1) == Some(&b'*') => {
                let rest = if p.get(2) == Some(&b'/') {
                    &p[3..]
                } else {
                    &p[2..]
                };
                (0..=s.len()).any(|i| go(rest, &s[i..]))
            }
            (Some(b'*'), _) => {
                let stop = s.iter().position(|&c| c == b'/').unwrap_or(s.len());
                (0..=stop).any(|i| go(&p[1..], &s[i..]))
            }
            (Some(a), Some(b)) if a == b => go(&p[1..], &s[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), path.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("internal/**", "internal/a/b.go"));
        assert!(glob("**/*.go", "a/b/c.go"));
        assert!(glob("*.go", "main.go"));
        assert!(!glob("*.go", "lib/main.go"));
        assert!(glob("lib", "lib/x.go"));
        assert!(!glob("lib", "library/x.go"));
    }

    #[test]
    fn package_patterns() {
        assert!(package_matches("example.com/m/...", "example.com/m"));
        assert!(package_matches("example.com/m/...", "example.com/m/lib"));
        assert!(!package_matches("example.com/m/...", "example.com/mx"));
        assert!(package_matches("example.com/m", "example.com/m"));
    }
}
