//! EE0309: what a long-running goroutine keeps. A goroutine is a holder: while it runs, its
//! stack and everything its function captures (often the whole cache or server it works for)
//! stay reachable. A service loop with a way out (a `ctx.Done()` case, a stop channel that
//! `Close` closes, a finalizer that signals it) keeps them until that happens: `retained`, with
//! the release named. A loop with no way out is EE0303.

use super::{Context, SourceFinding};
use crate::finding::{Evidence, Release, Verdict};
use crate::rules::GOROUTINE_HOLDER as RULE;
use crate::source::PackageIndex;
use crate::source::index::{Callee, ChanRef, Closed, GoFact, Loc, OpKind};

/// A `go` statement whose function runs a service loop (`for { select { ... } }`) that can
/// end: what it keeps, and what ends it.
pub fn check(cx: &Context<'_>, index: &PackageIndex, out: &mut Vec<SourceFinding>) {
    for go in index.goroutines() {
        let Some(target) = go.target else { continue };
        // Guard: a goroutine with no loop does its work and returns; it holds what it
        // captures only for that long.
        let Some(service) = index.service_loop(target) else {
            continue;
        };
        // A loop with no way out is EE0303's.
        if index.endless_loop(target).is_some() {
            continue;
        }
        let keeps = kept(index, go);
        // Guard: a loop that captures nothing keeps only its own stack.
        if keeps.is_empty() {
            continue;
        }
        let stop = index
            .stop_channel(service)
            .map(|(ch, text, close_only)| who_stops(index, ch, text, close_only, service.loc.file));
        let keeps_words = keeps
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let them = if keeps.len() == 1 { "it" } else { "them" };
        if let Some(Stop {
            unsignalled: Some(text),
            ..
        }) = &stop
        {
            // The way out waits on a channel nothing sends on or closes: not bounded by it.
            let bounded = index.starts_bounded(go);
            let mut sf = SourceFinding::new(
                &RULE,
                if bounded.is_some() {
                    Verdict::Retained
                } else {
                    Verdict::LeakRisk
                },
                go.loc,
                go.subject.clone(),
                format!(
                    "the goroutine keeps {keeps_words} reachable while it runs, and its loop returns only when it receives from `{text}`, which nothing in the package sends on or closes: it runs, and keeps {them}, for as long as the process does"
                ),
            );
            sf.holder_name = Some(format!("the goroutine started at line {}", go.loc.line));
            sf.release = bounded.map(|how| Release { how, site: None });
            sf.evidence.push(Evidence {
                note: format!("keeps {keeps_words} while it runs"),
                site: None,
            });
            sf.evidence.push(Evidence {
                note: format!(
                    "its loop returns when it receives from `{text}`, and nothing sends on or closes `{text}`"
                ),
                site: Some(cx.site(index, &service.loc)),
            });
            out.push(sf);
            continue;
        }
        let until = stop
            .as_ref()
            .map(|s| s.how.clone())
            .unwrap_or_else(|| "until its loop returns".to_string());
        let mut sf = SourceFinding::new(
            &RULE,
            Verdict::Retained,
            go.loc,
            go.subject.clone(),
            format!(
                "the goroutine keeps {keeps_words} reachable while it runs, {until}: everything reachable from {them} lives at least that long, whatever the escape analysis said"
            ),
        );
        sf.holder_name = Some(format!("the goroutine started at line {}", go.loc.line));
        let note = stop.as_ref().and_then(|s| s.note.clone());
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
            site: Some(cx.site(index, &service.loc)),
        });
        if let Some(note) = note {
            sf.evidence.push(Evidence { note, site: None });
        }
        out.push(sf);
    }
}

/// What a `go` statement's function keeps: a method value's receiver (`go c.janitor()` keeps
/// `c`), the call's arguments, and the variables of the enclosing functions a closure refers
/// to.
pub fn kept(index: &PackageIndex, go: &GoFact) -> Vec<String> {
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
    if let Some(r) = &go.receiver {
        add(r);
    }
    for a in &go.args {
        add(a);
    }
    let closure = match go.callee {
        Callee::Closure(c) => Some(c),
        // `f := func() {...}; go f()`: the closure the variable is bound to.
        _ => go
            .target
            .filter(|&t| index.functions[t].kind == crate::source::index::FunctionKind::Closure),
    };
    if let Some(c) = closure {
        for v in index.captures_of(c) {
            add(&v.name);
        }
    }
    out
}

/// What a goroutine that keeps values does to them: `Some(None)` when nothing ends it (EE0303's
/// endless loop), `Some(Some((how, where)))` when a service loop can end (EE0309), `None` when
/// it does its work and returns.
pub fn lifetime(index: &PackageIndex, go: &GoFact) -> Option<Option<(String, Option<Loc>)>> {
    let target = go.target?;
    if index.endless_loop(target).is_some() {
        return Some(None);
    }
    let service = index.service_loop(target)?;
    let stop = index
        .stop_channel(service)
        .map(|(ch, text, close_only)| who_stops(index, ch, text, close_only, service.loc.file));
    Some(Some(match stop {
        // Guard: a way out nothing signals bounds nothing; the goroutine's own finding (EE0309,
        // a leak risk) says so, and the values it keeps are left to the other rules.
        Some(Stop {
            unsignalled: Some(_),
            ..
        }) => return None,
        Some(s) => (s.how, s.site),
        None => ("until its loop returns".to_string(), None),
    }))
}

/// How a service loop ends, in words, and where that is done.
struct Stop {
    how: String,
    site: Option<Loc>,
    /// What else the reader should know of that end (a timer's channel).
    note: Option<String>,
    /// The channel as written, when nothing sends on it or closes it: the loop does not end
    /// that way.
    unsignalled: Option<String>,
}

impl Stop {
    fn by(how: String, site: Option<Loc>) -> Stop {
        Stop {
            how,
            site,
            note: None,
            unsignalled: None,
        }
    }
}

/// Who ends a loop that waits on a channel: a context's cancel, or the function that closes or
/// sends on that channel (a Close method, a finalizer).
fn who_stops(
    index: &PackageIndex,
    ch: &ChanRef,
    text: &str,
    close_only: bool,
    prefer: usize,
) -> Stop {
    if let ChanRef::Done(ctx) = ch {
        return Stop::by(format!("until `{ctx}` is cancelled or times out"), None);
    }
    if let Some(op) = index.stopper(ch, prefer, close_only) {
        let verb = if op.kind == OpKind::Send {
            "sends on"
        } else {
            "closes"
        };
        let by = op
            .function
            .map(|i| describe_stopper(index, i))
            .unwrap_or_else(|| "a package-level initializer".to_string());
        return Stop::by(format!("until {by} {verb} `{text}`"), Some(op.loc));
    }
    if let Some(pass) = index.handed_on(ch) {
        return Stop::by(
            format!(
                "until `{text}` is closed by the code it is handed to (it leaves the package at line {})",
                pass.loc.line
            ),
            Some(pass.loc),
        );
    }
    match ch {
        ChanRef::Other => Stop::by(
            format!("until the channel that `{text}` returns is closed"),
            None,
        ),
        // Only the runtime sends on a timer's channel, once when a timer fires (at each tick for
        // a ticker), and nothing closes it: the firing is what ends the wait.
        ChanRef::Timer => Stop {
            how: format!("until `{text}` fires, once its delay has passed"),
            site: None,
            note: Some(format!(
                "only the timer sends on `{text}`, and nothing closes it: a timer stopped before it fires never ends this wait"
            )),
            unsignalled: None,
        },
        // Every reference is in sight and none sends or closes: this way out is never taken.
        _ if index.closed(ch) == Closed::Never => Stop {
            how: format!("never by `{text}`: nothing sends on or closes it"),
            site: None,
            note: None,
            unsignalled: Some(text.to_string()),
        },
        // A parameter nothing in the package passes, an exported field or variable: its owner
        // outside the package signals it.
        _ => Stop::by(
            format!(
                "until the code that owns `{text}`, outside this package, sends on or closes it"
            ),
            None,
        ),
    }
}

/// `(*Cache).Close`, or "the finalizer `stopJanitor` (runtime.SetFinalizer)" when the function
/// is handed to runtime.SetFinalizer.
fn describe_stopper(index: &PackageIndex, f: usize) -> String {
    let name = index.function_words(f);
    if index.is_finalizer(f) {
        format!("the finalizer {name} (run once the owner is unreachable)")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use crate::classify::source_findings;

    fn releases(src: &str) -> Vec<(u32, String)> {
        source_findings(src, Some(27))
            .into_iter()
            .filter(|f| f.code == crate::rules::RuleId::GoroutineHolder)
            .map(|f| {
                (
                    f.position.as_ref().map(|p| p.line).unwrap_or(0),
                    f.holder
                        .as_ref()
                        .and_then(|h| h.released.as_ref())
                        .map(|r| r.how.clone())
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    /// Two janitors with a `stop` field each: each is stopped by its own type's Close.
    #[test]
    fn each_loop_names_its_own_stopper() {
        let src = "package p\n\ntype A struct{ stop chan struct{}; n int }\ntype B struct{ stop chan struct{}; n int }\n\nfunc (a *A) run() {\n\tfor {\n\t\tselect {\n\t\tcase <-a.stop:\n\t\t\treturn\n\t\t}\n\t}\n}\n\nfunc (b *B) run() {\n\tfor {\n\t\tselect {\n\t\tcase <-b.stop:\n\t\t\treturn\n\t\t}\n\t}\n}\n\nfunc (b *B) Close() { close(b.stop) }\nfunc (a *A) Close() { close(a.stop) }\n\nfunc NewA() *A { a := &A{stop: make(chan struct{})}; go a.run(); return a }\nfunc NewB() *B { b := &B{stop: make(chan struct{})}; go b.run(); return b }\n";
        assert_eq!(
            releases(src),
            [
                (27, "until `(*A).Close` closes `a.stop`".to_string()),
                (28, "until `(*B).Close` closes `b.stop`".to_string())
            ]
        );
    }

    /// A parameter is the channel its caller passes: `go func(done <-chan struct{}) {...}(c.done)`
    /// stops when `c.done` is closed.
    #[test]
    fn a_parameter_is_the_callers_channel() {
        let src = "package p\n\ntype C struct{ done chan struct{}; n int }\n\nfunc (c *C) Close() { close(c.done) }\n\nfunc New() *C {\n\tc := &C{done: make(chan struct{})}\n\tgo func(done <-chan struct{}) {\n\t\tfor {\n\t\t\tselect {\n\t\t\tcase <-done:\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}(c.done)\n\treturn c\n}\n";
        assert_eq!(
            releases(src),
            [(9, "until `(*C).Close` closes `done`".to_string())]
        );
    }

    /// A channel handed out (`In` returns it) is closed by whoever gets it.
    #[test]
    fn a_channel_handed_out_is_closed_by_its_new_owner() {
        let src = "package p\n\ntype S struct{ in chan int; n int }\n\nfunc (s *S) In() chan<- int { return s.in }\n\nfunc (s *S) run() {\n\tfor v := range s.in {\n\t\ts.n += v\n\t}\n}\n\nfunc New() *S {\n\ts := &S{in: make(chan int)}\n\tgo s.run()\n\treturn s\n}\n";
        assert_eq!(
            releases(src),
            [(
                15,
                "until `s.in` is closed by the code it is handed to (it leaves the package at line 5)"
                    .to_string()
            )]
        );
    }
}

/// A way out on a timer's channel is the timer's firing; a way out on a channel nothing
/// signals bounds nothing. No "bounded, until ... (nothing does)".
#[cfg(test)]
mod way_out_tests {
    use crate::classify::{codes_at, source_findings};

    const WATCH: &str = "package p\n\nimport \"time\"\n\ntype S struct {\n\tevents chan string\n\tseen   []string\n}\n\nfunc (s *S) Watch(d time.Duration) {\n\ttimer := time.NewTimer(d)\n\tgo func() {\n\t\tfor {\n\t\t\tselect {\n\t\t\tcase e := <-s.events:\n\t\t\t\ts.seen = append(s.seen, e)\n\t\t\tcase <-timer.C:\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}()\n}\n";

    #[test]
    fn a_timer_channel_ends_the_wait_when_it_fires() {
        let found = source_findings(WATCH, Some(27));
        let f = found
            .iter()
            .find(|f| f.code.as_str() == "EE0309")
            .expect("EE0309");
        assert_eq!(f.verdict.name(), "retained");
        assert_eq!(
            f.title,
            "`go func() {...}()`: bounded, until `timer.C` fires, once its delay has passed"
        );
        assert!(f.evidence.iter().any(|e| e.note
            == "only the timer sends on `timer.C`, and nothing closes it: a timer stopped before it fires never ends this wait"));
    }

    #[test]
    fn a_channel_nothing_signals_is_no_way_out() {
        let src = WATCH
            .replace(
                "timer := time.NewTimer(d)",
                "stop := make(chan struct{})\n\t_ = d",
            )
            .replace("case <-timer.C:", "case <-stop:");
        let found = source_findings(&src, Some(27));
        let f = found
            .iter()
            .find(|f| f.code.as_str() == "EE0309")
            .expect("EE0309");
        assert_eq!(f.verdict.name(), "leak-risk", "{:?}", codes_at(&found));
        assert!(f.why.contains("its loop returns only when it receives from `stop`, which nothing in the package sends on or closes"), "{}", f.why);
        assert!(!f.title.contains("bounded"), "{}", f.title);
        // Trap: closed by a method of the type, it is bounded by that close.
        let closed = src.replace("\t}()\n}\n", "\t}()\n\tclose(stop)\n}\n");
        let found = source_findings(&closed, Some(27));
        let f = found
            .iter()
            .find(|f| f.code.as_str() == "EE0309")
            .expect("EE0309");
        assert_eq!(f.verdict.name(), "retained");
    }

    /// No rule says a holder is bounded by something nothing does.
    #[test]
    fn no_bounded_by_nothing() {
        for dir in ["src/classify", "src/source/index"] {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_none_or(|x| x != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                assert!(
                    !text.contains(&["(nothing in the package", " does)"].concat()),
                    "{}",
                    p.display()
                );
            }
        }
    }
}
