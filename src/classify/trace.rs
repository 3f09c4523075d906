//! Flow tracing: from a diagnostic's `-m=2` flow (or, without one, the source around it) to
//! the long-lived holder the value reaches. Each `from ... at POS` step that stores is looked up
//! in the package index: a store into a package-level variable, a registration, or a call to a
//! package function whose parameter is itself stored (followed to that store), a closure that
//! captures the value, or an allocation the value is stored into.

use super::*;
use crate::finding::Release;

impl Context<'_> {
    /// The long-lived holder diagnostic `i` reaches, if any (memoized; `depth` bounds the
    /// following of calls and closures).
    pub(super) fn hit(&self, i: usize, depth: u32) -> Option<Hit> {
        if depth > 4 {
            return None;
        }
        if let Some(h) = self.memo.borrow().get(&i) {
            return h.as_deref().cloned();
        }
        // Break cycles (recursive calls): assume no holder while this one is being computed.
        self.memo.borrow_mut().insert(i, None);
        let d = &self.section.diagnostics[i];
        let h = if d.explanations.is_empty() {
            self.hit_from_source(d)
        } else {
            self.hit_from_flows(d, depth)
        }
        .or_else(|| self.hit_through_capture(d, depth))
        .or_else(|| self.hit_through_goroutine(d));
        self.memo.borrow_mut().insert(i, h.clone().map(Box::new));
        h
    }

    pub(super) fn hit_from_flows(&self, d: &Diagnostic, depth: u32) -> Option<Hit> {
        for e in &d.explanations {
            if matches!(&e.header, Header::Leak { to, .. } if *to != Location::Heap && !matches!(to, Location::Storage(_)))
            {
                continue;
            }
            for flow in &e.flows {
                match &flow.to {
                    Location::Heap => {
                        for step in flow.steps.iter().rev().filter(|s| stores(&s.reason)) {
                            if let Some(mut hit) = self.hit_at_step(step, flow, depth) {
                                hit.evidence.insert(0, step_evidence(flow, step));
                                return Some(hit);
                            }
                        }
                    }
                    Location::Storage(s) if s == "func literal" => {
                        if let Some(hit) = self.hit_through_closure(e, flow, depth) {
                            return Some(hit);
                        }
                    }
                    Location::Storage(s) => {
                        if let Some(hit) = self.hit_through_storage(s, flow, depth) {
                            return Some(hit);
                        }
                    }
                    _ => {}
                }
            }
        }
        None
    }

    /// What the statement at a store step stores into.
    pub(super) fn hit_at_step(&self, step: &Step, flow: &Flow, depth: u32) -> Option<Hit> {
        let index = self.index?;
        let (file, off) = self.locate(step.at.as_ref()?)?;
        // The call the value is passed to, for a `call parameter` step.
        // `append` is the exception: its result is the slice that holds the value.
        let call = (step.reason == Reason::CallParameter)
            .then(|| index.files[file].call_at(off))
            .flatten()
            .filter(|c| c.callee != "append")
            .map(|c| (c.start, c.end));
        // Guard: a value passed to a call *inside* a store (`last = fmt.Sprintf("%v", v)`,
        // `names[id] = strconv.Itoa(id)`) went to the callee, which copies it or keeps it on
        // its own; the store keeps the call's result. Had the result carried the value, the
        // flow would go on to a later assign step, which is looked at first.
        let is_the_call = |l: &Loc| call.is_none_or(|(s, e)| l.start == s && l.end == e);
        if let Some(effect) = index
            .effects_at(file, off)
            .into_iter()
            .find(|e| e.kind.adds())
            .filter(|e| is_the_call(&e.loc))
        {
            let value = match &flow.from {
                Location::Var(v) => Some(v.as_str()),
                _ => None,
            };
            return self.holder_hit(index, effect, value, Basis::Flow);
        }
        if let Some(reg) = index
            .registrations_at(file, off)
            .into_iter()
            .find(|r| is_the_call(&r.loc))
            // A declared registry keeps one argument: the others (a name) are not kept.
            .filter(|r| match r.declared {
                Some((_, kept)) => argument_position(index, file, off, step, flow) == Some(kept),
                None => true,
            })
        {
            return self.registration_hit(index, reg, Basis::Flow);
        }
        if step.reason == Reason::CallParameter {
            return self.hit_through_call(index, file, off, flow, depth);
        }
        None
    }

    pub(super) fn holder_hit(
        &self,
        index: &PackageIndex,
        add: &Effect,
        value: Option<&str>,
        basis: Basis,
    ) -> Option<Hit> {
        let global = index.globals.get(&add.global)?;
        let rule: &'static Rule = if subslice::applies(add, value) {
            &rules::SUBSLICE
        } else if global_map::applies(global, add) {
            &rules::GLOBAL_MAP
        } else if global_slice::applies(global, add) {
            &rules::GLOBAL_SLICE
        } else if linked_list::applies(global, add) {
            &rules::LINKED_LIST
        } else if channel::applies(global, add) {
            &rules::CHANNEL
        } else if global_var::applies(global, add) {
            &rules::GLOBAL_VAR
        } else {
            return None;
        };
        // What the team declared bounded (escape-explain.toml) is taken at its word.
        let bounded = self.declared_bounded(index, &add.global);
        let (mut verdict, released) = match &bounded {
            Some((b, at)) => (
                Verdict::Retained,
                Some(Release {
                    how: format!("{} (declared in {})", b.reason, at.path),
                    site: None,
                }),
            ),
            None => holder::verdict(self, index, add),
        };
        if rule.id == RuleId::Subslice && !index.effect_once(add) {
            // Whatever releases the holder, each kept sub-slice pins an array far larger than
            // what is used, for as long as it is kept.
            verdict = Verdict::LeakRisk;
        }
        let added = self.site(index, &add.loc);
        let declared = match &global.foreign {
            Some(h) => self.site_ref(&h.declared),
            None => self.site(index, &global.decl),
        };
        let mut evidence = vec![Evidence {
            note: format!(
                "{} `{}` ({}), declared at {}",
                add.kind.verb(),
                add.global,
                kind_words(global.kind),
                declared.display()
            ),
            site: Some(added.clone()),
        }];
        if let Some(via) = &add.via {
            evidence.push(Evidence {
                note: via.clone(),
                site: global.foreign.as_ref().map(|h| self.site_ref(&h.stored_at)),
            });
        }
        match &released {
            Some(r) => evidence.push(Evidence {
                note: format!("released: {}", r.how),
                site: r.site.clone(),
            }),
            None => evidence.push(Evidence {
                note: format!(
                    "nothing in the {} deletes from, truncates, resets or drains `{}`",
                    if global.foreign.is_some() {
                        "package that declares it"
                    } else {
                        "package"
                    },
                    add.global
                ),
                site: None,
            }),
        }
        let pin = add.pin.clone().filter(|_| rule.id == RuleId::Subslice);
        if let Some(cost) = pin.as_ref().and_then(|p| p.cost()) {
            evidence.push(Evidence {
                note: cost,
                site: None,
            });
        }
        Some(Hit {
            rule,
            holder: Holder {
                kind: rule.holder.expect("holder rules name a holder kind"),
                name: add.global.clone(),
                declared: Some(declared),
                added: Some(added),
                released,
                kept_at: Vec::new(),
                also_added: Vec::new(),
            },
            verdict,
            evidence,
            basis,
            pin,
            words: None,
            decided_by: bounded.map(|(_, at)| at),
        })
    }

    /// The declaration (escape-explain.toml) that this package's `global` is bounded, with
    /// its line as a site.
    fn declared_bounded(
        &self,
        index: &PackageIndex,
        global: &str,
    ) -> Option<(crate::source::declared::Bounded, Site)> {
        let declared = index.declared.as_ref()?;
        let package = self.section.package.as_deref()?;
        let b = declared.bounded(package, global)?;
        Some((b.clone(), declared_site(&declared.file, &b.at)))
    }

    /// The holder a registration is: none when what it registers with is owned by a caller
    /// or local (a router returned to the caller lives as long as the caller keeps it).
    pub(super) fn registration_hit(
        &self,
        index: &PackageIndex,
        reg: &crate::source::index::Registration,
        basis: Basis,
    ) -> Option<Hit> {
        // A registration API's own body (it forwards its parameters): the registration
        // happens at its callers, which hit_through_call reports.
        if !reg.owner.process_lifetime() || !reg.forwards.is_empty() {
            return None;
        }
        let (verdict, released) = registered_closure::verdict(self, index, reg);
        let added = self.site(index, &reg.loc);
        let decided_by = reg.declared.and_then(|(i, _)| {
            let d = index.declared.as_ref()?;
            Some(declared_site(&d.file, &d.registries.get(i)?.at))
        });
        Some(Hit {
            rule: &rules::REGISTERED_CLOSURE,
            holder: Holder {
                kind: rules::REGISTERED_CLOSURE.holder.unwrap(),
                name: reg.keeper.to_string(),
                declared: None,
                added: Some(added.clone()),
                released: released.clone(),
                kept_at: Vec::new(),
                also_added: Vec::new(),
            },
            verdict,
            evidence: vec![Evidence {
                note: format!(
                    "passed to {}, which keeps it ({})",
                    reg.api,
                    reg.owner.describe()
                ),
                site: Some(added),
            }],
            basis,
            pin: None,
            words: None,
            decided_by,
        })
    }

    /// `put(k)` where put stores its parameter: the caller's value reaches put's holder.
    pub(super) fn hit_through_call(
        &self,
        index: &PackageIndex,
        file: usize,
        off: usize,
        flow: &Flow,
        depth: u32,
    ) -> Option<Hit> {
        let call = index.files[file].call_at(off)?;
        let callee = call.callee.as_str();
        let short = callee.rsplit('.').next().unwrap_or(callee);
        // Same-package functions by name; a method call `x.M(...)` by the method's name, when
        // only one type of the package has it.
        let method_suffix = format!(".{short}");
        let candidates: Vec<usize> = index
            .functions
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.name == callee
                    || (callee.contains('.')
                        && f.kind == crate::source::index::FunctionKind::Method
                        && f.name.ends_with(&method_suffix))
            })
            .map(|(i, _)| i)
            .collect();
        let target = match candidates.as_slice() {
            [one] => *one,
            _ => index.function_named(callee)?,
        };
        let func = &index.functions[target];
        let args = &call.args;
        let from = flow.from.to_string();
        let position = args
            .iter()
            .position(|a| a == &from || a.contains(from.as_str()))
            .or_else(|| {
                // A closure passed in place: the compiler calls it `func literal`.
                from.contains("func literal")
                    .then(|| args.iter().position(|a| a.starts_with("func(")))
                    .flatten()
            });
        // A registration API of the package (it forwards this argument to http.HandleFunc,
        // expvar.Publish, ...): the registration happens here, at the call.
        if let Some(k) = position
            && let Some(reg) = index
                .registrations
                .iter()
                .find(|r| r.function == Some(target) && r.forwards.contains(&k))
            && reg.owner.process_lifetime()
        {
            let mut at = reg.clone();
            at.loc = Loc {
                file,
                start: call.start,
                end: call.end,
                line: call.line,
                column: call.column,
            };
            at.function = index.function_at(file, call.start);
            at.in_loop = index.in_loop_at(file, call.start);
            at.first_arg = args.first().cloned().unwrap_or_default();
            at.forwards = Vec::new();
            let mut hit = self.registration_hit(index, &at, Basis::Flow)?;
            hit.evidence.insert(
                0,
                Evidence {
                    note: format!("passed to {}, which forwards it to {}", func.name, reg.api),
                    site: Some(self.site(index, &reg.loc)),
                },
            );
            return Some(hit);
        }
        let param_names: Vec<&String> = match position {
            Some(k) => func.params.get(k).into_iter().collect(),
            None => func.params.iter().collect(),
        };
        for p in param_names {
            let Some(ds) = self.params.get(&(func.name.clone(), p.clone())) else {
                continue;
            };
            for &j in ds {
                if let Some(mut hit) = self.hit(j, depth + 1) {
                    hit.evidence.insert(
                        0,
                        Evidence {
                            note: format!(
                                "passed to {}, whose parameter `{p}` is kept there",
                                func.name
                            ),
                            site: None,
                        },
                    );
                    return Some(hit);
                }
            }
        }
        None
    }

    /// A value captured by a closure lives as long as the closure: find the closure's own
    /// diagnostic and its holder.
    pub(super) fn hit_through_closure(
        &self,
        e: &Explanation,
        flow: &Flow,
        depth: u32,
    ) -> Option<Hit> {
        let index = self.index?;
        let step = flow
            .steps
            .iter()
            .find(|s| matches!(s.reason, Reason::CapturedByClosure | Reason::Reference))
            .or(flow.steps.last())?;
        let (file, off) = self.locate(step.at.as_ref()?)?;
        let mut f = index.function_at(file, off)?;
        // The capture is written inside the closure; a nested closure's capture names the
        // outermost one that captures from this frame. Try innermost first.
        loop {
            let func = &index.functions[f];
            let path = e.position.as_ref().and_then(|p| p.path.clone())?;
            let key = (path.to_string(), func.loc.line, func.loc.column);
            if let Some(ds) = self.by_pos.get(&key) {
                for &j in ds {
                    let dj = &self.section.diagnostics[j];
                    if dj.subject.as_deref() == Some("func literal")
                        && let Some(mut hit) = self.hit(j, depth + 1)
                    {
                        hit.evidence.insert(
                            0,
                            Evidence {
                                note: format!(
                                    "captured by {}, which is kept",
                                    index.function_words(f)
                                ),
                                site: Some(self.site(index, &func.loc)),
                            },
                        );
                        return Some(hit);
                    }
                }
            }
            f = func.parent?;
        }
    }

    /// Where a diagnostic's value is, and the variable that holds it: the diagnostic's own
    /// (`moved to heap: big`) or the one its allocation is assigned to (`big := make(...)`).
    fn allocated_into(&self, d: &Diagnostic) -> Option<(usize, usize, String)> {
        let index = self.index?;
        let (file, off) = self.locate(d.position.as_ref()?)?;
        let var = match d.kind {
            Kind::MovedToHeap => d.subject.as_deref()?.to_string(),
            Kind::EscapesToHeap => index.files[file].assigned_name_at(off)?,
            _ => return None,
        };
        Some((file, off, var))
    }

    /// A variable captured by a closure that is kept: the compiler prints no capture flow when
    /// the value is on the heap anyway (too large for the stack), so the source says it. The
    /// variable is the diagnostic's own (`moved to heap: big`) or the one its allocation is
    /// assigned to (`big := make(...)`).
    pub(super) fn hit_through_capture(&self, d: &Diagnostic, depth: u32) -> Option<Hit> {
        let index = self.index?;
        let pos = d.position.as_ref()?;
        let (file, off, var) = self.allocated_into(d)?;
        let outer = index.function_at(file, off);
        let path = pos.path.as_deref()?;
        for &k in index.closures_in(outer) {
            let f = &index.functions[k];
            if f.loc.file != file || f.loc.start < off {
                continue;
            }
            // The closure refers to the variable of the function the value is made in.
            if !index
                .captures_of(k)
                .iter()
                .any(|v| v.name == var && v.function == outer)
            {
                continue;
            }
            let key = (path.to_string(), f.loc.line, f.loc.column);
            let Some(ds) = self.by_pos.get(&key) else {
                continue;
            };
            for &j in ds {
                if self.section.diagnostics[j].subject.as_deref() != Some("func literal") {
                    continue;
                }
                if let Some(mut hit) = self.hit(j, depth + 1) {
                    hit.evidence.insert(
                        0,
                        Evidence {
                            note: format!(
                                "`{var}` is captured by {}, which is kept",
                                index.function_words(k)
                            ),
                            site: Some(self.site(index, &f.loc)),
                        },
                    );
                    return Some(hit);
                }
            }
        }
        None
    }

    /// A value a goroutine started later in the same function keeps: its receiver (`go
    /// s.spin()`), an argument, or a variable its closure captures. The goroutine is the
    /// holder: for good when nothing ends its loop, until its stop otherwise.
    pub(super) fn hit_through_goroutine(&self, d: &Diagnostic) -> Option<Hit> {
        let index = self.index?;
        let (file, off, var) = self.allocated_into(d)?;
        let outer = index.function_at(file, off)?;
        let field = format!("{var}.");
        for go in index.goroutines_in(outer) {
            if go.loc.file != file || go.loc.start < off {
                continue;
            }
            let keeps = goroutine_holder::kept(index, go);
            if !keeps.iter().any(|k| *k == var || k.starts_with(&field)) {
                continue;
            }
            let Some(life) = goroutine_holder::lifetime(index, go) else {
                continue;
            };
            let at = self.site(index, &go.loc);
            let line = go.loc.line;
            let bounded = index.starts_bounded(go);
            let (rule, verdict, released, title, why) = match life {
                None if bounded.is_some() => (
                    &rules::GOROUTINE,
                    Verdict::Retained,
                    Some(Release {
                        how: bounded.unwrap_or_default(),
                        site: None,
                    }),
                    format!("`{{subject}}` is kept by the goroutine started at line {line}, which runs for the life of the process"),
                    "the goroutine never returns, but it is started once".to_string(),
                ),
                None => (
                    &rules::GOROUTINE,
                    Verdict::LeakRisk,
                    None,
                    format!("`{{subject}}` is kept by the goroutine started at line {line}, which never returns"),
                    "the goroutine loops forever with no way out and is started from a function that can run many times: each call leaves one more goroutine, and what it keeps, behind".to_string(),
                ),
                Some((how, stop)) => (
                    &rules::GOROUTINE_HOLDER,
                    Verdict::Retained,
                    Some(Release {
                        how: how.clone(),
                        site: stop.map(|l| self.site(index, &l)),
                    }),
                    format!("`{{subject}}` is kept by the goroutine started at line {line}, {how}"),
                    format!("the goroutine keeps it reachable while it runs, {how}: on the heap, but held only that long"),
                ),
            };
            return Some(Hit {
                rule,
                holder: Holder {
                    kind: rule.holder.expect("goroutine rules name a holder kind"),
                    name: format!("the goroutine started at line {line}"),
                    declared: None,
                    added: Some(at.clone()),
                    released,
                    kept_at: Vec::new(),
                    also_added: Vec::new(),
                },
                verdict,
                evidence: vec![Evidence {
                    note: format!("`{var}` is kept by `{}` while it runs", go.subject),
                    site: Some(at),
                }],
                basis: Basis::SourceOnly,
                pin: None,
                words: Some((title, why)),
                decided_by: None,
            });
        }
        None
    }

    /// A value stored into another allocation (`&node{v: v}`) lives as long as that
    /// allocation: find the allocation's own diagnostic, on the line the flow names.
    pub(super) fn hit_through_storage(&self, expr: &str, flow: &Flow, depth: u32) -> Option<Hit> {
        let at = flow.steps.last()?.at.as_ref()?;
        let path = at.path.as_deref()?;
        // The nearest within two lines, from the lines of that subject in that file (sorted).
        let lines = self
            .escapes_by_subject
            .get(&(path.to_string(), expr.to_string()))?;
        let from = lines.partition_point(|&(l, _)| l + 2 < at.line);
        let j = lines[from..]
            .iter()
            .take_while(|&&(l, _)| l <= at.line + 2)
            .map(|&(l, j)| (l.abs_diff(at.line), j))
            .min()
            .filter(|(dist, _)| *dist <= 2)?
            .1;
        let mut hit = self.hit(j, depth + 1)?;
        hit.evidence.insert(
            0,
            Evidence {
                note: format!(
                    "stored into {expr} ({}), which is kept",
                    self.section.diagnostics[j]
                        .position
                        .as_ref()
                        .map(|p| p.display())
                        .unwrap_or_default()
                ),
                site: None,
            },
        );
        Some(hit)
    }

    /// No flow (a `-m` log): the statement at the diagnostic, or a later store of the
    /// variable it is assigned to in the same function.
    pub(super) fn hit_from_source(&self, d: &Diagnostic) -> Option<Hit> {
        let index = self.index?;
        let (file, off) = self.locate(d.position.as_ref()?)?;
        if let Some(effect) = index
            .effects_at(file, off)
            .into_iter()
            .find(|e| e.kind.adds())
        {
            return self.holder_hit(index, effect, d.subject.as_deref(), Basis::SourceOnly);
        }
        if let Some(reg) = index.registrations_at(file, off).into_iter().next() {
            return self.registration_hit(index, reg, Basis::SourceOnly);
        }
        let var = match d.kind {
            Kind::MovedToHeap | Kind::LeakingParam | Kind::LeakingParamContent => {
                d.subject.as_deref()?.to_string()
            }
            _ => index.files[file].assigned_name_at(off)?,
        };
        let func = index.function_at(file, off);
        let effect = index.effects.iter().find(|e| {
            e.kind.adds()
                && e.function == func
                && e.loc.file == file
                && e.loc.start >= off
                && e.vars.iter().any(|v| index.vars[v.0 as usize].name == var)
        })?;
        self.holder_hit(index, effect, Some(&var), Basis::SourceOnly)
    }
}

/// Reasons of a `from` step that store the value somewhere longer-lived.
pub(super) fn stores(r: &Reason) -> bool {
    matches!(
        r,
        Reason::Assign
            | Reason::AssignPair
            | Reason::AssignPairDotType
            | Reason::KeyOfMapPut
            | Reason::Send
            | Reason::AppendeeSlice
            | Reason::AppendedSlice
            | Reason::CopiedSlice
            | Reason::MapLiteralKey
            | Reason::MapLiteralValue
            | Reason::CallParameter
    )
}

/// A line of escape-explain.toml as a site of the source.
fn declared_site(file: &str, at: &crate::settings::Declared) -> Site {
    Site {
        path: file.to_string(),
        line: at.line,
        column: 1,
        text: at.text.clone(),
    }
}

/// Which argument of the call at `off` the flow's value is: the argument written as the
/// value (`v`, `&buf`), else the one that holds the place of the flow's step before the call
/// (`&conf{name: n}` at its `&`). None when neither says: a declared registry keeps one
/// argument, and a value that cannot be placed is not taken for it.
fn argument_position(
    index: &PackageIndex,
    file: usize,
    off: usize,
    step: &Step,
    flow: &Flow,
) -> Option<usize> {
    let source = &index.files[file];
    let call = source.call_at(off)?;
    let from = flow.from.to_string();
    // `{storage for id}`: the interface box made of `id` for the call.
    let from = from
        .strip_prefix("{storage for ")
        .and_then(|f| f.strip_suffix('}'))
        .unwrap_or(&from);
    if let Some(i) = call.args.iter().position(|a| a == from) {
        return Some(i);
    }
    let here = flow.steps.iter().position(|s| std::ptr::eq(s, step))?;
    let before = flow.steps[..here].last()?.at.as_ref()?;
    if step.at.as_ref().is_none_or(|a| a.file != before.file) {
        return None;
    }
    let at = source.offset(before.line, before.column)?;
    call.arg_spans
        .iter()
        .position(|&(start, end)| start <= at && at < end)
}
