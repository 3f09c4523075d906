//! Why a value is on the heap when nothing long-lived holds it. Each reason has its code; all
//! of them are `heap`: the garbage collector frees the value once its users drop it.

use crate::escape::model::{FlowOp, Location, Reason};
use crate::escape::{Diagnostic, Kind};

use crate::rules::{
    CLOSURE, ESCAPES, INTERFACE, PASSED_ON, RETURNED, Rule, TOO_LARGE, UNKNOWN_SIZE,
};

/// The heap reason of a diagnostic, with the sentence that says it.
pub fn reason(d: &Diagnostic) -> (&'static Rule, String) {
    let steps = || {
        d.explanations
            .iter()
            .flat_map(|e| e.flows.iter())
            .flat_map(|f| f.steps.iter())
    };
    if let Some(r) = d.forced_heap_reason() {
        return match r {
            Reason::NonConstantSize | Reason::ZeroSizedElement => (
                &UNKNOWN_SIZE,
                format!(
                    "its size is only known at run time ({}), so the compiler cannot reserve it in the stack frame",
                    r.as_str()
                ),
            ),
            _ => (
                &TOO_LARGE,
                format!(
                    "it is {} (the compiler keeps stack frames small: 64 KiB for new objects, 128 KiB for variables since Go 1.24)",
                    r.as_str()
                ),
            ),
        };
    }
    if d.kind == Kind::LeakingParamToResult {
        let result = d.result.as_deref().unwrap_or("a result");
        return (
            &RETURNED,
            format!(
                "the parameter flows to {} of the function, so it lives as long as the caller keeps the result",
                result_words(result)
            ),
        );
    }
    let returned = d.explanations.iter().any(|e| {
        e.flows
            .iter()
            .any(|f| f.to.is_unnamed_result() || f.steps.iter().any(|s| s.reason == Reason::Return))
    });
    if returned {
        return (
            &RETURNED,
            "it is returned to the caller, so it must outlive this function's stack frame".into(),
        );
    }
    if steps().any(|s| s.reason == Reason::InterfaceConverted)
        || (d.kind == Kind::EscapesToHeap && is_plain_name(d.subject.as_deref().unwrap_or("")))
    {
        return (
            &INTERFACE,
            "it is converted to an interface (for example an argument of fmt.Println) and the box is allocated on the heap".into(),
        );
    }
    if steps().any(|s| matches!(s.reason, Reason::CapturedByClosure | Reason::Reference))
        || d.explanations.iter().any(|e| {
            e.flows
                .iter()
                .any(|f| matches!(&f.to, Location::Storage(s) if s == "func literal"))
        })
    {
        return (
            &CLOSURE,
            "it is captured by a closure that outlives the call (returned, stored or run as a goroutine)".into(),
        );
    }
    if let Some(call) = steps().find(|s| s.reason == Reason::CallParameter) {
        return (
            &PASSED_ON,
            format!(
                "it is passed to {}, whose parameter escapes",
                callee_of(&call.expr)
            ),
        );
    }
    if d.subject.as_deref() == Some("func literal") {
        return (
            &CLOSURE,
            "the closure outlives the call that creates it".into(),
        );
    }
    if let Some(expr) = d.explanations.iter().find_map(|e| match &e.header {
        crate::escape::model::Header::Leak {
            to: Location::Storage(x),
            ..
        } => Some(x),
        _ => None,
    }) {
        return (
            &ESCAPES,
            format!("it is stored in {expr}, which outlives the call"),
        );
    }
    match d.kind {
        Kind::LeakingParam | Kind::LeakingParamContent => {
            let what = if d.kind == Kind::LeakingParamContent {
                "what the parameter points to"
            } else {
                "the parameter"
            };
            (
                &ESCAPES,
                format!("{what} reaches the heap, so callers' arguments escape too"),
            )
        }
        _ if d.explanations.is_empty() => (
            &ESCAPES,
            "it outlives its stack frame; the log has no -m=2 flow to say why (build with -gcflags=-m=2)".into(),
        ),
        _ => (&ESCAPES, flow_sentence(d)),
    }
}

fn flow_sentence(d: &Diagnostic) -> String {
    let last = d.explanations.iter().flat_map(|e| e.flows.iter()).last();
    match last {
        Some(f) => {
            let op = match f.op {
                FlowOp::AddressOf => "its address",
                FlowOp::Deref(_) => "what it points to",
                FlowOp::Value => "it",
            };
            format!("{op} flows to {}", super::words::location(&f.to))
        }
        None => "it outlives its stack frame".into(),
    }
}

/// `~r0` -> "the first result".
pub fn result_words(result: &str) -> String {
    let r = result.rsplit('.').next().unwrap_or(result);
    match r.strip_prefix("~r").and_then(|n| n.parse::<usize>().ok()) {
        Some(0) => "the first result".to_string(),
        Some(n) => format!("result number {}", n + 1),
        None => format!("the result {r}"),
    }
}

/// A name, not an expression: `x escapes to heap` is the boxing of x.
fn is_plain_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// `fmt.Println(... argument...)` -> `fmt.Println`.
pub fn callee_of(call: &str) -> &str {
    call.split('(')
        .next()
        .filter(|c| !c.is_empty())
        .unwrap_or(call)
}
