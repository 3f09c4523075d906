//! How a path is shown to the user: from the directory they ran the command in.
//!
//! Findings carry paths relative to the module root (the stable form a baseline and a diff
//! match on). A reader who ran `escape-explain -C svc` from the repository root needs
//! `svc/internal/x.go`, the path vim's `:make` and a terminal's click open from there. This is
//! the one place that turns the first into the second; the renderers ask it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The module root as seen from the current directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShownPaths {
    /// The module root, canonical; None shows paths from the root as they are.
    root: Option<PathBuf>,
    /// The current directory, canonical.
    here: Option<PathBuf>,
    memo: Memo,
}

/// Each path shown so far, as shown (None: as it is). A report names the same few files
/// thousands of times, and working one out takes a walk of both paths' components.
#[derive(Default)]
struct Memo(Mutex<HashMap<String, Option<String>>>);

impl Clone for Memo {
    fn clone(&self) -> Memo {
        Memo::default()
    }
}

/// A memo is what the paths give: it takes no part in comparing them.
impl PartialEq for Memo {
    fn eq(&self, _: &Memo) -> bool {
        true
    }
}

impl Eq for Memo {}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

impl ShownPaths {
    /// Paths as they are: relative to the module root.
    pub fn from_root() -> ShownPaths {
        ShownPaths::default()
    }

    /// Paths relative to `here` for a module whose root is `root`. Both are canonicalized; a
    /// directory that cannot be (it went away) leaves paths as they are.
    pub fn new(root: Option<&Path>, here: &Path) -> ShownPaths {
        let Ok(here) = here.canonicalize() else {
            return ShownPaths::default();
        };
        ShownPaths {
            root: root.and_then(|r| r.canonicalize().ok()),
            here: Some(here),
            memo: Memo::default(),
        }
    }

    /// `path` (relative to the module root, or absolute) as the user sees it from here: a
    /// module path relative to the current directory (`svc/x.go`, `../m/x.go`), an absolute
    /// one relative only when it is under it.
    pub fn show<'a>(&self, path: &'a str) -> Cow<'a, str> {
        let Some(here) = &self.here else {
            return Cow::Borrowed(path);
        };
        let mut memo = self.memo.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(shown) = memo.get(path) {
            return match shown {
                Some(shown) => Cow::Owned(shown.clone()),
                None => Cow::Borrowed(path),
            };
        }
        let shown = self.work_out(here, path);
        memo.insert(
            path.to_string(),
            match &shown {
                Cow::Owned(s) => Some(s.clone()),
                Cow::Borrowed(_) => None,
            },
        );
        shown
    }

    fn work_out<'a>(&self, here: &Path, path: &'a str) -> Cow<'a, str> {
        let p = Path::new(path);
        // A file outside the module (the standard library's) keeps its absolute path unless
        // it is under the current directory.
        let rel = match (&self.root, p.is_absolute()) {
            (_, true) => p.strip_prefix(here).ok().map(Path::to_path_buf),
            (Some(root), false) => {
                let full = normalize(&root.join(p));
                // Far from here (nothing shared but `/`): the absolute path.
                match relative(&full, here) {
                    Some(rel) => Some(rel),
                    None => return Cow::Owned(full.to_string_lossy().into_owned()),
                }
            }
            (None, false) => return Cow::Borrowed(path),
        };
        match rel {
            Some(rel) if !rel.as_os_str().is_empty() => {
                let shown = slashes(&rel);
                if shown == path {
                    Cow::Borrowed(path)
                } else {
                    Cow::Owned(shown)
                }
            }
            _ => Cow::Borrowed(path),
        }
    }

    /// `path:line` as shown.
    pub fn line(&self, path: &str, line: u32) -> String {
        format!("{}:{line}", self.show(path))
    }

    /// `path:line:column` as shown.
    pub fn site(&self, path: &str, line: u32, column: u32) -> String {
        format!("{}:{line}:{column}", self.show(path))
    }

    /// A diagnostic's file: its resolved path when it has one, else the file as printed.
    pub fn file<'a>(&self, p: &'a crate::escape::Position) -> Cow<'a, str> {
        match p.path.as_deref() {
            Some(path) => self.show(path),
            None => Cow::Borrowed(&*p.file),
        }
    }

    /// A diagnostic's place, `path:line[:col]`: its resolved path when it has one, else the
    /// file as the compiler printed it.
    pub fn position(&self, p: &crate::escape::Position) -> String {
        let file = self.file(p);
        match p.column {
            Some(c) => format!("{file}:{}:{c}", p.line),
            None => format!("{file}:{}", p.line),
        }
    }
}

impl ShownPaths {
    /// A place already written `path:line[:col]` (a profile's largest holders), as shown.
    pub fn place(&self, place: &str) -> String {
        let mut path = place;
        let mut tail = "";
        for _ in 0..2 {
            match path.rsplit_once(':') {
                Some((p, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                    tail = &place[p.len()..];
                    path = p;
                }
                _ => break,
            }
        }
        format!("{}{tail}", self.show(path))
    }
}

/// `to` relative to `from`, both absolute and canonical: `svc`, `../m`, empty when equal.
/// None when they share nothing but the root (`/tmp` and `/home/me/m`): `../../home/me/m`
/// says less than the absolute path. None on Windows when they are on different drives.
fn relative(to: &Path, from: &Path) -> Option<PathBuf> {
    let to: Vec<Component> = to.components().collect();
    let from: Vec<Component> = from.components().collect();
    if to.first() != from.first() {
        return None;
    }
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let shares_a_directory = to[..common]
        .iter()
        .any(|c| matches!(c, Component::Normal(_)));
    if !shares_a_directory && common < from.len() {
        return None;
    }
    let mut rel = PathBuf::new();
    for _ in common..from.len() {
        rel.push("..");
    }
    for c in &to[common..] {
        rel.push(c.as_os_str());
    }
    Some(rel)
}

/// Removes `x/..` and `.` components without touching the file system: `svc/../a/a.go` (a
/// workspace module beside the one shown) is `a/a.go`.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// A relative path written with `/`, as the compiler and editors on every platform read it.
fn slashes(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(root: &str, here: &str) -> ShownPaths {
        let base = tempfile::tempdir().unwrap();
        let root = base.path().join(root);
        let here = base.path().join(here);
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&here).unwrap();
        // What is shown is computed lexically: the directories may go.
        ShownPaths::new(Some(&root), &here)
    }

    #[test]
    fn paths_are_shown_from_where_the_command_ran() {
        assert_eq!(
            shown("repo/svc", "repo").show("internal/x.go"),
            "svc/internal/x.go"
        );
        assert_eq!(shown("repo", "repo").show("x.go"), "x.go");
        assert_eq!(shown("repo/svc", "repo").place("x.go:3:9"), "svc/x.go:3:9");
        assert_eq!(shown("repo/svc", "repo").place("x.go:3"), "svc/x.go:3");
        assert_eq!(shown("repo/a", "repo/b").show("x.go"), "../a/x.go");
        assert_eq!(shown("repo/a", "repo/a/deep").show("x.go"), "../x.go");
        assert_eq!(shown("repo/a", "repo/a/deep").show("deep/y.go"), "y.go");
        // A workspace module beside the one shown.
        assert_eq!(shown("repo/a", "repo").show("../b/b.go"), "b/b.go");
    }

    #[test]
    fn a_module_that_shares_no_directory_with_here_is_shown_absolute() {
        let base = tempfile::tempdir().unwrap();
        let root = base.path().join("m");
        std::fs::create_dir_all(&root).unwrap();
        let canonical = root.canonicalize().unwrap();
        // `/` is a directory every path shares, and no other.
        let s = ShownPaths::new(Some(&root), Path::new("/"));
        assert_eq!(
            s.show("x.go"),
            canonical
                .join("x.go")
                .to_str()
                .unwrap()
                .trim_start_matches('/')
        );
        let from_proc = ShownPaths::new(Some(&root), Path::new("/proc"));
        assert_eq!(
            from_proc.show("x.go"),
            canonical.join("x.go").to_str().unwrap()
        );
    }

    #[test]
    fn an_absolute_path_under_the_current_directory_is_shown_relative() {
        let base = tempfile::tempdir().unwrap();
        let here = base.path().canonicalize().unwrap();
        let s = ShownPaths::new(None, &here);
        let inside = here.join("gen/x.go");
        assert_eq!(s.show(inside.to_str().unwrap()), "gen/x.go");
        assert_eq!(s.show("/elsewhere/x.go"), "/elsewhere/x.go");
        assert_eq!(s.show("x.go"), "x.go");
    }

    #[test]
    fn from_the_root_nothing_changes() {
        let s = ShownPaths::from_root();
        assert_eq!(s.show("a/b.go"), "a/b.go");
        assert_eq!(s.line("a/b.go", 3), "a/b.go:3");
    }
}
