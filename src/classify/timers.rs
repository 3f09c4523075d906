//! Timers and tickers, whose verdict depends on the Go version in effect.
//!
//! Before Go 1.23 the runtime kept every started timer and ticker until it fired or was stopped:
//! an unstopped `time.NewTicker`, a `time.Tick`, or a `time.After` per loop iteration stayed in
//! the timer heap. Go 1.23 to 1.26 collect unreferenced timers when the main module's go.mod
//! says `go 1.23` or later, unless `asynctimerchan=1` (a go.mod `godebug` line or a `//go:debug`
//! directive in package main) asks for the old timers. Go 1.27 removed that setting
//! (internal/godebugs: `Removed: 27`): unreferenced timers are always collected.
//!
//! EE0305: a ticker that is never stopped. EE0306: `time.Tick` or `time.After` per call or
//! iteration. EE0307: `time.AfterFunc` with a long or unknown delay, made per call and never
//! stopped.

use super::{Context, SourceFinding};
use crate::finding::{Evidence, Release, Verdict};
use crate::rules::{AFTER_FUNC, TICK_AFTER, TICKER};
use crate::source::PackageIndex;
use crate::source::index::TimerFact;

/// The first Go minor version that collects unreferenced timers and tickers.
pub const TIMER_GC: u32 = 23;

/// The first Go minor version that always collects them (asynctimerchan removed).
pub const TIMER_GC_ALWAYS: u32 = 27;

/// Whether unreferenced timers are collected for this package's program, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regime {
    pub collected: bool,
    pub why: String,
}

/// The timer behaviour in effect: the toolchain first (1.27+ always collects, before 1.23
/// never), then between the two the setting `asynctimerchan` (go.mod `godebug`, or
/// `//go:debug` in package main) and else the main module's go line.
pub fn regime(
    toolchain: Option<u32>,
    toolchain_source: &str,
    module: Option<&crate::source::Module>,
    index: &PackageIndex,
) -> Regime {
    let tool = |v: u32| {
        if toolchain_source.is_empty() {
            format!("Go 1.{v}")
        } else {
            format!("Go 1.{v}, {toolchain_source}")
        }
    };
    match toolchain {
        Some(v) if v >= TIMER_GC_ALWAYS => {
            return Regime {
                collected: true,
                why: format!(
                    "{}: since Go 1.27 unreferenced timers are always collected, whatever go.mod says",
                    tool(v)
                ),
            };
        }
        Some(v) if v < TIMER_GC => {
            return Regime {
                collected: false,
                why: format!(
                    "{}: before Go 1.23 the runtime keeps a timer until it fires or is stopped",
                    tool(v)
                ),
            };
        }
        _ => {}
    }
    let range = match toolchain {
        Some(v) => tool(v),
        None => "the toolchain is unknown (pass --go-version); under Go 1.23 to 1.26".to_string(),
    };
    let library = index.package.as_deref() != Some("main");
    let program = if library {
        "; this package is a library, so the go.mod of the program that links it decides"
    } else {
        ""
    };
    let directive = (!library)
        .then(|| {
            index
                .go_debug
                .iter()
                .rev()
                .find(|(k, _)| k == "asynctimerchan")
        })
        .flatten()
        .map(|(_, v)| (v.clone(), "//go:debug asynctimerchan"));
    let setting = directive.or_else(|| {
        module
            .and_then(|m| m.godebug("asynctimerchan"))
            .map(|v| (v.to_string(), "go.mod godebug asynctimerchan"))
    });
    if let Some((v, place)) = setting {
        let old = v == "1";
        return Regime {
            collected: !old,
            why: format!(
                "{range}, {place}={v} {}{program}",
                if old {
                    "restores the pre-1.23 timers, which are kept until they fire or are stopped"
                } else {
                    "keeps the collected timers"
                }
            ),
        };
    }
    // `godebug default=go1.22` sets every default as that release had it.
    let default = module
        .and_then(|m| m.godebug("default"))
        .map(|v| v.to_string());
    let line = default
        .clone()
        .map(|d| format!("{} (godebug default={d})", d.trim_start_matches("go")))
        .or_else(|| module.and_then(|m| m.go_version.clone()));
    let minor = match &default {
        Some(d) => crate::source::module::minor_version(d),
        None => module.and_then(|m| m.go_minor()),
    };
    match minor {
        Some(m) if m >= TIMER_GC => Regime {
            collected: true,
            why: format!(
                "{range}, go.mod says go {}: unreferenced timers are collected{program}",
                line.unwrap_or_default()
            ),
        },
        Some(_) => Regime {
            collected: false,
            why: format!(
                "{range}, go.mod says go {}, which keeps the pre-1.23 timers until they fire or are stopped (Go 1.27 collects them always){program}",
                line.unwrap_or_default()
            ),
        },
        None => Regime {
            collected: toolchain.is_some(),
            why: format!("{range}, and no go.mod says which timers apply"),
        },
    }
}

pub fn check(cx: &Context<'_>, index: &PackageIndex, out: &mut Vec<SourceFinding>) {
    let r = regime(cx.toolchain, &cx.toolchain_source, cx.module, index);
    let modern = r.collected;
    let version_note = r.why;
    for t in index.timers() {
        let name = t.api.as_str();
        let many = t.in_loop || !index.runs_once(t.function);
        let subject = t.text.clone();
        let sf = match name {
            "time.NewTicker" => ticker(index, t, modern, &version_note),
            // time.After in one select per call lives for its duration at most: bounded.
            "time.After" if !t.in_loop => None,
            "time.Tick" if t.range_header => range_tick(index, t, many, modern, &version_note),
            "time.Tick" | "time.After" if many => {
                let why_many = if t.in_loop {
                    "in a loop"
                } else {
                    "in a function that can run many times"
                };
                let (verdict, why) = if modern {
                    (
                        Verdict::Heap,
                        format!(
                            "{name} {why_many} makes a new timer each time; the garbage collector frees it once nothing refers to it ({version_note})"
                        ),
                    )
                } else {
                    (
                        Verdict::LeakRisk,
                        format!(
                            "{name} {why_many} makes a new timer each time, and the runtime keeps each one until it fires{} ({version_note})",
                            if name == "time.Tick" {
                                ", which for time.Tick is never"
                            } else {
                                ""
                            }
                        ),
                    )
                };
                Some(SourceFinding::new(
                    &TICK_AFTER,
                    verdict,
                    t.loc,
                    subject,
                    why,
                ))
            }
            "time.AfterFunc" if many => after_func(t),
            _ => None,
        };
        if let Some(sf) = sf {
            out.push(sf);
        }
    }
}

/// `for range time.Tick(d)`: one ticker, made when the loop starts, that the loop refers to
/// while it runs. Before Go 1.23's timers the runtime never lets a time.Tick ticker go: one per
/// run of the function. With them, the loop's end lets it go; a loop that never ends keeps it
/// with its goroutine, which the goroutine's own finding reports.
fn range_tick(
    index: &PackageIndex,
    t: &TimerFact,
    many: bool,
    modern: bool,
    version_note: &str,
) -> Option<SourceFinding> {
    let endless = index.kept_by_endless_goroutine(t.function, None)
        || t.function.is_some_and(|f| index.endless_loop(f).is_some());
    let (verdict, why) = if modern {
        (
            Verdict::Heap,
            format!(
                "time.Tick in the loop's range clause is evaluated once: one ticker for the loop's life, referenced while the loop runs{}; the garbage collector frees it after ({version_note})",
                if endless {
                    ", which is for good: the goroutine's own finding says who keeps it"
                } else {
                    ""
                }
            ),
        )
    } else if many {
        (
            Verdict::LeakRisk,
            format!(
                "time.Tick in the loop's range clause makes one ticker per run of the function, and the runtime keeps every time.Tick ticker for good ({version_note})"
            ),
        )
    } else {
        (
            Verdict::Retained,
            format!(
                "time.Tick in the loop's range clause makes one ticker, once: the runtime keeps it for good, but there is only one ({version_note})"
            ),
        )
    };
    let mut sf = SourceFinding::new(&TICK_AFTER, verdict, t.loc, t.text.clone(), why);
    sf.title = Some(match verdict {
        Verdict::Heap => {
            "one ticker for the loop's life, then the garbage collector frees it".into()
        }
        Verdict::LeakRisk => "one ticker per run of the function, never collected".into(),
        _ => "one ticker, made once, never collected".into(),
    });
    if verdict == Verdict::Retained {
        sf.release = Some(crate::finding::Release {
            how: "made once, by code that runs once".into(),
            site: None,
        });
    }
    Some(sf)
}

fn ticker(
    index: &PackageIndex,
    t: &TimerFact,
    modern: bool,
    version_note: &str,
) -> Option<SourceFinding> {
    let v = t.bound?;
    let var = index.vars[v.0 as usize].name.clone();
    // Stopped anywhere, closures included: a ticker handed to the goroutine that reads it is
    // often stopped there (`go func() { defer t.Stop(); ... }()`).
    if index.is_stopped(v) {
        return None;
    }
    // Read by a goroutine that never ends (made inside it, or captured by it), the ticker is
    // referenced forever, whatever the version.
    let goroutine_forever = index.kept_by_endless_goroutine(t.function, Some(v));
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
                "`{var}` is never stopped, and an unstopped ticker is never collected ({version_note})"
            ),
        )
    } else {
        (
            Verdict::Heap,
            format!(
                "`{var}` is never stopped; an unreferenced ticker is collected anyway, but Stop releases it at once ({version_note})"
            ),
        )
    };
    let mut sf = SourceFinding::new(&TICKER, verdict, t.loc, t.text.clone(), why);
    sf.holder_name = Some(var);
    Some(sf)
}

fn after_func(t: &TimerFact) -> Option<SourceFinding> {
    if t.first_arg.is_empty() {
        return None;
    }
    let delay = t.first_arg.clone();
    let at = t.loc;
    let subject = t.text.clone();
    // Kept (assigned, to a variable or a field, or returned): whoever holds the *time.Timer
    // can Stop it.
    let kept = t.bound.is_some() || t.kept;
    let mut sf = if delay_of(&delay).piles_up() && !kept {
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

/// How long a delay is, as far as the source says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delay {
    /// Under a minute (`100 * time.Millisecond`, `5 * time.Second`).
    Short,
    /// A minute or more (`time.Hour`, `10 * time.Minute`).
    Long,
    /// Not a constant the source shows (`ttl`, `c.interval`, `d * 2`).
    Unknown,
}

impl Delay {
    /// A callback made per call with this delay and no handle to stop it accumulates: a long
    /// delay keeps many alive at once, an unknown one may.
    pub fn piles_up(self) -> bool {
        self != Delay::Short
    }
}

/// Evaluates a delay written as a product of integer literals and `time` units.
pub fn delay_of(expr: &str) -> Delay {
    const UNITS: &[(&str, u64)] = &[
        ("time.Nanosecond", 1),
        ("time.Microsecond", 1_000),
        ("time.Millisecond", 1_000_000),
        ("time.Second", 1_000_000_000),
        ("time.Minute", 60_000_000_000),
        ("time.Hour", 3_600_000_000_000),
    ];
    let mut total: u64 = 1;
    let mut has_unit = false;
    for factor in expr.split('*') {
        let f = factor
            .trim()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .trim();
        if let Some((_, ns)) = UNITS.iter().find(|(u, _)| *u == f) {
            total = total.saturating_mul(*ns);
            has_unit = true;
        } else if let Ok(n) = f.replace('_', "").parse::<u64>() {
            total = total.saturating_mul(n);
        } else {
            return Delay::Unknown;
        }
    }
    if !has_unit {
        // A bare number is nanoseconds.
        return if total >= 60_000_000_000 {
            Delay::Long
        } else {
            Delay::Short
        };
    }
    if total >= 60_000_000_000 {
        Delay::Long
    } else {
        Delay::Short
    }
}

#[cfg(test)]
mod tests {
    use super::{Delay, delay_of};

    #[test]
    fn delays() {
        assert_eq!(delay_of("time.Hour"), Delay::Long);
        assert_eq!(delay_of("24*time.Hour"), Delay::Long);
        assert_eq!(delay_of("10 * time.Minute"), Delay::Long);
        assert_eq!(delay_of("90 * time.Second"), Delay::Long);
        assert_eq!(delay_of("100*time.Millisecond"), Delay::Short);
        assert_eq!(delay_of("time.Second"), Delay::Short);
        assert_eq!(delay_of("ttl"), Delay::Unknown);
        assert_eq!(delay_of("c.interval * 2"), Delay::Unknown);
        assert_eq!(delay_of("time.Duration(n) * time.Second"), Delay::Unknown);
    }
}

#[cfg(test)]
mod rule_tests {
    use crate::classify::{codes_at, source_findings};

    /// An unstopped ticker leaks before Go 1.23 and is garbage from 1.27; stopped through its
    /// own variable (in the goroutine that reads it) it is nothing; read by a goroutine that
    /// never ends it leaks whatever the version.
    #[test]
    fn tickers_by_binding_and_version() {
        let unstopped = "package p\n\nimport \"time\"\n\nfunc Poll(f func()) {\n\tt := time.NewTicker(time.Second)\n\tgo func() {\n\t\tfor range t.C {\n\t\t\tf()\n\t\t}\n\t}()\n}\n";
        assert_eq!(
            codes_at(&source_findings(unstopped, Some(21))),
            [
                ("EE0303".to_string(), 7, "leak-risk"),
                ("EE0305".to_string(), 6, "leak-risk")
            ]
        );
        assert!(
            codes_at(&source_findings(unstopped, Some(27))).contains(&(
                "EE0305".to_string(),
                6,
                "leak-risk"
            )),
            "read by an endless goroutine"
        );
        let stopped = "package p\n\nimport \"time\"\n\nfunc Poll(f func(), done chan struct{}) {\n\tt := time.NewTicker(time.Second)\n\tgo func() {\n\t\tdefer t.Stop()\n\t\tfor {\n\t\t\tselect {\n\t\t\tcase <-t.C:\n\t\t\t\tf()\n\t\t\tcase <-done:\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}()\n}\n";
        assert!(
            !codes_at(&source_findings(stopped, Some(21)))
                .iter()
                .any(|(c, ..)| c == "EE0305")
        );
        // Another function's `t.Stop()` stops another ticker.
        let other = "package p\n\nimport \"time\"\n\nfunc Make() {\n\tt := time.NewTicker(time.Second)\n\t_ = t\n}\n\nfunc Other() {\n\tt := time.NewTimer(time.Second)\n\tt.Stop()\n}\n";
        assert_eq!(
            codes_at(&source_findings(other, Some(21))),
            [("EE0305".to_string(), 6, "leak-risk")]
        );
    }
}

#[cfg(test)]
mod after_func_tests {
    use crate::classify::{codes_at, source_findings};

    /// A time.AfterFunc whose *Timer is kept (returned, assigned, stored in a struct the caller
    /// gets) can be stopped; one dropped per call with an unknown delay piles up.
    #[test]
    fn a_kept_handle_bounds_an_after_func() {
        let src = "package p\n\nimport \"time\"\n\ntype Timer struct{ t *time.Timer }\n\nfunc Kept(d time.Duration, f func()) *Timer {\n\treturn &Timer{t: time.AfterFunc(d, f)}\n}\n\nfunc Dropped(d time.Duration, f func()) {\n\ttime.AfterFunc(d, f)\n}\n\ntype S struct{ timers []*time.Timer }\n\nfunc (s *S) Appended(d time.Duration, f func()) {\n\ts.timers = append(s.timers, time.AfterFunc(d, f))\n}\n\nfunc Blank(d time.Duration, f func()) {\n\t_ = time.AfterFunc(d, f)\n}\n";
        let found: Vec<_> = codes_at(&source_findings(src, Some(27)))
            .into_iter()
            .filter(|(c, ..)| c == "EE0307")
            .collect();
        assert_eq!(
            found,
            [
                ("EE0307".to_string(), 8, "retained"),
                ("EE0307".to_string(), 12, "leak-risk"),
                ("EE0307".to_string(), 18, "retained"),
                ("EE0307".to_string(), 22, "leak-risk")
            ]
        );
    }
}

#[cfg(test)]
mod review_tests {
    use crate::classify::lines_of;

    /// A ticker handed to its owner (returned in a struct, passed to the goroutine that stops
    /// it) can be stopped there; a type switch's `t` is not the ticker `t` outside it.
    #[test]
    fn a_ticker_handed_on_or_shadowed() {
        let handed = "package p\n\nimport \"time\"\n\ntype Poller struct{ t *time.Ticker }\n\nfunc (p *Poller) Close() { p.t.Stop() }\n\nfunc New() *Poller {\n\tt := time.NewTicker(time.Second)\n\treturn &Poller{t: t}\n}\n\nfunc run(t *time.Ticker) { defer t.Stop() }\n\nfunc Start() {\n\tt := time.NewTicker(time.Second)\n\tgo run(t)\n}\n";
        assert_eq!(lines_of(handed, "EE0305"), Vec::<u32>::new());
        let shadowed = "package p\n\nimport \"time\"\n\nfunc Poll(v any, f func()) {\n\tt := time.NewTicker(time.Second)\n\tgo func() {\n\t\tfor range t.C {\n\t\t\tf()\n\t\t}\n\t}()\n\tswitch t := v.(type) {\n\tcase *time.Ticker:\n\t\tt.Stop()\n\t}\n}\n";
        assert_eq!(lines_of(shadowed, "EE0305"), [6]);
    }
}
