//! After the walk: resolving calls (methods by their receiver's type), what each function
//! keeps of its parameters, followed to a fixpoint, and the effects calls make through them.

use super::*;

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
    pub(in crate::source::index) fn settle_summaries(&mut self, module: &dyn ModuleFacts) {
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
