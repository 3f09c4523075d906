//! EE0301 and EE0302: C memory. `C.CString`, `C.CBytes` and `C.malloc` allocate with C's
//! malloc; Go's garbage collector never sees that memory, so it is freed only by `C.free`. It
//! shows in RSS, never in `pprof heap`.
//!
//! EE0301: an allocation not passed to `C.free` on every path out of its function (directly,
//! through `defer`, or through a helper of the package that frees), and neither returned nor
//! stored for a later free. EE0302: `defer C.free(...)` inside a loop, which frees each
//! iteration's memory only when the function returns.

use std::collections::HashSet;

use tree_sitter::Node;

use super::syntax::{args, bound_name, callee, enclosing_function, mentions, own, visit};
use super::{Context, SourceFinding};
use crate::finding::{Evidence, Release, Verdict};
use crate::rules::{CGO_DEFER_IN_LOOP, CGO_NOT_FREED};
use crate::source::{GoFile, PackageIndex};

const ALLOCATORS: &[&str] = &["C.CString", "C.CBytes", "C.malloc", "C.calloc"];

pub fn check(cx: &Context<'_>, index: &PackageIndex, out: &mut Vec<SourceFinding>) {
    let helpers = freeing_helpers(index);
    for (f, file) in index.files.iter().enumerate() {
        if !file.text.contains("\"C\"") {
            continue;
        }
        let preamble = preamble_freeing_functions(file);
        let root = file.tree.root_node();
        let mut calls = Vec::new();
        visit(root, &mut |n| {
            if n.kind() == "call_expression" && ALLOCATORS.contains(&callee(file, n)) {
                calls.push(n);
            }
            true
        });
        for call in calls {
            if let Some(sf) = allocation(cx, index, f, file, call, &helpers, &preamble) {
                out.push(sf);
            }
        }
    }
}

fn allocation(
    cx: &Context<'_>,
    index: &PackageIndex,
    f: usize,
    file: &GoFile,
    call: Node<'_>,
    helpers: &HashSet<String>,
    preamble: &HashSet<String>,
) -> Option<SourceFinding> {
    let alloc = callee(file, call).to_string();
    let func = enclosing_function(call)?;
    let body = func.child_by_field_name("body")?;
    let subject = file.text_of(call).to_string();
    let at = cx.loc_of(f, call);
    let Some(var) = bound_name(file, call).map(str::to_string) else {
        // Passed straight on: `C.puts(C.CString(s))`.
        let outer = outer_call(file, call).map(|c| callee(file, c).to_string());
        return match outer {
            Some(c) if c == "C.free" => None,
            Some(c) if c.starts_with("C.") && preamble.contains(&c[2..]) => {
                Some(assumed(at, &alloc, &subject, &c))
            }
            // Stored or returned as written: the new owner frees it.
            None if stored_or_returned(call) => None,
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
    let frees: Vec<Node<'_>> = own(body, "call_expression")
        .into_iter()
        .filter(|c| c.start_byte() > call.start_byte())
        .filter(|c| {
            let name = callee(file, *c);
            let frees = name == "C.free" || helpers.contains(name);
            frees && args(*c).iter().any(|a| mentions(file.text_of(*a), &var))
        })
        .collect();
    if frees.is_empty() {
        if own(body, "return_statement")
            .iter()
            .flat_map(|r| {
                let mut c = r.walk();
                r.named_children(&mut c)
                    .flat_map(|l| {
                        let mut c2 = l.walk();
                        l.named_children(&mut c2).collect::<Vec<_>>()
                    })
                    .collect::<Vec<_>>()
            })
            .any(|e| is_itself(file.text_of(e), &var))
            || escapes_to_field(file, body, &var)
        {
            return None; // returned or stored: the caller or the holder owns it now
        }
        if let Some(c) = own(body, "call_expression").into_iter().find(|c| {
            let name = callee(file, *c);
            name.starts_with("C.")
                && preamble.contains(&name[2..])
                && args(*c).iter().any(|a| mentions(file.text_of(*a), &var))
        }) {
            let name = callee(file, c).to_string();
            return Some(assumed(at, &alloc, &subject, &name));
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
    if let Some(d) = frees.iter().find_map(|c| {
        let defer = super::syntax::ancestor(*c, &["defer_statement"])?;
        super::syntax::ancestor(defer, &["for_statement"]).map(|_| defer)
    }) {
        let mut sf = SourceFinding::new(
            &CGO_DEFER_IN_LOOP,
            Verdict::LeakRisk,
            at,
            subject,
            "a deferred C.free runs when the function returns, not at the end of the iteration: the C memory of every iteration stays allocated until then".into(),
        );
        sf.evidence.push(Evidence {
            note: "deferred free inside the loop".into(),
            site: Some(cx.site(index, &cx.loc_of(f, d))),
        });
        return Some(sf);
    }
    let deferred = frees
        .iter()
        .any(|c| super::syntax::ancestor(*c, &["defer_statement"]).is_some());
    if deferred {
        return None;
    }
    // An explicit free: every return between the allocation and the first free skips it.
    let first_free = frees.iter().map(|c| c.start_byte()).min()?;
    let skip = own(body, "return_statement")
        .into_iter()
        .find(|r| r.start_byte() > call.end_byte() && r.start_byte() < first_free)?;
    let mut sf = SourceFinding::new(
        &CGO_NOT_FREED,
        Verdict::LeakRisk,
        at,
        subject,
        format!(
            "`{var}` is freed, but the return at line {} leaves before the free; Go's garbage collector does not see C memory",
            skip.start_position().row + 1
        ),
    );
    sf.evidence.push(Evidence {
        note: "this return skips C.free".into(),
        site: Some(cx.site(index, &cx.loc_of(f, skip))),
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

/// `outer(..., C.CString(s), ...)`: the call the allocation is an argument of (through
/// conversions such as `unsafe.Pointer(...)` and `(*C.char)(...)`).
fn outer_call<'t>(file: &GoFile, call: Node<'t>) -> Option<Node<'t>> {
    let mut n = call;
    loop {
        let p = n.parent()?;
        match p.kind() {
            "argument_list" => {
                let c = p.parent()?;
                n = c;
                // A conversion like unsafe.Pointer(x) is a call in the syntax: look through it.
                if is_conversion(file, c) {
                    continue;
                }
                return Some(c);
            }
            "parenthesized_expression" | "type_conversion_expression" => n = p,
            _ => return None,
        }
    }
}

/// `unsafe.Pointer(x)`, `(*C.char)(x)`, `uintptr(x)`: a conversion, not a call that takes
/// the memory.
fn is_conversion(file: &GoFile, call: Node<'_>) -> bool {
    let c = callee(file, call);
    c == "unsafe.Pointer" || c == "uintptr" || c.starts_with('(')
}

fn stored_or_returned(call: Node<'_>) -> bool {
    let mut n = call;
    while let Some(p) = n.parent() {
        match p.kind() {
            "return_statement" | "keyed_element" | "literal_element" => return true,
            "assignment_statement" => return true,
            "block" | "expression_statement" => return false,
            _ => n = p,
        }
    }
    false
}

/// `v`, `unsafe.Pointer(v)`, `(*T)(v)`: the pointer itself, not a use of it.
fn is_itself(text: &str, var: &str) -> bool {
    let t = text.trim();
    t == var
        || t == format!("unsafe.Pointer({var})")
        || (t.starts_with('(') && t.ends_with(&format!(")({var})")))
}

/// `x.p = v`, `global = v`, `T{p: v}`: stored for a later free.
fn escapes_to_field(file: &GoFile, body: Node<'_>, var: &str) -> bool {
    own(body, "assignment_statement").into_iter().any(|a| {
        let left = a
            .child_by_field_name("left")
            .map(|l| file.text_of(l))
            .unwrap_or("");
        let right = a
            .child_by_field_name("right")
            .map(|r| file.text_of(r))
            .unwrap_or("");
        left != var && is_itself(right, var)
    }) || own(body, "keyed_element").into_iter().any(|k| {
        k.child_by_field_name("value")
            .is_some_and(|v| is_itself(file.text_of(v), var))
    })
}

/// Functions of the package that call C.free (on whatever they are given).
fn freeing_helpers(index: &PackageIndex) -> HashSet<String> {
    index
        .functions
        .iter()
        .filter(|f| {
            let text = &index.files[f.loc.file].text[f.loc.start..f.loc.end];
            text.contains("C.free(")
        })
        .map(|f| f.name.clone())
        .collect()
}

/// Names of the C functions defined in the file's cgo preamble whose body calls free().
fn preamble_freeing_functions(file: &GoFile) -> HashSet<String> {
    let mut out = HashSet::new();
    let Some(i) = file.text.find("import \"C\"") else {
        return out;
    };
    let pre = &file.text[..i];
    // Each `name(...) {` ... matching `}`.
    let bytes = pre.as_bytes();
    let mut pos = 0;
    while let Some(open) = pre[pos..].find('{').map(|o| o + pos) {
        let head = &pre[..open];
        let close = {
            let mut depth = 0usize;
            let mut end = None;
            for (j, &b) in bytes.iter().enumerate().skip(open) {
                match b {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(j);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            match end {
                Some(e) => e,
                None => break,
            }
        };
        let body = &pre[open..close];
        if let Some(paren) = head.rfind('(') {
            let name: String = head[..paren]
                .trim_end()
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if !name.is_empty() && body.contains("free(") {
                out.insert(name);
            }
        }
        pos = close + 1;
    }
    out
}
