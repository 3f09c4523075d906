//! The walk over a package's code: the enclosing function, the names each function declares
//! (parameters, receiver, results, locals), loop depth, closures as the compiler numbers them,
//! and the declarations of functions and methods with what is known of them before the call
//! graph (runs once at start-up, a test helper, a registration API by name).

use crate::source::syntax::Syntax;
use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::super::gofile::GoFile;
use super::super::owner::Binding;
use super::super::pin::{Backing, Pin};
use super::super::stack::deep;
use super::bindings::{Scopes, VarType, opens_scope};
use super::concurrency::FnState;
use super::*;

/// Walks the package's code, tracking the enclosing function and the names it declares.
pub(super) struct Walker<'a> {
    pub(super) ix: &'a mut PackageIndex,
    pub(super) file: &'a GoFile,
    pub(super) f: usize,
    /// One scope per enclosing function: the names declared there so far.
    pub(super) locals: Vec<HashSet<String>>,
    /// Parameters, receivers and results of each enclosing function (aligned with `locals`);
    /// any other name in `locals` is a local variable.
    pub(super) bindings: Vec<HashMap<String, Binding>>,
    /// The file is in package main (read once per file, not per declaration).
    pub(super) is_main_pkg: bool,
    /// Locals that share a larger backing array (`s := buf[:16]`, `parts := strings.Split(b,
    /// ",")`): name -> the array they pin. Per top-level declaration.
    pub(super) pins: HashMap<String, Pin>,
    /// What locals' backing arrays are, when their declaration says (`make([]byte, 64<<10)`,
    /// `var b [512]byte`, a view of C or unsafe memory). Per top-level declaration.
    pub(super) backings: HashMap<String, Backing>,
    /// Closures numbered per enclosing function, as the compiler numbers them.
    pub(super) closure_counts: HashMap<usize, usize>,
    /// Loop depth per enclosing function (aligned with `locals`).
    pub(super) loops: Vec<u32>,
    /// The node id of the callee of the call expression being walked: an identifier is told
    /// from a callee without asking for its parent, which tree-sitter finds from the root
    /// (a cost of the depth each time: on deeply nested code, the square of it in all).
    pub(super) callee: Option<usize>,
    /// The node ids of the arguments of calls to sync.Once.Do, OnceFunc and OnceValue(s),
    /// recorded at the call before its arguments are walked (for the same reason).
    pub(super) once_args: HashSet<usize>,
    /// The node ids of what `go` statements start, recorded at the statement.
    pub(super) started: HashSet<usize>,
    /// The block scopes open at the current node: every name resolves to its binding.
    pub(super) scopes: Scopes,
    /// Per enclosing function: what a `break` leaves, the `select` cases open.
    pub(super) fstates: Vec<FnState>,
}

impl Walker<'_> {
    pub(super) fn text(&self, n: Node<'_>) -> &str {
        self.file.text_of(n)
    }

    pub(super) fn top_level(&mut self, root: Node<'_>) {
        for top in named_children(root) {
            match top.kind_name() {
                "function_declaration" | "method_declaration" => self.declaration(top),
                // Package-level initializers run once, before main.
                "var_declaration" => {
                    self.initializers(top);
                    self.walk(top, None);
                }
                // Nothing here holds a statement...
                "import_declaration" if !top.has_error() => self.record_imports(top),
                "package_clause" | "comment" if !top.has_error() => {}
                // ...nor here, but for a func literal in an array length or a constant
                // expression (`const n = len([1]func(){func() { go f() }})`).
                "const_declaration" | "type_declaration" if !top.has_error() => self.mark_in(top),
                // Statements tree-sitter recovered outside any function (after a stray `}`,
                // a func literal with no name): the walk does not judge them, but the
                // goroutine and channel rules still see them.
                _ => {
                    self.mark_all(top);
                    continue;
                }
            }
            if top.has_error() {
                // What the walk skipped in a declaration that does not parse.
                self.mark_all(top);
            }
        }
    }

    /// [`Walker::mark_all`] for a part of the code the walk does not enter, when its text could
    /// hold what is recorded at all (a `go` statement is in a func literal there).
    fn mark_in(&mut self, node: Node<'_>) {
        let text = self.text(node).as_bytes();
        if memchr::memmem::find(text, b"func").is_some()
            || memchr::memmem::find(text, b"make").is_some()
        {
            self.mark_all(node);
        }
    }

    /// Records the `go` statements and `make(chan ...)` calls under `node` (duplicates of what
    /// the walk recorded are dropped when the index is finished).
    fn mark_all(&mut self, node: Node<'_>) {
        let mut cursor = node.walk();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            self.mark(n);
            stack.extend(n.named_children(&mut cursor));
        }
    }

    /// Records `node` when it is a `go` statement or a `make(chan ...)` call.
    fn mark(&mut self, node: Node<'_>) {
        let span = (self.f, node.start_byte(), node.end_byte());
        match node.kind_name() {
            "go_statement" => self.ix.go_statements.push(span),
            "call_expression"
                if node
                    .field("function")
                    .is_some_and(|f| self.text(f) == "make")
                    && node
                        .field("arguments")
                        .and_then(|a| a.named_child(0))
                        .is_some_and(|t| t.kind_name() == "channel_type") =>
            {
                self.ix.chan_makes.push(span)
            }
            _ => {}
        }
    }

    /// `var x = v` at package level stores v in x, once.
    pub(super) fn initializers(&mut self, decl: Node<'_>) {
        let mut specs = Vec::new();
        for c in named_children(decl) {
            match c.kind_name() {
                "var_spec" => specs.push(c),
                "var_spec_list" => specs.extend(named_children(c)),
                _ => {}
            }
        }
        for spec in specs.into_iter().filter(|s| s.kind_name() == "var_spec") {
            if spec.field("value").is_none() {
                continue;
            }
            let mut c = spec.walk();
            let names: Vec<String> = spec
                .children_by_field_name("name", &mut c)
                .map(|n| self.text(n).to_string())
                .filter(|n| self.ix.globals.contains_key(n))
                .collect();
            for name in names {
                self.effect(name, EffectKind::Assign, spec, None);
            }
        }
    }

    pub(super) fn declaration(&mut self, node: Node<'_>) {
        self.pins.clear();
        self.backings.clear();
        let Some(name_node) = node.field("name") else {
            return;
        };
        let short = self.text(name_node).to_string();
        let (name, kind) = if node.kind_name() == "method_declaration" {
            let recv = node
                .field("receiver")
                .map(|r| receiver_type(self.file, r))
                .unwrap_or_default();
            (format!("{recv}.{short}"), FunctionKind::Method)
        } else {
            (short.clone(), FunctionKind::Func)
        };
        let is_main_pkg = self.is_main_pkg;
        let is_init = kind == FunctionKind::Func && short == "init";
        // How often a function runs comes from the call graph (settle_runs_once), never from
        // its name: HTTP handlers are often called Handle... and run per request.
        let runs_once = is_init || (kind == FunctionKind::Func && short == "main" && is_main_pkg);
        let mut scope = HashSet::new();
        let mut binds = HashMap::new();
        for (field, binding) in [
            ("receiver", Binding::Receiver),
            ("parameters", Binding::Param),
            ("result", Binding::Result),
        ] {
            if let Some(p) = node.field(field) {
                for n in param_names(self.file, p)
                    .into_iter()
                    .filter(|n| !n.is_empty())
                {
                    binds.insert(n.clone(), binding);
                    scope.insert(n);
                }
            }
        }
        let params = node
            .field("parameters")
            .map(|p| param_names(self.file, p))
            .unwrap_or_default();
        if let Some(p) = node.field("parameters") {
            self.record_param_backings(p);
        }
        let idx = self.ix.functions.len();
        self.ix.functions.push(Function {
            name,
            kind,
            loc: loc(self.f, node),
            parent: None,
            params,
            result: node
                .field("result")
                .map(|r| self.text(r).to_string())
                .unwrap_or_default(),
            runs_once,
            init_time: is_init,
            // In package main nothing outside can call an exported name: the call graph
            // the source shows is all there is.
            exported: short.starts_with(|c: char| c.is_uppercase()) && !is_main_pkg,
            registration_api: kind == FunctionKind::Func && is_registration_name(&short),
            rejects_duplicates: false,
            test_helper: node
                .field("parameters")
                .is_some_and(|p| takes_testing(self.file, p)),
            type_args_only: type_args_only(self.file, node),
            start_guard: None,
        });
        self.body(node, idx, scope, binds);
    }

    /// Walks a function's body in a scope of its own: its names, bindings and loop depth.
    fn body(
        &mut self,
        node: Node<'_>,
        idx: usize,
        scope: HashSet<String>,
        binds: HashMap<String, Binding>,
    ) {
        // A signature holds no statements, but an array length in it may hold a func
        // literal (`[unsafe.Sizeof(func() { go f() })]byte`).
        for field in ["receiver", "type_parameters", "parameters", "result"] {
            if let Some(n) = node.field(field) {
                self.mark_in(n);
            }
        }
        self.locals.push(scope);
        self.bindings.push(binds);
        self.loops.push(0);
        self.scopes.push(Some(idx));
        self.fstates.push(FnState::default());
        self.declare_signature(node, idx);
        self.record_single_call(node, idx);
        if let Some(body) = node.field("body") {
            // The body shares the scope of the parameters and results (`out, n := ...` assigns
            // the named result `out`): no scope of its own.
            self.visit(body, Some(idx));
        }
        self.fstates.pop();
        self.scopes.pop();
        self.loops.pop();
        self.bindings.pop();
        self.locals.pop();
    }

    pub(super) fn closure(&mut self, node: Node<'_>, parent: Option<usize>) {
        let n = {
            let key = parent.unwrap_or(usize::MAX);
            let c = self.closure_counts.entry(key).or_insert(0);
            *c += 1;
            *c
        };
        let name = match parent {
            Some(p) if self.ix.functions[p].kind == FunctionKind::Closure => {
                format!("{}.{n}", self.ix.functions[p].name)
            }
            Some(p) => format!("{}.func{n}", self.ix.functions[p].name),
            None => format!("init.func{n}"),
        };
        let runs_once = self.closure_runs_once(node, parent);
        let init_time = runs_once && self.is_once_body(node);
        let mut scope = HashSet::new();
        let mut binds = HashMap::new();
        if let Some(p) = node.field("parameters") {
            for n in param_names(self.file, p) {
                binds.insert(n.clone(), Binding::Param);
                scope.insert(n);
            }
        }
        let params = node
            .field("parameters")
            .map(|p| param_names(self.file, p))
            .unwrap_or_default();
        let idx = self.ix.functions.len();
        self.ix.functions.push(Function {
            name,
            kind: FunctionKind::Closure,
            loc: loc(self.f, node),
            parent,
            params,
            result: String::new(),
            runs_once,
            init_time,
            exported: false,
            registration_api: false,
            rejects_duplicates: false,
            // A closure in a test helper runs in the test binary too.
            test_helper: parent.is_some_and(|p| self.ix.functions[p].test_helper),
            type_args_only: false,
            start_guard: None,
        });
        self.body(node, idx, scope, binds);
    }

    /// A closure handed to sync.Once.Do / OnceFunc / OnceValue(s).
    pub(super) fn is_once_body(&self, node: Node<'_>) -> bool {
        self.once_args.contains(&node.id())
    }

    /// A closure runs once when its parent does and it is called on the spot, or when it is
    /// handed to sync.Once.Do / sync.OnceFunc / OnceValue(s).
    pub(super) fn closure_runs_once(&self, node: Node<'_>, parent: Option<usize>) -> bool {
        if self.callee == Some(node.id()) {
            return self.ix.runs_once(parent);
        }
        self.is_once_body(node)
    }

    pub(super) fn in_loop(&self) -> bool {
        self.loops.last().is_some_and(|&d| d > 0)
    }

    /// A new local whose type the declaration does not say (`case v := <-ch:`, the alias of a
    /// type switch): a name of the scope and a binding.
    fn declare_local(&mut self, id: Node<'_>, func: Option<usize>) {
        let name = self.text(id).to_string();
        self.declare(&name);
        if id.kind_name() == "identifier" {
            self.declare_var(id, func, Binding::Local, VarType::Unknown, None, false);
        }
    }

    pub(super) fn declare(&mut self, name: &str) {
        if let Some(scope) = self.locals.last_mut() {
            scope.insert(name.to_string());
        }
    }

    /// A name that refers to a package-level variable here (not shadowed by a local).
    pub(super) fn global_named(&self, name: &str) -> bool {
        self.ix.globals.contains_key(name) && !self.locals.iter().any(|s| s.contains(name))
    }

    /// The package-level variable an expression is rooted in: `g`, `g[k]`, `g.f`, `*g`, `(g)`.
    pub(super) fn root_global(&self, mut n: Node<'_>) -> Option<String> {
        loop {
            match n.kind_name() {
                "identifier" => {
                    let name = self.text(n);
                    return self.global_named(name).then(|| name.to_string());
                }
                "index_expression" | "selector_expression" | "slice_expression" => {
                    n = n.field("operand")?;
                }
                "unary_expression" | "parenthesized_expression" => {
                    n = n
                        .field("operand")
                        .or_else(|| named_children(n).into_iter().next())?;
                }
                _ => return None,
            }
        }
    }

    /// Whether `n` names `global` outside the closures in it (a loop over a stack: the
    /// expression may nest as deep as generated code does).
    pub(super) fn mentions_global(&self, n: Node<'_>, global: &str) -> bool {
        self.mentions(n, |name| name == global)
    }

    /// Whether `n` (not a closure inside it) has an identifier `hit` accepts; `n` itself counts
    /// even when it is a func literal.
    pub(super) fn mentions(&self, n: Node<'_>, hit: impl Fn(&str) -> bool) -> bool {
        let mut stack = vec![n];
        let mut cursor = n.walk();
        while let Some(x) = stack.pop() {
            if x.kind_name() == "identifier" && hit(self.text(x)) {
                return true;
            }
            stack.extend(
                x.named_children(&mut cursor)
                    .filter(|c| c.kind_name() != "func_literal"),
            );
        }
        false
    }

    pub(super) fn effect(
        &mut self,
        global: String,
        kind: EffectKind,
        node: Node<'_>,
        func: Option<usize>,
    ) {
        self.effect_with(global, kind, node, func, None);
    }

    pub(super) fn effect_with(
        &mut self,
        global: String,
        kind: EffectKind,
        node: Node<'_>,
        func: Option<usize>,
        pin: Option<Pin>,
    ) {
        let vars = self.vars_in(node);
        let copied = self.copied_vars(node, &vars);
        self.ix.effects.push(Effect {
            global,
            kind,
            loc: loc(self.f, node),
            function: func,
            pin,
            in_loop: self.in_loop(),
            key: None,
            vars,
            copied,
            via: None,
            field: None,
            once_per_key: None,
        });
    }

    /// Walks `node` and what is under it. Every recursion of the walk (into a node's
    /// children, a closure's body, a composite literal's elements) comes back here, so this
    /// one guard lets it go as deep as the code nests.
    pub(super) fn walk(&mut self, node: Node<'_>, func: Option<usize>) {
        deep(|| {
            let scoped = opens_scope(node.kind_name());
            if scoped {
                self.scopes.push(func);
            }
            let leave = self.concurrency_enter(node, func);
            self.visit(node, func);
            self.concurrency_leave(leave);
            if scoped {
                self.scopes.pop();
            }
        })
    }

    /// Records `node` ([`Walker::walk_node`]), then walks the children it left.
    fn visit(&mut self, node: Node<'_>, func: Option<usize>) {
        if self.walk_node(node, func) {
            for c in named_children(node) {
                self.walk(c, func);
            }
        }
    }

    /// What `node` itself records; returns whether its children are still to be walked (by
    /// [`Walker::visit`]). Most nodes leave their children to the caller, so that
    /// this function's frame, the largest of the walk, is not on the stack once per level of
    /// nesting: deep code costs a small frame a level.
    fn walk_node(&mut self, node: Node<'_>, func: Option<usize>) -> bool {
        match node.kind_name() {
            "func_literal" => {
                self.closure(node, func);
                return false;
            }
            "short_var_declaration" => {
                // The right side is evaluated before the names exist.
                let first_closure = self.ix.functions.len();
                if let Some(r) = node.field("right") {
                    self.walk(r, func);
                }
                self.record_pins(node);
                if let Some(l) = node.field("left") {
                    // Not valid Go (`x[<-make(chan int)] := 1`), but tree-sitter takes it.
                    self.mark_in(l);
                    let values = node.field("right").map(named_children).unwrap_or_default();
                    let lhs = named_children(l);
                    let single = values.len() == lhs.len();
                    for (i, id) in lhs.into_iter().enumerate() {
                        let name = self.text(id).to_string();
                        self.declare(&name);
                        if id.kind_name() == "identifier" {
                            let ty = match values.get(i).filter(|_| single) {
                                Some(v) => self.value_type(*v, first_closure),
                                None => VarType::Unknown,
                            };
                            let v = self.declare_var(id, func, Binding::Local, ty, None, true);
                            if let (Some(v), Some(value), true) = (v, values.get(i), single) {
                                self.record_make(v, *value, func);
                            }
                        }
                    }
                }
                return false;
            }
            "receive_statement" if self.text(node).contains(":=") => {
                // `case v, ok := <-ch:` declares in the case's scope.
                if let Some(r) = node.field("right") {
                    self.walk(r, func);
                }
                if let Some(l) = node.field("left") {
                    for id in named_children(l) {
                        self.declare_local(id, func);
                    }
                }
                return false;
            }
            "var_spec" if func.is_some() => {
                let mut c = node.walk();
                let name_nodes: Vec<Node<'_>> =
                    node.children_by_field_name("name", &mut c).collect();
                for n in &name_nodes {
                    let n = self.text(*n).to_string();
                    self.declare(&n);
                }
                self.record_array(node);
                // The value is evaluated before the names exist.
                let first_closure = self.ix.functions.len();
                let ty = node.field("type");
                let value = node.field("value");
                for part in [ty, value].into_iter().flatten() {
                    self.walk(part, func);
                }
                let values = value.map(named_children).unwrap_or_default();
                for (i, n) in name_nodes.into_iter().enumerate() {
                    let t = match (ty, values.get(i)) {
                        (Some(t), _) => self.type_of_type(t),
                        (None, Some(v)) if values.len() > i => self.value_type(*v, first_closure),
                        _ => VarType::Unknown,
                    };
                    let v = self.declare_var(n, func, Binding::Local, t, None, false);
                    if let (Some(v), Some(value)) = (v, values.get(i)) {
                        self.record_make(v, *value, func);
                    }
                }
                return false;
            }
            "range_clause" => {
                if let Some(r) = node.field("right")
                    && let Some(g) = self.root_global(r)
                    && r.kind_name() == "identifier"
                    && self
                        .ix
                        .globals
                        .get(&g)
                        .is_some_and(|g| g.kind == GlobalKind::Chan)
                {
                    self.effect(g, EffectKind::Receive, node, func);
                }
                self.range_receive(node, func);
                let declares = self.text(node).contains(":=");
                if let Some(l) = node.field("left")
                    && declares
                {
                    for id in named_children(l) {
                        let name = self.text(id).to_string();
                        self.declare(&name);
                    }
                }
                // The range expression is evaluated before the loop's names exist.
                if let Some(r) = node.field("right") {
                    self.walk(r, func);
                }
                if let Some(l) = node.field("left") {
                    for id in named_children(l) {
                        if declares && id.kind_name() == "identifier" {
                            self.declare_var(
                                id,
                                func,
                                Binding::Local,
                                VarType::Unknown,
                                None,
                                false,
                            );
                        } else if !declares {
                            self.walk(id, func);
                        }
                    }
                }
                return false;
            }
            "for_statement" => {
                // The loop header runs before the body; everything in the body repeats.
                let body = node.field("body");
                for c in named_children(node) {
                    if Some(c.id()) != body.map(|b| b.id()) {
                        self.walk(c, func);
                    }
                }
                if let Some(b) = body {
                    if let Some(d) = self.loops.last_mut() {
                        *d += 1;
                    }
                    self.walk(b, func);
                    if let Some(d) = self.loops.last_mut() {
                        *d -= 1;
                    }
                }
                return false;
            }
            "composite_literal" => {
                self.composite(node, func);
                return false;
            }
            // `switch t := v.(type)`: `t` is a new variable of the switch (one per clause in
            // Go, each of the clause's type; none of them is the `t` outside).
            "type_switch_statement" if node.field("alias").is_some() => {
                let alias = node.field("alias");
                for c in named_children(node) {
                    if Some(c.id()) == alias.map(|a| a.id()) {
                        continue;
                    }
                    if Some(c.id()) == node.field("value").map(|v| v.id()) {
                        self.walk(c, func);
                        for id in alias.map(named_children).unwrap_or_default() {
                            self.declare_local(id, func);
                        }
                        continue;
                    }
                    self.walk(c, func);
                }
                return false;
            }
            "assignment_statement" => {
                self.assigned_make(node, func);
                self.assignment(node, func)
            }
            // `hits[ip]++` adds an entry for every new key, as `hits[ip] = 1` would.
            "inc_statement" | "dec_statement" => {
                if let Some(lhs) = named_children(node).into_iter().next()
                    && lhs.kind_name() == "index_expression"
                    && let Some(g) = self.root_global(lhs)
                    && matches!(
                        self.indexed_kind(lhs, self.ix.globals[&g].kind, &g),
                        GlobalKind::Map
                    )
                {
                    let key = lhs.field("index").map(|k| self.text(k).to_string());
                    self.effect(g, EffectKind::Insert, node, func);
                    if let Some(e) = self.ix.effects.last_mut() {
                        e.key = key;
                    }
                }
            }
            "send_statement" => {
                if let Some(ch) = node.field("channel")
                    && let Some(g) = self.root_global(ch)
                {
                    self.effect(g, EffectKind::Send, node, func);
                }
            }
            "unary_expression" => {
                let op = node.field("operator").map(|o| self.text(o)).unwrap_or("");
                if op == "<-"
                    && let Some(g) = node.field("operand").and_then(|o| self.root_global(o))
                {
                    self.effect(g, EffectKind::Receive, node, func);
                }
            }
            "call_expression" => {
                if let Some(callee_node) = node.field("function") {
                    let callee = self.text(callee_node).to_string();
                    let args: Vec<Node<'_>> = node
                        .field("arguments")
                        .map(named_children)
                        .unwrap_or_default();
                    self.concurrency_call(node, callee_node, &callee, &args, func);
                    self.call(node, callee_node, &callee, &args, func);
                    self.record_call_site(node, callee_node, &args, func);
                }
                self.mark(node);
                // Its children come next, the callee first.
                self.callee = node.field("function").map(|f| f.id());
            }
            // Recorded here, so the goroutine rules need not walk every tree again.
            "go_statement" => self.mark(node),
            "if_statement" => {
                self.guard_check(node, func);
                if let Some(f) = func
                    && self.rejects_duplicates(node)
                    && self.ix.functions[f].kind == FunctionKind::Func
                    && self.ix.functions[f].exported
                {
                    // `if _, dup := drivers[name]; dup { panic(...) }`: a registry that takes
                    // each name once, as database/sql.Register and expvar.Publish do.
                    self.ix.functions[f].registration_api = true;
                    self.ix.functions[f].rejects_duplicates = true;
                }
                if let Some(f) = func
                    && self.ix.functions[f].kind == FunctionKind::Method
                    && self.rejects_duplicate_field(node)
                {
                    // `if _, dup := f.formal[name]; dup { panic(...) }` (flag.FlagSet.Var): one
                    // entry per key in the receiver's table.
                    self.ix.functions[f].rejects_duplicates = true;
                }
            }
            "identifier" => {
                self.concurrency_use(node, func);
                // A function name used other than as a callee may run from anywhere.
                let name = self.text(node);
                let is_callee = self.callee == Some(node.id());
                if !is_callee && !self.locals.iter().any(|s| s.contains(name)) {
                    self.ix.used_as_value.insert(name.to_string());
                }
            }
            _ => {}
        }
        true
    }
}

/// Exported registration APIs by convention (gob.Register, sql.Register, image.RegisterFormat,
/// prometheus.MustRegister).
/// `Register*`, `MustRegister*`, and the unexported `register*` and `pkg_register*` that other
/// packages reach through `//go:linkname` (an unexported one counts only while the package
/// itself never calls it: then the call graph decides).
pub(super) fn is_registration_name(name: &str) -> bool {
    let word = |rest: &str| rest.is_empty() || rest.starts_with(|c: char| c.is_uppercase());
    let tail = name.rsplit('_').next().unwrap_or(name);
    ["Register", "MustRegister", "register", "mustRegister"]
        .iter()
        .any(|p| {
            [name, tail]
                .iter()
                .any(|n| n.strip_prefix(p).is_some_and(word))
        })
}

/// A parameter list with a `*testing.T`, `*testing.B`, `*testing.F` or `testing.TB`.
pub(super) fn takes_testing(file: &GoFile, list: Node<'_>) -> bool {
    named_children(list).into_iter().any(|d| {
        d.field("type").is_some_and(|t| {
            matches!(
                file.text_of(t),
                "*testing.T" | "*testing.B" | "*testing.F" | "testing.TB"
            )
        })
    })
}

/// A generic function or method that takes no values: no parameters, and no receiver name
/// (or `_`).
pub(super) fn type_args_only(file: &GoFile, decl: Node<'_>) -> bool {
    let no_params = decl
        .field("parameters")
        .is_none_or(|p| named_children(p).is_empty());
    let (named_recv, generic) = match decl.field("receiver") {
        Some(r) => {
            let d = named_children(r).into_iter().next();
            let name = d.and_then(|d| d.field("name")).map(|n| file.text_of(n));
            let ty = d
                .and_then(|d| d.field("type"))
                .map(|t| file.text_of(t))
                .unwrap_or("");
            (name.is_some_and(|n| n != "_"), ty.contains('['))
        }
        None => (false, decl.field("type_parameters").is_some()),
    };
    no_params && !named_recv && generic
}

/// Parameter names of a parameter_list, in order (empty for unnamed ones).
pub(super) fn param_names(file: &GoFile, list: Node<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for decl in named_children(list) {
        let mut c = decl.walk();
        let names: Vec<String> = decl
            .children_by_field_name("name", &mut c)
            .map(|n| file.text_of(n).to_string())
            .collect();
        if names.is_empty() {
            out.push(String::new());
        } else {
            out.extend(names);
        }
    }
    out
}

/// `(s *Store)` -> `(*Store)`, `(s Store[K])` -> `Store`.
pub(super) fn receiver_type(file: &GoFile, recv: Node<'_>) -> String {
    let Some(decl) = named_children(recv).into_iter().next() else {
        return String::new();
    };
    let Some(t) = decl.field("type") else {
        return String::new();
    };
    let text = strip_shapes(file.text_of(t));
    match text.strip_prefix('*') {
        Some(inner) => format!("(*{})", inner.trim()),
        None => text,
    }
}
