//! The verdict shared by every package-level holder: kept once, kept with a release, or kept
//! and growing with nothing that lets go.

use crate::finding::{Release, Verdict};
use crate::source::index::{Effect, EffectKind, PackageIndex, keyed_by_type};

use super::Context;

/// `retained`, because the add (`verb`: stored, registered) runs once, in `function`.
pub fn once(
    cx: &Context<'_>,
    index: &PackageIndex,
    verb: &str,
    function: Option<usize>,
    loc: &crate::source::index::Loc,
) -> (Verdict, Option<Release>) {
    let place = function
        .map(|f| index.function_words(f))
        .unwrap_or_else(|| "a package-level initializer".to_string());
    (
        Verdict::Retained,
        Some(Release {
            how: format!("{verb} once, in {place}"),
            site: Some(cx.site(index, loc)),
        }),
    )
}

/// `retained` when the add runs once or the package releases the holder somewhere; `leak-risk`
/// when a function that can run many times adds and nothing removes.
pub fn verdict(cx: &Context<'_>, index: &PackageIndex, add: &Effect) -> (Verdict, Option<Release>) {
    if index.effect_once(add) {
        // A registry filled in init/main/sync.Once is bounded by the code, not by traffic.
        return once(cx, index, "stored", add.function, &add.loc);
    }
    if let Some(f) = add.function
        && index.functions[f].registration_api
        && !add.in_loop
    {
        // The one naming convention that counts (gob.Register, sql.Register): callers call it
        // at start-up. It is an assumption, and the finding says so.
        let f = &index.functions[f];
        let how = if f.rejects_duplicates {
            format!(
                "stored by the registry {}, which panics on a name registered twice: one entry per name, assuming callers register at start-up",
                f.name
            )
        } else {
            format!(
                "stored by the registration API {}, assuming callers register at start-up",
                f.name
            )
        };
        return (Verdict::Retained, Some(Release { how, site: None }));
    }
    if let Some(f) = add.function
        && index.functions[f].test_helper
    {
        // A test binary ends with its tests: what a helper keeps is bounded by the test run.
        return (
            Verdict::Retained,
            Some(Release {
                how: format!(
                    "stored by the test helper {} (it takes a testing.TB): kept for one test run",
                    index.function_words(f)
                ),
                site: None,
            }),
        );
    }
    if let Some(f) = add.function
        && index.functions[f].type_args_only
    {
        return (
            Verdict::Retained,
            Some(Release {
                how: format!(
                    "{} takes no values, only type arguments: one entry per instantiation, bounded by the program's set of types",
                    index.function_words(f)
                ),
                site: None,
            }),
        );
    }
    if let Some((how, at)) = index
        .globals
        .get(&add.global)
        .and_then(|g| g.foreign.as_ref())
        .and_then(|h| h.released.as_ref())
    {
        return (
            Verdict::Retained,
            Some(Release {
                how: how.clone(),
                site: at.as_ref().map(|s| cx.site_ref(s)),
            }),
        );
    }
    if let Some(f) = &add.once_per_key {
        return (
            Verdict::Retained,
            Some(Release {
                how: format!(
                    "one entry per key: {f} panics when a key is added twice (as flag definitions and registries do)"
                ),
                site: None,
            }),
        );
    }
    // A release through a method lets go of the field it names; a store through a method
    // adds to the field it names: another field's release (`f.args = f.args[1:]`) is not one.
    let same_field = |r: &&Effect| match (&add.field, &r.field) {
        (Some(a), Some(b)) => a == b || a.starts_with(&format!("{b}.")),
        _ => true,
    };
    if let Some(rel) = index.releases_of(&add.global).find(same_field) {
        return (
            Verdict::Retained,
            Some(Release {
                how: rel.kind.verb().to_string(),
                site: Some(cx.site(index, &rel.loc)),
            }),
        );
    }
    if let (Some(f), Some(k)) = (add.function, add.key.as_deref())
        && index.param_always_literal(f, k)
    {
        return (
            Verdict::Retained,
            Some(Release {
                how: format!(
                    "keyed by `{k}`, which every caller passes as a constant: one entry per constant"
                ),
                site: None,
            }),
        );
    }
    if let Some(k) = add.key.as_deref().map(str::trim)
        && (k.starts_with(['"', '`']) || k.parse::<i64>().is_ok() || index.consts.contains(k))
    {
        // `counts["tick"]++`: the same key each time, one entry.
        return (
            Verdict::Retained,
            Some(Release {
                how: format!("keyed by the constant {k}: one entry, replaced each time"),
                site: None,
            }),
        );
    }
    if add.key.as_deref().is_some_and(keyed_by_type) {
        // Guard: reflect's, encoding/json's and gob's caches are keyed by types, and a program
        // has a fixed set of types: such a cache stops growing.
        return (
            Verdict::Retained,
            Some(Release {
                how: "keyed by types: bounded by the program's set of types".to_string(),
                site: None,
            }),
        );
    }
    if add.kind == EffectKind::Assign {
        // One value at a time: the next assignment lets the previous one go.
        return (
            Verdict::Retained,
            Some(Release {
                how: "replaced by the next assignment".to_string(),
                site: None,
            }),
        );
    }
    (Verdict::LeakRisk, None)
}
