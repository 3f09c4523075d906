//! `escape-explain.toml`: what a team tells the tool about code it cannot see, read once at the
//! start. `[registries]` names functions of other packages (a dependency the report does not
//! analyse) that keep an argument for the life of the process; `[bounded]` names package-level
//! holders the team knows are bounded, with the reason; `[report]` gives defaults for flags (a
//! flag on the command line wins).
//!
//! This module only reads the file: a malformed file, an unknown key or a value of the wrong
//! shape is a [`SettingsError`] naming the file, the line and the key. Whether each name
//! matches a function or a variable is checked against the source before the run
//! ([`crate::source::declared`]).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::finding::Verdict;

/// The file's name at the module root.
pub const FILE_NAME: &str = "escape-explain.toml";

/// What the file says, with the line of each declaration for the findings it decides.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// The file as the messages name it (as given, or found at the module root).
    pub file: PathBuf,
    pub registries: Vec<DeclaredRegistry>,
    pub bounded: Vec<DeclaredBounded>,
    pub report: ReportDefaults,
}

/// A function that keeps one of its arguments for the life of the process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredRegistry {
    /// As written: `example.com/lib.Register`, or `example.com/lib.Registry.Add` for a method.
    pub name: String,
    /// The argument it keeps.
    pub keeps: Param,
    /// The function (or, for a method, the method of the same type) that takes an entry back.
    pub release: Option<String>,
    pub at: Declared,
}

/// A package-level holder known to be bounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredBounded {
    /// As written: `example.com/m/schema.memo`.
    pub name: String,
    /// Why it is bounded, shown in the finding.
    pub reason: String,
    pub at: Declared,
}

/// Where a declaration is in the file: its line and the line's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub line: u32,
    pub text: String,
}

/// A parameter, by name or by position (0 is the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    Name(String),
    Index(usize),
}

/// `[report]`: defaults for the flags of the same names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportDefaults {
    pub fail_on: Option<Verdict>,
    pub verdict: Vec<Verdict>,
    pub exclude: Vec<String>,
    pub only_path: Vec<String>,
    pub only_package: Vec<String>,
    pub generated: Option<bool>,
    pub external: Option<bool>,
}

/// The file could not be used: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {why}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct SettingsError {
    pub file: PathBuf,
    /// The 1-based line, when the error is about one.
    pub line: Option<u32>,
    pub why: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    registries: BTreeMap<Spanned<String>, Spanned<RegistryEntry>>,
    #[serde(default)]
    bounded: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    report: Option<Report>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryEntry {
    keeps: Spanned<KeepsValue>,
    #[serde(default)]
    release: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum KeepsValue {
    Index(i64),
    Name(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Report {
    #[serde(default)]
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    verdict: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    only_path: Vec<Spanned<String>>,
    #[serde(default)]
    only_package: Vec<Spanned<String>>,
    #[serde(default)]
    generated: Option<bool>,
    #[serde(default)]
    external: Option<bool>,
}

impl Settings {
    /// `--config FILE` when given (it must exist), else `escape-explain.toml` at the module
    /// root found from `dir`, else nothing to say.
    pub fn load(given: Option<&Path>, dir: &Path) -> Result<Settings, SettingsError> {
        let file = match given {
            Some(f) => f.to_path_buf(),
            None => {
                let Some(root) = crate::source::Module::find(dir).map(|m| m.root) else {
                    return Ok(Settings::default());
                };
                let f = root.join(FILE_NAME);
                if !f.exists() {
                    return Ok(Settings::default());
                }
                // Named from where the user stands when it can be.
                std::env::current_dir()
                    .ok()
                    .and_then(|h| {
                        f.strip_prefix(h.canonicalize().ok()?)
                            .ok()
                            .map(Path::to_path_buf)
                    })
                    .unwrap_or(f)
            }
        };
        let text = crate::files::read_regular_text(&file).map_err(|e| SettingsError {
            file: file.clone(),
            line: None,
            why: format!("cannot be read: {}", crate::files::reason(&e)),
        })?;
        Settings::parse(&file, &text)
    }

    /// Reads the text of `file`.
    pub fn parse(file: &Path, text: &str) -> Result<Settings, SettingsError> {
        let error = |span: Option<Range<usize>>, why: String| SettingsError {
            file: file.to_path_buf(),
            line: span.map(|s| line_of(text, s.start)),
            why,
        };
        let parsed: File = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().replace('\n', "; ");
            let message = message.trim_end_matches("; ");
            // serde's words for our types, said in the file's terms.
            let message = if message.contains("untagged enum KeepsValue") {
                "keeps is a parameter name (\"v\") or position (1)".to_string()
            } else if message.contains("struct RegistryEntry") {
                "a registry is a table: { keeps = \"v\", release = \"Remove\" }".to_string()
            } else {
                message.to_string()
            };
            // The key the error is about, when its line has one and the message does not.
            let key = e
                .span()
                .and_then(|s| {
                    text[..s.start.min(text.len())]
                        .lines()
                        .last()
                        .map(str::to_string)
                })
                .and_then(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
                .filter(|k| !k.is_empty() && !message.contains(k.trim_matches('"')));
            let message = match key {
                Some(k) => format!("{k}: {message}"),
                None => message,
            };
            error(e.span(), message)
        })?;
        let declared = |span: Range<usize>| {
            let line = line_of(text, span.start);
            Declared {
                line,
                text: text
                    .lines()
                    .nth(line as usize - 1)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            }
        };
        let mut settings = Settings {
            file: file.to_path_buf(),
            ..Default::default()
        };
        for (name, entry) in parsed.registries {
            let at = declared(name.span());
            let key = name.into_inner();
            check_name(&key, "registries", true).map_err(|why| error(Some(entry.span()), why))?;
            let entry_span = entry.span();
            let entry = entry.into_inner();
            let keeps_span = entry.keeps.span();
            let keeps = match entry.keeps.into_inner() {
                KeepsValue::Index(i) if i >= 0 => Param::Index(i as usize),
                KeepsValue::Index(i) => {
                    return Err(error(
                        Some(keeps_span),
                        format!(
                            "[registries] \"{key}\": keeps = {i} is not a parameter position (0 is the first)"
                        ),
                    ));
                }
                KeepsValue::Name(n) if is_identifier(&n) => Param::Name(n),
                KeepsValue::Name(n) => {
                    return Err(error(
                        Some(keeps_span),
                        format!("[registries] \"{key}\": keeps = \"{n}\" is not a parameter name"),
                    ));
                }
            };
            let release = match entry.release {
                Some(r) if is_identifier(r.get_ref()) => Some(r.into_inner()),
                Some(r) => {
                    return Err(error(
                        Some(r.span()),
                        format!(
                            "[registries] \"{key}\": release = \"{}\" is not a function or method name (write it without its package: \"Remove\")",
                            r.get_ref()
                        ),
                    ));
                }
                None => None,
            };
            let _ = entry_span;
            settings.registries.push(DeclaredRegistry {
                name: key,
                keeps,
                release,
                at,
            });
        }
        for (name, reason) in parsed.bounded {
            let at = declared(name.span());
            let key = name.into_inner();
            check_name(&key, "bounded", false).map_err(|why| error(Some(reason.span()), why))?;
            if reason.get_ref().trim().is_empty() {
                return Err(error(
                    Some(reason.span()),
                    format!(
                        "[bounded] \"{key}\": say why it is bounded (the reason is shown in its findings)"
                    ),
                ));
            }
            settings.bounded.push(DeclaredBounded {
                name: key,
                reason: reason.into_inner(),
                at,
            });
        }
        if let Some(r) = parsed.report {
            let verdict =
                |s: &Spanned<String>, allowed: &[Verdict]| -> Result<Verdict, SettingsError> {
                    allowed
                        .iter()
                        .copied()
                        .find(|v| v.name() == s.get_ref())
                        .ok_or_else(|| {
                            error(
                                Some(s.span()),
                                format!(
                                    "unknown verdict '{}'; choose from: {}",
                                    s.get_ref(),
                                    allowed
                                        .iter()
                                        .map(|v| v.name())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            )
                        })
                };
            let gates = [Verdict::LeakRisk, Verdict::Retained, Verdict::Heap];
            let all = [
                Verdict::LeakRisk,
                Verdict::Retained,
                Verdict::Heap,
                Verdict::Passes,
                Verdict::Stack,
            ];
            settings.report = ReportDefaults {
                fail_on: r.fail_on.as_ref().map(|s| verdict(s, &gates)).transpose()?,
                verdict: r
                    .verdict
                    .iter()
                    .map(|s| verdict(s, &all))
                    .collect::<Result<_, _>>()?,
                exclude: globs(r.exclude, "exclude", &error)?,
                only_path: globs(r.only_path, "only-path", &error)?,
                only_package: r
                    .only_package
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect(),
                generated: r.generated,
                external: r.external,
            };
        }
        Ok(settings)
    }

    /// Nothing declared: no file, or an empty one.
    pub fn is_empty(&self) -> bool {
        self.registries.is_empty()
            && self.bounded.is_empty()
            && self.report == ReportDefaults::default()
    }
}

/// Path globs as `--only-path` takes them.
fn globs(
    list: Vec<Spanned<String>>,
    key: &str,
    error: &dyn Fn(Option<Range<usize>>, String) -> SettingsError,
) -> Result<Vec<String>, SettingsError> {
    list.into_iter()
        .map(|g| {
            crate::cli::path_glob(g.get_ref())
                .map_err(|why| error(Some(g.span()), format!("[report] {key}: {why}")))
        })
        .collect()
}

/// `import/path.Name` (or `import/path.Type.Method` for a registry): an import path, then Go
/// identifiers.
fn check_name(key: &str, table: &str, method: bool) -> Result<(), String> {
    let last = key.rsplit('/').next().unwrap_or(key);
    let names: Vec<&str> = last.split('.').collect();
    let ok = !key.contains(char::is_whitespace)
        && !names[0].is_empty()
        && !key.starts_with('/')
        && names.len() >= 2
        && names[1..].iter().all(|n| is_identifier(n))
        && names.len() <= if method { 4 } else { 3 };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "[{table}] \"{key}\": not a name of the form {}",
            if method {
                "\"import/path.Function\" or \"import/path.Type.Method\""
            } else {
                "\"import/path.variable\""
            }
        ))
    }
}

fn is_identifier(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_alphabetic() || f == '_')
        && c.all(|x| x.is_alphanumeric() || x == '_')
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> u32 {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u32
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, String> {
        Settings::parse(Path::new("escape-explain.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn every_table_and_key_is_read() {
        let s = parse(
            r#"
[registries]   # functions that keep an argument for the life of the process
"example.com/lib.Register" = { keeps = "v" }
"example.com/lib.Registry.Add" = { keeps = 1, release = "Remove" }

[bounded]
"example.com/m/schema.memo" = "keys come from the schema"

[report]
fail-on = "leak-risk"
verdict = ["leak-risk", "retained"]
exclude = ["internal/gen/**"]
only-path = ["internal/**"]
only-package = ["example.com/m/..."]
generated = true
external = false
"#,
        )
        .unwrap();
        assert_eq!(s.registries.len(), 2);
        assert_eq!(s.registries[0].name, "example.com/lib.Register");
        assert_eq!(s.registries[0].keeps, Param::Name("v".into()));
        assert_eq!(s.registries[0].at.line, 3);
        assert_eq!(s.registries[1].keeps, Param::Index(1));
        assert_eq!(s.registries[1].release.as_deref(), Some("Remove"));
        assert_eq!(s.bounded[0].reason, "keys come from the schema");
        assert_eq!(s.bounded[0].at.line, 7);
        assert_eq!(
            s.bounded[0].at.text,
            r#""example.com/m/schema.memo" = "keys come from the schema""#
        );
        assert_eq!(s.report.fail_on, Some(Verdict::LeakRisk));
        assert_eq!(s.report.verdict, vec![Verdict::LeakRisk, Verdict::Retained]);
        assert_eq!(s.report.exclude, vec!["internal/gen/**"]);
        assert_eq!(s.report.only_path, vec!["internal/**"]);
        assert_eq!(s.report.only_package, vec!["example.com/m/..."]);
        assert_eq!(s.report.generated, Some(true));
        assert_eq!(s.report.external, Some(false));
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn a_bad_file_is_named_with_its_line_and_key() {
        let cases = [
            ("[registries\n", "escape-explain.toml:1: "),
            (
                "[report]\nfail_on = \"heap\"\n",
                "escape-explain.toml:2: unknown field `fail_on`",
            ),
            (
                "[reports]\n",
                "escape-explain.toml:1: unknown field `reports`",
            ),
            (
                "[registries]\n\"example.com/lib.Register\" = { kept = 1 }\n",
                "escape-explain.toml:2: \"example.com/lib.Register\": unknown field `kept`",
            ),
            (
                "[registries]\n\"example.com/lib.Register\" = { keeps = -1 }\n",
                "escape-explain.toml:2: [registries] \"example.com/lib.Register\": keeps = -1",
            ),
            (
                "[registries]\n\"Register\" = { keeps = 0 }\n",
                "escape-explain.toml:2: [registries] \"Register\": not a name",
            ),
            (
                "[bounded]\n\"example.com/m.memo\" = \"\"\n",
                "escape-explain.toml:2: [bounded] \"example.com/m.memo\": say why",
            ),
            (
                "\n[report]\nfail-on = \"passes\"\n",
                "escape-explain.toml:3: unknown verdict 'passes'; choose from: leak-risk, retained, heap",
            ),
            (
                "[report]\ngenerated = \"yes\"\n",
                "escape-explain.toml:2: generated: invalid type: string \"yes\", expected a boolean",
            ),
            (
                "[registries]\n\"example.com/lib.Register\" = { keeps = 1.5 }\n",
                "escape-explain.toml:2: \"example.com/lib.Register\": keeps is a parameter name",
            ),
            (
                "[registries]\n\".Register\" = { keeps = 0 }\n",
                "escape-explain.toml:2: [registries] \".Register\": not a name",
            ),
            (
                "[report]\nexclude = [\"gen/[a-z]*\"]\n",
                "escape-explain.toml:2: [report] exclude:",
            ),
        ];
        for (text, want) in cases {
            let got = parse(text).unwrap_err();
            assert!(got.starts_with(want), "{text:?}\n got: {got}\nwant: {want}");
            assert!(!got.contains('\n'), "one line: {got}");
        }
    }
}
