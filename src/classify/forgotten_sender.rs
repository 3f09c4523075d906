//! EE0304: the forgotten sender. A goroutine sends on a channel made in the same function, but
//! the receiver can leave first (a `select` with a timeout or `ctx.Done()` case, an early
//! return): an unbuffered (or too small) channel then blocks the sender forever, and the
//! goroutine with everything it references is never freed.

use tree_sitter::Node;

use super::syntax::{ancestor, args, mentions, own, visit};
use super::{Context, SourceFinding};
use crate::finding::{Evidence, Verdict};
use crate::rules::FORGOTTEN_SENDER as RULE;
use crate::source::{GoFile, PackageIndex};

pub fn check(cx: &Context<'_>, index: &PackageIndex, out: &mut Vec<SourceFinding>) {
    // Channels made and used within one function: the index's files are all it needs.
    for (f, file) in index.files.iter().enumerate() {
        for mk in index.chan_makes(f) {
            if let Some(sf) = channel(cx, f, file, mk) {
                out.push(sf);
            }
        }
    }
}

fn channel(cx: &Context<'_>, f: usize, file: &GoFile, mk: Node<'_>) -> Option<SourceFinding> {
    let ch = super::syntax::bound_name(file, mk)?.to_string();
    let func = super::syntax::enclosing_function(mk)?;
    let body = func.child_by_field_name("body")?;
    let capacity: Option<u64> = match args(mk).get(1) {
        None => Some(0),
        Some(n) => file.text_of(*n).trim().parse().ok(),
    };
    // Goroutines of this function that send on ch, not guarded by a select.
    let mut senders = Vec::new();
    for go in own(body, "go_statement") {
        let sends: Vec<Node<'_>> = {
            let mut v = Vec::new();
            visit(go, &mut |n| {
                if n.kind() == "send_statement"
                    && n.child_by_field_name("channel").map(|c| file.text_of(c))
                        == Some(ch.as_str())
                {
                    v.push(n);
                }
                true
            });
            v
        };
        let unguarded = sends.iter().any(|s| {
            // Guard: a send inside a select with a default or another case can give up.
            ancestor(*s, &["select_statement"]).is_none_or(|sel| cases(sel) < 2)
        });
        if unguarded {
            let in_loop = ancestor(go, &["for_statement"]).is_some();
            senders.push((go, in_loop));
        }
    }
    let (first_go, _) = *senders.first()?;
    // Guard: a buffer with room for every send never blocks.
    let sends_bound = if senders.iter().any(|(_, l)| *l) {
        None
    } else {
        Some(senders.len() as u64)
    };
    // A capacity we cannot read (a variable): assume it was sized on purpose.
    let cap = capacity?;
    if sends_bound.is_some_and(|n| cap >= n) {
        return None;
    }
    // Receives of ch in this function's own code, and anywhere in it (closures included).
    let is_recv = |u: &Node<'_>| {
        file.text_of(*u).starts_with("<-")
            && u.child_by_field_name("operand").map(|o| file.text_of(o)) == Some(ch.as_str())
    };
    let receives: Vec<Node<'_>> = own(body, "unary_expression")
        .into_iter()
        .filter(is_recv)
        .collect();
    let mut anywhere = 0;
    visit(body, &mut |n| {
        if n.kind() == "unary_expression" && is_recv(&n) {
            anywhere += 1;
        }
        true
    });
    if anywhere > receives.len() {
        // Guard: another goroutine receives too (os/exec's status relay); the order between
        // goroutines is beyond a syntactic check.
        return None;
    }
    let early = if receives.is_empty() {
        // Returned, passed on or stored in a field: someone else may receive.
        let handed_on = own(body, "return_statement")
            .iter()
            .chain(own(body, "call_expression").iter())
            .chain(own(body, "assignment_statement").iter())
            .chain(own(body, "keyed_element").iter())
            .any(|n| {
                n.start_byte() > mk.end_byte()
                    && mentions(file.text_of(*n), &ch)
                    && ancestor(*n, &["go_statement"]).is_none()
            });
        if handed_on {
            return None;
        }
        Some(("nothing in the function receives from it".to_string(), None))
    } else if let Some(sel) = receives
        .iter()
        .filter_map(|r| ancestor(*r, &["select_statement"]))
        .find(|s| leaves_by_another_case(*s, &ch, file))
    {
        Some((
            "the receive is one case of a select, and another case (a timeout, ctx.Done()) returns without receiving".to_string(),
            Some(sel),
        ))
    } else {
        let first_recv = receives.iter().map(|r| r.start_byte()).min()?;
        own(body, "return_statement")
            .into_iter()
            // Guard: `return <-ch` receives; only a return that ends before the receive leaves.
            .find(|r| r.start_byte() > first_go.end_byte() && r.end_byte() < first_recv)
            .map(|r| {
                (
                    format!(
                        "the return at line {} leaves before the receive",
                        r.start_position().row + 1
                    ),
                    Some(r),
                )
            })
    };
    let (why, site) = early?;
    let mut sf = SourceFinding::new(
        &RULE,
        Verdict::LeakRisk,
        cx.loc_of(f, first_go),
        format!("{ch} <- ..."),
        format!(
            "the goroutine sends on `{ch}` ({}), and {why}: the sender blocks forever, and the goroutine and everything it references are never freed",
            if capacity == Some(0) {
                "unbuffered".to_string()
            } else {
                format!("buffer of {}", capacity.unwrap_or(0))
            }
        ),
    );
    sf.holder_name = Some(ch);
    sf.evidence.push(Evidence {
        note: "the channel is made here".into(),
        site: Some(cx.site_in(file, &cx.loc_in(file, mk))),
    });
    if let Some(s) = site {
        sf.evidence.push(Evidence {
            note: "the receiver can leave here".into(),
            site: Some(cx.site_in(file, &cx.loc_in(file, s))),
        });
    }
    Some(sf)
}

/// A select where a case other than the receive of `ch` returns: the receiver can leave without
/// receiving. A select in a loop whose other cases do not return receives on a later turn (the
/// fuzzing coordinator's event loop).
fn leaves_by_another_case(select: Node<'_>, ch: &str, file: &GoFile) -> bool {
    let mut c = select.walk();
    select
        .named_children(&mut c)
        .filter(|n| matches!(n.kind(), "communication_case" | "default_case"))
        .filter(|case| {
            case.child_by_field_name("communication")
                .is_none_or(|comm| {
                    !mentions(file.text_of(comm), &format!("<-{ch}"))
                        && !file.text_of(comm).contains(&format!("<-{ch}"))
                })
        })
        .any(|case| !own(case, "return_statement").is_empty())
}

/// Cases of a select, the default included.
fn cases(select: Node<'_>) -> usize {
    let mut c = select.walk();
    select
        .named_children(&mut c)
        .filter(|n| matches!(n.kind(), "communication_case" | "default_case"))
        .count()
}
