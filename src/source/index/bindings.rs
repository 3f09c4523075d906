//! Variables as bindings, not names: each declaration the walk meets (a parameter, a receiver,
//! a result, a local, a range or select variable) is one [`Var`] with its own id, and every
//! identifier is resolved through the block scopes that are open where it is written. Two
//! variables called `ch` in two functions (or two blocks) are two bindings; an `int` is never
//! taken for a channel because the binding knows its type as far as the source says.

use crate::source::syntax::Syntax;
use rustc_hash::FxHashMap;
use tree_sitter::Node;

use super::walker::Walker;
use super::*;
use crate::source::owner::Binding;

/// The index of a [`Var`] in [`PackageIndex::vars`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VarId(pub u32);

/// What the source says a variable holds, as far as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarType {
    /// A channel; its capacity when it is made here with a literal size (`Some(0)` unbuffered).
    Chan { capacity: Option<u64> },
    /// A function value; the closure of the package it is bound to, when it is one.
    Func(Option<usize>),
    /// A named type of the package or another (`Cache`, `time.Ticker`): the name without `*`
    /// or type arguments.
    Named(String),
    /// A number, string, bool, slice, map, array: nothing a goroutine can wait on.
    Plain,
    /// Not written where it is declared (a call's result, a range variable).
    Unknown,
}

/// One declared variable.
#[derive(Debug, Clone)]
pub struct Var {
    pub name: String,
    /// The identifier that declares it.
    pub decl: Loc,
    /// The function that declares it.
    pub function: Option<usize>,
    pub binding: Binding,
    pub ty: VarType,
    /// Position among the function's parameters, for a parameter.
    pub param_index: Option<usize>,
}

/// The open block scopes of the walk, innermost last; each knows the function it belongs to.
/// A name is looked up in one step, not scope by scope: generated code opens thousands of
/// scopes one inside another (an `else if` chain), and every identifier is looked up.
#[derive(Debug, Default)]
pub(super) struct Scopes {
    frames: Vec<Frame>,
    /// Each name's bindings in the open scopes, innermost last, with the depth of the scope
    /// (its position in `frames`, from 1).
    bound: FxHashMap<String, Vec<(usize, VarId)>>,
}

#[derive(Debug)]
struct Frame {
    function: Option<usize>,
    /// The names the scope declares, in order.
    names: Vec<String>,
}

impl Scopes {
    pub(super) fn push(&mut self, function: Option<usize>) {
        self.frames.push(Frame {
            function,
            names: Vec::new(),
        });
    }

    pub(super) fn pop(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        for name in frame.names {
            if let Some(stack) = self.bound.get_mut(&name) {
                stack.pop();
                if stack.is_empty() {
                    self.bound.remove(&name);
                }
            }
        }
    }

    /// The binding a name refers to here, innermost scope first.
    pub(super) fn resolve(&self, name: &str) -> Option<VarId> {
        self.bound.get(name)?.last().map(|p| p.1)
    }

    /// Whether the innermost scope already declares `name` (`a, err := ...` reuses `err`): its
    /// first binding there.
    fn declares(&self, name: &str) -> Option<VarId> {
        let depth = self.frames.len();
        self.bound
            .get(name)?
            .iter()
            .rev()
            .take_while(|(d, _)| *d == depth)
            .last()
            .map(|p| p.1)
    }

    fn add(&mut self, name: String, id: VarId) {
        let depth = self.frames.len();
        if let Some(f) = self.frames.last_mut() {
            f.names.push(name.clone());
            self.bound.entry(name).or_default().push((depth, id));
        }
    }

    /// The functions whose scopes lie between the innermost one and the scope of `var`'s
    /// function: the closures that capture it when it is used here.
    pub(super) fn closures_between(&self, declared_in: Option<usize>) -> Vec<usize> {
        let mut out = Vec::new();
        for f in self.frames.iter().rev() {
            if f.function == declared_in {
                break;
            }
            if let Some(func) = f.function
                && out.last() != Some(&func)
            {
                out.push(func);
            }
        }
        out
    }
}

/// Block-like nodes that open a scope of their own (Go's explicit and implicit blocks).
pub(super) fn opens_scope(kind: &str) -> bool {
    matches!(
        kind,
        "block"
            | "if_statement"
            | "for_statement"
            | "expression_switch_statement"
            | "type_switch_statement"
            | "select_statement"
            | "communication_case"
            | "expression_case"
            | "type_case"
            | "default_case"
    )
}

impl Walker<'_> {
    /// Declares a variable in the innermost scope, unless a `:=` redeclares one already there.
    pub(super) fn declare_var(
        &mut self,
        id_node: Node<'_>,
        func: Option<usize>,
        binding: Binding,
        ty: VarType,
        param_index: Option<usize>,
        redeclare_ok: bool,
    ) -> Option<VarId> {
        let name = self.text(id_node).to_string();
        if name == "_" || name.is_empty() {
            return None;
        }
        if redeclare_ok && let Some(v) = self.scopes.declares(&name) {
            // `x, err := f()` with `err` already declared here assigns it.
            return Some(v);
        }
        let id = VarId(self.ix.vars.len() as u32);
        self.ix.vars.push(Var {
            name: name.clone(),
            decl: loc(self.f, id_node),
            function: func,
            binding,
            ty,
            param_index,
        });
        self.scopes.add(name, id);
        Some(id)
    }

    /// Declares the names of a parameter list with their written types.
    pub(super) fn declare_params(&mut self, list: Node<'_>, func: usize, binding: Binding) {
        let mut index = 0;
        for decl in named_children(list) {
            // `chs ...chan int` is a slice of channels.
            let ty = if decl.kind_name() == "variadic_parameter_declaration" {
                VarType::Plain
            } else {
                decl.field("type")
                    .map(|t| self.type_of_type(t))
                    .unwrap_or(VarType::Unknown)
            };
            let mut c = decl.walk();
            let names: Vec<Node<'_>> = decl.children_by_field_name("name", &mut c).collect();
            if names.is_empty() {
                index += 1;
            }
            for n in names {
                let at = (binding == Binding::Param).then_some(index);
                self.declare_var(n, Some(func), binding, ty.clone(), at, false);
                index += 1;
            }
        }
    }

    /// The variables an expression or statement names, outside the closures in it.
    pub(super) fn vars_in(&self, n: Node<'_>) -> Vec<VarId> {
        let mut out = Vec::new();
        let mut stack = vec![n];
        let mut cursor = n.walk();
        while let Some(x) = stack.pop() {
            if x.kind_name() == "identifier"
                && let Some(v) = self.scopes.resolve(self.text(x))
                && !out.contains(&v)
            {
                out.push(v);
            }
            if x.kind_name() != "func_literal" {
                stack.extend(x.named_children(&mut cursor));
            }
        }
        out
    }

    /// The binding an identifier refers to here; records the closures that capture it.
    pub(super) fn use_var(&mut self, id_node: Node<'_>, func: Option<usize>) -> Option<VarId> {
        let v = self.scopes.resolve(self.text(id_node))?;
        let declared_in = self.ix.vars[v.0 as usize].function;
        if declared_in != func {
            for c in self.scopes.closures_between(declared_in) {
                let caps = &mut self.ix.facts.captures.entry(c).or_default();
                if !caps.contains(&v) {
                    caps.push(v);
                }
            }
        }
        Some(v)
    }

    /// The type a type expression names (through pointers, parentheses and type arguments in
    /// a loop: generated code may nest thousands).
    pub(super) fn type_of_type(&self, mut t: Node<'_>) -> VarType {
        loop {
            let inner = match t.kind_name() {
                "channel_type" => return VarType::Chan { capacity: None },
                "function_type" => return VarType::Func(None),
                "pointer_type" | "parenthesized_type" => named_children(t).into_iter().next(),
                "type_identifier" => {
                    let name = self.text(t);
                    return match self.ix.types.get(name) {
                        // `type Queue chan Job`: a channel under another name.
                        Some(def) if is_chan_type_text(def) => VarType::Chan { capacity: None },
                        _ => VarType::Named(name.to_string()),
                    };
                }
                "generic_type" => t.field("type"),
                "qualified_type" => return VarType::Named(self.text(t).to_string()),
                "slice_type" | "map_type" | "array_type" | "struct_type" => {
                    return VarType::Plain;
                }
                _ => return VarType::Unknown,
            };
            match inner {
                Some(i) => t = i,
                None => return VarType::Unknown,
            }
        }
    }

    /// The type of the value an expression makes, as far as it is written there (through
    /// parentheses and unary operators in a loop: generated code may nest thousands).
    pub(super) fn type_of_value(&self, mut v: Node<'_>) -> VarType {
        loop {
            let inner = match v.kind_name() {
                "int_literal"
                | "float_literal"
                | "interpreted_string_literal"
                | "raw_string_literal"
                | "rune_literal"
                | "true"
                | "false"
                | "imaginary_literal" => return VarType::Plain,
                "func_literal" => return VarType::Func(None),
                "parenthesized_expression" => named_children(v).into_iter().next(),
                "composite_literal" => {
                    return v
                        .field("type")
                        .map(|t| self.type_of_type(t))
                        .unwrap_or(VarType::Unknown);
                }
                // `&x`, `-n`: the operand's type. A receive gives an element, whose type is
                // not written here.
                "unary_expression" => {
                    let op = v.field("operator").map(|o| self.text(o));
                    if op == Some("<-") {
                        return VarType::Unknown;
                    }
                    v.field("operand")
                }
                "identifier" => {
                    return match self.scopes.resolve(self.text(v)) {
                        Some(id) => match &self.ix.vars[id.0 as usize].ty {
                            // A copy of a channel is the same channel, but its capacity is the
                            // original's business.
                            VarType::Chan { .. } => VarType::Chan { capacity: None },
                            other => other.clone(),
                        },
                        None => VarType::Unknown,
                    };
                }
                "call_expression" => return self.type_of_call(v),
                _ => return VarType::Unknown,
            };
            match inner {
                Some(i) => v = i,
                None => return VarType::Unknown,
            }
        }
    }

    fn type_of_call(&self, call: Node<'_>) -> VarType {
        let Some(callee) = call.field("function") else {
            return VarType::Unknown;
        };
        let args: Vec<Node<'_>> = call
            .field("arguments")
            .map(named_children)
            .unwrap_or_default();
        match self.text(callee) {
            "make" => match args.first().map(|t| self.type_of_type(*t)) {
                Some(VarType::Chan { .. }) => VarType::Chan {
                    capacity: match args.get(1) {
                        None => Some(0),
                        Some(n) => parse_int(self.text(*n)),
                    },
                },
                Some(t) => t,
                None => VarType::Unknown,
            },
            "new" => args
                .first()
                .map(|t| self.type_of_type(*t))
                .unwrap_or(VarType::Unknown),
            "len" | "cap" | "copy" => VarType::Plain,
            "time.NewTicker" => VarType::Named("time.Ticker".into()),
            "time.NewTimer" | "time.AfterFunc" => VarType::Named("time.Timer".into()),
            "time.Tick" | "time.After" => VarType::Chan { capacity: None },
            _ => VarType::Unknown,
        }
    }
}

/// `chan T`, `<-chan T`, `chan<- T`.
pub(super) fn is_chan_type_text(t: &str) -> bool {
    let t = t.trim_start();
    t.starts_with("chan ") || t.starts_with("chan<-") || t.starts_with("<-chan") || t == "chan"
}

/// `16`, `1 << 10`, `0x10` when written as a plain literal; else unknown.
fn parse_int(text: &str) -> Option<u64> {
    let t = text.trim().replace('_', "");
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u64::from_str_radix(h, 16).ok();
    }
    t.parse().ok()
}

impl Walker<'_> {
    /// [`Walker::type_of_value`], with a func literal bound to the closure the walk made of it
    /// (closures made since `first_closure`).
    pub(super) fn value_type(&mut self, v: Node<'_>, first_closure: usize) -> VarType {
        if v.kind_name() == "func_literal" {
            let start = v.start_byte();
            let c = (first_closure..self.ix.functions.len()).find(|&i| {
                let l = self.ix.functions[i].loc;
                l.file == self.f && l.start == start
            });
            return VarType::Func(c);
        }
        self.type_of_value(v)
    }
}
