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
}

impl Module {
    /// The module whose go.mod is in `dir` or the nearest parent.
    pub fn find(dir: &Path) -> Option<Module> {
        let dir = dir.canonicalize().ok()?;
        let root = dir.ancestors().find(|d| d.join("go.mod").is_file())?;
        let text = std::fs::read_to_string(root.join("go.mod")).ok()?;
        Some(Module {
            root: root.to_path_buf(),
            path: directive(&text, "module"),
            go_version: directive(&text, "go"),
        })
    }

    /// The directory of an import path inside this module, when it is one.
    pub fn package_dir(&self, import_path: &str) -> Option<PathBuf> {
        let module = self.path.as_deref()?;
        // External test packages (`pkg_test`) live in the package's directory.
        let import_path = import_path.strip_suffix("_test").unwrap_or(import_path);
        if import_path == module {
            return Some(self.root.clone());
        }
        let rest = import_path.strip_prefix(module)?.strip_prefix('/')?;
        Some(self.root.join(rest))
    }
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
    }
}
