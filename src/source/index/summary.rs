//! What a function keeps of what it is given: parameter summaries, and the holders they lead
//! to through methods and across the module's packages.
//!
//! A function keeps a parameter when it stores it into a package-level variable, into a field
//! of its receiver or of another parameter (`s.items[k] = v`), or passes it to a function that
//! does. A call site then decides by who owns what is stored into: `Default.Add(name, g)` on a
//! package-level store keeps `g` for the life of the process, and the walk's facts gain an
//! effect on `Default` at that call; the same `Add` on a store the caller made keeps nothing
//! long-lived. A release works the same way: `counters.Remove(name)`, where `Remove` deletes
//! from `s.items`, releases `counters`.
//!
//! Summaries cross the module's packages as [`PackageFacts`], as go/analysis facts do: what
//! each exported function of a package keeps in that package's variables, and whether that
//! package ever lets go of them. A caller in another package gains an effect on a
//! [`ForeignHolder`] at its call.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use tree_sitter::Node;

use super::super::owner::Binding;
use super::bindings::VarType;
use super::*;

/// The most places one function's summary lists.
const MAX_KEEPS: usize = 64;

/// A parameter position: the receiver, or the i-th parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    Receiver,
    Param(usize),
}

/// Where a function puts what it keeps.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Into {
    /// A package-level variable of this package.
    Global(String),
    /// A field path of the receiver or of a parameter (`items` for `s.items[k] = v`).
    Field(Slot, String),
    /// A package-level variable of another package of the module.
    Foreign(Arc<ForeignHolder>),
}

/// One thing a function keeps: the parameter, where, how, and through which calls.
#[derive(Debug, Clone)]
pub struct Keep {
    pub slot: Slot,
    pub into: Into,
    pub kind: EffectKind,
    /// The functions the value is passed through, outermost first (`remember`, `store.Hold`).
    pub via: Vec<String>,
    /// A function on the way that panics when the key is already there: one entry per key.
    pub once_per_key: Option<String>,
}

/// A place in a file of another package: enough to show it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SiteRef {
    pub path: PathBuf,
    pub line: u32,
    pub column: u32,
    /// The source line, trimmed.
    pub text: String,
}

/// A package-level variable of another package of the module, as a caller here sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ForeignHolder {
    /// `store.forever`: the package's name and the variable's.
    pub name: String,
    pub kind: GlobalKind,
    pub declared: SiteRef,
    /// Where that package stores into it.
    pub stored_at: SiteRef,
    /// How that package lets go of it (`delete, in store.Drop`), and where.
    pub released: Option<(String, Option<SiteRef>)>,
}

/// What a package of the module tells the packages that import it.
#[derive(Debug, Default)]
pub struct PackageFacts {
    /// Exported package-level variables other packages can store into, as holders.
    pub globals: HashMap<String, Arc<ForeignHolder>>,
    /// Exported function name -> what it keeps of its parameters, and where.
    pub functions: HashMap<String, Vec<ForeignKeep>>,
    /// Exported functions that loop with no way out, with the loop: `go pkg.F()` in an
    /// importer starts a goroutine that never ends.
    pub endless: HashMap<String, SiteRef>,
}

/// A parameter an exported function keeps in a package-level variable of its package.
#[derive(Debug, Clone)]
pub struct ForeignKeep {
    pub slot: Slot,
    pub kind: EffectKind,
    /// The functions it is passed through inside that package, outermost first.
    pub via: Vec<String>,
    pub holder: Arc<ForeignHolder>,
}

/// Where the facts of the module's other packages come from (the pipeline builds and caches
/// them; a test can pass none).
pub trait ModuleFacts: Sync {
    /// The facts of the package with this import path, when it is one of the module's.
    fn facts(&self, import_path: &str) -> Option<Arc<PackageFacts>>;
}

/// No other package is known.
pub struct NoFacts;

impl ModuleFacts for NoFacts {
    fn facts(&self, _: &str) -> Option<Arc<PackageFacts>> {
        None
    }
}

/// What an expression is rooted in: a package-level variable or a binding, with the fields
/// selected from it (`journal` for `state.journal`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Root {
    Global { name: String, path: String },
    Var { var: VarId, path: String },
    Other,
}

/// What a call calls, as written.
#[derive(Debug, Clone)]
pub(super) enum CallTarget {
    /// `f(...)`: a function of the package.
    Func(String),
    /// `x.M(...)`: a method, on what `x` is rooted in.
    Method { recv: Root, name: String },
    /// `pkg.F(...)`: a function of an imported package.
    Import { path: String, name: String },
}

/// One call, with the variables each argument names and what each is rooted in.
#[derive(Debug, Clone)]
pub(super) struct CallSite {
    pub function: Option<usize>,
    pub loc: Loc,
    pub target: CallTarget,
    pub args: Vec<(Root, Vec<VarId>)>,
    pub in_loop: bool,
}

/// A store into (or a release of) a field of a parameter or receiver.
#[derive(Debug, Clone)]
pub(super) struct FieldEffect {
    pub root: VarId,
    pub path: String,
    pub kind: EffectKind,
    /// The variables whose values it keeps (those only copied left out).
    pub vars: Vec<VarId>,
}

#[derive(Debug, Default)]
pub(super) struct Summaries {
    pub field_effects: Vec<FieldEffect>,
    pub calls: Vec<CallSite>,
    /// Per file: (name the file uses, import path).
    pub imports: HashMap<usize, Vec<(String, String)>>,
    /// Per function: what it keeps of its parameters.
    pub keeps: Vec<Vec<Keep>>,
    /// Per function: the fields of its parameters it releases (delete, clear, reset).
    pub frees: Vec<Vec<(Slot, String, EffectKind)>>,
    /// `if started { return }`: (function, what the condition is rooted in, its text, where
    /// the `if` ends), waiting for `started = true` later in the same function.
    pub guard_checks: Vec<(usize, Root, String, usize)>,
    /// `if !started { ... }`: (function, root, text, the body's span), waiting for `started =
    /// true` inside the body.
    pub negated_checks: Vec<(usize, Root, String, (usize, usize))>,
    /// Spans of code that runs once behind a `if !started { started = true; ... }` guard:
    /// (file, start, end, the guard as written).
    pub guarded: Vec<(usize, usize, usize, String)>,
    /// Stores straight into another package's variable (`hooks.List = append(hooks.List, f)`):
    /// the import path, the variable, and the effect as if it were this package's.
    pub foreign_stores: Vec<(String, String, Effect)>,
}

impl Walker<'_> {
    /// `import ( "a/b"; c "d/e" )`: the names this file uses for its imports.
    pub(super) fn record_imports(&mut self, decl: Node<'_>) {
        let mut stack = vec![decl];
        let mut cursor = decl.walk();
        while let Some(n) = stack.pop() {
            if n.kind() == "import_spec" {
                let Some(path) = n.child_by_field_name("path") else {
                    continue;
                };
                let path = self.text(path).trim_matches(['"', '`']).to_string();
                let name = match n.child_by_field_name("name") {
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
    pub(super) fn root_of(&self, mut n: Node<'_>) -> Root {
        let mut fields: Vec<String> = Vec::new();
        loop {
            match n.kind() {
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
                    if let Some(f) = n.child_by_field_name("field") {
                        fields.push(self.text(f).to_string());
                    }
                    match n.child_by_field_name("operand") {
                        Some(o) => n = o,
                        None => return Root::Other,
                    }
                }
                // An element of a field is kept by the field.
                "index_expression" | "slice_expression" => match n.child_by_field_name("operand") {
                    Some(o) => n = o,
                    None => return Root::Other,
                },
                "unary_expression" | "parenthesized_expression" => {
                    match n
                        .child_by_field_name("operand")
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
    pub(super) fn field_assignment(
        &mut self,
        lhs: Node<'_>,
        rhs: Option<Node<'_>>,
        stmt: Node<'_>,
    ) {
        // Assigning the parameter itself changes nothing the caller sees.
        if lhs.kind() == "identifier" {
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
        let kind = match lhs.kind() {
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
    pub(super) fn field_release(&mut self, arg: Node<'_>, kind: EffectKind) {
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
    pub(super) fn guard_check(&mut self, node: Node<'_>, func: Option<usize>) {
        let (Some(f), Some(cond), Some(body)) = (
            func,
            node.child_by_field_name("condition"),
            node.child_by_field_name("consequence"),
        ) else {
            return;
        };
        if node.child_by_field_name("alternative").is_some() {
            return;
        }
        // `if !started { started = true; go run() }`: the body runs once.
        if cond.kind() == "unary_expression"
            && cond
                .child_by_field_name("operator")
                .is_some_and(|o| self.text(o) == "!")
            && let Some(flag) = cond.child_by_field_name("operand")
            && matches!(flag.kind(), "identifier" | "selector_expression")
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
        if !matches!(cond.kind(), "identifier" | "selector_expression") {
            return;
        }
        let leaves = named_children(body)
            .into_iter()
            .flat_map(|n| {
                if n.kind() == "statement_list" {
                    named_children(n)
                } else {
                    vec![n]
                }
            })
            .last()
            .is_some_and(|n| n.kind() == "return_statement");
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
    pub(super) fn foreign_assignment(
        &mut self,
        lhs: Node<'_>,
        rhs: Option<Node<'_>>,
        stmt: Node<'_>,
        func: Option<usize>,
    ) {
        // The `pkg.Var` the left side is rooted in.
        let mut n = lhs;
        while matches!(n.kind(), "index_expression" | "selector_expression")
            && n.child_by_field_name("operand")
                .is_some_and(|o| o.kind() != "identifier")
        {
            let Some(o) = n.child_by_field_name("operand") else {
                return;
            };
            n = o;
        }
        if n.kind() == "index_expression" {
            match n.child_by_field_name("operand") {
                Some(o) => n = o,
                None => return,
            }
        }
        if n.kind() != "selector_expression" {
            return;
        }
        let (Some(q), Some(var)) = (
            n.child_by_field_name("operand"),
            n.child_by_field_name("field"),
        ) else {
            return;
        };
        let qualifier = self.text(q);
        if q.kind() != "identifier"
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
        let kind = match (lhs.kind(), rhs) {
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
    pub(super) fn guard_set(&mut self, lhs: Node<'_>, rhs: Option<Node<'_>>, func: Option<usize>) {
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
    pub(super) fn copied_vars(&self, n: Node<'_>, vars: &[VarId]) -> Vec<VarId> {
        let mut kept = Vec::new();
        let mut stack = vec![n];
        let mut cursor = n.walk();
        while let Some(x) = stack.pop() {
            if x.kind() == "identifier"
                && let Some(v) = self.scopes.resolve(self.text(x))
                && !kept.contains(&v)
            {
                kept.push(v);
            }
            if x.kind() == "func_literal" || (x.kind() == "call_expression" && self.copies(x)) {
                continue;
            }
            stack.extend(x.named_children(&mut cursor));
        }
        vars.iter().copied().filter(|v| !kept.contains(v)).collect()
    }

    /// A call whose result is a copy of its inputs.
    fn copies(&self, call: Node<'_>) -> bool {
        let Some(f) = call.child_by_field_name("function") else {
            return false;
        };
        let callee = self.text(f);
        if callee == "append" {
            return call
                .child_by_field_name("arguments")
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
    pub(super) fn record_call_site(
        &mut self,
        node: Node<'_>,
        callee: Node<'_>,
        args: &[Node<'_>],
        func: Option<usize>,
    ) {
        let target = match callee.kind() {
            "identifier" => {
                let name = self.text(callee);
                if self.scopes.resolve(name).is_some() || is_builtin(name) {
                    return;
                }
                CallTarget::Func(name.to_string())
            }
            "selector_expression" => {
                let (Some(operand), Some(field)) = (
                    callee.child_by_field_name("operand"),
                    callee.child_by_field_name("field"),
                ) else {
                    return;
                };
                let name = self.text(field).to_string();
                let qualifier = self.text(operand);
                let import = (operand.kind() == "identifier"
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

/// The name a package is used by when the import gives none: the last element of its path,
/// without a major version (`example.com/m/v2` -> `m`) or a `go-` prefix.
fn default_import_name(path: &str) -> String {
    let mut parts = path.rsplit('/');
    let mut last = parts.next().unwrap_or(path);
    if last.len() > 1
        && last.starts_with('v')
        && last[1..].bytes().all(|b| b.is_ascii_digit())
        && let Some(prev) = parts.next()
    {
        last = prev;
    }
    last.trim_start_matches("go-")
        .trim_end_matches(".go")
        .replace(['-', '.'], "_")
}

fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "append"
            | "cap"
            | "clear"
            | "close"
            | "complex"
            | "copy"
            | "delete"
            | "imag"
            | "len"
            | "make"
            | "max"
            | "min"
            | "new"
            | "panic"
            | "print"
            | "println"
            | "real"
            | "recover"
    )
}

/// A key that names a type (`t`, `typ`, `rt`, `ut.base`, `reflect.TypeOf(v)`, `ckey` of types).
pub fn keyed_by_type(key: &str) -> bool {
    let k = key.trim();
    let last = k.rsplit('.').next().unwrap_or(k);
    matches!(last, "t" | "t1" | "rt" | "tt" | "typ" | "base" | "ckey")
        || k.contains("TypeOf")
        || k.to_ascii_lowercase().ends_with("type")
}

/// The fields of a struct type's text, by name: `struct{ journal journal; hits int }` or one
/// field per line.
fn struct_field<'t>(text: &'t str, field: &str) -> Option<&'t str> {
    let body = text.trim();
    let body = body.strip_prefix("struct").unwrap_or(body).trim_start();
    let body = body.strip_prefix('{').unwrap_or(body);
    let body = body.strip_suffix('}').unwrap_or(body);
    body.split(['\n', ';']).find_map(|l| {
        let l = l.split("//").next().unwrap_or("").trim();
        let mut names_and_type = l.splitn(2, [' ', '\t']);
        let names = names_and_type.next()?;
        let ty = names_and_type.next()?.trim();
        names
            .split(',')
            .any(|n| n.trim() == field)
            .then_some(ty)
            .or_else(|| {
                // `a, b int`: the names before the type are split by ", ".
                l.split_once(char::is_whitespace)
                    .filter(|_| l.contains(','))
                    .and_then(|_| {
                        let (names, ty) = l.rsplit_once(char::is_whitespace)?;
                        names
                            .split(',')
                            .any(|n| n.trim() == field)
                            .then_some(ty.trim())
                    })
            })
    })
}

/// A type's name without pointers, type arguments or a package qualifier of its own package.
fn type_name(text: &str) -> &str {
    let t = text.trim().trim_start_matches(['*', '&']).trim();
    t.split(['[', '{', '(']).next().unwrap_or(t).trim()
}

impl PackageIndex {
    /// The type an expression rooted in `root` has, as the package's source writes it.
    fn type_of_root(&self, root: &Root) -> Option<String> {
        let (mut ty, path) = match root {
            Root::Global { name, path } => (self.type_of_global(name)?, path),
            Root::Var { var, path } => match &self.vars[var.0 as usize].ty {
                VarType::Named(t) => (t.clone(), path),
                _ => return None,
            },
            Root::Other => return None,
        };
        for field in path.split('.').filter(|f| !f.is_empty()) {
            let text = if ty.trim_start().starts_with("struct") {
                ty.clone()
            } else {
                self.types.get(type_name(&ty))?.clone()
            };
            ty = struct_field(&text, field)?.to_string();
        }
        Some(ty)
    }

    /// A package-level variable's type: the declared one, unless it is an interface and the
    /// initializer says what it holds (`var Default Store = newStore()`).
    fn type_of_global(&self, name: &str) -> Option<String> {
        let g = self.globals.get(name)?;
        let declared = (g.value_text.as_deref() != Some(g.type_text.as_str()))
            .then(|| g.type_text.clone())
            .filter(|t| !t.is_empty());
        let is_interface = |t: &str| {
            t.trim_start().starts_with("interface")
                || self
                    .types
                    .get(type_name(t))
                    .is_some_and(|d| d.trim_start().starts_with("interface"))
        };
        let from_value = || {
            let v = g.value_text.as_deref()?.trim();
            if let Some(call) = v.strip_suffix(')')
                && let Some((callee, _)) = call.split_once('(')
                && !callee.contains(['{', ' '])
            {
                let f = self.function_named(callee.trim())?;
                let r = self.functions[f].result.trim();
                if r.is_empty() || r.starts_with('(') {
                    return None;
                }
                if !is_interface(r) {
                    return Some(r.to_string());
                }
                // `func NewRegistry() Registry { return &StandardRegistry{...} }`: what every
                // return builds.
                let mut built = self.returns_of(f).iter().map(|l| {
                    let text = self.files[l.file].text.get(l.start..l.end).unwrap_or("");
                    let v = text.trim_start_matches("return").trim();
                    (v.starts_with('&') || v.contains('{')).then(|| type_name(v).to_string())
                });
                let first = built.next()??;
                return built
                    .all(|b| b.as_deref() == Some(first.as_str()))
                    .then_some(first);
            }
            (v.starts_with('&') || v.contains('{')).then(|| type_name(v).to_string())
        };
        match declared {
            Some(t) if !is_interface(&t) => Some(t),
            Some(t) => from_value().or(Some(t)),
            None => from_value(),
        }
    }

    /// The method of the package a call `x.name(...)` calls: by the receiver's type, else the
    /// only method of the package with that name.
    fn method_for(&self, recv: &Root, name: &str) -> Option<usize> {
        if let Some(ty) = self.type_of_root(recv) {
            let t = type_name(&ty);
            // A type of another package (`sync.Pool`): its methods are not this package's.
            if t.contains('.') {
                return None;
            }
            for candidate in [format!("(*{t}).{name}"), format!("{t}.{name}")] {
                if let Some(&f) = self.by_name.get(&candidate) {
                    return Some(f);
                }
            }
            // A named type of the package without that method, not an interface: none.
            if self
                .types
                .get(t)
                .is_some_and(|d| !d.trim_start().starts_with("interface"))
            {
                return None;
            }
        }
        let suffix = format!(".{name}");
        let mut methods = self
            .functions
            .iter()
            .enumerate()
            .filter(|(_, f)| f.kind == FunctionKind::Method && f.name.ends_with(&suffix));
        let (first, _) = methods.next()?;
        methods.next().is_none().then_some(first)
    }

    /// The slot of a binding among its function's inputs.
    fn slot_of(&self, v: VarId) -> Option<(usize, Slot)> {
        let var = &self.vars[v.0 as usize];
        let f = var.function?;
        match (var.binding, var.param_index) {
            (Binding::Receiver, _) => Some((f, Slot::Receiver)),
            (Binding::Param, Some(i)) => Some((f, Slot::Param(i))),
            _ => None,
        }
    }

    /// Computes what each function keeps of its parameters, and the effects on package-level
    /// variables (of this package and of others of the module) that calls make through them.
    pub(super) fn settle_summaries(&mut self, module: &dyn ModuleFacts) {
        let n = self.functions.len();
        let mut keeps: Vec<Vec<Keep>> = vec![Vec::new(); n];
        let mut frees: Vec<Vec<(Slot, String, EffectKind)>> = vec![Vec::new(); n];
        let mut seen: HashSet<(usize, Slot, Into)> = HashSet::new();
        let mut add_keep = |keeps: &mut Vec<Vec<Keep>>, f: usize, k: Keep| {
            // Bounded: a function that keeps its parameters in more places than this is
            // summarized by the first ones (each names a holder; more add nothing a verdict needs).
            if keeps[f].len() < MAX_KEEPS && seen.insert((f, k.slot, k.into.clone())) {
                keeps[f].push(k);
                true
            } else {
                false
            }
        };
        // Each call: resolved once.
        let mut foreign: HashMap<String, Option<Arc<PackageFacts>>> = HashMap::new();
        let resolved: Vec<Option<Callee>> = self
            .summary
            .calls
            .iter()
            .map(|c| match &c.target {
                CallTarget::Func(name) => self
                    .by_name
                    .get(name)
                    .copied()
                    .filter(|&f| self.functions[f].kind == FunctionKind::Func)
                    .map(Callee::Local),
                CallTarget::Method { recv, name } => self.method_for(recv, name).map(Callee::Local),
                // A std-library registry the walk knows by name (http.Handle, expvar.Publish):
                // its registration finding says it in its own words.
                CallTarget::Import { .. }
                    if self
                        .registrations
                        .iter()
                        .any(|r| r.loc.file == c.loc.file && r.loc.start == c.loc.start) =>
                {
                    None
                }
                CallTarget::Import { path, name } => {
                    let facts = foreign
                        .entry(path.clone())
                        .or_insert_with(|| module.facts(path))
                        .clone()?;
                    facts.functions.get(name).map(|ks| {
                        Callee::Foreign(format!("{}.{name}", default_import_name(path)), ks.clone())
                    })
                }
            })
            .collect();
        // A call the walk guessed from a method's name (`Default.Add` adds) is now known from
        // the method itself.
        let known: HashSet<(usize, usize)> = self
            .summary
            .calls
            .iter()
            .zip(&resolved)
            .filter(|(c, r)| {
                matches!(r, Some(Callee::Local(_))) && matches!(c.target, CallTarget::Method { .. })
            })
            .map(|(c, _)| (c.loc.file, c.loc.start))
            .collect();
        self.effects
            .retain(|e| e.via.is_some() || !known.contains(&(e.loc.file, e.loc.start)));
        // What the walk saw: stores into package-level variables and into parameters' fields.
        for e in self.effects.iter().filter(|e| e.kind.adds()) {
            for &v in e.vars.iter().filter(|v| !e.copied.contains(v)) {
                if let Some((f, slot)) = self.slot_of(v)
                    && self.within(e.function, f)
                {
                    add_keep(
                        &mut keeps,
                        f,
                        Keep {
                            slot,
                            into: Into::Global(e.global.clone()),
                            kind: e.kind.clone(),
                            via: Vec::new(),
                            once_per_key: None,
                        },
                    );
                }
            }
        }
        for fe in &self.summary.field_effects {
            let Some((f, root_slot)) = self.slot_of(fe.root) else {
                continue;
            };
            if fe.kind.releases() {
                frees[f].push((root_slot, fe.path.clone(), fe.kind.clone()));
                continue;
            }
            for &v in fe.vars.iter().filter(|&&v| v != fe.root) {
                if let Some((g, slot)) = self.slot_of(v)
                    && g == f
                {
                    add_keep(
                        &mut keeps,
                        f,
                        Keep {
                            slot,
                            into: Into::Field(root_slot, fe.path.clone()),
                            kind: fe.kind.clone(),
                            via: Vec::new(),
                            once_per_key: (fe.kind == EffectKind::Insert
                                && self.functions[f].rejects_duplicates)
                                .then(|| self.functions[f].name.clone()),
                        },
                    );
                }
            }
        }
        // The effects calls make on package-level variables: (call, variable) -> effect.
        let mut derived: Vec<Effect> = Vec::new();
        let mut derived_seen: HashMap<(usize, String, bool), usize> = HashMap::new();
        let mut foreign_globals: Vec<Arc<ForeignHolder>> = Vec::new();
        for _round in 0..8 {
            let mut changed = false;
            for (ci, call) in self.summary.calls.iter().enumerate() {
                let Some(callee) = &resolved[ci] else {
                    continue;
                };
                let (callee_name, callee_keeps, callee_frees): (String, Vec<Keep>, Vec<_>) =
                    match callee {
                        Callee::Local(g) => (
                            self.functions[*g].name.clone(),
                            keeps[*g].clone(),
                            frees[*g].clone(),
                        ),
                        Callee::Foreign(name, ks) => (
                            name.clone(),
                            ks.iter()
                                .map(|k| Keep {
                                    slot: k.slot,
                                    into: Into::Foreign(k.holder.clone()),
                                    kind: k.kind.clone(),
                                    via: k.via.clone(),
                                    once_per_key: None,
                                })
                                .collect(),
                            Vec::new(),
                        ),
                    };
                let input = |slot: Slot| -> Option<&(Root, Vec<VarId>)> {
                    match slot {
                        Slot::Receiver => None,
                        Slot::Param(j) => call.args.get(j),
                    }
                };
                let recv_root = match &call.target {
                    CallTarget::Method { recv, .. } => Some(recv.clone()),
                    _ => None,
                };
                let root_at = |slot: Slot| -> Option<Root> {
                    match slot {
                        Slot::Receiver => recv_root.clone(),
                        Slot::Param(j) => call.args.get(j).map(|a| a.0.clone()),
                    }
                };
                let vars_at = |slot: Slot| -> Vec<VarId> {
                    match slot {
                        Slot::Receiver => match &recv_root {
                            Some(Root::Var { var, .. }) => vec![*var],
                            _ => Vec::new(),
                        },
                        Slot::Param(_) => input(slot).map(|a| a.1.clone()).unwrap_or_default(),
                    }
                };
                for k in &callee_keeps {
                    let mut via = vec![callee_name.clone()];
                    via.extend(k.via.iter().cloned());
                    // Where the value goes, seen from the caller.
                    let into = match &k.into {
                        Into::Global(g) => Some(Into::Global(g.clone())),
                        Into::Foreign(h) => {
                            let key = (ci, h.name.clone(), false);
                            if let Some(&d) = derived_seen.get(&key) {
                                changed |= extend_vars(&mut derived[d], vars_at(k.slot));
                            } else {
                                derived_seen.insert(key, derived.len());
                                if !foreign_globals.iter().any(|x| x.name == h.name) {
                                    foreign_globals.push(h.clone());
                                }
                                derived.push(self.derived_effect(
                                    call,
                                    &h.name,
                                    k.kind.clone(),
                                    vars_at(k.slot),
                                    format!(
                                        "through {}, which keeps it in the package-level `{}`",
                                        via.join(" -> "),
                                        h.name,
                                    ),
                                ));
                                changed = true;
                            }
                            Some(Into::Foreign(h.clone()))
                        }
                        Into::Field(s, path) => match root_at(*s) {
                            Some(Root::Global { name, path: p }) => {
                                let key = (ci, name.clone(), false);
                                if let Some(&d) = derived_seen.get(&key) {
                                    changed |= extend_vars(&mut derived[d], vars_at(k.slot));
                                } else {
                                    derived_seen.insert(key, derived.len());
                                    let field = join(&p, path);
                                    let mut e = self.derived_effect(
                                        call,
                                        &name,
                                        k.kind.clone(),
                                        vars_at(k.slot),
                                        format!(
                                            "through {}, which keeps it in `{name}.{field}`",
                                            via.join(" -> ")
                                        ),
                                    );
                                    e.field = Some(field);
                                    e.once_per_key = k.once_per_key.clone();
                                    derived.push(e);
                                    changed = true;
                                }
                                Some(Into::Global(name))
                            }
                            Some(Root::Var { var, path: p }) => self
                                .slot_of(var)
                                .map(|(_, s2)| Into::Field(s2, join(&p, path))),
                            _ => None,
                        },
                    };
                    let Some(into) = into else { continue };
                    for v in vars_at(k.slot) {
                        if let Some((f, slot)) = self.slot_of(v)
                            && self.within(call.function, f)
                            && add_keep(
                                &mut keeps,
                                f,
                                Keep {
                                    slot,
                                    into: into.clone(),
                                    kind: k.kind.clone(),
                                    via: via.clone(),
                                    once_per_key: k.once_per_key.clone(),
                                },
                            )
                        {
                            changed = true;
                        }
                    }
                }
                for (s, path, kind) in &callee_frees {
                    match root_at(*s) {
                        Some(Root::Global { name, path: p }) => {
                            if let std::collections::hash_map::Entry::Vacant(e) =
                                derived_seen.entry((ci, name.clone(), true))
                            {
                                e.insert(derived.len());
                                let mut release = self.derived_effect(
                                    call,
                                    &name,
                                    kind.clone(),
                                    Vec::new(),
                                    format!("through {callee_name}, which lets go of `{path}`"),
                                );
                                release.field = Some(join(&p, path));
                                derived.push(release);
                                changed = true;
                            }
                        }
                        Some(Root::Var { var, path: p }) => {
                            if let Some((f, s2)) = self.slot_of(var)
                                && self.within(call.function, f)
                            {
                                let free = (s2, join(&p, path), kind.clone());
                                if !frees[f].contains(&free) {
                                    frees[f].push(free);
                                    changed = true;
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            if !changed {
                break;
            }
        }
        // Stores straight into another package's variables.
        for (path, var, e) in std::mem::take(&mut self.summary.foreign_stores) {
            let Some(h) = foreign
                .entry(path.clone())
                .or_insert_with(|| module.facts(&path))
                .as_ref()
                .and_then(|f| f.globals.get(&var).cloned())
            else {
                continue;
            };
            let mut e = e;
            e.global = h.name.clone();
            if !foreign_globals.iter().any(|x| x.name == h.name) {
                foreign_globals.push(h);
            }
            derived.push(e);
        }
        for h in foreign_globals {
            self.globals
                .entry(h.name.clone())
                .or_insert_with(|| Global {
                    name: h.name.clone(),
                    kind: h.kind,
                    decl: Loc {
                        file: usize::MAX,
                        start: 0,
                        end: 0,
                        line: h.declared.line,
                        column: h.declared.column,
                    },
                    type_text: String::new(),
                    value_text: None,
                    foreign: Some(h.clone()),
                });
        }
        self.effects.extend(derived);
        self.summary.keeps = keeps;
        self.summary.frees = frees;
    }

    fn derived_effect(
        &self,
        call: &CallSite,
        global: &str,
        kind: EffectKind,
        vars: Vec<VarId>,
        via: String,
    ) -> Effect {
        Effect {
            field: None,
            once_per_key: None,
            global: global.to_string(),
            kind,
            loc: call.loc,
            function: call.function,
            pin: None,
            in_loop: call.in_loop,
            key: None,
            vars,
            copied: Vec::new(),
            via: Some(via),
        }
    }

    /// What this package tells the packages that import it: for each exported function, the
    /// parameters it keeps in this package's variables (or passes on to another package's).
    pub fn facts(&self) -> PackageFacts {
        let pkg = self.package.clone().unwrap_or_default();
        let site = |loc: &Loc| SiteRef {
            path: self.file_path(loc).to_path_buf(),
            line: loc.line,
            column: loc.column,
            text: self.line_text(loc).to_string(),
        };
        let mut out = PackageFacts::default();
        for (f, func) in self.functions.iter().enumerate() {
            if !func.exported || func.kind != FunctionKind::Func {
                continue;
            }
            let Some(ks) = self.summary.keeps.get(f) else {
                continue;
            };
            let mut list = Vec::new();
            for k in ks {
                let holder = match &k.into {
                    Into::Global(g) => {
                        let Some(global) = self.globals.get(g) else {
                            continue;
                        };
                        if let Some(h) = &global.foreign {
                            h.clone()
                        } else if self
                            .effects_of(g)
                            .filter(|e| e.kind.adds() && e.function.is_some())
                            .all(|e| self.bounded_here(e))
                        {
                            // Bounded in its own package (keyed by types, by a constant, one
                            // value at a time, filled at start-up): nothing to tell callers.
                            continue;
                        } else {
                            // The store itself, not the variable's initializer.
                            let Some(add) = self
                                .effects_of(g)
                                .filter(|e| e.kind.adds())
                                .max_by_key(|e| (e.kind == k.kind, e.function.is_some()))
                            else {
                                continue;
                            };
                            // A release of the whole variable: not one through a method of
                            // another of its fields, nor the reset that makes it at start-up.
                            let released = self
                                .releases_of(g)
                                .find(|r| {
                                    r.field.is_none()
                                        && !(r.kind == EffectKind::Reset && self.effect_once(r))
                                })
                                .map(|r| {
                                    let place = r
                                        .function
                                        .map(|f| format!(", in {pkg}.{}", self.functions[f].name))
                                        .unwrap_or_default();
                                    (format!("{}{place}", r.kind.verb()), Some(site(&r.loc)))
                                });
                            Arc::new(ForeignHolder {
                                name: format!("{pkg}.{g}"),
                                kind: global.kind,
                                declared: site(&global.decl),
                                stored_at: site(&add.loc),
                                released,
                            })
                        }
                    }
                    Into::Foreign(h) => h.clone(),
                    Into::Field(..) => continue,
                };
                list.push(ForeignKeep {
                    slot: k.slot,
                    kind: k.kind.clone(),
                    via: k.via.clone(),
                    holder,
                });
            }
            if !list.is_empty() {
                out.functions.insert(func.name.clone(), list);
            }
        }
        for (name, global) in &self.globals {
            if global.foreign.is_some() || !name.starts_with(|c: char| c.is_uppercase()) {
                continue;
            }
            let released = self
                .releases_of(name)
                .find(|r| {
                    r.field.is_none() && !(r.kind == EffectKind::Reset && self.effect_once(r))
                })
                .map(|r| {
                    let place = r
                        .function
                        .map(|f| format!(", in {pkg}.{}", self.functions[f].name))
                        .unwrap_or_default();
                    (format!("{}{place}", r.kind.verb()), Some(site(&r.loc)))
                });
            out.globals.insert(
                name.clone(),
                Arc::new(ForeignHolder {
                    name: format!("{pkg}.{name}"),
                    kind: global.kind,
                    declared: site(&global.decl),
                    stored_at: site(&global.decl),
                    released,
                }),
            );
        }
        for (f, func) in self.functions.iter().enumerate() {
            if func.exported
                && func.kind == FunctionKind::Func
                && let Some(l) = self.endless_loop(f)
            {
                out.endless.insert(func.name.clone(), site(&l.loc));
            }
        }
        out
    }

    /// `go pkg.F()` where F is a function of another package of the module that loops with no
    /// way out (its facts say so).
    pub(super) fn settle_foreign_goroutines(&mut self, module: &dyn ModuleFacts) {
        let mut found = Vec::new();
        for (i, go) in self.goroutines().iter().enumerate() {
            let super::concurrency::Callee::Name(name) = &go.callee else {
                continue;
            };
            let Some((qualifier, f)) = name.split_once('.') else {
                continue;
            };
            let Some(path) = self.summary.imports.get(&go.loc.file).and_then(|list| {
                list.iter()
                    .find(|(n, _)| n == qualifier)
                    .map(|(_, p)| p.clone())
            }) else {
                continue;
            };
            if let Some(site) = module
                .facts(&path)
                .and_then(|facts| facts.endless.get(f).cloned())
            {
                found.push((i, (name.clone(), site)));
            }
        }
        for (i, e) in found {
            self.facts.goroutines[i].foreign_endless = Some(e);
        }
    }

    /// The start-once guard a position is behind (`if !started { started = true; ... }`),
    /// or the one its whole function is behind (`if started { return }; started = true`).
    pub fn guard_at(&self, f: Option<usize>, loc: &Loc) -> Option<String> {
        self.summary
            .guarded
            .iter()
            .find(|(file, s, e, _)| *file == loc.file && *s <= loc.start && loc.end <= *e)
            .map(|(.., text)| text.clone())
            .or_else(|| f.and_then(|f| self.functions[f].start_guard.clone()))
    }

    /// A store its own package bounds whoever calls it: it replaces one value (an
    /// assignment), runs once, is keyed by types or by a constant, or is a registration API's
    /// or a type-arguments-only function's.
    fn bounded_here(&self, e: &Effect) -> bool {
        let key = e.key.as_deref().map(str::trim);
        e.kind == EffectKind::Assign
            || self.effect_once(e)
            || key.is_some_and(|k| {
                keyed_by_type(k)
                    || k.starts_with(['"', '`'])
                    || k.parse::<i64>().is_ok()
                    || self.consts.contains(k)
            })
            || e.function.is_some_and(|f| {
                self.functions[f].registration_api || self.functions[f].type_args_only
            })
    }

    /// What function `f` keeps of its parameters (for tests and the rules' evidence).
    pub fn keeps_of(&self, f: usize) -> &[Keep] {
        self.summary.keeps.get(f).map(Vec::as_slice).unwrap_or(&[])
    }
}

#[derive(Debug, Clone)]
enum Callee {
    Local(usize),
    Foreign(String, Vec<ForeignKeep>),
}

/// Adds the variables of one more kept argument to a derived effect; whether any was new.
fn extend_vars(e: &mut Effect, vars: Vec<VarId>) -> bool {
    let mut changed = false;
    for v in vars {
        if !e.vars.contains(&v) {
            e.vars.push(v);
            changed = true;
        }
    }
    changed
}

/// A field path followed through a call (`s.left` + `items`), at most two fields deep: a
/// recursive method (`n.left.insert(v)`) would otherwise make a longer path on every round of
/// the fixpoint, and the path only names the place, the root decides.
fn join(a: &str, b: &str) -> String {
    let joined = match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}.{b}"),
    };
    match joined.match_indices('.').nth(1) {
        Some((i, _)) => joined[..i].to_string(),
        None => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::gofile::{GoFile, parser};
    use std::path::Path;

    fn index_with(src: &str, module: &dyn ModuleFacts) -> PackageIndex {
        let f = GoFile::parse(&mut parser(), Path::new("p.go"), src.to_string()).unwrap();
        PackageIndex::index(Path::new("."), vec![Arc::new(f)], module)
    }

    fn index(src: &str) -> PackageIndex {
        index_with(src, &NoFacts)
    }

    /// (global, kind, derived-through) of every effect a call makes through a method.
    fn derived(ix: &PackageIndex) -> Vec<(String, EffectKind, u32)> {
        ix.effects
            .iter()
            .filter(|e| e.via.is_some())
            .map(|e| (e.global.clone(), e.kind.clone(), e.loc.line))
            .collect()
    }

    const STORE: &str = "package p\n\ntype Store interface{ Add(string, any) }\n\ntype store struct{ items map[string]any }\n\nfunc newStore() *store { return &store{items: map[string]any{}} }\n\nfunc (s *store) Add(name string, v any) { s.items[name] = v }\n\nfunc (s *store) Remove(name string) { delete(s.items, name) }\n\nvar Default Store = newStore()\n\nvar counters = newStore()\n";

    /// A method that stores into its receiver's field keeps its parameters there; called on a
    /// package-level object (behind an interface or a pointer) it adds to that object, and a
    /// method that deletes from the field releases it. On an object the caller made, nothing.
    #[test]
    fn methods_on_package_level_objects() {
        let src = format!(
            "{STORE}\nfunc NewGauge(n string) {{ g := &struct{{}}{{}}; Default.Add(n, g) }}\n\nfunc Local(n string) {{ s := newStore(); s.Add(n, 1) }}\n\nfunc Drop(n string) {{ counters.Remove(n) }}\n"
        );
        let ix = index(&src);
        let add = ix.function_named("(*store).Add").unwrap();
        let keeps: Vec<(Slot, &Into)> =
            ix.keeps_of(add).iter().map(|k| (k.slot, &k.into)).collect();
        assert!(keeps.contains(&(Slot::Param(1), &Into::Field(Slot::Receiver, "items".into()))));
        assert!(keeps.contains(&(Slot::Param(0), &Into::Field(Slot::Receiver, "items".into()))));
        assert_eq!(
            derived(&ix),
            vec![
                ("Default".to_string(), EffectKind::Insert, 17),
                ("counters".to_string(), EffectKind::Delete, 21),
            ]
        );
        // NewGauge keeps its parameter in Default, through Add.
        let gauge = ix.function_named("NewGauge").unwrap();
        assert!(
            ix.keeps_of(gauge)
                .iter()
                .any(|k| k.into == Into::Global("Default".into()) && k.via == ["(*store).Add"])
        );
    }

    /// A receiver that is a field of a package-level struct (`state.journal.record(e)`): the
    /// type is followed through the struct's fields to the method.
    #[test]
    fn receivers_through_fields_of_package_level_structs() {
        let src = "package p\n\ntype journal struct{ entries []string }\n\nfunc (j *journal) record(e string) { j.entries = append(j.entries, e) }\n\nvar state struct{ journal journal; hits int }\n\nfunc Hit(p string) { state.journal.record(p + \"!\") }\n\nfunc Local(p string) { var j journal; j.record(p) }\n";
        let ix = index(src);
        assert_eq!(
            derived(&ix),
            vec![("state".to_string(), EffectKind::Append, 9)]
        );
    }

    /// Two variables of the same name are two bindings: a parameter called like a package-level
    /// variable is not it.
    #[test]
    fn a_shadowing_parameter_is_not_the_package_level_object() {
        let src =
            format!("{STORE}\nfunc Use(counters *store, n string) {{ counters.Add(n, 1) }}\n");
        let ix = index(&src);
        assert!(derived(&ix).is_empty(), "{:?}", derived(&ix));
        // Use keeps its n in its parameter's field instead.
        let f = ix.function_named("Use").unwrap();
        assert!(
            ix.keeps_of(f).iter().any(|k| k.slot == Slot::Param(1)
                && k.into == Into::Field(Slot::Param(0), "items".into()))
        );
    }

    struct OneStore;

    impl ModuleFacts for OneStore {
        fn facts(&self, path: &str) -> Option<Arc<PackageFacts>> {
            if path != "example.com/m/store" {
                return None;
            }
            let store = index(
                "package store\n\nvar kept = map[string][]byte{}\n\nfunc Keep(k string, b []byte) { kept[k] = b }\n\nfunc Drop(k string) { delete(kept, k) }\n\nfunc Sum(b []byte) int { return len(b) }\n\nfunc Spin() {\n\tfor {\n\t}\n}\n\nvar Names []string\n",
            );
            Some(Arc::new(store.facts()))
        }
    }

    /// `store.Names = append(store.Names, n)`: a store straight into another package's
    /// exported variable is an effect on it; a package outside the module tells nothing.
    #[test]
    fn stores_into_another_package_s_variable() {
        let src = "package api\n\nimport (\n\t\"example.com/m/store\"\n\tother \"example.com/x/store\"\n)\n\nfunc Add(n string) {\n\tstore.Names = append(store.Names, n)\n\tother.Names = append(other.Names, n)\n}\n";
        let ix = index_with(src, &OneStore);
        assert_eq!(
            derived(&ix),
            vec![("store.Names".to_string(), EffectKind::Append, 9)]
        );
        let h = ix.globals["store.Names"].foreign.as_ref().unwrap();
        assert_eq!(h.declared.line, 16);
        assert!(h.released.is_none());
    }

    /// `go store.Spin()` starts another package's function that never returns: the facts say
    /// where its loop is.
    #[test]
    fn goroutines_of_another_package() {
        let src = "package api\n\nimport \"example.com/m/store\"\n\nfunc Start() {\n\tgo store.Spin()\n\tgo store.Drop(\"k\")\n}\n";
        let ix = index_with(src, &OneStore);
        let gos = ix.goroutines();
        let (name, at) = gos[0].foreign_endless.as_ref().unwrap();
        assert_eq!(name, "store.Spin");
        assert_eq!(at.line, 12);
        assert!(gos[1].foreign_endless.is_none());
    }

    /// Facts cross packages: the caller's call to `store.Keep` is an insert into
    /// `store.kept`, which package store releases; `store.Sum` keeps nothing; a package outside
    /// the module tells nothing.
    #[test]
    fn facts_cross_the_module_s_packages() {
        let src = "package api\n\nimport (\n\t\"example.com/m/store\"\n\tother \"example.com/x/store\"\n)\n\nfunc Save(k string, p []byte) {\n\tb := append([]byte(nil), p...)\n\tstore.Keep(k, b)\n\tstore.Sum(b)\n\tother.Keep(k, b)\n}\n";
        let ix = index_with(src, &OneStore);
        assert_eq!(
            derived(&ix),
            vec![("store.kept".to_string(), EffectKind::Insert, 10)]
        );
        let g = &ix.globals["store.kept"];
        let h = g.foreign.as_ref().unwrap();
        assert_eq!(h.declared.line, 3);
        assert_eq!(h.stored_at.line, 5);
        let (how, _) = h.released.as_ref().unwrap();
        assert_eq!(how, "delete, in store.Drop");
        let save = ix.function_named("Save").unwrap();
        assert!(ix.keeps_of(save).iter().any(|k| k.slot == Slot::Param(0)));
    }

    #[test]
    fn fields_of_struct_text() {
        assert_eq!(
            struct_field("struct{ journal journal; hits int }", "journal"),
            Some("journal")
        );
        assert_eq!(
            struct_field(
                "struct {\n\tmu sync.Mutex\n\titems map[string]any\n}",
                "items"
            ),
            Some("map[string]any")
        );
        assert_eq!(struct_field("struct{ a, b []int }", "b"), Some("[]int"));
        assert_eq!(struct_field("struct{ a int }", "b"), None);
    }

    /// A callee that keeps a copy keeps its key, not the value it copied.
    #[test]
    fn copies_are_not_kept() {
        let src = "package p\n\nvar copies = map[string][]byte{}\n\nfunc KeepCopy(k string, b []byte) { copies[k] = append([]byte(nil), b...) }\n\ntype s struct{ m map[string]string }\n\nfunc (x *s) Put(k string, b []byte) { x.m[k] = string(b) }\n";
        let ix = index(src);
        let f = ix.function_named("KeepCopy").unwrap();
        let slots: Vec<Slot> = ix.keeps_of(f).iter().map(|k| k.slot).collect();
        assert_eq!(slots, vec![Slot::Param(0)]);
        let m = ix.function_named("(*s).Put").unwrap();
        let slots: Vec<Slot> = ix.keeps_of(m).iter().map(|k| k.slot).collect();
        assert_eq!(slots, vec![Slot::Param(0)]);
    }

    #[test]
    fn field_paths_stay_short() {
        assert_eq!(join("", "items"), "items");
        assert_eq!(join("a", "b"), "a.b");
        assert_eq!(join("left.left", "left"), "left.left");
    }

    /// A recursive method on a tree: the fixpoint ends with short paths.
    #[test]
    fn recursive_methods_settle() {
        let src = "package p\n\ntype node struct{ left, right *node; vals []int }\n\nfunc (n *node) insert(v int) {\n\tif v < 0 {\n\t\tn.left.insert(v)\n\t\treturn\n\t}\n\tn.right.insert(v)\n\tn.vals = append(n.vals, v)\n}\n\nvar root node\n\nfunc Add(v int) { root.insert(v) }\n";
        let ix = index(src);
        let f = ix.function_named("(*node).insert").unwrap();
        assert!(ix.keeps_of(f).len() <= 8, "{:?}", ix.keeps_of(f));
        assert!(ix.keeps_of(f).iter().all(|k| match &k.into {
            Into::Field(_, p) => p.matches('.').count() <= 1,
            _ => true,
        }));
        assert_eq!(
            derived(&ix),
            vec![("root".to_string(), EffectKind::Append, 16)]
        );
    }

    #[test]
    fn type_keys() {
        assert!(keyed_by_type("t"));
        assert!(keyed_by_type("ut.base"));
        assert!(keyed_by_type("reflect.TypeOf(v)"));
        assert!(keyed_by_type("elemType"));
        assert!(!keyed_by_type("id"));
        assert!(!keyed_by_type("r.URL.Path"));
    }

    #[test]
    fn import_names() {
        assert_eq!(default_import_name("example.com/reach/store"), "store");
        assert_eq!(default_import_name("example.com/m/v2"), "m");
        assert_eq!(default_import_name("github.com/x/go-cache"), "cache");
    }
}
