//! C memory as facts of the model: every `C.CString`, `C.CBytes`, `C.malloc` and `C.calloc`
//! with the variable it is bound to (or the call it is handed to), and what the package does
//! with that variable afterwards: passes it to a call (`C.free`, a helper that frees, a C
//! function of the preamble), returns it or stores it. Also which functions call `C.free` and
//! which C functions of a file's preamble call `free()`.

use crate::source::syntax::Syntax;
use std::collections::HashSet;

use tree_sitter::Node;

use super::bindings::VarId;
use super::walker::Walker;
use super::*;

/// The cgo calls that allocate with C's malloc.
pub const ALLOCATORS: &[&str] = &["C.CString", "C.CBytes", "C.malloc", "C.calloc"];

/// One C allocation.
#[derive(Debug, Clone)]
pub struct CAlloc {
    /// `C.CString`.
    pub api: String,
    pub loc: Loc,
    pub function: Option<usize>,
    /// The call as written.
    pub text: String,
    /// The variable it is bound to (`cs := C.CString(s)`).
    pub bound: Option<VarId>,
    /// The call it is handed to straight away, through conversions (`C.puts(C.CString(s))`).
    pub passed_to: Option<String>,
    /// Returned, stored in a field or an element, or assigned as written.
    pub stored_or_returned: bool,
}

/// What happens to a variable that holds C memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CUseKind {
    /// Passed to a call (the callee as written), perhaps deferred, perhaps in a loop.
    Call {
        callee: String,
        deferred: bool,
        in_loop: bool,
    },
    /// Returned as itself (`return p`, `return unsafe.Pointer(p)`).
    Returned,
    /// Stored as itself somewhere else (`x.p = p`, `T{p: p}`).
    Stored,
}

#[derive(Debug, Clone)]
pub struct CUse {
    pub var: VarId,
    pub kind: CUseKind,
    pub loc: Loc,
    pub function: Option<usize>,
}

/// The C memory facts of a package.
#[derive(Debug, Default)]
pub struct CgoFacts {
    pub allocs: Vec<CAlloc>,
    pub uses: Vec<CUse>,
    /// Functions that call `C.free`, with the functions around them.
    pub frees: HashSet<usize>,
    /// Per file: the C functions of its preamble whose body calls `free()`.
    pub preamble_frees: HashMap<usize, HashSet<String>>,
    /// Variables bound to C memory.
    vars: HashSet<VarId>,
}

impl Walker<'_> {
    /// Records what a call does with C memory.
    pub(super) fn cgo_call(&mut self, node: Node<'_>, callee: &str, func: Option<usize>) {
        if ALLOCATORS.contains(&callee) {
            let fact = CAlloc {
                api: callee.to_string(),
                loc: loc(self.f, node),
                function: func,
                text: self.text(node).to_string(),
                bound: None,
                passed_to: outer_call(self, node).map(|c| {
                    c.field("function")
                        .map(|f| self.text(f).to_string())
                        .unwrap_or_default()
                }),
                stored_or_returned: stored_or_returned(node),
            };
            self.ix.cgo.allocs.push(fact);
            return;
        }
        if callee == "C.free" {
            let mut f = func;
            while let Some(i) = f {
                self.ix.cgo.frees.insert(i);
                f = self.ix.functions[i].parent;
            }
        }
        if self.ix.cgo.vars.is_empty() {
            return;
        }
        let Some(args) = node.field("arguments") else {
            return;
        };
        let defer = node.parent().filter(|p| p.kind_name() == "defer_statement");
        let deferred = defer.is_some();
        let in_loop = self.in_loop();
        for v in self.c_vars_in(args) {
            // A deferred call is shown at its `defer`.
            let at = loc(self.f, defer.unwrap_or(node));
            self.ix.cgo.uses.push(CUse {
                var: v,
                kind: CUseKind::Call {
                    callee: callee.to_string(),
                    deferred,
                    in_loop,
                },
                loc: at,
                function: func,
            });
        }
    }

    /// `return p`, `x.p = p`, `T{p: p}`: C memory handed to a new owner.
    pub(super) fn cgo_store(&mut self, node: Node<'_>, func: Option<usize>) {
        if self.ix.cgo.vars.is_empty() {
            return;
        }
        let (kind, values, target) = match node.kind_name() {
            "return_statement" => {
                let mut values = Vec::new();
                for list in named_children(node) {
                    if list.kind_name() == "expression_list" {
                        values.extend(named_children(list));
                    } else {
                        values.push(list);
                    }
                }
                (CUseKind::Returned, values, None)
            }
            "assignment_statement" => (
                CUseKind::Stored,
                node.field("right").map(named_children).unwrap_or_default(),
                node.field("left").map(|l| self.text(l).to_string()),
            ),
            "keyed_element" => (
                CUseKind::Stored,
                named_children(node).into_iter().skip(1).take(1).collect(),
                None,
            ),
            _ => return,
        };
        for v in values {
            let Some(var) = self.c_itself(v) else {
                continue;
            };
            // `p = C.CString(s)` again is no hand-off, and `_ = p` keeps nothing.
            if target.as_deref() == Some(self.ix.vars[var.0 as usize].name.as_str())
                || target.as_deref() == Some("_")
            {
                continue;
            }
            let at = loc(self.f, node);
            self.ix.cgo.uses.push(CUse {
                var,
                kind: kind.clone(),
                loc: at,
                function: func,
            });
        }
    }

    /// `cs := C.CString(s)`: the variable holds C memory from then on.
    pub(super) fn cgo_bind(&mut self, v: VarId, value: Node<'_>) {
        let (file, start) = (self.f, value.start_byte());
        if let Some(a) = self
            .ix
            .cgo
            .allocs
            .iter_mut()
            .rev()
            .find(|a| a.loc.file == file && a.loc.start == start)
        {
            a.bound = Some(v);
            self.ix.cgo.vars.insert(v);
        }
    }

    /// The C-memory variables named anywhere in an expression.
    fn c_vars_in(&self, n: Node<'_>) -> Vec<VarId> {
        let mut vars = self.vars_in(n);
        vars.retain(|v| self.ix.cgo.vars.contains(v));
        vars
    }

    /// `p`, `unsafe.Pointer(p)`, `(*T)(p)`: the C-memory variable itself, not a use of it.
    fn c_itself(&self, mut n: Node<'_>) -> Option<VarId> {
        loop {
            match n.kind_name() {
                "identifier" => {
                    let v = self.scopes.resolve(self.text(n))?;
                    return self.ix.cgo.vars.contains(&v).then_some(v);
                }
                "parenthesized_expression" => n = named_children(n).into_iter().next()?,
                "call_expression" | "type_conversion_expression" => {
                    let f = n.field("function").or_else(|| n.field("type"))?;
                    let c = self.text(f);
                    if !(c == "unsafe.Pointer" || c.starts_with('(')) {
                        return None;
                    }
                    let args = n
                        .field("arguments")
                        .map(named_children)
                        .or_else(|| n.field("operand").map(|o| vec![o]))?;
                    let [a] = args.as_slice() else { return None };
                    n = *a;
                }
                _ => return None,
            }
        }
    }
}

/// `outer(..., C.CString(s), ...)`: the call the allocation is an argument of (through
/// conversions such as `unsafe.Pointer(...)` and `(*C.char)(...)`).
fn outer_call<'t>(w: &Walker<'_>, call: Node<'t>) -> Option<Node<'t>> {
    let mut n = call;
    loop {
        let p = n.parent()?;
        match p.kind_name() {
            "argument_list" => {
                let c = p.parent()?;
                n = c;
                let callee = c.field("function").map(|f| w.text(f)).unwrap_or("");
                // A conversion like unsafe.Pointer(x) is a call in the syntax: look through it.
                if callee == "unsafe.Pointer" || callee == "uintptr" || callee.starts_with('(') {
                    continue;
                }
                return Some(c);
            }
            "parenthesized_expression" | "type_conversion_expression" => n = p,
            _ => return None,
        }
    }
}

fn stored_or_returned(call: Node<'_>) -> bool {
    let mut n = call;
    while let Some(p) = n.parent() {
        match p.kind_name() {
            "return_statement" | "keyed_element" | "literal_element" => return true,
            "assignment_statement" => return true,
            "block" | "statement_list" | "expression_statement" => return false,
            _ => n = p,
        }
    }
    false
}

/// Names of the C functions defined in a file's cgo preamble whose body calls free().
pub(super) fn preamble_freeing_functions(text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let Some(i) = text.find("import \"C\"") else {
        return out;
    };
    let pre = &text[..i];
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

impl PackageIndex {
    /// Every C allocation of the package, in source order.
    pub fn c_allocs(&self) -> &[CAlloc] {
        &self.cgo.allocs
    }

    /// What the package does with a C-memory variable, in source order.
    pub fn c_uses(&self, v: VarId) -> impl Iterator<Item = &CUse> {
        self.cgo.uses.iter().filter(move |u| u.var == v)
    }

    /// Whether `callee` (as written) is `C.free` or a function of the package that calls it.
    pub fn frees_c(&self, callee: &str) -> bool {
        callee == "C.free"
            || self
                .cgo
                .frees
                .iter()
                .any(|&f| self.functions[f].name == callee)
    }

    /// Whether `callee` (as written, `C.consume`) is a C function of the file's preamble that
    /// calls free().
    pub fn preamble_frees(&self, file: usize, callee: &str) -> bool {
        callee.strip_prefix("C.").is_some_and(|c| {
            self.cgo
                .preamble_frees
                .get(&file)
                .is_some_and(|s| s.contains(c))
        })
    }
}
