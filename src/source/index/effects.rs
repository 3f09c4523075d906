//! Effects: what each statement and call does to a package-level variable (insert, append,
//! assign, send, delete, clear, truncate, reset, receive) and the calls to APIs that keep what
//! they are given (registrations), with who owns the receiver of each.

use crate::source::syntax::Syntax;
use tree_sitter::Node;

use super::super::owner::{Binding, Owner};
use super::globals::field_type;
use super::*;

impl Walker<'_> {
    /// Who owns the value an expression is rooted in: `mux` (package-level) is kept by the
    /// process; `r`, `s.mux`, `NewRouter()` by whoever holds them.
    pub(super) fn owner_of(&self, mut n: Node<'_>) -> Owner {
        loop {
            match n.kind_name() {
                "identifier" => {
                    let name = self.text(n).to_string();
                    for (scope, binds) in self.locals.iter().zip(&self.bindings).rev() {
                        if scope.contains(&name) {
                            let binding = binds.get(&name).copied().unwrap_or(Binding::Local);
                            return Owner::Scoped { name, binding };
                        }
                    }
                    if self.ix.globals.contains_key(&name) {
                        return Owner::Process(format!("the package-level `{name}`"));
                    }
                    // An imported package's function (`router.Handle`): what that package does
                    // with it is decided there, and nothing here shows it is kept.
                    return Owner::Scoped {
                        name,
                        binding: Binding::Import,
                    };
                }
                "selector_expression" | "index_expression" | "slice_expression" => {
                    match n.field("operand") {
                        Some(o) => n = o,
                        None => break,
                    }
                }
                "unary_expression" | "parenthesized_expression" => {
                    match n
                        .field("operand")
                        .or_else(|| named_children(n).into_iter().next())
                    {
                        Some(o) => n = o,
                        None => break,
                    }
                }
                _ => break,
            }
        }
        // A value made on the spot (`NewRouter().Handle(...)`): it lives as long as the
        // expression's result is kept, which is not the process by default.
        Owner::Scoped {
            name: self.text(n).to_string(),
            binding: Binding::Local,
        }
    }

    /// The owner of what a registration keeps; `api` is the REGISTRATIONS entry that matched
    /// (`.HandleFunc` for any receiver's method).
    pub(super) fn registration_owner(
        &self,
        api: &str,
        callee_node: Node<'_>,
        args: &[Node<'_>],
        keeper: &str,
    ) -> Owner {
        if api == "context.AfterFunc" {
            // Kept until the context is done: for the life of the process for a package-level
            // context nothing cancels, as long as the caller's context otherwise.
            let Some(ctx) = args.first() else {
                return Owner::Process(keeper.to_string());
            };
            return self.owner_of(*ctx);
        }
        if api.starts_with('.') {
            // A method registration (`mux.HandleFunc`): the receiver decides.
            if let Some(operand) = callee_node.field("operand") {
                return match self.owner_of(operand) {
                    Owner::Process(k) => {
                        Owner::Process(format!("the ServeMux in {}", k.trim_start_matches("the ")))
                    }
                    scoped => scoped,
                };
            }
        }
        Owner::Process(keeper.to_string())
    }

    /// A ServeMux pattern: a string literal, or a name that says it is one.
    pub(super) fn looks_like_pattern(&self, n: Node<'_>) -> bool {
        if matches!(
            n.kind_name(),
            "interpreted_string_literal" | "raw_string_literal"
        ) {
            return true;
        }
        let t = self.text(n).to_ascii_lowercase();
        ["pattern", "path", "route", "prefix"]
            .iter()
            .any(|w| t.contains(w))
    }

    /// An argument that is the enclosing function's own input: a parameter, the receiver (`func
    /// (s *Server) HandleHTTP(path string)` registers `s`), or a value that only wraps them
    /// (`debugHTTP{s}`, `&handler{next: h}`). Whoever calls the function decides what is kept.
    pub(super) fn passes_input(&self, a: Node<'_>) -> bool {
        let Some(b) = self.bindings.last() else {
            return false;
        };
        let input = |n: Node<'_>| {
            n.kind_name() == "identifier"
                && matches!(
                    b.get(self.text(n)),
                    Some(Binding::Param | Binding::Receiver)
                )
        };
        // Through any number of `&`, `*` and parentheses (a loop: generated code can write
        // thousands).
        let mut stack = vec![a];
        while let Some(n) = stack.pop() {
            match n.kind_name() {
                "identifier" if input(n) => return true,
                "unary_expression" | "parenthesized_expression" => {
                    stack.extend(named_children(n));
                }
                "composite_literal" => {
                    let Some(body) = n.field("body") else {
                        continue;
                    };
                    let mut elems = Vec::new();
                    for e in named_children(body) {
                        match e.kind_name() {
                            "keyed_element" => elems.extend(named_children(e).into_iter().nth(1)),
                            _ => elems.push(e),
                        }
                    }
                    let wraps = elems.into_iter().any(|e| match e.kind_name() {
                        "literal_element" => {
                            input(named_children(e).into_iter().next().unwrap_or(e))
                        }
                        _ => input(e),
                    });
                    if wraps {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }

    /// `if _, dup := table[name]; dup { panic(...) }`: the condition (or its initializer) looks
    /// a package-level variable up, and the branch panics or exits.
    pub(super) fn rejects_duplicates(&self, node: Node<'_>) -> bool {
        let looks_up = ["initializer", "condition"]
            .iter()
            .any(|f| node.field(f).is_some_and(|c| self.mentions_any_global(c)));
        looks_up && self.branch_fails(node)
    }

    /// The `if`'s branch panics or exits the program.
    fn branch_fails(&self, node: Node<'_>) -> bool {
        node.field("consequence").is_some_and(|c| {
            let t = self.text(c);
            t.contains("panic(") || t.contains("log.Panic") || t.contains("log.Fatal")
        })
    }

    /// `if _, dup := s.table[name]; dup { panic(...) }` in a method: the lookup is in a field
    /// of the receiver, and the branch panics.
    pub(super) fn rejects_duplicate_field(&self, node: Node<'_>) -> bool {
        if !self.branch_fails(node) {
            return false;
        }
        let mut stack: Vec<Node<'_>> = ["initializer", "condition"]
            .iter()
            .filter_map(|f| node.field(f))
            .collect();
        let mut cursor = node.walk();
        while let Some(n) = stack.pop() {
            if n.kind_name() == "index_expression"
                && let super::summary::Root::Var { var, path } = self.root_of(n)
                && !path.is_empty()
                && self.ix.vars[var.0 as usize].binding == Binding::Receiver
            {
                return true;
            }
            if n.kind_name() != "func_literal" {
                stack.extend(n.named_children(&mut cursor));
            }
        }
        false
    }

    pub(super) fn mentions_any_global(&self, n: Node<'_>) -> bool {
        self.mentions(n, |name| self.global_named(name))
    }

    pub(super) fn assignment(&mut self, node: Node<'_>, func: Option<usize>) {
        let (Some(l), Some(r)) = (node.field("left"), node.field("right")) else {
            return;
        };
        let lefts = named_children(l);
        let rights = named_children(r);
        for (i, lhs) in lefts.iter().enumerate() {
            let rhs = rights.get(i).or(rights.first()).copied();
            self.guard_set(*lhs, rhs, func);
            let Some(g) = self.root_global(*lhs) else {
                self.field_assignment(*lhs, rhs, node);
                self.foreign_assignment(*lhs, rhs, node, func);
                continue;
            };
            let gkind = self.ix.globals[&g].kind;
            // The value stored, or for `g = append(g, x...)` each appended value.
            let subslice = rhs.and_then(|r| {
                self.sliced(r).or_else(|| {
                    let callee = r.field("function").map(|f| self.text(f));
                    (r.kind_name() == "call_expression" && callee == Some("append"))
                        .then(|| {
                            r.field("arguments").and_then(|a| {
                                named_children(a)
                                    .into_iter()
                                    .skip(1)
                                    .find_map(|x| self.sliced(x))
                            })
                        })
                        .flatten()
                })
            });
            let kind = match lhs.kind_name() {
                "index_expression" => match self.indexed_kind(*lhs, gkind, &g) {
                    GlobalKind::Slice | GlobalKind::Array => EffectKind::Assign,
                    _ => EffectKind::Insert,
                },
                "identifier" => match rhs {
                    // `if g == nil { g = make(...) }` makes the holder on first use; it
                    // releases nothing.
                    Some(_) if self.under_nil_check(node, &g) => EffectKind::Assign,
                    Some(r) => self.assigned_value(&g, r),
                    None => EffectKind::Assign,
                },
                // `g.f = ...`: the field behaves like a variable of its own.
                _ => match rhs {
                    Some(r) => self.assigned_value_to(self.text(*lhs), &g, r),
                    None => EffectKind::Assign,
                },
            };
            let key = (kind == EffectKind::Insert)
                .then(|| lhs.field("index").map(|k| self.text(k).to_string()))
                .flatten();
            self.effect_with(g, kind, node, func, subslice);
            if let Some(e) = self.ix.effects.last_mut() {
                e.key = key;
            }
        }
    }

    /// What `X[k]` indexes: the global itself, or a field of it (`g.f[k]`), whose type is looked
    /// up in the global's type or the package's type declarations.
    pub(super) fn indexed_kind(&self, lhs: Node<'_>, gkind: GlobalKind, g: &str) -> GlobalKind {
        let Some(operand) = lhs.field("operand") else {
            return gkind;
        };
        if operand.kind_name() != "selector_expression" {
            return gkind;
        }
        let Some(field) = operand.field("field") else {
            return gkind;
        };
        let field = self.text(field);
        let global = &self.ix.globals[g];
        let mut texts = vec![global.type_text.as_str()];
        let named = global.type_text.trim_start_matches(['&', '*']);
        let named = named.split(['{', '(']).next().unwrap_or("").trim();
        if let Some(t) = self.ix.types.get(named) {
            texts.push(t);
        }
        for text in texts {
            if let Some(ty) = field_type(text, field) {
                return if ty.starts_with("map[") {
                    GlobalKind::Map
                } else if ty.starts_with('[') {
                    GlobalKind::Slice
                } else {
                    GlobalKind::Other
                };
            }
        }
        GlobalKind::Other
    }

    /// What `g = rhs` does to g.
    /// The statement is in the body of `if g == nil { ... }` (or `nil == g`).
    pub(super) fn under_nil_check(&self, n: Node<'_>, g: &str) -> bool {
        let up = self.file.ancestors(n);
        let below = std::iter::once(n).chain(up.iter().copied());
        for (p, n) in up.iter().zip(below) {
            match p.kind_name() {
                "if_statement" => {
                    let in_body = p.field("consequence").is_some_and(|c| c.id() == n.id());
                    let cond = p
                        .field("condition")
                        .map(|c| self.text(c).split_whitespace().collect::<String>());
                    if in_body
                        && cond
                            .is_some_and(|c| c == format!("{g}==nil") || c == format!("nil=={g}"))
                    {
                        return true;
                    }
                }
                "function_declaration" | "method_declaration" | "func_literal" => return false,
                _ => {}
            }
        }
        false
    }

    pub(super) fn assigned_value(&self, g: &str, rhs: Node<'_>) -> EffectKind {
        self.assigned_value_to(g, g, rhs)
    }

    /// What `target = rhs` does, where target is `g` or a field path of it (`g.list`).
    pub(super) fn assigned_value_to(&self, target: &str, g: &str, rhs: Node<'_>) -> EffectKind {
        let text = self.text(rhs).trim();
        match rhs.kind_name() {
            "nil" => return EffectKind::Reset,
            "composite_literal" if !self.mentions_global(rhs, g) => return EffectKind::Reset,
            "call_expression" => {
                let callee = rhs.field("function").map(|f| self.text(f)).unwrap_or("");
                let first = rhs
                    .field("arguments")
                    .and_then(|a| named_children(a).into_iter().next());
                if callee == "append" && first.is_some_and(|a| self.text(a) == target) {
                    return EffectKind::Append;
                }
                if matches!(callee, "make" | "new" | "list.New") {
                    return EffectKind::Reset;
                }
            }
            "slice_expression" => {
                let on_self = rhs.field("operand").is_some_and(|o| self.text(o) == target);
                if on_self {
                    return EffectKind::Truncate;
                }
            }
            "selector_expression" => {
                // `head = head.next`: the head moves on and the old node can go.
                let on_self = rhs.field("operand").is_some_and(|o| self.text(o) == target);
                if on_self {
                    return EffectKind::Pop;
                }
            }
            _ => {}
        }
        if text == target {
            return EffectKind::Assign;
        }
        // Guard: only a new value that points at the old one grows (`head = &node{next: head}`);
        // `next = (next + 1) % n` computes a number from it and replaces it.
        let builds = matches!(rhs.kind_name(), "composite_literal" | "unary_expression");
        if builds && self.mentions_global(rhs, g) {
            EffectKind::Grow
        } else {
            EffectKind::Assign
        }
    }

    pub(super) fn call(
        &mut self,
        node: Node<'_>,
        callee_node: Node<'_>,
        callee: &str,
        args: &[Node<'_>],
        func: Option<usize>,
    ) {
        let callee = callee.to_string();
        // What escape-explain.toml declares is taken over any guess from a method's name.
        if self.declared_call(node, &callee, callee_node, args, func) {
            return;
        }
        if callee_node.kind_name() == "identifier"
            && !self.locals.iter().any(|s| s.contains(&callee))
        {
            let in_loop = self.in_loop();
            self.ix
                .calls
                .entry(callee.clone())
                .or_default()
                .push((func, in_loop));
            let literals = args
                .iter()
                .map(|a| {
                    matches!(
                        a.kind_name(),
                        "interpreted_string_literal" | "raw_string_literal" | "int_literal"
                    )
                })
                .collect();
            self.ix
                .literal_args
                .entry(callee.clone())
                .or_default()
                .push(literals);
        }
        // Parsing the command line is start-up work: the function that does it runs once.
        if callee == "flag.Parse"
            && let Some(f) = func
        {
            // A loop in it walks the command line, bounded by the command line.
            self.ix.functions[f].runs_once = true;
            self.ix.functions[f].init_time = true;
        }
        if is_once_callee(&callee) {
            for a in args {
                self.once_args.insert(a.id());
                if a.kind_name() == "identifier" {
                    let name = self.text(*a).to_string();
                    self.ix.once_by_name.insert(name);
                }
            }
        }
        match callee.as_str() {
            "delete" | "clear" => {
                let kind = if callee == "delete" {
                    EffectKind::Delete
                } else {
                    EffectKind::Clear
                };
                if let Some(g) = args.first().and_then(|a| self.root_global(*a)) {
                    self.effect(g, kind, node, func);
                } else if let Some(a) = args.first() {
                    self.field_release(*a, kind);
                }
                return;
            }
            _ => {}
        }
        // Methods on package-level containers: sync.Map, container/list, expvar.Map.
        if callee_node.kind_name() == "selector_expression" {
            let operand = callee_node.field("operand");
            let method = callee_node
                .field("field")
                .map(|f| self.text(f).to_string())
                .unwrap_or_default();
            if let Some(g) = operand.and_then(|o| self.root_global(o)) {
                let gkind = self.ix.globals[&g].kind;
                let kind = match (gkind, method.as_str()) {
                    (GlobalKind::SyncMap, "Store" | "LoadOrStore" | "Swap") => {
                        Some(EffectKind::Insert)
                    }
                    (
                        GlobalKind::SyncMap,
                        "Delete" | "LoadAndDelete" | "CompareAndDelete" | "Clear",
                    ) => Some(EffectKind::Delete),
                    (
                        GlobalKind::List,
                        "PushBack" | "PushFront" | "InsertBefore" | "InsertAfter" | "PushBackList"
                        | "PushFrontList",
                    ) => Some(EffectKind::Append),
                    (GlobalKind::List, "Remove" | "Init") => Some(EffectKind::Delete),
                    // expvar.Map.Set(k, v) adds a key; atomic.Pointer.Store(v) replaces.
                    (GlobalKind::Other, "Set" | "Add" | "Store" | "Swap") => {
                        Some(if args.len() >= 2 {
                            EffectKind::Insert
                        } else {
                            EffectKind::Assign
                        })
                    }
                    (_, "Delete" | "Remove" | "Reset" | "Clear") => Some(EffectKind::Delete),
                    _ => None,
                };
                if let Some(k) = kind {
                    let subslice = args.iter().find_map(|a| self.sliced(*a));
                    let key = (k == EffectKind::Insert && args.len() >= 2)
                        .then(|| self.text(args[0]).to_string());
                    self.effect_with(g, k, node, func, subslice);
                    if let Some(e) = self.ix.effects.last_mut() {
                        e.key = key;
                    }
                }
            }
        }
        if let Some((suffix, keeper, undo)) = REGISTRATIONS
            .iter()
            .find(|(s, _, _)| {
                if s.starts_with('.') {
                    // Guard: slog.Handler.Handle(ctx, r) and friends are not a ServeMux; a mux
                    // method takes a pattern first.
                    callee.ends_with(s)
                        && args.len() == 2
                        && !callee.starts_with("http.")
                        && args.first().is_some_and(|a| self.looks_like_pattern(*a))
                } else {
                    callee == *s
                }
            })
            .copied()
        {
            // Assigned or returned: the caller can undo it (Stop).
            let bound = self.result_is_kept(node);
            // Guard: context.Background() and TODO() are never done (their Done() is nil), so
            // context.AfterFunc never registers the callback at all: nothing is kept.
            if suffix == "context.AfterFunc"
                && args.first().is_some_and(|c| {
                    matches!(self.text(*c), "context.Background()" | "context.TODO()")
                })
            {
                return;
            }
            let owner = self.registration_owner(suffix, callee_node, args, keeper);
            self.ix.registrations.push(Registration {
                api: callee.clone(),
                keeper: keeper.to_string(),
                declared: None,
                receiver: None,
                undo,
                owner,
                loc: loc(self.f, node),
                function: func,
                in_loop: self.in_loop(),
                first_arg: self.first_arg(args),
                bound,
                forwards: {
                    // The argument the API keeps: the channel for signal.Notify, the name for
                    // expvar.New*, the handler or callback otherwise.
                    let kept = match suffix {
                        "signal.Notify" | "expvar.NewInt" | "expvar.NewFloat" | "expvar.NewMap"
                        | "expvar.NewString" => 0,
                        _ => 1,
                    };
                    args.get(kept)
                        .filter(|a| self.passes_input(**a))
                        .map(|_| vec![kept])
                        .unwrap_or_default()
                },
            });
        }
    }
}

impl Walker<'_> {
    /// A call to a registry escape-explain.toml declares, or to its release: recorded as a
    /// registration the process keeps (the caller's value is kept as if by http.Handle), or
    /// as the release that bounds it. Whether it was either.
    pub(super) fn declared_call(
        &mut self,
        node: Node<'_>,
        callee: &str,
        callee_node: Node<'_>,
        args: &[Node<'_>],
        func: Option<usize>,
    ) -> bool {
        let Some(declared) = self.ix.declared.clone() else {
            return false;
        };
        let Some((key, method)) = self.qualified_callee(callee_node) else {
            return false;
        };
        let receiver = method
            .then(|| callee_node.field("operand"))
            .flatten()
            .map(|o| self.text(o).to_string());
        let releases = declared.releases_of(&key);
        if !releases.is_empty() {
            for r in releases {
                self.ix
                    .declared_releases
                    .push((r, loc(self.f, node), receiver.clone()));
            }
            return true;
        }
        let Some((i, reg)) = declared.registry(&key) else {
            return false;
        };
        let bound = self.result_is_kept(node);
        self.ix.registrations.push(Registration {
            api: callee.to_string(),
            keeper: match callee.rsplit_once('.') {
                // A method: the registry is its receiver (`sessions`).
                Some((recv, _)) if method => format!("the registry `{recv}`"),
                _ => format!("the registry of `{callee}`"),
            },
            declared: Some((i, reg.keeps)),
            receiver,
            undo: None,
            // A method's receiver decides, as for a ServeMux: a package-level registry keeps
            // for the life of the process, one the caller made as long as the caller does.
            owner: match callee_node.field("operand").map(|o| self.owner_of(o)) {
                Some(Owner::Scoped { binding, name }) if binding != Binding::Import => {
                    Owner::Scoped { name, binding }
                }
                _ => Owner::Process(format!("declared in {}", declared.file)),
            },
            loc: loc(self.f, node),
            function: func,
            in_loop: self.in_loop(),
            first_arg: self.first_arg(args),
            bound,
            // Only a parameter passed as it is makes the function a registration API whose
            // callers register: `&session{id: id}` is a new entry each call, made here.
            forwards: args
                .get(reg.keeps)
                .filter(|a| a.kind_name() == "identifier" && self.passes_input(**a))
                .map(|_| vec![reg.keeps])
                .unwrap_or_default(),
        });
        true
    }

    /// The first argument as written (a pattern, a delay, a name).
    fn first_arg(&self, args: &[Node<'_>]) -> String {
        args.first()
            .map(|a| self.text(*a).to_string())
            .unwrap_or_default()
    }

    /// A call's callee with its package's import path: `example.com/lib.Register` for
    /// `lib.Register`, `example.com/lib.Registry.Add` for `r.Add` where `r` is declared a
    /// `lib.Registry` (or `*lib.Registry`), as a local or a package-level variable.
    /// Whether it is a method is the second.
    fn qualified_callee(&self, callee_node: Node<'_>) -> Option<(String, bool)> {
        if callee_node.kind_name() != "selector_expression" {
            return None;
        }
        let operand = callee_node.field("operand")?;
        let field = self.text(callee_node.field("field")?);
        if operand.kind_name() != "identifier" {
            return None;
        }
        let q = self.text(operand);
        let import = |name: &str| -> Option<String> {
            self.ix
                .summary
                .imports
                .get(&self.f)?
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, p)| p.clone())
        };
        let type_text = match self.scopes.resolve(q) {
            Some(var) => match &self.ix.vars[var.0 as usize].ty {
                VarType::Named(t) => t.clone(),
                _ => return None,
            },
            None if self.global_named(q) => self.ix.globals[q].type_text.clone(),
            None => return Some((format!("{}.{field}", import(q)?), false)),
        };
        let ty = type_text.trim().trim_start_matches(['*', '&']);
        // `lib.New()` is a call; `sync.Pool{New: func() any {...}}` a literal of the type.
        let called = ty
            .find(['[', '{', '('])
            .is_some_and(|i| ty[i..].starts_with('('));
        let ty = ty.split(['[', '{', '(']).next().unwrap_or(ty).trim();
        let (pkg, name) = ty.split_once('.')?;
        let qualified = format!("{}.{name}", import(pkg)?);
        // `var r = lib.New()`: the type its constructor returns, when the declarations know it.
        let ty = if called {
            self.ix
                .declared
                .as_ref()?
                .constructed(&qualified)?
                .to_string()
        } else {
            qualified
        };
        Some((format!("{ty}.{field}"), true))
    }
}

pub(super) fn is_once_callee(callee: &str) -> bool {
    callee.ends_with(".Do")
        || matches!(
            callee,
            "sync.OnceFunc" | "sync.OnceValue" | "sync.OnceValues"
        )
}

/// APIs whose argument outlives the call: (callee suffix, keeper, how to undo).
pub(super) const REGISTRATIONS: &[(&str, &str, Option<&str>)] = &[
    ("http.HandleFunc", "net/http's DefaultServeMux", None),
    ("http.Handle", "net/http's DefaultServeMux", None),
    (".HandleFunc", "the ServeMux", None),
    (".Handle", "the ServeMux", None),
    ("time.AfterFunc", "the runtime's timer heap", Some("Stop")),
    ("context.AfterFunc", "the context", Some("stop")),
    (
        "signal.Notify",
        "os/signal's handler table",
        Some("signal.Stop"),
    ),
    ("expvar.Publish", "expvar's registry", None),
    ("expvar.NewInt", "expvar's registry", None),
    ("expvar.NewFloat", "expvar's registry", None),
    ("expvar.NewMap", "expvar's registry", None),
    ("expvar.NewString", "expvar's registry", None),
    // runtime.SetFinalizer and runtime.AddCleanup are not here: the runtime keeps the function
    // only while the object is reachable from elsewhere, so they keep nothing alive (that is
    // why caches use a finalizer to stop their janitor). The one exception, a finalizer that
    // refers to its own object, is EE0308.
];

impl Walker<'_> {
    /// A call whose result is assigned (to a variable or a field), returned, stored in a
    /// composite literal (`&Timer{t: time.AfterFunc(d, f)}`) or appended to a slice: whoever
    /// holds it can undo what the call started (a timer's Stop, a context.AfterFunc's stop).
    pub(super) fn result_is_kept(&self, call: Node<'_>) -> bool {
        let Some(up) = call.parent() else {
            return false;
        };
        match up.kind_name() {
            // `_ = time.AfterFunc(...)` keeps nothing.
            "expression_list" => !up.parent().is_some_and(|stmt| {
                stmt.kind_name() == "assignment_statement"
                    && stmt
                        .field("left")
                        .is_some_and(|l| self.text(l).trim() == "_")
            }),
            "return_statement" | "keyed_element" | "literal_element" => true,
            // `s.timers = append(s.timers, time.AfterFunc(...))`.
            "argument_list" => up
                .parent()
                .and_then(|c| c.field("function"))
                .is_some_and(|f| self.text(f) == "append"),
            _ => false,
        }
    }
}
