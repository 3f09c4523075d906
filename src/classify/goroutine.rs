//! EE0303: a goroutine that never ends. A `go` statement whose function has no way out (an
//! endless `for` with no return or break, no `ctx.Done()` or done-channel case, a `range` over a
//! channel nothing closes) keeps its stack and everything it captures for the life of the
//! process. Started from code that runs many times, one more is left behind on every call.

use super::{Context, SourceFinding};
use crate::finding::{Evidence, Release, Verdict};
use crate::rules::GOROUTINE as RULE;
use crate::source::PackageIndex;
use crate::source::index::{ChanRef, GoFact, LoopFact, LoopHeader};

/// The function a goroutine runs and the first loop in it that nothing can end.
pub fn endless<'i>(index: &'i PackageIndex, go: &GoFact) -> Option<(usize, &'i LoopFact)> {
    let target = go.target?;
    index.endless_loop(target).map(|l| (target, l))
}

pub fn check(cx: &Context<'_>, index: &PackageIndex, out: &mut Vec<SourceFinding>) {
    for go in index.goroutines() {
        // The loop with no way out: in this package, or in another package of the module.
        let (loop_site, foreign, ranged) = match (endless(index, go), &go.foreign_endless) {
            (Some((_, l)), _) => (
                cx.site(index, &l.loc),
                None,
                match &l.header {
                    LoopHeader::RangeChan(c, text) => Some((text.as_str(), *c == ChanRef::Timer)),
                    _ => None,
                },
            ),
            (None, Some((name, at))) => (cx.site_ref(at), Some(name), None),
            (None, None) => continue,
        };
        let bounded = index.starts_bounded(go);
        let once = bounded.is_some();
        let (verdict, release) = if let Some(how) = bounded {
            (Verdict::Retained, Some(Release { how, site: None }))
        } else {
            (Verdict::LeakRisk, None)
        };
        let mut sf = SourceFinding::new(
            &RULE,
            verdict,
            go.loc,
            go.subject.clone(),
            match ranged {
                // A timer's or ticker's channel: the runtime never closes it, Stop included.
                Some((ch, true)) => format!(
                    "the goroutine ranges over `{ch}`, a timer's channel, which the runtime never closes (Stop does not close it either), so the range never ends: its stack and everything it captures stay reachable for the life of the process"
                ),
                // It does range over a channel: what is missing is a close.
                Some((ch, false)) => format!(
                    "the goroutine ranges over `{ch}`, and nothing in the package closes `{ch}`, so the range never ends: its stack and everything it captures stay reachable for the life of the process"
                ),
                None => "the goroutine loops forever with no way out, so its stack and everything it captures stay reachable for the life of the process".into(),
            },
        );
        sf.release = release;
        // The allocations it keeps name the same holder: one finding per goroutine.
        sf.holder_name = Some(format!("the goroutine started at line {}", go.loc.line));
        sf.evidence.push(Evidence {
            note: match foreign {
                Some(name) => format!(
                    "`{name}` (another package of the module) loops with no return, break, ctx.Done() or closed-channel exit"
                ),
                None => match ranged {
                    Some((ch, true)) => format!(
                        "this range over `{ch}` never ends: a timer's channel is never closed, and the loop has no return or break"
                    ),
                    Some((ch, false)) => format!(
                        "this range ends only when `{ch}` is closed, and nothing closes it; it has no return or break"
                    ),
                    None => "this loop has no return, break, ctx.Done() or closed-channel exit".into(),
                },
            },
            site: Some(loop_site),
        });
        if let Some(&wrapper) = go.via.first() {
            sf.evidence.push(Evidence {
                note: format!(
                    "started through {}, which only calls the function that loops",
                    index.function_words(wrapper)
                ),
                site: None,
            });
        }
        let keeps = super::goroutine_holder::kept(index, go);
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
                note:
                    "started from a function that can run many times: one more goroutine per call"
                        .into(),
                site: None,
            });
        }
        out.push(sf);
    }
}

#[cfg(test)]
mod tests {
    use crate::classify::{codes_at, lines_of, source_findings};

    fn ee0303(src: &str) -> Vec<u32> {
        lines_of(src, "EE0303")
    }

    /// Two variables called `ch` in two functions are two channels: closing one does not end
    /// the goroutine that ranges over the other.
    #[test]
    fn a_close_of_another_functions_channel_ends_nothing() {
        let src = "package p\n\nfunc Leak(use func(int)) {\n\tch := make(chan int)\n\tgo func() {\n\t\tfor v := range ch {\n\t\t\tuse(v)\n\t\t}\n\t}()\n\tch <- 1\n}\n\nfunc other() {\n\tch := make(chan int)\n\tclose(ch)\n}\n";
        assert_eq!(ee0303(src), [5]);
        // Trap: closing its own channel ends the loop.
        let trap = src.replace("\tch <- 1\n}", "\tch <- 1\n\tclose(ch)\n}");
        assert_eq!(ee0303(&trap), Vec::<u32>::new());
    }

    /// A range over an int or a slice ends, whatever channel elsewhere shares its name.
    #[test]
    fn an_int_or_a_slice_is_not_a_channel() {
        let src = "package p\n\nfunc Count(n int, use func(int)) {\n\tgo func() {\n\t\tfor i := range n {\n\t\t\tuse(i)\n\t\t}\n\t}()\n}\n\nfunc Drain(items []int, use func(int)) {\n\tgo func() {\n\t\tfor _, v := range items {\n\t\t\tuse(v)\n\t\t}\n\t}()\n}\n\nfunc Feed(use func(int)) {\n\tn := make(chan int)\n\titems := n\n\tgo func() {\n\t\tfor v := range items {\n\t\t\tuse(v)\n\t\t}\n\t}()\n\tn <- 1\n}\n";
        assert_eq!(
            ee0303(src),
            Vec::<u32>::new(),
            "items is handed n: unknown, not endless"
        );
        let leak = "package p\n\nfunc Count(n int, use func(int)) {\n\tgo func() {\n\t\tfor i := range n {\n\t\t\tuse(i)\n\t\t}\n\t}()\n}\n\nfunc Feed(use func(int)) {\n\tn := make(chan int)\n\tgo func() {\n\t\tfor v := range n {\n\t\t\tuse(v)\n\t\t}\n\t}()\n\tn <- 1\n}\n";
        assert_eq!(ee0303(leak), [13]);
    }

    /// `go s.loop()` runs the method of `s`'s type, when several types have a `loop`.
    #[test]
    fn a_method_value_runs_its_receivers_method() {
        let src = "package p\n\nimport \"time\"\n\ntype Ring[T any] struct {\n\tin   chan T\n\tstop chan struct{}\n}\n\nfunc (r *Ring[T]) loop() {\n\tfor {\n\t\tselect {\n\t\tcase <-r.in:\n\t\tcase <-r.stop:\n\t\t\treturn\n\t\t}\n\t}\n}\n\nfunc (r *Ring[T]) Close() { close(r.stop) }\n\ntype Spinner struct{ n int }\n\nfunc (s *Spinner) loop() {\n\tfor {\n\t\ts.n++\n\t\ttime.Sleep(time.Second)\n\t}\n}\n\nfunc NewRing[T any]() *Ring[T] {\n\tr := &Ring[T]{in: make(chan T), stop: make(chan struct{})}\n\tgo r.loop()\n\treturn r\n}\n\nfunc Spin() *Spinner {\n\ts := &Spinner{}\n\tgo s.loop()\n\treturn s\n}\n";
        let all = codes_at(&source_findings(src, Some(27)));
        assert!(all.contains(&("EE0303".into(), 39, "leak-risk")), "{all:?}");
        assert!(all.contains(&("EE0309".into(), 33, "retained")), "{all:?}");
        assert!(
            !all.iter().any(|(c, l, _)| c == "EE0303" && *l == 33),
            "{all:?}"
        );
    }

    /// A local variable bound to a func literal, and a function that only calls another, run
    /// what they are bound to or call.
    #[test]
    fn local_function_variables_and_wrappers_are_followed() {
        let src = "package p\n\nimport \"time\"\n\nfunc loopForever(tick func()) {\n\tfor {\n\t\ttick()\n\t}\n}\n\nfunc watch(tick func()) { loopForever(tick) }\n\nfunc tickOnce(tick func()) { tick() }\n\nfunc StartWatch(tick func()) {\n\tgo watch(tick)\n}\n\nfunc StartOnce(tick func()) {\n\tgo tickOnce(tick)\n}\n\nfunc StartLocal(poll func()) {\n\tloop := func() {\n\t\tfor {\n\t\t\tpoll()\n\t\t\ttime.Sleep(time.Second)\n\t\t}\n\t}\n\tgo loop()\n}\n";
        assert_eq!(ee0303(src), [16, 30]);
    }

    /// A goroutine started once, from `main` or `init`, is one goroutine for the process.
    #[test]
    fn started_once_is_retained() {
        let src = "package main\n\nimport \"time\"\n\nfunc main() {\n\tgo func() {\n\t\tfor {\n\t\t\ttime.Sleep(time.Second)\n\t\t}\n\t}()\n}\n";
        assert_eq!(
            codes_at(&source_findings(src, Some(27))),
            [("EE0303".to_string(), 6, "retained")]
        );
    }
}

/// The shapes a hostile review of the model found, each a goroutine that ends (or one that does
/// not) where a name-based or depth-capped answer was wrong.
#[cfg(test)]
mod review_tests {
    use crate::classify::{codes_at, lines_of, source_findings};

    fn ee0303(src: &str) -> Vec<u32> {
        lines_of(src, "EE0303")
    }

    /// A package-level channel nothing closes, passed down six levels of calls to the function
    /// that ranges over it: a leak, however deep the chain.
    #[test]
    fn a_chain_of_calls_is_followed_to_the_end() {
        let mut src = String::from(
            "package p\n\nvar g = make(chan int)\n\nfunc f0(ch chan int) {\n\tfor v := range ch {\n\t\t_ = v\n\t}\n}\n",
        );
        for k in 1..=6 {
            src.push_str(&format!(
                "\nfunc f{k}(ch chan int, n int) {{\n\tif n == 0 {{\n\t\tf{}(ch, n)\n\t}}\n\tif n == 1 {{\n\t\tf{}(ch, n)\n\t}}\n}}\n",
                k - 1,
                k - 1
            ));
        }
        src = src.replace("\t\tf0(ch, n)\n", "\t\tgo f0(ch)\n");
        src.push_str("\nfunc Start() { f6(g, 1) }\n");
        assert_eq!(ee0303(&src).len(), 2, "{src}");
    }

    /// A local channel handed to `go worker(ch)` is the worker's parameter: nothing closes it.
    /// Closed by the caller, or by the worker, it ends.
    #[test]
    fn a_channel_passed_to_a_worker_is_followed() {
        let src = "package p\n\nfunc worker(ch chan int, use func(int)) {\n\tfor v := range ch {\n\t\tuse(v)\n\t}\n}\n\nfunc Run(use func(int)) {\n\tch := make(chan int)\n\tgo worker(ch, use)\n\tch <- 1\n}\n";
        assert_eq!(ee0303(src), [11]);
        assert_eq!(
            ee0303(&src.replace("\tch <- 1\n}", "\tch <- 1\n\tclose(ch)\n}")),
            Vec::<u32>::new()
        );
    }

    /// `chs ...chan int` is a slice: ranging over it ends.
    #[test]
    fn a_variadic_parameter_is_a_slice() {
        let src = "package p\n\nvar jobs = make(chan int)\n\nfunc merge(chs ...chan int) {\n\tfor _, c := range chs {\n\t\t_ = c\n\t}\n}\n\nfunc Start() { go merge(jobs) }\n";
        assert_eq!(ee0303(src), Vec::<u32>::new());
    }

    /// A field given a channel the caller made, and a package-level channel handed out, are
    /// closed by their owner.
    #[test]
    fn channels_made_elsewhere_are_their_makers_to_close() {
        let field = "package p\n\ntype Worker struct {\n\tjobs <-chan int\n\tn    int\n}\n\nfunc NewWorker(jobs <-chan int) *Worker {\n\tw := &Worker{jobs: jobs}\n\tgo w.run()\n\treturn w\n}\n\nfunc (w *Worker) run() {\n\tfor j := range w.jobs {\n\t\tw.n += j\n\t}\n}\n";
        assert_eq!(ee0303(field), Vec::<u32>::new());
        let made_here = field.replace("&Worker{jobs: jobs}", "&Worker{jobs: make(chan int)}");
        assert_eq!(ee0303(&made_here), [10]);
        let global = "package p\n\nvar in = make(chan int)\n\nfunc In() chan int { return in }\n\nfunc Start(use func(int)) {\n\tgo func() {\n\t\tfor v := range in {\n\t\t\tuse(v)\n\t\t}\n\t}()\n}\n";
        assert_eq!(ee0303(global), Vec::<u32>::new());
    }

    /// `out, n := ...` in a function's body assigns its named result `out`, which the caller
    /// gets.
    #[test]
    fn the_body_shares_the_scope_of_the_results() {
        let src = "package p\n\nfunc Gen(xs []int, use func(int)) (out chan int) {\n\tout, n := make(chan int), len(xs)\n\tgo func() {\n\t\tfor v := range out {\n\t\t\tuse(v + n)\n\t\t}\n\t}()\n\treturn\n}\n";
        assert_eq!(ee0303(src), Vec::<u32>::new());
    }

    /// `break outer` leaves the inner loop too.
    #[test]
    fn a_labeled_break_leaves_every_loop_inside_its_target() {
        let src = "package p\n\nfunc Run(stop chan struct{}, in chan int, use func(int)) {\n\tgo func() {\n\touter:\n\t\tfor round := 0; round < 3; round++ {\n\t\t\tfor {\n\t\t\t\tselect {\n\t\t\t\tcase <-stop:\n\t\t\t\t\tbreak outer\n\t\t\t\tcase v := <-in:\n\t\t\t\t\tuse(v)\n\t\t\t\t}\n\t\t\t}\n\t\t}\n\t}()\n}\n";
        assert_eq!(ee0303(src), Vec::<u32>::new());
    }

    /// A struct literal's keys are field names: `event{r: p.fd}` does not capture a variable `r`.
    #[test]
    fn struct_keys_are_not_variables() {
        let src = "package p\n\nimport \"runtime\"\n\ntype R struct{ fd int }\ntype event struct{ r int }\n\nfunc report(event) {}\n\nfunc New() *R {\n\tr := &R{}\n\truntime.SetFinalizer(r, func(p *R) { report(event{r: p.fd}) })\n\treturn r\n}\n";
        assert_eq!(codes_at(&source_findings(src, Some(27))), []);
    }
}

#[cfg(test)]
mod variadic_tests {
    use crate::classify::{codes_at, source_findings};

    /// A channel passed in a variadic `...any` is stored in a slice the callee keeps: whoever
    /// reads it may close it.
    #[test]
    fn a_channel_in_variadic_arguments_is_handed_on() {
        let src = "package p\n\ntype Bus struct{ args [][]any }\n\nfunc (b *Bus) Publish(topic string, args ...any) { b.args = append(b.args, args) }\n\nfunc Use(b *Bus) {\n\tresults := make(chan int)\n\tb.Publish(\"t\", 1, results)\n\tgo func() {\n\t\tfor range results {\n\t\t}\n\t}()\n}\n";
        let found = codes_at(&source_findings(src, Some(27)));
        assert!(!found.iter().any(|(c, ..)| c == "EE0303"), "{found:?}");
    }
}

/// The words fit the loop: a goroutine that already ranges over a channel is told what is
/// missing (a close of that channel), not to range over one.
#[cfg(test)]
mod words_tests {
    use crate::classify::source_findings;

    #[test]
    fn a_range_over_a_channel_nothing_closes_names_the_channel() {
        let src = "package p\n\nfunc Start(use func(int)) {\n\tjobs := make(chan int)\n\tgo func() {\n\t\tfor j := range jobs {\n\t\t\tuse(j)\n\t\t}\n\t}()\n\tjobs <- 0\n}\n";
        let f = source_findings(src, Some(27))
            .into_iter()
            .find(|f| f.code.as_str() == "EE0303")
            .expect("EE0303");
        assert!(
            f.why.starts_with(
                "the goroutine ranges over `jobs`, and nothing in the package closes `jobs`, so the range never ends"
            ),
            "{}",
            f.why
        );
        assert_eq!(
            f.evidence[0].note,
            "this range ends only when `jobs` is closed, and nothing closes it; it has no return or break"
        );
        let fix = f.fix.unwrap_or_default();
        assert!(
            fix.contains("close that channel where its sender finishes"),
            "{fix}"
        );
        // An endless `for` keeps the plain words.
        let plain = src.replace(
            "for j := range jobs {\n\t\t\tuse(j)",
            "for {\n\t\t\tuse(<-jobs)",
        );
        let f = source_findings(&plain, Some(27))
            .into_iter()
            .find(|f| f.code.as_str() == "EE0303")
            .expect("EE0303");
        assert!(
            f.why
                .starts_with("the goroutine loops forever with no way out"),
            "{}",
            f.why
        );
    }
}
