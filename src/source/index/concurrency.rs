//! Goroutines and channels as facts of the model, recorded by the one walk over the package and
//! asked by the rules: every `go` statement with the function it runs (a literal, a named
//! function, a method value through its receiver's type, a local variable bound to a literal,
//! a function that only calls another), every channel operation on a *binding* (made, sent on,
//! received from by `<-`, `range` or a `select` case, closed, handed on), every `select` with
//! its cases, and every loop with its header and whether anything leaves it.

use crate::source::syntax::Syntax;
use std::collections::HashMap;

use tree_sitter::Node;

use super::bindings::{VarId, VarType};
use super::walker::Walker;
use super::*;
use crate::source::owner::Binding;
use crate::source::stack::deep;

/// Which channel an operation is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChanRef {
    /// A parameter or local variable.
    Var(VarId),
    /// A package-level variable.
    Global(String),
    /// A field, with the type that declares it when the source shows it (`s.done` with `s
    /// *Server` is `Server.done`).
    Field {
        owner: Option<String>,
        field: String,
    },
    /// A timer's or ticker's `C`, `time.Tick(d)`, `time.After(d)`: never closed.
    Timer,
    /// `ctx.Done()`: closed when the context is cancelled.
    Done(String),
    /// Anything else (the result of a call of another package): nothing is known of it.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecvForm {
    /// `<-ch`, in an expression, a statement or a `select` case.
    Unary,
    /// `for v := range ch`.
    Range,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpKind {
    /// `ch := make(chan T, n)`.
    Make,
    Send,
    Recv(RecvForm),
    Close,
    /// Handed on: passed to a call, returned, stored, assigned: someone else may use it.
    Pass,
    /// Passed to parameter `.1` of function `.0` of the package: the same channel, followed
    /// there.
    Arg(usize, usize),
}

/// One operation on a channel.
#[derive(Debug, Clone)]
pub struct ChanOp {
    pub chan: ChanRef,
    pub kind: OpKind,
    /// The statement or expression.
    pub loc: Loc,
    pub function: Option<usize>,
    /// The channel as written (`s.done`).
    pub text: String,
    /// (select, case) when the operation is a `select` case's communication.
    pub case: Option<(usize, usize)>,
}

/// A `select` statement.
#[derive(Debug, Clone)]
pub struct SelectFact {
    pub loc: Loc,
    pub function: Option<usize>,
    /// The loops of its function around it, outermost first.
    pub loops: Vec<usize>,
    pub cases: Vec<CaseFact>,
}

#[derive(Debug, Clone, Default)]
pub struct CaseFact {
    /// Its communication, an index into the channel operations (none for `default`).
    pub comm: Option<usize>,
    pub default: bool,
    /// A `return` in the case's own code.
    pub returns: bool,
    /// A `return` or `break` in the case's own code.
    pub exits: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoopHeader {
    /// `for {` or `for ;; {`.
    Forever,
    /// A condition, or a three-clause loop with one.
    Cond,
    /// `for ... range X` over a channel.
    RangeChan(ChanRef, String),
    /// `for ... range X` over anything else (a slice, a map, an int, a function).
    RangeOther,
}

/// A `for` statement.
#[derive(Debug, Clone)]
pub struct LoopFact {
    pub loc: Loc,
    pub function: Option<usize>,
    pub header: LoopHeader,
    /// A `return`, `goto`, a `break` out of it, or a call that ends the goroutine
    /// (`os.Exit`, `panic`, `runtime.Goexit`, `log.Fatal*`) in its own code.
    pub exits: bool,
    label: Option<String>,
    /// What bounds how many times it turns, when the code fixes it: a constant (`i < 4`,
    /// `range 4`, `range workers` of a constant), or the command line (`range os.Args`).
    pub bound: Option<String>,
}

/// What a `go` statement (or a function that only calls another) runs, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callee {
    /// A closure of the package: a literal, or a local variable bound to one.
    Closure(usize),
    /// A function by name (`worker`, `pkg.F`).
    Name(String),
    /// A method value `x.m`, with the type of `x` when the source shows it.
    Method {
        owner: Option<String>,
        name: String,
    },
    Other,
}

/// A `go` statement.
#[derive(Debug, Clone)]
pub struct GoFact {
    pub loc: Loc,
    /// The function the statement is in.
    pub function: Option<usize>,
    pub in_loop: bool,
    pub callee: Callee,
    /// The function of the package it runs, resolved after the walk; wrappers followed.
    pub target: Option<usize>,
    /// The functions passed through to reach `target` (a wrapper that only calls it).
    pub via: Vec<usize>,
    /// The receiver of a method value as written (`c` in `go c.janitor()`).
    pub receiver: Option<String>,
    /// The arguments as written, and the channel each is when it is one.
    pub args: Vec<String>,
    pub arg_chans: Vec<Option<ChanRef>>,
    /// `go func() {...}()` or `go worker(ch)`, short.
    pub subject: String,
    /// `go pkg.F()` where `F`, in another package of the module, loops with no way out: its
    /// name there and the loop.
    pub foreign_endless: Option<(String, super::SiteRef)>,
}

/// A channel passed to a function of the package (`consume(jobs)`): the callee's parameter is
/// the same channel.
#[derive(Debug, Clone)]
pub struct ChanPass {
    pub callee: Callee,
    pub index: usize,
    pub chan: ChanRef,
}

/// A call that starts a timer or ticker: `time.NewTicker`, `time.Tick`, `time.After`,
/// `time.AfterFunc`.
#[derive(Debug, Clone)]
pub struct TimerFact {
    /// The callee as written (`time.NewTicker`).
    pub api: String,
    pub loc: Loc,
    pub function: Option<usize>,
    pub in_loop: bool,
    /// The range expression of a `for` (`for range time.Tick(d)`): made once, when the loop
    /// starts, and referenced by the loop while it runs.
    pub range_header: bool,
    /// The call as written.
    pub text: String,
    /// The first argument as written (the delay).
    pub first_arg: String,
    /// The variable its result is bound to (`t := time.NewTicker(d)`).
    pub bound: Option<VarId>,
    /// Its result is kept: assigned (to a variable or a field) or returned, so whoever holds
    /// it can stop it.
    pub kept: bool,
}

/// A `runtime.SetFinalizer(obj, fin)` call.
#[derive(Debug, Clone)]
pub struct SetFinalizer {
    pub loc: Loc,
    /// The finalizer as written (`stopJanitor`, `func(...) {...}`).
    pub finalizer: Option<String>,
    /// The object, when it is a variable.
    pub obj: Option<VarId>,
    /// The finalizer, when it is a func literal: the closure, resolved after the walk.
    pub closure: Option<usize>,
    literal_start: Option<usize>,
}

/// Whether the package can close a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// Closed here (an index into the channel operations).
    Yes(usize),
    /// Every reference is in sight and none closes it.
    Never,
    /// It is handed on, comes from elsewhere, or is not known to be a channel.
    Unknown,
}

/// Everything the walk records about goroutines and channels.
#[derive(Debug, Default)]
pub struct Facts {
    pub ops: Vec<ChanOp>,
    pub selects: Vec<SelectFact>,
    pub loops: Vec<LoopFact>,
    pub goroutines: Vec<GoFact>,
    pub passes: Vec<ChanPass>,
    /// Function -> its own `return` statements, in order.
    pub returns: HashMap<usize, Vec<Loc>>,
    /// Closure -> the variables of enclosing functions it refers to, in order of first use.
    pub captures: HashMap<usize, Vec<VarId>>,
    /// Function -> the one call its body is made of (`func watch(d T) { loop(d) }`).
    pub single_call: HashMap<usize, Callee>,
    /// Every `runtime.SetFinalizer` call.
    pub set_finalizers: Vec<SetFinalizer>,
    /// Every call that starts a timer or ticker.
    pub timers: Vec<TimerFact>,
    /// Variables whose `Stop` method is called (`defer t.Stop()`), or that hold a timer handed
    /// to someone who can (returned, stored, passed).
    pub stopped: std::collections::HashSet<VarId>,
    /// Struct fields declared with a channel type: (type, field).
    pub chan_fields: Vec<(String, String)>,
    /// Embedded struct types: (type, the type it embeds), for promoted fields.
    pub embeds: Vec<(String, String)>,
    /// Uses of channel variables that are not an operation on them: (var, start byte, function).
    uses: Vec<(VarId, Loc, Option<usize>)>,
    /// Start bytes of the channel expressions that operations name.
    operands: std::collections::HashSet<(usize, usize)>,
    /// Channel -> its operations, in order: every query about one channel looks only at its
    /// own (a package of many channels asks once per loop and per `go` statement).
    by_chan: HashMap<ChanKey, Vec<usize>>,
    /// Function -> the `go` statements in its own code.
    gos_by_function: HashMap<Option<usize>, Vec<usize>>,
    /// (function, parameter) -> what each `go` statement and call of the package that reaches
    /// it passes there (`None`: not a channel the model knows).
    param_args: HashMap<(usize, usize), Vec<Option<ChanRef>>>,
    /// Channel fields (type, field) and package-level channels that are given a channel made
    /// elsewhere (`&Worker{jobs: jobs}`, `s.in = in`): whoever made it may close it.
    fed: Vec<(Option<String>, String)>,
    /// Channel arguments of calls: (operation, callee, argument index), to be told from
    /// hand-offs once the callees are known.
    arg_ops: Vec<(usize, Callee, usize)>,
    /// (function, parameter) -> its variable.
    param_vars: HashMap<(usize, usize), VarId>,
    /// (function, parameter) -> whether the channel it is can be closed, settled once for all
    /// parameters (a chain of calls is followed without walking it again per question).
    param_closed: HashMap<(usize, usize), Closed>,
}

/// What channel operations are indexed by: the variable, the package-level variable, or the
/// field name (a field's owner type is compared by [`PackageIndex::same_chan`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ChanKey {
    Var(VarId),
    Global(String),
    Field(String),
}

fn key_of(ch: &ChanRef) -> Option<ChanKey> {
    match ch {
        ChanRef::Var(v) => Some(ChanKey::Var(*v)),
        ChanRef::Global(g) => Some(ChanKey::Global(g.clone())),
        ChanRef::Field { field, .. } => Some(ChanKey::Field(field.clone())),
        _ => None,
    }
}

/// Per-function state of the walk: the statements a `break` can leave and the `select` cases
/// open around the current node.
#[derive(Debug, Default)]
pub(super) struct FnState {
    breakables: Vec<Breakable>,
    cases: Vec<(usize, usize)>,
    /// The `select` statements open around the current node, innermost last.
    selects: Vec<usize>,
    /// The communication node of the innermost open case.
    comm: Option<usize>,
    label: Option<String>,
}

#[derive(Debug)]
enum Breakable {
    Loop(usize),
    Other(Option<String>),
}

/// Calls that end the goroutine: a loop with one in it can end.
fn ends_goroutine(callee: &str) -> bool {
    matches!(callee, "os.Exit" | "panic" | "runtime.Goexit")
        || callee.starts_with("log.Fatal")
        || callee.starts_with("log.Panic")
}

impl Walker<'_> {
    fn fstate(&mut self) -> Option<&mut FnState> {
        self.fstates.last_mut()
    }

    /// The channel an expression names, as far as the scopes show.
    pub(super) fn chan_ref(&self, n: Node<'_>) -> Option<ChanRef> {
        let n = strip_parens(n);
        match n.kind_name() {
            "identifier" => {
                let name = self.text(n);
                if let Some(v) = self.scopes.resolve(name) {
                    return match self.ix.vars[v.0 as usize].ty {
                        VarType::Chan { .. } => Some(ChanRef::Var(v)),
                        _ => None,
                    };
                }
                let g = self.ix.globals.get(name)?;
                (g.kind == GlobalKind::Chan).then(|| ChanRef::Global(name.to_string()))
            }
            "selector_expression" => {
                let field = self.text(n.field("field")?).to_string();
                let operand = n.field("operand")?;
                let owner = self.owner_type(operand);
                if field == "C"
                    && owner
                        .as_deref()
                        .is_none_or(|o| matches!(o, "time.Ticker" | "time.Timer"))
                {
                    return Some(ChanRef::Timer);
                }
                match owner {
                    // A field promoted from an embedded struct is the embedded type's.
                    Some(o) => self.declaring_type(&o, &field, 0).map(|t| ChanRef::Field {
                        owner: Some(t),
                        field,
                    }),
                    None => self
                        .ix
                        .facts
                        .chan_fields
                        .iter()
                        .any(|(_, f)| *f == field)
                        .then_some(ChanRef::Field { owner: None, field }),
                }
            }
            "call_expression" => {
                let callee = n.field("function")?;
                let text = self.text(callee);
                if matches!(text, "time.Tick" | "time.After") {
                    return Some(ChanRef::Timer);
                }
                if let Some(ctx) = text.strip_suffix(".Done") {
                    return Some(ChanRef::Done(ctx.to_string()));
                }
                // Another function's result: a channel, but whose is unknown.
                Some(ChanRef::Other)
            }
            _ => None,
        }
    }

    /// The type that declares a channel field `field` reached from a value of type `owner`.
    fn declaring_type(&self, owner: &str, field: &str, depth: usize) -> Option<String> {
        let facts = &self.ix.facts;
        if facts
            .chan_fields
            .iter()
            .any(|(t, f)| t == owner && f == field)
        {
            return Some(owner.to_string());
        }
        if depth > 4 {
            return None;
        }
        facts
            .embeds
            .iter()
            .filter(|(t, _)| t == owner)
            .find_map(|(_, e)| self.declaring_type(e, field, depth + 1))
    }

    /// The named type of an expression's value: a variable's declared type, a package-level
    /// variable's.
    fn owner_type(&self, operand: Node<'_>) -> Option<String> {
        if operand.kind_name() != "identifier" {
            return None;
        }
        let name = self.text(operand);
        if let Some(v) = self.scopes.resolve(name) {
            return match &self.ix.vars[v.0 as usize].ty {
                VarType::Named(t) => Some(t.clone()),
                _ => None,
            };
        }
        let g = self.ix.globals.get(name)?;
        let t = g.type_text.trim_start_matches(['*', '&']);
        let t = t.split(['{', '[', '(']).next().unwrap_or("").trim();
        (!t.is_empty()
            && t.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.'))
        .then(|| t.to_string())
    }

    fn op(
        &mut self,
        chan: ChanRef,
        kind: OpKind,
        node: Node<'_>,
        operand: Node<'_>,
        func: Option<usize>,
    ) -> usize {
        self.ix
            .facts
            .operands
            .insert((self.f, operand.start_byte()));
        // The communication of the case being walked.
        let case = self
            .fstates
            .last()
            .filter(|s| s.comm.is_some_and(|c| c == node.id() || c == operand.id()))
            .and_then(|s| s.cases.last().copied());
        let i = self.ix.facts.ops.len();
        self.ix.facts.ops.push(ChanOp {
            chan,
            kind,
            loc: loc(self.f, node),
            function: func,
            text: self.text(operand).to_string(),
            case,
        });
        if let Some((s, c)) = case {
            self.ix.facts.selects[s].cases[c].comm = Some(i);
        }
        i
    }

    /// Records what a node says about goroutines and channels, before its children are walked.
    /// Returns a closure of bookkeeping to run after them.
    pub(super) fn concurrency_enter(&mut self, node: Node<'_>, func: Option<usize>) -> Leave {
        match node.kind_name() {
            "labeled_statement" => {
                let label = node.field("label").map(|l| self.text(l).to_string());
                if let Some(s) = self.fstate() {
                    s.label = label;
                }
            }
            "for_statement" => {
                let header = self.loop_header(node);
                let bound = self.loop_bound(node);
                let label = self.fstate().and_then(|s| s.label.take());
                let i = self.ix.facts.loops.len();
                self.ix.facts.loops.push(LoopFact {
                    loc: loc(self.f, node),
                    function: func,
                    header,
                    exits: false,
                    label,
                    bound,
                });
                if let Some(s) = self.fstate() {
                    s.breakables.push(Breakable::Loop(i));
                }
                return Leave::Breakable;
            }
            "expression_switch_statement" | "type_switch_statement" => {
                let label = self.fstate().and_then(|s| s.label.take());
                if let Some(s) = self.fstate() {
                    s.breakables.push(Breakable::Other(label));
                }
                return Leave::Breakable;
            }
            "select_statement" => {
                let label = self.fstate().and_then(|s| s.label.take());
                let loops = self
                    .fstates
                    .last()
                    .map(|s| {
                        s.breakables
                            .iter()
                            .filter_map(|b| match b {
                                Breakable::Loop(l) => Some(*l),
                                Breakable::Other(_) => None,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let i = self.ix.facts.selects.len();
                self.ix.facts.selects.push(SelectFact {
                    loc: loc(self.f, node),
                    function: func,
                    loops,
                    cases: Vec::new(),
                });
                if let Some(s) = self.fstate() {
                    s.breakables.push(Breakable::Other(label));
                    s.selects.push(i);
                }
                return Leave::Select;
            }
            "communication_case" | "default_case" => {
                let Some(s) = self
                    .fstates
                    .last()
                    .and_then(|st| st.selects.last().copied())
                else {
                    return Leave::Nothing;
                };
                let c = self.ix.facts.selects[s].cases.len();
                self.ix.facts.selects[s].cases.push(CaseFact {
                    default: node.kind_name() == "default_case",
                    ..Default::default()
                });
                // `case <-ch:` and `case v := <-ch:` name the receive; `case ch <- v:` the send.
                let comm = node.field("communication").map(|c| {
                    if c.kind_name() == "receive_statement" {
                        c.field("right").map(strip_parens).unwrap_or(c).id()
                    } else {
                        c.id()
                    }
                });
                if let Some(st) = self.fstate() {
                    st.cases.push((s, c));
                    st.comm = comm;
                }
                return Leave::Case;
            }
            "return_statement" | "goto_statement" => {
                if node.kind_name() == "return_statement" {
                    self.cgo_store(node, func);
                    if let Some(f) = func {
                        let at = loc(self.f, node);
                        self.ix.facts.returns.entry(f).or_default().push(at);
                    }
                    // `return s.in`: the caller gets the channel.
                    let lists = named_children(node);
                    for list in &lists {
                        let values = if list.kind_name() == "expression_list" {
                            named_children(*list)
                        } else {
                            vec![*list]
                        };
                        for v in values {
                            self.passed(v, func);
                        }
                    }
                    // A bare `return` hands the caller the named results.
                    if lists.is_empty() {
                        self.bare_return(node, func);
                    }
                }
                // A `goto` may leave a loop (as a return does), but it is no return of a
                // `select` case: a backward `goto wait` retries.
                self.mark_exits(None, node.kind_name() == "return_statement");
            }
            "break_statement" => {
                let label = named_children(node)
                    .into_iter()
                    .next()
                    .map(|l| self.text(l).to_string());
                self.mark_exits(Some(label), false);
            }
            "send_statement" => {
                if let Some(ch) = node.field("channel")
                    && let Some(r) = self.chan_ref(ch)
                {
                    self.op(r, OpKind::Send, node, ch, func);
                }
                if let Some(v) = node.field("value") {
                    self.passed(v, func);
                }
            }
            "unary_expression" => {
                if node.field("operator").map(|o| self.text(o)) == Some("<-")
                    && let Some(o) = node.field("operand")
                    && let Some(r) = self.chan_ref(o)
                {
                    self.op(r, OpKind::Recv(RecvForm::Unary), node, o, func);
                }
            }
            "go_statement" => self.go_statement(node, func),
            "assignment_statement" | "short_var_declaration" => {
                self.cgo_store(node, func);
                if node.kind_name() == "assignment_statement" {
                    self.assigned_chan(node);
                }
                // `x.in = ch`, `in := s.in`: another name for the same channel (`_ = t`
                // keeps nothing).
                let pairs = assigned_pairs(node);
                if pairs.is_empty() {
                    if let Some(r) = node.field("right") {
                        for v in named_children(r) {
                            self.passed(v, func);
                        }
                    }
                } else {
                    for (t, v) in pairs {
                        if self.text(t) != "_" {
                            self.passed(v, func);
                        }
                    }
                }
            }
            "keyed_element" | "literal_element" => {
                self.cgo_store(node, func);
                // `Worker{jobs: jobs}`, `[]chan int{ch}`: stored.
                if node.kind_name() == "literal_element" {
                    self.passed(node, func);
                } else if let Some(v) = named_children(node).get(1) {
                    self.passed(*v, func);
                }
            }
            _ => {}
        }
        Leave::Nothing
    }

    /// After the children of a node entered by [`Walker::concurrency_enter`].
    pub(super) fn concurrency_leave(&mut self, leave: Leave) {
        match leave {
            Leave::Nothing => {}
            Leave::Breakable => {
                if let Some(s) = self.fstate() {
                    s.breakables.pop();
                }
            }
            Leave::Select => {
                if let Some(s) = self.fstate() {
                    s.breakables.pop();
                    s.selects.pop();
                }
            }
            Leave::Case => {
                if let Some(s) = self.fstate() {
                    s.cases.pop();
                    s.comm = None;
                }
            }
        }
    }

    /// A `return` (`all`), or a `break` with its label: the loops it leaves, and the cases it
    /// is in.
    fn mark_exits(&mut self, brk: Option<Option<String>>, is_return: bool) {
        let Some(state) = self.fstates.last() else {
            return;
        };
        let mut loops = Vec::new();
        match &brk {
            None => {
                for b in &state.breakables {
                    if let Breakable::Loop(l) = b {
                        loops.push(*l);
                    }
                }
            }
            Some(label) => {
                let target = state.breakables.iter().rposition(|b| match (b, label) {
                    (_, None) => true,
                    (Breakable::Loop(l), Some(name)) => {
                        self.ix.facts.loops[*l].label.as_deref() == Some(name.as_str())
                    }
                    (Breakable::Other(own), Some(name)) => own.as_deref() == Some(name.as_str()),
                });
                // `break outer` leaves the labeled loop and every loop inside it.
                match (target, label) {
                    (Some(t), Some(_)) => {
                        for b in &state.breakables[t..] {
                            if let Breakable::Loop(l) = b {
                                loops.push(*l);
                            }
                        }
                    }
                    (Some(t), None) => {
                        if let Breakable::Loop(l) = state.breakables[t] {
                            loops.push(l);
                        }
                    }
                    _ => {}
                }
            }
        }
        let cases = state.cases.clone();
        for l in loops {
            self.ix.facts.loops[l].exits = true;
        }
        for (s, c) in cases {
            let case = &mut self.ix.facts.selects[s].cases[c];
            case.exits = true;
            case.returns |= is_return;
        }
    }

    /// What fixes how many times a loop turns: `for i := 0; i < 4; i++`, `i < n` with a
    /// package constant `n`, `range 4`, `range os.Args[1:]`, `range flag.Args()`.
    fn loop_bound(&self, node: Node<'_>) -> Option<String> {
        let constant = |n: Node<'_>| {
            let t = self.text(n).trim();
            n.kind_name() == "int_literal"
                || (n.kind_name() == "identifier" && self.ix.consts.contains(t))
        };
        let clause = named_children(node)
            .into_iter()
            .find(|n| matches!(n.kind_name(), "for_clause" | "range_clause"))?;
        match clause.kind_name() {
            "for_clause" => {
                let cond = clause.field("condition")?;
                if cond.kind_name() != "binary_expression" {
                    return None;
                }
                let op = cond.field("operator").map(|o| self.text(o))?;
                let right = cond.field("right")?;
                (matches!(op, "<" | "<=") && constant(right))
                    .then(|| format!("a constant ({})", self.text(cond)))
            }
            _ => {
                let r = clause.field("right")?;
                let t = self.text(r).trim();
                if constant(r) {
                    Some(format!("a constant (range {t})"))
                } else if t.starts_with("os.Args") || t == "flag.Args()" {
                    Some(format!("the command line ({t})"))
                } else {
                    None
                }
            }
        }
    }

    fn loop_header(&mut self, node: Node<'_>) -> LoopHeader {
        let header: Vec<Node<'_>> = named_children(node)
            .into_iter()
            .filter(|n| n.kind_name() != "block")
            .collect();
        match header.as_slice() {
            [] => LoopHeader::Forever,
            [h] if h.kind_name() == "for_clause" => {
                if h.field("condition").is_none() {
                    LoopHeader::Forever
                } else {
                    LoopHeader::Cond
                }
            }
            [h] if h.kind_name() == "range_clause" => {
                match h.field("right").and_then(|r| {
                    let text = self.text(r).to_string();
                    self.chan_ref(r).map(|c| (c, text))
                }) {
                    Some((c, text)) => LoopHeader::RangeChan(c, text),
                    None => LoopHeader::RangeOther,
                }
            }
            _ => LoopHeader::Cond,
        }
    }

    /// A bare `return` in a function with named results: each channel result goes to the
    /// caller.
    fn bare_return(&mut self, node: Node<'_>, func: Option<usize>) {
        let Some(f) = func else { return };
        let results: Vec<VarId> = self
            .ix
            .vars
            .iter()
            .enumerate()
            .rev()
            .take_while(|(_, v)| v.function == Some(f) || v.function.is_some_and(|g| g > f))
            .filter(|(_, v)| v.function == Some(f) && v.binding == Binding::Result)
            .map(|(i, _)| VarId(i as u32))
            .filter(|v| matches!(self.ix.vars[v.0 as usize].ty, VarType::Chan { .. }))
            .collect();
        for v in results {
            let name = self.ix.vars[v.0 as usize].name.clone();
            self.ix.facts.ops.push(ChanOp {
                chan: ChanRef::Var(v),
                kind: OpKind::Pass,
                loc: loc(self.f, node),
                function: func,
                text: name,
                case: None,
            });
        }
    }

    /// `for v := range ch` receives from ch.
    pub(super) fn range_receive(&mut self, range: Node<'_>, func: Option<usize>) {
        if let Some(r) = range.field("right")
            && let Some(c) = self.chan_ref(r)
        {
            self.op(c, OpKind::Recv(RecvForm::Range), range, r, func);
        }
    }

    /// A value that leaves the function's hands: a channel in it is handed on.
    fn passed(&mut self, v: Node<'_>, func: Option<usize>) {
        let v = strip_parens(v);
        let v = if v.kind_name() == "literal_element" {
            match named_children(v).into_iter().next() {
                Some(x) => x,
                None => return,
            }
        } else {
            v
        };
        // `return &Poller{t: t}`, `go run(t, f)`: a ticker or timer whoever gets it can stop.
        if v.kind_name() == "identifier"
            && let Some(id) = self.scopes.resolve(self.text(v))
            && self.ix.facts.timers.iter().any(|t| t.bound == Some(id))
        {
            self.ix.facts.stopped.insert(id);
        }
        if matches!(v.kind_name(), "identifier" | "selector_expression")
            && let Some(r) = self.chan_ref(v)
            && !matches!(r, ChanRef::Timer | ChanRef::Other)
        {
            self.op(r, OpKind::Pass, v, v, func);
        }
    }

    /// What a call does to channels, timers, finalizers and C memory (the callee and the
    /// arguments as the walk read them).
    pub(super) fn concurrency_call(
        &mut self,
        node: Node<'_>,
        callee_node: Node<'_>,
        callee: &str,
        args: &[Node<'_>],
        func: Option<usize>,
    ) {
        let callee = callee.to_string();
        self.cgo_call(node, &callee, func);
        match callee.as_str() {
            "close" => {
                if let Some(a) = args.first()
                    && let Some(r) = self.chan_ref(*a)
                {
                    self.op(r, OpKind::Close, node, *a, func);
                }
                return;
            }
            "len" | "cap" | "make" => return,
            "runtime.SetFinalizer" => {
                let obj = args
                    .first()
                    .filter(|a| a.kind_name() == "identifier")
                    .and_then(|a| self.scopes.resolve(self.text(*a)));
                let literal_start = args
                    .get(1)
                    .filter(|a| a.kind_name() == "func_literal")
                    .map(|a| a.start_byte());
                self.ix.facts.set_finalizers.push(SetFinalizer {
                    loc: loc(self.f, node),
                    finalizer: args.get(1).map(|a| self.text(*a).to_string()),
                    obj,
                    closure: None,
                    literal_start,
                });
            }
            _ => {}
        }
        if ends_goroutine(&callee) {
            self.mark_exits(None, false);
        }
        if matches!(
            callee.as_str(),
            "time.NewTicker" | "time.Tick" | "time.After" | "time.AfterFunc"
        ) {
            let kept = self.result_is_kept(node);
            // `for range time.Tick(d)`: the range expression is evaluated once, before the
            // loop's first turn.
            let range_header = node
                .parent()
                .is_some_and(|p| p.kind_name() == "range_clause");
            let in_loop = if range_header {
                self.loops.last().is_some_and(|&d| d > 1)
            } else {
                self.in_loop()
            };
            let fact = TimerFact {
                api: callee.clone(),
                loc: loc(self.f, node),
                function: func,
                in_loop,
                range_header,
                text: self.text(node).to_string(),
                first_arg: args
                    .first()
                    .map(|a| self.text(*a).to_string())
                    .unwrap_or_default(),
                bound: None,
                kept,
            };
            self.ix.facts.timers.push(fact);
        }
        // `t.Stop()`: the variable's timer or ticker is stopped.
        if callee_node.kind_name() == "selector_expression"
            && callee_node
                .field("field")
                .is_some_and(|f| self.text(f) == "Stop")
            && let Some(o) = callee_node.field("operand")
            && o.kind_name() == "identifier"
            && let Some(v) = self.scopes.resolve(self.text(o))
        {
            self.ix.facts.stopped.insert(v);
        }
        let target = self.callee_of(callee_node);
        // A `go` statement's call is counted by its GoFact.
        let started = self.started.contains(&node.id());
        for (i, a) in args.iter().enumerate() {
            if let Some(r) = self.chan_ref(strip_parens(*a))
                && !matches!(r, ChanRef::Timer | ChanRef::Other)
                && !started
            {
                self.ix.facts.passes.push(ChanPass {
                    callee: target.clone(),
                    index: i,
                    chan: r,
                });
            }
            let before = self.ix.facts.ops.len();
            self.passed(*a, func);
            if self.ix.facts.ops.len() > before && !matches!(target, Callee::Other) {
                self.ix.facts.arg_ops.push((before, target.clone(), i));
            }
        }
    }

    /// What a call's function expression runs.
    pub(super) fn callee_of(&self, f: Node<'_>) -> Callee {
        let f = strip_parens(f);
        match f.kind_name() {
            "func_literal" => Callee::Closure(self.ix.functions.len()),
            "identifier" => {
                let name = self.text(f);
                match self.scopes.resolve(name) {
                    Some(v) => match self.ix.vars[v.0 as usize].ty {
                        VarType::Func(Some(c)) => Callee::Closure(c),
                        _ => Callee::Other,
                    },
                    None => Callee::Name(name.to_string()),
                }
            }
            "selector_expression" => {
                let (Some(o), Some(m)) = (f.field("operand"), f.field("field")) else {
                    return Callee::Other;
                };
                let name = self.text(m).to_string();
                let local = o.kind_name() == "identifier"
                    && (self.scopes.resolve(self.text(o)).is_some()
                        || self.ix.globals.contains_key(self.text(o)));
                if o.kind_name() == "identifier" && !local {
                    // `pkg.F`: another package's function.
                    return Callee::Name(self.text(f).to_string());
                }
                Callee::Method {
                    owner: self.owner_type(o),
                    name,
                }
            }
            _ => Callee::Other,
        }
    }

    fn go_statement(&mut self, node: Node<'_>, func: Option<usize>) {
        self.started
            .extend(named_children(node).into_iter().map(|n| n.id()));
        let Some(call) = named_children(node).into_iter().next() else {
            return;
        };
        let f = call.field("function");
        let callee = f.map(|f| self.callee_of(f)).unwrap_or(Callee::Other);
        let receiver = f
            .filter(|f| f.kind_name() == "selector_expression")
            .and_then(|f| f.field("operand"))
            .map(|o| self.text(o).to_string());
        let args: Vec<Node<'_>> = call
            .field("arguments")
            .map(named_children)
            .unwrap_or_default();
        let arg_chans = args
            .iter()
            .map(|a| self.chan_ref(strip_parens(*a)))
            .collect();
        let text = self.text(node);
        // `go func(ch chan struct{}) {...}(ch)`: the literal's body elided, its parameters and
        // the arguments as written.
        let body = call
            .field("function")
            .filter(|f| f.kind_name() == "func_literal")
            .and_then(|f| f.field("body"));
        let subject = match body {
            Some(b) => {
                let (start, end) = (
                    b.start_byte() - node.start_byte(),
                    b.end_byte() - node.start_byte(),
                );
                format!("{}{{...}}{}", &text[..start], &text[end..])
            }
            None => text.lines().next().unwrap_or(text).trim().to_string(),
        };
        let fact = GoFact {
            loc: loc(self.f, node),
            function: func,
            in_loop: self.in_loop(),
            callee,
            target: None,
            via: Vec::new(),
            receiver,
            args: args.iter().map(|a| self.text(*a).to_string()).collect(),
            arg_chans,
            subject,
            foreign_endless: None,
        };
        self.ix.facts.goroutines.push(fact);
    }

    /// `ch := make(chan T, n)`, `var ch = make(...)`, `ch = make(...)`: where the channel a
    /// variable holds is made, and its capacity.
    pub(super) fn record_make(&mut self, v: VarId, value: Node<'_>, func: Option<usize>) {
        let value = strip_parens(value);
        // `t := time.NewTicker(d)`: the timer started by that call is bound to `t`.
        if value.kind_name() == "call_expression" {
            self.cgo_bind(v, value);
            let (file, start) = (self.f, value.start_byte());
            if let Some(t) = self
                .ix
                .facts
                .timers
                .iter_mut()
                .rev()
                .find(|t| t.loc.file == file && t.loc.start == start)
            {
                t.bound = Some(v);
            }
        }
        let is_make = value.kind_name() == "call_expression"
            && value
                .field("function")
                .is_some_and(|f| self.text(f) == "make");
        if !is_make {
            return;
        }
        let VarType::Chan { capacity } = self.type_of_value(value) else {
            return;
        };
        self.ix.vars[v.0 as usize].ty = VarType::Chan { capacity };
        let text = self.ix.vars[v.0 as usize].name.clone();
        self.ix.facts.ops.push(ChanOp {
            chan: ChanRef::Var(v),
            kind: OpKind::Make,
            loc: loc(self.f, value),
            function: func,
            text,
            case: None,
        });
    }

    /// `ch = make(chan T)` for a variable declared before.
    pub(super) fn assigned_make(&mut self, node: Node<'_>, func: Option<usize>) {
        for (t, v) in assigned_pairs(node) {
            if t.kind_name() == "identifier"
                && let Some(id) = self.scopes.resolve(self.text(t))
            {
                self.record_make(id, v, func);
            }
        }
    }

    /// A composite literal: a struct's keys are field names, not variables, so only the values
    /// are walked; a channel field given a channel made elsewhere is fed from outside.
    pub(super) fn composite(&mut self, node: Node<'_>, func: Option<usize>) {
        let ty = node.field("type");
        let owner = ty.map(|t| match self.type_of_type(t) {
            VarType::Named(n) => Some(n),
            _ => None,
        });
        let is_map = ty.is_some_and(|t| {
            t.kind_name() == "map_type"
                || self
                    .ix
                    .types
                    .get(self.text(t))
                    .is_some_and(|d| d.trim_start().starts_with("map["))
        });
        if let Some(t) = ty {
            self.walk(t, func);
        }
        let Some(body) = node.field("body") else {
            return;
        };
        for el in named_children(body) {
            if el.kind_name() != "keyed_element" || is_map {
                self.walk(el, func);
                continue;
            }
            let parts = named_children(el);
            let (Some(key), Some(value)) = (parts.first(), parts.get(1)) else {
                self.walk(el, func);
                continue;
            };
            let inner = named_children(*value).into_iter().next().unwrap_or(*value);
            if self.chan_ref(strip_parens(inner)).is_some() && !self.is_make_chan(inner) {
                let field = self.text(*key).to_string();
                self.ix.facts.fed.push((owner.clone().flatten(), field));
            }
            // The value is stored in the new struct.
            self.concurrency_enter(el, func);
            self.walk(*value, func);
        }
    }

    fn is_make_chan(&self, n: Node<'_>) -> bool {
        let n = strip_parens(n);
        n.kind_name() == "call_expression"
            && n.field("function").is_some_and(|f| self.text(f) == "make")
    }

    /// `s.in = in`, `global = ch`: a channel field or package-level channel given a channel made
    /// elsewhere.
    fn assigned_chan(&mut self, node: Node<'_>) {
        for (t, v) in assigned_pairs(node) {
            if self.is_make_chan(v) {
                continue;
            }
            match self.chan_ref(t) {
                Some(ChanRef::Field { owner, field }) => self.ix.facts.fed.push((owner, field)),
                Some(ChanRef::Global(g)) => self.ix.facts.fed.push((None, format!("global {g}"))),
                _ => {}
            }
        }
    }

    /// An identifier used as a value: a channel variable used other than by an operation may
    /// be handed on (checked against the operations' operands after the walk).
    pub(super) fn concurrency_use(&mut self, id: Node<'_>, func: Option<usize>) {
        if let Some(v) = self.use_var(id, func)
            && matches!(self.ix.vars[v.0 as usize].ty, VarType::Chan { .. })
        {
            let at = loc(self.f, id);
            self.ix.facts.uses.push((v, at, func));
        }
    }

    /// The one call a function's body is made of, for wrappers (`func watch(d T) { loop(d) }`).
    pub(super) fn record_single_call(&mut self, decl: Node<'_>, idx: usize) {
        let Some(body) = decl.field("body") else {
            return;
        };
        let mut stmts = named_children(body);
        // tree-sitter-go puts a block's statements in a statement_list.
        if let [list] = stmts.as_slice()
            && list.kind_name() == "statement_list"
        {
            stmts = named_children(*list);
        }
        let [stmt] = stmts.as_slice() else { return };
        let call = match stmt.kind_name() {
            "expression_statement" => named_children(*stmt).into_iter().next(),
            _ => None,
        };
        if let Some(call) = call.filter(|c| c.kind_name() == "call_expression")
            && let Some(f) = call.field("function")
        {
            let callee = self.callee_of(f);
            if !matches!(callee, Callee::Other | Callee::Closure(_)) {
                self.ix.facts.single_call.insert(idx, callee);
            }
        }
    }

    /// Declares the receiver, parameters and results of a function.
    pub(super) fn declare_signature(&mut self, node: Node<'_>, idx: usize) {
        for (field, binding) in [
            ("receiver", Binding::Receiver),
            ("parameters", Binding::Param),
            ("result", Binding::Result),
        ] {
            if let Some(p) = node.field(field)
                && p.kind_name() == "parameter_list"
            {
                self.declare_params(p, idx, binding);
            }
        }
    }
}

/// What to undo after a node's children are walked.
#[derive(Debug, Clone, Copy)]
pub(super) enum Leave {
    Nothing,
    Breakable,
    Select,
    Case,
}

/// `a, b = x, y`: each target with its value (nothing when the counts differ: `a, b = f()`).
fn assigned_pairs(node: Node<'_>) -> Vec<(Node<'_>, Node<'_>)> {
    let (Some(l), Some(r)) = (node.field("left"), node.field("right")) else {
        return Vec::new();
    };
    let (lhs, values) = (named_children(l), named_children(r));
    if lhs.len() != values.len() {
        return Vec::new();
    }
    lhs.into_iter().zip(values).collect()
}

/// The expression inside any number of parentheses (a loop: generated code may nest
/// thousands).
fn strip_parens(mut n: Node<'_>) -> Node<'_> {
    while n.kind_name() == "parenthesized_expression" {
        match named_children(n).into_iter().next() {
            Some(i) => n = i,
            None => break,
        }
    }
    n
}

/// Struct fields with a channel type, from the package's type declarations.
pub(super) fn collect_chan_fields(ix: &mut PackageIndex, file: &GoFile, spec: Node<'_>) {
    let (Some(name), Some(ty)) = (spec.field("name"), spec.field("type")) else {
        return;
    };
    if ty.kind_name() != "struct_type" {
        return;
    }
    let owner = file.text_of(name).to_string();
    let Some(list) = named_children(ty)
        .into_iter()
        .find(|n| n.kind_name() == "field_declaration_list")
    else {
        return;
    };
    for decl in named_children(list) {
        let Some(t) = decl.field("type") else {
            continue;
        };
        if decl.field("name").is_none() {
            // An embedded type (`*store`, `sync.Mutex`): its fields are promoted.
            let name = file.text_of(t).trim_start_matches('*');
            let name = name.split('[').next().unwrap_or(name).trim().to_string();
            ix.facts.embeds.push((owner.clone(), name));
            continue;
        }
        let chan = t.kind_name() == "channel_type"
            || (t.kind_name() == "type_identifier"
                && ix
                    .types
                    .get(file.text_of(t))
                    .is_some_and(|d| super::bindings::is_chan_type_text(d)));
        if !chan {
            continue;
        }
        let mut c = decl.walk();
        for n in decl.children_by_field_name("name", &mut c) {
            ix.facts
                .chan_fields
                .push((owner.clone(), file.text_of(n).to_string()));
        }
    }
}

impl PackageIndex {
    /// Resolves what each `go` statement and each channel passed to a call runs, once every
    /// function of the package is known.
    pub(super) fn settle_concurrency(&mut self) {
        let resolved: Vec<(Option<usize>, Vec<usize>)> = self
            .facts
            .goroutines
            .iter()
            .map(|g| self.follow(&g.callee))
            .collect();
        for (g, (target, via)) in self.facts.goroutines.iter_mut().zip(resolved) {
            g.target = target;
            g.via = via;
        }
        for sf in &mut self.facts.set_finalizers {
            sf.closure = sf.literal_start.and_then(|start| {
                self.functions
                    .iter()
                    .position(|f| f.loc.file == sf.loc.file && f.loc.start == start)
            });
        }
        // A channel passed to a function of the package is followed there, not handed on.
        for (op, callee, i) in std::mem::take(&mut self.facts.arg_ops) {
            if let Some(f) = self.resolve_callee(&callee) {
                self.facts.ops[op].kind = OpKind::Arg(f, i);
            }
        }
        for (n, v) in self.vars.iter().enumerate() {
            if let (Binding::Param, Some(f), Some(i)) = (v.binding, v.function, v.param_index) {
                self.facts.param_vars.insert((f, i), VarId(n as u32));
            }
        }
        // Uses that are no operation's operand hand the channel on.
        let operands = std::mem::take(&mut self.facts.operands);
        let uses = std::mem::take(&mut self.facts.uses);
        for (v, at, function) in uses {
            if !operands.contains(&(at.file, at.start)) {
                self.facts.ops.push(ChanOp {
                    chan: ChanRef::Var(v),
                    kind: OpKind::Pass,
                    loc: at,
                    function,
                    text: self.vars[v.0 as usize].name.clone(),
                    case: None,
                });
            }
        }
        for (i, o) in self.facts.ops.iter().enumerate() {
            if let Some(k) = key_of(&o.chan) {
                self.facts.by_chan.entry(k).or_default().push(i);
            }
        }
        for (i, g) in self.facts.goroutines.iter().enumerate() {
            self.facts
                .gos_by_function
                .entry(g.function)
                .or_default()
                .push(i);
        }
        let mut param_args: HashMap<(usize, usize), Vec<Option<ChanRef>>> = HashMap::new();
        for g in &self.facts.goroutines {
            if let (Some(f), true) = (g.target, g.via.is_empty()) {
                let n = self.functions[f].params.len().max(g.arg_chans.len());
                for i in 0..n {
                    let c = g.arg_chans.get(i).cloned().flatten();
                    param_args.entry((f, i)).or_default().push(c);
                }
            }
        }
        for p in &self.facts.passes {
            if let Some(f) = self.resolve_callee(&p.callee) {
                param_args
                    .entry((f, p.index))
                    .or_default()
                    .push(Some(p.chan.clone()));
            }
        }
        self.facts.param_args = param_args;
        // Closedness of channel parameters, as a fixpoint over the calls: every parameter
        // starts as never closed and only moves to closed or unknown, so this ends.
        let mut keys: Vec<(usize, usize)> = self.facts.param_args.keys().copied().collect();
        keys.sort_unstable();
        let mut table: HashMap<(usize, usize), Closed> =
            keys.iter().map(|&k| (k, Closed::Never)).collect();
        let param_vars = &self.facts.param_vars;
        // A parameter the function closes itself is closed whatever its callers pass.
        let direct: HashMap<(usize, usize), Closed> = keys
            .iter()
            .filter_map(|k| {
                let v = *param_vars.get(k)?;
                self.ops_on(&ChanRef::Var(v))
                    .find(|(_, o)| o.kind == OpKind::Close)
                    .map(|(op, _)| (*k, Closed::Yes(op)))
            })
            .collect();
        for _ in 0..=2 * keys.len() {
            let mut changed = false;
            for &(f, i) in &keys {
                let value = direct
                    .get(&(f, i))
                    .copied()
                    .unwrap_or_else(|| self.param_closed(f, i, &table));
                if table.get(&(f, i)) != Some(&value) {
                    table.insert((f, i), value);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        self.facts.param_closed = table;
    }

    /// The function of the package a callee names, and the wrappers passed through to reach
    /// the function that does the work.
    fn follow(&self, callee: &Callee) -> (Option<usize>, Vec<usize>) {
        let mut via = Vec::new();
        let mut at = self.resolve_callee(callee);
        while let Some(f) = at {
            match self
                .facts
                .single_call
                .get(&f)
                .and_then(|c| self.resolve_callee(c))
            {
                Some(next) if via.len() < 3 && !via.contains(&next) && next != f => {
                    via.push(f);
                    at = Some(next);
                }
                _ => break,
            }
        }
        (at, via)
    }

    /// The function of the package a callee names.
    pub fn resolve_callee(&self, callee: &Callee) -> Option<usize> {
        match callee {
            Callee::Closure(c) => Some(*c),
            Callee::Name(n) => self
                .function_named(n)
                .filter(|&f| self.functions[f].kind == FunctionKind::Func),
            Callee::Method {
                owner: Some(t),
                name,
            } => {
                let t = t.split('[').next().unwrap_or(t);
                self.function_named(&format!("(*{t}).{name}"))
                    .or_else(|| self.function_named(&format!("{t}.{name}")))
            }
            Callee::Method { owner: None, name } => {
                // The receiver's type is not written: a method of that name on one type only.
                match self.methods_named(name) {
                    [i] => Some(*i),
                    _ => None,
                }
            }
            Callee::Other => None,
        }
    }

    /// Every `go` statement of the package, in source order.
    pub fn goroutines(&self) -> &[GoFact] {
        &self.facts.goroutines
    }

    /// Every channel operation: those the walk met, in source order, then the hand-offs found
    /// after it.
    pub fn chan_ops(&self) -> &[ChanOp] {
        &self.facts.ops
    }

    /// The operations on a channel (or on a channel it may be: a field of an unknown owner),
    /// with their indexes, in order.
    pub fn ops_on<'s>(&'s self, ch: &ChanRef) -> impl Iterator<Item = (usize, &'s ChanOp)> + 's {
        let ch = ch.clone();
        key_of(&ch)
            .and_then(|k| self.facts.by_chan.get(&k))
            .into_iter()
            .flatten()
            .map(|&i| (i, &self.facts.ops[i]))
            .filter(move |(_, o)| self.same_chan(&o.chan, &ch))
    }

    /// The `go` statements in a function's own code.
    pub fn goroutines_in(&self, f: usize) -> impl Iterator<Item = &GoFact> {
        self.facts
            .gos_by_function
            .get(&Some(f))
            .into_iter()
            .flatten()
            .map(|&i| &self.facts.goroutines[i])
    }

    pub fn select(&self, s: usize) -> &SelectFact {
        &self.facts.selects[s]
    }

    /// The variable of parameter `i` of function `f`, when the source names it: where a
    /// channel passed there (`drain(ch)`, an [`OpKind::Arg`]) is followed.
    pub fn param_var(&self, f: usize, i: usize) -> Option<VarId> {
        self.facts.param_vars.get(&(f, i)).copied()
    }

    /// The `return` statements of a function's own code.
    pub fn returns_of(&self, f: usize) -> &[Loc] {
        self.facts.returns.get(&f).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The variables of enclosing functions a closure refers to, in declaration order.
    pub fn captures_of(&self, f: usize) -> Vec<&Var> {
        let mut v: Vec<&Var> = self
            .facts
            .captures
            .get(&f)
            .into_iter()
            .flatten()
            .map(|id| &self.vars[id.0 as usize])
            .collect();
        v.sort_by_key(|v| (v.decl.file, v.decl.start));
        v
    }

    /// Whether two references can name the same channel.
    pub fn same_chan(&self, a: &ChanRef, b: &ChanRef) -> bool {
        match (a, b) {
            (ChanRef::Var(x), ChanRef::Var(y)) => x == y,
            (ChanRef::Global(x), ChanRef::Global(y)) => x == y,
            // A field reached through a value whose type is not written matches the field of
            // any type that declares it.
            (
                ChanRef::Field {
                    owner: o1,
                    field: f1,
                },
                ChanRef::Field {
                    owner: o2,
                    field: f2,
                },
            ) => f1 == f2 && (o1 == o2 || o1.is_none() || o2.is_none()),
            _ => false,
        }
    }

    /// Whether the package can close a channel.
    pub fn closed(&self, ch: &ChanRef) -> Closed {
        self.closed_in(ch, &self.facts.param_closed)
    }

    /// [`PackageIndex::closed`], with what is known so far of the channel parameters.
    fn closed_in(&self, ch: &ChanRef, params: &HashMap<(usize, usize), Closed>) -> Closed {
        if let Some((i, _)) = self.ops_on(ch).find(|(_, o)| o.kind == OpKind::Close) {
            return Closed::Yes(i);
        }
        match ch {
            ChanRef::Timer => Closed::Never,
            ChanRef::Done(_) | ChanRef::Other => Closed::Unknown,
            ChanRef::Global(name) => {
                // Exported, handed out (`func In() chan int { return in }`) or given a channel
                // made elsewhere: someone else may close it.
                let exported = name.starts_with(|c: char| c.is_uppercase())
                    && self.package.as_deref() != Some("main");
                let handed_on = self.ops_on(ch).any(|(_, o)| o.kind == OpKind::Pass);
                let fed = self
                    .facts
                    .fed
                    .iter()
                    .any(|(o, f)| o.is_none() && *f == format!("global {name}"));
                if exported || handed_on || fed {
                    Closed::Unknown
                } else {
                    self.closed_downward(ch, &mut Vec::new())
                }
            }
            ChanRef::Field { field, .. } => {
                // An exported field can be closed by another package; one handed out (`return
                // s.in`, `x := s.in`, passed to a call) by whoever gets it.
                let handed_on = self.ops_on(ch).any(|(_, o)| o.kind == OpKind::Pass);
                let fed = self.facts.fed.iter().any(|(o, f)| {
                    f == field
                        && match (o, ch) {
                            (Some(o), ChanRef::Field { owner: Some(t), .. }) => o == t,
                            _ => true,
                        }
                });
                if handed_on || fed || field.starts_with(|c: char| c.is_uppercase()) {
                    Closed::Unknown
                } else {
                    self.closed_downward(ch, &mut Vec::new())
                }
            }
            ChanRef::Var(v) => {
                let var = &self.vars[v.0 as usize];
                match (var.binding, var.param_index, var.function) {
                    (Binding::Param, Some(i), Some(f)) => {
                        params.get(&(f, i)).copied().unwrap_or(Closed::Unknown)
                    }
                    (Binding::Local, _, _) => {
                        // A local made elsewhere (a copy of another channel, a call's result)
                        // is that channel; one handed on (returned, stored, passed) may be
                        // closed by whoever gets it.
                        let made_here = self.ops_on(ch).any(|(_, o)| o.kind == OpKind::Make);
                        let handed_on = self.ops_on(ch).any(|(_, o)| o.kind == OpKind::Pass);
                        if made_here && !handed_on {
                            self.closed_downward(ch, &mut Vec::new())
                        } else {
                            Closed::Unknown
                        }
                    }
                    _ => Closed::Unknown,
                }
            }
        }
    }

    /// Whether the functions of the package a variable's channel is passed to close it (or
    /// hand it on): `go worker(ch)` where `worker` does `defer close(ch)`.
    fn closed_downward(&self, ch: &ChanRef, seen: &mut Vec<(usize, usize)>) -> Closed {
        let mut out = Closed::Never;
        let args: Vec<(usize, usize)> = self
            .ops_on(ch)
            .filter_map(|(_, o)| match o.kind {
                OpKind::Arg(f, i) => Some((f, i)),
                _ => None,
            })
            .collect();
        for k in args {
            if seen.contains(&k) {
                continue;
            }
            seen.push(k);
            let params = &self.functions[k.0].params;
            let Some(&pv) = self.facts.param_vars.get(&k) else {
                if k.1 < params.len() {
                    // A parameter the source does not name (`_`) does nothing with it.
                    continue;
                }
                // Past the last parameter: in a variadic `...any`, stored in a slice.
                out = Closed::Unknown;
                continue;
            };
            if !matches!(self.vars[pv.0 as usize].ty, VarType::Chan { .. }) {
                // A variadic `args ...any`: the channel is stored in a slice.
                out = Closed::Unknown;
                continue;
            }
            let param = ChanRef::Var(pv);
            if let Some((op, _)) = self.ops_on(&param).find(|(_, o)| o.kind == OpKind::Close) {
                return Closed::Yes(op);
            }
            if self.ops_on(&param).any(|(_, o)| o.kind == OpKind::Pass) {
                out = Closed::Unknown;
                continue;
            }
            // One level per function the channel is handed to: a generated chain can be long.
            match deep(|| self.closed_downward(&param, seen)) {
                Closed::Yes(op) => return Closed::Yes(op),
                Closed::Unknown => out = Closed::Unknown,
                Closed::Never => {}
            }
        }
        out
    }

    /// A channel parameter is closed when a caller's channel is: every call and `go` statement
    /// of the package that reaches the function is in sight, unless it can be called from
    /// elsewhere.
    fn param_closed(&self, f: usize, i: usize, params: &HashMap<(usize, usize), Closed>) -> Closed {
        let func = &self.functions[f];
        let from_elsewhere = func.exported
            || (func.kind != FunctionKind::Closure
                && self.used_as_value.contains(short_name(&func.name)));
        // Every call that reaches the function: one passing something that is not a channel the
        // model knows (an expression, a call's result) makes the answer unknown, and so do
        // calls the model cannot count (a method, or more calls by name than it knows).
        let args = self
            .facts
            .param_args
            .get(&(f, i))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        if args.is_empty() {
            return Closed::Unknown;
        }
        let counted = match func.kind {
            FunctionKind::Func => self.calls.get(&func.name).map_or(0, Vec::len) <= args.len(),
            FunctionKind::Closure => true,
            FunctionKind::Method => false,
        };
        let mut all_never = !from_elsewhere && counted;
        let known: Vec<ChanRef> = args.iter().flatten().cloned().collect();
        if known.len() < args.len() {
            all_never = false;
        }
        for c in known {
            match self.closed_in(&c, params) {
                Closed::Yes(op) => return Closed::Yes(op),
                Closed::Never => {}
                Closed::Unknown => all_never = false,
            }
        }
        if all_never {
            Closed::Never
        } else {
            Closed::Unknown
        }
    }

    /// The first loop of a function's own code that nothing can end: no condition (or a
    /// `range` over a channel the package never closes) and no way out.
    pub fn endless_loop(&self, f: usize) -> Option<&LoopFact> {
        self.loops_of(f).find(|l| {
            !l.exits
                && match &l.header {
                    LoopHeader::Forever => true,
                    LoopHeader::RangeChan(c, _) => self.closed(c) == Closed::Never,
                    _ => false,
                }
        })
    }

    /// The first loop of a function's own code that runs until something stops it: `for {`,
    /// or a `range` over a channel that is closed here or by whoever it is handed to.
    pub fn service_loop(&self, f: usize) -> Option<&LoopFact> {
        self.loops_of(f).find(|l| match &l.header {
            LoopHeader::Forever => true,
            LoopHeader::RangeChan(c, _) => self.closed(c) != Closed::Never,
            _ => false,
        })
    }

    /// Where a channel leaves the package's sight: returned, stored or passed on.
    pub fn handed_on(&self, ch: &ChanRef) -> Option<&ChanOp> {
        self.ops_on(ch).map(|(_, o)| o).find(|o| match o.kind {
            OpKind::Pass => true,
            // Passed in variadic arguments: stored in a slice.
            OpKind::Arg(f, i) => {
                let last = self.functions[f].params.len().saturating_sub(1);
                match self.facts.param_vars.get(&(f, i)) {
                    None => i > last,
                    Some(pv) => {
                        i == last && !matches!(self.vars[pv.0 as usize].ty, VarType::Chan { .. })
                    }
                }
            }
            _ => false,
        })
    }

    /// The loops of a function's own code, in source order.
    /// How many times a `go` statement runs, when the code bounds it: `Some(how)` for a
    /// statement in code that runs once (main, init, a `sync.Once` body, a function called only
    /// from those, or code behind a start-once guard), outside any loop or inside loops whose
    /// turns a constant or the command line fixes.
    pub fn starts_bounded(&self, go: &GoFact) -> Option<String> {
        let guard = self.guard_at(go.function, &go.loc);
        if !self.runs_once(go.function) && guard.is_none() {
            return None;
        }
        let place = match (&guard, go.function) {
            (Some(g), _) => format!("behind the start-once guard `{g}`"),
            (None, Some(f)) => format!("from {}, which runs once", self.function_words(f)),
            (None, None) => "from a package initializer".to_string(),
        };
        if !go.in_loop {
            return Some(match &guard {
                // `if s.running { return }`: once per object.
                Some(g)
                    if g.contains('.')
                        && !self
                            .globals
                            .contains_key(g.split('.').next().unwrap_or_default()) =>
                {
                    format!("started once per object, {place}: one goroutine per object")
                }
                _ => format!("started once, {place}: one goroutine for the life of the process"),
            });
        }
        let f = go.function?;
        let around: Vec<&LoopFact> = self
            .loops_of(f)
            .filter(|l| {
                l.loc.file == go.loc.file && l.loc.start <= go.loc.start && go.loc.end <= l.loc.end
            })
            .collect();
        let bounds: Vec<&str> = around
            .iter()
            .map(|l| l.bound.as_deref())
            .collect::<Option<Vec<_>>>()?;
        (!bounds.is_empty()).then(|| {
            format!(
                "started {place}, in a loop bounded by {}: a fixed number of goroutines for the life of the process",
                bounds.join(" and ")
            )
        })
    }

    pub fn loops_of(&self, f: usize) -> impl Iterator<Item = &LoopFact> {
        self.facts
            .loops
            .iter()
            .filter(move |l| l.function == Some(f))
    }

    /// The channel that stops a service loop: a `select` case in the loop that receives and
    /// leaves (a send or a close stops it), else the channel it ranges over (only a close
    /// does): the channel, as written, and whether only a close stops it.
    pub fn stop_channel<'s>(&'s self, l: &'s LoopFact) -> Option<(&'s ChanRef, &'s str, bool)> {
        let i = self.facts.loops.iter().position(|x| std::ptr::eq(x, l))?;
        // A case that returns first: a `break` in a case may leave only a loop inside it (`for
        // _, e := range entries { ... break }`), where `case <-c.stop: return` leaves for good.
        for returns_only in [true, false] {
            for s in self.facts.selects.iter().filter(|s| s.loops.contains(&i)) {
                for c in &s.cases {
                    let leaves = if returns_only { c.returns } else { c.exits };
                    if let (true, Some(op)) = (leaves, c.comm) {
                        let op = &self.facts.ops[op];
                        if matches!(op.kind, OpKind::Recv(_)) {
                            return Some((&op.chan, op.text.as_str(), false));
                        }
                    }
                }
            }
        }
        match &l.header {
            LoopHeader::RangeChan(c, text) => Some((c, text.as_str(), true)),
            _ => None,
        }
    }

    /// The first operation of the package that closes or sends on a channel, in the file
    /// `prefer` first: what stops a loop waiting on it.
    pub fn stopper(&self, ch: &ChanRef, prefer: usize, close_only: bool) -> Option<&ChanOp> {
        let hits = |o: &&ChanOp| o.kind == OpKind::Close || (o.kind == OpKind::Send && !close_only);
        // A parameter is the channel its callers pass (`go func(done <-chan struct{})
        // {...}(c.done)`): breadth first through the callers, each parameter once.
        let mut queue = std::collections::VecDeque::from([ch.clone()]);
        let mut seen = std::collections::HashSet::new();
        while let Some(c) = queue.pop_front() {
            let here = self
                .ops_on(&c)
                .map(|(_, o)| o)
                .filter(|o| o.loc.file == prefer)
                .find(hits)
                .or_else(|| self.ops_on(&c).map(|(_, o)| o).find(hits));
            if here.is_some() {
                return here;
            }
            if let ChanRef::Var(v) = c {
                let var = &self.vars[v.0 as usize];
                if let (Some(f), Some(i), Binding::Param) =
                    (var.function, var.param_index, var.binding)
                    && seen.insert((f, i))
                {
                    queue.extend(self.callers_chans(f, i));
                }
                // And the parameters it is passed to (`go worker(ch)`, which closes it).
                let down: Vec<(usize, usize)> = self
                    .ops_on(&c)
                    .filter_map(|(_, o)| match o.kind {
                        OpKind::Arg(f, i) => Some((f, i)),
                        _ => None,
                    })
                    .collect();
                for k in down {
                    if seen.insert(k)
                        && let Some(&pv) = self.facts.param_vars.get(&k)
                    {
                        queue.push_back(ChanRef::Var(pv));
                    }
                }
            }
        }
        None
    }

    /// The channels the package's `go` statements and calls pass as parameter `i` of `f`.
    fn callers_chans(&self, f: usize, i: usize) -> impl Iterator<Item = ChanRef> + '_ {
        self.facts
            .param_args
            .get(&(f, i))
            .into_iter()
            .flatten()
            .flatten()
            .cloned()
    }

    /// Every call that starts a timer or ticker, in source order.
    pub fn timers(&self) -> &[TimerFact] {
        &self.facts.timers
    }

    /// Whether a variable's `Stop` method is called anywhere.
    pub fn is_stopped(&self, v: VarId) -> bool {
        self.facts.stopped.contains(&v)
    }

    /// Whether a goroutine that never ends runs `f` (a literal started by `go`) or captures
    /// `var`: what it refers to is referenced for the life of the process.
    pub fn kept_by_endless_goroutine(&self, f: Option<usize>, var: Option<VarId>) -> bool {
        self.facts.goroutines.iter().any(|g| {
            let Callee::Closure(c) = g.callee else {
                return false;
            };
            let reaches = Some(c) == f
                || var.is_some_and(|v| {
                    self.facts
                        .captures
                        .get(&c)
                        .is_some_and(|cs| cs.contains(&v))
                });
            reaches && self.endless_loop(c).is_some()
        })
    }

    /// Every `runtime.SetFinalizer` call, in source order.
    pub fn set_finalizers(&self) -> &[SetFinalizer] {
        &self.facts.set_finalizers
    }

    /// Whether a function is handed to `runtime.SetFinalizer`.
    pub fn is_finalizer(&self, f: usize) -> bool {
        let name = &self.functions[f].name;
        self.facts
            .set_finalizers
            .iter()
            .any(|f| f.finalizer.as_deref() == Some(name.as_str()))
    }
}

fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}
