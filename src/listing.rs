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
//! - `go.mod`, `go.sum`, `go.work` and `go.work.sum`, and the module root.
//!
//! Its key is everything else it depends on: the command (patterns, tags, GOOS and GOARCH),
//! the directory, and `go env -json` (the toolchain, GOFLAGS, GOEXPERIMENT, CGO_ENABLED, the
//! module and workspace files), so an environment go sees otherwise is another key.
//!
//! Kept only when every stamp had settled ([`SETTLE`]) before `go list` started: a file that
//! changed while go read it is never taken for the one go read. Patterns this cannot follow
//! (`all`, `cmd`, an import path with `...`, GOPATH mode) always run `go list`.

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
    let Some(plan) = Plan::of(req, env) else {
        return list();
    };
    let key = {
        let mut k = crate::cache::KeyHasher::new();
        k.part(env.as_bytes())
            .debug(&req.dir)
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
    /// Files and directories of the module and workspace.
    files: Vec<PathBuf>,
}

impl Plan {
    /// None when a pattern names what cannot be followed, or go is not in module mode.
    fn of(req: &BuildRequest, env: &str) -> Option<Plan> {
        let env: serde_json::Value = serde_json::from_str(env).ok()?;
        let var = |name: &str| {
            env.get(name)
                .and_then(|v| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let gomod = var("GOMOD").filter(|m| *m != "/dev/null" && *m != "NUL")?;
        let mut files = Vec::new();
        for file in [Some(gomod), var("GOWORK")].into_iter().flatten() {
            let file = PathBuf::from(file);
            let sum = file.with_extension(match file.extension() {
                Some(e) if e == "work" => "work.sum",
                _ => "sum",
            });
            files.extend(file.parent().map(Path::to_path_buf));
            files.extend([file, sum]);
        }
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
                    walks.push(req.dir.join(root));
                }
                _ => return None,
            }
        }
        Some(Plan { walks, files })
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
        let mut take = |path: &Path| -> Option<()> {
            match std::fs::symlink_metadata(path) {
                Ok(meta) => {
                    seen.push((path.to_path_buf(), Stamp::settled(&meta, started, settle)?))
                }
                // A file that is not there (no go.sum) is told apart by its directory's stamp.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(_) => return None,
            }
            Some(())
        };
        for file in &self.files {
            take(file)?;
        }
        for root in &self.walks {
            walk(root, &mut take)?;
        }
        for p in packages {
            go_files(&p.dir, &mut take)?;
        }
        seen.sort();
        seen.dedup();
        Some(seen)
    }
}

/// `dir` and every directory under it (not through symbolic links), each with its Go files.
fn walk(dir: &Path, take: &mut dyn FnMut(&Path) -> Option<()>) -> Option<()> {
    let subdirs = go_files(dir, take)?;
    for sub in subdirs {
        walk(&sub, take)?;
    }
    Some(())
}

/// Takes `dir` and its Go files; returns its subdirectories.
fn go_files(dir: &Path, take: &mut dyn FnMut(&Path) -> Option<()>) -> Option<Vec<PathBuf>> {
    take(dir)?;
    let mut subdirs = Vec::new();
    for entry in std::fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        let kind = entry.file_type().ok()?;
        let path = entry.path();
        if kind.is_dir() {
            subdirs.push(path);
        } else if path.extension().is_some_and(|e| e == "go") {
            take(&path)?;
        }
    }
    subdirs.sort();
    Some(subdirs)
}

/// The stamp `path` has now.
fn stamp_of(path: &Path) -> Option<Stamp> {
    Stamp::of(&std::fs::symlink_metadata(path).ok()?)
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
            let p = root.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
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

    fn env(root: &Path) -> String {
        serde_json::json!({
            "GOMOD": root.join("go.mod"),
            "GOWORK": "",
            "GOROOT": "/nonexistent/goroot",
            "GOVERSION": "go1.27.3",
        })
        .to_string()
    }

    fn request(root: &Path, patterns: &[&str]) -> BuildRequest {
        BuildRequest {
            dir: root.to_path_buf(),
            packages: patterns.iter().map(|p| p.to_string()).collect(),
            gcflags: String::new(),
            tags: None,
            test_binaries: None,
            env: Vec::new(),
        }
    }

    fn package(root: &Path, dir: &str) -> ListedPackage {
        ListedPackage {
            import_path: format!("example.com/m/{dir}"),
            dir: root.join(dir),
            files: vec!["b.go".into()],
            test_files: Vec::new(),
        }
    }

    /// Lists through the cache, counting how many times go was asked.
    fn listed(m: &Module, req: &BuildRequest, env: &str, asked: &Cell<u32>) -> Vec<ListedPackage> {
        list_packages_settled(
            req,
            Some(env),
            Some(&m.cache),
            || {
                asked.set(asked.get() + 1);
                Ok(vec![package(&m.root, "sub")])
            },
            Duration::ZERO,
        )
        .unwrap()
    }

    #[test]
    fn an_answer_is_taken_again_until_what_it_was_read_from_changes() {
        let m = module();
        let env = env(&m.root);
        let req = request(&m.root, &["./..."]);
        let asked = Cell::new(0);
        let first = listed(&m, &req, &env, &asked);
        assert_eq!(listed(&m, &req, &env, &asked), first);
        assert_eq!(asked.get(), 1, "the second run takes the answer kept");
        type Edit = Box<dyn Fn(&Path)>;
        let edits: [(&str, Edit); 6] = [
            (
                "a Go file edited",
                Box::new(|r| {
                    std::fs::write(r.join("sub/b.go"), "//go:build ignore\n\npackage sub\n")
                        .unwrap()
                }),
            ),
            (
                "a Go file added deep down",
                Box::new(|r| {
                    std::fs::write(r.join("sub/deeper/d.go"), "package deeper\n").unwrap()
                }),
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
                Box::new(|r| {
                    std::fs::write(r.join("go.mod"), "module example.com/m\n\ngo 1.27\n").unwrap()
                }),
            ),
            (
                "go.sum created",
                Box::new(|r| std::fs::write(r.join("go.sum"), "").unwrap()),
            ),
        ];
        for (what, edit) in edits {
            let before = asked.get();
            edit(&m.root);
            listed(&m, &req, &env, &asked);
            assert_eq!(asked.get(), before + 1, "{what}: go is asked again");
            listed(&m, &req, &env, &asked);
            assert_eq!(
                asked.get(),
                before + 1,
                "{what}: then the new answer is kept"
            );
        }
    }

    #[test]
    fn another_command_or_environment_is_another_answer() {
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
        assert_eq!(asked.get(), 4);
    }

    #[test]
    fn what_cannot_be_followed_is_always_listed() {
        let m = module();
        let asked = Cell::new(0);
        let gopath = serde_json::json!({ "GOMOD": "", "GOWORK": "" }).to_string();
        for (patterns, env) in [
            (&["all"][..], env(&m.root)),
            (&["example.com/m/..."][..], env(&m.root)),
            (&["./sub", "cmd"][..], env(&m.root)),
            (&["./..."][..], gopath.clone()),
            (&["./..."][..], "not json".to_string()),
        ] {
            let req = request(&m.root, patterns);
            listed(&m, &req, &env, &asked);
            listed(&m, &req, &env, &asked);
        }
        assert_eq!(asked.get(), 10);
    }

    #[test]
    fn an_answer_read_from_a_file_that_had_not_settled_is_not_kept() {
        let m = module();
        let env = env(&m.root);
        let req = request(&m.root, &["./..."]);
        let asked = Cell::new(0);
        for _ in 0..2 {
            list_packages_settled(
                &req,
                Some(&env),
                Some(&m.cache),
                || {
                    asked.set(asked.get() + 1);
                    Ok(vec![package(&m.root, "sub")])
                },
                Duration::from_secs(3600),
            )
            .unwrap();
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
        let roots = |p: &str| Plan::of(&request(&m.root, &[p]), &env).map(|plan| plan.walks);
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
