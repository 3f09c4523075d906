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

/// Registered once: retained; a timer or context callback: released when it runs or is
/// stopped; otherwise registered per call with no way back: a leak risk.
pub fn verdict(
    cx: &Context<'_>,
    index: &PackageIndex,
    reg: &Registration,
) -> (Verdict, Option<Release>) {
    if index.registration_once(reg) {
        return super::holder::once(cx, index, "registered", reg.function, &reg.loc);
    }
    match reg.api.as_str() {
        // A long delay per call with no handle to stop it piles callbacks up (EE0307 says it
        // at the call).
        "time.AfterFunc" if !reg.bound && super::timers::long_delay(&reg.first_arg) => {
            (Verdict::LeakRisk, None)
        }
        // Guard: the runtime drops a timer's callback once it has fired (or been stopped).
        "time.AfterFunc" => (
            Verdict::Retained,
            Some(Release {
                how: "released when the timer fires or is stopped".to_string(),
                site: None,
            }),
        ),
        "context.AfterFunc" => (
            Verdict::Retained,
            Some(Release {
                how: "released when the context is done or stop is called".to_string(),
                site: None,
            }),
        ),
        "runtime.SetFinalizer" | "runtime.AddCleanup" => (
            Verdict::Retained,
            Some(Release {
                how: "released when the object is collected".to_string(),
                site: None,
            }),
        ),
        _ => (Verdict::LeakRisk, None),
    }
}
