//! Timers and tickers, whose verdict depends on the Go version in effect.
//!
//! Before Go 1.23 the runtime kept every started timer and ticker until it fired or was stopped:
//! an unstopped `time.NewTicker`, a `time.Tick`, or a `time.After` per loop iteration stayed in
//! the timer heap. Since Go 1.23 (for a main module whose go.mod says `go 1.23` or later)
//! unreferenced timers and tickers are collected even when not stopped. The version in effect
//! is the lower of the toolchain's and the go.mod `go` line.
//!
//! EE0305: a ticker that is never stopped. EE0306: `time.Tick` or `time.After` per call or
//! iteration. EE0307: `time.AfterFunc` with a long delay, created per call and never stopped.

use tree_sitter::Node;

use super::rule::Rule;
use super::syntax::{ancestor, args, bound_name, callee, enclosing_function, own, visit};
use super::{Context, SourceFinding};
use crate::finding::{Evidence, HolderKind, Release, Verdict};
use crate::source::{GoFile, PackageIndex};

pub const TICKER: Rule = Rule {
    code: "EE0305",
    holder: Some(HolderKind::Ticker),
    name: "a ticker that is never stopped",
    fix: Some("`defer t.Stop()` right after `t := time.NewTicker(d)`"),
};

pub const TICK_AFTER: Rule = Rule {
    code: "EE0306",
    holder: Some(HolderKind::Timer),
    name: "a timer made per call or per iteration",
    fix: Some(
        "make one timer outside the loop and Reset it, or build with a go.mod of go 1.23 or later, where unreferenced timers are collected",
    ),
};

pub const AFTER_FUNC: Rule = Rule {
    code: "EE0307",
    holder: Some(HolderKind::Timer),
    name: "a long time.AfterFunc made per call",
    fix: Some(
        "keep the *time.Timer and Stop it when the work is done, or capture less in the callback",
    ),
};

/// The first Go minor version that collects unreferenced timers and tickers.
pub const TIMER_GC: u32 = 23;

pub fn check(cx: &Context<'_>, index: &PackageIndex, out: &mut Vec<SourceFinding>) {
    let modern = cx.go_minor.is_none_or(|v| v >= TIMER_GC);
    let version_note = match cx.go_minor {
        Some(v) => format!("Go 1.{v} is in effect ({})", cx.go_version_source),
        None => {
            "the Go version is unknown, so Go 1.23 or later is assumed (use --go-version)".into()
        }
    };
    for (f, file) in index.files.iter().enumerate() {
        let mut calls = Vec::new();
        visit(file.tree.root_node(), &mut |n| {
            if n.kind() == "call_expression"
                && matches!(
                    callee(file, n),
                    "time.NewTicker" | "time.Tick" | "time.After" | "time.AfterFunc"
                )
            {
                calls.push(n);
            }
            true
        });
        for call in calls {
            let name = callee(file, call);
            let at = cx.loc_of(f, call);
            let function = index.function_at(f, call.start_byte());
            let in_loop = ancestor(call, &["for_statement"]).is_some();
            let many = in_loop || !index.runs_once(function);
            let subject = file.text_of(call).to_string();
            let sf = match name {
                "time.NewTicker" => ticker(index, file, call, at, subject, modern, &version_note),
                // time.After in one select per call lives for its duration at most: bounded.
                "time.After" if !in_loop => None,
                "time.Tick" | "time.After" if many => {
                    let why_many = if in_loop {
                        "in a loop"
                    } else {
                        "in a function that can run many times"
                    };
                    let (verdict, why) = if modern {
                        (
                            Verdict::Heap,
                            format!(
                                "{name} {why_many} makes a new timer each time; since Go 1.23 the garbage collector frees it once nothing refers to it ({version_note})"
                            ),
                        )
                    } else {
                        (
                            Verdict::LeakRisk,
                            format!(
                                "{name} {why_many} makes a new timer each time, and before Go 1.23 the runtime keeps each one until it fires{} ({version_note})",
                                if name == "time.Tick" {
                                    ", which for time.Tick is never"
                                } else {
                                    ""
                                }
                            ),
                        )
                    };
                    Some(SourceFinding::new(&TICK_AFTER, verdict, at, subject, why))
                }
                "time.AfterFunc" if many => after_func(file, call, at, subject),
                _ => None,
            };
            if let Some(sf) = sf {
                out.push(sf);
            }
        }
    }
}

fn ticker(
    index: &PackageIndex,
    file: &GoFile,
    call: Node<'_>,
    at: crate::source::index::Loc,
    subject: String,
    modern: bool,
    version_note: &str,
) -> Option<SourceFinding> {
    let var = bound_name(file, call)?.to_string();
    let func = enclosing_function(call)?;
    let stopped = own(func.child_by_field_name("body")?, "call_expression")
        .iter()
        .any(|c| callee(file, *c) == format!("{var}.Stop"));
    if stopped {
        return None;
    }
    // Inside a goroutine that never ends, the ticker is referenced forever, whatever the version.
    let goroutine_forever = func.kind() == "func_literal"
        && func
            .parent()
            .and_then(|p| p.parent())
            .is_some_and(|g| g.kind() == "go_statement")
        && super::goroutine::endless_in(index, file, func.child_by_field_name("body")?).is_some();
    let (verdict, why) = if goroutine_forever {
        (
            Verdict::LeakRisk,
            format!(
                "`{var}` is never stopped and the goroutine that reads it never ends: the ticker fires for the life of the process"
            ),
        )
    } else if !modern {
        (
            Verdict::LeakRisk,
            format!(
                "`{var}` is never stopped, and before Go 1.23 an unstopped ticker is never collected ({version_note})"
            ),
        )
    } else {
        (
            Verdict::Heap,
            format!(
                "`{var}` is never stopped; since Go 1.23 an unreferenced ticker is collected anyway, but Stop releases it at once ({version_note})"
            ),
        )
    };
    let mut sf = SourceFinding::new(&TICKER, verdict, at, subject, why);
    sf.holder_name = Some(var);
    Some(sf)
}

fn after_func(
    file: &GoFile,
    call: Node<'_>,
    at: crate::source::index::Loc,
    subject: String,
) -> Option<SourceFinding> {
    let delay = args(call).first().map(|d| file.text_of(*d).to_string())?;
    // Kept (assigned or returned): whoever holds the *time.Timer can Stop it.
    let kept = bound_name(file, call).is_some()
        || call
            .parent()
            .and_then(|p| p.parent())
            .is_some_and(|g| g.kind() == "return_statement")
        || call
            .parent()
            .is_some_and(|p| p.kind() == "return_statement");
    let mut sf = if long_delay(&delay) && !kept {
        SourceFinding::new(
            &AFTER_FUNC,
            Verdict::LeakRisk,
            at,
            subject,
            format!(
                "each call schedules a callback {delay} ahead and keeps no handle to stop it: the callback and everything it captures stay alive until it fires, so calls faster than the delay pile up"
            ),
        )
    } else {
        let mut sf = SourceFinding::new(
            &AFTER_FUNC,
            Verdict::Retained,
            at,
            subject,
            format!("the callback and what it captures live until the timer fires ({delay})"),
        );
        sf.release = Some(Release {
            how: "released when the timer fires or is stopped".into(),
            site: None,
        });
        sf
    };
    sf.evidence.push(Evidence {
        note: format!("delay: {delay}"),
        site: None,
    });
    Some(sf)
}

/// A delay of a minute or more, as written (`time.Hour`, `10 * time.Minute`).
pub fn long_delay(expr: &str) -> bool {
    expr.contains("time.Hour") || expr.contains("time.Minute")
}
