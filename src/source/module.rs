//! The Go module around a directory: its root, module path and `go` line, read from go.mod.

use std::path::{Path, PathBuf};

/// A Go module found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub root: PathBuf,
    /// The `module` line (`example.com/m`).
    pub path: Option<String>,
    /// The `go` line (`1.21`), which selects language semantics.
    pub go_version: Option<String>,
    /// The `godebug` settings (`asynctimerchan=1`), from `godebug k=v` lines and blocks.
    pub godebug: Vec<(String, String)>,
    /// With a go.work above the module (and GOWORK not `off`): its directory and the roots of
    /// the modules it uses. Their code is the user's too.
    pub workspace: Option<(PathBuf, Vec<PathBuf>)>,
}

impl Module {
    /// The module whose go.mod is in `dir` or the nearest parent.
    pub fn find(dir: &Path) -> Option<Module> {
        let dir = dir.canonicalize().ok()?;
        let root = dir.ancestors().find(|d| d.join("go.mod").is_file())?;
        let text = crate::files::read_regular_text(&root.join("go.mod")).ok()?;
        Some(Module {
            root: root.to_path_buf(),
            path: directive(&text, "module"),
            go_version: directive(&text, "go"),
            godebug: godebug(&text),
            workspace: workspace(root),
        })
    }

    /// The directory is this module's or, in a workspace, one of its modules'.
    pub fn contains(&self, dir: &Path) -> bool {
        dir.starts_with(&self.root)
            || self
                .workspace
                .as_ref()
                .is_some_and(|(_, uses)| uses.iter().any(|u| dir.starts_with(u)))
    }

    /// The go line's minor version (`1.21.3` -> 21).
    pub fn go_minor(&self) -> Option<u32> {
        minor_version(self.go_version.as_deref()?)
    }

    /// A GODEBUG setting from go.mod.
    pub fn godebug(&self, key: &str) -> Option<&str> {
        self.godebug
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The directory of an import path inside this module, when it is one.
    pub fn package_dir(&self, import_path: &str) -> Option<PathBuf> {
        let module = self.path.as_deref()?;
        // External test packages (`pkg_test`) live in the package's directory.
        let import_path = import_path.strip_suffix("_test").unwrap_or(import_path);
        if import_path == module {
            return Some(self.root.clone());
        }
        // The standard library's module (GOROOT/src/go.mod says `module std`) holds packages
        // whose paths do not start with its name: `internal/godebug` is src/internal/godebug.
        if module == "std" && (!import_path.contains('.') || import_path.starts_with("vendor/")) {
            return Some(self.root.join(import_path));
        }
        let rest = import_path.strip_prefix(module)?.strip_prefix('/')?;
        Some(self.root.join(rest))
    }
}

/// The go.work above a module root, when the go command would use it: its directory and the
/// canonical roots of its `use` lines.
fn workspace(root: &Path) -> Option<(PathBuf, Vec<PathBuf>)> {
    let env = std::env::var("GOWORK").unwrap_or_default();
    if env == "off" {
        return None;
    }
    let file = if env.is_empty() {
        root.ancestors()
            .map(|d| d.join("go.work"))
            .find(|f| f.is_file())?
    } else {
        PathBuf::from(env)
    };
    let dir = file.parent()?.canonicalize().ok()?;
    let text = crate::files::read_regular_text(&file).ok()?;
    let mut uses = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        let l = line.split("//").next().unwrap_or("").trim();
        let entry = if in_block {
            if l == ")" {
                in_block = false;
                continue;
            }
            Some(l)
        } else if l == "use (" {
            in_block = true;
            None
        } else {
            l.strip_prefix("use ").map(str::trim)
        };
        if let Some(e) = entry.filter(|e| !e.is_empty())
            && let Ok(p) = dir.join(e.trim_matches('"')).canonicalize()
        {
            uses.push(p);
        }
    }
    Some((dir, uses))
}

/// `go1.27.3`, `1.23`, `1.21rc1` -> the minor version.
pub fn minor_version(v: &str) -> Option<u32> {
    let v = v.trim().trim_start_matches("go");
    let mut it = v.split('.');
    (it.next()? == "1").then_some(())?;
    it.next()?
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// `godebug k=v` lines and `godebug ( k=v ... )` blocks, in order.
fn godebug(go_mod: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in go_mod.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        let body = if in_block {
            if line.starts_with(')') {
                in_block = false;
                continue;
            }
            line
        } else if let Some(rest) = line.strip_prefix("godebug") {
            let rest = rest.trim();
            if rest.starts_with('(') {
                in_block = true;
                rest.trim_start_matches('(').trim()
            } else {
                rest
            }
        } else {
            continue;
        };
        for kv in body.split([',', ' ', '\t']).filter(|s| !s.is_empty()) {
            if let Some((k, v)) = kv.split_once('=') {
                out.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
    }
    out
}

fn directive(go_mod: &str, name: &str) -> Option<String> {
    go_mod.lines().find_map(|l| {
        let rest = l.trim().strip_prefix(name)?;
        if !rest.starts_with([' ', '\t']) {
            return None;
        }
        let value = rest.split("//").next()?.trim().trim_matches('"');
        (!value.is_empty()).then(|| value.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_go_mod() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("go.mod"),
            "// comment\nmodule example.com/m // trailing\n\ngo 1.23\n\ntoolchain go1.27.3\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("lib")).unwrap();
        let m = Module::find(&dir.path().join("lib")).unwrap();
        assert_eq!(m.path.as_deref(), Some("example.com/m"));
        assert_eq!(m.go_version.as_deref(), Some("1.23"));
        assert_eq!(m.package_dir("example.com/m/lib"), Some(m.root.join("lib")));
        assert_eq!(m.package_dir("example.com/m_test"), Some(m.root.clone()));
        assert_eq!(m.package_dir("fmt"), None);
        assert_eq!(m.go_minor(), Some(23));
        assert!(m.godebug.is_empty());
    }

    #[test]
    fn standard_library_packages_are_under_its_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("go.mod"),
            "module std

go 1.27
",
        )
        .unwrap();
        let m = Module::find(dir.path()).unwrap();
        assert_eq!(
            m.package_dir("internal/godebug"),
            Some(m.root.join("internal/godebug"))
        );
        assert_eq!(
            m.package_dir("vendor/golang.org/x/net/idna"),
            Some(m.root.join("vendor/golang.org/x/net/idna"))
        );
        assert_eq!(m.package_dir("example.com/other"), None);
    }

    #[test]
    fn reads_godebug_lines_and_blocks() {
        let text = "module m\n\ngo 1.23\n\ngodebug asynctimerchan=1 // old timers\ngodebug (\n\tpanicnil=1\n\ttlsrsakex=1\n)\n";
        assert_eq!(
            godebug(text),
            vec![
                ("asynctimerchan".to_string(), "1".to_string()),
                ("panicnil".to_string(), "1".to_string()),
                ("tlsrsakex".to_string(), "1".to_string()),
            ]
        );
        assert_eq!(minor_version("go1.27.3"), Some(27));
        assert_eq!(minor_version("1.21rc1"), Some(21));
        assert_eq!(minor_version("2.0"), None);
    }
}
