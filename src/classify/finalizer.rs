//! EE0308: a finalizer that keeps its own object alive. `runtime.SetFinalizer(x, f)` runs f
//! once x is unreachable; if f is a closure that refers to x itself (not to its parameter), the
//! finalizer table keeps x reachable through f, so x is never collected and f never runs.

use super::{Context, SourceFinding};
use crate::finding::Verdict;
use crate::rules::FINALIZER as RULE;
use crate::source::PackageIndex;

pub fn check(_cx: &Context<'_>, index: &PackageIndex, out: &mut Vec<SourceFinding>) {
    for call in index.set_finalizers() {
        let (Some(obj), Some(fin)) = (call.obj, call.closure) else {
            continue;
        };
        // Guard: a parameter with the object's name is another variable (the usual correct
        // form), so only a capture of the object's own binding keeps it.
        if !index
            .captures_of(fin)
            .iter()
            .any(|v| v.decl == index.vars[obj.0 as usize].decl)
        {
            continue;
        }
        let name = index.vars[obj.0 as usize].name.clone();
        let mut sf = SourceFinding::new(
            &RULE,
            Verdict::LeakRisk,
            call.loc,
            name.clone(),
            format!(
                "the finalizer closure captures `{name}` itself, so the runtime's finalizer table keeps `{name}` reachable: it is never collected and the finalizer never runs"
            ),
        );
        sf.holder_name = Some("the runtime's finalizer table".into());
        out.push(sf);
    }
}

#[cfg(test)]
mod tests {
    use crate::classify::{codes_at, source_findings};

    /// The closure refers to the object's own variable: the finalizer table keeps it. A
    /// parameter with the same name is another variable.
    #[test]
    fn a_finalizer_that_captures_its_object() {
        let leak = "package p\n\nimport \"runtime\"\n\ntype R struct{ fd int }\n\nfunc close(int) {}\n\nfunc New() *R {\n\tr := &R{}\n\truntime.SetFinalizer(r, func(_ *R) { close(r.fd) })\n\treturn r\n}\n";
        assert_eq!(
            codes_at(&source_findings(leak, Some(27))),
            [("EE0308".to_string(), 11, "leak-risk")]
        );
        let trap = leak.replace("func(_ *R) { close(r.fd) }", "func(r *R) { close(r.fd) }");
        assert_eq!(codes_at(&source_findings(&trap, Some(27))), []);
    }
}
