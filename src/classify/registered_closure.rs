//! EE0205: a closure (or value) handed to an API that keeps it after the call: a handler
//! registered with http.HandleFunc or a ServeMux, a time.AfterFunc or context.AfterFunc
//! callback, a signal.Notify channel, an expvar.Publish variable, a finalizer. Everything the
//! closure captures lives as long as the registration.

use crate::finding::{Release, Verdict};
use crate::source::index::{PackageIndex, Registration};

use super::Context;

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
    if reg.declared.is_some() {
        return declared(cx, index, reg);
    }
    let literal_name = is_string_literal(&reg.first_arg);
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

/// A registry escape-explain.toml declares: bounded when the package calls its declared
/// release, else growing with each call.
fn declared(
    cx: &Context<'_>,
    index: &PackageIndex,
    reg: &Registration,
) -> (Verdict, Option<Release>) {
    let Some((i, _)) = reg.declared else {
        return (Verdict::LeakRisk, None);
    };
    let release = index
        .declared
        .as_ref()
        .and_then(|d| d.registries.get(i))
        .and_then(|r| r.release.clone());
    // A method's release counts on the same receiver only: `other.Remove(k)` does not let go
    // of what `sessions.Add` kept.
    let called = index
        .declared_releases
        .iter()
        .find(|(r, _, recv)| *r == i && *recv == reg.receiver);
    match (release, called) {
        (Some(name), Some((_, at, _))) => (
            Verdict::Retained,
            Some(Release {
                how: format!(
                    "`{}` is called, the release declared for it",
                    name.rsplit('/').next().unwrap_or(&name)
                ),
                site: Some(cx.site(index, at)),
            }),
        ),
        _ => (Verdict::LeakRisk, None),
    }
}

/// `"/healthz"` or a raw string, and nothing else: `"/shared/" + id` is made at run time.
fn is_string_literal(arg: &str) -> bool {
    let a = arg.trim();
    let Some(q) = a.chars().next().filter(|c| matches!(c, '"' | '`')) else {
        return false;
    };
    let inner = &a[1..];
    match inner.find(q) {
        // The first closing quote ends the whole argument (`\"` escapes only in "...").
        Some(end) if q == '`' => end + 2 == a.len(),
        _ => {
            let mut escaped = false;
            for (i, c) in inner.char_indices() {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => return i + 2 == a.len(),
                    _ => escaped = false,
                }
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_string_literal;

    #[test]
    fn fixed_names() {
        assert!(is_string_literal("\"/healthz\""));
        assert!(is_string_literal("`/raw`"));
        assert!(is_string_literal("\"a\\\"b\""));
        assert!(!is_string_literal("\"/shared/\"+r.FormValue(\"id\")"));
        assert!(!is_string_literal("name"));
        assert!(!is_string_literal("\"a\" + \"b\""));
    }
}
