//! What escape-explain.toml declares, checked against the source before the run: each
//! `[registries]` function is looked up in its package's source (when it can be found: a
//! package of the module or its workspace, a `replace` to a local directory, `vendor/`, or the
//! module cache through `go list`) and a parameter named by its name is turned into its
//! position; each `[bounded]` holder must be a package-level variable of the module. A name that
//! matches nothing is a [`SettingsError`] naming the file, the line and the key.
//!
//! The index asks [`Declarations::registry`] at each call it resolves to an import path, and the
//! classifier asks [`Declarations::bounded`] about a holder.

use crate::source::syntax::Syntax;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tree_sitter::Node;

use super::gofile::{self, GoFile};
use super::module::Module;
use crate::settings::{Declared, Param, Settings, SettingsError};

/// The declarations, resolved.
#[derive(Debug, Clone, Default)]
pub struct Declarations {
    /// The settings file as findings name it: relative to the module root when it is there.
    pub file: String,
    pub registries: Vec<Registry>,
    pub bounded: Vec<Bounded>,
    /// Functions of a declared method's package that return its type (`example.com/lib.New`
    /// -> `example.com/lib.Registry`): `var r = lib.New()` is a `lib.Registry`.
    pub constructors: Vec<(String, String)>,
}

/// A function (`example.com/lib.Register`) or method (`example.com/lib.Registry.Add`) that
/// keeps its argument `keeps` for the life of the process.
#[derive(Debug, Clone)]
pub struct Registry {
    pub name: String,
    /// The position of the argument kept (0 is the first).
    pub keeps: usize,
    /// The release as a name like `name` (`example.com/lib.Registry.Remove`).
    pub release: Option<String>,
    pub at: Declared,
}

/// A package-level variable (`example.com/m/schema.memo`) known to be bounded.
#[derive(Debug, Clone)]
pub struct Bounded {
    pub name: String,
    pub reason: String,
    pub at: Declared,
}

impl Declarations {
    /// Checks `settings` against the module's source. `go`, when given, finds the source of a
    /// dependency in the module cache.
    pub fn resolve(
        settings: &Settings,
        module: Option<&Module>,
        go: Option<&Path>,
    ) -> Result<Declarations, SettingsError> {
        let error = |at: &Declared, why: String| SettingsError {
            file: settings.file.clone(),
            line: Some(at.line),
            why,
        };
        // Findings name paths from the module root; a file elsewhere (`--config ../ci.toml`) is
        // named by its absolute path.
        let canonical = settings
            .file
            .canonicalize()
            .unwrap_or(settings.file.clone());
        let file = match module.and_then(|m| canonical.strip_prefix(&m.root).ok()) {
            Some(rel) => rel.to_string_lossy().replace('\\', "/"),
            None => canonical.display().to_string(),
        };
        let mut out = Declarations {
            file,
            ..Default::default()
        };
        let finder = SourceFinder { module, go };
        // Each package's files parsed once, however many declarations name it.
        let mut parsed: std::collections::HashMap<PathBuf, std::rc::Rc<Vec<GoFile>>> =
            Default::default();
        let mut files_of = |dir: &Path| -> std::rc::Rc<Vec<GoFile>> {
            parsed
                .entry(dir.to_path_buf())
                .or_insert_with(|| std::rc::Rc::new(parse_dir(dir)))
                .clone()
        };
        // A directory in a message: from the module root when it is inside.
        let shown = |d: &Path| -> String {
            module
                .and_then(|m| d.strip_prefix(&m.root).ok())
                .map(|r| {
                    if r.as_os_str().is_empty() {
                        ".".to_string()
                    } else {
                        r.display().to_string()
                    }
                })
                .unwrap_or_else(|| d.display().to_string())
        };
        for r in &settings.registries {
            let found = splits(&r.name, 2).find_map(|(package, names)| {
                let dir = finder.dir(package)?;
                Some((package, dir, names))
            });
            let keeps = match (&found, &r.keeps) {
                (Some((package, dir, names)), keeps) => {
                    let params = parameters(&files_of(dir), names).ok_or_else(|| {
                        error(
                            &r.at,
                            format!(
                                "[registries] \"{}\": no {} `{}` in package {package} ({})",
                                r.name,
                                if names.len() == 2 {
                                    "method"
                                } else {
                                    "function"
                                },
                                names.join("."),
                                shown(dir)
                            ),
                        )
                    })?;
                    match keeps {
                        Param::Index(i) if *i < params.len() || params.last().is_some_and(|p| p.ends_with("...")) => *i,
                        Param::Index(i) => {
                            return Err(error(
                                &r.at,
                                format!(
                                    "[registries] \"{}\": keeps = {i}, but `{}` has {} parameters ({})",
                                    r.name,
                                    names.join("."),
                                    params.len(),
                                    params.join(", ")
                                ),
                            ));
                        }
                        Param::Name(n) => params
                            .iter()
                            .position(|p| p.trim_end_matches("...") == n)
                            .ok_or_else(|| {
                                error(
                                    &r.at,
                                    format!(
                                        "[registries] \"{}\": keeps = \"{n}\" is not a parameter of `{}` ({})",
                                        r.name,
                                        names.join("."),
                                        if params.is_empty() { "it has none".to_string() } else { params.join(", ") }
                                    ),
                                )
                            })?,
                    }
                }
                (None, Param::Index(i)) => *i,
                (None, Param::Name(n)) => {
                    return Err(error(
                        &r.at,
                        format!(
                            "[registries] \"{}\": the source of its package was not found (not in the module, a local replace, vendor/ or the module cache), so the parameter `{n}` cannot be looked up; write its position instead (keeps = 0 for the first)",
                            r.name
                        ),
                    ));
                }
            };
            let release = r.release.as_ref().map(|rel| {
                let base = r.name.rsplit_once('.').map(|(b, _)| b).unwrap_or(&r.name);
                format!("{base}.{rel}")
            });
            if let (Some(rel), Some((package, dir, names)), Some(key)) =
                (&r.release, &found, &release)
            {
                let mut rnames = names.clone();
                *rnames.last_mut().expect("a name") = rel.as_str();
                if parameters(&files_of(dir), &rnames).is_none() {
                    return Err(error(
                        &r.at,
                        format!(
                            "[registries] \"{}\": release = \"{rel}\": no {} `{}` in package {package} ({key})",
                            r.name,
                            if rnames.len() == 2 {
                                "method"
                            } else {
                                "function"
                            },
                            rnames.join(".")
                        ),
                    ));
                }
            }
            if let Some((package, dir, [ty, _])) =
                found.as_ref().map(|(p, d, n)| (p, d, n.as_slice()))
            {
                for f in constructors(&files_of(dir), ty) {
                    let pair = (format!("{package}.{f}"), format!("{package}.{ty}"));
                    if !out.constructors.contains(&pair) {
                        out.constructors.push(pair);
                    }
                }
            }
            out.registries.push(Registry {
                name: r.name.clone(),
                keeps,
                release,
                at: r.at.clone(),
            });
        }
        for b in &settings.bounded {
            let Some(m) = module else {
                return Err(error(
                    &b.at,
                    format!(
                        "[bounded] \"{}\": there is no module here (no go.mod) for it to be a variable of",
                        b.name
                    ),
                ));
            };
            let found = splits(&b.name, 1).find_map(|(package, names)| {
                let dir = finder.module_dir(package)?;
                Some((package, dir, names[0]))
            });
            let Some((package, dir, var)) = found else {
                return Err(error(
                    &b.at,
                    format!(
                        "[bounded] \"{}\": not a package of the module {} (a holder is a variable of the module's own code)",
                        b.name,
                        m.path.as_deref().unwrap_or("here")
                    ),
                ));
            };
            if !declares_variable(&files_of(&dir), var) {
                return Err(error(
                    &b.at,
                    format!(
                        "[bounded] \"{}\": no package-level variable `{var}` in package {package} ({})",
                        b.name,
                        shown(&dir)
                    ),
                ));
            }
            out.bounded.push(Bounded {
                name: b.name.clone(),
                reason: b.reason.clone(),
                at: b.at.clone(),
            });
        }
        Ok(out)
    }

    /// The registry a call to `key` (`import/path.F`, `import/path.T.M`) is, with its index.
    pub fn registry(&self, key: &str) -> Option<(usize, &Registry)> {
        self.registries
            .iter()
            .enumerate()
            .find(|(_, r)| r.name == key)
    }

    /// The type a declared method's constructor (`example.com/lib.New`) returns.
    pub fn constructed(&self, function: &str) -> Option<&str> {
        self.constructors
            .iter()
            .find(|(f, _)| f == function)
            .map(|(_, t)| t.as_str())
    }

    /// The registries whose release a call to `key` is.
    pub fn releases_of(&self, key: &str) -> Vec<usize> {
        self.registries
            .iter()
            .enumerate()
            .filter(|(_, r)| r.release.as_deref() == Some(key))
            .map(|(i, _)| i)
            .collect()
    }

    /// The declaration that the package-level `var` of package `package` is bounded.
    pub fn bounded(&self, package: &str, var: &str) -> Option<&Bounded> {
        // `example.com/c_test`, an external test package, has variables of its own.
        self.bounded.iter().find(|b| {
            b.name.len() == package.len() + 1 + var.len()
                && b.name.starts_with(package)
                && b.name.ends_with(var)
                && b.name.as_bytes()[package.len()] == b'.'
        })
    }
}

/// The ways to read `import/path.A.B` as (package, names) with at most `max` names after the
/// package: the last path element may itself contain dots (`gopkg.in/yaml.v3`), so each split
/// is tried, the shortest package first.
fn splits(name: &str, max: usize) -> impl Iterator<Item = (&str, Vec<&str>)> {
    let slash = name.rfind('/').map(|i| i + 1).unwrap_or(0);
    let dots: Vec<usize> = name[slash..]
        .match_indices('.')
        .map(|(i, _)| slash + i)
        .collect();
    dots.into_iter().filter_map(move |d| {
        let names: Vec<&str> = name[d + 1..].split('.').collect();
        (names.len() <= max && names.iter().all(|n| !n.is_empty())).then(|| (&name[..d], names))
    })
}

/// Where a package's source is.
struct SourceFinder<'a> {
    module: Option<&'a Module>,
    go: Option<&'a Path>,
}

impl SourceFinder<'_> {
    /// A package of the module or of its workspace.
    fn module_dir(&self, package: &str) -> Option<PathBuf> {
        let m = self.module?;
        let mut modules = vec![m.clone()];
        if let Some((_, roots)) = &m.workspace {
            modules.extend(
                roots
                    .iter()
                    .filter(|r| **r != m.root)
                    .filter_map(|r| Module::find(r)),
            );
        }
        modules
            .iter()
            .find_map(|m| m.package_dir(package).filter(|d| has_go_files(d)))
    }

    /// The module's packages, then a `replace` to a local directory, `vendor/`, and the
    /// module cache (`go list`, with no network).
    fn dir(&self, package: &str) -> Option<PathBuf> {
        if let Some(d) = self.module_dir(package) {
            return Some(d);
        }
        let m = self.module?;
        if let Some(d) = replaced(&m.root, package).filter(|d| has_go_files(d)) {
            return Some(d);
        }
        let vendored = m.root.join("vendor").join(package);
        if has_go_files(&vendored) {
            return Some(vendored);
        }
        let go = self.go?;
        let out = Command::new(go)
            .args([
                "list",
                "-mod=readonly",
                "-find",
                "-f",
                "{{.Dir}}",
                "--",
                package,
            ])
            .current_dir(&m.root)
            // Never a download, and never a write to the user's go.mod.
            .env("GOPROXY", "off")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (out.status.success() && !dir.is_empty())
            .then(|| PathBuf::from(dir))
            .filter(|d| has_go_files(d))
    }
}

/// A `replace path => ./dir` (or `../dir`, or an absolute path) in the module's go.mod that
/// covers `package`.
fn replaced(root: &Path, package: &str) -> Option<PathBuf> {
    let text = crate::files::read_regular_text(&root.join("go.mod")).ok()?;
    let mut in_block = false;
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        let spec = if in_block {
            if line == ")" {
                in_block = false;
                continue;
            }
            line
        } else if let Some(rest) = line.strip_prefix("replace") {
            let rest = rest.trim();
            if rest == "(" {
                in_block = true;
                continue;
            }
            rest
        } else {
            continue;
        };
        let Some((from, to)) = spec.split_once("=>") else {
            continue;
        };
        let from = from.split_whitespace().next().unwrap_or("");
        let to = to.trim();
        let local = to.starts_with("./") || to.starts_with("../") || to.starts_with('/');
        if !local || to.contains(char::is_whitespace) {
            continue;
        }
        let rest = if package == from {
            ""
        } else if let Some(r) = package.strip_prefix(from).and_then(|r| r.strip_prefix('/')) {
            r
        } else {
            continue;
        };
        let mut dir = root.join(to.trim_start_matches("./"));
        if !rest.is_empty() {
            dir.push(rest);
        }
        return Some(dir);
    }
    None
}

fn has_go_files(dir: &Path) -> bool {
    go_files(dir).next().is_some()
}

/// The non-test `.go` files of a package directory, parsed, in name order (a file that cannot
/// be read is left out: the package is then looked at without it).
fn parse_dir(dir: &Path) -> Vec<GoFile> {
    let mut parser = gofile::parser();
    go_files(dir)
        .filter_map(|path| GoFile::read(&mut parser, &path))
        .collect()
}

/// The non-test `.go` files of a directory, in name order.
fn go_files(dir: &Path) -> impl Iterator<Item = PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let name = p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    name.ends_with(".go") && !name.ends_with("_test.go")
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files.into_iter()
}

/// The parameter names of function `names[0]` (or method `names[1]` of type `names[0]`) in the
/// package in `dir`, a variadic one ending in `...`; an unnamed parameter is `_`. None when
/// the package declares no such function.
fn parameters(files: &[GoFile], names: &[&str]) -> Option<Vec<String>> {
    for file in files {
        let root = file.tree.root_node();
        let mut cursor = root.walk();
        for top in root.named_children(&mut cursor) {
            let name = top
                .field("name")
                .map(|n| file.text_of(n))
                .unwrap_or_default();
            let wanted = match (top.kind_name(), names) {
                ("function_declaration", [f]) => name == *f,
                ("method_declaration", [t, m]) => {
                    name == *m && receiver_type(file, top).as_deref() == Some(*t)
                }
                _ => false,
            };
            if wanted {
                return Some(
                    top.field("parameters")
                        .map(|p| parameter_names(file, p))
                        .unwrap_or_default(),
                );
            }
        }
    }
    None
}

/// The functions of the package in `dir` whose only (or first) result is `ty` or `*ty`.
fn constructors(files: &[GoFile], ty: &str) -> Vec<String> {
    let mut out = Vec::new();
    for file in files {
        let root = file.tree.root_node();
        let mut cursor = root.walk();
        for top in root.named_children(&mut cursor) {
            if top.kind_name() != "function_declaration" {
                continue;
            }
            let Some(result) = top.field("result") else {
                continue;
            };
            let text = file.text_of(result).trim().trim_start_matches('(');
            let first = text.split([',', ')']).next().unwrap_or("").trim();
            let first = first
                .rsplit(' ')
                .next()
                .unwrap_or(first)
                .trim_start_matches('*');
            let first = first.split('[').next().unwrap_or(first);
            if first == ty
                && let Some(name) = top.field("name")
            {
                out.push(file.text_of(name).to_string());
            }
        }
    }
    out
}

/// `Registry` for `func (r *Registry[T]) Add(...)`.
fn receiver_type(file: &GoFile, method: Node<'_>) -> Option<String> {
    let recv = method.field("receiver")?;
    let text = file.text_of(recv);
    let inner = text.trim().trim_start_matches('(').trim_end_matches(')');
    let ty = inner.split_whitespace().last()?;
    let ty = ty.trim_start_matches('*');
    Some(ty.split('[').next().unwrap_or(ty).to_string())
}

fn parameter_names(file: &GoFile, list: Node<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = list.walk();
    for decl in list.named_children(&mut cursor) {
        let variadic = decl.kind_name() == "variadic_parameter_declaration";
        if !variadic && decl.kind_name() != "parameter_declaration" {
            continue;
        }
        let mut c = decl.walk();
        let names: Vec<String> = decl
            .children_by_field_name("name", &mut c)
            .map(|n| file.text_of(n).to_string())
            .collect();
        let suffix = if variadic { "..." } else { "" };
        if names.is_empty() {
            out.push(format!("_{suffix}"));
        } else {
            out.extend(names.into_iter().map(|n| format!("{n}{suffix}")));
        }
    }
    out
}

/// The package in `dir` declares a package-level variable `var`.
fn declares_variable(files: &[GoFile], var: &str) -> bool {
    files.iter().any(|file| {
        let root = file.tree.root_node();
        let mut stack: Vec<Node<'_>> = root
            .named_children(&mut root.walk())
            .filter(|n| n.kind_name() == "var_declaration")
            .collect();
        while let Some(n) = stack.pop() {
            if n.kind_name() == "var_spec" {
                let mut c = n.walk();
                if n.children_by_field_name("name", &mut c)
                    .any(|x| file.text_of(x) == var)
                {
                    return true;
                }
            } else {
                stack.extend(n.named_children(&mut n.walk()));
            }
        }
        false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_read_with_every_split_of_its_last_element() {
        let s: Vec<(&str, Vec<&str>)> = splits("example.com/lib.Registry.Add", 2).collect();
        assert_eq!(
            s,
            vec![
                ("example.com/lib", vec!["Registry", "Add"]),
                ("example.com/lib.Registry", vec!["Add"]),
            ]
        );
        let s: Vec<(&str, Vec<&str>)> = splits("gopkg.in/yaml.v3.Register", 1).collect();
        assert_eq!(s, vec![("gopkg.in/yaml.v3", vec!["Register"])]);
    }

    #[test]
    fn a_bounded_holder_is_its_own_packages_only() {
        let at = Declared {
            line: 1,
            text: String::new(),
        };
        let d = Declarations {
            bounded: vec![Bounded {
                name: "example.com/c.memo".into(),
                reason: "schema keys".into(),
                at,
            }],
            ..Default::default()
        };
        assert!(d.bounded("example.com/c", "memo").is_some());
        // An external test package has variables of its own.
        assert!(d.bounded("example.com/c_test", "memo").is_none());
        assert!(d.bounded("example.com/cc", "memo").is_none());
        assert!(d.bounded("example.com/c", "memos").is_none());
        assert!(d.bounded("example.com", "c.memo").is_none());
    }

    #[test]
    fn a_local_replace_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("go.mod"),
            "module example.com/m\n\ngo 1.21\n\nrequire example.com/lib v0.0.0\n\nreplace (\n\texample.com/other v1.0.0 => example.com/fork v1.0.1\n\texample.com/lib => ./third_party/lib // vendored by hand\n)\n",
        )
        .unwrap();
        assert_eq!(
            replaced(dir.path(), "example.com/lib/sub"),
            Some(dir.path().join("third_party/lib/sub"))
        );
        assert_eq!(replaced(dir.path(), "example.com/other"), None);
        assert_eq!(replaced(dir.path(), "example.com/library"), None);
    }
}
