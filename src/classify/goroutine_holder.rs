//! EE0309: what a long-running goroutine keeps. A goroutine is a holder: while it runs, its
//! stack and everything its function captures (often the whole cache or server it works for)
//! stay reachable. A service loop with a way out (a `ctx.Done()` case, a stop channel that
//! `Close` closes, a finalizer that signals it) keeps them until that happens: `retained`, with
//! the release named. A loop with no way out is EE0303.

use tree_sitter::Node;

use super::syntax::{callee, own, visit};
use super::{Context, SourceFinding};
use crate::finding::{Evidence, Release, Verdict};
use crate::rules::GOROUTINE_HOLDER as RULE;
use crate::source::{GoFile, PackageIndex};

/// A `go` statement whose function runs a service loop (`for { select { ... } }`) that can
/// end: what it keeps, and what ends it.
pub fn check(cx: &Context<'_>, index: &PackageIndex, out: &mut Vec<SourceFinding>) {
    for (f, file) in index.files.iter().enumerate() {
        for go in index.go_statements(f) {
            let Some((bfile, body)) = super::goroutine::started_body(index, file, go) else {
                continue;
            };
            // Guard: a goroutine with no loop does its work and returns; it holds what it
            // captures only for that long.
            let Some(service) = own(body, "for_statement")
                .into_iter()
                .find(|l| unconditional(index, bfile, *l))
            else {
                continue;
            };
            // A loop with no way out is EE0303's.
            if super::goroutine::endless_in(index, bfile, body).is_some() {
                continue;
            }
            let keeps = kept(file, go);
            // Guard: a loop that captures nothing keeps only its own stack.
            if keeps.is_empty() {
                continue;
            }
            let stop = stop_path(index, bfile, service);
            let at = cx.loc_of(f, go);
            let keeps_words = keeps
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let until = stop
                .as_ref()
                .map(|s| s.how.clone())
                .unwrap_or_else(|| "until its loop returns".to_string());
            let mut sf = SourceFinding::new(
                &RULE,
                Verdict::Retained,
                at,
                super::goroutine::go_subject(file, go),
                format!(
                    "the goroutine keeps {keeps_words} reachable while it runs, {until}: everything reachable from {} lives at least that long, whatever the escape analysis said",
                    if keeps.len() == 1 { "it" } else { "them" }
                ),
            );
            sf.holder_name = Some(format!("the goroutine started at line {}", at.line));
            sf.release = Some(Release {
                how: until,
                site: stop.and_then(|s| s.site.map(|l| cx.site(index, &l))),
            });
            sf.evidence.push(Evidence {
                note: format!("keeps {keeps_words} while it runs"),
                site: None,
            });
            sf.evidence.push(Evidence {
                note: "its loop runs until stopped".into(),
                site: Some(cx.site_in(bfile, &cx.loc_in(bfile, service))),
            });
            out.push(sf);
        }
    }
}

/// `for {` or `for ;; {`: a loop that only a return, break or select case ends.
fn unconditional(index: &PackageIndex, file: &GoFile, l: Node<'_>) -> bool {
    let mut c = l.walk();
    let header: Vec<Node<'_>> = l
        .named_children(&mut c)
        .filter(|n| n.kind() != "block")
        .collect();
    match header.as_slice() {
        [] => true,
        [h] if h.kind() == "for_clause" => h.child_by_field_name("condition").is_none(),
        // `for range ch` / `for x := range ch`: runs until ch is closed.
        [h] if h.kind() == "range_clause" => h
            .child_by_field_name("right")
            .is_some_and(|r| super::goroutine::is_closed(index, file.text_of(r))),
        _ => false,
    }
}

/// What a `go` statement's function keeps: a method's receiver (`go c.janitor()` keeps `c`),
/// the call's arguments, and the enclosing function's names a closure refers to.
pub fn kept(file: &GoFile, go: Node<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: &str| {
        let s = s.trim().trim_start_matches('&');
        if !s.is_empty()
            && s.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
            && !out.iter().any(|o| o == s)
        {
            out.push(s.to_string());
        }
    };
    let mut c = go.walk();
    let Some(call) = go.named_children(&mut c).next() else {
        return out;
    };
    let Some(func) = call.child_by_field_name("function") else {
        return out;
    };
    if func.kind() == "selector_expression"
        && let Some(recv) = func.child_by_field_name("operand")
    {
        add(file.text_of(recv));
    }
    for a in super::syntax::args(call) {
        add(file.text_of(a));
    }
    if func.kind() == "func_literal"
        && let Some(outer) = super::syntax::enclosing_function(go)
    {
        let declared = outer_names(file, outer, go.start_byte());
        let mut used = Vec::new();
        visit(func, &mut |n| {
            if n.kind() == "identifier" {
                used.push(file.text_of(n).to_string());
            }
            true
        });
        for name in declared {
            if used.contains(&name) {
                add(&name);
            }
        }
    }
    out
}

/// The receiver, parameters and variables an enclosing function declares before `before`.
fn outer_names(file: &GoFile, outer: Node<'_>, before: usize) -> Vec<String> {
    let mut names = Vec::new();
    for field in ["receiver", "parameters"] {
        if let Some(p) = outer.child_by_field_name(field) {
            visit(p, &mut |n| {
                if n.kind() == "identifier"
                    && n.parent()
                        .is_some_and(|p| p.kind() == "parameter_declaration")
                {
                    names.push(file.text_of(n).to_string());
                }
                true
            });
        }
    }
    if let Some(body) = outer.child_by_field_name("body") {
        visit(body, &mut |n| {
            if n.start_byte() >= before {
                return false;
            }
            if n.kind() == "short_var_declaration"
                && let Some(left) = n.child_by_field_name("left")
            {
                let mut c = left.walk();
                for id in left.named_children(&mut c) {
                    if id.kind() == "identifier" {
                        names.push(file.text_of(id).to_string());
                    }
                }
            }
            if n.kind() == "var_spec"
                && let Some(name) = n.child_by_field_name("name")
            {
                names.push(file.text_of(name).to_string());
            }
            n.kind() != "func_literal"
        });
    }
    names.retain(|n| n != "_");
    names
}

/// How a service loop ends, in words, and where that is done.
struct Stop {
    how: String,
    site: Option<crate::source::index::Loc>,
}

fn stop_path(index: &PackageIndex, file: &GoFile, service: Node<'_>) -> Option<Stop> {
    let mut stop = None;
    // Two janitors of one package often share a field name (`j.stop`): the stopper beside the
    // loop is the one that stops it.
    let here = index.file_index(&file.path);
    // `case <-X:` (or `case v, ok := <-X:`) clauses whose body returns or breaks out.
    visit(service, &mut |n| {
        if stop.is_some() {
            return false;
        }
        if n.kind() == "communication_case"
            && let Some(comm) = n.child_by_field_name("communication")
        {
            let text = file.text_of(comm);
            let exits = file.text_of(n).contains("return") || file.text_of(n).contains("break");
            if exits && let Some(ch) = received(text) {
                stop = Some(who_stops(index, &ch, here));
            }
        }
        n.kind() != "func_literal"
    });
    if stop.is_none() {
        // `for range ch`: ends when ch is closed.
        let mut c = service.walk();
        if let Some(r) = service
            .named_children(&mut c)
            .find(|h| h.kind() == "range_clause")
            .and_then(|h| h.child_by_field_name("right"))
        {
            stop = Some(who_stops(index, file.text_of(r), here));
        }
    }
    stop
}

/// `<-c.stop`, `v, ok := <-ch`, `<-ctx.Done()` -> the received expression.
fn received(comm: &str) -> Option<String> {
    let i = comm.find("<-")?;
    let ch = comm[i + 2..].trim();
    (!ch.is_empty()).then(|| ch.to_string())
}

/// Who ends a loop that waits on `ch`: a context's cancel, or the function that closes or
/// sends on the channel (a Close method, a finalizer).
fn who_stops(index: &PackageIndex, ch: &str, prefer: Option<usize>) -> Stop {
    if let Some(ctx) = ch.strip_suffix(".Done()") {
        return Stop {
            how: format!("until `{ctx}` is cancelled or times out"),
            site: None,
        };
    }
    let name = ch.rsplit('.').next().unwrap_or(ch).trim();
    let order = prefer
        .into_iter()
        .chain((0..index.files.len()).filter(|&i| Some(i) != prefer));
    for fi in order {
        let f = &index.files[fi];
        let mut found = None;
        visit(f.tree.root_node(), &mut |n| {
            if found.is_some() {
                return false;
            }
            let hit = match n.kind() {
                "call_expression" => {
                    callee(f, n) == "close"
                        && super::syntax::args(n)
                            .first()
                            .is_some_and(|a| last_name(f.text_of(*a)) == name)
                }
                "send_statement" => n
                    .child_by_field_name("channel")
                    .is_some_and(|c| last_name(f.text_of(c)) == name),
                _ => false,
            };
            if hit {
                found = Some(n);
            }
            true
        });
        if let Some(n) = found {
            let verb = if n.kind() == "send_statement" {
                "sends on"
            } else {
                "closes"
            };
            let by = index
                .function_at(fi, n.start_byte())
                .map(|i| describe_stopper(index, i))
                .unwrap_or_else(|| "a package-level initializer".to_string());
            return Stop {
                how: format!("until {by} {verb} `{ch}`"),
                site: Some(crate::source::index::Loc {
                    file: fi,
                    start: n.start_byte(),
                    end: n.end_byte(),
                    line: n.start_position().row as u32 + 1,
                    column: n.start_position().column as u32 + 1,
                }),
            };
        }
    }
    Stop {
        how: format!("until something sends on or closes `{ch}` (nothing in the package does)"),
        site: None,
    }
}

/// `(*Cache).Close`, or "the finalizer `stopJanitor` (runtime.SetFinalizer)" when the function
/// is handed to runtime.SetFinalizer.
fn describe_stopper(index: &PackageIndex, f: usize) -> String {
    let name = &index.functions[f].name;
    let finalizer = index.files.iter().any(|file| {
        if !super::syntax::mentions_any(&file.text, &["runtime.SetFinalizer"]) {
            return false;
        }
        let mut yes = false;
        visit(file.tree.root_node(), &mut |n| {
            if n.kind() == "call_expression"
                && callee(file, n) == "runtime.SetFinalizer"
                && super::syntax::args(n)
                    .get(1)
                    .is_some_and(|a| file.text_of(*a) == name)
            {
                yes = true;
            }
            !yes
        });
        yes
    });
    if finalizer {
        format!("the finalizer `{name}` (run once the owner is unreachable)")
    } else {
        format!("`{name}`")
    }
}

fn last_name(expr: &str) -> &str {
    expr.rsplit('.').next().unwrap_or(expr).trim()
}
