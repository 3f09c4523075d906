//! EE0303: a goroutine that never ends. A `go` statement whose function has no way out (an
//! endless `for` with no return or break, no `ctx.Done()` or done-channel case, a `range` over a
//! channel nothing closes) keeps its stack and everything it captures for the life of the
//! process. Started from code that runs many times, one more is left behind on every call.

use super::{Context, SourceFinding};
use crate::finding::{Evidence, Release, Verdict};
use crate::rules::GOROUTINE as RULE;
use crate::source::PackageIndex;
use crate::source::index::{GoFact, LoopFact};

/// The function a goroutine runs and the first loop in it that nothing can end.
pub fn endless<'i>(index: &'i PackageIndex, go: &GoFact) -> Option<(usize, &'i LoopFact)> {
    let target = go.target?;
    index.endless_loop(target).map(|l| (target, l))
}

pub fn check(cx: &Context<'_>, index: &PackageIndex, out: &mut Vec<SourceFinding>) {
    for go in index.goroutines() {
        let Some((_, endless)) = endless(index, go) else {
            continue;
        };
        let once = !go.in_loop && index.runs_once(go.function);
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
            go.loc,
            go.subject.clone(),
            "the goroutine loops forever with no way out, so its stack and everything it captures stay reachable for the life of the process".into(),
        );
        sf.release = release;
        sf.evidence.push(Evidence {
            note: "this loop has no return, break, ctx.Done() or closed-channel exit".into(),
            site: Some(cx.site(index, &endless.loc)),
        });
        if let Some(&wrapper) = go.via.first() {
            sf.evidence.push(Evidence {
                note: format!(
                    "started through `{}`, which only calls the function that loops",
                    index.functions[wrapper].name
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
