//! EE0304: the forgotten sender. A goroutine sends on a channel made in the same function, but
//! the receiver can leave first (a `select` with a timeout or `ctx.Done()` case, an early
//! return): an unbuffered (or too small) channel then blocks the sender forever, and the
//! goroutine with everything it references is never freed.

use super::{Context, SourceFinding};
use crate::finding::{Evidence, Verdict};
use crate::rules::FORGOTTEN_SENDER as RULE;
use crate::source::PackageIndex;
use crate::source::index::{
    ChanOp, ChanRef, GoFact, Loc, LoopFact, LoopHeader, OpKind, VarId, VarType,
};

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
    let own: Vec<&ChanOp> = ops
        .iter()
        .copied()
        .filter(|o| matches!(o.kind, OpKind::Recv(_)) && o.function == Some(func))
        .collect();
    let anywhere = ops
        .iter()
        .filter(|o| matches!(o.kind, OpKind::Recv(_)) && within(&fn_loc, &o.loc))
        .count();
    if anywhere > own.len() {
        // Guard: another goroutine receives too (os/exec's status relay); the order between
        // goroutines is beyond a syntactic check.
        return None;
    }
    // The channel handed to a function of the package by a plain call (`return drain(ch)`):
    // that function receives in this function's time, and its receives count here, at the
    // call.
    let mut receives: Vec<&ChanOp> = own.clone();
    let mut received_at: Vec<usize> = own.iter().map(|r| r.loc.start).collect();
    let mut chans = vec![this.clone()];
    for call in ops.iter().filter(|o| o.function == Some(func)) {
        let OpKind::Arg(callee, i) = call.kind else {
            continue;
        };
        if let Some(g) = gos.iter().find(|g| within(&g.loc, &call.loc)) {
            // A sender that also hands it on sends there too; any other goroutine given the
            // channel may receive from it (Guard: the order between goroutines is beyond a
            // syntactic check).
            if senders.iter().any(|s| std::ptr::eq(*s, *g)) {
                continue;
            }
            return None;
        }
        let param = ChanRef::Var(index.param_var(callee, i)?);
        let theirs: Vec<&ChanOp> = index.ops_on(&param).map(|(_, o)| o).collect();
        // Guard: the callee hands it on again, or receives in a goroutine of its own: who
        // receives, and when, is out of sight.
        if theirs.iter().any(|o| {
            matches!(o.kind, OpKind::Pass | OpKind::Arg(..))
                || (matches!(o.kind, OpKind::Recv(_)) && o.function != Some(callee))
        }) {
            return None;
        }
        let before = receives.len();
        receives.extend(theirs.iter().filter(|o| matches!(o.kind, OpKind::Recv(_))));
        if receives.len() > before {
            received_at.push(call.loc.start);
            chans.push(param);
        }
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
                Early::Returned,
                "the channel is returned to the caller while the goroutine sends item after item with no way to give up, so a caller that stops reading early (a `break` out of its range, an error) stops receiving".to_string(),
                handed.first().map(|o| o.loc),
            ))
        } else if !handed.is_empty() {
            return None;
        } else {
            Some((
                Early::Nothing,
                format!(
                    "nothing receives from it: `{}` neither receives from `{ch}` nor hands it to code that could",
                    index.functions[func].name
                ),
                None,
            ))
        }
    } else if let Some(sel) = receives
        .iter()
        .filter_map(|r| r.case.map(|sc| (sc, &r.chan)))
        .find(|&((s, c), on)| leaves_by_another_case(index, s, c, on))
        .map(|(sc, _)| sc)
    {
        Some((
            Early::Select,
            "the receive is one case of a select, and another case (a timeout, ctx.Done()) can return first, before the send is received".to_string(),
            Some(index.select(sel.0).loc),
        ))
    } else if let Some(l) = leaving_range(index, &chans) {
        let whose = match l.function {
            Some(f) if f != func => format!(", in `{}`", index.functions[f].name),
            _ => String::new(),
        };
        Some((
            Early::Range,
            format!(
                "the range over it (line {}{whose}) can stop before every send is received (a `return` or `break` leaves it early)",
                l.loc.line
            ),
            Some(l.loc),
        ))
    } else {
        let first_recv = received_at.iter().copied().min()?;
        index
            .returns_of(func)
            .iter()
            // Guard: `return <-ch` receives; only a return that ends before the receive leaves.
            .find(|r| r.start > first_go.loc.end && r.end < first_recv)
            .map(|r| {
                (
                    Early::Return,
                    format!(
                        "the return at line {} can leave before the receive, so the send is never received",
                        r.line
                    ),
                    Some(*r),
                )
            })
    };
    let (shape, why, site) = early?;
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
            note: match shape {
                Early::Returned => "returned to the caller here".into(),
                Early::Range => "the range over the channel can stop here".into(),
                _ => "the receiver can leave here".into(),
            },
            site: Some(cx.site(index, &s)),
        });
    }
    Some(sf)
}

/// What the source shows of the receiver, which decides the words.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Early {
    /// Nothing receives, and the channel is not handed on.
    Nothing,
    /// Returned to a caller that can stop reading.
    Returned,
    /// The receive is a select case beside one that returns.
    Select,
    /// A range over the channel that a `return` or `break` leaves.
    Range,
    /// A `return` before the receive.
    Return,
}

/// The first `range` over one of the channels (the function's own, or a callee's parameter it
/// is passed as) that a `return` or `break` can leave before the channel is closed.
fn leaving_range<'i>(index: &'i PackageIndex, chans: &[ChanRef]) -> Option<&'i LoopFact> {
    chans.iter().find_map(|ch| {
        let f = index.ops_on(ch).find_map(|(_, o)| {
            matches!(o.kind, OpKind::Recv(_))
                .then_some(o.function)
                .flatten()
        })?;
        index
            .loops_of(f)
            .find(|l| l.exits && matches!(&l.header, LoopHeader::RangeChan(c, _) if c == ch))
    })
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

/// The receiver ranges over the channel: in a function it calls, or in its own code, and
/// the words say what it does.
#[cfg(test)]
mod range_tests {
    use crate::classify::{lines_of, source_findings};

    fn why_at(src: &str, line: u32) -> String {
        source_findings(src, Some(27))
            .into_iter()
            .find(|f| {
                f.code.as_str() == "EE0304" && f.position.as_ref().is_some_and(|p| p.line == line)
            })
            .map(|f| f.why)
            .unwrap_or_default()
    }

    const DRAIN: &str = "package p\n\nfunc drain(ch chan int) int {\n\ttotal := 0\n\tfor s := range ch {\n\t\ttotal += s\n\t}\n\treturn total\n}\n\nfunc Total(items []int) int {\n\tch := make(chan int)\n\tgo func() {\n\t\tfor _, it := range items {\n\t\t\tch <- it\n\t\t}\n\t\tclose(ch)\n\t}()\n\treturn drain(ch)\n}\n";

    /// `return drain(ch)`: the function it calls ranges over every value; nothing is left
    /// blocked, and nothing says "nothing receives".
    #[test]
    fn a_callee_that_ranges_receives() {
        assert_eq!(lines_of(DRAIN, "EE0304"), Vec::<u32>::new());
    }

    /// The callee's range returns early: the producer blocks on its next send, and the words
    /// name the range that stops, not an absent receive.
    #[test]
    fn a_callee_range_that_returns_early_strands_the_sender() {
        let src = DRAIN.replace(
            "\t\ttotal += s\n",
            "\t\tif s < 0 {\n\t\t\treturn s\n\t\t}\n\t\ttotal += s\n",
        );
        assert_eq!(lines_of(&src, "EE0304"), [16]);
        let why = why_at(&src, 16);
        assert!(
            why.contains(
                "the range over it (line 5, in `drain`) can stop before every send is received"
            ),
            "{why}"
        );
        assert!(!why.contains("nothing"), "{why}");
    }

    /// A range in the function itself that a `return` leaves: the senders still running block.
    #[test]
    fn an_own_range_that_returns_early_strands_the_senders() {
        let src = "package p\n\nfunc First(parts []int) int {\n\tch := make(chan int)\n\tfor _, p := range parts {\n\t\tgo func(p int) {\n\t\t\tch <- p\n\t\t}(p)\n\t}\n\tfor s := range ch {\n\t\tif s < 0 {\n\t\t\treturn s\n\t\t}\n\t}\n\treturn 0\n}\n";
        assert_eq!(lines_of(src, "EE0304"), [6]);
        assert!(why_at(src, 6).contains("the range over it (line 10) can stop"));
        // Trap: room for every send would need a bound; with the return gone the range
        // receives them all.
        let trap = src.replace("\t\tif s < 0 {\n\t\t\treturn s\n\t\t}\n", "\t\t_ = s\n");
        assert_eq!(lines_of(&trap, "EE0304"), Vec::<u32>::new());
    }

    /// `go consume(ch)`: another goroutine is given the channel; who receives first is beyond
    /// a syntactic check.
    #[test]
    fn a_channel_handed_to_another_goroutine_may_be_received_there() {
        let src = DRAIN.replace("\treturn drain(ch)\n", "\tgo drain(ch)\n\treturn 0\n");
        assert_eq!(lines_of(&src, "EE0304"), Vec::<u32>::new());
    }

    /// Nothing receives and nothing is handed on: the words say so, with the function.
    #[test]
    fn nothing_receives_names_the_function() {
        let src = "package p\n\nfunc Lost(f func() int) {\n\tch := make(chan int)\n\tgo func() {\n\t\tch <- f()\n\t}()\n}\n";
        assert!(
            why_at(src, 5).contains("nothing receives from it: `Lost` neither receives from `ch` nor hands it to code that could"),
            "{}",
            why_at(src, 5)
        );
    }
}
