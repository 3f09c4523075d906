//! `--format sarif`: SARIF 2.1.0 for code scanning. One run; the tool's rules come from the
//! rule registry ([`crate::rules`]) and their explanation pages; each result has its level,
//! location and message, related locations for the holder's declaration and the add and release
//! sites, and a partial fingerprint built from package, function, subject and code, so it
//! survives lines shifting.

use std::io::{self, Write};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use super::Renderer;
use crate::catalog;
use crate::escape::Section;
use crate::finding::{Finding, Site, Verdict};
use crate::report::{RunInfo, Summary};
use crate::rules::{RULES, RuleId};

pub struct SarifRenderer {
    pub shown: Vec<Verdict>,
    base: Option<Base>,
    results: u64,
}

impl SarifRenderer {
    pub fn new(shown: Vec<Verdict>, base: Option<Base>) -> Self {
        SarifRenderer {
            shown,
            base,
            results: 0,
        }
    }
}

/// The directory results' paths are relative to, named by [`Base::ID`] in each location and
/// resolved in the run's `originalUriBaseIds`: the root of the git checkout the module is in
/// (code scanning reads paths from the repository root, so `-C svc` still places
/// `svc/x.go`), else the module root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// The base directory itself: an absolute path under it (a file of another module of the
    /// workspace) is written relative to it too.
    top: std::path::PathBuf,
    /// The module root from the base, with a trailing `/` (`svc/`), or empty.
    prefix: String,
    /// The base as a `file` URI ending in `/`.
    uri: String,
}

impl Base {
    /// The conventional name of the source root in SARIF.
    pub const ID: &'static str = "%SRCROOT%";

    /// For a module whose root is `root` (canonical); None without one.
    pub fn of(root: Option<&std::path::Path>) -> Option<Base> {
        let root = root?;
        let top = root
            .ancestors()
            .find(|d| d.join(".git").exists())
            .unwrap_or(root);
        let prefix = root
            .strip_prefix(top)
            .ok()?
            .to_string_lossy()
            .replace('\\', "/");
        let prefix = if prefix.is_empty() {
            prefix
        } else {
            format!("{prefix}/")
        };
        let mut uri = uri(&top.to_string_lossy());
        if !uri.ends_with('/') {
            uri.push('/');
        }
        Some(Base {
            top: top.to_path_buf(),
            prefix,
            uri,
        })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: RuleId,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: Fingerprints,
    properties: Properties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: Physical,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "escapeExplainKey/v1")]
    key: String,
}

#[derive(Serialize)]
struct Properties<'a> {
    verdict: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    holder: Option<&'static str>,
    /// The line of escape-explain.toml that decided the verdict (`escape-explain.toml:3`).
    #[serde(skip_serializing_if = "Option::is_none")]
    decided_by: Option<String>,
    /// With `--profile`: `live`, `allocated`, `grew`, `goroutines`, `leaked`, `blocked_at`, as in
    /// JSON.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    measured: Option<&'a crate::finding::Measured>,
}

fn level(v: Verdict) -> &'static str {
    match v {
        Verdict::LeakRisk => "error",
        Verdict::Retained => "warning",
        Verdict::Heap => "note",
        Verdict::Stack | Verdict::Passes => "none",
    }
}

/// What RFC 3986 lets stand in a path segment (`pchar`: unreserved, sub-delims, `:` and `@`).
/// Everything else is percent-encoded: space, `%`, `#`, `?`, and non-ASCII as its UTF-8 bytes.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// The first segment of a relative reference: a `:` there would make `c:x.go` a URI of
/// scheme `c`.
const FIRST_SEGMENT: &AsciiSet = &SEGMENT.add(b':');

/// A SARIF artifact URI: a relative path as a relative reference (segments encoded, `/`
/// between them), an absolute one (`/x`, or a Windows drive's `C:/x`) as a `file` URI.
fn uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let drive = matches!(p.as_bytes(), [d, b':', b'/', ..] if d.is_ascii_alphabetic());
    if p.starts_with('/') {
        format!("file://{}", encoded(&p, SEGMENT))
    } else if drive {
        format!("file:///{}", encoded(&p, SEGMENT))
    } else {
        encoded(&p, FIRST_SEGMENT)
    }
}

/// A path whose URI is a relative reference: one [`Base`] can stand before it.
fn is_relative(path: &str) -> bool {
    !uri(path).starts_with("file:")
}

/// Each segment percent-encoded (the first with `first`), `/` between them.
fn encoded(p: &str, first: &'static AsciiSet) -> String {
    p.split('/')
        .enumerate()
        .map(|(i, s)| utf8_percent_encode(s, if i == 0 { first } else { SEGMENT }).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// `svc/../b/x.go` (a workspace module beside this one) as `b/x.go`.
fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." if out.last().is_some_and(|l| *l != "..") => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

fn location(
    site: &Site,
    base: Option<&Base>,
    id: Option<usize>,
    message: Option<String>,
) -> Location {
    let under_base = base.and_then(|b| {
        let rel = std::path::Path::new(&site.path).strip_prefix(&b.top).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    });
    let artifact_location = match base {
        Some(_) if let Some(rel) = under_base => Artifact {
            uri: uri(&rel),
            uri_base_id: Some(Base::ID),
        },
        Some(b) if is_relative(&site.path) => Artifact {
            uri: uri(&normalize(&format!(
                "{}{}",
                b.prefix,
                site.path.replace('\\', "/")
            ))),
            uri_base_id: Some(Base::ID),
        },
        _ => Artifact {
            uri: uri(&site.path),
            uri_base_id: None,
        },
    };
    Location {
        id,
        physical_location: Physical {
            artifact_location,
            region: Region {
                start_line: site.line.max(1),
                start_column: site.column.max(1),
            },
        },
        message: message.map(|text| Text { text }),
    }
}

/// FNV-1a, 64 bits: stable across runs and platforms, unlike the standard hasher.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{h:016x}")
}

/// `kept in a package-level map` -> `KeptInAPackageLevelMap`.
fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

impl Renderer for SarifRenderer {
    fn begin(&mut self, out: &mut dyn Write, _run: &RunInfo) -> io::Result<()> {
        let rules: Vec<Rule> = RULES
            .iter()
            .map(|r| {
                let md = r.explanation;
                Rule {
                    id: r.id.as_str(),
                    name: pascal(r.name),
                    short_description: Text {
                        text: r.name.to_string(),
                    },
                    full_description: Text {
                        text: catalog::summary(md),
                    },
                    help: Help {
                        text: md.to_string(),
                        markdown: md.to_string(),
                    },
                    default_configuration: Configuration {
                        level: if r.holder.is_some() {
                            "warning"
                        } else {
                            "note"
                        },
                    },
                }
            })
            .collect();
        write!(
            out,
            "{{\"version\":\"2.1.0\",\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"runs\":[{{\"tool\":{{\"driver\":{{\"name\":\"escape-explain\",\"version\":\"{}\",\"semanticVersion\":\"{}\",\"rules\":",
            env!("CARGO_PKG_VERSION"),
            env!("CARGO_PKG_VERSION")
        )?;
        serde_json::to_writer(&mut *out, &rules)?;
        out.write_all(b"}},\"results\":[")
    }

    fn section(
        &mut self,
        out: &mut dyn Write,
        section: &Section,
        findings: &[Finding],
    ) -> io::Result<()> {
        let package = section.package.clone().unwrap_or_default();
        for f in findings
            .iter()
            .filter(|f| f.reported() && self.shown.contains(&f.verdict))
        {
            let Some(p) = &f.position else { continue };
            let here = Site {
                path: p.best_file().to_string(),
                line: p.line,
                column: p.column.unwrap_or(1),
                text: String::new(),
            };
            let mut related = Vec::new();
            if let Some(h) = &f.holder {
                let sites = [
                    (
                        h.declared.as_ref(),
                        format!("the holder `{}` is declared here", h.name),
                    ),
                    (h.added.as_ref(), format!("added to {} here", h.name)),
                    (
                        h.released.as_ref().and_then(|r| r.site.as_ref()),
                        h.released
                            .as_ref()
                            .map(|r| format!("released: {}", r.how))
                            .unwrap_or_default(),
                    ),
                ];
                for (site, message) in sites {
                    if let Some(s) = site {
                        related.push(location(
                            s,
                            self.base.as_ref(),
                            Some(related.len() + 1),
                            Some(message),
                        ));
                    }
                }
            }
            let mut text = format!("{}. {}", f.measured_title(), f.why);
            if let Some(fix) = &f.fix {
                text.push_str(&format!(" Fix: {fix}"));
            }
            let result = SarifResult {
                rule_id: f.code,
                rule_index: RULES.iter().position(|r| r.id == f.code).unwrap_or(0),
                level: level(f.verdict),
                message: Text { text },
                // A file the compiler named that was not found (`<autogenerated>`) is not
                // under the base.
                locations: vec![location(
                    &here,
                    self.base.as_ref().filter(|_| p.path.is_some()),
                    None,
                    None,
                )],
                related_locations: related,
                partial_fingerprints: Fingerprints {
                    key: fingerprint(&[
                        &package,
                        f.function.as_deref().unwrap_or(""),
                        &f.subject,
                        f.code.as_str(),
                    ]),
                },
                properties: Properties {
                    verdict: f.verdict.name(),
                    holder: f.holder.as_ref().map(|h| h.kind.name()),
                    decided_by: f
                        .decided_by
                        .as_ref()
                        .map(|d| format!("{}:{}", d.path, d.line)),
                    measured: f.measured.as_deref(),
                },
            };
            if self.results > 0 {
                out.write_all(b",")?;
            }
            self.results += 1;
            out.write_all(b"\n")?;
            serde_json::to_writer(&mut *out, &result)?;
        }
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, _run: &RunInfo, _summary: &Summary) -> io::Result<()> {
        out.write_all(b"\n]")?;
        if let Some(b) = &self.base {
            write!(out, ",\"originalUriBaseIds\":{{\"{}\":{{\"uri\":", Base::ID)?;
            serde_json::to_writer(&mut *out, &b.uri)?;
            out.write_all(b"}}")?;
        }
        out.write_all(b"}]}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::{Base, Site, location, uri};

    #[test]
    fn every_path_under_the_checkout_is_placed_under_its_base() {
        let base = Base {
            top: "/repo".into(),
            prefix: "a/".into(),
            uri: "file:///repo/".into(),
        };
        let at = |path: &str| {
            let site = Site {
                path: path.into(),
                line: 1,
                column: 1,
                text: String::new(),
            };
            let l = location(&site, Some(&base), None, None);
            let a = l.physical_location.artifact_location;
            (a.uri, a.uri_base_id)
        };
        // The module's own file, one of another module of the workspace written from the
        // module (`../b/b.go`) or by its absolute path, and one outside the checkout.
        assert_eq!(at("x.go"), ("a/x.go".into(), Some(Base::ID)));
        assert_eq!(at("../b/b.go"), ("b/b.go".into(), Some(Base::ID)));
        assert_eq!(at("/repo/b/b.go"), ("b/b.go".into(), Some(Base::ID)));
        assert_eq!(
            at("/elsewhere/c.go"),
            ("file:///elsewhere/c.go".into(), None)
        );
    }

    #[test]
    fn relative_paths_are_relative_references() {
        assert_eq!(uri("maps.go"), "maps.go");
        assert_eq!(uri("sub/x_y-z.go"), "sub/x_y-z.go");
        assert_eq!(uri("c:x.go"), "c%3Ax.go");
        assert_eq!(uri("sub/c:x.go"), "sub/c:x.go");
        assert_eq!(uri("a b.go"), "a%20b.go");
        assert_eq!(uri("#x?.go"), "%23x%3F.go");
        assert_eq!(uri("50%.go"), "50%25.go");
        assert_eq!(uri("ü.go"), "%C3%BC.go");
        assert_eq!(uri("sub\\x.go"), "sub/x.go");
    }

    #[test]
    fn absolute_paths_are_file_uris() {
        assert_eq!(uri("/src/a b/c:x.go"), "file:///src/a%20b/c:x.go");
        assert_eq!(uri("C:\\src\\ü.go"), "file:///C:/src/%C3%BC.go");
    }
}
