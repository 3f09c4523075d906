//! The walk's part of the summaries: imports, what expressions are rooted in, stores into
//! and releases from parameters' fields, start-once guards, stores into other packages'
//! variables, and calls with their arguments.

use crate::source::syntax::Syntax;
use tree_sitter::Node;

use super::*;

impl Walker<'_> {
    /// `import ( "a/b"; c "d/e" )`: the names this file uses for its imports.
    pub(in crate::source::index) fn record_imports(&mut self, decl: Node<'_>) {
        let mut stack = vec![decl];
        let mut cursor = decl.walk();
        while let Some(n) = stack.pop() {
            if n.kind_name() == "import_spec" {
                let Some(path) = n.field("path") else {
                    continue;
                };
                let path = self.text(path).trim_matches(['"', '`']).to_string();
                let name = match n.field("name") {
                    Some(a) => self.text(a).to_string(),
                    None => default_import_name(&path),
                };
                if name != "_" && name != "." {
                    self.ix
                        .summary
                        .imports
                        .entry(self.f)
                        .or_default()
                        .push((name, path));
                }
                continue;
            }
            stack.extend(n.named_children(&mut cursor));
        }
    }

    /// What an expression is rooted in, with the fields selected on the way (`s.items[k]` ->
    /// the binding `s`, `items`).
    pub(in crate::source::index) fn root_of(&self, mut n: Node<'_>) -> Root {
        let mut fields: Vec<String> = Vec::new();
        loop {
            match n.kind_name() {
                "identifier" => {
                    fields.reverse();
                    let path = fields.join(".");
                    let name = self.text(n);
                    if let Some(var) = self.scopes.resolve(name) {
                        return Root::Var { var, path };
                    }
                    if self.global_named(name) {
                        return Root::Global {
                            name: name.to_string(),
                            path,
                        };
                    }
                    return Root::Other;
                }
                "selector_expression" => {
                    if let Some(f) = n.field("field") {
                        fields.push(self.text(f).to_string());
                    }
                    match n.field("operand") {
                        Some(o) => n = o,
                        None => return Root::Other,
                    }
                }
                // An element of a field is kept by the field.
                "index_expression" | "slice_expression" => match n.field("operand") {
                    Some(o) => n = o,
                    None => return Root::Other,
                },
                "unary_expression" | "parenthesized_expression" => {
                    match n
                        .field("operand")
                        .or_else(|| named_children(n).into_iter().next())
                    {
                        Some(o) => n = o,
                        None => return Root::Other,
                    }
                }
                _ => return Root::Other,
            }
        }
    }

    /// `s.items[k] = v`, `j.entries = append(j.entries, e)`, `s.items = nil` on a parameter or
    /// the receiver: what the function does to a field its caller owns.
    pub(in crate::source::index) fn field_assignment(
        &mut self,
        lhs: Node<'_>,
        rhs: Option<Node<'_>>,
        stmt: Node<'_>,
    ) {
        // Assigning the parameter itself changes nothing the caller sees.
        if lhs.kind_name() == "identifier" {
            return;
        }
        let Root::Var { var, path } = self.root_of(lhs) else {
            return;
        };
        if path.is_empty() || !self.is_input(var) {
            return;
        }
        let root = self.ix.vars[var.0 as usize].name.clone();
        let target = self.text(lhs).to_string();
        let kind = match lhs.kind_name() {
            "index_expression" => EffectKind::Insert,
            _ => match rhs {
                // `if f.formal == nil { f.formal = make(...) }` makes the field on first use;
                // it releases nothing.
                Some(_) if self.under_nil_check(stmt, &target) => EffectKind::Assign,
                Some(r) => self.assigned_value_to(&target, &root, r),
                None => EffectKind::Assign,
            },
        };
        // Replacing a field's value keeps the new one only until the next assignment, and a
        // value built from the old one is the same holder growing.
        let vars = match rhs {
            Some(r) => self.vars_in(r),
            None => Vec::new(),
        };
        let vars = if kind == EffectKind::Insert {
            let mut v = self.vars_in(lhs);
            v.extend(vars);
            v
        } else {
            vars
        };
        let copied = self.copied_vars(stmt, &vars);
        let vars: Vec<VarId> = vars.into_iter().filter(|v| !copied.contains(v)).collect();
        self.ix.summary.field_effects.push(FieldEffect {
            root: var,
            path,
            kind,
            vars,
        });
    }

    /// `delete(s.items, k)`, `clear(s.items)`: a release of a field of a parameter.
    pub(in crate::source::index) fn field_release(&mut self, arg: Node<'_>, kind: EffectKind) {
        if let Root::Var { var, path } = self.root_of(arg)
            && !path.is_empty()
            && self.is_input(var)
        {
            self.ix.summary.field_effects.push(FieldEffect {
                root: var,
                path,
                kind,
                vars: Vec::new(),
            });
        }
    }

    /// `if started { return }` (or `if s.running { ...; return }`): a check of a package-level
    /// flag or a field of the receiver whose branch leaves the function.
    pub(in crate::source::index) fn guard_check(&mut self, node: Node<'_>, func: Option<usize>) {
        let (Some(f), Some(cond), Some(body)) =
            (func, node.field("condition"), node.field("consequence"))
        else {
            return;
        };
        if node.field("alternative").is_some() {
            return;
        }
        // `if !started { started = true; go run() }`: the body runs once.
        if cond.kind_name() == "unary_expression"
            && cond.field("operator").is_some_and(|o| self.text(o) == "!")
            && let Some(flag) = cond.field("operand")
            && matches!(flag.kind_name(), "identifier" | "selector_expression")
        {
            let root = self.root_of(flag);
            if self.is_flag(&root) {
                let text = self.text(flag).to_string();
                self.ix.summary.negated_checks.push((
                    f,
                    root,
                    text,
                    (body.start_byte(), body.end_byte()),
                ));
            }
            return;
        }
        if !matches!(cond.kind_name(), "identifier" | "selector_expression") {
            return;
        }
        let leaves = named_children(body)
            .into_iter()
            .flat_map(|n| {
                if n.kind_name() == "statement_list" {
                    named_children(n)
                } else {
                    vec![n]
                }
            })
            .last()
            .is_some_and(|n| n.kind_name() == "return_statement");
        let root = self.root_of(cond);
        if leaves && self.is_flag(&root) {
            let text = self.text(cond).to_string();
            self.ix
                .summary
                .guard_checks
                .push((f, root, text, node.end_byte()));
        }
    }

    /// `pkg.List = append(pkg.List, v)`, `pkg.Table[k] = v`: a store into another package's
    /// variable, judged once that package's facts are known.
    pub(in crate::source::index) fn foreign_assignment(
        &mut self,
        lhs: Node<'_>,
        rhs: Option<Node<'_>>,
        stmt: Node<'_>,
        func: Option<usize>,
    ) {
        // The `pkg.Var` the left side is rooted in.
        let mut n = lhs;
        while matches!(n.kind_name(), "index_expression" | "selector_expression")
            && n.field("operand")
                .is_some_and(|o| o.kind_name() != "identifier")
        {
            let Some(o) = n.field("operand") else {
                return;
            };
            n = o;
        }
        if n.kind_name() == "index_expression" {
            match n.field("operand") {
                Some(o) => n = o,
                None => return,
            }
        }
        if n.kind_name() != "selector_expression" {
            return;
        }
        let (Some(q), Some(var)) = (n.field("operand"), n.field("field")) else {
            return;
        };
        let qualifier = self.text(q);
        if q.kind_name() != "identifier"
            || self.scopes.resolve(qualifier).is_some()
            || self.global_named(qualifier)
        {
            return;
        }
        let Some(path) = self.ix.summary.imports.get(&self.f).and_then(|list| {
            list.iter()
                .find(|(name, _)| name == qualifier)
                .map(|(_, p)| p.clone())
        }) else {
            return;
        };
        let target = self.text(n).to_string();
        let kind = match (lhs.kind_name(), rhs) {
            ("index_expression", _) => EffectKind::Insert,
            (_, Some(r)) => self.assigned_value_to(&target, qualifier, r),
            (_, None) => EffectKind::Assign,
        };
        if !kind.adds() {
            return;
        }
        let var = self.text(var).to_string();
        let vars = rhs.map(|r| self.vars_in(r)).unwrap_or_default();
        let effect = Effect {
            global: format!("{qualifier}.{var}"),
            kind,
            loc: loc(self.f, stmt),
            function: func,
            pin: None,
            in_loop: self.in_loop(),
            key: None,
            vars,
            copied: Vec::new(),
            via: Some(format!(
                "a store straight into `{target}`, a variable of package {qualifier}"
            )),
            field: None,
            once_per_key: None,
        };
        self.ix.summary.foreign_stores.push((path, var, effect));
    }

    /// A package-level variable or a field of the receiver: something that outlives the call.
    fn is_flag(&self, root: &Root) -> bool {
        match root {
            Root::Global { .. } => true,
            Root::Var { var, path } => {
                !path.is_empty() && self.ix.vars[var.0 as usize].binding == Binding::Receiver
            }
            Root::Other => false,
        }
    }

    /// `started = true` after `if started { return }` in the same function: what follows runs
    /// once (per process, or per object for a field).
    pub(in crate::source::index) fn guard_set(
        &mut self,
        lhs: Node<'_>,
        rhs: Option<Node<'_>>,
        func: Option<usize>,
    ) {
        let (Some(f), Some(r)) = (func, rhs) else {
            return;
        };
        if self.text(r).trim() != "true" {
            return;
        }
        let root = self.root_of(lhs);
        let at = lhs.start_byte();
        let found = self
            .ix
            .summary
            .guard_checks
            .iter()
            .find(|(g, check, _, end)| *g == f && *check == root && *end <= at)
            .map(|(_, _, text, _)| text.clone());
        if let Some(text) = found {
            self.ix.functions[f].start_guard = Some(text);
        }
        let inside = self
            .ix
            .summary
            .negated_checks
            .iter()
            .find(|(g, check, _, (s, e))| *g == f && *check == root && *s <= at && at < *e)
            .map(|(_, _, text, span)| (text.clone(), *span));
        if let Some((text, (s, e))) = inside {
            self.ix.summary.guarded.push((self.f, s, e, text));
        }
    }

    /// The variables of `vars` that `n` names only inside copies: `append` onto an empty or
    /// nil slice, `bytes.Clone`, `strings.Clone`, `slices.Clone`, `maps.Clone`, a `string(...)`
    /// or `[]byte(...)` conversion, `fmt.Sprint*`, `strconv.*`, `strings.Join`.
    pub(in crate::source::index) fn copied_vars(&self, n: Node<'_>, vars: &[VarId]) -> Vec<VarId> {
        let mut kept = Vec::new();
        let mut stack = vec![n];
        let mut cursor = n.walk();
        while let Some(x) = stack.pop() {
            if x.kind_name() == "identifier"
                && let Some(v) = self.scopes.resolve(self.text(x))
                && !kept.contains(&v)
            {
                kept.push(v);
            }
            if x.kind_name() == "func_literal"
                || (x.kind_name() == "call_expression" && self.copies(x))
            {
                continue;
            }
            stack.extend(x.named_children(&mut cursor));
        }
        vars.iter().copied().filter(|v| !kept.contains(v)).collect()
    }

    /// A call whose result is a copy of its inputs.
    fn copies(&self, call: Node<'_>) -> bool {
        let Some(f) = call.field("function") else {
            return false;
        };
        let callee = self.text(f);
        if callee == "append" {
            return call
                .field("arguments")
                .and_then(|a| a.named_child(0))
                .is_some_and(|first| {
                    let t = self.text(first).replace(' ', "");
                    t == "nil"
                        || (t.starts_with("[]") && (t.ends_with("(nil)") || t.ends_with("{}")))
                });
        }
        matches!(
            callee,
            "bytes.Clone"
                | "strings.Clone"
                | "slices.Clone"
                | "maps.Clone"
                | "string"
                | "[]byte"
                | "strings.Join"
        ) || callee.starts_with("fmt.Sprint")
            || callee.starts_with("strconv.")
    }

    /// A parameter or the receiver.
    fn is_input(&self, v: VarId) -> bool {
        matches!(
            self.ix.vars[v.0 as usize].binding,
            Binding::Param | Binding::Receiver
        )
    }

    /// Records a call with what its callee and arguments are rooted in.
    pub(in crate::source::index) fn record_call_site(
        &mut self,
        node: Node<'_>,
        callee: Node<'_>,
        args: &[Node<'_>],
        func: Option<usize>,
    ) {
        let target = match callee.kind_name() {
            "identifier" => {
                let name = self.text(callee);
                if self.scopes.resolve(name).is_some() || is_builtin(name) {
                    return;
                }
                CallTarget::Func(name.to_string())
            }
            "selector_expression" => {
                let (Some(operand), Some(field)) = (callee.field("operand"), callee.field("field"))
                else {
                    return;
                };
                let name = self.text(field).to_string();
                let qualifier = self.text(operand);
                let import = (operand.kind_name() == "identifier"
                    && self.scopes.resolve(qualifier).is_none()
                    && !self.global_named(qualifier))
                .then(|| {
                    self.ix.summary.imports.get(&self.f).and_then(|list| {
                        list.iter()
                            .find(|(n, _)| n == qualifier)
                            .map(|(_, p)| p.clone())
                    })
                })
                .flatten();
                match import {
                    Some(path) => CallTarget::Import { path, name },
                    None => match self.root_of(operand) {
                        Root::Other => return,
                        recv => CallTarget::Method { recv, name },
                    },
                }
            }
            _ => return,
        };
        let args = args
            .iter()
            .map(|a| (self.root_of(*a), self.vars_in(*a)))
            .collect();
        self.ix.summary.calls.push(CallSite {
            function: func,
            loc: loc(self.f, node),
            target,
            args,
            in_loop: self.in_loop(),
        });
    }
}
