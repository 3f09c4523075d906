//! What a package tells the packages that import it ([`PackageFacts`]), and what the
//! facts of the packages it imports say about the goroutines it starts.

use super::*;

/// What importers are told holds a variable's stores: none when it is bounded here.
type HolderTold = Option<Arc<ForeignHolder>>;

impl PackageIndex {
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
        let mut holders: HashMap<&str, Vec<(EffectKind, HolderTold)>> = HashMap::new();
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
                        } else {
                            // Worked out once per variable and kind of store: a package whose
                            // thousands of functions store into one variable would otherwise
                            // look at each of its stores once per function.
                            let known = holders.entry(g.as_str()).or_default();
                            let found = match known.iter().find(|(kind, _)| *kind == k.kind) {
                                Some((_, h)) => h.clone(),
                                None => {
                                    let h = self.holder_of(g, global, &k.kind, &pkg, &site);
                                    known.push((k.kind.clone(), h.clone()));
                                    h
                                }
                            };
                            let Some(h) = found else {
                                continue;
                            };
                            h
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
            let released = self.whole_release(name, &pkg, &site);
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
    pub(in crate::source::index) fn settle_foreign_goroutines(&mut self, module: &dyn ModuleFacts) {
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

    /// How the package lets go of a whole variable, in words (`delete, in store.Drop`), and
    /// where: not a release through a method of another of its fields, nor the reset that
    /// makes it at start-up.
    fn whole_release(
        &self,
        global: &str,
        pkg: &str,
        site: &dyn Fn(&Loc) -> SiteRef,
    ) -> Option<(String, Option<SiteRef>)> {
        let r = self
            .releases_of(global)
            .find(|r| r.field.is_none() && !(r.kind == EffectKind::Reset && self.effect_once(r)))?;
        let place = r
            .function
            .map(|f| format!(", in {pkg}.{}", self.functions[f].name))
            .unwrap_or_default();
        Some((format!("{}{place}", r.kind.verb()), Some(site(&r.loc))))
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
}

impl PackageIndex {
    /// What an importer is told holds what an exported function stores into `g` (a store of
    /// `kind`): None when the variable is bounded in its own package.
    fn holder_of(
        &self,
        g: &str,
        global: &Global,
        kind: &EffectKind,
        pkg: &str,
        site: &dyn Fn(&Loc) -> SiteRef,
    ) -> HolderTold {
        if self
            .effects_of(g)
            .filter(|e| e.kind.adds() && e.function.is_some())
            .all(|e| self.bounded_here(e))
        {
            // Bounded in its own package (keyed by types, by a constant, one value at a time,
            // filled at start-up): nothing to tell callers.
            return None;
        }
        // The store itself, not the variable's initializer.
        let add = self
            .effects_of(g)
            .filter(|e| e.kind.adds())
            .max_by_key(|e| (e.kind == *kind, e.function.is_some()))?;
        let released = self.whole_release(g, pkg, site);
        Some(Arc::new(ForeignHolder {
            name: format!("{pkg}.{g}"),
            kind: global.kind,
            declared: site(&global.decl),
            stored_at: site(&add.loc),
            released,
        }))
    }
}
