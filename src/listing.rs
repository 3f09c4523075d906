//! `go list`'s answer for a build (which packages, in which directories, with which files),
//! remembered in the result cache with what it was read from: a run where nothing changed
//! takes it from there rather than start `go list`, which reads the head of every Go file of
//! the build again (about 0.4 core-seconds for the standard library, beside a cached build
//! of 0.8).
//!
//! The answer is kept with the stamp ([`Stamp`]: device, inode, size, write and change
//! times) of everything that decides it:
//! - each directory a `...` pattern walks, and each Go file in them (a file added, removed or
//!   renamed changes its directory's stamp; an edit may change its build constraint, its
//!   package clause or whether it imports "C");
//! - each listed package's directory and Go files;
//! - every directory from the module root down to a listed package's;
//! - `go.mod`, `go.sum`, `vendor/modules.txt`, and the module root.
//!
//! Files are stamped through symbolic links, as go reads them.
//!
//! Its key is everything else it depends on: the command (patterns, tags, GOOS and GOARCH),
//! the directory (as a whole path), and `go env -json` of [`crate::runner::GO_ENV`] (the
//! toolchain, GOFLAGS, GOEXPERIMENT, CGO_ENABLED, the module file), so an environment go sees
//! otherwise is another key.
//!
//! Kept only when every stamp had settled ([`SETTLE`]) before `go list` started: a file that
//! changed while go read it is never taken for the one go read. Patterns this cannot follow
//! (`all`, `cmd`, an import path with `...`), GOPATH mode, a workspace and `-modfile` always
//! run `go list`. What only `go build` reads (an `//go:embed` directory, the packages a
//! package imports) is not stamped: a change there that breaks the build is reported by the
//! build.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::cache::ResultCache;
use crate::runner::{BuildRequest, ListedPackage, RunError};
use crate::source::deps::{SETTLE, Stamp};

/// What is kept: the answer, and what it was read from.
#[derive(Serialize, Deserialize)]
struct Remembered {
    seen: Vec<(PathBuf, Stamp)>,
    packages: Vec<ListedPackage>,
}

/// The packages of `req`, from the cache when everything they were listed from is as it was,
/// else from `list` (`go list`), kept for next time. `env` is `go env -json` as run for
/// `req`; without it, or without a cache, `list` is asked.
pub fn list_packages(
    req: &BuildRequest,
    env: Option<&str>,
    cache: Option<&ResultCache>,
    list: impl FnOnce() -> Result<Vec<ListedPackage>, RunError>,
) -> Result<Vec<ListedPackage>, RunError> {
    list_packages_settled(req, env, cache, list, SETTLE)
}

/// [`list_packages`], keeping an answer read from files that last changed more than `settle`
/// before `go list` started.
fn list_packages_settled(
    req: &BuildRequest,
    env: Option<&str>,
    cache: Option<&ResultCache>,
    list: impl FnOnce() -> Result<Vec<ListedPackage>, RunError>,
    settle: std::time::Duration,
) -> Result<Vec<ListedPackage>, RunError> {
    let (Some(cache), Some(env)) = (cache, env) else {
        return list();
    };
    // The directory as a whole path: `.` in one package's directory is not `.` in another's.
    let Ok(dir) = req.dir.canonicalize() else {
        return list();
    };
    let Some(plan) = Plan::of(req, &dir, env) else {
        return list();
    };
    let key = {
        let mut k = crate::cache::KeyHasher::new();
        k.part(env.as_bytes())
            .debug(&dir)
            .debug(&req.packages)
            .debug(&req.tags)
            .debug(&req.env);
        k.finish()
    };
    if let Some(r) = cache.listing::<Remembered>(key)
        && r.seen
            .iter()
            .all(|(path, stamp)| stamp_of(path) == Some(*stamp))
    {
        return Ok(r.packages);
    }
    let started = SystemTime::now();
    let packages = list()?;
    if let Some(seen) = plan.seen(&packages, started, settle) {
        cache.keep_listing(
            key,
            &Remembered {
                seen,
                packages: packages.clone(),
            },
        );
    }
    Ok(packages)
}

/// What a listing is read from, besides the packages listed.
struct Plan {
    /// Directories walked whole: those of the `...` patterns.
    walks: Vec<PathBuf>,
    /// The module's root: every directory from it down to a listed package's is taken (a
    /// go.mod appearing on the way makes another module of the package).
    root: PathBuf,
    /// Files of the module (go.mod, go.sum, vendor/modules.txt) and its root directory.
    files: Vec<PathBuf>,
}

impl Plan {
    /// None when a pattern names what cannot be followed, or go is not in single-module mode
    /// (GOPATH mode, a workspace, `-modfile`).
    fn of(req: &BuildRequest, dir: &Path, env: &str) -> Option<Plan> {
        let env: serde_json::Value = serde_json::from_str(env).ok()?;
        let var = |name: &str| {
            env.get(name)
                .and_then(|v| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let gomod = Path::new(var("GOMOD").filter(|m| *m != "/dev/null" && *m != "NUL")?);
        // A workspace's modules are in go.work, whose own go.mod files go env does not name;
        // `-modfile` is a flag of the build commands that go env does not show.
        if var("GOWORK").is_some_and(|w| w != "off")
            || var("GOFLAGS").is_some_and(|f| f.contains("-modfile"))
            || !gomod.is_absolute()
        {
            return None;
        }
        let root = gomod.parent()?.to_path_buf();
        let files = vec![
            gomod.to_path_buf(),
            gomod.with_extension("sum"),
            root.join("vendor/modules.txt"),
            root.clone(),
        ];
        let mut walks = Vec::new();
        for pattern in &req.packages {
            let path = pattern == "."
                || pattern == ".."
                || pattern.starts_with("./")
                || pattern.starts_with("../")
                || Path::new(pattern).is_absolute();
            match pattern.find("...") {
                // A directory, or an import path: where it is follows from go.mod, the
                // toolchain (its version is in the key) or the module cache (read-only); its
                // files are those of the package listed.
                None if path || !["all", "std", "cmd", "tool", "work"].contains(&&**pattern) => {}
                None if pattern == "std" => walks.push(PathBuf::from(var("GOROOT")?).join("src")),
                // Every directory under the part before `...`, up to its last slash.
                Some(at) if path => {
                    let root = pattern[..at].rsplit_once('/').map_or(".", |(r, _)| r);
                    if root.is_empty() {
                        return None;
                    }
                    walks.push(dir.join(root));
                }
                _ => return None,
            }
        }
        Some(Plan { walks, root, files })
    }

    /// The stamps of everything the listing was read from, when each settled before
    /// `started`; None when one did not, or could not be taken.
    fn seen(
        &self,
        packages: &[ListedPackage],
        started: SystemTime,
        settle: std::time::Duration,
    ) -> Option<Vec<(PathBuf, Stamp)>> {
        let mut seen = Vec::new();
        // Through symbolic links, as go reads them. A file that is not there (no go.sum) is
        // told apart by its directory's stamp.
        let mut take = |path: &Path, must: bool| -> Option<()> {
            match std::fs::metadata(path) {
                Ok(meta) => {
                    seen.push((path.to_path_buf(), Stamp::settled(&meta, started, settle)?))
                }
                Err(e) if !must && e.kind() == std::io::ErrorKind::NotFound => {}
                Err(_) => return None,
            }
            Some(())
        };
        for file in &self.files {
            take(file, false)?;
        }
        for root in &self.walks {
            walk(root, &mut take)?;
        }
        for p in packages {
            go_files(&p.dir, &mut take)?;
            // The directories from the module's root down to the package's.
            if let Ok(below) = p.dir.strip_prefix(&self.root) {
                let mut at = self.root.clone();
                for part in below.iter() {
                    take(&at, true)?;
                    at.push(part);
                }
            }
        }
        seen.sort();
        seen.dedup();
        Some(seen)
    }
}

/// `dir` and every directory under it that go looks in (not through symbolic links, nor
/// into `.x`, `_x` and `testdata`, which go skips: their entries are in their parent's
/// stamp), each with its Go files.
fn walk(dir: &Path, take: &mut dyn FnMut(&Path, bool) -> Option<()>) -> Option<()> {
    let subdirs = go_files(dir, take)?;
    for sub in subdirs {
        let name = sub.file_name().map(|n| n.to_string_lossy());
        if name.is_some_and(|n| n.starts_with(['.', '_']) || n == "testdata") {
            continue;
        }
        walk(&sub, take)?;
    }
    Some(())
}

/// Takes `dir` and its Go files; returns its subdirectories.
fn go_files(dir: &Path, take: &mut dyn FnMut(&Path, bool) -> Option<()>) -> Option<Vec<PathBuf>> {
    take(dir, true)?;
    let mut subdirs = Vec::new();
    for entry in std::fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        let kind = entry.file_type().ok()?;
        let path = entry.path();
        if kind.is_dir() {
            subdirs.push(path);
        } else if path.extension().is_some_and(|e| e == "go") {
            take(&path, true)?;
        }
    }
    subdirs.sort();
    Some(subdirs)
}

/// The stamp `path` has now (through a symbolic link).
fn stamp_of(path: &Path) -> Option<Stamp> {
    Stamp::of(&std::fs::metadata(path).ok()?)
}

#[cfg(all(test, unix))]
mod tests {
    use std::cell::Cell;
    use std::path::{Path, PathBuf};
    use std::time::Duration;

    use super::*;

    struct Module {
        _dir: tempfile::TempDir,
        root: PathBuf,
        cache: ResultCache,
        _cache_dir: tempfile::TempDir,
    }

    fn module() -> Module {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for (name, text) in [
            ("go.mod", "module example.com/m\n"),
            ("a.go", "package m\n"),
            ("sub/b.go", "package sub\n"),
            ("sub/deeper/c.go", "package deeper\n"),
        ] {
            write(&root.join(name), text);
        }
        let cache_dir = tempfile::tempdir().unwrap();
        let cache = ResultCache::open(cache_dir.path()).unwrap();
        Module {
            _dir: dir,
            root,
            cache,
            _cache_dir: cache_dir,
        }
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn env(root: &Path) -> String {
        serde_json::json!({
            "GOMOD": root.join("go.mod"),
            "GOWORK": "",
            "GOFLAGS": "",
            "GOROOT": "/nonexistent/goroot",
            "GOVERSION": "go1.27.3",
        })
        .to_string()
    }

    fn request(dir: &Path, patterns: &[&str]) -> BuildRequest {
        BuildRequest {
            dir: dir.to_path_buf(),
            packages: patterns.iter().map(|p| p.to_string()).collect(),
            gcflags: String::new(),
            tags: None,
            test_binaries: None,
            env: Vec::new(),
        }
    }

    /// What a `go list` of the module would say, as far as these tests go: each directory with
    /// Go files not excluded by `//go:build ignore`, with those files (through links).
    fn go_list(root: &Path) -> Vec<ListedPackage> {
        let mut packages = Vec::new();
        let mut dirs = vec![root.to_path_buf()];
        while let Some(dir) = dirs.pop() {
            let mut files = Vec::new();
            for e in std::fs::read_dir(&dir).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|x| x == "go")
                    && !std::fs::read_to_string(&path)
                        .unwrap_or_default()
                        .starts_with("//go:build ignore")
                {
                    files.push(path.file_name().unwrap().to_string_lossy().into_owned());
                }
            }
            files.sort();
            if !files.is_empty() {
                packages.push(ListedPackage {
                    import_path: dir.strip_prefix(root).unwrap().display().to_string(),
                    dir,
                    files,
                    test_files: Vec::new(),
                });
            }
        }
        packages.sort_by(|a, b| a.dir.cmp(&b.dir));
        packages
    }

    /// Lists through the cache, counting how many times go was asked.
    fn listed(m: &Module, req: &BuildRequest, env: &str, asked: &Cell<u32>) -> Vec<ListedPackage> {
        listed_settled(m, req, env, asked, Duration::ZERO)
    }

    /// As [`listed`], keeping only answers read from files settled `settle` before.
    fn listed_settled(
        m: &Module,
        req: &BuildRequest,
        env: &str,
        asked: &Cell<u32>,
        settle: Duration,
    ) -> Vec<ListedPackage> {
        list_packages_settled(
            req,
            Some(env),
            Some(&m.cache),
            || {
                asked.set(asked.get() + 1);
                Ok(go_list(&m.root))
            },
            settle,
        )
        .unwrap()
    }

    #[test]
    fn an_answer_is_taken_again_until_what_it_was_read_from_changes() {
        let m = module();
        let env = env(&m.root);
        let outside = tempfile::tempdir().unwrap();
        let shared = outside.path().join("shared.go");
        write(&shared, "package sub\n");
        std::os::unix::fs::symlink(&shared, m.root.join("sub/linked.go")).unwrap();
        let req = request(&m.root, &["./..."]);
        let asked = Cell::new(0);
        let first = listed(&m, &req, &env, &asked);
        assert_eq!(listed(&m, &req, &env, &asked), first);
        assert_eq!(asked.get(), 1, "the second run takes the answer kept");
        type Edit = Box<dyn Fn(&Path)>;
        let edits: [(&str, Edit); 9] = [
            (
                "a Go file edited",
                Box::new(|r| write(&r.join("sub/b.go"), "//go:build ignore\n\npackage sub\n")),
            ),
            // The same length: only the times tell.
            (
                "a Go file rewritten",
                Box::new(|r| write(&r.join("sub/b.go"), "//go:build ignorx\n\npackage sub\n")),
            ),
            (
                "a Go file added deep down",
                Box::new(|r| write(&r.join("sub/deeper/d.go"), "package deeper\n")),
            ),
            (
                "a directory added",
                Box::new(|r| std::fs::create_dir(r.join("new")).unwrap()),
            ),
            (
                "a Go file removed",
                Box::new(|r| std::fs::remove_file(r.join("a.go")).unwrap()),
            ),
            (
                "go.mod edited",
                Box::new(|r| write(&r.join("go.mod"), "module example.com/m\n\ngo 1.27\n")),
            ),
            ("go.sum created", Box::new(|r| write(&r.join("go.sum"), ""))),
            (
                "vendor/modules.txt created",
                Box::new(|r| write(&r.join("vendor/modules.txt"), "")),
            ),
            (
                "a linked file's target edited",
                Box::new(move |_| write(&shared, "//go:build ignore\n\npackage sub\n")),
            ),
        ];
        for (what, edit) in edits {
            let before = asked.get();
            edit(&m.root);
            assert_eq!(listed(&m, &req, &env, &asked), go_list(&m.root), "{what}");
            assert_eq!(asked.get(), before + 1, "{what}: go is asked again");
            listed(&m, &req, &env, &asked);
            assert_eq!(
                asked.get(),
                before + 1,
                "{what}: then the new answer is kept"
            );
        }
        // What go does not look in: no new answer.
        let before = asked.get();
        write(&m.root.join(".git/index"), "x");
        write(&m.root.join("sub/testdata/x.go"), "package x\n");
        std::fs::remove_file(m.root.join(".git/index")).unwrap();
        std::fs::remove_file(m.root.join("sub/testdata/x.go")).unwrap();
        listed(&m, &req, &env, &asked);
        assert_eq!(
            asked.get(),
            before + 1,
            "the new directories are in their parents' stamps"
        );
        write(&m.root.join(".git/index"), "y");
        write(&m.root.join("sub/testdata/x.go"), "package y\n");
        listed(&m, &req, &env, &asked);
        assert_eq!(
            asked.get(),
            before + 1,
            "but what is in them is not looked at"
        );
    }

    #[test]
    fn a_module_appearing_between_the_root_and_a_package_is_seen() {
        let m = module();
        let env = env(&m.root);
        let req = request(&m.root, &["./sub/deeper"]);
        let asked = Cell::new(0);
        listed(&m, &req, &env, &asked);
        listed(&m, &req, &env, &asked);
        assert_eq!(asked.get(), 1);
        write(&m.root.join("sub/go.mod"), "module example.com/sub\n");
        listed(&m, &req, &env, &asked);
        assert_eq!(asked.get(), 2);
    }

    #[test]
    fn another_command_directory_or_environment_is_another_answer() {
        let m = module();
        let env = env(&m.root);
        let asked = Cell::new(0);
        listed(&m, &request(&m.root, &["./..."]), &env, &asked);
        listed(&m, &request(&m.root, &["./sub"]), &env, &asked);
        let mut tagged = request(&m.root, &["./..."]);
        tagged.tags = Some("integration".into());
        listed(&m, &tagged, &env, &asked);
        let other = env.replace("go1.27.3", "go1.26.6");
        listed(&m, &request(&m.root, &["./..."]), &other, &asked);
        // `.` in another directory; then the same directory written another way.
        listed(&m, &request(&m.root.join("sub"), &["."]), &env, &asked);
        assert_eq!(asked.get(), 5);
        listed(
            &m,
            &request(&m.root.join("sub/deeper/.."), &["."]),
            &env,
            &asked,
        );
        assert_eq!(asked.get(), 5);
    }

    #[test]
    fn what_cannot_be_followed_is_always_listed() {
        let m = module();
        let asked = Cell::new(0);
        let with = |pairs: &[(&str, &str)]| {
            let mut e: serde_json::Value = serde_json::from_str(&env(&m.root)).unwrap();
            for (k, v) in pairs {
                e[*k] = serde_json::Value::from(*v);
            }
            e.to_string()
        };
        let cases = [
            (&["all"][..], env(&m.root)),
            (&["example.com/m/..."][..], env(&m.root)),
            (&["./sub", "cmd"][..], env(&m.root)),
            (&["./..."][..], with(&[("GOMOD", "")])),
            (&["./..."][..], with(&[("GOMOD", "/dev/null")])),
            (&["./..."][..], with(&[("GOWORK", "/w/go.work")])),
            (&["./..."][..], with(&[("GOFLAGS", "-modfile=alt.mod")])),
            (&["./..."][..], "not json".to_string()),
        ];
        for (patterns, env) in &cases {
            let req = request(&m.root, patterns);
            listed(&m, &req, env, &asked);
            listed(&m, &req, env, &asked);
        }
        assert_eq!(asked.get(), 2 * cases.len() as u32);
        // GOWORK=off is a module alone.
        let off = with(&[("GOWORK", "off")]);
        listed(&m, &request(&m.root, &["./..."]), &off, &asked);
        listed(&m, &request(&m.root, &["./..."]), &off, &asked);
        assert_eq!(asked.get(), 2 * cases.len() as u32 + 1);
    }

    #[test]
    fn an_answer_read_from_a_file_that_had_not_settled_is_not_kept() {
        let m = module();
        let env = env(&m.root);
        let req = request(&m.root, &["./..."]);
        let asked = Cell::new(0);
        for _ in 0..2 {
            listed_settled(&m, &req, &env, &asked, Duration::from_secs(3600));
        }
        assert_eq!(asked.get(), 2);
    }

    #[test]
    fn a_failed_listing_is_not_kept() {
        let m = module();
        let env = env(&m.root);
        let req = request(&m.root, &["./..."]);
        let failed = list_packages_settled(
            &req,
            Some(&env),
            Some(&m.cache),
            || Err(RunError::Go("no Go files".into())),
            Duration::ZERO,
        );
        assert!(failed.is_err());
        let asked = Cell::new(0);
        listed(&m, &req, &env, &asked);
        assert_eq!(asked.get(), 1);
    }

    #[test]
    fn a_pattern_is_walked_from_the_part_before_its_dots() {
        let m = module();
        let env = env(&m.root);
        let roots =
            |p: &str| Plan::of(&request(&m.root, &[p]), &m.root, &env).map(|plan| plan.walks);
        let under = |d: &str| Some(vec![m.root.join(d)]);
        assert_eq!(roots("./..."), under("."));
        assert_eq!(roots("./sub/..."), under("sub"));
        assert_eq!(roots("./sub/dee..."), under("sub"));
        assert_eq!(roots("./sub"), Some(vec![]));
        assert_eq!(roots("net/http"), Some(vec![]));
        assert_eq!(
            roots("std"),
            Some(vec![PathBuf::from("/nonexistent/goroot/src")])
        );
        assert_eq!(roots("/..."), None, "not the whole file system");
        assert_eq!(roots("net/..."), None);
    }
}
