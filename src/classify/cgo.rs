//! EE0301 and EE0302: C memory. `C.CString`, `C.CBytes` and `C.malloc` allocate with C's
//! malloc; Go's garbage collector never sees that memory, so it is freed only by `C.free`. It
//! shows in RSS, never in `pprof heap`.
//!
//! EE0301: an allocation not passed to `C.free` on every path out of its function (directly,
//! through `defer`, or through a helper of the package that frees), and neither returned nor
//! stored for a later free. EE0302: `defer C.free(...)` inside a loop, which frees each
//! iteration's memory only when the function returns.

use super::{Context, SourceFinding};
use crate::finding::{Evidence, Release, Verdict};
use crate::rules::{CGO_DEFER_IN_LOOP, CGO_NOT_FREED};
use crate::source::PackageIndex;
use crate::source::index::{CAlloc, CUse, CUseKind};

pub fn check(cx: &Context<'_>, index: &PackageIndex, out: &mut Vec<SourceFinding>) {
    for a in index.c_allocs() {
        if let Some(sf) = allocation(cx, index, a) {
            out.push(sf);
        }
    }
}

fn allocation(cx: &Context<'_>, index: &PackageIndex, a: &CAlloc) -> Option<SourceFinding> {
    let alloc = a.api.as_str();
    let func = a.function?;
    let subject = a.text.clone();
    let at = a.loc;
    let Some(v) = a.bound else {
        // Passed straight on: `C.puts(C.CString(s))`.
        return match a.passed_to.as_deref() {
            Some("C.free") => None,
            Some(c) if index.preamble_frees(at.file, c) => Some(assumed(at, alloc, &subject, c)),
            // Stored or returned as written: the new owner frees it.
            None if a.stored_or_returned => None,
            other => Some(SourceFinding::new(
                &CGO_NOT_FREED,
                Verdict::LeakRisk,
                at,
                subject,
                format!(
                    "the C memory from {alloc} is passed {} and never freed; Go's garbage collector does not see C memory, so it grows RSS and never shows in pprof heap",
                    other
                        .map(|c| format!("to {c}"))
                        .unwrap_or_else(|| "on".into())
                ),
            )),
        };
    };
    let var = index.vars[v.0 as usize].name.clone();
    // What this function's own code does with the variable after the allocation.
    // A use in a closure of the function (`defer func() { C.free(...) }()`) counts, as a
    // deferred one: the closure runs later, if at all.
    let in_closure = |u: &CUse| u.function != Some(func) && index.within(u.function, func);
    let uses: Vec<&CUse> = index
        .c_uses(v)
        .filter(|u| (u.function == Some(func) || in_closure(u)) && u.loc.start > at.start)
        .collect();
    let frees: Vec<(&CUse, bool, bool)> = uses
        .iter()
        .filter_map(|u| match &u.kind {
            CUseKind::Call {
                callee,
                deferred,
                in_loop,
            } if index.frees_c(callee) => {
                Some((*u, *deferred || in_closure(u), *in_loop && !in_closure(u)))
            }
            _ => None,
        })
        .collect();
    if frees.is_empty() {
        if uses
            .iter()
            .any(|u| matches!(u.kind, CUseKind::Returned | CUseKind::Stored))
        {
            return None; // returned or stored: the caller or the holder owns it now
        }
        if let Some(name) = uses.iter().find_map(|u| match &u.kind {
            CUseKind::Call { callee, .. } if index.preamble_frees(at.file, callee) => {
                Some(callee.clone())
            }
            _ => None,
        }) {
            return Some(assumed(at, alloc, &subject, &name));
        }
        return Some(SourceFinding::new(
            &CGO_NOT_FREED,
            Verdict::LeakRisk,
            at,
            subject,
            format!(
                "`{var}` holds C memory from {alloc} and nothing frees it; Go's garbage collector does not see C memory, so it grows RSS and never shows in pprof heap"
            ),
        ));
    }
    if let Some((d, ..)) = frees
        .iter()
        .find(|(_, deferred, in_loop)| *deferred && *in_loop)
    {
        let mut sf = SourceFinding::new(
            &CGO_DEFER_IN_LOOP,
            Verdict::LeakRisk,
            at,
            subject,
            "a deferred C.free runs when the function returns, not at the end of the iteration: the C memory of every iteration stays allocated until then".into(),
        );
        sf.evidence.push(Evidence {
            note: "deferred free inside the loop".into(),
            site: Some(cx.site(index, &d.loc)),
        });
        return Some(sf);
    }
    if frees.iter().any(|(_, deferred, _)| *deferred) {
        return None;
    }
    // An explicit free: every return between the allocation and the first free skips it.
    let first_free = frees.iter().map(|(u, ..)| u.loc.start).min()?;
    let skip = index
        .returns_of(func)
        .iter()
        .find(|r| r.start > at.end && r.start < first_free)?;
    let mut sf = SourceFinding::new(
        &CGO_NOT_FREED,
        Verdict::LeakRisk,
        at,
        subject,
        format!(
            "`{var}` is freed, but the return at line {} leaves before the free; Go's garbage collector does not see C memory",
            skip.line
        ),
    );
    sf.evidence.push(Evidence {
        note: "this return skips C.free".into(),
        site: Some(cx.site(index, skip)),
    });
    Some(sf)
}

/// C took the pointer: assumed to free it, because the preamble's C function calls free().
fn assumed(
    at: crate::source::index::Loc,
    alloc: &str,
    subject: &str,
    c_func: &str,
) -> SourceFinding {
    let mut sf = SourceFinding::new(
        &CGO_NOT_FREED,
        Verdict::Retained,
        at,
        subject.to_string(),
        format!(
            "the C memory from {alloc} is handed to {c_func}; assumed freed there, because its C definition in the preamble calls free()"
        ),
    );
    sf.release = Some(Release {
        how: format!("assumed freed by {c_func} (its C body calls free)"),
        site: None,
    });
    sf
}

#[cfg(test)]
mod tests {
    use crate::classify::{codes_at, source_findings};

    fn c(body: &str) -> Vec<(String, u32, &'static str)> {
        let src = format!(
            "package p\n\n/*\n#include <stdlib.h>\nvoid take(char *s) {{ free(s); }}\n*/\nimport \"C\"\n\nimport \"unsafe\"\n\n{body}"
        );
        codes_at(&source_findings(&src, Some(27)))
    }

    /// A `C.CString` bound to a variable is freed by a deferred `C.free`, by a helper that
    /// frees, or by a C function of the preamble that calls free(); a free of another
    /// function's variable of the same name frees nothing here.
    #[test]
    fn c_memory_by_binding() {
        let freed =
            "func A(s string) {\n\tcs := C.CString(s)\n\tdefer C.free(unsafe.Pointer(cs))\n}\n";
        assert_eq!(c(freed), []);
        let leak = "func A(s string) {\n\tcs := C.CString(s)\n\t_ = cs\n}\n\nfunc B(s string) {\n\tcs := C.CString(s)\n\tC.free(unsafe.Pointer(cs))\n}\n";
        assert_eq!(c(leak), [("EE0301".to_string(), 12, "leak-risk")]);
        let helper = "func release(p *C.char) { C.free(unsafe.Pointer(p)) }\n\nfunc A(s string) {\n\tcs := C.CString(s)\n\trelease(cs)\n}\n";
        assert_eq!(c(helper), []);
        let preamble = "func A(s string) {\n\tcs := C.CString(s)\n\tC.take(cs)\n}\n";
        assert_eq!(c(preamble), [("EE0301".to_string(), 12, "retained")]);
        let in_loop = "func A(xs []string) {\n\tfor _, s := range xs {\n\t\tcs := C.CString(s)\n\t\tdefer C.free(unsafe.Pointer(cs))\n\t}\n}\n";
        assert_eq!(c(in_loop), [("EE0302".to_string(), 13, "leak-risk")]);
        let returned = "func A(s string) unsafe.Pointer {\n\tcs := C.CString(s)\n\treturn unsafe.Pointer(cs)\n}\n";
        assert_eq!(c(returned), []);
    }
}

#[cfg(test)]
mod review_tests {
    use crate::classify::{codes_at, source_findings};

    /// C memory freed in a deferred closure is freed.
    #[test]
    fn a_free_in_a_deferred_closure() {
        let src = "package p\n\n/*\n#include <stdlib.h>\n*/\nimport \"C\"\n\nimport \"unsafe\"\n\nfunc A(s string) {\n\tcs := C.CString(s)\n\tdefer func() { C.free(unsafe.Pointer(cs)) }()\n}\n";
        assert_eq!(codes_at(&source_findings(src, Some(27))), []);
    }
}
