//! Holders from the source first. Every store into a long-lived holder (a map insert, an
//! append, a push, a send, a registration with a process-lifetime keeper) in code that can run
//! many times is a place where memory can grow, whether or not the compiler's `-m=2` flow shows
//! the value reaching it: a value whose first escape reason is "too large for stack", or that
//! was passed to an interface method first, has no flow to the store at all. The compiler's
//! diagnostics join these findings at the same site for the narrative (see [`super::group`]);
//! they are not required.

use crate::finding::{Basis, Evidence, Finding, Verdict, quoted};
use crate::source::PackageIndex;
use crate::source::index::EffectKind;

use super::{Context, Hit};

/// A finding for each growing store the package makes in code that runs many times.
pub fn check(cx: &Context<'_>, index: &PackageIndex) -> Vec<Finding> {
    let mut out = Vec::new();
    for add in &index.effects {
        // Guard: an assignment replaces what was there (one value at a time), and a store in
        // run-once code is bounded by the code; neither grows with traffic.
        if !matches!(
            add.kind,
            EffectKind::Insert | EffectKind::Append | EffectKind::Grow | EffectKind::Send
        ) || index.effect_once(add)
        {
            continue;
        }
        let Some(hit) = cx.holder_hit(
            index,
            add,
            add.pin.as_ref().map(|p| p.of.as_str()),
            Basis::SourceOnly,
        ) else {
            continue;
        };
        // A store whose holder is released somewhere in the package (a delete, a drain) is
        // reported too, `retained`, with that release: the holder is bounded by it.
        let released_at = hit
            .holder
            .released
            .as_ref()
            .filter(|r| r.site.is_some())
            .map(|r| r.how.clone());
        if hit.verdict != Verdict::LeakRisk {
            if let Some(how) = released_at {
                let why = format!(
                    "it lives as long as the process, but the package releases it ({how}), so it is bounded by how the program uses that release"
                );
                let subject = stored(index, add);
                out.push(finding(cx, index, add.function, add.loc, hit, subject, why));
            }
            continue;
        }
        let grows = match (&add.kind, add.key.as_deref()) {
            (EffectKind::Insert, Some(k)) => format!(
                "it grows by one entry per distinct `{k}`, and nothing in the package deletes from it"
            ),
            (EffectKind::Send, _) => {
                "every call sends one more value, and nothing in the package receives from it".into()
            }
            _ => "every call adds one more element, and nothing in the package removes or truncates it".into(),
        };
        let subject = stored(index, add);
        out.push(finding(
            cx,
            index,
            add.function,
            add.loc,
            hit,
            subject,
            grows,
        ));
    }
    for reg in &index.registrations {
        // Guard: a function that forwards its parameters to the registration is a
        // registration API; its callers register, and are reported there.
        // A registry escape-explain.toml declares keeps one argument: the compiler's
        // diagnostic of that value gets the verdict, and nothing is said without one.
        if index.registration_once(reg) || !reg.forwards.is_empty() || reg.declared.is_some() {
            continue;
        }
        let Some(hit) = cx.registration_hit(index, reg, Basis::SourceOnly) else {
            continue;
        };
        if hit.verdict != Verdict::LeakRisk {
            continue;
        }
        let why = match reg.api.as_str() {
            "time.AfterFunc" => "each call schedules a callback it cannot stop; every callback and what it captures stays until the timer fires".to_string(),
            "context.AfterFunc" => "each call registers a callback on a context that is never done and drops the stop function: the callbacks and what they capture are kept for the life of the process".to_string(),
            api if api.starts_with("expvar.") => format!(
                "each call publishes a variable under a name made at run time (`{}`); expvar never unpublishes, so the registry grows with every new name",
                reg.first_arg
            ),
            _ => format!(
                "each call registers with {} under a pattern made at run time (`{}`); a mux never forgets a pattern, and registering the same pattern twice panics",
                reg.owner.describe(),
                reg.first_arg
            ),
        };
        out.push(finding(
            cx,
            index,
            reg.function,
            reg.loc,
            hit,
            reg.first_arg.clone(),
            why,
        ));
    }
    out
}

/// What a store keeps, as a finding's subject: the entry of a keyed store; for a call that
/// stores through the function it calls, what it passes (not the holder: in
/// `CommandLine.Parse(os.Args[1:])` the holder is `CommandLine`, what it keeps is the
/// arguments); else the holder.
fn stored(index: &PackageIndex, add: &crate::source::index::Effect) -> String {
    match (add.key.as_deref(), add.vars.last()) {
        (Some(k), _) => format!("{}[{k}]", add.global),
        (None, Some(v)) if add.via.is_some() => index.vars[v.0 as usize].name.clone(),
        (None, None) if add.via.is_some() => format!("what line {} passes", add.loc.line),
        (None, _) => add.global.clone(),
    }
}

fn finding(
    cx: &Context<'_>,
    index: &PackageIndex,
    function: Option<usize>,
    loc: crate::source::index::Loc,
    mut hit: Hit,
    subject: String,
    why: String,
) -> Finding {
    let site = cx.site(index, &loc);
    let holder_name = hit.holder.name.clone();
    hit.evidence.push(Evidence {
        note: format!(
            "in {}, which can run many times",
            function
                .map(|f| index.function_words(f))
                .unwrap_or_else(|| "a package-level initializer".into())
        ),
        site: None,
    });
    let title = if let Some(pin) = &hit.pin {
        pin.title(&pin.of, &holder_name)
    } else if hit.verdict == Verdict::LeakRisk {
        format!(
            "{} is {}, and nothing lets it go",
            quoted(&subject),
            super::held_by(hit.rule, &holder_name)
        )
    } else {
        format!(
            "{} is {}, but bounded",
            quoted(&subject),
            super::held_by(hit.rule, &holder_name)
        )
    };
    Finding::builder(hit.rule, hit.verdict, subject, title)
        .function(function.map(|f| index.functions[f].name.clone()))
        .at_site(&site)
        .why(why)
        .rule_fix(hit.verdict == Verdict::LeakRisk)
        .holder(hit.holder)
        .evidence(hit.evidence)
        .basis(Basis::SourceOnly)
        .build()
}
