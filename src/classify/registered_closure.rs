//! EE0205: a closure (or value) handed to an API that keeps it after the call: a handler
//! registered with http.HandleFunc or a ServeMux, a time.AfterFunc or context.AfterFunc
//! callback, a signal.Notify channel, an expvar.Publish variable, a finalizer. Everything the
//! closure captures lives as long as the registration.

use crate::finding::{HolderKind, Release, Verdict};
use crate::source::index::{PackageIndex, Registration};

use super::Context;
use super::rule::Rule;

pub const RULE: Rule = Rule {
    code: "EE0205",
    holder: Some(HolderKind::RegisteredClosure),
    name: "kept by an API it was registered with",
    fix: Some(
        "register once (in init or main), capture only what the callback needs, or undo the registration when done (Stop, signal.Stop)",
    ),
};

/// Registered once: retained. Otherwise, per API: a timer's callback is released when it
/// fires (so a long or unknown delay per call piles up), a context's when the context is done
/// or `stop` is called (never, for `context.Background()` with the stop dropped), and a
/// ServeMux or expvar entry never: each call with a run-time name adds one for good.
pub fn verdict(
    cx: &Context<'_>,
    index: &PackageIndex,
    reg: &Registration,
) -> (Verdict, Option<Release>) {
    if index.registration_once(reg) {
        return super::holder::once(cx, index, "registered", reg.function, &reg.loc);
    }
    let released = |how: &str| {
        (
            Verdict::Retained,
            Some(Release {
                how: how.to_string(),
                site: None,
            }),
        )
    };
    let literal_name = reg.first_arg.starts_with('"') || reg.first_arg.starts_with('`');
    match reg.api.as_str() {
        // A long or unknown delay per call with no handle to stop it piles callbacks up
        // (EE0307 says it at the call).
        "time.AfterFunc" if !reg.bound && super::timers::delay_of(&reg.first_arg).piles_up() => {
            (Verdict::LeakRisk, None)
        }
        // Guard: the runtime drops a timer's callback once it has fired (or been stopped).
        "time.AfterFunc" => released("released when the timer fires or is stopped"),
        // Guard: the returned stop is kept, so the caller can release it.
        "context.AfterFunc" if reg.bound => {
            released("released when the context is done or stop is called")
        }
        "context.AfterFunc" => (Verdict::LeakRisk, None),
        // Guard: a fixed name registered from code that runs many times does not grow: the
        // second registration panics ("Reuse of exported var name", "multiple registrations").
        _ if literal_name => released(
            "one entry per fixed name; registering the same name a second time panics, so this must run once",
        ),
        _ => (Verdict::LeakRisk, None),
    }
}
