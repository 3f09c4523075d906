//! EE0303: a goroutine that never ends. A `go` statement whose function has no way out (an
//! endless `for` with no return or break, no `ctx.Done()` or done-channel case, a `range` over a
//! channel nothing closes) keeps its stack and everything it captures for the life of the
//! process. Started from code that runs many times, one more is left behind on every call.

use tree_sitter::Node;

use super::syntax::{endless_loop, own};
use super::{Context, SourceFinding};
use crate::finding::{Evidence, Release, Verdict};
use crate::rules::GOROUTINE as RULE;
use crate::source::{GoFile, PackageIndex};

/// The body of the function a `go` statement runs, and the file it is in.
pub fn started_body<'a>(
    index: &'a PackageIndex,
    file: &'a GoFile,
    go_stmt: Node<'a>,
) -> Option<(&'a GoFile, Node<'a>)> {
    let mut c = go_stmt.walk();
    let call = go_stmt.named_children(&mut c).next()?;
    let func = call.child_by_field_name("function")?;
    if func.kind() == "func_literal" {
        return Some((file, func.child_by_field_name("body")?));
    }
    // `go worker(ch)`: a function of the package; `go c.janitor()`: a method of one of its
    // types, when only one type has a method of that name.
    let name = file.text_of(func);
    let f = index.function_named(name).or_else(|| {
        let short = name.rsplit('.').next()?;
        let suffix = format!(").{short}");
        let suffix_value = format!(".{short}");
        let mut methods = index.functions.iter().enumerate().filter(|(_, f)| {
            f.kind == crate::source::index::FunctionKind::Method
                && (f.name.ends_with(&suffix) || f.name.ends_with(&suffix_value))
        });
        let all: Vec<usize> = methods.by_ref().map(|(i, _)| i).collect();
        match all.as_slice() {
            [one] => Some(*one),
            // Several types have the method: the receiver's type decides (`j := &janitor{...}`,
            // `j *janitor`), as written in the function that starts the goroutine.
            many => {
                let recv = name.rsplit_once('.')?.0;
                let outer = super::syntax::enclosing_function(go_stmt)?;
                let text = file.text_of(outer);
                many.iter().copied().find(|&i| {
                    let m = &index.functions[i].name;
                    let ty = m
                        .trim_start_matches("(*")
                        .split([')', '.'])
                        .next()
                        .unwrap_or("");
                    [
                        format!("{recv} := &{ty}{{"),
                        format!("{recv} := {ty}{{"),
                        format!("{recv} *{ty}"),
                        format!("{recv} = &{ty}{{"),
                    ]
                    .iter()
                    .any(|p| text.contains(p.as_str()))
                })
            }
        }
    })?;
    let loc = index.functions[f].loc;
    let gofile = &index.files[loc.file];
    let node = gofile
        .tree
        .root_node()
        .descendant_for_byte_range(loc.start, loc.end)?;
    Some((gofile, node.child_by_field_name("body")?))
}

/// The endless loop of a goroutine body, if it has one at its top level.
pub fn endless_in<'t>(index: &PackageIndex, file: &GoFile, body: Node<'t>) -> Option<Node<'t>> {
    // Guard: a `range` over a map or slice ends with it; only a channel nobody closes does not.
    let never_closed = |ch: &str| is_channel(index, ch) && !is_closed(index, ch);
    own(body, "for_statement")
        .into_iter()
        .find(|f| endless_loop(file, *f, &never_closed))
}

/// Whether an expression names a channel, as far as the package's declarations show: a
/// ticker's or timer's `C`, or a name declared with a `chan` type or made with `make(chan`.
pub fn is_channel(index: &PackageIndex, expr: &str) -> bool {
    let name = expr.rsplit('.').next().unwrap_or(expr).trim();
    if name == "C" {
        return true;
    }
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        // A call (`sub.Events()`, `time.Tick(d)`) or a receive: most such ranges are channels.
        return expr.contains('(') || expr.contains("<-");
    }
    index.files.iter().any(|f| {
        f.text.match_indices(name).any(|(i, _)| {
            let before = f.text[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                return false;
            }
            let rest = &f.text[i + name.len()..];
            if rest.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                return false;
            }
            let rest = rest.trim_start_matches([' ', '\t']);
            let rest = rest
                .strip_prefix(":=")
                .or_else(|| rest.strip_prefix('='))
                .or_else(|| rest.strip_prefix(':'))
                .map(|r| r.trim_start())
                .unwrap_or(rest);
            rest.starts_with("chan ")
                || rest.starts_with("chan<-")
                || rest.starts_with("<-chan")
                || rest.starts_with("make(chan")
                || rest.starts_with("make(<-chan")
        })
    })
}

/// Whether the package ever closes the channel `ch` (by its last name: `s.jobs` -> `jobs`).
pub fn is_closed(index: &PackageIndex, ch: &str) -> bool {
    let name = ch.rsplit('.').next().unwrap_or(ch).trim();
    // A ticker's or timer's channel is never closed.
    if name == "C" {
        return false;
    }
    index.files.iter().any(|f| {
        f.text.match_indices("close(").any(|(i, _)| {
            let arg = &f.text[i + 6..];
            let arg = &arg[..arg.find(')').unwrap_or(0)];
            arg.rsplit('.').next().unwrap_or(arg).trim() == name
        })
    })
}

pub fn check(cx: &Context<'_>, index: &PackageIndex, out: &mut Vec<SourceFinding>) {
    for (f, file) in index.files.iter().enumerate() {
        for go in index.go_statements(f) {
            let Some((bfile, body)) = started_body(index, file, go) else {
                continue;
            };
            let Some(endless) = endless_in(index, bfile, body) else {
                continue;
            };
            let at = cx.loc_of(f, go);
            let function = index.function_at(f, go.start_byte());
            let in_loop = super::syntax::ancestor(go, &["for_statement"]).is_some();
            let once = !in_loop && index.runs_once(function);
            let (verdict, release) = if once {
                (
                    Verdict::Retained,
                    Some(Release {
                        how: "started once, from code that runs once: one goroutine for the life of the process".into(),
                        site: None,
                    }),
                )
            } else {
                (Verdict::LeakRisk, None)
            };
            let mut sf = SourceFinding::new(
                &RULE,
                verdict,
                at,
                go_subject(file, go),
                "the goroutine loops forever with no way out, so its stack and everything it captures stay reachable for the life of the process".into(),
            );
            sf.release = release;
            sf.evidence.push(Evidence {
                note: "this loop has no return, break, ctx.Done() or closed-channel exit".into(),
                site: Some(cx.site_in(bfile, &cx.loc_in(bfile, endless))),
            });
            let keeps = super::goroutine_holder::kept(file, go);
            if !keeps.is_empty() {
                sf.evidence.push(Evidence {
                    note: format!(
                        "keeps {} for as long as it runs",
                        keeps
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    site: None,
                });
            }
            if !once {
                sf.evidence.push(Evidence {
                    note: "started from a function that can run many times: one more goroutine per call".into(),
                    site: None,
                });
            }
            out.push(sf);
        }
    }
}

/// `go func() {...}()` or `go worker(ch)`, short.
pub fn go_subject(file: &GoFile, go: Node<'_>) -> String {
    let text = file.text_of(go);
    match text.find('{') {
        Some(i) if text.starts_with("go func") => format!("{}{{...}}()", &text[..i]),
        _ => text.lines().next().unwrap_or(text).trim().to_string(),
    }
}
