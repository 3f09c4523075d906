//! EE0308: a finalizer that keeps its own object alive. `runtime.SetFinalizer(x, f)` runs f
//! once x is unreachable; if f is a closure that refers to x itself (not to its parameter), the
//! finalizer table keeps x reachable through f, so x is never collected and f never runs.

use super::syntax::{args, callee, mentions, visit};
use super::{Context, SourceFinding};
use crate::finding::Verdict;
use crate::rules::FINALIZER as RULE;
use crate::source::PackageIndex;

pub fn check(cx: &Context<'_>, index: &PackageIndex, out: &mut Vec<SourceFinding>) {
    for (f, file) in index.files.iter().enumerate() {
        if !super::syntax::mentions_any(&file.text, &["runtime.SetFinalizer"]) {
            continue;
        }
        let mut calls = Vec::new();
        visit(file.tree.root_node(), &mut |n| {
            if n.kind() == "call_expression" && callee(file, n) == "runtime.SetFinalizer" {
                calls.push(n);
            }
            true
        });
        for call in calls {
            let a = args(call);
            let (Some(obj), Some(fin)) = (a.first(), a.get(1)) else {
                continue;
            };
            if fin.kind() != "func_literal" || obj.kind() != "identifier" {
                continue;
            }
            let name = file.text_of(*obj);
            let params = fin
                .child_by_field_name("parameters")
                .map(|p| file.text_of(p))
                .unwrap_or("");
            let body = fin
                .child_by_field_name("body")
                .map(|b| file.text_of(b))
                .unwrap_or("");
            // Guard: a parameter with the object's name shadows it; the usual correct form.
            if mentions(params, name) || !mentions(body, name) {
                continue;
            }
            let mut sf = SourceFinding::new(
                &RULE,
                Verdict::LeakRisk,
                cx.loc_of(f, call),
                name.to_string(),
                format!(
                    "the finalizer closure captures `{name}` itself, so the runtime's finalizer table keeps `{name}` reachable: it is never collected and the finalizer never runs"
                ),
            );
            sf.holder_name = Some("the runtime's finalizer table".into());
            out.push(sf);
        }
    }
}
