//! EE0304: the forgotten sender. A goroutine sends on a channel made in the same function, but
//! the receiver can leave first (a `select` with a timeout or `ctx.Done()` case, an early
//! return): an unbuffered (or too small) channel then blocks the sender forever, and the
//! goroutine with everything it references is never freed.

use super::{Context, SourceFinding};
use crate::finding::{Evidence, Verdict};
use crate::rules::FORGOTTEN_SENDER as RULE;
use crate::source::PackageIndex;
use crate::source::index::{ChanOp, ChanRef, GoFact, Loc, OpKind, VarId, VarType};

pub fn check(cx: &Context<'_>, index: &PackageIndex, out: &mut Vec<SourceFinding>) {
    // Channels made in a function and bound to one of its variables.
    for make in index.chan_ops().iter().filter(|o| o.kind == OpKind::Make) {
        if let (ChanRef::Var(v), Some(f)) = (&make.chan, make.function)
            && let Some(sf) = channel(cx, index, *v, f, make)
        {
            out.push(sf);
        }
    }
}

fn channel(
    cx: &Context<'_>,
    index: &PackageIndex,
    v: VarId,
    func: usize,
    make: &ChanOp,
) -> Option<SourceFinding> {
    let var = &index.vars[v.0 as usize];
    let ch = var.name.clone();
    let capacity = match var.ty {
        VarType::Chan { capacity } => capacity,
        _ => None,
    };
    let this = ChanRef::Var(v);
    let ops: Vec<&ChanOp> = index.ops_on(&this).map(|(_, o)| o).collect();
    // Goroutines this function starts that send on the channel, not as one case of a select
    // that can take another.
    let gos: Vec<&GoFact> = index.goroutines_in(func).collect();
    let within = |outer: &Loc, inner: &Loc| {
        outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
    };
    let senders: Vec<&GoFact> = gos
        .iter()
        .copied()
        .filter(|g| {
            ops.iter().any(|o| {
                o.kind == OpKind::Send
                    && within(&g.loc, &o.loc)
                    // Guard: a send that is one case of a select can give up.
                    && o.case.is_none_or(|(s, _)| index.select(s).cases.len() < 2)
            })
        })
        .collect();
    let first_go = *senders.first()?;
    // Guard: a buffer with room for every send never blocks.
    let sends_bound = if senders.iter().any(|g| g.in_loop) {
        None
    } else {
        Some(senders.len() as u64)
    };
    // A capacity we cannot read (a variable): assume it was sized on purpose.
    let cap = capacity?;
    if sends_bound.is_some_and(|n| cap >= n) {
        return None;
    }
    let fn_loc = index.functions[func].loc;
    // Receives in this function's own code (`<-ch`, `range ch`, a select case), and anywhere in
    // it (its closures included).
    let receives: Vec<&ChanOp> = ops
        .iter()
        .copied()
        .filter(|o| matches!(o.kind, OpKind::Recv(_)) && o.function == Some(func))
        .collect();
    let anywhere = ops
        .iter()
        .filter(|o| matches!(o.kind, OpKind::Recv(_)) && within(&fn_loc, &o.loc))
        .count();
    if anywhere > receives.len() {
        // Guard: another goroutine receives too (os/exec's status relay); the order between
        // goroutines is beyond a syntactic check.
        return None;
    }
    let early = if receives.is_empty() {
        // Returned, passed on or stored in a field: someone else may receive.
        let handed: Vec<&ChanOp> = ops
            .iter()
            .copied()
            .filter(|o| {
                o.kind == OpKind::Pass
                    && o.function == Some(func)
                    && o.loc.start > make.loc.end
                    && !gos.iter().any(|g| within(&g.loc, &o.loc))
            })
            .collect();
        let returns = index.returns_of(func);
        let only_returned = !handed.is_empty()
            && handed
                .iter()
                .all(|o| returns.iter().any(|r| within(r, &o.loc)));
        // An iterator: the channel goes back to the caller, and the goroutine sends item
        // after item in a loop with no case that gives up. A caller that stops reading early
        // (a `break` out of its range, an error) leaves the sender blocked for good.
        let sends_in_loop = ops.iter().any(|o| {
            o.kind == OpKind::Send
                && o.case.is_none()
                && senders.iter().any(|g| within(&g.loc, &o.loc))
                && index.in_loop_at(o.loc.file, o.loc.start)
        });
        if only_returned && sends_in_loop {
            Some((
                "the channel is returned to the caller while the goroutine sends item after item with no way to give up, so a caller that stops reading early (a `break` out of its range, an error) stops receiving".to_string(),
                handed.first().map(|o| o.loc),
            ))
        } else if !handed.is_empty() {
            return None;
        } else {
            Some(("nothing in the function receives from it".to_string(), None))
        }
    } else if let Some(sel) = receives
        .iter()
        .filter_map(|r| r.case)
        .find(|&(s, c)| leaves_by_another_case(index, s, c, &this))
    {
        Some((
            "the receive is one case of a select, and another case (a timeout, ctx.Done()) returns without receiving".to_string(),
            Some(index.select(sel.0).loc),
        ))
    } else {
        let first_recv = receives.iter().map(|r| r.loc.start).min()?;
        index
            .returns_of(func)
            .iter()
            // Guard: `return <-ch` receives; only a return that ends before the receive leaves.
            .find(|r| r.start > first_go.loc.end && r.end < first_recv)
            .map(|r| {
                (
                    format!("the return at line {} leaves before the receive", r.line),
                    Some(*r),
                )
            })
    };
    let (why, site) = early?;
    let mut sf = SourceFinding::new(
        &RULE,
        Verdict::LeakRisk,
        first_go.loc,
        format!("{ch} <- ..."),
        format!(
            "the goroutine sends on `{ch}` ({}), and {why}: the sender blocks forever, and the goroutine and everything it references are never freed",
            if cap == 0 {
                "unbuffered".to_string()
            } else {
                format!("buffer of {cap}")
            }
        ),
    );
    sf.holder_name = Some(ch);
    sf.evidence.push(Evidence {
        note: "the channel is made here".into(),
        site: Some(cx.site(index, &make.loc)),
    });
    if let Some(s) = site {
        sf.evidence.push(Evidence {
            note: if why.starts_with("the channel is returned") {
                "returned to the caller here".into()
            } else {
                "the receiver can leave here".into()
            },
            site: Some(cx.site(index, &s)),
        });
    }
    Some(sf)
}

/// A select where a case other than the receive returns: the receiver can leave without
/// receiving. A select in a loop whose other cases do not return receives on a later turn (the
/// fuzzing coordinator's event loop).
fn leaves_by_another_case(index: &PackageIndex, s: usize, recv_case: usize, ch: &ChanRef) -> bool {
    index.select(s).cases.iter().enumerate().any(|(i, c)| {
        i != recv_case
            && c.returns
            && c.comm.is_none_or(|op| {
                let op = &index.chan_ops()[op];
                !(matches!(op.kind, OpKind::Recv(_)) && op.chan == *ch)
            })
    })
}

#[cfg(test)]
mod tests {
    use crate::classify::lines_of;

    fn ee0304(src: &str) -> Vec<u32> {
        lines_of(src, "EE0304")
    }

    const WORKERS: &str = "package p\n\nimport \"sync\"\n\nfunc SumAll(parts [][]int) int {\n\tch := make(chan int)\n\tvar wg sync.WaitGroup\n\tfor _, p := range parts {\n\t\twg.Add(1)\n\t\tgo func(p []int) {\n\t\t\tdefer wg.Done()\n\t\t\tch <- len(p)\n\t\t}(p)\n\t}\n\tgo func() {\n\t\twg.Wait()\n\t\tclose(ch)\n\t}()\n\ttotal := 0\n\tfor s := range ch {\n\t\ttotal += s\n\t}\n\treturn total\n}\n";

    /// `for v := range ch` receives every send: no forgotten sender.
    #[test]
    fn a_range_receives() {
        assert_eq!(ee0304(WORKERS), Vec::<u32>::new());
    }

    /// The receiver leaves by another case of its select (a timeout): the senders still
    /// running block forever.
    #[test]
    fn a_select_with_a_way_out_strands_the_senders() {
        let src = "package p\n\nimport \"time\"\n\nfunc SumWithin(parts [][]int, d time.Duration) (int, bool) {\n\tch := make(chan int)\n\tfor _, p := range parts {\n\t\tgo func(p []int) {\n\t\t\tch <- len(p)\n\t\t}(p)\n\t}\n\ttotal := 0\n\ttimeout := time.After(d)\n\tfor range parts {\n\t\tselect {\n\t\tcase s := <-ch:\n\t\t\ttotal += s\n\t\tcase <-timeout:\n\t\t\treturn total, false\n\t\t}\n\t}\n\treturn total, true\n}\n";
        assert_eq!(ee0304(src), [8]);
        // Trap: the sender's own select has a way out (default).
        let trap = src.replace(
            "\t\t\tch <- len(p)\n",
            "\t\t\tselect {\n\t\t\tcase ch <- len(p):\n\t\t\tdefault:\n\t\t\t}\n",
        );
        assert_eq!(ee0304(&trap), Vec::<u32>::new());
        // Trap: room for every send (one goroutine, a buffer of one).
        let one = "package p\n\nimport \"time\"\n\nfunc Fetch(f func() int) int {\n\tch := make(chan int, 1)\n\tgo func() {\n\t\tch <- f()\n\t}()\n\tselect {\n\tcase v := <-ch:\n\t\treturn v\n\tcase <-time.After(time.Second):\n\t\treturn 0\n\t}\n}\n";
        assert_eq!(ee0304(one), Vec::<u32>::new());
        assert_eq!(
            ee0304(&one.replace("make(chan int, 1)", "make(chan int)")),
            [7]
        );
    }

    /// Two functions' channels called `ch`: a receive of one is not a receive of the other.
    #[test]
    fn receives_count_for_their_own_channel() {
        let src = "package p\n\nfunc Lost(f func() int) {\n\tch := make(chan int)\n\tgo func() {\n\t\tch <- f()\n\t}()\n}\n\nfunc Other() int {\n\tch := make(chan int, 1)\n\tch <- 1\n\treturn <-ch\n}\n";
        assert_eq!(ee0304(src), [5]);
    }
}

#[cfg(test)]
mod review_tests {
    use crate::classify::lines_of;

    fn ee0304(src: &str) -> Vec<u32> {
        lines_of(src, "EE0304")
    }

    /// A backward `goto` from a timeout case retries the select: no case returns.
    #[test]
    fn a_goto_is_not_a_return() {
        let src = "package p\n\nimport \"time\"\n\nfunc Wait(f func() int, t *time.Timer, d time.Duration) int {\n\tch := make(chan int)\n\tgo func() { ch <- f() }()\nwait:\n\tselect {\n\tcase v := <-ch:\n\t\treturn v\n\tcase <-t.C:\n\t\tt.Reset(d)\n\t\tgoto wait\n\t}\n}\n";
        assert_eq!(ee0304(src), Vec::<u32>::new());
    }

    /// A named result returned by a bare `return` goes to the caller, who receives from it.
    #[test]
    fn a_bare_return_hands_on_the_named_results() {
        let src = "package p\n\nfunc Start(f func() int) (out chan int) {\n\tout = make(chan int)\n\tgo func() { out <- f() }()\n\treturn\n}\n";
        assert_eq!(ee0304(src), Vec::<u32>::new());
    }
}
