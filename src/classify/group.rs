//! One finding per holder site. The key, the value and the allocations inside it that a store
//! keeps (`sessions[id] = &Session{ID: id, Data: buf}`) are one fact about one line: the holder
//! grows there. Each becomes a kept value of a single finding placed at the store, so the
//! report counts places where memory can grow, not the values that pass through them.

use std::collections::HashMap;
use std::sync::Arc;

use crate::escape::Position;
use crate::finding::{Evidence, Finding, Verdict, quoted};
use crate::rules::RuleId;

/// Merges held findings (retained, leak-risk) with the same holder and add site. A store that
/// both grows a holder and keeps a sub-slice in it is one place: the sub-slice finding, the
/// more telling of the two, leads.
pub fn by_holder_site(findings: Vec<Finding>) -> Vec<Finding> {
    // Merged in place: a package can have hundreds of thousands of findings, and a second
    // vector of them would double the peak.
    let mut slots: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    let mut at: HashMap<(String, String, u32, u32), usize> = HashMap::new();
    // The subjects kept at each merged site, in the order they were reported.
    let mut subjects: HashMap<usize, Vec<String>> = HashMap::new();
    for j in 0..slots.len() {
        let Some(f) = &slots[j] else { continue };
        let key = match (&f.holder, f.verdict) {
            (Some(h), Verdict::Retained | Verdict::LeakRisk) => h
                .added
                .as_ref()
                .filter(|a| !a.path.is_empty())
                .map(|a| (h.name.clone(), a.path.clone(), a.line, a.column)),
            _ => None,
        };
        let Some(key) = key else { continue };
        match at.get(&key) {
            Some(&i) => {
                let f = slots[j].take().expect("checked above");
                let into = slots[i].as_mut().expect("a merge target stays");
                let list = subjects
                    .entry(i)
                    .or_insert_with(|| vec![into.subject.clone()]);
                if !list.contains(&f.subject) && f.diagnostic.is_some() {
                    list.push(f.subject.clone());
                }
                if leads(&f, into) {
                    // The sub-slice finding, or a stronger verdict, tells the site's story;
                    // what was there becomes one more kept value of it.
                    list.retain(|s| s != &f.subject);
                    list.insert(0, f.subject.clone());
                    let prev = std::mem::replace(into, at_site(f));
                    merge(into, prev);
                } else {
                    merge(into, f);
                }
            }
            None => {
                at.insert(key, j);
                let f = slots[j].take().expect("checked above");
                slots[j] = Some(at_site(f));
            }
        }
    }
    for (i, list) in subjects {
        if list.len() > 1
            && let Some(f) = &mut slots[i]
        {
            retitle(f, &list);
        }
    }
    fold_initializers(&mut slots);
    by_function(&mut slots);
    compact(slots)
}

/// Several stores one function makes into one package-level holder are one finding: the first
/// store leads, the others are listed (`also_added`), and the strongest verdict stands.
fn by_function(slots: &mut [Option<Finding>]) {
    let key = |f: &Finding| -> Option<(String, String, u32, String)> {
        let h = f.holder.as_ref()?;
        let d = h.declared.as_ref()?;
        if h.kind == crate::rules::HolderKind::Goroutine
            || !matches!(f.verdict, Verdict::Retained | Verdict::LeakRisk)
            || h.added.is_none()
        {
            return None;
        }
        Some((h.name.clone(), d.path.clone(), d.line, f.function.clone()?))
    };
    let mut first: HashMap<(String, String, u32, String), usize> = HashMap::new();
    for j in 0..slots.len() {
        let Some(k) = slots[j].as_ref().and_then(key) else {
            continue;
        };
        let Some(&i) = first.get(&k) else {
            first.insert(k, j);
            continue;
        };
        let mut f = slots[j].take().expect("checked above");
        let into = slots[i].as_mut().expect("a merge target stays");
        if f.verdict > into.verdict {
            // The store that can grow tells the story; the bounded one is listed.
            std::mem::swap(into, &mut f);
            if let (Some(a), Some(b)) = (into.holder.as_mut(), f.holder.as_mut()) {
                a.also_added.append(&mut b.also_added);
            }
        }
        if into.verdict == Verdict::LeakRisk
            && let Some(h) = f.holder.as_mut()
        {
            // What bounds a listed store does not bound the one that grows.
            h.released = None;
        }
        if let Some(site) = f.holder.as_ref().and_then(|h| h.added.clone())
            && let Some(h) = into.holder.as_mut()
            && !h.also_added.contains(&site)
            && h.added.as_ref() != Some(&site)
        {
            into.evidence.push(Evidence {
                note: format!("also added to `{}` here, by the same function", h.name),
                site: Some(site.clone()),
            });
            h.also_added.push(site);
        }
        merge(into, f);
    }
}

/// A package-level variable's initializer (`var counts = map[string]int{}`) and the stores
/// into it are one holder: the initializer goes into the first store's finding, where the
/// declaration is already shown, instead of being a second finding. With no store finding it
/// stays on its own.
fn fold_initializers(slots: &mut [Option<Finding>]) {
    let is_initializer = |f: &Finding| {
        f.holder.as_ref().is_some_and(|h| {
            matches!(
                (&h.declared, &h.added),
                (Some(d), Some(a)) if d.path == a.path && d.line == a.line
            )
        })
    };
    let mut store_of: HashMap<String, usize> = HashMap::new();
    for (i, f) in slots.iter().enumerate() {
        if let Some(f) = f
            && let Some(h) = &f.holder
            && h.declared.is_some()
            && matches!(f.verdict, Verdict::Retained | Verdict::LeakRisk)
            && !is_initializer(f)
        {
            store_of.entry(h.name.clone()).or_insert(i);
        }
    }
    for j in 0..slots.len() {
        let Some(f) = &slots[j] else { continue };
        if !is_initializer(f) || !matches!(f.verdict, Verdict::Retained | Verdict::LeakRisk) {
            continue;
        }
        let Some(&i) = f.holder.as_ref().and_then(|h| store_of.get(&h.name)) else {
            continue;
        };
        let f = slots[j].take().expect("checked above");
        let into = slots[i].as_mut().expect("a store finding stays");
        let file = own_file(into);
        let at = f
            .position
            .as_ref()
            .map(|p| format!(" ({})", place_in(p, file.as_deref())))
            .unwrap_or_default();
        into.evidence.push(Evidence {
            note: format!(
                "the holder itself, {}{at}, is made once when the package is initialized",
                quoted(&f.subject)
            ),
            site: None,
        });
        absorb_compiler(into, f.compiler);
    }
}

/// "`a`, `b` and `c` are kept ..." for a title written for one value ("`a` is kept ..."). The
/// allocation leads: a parameter name says less than `make([]byte, n)` or `&T{...}`.
fn retitle(f: &mut Finding, subjects: &[String]) {
    let Some(rest) = f.title.strip_prefix(&format!("{} is ", quoted(&f.subject))) else {
        return;
    };
    let mut ordered: Vec<&String> = subjects.iter().filter(|s| !is_name(s)).collect();
    ordered.extend(subjects.iter().filter(|s| is_name(s)));
    let words: Vec<String> = ordered.iter().map(|s| quoted(s)).collect();
    // A title names a few; the note lists every one (`also kept here`).
    f.title = if words.len() > TITLE_SUBJECTS {
        let more = words.len() - (TITLE_SUBJECTS - 1);
        format!(
            "{} and {more} more values are {rest}",
            words[..TITLE_SUBJECTS - 1].join(", ")
        )
    } else {
        let (last, head) = words.split_last().expect("two or more");
        format!("{} and {last} are {rest}", head.join(", "))
    };
    // The finding is about what is kept: the allocation, when there is one.
    f.subject = ordered[0].clone();
}

/// A place in a note: `line 18` in the finding's own file (the reader has its path in the
/// header, written from where they stand), the whole `path:line:col` in another.
fn place_in(p: &Position, file: Option<&str>) -> String {
    match p.path.as_deref() {
        Some(q) if Some(q) == file => format!("line {}", p.line),
        _ => p.display_best(),
    }
}

/// The file a finding is in, by its path from the module root.
fn own_file(f: &Finding) -> Option<String> {
    f.position.as_ref()?.path.as_deref().map(str::to_string)
}

/// The note that lists the other values a holder site keeps.
const ALSO_KEPT: &str = "also kept here: ";

/// How many kept values a title names before "and N more values".
const TITLE_SUBJECTS: usize = 3;

/// A bare identifier (a parameter or variable), as opposed to an allocation.
fn is_name(s: &str) -> bool {
    s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// The finding moved to the store that adds to its holder; where the value itself was
/// reported stays in the evidence.
fn at_site(mut f: Finding) -> Finding {
    let Some(added) = f.holder.as_ref().and_then(|h| h.added.clone()) else {
        return f;
    };
    let allocated = allocated_at(&f);
    if let Some(h) = f.holder.as_mut() {
        h.kept_at = allocated;
    }
    let same_line = f
        .position
        .as_ref()
        .is_some_and(|p| p.path.as_deref() == Some(added.path.as_str()) && p.line == added.line);
    if !same_line && let Some(p) = &f.position {
        f.evidence.insert(
            0,
            Evidence {
                note: format!(
                    "{} is reported at {}",
                    quoted(&f.subject),
                    place_in(p, Some(&added.path))
                ),
                site: None,
            },
        );
    }
    let path: Arc<str> = Arc::from(added.path.as_str());
    f.position = Some(Position {
        file: path.clone(),
        line: added.line,
        column: Some(added.column),
        original: None,
        path: Some(path),
    });
    f
}

/// Where a finding's values were allocated: its own line until it is moved to a store.
fn allocated_at(f: &Finding) -> Vec<(Arc<str>, u32)> {
    match f.holder.as_ref().filter(|h| !h.kept_at.is_empty()) {
        Some(h) => h.kept_at.clone(),
        None => f
            .position
            .as_ref()
            .and_then(|p| Some((p.path.clone()?, p.line)))
            .into_iter()
            .collect(),
    }
}

/// One finding per position and message, however many instantiations of generic code the
/// compiler reported there: each instantiation's diagnostic is the same fact about the same
/// source line. Every text is put in source terms first (no `go.shape`, `.dict`, `~r0`); the
/// compiler's own lines of each instantiation stay in `compiler`.
pub fn by_instantiation(findings: Vec<Finding>) -> Vec<Finding> {
    // In place, as in `by_holder_site`.
    let mut slots: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    let mut at: HashMap<crate::finding::SiteKey, usize> = HashMap::new();
    let mut extra: HashMap<usize, usize> = HashMap::new();
    for j in 0..slots.len() {
        let Some(f) = &mut slots[j] else { continue };
        super::words::plain_finding(f);
        let Some(key) = f.site_key() else { continue };
        match at.get(&key) {
            Some(&i) => {
                let f = slots[j].take().expect("checked above");
                *extra.entry(i).or_default() += 1;
                let into = slots[i].as_mut().expect("a merge target stays");
                if f.verdict > into.verdict {
                    into.verdict = f.verdict;
                }
                absorb_compiler(into, f.compiler);
            }
            None => {
                at.insert(key, j);
            }
        }
    }
    for (i, n) in extra {
        if let Some(f) = &mut slots[i] {
            f.evidence.push(Evidence {
                note: format!(
                    "the compiler reported this for {} instantiations of the generic code; it is one fact about this line",
                    n + 1
                ),
                site: None,
            });
        }
    }
    compact(slots)
}

/// A finding that should tell the story of a site over the one already there: a kept
/// sub-slice (at the same verdict it says more than "the holder grows").
fn leads(new: &Finding, old: &Finding) -> bool {
    new.verdict >= old.verdict && new.code == RuleId::Subslice && old.code != RuleId::Subslice
}

/// Adds `other`'s value to `into`: the strongest verdict, one more kept value.
fn merge(into: &mut Finding, other: Finding) {
    if other.verdict > into.verdict {
        into.verdict = other.verdict;
        into.title = other.title.clone();
        into.why = other.why.clone();
        into.fix = other.fix.clone();
    }
    if into.holder.as_ref().is_some_and(|h| h.released.is_none())
        && let Some(rel) = other.holder.as_ref().and_then(|h| h.released.clone())
        && let Some(h) = into.holder.as_mut()
    {
        // What bounds the holder is known whichever finding found it.
        h.released = Some(rel);
    }
    let allocated = allocated_at(&other);
    if let Some(h) = into.holder.as_mut() {
        for place in allocated {
            if !h.kept_at.contains(&place) {
                h.kept_at.push(place);
            }
        }
    }
    // The source's own record of the store adds nothing to the compiler's narrative of it.
    let source_twin = other.diagnostic.is_none() && into.diagnostic.is_some();
    if source_twin
        && other
            .holder
            .as_ref()
            .is_some_and(|h| h.kind == crate::rules::HolderKind::Goroutine)
    {
        // The goroutine's own finding knows what the compiler does not: the loop with no way
        // out, the wrapper it was started through, how often it is started.
        for e in &other.evidence {
            if !into.evidence.iter().any(|x| x.note == e.note) {
                into.evidence.push(e.clone());
            }
        }
    }
    if other.subject != into.subject && !source_twin {
        let file = own_file(into);
        let at = other
            .position
            .as_ref()
            .map(|p| format!(" ({})", place_in(p, file.as_deref())))
            .unwrap_or_default();
        // One note lists them all, however many a holder site keeps.
        let kept = format!("{}{at}", quoted(&other.subject));
        match into
            .evidence
            .iter_mut()
            .find(|e| e.note.starts_with(ALSO_KEPT))
        {
            Some(e) => {
                e.note.push_str(", ");
                e.note.push_str(&kept);
            }
            None => into.evidence.push(Evidence {
                note: format!("{ALSO_KEPT}{kept}"),
                site: None,
            }),
        }
    }
    absorb_compiler(into, other.compiler);
}

/// The compiler's lines of a finding merged into another, each once.
fn absorb_compiler(into: &mut Finding, lines: Vec<String>) {
    for line in lines {
        if !into.compiler.contains(&line) {
            into.compiler.push(line);
        }
    }
}

/// The findings left in `slots`, in order, in the same allocation: `filter_map` over
/// `into_iter` is collected in place, where `flatten` (measured) builds a second vector.
#[allow(clippy::filter_map_identity)]
fn compact(slots: Vec<Option<Finding>>) -> Vec<Finding> {
    slots.into_iter().filter_map(|f| f).collect()
}

#[cfg(test)]
mod tests {
    use crate::finding::Verdict;

    /// Two stores one function makes into one package-level holder are one finding, placed
    /// at the store that can grow, listing the other; another function's store stays its own.
    #[test]
    fn one_finding_per_holder_and_function() {
        let src = "package p\n\nvar log []string\n\nfunc Record(a, b string) {\n\tlog = append(log, a)\n\tlog = append(log, b)\n}\n\nfunc Other(c string) {\n\tlog = append(log, c)\n}\n";
        let found = super::super::source_findings(src, Some(27));
        let held: Vec<_> = found
            .iter()
            .filter(|f| f.verdict == Verdict::LeakRisk)
            .collect();
        assert_eq!(held.len(), 2, "{held:#?}");
        let record = held
            .iter()
            .find(|f| f.function.as_deref() == Some("Record"))
            .unwrap();
        let h = record.holder.as_ref().unwrap();
        assert_eq!(h.added.as_ref().unwrap().line, 6);
        let also: Vec<u32> = h.also_added.iter().map(|s| s.line).collect();
        assert_eq!(also, vec![7]);
    }
}
